//! The framework floor of Sluice's first load: a Leptos 0.8 app that hydrates a router with two
//! routes, a `<Title>`, a server function called from an action and a keyed `<For>` list —
//! the pieces every Sluice page pulls in — and nothing of Sluice. `measure.sh` builds it like
//! the app's bundle and prints its gzipped size; the rest of Sluice's bundle is Sluice's.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// A server function, so the bundle holds server_fn's client side (request, JSON codec, errors)
/// as Sluice's does.
#[server]
pub async fn add_one(n: i32) -> Result<i32, ServerFnError> {
    Ok(n + 1)
}

/// A counter calling the server function and listing 0..count with `<For>`.
#[component]
fn Home() -> impl IntoView {
    let (count, set_count) = signal(0);
    let sum = Action::new(|n: &i32| add_one(*n));
    view! {
        <Title text="Home"/>
        <button on:click=move |_| {
            set_count.update(|c| *c += 1);
            sum.dispatch(count.get_untracked());
        }>{count}</button>
        <p>{move || format!("{:?}", sum.value().get())}</p>
        <ul>
            <For each=move || 0..count.get() key=|i| *i let:i>
                <li>{i}</li>
            </For>
        </ul>
    }
}

/// A second route with a parameter, so the router's matching is not optimised away.
#[component]
fn Other() -> impl IntoView {
    view! { <p>"Other"</p> }
}

/// The root: meta context and the router.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=Home/>
                <Route path=path!("/other/:id") view=Other/>
            </Routes>
        </Router>
    }
}

/// The wasm entry point, as in Sluice's `lib.rs`.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
