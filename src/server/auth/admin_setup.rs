//! The set-up token guarding the first sign-up of a `local` instance. Without it, whoever
//! reached a fresh server first became its administrator (and took over the conversations of
//! single-user mode). The token is random per start (or `SLUICE_ADMIN_TOKEN`), printed once on
//! stdout while no account exists, and the first sign-up must present it; later sign-ups need
//! none. `sluice admin create NAME` creates an administrator without it.

use crate::server::error::AppError;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The shortest `SLUICE_ADMIN_TOKEN` accepted, in characters: a token that can be guessed
/// protects nothing.
pub const MIN_TOKEN_CHARS: usize = 16;

/// A configured token; its `Debug` never shows it, so a logged config leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct SetupToken(pub String);

impl std::fmt::Debug for SetupToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetupToken([redacted])")
    }
}

/// The token of this server process.
pub struct AdminSetup {
    /// The token the first sign-up must present; `None` when no randomness was available
    /// (then only `sluice admin create` can make the first administrator: fail closed).
    token: Option<String>,
    /// Whether the operator chose it (`SLUICE_ADMIN_TOKEN`), so it is not printed.
    configured: bool,
}

impl AdminSetup {
    /// The configured token, else a fresh random one (128 bits, URL-safe base64).
    pub fn new(configured: Option<&SetupToken>) -> AdminSetup {
        match configured {
            Some(SetupToken(token)) => AdminSetup {
                token: Some(token.clone()),
                configured: true,
            },
            None => {
                let mut bytes = [0u8; 16];
                let token = getrandom::fill(&mut bytes)
                    .ok()
                    .map(|()| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
                AdminSetup {
                    token,
                    configured: false,
                }
            }
        }
    }

    /// The token (tests present it; the binary prints it once at start-up).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Admits a first sign-up presenting `presented`, or refuses it (403) with a sentence
    /// saying what is missing. Compares digests, so the time taken tells nothing.
    pub fn check(&self, presented: Option<&str>) -> Result<(), AppError> {
        let presented = presented.map(str::trim).filter(|t| !t.is_empty());
        let Some(presented) = presented else {
            return Err(AppError::Forbidden(
                "This Sluice has no administrator yet: enter the set-up token printed when \
                 the server started (or create the administrator with `sluice admin create \
                 NAME`)."
                    .to_string(),
            ));
        };
        let matches = self.token.as_deref().is_some_and(|token| {
            Sha256::digest(token.as_bytes()) == Sha256::digest(presented.as_bytes())
        });
        if matches {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "That set-up token is wrong: use the one printed when the server started."
                    .to_string(),
            ))
        }
    }

    /// What the binary prints on stdout at start-up while no account exists, so whoever
    /// installed the server can create the administrator at `sign_in_url`.
    pub fn announcement(&self, sign_in_url: &str) -> String {
        let how = match (&self.token, self.configured) {
            (Some(_), true) => {
                format!("open {sign_in_url} and enter the set-up token from SLUICE_ADMIN_TOKEN, or")
            }
            (Some(token), false) => format!(
                "open {sign_in_url} and enter this set-up token (valid until this server \
                 stops):\n\n    {token}\n\nor"
            ),
            (None, _) => "no set-up token could be made (no randomness):".to_string(),
        };
        format!("No administrator yet. To create one, {how} run `sluice admin create NAME`.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_token_admits_and_refusals_say_why() {
        let setup = AdminSetup::new(None);
        let token = setup.token().expect("random token").to_string();
        assert!(token.len() >= 20, "{token}");
        assert_ne!(AdminSetup::new(None).token(), Some(token.as_str()));
        assert!(setup.check(Some(&token)).is_ok());
        assert!(setup.check(Some(&format!(" {token} "))).is_ok());
        let missing = setup.check(None).expect_err("no token").to_string();
        assert!(missing.contains("set-up token printed"), "{missing}");
        assert!(setup.check(Some("   ")).is_err());
        let wrong = setup.check(Some("guess")).expect_err("wrong").to_string();
        assert!(wrong.contains("wrong"), "{wrong}");
        assert!(setup.announcement("http://x/sign-in").contains(&token));
    }

    #[test]
    fn a_configured_token_is_used_and_never_printed() {
        let configured = SetupToken("chosen-by-the-operator".to_string());
        assert!(!format!("{configured:?}").contains("chosen"));
        let setup = AdminSetup::new(Some(&configured));
        assert!(setup.check(Some("chosen-by-the-operator")).is_ok());
        let text = setup.announcement("http://x/sign-in");
        assert!(text.contains("SLUICE_ADMIN_TOKEN") && !text.contains("chosen"));
    }
}
