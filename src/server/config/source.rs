//! The one reader of configuration values. Every setting is looked up the same way: its
//! environment variable first (a value that is empty or only spaces counts as unset), then its
//! key in `sluice.toml`, then its default. Numbers are parsed as what they are (whole numbers as
//! integers, so `-5` is refused rather than becoming 0) and checked against the setting's
//! accepted range. A refused value stops start-up with one sentence naming where it came from:
//! `SLUICE_TURN_GRACE_SECS must be …, got "-1"` or
//! `sluice.toml line 7: [turns] grace_secs must be …, got -1`.

use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

/// One setting: the environment variable that overrides it (if any) and its place in the file.
#[derive(Clone, Copy, Debug)]
pub(super) struct Setting {
    /// The overriding environment variable, `None` for settings only the file can hold.
    pub var: Option<&'static str>,
    /// The file's table holding the key, as written in sentences (`[turns]`, `[[providers]]`).
    pub table: &'static str,
    /// The key inside that table.
    pub key: &'static str,
}

impl Setting {
    /// A setting the variable `var` overrides, at `table`'s `key` in the file.
    pub const fn new(var: &'static str, table: &'static str, key: &'static str) -> Self {
        Self {
            var: Some(var),
            table,
            key,
        }
    }

    /// A setting only the file can hold.
    pub const fn file_only(table: &'static str, key: &'static str) -> Self {
        Self {
            var: None,
            table,
            key,
        }
    }
}

/// The accepted range of a whole-number setting, inclusive.
#[derive(Clone, Copy, Debug)]
pub(super) struct Whole {
    /// The smallest accepted value (besides 0 when `zero_is_off`).
    pub min: u64,
    /// The largest accepted value.
    pub max: u64,
    /// Whether 0 is accepted too, meaning "no limit".
    pub zero_is_off: bool,
    /// What is counted, for the sentence (`bytes`, `milliseconds`; empty: nothing said).
    pub unit: &'static str,
}

impl Whole {
    /// A whole number from `min` to `max`, counting `unit`.
    pub const fn range(min: u64, max: u64, unit: &'static str) -> Self {
        Self {
            min,
            max,
            zero_is_off: false,
            unit,
        }
    }

    /// Like [`Whole::range`], with 0 accepted as "no limit".
    pub const fn or_off(min: u64, max: u64, unit: &'static str) -> Self {
        Self {
            min,
            max,
            zero_is_off: true,
            unit,
        }
    }

    /// Whether `value` is accepted.
    fn admits(&self, value: i128) -> bool {
        (self.zero_is_off && value == 0)
            || (i128::from(self.min) <= value && value <= i128::from(self.max))
    }

    /// What the setting must be, for the sentence.
    fn expected(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" of {}", self.unit)
        };
        let off = if self.zero_is_off {
            ", or 0 for no limit"
        } else {
            ""
        };
        format!(
            "a whole number{unit} from {} to {}{off}",
            self.min, self.max
        )
    }
}

/// The accepted range of a setting that may have a fraction (seconds, a rate).
#[derive(Clone, Copy, Debug)]
pub(super) struct Decimal {
    /// The bound below; excluded when `above_min`, else the smallest accepted value.
    pub min: f64,
    /// The largest accepted value.
    pub max: f64,
    /// Whether `min` itself is refused (only values above it are accepted).
    pub above_min: bool,
    /// What is counted, for the sentence (`seconds`, `days`; empty: nothing said).
    pub unit: &'static str,
}

impl Decimal {
    /// A number from `min` to `max` inclusive.
    pub const fn range(min: f64, max: f64, unit: &'static str) -> Self {
        Self {
            min,
            max,
            above_min: false,
            unit,
        }
    }

    /// A number above `min` (excluded) and at most `max`.
    pub const fn above(min: f64, max: f64, unit: &'static str) -> Self {
        Self {
            min,
            max,
            above_min: true,
            unit,
        }
    }

    /// Whether `value` is accepted.
    fn admits(&self, value: f64) -> bool {
        let low = if self.above_min {
            value > self.min
        } else {
            value >= self.min
        };
        value.is_finite() && low && value <= self.max
    }

    /// What the setting must be, for the sentence.
    fn expected(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" of {}", self.unit)
        };
        if self.above_min {
            format!(
                "a number{unit} more than {} and at most {}",
                self.min, self.max
            )
        } else {
            format!("a number{unit} from {} to {}", self.min, self.max)
        }
    }
}

/// Where values are read from: the environment and, when there is one, the file's text (kept
/// to turn a value's position into a line number).
pub(super) struct Sources<'a> {
    /// The process environment (or a test's stand-in).
    env: &'a HashMap<String, String>,
    /// How sentences name the file (its path as given).
    file_name: String,
    /// The file's text, empty without a file.
    file_text: &'a str,
}

