//! The page shell (HTML document rendered by the server) and the root component with its routes.

use crate::components::account::sign_in_page::SignInPage;
use crate::components::admin::page::AdminPage;
use crate::components::chat::layout::ChatLayout;
use crate::components::sharing::{links_page::SharedLinksPage, shared_page::SharedPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    ParamSegment, StaticSegment,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="dark light" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/sluice.css" />
        <Title text="Sluice" />
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                // One parent for both paths, so the layout stays mounted when a new chat
                // gets its `/c/{id}` address.
                <ParentRoute path=StaticSegment("") view=ChatLayout>
                    <Route path=StaticSegment("") view=|| () />
                    <Route path=(StaticSegment("c"), ParamSegment("id")) view=|| () />
                </ParentRoute>
                <Route path=StaticSegment("sign-in") view=SignInPage />
                <Route path=StaticSegment("admin") view=AdminPage />
                <Route path=(StaticSegment("s"), ParamSegment("token")) view=SharedPage />
                <Route path=StaticSegment("shared") view=SharedLinksPage />
            </Routes>
        </Router>
    }
}
