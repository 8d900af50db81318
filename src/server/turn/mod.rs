//! Turns: one answer being generated, from the request that starts it to its stored end.
//! [`start`] checks a request ([`stored`] for a conversation, [`temporary`] for a chat that
//! stores nothing) and registers a [`live::LiveTurn`] in the [`registry`]; [`task`] drives the
//! upstream stream, appends every event to the turn's [`log`] and records the answer through
//! [`recorder`]; readers follow the log ([`resume`], and [`events_route`] for `EventSource`).
//! The registry owns every live turn, never a request: readers come and go, Stop and shutdown
//! reach the task through the registry.
//!
//! One answer, end to end:
//! 1. The composer calls the `stream_chat` server function (`POST /api/chat/stream`) with a
//!    `TurnAction` in the open conversation (or a temporary chat's messages).
//! 2. [`stored`] checks everything (sizes, ids against the stored tree, the model, the files:
//!    [`files`]) and only then
//!    writes the conversation if new, the user's message and the `streaming` answer row.
//!    [`start`] resolves the model through the catalog, registers a [`live::LiveTurn`] and asks
//!    the provider for a stream with the history built from the tree.
//! 3. [`task`] spawns the turn: it polls the driver (the provider stream and the turn's cancel
//!    signal), which yields sequenced `ChatEvent`s, and appends each to the turn's [`log`]. The
//!    driver's [`recorder`] flushes text at most every 250 ms and stores the final status
//!    before the `done`/`error` event is logged.
//! 4. The request that started the turn is only its first reader (`LiveTurn::subscribe_merged`:
//!    the page asks for one frame per 40 ms). `codec::EventStream` writes SSE frames, with the
//!    streaming headers from `http::security_headers`. A reload, a second tab, a reconnect or
//!    an `EventSource` ([`events_route`]) reads after its last sequence number through
//!    [`resume`]; a turn that has ended is answered from the store.
//! 5. In the browser the same codec decodes the frames; `components::chat_session` feeds the
//!    deltas to the incremental Markdown, `components::message::paced_markdown` reveals them at
//!    the pacing rate and `components::markdown` renders frozen blocks once and the tail per its
//!    `TailView`. A lost connection resumes after the last applied sequence number.
//! 6. The turn ends with its terminal event, Stop from any reader, no reader for the grace
//!    period (`stopped`) or shutdown past its deadline (`interrupted`); the task then removes it
//!    from the registry, so only live turns are held.

pub mod events_route;
pub mod files;
pub mod live;
pub mod log;
pub mod recorder;
pub mod registry;
pub mod resume;
pub mod start;
pub mod stored;
pub mod task;
pub mod temporary;
