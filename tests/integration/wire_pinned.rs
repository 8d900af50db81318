//! The wire, pinned: every SSE event and request body that README.md's "The streaming endpoint"
//! section documents, compared with LITERAL text. Events are written by the server's real
//! encoder (`sluice::codec::encode_item`) and compared with the exact frame; the README's own
//! example lines are read back by the real decoder (`ItemDecoder`) and checked field by field;
//! the README's request bodies are read into the server functions' own argument structs.
//! A serde rename (`turn_id`, `finish_reason`, `ttft_ms`, `stored.answer_id`, …) fails here,
//! which encode → decode round trips (tests/integration/chat_codec.rs) cannot notice.
//!
//! Where the README elides a value ("6f0c…") the encoder tests use concrete values with the
//! README's field names and shape; the decoder tests feed the README's text as written.

use sluice::api::resume_turn::ResumeTurn;
use sluice::api::stop_turn::StopTurn;
use sluice::api::stream_chat::StreamChat;
use sluice::chat_request::{ChatRequest, StoredChat, TemporaryChat};
use sluice::codec::{encode_item, ItemDecoder, StreamItem, STORED_EVENT_ID};
use sluice::conversation::{AnswerStats, Message, MessageStatus};
use sluice::events::{
    ChatEvent, ChatMessage, DoneStats, FinishReason, Role, StoredTurn, TurnAction, Usage,
};

/// The exact SSE text the server writes for `event` with sequence number `seq`.
fn frame(seq: u64, event: ChatEvent) -> String {
    let bytes = encode_item(&StreamItem::Event { seq, event });
    String::from_utf8(bytes.to_vec()).expect("frames are UTF-8")
}

/// Decodes SSE text (a whole body) with the real decoder; every item must be valid.
fn decode(text: &str) -> Vec<StreamItem> {
    let mut decoder = ItemDecoder::default();
    let mut items = decoder.push(text.as_bytes());
    items.extend(decoder.finish());
    items
        .into_iter()
        .map(|item| item.expect("the README's example decodes"))
        .collect()
}

/// The `done` event of the README's example, with `finish_reason` set to `reason`.
fn done(reason: FinishReason) -> ChatEvent {
    ChatEvent::Done(DoneStats {
        finish_reason: reason,
        ttft_ms: Some(402),
        tokens_per_second: Some(39.8),
        output_tokens: 38,
    })
}

/// A stored answer as `get_conversation` and the `stored` event carry it.
fn stored_answer() -> Message {
    Message {
        id: "c3f9".into(),
        conversation_id: "1d2e".into(),
        parent_id: Some("77a1".into()),
        role: Role::Assistant,
        content: "Hi".into(),
        status: MessageStatus::Complete,
        error: None,
        model: Some("demo/sluice-demo".into()),
        stats: AnswerStats {
            input_tokens: Some(2),
            output_tokens: Some(38),
            reasoning_tokens: None,
            ttft_ms: Some(402),
            tokens_per_second: Some(39.8),
            finish_reason: Some("stop".into()),
        },
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_000_500,
        attachments: Vec::new(),
    }
}

// ---- events: encoder output, literal --------------------------------------------------------

#[test]
fn started_of_a_stored_turn_is_written_exactly() {
    let event = ChatEvent::Started {
        turn_id: "6f0c".into(),
        model: "demo/sluice-demo".into(),
        stored: Some(StoredTurn {
            conversation_id: "1d2e".into(),
            title: "Hello".into(),
            user_message_id: "77a1".into(),
            answer_id: "c3f9".into(),
            prefix_bytes: 0,
        }),
    };
    // `prefix_bytes` is always written (the README's example leaves it out).
    assert_eq!(
        frame(1, event),
        "id: 1\nevent: started\ndata: {\"type\":\"started\",\"turn_id\":\"6f0c\",\
         \"model\":\"demo/sluice-demo\",\"stored\":{\"conversation_id\":\"1d2e\",\
         \"title\":\"Hello\",\"user_message_id\":\"77a1\",\"answer_id\":\"c3f9\",\
         \"prefix_bytes\":0}}\n\n"
    );
}

