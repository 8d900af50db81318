//! `sluice migrate-to-postgres` (issue 22): a SQLite database with several accounts, sessions,
//! branched conversations (regenerated, edited, stopped, failed and still-streaming answers),
//! presets, Unicode and empty system prompts is copied into a fresh PostgreSQL database, and
//! every conversation's JSON export, every list and every sign-in is the same there; a target
//! that holds anything is refused and left as it was; the binary prints the counts and exits
//! 0, or 1 with a sentence (never the password) for a missing source file, which it does not
//! create. Needs a PostgreSQL server: `SLUICE_TEST_DATABASE_URL` names an admin connection
//! (skipped with a note when unset, except under `CI=true`).

use crate::support::TempDir;
use sluice::conversation::AnswerStats;
use sluice::ids::{ConversationId, MessageId};
use sluice::store::{
    copy_sqlite_to_postgres, AnswerEnd, AnswerWriter, SignInError, Store, StoreOptions, UserId,
};
use sluice::transfer::ExportDocument;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A new, empty PostgreSQL database on the test server, dropped by [`TestDatabase::drop_now`].
pub struct TestDatabase {
    /// The admin connection URL it was created through.
    admin: String,
    /// Its name.
    pub name: String,
    /// Its URL (the admin's credentials, this database).
    pub url: String,
}

/// A fresh database on the server `SLUICE_TEST_DATABASE_URL` names; `None` (with a note on
/// stderr) when it is unset, which fails the test under `CI=true`.
pub async fn fresh_database(label: &str) -> Option<TestDatabase> {
    let Some(admin) = std::env::var("SLUICE_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "SLUICE_TEST_DATABASE_URL is unset under CI: the PostgreSQL tests cannot be skipped"
        );
        eprintln!("skipped {label}: SLUICE_TEST_DATABASE_URL is unset (no PostgreSQL server)");
        return None;
    };
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("sluice_{label}_{}_{n}", std::process::id());
    let mut conn = PgConnection::connect(&admin)
        .await
        .expect("connect to SLUICE_TEST_DATABASE_URL");
    sqlx::raw_sql(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    conn.close().await.expect("close");
    let mut url = url::Url::parse(&admin).expect("SLUICE_TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    Some(TestDatabase {
        admin,
        name,
        url: url.to_string(),
    })
}

