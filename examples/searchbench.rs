//! `make bench`, search part: what worst-case searches cost, and whether they slow sign-in,
//! on each backend (SQLite, then a fresh PostgreSQL database on the server
//! `SLUICE_TEST_DATABASE_URL` names).
//!
//! The app runs in this process (the same router and store as the binary, on a loopback
//! port) in `auth = local` mode. One account is signed up; a conversation of 10,000 messages
//! (like the storage benchmark's: ~300 B questions, ~2 KB Markdown answers) is inserted for it
//! through the store API (on PostgreSQL then `VACUUM ANALYZE`d, as autovacuum would soon do).
//! Then, over HTTP:
//!
//! 1. each worst-case search (patterns near the 200-character cap that share almost every
//!    trigram with the text yet match nothing, or match every answer; rare long patterns;
//!    1–2 character patterns, which scan) is timed alone; on SQLite the `LIKE '%…%'` query
//!    that search used before the FTS5 index is timed on the same data, for comparison;
//! 2. sign-in (`POST /api/auth/sign_in`, argon2 included) is timed with nothing else running,
//!    then again while 8 clients search in a loop, cycling through the worst cases.
//!
//! Results are written as the `searchbench` section of the output file (other sections kept).

#[path = "bench_support/backend.rs"]
mod backend;
mod bench_support;
#[path = "bench_support/server.rs"]
mod server;

use backend::{postgres_settings, Backend, PgDatabase};
use bench_support::{machine, percentile, write_section};
use server::{load_average, start_app, App, DataDir, Direct};
use sluice::ids::MessageId;
use sluice::store::{AnswerEnd, AnswerStats, AnswerWriter, Store, UserId};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The account the benchmark signs in as.
const NAME: &str = "bench";

/// Its password.
const PASSWORD: &str = "correct horse battery staple";

/// The paragraph the answers repeat; the long patterns are cut from it.
const PARAGRAPH: &str = "The borrow checker tracks, for every reference, the region of code \
    where it is live. Two live mutable borrows of the same place overlap, so the second one is \
    refused; splitting the slice with `split_at_mut` gives two disjoint borrows instead. ";

/// The search as it was before the FTS5 index, for the comparison column.
const OLD_LIKE_SEARCH: &str = "
    SELECT c.id FROM conversations c
    WHERE c.user_id = ?1 AND (c.title LIKE ?2 ESCAPE '\\'
       OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id
                  AND m.content LIKE ?2 ESCAPE '\\'))";

