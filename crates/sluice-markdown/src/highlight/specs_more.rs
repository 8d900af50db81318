//! Language tables for scripting, query, data and style languages (Python, Ruby, Lua, SQL,
//! shell, PowerShell, JSON, CSS).

use super::generic::{multiline, quote, Spec, BASE};

/// Python.
pub(crate) const PYTHON: Spec = Spec {
    line_comments: &["#"],
    quotes: &[
        multiline("\"\"\"", true),
        multiline("'''", true),
        quote("\""),
        quote("'"),
    ],
    string_prefixes: &[
        "f", "r", "b", "u", "rb", "br", "fr", "rf", "F", "R", "B", "U", "Rb", "bR", "RB", "BR",
    ],
    keywords: &[
        "and", "as", "assert", "async", "await", "break", "case", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "match", "nonlocal", "not", "or", "pass", "raise", "return", "try",
        "while", "with", "yield",
    ],
    types: &[
        "bool",
        "bytes",
        "dict",
        "float",
        "frozenset",
        "int",
        "list",
        "object",
        "set",
        "str",
        "tuple",
        "type",
    ],
    literals: &["True", "False", "None", "self", "cls"],
    decorators: true,
    capitalized_types: true,
    ..BASE
};

/// Ruby.
pub(crate) const RUBY: Spec = Spec {
    line_comments: &["#"],
    quotes: &[
        multiline("\"", true),
        multiline("'", true),
        multiline("`", true),
    ],
    keywords: &[
        "alias",
        "and",
        "begin",
        "break",
        "case",
        "class",
        "def",
        "defined?",
        "do",
        "else",
        "elsif",
        "end",
        "ensure",
        "for",
        "if",
        "in",
        "module",
        "next",
        "not",
        "or",
        "redo",
        "rescue",
        "retry",
        "return",
        "super",
        "then",
        "undef",
        "unless",
        "until",
        "when",
        "while",
        "yield",
        "require",
        "attr_accessor",
        "attr_reader",
        "puts",
    ],
    literals: &["true", "false", "nil", "self"],
    sigils: &['@', '$'],
    capitalized_types: true,
    ..BASE
};

/// Lua.
pub(crate) const LUA: Spec = Spec {
    line_comments: &["--"],
    block_comment: Some(("--[[", "]]")),
    quotes: &[quote("\""), quote("'"), multiline("[[", false)],
    keywords: &[
        "and", "break", "do", "else", "elseif", "end", "for", "function", "goto", "if", "in",
        "local", "not", "or", "repeat", "return", "then", "until", "while",
    ],
    literals: &["true", "false", "nil"],
    ..BASE
};

/// SQL (keywords in any case).
pub(crate) const SQL: Spec = Spec {
    line_comments: &["--"],
    block_comment: Some(("/*", "*/")),
    quotes: &[
        multiline("'", false),
        quote("\""),
        super::generic::Quote {
            open: "`",
            close: "`",
            escapes: false,
            multiline: false,
        },
    ],
    keywords: &[
        "add",
        "all",
        "alter",
        "and",
        "as",
        "asc",
        "begin",
        "between",
        "by",
        "case",
        "check",
        "column",
        "commit",
        "constraint",
        "create",
        "cross",
        "database",
        "default",
        "delete",
        "desc",
        "distinct",
        "drop",
        "else",
        "end",
        "exists",
        "foreign",
        "from",
        "full",
        "group",
        "having",
        "if",
        "in",
        "index",
        "inner",
        "insert",
        "into",
        "is",
        "join",
        "key",
        "left",
        "like",
        "limit",
        "not",
        "offset",
        "on",
        "or",
        "order",
        "outer",
        "over",
        "partition",
        "primary",
        "references",
        "returning",
        "right",
        "rollback",
        "select",
        "set",
        "table",
        "then",
        "transaction",
        "union",
        "unique",
        "update",
        "using",
        "values",
        "view",
        "when",
        "where",
        "with",
    ],
    types: &[
        "bigint",
        "blob",
        "boolean",
        "char",
        "date",
        "decimal",
        "float",
        "int",
        "integer",
        "json",
        "numeric",
        "real",
        "serial",
        "smallint",
        "text",
        "timestamp",
        "uuid",
        "varchar",
    ],
    literals: &["null", "true", "false"],
    case_insensitive: true,
    ..BASE
};

/// POSIX shells and Bash.
pub(crate) const SHELL: Spec = Spec {
    line_comments: &["#"],
    hash_needs_space: true,
    quotes: &[
        multiline("\"", true),
        super::generic::Quote {
            open: "'",
            close: "'",
            escapes: false,
            multiline: true,
        },
    ],
    keywords: &[
        "case", "do", "done", "elif", "else", "esac", "exit", "export", "fi", "for", "function",
        "if", "in", "local", "readonly", "return", "select", "then", "until", "while", "source",
        "alias", "unset", "set", "shift", "trap",
    ],
    types: &[],
    literals: &["true", "false"],
    ident_extra: &['-'],
    sigils: &['$'],
    ..BASE
};

/// PowerShell.
pub(crate) const POWERSHELL: Spec = Spec {
    line_comments: &["#"],
    block_comment: Some(("<#", "#>")),
    quotes: &[multiline("\"", true), multiline("'", false)],
    keywords: &[
        "begin", "break", "catch", "class", "continue", "do", "else", "elseif", "end", "exit",
        "filter", "finally", "for", "foreach", "function", "if", "in", "param", "process",
        "return", "switch", "throw", "trap", "try", "until", "while",
    ],
    literals: &["$true", "$false", "$null"],
    case_insensitive: true,
    ident_extra: &['-'],
    sigils: &['$'],
    ..BASE
};

/// JSON (and JSON with comments): keys are properties.
pub(crate) const JSON: Spec = Spec {
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: &[quote("\"")],
    literals: &["true", "false", "null"],
    keys_before_colon: true,
    ..BASE
};

/// CSS (and SCSS/Less close enough): properties, at-rules, units, colours.
pub(crate) const CSS: Spec = Spec {
    line_comments: &[],
    block_comment: Some(("/*", "*/")),
    quotes: &[quote("\""), quote("'")],
    keywords: &["!important", "from", "to", "and", "not", "only"],
    literals: &[
        "auto",
        "none",
        "inherit",
        "initial",
        "unset",
        "transparent",
        "currentColor",
    ],
    ident_extra: &['-'],
    sigils: &['$'],
    decorators: true,
    keys_before_colon: true,
    ..BASE
};
