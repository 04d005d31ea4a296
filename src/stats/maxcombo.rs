//! The MaxCombo test (Lee 2007; Karrison 2016; Roychoudhury et al. 2021): the maximum of the
//! Fleming–Harrington G(ρ, γ) log-rank statistics for (0, 0), (0, 1), (1, 0), (1, 1), with its
//! p-value from their joint normal distribution under the null, P(max Z_k ≥ z_max). The
//! covariance of the weighted statistics is Σ_t w_j(t) w_k(t) v(t) with v(t) the
//! hypergeometric variance at t. The multivariate normal probability is computed by Genz's
//! (1992) sequential conditioning on a fixed rank-1 lattice (deterministic: the same data give
//! the same p-value to the last digit); `peritrial analyze` uses 8 × 2^17 points (p-values
//! within about 2e-6 of mvtnorm's), the engine fewer where the decision is not close.

use super::RiskTable;
use super::normal;

/// The (ρ, γ) of the four component tests.
pub const COMPONENTS: [(f64, f64); 4] = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaxCombo {
    /// z of each component, positive when the treatment arm is better.
    pub z: [f64; 4],
    pub correlation: [[f64; 4]; 4],
    pub z_max: f64,
    /// P(max_k Z_k ≥ z_max) under the null.
    pub p_one_sided: f64,
    /// The integration's standard error (from its 8 independently shifted lattices).
    pub p_se: f64,
}

/// Lattice points per shift for `peritrial analyze`: p-values to about 2e-6 (8 shifts).
pub const ANALYZE_POINTS: usize = 1 << 17;

/// The test with the p-value computed on `points` lattice points per shift (0: no p-value).
pub fn test(table: &RiskTable) -> MaxCombo {
    test_with(table, ANALYZE_POINTS)
}

pub fn test_with(table: &RiskTable, points: usize) -> MaxCombo {
    let mut num = [0.0f64; 4]; // Σ w (E − O) for the treatment arm
    let mut cov = [[0.0f64; 4]; 4];
    for k in 0..table.strata.len() {
        let mut s_minus: f64 = 1.0;
        for r in table.stratum(k) {
            let (n, d) = (r.n_total() as f64, r.d_total() as f64);
            if d == 0.0 {
                continue;
            }
            let n1 = r.n[1] as f64;
            let e1 = d * n1 / n;
            let v = if n > 1.0 { d * (n1 / n) * (1.0 - n1 / n) * (n - d) / (n - 1.0) } else { 0.0 };
            let w: [f64; 4] = COMPONENTS.map(|(rho, gamma)| s_minus.powf(rho) * (1.0 - s_minus).powf(gamma));
            for j in 0..4 {
                num[j] += w[j] * (e1 - r.d[1] as f64);
                for l in 0..4 {
                    cov[j][l] += w[j] * w[l] * v;
                }
            }
            s_minus *= 1.0 - d / n;
        }
    }
    let mut z = [0.0; 4];
    let mut correlation = [[0.0; 4]; 4];
    for j in 0..4 {
        z[j] = if cov[j][j] > 0.0 { num[j] / cov[j][j].sqrt() } else { 0.0 };
        for l in 0..4 {
            correlation[j][l] = if cov[j][j] > 0.0 && cov[l][l] > 0.0 {
                cov[j][l] / (cov[j][j] * cov[l][l]).sqrt()
            } else if j == l {
                1.0
            } else {
                0.0
            };
        }
    }
    // Components without information (e.g. G(0, 1) before any event) are left out.
    // FH(0,0) goes last, right after FH(1,0): it is a linear combination of FH(0,1) and
    // FH(1,0), and its constraint then joins the last free variable in closed form.
    let live: Vec<usize> = [1, 3, 2, 0].into_iter().filter(|&j| cov[j][j] > 0.0).collect();
    let z_max = live.iter().map(|&j| z[j]).fold(f64::NEG_INFINITY, f64::max);
    let (p_one_sided, p_se) = if live.is_empty() {
        (1.0, 0.0)
    } else if points == 0 {
        // The statistics only (callers that bracket the p-value themselves).
        (f64::NAN, f64::NAN)
    } else {
        let corr: Vec<Vec<f64>> = live.iter().map(|&a| live.iter().map(|&b| correlation[a][b]).collect()).collect();
        let (below, se) = mvn_below_se(&corr, z_max, points);
        ((1.0 - below).clamp(0.0, 1.0), se)
    };
    MaxCombo { z, correlation, z_max: if live.is_empty() { 0.0 } else { z_max }, p_one_sided, p_se }
}

