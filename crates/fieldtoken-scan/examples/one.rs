//! Development aid: `cargo run --release -p fieldtoken-scan --example one -- FILE...` prints what
//! the reader finds in each image (set SCAN_TRACE=1 for the passes' trace).
fn main() {
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
