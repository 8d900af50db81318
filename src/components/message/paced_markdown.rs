//! Paces a live answer's Markdown on screen: the view shows the received blocks and tail only
//! as far as [`Pacer`] allows at each animation frame, so bursts from the provider appear as a
//! steady flow (at most [`crate::pacing::MAX_DELAY_MS`] behind).
//!
//! [`paced_markdown`] returns a second pair of `blocks`/`tail` signals for
//! [`crate::components::markdown::MarkdownView`]. While the answer is live, an effect notes every
//! growth of the received text and one `requestAnimationFrame` loop (running only while
//! something is left to show, and at most every [`MIN_UPDATE_INTERVAL_MS`]: a timer waits out
//! the rest of the interval) moves the shown prefix forward. The shown prefix is cut with
//! [`safe_cut`] (never inside a character or grapheme); a frozen block that is only partly
//! shown is displayed as the tail (through tail completion, like any unfinished text) until it
//! is whole. When the answer is not live (stored, done, stopped, failed) everything is shown at
//! once: the end of an answer is never held back, and what the server rendered is what
//! hydration finds.

use crate::components::chat_session::MessageEntry;
use crate::markdown::{Block, StreamTail};
use crate::pacing::{safe_cut, Pacer, MIN_UPDATE_INTERVAL_MS};
use leptos::prelude::*;
use std::time::Duration;

/// What a Markdown view shows of one answer.
#[derive(Clone, Copy)]
pub struct PacedMarkdown {
    /// The frozen blocks shown whole.
    pub blocks: RwSignal<Vec<Block>>,
    /// The partly shown rest (raw Markdown, completed for display by the view); extended
    /// (same generation) while it grows within one received tail, so a growing code fence is
    /// still appended to, not re-rendered.
    pub tail: RwSignal<StreamTail>,
}

/// Where the shown tail's text comes from, to know whether it may be extended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TailSource {
    /// A frozen block shown only in part (its id).
    PartialBlock(u64),
    /// The received tail of this generation, with its count of bytes frozen off the front
    /// (see [`StreamTail::dropped`]).
    Tail {
        /// [`StreamTail::generation`].
        generation: u64,
        /// [`StreamTail::dropped`].
        dropped: usize,
    },
}

impl TailSource {
    /// How many bytes were cut off the front of the text since `previous`, when the text
    /// still comes from the same place (0: none); `None` when it does not.
    fn front_cut_since(self, previous: Option<TailSource>) -> Option<usize> {
        match (previous?, self) {
            (
                TailSource::Tail {
                    generation: old,
                    dropped: old_dropped,
                },
                TailSource::Tail {
                    generation,
                    dropped,
                },
            ) if old == generation => dropped.checked_sub(old_dropped),
            (previous, now) => (previous == now).then_some(0),
        }
    }
}

/// The pacer and whether a frame is already requested.
struct PaceState {
    /// Reveal arithmetic.
    pacer: Pacer,
    /// True while an animation frame callback (or the timer before it) is pending: one loop
    /// at a time.
    frame_pending: bool,
    /// When the shown text last changed (page clock).
    last_update_ms: f64,
}

/// Follows `entry`'s received Markdown at a steady pace (see the module docs).
pub fn paced_markdown(entry: MessageEntry) -> PacedMarkdown {
    let shown = PacedMarkdown {
        blocks: RwSignal::new(entry.blocks.get_untracked()),
        tail: RwSignal::new(entry.tail.get_untracked()),
    };
    let source = StoredValue::new(None::<TailSource>);
    let state = StoredValue::new(PaceState {
        pacer: Pacer::new(),
        frame_pending: false,
        last_update_ms: f64::NEG_INFINITY,
    });
    Effect::new(move |_| {
        let live = entry.status.get().is_live();
        let total = entry
            .blocks
            .with(|blocks| blocks.iter().map(|b| b.text().len()).sum::<usize>())
            + entry.tail.with(|tail| tail.text().len());
        let now = now_ms();
        state.update_value(|s| {
            if total < s.pacer.received() {
                // A new rendering of the answer (Continue): start over.
                s.pacer = Pacer::new();
            }
            s.pacer.receive(now, total);
            if !live {
                s.pacer.flush();
            }
        });
        if live {
            request_frame(entry, shown, state, source);
        } else {
            show_prefix(entry, shown, usize::MAX, source);
        }
    });
    shown
}

