//! Anthropic Messages conformance: every `anthropic-messages__*` fixture (top level and
//! `nonraw/`) runs through [`AnthropicMessagesParser`] whole, byte by byte and in 100 seeded
//! random split sets, and is compared with its sidecar (text, thinking, finish, merged usage,
//! tool uses, error, terminator). Malformed input lives in `malformed`, the HTTP request and
//! the adapter end to end in `request`.

mod malformed;
#[cfg(feature = "http")]
mod request;

use crate::conformance_support::{
    expected_text, fixtures, outcome_under_every_split, run, Fixture, Outcome,
};
use serde_json::Value;
use sluice_providers::anthropic::messages::AnthropicMessagesParser;
use sluice_providers::openai::chat::ENDED_EARLY_MESSAGE;
use sluice_providers::{ProviderErrorKind, StreamParser};
use sluice_wire::events::{FinishReason, Usage};

/// File-name prefix of this family's fixtures.
const PREFIX: &str = "anthropic-messages__";

/// A fresh parser, as the harness wants it.
fn make_parser() -> Box<dyn StreamParser> {
    Box::new(AnthropicMessagesParser::new())
}

/// Runs `body` through the parser under every split (the harness asserts they agree).
fn outcome(stem: &str, body: &[u8], random_splits: usize) -> Outcome {
    outcome_under_every_split(stem, &make_parser, body, random_splits)
}

/// The finish reason the app should report for a sidecar's raw `stop_reason` (the spec of the
/// mapping, written independently of the parser).
fn expected_finish(stop_reason: &str) -> FinishReason {
    match stop_reason {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_string()),
    }
}

/// The usage the app should report for a sidecar's merged Anthropic usage: the prompt counts
/// cached tokens too; Anthropic gives no separate reasoning count.
fn expected_usage(sidecar: &Value) -> Option<Usage> {
    let usage = sidecar
        .get("expected_usage_merged")
        .or(sidecar.get("expected_usage"))?;
    let count = |key: &str| usage[key].as_u64().unwrap_or(0);
    Some(Usage {
        input_tokens: count("input_tokens")
            + count("cache_creation_input_tokens")
            + count("cache_read_input_tokens"),
        output_tokens: count("output_tokens"),
        reasoning_tokens: None,
    })
}

/// Asserts the tool calls match the sidecar's `expected_tool_uses` (client and server tools).
fn check_tool_calls(fixture: &Fixture, outcome: &Outcome) {
    let stem = &fixture.stem;
    let expected = fixture.sidecar["expected_tool_uses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        outcome.tool_calls.len(),
        expected.len(),
        "{stem}: tool calls"
    );
    for (call, want) in outcome.tool_calls.iter().zip(&expected) {
        assert_eq!(
            call.name,
            want["name"].as_str().unwrap(),
            "{stem}: tool name"
        );
        assert!(
            call.id.as_deref().is_some_and(|id| !id.is_empty()),
            "{stem}: tool id"
        );
        match want.get("input_parsed") {
            Some(parsed) => {
                let got: Value = serde_json::from_str(&call.arguments)
                    .unwrap_or_else(|e| panic!("{stem}: arguments not JSON ({e})"));
                assert_eq!(&got, parsed, "{stem}: tool arguments");
                assert!(call.ended, "{stem}: a complete call must end");
            }
            None => {
                assert_eq!(
                    call.arguments,
                    want["input_json"].as_str().unwrap(),
                    "{stem}: partial arguments"
                );
                assert!(serde_json::from_str::<Value>(&call.arguments).is_err());
                assert!(!call.ended, "{stem}: a cut call must not end");
            }
        }
    }
}

/// Asserts the errors match the sidecar's `expected_error` (none when absent).
fn check_errors(fixture: &Fixture, outcome: &Outcome) {
    let stem = &fixture.stem;
    let Some(expected) = fixture.sidecar["expected_error"].as_array() else {
        assert!(outcome.errors.is_empty(), "{stem}: {:?}", outcome.errors);
        return;
    };
    assert_eq!(outcome.errors.len(), expected.len(), "{stem}: errors");
    for (error, want) in outcome.errors.iter().zip(expected) {
        let error_type = want["error"]["type"].as_str().unwrap();
        if error_type == "overloaded_error" {
            assert_eq!(error.kind, ProviderErrorKind::Upstream, "{stem}");
        }
        let word = error_type.trim_end_matches("_error").replace('_', " ");
        assert!(
            error.message.to_lowercase().contains(&word),
            "{stem}: {:?} should say {word}",
            error.message
        );
        assert!(
            error.message.contains("Anthropic"),
            "{stem}: names provider"
        );
        assert!(!error.message.contains(['{', '"']), "{stem}: no raw JSON");
    }
}

#[test]
fn every_anthropic_fixture_matches_its_sidecar() {
    let Some(fixtures) = fixtures(PREFIX) else {
        return;
    };
    let nonraw = fixtures.iter().filter(|f| f.stem.starts_with("nonraw/"));
    assert_eq!((fixtures.len(), nonraw.count()), (10, 1), "9 + 1 fixtures");
    for fixture in &fixtures {
        let stem = &fixture.stem;
        let sidecar = &fixture.sidecar;
        let outcome = outcome(stem, &fixture.body, 100);
        assert_eq!(outcome.text, expected_text(sidecar), "{stem}: text");
        let thinking = sidecar["expected_thinking"].as_str().unwrap_or_default();
        assert_eq!(outcome.reasoning, thinking, "{stem}: thinking");
        assert_eq!(outcome.refusal, "", "{stem}: refusal");
        let finishes: Vec<FinishReason> = sidecar["expected_finish"]
            .as_str()
            .map(expected_finish)
            .into_iter()
            .collect();
        assert_eq!(outcome.finishes, finishes, "{stem}: finish");
        assert_eq!(outcome.usage, expected_usage(sidecar), "{stem}: usage");
        check_tool_calls(fixture, &outcome);
        check_errors(fixture, &outcome);
        let stops = sidecar["features"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f == "message_stop"));
        assert_eq!(outcome.done, stops, "{stem}: message_stop seen");
    }
}

/// Every prefix of every fixture under 20 kB (the body cut anywhere): no panic; the text is a
/// prefix of the full text; without a stop reason there is exactly one error ("stream ended
/// early" unless the cut falls after the fixture's own `event: error`), with one there is none.
#[test]
fn a_body_cut_anywhere_keeps_its_text_and_reports_the_cut() {
    let Some(fixtures) = fixtures(PREFIX) else {
        return;
    };
    for fixture in fixtures.iter().filter(|f| f.body.len() < 20_000) {
        let full = expected_text(&fixture.sidecar);
        let error_at = find(&fixture.body, b"event: error").unwrap_or(usize::MAX);
        for cut in 0..=fixture.body.len() {
            let got = run(&mut AnthropicMessagesParser::new(), &[&fixture.body[..cut]]);
            let stem = format!("{} cut at {cut}", fixture.stem);
            assert!(full.starts_with(&got.text), "{stem}: text {:?}", got.text);
            assert!(got.finishes.len() <= 1, "{stem}: {:?}", got.finishes);
            if got.finishes.is_empty() {
                assert_eq!(got.errors.len(), 1, "{stem}");
                if cut < error_at {
                    assert_eq!(got.errors[0].message, ENDED_EARLY_MESSAGE, "{stem}");
                }
            } else {
                assert!(got.errors.is_empty(), "{stem}: {:?}", got.errors);
            }
        }
    }
}

/// Position of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
