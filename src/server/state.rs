//! Shared server state handed to every request (through Leptos context for server functions).

use crate::account::AuthMode;
use crate::api_error::ApiError;
use crate::server::auth::admin_setup::AdminSetup;
use crate::server::auth::request_identity::{identity_of, RequestIdentity, SIGN_IN_MESSAGE};
use crate::server::catalog::Catalog;
use crate::server::cluster::Cluster;
use crate::server::config::Config;
use crate::server::error::AppError;
use crate::server::limits::Limits;
use crate::server::turn::registry::TurnRegistry;
use crate::store::{Account, PasswordHashing, Store, UserId};
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
    /// The set-up token the first sign-up must present.
    pub admin_setup: Arc<AdminSetup>,
    /// This replica's membership of a cluster (`[cluster] redis_url`), through which live
    /// answers are shared with the other replicas; `None`: this process alone.
    pub cluster: Option<Cluster>,
    /// How many uploads may be decoded at once (one per CPU core): decoding a 12-megapixel
    /// photo needs about 48 MiB, so twenty uploads at once must queue, not take a gigabyte.
    pub intake_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Creates the state (`store` gets the configured bound on concurrent password hashes)
    /// and, with `[cluster] redis_url`, joins the cluster (this needs a Tokio runtime).
    pub fn new(config: Config, catalog: Catalog, store: Store) -> Result<Self, String> {
        let hashing = PasswordHashing::new(
            config.limits.password_hashes as usize,
            config.limits.password_hash_wait,
        );
        let store = store.with_password_hashing(hashing);
        let turns = TurnRegistry::default();
        let cluster = match &config.cluster.redis_url {
            Some(url) => Some(Cluster::start(
                &config.cluster,
                url,
                &config.storage.replica_id,
                turns.clone(),
                store.clone(),
            )?),
            None => None,
        };
        Ok(Self {
            admin_setup: Arc::new(AdminSetup::new(config.auth.admin_token.as_ref())),
            store,
            limits: Limits::new(&config.limits, &config.cluster),
            config: Arc::new(config),
            catalog: Arc::new(catalog),
            turns,
            cluster,
            intake_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
        })
    }

    /// The state from a server function's context (a bug if missing: logged, generic error).
    pub fn from_context() -> Result<AppState, ApiError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| AppError::Internal("AppState missing from context".to_string()).into())
    }

    /// The identity the [`identity`](crate::server::auth::identity) middleware resolved for the
    /// request a server function serves (leptos_axum provides its parts as context).
    pub fn request_identity(&self) -> Result<RequestIdentity, ApiError> {
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>()
            .ok_or_else(|| AppError::Internal("request parts missing from context".to_string()))?;
        Ok(identity_of(&parts.extensions).cloned()?)
    }

    /// The signed-in account a server function acts for; 401 "Sign in to continue." without
    /// one. The one way server functions learn their user.
    pub fn require_account(&self) -> Result<Account, ApiError> {
        self.request_identity()?
            .user
            .ok_or_else(|| AppError::Unauthorized(SIGN_IN_MESSAGE.to_string()).into())
    }

    /// The owner id a server function's store calls are scoped by; 401 without a user.
    pub fn require_user(&self) -> Result<UserId, ApiError> {
        self.require_account().map(|account| account.id)
    }

    /// The signed-in admin; 401 without a user, 403 for anyone else.
    pub fn require_admin(&self) -> Result<Account, ApiError> {
        let account = self.require_account()?;
        if self.config.auth.mode == AuthMode::Off || !account.is_admin {
            return Err(AppError::Forbidden("Only an admin may do this.".to_string()).into());
        }
        Ok(account)
    }
}
