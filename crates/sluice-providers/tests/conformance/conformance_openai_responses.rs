//! OpenAI Responses API conformance: every `openai-responses__*` fixture run whole, byte by
//! byte and at 100 random split sets through [`ResponsesParser`] and compared with its sidecar
//! (text, reasoning, function calls, usage, finish, in-stream error); hand-written streams for
//! the malformed cases (truncated JSON, cut body, invalid UTF-8, unknown events, a 10 MB
//! line) and the terminal variants. The HTTP request shape is in
//! `conformance_openai_responses_http`.

use crate::conformance_support::{expected_text, fixtures, outcome_under_every_split, Outcome};
use serde_json::{json, Value};
use sluice_providers::openai::chat::{
    ENDED_EARLY_MESSAGE, MALFORMED_CHUNK_MESSAGE, OVERSIZED_CHUNK_MESSAGE,
};
use sluice_providers::openai::responses::ResponsesParser;
use sluice_providers::{ProviderError, ProviderErrorKind, ProviderEvent, StreamParser};
use sluice_wire::events::{FinishReason, Usage};

fn make() -> Box<dyn StreamParser> {
    Box::new(ResponsesParser::new())
}

/// The error kind the sidecar's error `code` calls for.
fn expected_kind(code: &str) -> ProviderErrorKind {
    match code {
        "rate_limit_exceeded" => ProviderErrorKind::RateLimited {
            retry_after_secs: None,
        },
        "insufficient_quota" => ProviderErrorKind::BadRequest,
        other => panic!("no expectation for error code {other}"),
    }
}

