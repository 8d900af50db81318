//! Tool calls of an OpenAI Chat Completions stream: `delta.tool_calls[]` fragments (id and
//! `function.name` on a call's first fragment, `function.arguments` JSON text in pieces) turned
//! into [`ProviderEvent::ToolCallStart`] / [`ProviderEvent::ToolCallDelta`] /
//! [`ProviderEvent::ToolCallEnd`].
//!
//! Rules:
//! * a fragment belongs to the call with the same provider `index`; without an `index` (some
//!   compatible servers), to the call with the same `id`, else a fragment carrying a new `id`
//!   starts a call, else it continues the latest call;
//! * our event `index` is the call's position in order of first appearance (0, 1, …), which
//!   equals the provider's index for OpenAI itself;
//! * `ToolCallStart` is emitted once the call's name is known (argument pieces that come
//!   earlier are held back and emitted right after it); `arguments` sent as a JSON object
//!   instead of a string (seen on compatible servers) are passed on as its JSON text;
//! * [`ChatToolCalls::end_all`] ends every call still open (at the finish reason or `[DONE]`).

use serde_json::Value;

use crate::event::ProviderEvent;

/// The tool calls of one answer (choice 0), as they are assembled.
#[derive(Debug, Default)]
pub(crate) struct ChatToolCalls {
    /// Every call seen so far; a call's position is its event index.
    calls: Vec<ChatToolCall>,
}

/// One tool call being assembled.
#[derive(Debug, Default)]
struct ChatToolCall {
    /// The provider's `index` for the call, which later fragments refer to.
    provider_index: Option<u64>,
    /// Provider call id, passed on in the start event and used to match index-less fragments.
    id: Option<String>,
    /// Tool name, once a fragment gave it.
    name: String,
    /// `ToolCallStart` was emitted, so argument pieces can go out directly.
    started: bool,
    /// `ToolCallEnd` was emitted; later fragments are ignored.
    ended: bool,
    /// Argument pieces received before the name, emitted after the start event.
    pending_arguments: String,
}

impl ChatToolCalls {
    /// Handles the `delta.tool_calls` array of choice 0.
    pub(crate) fn push(&mut self, fragments: &Value, events: &mut Vec<ProviderEvent>) {
        let Some(fragments) = fragments.as_array() else {
            return;
        };
        for fragment in fragments {
            self.push_fragment(fragment, events);
        }
    }

    /// Ends every call still open, starting any that never got a name (with an empty one).
    pub(crate) fn end_all(&mut self, events: &mut Vec<ProviderEvent>) {
        for (position, call) in self.calls.iter_mut().enumerate() {
            if call.ended {
                continue;
            }
            let index = event_index(position);
            if !call.started {
                call.start(index, events);
            }
            call.ended = true;
            events.push(ProviderEvent::ToolCallEnd { index });
        }
    }

    /// Applies one fragment to its call.
    fn push_fragment(&mut self, fragment: &Value, events: &mut Vec<ProviderEvent>) {
        let id = fragment
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty());
        let function = fragment.get("function");
        let name = function
            .and_then(|function| function.get("name"))
            .and_then(Value::as_str)
            .filter(|name| !name.is_empty());
        let arguments = function
            .and_then(|function| function.get("arguments"))
            .map(arguments_text)
            .unwrap_or_default();
        let position = self.position_for(fragment.get("index").and_then(Value::as_u64), id);
        let index = event_index(position);
        let Some(call) = self.calls.get_mut(position) else {
            return;
        };
        if call.ended {
            return;
        }
        if call.id.is_none() {
            call.id = id.map(str::to_string);
        }
        if let Some(name) = name.filter(|_| !call.started) {
            call.name = name.to_string();
            call.start(index, events);
        }
        if arguments.is_empty() {
            return;
        }
        if call.started {
            events.push(ProviderEvent::ToolCallDelta { index, arguments });
        } else {
            call.pending_arguments.push_str(&arguments);
        }
    }

    /// Position of the call a fragment belongs to, creating the call when it is new.
    fn position_for(&mut self, provider_index: Option<u64>, id: Option<&str>) -> usize {
        let found = match provider_index {
            Some(wanted) => self
                .calls
                .iter()
                .position(|call| call.provider_index == Some(wanted)),
            None => match id {
                Some(id) => self
                    .calls
                    .iter()
                    .position(|call| call.id.as_deref() == Some(id)),
                None => self.calls.len().checked_sub(1),
            },
        };
        found.unwrap_or_else(|| {
            self.calls.push(ChatToolCall {
                provider_index,
                ..ChatToolCall::default()
            });
            self.calls.len() - 1
        })
    }
}

impl ChatToolCall {
    /// Emits the start event and any argument pieces held back for it.
    fn start(&mut self, index: u32, events: &mut Vec<ProviderEvent>) {
        self.started = true;
        events.push(ProviderEvent::ToolCallStart {
            index,
            id: self.id.clone(),
            name: self.name.clone(),
        });
        if !self.pending_arguments.is_empty() {
            events.push(ProviderEvent::ToolCallDelta {
                index,
                arguments: std::mem::take(&mut self.pending_arguments),
            });
        }
    }
}

/// The event index of a call position (saturating; no answer has 4 billion calls).
fn event_index(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

/// A fragment's `arguments`: the string itself, or the JSON text of an object sent whole;
/// empty for `null`.
fn arguments_text(arguments: &Value) -> String {
    match arguments {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
