//! SSE decoder/encoder: round trips under every split point, LF/CRLF/CR line ends, CR/LF split
//! across chunks, UTF-8 split across chunks, WHATWG field rules, and the oversized-line limit.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sluice_wire::sse::{
    encode_comment, encode_event, SseDecoder, SseEvent, SseItem, MAX_LINE_BYTES,
};

fn event(name: Option<&str>, data: &str, id: Option<&str>) -> SseItem {
    SseItem::Event(SseEvent {
        event: name.map(str::to_string),
        data: data.to_string(),
        id: id.map(str::to_string),
    })
}

fn comment(text: &str) -> SseItem {
    SseItem::Comment(text.to_string())
}

/// Decodes `pieces` in order, then finishes.
fn decode(pieces: &[&[u8]]) -> Vec<SseItem> {
    let mut decoder = SseDecoder::new();
    let mut items: Vec<SseItem> = pieces
        .iter()
        .flat_map(|piece| decoder.push(piece))
        .collect();
    items.extend(decoder.finish());
    items
}

fn data_of(items: &[SseItem]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            SseItem::Event(event) => Some(event.data.clone()),
            SseItem::Comment(_) => None,
        })
        .collect()
}

/// A stream exercising ids, names, multi-line and empty data, comments and multi-byte text.
fn sample_stream() -> (String, Vec<SseItem>) {
    let mut wire = String::new();
    encode_event(&mut wire, Some(1), "delta", "hello");
    encode_event(&mut wire, None, "", "line one\nline two\n\nline four\n");
    encode_comment(&mut wire, "keep-alive");
    encode_event(&mut wire, Some(2), "", "");
    encode_event(&mut wire, None, "done", "UTF-8: héllo 世界 🦀🚀 ∑");
    encode_event(
        &mut wire,
        Some(30),
        "x",
        "  two leading spaces: and a colon ",
    );
    encode_comment(&mut wire, "multi\nline");
    let expected = vec![
        event(Some("delta"), "hello", Some("1")),
        event(None, "line one\nline two\n\nline four\n", Some("1")),
        comment("keep-alive"),
        event(None, "", Some("2")),
        event(Some("done"), "UTF-8: héllo 世界 🦀🚀 ∑", Some("2")),
        event(Some("x"), "  two leading spaces: and a colon ", Some("30")),
        comment("multi"),
        comment("line"),
    ];
    (wire, expected)
}

/// The sample with each line end rewritten as `ending`.
fn with_line_ending(wire: &str, ending: &str) -> Vec<u8> {
    wire.replace('\n', ending).into_bytes()
}

#[test]
fn whole_input_round_trips() {
    let (wire, expected) = sample_stream();
    assert_eq!(decode(&[wire.as_bytes()]), expected);
}

#[test]
fn every_single_split_point_for_lf_crlf_and_cr() {
    let (wire, expected) = sample_stream();
    for ending in ["\n", "\r\n", "\r"] {
        let bytes = with_line_ending(&wire, ending);
        for cut in 0..=bytes.len() {
            let (left, right) = bytes.split_at(cut);
            assert_eq!(
                decode(&[left, right]),
                expected,
                "ending {ending:?}, cut at {cut}"
            );
        }
    }
}

#[test]
fn every_pair_of_split_points() {
    let (wire, expected) = sample_stream();
    for ending in ["\n", "\r\n"] {
        let bytes = with_line_ending(&wire, ending);
        for first in 0..=bytes.len() {
            for second in first..=bytes.len() {
                let pieces = [&bytes[..first], &bytes[first..second], &bytes[second..]];
                assert_eq!(
                    decode(&pieces),
                    expected,
                    "{ending:?} cuts {first},{second}"
                );
            }
        }
    }
}

#[test]
fn byte_by_byte_and_random_splits() {
    let (wire, expected) = sample_stream();
    let mut rng = StdRng::seed_from_u64(0x55E);
    for ending in ["\n", "\r\n", "\r"] {
        let bytes = with_line_ending(&wire, ending);
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(decode(&singles), expected, "{ending:?} byte by byte");
        for round in 0..300 {
            let mut pieces = Vec::new();
            let mut rest = bytes.as_slice();
            while !rest.is_empty() {
                let size = rng.random_range(0..=rest.len().min(24));
                let (piece, tail) = rest.split_at(size);
                pieces.push(piece);
                rest = tail;
            }
            assert_eq!(decode(&pieces), expected, "{ending:?} round {round}");
        }
    }
}

