//! What a file's name claims it is, from its extension. Only claims that can be checked
//! against the bytes count (images and PDFs: a renamed file is refused), plus the names of
//! active markup (SVG, HTML), refused whatever their bytes. Any other name (source code of any
//! language, `.txt`, `.md`, `.csv`, none …) claims nothing: the bytes decide.

use crate::markup::Markup;
use crate::sniff::ImageType;

/// A type a file name claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// `.png`, `.jpg`/`.jpeg`/`.jpe`/`.jfif`, `.gif`, `.webp`.
    Image(ImageType),
    /// `.pdf`.
    Pdf,
    /// `.svg`/`.svgz`, `.html`/`.htm`/`.xhtml`/`.xht`/`.shtml`/`.mht`/`.mhtml`.
    Markup(Markup),
}

impl Claim {
    /// "x is not …" in a mismatch.
    pub fn noun(self) -> String {
        match self {
            Self::Image(kind) => format!("a {} image", kind.label()),
            Self::Pdf => "a PDF document".to_owned(),
            Self::Markup(markup) => markup.what().to_owned(),
        }
    }
}

/// What `name`'s extension (case-insensitive) claims, if anything.
pub fn claim_of(name: &str) -> Option<Claim> {
    let (_, extension) = name.rsplit_once('.')?;
    let claim = match extension.to_ascii_lowercase().as_str() {
        "png" => Claim::Image(ImageType::Png),
        "jpg" | "jpeg" | "jpe" | "jfif" => Claim::Image(ImageType::Jpeg),
        "gif" => Claim::Image(ImageType::Gif),
        "webp" => Claim::Image(ImageType::Webp),
        "pdf" => Claim::Pdf,
        "svg" | "svgz" => Claim::Markup(Markup::Svg),
        "html" | "htm" | "xhtml" | "xht" | "shtml" | "mht" | "mhtml" => Claim::Markup(Markup::Html),
        _ => return None,
    };
    Some(claim)
}
