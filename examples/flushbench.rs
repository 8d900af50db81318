//! `make bench`, answers streamed at once: how many stored answers each backend can write
//! before the p99 latency of a batched flush passes 100 ms.
//!
//! In-process, with the store API the turn uses (no HTTP, no provider: only the database
//! writes are measured). For N = 1, 8, 32, 64, 128, … answers at once, N answer rows are
//! created ([`Store::start_answer`], one conversation each); then N tasks each hold an
//! [`AnswerWriter`] on its own row, as a turn's recorder does, and every flush interval
//! (250 ms, the default) push 100 tokens/s worth of text and call
//! [`AnswerWriter::flush_if_due`], timing each call (waiting for a pooled connection
//! included). The tasks start evenly spread over one interval. A level lasts a few seconds.
//! Every level runs, up to the cap (512): on a shared machine one stall of the disk can push
//! a single level's p99 up, so a backend *saturates* at the first level from which every
//! larger level's p99 stays above 100 ms.
//! SQLite runs on a file in a temporary directory; PostgreSQL on a fresh database on the
//! server `SLUICE_TEST_DATABASE_URL` names (fsync as that server has it; the report says).
//! Results are written as the `flushbench` section of the output file (other sections kept).

#[path = "bench_support/backend.rs"]
mod backend;
mod bench_support;

use backend::{postgres_settings, Backend, PgDatabase};
use bench_support::{machine, percentile, write_section};
use sluice::store::{
    AnswerEnd, AnswerStats, AnswerWriter, Message, Store, StoreOptions, UserId,
    DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_CONNECTIONS,
};
use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};

/// The p99 flush latency past which a level counts as saturated.
const SATURATED_MS: f64 = 100.0;

/// Text pushed before each flush: 25 tokens of 4 bytes, 100 tokens/s at the default interval.
const CHUNK: &str = "abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc ";

/// The sentence under the verdicts: what bounds each backend.
const WHY_THEY_DIFFER: &str = "Why they differ: SQLite takes one write at a time per database file (its write lock), so flushes queue behind each other once the commits per second approach what one writer does here; PostgreSQL runs up to the pool's 8 writes at once, each commit waiting for its WAL flush (fsync on), and commits that arrive together share one flush.";

