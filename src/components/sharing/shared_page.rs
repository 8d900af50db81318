//! The page of a shared link, `/s/{token}`: the frozen snapshot (title, the shared branch, the
//! system prompt only when its owner included it, the names of a message's files as chips)
//! rendered on the server with the chat's own Markdown components, read-only (no composer, no
//! actions but Copy in code blocks). It tells search engines to stay away (`<meta
//! name="robots">` and `X-Robots-Tag`) and sends no referrer. An unknown, revoked or expired token answers 404 with one sentence for all three.

use crate::api::view_share;
use crate::api_error::ApiError;
use crate::components::markdown::MarkdownView;
use crate::conversation::{MessageStatus, Role};
use crate::markdown::{merge_blocks, Block, IncrementalMarkdown, StreamTail};
use crate::sharing::{ShareSnapshot, SharedFile, SharedMessage};
use crate::time_text::{full_utc, iso_utc};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// What the crawlers are told, in the meta tag and the header alike.
const NO_INDEX: &str = "noindex, nofollow";

/// The page of one shared link.
#[component]
pub fn SharedPage() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    // Blocking: the page waits for it, so a dead link answers with status 404.
    let snapshot = Resource::new_blocking(
        || (),
        move |_| {
            let token = token.clone();
            async move {
                let result = view_share(token).await;
                #[cfg(feature = "ssr")]
                {
                    mark_not_for_indexing();
                    if let Err(error) = &result {
                        crate::server::api_response::set_page_status(error);
                    }
                }
                result
            }
        },
    );
    view! {
        <Meta name="robots" content=NO_INDEX />
        <Meta name="referrer" content="no-referrer" />
        <main class="shared-page" data-testid="shared-page">
            <Suspense fallback=|| view! { <p class="auth-note">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snapshot) => shared_view(snapshot),
                        Err(error) => gone_view(error),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// Adds `X-Robots-Tag` to the response being rendered on the server.
#[cfg(feature = "ssr")]
fn mark_not_for_indexing() {
    use axum::http::{HeaderName, HeaderValue};
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static(NO_INDEX),
        );
    }
}

/// The sentence for a link that shows nothing (unknown, revoked, expired, or no access).
fn gone_view(error: ApiError) -> AnyView {
    view! {
        <Title text="Shared chat · Sluice" />
        <section class="shared-gone">
            <h1>"Shared chat"</h1>
            <p role="alert" data-testid="share-missing">{error.message}</p>
            <a class="button-link" href="/" rel="external">"Go to Sluice"</a>
        </section>
    }
    .into_any()
}

/// The snapshot, read-only.
fn shared_view(snapshot: ShareSnapshot) -> AnyView {
    let ShareSnapshot {
        title,
        system_prompt,
        messages,
        created_at,
    } = snapshot;
    view! {
        // A constant: leptos_meta writes `<title>` text unescaped, and the title is user text.
        <Title text="Shared chat · Sluice" />
        <header class="shared-header">
            <h1 data-testid="shared-title">{title}</h1>
            <p class="shared-note">
                "A read-only snapshot, shared "
                <time datetime=iso_utc(created_at) title=full_utc(created_at)>
                    {full_utc(created_at)}
                </time>
                ". Later messages are not part of it."
            </p>
        </header>
        {system_prompt
            .map(|prompt| {
                view! {
                    <details class="shared-system-prompt" data-testid="shared-system-prompt">
                        <summary>"System prompt"</summary>
                        <p class="user-text">{prompt}</p>
                    </details>
                }
            })}
        <section class="shared-messages" data-testid="shared-messages">
            {messages.into_iter().map(shared_message).collect_view()}
        </section>
        <footer class="shared-footer">
            <a href="/" rel="external">"Sluice"</a>
        </footer>
    }
    .into_any()
}

/// One message of the snapshot, with the chat's classes and hooks (`data-role`).
fn shared_message(message: SharedMessage) -> AnyView {
    if message.role != Role::Assistant {
        let role = if message.role == Role::System {
            "system"
        } else {
            "user"
        };
        let files = (!message.files.is_empty()).then(|| shared_files(message.files));
        return view! {
            <article class="message user" data-role=role>
                <p class="user-text">{message.content}</p>
                {files}
            </article>
        }
        .into_any();
    }
    let note = match message.status {
        MessageStatus::Stopped => Some("Stopped"),
        MessageStatus::Error => Some("This answer failed part-way."),
        MessageStatus::Interrupted => {
            Some("Interrupted — the server stopped while writing this answer.")
        }
        _ => None,
    };
    let blocks = RwSignal::new(finished_blocks(&message.content));
    let tail = RwSignal::new(StreamTail::default());
    view! {
        <article class="message assistant" data-role="assistant" data-status="done">
            <MarkdownView blocks tail />
            {note.map(|note| view! { <p class="message-note">{note}</p> })}
            {message.model.map(|model| view! { <p class="shared-model">{model}</p> })}
        </article>
    }
    .into_any()
}

/// A message's files as name chips: the link shows that they were there, never their bytes
/// (attachments are served to their owner only).
fn shared_files(files: Vec<SharedFile>) -> impl IntoView {
    view! {
        <ul class="shared-attachments" aria-label="Attached files" data-testid="shared-attachments">
            {files
                .into_iter()
                .map(|file| view! { <li data-kind=file.kind.as_str()>{file.name}</li> })
                .collect_view()}
        </ul>
    }
}

/// The Markdown blocks of a finished text, as the chat renders a stored answer.
fn finished_blocks(text: &str) -> Vec<Block> {
    let mut markdown = IncrementalMarkdown::new();
    let mut fresh = markdown.push(text);
    fresh.extend(markdown.finish());
    let mut blocks = Vec::new();
    merge_blocks(&mut blocks, fresh);
    blocks
}
