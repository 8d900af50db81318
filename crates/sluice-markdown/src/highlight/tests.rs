//! Per-language checks of the highlighter for programming languages: keywords, strings,
//! comments and numbers get the right class (data and markup formats: `tests_formats`).

use super::{highlight, TokenClass};
use TokenClass::*;

/// The (text, class) pairs of `code` highlighted as `lang`.
pub(super) fn tokens(lang: &str, code: &str) -> Vec<(std::string::String, TokenClass)> {
    highlight(lang, code)
        .unwrap_or_else(|| panic!("{lang} is supported"))
        .iter()
        .map(|t| (code[t.start..t.end].to_string(), t.class))
        .collect()
}

/// Asserts that every expected (text, class) pair is among the tokens.
pub(super) fn assert_has(lang: &str, code: &str, expected: &[(&str, TokenClass)]) {
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
