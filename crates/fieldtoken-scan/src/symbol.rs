//! The symbol's structure (ISO/IEC 18004): format information (BCH 15,5) and version information
//! (BCH 18,6), the function patterns that hold no data, the masks, the order codewords are placed
//! in, and their blocks of data and error correction.

/// A sampled code: `side` x `side` modules, row by row, `true` for dark.
#[derive(Clone)]
pub(crate) struct Grid {
    side: usize,
    dark: Vec<bool>,
}

impl Grid {
    pub(crate) fn new(side: usize, dark: Vec<bool>) -> Grid {
        debug_assert_eq!(dark.len(), side * side);
        Grid { side, dark }
    }

    /// The module at column `x`, row `y`; outside the grid is light.
    pub(crate) fn at(&self, x: usize, y: usize) -> bool {
        x < self.side && y < self.side && self.dark[y * self.side + x]
    }

    pub(crate) fn side(&self) -> usize {
        self.side
    }

    /// The code read in a mirror: rows become columns.
    pub(crate) fn transposed(&self) -> Grid {
        let s = self.side;
        Grid {
            side: s,
            dark: (0..s * s).map(|i| self.dark[(i % s) * s + i / s]).collect(),
        }
    }
}

/// Error correction levels in the order of their format bits' value (00 = M, 01 = L, 10 = H, 11 = Q).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Level {
    M = 0,
    L = 1,
    H = 2,
    Q = 3,
}

/// What the format information says: the error correction level and the mask pattern.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Format {
    pub(crate) level: Level,
    pub(crate) mask: u8,
}

/// The remainder of `value` divided by `generator` (a polynomial over GF(2)), for BCH codes.
const fn bch_remainder(mut value: u32, generator: u32) -> u32 {
    let degree = 31 - generator.leading_zeros();
    while value != 0 && 31 - value.leading_zeros() >= degree {
        value ^= generator << (31 - value.leading_zeros() - degree);
    }
    value
}

/// The 32 valid format words, masked with 0x5412 as they are printed.
const FORMAT_WORDS: [u32; 32] = {
    let mut words = [0; 32];
    let mut data = 0;
    while data < 32 {
        words[data as usize] = ((data << 10) | bch_remainder(data << 10, 0x537)) ^ 0x5412;
        data += 1;
    }
    words
};

/// The 34 valid version words, for versions 7 to 40.
const VERSION_WORDS: [u32; 34] = {
    let mut words = [0; 34];
    let mut version = 7;
    while version <= 40 {
        words[version as usize - 7] = (version << 12) | bch_remainder(version << 12, 0x1f25);
        version += 1;
    }
    words
};

/// Reads both copies of the format information and picks the valid word closest to either, within
/// the code's 3 correctable bit errors.
pub(crate) fn read_format(grid: &Grid) -> Option<Format> {
    let side = grid.side();
    let bit = |x: usize, y: usize, word: u32| (word << 1) | u32::from(grid.at(x, y));
    // Around the top-left finder: along row 8 (skipping the timing column), then up column 8.
    let mut first = 0;
    for x in [0, 1, 2, 3, 4, 5, 7, 8] {
        first = bit(x, 8, first);
    }
    for y in [7, 5, 4, 3, 2, 1, 0] {
        first = bit(8, y, first);
    }
    // The second copy: up column 8 beside the bottom-left finder, then along row 8 beside the
    // top-right one.
    let mut second = 0;
    for y in (side - 7..side).rev() {
        second = bit(8, y, second);
    }
    for x in side - 8..side {
        second = bit(x, 8, second);
    }
    let (data, distance) = closest(&FORMAT_WORDS, [first, second])?;
    (distance <= 3).then(|| Format {
        level: [Level::M, Level::L, Level::H, Level::Q][(data >> 3) as usize & 3],
        mask: data as u8 & 7,
    })
}

/// Reads the version information (versions 7 and up) from both copies.
pub(crate) fn read_version(grid: &Grid) -> Option<usize> {
    let side = grid.side();
    // Both blocks are read from the corner farthest from their finder's edge, most significant
    // bit first; the bottom-left block is the top-right one transposed.
    let (mut top_right, mut bottom_left) = (0u32, 0u32);
    for i in (0..6).rev() {
        for j in (side - 11..side - 8).rev() {
            top_right = (top_right << 1) | u32::from(grid.at(j, i));
            bottom_left = (bottom_left << 1) | u32::from(grid.at(i, j));
        }
    }
    let (index, distance) = closest(&VERSION_WORDS, [top_right, bottom_left])?;
    (distance <= 3).then_some(index as usize + 7)
}

