//! Test support: [`TestApp`] serves the real router on an ephemeral port (optionally wired to
//! the fake upstream) and [`EventReader`] reads its SSE answers as typed events. Each app has
//! a database of its own: a SQLite file in a temporary directory, or a fresh PostgreSQL
//! database when the run is on that backend ([`test_database`]).

pub mod chat_script;
pub mod private_postgres;
pub mod replicas;
pub mod server_process;
pub mod shared_fixtures;
mod stored_actions;
pub mod test_database;
pub mod test_redis;
pub mod uploads;
pub use uploads::TestUploads;

use futures::StreamExt;
use sluice::codec::{ItemDecoder, StreamItem};
use sluice::events::ChatEvent;
use sluice::server::{catalog::Catalog, config::Config, state::AppState};
use sluice::store::Store;
use sluice_fake_upstream::{FakeOptions, FakeUpstream, FakeUpstreamHandle};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::oneshot;

/// `pairs` as the environment map [`Config::from_parts`] reads (owned names and values).
pub fn env_map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A running app on 127.0.0.1 with a random port.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Shared state, to inspect live turns.
    pub state: AppState,
    /// HTTP client for requests.
    pub client: reqwest::Client,
    /// Stops the server when sent or dropped.
    shutdown: Option<oneshot::Sender<()>>,
    /// The database's directory, removed on drop.
    _data_dir: TempDir,
}

/// A fresh directory under the system temp dir, removed (with its content) on drop; the
/// PostgreSQL database noted in it (see [`test_database::note_database`]) is dropped later.
pub struct TempDir {
    /// Its path.
    pub path: std::path::PathBuf,
}

