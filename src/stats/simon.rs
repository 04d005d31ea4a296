//! Simon's two-stage designs for a single-arm phase II trial (Simon 1989, Controlled Clinical
//! Trials 10:1–10), found by exhaustive search: stop after n1 patients if responses ≤ r1;
//! otherwise treat n patients and declare the treatment promising if responses > r. Among
//! designs with type I error ≤ α at p0 and power ≥ 1 − β at p1, the optimal design minimises
//! the expected sample size under p0 (EN0) and the minimax design minimises n (then EN0).

use super::binary::{binom_pmf, binom_upper};

/// One two-stage design with its operating characteristics (serialised as `simon`'s report
/// shows it).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Design {
    pub r1: u32,
    pub n1: u32,
    pub r: u32,
    pub n: u32,
    /// Expected sample size under p0.
    pub en0: f64,
    /// Probability of early termination under p0.
    pub pet0: f64,
    /// Probability of declaring the treatment promising under p0.
    pub alpha: f64,
    /// ... under p1.
    pub power: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Designs {
    pub optimal: Design,
    pub minimax: Design,
}

/// Probability of declaring the treatment promising: Σ_{x1 > r1} b(x1; n1, p) P(X2 > r − x1).
pub fn reject_probability(r1: u32, n1: u32, r: u32, n: u32, p: f64) -> f64 {
    (r1 + 1..=n1)
        .map(|x1| {
            binom_pmf(x1 as u64, n1 as u64, p) * binom_upper((r + 1).saturating_sub(x1) as u64, (n - n1) as u64, p)
        })
        .sum()
}

/// Probability of stopping after stage 1.
pub fn early_termination(r1: u32, n1: u32, p: f64) -> f64 {
    1.0 - binom_upper(r1 as u64 + 1, n1 as u64, p)
}

/// Searches every design with n ≤ `n_max`. `None` when none meets α and β.
pub fn search(p0: f64, p1: f64, alpha: f64, beta: f64, n_max: u32) -> Option<Designs> {
    let mut optimal: Option<Design> = None;
    let mut minimax: Option<Design> = None;
    // Binomial pmfs by stage size, for p0 and p1.
    let pmf = |p: f64| -> Vec<Vec<f64>> {
        (0..=n_max).map(|m| (0..=m).map(|k| binom_pmf(k as u64, m as u64, p)).collect()).collect()
    };
    let (f0, f1) = (pmf(p0), pmf(p1));
    // upper[m][k] = P(X ≥ k), X ~ Bin(m, p), for k in 0..=m+1.
    let upper = |f: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        f.iter()
            .map(|row| {
                let mut u = vec![0.0; row.len() + 1];
                for k in (0..row.len()).rev() {
                    u[k] = u[k + 1] + row[k];
                }
                u
            })
            .collect()
    };
    let (u0, u1) = (upper(&f0), upper(&f1));
    let reject = |f: &Vec<Vec<f64>>, u: &Vec<Vec<f64>>, r1: u32, n1: u32, r: u32, n: u32| -> f64 {
        let m = (n - n1) as usize;
        (r1 + 1..=n1)
            .map(|x1| {
                let need = (r + 1).saturating_sub(x1) as usize;
                f[n1 as usize][x1 as usize] * if need > m { 0.0 } else { u[m][need] }
            })
            .sum()
    };
    for n in 2..=n_max {
        for n1 in 1..n {
            for r1 in 0..n1 {
                let pet0: f64 = 1.0 - u0[n1 as usize][r1 as usize + 1];
                let en0 = n1 as f64 + (1.0 - pet0) * (n - n1) as f64;
                let beats_optimal = optimal.is_none_or(|o| en0 < o.en0 - 1e-12);
                let beats_minimax = minimax.is_none_or(|m| n < m.n || (n == m.n && en0 < m.en0 - 1e-12));
                if !beats_optimal && !beats_minimax {
                    continue;
                }
                // The type I error falls as r grows: find the smallest r with α(r) ≤ α.
                let (mut lo, mut hi) = (r1, n);
                if reject(&f0, &u0, r1, n1, hi - 1, n) > alpha {
                    continue;
                }
                hi -= 1;
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if reject(&f0, &u0, r1, n1, mid, n) <= alpha { hi = mid } else { lo = mid + 1 }
                }
                let r = lo;
                let power = reject(&f1, &u1, r1, n1, r, n);
                if power < 1.0 - beta {
                    continue;
                }
                let d = Design { r1, n1, r, n, en0, pet0, alpha: reject(&f0, &u0, r1, n1, r, n), power };
                if beats_optimal {
                    optimal = Some(d);
                }
                if beats_minimax {
                    minimax = Some(d);
                }
            }
        }
    }
    Some(Designs { optimal: optimal?, minimax: minimax? })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simon (1989), Table 1 (α = 0.05, β = 0.20): (p0, p1) → optimal r1/n1, r/n, EN0, PET0;
    /// minimax r1/n1, r/n, EN0, PET0.
    #[test]
    fn reproduces_simon_1989_table_1() {
        let table = [
            (0.05, 0.25, (0, 9, 2, 17, 12.0, 0.63), (0, 12, 2, 16, 13.8, 0.54)),
            (0.10, 0.30, (1, 10, 5, 29, 15.0, 0.74), (1, 15, 5, 25, 19.5, 0.55)),
            (0.20, 0.40, (3, 13, 12, 43, 20.6, 0.75), (4, 18, 10, 33, 22.3, 0.72)),
            (0.30, 0.50, (5, 15, 18, 46, 23.6, 0.72), (6, 19, 16, 39, 25.7, 0.67)),
        ];
        for (p0, p1, opt, mm) in table {
            let d = search(p0, p1, 0.05, 0.20, 80).unwrap();
            for (got, want) in [(d.optimal, opt), (d.minimax, mm)] {
                assert_eq!((got.r1, got.n1, got.r, got.n), (want.0, want.1, want.2, want.3), "p0 = {p0}: {got:?}");
                assert!((got.en0 - want.4).abs() < 0.05, "EN0 {got:?}");
                assert!((got.pet0 - want.5).abs() < 0.005, "PET0 {got:?}");
                assert!(got.alpha <= 0.05 && got.power >= 0.8);
            }
        }
    }
}
