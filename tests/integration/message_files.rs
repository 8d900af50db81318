//! Files travelling with messages through the streaming endpoint: a message's files are
//! linked in order and listed after a reload; foreign, gone or too many files and images for a
//! model that cannot see are refused before anything is stored (and before the upstream is
//! called); an edit keeps some files of the message it replaces and adds others; deleting the
//! conversation deletes its files; temporary chats use pending uploads and leave them pending.
//! The uploads are written straight into the store (`support::TestUploads`), so these
//! tests do not depend on which file types the intake accepts.

use crate::support::{
    error_message, start_fake, stored_ids, EventReader, TestApp, TestUploads, LOCAL_AUTH,
};
use serde_json::{json, Value};
use sluice::attachments::{AttachmentKind, AttachmentMeta};
use sluice::store::UserId;

/// A pending text upload of `user`'s named `name`, holding `text`.
async fn text_file(app: &TestApp, user: UserId, name: &str, text: &str) -> AttachmentMeta {
    app.state
        .store
        .put_attachment_for_tests(
            user,
            name,
            AttachmentKind::Text,
            "text/plain; charset=utf-8",
            text.as_bytes(),
            Some(text),
        )
        .await
        .expect("stored upload")
}

/// A pending (tiny, fake) PNG upload of `user`'s.
async fn image_file(app: &TestApp, user: UserId, name: &str) -> AttachmentMeta {
    app.state
        .store
        .put_attachment_for_tests(
            user,
            name,
            AttachmentKind::Image,
            "image/png",
            b"\x89PNG\r\n\x1a\nnot really",
            None,
        )
        .await
        .expect("stored upload")
}

/// Sends `content` with `files` under `parent` in `conversation` as the local user.
async fn send_with(
    app: &TestApp,
    conversation: Option<&str>,
    parent: Option<&str>,
    content: &str,
    files: &[&AttachmentMeta],
) -> reqwest::Response {
    let ids: Vec<&str> = files.iter().map(|f| f.id.as_str()).collect();
    app.stored_turn(
        conversation,
        json!({"type": "send", "parent_id": parent, "content": content, "attachments": ids}),
    )
    .await
}

/// The ids of `message`'s files, in order.
fn file_ids(message: &sluice::conversation::Message) -> Vec<&str> {
    message.attachments.iter().map(|a| a.id.as_str()).collect()
}

#[tokio::test]
async fn files_sent_with_a_message_are_listed_in_order_after_reload() {
    let app = TestApp::fast_demo().await;
    let notes = text_file(&app, UserId::LOCAL, "notes.md", "# Notes\nbuy milk").await;
    let code = text_file(&app, UserId::LOCAL, "main.rs", "fn main() {}").await;
    // No text at all: the files are the message.
    let response = send_with(&app, None, None, "", &[&code, &notes]).await;
    assert_eq!(
        response.status(),
        200,
        "an empty message with files is sent"
    );
    let ids = stored_ids(&EventReader::new(response).collect().await);

    let raw: Value = app
        .api(
            "/api/conversations/get",
            json!({ "id": ids.conversation_id }),
        )
        .await
        .json()
        .await
        .expect("conversation JSON");
    let user = &raw["messages"][0];
    assert_eq!(user["id"], json!(ids.user_message_id));
    assert_eq!(user["content"], json!(""));
    assert_eq!(
        user["attachments"],
        json!([
            {"id": code.id, "name": "main.rs", "kind": "text",
             "content_type": "text/plain; charset=utf-8", "size_bytes": 12},
            {"id": notes.id, "name": "notes.md", "kind": "text",
             "content_type": "text/plain; charset=utf-8", "size_bytes": 16},
        ])
    );
    assert!(
        raw["messages"][1].get("attachments").is_none(),
        "answers carry no files"
    );
    assert_eq!(
        app.state
            .store
            .attachment_counts_for_tests(UserId::LOCAL)
            .await
            .ok(),
        Some((2, 2))
    );
}