impl<'a> Sources<'a> {
    /// Values from `env`, then from the file `file_name` whose text is `file_text`.
    pub fn new(env: &'a HashMap<String, String>, file_name: String, file_text: &'a str) -> Self {
        Self {
            env,
            file_name,
            file_text,
        }
    }

    /// The environment variable `var`, trimmed; empty counts as unset.
    pub fn var(&self, var: &str) -> Option<&'a str> {
        self.env
            .get(var)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The setting's variable and its value, when set.
    fn env_value(&self, setting: Setting) -> Option<(&'static str, &'a str)> {
        let var = setting.var?;
        self.var(var).map(|value| (var, value))
    }

    /// How a sentence names a value found at byte `offset` of the file:
    /// `sluice.toml line 7: [turns] grace_secs`.
    pub fn in_file(&self, setting: Setting, offset: usize) -> String {
        let before = self.file_text.get(..offset).unwrap_or(self.file_text);
        let line = before.matches('\n').count() + 1;
        format!(
            "{} line {line}: {} {}",
            self.file_name, setting.table, setting.key
        )
    }

    /// A whole-number setting: the variable, else the file, else `default`, within `range`.
    pub fn whole(
        &self,
        setting: Setting,
        file: Option<&Spanned<i64>>,
        range: Whole,
        default: u64,
    ) -> Result<u64, String> {
        let (origin, shown, value) = match (self.env_value(setting), file) {
            (Some((var, raw)), _) => (var.to_string(), format!("{raw:?}"), raw.parse::<i128>()),
            (None, Some(value)) => (
                self.in_file(setting, value.span().start),
                value.get_ref().to_string(),
                Ok(i128::from(*value.get_ref())),
            ),
            (None, None) => return Ok(default),
        };
        match value {
            Ok(value) if range.admits(value) => {
                u64::try_from(value).map_err(|_| refusal(&origin, &range.expected(), &shown))
            }
            _ => Err(refusal(&origin, &range.expected(), &shown)),
        }
    }

    /// A [`Sources::whole`] setting held in a `u32`.
    pub fn whole_u32(
        &self,
        setting: Setting,
        file: Option<&Spanned<i64>>,
        range: Whole,
        default: u32,
    ) -> Result<u32, String> {
        let value = self.whole(setting, file, range, u64::from(default))?;
        u32::try_from(value).map_err(|_| format!("{} is too large: {value}", setting.key))
    }

    /// A [`Sources::whole`] setting held in a `usize`.
    pub fn whole_usize(
        &self,
        setting: Setting,
        file: Option<&Spanned<i64>>,
        range: Whole,
        default: usize,
    ) -> Result<usize, String> {
        let value = self.whole(setting, file, range, default as u64)?;
        usize::try_from(value)
            .map_err(|_| format!("{} is too large for this machine: {value}", setting.key))
    }

    /// A setting that may have a fraction: the variable, else the file, else `default`,
    /// within `range`.
    pub fn decimal(
        &self,
        setting: Setting,
        file: Option<&Spanned<f64>>,
        range: Decimal,
        default: f64,
    ) -> Result<f64, String> {
        let (origin, shown, value) = match (self.env_value(setting), file) {
            (Some((var, raw)), _) => (var.to_string(), format!("{raw:?}"), raw.parse::<f64>()),
            (None, Some(value)) => (
                self.in_file(setting, value.span().start),
                value.get_ref().to_string(),
                Ok(*value.get_ref()),
            ),
            (None, None) => return Ok(default),
        };
        match value {
            Ok(value) if range.admits(value) => Ok(value),
            _ => Err(refusal(&origin, &range.expected(), &shown)),
        }
    }

    /// A setting written as one of a few words (an enum with snake_case names): the variable,
    /// else the file (already checked when the file was read), else `default`.
    pub fn word<T: for<'de> Deserialize<'de>>(
        &self,
        setting: Setting,
        file: Option<T>,
        default: T,
    ) -> Result<T, String> {
        match self.env_value(setting) {
            Some((var, raw)) => T::deserialize(serde::de::value::StrDeserializer::<
                serde::de::value::Error,
            >::new(raw))
            .map_err(|e| format!("{var}: {e}")),
            None => Ok(file.unwrap_or(default)),
        }
    }

