//! The photos of `../shared/qr-samples` (a regression bar), as they are and letterboxed into
//! 640x480 camera frames.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use fieldtoken_scan::scan_rgba;

/// Photos decoded when this test was written (rxing's reader, which this crate replaced: 127;
/// zxing-cpp with `tryHarder`: 123). Raise it when the reader improves; a drop is a regression.
const PHOTOS_AT_LEAST: usize = 129;
/// Letterboxed 640x480 frames decoded when this test was written (rxing: 120, zxing-cpp: 121).
const FRAMES_AT_LEAST: usize = 129;

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/qr-samples")
}

/// An RGBA image.
struct Image {
    rgba: Vec<u8>,
    width: u32,
    height: u32,
}

/// Decodes a PNG or JPEG file to RGBA8.
fn load(path: &Path) -> Image {
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
    Image {
        rgba,
        width,
        height,
    }
}

/// The image as a 640x480 camera frame, exactly as `bench/qr.mjs` makes it: scaled to fit (nearest
/// neighbour, aspect kept), composited over white, letterboxed on mid grey.
fn camera_frame(image: &Image) -> Image {
    let (w, h) = (640usize, 480usize);
    let (sw, sh) = (image.width as usize, image.height as usize);
    let mut rgba = vec![128u8; w * h * 4];
    let scale = (w as f64 / sw as f64).min(h as f64 / sh as f64);
    let (fw, fh) = (
        (sw as f64 * scale).floor() as usize,
        (sh as f64 * scale).floor() as usize,
    );
    let (ox, oy) = ((w - fw) / 2, (h - fh) / 2);
    for y in 0..fh {
        let sy = ((y as f64 / scale).floor() as usize).min(sh - 1);
        for x in 0..fw {
            let sx = ((x as f64 / scale).floor() as usize).min(sw - 1);
            let (si, di) = ((sy * sw + sx) * 4, ((oy + y) * w + ox + x) * 4);
            let alpha = f64::from(image.rgba[si + 3]) / 255.0;
            for c in 0..3 {
                let v = f64::from(image.rgba[si + c]) * alpha + 255.0 * (1.0 - alpha);
                // JavaScript's Math.round: halves round up.
                rgba[di + c] = (v + 0.5).floor() as u8;
            }
        }
    }
    for pixel in rgba.chunks_exact_mut(4) {
        pixel[3] = 255;
    }
    Image {
        rgba,
        width: w as u32,
        height: h as u32,
    }
}

/// Every sample with a same-named `.txt` holding its expected text, byte for byte (some texts end
/// with a newline or hold CR LF; the codes carry those bytes too). The four `qrcode-7/01-0N.png`
/// are parts of one structured-append message whose `01.txt` is the joined text; they have no
/// expected text of their own and are only checked for panics.
fn samples() -> Vec<(String, Image, Option<String>)> {
    let root = samples_dir();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("../shared/qr-samples next to the repository")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let mut images: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("sample dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "jpg"))
            .collect();
        images.sort();
        for path in images {
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            let expected = std::fs::read_to_string(path.with_extension("txt")).ok();
            out.push((name, load(&path), expected));
        }
    }
    out
}

#[test]
fn decodes_the_sample_photos_and_camera_frames() {
    let (mut total, mut photos, mut frames) = (0, 0, 0);
    let (mut missed_photos, mut missed_frames) = (Vec::new(), Vec::new());
    for (name, image, expected) in samples() {
        let texts = scan_rgba(&image.rgba, image.width, image.height);
        let frame = camera_frame(&image);
        let frame_texts = scan_rgba(&frame.rgba, frame.width, frame.height);
        let Some(expected) = expected else { continue };
        total += 1;
        if texts.contains(&expected) {
            photos += 1;
        } else {
            missed_photos.push(name.clone());
        }
        if frame_texts.contains(&expected) {
            frames += 1;
        } else {
            missed_frames.push(name);
        }
    }
    println!(
        "photos {photos}/{total}; not decoded: {}",
        missed_photos.join(", ")
    );
    println!(
        "640x480 frames {frames}/{total}; not decoded: {}",
        missed_frames.join(", ")
    );
    assert_eq!(total, 137, "the sample set changed");
    assert!(
        photos >= PHOTOS_AT_LEAST,
        "photos {photos}/{total}, expected at least {PHOTOS_AT_LEAST}"
    );
    assert!(
        frames >= FRAMES_AT_LEAST,
        "frames {frames}/{total}, expected at least {FRAMES_AT_LEAST}"
    );
}