#[tokio::test]
async fn another_users_file_is_refused_and_nothing_is_stored() {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    env.push(("SLUICE_DEMO_TTFT_MS", "1"));
    let app = TestApp::spawn(&env).await;
    let alice = app.signed_up("alice", "alice password").await;
    let _bob = app.signed_up("bob", "bobs password").await;
    let store = &app.state.store;
    let alice_id = store.account_by_name("alice").await.unwrap().unwrap().id;
    let bob_id = store.account_by_name("bob").await.unwrap().unwrap().id;
    let bobs = text_file(&app, bob_id, "secret.txt", "bob's secret").await;

    let response = app
        .api_as(
            Some(&alice),
            "/api/chat/stream",
            json!({"action": {"type": "send", "content": "read this", "attachments": [bobs.id]}}),
        )
        .await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap_or_default();
    assert_eq!(
        error_message(&body),
        "One of the attached files no longer exists."
    );
    let list: Vec<Value> = app
        .api_as(Some(&alice), "/api/conversations/list", json!({}))
        .await
        .json()
        .await
        .expect("list");
    assert!(list.is_empty(), "no conversation was created: {list:?}");
    assert_eq!(
        store.attachment_counts_for_tests(bob_id).await.ok(),
        Some((1, 0)),
        "bob's upload is untouched and still pending"
    );
    assert_eq!(
        store.attachment_counts_for_tests(alice_id).await.ok(),
        Some((0, 0))
    );

    // A temporary chat is refused alike.
    let response = app
        .api_as(
            Some(&alice),
            "/api/chat/stream",
            json!({"messages": [{"role": "user", "content": "read", "attachments": [bobs.id]}]}),
        )
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn an_image_for_a_model_that_cannot_see_is_refused_before_anything_happens() {
    let fake = start_fake().await;
    let app = TestApp::with_fake(&fake, "fake-echo").await;
    let photo = image_file(&app, UserId::LOCAL, "photo.png").await;
    let response = app
        .api(
            "/api/chat/stream",
            json!({"model": "openai/fake-echo",
                   "action": {"type": "send", "content": "what is this?",
                              "attachments": [photo.id]}}),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap_or_default();
    assert_eq!(
        error_message(&body),
        "fake-echo cannot see images; choose a model marked 👁 vision, or remove the image."
    );
    assert!(app.conversation_list().await.is_empty(), "nothing stored");
    assert!(fake.records().is_empty(), "the upstream was never called");
    assert_eq!(
        app.state
            .store
            .attachment_counts_for_tests(UserId::LOCAL)
            .await
            .ok(),
        Some((1, 0)),
        "the upload is still pending, ready for another model"
    );

    // In an existing conversation: no user message, no answer is added.
    let first = stored_ids(&app.send_and_finish(None, None, "hello").await);
    let response = send_with(
        &app,
        Some(&first.conversation_id),
        Some(&first.answer_id),
        "and this?",
        &[&photo],
    )
    .await;
    assert_eq!(response.status(), 400);
    let tree = app.conversation(&first.conversation_id).await;
    assert_eq!(tree.messages.len(), 2);
    assert_eq!(fake.records().len(), 1);

    // A temporary chat too.
    let response = app
        .api(
            "/api/chat/stream",
            json!({"model": "openai/fake-echo",
                   "messages": [{"role": "user", "content": "", "attachments": [photo.id]}]}),
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(fake.records().len(), 1);
}

#[tokio::test]
async fn more_files_than_allowed_are_refused_with_a_sentence() {
    let app = TestApp::fast_demo().await;
    let mut files = Vec::new();
    for n in 0..11 {
        files.push(text_file(&app, UserId::LOCAL, &format!("f{n}.txt"), "x").await);
    }
    let refs: Vec<&AttachmentMeta> = files.iter().collect();
    let response = send_with(&app, None, None, "many", &refs).await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap_or_default();
    assert_eq!(
        error_message(&body),
        "A message can carry at most 10 files; this one has 11. Remove some."
    );
    assert!(app.conversation_list().await.is_empty());
    let response = send_with(&app, None, None, "ten", &refs[..10]).await;
    assert_eq!(response.status(), 200, "ten are fine");
}

#[tokio::test]
async fn an_edit_keeps_one_file_drops_another_and_adds_a_new_one() {
    let app = TestApp::fast_demo().await;
    let kept = text_file(&app, UserId::LOCAL, "kept.txt", "kept").await;
    let dropped = text_file(&app, UserId::LOCAL, "dropped.txt", "dropped").await;
    let added = text_file(&app, UserId::LOCAL, "added.txt", "added").await;
    let response = send_with(&app, None, None, "first", &[&kept, &dropped]).await;
    let first = stored_ids(&EventReader::new(response).collect().await);
    let conversation = first.conversation_id.as_str();

    // The edit is a sibling of the first message (same parent: none).
    let response = send_with(&app, Some(conversation), None, "edited", &[&added, &kept]).await;
    assert_eq!(response.status(), 200);
    let edited = stored_ids(&EventReader::new(response).collect().await);
    let tree = app.conversation(conversation).await;
    let original = tree.message(&first.user_message_id).expect("original");
    let edit = tree.message(&edited.user_message_id).expect("edit");
    assert_eq!(file_ids(original), [kept.id.as_str(), dropped.id.as_str()]);
    assert_eq!(file_ids(edit), [added.id.as_str(), kept.id.as_str()]);

    // A file of this conversation cannot be sent in another one.
    let response = send_with(&app, None, None, "elsewhere", &[&kept]).await;
    assert_eq!(response.status(), 404);
    assert_eq!(app.conversation_list().await.len(), 1);
}

#[tokio::test]
async fn regenerate_and_continue_keep_the_user_messages_files() {
    let app = TestApp::fast_demo().await;
    let doc = text_file(&app, UserId::LOCAL, "doc.txt", "the document").await;
    let response = send_with(&app, None, None, "summarise", &[&doc]).await;
    let first = stored_ids(&EventReader::new(response).collect().await);
    let again = app
        .regenerate(&first.conversation_id, &first.user_message_id)
        .await;
    assert_eq!(again.status(), 200);
    let again = stored_ids(&EventReader::new(again).collect().await);
    assert_eq!(again.user_message_id, first.user_message_id);
    let tree = app.conversation(&first.conversation_id).await;
    let user = tree.message(&first.user_message_id).expect("user message");
    assert_eq!(file_ids(user), [doc.id.as_str()]);
    assert_eq!(tree.messages.len(), 3, "one user message, two answers");
}

#[tokio::test]
async fn deleting_the_conversation_deletes_its_files_and_links() {
    let app = TestApp::fast_demo().await;
    let a = text_file(&app, UserId::LOCAL, "a.txt", "a").await;
    let b = text_file(&app, UserId::LOCAL, "b.txt", "b").await;
    let pending = text_file(&app, UserId::LOCAL, "later.txt", "later").await;
    let response = send_with(&app, None, None, "two files", &[&a, &b]).await;
    let ids = stored_ids(&EventReader::new(response).collect().await);
    let store = &app.state.store;
    assert_eq!(
        store.attachment_counts_for_tests(UserId::LOCAL).await.ok(),
        Some((3, 2))
    );
    let response = app
        .api(
            "/api/conversations/delete",
            json!({ "id": ids.conversation_id }),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        store.attachment_counts_for_tests(UserId::LOCAL).await.ok(),
        Some((1, 0)),
        "only the pending upload ({}) is left",
        pending.name
    );
}

#[tokio::test]
async fn a_temporary_chat_sends_pending_files_and_leaves_them_pending() {
    let app = TestApp::fast_demo().await;
    let note = text_file(&app, UserId::LOCAL, "note.txt", "remember").await;
    let response = app
        .api(
            "/api/chat/stream",
            json!({"messages": [{"role": "user", "content": "", "attachments": [note.id]}]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let events = EventReader::new(response).collect().await;
    assert!(matches!(
        events.last(),
        Some((_, sluice::events::ChatEvent::Done(_)))
    ));
    assert_eq!(
        app.state
            .store
            .attachment_counts_for_tests(UserId::LOCAL)
            .await
            .ok(),
        Some((1, 0))
    );
    assert!(app.conversation_list().await.is_empty());
}

#[tokio::test]
async fn a_shared_link_names_the_files_but_carries_no_bytes_or_ids() {
    let app = TestApp::fast_demo().await;
    let report = text_file(&app, UserId::LOCAL, "report.txt", "secret figures 4711").await;
    let response = send_with(&app, None, None, "look at this", &[&report]).await;
    let ids = stored_ids(&EventReader::new(response).collect().await);
    let link: Value = app
        .api(
            "/api/shares/create",
            json!({"conversation_id": ids.conversation_id}),
        )
        .await
        .json()
        .await
        .expect("link");
    let token = link["token"].as_str().expect("token");
    let snapshot: Value = app
        .api("/api/shares/view", json!({ "token": token }))
        .await
        .json()
        .await
        .expect("snapshot");
    assert_eq!(
        snapshot["messages"][0]["files"],
        json!([{"name": "report.txt", "kind": "text"}])
    );
    let text = snapshot.to_string();
    assert!(!text.contains(report.id.as_str()), "no attachment id");
    assert!(!text.contains("4711"), "no file contents");
    assert!(snapshot["messages"][1].get("files").is_none());
}
