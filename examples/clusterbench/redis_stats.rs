//! What Redis did during a phase of `clusterbench`: one `INFO` before and one after (the
//! sections `stats`, `cpu` and `commandstats`), and their difference — commands processed,
//! the calls of each command, and the server's CPU time. The `INFO` that takes the "before"
//! snapshot is counted in the "after" one; it is subtracted, so the figures are the replicas'
//! commands only.

use std::collections::BTreeMap;

/// One `INFO` snapshot.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// `total_commands_processed`.
    commands: u64,
    /// `used_cpu_sys + used_cpu_user`, seconds.
    cpu_seconds: f64,
    /// Calls per command (`cmdstat_xadd:calls=…`), by lower-case name.
    calls: BTreeMap<String, u64>,
}

/// What Redis did between two snapshots.
#[derive(Clone, Debug, Default)]
pub struct Delta {
    /// Commands processed (the benchmark's own `INFO` excluded).
    pub commands: u64,
    /// CPU time of the Redis server, seconds.
    pub cpu_seconds: f64,
    /// Calls per command, most called first (`INFO` excluded).
    pub calls: Vec<(String, u64)>,
}

/// A connection to the Redis the replicas use, for `INFO`.
pub struct Probe {
    /// Multiplexed connection (no blocking commands are sent on it).
    connection: redis::aio::MultiplexedConnection,
}

impl Probe {
    /// Connects to `url`.
    pub async fn connect(url: &str) -> Result<Probe, String> {
        let client = redis::Client::open(url).map_err(|e| format!("bad Redis URL: {e}"))?;
        let connection = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| format!("cannot connect to Redis at {url}: {e}"))?;
        Ok(Probe { connection })
    }

    /// The server's version, for the report.
    pub async fn version(&mut self) -> Result<String, String> {
        let info = self.info("server").await?;
        Ok(field(&info, "redis_version").unwrap_or("?").to_string())
    }

    /// A snapshot of the counters.
    pub async fn snapshot(&mut self) -> Result<Snapshot, String> {
        let info = self
            .info_sections(&["stats", "cpu", "commandstats"])
            .await?;
        let number = |name: &str| field(&info, name).and_then(|v| v.parse::<f64>().ok());
        let mut calls = BTreeMap::new();
        for line in info.lines() {
            let Some((name, rest)) = line
                .strip_prefix("cmdstat_")
                .and_then(|l| l.split_once(':'))
            else {
                continue;
            };
            let count = rest
                .split(',')
                .find_map(|pair| pair.strip_prefix("calls="))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            calls.insert(name.to_lowercase(), count);
        }
        Ok(Snapshot {
            commands: number("total_commands_processed").unwrap_or(0.0) as u64,
            cpu_seconds: number("used_cpu_sys").unwrap_or(0.0)
                + number("used_cpu_user").unwrap_or(0.0),
            calls,
        })
    }

    /// `INFO section`.
    async fn info(&mut self, section: &str) -> Result<String, String> {
        self.info_sections(&[section]).await
    }

    /// `INFO` with several sections (Redis 7).
    async fn info_sections(&mut self, sections: &[&str]) -> Result<String, String> {
        redis::cmd("INFO")
            .arg(sections)
            .query_async::<String>(&mut self.connection)
            .await
            .map_err(|e| format!("Redis INFO failed: {e}"))
    }
}

impl Snapshot {
    /// What happened from `before` to `self`, without the one `INFO` that took `before`.
    pub fn since(&self, before: &Snapshot) -> Delta {
        let mut calls: Vec<(String, u64)> = self
            .calls
            .iter()
            .filter(|(name, _)| name.as_str() != "info")
            .map(|(name, &after)| {
                let was = before.calls.get(name).copied().unwrap_or(0);
                (name.clone(), after.saturating_sub(was))
            })
            .filter(|(_, count)| *count > 0)
            .collect();
        calls.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Delta {
            commands: self
                .commands
                .saturating_sub(before.commands)
                .saturating_sub(1),
            cpu_seconds: self.cpu_seconds - before.cpu_seconds,
            calls,
        }
    }
}

/// The value of `name:value` in an `INFO` answer.
fn field<'a>(info: &'a str, name: &str) -> Option<&'a str> {
    info.lines().find_map(|line| {
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
    })
}
