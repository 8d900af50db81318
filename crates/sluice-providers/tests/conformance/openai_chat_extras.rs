//! Chat Completions parser additions beyond text: `reasoning_content` / `reasoning` deltas,
//! `delta.tool_calls` fragments (OpenAI's indexed form and the looser forms of compatible
//! servers), when open calls end, and in-stream quota errors. The recorded fixtures' tool calls
//! are compared in `openai_fixtures`.

use crate::openai_fixtures::{protocol_error, run_str, DONE};
use sluice_providers::event::{ProviderError, ProviderErrorKind, ProviderEvent};
use sluice_providers::openai::chat::{ChatCompletionsParser, ENDED_EARLY_MESSAGE};
use sluice_wire::events::FinishReason;

/// A chunk whose choice 0 has `delta` (JSON) and an optional finish reason.
fn delta_chunk(delta: &str, finish: Option<&str>) -> String {
    let finish = finish.map_or("null".to_string(), |reason| format!("\"{reason}\""));
    format!(
        "data: {{\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n"
    )
}

fn events_of(body: &str) -> Vec<ProviderEvent> {
    let mut parser = ChatCompletionsParser::new();
    let mut events = parser.push_bytes(body.as_bytes());
    events.extend(parser.finish());
    events
}

#[test]
fn reasoning_content_and_reasoning_fields_become_reasoning() {
    let body = [
        delta_chunk(
            r#"{"role":"assistant","content":null,"reasoning_content":""}"#,
            None,
        ),
        delta_chunk(r#"{"reasoning_content":"Think "}"#, None),
        delta_chunk(r#"{"reasoning_content":"hard.","reasoning":"hard."}"#, None),
        delta_chunk(r#"{"reasoning":" Again."}"#, None),
        delta_chunk(r#"{"content":"Answer"}"#, Some("stop")),
        DONE.to_string(),
    ]
    .concat();
    let outcome = run_str(&body);
    assert_eq!(
        outcome.reasoning, "Think hard. Again.",
        "no double counting"
    );
    assert_eq!(outcome.text, "Answer");
    assert_eq!(
        events_of(&body)[0],
        ProviderEvent::Reasoning("Think ".into())
    );
}

#[test]
fn tool_calls_start_grow_and_end_before_the_finish() {
    let body = [
        delta_chunk(
            r#"{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"one","arguments":""}}]}"#,
            None,
        ),
        delta_chunk(
            r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}},{"index":1,"id":"call_b","function":{"name":"two","arguments":"{}"}}]}"#,
            None,
        ),
        delta_chunk(r#"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#, None),
        delta_chunk("{}", Some("tool_calls")),
        DONE.to_string(),
    ]
    .concat();
    let call = |index, id: &str, name: &str| ProviderEvent::ToolCallStart {
        index,
        id: Some(id.into()),
        name: name.into(),
    };
    let delta = |index, arguments: &str| ProviderEvent::ToolCallDelta {
        index,
        arguments: arguments.into(),
    };
    assert_eq!(
        events_of(&body),
        [
            call(0, "call_a", "one"),
            delta(0, "{\"x\":"),
            call(1, "call_b", "two"),
            delta(1, "{}"),
            delta(0, "1}"),
            ProviderEvent::ToolCallEnd { index: 0 },
            ProviderEvent::ToolCallEnd { index: 1 },
            ProviderEvent::Finish(FinishReason::ToolCalls),
        ]
    );
}

#[test]
fn tool_call_fragments_from_compatible_servers() {
    // No `index` (matched by id, then "the latest call"), the name after the first argument
    // piece, and arguments sent whole as a JSON object.
    let body = [
        delta_chunk(
            r#"{"tool_calls":[{"id":"c1","function":{"arguments":"{\"a\""}}]}"#,
            None,
        ),
        delta_chunk(
            r#"{"tool_calls":[{"id":"c1","function":{"name":"first"}}]}"#,
            None,
        ),
        delta_chunk(r#"{"tool_calls":[{"function":{"arguments":":1}"}}]}"#, None),
        delta_chunk(
            r#"{"tool_calls":[{"id":"c2","function":{"name":"second","arguments":{"b":[2]}}}]}"#,
            Some("tool_calls"),
        ),
    ]
    .concat();
    let outcome = run_str(&body);
    let seen: Vec<_> = outcome
        .tool_calls
        .iter()
        .map(|call| {
            (
                call.id.as_deref(),
                call.name.as_str(),
                &call.arguments,
                call.ended,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some("c1"), "first", &serde_json::json!({"a": 1}), true),
            (Some("c2"), "second", &serde_json::json!({"b": [2]}), true),
        ]
    );
    assert!(outcome.errors.is_empty() && !outcome.done);
}

#[test]
fn open_tool_calls_end_at_done_without_a_finish_reason_and_not_on_errors() {
    let start = delta_chunk(
        r#"{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{}"}}]}"#,
        None,
    );
    let done = run_str(&format!("{start}{DONE}"));
    assert!(done.tool_calls[0].ended && done.finishes.is_empty() && done.done);
    let cut = run_str(&start);
    assert!(
        !cut.tool_calls[0].ended,
        "a cut stream leaves the call open"
    );
    assert_eq!(cut.errors, [protocol_error(ENDED_EARLY_MESSAGE)]);
    let unnamed = run_str(&format!(
        "{}{}",
        delta_chunk(
            r#"{"tool_calls":[{"index":0,"function":{"arguments":"[]"}}]}"#,
            None
        ),
        delta_chunk("{}", Some("tool_calls"))
    ));
    assert_eq!(
        unnamed.tool_calls[0].name, "",
        "a call never named still starts and ends"
    );
    assert_eq!(unnamed.tool_calls[0].arguments, serde_json::json!([]));
}

#[test]
fn insufficient_quota_in_the_stream_is_not_a_rate_limit() {
    let error = run_str(
        "data: {\"error\":{\"message\":\"You exceeded your current quota.\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}\n\n",
    )
    .errors;
    assert_eq!(
        error,
        [ProviderError::new(
            ProviderErrorKind::BadRequest,
            "You exceeded your current quota."
        )]
    );
}
