//! From finder patterns to text: choose triples of finders that could be one code's corners,
//! estimate the module size and the version, find the bottom-right alignment pattern, sample the
//! module grid through the perspective transform, and read it (mirrored too).

use std::cell::Cell;

use crate::binarize::BitImage;
use crate::finder::{Finder, Point};
use crate::symbol::{self, Grid};
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
    fn spend(&self, samples: usize) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(samples));
        left >= samples
    }

    /// The grey level at a point (bilinear), dark low; outside the image it is white.
    fn grey(&self, p: Point) -> f32 {
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
    // Every row is scanned, so a real finder's centre run (three modules high) is crossed by three
    // rows or more; a small one that only one row confirmed is texture (sensor noise, print
    // grain). Only large ones are kept on one row's word: a steep angle can cut their rows short.
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

fn sub(a: Point, b: Point) -> (f32, f32) {
    (a.x - b.x, a.y - b.y)
}

fn point(x: f32, y: f32) -> Point {
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
            Outcome::Text(text) => return Some(text),
            // Version information disagrees with the estimate: it is right, the estimate is not.
            Outcome::Version(v) => versions.push(v),
            Outcome::Failed => {}
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

enum Outcome {
    Text(String),
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
) -> Outcome {
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
        for warp in &warps {
            match read_grid(source, warp, side) {
                Outcome2::Text(text) => {
                    crate::trace!(
                        "   DECODED v{version} at {:.3}",
                        fit.2 as f32 / known.len() as f32
                    );
                    return Outcome::Text(text);
                }
                // A version far from the estimate is more likely a misread of a poor grid.
                Outcome2::Version(v) if v != version && v.abs_diff(version) <= 4 => {
                    return Outcome::Version(v);
                }
                _ => {}
            }
        }
    }
    Outcome::Failed
}

use crate::read::Outcome as Outcome2;

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
fn read_grid(source: &Source, transform: &Warp, side: usize) -> Outcome2 {
    if !source.spend(side * side) {
        return Outcome2::Failed;
    }
    let grid = sample_at(source.bits, transform, side, (0.5, 0.5));
    crate::trace!("   sampled {side}");
    let first = crate::read::read(&grid);
    if !matches!(first, Outcome2::Close) {
        return first;
    }
    if let text @ Outcome2::Text(_) = crate::read::read(&sample_grey(source, transform, side)) {
        crate::trace!("   read from grey");
        return text;
    }
    for at in JITTER {
        if !source.spend(side * side) {
            break;
        }
        if let text @ Outcome2::Text(_) =
            crate::read::read(&sample_at(source.bits, transform, side, at))
        {
            crate::trace!("   read at {at:?}");
            return text;
        }
    }
    Outcome2::Close
}

/// How many of the known function modules a transform through these points samples right.
fn agreement(
    image: &BitImage,
    known: &[(u8, u8, bool)],
    grid_points: [Point; 4],
    image_points: [Point; 4],
) -> usize {
    let Some(transform) = Transform::between(grid_points, image_points) else {
        return 0;
    };
    known
        .iter()
        .filter(|&&(x, y, dark)| {
            transform
                .apply(f32::from(x) + 0.5, f32::from(y) + 0.5)
                .is_some_and(|p| image.is_dark_at(p.x, p.y) == dark)
        })
        .count()
}

/// Moves the four image points, a fraction of a module at a time, while the transform through
/// them samples more of the known function modules right: timing and alignment patterns pull the
/// grid onto the code where four points alone (a tilted, curved or blurred code) are off.
fn refine(
    source: &Source,
    known: &[(u8, u8, bool)],
    grid_points: [Point; 4],
    image_points: [Point; 4],
    module: f32,
) -> ([Point; 4], usize) {
    // A first round on a subset decides cheaply whether this is worth more: the timing and
    // alignment modules (the finders fit texture too: they were found in it), at most about 150
    // of them. After one round a code fits 80% of them or more (on the samples), even from a
    // poor start; texture stays under two thirds, and is given up here.
    let side = grid_points[1].x + 3.5;
    let outside_finders = |&&(x, y, _): &&(u8, u8, bool)| {
        let (x, y) = (f32::from(x), f32::from(y));
        let near = |c: f32, edge: f32| {
            if edge == 0.0 {
                c < 8.0
            } else {
                c >= side - 8.0
            }
        };
        !(near(x, 0.0) && near(y, 0.0)
            || near(x, 1.0) && near(y, 0.0)
            || near(x, 0.0) && near(y, 1.0))
    };
    let rest = known.iter().filter(outside_finders).count();
    let coarse: Vec<(u8, u8, bool)> = if rest >= 40 {
        known
            .iter()
            .filter(outside_finders)
            .copied()
            .step_by(rest.div_ceil(150))
            .collect()
    } else {
        known.iter().copied().step_by(4).collect()
    };
    let (image_points, best) = climb(source, &coarse, grid_points, image_points, module, 1);
    crate::trace!(
        "   COARSE {:.3} of {}",
        best as f32 / coarse.len() as f32,
        coarse.len()
    );
    if 100 * best < 70 * coarse.len() {
        return (image_points, 0);
    }
    climb(source, known, grid_points, image_points, module, usize::MAX)
}

/// Hill-climbs the four image points for `rounds` rounds (or until the step is an eighth of a
/// module), moving one point at a time by `step` pixels while the agreement grows.
fn climb(
    source: &Source,
    known: &[(u8, u8, bool)],
    grid_points: [Point; 4],
    mut image_points: [Point; 4],
    module: f32,
    rounds: usize,
) -> ([Point; 4], usize) {
    let image = source.bits;
    let mut best = agreement(image, known, grid_points, image_points);
    let mut step = module;
    let mut round = 0;
    while step > module / 8.0 && round < rounds.min(25) && best < known.len() {
        round += 1;
        let mut improved = false;
        for corner in 0..4 {
            for (dx, dy) in [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)] {
                let mut candidate = image_points;
                candidate[corner].x += dx;
                candidate[corner].y += dy;
                if !source.spend(known.len()) {
                    return (image_points, best);
                }
                let score = agreement(image, known, grid_points, candidate);
                if score > best {
                    best = score;
                    image_points = candidate;
                    improved = true;
                }
            }
        }
        if !improved {
            step /= 2.0;
        }
    }
    (image_points, best)
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

/// Searches for the alignment pattern whose centre should be at grid position (`target`,
/// `target`), by matching its 5x5 template (dark ring, light ring, dark centre) around the
/// position `estimate` maps it to, widening the search until a near-perfect match appears.
fn find_alignment(
    source: &Source,
    estimate: &Transform,
    target: f32,
    module: f32,
) -> Option<Point> {
    let image = source.bits;
    let center = estimate.apply(target, target)?;
    // The grid's axes near the target, in pixels per module.
    let right = estimate.apply(target + 1.0, target)?;
    let down = estimate.apply(target, target + 1.0)?;
    let axis_x = sub(right, center);
    let axis_y = sub(down, center);
    // Four modules either way of where the fit of the finders and timing patterns puts it.
    let radius = (4.0 * module).ceil().min(120.0) as i32;
    let step = ((module / 3.0) as i32).max(1);
    let positions = (2 * radius / step + 1) as usize;
    if !source.spend(positions * positions * 9) {
        return None;
    }
    let mut best: Option<(i32, Point)> = None;
    let mut y = -radius;
    while y <= radius {
        let mut x = -radius;
        while x <= radius {
            let at = point(center.x + x as f32, center.y + y as f32);
            // The dark centre first: most positions fail there, before the other 24 modules.
            if image.is_dark_at(at.x, at.y) {
                let matches = template_matches(image, at, axis_x, axis_y);
                // Prefer the nearest of equal matches: data modules far off can match too.
                let score = 4 * matches - (x.abs() + y.abs()) * 2 / (module.ceil() as i32).max(1);
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, at));
                }
            }
            x += step;
        }
        y += step;
    }
    let (score, at) = best?;
    (score >= 4 * 21 - 8).then(|| refine_alignment(image, at, axis_x, axis_y, module))
}

