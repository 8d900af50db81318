//! Configuration: env vars and `sluice.toml` resolve into typed settings; bad files fail with
//! the file, line and reason; keys never show in debug output.

use crate::support::env_map;
use sluice::server::config::{Config, ProviderKind};
use std::path::Path;
use std::time::Duration;

#[test]
fn defaults_give_the_demo_model_only() {
    let config = Config::from_parts(None, None, &env_map(&[])).expect("config");
    assert!(config.demo.enabled);
    assert!(config.providers.is_empty());
    assert_eq!(config.server.keepalive, Duration::from_secs(15));
}

#[test]
fn conventional_openai_variables_add_a_provider() {
    let config = Config::from_parts(
        None,
        None,
        &env_map(&[
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
        &env_map(&[("GROQ_API_KEY", "gsk-1")]),
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
        let error = Config::from_parts(
            Some(Path::new("/etc/sluice.toml")),
            Some(text),
            &env_map(&[]),
        )
        .expect_err(text);
        assert!(error.contains("/etc/sluice.toml"), "{error}");
        assert!(error.contains("line"), "no line in: {error}");
        assert!(error.contains(expected), "{expected} not in: {error}");
    }
    let missing_key = "[[providers]]\nid = \"g\"\nkind = \"openai\"\nbase_url = \"http://h\"\napi_key_env = \"NOPE_KEY\"\n";
    // Issue 21: a provider whose key variable is unset is skipped with a warning, not an exit.
    let config = Config::from_parts(None, Some(missing_key), &env_map(&[])).expect("skipped");
    assert!(config.providers.is_empty(), "{:?}", config.providers);
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    assert!(
        config.warnings[0].contains("NOPE_KEY"),
        "{:?}",
        config.warnings
    );
}

#[test]
fn bad_numbers_in_env_are_refused() {
    let error = Config::from_parts(None, None, &env_map(&[("SLUICE_DEMO_TTFT_MS", "fast")]))
        .expect_err("bad");
    assert!(error.contains("SLUICE_DEMO_TTFT_MS"), "{error}");
}

#[test]
fn conventional_variables_configure_every_family() {
    let config = Config::from_parts(
        None,
        None,
        &env_map(&[
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
        &env_map(&[
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
    let default = Config::from_parts(None, None, &env_map(&[])).expect("config");
    assert_eq!(
        default.detect_ollama.as_deref(),
        Some("http://127.0.0.1:11434")
    );
    let off = Config::from_parts(None, None, &env_map(&[("SLUICE_DETECT_OLLAMA", "false")]))
        .expect("config");
    assert!(off.detect_ollama.is_none());
    let error = Config::from_parts(None, None, &env_map(&[("SLUICE_DETECT_OLLAMA", "maybe")]))
        .expect_err("bad");
    assert!(error.contains("SLUICE_DETECT_OLLAMA"), "{error}");
    let file = "[autodetect]\nollama_url = \"http://127.0.0.1:9\"\n";
    let custom = Config::from_parts(None, Some(file), &env_map(&[])).expect("config");
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
    let config = Config::from_parts(None, Some(&file), &env_map(&[])).expect("config");
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
    let config = Config::from_parts(None, Some(&file), &env_map(&[])).expect("config");
    let catalog = sluice::server::catalog::Catalog::build(&config)
        .await
        .expect("catalog");
    assert!(catalog.models().iter().all(|m| m.provider != "ollama"));
}

#[test]
fn the_import_limit_comes_from_the_file_or_the_environment() {
    let default = Config::from_parts(None, None, &env_map(&[])).expect("config");
    assert_eq!(default.server.max_import_bytes, 8 * 1024 * 1024);
    let file = "[server]\nmax_import_bytes = 1048576\n";
    let from_file = Config::from_parts(Some(Path::new("sluice.toml")), Some(file), &env_map(&[]))
        .expect("file");
    assert_eq!(from_file.server.max_import_bytes, 1024 * 1024);
    let from_env = Config::from_parts(
        Some(Path::new("sluice.toml")),
        Some(file),
        &env_map(&[("SLUICE_MAX_IMPORT_BYTES", "2048")]),
    )
    .expect("env");
    assert_eq!(from_env.server.max_import_bytes, 2048, "env wins");
    let bad = Config::from_parts(None, None, &env_map(&[("SLUICE_MAX_IMPORT_BYTES", "lots")]))
        .expect_err("not a number");
    assert!(
        bad.contains("SLUICE_MAX_IMPORT_BYTES must be a whole number of bytes from 1024"),
        "{bad}"
    );
}

/// Issue 21: a refused value in `sluice.toml` names the file, the line and the key (not the
/// environment variable it did not come from) and the accepted range.
#[test]
fn a_refused_file_value_names_the_file_line_and_key() {
    let file = "[server]\nkeepalive_secs = 5\n\n[turns]\ngrace_secs = -1\n";
    let error = Config::from_parts(
        Some(Path::new("/etc/sluice.toml")),
        Some(file),
        &env_map(&[]),
    )
    .expect_err("negative grace");
    assert_eq!(
        error,
        "/etc/sluice.toml line 5: [turns] grace_secs must be a number of seconds more than 0 \
         and at most 86400, got -1"
    );
    let from_env = Config::from_parts(None, None, &env_map(&[("SLUICE_TURN_GRACE_SECS", "-1")]))
        .expect_err("negative grace");
    assert!(
        from_env.starts_with("SLUICE_TURN_GRACE_SECS must be"),
        "{from_env}"
    );
}

/// Issue 21: zero and nonsense values that cannot work are refused with the accepted range,
/// from the file and from the environment alike.
#[test]
fn zero_and_nonsense_values_are_refused_with_the_accepted_range() {
    for (text, expected) in [
        (
            "[demo]\ntokens_per_second = 0\n",
            "sluice.toml line 2: [demo] tokens_per_second must be a number of tokens per second \
             from 0.1 to 1000000, got 0",
        ),
        (
            "[server]\nkeepalive_secs = 0\n",
            "sluice.toml line 2: [server] keepalive_secs must be a number of seconds from 0.05 \
             to 3600, got 0",
        ),
        (
            "[server]\nmax_message_bytes = 0\n",
            "sluice.toml line 2: [server] max_message_bytes must be a whole number of bytes \
             from 1 to 1073741824, got 0",
        ),
        (
            "[server]\nmax_request_bytes = 10\n",
            "sluice.toml line 2: [server] max_request_bytes must be a whole number of bytes \
             from 1024 to 1073741824, got 10",
        ),
        (
            "[storage]\nflush_ms = 0\n",
            "sluice.toml line 2: [storage] flush_ms must be a whole number of milliseconds from \
             10 to 60000, got 0",
        ),
        (
            "[limits]\nmessages_per_minute = -5\n",
            "sluice.toml line 2: [limits] messages_per_minute must be a whole number from 1 to \
             1000000, or 0 for no limit, got -5",
        ),
        (
            "[[providers]]\nid = \"x\"\nkind = \"openai\"\nmax_tokens = 0\n",
            "sluice.toml line 4: [[providers]] max_tokens must be a whole number of tokens from \
             1 to 10000000, got 0",
        ),
        (
            "[[providers]]\nid = \"x\"\nkind = \"openai\"\ntemperature = 7\n",
            "sluice.toml line 4: [[providers]] temperature must be a number from 0 to 2, got 7",
        ),
    ] {
        let error = Config::from_parts(Some(Path::new("sluice.toml")), Some(text), &env_map(&[]))
            .expect_err(text);
        assert_eq!(error, expected);
    }
    for (name, value) in [
        ("SLUICE_DEMO_TOKENS_PER_SECOND", "0"),
        ("SLUICE_KEEPALIVE_SECS", "0"),
        ("SLUICE_MAX_MESSAGE_BYTES", "0"),
        ("SLUICE_MAX_MESSAGE_BYTES", "-5"),
        ("SLUICE_MESSAGES_PER_MINUTE", "-5"),
        ("SLUICE_FLUSH_MS", "1"),
        ("SLUICE_DEMO_TTFT_MS", "2.5"),
    ] {
        let error = Config::from_parts(None, None, &env_map(&[(name, value)])).expect_err(value);
        assert!(
            error.starts_with(&format!("{name} must be")) && error.ends_with(&format!("{value:?}")),
            "{name}={value}: {error}"
        );
    }
}

/// One rule for empty values: a variable that is empty (or only spaces) counts as unset, so
/// the file's value or the default applies.
#[test]
fn an_empty_variable_counts_as_unset() {
    let file = "[server]\nmax_import_bytes = 4096\n";
    let config = Config::from_parts(
        None,
        Some(file),
        &env_map(&[
            ("SLUICE_MAX_IMPORT_BYTES", ""),
            ("SLUICE_AUTH", " "),
            ("SLUICE_DATA_DIR", ""),
        ]),
    )
    .expect("empty is unset");
    assert_eq!(config.server.max_import_bytes, 4096);
    assert_eq!(config.storage.database, Path::new("data").join("sluice.db"));
}

/// Issue 21: the README's full `sluice.toml` starts as printed, with no variable set: the two
/// providers whose key variable is unset are skipped with a warning naming it.
#[tokio::test]
async fn the_readme_config_example_loads_as_printed() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("### `sluice.toml`")
        .nth(1)
        .expect("the README has a sluice.toml section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("a toml block in that section");
    assert!(example.contains("[[providers]]"), "{example}");
    let config = Config::from_parts(Some(Path::new("sluice.toml")), Some(example), &env_map(&[]))
        .expect("the README's example loads");
    let ids: Vec<&str> = config.providers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["local"]);
    let warnings = config.warnings.join("\n");
    assert!(warnings.contains("ANTHROPIC_API_KEY"), "{warnings}");
    assert!(warnings.contains("GROQ_API_KEY"), "{warnings}");
    let with_keys = Config::from_parts(
        Some(Path::new("sluice.toml")),
        Some(example),
        &env_map(&[("ANTHROPIC_API_KEY", "a"), ("GROQ_API_KEY", "g")]),
    )
    .expect("with the keys");
    assert_eq!(with_keys.providers.len(), 3);
    assert!(with_keys.warnings.is_empty());
    let catalog = sluice::server::catalog::Catalog::build(&config)
        .await
        .expect("the catalog builds");
    let models: Vec<String> = catalog.models().into_iter().map(|m| m.id).collect();
    assert!(models.contains(&"local/llama3.2".to_string()), "{models:?}");
}

/// Issue 22: `database_url` comes from `SLUICE_DATABASE_URL`, else `DATABASE_URL`, else the
/// file (empty is unset); with it the store opens PostgreSQL with the pool settings, without
/// it the SQLite file under `data_dir`.
#[test]
fn the_database_url_and_pool_follow_the_variables_then_the_file() {
    use sluice::store::{DatabaseLocation, DEFAULT_MAX_CONNECTIONS};
    let file = "[storage]\ndatabase_url = \"postgres://file@db/chat\"\nmax_connections = 20\n\
                acquire_timeout_ms = 750\n";
    let url_of = |env: &[(&str, &str)], text: Option<&str>| {
        let config = Config::from_parts(None, text, &env_map(env)).expect("config");
        config.storage.store_options().location
    };
    let postgres = |url: &str| DatabaseLocation::Postgres(url.to_string());
    assert_eq!(url_of(&[], Some(file)), postgres("postgres://file@db/chat"));
    assert_eq!(
        url_of(&[("DATABASE_URL", "postgresql://conv@db/chat")], Some(file)),
        postgres("postgresql://conv@db/chat")
    );
    assert_eq!(
        url_of(
            &[
                ("DATABASE_URL", "postgresql://conv@db/chat"),
                ("SLUICE_DATABASE_URL", "postgres://own@db/chat"),
            ],
            Some(file)
        ),
        postgres("postgres://own@db/chat")
    );
    assert_eq!(
        url_of(
            &[("SLUICE_DATABASE_URL", " "), ("SLUICE_DATA_DIR", "/srv/s")],
            Some(file)
        ),
        postgres("postgres://file@db/chat"),
        "an empty variable is unset"
    );
    assert_eq!(
        url_of(
            &[("SLUICE_DATA_DIR", "/srv/s")],
            Some("[storage]\ndatabase_url = \"\"\n")
        ),
        DatabaseLocation::Sqlite(Path::new("/srv/s").join("sluice.db")),
        "an empty URL in the file is unset: SQLite"
    );

    let config = Config::from_parts(None, Some(file), &env_map(&[])).expect("config");
    let options = config.storage.store_options();
    assert_eq!(options.max_connections, 20);
    assert_eq!(options.acquire_timeout, Duration::from_millis(750));
    let config = Config::from_parts(
        None,
        Some(file),
        &env_map(&[
            ("SLUICE_DB_MAX_CONNECTIONS", "3"),
            ("SLUICE_DB_ACQUIRE_TIMEOUT_MS", "100"),
        ]),
    )
    .expect("config");
    let options = config.storage.store_options();
    assert_eq!(options.max_connections, 3);
    assert_eq!(options.acquire_timeout, Duration::from_millis(100));
    let defaults = Config::from_parts(None, None, &env_map(&[])).expect("config");
    let options = defaults.storage.store_options();
    assert_eq!(options.max_connections, DEFAULT_MAX_CONNECTIONS);
    assert_eq!(options.acquire_timeout, Duration::from_millis(5000));
    assert_eq!(
        options.location,
        DatabaseLocation::Sqlite(Path::new("data").join("sluice.db"))
    );
}

/// Issue 22: pool sizes and waits outside their ranges are refused with the range.
#[test]
fn pool_settings_outside_their_ranges_are_refused() {
    for (text, expected) in [
        (
            "[storage]\nmax_connections = 0\n",
            "sluice.toml line 2: [storage] max_connections must be a whole number of \
             connections from 1 to 1000, got 0",
        ),
        (
            "[storage]\n\nacquire_timeout_ms = 600001\n",
            "sluice.toml line 3: [storage] acquire_timeout_ms must be a whole number of \
             milliseconds from 100 to 600000, got 600001",
        ),
    ] {
        let error = Config::from_parts(Some(Path::new("sluice.toml")), Some(text), &env_map(&[]))
            .expect_err(text);
        assert_eq!(error, expected);
    }
    for (name, value) in [
        ("SLUICE_DB_MAX_CONNECTIONS", "1001"),
        ("SLUICE_DB_MAX_CONNECTIONS", "-1"),
        ("SLUICE_DB_ACQUIRE_TIMEOUT_MS", "99"),
        ("SLUICE_DB_ACQUIRE_TIMEOUT_MS", "1.5"),
    ] {
        let error = Config::from_parts(None, None, &env_map(&[(name, value)])).expect_err(value);
        assert!(
            error.starts_with(&format!("{name} must be")) && error.ends_with(&format!("{value:?}")),
            "{name}={value}: {error}"
        );
    }
}

/// Issue 22: a SQLite or other non-PostgreSQL URL is refused with a sentence pointing to
/// `data_dir`, and no refusal (nor the configuration's debug output) shows the password.
#[test]
fn a_url_that_is_not_postgresql_is_refused_without_showing_its_password() {
    let error = Config::from_parts(
        None,
        None,
        &env_map(&[("SLUICE_DATABASE_URL", "sqlite://data/sluice.db")]),
    )
    .expect_err("sqlite");
    assert!(
        error.starts_with("SLUICE_DATABASE_URL must be a PostgreSQL URL"),
        "{error}"
    );
    assert!(
        error.contains("SQLite is the default") && error.contains("data_dir"),
        "{error}"
    );
    for (env, text, secret, origin) in [
        (
            vec![("DATABASE_URL", "mysql://root:Zq9-secret@db/chat")],
            None,
            "Zq9-secret",
            "DATABASE_URL",
        ),
        (
            vec![],
            Some("[storage]\ndatabase_url = \"mssql://sa:Fil3-secret@db/chat\"\n"),
            "Fil3-secret",
            "sluice.toml line 2: [storage] database_url",
        ),
        (
            vec![(
                "SLUICE_DATABASE_URL",
                "postgres://app:P0rt-secret@db:notaport/chat",
            )],
            None,
            "P0rt-secret",
            "SLUICE_DATABASE_URL",
        ),
        (
            vec![("SLUICE_DATABASE_URL", "app:N0scheme-secret@db/chat")],
            None,
            "N0scheme-secret",
            "SLUICE_DATABASE_URL",
        ),
    ] {
        let error = Config::from_parts(Some(Path::new("sluice.toml")), text, &env_map(&env))
            .expect_err(secret);
        assert!(error.starts_with(origin), "{error}");
        assert!(!error.contains(secret), "the password shows in: {error}");
    }
    let config = Config::from_parts(
        None,
        None,
        &env_map(&[("SLUICE_DATABASE_URL", "postgres://app:Dbg-secret@db/chat")]),
    )
    .expect("config");
    let debug = format!("{config:?}");
    assert!(!debug.contains("Dbg-secret"), "{debug}");
    assert_eq!(
        config.storage.store_options().describe(),
        "PostgreSQL at db:5432/chat (user app)"
    );
}

/// Issue 22: the replica id comes from `SLUICE_REPLICA_ID`, else `[storage] replica_id`,
/// else the host name; 1 to 64 letters, digits, `.`, `_` and `-`, anything else refused.
#[test]
fn the_replica_id_comes_from_the_environment_or_the_file_and_is_checked() {
    let file = "[storage]\nreplica_id = \"file-replica\"\n";
    let replica = |env: &[(&str, &str)], text: Option<&str>| {
        Config::from_parts(Some(Path::new("sluice.toml")), text, &env_map(env))
            .map(|config| config.storage.store_options().replica_id)
    };
    assert_eq!(replica(&[], Some(file)).as_deref(), Ok("file-replica"));
    assert_eq!(
        replica(&[("SLUICE_REPLICA_ID", "web_2.eu-west")], Some(file)).as_deref(),
        Ok("web_2.eu-west")
    );
    assert_eq!(
        replica(&[("SLUICE_REPLICA_ID", "")], Some(file)).as_deref(),
        Ok("file-replica"),
        "an empty variable is unset"
    );
    let kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let expected = match kernel.trim() {
        "" => "pod-7".to_string(),
        name => name.to_string(),
    };
    assert_eq!(replica(&[("HOSTNAME", "pod-7")], None), Ok(expected));
    let long = "r".repeat(65);
    for bad in ["two words", "ünï", "a/b", long.as_str()] {
        assert_eq!(
            replica(&[("SLUICE_REPLICA_ID", bad)], None),
            Err(format!(
                "SLUICE_REPLICA_ID must be 1 to 64 characters among letters, digits, '.', '_' \
                 and '-', got {bad:?}"
            ))
        );
    }
    assert_eq!(
        replica(&[], Some("[storage]\n\nreplica_id = \"\"\n")),
        Err(
            "sluice.toml line 3: [storage] replica_id must be 1 to 64 characters among \
             letters, digits, '.', '_' and '-', got \"\""
                .to_string()
        )
    );
    assert_eq!(
        replica(&[("SLUICE_REPLICA_ID", &"r".repeat(64))], None).map(|id| id.len()),
        Ok(64)
    );
}
