//! `[storage] replica_id` (env `SLUICE_REPLICA_ID`): this process's name among the replicas
//! sharing one database. The store writes it on the answers this process streams, so after a
//! crash a replica recovers only its own answers. Default: the machine's host name (unique
//! per container or machine), else `local`. Accepted: 1 to 64 characters of `A-Z a-z 0-9 . _ -`
//! (it goes into log lines and the database as it is).

use super::source::{refusal, Setting, Sources};
use toml::Spanned;

/// The setting as the file and the sentences name it.
const REPLICA_ID: Setting = Setting::new("SLUICE_REPLICA_ID", "[storage]", "replica_id");

/// The longest accepted id (Linux host names are at most 64 bytes too).
const MAX_CHARS: usize = 64;

/// The id when no host name can be found.
const FALLBACK: &str = "local";

/// What an id must be, for the sentence.
const EXPECTED: &str = "1 to 64 characters among letters, digits, '.', '_' and '-'";

/// Resolves the replica id: the variable, else the file, else the host name.
pub(super) fn resolve(file: Option<&Spanned<String>>, sources: &Sources) -> Result<String, String> {
    let (origin, value) = match (sources.var("SLUICE_REPLICA_ID"), file) {
        (Some(value), _) => ("SLUICE_REPLICA_ID".to_string(), value.to_string()),
        (None, Some(value)) => (
            sources.in_file(REPLICA_ID, value.span().start),
            value.get_ref().clone(),
        ),
        (None, None) => {
            let kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").ok();
            return Ok(default_id(kernel.as_deref(), sources.var("HOSTNAME")));
        }
    };
    if is_valid(&value) {
        Ok(value)
    } else {
        Err(refusal(&origin, EXPECTED, &format!("{value:?}")))
    }
}

/// Whether `id` is an accepted replica id.
fn is_valid(id: &str) -> bool {
    (1..=MAX_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The default id: the kernel's host name, else the `HOSTNAME` variable, else `local`; a name
/// with other characters has them replaced by `-` (and is cut at 64), so an odd host name
/// never stops start-up.
fn default_id(kernel: Option<&str>, env: Option<&str>) -> String {
    [kernel, env]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|name| !name.is_empty())
        .map(|name| {
            name.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                        c
                    } else {
                        '-'
                    }
                })
                .take(MAX_CHARS)
                .collect()
        })
        .unwrap_or_else(|| FALLBACK.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_host_name_made_valid_else_local() {
        assert_eq!(
            default_id(Some("web-3.internal\n"), Some("x")),
            "web-3.internal"
        );
        assert_eq!(default_id(None, Some(" pod 7 ")), "pod-7");
        assert_eq!(default_id(Some(""), None), "local");
        assert_eq!(default_id(Some(&"h".repeat(80)), None).len(), 64);
        assert!(is_valid(&default_id(Some("é@ü"), None)));
    }
}