/// Settings from the command line.
struct Options {
    /// Messages in the searched conversation (user/assistant pairs, so even).
    messages: usize,
    /// Timed runs of each search alone.
    runs: usize,
    /// Timed sign-ins per phase.
    sign_ins: usize,
    /// Clients searching in a loop, one sign-in phase per number (0: sign-in alone).
    searchers: Vec<usize>,
    /// Backends to measure, in order.
    backends: Vec<Backend>,
    /// Markdown file to write.
    out: String,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        backends: vec![Backend::Sqlite, Backend::Postgres],
        messages: 10_000,
        runs: 20,
        sign_ins: 100,
        searchers: vec![0, 8],
        out: "BENCHMARKS.md".into(),
    };
    for (name, value) in bench_support::option_pairs()? {
        match name.as_str() {
            "--messages" => options.messages = value.parse().map_err(|_| "bad --messages")?,
            "--runs" => options.runs = value.parse().map_err(|_| "bad --runs")?,
            "--sign-ins" => options.sign_ins = value.parse().map_err(|_| "bad --sign-ins")?,
            "--searchers" => options.searchers = bench_support::number_list(&value, "searchers")?,
            "--backends" => options.backends = Backend::parse_list(&value)?,
            "--out" => options.out = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.runs == 0 || options.sign_ins == 0 {
        return Err("--runs and --sign-ins must be positive".into());
    }
    Ok(options)
}

/// One worst-case search.
struct Pattern {
    /// What it is, for the table.
    label: String,
    /// The search text.
    text: String,
}

/// The worst cases: long and near the cap, matching nothing or everything; short (scans).
/// `answers`: how many answers the conversation holds, for the labels.
fn patterns(answers: usize) -> Vec<Pattern> {
    let repeated = PARAGRAPH.repeat(2);
    let cut = |n: usize| repeated.chars().take(n).collect::<String>();
    // A deterministic scramble of letters: 200 characters of rare trigrams.
    let rare: String = (0..200u32)
        .map(|i| char::from(b'a' + ((i * 7 + i * i * 13) % 26) as u8))
        .collect();
    vec![
        Pattern {
            label: "200 chars of answer text + 1 that never follows (no match)".into(),
            text: format!("{}§", cut(199)),
        },
        Pattern {
            label: format!("200 chars of answer text (matches all {answers} answers)"),
            text: cut(200),
        },
        Pattern {
            label: "200 chars of rare trigrams (no match)".into(),
            text: rare,
        },
        Pattern {
            label: "`%_\"*()` and `AND OR NEAR` near the cap (no match)".into(),
            text: "%_\"*() AND OR NEAR(".repeat(10),
        },
        Pattern {
            label: "3 chars, in every message (`the`)".into(),
            text: "the".into(),
        },
        Pattern {
            label: "2 chars, no match (scan of recent messages)".into(),
            text: "zq".into(),
        },
        Pattern {
            label: "1 char, in every message (`e`)".into(),
            text: "e".into(),
        },
    ]
}

/// The set-up token the first sign-up presents (`SLUICE_ADMIN_TOKEN`).
const SETUP_TOKEN: &str = "searchbench-setup-token";

/// Posts the benchmark account's credentials (name, password, set-up token) to `path`.
async fn post_credentials(
    app: &App,
    client: &reqwest::Client,
    path: &str,
) -> Result<reqwest::Response, String> {
    client
        .post(app.url(path))
        .json(&serde_json::json!({
            "name": NAME,
            "password": PASSWORD,
            "setup_token": SETUP_TOKEN,
        }))
        .send()
        .await
        .map_err(|e| e.to_string())
}

/// Signs up the benchmark's account (the first one: an admin); returns its id and session.
async fn sign_up(app: &App, client: &reqwest::Client) -> Result<(UserId, String), String> {
    let response = post_credentials(app, client, "/api/auth/sign_up").await?;
    if !response.status().is_success() {
        return Err(format!("sign-up refused: HTTP {}", response.status()));
    }
    let token = session_token(&response).ok_or("sign-up set no session cookie")?;
    let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    let id = body["account"]["id"]
        .as_i64()
        .ok_or("sign-up answered no account id")?;
    Ok((UserId(id), token))
}

/// The session token a response's `Set-Cookie` starts.
fn session_token(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.strip_prefix("sluice_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .find(|token| !token.is_empty())
}

/// Inserts a conversation of `messages` messages (alternating user/assistant, one branch)
/// for `user` through the store API.
async fn insert_long_conversation(
    store: &Store,
    user: UserId,
    messages: usize,
) -> Result<(), String> {
    let err = |e: sluice::store::StoreError| e.to_string();
    let conversation = store
        .create_conversation(user, "A long conversation", None, None)
        .await
        .map_err(err)?;
    let mut parent: Option<MessageId> = None;
    for n in 0..messages / 2 {
        let question = format!(
            "Question {n}: could you explain, with a short example, how the borrow checker \
             decides that two mutable references to the same vector cannot coexist, and what \
             the usual ways around it are when a loop needs to read one element while it \
             changes another one?"
        );
        let question = store
            .add_user_message(user, &conversation.id, parent.as_ref(), &question)
            .await
            .map_err(err)?;
        let answer = store
            .start_answer(user, &conversation.id, &question.id, "m")
            .await
            .map_err(err)?;
        let mut writer = AnswerWriter::new(store.clone(), user, &answer, Instant::now());
        writer.push(&format!(
            "## Answer {n}\n\n{}\n\n```rust\nlet (left, right) = v.split_at_mut(i);\nright[0] += left[0];\n```\n\n{}",
            PARAGRAPH.repeat(4),
            PARAGRAPH.repeat(3)
        ));
        writer
            .finish(AnswerEnd::Complete, &AnswerStats::default())
            .await
            .map_err(err)?;
        parent = Some(answer.id);
    }
    Ok(())
}

/// Runs one search over HTTP; returns the number of conversations found.
async fn search(
    app: &App,
    client: &reqwest::Client,
    token: &str,
    text: &str,
) -> Result<usize, String> {
    let response = client
        .post(app.url("/api/conversations/list"))
        .header("cookie", format!("sluice_session={token}"))
        .json(&serde_json::json!({ "search": text }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("search refused: HTTP {}", response.status()));
    }
    let list: Vec<serde_json::Value> = response.json().await.map_err(|e| e.to_string())?;
    Ok(list.len())
}

/// One timed sign-in over HTTP (argon2 included), ms.
async fn sign_in(app: &App, client: &reqwest::Client) -> Result<f64, String> {
    let start = Instant::now();
    let response = post_credentials(app, client, "/api/auth/sign_in").await?;
    let status = response.status();
    response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("sign-in refused: HTTP {status}"));
    }
    Ok(start.elapsed().as_secs_f64() * 1000.0)
}

