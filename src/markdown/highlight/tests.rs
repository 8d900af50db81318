//! Per-language checks of the highlighter: keywords, strings, comments and numbers (plus each
//! format's special tokens) get the right class, and any input yields well-formed tokens.

use super::languages::ALIASES;
use super::{highlight, pieces, TokenClass};
use TokenClass::*;

/// The (text, class) pairs of `code` highlighted as `lang`.
fn tokens(lang: &str, code: &str) -> Vec<(std::string::String, TokenClass)> {
    highlight(lang, code)
        .unwrap_or_else(|| panic!("{lang} is supported"))
        .iter()
        .map(|t| (code[t.start..t.end].to_string(), t.class))
        .collect()
}

/// Asserts that every expected (text, class) pair is among the tokens.
fn assert_has(lang: &str, code: &str, expected: &[(&str, TokenClass)]) {
    let found = tokens(lang, code);
    for (text, class) in expected {
        assert!(
            found.iter().any(|(t, c)| t == text && c == class),
            "{lang}: expected {text:?} as {class:?} in {found:?}"
        );
    }
}

#[test]
fn rust() {
    let code = "#[derive(Debug)]\nfn main(x: &'a str) -> u32 {\n    // note\n    let s = r#\"raw\"#; let c = 'c';\n    println!(\"{}\", 42_u32);\n    None\n}";
    assert_has(
        "rust",
        code,
        &[
            ("#[derive(Debug)]", Meta),
            ("fn", Keyword),
            ("main", Function),
            ("'a", Type),
            ("str", Type),
            ("u32", Type),
            ("// note", Comment),
            ("let", Keyword),
            ("r#\"raw\"#", String),
            ("'c'", String),
            ("println!", Function),
            ("\"{}\"", String),
            ("42_u32", Number),
            ("None", Literal),
        ],
    );
}

#[test]
fn python() {
    let code = "@cache\ndef f(x=1.5):\n    \"\"\"Doc\n    string\"\"\"\n    return f\"v{x}\" if x else None  # done";
    assert_has(
        "py",
        code,
        &[
            ("@cache", Meta),
            ("def", Keyword),
            ("f", Function),
            ("1.5", Number),
            ("\"\"\"Doc\n    string\"\"\"", String),
            ("return", Keyword),
            ("f\"v{x}\"", String),
            ("None", Literal),
            ("# done", Comment),
        ],
    );
}

#[test]
fn javascript_and_typescript() {
    let code = "const $el = `a ${b}\nc`; // x\nif (n === 0x1F) return null;";
    assert_has(
        "js",
        code,
        &[
            ("const", Keyword),
            ("`a ${b}\nc`", String),
            ("// x", Comment),
            ("0x1F", Number),
            ("null", Literal),
        ],
    );
    let code = "interface P { n: number }\nexport type Q = P | undefined; /* c */";
    assert_has(
        "tsx",
        code,
        &[
            ("interface", Keyword),
            ("number", Type),
            ("type", Keyword),
            ("P", Type),
            ("undefined", Literal),
            ("/* c */", Comment),
        ],
    );
}

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
fn c_family() {
    assert_has(
        "c",
        "#include <stdio.h>\nint main(void) { return 0; } /* x */",
        &[
            ("#include <stdio.h>", Meta),
            ("int", Type),
            ("main", Function),
            ("return", Keyword),
            ("0", Number),
            ("/* x */", Comment),
        ],
    );
    assert_has(
        "cpp",
        "template <typename T> auto p = nullptr; // c",
        &[
            ("template", Keyword),
            ("typename", Keyword),
            ("nullptr", Literal),
            ("// c", Comment),
        ],
    );
    assert_has(
        "cs",
        "public class A { string s = @\"C:\\x\"; var n = 3; }",
        &[
            ("public", Keyword),
            ("string", Type),
            ("@\"C:\\x\"", String),
            ("3", Number),
            ("A", Type),
        ],
    );
    assert_has(
        "java",
        "@Override\npublic void run() { String s = \"x\"; } // c",
        &[
            ("@Override", Meta),
            ("void", Type),
            ("String", Type),
            ("\"x\"", String),
            ("// c", Comment),
        ],
    );
}

#[test]
fn go_kotlin_swift() {
    assert_has(
        "go",
        "package main\nfunc f() error { s := `raw`; return nil } // c",
        &[
            ("package", Keyword),
            ("func", Keyword),
            ("error", Type),
            ("`raw`", String),
            ("nil", Literal),
            ("// c", Comment),
        ],
    );
    assert_has(
        "kotlin",
        "fun main() { val s: String = \"x\"; /* a /* nested */ b */ }",
        &[
            ("fun", Keyword),
            ("val", Keyword),
            ("String", Type),
            ("\"x\"", String),
            ("/* a /* nested */ b */", Comment),
        ],
    );
    assert_has(
        "swift",
        "let x: Int = 42 // c\nguard let y = z else { return nil }",
        &[
            ("let", Keyword),
            ("Int", Type),
            ("42", Number),
            ("// c", Comment),
            ("guard", Keyword),
            ("nil", Literal),
        ],
    );
}

#[test]
fn ruby_php_lua_sql() {
    assert_has(
        "ruby",
        "def hi(name) # c\n  @count = 1\n  puts \"hi\"\nend",
        &[
            ("def", Keyword),
            ("# c", Comment),
            ("@count", Variable),
            ("1", Number),
            ("\"hi\"", String),
            ("end", Keyword),
        ],
    );
    assert_has(
        "php",
        "<?php function f($x) { return 'a'; } # c",
        &[
            ("function", Keyword),
            ("$x", Variable),
            ("'a'", String),
            ("# c", Comment),
        ],
    );
    assert_has(
        "lua",
        "local t = {} -- c\n--[[ block ]]\nreturn nil",
        &[
            ("local", Keyword),
            ("-- c", Comment),
            ("--[[ block ]]", Comment),
            ("nil", Literal),
        ],
    );
    assert_has(
        "sql",
        "select id, 'it''s' from users where n > 10 -- c",
        &[
            ("select", Keyword),
            ("'it''s'", String),
            ("from", Keyword),
            ("10", Number),
            ("-- c", Comment),
        ],
    );
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
