//! Crash recovery of the real binary: it is started as a child process (the build of this test
//! run: the release binary under `make test-rust`) wired to the in-process fake upstream,
//! streams a stored answer from `openai/fake-slow` (one word per 50 ms), is killed with
//! SIGKILL mid-answer and restarted on the same data directory. The conversation must then hold
//! the user's message intact and the answer marked `interrupted`, whose text is a prefix of what
//! the upstream sent, missing at most what arrived in the last second before the kill.
//! Everything listens on and talks to 127.0.0.1 only.

use crate::support::server_process::{load, local_client, ServerProcess};
use crate::support::{start_fake, EventReader, TempDir};
use serde_json::json;
use sluice::conversation::{ConversationSummary, MessageStatus, Role};
use sluice::events::ChatEvent;
use std::time::{Duration, Instant};

/// The user's message; long enough that a truncated copy would show.
const PROMPT: &str = "Count slowly, please.\nThis message must survive the crash, every byte.";

/// How long the answer streams before the kill.
const STREAM_BEFORE_KILL: Duration = Duration::from_secs(2);

/// What a crash may lose at most (the bound; the flush interval is 250 ms).
const MAX_LOSS: Duration = Duration::from_secs(1);

/// The whole text `fake-slow` streams: "word1 word2 … word2000".
fn fake_slow_text() -> String {
    (1..=2000)
        .map(|n| format!("word{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_answer_the_restarted_server_shows_the_partial_answer_interrupted() {
    let fake = start_fake().await;
    let data = TempDir::new("crash");
    let client = local_client();
    let mut server = ServerProcess::start(&data.path, &fake.base_url(), "first").await;
    server.wait_until_serving(&client).await;

    let response = client
        .post(server.url("/api/chat/stream"))
        .json(&json!({
            "model": "openai/fake-slow",
            "action": {"type": "send", "content": PROMPT},
        }))
        .send()
        .await
        .expect("stream request");
    assert_eq!(response.status(), 200, "send refused");
    let mut reader = EventReader::new(response);
    let ids = match reader.next_event().await {
        Some((
            _,
            ChatEvent::Started {
                stored: Some(stored),
                ..
            },
        )) => stored,
        other => panic!("expected `started` with stored ids, got {other:?}"),
    };

    // Read ~2 s of words, noting when each delta arrived and the text length by then.
    let mut received = String::new();
    let mut arrivals: Vec<(Instant, usize)> = Vec::new();
    while arrivals
        .first()
        .is_none_or(|(first, _)| first.elapsed() < STREAM_BEFORE_KILL)
    {
        match reader.next_event().await {
            Some((_, ChatEvent::Delta { text })) => {
                received.push_str(&text);
                arrivals.push((Instant::now(), received.len()));
            }
            Some((_, event)) if event.is_terminal() => panic!("the answer ended early: {event:?}"),
            Some(_) => {}
            None => panic!("the stream ended before the kill"),
        }
    }
    let killed_at = server.kill();
    drop(reader);

    let upstream = fake_slow_text();
    assert!(
        upstream.starts_with(&received),
        "the relayed text is not the upstream's: {received:?}"
    );
    // Text that arrived more than MAX_LOSS before the kill must all be stored.
    let floor = arrivals
        .iter()
        .take_while(|(at, _)| *at + MAX_LOSS <= killed_at)
        .last()
        .map_or(0, |(_, len)| *len);
    assert!(
        floor > 0,
        "no text arrived in the first second of streaming"
    );

    let mut restarted = ServerProcess::start(&data.path, &fake.base_url(), "second").await;
    restarted.wait_until_serving(&client).await;
    let tree = load(&client, &restarted, &ids.conversation_id).await;

    assert_eq!(tree.messages.len(), 2, "{:#?}", tree.messages);
    let user = tree
        .messages
        .iter()
        .find(|m| m.id == ids.user_message_id)
        .expect("the user's message is stored");
    assert_eq!(
        (user.role, user.status, user.parent_id.as_deref()),
        (Role::User, MessageStatus::Complete, None)
    );
    assert_eq!(user.content, PROMPT, "the user's message is stored whole");

    let answer = tree
        .messages
        .iter()
        .find(|m| m.id == ids.answer_id)
        .expect("the partial answer is stored");
    assert_eq!(answer.role, Role::Assistant);
    assert_eq!(answer.parent_id.as_deref(), Some(user.id.as_str()));
    assert_eq!(answer.status, MessageStatus::Interrupted);
    assert_eq!(answer.model.as_deref(), Some("openai/fake-slow"));
    // The app stores text before it sends it, so the stored text may include a delta that was
    // still on its way when the kill came; both are prefixes of the upstream's text.
    assert!(
        upstream.starts_with(&answer.content),
        "the stored text is not a prefix of what the upstream sent: {:?}",
        answer.content
    );
    assert!(
        answer.content.len() >= floor,
        "the crash lost more than {MAX_LOSS:?}: stored {} bytes, {floor} had arrived by then \
         ({} received in all)",
        answer.content.len(),
        received.len()
    );

    eprintln!(
        "crash test: {} bytes received before the kill, {floor} by 1 s before it, {} stored",
        received.len(),
        answer.content.len()
    );

    // The sidebar still lists the conversation with its title.
    let list: Vec<ConversationSummary> = client
        .post(restarted.url("/api/conversations/list"))
        .json(&json!({}))
        .send()
        .await
        .expect("list request")
        .json()
        .await
        .expect("list JSON");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, ids.conversation_id);
    assert_eq!(list[0].title, ids.title);
}
