//! Hostile searches at `POST /api/conversations/list`: an over-long search is a 400 with a
//! sentence (never the 500 SQLite gave for a ~50,000-character `LIKE` pattern), and search
//! text that looks like `LIKE` wildcards or FTS5 syntax finds exactly the conversations whose
//! messages contain it.

use super::{assert_clear_4xx, send};
use crate::support::TestApp;
use serde_json::json;
use sluice::conversation::ConversationSummary;
use sluice::store::UserId;

/// The built-in local user (auth off), who owns what the tests insert.
const ME: UserId = UserId::LOCAL;

/// A conversation holding one user message `text`, inserted through the app's store.
async fn chat(app: &TestApp, title: &str, text: &str) -> String {
    let store = &app.state.store;
    let c = store
        .create_conversation(ME, title, None, None)
        .await
        .unwrap();
    store.add_user_message(ME, &c.id, None, text).await.unwrap();
    c.id.into()
}

/// The ids `search` finds over HTTP (which must answer 200).
async fn hits(app: &TestApp, search: &str) -> Vec<String> {
    let response = app
        .api("/api/conversations/list", json!({ "search": search }))
        .await;
    assert_eq!(response.status(), 200, "search {search:?}");
    let list: Vec<ConversationSummary> = response.json().await.expect("list");
    list.into_iter().map(|c| c.id.into()).collect()
}

#[tokio::test]
async fn searches_over_200_characters_are_400_with_a_sentence() {
    let app = TestApp::spawn(&[]).await;
    let long = "ab".repeat(100);
    let id = chat(&app, "Long", &format!("before {long} after")).await;
    for (label, search) in [
        ("50,000 characters", "x".repeat(50_000)),
        ("201 characters", format!("{long}c")),
        ("201 emoji", "🦀".repeat(201)),
    ] {
        let (status, text) = send(
            app.client
                .post(app.url("/api/conversations/list"))
                .json(&json!({ "search": search })),
            label,
        )
        .await;
        assert_eq!(status, 400, "{label}: {text}");
        assert_clear_4xx(status, &text, label);
        assert!(text.contains("at most 200 characters"), "{label}: {text}");
    }
    // 200 characters are searched (spaces around them do not count), as are 200 emoji.
    assert_eq!(hits(&app, &long).await, vec![id.clone()]);
    assert_eq!(hits(&app, &format!("   {long}   ")).await, vec![id]);
    assert!(hits(&app, &"🦀".repeat(200)).await.is_empty());
    // The refusals changed nothing.
    assert_eq!(hits(&app, "").await.len(), 1);
}

#[tokio::test]
async fn wildcards_and_fts_syntax_find_exactly_the_messages_containing_them() {
    let app = TestApp::spawn(&[]).await;
    let texts = [
        "100% sure",
        "an under_score",
        "say \"cheese\" now",
        "NEAR(a b) OR c AND d*",
        "back\\slash",
        "zero\0byte",
        "crab 🦀 emoji",
    ];
    let mut ids = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        ids.push(chat(&app, &format!("chat {n}"), text).await);
    }
    for decoy in [
        "1000 sure",
        "an underXscore",
        "say cheese now",
        "a b c d",
        "zero byte",
    ] {
        chat(&app, "decoy", decoy).await;
    }
    for (search, expected) in [
        ("%", 0),
        ("0% s", 0),
        ("_", 1),
        ("r_s", 1),
        ("\"cheese\"", 2),
        ("\"", 2),
        ("NEAR(a b)", 3),
        ("OR c AND d*", 3),
        ("*", 3),
        ("\\", 4),
        ("k\\s", 4),
        ("o\0b", 5),
        ("zero\0byte", 5),
        ("🦀", 6),
        ("b 🦀 e", 6),
    ] {
        assert_eq!(
            hits(&app, search).await,
            vec![ids[expected].clone()],
            "search {search:?}"
        );
    }
}
