//! `make bench`: a load generator for the streaming path.
//!
//! It starts the fake upstream in this process with a fixed script (first token after
//! `TTFT`, then one token every `1/rate` s), starts the release server binary wired to it, and
//! for each concurrency level runs the same number of streams twice: directly against the
//! fake, then through the app. Time to first token is measured from the client's request
//! start. An event's lateness is how much later than the script's spacing it arrives after its
//! stream's first token (so a slow start is counted once, in TTFT, not in every event). The
//! app's added figures are its values minus the direct ones at the same percentile, in the same
//! run. Then it pushes the live-turn count through the app (`--ceiling`) until a level breaks,
//! to record the ceiling. It also samples the server's RSS and CPU time from /proc (RSS per
//! live turn = peak minus idle, over the turns). Results are written as Markdown,
//! as the `loadgen` section of the output file (other sections are kept).

mod bench_support;
#[path = "bench_support/openai_script.rs"]
mod openai_script;
#[path = "bench_support/process.rs"]
mod process;

use bench_support::{machine, percentile, write_section};
use futures::StreamExt;
use process::{cpu_seconds, rss_kib};
use sluice::codec::{ItemDecoder, StreamItem};
use sluice::events::ChatEvent;
use sluice::providers::openai::chat::ChatCompletionsParser;
use sluice::providers::ProviderEvent;
use sluice_fake_upstream::{FakeOptions, FakeUpstream};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

/// p99 lateness at which a ceiling level counts as broken (a reader would see stutter).
const BREAKING_P99_MS: f64 = 1000.0;

/// Delay before the first token in the script.
const TTFT: Duration = Duration::from_millis(100);

