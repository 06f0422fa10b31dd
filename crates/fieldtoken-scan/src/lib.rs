//! fieldtoken's QR reader: RGBA camera frames in, the text of every QR code out, never a panic.
//!
//! ```
//! // A blank 64x48 frame holds no code.
//! let frame = vec![255u8; 64 * 48 * 4];
//! assert!(fieldtoken_scan::scan_rgba(&frame, 64, 48).is_empty());
//! ```
//!
//! Each stage is its own module:
//!
//! - `grey`: RGBA to luma (BT.601 weights, transparent pixels over white), and the 2x2 box filter
//!   of the smaller passes;
//! - `binarize`: local thresholds (8x8 blocks smoothed over 5x5 blocks, after zxing's
//!   HybridBinarizer) and a global one (the luma histogram's valley);
//! - `finder`: runs of 1:1:3:1:1 along the rows, dark on light and light on dark in one scan,
//!   confirmed across the column, the row and both diagonals;
//! - `detect`: triples of finders scored by shape; the version estimated from module sizes
//!   measured across the finders; the fourth corner through the perspective those sizes imply;
//! - `fit` and `transform`: the grid fitted to the known function patterns by moving its corners
//!   a fraction of a module at a time; the bottom-right alignment pattern matched where the fit
//!   puts it; for versions 7 and up also a mesh of perspective cells through every alignment
//!   pattern;
//! - `sample`: the grid sampled at module centres; a grid whose format reads but whose data does
//!   not is sampled again from the grey image and at eight off-centre points;
//! - `read` and `symbol`: format information (BCH 15,5, both copies), the grid transposed when it
//!   does not read (mirrored codes), version information (BCH 18,6), unmasking, codeword
//!   placement and de-interleaving;
//! - `reed_solomon`: correction over GF(256) (Berlekamp-Massey, Chien search, Forney);
//! - `bitstream` and `charset`: numeric, alphanumeric, byte, Kanji and Hanzi segments, ECI
//!   (UTF-8, ISO-8859-1, Shift_JIS; others lossily), FNC1, structured append skipped.
//!
//! `scan_rgba` runs up to eight passes, stopping at the first that decodes anything. The counts
//! are the samples of `../shared/qr-samples` (photos / letterboxed 640x480 frames) each pass is
//! the first to decode, out of 129 / 129:
//!
//! | pass | binarizer | image | first to decode |
//! |---|---|---|---|
//! | 1 | local | as is | 118 / 113: most photos |
//! | 2 | local, inverted | as is | 2 / 2: light-on-dark codes |
//! | 3 | global | as is | 5 / 5: low-contrast codes that local thresholds break up |
//! | 4 to 7 | local, then global | halved, then quartered | 3 / 9: blur, noise, codes filling a frame |
//! | 8 | local | doubled, for images up to 320x240 | 1 / 0: small blurred crops |
//!
//! Frames without a code stay cheap: one without any 8x8 block of contrast ends after
//! binarization, a pass with fewer than three finder candidates ends after its row scan, fits of
//! texture are given up after one round of moves, and one frame may spend at most a fixed number
//! of module samples on fitting and sampling candidates.

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
mod fit;
mod grey;
mod read;
mod reed_solomon;
mod sample;
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
    // Small images (a code cropped from a photo) whose modules are two or three pixels wide and
    // blurred: twice the size, each module spans more than one threshold block.
    if width * height <= SMALL_IMAGE {
        let doubled = grey::double(luma, width);
        let (w, h) = (2 * width, 2 * height);
        scan.pass(&binarize::local(&doubled, w, h), &doubled);
    }
    trace!("budget left {}", scan.budget.get());
    scan.texts
}

/// Images of at most this many pixels get an upscaled pass: a 320x240 frame and below.
const SMALL_IMAGE: usize = 320 * 240;

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
