//! Input builders: encoded test pictures, PNG chunks with their CRC, EXIF blocks carrying an
//! orientation and GPS coordinates, and the marker bytes that must not survive normalisation.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, RgbImage};
use std::io::Cursor;

/// A GPS latitude numerator no encoder would write by chance: its bytes in the output would
/// mean the GPS block survived.
pub const GPS_MARKER: u32 = 0x5EC2_E7A1;

/// A gradient with some noise (photo-like, so JPEG sizes are realistic).
pub fn photo(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x2545_F491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed & 0x1F) as u8;
        image::Rgb([
            ((x * 255 / width.max(1)) as u8).saturating_add(noise),
            ((y * 255 / height.max(1)) as u8).saturating_add(noise),
            128u8.saturating_add(noise),
        ])
    })
}

/// `image` as JPEG (quality 90).
pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(image)
        .expect("encode jpeg");
    out
}

/// `image` in `format` (PNG, GIF, lossless WebP …).
pub fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// CRC-32 (ISO-HDLC, as PNG uses).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One PNG chunk: length, type, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut covered = kind.to_vec();
    covered.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&covered).to_be_bytes());
    chunk
}

/// `png` with `chunk` inserted right after IHDR (signature 8 bytes + IHDR 25 bytes).
pub fn png_with_chunk_after_header(png: &[u8], chunk: &[u8]) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    out.extend_from_slice(chunk);
    out.extend_from_slice(&png[33..]);
    out
}

/// `jpeg` with an APP1 EXIF segment (`Exif\0\0` + `tiff`) right after the SOI marker.
pub fn jpeg_with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A big-endian TIFF (EXIF) block: IFD0 with an optional orientation and a GPS IFD holding a
/// latitude (`N`, [`GPS_MARKER`]/1, 30/1, 15/1).
pub fn exif_tiff(orientation: Option<u16>) -> Vec<u8> {
    let ifd0_entries: u16 = if orientation.is_some() { 2 } else { 1 };
    let ifd0_len = 2 + 12 * u32::from(ifd0_entries) + 4;
    let gps_offset = 8 + ifd0_len;
    let gps_len = 2 + 12 * 2 + 4;
    let rationals_offset = gps_offset + gps_len;
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&ifd0_entries.to_be_bytes());
    if let Some(value) = orientation {
        entry(&mut tiff, 0x0112, 3, 1, (u32::from(value)) << 16);
    }
    entry(&mut tiff, 0x8825, 4, 1, gps_offset);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut tiff, 0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0"));
    entry(&mut tiff, 0x0002, 5, 3, rationals_offset);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (numerator, denominator) in [(GPS_MARKER, 1u32), (30, 1), (15, 1)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    tiff
}

/// Appends one 12-byte IFD entry.
fn entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
    tiff.extend_from_slice(&tag.to_be_bytes());
    tiff.extend_from_slice(&kind.to_be_bytes());
    tiff.extend_from_slice(&count.to_be_bytes());
    tiff.extend_from_slice(&value.to_be_bytes());
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Asserts `bytes` hold no EXIF block, no TIFF header and no GPS value.
pub fn assert_no_metadata(bytes: &[u8]) {
    for marker in [
        b"Exif".as_slice(),
        b"eXIf",
        b"MM\0\x2A",
        b"II\x2A\0",
        &GPS_MARKER.to_be_bytes(),
    ] {
        assert!(!contains(bytes, marker), "output still holds {marker:?}");
    }
}