/// The index of the word nearest to any of the read words, and its Hamming distance.
fn closest(words: &[u32], read: [u32; 2]) -> Option<(u32, u32)> {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let d = read
                .iter()
                .map(|r| (r ^ w).count_ones())
                .min()
                .unwrap_or(u32::MAX);
            (i as u32, d)
        })
        .min_by_key(|&(_, d)| d)
}

/// Error correction per version (index 0 is version 1) and level (L, M, Q, H): codewords of error
/// correction per block, and blocks (ISO/IEC 18004 table 9).
const EC_BLOCKS: [[(u8, u8); 4]; 40] = [
    [(7, 1), (10, 1), (13, 1), (17, 1)],
    [(10, 1), (16, 1), (22, 1), (28, 1)],
    [(15, 1), (26, 1), (18, 2), (22, 2)],
    [(20, 1), (18, 2), (26, 2), (16, 4)],
    [(26, 1), (24, 2), (18, 4), (22, 4)],
    [(18, 2), (16, 4), (24, 4), (28, 4)],
    [(20, 2), (18, 4), (18, 6), (26, 5)],
    [(24, 2), (22, 4), (22, 6), (26, 6)],
    [(30, 2), (22, 5), (20, 8), (24, 8)],
    [(18, 4), (26, 5), (24, 8), (28, 8)],
    [(20, 4), (30, 5), (28, 8), (24, 11)],
    [(24, 4), (22, 8), (26, 10), (28, 11)],
    [(26, 4), (22, 9), (24, 12), (22, 16)],
    [(30, 4), (24, 9), (20, 16), (24, 16)],
    [(22, 6), (24, 10), (30, 12), (24, 18)],
    [(24, 6), (28, 10), (24, 17), (30, 16)],
    [(28, 6), (28, 11), (28, 16), (28, 19)],
    [(30, 6), (26, 13), (28, 18), (28, 21)],
    [(28, 7), (26, 14), (26, 21), (26, 25)],
    [(28, 8), (26, 16), (30, 20), (28, 25)],
    [(28, 8), (26, 17), (28, 23), (30, 25)],
    [(28, 9), (28, 17), (30, 23), (24, 34)],
    [(30, 9), (28, 18), (30, 25), (30, 30)],
    [(30, 10), (28, 20), (30, 27), (30, 32)],
    [(26, 12), (28, 21), (30, 29), (30, 35)],
    [(28, 12), (28, 23), (28, 34), (30, 37)],
    [(30, 12), (28, 25), (30, 34), (30, 40)],
    [(30, 13), (28, 26), (30, 35), (30, 42)],
    [(30, 14), (28, 28), (30, 38), (30, 45)],
    [(30, 15), (28, 29), (30, 40), (30, 48)],
    [(30, 16), (28, 31), (30, 43), (30, 51)],
    [(30, 17), (28, 33), (30, 45), (30, 54)],
    [(30, 18), (28, 35), (30, 48), (30, 57)],
    [(30, 19), (28, 37), (30, 51), (30, 60)],
    [(30, 19), (28, 38), (30, 53), (30, 63)],
    [(30, 20), (28, 40), (30, 56), (30, 66)],
    [(30, 21), (28, 43), (30, 59), (30, 70)],
    [(30, 22), (28, 45), (30, 62), (30, 74)],
    [(30, 24), (28, 47), (30, 65), (30, 77)],
    [(30, 25), (28, 49), (30, 68), (30, 81)],
];

/// The side in modules of a version's symbol.
pub(crate) fn side_of(version: usize) -> usize {
    17 + 4 * version
}

/// The centres (row or column) of a version's alignment patterns: 6, then evenly spaced (by an
/// even step) up to `side - 7`. Version 32's step is the one exception to the formula.
pub(crate) fn alignment_centers(version: usize) -> Vec<usize> {
    if version < 2 {
        return Vec::new();
    }
    let count = version / 7 + 2;
    let last = 4 * version + 10;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (2 * count - 2) * 2
    };
    let mut centers: Vec<usize> = (0..count - 1).map(|i| last - i * step).collect();
    centers.push(6);
    centers.reverse();
    centers
}

