//! `make bench`, storage part: database writes per streaming answer, and the time to open a
//! long conversation, measured through the real pipeline on each backend (SQLite, then a fresh
//! PostgreSQL database on the server `SLUICE_TEST_DATABASE_URL` names).
//!
//! The app runs in this process (the same router, catalog and store as the binary, on a
//! loopback port) with the fake upstream as its OpenAI provider. For each token rate the fake
//! streams one answer for a few seconds (one token every `1/rate` s, exact text checked) into
//! a stored conversation over `POST /api/chat/stream`. A second connection to the same
//! database installs triggers (SQLite triggers; on PostgreSQL a plpgsql trigger function)
//! that log every INSERT and UPDATE of a message row with its time, so the writes the app
//! really made to that answer row are counted with no change to the production code. Then a
//! conversation of 500 user/assistant pairs is inserted through the store API and
//! `POST /api/conversations/get` and `GET /c/{id}` are timed over HTTP (whole body read).
//! Results are written as the `storebench` section of the output file (other sections kept).

#[path = "bench_support/backend.rs"]
mod backend;
mod bench_support;
#[path = "bench_support/openai_script.rs"]
mod openai_script;
#[path = "bench_support/server.rs"]
mod server;

use backend::{postgres_settings, Backend, PgDatabase};
use bench_support::{machine, percentile, write_section};
use futures::StreamExt;
use openai_script::{token, token_script};
use server::{load_average, start_app, App, DataDir, Direct};
use sluice::codec::{ItemDecoder, StreamItem};
use sluice::events::ChatEvent;
use sluice::ids::{ConversationId, MessageId};
use sluice::store::{AnswerEnd, AnswerStats, AnswerWriter, Store, UserId};
use sluice_fake_upstream::{FakeOptions, FakeUpstream, FakeUpstreamHandle};
use std::time::{Duration, Instant};

/// Delay before the first token in the scripts.
const TTFT: Duration = Duration::from_millis(50);

/// The counting table and triggers on SQLite, created on the benchmark's own connection. Times
/// are unix milliseconds with a fractional part (`julianday` has sub-millisecond resolution).
const SQLITE_COUNTING_SQL: &str = "
    CREATE TABLE bench_writes (message_id TEXT NOT NULL, kind TEXT NOT NULL, at_ms REAL NOT NULL);
    CREATE TRIGGER bench_count_inserts AFTER INSERT ON messages BEGIN
        INSERT INTO bench_writes VALUES
            (NEW.id, 'insert', (julianday('now') - 2440587.5) * 86400000.0);
    END;
    CREATE TRIGGER bench_count_updates AFTER UPDATE ON messages BEGIN
        INSERT INTO bench_writes VALUES
            (NEW.id, 'update', (julianday('now') - 2440587.5) * 86400000.0);
    END;";

/// The same on PostgreSQL: one plpgsql function logs each row's INSERT or UPDATE with the
/// time it ran (`clock_timestamp()`, not the transaction's start), unix milliseconds.
const POSTGRES_COUNTING_SQL: &str = "
    CREATE TABLE bench_writes (message_id TEXT NOT NULL, kind TEXT NOT NULL,
                               at_ms DOUBLE PRECISION NOT NULL);
    CREATE FUNCTION bench_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO bench_writes VALUES
            (NEW.id, lower(TG_OP), extract(epoch FROM clock_timestamp()) * 1000.0);
        RETURN NULL;
    END $$;
    CREATE TRIGGER bench_count_writes AFTER INSERT OR UPDATE ON messages
        FOR EACH ROW EXECUTE FUNCTION bench_count_write();";

/// The writes logged for one message: update times, ms, in order.
const LOGGED_UPDATES: &str =
    "SELECT at_ms FROM bench_writes WHERE message_id = $1 AND kind = 'update' ORDER BY at_ms";

/// The stored status and text of one message.
const STORED_ANSWER: &str = "SELECT status, content FROM messages WHERE id = $1";

