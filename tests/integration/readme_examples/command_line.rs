//! The README's `curl` examples as data: its fenced code blocks, each `curl` command line with
//! the `# →` expectation under it, split into words as a shell would and parsed into the
//! request curl would send (only the options the README uses; any other fails).

/// Marks the expectation comment under a `curl` command.
pub(super) const EXPECT_MARK: &str = "# →";

/// One fenced code block of the README.
#[derive(Debug)]
pub(super) struct Block {
    /// The info string after the opening fence (`sh`, `json`, `text`, …).
    pub(super) lang: String,
    /// The lines between the fences.
    pub(super) body: String,
    /// 1-based line of the opening fence, for messages.
    pub(super) line: usize,
}

/// One `curl` example with what the README says it answers.
#[derive(Debug)]
pub(super) struct Example {
    /// The command's words, as a shell would split them.
    pub(super) words: Vec<String>,
    /// The status the README documents.
    pub(super) status: u16,
    /// The exact `Content-Type` the README documents.
    pub(super) content_type: String,
    /// SSE events the answer must contain.
    pub(super) events: Vec<String>,
    /// Index of the block it came from.
    pub(super) block: usize,
    /// README line of the command, for messages.
    pub(super) line: usize,
}

/// A request parsed from a `curl` command line.
#[derive(Debug, Default)]
pub(super) struct CurlRequest {
    /// `-X`, else POST with data, else GET.
    pub(super) method: Option<String>,
    /// The one URL.
    pub(super) url: String,
    /// `-H` headers in order.
    pub(super) headers: Vec<(String, String)>,
    /// `-d` / `--data*`, joined with `&` as curl joins several.
    pub(super) data: Option<String>,
    /// `-J`: the answer must name a file in `Content-Disposition`.
    pub(super) wants_attachment: bool,
}

/// Splits `text` into fenced code blocks (``` fences at the start of a line).
pub(super) fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some(Block {
                        lang: info.trim().to_string(),
                        body: String::new(),
                        line: index + 1,
                    });
                }
            }
            Some(mut block) => {
                if trimmed.starts_with("```") {
                    blocks.push(block);
                } else {
                    block.body.push_str(line);
                    block.body.push('\n');
                    open = Some(block);
                }
            }
        }
    }
    assert!(open.is_none(), "README.md ends inside a code block");
    blocks
}

/// The `curl` examples of `blocks`, with their expectation lines.
pub(super) fn curl_examples(blocks: &[Block]) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        // Logical lines: a trailing backslash continues the line.
        let mut logical: Vec<(usize, String)> = Vec::new();
        let mut pending: Option<(usize, String)> = None;
        for (offset, line) in block.body.lines().enumerate() {
            let (start, mut text) = pending
                .take()
                .unwrap_or((block.line + 1 + offset, String::new()));
            match line.strip_suffix('\\') {
                Some(head) => {
                    text.push_str(head);
                    pending = Some((start, text));
                }
                None => {
                    text.push_str(line);
                    logical.push((start, text));
                }
            }
        }
        let mut waiting: Option<(usize, Vec<String>)> = None;
        for (line, text) in logical {
            let text = text.trim();
            if let Some(expectation) = text.strip_prefix(EXPECT_MARK) {
                let Some((command_line, words)) = waiting.take() else {
                    panic!("README line {line}: `{EXPECT_MARK}` without a curl command above it");
                };
                let (status, content_type, events) = parse_expectation(expectation, line);
                examples.push(Example {
                    words,
                    status,
                    content_type,
                    events,
                    block: index,
                    line: command_line,
                });
                continue;
            }
            if text.starts_with("curl ") {
                if let Some((previous, _)) = waiting {
                    panic!("README line {previous}: curl example without a `{EXPECT_MARK}` line");
                }
                waiting = Some((line, shell_words(text, line)));
            }
        }
        if let Some((line, _)) = waiting {
            panic!("README line {line}: curl example without a `{EXPECT_MARK}` line");
        }
    }
    examples
}

/// `200 text/event-stream (started, done)` → status, content type, events.
pub(super) fn parse_expectation(text: &str, line: usize) -> (u16, String, Vec<String>) {
    let text = text.trim();
    let (head, events) = match text.split_once(" (") {
        Some((head, list)) => {
            let list = list
                .strip_suffix(')')
                .unwrap_or_else(|| panic!("README line {line}: unclosed event list"));
            let events = list.split(',').map(|e| e.trim().to_string()).collect();
            (head, events)
        }
        None => (text, Vec::new()),
    };
    let (status, content_type) = head
        .split_once(' ')
        .unwrap_or_else(|| panic!("README line {line}: want `{EXPECT_MARK} STATUS TYPE`"));
    let status = status
        .parse()
        .unwrap_or_else(|_| panic!("README line {line}: {status:?} is not a status"));
    (status, content_type.trim().to_string(), events)
}

