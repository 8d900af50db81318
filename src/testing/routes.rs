//! Request routing of the fake upstream: `/v1/models`, `/v1/chat/completions` (scenario choice,
//! auth check, record creation) and the `/_records` inspection routes.

use serde_json::{json, Value};

use super::fake_upstream::{lock_scripts, FakeOptions, Shared};
use super::http::Request;
use super::records::RecordId;
use super::scenarios::{self, ChatContext, Reply, ReplyBody, BUILTIN_MODELS, FIXTURE_PREFIX};

/// Picks the reply for a request; chat completion requests also get a record.
pub(super) async fn route(shared: &Shared, request: &Request) -> (Reply, Option<RecordId>) {
    let authorized = is_authorized(&shared.options, request);
    let method = request.method.as_str();
    match (method, request.path()) {
        ("POST", "/v1/chat/completions") => chat(shared, request, authorized).await,
        ("GET", "/v1/models") if !authorized => (unauthorized(), None),
        ("GET", "/v1/models") => (Reply::json(200, &model_list(shared).await), None),
        ("GET", "/_records") => {
            let records = serde_json::to_value(shared.recorder.snapshot()).unwrap_or(Value::Null);
            (Reply::json(200, &records), None)
        }
        ("DELETE", "/_records") => {
            shared.recorder.clear();
            (Reply::json(200, &json!({"cleared": true})), None)
        }
        (_, "/v1/chat/completions" | "/v1/models" | "/_records") => {
            let reply =
                Reply::openai_error(405, "Method not allowed.", "invalid_request_error", None);
            (reply, None)
        }
        (_, path) => {
            let message = format!("Unknown request URL: {method} {path}.");
            let reply = Reply::openai_error(404, &message, "invalid_request_error", None);
            (reply, None)
        }
    }
}

/// `POST /v1/chat/completions`.
async fn chat(shared: &Shared, request: &Request, authorized: bool) -> (Reply, Option<RecordId>) {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let last_user_message = last_user_message(&body);
    let id = shared.recorder.open(
        model,
        &request.target,
        authorized,
        last_user_message.clone(),
    );
    if !body.is_object() {
        let reply = Reply::openai_error(
            400,
            "The request body is not valid JSON.",
            "invalid_request_error",
            None,
        );
        return (reply, Some(id));
    }
    if !authorized {
        return (unauthorized(), Some(id));
    }
    let seed = shared.options.seed;
    let script = lock_scripts(shared).get(model).cloned();
    let context = ChatContext {
        model,
        last_user_message: last_user_message.as_deref(),
        seed,
    };
    let reply = match script {
        Some(script) => Some(Reply {
            status: script.status,
            content_type: script.content_type,
            extra_headers: Vec::new(),
            body: ReplyBody::Steps(script.steps),
        }),
        None => match (
            scenarios::builtin(context),
            model.strip_prefix(FIXTURE_PREFIX),
        ) {
            (Some(reply), _) => Some(reply),
            (None, Some(stem)) => match &shared.options.fixtures_dir {
                Some(dir) => scenarios::fixture(dir, stem, seed).await,
                None => None,
            },
            (None, None) => None,
        },
    };
    let reply = reply.unwrap_or_else(|| {
        let message =
            format!("The model `{model}` does not exist or you do not have access to it.");
        Reply::openai_error(
            404,
            &message,
            "invalid_request_error",
            Some("model_not_found"),
        )
    });
    (reply, Some(id))
}

/// Whether the request carries the required key (or none is required).
fn is_authorized(options: &FakeOptions, request: &Request) -> bool {
    let Some(key) = &options.required_api_key else {
        return true;
    };
    let presented = request
        .header("authorization")
        .and_then(|value| value.strip_prefix("Bearer "));
    presented.map(str::trim) == Some(key.as_str())
}

/// The 401 OpenAI sends for a missing or wrong key.
fn unauthorized() -> Reply {
    Reply::openai_error(
        401,
        "Incorrect API key provided.",
        "invalid_request_error",
        Some("invalid_api_key"),
    )
}

/// The `GET /v1/models` body: built-ins, added scripts and fixture replays.
async fn model_list(shared: &Shared) -> Value {
    let mut names: Vec<String> = BUILTIN_MODELS.iter().map(|name| name.to_string()).collect();
    let mut scripted: Vec<String> = lock_scripts(shared).keys().cloned().collect();
    scripted.sort();
    names.extend(
        scripted
            .into_iter()
            .filter(|name| !BUILTIN_MODELS.contains(&name.as_str())),
    );
    if let Some(dir) = &shared.options.fixtures_dir {
        names.extend(scenarios::fixture_models(dir).await);
    }
    let data: Vec<Value> = names
        .iter()
        .map(|name| {
            json!({"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "sluice-fake"})
        })
        .collect();
    json!({"object": "list", "data": data})
}

/// Text of the last `user` message (string content, or the text parts joined by newlines).
fn last_user_message(body: &Value) -> Option<String> {
    let messages = body.get("messages")?.as_array()?;
    let message = messages
        .iter()
        .rev()
        .find(|message| message.get("role").and_then(Value::as_str) == Some("user"))?;
    match message.get("content")? {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => {
            let texts: Vec<&str> = parts
                .iter()
                .filter_map(|part| part.get("text").and_then(Value::as_str))
                .collect();
            Some(texts.join("\n"))
        }
        _ => None,
    }
}
