//! `sluice admin create NAME`: creates an active administrator in the configured database
//! (same configuration as the server: `SLUICE_DATA_DIR` or `SLUICE_DATABASE_URL`,
//! `sluice.toml`), with the password
//! read from stdin — one line, typed at a prompt (not echoed) or piped. The first account
//! made this way takes over the conversations of single-user mode, as the first sign-up
//! would; on an instance that has accounts it adds another administrator (e.g. when the
//! only one forgot their password). It works while the server runs (SQLite allows it, and
//! PostgreSQL is made for it).

use crate::account::{canonical_name, check_new_name, check_password};
use crate::server::config::Config;
use crate::store::Store;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

/// Runs `sluice admin create NAME` (the command line is parsed in `main.rs`) with the
/// configuration from `config_file` (the `--config` option) or the usual places; the sentence
/// to print on success.
pub async fn create(name: &str, config_file: Option<&Path>) -> Result<String, String> {
    let name = check_new_name(&canonical_name(name))?;
    let config = Config::load(config_file)?;
    let password = read_password(&name)?;
    check_password(&password)?;
    let options = config.storage.store_options();
    let store = Store::connect(&options)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", options.describe()))?;
    let created = store.create_admin(&name, &password).await;
    store.close().await;
    let account = created.map_err(|e| match e.conflict_message() {
        Some(message) => message.to_string(),
        None => format!("cannot create the account: {e}"),
    })?;
    let mut done = format!(
        "Created the administrator account “{}” in {}.",
        account.name,
        options.describe()
    );
    if config.auth.mode != crate::account::AuthMode::Local {
        done.push_str(" It is used once the server runs with [auth] mode = \"local\".");
    }
    Ok(done)
}

/// One line from stdin, without its line ending; at a terminal after a prompt on stderr, with
/// echo turned off (through `stty`) while it is typed.
fn read_password(name: &str) -> Result<String, String> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprint!("Password for {name}: ");
        let _ = std::io::stderr().flush();
        set_echo(false);
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if interactive {
        set_echo(true);
        eprintln!();
    }
    read.map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err("no password given on stdin".to_string());
    }
    Ok(password)
}

/// Turns the terminal's echo on or off (best effort: without `stty` the password shows).
fn set_echo(on: bool) {
    let _ = std::process::Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(std::process::Stdio::inherit())
        .status();
}
