//! Sluice: a self-hosted LLM chat site. This is the app, the top of the workspace, built twice
//! by cargo-leptos: with `ssr` it is the server (axum + Leptos SSR + server functions that
//! stream SSE), with `hydrate` it is the WebAssembly that makes the page interactive. The
//! layers below it are the crates in `crates/`. See ARCHITECTURE.md for the map.

// The page's view types nest deeply (every element is a type); release builds need more room.
#![recursion_limit = "256"]

pub mod account;
pub mod api;
pub mod app;
pub mod byte_size;
pub mod components;
pub mod organise;
pub mod pacing;
pub mod partial_json;
pub mod preset;
#[cfg(feature = "hydrate")]
pub mod pwa;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sharing;
#[cfg(feature = "ssr")]
pub mod store;
pub mod theme;
pub mod time_text;
#[cfg(feature = "ssr")]
pub mod transfer;

// The layers below the app, under the names the app's modules use for them.
pub use sluice_markdown as markdown;
#[cfg(feature = "ssr")]
pub use sluice_providers as providers;
pub use sluice_wire::{
    api_args, api_error, attachments, chat_request, codec, conversation, events, feedback, ids,
    message_tree, sse,
};

/// Entry point of the WebAssembly bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets end-to-end tests (and anyone curious) know the page is interactive.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
    pwa::register_service_worker();
}
