//! Small dense symmetric positive-definite systems (a regression's information matrix, a
//! handful of covariates): the Cholesky factor, its solve and inverse. Row-major `Vec<Vec<f64>>`.
#![allow(clippy::needless_range_loop)] // index loops read as the formulas of matrix algebra

/// The lower Cholesky factor L of `a` (a = L Lᵀ); None when `a` is not positive definite (a
/// pivot at or below `1e-12` times the largest diagonal element: collinear covariates).
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let scale = (0..n).map(|i| a[i][i].abs()).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d > 1e-12 * scale) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// x with L Lᵀ x = b.
pub fn solve(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = l.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

/// The inverse of L Lᵀ.
pub fn inverse(l: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = l.len();
    let cols: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            solve(l, &e)
        })
        .collect();
    (0..n).map(|i| (0..n).map(|j| cols[j][i]).collect()).collect()
}

/// a b for a square `a`.
pub fn mat_vec(a: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    a.iter().map(|row| row.iter().zip(b).map(|(x, y)| x * y).sum()).collect()
}

/// aᵀ M a.
pub fn quadratic(a: &[f64], m: &[Vec<f64>]) -> f64 {
    a.iter().zip(mat_vec(m, a)).map(|(x, y)| x * y).sum()
}

/// a m b for square matrices (the sandwich bread · meat · bread).
pub fn sandwich(bread: &[Vec<f64>], meat: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = bread.len();
    let mul = |a: &[Vec<f64>], b: &[Vec<f64>]| -> Vec<Vec<f64>> {
        (0..n).map(|i| (0..n).map(|j| (0..n).map(|k| a[i][k] * b[k][j]).sum()).collect()).collect()
    };
    mul(&mul(bread, meat), bread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_a_known_matrix() {
        let a = vec![vec![4.0, 2.0, 0.6], vec![2.0, 2.0, 0.5], vec![0.6, 0.5, 3.0]];
        let inv = inverse(&cholesky(&a).unwrap());
        for i in 0..3 {
            for j in 0..3 {
                let e: f64 = (0..3).map(|k| a[i][k] * inv[k][j]).sum();
                assert!((e - if i == j { 1.0 } else { 0.0 }).abs() < 1e-13);
            }
        }
        assert!(cholesky(&[vec![1.0, 1.0], vec![1.0, 1.0]]).is_none());
    }
}