#[test]
fn mixed_line_endings_in_one_stream() {
    let wire = b"data: a\rdata: b\r\n\ndata: c\n\r\r\n: note\r\rid: 9\ndata: d\r\n\r\n";
    let expected = vec![
        event(None, "a\nb", None),
        event(None, "c", None),
        comment("note"),
        event(None, "d", Some("9")),
    ];
    for cut in 0..=wire.len() {
        let (left, right) = wire.split_at(cut);
        assert_eq!(decode(&[left, right]), expected, "cut at {cut}");
    }
}

#[test]
fn cr_at_chunk_end_followed_by_lf_is_one_line_end() {
    let mut decoder = SseDecoder::new();
    assert!(decoder.push(b"data: a\r").is_empty());
    assert!(
        decoder.push(b"").is_empty(),
        "an empty push keeps the pending CR"
    );
    assert!(
        decoder.push(b"\ndata: b\r").is_empty(),
        "no spurious blank line"
    );
    assert!(decoder.push(b"\n").is_empty());
    assert_eq!(decoder.push(b"\r"), vec![event(None, "a\nb", None)]);
    assert!(
        decoder.push(b"\n").is_empty(),
        "the LF after the dispatching CR is swallowed"
    );
    assert!(decoder.finish().is_empty());
}

#[test]
fn cr_then_cr_is_two_line_ends() {
    let mut decoder = SseDecoder::new();
    assert!(decoder.push(b"data: a\r").is_empty());
    assert_eq!(decoder.push(b"\r"), vec![event(None, "a", None)]);
}

#[test]
fn utf8_split_inside_a_sequence_is_lossless() {
    let text = "€ 🦀 世 é";
    let wire = format!("data: {text}\n\n");
    let bytes = wire.as_bytes();
    for cut in 0..=bytes.len() {
        for second in cut..=bytes.len() {
            let items = decode(&[&bytes[..cut], &bytes[cut..second], &bytes[second..]]);
            assert_eq!(items, vec![event(None, text, None)], "cuts {cut},{second}");
        }
    }
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let items = decode(&[b"data: ok \xFF\xFE then\n", b"data: cut \xF0\x9F\n\n"]);
    assert_eq!(
        items,
        vec![event(None, "ok \u{FFFD}\u{FFFD} then\ncut \u{FFFD}", None)]
    );
}

#[test]
fn whatwg_field_rules() {
    let wire = concat!(
        "\u{FEFF}data:no-space\n",
        "data\n",
        "data:  two spaces\n",
        "foo: ignored\n",
        "retry: 1000\n",
        "\n",
        "event: only-a-name\n",
        "\n",
        "id: 7\n",
        "event: named\n",
        "data: x\n",
        "\n",
        "data: keeps id 7\n",
        "\n",
        "id\n",
        "data: id cleared\n",
        "\n",
        "id: bad\0id\n",
        "data: NUL id ignored\n",
        "\n",
        ":no space comment\n",
        ":  spaced\n",
        "data: \u{FEFF}not a stream start\n",
        "\n",
    );
    let expected = vec![
        event(None, "no-space\n\n two spaces", None),
        event(Some("named"), "x", Some("7")),
        event(None, "keeps id 7", Some("7")),
        event(None, "id cleared", None),
        event(None, "NUL id ignored", None),
        comment("no space comment"),
        comment(" spaced"),
        event(None, "\u{FEFF}not a stream start", None),
    ];
    assert_eq!(decode(&[wire.as_bytes()]), expected);
    let singles: Vec<&[u8]> = wire.as_bytes().chunks(1).collect();
    assert_eq!(decode(&singles), expected);
}

#[test]
fn finish_flushes_an_unterminated_last_event() {
    assert_eq!(decode(&[b"data: tail"]), vec![event(None, "tail", None)]);
    assert_eq!(decode(&[b"data: a\n"]), vec![event(None, "a", None)]);
    assert_eq!(decode(&[b"data: a\r"]), vec![event(None, "a", None)]);
    assert_eq!(
        decode(&[b"event: e\ndata: a\r\ndata: b"]),
        vec![event(Some("e"), "a\nb", None)]
    );
    assert!(decode(&[b"event: no data"]).is_empty());
    assert!(decode(&[b""]).is_empty());
}

#[test]
fn decoder_is_reusable_after_finish() {
    let mut decoder = SseDecoder::default();
    decoder.push(b"id: 1\ndata: first");
    assert_eq!(decoder.finish(), vec![event(None, "first", Some("1"))]);
    assert_eq!(
        decoder.push(b"data: second\n\n"),
        vec![event(None, "second", None)]
    );
    assert_eq!(decoder.buffered_len(), 0);
}

