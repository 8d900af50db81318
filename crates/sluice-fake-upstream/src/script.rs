//! What the fake plays and the state its connections share: the options it was started with,
//! the scripts tests add ([`Script`], [`ScriptStep`]) and the request records. Below the server
//! (`fake_upstream`), the connections and the routes, which all read it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::records::Recorder;

/// How the fake behaves.
#[derive(Clone, Debug, Default)]
pub struct FakeOptions {
    /// When set, `/v1/*` requests must carry `Authorization: Bearer <key>` or get a 401.
    pub required_api_key: Option<String>,
    /// Folder of recorded `<stem>.sse` bodies for the `fake-fixture-<stem>` models.
    pub fixtures_dir: Option<PathBuf>,
    /// Seed for every random chunk split, so runs are reproducible.
    pub seed: u64,
}

/// A programmatic scenario for Rust tests (see [`FakeUpstreamHandle::add_script`]).
#[derive(Clone, Debug)]
pub struct Script {
    /// HTTP status of the response.
    pub status: u16,
    /// `Content-Type` of the response.
    pub content_type: String,
    /// What to do after the head is sent; the body ends properly when the steps run out.
    pub steps: Vec<ScriptStep>,
}

/// One step of a [`Script`].
#[derive(Clone, Debug)]
pub enum ScriptStep {
    /// Pause; waits are cumulative from the start of the body, so a script's timing does not
    /// drift (the client's hang-up is still noticed at once).
    Wait(Duration),
    /// Write these body bytes as one chunk (empty means nothing is written).
    Send(Vec<u8>),
    /// Close the connection without ending the body, like a crashed upstream.
    CloseAbruptly,
}

/// State shared by the accept loop, the connections and the handle.
#[derive(Debug)]
pub(super) struct Shared {
    /// The options the fake was started with.
    pub(super) options: FakeOptions,
    /// Request records.
    pub(super) recorder: Recorder,
    /// Scripts added by tests, by model name.
    pub(super) scripts: Mutex<HashMap<String, Script>>,
}

/// Locks the script table, carrying on after a panic elsewhere.
pub(super) fn lock_scripts(shared: &Shared) -> MutexGuard<'_, HashMap<String, Script>> {
    shared
        .scripts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}
