//! The built-in offline demo model: deterministic Markdown-rich answers streamed at a
//! configurable time-to-first-token and token rate, so a fresh machine can use the site with
//! no key and no network. It is always labelled as a demo in the picker and the page. It
//! "sees" images (so attachments can be tried offline): a message with files gets an answer
//! that first lists what arrived ([`files_acknowledgement`]).

use crate::input::{InputFile, InputFileKind};
use crate::{Provider, ProviderEvent, ProviderRequest, ProviderStream};
use futures::stream;
use sluice_wire::events::{FinishReason, ModelInfo, Role, Usage};
use std::collections::VecDeque;
use std::time::Duration;

/// The single model name the demo provider offers.
pub const DEMO_MODEL: &str = "sluice-demo";

/// Timing knobs of the demo model.
#[derive(Clone, Debug)]
pub struct DemoSettings {
    /// Delay before the first token, to show the typing indicator like a real model would.
    pub ttft: Duration,
    /// Tokens per second after the first token.
    pub tokens_per_second: f64,
}

/// The demo provider.
pub struct DemoProvider {
    /// How fast it answers.
    settings: DemoSettings,
}

impl DemoProvider {
    /// Creates the demo provider.
    pub fn new(settings: DemoSettings) -> Self {
        Self { settings }
    }
}

/// Picks the answer for a prompt: the same prompt always gets the same answer.
pub fn demo_answer(prompt: &str) -> String {
    let quoted: String = prompt.split_whitespace().collect::<Vec<_>>().join(" ");
    let quoted: String = quoted.chars().take(120).collect();
    let topic = ANSWERS[(fnv1a(prompt.as_bytes()) % ANSWERS.len() as u64) as usize];
    format!(
        "> **Demo model** — this answer is canned and generated offline; configure a real provider to chat with an LLM.\n\n\
         You wrote: *{}*\n\n{topic}",
        escape_inline(&quoted)
    )
}

/// The sentence naming the files of the last user message, e.g. `I received 2 files:
/// **photo.png** (image, 12.5 KB), **main.rs** (text, 120 bytes).` (empty without files).
pub fn files_acknowledgement(files: &[InputFile]) -> String {
    if files.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = files
        .iter()
        .map(|file| {
            let kind = match file.kind {
                InputFileKind::Image => "image",
                InputFileKind::Pdf { .. } => "PDF",
                InputFileKind::Text { .. } => "text",
            };
            format!(
                "**{}** ({kind}, {})",
                escape_inline(&file.name),
                human_size(file.data.len())
            )
        })
        .collect();
    let noun = if files.len() == 1 { "file" } else { "files" };
    format!("I received {} {noun}: {}.", files.len(), listed.join(", "))
}

/// A byte count for people: `120 bytes`, `12.5 KB`, `3.2 MB` (powers of 1024).
fn human_size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let value = bytes as f64;
    if value < KIB {
        format!("{bytes} bytes")
    } else if value < KIB * KIB {
        format!("{:.1} KB", value / KIB)
    } else {
        format!("{:.1} MB", value / (KIB * KIB))
    }
}

/// [`demo_answer`], with the [`files_acknowledgement`] before everything else when files came.
pub fn demo_answer_with_files(prompt: &str, files: &[InputFile]) -> String {
    let answer = demo_answer(prompt);
    match files_acknowledgement(files) {
        ack if ack.is_empty() => answer,
        ack => format!("{ack}\n\n{answer}"),
    }
}

