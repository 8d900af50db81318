//! The fake upstream's OpenAI-style token script shared by the streaming benchmarks
//! (`loadgen`, `storebench`): a first token after a delay, then one token every interval, then
//! the finish chunk, the usage chunk and `[DONE]`. Those examples include this file with
//! `#[path]` (the others stream nothing).

use sluice_fake_upstream::{Script, ScriptStep};
use std::time::Duration;

/// The `k`-th token of the script.
pub fn token(k: usize) -> String {
    format!("t{k} ")
}

/// A script streaming `tokens` tokens ([`token`]), the first after `ttft`, then one every
/// `interval`.
pub fn token_script(ttft: Duration, tokens: usize, interval: Duration) -> Script {
    let mut steps = vec![ScriptStep::Wait(ttft)];
    for k in 0..tokens {
        if k > 0 {
            steps.push(ScriptStep::Wait(interval));
        }
        let json = serde_json::json!({"choices":[{"index":0,"delta":{"content":token(k)},"finish_reason":null}]});
        steps.push(ScriptStep::Send(format!("data: {json}\n\n").into_bytes()));
    }
    steps.push(ScriptStep::Send(
        format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}]}}\n\ndata: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":5,\"completion_tokens\":{tokens}}}}}\n\ndata: [DONE]\n\n"
        )
        .into_bytes(),
    ));
    Script {
        status: 200,
        content_type: "text/event-stream".into(),
        steps,
    }
}
