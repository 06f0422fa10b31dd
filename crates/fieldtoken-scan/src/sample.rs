//! Sampling the module grid: through one perspective transform or a mesh of them, from the
//! binarized image at module centres, and, for near misses, from the grey image and off-centre.

use crate::binarize::BitImage;
use crate::detect::Source;
use crate::finder::Point;
use crate::read::{self, Outcome};
use crate::symbol::Grid;
use crate::transform::Transform;

/// How grid coordinates map to the image: one perspective transform, or a mesh of them, one per
/// cell between neighbouring alignment pattern centres.
pub(crate) enum Warp {
    Single(Transform),
    Mesh {
        /// Grid coordinates of the mesh lines (alignment centres), both axes alike.
        lines: Vec<f32>,
        /// Row by row, `(lines.len() - 1)²` transforms.
        cells: Vec<Transform>,
    },
}

impl Warp {
    /// Maps a grid point to the image; `None` when it maps to infinity.
    pub(crate) fn apply(&self, u: f32, v: f32) -> Option<Point> {
        match self {
            Warp::Single(t) => t.apply(u, v),
            Warp::Mesh { lines, cells } => {
                let n = lines.len() - 1;
                // The cell whose lines enclose the point; outside them, the nearest cell extends.
                let cell = |c: f32| lines[1..n].iter().take_while(|&&l| l <= c).count();
                cells.get(cell(v) * n + cell(u))?.apply(u, v)
            }
        }
    }
}

/// Where in a module the jittered samplings look, as fractions of the module: a grid that is off
/// by a third of a module on one side still reads.
const JITTER: [(f32, f32); 8] = [
    (0.3, 0.5),
    (0.7, 0.5),
    (0.5, 0.3),
    (0.5, 0.7),
    (0.3, 0.3),
    (0.7, 0.7),
    (0.3, 0.7),
    (0.7, 0.3),
];

/// Samples and reads the grid through `transform`: at module centres first; when that is close
/// (the format information reads, the data does not), from the grey image, then off-centre.
pub(crate) fn read_grid(source: &Source, transform: &Warp, side: usize) -> Outcome {
    if !source.spend(side * side) {
        return Outcome::Failed;
    }
    let grid = sample_at(source.bits, transform, side, (0.5, 0.5));
    crate::trace!("   sampled {side}");
    let first = read::read(&grid);
    if !matches!(first, Outcome::Close) {
        return first;
    }
    if let text @ Outcome::Text(_) = read::read(&sample_grey(source, transform, side)) {
        crate::trace!("   read from grey");
        return text;
    }
    for at in JITTER {
        if !source.spend(side * side) {
            break;
        }
        if let text @ Outcome::Text(_) = read::read(&sample_at(source.bits, transform, side, at)) {
            crate::trace!("   read at {at:?}");
            return text;
        }
    }
    Outcome::Close
}

/// Samples the module grid: each module's point `at` (its centre is (0.5, 0.5)) through the
/// transform, dark if its pixel is.
fn sample_at(image: &BitImage, transform: &Warp, side: usize, at: (f32, f32)) -> Grid {
    let mut dark = Vec::with_capacity(side * side);
    for y in 0..side {
        for x in 0..side {
            let module = transform
                .apply(x as f32 + at.0, y as f32 + at.1)
                .is_some_and(|p| image.is_dark_at(p.x, p.y));
            dark.push(module);
        }
    }
    Grid::new(side, dark)
}

/// Samples the module grid from the grey image, each module against the mean of the 7x7 modules
/// around it: a threshold in module space, which follows blur that pixel blocks do not.
fn sample_grey(source: &Source, transform: &Warp, side: usize) -> Grid {
    let mut grey = Vec::with_capacity(side * side);
    for y in 0..side {
        for x in 0..side {
            let value = transform
                .apply(x as f32 + 0.5, y as f32 + 0.5)
                .map_or(255.0, |p| source.grey(p));
            grey.push(value);
        }
    }
    // Summed-area table: any window's sum in four reads.
    let stride = side + 1;
    let mut sums = vec![0.0f32; stride * stride];
    for y in 0..side {
        let mut row = 0.0;
        for x in 0..side {
            row += grey[y * side + x];
            sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + row;
        }
    }
    const REACH: usize = 3;
    let mut dark = Vec::with_capacity(side * side);
    for y in 0..side {
        let (y0, y1) = (y.saturating_sub(REACH), (y + REACH + 1).min(side));
        for x in 0..side {
            let (x0, x1) = (x.saturating_sub(REACH), (x + REACH + 1).min(side));
            let sum = sums[y1 * stride + x1] - sums[y0 * stride + x1] - sums[y1 * stride + x0]
                + sums[y0 * stride + x0];
            let mean = sum / ((y1 - y0) * (x1 - x0)) as f32;
            dark.push(grey[y * side + x] < mean);
        }
    }
    Grid::new(side, dark)
}
