//! Hostile stored text through the server-rendered page `/c/{id}` (imported, so any content can
//! be stored): fields holding `</script><!--`, U+2028 and U+202E never break out of the page's
//! text or its hydration `<script>` data, and pathological Markdown (100,000 nested `>` or 50,000
//! list markers, 1,000 reference definitions, a 200 KB unclosed `<!--`) renders in bounded time
//! without crashing the server (a stack overflow would abort the whole process).

use crate::support::TestApp;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Imports a conversation titled `title` whose one answer is `answer` (`error` / `model`
/// set when given); returns its id.
async fn import(
    app: &TestApp,
    title: &str,
    answer: &str,
    model: Option<&str>,
    error: Option<&str>,
) -> String {
    let t = 1_700_000_000_000_i64;
    let mut reply = json!({
        "id": "a", "parent_id": "u", "role": "assistant", "content": answer,
        "status": if error.is_some() { "error" } else { "complete" },
        "created_at": t + 2, "updated_at": t + 2,
    });
    if let Some(model) = model {
        reply["model"] = json!(model);
    }
    if let Some(error) = error {
        reply["error"] = json!(error);
    }
    let document = json!({
        "format": "sluice.conversation",
        "version": 1,
        "exported_at": t + 3,
        "conversation": {"title": title, "created_at": t, "updated_at": t + 2},
        "messages": [
            {"id": "u", "parent_id": null, "role": "user", "content": "question",
             "status": "complete", "created_at": t + 1, "updated_at": t + 1},
            reply,
        ],
    })
    .to_string();
    let response = app
        .api("/api/conversations/import", json!({ "document": document }))
        .await;
    let status = response.status();
    let body = response.text().await.expect("import body");
    assert_eq!(status, 200, "import refused: {body:.300}");
    let conversation: Value = serde_json::from_str(&body).expect("conversation JSON");
    conversation["id"].as_str().expect("id").to_string()
}

/// GETs a page; returns status and HTML (panics after `limit`).
async fn page(app: &TestApp, path: &str, limit: Duration) -> (u16, String) {
    let fetch = async {
        let response = app.client.get(app.url(path)).send().await.expect("page");
        let status = response.status().as_u16();
        (status, response.text().await.expect("html"))
    };
    tokio::time::timeout(limit, fetch)
        .await
        .unwrap_or_else(|_| panic!("{path} took more than {limit:?}"))
}

/// The contents of every `<script …>…</script>` element; panics when an opening tag is not
/// closed before the next one opens (a script island broken open by stored text).
fn script_islands(html: &str) -> Vec<&str> {
    let mut islands = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let body_start = after_open.find('>').expect("an opening tag ends") + 1;
        let body = &after_open[body_start..];
        let close = body.find("</script").expect("every script is closed");
        let content = &body[..close];
        assert!(
            !content.contains("<script"),
            "a script element opens inside another: {content:.300}"
        );
        islands.push(content);
        rest = &body[close..];
        rest = &rest[rest.find('>').map_or(rest.len(), |end| end + 1)..];
    }
    islands
}

#[tokio::test]
async fn hostile_imported_fields_stay_inside_the_page_text_and_its_script_islands() {
    let app = TestApp::fast_demo().await;
    let hostile = "</script><!--<script>alert(1)</script>\u{2028}line\u{2029}para\u{202E}desrever";
    let title = format!("TITLEMARK{hostile}");
    let model = format!("MODELMARK{hostile}");
    let error = format!("ERRORMARK{hostile}");
    let id = import(
        &app,
        &title,
        &format!("ANSWERMARK{hostile}"),
        Some(&model),
        Some(&error),
    )
    .await;
    let (status, html) = page(&app, &format!("/c/{id}"), Duration::from_secs(20)).await;
    assert_eq!(status, 200, "{html:.500}");
    for mark in ["TITLEMARK", "MODELMARK", "ERRORMARK", "ANSWERMARK"] {
        assert!(html.contains(mark), "{mark} is not on the page");
        for (at, _) in html.match_indices(mark) {
            let next = &html[at + mark.len()..];
            assert!(
                !next.starts_with('<'),
                "{mark} is followed by raw markup: {:.80}",
                next
            );
        }
    }
    assert!(
        !html.contains("<!--<script"),
        "the comment opener got through"
    );
    let islands = script_islands(&html);
    assert!(!islands.is_empty(), "the page carries hydration data");
    for island in &islands {
        assert!(
            !island.contains("<!--")
                && !island.contains('\u{2028}')
                && !island.contains('\u{2029}'),
            "a script island holds raw `<!--`, U+2028 or U+2029: {island:.300}"
        );
    }
    // The title is shown as text (escaped), and the error too.
    assert!(
        html.contains("TITLEMARK&lt;/script&gt;&lt;!--&lt;script&gt;"),
        "the title is not shown escaped"
    );
    assert!(
        html.contains("ERRORMARK&lt;/script&gt;"),
        "the error is not shown escaped"
    );
    // The server still answers.
    assert_eq!(page(&app, "/", Duration::from_secs(10)).await.0, 200);
}

/// Renders `answer` through an imported conversation's page within a generous bound, then
/// checks the server still answers.
async fn renders_in_bounded_time(app: &TestApp, label: &str, answer: &str) -> String {
    let id = import(app, label, answer, None, None).await;
    let started = Instant::now();
    let (status, html) = page(app, &format!("/c/{id}"), Duration::from_secs(20)).await;
    assert_eq!(status, 200, "{label}: {html:.300}");
    eprintln!("{label}: rendered in {:?}", started.elapsed());
    let (status, _) = page(app, "/", Duration::from_secs(10)).await;
    assert_eq!(status, 200, "{label}: the server stopped answering");
    html
}

#[tokio::test]
async fn pathological_markdown_renders_in_bounded_time_without_a_crash() {
    let app = TestApp::fast_demo().await;

    let deep_quote = format!("{} deepest", ">".repeat(100_000));
    let html = renders_in_bounded_time(&app, "deep quotes", &deep_quote).await;
    assert!(html.contains("deepest"), "the innermost text is shown");

    let nested_lists = format!("{}item", "- ".repeat(50_000));
    renders_in_bounded_time(&app, "deep lists", &nested_lists).await;

    let mut references = String::new();
    for i in 0..1_000 {
        references.push_str(&format!("See [ref {i}][r{i}] and [r{i}].\n\n"));
    }
    for i in 0..1_000 {
        references.push_str(&format!("[r{i}]: https://example.com/{i} \"Title {i}\"\n"));
    }
    let html = renders_in_bounded_time(&app, "references", &references).await;
    assert!(
        html.contains("https://example.com/999"),
        "the last reference is resolved"
    );

    // Ten times as many, within an import's 1 MiB per message.
    let mut many = String::new();
    for i in 0..10_000 {
        many.push_str(&format!("Use [r{i}].\n\n"));
    }
    for i in 0..10_000 {
        many.push_str(&format!("[r{i}]: https://example.com/{i}\n"));
    }
    let html = renders_in_bounded_time(&app, "many references", &many).await;
    assert!(html.contains("https://example.com/9999"));

    let comment = format!("<!--{}", "x".repeat(200 * 1024));
    renders_in_bounded_time(&app, "open comment", &comment).await;
    let comments = "<!--".repeat(50 * 1024);
    renders_in_bounded_time(&app, "comment openers", &comments).await;
}
