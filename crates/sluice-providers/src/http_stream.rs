//! The one HTTP streaming loop shared by every adapter: send the request, turn a non-2xx answer
//! into a user-safe error, then feed body bytes to the adapter's [`StreamParser`] until its
//! terminator, the end of the body, or an error. The response lives inside the returned
//! stream, so dropping the stream closes the upstream connection at once.

use crate::event::redact_then_cap;
use crate::http_error::http_error;
use crate::{
    Provider, ProviderError, ProviderErrorKind, ProviderEvent, ProviderRequest, ProviderSettings,
    ProviderStream, StreamParser,
};
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{stream, StreamExt};
use sluice_wire::events::ModelInfo;
use std::collections::VecDeque;
use std::time::Duration;

/// Largest error body read from a failed HTTP response (larger ones are not shown).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Longest provider-written error text shown to a user, cut only after the key is scrubbed.
const MAX_SHOWN_CHARS: usize = 500;

/// Longest redirect target written to the log.
const MAX_LOCATION_CHARS: usize = 300;

/// A shared HTTP client with a connect timeout but no overall timeout (answers stream for
/// minutes). It follows no redirect: requests carry the API key in a header (`Authorization`,
/// `x-api-key`, `x-goog-api-key`), which must never travel to another host, so a 3xx becomes an
/// error telling the operator to set the base URL to the final address ([`redirected`]).
pub fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build HTTP client: {e}"))
}

/// Streams `request`'s response through `parser`. `provider` names the provider in error
/// messages; `secret` is scrubbed from any provider text shown to users; a response that
/// sends no byte (headers or body) for `stall` ends with a timeout error.
pub fn stream_http(
    request: reqwest::RequestBuilder,
    parser: Box<dyn StreamParser>,
    provider: String,
    secret: Option<String>,
    stall: Duration,
) -> ProviderStream {
    let state = StreamState {
        phase: Phase::Connecting(Box::pin(request.send())),
        parser,
        ready: VecDeque::new(),
        provider,
        secret,
        stall,
    };
    Box::pin(stream::unfold(state, next_event))
}