impl TestDatabase {
    /// Drops the database (best effort; its connections are closed by force).
    pub async fn drop_now(self) {
        if let Ok(mut conn) = PgConnection::connect(&self.admin).await {
            let _ = sqlx::raw_sql(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }

    /// Its URL with `password` put in (the test server trusts local connections, so any
    /// password is accepted: it only has to stay out of every output).
    fn url_with_password(&self, password: &str) -> String {
        let mut url = url::Url::parse(&self.url).expect("URL");
        url.set_password(Some(password)).expect("a URL with a host");
        url.to_string()
    }
}

/// Everything a user sees of the store, as text: the conversation list, every conversation's
/// JSON export (`exported_at` fixed) and its tree's debug form, and the presets.
async fn user_view(store: &Store, user: UserId) -> Vec<String> {
    let list = store.list_conversations(user, None).await.expect("list");
    let mut view = vec![format!("{list:?}")];
    for summary in &list {
        let tree = store
            .get_conversation(user, &summary.id)
            .await
            .expect("get");
        let document = ExportDocument::from_tree(&tree, 0);
        view.push(serde_json::to_string_pretty(&document).expect("export JSON"));
        view.push(format!("{tree:?}"));
    }
    let presets = store.list_presets(user).await.expect("presets");
    view.push(format!("{presets:?}"));
    view
}

/// Adds a finished answer to `question` ending as `end`, written in two batched flushes.
async fn answer(
    store: &Store,
    user: UserId,
    conversation: &ConversationId,
    question: &MessageId,
    text: &[&str],
    end: Option<AnswerEnd>,
) -> MessageId {
    let row = store
        .start_answer(user, conversation, question, "demo/sluice-demo")
        .await
        .expect("start answer");
    let mut writer =
        AnswerWriter::new(store.clone(), user, &row, Instant::now()).with_interval(Duration::ZERO);
    for part in text {
        writer.push(part);
        writer
            .flush_if_due(Instant::now() + Duration::from_millis(1))
            .await
            .expect("flush");
    }
    let id = writer.message_id().clone();
    if let Some(end) = end {
        let stats = AnswerStats {
            input_tokens: Some(12),
            output_tokens: Some(34),
            reasoning_tokens: None,
            ttft_ms: Some(210),
            tokens_per_second: Some(41.25),
            finish_reason: Some("stop".to_string()),
        };
        writer.finish(end, &stats).await.expect("finish");
    }
    id
}

/// The accounts and their passwords in [`fill_source`].
const PEOPLE: [(&str, &str); 3] = [
    ("ada", "ada's long password"),
    ("bob", "bob's long password"),
    ("cat", "cat's long password"),
];

/// Fills the SQLite store: a conversation made before any account (kept by the first one),
/// three accounts (one pending), two sessions, branched conversations in Unicode, and presets.
/// Returns the session tokens of ada and bob.
async fn fill_source(store: &Store) -> Vec<String> {
    let local = UserId::LOCAL;
    let early = store
        .create_conversation(local, "Before accounts", None, Some(""))
        .await
        .expect("conversation");
    let q = store
        .add_user_message(local, &early.id, None, "first question")
        .await
        .expect("question");
    answer(
        store,
        local,
        &early.id,
        &q.id,
        &["an ", "answer"],
        Some(AnswerEnd::Complete),
    )
    .await;

    let ada = store
        .create_account(PEOPLE[0].0, Some(PEOPLE[0].1), false)
        .await
        .expect("ada");
    assert_eq!(ada.id, UserId::LOCAL, "the first account claims row 1");
    let bob = store
        .create_account(PEOPLE[1].0, Some(PEOPLE[1].1), false)
        .await
        .expect("bob");
    store
        .create_account(PEOPLE[2].0, Some(PEOPLE[2].1), true)
        .await
        .expect("cat, pending");
    let lifetime = Duration::from_secs(30 * 86_400);
    let tokens = vec![
        store
            .create_session(ada.id, lifetime)
            .await
            .expect("ada's session"),
        store
            .create_session(bob.id, lifetime)
            .await
            .expect("bob's session"),
    ];

    // Bob: regenerations (complete and stopped), an edited question whose answer failed, a
    // follow-up still streaming (a crash left it), Unicode everywhere.
    let chat = store
        .create_conversation(
            bob.id,
            "Ünïcödé 🚀 “chat” 日本語",
            Some("demo/sluice-demo"),
            Some("Réponds en français. 改行\nnew line"),
        )
        .await
        .expect("bob's chat");
    let q1 = store
        .add_user_message(bob.id, &chat.id, None, "Hello 👋 — ça va?")
        .await
        .expect("q1");
    let a1 = answer(
        store,
        bob.id,
        &chat.id,
        &q1.id,
        &["Bien, ", "merci 🙂"],
        Some(AnswerEnd::Complete),
    )
    .await;
    answer(
        store,
        bob.id,
        &chat.id,
        &q1.id,
        &["Half an"],
        Some(AnswerEnd::Stopped),
    )
    .await;
    answer(
        store,
        bob.id,
        &chat.id,
        &q1.id,
        &[""],
        Some(AnswerEnd::Complete),
    )
    .await;
    let edited = store
        .add_user_message(bob.id, &chat.id, None, "Hello again (edited)")
        .await
        .expect("edit");
    answer(
        store,
        bob.id,
        &chat.id,
        &edited.id,
        &["part"],
        Some(AnswerEnd::Error(
            "upstream failed: 502 Bad Gateway".to_string(),
        )),
    )
    .await;
    let q2 = store
        .add_user_message(bob.id, &chat.id, Some(&a1), "Et ensuite ? \u{7f}\t")
        .await
        .expect("follow-up");
    answer(
        store,
        bob.id,
        &chat.id,
        &q2.id,
        &["still ", "streaming"],
        None,
    )
    .await;
    let plain = store
        .create_conversation(bob.id, "No system prompt", None, None)
        .await
        .expect("plain");
    store
        .add_user_message(bob.id, &plain.id, None, "just a question")
        .await
        .expect("unanswered");
    store
        .create_conversation(bob.id, "Empty", None, Some(""))
        .await
        .expect("empty conversation");

    store
        .create_preset(
            ada.id,
            "Traductrice ✍️",
            "Translate into French.",
            Some("demo/x"),
        )
        .await
        .expect("preset");
    store
        .create_preset(bob.id, "Blank", "", None)
        .await
        .expect("empty preset");
    store
        .create_preset(bob.id, "Second", "Be brief.", None)
        .await
        .expect("preset");
    tokens
}

/// The round trip: every conversation's JSON export, every list and preset, sign-in
/// with the copied passwords and the copied sessions are the same on PostgreSQL; new accounts
/// continue after the highest copied id.
#[tokio::test]
async fn a_sqlite_database_copied_to_postgresql_exports_byte_identical_conversations() {
    let Some(target) = fresh_database("roundtrip").await else {
        return;
    };
    let dir = TempDir::new("migrate-roundtrip");
    let path = dir.path.join("sluice.db");
    let source = Store::open(&path).await.expect("open SQLite");
    let tokens = fill_source(&source).await;
    let users = [UserId(1), UserId(2), UserId(3)];
    let mut before = Vec::new();
    for user in users {
        before.push(user_view(&source, user).await);
    }
    let accounts_before = source.list_accounts().await.expect("accounts");
    source.close().await;

    let report = copy_sqlite_to_postgres(&path, &target.url)
        .await
        .expect("the copy succeeds");
    assert_eq!(
        report.to_string(),
        "3 users, 2 sessions, 4 conversations, 11 messages, 3 presets"
    );
    every_row_is_the_same(&path, &target.url).await;

    let copied = Store::connect(&StoreOptions::postgres(&target.url))
        .await
        .expect("open the copy");
    assert!(copied.is_postgres());
    for (user, expected) in users.into_iter().zip(&before) {
        let seen = user_view(&copied, user).await;
        assert_eq!(seen.len(), expected.len(), "user {user:?}");
        for (seen, expected) in seen.iter().zip(expected) {
            assert_eq!(seen, expected, "user {user:?}");
        }
    }
    assert_eq!(
        copied.list_accounts().await.expect("accounts"),
        accounts_before
    );
    for (name, password) in &PEOPLE[..2] {
        let account = copied.sign_in(name, password).await.expect("signs in");
        assert_eq!(account.name, *name);
    }
    assert!(matches!(
        copied.sign_in(PEOPLE[2].0, PEOPLE[2].1).await,
        Err(SignInError::Pending)
    ));
    assert!(matches!(
        copied.sign_in(PEOPLE[1].0, "wrong password").await,
        Err(SignInError::WrongCredentials)
    ));
    for (token, name) in tokens.iter().zip(["ada", "bob"]) {
        let account = copied
            .session_account(token)
            .await
            .expect("session lookup")
            .expect("the copied session is still valid");
        assert_eq!(account.name, name);
    }
    let dan = copied
        .create_account("dan", Some("dan's long password"), false)
        .await
        .expect("a new account after the copy");
    assert_eq!(dan.id, UserId(4), "ids continue after the copied ones");
    copied.close().await;
    target.drop_now().await;
}

/// The rows of `sql` on each side (same types on both: SQLite's 0/1 read as booleans), each
/// as its debug text, sorted.
async fn rows_of<T>(
    sqlite: &mut SqliteConnection,
    postgres: &mut PgConnection,
    sql: &str,
) -> (Vec<String>, Vec<String>)
where
    T: for<'r> sqlx::FromRow<'r, SqliteRow>
        + for<'r> sqlx::FromRow<'r, PgRow>
        + Send
        + Unpin
        + std::fmt::Debug,
{
    let text = |rows: Vec<T>| {
        let mut rows: Vec<String> = rows.iter().map(|row| format!("{row:?}")).collect();
        rows.sort();
        rows
    };
    let left = sqlx::query_as::<_, T>(sql)
        .fetch_all(sqlite)
        .await
        .expect(sql);
    let right = sqlx::query_as::<_, T>(sql)
        .fetch_all(postgres)
        .await
        .expect(sql);
    (text(left), text(right))
}

/// Every column of every row is the same in the SQLite file and the PostgreSQL copy, and
/// conversations, messages and presets are in the same insertion order (SQLite's rowid,
/// PostgreSQL's seq: the tie-breaker of every listing).
async fn every_row_is_the_same(sqlite_path: &Path, url: &str) {
    let mut sqlite = SqliteConnection::connect(&format!("sqlite://{}", sqlite_path.display()))
        .await
        .expect("open the source");
    let mut postgres = PgConnection::connect(url).await.expect("open the copy");
    type User = (i64, String, i64, Option<String>, bool, String, bool);
    type Session = (Vec<u8>, i64, i64, i64);
    type Conversation = (
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
    );
    type MessageText = (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
    );
    type MessageStats = (
        String,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<f64>,
        i64,
        i64,
        Option<String>,
        Option<String>,
    );
    type Preset = (String, i64, String, String, Option<String>, i64, i64);
    let checks = [
        rows_of::<User>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, name, created_at, password_hash, is_admin, status, is_builtin FROM users",
        )
        .await,
        rows_of::<Session>(
            &mut sqlite,
            &mut postgres,
            "SELECT token_hash, user_id, created_at, expires_at FROM sessions",
        )
        .await,
        rows_of::<Conversation>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, user_id, title, model, system_prompt, created_at, updated_at
             FROM conversations",
        )
        .await,
        rows_of::<MessageText>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, conversation_id, parent_id, role, content, status, error FROM messages",
        )
        .await,
        rows_of::<MessageStats>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, model, input_tokens, output_tokens, reasoning_tokens, ttft_ms,
                    tokens_per_second, created_at, updated_at, finish_reason, replica_id
             FROM messages",
        )
        .await,
        rows_of::<Preset>(
            &mut sqlite,
            &mut postgres,
            "SELECT id, user_id, name, system_prompt, model, created_at, updated_at FROM presets",
        )
        .await,
    ];
    for (table, (source, copy)) in checks.into_iter().enumerate() {
        assert!(!source.is_empty(), "table {table} has rows to compare");
        assert_eq!(source, copy, "table {table}");
    }
    for table in ["conversations", "messages", "presets"] {
        let source: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT id FROM {table} ORDER BY rowid"))
                .fetch_all(&mut sqlite)
                .await
                .expect("source order");
        let copy: Vec<(String,)> = sqlx::query_as(&format!("SELECT id FROM {table} ORDER BY seq"))
            .fetch_all(&mut postgres)
            .await
            .expect("copy order");
        assert_eq!(source, copy, "{table} keep their insertion order");
    }
    sqlite.close().await.expect("close");
    postgres.close().await.expect("close");
}

