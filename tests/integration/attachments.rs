//! Uploads through HTTP (issue 25): `POST /api/attachments?name=…`, `GET` and `DELETE
//! /api/attachments/{id}`, the upload body limit, the storage quota, hostile files, the
//! sweeper of pending uploads and deletion with the conversation. Shared helpers here; the
//! tests in [`serving`], [`limits`], [`hostile_files`] and [`lifecycle`], the generated
//! sample files in [`sample_files`].

mod hostile_files;
mod lifecycle;
mod limits;
mod sample_files;
mod serving;

use crate::support::{TestApp, LOCAL_AUTH};
use sluice::ids::{ConversationId, MessageId};
use sluice::store::UserId;
use sqlx::Connection;

/// An app with local accounts open to sign-up, plus `extra` settings.
pub async fn app_with(extra: &[(&str, &str)]) -> TestApp {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    env.extend_from_slice(extra);
    TestApp::spawn(&env).await
}

/// The query string naming an upload `name` (percent-encoded).
pub fn upload_path(name: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("/api/attachments?name={encoded}")
}

/// Uploads `bytes` as `name` with the session `token` (`None`: no cookie); (status, body).
pub async fn upload(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let mut request = app
        .client
        .post(app.url(&upload_path(name)))
        .header("content-type", "application/octet-stream")
        .body(bytes);
    if let Some(token) = token {
        request = request.header("cookie", format!("sluice_session={token}"));
    }
    let response = request.send().await.expect("an HTTP answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Sends `method` to `path` with the session `token`; the response.
pub async fn call(
    app: &TestApp,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.header("cookie", format!("sluice_session={token}"));
    }
    request.send().await.expect("an HTTP answer")
}

/// The id of the account `name`.
pub async fn user_id(app: &TestApp, name: &str) -> UserId {
    app.state
        .store
        .account_by_name(name)
        .await
        .expect("store")
        .expect("account")
        .id
}

/// How many attachments `user` stores and how many bytes the quota counts for them.
pub async fn stored(app: &TestApp, user: UserId) -> (u64, u64) {
    let store = &app.state.store;
    (
        store.attachment_count(user).await.expect("count"),
        store.attachment_bytes(user).await.expect("bytes"),
    )
}

/// Links attachment `id` of `user` to a new conversation's first message, as sending it
/// does (the linking code is the turns' part; here plain SQL on the app's database, either
/// backend). Returns the conversation.
pub async fn link_to_new_conversation(app: &TestApp, user: UserId, id: &str) -> ConversationId {
    let store = &app.state.store;
    let conversation = store
        .create_conversation(user, "With a file", None, None)
        .await
        .expect("conversation");
    let message = store
        .add_user_message(user, &conversation.id, None, "see the file")
        .await
        .expect("message");
    run_link_sql(app, &conversation.id, &message.id, id).await;
    conversation.id
}

/// The two statements of [`link_to_new_conversation`] on the app's database.
async fn run_link_sql(app: &TestApp, conversation: &ConversationId, message: &MessageId, id: &str) {
    exec(
        app,
        "INSERT INTO message_attachments (message_id, attachment_id, position) VALUES ($1, $2, 0)",
        &[message.as_str(), id],
    )
    .await;
    exec(
        app,
        "UPDATE attachments SET conversation_id = $1 WHERE id = $2",
        &[conversation.as_str(), id],
    )
    .await;
}

/// Runs `sql` with the text parameters `binds` on the app's database (either backend,
/// foreign keys enforced as the store has them).
pub async fn exec(app: &TestApp, sql: &str, binds: &[&str]) {
    let storage = &app.state.config.storage;
    match &storage.database_url {
        Some(url) => {
            let mut db = sqlx::PgConnection::connect(url).await.expect("connect");
            let mut query = sqlx::query(sql);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.execute(&mut db).await.expect(sql);
            db.close().await.expect("close");
        }
        None => {
            let url = format!("sqlite://{}", storage.database.display());
            let mut db = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            sqlx::query("PRAGMA foreign_keys = ON")
                .execute(&mut db)
                .await
                .expect("foreign keys");
            let mut query = sqlx::query(sql);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.execute(&mut db).await.expect(sql);
            db.close().await.expect("close");
        }
    }
}

/// The `ApiError` of a refusal body: (kind, sentence).
pub fn refusal(body: &str) -> (String, String) {
    let error: sluice::api_error::ApiError =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not an ApiError ({e}): {body:?}"));
    let kind = serde_json::to_value(error.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    (kind, error.message)
}
