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
