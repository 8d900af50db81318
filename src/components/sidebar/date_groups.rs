//! Groups sidebar conversations by how long ago they were active ("Today", "Yesterday",
//! "Previous 7 days", …), in the reader's local time zone.

/// Milliseconds in a day.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The group heading for a conversation last active at `updated_ms`, given the start of the
/// reader's local today (both unix ms).
pub fn group_label(updated_ms: i64, today_start_ms: i64) -> &'static str {
    if updated_ms >= today_start_ms {
        "Today"
    } else if updated_ms >= today_start_ms - DAY_MS {
        "Yesterday"
    } else if updated_ms >= today_start_ms - 7 * DAY_MS {
        "Previous 7 days"
    } else if updated_ms >= today_start_ms - 30 * DAY_MS {
        "Previous 30 days"
    } else {
        "Older"
    }
}

/// Splits `items` (newest first) into consecutive groups under their heading.
pub fn group_by_date<T>(
    items: Vec<T>,
    updated_ms: impl Fn(&T) -> i64,
    today_start_ms: i64,
) -> Vec<(&'static str, Vec<T>)> {
    let mut groups: Vec<(&'static str, Vec<T>)> = Vec::new();
    for item in items {
        let label = group_label(updated_ms(&item), today_start_ms);
        match groups.last_mut() {
            Some((last, members)) if *last == label => members.push(item),
            _ => groups.push((label, vec![item])),
        }
    }
    groups
}

/// The start of today in the browser's local time zone, unix ms.
pub fn local_today_start_ms() -> i64 {
    let now = js_sys::Date::new_0();
    now.set_hours(0);
    now.set_minutes(0);
    now.set_seconds(0);
    now.set_milliseconds(0);
    now.get_time() as i64
}
