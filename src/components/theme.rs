//! The theme switch (System / Light / Dark) and the theme the page is rendered with. The
//! server renders `<html data-theme="…">` from the `sluice_theme` cookie (see
//! [`crate::theme`]); the browser reads the choice back from that attribute, so the switch
//! hydrates in the state the server rendered. Choosing a theme sets the attribute, the
//! `color-scheme` and `theme-color` metas and the cookie — no reload, no inline script.

use crate::theme::ThemeChoice;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The theme of the page being rendered: on the server from the request's cookie, in the
/// browser from `<html data-theme>` (which the server wrote from the same cookie).
pub fn current_theme() -> ThemeChoice {
    if let Some(parts) = use_context::<http::request::Parts>() {
        let cookies = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect::<Vec<_>>()
            .join("; ");
        return ThemeChoice::from_cookie_header(&cookies);
    }
    if cfg!(feature = "ssr") {
        return ThemeChoice::System;
    }
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("data-theme"))
        .and_then(|value| ThemeChoice::parse(&value))
        .unwrap_or_default()
}

/// Shows `choice` at once and remembers it in the cookie.
fn apply(choice: ThemeChoice) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("data-theme", choice.as_str());
    }
    if let Ok(Some(meta)) = document.query_selector("meta[name=\"color-scheme\"]") {
        let _ = meta.set_attribute("content", choice.color_scheme());
    }
    if let Ok(metas) = document.query_selector_all("meta[name=\"theme-color\"]") {
        for index in 0..metas.length() {
            if let Some(meta) = metas
                .item(index)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let dark = meta
                    .get_attribute("media")
                    .is_some_and(|media| media.contains("dark"));
                let _ = meta.set_attribute("content", choice.theme_color(dark));
            }
        }
    }
    let secure = document
        .location()
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
        let _ = html.set_cookie(&choice.cookie(secure));
    }
}

/// Three radio buttons, "Theme: System / Light / Dark".
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let chosen = RwSignal::new(current_theme());
    view! {
        <fieldset class="theme-switch" data-testid="theme-switch">
            <legend>"Theme"</legend>
            {ThemeChoice::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <label class="theme-option">
                            <input
                                type="radio"
                                name="theme"
                                value=choice.as_str()
                                checked=move || chosen.get() == choice
                                prop:checked=move || chosen.get() == choice
                                on:change=move |_| {
                                    chosen.set(choice);
                                    apply(choice);
                                }
                            />
                            <span>{choice.label()}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
