//! No panic on any pixels, and no text from noise.

use fieldtoken_scan::scan_rgba;
use proptest::prelude::*;

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
