//! The page shell (HTML document rendered by the server) and the root component with its routes.

use crate::components::account::sign_in_page::SignInPage;
use crate::components::admin::page::AdminPage;
use crate::components::chat::layout::ChatLayout;
use crate::components::sharing::{links_page::SharedLinksPage, shared_page::SharedPage};
use crate::components::theme::current_theme;
use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    ParamSegment, StaticSegment,
};

/// The HTML document around the app, rendered on the server. The theme comes from the
/// `sluice_theme` cookie (`components::theme`); the manifest, icons and theme colours make the
/// app installable; `interactive-widget` keeps the composer above a phone's keyboard.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = current_theme();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover, interactive-widget=resizes-content"
                />
                <meta name="color-scheme" content=theme.color_scheme() />
                {theme_color_meta("(prefers-color-scheme: light)", theme.theme_color(false))}
                {theme_color_meta("(prefers-color-scheme: dark)", theme.theme_color(true))}
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
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

/// `<meta name="theme-color" media=… content=…>` (the macro has no `media` on `<meta>`).
fn theme_color_meta(media: &'static str, color: &'static str) -> impl IntoView {
    leptos::html::meta()
        .name("theme-color")
        .attr("media", media)
        .content(color)
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
