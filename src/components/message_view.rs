//! One message: a user bubble (plain text) or an assistant answer (Markdown) with its status
//! note, error + Retry, and timing footer.

use crate::components::chat_page::ModelChoice;
use crate::components::chat_session::{ChatSession, MessageEntry, MessageStatus};
use crate::components::markdown_view::MarkdownView;
use crate::events::{DoneStats, Role};
use leptos::prelude::*;

/// A message article with `data-role` and `data-status`.
#[component]
pub fn MessageView(entry: MessageEntry) -> impl IntoView {
    let status = move || entry.status.get().as_str();
    match entry.role {
        Role::Assistant => view! {
            <article class="message assistant" data-role="assistant" data-status=status>
                <MarkdownView blocks=entry.blocks tail=entry.tail />
                <Show when=move || entry.status.get() == MessageStatus::Stopped>
                    <p class="message-note">"Stopped"</p>
                </Show>
                <ErrorNote entry />
                {move || entry.stats.get().map(|stats| view! { <StatsFooter stats /> })}
            </article>
        }
        .into_any(),
        role => {
            let role = if role == Role::System {
                "system"
            } else {
                "user"
            };
            view! {
                <article class="message user" data-role=role data-status=status>
                    <p class="user-text">{move || entry.text.get()}</p>
                </article>
            }
            .into_any()
        }
    }
}

/// The error under a failed answer, with Retry.
#[component]
fn ErrorNote(entry: MessageEntry) -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let choice = expect_context::<ModelChoice>();
    move || {
        entry.error.get().map(|message| {
            view! {
                <div class="message-error" role="alert" data-testid="message-error">
                    <span>{message}</span>
                    <button
                        type="button"
                        on:click=move |_| session.retry(entry.id, choice.effective())
                    >
                        "Retry"
                    </button>
                </div>
            }
        })
    }
}

/// "TTFT 312 ms · 41.2 tok/s".
#[component]
fn StatsFooter(stats: DoneStats) -> impl IntoView {
    let mut parts = Vec::new();
    if let Some(ttft) = stats.ttft_ms {
        parts.push(format!("TTFT {ttft} ms"));
    }
    if let Some(rate) = stats.tokens_per_second {
        parts.push(format!("{rate:.1} tok/s"));
    }
    parts.push(format!("{} tokens", stats.output_tokens));
    view! { <footer class="message-stats" data-testid="message-stats">{parts.join(" · ")}</footer> }
}
