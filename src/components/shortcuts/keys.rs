//! Key chords, pure: what a shortcut's keys are ([`Chord`]), whether a key press matches one
//! ([`Chord::matches`]), how to write it for the reader's platform ([`Chord::label`]: `Ctrl` on
//! Linux and Windows, `⌘` on macOS), whether it may fire where focus is ([`Focus`]), and which
//! conversation is the previous or next one in the sidebar ([`neighbour`]). No browser, no
//! Leptos: the handler turns a `KeyboardEvent` and its target into these values.

/// The reader's platform, for the primary modifier (`Ctrl` or `⌘`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// macOS, iPadOS, iOS: the primary modifier is ⌘ (the `metaKey`).
    Mac,
    /// Linux, Windows, ChromeOS, …: the primary modifier is Ctrl.
    Other,
}

impl Platform {
    /// The platform from `navigator.platform` and `navigator.userAgent` (either may be empty).
    pub fn detect(platform: &str, user_agent: &str) -> Platform {
        let apple = |text: &str| {
            ["Mac", "iPhone", "iPad", "iPod"]
                .iter()
                .any(|name| text.contains(name))
        };
        if apple(platform) || (platform.is_empty() && apple(user_agent)) {
            Platform::Mac
        } else {
            Platform::Other
        }
    }
}

/// The key of a chord (besides its modifiers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A Latin letter (upper case here), matched in either case and, on a non-Latin layout,
    /// by its physical key (`KeyO`).
    Letter(char),
    /// A printed character such as `?` or `/`, matched by `KeyboardEvent.key` whatever
    /// Shift did to produce it (layouts put `/` and `?` on different keys).
    Symbol(char),
    /// A named key: `Escape`, `ArrowUp`, `ArrowDown` (the `KeyboardEvent.key` value).
    Named(&'static str),
}

/// A key with its modifiers. `primary` is Ctrl, or ⌘ on a Mac; the other of the two must be
/// up, and so must every modifier the chord does not name (Shift is ignored for symbols).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chord {
    /// Ctrl (⌘ on a Mac) held: such chords may fire while typing, being no text input.
    pub primary: bool,
    /// Shift held (letters and named keys only).
    pub shift: bool,
    /// Alt (⌥) held.
    pub alt: bool,
    /// The key itself.
    pub key: Key,
}

impl Chord {
    /// A key on its own.
    pub const fn plain(key: Key) -> Chord {
        Chord {
            primary: false,
            shift: false,
            alt: false,
            key,
        }
    }

    /// Ctrl/⌘ + Shift + `letter` (upper case).
    pub const fn primary_shift(letter: char) -> Chord {
        Chord {
            primary: true,
            shift: true,
            alt: false,
            key: Key::Letter(letter),
        }
    }

    /// Ctrl/⌘ + `key`.
    pub const fn primary(key: Key) -> Chord {
        Chord {
            primary: true,
            shift: false,
            alt: false,
            key,
        }
    }

    /// Alt (⌥) + `key`.
    pub const fn alt(key: Key) -> Chord {
        Chord {
            primary: false,
            shift: false,
            alt: true,
            key,
        }
    }

    /// Whether `press` is this chord on `platform`.
    pub fn matches(&self, press: &KeyPress, platform: Platform) -> bool {
        let (primary, other) = match platform {
            Platform::Mac => (press.meta, press.ctrl),
            Platform::Other => (press.ctrl, press.meta),
        };
        if primary != self.primary || other || press.alt != self.alt {
            return false;
        }
        match self.key {
            Key::Letter(letter) => {
                press.shift == self.shift
                    && (press
                        .key
                        .eq_ignore_ascii_case(letter.encode_utf8(&mut [0; 4]))
                        || (!press.key.is_ascii() && press.code == format!("Key{letter}")))
            }
            Key::Symbol(symbol) => *press.key == *symbol.encode_utf8(&mut [0; 4]),
            Key::Named(name) => press.shift == self.shift && press.key == name,
        }
    }

    /// Whether the chord may fire with focus in `focus`. A key that types or moves the caret
    /// there is left to the field: single keys (`?`, `/`) only fire outside text fields and
    /// menus; Esc fires everywhere (fields that use it stop it themselves); Alt+arrows not on a
    /// `<select>` (Alt+↓ opens it); Ctrl/⌘ chords everywhere.
    pub fn allowed_in(&self, focus: Focus) -> bool {
        match (focus, self.key) {
            (_, Key::Named("Escape")) => true,
            (_, _) if self.primary => true,
            (Focus::Elsewhere, _) => true,
            (Focus::TextField, _) => self.alt,
            (Focus::Select, _) => false,
        }
    }

