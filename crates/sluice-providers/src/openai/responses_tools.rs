//! Function calls of an OpenAI Responses stream: a `function_call` output item announced by
//! `response.output_item.added`, its arguments growing through
//! `response.function_call_arguments.delta`, complete at `response.function_call_arguments.done`
//! or `response.output_item.done`, turned into tool-call start / delta / end events.
//!
//! Rules:
//! * our event `index` is the call's position among this answer's function calls (0, 1, …);
//! * the start event's id is the item's `call_id` (what a tool result must refer to), else its
//!   item `id`;
//! * later events find their call by `item_id`, else by `output_index`; events for an item
//!   never announced as a function call are skipped;
//! * when a "done" event carries the complete arguments and they extend what the deltas gave
//!   (a server that sends no deltas), the missing rest is emitted as one more delta first;
//! * [`ResponsesToolCalls::end_all`] ends every call still open (at the terminal event).

use serde_json::Value;

use crate::event::ProviderEvent;

/// How a stream event names the output item it is about.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemRef<'a> {
    /// The item's id (`item_id` on argument events, `item.id` on item events).
    pub(crate) item_id: Option<&'a str>,
    /// The event's `output_index`, used when it names no item id.
    pub(crate) output_index: Option<u64>,
}

/// The function calls of one answer, as they are assembled.
#[derive(Debug, Default)]
pub(crate) struct ResponsesToolCalls {
    /// Every call seen so far; a call's position is its event index.
    calls: Vec<ResponsesToolCall>,
}

/// One function call being assembled.
#[derive(Debug, Default)]
struct ResponsesToolCall {
    /// The output item's `id`, which argument events name as `item_id`.
    item_id: Option<String>,
    /// The item's `output_index`, to match events that carry no `item_id`.
    output_index: Option<u64>,
    /// Arguments emitted so far, to complete them from a "done" event's full text.
    arguments: String,
    /// `ToolCallEnd` was emitted; later events for the item are ignored.
    ended: bool,
}

impl ResponsesToolCalls {
    /// Whether the answer has any function call (then it finishes with `ToolCalls`).
    pub(crate) fn any(&self) -> bool {
        !self.calls.is_empty()
    }

    /// `response.output_item.added` for a `function_call` item: starts the call.
    pub(crate) fn added(&mut self, chunk: &Value, events: &mut Vec<ProviderEvent>) {
        let item = &chunk["item"];
        let text = |name: &str| {
            item.get(name)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let index = event_index(self.calls.len());
        self.calls.push(ResponsesToolCall {
            item_id: text("id"),
            output_index: chunk.get("output_index").and_then(Value::as_u64),
            ..ResponsesToolCall::default()
        });
        events.push(ProviderEvent::ToolCallStart {
            index,
            id: text("call_id").or_else(|| text("id")),
            name: text("name").unwrap_or_default(),
        });
        if let Some(arguments) = text("arguments") {
            self.append(self.calls.len() - 1, &arguments, events);
        }
    }

    /// `response.function_call_arguments.delta`: the next piece of a call's arguments.
    pub(crate) fn delta(
        &mut self,
        item: ItemRef<'_>,
        piece: &str,
        events: &mut Vec<ProviderEvent>,
    ) {
        if let Some(position) = self.find(item) {
            self.append(position, piece, events);
        }
    }

    /// `response.function_call_arguments.done` or `response.output_item.done` for a call:
    /// emits what `full_arguments` has beyond the deltas, then ends the call.
    pub(crate) fn done(
        &mut self,
        item: ItemRef<'_>,
        full_arguments: Option<&str>,
        events: &mut Vec<ProviderEvent>,
    ) {
        let Some(position) = self.find(item) else {
            return;
        };
        let sent = self.calls.get(position).map(|call| call.arguments.as_str());
        let rest = full_arguments
            .zip(sent)
            .and_then(|(full, sent)| full.strip_prefix(sent))
            .filter(|rest| !rest.is_empty())
            .map(str::to_string);
        if let Some(rest) = rest {
            self.append(position, &rest, events);
        }
        self.end(position, events);
    }

    /// Ends every call still open.
    pub(crate) fn end_all(&mut self, events: &mut Vec<ProviderEvent>) {
        for position in 0..self.calls.len() {
            self.end(position, events);
        }
    }

    /// The call an event refers to: by item id when the event names one, else by output index.
    fn find(&self, item: ItemRef<'_>) -> Option<usize> {
        match item.item_id {
            Some(item_id) => self
                .calls
                .iter()
                .position(|call| call.item_id.as_deref() == Some(item_id)),
            None => {
                let output_index = item.output_index?;
                self.calls
                    .iter()
                    .position(|call| call.output_index == Some(output_index))
            }
        }
    }

    /// Emits an argument piece for an open call.
    fn append(&mut self, position: usize, piece: &str, events: &mut Vec<ProviderEvent>) {
        let Some(call) = self.calls.get_mut(position) else {
            return;
        };
        if call.ended || piece.is_empty() {
            return;
        }
        call.arguments.push_str(piece);
        events.push(ProviderEvent::ToolCallDelta {
            index: event_index(position),
            arguments: piece.to_string(),
        });
    }

    /// Emits the end event of a call, once.
    fn end(&mut self, position: usize, events: &mut Vec<ProviderEvent>) {
        let Some(call) = self.calls.get_mut(position) else {
            return;
        };
        if !call.ended {
            call.ended = true;
            events.push(ProviderEvent::ToolCallEnd {
                index: event_index(position),
            });
        }
    }
}

/// The event index of a call position (saturating; no answer has 4 billion calls).
fn event_index(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}
