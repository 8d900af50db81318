//! Scripted OpenAI Chat Completions streams for the fake upstream: one content chunk, the
//! normal end, and a whole script of steps followed by that end. Tests that need an answer
//! with pauses, floods or exact pieces build it from these instead of writing the wire format
//! again.

use serde_json::json;
use sluice_fake_upstream::{Script, ScriptStep};

/// One `data:` chunk whose delta carries `text`.
pub fn content_chunk(text: &str) -> Vec<u8> {
    let json =
        json!({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {json}\n\n").into_bytes()
}

/// The normal end of a stream: a `stop` finish reason, then `[DONE]`.
pub fn stop_and_done() -> Vec<u8> {
    b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
        .to_vec()
}

/// A 200 `text/event-stream` answer: `steps`, then [`stop_and_done`].
pub fn stream_then_stop(mut steps: Vec<ScriptStep>) -> Script {
    steps.push(ScriptStep::Send(stop_and_done()));
    Script {
        status: 200,
        content_type: "text/event-stream".into(),
        steps,
    }
}
