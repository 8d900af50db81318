//! Byte counts in the sentences people read ("The message is too long (1.5 KiB; the limit is
//! 1 KiB)"): whole bytes below 1 KiB, else KiB, MiB or GiB with one decimal below 10 and none
//! above, a trailing ".0" dropped. A size is rounded up and a limit down, so a size over its
//! limit never reads as equal to it (or a 100-byte limit as "0 KiB"). Pure and shared by both
//! targets.

/// One kibibyte.
const KIB: u64 = 1024;

/// `bytes` as a size, rounded up: "812 bytes", "1.5 KiB", "2 MiB", "64 KiB".
pub fn size(bytes: u64) -> String {
    words(bytes, Rounding::Up)
}

/// `bytes` as a limit, rounded down: "100 bytes", "1 KiB", "576 KiB", "1 MiB".
pub fn limit(bytes: u64) -> String {
    words(bytes, Rounding::Down)
}

/// Which way an inexact count goes.
#[derive(Clone, Copy)]
enum Rounding {
    /// Towards the larger number (sizes).
    Up,
    /// Towards the smaller number (limits).
    Down,
}

/// The sentence form of `bytes`, rounded `rounding`.
fn words(bytes: u64, rounding: Rounding) -> String {
    if bytes == 1 {
        return "1 byte".to_string();
    }
    if bytes < KIB {
        return format!("{bytes} bytes");
    }
    let (unit, name) = [(KIB * KIB * KIB, "GiB"), (KIB * KIB, "MiB"), (KIB, "KiB")]
        .into_iter()
        .find(|(unit, _)| bytes >= *unit)
        .unwrap_or((KIB, "KiB"));
    let divide = |n: u64, d: u64| match rounding {
        Rounding::Up => n.div_ceil(d),
        Rounding::Down => n / d,
    };
    if bytes >= 10 * unit {
        return format!("{} {name}", divide(bytes, unit));
    }
    let tenths = divide(bytes * 10, unit);
    if tenths % 10 == 0 {
        format!("{} {name}", tenths / 10)
    } else {
        format!("{}.{} {name}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::{limit, size};

    #[test]
    fn below_one_kib_is_counted_in_bytes() {
        assert_eq!(limit(100), "100 bytes");
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(1023), "1023 bytes");
    }

    #[test]
    fn above_one_kib_one_decimal_below_ten_units_none_above() {
        assert_eq!(size(1024), "1 KiB");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(limit(1536), "1.5 KiB");
        assert_eq!(size(1025), "1.1 KiB");
        assert_eq!(limit(1500), "1.4 KiB");
        assert_eq!(limit(64 * 1024), "64 KiB");
        assert_eq!(size(64 * 1024 + 1), "65 KiB");
        assert_eq!(limit(2 * 1024 * 1024), "2 MiB");
        assert_eq!(size(1024 * 1024 + 1), "1.1 MiB");
        assert_eq!(limit(8 * 1024 * 1024), "8 MiB");
        assert_eq!(limit(1024 * 1024 * 1024), "1 GiB");
        assert_eq!(size(1536 * 1024 * 1024), "1.5 GiB");
    }

    #[test]
    fn a_size_just_over_its_limit_never_reads_as_the_limit() {
        for limit_bytes in [100, 1000, 1024, 1500, 65_536, 1_048_576, 3_000_000] {
            let over = limit_bytes + 1;
            assert_ne!(size(over), limit(limit_bytes), "{over} over {limit_bytes}");
        }
    }
}
