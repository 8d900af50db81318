//! A message's time as people say it ("2 min ago"), in a `<time>` whose `datetime` and
//! `title` carry the exact moment. The words are refreshed every minute in the browser.

use crate::time_text::{full_utc, iso_utc, now_ms, relative_label};
use leptos::prelude::*;
use std::time::Duration;

/// How often the words are recomputed.
const REFRESH: Duration = Duration::from_secs(60);

/// `<time class="message-time" data-testid="message-time">` for the moment `at` (unix ms).
#[component]
pub fn RelativeTime(#[prop(into)] at: Signal<i64>) -> impl IntoView {
    let now = RwSignal::new(now_ms());
    // Effects run only in the browser: the server renders the words once.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || now.set(now_ms()), REFRESH) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <time
            class="message-time"
            data-testid="message-time"
            datetime=move || iso_utc(at.get())
            title=move || full_utc(at.get())
        >
            {move || relative_label(now.get(), at.get())}
        </time>
    }
}
