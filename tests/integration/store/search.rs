//! Search over titles and message text through the search index (SQLite: FTS5 trigram
//! tables; PostgreSQL: pg_trgm indexes): every character literal, substrings anywhere,
//! case-insensitive; the index follows inserts, finished and reopened answers, recovery,
//! renames and deletes; a database made by the earlier schema is indexed by the migration;
//! short searches scan a bounded number of recent messages. The checks that read the FTS5
//! tables themselves run on SQLite only: PostgreSQL's indexes are over the columns and hold
//! no rows of their own that could go stale.

use super::TempDb;
use crate::support::test_database::backend_under_test;
use sluice::ids::ConversationId;
use sluice::store::{AnswerEnd, AnswerStats, AnswerWriter, Store, UserId};
use sqlx::Connection;
use std::time::{Duration, Instant};

/// The built-in local user, owner of everything here.
const ME: UserId = UserId::LOCAL;

/// The version of the migration that adds the search index.
const SEARCH_MIGRATION: i64 = 20261207112000;

/// The ids of the conversations `search` finds.
async fn hits(store: &Store, search: &str) -> Vec<ConversationId> {
    store
        .list_conversations(ME, Some(search))
        .await
        .unwrap_or_else(|e| panic!("search {search:?}: {e}"))
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// A conversation titled `title` holding one user message `text`; returns its id.
async fn chat(store: &Store, title: &str, text: &str) -> ConversationId {
    let c = store
        .create_conversation(ME, title, None, None)
        .await
        .unwrap();
    store.add_user_message(ME, &c.id, None, text).await.unwrap();
    c.id
}

/// Rows of `table` (an FTS5 search table) matching the FTS query `query`, read on a
/// connection of its own.
async fn index_rows(db: &TempDb, table: &str, query: &str) -> i64 {
    let url = format!("sqlite://{}", db.path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let n = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {table} WHERE {table} MATCH ?"
    ))
    .bind(query)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    n
}

/// Asserts that `table` (an FTS5 search table) holds `expected` rows matching `query`; on
/// SQLite only, as PostgreSQL has no such tables (see the module's doc).
async fn expect_index_rows(db: &TempDb, table: &str, query: &str, expected: i64) {
    if backend_under_test() == "sqlite" {
        assert_eq!(
            index_rows(db, table, query).await,
            expected,
            "rows of {table} matching {query}"
        );
    }
}

#[tokio::test]
async fn every_character_of_a_search_is_literal() {
    let db = TempDb::new();
    let store = db.open().await;
    let texts = [
        "discount of 100% today",
        "snake_case_name here",
        "he said \"quoted words\" loudly",
        "cats AND dogs OR birds",
        "NEAR(one two) is not an operator",
        "glob *star* and col:on and ^caret",
        "a path C:\\Users\\back\\slash",
        "emoji 🦀🚀 rocket crab",
        "cafe\u{301} with a combining accent",
        "nul\0byte inside",
        "(parentheses) and - minus + plus",
    ];
    let mut ids = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        ids.push(chat(&store, &format!("chat {n}"), text).await);
    }
    // Near misses: what the search would match if its characters were wildcards or syntax.
    let decoys = [
        "discount of 1000 today",
        "snakeXcaseXname here",
        "he said quoted words loudly",
        "cats dogs birds",
        "one two",
        "glob star and colon",
        "a path C:Usersbackslash",
        "cafe with a plain e",
        "nul byte and nulbyte inside",
        "parentheses and minus plus",
    ];
    for (n, text) in decoys.iter().enumerate() {
        chat(&store, &format!("decoy {n}"), text).await;
    }
    for (search, expected) in [
        ("100%", 0),
        ("0%", 0),
        ("e_c", 1),
        ("_", 1),
        ("\"quoted words\"", 2),
        ("\"", 2),
        ("s AND d", 3),
        ("AND dogs OR", 3),
        ("NEAR(one", 4),
        ("*star*", 5),
        ("col:on", 5),
        ("^caret", 5),
        ("\\back\\", 6),
        ("\\", 6),
        ("🦀🚀", 7),
        ("🦀", 7),
        ("e\u{301} with", 8),
        ("nul\0byte", 9),
        ("l\0b", 9),
        ("(parentheses)", 10),
        ("- minus +", 10),
    ] {
        assert_eq!(
            hits(&store, search).await,
            vec![ids[expected].clone()],
            "search {search:?}"
        );
    }
    // Syntax that would match everything, or be an FTS error, finds nothing here.
    for search in [
        "\"\"",
        "a OR b OR c",
        "NEAR(x y, 5)",
        "%%%",
        "___",
        "* OR *",
        "x*",
        "\")",
    ] {
        assert!(hits(&store, search).await.is_empty(), "search {search:?}");
    }
}

