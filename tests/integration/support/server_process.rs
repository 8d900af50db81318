//! A `sluice` server binary run as a child process (the build of this test run), for tests
//! that need a real process: crash recovery (SIGKILL) and graceful shutdown (SIGTERM). Its
//! data directory stands for its database on either backend: on PostgreSQL the first start
//! in a directory creates a fresh database and notes its URL there, so that a restart on the
//! same directory finds the same rows, as it finds the same `sluice.db` on SQLite.

use super::test_database::{fresh_postgres_url, note_database, noted_database};
use super::FAKE_KEY;
use serde_json::json;
use sluice::conversation::ConversationTree;
use sluice::store::{Store, StoreOptions};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1 (released at once; the server binds it right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port()
}

/// A `sluice` server child process; killed (SIGKILL) and reaped when dropped, so a failing
/// test never leaves it running.
pub struct ServerProcess {
    /// The process.
    pub child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    base: String,
    /// Where its log (stdout and stderr) goes, shown when it does not start.
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the binary with only the environment it needs: the data directory, the fake
    /// upstream as the OpenAI provider, no Ollama detection, Leptos settings from env vars
    /// (as cargo-leptos would set them; the page assets are not needed for API calls). The
    /// working directory is the data directory, so no stray `sluice.toml` is read.
    pub async fn start(data_dir: &Path, upstream: &str, run: &str) -> ServerProcess {
        ServerProcess::start_with(data_dir, upstream, run, &[]).await
    }

    /// [`ServerProcess::start`] with more environment variables.
    pub async fn start_with(
        data_dir: &Path,
        upstream: &str,
        run: &str,
        extra: &[(&str, &str)],
    ) -> ServerProcess {
        let port = free_port();
        // An empty `pkg/` makes the data directory a site root: start-up refuses a root
        // without one, and these tests use only the API (a clean checkout has no build yet).
        std::fs::create_dir_all(data_dir.join("pkg")).expect("pkg folder");
        let database = database_url_of(data_dir).await;
        let log = data_dir.join(format!("server-{run}.log"));
        let stderr = File::create(&log).expect("server log file");
        let child = Command::new(env!("CARGO_BIN_EXE_sluice"))
            .current_dir(data_dir)
            .env_clear()
            .env("LEPTOS_OUTPUT_NAME", "sluice")
            .env("LEPTOS_SITE_ROOT", data_dir)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_ENV", "PROD")
            .env("SLUICE_DATA_DIR", data_dir)
            .env("SLUICE_DETECT_OLLAMA", "false")
            .env("OPENAI_BASE_URL", upstream)
            .env("OPENAI_API_KEY", FAKE_KEY)
            .env("OPENAI_MODELS", "fake-slow")
            .env("RUST_LOG", "warn")
            .envs(database.as_deref().map(|url| ("SLUICE_DATABASE_URL", url)))
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stdout(
                stderr
                    .try_clone()
                    .map_or_else(|_| Stdio::null(), Stdio::from),
            )
            .stderr(stderr)
            .spawn()
            .expect("start the sluice binary");
        ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// The file its log (stdout and stderr) goes to.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Waits until the API answers (panics with the server's log if it exits or takes > 30 s).
    pub async fn wait_until_serving(&mut self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the server exited ({status}) at start-up:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            let answered = client
                .post(self.url("/api/conversations/list"))
                .json(&json!({}))
                .send()
                .await;
            if matches!(&answered, Ok(response) if response.status().is_success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not serve within 30 s:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM (a service manager stopping the server).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits (up to `limit`) for the process to exit by itself; its exit status.
    pub async fn wait_for_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the server") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {limit:?}:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGKILL (what `Child::kill` does on Unix) and reaps the process; returns when.
    pub fn kill(&mut self) -> Instant {
        let killed_at = Instant::now();
        self.child.kill().expect("SIGKILL the server");
        let status = self.child.wait().expect("reap the server");
        assert!(!status.success(), "killed, not exited: {status}");
        killed_at
    }
}

/// The PostgreSQL database of the servers (and `sluice admin` commands) run in `data_dir`
/// (`None` on SQLite, whose file lives in the directory itself): created at the first call,
/// then read from the directory.
pub async fn database_url_of(data_dir: &Path) -> Option<String> {
    if let Some(url) = noted_database(data_dir) {
        return Some(url);
    }
    let url = fresh_postgres_url().await?;
    note_database(data_dir, &url);
    Some(url)
}

/// The store the servers run in `data_dir` use, opened by the test itself.
pub async fn store_of(data_dir: &Path) -> Store {
    match database_url_of(data_dir).await {
        Some(url) => Store::connect(&StoreOptions::postgres(url)).await,
        None => Store::open(&data_dir.join("sluice.db")).await,
    }
    .expect("open the database")
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that never goes through a proxy.
pub fn local_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client")
}

/// Loads a conversation from a running server.
pub async fn load(client: &reqwest::Client, server: &ServerProcess, id: &str) -> ConversationTree {
    let response = client
        .post(server.url("/api/conversations/get"))
        .json(&json!({ "id": id }))
        .send()
        .await
        .expect("get request");
    assert_eq!(response.status(), 200, "conversation {id} not found");
    response.json().await.expect("conversation JSON")
}
