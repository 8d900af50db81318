//! The `sluice` binary's command line (issue 21): `--help` and `--version` answer and exit,
//! an unknown argument is an error with the usage and never a start (no `./data` appears), and
//! a bad config file stops start-up with the file, line and key; `sluice admin create` writes
//! to PostgreSQL when one is configured (issue 22).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh empty folder to run the binary in.
fn temp_cwd(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sluice-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the built binary in `cwd` with `args`, without any `SLUICE_*` or `LEPTOS_*` setting
/// inherited from the test's environment.
fn sluice(cwd: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sluice"));
    command.args(args).current_dir(cwd);
    for (name, _) in std::env::vars() {
        if name.starts_with("SLUICE_") || name.starts_with("LEPTOS_") {
            command.env_remove(name);
        }
    }
    command
        .env("LEPTOS_OUTPUT_NAME", "sluice")
        .output()
        .expect("run sluice")
}

#[test]
fn help_and_version_answer_without_starting() {
    let cwd = temp_cwd("help");
    let help = sluice(&cwd, &["--help"]);
    assert!(help.status.success(), "{help:?}");
    let text = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "Usage:",
        "serve",
        "fake-upstream",
        "admin",
        "migrate-to-postgres",
        "--config",
        "--version",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    let version = sluice(&cwd, &["--version"]);
    assert!(version.status.success(), "{version:?}");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("sluice {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(!cwd.join("data").exists(), "--help must not create ./data");
    let _ = std::fs::remove_dir_all(&cwd);
}

#[test]
fn an_unknown_argument_is_an_error_with_usage_and_never_a_start() {
    let cwd = temp_cwd("unknown");
    for args in [&["--halp"][..], &["serv"], &["serve", "--port", "3000"]] {
        let output = sluice(&cwd, args);
        assert!(!output.status.success(), "{args:?}: {output:?}");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("Usage:"), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
    assert!(
        !cwd.join("data").exists(),
        "an unknown argument must not create ./data"
    );
    let _ = std::fs::remove_dir_all(&cwd);
}

#[test]
fn a_bad_config_file_stops_start_up_naming_file_line_and_key() {
    let cwd = temp_cwd("badconfig");
    let file = cwd.join("custom.toml");
    std::fs::write(&file, "[turns]\n# a comment\ngrace_secs = -1\n").expect("write config");
    let output = sluice(&cwd, &["--config", "custom.toml"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("custom.toml line 3: [turns] grace_secs must be"),
        "{stderr}"
    );
    assert!(
        !cwd.join("data").exists(),
        "a refused config must not create ./data"
    );
    let _ = std::fs::remove_dir_all(&cwd);
}

/// Run from another folder with no site files there nor next to the binary (a copy of it,
/// so a built `target/site` beside the original cannot be found), start-up stops with a
/// sentence naming `LEPTOS_SITE_ROOT`, after accepting `localhost:PORT` as the address, and
/// before the database is created.
#[test]
fn missing_site_files_stop_start_up_naming_leptos_site_root() {
    let cwd = temp_cwd("nosite");
    std::fs::create_dir_all(cwd.join("bin")).expect("bin dir");
    let copy = cwd.join("bin/sluice");
    std::fs::copy(env!("CARGO_BIN_EXE_sluice"), &copy).expect("copy the binary");
    let output = Command::new(&copy)
        .current_dir(&cwd)
        .env("LEPTOS_OUTPUT_NAME", "sluice")
        .env_remove("LEPTOS_SITE_ROOT")
        .env("LEPTOS_SITE_ADDR", "localhost:0")
        .env_remove("SLUICE_CONFIG")
        .env_remove("SLUICE_DATA_DIR")
        .env("SLUICE_DETECT_OLLAMA", "false")
        .output()
        .expect("run sluice");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("LEPTOS_SITE_ROOT"), "{stderr}");
    assert!(stderr.contains("target/site"), "{stderr}");
    assert!(!stderr.contains("invalid socket address"), "{stderr}");
    assert!(!cwd.join("data").exists(), "{stderr}");
    let _ = std::fs::remove_dir_all(&cwd);
}

/// Issue 22: `sluice admin create` writes to the configured database, PostgreSQL when
/// `SLUICE_DATABASE_URL` is set (no SQLite file appears), and names it without the password.
#[tokio::test]
async fn admin_create_writes_to_the_configured_postgresql_database() {
    use std::io::Write;
    let Some(database) = crate::migrate_to_postgres::fresh_database("admin_cli").await else {
        return;
    };
    let url = database.url_with_password("Admin-secret-1");
    let cwd = temp_cwd("admin-postgres");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .current_dir(&cwd)
        .env_clear()
        .env("SLUICE_DATA_DIR", &cwd)
        .env("SLUICE_DATABASE_URL", &url)
        .args(["admin", "create", "ada"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start sluice admin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"ada's long password\n")
        .expect("write the password");
    let output = child.wait_with_output().expect("sluice admin output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {:?}", output.stderr);
    assert!(
        stdout.contains(&format!(
            "Created the administrator account “ada” in {}.",
            sluice::store::StoreOptions::postgres(&url).describe()
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("Admin-secret-1"), "{stdout}");
    assert!(!cwd.join("sluice.db").exists(), "no SQLite file");
    let store = sluice::store::Store::connect(&sluice::store::StoreOptions::postgres(&url))
        .await
        .expect("open the PostgreSQL database");
    let account = store
        .sign_in("ada", "ada's long password")
        .await
        .expect("ada signs in on PostgreSQL");
    assert!(account.is_admin);
    store.close().await;
    database.drop_now().await;
    let _ = std::fs::remove_dir_all(&cwd);
}
