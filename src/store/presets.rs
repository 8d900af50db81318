//! [ssr] Presets: list (by name, ignoring case), create, update and delete a user's saved
//! name + system prompt + model. Every query is scoped by owner. Names are unique per user
//! ignoring ASCII case; a taken name is [`StoreError::Conflict`], checked in the same
//! statement that writes so that two concurrent saves cannot both win.

use super::db::{on_db, Dialects};
use super::error::found;
use super::ids::{new_id, now_millis, parse_id};
use super::text::storable;
use super::{Store, StoreError, UserId};
use crate::ids::PresetId;
use crate::preset::Preset;

/// The conflict for a taken `name`.
fn name_taken(name: &str) -> StoreError {
    StoreError::Conflict(format!("A preset named “{name}” already exists."))
}

/// Turns the schema's own `UNIQUE (user_id, name)` violation into a conflict (a backstop: the
/// statements below check names first, ignoring case).
fn conflict_on_unique(error: sqlx::Error, name: &str) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => name_taken(name),
        _ => StoreError::Database(error),
    }
}

/// A user's presets by name, ignoring ASCII case (then exact name, age, insertion order), the
/// same order on both backends (byte order, whatever the PostgreSQL database's collation).
const LIST: Dialects = Dialects {
    sqlite: "SELECT id, name, system_prompt, model, created_at, updated_at FROM presets
             WHERE user_id = $1 ORDER BY name COLLATE NOCASE, name, created_at, rowid",
    postgres: "SELECT id, name, system_prompt, model, created_at, updated_at FROM presets
               WHERE user_id = $1
               ORDER BY lower(name) COLLATE \"C\", name COLLATE \"C\", created_at, seq",
};

impl Store {
    /// The user's presets ordered by name, ignoring ASCII case (ties: exact name, then age).
    pub async fn list_presets(&self, user: UserId) -> Result<Vec<Preset>, StoreError> {
        let rows = on_db!(self.db(), |pool, backend| {
            sqlx::query_as(LIST.get(backend))
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Creates a preset owned by `user`; [`StoreError::Conflict`] when the user already has
    /// one of that name (ignoring ASCII case). The caller validates and normalizes the fields.
    pub async fn create_preset(
        &self,
        user: UserId,
        name: &str,
        system_prompt: &str,
        model: Option<&str>,
    ) -> Result<Preset, StoreError> {
        let now = now_millis();
        let preset = Preset {
            id: new_id(),
            name: name.to_owned(),
            system_prompt: system_prompt.to_owned(),
            model: model.map(str::to_owned),
            created_at: now,
            updated_at: now,
        };
        let backend = self.db().backend();
        let done = on_db!(self.db(), |pool| {
            sqlx::query(
                "INSERT INTO presets
                     (id, user_id, name, system_prompt, model, created_at, updated_at)
                 SELECT $1, $2, $3, $4, $5, $6, $6
                 WHERE NOT EXISTS (SELECT 1 FROM presets
                                   WHERE user_id = $2 AND lower(name) = lower($3))",
            )
            .bind(&preset.id)
            .bind(user.0)
            .bind(storable(backend, &preset.name).as_ref())
            .bind(storable(backend, &preset.system_prompt).as_ref())
            .bind(&preset.model)
            .bind(now)
            .execute(pool)
            .await
            .map_err(|e| conflict_on_unique(e, name))?
            .rows_affected()
        });
        if done == 0 {
            return Err(name_taken(name));
        }
        Ok(preset)
    }

    /// Replaces the name, system prompt and model of the preset `id` and returns it as
    /// stored. [`StoreError::NotFound`] for an unknown, malformed or foreign id;
    /// [`StoreError::Conflict`] when another of the user's presets has that name (changing
    /// only the case of a preset's own name is fine).
    pub async fn update_preset(
        &self,
        user: UserId,
        id: &PresetId,
        name: &str,
        system_prompt: &str,
        model: Option<&str>,
    ) -> Result<Preset, StoreError> {
        let id: PresetId = parse_id(id)?;
        let backend = self.db().backend();
        let updated: Option<Preset> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "UPDATE presets SET name = $1, system_prompt = $2, model = $3, updated_at = $4
                 WHERE id = $5 AND user_id = $6
                   AND NOT EXISTS (SELECT 1 FROM presets o WHERE o.user_id = $6
                                   AND lower(o.name) = lower($1) AND o.id <> $5)
                 RETURNING id, name, system_prompt, model, created_at, updated_at",
            )
            .bind(storable(backend, name).as_ref())
            .bind(storable(backend, system_prompt).as_ref())
            .bind(model)
            .bind(now_millis())
            .bind(&id)
            .bind(user.0)
            .fetch_optional(pool)
            .await
            .map_err(|e| conflict_on_unique(e, name))?
        });
        if let Some(preset) = updated {
            return Ok(preset);
        }
        // Nothing changed: either the preset is not this user's, or the name is taken.
        let exists: Option<bool> = on_db!(self.db(), |pool| {
            sqlx::query_scalar("SELECT TRUE FROM presets WHERE id = $1 AND user_id = $2")
                .bind(&id)
                .bind(user.0)
                .fetch_optional(pool)
                .await?
        });
        Err(match exists {
            Some(_) => name_taken(name),
            None => StoreError::NotFound,
        })
    }

    /// Deletes the preset `id` (conversations started from it keep their own copy).
    pub async fn delete_preset(&self, user: UserId, id: &PresetId) -> Result<(), StoreError> {
        let id: PresetId = parse_id(id)?;
        let done = on_db!(self.db(), |pool| {
            sqlx::query("DELETE FROM presets WHERE id = $1 AND user_id = $2")
                .bind(&id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        found(done)
    }
}
