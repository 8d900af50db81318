//! Another user's *live* turn over HTTP: stopping it, resuming it and following its events
//! (by turn id, by answer id, or both) each answer exactly what a made-up id gets, and the
//! owner's stream goes on to its normal end.

use crate::support::chat_script::{content_chunk, stream_then_stop};
use crate::support::{start_fake, EventReader, TestApp};
use serde_json::{json, Value};
use sluice::events::{ChatEvent, FinishReason};
use sluice_fake_upstream::{Script, ScriptStep};
use std::time::Duration;

/// "one ", a pause long enough for another user's attempts, "two ", then a normal end.
fn slow_script() -> Script {
    stream_then_stop(vec![
        ScriptStep::Send(content_chunk("one ")),
        ScriptStep::Wait(Duration::from_secs(3)),
        ScriptStep::Send(content_chunk("two ")),
    ])
}

/// Status and body of a request as `token`: a POST of `body` to `path`, or a GET of `path`
/// when `body` is `None`.
async fn call(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> (u16, String) {
    let response = match body {
        Some(body) => app.api_as(Some(token), path, body).await,
        None => app
            .client
            .get(app.url(path))
            .header("cookie", format!("sluice_session={token}"))
            .send()
            .await
            .expect("GET"),
    };
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// A request that names a turn: what it tries, its path, and its JSON body (`None`: a GET).
type Attempt = (&'static str, String, Option<Value>);

/// Every way to stop, resume or follow the turn `turn` writing `answer`.
fn requests(turn: &str, answer: &str) -> Vec<Attempt> {
    vec![
        (
            "stop",
            "/api/chat/stop".into(),
            Some(json!({"turn_id": turn})),
        ),
        (
            "resume by turn",
            "/api/chat/resume".into(),
            Some(json!({"turn_id": turn, "after": 0})),
        ),
        (
            "resume by answer",
            "/api/chat/resume".into(),
            Some(json!({"answer_id": answer, "after": 0})),
        ),
        (
            "resume by both",
            "/api/chat/resume".into(),
            Some(json!({"turn_id": turn, "answer_id": answer})),
        ),
        ("events by turn", format!("/api/turns/{turn}/events"), None),
        (
            "events by turn and answer",
            format!("/api/turns/{turn}/events?answer_id={answer}"),
            None,
        ),
    ]
}

#[tokio::test]
async fn another_users_live_turn_looks_unknown_and_runs_on() {
    let fake = start_fake().await;
    fake.add_script("slow", slow_script());
    let app = TestApp::with_fake_and(
        &fake,
        "slow",
        &[("SLUICE_AUTH", "local"), ("SLUICE_SIGNUP", "open")],
    )
    .await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;

    let response = app
        .api_as(
            Some(&alice),
            "/api/chat/stream",
            json!({"model": "openai/slow",
                   "action": {"type": "send", "parent_id": null, "content": "hi"}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut owner = EventReader::new(response);
    let (turn_id, answer_id) = match owner.next_event().await {
        Some((
            _,
            ChatEvent::Started {
                turn_id,
                stored: Some(stored),
                ..
            },
        )) => (turn_id, stored.answer_id),
        other => panic!("expected a stored start, got {other:?}"),
    };
    assert_eq!(
        owner.next_event().await.map(|(_, e)| e),
        Some(ChatEvent::Delta {
            text: "one ".into()
        }),
        "the turn is live"
    );

    let fake_turn = "t".repeat(turn_id.len());
    let fake_answer = "a".repeat(answer_id.len());
    // Bob's requests naming Alice's live turn, each beside the same request with made-up ids.
    let foreign = requests(&turn_id, &answer_id);
    let made_up = requests(&fake_turn, &fake_answer);
    for ((what, path, body), (_, made_up_path, made_up_body)) in foreign.into_iter().zip(made_up) {
        let foreign = call(&app, &bob, &path, body).await;
        let unknown = call(&app, &bob, &made_up_path, made_up_body).await;
        assert_eq!(foreign, unknown, "{what}: Bob sees Alice's live turn");
        assert!(
            foreign.0 == 404 || foreign.0 == 204 || foreign == (200, "false".to_string()),
            "{what}: {foreign:?}"
        );
        assert!(
            !foreign.1.contains("one "),
            "{what} leaked text: {foreign:?}"
        );
    }

    // The ids are real: Alice herself can follow the turn while it runs.
    let mine = app
        .api_as(
            Some(&alice),
            "/api/chat/resume",
            json!({"turn_id": turn_id, "after": 0}),
        )
        .await;
    assert_eq!(mine.status(), 200);
    let mut mine = EventReader::new(mine);
    assert!(matches!(
        mine.next_event().await,
        Some((_, ChatEvent::Started { .. }))
    ));

    // Alice's own stream is unaffected: the rest of the answer, then a normal end.
    let rest = owner.collect().await;
    let text: String = rest
        .iter()
        .filter_map(|(_, e)| match e {
            ChatEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "two ");
    match rest.last() {
        Some((_, ChatEvent::Done(stats))) => assert_eq!(stats.finish_reason, FinishReason::Stop),
        other => panic!("expected done, got {other:?}"),
    }
}
