//! Development aid: `cargo run --release -p fieldtoken-scan --example one -- FILE...` prints what
//! the reader finds in each image (set SCAN_TRACE=1 for the passes' trace).
fn main() {
    if let Ok(dir) = std::env::var("SCAN_DUMP") {
        if std::env::args().nth(1).as_deref() == Some("--png") {
            for entry in std::fs::read_dir(&dir).expect("dir") {
                let p = entry.expect("e").path();
                if p.extension().is_some_and(|e| e == "pgm") {
                    pgm_to_png(
                        p.to_str().expect("utf8"),
                        p.with_extension("png").to_str().expect("utf8"),
                        3,
                    );
                }
            }
            return;
        }
    }
    for path in std::env::args().skip(1) {
        let (rgba, w, h) = load(&path);
        let start = std::time::Instant::now();
        let texts = fieldtoken_scan::scan_rgba(&rgba, w, h);
        println!("{path}: {:?} in {:?}", texts, start.elapsed());
    }
}

fn load(path: &str) -> (Vec<u8>, u32, u32) {
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("open"));
    if path.ends_with(".jpg") {
        let mut d = jpeg_decoder::Decoder::new(file);
        let px = d.decode().expect("jpeg");
        let info = d.info().expect("info");
        let ch = if info.pixel_format == jpeg_decoder::PixelFormat::L8 {
            1
        } else {
            3
        };
        let rgba = px
            .chunks_exact(ch)
            .flat_map(|p| {
                if ch == 1 {
                    [p[0], p[0], p[0], 255]
                } else {
                    [p[0], p[1], p[2], 255]
                }
            })
            .collect();
        (rgba, u32::from(info.width), u32::from(info.height))
    } else {
        let mut d = png::Decoder::new(file);
        d.set_transformations(png::Transformations::normalize_to_color8());
        let mut r = d.read_info().expect("png");
        let mut px = vec![0; r.output_buffer_size().expect("size")];
        let info = r.next_frame(&mut px).expect("frame");
        px.truncate(info.buffer_size());
        let ch = info.color_type.samples();
        let rgba = px
            .chunks_exact(ch)
            .flat_map(|p| match *p {
                [l] => [l, l, l, 255],
                [l, a] => [l, l, l, a],
                [r, g, b] => [r, g, b, 255],
                [r, g, b, a] => [r, g, b, a],
                _ => unreachable!(),
            })
            .collect();
        (rgba, info.width, info.height)
    }
}

/// Converts `pass*.pgm` dumps into PNGs scaled by 3 for viewing.
#[allow(dead_code)]
pub fn pgm_to_png(path: &str, out: &str, scale: usize) {
    let data = std::fs::read(path).expect("read");
    let header_end = data.iter().position(|&b| b == b'\n').expect("header");
    let header = String::from_utf8_lossy(&data[..header_end]).to_string();
    let parts: Vec<usize> = header
        .split_whitespace()
        .skip(1)
        .map(|s| s.parse().expect("num"))
        .collect();
    let (w, h) = (parts[0], parts[1]);
    let pixels = &data[header_end + 1..];
    let mut big = vec![0u8; w * scale * h * scale];
    for y in 0..h * scale {
        for x in 0..w * scale {
            big[y * w * scale + x] = pixels[(y / scale) * w + x / scale];
        }
    }
    let file = std::fs::File::create(out).expect("create");
    let mut enc = png::Encoder::new(
        std::io::BufWriter::new(file),
        (w * scale) as u32,
        (h * scale) as u32,
    );
    enc.set_color(png::ColorType::Grayscale);
    enc.write_header()
        .expect("hdr")
        .write_image_data(&big)
        .expect("write");
}
