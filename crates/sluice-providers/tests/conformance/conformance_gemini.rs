//! Gemini `streamGenerateContent?alt=sse` parser conformance: every `gemini-sse__` fixture (top
//! level and `nonraw/`) fed whole, byte by byte and at 100 random split sets, compared with its
//! sidecar (text, thinking, function calls, usage, finish, error); the `gemini-json-array__`
//! negative case; and hand-written malformed bodies (truncation, invalid UTF-8, unknown event
//! and part types, a 10 MB line, in-stream errors, a blocked prompt).

use crate::conformance_support::{expected_text, fixtures, outcome_under_every_split, Outcome};
use serde_json::{json, Value};
use sluice_providers::gemini::stream::{
    GeminiStreamParser, ENDED_EARLY_MESSAGE, MALFORMED_CHUNK_MESSAGE, MAX_LINE_BYTES,
    NOT_SSE_MESSAGE, OVERSIZED_CHUNK_MESSAGE,
};
use sluice_providers::{ProviderError, ProviderErrorKind, ProviderEvent, StreamParser};
use sluice_wire::events::{FinishReason, Usage};

fn parser() -> Box<dyn StreamParser> {
    Box::new(GeminiStreamParser::new())
}

/// Runs a hand-written body under every split strategy (fewer random sets than fixtures).
fn run_body(body: &str) -> Outcome {
    outcome_under_every_split("hand-written", &parser, body.as_bytes(), 20)
}

/// Gemini's SSE framing: each chunk as one `data:` line, CRLF CRLF after it.
fn sse(chunks: &[Value]) -> String {
    chunks
        .iter()
        .map(|c| format!("data: {c}\r\n\r\n"))
        .collect()
}

