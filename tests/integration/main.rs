//! The one integration-test binary (needs the `ssr` feature: `make test-rust`).
#![cfg(feature = "ssr")]

mod accounts;
mod api_errors;
mod app_shell;
mod binary_cli;
mod chat_endpoint;
mod cluster_limits;
mod cluster_redis_outage;
mod cluster_sign_in;
mod cluster_streams;
mod cluster_turns;
mod config_loading;
mod conversation_pages;
mod crash_recovery;
mod database_outage;
mod database_unavailable;
mod feedback;
mod hostile_requests;
mod isolation;
mod limits;
mod migrate_to_postgres;
mod organise;
mod presets;
mod readme_examples;
mod readme_promises;
mod resumable_turns;
mod security_headers;
mod sharing;
mod stop_disconnect;
mod store;
mod stored_turns;
mod support;
mod transfer;
mod transfer_format;
mod turn_faults;
mod wire_pinned;