/// Splits a command line into words as a POSIX shell does for the quoting the README uses:
/// single quotes, double quotes (with `\"` and `\\`) and backslash escapes.
pub(super) fn shell_words(text: &str, line: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(done) = word.take() {
                    words.push(done);
                }
            }
            '\'' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => current.push(c),
                        None => panic!("README line {line}: unclosed single quote"),
                    }
                }
            }
            '"' => {
                let current = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => current.push(c),
                            Some(c) => {
                                current.push('\\');
                                current.push(c);
                            }
                            None => panic!("README line {line}: unclosed double quote"),
                        },
                        Some('$' | '`') => {
                            panic!("README line {line}: shell expansion in an example")
                        }
                        Some(c) => current.push(c),
                        None => panic!("README line {line}: unclosed double quote"),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next() {
                    word.get_or_insert_with(String::new).push(c);
                }
            }
            '$' | '`' | '|' | ';' | '&' | '>' | '<' => {
                panic!("README line {line}: shell syntax {c:?} in a curl example")
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(done) = word {
        words.push(done);
    }
    words
}

/// Parses the curl options the README uses; any other option fails (the test could not run
/// the example faithfully).
pub(super) fn parse_curl(words: &[String], line: usize) -> CurlRequest {
    assert_eq!(words.first().map(String::as_str), Some("curl"));
    let mut request = CurlRequest::default();
    let mut urls = Vec::new();
    let mut rest = words[1..].iter();
    let value = |flag: &str, rest: &mut std::slice::Iter<'_, String>| -> String {
        rest.next()
            .unwrap_or_else(|| panic!("README line {line}: {flag} needs a value"))
            .clone()
    };
    while let Some(word) = rest.next() {
        match word.as_str() {
            "-X" | "--request" => request.method = Some(value(word, &mut rest)),
            "-H" | "--header" => {
                let header = value(word, &mut rest);
                let (name, content) = header
                    .split_once(':')
                    .unwrap_or_else(|| panic!("README line {line}: header {header:?}"));
                request
                    .headers
                    .push((name.trim().to_string(), content.trim().to_string()));
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" => {
                let data = value(word, &mut rest);
                request.data = Some(match request.data.take() {
                    Some(before) => format!("{before}&{data}"),
                    None => data,
                });
            }
            "--no-buffer" | "--include" | "--silent" | "--remote-name" => {}
            "--remote-header-name" => request.wants_attachment = true,
            flags if flags.starts_with('-') && !flags.starts_with("--") => {
                // Combined short flags without values, e.g. `-N`, `-OJ`, `-sSi`.
                for flag in flags[1..].chars() {
                    match flag {
                        'N' | 'i' | 's' | 'S' | 'O' => {}
                        'J' => request.wants_attachment = true,
                        other => panic!("README line {line}: curl option -{other} not supported"),
                    }
                }
            }
            option if option.starts_with("--") => {
                panic!("README line {line}: curl option {option} not supported")
            }
            url => urls.push(url.to_string()),
        }
    }
    assert_eq!(urls.len(), 1, "README line {line}: one URL per example");
    request.url = urls.remove(0);
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_command_lines_are_split_and_parsed_like_a_shell_and_curl_would() {
        let words = shell_words(
            r#"curl -N http://h/x -H 'content-type: application/json' -d "{\"a\": 1}" -OJ"#,
            1,
        );
        assert_eq!(
            words,
            [
                "curl",
                "-N",
                "http://h/x",
                "-H",
                "content-type: application/json",
                "-d",
                "{\"a\": 1}",
                "-OJ"
            ]
        );
        let request = parse_curl(&words, 1);
        assert_eq!(request.url, "http://h/x");
        assert_eq!(request.data.as_deref(), Some("{\"a\": 1}"));
        assert!(request.wants_attachment);
        assert_eq!(
            request.headers,
            [("content-type".to_string(), "application/json".to_string())]
        );
        let blocks = fenced_blocks(
            "text\n```sh\ncurl -N http://h/y \\\n  -d x\n# → 201 text/plain (a, b)\n```\n",
        );
        let examples = curl_examples(&blocks);
        assert_eq!(examples.len(), 1);
        assert_eq!(examples[0].words, ["curl", "-N", "http://h/y", "-d", "x"]);
        assert_eq!(examples[0].status, 201);
        assert_eq!(examples[0].content_type, "text/plain");
        assert_eq!(examples[0].events, ["a", "b"]);
    }

    #[test]
    #[should_panic(expected = "without a `# →` line")]
    fn a_curl_example_without_its_expectation_fails() {
        curl_examples(&fenced_blocks("```sh\ncurl http://h/z\n```\n"));
    }
}
