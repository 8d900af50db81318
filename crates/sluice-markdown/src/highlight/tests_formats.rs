//! Highlighter checks for data, markup and line formats, unknown languages, and well-formed
//! tokens for any input.

use super::languages::ALIASES;
use super::tests::{assert_has, tokens};
use super::{highlight, pieces, TokenClass};
use TokenClass::*;

#[test]
fn json_keys_are_properties() {
    assert_has(
        "json",
        "{\"name\": \"x\", \"n\": -1.5e3, \"ok\": true, \"v\": null}",
        &[
            ("\"name\"", Property),
            ("\"x\"", String),
            ("1.5e3", Number),
            ("true", Literal),
            ("null", Literal),
        ],
    );
}

#[test]
fn markup() {
    let code = "<!DOCTYPE html>\n<!-- c -->\n<a href=\"/x\" data-k='v'>T &amp; U</a><br/>";
    assert_has(
        "html",
        code,
        &[
            ("<!DOCTYPE html>", Meta),
            ("<!-- c -->", Comment),
            ("<a", Tag),
            ("href", Attribute),
            ("\"/x\"", String),
            ("data-k", Attribute),
            ("'v'", String),
            ("&amp;", Literal),
            ("</a><br/>", Tag),
        ],
    );
    assert_has(
        "xml",
        "<?xml version=\"1.0\"?><r/>",
        &[("<?xml version=\"1.0\"?>", Meta)],
    );
}

#[test]
fn css() {
    assert_has(
        "css",
        "@media print { .a { margin-top: 10px; color: red !important; } } /* c */",
        &[
            ("@media", Meta),
            ("margin-top", Property),
            ("10px", Number),
            ("/* c */", Comment),
        ],
    );
}

#[test]
fn shell() {
    let code = "#!/bin/bash\nfor f in *.txt; do echo \"$f\" 'lit $x' ${HOME} a#b; done # end";
    assert_has(
        "bash",
        code,
        &[
            ("#!/bin/bash", Comment),
            ("for", Keyword),
            ("in", Keyword),
            ("\"$f\"", String),
            ("'lit $x'", String),
            ("${HOME}", Variable),
            ("done", Keyword),
            ("# end", Comment),
        ],
    );
    let found = tokens("sh", "echo a#b");
    assert!(found.iter().all(|(_, c)| *c != Comment), "{found:?}");
}

#[test]
fn data_formats() {
    assert_has(
        "yaml",
        "---\nname: \"x\" # c\nlist:\n  - enabled: true\n    n: 3",
        &[
            ("---", Meta),
            ("name", Property),
            ("\"x\"", String),
            ("# c", Comment),
            ("enabled", Property),
            ("true", Literal),
            ("3", Number),
        ],
    );
    assert_has(
        "toml",
        "[package]\nname = \"sluice\" # c\nversion = 1",
        &[
            ("[package]", Section),
            ("name", Property),
            ("\"sluice\"", String),
            ("# c", Comment),
            ("1", Number),
        ],
    );
    assert_has(
        "ini",
        "; c\n[a]\nk=v",
        &[("; c", Comment), ("[a]", Section), ("k", Property)],
    );
}

#[test]
fn line_formats() {
    assert_has(
        "diff",
        "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same",
        &[
            ("--- a/x", Meta),
            ("@@ -1 +1 @@", Section),
            ("-old", Deleted),
            ("+new", Inserted),
        ],
    );
    assert_has(
        "dockerfile",
        "# base\nFROM rust:1 AS build\nRUN cargo build \\\n  --release && echo \"$X\"",
        &[
            ("# base", Comment),
            ("FROM", Keyword),
            ("RUN", Keyword),
            ("\"$X\"", String),
        ],
    );
    assert_has(
        "md",
        "# Title\n- item with `code`\n> quote\n```\nx\n```",
        &[
            ("# Title", Section),
            ("-", Keyword),
            ("`code`", String),
            ("> quote", Comment),
            ("```", Meta),
        ],
    );
}

#[test]
fn unknown_languages_are_not_highlighted() {
    assert!(highlight("brainfuck", "+++").is_none());
    assert!(highlight("", "x").is_none());
    assert!(highlight("RUST", "fn").is_some());
    let long = "a".repeat(super::MAX_HIGHLIGHT_BYTES + 1);
    assert!(highlight("rust", &long).is_none());
}

#[test]
fn at_least_twenty_languages() {
    let mut names: Vec<&str> = ALIASES.iter().map(|(name, _)| *name).collect();
    names.dedup();
    assert!(names.len() >= 60, "{} aliases", names.len());
}

#[test]
fn tokens_are_well_formed_for_any_input() {
    use rand::{Rng, SeedableRng};
    let alphabet: Vec<char> = "ab_1 .\n\t\"'`#/*-+<>=&$@![]{}():;\\rRé€\u{1F600}"
        .chars()
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(6);
    for round in 0..400 {
        let len = rng.random_range(0..120);
        let code: std::string::String = (0..len)
            .map(|_| alphabet[rng.random_range(0..alphabet.len())])
            .collect();
        let (lang, _) = ALIASES[round % ALIASES.len()];
        let found = highlight(lang, &code).unwrap_or_default();
        let mut at = 0;
        for token in &found {
            assert!(token.start >= at && token.start < token.end && token.end <= code.len());
            assert!(code.is_char_boundary(token.start) && code.is_char_boundary(token.end));
            at = token.end;
        }
        let joined: std::string::String = pieces(&code, &found).iter().map(|p| p.text).collect();
        assert_eq!(joined, code, "{lang}");
    }
}
