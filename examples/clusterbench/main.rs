//! `make bench`, the cluster rows (issue 23): what sharing live answers through Redis costs.
//!
//! Same machine, same load generator as `loadgen` (its token script, its per-event lateness
//! against the fake upstream read directly, in the same run), three configurations of real
//! `target/release/sluice` processes on one database (a fresh PostgreSQL database when
//! `SLUICE_TEST_DATABASE_URL` names a server, as under `tools/with-postgres.sh`; else one SQLite
//! file in a shared data directory) and one Redis (`SLUICE_TEST_REDIS_URL`, as under
//! `tools/with-redis.sh`; a fresh key prefix per configuration):
//!
//! 1. one replica without Redis (the embedded default) — the baseline;
//! 2. one replica with Redis: every event relayed, readers on the owner;
//! 3. three replicas with Redis: answer *i* started on replica *i* mod 3 and read on the next
//!    one (a reload landing elsewhere): every reader follows a copy fed from Redis.
//!
//! Per configuration and level: added lateness per event (p50/p99, app minus direct), the
//! replicas' CPU time (`/proc/PID/stat`, all of them) per token delivered, Redis's CPU time
//! and commands (`INFO`) per answer-second. When three replicas cannot hold the largest level
//! on this machine, lower levels (`--fallback`) are tried until one holds. Then, per lease
//! (`--leases`), how fast a dead owner's answers are closed ([`takeover`]). The results are the
//! `clusterbench` section of the output file (other sections are kept).

#[path = "../bench_support/backend.rs"]
mod backend;
#[path = "../bench_support/mod.rs"]
mod bench_support;
mod machine_cpu;
#[path = "../bench_support/openai_script.rs"]
mod openai_script;
mod phase;
mod readers;
mod redis_stats;
mod replicas;
mod report;
mod takeover;

use backend::{Backend, PgDatabase};
use bench_support::write_section;
use replicas::{RedisSettings, Replica, Shared};
use sluice_fake_upstream::{FakeOptions, FakeUpstream};
use sqlx::Connection;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable naming the Redis server the benchmark uses.
const REDIS_VAR: &str = "SLUICE_TEST_REDIS_URL";

/// The slow script of the takeover: a token a second, so answers outlive any lease measured
/// and each stored answer is written about once a second.
const TAKEOVER_INTERVAL: Duration = Duration::from_secs(1);

/// Tokens of the takeover script (five minutes).
const TAKEOVER_TOKENS: usize = 300;

/// Settings from the command line.
pub struct Options {
    /// Live answers at once, for every configuration.
    pub levels: Vec<usize>,
    /// Lower levels for three replicas, tried in order when its largest level breaks.
    pub fallback: Vec<usize>,
    /// Tokens per answer.
    pub tokens: usize,
    /// Tokens per second per answer.
    pub rate: f64,
    /// Delay before the first token: long enough for a reader on another replica to join
    /// before it, so every token it reads is live.
    pub ttft: Duration,
    /// Answers on the killed replica in the takeover.
    pub takeover_answers: usize,
    /// Leases (ms) the takeover is measured with.
    pub leases: Vec<u64>,
    /// The shared database.
    pub backend: Backend,
    /// Server binary.
    pub binary: PathBuf,
    /// Markdown file to write.
    pub out: String,
}

