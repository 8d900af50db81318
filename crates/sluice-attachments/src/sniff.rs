//! What the bytes are, from the bytes alone (magic numbers and content, never the name or the
//! browser's type): an image format Sluice decodes, a PDF, SVG/HTML markup, UTF-8 text, or
//! something refused (described for the sentence: "a ZIP archive", "UTF-16 text" …).

use crate::markup::{detect_markup, Markup};

/// An image format Sluice decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageType {
    /// PNG (`\x89PNG\r\n\x1a\n`).
    Png,
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// GIF (`GIF87a` / `GIF89a`); only the first frame is kept.
    Gif,
    /// WebP (`RIFF....WEBP`).
    Webp,
}

impl ImageType {
    /// The format's name in sentences.
    pub fn label(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Gif => "GIF",
            Self::Webp => "WebP",
        }
    }

    /// The `image` crate's format, so the decoder is chosen by our sniffing, not guessed again.
    pub fn format(self) -> image::ImageFormat {
        match self {
            Self::Png => image::ImageFormat::Png,
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Gif => image::ImageFormat::Gif,
            Self::Webp => image::ImageFormat::WebP,
        }
    }
}

/// What an upload's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed<'a> {
    /// A raster image Sluice decodes.
    Image(ImageType),
    /// A PDF (`%PDF-`).
    Pdf,
    /// SVG or HTML text (refused: it can carry scripts).
    Markup(Markup),
    /// UTF-8 text without NUL bytes, the byte-order mark stripped.
    Text(&'a str),
    /// Text-like bytes (no NUL) that are not UTF-8.
    NotUtf8,
    /// Anything else, described ("a ZIP archive", "binary data").
    Other(&'static str),
}

impl Sniffed<'_> {
    /// What the bytes are, for "its bytes are …" sentences.
    pub fn describe(self) -> String {
        match self {
            Self::Image(kind) => format!("a {} image", kind.label()),
            Self::Pdf => "a PDF document".to_owned(),
            Self::Markup(markup) => markup.bytes_description().to_owned(),
            Self::Text(_) => "plain text".to_owned(),
            Self::NotUtf8 => "text that is not UTF-8".to_owned(),
            Self::Other(what) => what.to_owned(),
        }
    }
}

/// The UTF-8 byte-order mark, stripped from text.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Formats refused outright, by signature (checked only when the bytes are not text, so a
/// text file that happens to start with the same letters is never mistaken for one).
const REFUSED_SIGNATURES: &[(usize, &[u8], &str)] = &[
    (
        0,
        b"PK\x03\x04",
        "a ZIP archive (Word, Excel and PowerPoint files are ZIP archives too)",
    ),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"\x1F\x8B", "gzip-compressed data"),
    (0, b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (0, b"Rar!\x1A\x07", "a RAR archive"),
    (0, b"BZh", "bzip2-compressed data"),
    (0, b"\xFD7zXZ\x00", "xz-compressed data"),
    (0, b"\x28\xB5\x2F\xFD", "zstd-compressed data"),
    (0, b"MZ", "a Windows program"),
    (0, b"\x7FELF", "a Linux program"),
    (0, b"\xCF\xFA\xED\xFE", "a macOS program"),
    (0, b"\xCA\xFE\xBA\xBE", "a Java class or macOS program"),
    (0, b"\x00asm", "a WebAssembly module"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (
        0,
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "an old Microsoft Office document",
    ),
    (0, b"BM", "a BMP image (convert it to PNG)"),
    (0, b"II*\x00", "a TIFF image (convert it to PNG or JPEG)"),
    (0, b"MM\x00*", "a TIFF image (convert it to PNG or JPEG)"),
    (0, b"\x00\x00\x01\x00", "an icon file (convert it to PNG)"),
    (0, b"8BPS", "a Photoshop document"),
    (4, b"ftypheic", "a HEIC photo (convert it to JPEG)"),
    (4, b"ftypheix", "a HEIC photo (convert it to JPEG)"),
    (4, b"ftypmif1", "a HEIF photo (convert it to JPEG)"),
    (4, b"ftypavif", "an AVIF image (convert it to PNG or JPEG)"),
    (4, b"ftyp", "a video or audio file"),
    (0, b"OggS", "an Ogg audio or video file"),
    (0, b"ID3", "an MP3 audio file"),
    (0, b"fLaC", "a FLAC audio file"),
    (0, b"\x1A\x45\xDF\xA3", "a Matroska or WebM video"),
    (0, b"RIFF", "a RIFF media file (audio or video)"),
];

/// Decides what `bytes` are.
pub fn sniff(bytes: &[u8]) -> Sniffed<'_> {
    if let Some(image) = sniff_image(bytes) {
        return Sniffed::Image(image);
    }
    if bytes.starts_with(b"%PDF-") {
        return Sniffed::Pdf;
    }
    if bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Sniffed::Other("UTF-32 text (save it as UTF-8)");
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Sniffed::Other("UTF-16 text (save it as UTF-8)");
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let has_nul = body.contains(&0);
    if !has_nul {
        if let Ok(text) = std::str::from_utf8(body) {
            return match detect_markup(text) {
                Some(markup) => Sniffed::Markup(markup),
                None => Sniffed::Text(text),
            };
        }
    }
    if let Some(what) = refused_signature(bytes) {
        return Sniffed::Other(what);
    }
    if has_nul {
        Sniffed::Other("binary data (it contains NUL bytes)")
    } else {
        Sniffed::NotUtf8
    }
}

/// The image format whose signature `bytes` start with.
fn sniff_image(bytes: &[u8]) -> Option<ImageType> {
    if bytes.starts_with(b"\x89PNG\r\n\x1A\n") {
        Some(ImageType::Png)
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some(ImageType::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageType::Gif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageType::Webp)
    } else {
        None
    }
}

/// The description of the first refused signature `bytes` carry.
fn refused_signature(bytes: &[u8]) -> Option<&'static str> {
    REFUSED_SIGNATURES
        .iter()
        .find(|(offset, magic, _)| {
            bytes
                .get(*offset..)
                .is_some_and(|rest| rest.starts_with(magic))
        })
        .map(|(_, _, what)| *what)
}
