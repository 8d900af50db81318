//! The SQLite database the migration tests copy: accounts (one claiming the built-in user,
//! one pending), sessions, branched conversations with every kind of answer ending, Unicode,
//! empty and absent system prompts, presets, and attachments (one pending, one sent with a
//! message: [`attach_files`], linked by [`link_sent_file`]).

use sluice::conversation::AnswerStats;
use sluice::ids::{ConversationId, MessageId};
use sluice::store::{AnswerEnd, AnswerWriter, Store, UserId};
use sqlx::{Connection, SqliteConnection};
use std::path::Path;
use std::time::{Duration, Instant};

/// Adds a finished answer to `question` ending as `end`, written in two batched flushes.
pub async fn answer(
    store: &Store,
    user: UserId,
    conversation: &ConversationId,
    question: &MessageId,
    text: &[&str],
    end: Option<AnswerEnd>,
) -> MessageId {
    let row = store
        .start_answer(user, conversation, question, "demo/sluice-demo")
        .await
        .expect("start answer");
    let mut writer =
        AnswerWriter::new(store.clone(), user, &row, Instant::now()).with_interval(Duration::ZERO);
    for part in text {
        writer.push(part);
        writer
            .flush_if_due(Instant::now() + Duration::from_millis(1))
            .await
            .expect("flush");
    }
    let id = writer.message_id().clone();
    if let Some(end) = end {
        let stats = AnswerStats {
            input_tokens: Some(12),
            output_tokens: Some(34),
            reasoning_tokens: None,
            ttft_ms: Some(210),
            tokens_per_second: Some(41.25),
            finish_reason: Some("stop".to_string()),
        };
        writer.finish(end, &stats).await.expect("finish");
    }
    id
}

/// The accounts and their passwords in [`fill_source`].
pub const PEOPLE: [(&str, &str); 3] = [
    ("ada", "ada's long password"),
    ("bob", "bob's long password"),
    ("cat", "cat's long password"),
];