#[test]
fn buffered_len_counts_the_partial_line() {
    let mut decoder = SseDecoder::new();
    decoder.push(b"data: 12345");
    assert_eq!(decoder.buffered_len(), 11);
    decoder.push(b"678\n");
    assert_eq!(decoder.buffered_len(), 0);
}

#[test]
fn oversized_line_is_dropped_with_its_event_under_every_split() {
    let long = "x".repeat(100);
    let wire =
        format!("data: short\n\ndata: a\ndata: {long}\ndata: c\n\n: {long}\ndata: after\r\n\r\n");
    let bytes = wire.as_bytes();
    for cut in 0..=bytes.len() {
        let mut decoder = SseDecoder::with_max_line_bytes(16);
        let mut items = decoder.push(&bytes[..cut]);
        assert!(decoder.buffered_len() <= 16);
        items.extend(decoder.push(&bytes[cut..]));
        items.extend(decoder.finish());
        assert_eq!(data_of(&items), ["short", "after"], "cut at {cut}");
        assert!(
            items.iter().all(|item| matches!(item, SseItem::Event(_))),
            "long comment dropped"
        );
        assert!(decoder.take_overflow(), "cut at {cut}");
        assert!(!decoder.take_overflow(), "flag clears once read");
    }
}

#[test]
fn line_of_exactly_the_limit_is_kept() {
    let mut decoder = SseDecoder::with_max_line_bytes(16);
    let items = decoder.push(b"data: 0123456789\n\ndata: 01234567890\n\n");
    assert_eq!(data_of(&items), ["0123456789"]);
    assert!(decoder.take_overflow());
}

#[test]
fn joined_data_over_the_limit_drops_the_event() {
    let mut decoder = SseDecoder::with_max_line_bytes(16);
    let items = decoder.push(b"data: 0123\ndata: 4567\ndata: 89ab\ndata: cdef\n\ndata: ok\n\n");
    assert_eq!(data_of(&items), ["ok"]);
    assert!(decoder.take_overflow());
}

#[test]
fn default_limit_bounds_memory_for_a_huge_line() {
    let mut decoder = SseDecoder::new();
    let piece = vec![b'y'; 64 * 1024];
    assert!(decoder.push(b"data: ").is_empty());
    for _ in 0..40 {
        assert!(decoder.push(&piece).is_empty());
        assert!(decoder.buffered_len() <= MAX_LINE_BYTES);
    }
    assert!(decoder.take_overflow());
    let items = decoder.push(b"\n\ndata: ok\n\n");
    assert_eq!(items, vec![event(None, "ok", None)]);
    assert!(!decoder.take_overflow());
    let exact = format!("data: {}\n\n", "z".repeat(MAX_LINE_BYTES - 6));
    let items = decoder.push(exact.as_bytes());
    assert_eq!(data_of(&items)[0].len(), MAX_LINE_BYTES - 6);
}

#[test]
fn encoder_wire_format() {
    let mut out = String::new();
    encode_event(&mut out, Some(7), "delta", "a\nb");
    assert_eq!(out, "id: 7\nevent: delta\ndata: a\ndata: b\n\n");
    out.clear();
    encode_event(&mut out, None, "", "");
    assert_eq!(out, "data: \n\n");
    out.clear();
    encode_event(&mut out, None, "evil\r\ndata: injected", "x");
    assert_eq!(out, "event: evil  data: injected\ndata: x\n\n");
    out.clear();
    encode_comment(&mut out, "ping");
    assert_eq!(out, ": ping\n\n");
    out.clear();
    encode_comment(&mut out, "a\r\nb");
    assert_eq!(out, ": a\n: b\n\n");
}

#[test]
fn encoder_normalises_cr_and_crlf_in_data_to_lf() {
    let mut out = String::new();
    encode_event(&mut out, None, "", "one\r\ntwo\rthree\n");
    assert_eq!(
        decode(&[out.as_bytes()]),
        vec![event(None, "one\ntwo\nthree\n", None)]
    );
}

#[test]
fn random_payloads_round_trip() {
    let mut rng = StdRng::seed_from_u64(7);
    let alphabet: Vec<char> = "ab :\n€🦀世 \t{}\"".chars().collect();
    for _ in 0..200 {
        let mut wire = String::new();
        let mut expected = Vec::new();
        for _ in 0..rng.random_range(1..5) {
            let length = rng.random_range(0..30);
            let data: String = (0..length)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect();
            encode_event(&mut wire, None, "m", &data);
            expected.push(event(Some("m"), &data, None));
        }
        let bytes = wire.as_bytes();
        let cut = rng.random_range(0..=bytes.len());
        assert_eq!(decode(&[&bytes[..cut], &bytes[cut..]]), expected);
    }
}
