//! Any pixels: the first four bytes choose the frame's size, the rest are its RGBA bytes, expanded
//! two ways (as they are, and as blocks of black and white, which drive the finder search and the
//! sampling much deeper than raw noise). The reader must never panic, and a buffer that does not
//! match the size must give nothing.
#![no_main]

use fieldtoken_scan::scan_rgba;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((size, pixels)) = data.split_first_chunk::<4>() else {
        return;
    };
    let width = u32::from(u16::from_le_bytes([size[0], size[1]]) % 512);
    let height = u32::from(u16::from_le_bytes([size[2], size[3]]) % 512);
    let len = (width * height * 4) as usize;
    let texts = scan_rgba(pixels, width, height);
    if pixels.len() != len {
        assert!(texts.is_empty());
    }
    // Each input bit becomes a 3x3 block of black or white, in a frame as wide as the size says.
    if width >= 3 && height >= 3 && !pixels.is_empty() {
        let bits = pixels.len() * 8;
        let frame: Vec<u8> = (0..width * height)
            .flat_map(|i| {
                let (x, y) = (i % width / 3, i / width / 3);
                let bit = (y * width.div_ceil(3) + x) as usize % bits;
                let v = if pixels[bit / 8] >> (bit % 8) & 1 == 1 { 0 } else { 255 };
                [v, v, v, 255]
            })
            .collect();
        let _ = scan_rgba(&frame, width, height);
    }
});
