//! [ssr] Organising conversations: pin one, archive or restore, move into a folder or out of
//! any, delete — the bulk ones over at most `organise::MAX_BULK_CONVERSATIONS` ids (the API
//! checks the count) in one transaction, so an unknown, malformed or foreign id among them is
//! [`StoreError::NotFound`] and changes nothing. Also the listing of archived chats and what
//! an export carries about a chat's place. Every query is scoped by owner.

use super::db::{on_db, Dialects};
use super::error::found;
use super::ids::{now_millis, parse_id};
use super::{Store, StoreError, UserId};
use crate::conversation::ConversationSummary;
use crate::ids::{ConversationId, FolderId};
use std::collections::BTreeSet;

/// A user's archived conversations, the most recently archived first.
const ARCHIVED: Dialects = Dialects {
    sqlite: "SELECT id, title, updated_at, pinned, archived_at, folder_id FROM conversations
             WHERE user_id = $1 AND archived_at IS NOT NULL
             ORDER BY archived_at DESC, rowid DESC",
    postgres: "SELECT id, title, updated_at, pinned, archived_at, folder_id FROM conversations
               WHERE user_id = $1 AND archived_at IS NOT NULL
               ORDER BY archived_at DESC, seq DESC",
};

/// What an export says about where a chat sits: pinned, archived (when), in which folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Placement {
    /// Pinned to the top of the list.
    pub pinned: bool,
    /// When it was archived (unix ms), if it is.
    pub archived_at: Option<i64>,
    /// The name of its folder, if it is in one (names, not ids, travel between servers).
    pub folder: Option<String>,
}

/// The distinct canonical ids of `ids` (any malformed one: `NotFound`).
fn parsed(ids: &[ConversationId]) -> Result<BTreeSet<ConversationId>, StoreError> {
    ids.iter().map(|id| parse_id(id)).collect()
}

impl Store {
    /// The user's archived conversations, the most recently archived first.
    pub async fn list_archived_conversations(
        &self,
        user: UserId,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        let rows = on_db!(self.db(), |pool, backend| {
            sqlx::query_as(ARCHIVED.get(backend))
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Pins (`pinned`) or unpins the conversation `id`.
    pub async fn set_conversation_pinned(
        &self,
        user: UserId,
        id: &ConversationId,
        pinned: bool,
    ) -> Result<(), StoreError> {
        let id: ConversationId = parse_id(id)?;
        let done = on_db!(self.db(), |pool| {
            sqlx::query("UPDATE conversations SET pinned = $1 WHERE id = $2 AND user_id = $3")
                .bind(pinned)
                .bind(&id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Archives (`archived`: kept out of the list, still searchable; an already archived chat
    /// keeps its time) or restores the conversations `ids`; all or nothing.
    pub async fn archive_conversations(
        &self,
        user: UserId,
        ids: &[ConversationId],
        archived: bool,
    ) -> Result<(), StoreError> {
        let ids = parsed(ids)?;
        // Archiving binds the time as $3; restoring has no time.
        let (statement, now) = if archived {
            (
                "UPDATE conversations SET archived_at = COALESCE(archived_at, $3)
                 WHERE id = $1 AND user_id = $2",
                Some(now_millis()),
            )
        } else {
            (
                "UPDATE conversations SET archived_at = NULL WHERE id = $1 AND user_id = $2",
                None,
            )
        };
        on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            for id in &ids {
                let mut query = sqlx::query(statement).bind(id).bind(user.0);
                if let Some(now) = now {
                    query = query.bind(now);
                }
                let done = query.execute(&mut *tx).await?.rows_affected();
                found(done)?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Moves the conversations `ids` into the user's folder `folder`, or out of any folder
    /// (`None`); all or nothing. A folder that is not the user's is `NotFound`.
    pub async fn move_conversations(
        &self,
        user: UserId,
        ids: &[ConversationId],
        folder: Option<&FolderId>,
    ) -> Result<(), StoreError> {
        let ids = parsed(ids)?;
        let folder: Option<FolderId> = folder.map(|f| parse_id(f)).transpose()?;
        on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            if let Some(folder) = &folder {
                let owned: Option<bool> =
                    sqlx::query_scalar("SELECT TRUE FROM folders WHERE id = $1 AND user_id = $2")
                        .bind(folder)
                        .bind(user.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if owned.is_none() {
                    return Err(StoreError::NotFound);
                }
            }
            for id in &ids {
                let done = sqlx::query(
                    "UPDATE conversations SET folder_id = $1 WHERE id = $2 AND user_id = $3",
                )
                .bind(&folder)
                .bind(id)
                .bind(user.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                found(done)?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes the conversations `ids` and all their messages; all or nothing.
    pub async fn delete_conversations(
        &self,
        user: UserId,
        ids: &[ConversationId],
    ) -> Result<(), StoreError> {
        let ids = parsed(ids)?;
        on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            for id in &ids {
                let done = sqlx::query("DELETE FROM conversations WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                found(done)?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Where the conversation `id` sits (pin, archive, folder name), for its export.
    pub async fn conversation_placement(
        &self,
        user: UserId,
        id: &ConversationId,
    ) -> Result<Placement, StoreError> {
        let id: ConversationId = parse_id(id)?;
        let placement: Option<Placement> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT c.pinned, c.archived_at, f.name AS folder FROM conversations c
                 LEFT JOIN folders f ON f.id = c.folder_id AND f.user_id = c.user_id
                 WHERE c.id = $1 AND c.user_id = $2",
            )
            .bind(&id)
            .bind(user.0)
            .fetch_optional(pool)
            .await?
        });
        placement.ok_or(StoreError::NotFound)
    }
}
