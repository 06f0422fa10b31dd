//! Tests of `scan_rgba`: the real photos of `../shared/qr-samples` (a regression bar), codes made by
//! our own encoder, and random frames and sizes (no panic, sensible results).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

use super::scan_rgba;

/// Photos decoded when this test was written (zxing-cpp with `tryHarder`: 123 of the same 137).
/// Raise it when the scanner improves; a drop below it is a regression.
const DECODED_AT_LEAST: usize = 127;

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/qr-samples")
}

/// Decodes a PNG or JPEG file to RGBA8.
fn load_rgba(path: &Path) -> (Vec<u8>, u32, u32) {
    let file = BufReader::new(File::open(path).expect("open sample"));
    let (pixels, channels, width, height) = if path.extension().is_some_and(|e| e == "jpg") {
        let mut decoder = jpeg_decoder::Decoder::new(file);
        let pixels = decoder.decode().expect("decode jpeg");
        let info = decoder.info().expect("jpeg info");
        let channels = match info.pixel_format {
            jpeg_decoder::PixelFormat::L8 => 1,
            jpeg_decoder::PixelFormat::RGB24 => 3,
            other => panic!(
                "unexpected JPEG pixel format {other:?} in {}",
                path.display()
            ),
        };
        (
            pixels,
            channels,
            u32::from(info.width),
            u32::from(info.height),
        )
    } else {
        let mut decoder = png::Decoder::new(file);
        // Palette to RGB(A), 1/2/4-bit gray to 8 bits, 16 bits to 8: every sample becomes one byte.
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("png header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("png size")];
        let info = reader.next_frame(&mut pixels).expect("decode png");
        pixels.truncate(info.buffer_size());
        (pixels, info.color_type.samples(), info.width, info.height)
    };
    let rgba = pixels
        .chunks_exact(channels)
        .flat_map(|p| match *p {
            [l] => [l, l, l, 255],
            [l, a] => [l, l, l, a],
            [r, g, b] => [r, g, b, 255],
            [r, g, b, a] => [r, g, b, a],
            _ => unreachable!("1 to 4 channels"),
        })
        .collect();
    (rgba, width, height)
}

/// The samples: every image with a same-named `.txt` holding the expected text, byte for byte
/// (some texts end with a newline or hold CR LF; the codes carry those bytes too). The four
/// `qrcode-7/01-0N.png` are parts of one structured-append message whose `01.txt` is the joined
/// text; they have no expected text of their own and are only checked for panics.
#[test]
fn decodes_the_sample_photos() {
    let root = samples_dir();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("../shared/qr-samples next to the repository")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let (mut total, mut decoded, mut failed) = (0, 0, Vec::new());
    for dir in dirs {
        let mut images: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("sample dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "jpg"))
            .collect();
        images.sort();
        for image in images {
            let (rgba, width, height) = load_rgba(&image);
            let texts = scan_rgba(&rgba, width, height);
            let Ok(expected) = std::fs::read_to_string(image.with_extension("txt")) else {
                continue;
            };
            total += 1;
            if texts.contains(&expected) {
                decoded += 1;
            } else {
                failed.push(
                    image
                        .strip_prefix(&root)
                        .unwrap_or(&image)
                        .display()
                        .to_string(),
                );
            }
        }
    }
    println!(
        "decoded {decoded}/{total}; not decoded: {}",
        failed.join(", ")
    );
    assert_eq!(total, 137, "the sample set changed");
    assert!(
        decoded >= DECODED_AT_LEAST,
        "decoded {decoded}/{total}, expected at least {DECODED_AT_LEAST}"
    );
}

/// Renders a code as RGBA: `scale` pixels per module, a 4-module quiet zone, optionally inverted.
fn render(code: &QrCode, scale: usize, inverted: bool) -> (Vec<u8>, u32, u32) {
    let modules = code.width();
    let side = (modules + 8) * scale;
    let colors = code.to_colors();
    let mut rgba = Vec::with_capacity(side * side * 4);
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
            let dark = mx < modules && my < modules && colors[my * modules + mx] == Color::Dark;
            let v = if dark != inverted { 0 } else { 255 };
            rgba.extend_from_slice(&[v, v, v, 255]);
        }
    }
    let side = u32::try_from(side).expect("small image");
    (rgba, side, side)
}

#[test]
fn decodes_generated_codes_plain_and_inverted() {
    let text = "HTTPS://MDM.EXAMPLE.COM/T/0123456789ABCDEF";
    let code = QrCode::with_error_correction_level(text, EcLevel::M).expect("encodable");
    for inverted in [false, true] {
        for scale in [1, 2, 5] {
            let (rgba, w, h) = render(&code, scale, inverted);
            assert_eq!(
                scan_rgba(&rgba, w, h),
                vec![text.to_owned()],
                "scale {scale}, inverted {inverted}"
            );
        }
    }
}