#[test]
fn started_of_a_temporary_chat_has_no_stored() {
    let event = ChatEvent::Started {
        turn_id: "6f0c".into(),
        model: "demo/sluice-demo".into(),
        stored: None,
    };
    assert_eq!(
        frame(1, event),
        "id: 1\nevent: started\n\
         data: {\"type\":\"started\",\"turn_id\":\"6f0c\",\"model\":\"demo/sluice-demo\"}\n\n"
    );
}

#[test]
fn text_events_are_written_exactly() {
    assert_eq!(
        frame(
            2,
            ChatEvent::Delta {
                text: "## Streaming".into()
            }
        ),
        "id: 2\nevent: delta\ndata: {\"type\":\"delta\",\"text\":\"## Streaming\"}\n\n"
    );
    assert_eq!(
        frame(
            3,
            ChatEvent::Reasoning {
                text: "Think".into()
            }
        ),
        "id: 3\nevent: reasoning\ndata: {\"type\":\"reasoning\",\"text\":\"Think\"}\n\n"
    );
}

#[test]
fn tool_call_events_are_written_exactly() {
    let start = ChatEvent::ToolCallStart {
        index: 0,
        id: Some("call_1".into()),
        name: "search".into(),
    };
    assert_eq!(
        frame(4, start),
        "id: 4\nevent: tool_call_start\ndata: {\"type\":\"tool_call_start\",\"index\":0,\
         \"id\":\"call_1\",\"name\":\"search\"}\n\n"
    );
    let start_without_id = ChatEvent::ToolCallStart {
        index: 1,
        id: None,
        name: "search".into(),
    };
    assert_eq!(
        frame(5, start_without_id),
        "id: 5\nevent: tool_call_start\ndata: {\"type\":\"tool_call_start\",\"index\":1,\
         \"id\":null,\"name\":\"search\"}\n\n"
    );
    let delta = ChatEvent::ToolCallDelta {
        index: 0,
        arguments: "{\"q\":".into(),
    };
    assert_eq!(
        frame(6, delta),
        "id: 6\nevent: tool_call_delta\ndata: {\"type\":\"tool_call_delta\",\"index\":0,\
         \"arguments\":\"{\\\"q\\\":\"}\n\n"
    );
    assert_eq!(
        frame(7, ChatEvent::ToolCallEnd { index: 0 }),
        "id: 7\nevent: tool_call_end\ndata: {\"type\":\"tool_call_end\",\"index\":0}\n\n"
    );
}

#[test]
fn usage_done_and_error_are_written_exactly() {
    let usage = ChatEvent::Usage(Usage {
        input_tokens: 2,
        output_tokens: 38,
        reasoning_tokens: None,
    });
    assert_eq!(
        frame(40, usage),
        "id: 40\nevent: usage\ndata: {\"type\":\"usage\",\"input_tokens\":2,\
         \"output_tokens\":38,\"reasoning_tokens\":null}\n\n"
    );
    assert_eq!(
        frame(41, done(FinishReason::Stop)),
        "id: 41\nevent: done\ndata: {\"type\":\"done\",\"finish_reason\":\"stop\",\
         \"ttft_ms\":402,\"tokens_per_second\":39.8,\"output_tokens\":38}\n\n"
    );
    let silent = ChatEvent::Done(DoneStats {
        finish_reason: FinishReason::Stopped,
        ttft_ms: None,
        tokens_per_second: None,
        output_tokens: 0,
    });
    assert_eq!(
        frame(3, silent),
        "id: 3\nevent: done\ndata: {\"type\":\"done\",\"finish_reason\":\"stopped\",\
         \"ttft_ms\":null,\"tokens_per_second\":null,\"output_tokens\":0}\n\n"
    );
    let error = ChatEvent::Error {
        message: "The model is unavailable.".into(),
    };
    assert_eq!(
        frame(9, error),
        "id: 9\nevent: error\n\
         data: {\"type\":\"error\",\"message\":\"The model is unavailable.\"}\n\n"
    );
}