/// Compares an outcome with everything its sidecar states.
fn check_against_sidecar(stem: &str, sidecar: &Value, outcome: &Outcome) {
    assert_eq!(outcome.text, expected_text(sidecar), "{stem}: text");
    assert_eq!(
        outcome.reasoning,
        sidecar["expected_reasoning"].as_str().unwrap_or_default(),
        "{stem}: reasoning"
    );
    assert_eq!(outcome.refusal, "", "{stem}: refusal");
    let calls = sidecar["expected_function_calls"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(outcome.tool_calls.len(), calls.len(), "{stem}: call count");
    for (call, expected) in outcome.tool_calls.iter().zip(&calls) {
        assert_eq!(call.name, expected["name"].as_str().unwrap(), "{stem}");
        assert_eq!(call.id.as_deref(), expected["call_id"].as_str(), "{stem}");
        let arguments: Value = serde_json::from_str(&call.arguments).unwrap();
        let wanted: Value = serde_json::from_str(expected["arguments"].as_str().unwrap()).unwrap();
        assert_eq!(arguments, wanted, "{stem}: arguments");
        assert!(call.ended, "{stem}: call ended");
    }
    let usage = sidecar.get("expected_usage").map(|usage| Usage {
        input_tokens: usage["input_tokens"].as_u64().unwrap(),
        output_tokens: usage["output_tokens"].as_u64().unwrap(),
        reasoning_tokens: usage["output_tokens_details"]["reasoning_tokens"].as_u64(),
    });
    assert_eq!(outcome.usage, usage, "{stem}: usage");
    match sidecar["expected_finish"].as_str().unwrap() {
        "completed" => {
            let reason = if calls.is_empty() {
                FinishReason::Stop
            } else {
                FinishReason::ToolCalls
            };
            assert_eq!(outcome.finishes, [reason], "{stem}: finish");
            assert!(outcome.errors.is_empty() && outcome.done, "{stem}");
        }
        "failed" => {
            let error = &sidecar["expected_error"][0];
            let error = error.get("error").unwrap_or(error);
            let expected = ProviderError::new(
                expected_kind(error["code"].as_str().unwrap()),
                error["message"].as_str().unwrap(),
            );
            assert_eq!(outcome.errors, [expected], "{stem}: error");
            assert!(
                outcome.finishes.is_empty(),
                "{stem}: no finish after an error"
            );
        }
        other => panic!("{stem}: no expectation for finish {other}"),
    }
}

#[test]
fn every_responses_fixture_matches_its_sidecar_under_every_split() {
    let Some(fixtures) = fixtures("openai-responses__") else {
        return;
    };
    for fixture in &fixtures {
        let outcome = outcome_under_every_split(&fixture.stem, &make, &fixture.body, 100);
        check_against_sidecar(&fixture.stem, &fixture.sidecar, &outcome);
    }
    eprintln!("{} Responses fixtures checked", fixtures.len());
}

/// One SSE event in the Responses wire form (`event:` equal to the JSON `type`).
fn event(payload: Value) -> String {
    let kind = payload["type"].as_str().unwrap_or("message").to_string();
    format!("event: {kind}\ndata: {payload}\n\n")
}

fn text_delta(text: &str) -> String {
    event(json!({"type": "response.output_text.delta", "item_id": "msg_1", "delta": text}))
}

fn completed(usage: Value) -> String {
    event(
        json!({"type": "response.completed", "response": {"status": "completed", "output": [], "usage": usage}}),
    )
}

fn run(body: &[u8]) -> Outcome {
    outcome_under_every_split("hand-written", &make, body, 20)
}

fn protocol_error(message: &str) -> ProviderError {
    ProviderError::new(ProviderErrorKind::Protocol, message)
}

#[test]
fn truncated_json_stops_with_a_protocol_error_and_keeps_the_text() {
    let body = format!(
        "{}event: response.output_text.delta\ndata: {{\"type\":\"response.output_text.delta\",\"delta\":\"x\n\n{}{}",
        text_delta("kept"),
        text_delta("ignored"),
        completed(Value::Null)
    );
    let outcome = run(body.as_bytes());
    assert_eq!(outcome.text, "kept");
    assert_eq!(outcome.errors, [protocol_error(MALFORMED_CHUNK_MESSAGE)]);
    assert!(outcome.finishes.is_empty() && !outcome.done);
}

#[test]
fn a_body_cut_before_the_terminal_event_ended_early() {
    let cut_mid_event = format!("{}data: {{\"type\":\"response.compl", text_delta("part"));
    for body in [text_delta("part"), cut_mid_event, String::new()] {
        let outcome = run(body.as_bytes());
        assert_eq!(outcome.errors, [protocol_error(ENDED_EARLY_MESSAGE)]);
        assert_eq!(outcome.text, if body.is_empty() { "" } else { "part" });
    }
    let chat_done = format!("{}data: [DONE]\n\n", text_delta("part"));
    assert_eq!(
        run(chat_done.as_bytes()).errors,
        [protocol_error(ENDED_EARLY_MESSAGE)]
    );
}

#[test]
fn completed_without_its_blank_line_and_bytes_after_it() {
    let body = format!("{}{}", text_delta("all"), completed(Value::Null));
    let unterminated = body.trim_end();
    let outcome = run(unterminated.as_bytes());
    assert!(outcome.errors.is_empty() && outcome.done);
    assert_eq!(outcome.finishes, [FinishReason::Stop]);
    let after = format!("{body}data: not json\n\n{}", text_delta("late"));
    let outcome = run(after.as_bytes());
    assert_eq!(outcome.text, "all");
    assert!(outcome.errors.is_empty() && outcome.done);
}

#[test]
fn invalid_utf8_and_unknown_events_do_not_break_the_stream() {
    let mut body = Vec::new();
    body.extend_from_slice(b"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"a\xff\xfeb\"}\n\n");
    body.extend_from_slice(
        event(json!({"type": "response.brand_new_thing", "delta": "not text"})).as_bytes(),
    );
    body.extend_from_slice(event(json!({"type": "response.output_text.annotation.added", "annotation": {"type": "url_citation"}})).as_bytes());
    body.extend_from_slice(b": comment\n\n");
    body.extend_from_slice(completed(Value::Null).as_bytes());
    let outcome = run(&body);
    assert_eq!(outcome.text, "a\u{FFFD}\u{FFFD}b");
    assert!(outcome.errors.is_empty() && outcome.done);
}

#[test]
fn a_ten_megabyte_line_is_skipped_with_a_protocol_error() {
    let mut parser = ResponsesParser::new();
    let mut events = parser.push_bytes(text_delta("before").as_bytes());
    events
        .extend(parser.push_bytes(b"data: {\"type\":\"response.output_text.delta\",\"delta\":\""));
    let megabyte = vec![b'x'; 1 << 20];
    for _ in 0..10 {
        events.extend(parser.push_bytes(&megabyte));
    }
    events.extend(parser.push_bytes(format!("\"}}\n\n{}", completed(Value::Null)).as_bytes()));
    events.extend(parser.finish());
    assert_eq!(
        events,
        [
            ProviderEvent::Text("before".into()),
            ProviderEvent::Error(protocol_error(OVERSIZED_CHUNK_MESSAGE)),
        ]
    );
}

#[test]
fn an_oversized_line_stops_the_stream_where_it_is_even_in_one_chunk() {
    let huge = format!(
        "data: {}\n\n",
        "x".repeat(sluice_wire::sse::MAX_LINE_BYTES + 10)
    );
    let body = format!("{}{huge}{}", text_delta("a"), text_delta("late"));
    let mut parser = ResponsesParser::new();
    let mut events = parser.push_bytes(body.as_bytes());
    events.extend(parser.finish());
    assert_eq!(
        events,
        [
            ProviderEvent::Text("a".into()),
            ProviderEvent::Error(protocol_error(OVERSIZED_CHUNK_MESSAGE)),
        ]
    );
}

#[test]
fn incomplete_maps_its_reason_and_reports_usage() {
    let usage = json!({"input_tokens": 3, "output_tokens": 16, "output_tokens_details": {"reasoning_tokens": 9}});
    for (reason, finish) in [
        ("max_output_tokens", FinishReason::Length),
        ("content_filter", FinishReason::ContentFilter),
        ("something_new", FinishReason::Other("something_new".into())),
    ] {
        let body = format!(
            "{}{}",
            text_delta("cut"),
            event(
                json!({"type": "response.incomplete", "response": {"status": "incomplete", "incomplete_details": {"reason": reason}, "usage": usage}})
            )
        );
        let outcome = run(body.as_bytes());
        assert_eq!(outcome.finishes, [finish]);
        assert_eq!(
            outcome.usage,
            Some(Usage {
                input_tokens: 3,
                output_tokens: 16,
                reasoning_tokens: Some(9)
            })
        );
        assert!(outcome.done && outcome.errors.is_empty());
    }
}

#[test]
fn error_events_nested_top_level_and_failed_alone() {
    let top_level = event(
        json!({"type": "error", "code": "rate_limit_exceeded", "message": "Slow\ndown", "param": null}),
    );
    assert_eq!(
        run(top_level.as_bytes()).errors,
        [ProviderError::new(
            ProviderErrorKind::RateLimited {
                retry_after_secs: None
            },
            "Slow down"
        )]
    );
    let nested = event(
        json!({"type": "error", "error": {"type": "server_error", "code": null, "message": "Boom"}}),
    );
    assert_eq!(
        run(nested.as_bytes()).errors,
        [ProviderError::new(ProviderErrorKind::Upstream, "Boom")]
    );
    let silent = event(json!({"type": "error"}));
    let upstream = ProviderErrorKind::Upstream;
    assert_eq!(
        run(silent.as_bytes()).errors,
        [ProviderError::new(
            upstream.clone(),
            upstream.default_message()
        )]
    );
    let failed = format!(
        "{}{}",
        text_delta("partial"),
        event(
            json!({"type": "response.failed", "response": {"status": "failed", "error": {"code": "server_error", "message": "The model crashed"}}})
        )
    );
    let outcome = run(failed.as_bytes());
    assert_eq!(outcome.text, "partial");
    assert_eq!(
        outcome.errors,
        [ProviderError::new(
            ProviderErrorKind::Upstream,
            "The model crashed"
        )]
    );
    assert!(outcome.finishes.is_empty() && outcome.done);
    let untyped = "data: {\"error\":{\"message\":\"gateway says no\"}}\n\n";
    assert_eq!(run(untyped.as_bytes()).errors[0].message, "gateway says no");
}

#[test]
fn function_calls_without_deltas_and_several_in_one_answer() {
    let added = |id: &str, output_index: u64, name: &str, arguments: &str| {
        event(
            json!({"type": "response.output_item.added", "output_index": output_index,
            "item": {"type": "function_call", "id": id, "call_id": format!("call_{id}"), "name": name, "arguments": arguments}}),
        )
    };
    let body = [
        event(json!({"type": "response.output_item.added", "output_index": 0, "item": {"type": "reasoning", "id": "rs"}})),
        event(json!({"type": "response.reasoning_text.delta", "item_id": "rs", "delta": "hmm"})),
        added("fc_a", 1, "lookup", ""),
        event(json!({"type": "response.function_call_arguments.delta", "output_index": 1, "delta": "{\"q\":"})),
        event(json!({"type": "response.function_call_arguments.done", "item_id": "fc_a", "arguments": "{\"q\":1}"})),
        added("fc_b", 2, "now", ""),
        event(json!({"type": "response.output_item.done", "output_index": 2,
            "item": {"type": "function_call", "id": "fc_b", "arguments": "{}"}})),
        added("fc_c", 3, "open", "[1]"),
        event(json!({"type": "response.function_call_arguments.delta", "item_id": "fc_unknown", "delta": "x"})),
        completed(Value::Null),
    ]
    .concat();
    let outcome = run(body.as_bytes());
    let calls: Vec<_> = outcome
        .tool_calls
        .iter()
        .map(|call| {
            (
                call.id.as_deref(),
                call.name.as_str(),
                call.arguments.as_str(),
                call.ended,
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            (Some("call_fc_a"), "lookup", "{\"q\":1}", true),
            (Some("call_fc_b"), "now", "{}", true),
            (Some("call_fc_c"), "open", "[1]", true),
        ]
    );
    assert_eq!(outcome.reasoning, "hmm");
    assert_eq!(outcome.finishes, [FinishReason::ToolCalls]);
}

#[test]
fn completed_output_with_a_function_call_finishes_with_tool_calls() {
    let body = event(
        json!({"type": "response.completed", "response": {"output": [{"type": "function_call", "name": "f"}], "usage": null}}),
    );
    assert_eq!(run(body.as_bytes()).finishes, [FinishReason::ToolCalls]);
}
