//! Codes made by an independent encoder (the `qrcode` crate): every version and level, inverted,
//! mirrored, several in a frame, and texts in every mode and character set.

use fieldtoken_scan::scan_rgba;
use qrcode::{Color, EcLevel, QrCode, Version};

/// Renders a code as RGBA: `scale` pixels per module, a 4-module quiet zone, optionally inverted
/// (light on dark) or mirrored (left to right).
fn render(code: &QrCode, scale: usize, inverted: bool, mirrored: bool) -> (Vec<u8>, u32, u32) {
    let modules = code.width();
    let side = (modules + 8) * scale;
    let colors = code.to_colors();
    let mut rgba = Vec::with_capacity(side * side * 4);
    for y in 0..side {
        for x in 0..side {
            let (mut mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
            if mirrored && mx < modules {
                mx = modules - 1 - mx;
            }
            let dark = mx < modules && my < modules && colors[my * modules + mx] == Color::Dark;
            let v = if dark != inverted { 0 } else { 255 };
            rgba.extend_from_slice(&[v, v, v, 255]);
        }
    }
    let side = u32::try_from(side).expect("small image");
    (rgba, side, side)
}

fn check(code: &QrCode, expected: &str, scale: usize) {
    let (rgba, w, h) = render(code, scale, false, false);
    assert_eq!(
        scan_rgba(&rgba, w, h),
        vec![expected.to_owned()],
        "{expected:?} at scale {scale}"
    );
}

#[test]
fn reads_every_version_and_level() {
    for version in 1..=40 {
        for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
            // A text of about half the capacity, in byte mode, different per symbol.
            let text: String = (0..version * 3 + 5)
                .map(|i| char::from(b'a' + ((i * 7 + version) % 26) as u8))
                .collect();
            let Ok(code) =
                QrCode::with_version(text.as_bytes(), Version::Normal(version as i16), level)
            else {
                continue;
            };
            check(&code, &text, 2);
        }
    }
}

#[test]
fn reads_plain_inverted_and_mirrored_codes_at_several_scales() {
    let text = "HTTPS://MDM.EXAMPLE.COM/T/0123456789ABCDEF";
    let code = QrCode::with_error_correction_level(text, EcLevel::M).expect("encodable");
    for inverted in [false, true] {
        for mirrored in [false, true] {
            for scale in [1, 2, 5] {
                let (rgba, w, h) = render(&code, scale, inverted, mirrored);
                assert_eq!(
                    scan_rgba(&rgba, w, h),
                    vec![text.to_owned()],
                    "scale {scale}, inverted {inverted}, mirrored {mirrored}"
                );
            }
        }
    }
}

