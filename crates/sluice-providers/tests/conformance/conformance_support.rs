//! Shared harness for the provider conformance tests: loads fixtures with their JSON sidecars
//! from `../shared/fixtures/provider-streams` (top level and `nonraw/`), runs a parser over a body
//! whole, byte by byte and at random split points, checks every way gives the same outcome,
//! and folds the events into an [`Outcome`] to compare with the sidecar.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use sluice_providers::{ProviderError, ProviderEvent, StreamParser};
use sluice_wire::events::{FinishReason, Usage};
use std::path::PathBuf;

/// One recorded body and its sidecar.
pub struct Fixture {
    /// File name without extension, with `nonraw/` in front for those.
    pub stem: String,
    /// The recorded body bytes.
    pub body: Vec<u8>,
    /// The sidecar JSON.
    pub sidecar: Value,
}

/// Every fixture whose file name starts with `prefix` (any extension but `.json`), sorted;
/// `None` (after printing why) when the shared folder is absent outside CI.
pub fn fixtures(prefix: &str) -> Option<Vec<Fixture>> {
    let root: PathBuf = crate::support::shared_fixtures::shared_path(
        "fixtures/provider-streams",
        &format!("provider conformance for {prefix}*"),
    )?;
    let mut found = Vec::new();
    for (dir, label) in [(root.clone(), ""), (root.join("nonraw"), "nonraw/")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.starts_with(prefix) || name.ends_with(".json") || !path.is_file() {
                continue;
            }
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let body = std::fs::read(&path).expect("read fixture");
            let sidecar_text =
                std::fs::read_to_string(dir.join(format!("{stem}.json"))).expect("read sidecar");
            let sidecar = serde_json::from_str(&sidecar_text).expect("sidecar JSON");
            found.push(Fixture {
                stem: format!("{label}{stem}"),
                body,
                sidecar,
            });
        }
    }
    found.sort_by(|a, b| a.stem.cmp(&b.stem));
    assert!(!found.is_empty(), "no fixture starts with {prefix}");
    Some(found)
}

/// One tool call as assembled from start/delta/end events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToolCall {
    /// Provider call id.
    pub id: Option<String>,
    /// Tool name.
    pub name: String,
    /// Concatenated argument fragments.
    pub arguments: String,
    /// Whether an end event was seen.
    pub ended: bool,
}

/// Everything a stream produced, folded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Answer text.
    pub text: String,
    /// Refusal text.
    pub refusal: String,
    /// Reasoning / thinking text.
    pub reasoning: String,
    /// Tool calls by index.
    pub tool_calls: Vec<ToolCall>,
    /// The last usage reported.
    pub usage: Option<Usage>,
    /// Every finish reason reported (a parser should report one).
    pub finishes: Vec<FinishReason>,
    /// Errors reported.
    pub errors: Vec<ProviderError>,
    /// Whether the parser saw its terminator.
    pub done: bool,
}

/// Feeds `pieces` to a fresh parser and folds the events.
pub fn run(parser: &mut dyn StreamParser, pieces: &[&[u8]]) -> Outcome {
    let mut events: Vec<ProviderEvent> = pieces.iter().flat_map(|p| parser.push_bytes(p)).collect();
    events.extend(parser.finish());
    let mut outcome = Outcome {
        done: parser.is_done(),
        ..Outcome::default()
    };
    for event in events {
        match event {
            ProviderEvent::Text(text) => outcome.text.push_str(&text),
            ProviderEvent::Refusal(text) => outcome.refusal.push_str(&text),
            ProviderEvent::Reasoning(text) => outcome.reasoning.push_str(&text),
            ProviderEvent::ToolCallStart { index, id, name } => {
                let slot = slot(&mut outcome.tool_calls, index);
                slot.id = id;
                slot.name = name;
            }
            ProviderEvent::ToolCallDelta { index, arguments } => {
                slot(&mut outcome.tool_calls, index)
                    .arguments
                    .push_str(&arguments)
            }
            ProviderEvent::ToolCallEnd { index } => {
                slot(&mut outcome.tool_calls, index).ended = true
            }
            ProviderEvent::Usage(usage) => outcome.usage = Some(usage),
            ProviderEvent::Finish(reason) => outcome.finishes.push(reason),
            ProviderEvent::Error(error) => outcome.errors.push(error),
        }
    }
    outcome
}

/// The tool call at `index`, created if needed.
fn slot(calls: &mut Vec<ToolCall>, index: u32) -> &mut ToolCall {
    let index = index as usize;
    if calls.len() <= index {
        calls.resize(index + 1, ToolCall::default());
    }
    &mut calls[index]
}

/// Runs `body` whole, byte by byte and at `random_splits` seeded random split sets; asserts
/// every way gives the same outcome and returns it.
pub fn outcome_under_every_split(
    stem: &str,
    make: &dyn Fn() -> Box<dyn StreamParser>,
    body: &[u8],
    random_splits: usize,
) -> Outcome {
    let whole = run(make().as_mut(), &[body]);
    let bytes: Vec<&[u8]> = body.chunks(1).collect();
    assert_eq!(
        run(make().as_mut(), &bytes),
        whole,
        "{stem}: byte by byte differs from whole"
    );
    let mut rng = StdRng::seed_from_u64(0x5eed ^ body.len() as u64);
    for round in 0..random_splits {
        let mut cuts: Vec<usize> = (0..rng.random_range(1..40))
            .map(|_| rng.random_range(0..=body.len()))
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain(std::iter::once(body.len())) {
            pieces.push(&body[start..cut]);
            start = cut;
        }
        assert_eq!(
            run(make().as_mut(), &pieces),
            whole,
            "{stem}: random split set {round} differs"
        );
    }
    whole
}

/// The sidecar's `expected_text` (empty when absent).
pub fn expected_text(sidecar: &Value) -> String {
    sidecar["expected_text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
