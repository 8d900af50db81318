//! The event log of one live turn, kept so that any subscriber — the tab that started the turn,
//! a reloaded page, a second tab, a reconnecting browser — can catch up from any sequence
//! number and then follow live, receiving every event exactly once.
//!
//! The log is compact: consecutive text deltas (and consecutive reasoning deltas) share one
//! `String` plus the end offset of each event in it (4 bytes per event), so a live turn costs
//! about the size of its answer. Catching up merges the consecutive deltas after the
//! subscriber's position into one event carrying the sequence number of the last delta merged,
//! so a subscriber far behind receives a few large frames instead of thousands of small ones.

use crate::codec::StreamItem;
use crate::events::ChatEvent;

/// Which text an entry of merged deltas holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextKind {
    /// `delta` events: the answer.
    Answer,
    /// `reasoning` events: the model's thinking.
    Reasoning,
}

/// One entry of the log.
#[derive(Debug)]
enum LogEntry {
    /// A run of consecutive deltas of one kind.
    Text {
        /// Answer or reasoning.
        kind: TextKind,
        /// Sequence number of the run's first event.
        first_seq: u64,
        /// The run's text, every event's text in order.
        text: String,
        /// End offset in `text` of each event of the run (`ends[i]` for `first_seq + i`), so a
        /// subscriber can resume in the middle of a run.
        ends: Vec<u32>,
    },
    /// Any other event, kept as it is (few per turn: started, usage, tool calls, the end).
    Event {
        /// Its sequence number.
        seq: u64,
        /// The event.
        event: ChatEvent,
    },
}

impl LogEntry {
    /// Sequence number of the entry's last event.
    fn last_seq(&self) -> u64 {
        match self {
            LogEntry::Text {
                first_seq, ends, ..
            } => first_seq + ends.len() as u64 - 1,
            LogEntry::Event { seq, .. } => *seq,
        }
    }
}

/// Every event of a live turn, in order.
#[derive(Debug, Default)]
pub struct TurnLog {
    /// The entries, in sequence order.
    entries: Vec<LogEntry>,
    /// Sequence number of the last event appended (0: none yet).
    last_seq: u64,
    /// True once the terminal event (`done` or `error`) is appended.
    ended: bool,
}