/// What one search measured alone (its pattern is the one at the same place in [`patterns`]).
struct SearchRow {
    /// Conversations found.
    found: usize,
    /// Sorted times over HTTP, ms.
    times_ms: Vec<f64>,
    /// The old `LIKE` query on the same data, directly in SQLite, ms (one run; SQLite only:
    /// PostgreSQL never ran the old search).
    like_ms: Option<f64>,
}

/// Times each pattern alone (`answers`: how many the conversation holds), and on SQLite the
/// old `LIKE` query for it.
async fn measure_searches(
    app: &App,
    direct: &mut Direct,
    client: &reqwest::Client,
    token: &str,
    (user, answers): (UserId, usize),
    runs: usize,
) -> Result<Vec<SearchRow>, String> {
    let mut rows = Vec::new();
    for pattern in patterns(answers) {
        let mut times_ms = Vec::new();
        let mut found = 0;
        for run in 0..=runs {
            let start = Instant::now();
            found = search(app, client, token, &pattern.text).await?;
            if run > 0 {
                times_ms.push(start.elapsed().as_secs_f64() * 1000.0);
            }
        }
        times_ms.sort_by(f64::total_cmp);
        let like_ms = match direct {
            Direct::Sqlite(conn) => {
                let start = Instant::now();
                sqlx::query(OLD_LIKE_SEARCH)
                    .bind(user.0)
                    .bind(like_pattern(&pattern.text))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| e.to_string())?;
                Some(start.elapsed().as_secs_f64() * 1000.0)
            }
            Direct::Postgres(_) => None,
        };
        rows.push(SearchRow {
            found,
            times_ms,
            like_ms,
        });
    }
    Ok(rows)
}

/// The old search's pattern: `%`, `_` and `\` escaped, `%` around.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// What one sign-in phase measured.
struct SignInRow {
    /// Searching clients during the phase.
    searchers: usize,
    /// Sorted sign-in times, ms.
    times_ms: Vec<f64>,
    /// Searches answered during the phase.
    searches: usize,
    /// Sorted search times during the phase, ms.
    search_ms: Vec<f64>,
    /// Length of the phase, s.
    seconds: f64,
}

/// Times `sign_ins` sequential sign-ins while `searchers` clients search in a loop.
async fn measure_sign_in(
    app: &Arc<App>,
    client: &reqwest::Client,
    token: &str,
    (sign_ins, searchers): (usize, usize),
) -> Result<SignInRow, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for k in 0..searchers {
        let (app, client, token, stop) = (
            Arc::clone(app),
            client.clone(),
            token.to_string(),
            Arc::clone(&stop),
        );
        tasks.push(tokio::spawn(async move {
            let patterns = patterns(0);
            let mut times = Vec::new();
            let mut i = k;
            while !stop.load(Ordering::Relaxed) {
                let start = Instant::now();
                search(&app, &client, &token, &patterns[i % patterns.len()].text).await?;
                times.push(start.elapsed().as_secs_f64() * 1000.0);
                i += 1;
            }
            Ok::<Vec<f64>, String>(times)
        }));
    }
    if searchers > 0 {
        // Let every searcher get going before the first sign-in.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let start = Instant::now();
    let mut times_ms = Vec::new();
    let mut failed = None;
    for _ in 0..=sign_ins {
        match sign_in(app, client).await {
            Ok(ms) => times_ms.push(ms),
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut search_ms = Vec::new();
    for task in tasks {
        search_ms.extend(task.await.map_err(|e| e.to_string())??);
    }
    if let Some(e) = failed {
        return Err(e);
    }
    // The first sign-in warms up (connections, allocator); it is not counted.
    times_ms.remove(0);
    times_ms.sort_by(f64::total_cmp);
    search_ms.sort_by(f64::total_cmp);
    Ok(SignInRow {
        searchers,
        times_ms,
        searches: search_ms.len(),
        search_ms,
        seconds,
    })
}

/// Bytes of message text stored, and bytes the search indexes take: SQLite, the FTS5 tables'
/// pages (`dbstat`); PostgreSQL, the two pg_trgm GIN indexes.
async fn index_size(direct: &mut Direct) -> Result<(i64, i64), String> {
    let err = |e: sqlx::Error| e.to_string();
    match direct {
        Direct::Sqlite(conn) => Ok((
            sqlx::query_scalar(
                "SELECT COALESCE(SUM(length(CAST(content AS BLOB))), 0) FROM messages",
            )
            .fetch_one(&mut *conn)
            .await
            .map_err(err)?,
            sqlx::query_scalar(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat
                 WHERE name GLOB 'message_search_*' OR name GLOB 'title_search_*'",
            )
            .fetch_one(&mut *conn)
            .await
            .map_err(err)?,
        )),
        Direct::Postgres(conn) => Ok((
            sqlx::query_scalar(
                "SELECT COALESCE(SUM(octet_length(content)), 0)::int8 FROM messages",
            )
            .fetch_one(&mut *conn)
            .await
            .map_err(err)?,
            sqlx::query_scalar(
                "SELECT (pg_relation_size('messages_content_trgm')
                         + pg_relation_size('conversations_title_trgm'))::int8",
            )
            .fetch_one(&mut *conn)
            .await
            .map_err(err)?,
        )),
    }
}

/// What one backend measured.
struct BackendRun {
    /// Which backend.
    backend: Backend,
    /// How its database was set up, for the report.
    setup: String,
    /// Bytes of message text and of the search indexes.
    sizes: (i64, i64),
    /// Seconds the conversation took to insert through the store API.
    insert_seconds: f64,
    /// One row per pattern, in [`patterns`] order.
    searches: Vec<SearchRow>,
    /// One row per number of searching clients.
    sign_ins: Vec<SignInRow>,
}

/// What the index is, per backend, for the report.
fn index_kind(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "FTS5 trigram pages (`dbstat`)",
        Backend::Postgres => "pg_trgm GIN indexes (`pg_relation_size`)",
    }
}