#[test]
fn decodes_every_code_in_a_frame() {
    let texts = ["FT1:first-token", "FT1:second-token", "FT1:third-token"];
    let tiles: Vec<_> = texts
        .iter()
        .map(|t| render(&QrCode::new(t.as_bytes()).expect("encodable"), 4, false))
        .collect();
    // Three codes side by side in one frame, tops aligned, white below the shorter ones.
    let width: u32 = tiles.iter().map(|(_, w, _)| w).sum();
    let height = tiles.iter().map(|(_, _, h)| *h).max().expect("three tiles");
    let mut frame = vec![255; (width * height * 4) as usize];
    let mut left = 0;
    for (rgba, w, h) in &tiles {
        for y in 0..*h {
            let row = &rgba[(y * w * 4) as usize..((y + 1) * w * 4) as usize];
            let at = ((y * width + left) * 4) as usize;
            frame[at..at + row.len()].copy_from_slice(row);
        }
        left += w;
    }
    let mut found = scan_rgba(&frame, width, height);
    found.sort();
    assert_eq!(found, texts);
}

#[test]
fn decodes_non_ascii_texts() {
    // Byte-mode UTF-8, which goes through the patched character set decoding.
    for text in ["Lagerhalle Süd – Tor 3", "naïve café", "倉庫へ移動"] {
        let code = QrCode::new(text.as_bytes()).expect("encodable");
        let (rgba, w, h) = render(&code, 3, false);
        assert_eq!(scan_rgba(&rgba, w, h), vec![text.to_owned()]);
    }
    // "QRコード" in Shift_JIS: in Kanji mode or in byte mode (detected by the guesser), the
    // decoder ends up with Shift_JIS bytes, which the patched table turns into Unicode.
    let code = QrCode::new(b"QR\x83\x52\x81\x5b\x83\x68").expect("encodable");
    let (rgba, w, h) = render(&code, 3, false);
    assert_eq!(scan_rgba(&rgba, w, h), vec!["QRコード".to_owned()]);
}

#[test]
fn rejects_mismatched_and_degenerate_frames() {
    assert!(scan_rgba(&[], 0, 0).is_empty());
    assert!(scan_rgba(&[0; 4], 1, 1).is_empty());
    assert!(scan_rgba(&[0; 16], u32::MAX, u32::MAX).is_empty());
    assert!(scan_rgba(&[0; 16], u32::MAX, 1).is_empty());
    // One byte short of a 100x100 frame.
    assert!(scan_rgba(&vec![255; 100 * 100 * 4 - 1], 100, 100).is_empty());
    // Valid but blank frames, including odd sizes.
    assert!(scan_rgba(&vec![255; 101 * 77 * 4], 101, 77).is_empty());
    assert!(scan_rgba(&vec![0; 21 * 1000 * 4], 21, 1000).is_empty());
}

/// An RGBA frame of random black and white blocks: finder-pattern-like runs everywhere, which
/// drives the detector far deeper than uniform noise does.
fn blocky_frame() -> impl Strategy<Value = (Vec<u8>, u32, u32)> {
    (1u32..160, 1u32..160, 1u32..6, any::<u64>()).prop_map(|(width, height, block, seed)| {
        let mut state = seed | 1;
        let columns = width.div_ceil(block) as usize;
        let cells: Vec<u8> = (0..columns * height.div_ceil(block) as usize)
            .map(|_| {
                // xorshift64: cheap, deterministic per case.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if state & 1 == 0 { 0 } else { 255 }
            })
            .collect();
        let rgba = (0..height)
            .flat_map(|y| (0..width).map(move |x| (x, y)))
            .flat_map(|(x, y)| {
                let v = cells[(y / block) as usize * columns + (x / block) as usize];
                [v, v, v, 255]
            })
            .collect();
        (rgba, width, height)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_on_random_pixels(width in 0u32..96, height in 0u32..96, seed in any::<u8>()) {
        let len = (width * height * 4) as usize;
        let rgba: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 7) as u8).collect();
        // Noise holds no code: a text here would be a false positive.
        prop_assert!(scan_rgba(&rgba, width, height).is_empty());
    }

    #[test]
    fn never_panics_on_blocky_frames((rgba, width, height) in blocky_frame()) {
        let _ = scan_rgba(&rgba, width, height);
    }

    #[test]
    fn mismatched_buffers_return_nothing(width in any::<u32>(), height in any::<u32>(), len in 0usize..4096) {
        let matches = u128::from(width) * u128::from(height) * 4 == len as u128;
        prop_assume!(!matches);
        prop_assert!(scan_rgba(&vec![0; len], width, height).is_empty());
    }
}
