//! [ssr] Accounts: create (the first becomes an active admin, claiming the built-in local
//! user's conversations), sign in, change and reset passwords, list, approve/disable and
//! promote/demote with the last-admin guard checked in the same statement that writes. Names
//! are unique ignoring ASCII case. Password hashes are read and written only here and in
//! `password`; nothing this file returns carries one.

use super::db::on_db;
use super::ids::now_millis;
use super::{password, Store, StoreError, UserId};
use crate::account::{AccountInfo, AccountStatus, UserSummary};

/// A user as the server sees it after authentication (no password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The owner id every store query is scoped by.
    pub id: UserId,
    /// The sign-in name.
    pub name: String,
    /// Whether the admin functions are open to this user.
    pub is_admin: bool,
    /// Whether the user may sign in.
    pub status: AccountStatus,
}

impl Account {
    /// The account as the pages see it.
    pub fn info(&self) -> AccountInfo {
        AccountInfo {
            id: self.id.0,
            name: self.name.clone(),
            is_admin: self.is_admin,
        }
    }
}

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown name or wrong password, deliberately alike.
    #[error("Wrong name or password.")]
    WrongCredentials,
    /// The password is right but an admin has not approved the account yet.
    #[error("This account waits for an admin's approval.")]
    Pending,
    /// The password is right but an admin disabled the account.
    #[error("This account is disabled.")]
    Disabled,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The columns of an [`Account`], in this order: id, name, is_admin, status.
type AccountRow = (i64, String, bool, String);

/// Builds an account from its row (an unknown status word reads as disabled: fail closed).
pub(super) fn account_from_row((id, name, is_admin, status): AccountRow) -> Account {
    Account {
        id: UserId(id),
        name,
        is_admin,
        status: AccountStatus::parse(&status).unwrap_or(AccountStatus::Disabled),
    }
}

/// The conflict for a taken `name`.
fn name_taken(name: &str) -> StoreError {
    StoreError::Conflict(format!("The name “{name}” is taken."))
}

/// The conflict when a change would leave no active admin.
fn last_admin() -> StoreError {
    StoreError::Conflict("That is the last admin: make another user an admin first.".to_string())
}

/// Active admins other than `?1` exist (SQL fragment for the last-admin guard).
const ANOTHER_ADMIN: &str = "EXISTS (SELECT 1 FROM users o WHERE o.is_admin AND
    o.status = 'active' AND NOT o.is_builtin AND o.id <> $1)";

