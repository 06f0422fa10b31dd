//! Fitting the module grid to a code: hill-climbing four corner points while more of the known
//! function patterns (finders, separators, timing, alignment) sample right, searching alignment
//! patterns as 5x5 templates, and the mesh of large versions through all of them.

use crate::binarize::BitImage;
use crate::detect::{Source, point, sub};
use crate::finder::Point;
use crate::sample::Warp;
use crate::symbol;
use crate::transform::Transform;

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
pub(crate) fn refine(
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
    // The grid's second point is the top-right finder's centre, 3.5 modules in from the side.
    let side = grid_points[1].x + 3.5;
    // The finders with their separators: 8x8 modules at three corners.
    let outside_finders = |&&(x, y, _): &&(u8, u8, bool)| {
        let (x, y) = (f32::from(x), f32::from(y));
        let (left, top) = (x < 8.0, y < 8.0);
        let (right, bottom) = (x >= side - 8.0, y >= side - 8.0);
        !(top && (left || right) || left && bottom)
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

/// Searches for the alignment pattern whose centre should be at grid position (`target`,
/// `target`), by matching its 5x5 template (dark ring, light ring, dark centre) around the
/// position `estimate` maps it to, widening the search until a near-perfect match appears.
pub(crate) fn find_alignment(
    source: &Source,
    estimate: &Transform,
    target: f32,
    module: f32,
) -> Option<Point> {
    let center = estimate.apply(target, target)?;
    // The grid's axes near the target, in pixels per module.
    let right = estimate.apply(target + 1.0, target)?;
    let down = estimate.apply(target, target + 1.0)?;
    let axes = (sub(right, center), sub(down, center));
    // Four modules either way of where the fit of the finders and timing patterns puts it.
    let radius = (4.0 * module).ceil().min(120.0) as i32;
    best_alignment(source, center, axes, module, radius, 4 * 21 - 8)
}

/// The template's best match within `radius` pixels of `center` (every third of a module), refined, when its score
/// (4 per matching module, less a little for distance) reaches `threshold`.
fn best_alignment(
    source: &Source,
    center: Point,
    (axis_x, axis_y): ((f32, f32), (f32, f32)),
    module: f32,
    radius: i32,
    threshold: i32,
) -> Option<Point> {
    let image = source.bits;
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
    (score >= threshold).then(|| refine_alignment(image, at, axis_x, axis_y, module))
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

/// The mesh warp of a large version: each alignment pattern searched for near where `transform`
/// puts it, shifted by how far its already found neighbours were from theirs (a bend accumulates
/// across the code). `None` when too few are found to improve on `transform`.
pub(crate) fn mesh(
    source: &Source,
    transform: &Transform,
    version: usize,
    module: f32,
) -> Option<Warp> {
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
    axes: ((f32, f32), (f32, f32)),
    module: f32,
) -> Option<Point> {
    let radius = (2.0 * module).ceil().min(60.0) as i32;
    best_alignment(source, guess, axes, module, radius, 4 * 21 - 4)
}
