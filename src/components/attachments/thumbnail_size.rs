//! The size a thumbnail is drawn at: the stored image's size scaled down (never up) to fit a
//! square box, kept in proportion. Written as the `<img>`'s `width`/`height`, so the page
//! reserves the space before the image arrives (no layout shift). Pure.

/// `width × height` scaled to fit `box_px × box_px` (unknown sizes: the box itself).
pub fn fit_within(width: Option<u32>, height: Option<u32>, box_px: u32) -> (u32, u32) {
    let (Some(w), Some(h)) = (width.filter(|w| *w > 0), height.filter(|h| *h > 0)) else {
        return (box_px, box_px);
    };
    if w <= box_px && h <= box_px {
        return (w, h);
    }
    let (long, short) = if w >= h { (w, h) } else { (h, w) };
    let scaled_short = (u64::from(short) * u64::from(box_px) / u64::from(long)).max(1) as u32;
    if w >= h {
        (box_px, scaled_short)
    } else {
        (scaled_short, box_px)
    }
}

#[cfg(test)]
mod tests {
    use super::fit_within;

    #[test]
    fn large_images_shrink_in_proportion() {
        assert_eq!(fit_within(Some(2048), Some(1024), 240), (240, 120));
        assert_eq!(fit_within(Some(600), Some(1800), 96), (32, 96));
        assert_eq!(fit_within(Some(5000), Some(1), 96), (96, 1));
    }

    #[test]
    fn small_images_keep_their_size_and_unknown_ones_take_the_box() {
        assert_eq!(fit_within(Some(40), Some(30), 96), (40, 30));
        assert_eq!(fit_within(None, Some(30), 96), (96, 96));
        assert_eq!(fit_within(Some(0), Some(0), 240), (240, 240));
    }
}
