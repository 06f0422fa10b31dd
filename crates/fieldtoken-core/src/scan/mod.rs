//! QR decoding of camera frames: RGBA in, the text of every QR code out, never a panic.
//!
//! The engine is rxing's port of the zxing-cpp QR detector (`QrReader`), patched in `patches/rxing`
//! (see its `PATCHES.md`). On `../shared/qr-samples` it decodes 117/137 photos with one pass; the
//! retries below, each kept because it decodes photos the passes before it miss, bring that to
//! 127/137 (zxing-cpp with `tryHarder`: 123, jsQR: 95):
//!
//! | pass | binarizer | image | rescues | decoded after it |
//! |---|---|---|---|---|
//! | 1 | hybrid (thresholds per 8x8 block, smoothed over 5x5 blocks) | as is | most photos | 117 |
//! | 2 | the same, inverted | as is | light-on-dark codes (negative prints, dark-mode screens) | 119 |
//! | 3 | global histogram | as is | low-contrast codes that local thresholds break up | 123 |
//! | 4 | global histogram | halved (2x2 box filter) | blur, noise, codes without a quiet zone | 127 |
//!
//! Passes stop at the first one that decodes anything, so a frame with a readable code usually
//! costs one pass (in wasm, about 1 ms per sample photo), and only frames without one pay for all
//! four (in wasm, about 10 ms for a 640x480 frame). Tried and dropped because they decoded nothing
//! more: zxing's Java-port detector, upscaling (nearest and bilinear), padding with a quiet zone,
//! local-mean thresholds of several window sizes, a pure-barcode detector, quarter-size passes.

use std::collections::HashSet;

use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source};

#[cfg(test)]
mod tests;

/// The smallest QR code (version 1) is 21 modules wide; a frame or a downscaled copy narrower than
/// that cannot hold one, and skipping it keeps degenerate sizes away from the detector.
const MIN_SIDE: u32 = 21;

/// Decodes every QR code in one RGBA frame (`width * height` pixels, 4 bytes each, row by row, as
/// in a canvas `ImageData`) and returns their texts, without duplicates, in the order found.
///
/// Never panics: a buffer whose length is not `width * height * 4`, an empty frame or one too small
/// to hold a QR code returns an empty list. Transparent pixels count as white, like a page behind
/// a printed code.
pub fn scan_rgba(data: &[u8], width: u32, height: u32) -> Vec<String> {
    if width < MIN_SIDE || height < MIN_SIDE {
        return Vec::new();
    }
    match luma_from_rgba(data, width, height) {
        Some(luma) => scan_luma(&luma, width, height),
        None => Vec::new(),
    }
}

/// Converts RGBA to 8-bit luma with BT.601 weights (as zxing does), compositing over white.
///
/// Returns `None` if the buffer does not match the dimensions (checked without overflow, so huge
/// dimensions with a small buffer are rejected rather than wrapped).
fn luma_from_rgba(data: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
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
                let a = u32::from(p[3]);
                // y <= 255, so the blend stays <= 255 and the cast cannot truncate.
                ((y * a + 255 * (255 - a) + 127) / 255) as u8
            })
            .collect(),
    )
}

/// Runs the passes over a luma image whose length is `width * height`, stopping at the first pass
/// that decodes anything.
fn scan_luma(luma: &[u8], width: u32, height: u32) -> Vec<String> {
    let mut texts = Vec::new();
    let Ok(source) = Luma8Source::new_with_slice(luma, width, height) else {
        return texts;
    };
    // Passes 1 and 2 share one binarization: inverting flips the cached bit matrix in place.
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source.clone()));
    if decode(&mut bitmap, &mut texts) {
        return texts;
    }
    bitmap.invert();
    if decode(&mut bitmap, &mut texts) {
        return texts;
    }
    if decode(
        &mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)),
        &mut texts,
    ) {
        return texts;
    }
    let (half_width, half_height) = (width / 2, height / 2);
    if half_width >= MIN_SIDE
        && half_height >= MIN_SIDE
        && let Ok(source) = Luma8Source::new(halve(luma, width), half_width, half_height)
    {
        decode(
            &mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)),
            &mut texts,
        );
    }
    texts
}

/// Decodes all QR codes the detector finds in one binarized image, appending new texts.
///
/// Returns whether it decoded anything.
fn decode<B: Binarizer>(bitmap: &mut BinaryBitmap<B>, texts: &mut Vec<String>) -> bool {
    let hints = DecodeHints {
        // Try harder: look for finder patterns on every third row whatever the frame height;
        // without it, tall frames skip rows in proportion to their height and miss small codes.
        TryHarder: Some(true),
        // Only QR: Micro QR and rMQR never carry tokens and would cost more searching per frame.
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        ..DecodeHints::default()
    };
    let Ok(results) = QrReader.decode_multiple_with_hints(bitmap, &hints) else {
        return false;
    };
    for result in &results {
        let text = result.getText();
        if !texts.iter().any(|known| known == text) {
            texts.push(text.to_owned());
        }
    }
    !results.is_empty()
}

/// Halves both dimensions of a `width`-wide luma image with a 2x2 box filter (dropping an odd last
/// row or column).
///
/// Averaging smooths blur and sensor noise into cleaner module edges, and the global threshold of
/// a smaller image is less disturbed by a busy background.
fn halve(luma: &[u8], width: u32) -> Vec<u8> {
    let w = width as usize;
    let (half_width, half_height) = (w / 2, luma.len() / w.max(1) / 2);
    let mut out = Vec::with_capacity(half_width * half_height);
    // `max(1)`: `chunks_exact(0)` panics; a zero width yields no rows anyway.
    for pair in luma.chunks_exact((2 * w).max(1)).take(half_height) {
        let (top, bottom) = pair.split_at(w);
        for (t, b) in top.chunks_exact(2).zip(bottom.chunks_exact(2)) {
            let sum = u32::from(t[0]) + u32::from(t[1]) + u32::from(b[0]) + u32::from(b[1]);
            // The mean of four bytes fits in a byte.
            out.push(((sum + 2) / 4) as u8);
        }
    }
    out
}
