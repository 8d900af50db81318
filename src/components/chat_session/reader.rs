//! Reads one answer's event stream into its [`MessageEntry`]: text into incremental Markdown,
//! reasoning, tool calls, usage, and the end (`done`, `error` or a lost connection).

use super::entry::{MessageEntry, MessageStatus, ToolCallState};
use super::ChatSession;
use crate::codec::{ChatEventStream, StreamItem};
use crate::events::{ChatEvent, FinishReason};
use crate::markdown::{IncrementalMarkdown, StreamTail};
use futures::StreamExt;
use leptos::prelude::*;
use server_fn::ServerFnError;

/// Reads `stream` into `answer` (whose user message is `question`) until it ends. `prefix` is
/// text already in the answer that the new text continues.
pub(super) async fn read_answer(
    session: ChatSession,
    question: Option<MessageEntry>,
    answer: MessageEntry,
    stream: Result<ChatEventStream, ServerFnError>,
    prefix: String,
) {
    let mut markdown = IncrementalMarkdown::new();
    if !prefix.is_empty() {
        answer.push_blocks(markdown.push(&prefix));
        answer.tail.update(|tail| markdown.sync_tail(tail));
    }
    let stream = match stream {
        Ok(stream) => stream,
        Err(error) => {
            // Refused before anything was stored: give the text back to the composer.
            if let Some(question) = question.filter(|q| q.server_id.get_untracked().is_none()) {
                session
                    .refused_draft
                    .set(Some(question.text.get_untracked()));
            }
            return fail(answer, &mut markdown, server_error_text(&error));
        }
    };
    let mut items = Box::pin(stream.into_inner());
    while let Some(item) = items.next().await {
        let event = match item {
            Ok(StreamItem::Event { event, .. }) => event,
            Ok(StreamItem::KeepAlive) => continue,
            Err(error) => {
                let message = format!("Connection lost: {}", server_error_text(&error));
                return fail(answer, &mut markdown, message);
            }
        };
        match event {
            ChatEvent::Started {
                turn_id, stored, ..
            } => session.on_started(question, answer, turn_id, stored),
            ChatEvent::Delta { text } => {
                mark_streaming(answer);
                answer.text.update(|t| t.push_str(&text));
                answer.push_blocks(markdown.push(&text));
                answer.tail.update(|tail| markdown.sync_tail(tail));
            }
            ChatEvent::Reasoning { text } => {
                mark_streaming(answer);
                answer.reasoning.update(|r| r.push_str(&text));
            }
            ChatEvent::ToolCallStart { index, name, .. } => {
                mark_streaming(answer);
                let call = ToolCallState {
                    index,
                    name,
                    arguments: String::new(),
                    complete: false,
                };
                answer.tool_calls.update(|calls| calls.push(call));
            }
            ChatEvent::ToolCallDelta { index, arguments } => answer.tool_calls.update(|calls| {
                if let Some(call) = calls.iter_mut().find(|c| c.index == index) {
                    call.arguments.push_str(&arguments);
                }
            }),
            ChatEvent::ToolCallEnd { index } => answer.tool_calls.update(|calls| {
                if let Some(call) = calls.iter_mut().find(|c| c.index == index) {
                    call.complete = true;
                }
            }),
            ChatEvent::Usage(usage) => answer.usage.set(Some(usage)),
            ChatEvent::Done(stats) => {
                freeze_rest(answer, &mut markdown);
                let status = if stats.finish_reason == FinishReason::Stopped {
                    MessageStatus::Stopped
                } else {
                    MessageStatus::Done
                };
                answer.stats.set(Some(stats));
                answer.status.set(status);
                return;
            }
            ChatEvent::Error { message } => return fail(answer, &mut markdown, message),
        }
    }
    fail(
        answer,
        &mut markdown,
        "The connection closed before the answer finished.".to_string(),
    );
}

/// Moves a waiting message to streaming (the first output arrived).
fn mark_streaming(entry: MessageEntry) {
    if entry.status.get_untracked() == MessageStatus::Waiting {
        entry.status.set(MessageStatus::Streaming);
    }
}

/// Commits the unfinished tail as final blocks.
fn freeze_rest(entry: MessageEntry, markdown: &mut IncrementalMarkdown) {
    entry.push_blocks(markdown.finish());
    entry.tail.update(StreamTail::clear);
}

/// Marks `entry` failed, keeping its partial text.
fn fail(entry: MessageEntry, markdown: &mut IncrementalMarkdown, message: String) {
    freeze_rest(entry, markdown);
    entry.error.set(Some(message));
    entry.status.set(MessageStatus::Error);
}

/// The user-facing text of a server function error.
pub fn server_error_text(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        ServerFnError::Request(_) | ServerFnError::Response(_) => {
            "Could not reach the Sluice server.".to_string()
        }
        other => other.to_string(),
    }
}
