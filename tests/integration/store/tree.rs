//! The message tree: siblings from regenerate and edit, ordering, listing and search, rename,
//! cascade delete, and concurrent inserts into one conversation.

use super::TempDb;
use sluice::store::{MessageStatus, Role, UserId};

/// The built-in local user, owner of everything here.
const ME: UserId = UserId::LOCAL;

#[tokio::test]
async fn regenerate_and_edit_make_siblings() {
    let db = TempDb::new();
    let store = db.open().await;
    let c = store
        .create_conversation(ME, "Tree", None, Some("be brief"))
        .await
        .unwrap();
    let q1 = store
        .add_user_message(ME, &c.id, None, "first?")
        .await
        .unwrap();
    assert_eq!((q1.role, q1.status), (Role::User, MessageStatus::Complete));
    let a1 = store
        .start_answer(ME, &c.id, &q1.id, "m/one")
        .await
        .unwrap();
    let a2 = store
        .start_answer(ME, &c.id, &q1.id, "m/two")
        .await
        .unwrap();
    assert_eq!(a1.status, MessageStatus::Streaming);
    assert_eq!(a1.model.as_deref(), Some("m/one"));
    // A follow-up under the second answer, then an edit of it: a sibling with the same parent.
    let q2 = store
        .add_user_message(ME, &c.id, Some(&a2.id), "more")
        .await
        .unwrap();
    let q2b = store
        .add_user_message(ME, &c.id, Some(&a2.id), "more, edited")
        .await
        .unwrap();
    // Editing the very first message: a second root.
    let q1b = store
        .add_user_message(ME, &c.id, None, "first, edited")
        .await
        .unwrap();

    let tree = store.get_conversation(ME, &c.id).await.unwrap();
    assert_eq!(tree.messages.len(), 6);
    assert_eq!(tree.conversation.system_prompt.as_deref(), Some("be brief"));
    let ids =
        |v: Vec<&sluice::store::Message>| v.into_iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(tree.children(None)),
        vec![q1.id.clone(), q1b.id.clone()]
    );
    assert_eq!(
        ids(tree.children(Some(&q1.id))),
        vec![a1.id.clone(), a2.id.clone()]
    );
    assert_eq!(
        ids(tree.children(Some(&a2.id))),
        vec![q2.id.clone(), q2b.id.clone()]
    );
    assert!(tree.children(Some(&a1.id)).is_empty());
    let stored_q2 = tree.messages.iter().find(|m| m.id == q2.id).unwrap();
    assert_eq!(stored_q2, &q2, "the returned message is what was stored");
}

#[tokio::test]
async fn parents_must_fit_the_tree() {
    let db = TempDb::new();
    let store = db.open().await;
    let c = store
        .create_conversation(ME, "A", None, None)
        .await
        .unwrap();
    let other = store
        .create_conversation(ME, "B", None, None)
        .await
        .unwrap();
    let q = store.add_user_message(ME, &c.id, None, "q").await.unwrap();
    let a = store.start_answer(ME, &c.id, &q.id, "m").await.unwrap();
    // An answer must follow a user message; a user message must follow an answer.
    assert!(store
        .start_answer(ME, &c.id, &a.id, "m")
        .await
        .unwrap_err()
        .is_not_found());
    assert!(store
        .add_user_message(ME, &c.id, Some(&q.id), "x")
        .await
        .unwrap_err()
        .is_not_found());
    // A parent from another conversation is not found either.
    assert!(store
        .add_user_message(ME, &other.id, Some(&a.id), "x")
        .await
        .unwrap_err()
        .is_not_found());
    assert!(store
        .start_answer(ME, &other.id, &q.id, "m")
        .await
        .unwrap_err()
        .is_not_found());
    assert_eq!(
        store
            .get_conversation(ME, &other.id)
            .await
            .unwrap()
            .messages
            .len(),
        0
    );
}

