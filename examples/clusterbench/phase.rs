//! One configuration's levels in `clusterbench`: per level, the answers straight against the
//! fake upstream (the reference), then the same answers through the replicas, with the
//! replicas' CPU time and Redis's counters taken around the second run. A short unmeasured
//! warm-up first opens what opens lazily (the Redis connections, a follower's read loop, the
//! database pool). A level *breaks* as in `loadgen` (an answer lost, garbled or failed, or p99
//! lateness over [`BREAKING_P99_MS`]); three replicas that break at the largest level try the
//! fallback levels until one holds.

use crate::bench_support::percentile;
use crate::machine_cpu::{self, Cores};
use crate::readers::{run_together, Answer, Route};
use crate::redis_stats::{Delta, Probe};
use crate::replicas::Replica;
use crate::{Options, Setup};
use std::time::Duration;

/// p99 lateness at which a level counts as broken (a reader would see stutter), as `loadgen`.
const BREAKING_P99_MS: f64 = 1000.0;

/// Answers of the warm-up.
const WARM_UP: usize = 10;

/// Pause after a run: the replicas finish storing and Redis expiring before the next.
const SETTLE: Duration = Duration::from_secs(1);

/// What one run of answers measured.
pub struct Summary {
    /// Lateness per token, p50 and p99, ms.
    pub lateness: (f64, f64),
    /// Tokens delivered to readers.
    pub tokens: usize,
    /// Answers whose text was not exactly the script's.
    pub wrong: usize,
    /// Failed answers, and how many of them were HTTP 5xx.
    pub errors: (usize, usize),
    /// The first failure, for the log.
    pub first_error: Option<String>,
    /// Readers whose first frame held several tokens.
    pub merged_first: usize,
    /// Sum over answers of request start → end of stream, seconds.
    pub answer_seconds: f64,
}

/// One level of one configuration.
pub struct Level {
    /// Live answers at once.
    pub answers: usize,
    /// Straight against the fake upstream.
    pub direct: Summary,
    /// Through the replicas.
    pub app: Summary,
    /// CPU time of all replica processes during the app run, seconds.
    pub cpu_seconds: f64,
    /// What Redis did during the app run (`None` without Redis).
    pub redis: Option<Delta>,
    /// Cores busy during the app run: the whole machine, this process.
    pub cores: Cores,
    /// Wall time of the app run, seconds.
    pub wall_seconds: f64,
}

impl Level {
    /// Whether the level broke.
    pub fn broke(&self) -> bool {
        self.app.errors.0 + self.app.wrong > 0 || self.app.lateness.1 > BREAKING_P99_MS
    }
}

/// Summarizes answers; `expected` is the script's whole text.
fn summarize(answers: &[Answer], expected: &str) -> Summary {
    let mut all: Vec<f64> = answers
        .iter()
        .flat_map(|a| a.lateness_ms.iter().copied())
        .collect();
    all.sort_by(f64::total_cmp);
    let failed = || answers.iter().filter_map(|a| a.error.as_deref());
    Summary {
        lateness: (percentile(&all, 50.0), percentile(&all, 99.0)),
        tokens: answers.iter().map(|a| a.tokens).sum(),
        wrong: answers
            .iter()
            .filter(|a| a.error.is_none() && a.text != expected)
            .count(),
        errors: (
            failed().count(),
            failed().filter(|e| e.starts_with("HTTP 5")).count(),
        ),
        first_error: failed().next().map(str::to_string),
        merged_first: answers.iter().filter(|a| a.merged_first).count(),
        answer_seconds: answers.iter().map(|a| a.live_seconds).sum(),
    }
}

/// The routes of `n` answers through `replicas`: all on the first one, or answer `i` started
/// on replica `i mod r` and read on the next.
fn app_routes(n: usize, replicas: &[Replica], cross: bool) -> Vec<Route> {
    let r = replicas.len();
    (0..n)
        .map(|i| Route::App {
            start: replicas[i % r].url("/api/chat/stream"),
            resume: cross.then(|| replicas[(i + 1) % r].url("/api/chat/resume")),
        })
        .collect()
}

