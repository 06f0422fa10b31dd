//! From finder patterns to text: choose triples of finders that could be one code's corners,
//! estimate the module size, the version and the fourth corner, then fit (`fit`), sample
//! (`sample`) and read (`read`) the grid for each estimate until one reads.

use std::cell::Cell;

use crate::binarize::BitImage;
use crate::finder::{Finder, Point};
use crate::fit::{find_alignment, mesh, refine};
use crate::read::Outcome;
use crate::sample::{Warp, read_grid};
use crate::symbol;
use crate::transform::Transform;

/// Finders considered for triples: the most confirmed ones; more are noise in a busy frame, and
/// the triples grow with the cube of their number.
const MAX_FINDERS: usize = 16;
/// Triples tried per binarized image, best-shaped first: a bound on the cost of a busy frame.
const MAX_ATTEMPTS: usize = 40;

/// What a pass reads codes from: its binarized image, and the grey image it came from (at the same
/// size), whose values resample modules that binarization blurred together.
pub(crate) struct Source<'a> {
    pub(crate) bits: &'a BitImage,
    pub(crate) luma: &'a [u8],
    /// Whether dark and light are swapped (the light-on-dark pass).
    pub(crate) inverted: bool,
    /// Module samples left for this frame: a frame of texture (sensor noise, foliage) holds
    /// dozens of finder-like blobs, and without a bound their triples would cost seconds.
    pub(crate) budget: &'a Cell<usize>,
}

impl Source<'_> {
    /// Takes `samples` from the budget; `false` once it is spent.
    pub(crate) fn spend(&self, samples: usize) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(samples));
        left >= samples
    }

    /// The grey level at a point (bilinear), dark low; outside the image it is white.
    pub(crate) fn grey(&self, p: Point) -> f32 {
        let (w, h) = (self.bits.width(), self.bits.height());
        let (x, y) = (p.x - 0.5, p.y - 0.5);
        if !(x >= 0.0 && y >= 0.0 && x < (w - 1) as f32 && y < (h - 1) as f32)
            || self.luma.len() != w * h
        {
            return if self.inverted { 0.0 } else { 255.0 };
        }
        let (x0, y0) = (x as usize, y as usize);
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let at = |x: usize, y: usize| f32::from(self.luma[y * w + x]);
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
        let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
        let value = top * (1.0 - fy) + bottom * fy;
        if self.inverted { 255.0 - value } else { value }
    }
}