/// Settings from the command line.
struct Options {
    /// Token rates to stream at, tokens per second.
    rates: Vec<u32>,
    /// How long each answer streams.
    seconds: u32,
    /// Messages in the long conversation (user/assistant pairs, so even).
    messages: usize,
    /// Timed loads of the long conversation.
    runs: usize,
    /// Backends to measure, in order.
    backends: Vec<Backend>,
    /// Markdown file to write.
    out: String,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        backends: vec![Backend::Sqlite, Backend::Postgres],
        rates: vec![10, 100, 1000],
        seconds: 5,
        messages: 1000,
        runs: 100,
        out: "BENCHMARKS.md".into(),
    };
    for (name, value) in bench_support::option_pairs()? {
        match name.as_str() {
            "--rates" => options.rates = bench_support::number_list(&value, "rate")?,
            "--seconds" => options.seconds = value.parse().map_err(|_| "bad --seconds")?,
            "--messages" => options.messages = value.parse().map_err(|_| "bad --messages")?,
            "--runs" => options.runs = value.parse().map_err(|_| "bad --runs")?,
            "--backends" => options.backends = Backend::parse_list(&value)?,
            "--out" => options.out = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.rates.contains(&0) || options.seconds == 0 || options.runs == 0 {
        return Err("rates, --seconds and --runs must be positive".into());
    }
    Ok(options)
}

/// What one streamed answer measured.
struct RateRow {
    /// Tokens per second.
    rate: u32,
    /// Tokens streamed.
    tokens: usize,
    /// Request start to the `done` event, seconds.
    seconds: f64,
    /// UPDATEs of the answer row (batched text flushes + the final write).
    updates: usize,
    /// Most UPDATEs of that row within any 1 s window.
    peak_per_second: usize,
    /// Whether the stored answer is complete with exactly the streamed text.
    stored_ok: bool,
}

/// Streams one stored answer from `model` and counts the writes to its row (through
/// `counter`, the benchmark's connection with the counting triggers).
async fn measure_rate(
    app: &App,
    counter: &mut Direct,
    client: &reqwest::Client,
    rate: u32,
    tokens: usize,
) -> Result<RateRow, String> {
    let start = Instant::now();
    let response = client
        .post(app.url("/api/chat/stream"))
        .json(&serde_json::json!({
            "model": format!("openai/rate-{rate}"),
            "action": {"type": "send", "content": format!("Stream at {rate} tokens/s")},
        }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("stream refused: HTTP {}", response.status()));
    }
    let mut body = response.bytes_stream();
    let mut decoder = ItemDecoder::default();
    let mut answer_id = None;
    let mut text = String::new();
    let mut done = false;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| format!("body error: {e}"))?;
        for item in decoder.push(&chunk) {
            match item.map_err(|e| format!("bad event: {e:?}"))? {
                StreamItem::Event {
                    event: ChatEvent::Started { stored, .. },
                    ..
                } => answer_id = stored.map(|s| s.answer_id),
                StreamItem::Event {
                    event: ChatEvent::Delta { text: delta },
                    ..
                } => text.push_str(&delta),
                StreamItem::Event {
                    event: ChatEvent::Done(_),
                    ..
                } => done = true,
                StreamItem::Event {
                    event: ChatEvent::Error { message },
                    ..
                } => return Err(format!("the answer failed: {message}")),
                _ => {}
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let answer_id = answer_id.ok_or("no stored answer id")?;
    if !done {
        return Err("the answer did not finish".into());
    }
    let expected: String = (0..tokens).map(token).collect();
    if text != expected {
        return Err(format!(
            "rate {rate}: the streamed text is not the script's"
        ));
    }
    let (times, (status, content)) = logged_writes(counter, answer_id.as_str()).await?;
    let peak_per_second = times
        .iter()
        .enumerate()
        .map(|(i, t)| times[i..].iter().take_while(|u| **u < t + 1000.0).count())
        .max()
        .unwrap_or(0);
    Ok(RateRow {
        rate,
        tokens,
        seconds,
        updates: times.len(),
        peak_per_second,
        stored_ok: status == "complete" && content == expected,
    })
}

/// The logged update times of answer `id` and its stored status and text.
async fn logged_writes(
    counter: &mut Direct,
    id: &str,
) -> Result<(Vec<f64>, (String, String)), String> {
    let err = |e: sqlx::Error| e.to_string();
    match counter {
        Direct::Sqlite(conn) => Ok((
            sqlx::query_scalar(LOGGED_UPDATES)
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(err)?,
            sqlx::query_as(STORED_ANSWER)
                .bind(id)
                .fetch_one(&mut *conn)
                .await
                .map_err(err)?,
        )),
        Direct::Postgres(conn) => Ok((
            sqlx::query_scalar(LOGGED_UPDATES)
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(err)?,
            sqlx::query_as(STORED_ANSWER)
                .bind(id)
                .fetch_one(&mut *conn)
                .await
                .map_err(err)?,
        )),
    }
}

/// A user message of about 300 bytes.
fn user_text(n: usize) -> String {
    format!(
        "Question {n}: could you explain, with a short example, how the borrow checker decides \
         that two mutable references to the same vector cannot coexist, and what the usual ways \
         around it are when a loop needs to read one element while it changes another one?"
    )
}

/// An assistant answer of about 2 KB of Markdown.
fn answer_text(n: usize) -> String {
    let paragraph = "The borrow checker tracks, for every reference, the region of code where \
                     it is live. Two live mutable borrows of the same place overlap, so the \
                     second one is refused; splitting the slice with `split_at_mut` gives two \
                     disjoint borrows instead. ";
    format!(
        "## Answer {n}\n\n{}\n\n```rust\nlet (left, right) = v.split_at_mut(i);\nright[0] += left[0];\n```\n\n{}",
        paragraph.repeat(4),
        paragraph.repeat(3)
    )
}

/// Inserts a conversation of `messages` messages (alternating user/assistant, one branch)
/// through the store API; returns its id.
async fn insert_long_conversation(
    store: &Store,
    messages: usize,
) -> Result<ConversationId, String> {
    let user = UserId::LOCAL;
    let err = |e: sluice::store::StoreError| e.to_string();
    let conversation = store
        .create_conversation(user, "A long conversation", Some("openai/rate-10"), None)
        .await
        .map_err(err)?;
    let mut parent: Option<MessageId> = None;
    for n in 0..messages / 2 {
        let question = store
            .add_user_message(user, &conversation.id, parent.as_ref(), &user_text(n))
            .await
            .map_err(err)?;
        let answer = store
            .start_answer(user, &conversation.id, &question.id, "openai/rate-10")
            .await
            .map_err(err)?;
        let mut writer = AnswerWriter::new(store.clone(), user, &answer, Instant::now());
        writer.push(&answer_text(n));
        let stats = AnswerStats {
            input_tokens: Some(80),
            output_tokens: Some(450),
            reasoning_tokens: None,
            ttft_ms: Some(300),
            tokens_per_second: Some(60.0),
            finish_reason: Some("stop".to_string()),
        };
        writer
            .finish(AnswerEnd::Complete, &stats)
            .await
            .map_err(err)?;
        parent = Some(answer.id);
    }
    Ok(conversation.id)
}

/// What loading the long conversation measured.
struct OpenRow {
    /// Messages in the loaded tree.
    messages: usize,
    /// Response body size, bytes.
    bytes: usize,
    /// Sorted load times, ms.
    times_ms: Vec<f64>,
}

/// Times `runs` loads (after one warm-up) of conversation `id` over HTTP.
async fn measure_open(
    app: &App,
    client: &reqwest::Client,
    id: &str,
    runs: usize,
) -> Result<OpenRow, String> {
    let url = app.url("/api/conversations/get");
    let mut times_ms = Vec::new();
    let mut last = bytes::Bytes::new();
    for run in 0..=runs {
        let start = Instant::now();
        let response = client
            .post(&url)
            .json(&serde_json::json!({ "id": id }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("load refused: HTTP {}", response.status()));
        }
        last = response.bytes().await.map_err(|e| e.to_string())?;
        if run > 0 {
            times_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times_ms.sort_by(f64::total_cmp);
    let tree: sluice::conversation::ConversationTree =
        serde_json::from_slice(&last).map_err(|e| format!("bad conversation JSON: {e}"))?;
    Ok(OpenRow {
        messages: tree.messages.len(),
        bytes: last.len(),
        times_ms,
    })
}

/// Times `runs` server renders (after one warm-up) of the page `/c/{id}`: what a reader waits
/// for when opening or reloading the conversation (HTML with every message's Markdown).
async fn measure_page(
    app: &App,
    client: &reqwest::Client,
    id: &str,
    runs: usize,
) -> Result<OpenRow, String> {
    let url = app.url(&format!("/c/{id}"));
    let mut times_ms = Vec::new();
    let mut last = String::new();
    for run in 0..=runs {
        let start = Instant::now();
        let response = client.get(&url).send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("page refused: HTTP {}", response.status()));
        }
        last = response.text().await.map_err(|e| e.to_string())?;
        if run > 0 {
            times_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times_ms.sort_by(f64::total_cmp);
    Ok(OpenRow {
        messages: last.matches("<article").count(),
        bytes: last.len(),
        times_ms,
    })
}

/// What one backend measured.
struct BackendRun {
    /// Which backend.
    backend: Backend,
    /// How its database was set up, for the report.
    setup: String,
    /// The app's flush interval, ms.
    flush_ms: u128,
    /// One row per token rate.
    rates: Vec<RateRow>,
    /// `POST /api/conversations/get` of the long conversation.
    open: OpenRow,
    /// `GET /c/{id}` of the long conversation.
    page: OpenRow,
}

/// The section's Markdown.
fn report(options: &Options, load: &str, runs: &[BackendRun]) -> String {
    let mut out = String::new();
    out.push_str("## Storage (`examples/storebench.rs`)\n\n");
    out.push_str("Written by `make bench` (`SLUICE_PG_FSYNC=on bash tools/with-postgres.sh cargo run --release --no-default-features --features ssr --example storebench -- --out BENCHMARKS.md`).\n\n");
    out.push_str(&format!(
        "- Machine: {}, 1-min load average {load} at the start; the database server, the app and the benchmark share its cores\n- App in-process (real router, store and OpenAI adapter), pool of {} connections (default), flush interval {} ms (default); fake upstream on loopback, first token after {} ms\n",
        machine(),
        sluice::store::DEFAULT_MAX_CONNECTIONS,
        runs.first().map_or(0, |run| run.flush_ms),
        TTFT.as_millis()
    ));
    for run in runs {
        out.push_str(&format!("- {}: {}\n", run.backend.name(), run.setup));
    }
    out.push_str("\n### Database writes per streaming answer\n\n");
    out.push_str(&format!(
        "One stored answer per rate and backend, {} s of tokens, sent with `POST /api/chat/stream`. Writes = UPDATEs of the answer row counted by a trigger on the benchmark's own connection (SQLite: `AFTER UPDATE` triggers; PostgreSQL: a plpgsql trigger function logging `clock_timestamp()`): batched text flushes + the final status write; the row's one INSERT is not counted. Writes/s = writes ÷ answer time (request to `done`). The final write is not held back by the flush interval, so one 1 s window can hold four flushes and the final write. Goal: at most ~4 writes/s per answer whatever the rate.\n\n",
        options.seconds
    ));
    out.push_str("| backend | tokens/s | tokens | answer time s | **writes** | **writes/s** | most writes in any 1 s | stored complete and exact |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|:---:|\n");
    for &rate in &options.rates {
        for run in runs {
            let Some(row) = run.rates.iter().find(|row| row.rate == rate) else {
                continue;
            };
            out.push_str(&format!(
                "| {} | {} | {} | {:.2} | **{}** | **{:.2}** | {} | {} |\n",
                run.backend.name(),
                row.rate,
                row.tokens,
                row.seconds,
                row.updates,
                row.updates as f64 / row.seconds,
                row.peak_per_second,
                if row.stored_ok { "yes" } else { "**no**" },
            ));
        }
    }
    out.push_str("\n### Opening a long conversation\n\n");
    out.push_str(&format!(
        "{} messages ({} user/assistant pairs, ~300 B questions, ~2 KB Markdown answers) inserted through the store API; `POST /api/conversations/get` over loopback HTTP, whole body read, {} runs after one warm-up.\n\n",
        options.messages,
        options.messages / 2,
        options.runs
    ));
    out.push_str(&format!(
        "The page rows are `GET /c/{{id}}`: the server renders every message's Markdown into the HTML (what a reader waits for on open or reload), {} runs after one warm-up.\n\n",
        options.runs.div_ceil(5)
    ));
    out.push_str(
        "| request | backend | messages returned | response size | p50 ms | p99 ms | max ms |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---:|\n");
    for (label, page) in [
        ("`POST /api/conversations/get` (JSON)", false),
        ("`GET /c/{id}` (server-rendered page)", true),
    ] {
        for run in runs {
            let row = if page { &run.page } else { &run.open };
            out.push_str(&format!(
                "| {label} | {} | {} | {:.0} KiB | {:.1} | {:.1} | {:.1} |\n",
                run.backend.name(),
                row.messages,
                row.bytes as f64 / 1024.0,
                percentile(&row.times_ms, 50.0),
                percentile(&row.times_ms, 99.0),
                row.times_ms.last().copied().unwrap_or(f64::NAN),
            ));
        }
    }
    out
}

/// Runs every measurement on `backend` (PostgreSQL: a fresh database, dropped at the end).
async fn run_backend(
    backend: Backend,
    options: &Options,
    fake: &FakeUpstreamHandle,
    models: &[String],
) -> Result<BackendRun, String> {
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PgDatabase::create("storebench").await?),
    };
    let data_dir = DataDir::fresh("storebench");
    let (app, mut counter) = start_app(
        &data_dir.0,
        postgres.as_ref().map(|db| db.url.as_str()),
        &[
            ("OPENAI_BASE_URL", fake.base_url()),
            ("OPENAI_MODELS", models.join(",")),
        ],
    )
    .await?;
    let setup = match &mut counter {
        Direct::Sqlite(_) => {
            "a file in a temp dir on ext4 (the store's settings: WAL, `synchronous = NORMAL`)"
                .to_string()
        }
        Direct::Postgres(conn) => format!("a fresh database on {}", postgres_settings(conn).await?),
    };
    counter
        .execute(match backend {
            Backend::Sqlite => SQLITE_COUNTING_SQL,
            Backend::Postgres => POSTGRES_COUNTING_SQL,
        })
        .await
        .map_err(|e| format!("cannot install the counting triggers: {e}"))?;
    let flush_ms = app.state.config.storage.flush_interval.as_millis();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;

    let mut rates = Vec::new();
    for &rate in &options.rates {
        eprintln!(
            "{}: streaming at {rate} tokens/s for {} s…",
            backend.name(),
            options.seconds
        );
        let tokens = rate as usize * options.seconds as usize;
        rates.push(measure_rate(&app, &mut counter, &client, rate, tokens).await?);
    }
    eprintln!(
        "{}: inserting {} messages…",
        backend.name(),
        options.messages
    );
    let id = insert_long_conversation(&app.state.store, options.messages).await?;
    eprintln!("{}: opening it {} times…", backend.name(), options.runs);
    let open = measure_open(&app, &client, &id, options.runs).await?;
    let page = measure_page(&app, &client, &id, options.runs.div_ceil(5)).await?;
    drop(counter);
    app.state.store.close().await;
    if let Some(db) = postgres {
        db.remove().await?;
    }
    Ok(BackendRun {
        backend,
        setup,
        flush_ms,
        rates,
        open,
        page,
    })
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = parse_options()?;
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
    let mut models = Vec::new();
    for &rate in &options.rates {
        let tokens = rate as usize * options.seconds as usize;
        let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
        fake.add_script(
            &format!("rate-{rate}"),
            token_script(TTFT, tokens, interval),
        );
        models.push(format!("rate-{rate}"));
    }
    let mut runs = Vec::new();
    for &backend in &options.backends {
        runs.push(run_backend(backend, &options, &fake, &models).await?);
    }
    let out = report(&options, &load, &runs);
    write_section(&options.out, "storebench", &out)?;
    print!("{out}");
    Ok(())
}
