//! The colour theme the reader chose (System, Light or Dark) and its cookie, `sluice_theme`.
//! The server reads the cookie to render `<html data-theme="…">` (no flash, no inline
//! script); the theme switch writes it. Only the three known values are ever read back, so a
//! hostile cookie cannot put anything else into the page. Pure: both builds, no I/O.

/// The cookie holding the choice (readable by the page, which writes it).
pub const THEME_COOKIE: &str = "sluice_theme";

/// How long the browser keeps the choice: a year, in seconds.
const COOKIE_MAX_AGE_SECS: u32 = 365 * 24 * 60 * 60;

/// The reader's choice of colour theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeChoice {
    /// Follow the operating system (`prefers-color-scheme`).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in the order the switch shows them.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// The value of `data-theme` and of the cookie.
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    /// What the switch calls it.
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "System",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    /// The choice named by `value` exactly (`None` for anything else).
    pub fn parse(value: &str) -> Option<ThemeChoice> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The choice in a `Cookie:` header value: the first `sluice_theme` cookie naming a known
    /// theme; `System` when there is none.
    pub fn from_cookie_header(header: &str) -> ThemeChoice {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| name.trim() == THEME_COOKIE)
            .find_map(|(_, value)| ThemeChoice::parse(value.trim()))
            .unwrap_or_default()
    }

    /// The `document.cookie` assignment that stores this choice (`Secure` on HTTPS pages).
    pub fn cookie(self, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!(
            "{THEME_COOKIE}={}; Path=/; Max-Age={COOKIE_MAX_AGE_SECS}; SameSite=Lax{secure}",
            self.as_str()
        )
    }

    /// The `<meta name="theme-color">` colour for a system in dark (`system_dark`) or light
    /// mode: the system's own for `System`, the chosen theme's otherwise.
    pub fn theme_color(self, system_dark: bool) -> &'static str {
        let dark = match self {
            ThemeChoice::System => system_dark,
            ThemeChoice::Light => false,
            ThemeChoice::Dark => true,
        };
        if dark {
            DARK_THEME_COLOR
        } else {
            LIGHT_THEME_COLOR
        }
    }

    /// The browser's `<meta name="color-scheme">` for this choice.
    pub fn color_scheme(self) -> &'static str {
        match self {
            ThemeChoice::System => "light dark",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }
}

/// The browser chrome colour (`<meta name="theme-color">`) of the light theme: its `--bg`.
pub const LIGHT_THEME_COLOR: &str = "#ffffff";

/// The browser chrome colour of the dark theme: its `--bg`.
pub const DARK_THEME_COLOR: &str = "#0f1115";

#[cfg(test)]
mod tests {
    use super::ThemeChoice;

    #[test]
    fn the_cookie_names_one_of_three_themes() {
        assert_eq!(
            ThemeChoice::from_cookie_header("sluice_theme=dark"),
            ThemeChoice::Dark
        );
        assert_eq!(
            ThemeChoice::from_cookie_header("a=b; sluice_theme=light; c=d"),
            ThemeChoice::Light
        );
        assert_eq!(ThemeChoice::from_cookie_header(""), ThemeChoice::System);
        assert_eq!(
            ThemeChoice::from_cookie_header("other_theme=dark"),
            ThemeChoice::System
        );
    }

    #[test]
    fn hostile_values_are_ignored() {
        for header in [
            "sluice_theme=\"><script>alert(1)</script>",
            "sluice_theme=Dark",
            "sluice_theme=dark\"",
            "sluice_theme=dark onload=x",
            "sluice_theme=",
            "sluice_theme",
        ] {
            assert_eq!(
                ThemeChoice::from_cookie_header(header),
                ThemeChoice::System,
                "{header}"
            );
        }
        // A hostile first cookie does not hide a valid later one.
        assert_eq!(
            ThemeChoice::from_cookie_header("sluice_theme=x; sluice_theme=dark"),
            ThemeChoice::Dark
        );
    }

    #[test]
    fn the_cookie_written_is_read_back() {
        for choice in ThemeChoice::ALL {
            let cookie = choice.cookie(false);
            assert!(cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
            assert!(!cookie.contains("HttpOnly") && !cookie.contains("Secure"));
            let pair = cookie.split(';').next().unwrap_or_default();
            assert_eq!(ThemeChoice::from_cookie_header(pair), choice);
        }
        assert!(ThemeChoice::Dark.cookie(true).ends_with("; Secure"));
    }
}