impl TempDir {
    /// Creates a unique, empty directory named after `label`.
    pub fn new(label: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("sluice-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(url) = test_database::noted_database(&self.path) {
            test_database::finished_with(&url);
        }
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl TestApp {
    /// Serves the app with the configuration built from `env` (as if they were env vars).
    pub async fn spawn(env: &[(&str, &str)]) -> TestApp {
        TestApp::spawn_with_site_root(env, "target/site").await
    }

    /// [`TestApp::spawn`] serving static files from `site_root` (`target/site` there).
    pub async fn spawn_with_site_root(env: &[(&str, &str)], site_root: &str) -> TestApp {
        // Never pick up a real local Ollama in tests.
        let mut env = env_map(env);
        env.entry("SLUICE_DETECT_OLLAMA".to_string())
            .or_insert_with(|| "false".to_string());
        let data_dir = TempDir::new("app");
        env.entry("SLUICE_DATA_DIR".to_string())
            .or_insert_with(|| data_dir.path.display().to_string());
        // On the PostgreSQL backend, a fresh database unless the test names one itself.
        if !env.contains_key("SLUICE_DATABASE_URL") && !env.contains_key("DATABASE_URL") {
            if let Some(url) = test_database::fresh_postgres_url().await {
                test_database::note_database(&data_dir.path, &url);
                env.insert("SLUICE_DATABASE_URL".to_string(), url);
            }
        }
        let config = Config::from_parts(None, None, &env).expect("config");
        let store = Store::connect(&config.storage.store_options())
            .await
            .expect("open store");
        let catalog = Catalog::build(&config).await.expect("catalog");
        let state = AppState::new(config, catalog, store).expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let options = leptos::prelude::LeptosOptions::builder()
            .output_name("sluice")
            .site_root(site_root)
            .site_addr(addr)
            .build();
        let (tx, rx) = oneshot::channel::<()>();
        let server_state = state.clone();
        tokio::spawn(async move {
            let _ = sluice::server::run(listener, server_state, options, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            addr,
            state,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            _data_dir: data_dir,
        }
    }

    /// Serves the app with a demo model fast enough that answers finish in milliseconds.
    pub async fn fast_demo() -> TestApp {
        TestApp::fast_demo_and(&[]).await
    }

    /// [`TestApp::fast_demo`] with more settings (as if they were env vars).
    pub async fn fast_demo_and(extra: &[(&str, &str)]) -> TestApp {
        let mut env = vec![
            ("SLUICE_DEMO_TTFT_MS", "5"),
            ("SLUICE_DEMO_TOKENS_PER_SECOND", "20000"),
        ];
        env.extend_from_slice(extra);
        TestApp::spawn(&env).await
    }

    /// Serves the app wired to `fake` as its OpenAI-compatible provider.
    pub async fn with_fake(fake: &FakeUpstreamHandle, models: &str) -> TestApp {
        TestApp::with_fake_and(fake, models, &[]).await
    }

    /// [`TestApp::with_fake`] with more settings (as if they were env vars).
    pub async fn with_fake_and(
        fake: &FakeUpstreamHandle,
        models: &str,
        extra: &[(&str, &str)],
    ) -> TestApp {
        let base = fake.base_url();
        let mut env = vec![
            ("OPENAI_BASE_URL", base.as_str()),
            ("OPENAI_API_KEY", FAKE_KEY),
            ("OPENAI_MODELS", models),
            ("SLUICE_DEMO_TTFT_MS", "50"),
            ("SLUICE_DEMO_TOKENS_PER_SECOND", "2000"),
        ];
        env.extend_from_slice(extra);
        TestApp::spawn(&env).await
    }

    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// POSTs a chat request to the streaming endpoint.
    pub async fn stream_chat(&self, model: &str, prompt: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/chat/stream"))
            .json(&serde_json::json!({
                "model": model,
                "messages": [{ "role": "user", "content": prompt }],
            }))
            .send()
            .await
            .expect("request")
    }

    /// POSTs `body` as JSON to the API path `path` (e.g. `/api/conversations/get`).
    pub async fn api(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("api request")
    }

    /// Starts a stored turn (`action` as JSON) in `conversation` (`None`: a new one).
    pub async fn stored_turn(
        &self,
        conversation: Option<&str>,
        action: serde_json::Value,
    ) -> reqwest::Response {
        let mut body = serde_json::json!({ "action": action });
        if let Some(id) = conversation {
            body["conversation_id"] = id.into();
        }
        self.api("/api/chat/stream", body).await
    }

    /// Sends `content` under `parent` and reads the whole answer; returns the events.
    pub async fn send_and_finish(
        &self,
        conversation: Option<&str>,
        parent: Option<&str>,
        content: &str,
    ) -> Vec<(u64, ChatEvent)> {
        let response = self
            .stored_turn(
                conversation,
                serde_json::json!({"type": "send", "parent_id": parent, "content": content}),
            )
            .await;
        assert_eq!(response.status(), 200, "send refused");
        EventReader::new(response).collect().await
    }

    /// Starts a new stored conversation with `content` answered by `model`; returns the
    /// response (still streaming).
    pub async fn start_new_chat(&self, model: &str, content: &str) -> reqwest::Response {
        self.api(
            "/api/chat/stream",
            serde_json::json!({"model": model, "action": {"type": "send", "content": content}}),
        )
        .await
    }

    /// The sidebar's conversation list through the API, newest activity first.
    pub async fn conversation_list(&self) -> Vec<sluice::conversation::ConversationSummary> {
        self.api("/api/conversations/list", serde_json::json!({}))
            .await
            .json()
            .await
            .expect("list")
    }

    /// Loads a stored conversation through the API (panics unless found).
    pub async fn conversation(&self, id: &str) -> sluice::conversation::ConversationTree {
        let response = self
            .api("/api/conversations/get", serde_json::json!({ "id": id }))
            .await;
        assert_eq!(response.status(), 200, "conversation {id} not found");
        response.json().await.expect("conversation JSON")
    }

    /// POSTs to the stop endpoint.
    pub async fn stop(&self, turn_id: &str) -> bool {
        let response = self
            .client
            .post(self.url("/api/chat/stop"))
            .json(&serde_json::json!({ "turn_id": turn_id }))
            .send()
            .await
            .expect("stop request");
        assert!(
            response.status().is_success(),
            "stop failed: {}",
            response.status()
        );
        response.json().await.expect("stop answer")
    }
}

/// The sentence of a server function's error body (the `ApiError` JSON
/// `{"kind": …, "message": …}`); panics on any other body.
pub fn error_message(body: &str) -> String {
    serde_json::from_str::<sluice::api_error::ApiError>(body)
        .unwrap_or_else(|e| panic!("not an ApiError body ({e}): {body:?}"))
        .message
}

/// Requests on behalf of a browser holding a session cookie (or none).
impl TestApp {
    /// POSTs `body` to `path` with the session cookie `token` (`None`: no cookie).
    pub async fn api_as(
        &self,
        token: Option<&str>,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.header("cookie", format!("sluice_session={token}"));
        }
        request.send().await.expect("api request")
    }

    /// GETs `path` with the session cookie `token`, not following redirects.
    pub async fn get_as(&self, token: Option<&str>, path: &str) -> reqwest::Response {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let mut request = client.get(self.url(path));
        if let Some(token) = token {
            request = request.header("cookie", format!("sluice_session={token}"));
        }
        request.send().await.expect("get request")
    }

    /// Signs up `name` and returns the response (status not checked). Presents the server's
    /// set-up token, which the first sign-up needs and later ones ignore.
    pub async fn sign_up(&self, name: &str, password: &str) -> reqwest::Response {
        self.api_as(
            None,
            "/api/auth/sign_up",
            serde_json::json!({
                "name": name,
                "password": password,
                "setup_token": self.setup_token(),
            }),
        )
        .await
    }

    /// The set-up token this server's first sign-up must present.
    pub fn setup_token(&self) -> String {
        self.state
            .admin_setup
            .token()
            .expect("a set-up token")
            .to_string()
    }

    /// Signs in `name` and returns the response (status not checked).
    pub async fn sign_in(&self, name: &str, password: &str) -> reqwest::Response {
        self.api_as(
            None,
            "/api/auth/sign_in",
            serde_json::json!({ "name": name, "password": password }),
        )
        .await
    }

    /// Signs up `name` (must be active at once) and returns the session token.
    pub async fn signed_up(&self, name: &str, password: &str) -> String {
        let response = self.sign_up(name, password).await;
        assert_eq!(response.status(), 200, "sign-up of {name} refused");
        session_token(&response).expect("sign-up sets a session cookie")
    }

    /// Signs in `name` (must succeed) and returns the session token.
    pub async fn signed_in(&self, name: &str, password: &str) -> String {
        let response = self.sign_in(name, password).await;
        let status = response.status();
        let token = session_token(&response);
        if status != 200 {
            let text = response.text().await.unwrap_or_default();
            panic!("sign-in of {name} refused: {status} {text}");
        }
        token.expect("sign-in sets a session cookie")
    }

    /// As `token`, sends `content` in a new conversation and reads the whole answer.
    pub async fn send_as(&self, token: &str, content: &str) -> Vec<(u64, ChatEvent)> {
        let response = self
            .api_as(
                Some(token),
                "/api/chat/stream",
                serde_json::json!({
                    "action": {"type": "send", "parent_id": null, "content": content},
                }),
            )
            .await;
        assert_eq!(response.status(), 200, "send refused");
        EventReader::new(response).collect().await
    }
}

/// A response header's value as text (`None` when missing or not visible ASCII).
pub fn header_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The session token a response's `Set-Cookie` starts (`None` when it sets none or clears it).
pub fn session_token(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            v.strip_prefix("sluice_session=")
                .or_else(|| v.strip_prefix("__Host-sluice_session="))
        })
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .find(|token| !token.is_empty())
}

/// The full `Set-Cookie` value of the session cookie in a response, if any.
pub fn set_cookie_header(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sluice_session=") || v.starts_with("__Host-sluice_session="))
        .map(str::to_string)
}

/// Environment for an app with local accounts (and a fast demo model).
pub const LOCAL_AUTH: [(&str, &str); 3] = [
    ("SLUICE_AUTH", "local"),
    ("SLUICE_DEMO_TTFT_MS", "5"),
    ("SLUICE_DEMO_TOKENS_PER_SECOND", "5000"),
];

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The key the fake upstream requires in tests.
pub const FAKE_KEY: &str = "sk-test-secret-key-0123456789";

/// Starts the fake upstream on 127.0.0.1 with a random port.
pub async fn start_fake() -> FakeUpstreamHandle {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind fake");
    FakeUpstream::start(
        listener,
        FakeOptions {
            required_api_key: Some(FAKE_KEY.to_string()),
            fixtures_dir: None,
            seed: 7,
        },
    )
    .await
}

/// Reads typed events from an SSE response body.
pub struct EventReader {
    /// The body.
    body: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    /// Typed decoder.
    decoder: ItemDecoder,
    /// Decoded, not yet returned.
    ready: VecDeque<StreamItem>,
    /// Keep-alives seen.
    pub keepalives: usize,
}

impl EventReader {
    /// Wraps a response.
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            body: Box::pin(response.bytes_stream()),
            decoder: ItemDecoder::default(),
            ready: VecDeque::new(),
            keepalives: 0,
        }
    }

    /// Next event (skipping keep-alives), `None` at end of body; panics after 10 s of nothing.
    pub async fn next_event(&mut self) -> Option<(u64, ChatEvent)> {
        loop {
            while let Some(item) = self.ready.pop_front() {
                match item {
                    StreamItem::Event { seq, event } => return Some((seq, event)),
                    StreamItem::KeepAlive => self.keepalives += 1,
                }
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.body.next())
                .await
                .expect("no SSE data for 10 s");
            match chunk {
                Some(Ok(bytes)) => {
                    for item in self.decoder.push(&bytes) {
                        self.ready.push_back(item.expect("well-formed event"));
                    }
                }
                Some(Err(error)) => panic!("body error: {error}"),
                None => {
                    for item in self.decoder.finish() {
                        self.ready.push_back(item.expect("well-formed event"));
                    }
                    if self.ready.is_empty() {
                        return None;
                    }
                }
            }
        }
    }

    /// Reads everything to the end.
    pub async fn collect(mut self) -> Vec<(u64, ChatEvent)> {
        let mut events = Vec::new();
        while let Some(event) = self.next_event().await {
            events.push(event);
        }
        events
    }
}

