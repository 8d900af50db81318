//! The pure half of export/import (`sluice::transfer`), without a server: the exact Markdown
//! of a small tree, download file names, the JSON document's order, and validator cases an
//! HTTP request cannot express (bytes that are not UTF-8, a byte-order mark, custom limits).

use sluice::conversation::{
    AnswerStats, Conversation, ConversationTree, Message, MessageStatus, Role,
};
use sluice::transfer::{
    export_filename, parse_import, to_markdown, ExportDocument, ImportError, ImportLimits,
};

/// A stored-looking message.
fn message(id: &str, parent: Option<&str>, role: Role, content: &str, at: i64) -> Message {
    Message {
        id: id.into(),
        conversation_id: "c".into(),
        parent_id: parent.map(Into::into),
        role,
        content: content.to_string(),
        status: MessageStatus::Complete,
        error: None,
        model: (role == Role::Assistant).then(|| "openai/gpt-x".to_string()),
        stats: AnswerStats::default(),
        created_at: at,
        updated_at: at,
        attachments: Vec::new(),
    }
}

/// A tree titled `title` with `messages`.
fn tree(title: &str, system_prompt: Option<&str>, messages: Vec<Message>) -> ConversationTree {
    ConversationTree {
        conversation: Conversation {
            id: "c".into(),
            title: title.to_string(),
            model: Some("openai/gpt-x".to_string()),
            system_prompt: system_prompt.map(str::to_string),
            created_at: 1,
            updated_at: 9,
        },
        messages,
        feedback: Vec::new(),
    }
}

#[test]
fn markdown_is_the_latest_branch_with_notes_and_a_footer() {
    let mut failed = message("a2", Some("u1"), Role::Assistant, "", 3);
    failed.status = MessageStatus::Error;
    failed.error = Some("Invalid API key for OpenAI\n(HTTP 401).".to_string());
    let tree = tree(
        "Tides",
        Some("Be brief."),
        vec![
            message("u1", None, Role::User, "Why tides?", 1),
            message("a1", Some("u1"), Role::Assistant, "The moon.\n", 2),
            failed,
        ],
    );
    assert_eq!(
        to_markdown(&tree),
        "# Tides\n\n\
         ## System prompt\n\nBe brief.\n\n\
         ## You\n\nWhy tides?\n\n\
         ## Assistant (openai/gpt-x)\n\n\
         > *The answer failed:* Invalid API key for OpenAI (HTTP 401).\n\n\
         ---\n\n*Not included here: 1 other version of messages (regenerated answers or \
         edited messages); the JSON export keeps every branch.*\n"
    );
}

#[test]
fn markdown_without_branches_has_no_footer_and_keeps_text_verbatim() {
    let hostile = "</script><b>bold?</b>\n```\nunclosed";
    let tree = tree(
        "Plain",
        None,
        vec![
            message("u1", None, Role::User, hostile, 1),
            message("a1", Some("u1"), Role::Assistant, "ok", 2),
        ],
    );
    assert_eq!(
        to_markdown(&tree),
        format!("# Plain\n\n## You\n\n{hostile}\n\n## Assistant (openai/gpt-x)\n\nok\n\n")
    );
    assert_eq!(
        to_markdown(&self::tree("Empty", None, vec![])),
        "# Empty\n\n"
    );
}

#[test]
fn file_names_are_short_ascii_slugs() {
    assert_eq!(
        export_filename("How do tides work?", "md"),
        "how-do-tides-work.md"
    );
    assert_eq!(
        export_filename("../../etc/passwd \"x\"\r\n", "json"),
        "etc-passwd-x.json"
    );
    assert_eq!(export_filename("🌊🌊", "md"), "conversation.md");
    assert_eq!(export_filename("", "json"), "conversation.json");
    let long = export_filename(&"word ".repeat(40), "md");
    assert!(long.len() <= 60 + 3, "{long}");
    assert!(long.ends_with("word.md"), "{long}");
}

#[test]
fn the_json_export_lists_parents_before_children() {
    // A child stored before its parent (clock skew) still comes after it in the file.
    let tree = tree(
        "Skew",
        None,
        vec![
            message("a1", Some("u1"), Role::Assistant, "answer", 1),
            message("u1", None, Role::User, "question", 2),
            message("u0", None, Role::User, "older root", 3),
        ],
    );
    let document = ExportDocument::from_tree(&tree, 42);
    let order: Vec<&str> = document.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(order, ["u1", "a1", "u0"]);
    let text = serde_json::to_string(&document).expect("JSON");
    let import = parse_import(text.as_bytes(), &ImportLimits::default()).expect("valid");
    assert_eq!(import.messages[1].parent, Some(0));
    assert_eq!(import.title, "Skew");
}

/// A one-message document with `extra` spliced into its conversation object.
fn one_message_document(conversation_fields: &str, status: &str) -> String {
    format!(
        r#"{{"format":"sluice.conversation","version":1,"exported_at":0,
            "conversation":{{{conversation_fields}}},
            "messages":[{{"id":"u","parent_id":null,"role":"user","content":"hi","status":"complete","created_at":1,"updated_at":1}},
                        {{"id":"a","parent_id":"u","role":"assistant","content":"yo","status":"{status}","created_at":2,"updated_at":2}}]}}"#
    )
}