#[tokio::test]
async fn substrings_anywhere_match_case_insensitively() {
    let db = TempDb::new();
    let store = db.open().await;
    let plant = chat(&store, "Biology", "Photosynthesis needs LIGHT").await;
    let school = chat(&store, "Ünïcode", "Une ÉCOLE à Paris").await;
    let other = chat(&store, "Other", "nothing to see").await;
    assert_eq!(hits(&store, "tosynth").await, vec![plant.clone()]);
    assert_eq!(hits(&store, "PHOTOSYNTHESIS").await, vec![plant.clone()]);
    assert_eq!(hits(&store, "ds lig").await, vec![plant.clone()]);
    // Unicode case folding for searches the index answers.
    assert_eq!(hits(&store, "école").await, vec![school.clone()]);
    assert_eq!(hits(&store, "ünï").await, vec![school.clone()]);
    // Titles too.
    assert_eq!(hits(&store, "iolog").await, vec![plant.clone()]);
    // Short searches: titles and recent messages, ASCII case folding.
    assert_eq!(hits(&store, "Ph").await, vec![plant.clone()]);
    assert_eq!(hits(&store, "à").await, vec![school.clone()]);
    assert_eq!(hits(&store, "SE").await, vec![other.clone()]);
    assert!(hits(&store, "zz").await.is_empty());
    assert!(hits(&store, "photosynthesis light").await.is_empty());
}

#[tokio::test]
async fn the_index_follows_answers_renames_and_deletes() {
    let db = TempDb::new();
    let store = db.open().await;
    let c = store
        .create_conversation(ME, "Zoology", None, None)
        .await
        .unwrap();
    let q = store
        .add_user_message(ME, &c.id, None, "tell me about marsupials")
        .await
        .unwrap();
    assert_eq!(hits(&store, "marsupial").await, vec![c.id.clone()]);

    // A streaming answer is found once it ends, with its final text.
    let a = store.start_answer(ME, &c.id, &q.id, "m").await.unwrap();
    let t0 = Instant::now();
    let mut writer = AnswerWriter::new(store.clone(), ME, &a, t0);
    writer.push("The quokka ");
    assert!(writer
        .flush_if_due(t0 + Duration::from_secs(1))
        .await
        .unwrap());
    assert!(
        hits(&store, "quokka").await.is_empty(),
        "not while streaming"
    );
    expect_index_rows(&db, "message_search", "\"quokka\"", 0).await;
    writer.push("smiles at wombats.");
    writer
        .finish(AnswerEnd::Complete, &AnswerStats::default())
        .await
        .unwrap();
    assert_eq!(hits(&store, "smiles at WOMBAT").await, vec![c.id.clone()]);
    assert_eq!(hits(&store, "quokka").await, vec![c.id.clone()]);

    // Continue: reopened, more text, finished again; the index holds the new text once.
    let reopened = store.reopen_answer(ME, &a.id).await.unwrap();
    let mut writer = AnswerWriter::new(store.clone(), ME, &reopened, t0);
    writer.push(" Also numbats.");
    writer
        .finish(AnswerEnd::Stopped, &AnswerStats::default())
        .await
        .unwrap();
    assert_eq!(hits(&store, "wombats. Also numb").await, vec![c.id.clone()]);
    expect_index_rows(&db, "message_search", "\"quokka\"", 1).await;

    // An answer left streaming by a crash is indexed by recovery.
    let b = store.start_answer(ME, &c.id, &q.id, "m").await.unwrap();
    let mut writer = AnswerWriter::new(store.clone(), ME, &b, t0);
    writer.push("platypus eggs");
    writer
        .flush_if_due(t0 + Duration::from_secs(1))
        .await
        .unwrap();
    assert!(hits(&store, "platypus").await.is_empty());
    assert_eq!(store.recover_interrupted().await.unwrap(), 1);
    assert_eq!(hits(&store, "platypus").await, vec![c.id.clone()]);

    // Renames.
    store
        .rename_conversation(ME, &c.id, "Antipodean fauna")
        .await
        .unwrap();
    assert_eq!(hits(&store, "antipod").await, vec![c.id.clone()]);
    assert!(hits(&store, "zoolog").await.is_empty());

    // A deleted conversation leaves nothing the index can find.
    let keep = chat(&store, "Kept", "a quokka elsewhere").await;
    store.delete_conversation(ME, &c.id).await.unwrap();
    assert_eq!(hits(&store, "quokka").await, vec![keep]);
    for word in ["marsupial", "wombat", "platypus", "numbat"] {
        assert!(hits(&store, word).await.is_empty(), "{word}");
        expect_index_rows(&db, "message_search", &format!("\"{word}\""), 0).await;
    }
    expect_index_rows(&db, "title_search", "\"antipod\"", 0).await;
    expect_index_rows(&db, "message_search", "\"quokka\"", 1).await;
}