    /// How the reader types it: `Ctrl+Shift+O` / `⇧⌘O`, `Alt+↑` / `⌥↑`, `Esc`, `?`.
    pub fn label(&self, platform: Platform) -> String {
        let key = match self.key {
            Key::Letter(c) | Key::Symbol(c) => c.to_string(),
            Key::Named("Escape") => "Esc".to_string(),
            Key::Named("ArrowUp") => "↑".to_string(),
            Key::Named("ArrowDown") => "↓".to_string(),
            Key::Named(name) => name.to_string(),
        };
        match platform {
            // Apple's order: ⌥ ⇧ ⌘, then the key, no separators.
            Platform::Mac => {
                let mut label = String::new();
                if self.alt {
                    label.push('⌥');
                }
                if self.shift {
                    label.push('⇧');
                }
                if self.primary {
                    label.push('⌘');
                }
                label + &key
            }
            Platform::Other => {
                let mut parts = Vec::new();
                if self.primary {
                    parts.push("Ctrl");
                }
                if self.alt {
                    parts.push("Alt");
                }
                if self.shift {
                    parts.push("Shift");
                }
                parts.push(&key);
                parts.join("+")
            }
        }
    }

    /// The `aria-keyshortcuts` value (`Control+Shift+O`, `Meta+Shift+O`, `Alt+ArrowUp`, `?`).
    pub fn aria(&self, platform: Platform) -> String {
        let mut parts = Vec::new();
        if self.primary {
            parts.push(match platform {
                Platform::Mac => "Meta",
                Platform::Other => "Control",
            });
        }
        if self.alt {
            parts.push("Alt");
        }
        if self.shift {
            parts.push("Shift");
        }
        let key = match self.key {
            Key::Letter(c) | Key::Symbol(c) => c.to_string(),
            Key::Named(name) => name.to_string(),
        };
        parts.push(&key);
        parts.join("+")
    }
}

/// A key press as the browser reported it (`KeyboardEvent`'s fields).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPress {
    /// `key`: the character or key name produced (`o`, `O`, `?`, `Escape`, `ArrowUp`).
    pub key: String,
    /// `code`: the physical key (`KeyO`), for letters on non-Latin layouts.
    pub code: String,
    /// `ctrlKey`.
    pub ctrl: bool,
    /// `metaKey` (⌘ on a Mac, the Windows key elsewhere).
    pub meta: bool,
    /// `shiftKey`.
    pub shift: bool,
    /// `altKey` (⌥ on a Mac).
    pub alt: bool,
}

/// Where keyboard focus is, as far as shortcuts care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// Somewhere that types text: a textarea, a text-like input, an editable element.
    TextField,
    /// A `<select>`, which uses letters and arrows itself.
    Select,
    /// Anywhere else (a button, a link, the page).
    Elsewhere,
}

/// `<input>` types that take no typing (every other type, and none, does).
const NON_TEXT_INPUTS: &[&str] = &[
    "button", "checkbox", "color", "file", "hidden", "image", "radio", "range", "reset", "submit",
];

impl Focus {
    /// The kind of an element: `tag` its tag name (any case), `input_type` its `type`
    /// attribute, `editable` whether it is `contentEditable`.
    pub fn of(tag: &str, input_type: Option<&str>, editable: bool) -> Focus {
        match tag.to_ascii_lowercase().as_str() {
            "textarea" => Focus::TextField,
            "select" => Focus::Select,
            "input" => {
                let kind = input_type.unwrap_or("text").trim().to_ascii_lowercase();
                if NON_TEXT_INPUTS.contains(&kind.as_str()) {
                    Focus::Elsewhere
                } else {
                    Focus::TextField
                }
            }
            _ if editable => Focus::TextField,
            _ => Focus::Elsewhere,
        }
    }
}

/// Which way to move through the sidebar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Up the list (newer).
    Previous,
    /// Down the list (older).
    Next,
}