/// How many of the 25 modules around `at` match the alignment pattern.
fn template_matches(image: &BitImage, at: Point, axis_x: (f32, f32), axis_y: (f32, f32)) -> i32 {
    let mut matches = 0;
    for j in -2i32..=2 {
        for i in -2i32..=2 {
            let x = at.x + i as f32 * axis_x.0 + j as f32 * axis_y.0;
            let y = at.y + i as f32 * axis_x.1 + j as f32 * axis_y.1;
            let expected = i.abs().max(j.abs()) != 1;
            if image.is_dark_at(x, y) == expected {
                matches += 1;
            }
        }
    }
    matches
}

/// The centre of the best match's dark centre module: the mean of the pixel positions around `at`
/// where the template matches as well as at its best.
fn refine_alignment(
    image: &BitImage,
    at: Point,
    axis_x: (f32, f32),
    axis_y: (f32, f32),
    module: f32,
) -> Point {
    let reach = (module / 2.0).ceil() as i32 + 1;
    let mut best = 0;
    let (mut sum_x, mut sum_y, mut n) = (0.0, 0.0, 0.0);
    for y in -reach..=reach {
        for x in -reach..=reach {
            let p = point(at.x + x as f32, at.y + y as f32);
            let m = template_matches(image, p, axis_x, axis_y);
            if m > best {
                best = m;
                (sum_x, sum_y, n) = (0.0, 0.0, 0.0);
            }
            if m == best {
                sum_x += p.x;
                sum_y += p.y;
                n += 1.0;
            }
        }
    }
    if n > 0.0 {
        point(sum_x / n, sum_y / n)
    } else {
        at
    }
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
    fn apply(&self, u: f32, v: f32) -> Option<Point> {
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

/// The mesh warp of a large version: each alignment pattern searched for near where `transform`
/// puts it, shifted by how far its already found neighbours were from theirs (a bend accumulates
/// across the code). `None` when too few are found to improve on `transform`.
fn mesh(source: &Source, transform: &Transform, version: usize, module: f32) -> Option<Warp> {
    let centers = symbol::alignment_centers(version);
    let n = centers.len();
    let last = n - 1;
    let lines: Vec<f32> = centers.iter().map(|&c| c as f32 + 0.5).collect();
    let mut points: Vec<Point> = Vec::with_capacity(n * n);
    let mut shifts: Vec<Option<(f32, f32)>> = Vec::with_capacity(n * n);
    let mut found = 0;
    for j in 0..n {
        for i in 0..n {
            let predicted = transform.apply(lines[i], lines[j])?;
            // The corners under the finders: the fit is anchored there.
            if (i, j) == (0, 0) || (i, j) == (last, 0) || (i, j) == (0, last) {
                points.push(predicted);
                shifts.push(Some((0.0, 0.0)));
                continue;
            }
            let neighbours: Vec<(f32, f32)> = [(1, 0), (0, 1), (1, 1)]
                .iter()
                .filter(|&&(di, dj)| i >= di && j >= dj)
                .filter_map(|&(di, dj)| shifts[(j - dj) * n + i - di])
                .collect();
            let shift = if neighbours.is_empty() {
                (0.0, 0.0)
            } else {
                let k = neighbours.len() as f32;
                (
                    neighbours.iter().map(|s| s.0).sum::<f32>() / k,
                    neighbours.iter().map(|s| s.1).sum::<f32>() / k,
                )
            };
            let guess = point(predicted.x + shift.0, predicted.y + shift.1);
            let right = transform.apply(lines[i] + 1.0, lines[j])?;
            let down = transform.apply(lines[i], lines[j] + 1.0)?;
            let axes = (sub(right, predicted), sub(down, predicted));
            match find_near(source, guess, axes, module) {
                Some(at) => {
                    found += 1;
                    points.push(at);
                    shifts.push(Some((at.x - predicted.x, at.y - predicted.y)));
                }
                None => {
                    points.push(guess);
                    shifts.push(None);
                }
            }
        }
    }
    crate::trace!("   mesh: {found} of {} alignment patterns found", n * n - 3);
    if 2 * found < n * n - 3 {
        return None;
    }
    let mut cells = Vec::with_capacity(last * last);
    for j in 0..last {
        for i in 0..last {
            let grid = [
                point(lines[i], lines[j]),
                point(lines[i + 1], lines[j]),
                point(lines[i + 1], lines[j + 1]),
                point(lines[i], lines[j + 1]),
            ];
            let image = [
                points[j * n + i],
                points[j * n + i + 1],
                points[(j + 1) * n + i + 1],
                points[(j + 1) * n + i],
            ];
            cells.push(Transform::between(grid, image)?);
        }
    }
    Some(Warp::Mesh { lines, cells })
}

/// An alignment pattern within two modules of `guess`: the template's best match, if it is a good
/// one.
fn find_near(
    source: &Source,
    guess: Point,
    (axis_x, axis_y): ((f32, f32), (f32, f32)),
    module: f32,
) -> Option<Point> {
    let image = source.bits;
    let radius = (2.0 * module).ceil().min(60.0) as i32;
    let step = ((module / 3.0) as i32).max(1);
    let positions = (2 * radius / step + 1) as usize;
    if !source.spend(positions * positions * 9) {
        return None;
    }
    let mut best: Option<(i32, Point)> = None;
    let mut y = -radius;
    while y <= radius {
        let mut x = -radius;
        while x <= radius {
            let at = point(guess.x + x as f32, guess.y + y as f32);
            if image.is_dark_at(at.x, at.y) {
                let matches = template_matches(image, at, axis_x, axis_y);
                let score = 4 * matches - (x.abs() + y.abs()) * 2 / (module.ceil() as i32).max(1);
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, at));
                }
            }
            x += step;
        }
        y += step;
    }
    let (score, at) = best?;
    (score >= 4 * 21 - 4).then(|| refine_alignment(image, at, axis_x, axis_y, module))
}
