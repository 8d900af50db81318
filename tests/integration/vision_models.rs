//! Which models take images: `vision_models` in `[[providers]]` and the `*_VISION_MODELS`
//! variables (malformed lists refused with a sentence naming where), Ollama's own answer to
//! `POST /api/show` (its `capabilities`), the demo model, and `Catalog::takes_images`.

use crate::support::{env_map, start_fake};
use sluice::server::catalog::Catalog;
use sluice::server::config::Config;
use std::path::Path;

#[test]
fn vision_models_come_from_the_file_and_the_variables() {
    let file = "[[providers]]\nid = \"groq\"\nkind = \"openai\"\nbase_url = \"http://h/v1\"\n\
                models = [\"llava-big\", \"text-only\"]\nvision_models = [\"llava-big\"]\n\n\
                [[providers]]\nid = \"gem\"\nkind = \"gemini\"\nvision_models = [\"*\"]\n";
    let config = Config::from_parts(
        Some(Path::new("sluice.toml")),
        Some(file),
        &env_map(&[
            ("OPENAI_API_KEY", "sk-1"),
            ("OPENAI_MODELS", "gpt-4o,gpt-3.5-turbo"),
            ("OPENAI_VISION_MODELS", " gpt-4o ,"),
        ]),
    )
    .expect("config");
    let vision: Vec<(&str, Vec<String>)> = config
        .providers
        .iter()
        .map(|p| (p.id.as_str(), p.vision_models.clone()))
        .collect();
    assert_eq!(
        vision,
        [
            ("groq", vec!["llava-big".to_string()]),
            ("gem", vec!["*".to_string()]),
            ("openai", vec!["gpt-4o".to_string()]),
        ]
    );
    let settings = config.providers[0].provider_settings(std::time::Duration::from_secs(1));
    let marks: Vec<(String, bool)> = settings
        .model_infos()
        .into_iter()
        .map(|m| (m.id, m.vision))
        .collect();
    assert_eq!(
        marks,
        [
            ("groq/llava-big".to_string(), true),
            ("groq/text-only".to_string(), false)
        ]
    );
}

#[test]
fn malformed_vision_lists_are_refused_with_where_and_why() {
    let blank =
        "[[providers]]\nid = \"x\"\nkind = \"openai\"\nmodels = [\"a\"]\nvision_models = [\"\"]\n";
    let error = Config::from_parts(Some(Path::new("sluice.toml")), Some(blank), &env_map(&[]))
        .expect_err("blank name");
    assert_eq!(
        error,
        "sluice.toml line 5: [[providers]] vision_models has a blank model name; list the model \
         names that take images, or \"*\" for all"
    );
    let unknown = "[[providers]]\nid = \"x\"\nkind = \"openai\"\nmodels = [\"a\", \"b\"]\nvision_models = [\"c\"]\n";
    let error = Config::from_parts(Some(Path::new("sluice.toml")), Some(unknown), &env_map(&[]))
        .expect_err("unknown model");
    assert_eq!(
        error,
        "sluice.toml line 5: [[providers]] vision_models names \"c\", which is not one of the \
         provider's models (a, b)"
    );
    let not_a_list = "[[providers]]\nid = \"x\"\nkind = \"openai\"\nvision_models = \"a\"\n";
    let error = Config::from_parts(
        Some(Path::new("sluice.toml")),
        Some(not_a_list),
        &env_map(&[]),
    )
    .expect_err("not a list");
    assert!(error.contains("line 4"), "{error}");
    let error = Config::from_parts(
        None,
        None,
        &env_map(&[
            ("ANTHROPIC_API_KEY", "k"),
            ("ANTHROPIC_MODELS", "claude-a"),
            ("ANTHROPIC_VISION_MODELS", "claude-b"),
        ]),
    )
    .expect_err("unknown model in env");
    assert_eq!(
        error,
        "ANTHROPIC_VISION_MODELS names \"claude-b\", which is not one of the provider's models \
         (claude-a)"
    );
}

#[tokio::test]
async fn ollama_says_which_models_see_and_the_catalog_answers_per_model() {
    let fake = start_fake().await;
    let config = Config::from_parts(
        None,
        None,
        &env_map(&[
            ("OLLAMA_HOST", &format!("http://{}", fake.addr())),
            ("OLLAMA_MODELS", "llava:7b,qwen3,llama3.2-vision"),
            ("OPENAI_API_KEY", "sk-1"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
            ("OPENAI_MODELS", "gpt-4o,o3-mini"),
            ("OPENAI_VISION_MODELS", "gpt-4o"),
            ("SLUICE_DETECT_OLLAMA", "false"),
        ]),
    )
    .expect("config");
    let catalog = Catalog::build(&config).await.expect("catalog");
    assert!(catalog.takes_images("ollama/llava:7b"));
    assert!(catalog.takes_images("ollama/llama3.2-vision"));
    assert!(!catalog.takes_images("ollama/qwen3"));
    assert!(catalog.takes_images("openai/gpt-4o"));
    assert!(!catalog.takes_images("openai/o3-mini"));
    assert!(catalog.takes_images("demo/sluice-demo"));
    assert!(!catalog.takes_images("ollama/nope"));
    assert!(!catalog.takes_images("no-slash"));
    let info = catalog.model_info("ollama/llava:7b").expect("listed");
    assert_eq!(info.label, "llava:7b");
    assert!(info.vision);
    fake.shutdown().await;
}

#[tokio::test]
async fn an_ollama_that_cannot_answer_show_leaves_vision_off() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let config = Config::from_parts(
        None,
        None,
        &env_map(&[
            ("OLLAMA_HOST", &dead),
            ("OLLAMA_MODELS", "llava:7b"),
            ("SLUICE_DETECT_OLLAMA", "false"),
        ]),
    )
    .expect("config");
    let catalog = Catalog::build(&config).await.expect("catalog");
    assert!(catalog.model_info("ollama/llava:7b").is_some());
    assert!(!catalog.takes_images("ollama/llava:7b"));
}
