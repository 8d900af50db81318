//! The `clusterbench` section of `BENCHMARKS.md`: how it was measured, one table row per
//! configuration and level, what Redis ran per answer-second, and the takeover table.

use crate::bench_support::machine;
use crate::phase::Level;
use crate::takeover::Takeover;
use crate::{Environment, Options, Setup};
use sluice::server::cluster::relay::BATCH_GAP;

/// The command `make bench` runs (the section says what wrote it).
const COMMAND: &str = "SLUICE_PG_FSYNC=on bash tools/with-postgres.sh bash tools/with-redis.sh cargo run --release --no-default-features --features ssr --example clusterbench -- --out BENCHMARKS.md";

/// The Redis goal of issue 23, commands per answer-second.
const REDIS_GOAL: f64 = 10.0;

/// The machine's cores.
fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// The Markdown section.
pub fn write(
    options: &Options,
    environment: &Environment,
    rows: &[(&Setup, Vec<Level>)],
    takeovers: &[(u64, Takeover)],
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "## Replicas (`examples/clusterbench/`)\n\nWritten by `make bench` (`{COMMAND}`).\n\n"
    ));
    out.push_str(&format!(
        "- Machine: {}, 1-min load average {} at the start; the replicas, Redis, the database, the fake upstream and the load generator share its cores\n",
        machine(),
        environment.load
    ));
    out.push_str(&format!(
        "- Replicas: real processes of `target/release/sluice` (the release build), per-user and per-IP limits off (as in `loadgen`), default `[cluster]` settings (a fresh key prefix per configuration)\n- Database: {}\n- {}\n",
        environment.database, environment.redis
    ));
    out.push_str(&format!(
        "- Load: `loadgen`'s generator and fake upstream, temporary chats (nothing stored per token): first token after {} ms, then {} tokens at {} tokens/s per answer; the answers of a level start together\n\n",
        options.ttft.as_millis(),
        options.tokens,
        options.rate
    ));
    out.push_str(&format!("Per-event lateness is `loadgen`'s: how much later than the script's spacing a token arrives after the answer's first token; *added* = through the replicas minus straight against the fake upstream, same percentile, same level, measured just before. *Readers on another replica*: answer *i* is started on replica *i* mod 3 (`POST /api/chat/stream`), its connection dropped after `started`, and it is read on the next replica (`POST /api/chat/resume {{\"turn_id\",\"after\"}}`), which follows it from Redis; the first token comes late enough for the reader to be there. *Merged first frames*: readers whose first frame held several tokens (they joined after the first token, or fell behind before reading it and got the waiting tokens merged); that frame's last token is their anchor, the earlier ones get no lateness. *Replica CPU per event*: user + system time of every replica process (`/proc/PID/stat`) during the run, divided by the tokens delivered to readers (each is one `delta` event the owner relays). *Redis commands per answer-second*: Redis `INFO` `total_commands_processed` during the run divided by the sum of the answers' durations (request to `done`); goal ≤ {REDIS_GOAL}. A level *breaks* as in `loadgen`: an answer lost, garbled or failed, or p99 lateness over 1000 ms. *Cores busy* during the run: the replicas / Redis / this benchmark's process (load generator and fake upstream) / everything else on the machine (`/proc/stat`: the database, and any other work sharing the machine — a busy neighbour shows here, not only in the latencies).\n\nWith Redis the owner's relay writes a turn's events to its stream at most once per {} ms (one `XADD`, in one round trip with the turn's directory entry in the first batch and its removal in the last; the first event after a quiet spell and the last are written at once) and publishes them to any reader, on the owner too, only once Redis holds them: that wait is most of the added latency with Redis. A reader then gets each batch as one merged delta (one frame per batch instead of one per token), so a saturated machine spends less per event on the readers' connections with Redis than without. When the whole machine is busy (*cores busy* adding up to about {} cores), the figures of that level depend on what else runs on it.\n\n", BATCH_GAP.as_millis(), cores()));
    out.push_str("| configuration | live answers | tokens delivered (direct / app) | lost or wrong | errors (5xx) | merged first frames | direct p50 / p99 ms | app p50 / p99 ms | **added per event p50 / p99 ms** | **replica CPU per event µs** | Redis CPU per event µs | **Redis commands per answer-second** | cores busy: replicas / Redis / bench / rest | verdict |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (setup, levels) in rows {
        for level in levels {
            out.push_str(&row(setup, level));
        }
    }
    out.push_str(&redis_breakdown(rows));
    out.push_str(&holds_line(options, rows));
    out.push_str(&takeover_table(options, takeovers));
    out
}