/// Fills the SQLite store: a conversation made before any account (kept by the first one),
/// three accounts (one pending), two sessions, branched conversations in Unicode, and presets.
/// Returns the session tokens of ada and bob.
pub async fn fill_source(store: &Store) -> Vec<String> {
    let local = UserId::LOCAL;
    let early = store
        .create_conversation(local, "Before accounts", None, Some(""))
        .await
        .expect("conversation");
    let q = store
        .add_user_message(local, &early.id, None, "first question")
        .await
        .expect("question");
    answer(
        store,
        local,
        &early.id,
        &q.id,
        &["an ", "answer"],
        Some(AnswerEnd::Complete),
    )
    .await;

    let ada = store
        .create_account(PEOPLE[0].0, Some(PEOPLE[0].1), false)
        .await
        .expect("ada");
    assert_eq!(ada.id, UserId::LOCAL, "the first account claims row 1");
    let bob = store
        .create_account(PEOPLE[1].0, Some(PEOPLE[1].1), false)
        .await
        .expect("bob");
    store
        .create_account(PEOPLE[2].0, Some(PEOPLE[2].1), true)
        .await
        .expect("cat, pending");
    let lifetime = Duration::from_secs(30 * 86_400);
    let tokens = vec![
        store
            .create_session(ada.id, lifetime)
            .await
            .expect("ada's session"),
        store
            .create_session(bob.id, lifetime)
            .await
            .expect("bob's session"),
    ];

    // Bob: regenerations (complete and stopped), an edited question whose answer failed, a
    // follow-up still streaming (a crash left it), Unicode everywhere.
    let chat = store
        .create_conversation(
            bob.id,
            "Ünïcödé 🚀 “chat” 日本語",
            Some("demo/sluice-demo"),
            Some("Réponds en français. 改行\nnew line"),
        )
        .await
        .expect("bob's chat");
    let q1 = store
        .add_user_message(bob.id, &chat.id, None, "Hello 👋 — ça va?")
        .await
        .expect("q1");
    let a1 = answer(
        store,
        bob.id,
        &chat.id,
        &q1.id,
        &["Bien, ", "merci 🙂"],
        Some(AnswerEnd::Complete),
    )
    .await;
    answer(
        store,
        bob.id,
        &chat.id,
        &q1.id,
        &["Half an"],
        Some(AnswerEnd::Stopped),
    )
    .await;
    answer(
        store,
        bob.id,
        &chat.id,
        &q1.id,
        &[""],
        Some(AnswerEnd::Complete),
    )
    .await;
    let edited = store
        .add_user_message(bob.id, &chat.id, None, "Hello again (edited)")
        .await
        .expect("edit");
    answer(
        store,
        bob.id,
        &chat.id,
        &edited.id,
        &["part"],
        Some(AnswerEnd::Error(
            "upstream failed: 502 Bad Gateway".to_string(),
        )),
    )
    .await;
    let q2 = store
        .add_user_message(bob.id, &chat.id, Some(&a1), "Et ensuite ? \u{7f}\t")
        .await
        .expect("follow-up");
    answer(
        store,
        bob.id,
        &chat.id,
        &q2.id,
        &["still ", "streaming"],
        None,
    )
    .await;
    let plain = store
        .create_conversation(bob.id, "No system prompt", None, None)
        .await
        .expect("plain");
    store
        .add_user_message(bob.id, &plain.id, None, "just a question")
        .await
        .expect("unanswered");
    store
        .create_conversation(bob.id, "Empty", None, Some(""))
        .await
        .expect("empty conversation");

    store
        .create_preset(
            ada.id,
            "Traductrice ✍️",
            "Translate into French.",
            Some("demo/x"),
        )
        .await
        .expect("preset");
    store
        .create_preset(bob.id, "Blank", "", None)
        .await
        .expect("empty preset");
    store
        .create_preset(bob.id, "Second", "Be brief.", None)
        .await
        .expect("preset");
    tokens
}

/// Stores two uploads of bob (user 2): a text file to be sent, and a pending one whose bytes
/// are not UTF-8 text (stored as they are: the copy must keep every byte). Returns the id of
/// the one to send.
pub async fn attach_files(store: &Store) -> String {
    let limits = sluice_attachments::Limits::default();
    let sent = sluice_attachments::prepare("notes ✍️.md", "# Notes\nline 2\n".as_bytes(), &limits)
        .expect("a text file");
    let sent = store
        .insert_attachment(UserId(2), "notes ✍️.md", &sent)
        .await
        .expect("sent file");
    let raw = sluice_attachments::Prepared {
        kind: sluice_wire::attachments::AttachmentKind::Image,
        content_type: "image/png".to_string(),
        bytes: vec![0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 1, 2, 3],
        width: Some(3),
        height: Some(2),
        text: None,
        pages: None,
    };
    store
        .insert_attachment(UserId(2), "shot.png", &raw)
        .await
        .expect("pending file");
    sent.id.into_string()
}

/// Links attachment `id` to bob's first question, as sending it would (the SQLite file at
/// `path`, its store closed).
pub async fn link_sent_file(path: &Path, id: &str) {
    let mut db = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open the source");
    sqlx::query(
        "INSERT INTO message_attachments (message_id, attachment_id, position)
         SELECT m.id, $1, 0 FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.user_id = 2 AND m.role = 'user' ORDER BY m.rowid LIMIT 1",
    )
    .bind(id)
    .execute(&mut db)
    .await
    .expect("link the file");
    sqlx::query(
        "UPDATE attachments SET conversation_id = (
             SELECT m.conversation_id FROM messages m
             JOIN message_attachments ma ON ma.message_id = m.id WHERE ma.attachment_id = $1)
         WHERE id = $1",
    )
    .bind(id)
    .execute(&mut db)
    .await
    .expect("file the attachment under its conversation");
    db.close().await.expect("close");
}
