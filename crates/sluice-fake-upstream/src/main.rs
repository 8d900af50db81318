//! The `sluice-fake-upstream` binary: serves the scripted OpenAI-compatible test upstream until
//! Ctrl-C or SIGTERM (see the library's `run_cli` for the flags).

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match sluice_fake_upstream::run_cli(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sluice-fake-upstream: {error}");
            ExitCode::from(2)
        }
    }
}
