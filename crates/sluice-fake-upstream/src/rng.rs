//! Tiny seeded pseudo-random generator (SplitMix64) for the fake upstream's chunk splits: the
//! same seed always gives the same splits, and `rand` stays a dev-dependency only.

/// Deterministic generator; not for anything security related.
#[derive(Clone, Debug)]
pub(crate) struct SeededRng {
    /// Internal SplitMix64 state, advanced on every draw.
    state: u64,
}

impl SeededRng {
    /// A generator for `seed` mixed with `salt` (e.g. a model name), so different scenarios
    /// get different but reproducible sequences.
    pub(crate) fn new(seed: u64, salt: &str) -> Self {
        // FNV-1a over the salt, folded into the seed.
        let salt_hash = salt.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        Self {
            state: seed ^ salt_hash,
        }
    }

    /// Next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high` (`low` when `high < low`).
    pub(crate) fn range(&mut self, low: usize, high: usize) -> usize {
        if high <= low {
            return low;
        }
        let span = (high - low) as u64 + 1;
        low + (self.next_u64() % span) as usize
    }
}
