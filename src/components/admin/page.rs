//! The `/admin` page: every account in a table (see `user_row`) with its actions, the
//! feedback summary per model (`feedback_summary`), and an alert for refusals. Loaded in the browser only (the server renders the placeholder): the
//! auth status first, then the users. Without a user the server already answers the page with
//! a 303 to `/sign-in` (and the page follows a lost session there too); a signed-in user who
//! is no admin is told so instead of seeing a table.

use crate::account::UserSummary;
use crate::api::{admin_users, get_auth_status};
use crate::api_error::ApiError;
use crate::components::account::full_navigation::{load_page, SIGN_IN_PATH};
use crate::components::admin::feedback_summary::FeedbackSummary;
use crate::components::admin::user_row::AdminUserRow;
use leptos::prelude::*;
use leptos_meta::Title;

/// What the page can show.
#[derive(Clone, Debug)]
enum AdminView {
    /// Nobody is signed in (the session ended): off to `/sign-in`.
    SignedOut,
    /// A signed-in user who is no admin.
    NotAdmin,
    /// The accounts, oldest first.
    Users(Vec<UserSummary>),
}

/// Asks the server who is signed in and, for an admin, for the accounts.
async fn load() -> Result<AdminView, ApiError> {
    let status = get_auth_status().await?;
    Ok(match status.user {
        None => AdminView::SignedOut,
        Some(user) if !user.is_admin => AdminView::NotAdmin,
        Some(_) => AdminView::Users(admin_users().await?),
    })
}

/// The admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let error = RwSignal::new(None::<String>);
    let data = LocalResource::new(move || {
        version.track();
        load()
    });
    Effect::new(move |_| {
        if let Some(Ok(AdminView::SignedOut)) = data.get() {
            load_page(SIGN_IN_PATH);
        }
    });
    let body = move || {
        data.get().map(|result| match result {
            Ok(AdminView::SignedOut) => ().into_any(),
            Ok(AdminView::NotAdmin) => view! {
                <p class="auth-error" role="alert" data-testid="admin-forbidden">
                    "Only administrators can see this page."
                </p>
            }
            .into_any(),
            Ok(AdminView::Users(users)) => view! {
                {users_table(users, version, error)}
                <FeedbackSummary />
            }
            .into_any(),
            Err(e) => view! {
                <p class="auth-error" role="alert" data-testid="admin-error">{e.to_string()}</p>
            }
            .into_any(),
        })
    };
    view! {
        <Title text="Admin · Sluice" />
        <main class="admin-page" data-testid="admin-page">
            <header class="admin-header">
                <h1>"Users"</h1>
                <a class="button-link" href="/" rel="external">"Back to the chat"</a>
            </header>
            {move || {
                error
                    .get()
                    .map(|text| {
                        view! { <p class="auth-error" role="alert" data-testid="admin-error">{text}</p> }
                    })
            }}
            <Transition fallback=|| view! { <p class="auth-note">"Loading…"</p> }>{body}</Transition>
        </main>
    }
}

/// The users table.
fn users_table(
    users: Vec<UserSummary>,
    version: RwSignal<u32>,
    error: RwSignal<Option<String>>,
) -> AnyView {
    view! {
        <table class="users-table">
            <thead>
                <tr>
                    <th>"Name"</th>
                    <th>"Status"</th>
                    <th>"Role"</th>
                    <th>"Created"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|user| view! { <AdminUserRow user version error /> })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
