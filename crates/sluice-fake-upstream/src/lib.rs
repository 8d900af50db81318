//! A fake OpenAI-compatible upstream with scripted models, recorded provider streams and a log
//! of the requests it received: the stand-in for real providers in the Rust tests (as a
//! library), the browser tests, the benchmarks and local demos (as the `sluice-fake-upstream`
//! binary, which `sluice fake-upstream …` runs too). Its own crate so the release server never
//! contains it. README's "Testing against Sluice" section documents its flags and models.

mod bench_answer;
mod connection;
mod fake_upstream;
mod http;
mod records;
mod rng;
mod routes;
mod scenarios;
mod script;
#[cfg(test)]
mod self_test;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use fake_upstream::{FakeUpstream, FakeUpstreamHandle};
pub use records::RequestRecord;
pub use script::{FakeOptions, Script, ScriptStep};

/// Usage text for `sluice-fake-upstream` (also run as `sluice fake-upstream`).
const USAGE: &str = "usage: sluice-fake-upstream [--addr HOST:PORT] [--require-key KEY] \
     [--fixtures DIR] [--seed N]";

/// Runs the fake upstream from command-line arguments until Ctrl-C or SIGTERM.
///
/// `args` are the arguments after the program name; a leading `fake-upstream` is skipped.
/// Defaults: `--addr 127.0.0.1:8089`, no key, no fixtures, `--seed 1`. Prints
/// `fake upstream listening on http://ADDR/v1` once bound.
pub async fn run_cli(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", options.addr))?;
    let handle = FakeUpstream::start(listener, options.fake).await;
    println!("fake upstream listening on {}", handle.base_url());
    wait_for_stop_signal().await?;
    handle.shutdown().await;
    Ok(())
}

/// Parsed command line.
#[derive(Debug)]
struct CliOptions {
    /// Address to bind.
    addr: SocketAddr,
    /// Options for the fake itself.
    fake: FakeOptions,
}

/// Parses `--addr`, `--require-key`, `--fixtures` and `--seed`.
fn parse_args(args: &[String]) -> Result<CliOptions, String> {
    let mut options = CliOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], 8089)),
        fake: FakeOptions {
            seed: 1,
            ..FakeOptions::default()
        },
    };
    let mut rest = args.iter().skip_while(|arg| *arg == "fake-upstream");
    while let Some(flag) = rest.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        if !["--addr", "--require-key", "--fixtures", "--seed"].contains(&flag.as_str()) {
            return Err(format!("unknown argument {flag}\n{USAGE}"));
        }
        let value = rest
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--addr" => {
                options.addr = value
                    .parse()
                    .map_err(|_| format!("--addr: not a HOST:PORT address: {value}"))?;
            }
            "--require-key" => options.fake.required_api_key = Some(value.clone()),
            "--fixtures" => options.fake.fixtures_dir = Some(PathBuf::from(value)),
            "--seed" => {
                options.fake.seed = value
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {value}"))?;
            }
            _ => {}
        }
    }
    Ok(options)
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn wait_for_stop_signal() -> Result<(), String> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate())
            .map_err(|error| format!("cannot watch SIGTERM: {error}"))?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => {
                result.map_err(|error| format!("cannot watch Ctrl-C: {error}"))
            }
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map_err(|error| format!("cannot watch Ctrl-C: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn parses_every_flag() {
        let parsed = parse_args(&args(&[
            "fake-upstream",
            "--addr",
            "127.0.0.1:9000",
            "--require-key",
            "sk-test",
            "--fixtures",
            "/tmp/fx",
            "--seed",
            "7",
        ]))
        .unwrap();
        assert_eq!(parsed.addr, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(parsed.fake.required_api_key.as_deref(), Some("sk-test"));
        assert_eq!(parsed.fake.fixtures_dir, Some(PathBuf::from("/tmp/fx")));
        assert_eq!(parsed.fake.seed, 7);
    }

    #[test]
    fn rejects_unknown_and_incomplete_flags() {
        assert!(parse_args(&args(&["--bogus", "1"])).is_err());
        assert!(parse_args(&args(&["--addr"])).is_err());
        assert!(parse_args(&args(&["--addr", "nonsense"])).is_err());
        assert!(parse_args(&args(&[])).is_ok());
    }
}