/// The stored ids a turn's `started` event carries.
pub fn stored_ids(events: &[(u64, ChatEvent)]) -> sluice::events::StoredTurn {
    match events.first() {
        Some((
            _,
            ChatEvent::Started {
                stored: Some(stored),
                ..
            },
        )) => stored.clone(),
        other => panic!("no stored ids in the first event: {other:?}"),
    }
}

/// Concatenated delta text of a list of events.
pub fn text_of(events: &[(u64, ChatEvent)]) -> String {
    events
        .iter()
        .filter_map(|(_, e)| match e {
            ChatEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Decodes a whole SSE body already read as text.
pub fn decode_text(raw: &str) -> Vec<(u64, ChatEvent)> {
    let mut decoder = ItemDecoder::default();
    let mut items = decoder.push(raw.as_bytes());
    items.extend(decoder.finish());
    items
        .into_iter()
        .filter_map(|item| match item.expect("well-formed event") {
            StreamItem::Event { seq, event } => Some((seq, event)),
            StreamItem::KeepAlive => None,
        })
        .collect()
}

/// The shared provider fixtures folder, or `None` (after saying so) when it is absent outside
/// CI (see [`shared_fixtures::shared_path`]).
pub fn fixtures_dir() -> Option<std::path::PathBuf> {
    shared_fixtures::shared_path("fixtures/provider-streams", "provider fixtures")
}