impl Store {
    /// True while no account exists (the next one becomes the first admin).
    pub async fn no_accounts_yet(&self) -> Result<bool, StoreError> {
        let (any,): (bool,) = on_db!(self.db(), |pool| {
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM users WHERE NOT is_builtin)")
                .fetch_one(pool)
                .await?
        });
        Ok(!any)
    }

    /// Creates an account named `name` (already checked and trimmed) with `password` (`None`
    /// for users a trusted proxy names). The first account is an active admin and takes over
    /// the built-in local user (and so the conversations of single-user mode); later ones are
    /// plain users, `pending` when they wait for approval. [`StoreError::Conflict`] when the
    /// name is taken, ignoring ASCII case.
    pub async fn create_account(
        &self,
        name: &str,
        password: Option<&str>,
        pending: bool,
    ) -> Result<Account, StoreError> {
        let hash = match password {
            Some(password) => Some(password::hash(&self.hashing, password).await?),
            None => None,
        };
        let now = now_millis();
        let claimed = on_db!(self.db(), |pool| {
            sqlx::query(
            "UPDATE users SET name = $1, password_hash = $2, is_admin = TRUE, status = 'active',
                              is_builtin = FALSE, created_at = $3
             WHERE id = $4 AND is_builtin
               AND NOT EXISTS (SELECT 1 FROM users WHERE NOT is_builtin)",
        )
        .bind(name)
        .bind(&hash)
        .bind(now)
        .bind(UserId::LOCAL.0)
        .execute(pool)
.await?.rows_affected()
        });
        if claimed == 1 {
            return Ok(Account {
                id: UserId::LOCAL,
                name: name.to_owned(),
                is_admin: true,
                status: AccountStatus::Active,
            });
        }
        let later_status = if pending { "pending" } else { "active" };
        let row: Option<AccountRow> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "INSERT INTO users (name, password_hash, is_admin, status, created_at)
             SELECT $1, $2, first, CASE WHEN first THEN 'active' ELSE $3 END, $4
             FROM (SELECT NOT EXISTS (SELECT 1 FROM users WHERE NOT is_builtin) AS first) AS f
             WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(name) = lower($1))
             RETURNING id, name, is_admin, status",
            )
            .bind(name)
            .bind(&hash)
            .bind(later_status)
            .bind(now)
            .fetch_optional(pool)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => name_taken(name),
                _ => StoreError::Database(e),
            })?
        });
        row.map(account_from_row).ok_or_else(|| name_taken(name))
    }

    /// The account named `name` (ignoring ASCII case), if any.
    pub async fn account_by_name(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let row: Option<AccountRow> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT id, name, is_admin, status FROM users
             WHERE lower(name) = lower($1) AND NOT is_builtin",
            )
            .bind(name)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(account_from_row))
    }

    /// The account `user`; [`StoreError::NotFound`] when there is none.
    pub async fn account(&self, user: UserId) -> Result<Account, StoreError> {
        let row: Option<AccountRow> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT id, name, is_admin, status FROM users WHERE id = $1 AND NOT is_builtin",
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await?
        });
        row.map(account_from_row).ok_or(StoreError::NotFound)
    }

    /// Checks `name` and `password`; the account when they match and it is active. Unknown
    /// names and wrong passwords give the same error after the same work. The name is looked
    /// up in its canonical form (trimmed, NFC), and as typed when that differs, so a name
    /// stored before names were normalised still signs in as it was typed then.
    pub async fn sign_in(&self, name: &str, password: &str) -> Result<Account, SignInError> {
        let canonical = crate::account::canonical_name(name);
        let mut row = self.credentials(&canonical).await?;
        if row.is_none() && canonical != name.trim() {
            row = self.credentials(name.trim()).await?;
        }
        let (account, hash) = match row {
            Some((id, name, is_admin, status, hash)) => {
                (Some(account_from_row((id, name, is_admin, status))), hash)
            }
            None => (None, None),
        };
        if !password::verify(&self.hashing, password, hash).await? {
            return Err(SignInError::WrongCredentials);
        }
        let account = account.ok_or(SignInError::WrongCredentials)?;
        match account.status {
            AccountStatus::Active => Ok(account),
            AccountStatus::Pending => Err(SignInError::Pending),
            AccountStatus::Disabled => Err(SignInError::Disabled),
        }
    }

    /// The account named `name` (ignoring ASCII case) with its password hash, if any.
    async fn credentials(
        &self,
        name: &str,
    ) -> Result<Option<(i64, String, bool, String, Option<String>)>, StoreError> {
        Ok(on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT id, name, is_admin, status, password_hash FROM users
             WHERE lower(name) = lower($1) AND NOT is_builtin",
            )
            .bind(name)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Whether `password` is `user`'s current password (false for users without one).
    pub async fn password_matches(&self, user: UserId, password: &str) -> Result<bool, StoreError> {
        let hash: Option<(Option<String>,)> = on_db!(self.db(), |pool| {
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1 AND NOT is_builtin")
                .bind(user.0)
                .fetch_optional(pool)
                .await?
        });
        password::verify(&self.hashing, password, hash.and_then(|(h,)| h)).await
    }

    /// Creates an active admin named `name` (already checked) with `password`, whether or not
    /// accounts exist (`sluice admin create`); the first account takes over single-user mode's
    /// conversations as a sign-up would. [`StoreError::Conflict`] when the name is taken.
    pub async fn create_admin(&self, name: &str, password: &str) -> Result<Account, StoreError> {
        let account = self.create_account(name, Some(password), false).await?;
        if account.is_admin {
            return Ok(account);
        }
        on_db!(self.db(), |pool| {
            sqlx::query("UPDATE users SET is_admin = TRUE WHERE id = $1")
                .bind(account.id.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(Account {
            is_admin: true,
            ..account
        })
    }

    /// Sets `user`'s password and ends their sessions, except the one whose token is
    /// `keep_session` (the caller's own, when users change their own password).
    /// [`StoreError::NotFound`] for an unknown user.
    pub async fn set_password(
        &self,
        user: UserId,
        password: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        let hash = password::hash(&self.hashing, password).await?;
        on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            let done =
                sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1 AND NOT is_builtin")
                    .bind(user.0)
                    .bind(&hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            super::error::found(done)?;
            let keep = keep_session.map(super::session_token::token_hash);
            sqlx::query(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2",
            )
            .bind(user.0)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        })?;
        Ok(())
    }

    /// Every account, oldest first (the admin's list).
    pub async fn list_accounts(&self) -> Result<Vec<UserSummary>, StoreError> {
        let rows: Vec<(i64, String, bool, String, i64)> = on_db!(self.db(), |pool| {
            sqlx::query_as(
                "SELECT id, name, is_admin, status, created_at FROM users
             WHERE NOT is_builtin ORDER BY created_at, id",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, is_admin, status, created_at)| UserSummary {
                id,
                name,
                is_admin,
                status: AccountStatus::parse(&status).unwrap_or(AccountStatus::Disabled),
                created_at,
            })
            .collect())
    }

    /// Sets `user`'s status (approve: pending → active; disable; enable). Anything but active
    /// ends the user's sessions. [`StoreError::NotFound`] for an unknown user,
    /// [`StoreError::Conflict`] when it would leave no active admin.
    pub async fn set_account_status(
        &self,
        user: UserId,
        status: AccountStatus,
    ) -> Result<Account, StoreError> {
        let row = on_db!(self.db(), |pool| {
            let mut tx = pool.begin().await?;
            let row: Option<AccountRow> = sqlx::query_as(&format!(
                "UPDATE users SET status = $2
             WHERE id = $1 AND NOT is_builtin AND ($2 = 'active' OR NOT is_admin OR {ANOTHER_ADMIN})
             RETURNING id, name, is_admin, status"
            ))
            .bind(user.0)
            .bind(status.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                drop(tx);
                self.account(user).await?;
                return Err(last_admin());
            };
            if status != AccountStatus::Active {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            row
        });
        Ok(account_from_row(row))
    }

    /// Makes `user` an admin or not. [`StoreError::NotFound`] for an unknown user,
    /// [`StoreError::Conflict`] when it would leave no active admin.
    pub async fn set_account_admin(
        &self,
        user: UserId,
        is_admin: bool,
    ) -> Result<Account, StoreError> {
        let row: Option<AccountRow> = on_db!(self.db(), |pool| {
            sqlx::query_as(&format!(
                "UPDATE users SET is_admin = $2
             WHERE id = $1 AND NOT is_builtin AND ($2 OR {ANOTHER_ADMIN})
             RETURNING id, name, is_admin, status"
            ))
            .bind(user.0)
            .bind(is_admin)
            .fetch_optional(pool)
            .await?
        });
        match row {
            Some(row) => Ok(account_from_row(row)),
            None => {
                self.account(user).await?;
                Err(last_admin())
            }
        }
    }
}
