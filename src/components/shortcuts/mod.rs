//! Keyboard shortcuts: the one table ([`SHORTCUTS`]) that both the key handler (`handler`:
//! one window `keydown` listener, installed by the chat layout) and the `?` overlay
//! (`overlay`: the dialog listing them, and the "Keyboard shortcuts" button that opens it)
//! read, so what is documented is what works. README.md's "Keyboard shortcuts" table is checked
//! against it by a test below. Chord matching, labels and focus rules are pure, in `keys`.
//!
//! Chosen not to clash with the browser or screen readers: Ctrl (⌘ on a Mac) + Shift + a
//! letter the browsers leave to pages (ChatGPT's choices where they exist; never Ctrl+K/L/T/W/N,
//! Shift+Esc — Chrome's task manager — or Ctrl+Shift+R/T/N/W/Q), Alt+↑/↓ for the conversation
//! list (Alt+←/→ are back/forward; NVDA and VoiceOver use Ctrl+Alt and Ctrl+⌥ chords, which
//! none of these are), single keys (`?`, `/`) only when focus is not in a text field.

pub mod handler;
pub mod keys;
pub mod overlay;

use keys::{Chord, Key};

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start a new chat (as the sidebar's New chat) and put the cursor in the composer.
    NewChat,
    /// Move focus to the message box.
    FocusComposer,
    /// Move focus to the sidebar's search box (opening the sidebar if it is closed).
    SearchChats,
    /// Stop the answer being written.
    Stop,
    /// Copy the last answer's Markdown to the clipboard.
    CopyLastAnswer,
    /// Ask again for the last answer (as its Regenerate button).
    Regenerate,
    /// Show or hide the sidebar (the layout's `SidebarToggle`: docked, or the phone drawer).
    ToggleSidebar,
    /// Open the conversation above the current one in the sidebar.
    PreviousChat,
    /// Open the conversation below the current one in the sidebar.
    NextChat,
    /// Open (or close) the list of shortcuts.
    ShowShortcuts,
}

impl Action {
    /// A stable name for tests and the overlay's rows (`data-action`).
    pub fn slug(self) -> &'static str {
        match self {
            Action::NewChat => "new-chat",
            Action::FocusComposer => "focus-composer",
            Action::SearchChats => "search-chats",
            Action::Stop => "stop",
            Action::CopyLastAnswer => "copy-last-answer",
            Action::Regenerate => "regenerate",
            Action::ToggleSidebar => "toggle-sidebar",
            Action::PreviousChat => "previous-chat",
            Action::NextChat => "next-chat",
            Action::ShowShortcuts => "show-shortcuts",
        }
    }
}

/// One shortcut: its chords, what it does, and the sentence the overlay and README show.
#[derive(Clone, Copy, Debug)]
pub struct Shortcut {
    /// The chords that do it (any of them); the first is the one to learn.
    pub keys: &'static [Chord],
    /// What happens.
    pub action: Action,
    /// The overlay's and README's words for it.
    pub description: &'static str,
}

/// Every shortcut, in the order the overlay and README list them.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        keys: &[Chord::primary_shift('O')],
        action: Action::NewChat,
        description: "New chat",
    },
    Shortcut {
        keys: &[Chord::plain(Key::Symbol('/'))],
        action: Action::FocusComposer,
        description: "Focus the message box",
    },
    Shortcut {
        keys: &[Chord::primary_shift('F')],
        action: Action::SearchChats,
        description: "Search chats",
    },
    Shortcut {
        keys: &[Chord::plain(Key::Named("Escape"))],
        action: Action::Stop,
        description: "Stop the answer being written",
    },
    Shortcut {
        keys: &[Chord::primary_shift('C')],
        action: Action::CopyLastAnswer,
        description: "Copy the last answer",
    },
    Shortcut {
        keys: &[Chord::primary_shift('E')],
        action: Action::Regenerate,
        description: "Regenerate the last answer",
    },
    Shortcut {
        keys: &[Chord::primary_shift('S')],
        action: Action::ToggleSidebar,
        description: "Show or hide the sidebar",
    },
    Shortcut {
        keys: &[Chord::alt(Key::Named("ArrowUp"))],
        action: Action::PreviousChat,
        description: "Previous chat in the sidebar",
    },
    Shortcut {
        keys: &[Chord::alt(Key::Named("ArrowDown"))],
        action: Action::NextChat,
        description: "Next chat in the sidebar",
    },
    Shortcut {
        keys: &[
            Chord::plain(Key::Symbol('?')),
            Chord::primary(Key::Symbol('/')),
        ],
        action: Action::ShowShortcuts,
        description: "Show these shortcuts",
    },
];

/// The action of the first shortcut `press` is, if it may fire with focus in `focus`.
pub fn action_for(
    press: &keys::KeyPress,
    platform: keys::Platform,
    focus: keys::Focus,
) -> Option<Action> {
    SHORTCUTS
        .iter()
        .find(|shortcut| {
            shortcut
                .keys
                .iter()
                .any(|chord| chord.matches(press, platform) && chord.allowed_in(focus))
        })
        .map(|shortcut| shortcut.action)
}

