//! Contours of a grid of values (the target power's on a sweep's heat map): geometry only.

/// The segments where a grid of values (`grid[i][j]` at point (i, j); None where absent)
/// crosses `level`, by marching squares with linear interpolation along each edge.
pub fn contour(grid: &[Vec<Option<f64>>], level: f64) -> Vec<[(f64, f64); 2]> {
    let mut out = Vec::new();
    for i in 0..grid.len().saturating_sub(1) {
        for j in 0..grid[i].len().saturating_sub(1) {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let Some(v) = corners.iter().map(|&(a, b)| grid[a][b]).collect::<Option<Vec<f64>>>() else { continue };
            let mut points = Vec::new();
            for e in 0..4 {
                let (a, b) = (e, (e + 1) % 4);
                let (va, vb) = (v[a] - level, v[b] - level);
                if (va < 0.0) != (vb < 0.0) {
                    let f = va / (va - vb);
                    let (pa, pb) = (corners[a], corners[b]);
                    points.push((
                        pa.0 as f64 + f * (pb.0 as f64 - pa.0 as f64),
                        pa.1 as f64 + f * (pb.1 as f64 - pa.1 as f64),
                    ));
                }
            }
            // Two crossings: one segment; four (a saddle): two, pairing neighbouring edges.
            for pair in points.chunks_exact(2) {
                out.push([pair[0], pair[1]]);
            }
        }
    }
    out
}
