//! Stored conversations through the streaming endpoint: what a turn writes (user message
//! before the provider is called, the answer with its status and statistics), the history sent
//! from the tree, regenerate/edit siblings, Continue, and refused requests that change nothing.

use crate::support::{start_fake, stored_ids, text_of, EventReader, TestApp};
use serde_json::json;
use sluice::conversation::{MessageStatus, Role};
use sluice::events::ChatEvent;
use sluice::providers::demo::demo_answer;

#[tokio::test]
async fn first_message_creates_a_titled_conversation_with_the_complete_answer() {
    let app = TestApp::fast_demo().await;
    let events = app
        .send_and_finish(None, None, "  How do  tides work?\nDetails please")
        .await;
    let ids = stored_ids(&events);
    assert_eq!(ids.title, "How do tides work?");
    assert!(matches!(events.last(), Some((_, ChatEvent::Done(_)))));

    let tree = app.conversation(&ids.conversation_id).await;
    assert_eq!(tree.conversation.title, "How do tides work?");
    assert_eq!(tree.conversation.model.as_deref(), Some("demo/sluice-demo"));
    assert_eq!(tree.messages.len(), 2);
    let (user, answer) = (&tree.messages[0], &tree.messages[1]);
    assert_eq!(user.id, ids.user_message_id);
    assert_eq!(
        (user.role, user.status),
        (Role::User, MessageStatus::Complete)
    );
    assert_eq!(user.content, "  How do  tides work?\nDetails please");
    assert_eq!(answer.id, ids.answer_id);
    assert_eq!(answer.parent_id.as_deref(), Some(user.id.as_str()));
    assert_eq!(
        answer.status,
        MessageStatus::Complete,
        "stored before `done`"
    );
    assert_eq!(answer.content, text_of(&events));
    assert_eq!(
        answer.content,
        demo_answer("  How do  tides work?\nDetails please")
    );
    assert_eq!(answer.model.as_deref(), Some("demo/sluice-demo"));
    assert!(answer.stats.ttft_ms.is_some(), "TTFT stored");
    assert!(
        answer.stats.output_tokens.unwrap_or(0) > 0,
        "token count stored"
    );

    let list = app.conversation_list().await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, ids.conversation_id);
}

#[tokio::test]
async fn follow_ups_send_the_system_prompt_and_the_stored_path() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let response = app
        .api(
            "/api/chat/stream",
            json!({
                "model": "openai/fake-echo",
                "system_prompt": "Answer like a pirate.",
                "action": {"type": "send", "content": "first question"},
            }),
        )
        .await;
    let first = EventReader::new(response).collect().await;
    let ids = stored_ids(&first);
    let second = app
        .send_and_finish(
            Some(&ids.conversation_id),
            Some(&ids.answer_id),
            "second question",
        )
        .await;
    assert_eq!(text_of(&second), "second question");
    let records = fake.records();
    let sent = &records.last().expect("a request").body["messages"];
    assert_eq!(
        sent,
        &json!([
            {"role": "system", "content": "Answer like a pirate."},
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": "first question"},
            {"role": "user", "content": "second question"},
        ])
    );
    let tree = app.conversation(&ids.conversation_id).await;
    assert_eq!(
        tree.conversation.system_prompt.as_deref(),
        Some("Answer like a pirate.")
    );
    assert_eq!(tree.latest_path().len(), 4);
}

#[tokio::test]
async fn regenerate_and_edit_keep_earlier_versions_as_siblings() {
    let app = TestApp::fast_demo().await;
    let first = stored_ids(&app.send_and_finish(None, None, "Tell me a story").await);
    let conversation = first.conversation_id.as_str();

    let regenerated = app.regenerate(conversation, &first.user_message_id).await;
    let regenerated = stored_ids(&EventReader::new(regenerated).collect().await);
    assert_eq!(regenerated.user_message_id, first.user_message_id);
    assert_ne!(regenerated.answer_id, first.answer_id);

    // An edit of the first (root) message: a new root sibling with its own answer.
    let edited = stored_ids(
        &app.send_and_finish(Some(conversation), None, "Tell me a poem")
            .await,
    );
    let tree = app.conversation(conversation).await;
    let roots: Vec<&str> = tree.children(None).iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        roots,
        [
            first.user_message_id.as_str(),
            edited.user_message_id.as_str()
        ]
    );
    let answers: Vec<&str> = tree
        .children(Some(&first.user_message_id))
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(
        answers,
        [first.answer_id.as_str(), regenerated.answer_id.as_str()]
    );
    assert_eq!(tree.messages.len(), 5);
    let latest: Vec<&str> = tree.latest_path().iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        latest,
        [edited.user_message_id.as_str(), edited.answer_id.as_str()]
    );
}

