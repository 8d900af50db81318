//! The typed SSE codec: every `ChatEvent` survives encode → decode under every split of the
//! byte stream (mid-frame, mid-UTF-8), with LF or CRLF line ends; hostile and truncated input
//! gives errors, never panics or invented events.

use sluice_wire::codec::{encode_item, ItemDecoder, StreamItem};
use sluice_wire::events::{ChatEvent, DoneStats, FinishReason, Usage};

/// A turn's worth of events, with multi-byte text and newlines in deltas.
fn sample_items() -> Vec<StreamItem> {
    let events = vec![
        ChatEvent::Started {
            turn_id: "t-1".into(),
            model: "demo/sluice-demo".into(),
            stored: Some(sluice_wire::events::StoredTurn {
                conversation_id: "c-1".into(),
                title: "Hé \"quoted\"".into(),
                user_message_id: "u-1".into(),
                answer_id: "a-1".into(),
                prefix_bytes: 0,
            }),
        },
        ChatEvent::Delta { text: "Hé".into() },
        ChatEvent::Delta {
            text: "llo 👋🏽 世界\n\n| a | b |\r\n".into(),
        },
        ChatEvent::Delta {
            text: "data: not a frame\n\nid: 9\n".into(),
        },
        ChatEvent::Usage(Usage {
            input_tokens: 3,
            output_tokens: 5,
            reasoning_tokens: Some(1),
        }),
        ChatEvent::Done(DoneStats {
            finish_reason: FinishReason::Stop,
            ttft_ms: Some(12),
            tokens_per_second: Some(41.5),
            output_tokens: 5,
        }),
    ];
    let mut items: Vec<StreamItem> = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| StreamItem::Event {
            seq: i as u64 + 1,
            event,
        })
        .collect();
    items.insert(2, StreamItem::KeepAlive);
    items
}

/// Encodes items to one byte string.
fn encode_all(items: &[StreamItem]) -> Vec<u8> {
    items
        .iter()
        .flat_map(|item| encode_item(item).to_vec())
        .collect()
}

/// Decodes `bytes` fed in the given pieces.
fn decode_in_pieces(bytes: &[u8], cuts: &[usize]) -> Vec<StreamItem> {
    let mut decoder = ItemDecoder::default();
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
        for item in decoder.push(&bytes[start..cut]) {
            out.push(item.expect("valid item"));
        }
        start = cut;
    }
    out.extend(decoder.finish().into_iter().map(|i| i.expect("valid item")));
    out
}

#[test]
fn every_single_split_point_round_trips() {
    let items = sample_items();
    let bytes = encode_all(&items);
    for cut in 0..=bytes.len() {
        assert_eq!(
            decode_in_pieces(&bytes, &[cut]),
            items,
            "split at byte {cut}"
        );
    }
}

#[test]
fn byte_by_byte_and_random_splits_round_trip() {
    use rand::{Rng, SeedableRng};
    let items = sample_items();
    let bytes = encode_all(&items);
    let every: Vec<usize> = (1..bytes.len()).collect();
    assert_eq!(decode_in_pieces(&bytes, &every), items);
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    for _ in 0..500 {
        let mut cuts: Vec<usize> = (0..rng.random_range(1..20))
            .map(|_| rng.random_range(0..=bytes.len()))
            .collect();
        cuts.sort_unstable();
        assert_eq!(decode_in_pieces(&bytes, &cuts), items, "cuts {cuts:?}");
    }
}

#[test]
fn crlf_line_endings_decode_the_same() {
    let items = sample_items();
    let lf = String::from_utf8(encode_all(&items)).expect("utf-8");
    // Only the framing newlines become CRLF: data payloads are JSON, so they hold no raw newline.
    let crlf = lf.replace('\n', "\r\n");
    for cut in 0..=crlf.len() {
        assert_eq!(
            decode_in_pieces(crlf.as_bytes(), &[cut]),
            items,
            "CRLF split at {cut}"
        );
    }
}

#[test]
fn a_final_frame_without_its_blank_line_is_still_delivered() {
    let items = sample_items();
    let mut bytes = encode_all(&items);
    bytes.truncate(bytes.len() - 1);
    assert_eq!(decode_in_pieces(&bytes, &[]), items);
}

#[test]
fn malformed_frames_are_errors_not_events() {
    let mut decoder = ItemDecoder::default();
    let items = decoder.push(b"event: delta\ndata: {\"type\":\"delta\"\n\nevent: delta\ndata: <script>alert(1)</script>\n\n");
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(Result::is_err), "{items:?}");
    let items = decoder.push(b"data: {\"type\":\"no_such_event\"}\n\n");
    assert!(items[0].is_err());
}

#[test]
fn a_truncated_frame_at_end_of_body_is_an_error_not_half_an_event() {
    let bytes = encode_item(&StreamItem::Event {
        seq: 1,
        event: ChatEvent::Delta {
            text: "hello".into(),
        },
    });
    let mut decoder = ItemDecoder::default();
    let cut = bytes.len() / 2;
    assert!(decoder.push(&bytes[..cut]).is_empty());
    let rest = decoder.finish();
    assert!(rest.iter().all(Result::is_err), "{rest:?}");
}
