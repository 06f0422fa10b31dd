//! fieldtoken's QR reader: RGBA camera frames in, the text of every QR code out, never a panic.
//!
//! ```
//! // A blank 64x48 frame holds no code.
//! let frame = vec![255u8; 64 * 48 * 4];
//! assert!(fieldtoken_scan::scan_rgba(&frame, 64, 48).is_empty());
//! ```
//!
//! The passes, each in its own module: grey conversion (`grey`), binarization (`binarize`),
//! finder-pattern search (`finder`), triples of finders to codes with their perspective transform
//! and alignment pattern (`detect`, `transform`), the symbol's structure with format and version
//! information and codeword placement (`symbol`, `read`), Reed-Solomon correction
//! (`reed_solomon`), and the bit stream with its character sets (`bitstream`, `charset`).
//!
//! `scan_rgba` runs up to seven attempts, stopping at the first that decodes anything:
//!
//! | pass | binarizer | image | rescues |
//! |---|---|---|---|
//! | 1 | local (8x8 blocks, smoothed over 5x5 blocks) | as is | most photos |
//! | 2 | the same, inverted | as is | light-on-dark codes |
//! | 3 | global histogram valley | as is | low-contrast codes that local thresholds break up |
//! | 4, 5 | local, then global | halved (2x2 box filter) | blur, noise, no quiet zone |
//! | 6, 7 | local, then global | quartered | codes filling a large frame |
//!
//! A pass whose binarized image holds no finder pattern stops after the row scan, which is what
//! keeps frames without a code cheap.

#![deny(missing_docs)]

/// A trace of the passes on stderr, for tuning the reader against sample images (`--features
/// trace`); without the feature its arguments are type-checked and compiled away.
#[cfg(feature = "trace")]
macro_rules! trace {
    ($($t:tt)*) => {
        eprintln!($($t)*)
    };
}
#[cfg(not(feature = "trace"))]
macro_rules! trace {
    ($($t:tt)*) => {
        if false {
            let _ = format_args!($($t)*);
        }
    };
}
pub(crate) use trace;

use std::cell::Cell;

mod binarize;
mod bitstream;
mod charset;
mod detect;
mod finder;
mod grey;
mod read;
mod reed_solomon;
mod symbol;
mod transform;

/// The smallest QR code (version 1) is 21 modules wide; a frame or a downscaled copy narrower than
/// that cannot hold one.
const MIN_SIDE: usize = 21;

/// How many times the pyramid passes halve the frame: a 640x480 frame goes down to 160x120, where a
/// code that fills the frame still has about 4 pixels per module at version 7.
const PYRAMID_LEVELS: usize = 2;

/// Decodes every QR code in one RGBA frame (`width * height` pixels, 4 bytes each, row by row, as
/// in a canvas `ImageData`) and returns their texts, without duplicates, in the order found.
///
/// Never panics: a buffer whose length is not `width * height * 4`, an empty frame or one too small
/// to hold a QR code returns an empty list. Transparent pixels count as white, like a page behind
/// a printed code.
pub fn scan_rgba(rgba: &[u8], width: u32, height: u32) -> Vec<String> {
    let (Ok(w), Ok(h)) = (usize::try_from(width), usize::try_from(height)) else {
        return Vec::new();
    };
    if w < MIN_SIDE || h < MIN_SIDE {
        return Vec::new();
    }
    match grey::luma_from_rgba(rgba, width, height) {
        Some(luma) => scan_luma(&luma, w, h),
        None => Vec::new(),
    }
}

/// Module samples one frame may spend on fitting and sampling candidate codes (about 10 ms of
/// native code): a frame with a code spends a small part of it, one of dense texture stops here.
const SAMPLE_BUDGET: usize = 1_000_000;

/// Runs the passes over a luma image of `width * height` pixels.
fn scan_luma(luma: &[u8], width: usize, height: usize) -> Vec<String> {
    let mut scan = Scan {
        texts: Vec::new(),
        budget: Cell::new(SAMPLE_BUDGET),
    };
    let image = binarize::local(luma, width, height);
    // No 8x8 block with an edge (a wall, the sky, a covered lens): no pass could find a code.
    if !image.has_contrast() {
        return scan.texts;
    }
    // One scan of the rows finds both kinds of finder: dark on light, and light on dark.
    let [dark, light] = finder::find(&image, true);
    if scan.read(&image, &dark, luma, false) {
        return scan.texts;
    }
    if light.len() >= 3 {
        let mut inverted = image;
        inverted.invert();
        if scan.read(&inverted, &light, luma, true) {
            return scan.texts;
        }
    }
    if scan.pass(&binarize::global(luma, width, height), luma) {
        return scan.texts;
    }
    let (mut level, mut level_width, mut level_height) = (None::<Vec<u8>>, width, height);
    for _ in 0..PYRAMID_LEVELS {
        if level_width / 2 < MIN_SIDE || level_height / 2 < MIN_SIDE {
            break;
        }
        let halved = grey::halve(level.as_deref().unwrap_or(luma), level_width);
        (level_width, level_height) = (level_width / 2, level_height / 2);
        let level = level.insert(halved);
        if scan.pass(&binarize::local(level, level_width, level_height), level)
            || scan.pass(&binarize::global(level, level_width, level_height), level)
        {
            return scan.texts;
        }
    }
    scan.texts
}

/// The state of one frame's scan: what it found, and what it may still spend.
struct Scan {
    texts: Vec<String>,
    budget: Cell<usize>,
}

impl Scan {
    /// One pass over a binarized image (dark codes only): finders, then codes. Returns whether it
    /// decoded anything.
    fn pass(&mut self, image: &binarize::BitImage, luma: &[u8]) -> bool {
        let [dark, _] = finder::find(image, false);
        self.read(image, &dark, luma, false)
    }

    /// Reads the codes whose finders are among `finders` (dark in `image`, which is `luma`
    /// binarized, inverted if `inverted`). Returns whether it decoded anything.
    fn read(
        &mut self,
        image: &binarize::BitImage,
        finders: &[finder::Finder],
        luma: &[u8],
        inverted: bool,
    ) -> bool {
        trace!(
            "pass {}x{}{}: {} finders {:?}",
            image.width(),
            image.height(),
            if inverted { " inverted" } else { "" },
            finders.len(),
            finders
                .iter()
                .map(|f| (f.center.x as i32, f.center.y as i32, f.module, f.count))
                .collect::<Vec<_>>()
        );
        // A code has three finders: fewer, and the pass ends here, before any fitting.
        if finders.len() < 3 {
            return false;
        }
        let source = detect::Source {
            budget: &self.budget,
            bits: image,
            luma,
            inverted,
        };
        detect::decode_all(&source, finders, &mut self.texts)
    }
}