#[tokio::test]
async fn the_migration_indexes_what_the_earlier_schema_stored() {
    if backend_under_test() == "postgres" {
        eprintln!(
            "skip: PostgreSQL's schema has had its search index from its first migration; \
             there is no earlier schema to migrate"
        );
        return;
    }
    let db = TempDb::new();
    // The schema as it was before the search index: every earlier migration file, unchanged.
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let earlier = db.path.parent().unwrap().join("earlier-migrations");
    std::fs::create_dir_all(&earlier).unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let version: i64 = name.split('_').next().unwrap().parse().unwrap();
        if version < SEARCH_MIGRATION {
            std::fs::copy(&path, earlier.join(&name)).unwrap();
        }
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db.path)
        .create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(earlier.as_path())
        .await
        .unwrap()
        .run(&mut conn)
        .await
        .unwrap();
    let has_index: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'message_search'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(has_index, 0, "the earlier schema has no search index");
    sqlx::raw_sql(
        "INSERT INTO conversations (id, user_id, title, created_at, updated_at)
             VALUES ('11111111-1111-4111-8111-111111111111', 1, 'Old title here', 1, 1);
         INSERT INTO messages (id, conversation_id, parent_id, role, content, status,
                               created_at, updated_at)
             VALUES ('22222222-2222-4222-8222-222222222222',
                     '11111111-1111-4111-8111-111111111111', NULL, 'user',
                     'an old question about axolotls', 'complete', 2, 2),
                    ('33333333-3333-4333-8333-333333333333',
                     '11111111-1111-4111-8111-111111111111',
                     '22222222-2222-4222-8222-222222222222', 'assistant',
                     'an answer cut by a crash: salamanders', 'streaming', 3, 3);",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = db.open().await;
    let old = "11111111-1111-4111-8111-111111111111".to_string();
    assert_eq!(hits(&store, "axolotl").await, vec![old.clone()]);
    expect_index_rows(&db, "message_search", "\"axolotl\"", 1).await;
    expect_index_rows(&db, "title_search", "\"old title\"", 1).await;
    assert_eq!(hits(&store, "LD TITL").await, vec![old.clone()]);
    assert!(hits(&store, "salamander").await.is_empty());
    // What start-up does next: the crashed answer is indexed when it becomes interrupted.
    assert_eq!(store.recover_interrupted().await.unwrap(), 1);
    assert_eq!(hits(&store, "salamander").await, vec![old.clone()]);
    // And what comes after the migration is indexed too.
    let new = chat(&store, "New", "fresh text about newts").await;
    assert_eq!(hits(&store, "newts").await, vec![new]);
}

#[tokio::test]
async fn short_searches_read_a_bounded_number_of_recent_messages() {
    let db = TempDb::new();
    let store = db.open().await;
    let old = chat(&store, "First", "the letter q").await;
    assert_eq!(hits(&store, "q").await, vec![old.clone()]);
    let busy = store
        .create_conversation(ME, "Busy", None, None)
        .await
        .unwrap();
    let limit = usize::try_from(sluice::store::SHORT_SEARCH_MESSAGES).unwrap();
    for n in 0..limit {
        store
            .add_user_message(ME, &busy.id, None, &format!("padding {n}"))
            .await
            .unwrap();
    }
    // The old message is beyond the most recent ones a 1–2 character search reads…
    assert!(hits(&store, "q").await.is_empty());
    // …but a title always counts, and 3+ characters use the index over everything.
    assert_eq!(hits(&store, "Fi").await, vec![old.clone()]);
    assert_eq!(hits(&store, "r q").await, vec![old]);
}
