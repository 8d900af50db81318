//! Images: the declared size is read from the header first (a tiny file claiming 100000×100000
//! pixels is refused without allocating them), then the first frame is decoded under an
//! allocation limit, turned upright by its EXIF orientation, downscaled so the long side is at
//! most [`Limits::max_image_side`] and re-encoded (JPEG in → JPEG out at quality 85, anything
//! else → PNG). Decoding to pixels and encoding afresh drops every metadata block — EXIF
//! (GPS included), XMP, text chunks, ICC profiles — so no location leaves with a photo.

use crate::refusal::Refusal;
use crate::sniff::ImageType;
use crate::{Limits, Prepared};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageReader};
use sluice_wire::attachments::AttachmentKind;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// JPEG quality of re-encoded photos: visually lossless for models, about a tenth of PNG.
const JPEG_QUALITY: u8 = 85;

/// Most bytes per pixel a decoder may need (16-bit RGBA), so the allocation limit admits any
/// image within [`Limits::max_source_pixels`].
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Allocation limit while only the header is read (ancillary chunks such as ICC profiles or
/// compressed text may be read there; pixels are not).
const HEADER_ALLOC_LIMIT: u64 = 64 * 1024 * 1024;

/// Why decoding failed.
enum DecodeFailure {
    /// The header declares more pixels than allowed.
    TooManyPixels(u32, u32),
    /// Truncated, damaged, or a feature the decoder refuses.
    Damaged,
}

/// Normalises the image `bytes` (sniffed as `kind`) uploaded as `name`.
pub fn prepare_image(
    name: &str,
    bytes: &[u8],
    kind: ImageType,
    limits: &Limits,
) -> Result<Prepared, Refusal> {
    // The decoders are fuzzed and report bad input as errors; catching a panic is only the
    // last guard, so a decoder bug on hostile input costs the upload, never the server thread.
    let decoded = catch_unwind(AssertUnwindSafe(|| decode(bytes, kind, limits)))
        .unwrap_or(Err(DecodeFailure::Damaged));
    let image = match decoded {
        Ok(image) => image,
        Err(DecodeFailure::TooManyPixels(width, height)) => {
            return Err(Refusal::TooManyPixels {
                name: name.to_owned(),
                width,
                height,
                limit_megapixels: limits.max_source_pixels / 1_000_000,
            })
        }
        Err(DecodeFailure::Damaged) => return Err(damaged(name, kind)),
    };
    let image = downscale(image, limits.max_image_side);
    let (content_type, encoded) = match kind {
        ImageType::Jpeg => ("image/jpeg", encode_jpeg(&image)),
        _ => ("image/png", encode_png(&image)),
    };
    let bytes = encoded.map_err(|_| damaged(name, kind))?;
    Ok(Prepared {
        kind: AttachmentKind::Image,
        content_type: content_type.to_owned(),
        bytes,
        width: Some(image.width()),
        height: Some(image.height()),
        text: None,
        pages: None,
    })
}

/// The refusal for an image that does not decode.
fn damaged(name: &str, kind: ImageType) -> Refusal {
    Refusal::DamagedImage {
        name: name.to_owned(),
        format: kind.label().to_owned(),
    }
}

/// A reader of `bytes` as `kind` with `max_alloc` as its allocation limit.
fn reader(bytes: &[u8], kind: ImageType, max_alloc: u64) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_alloc = Some(max_alloc);
    reader.limits(decoder_limits);
    reader
}

/// The first frame, upright, after checking the declared size.
fn decode(bytes: &[u8], kind: ImageType, limits: &Limits) -> Result<DynamicImage, DecodeFailure> {
    let (width, height) = reader(bytes, kind, HEADER_ALLOC_LIMIT)
        .into_dimensions()
        .map_err(|_| DecodeFailure::Damaged)?;
    if width == 0 || height == 0 || (kind == ImageType::Jpeg && !jpeg_has_end(bytes)) {
        return Err(DecodeFailure::Damaged);
    }
    if u64::from(width) * u64::from(height) > limits.max_source_pixels {
        return Err(DecodeFailure::TooManyPixels(width, height));
    }
    let max_alloc = limits.max_source_pixels.saturating_mul(MAX_BYTES_PER_PIXEL);
    let mut decoder = reader(bytes, kind, max_alloc)
        .into_decoder()
        .map_err(|_| DecodeFailure::Damaged)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| match error {
        ImageError::Limits(_) => DecodeFailure::TooManyPixels(width, height),
        _ => DecodeFailure::Damaged,
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Whether a JPEG's scan data is followed by its end marker (`FF D9`). The JPEG decoder fills a
/// truncated scan with grey instead of failing, so a cut-off upload would be stored half
/// blank; the segments before the first scan are walked by their lengths (an EXIF thumbnail
/// inside APP1 carries its own end marker), then the rest is searched: inside scan data every
/// `FF` byte is followed by `00` or a restart marker, so `FF D9` there is the real end.
fn jpeg_has_end(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        at += 2 + length;
        if marker == 0xDA {
            return bytes
                .get(at..)
                .is_some_and(|rest| rest.windows(2).any(|pair| pair == [0xFF, 0xD9]));
        }
    }
    false
}

/// The size with the long side at most `max_side`, aspect kept (each side at least 1).
pub fn fitted_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side || max_side == 0 {
        return (width, height);
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(max_side) + u64::from(long) / 2) / u64::from(long)).max(1)
            as u32
    };
    (scale(width), scale(height))
}

/// `image` shrunk to fit `max_side` (area averaging: fast, and no aliasing when shrinking).
fn downscale(image: DynamicImage, max_side: u32) -> DynamicImage {
    let (width, height) = fitted_size(image.width(), image.height(), max_side);
    if (width, height) == (image.width(), image.height()) {
        image
    } else {
        image.thumbnail_exact(width, height)
    }
}

/// JPEG bytes of `image` (alpha, if any, dropped: JPEG has none).
fn encode_jpeg(image: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    match image.color() {
        ColorType::L8 | ColorType::L16 => image.to_luma8().write_with_encoder(encoder)?,
        _ => image.to_rgb8().write_with_encoder(encoder)?,
    }
    Ok(out)
}

/// PNG bytes of `image`, 8 bits per channel, alpha kept when it has one.
fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let encoder = PngEncoder::new(&mut out);
    match image.color() {
        ColorType::L8 | ColorType::L16 => image.to_luma8().write_with_encoder(encoder)?,
        ColorType::La8 | ColorType::La16 => image.to_luma_alpha8().write_with_encoder(encoder)?,
        color if color.has_alpha() => image.to_rgba8().write_with_encoder(encoder)?,
        _ => image.to_rgb8().write_with_encoder(encoder)?,
    }
    Ok(out)
}
