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

/// The trimmed account name, or why it is refused.
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