/// The section's Markdown.
fn report(options: &Options, load: &str, runs: &[BackendRun]) -> String {
    let mut out = String::new();
    out.push_str("## Search (`examples/searchbench.rs`)\n\n");
    out.push_str("Written by `make bench` (`SLUICE_PG_FSYNC=on bash tools/with-postgres.sh cargo run --release --no-default-features --features ssr --example searchbench -- --out BENCHMARKS.md`).\n\n");
    out.push_str(&format!(
        "- Machine: {}, 1-min load average {load} at the start; the database server, the app and the benchmark share its cores\n- App in-process (real router and store), `auth = local`; one account whose conversation has {} messages ({} pairs, ~300 B questions, ~2 KB Markdown answers) inserted through the store API; requests over loopback HTTP\n",
        machine(),
        options.messages,
        options.messages / 2,
    ));
    for run in runs {
        out.push_str(&format!(
            "- {}: {}; inserted in {:.1} s; index {:.0} KiB of {} for {:.0} KiB of message text ({:.1}×)\n",
            run.backend.name(),
            run.setup,
            run.insert_seconds,
            run.sizes.1 as f64 / 1024.0,
            index_kind(run.backend),
            run.sizes.0 as f64 / 1024.0,
            run.sizes.1 as f64 / run.sizes.0.max(1) as f64,
        ));
    }
    out.push_str("\n### Worst-case searches, one at a time\n\n");
    out.push_str(&format!(
        "`POST /api/conversations/list` with each search, {} runs after one warm-up (30 runs over 1,000 messages before this benchmark grew to 10,000 and two backends). 3+ characters use the trigram index (SQLite: FTS5 `trigram` tables; PostgreSQL: `ILIKE` answered by pg_trgm GIN indexes); 1–2 characters scan titles and the {} most recent messages. *Old `LIKE`* = the query search ran before the index (`LIKE '%…%'` over every message), on the same data, directly in SQLite, one run.\n\n",
        options.runs,
        sluice::store::SHORT_SEARCH_MESSAGES,
    ));
    out.push_str("| search | chars | found |");
    for run in runs {
        out.push_str(&format!(" {} p50 / p99 ms |", run.backend.name()));
    }
    out.push_str(" old `LIKE` ms (SQLite) |\n|---|---:|---:|");
    out.push_str(&"---:|".repeat(runs.len()));
    out.push_str("---:|\n");
    let answers = options.messages / 2;
    for (i, pattern) in patterns(answers).iter().enumerate() {
        let rows: Vec<&SearchRow> = runs.iter().filter_map(|run| run.searches.get(i)).collect();
        let found: Vec<String> = rows.iter().map(|row| row.found.to_string()).collect();
        out.push_str(&format!(
            "| {} | {} | {} |",
            pattern.label,
            pattern.text.chars().count(),
            found.join(" / ")
        ));
        for row in &rows {
            out.push_str(&format!(
                " {:.2} / {:.2} |",
                percentile(&row.times_ms, 50.0),
                percentile(&row.times_ms, 99.0)
            ));
        }
        let like = rows.iter().find_map(|row| row.like_ms);
        out.push_str(&match like {
            Some(ms) => format!(" {ms:.1} |\n"),
            None => " – |\n".to_string(),
        });
    }
    out.push_str("\n### Sign-in while searches run\n\n");
    out.push_str(&format!(
        "{} sequential `POST /api/auth/sign_in` (argon2id included) after one warm-up, per row while that many clients each search in a loop, cycling through the searches above (0: sign-in alone). The server runs one search at a time; the others wait without holding a database connection. Goal: sign-in p99 under 100 ms with 8 parallel worst-case searches.\n\n",
        options.sign_ins
    ));
    out.push_str("| backend | searching clients | **sign-in p50 / p99 ms** | sign-in max ms | searches answered | searches/s | search p50 / p99 ms |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for run in runs {
        for row in &run.sign_ins {
            out.push_str(
                &format!(
                    "| {} | {} | **{:.1} / {:.1}** | {:.1} | {} | {:.0} | {:.1} / {:.1} |\n",
                    run.backend.name(),
                    row.searchers,
                    percentile(&row.times_ms, 50.0),
                    percentile(&row.times_ms, 99.0),
                    row.times_ms.last().copied().unwrap_or(f64::NAN),
                    row.searches,
                    row.searches as f64 / row.seconds,
                    percentile(&row.search_ms, 50.0),
                    percentile(&row.search_ms, 99.0),
                )
                .replace("NaN / NaN", "–"),
            );
        }
    }
    out
}

