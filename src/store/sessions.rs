//! [ssr] Sign-in sessions: a random token goes to the browser (in a cookie); the database
//! keeps only its SHA-256, the owner and the expiry. A session is good while it has not
//! expired and its user is active; signing out deletes it, "sign out everywhere" and password
//! changes delete a user's sessions, and expired rows are swept.

use super::accounts::{account_from_row, Account};
use super::db::on_db;
use super::ids::now_millis;
use super::session_token::{token_hash, SESSION_TOKEN_BYTES};
use super::{Store, StoreError, UserId};
use base64::Engine;
use std::time::Duration;

impl Store {
    /// Starts a session for `user` lasting `lifetime`; returns its token (URL-safe base64),
    /// which is not stored and cannot be recovered.
    pub async fn create_session(
        &self,
        user: UserId,
        lifetime: Duration,
    ) -> Result<String, StoreError> {
        let mut bytes = [0u8; SESSION_TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Hashing(e.to_string()))?;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = now_millis();
        let lifetime_ms = i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX);
        on_db!(self.db(), |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash(&token))
            .bind(user.0)
            .bind(now)
            .bind(now.saturating_add(lifetime_ms))
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(token)
    }

    /// The active account whose unexpired session `token` is, if any.
    pub async fn session_account(&self, token: &str) -> Result<Option<Account>, StoreError> {
        let row: Option<(i64, String, bool, String)> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.is_admin, u.status FROM sessions s
             JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2
               AND u.status = 'active' AND NOT u.is_builtin",
            )
            .bind(token_hash(token))
            .bind(now_millis())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(account_from_row))
    }

    /// Ends the session `token` (nothing happens for an unknown token).
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        on_db!(self.db(), |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash(token))
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Ends every session of `user`; returns how many there were.
    pub async fn delete_user_sessions(&self, user: UserId) -> Result<u64, StoreError> {
        let done = on_db!(self.db(), |pool| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done)
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired_sessions(&self) -> Result<u64, StoreError> {
        let done = on_db!(self.db(), |pool| {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now_millis())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done)
    }

    /// How many unexpired sessions `user` has.
    pub async fn session_count(&self, user: UserId) -> Result<u64, StoreError> {
        let (count,): (i64,) = on_db!(self.db(), |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2")
                .bind(user.0)
                .bind(now_millis())
                .fetch_one(pool)
                .await?
        });
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
