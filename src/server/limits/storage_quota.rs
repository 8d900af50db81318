//! The per-user storage quota (`[storage] max_user_storage_bytes`): the bytes of message text,
//! titles and system prompts one user stores. [`check`] runs before anything is written —
//! before a new message and its answer (send, regenerate, continue) and before an import — and
//! refuses with a 413 sentence saying how much is used and what the quota is; what it admits
//! comes back as [`QuotaRoom`], the room the answer may then fill (an answer that reaches it
//! ends like one at `max_answer_bytes`, see `answer_budget`). Two answers started at the same
//! moment may each take the same room, so the quota can be passed by about one answer per
//! concurrent stream; nothing beyond that.

use crate::byte_size;
use crate::server::error::AppError;
use crate::store::{Store, UserId};

/// What a user may still add after a request was admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaRoom {
    /// Bytes left once the request's own text is stored.
    pub free: u64,
    /// The quota, for the sentence that ends an answer which fills the room.
    pub quota: u64,
}

/// Admits a request that stores `adding` bytes for `user` under `quota` (0: no quota, `None`
/// room); refuses it with a 413 when it would pass the quota or the quota is already full.
pub async fn check(
    store: &Store,
    user: UserId,
    quota: u64,
    adding: u64,
) -> Result<Option<QuotaRoom>, AppError> {
    if quota == 0 {
        return Ok(None);
    }
    let used = store.stored_bytes(user).await?;
    admit(used, adding, quota).map(Some)
}

/// The decision of [`check`] for `used` bytes already stored.
pub fn admit(used: u64, adding: u64, quota: u64) -> Result<QuotaRoom, AppError> {
    let after = used.saturating_add(adding);
    if used >= quota || after > quota {
        let needs = if adding == 0 {
            String::new()
        } else {
            format!(", and this needs {} more", byte_size::size(adding))
        };
        return Err(AppError::PayloadTooLarge(format!(
            "Your storage is full: you store {} of your {} quota{needs}. Delete conversations \
             you no longer need to make room.",
            byte_size::size(used),
            byte_size::limit(quota)
        )));
    }
    Ok(QuotaRoom {
        free: quota - after,
        quota,
    })
}

#[cfg(test)]
mod tests {
    use super::{admit, QuotaRoom};

    #[test]
    fn a_request_is_admitted_while_it_fits_and_refused_with_the_figures_beyond() {
        assert_eq!(
            admit(100, 50, 1000).ok(),
            Some(QuotaRoom {
                free: 850,
                quota: 1000
            })
        );
        assert_eq!(admit(950, 50, 1000).ok().map(|r| r.free), Some(0));
        let over = admit(1010, 20, 1024).unwrap_err().to_string();
        assert!(over.contains("1010 bytes of your 1 KiB quota"), "{over}");
        assert!(over.contains("needs 20 bytes more"), "{over}");
        let full = admit(2048, 0, 2048).unwrap_err().to_string();
        assert!(full.starts_with("Your storage is full: you store 2 KiB of your 2 KiB quota."));
    }
}