/// Which modules of a version's symbol are function patterns (finders with their separators,
/// timing, alignment, format and version information): everything but data.
fn function_modules(version: usize) -> Vec<bool> {
    let side = side_of(version);
    let mut function = vec![false; side * side];
    let mut fill = |x0: usize, y0: usize, w: usize, h: usize| {
        for y in y0..(y0 + h).min(side) {
            for x in x0..(x0 + w).min(side) {
                function[y * side + x] = true;
            }
        }
    };
    // Finders, separators and format information.
    fill(0, 0, 9, 9);
    fill(side - 8, 0, 8, 9);
    fill(0, side - 8, 9, 8);
    // Timing.
    fill(6, 0, 1, side);
    fill(0, 6, side, 1);
    let centers = alignment_centers(version);
    for &cy in &centers {
        for &cx in &centers {
            let on_finder = [(6, 6), (6, side - 7), (side - 7, 6)].contains(&(cx, cy));
            if !on_finder {
                fill(cx - 2, cy - 2, 5, 5);
            }
        }
    }
    if version >= 7 {
        fill(side - 11, 0, 3, 6);
        fill(0, side - 11, 6, 3);
    }
    function
}

/// Whether mask pattern `mask` flips the module at row `i`, column `j`.
fn masked(mask: u8, i: usize, j: usize) -> bool {
    match mask {
        0 => (i + j).is_multiple_of(2),
        1 => i.is_multiple_of(2),
        2 => j.is_multiple_of(3),
        3 => (i + j).is_multiple_of(3),
        4 => (i / 2 + j / 3).is_multiple_of(2),
        5 => (i * j) % 2 + (i * j) % 3 == 0,
        6 => ((i * j) % 2 + (i * j) % 3).is_multiple_of(2),
        _ => ((i + j) % 2 + (i * j) % 3).is_multiple_of(2),
    }
}

/// Reads the codewords in placement order (two-module columns from the right, up then down,
/// skipping the timing column and function patterns), unmasking as it goes.
pub(crate) fn codewords(grid: &Grid, version: usize, mask: u8) -> Vec<u8> {
    let side = side_of(version);
    let function = function_modules(version);
    let mut out = Vec::with_capacity(side * side / 8);
    let (mut byte, mut bits) = (0u8, 0);
    let mut right = side - 1;
    let mut upward = true;
    loop {
        for step in 0..side {
            let y = if upward { side - 1 - step } else { step };
            for x in [right, right - 1] {
                if function[y * side + x] {
                    continue;
                }
                byte = (byte << 1) | u8::from(grid.at(x, y) != masked(mask, y, x));
                bits += 1;
                if bits == 8 {
                    out.push(byte);
                    (byte, bits) = (0, 0);
                }
            }
        }
        upward = !upward;
        if right < 3 {
            break;
        }
        right -= 2;
        // The vertical timing pattern takes column 6: the pair left of it is (5, 4).
        if right == 6 {
            right = 5;
        }
    }
    out
}

/// Splits interleaved codewords into their blocks, corrects each, and returns the data codewords
/// in order; `None` when a block cannot be corrected.
pub(crate) fn correct_data(codewords: &[u8], version: usize, level: Level) -> Option<Vec<u8>> {
    let level_index = match level {
        Level::L => 0,
        Level::M => 1,
        Level::Q => 2,
        Level::H => 3,
    };
    let (ec_len, blocks) = EC_BLOCKS.get(version.checked_sub(1)?)?[level_index];
    let (ec_len, blocks) = (usize::from(ec_len), usize::from(blocks));
    let total = total_codewords(version);
    if codewords.len() < total {
        return None;
    }
    let data_total = total.checked_sub(ec_len * blocks)?;
    let short_data = data_total / blocks;
    let long_blocks = data_total % blocks;
    let short_blocks = blocks - long_blocks;
    let mut split: Vec<Vec<u8>> = (0..blocks)
        .map(|b| Vec::with_capacity(short_data + 1 + ec_len + usize::from(b >= short_blocks)))
        .collect();
    let mut next = codewords.iter().copied();
    // Data codewords round-robin; long blocks (the last ones) take one more at the end.
    for i in 0..=short_data {
        for (b, block) in split.iter_mut().enumerate() {
            if i < short_data || b >= short_blocks {
                block.push(next.next()?);
            }
        }
    }
    for _ in 0..ec_len {
        for block in &mut split {
            block.push(next.next()?);
        }
    }
    let mut data = Vec::with_capacity(data_total);
    for mut block in split {
        crate::reed_solomon::correct(&mut block, ec_len)?;
        let data_len = block.len() - ec_len;
        data.extend_from_slice(&block[..data_len]);
    }
    Some(data)
}

