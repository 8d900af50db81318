//! Configuration: env vars and `sluice.toml` resolve into typed settings; bad files fail with
//! the file, line and reason; keys never show in debug output.

use sluice::server::config::{Config, ProviderKind};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_give_the_demo_model_only() {
    let config = Config::from_parts(None, None, &env(&[])).expect("config");
    assert!(config.demo.enabled);
    assert!(config.providers.is_empty());
    assert_eq!(config.server.keepalive, Duration::from_secs(15));
}

#[test]
fn conventional_openai_variables_add_a_provider() {
    let config = Config::from_parts(
        None,
        None,
        &env(&[
            ("OPENAI_API_KEY", "sk-secret-value"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"),
            ("OPENAI_MODELS", "llama3.2, qwen3 ,"),
        ]),
    )
    .expect("config");
    let provider = &config.providers[0];
    assert_eq!(provider.id, "openai");
    assert_eq!(provider.kind, ProviderKind::Openai);
    assert_eq!(provider.base_url, "http://127.0.0.1:11434/v1");
    assert_eq!(provider.models, vec!["llama3.2", "qwen3"]);
    assert_eq!(provider.api_key.as_deref(), Some("sk-secret-value"));
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("sk-secret-value"),
        "key in debug output: {debug}"
    );
}

#[test]
fn a_config_file_lists_several_providers_with_keys_from_env() {
    let file = r#"
[server]
keepalive_secs = 5

[demo]
ttft_ms = 100
tokens_per_second = 80

[[providers]]
id = "ollama"
kind = "openai"
base_url = "http://127.0.0.1:11434/v1"
models = ["llama3.2"]

[[providers]]
id = "groq"
kind = "openai"
base_url = "https://api.groq.com/openai/v1"
api_key_env = "GROQ_API_KEY"
models = ["llama-3.3-70b-versatile"]
max_tokens = 2048
temperature = 0.3
"#;
    let config = Config::from_parts(
        Some(Path::new("sluice.toml")),
        Some(file),
        &env(&[("GROQ_API_KEY", "gsk-1")]),
    )
    .expect("config");
    assert_eq!(config.providers.len(), 2);
    assert_eq!(config.providers[1].api_key.as_deref(), Some("gsk-1"));
    assert_eq!(config.providers[1].max_tokens, Some(2048));
    assert_eq!(config.demo.ttft, Duration::from_millis(100));
    assert_eq!(config.server.keepalive, Duration::from_secs(5));
}

#[test]
fn bad_files_fail_with_file_line_and_reason() {
    let cases = [
        (
            "[[providers]]\nid = \"x\"\nkind = \"martian\"\nbase_url = \"http://h\"\n",
            "kind",
        ),
        ("[server]\nkeepalive_secs = \"soon\"\n", "keepalive_secs"),
        ("[server\n", "line 1"),
        ("[demo]\nspeed = 3\n", "speed"),
    ];
    for (text, expected) in cases {
        let error = Config::from_parts(Some(Path::new("/etc/sluice.toml")), Some(text), &env(&[]))
            .expect_err(text);
        assert!(error.contains("/etc/sluice.toml"), "{error}");
        assert!(error.contains("line"), "no line in: {error}");
        assert!(error.contains(expected), "{expected} not in: {error}");
    }
    let missing_key = "[[providers]]\nid = \"g\"\nkind = \"openai\"\nbase_url = \"http://h\"\napi_key_env = \"NOPE_KEY\"\n";
    let error = Config::from_parts(None, Some(missing_key), &env(&[])).expect_err("missing env");
    assert!(error.contains("NOPE_KEY"), "{error}");
}

#[test]
fn bad_numbers_in_env_are_refused() {
    let error =
        Config::from_parts(None, None, &env(&[("SLUICE_DEMO_TTFT_MS", "fast")])).expect_err("bad");
    assert!(error.contains("SLUICE_DEMO_TTFT_MS"), "{error}");
}

#[test]
fn conventional_variables_configure_every_family() {
    let config = Config::from_parts(
        None,
        None,
        &env(&[
            ("ANTHROPIC_API_KEY", "sk-ant-1"),
            ("GEMINI_API_KEY", "g-1"),
            ("GEMINI_MODELS", "gemini-2.5-flash"),
            ("OLLAMA_HOST", "0.0.0.0:11500"),
        ]),
    )
    .expect("config");
    let ids: Vec<&str> = config.providers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["anthropic", "gemini", "ollama"]);
    assert_eq!(config.providers[0].kind, ProviderKind::Anthropic);
    assert_eq!(config.providers[0].base_url, "https://api.anthropic.com");
    assert_eq!(config.providers[1].models, vec!["gemini-2.5-flash"]);
    assert_eq!(config.providers[2].kind, ProviderKind::Ollama);
    assert_eq!(config.providers[2].base_url, "http://127.0.0.1:11500");
    assert!(config.providers[2].api_key.is_none());
    assert_eq!(config.providers[0].display_name(), "Anthropic");
}

