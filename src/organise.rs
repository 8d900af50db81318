//! Organising chats, as both the server and the browser see it: a user's [`Folder`], the rule
//! for folder names ([`normalize_folder_name`]) and how many chats one bulk action may name
//! ([`MAX_BULK_CONVERSATIONS`]). The store (`store::folders`, `store::organise`, server only)
//! reads and writes them; the folder and bulk server functions and the sidebar share these.

use crate::ids::FolderId;
use serde::{Deserialize, Serialize};

/// The longest folder name accepted, in characters (after trimming).
pub const MAX_FOLDER_NAME_CHARS: usize = 60;

/// The most chats one bulk action (delete, archive, restore, move) may name: bounded so one
/// request is one short transaction; the sidebar never selects more than it lists.
pub const MAX_BULK_CONVERSATIONS: usize = 500;

/// The 404 text of the folder endpoints (unknown, malformed and other users' ids alike).
pub const FOLDER_NOT_FOUND: &str = "That folder does not exist.";

/// The 404 text of the bulk endpoints: one of the named chats (or the folder) is unknown,
/// malformed or another user's; nothing was changed.
pub const BULK_NOT_FOUND: &str =
    "One of the chosen chats (or the folder) does not exist; nothing was changed.";

/// Why a bulk action naming `count` chats is refused, if it is: none, or more than
/// [`MAX_BULK_CONVERSATIONS`].
pub fn bulk_count_problem(count: usize) -> Option<String> {
    if count == 0 {
        Some("No chats were chosen.".to_string())
    } else if count > MAX_BULK_CONVERSATIONS {
        Some(format!(
            "Too many chats at once ({count}): at most {MAX_BULK_CONVERSATIONS} per action."
        ))
    } else {
        None
    }
}

/// One folder of a user's sidebar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Folder {
    /// UUID of the folder; what moving, renaming and deleting name.
    pub id: FolderId,
    /// What the sidebar shows; unique per user (ignoring ASCII case), so an import can find a
    /// folder by name.
    pub name: String,
    /// Whether the sidebar shows it folded (its chats hidden); kept across reloads and devices.
    pub collapsed: bool,
    /// Creation time, unix ms.
    pub created_at: i64,
}

/// The stored form of a folder name typed by a user: whitespace runs become one space and the
/// ends are trimmed. `Err` holds the user-safe reason when it is empty or longer than
/// [`MAX_FOLDER_NAME_CHARS`]. The server enforces it; the sidebar uses it to answer early.
pub fn normalize_folder_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("The folder name is empty.".to_string());
    }
    if name.chars().count() > MAX_FOLDER_NAME_CHARS {
        return Err(format!(
            "The folder name is too long (the limit is {MAX_FOLDER_NAME_CHARS} characters)."
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_trimmed_and_bounded() {
        assert_eq!(
            normalize_folder_name("  Work \t notes ").as_deref(),
            Ok("Work notes")
        );
        assert!(normalize_folder_name(" \n ").is_err());
        let longest = "é".repeat(MAX_FOLDER_NAME_CHARS);
        assert_eq!(
            normalize_folder_name(&longest).as_deref(),
            Ok(longest.as_str())
        );
        assert!(normalize_folder_name(&format!("{longest}x")).is_err());
    }

    #[test]
    fn bulk_actions_name_one_to_the_maximum() {
        assert!(bulk_count_problem(0).is_some());
        assert!(bulk_count_problem(1).is_none());
        assert!(bulk_count_problem(MAX_BULK_CONVERSATIONS).is_none());
        assert!(bulk_count_problem(MAX_BULK_CONVERSATIONS + 1).is_some());
    }
}
