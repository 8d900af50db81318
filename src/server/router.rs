//! The route table: `fn app(state, options) -> Router`, kept apart from `main` so tests can
//! serve it on an ephemeral port. Server functions (under `/api/`) are registered by
//! `leptos_routes_with_context`; the conversation download (`export_route`), the
//! `EventSource` view of a live turn (`turn::events_route`) and the attachment upload,
//! download and deletion (`attachments`) are plain axum routes; everything
//! else is the Leptos page or a static file. Every request first goes through
//! [`identity::resolve`], which finds its user and refuses what needs one.
//!
//! In front of every handler: CORS for configured foreign origins only, the security headers
//! with a per-response CSP nonce that pages render into their inline scripts
//! (`security_headers`), the host-name check against DNS rebinding (`host_check`), the
//! client's address (`client_ip`), the cross-site refusal (`cross_site`), the per-IP request
//! limit for `/api/` (`limits`) and the route's body limit with a sentence for oversized
//! bodies (`body_limits`); the service worker's and manifest's headers (`app_files`).
//! `/healthz`, `/readyz` and the bearer-token `/metrics` sit outside those guards
//! ([`unguarded`]).
//!
//! There is deliberately no compression layer (SSE must never be compressed, tower-http #732)
//! and no timeout layer (a long answer must not be cut): the header, idle and body timeouts
//! live in the accept loop (`accept_loop`, `connection_watch`, `body_deadline`), which never
//! times a response in flight.

use crate::app::{shell, App};
use crate::server::api_response;
use crate::server::attachments::{self, delete_route, file_route, upload_route};
use crate::server::auth::identity;
use crate::server::http::app_files;
use crate::server::http::body_limits::{self, BodyLimits};
use crate::server::http::client_ip;
use crate::server::http::cross_site::{cors_layer, refuse_cross_site};
use crate::server::http::health;
use crate::server::http::host_check::{self, HostPolicy};
use crate::server::http::request_span;
use crate::server::http::security_headers::{self, SecurityHeaders};
use crate::server::limits::Limits;
use crate::server::metrics;
use crate::server::state::AppState;
use crate::server::{http::export_route, turn::events_route};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// Builds the whole HTTP application.
pub fn app(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let route_body_limits = BodyLimits::new(
        &state.config.server,
        state.config.attachments.max_file_bytes,
    );
    let host_policy = HostPolicy::new(state.config.auth.mode, &state.config.server.allowed_hosts);
    let context_state = state.clone();
    let allowed_origins = Arc::new(state.config.server.allowed_origins.clone());
    let cors = cors_layer(&allowed_origins);
    let router = Router::new()
        .route(
            export_route::PATH,
            get(export_route::export_conversation).with_state(state.clone()),
        )
        .route(
            upload_route::PATH,
            post(upload_route::upload_attachment).with_state(state.clone()),
        )
        .route(
            attachments::paths::ITEM_PATH,
            get(file_route::attachment_file)
                .delete(delete_route::delete_attachment)
                .with_state(state.clone()),
        )
        .route(
            events_route::PATH,
            get(events_route::turn_events).with_state(state.clone()),
        )
        // Unknown API paths get a sentence, not the app's HTML "not found" page.
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || {
                provide_context(context_state.clone());
                security_headers::provide_request_nonce();
            },
            {
                let leptos_options = leptos_options.clone();
                move || shell(leptos_options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context(
            security_headers::provide_request_nonce,
            shell,
        ))
        // Page loads per IP and per user (after `identity`, which finds the user).
        .layer(middleware::from_fn_with_state(
            state.limits.clone(),
            crate::server::limits::page_loads::limit_page_loads,
        ))
        // Who the request is for (401 for `/api/` without a user; pages redirect to sign-in).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            identity::resolve,
        ))
        // A server function's error gets its kind's status; a bare 404/405 a sentence.
        .layer(middleware::from_fn(api_response::error_status))
        // The service worker and manifest: their content types, always revalidated.
        .layer(middleware::from_fn(app_files::app_file_headers))
        // The route's body limit, and a sentence for a body over it.
        .layer(middleware::from_fn_with_state(
            route_body_limits,
            body_limits::limit_body,
        ))
        // axum's own 2 MB default would cut server-function bodies (an import) below the limit.
        .layer(DefaultBodyLimit::max(route_body_limits.largest()))
        .layer(middleware::from_fn_with_state(
            state.limits.clone(),
            limit_ip_requests,
        ))
        .layer(middleware::from_fn_with_state(
            allowed_origins,
            refuse_cross_site,
        ))
        // Who the client is (X-Forwarded-For from a trusted proxy), for the per-IP limits.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_ip::record,
        ))
        // Only the allowed host names are answered (DNS rebinding).
        .layer(middleware::from_fn_with_state(
            host_policy,
            host_check::check_host,
        ))
        .layer(middleware::from_fn_with_state(
            SecurityHeaders::new(&leptos_options),
            security_headers::response_headers,
        ))
        // Outermost: one span per request (method, route template, status).
        .layer(middleware::from_fn(request_span::trace_request))
        .with_state(leptos_options)
        // Probes and Prometheus: outside the guards above (see `unguarded`).
        .merge(unguarded(&state));
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// The routes no guard applies to: the health endpoints (probes come from addresses and host
/// names no guard expects) and, with `[metrics] bearer_token`, `/metrics` (its token is its
/// guard); without a token there is no `/metrics` here (404).
fn unguarded(state: &AppState) -> Router {
    let router = Router::new()
        .route(health::HEALTHZ, get(health::healthz))
        .route(
            health::READYZ,
            get(health::readyz).with_state(state.clone()),
        );
    if state.config.metrics.bearer_token.is_some() {
        router.route(
            metrics::route::PATH,
            get(metrics::route::bearer_metrics).with_state(state.clone()),
        )
    } else {
        router
    }
}

/// The answer for a path under `/api/` that names no endpoint.
async fn api_not_found(request: Request) -> Response {
    api_response::refusal(api_response::no_such_endpoint(), request.uri().path())
}

/// Counts every `/api/` request against its client's per-IP budget (the client as
/// `client_ip` decided it); beyond it, a 429 with `Retry-After`. Requests whose peer address
/// is unknown (an app served without connect info) are not counted.
async fn limit_ip_requests(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") {
        if let Some(ip) = client_ip::of_request(&request) {
            if let Err(error) = limits.check_ip_request(ip).await {
                return error.into_api_response(path);
            }
        }
    }
    next.run(request).await
}
