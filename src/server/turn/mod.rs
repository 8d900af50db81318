//! Turns: one answer being generated, from the request that starts it to its stored end.
//! [`start`] checks a request ([`stored`] for a conversation, [`temporary`] for a chat that
//! stores nothing) and registers a [`live::LiveTurn`] in the [`registry`]; [`task`] drives the
//! upstream stream, appends every event to the turn's [`log`] and records the answer through
//! [`recorder`]; readers follow the log ([`resume`], and [`events_route`] for `EventSource`).
//! The registry owns every live turn, never a request: readers come and go, Stop and shutdown
//! reach the task through the registry.

pub mod events_route;
pub mod live;
pub mod log;
pub mod recorder;
pub mod registry;
pub mod resume;
pub mod start;
pub mod stored;
pub mod task;
pub mod temporary;
