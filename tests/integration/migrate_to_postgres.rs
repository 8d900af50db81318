//! `sluice migrate-to-postgres` (issue 22): a SQLite database with several accounts, sessions,
//! branched conversations (regenerated, edited, stopped, failed and still-streaming answers),
//! presets, Unicode and empty system prompts is copied into a fresh PostgreSQL database, and
//! every conversation's JSON export, every list and every sign-in is the same there; a target
//! that holds anything is refused and left as it was; the binary prints the counts and exits
//! 0, or 1 with a sentence (never the password) for a missing source file, which it does not
//! create. Needs a PostgreSQL server: `SLUICE_TEST_DATABASE_URL` names an admin connection
//! (skipped with a note when unset, except under `CI=true`).

mod compare;
mod fixture;
mod test_database;

pub use test_database::fresh_database;

use crate::support::TempDir;
use compare::{every_row_is_the_same, target_rows, user_view};
use fixture::{answer, attach_files, fill_source, link_sent_file, PEOPLE};
use sluice::store::{copy_sqlite_to_postgres, AnswerEnd, SignInError, Store, StoreOptions, UserId};
use sqlx::{Connection, PgConnection};
use std::path::Path;
use std::process::{Command, Output};

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
    let sent_file = attach_files(&source).await;
    source.close().await;
    link_sent_file(&path, &sent_file).await;
    // What each user sees before the copy, the linked file included.
    let source = Store::open(&path).await.expect("reopen SQLite");
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
        "3 users, 2 sessions, 4 conversations, 11 messages, 3 presets, 2 attachments"
    );
    assert_eq!(report.message_attachments, 1);
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

/// Runs `sluice migrate-to-postgres ARGS` with the settings `env` and none inherited from the
/// test's environment.
fn migrate_command(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
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
    command
        .envs(env.iter().copied())
        .output()
        .expect("run sluice migrate-to-postgres")
}

/// The binary prints the counts and exits 0 (a NUL in the text, which PostgreSQL cannot
/// hold, arrives as U+FFFD); run again (the target from `SLUICE_DATABASE_URL` this time), it
/// refuses the now-full target and exits 1; the password appears in no output.
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
    let output = migrate_command(&dir.path, &["--from", &from, "--to", &to], &[]);
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

    // Without --to, the configured database_url is the target.
    let again = migrate_command(
        &dir.path,
        &["--from", &from],
        &[("SLUICE_DATABASE_URL", to.as_str())],
    );
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
        &[],
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
        &[],
    );
    let stderr = String::from_utf8_lossy(&sqlite_target.stderr);
    assert_eq!(sqlite_target.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("must be a PostgreSQL URL"), "{stderr}");
    assert!(!dir.path.join("other.db").exists());
    let no_target = migrate_command(&dir.path, &["--from", "sluice.db"], &[]);
    let stderr = String::from_utf8_lossy(&no_target.stderr);
    assert_eq!(no_target.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no target: give --to postgres://"),
        "{stderr}"
    );
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
