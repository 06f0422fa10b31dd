//! Finder patterns: the three 7x7 squares in a code's corners, found as runs of dark, light, dark,
//! light, dark pixels in the ratio 1:1:3:1:1 along a row, then confirmed across the column, the row
//! again and a diagonal through the same centre.

use crate::binarize::BitImage;

/// A point in image coordinates: pixel `(x, y)` covers `[x, x + 1) x [y, y + 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Point {
    pub(crate) x: f32,
    pub(crate) y: f32,
}

impl Point {
    pub(crate) fn distance(self, other: Point) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// A confirmed finder pattern: its centre, its module size in pixels, and how many scanned rows
/// confirmed it (more rows, more certainty).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Finder {
    pub(crate) center: Point,
    pub(crate) module: f32,
    pub(crate) count: u32,
}

/// Rows between two scanned rows: every row of small images (photos of codes, the smaller
/// passes), whose finders may be a few pixels high; every other row of camera-sized frames
/// (480 rows and more), which halves the cost of the frames without a code a camera mostly
/// sees, and still crosses a finder of 2-pixel modules three times.
fn row_step(height: usize) -> usize {
    if height >= 480 { 2 } else { 1 }
}

/// Every finder pattern in the image, with nearby confirmations merged: dark on light first,
/// then, if `inverted_too`, light on dark (inverted codes), found in the same scan of the rows.
pub(crate) fn find(image: &BitImage, inverted_too: bool) -> [Vec<Finder>; 2] {
    let mut found: [Vec<Finder>; 2] = [Vec::new(), Vec::new()];
    let step = row_step(image.height());
    for y in (step / 2..image.height()).step_by(step) {
        let row = image.row(y);
        // The last five runs, oldest first; `runs` counts how many are real.
        let mut counts = [0u32; 5];
        let mut runs = 0;
        let mut start = 0;
        while start < row.len() {
            let colour = row[start];
            let length = row[start..].iter().take_while(|&&p| p == colour).count();
            let end = start + length;
            counts = [counts[1], counts[2], counts[3], counts[4], length as u32];
            runs += 1;
            // Five runs ending in a dark one (dark, light, dark, light, dark), or in a light one
            // for a light-on-dark code.
            let light = colour == 0;
            if runs >= 5
                && (inverted_too || !light)
                && plausible(&counts)
                && ratio_fits(&counts, 2.0)
            {
                confirm(
                    image,
                    light,
                    &counts,
                    end,
                    y,
                    &mut found[usize::from(light)],
                );
            }
            start = end;
        }
    }
    found
}

/// A cheap integer test that rejects most run windows before the exact ratio test: the centre
/// run is about three quarters of the four others together.
#[inline]
fn plausible(counts: &[u32; 5]) -> bool {
    let outer = counts[0] + counts[1] + counts[3] + counts[4];
    2 * counts[2] >= outer && counts[2] <= 2 * outer
}

/// Whether five run lengths fit 1:1:3:1:1 with a module's deviation of `1 / tolerance`.
///
/// Neighbouring runs are checked in pairs: a threshold a little off moves the edge between two
/// runs, lengthening one as much as it shortens the other, but leaves their sum as it was.
fn ratio_fits(counts: &[u32; 5], tolerance: f32) -> bool {
    if counts.contains(&0) {
        return false;
    }
    let total: u32 = counts.iter().sum();
    if total < 7 {
        return false;
    }
    let module = total as f32 / 7.0;
    let variance = module / tolerance;
    let [c0, c1, c2, c3, c4] = counts.map(|c| c as f32);
    let near = |length: f32, modules: f32, slack: f32| {
        (length - modules * module).abs() < slack * variance
    };
    near(c0 + c1, 2.0, 1.5)
        && near(c1 + c2, 4.0, 2.0)
        && near(c2 + c3, 4.0, 2.0)
        && near(c3 + c4, 2.0, 1.5)
        && near(c2, 3.0, 3.0)
        && [c0, c1, c3, c4].iter().all(|&c| c < 2.0 * module)
}

