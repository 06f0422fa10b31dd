//! Decodes the sample photos (`../shared/qr-samples`, PNG and JPEG) to raw RGBA for the Node benchmark
//! (`cargo xtask bench`), so that every decoder in it reads exactly the same pixels and Node needs no image
//! library. Usage: `sample_frames SAMPLES_DIR OUT_DIR`; writes `OUT_DIR/frames.rgba` (all frames, one after the
//! other) and `OUT_DIR/frames.json` (`[{ name, width, height, offset, expected }]`).
//!
//! Only images with a same-named `.txt` are samples: its content is the expected text, byte for byte (the
//! four `qrcode-7/01-0N.png` parts of one structured-append message have none).

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [samples, out] = args.as_slice() else {
        eprintln!("usage: sample_frames SAMPLES_DIR OUT_DIR");
        std::process::exit(2);
    };
    if let Err(message) = run(Path::new(samples), Path::new(out)) {
        eprintln!("sample_frames: {message}");
        std::process::exit(1);
    }
}

fn run(samples: &Path, out: &Path) -> Result<(), String> {
    let mut images = Vec::new();
    let mut dirs = sorted(samples)?;
    dirs.retain(|d| d.is_dir());
    for dir in dirs {
        images.extend(
            sorted(&dir)?
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "jpg"))
                .filter(|p| p.with_extension("txt").is_file()),
        );
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut blob = File::create(out.join("frames.rgba")).map_err(|e| e.to_string())?;
    let (mut index, mut offset) = (Vec::new(), 0usize);
    for image in &images {
        let (rgba, width, height) =
            load_rgba(image).map_err(|e| format!("{}: {e}", image.display()))?;
        let expected =
            std::fs::read_to_string(image.with_extension("txt")).map_err(|e| e.to_string())?;
        let name = image
            .strip_prefix(samples)
            .unwrap_or(image)
            .display()
            .to_string();
        index.push(format!(
            "{{\"name\":{},\"width\":{width},\"height\":{height},\"offset\":{offset},\"expected\":{}}}",
            json_string(&name),
            json_string(&expected)
        ));
        blob.write_all(&rgba).map_err(|e| e.to_string())?;
        offset += rgba.len();
    }
    std::fs::write(
        out.join("frames.json"),
        format!("[\n{}\n]\n", index.join(",\n")),
    )
    .map_err(|e| e.to_string())?;
    println!(
        "sample_frames: {} samples, {} MB of RGBA",
        images.len(),
        offset >> 20
    );
    Ok(())
}

fn sorted(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Ok(paths)
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A PNG or JPEG file as RGBA8 (gray, gray+alpha, RGB, palette and 16-bit all normalised).
fn load_rgba(path: &Path) -> Result<(Vec<u8>, u32, u32), String> {
    let file = BufReader::new(File::open(path).map_err(|e| e.to_string())?);
    let (pixels, channels, width, height) = if path.extension().is_some_and(|e| e == "jpg") {
        let mut decoder = jpeg_decoder::Decoder::new(file);
        let pixels = decoder.decode().map_err(|e| e.to_string())?;
        let info = decoder.info().ok_or("no JPEG header")?;
        let channels = match info.pixel_format {
            jpeg_decoder::PixelFormat::L8 => 1,
            jpeg_decoder::PixelFormat::RGB24 => 3,
            other => return Err(format!("unsupported JPEG pixel format {other:?}")),
        };
        (
            pixels,
            channels,
            u32::from(info.width),
            u32::from(info.height),
        )
    } else {
        let mut decoder = png::Decoder::new(file);
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
        let mut pixels = vec![0; reader.output_buffer_size().ok_or("PNG too large")?];
        let info = reader.next_frame(&mut pixels).map_err(|e| e.to_string())?;
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
            _ => [0, 0, 0, 0],
        })
        .collect();
    Ok((rgba, width, height))
}
