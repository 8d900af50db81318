//! What the README must list, checked against the program (issue 21): every `finish_reason`
//! a client can receive, and every flag and scripted model of `sluice fake-upstream`.

use crate::support::start_fake;
use sluice::events::FinishReason;

/// The README, as compiled into the test.
const README: &str = include_str!("../../README.md");

/// The README's sentence that lists the `finish_reason` values.
fn finish_reason_sentence() -> &'static str {
    let start = README
        .find("(`finish_reason`, always one word:")
        .expect("the README lists the finish reasons");
    let rest = &README[start..];
    let end = rest
        .find("`safety`")
        .expect("… and the provider's own word, with examples");
    &rest[..end]
}

#[test]
fn every_finish_reason_a_client_can_receive_is_listed_in_the_readme() {
    let every = [
        FinishReason::Stop,
        FinishReason::Length,
        FinishReason::ToolCalls,
        FinishReason::ContentFilter,
        FinishReason::Stopped,
        FinishReason::Error,
        FinishReason::Interrupted,
        FinishReason::Other("refusal".into()),
    ];
    let sentence = finish_reason_sentence();
    for reason in &every {
        // No wildcard: a new reason does not compile until it is listed here (and in the README).
        let word = match reason {
            FinishReason::Stop
            | FinishReason::Length
            | FinishReason::ToolCalls
            | FinishReason::ContentFilter
            | FinishReason::Stopped
            | FinishReason::Error
            | FinishReason::Interrupted
            | FinishReason::Other(_) => reason.as_stored(),
        };
        assert!(
            sentence.contains(&format!("`{word}`")),
            "`{word}` is missing from the README's finish reasons: {sentence}"
        );
    }
}

#[tokio::test]
async fn every_flag_and_scripted_model_of_the_fake_upstream_is_in_the_readme() {
    let usage = sluice_fake_upstream::run_cli(&["fake-upstream".into(), "--help".into()])
        .await
        .expect_err("--help prints the usage");
    let flags: Vec<&str> = usage
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with("--") && *word != "--help")
        .collect();
    assert!(flags.len() >= 4, "{usage}");
    for flag in flags {
        assert!(
            README.contains(&format!("`{flag} ")),
            "{flag} is not in the README"
        );
    }
    let fake = start_fake().await;
    let models: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/models", fake.base_url()))
        .bearer_auth(crate::support::FAKE_KEY)
        .send()
        .await
        .expect("models request")
        .json()
        .await
        .expect("models JSON");
    let names: Vec<&str> = models["data"]
        .as_array()
        .expect("a model list")
        .iter()
        .filter_map(|model| model["id"].as_str())
        .collect();
    assert!(names.len() >= 10, "{models}");
    for name in names {
        assert!(
            README.contains(&format!("`{name}`")),
            "{name} is not in the README"
        );
    }
}
