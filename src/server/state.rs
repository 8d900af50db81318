//! Shared server state handed to every request (through Leptos context for server functions).

use crate::server::catalog::Catalog;
use crate::server::config::Config;
use crate::server::turns::TurnRegistry;
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
}

impl AppState {
    /// Creates the state.
    pub fn new(config: Config, catalog: Catalog) -> Self {
        Self {
            config: Arc::new(config),
            catalog: Arc::new(catalog),
            turns: TurnRegistry::default(),
        }
    }
}