/// Checks a row's candidate (its runs end at column `end`) across its column, its row and a
/// diagonal, and records the confirmed centre.
fn confirm(
    image: &BitImage,
    light: bool,
    counts: &[u32; 5],
    end: usize,
    y: usize,
    found: &mut Vec<Finder>,
) {
    let total: u32 = counts.iter().sum();
    let center_x = end as f32 - (counts[4] + counts[3]) as f32 - counts[2] as f32 / 2.0;
    let Some((center_y, _)) = cross_check(
        image,
        light,
        center_x,
        y as f32 + 0.5,
        (0, 1),
        counts[2],
        total,
    ) else {
        return;
    };
    let Some((center_x, row_total)) =
        cross_check(image, light, center_x, center_y, (1, 0), counts[2], total)
    else {
        return;
    };
    if !diagonal_fits(image, light, center_x, center_y, counts[2]) {
        return;
    }
    let module = row_total as f32 / 7.0;
    let center = Point {
        x: center_x,
        y: center_y,
    };
    for known in found.iter_mut() {
        if (known.center.x - center.x).abs() <= module
            && (known.center.y - center.y).abs() <= module
            && ((known.module - module).abs() <= 1.0
                || (known.module - module).abs() <= known.module)
        {
            // Average the confirmations: the centre settles as more rows cross the pattern.
            let n = known.count as f32;
            known.center.x = (known.center.x * n + center.x) / (n + 1.0);
            known.center.y = (known.center.y * n + center.y) / (n + 1.0);
            known.module = (known.module * n + module) / (n + 1.0);
            known.count += 1;
            return;
        }
    }
    found.push(Finder {
        center,
        module,
        count: 1,
    });
}

/// Counts the five runs through `(x, y)` along `step` (both ways from the centre run), with no run
/// but the centre's longer than `max`.
fn runs(
    image: &BitImage,
    light: bool,
    x: i32,
    y: i32,
    step: (i32, i32),
    max: u32,
) -> Option<([u32; 5], i32)> {
    let mut counts = [0u32; 5];
    // "Dark" is the pattern's colour: light for a light-on-dark code.
    let at = |i: i32| image.is_dark(x + i * step.0, y + i * step.1) != light;
    let inside = |i: i32| {
        let (px, py) = (x + i * step.0, y + i * step.1);
        px >= 0 && py >= 0 && (px as usize) < image.width() && (py as usize) < image.height()
    };
    let mut i = 0;
    while inside(i) && at(i) {
        counts[2] += 1;
        i -= 1;
    }
    if !inside(i) {
        return None;
    }
    while inside(i) && !at(i) && counts[1] <= max {
        counts[1] += 1;
        i -= 1;
    }
    if !inside(i) || counts[1] > max {
        return None;
    }
    while inside(i) && at(i) && counts[0] <= max {
        counts[0] += 1;
        i -= 1;
    }
    if counts[0] > max {
        return None;
    }
    let mut i = 1;
    while inside(i) && at(i) {
        counts[2] += 1;
        i += 1;
    }
    if !inside(i) {
        return None;
    }
    while inside(i) && !at(i) && counts[3] <= max {
        counts[3] += 1;
        i += 1;
    }
    if !inside(i) || counts[3] > max {
        return None;
    }
    while inside(i) && at(i) && counts[4] <= max {
        counts[4] += 1;
        i += 1;
    }
    if counts[4] > max {
        return None;
    }
    Some((counts, i))
}

/// Re-measures a candidate along one axis from its estimated centre: the new centre on that axis
/// and the pattern's width in pixels, if the runs fit and are about as long as the row's.
fn cross_check(
    image: &BitImage,
    light: bool,
    x: f32,
    y: f32,
    step: (i32, i32),
    center_run: u32,
    total: u32,
) -> Option<(f32, u32)> {
    let (px, py) = (x.floor() as i32, y.floor() as i32);
    let (counts, end) = runs(image, light, px, py, step, center_run)?;
    let sum: u32 = counts.iter().sum();
    // A pattern seen at an angle is not square, but not twice as long one way as the other.
    if 5 * sum.abs_diff(total) >= 2 * total || !ratio_fits(&counts, 2.0) {
        return None;
    }
    let end_center = end - (counts[4] + counts[3]) as i32;
    let along = if step.0 != 0 { px } else { py };
    Some((
        along as f32 + end_center as f32 - counts[2] as f32 / 2.0,
        sum,
    ))
}

/// Both diagonals through the centre must cross the same five runs, a little more loosely (the
/// diagonal of a tilted square varies more). Texture (sensor noise, foliage) often passes three
/// straight lines through a blob; rarely the fourth.
fn diagonal_fits(image: &BitImage, light: bool, x: f32, y: f32, center_run: u32) -> bool {
    let (px, py) = (x.floor() as i32, y.floor() as i32);
    [(1, 1), (1, -1)].into_iter().all(|step| {
        runs(image, light, px, py, step, 2 * center_run)
            .is_some_and(|(counts, _)| ratio_fits(&counts, 1.333))
    })
}