/// How many codewords a version's symbol holds: its modules minus the function patterns, in bytes.
fn total_codewords(version: usize) -> usize {
    let v = version;
    let mut modules = (16 * v + 128) * v + 64;
    if v >= 2 {
        let alignments = v / 7 + 2;
        modules -= (25 * alignments - 10) * alignments - 55;
        if v >= 7 {
            modules -= 36;
        }
    }
    modules / 8
}

/// The function modules whose colour is known in advance (finders, separators, timing and
/// alignment patterns), as `(x, y, dark)`: what a sampled grid must show if it was sampled in the
/// right places.
pub(crate) fn known_modules(version: usize) -> Vec<(u8, u8, bool)> {
    let side = side_of(version);
    let mut known = Vec::new();
    // Finders with their separators: 8x8 squares at three corners.
    for (fx, fy) in [(0, 0), (side - 7, 0), (0, side - 7)] {
        for dy in -1i32..=7 {
            for dx in -1i32..=7 {
                let (x, y) = (fx as i32 + dx, fy as i32 + dy);
                if x < 0 || y < 0 || x >= side as i32 || y >= side as i32 {
                    continue;
                }
                let ring = dx.clamp(0, 6).abs_diff(3).max(dy.clamp(0, 6).abs_diff(3));
                let inside = (0..7).contains(&dx) && (0..7).contains(&dy);
                let dark = inside && ring != 2;
                known.push((x as u8, y as u8, dark));
            }
        }
    }
    for i in 8..side - 8 {
        known.push((i as u8, 6, i % 2 == 0));
        known.push((6, i as u8, i % 2 == 0));
    }
    let centers = alignment_centers(version);
    for &cy in &centers {
        for &cx in &centers {
            let on_finder = [(6, 6), (6, side - 7), (side - 7, 6)].contains(&(cx, cy));
            if on_finder {
                continue;
            }
            for dy in -2i32..=2 {
                for dx in -2i32..=2 {
                    let dark = dx.abs().max(dy.abs()) != 1;
                    known.push(((cx as i32 + dx) as u8, (cy as i32 + dy) as u8, dark));
                }
            }
        }
    }
    // Large versions have hundreds of alignment modules: a regular subset fits as well, cheaper.
    let stride = known.len().div_ceil(600);
    known.into_iter().step_by(stride).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_centers_match_the_standard_table() {
        assert_eq!(alignment_centers(1), Vec::<usize>::new());
        assert_eq!(alignment_centers(2), vec![6, 18]);
        assert_eq!(alignment_centers(7), vec![6, 22, 38]);
        assert_eq!(alignment_centers(15), vec![6, 26, 48, 70]);
        assert_eq!(alignment_centers(32), vec![6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_centers(36), vec![6, 24, 50, 76, 102, 128, 154]);
        assert_eq!(alignment_centers(40), vec![6, 30, 58, 86, 114, 142, 170]);
    }

    #[test]
    fn codeword_counts_match_the_function_patterns() {
        for version in 1..=40 {
            let data_modules = function_modules(version).iter().filter(|f| !**f).count();
            assert_eq!(
                total_codewords(version),
                data_modules / 8,
                "version {version}"
            );
        }
        assert_eq!(total_codewords(1), 26);
        assert_eq!(total_codewords(40), 3706);
    }

    #[test]
    fn format_and_version_words_are_the_published_ones() {
        // Level M, mask 0 and version 7: examples from the standard's annexes.
        assert_eq!(FORMAT_WORDS[0], 0x5412);
        assert_eq!(FORMAT_WORDS[0b01_000], 0x77c4);
        assert_eq!(VERSION_WORDS[0], 0x07c94);
    }
}
