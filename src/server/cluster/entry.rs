//! One entry of a turn's Redis Stream: a batch of consecutive events, as the field `first`
//! (the sequence number of the first) and `events` (a JSON array of [`ChatEvent`]s, one per
//! sequence number, deltas never merged), so a reader can resume after any sequence number.
//! Pure: encoding and decoding only.

use crate::events::ChatEvent;

/// The field holding the first event's sequence number.
pub const FIRST: &str = "first";

/// The field holding the events.
pub const EVENTS: &str = "events";

/// A decoded entry: events with their sequence numbers.
pub type Batch = Vec<(u64, ChatEvent)>;

/// The fields of an entry holding `events` (consecutive sequence numbers, at least one).
pub fn encode(events: &[(u64, ChatEvent)]) -> Option<(u64, String)> {
    let first = events.first()?.0;
    let only: Vec<&ChatEvent> = events.iter().map(|(_, event)| event).collect();
    serde_json::to_string(&only).ok().map(|json| (first, json))
}

/// The events of an entry from its flat field list (`[name, value, name, value, …]`);
/// `None` for an entry that is not one of ours.
pub fn decode(fields: &[Vec<u8>]) -> Option<Batch> {
    let mut first = None;
    let mut events = None;
    for pair in fields.chunks(2) {
        let [name, value] = pair else { continue };
        match name.as_slice() {
            b"first" => first = std::str::from_utf8(value).ok()?.parse::<u64>().ok(),
            b"events" => events = serde_json::from_slice::<Vec<ChatEvent>>(value).ok(),
            _ => {}
        }
    }
    let first = first?;
    Some(
        events?
            .into_iter()
            .enumerate()
            .map(|(i, event)| (first + i as u64, event))
            .collect(),
    )
}

/// Most entries a stream keeps (trimmed beyond, approximately): ~4 hours of streaming at one
/// batch per 150 ms, far beyond any answer's length cap.
const MAX_ENTRIES: u64 = 120_000;

/// Adds to `pipeline` the `XADD` of `events` (consecutive, at least one) to stream `key`.
pub fn add_append(pipeline: &mut redis::Pipeline, key: String, events: &[(u64, ChatEvent)]) {
    if let Some((first, json)) = encode(events) {
        pipeline
            .cmd("XADD")
            .arg(key)
            .arg("MAXLEN")
            .arg("~")
            .arg(MAX_ENTRIES)
            .arg("*")
            .arg(FIRST)
            .arg(first)
            .arg(EVENTS)
            .arg(json)
            .ignore();
    }
}

/// Stream entries as Redis returns them (`XRANGE`, and each stream of `XREAD`): the entry id
/// and its flat field list.
pub type RawEntries = Vec<(String, Vec<Vec<u8>>)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_round_trips_with_its_sequence_numbers() {
        let events = vec![
            (
                7,
                ChatEvent::Delta {
                    text: "a\"b".into(),
                },
            ),
            (8, ChatEvent::Reasoning { text: "é".into() }),
        ];
        let (first, json) = encode(&events).unwrap_or_else(|| panic!("encodes"));
        assert_eq!(first, 7);
        let fields = vec![
            FIRST.as_bytes().to_vec(),
            first.to_string().into_bytes(),
            EVENTS.as_bytes().to_vec(),
            json.into_bytes(),
        ];
        assert_eq!(decode(&fields), Some(events));
        assert_eq!(encode(&[]), None);
    }

    #[test]
    fn a_foreign_or_damaged_entry_is_refused() {
        let field = |s: &str| s.as_bytes().to_vec();
        assert_eq!(decode(&[field("first"), field("x")]), None);
        assert_eq!(decode(&[field("first"), field("1")]), None);
        assert_eq!(
            decode(&[field("first"), field("1"), field("events"), field("[{")]),
            None
        );
    }
}