/// Rows of every table of the target, as text, to show that a refused copy changed nothing.
async fn target_rows(url: &str) -> String {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    let (rows,): (String,) = sqlx::query_as(
        "SELECT concat_ws(' | ',
            (SELECT string_agg(concat_ws(',', id, name, created_at, is_admin, status, is_builtin),
                               ';' ORDER BY id) FROM users),
            (SELECT count(*) FROM sessions), (SELECT count(*) FROM conversations),
            (SELECT count(*) FROM messages), (SELECT count(*) FROM presets),
            (SELECT string_agg(concat_ws(',', id, updated_at), ';' ORDER BY id)
             FROM conversations))",
    )
    .fetch_one(&mut conn)
    .await
    .expect("read the target");
    conn.close().await.expect("close");
    rows
}

/// A target with a claimed row 1, another account, a conversation of the built-in user, a
/// session or a preset is refused with a sentence, and nothing in it changes.
#[tokio::test]
async fn a_target_that_holds_anything_is_refused_and_left_unchanged() {
    let dir = TempDir::new("migrate-refused");
    let path = dir.path.join("sluice.db");
    let source = Store::open(&path).await.expect("open SQLite");
    source
        .create_conversation(UserId::LOCAL, "mine", None, None)
        .await
        .expect("conversation");
    source.close().await;
    let setups = [
        "UPDATE users SET name = 'ada', is_builtin = FALSE WHERE id = 1",
        "INSERT INTO users (name, created_at) VALUES ('zed', 5)",
        "INSERT INTO conversations (id, user_id, title, created_at, updated_at)
         VALUES ('0b6f4a9e-5a34-4d71-9b0e-1d1f5a6c7e80', 1, 'there', 1, 2)",
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
         VALUES ('\\x00ff'::bytea, 1, 1, 2)",
        "INSERT INTO presets (id, user_id, name, created_at, updated_at)
         VALUES ('6a1d7c0e-2f4b-4e8a-9c3d-5b7e9f1a2c4d', 1, 'p', 1, 2)",
    ];
    for setup in setups {
        let Some(target) = fresh_database("refused").await else {
            return;
        };
        let store = Store::connect(&StoreOptions::postgres(&target.url))
            .await
            .expect("create the target's schema");
        store.close().await;
        let mut conn = PgConnection::connect(&target.url).await.expect("connect");
        sqlx::raw_sql(setup).execute(&mut conn).await.expect(setup);
        conn.close().await.expect("close");
        let before = target_rows(&target.url).await;
        let error = copy_sqlite_to_postgres(&path, &target.url)
            .await
            .expect_err(setup);
        assert!(
            error.contains("is not empty") && error.contains("nothing was copied"),
            "{setup}: {error}"
        );
        assert_eq!(target_rows(&target.url).await, before, "{setup}");
        target.drop_now().await;
    }
}