fn text_chunk(text: &str) -> Value {
    json!({"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}]})
}

fn finish_chunk(reason: &str) -> Value {
    json!({"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": reason, "index": 0}],
           "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 5, "totalTokenCount": 8}})
}

fn protocol(message: &str) -> ProviderError {
    ProviderError::new(ProviderErrorKind::Protocol, message)
}

/// The usage a sidecar's raw `usageMetadata` stands for: input = prompt + tool-use prompt,
/// output = candidates + thoughts, reasoning = thoughts.
fn sidecar_usage(raw: &Value) -> Usage {
    let count = |name: &str| raw[name].as_u64();
    let usage = Usage {
        input_tokens: count("promptTokenCount").unwrap_or(0)
            + count("toolUsePromptTokenCount").unwrap_or(0),
        output_tokens: count("candidatesTokenCount").unwrap_or(0)
            + count("thoughtsTokenCount").unwrap_or(0),
        reasoning_tokens: count("thoughtsTokenCount"),
    };
    assert_eq!(
        Some(usage.input_tokens + usage.output_tokens),
        count("totalTokenCount"),
        "input + output should add up to the sidecar's totalTokenCount"
    );
    usage
}

/// The finish reason a sidecar's `expected_finish` stands for.
fn sidecar_finish(sidecar: &Value, had_calls: bool) -> FinishReason {
    match sidecar["expected_finish"].as_str() {
        Some("STOP") if had_calls => FinishReason::ToolCalls,
        Some("STOP") => FinishReason::Stop,
        Some("MAX_TOKENS") => FinishReason::Length,
        other => panic!("finish {other:?} not covered by this test"),
    }
}

#[test]
fn every_gemini_sse_fixture_matches_its_sidecar() {
    let Some(fixtures) = fixtures("gemini-sse__") else {
        return;
    };
    assert!(fixtures.iter().any(|f| f.stem.starts_with("nonraw/")));
    for fixture in &fixtures {
        let stem = fixture.stem.as_str();
        let sidecar = &fixture.sidecar;
        let outcome = outcome_under_every_split(stem, &parser, &fixture.body, 100);
        assert_eq!(outcome.text, expected_text(sidecar), "{stem}: text");
        let thinking = sidecar["expected_thinking"].as_str().unwrap_or_default();
        assert_eq!(outcome.reasoning, thinking, "{stem}: thinking");
        assert_eq!(outcome.refusal, "", "{stem}: refusal");
        let calls = sidecar["expected_function_calls"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(outcome.tool_calls.len(), calls.len(), "{stem}: calls");
        for (call, expected) in outcome.tool_calls.iter().zip(&calls) {
            assert_eq!(call.name, expected["name"].as_str().unwrap(), "{stem}");
            let arguments: Value = serde_json::from_str(&call.arguments).unwrap();
            assert_eq!(arguments, expected["args"], "{stem}: arguments");
            assert!(call.ended, "{stem}: call not ended");
        }
        match sidecar.get("expected_error") {
            Some(error) => {
                let message = error["error"]["message"].as_str().unwrap();
                assert_eq!(outcome.errors.len(), 1, "{stem}: {:?}", outcome.errors);
                assert_eq!(outcome.errors[0].message, message, "{stem}");
                assert_ne!(outcome.errors[0].kind, ProviderErrorKind::Protocol);
                // The error supersedes the finishReason the chunks before it carried.
                assert!(outcome.finishes.is_empty(), "{stem}: finish after error");
                assert_eq!(outcome.usage, None, "{stem}: usage after error");
            }
            None => {
                assert!(outcome.errors.is_empty(), "{stem}: {:?}", outcome.errors);
                let finish = sidecar_finish(sidecar, !calls.is_empty());
                assert_eq!(outcome.finishes, vec![finish], "{stem}: finish");
                let usage = sidecar.get("expected_usage").map(sidecar_usage);
                assert_eq!(outcome.usage, usage, "{stem}: usage");
            }
        }
        assert!(!outcome.done, "{stem}: Gemini has no terminator");
        eprintln!("checked {stem}");
    }
}

#[test]
fn json_array_body_is_rejected_with_alt_sse_advice_and_no_text() {
    let Some(fixtures) = fixtures("gemini-json-array__") else {
        return;
    };
    for fixture in &fixtures {
        let stem = fixture.stem.as_str();
        assert_eq!(fixture.sidecar["wire_format"], "json-array", "{stem}");
        // The array does hold answer text; none of it may pass for an answer.
        assert!(!expected_text(&fixture.sidecar).is_empty(), "{stem}");
        let outcome = outcome_under_every_split(stem, &parser, &fixture.body, 100);
        let expected = Outcome {
            errors: vec![protocol(
                "Gemini answered with a JSON array instead of server-sent events; the request must use alt=sse.",
            )],
            ..Outcome::default()
        };
        assert_eq!(outcome, expected, "{stem}");
        let mut parser = GeminiStreamParser::new();
        let first = parser.push_bytes(&fixture.body[..1]);
        assert_eq!(
            first,
            vec![ProviderEvent::Error(expected.errors[0].clone())]
        );
        assert!(parser.push_bytes(&fixture.body[1..]).is_empty());
        assert!(parser.finish().is_empty());
    }
}

#[test]
fn repeated_finish_reasons_and_usage_come_once_at_the_end() {
    let mut usage_early = finish_chunk("STOP");
    usage_early["usageMetadata"] = json!({"promptTokenCount": 3, "candidatesTokenCount": 1});
    let mut last = finish_chunk("MAX_TOKENS");
    last["usageMetadata"]["thoughtsTokenCount"] = json!(7);
    let body = sse(&[usage_early, text_chunk("a"), last]);
    let mut parser = GeminiStreamParser::new();
    let events = parser.push_bytes(body.as_bytes());
    assert_eq!(events, vec![ProviderEvent::Text("a".into())]);
    let usage = Usage {
        input_tokens: 3,
        output_tokens: 12,
        reasoning_tokens: Some(7),
    };
    assert_eq!(
        parser.finish(),
        vec![
            ProviderEvent::Usage(usage),
            ProviderEvent::Finish(FinishReason::Length)
        ]
    );
    for (reason, mapped) in [
        ("SAFETY", FinishReason::ContentFilter),
        ("RECITATION", FinishReason::ContentFilter),
        ("PROHIBITED_CONTENT", FinishReason::ContentFilter),
        (
            "MALFORMED_FUNCTION_CALL",
            FinishReason::Other("malformed_function_call".into()),
        ),
    ] {
        let outcome = run_body(&sse(&[text_chunk("partial"), finish_chunk(reason)]));
        assert_eq!(outcome.text, "partial");
        assert_eq!(outcome.finishes, vec![mapped], "{reason}");
    }
}

#[test]
fn function_calls_get_indexes_ids_and_a_tool_calls_finish() {
    let calls = json!({"candidates": [{"content": {"role": "model", "parts": [
        {"functionCall": {"name": "get_weather", "args": {"city": "Paris", "days": [1, 2]}}, "thoughtSignature": "c2ln"},
        {"functionCall": {"id": "call-2", "name": "get_time"}},
    ]}, "index": 0}]});
    let outcome = run_body(&sse(&[calls, finish_chunk("STOP")]));
    assert_eq!(outcome.tool_calls.len(), 2);
    assert_eq!(outcome.tool_calls[0].name, "get_weather");
    let args: Value = serde_json::from_str(&outcome.tool_calls[0].arguments).unwrap();
    assert_eq!(args, json!({"city": "Paris", "days": [1, 2]}));
    assert_eq!(outcome.tool_calls[1].id.as_deref(), Some("call-2"));
    assert_eq!(outcome.tool_calls[1].arguments, "{}");
    assert!(outcome.tool_calls.iter().all(|call| call.ended));
    assert_eq!(outcome.finishes, vec![FinishReason::ToolCalls]);
}

#[test]
fn truncated_json_mid_stream_is_a_protocol_error_after_the_kept_text() {
    let body = format!(
        "{}data: {{\"candidates\": [\r\n\r\n{}",
        sse(&[text_chunk("Hi")]),
        sse(&[text_chunk("lost"), finish_chunk("STOP")])
    );
    let outcome = run_body(&body);
    assert_eq!(outcome.text, "Hi");
    assert_eq!(outcome.errors, vec![protocol(MALFORMED_CHUNK_MESSAGE)]);
    assert!(outcome.finishes.is_empty() && outcome.usage.is_none());
}

#[test]
fn a_body_that_ends_without_a_finish_reason_ended_early() {
    for tail in ["", "data: {\"candidates\": [{\"content\""] {
        let body = format!("{}{tail}", sse(&[text_chunk("Hel"), text_chunk("lo")]));
        let outcome = run_body(&body);
        assert_eq!(outcome.text, "Hello");
        assert_eq!(outcome.errors, vec![protocol(ENDED_EARLY_MESSAGE)]);
        assert!(outcome.finishes.is_empty() && outcome.usage.is_none());
    }
    // Cut mid-event after a finishReason (older models send one on every chunk): complete.
    let body = format!("{}data: {{\"cand", sse(&[finish_chunk("STOP")]));
    assert_eq!(run_body(&body).finishes, vec![FinishReason::Stop]);
    // The last event without its blank line still counts.
    let body = format!("data: {}", finish_chunk("STOP"));
    assert_eq!(run_body(&body).finishes, vec![FinishReason::Stop]);
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    let mut body = b"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\xFF\xC3b\"}]}}]}\r\n\r\n".to_vec();
    body.extend_from_slice(sse(&[finish_chunk("STOP")]).as_bytes());
    let outcome = outcome_under_every_split("invalid utf-8", &parser, &body, 20);
    assert_eq!(outcome.text, "a\u{FFFD}\u{FFFD}b");
    assert_eq!(outcome.finishes, vec![FinishReason::Stop]);
}

#[test]
fn unknown_events_parts_fields_and_comments_are_skipped() {
    let unknown_parts = json!({"candidates": [{"content": {"parts": [
        {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
        {"thoughtSignature": "c2ln"}, {"text": "kept"}, {"futurePart": {}}
    ]}, "citationMetadata": {}, "index": 0}], "futureField": [1]});
    let body = format!(
        "\u{FEFF}: keep-alive\r\n\r\nevent: ping\r\ndata: {}\r\n\r\nretry: 10\r\n{}",
        text_chunk("skipped"),
        sse(&[unknown_parts, finish_chunk("STOP")])
    );
    let outcome = run_body(&body);
    assert_eq!(outcome.text, "kept");
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.finishes, vec![FinishReason::Stop]);
    // LF separators work as well as CRLF.
    let lf = sse(&[text_chunk("x"), finish_chunk("STOP")]).replace("\r\n", "\n");
    let outcome = run_body(&lf);
    assert_eq!(outcome.text, "x");
    assert_eq!(outcome.finishes, vec![FinishReason::Stop]);
}

#[test]
fn a_ten_megabyte_line_is_an_error_raised_once_the_limit_is_passed() {
    let mut parser = GeminiStreamParser::new();
    let mut events = parser.push_bytes(sse(&[text_chunk("before")]).as_bytes());
    events.extend(parser.push_bytes(b"data: {\"candidates\": \""));
    let piece = vec![b'a'; 64 * 1024];
    let mut pushed = 0;
    while pushed < 10 * 1024 * 1024 {
        let new = parser.push_bytes(&piece);
        pushed += piece.len();
        if !new.is_empty() {
            assert!(pushed <= MAX_LINE_BYTES + piece.len(), "error came late");
            events.extend(new);
        }
    }
    events.extend(parser.push_bytes(b"\"}\r\n\r\n"));
    events.extend(parser.finish());
    assert_eq!(
        events,
        vec![
            ProviderEvent::Text("before".into()),
            ProviderEvent::Error(protocol(OVERSIZED_CHUNK_MESSAGE))
        ]
    );
}

#[test]
fn error_objects_in_data_lines_and_bare_json_become_clear_errors() {
    let quota = json!({"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}});
    let outcome = run_body(&sse(&[
        text_chunk("partial"),
        quota.clone(),
        finish_chunk("STOP"),
    ]));
    assert_eq!(outcome.text, "partial");
    let expected = ProviderError::new(
        ProviderErrorKind::RateLimited {
            retry_after_secs: None,
        },
        quota["error"]["message"].as_str().unwrap(),
    );
    assert_eq!(outcome.errors, vec![expected.clone()]);
    assert!(outcome.finishes.is_empty());
    // The same object, pretty-printed and outside any data: line, at the start of the body.
    let bare = serde_json::to_string_pretty(&quota)
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(run_body(&bare).errors, vec![expected]);
    // Plain JSON that is no error (generateContent without streaming) is not SSE either.
    let plain = serde_json::to_string_pretty(&finish_chunk("STOP")).unwrap();
    let outcome = run_body(&plain);
    assert_eq!(outcome.errors, vec![protocol(NOT_SSE_MESSAGE)]);
    assert_eq!(outcome.text, "");
    // A bare object cut short is a stream that ended early.
    let cut = run_body("{\n  \"error\": {");
    assert_eq!(cut.errors, vec![protocol(ENDED_EARLY_MESSAGE)]);
}

#[test]
fn a_blocked_prompt_is_an_error_that_says_so() {
    let blocked = json!({"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []},
                         "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8}});
    let outcome = run_body(&sse(&[blocked]));
    assert_eq!(outcome.errors.len(), 1);
    assert_eq!(outcome.errors[0].kind, ProviderErrorKind::BadRequest);
    assert!(outcome.errors[0].message.contains("blocked the prompt"));
    assert!(!outcome.errors[0].message.contains('{'));
    assert!(outcome.text.is_empty() && outcome.finishes.is_empty());
}
