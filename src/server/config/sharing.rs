//! `[sharing]` of the configuration: whether shared links (`/s/{token}`) open for anyone who
//! has the link (`public_links = true`) or only for signed-in users of this instance (the
//! default). The environment variable `SLUICE_PUBLIC_SHARE_LINKS` overrides the file.

use super::source::{Setting, Sources};
use serde::Deserialize;

/// Who may open a shared link.
#[derive(Clone, Debug, Default)]
pub struct SharingConfig {
    /// True: anyone with the link, no sign-in. False: only signed-in users of this instance
    /// (in `off` mode the single local user always is), others are sent to sign in.
    pub public_links: bool,
}

/// `[sharing]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSharing {
    /// Open shared links without sign-in.
    public_links: Option<bool>,
}

impl SharingConfig {
    /// Resolves the file's `[sharing]` and the environment's override.
    pub(super) fn resolve(file: &FileSharing, sources: &Sources) -> Result<Self, String> {
        Ok(Self {
            public_links: sources.flag(
                Setting::new("SLUICE_PUBLIC_SHARE_LINKS", "[sharing]", "public_links"),
                file.public_links,
                false,
            )?,
        })
    }
}