/// Runs `options.levels` (and, for a configuration across replicas whose largest level broke,
/// the fallback levels until one holds).
pub async fn run_levels(
    options: &Options,
    setup: &Setup,
    replicas: &[Replica],
    direct_url: &str,
    client: &reqwest::Client,
    mut probe: Option<&mut Probe>,
) -> Result<Vec<Level>, String> {
    let interval = Duration::from_secs_f64(1.0 / options.rate);
    let warm_up = run_together(client, app_routes(WARM_UP, replicas, setup.cross), interval).await;
    if let Some(error) = warm_up.iter().find_map(|a| a.error.clone()) {
        return Err(format!("{}: the warm-up failed: {error}", setup.name));
    }
    let run = Run {
        options,
        setup,
        replicas,
        direct_url,
        client,
    };
    let mut levels = Vec::new();
    for &n in &options.levels {
        levels.push(run.level(n, probe.as_deref_mut()).await?);
    }
    let largest = options.levels.iter().copied().max().unwrap_or(0);
    let largest_broke = levels
        .iter()
        .any(|level| level.answers == largest && level.broke());
    if setup.cross && largest_broke {
        for n in options.fallback.iter().copied().filter(|&n| n < largest) {
            let level = run.level(n, probe.as_deref_mut()).await?;
            let held = !level.broke();
            levels.push(level);
            if held {
                break;
            }
        }
    }
    Ok(levels)
}

/// What every level of a configuration shares.
struct Run<'a> {
    /// Script and levels.
    options: &'a Options,
    /// The configuration.
    setup: &'a Setup,
    /// Its replica processes.
    replicas: &'a [Replica],
    /// The fake upstream's chat completions URL.
    direct_url: &'a str,
    /// The load generator's client.
    client: &'a reqwest::Client,
}

impl Run<'_> {
    /// `n` answers direct, then through the replicas.
    async fn level(&self, n: usize, probe: Option<&mut Probe>) -> Result<Level, String> {
        let (setup, replicas, client) = (self.setup, self.replicas, self.client);
        let interval = Duration::from_secs_f64(1.0 / self.options.rate);
        let expected: String = (0..self.options.tokens)
            .map(crate::openai_script::token)
            .collect();
        eprintln!("{}: {n} answers, direct…", setup.name);
        let direct = vec![Route::Direct(self.direct_url.to_string()); n];
        let direct = run_together(client, direct, interval).await;
        tokio::time::sleep(SETTLE).await;
        eprintln!("{}: {n} answers, through the app…", setup.name);
        let cpu_before: f64 = replicas.iter().map(Replica::cpu_seconds).sum();
        let (probe, redis_before) = match probe {
            Some(probe) => {
                let before = probe.snapshot().await?;
                (Some(probe), Some(before))
            }
            None => (None, None),
        };
        let machine = machine_cpu::start();
        let app = run_together(client, app_routes(n, replicas, setup.cross), interval).await;
        let (cores, wall_seconds) = machine.finish();
        let cpu_seconds = replicas.iter().map(Replica::cpu_seconds).sum::<f64>() - cpu_before;
        let redis = match (probe, redis_before) {
            (Some(probe), Some(before)) => Some(probe.snapshot().await?.since(&before)),
            _ => None,
        };
        let level = Level {
            answers: n,
            direct: summarize(&direct, &expected),
            app: summarize(&app, &expected),
            cpu_seconds,
            redis,
            cores,
            wall_seconds,
        };
        eprintln!(
            "  {:.1} s, added p50/p99 {:.1}/{:.1} ms, errors {} ({:?}), wrong {}, merged first frames {}, machine {:.2} cores busy",
            wall_seconds,
            level.app.lateness.0 - level.direct.lateness.0,
            level.app.lateness.1 - level.direct.lateness.1,
            level.app.errors.0,
            level.app.first_error,
            level.app.wrong,
            level.app.merged_first,
            cores.machine,
        );
        tokio::time::sleep(SETTLE).await;
        Ok(level)
    }
}
