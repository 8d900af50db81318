//! PostgreSQL only: several replicas on one database. Start-up recovery marks `interrupted`
//! only the streaming answers of the replica that starts (and those no replica owns), never a
//! live answer of another; replicas migrating a fresh database at once apply each migration
//! exactly once (sqlx's advisory lock). SQLite has one process, which recovers every
//! streaming answer (`answers.rs`).

use super::TempDb;
use sluice::store::{Message, MessageStatus, Store, StoreOptions, UserId};
use sqlx::Connection;

/// The built-in local user, owner of everything here.
const ME: UserId = UserId::LOCAL;

/// A store on `url` that calls itself `replica`.
async fn replica(url: &str, replica: &str) -> Store {
    Store::connect(&StoreOptions::postgres(url).with_replica_id(replica))
        .await
        .expect("connect")
}

/// The status of `message` as stored.
async fn status(store: &Store, message: &Message) -> MessageStatus {
    store.message(ME, &message.id).await.expect("stored").status
}

#[tokio::test]
async fn recovery_on_postgresql_leaves_other_replicas_answers_streaming() {
    let db = TempDb::new();
    let Some(url) = db.postgres_url().await.map(str::to_owned) else {
        eprintln!("skip: replicas share a database only on PostgreSQL");
        return;
    };
    let a = replica(&url, "replica-a").await;
    let b = replica(&url, "replica-b").await;
    let c = a.create_conversation(ME, "T", None, None).await.unwrap();
    let q1 = a.add_user_message(ME, &c.id, None, "one").await.unwrap();
    let from_a = a.start_answer(ME, &c.id, &q1.id, "m/x").await.unwrap();
    let q2 = b
        .add_user_message(ME, &c.id, Some(&from_a.id), "two")
        .await
        .unwrap();
    let from_b = b.start_answer(ME, &c.id, &q2.id, "m/x").await.unwrap();

    // Replica b restarts: only its own answer was cut short.
    assert_eq!(b.recover_interrupted().await.unwrap(), 1);
    assert_eq!(status(&a, &from_b).await, MessageStatus::Interrupted);
    assert_eq!(status(&a, &from_a).await, MessageStatus::Streaming);

    // A's answer is still live: it ends normally.
    let mut writer =
        sluice::store::AnswerWriter::new(a.clone(), ME, &from_a, std::time::Instant::now());
    writer.push("done");
    writer
        .finish(sluice::store::AnswerEnd::Complete, &Default::default())
        .await
        .unwrap();
    assert_eq!(status(&b, &from_a).await, MessageStatus::Complete);

    // "Continue" on b's recovered answer from replica a: a owns it now.
    a.reopen_answer(ME, &from_b.id).await.unwrap();
    assert_eq!(b.recover_interrupted().await.unwrap(), 0);
    assert_eq!(status(&b, &from_b).await, MessageStatus::Streaming);
    assert_eq!(a.recover_interrupted().await.unwrap(), 1);
    assert_eq!(status(&b, &from_b).await, MessageStatus::Interrupted);
}

#[tokio::test]
async fn replicas_migrating_a_fresh_database_at_once_apply_each_migration_once() {
    let db = TempDb::new();
    let Some(url) = db.postgres_url().await.map(str::to_owned) else {
        eprintln!("skip: concurrent start-ups share a database only on PostgreSQL");
        return;
    };
    let starts = (0..6).map(|n| {
        let url = url.clone();
        async move { replica(&url, &format!("replica-{n}")).await }
    });
    let stores = futures::future::join_all(starts).await;
    assert_eq!(stores.len(), 6);
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let (applied, files): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT version) FROM _sqlx_migrations WHERE success",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .count() as i64;
    assert_eq!((applied, files), (on_disk, on_disk), "each migration once");
    // The schema works for every one of them.
    for store in &stores {
        store
            .create_conversation(ME, "x", None, None)
            .await
            .unwrap();
    }
    let (conversations,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM conversations")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(conversations, 6);
}
