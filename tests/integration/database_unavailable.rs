//! A PostgreSQL database that cannot be reached at start-up (issue 22): the binary logs one
//! clear line per attempt (which database, why, when it tries again; never the password),
//! retries every 2 s without panicking, stops cleanly on SIGTERM while it waits, and serves
//! as soon as the database answers.

use crate::migrate_to_postgres::fresh_database;
use crate::support::server_process::{free_port, local_client};
use crate::support::TempDir;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server binary on PostgreSQL `url`, its log (stdout and stderr: the log lines go to
/// stdout) in `data_dir/server.log`; killed when dropped.
struct Server {
    /// The process.
    child: Child,
    /// Where it listens.
    port: u16,
    /// Its log file.
    log: PathBuf,
}

impl Server {
    /// Starts the binary with only the settings it needs (no provider is reached: the store
    /// opens first).
    fn start(data_dir: &Path, url: &str) -> Server {
        std::fs::create_dir_all(data_dir.join("pkg")).expect("pkg folder");
        let log = data_dir.join("server.log");
        let out = File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_sluice"))
            .current_dir(data_dir)
            .env_clear()
            .env("LEPTOS_OUTPUT_NAME", "sluice")
            .env("LEPTOS_SITE_ROOT", data_dir)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("SLUICE_DATA_DIR", data_dir)
            .env("SLUICE_DETECT_OLLAMA", "false")
            .env("SLUICE_DATABASE_URL", url)
            // Each attempt waits this long for a connection: keeps the test short.
            .env("SLUICE_DB_ACQUIRE_TIMEOUT_MS", "500")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start the sluice binary");
        Server { child, port, log }
    }

    /// Sends SIGTERM and waits up to 10 s for the exit; its status.
    async fn terminate(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("poll") {
                return status;
            }
            assert!(Instant::now() < deadline, "no exit within 10 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines of `server`'s log that say the database is unavailable, waiting up to 30 s for
/// at least `count` of them (each attempt waits for the pool's acquire timeout first).
async fn unavailable_lines(server: &Server, count: usize) -> Vec<String> {
    let log = &server.log;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<String> = text
            .lines()
            .filter(|line| line.contains("is unavailable"))
            .map(str::to_string)
            .collect();
        if lines.len() >= count {
            return lines;
        }
        assert!(
            Instant::now() < deadline,
            "fewer than {count} unavailable lines within 30 s:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn start_up_retries_an_unreachable_database_and_stops_cleanly_on_sigterm() {
    let dir = TempDir::new("db-unreachable");
    let port = free_port();
    let url = format!("postgres://sluice:Wait-secret-9@127.0.0.1:{port}/chat");
    let mut server = Server::start(&dir.path, &url);
    let lines = unavailable_lines(&server, 2).await;
    for line in &lines {
        assert!(
            line.contains(&format!(
                "the database PostgreSQL at 127.0.0.1:{port}/chat (user sluice) is unavailable: "
            )) && line.ends_with("; retrying in 2 s"),
            "{line}"
        );
        assert!(!line.contains("Wait-secret-9"), "{line}");
    }
    assert!(
        server.child.try_wait().expect("poll").is_none(),
        "still waiting"
    );
    let status = server.terminate().await;
    assert!(status.success(), "a clean stop while waiting: {status}");
    let log = std::fs::read_to_string(&server.log).unwrap_or_default();
    assert!(!log.contains("panicked"), "{log}");
    assert!(
        !dir.path.join("sluice.db").exists(),
        "no SQLite file for a PostgreSQL configuration"
    );
}

/// Forwards every connection to `127.0.0.1:listen` on to `target` (a database that comes
/// back, at the address the server was told), until the test ends.
async fn forward(listen: u16, target: String) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", listen))
        .await
        .expect("bind the forwarder");
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
}

#[tokio::test]
async fn the_server_starts_serving_once_the_database_answers() {
    let Some(database) = fresh_database("comes_back").await else {
        return;
    };
    let real = url::Url::parse(&database.url).expect("URL");
    let real_addr = format!(
        "{}:{}",
        real.host_str().expect("host"),
        real.port().unwrap_or(5432)
    );
    let port = free_port();
    let mut via = real.clone();
    via.set_port(Some(port)).expect("port");
    let dir = TempDir::new("db-comes-back");
    let mut server = Server::start(&dir.path, via.as_str());
    unavailable_lines(&server, 1).await;
    forward(port, real_addr).await;
    let client = local_client();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let listed = client
            .post(format!(
                "http://127.0.0.1:{}/api/conversations/list",
                server.port
            ))
            .json(&serde_json::json!({}))
            .send()
            .await;
        if matches!(&listed, Ok(response) if response.status().is_success()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not serving 30 s after the database came back:\n{}",
            std::fs::read_to_string(&server.log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = server.terminate().await;
    assert!(status.success(), "{status}");
    database.drop_now().await;
}