/// Escapes Markdown punctuation so the echoed prompt cannot change the answer's structure.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_{}[]()#+-.!<>|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Splits an answer into token-sized pieces (words with their following space, long words cut).
pub fn demo_tokens(answer: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in answer.chars() {
        current.push(c);
        if c.is_whitespace() || current.chars().count() >= 6 || !c.is_ascii() {
            tokens.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// A stable 64-bit hash (FNV-1a), so answers do not change between builds.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// State of one demo answer being streamed.
struct DemoStream {
    /// Tokens still to send.
    tokens: VecDeque<String>,
    /// Whether the first token went out (decides which delay applies).
    started: bool,
    /// Delay before the first token.
    ttft: Duration,
    /// Delay between tokens.
    interval: Duration,
    /// Usage reported at the end.
    usage: Usage,
    /// Whether the finish events were sent.
    finished: bool,
    /// Events queued after the last token.
    tail: VecDeque<ProviderEvent>,
}

impl Provider for DemoProvider {
    fn id(&self) -> &str {
        "demo"
    }

    fn models(&self) -> Vec<ModelInfo> {
        vec![ModelInfo {
            id: format!("demo/{DEMO_MODEL}"),
            label: "Demo model (offline, canned answers)".to_string(),
            provider: "demo".to_string(),
            is_demo: true,
            vision: true,
        }]
    }

    fn stream(&self, request: ProviderRequest) -> ProviderStream {
        let last_user = request.messages.iter().rev().find(|m| m.role == Role::User);
        let prompt = last_user.map(|m| m.content.as_str()).unwrap_or_default();
        let files = last_user.map(|m| m.files.as_slice()).unwrap_or_default();
        let tokens: VecDeque<String> = demo_tokens(&demo_answer_with_files(prompt, files)).into();
        let input_tokens = request
            .messages
            .iter()
            .map(|m| m.content.len() as u64 / 4 + 1)
            .sum();
        let rate = self.settings.tokens_per_second.max(0.1);
        let state = DemoStream {
            usage: Usage {
                input_tokens,
                output_tokens: tokens.len() as u64,
                reasoning_tokens: None,
            },
            tokens,
            started: false,
            ttft: self.settings.ttft,
            interval: Duration::from_secs_f64(1.0 / rate),
            finished: false,
            tail: VecDeque::new(),
        };
        Box::pin(stream::unfold(state, |mut state| async move {
            if let Some(event) = state.tail.pop_front() {
                return Some((event, state));
            }
            if let Some(token) = state.tokens.pop_front() {
                let delay = if state.started {
                    state.interval
                } else {
                    state.ttft
                };
                state.started = true;
                tokio::time::sleep(delay).await;
                return Some((ProviderEvent::Text(token), state));
            }
            if state.finished {
                return None;
            }
            state.finished = true;
            state
                .tail
                .push_back(ProviderEvent::Finish(FinishReason::Stop));
            Some((ProviderEvent::Usage(state.usage.clone()), state))
        }))
    }
}

/// The canned answers; each shows headings, lists, a table, a code fence, emoji and CJK.
const ANSWERS: [&str; 3] = [
    "## Streaming, explained 🚀\n\nSluice streams each answer as **Server-Sent Events**:\n\n\
1. the server asks the model for a stream;\n2. every token becomes an `event: delta` frame;\n\
3. the browser renders Markdown *as it arrives*.\n\n\
| Stage | Where | Cost per token |\n|:------|:-----:|---------------:|\n\
| Parse | server | O(1) |\n| Encode | server | O(1) |\n| Render | browser | O(tail) |\n\n\
```rust\nfn main() {\n    println!(\"Hello from the demo model 🦀\");\n}\n```\n\n\
- [x] Offline\n- [ ] Real model — set `OPENAI_API_KEY`\n\n\
多语言也没问题：你好，世界！ ~~slow~~ fast ✨\n",
    "# A tiny recipe 🍜\n\n### Ingredients\n\n- 200 g noodles\n- 1 spring onion\n- 醤油 (soy sauce), 2 tbsp\n\n\
### Timing\n\n| Step | Minutes |\n|------|--------:|\n| Boil | 4 |\n| Toss | 1 |\n\n\
```python\ndef cook(minutes: int) -> str:\n    return f\"ready in {minutes} min\"\n```\n\n\
> Tip: stop me with **Esc** or the Stop button at any time. いただきます！\n",
    "## Three facts about rivers 🌊\n\n1. A *sluice* is a gate that controls water flow.\n\
2. The longest river is the Nile (or the Amazon — it depends who measures).\n3. 长江 is the longest river in Asia.\n\n\
| River | Length (km) |\n|-------|------------:|\n| Nile | 6,650 |\n| Amazon | 6,400 |\n| 长江 | 6,300 |\n\n\
```js\nconst rivers = [\"Nile\", \"Amazon\", \"Yangtze\"];\nconsole.log(rivers.length); // 3\n```\n\n\
That's all — this was the **demo** model. 👋\n",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputMessage;
    use futures::StreamExt;

    fn file(name: &str, size: usize, kind: InputFileKind) -> InputFile {
        InputFile {
            name: name.into(),
            media_type: "application/octet-stream".into(),
            data: vec![0u8; size].into(),
            kind,
        }
    }

    #[test]
    fn files_are_named_with_kind_and_size() {
        let files = [
            file("photo.png", 12_800, InputFileKind::Image),
            file(
                "paper.pdf",
                3 * 1024 * 1024 + 200_000,
                InputFileKind::Pdf {
                    text: String::new(),
                },
            ),
            file(
                "main_v2.rs",
                120,
                InputFileKind::Text {
                    text: String::new(),
                },
            ),
        ];
        assert_eq!(
            files_acknowledgement(&files),
            "I received 3 files: **photo\\.png** (image, 12.5 KB), **paper\\.pdf** (PDF, 3.2 MB), \
             **main\\_v2\\.rs** (text, 120 bytes)."
        );
        assert_eq!(
            files_acknowledgement(&files[..1]),
            "I received 1 file: **photo\\.png** (image, 12.5 KB)."
        );
        assert_eq!(files_acknowledgement(&[]), "");
    }

    #[tokio::test]
    async fn an_answer_to_files_starts_by_acknowledging_them() {
        let demo = DemoProvider::new(DemoSettings {
            ttft: Duration::ZERO,
            tokens_per_second: 1_000_000.0,
        });
        assert!(demo.models()[0].vision);
        let mut message = InputMessage::text(Role::User, "What is this?");
        message
            .files
            .push(file("cat.jpg", 2048, InputFileKind::Image));
        let request = ProviderRequest {
            model: DEMO_MODEL.into(),
            messages: vec![message],
        };
        let mut text = String::new();
        let mut events = demo.stream(request);
        while let Some(event) = events.next().await {
            if let ProviderEvent::Text(piece) = event {
                text.push_str(&piece);
            }
        }
        assert!(
            text.starts_with(
                "I received 1 file: **cat\\.jpg** (image, 2.0 KB).\n\n> **Demo model**"
            ),
            "{text}"
        );
        assert!(!demo_answer_with_files("Hi", &[]).contains("I received"));
    }
}
