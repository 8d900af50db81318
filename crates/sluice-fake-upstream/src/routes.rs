//! Request routing of the fake upstream: the chat endpoints of each provider family (OpenAI
//! Chat `/v1/chat/completions`, Anthropic `/v1/messages`, OpenAI Responses `/v1/responses`,
//! Gemini `/v1beta/models/{model}:streamGenerateContent`, Ollama `/api/chat`: scenario choice,
//! auth check, record creation; every record keeps the request's JSON body), the model lists,
//! Ollama's `/api/show` capabilities, and the `/_records` inspection routes.
//! Built-in scenarios speak OpenAI Chat; every family can replay recorded fixtures.

use serde_json::{json, Value};

use super::http::Request;
use super::records::RecordId;
use super::scenarios::{self, ChatContext, Reply, ReplyBody, BUILTIN_MODELS, FIXTURE_PREFIX};
use super::script::{lock_scripts, FakeOptions, Shared};

/// The provider API a chat request speaks, which decides auth, where the model is named and
/// which fixture files it may replay.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// OpenAI Chat Completions (built-in scenarios and `.sse` replays).
    OpenAiChat,
    /// Anthropic Messages.
    Anthropic,
    /// OpenAI Responses.
    Responses,
    /// Gemini `streamGenerateContent`.
    Gemini,
    /// Ollama native chat (NDJSON replays).
    Ollama,
}

impl Family {
    /// Fixture file extension replayed for this family.
    fn fixture_extension(self) -> &'static str {
        match self {
            Family::Ollama => "ndjson",
            _ => "sse",
        }
    }
}

/// The model named in a Gemini path `/v1beta/models/{model}:streamGenerateContent`.
fn gemini_model(path: &str) -> Option<&str> {
    path.strip_prefix("/v1beta/models/")?
        .strip_suffix(":streamGenerateContent")
}

/// Picks the reply for a request; chat completion requests also get a record.
pub(super) async fn route(shared: &Shared, request: &Request) -> (Reply, Option<RecordId>) {
    let authorized = is_authorized(&shared.options, request);
    let method = request.method.as_str();
    match (method, request.path()) {
        ("POST", "/v1/chat/completions") => chat(shared, request, Family::OpenAiChat).await,
        ("POST", "/v1/messages") => chat(shared, request, Family::Anthropic).await,
        ("POST", "/v1/responses") => chat(shared, request, Family::Responses).await,
        ("POST", "/api/chat") => chat(shared, request, Family::Ollama).await,
        ("POST", path) if gemini_model(path).is_some() => {
            chat(shared, request, Family::Gemini).await
        }
        ("GET", "/api/tags") => (Reply::json(200, &ollama_tags(shared).await), None),
        ("POST", "/api/show") => (ollama_show(request), None),
        ("GET", "/v1beta/models") => (Reply::json(200, &gemini_models(shared).await), None),
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

/// A chat request of any family.
async fn chat(shared: &Shared, request: &Request, family: Family) -> (Reply, Option<RecordId>) {
    let authorized = is_authorized_for(&shared.options, request, family);
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let model = match family {
        Family::Gemini => gemini_model(request.path()).unwrap_or_default(),
        _ => body
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    };
    let last_user_message = last_user_message(&body);
    let id = shared.recorder.open(
        model,
        &request.target,
        authorized,
        last_user_message.clone(),
        body.clone(),
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
    let builtin = match family {
        Family::OpenAiChat => scenarios::builtin(context),
        _ => None,
    };
    let reply = match script {
        Some(script) => Some(Reply {
            status: script.status,
            content_type: script.content_type,
            extra_headers: Vec::new(),
            body: ReplyBody::Steps(script.steps),
        }),
        None => match (builtin, model.strip_prefix(FIXTURE_PREFIX)) {
            (Some(reply), _) => Some(reply),
            (None, Some(stem)) => match &shared.options.fixtures_dir {
                Some(dir) => scenarios::fixture(dir, stem, family.fixture_extension(), seed).await,
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

/// Whether a chat request carries the required key where its family sends it.
fn is_authorized_for(options: &FakeOptions, request: &Request, family: Family) -> bool {
    let Some(key) = &options.required_api_key else {
        return true;
    };
    match family {
        Family::Anthropic => request.header("x-api-key").map(str::trim) == Some(key.as_str()),
        Family::Gemini => request.header("x-goog-api-key").map(str::trim) == Some(key.as_str()),
        // Local Ollama has no auth.
        Family::Ollama => true,
        Family::OpenAiChat | Family::Responses => is_authorized(options, request),
    }
}

/// Whether the request carries the required key as a bearer token (or none is required).
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

/// Ollama's `GET /api/tags`: one model per NDJSON fixture.
async fn ollama_tags(shared: &Shared) -> Value {
    let names = match &shared.options.fixtures_dir {
        Some(dir) => scenarios::fixture_models_with(dir, "ollama-chat__", "ndjson").await,
        None => Vec::new(),
    };
    let models: Vec<Value> = names
        .iter()
        .map(|name| json!({"name": name, "model": name}))
        .collect();
    json!({ "models": models })
}

/// Ollama's `POST /api/show {"model": …}`: `capabilities` lists `completion`, plus `vision`
/// when the name says so (it contains `vision` or `llava`, like Ollama's vision models).
fn ollama_show(request: &Request) -> Reply {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let Some(model) = body.get("model").and_then(Value::as_str) else {
        return Reply::json(400, &json!({"error": "model is required"}));
    };
    let lower = model.to_ascii_lowercase();
    let mut capabilities = vec!["completion"];
    if lower.contains("vision") || lower.contains("llava") {
        capabilities.push("vision");
    }
    Reply::json(200, &json!({ "capabilities": capabilities }))
}

/// Gemini's `GET /v1beta/models`: one model per Gemini SSE fixture.
async fn gemini_models(shared: &Shared) -> Value {
    let names = match &shared.options.fixtures_dir {
        Some(dir) => scenarios::fixture_models_with(dir, "gemini-sse__", "sse").await,
        None => Vec::new(),
    };
    let models: Vec<Value> = names
        .iter()
        .map(|name| json!({"name": format!("models/{name}"), "supportedGenerationMethods": ["generateContent"]}))
        .collect();
    json!({ "models": models })
}

/// Text of the last `user` message (string content, or the text parts joined by newlines).
fn last_user_message(body: &Value) -> Option<String> {
    if let Some(contents) = body.get("contents").and_then(Value::as_array) {
        // Gemini: contents[].parts[].text, role "user".
        let last = contents
            .iter()
            .rev()
            .find(|c| c.get("role").and_then(Value::as_str) == Some("user"))?;
        let texts: Vec<&str> = last
            .get("parts")?
            .as_array()?
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect();
        return Some(texts.join("\n"));
    }
    let messages = body
        .get("messages")
        .or_else(|| body.get("input"))?
        .as_array()?;
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