#[tokio::test]
async fn continue_appends_to_the_same_answer_and_sends_the_partial_text() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let response = app.start_new_chat("openai/fake-echo", "abc").await;
    let ids = stored_ids(&EventReader::new(response).collect().await);
    let response = app
        .continue_answer(&ids.conversation_id, &ids.answer_id)
        .await;
    let events = EventReader::new(response).collect().await;
    assert_eq!(stored_ids(&events).answer_id, ids.answer_id);
    let continued = text_of(&events);
    let tree = app.conversation(&ids.conversation_id).await;
    assert_eq!(tree.messages.len(), 2, "no new message");
    assert_eq!(tree.messages[1].content, format!("abc{continued}"));
    assert_eq!(tree.messages[1].status, MessageStatus::Complete);
    let records = fake.records();
    let sent = records.last().expect("request").body["messages"].clone();
    assert_eq!(sent[1], json!({"role": "assistant", "content": "abc"}));
    assert_eq!(sent.as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn provider_errors_and_stops_are_stored_with_their_status() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-error,fake-slow").await;
    let response = app.start_new_chat("openai/fake-error", "hi").await;
    let events = EventReader::new(response).collect().await;
    let ids = stored_ids(&events);
    let tree = app.conversation(&ids.conversation_id).await;
    let answer = &tree.messages[1];
    assert_eq!(answer.status, MessageStatus::Error);
    assert_eq!(answer.content, text_of(&events), "partial text kept");
    assert!(answer.error.as_deref().unwrap_or("").contains("crashed"));

    let response = app.start_new_chat("openai/fake-slow", "go").await;
    let mut reader = EventReader::new(response);
    let Some((
        _,
        ChatEvent::Started {
            turn_id,
            stored: Some(ids),
            ..
        },
    )) = reader.next_event().await
    else {
        panic!("no started event");
    };
    while !matches!(
        reader.next_event().await,
        Some((_, ChatEvent::Delta { .. }))
    ) {}
    assert!(app.stop(&turn_id).await);
    let events = reader.collect().await;
    assert!(matches!(events.last(), Some((_, ChatEvent::Done(_)))));
    let tree = app.conversation(&ids.conversation_id).await;
    assert_eq!(tree.messages[1].status, MessageStatus::Stopped);
    assert!(tree.messages[1].content.starts_with("word1"));
}

