//! The supported languages and the fence names (aliases) that select them.

use super::generic::{self, Spec};
use super::specs::{C, CPP, CSHARP, JAVA};
use super::specs_modern::{GO, KOTLIN, RUST, SWIFT};
use super::specs_more::{CSS, JSON, LUA, POWERSHELL, PYTHON, RUBY, SHELL, SQL};
use super::specs_web::{JAVASCRIPT, PHP, TYPESCRIPT};
use super::{line_based, markup, Token};

/// How a language is tokenized.
#[derive(Clone, Copy)]
pub enum Language {
    /// The table-driven lexer with this language's table.
    Generic(&'static Spec),
    /// HTML, XML, SVG.
    Markup,
    /// Unified diffs and patches.
    Diff,
    /// YAML.
    Yaml,
    /// TOML and INI.
    Toml,
    /// Dockerfiles.
    Dockerfile,
    /// Markdown.
    Markdown,
}

impl Language {
    /// Tokenizes `code` in this language.
    pub fn tokenize(self, code: &str) -> Vec<Token> {
        match self {
            Language::Generic(spec) => generic::tokenize(spec, code),
            Language::Markup => markup::tokenize(code),
            Language::Diff => line_based::diff(code),
            Language::Yaml => line_based::yaml(code),
            Language::Toml => line_based::toml(code),
            Language::Dockerfile => line_based::dockerfile(code),
            Language::Markdown => line_based::markdown(code),
        }
    }
}

/// Every fence name we highlight, with its language. Matching ignores ASCII case.
pub const ALIASES: &[(&str, Language)] = &[
    ("rust", Language::Generic(&RUST)),
    ("rs", Language::Generic(&RUST)),
    ("python", Language::Generic(&PYTHON)),
    ("py", Language::Generic(&PYTHON)),
    ("python3", Language::Generic(&PYTHON)),
    ("javascript", Language::Generic(&JAVASCRIPT)),
    ("js", Language::Generic(&JAVASCRIPT)),
    ("jsx", Language::Generic(&JAVASCRIPT)),
    ("mjs", Language::Generic(&JAVASCRIPT)),
    ("cjs", Language::Generic(&JAVASCRIPT)),
    ("node", Language::Generic(&JAVASCRIPT)),
    ("typescript", Language::Generic(&TYPESCRIPT)),
    ("ts", Language::Generic(&TYPESCRIPT)),
    ("tsx", Language::Generic(&TYPESCRIPT)),
    ("json", Language::Generic(&JSON)),
    ("jsonc", Language::Generic(&JSON)),
    ("json5", Language::Generic(&JSON)),
    ("html", Language::Markup),
    ("htm", Language::Markup),
    ("xml", Language::Markup),
    ("svg", Language::Markup),
    ("xhtml", Language::Markup),
    ("vue", Language::Markup),
    ("css", Language::Generic(&CSS)),
    ("scss", Language::Generic(&CSS)),
    ("less", Language::Generic(&CSS)),
    ("bash", Language::Generic(&SHELL)),
    ("sh", Language::Generic(&SHELL)),
    ("shell", Language::Generic(&SHELL)),
    ("zsh", Language::Generic(&SHELL)),
    ("console", Language::Generic(&SHELL)),
    ("shellscript", Language::Generic(&SHELL)),
    ("powershell", Language::Generic(&POWERSHELL)),
    ("ps1", Language::Generic(&POWERSHELL)),
    ("pwsh", Language::Generic(&POWERSHELL)),
    ("c", Language::Generic(&C)),
    ("h", Language::Generic(&C)),
    ("cpp", Language::Generic(&CPP)),
    ("c++", Language::Generic(&CPP)),
    ("cc", Language::Generic(&CPP)),
    ("cxx", Language::Generic(&CPP)),
    ("hpp", Language::Generic(&CPP)),
    ("csharp", Language::Generic(&CSHARP)),
    ("cs", Language::Generic(&CSHARP)),
    ("c#", Language::Generic(&CSHARP)),
    ("java", Language::Generic(&JAVA)),
    ("go", Language::Generic(&GO)),
    ("golang", Language::Generic(&GO)),
    ("kotlin", Language::Generic(&KOTLIN)),
    ("kt", Language::Generic(&KOTLIN)),
    ("kts", Language::Generic(&KOTLIN)),
    ("swift", Language::Generic(&SWIFT)),
    ("ruby", Language::Generic(&RUBY)),
    ("rb", Language::Generic(&RUBY)),
    ("php", Language::Generic(&PHP)),
    ("sql", Language::Generic(&SQL)),
    ("postgresql", Language::Generic(&SQL)),
    ("postgres", Language::Generic(&SQL)),
    ("mysql", Language::Generic(&SQL)),
    ("sqlite", Language::Generic(&SQL)),
    ("lua", Language::Generic(&LUA)),
    ("yaml", Language::Yaml),
    ("yml", Language::Yaml),
    ("toml", Language::Toml),
    ("ini", Language::Toml),
    ("cfg", Language::Toml),
    ("conf", Language::Toml),
    ("markdown", Language::Markdown),
    ("md", Language::Markdown),
    ("diff", Language::Diff),
    ("patch", Language::Diff),
    ("dockerfile", Language::Dockerfile),
    ("docker", Language::Dockerfile),
    ("containerfile", Language::Dockerfile),
];

/// The language a fence name selects, if we highlight it.
pub fn find(name: &str) -> Option<Language> {
    ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
        .map(|(_, language)| *language)
}