#[test]
fn every_kind_can_be_named_in_the_file_with_a_default_base_url() {
    let file = r#"
[autodetect]
ollama = false

[[providers]]
id = "claude"
kind = "anthropic"
api_key_env = "MY_ANTHROPIC"
models = ["claude-sonnet-4-6"]
max_tokens = 8000

[[providers]]
id = "responses"
kind = "openai_responses"
api_key_env = "MY_OPENAI"

[[providers]]
id = "google"
kind = "gemini"
api_key_env = "MY_GEMINI"

[[providers]]
id = "box"
kind = "ollama"
base_url = "http://10.0.0.5:11434"
"#;
    let config = Config::from_parts(
        Some(Path::new("sluice.toml")),
        Some(file),
        &env(&[
            ("MY_ANTHROPIC", "a"),
            ("MY_OPENAI", "o"),
            ("MY_GEMINI", "g"),
        ]),
    )
    .expect("config");
    assert!(config.detect_ollama.is_none());
    let kinds: Vec<ProviderKind> = config.providers.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ProviderKind::Anthropic,
            ProviderKind::OpenaiResponses,
            ProviderKind::Gemini,
            ProviderKind::Ollama
        ]
    );
    assert_eq!(config.providers[1].base_url, "https://api.openai.com/v1");
    assert_eq!(
        config.providers[2].base_url,
        "https://generativelanguage.googleapis.com"
    );
    assert_eq!(config.providers[3].base_url, "http://10.0.0.5:11434");
    assert_eq!(config.providers[0].max_tokens, Some(8000));
    assert_eq!(config.providers[0].display_name(), "claude");
}

#[test]
fn ollama_detection_follows_the_file_and_the_env() {
    let default = Config::from_parts(None, None, &env(&[])).expect("config");
    assert_eq!(
        default.detect_ollama.as_deref(),
        Some("http://127.0.0.1:11434")
    );
    let off =
        Config::from_parts(None, None, &env(&[("SLUICE_DETECT_OLLAMA", "false")])).expect("config");
    assert!(off.detect_ollama.is_none());
    let error = Config::from_parts(None, None, &env(&[("SLUICE_DETECT_OLLAMA", "maybe")]))
        .expect_err("bad");
    assert!(error.contains("SLUICE_DETECT_OLLAMA"), "{error}");
    let file = "[autodetect]\nollama_url = \"http://127.0.0.1:9\"\n";
    let custom = Config::from_parts(None, Some(file), &env(&[])).expect("config");
    assert_eq!(custom.detect_ollama.as_deref(), Some("http://127.0.0.1:9"));
}

/// A local Ollama that answers the probe is added with its models; none answering adds nothing.
#[tokio::test]
async fn a_detected_local_ollama_joins_the_catalog_with_its_models() {
    let Some(fixtures) = crate::support::fixtures_dir() else {
        return;
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let fake = sluice_fake_upstream::FakeUpstream::start(
        listener,
        sluice_fake_upstream::FakeOptions {
            required_api_key: None,
            fixtures_dir: Some(fixtures),
            seed: 1,
        },
    )
    .await;
    let origin = format!("http://{}", fake.addr());
    let file = format!("[autodetect]\nollama_url = \"{origin}\"\n");
    let config = Config::from_parts(None, Some(&file), &env(&[])).expect("config");
    let catalog = sluice::server::catalog::Catalog::build(&config)
        .await
        .expect("catalog");
    let ollama: Vec<String> = catalog
        .models()
        .into_iter()
        .filter(|m| m.provider == "ollama")
        .map(|m| m.id)
        .collect();
    assert!(
        ollama.contains(&"ollama/fake-fixture-ollama-chat__count-short__langchaingo".to_string()),
        "{ollama:?}"
    );

    // Nothing listening: start-up goes on without Ollama.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let file = format!("[autodetect]\nollama_url = \"{dead}\"\n");
    let config = Config::from_parts(None, Some(&file), &env(&[])).expect("config");
    let catalog = sluice::server::catalog::Catalog::build(&config)
        .await
        .expect("catalog");
    assert!(catalog.models().iter().all(|m| m.provider != "ollama"));
}

#[test]
fn the_import_limit_comes_from_the_file_or_the_environment() {
    let default = Config::from_parts(None, None, &env(&[])).expect("config");
    assert_eq!(default.server.max_import_bytes, 8 * 1024 * 1024);
    let file = "[server]\nmax_import_bytes = 1048576\n";
    let from_file =
        Config::from_parts(Some(Path::new("sluice.toml")), Some(file), &env(&[])).expect("file");
    assert_eq!(from_file.server.max_import_bytes, 1024 * 1024);
    let from_env = Config::from_parts(
        Some(Path::new("sluice.toml")),
        Some(file),
        &env(&[("SLUICE_MAX_IMPORT_BYTES", "2048")]),
    )
    .expect("env");
    assert_eq!(from_env.server.max_import_bytes, 2048, "env wins");
    let bad = Config::from_parts(None, None, &env(&[("SLUICE_MAX_IMPORT_BYTES", "lots")]))
        .expect_err("not a number");
    assert!(
        bad.contains("SLUICE_MAX_IMPORT_BYTES must be a number"),
        "{bad}"
    );
}
