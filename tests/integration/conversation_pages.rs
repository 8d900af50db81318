//! The conversation page `/c/{id}` as the server renders it: the stored messages are in the
//! HTML itself (so a reload shows them before the WebAssembly loads), an answer cut by a crash
//! shows as interrupted with Retry, hostile stored text stays text, and unknown or malformed
//! ids answer 404.

use crate::support::{stored_ids, TestApp};
use sluice::store::{Store, UserId};
use std::time::{Duration, Instant};

/// GETs a page; returns status and HTML.
async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

#[tokio::test]
async fn a_stored_conversation_is_rendered_into_the_page() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(
        &app.send_and_finish(None, None, "Explain <b>tides</b> & moons")
            .await,
    );
    let (status, html) = page(&app, &format!("/c/{}", ids.conversation_id)).await;
    assert_eq!(status, 200);
    // The user's text is escaped, never markup.
    assert!(
        html.contains("Explain &lt;b&gt;tides&lt;/b&gt; &amp; moons"),
        "{html}"
    );
    assert!(!html.contains("<b>tides</b>"));
    assert!(html.contains(r#"data-role="assistant""#));
    assert!(html.contains(r#"data-status="done""#));
    assert!(
        html.contains("Demo model"),
        "the answer's Markdown is rendered"
    );
}

/// Stores a user message and an answer left `streaming` with `partial` flushed, as a crash
/// leaves it, then runs start-up recovery.
async fn crashed_answer(store: &Store, partial: &str) -> String {
    let user = UserId::LOCAL;
    let conversation = store
        .create_conversation(user, "Crashed", Some("demo/sluice-demo"), None)
        .await
        .expect("conversation");
    let question = store
        .add_user_message(user, &conversation.id, None, "Tell me everything")
        .await
        .expect("question");
    let answer = store
        .start_answer(user, &conversation.id, &question.id, "demo/sluice-demo")
        .await
        .expect("answer");
    let start = Instant::now();
    let mut writer = sluice::store::AnswerWriter::new(store.clone(), user, &answer, start);
    writer.push(partial);
    assert!(writer
        .flush_if_due(start + Duration::from_secs(1))
        .await
        .expect("flush"));
    drop(writer); // the process "dies": no final status
    assert_eq!(store.recover_interrupted().await.expect("recover"), 1);
    conversation.id.into()
}

#[tokio::test]
async fn an_answer_cut_by_a_crash_shows_interrupted_with_retry() {
    let app = TestApp::fast_demo().await;
    let id = crashed_answer(&app.state.store, "The first half of the answer").await;
    let (status, html) = page(&app, &format!("/c/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-status="interrupted""#), "{html}");
    assert!(html.contains("The first half of the answer"));
    assert!(html.contains("interrupted-retry"), "Retry is offered");
    assert!(
        html.contains("Tell me everything"),
        "the user's message is kept"
    );
}

#[tokio::test]
async fn unknown_and_malformed_conversation_pages_are_404() {
    let app = TestApp::fast_demo().await;
    for path in [
        "/c/00000000-0000-4000-8000-000000000000",
        "/c/not-a-uuid",
        "/c/%27%20OR%201%3D1",
    ] {
        let (status, html) = page(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("does not exist"), "{path}: {html}");
    }
    let (status, _) = page(&app, "/").await;
    assert_eq!(status, 200);
}
