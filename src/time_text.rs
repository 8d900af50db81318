//! Times in words, for both builds: the clock ([`now_ms`]: the browser's in the page, the
//! system's on the server), "2 min ago" ([`relative_label`]), and the exact moment as an ISO
//! 8601 `datetime` ([`iso_utc`]) and as a readable title ([`full_utc`]). UTC throughout, so the
//! server's render and the browser's agree; pure arithmetic, no time-zone data.

/// Milliseconds in a minute, an hour, a day.
const MINUTE_MS: i64 = 60_000;
/// An hour.
const HOUR_MS: i64 = 60 * MINUTE_MS;
/// A day.
const DAY_MS: i64 = 24 * HOUR_MS;

/// Now, unix ms.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// How long before `now` the moment `then` was, in words: "just now", "5 min ago",
/// "3 h ago", "yesterday", "4 days ago", else its date ("2026-11-02"). A moment in the
/// future (clocks differ) is "just now".
pub fn relative_label(now: i64, then: i64) -> String {
    let age = now.saturating_sub(then);
    if age < MINUTE_MS {
        "just now".to_string()
    } else if age < HOUR_MS {
        format!("{} min ago", age / MINUTE_MS)
    } else if age < DAY_MS {
        format!("{} h ago", age / HOUR_MS)
    } else if age < 2 * DAY_MS {
        "yesterday".to_string()
    } else if age < 7 * DAY_MS {
        format!("{} days ago", age / DAY_MS)
    } else {
        let (y, m, d) = civil_date(then);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// `then` as an ISO 8601 UTC timestamp, for `<time datetime>`: `2026-12-07T22:16:05Z`.
pub fn iso_utc(then: i64) -> String {
    let (y, m, d) = civil_date(then);
    let (h, min, s) = clock_time(then);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z")
}

/// `then` for a tooltip: `2026-12-07 22:16 UTC`.
pub fn full_utc(then: i64) -> String {
    let (y, m, d) = civil_date(then);
    let (h, min, _) = clock_time(then);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02} UTC")
}

/// Hours, minutes and seconds of the UTC day of `ms`.
fn clock_time(ms: i64) -> (i64, i64, i64) {
    let of_day = ms.rem_euclid(DAY_MS) / 1000;
    (of_day / 3600, of_day % 3600 / 60, of_day % 60)
}

/// Year, month and day (UTC) of `ms`: Howard Hinnant's `civil_from_days`.
fn civil_date(ms: i64) -> (i64, i64, i64) {
    let z = ms.div_euclid(DAY_MS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::{full_utc, iso_utc, relative_label, DAY_MS, MINUTE_MS};

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        // 2024-02-29 12:34:56 UTC, a leap day.
        assert_eq!(iso_utc(1_709_210_096_000), "2024-02-29T12:34:56Z");
        assert_eq!(full_utc(1_709_210_096_000), "2024-02-29 12:34 UTC");
        assert_eq!(iso_utc(-1000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn ages_read_as_people_say_them() {
        let now = 1_709_210_096_000;
        assert_eq!(relative_label(now, now + 5_000), "just now");
        assert_eq!(relative_label(now, now - 59_000), "just now");
        assert_eq!(relative_label(now, now - 2 * MINUTE_MS), "2 min ago");
        assert_eq!(relative_label(now, now - 3 * 60 * MINUTE_MS), "3 h ago");
        assert_eq!(relative_label(now, now - DAY_MS - 1), "yesterday");
        assert_eq!(relative_label(now, now - 4 * DAY_MS), "4 days ago");
        assert_eq!(relative_label(now, now - 30 * DAY_MS), "2024-01-30");
    }
}
