//! `[attachments]` of the configuration: how large one uploaded file may be, how many files one
//! message may carry, and the longest side a stored image keeps (larger ones are downscaled).
//! Environment variables `SLUICE_ATTACHMENTS_MAX_FILE_BYTES`,
//! `SLUICE_ATTACHMENTS_MAX_FILES_PER_MESSAGE` and `SLUICE_ATTACHMENTS_MAX_IMAGE_SIDE` override
//! the file. Attachment bytes also count toward `[storage] max_user_storage_bytes`.

use super::source::{Setting, Sources, Whole};
use serde::Deserialize;
use toml::Spanned;

/// What uploads may be.
#[derive(Clone, Debug)]
pub struct AttachmentsConfig {
    /// Largest upload in bytes: the upload route stops reading a body past it (413), so one
    /// request can never make the server hold more than this.
    pub max_file_bytes: usize,
    /// Most files one message may carry, so one message cannot send a provider (or the
    /// database) an unbounded pile of files.
    pub max_files_per_message: usize,
    /// Longest side of a stored image in pixels: what the providers accept without resizing
    /// themselves, and what keeps stored images (and requests upstream) small.
    pub max_image_side: u32,
}

/// `[attachments]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileAttachments {
    /// Largest upload in bytes (default 20 MiB).
    max_file_bytes: Option<Spanned<i64>>,
    /// Files per message (default 10).
    max_files_per_message: Option<Spanned<i64>>,
    /// Longest stored image side in pixels (default 2048).
    max_image_side: Option<Spanned<i64>>,
}

/// Default largest upload: 20 MiB, a long PDF or a large photo before it is downscaled.
pub const DEFAULT_MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Default files per message.
pub const DEFAULT_MAX_FILES_PER_MESSAGE: usize = 10;

/// Default longest image side (what OpenAI, Anthropic and Gemini take unresized).
pub const DEFAULT_MAX_IMAGE_SIDE: u32 = 2048;

/// An upload from 1 KiB (below it no useful image or PDF fits) to 1 GiB (the whole file is
/// held in memory while it is checked, and stored in one database row).
const MAX_FILE_BYTES: Whole = Whole::range(1024, 1 << 30, "bytes");

/// Files per message: at least one; over a hundred no provider takes in one request.
const MAX_FILES_PER_MESSAGE: Whole = Whole::range(1, 100, "files");

/// Image sides: under 64 px nothing is legible; over 8192 px no provider takes it.
const MAX_IMAGE_SIDE: Whole = Whole::range(64, 8192, "pixels");

/// The setting `key` of `[attachments]`, with its variable.
const fn setting(var: &'static str, key: &'static str) -> Setting {
    Setting::new(var, "[attachments]", key)
}

impl AttachmentsConfig {
    /// Resolves the file's `[attachments]` and the environment's overrides.
    pub(super) fn resolve(file: &FileAttachments, sources: &Sources) -> Result<Self, String> {
        Ok(Self {
            max_file_bytes: sources.whole_usize(
                setting("SLUICE_ATTACHMENTS_MAX_FILE_BYTES", "max_file_bytes"),
                file.max_file_bytes.as_ref(),
                MAX_FILE_BYTES,
                DEFAULT_MAX_FILE_BYTES,
            )?,
            max_files_per_message: sources.whole_usize(
                setting(
                    "SLUICE_ATTACHMENTS_MAX_FILES_PER_MESSAGE",
                    "max_files_per_message",
                ),
                file.max_files_per_message.as_ref(),
                MAX_FILES_PER_MESSAGE,
                DEFAULT_MAX_FILES_PER_MESSAGE,
            )?,
            max_image_side: sources.whole_u32(
                setting("SLUICE_ATTACHMENTS_MAX_IMAGE_SIDE", "max_image_side"),
                file.max_image_side.as_ref(),
                MAX_IMAGE_SIDE,
                DEFAULT_MAX_IMAGE_SIDE,
            )?,
        })
    }

    /// The intake's limits for these settings (the bomb guard keeps the crate's default).
    pub fn intake_limits(&self) -> sluice_attachments::Limits {
        sluice_attachments::Limits {
            max_file_bytes: self.max_file_bytes,
            max_image_side: self.max_image_side,
            ..sluice_attachments::Limits::default()
        }
    }
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_files_per_message: DEFAULT_MAX_FILES_PER_MESSAGE,
            max_image_side: DEFAULT_MAX_IMAGE_SIDE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::source::{env_map, Sources};
    use super::{AttachmentsConfig, FileAttachments};

    /// Resolves `text` as a whole `sluice.toml` `[attachments]` table with `env`.
    fn resolve(text: &str, env: &[(&str, &str)]) -> Result<AttachmentsConfig, String> {
        let file: FileAttachments = toml::from_str(text).map_err(|e| e.to_string())?;
        let env = env_map(env);
        AttachmentsConfig::resolve(&file, &Sources::new(&env, "sluice.toml".into(), text))
    }

    #[test]
    fn defaults_the_file_and_the_environment_in_that_order() {
        let none = resolve("", &[]).expect("defaults");
        assert_eq!(none.max_file_bytes, 20 * 1024 * 1024);
        assert_eq!(none.max_files_per_message, 10);
        assert_eq!(none.max_image_side, 2048);
        let text = "max_file_bytes = 4096\nmax_files_per_message = 3\nmax_image_side = 512\n";
        let file = resolve(text, &[]).expect("file");
        assert_eq!(
            (
                file.max_file_bytes,
                file.max_files_per_message,
                file.max_image_side
            ),
            (4096, 3, 512)
        );
        let env = resolve(
            text,
            &[
                ("SLUICE_ATTACHMENTS_MAX_FILE_BYTES", "8192"),
                ("SLUICE_ATTACHMENTS_MAX_FILES_PER_MESSAGE", "4"),
                ("SLUICE_ATTACHMENTS_MAX_IMAGE_SIDE", "1024"),
            ],
        )
        .expect("env");
        assert_eq!(
            (
                env.max_file_bytes,
                env.max_files_per_message,
                env.max_image_side
            ),
            (8192, 4, 1024)
        );
        assert_eq!(env.intake_limits().max_image_side, 1024);
    }

    #[test]
    fn a_bad_value_is_refused_naming_its_source() {
        let error = resolve("", &[("SLUICE_ATTACHMENTS_MAX_FILES_PER_MESSAGE", "0")])
            .expect_err("zero files");
        assert!(
            error.starts_with("SLUICE_ATTACHMENTS_MAX_FILES_PER_MESSAGE must be a whole number"),
            "{error}"
        );
        let error = resolve("max_image_side = 10\n", &[]).expect_err("tiny side");
        assert!(
            error.starts_with("sluice.toml line 1: [attachments] max_image_side must be"),
            "{error}"
        );
    }
}
