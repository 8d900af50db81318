//! `\mathbf`, `\mathbb` and friends: Latin letters and digits mapped to Unicode's
//! mathematical alphanumeric symbols (MathML Core renders those; `mathvariant` other than
//! `normal` is not supported by browsers).

/// A math alphabet selected by a font command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Font {
    /// `\mathrm`: upright.
    Upright,
    /// `\mathbf`.
    Bold,
    /// `\mathit`.
    Italic,
    /// `\boldsymbol`, `\bm`.
    BoldItalic,
    /// `\mathbb`.
    DoubleStruck,
    /// `\mathcal`, `\mathscr`.
    Script,
    /// `\mathfrak`.
    Fraktur,
    /// `\mathsf`.
    SansSerif,
    /// `\mathtt`.
    Monospace,
}

/// The font a command selects.
pub(crate) fn font_command(name: &str) -> Option<Font> {
    let font = match name {
        "mathrm" | "rm" | "mathup" => Font::Upright,
        "mathbf" | "bf" => Font::Bold,
        "mathit" | "it" => Font::Italic,
        "boldsymbol" | "bm" => Font::BoldItalic,
        "mathbb" | "Bbb" => Font::DoubleStruck,
        "mathcal" | "mathscr" | "cal" => Font::Script,
        "mathfrak" | "frak" => Font::Fraktur,
        "mathsf" | "sf" => Font::SansSerif,
        "mathtt" | "tt" => Font::Monospace,
        _ => return None,
    };
    Some(font)
}

/// `c` in `font` (unchanged when the alphabet has no such character).
pub(crate) fn styled(c: char, font: Font) -> char {
    if let Some(special) = hole(c, font) {
        return special;
    }
    let (upper, lower, digit): (u32, Option<u32>, Option<u32>) = match font {
        Font::Upright => return c,
        Font::Bold => (0x1D400, Some(0x1D41A), Some(0x1D7CE)),
        Font::Italic => (0x1D434, Some(0x1D44E), None),
        Font::BoldItalic => (0x1D468, Some(0x1D482), Some(0x1D7CE)),
        Font::DoubleStruck => (0x1D538, Some(0x1D552), Some(0x1D7D8)),
        Font::Script => (0x1D49C, Some(0x1D4B6), None),
        Font::Fraktur => (0x1D504, Some(0x1D51E), None),
        Font::SansSerif => (0x1D5A0, Some(0x1D5BA), Some(0x1D7E2)),
        Font::Monospace => (0x1D670, Some(0x1D68A), Some(0x1D7F6)),
    };
    let mapped = if c.is_ascii_uppercase() {
        Some(upper + (c as u32 - 'A' as u32))
    } else if c.is_ascii_lowercase() {
        lower.map(|base| base + (c as u32 - 'a' as u32))
    } else if c.is_ascii_digit() {
        digit.map(|base| base + (c as u32 - '0' as u32))
    } else {
        None
    };
    mapped.and_then(char::from_u32).unwrap_or(c)
}

/// Letters that Unicode placed outside the contiguous alphabets (in Letterlike Symbols).
fn hole(c: char, font: Font) -> Option<char> {
    let found = match (font, c) {
        (Font::Italic, 'h') => 'ℎ',
        (Font::DoubleStruck, 'C') => 'ℂ',
        (Font::DoubleStruck, 'H') => 'ℍ',
        (Font::DoubleStruck, 'N') => 'ℕ',
        (Font::DoubleStruck, 'P') => 'ℙ',
        (Font::DoubleStruck, 'Q') => 'ℚ',
        (Font::DoubleStruck, 'R') => 'ℝ',
        (Font::DoubleStruck, 'Z') => 'ℤ',
        (Font::Script, 'B') => 'ℬ',
        (Font::Script, 'E') => 'ℰ',
        (Font::Script, 'F') => 'ℱ',
        (Font::Script, 'H') => 'ℋ',
        (Font::Script, 'I') => 'ℐ',
        (Font::Script, 'L') => 'ℒ',
        (Font::Script, 'M') => 'ℳ',
        (Font::Script, 'R') => 'ℛ',
        (Font::Script, 'e') => 'ℯ',
        (Font::Script, 'g') => 'ℊ',
        (Font::Script, 'o') => 'ℴ',
        (Font::Fraktur, 'C') => 'ℭ',
        (Font::Fraktur, 'H') => 'ℌ',
        (Font::Fraktur, 'I') => 'ℑ',
        (Font::Fraktur, 'R') => 'ℜ',
        (Font::Fraktur, 'Z') => 'ℨ',
        _ => return None,
    };
    Some(found)
}