/// The position in `ids` (the sidebar's conversations, top to bottom) one `step` from
/// `current`. From a new chat (`current` not in the list) Next is the top one and Previous
/// the bottom one; at either end there is nothing further (no wrapping).
pub fn neighbour<S: AsRef<str>>(ids: &[S], current: Option<&str>, step: Step) -> Option<usize> {
    let at = current.and_then(|current| ids.iter().position(|id| id.as_ref() == current));
    match (at, step) {
        (Some(at), Step::Previous) => at.checked_sub(1),
        (Some(at), Step::Next) => (at + 1 < ids.len()).then_some(at + 1),
        (None, Step::Next) => (!ids.is_empty()).then_some(0),
        (None, Step::Previous) => ids.len().checked_sub(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str, code: &str, ctrl: bool, meta: bool, shift: bool, alt: bool) -> KeyPress {
        KeyPress {
            key: key.into(),
            code: code.into(),
            ctrl,
            meta,
            shift,
            alt,
        }
    }

    #[test]
    fn the_primary_modifier_is_ctrl_elsewhere_and_command_on_a_mac() {
        let new_chat = Chord::primary_shift('O');
        let ctrl = press("O", "KeyO", true, false, true, false);
        let command = press("O", "KeyO", false, true, true, false);
        assert!(new_chat.matches(&ctrl, Platform::Other));
        assert!(!new_chat.matches(&command, Platform::Other));
        assert!(new_chat.matches(&command, Platform::Mac));
        assert!(!new_chat.matches(&ctrl, Platform::Mac));
        // Both held is another chord (Ctrl+⌘ combinations are the system's on a Mac).
        let both = press("O", "KeyO", true, true, true, false);
        assert!(!new_chat.matches(&both, Platform::Mac));
        assert!(!new_chat.matches(&both, Platform::Other));
    }

    #[test]
    fn letters_match_in_either_case_and_by_physical_key_on_other_layouts() {
        let chord = Chord::primary_shift('C');
        assert!(chord.matches(
            &press("c", "KeyC", true, false, true, false),
            Platform::Other
        ));
        assert!(chord.matches(
            &press("C", "KeyC", true, false, true, false),
            Platform::Other
        ));
        // A Russian layout: the key says "С" (Cyrillic), the physical key is still KeyC.
        assert!(chord.matches(
            &press("С", "KeyC", true, false, true, false),
            Platform::Other
        ));
        // A Latin layout that puts another letter there is matched by the letter, not the key.
        assert!(!chord.matches(
            &press("j", "KeyC", true, false, true, false),
            Platform::Other
        ));
        // Without Shift, or with Alt, it is another chord (Ctrl+C copies).
        assert!(!chord.matches(
            &press("c", "KeyC", true, false, false, false),
            Platform::Other
        ));
        assert!(!chord.matches(
            &press("C", "KeyC", true, false, true, true),
            Platform::Other
        ));
    }

    #[test]
    fn symbols_match_by_the_character_whatever_shift_did() {
        let help = Chord::plain(Key::Symbol('?'));
        assert!(help.matches(
            &press("?", "Slash", false, false, true, false),
            Platform::Other
        ));
        // A layout with `?` on another key (German: Shift+ß).
        assert!(help.matches(
            &press("?", "Minus", false, false, true, false),
            Platform::Mac
        ));
        assert!(!help.matches(
            &press("/", "Slash", false, false, false, false),
            Platform::Other
        ));
        assert!(!help.matches(
            &press("?", "Slash", true, false, true, false),
            Platform::Other
        ));
        let slash = Chord::primary(Key::Symbol('/'));
        assert!(slash.matches(
            &press("/", "Slash", true, false, false, false),
            Platform::Other
        ));
        assert!(slash.matches(
            &press("/", "Digit7", false, true, true, false),
            Platform::Mac
        ));
    }

    #[test]
    fn named_keys_need_exactly_their_modifiers() {
        let esc = Chord::plain(Key::Named("Escape"));
        assert!(esc.matches(
            &press("Escape", "Escape", false, false, false, false),
            Platform::Other
        ));
        // Shift+Esc is Chrome's task manager: not ours.
        assert!(!esc.matches(
            &press("Escape", "Escape", false, false, true, false),
            Platform::Other
        ));
        let up = Chord::alt(Key::Named("ArrowUp"));
        assert!(up.matches(
            &press("ArrowUp", "ArrowUp", false, false, false, true),
            Platform::Mac
        ));
        assert!(!up.matches(
            &press("ArrowUp", "ArrowUp", false, false, false, false),
            Platform::Mac
        ));
        assert!(!up.matches(
            &press("ArrowUp", "ArrowUp", false, false, true, true),
            Platform::Mac
        ));
        assert!(!up.matches(
            &press("ArrowLeft", "ArrowLeft", false, false, false, true),
            Platform::Mac
        ));
    }

    #[test]
    fn the_platform_comes_from_navigator_platform_then_the_user_agent() {
        assert_eq!(Platform::detect("MacIntel", ""), Platform::Mac);
        assert_eq!(Platform::detect("iPad", ""), Platform::Mac);
        assert_eq!(
            Platform::detect("Linux x86_64", "Mozilla/5.0 (X11; Linux x86_64)"),
            Platform::Other
        );
        assert_eq!(Platform::detect("Win32", ""), Platform::Other);
        assert_eq!(
            Platform::detect("", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)"),
            Platform::Mac
        );
        assert_eq!(Platform::detect("", ""), Platform::Other);
    }

    #[test]
    fn labels_follow_each_platforms_convention() {
        let chord = Chord::primary_shift('O');
        assert_eq!(chord.label(Platform::Other), "Ctrl+Shift+O");
        assert_eq!(chord.label(Platform::Mac), "⇧⌘O");
        assert_eq!(
            Chord::alt(Key::Named("ArrowDown")).label(Platform::Other),
            "Alt+↓"
        );
        assert_eq!(
            Chord::alt(Key::Named("ArrowDown")).label(Platform::Mac),
            "⌥↓"
        );
        assert_eq!(
            Chord::plain(Key::Named("Escape")).label(Platform::Mac),
            "Esc"
        );
        assert_eq!(Chord::plain(Key::Symbol('?')).label(Platform::Other), "?");
        assert_eq!(Chord::primary(Key::Symbol('/')).label(Platform::Mac), "⌘/");
        assert_eq!(chord.aria(Platform::Mac), "Meta+Shift+O");
        assert_eq!(chord.aria(Platform::Other), "Control+Shift+O");
        assert_eq!(
            Chord::alt(Key::Named("ArrowUp")).aria(Platform::Other),
            "Alt+ArrowUp"
        );
    }

    #[test]
    fn focus_kinds_of_elements() {
        assert_eq!(Focus::of("TEXTAREA", None, false), Focus::TextField);
        assert_eq!(Focus::of("INPUT", None, false), Focus::TextField);
        assert_eq!(Focus::of("INPUT", Some("search"), false), Focus::TextField);
        assert_eq!(
            Focus::of("input", Some("Password"), false),
            Focus::TextField
        );
        assert_eq!(
            Focus::of("INPUT", Some("checkbox"), false),
            Focus::Elsewhere
        );
        assert_eq!(Focus::of("INPUT", Some("file"), false), Focus::Elsewhere);
        assert_eq!(Focus::of("SELECT", None, false), Focus::Select);
        assert_eq!(Focus::of("DIV", None, true), Focus::TextField);
        assert_eq!(Focus::of("BUTTON", None, false), Focus::Elsewhere);
        assert_eq!(Focus::of("BODY", None, false), Focus::Elsewhere);
    }

    #[test]
    fn single_keys_never_fire_while_typing() {
        let help = Chord::plain(Key::Symbol('?'));
        assert!(help.allowed_in(Focus::Elsewhere));
        assert!(!help.allowed_in(Focus::TextField));
        assert!(!help.allowed_in(Focus::Select));
        let esc = Chord::plain(Key::Named("Escape"));
        assert!(esc.allowed_in(Focus::TextField));
        assert!(esc.allowed_in(Focus::Select));
        let new_chat = Chord::primary_shift('O');
        assert!(new_chat.allowed_in(Focus::TextField));
        assert!(new_chat.allowed_in(Focus::Select));
        let next = Chord::alt(Key::Named("ArrowDown"));
        assert!(next.allowed_in(Focus::TextField));
        assert!(next.allowed_in(Focus::Elsewhere));
        assert!(!next.allowed_in(Focus::Select));
    }

    #[test]
    fn neighbours_in_the_sidebar_without_wrapping() {
        let ids = ["a", "b", "c"];
        assert_eq!(neighbour(&ids, Some("b"), Step::Previous), Some(0));
        assert_eq!(neighbour(&ids, Some("b"), Step::Next), Some(2));
        assert_eq!(neighbour(&ids, Some("a"), Step::Previous), None);
        assert_eq!(neighbour(&ids, Some("c"), Step::Next), None);
        // A new chat (or one not listed, e.g. filtered out by a search).
        assert_eq!(neighbour(&ids, None, Step::Next), Some(0));
        assert_eq!(neighbour(&ids, None, Step::Previous), Some(2));
        assert_eq!(neighbour(&ids, Some("zz"), Step::Next), Some(0));
        let empty: [&str; 0] = [];
        assert_eq!(neighbour(&empty, None, Step::Next), None);
        assert_eq!(neighbour(&empty, None, Step::Previous), None);
    }
}
