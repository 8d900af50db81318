//! Images: metadata stripped, orientation applied, downscaled, first GIF frame, WebP, and the
//! hostile ones (bomb, truncated).

use crate::support::*;
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use sluice_attachments::{prepare, Limits, Refusal};
use sluice_wire::attachments::AttachmentKind;
use std::time::Instant;

#[test]
fn png_with_gps_exif_chunk_comes_out_without_it() {
    let png = encoded(&DynamicImage::ImageRgb8(photo(64, 48)), ImageFormat::Png);
    let input = png_with_chunk_after_header(&png, &png_chunk(b"eXIf", &exif_tiff(None)));
    assert!(contains(&input, &GPS_MARKER.to_be_bytes()));
    let prepared = prepare("map.png", &input, &Limits::default()).expect("accepted");
    assert_eq!(prepared.kind, AttachmentKind::Image);
    assert_eq!(prepared.content_type, "image/png");
    assert_no_metadata(&prepared.bytes);
    let decoded = image::load_from_memory_with_format(&prepared.bytes, ImageFormat::Png).unwrap();
    assert_eq!(decoded.dimensions(), (64, 48));
    assert_eq!((prepared.width, prepared.height), (Some(64), Some(48)));
}

#[test]
fn jpeg_with_gps_app1_block_comes_out_without_it() {
    let input = jpeg_with_exif(&jpeg(&photo(80, 60)), &exif_tiff(None));
    assert!(contains(&input, b"Exif") && contains(&input, &GPS_MARKER.to_be_bytes()));
    let prepared = prepare("holiday.JPG", &input, &Limits::default()).expect("accepted");
    assert_eq!(prepared.content_type, "image/jpeg");
    assert_no_metadata(&prepared.bytes);
    let decoded = image::load_from_memory_with_format(&prepared.bytes, ImageFormat::Jpeg).unwrap();
    assert_eq!(decoded.dimensions(), (80, 60));
}

#[test]
fn exif_orientation_is_applied_before_stripping() {
    // Left third red, the rest blue; orientation 6 means "rotate 90° clockwise to view".
    let source = RgbImage::from_fn(60, 40, |x, _| {
        if x < 20 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    });
    let input = jpeg_with_exif(&jpeg(&source), &exif_tiff(Some(6)));
    let prepared = prepare("phone.jpg", &input, &Limits::default()).expect("accepted");
    assert_eq!((prepared.width, prepared.height), (Some(40), Some(60)));
    assert_no_metadata(&prepared.bytes);
    let upright = image::load_from_memory(&prepared.bytes).unwrap().to_rgb8();
    assert_eq!(upright.dimensions(), (40, 60));
    // After a clockwise turn the red left edge is the top edge.
    let top = upright.get_pixel(20, 5);
    let bottom = upright.get_pixel(20, 55);
    assert!(top[0] > 200 && top[2] < 60, "top is {top:?}");
    assert!(bottom[2] > 200 && bottom[0] < 60, "bottom is {bottom:?}");
}

#[test]
fn large_photo_is_downscaled_to_the_long_side_quickly() {
    let input = jpeg(&photo(4000, 3000));
    let start = Instant::now();
    let prepared = prepare("big.jpeg", &input, &Limits::default()).expect("accepted");
    let took = start.elapsed();
    assert_eq!((prepared.width, prepared.height), (Some(2048), Some(1536)));
    let decoded = image::load_from_memory_with_format(&prepared.bytes, ImageFormat::Jpeg).unwrap();
    assert_eq!(decoded.dimensions(), (2048, 1536));
    assert!(took.as_secs_f64() < 5.0, "12 megapixels took {took:?}");
}

#[test]
fn portrait_png_keeps_its_aspect_and_alpha() {
    let source = RgbaImage::from_pixel(300, 900, Rgba([10, 20, 30, 128]));
    let input = encoded(&DynamicImage::ImageRgba8(source), ImageFormat::Png);
    let limits = Limits {
        max_image_side: 150,
        ..Limits::default()
    };
    let prepared = prepare("tall.png", &input, &limits).expect("accepted");
    assert_eq!((prepared.width, prepared.height), (Some(50), Some(150)));
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    assert_eq!(decoded.get_pixel(25, 75), &Rgba([10, 20, 30, 128]));
}

#[test]
fn gif_keeps_its_first_frame_as_png() {
    use image::codecs::gif::GifEncoder;
    use image::{Delay, Frame};
    let red = RgbaImage::from_pixel(16, 12, Rgba([255, 0, 0, 255]));
    let blue = RgbaImage::from_pixel(16, 12, Rgba([0, 0, 255, 255]));
    let mut input = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut input);
        for frame in [red, blue] {
            encoder
                .encode_frame(Frame::from_parts(
                    frame,
                    0,
                    0,
                    Delay::from_numer_denom_ms(100, 1),
                ))
                .unwrap();
        }
    }
    let prepared = prepare("anim.gif", &input, &Limits::default()).expect("accepted");
    assert_eq!(prepared.content_type, "image/png");
    let decoded = image::load_from_memory_with_format(&prepared.bytes, ImageFormat::Png)
        .unwrap()
        .to_rgba8();
    assert_eq!(decoded.dimensions(), (16, 12));
    assert_eq!(decoded.get_pixel(8, 6), &Rgba([255, 0, 0, 255]));
}

#[test]
fn webp_is_decoded_and_stored_as_png() {
    let source = RgbaImage::from_fn(40, 30, |x, y| Rgba([x as u8 * 6, y as u8 * 8, 77, 255]));
    let input = encoded(&DynamicImage::ImageRgba8(source.clone()), ImageFormat::WebP);
    let prepared = prepare("sticker.webp", &input, &Limits::default()).expect("accepted");
    assert_eq!(prepared.content_type, "image/png");
    let decoded = image::load_from_memory_with_format(&prepared.bytes, ImageFormat::Png)
        .unwrap()
        .to_rgba8();
    assert_eq!(decoded, source);
}

#[test]
fn bomb_png_is_refused_from_its_header_without_decoding() {
    let mut header = Vec::new();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut input = b"\x89PNG\r\n\x1A\n".to_vec();
    input.extend(png_chunk(b"IHDR", &header));
    input.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    input.extend(png_chunk(b"IEND", &[]));
    assert!(input.len() < 100);
    let start = Instant::now();
    let refusal = prepare("bomb.png", &input, &Limits::default()).unwrap_err();
    assert!(start.elapsed().as_millis() < 500);
    assert_eq!(
        refusal.to_string(),
        "bomb.png is too large an image: 100000×100000 pixels is over the limit of 50 megapixels."
    );
    assert!(refusal.is_size_limit());
}

#[test]
fn truncated_jpeg_gets_a_sentence() {
    let whole = jpeg(&photo(256, 256));
    let input = &whole[..whole.len() / 2];
    let refusal = prepare("cut.jpg", input, &Limits::default()).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::DamagedImage {
            name: "cut.jpg".into(),
            format: "JPEG".into()
        }
    );
    assert_eq!(
        refusal.to_string(),
        "cut.jpg could not be read as a JPEG image: the file is truncated or damaged."
    );
}

#[test]
fn truncated_png_gets_a_sentence() {
    let whole = encoded(&DynamicImage::ImageRgb8(photo(128, 128)), ImageFormat::Png);
    let refusal = prepare("cut.png", &whole[..whole.len() / 2], &Limits::default()).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "cut.png could not be read as a PNG image: the file is truncated or damaged."
    );
}
