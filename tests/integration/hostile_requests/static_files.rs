//! Static files: no path, however encoded, reads a file outside the site root (404 or 400
//! instead), and the files that are served (JavaScript, WebAssembly, CSS) carry the right
//! `Content-Type` and every security header.

use super::raw_http::{exchange, get_request};
use crate::support::{header_value, TempDir, TestApp};
use std::path::Path;

/// Text of the file placed next to (outside) the site root.
const SECRET: &str = "outside-the-site-root-7f3a";

/// A site root `site/` with a few static files, next to `outside/secret.txt`.
fn site(base: &TempDir) -> String {
    let site = base.path.join("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site dir");
    std::fs::write(pkg.join("app.js"), "console.log('app');").expect("js");
    std::fs::write(pkg.join("app.wasm"), b"\0asm\x01\0\0\0").expect("wasm");
    std::fs::write(pkg.join("style.css"), "body { margin: 0 }").expect("css");
    let outside = base.path.join("outside");
    std::fs::create_dir_all(&outside).expect("outside dir");
    std::fs::write(outside.join("secret.txt"), SECRET).expect("secret");
    site.display().to_string()
}

/// `../` enough times to climb from `dir` to `/`.
fn up_to_root(dir: &Path) -> String {
    "../".repeat(dir.components().count() + 2)
}

#[tokio::test]
async fn no_path_reads_a_file_outside_the_site_root() {
    let base = TempDir::new("static");
    let root = site(&base);
    let app = TestApp::spawn_with_site_root(&[], &root).await;
    // The site root is really served, so the refusals below are not vacuous.
    let served = exchange(app.addr, &get_request(app.addr, "/pkg/app.js")).await;
    assert_eq!(served.status, 200, "{served:?}");
    assert_eq!(served.text(), "console.log('app');");

    let up = up_to_root(Path::new(&root));
    let manifest = env!("CARGO_MANIFEST_DIR").trim_start_matches('/');
    let cargo_toml = format!("/pkg/{up}{manifest}/Cargo.toml");
    let encoded_up = up.replace("../", "%2e%2e%2f");
    let mut targets = vec![
        "/pkg/../../outside/secret.txt".to_string(),
        "/../outside/secret.txt".to_string(),
        "/pkg/%2e%2e/%2e%2e/outside/secret.txt".to_string(),
        "/pkg/%2E%2E/%2E%2E/outside/secret.txt".to_string(),
        "/pkg/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt".to_string(),
        "/pkg/..%2f..%2foutside%2fsecret.txt".to_string(),
        "/pkg/%252e%252e/%252e%252e/outside/secret.txt".to_string(),
        "/pkg/%252e%252e%252f%252e%252e%252foutside%252fsecret.txt".to_string(),
        "/pkg/..\\..\\outside\\secret.txt".to_string(),
        "/pkg/%5c..%5c..%5coutside%5csecret.txt".to_string(),
        "/pkg/..%5c..%5coutside%5csecret.txt".to_string(),
        "/pkg/.%2e/.%2e/outside/secret.txt".to_string(),
        "/pkg/%c0%ae%c0%ae/%c0%ae%c0%ae/outside/secret.txt".to_string(),
        "/pkg/..%00/../outside/secret.txt".to_string(),
        format!("http://{}/pkg/../../outside/secret.txt", app.addr),
        format!("/pkg/{up}etc/passwd"),
        format!("/pkg/{encoded_up}etc%2fpasswd"),
        "//etc/passwd".to_string(),
        "/%2fetc%2fpasswd".to_string(),
        "/pkg//etc/passwd".to_string(),
        "/pkg/%2fetc%2fpasswd".to_string(),
        format!(
            "/pkg/{}",
            format!("/{manifest}/Cargo.toml").replace('/', "%2f")
        ),
        cargo_toml.clone(),
        cargo_toml.replace("../", "..%2f"),
        format!(
            "/{}",
            Path::new(&root).join("../outside/secret.txt").display()
        ),
    ];
    targets.push(format!(
        "/pkg/{}",
        base.path.join("outside/secret.txt").display()
    ));
    for target in &targets {
        let answer = exchange(app.addr, &get_request(app.addr, target)).await;
        let body = answer.text();
        assert!(
            !body.contains(SECRET) && !body.contains("root:x:0:0") && !body.contains("[package]"),
            "{target} read a file outside the site root: {body:.200}"
        );
        assert!(
            answer.status == 404 || answer.status == 400,
            "{target}: status {} ({})",
            answer.status,
            answer.head
        );
    }
}

#[tokio::test]
async fn static_files_carry_their_content_type_and_every_security_header() {
    let base = TempDir::new("static-headers");
    let root = site(&base);
    let app = TestApp::spawn_with_site_root(&[], &root).await;
    for (path, content_types) in [
        (
            "/pkg/app.js",
            &["text/javascript", "application/javascript"][..],
        ),
        ("/pkg/app.wasm", &["application/wasm"][..]),
        ("/pkg/style.css", &["text/css"][..]),
        ("/pkg/missing.js", &[][..]),
    ] {
        let response = app.client.get(app.url(path)).send().await.expect(path);
        let header = |name: &str| header_value(&response, name);
        if content_types.is_empty() {
            assert_eq!(response.status(), 404, "{path}");
        } else {
            assert_eq!(response.status(), 200, "{path}");
            let content_type = header("content-type").unwrap_or_default();
            assert!(
                content_types.iter().any(|t| content_type.starts_with(t)),
                "{path}: Content-Type {content_type:?}"
            );
        }
        let policy = header("content-security-policy").unwrap_or_default();
        assert!(
            policy.starts_with("default-src 'self'; script-src 'self' 'nonce-")
                && policy.contains("object-src 'none'")
                && policy.contains("frame-ancestors 'none'"),
            "{path}: CSP {policy:?}"
        );
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
    }
}