/// Runs `sluice migrate-to-postgres ARGS` with no setting inherited from the test's
/// environment.
fn migrate_command(cwd: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sluice"));
    command
        .arg("migrate-to-postgres")
        .args(args)
        .current_dir(cwd);
    for (name, _) in std::env::vars() {
        if name.starts_with("SLUICE_") || name.starts_with("LEPTOS_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command.output().expect("run sluice migrate-to-postgres")
}

/// The binary prints the counts and exits 0 (a NUL in the text, which PostgreSQL cannot
/// hold, arrives as U+FFFD); run again, it refuses the now-full target and exits 1; the
/// password given in `--to` appears in neither output.
#[tokio::test]
async fn the_command_prints_the_counts_and_refuses_a_second_run() {
    let Some(target) = fresh_database("command").await else {
        return;
    };
    let dir = TempDir::new("migrate-command");
    let path = dir.path.join("sluice.db");
    let source = Store::open(&path).await.expect("open SQLite");
    for title in ["one", "two"] {
        let c = source
            .create_conversation(UserId::LOCAL, title, None, None)
            .await
            .expect("conversation");
        let q = source
            .add_user_message(UserId::LOCAL, &c.id, None, &format!("{title} \0 NUL"))
            .await
            .expect("question");
        answer(
            &source,
            UserId::LOCAL,
            &c.id,
            &q.id,
            &["answer"],
            Some(AnswerEnd::Complete),
        )
        .await;
    }
    source
        .create_preset(UserId::LOCAL, "preset", "", None)
        .await
        .expect("preset");
    source.close().await;

    let secret = "Cmd-secret-4711";
    let to = target.url_with_password(secret);
    let from = path.display().to_string();
    let output = migrate_command(&dir.path, &["--from", &from, "--to", &to]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.trim(),
        format!(
            "Copied 1 user, 0 sessions, 2 conversations, 4 messages, 1 preset from {} to {}.",
            StoreOptions::sqlite(&path).describe(),
            StoreOptions::postgres(&to).describe()
        )
    );
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
    let mut conn = PgConnection::connect(&target.url).await.expect("connect");
    let (questions,): (Vec<String>,) =
        sqlx::query_as("SELECT array_agg(content ORDER BY seq) FROM messages WHERE role = 'user'")
            .fetch_one(&mut conn)
            .await
            .expect("questions");
    conn.close().await.expect("close");
    assert_eq!(
        questions,
        ["one \u{FFFD} NUL", "two \u{FFFD} NUL"],
        "PostgreSQL cannot hold NUL: it becomes U+FFFD, as in every write of the store"
    );

    let again = migrate_command(&dir.path, &["--from", &from, "--to", &to]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("sluice migrate-to-postgres: the database PostgreSQL at")
            && stderr.contains("is not empty"),
        "{stderr}"
    );
    assert!(again.stdout.is_empty());
    assert!(!stderr.contains(secret), "{stderr}");
    target.drop_now().await;
}

/// A source file that does not exist is an error naming it (exit 1); no file or folder is
/// created and the target is not touched (not even its schema). A target that is not a
/// PostgreSQL URL is refused the same way.
#[tokio::test]
async fn a_missing_source_file_is_an_error_and_creates_nothing() {
    let dir = TempDir::new("migrate-missing");
    let missing = dir.path.join("nowhere").join("sluice.db");
    let target = fresh_database("missing").await;
    let to = match &target {
        Some(target) => target.url_with_password("Miss-secret"),
        None => "postgres://nobody:Miss-secret@127.0.0.1:9/none".to_string(),
    };
    let output = migrate_command(
        &dir.path,
        &["--from", &missing.display().to_string(), "--to", &to],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim(),
        format!(
            "sluice migrate-to-postgres: there is no SQLite database file at {}: nothing was \
             copied",
            missing.display()
        )
    );
    assert!(!dir.path.join("nowhere").exists(), "no folder is created");
    let sqlite_target = migrate_command(
        &dir.path,
        &[
            "--from",
            &missing.display().to_string(),
            "--to",
            "sqlite:other.db",
        ],
    );
    let stderr = String::from_utf8_lossy(&sqlite_target.stderr);
    assert_eq!(sqlite_target.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("must be a PostgreSQL URL"), "{stderr}");
    assert!(!dir.path.join("other.db").exists());
    if let Some(target) = target {
        let mut conn = PgConnection::connect(&target.url).await.expect("connect");
        let (tables,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_one(&mut conn)
        .await
        .expect("count tables");
        conn.close().await.expect("close");
        assert_eq!(tables, 0, "the target's schema was not created");
        target.drop_now().await;
    }
}