/// Settings from the command line.
struct Options {
    /// Answers at once, one level each, in increasing order.
    levels: Vec<usize>,
    /// How long each level streams.
    seconds: f64,
    /// Backends to measure, in order.
    backends: Vec<Backend>,
    /// Markdown file to write.
    out: String,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        levels: vec![1, 8, 32, 64, 128, 256, 384, 512],
        seconds: 5.0,
        backends: vec![Backend::Sqlite, Backend::Postgres],
        out: "BENCHMARKS.md".into(),
    };
    for (name, value) in bench_support::option_pairs()? {
        match name.as_str() {
            "--levels" => options.levels = bench_support::number_list(&value, "level")?,
            "--seconds" => options.seconds = value.parse().map_err(|_| "bad --seconds")?,
            "--backends" => options.backends = Backend::parse_list(&value)?,
            "--out" => options.out = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.levels.contains(&0) || options.seconds <= 0.0 {
        return Err("levels and --seconds must be positive".into());
    }
    Ok(options)
}

/// What one level measured.
struct Level {
    /// Answers streamed at once.
    answers: usize,
    /// Sorted flush latencies, ms.
    latencies_ms: Vec<f64>,
    /// Flushes per answer per second of streaming (just under 4 at the default interval when
    /// every flush is on time: the first comes one interval after the start).
    flushes_per_answer_second: f64,
}

impl Level {
    /// Whether its p99 passed the limit.
    fn over_limit(&self) -> bool {
        percentile(&self.latencies_ms, 99.0) > SATURATED_MS
    }

    /// Percentage of its flushes that took longer than the limit.
    fn share_over_limit(&self) -> f64 {
        let over = self
            .latencies_ms
            .iter()
            .filter(|ms| **ms > SATURATED_MS)
            .count();
        100.0 * over as f64 / self.latencies_ms.len().max(1) as f64
    }
}

/// Creates `count` streaming answers, one conversation each, for the local user.
async fn start_answers(store: &Store, count: usize) -> Result<Vec<Message>, String> {
    let err = |e: sluice::store::StoreError| e.to_string();
    let user = UserId::LOCAL;
    let mut answers = Vec::with_capacity(count);
    for n in 0..count {
        let conversation = store
            .create_conversation(user, &format!("Flush bench {n}"), Some("m"), None)
            .await
            .map_err(err)?;
        let question = store
            .add_user_message(user, &conversation.id, None, "Tell me a long story.")
            .await
            .map_err(err)?;
        answers.push(
            store
                .start_answer(user, &conversation.id, &question.id, "m")
                .await
                .map_err(err)?,
        );
    }
    Ok(answers)
}

/// One answer's stream: from `start` until `end`, every flush interval push [`CHUNK`] and
/// flush, timing each flush; then the final write (not timed). Returns the latencies, ms.
async fn stream_answer(
    store: Store,
    answer: Message,
    start: tokio::time::Instant,
    end: tokio::time::Instant,
) -> Result<Vec<f64>, String> {
    let mut writer = AnswerWriter::new(store, UserId::LOCAL, &answer, start.into_std())
        .with_interval(DEFAULT_FLUSH_INTERVAL);
    let mut latencies = Vec::new();
    let mut next = start + DEFAULT_FLUSH_INTERVAL;
    while next < end {
        tokio::time::sleep_until(next).await;
        writer.push(CHUNK);
        let now = Instant::now();
        let wrote = writer
            .flush_if_due(now)
            .await
            .map_err(|e| format!("a flush failed: {e}"))?;
        if !wrote {
            return Err("a flush was not due when the interval had passed".into());
        }
        latencies.push(now.elapsed().as_secs_f64() * 1000.0);
        // As in a turn: the next flush is due one interval after this one started.
        next = tokio::time::Instant::from_std(now) + DEFAULT_FLUSH_INTERVAL;
    }
    writer
        .finish(AnswerEnd::Complete, &AnswerStats::default())
        .await
        .map_err(|e| format!("the final write failed: {e}"))?;
    Ok(latencies)
}

/// Streams `answers` answers at once for `seconds`.
async fn run_level(store: &Store, answers: usize, seconds: f64) -> Result<Level, String> {
    let rows = start_answers(store, answers).await?;
    let begin = tokio::time::Instant::now() + Duration::from_millis(100);
    let end = begin + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::with_capacity(answers);
    for (i, answer) in rows.into_iter().enumerate() {
        let offset = DEFAULT_FLUSH_INTERVAL.mul_f64(i as f64 / answers as f64);
        tasks.push(tokio::spawn(stream_answer(
            store.clone(),
            answer,
            begin + offset,
            end,
        )));
    }
    let mut latencies_ms = Vec::new();
    for task in tasks {
        latencies_ms.extend(task.await.map_err(|e| e.to_string())??);
    }
    latencies_ms.sort_by(f64::total_cmp);
    Ok(Level {
        answers,
        flushes_per_answer_second: latencies_ms.len() as f64 / (answers as f64 * seconds),
        latencies_ms,
    })
}

/// What one backend measured.
struct BackendRun {
    /// Which backend.
    backend: Backend,
    /// How its database was set up, for the report.
    setup: String,
    /// Every level, in order.
    levels: Vec<Level>,
}

impl BackendRun {
    /// The first level from which every level's p99 is over the limit.
    fn saturation(&self) -> Option<&Level> {
        let within = self.levels.iter().rposition(|level| !level.over_limit());
        match within {
            Some(i) => self.levels.get(i + 1),
            None => self.levels.first(),
        }
    }

    /// The first level whose p99 passed the limit (a spike, when below [`Self::saturation`]).
    fn first_over_limit(&self) -> Option<&Level> {
        self.levels.iter().find(|level| level.over_limit())
    }
}

/// Runs every level on `backend` (PostgreSQL: a fresh database, dropped at the end).
async fn run_backend(backend: Backend, options: &Options) -> Result<BackendRun, String> {
    let dir = std::env::temp_dir().join(format!("sluice-flushbench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PgDatabase::create("flushbench").await?),
    };
    let (store_options, setup) = match &postgres {
        None => (
            StoreOptions::sqlite(dir.join("sluice.db")),
            "a file in a temp dir on ext4 (the store's settings: WAL, `synchronous = NORMAL`)"
                .to_string(),
        ),
        Some(db) => {
            let mut conn = PgConnection::connect(&db.url)
                .await
                .map_err(|e| format!("cannot connect to the bench database: {e}"))?;
            let settings = postgres_settings(&mut conn).await?;
            let _ = conn.close().await;
            (
                StoreOptions::postgres(db.url.clone()),
                format!("a fresh database on {settings}"),
            )
        }
    };
    let store = Store::connect(&store_options)
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let mut levels = Vec::new();
    for &answers in &options.levels {
        eprintln!(
            "{}: {answers} answers at once for {} s…",
            backend.name(),
            options.seconds
        );
        levels.push(run_level(&store, answers, options.seconds).await?);
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(db) = postgres {
        db.remove().await?;
    }
    Ok(BackendRun {
        backend,
        setup,
        levels,
    })
}

/// The section's Markdown.
fn report(options: &Options, load: &str, runs: &[BackendRun]) -> String {
    let mut out = String::new();
    out.push_str("## Answers streamed at once (`examples/flushbench.rs`)\n\n");
    out.push_str("Written by `make bench` (`SLUICE_PG_FSYNC=on bash tools/with-postgres.sh cargo run --release --no-default-features --features ssr --example flushbench -- --out BENCHMARKS.md`).\n\n");
    out.push_str(&format!(
        "- Machine: {}, 1-min load average {load} at the start; the database server and the benchmark share its cores and its disk\n- In-process, the store API only (no HTTP, no provider): per answer an `AnswerWriter` on its own row, as a turn's recorder holds, pushing 100 tokens/s of text and calling `flush_if_due` every {} ms (the default flush interval); each call timed, waiting for one of the pool's {} connections (default) included. The answers start evenly spread over one interval; each level streams {} s, then every answer gets its final write (not timed)\n",
        machine(),
        DEFAULT_FLUSH_INTERVAL.as_millis(),
        DEFAULT_MAX_CONNECTIONS,
        options.seconds,
    ));
    for run in runs {
        out.push_str(&format!("- {}: {}\n", run.backend.name(), run.setup));
    }
    out.push_str(&format!(
        "\nEvery level runs, up to the cap. A backend *saturates* at the first level from which every larger level's flush p99 is over {SATURATED_MS:.0} ms (one stall of the shared disk can push a single level over alone; the share of flushes over {SATURATED_MS:.0} ms shows it). *Flushes/answer/s*: {} would be every interval on time (a little less: the first flush comes one interval after the start).\n\n",
        1000 / DEFAULT_FLUSH_INTERVAL.as_millis()
    ));
    out.push_str("| answers at once |");
    for run in runs {
        out.push_str(&format!(
            " {0} flushes/answer/s | **{0} flush p50 / p99 ms** | {0} flushes > {SATURATED_MS:.0} ms |",
            run.backend.name()
        ));
    }
    out.push_str("\n|---:|");
    out.push_str(&"---:|---:|---:|".repeat(runs.len()));
    out.push('\n');
    for &answers in &options.levels {
        out.push_str(&format!("| {answers} |"));
        for run in runs {
            let level = run.levels.iter().find(|level| level.answers == answers);
            out.push_str(&match level {
                Some(level) => format!(
                    " {:.2} | **{:.1} / {:.1}** | {:.1} % |",
                    level.flushes_per_answer_second,
                    percentile(&level.latencies_ms, 50.0),
                    percentile(&level.latencies_ms, 99.0),
                    level.share_over_limit(),
                ),
                None => " – | – | – |".to_string(),
            });
        }
        out.push('\n');
    }
    out.push('\n');
    for run in runs {
        out.push_str(&format!("- {}\n", verdict(run)));
    }
    out.push_str(&format!("\n{WHY_THEY_DIFFER}\n"));
    out
}

/// Where `run` saturates, in a sentence.
fn verdict(run: &BackendRun) -> String {
    let name = run.backend.name();
    let p99 = |level: &Level| percentile(&level.latencies_ms, 99.0);
    let Some(last) = run.levels.last() else {
        return format!("{name}: no level ran.");
    };
    let spike = match run.first_over_limit() {
        Some(first) if run.saturation().is_none_or(|s| first.answers < s.answers) => format!(
            " (a spike: p99 {:.0} ms at {} answers, under the limit again above it)",
            p99(first),
            first.answers
        ),
        _ => String::new(),
    };
    match run.saturation() {
        Some(level) => format!(
            "**{name}** saturates at **{} answers at once** (flush p99 {:.0} ms, {:.2} flushes/answer/s){spike}.",
            level.answers,
            p99(level),
            level.flushes_per_answer_second
        ),
        None => format!(
            "**{name}** did not saturate up to the cap of **{} answers at once** (flush p99 {:.0} ms){spike}.",
            last.answers,
            p99(last)
        ),
    }
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = parse_options()?;
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into());
    let mut runs = Vec::new();
    for &backend in &options.backends {
        runs.push(run_backend(backend, &options).await?);
    }
    let out = report(&options, &load, &runs);
    write_section(&options.out, "flushbench", &out)?;
    print!("{out}");
    Ok(())
}
