//! The browser side of the installable app: registers the service worker `/sw.js` (served
//! from `public/`), which keeps the app shell — the `/pkg/` bundle, icons and manifest — for
//! offline starts and never caches API answers, streams or pages. Called once from
//! `hydrate()`; does nothing where service workers are unavailable (plain HTTP off
//! localhost, some private modes).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

/// Where the worker script is served (at the root, so its scope is the whole site).
const WORKER_URL: &str = "/sw.js";

/// Registers the worker if the browser has `navigator.serviceWorker`; failures are ignored
/// (the app works the same without it).
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // Absent outside secure contexts: calling into it would throw.
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
        .is_ok_and(|worker| !worker.is_undefined() && !worker.is_null());
    if !available {
        return;
    }
    let registration = navigator.service_worker().register(WORKER_URL);
    // A refused registration rejects the promise; handle it so nothing is logged as uncaught.
    // Registration happens once per page, so the tiny handler may live as long as the page.
    let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let _ = registration.catch(&ignore);
    ignore.forget();
}
