//! Response headers: every response carries the strict Content-Security-Policy (with a fresh
//! nonce each time), `nosniff`, `no-referrer` and `DENY`; every `<script>` a page contains
//! carries exactly the nonce of its own response, so the hydration script runs and nothing else
//! inline can; and no server-rendered element has a `style` attribute (`style-src 'self'`).

use crate::support::{header_value, stored_ids, TestApp};

/// One response's status, CSP nonce and body.
struct Page {
    /// HTTP status.
    status: u16,
    /// The `'nonce-…'` value of the policy.
    nonce: String,
    /// The body.
    html: String,
}

/// The policy with the nonce replaced by `N`, for comparing with the expected text.
const POLICY_SHAPE: &str = "default-src 'self'; script-src 'self' 'nonce-N' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; \
     manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// GETs `path`, checks the fixed headers and returns the page with its nonce.
async fn get(app: &TestApp, path: &str) -> Page {
    let response = app.client.get(app.url(path)).send().await.expect("page");
    let header = |name: &str| header_value(&response, name);
    let policy = header("content-security-policy").expect("a CSP header");
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"));
    let nonce = nonce_of(&policy);
    assert_eq!(policy.replace(&nonce, "N"), POLICY_SHAPE, "{path}");
    let status = response.status().as_u16();
    Page {
        status,
        nonce,
        html: response.text().await.expect("body"),
    }
}

/// The value inside `'nonce-…'`.
fn nonce_of(policy: &str) -> String {
    let start = policy.find("'nonce-").expect("a nonce source") + "'nonce-".len();
    let end = start + policy[start..].find('\'').expect("closing quote");
    let nonce = policy[start..end].to_string();
    assert!(nonce.len() >= 22, "at least 128 bits: {nonce}");
    nonce
}

/// Every `<script …>` opening tag in `html`.
fn script_tags(html: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let end = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
        tags.push(&rest[open..end]);
        rest = &rest[end..];
    }
    tags
}

/// Asserts the page's inline scripts all carry its own nonce and no element has inline style.
fn assert_scripts_carry_the_nonce(page: &Page, path: &str) {
    let tags = script_tags(&page.html);
    assert!(
        !tags.is_empty(),
        "{path}: the page has its hydration script"
    );
    let expected = format!("nonce=\"{}\"", page.nonce);
    for tag in tags {
        assert!(tag.contains(&expected), "{path}: {tag} lacks {expected}");
    }
    assert!(
        !page.html.contains(" style="),
        "{path}: an inline style attribute would be blocked by style-src 'self'"
    );
}

#[tokio::test]
async fn pages_carry_a_fresh_nonce_on_every_inline_script() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(
        &app.send_and_finish(None, None, "A **stored** answer, <script>alert(1)</script>")
            .await,
    );
    let conversation = format!("/c/{}", ids.conversation_id);
    let mut seen = Vec::new();
    for path in ["/", conversation.as_str(), "/", "/sign-in", "/no-such-page"] {
        let page = get(&app, path).await;
        let expected_status = if path == "/no-such-page" { 404 } else { 200 };
        assert_eq!(page.status, expected_status, "{path}");
        assert_scripts_carry_the_nonce(&page, path);
        assert!(
            !seen.contains(&page.nonce),
            "{path}: nonce {} was used before",
            page.nonce
        );
        seen.push(page.nonce);
    }
    // The stored answer's script is text, not a script element.
    let page = get(&app, &conversation).await;
    assert!(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.html.contains("<script>alert(1)"));
}

#[tokio::test]
async fn api_answers_and_errors_carry_the_headers_too() {
    let app = TestApp::fast_demo().await;
    for path in ["/api/nothing-here", "/api/conversations/list"] {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .expect("api");
        let headers = response.headers();
        for name in [
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "x-frame-options",
        ] {
            assert!(headers.contains_key(name), "{path} lacks {name}");
        }
    }
    // The event stream of an answer keeps its streaming headers next to the security ones.
    let response = app.stream_chat("demo/sluice-demo", "hello").await;
    assert_eq!(
        header_value(&response, "cache-control").as_deref(),
        Some("no-cache")
    );
    assert!(response.headers().contains_key("content-security-policy"));
}