/// Decodes every code whose three finders are among `finders`, appending new texts to `texts`.
pub(crate) fn decode_all(source: &Source, finders: &[Finder], texts: &mut Vec<String>) -> bool {
    // A real finder's centre run (three modules high) is crossed by two scanned rows or more; a
    // small one that only one row confirmed is texture (sensor noise, print grain). Only large
    // ones are kept on one row's word: a steep angle can cut their rows short.
    let mut pool: Vec<Finder> = finders
        .iter()
        .copied()
        .filter(|f| f.count >= 2 || f.module >= 2.0)
        .collect();
    pool.sort_by_key(|f| std::cmp::Reverse(f.count));
    pool.truncate(MAX_FINDERS);
    let mut triples = Vec::new();
    for i in 0..pool.len() {
        for j in i + 1..pool.len() {
            for k in j + 1..pool.len() {
                if let Some((score, corners)) = shape(pool[i], pool[j], pool[k]) {
                    triples.push((score, [i, j, k], corners));
                }
            }
        }
    }
    triples.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut used = vec![false; pool.len()];
    let mut decoded = false;
    for (_, members, corners) in triples.into_iter().take(MAX_ATTEMPTS) {
        if members.iter().any(|&m| used[m]) {
            continue;
        }
        if source.budget.get() == 0 {
            break;
        }
        if let Some(text) = decode_corners(source, corners) {
            for m in members {
                used[m] = true;
            }
            decoded = true;
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
    }
    decoded
}

/// The three finders as top-left, top-right and bottom-left corners, with a score (lower is more
/// like a code's corners: a right angle, equal legs, equal module sizes), or `None` when they
/// cannot be one code.
fn shape(a: Finder, b: Finder, c: Finder) -> Option<(f32, [Finder; 3])> {
    let (min_module, max_module) = [a, b, c].iter().fold((f32::MAX, 0.0f32), |(lo, hi), f| {
        (lo.min(f.module), hi.max(f.module))
    });
    if max_module > 3.0 * min_module {
        return None;
    }
    let (ab, bc, ca) = (
        a.center.distance(b.center),
        b.center.distance(c.center),
        c.center.distance(a.center),
    );
    // The corner is opposite the longest side.
    let (corner, p, q) = if bc >= ab && bc >= ca {
        (a, b, c)
    } else if ca >= ab && ca >= bc {
        (b, c, a)
    } else {
        (c, a, b)
    };
    let (u, v) = (sub(p.center, corner.center), sub(q.center, corner.center));
    let (leg_u, leg_v) = (u.0.hypot(u.1), v.0.hypot(v.1));
    let module = (a.module + b.module + c.module) / 3.0;
    // Finder centres are 14 modules apart in the smallest code and 170 in the largest.
    let (short, long) = (leg_u.min(leg_v), leg_u.max(leg_v));
    if short < 10.0 * module || long > 190.0 * module || long > 3.0 * short {
        return None;
    }
    let cross = u.0 * v.1 - u.1 * v.0;
    let cosine = (u.0 * v.0 + u.1 * v.1) / (leg_u * leg_v);
    if cosine.abs() > 0.8 {
        return None;
    }
    // In image coordinates (y down) top-right x bottom-left is positive; a mirrored code is read
    // transposed later.
    let (top_right, bottom_left) = if cross > 0.0 { (p, q) } else { (q, p) };
    let score = cosine.abs() + (long / short - 1.0) + (max_module / min_module - 1.0)
        - 0.02 * a.count.min(b.count).min(c.count).min(10) as f32;
    Some((score, [corner, top_right, bottom_left]))
}

/// The vector from `b` to `a`.
pub(crate) fn sub(a: Point, b: Point) -> (f32, f32) {
    (a.x - b.x, a.y - b.y)
}

pub(crate) fn point(x: f32, y: f32) -> Point {
    Point { x, y }
}

/// Tries to read the code with these finders at its top-left, top-right and bottom-left corners.
fn decode_corners(source: &Source, [tl, tr, bl]: [Finder; 3]) -> Option<String> {
    let image = source.bits;
    // Module sizes measured across each finder along the code's top and left edges.
    let width = |f: Finder, toward: Finder| {
        finder_width(image, f, toward.center).map_or(f.module, |w| w / 7.0)
    };
    let (across_tl, across_tr) = (width(tl, tr), width(tr, tl));
    let (down_tl, down_bl) = (width(tl, bl), width(bl, tl));
    let (across, down) = ((across_tl + across_tr) / 2.0, (down_tl + down_bl) / 2.0);
    let modules_across = tl.center.distance(tr.center) / across;
    let modules_down = tl.center.distance(bl.center) / down;
    let estimate = (modules_across + modules_down) / 2.0 + 7.0;
    let module = (across + down) / 2.0;
    let corners = bottom_right_estimates(
        [tl.center, tr.center, bl.center],
        [across_tl, across_tr, down_tl, down_bl],
        module,
    );
    // The nearest version first, then its neighbour on the side the estimate leans to.
    let exact = (estimate - 17.0) / 4.0;
    let nearest = exact.round().clamp(1.0, 40.0) as usize;
    let other = if exact > nearest as f32 {
        nearest + 1
    } else {
        nearest.saturating_sub(1)
    };
    let mut versions = vec![nearest];
    if (exact - nearest as f32).abs() > 0.2 && (1..=40).contains(&other) {
        versions.insert(0, other);
    }
    let mut tried = Vec::new();
    while let Some(version) = versions.pop().filter(|_| tried.len() < 3) {
        if tried.contains(&version) {
            continue;
        }
        tried.push(version);
        crate::trace!(
            "  corners {:?} {:?} {:?} module {module} estimate {estimate} version {version}",
            tl.center,
            tr.center,
            bl.center
        );
        match read_version(
            source,
            [tl.center, tr.center, bl.center],
            &corners,
            module,
            version,
        ) {
            Attempt::Text(text) => return Some(text),
            // Version information disagrees with the estimate: it is right, the estimate is not.
            Attempt::Version(v) => versions.push(v),
            Attempt::Failed => {}
        }
    }
    None
}

/// Where the bottom-right finder would be: first through the perspective that the module sizes
/// imply (a code's far side looks smaller), then as a parallelogram. `scales` holds the module
/// sizes across the top-left and top-right finders along the top edge, then across the top-left
/// and bottom-left ones along the left edge.
fn bottom_right_estimates([tl, tr, bl]: [Point; 3], scales: [f32; 4], module: f32) -> Vec<Point> {
    let parallelogram = point(tr.x - tl.x + bl.x, tr.y - tl.y + bl.y);
    // A projective map scales lengths by 1 / w² where w is its (affine) denominator: the module
    // sizes at both ends of an edge give w at the far finders, and w is affine over the grid.
    let w_tr = (scales[0] / scales[1]).sqrt().clamp(0.5, 2.0);
    let w_bl = (scales[2] / scales[3]).sqrt().clamp(0.5, 2.0);
    let w_br = w_tr + w_bl - 1.0;
    let mut corners = Vec::with_capacity(2);
    if w_br > 0.25 {
        let projective = point(
            (w_tr * tr.x + w_bl * bl.x - tl.x) / w_br,
            (w_tr * tr.y + w_bl * bl.y - tl.y) / w_br,
        );
        if projective.x.is_finite()
            && projective.y.is_finite()
            && projective.distance(parallelogram) > module
        {
            corners.push(projective);
        }
    }
    corners.push(parallelogram);
    corners
}

/// What reading the code as one version gave.
enum Attempt {
    Text(String),
    /// The version information names this other version.
    Version(usize),
    Failed,
}

/// Fits, samples and reads the code as `version`, from each estimate of its bottom-right corner.
fn read_version(
    source: &Source,
    [tl, tr, bl]: [Point; 3],
    corners: &[Point],
    module: f32,
    version: usize,
) -> Attempt {
    let side = symbol::side_of(version);
    let far = side as f32 - 3.5;
    let known = symbol::known_modules(version);
    let finders_grid = [
        point(3.5, 3.5),
        point(far, 3.5),
        point(far, far),
        point(3.5, far),
    ];
    for &corner in corners {
        let (points, score) = refine(source, &known, finders_grid, [tl, tr, corner, bl], module);
        let mut fit = (finders_grid, points, score);
        // Far from fitting (texture, or the wrong version): not worth an alignment search.
        if 100 * score < 55 * known.len() {
            continue;
        }
        if version >= 2 {
            // The alignment pattern, searched for where the fit puts it, pins the fourth corner
            // on the code itself.
            let target = side as f32 - 6.5;
            let alignment = Transform::between(finders_grid, points)
                .and_then(|t| find_alignment(source, &t, target, module));
            crate::trace!("   alignment {alignment:?}");
            if let Some(alignment) = alignment {
                let grid = [
                    point(3.5, 3.5),
                    point(far, 3.5),
                    point(target, target),
                    point(3.5, far),
                ];
                let (points, score) = refine(
                    source,
                    &known,
                    grid,
                    [points[0], points[1], alignment, points[3]],
                    module,
                );
                if score >= fit.2 {
                    fit = (grid, points, score);
                }
            }
        }
        crate::trace!(
            "   AGREEMENT v{version} {:.3}",
            fit.2 as f32 / known.len() as f32
        );
        // Real codes, even blurred and tilted, fit three quarters of their function modules or
        // more; random texture fits about half: not worth sampling.
        if 4 * fit.2 < 3 * known.len() {
            continue;
        }
        let Some(transform) = Transform::between(fit.0, fit.1) else {
            continue;
        };
        let mut warps = vec![Warp::Single(transform)];
        // Large codes bend (paper, lenses) more than one perspective follows across them: every
        // alignment pattern, found near where the fit puts it, anchors its own cell.
        if version >= 7 {
            warps.extend(mesh(source, &transform, version, module));
        }
        let mut close = false;
        for warp in &warps {
            match read_grid(source, warp, side) {
                Outcome::Text(text) => {
                    crate::trace!(
                        "   DECODED v{version} at {:.3}",
                        fit.2 as f32 / known.len() as f32
                    );
                    return Attempt::Text(text);
                }
                // A version far from the estimate is more likely a misread of a poor grid.
                Outcome::Version(v) if v != version && v.abs_diff(version) <= 4 => {
                    return Attempt::Version(v);
                }
                Outcome::Close => close = true,
                _ => {}
            }
        }
        // Without an alignment pattern found, nothing but the estimate places the fourth corner,
        // and small codes under strong perspective read only once it is nudged into place: the
        // format reads already, so try it a module or half a module off either way.
        if close
            && version <= 6
            && fit.0[2] == finders_grid[2]
            && let Some(text) = nudge_fourth_corner(source, fit.0, fit.1, side)
        {
            return Attempt::Text(text);
        }
    }
    Attempt::Failed
}

/// Reads the grid with its fourth image point moved by up to a module along the grid's axes.
fn nudge_fourth_corner(
    source: &Source,
    grid: [Point; 4],
    image: [Point; 4],
    side: usize,
) -> Option<String> {
    let span = grid[1].x - grid[0].x;
    let across = sub(image[2], image[3]);
    let down = sub(image[2], image[1]);
    let (across, down) = (
        (across.0 / span, across.1 / span),
        (down.0 / span, down.1 / span),
    );
    const STEPS: [f32; 5] = [0.0, -0.5, 0.5, -1.0, 1.0];
    for &i in &STEPS {
        for &j in &STEPS {
            if i == 0.0 && j == 0.0 {
                continue;
            }
            let mut moved = image;
            moved[2].x += i * across.0 + j * down.0;
            moved[2].y += i * across.1 + j * down.1;
            let warp = Warp::Single(Transform::between(grid, moved)?);
            if let Outcome::Text(text) = read_grid(source, &warp, side) {
                crate::trace!("   read with the fourth corner moved by {i}, {j} modules");
                return Some(text);
            }
        }
    }
    None
}

/// The width of finder `f` along the line towards `toward`, if both of its outer edges are found.
fn finder_width(image: &BitImage, f: Finder, toward: Point) -> Option<f32> {
    let (dx, dy) = sub(toward, f.center);
    let length = dx.hypot(dy);
    if length < 1.0 {
        return None;
    }
    let direction = (dx / length, dy / length);
    let there = edge_distance(image, f, direction)?;
    let back = edge_distance(image, f, (-direction.0, -direction.1))?;
    let width = there + back;
    // Another way of measuring the same pattern must roughly agree with the row scan's.
    (width > 4.0 * f.module && width < 12.0 * f.module).then_some(width)
}

/// From a finder's centre, the distance to the outside of its dark ring along `direction`.
fn edge_distance(image: &BitImage, f: Finder, direction: (f32, f32)) -> Option<f32> {
    let limit = (8.0 * f.module).ceil() as i32 + 2;
    let mut state = 0;
    for step in 1..limit {
        let x = f.center.x + direction.0 * step as f32;
        let y = f.center.y + direction.1 * step as f32;
        let dark = image.is_dark_at(x, y);
        state = match (state, dark) {
            (0, false) => 1,
            (1, true) => 2,
            (2, false) => return Some(step as f32 - 0.5),
            (s, _) => s,
        };
    }
    None
}
