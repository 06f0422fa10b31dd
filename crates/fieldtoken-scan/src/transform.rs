//! The perspective transform from a code's module grid to the image: a 3x3 projective matrix
//! through four point pairs, so a code photographed at an angle is sampled along its own rows.

use crate::finder::Point;

/// A projective transform, applied to row vectors: `[x y w] = [u v 1] * m`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Transform {
    m: [[f64; 3]; 3],
}

impl Transform {
    /// The transform that maps each of `from` (grid coordinates) to the same-numbered `to` (image
    /// coordinates), or `None` when the points are degenerate (three on a line).
    pub(crate) fn between(from: [Point; 4], to: [Point; 4]) -> Option<Transform> {
        let to_image = square_to_quad(to)?;
        let from_grid = adjoint(&square_to_quad(from)?.m);
        Some(Transform {
            m: multiply(&from_grid, &to_image.m),
        })
    }

    /// Maps a grid point to the image; `None` when it maps to infinity.
    pub(crate) fn apply(&self, u: f32, v: f32) -> Option<Point> {
        let (u, v) = (f64::from(u), f64::from(v));
        let m = &self.m;
        let w = u * m[0][2] + v * m[1][2] + m[2][2];
        if w.abs() < 1e-12 {
            return None;
        }
        let x = (u * m[0][0] + v * m[1][0] + m[2][0]) / w;
        let y = (u * m[0][1] + v * m[1][1] + m[2][1]) / w;
        (x.is_finite() && y.is_finite()).then_some(Point {
            x: x as f32,
            y: y as f32,
        })
    }
}

/// The transform of the unit square's corners (0,0), (1,0), (1,1), (0,1) to the quadrilateral `q`
/// (Heckbert's closed form).
fn square_to_quad(q: [Point; 4]) -> Option<Transform> {
    let [p0, p1, p2, p3] = q.map(|p| (f64::from(p.x), f64::from(p.y)));
    let dx3 = p0.0 - p1.0 + p2.0 - p3.0;
    let dy3 = p0.1 - p1.1 + p2.1 - p3.1;
    let m = if dx3.abs() < 1e-9 && dy3.abs() < 1e-9 {
        [
            [p1.0 - p0.0, p1.1 - p0.1, 0.0],
            [p2.0 - p1.0, p2.1 - p1.1, 0.0],
            [p0.0, p0.1, 1.0],
        ]
    } else {
        let (dx1, dx2) = (p1.0 - p2.0, p3.0 - p2.0);
        let (dy1, dy2) = (p1.1 - p2.1, p3.1 - p2.1);
        let denominator = dx1 * dy2 - dx2 * dy1;
        if denominator.abs() < 1e-12 {
            return None;
        }
        let a13 = (dx3 * dy2 - dx2 * dy3) / denominator;
        let a23 = (dx1 * dy3 - dx3 * dy1) / denominator;
        [
            [p1.0 - p0.0 + a13 * p1.0, p1.1 - p0.1 + a13 * p1.1, a13],
            [p3.0 - p0.0 + a23 * p3.0, p3.1 - p0.1 + a23 * p3.1, a23],
            [p0.0, p0.1, 1.0],
        ]
    };
    m.iter()
        .flatten()
        .all(|v| v.is_finite())
        .then_some(Transform { m })
}

/// The adjoint, which inverts a projective transform up to scale (all it needs).
fn adjoint(m: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let c =
        |r1: usize, c1: usize, r2: usize, c2: usize| m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1];
    [
        [c(1, 1, 2, 2), -c(0, 1, 2, 2), c(0, 1, 1, 2)],
        [-c(1, 0, 2, 2), c(0, 0, 2, 2), -c(0, 0, 1, 2)],
        [c(1, 0, 2, 1), -c(0, 0, 2, 1), c(0, 0, 1, 1)],
    ]
}

fn multiply(a: &[[f64; 3]; 3], b: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut out = [[0.0; 3]; 3];
    for (r, row) in out.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            *cell = (0..3).map(|k| a[r][k] * b[k][c]).sum();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f32, y: f32) -> Point {
        Point { x, y }
    }

    #[test]
    fn maps_the_four_points_and_between() {
        let from = [p(3.5, 3.5), p(21.5, 3.5), p(18.5, 18.5), p(3.5, 21.5)];
        let to = [
            p(100.0, 80.0),
            p(300.0, 95.0),
            p(270.0, 260.0),
            p(90.0, 290.0),
        ];
        let t = Transform::between(from, to).expect("not degenerate");
        for (f, t_) in from.iter().zip(&to) {
            let got = t.apply(f.x, f.y).expect("finite");
            assert!(got.distance(*t_) < 1e-3, "{got:?} vs {t_:?}");
        }
    }
}
