//! [ssr] Folders: list (by name, ignoring case), create, rename, fold and delete a user's
//! sidebar folders. Every query is scoped by owner. Names are unique per user ignoring ASCII
//! case (a taken name is [`StoreError::Conflict`], checked in the statement that writes, with
//! the schema's unique index as a backstop). Deleting a folder keeps its chats: they move to
//! no folder in the same transaction.

use super::db::{on_db, Dialects};
use super::error::found;
use super::ids::{new_id, now_millis, parse_id};
use super::text::storable;
use super::{Store, StoreError, UserId};
use crate::ids::FolderId;
use crate::organise::Folder;

/// The conflict for a taken `name`.
fn name_taken(name: &str) -> StoreError {
    StoreError::Conflict(format!("A folder named “{name}” already exists."))
}

/// The schema's unique index on `(user_id, lower(name))` as a conflict (two concurrent writes).
fn conflict_on_unique(error: sqlx::Error, name: &str) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => name_taken(name),
        _ => error.into(),
    }
}

/// A user's folders by name ignoring ASCII case (then exact name, age, id): the same order on
/// both backends (byte order, whatever the PostgreSQL database's collation).
const LIST: Dialects = Dialects {
    sqlite: "SELECT id, name, collapsed, created_at FROM folders WHERE user_id = $1
             ORDER BY lower(name), name, created_at, id",
    postgres: "SELECT id, name, collapsed, created_at FROM folders WHERE user_id = $1
               ORDER BY lower(name) COLLATE \"C\", name COLLATE \"C\", created_at, id",
};

impl Store {
    /// The user's folders ordered by name, ignoring ASCII case.
    pub async fn list_folders(&self, user: UserId) -> Result<Vec<Folder>, StoreError> {
        let rows = on_db!(self.db(), |pool, backend| {
            sqlx::query_as(LIST.get(backend))
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Creates an open folder named `name` (normalized by the caller) for `user`;
    /// [`StoreError::Conflict`] when the user has one of that name, ignoring ASCII case.
    pub async fn create_folder(&self, user: UserId, name: &str) -> Result<Folder, StoreError> {
        let backend = self.db().backend();
        let folder = Folder {
            id: new_id(),
            name: storable(backend, name).into_owned(),
            collapsed: false,
            created_at: now_millis(),
        };
        let done = on_db!(self.db(), |pool| {
            sqlx::query(
                "INSERT INTO folders (id, user_id, name, collapsed, created_at)
                 SELECT $1, $2, $3, FALSE, $4
                 WHERE NOT EXISTS (SELECT 1 FROM folders
                                   WHERE user_id = $2 AND lower(name) = lower($3))",
            )
            .bind(&folder.id)
            .bind(user.0)
            .bind(&folder.name)
            .bind(folder.created_at)
            .execute(pool)
            .await
            .map_err(|e| conflict_on_unique(e, name))?
            .rows_affected()
        });
        if done == 0 {
            return Err(name_taken(name));
        }
        Ok(folder)
    }

    /// Renames the folder `id`; [`StoreError::NotFound`] for an unknown, malformed or foreign
    /// id, [`StoreError::Conflict`] when another of the user's folders has that name.
    pub async fn rename_folder(
        &self,
        user: UserId,
        id: &FolderId,
        name: &str,
    ) -> Result<(), StoreError> {
        let id: FolderId = parse_id(id)?;
        let backend = self.db().backend();
        let done = on_db!(self.db(), |pool| {
            sqlx::query(
                "UPDATE folders SET name = $1 WHERE id = $2 AND user_id = $3
                   AND NOT EXISTS (SELECT 1 FROM folders o WHERE o.user_id = $3
                                   AND lower(o.name) = lower($1) AND o.id <> $2)",
            )
            .bind(storable(backend, name).as_ref())
            .bind(&id)
            .bind(user.0)
            .execute(pool)
            .await
            .map_err(|e| conflict_on_unique(e, name))?
            .rows_affected()
        });
        if done > 0 {
            return Ok(());
        }
        // Nothing changed: either the folder is not this user's, or the name is taken.
        match self.folder_exists(user, &id).await? {
            true => Err(name_taken(name)),
            false => Err(StoreError::NotFound),
        }
    }

    /// Folds (`collapsed`) or unfolds the folder `id`.
    pub async fn set_folder_collapsed(
        &self,
        user: UserId,
        id: &FolderId,
        collapsed: bool,
    ) -> Result<(), StoreError> {
        let id: FolderId = parse_id(id)?;
        let done = on_db!(self.db(), |pool| {
            sqlx::query("UPDATE folders SET collapsed = $1 WHERE id = $2 AND user_id = $3")
                .bind(collapsed)
                .bind(&id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(done)
    }

    /// Deletes the folder `id`; its chats stay, in no folder (one transaction).
    pub async fn delete_folder(&self, user: UserId, id: &FolderId) -> Result<(), StoreError> {
        let id: FolderId = parse_id(id)?;
        on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE conversations SET folder_id = NULL WHERE folder_id = $1 AND user_id = $2",
            )
            .bind(&id)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            let done = sqlx::query("DELETE FROM folders WHERE id = $1 AND user_id = $2")
                .bind(&id)
                .bind(user.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            found(done)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Whether `user` owns the folder `id` (already parsed).
    async fn folder_exists(&self, user: UserId, id: &FolderId) -> Result<bool, StoreError> {
        let exists: Option<bool> = on_db!(self.db(), |pool| {
            sqlx::query_scalar("SELECT TRUE FROM folders WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.0)
                .fetch_optional(pool)
                .await?
        });
        Ok(exists.is_some())
    }
}

/// Finds `user`'s folder named `name` (ignoring ASCII case) through `$executor`, creating it
/// when there is none: what an import does with the file's folder name. Evaluates to
/// `Result<FolderId, sqlx::Error>`. A macro so each backend's arm gets its typed executor.
macro_rules! folder_named {
    ($executor:expr, $user:expr, $name:expr) => {{
        let name: &str = $name;
        let fresh: $crate::ids::FolderId = $crate::store::ids::new_id();
        match sqlx::query(
            "INSERT INTO folders (id, user_id, name, collapsed, created_at)
             VALUES ($1, $2, $3, FALSE, $4) ON CONFLICT DO NOTHING",
        )
        .bind(&fresh)
        .bind($user.0)
        .bind(name)
        .bind($crate::store::ids::now_millis())
        .execute(&mut *$executor)
        .await
        {
            Ok(_) => {
                sqlx::query_scalar::<_, $crate::ids::FolderId>(
                    "SELECT id FROM folders WHERE user_id = $1 AND lower(name) = lower($2)",
                )
                .bind($user.0)
                .bind(name)
                .fetch_one(&mut *$executor)
                .await
            }
            Err(e) => Err(e),
        }
    }};
}
pub(super) use folder_named;