/// Requests one animation frame that advances the shown prefix (unless one is pending), after
/// waiting out the rest of the minimum interval since the last update.
fn request_frame(
    entry: MessageEntry,
    shown: PacedMarkdown,
    state: StoredValue<PaceState>,
    source: StoredValue<Option<TailSource>>,
) {
    let already = state
        .try_update_value(|s| std::mem::replace(&mut s.frame_pending, true))
        .unwrap_or(true);
    if already {
        return;
    }
    let wait = state
        .try_with_value(|s| MIN_UPDATE_INTERVAL_MS - (now_ms() - s.last_update_ms))
        .unwrap_or(0.0);
    let frame = move || request_animation_frame(move || advance(entry, shown, state, source));
    if wait > 1.0 {
        set_timeout(frame, Duration::from_micros((wait * 1000.0) as u64));
    } else {
        frame();
    }
}

/// One animation frame: shows what the pacer allows now and asks for the next frame if more
/// is waiting.
fn advance(
    entry: MessageEntry,
    shown: PacedMarkdown,
    state: StoredValue<PaceState>,
    source: StoredValue<Option<TailSource>>,
) {
    let now = now_ms();
    let step = state.try_update_value(|s| {
        s.frame_pending = false;
        s.last_update_ms = now;
        (s.pacer.shown_at(now), s.pacer.is_caught_up())
    });
    let Some((count, caught_up)) = step else {
        return; // the view is gone
    };
    if shown.tail.is_disposed() || entry.blocks.is_disposed() {
        return;
    }
    show_prefix(entry, shown, count, source);
    if !caught_up {
        request_frame(entry, shown, state, source);
    }
}

/// Makes `shown` display the first `count` bytes of `entry`'s received text. The shown tail
/// is extended when it grows within the same source (the same partial block, or the same
/// received tail generation, less any blocks frozen off its front) or when the new source's
/// text begins with it (the tail's block frozen while partly shown), and replaced otherwise.
fn show_prefix(
    entry: MessageEntry,
    shown: PacedMarkdown,
    count: usize,
    source: StoredValue<Option<TailSource>>,
) {
    entry.blocks.with_untracked(|blocks| {
        let mut offset = 0;
        let mut whole = 0;
        let mut partial = None;
        for block in blocks {
            let text = block.text();
            if offset + text.len() <= count {
                whole += 1;
                offset += text.len();
            } else {
                let cut = safe_cut(text, count - offset);
                let shown_text = if cut == 0 {
                    String::new()
                } else {
                    block.source[..block.text_start + cut].to_string()
                };
                // A partly shown block's source already starts with its definitions.
                partial = Some((
                    TailSource::PartialBlock(block.id),
                    shown_text,
                    String::new(),
                ));
                break;
            }
        }
        let (from, tail, definitions) = partial.unwrap_or_else(|| {
            entry.tail.with_untracked(|tail| {
                let text = tail.text();
                let cut = safe_cut(text, count.saturating_sub(offset));
                let definitions = tail.definitions().to_string();
                let from = TailSource::Tail {
                    generation: tail.generation(),
                    dropped: tail.dropped(),
                };
                (from, text[..cut].to_string(), definitions)
            })
        });
        sync_blocks(shown.blocks, &blocks[..whole]);
        let front_cut = from.front_cut_since(source.get_value());
        source.set_value(Some(from));
        let unchanged = shown
            .tail
            .with_untracked(|old| old.text() == tail && old.definitions() == definitions);
        if unchanged && front_cut == Some(0) {
            return;
        }
        shown.tail.update(|old| {
            old.set_definitions(&definitions);
            // Grows: the old text, less what was frozen off its front, begins the new one. From
            // another source (the received tail's block frozen while partly shown), the text
            // may still be the old one grown: compared once, at the change of source.
            let cut = front_cut.unwrap_or(0);
            let grows = (old.generation() != 0
                && old
                    .text()
                    .get(cut..)
                    .is_some_and(|rest| tail.starts_with(rest)))
            .then_some(cut);
            match grows {
                Some(cut) if old.drop_front(cut) => {
                    let more = &tail[old.text().len()..];
                    old.append(more);
                }
                _ => old.replace(&tail),
            }
        });
    });
}

/// Makes `shown` hold `wanted`, appending when it is a prefix (the usual case) and replacing
/// the list otherwise (a block was rendered again, or the answer restarted).
fn sync_blocks(shown: RwSignal<Vec<Block>>, wanted: &[Block]) {
    let (same_prefix, len) = shown.with_untracked(|old| {
        let same = old.len() <= wanted.len() && old.iter().zip(wanted).all(|(a, b)| a.id == b.id);
        (same, old.len())
    });
    if same_prefix && len == wanted.len() {
        return;
    }
    if same_prefix {
        shown.update(|old| old.extend_from_slice(&wanted[len..]));
    } else {
        shown.set(wanted.to_vec());
    }
}

/// Milliseconds on the page's monotonic clock (0 where there is none).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
