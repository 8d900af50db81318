//! The installable app and the theme, as the server delivers them: the manifest (valid JSON
//! with the fields browsers need, its icons served at the sizes it names), the service worker
//! (JavaScript, always revalidated, staying away from the API), the policy allowing both, and
//! `<html data-theme>` rendered from the `sluice_theme` cookie, hostile values ignored.

use crate::support::{header_value, TestApp};

/// The real `public/` folder, served as the site root (cargo-leptos copies it there).
const PUBLIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/public");

/// GETs `path` and returns the response, asserting a 200.
async fn get_ok(app: &TestApp, path: &str) -> reqwest::Response {
    let response = app.client.get(app.url(path)).send().await.expect(path);
    assert_eq!(response.status(), 200, "{path}");
    response
}

/// Width and height of a PNG file, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (word(16), word(20))
}

#[tokio::test]
async fn the_manifest_is_served_valid_with_its_icons() {
    let app = TestApp::spawn_with_site_root(&[], PUBLIC).await;
    let response = get_ok(&app, "/manifest.webmanifest").await;
    assert_eq!(
        header_value(&response, "content-type").as_deref(),
        Some("application/manifest+json")
    );
    assert_eq!(
        header_value(&response, "cache-control").as_deref(),
        Some("no-cache")
    );
    let manifest: serde_json::Value = response.json().await.expect("the manifest is JSON");
    for field in ["name", "short_name", "theme_color", "background_color"] {
        assert!(
            manifest[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    let icons = manifest["icons"].as_array().expect("icons");
    let mut seen = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().expect("src");
        let kind = icon["type"].as_str().expect("type");
        let purpose = icon["purpose"].as_str().unwrap_or("any");
        let response = get_ok(&app, src).await;
        assert_eq!(
            header_value(&response, "content-type").as_deref(),
            Some(kind),
            "{src}"
        );
        let bytes = response.bytes().await.expect("icon");
        if kind == "image/png" {
            let (width, height) = png_size(&bytes);
            assert_eq!(icon["sizes"], format!("{width}x{height}"), "{src}");
            seen.push((width, purpose.to_string()));
        } else {
            assert!(String::from_utf8_lossy(&bytes).starts_with("<svg"), "{src}");
            seen.push((0, "svg".to_string()));
        }
    }
    for wanted in [(192, "any"), (512, "any"), (512, "maskable"), (0, "svg")] {
        assert!(
            seen.iter()
                .any(|(size, purpose)| *size == wanted.0 && purpose == wanted.1),
            "an icon {wanted:?} in {seen:?}"
        );
    }
    let touch = get_ok(&app, "/icons/apple-touch-icon.png").await;
    assert_eq!(png_size(&touch.bytes().await.expect("icon")), (180, 180));
}

#[tokio::test]
async fn the_service_worker_is_javascript_always_revalidated_and_skips_the_api() {
    let app = TestApp::spawn_with_site_root(&[], PUBLIC).await;
    let response = get_ok(&app, "/sw.js").await;
    let content_type = header_value(&response, "content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    assert_eq!(
        header_value(&response, "cache-control").as_deref(),
        Some("no-cache")
    );
    let policy = header_value(&response, "content-security-policy").unwrap_or_default();
    assert!(policy.contains("worker-src 'self'"), "{policy}");
    let script = response.text().await.expect("script");
    // What it must leave to the network, whatever else it does.
    for guard in [
        "'/api/'",
        "'/s/'",
        "text/event-stream",
        "request.method !== 'GET'",
    ] {
        assert!(script.contains(guard), "sw.js lacks {guard}");
    }
    // The offline page it falls back to is served too, and holds no script.
    let offline = get_ok(&app, "/offline.html")
        .await
        .text()
        .await
        .expect("page");
    assert!(offline.contains("offline") && !offline.contains("<script"));
}

#[tokio::test]
async fn pages_link_the_manifest_and_the_policy_allows_worker_and_manifest() {
    let app = TestApp::spawn_with_site_root(&[], PUBLIC).await;
    let response = get_ok(&app, "/").await;
    let policy = header_value(&response, "content-security-policy").unwrap_or_default();
    assert!(
        policy.contains("; worker-src 'self'; manifest-src 'self'; "),
        "{policy}"
    );
    assert!(policy.contains("script-src 'self' 'nonce-") && policy.contains("style-src 'self';"));
    let html = response.text().await.expect("page");
    for part in [
        r#"<link rel="manifest" href="/manifest.webmanifest""#,
        r#"<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png""#,
        r#"<meta name="theme-color" media="(prefers-color-scheme: light)""#,
        r#"<meta name="theme-color" media="(prefers-color-scheme: dark)""#,
        "interactive-widget=resizes-content",
    ] {
        assert!(html.contains(part), "the page lacks {part}");
    }
}

/// The page `/` rendered for a request carrying `cookie` (if any).
async fn home_with_cookie(app: &TestApp, cookie: Option<&str>) -> String {
    let mut request = app.client.get(app.url("/"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("page");
    assert_eq!(response.status(), 200);
    response.text().await.expect("html")
}

#[tokio::test]
async fn the_theme_cookie_sets_data_theme_and_hostile_values_are_ignored() {
    let app = TestApp::fast_demo().await;
    let cases = [
        (None, "system"),
        (Some("sluice_theme=dark"), "dark"),
        (Some("other=1; sluice_theme=light"), "light"),
        (Some("sluice_theme=system"), "system"),
        (Some("sluice_theme=\"><script>alert(1)</script>"), "system"),
        (Some("sluice_theme=dark\" onload=\"alert(1)"), "system"),
        (Some("sluice_theme=DARK"), "system"),
        (Some("sluice_theme=%64ark"), "system"),
    ];
    for (cookie, theme) in cases {
        let html = home_with_cookie(&app, cookie).await;
        assert!(
            html.contains(&format!(r#"<html lang="en" data-theme="{theme}">"#)),
            "{cookie:?} → {theme}: {}",
            &html[..html.len().min(300)]
        );
        assert!(!html.contains("alert(1)"), "{cookie:?} reached the page");
    }
    // A chosen theme also sets the browser's colour scheme and chrome colour.
    let dark = home_with_cookie(&app, Some("sluice_theme=dark")).await;
    assert!(dark.contains(r#"<meta name="color-scheme" content="dark">"#));
    assert!(dark.contains(r##"media="(prefers-color-scheme: light)" content="#0f1115""##));
    let system = home_with_cookie(&app, None).await;
    assert!(system.contains(r#"<meta name="color-scheme" content="light dark">"#));
    assert!(system.contains(r##"media="(prefers-color-scheme: light)" content="#ffffff""##));
}