/// Settings from the command line.
struct Options {
    /// Concurrency levels to run.
    levels: Vec<usize>,
    /// Higher levels run through the app only, until one fails, to find the ceiling.
    ceiling: Vec<usize>,
    /// Tokens per stream.
    tokens: usize,
    /// Tokens per second per stream.
    rate: f64,
    /// Server binary.
    binary: String,
    /// Markdown file to write.
    out: String,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        levels: vec![1, 100, 1000],
        ceiling: vec![2000, 4000, 7000, 10000],
        tokens: 100,
        rate: 50.0,
        binary: "target/release/sluice".into(),
        out: "BENCHMARKS.md".into(),
    };
    for (name, value) in bench_support::option_pairs()? {
        match name.as_str() {
            "--levels" => options.levels = bench_support::number_list(&value, "level")?,
            "--ceiling" => options.ceiling = bench_support::number_list(&value, "level")?,
            "--tokens" => options.tokens = value.parse().map_err(|_| "bad --tokens")?,
            "--rate" => options.rate = value.parse().map_err(|_| "bad --rate")?,
            "--binary" => options.binary = value,
            "--out" => options.out = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

/// What one stream measured.
#[derive(Default)]
struct StreamResult {
    /// Lateness of each text event after the first, vs the script's spacing, in ms.
    lateness_ms: Vec<f64>,
    /// Time from request start to the first text event, in ms.
    first_ms: Option<f64>,
    /// Text events received.
    events: usize,
    /// The text received.
    text: String,
    /// Failure, if any.
    error: Option<String>,
}

/// Which way a stream goes.
#[derive(Clone, Copy, PartialEq)]
enum Route {
    /// Straight to the fake upstream.
    Direct,
    /// Through the Sluice server.
    App,
}

async fn one_stream(
    client: reqwest::Client,
    route: Route,
    url: String,
    interval: Duration,
) -> StreamResult {
    let mut result = StreamResult::default();
    let body = match route {
        Route::Direct => {
            serde_json::json!({"model":"bench","stream":true,"messages":[{"role":"user","content":"go"}]})
        }
        Route::App => {
            serde_json::json!({"model":"openai/bench","messages":[{"role":"user","content":"go"}]})
        }
    };
    let start = Instant::now();
    let response = match client.post(&url).json(&body).send().await {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => {
            result.error = Some(format!("HTTP {}", r.status()));
            return result;
        }
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    };
    let mut body = response.bytes_stream();
    let mut parser = ChatCompletionsParser::new();
    let mut decoder = ItemDecoder::default();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else {
            result.error = Some("body error".into());
            break;
        };
        let arrived = start.elapsed().as_secs_f64() * 1000.0;
        let texts: Vec<String> = match route {
            Route::Direct => parser
                .push_bytes(&chunk)
                .into_iter()
                .filter_map(|e| match e {
                    ProviderEvent::Text(t) => Some(t),
                    _ => None,
                })
                .collect(),
            Route::App => decoder
                .push(&chunk)
                .into_iter()
                .filter_map(|i| match i {
                    Ok(StreamItem::Event {
                        event: ChatEvent::Delta { text },
                        ..
                    }) => Some(text),
                    _ => None,
                })
                .collect(),
        };
        for text in texts {
            match result.first_ms {
                None => result.first_ms = Some(arrived),
                Some(first) => {
                    let spacing = result.events as f64 * interval.as_secs_f64() * 1000.0;
                    result.lateness_ms.push(arrived - first - spacing);
                }
            }
            result.events += 1;
            result.text.push_str(&text);
        }
    }
    result
}

/// Summary of one phase.
struct Phase {
    /// Percentiles of per-event lateness (p50, p99).
    lateness: (f64, f64),
    /// Median time to first token, ms.
    first_p50: f64,
    /// Events received.
    events: usize,
    /// Streams whose text was not exactly the script's.
    wrong: usize,
    /// Failed streams.
    errors: usize,
    /// Failed streams that got an HTTP 5xx answer.
    server_errors: usize,
    /// Peak server RSS during the phase, KiB.
    peak_rss_kib: u64,
    /// Server CPU seconds used during the phase.
    cpu_seconds: f64,
    /// Wall time of the phase.
    wall_seconds: f64,
}

async fn run_phase(
    n: usize,
    route: Route,
    url: &str,
    tokens: usize,
    interval: Duration,
    pid: u32,
) -> Phase {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_default();
    let expected: String = (0..tokens).map(|k| format!("t{k} ")).collect();
    let barrier = Arc::new(Barrier::new(n));
    let cpu_before = cpu_seconds(pid);
    let wall = Instant::now();
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        })
    };
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (client, url, barrier) = (client.clone(), url.to_string(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                one_stream(client, route, url, interval).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap_or_default());
    }
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak_rss_kib = sampler.await.unwrap_or(0);
    let mut all: Vec<f64> = results
        .iter()
        .flat_map(|r| r.lateness_ms.iter().copied())
        .collect();
    all.sort_by(f64::total_cmp);
    let mut first: Vec<f64> = results.iter().filter_map(|r| r.first_ms).collect();
    first.sort_by(f64::total_cmp);
    Phase {
        lateness: (percentile(&all, 50.0), percentile(&all, 99.0)),
        first_p50: percentile(&first, 50.0),
        events: results.iter().map(|r| r.events).sum(),
        wrong: results
            .iter()
            .filter(|r| r.error.is_none() && r.text != expected)
            .count(),
        errors: results.iter().filter(|r| r.error.is_some()).count(),
        server_errors: results
            .iter()
            .filter(|r| r.error.as_deref().is_some_and(|e| e.starts_with("HTTP 5")))
            .count(),
        peak_rss_kib,
        cpu_seconds: cpu_seconds(pid) - cpu_before,
        wall_seconds: wall.elapsed().as_secs_f64(),
    }
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = parse_options()?;
    let interval = Duration::from_secs_f64(1.0 / options.rate);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let fake = FakeUpstream::start(
        listener,
        FakeOptions {
            required_api_key: None,
            fixtures_dir: None,
            seed: 1,
        },
    )
    .await;
    fake.add_script(
        "bench",
        openai_script::token_script(TTFT, options.tokens, interval),
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let data_dir = std::env::temp_dir().join(format!("sluice-loadgen-{}", std::process::id()));
    let mut server = std::process::Command::new(&options.binary)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        // A load generator is not abuse: the per-user and per-IP limits are off.
        .env("SLUICE_MESSAGES_PER_MINUTE", "0")
        .env("SLUICE_IP_REQUESTS_PER_MINUTE", "0")
        .env("SLUICE_CONCURRENT_STREAMS", "0")
        .env("SLUICE_PAGE_LOADS_PER_MINUTE", "0")
        .env("SLUICE_DETECT_OLLAMA", "false")
        .env("SLUICE_DATA_DIR", &data_dir)
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_OUTPUT_NAME", "sluice")
        .env("OPENAI_BASE_URL", fake.base_url())
        .env("OPENAI_MODELS", "bench")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start {}: {e} (run `make build` first)",
                options.binary
            )
        })?;
    let pid = server.id();
    let app_url = format!("http://127.0.0.1:{port}/api/chat/stream");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .is_err()
    {
        if Instant::now() > deadline {
            let _ = server.kill();
            return Err("the server did not start within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let idle_rss = rss_kib(pid);
    let mut rows = Vec::new();
    for &n in &options.levels {
        eprintln!("level {n}: direct…");
        let direct = run_phase(
            n,
            Route::Direct,
            &format!("{}/chat/completions", fake.base_url()),
            options.tokens,
            interval,
            pid,
        )
        .await;
        eprintln!("level {n}: through the app…");
        let app = run_phase(n, Route::App, &app_url, options.tokens, interval, pid).await;
        rows.push((n, direct, app));
    }
    let mut ceiling_rows = Vec::new();
    for &n in &options.ceiling {
        eprintln!("ceiling {n}: through the app…");
        let app = run_phase(n, Route::App, &app_url, options.tokens, interval, pid).await;
        let broke = app.errors + app.wrong > 0 || app.lateness.1 > BREAKING_P99_MS;
        ceiling_rows.push((n, app));
        if broke {
            break;
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data_dir);

    let mut out = String::new();
    out.push_str("## Streaming load (`examples/loadgen.rs`)\n\nWritten by `make bench` (`cargo run --release --no-default-features --features ssr --example loadgen -- --out BENCHMARKS.md`).\n\n");
    out.push_str(&format!(
        "- Machine: {}\n- Script: first token after {} ms, then {} tokens at {} tokens/s per stream (fake upstream, loopback)\n- Server idle RSS: {} KiB\n\n",
        machine(), TTFT.as_millis(), options.tokens, options.rate, idle_rss
    ));
    out.push_str("Per-event lateness = how much later than the script's spacing an event arrives after its stream's first token (the fake's own timer drift is in both columns). *Added* = through the app minus direct, same percentile, same run. TTFT = request start to first token. Goal: p99 added ≤ 2 ms per event at 1,000 streams.\n\n");
    out.push_str("| streams | events (direct / app) | lost or wrong streams | errors (5xx) | direct p50 / p99 ms | app p50 / p99 ms | **added per event p50 / p99 ms** | TTFT direct / app p50 ms | server RSS per stream KiB | server CPU (cores) |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (n, d, a) in &rows {
        let per_stream = (a.peak_rss_kib.saturating_sub(idle_rss)) as f64 / *n as f64;
        out.push_str(&format!(
            "| {n} | {} / {} | {} | {} ({}) | {:.2} / {:.2} | {:.2} / {:.2} | **{:.2} / {:.2}** | {:.1} / {:.1} | {:.1} | {:.2} |\n",
            d.events, a.events, d.wrong + a.wrong, d.errors + a.errors, a.server_errors,
            d.lateness.0, d.lateness.1, a.lateness.0, a.lateness.1,
            a.lateness.0 - d.lateness.0, a.lateness.1 - d.lateness.1,
            d.first_p50, a.first_p50, per_stream, a.cpu_seconds / a.wall_seconds,
        ));
    }
    out.push_str(&format!(
        "\n### Ceiling\n\nMore live turns through the app only (same script), until a level loses or garbles a stream, fails one, or its p99 lateness passes {BREAKING_P99_MS} ms. The load generator and the fake upstream run on the same 2 cores as the server, so the figures are a lower bound. Goal to aim at: 10,000 live turns at ≤ 64 KiB each.\n\n"
    ));
    out.push_str("| live turns | events | lost or wrong | errors (5xx) | app p50 / p99 lateness ms | TTFT p50 ms | server RSS per live turn KiB | server CPU (cores) | verdict |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (n, a) in &ceiling_rows {
        let per_turn = (a.peak_rss_kib.saturating_sub(idle_rss)) as f64 / *n as f64;
        let broke = a.errors + a.wrong > 0 || a.lateness.1 > BREAKING_P99_MS;
        out.push_str(&format!(
            "| {n} | {} | {} | {} ({}) | {:.2} / {:.2} | {:.1} | {:.1} | {:.2} | {} |\n",
            a.events,
            a.wrong,
            a.errors,
            a.server_errors,
            a.lateness.0,
            a.lateness.1,
            a.first_p50,
            per_turn,
            a.cpu_seconds / a.wall_seconds,
            if broke { "**broke**" } else { "held" },
        ));
    }
    write_section(&options.out, "loadgen", &out)?;
    print!("{out}");
    Ok(())
}
