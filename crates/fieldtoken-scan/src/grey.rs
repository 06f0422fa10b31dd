//! Grey conversion of RGBA frames and the box-filter halving of the pyramid passes.

/// Converts RGBA to 8-bit luma with BT.601 weights, compositing over white.
///
/// Returns `None` if the buffer does not match the dimensions (checked without overflow, so huge
/// dimensions with a small buffer are rejected rather than wrapped).
pub(crate) fn luma_from_rgba(data: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let pixels = usize::try_from(width)
        .ok()?
        .checked_mul(usize::try_from(height).ok()?)?;
    if pixels.checked_mul(4)? != data.len() {
        return None;
    }
    Some(
        data.chunks_exact(4)
            .map(|p| {
                // Fixed-point 0.299 R + 0.587 G + 0.114 B (weights scaled by 1024).
                let y =
                    (306 * u32::from(p[0]) + 601 * u32::from(p[1]) + 117 * u32::from(p[2]) + 512)
                        >> 10;
                // Camera frames are opaque: skip the blend (a multiply and a division per pixel).
                match u32::from(p[3]) {
                    255 => y as u8,
                    // y <= 255, so the blend stays <= 255 and the cast cannot truncate.
                    a => ((y * a + 255 * (255 - a) + 127) / 255) as u8,
                }
            })
            .collect(),
    )
}

/// Halves both dimensions of a `width`-wide luma image with a 2x2 box filter (dropping an odd last
/// row or column).
///
/// Averaging smooths blur and sensor noise into cleaner module edges, and the global threshold of
/// a smaller image is less disturbed by a busy background.
pub(crate) fn halve(luma: &[u8], width: usize) -> Vec<u8> {
    let (half_width, half_height) = (width / 2, luma.len() / width.max(1) / 2);
    let mut out = Vec::with_capacity(half_width * half_height);
    // `max(1)`: `chunks_exact(0)` panics; a zero width yields no rows anyway.
    for pair in luma.chunks_exact((2 * width).max(1)).take(half_height) {
        let (top, bottom) = pair.split_at(width);
        for (t, b) in top.chunks_exact(2).zip(bottom.chunks_exact(2)) {
            let sum = u32::from(t[0]) + u32::from(t[1]) + u32::from(b[0]) + u32::from(b[1]);
            // The mean of four bytes fits in a byte.
            out.push(((sum + 2) / 4) as u8);
        }
    }
    out
}

/// Doubles both dimensions of a `width`-wide luma image, each new pixel the bilinear mean of its
/// neighbours (at pixel centres a quarter of a pixel in from the source's).
pub(crate) fn double(luma: &[u8], width: usize) -> Vec<u8> {
    let height = luma.len() / width.max(1);
    if height == 0 {
        return Vec::new();
    }
    let at = |x: usize, y: usize| u32::from(luma[y.min(height - 1) * width + x.min(width - 1)]);
    let mut out = Vec::with_capacity(4 * luma.len());
    for y in 0..2 * height {
        // The neighbours of the new pixel: its source pixel and the one towards it.
        let (y0, y1) = (
            y / 2,
            if y % 2 == 0 {
                (y / 2).saturating_sub(1)
            } else {
                y / 2 + 1
            },
        );
        for x in 0..2 * width {
            let (x0, x1) = (
                x / 2,
                if x % 2 == 0 {
                    (x / 2).saturating_sub(1)
                } else {
                    x / 2 + 1
                },
            );
            // Weights 9, 3, 3, 1 of 16: bilinear at a quarter pixel.
            let sum = 9 * at(x0, y0) + 3 * at(x1, y0) + 3 * at(x0, y1) + at(x1, y1);
            out.push(((sum + 8) / 16) as u8);
        }
    }
    out
}
