//! Crash recovery of the real binary: it is started as a child process (the build of this test
//! run: the release binary under `make test-rust`) wired to the in-process fake upstream,
//! streams a stored answer from `openai/fake-slow` (one word per 50 ms), is killed with
//! SIGKILL mid-answer and restarted on the same data directory. The conversation must then hold
//! the user's message intact and the answer marked `interrupted`, whose text is a prefix of what
//! the upstream sent, missing at most what arrived in the last second before the kill.
//! Everything listens on and talks to 127.0.0.1 only.

use crate::support::{start_fake, EventReader, TempDir, FAKE_KEY};
use serde_json::json;
use sluice::conversation::{ConversationSummary, ConversationTree, MessageStatus, Role};
use sluice::events::ChatEvent;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user's message; long enough that a truncated copy would show.
const PROMPT: &str = "Count slowly, please.\nThis message must survive the crash, every byte.";

/// How long the answer streams before the kill.
const STREAM_BEFORE_KILL: Duration = Duration::from_secs(2);

/// What a crash may lose at most (the bound; the flush interval is 250 ms).
const MAX_LOSS: Duration = Duration::from_secs(1);

/// The whole text `fake-slow` streams: "word1 word2 … word2000".
fn fake_slow_text() -> String {
    (1..=2000)
        .map(|n| format!("word{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A free port on 127.0.0.1 (released at once; the server binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port()
}

/// A `sluice` server child process; killed (SIGKILL) and reaped when dropped, so a failing
/// test never leaves it running.
struct ServerProcess {
    /// The process.
    child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    base: String,
    /// Where its stderr goes, shown when it does not start.
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the binary with only the environment it needs: the data directory, the fake
    /// upstream as the OpenAI provider, no Ollama detection, Leptos settings from env vars
    /// (as cargo-leptos would set them; the page assets are not needed for API calls). The
    /// working directory is the data directory, so no stray `sluice.toml` is read.
    fn start(data_dir: &Path, upstream: &str, run: &str) -> ServerProcess {
        let port = free_port();
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
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start the sluice binary");
        ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// Absolute URL of a path.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Waits until the API answers (panics with the server's log if it exits or takes > 30 s).
    async fn wait_until_serving(&mut self, client: &reqwest::Client) {
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

    /// Sends SIGKILL (what `Child::kill` does on Unix) and reaps the process; returns when.
    fn kill(&mut self) -> Instant {
        let killed_at = Instant::now();
        self.child.kill().expect("SIGKILL the server");
        let status = self.child.wait().expect("reap the server");
        assert!(!status.success(), "killed, not exited: {status}");
        killed_at
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that never goes through a proxy.
fn local_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client")
}

/// Loads a conversation from a running server.
async fn load(client: &reqwest::Client, server: &ServerProcess, id: &str) -> ConversationTree {
    let response = client
        .post(server.url("/api/conversations/get"))
        .json(&json!({ "id": id }))
        .send()
        .await
        .expect("get request");
    assert_eq!(response.status(), 200, "conversation {id} not found");
    response.json().await.expect("conversation JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_answer_the_restarted_server_shows_the_partial_answer_interrupted() {
    let fake = start_fake().await;
    let data = TempDir::new("crash");
    let client = local_client();
    let mut server = ServerProcess::start(&data.path, &fake.base_url(), "first");
    server.wait_until_serving(&client).await;

    let response = client
        .post(server.url("/api/chat/stream"))
        .json(&json!({
            "model": "openai/fake-slow",
            "action": {"type": "send", "content": PROMPT},
        }))
        .send()
        .await
        .expect("stream request");
    assert_eq!(response.status(), 200, "send refused");
    let mut reader = EventReader::new(response);
    let ids = match reader.next_event().await {
        Some((
            _,
            ChatEvent::Started {
                stored: Some(stored),
                ..
            },
        )) => stored,
        other => panic!("expected `started` with stored ids, got {other:?}"),
    };

    // Read ~2 s of words, noting when each delta arrived and the text length by then.
    let mut received = String::new();
    let mut arrivals: Vec<(Instant, usize)> = Vec::new();
    while arrivals
        .first()
        .is_none_or(|(first, _)| first.elapsed() < STREAM_BEFORE_KILL)
    {
        match reader.next_event().await {
            Some((_, ChatEvent::Delta { text })) => {
                received.push_str(&text);
                arrivals.push((Instant::now(), received.len()));
            }
            Some((_, event)) if event.is_terminal() => panic!("the answer ended early: {event:?}"),
            Some(_) => {}
            None => panic!("the stream ended before the kill"),
        }
    }
    let killed_at = server.kill();
    drop(reader);

    let upstream = fake_slow_text();
    assert!(
        upstream.starts_with(&received),
        "the relayed text is not the upstream's: {received:?}"
    );
    // Text that arrived more than MAX_LOSS before the kill must all be stored.
    let floor = arrivals
        .iter()
        .take_while(|(at, _)| *at + MAX_LOSS <= killed_at)
        .last()
        .map_or(0, |(_, len)| *len);
    assert!(
        floor > 0,
        "no text arrived in the first second of streaming"
    );

    let mut restarted = ServerProcess::start(&data.path, &fake.base_url(), "second");
    restarted.wait_until_serving(&client).await;
    let tree = load(&client, &restarted, &ids.conversation_id).await;

    assert_eq!(tree.messages.len(), 2, "{:#?}", tree.messages);
    let user = tree
        .messages
        .iter()
        .find(|m| m.id == ids.user_message_id)
        .expect("the user's message is stored");
    assert_eq!(
        (user.role, user.status, user.parent_id.as_deref()),
        (Role::User, MessageStatus::Complete, None)
    );
    assert_eq!(user.content, PROMPT, "the user's message is stored whole");

    let answer = tree
        .messages
        .iter()
        .find(|m| m.id == ids.answer_id)
        .expect("the partial answer is stored");
    assert_eq!(answer.role, Role::Assistant);
    assert_eq!(answer.parent_id.as_deref(), Some(user.id.as_str()));
    assert_eq!(answer.status, MessageStatus::Interrupted);
    assert_eq!(answer.model.as_deref(), Some("openai/fake-slow"));
    // The app stores text before it sends it, so the stored text may include a delta that was
    // still on its way when the kill came; both are prefixes of the upstream's text.
    assert!(
        upstream.starts_with(&answer.content),
        "the stored text is not a prefix of what the upstream sent: {:?}",
        answer.content
    );
    assert!(
        answer.content.len() >= floor,
        "the crash lost more than {MAX_LOSS:?}: stored {} bytes, {floor} had arrived by then \
         ({} received in all)",
        answer.content.len(),
        received.len()
    );

    eprintln!(
        "crash test: {} bytes received before the kill, {floor} by 1 s before it, {} stored",
        received.len(),
        answer.content.len()
    );

    // The sidebar still lists the conversation with its title.
    let list: Vec<ConversationSummary> = client
        .post(restarted.url("/api/conversations/list"))
        .json(&json!({}))
        .send()
        .await
        .expect("list request")
        .json()
        .await
        .expect("list JSON");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, ids.conversation_id);
    assert_eq!(list[0].title, ids.title);
}
