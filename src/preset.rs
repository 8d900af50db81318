//! Saved presets as both the server and the browser see them: a named system prompt and model
//! to start a chat from. The store (`store::presets`, server only) reads and writes them; the
//! preset server functions and the presets panel share this type and its limits.

use crate::ids::PresetId;
use serde::{Deserialize, Serialize};

/// The longest preset name accepted, in characters (after trimming).
pub const MAX_PRESET_NAME_CHARS: usize = 80;

/// One saved preset of a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Preset {
    /// UUID of the preset; the handle for editing and deleting it.
    pub id: PresetId,
    /// What the list shows; unique per user (ignoring ASCII case), so a name picks one preset.
    pub name: String,
    /// The system prompt a chat started from this preset sends first ("" for none).
    pub system_prompt: String,
    /// The model a chat started from this preset uses; `None` keeps the picker's choice.
    pub model: Option<String>,
    /// Creation time, unix ms.
    pub created_at: i64,
    /// Last edit, unix ms.
    pub updated_at: i64,
}

/// The stored form of a preset name typed by a user: whitespace runs become one space and the
/// ends are trimmed. `Err` holds the user-safe reason when it is empty or longer than
/// [`MAX_PRESET_NAME_CHARS`]. The server enforces it; the panel uses it to answer early.
pub fn normalize_preset_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("The preset name is empty.".to_string());
    }
    if name.chars().count() > MAX_PRESET_NAME_CHARS {
        return Err(format!(
            "The preset name is too long (the limit is {MAX_PRESET_NAME_CHARS} characters)."
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_spaces_collapsed() {
        assert_eq!(
            normalize_preset_name("  Code\t review \n helper ").as_deref(),
            Ok("Code review helper")
        );
    }

    #[test]
    fn empty_and_blank_names_are_refused() {
        for raw in ["", "   ", "\n\t"] {
            assert!(normalize_preset_name(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let at_limit = "é".repeat(MAX_PRESET_NAME_CHARS);
        assert_eq!(normalize_preset_name(&at_limit), Ok(at_limit.clone()));
        let over = format!("{at_limit}x");
        let error = normalize_preset_name(&over).unwrap_err();
        assert!(error.contains("too long"), "{error}");
    }
}
