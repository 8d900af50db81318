//! The HTTP edge, below the routes: the [`accept_loop`] and its per-connection timeouts
//! ([`connection_watch`], [`body_deadline`]), request guards that run before any handler
//! ([`host_check`], [`cross_site`], [`body_limits`]), the client's address behind proxies
//! ([`client_ip`]), the headers of every response ([`security_headers`]), and the one plain
//! download route ([`export_route`]); the service worker's and manifest's headers
//! ([`app_files`]); the probes' [`health`] endpoints; each request's tracing span
//! ([`request_span`]).

pub mod accept_loop;
pub mod app_files;
pub mod body_deadline;
pub mod body_limits;
pub mod client_ip;
pub mod connection_watch;
pub mod cross_site;
pub mod export_route;
pub mod health;
pub mod host_check;
pub mod request_span;
pub mod security_headers;