#[test]
fn bytes_that_are_not_utf8_are_refused() {
    let error = parse_import(b"{\"format\": \"\xff\xfe\"}", &ImportLimits::default())
        .expect_err("not UTF-8");
    assert_eq!(error, ImportError::NotUtf8);
    assert_eq!(
        error.to_string(),
        "The file is not UTF-8 text, so it is not a Sluice export."
    );
    assert!(!error.is_too_large());
}

#[test]
fn a_byte_order_mark_is_ignored_and_streaming_becomes_interrupted() {
    let text = format!(
        "\u{feff}{}",
        one_message_document(r#""title":"  Two\n words  ""#, "streaming")
    );
    let import = parse_import(text.as_bytes(), &ImportLimits::default()).expect("valid");
    assert_eq!(import.title, "Two words");
    assert_eq!(import.messages[1].status, MessageStatus::Interrupted);
    assert_eq!(import.messages[1].created_at, Some(2));
    assert_eq!(
        import.created_at, None,
        "absent: the store uses the import time"
    );
}

#[test]
fn limits_come_from_the_caller_and_size_errors_are_413() {
    let text = one_message_document(r#""title":"t""#, "complete");
    let tight = ImportLimits {
        max_messages: 1,
        ..ImportLimits::default()
    };
    let error = parse_import(text.as_bytes(), &tight).expect_err("two messages");
    assert_eq!(error, ImportError::TooManyMessages { count: 2, limit: 1 });
    assert!(error.is_too_large());
    let tiny = ImportLimits {
        max_bytes: 10,
        ..ImportLimits::default()
    };
    assert!(parse_import(text.as_bytes(), &tiny)
        .expect_err("too large")
        .is_too_large());
    let prompt = format!(r#""title":"t","system_prompt":"{}""#, "p".repeat(2048));
    let short = ImportLimits {
        max_message_bytes: 1024,
        ..ImportLimits::default()
    };
    let error = parse_import(one_message_document(&prompt, "complete").as_bytes(), &short)
        .expect_err("long prompt");
    assert_eq!(
        error.to_string(),
        "The system prompt is too long (2 KiB; the limit is 1 KiB)."
    );
}

#[test]
fn titles_over_the_rename_limit_and_long_ids_are_refused_clearly() {
    let long_title = format!(r#""title":"{}""#, "t".repeat(201));
    let error = parse_import(
        one_message_document(&long_title, "complete").as_bytes(),
        &ImportLimits::default(),
    )
    .expect_err("long title");
    assert_eq!(
        error.to_string(),
        "The conversation's title is too long (the limit is 200 characters)."
    );
    let long_id = "i".repeat(500);
    let text = one_message_document(r#""title":"t""#, "complete")
        .replace(r#""parent_id":"u""#, &format!(r#""parent_id":"{long_id}""#));
    let error = parse_import(text.as_bytes(), &ImportLimits::default()).expect_err("ghost");
    let message = error.to_string();
    assert!(message.len() < 120, "the id is shortened: {message}");
    assert!(message.starts_with("Message 2 names the parent \"iiii"));
}

#[test]
fn missing_or_mistyped_top_level_fields_are_refused_clearly() {
    let cases = [
        (
            r#"{"format":"sluice.conversation","messages":[]}"#,
            "The export is malformed: the \"version\" field is missing.",
        ),
        (
            r#"{"format":"sluice.conversation","version":1,"conversation":{}}"#,
            "The export is malformed: \"messages\" must be a list of messages.",
        ),
        (
            r#"{"format":"sluice.conversation","version":1,"messages":[]}"#,
            "The export is malformed: the \"conversation\" object is missing.",
        ),
        (
            r#"{"format":"sluice.conversation","version":1,"conversation":{"title":5},"messages":[]}"#,
            "The export is malformed: in \"conversation\": invalid type: integer `5`, expected a string.",
        ),
        (
            r#"{"format":"sluice.conversation","version":1,"conversation":{},"messages":[7]}"#,
            "Message 1 is malformed: it is not an object.",
        ),
        (
            r#"{"format":"sluice.conversation","version":"1","conversation":{},"messages":[]}"#,
            "This export has format version \"1\", which this Sluice cannot read (it reads version 1).",
        ),
    ];
    for (text, expected) in cases {
        let error = parse_import(text.as_bytes(), &ImportLimits::default()).expect_err(text);
        assert_eq!(error.to_string(), expected, "{text}");
    }
    let empty = parse_import(
        br#"{"format":"sluice.conversation","version":1,"conversation":{},"messages":[]}"#,
        &ImportLimits::default(),
    )
    .expect("an empty conversation is valid");
    assert_eq!(empty.title, "Imported chat");
    assert!(empty.messages.is_empty());
}
