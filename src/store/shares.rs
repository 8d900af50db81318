//! [ssr] Shared links: create (a fresh random token and a frozen snapshot of one of the
//! owner's conversations), list and revoke a user's links, and read the snapshot of a live
//! link by its token. Creating, listing and revoking are scoped by owner (another user's
//! conversation or link is [`StoreError::NotFound`]); reading by token is not, on purpose: the
//! token is the capability, and a revoked, expired or unknown one are the same `None`.

use super::db::{on_db, Dialects};
use super::ids::{now_millis, parse_id};
use super::text::storable;
use super::{Store, StoreError, UserId};
use crate::ids::ConversationId;
use crate::sharing::{is_token_shaped, ShareSummary};
use base64::Engine as _;

/// Random bytes in a share token (192 bits; 32 characters of base64url).
const SHARE_TOKEN_BYTES: usize = 24;

/// A user's live links, newest first (revoked ones are gone from the list).
const LIST: Dialects = Dialects {
    sqlite: "SELECT token, title, created_at, expires_at FROM shares
             WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, rowid DESC",
    postgres: "SELECT token, title, created_at, expires_at FROM shares
               WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, seq DESC",
};

/// A fresh unguessable token.
fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; SHARE_TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Hashing(e.to_string()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

impl Store {
    /// Makes a link to `conversation` (which must be `user`'s) showing `snapshot` (JSON of a
    /// [`crate::sharing::ShareSnapshot`]) until revoked or `expires_at` (unix ms).
    pub async fn create_share(
        &self,
        user: UserId,
        conversation: &ConversationId,
        title: &str,
        snapshot: &str,
        expires_at: Option<i64>,
    ) -> Result<ShareSummary, StoreError> {
        let conversation: ConversationId = parse_id(conversation)?;
        let token = new_token()?;
        let now = now_millis();
        let backend = self.db().backend();
        let done = on_db!(self.db(), |pool| {
            sqlx::query(
                "INSERT INTO shares (token, user_id, conversation_id, title, snapshot,
                                     created_at, expires_at)
                 SELECT $1, c.user_id, c.id, $4, $5, $6, $7 FROM conversations c
                 WHERE c.id = $3 AND c.user_id = $2",
            )
            .bind(&token)
            .bind(user.0)
            .bind(&conversation)
            .bind(storable(backend, title).as_ref())
            .bind(storable(backend, snapshot).as_ref())
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(ShareSummary {
            token,
            title: title.to_string(),
            created_at: now,
            expires_at,
            expired: false,
        })
    }

    /// The user's links that were not revoked, newest first (expired ones marked).
    pub async fn list_shares(&self, user: UserId) -> Result<Vec<ShareSummary>, StoreError> {
        let rows: Vec<(String, String, i64, Option<i64>)> = on_db!(self.db(), |pool, backend| {
            sqlx::query_as(LIST.get(backend))
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        let now = now_millis();
        Ok(rows
            .into_iter()
            .map(|(token, title, created_at, expires_at)| ShareSummary {
                token,
                title,
                created_at,
                expires_at,
                expired: expires_at.is_some_and(|at| at <= now),
            })
            .collect())
    }

    /// Revokes the user's link `token` at once; [`StoreError::NotFound`] for an unknown,
    /// foreign or already revoked one.
    pub async fn revoke_share(&self, user: UserId, token: &str) -> Result<(), StoreError> {
        if !is_token_shaped(token) {
            return Err(StoreError::NotFound);
        }
        let done = on_db!(self.db(), |pool| {
            sqlx::query(
                "UPDATE shares SET revoked_at = $1
                 WHERE token = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now_millis())
            .bind(token)
            .bind(user.0)
            .execute(pool)
            .await?
            .rows_affected()
        });
        super::error::found(done)
    }

    /// The snapshot JSON of the live link `token` (`None`: unknown, revoked or expired, alike).
    pub async fn shared_snapshot(&self, token: &str) -> Result<Option<String>, StoreError> {
        if !is_token_shaped(token) {
            return Ok(None);
        }
        let snapshot: Option<String> = on_db!(self.db(), |pool| {
            sqlx::query_scalar(
                "SELECT snapshot FROM shares WHERE token = $1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > $2)",
            )
            .bind(token)
            .bind(now_millis())
            .fetch_optional(pool)
            .await?
        });
        Ok(snapshot)
    }

    /// Moves the link `token`'s expiry to `expires_at` (unix ms): for tests of expiry, which
    /// cannot wait a day.
    pub async fn set_share_expiry(&self, token: &str, expires_at: i64) -> Result<(), StoreError> {
        let done = on_db!(self.db(), |pool| {
            sqlx::query("UPDATE shares SET expires_at = $1 WHERE token = $2")
                .bind(expires_at)
                .bind(token)
                .execute(pool)
                .await?
                .rows_affected()
        });
        super::error::found(done)
    }
}
