//! Line splitting for the Gemini parser: bytes in, complete lines out, for any split of the
//! body (mid-line, mid-UTF-8, between `\r` and `\n`). The parser needs whole lines before the
//! SSE decoder sees them, because Gemini bodies may hold lines that are not SSE at all (a JSON
//! array when `alt=sse` was left out, a bare JSON error object) and those must be recognised.
//!
//! Memory is bounded: a line longer than the limit is not kept; the splitter reports the
//! overflow and stops (the parser turns it into an error).

/// Lines completed by one [`LineSplitter::push`].
#[derive(Debug, Default)]
pub(crate) struct SplitLines {
    /// Complete lines in body order, without their line ends.
    pub complete: Vec<Vec<u8>>,
    /// A line grew past the limit after `complete`; nothing more will be split.
    pub overflowed: bool,
}

/// Stateful splitter with a carry-over buffer; lines end with LF, CRLF or a lone CR.
#[derive(Debug)]
pub(crate) struct LineSplitter {
    /// Bytes of the line whose end has not arrived yet.
    line: Vec<u8>,
    /// The last piece ended with `\r`, so a `\n` opening the next piece ends nothing new.
    pending_lf: bool,
    /// A line went over the limit; the splitter ignores everything after it.
    overflowed: bool,
    /// Longest line kept, in bytes.
    max_line_bytes: usize,
}

impl LineSplitter {
    /// A splitter that refuses lines longer than `max_line_bytes`.
    pub fn new(max_line_bytes: usize) -> Self {
        Self {
            line: Vec::new(),
            pending_lf: false,
            overflowed: false,
            max_line_bytes,
        }
    }

    /// Splits the next piece of the body.
    pub fn push(&mut self, bytes: &[u8]) -> SplitLines {
        let mut out = SplitLines::default();
        if self.overflowed {
            return out;
        }
        let mut rest = bytes;
        if self.pending_lf && !rest.is_empty() {
            self.pending_lf = false;
            if let [b'\n', tail @ ..] = rest {
                rest = tail;
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            if !self.append(&rest[..end]) {
                out.overflowed = true;
                return out;
            }
            out.complete.push(std::mem::take(&mut self.line));
            rest = match &rest[end..] {
                [b'\r', b'\n', tail @ ..] => tail,
                [b'\r'] => {
                    self.pending_lf = true;
                    &[]
                }
                [_, tail @ ..] => tail,
                [] => &[],
            };
        }
        out.overflowed = !self.append(rest);
        out
    }

    /// The body ended: the unterminated last line, if any.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        self.pending_lf = false;
        let line = std::mem::take(&mut self.line);
        (!self.overflowed && !line.is_empty()).then_some(line)
    }

    /// The start of the line still waiting for its end (lets the parser recognise a JSON
    /// array at once instead of after its first line).
    pub fn partial(&self) -> &[u8] {
        &self.line
    }

    /// Adds bytes to the current line; `false` (and the splitter stops) if it gets too long.
    fn append(&mut self, bytes: &[u8]) -> bool {
        if self.line.len() + bytes.len() > self.max_line_bytes {
            self.line = Vec::new();
            self.overflowed = true;
            return false;
        }
        self.line.extend_from_slice(bytes);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(pieces: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut splitter = LineSplitter::new(64);
        let mut lines: Vec<Vec<u8>> = pieces
            .iter()
            .flat_map(|piece| splitter.push(piece).complete)
            .collect();
        lines.extend(splitter.finish());
        lines
    }

    #[test]
    fn crlf_split_between_cr_and_lf_is_one_line_end() {
        let whole = split_all(&[b"a\r\n\r\nb"]);
        assert_eq!(whole, vec![b"a".to_vec(), Vec::new(), b"b".to_vec()]);
        assert_eq!(split_all(&[b"a\r", b"\n\r", b"\nb"]), whole);
        assert_eq!(split_all(&[b"a\r", b"\n", b"\r", b"\n", b"b"]), whole);
    }

    #[test]
    fn lone_cr_and_lf_end_lines() {
        assert_eq!(
            split_all(&[b"a\rb\nc"]),
            vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
        );
    }

    #[test]
    fn an_oversized_line_stops_the_splitter() {
        let mut splitter = LineSplitter::new(4);
        let first = splitter.push(b"ok\n12345");
        assert_eq!(first.complete, vec![b"ok".to_vec()]);
        assert!(first.overflowed);
        assert!(splitter.push(b"\nmore\n").complete.is_empty());
        assert_eq!(splitter.finish(), None);
        assert!(splitter.partial().is_empty());
    }
}
