//! Pacing arithmetic: bursts are spread out, trickles pass through, no byte waits longer than
//! [`MAX_DELAY_MS`], shown text never shrinks, flush shows everything, and cuts never split a
//! character or a grapheme.

use super::{safe_cut, Pacer, BURST_WINDOW_MS, MAX_DELAY_MS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One display frame at 60 Hz.
const FRAME_MS: f64 = 1000.0 / 60.0;

#[test]
fn the_first_text_shows_at_once() {
    let mut pacer = Pacer::new();
    pacer.receive(1000.0, 40);
    assert_eq!(pacer.shown_at(1000.0), 40);
    assert!(pacer.is_caught_up());
}

#[test]
fn bursts_are_revealed_steadily_over_the_gap_between_them() {
    let mut pacer = Pacer::new();
    let burst = 60;
    let gap = 80.0;
    let mut per_frame: Vec<usize> = Vec::new();
    let mut last = 0;
    let mut next_burst = 0.0;
    let mut total = 0;
    let mut now = 0.0;
    while now < 2000.0 {
        if now >= next_burst {
            total += burst;
            pacer.receive(now, total);
            next_burst += gap;
        }
        let shown = pacer.shown_at(now);
        if now > 400.0 {
            per_frame.push(shown - last);
        }
        last = shown;
        now += FRAME_MS;
    }
    // 60 bytes per 80 ms is 12.5 bytes per frame: steady means every frame shows some
    // text and none shows a whole burst.
    let idle = per_frame.iter().filter(|n| **n == 0).count();
    let largest = per_frame.iter().copied().max().unwrap_or(0);
    assert!(
        idle <= per_frame.len() / 10,
        "{idle} idle frames: {per_frame:?}"
    );
    assert!(
        largest <= 26,
        "a frame showed {largest} bytes: {per_frame:?}"
    );
}

#[test]
fn a_steady_trickle_is_shown_almost_immediately() {
    let mut pacer = Pacer::new();
    let mut total = 0;
    for step in 0..400 {
        let now = f64::from(step) * 5.0;
        total += 4;
        pacer.receive(now, total);
        // Everything that arrived 12 ms ago is on screen.
        let due = total.saturating_sub(4 * 3);
        assert!(pacer.shown_at(now + 0.5) >= due, "behind at {now} ms");
    }
}

#[test]
fn no_byte_waits_longer_than_the_maximum_delay() {
    let mut rng = StdRng::seed_from_u64(9);
    for _ in 0..200 {
        let mut pacer = Pacer::new();
        let mut now = 0.0;
        let mut total = 0;
        // (time, total received then) for every arrival, checked at its deadline.
        let mut deadlines: Vec<(f64, usize)> = Vec::new();
        let mut frame = 0.0;
        for _ in 0..rng.random_range(1..60) {
            now += match rng.random_range(0..4) {
                0 => rng.random_range(0.0..BURST_WINDOW_MS),
                1 => rng.random_range(0.0..30.0),
                2 => rng.random_range(30.0..400.0),
                _ => rng.random_range(400.0..2000.0),
            };
            // Frames that happen before this arrival.
            while frame < now {
                check_deadlines(&mut pacer, frame, &mut deadlines);
                frame += FRAME_MS;
            }
            total += rng.random_range(1..200);
            pacer.receive(now, total);
            deadlines.push((now + MAX_DELAY_MS, total));
        }
        while !deadlines.is_empty() {
            check_deadlines(&mut pacer, frame, &mut deadlines);
            frame += FRAME_MS;
        }
    }
}

/// Asserts that every arrival whose deadline has passed at `now` is fully shown.
fn check_deadlines(pacer: &mut Pacer, now: f64, deadlines: &mut Vec<(f64, usize)>) {
    let shown = pacer.shown_at(now);
    deadlines.retain(|(due, total)| {
        if *due <= now {
            assert!(
                shown >= *total,
                "at {now} ms: {shown} shown, {total} due at {due}"
            );
            false
        } else {
            true
        }
    });
}

#[test]
fn long_pauses_do_not_stretch_the_reveal() {
    let mut pacer = Pacer::new();
    pacer.receive(0.0, 10);
    pacer.receive(500.0, 110);
    pacer.receive(1500.0, 210);
    assert!(pacer.shown_at(1500.0 + MAX_DELAY_MS) == 210);
    assert!(pacer.shown_at(500.0 + MAX_DELAY_MS) == 210);
}

#[test]
fn shown_text_never_shrinks_and_never_exceeds_what_arrived() {
    let mut rng = StdRng::seed_from_u64(10);
    let mut pacer = Pacer::new();
    let (mut now, mut total, mut last) = (0.0, 0, 0);
    for _ in 0..5000 {
        now += rng.random_range(0.0..20.0);
        if rng.random_bool(0.3) {
            total += rng.random_range(1..50);
            pacer.receive(now, total);
        }
        // Frames may even come with a slightly earlier timestamp than the last arrival.
        let shown = pacer.shown_at(now - rng.random_range(0.0..3.0));
        assert!(shown >= last && shown <= total);
        last = shown;
    }
}

#[test]
fn flush_shows_everything_at_once() {
    let mut pacer = Pacer::new();
    pacer.receive(0.0, 5);
    pacer.receive(50.0, 500);
    assert!(pacer.shown_at(51.0) < 500);
    assert!(!pacer.is_caught_up());
    pacer.flush();
    assert!(pacer.is_caught_up());
    assert_eq!(pacer.shown_at(51.0), 500);
    assert_eq!(pacer.received(), 500);
}

#[test]
fn cuts_never_split_a_character() {
    let text = "aé日本🎉z";
    for at in 0..=text.len() + 2 {
        let cut = safe_cut(text, at);
        assert!(text.is_char_boundary(cut) && cut <= at.min(text.len()));
        assert!(at.min(text.len()) - cut < 4, "cut moved back too far");
    }
}

#[test]
fn cuts_keep_grapheme_clusters_whole() {
    let clusters = [
        "e\u{301}",                                                 // e + combining acute
        "👍🏽",                                                       // thumbs up + skin tone
        "👩\u{200D}👩\u{200D}👧",                                   // family (ZWJ sequence)
        "🇫🇷",                                                       // flag
        "1\u{FE0F}\u{20E3}",                                        // keycap
        "\r\n",                                                     // CRLF
        "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", // subdivision flag
        "क\u{094D}",                                                // Devanagari virama
    ];
    for cluster in clusters {
        let text = format!("ab{cluster}cd");
        let start = 2;
        let end = start + cluster.len();
        for at in start..end {
            assert_eq!(safe_cut(&text, at), start, "{cluster:?} cut at {at}");
        }
        assert_eq!(safe_cut(&text, end), end, "{cluster:?} whole");
    }
    // Two flags in a row: the cut may fall between them, never inside one.
    let flags = "🇫🇷🇩🇪";
    assert_eq!(safe_cut(flags, 8), 8);
    assert_eq!(safe_cut(flags, 12), 8);
}