fn parse_options() -> Result<Options, String> {
    let postgres = std::env::var(backend::SERVER_VAR).is_ok_and(|url| !url.is_empty());
    let mut options = Options {
        levels: vec![100, 1000],
        fallback: vec![750, 500, 250],
        tokens: 100,
        rate: 50.0,
        ttft: Duration::from_millis(1000),
        takeover_answers: 1000,
        leases: vec![10_000, 3_000],
        backend: if postgres {
            Backend::Postgres
        } else {
            Backend::Sqlite
        },
        binary: "target/release/sluice".into(),
        out: "BENCHMARKS.md".into(),
    };
    for (name, value) in bench_support::option_pairs()? {
        match name.as_str() {
            "--levels" => options.levels = bench_support::number_list(&value, "level")?,
            "--fallback" => options.fallback = bench_support::number_list(&value, "level")?,
            "--tokens" => options.tokens = value.parse().map_err(|_| "bad --tokens")?,
            "--rate" => options.rate = value.parse().map_err(|_| "bad --rate")?,
            "--ttft-ms" => {
                options.ttft = Duration::from_millis(value.parse().map_err(|_| "bad --ttft-ms")?)
            }
            "--takeover-answers" => {
                options.takeover_answers = value.parse().map_err(|_| "bad --takeover-answers")?
            }
            "--leases" => options.leases = bench_support::number_list(&value, "lease")?,
            "--backend" => match Backend::parse_list(&value)?.as_slice() {
                [one] => options.backend = *one,
                _ => return Err("--backend takes one of sqlite, postgres".into()),
            },
            "--binary" => options.binary = value.into(),
            "--out" => options.out = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.levels.is_empty() {
        return Err("--levels needs at least one level".into());
    }
    Ok(options)
}

/// One configuration of replicas.
pub struct Setup {
    /// Its name in the table.
    pub name: &'static str,
    /// Replica processes.
    pub replicas: usize,
    /// Whether they share live answers through Redis.
    pub redis: bool,
    /// Whether each answer is read on another replica than the one it started on.
    pub cross: bool,
}

/// The three configurations, in table order.
const SETUPS: [Setup; 3] = [
    Setup {
        name: "1 replica, no Redis (embedded default)",
        replicas: 1,
        redis: false,
        cross: false,
    },
    Setup {
        name: "1 replica + Redis, readers on the owner",
        replicas: 1,
        redis: true,
        cross: false,
    },
    Setup {
        name: "3 replicas + Redis, readers on another replica",
        replicas: 3,
        redis: true,
        cross: true,
    },
];

/// What the report says about the database and Redis.
pub struct Environment {
    /// The 1-minute load average at the start (other work on the machine shows here).
    pub load: String,
    /// The shared database.
    pub database: String,
    /// The Redis server.
    pub redis: String,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = parse_options()?;
    let redis_url = std::env::var(REDIS_VAR)
        .ok()
        .filter(|url| !url.is_empty())
        .ok_or_else(|| {
            format!(
                "the cluster rows need {REDIS_VAR}, a Redis server the replicas share: run it \
                 through `bash tools/with-redis.sh` (a throwaway server, as `make bench` does)"
            )
        })?;
    let binary = std::fs::canonicalize(&options.binary).map_err(|e| {
        format!(
            "{}: {e} (build it first: `cargo build --release --no-default-features --features ssr --bin sluice`, or `make build`)",
            options.binary.display()
        )
    })?;
    let site_root = std::fs::canonicalize("target/site")
        .map_err(|e| format!("target/site: {e} (run `make build` first)"))?;
    let load = load_average();
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
    let interval = Duration::from_secs_f64(1.0 / options.rate);
    fake.add_script(
        "bench",
        openai_script::token_script(options.ttft, options.tokens, interval),
    );
    fake.add_script(
        takeover::MODEL,
        openai_script::token_script(
            Duration::from_millis(100),
            TAKEOVER_TOKENS,
            TAKEOVER_INTERVAL,
        ),
    );
    let data_dir = std::env::temp_dir().join(format!("sluice-clusterbench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    let database = match options.backend {
        Backend::Postgres => Some(PgDatabase::create("cluster").await?),
        Backend::Sqlite => None,
    };
    let shared = Shared {
        binary,
        site_root,
        data_dir: data_dir.clone(),
        database_url: database.as_ref().map(|db| db.url.clone()),
        upstream: fake.base_url(),
        models: format!("bench,{}", takeover::MODEL),
    };
    let outcome = run(&options, &shared, &redis_url, &fake.base_url(), load).await;
    if let Some(database) = database {
        database.remove().await?;
    }
    let _ = std::fs::remove_dir_all(&data_dir);
    let out = outcome?;
    write_section(&options.out, "clusterbench", &out)?;
    print!("{out}");
    Ok(())
}

/// Every configuration, then the takeover; the report.
async fn run(
    options: &Options,
    shared: &Shared,
    redis_url: &str,
    upstream: &str,
    load: String,
) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| e.to_string())?;
    let mut probe = redis_stats::Probe::connect(redis_url).await?;
    let environment = Environment {
        load,
        database: describe_database(options.backend, shared).await?,
        redis: format!(
            "Redis {} on loopback TCP, nothing persisted",
            probe.version().await?
        ),
    };
    let direct_url = format!("{upstream}/chat/completions");
    let mut rows = Vec::new();
    for (k, setup) in SETUPS.iter().enumerate() {
        let prefix = format!("sluice-bench-{}-{k}", std::process::id());
        let redis = setup.redis.then(|| RedisSettings {
            url: redis_url,
            prefix: &prefix,
            lease_ms: None,
        });
        eprintln!("{}: starting {} replica(s)…", setup.name, setup.replicas);
        let started = replicas::start(
            shared,
            &format!("c{k}"),
            setup.replicas,
            redis.as_ref(),
            &client,
        )
        .await?;
        let phases = phase::run_levels(
            options,
            setup,
            &started,
            &direct_url,
            &client,
            redis.as_ref().map(|_| &mut probe),
        )
        .await;
        stop_all(started).await;
        rows.push((setup, phases?));
    }
    let mut takeovers = Vec::new();
    for (k, &lease) in options.leases.iter().enumerate() {
        let prefix = format!("sluice-bench-{}-takeover-{k}", std::process::id());
        let redis = RedisSettings {
            url: redis_url,
            prefix: &prefix,
            lease_ms: Some(lease),
        };
        eprintln!(
            "takeover, lease {lease} ms: {} answers on A read on B…",
            options.takeover_answers
        );
        let mut started =
            replicas::start(shared, &format!("t{k}"), 2, Some(&redis), &client).await?;
        let limit = Duration::from_millis(lease * 2) + Duration::from_secs(120);
        let (b, a) = (started.pop(), started.pop());
        let (Some(mut a), Some(b)) = (a, b) else {
            return Err("two replicas were started".into());
        };
        let measured =
            takeover::measure(&client, &mut a, &b, options.takeover_answers, limit).await;
        stop_all(vec![b]).await;
        takeovers.push((lease, measured?));
    }
    Ok(report::write(options, &environment, &rows, &takeovers))
}

/// Stops every replica (SIGTERM; SIGKILL after 10 s).
async fn stop_all(replicas: Vec<Replica>) {
    for replica in replicas {
        replica.stop(Duration::from_secs(10)).await;
    }
}

/// The database line of the report.
async fn describe_database(backend: Backend, shared: &Shared) -> Result<String, String> {
    match (&shared.database_url, backend) {
        (Some(url), Backend::Postgres) => {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .map_err(|e| format!("cannot connect to the benchmark's database: {e}"))?;
            let settings = backend::postgres_settings(&mut conn).await?;
            let _ = conn.close().await;
            Ok(format!(
                "{}: one fresh database all replicas share ({settings})",
                backend.name()
            ))
        }
        _ => Ok(format!(
            "{}: one file in a data directory all replica processes share (fine on one machine; a real cluster runs on PostgreSQL)",
            backend.name()
        )),
    }
}

/// The 1-minute load average from /proc ("?" when unreadable).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
