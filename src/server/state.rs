//! Shared server state handed to every request (through Leptos context for server functions).

use crate::server::catalog::Catalog;
use crate::server::config::Config;
use crate::server::error::AppError;
use crate::server::limits::Limits;
use crate::server::turns::TurnRegistry;
use crate::store::{Store, UserId};
use server_fn::ServerFnError;
use std::sync::Arc;

/// What every handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Start-up configuration (limits, timings).
    pub config: Arc<Config>,
    /// Providers and models.
    pub catalog: Arc<Catalog>,
    /// Live turns, for Stop.
    pub turns: TurnRegistry,
    /// Conversations, messages and presets.
    pub store: Store,
    /// Rate limits (messages, streams, requests per IP, sign-ins), shared by every request.
    pub limits: Limits,
}

impl AppState {
    /// Creates the state.
    pub fn new(config: Config, catalog: Catalog, store: Store) -> Self {
        Self {
            limits: Limits::new(&config.limits),
            config: Arc::new(config),
            catalog: Arc::new(catalog),
            turns: TurnRegistry::default(),
            store,
        }
    }

    /// The state from a server function's context (a bug if missing: logged, generic error).
    pub fn from_context() -> Result<AppState, ServerFnError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| AppError::Internal("AppState missing from context".to_string()))
            .map_err(AppError::into_server_fn_error)
    }

    /// The user a request acts for. Until accounts exist every request is the built-in local
    /// user; the store scopes every query by this id.
    pub fn current_user(&self) -> UserId {
        UserId::LOCAL
    }
}