/// Where the stream is in its life.
enum Phase {
    /// Waiting for response headers.
    Connecting(BoxFuture<'static, Result<reqwest::Response, reqwest::Error>>),
    /// Reading the body.
    Streaming(BoxStream<'static, reqwest::Result<bytes::Bytes>>),
    /// Nothing more to read.
    Ended,
}

/// State carried between items.
struct StreamState {
    /// Connection phase.
    phase: Phase,
    /// The adapter's wire-format parser.
    parser: Box<dyn StreamParser>,
    /// Events parsed but not yet yielded.
    ready: VecDeque<ProviderEvent>,
    /// Provider name, for error messages.
    provider: String,
    /// Key to scrub from provider text.
    secret: Option<String>,
    /// Longest silence allowed before the stream ends with an error.
    stall: Duration,
}

/// Produces the next event.
async fn next_event(mut state: StreamState) -> Option<(ProviderEvent, StreamState)> {
    loop {
        if let Some(event) = state.ready.pop_front() {
            let event = match event {
                ProviderEvent::Error(error) => {
                    state.phase = Phase::Ended;
                    state.ready.clear();
                    ProviderEvent::Error(scrub(error, state.secret.as_deref()))
                }
                other => other,
            };
            return Some((event, state));
        }
        match std::mem::replace(&mut state.phase, Phase::Ended) {
            Phase::Ended => return None,
            Phase::Connecting(pending) => match tokio::time::timeout(state.stall, pending).await {
                Err(_) => state.ready.push_back(stalled(&state)),
                Ok(Ok(response)) if response.status().is_success() => {
                    state.phase = Phase::Streaming(Box::pin(response.bytes_stream()));
                }
                Ok(Ok(response)) => {
                    let error =
                        failed_response(response, &state.provider, state.secret.as_deref()).await;
                    state.ready.push_back(ProviderEvent::Error(error));
                }
                Ok(Err(error)) => {
                    let kind = if error.is_timeout() {
                        ProviderErrorKind::Timeout
                    } else {
                        ProviderErrorKind::Network
                    };
                    let message =
                        format!("Could not reach {}: the connection failed.", state.provider);
                    state
                        .ready
                        .push_back(ProviderEvent::Error(ProviderError::new(kind, message)));
                }
            },
            Phase::Streaming(mut body) => {
                match tokio::time::timeout(state.stall, body.next()).await {
                    Err(_) => state.ready.push_back(stalled(&state)),
                    Ok(Some(Ok(bytes))) => {
                        state.ready.extend(state.parser.push_bytes(&bytes));
                        if !state.parser.is_done() {
                            state.phase = Phase::Streaming(body);
                        }
                    }
                    Ok(Some(Err(_))) => {
                        let message =
                            format!("The connection to {} was lost mid-answer.", state.provider);
                        state
                            .ready
                            .push_back(ProviderEvent::Error(ProviderError::new(
                                ProviderErrorKind::Network,
                                message,
                            )));
                    }
                    Ok(None) => state.ready.extend(state.parser.finish()),
                }
            }
        }
    }
}

/// The error ending a stream whose provider went silent (the request is dropped with it).
fn stalled(state: &StreamState) -> ProviderEvent {
    let seconds = state.stall.as_secs_f64();
    let seconds = if seconds >= 10.0 {
        format!("{seconds:.0}")
    } else {
        format!("{seconds:.1}")
    };
    let message = format!(
        "{} sent nothing for {seconds} s, so the answer was ended. Try again.",
        state.provider
    );
    ProviderEvent::Error(ProviderError::new(ProviderErrorKind::Timeout, message))
}

/// Removes the API key from an error message written by the provider, in case it echoed it,
/// then caps its length (in that order, so no part of the key survives a cut).
fn scrub(mut error: ProviderError, secret: Option<&str>) -> ProviderError {
    error.message = redact_then_cap(&error.message, secret, MAX_SHOWN_CHARS);
    error
}

/// The redirect target of a 3xx response, as text for the log (visible ASCII only, capped,
/// with the key scrubbed); `None` when it names none.
fn location(response: &reqwest::Response, secret: Option<&str>) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .map(|target| redact_then_cap(target, secret, MAX_LOCATION_CHARS))
}

/// The error for a 3xx answer, which is never followed (the request carries the API key). The
/// target is logged for the operator but not shown to users, who never see provider addresses.
fn redirected(response: &reqwest::Response, provider: &str, secret: Option<&str>) -> ProviderError {
    let status = response.status().as_u16();
    let target = location(response, secret).unwrap_or_else(|| "(no Location)".to_string());
    tracing::warn!(
        provider,
        status,
        location = %target,
        "the provider answered with a redirect, which is not followed; set its base URL to the final address"
    );
    ProviderError::new(
        ProviderErrorKind::Upstream,
        format!(
            "{provider} answered with a redirect (HTTP {status}), which Sluice does not follow; \
             set its base URL to the final address (the server log names it)."
        ),
    )
    .with_status(status)
}

/// Reads a failed response's body (capped) and maps it to a user-safe error.
async fn failed_response(
    mut response: reqwest::Response,
    provider: &str,
    secret: Option<&str>,
) -> ProviderError {
    if response.status().is_redirection() {
        return redirected(&response, provider, secret);
    }
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_ERROR_BODY {
            body.clear();
            break;
        }
    }
    http_error(provider, status, &body, retry_after, secret)
}

/// Sends a small request (a model list) and returns its JSON body; a non-2xx status or a
/// transport error becomes text for the start-up log (without the URL, which may hold secrets).
pub async fn fetch_json(request: reqwest::RequestBuilder) -> Result<serde_json::Value, String> {
    let response = request
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let status = response.status();
    if status.is_redirection() {
        let target = location(&response, None).unwrap_or_default();
        return Err(format!(
            "HTTP {} (a redirect to {target:?}, not followed: set the base URL to the final address)",
            status.as_u16()
        ));
    }
    if !status.is_success() {
        return Err(format!("HTTP {}", status.as_u16()));
    }
    response
        .json()
        .await
        .map_err(|e| e.without_url().to_string())
}

/// The strings at `list[].field` of a JSON body, sorted and deduplicated (model names).
pub fn sorted_names(body: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    let mut names: Vec<String> = body[list]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item[field].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}

/// An HTTP provider described by its settings, how it builds the streaming request and which
/// parser reads the answer; every such adapter is a [`Provider`] through the impl below.
pub trait HttpAdapter: Send + Sync {
    /// Id, display name, key and models.
    fn settings(&self) -> &ProviderSettings;

    /// The streaming request for one answer (URL, auth headers, JSON body), not yet sent.
    fn build_request(&self, request: &ProviderRequest) -> reqwest::RequestBuilder;

    /// A fresh parser for one answer's body.
    fn parser(&self) -> Box<dyn StreamParser>;
}

impl<T: HttpAdapter> Provider for T {
    fn id(&self) -> &str {
        &self.settings().id
    }

    fn models(&self) -> Vec<ModelInfo> {
        self.settings().model_infos()
    }

    fn stream(&self, request: ProviderRequest) -> ProviderStream {
        let settings = self.settings();
        stream_http(
            self.build_request(&request),
            self.parser(),
            settings.display_name.clone(),
            settings.api_key.clone(),
            settings.stall_timeout,
        )
    }
}
