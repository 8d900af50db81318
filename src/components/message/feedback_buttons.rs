//! Thumbs up and down under a finished answer (`aria-pressed` shows the user's rating, stored
//! with `set_feedback`; pressing the pressed one again removes it with `clear_feedback`), and
//! after a rating an optional comment box sent with the same rating.

use crate::api::{clear_feedback, set_feedback};
use crate::components::chat_session::MessageEntry;
use crate::feedback::{Rating, MAX_FEEDBACK_COMMENT_CHARS};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The two thumbs, the comment box and a status line.
#[component]
pub fn FeedbackButtons(entry: MessageEntry) -> impl IntoView {
    let commenting = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let current = move || entry.feedback.with(|f| f.as_ref().map(|f| f.rating));
    let send = move |rating: Option<Rating>, comment: Option<String>| {
        let Some(id) = entry.server_id.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let result = match rating {
                Some(rating) => set_feedback(id, rating, comment).await.map(Some),
                None => clear_feedback(id).await.map(|()| None),
            };
            match result {
                Ok(stored) => {
                    let rated = stored.is_some();
                    let has_comment = stored.as_ref().is_some_and(|f| f.comment.is_some());
                    entry.feedback.try_set(stored);
                    note.try_set(match (rated, has_comment) {
                        (false, _) => Some("Rating removed.".to_string()),
                        (true, true) => Some("Thanks for the comment.".to_string()),
                        (true, false) => Some("Thanks for the feedback.".to_string()),
                    });
                }
                Err(error) => {
                    note.try_set(Some(error.message));
                }
            }
        });
    };
    let press = move |rating: Rating| {
        if current() == Some(rating) {
            commenting.set(false);
            send(None, None);
        } else {
            draft.set(String::new());
            commenting.set(true);
            send(Some(rating), None);
        }
    };
    let thumb = move |rating: Rating, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                class="icon-button feedback-thumb"
                data-testid=testid
                aria-label=label
                title=label
                aria-pressed=move || (current() == Some(rating)).to_string()
                on:click=move |_| press(rating)
            >
                {thumb_icon(rating == Rating::Down)}
            </button>
        }
    };
    view! {
        <span class="feedback-thumbs" role="group" aria-label="Rate this answer">
            {thumb(Rating::Up, "Good answer", "feedback-up")}
            {thumb(Rating::Down, "Bad answer", "feedback-down")}
        </span>
        <span class="feedback-note" role="status" data-testid="feedback-note">
            {move || note.get()}
        </span>
        <Show when=move || commenting.get() && current().is_some()>
            <form
                class="feedback-comment"
                data-testid="feedback-comment-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    commenting.set(false);
                    send(current(), Some(draft.get_untracked()));
                }
            >
                <textarea
                    rows="2"
                    data-testid="feedback-comment"
                    aria-label="What was good or bad about this answer? (optional)"
                    placeholder="What was good or bad about this answer? (optional)"
                    maxlength=MAX_FEEDBACK_COMMENT_CHARS.to_string()
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                <div class="editor-actions">
                    <button type="submit" class="send" data-testid="feedback-comment-save">
                        "Send comment"
                    </button>
                    <button type="button" on:click=move |_| commenting.set(false)>
                        "Skip"
                    </button>
                </div>
            </form>
        </Show>
    }
}

/// A thumb drawn in SVG (upside down for "Bad answer"), in the text colour: an emoji would
/// need an emoji font, which many Linux machines lack.
fn thumb_icon(down: bool) -> impl IntoView {
    let turn = down.then_some("rotate(180 12 12)");
    view! {
        <svg class="thumb-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
            <g transform=turn fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round">
                <path d="M3 10h4v10H3z" />
                <path d="M7 10l4.2-6.2c.9-1.2 2.9-.6 2.8 1l-.4 4.2h5.2c1.3 0 2.2 1.2 1.9 2.4l-1.6 6.9c-.2.9-1 1.7-2 1.7H7" />
            </g>
        </svg>
    }
}