    /// A yes/no setting: the variable (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`), else
    /// the file, else `default`.
    pub fn flag(
        &self,
        setting: Setting,
        file: Option<bool>,
        default: bool,
    ) -> Result<bool, String> {
        match self.env_value(setting) {
            Some((var, raw)) => match raw.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(refusal(var, "true or false", &format!("{raw:?}"))),
            },
            None => Ok(file.unwrap_or(default)),
        }
    }

    /// A text setting: the variable, else the file.
    pub fn text(&self, setting: Setting, file: Option<String>) -> Option<String> {
        match self.env_value(setting) {
            Some((_, raw)) => Some(raw.to_string()),
            None => file,
        }
    }

    /// A list setting: the variable (comma-separated), else the file.
    pub fn list(&self, setting: Setting, file: Option<Vec<String>>) -> Option<Vec<String>> {
        match self.env_value(setting) {
            Some((_, raw)) => Some(raw.split(',').map(|s| s.trim().to_string()).collect()),
            None => file,
        }
    }
}

/// The sentence for a refused value: `{origin} must be {expected}, got {shown}`.
pub(super) fn refusal(origin: &str, expected: &str, shown: &str) -> String {
    format!("{origin} must be {expected}, got {shown}")
}

/// `pairs` as the environment map the sources read, for the configuration's unit tests.
#[cfg(test)]
pub(super) fn env_map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRACE: Setting = Setting::new("SLUICE_TURN_GRACE_SECS", "[turns]", "grace_secs");
    const COUNT: Setting = Setting::new("SLUICE_COUNT", "[limits]", "count");

    #[derive(Deserialize)]
    struct File {
        /// A whole number with its position.
        count: Option<Spanned<i64>>,
        /// A decimal with its position.
        grace_secs: Option<Spanned<f64>>,
    }

    #[test]
    fn an_empty_variable_counts_as_unset_and_the_variable_wins_over_the_file() {
        let text = "count = 7\ngrace_secs = 2\n";
        let file: File = toml::from_str(text).expect("file");
        let blank = env_map(&[("SLUICE_COUNT", "  ")]);
        let sources = Sources::new(&blank, "sluice.toml".into(), text);
        let range = Whole::range(1, 10, "");
        assert_eq!(sources.whole(COUNT, file.count.as_ref(), range, 3), Ok(7));
        let set = env_map(&[("SLUICE_COUNT", " 9 ")]);
        let sources = Sources::new(&set, "sluice.toml".into(), text);
        assert_eq!(sources.whole(COUNT, file.count.as_ref(), range, 3), Ok(9));
        let none = env_map(&[]);
        let sources = Sources::new(&none, String::new(), "");
        assert_eq!(sources.whole(COUNT, None, range, 3), Ok(3));
        let grace = Decimal::above(0.0, 86_400.0, "seconds");
        let sources = Sources::new(&none, "sluice.toml".into(), text);
        assert_eq!(
            sources.decimal(GRACE, file.grace_secs.as_ref(), grace, 30.0),
            Ok(2.0),
            "an integer in the file is a number of seconds too"
        );
    }

    #[test]
    fn negative_and_fractional_whole_numbers_are_refused_not_cast() {
        let range = Whole::or_off(1, 100, "");
        for raw in ["-5", "2.5", "lots", "101"] {
            let env = env_map(&[("SLUICE_COUNT", raw)]);
            let error = Sources::new(&env, String::new(), "")
                .whole(COUNT, None, range, 3)
                .expect_err(raw);
            assert_eq!(
                error,
                format!(
                    "SLUICE_COUNT must be a whole number from 1 to 100, or 0 for no limit, got \
                     {raw:?}"
                )
            );
        }
        let env = env_map(&[("SLUICE_COUNT", "0")]);
        let sources = Sources::new(&env, String::new(), "");
        assert_eq!(sources.whole(COUNT, None, range, 3), Ok(0));
    }

    #[test]
    fn a_refused_file_value_names_the_file_line_and_key() {
        let text = "# comment\n\ncount = 5\ngrace_secs = -1\n";
        let file: File = toml::from_str(text).expect("file");
        let none = env_map(&[]);
        let sources = Sources::new(&none, "/etc/sluice.toml".into(), text);
        let error = sources
            .decimal(
                GRACE,
                file.grace_secs.as_ref(),
                Decimal::above(0.0, 86_400.0, "seconds"),
                30.0,
            )
            .expect_err("negative");
        assert_eq!(
            error,
            "/etc/sluice.toml line 4: [turns] grace_secs must be a number of seconds more than \
             0 and at most 86400, got -1"
        );
        let error = sources
            .whole(COUNT, file.count.as_ref(), Whole::range(10, 20, "bytes"), 3)
            .expect_err("too small");
        assert_eq!(
            error,
            "/etc/sluice.toml line 3: [limits] count must be a whole number of bytes from 10 to \
             20, got 5"
        );
    }
}
