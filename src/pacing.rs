//! Reveal pacing for streamed answers: how much of the received text to show at each frame, so
//! text appears at a steady pace even when the provider sends it in bursts.
//!
//! Every burst of received text (arrivals less than [`BURST_WINDOW_MS`] after the burst's
//! first arrival belong to it) is revealed linearly over a *ramp* that starts when it arrives
//! and lasts about as long as the recent gap between bursts, so the next burst typically
//! arrives just as the previous one finishes showing. Ramps never last longer than
//! [`MAX_DELAY_MS`] and never end before the previous one, so every byte is on screen at most
//! that long after it arrived, in order. The very first burst shows at once (nothing to pace
//! against, and time to first token matters most). A steady trickle (tokens every few
//! milliseconds) makes ramps a few milliseconds long: pacing then adds almost nothing.
//!
//! The arithmetic here is pure (times are plain milliseconds) and counts bytes;
//! [`safe_cut`] turns a byte count into a cut that splits neither a UTF-8 character nor a
//! grapheme cluster (approximately: combining marks, joiners, variation selectors, emoji
//! modifiers and flags stay with their base). The browser side lives in
//! `components::message::paced_markdown`.

use std::collections::VecDeque;

/// The most pacing may delay any byte, in milliseconds.
pub const MAX_DELAY_MS: f64 = 100.0;

/// Shortest time between two updates of the shown text, in milliseconds: about 30 updates a
/// second look continuous for text and cost half the rendering work of one per frame.
pub const MIN_UPDATE_INTERVAL_MS: f64 = 33.0;

/// Arrivals this close to the start of the current burst join it, in milliseconds.
pub const BURST_WINDOW_MS: f64 = 8.0;

/// Weight of the newest gap in the running estimate of the gap between bursts.
const GAP_SMOOTHING: f64 = 0.3;

/// One burst being revealed.
#[derive(Clone, Debug, PartialEq)]
struct Ramp {
    /// When it arrived (the reveal starts).
    start_ms: f64,
    /// When it is fully shown.
    end_ms: f64,
    /// How many bytes it holds.
    len: usize,
}

impl Ramp {
    /// Bytes of this ramp shown at `now_ms`.
    fn shown_at(&self, now_ms: f64) -> usize {
        if now_ms >= self.end_ms {
            return self.len;
        }
        let span = self.end_ms - self.start_ms;
        let fraction = ((now_ms - self.start_ms) / span).clamp(0.0, 1.0);
        (self.len as f64 * fraction).floor() as usize
    }
}

/// Decides how many received bytes are shown at each moment.
#[derive(Clone, Debug, Default)]
pub struct Pacer {
    /// Bytes received so far.
    received: usize,
    /// Bytes of finished ramps (all shown).
    settled: usize,
    /// Unfinished ramps, oldest first.
    ramps: VecDeque<Ramp>,
    /// When the current burst began, if any text arrived yet.
    burst_start_ms: Option<f64>,
    /// Running estimate of the time between bursts.
    gap_ms: Option<f64>,
    /// The last count returned by [`Pacer::shown_at`] (shown text never shrinks).
    shown: usize,
}

impl Pacer {
    /// A pacer with nothing received.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes that the received text is now `total` bytes long at `now_ms`.
    pub fn receive(&mut self, now_ms: f64, total: usize) {
        if total <= self.received {
            return;
        }
        let added = total - self.received;
        self.received = total;
        let in_current_burst = self
            .burst_start_ms
            .is_some_and(|start| now_ms - start < BURST_WINDOW_MS);
        if in_current_burst {
            match self.ramps.back_mut() {
                Some(ramp) => ramp.len += added,
                // The burst is already all shown (the first burst shows at once): so is this.
                None => self.ramps.push_back(Ramp {
                    start_ms: now_ms,
                    end_ms: now_ms,
                    len: added,
                }),
            }
            return;
        }
        let duration = match self.burst_start_ms {
            None => 0.0,
            Some(previous) => {
                let gap = (now_ms - previous).max(0.0);
                let estimate = self
                    .gap_ms
                    .map_or(gap, |old| old + GAP_SMOOTHING * (gap - old));
                self.gap_ms = Some(estimate);
                estimate.min(MAX_DELAY_MS)
            }
        };
        self.burst_start_ms = Some(now_ms);
        let previous_end = self.ramps.back().map_or(now_ms, |r| r.end_ms);
        let end_ms = (now_ms + duration)
            .max(previous_end)
            .min(now_ms + MAX_DELAY_MS);
        self.ramps.push_back(Ramp {
            start_ms: now_ms,
            end_ms,
            len: added,
        });
    }

