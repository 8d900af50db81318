//! One message: a user bubble ([`UserMessage`]) or an assistant answer (paced Markdown) with its
//! status note, error + Retry, timing footer, actions row (Copy, 👍/👎, time), version switcher
//! and Regenerate. Beside it: the `list` of messages it is shown in and the message's parts
//! (`user` with its `attachments` and their full-size `lightbox`, `reasoning`, `tool_calls`, `sibling_switcher`, `paced_markdown`, `answer_actions`
//! with `copy_button`, `feedback_buttons` and `relative_time`).

pub mod answer_actions;
pub mod attachments;
pub mod copy_button;
pub mod feedback_buttons;
pub mod lightbox;
pub mod list;
pub mod paced_markdown;
pub mod reasoning;
pub mod relative_time;
pub mod sibling_switcher;
pub mod tool_calls;
pub mod user;

use crate::components::account::sign_in_link::sign_in_link;
use crate::components::chat_session::{ChatSession, MessageEntry, MessageStatus, ModelChoice};
use crate::components::markdown::MarkdownView;
use crate::components::message::answer_actions::AnswerActions;
use crate::components::message::paced_markdown::paced_markdown;
use crate::components::message::reasoning::ReasoningView;
use crate::components::message::sibling_switcher::SiblingSwitcher;
use crate::components::message::tool_calls::ToolCallsView;
use crate::components::message::user::UserMessage;
use crate::events::{DoneStats, FinishReason, Role, Usage};
use leptos::prelude::*;

/// A message article with `data-role` and `data-status`.
#[component]
pub fn MessageView(entry: MessageEntry) -> impl IntoView {
    if entry.role != Role::Assistant {
        return view! { <UserMessage entry /> }.into_any();
    }
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    let status = move || entry.status.get().as_str();
    let finished = move || {
        !session.streaming.get()
            && !entry.status.get().is_live()
            && entry.server_id.with(Option::is_some)
    };
    // The answer's text appears at a steady pace while it streams.
    let markdown = paced_markdown(entry);
    view! {
        <article class="message assistant" data-role="assistant" data-status=status>
            <ReasoningView entry />
            <MarkdownView blocks=markdown.blocks tail=markdown.tail />
            <ToolCallsView entry />
            <LengthNote entry />
            <Show when=move || entry.status.get() == MessageStatus::Stopped>
                <p class="message-note">"Stopped"</p>
            </Show>
            <InterruptedNote entry />
            <Show when=move || entry.status.get() == MessageStatus::Elsewhere>
                <p class="message-note" data-testid="elsewhere-note">
                    "This answer is still being written; catching up…"
                </p>
            </Show>
            <ErrorNote entry />
            {move || {
                entry.stats.get().map(|stats| view! { <StatsFooter stats usage=entry.usage.get() /> })
            }}
            <AnswerActions entry />
            <div class="message-actions">
                <SiblingSwitcher entry />
                <Show when=finished>
                    <button
                        type="button"
                        class="icon-button"
                        data-testid="regenerate"
                        on:click=move |_| session.regenerate(entry.id, choice.effective())
                    >
                        "Regenerate"
                    </button>
                </Show>
            </div>
        </article>
    }
    .into_any()
}

/// "Interrupted" with Retry and Continue, for an answer the server stopped writing mid-way.
#[component]
fn InterruptedNote(entry: MessageEntry) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    view! {
        <Show when=move || entry.status.get() == MessageStatus::Interrupted>
            <div class="message-note interrupted-note" data-testid="interrupted-note">
                <span>"Interrupted — the server stopped while writing this answer."</span>
                <button
                    type="button"
                    data-testid="interrupted-retry"
                    on:click=move |_| session.regenerate(entry.id, choice.effective())
                >
                    "Retry"
                </button>
                <button
                    type="button"
                    on:click=move |_| session.continue_answer(entry.id, choice.effective())
                >
                    "Continue"
                </button>
            </div>
        </Show>
    }
}

/// The error under a failed answer, with Retry.
#[component]
fn ErrorNote(entry: MessageEntry) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    move || {
        entry.error.get().map(|error| {
            view! {
                <div class="message-error" role="alert" data-testid="message-error">
                    {sign_in_link(&error)}
                    <span>{error.message.clone()}</span>
                    <button
                        type="button"
                        on:click=move |_| session.regenerate(entry.id, choice.effective())
                    >
                        "Retry"
                    </button>
                </div>
            }
        })
    }
}

/// "stopped: token limit" with Continue, under an answer cut by the output limit.
#[component]
fn LengthNote(entry: MessageEntry) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    let cut = move || {
        entry.status.get() == MessageStatus::Done
            && entry.stats.with(|s| {
                s.as_ref()
                    .is_some_and(|s| s.finish_reason == FinishReason::Length)
            })
    };
    view! {
        <Show when=cut>
            <div class="message-note length-note" data-testid="length-note">
                <span>{FinishReason::Length.label().to_string()}</span>
                <button
                    type="button"
                    on:click=move |_| session.continue_answer(entry.id, choice.effective())
                >
                    "Continue"
                </button>
            </div>
        </Show>
    }
}

/// "TTFT 312 ms · 41.2 tok/s · 120 tokens · 35 in / 120 out (12 reasoning)".
#[component]
fn StatsFooter(stats: DoneStats, usage: Option<Usage>) -> impl IntoView {
    let mut parts = Vec::new();
    if let Some(ttft) = stats.ttft_ms {
        parts.push(format!("TTFT {ttft} ms"));
    }
    if let Some(rate) = stats.tokens_per_second {
        parts.push(format!("{rate:.1} tok/s"));
    }
    parts.push(format!("{} tokens", stats.output_tokens));
    if let Some(usage) = usage {
        let reasoning = usage
            .reasoning_tokens
            .filter(|n| *n > 0)
            .map(|n| format!(" ({n} reasoning)"))
            .unwrap_or_default();
        parts.push(format!(
            "{} in / {} out{reasoning}",
            usage.input_tokens, usage.output_tokens
        ));
    }
    view! { <footer class="message-stats" data-testid="message-stats">{parts.join(" · ")}</footer> }
}