#[tokio::test]
async fn list_is_newest_first_and_search_escapes_wildcards() {
    let db = TempDb::new();
    let store = db.open().await;
    let old = store
        .create_conversation(ME, "Rust lifetimes", None, None)
        .await
        .unwrap();
    let new = store
        .create_conversation(ME, "Cooking", None, None)
        .await
        .unwrap();
    store
        .add_user_message(ME, &new.id, None, "100% rye_bread")
        .await
        .unwrap();
    let all = store.list_conversations(ME, None).await.unwrap();
    assert_eq!(
        all.iter().map(|s| &s.id).collect::<Vec<_>>(),
        vec![&new.id, &old.id]
    );
    // Activity moves a conversation to the top.
    store
        .add_user_message(ME, &old.id, None, "borrowck")
        .await
        .unwrap();
    let all = store.list_conversations(ME, Some("  ")).await.unwrap();
    assert_eq!(all[0].id, old.id);

    let hits = |v: Vec<sluice::store::ConversationSummary>| {
        v.into_iter().map(|s| s.id).collect::<Vec<_>>()
    };
    assert_eq!(
        hits(
            store
                .list_conversations(ME, Some("LIFETIME"))
                .await
                .unwrap()
        ),
        vec![old.id.clone()]
    );
    assert_eq!(
        hits(store.list_conversations(ME, Some("rye_b")).await.unwrap()),
        vec![new.id.clone()]
    );
    assert_eq!(
        hits(store.list_conversations(ME, Some("0%")).await.unwrap()),
        vec![new.id.clone()]
    );
    assert!(store.list_conversations(ME, Some("%")).await.unwrap().len() == 1);
    assert!(store
        .list_conversations(ME, Some("r_e"))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_conversations(ME, Some("\\"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn rename_settings_and_cascading_delete() {
    let db = TempDb::new();
    let store = db.open().await;
    let c = store
        .create_conversation(ME, "Old", None, None)
        .await
        .unwrap();
    let q = store.add_user_message(ME, &c.id, None, "q").await.unwrap();
    store.start_answer(ME, &c.id, &q.id, "m").await.unwrap();
    store.rename_conversation(ME, &c.id, "New").await.unwrap();
    store
        .set_conversation_settings(ME, &c.id, Some("m/x"), Some("sys"))
        .await
        .unwrap();
    let tree = store.get_conversation(ME, &c.id).await.unwrap();
    assert_eq!(tree.conversation.title, "New");
    assert_eq!(tree.conversation.model.as_deref(), Some("m/x"));
    assert_eq!(tree.conversation.system_prompt.as_deref(), Some("sys"));

    store.delete_conversation(ME, &c.id).await.unwrap();
    assert!(store
        .get_conversation(ME, &c.id)
        .await
        .unwrap_err()
        .is_not_found());
    assert!(store
        .delete_conversation(ME, &c.id)
        .await
        .unwrap_err()
        .is_not_found());
    assert!(store.list_conversations(ME, None).await.unwrap().is_empty());
    // The messages went with it: recovery finds no streaming row left.
    assert_eq!(store.recover_interrupted().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_user_messages_both_land() {
    let db = TempDb::new();
    let store = db.open().await;
    let c = store
        .create_conversation(ME, "Two tabs", None, None)
        .await
        .unwrap();
    let q = store.add_user_message(ME, &c.id, None, "q").await.unwrap();
    let a = store.start_answer(ME, &c.id, &q.id, "m").await.unwrap();
    let mut tasks = Vec::new();
    for tab in 0..2 {
        for n in 0..10 {
            let (store, cid, parent) = (store.clone(), c.id.clone(), a.id.clone());
            tasks.push(tokio::spawn(async move {
                store
                    .add_user_message(ME, &cid, Some(&parent), &format!("tab {tab} #{n}"))
                    .await
            }));
        }
    }
    for task in tasks {
        task.await
            .unwrap()
            .expect("every concurrent insert succeeds");
    }
    let tree = store.get_conversation(ME, &c.id).await.unwrap();
    assert_eq!(tree.messages.len(), 22);
    assert_eq!(tree.children(Some(&a.id)).len(), 20);
    for m in &tree.messages {
        if let Some(parent) = &m.parent_id {
            assert!(
                tree.messages.iter().any(|p| &p.id == parent),
                "every parent exists"
            );
        }
    }
}
