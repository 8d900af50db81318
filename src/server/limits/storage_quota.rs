//! The per-user storage quota (`[storage] max_user_storage_bytes`): the bytes of message text,
//! titles and system prompts one user stores. [`check`] runs before anything is written —
//! before a new message and its answer (send, regenerate, continue) and before an import — and
//! refuses with a 413 sentence saying how much is used and what the quota is; what it admits
//! comes back as [`QuotaRoom`], the room the answer may then fill (an answer that reaches it
//! ends like one at `max_answer_bytes`, see `answer_budget`). Two answers started at the same
//! moment may each take the same room, so the quota can be passed by about one answer per
//! concurrent stream; nothing beyond that.

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
            format!(", and this needs {} more", size_in_words(adding))
        };
        return Err(AppError::PayloadTooLarge(format!(
            "Your storage is full: you store {} of your {} quota{needs}. Delete conversations \
             you no longer need to make room.",
            size_in_words(used),
            size_in_words(quota)
        )));
    }
    Ok(QuotaRoom {
        free: quota - after,
        quota,
    })
}

/// A byte count for people: "812 bytes", "3 KiB", "1.5 MiB", "1.0 GiB" (KiB rounded up).
pub fn size_in_words(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    const GIB: u64 = 1024 * MIB;
    if bytes == 1 {
        "1 byte".to_string()
    } else if bytes < KIB {
        format!("{bytes} bytes")
    } else if bytes < MIB {
        format!("{} KiB", bytes.div_ceil(KIB))
    } else if bytes < GIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::{admit, size_in_words, QuotaRoom};

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

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_in_words(1), "1 byte");
        assert_eq!(size_in_words(1025), "2 KiB");
        assert_eq!(size_in_words(3 * 1024 * 1024 / 2), "1.5 MiB");
        assert_eq!(size_in_words(1024 * 1024 * 1024), "1.0 GiB");
    }
}
