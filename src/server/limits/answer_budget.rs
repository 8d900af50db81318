//! How much one answer may still produce: `[server] max_answer_bytes` less the text it
//! already has (continue), and, for a stored answer, the room left in its user's storage
//! quota (`storage_quota`). The turn driver passes every piece of output (text, reasoning,
//! tool-call arguments) through [`AnswerBudget::admit`]; the piece that reaches the limit is
//! cut at a character boundary, and the answer then ends with an `error` event whose sentence
//! says why — the text so far is kept and stored, like any answer that ends with an error.

use crate::byte_size;
use crate::server::limits::storage_quota::QuotaRoom;

/// The bytes an answer may still produce, and what to say when they run out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerBudget {
    /// Bytes left (`None`: no limit).
    left: Option<usize>,
    /// The sentence that ends an answer which reaches the limit.
    reason: String,
}

impl AnswerBudget {
    /// The budget of an answer that already has `prefix` bytes (continue), under
    /// `max_answer_bytes` (0: no limit) and the storage `quota` room (`None`: no quota or
    /// nothing stored); the tighter limit decides.
    pub fn new(max_answer_bytes: usize, prefix: usize, quota: Option<QuotaRoom>) -> AnswerBudget {
        let size_cap = (max_answer_bytes > 0).then(|| AnswerBudget {
            left: Some(max_answer_bytes.saturating_sub(prefix)),
            reason: format!(
                "The answer reached the size limit ({}) and was cut here.",
                byte_size::limit(max_answer_bytes as u64)
            ),
        });
        let quota_cap = quota.map(|room| AnswerBudget {
            left: Some(usize::try_from(room.free).unwrap_or(usize::MAX)),
            reason: format!(
                "Your storage quota ({}) is full, so the answer was cut here. Delete \
                 conversations you no longer need to make room.",
                byte_size::limit(room.quota)
            ),
        });
        match (size_cap, quota_cap) {
            (Some(a), Some(b)) => {
                if b.left < a.left {
                    b
                } else {
                    a
                }
            }
            (a, b) => a.or(b).unwrap_or_else(AnswerBudget::unlimited),
        }
    }

    /// No limit at all.
    pub fn unlimited() -> AnswerBudget {
        AnswerBudget {
            left: None,
            reason: String::new(),
        }
    }

    /// Takes `text` from the budget: returns the part that fits (all of it, or its longest
    /// prefix that ends on a character boundary) and, when it did not all fit, the sentence
    /// that ends the answer. Output that ends exactly at the limit is not cut.
    pub fn admit<'a>(&mut self, text: &'a str) -> (&'a str, Option<String>) {
        let Some(left) = self.left.as_mut() else {
            return (text, None);
        };
        if text.len() <= *left {
            *left -= text.len();
            return (text, None);
        }
        let mut cut = *left;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        *left -= cut;
        (&text[..cut], Some(self.reason.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::AnswerBudget;
    use crate::server::limits::storage_quota::QuotaRoom;

    #[test]
    fn output_is_cut_at_the_limit_on_a_character_boundary() {
        let mut budget = AnswerBudget::new(1024, 1000, None);
        assert_eq!(budget.admit("0123456789"), ("0123456789", None));
        // 14 bytes left; "é" is two bytes and would straddle the limit.
        let (fits, reason) = budget.admit("abcdefghijklmé!");
        assert_eq!(fits, "abcdefghijklm");
        assert!(reason.unwrap().contains("size limit (1 KiB)"));
    }

    #[test]
    fn output_that_ends_exactly_at_the_limit_is_not_cut() {
        let mut budget = AnswerBudget::new(1024, 1020, None);
        assert_eq!(budget.admit("abcd"), ("abcd", None));
        assert!(budget.admit("e").1.is_some());
    }

    #[test]
    fn the_tighter_of_answer_size_and_quota_room_decides() {
        let room = QuotaRoom {
            free: 3,
            quota: 2048,
        };
        let mut budget = AnswerBudget::new(1024, 0, Some(room));
        let (fits, reason) = budget.admit("abcdef");
        assert_eq!(fits, "abc");
        assert!(reason.unwrap().contains("storage quota (2 KiB) is full"));
        let mut off = AnswerBudget::new(0, 0, None);
        assert_eq!(off.admit(&"x".repeat(10_000_000)).1, None);
    }
}
