//! Development aid for tuning the reader against sample images:
//!
//! - `cargo run --release -p fieldtoken-scan --example one -- FILE...` prints what the reader
//!   finds in each PNG or JPEG file and how long it took (`--features trace` adds every pass's
//!   trace; `SCAN_FRAME=1` letterboxes each image into a 640x480 frame first, as `bench/qr.mjs`);
//! - `... --example one -- --time ../shared/qr-samples` prints median times per photo, per
//!   letterboxed frame, and for 640x480 frames without a code (smooth, and with sensor noise).
fn main() {
    if std::env::args().nth(1).as_deref() == Some("--time") {
        time_all(&std::env::args().nth(2).expect("samples dir"));
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("--noise") {
        // One no-code frame: the gradient scene with noise of the given sigma, scanned once.
        let sigma: f64 = std::env::args()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(8.0);
        let mut state = 0x9e37_79b9_u32;
        let mut frame = Vec::with_capacity(640 * 480 * 4);
        for y in 0..480 {
            for x in 0..640 {
                let base = 40.0 + 170.0 * f64::from(x) / 640.0 + 30.0 * f64::from(y) / 480.0;
                for _ in 0..3 {
                    let mut noise = -1.5;
                    for _ in 0..3 {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        noise += f64::from(state) / 4_294_967_296.0;
                    }
                    frame.push((base + noise * 2.0 * sigma).round().clamp(0.0, 255.0) as u8);
                }
                frame.push(255);
            }
        }
        // The fastest of 20 runs: what the code costs, whatever else the machine is doing.
        let mut fastest = std::time::Duration::MAX;
        let mut texts = Vec::new();
        for _ in 0..20 {
            let start = std::time::Instant::now();
            texts = fieldtoken_scan::scan_rgba(&frame, 640, 480);
            fastest = fastest.min(start.elapsed());
        }
        println!("noise {sigma}: {texts:?}, fastest of 20 runs {fastest:?}");
        return;
    }
    let frame = std::env::var_os("SCAN_FRAME").is_some();
    for path in std::env::args().skip(1) {
        let (mut rgba, mut w, mut h) = load(&path);
        if frame {
            rgba = letterbox(&rgba, w as usize, h as usize);
            (w, h) = (640, 480);
        }
        let start = std::time::Instant::now();
        let texts = fieldtoken_scan::scan_rgba(&rgba, w, h);
        println!(
            "{path}: {:?} in {:?} sum {}",
            texts,
            start.elapsed(),
            rgba.iter().map(|&b| u64::from(b)).sum::<u64>()
        );
    }
}

/// Decodes a PNG or JPEG file to RGBA.
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn letterbox(rgba: &[u8], sw: usize, sh: usize) -> Vec<u8> {
    let (w, h) = (640usize, 480usize);
    let mut out = vec![128u8; w * h * 4];
    let scale = (w as f64 / sw as f64).min(h as f64 / sh as f64);
    let (fw, fh) = ((sw as f64 * scale) as usize, (sh as f64 * scale) as usize);
    let (ox, oy) = ((w - fw) / 2, (h - fh) / 2);
    for y in 0..fh {
        let sy = ((y as f64 / scale) as usize).min(sh - 1);
        for x in 0..fw {
            let sx = ((x as f64 / scale) as usize).min(sw - 1);
            let (si, di) = ((sy * sw + sx) * 4, ((oy + y) * w + ox + x) * 4);
            let a = f64::from(rgba[si + 3]) / 255.0;
            for c in 0..3 {
                out[di + c] = (f64::from(rgba[si + c]) * a + 255.0 * (1.0 - a) + 0.5) as u8;
            }
        }
    }
    for p in out.chunks_exact_mut(4) {
        p[3] = 255;
    }
    out
}

/// Median time per photo, per 640x480 frame, and per no-code frame (smooth, noise).
fn time_all(dir: &str) {
    let mut files = Vec::new();
    for d in std::fs::read_dir(dir).expect("dir") {
        let d = d.expect("e").path();
        if d.is_dir() {
            for f in std::fs::read_dir(&d).expect("dir") {
                let f = f.expect("e").path();
                if f.extension().is_some_and(|e| e == "png" || e == "jpg") {
                    files.push(f);
                }
            }
        }
    }
    let time = |rgba: &[u8], w: u32, h: u32| {
        let mut t = Vec::new();
        for _ in 0..5 {
            let s = std::time::Instant::now();
            let _ = fieldtoken_scan::scan_rgba(rgba, w, h);
            t.push(s.elapsed().as_secs_f64() * 1000.0);
        }
        median(t)
    };
    let (mut photos, mut frames) = (Vec::new(), Vec::new());
    for f in &files {
        let (rgba, w, h) = load(f.to_str().expect("utf8"));
        photos.push(time(&rgba, w, h));
        let frame = letterbox(&rgba, w as usize, h as usize);
        let t = time(&frame, 640, 480);
        if t > 20.0 {
            println!("slow frame {}: {t:.1} ms", f.display());
        }
        frames.push(t);
    }
    // The no-code frames of bench/qr.mjs: three smooth scenes, then with noise of sigma 4, 8, 16.
    let scenes: [fn(f64, f64) -> f64; 3] = [
        |x, y| 40.0 + 170.0 * x / 640.0 + 30.0 * y / 480.0,
        |x, y| {
            200.0 - 150.0 * (((x - 320.0) / 640.0).powi(2) + ((y - 240.0) / 480.0).powi(2)) * 2.0
        },
        |x, y| 128.0 + 60.0 * ((x + y) / 160.0).sin(),
    ];
    let mut state = 0x9e37_79b9_u32;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        f64::from(state) / 4_294_967_296.0
    };
    let mut no_code = Vec::new();
    for sigma in [0.0, 4.0, 8.0, 16.0] {
        let mut times = Vec::new();
        for scene in scenes {
            let mut frame = Vec::with_capacity(640 * 480 * 4);
            for y in 0..480 {
                for x in 0..640 {
                    let base = scene(f64::from(x), f64::from(y));
                    for _ in 0..3 {
                        let noise = (random() + random() + random() - 1.5) * 2.0 * sigma;
                        frame.push((base + noise).round().clamp(0.0, 255.0) as u8);
                    }
                    frame.push(255);
                }
            }
            times.push(time(&frame, 640, 480));
        }
        no_code.push(format!("sigma {sigma}: {:.2} ms", median(times)));
    }
    println!(
        "photos: median {:.2} ms over {}",
        median(photos),
        files.len()
    );
    println!(
        "640x480 frames: median {:.2} ms, max {:.1}",
        median(frames.clone()),
        frames.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "640x480 without a code, median of 3 scenes: {}",
        no_code.join(", ")
    );
}
