//! Owner scoping and hostile ids: another user's conversation and a malformed id are the same
//! `NotFound`, for every operation, and nothing changes.

use super::TempDb;
use sluice::ids::{ConversationId, MessageId};
use sluice::store::{AnswerWriter, Store, StoreError, UserId};
use std::time::{Duration, Instant};

/// The owner of the conversation under attack.
const ALICE: UserId = UserId::LOCAL;
/// Another user trying to reach it.
const BOB: UserId = UserId(2);

/// Adds Bob's user row (see [`TempDb::add_user`]).
async fn add_bob(db: &TempDb) {
    db.add_user(BOB.0, "bob").await;
}

/// Fails unless `result` is exactly `NotFound`.
fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn another_users_conversation_is_not_found() {
    let db = TempDb::new();
    let store: Store = db.open().await;
    add_bob(&db).await;
    let c = store
        .create_conversation(ALICE, "Private", None, None)
        .await
        .unwrap();
    let q = store
        .add_user_message(ALICE, &c.id, None, "secret")
        .await
        .unwrap();
    let a = store.start_answer(ALICE, &c.id, &q.id, "m").await.unwrap();
    store
        .create_conversation(BOB, "Bob's", None, None)
        .await
        .unwrap();

    assert_not_found(store.get_conversation(BOB, &c.id).await);
    assert_not_found(store.rename_conversation(BOB, &c.id, "pwned").await);
    assert_not_found(
        store
            .set_conversation_settings(BOB, &c.id, Some("x"), None)
            .await,
    );
    assert_not_found(store.delete_conversation(BOB, &c.id).await);
    assert_not_found(store.add_user_message(BOB, &c.id, Some(&a.id), "hi").await);
    assert_not_found(store.start_answer(BOB, &c.id, &q.id, "m").await);
    let bobs = store.list_conversations(BOB, None).await.unwrap();
    assert_eq!(bobs.len(), 1);
    assert!(bobs.iter().all(|s| s.id != c.id));
    assert!(store
        .list_conversations(BOB, Some("secret"))
        .await
        .unwrap()
        .is_empty());

    // Bob cannot write into Alice's streaming answer either.
    let t0 = Instant::now();
    let mut writer = AnswerWriter::new(store.clone(), BOB, &a, t0);
    writer.push("injected");
    assert_not_found(writer.flush_if_due(t0 + Duration::from_secs(1)).await);

    let tree = store.get_conversation(ALICE, &c.id).await.unwrap();
    assert_eq!(tree.conversation.title, "Private");
    assert_eq!(tree.messages.len(), 2);
    assert_eq!(tree.messages[1].content, "");
}

#[tokio::test]
async fn malformed_ids_are_not_found() {
    let db = TempDb::new();
    let store = db.open().await;
    let c = store
        .create_conversation(ALICE, "C", None, None)
        .await
        .unwrap();
    let hostile = [
        "",
        "not-a-uuid",
        "' OR 1=1 --",
        "%",
        "00000000-0000-0000-0000-000000000000",
        "\u{0}",
        "😀😀😀",
        &"a".repeat(100_000),
    ];
    for id in hostile {
        let (conversation, message) = (ConversationId::from(id), MessageId::from(id));
        assert_not_found(store.get_conversation(ALICE, &conversation).await);
        assert_not_found(store.rename_conversation(ALICE, &conversation, "x").await);
        assert_not_found(store.delete_conversation(ALICE, &conversation).await);
        assert_not_found(
            store
                .add_user_message(ALICE, &conversation, None, "x")
                .await,
        );
        assert_not_found(
            store
                .add_user_message(ALICE, &c.id, Some(&message), "x")
                .await,
        );
        assert_not_found(store.start_answer(ALICE, &c.id, &message, "m").await);
    }
    // Other spellings of a real id (upper case, braces) find the same conversation.
    let upper = ConversationId::from(c.id.to_uppercase());
    assert_eq!(
        store
            .get_conversation(ALICE, &upper)
            .await
            .unwrap()
            .conversation
            .id,
        c.id
    );
    assert!(store
        .get_conversation(ALICE, &c.id)
        .await
        .unwrap()
        .messages
        .is_empty());
}
