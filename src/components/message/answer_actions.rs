//! The actions row of a finished answer: Copy (the Markdown source), the thumbs with their
//! comment box, and when it was written. Shown only once the answer is stored and no longer
//! arriving, so nothing here acts on half an answer.

use crate::components::chat_session::MessageEntry;
use crate::components::message::copy_button::CopyButton;
use crate::components::message::feedback_buttons::FeedbackButtons;
use crate::components::message::relative_time::RelativeTime;
use leptos::prelude::*;

/// Copy, 👍/👎 and the time, under a finished answer.
#[component]
pub fn AnswerActions(entry: MessageEntry) -> impl IntoView {
    let finished = move || !entry.status.get().is_live() && entry.server_id.with(Option::is_some);
    view! {
        <Show when=finished>
            <div class="answer-actions" data-testid="answer-actions">
                <CopyButton text=entry.text />
                <FeedbackButtons entry />
                <RelativeTime at=entry.created_at />
            </div>
        </Show>
    }
}
