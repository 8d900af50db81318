//! The content blocks of one Anthropic Messages answer: remembers what each announced block
//! is (by its wire `index`) and turns `content_block_start` / `_delta` / `_stop` into text,
//! reasoning and tool-call events. The rules are listed in [`crate::anthropic::messages`].

use std::collections::BTreeMap;

use serde_json::Value;

use crate::event::ProviderEvent;

/// What a content block is, as far as the answer is concerned.
#[derive(Debug)]
enum Block {
    /// Answer text (`text`).
    Text,
    /// Reasoning shown apart (`thinking`).
    Thinking,
    /// A tool call (`tool_use`, `server_tool_use`, `mcp_tool_use`).
    Tool {
        /// The call's position among this answer's tool calls.
        call: u32,
        /// The start event's `input` as JSON text, used if no fragment arrives.
        start_input: String,
        /// Whether a non-empty argument fragment was emitted.
        has_fragments: bool,
    },
    /// Anything else (`redacted_thinking`, `*_tool_result`, `compaction`, unknown types); its
    /// deltas produce nothing.
    Ignored,
}

/// The blocks announced so far and the numbering of tool calls.
#[derive(Debug, Default)]
pub struct ContentBlocks {
    /// Open blocks by their wire `index`, to route deltas; removed at their stop.
    blocks: BTreeMap<u64, Block>,
    /// Index the next tool call gets (0, 1, … in order of appearance).
    next_call: u32,
}

/// A non-empty string member of `value`.
fn text_of(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

impl ContentBlocks {
    /// `content_block_start`: remembers the block's kind; emits a tool call's start, or a
    /// text/thinking block's initial text when it is not empty.
    pub fn start(&mut self, index: Option<u64>, block: &Value, events: &mut Vec<ProviderEvent>) {
        let kind = match block.get("type").and_then(Value::as_str) {
            Some("text") => {
                events.extend(text_of(block, "text").map(ProviderEvent::Text));
                Block::Text
            }
            Some("thinking") => {
                events.extend(text_of(block, "thinking").map(ProviderEvent::Reasoning));
                Block::Thinking
            }
            Some("tool_use" | "server_tool_use" | "mcp_tool_use") => {
                let call = self.next_call;
                self.next_call += 1;
                events.push(ProviderEvent::ToolCallStart {
                    index: call,
                    id: text_of(block, "id"),
                    name: text_of(block, "name").unwrap_or_default(),
                });
                let start_input = match block.get("input") {
                    Some(input) if !input.is_null() => input.to_string(),
                    _ => "{}".to_string(),
                };
                Block::Tool {
                    call,
                    start_input,
                    has_fragments: false,
                }
            }
            _ => Block::Ignored,
        };
        if let Some(index) = index {
            self.blocks.insert(index, kind);
        }
    }

    /// `content_block_delta`: more content for block `index`. Text and thinking deltas also
    /// count for a block that was never announced (lenient); nothing else does.
    pub fn delta(&mut self, index: Option<u64>, delta: &Value, events: &mut Vec<ProviderEvent>) {
        let block = index.and_then(|index| self.blocks.get_mut(&index));
        match (delta.get("type").and_then(Value::as_str), block) {
            (Some("text_delta"), None | Some(Block::Text)) => {
                events.extend(text_of(delta, "text").map(ProviderEvent::Text));
            }
            (Some("thinking_delta"), None | Some(Block::Thinking)) => {
                events.extend(text_of(delta, "thinking").map(ProviderEvent::Reasoning));
            }
            (
                Some("input_json_delta"),
                Some(Block::Tool {
                    call,
                    has_fragments,
                    ..
                }),
            ) => {
                if let Some(arguments) = text_of(delta, "partial_json") {
                    *has_fragments = true;
                    events.push(ProviderEvent::ToolCallDelta {
                        index: *call,
                        arguments,
                    });
                }
            }
            _ => {}
        }
    }

    /// `content_block_stop`: a tool call ends, with its start input as arguments if it got no
    /// fragment. The block is forgotten, so a repeated stop does nothing.
    pub fn stop(&mut self, index: Option<u64>, events: &mut Vec<ProviderEvent>) {
        let Some(block) = index.and_then(|index| self.blocks.remove(&index)) else {
            return;
        };
        if let Block::Tool {
            call,
            start_input,
            has_fragments,
        } = block
        {
            if !has_fragments {
                events.push(ProviderEvent::ToolCallDelta {
                    index: call,
                    arguments: start_input,
                });
            }
            events.push(ProviderEvent::ToolCallEnd { index: call });
        }
    }
}