#[test]
fn keep_alive_is_one_comment_line() {
    let bytes = encode_item(&StreamItem::KeepAlive);
    assert_eq!(&bytes[..], b": keep-alive\n\n");
}

#[test]
fn stored_event_has_id_end_and_the_message_as_stored() {
    assert_eq!(STORED_EVENT_ID, "end");
    let event = ChatEvent::Stored {
        message: Box::new(stored_answer()),
    };
    // The sequence number is not written: the SSE id of a `stored` event is always `end`.
    assert_eq!(
        frame(77, event),
        "id: end\nevent: stored\ndata: {\"type\":\"stored\",\"message\":{\"id\":\"c3f9\",\
         \"conversation_id\":\"1d2e\",\"parent_id\":\"77a1\",\"role\":\"assistant\",\
         \"content\":\"Hi\",\"status\":\"complete\",\"error\":null,\
         \"model\":\"demo/sluice-demo\",\"stats\":{\"input_tokens\":2,\"output_tokens\":38,\
         \"reasoning_tokens\":null,\"ttft_ms\":402,\"tokens_per_second\":39.8,\
         \"finish_reason\":\"stop\"},\"created_at\":1700000000000,\
         \"updated_at\":1700000000500}}\n\n"
    );
}

// ---- events: the README's example, decoded --------------------------------------------------

