//! The scrolling list of messages. It follows a streaming answer to the bottom unless the
//! reader scrolled up, and resumes following once they scroll back down.
//!
//! Following is decided where it costs nothing: in a `ResizeObserver` on the list's content,
//! which the browser calls once per rendered frame in which the content changed size, after
//! layout and before paint. Layout is then up to date, so reading the scroll position forces
//! none, and the scroll lands in the same frame as the text that caused it.
//!
//! Scroll events only keep [`ReadingPosition::away_from_bottom`] up to date, for the "Jump to
//! latest" button; they do not decide following.

use crate::components::account::sign_in_link::sign_in_link;
use crate::components::chat_session::{ChatSession, ReadingPosition};
use crate::components::message::MessageView;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Distance from the bottom (px) within which the list keeps following new text.
const STICK_THRESHOLD_PX: i32 = 48;

/// All messages, oldest first.
#[component]
pub fn MessageList() -> impl IntoView {
    let session = expect_context::<ChatSession>();
    let position = expect_context::<ReadingPosition>();
    let list = position.list;
    let content = NodeRef::<Div>::new();
    // Content height at the last check. Following is decided from the live scroll position
    // against it, not from `scroll` events (they arrive a frame late, so a token landing in
    // between would pull a reader who just scrolled up back down).
    let last_height = StoredValue::new(0);

    Effect::new(move |observing: Option<bool>| {
        if observing == Some(true) {
            return true;
        }
        let (Some(scroller), Some(content)) = (list.get(), content.get()) else {
            return false;
        };
        let follow = Closure::<dyn FnMut()>::new(move || {
            let viewport_bottom = scroller.scroll_top() + scroller.client_height();
            let previous = last_height.try_get_value().unwrap_or(0);
            if previous == 0 || viewport_bottom >= previous - STICK_THRESHOLD_PX {
                scroller.set_scroll_top(scroller.scroll_height());
            }
            last_height.try_set_value(scroller.scroll_height());
        });
        // The callback's function lives as long as the observer (JS owns it from here on).
        let Ok(observer) = web_sys::ResizeObserver::new(follow.into_js_value().unchecked_ref())
        else {
            return false;
        };
        observer.observe(&content);
        let observer = StoredValue::new_local(observer);
        on_cleanup(move || {
            observer.try_with_value(web_sys::ResizeObserver::disconnect);
        });
        true
    });

    view! {
        <section
            class="message-list"
            data-testid="message-list"
            node_ref=list
            aria-live="off"
            on:scroll=move |_| {
                if let Some(el) = list.get_untracked() {
                    let away = el.scroll_height() - el.scroll_top() - el.client_height()
                        > STICK_THRESHOLD_PX;
                    if away != position.away_from_bottom.get_untracked() {
                        position.away_from_bottom.set(away);
                    }
                }
            }
        >
            <div class="message-stack" node_ref=content>
                <Show when=move || session.entries.with(Vec::is_empty) && session.open_error.with(Option::is_none)>
                    <div class="empty-state">
                        <h2>"What can I help with?"</h2>
                        <p>"Answers stream in as they are written. Press Esc or Stop to halt one."</p>
                    </div>
                </Show>
                {move || {
                    session
                        .open_error
                        .get()
                        .map(|error| {
                            view! {
                                <div class="open-error" role="alert" data-testid="open-error">
                                    {sign_in_link(&error)}
                                    <p>{error.message.clone()}</p>
                                    <a href="/">"Start a new chat"</a>
                                </div>
                            }
                        })
                }}
                <For each=move || session.thread() key=|entry| entry.id let:entry>
                    <MessageView entry />
                </For>
            </div>
        </section>
    }
}