impl TurnLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the event `seq`, which must be `last_seq() + 1` (anything else is ignored, so a
    /// bug upstream can never reorder what subscribers see).
    pub fn append(&mut self, seq: u64, event: ChatEvent) {
        if seq != self.last_seq + 1 || self.ended {
            return;
        }
        self.last_seq = seq;
        self.ended = event.is_terminal();
        let (kind, piece) = match event {
            ChatEvent::Delta { text } => (TextKind::Answer, text),
            ChatEvent::Reasoning { text } => (TextKind::Reasoning, text),
            event => {
                self.entries.push(LogEntry::Event { seq, event });
                return;
            }
        };
        if let Some(LogEntry::Text {
            kind: last_kind,
            text,
            ends,
            ..
        }) = self.entries.last_mut()
        {
            if *last_kind == kind {
                text.push_str(&piece);
                ends.push(offset(text.len()));
                return;
            }
        }
        let end = offset(piece.len());
        self.entries.push(LogEntry::Text {
            kind,
            first_seq: seq,
            text: piece,
            ends: vec![end],
        });
    }

    /// Sequence number of the last event (0: none yet).
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// True once the terminal event is in the log.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The events after sequence number `after`, consecutive deltas merged into one event that
    /// carries the sequence number of the last one merged. Applying them to what a reader had
    /// at `after` gives exactly what a reader of every event has at `last_seq()`.
    pub fn read_after(&self, after: u64) -> Vec<StreamItem> {
        self.read_some_after(after, usize::MAX)
    }

    /// [`Self::read_after`], but at most `max_items` events (at least one if there are any):
    /// what one reader copies out of the log at a time, so a reader far behind holds a bounded
    /// amount (`max_items` × [`MAX_MERGED_BYTES`]) and takes the rest as it sends.
    pub fn read_some_after(&self, after: u64, max_items: usize) -> Vec<StreamItem> {
        if after >= self.last_seq {
            return Vec::new();
        }
        let start = self
            .entries
            .partition_point(|entry| entry.last_seq() <= after);
        let mut items = Vec::new();
        for entry in &self.entries[start..] {
            if items.len() >= max_items.max(1) {
                break;
            }
            match entry {
                LogEntry::Event { seq, event } => items.push(StreamItem::Event {
                    seq: *seq,
                    event: event.clone(),
                }),
                LogEntry::Text {
                    kind,
                    first_seq,
                    text,
                    ends,
                } => merge_run(*kind, *first_seq, text, ends, after, max_items, &mut items),
            }
        }
        items
    }

    /// Every event after `after`, one by one as they were appended (deltas not merged), so a
    /// copy of the log elsewhere (the Redis stream of a turn, `server::cluster::relay`) can be
    /// resumed after any sequence number, like this log.
    pub fn events_after(&self, after: u64) -> Vec<(u64, ChatEvent)> {
        let start = self
            .entries
            .partition_point(|entry| entry.last_seq() <= after);
        let mut events = Vec::new();
        for entry in &self.entries[start..] {
            match entry {
                LogEntry::Event { seq, event } => events.push((*seq, event.clone())),
                LogEntry::Text {
                    kind,
                    first_seq,
                    text,
                    ends,
                } => {
                    let mut from = 0;
                    for (index, end) in ends.iter().enumerate() {
                        let end = *end as usize;
                        let seq = first_seq + index as u64;
                        if seq > after {
                            let piece = text.get(from..end).unwrap_or_default().to_string();
                            events.push((
                                seq,
                                match kind {
                                    TextKind::Answer => ChatEvent::Delta { text: piece },
                                    TextKind::Reasoning => ChatEvent::Reasoning { text: piece },
                                },
                            ));
                        }
                        from = end;
                    }
                }
            }
        }
        events
    }

    /// Bytes held, roughly (text, offsets and entry headers), for the memory benchmark.
    pub fn approximate_bytes(&self) -> usize {
        self.entries
            .iter()
            .map(|entry| {
                std::mem::size_of::<LogEntry>()
                    + match entry {
                        LogEntry::Text { text, ends, .. } => text.capacity() + ends.capacity() * 4,
                        LogEntry::Event { .. } => 0,
                    }
            })
            .sum()
    }
}

/// Largest merged catch-up event, in bytes of text: well under the SSE decoder's line limit
/// (1 MiB) even after JSON escaping, so a reader far behind gets several frames.
pub const MAX_MERGED_BYTES: usize = 64 * 1024;

/// Appends the events of one run after sequence `after` to `items` (until it holds
/// `max_items`), consecutive events
/// merged into events of at most [`MAX_MERGED_BYTES`] (a single larger event stays whole),
/// each carrying the sequence number of the last event it holds.
fn merge_run(
    kind: TextKind,
    first_seq: u64,
    text: &str,
    ends: &[u32],
    after: u64,
    max_items: usize,
    items: &mut Vec<StreamItem>,
) {
    // Index in `ends` of the first event to send.
    let first = after.saturating_sub(first_seq - 1) as usize;
    let mut from = match first.checked_sub(1) {
        Some(previous) => ends.get(previous).map_or(text.len(), |end| *end as usize),
        None => 0,
    };
    let mut index = first;
    while index < ends.len() && items.len() < max_items.max(1) {
        // Take events while the merged text stays within the limit (at least one).
        let mut last = index;
        while last + 1 < ends.len() && ends[last + 1] as usize - from <= MAX_MERGED_BYTES {
            last += 1;
        }
        let to = ends[last] as usize;
        let piece = text.get(from..to).unwrap_or_default().to_string();
        let event = match kind {
            TextKind::Answer => ChatEvent::Delta { text: piece },
            TextKind::Reasoning => ChatEvent::Reasoning { text: piece },
        };
        items.push(StreamItem::Event {
            seq: first_seq + last as u64,
            event,
        });
        from = to;
        index = last + 1;
    }
}

