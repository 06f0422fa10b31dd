//! QR decoding of camera frames: RGBA in, the text of every QR code out, never a panic.
//!
//! The engine is rxing's port of the zxing-cpp QR detector (`QrReader`), patched in `patches/rxing`
//! (see its `PATCHES.md`). On `../shared/qr-samples` it decodes 117/137 photos with one pass; the
//! retries below, each kept because it decodes images the passes before it miss, bring that to
//! 127/137 (zxing-cpp 3.1.4 with `tryHarder`: 123, jsQR 1.4.0: 95):
//!
//! | pass | binarizer | image | rescues | samples after it |
//! |---|---|---|---|---|
//! | 1 | hybrid (thresholds per 8x8 block, smoothed over 5x5 blocks) | as is | most photos | 117 |
//! | 2 | the same, inverted | as is | light-on-dark codes (negative prints, dark-mode screens) | 119 |
//! | 3 | global histogram | as is | low-contrast codes that local thresholds break up | 123 |
//! | 4, 5 | hybrid, then global | halved (2x2 box filter) | blur, noise, no quiet zone | 127 |
//! | 6, 7 | hybrid, then global | quartered | codes filling a large frame | 127 |
//!
//! Passes 4 to 7 matter for camera-sized frames: with the samples letterboxed into 640x480 frames
//! (upscaled, so codes get large, blocky modules) the passes decode 120/137 instead of 114/137.
//!
//! Passes stop at the first one that decodes anything, so a frame with a readable code usually
//! costs one pass; only frames without one pay for all seven (each level of the pyramid costs a
//! quarter of the one above). Measured in Node 20 (wasm, `opt-level = "s"`, then `wasm-opt -Oz`):
//! median 0.6 ms per sample photo and 3 ms per letterboxed 640x480 frame, against zxing-wasm's
//! 0.8 ms and 5 ms in the same run. A 640x480 frame without a code costs about 3 ms when smooth
//! and 10 to 25 ms when it is pure sensor noise; there zxing-wasm is faster (about 2.5 and 5 to
//! 15 ms), since all seven passes run.
//!
//! Tried and dropped because they decoded nothing more on the samples: zxing's Java-port detector
//! (it does rescue 5 letterboxed frames, for 22 KB gzipped of wasm), upscaling (nearest and
//! bilinear), padding with a quiet zone, local-mean thresholds of several window sizes, the
//! pure-barcode detector.

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

/// How many times the pyramid passes halve the frame: a 640x480 frame goes down to 160x120, where a
/// code that fills the frame still has about 4 pixels per module at version 7.
const PYRAMID_LEVELS: usize = 2;

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
    let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
    if decode(&mut bitmap, &mut texts) {
        return texts;
    }
    // The pyramid: each level costs a quarter of the one above.
    let (mut level, mut level_width, mut level_height) = (None::<Vec<u8>>, width, height);
    for _ in 0..PYRAMID_LEVELS {
        if level_width / 2 < MIN_SIDE || level_height / 2 < MIN_SIDE {
            break;
        }
        let halved = halve(level.as_deref().unwrap_or(luma), level_width);
        (level_width, level_height) = (level_width / 2, level_height / 2);
        let level = level.insert(halved);
        let Ok(source) = Luma8Source::new_with_slice(level, level_width, level_height) else {
            break;
        };
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source.clone()));
        if decode(&mut bitmap, &mut texts) {
            return texts;
        }
        let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
        if decode(&mut bitmap, &mut texts) {
            return texts;
        }
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