/// One table row.
fn row(setup: &Setup, level: &Level) -> String {
    let (d, a) = (&level.direct, &level.app);
    let per_event_us = |seconds: f64| {
        if a.tokens == 0 {
            f64::NAN
        } else {
            seconds * 1e6 / a.tokens as f64
        }
    };
    let (redis_cpu, commands, redis_cores) = match &level.redis {
        Some(redis) => (
            format!("{:.1}", per_event_us(redis.cpu_seconds)),
            format!("**{:.1}**", redis.commands as f64 / a.answer_seconds),
            redis.cpu_seconds / level.wall_seconds,
        ),
        None => ("—".to_string(), "—".to_string(), 0.0),
    };
    let replica_cores = level.cpu_seconds / level.wall_seconds;
    let rest = level.cores.machine - replica_cores - redis_cores - level.cores.bench;
    let cores = format!(
        "{replica_cores:.2} / {redis_cores:.2} / {:.2} / {:.2}",
        level.cores.bench,
        rest.max(0.0)
    );
    format!(
        "| {} | {} | {} / {} | {} | {} ({}) | {} | {:.2} / {:.2} | {:.2} / {:.2} | **{:.2} / {:.2}** | **{:.1}** | {} | {} | {cores} | {} |\n",
        setup.name,
        level.answers,
        d.tokens,
        a.tokens,
        d.wrong + a.wrong,
        d.errors.0 + a.errors.0,
        a.errors.1,
        a.merged_first,
        d.lateness.0,
        d.lateness.1,
        a.lateness.0,
        a.lateness.1,
        a.lateness.0 - d.lateness.0,
        a.lateness.1 - d.lateness.1,
        per_event_us(level.cpu_seconds),
        redis_cpu,
        commands,
        if level.broke() { "**broke**" } else { "held" },
    )
}

/// Which commands Redis ran, per answer-second, for each configuration with Redis.
fn redis_breakdown(rows: &[(&Setup, Vec<Level>)]) -> String {
    let mut out = String::from("\nWhat Redis ran, per answer-second (`INFO commandstats`; each turn costs a few commands once — registering, removing, a reader on another replica finding it — so short answers, these last about 3 s, show more per answer-second than long ones):\n\n");
    for (setup, levels) in rows {
        for level in levels {
            let Some(redis) = &level.redis else {
                continue;
            };
            let per = |count: u64| count as f64 / level.app.answer_seconds;
            let calls: Vec<String> = redis
                .calls
                .iter()
                .map(|(name, count)| format!("{} {:.2}", name.to_uppercase(), per(*count)))
                .collect();
            out.push_str(&format!(
                "- {}, {} answers: {}\n",
                setup.name,
                level.answers,
                calls.join(", ")
            ));
        }
    }
    out
}

/// The sentences on the largest level three replicas held (and whether the baseline held the
/// largest level in the same run).
fn holds_line(options: &Options, rows: &[(&Setup, Vec<Level>)]) -> String {
    let largest = options.levels.iter().copied().max().unwrap_or(0);
    let Some((_, levels)) = rows.iter().find(|(setup, _)| setup.cross) else {
        return String::new();
    };
    let run: Vec<String> = levels.iter().map(|l| l.answers.to_string()).collect();
    let held = levels
        .iter()
        .filter(|level| !level.broke())
        .map(|level| level.answers)
        .max();
    let mut out = match held {
        Some(n) if n >= largest => format!(
            "\nThree replicas held {largest} live answers read on other replicas on this machine."
        ),
        Some(n) => format!(
            "\n**Three replicas did not hold {largest} live answers read on other replicas on this machine**; the largest level that held is **{n}** (levels run, in order: {}).",
            run.join(", ")
        ),
        None => format!(
            "\n**Three replicas held none of the levels run** ({}) on this machine.",
            run.join(", ")
        ),
    };
    let baseline_broke = rows
        .iter()
        .filter(|(setup, _)| !setup.redis)
        .flat_map(|(_, levels)| levels)
        .any(|level| level.answers == largest && level.broke());
    if baseline_broke {
        out.push_str(&format!(
            " One replica without Redis did not hold {largest} in this run (*cores busy*: what the rest of the machine took)."
        ));
    }
    out.push('\n');
    out
}

/// The takeover table.
fn takeover_table(options: &Options, takeovers: &[(u64, Takeover)]) -> String {
    let mut out = String::from("\n### A dead owner's answers\n\n");
    out.push_str(&format!(
        "Two replicas, A and B, with the lease shown (`SLUICE_CLUSTER_LEASE_MS`; default 10000). {} stored answers (a token a second, so each is written to the database about once a second) are started on A, 50 at a time, each dropped after `started` and resumed on B (`POST /api/chat/resume {{\"turn_id\",\"answer_id\",\"after\"}}`). Once every reader on B has text, A is killed with SIGKILL; *closed* = the time from the kill until a reader on B receives `done` with `finish_reason` `interrupted` — the lease running out, B's next watch round (every quarter lease) noticing, then B storing the answers as `interrupted` (16 at a time) and ending their streams. *Bound* = 1.25 leases, before the takeover itself: the first answer closed shows when B noticed, the last how long storing all of them took. Afterwards every answer is read back through B.\n\n",
        options.takeover_answers
    ));
    out.push_str("| lease ms | answers on A read on B | readers ended `interrupted` | other ends or failures | **closed after kill first / p50 / max s** | bound (1.25 leases) s | first → last closed, ms per answer | stored `interrupted` with the reader's exact text |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (lease, t) in takeovers {
        let (first, p50, max) = t.first_p50_max();
        let failures = match &t.failed {
            (0, _) => "0".to_string(),
            (n, Some(reason)) => format!("{n} (first: {reason})"),
            (n, None) => n.to_string(),
        };
        out.push_str(&format!(
            "| {lease} | {} | {} | {failures} | **{first:.2} / {p50:.2} / {max:.2}** | {:.2} | {:.1} | {} |\n",
            t.answers,
            t.interrupted,
            *lease as f64 * 1.25 / 1000.0,
            (max - first) * 1000.0 / t.interrupted.max(1) as f64,
            t.stored_exact,
        ));
    }
    out
}
