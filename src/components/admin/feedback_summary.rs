//! The admin page's feedback summary: every user's ratings of answers per model — ratings,
//! thumbs up, and the share of thumbs up — from `admin_feedback` (admins only).

use crate::api::admin_feedback;
use crate::feedback::ModelFeedback;
use leptos::prelude::*;

/// The "Feedback by model" section (loaded in the browser).
#[component]
pub fn FeedbackSummary() -> impl IntoView {
    let summary = LocalResource::new(admin_feedback);
    let body = move || {
        summary.get().map(|result| match result {
            Ok(rows) if rows.is_empty() => view! {
                <p class="auth-note" data-testid="feedback-summary-empty">"No answer has been rated yet."</p>
            }
            .into_any(),
            Ok(rows) => summary_table(rows),
            Err(error) => view! {
                <p class="auth-error" role="alert">{error.message}</p>
            }
            .into_any(),
        })
    };
    view! {
        <section class="feedback-summary">
            <h2>"Feedback by model"</h2>
            <Transition fallback=|| view! { <p class="auth-note">"Loading…"</p> }>{body}</Transition>
        </section>
    }
}

/// The table: one row per model, most rated first.
fn summary_table(rows: Vec<ModelFeedback>) -> AnyView {
    view! {
        <table class="users-table" data-testid="feedback-summary">
            <thead>
                <tr>
                    <th>"Model"</th>
                    <th>"Ratings"</th>
                    <th>"Good"</th>
                    <th>"Bad"</th>
                    <th>"Good share"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let model = if row.model.is_empty() { "(unknown)".to_string() } else { row.model.clone() };
                        let ratio = format!("{:.0} %", row.ratio() * 100.0);
                        view! {
                            <tr data-testid="feedback-row" data-model=row.model.clone()>
                                <td>{model}</td>
                                <td data-testid="feedback-count">{row.count}</td>
                                <td data-testid="feedback-up-count">{row.up}</td>
                                <td>{row.count - row.up}</td>
                                <td data-testid="feedback-ratio">{ratio}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