/// A text offset as stored in a run (answers above 4 GiB are refused long before this).
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{DoneStats, FinishReason, Usage};

    /// A turn's events: started, text and reasoning deltas, usage, more text, done.
    fn sample_events() -> Vec<ChatEvent> {
        let mut events = vec![ChatEvent::Started {
            turn_id: "t".into(),
            model: "m".into(),
            stored: None,
        }];
        for piece in ["Think", "ing…"] {
            events.push(ChatEvent::Reasoning { text: piece.into() });
        }
        for piece in ["Hé", "llo", ", ", "wörld", "!"] {
            events.push(ChatEvent::Delta { text: piece.into() });
        }
        events.push(ChatEvent::Usage(Usage {
            input_tokens: 3,
            output_tokens: 5,
            reasoning_tokens: None,
        }));
        for piece in [" More", " 🚀"] {
            events.push(ChatEvent::Delta { text: piece.into() });
        }
        events.push(ChatEvent::Done(DoneStats {
            finish_reason: FinishReason::Stop,
            ttft_ms: None,
            tokens_per_second: None,
            output_tokens: 7,
        }));
        events
    }

    /// What a reader shows after applying `items`: answer, reasoning and the other events.
    fn apply(items: &[StreamItem], state: &mut (String, String, Vec<ChatEvent>, u64)) {
        for item in items {
            let StreamItem::Event { seq, event } = item else {
                continue;
            };
            assert!(
                *seq > state.3,
                "sequence went backwards: {seq} after {}",
                state.3
            );
            state.3 = *seq;
            match event {
                ChatEvent::Delta { text } => state.0.push_str(text),
                ChatEvent::Reasoning { text } => state.1.push_str(text),
                other => state.2.push(other.clone()),
            }
        }
    }

    #[test]
    fn events_after_gives_back_every_event_as_appended() {
        let events = sample_events();
        let mut log = TurnLog::new();
        for (i, event) in events.iter().enumerate() {
            log.append(i as u64 + 1, event.clone());
        }
        for after in 0..=events.len() {
            let expected: Vec<(u64, ChatEvent)> = events
                .iter()
                .enumerate()
                .skip(after)
                .map(|(i, event)| (i as u64 + 1, event.clone()))
                .collect();
            assert_eq!(log.events_after(after as u64), expected, "after {after}");
        }
    }

    #[test]
    fn resuming_after_every_sequence_number_at_every_moment_gives_the_same_result() {
        let events = sample_events();
        let mut full = TurnLog::new();
        for (i, event) in events.iter().enumerate() {
            full.append(i as u64 + 1, event.clone());
        }
        let mut expected = (String::new(), String::new(), Vec::new(), 0);
        apply(&full.read_after(0), &mut expected);
        assert_eq!(expected.0, "Héllo, wörld! More 🚀");
        assert_eq!(expected.1, "Thinking…");
        assert_eq!(expected.3, events.len() as u64);
        // A reader that received events 1..=n live, one by one, resumes after n.
        for n in 0..=events.len() {
            let mut reader = (String::new(), String::new(), Vec::new(), 0);
            let live: Vec<StreamItem> = events
                .iter()
                .take(n)
                .enumerate()
                .map(|(i, event)| StreamItem::Event {
                    seq: i as u64 + 1,
                    event: event.clone(),
                })
                .collect();
            apply(&live, &mut reader);
            apply(&full.read_after(n as u64), &mut reader);
            assert_eq!(reader, expected, "resumed after {n}");
        }
        // A reader that took `reads` items one at a time from a log holding `written` events,
        // then resumes after its last sequence number, first from that log, then from the
        // complete one.
        for written in 0..=events.len() {
            let mut partial = TurnLog::new();
            for (i, event) in events.iter().take(written).enumerate() {
                partial.append(i as u64 + 1, event.clone());
            }
            for reads in 0..=written {
                let mut reader = (String::new(), String::new(), Vec::new(), 0);
                for _ in 0..reads {
                    let next: Vec<StreamItem> =
                        partial.read_after(reader.3).into_iter().take(1).collect();
                    apply(&next, &mut reader);
                }
                apply(&partial.read_after(reader.3), &mut reader);
                apply(&full.read_after(reader.3), &mut reader);
                assert_eq!(reader, expected, "written {written}, reads {reads}");
            }
        }
    }

    #[test]
    fn deltas_are_merged_only_within_a_run_of_one_kind() {
        let mut log = TurnLog::new();
        for (i, event) in sample_events().into_iter().enumerate() {
            log.append(i as u64 + 1, event);
        }
        let kinds: Vec<&str> = log
            .read_after(0)
            .iter()
            .filter_map(|item| match item {
                StreamItem::Event { event, .. } => Some(event.kind()),
                StreamItem::KeepAlive => None,
            })
            .collect();
        assert_eq!(
            kinds,
            ["started", "reasoning", "delta", "usage", "delta", "done"]
        );
        // Resuming mid-run sends only the rest of that run, under the run's last number.
        let items = log.read_after(5);
        assert_eq!(
            items.first(),
            Some(&StreamItem::Event {
                seq: 8,
                event: ChatEvent::Delta {
                    text: ", wörld!".into()
                }
            })
        );
    }

    /// The sequence numbers and texts of `items`, which must all be deltas.
    fn deltas(items: Vec<StreamItem>) -> Vec<(u64, String)> {
        items
            .into_iter()
            .map(|item| match item {
                StreamItem::Event {
                    seq,
                    event: ChatEvent::Delta { text },
                } => (seq, text),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_long_catch_up_is_split_into_frames_of_bounded_size_on_event_boundaries() {
        let mut log = TurnLog::new();
        let piece = "é".repeat(500); // 1,000 bytes
        for seq in 1..=300u64 {
            log.append(
                seq,
                ChatEvent::Delta {
                    text: piece.clone(),
                },
            );
        }
        let big = "x".repeat(MAX_MERGED_BYTES * 2);
        log.append(301, ChatEvent::Delta { text: big.clone() });
        for after in [0u64, 1, 150, 299, 300] {
            let mut text = String::new();
            let mut last = after;
            for (seq, piece) in deltas(log.read_after(after)) {
                assert!(seq > last);
                last = seq;
                assert!(piece.len() <= MAX_MERGED_BYTES || piece == big);
                text.push_str(&piece);
            }
            assert_eq!(last, 301);
            let expected = piece.repeat(300 - after as usize) + &big;
            assert_eq!(text, expected, "after {after}");
        }
    }

    #[test]
    fn a_reader_far_behind_copies_a_bounded_amount_at_a_time_and_still_gets_everything() {
        let mut log = TurnLog::new();
        let piece = "x".repeat(1000);
        for seq in 1..=1000u64 {
            log.append(
                seq,
                ChatEvent::Delta {
                    text: piece.clone(),
                },
            );
        }
        let mut cursor = 0;
        let mut text = String::new();
        while cursor < log.last_seq() {
            let items = log.read_some_after(cursor, 2);
            assert!(!items.is_empty() && items.len() <= 2);
            for (seq, piece) in deltas(items) {
                assert!(piece.len() <= MAX_MERGED_BYTES);
                text.push_str(&piece);
                cursor = seq;
            }
        }
        assert_eq!(text, piece.repeat(1000));
    }

    #[test]
    fn out_of_order_or_after_the_end_appends_are_ignored() {
        let mut log = TurnLog::new();
        log.append(2, ChatEvent::Delta { text: "x".into() });
        assert_eq!(log.last_seq(), 0);
        log.append(1, ChatEvent::Delta { text: "a".into() });
        log.append(1, ChatEvent::Delta { text: "b".into() });
        log.append(
            2,
            ChatEvent::Error {
                message: "e".into(),
            },
        );
        log.append(3, ChatEvent::Delta { text: "c".into() });
        assert!(log.ended());
        assert_eq!(log.last_seq(), 2);
        assert_eq!(log.read_after(2), Vec::new());
        assert_eq!(log.read_after(99), Vec::new());
    }

    #[test]
    fn a_long_answer_costs_about_its_text_plus_four_bytes_per_event() {
        let mut log = TurnLog::new();
        for seq in 1..=10_000u64 {
            log.append(
                seq,
                ChatEvent::Delta {
                    text: "word ".into(),
                },
            );
        }
        let bytes = log.approximate_bytes();
        assert!(bytes >= 50_000, "{bytes}");
        assert!(bytes <= 2 * (50_000 + 40_000), "{bytes}");
    }
}
