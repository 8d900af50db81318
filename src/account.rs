//! Accounts as the browser sees them: the access modes, who is signed in, and the admin's view
//! of users. Shared by the server functions and the sign-in and admin pages; nothing
//! here is secret — password hashes never leave the storage module.

use serde::{Deserialize, Serialize};

/// How the server knows who is asking (`[auth] mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// Single user, no sign-in: everything belongs to the built-in local user. Only allowed
    /// while the server listens on a loopback address.
    Off,
    /// Accounts with names and passwords, sessions in a cookie.
    Local,
    /// An authenticating reverse proxy names the user in a request header.
    TrustedHeader,
}

/// Who may create an account (`[auth] signup`); the very first account is always allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupMode {
    /// Anyone may sign up and use the site at once.
    Open,
    /// Anyone may sign up; an admin approves the account before it can sign in.
    Approval,
    /// Nobody may sign up once the first account exists.
    Closed,
}

/// Whether an account may sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// May sign in.
    Active,
    /// Signed up in approval mode; waits for an admin.
    Pending,
    /// Turned off by an admin; its sessions were revoked.
    Disabled,
}

impl AccountStatus {
    /// The word stored in the database and sent in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Disabled => "disabled",
        }
    }

    /// The status a stored word names (`None` for anything else).
    pub fn parse(word: &str) -> Option<AccountStatus> {
        match word {
            "active" => Some(Self::Active),
            "pending" => Some(Self::Pending),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// The signed-in user, as the pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// The user's id (admin functions name users by it).
    pub id: i64,
    /// The sign-in name.
    pub name: String,
    /// Whether the admin functions are open to this user.
    pub is_admin: bool,
}

/// What a page needs to decide between the sign-in form, the sign-up form and the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthStatus {
    /// The configured mode.
    pub mode: AuthMode,
    /// The configured sign-up mode.
    pub signup: SignupMode,
    /// The user this request acts for, if any.
    pub user: Option<AccountInfo>,
    /// True while no account exists: the next sign-up creates the first admin.
    pub first_user: bool,
    /// True when the next sign-up must present the set-up token printed at start-up (`local`
    /// mode before the first account), so the page shows a field for it.
    #[serde(default)]
    pub setup_token_needed: bool,
}

/// What a sign-up produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpResult {
    /// The new account.
    pub account: AccountInfo,
    /// True when the account waits for an admin's approval (no session was started); false
    /// when the caller is now signed in.
    pub pending: bool,
}

/// One row of the admin's user list (never a password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// The user's id.
    pub id: i64,
    /// The sign-in name.
    pub name: String,
    /// Whether the user is an admin.
    pub is_admin: bool,
    /// Whether the user may sign in.
    pub status: AccountStatus,
    /// When the account was created (unix milliseconds).
    pub created_at: i64,
}

/// The longest account name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted, in bytes (hashing cost must stay bounded).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The trimmed account name, or why it is refused: 1–64 characters, no control characters.
/// The rule for names that are looked up (sign-in, a proxy-named user), so names created
/// before [`check_new_name`] existed keep working; new accounts follow [`check_new_name`].
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("The name is empty.".to_string());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "The name is too long (the limit is {MAX_NAME_CHARS} characters)."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("The name contains control characters.".to_string());
    }
    Ok(name.to_string())
}

/// The trimmed name of a new account, or why it is refused: [`check_name`]'s rules, and no
/// character that is invisible or changes the text's direction, so that no name can look
/// like another (the server applies it to the NFC form, see `canonical_name`).
pub fn check_new_name(name: &str) -> Result<String, String> {
    let name = check_name(name)?;
    if name.chars().any(is_invisible) {
        return Err(
            "The name contains invisible or text-direction characters (such as \
                    zero-width spaces, right-to-left marks or spaces other than the plain \
                    space)."
                .to_string(),
        );
    }
    Ok(name)
}

/// Characters that show nothing (or only change how neighbours show): Unicode's format
/// characters (zero-width spaces and joiners, bidirectional controls, the soft hyphen, the
/// byte-order mark, tags), fillers and selectors that render blank, and every space but
/// U+0020.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{0600}'..='\u{0605}' | '\u{06DD}'
        | '\u{070F}' | '\u{0890}' | '\u{0891}' | '\u{08E2}' | '\u{115F}' | '\u{1160}'
        | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}'
    ) || (c.is_whitespace() && c != ' ')
}

/// [ssr] `name` trimmed and in Unicode normal form C, the form names are stored, looked up
/// and throttled in: "é" typed as one character or as "e" + accent is the same name.
#[cfg(feature = "ssr")]
pub fn canonical_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.trim().nfc().collect()
}

/// Why a new password is refused, if it is.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password is too short (at least {MIN_PASSWORD_CHARS} characters)."
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "The password is too long (the limit is {MAX_PASSWORD_BYTES} bytes)."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_names_refuse_invisible_and_direction_characters() {
        for name in [
            "ali\u{200B}ce",
            "alice\u{200D}",
            "\u{202E}ecila",
            "al\u{2066}ice",
            "ali\u{00AD}ce",
            "ann\u{00A0}bell",
            "\u{FEFF}alice",
            "alice\u{E0041}",
            "\u{3164}",
        ] {
            assert!(check_new_name(name).is_err(), "{name:?}");
            assert!(check_name(name).is_ok(), "lookups stay lenient: {name:?}");
        }
        for name in [
            "alice",
            "Ann Bell",
            "José",
            "Zoë O'Neil",
            "李雷",
            "محمد",
            "дмитрий",
        ] {
            assert_eq!(check_new_name(name).as_deref(), Ok(name));
        }
        assert!(check_new_name("a\u{0007}b").is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn canonical_names_are_trimmed_nfc() {
        assert_eq!(canonical_name(" Jose\u{0301} "), "Jos\u{00E9}");
        assert_eq!(canonical_name("Jos\u{00E9}"), "Jos\u{00E9}");
    }
}