#[test]
fn reads_every_code_in_a_frame() {
    let texts = ["FT1:first-token", "FT1:second-token", "FT1:third-token"];
    let tiles: Vec<_> = texts
        .iter()
        .map(|t| {
            render(
                &QrCode::new(t.as_bytes()).expect("encodable"),
                4,
                false,
                false,
            )
        })
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
fn reads_every_mode_and_character_set() {
    // Numeric, alphanumeric and mixed segments (the encoder picks the modes).
    for text in [
        "0123456789012345",
        "FT1:ABC-123 $%*+./",
        "token 42: 0123456789012 ABCDEFGHIJ",
    ] {
        check(&QrCode::new(text.as_bytes()).expect("encodable"), text, 3);
    }
    // Byte mode UTF-8 and ISO-8859-1 (guessed: no ECI).
    for text in ["Lagerhalle Süd – Tor 3", "naïve café", "倉庫へ移動"] {
        check(&QrCode::new(text.as_bytes()).expect("encodable"), text, 3);
    }
    check(&QrCode::new(b"caf\xe9").expect("encodable"), "café", 3);
    // "QRコード" in Shift_JIS: Kanji mode or byte mode, both end as Shift_JIS bytes.
    check(
        &QrCode::new(b"QR\x83\x52\x81\x5b\x83\x68").expect("encodable"),
        "QRコード",
        3,
    );
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

/// Turns a square RGBA image a quarter turn clockwise.
fn quarter_turn(rgba: &[u8], side: u32) -> Vec<u8> {
    let side = side as usize;
    let mut out = vec![0; rgba.len()];
    for y in 0..side {
        for x in 0..side {
            let (from, to) = ((y * side + x) * 4, (x * side + side - 1 - y) * 4);
            out[to..to + 4].copy_from_slice(&rgba[from..from + 4]);
        }
    }
    out
}

#[test]
fn reads_codes_turned_every_way() {
    let text = "FT1:turned";
    for mirrored in [false, true] {
        let (mut rgba, side, _) =
            render(&QrCode::new(text).expect("encodable"), 3, false, mirrored);
        for turns in 0..4 {
            assert_eq!(
                scan_rgba(&rgba, side, side),
                vec![text.to_owned()],
                "{turns} quarter turns, mirrored {mirrored}"
            );
            rgba = quarter_turn(&rgba, side);
        }
    }
}

/// Rotates a square RGBA image by `degrees` about its centre into a larger white square
/// (bilinear), as a code held at an angle to the camera.
fn rotate(rgba: &[u8], side: u32, degrees: f32) -> (Vec<u8>, u32) {
    let side = side as usize;
    let out_side = (side as f32 * 1.5) as usize;
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (c_in, c_out) = (side as f32 / 2.0, out_side as f32 / 2.0);
    let luma = |x: usize, y: usize| f32::from(rgba[(y * side + x) * 4]);
    let mut out = Vec::with_capacity(out_side * out_side * 4);
    for y in 0..out_side {
        for x in 0..out_side {
            let (dx, dy) = (x as f32 + 0.5 - c_out, y as f32 + 0.5 - c_out);
            let (sx, sy) = (
                cos * dx + sin * dy + c_in - 0.5,
                -sin * dx + cos * dy + c_in - 0.5,
            );
            let v = if sx >= 0.0 && sy >= 0.0 && sx < (side - 1) as f32 && sy < (side - 1) as f32 {
                let (x0, y0) = (sx as usize, sy as usize);
                let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
                let top = luma(x0, y0) * (1.0 - fx) + luma(x0 + 1, y0) * fx;
                let bottom = luma(x0, y0 + 1) * (1.0 - fx) + luma(x0 + 1, y0 + 1) * fx;
                (top * (1.0 - fy) + bottom * fy) as u8
            } else {
                255
            };
            out.extend_from_slice(&[v, v, v, 255]);
        }
    }
    (out, out_side as u32)
}

#[test]
fn reads_codes_at_any_angle() {
    let text = "HTTPS://MDM.EXAMPLE.COM/T/ANGLE-0123456789";
    for (version, scale) in [(3, 4), (5, 3), (8, 3)] {
        let code = QrCode::with_version(text, Version::Normal(version), EcLevel::M).expect("fits");
        let (rgba, side, _) = render(&code, scale, false, false);
        for degrees in (0..360).step_by(23) {
            let (turned, turned_side) = rotate(&rgba, side, degrees as f32);
            assert_eq!(
                scan_rgba(&turned, turned_side, turned_side),
                vec![text.to_owned()],
                "version {version}, {degrees} degrees"
            );
        }
    }
}

#[test]
fn reads_codes_whose_modules_line_up_with_threshold_blocks() {
    // At 8 pixels per module every edge falls between the binarizer's 8x8 blocks, as in a PNG
    // the package renders at its default scale.
    let text = "HTTPS://MDM.EXAMPLE.COM/T/0123456789ABCDEF";
    let code = QrCode::with_error_correction_level(text, EcLevel::M).expect("encodable");
    for scale in [8, 16] {
        let (rgba, w, h) = render(&code, scale, false, false);
        assert_eq!(
            scan_rgba(&rgba, w, h),
            vec![text.to_owned()],
            "scale {scale}"
        );
    }
}