/// The README's example stream, verbatim (elided ids included).
const README_STREAM: &str = "id: 1
event: started
data: {\"type\":\"started\",\"turn_id\":\"6f0c…\",\"model\":\"demo/sluice-demo\",\"stored\":{\"conversation_id\":\"1d2e…\",\"title\":\"Hello\",\"user_message_id\":\"77a1…\",\"answer_id\":\"c3f9…\"}}

id: 2
event: delta
data: {\"type\":\"delta\",\"text\":\"## Streaming\"}

: keep-alive

id: 40
event: usage
data: {\"type\":\"usage\",\"input_tokens\":2,\"output_tokens\":38,\"reasoning_tokens\":null}

id: 41
event: done
data: {\"type\":\"done\",\"finish_reason\":\"stop\",\"ttft_ms\":402,\"tokens_per_second\":39.8,\"output_tokens\":38}
";

#[test]
fn the_readme_example_stream_decodes_field_by_field() {
    let items = decode(README_STREAM);
    assert_eq!(items.len(), 5, "{items:?}");

    let StreamItem::Event { seq, event } = &items[0] else {
        panic!("started expected: {:?}", items[0]);
    };
    assert_eq!(*seq, 1);
    let ChatEvent::Started {
        turn_id,
        model,
        stored: Some(stored),
    } = event
    else {
        panic!("started with stored expected: {event:?}");
    };
    assert_eq!(turn_id, "6f0c…");
    assert_eq!(model, "demo/sluice-demo");
    assert_eq!(stored.conversation_id, "1d2e…");
    assert_eq!(stored.title, "Hello");
    assert_eq!(stored.user_message_id, "77a1…");
    assert_eq!(stored.answer_id, "c3f9…");
    assert_eq!(stored.prefix_bytes, 0, "absent prefix_bytes means 0");

    assert_eq!(
        items[1],
        StreamItem::Event {
            seq: 2,
            event: ChatEvent::Delta {
                text: "## Streaming".into()
            }
        }
    );
    assert_eq!(items[2], StreamItem::KeepAlive);
    assert_eq!(
        items[3],
        StreamItem::Event {
            seq: 40,
            event: ChatEvent::Usage(Usage {
                input_tokens: 2,
                output_tokens: 38,
                reasoning_tokens: None,
            })
        }
    );
    let StreamItem::Event {
        seq: 41,
        event: ChatEvent::Done(stats),
    } = &items[4]
    else {
        panic!("done with id 41 expected: {:?}", items[4]);
    };
    assert_eq!(stats.finish_reason, FinishReason::Stop);
    assert_eq!(stats.ttft_ms, Some(402));
    assert_eq!(stats.tokens_per_second, Some(39.8));
    assert_eq!(stats.output_tokens, 38);
}

#[test]
fn the_readme_error_and_prose_events_decode() {
    let items = decode(
        "id: 5\nevent: error\ndata: {\"type\":\"error\",\"message\":\"…\"}\n\n\
         id: 6\nevent: reasoning\ndata: {\"type\":\"reasoning\",\"text\":\"hm\"}\n\n\
         id: 7\nevent: tool_call_start\n\
         data: {\"type\":\"tool_call_start\",\"index\":2,\"id\":\"call_9\",\"name\":\"calc\"}\n\n\
         id: 8\nevent: tool_call_delta\n\
         data: {\"type\":\"tool_call_delta\",\"index\":2,\"arguments\":\"{}\"}\n\n\
         id: 9\nevent: tool_call_end\ndata: {\"type\":\"tool_call_end\",\"index\":2}\n\n",
    );
    let events: Vec<(u64, ChatEvent)> = items
        .into_iter()
        .map(|item| match item {
            StreamItem::Event { seq, event } => (seq, event),
            StreamItem::KeepAlive => panic!("no comment was sent"),
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (
                5,
                ChatEvent::Error {
                    message: "…".into()
                }
            ),
            (6, ChatEvent::Reasoning { text: "hm".into() }),
            (
                7,
                ChatEvent::ToolCallStart {
                    index: 2,
                    id: Some("call_9".into()),
                    name: "calc".into()
                }
            ),
            (
                8,
                ChatEvent::ToolCallDelta {
                    index: 2,
                    arguments: "{}".into()
                }
            ),
            (9, ChatEvent::ToolCallEnd { index: 2 }),
        ]
    );
}

#[test]
fn a_stored_event_with_id_end_decodes_with_sequence_zero() {
    let text = frame(
        3,
        ChatEvent::Stored {
            message: Box::new(stored_answer()),
        },
    );
    let items = decode(&text);
    let [StreamItem::Event {
        seq,
        event: ChatEvent::Stored { message },
    }] = items.as_slice()
    else {
        panic!("one stored event expected: {items:?}");
    };
    assert_eq!(*seq, 0, "`id: end` is not a sequence number");
    assert_eq!(**message, stored_answer());
}

#[test]
fn a_started_with_prefix_bytes_decodes_it() {
    let items = decode(
        "id: 1\nevent: started\ndata: {\"type\":\"started\",\"turn_id\":\"t\",\"model\":\"m\",\
         \"stored\":{\"conversation_id\":\"c\",\"title\":\"T\",\"user_message_id\":\"u\",\
         \"answer_id\":\"a\",\"prefix_bytes\":12}}\n\n",
    );
    let [StreamItem::Event {
        event: ChatEvent::Started {
            stored: Some(stored),
            ..
        },
        ..
    }] = items.as_slice()
    else {
        panic!("one started event expected: {items:?}");
    };
    assert_eq!(stored.prefix_bytes, 12);
}

// ---- finish_reason values -------------------------------------------------------------------

#[test]
fn every_finish_reason_is_its_documented_word() {
    let cases = [
        (FinishReason::Stop, "stop"),
        (FinishReason::Length, "length"),
        (FinishReason::ToolCalls, "tool_calls"),
        (FinishReason::ContentFilter, "content_filter"),
        (FinishReason::Stopped, "stopped"),
        (FinishReason::Error, "error"),
        (FinishReason::Interrupted, "interrupted"),
    ];
    for (reason, word) in cases {
        let json = serde_json::to_string(&reason).expect("serialises");
        assert_eq!(json, format!("\"{word}\""), "{reason:?} on the wire");
        assert_eq!(reason.as_stored(), word, "{reason:?} as stored");
        assert_eq!(
            serde_json::from_str::<FinishReason>(&json).expect("reads back"),
            reason
        );
        assert_eq!(FinishReason::from_stored(word), reason);
        let expected = format!(
            "id: 1\nevent: done\ndata: {{\"type\":\"done\",\"finish_reason\":\"{word}\",\
             \"ttft_ms\":402,\"tokens_per_second\":39.8,\"output_tokens\":38}}\n\n"
        );
        assert_eq!(frame(1, done(reason)), expected);
    }
}

#[test]
fn an_unknown_finish_reason_is_the_providers_bare_word_on_the_wire() {
    // A reason this version does not know (Anthropic's `refusal`, Gemini's `safety`, …) travels
    // as the provider's word, a string like every documented value, and reads back unchanged.
    let reason = FinishReason::Other("safety".into());
    assert_eq!(
        serde_json::to_string(&reason).expect("serialises"),
        "\"safety\""
    );
    assert_eq!(reason.as_stored(), "safety");
    assert_eq!(
        serde_json::from_str::<FinishReason>("\"safety\"").expect("decodes"),
        reason
    );
}

// ---- request bodies -------------------------------------------------------------------------

/// A `/api/chat/stream` body's fields as its flat JSON has them (`None` where the kind of
/// request has none), so the assertions below name the documented fields.
struct StreamFields {
    model: Option<String>,
    messages: Option<Vec<ChatMessage>>,
    conversation_id: Option<sluice::ids::ConversationId>,
    action: Option<TurnAction>,
    system_prompt: Option<String>,
    merge_ms: Option<u32>,
}

/// Reads a `/api/chat/stream` body as the server does.
fn stream_body(json: &str) -> StreamFields {
    let body: StreamChat = serde_json::from_str(json).expect("the README's body is accepted");
    let merge_ms = body.merge_ms;
    match body.request {
        ChatRequest::Stored(StoredChat {
            conversation_id,
            action,
            model,
            system_prompt,
        }) => StreamFields {
            model,
            messages: None,
            conversation_id,
            action: Some(action),
            system_prompt,
            merge_ms,
        },
        ChatRequest::Temporary(TemporaryChat { model, messages }) => StreamFields {
            model,
            messages: Some(messages),
            conversation_id: None,
            action: None,
            system_prompt: None,
            merge_ms,
        },
    }
}

#[test]
fn readme_send_in_a_new_conversation() {
    let body = stream_body(r#"{"action": {"type": "send", "content": "Hello"}}"#);
    assert_eq!(
        body.action,
        Some(TurnAction::Send {
            parent_id: None,
            content: "Hello".into(),
            attachments: Vec::new(),
        })
    );
    assert_eq!(body.conversation_id, None);
    assert_eq!(body.messages, None);
    assert_eq!(body.model, None);
    assert_eq!(body.system_prompt, None);
    assert_eq!(body.merge_ms, None);

    let body = stream_body(
        r#"{"action": {"type": "send", "content": "Hello"}, "system_prompt": "Be brief.", "model": "demo/sluice-demo", "merge_ms": 40}"#,
    );
    assert_eq!(body.system_prompt.as_deref(), Some("Be brief."));
    assert_eq!(body.model.as_deref(), Some("demo/sluice-demo"));
    assert_eq!(body.merge_ms, Some(40));
}

#[test]
fn readme_actions_in_an_existing_conversation() {
    let cases = [
        (
            r#"{"conversation_id": "…", "action": {"type": "send", "parent_id": "<answer id>", "content": "…"}}"#,
            TurnAction::Send {
                parent_id: Some("<answer id>".into()),
                content: "…".into(),
                attachments: Vec::new(),
            },
        ),
        (
            r#"{"conversation_id": "…", "action": {"type": "send", "parent_id": null, "content": "…"}}"#,
            TurnAction::Send {
                parent_id: None,
                content: "…".into(),
                attachments: Vec::new(),
            },
        ),
        (
            r#"{"conversation_id": "…", "action": {"type": "regenerate", "user_message_id": "…"}}"#,
            TurnAction::Regenerate {
                user_message_id: "…".into(),
            },
        ),
        (
            r#"{"conversation_id": "…", "action": {"type": "continue", "answer_id": "…"}}"#,
            TurnAction::Continue {
                answer_id: "…".into(),
            },
        ),
    ];
    assert_eq!(
        stream_body(cases[0].0).conversation_id.as_deref(),
        Some("…")
    );
    for (json, action) in cases {
        assert_eq!(stream_body(json).action, Some(action), "{json}");
    }
}

#[test]
fn readme_files_in_a_send_and_a_temporary_chat() {
    let body = stream_body(
        r#"{"conversation_id": "…", "action": {"type": "send", "parent_id": "<answer id>", "content": "…", "attachments": ["<attachment id>"]}}"#,
    );
    assert_eq!(
        body.action,
        Some(TurnAction::Send {
            parent_id: Some("<answer id>".into()),
            content: "…".into(),
            attachments: vec!["<attachment id>".into()],
        })
    );
    let message: ChatMessage = serde_json::from_str(
        r#"{"role": "user", "content": "",
"attachments": ["<attachment id>"]}"#,
    )
    .expect("the README's temporary message");
    assert_eq!(message.attachments, ["<attachment id>"]);
    assert_eq!(message.content, "");
}

#[test]
fn readme_temporary_chat_body() {
    let body = stream_body(
        r#"{"model": "demo/sluice-demo", "messages": [{"role": "user", "content": "Hello"}]}"#,
    );
    assert_eq!(body.model.as_deref(), Some("demo/sluice-demo"));
    assert_eq!(
        body.messages,
        Some(vec![ChatMessage {
            role: Role::User,
            content: "Hello".into(),
            attachments: Vec::new(),
        }])
    );
    assert_eq!(body.action, None);
    assert_eq!(body.conversation_id, None);
    for (word, role) in [
        ("system", Role::System),
        ("user", Role::User),
        ("assistant", Role::Assistant),
    ] {
        let message: ChatMessage =
            serde_json::from_str(&format!(r#"{{"role": "{word}", "content": "x"}}"#))
                .expect("documented role");
        assert_eq!(message.role, role);
    }
}

#[test]
fn the_page_writes_the_stream_body_exactly() {
    // What the browser's server-function call sends (same struct, serialised).
    let body = StreamChat {
        request: ChatRequest::Stored(StoredChat {
            conversation_id: Some("1d2e".into()),
            action: TurnAction::Continue {
                answer_id: "c3f9".into(),
            },
            model: None,
            system_prompt: None,
        }),
        merge_ms: Some(40),
    };
    assert_eq!(
        serde_json::to_string(&body).expect("serialises"),
        "{\"model\":null,\"messages\":null,\"conversation_id\":\"1d2e\",\
         \"action\":{\"type\":\"continue\",\"answer_id\":\"c3f9\"},\"system_prompt\":null,\
         \"merge_ms\":40}"
    );
    let send = TurnAction::Send {
        parent_id: None,
        content: "Hi".into(),
        attachments: Vec::new(),
    };
    assert_eq!(
        serde_json::to_string(&send).expect("serialises"),
        "{\"type\":\"send\",\"parent_id\":null,\"content\":\"Hi\"}"
    );
    let regenerate = TurnAction::Regenerate {
        user_message_id: "77a1".into(),
    };
    assert_eq!(
        serde_json::to_string(&regenerate).expect("serialises"),
        "{\"type\":\"regenerate\",\"user_message_id\":\"77a1\"}"
    );
}

#[test]
fn readme_stop_body() {
    let body: StopTurn = serde_json::from_str(r#"{"turn_id": "…"}"#).expect("accepted");
    assert_eq!(body.turn_id, "…");
    assert!(
        serde_json::from_str::<StopTurn>("{}").is_err(),
        "turn_id is required"
    );
}

#[test]
fn readme_resume_body() {
    let body: ResumeTurn =
        serde_json::from_str(r#"{"turn_id": "6f0c…", "answer_id": "c3f9…", "after": 12}"#)
            .expect("accepted");
    assert_eq!(body.turn_id.as_deref(), Some("6f0c…"));
    assert_eq!(body.answer_id.as_deref(), Some("c3f9…"));
    assert_eq!(body.after, 12);
    assert_eq!(body.merge_ms, None);

    let body: ResumeTurn =
        serde_json::from_str(r#"{"answer_id": "c3f9…", "merge_ms": 40}"#).expect("accepted");
    assert_eq!(body.turn_id, None);
    assert_eq!(body.answer_id.as_deref(), Some("c3f9…"));
    assert_eq!(body.after, 0, "after defaults to 0: from the start");
    assert_eq!(body.merge_ms, Some(40));
}