/// The reader's platform, from the browser.
pub fn current_platform() -> keys::Platform {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return keys::Platform::Other;
    };
    keys::Platform::detect(
        &navigator.platform().unwrap_or_default(),
        &navigator.user_agent().unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::keys::{Focus, KeyPress, Platform};
    use super::*;

    const README: &str = include_str!("../../../README.md");

    fn press(key: &str, code: &str, ctrl: bool, shift: bool) -> KeyPress {
        KeyPress {
            key: key.into(),
            code: code.into(),
            ctrl,
            shift,
            ..KeyPress::default()
        }
    }

    #[test]
    fn every_action_has_exactly_one_shortcut_and_no_chord_is_used_twice() {
        let actions = [
            Action::NewChat,
            Action::FocusComposer,
            Action::SearchChats,
            Action::Stop,
            Action::CopyLastAnswer,
            Action::Regenerate,
            Action::ToggleSidebar,
            Action::PreviousChat,
            Action::NextChat,
            Action::ShowShortcuts,
        ];
        for action in actions {
            assert_eq!(
                SHORTCUTS.iter().filter(|s| s.action == action).count(),
                1,
                "{action:?}"
            );
        }
        let chords: Vec<Chord> = SHORTCUTS
            .iter()
            .flat_map(|s| s.keys.iter().copied())
            .collect();
        for (i, chord) in chords.iter().enumerate() {
            assert!(!chords[i + 1..].contains(chord), "{chord:?} is used twice");
        }
    }

    #[test]
    fn no_shortcut_takes_a_key_the_browser_or_a_screen_reader_owns() {
        for shortcut in SHORTCUTS {
            for chord in shortcut.keys {
                let label = chord.label(Platform::Other);
                // Browser keys (tabs, windows, address bar, reload, back/forward, devtools
                // consoles, find) and Chrome's task manager (Shift+Esc).
                for taken in [
                    "Ctrl+K",
                    "Ctrl+L",
                    "Ctrl+T",
                    "Ctrl+W",
                    "Ctrl+N",
                    "Ctrl+R",
                    "Ctrl+Shift+R",
                    "Ctrl+Shift+T",
                    "Ctrl+Shift+N",
                    "Ctrl+Shift+W",
                    "Ctrl+Shift+Q",
                    "Ctrl+Shift+I",
                    "Ctrl+Shift+J",
                    "Ctrl+Shift+G",
                    "Ctrl+F",
                    "Alt+←",
                    "Alt+→",
                    "Shift+Esc",
                ] {
                    assert_ne!(label, taken, "{:?}", shortcut.action);
                }
                // Screen readers' own chords (NVDA/JAWS: Ctrl+Alt+…, VoiceOver: Ctrl+⌥+…).
                assert!(!(chord.primary && chord.alt), "{:?}", shortcut.action);
            }
        }
    }

    #[test]
    fn key_presses_find_their_actions_and_single_keys_wait_outside_text_fields() {
        let platform = Platform::Other;
        let new_chat = press("O", "KeyO", true, true);
        assert_eq!(
            action_for(&new_chat, platform, Focus::TextField),
            Some(Action::NewChat)
        );
        let question = press("?", "Slash", false, true);
        assert_eq!(
            action_for(&question, platform, Focus::Elsewhere),
            Some(Action::ShowShortcuts)
        );
        assert_eq!(action_for(&question, platform, Focus::TextField), None);
        let slash = press("/", "Slash", false, false);
        assert_eq!(
            action_for(&slash, platform, Focus::Elsewhere),
            Some(Action::FocusComposer)
        );
        assert_eq!(action_for(&slash, platform, Focus::TextField), None);
        let ctrl_slash = press("/", "Slash", true, false);
        assert_eq!(
            action_for(&ctrl_slash, platform, Focus::TextField),
            Some(Action::ShowShortcuts)
        );
        let esc = press("Escape", "Escape", false, false);
        assert_eq!(
            action_for(&esc, platform, Focus::TextField),
            Some(Action::Stop)
        );
        // Plain typing is never a shortcut.
        assert_eq!(
            action_for(
                &press("o", "KeyO", false, false),
                platform,
                Focus::Elsewhere
            ),
            None
        );
        // Ctrl+C (copy) is not "copy the last answer".
        assert_eq!(
            action_for(&press("c", "KeyC", true, false), platform, Focus::Elsewhere),
            None
        );
    }

    /// The README's "Keyboard shortcuts" section (up to the next heading).
    fn readme_section() -> &'static str {
        let start = README
            .find("### Keyboard shortcuts")
            .expect("README.md has a Keyboard shortcuts section");
        let rest = &README[start + 3..];
        &rest[..rest.find("\n#").unwrap_or(rest.len())]
    }

    #[test]
    fn the_readme_lists_every_shortcut_with_its_keys_on_both_platforms() {
        let section = readme_section();
        for shortcut in SHORTCUTS {
            let row = section
                .lines()
                .find(|line| line.starts_with(&format!("| {} |", shortcut.description)))
                .unwrap_or_else(|| panic!("README row for {:?}", shortcut.description));
            for chord in shortcut.keys {
                for platform in [Platform::Other, Platform::Mac] {
                    let keys = format!("`{}`", chord.label(platform));
                    assert!(row.contains(&keys), "{row:?} lacks {keys}");
                }
            }
        }
        let rows = section
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
            .count();
        // The header row plus one per shortcut: nothing documented that does not exist.
        assert_eq!(rows, SHORTCUTS.len() + 1, "README rows: {section}");
    }
}
