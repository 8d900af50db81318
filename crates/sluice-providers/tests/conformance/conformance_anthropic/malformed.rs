//! Malformed and unusual Anthropic streams, built by editing the recorded `text-count` fixture
//! so every expectation derives from its sidecar or from a run of an unedited prefix: truncated
//! JSON, invalid UTF-8, unknown events and blocks, a 10 MB line, in-stream errors, bytes after
//! `message_stop`, and the stop-reason mapping.

use super::{expected_finish, find, outcome, PREFIX};
use crate::conformance_support::{expected_text, fixtures, run, Fixture};
use sluice_providers::anthropic::messages::AnthropicMessagesParser;
use sluice_providers::openai::chat::{MALFORMED_CHUNK_MESSAGE, OVERSIZED_CHUNK_MESSAGE};
use sluice_providers::{ProviderError, ProviderErrorKind, ProviderEvent};
use sluice_wire::events::FinishReason;

/// The small recorded stream the edits start from.
fn text_count() -> Option<Fixture> {
    fixtures(PREFIX)?
        .into_iter()
        .find(|f| f.stem.contains("text-count"))
}

/// `body` with `insert` put just before the first occurrence of `marker`.
fn insert_before(body: &[u8], marker: &[u8], insert: &[u8]) -> (Vec<u8>, usize) {
    let at = find(body, marker).expect("marker in fixture");
    ([&body[..at], insert, &body[at..]].concat(), at)
}

#[test]
fn truncated_json_mid_stream_keeps_the_text_and_stops() {
    let Some(fixture) = text_count() else { return };
    let cut = b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\\n4\n\n";
    let (body, at) = insert_before(&fixture.body, b"event: ping", cut);
    let before = run(&mut AnthropicMessagesParser::new(), &[&body[..at]]);
    let got = outcome("truncated json", &body, 50);
    assert!(!before.text.is_empty());
    assert_eq!(got.text, before.text);
    assert_eq!(got.usage, before.usage, "usage so far precedes the error");
    assert_eq!(got.finishes, vec![]);
    let malformed = ProviderError::new(ProviderErrorKind::Protocol, MALFORMED_CHUNK_MESSAGE);
    assert_eq!(got.errors, vec![malformed]);
    assert!(!got.done);
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    let Some(fixture) = text_count() else { return };
    let original = b"\"text\":\"1\"";
    let at = find(&fixture.body, original).expect("first delta");
    let body = [
        &fixture.body[..at],
        b"\"text\":\"\xFF\xC3\"",
        &fixture.body[at + original.len()..],
    ]
    .concat();
    let got = outcome("invalid utf-8", &body, 50);
    let want = expected_text(&fixture.sidecar).replacen('1', "\u{FFFD}\u{FFFD}", 1);
    assert_eq!(got.text, want);
    assert!(got.errors.is_empty(), "{:?}", got.errors);
    assert_eq!(got.finishes.len(), 1);
}

#[test]
fn unknown_events_blocks_and_deltas_are_skipped() {
    let Some(fixture) = text_count() else { return };
    let unknown: &[u8] = b"event: hologram_start\ndata: not even json\n\n\
        data: {\"type\":\"future_event\",\"text\":\"no\"}\n\n\
        : a comment\n\n\
        event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":7,\"content_block\":{\"type\":\"hologram\",\"text\":\"no\"}}\n\n\
        event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":7,\"delta\":{\"type\":\"text_delta\",\"text\":\"no\"}}\n\n\
        event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"hologram_delta\",\"text\":\"no\"}}\n\n\
        event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}\n\n\
        event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":8,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"xyz\"}}\n\n\
        event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":7}\n\n";
    let (body, _) = insert_before(&fixture.body, b"event: ping", unknown);
    let plain = outcome("plain", &fixture.body, 0);
    assert_eq!(outcome("unknown events", &body, 50), plain);
    assert_eq!(plain.text, expected_text(&fixture.sidecar));
}

#[test]
fn a_10_mb_line_is_dropped_with_an_error_and_the_text_stays() {
    let Some(fixture) = text_count() else { return };
    let mut huge = b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"".to_vec();
    huge.resize(huge.len() + 10 * 1024 * 1024, b'x');
    huge.extend_from_slice(b"\"}}\n\n");
    let (body, at) = insert_before(&fixture.body, b"event: ping", &huge);
    let before = run(&mut AnthropicMessagesParser::new(), &[&body[..at]]);
    let got = outcome("10 MB line", &body, 2);
    assert_eq!(got.text, before.text);
    let oversized = ProviderError::new(ProviderErrorKind::Protocol, OVERSIZED_CHUNK_MESSAGE);
    assert_eq!(got.errors, vec![oversized]);
    assert_eq!(got.finishes, vec![]);
}