#[tokio::test]
async fn a_closed_connection_stores_the_answer_as_stopped_after_the_grace_period() {
    let fake = start_fake().await;
    let app =
        TestApp::with_fake_and(&fake, "fake-slow", &[("SLUICE_TURN_GRACE_SECS", "0.2")]).await;
    let response = app.start_new_chat("openai/fake-slow", "go").await;
    let mut reader = EventReader::new(response);
    let Some((
        _,
        ChatEvent::Started {
            stored: Some(ids), ..
        },
    )) = reader.next_event().await
    else {
        panic!("no started event");
    };
    while !matches!(
        reader.next_event().await,
        Some((_, ChatEvent::Delta { .. }))
    ) {}
    drop(reader);
    let mut status = MessageStatus::Streaming;
    for _ in 0..100 {
        status = app.conversation(&ids.conversation_id).await.messages[1].status;
        if status != MessageStatus::Streaming {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, MessageStatus::Stopped);
}

/// The number of stored messages over all conversations.
async fn message_count(app: &TestApp) -> usize {
    let list = app.conversation_list().await;
    let mut total = 0;
    for summary in list {
        total += app.conversation(&summary.id).await.messages.len();
    }
    total
}

#[tokio::test]
async fn refused_requests_write_nothing() {
    let app = TestApp::fast_demo_and(&[("SLUICE_MAX_MESSAGE_BYTES", "1000")]).await;
    let ids = stored_ids(&app.send_and_finish(None, None, "hello").await);
    let conversation = Some(ids.conversation_id.as_str());
    let before = message_count(&app).await;

    let oversized = app
        .stored_turn(
            conversation,
            json!({"type": "send", "parent_id": ids.answer_id, "content": "x".repeat(1001)}),
        )
        .await;
    assert_eq!(oversized.status(), 413);
    let text = oversized.text().await.expect("body");
    assert!(text.contains("too long"), "{text}");

    let cases = [
        (
            conversation,
            json!({"type": "send", "parent_id": ids.answer_id, "content": "  "}),
            400,
        ),
        (
            conversation,
            json!({"type": "send", "parent_id": "not-a-uuid", "content": "hi"}),
            404,
        ),
        // A user message is not a valid parent for a new user message.
        (
            conversation,
            json!({"type": "send", "parent_id": ids.user_message_id, "content": "hi"}),
            404,
        ),
        (
            conversation,
            json!({"type": "regenerate", "user_message_id": ids.answer_id}),
            404,
        ),
        (
            conversation,
            json!({"type": "continue", "answer_id": ids.user_message_id}),
            404,
        ),
        (
            Some("00000000-0000-4000-8000-000000000000"),
            json!({"type": "send", "content": "hi"}),
            404,
        ),
        (
            Some("../../etc/passwd"),
            json!({"type": "send", "content": "hi"}),
            404,
        ),
        (
            None,
            json!({"type": "regenerate", "user_message_id": ids.user_message_id}),
            404,
        ),
        (
            None,
            json!({"type": "send", "content": "hi", "extra": 1}),
            200,
        ),
    ];
    for (conversation, action, status) in cases {
        let response = app.stored_turn(conversation, action.clone()).await;
        if status == 200 {
            // Unknown fields inside the action are ignored; this one is a valid new chat.
            assert_eq!(response.status(), 200, "{action}");
            EventReader::new(response).collect().await;
            continue;
        }
        assert_eq!(response.status(), status, "{action}");
    }
    let unknown_model = app.start_new_chat("nope/nope", "hi").await;
    assert_eq!(unknown_model.status(), 404);
    let both = app
        .api(
            "/api/chat/stream",
            json!({"messages": [{"role": "user", "content": "hi"}], "action": {"type": "send", "content": "hi"}}),
        )
        .await;
    assert_eq!(both.status(), 400);
    // Only the valid new chat (2 messages) was added.
    assert_eq!(message_count(&app).await, before + 2);
}

#[tokio::test]
async fn concurrent_sends_from_two_tabs_become_siblings() {
    // Eight answers at once: more than the default concurrent-stream limit.
    let app = TestApp::fast_demo_and(&[("SLUICE_CONCURRENT_STREAMS", "8")]).await;
    let ids = stored_ids(&app.send_and_finish(None, None, "start").await);
    let conversation = ids.conversation_id.clone();
    let tabs = (0..8).map(|n| {
        let app = &app;
        let conversation = conversation.clone();
        let parent = ids.answer_id.clone();
        async move {
            app.send_and_finish(Some(&conversation), Some(&parent), &format!("tab {n}"))
                .await
        }
    });
    let results = futures::future::join_all(tabs).await;
    assert!(results
        .iter()
        .all(|events| matches!(events.last(), Some((_, ChatEvent::Done(_))))));
    let tree = app.conversation(&conversation).await;
    assert_eq!(tree.messages.len(), 2 + 16);
    assert_eq!(tree.children(Some(&ids.answer_id)).len(), 8);
    for message in &tree.messages {
        assert_eq!(message.status, MessageStatus::Complete);
        if message.role == Role::Assistant {
            let parent = tree.message(message.parent_id.as_deref().unwrap_or(""));
            assert_eq!(
                parent.map(|p| p.role),
                Some(Role::User),
                "answers hang off user messages"
            );
        }
    }
}

#[tokio::test]
async fn conversation_endpoints_rename_search_settings_and_delete() {
    let app = TestApp::fast_demo().await;
    let a = stored_ids(
        &app.send_and_finish(None, None, "Quantum entanglement basics")
            .await,
    );
    let b = stored_ids(&app.send_and_finish(None, None, "Sourdough starter").await);
    let list = |search: &'static str| {
        let app = &app;
        async move {
            let list: Vec<sluice::conversation::ConversationSummary> = app
                .api("/api/conversations/list", json!({ "search": search }))
                .await
                .json()
                .await
                .expect("list");
            list.into_iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list("").await,
        [b.conversation_id.clone(), a.conversation_id.clone()]
    );
    assert_eq!(list("sourdough").await, [b.conversation_id.as_str()]);

    let renamed = app
        .api(
            "/api/conversations/rename",
            json!({"id": a.conversation_id, "title": "  Physics  notes "}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        app.conversation(&a.conversation_id)
            .await
            .conversation
            .title,
        "Physics notes"
    );
    assert_eq!(list("physics").await, [a.conversation_id.as_str()]);
    let empty = app
        .api(
            "/api/conversations/rename",
            json!({"id": a.conversation_id, "title": "   "}),
        )
        .await;
    assert_eq!(empty.status(), 400);

    let settings = app
        .api(
            "/api/conversations/settings",
            json!({"id": b.conversation_id, "model": "demo/sluice-demo", "system_prompt": "Be brief."}),
        )
        .await;
    assert_eq!(settings.status(), 200);
    let bad_model = app
        .api(
            "/api/conversations/settings",
            json!({"id": b.conversation_id, "model": "x/y"}),
        )
        .await;
    assert_eq!(bad_model.status(), 400);
    let tree = app.conversation(&b.conversation_id).await;
    assert_eq!(
        tree.conversation.system_prompt.as_deref(),
        Some("Be brief.")
    );

    let deleted = app
        .api(
            "/api/conversations/delete",
            json!({"id": a.conversation_id}),
        )
        .await;
    assert_eq!(deleted.status(), 200);
    for path in ["/api/conversations/get", "/api/conversations/delete"] {
        let again = app.api(path, json!({"id": a.conversation_id})).await;
        assert_eq!(again.status(), 404, "{path}");
    }
    for id in [
        "",
        "nope",
        "00000000-0000-0000-0000-000000000000",
        "' OR 1=1 --",
    ] {
        let response = app.api("/api/conversations/get", json!({ "id": id })).await;
        assert_eq!(response.status(), 404, "{id:?}");
    }
    let malformed = app
        .api("/api/conversations/get", json!({ "nope": 1 }))
        .await;
    assert_eq!(malformed.status(), 400);
    assert_eq!(list("").await, [b.conversation_id.as_str()]);
}

/// The conversation ids in the order of the sidebar's list.
async fn list_order(app: &TestApp) -> Vec<String> {
    let list = app.conversation_list().await;
    list.into_iter().map(|c| c.id.into_string()).collect()
}

#[tokio::test]
async fn every_new_answer_moves_its_conversation_up_the_list() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let mut chats = Vec::new();
    for text in ["first chat", "second chat"] {
        let response = app.start_new_chat("openai/fake-echo", text).await;
        chats.push(stored_ids(&EventReader::new(response).collect().await));
    }
    let (first, second) = (&chats[0], &chats[1]);
    assert_eq!(
        list_order(&app).await,
        [
            second.conversation_id.as_str(),
            first.conversation_id.as_str()
        ]
    );
    // Continue in the older chat is activity: it moves up, as Regenerate does.
    let response = app
        .continue_answer(&first.conversation_id, &first.answer_id)
        .await;
    assert_eq!(response.status(), 200);
    EventReader::new(response).collect().await;
    assert_eq!(
        list_order(&app).await,
        [
            first.conversation_id.as_str(),
            second.conversation_id.as_str()
        ]
    );
    let response = app
        .regenerate(&second.conversation_id, &second.user_message_id)
        .await;
    EventReader::new(response).collect().await;
    assert_eq!(
        list_order(&app).await,
        [
            second.conversation_id.as_str(),
            first.conversation_id.as_str()
        ]
    );
}

/// Issue 21: a limit under 1 KiB is said in bytes ("the limit is 100 bytes", not "0 KiB"), and
/// a size just over a limit never reads as the limit itself.
#[tokio::test]
async fn size_sentences_say_bytes_below_one_kib() {
    let app = TestApp::fast_demo_and(&[("SLUICE_MAX_MESSAGE_BYTES", "100")]).await;
    let response = app
        .stored_turn(None, json!({"type": "send", "content": "x".repeat(150)}))
        .await;
    assert_eq!(response.status(), 413);
    let text = response.text().await.expect("body");
    assert!(
        text.contains("The message is too long (150 bytes; the limit is 100 bytes)."),
        "{text}"
    );
    let app = TestApp::spawn(&[("SLUICE_MAX_MESSAGE_BYTES", "1536")]).await;
    let response = app
        .stored_turn(None, json!({"type": "send", "content": "x".repeat(1537)}))
        .await;
    assert_eq!(response.status(), 413);
    let text = response.text().await.expect("body");
    assert!(text.contains("(1.6 KiB; the limit is 1.5 KiB)"), "{text}");
}