/// P(Z_k < b for all k), Z standard multivariate normal with correlation `corr` (which may be
/// singular in its last component: the four Fleming–Harrington weights satisfy
/// w(0,0) = w(0,1) + w(1,0), so Z(0,0) is a linear function of Z(0,1) and Z(1,0); callers put
/// such a component last).
pub fn mvn_below(corr: &[Vec<f64>], b: f64, points: usize) -> f64 {
    mvn_below_se(corr, b, points).0
}

/// [`mvn_below`] and its standard error, from the spread of the 8 shifted lattices' estimates.
pub fn mvn_below_se(corr: &[Vec<f64>], b: f64, points: usize) -> (f64, f64) {
    let m = corr.len();
    if m == 1 {
        return (normal::cdf(b), 0.0);
    }
    let mut l = vec![vec![0.0; m]; m];
    for i in 0..m {
        for j in 0..=i {
            let s = corr[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            l[i][j] = if i == j {
                s.max(0.0).sqrt()
            } else if l[j][j] > 1e-7 {
                s / l[j][j]
            } else {
                0.0
            };
        }
    }
    // A singular last component: Z_m = Σ_j L_mj y_j exactly; its constraint joins the
    // bound of the last free variable in closed form.
    let singular_last = l[m - 1][m - 1] < 1e-7 && m > 2;
    let free = if singular_last { m - 1 } else { m };
    // A Richtmyer (Kronecker) sequence frac(i·√p) in the free dimensions less one, with fixed
    // shifts.
    const SHIFTS: usize = 8;
    let alpha = [std::f64::consts::SQRT_2.fract(), 3f64.sqrt().fract(), 5f64.sqrt().fract()];
    let shift = [0.754_877_666_246_692_8, 0.569_840_290_998_053_3, 0.438_579_661_450_184_9];
    let mut estimates = [0.0f64; SHIFTS];
    let mut y = vec![0.0; m];
    for (s, estimate) in estimates.iter_mut().enumerate() {
        let mut acc = 0.0;
        for i in 0..points {
            let mut f = 1.0;
            for k in 0..free {
                let mean: f64 = (0..k).map(|j| l[k][j] * y[j]).sum();
                let upper = (b - mean) / l[k][k];
                let last = k + 1 == free;
                if last && singular_last {
                    // y_k < upper and Σ_{j<k} L_mj y_j + L_mk y_k < b.
                    let c = l[m - 1][k];
                    let rest: f64 = (0..k).map(|j| l[m - 1][j] * y[j]).sum();
                    let e = if c > 1e-12 {
                        normal::cdf(upper.min((b - rest) / c))
                    } else if c < -1e-12 {
                        (normal::cdf(upper) - normal::cdf((b - rest) / c)).max(0.0)
                    } else if rest < b {
                        normal::cdf(upper)
                    } else {
                        0.0
                    };
                    f *= e;
                    break;
                }
                let e = normal::cdf(upper);
                f *= e;
                if last || f == 0.0 {
                    break;
                }
                let w = ((i as f64 * alpha[k]).fract() + shift[k] * (s + 1) as f64).fract();
                // Baker's tent transform for a periodic integrand.
                let w = 1.0 - (2.0 * w - 1.0).abs();
                y[k] = normal::quantile_as241((w * e).clamp(1e-300, 1.0 - 1e-16));
            }
            acc += f;
        }
        *estimate = acc / points as f64;
    }
    let mean = estimates.iter().sum::<f64>() / SHIFTS as f64;
    let var = estimates.iter().map(|e| (e - mean) * (e - mean)).sum::<f64>() / (SHIFTS - 1) as f64;
    (mean, (var / SHIFTS as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn independent_and_identical_components() {
        let id = vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0], vec![0.0, 0.0, 1.0]];
        let b = 1.5;
        assert!((mvn_below(&id, b, 1 << 14) - normal::cdf(b).powi(3)).abs() < 1e-6);
        let same = vec![vec![1.0, 0.999999], vec![0.999999, 1.0]];
        assert!((mvn_below(&same, b, 1 << 14) - normal::cdf(b)).abs() < 1e-3);
    }
}