#[test]
fn bytes_after_message_stop_are_ignored() {
    let Some(fixture) = text_count() else { return };
    let body = [
        &fixture.body[..],
        b"data: {broken\n\nevent: error\ndata: {}\n\n",
    ]
    .concat();
    let mut parser = AnthropicMessagesParser::new();
    let got = run(&mut parser, &[&body]);
    assert_eq!(got, outcome("plain", &fixture.body, 0));
    assert!(got.done && got.errors.is_empty());
}

#[test]
fn usage_is_emitted_once_and_merged() {
    let Some(fixtures) = fixtures(PREFIX) else {
        return;
    };
    for fixture in fixtures {
        let mut parser = AnthropicMessagesParser::new();
        let mut events = parser.push_bytes(&fixture.body);
        events.extend(parser.finish());
        let usages = events
            .iter()
            .filter(|e| matches!(e, ProviderEvent::Usage(_)))
            .count();
        assert_eq!(usages, 1, "{}", fixture.stem);
    }
}

/// A minimal stream ending with `stop_reason` (no `message_stop` when `stop` is false).
fn stream_with(stop_reason: &str, stop: bool) -> Vec<u8> {
    let mut body = format!(
        "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"usage\":{{\"input_tokens\":5,\"cache_read_input_tokens\":2,\"output_tokens\":1}}}}}}\n\n\
         event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"{stop_reason}\"}},\"usage\":{{\"output_tokens\":9}}}}\n\n\
         event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\"}},\"usage\":{{\"output_tokens\":11}}}}\n\n"
    );
    if stop {
        body.push_str("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }
    body.into_bytes()
}

#[test]
fn stop_reasons_map_and_only_the_first_counts() {
    for reason in [
        "end_turn",
        "stop_sequence",
        "max_tokens",
        "tool_use",
        "refusal",
        "pause_turn",
        "model_context_window_exceeded",
    ] {
        for stop in [true, false] {
            let got = outcome(reason, &stream_with(reason, stop), 10);
            assert_eq!(got.finishes, vec![expected_finish(reason)], "{reason}");
            assert!(got.errors.is_empty(), "{reason}: {:?}", got.errors);
            assert_eq!(got.done, stop);
            let usage = got.usage.expect("usage");
            assert_eq!((usage.input_tokens, usage.output_tokens), (7, 11));
        }
    }
    assert_eq!(expected_finish("max_tokens"), FinishReason::Length);
}

/// The error a stream ending in `event: error` with this `error` object produces.
fn stream_error(display_name: &str, error: &str) -> ProviderError {
    let body = format!(
        "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"Hi\"}}}}\n\n\
         event: error\ndata: {{\"type\":\"error\",\"error\":{error}}}\n\n"
    );
    let mut parser = AnthropicMessagesParser::named(display_name);
    let got = run(&mut parser, &[body.as_bytes()]);
    assert_eq!(got.text, "Hi", "text before the error stays");
    assert_eq!(got.errors.len(), 1);
    got.errors[0].clone()
}

#[test]
fn in_stream_errors_are_worded_for_people() {
    let overloaded = stream_error(
        "Anthropic",
        r#"{"type":"overloaded_error","message":"Overloaded"}"#,
    );
    assert_eq!(overloaded.kind, ProviderErrorKind::Upstream);
    assert_eq!(
        overloaded.message,
        "Anthropic is overloaded; try again shortly."
    );
    let named = stream_error("Claude (work)", r#"{"type":"overloaded_error"}"#);
    assert!(named.message.starts_with("Claude (work) is overloaded"));
    let limited = stream_error("Anthropic", r#"{"type":"rate_limit_error","message":"x"}"#);
    assert!(matches!(
        limited.kind,
        ProviderErrorKind::RateLimited { .. }
    ));
    let auth = stream_error("Anthropic", r#"{"type":"authentication_error"}"#);
    assert_eq!(auth.kind, ProviderErrorKind::Auth);
    assert!(auth.message.contains("Invalid API key for Anthropic"));
    let short = stream_error(
        "Anthropic",
        r#"{"type":"api_error","message":"Internal server error"}"#,
    );
    assert_eq!(short.kind, ProviderErrorKind::Upstream);
    assert!(
        short.message.ends_with(": Internal server error."),
        "{}",
        short.message
    );
    let json_like = stream_error(
        "Anthropic",
        r#"{"type":"api_error","message":"{\"raw\":\"dump\"}"}"#,
    );
    assert!(
        !json_like.message.contains(['{', '"']),
        "{}",
        json_like.message
    );
    let long = format!(
        r#"{{"type":"invalid_request_error","message":"{}"}}"#,
        "a".repeat(400)
    );
    let long = stream_error("Anthropic", &long);
    assert_eq!(long.kind, ProviderErrorKind::BadRequest);
    assert!(long.message.len() < 100, "{}", long.message);
    let bare = stream_error("Anthropic", r#""just a string""#);
    assert_eq!(bare.kind, ProviderErrorKind::Upstream);
    assert!(!bare.message.contains('"'));
}
