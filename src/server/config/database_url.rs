//! `[storage] database_url`: the PostgreSQL server to store on (env `SLUICE_DATABASE_URL`,
//! else the conventional `DATABASE_URL`, else the file; empty or unset: the embedded SQLite
//! file under `data_dir`). Only `postgres://` and `postgresql://` URLs are accepted. A URL may
//! hold a password, so a refusal never repeats the value: it names where the value came from
//! and at most its scheme.

use super::source::{refusal, Setting, Sources};
use toml::Spanned;

/// The setting as the file and the sentences name it.
const DATABASE_URL: Setting = Setting::new("SLUICE_DATABASE_URL", "[storage]", "database_url");

/// The conventional variable read when `SLUICE_DATABASE_URL` is unset (what sqlx, Heroku and
/// most PostgreSQL tools use).
const CONVENTIONAL_VAR: &str = "DATABASE_URL";

/// What a refused value must be, for the sentence.
const EXPECTED: &str = "a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)";

/// Resolves the PostgreSQL URL: the variables, else the file; `None` means SQLite.
pub(super) fn resolve(
    file: Option<&Spanned<String>>,
    sources: &Sources,
) -> Result<Option<String>, String> {
    let (origin, value) = match (
        sources.var("SLUICE_DATABASE_URL"),
        sources.var(CONVENTIONAL_VAR),
        file,
    ) {
        (Some(value), _, _) => ("SLUICE_DATABASE_URL".to_string(), value.to_string()),
        (None, Some(value), _) => (CONVENTIONAL_VAR.to_string(), value.to_string()),
        (None, None, Some(value)) if !value.get_ref().trim().is_empty() => (
            sources.in_file(DATABASE_URL, value.span().start),
            value.get_ref().trim().to_string(),
        ),
        _ => return Ok(None),
    };
    check(&origin, &value).map(|()| Some(value))
}

/// Accepts a parseable `postgres://` or `postgresql://` URL; the refusal shows no more of the
/// value than its scheme.
fn check(origin: &str, value: &str) -> Result<(), String> {
    let scheme = scheme_of(value);
    match scheme.as_deref() {
        Some("postgres" | "postgresql") => url::Url::parse(value)
            .map(|_| ())
            .map_err(|e| format!("{origin} is not a valid PostgreSQL URL: {e}")),
        _ => {
            let shown = match scheme {
                Some(scheme) => format!("a {scheme}: URL"),
                None => "a value that is not a URL".to_string(),
            };
            Err(format!(
                "{}; SQLite is the default and needs no URL: leave database_url unset and set \
                 data_dir (SLUICE_DATA_DIR) for its folder",
                refusal(origin, EXPECTED, &shown)
            ))
        }
    }
}

/// The scheme of `value` in lower case (`sqlite` of `sqlite:data/sluice.db`), when it starts
/// with one: letters, then letters, digits, `+`, `-` or `.`, then `:`.
fn scheme_of(value: &str) -> Option<String> {
    let (scheme, _) = value.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::source::env_map;

    #[test]
    fn schemes_are_read_only_when_the_value_starts_with_one() {
        assert_eq!(scheme_of("sqlite:data/x.db").as_deref(), Some("sqlite"));
        assert_eq!(
            scheme_of("PostgreSQL://h/db").as_deref(),
            Some("postgresql")
        );
        assert_eq!(scheme_of("data/sluice.db"), None);
        assert_eq!(scheme_of("/srv/a:b"), None);
    }

    #[test]
    fn a_refusal_never_repeats_the_value() {
        let env = env_map(&[("DATABASE_URL", "mysql://app:hunter22@db/chat")]);
        let error = resolve(None, &Sources::new(&env, String::new(), "")).expect_err("mysql");
        assert!(error.starts_with("DATABASE_URL must be"), "{error}");
        assert!(error.contains("a mysql: URL"), "{error}");
        assert!(!error.contains("hunter22"), "{error}");
        let env = env_map(&[(
            "SLUICE_DATABASE_URL",
            "postgres://app:hunter22@db:99999/chat",
        )]);
        let error = resolve(None, &Sources::new(&env, String::new(), "")).expect_err("port");
        assert!(
            error.starts_with("SLUICE_DATABASE_URL is not a valid"),
            "{error}"
        );
        assert!(!error.contains("hunter22"), "{error}");
    }
}