    /// How many of the received bytes to show at `now_ms` (never fewer than last time).
    pub fn shown_at(&mut self, now_ms: f64) -> usize {
        while self.ramps.front().is_some_and(|r| now_ms >= r.end_ms) {
            if let Some(done) = self.ramps.pop_front() {
                self.settled += done.len;
            }
        }
        let partial: usize = self.ramps.iter().map(|r| r.shown_at(now_ms)).sum();
        self.shown = self.shown.max(self.settled + partial).min(self.received);
        self.shown
    }

    /// Shows everything received (the answer ended, was stopped or failed).
    pub fn flush(&mut self) {
        self.settled = self.received;
        self.ramps.clear();
        self.shown = self.received;
    }

    /// True when everything received is shown, so no frame needs to be scheduled.
    pub fn is_caught_up(&self) -> bool {
        self.shown >= self.received
    }

    /// Bytes received so far.
    pub fn received(&self) -> usize {
        self.received
    }
}

/// The largest cut `<= at` in `text` that splits neither a character nor (approximately) a
/// grapheme cluster: not before a combining mark, joiner, variation selector, emoji modifier
/// or tag character, not after a zero-width joiner, not inside a flag (a pair of regional
/// indicators) and not between `\r` and `\n`.
pub fn safe_cut(text: &str, at: usize) -> usize {
    let mut cut = at.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    while cut > 0 && cut < text.len() && !is_grapheme_boundary(text, cut) {
        cut -= text[..cut].chars().next_back().map_or(1, char::len_utf8);
    }
    cut
}

/// True when a grapheme may end at the char boundary `cut` (with text on both sides).
fn is_grapheme_boundary(text: &str, cut: usize) -> bool {
    let (before, after) = (&text[..cut], &text[cut..]);
    let (Some(previous), Some(next)) = (before.chars().next_back(), after.chars().next()) else {
        return true;
    };
    if previous == '\r' && next == '\n' {
        return false;
    }
    if previous == '\u{200D}' || extends_previous(next) {
        return false;
    }
    if is_regional_indicator(previous) && is_regional_indicator(next) {
        // Inside a flag when an odd number of indicators precede the cut.
        let run = before
            .chars()
            .rev()
            .take_while(|c| is_regional_indicator(*c))
            .count();
        return run.is_multiple_of(2);
    }
    true
}

/// Characters that attach to the one before them.
fn extends_previous(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'   // combining diacritical marks
        | '\u{0483}'..='\u{0489}' // Cyrillic combining marks
        | '\u{0591}'..='\u{05BD}' // Hebrew points
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' // Arabic marks
        | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}'
        | '\u{0962}'..='\u{0963}' // Devanagari signs
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' // Thai marks
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' // combining extensions
        | '\u{200C}' | '\u{200D}' // joiners
        | '\u{20D0}'..='\u{20FF}' // combining marks for symbols (keycaps)
        | '\u{3099}'..='\u{309A}' // kana voicing marks
        | '\u{FE00}'..='\u{FE0F}' | '\u{FE20}'..='\u{FE2F}' // variation selectors, half marks
        | '\u{1F3FB}'..='\u{1F3FF}' // emoji skin-tone modifiers
        | '\u{E0020}'..='\u{E007F}' // emoji tag sequences
        | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
    )
}

/// A regional indicator symbol (two make a flag).
fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

#[cfg(test)]
mod tests;
