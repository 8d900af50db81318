//! The replicas a `clusterbench` configuration runs: real processes of the release server
//! binary (`target/release/sluice`), all on one database (a PostgreSQL database made for the
//! run, or one SQLite file in a shared data directory) and, when clustered, one Redis under a
//! key prefix of their own. Each process is started in turn (the first one migrates a fresh
//! database), killed with SIGKILL when dropped (a failing run leaves nothing behind), and its
//! CPU time read from `/proc/PID/stat`, so the report charges every replica's work.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What every replica of a run shares.
pub struct Shared {
    /// The server binary.
    pub binary: PathBuf,
    /// The site root (holding `pkg/`; the API needs none of it, start-up checks it exists).
    pub site_root: PathBuf,
    /// The shared data directory: the SQLite file, when there is no PostgreSQL database, and
    /// each replica's log.
    pub data_dir: PathBuf,
    /// The PostgreSQL database every replica uses (`None`: the SQLite file in `data_dir`).
    pub database_url: Option<String>,
    /// The fake upstream's base URL, the `openai` provider of every replica.
    pub upstream: String,
    /// The models the fake serves (`OPENAI_MODELS`).
    pub models: String,
}

/// How a configuration joins Redis (`None` in [`start`]: the embedded default, no Redis).
pub struct RedisSettings<'a> {
    /// `SLUICE_REDIS_URL`.
    pub url: &'a str,
    /// `SLUICE_REDIS_KEY_PREFIX`: fresh for each configuration, so no configuration sees
    /// another's instances, turns or leases.
    pub prefix: &'a str,
    /// `SLUICE_CLUSTER_LEASE_MS` (`None`: the default).
    pub lease_ms: Option<u64>,
}

/// One replica process.
pub struct Replica {
    /// The process.
    child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    base: String,
    /// Its stderr, shown when it fails to start.
    log: PathBuf,
}

impl Replica {
    /// Absolute URL of `path` on this replica.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The process id, for `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// User + system CPU time the process has used, in seconds (0 once it is gone).
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(self.pid())
    }

    /// SIGKILL, as a crash or a lost machine; returns when it was sent (the process is reaped).
    pub fn kill(&mut self) -> Instant {
        let at = Instant::now();
        let _ = self.child.kill();
        let _ = self.child.wait();
        at
    }

    /// SIGTERM, then waits up to `limit` for the clean exit (it gives its lease up); SIGKILL
    /// after that.
    pub async fn stop(mut self, limit: Duration) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.kill();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User + system CPU time of process `pid`, seconds (fields 14 and 15 of `/proc/PID/stat`, in
/// clock ticks of 1/100 s, Linux's `USER_HZ`).
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

/// Starts `count` replicas named `{name}-r0`, `{name}-r1`, … (one after the other, each
/// serving before the next starts), with Redis when `redis` is given.
pub async fn start(
    shared: &Shared,
    name: &str,
    count: usize,
    redis: Option<&RedisSettings<'_>>,
    client: &reqwest::Client,
) -> Result<Vec<Replica>, String> {
    let mut replicas = Vec::new();
    for n in 0..count {
        let id = format!("{name}-r{n}");
        let replica = start_one(shared, &id, redis)?;
        wait_until_serving(&replica, client).await?;
        replicas.push(replica);
    }
    Ok(replicas)
}

/// Starts one replica with only the environment it needs.
fn start_one(
    shared: &Shared,
    id: &str,
    redis: Option<&RedisSettings<'_>>,
) -> Result<Replica, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let log = shared.data_dir.join(format!("{id}.log"));
    let stderr = File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let mut command = Command::new(&shared.binary);
    command
        .current_dir(&shared.data_dir)
        .env_clear()
        .env("LEPTOS_OUTPUT_NAME", "sluice")
        .env("LEPTOS_SITE_ROOT", &shared.site_root)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_ENV", "PROD")
        .env("SLUICE_DATA_DIR", &shared.data_dir)
        .env("SLUICE_REPLICA_ID", id)
        .env("SLUICE_DETECT_OLLAMA", "false")
        .env("OPENAI_BASE_URL", &shared.upstream)
        .env("OPENAI_MODELS", &shared.models)
        // A load generator is not abuse: the per-user and per-IP limits are off (as in
        // `loadgen`), so no limit check reaches Redis either.
        .env("SLUICE_MESSAGES_PER_MINUTE", "0")
        .env("SLUICE_IP_REQUESTS_PER_MINUTE", "0")
        .env("SLUICE_CONCURRENT_STREAMS", "0")
        .env("SLUICE_PAGE_LOADS_PER_MINUTE", "0")
        // Room for every reader plus the starts being handed over.
        .env("SLUICE_MAX_CONNECTIONS", "4096")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    if let Some(url) = &shared.database_url {
        command.env("SLUICE_DATABASE_URL", url);
    }
    if let Some(redis) = redis {
        command
            .env("SLUICE_REDIS_URL", redis.url)
            .env("SLUICE_REDIS_KEY_PREFIX", redis.prefix);
        if let Some(lease) = redis.lease_ms {
            command.env("SLUICE_CLUSTER_LEASE_MS", lease.to_string());
        }
    }
    let child = command.spawn().map_err(|e| {
        format!(
            "cannot start {}: {e} (build it first: `cargo build --release --no-default-features --features ssr --bin sluice`, or `make build`)",
            shared.binary.display()
        )
    })?;
    Ok(Replica {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    })
}

/// Waits until the replica's API answers (30 s at most).
async fn wait_until_serving(replica: &Replica, client: &reqwest::Client) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answered = client
            .post(replica.url("/api/conversations/list"))
            .json(&serde_json::json!({}))
            .send()
            .await;
        if matches!(&answered, Ok(response) if response.status().is_success()) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "a replica did not serve within 30 s; its log:\n{}",
                read_log(&replica.log)
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A replica's log, for an error message.
fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
