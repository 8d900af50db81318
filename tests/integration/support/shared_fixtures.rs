//! The one way tests reach the `../shared` fixtures folder beside the repository (recorded
//! provider streams, XSS payloads). Locally a missing folder skips the test with a message;
//! under `CI=true` it fails the test, so a green CI run always means the fixtures were checked.

use std::path::{Path, PathBuf};

/// `../shared/<relative>` next to the repository, or `None` (after saying so) when it is absent
/// and this is not a CI run; under `CI=true` an absent path panics. `what` names the check
/// skipped. Compiled into several crates' test binaries, so it finds the repository (the
/// workspace root, which holds `Cargo.lock`) from whichever crate runs it.
pub fn shared_path(relative: &str, what: &str) -> Option<PathBuf> {
    let path = workspace_root().join("..").join("shared").join(relative);
    present_or_skip(&path, what, is_ci())
}

/// The nearest folder at or above the running crate that holds `Cargo.lock`.
fn workspace_root() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").exists())
        .unwrap_or(crate_dir)
        .to_path_buf()
}

/// Whether the `CI` environment variable says this is a CI run (`true` or `1`).
fn is_ci() -> bool {
    std::env::var("CI")
        .map(|value| {
            let value = value.trim();
            value.eq_ignore_ascii_case("true") || value == "1"
        })
        .unwrap_or(false)
}

/// `path` when it exists; otherwise a panic when `ci`, else `None` after a `SKIP` line. The CI
/// flag is a parameter so tests can try both without touching the process environment.
fn present_or_skip(path: &Path, what: &str, ci: bool) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    if ci {
        panic!(
            "{what}: {} is absent, and under CI=true the shared fixtures are required \
             (check them out beside the repository)",
            path.display()
        );
    }
    eprintln!("SKIP {what}: {} is absent", path.display());
    None
}

#[test]
fn a_present_path_is_returned_whatever_the_ci_flag() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for ci in [false, true] {
        assert_eq!(
            present_or_skip(here, "present", ci).as_deref(),
            Some(here),
            "ci={ci}"
        );
    }
}

#[test]
fn a_missing_path_is_skipped_outside_ci() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-fixture-folder-7f3a");
    assert_eq!(present_or_skip(&missing, "made-up fixtures", false), None);
}

#[test]
#[should_panic(expected = "under CI=true the shared fixtures are required")]
fn a_missing_path_fails_under_ci() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-fixture-folder-7f3a");
    present_or_skip(&missing, "made-up fixtures", true);
}
