//! Binarization: which pixels are dark. Two thresholds, because each rescues codes the other breaks:
//! a local one (per 8x8 block, smoothed over its 5x5 neighbourhood, after zxing's
//! `HybridBinarizer`) that follows uneven light, and one global threshold from the histogram's
//! valley for low-contrast codes that local thresholds break up.

/// A binarized image: one byte per pixel, 1 for dark.
#[derive(Clone)]
pub(crate) struct BitImage {
    width: usize,
    height: usize,
    dark: Vec<u8>,
    /// Whether any block had an edge, inside it or to a neighbour (local thresholds only; a global
    /// threshold says true).
    contrast: bool,
}

impl BitImage {
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    pub(crate) fn height(&self) -> usize {
        self.height
    }

    /// Whether some part of the image has edges: without any, it cannot hold a code.
    pub(crate) fn has_contrast(&self) -> bool {
        self.contrast
    }

    /// Whether the pixel at column `x`, row `y` is dark; anything outside the image is light, as
    /// the quiet zone around a code would be.
    #[inline]
    pub(crate) fn is_dark(&self, x: i32, y: i32) -> bool {
        if x < 0 || y < 0 {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        x < self.width && y < self.height && self.dark[y * self.width + x] != 0
    }

    /// Whether the pixel holding the point `(x, y)` is dark (outside the image, or not a
    /// number: light). Truncation is floor for the non-negative values it is used on, and far
    /// cheaper than `f32::floor` in this, the innermost loop of sampling.
    #[inline]
    pub(crate) fn is_dark_at(&self, x: f32, y: f32) -> bool {
        if !(x >= 0.0 && y >= 0.0) {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        x < self.width && y < self.height && self.dark[y * self.width + x] != 0
    }

    /// The dark flags of row `y` (which must be inside the image).
    pub(crate) fn row(&self, y: usize) -> &[u8] {
        &self.dark[y * self.width..(y + 1) * self.width]
    }

    /// Swaps dark and light: light-on-dark codes become ordinary ones.
    pub(crate) fn invert(&mut self) {
        for d in &mut self.dark {
            *d ^= 1;
        }
    }
}

/// The side of the blocks the local threshold is computed for.
const BLOCK: usize = 8;
/// A block whose darkest and lightest pixels differ by no more than this holds no edge: its
/// threshold is borrowed from its neighbours instead.
const MIN_DYNAMIC_RANGE: u32 = 24;

/// Local thresholds: each pixel is compared with the mean of the 5x5 blocks around its block.
/// Images too small for 5x5 blocks get the global threshold.
pub(crate) fn local(luma: &[u8], width: usize, height: usize) -> BitImage {
    if width < 5 * BLOCK || height < 5 * BLOCK || luma.len() != width * height {
        return global(luma, width, height);
    }
    let (blocks_x, blocks_y) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    // The last block of a row or column overlaps its neighbour rather than leaving the image.
    let origin = |block: usize, side: usize| (block * BLOCK).min(side - BLOCK);
    let mut black_points = vec![0u32; blocks_x * blocks_y];
    // Block means, to see edges that fall between blocks (a rendered code whose modules line up
    // with the blocks has none inside any).
    let mut means = vec![0u32; blocks_x * blocks_y];
    let mut contrast = false;
    for by in 0..blocks_y {
        let y0 = origin(by, height);
        for bx in 0..blocks_x {
            let x0 = origin(bx, width);
            let (mut sum, mut min, mut max) = (0u32, 255u32, 0u32);
            for row in luma[y0 * width..].chunks_exact(width).take(BLOCK) {
                for &p in &row[x0..x0 + BLOCK] {
                    let p = u32::from(p);
                    sum += p;
                    min = min.min(p);
                    max = max.max(p);
                }
            }
            let mut point = sum / (BLOCK * BLOCK) as u32;
            means[by * blocks_x + bx] = point;
            contrast |= max - min > MIN_DYNAMIC_RANGE
                || bx > 0 && means[by * blocks_x + bx - 1].abs_diff(point) > MIN_DYNAMIC_RANGE
                || by > 0 && means[(by - 1) * blocks_x + bx].abs_diff(point) > MIN_DYNAMIC_RANGE;
            if max - min <= MIN_DYNAMIC_RANGE {
                // A flat block: assume it is light (half its minimum keeps it light), unless its
                // neighbours' threshold says it is darker than its surroundings.
                point = min / 2;
                if bx > 0 && by > 0 {
                    let above = black_points[(by - 1) * blocks_x + bx];
                    let left = black_points[by * blocks_x + bx - 1];
                    let corner = black_points[(by - 1) * blocks_x + bx - 1];
                    let neighbours = (above + 2 * left + corner) / 4;
                    if min < neighbours {
                        point = neighbours;
                    }
                }
            }
            black_points[by * blocks_x + bx] = point;
        }
    }
    let mut dark = vec![0u8; width * height];
    for by in 0..blocks_y {
        let y0 = origin(by, height);
        let top = by.clamp(2, blocks_y - 3);
        for bx in 0..blocks_x {
            let x0 = origin(bx, width);
            let left = bx.clamp(2, blocks_x - 3);
            let mut sum = 0;
            for row in black_points[(top - 2) * blocks_x..]
                .chunks_exact(blocks_x)
                .take(5)
            {
                sum += row[left - 2..=left + 2].iter().sum::<u32>();
            }
            let threshold = sum / 25;
            for y in y0..y0 + BLOCK {
                let at = y * width + x0;
                for (d, &p) in dark[at..at + BLOCK].iter_mut().zip(&luma[at..at + BLOCK]) {
                    *d = u8::from(u32::from(p) <= threshold);
                }
            }
        }
    }
    BitImage {
        width,
        height,
        dark,
        contrast,
    }
}

/// One threshold for the whole image: the deepest valley of the luma histogram between its two
/// highest peaks. An image without two distinct peaks comes out all light.
pub(crate) fn global(luma: &[u8], width: usize, height: usize) -> BitImage {
    let mut histogram = [0u32; 32];
    // Every pixel would cost more than it tells: one in four rows is enough for a histogram.
    for row in luma.chunks(width.max(1)).step_by(4) {
        for &p in row {
            histogram[usize::from(p >> 3)] += 1;
        }
    }
    let threshold = valley(&histogram).map_or(0, |bucket| (bucket as u32) << 3);
    let dark = luma
        .iter()
        .map(|&p| u8::from(u32::from(p) < threshold))
        .collect();
    BitImage {
        width,
        height,
        dark,
        contrast: true,
    }
}

/// The bucket between the two main peaks of a histogram that is both low and far from the light
/// peak, or `None` when the peaks are too close to separate dark from light.
fn valley(histogram: &[u32; 32]) -> Option<usize> {
    let (first, _) = histogram
        .iter()
        .enumerate()
        .max_by_key(|&(i, &count)| (count, std::cmp::Reverse(i)))?;
    // The second peak: high, and far from the first (a peak's shoulder is not a second peak).
    let (second, _) = histogram.iter().enumerate().max_by_key(|&(i, &count)| {
        let distance = i.abs_diff(first) as u64;
        u64::from(count) * distance * distance
    })?;
    let (dark_peak, light_peak) = (first.min(second), first.max(second));
    if light_peak - dark_peak <= 2 {
        return None;
    }
    let max_count = u64::from(histogram[first]);
    (dark_peak + 1..light_peak).max_by_key(|&x| {
        let from_dark = (x - dark_peak) as u64;
        from_dark * from_dark * (light_peak - x) as u64 * (max_count - u64::from(histogram[x]))
    })
}