/// Runs every measurement on `backend` (PostgreSQL: a fresh database, dropped at the end).
async fn run_backend(backend: Backend, options: &Options) -> Result<BackendRun, String> {
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PgDatabase::create("searchbench").await?),
    };
    let data_dir = DataDir::fresh("searchbench");
    let (app, mut direct) = start_app(
        &data_dir.0,
        postgres.as_ref().map(|db| db.url.as_str()),
        &[
            ("SLUICE_AUTH", "local".into()),
            ("SLUICE_IP_REQUESTS_PER_MINUTE", "0".into()),
            ("SLUICE_ADMIN_TOKEN", SETUP_TOKEN.into()),
        ],
    )
    .await?;
    let setup = match &mut direct {
        Direct::Sqlite(_) => {
            "a file in a temp dir on ext4 (the store's settings: WAL, `synchronous = NORMAL`)"
                .to_string()
        }
        Direct::Postgres(conn) => format!("a fresh database on {}", postgres_settings(conn).await?),
    };
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let (user, token) = sign_up(&app, &client).await?;
    eprintln!(
        "{}: inserting {} messages…",
        backend.name(),
        options.messages
    );
    let start = Instant::now();
    insert_long_conversation(&app.state.store, user, options.messages).await?;
    let insert_seconds = start.elapsed().as_secs_f64();
    if let Direct::Postgres(_) = direct {
        // What autovacuum does soon after a bulk insert: statistics for the planner, the GIN
        // indexes' pending lists merged.
        direct.execute("VACUUM ANALYZE").await?;
    }
    let sizes = index_size(&mut direct).await?;
    eprintln!(
        "{}: timing each search {} times…",
        backend.name(),
        options.runs
    );
    let searches = measure_searches(
        &app,
        &mut direct,
        &client,
        &token,
        (user, options.messages / 2),
        options.runs,
    )
    .await?;
    let app = Arc::new(app);
    let mut sign_ins = Vec::new();
    for &searchers in &options.searchers {
        eprintln!(
            "{}: timing sign-in with {searchers} searching clients…",
            backend.name()
        );
        sign_ins.push(measure_sign_in(&app, &client, &token, (options.sign_ins, searchers)).await?);
    }
    drop(direct);
    app.state.store.close().await;
    if let Some(db) = postgres {
        db.remove().await?;
    }
    Ok(BackendRun {
        backend,
        setup,
        sizes,
        insert_seconds,
        searches,
        sign_ins,
    })
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = parse_options()?;
    let load = load_average();
    let mut runs = Vec::new();
    for &backend in &options.backends {
        runs.push(run_backend(backend, &options).await?);
    }
    let out = report(&options, &load, &runs);
    write_section(&options.out, "searchbench", &out)?;
    print!("{out}");
    Ok(())
}
