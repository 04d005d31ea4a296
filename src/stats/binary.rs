//! Binary endpoints: the exact binomial test with Clopper–Pearson (1934) and Wilson (1927)
//! intervals as R `binom.test` / `prop.test(correct = FALSE)`, Fisher's exact test on a 2×2
//! table as R `fisher.test`, and the Pearson chi-square test of two proportions without
//! continuity correction as R `prop.test(correct = FALSE)`. One-sided tests count success as a
//! higher response rate in the treatment arm.

use super::normal;
use statrs::function::beta::beta_reg;
use statrs::function::gamma::ln_gamma;

/// ln C(n, k).
fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// P(X = k), X ~ Binomial(n, p).
pub fn binom_pmf(k: u64, n: u64, p: f64) -> f64 {
    if k > n {
        return 0.0;
    }
    if p == 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p == 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    (ln_choose(n, k) + k as f64 * p.ln() + (n - k) as f64 * (-p).ln_1p()).exp()
}

/// P(X ≥ k), X ~ Binomial(n, p), through the regularised incomplete beta function.
pub fn binom_upper(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        1.0
    } else if k > n || p <= 0.0 {
        0.0
    } else if p >= 1.0 {
        1.0
    } else {
        beta_reg(k as f64, (n - k + 1) as f64, p)
    }
}

/// The one-sided exact binomial p-value P(X ≥ x | n, p0) on the z scale, Φ⁻¹(1 − p) (at most
/// 40; +∞ for x > n, which no trial reaches): increasing in x, so a boundary on this scale is
/// a count of responders.
pub fn exact_z(x: u64, n: u64, p0: f64) -> f64 {
    if x > n {
        return f64::INFINITY;
    }
    let p = binom_upper(x, n, p0);
    super::normal::quantile(1.0 - p.clamp(1e-300, 1.0)).min(40.0)
}

/// The exact binomial test of H0: p = p0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinomTest {
    pub successes: u64,
    pub trials: u64,
    /// P(X ≥ x | p0): one-sided, for a rate above p0.
    pub p_greater: f64,
    /// Two-sided, as R `binom.test` (sum of outcomes no more likely than the observed one).
    pub p_two_sided: f64,
}

pub fn binom_test(x: u64, n: u64, p0: f64) -> BinomTest {
    let p_greater = binom_upper(x, n, p0);
    let d = binom_pmf(x, n, p0) * (1.0 + 1e-7);
    let p_two_sided = (0..=n).map(|k| binom_pmf(k, n, p0)).filter(|&q| q <= d).sum::<f64>().min(1.0);
    BinomTest { successes: x, trials: n, p_greater, p_two_sided }
}

/// Inverts a continuous increasing function on [0, 1] by bisection to full precision.
fn bisect(target: f64, f: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < target { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// Clopper–Pearson interval at level `conf`.
pub fn clopper_pearson(x: u64, n: u64, conf: f64) -> (f64, f64) {
    let a = (1.0 - conf) / 2.0;
    // lower: P(X ≥ x | p) = a; upper: P(X ≤ x | p) = a.
    let lower = if x == 0 { 0.0 } else { bisect(a, |p| binom_upper(x, n, p)) };
    let upper = if x == n { 1.0 } else { bisect(1.0 - a, |p| binom_upper(x + 1, n, p)) };
    (lower, upper)
}

/// Wilson score interval at level `conf` (no continuity correction).
pub fn wilson(x: u64, n: u64, conf: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = normal::quantile(0.5 + conf / 2.0);
    let (nf, p) = (n as f64, x as f64 / n as f64);
    let centre = p + z * z / (2.0 * nf);
    let half = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt();
    let denom = 1.0 + z * z / nf;
    (((centre - half) / denom).max(0.0), ((centre + half) / denom).min(1.0))
}

/// A 2×2 comparison: responders and patients in the treatment and control arms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoByTwo {
    pub x_treatment: u64,
    pub n_treatment: u64,
    pub x_control: u64,
    pub n_control: u64,
}

/// Fisher's exact test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fisher {
    /// P(X_treatment ≥ observed) given the margins: one-sided, treatment better.
    pub p_greater: f64,
    /// Two-sided, as R `fisher.test`.
    pub p_two_sided: f64,
}

pub fn fisher(t: TwoByTwo) -> Fisher {
    let m = t.x_treatment + t.x_control; // responders
    let (n1, n0) = (t.n_treatment, t.n_control);
    let lo = m.saturating_sub(n0);
    let hi = m.min(n1);
    let total = ln_choose(n1 + n0, m);
    let pmf = |k: u64| (ln_choose(n1, k) + ln_choose(n0, m - k) - total).exp();
    let p_greater: f64 = (t.x_treatment..=hi).map(pmf).sum::<f64>().min(1.0);
    let d = pmf(t.x_treatment) * (1.0 + 1e-7);
    let p_two_sided = (lo..=hi).map(pmf).filter(|&q| q <= d).sum::<f64>().min(1.0);
    Fisher { p_greater, p_two_sided }
}

/// Pearson's chi-square test of equal proportions (no continuity correction).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    /// Positive when the treatment arm has the higher rate.
    pub z: f64,
    pub chisq: f64,
    pub p_two_sided: f64,
}

impl ChiSquare {
    pub fn p_greater(&self) -> f64 {
        normal::upper_tail(self.z)
    }
}

pub fn chi_square(t: TwoByTwo) -> ChiSquare {
    let (n1, n0) = (t.n_treatment as f64, t.n_control as f64);
    let (x1, x0) = (t.x_treatment as f64, t.x_control as f64);
    let pooled = (x1 + x0) / (n1 + n0);
    let var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n0);
    if !(var > 0.0) {
        return ChiSquare { z: 0.0, chisq: 0.0, p_two_sided: 1.0 };
    }
    let z = (x1 / n1 - x0 / n0) / var.sqrt();
    ChiSquare { z, chisq: z * z, p_two_sided: normal::chisq1_upper(z * z) }
}

/// The chi-square test with Yates' continuity correction, as R's `prop.test(correct = TRUE)`:
/// χ² = Σ (|O − E| − Y)²/E over the 2 × 2 table with Y = min(1/2, |p̂₁ − p̂₀|/(1/n₁ + 1/n₀)),
/// and z = sign(p̂₁ − p̂₀)·√χ² for the one-sided p-value.
pub fn chi_square_corrected(t: TwoByTwo) -> ChiSquare {
    let (n1, n0) = (t.n_treatment as f64, t.n_control as f64);
    let (x1, x0) = (t.x_treatment as f64, t.x_control as f64);
    let n = n1 + n0;
    let pooled = (x1 + x0) / n;
    if !(pooled > 0.0 && pooled < 1.0 && n1 > 0.0 && n0 > 0.0) {
        return ChiSquare { z: 0.0, chisq: 0.0, p_two_sided: 1.0 };
    }
    let delta = x1 / n1 - x0 / n0;
    let yates = 0.5f64.min(delta.abs() / (1.0 / n1 + 1.0 / n0));
    let cells = [(x1, n1 * pooled), (n1 - x1, n1 * (1.0 - pooled)), (x0, n0 * pooled), (n0 - x0, n0 * (1.0 - pooled))];
    let chisq: f64 = cells.iter().map(|&(o, e)| ((o - e).abs() - yates).powi(2) / e).sum();
    let z = delta.signum() * chisq.sqrt();
    ChiSquare { z, chisq, p_two_sided: normal::chisq1_upper(chisq) }
}

/// The restricted maximum-likelihood rates of two binomial samples under H0: p₁ − p₀ = δ
/// (Farrington & Manning 1990, eq. 5–6; Miettinen & Nurminen 1985): the root in the
/// admissible range of the likelihood equation's cubic, in its closed trigonometric form.
/// `rate1`, `rate0` are the observed (or assumed) rates and `ratio` = n₀/n₁.
pub fn restricted_rates(rate1: f64, rate0: f64, delta: f64, ratio: f64) -> (f64, f64) {
    let (theta, d) = (ratio, delta);
    let a = 1.0 + theta;
    let b = -(1.0 + theta + rate1 + theta * rate0 + d * (theta + 2.0));
    let c = d * d + d * (2.0 * rate1 + theta + 1.0) + rate1 + theta * rate0;
    let dd = -rate1 * d * (1.0 + d);
    let v = b.powi(3) / (27.0 * a.powi(3)) - b * c / (6.0 * a * a) + dd / (2.0 * a);
    let u2 = b * b / (9.0 * a * a) - c / (3.0 * a);
    let u = v.signum() * u2.max(0.0).sqrt();
    let p1 = if u == 0.0 {
        -b / (3.0 * a)
    } else {
        let w = (std::f64::consts::PI + (v / u.powi(3)).clamp(-1.0, 1.0).acos()) / 3.0;
        2.0 * u * w.cos() - b / (3.0 * a)
    };
    // The admissible range: both rates in [0, 1].
    let p1 = p1.clamp(d.max(0.0), (1.0 + d).min(1.0));
    (p1, (p1 - d).clamp(0.0, 1.0))
}

/// The Farrington–Manning score test of H0: p₁ − p₀ ≤ δ against p₁ − p₀ > δ (treatment
/// better by more than δ; a negative δ is a non-inferiority margin):
/// z = (p̂₁ − p̂₀ − δ)/√(p̃₁(1 − p̃₁)/n₁ + p̃₀(1 − p̃₀)/n₀) with the restricted rates p̃ under
/// p₁ − p₀ = δ, as rpact's `getSimulationRates(thetaH0 = δ)` and `getAnalysisResults`; at δ = 0
/// it is Pearson's chi-square z. The one-sided p-value is the normal upper tail of z.
pub fn farrington_manning(t: TwoByTwo, delta: f64) -> f64 {
    if delta == 0.0 {
        return chi_square(t).z;
    }
    let (n1, n0) = (t.n_treatment as f64, t.n_control as f64);
    if !(n1 > 0.0 && n0 > 0.0) {
        return 0.0;
    }
    let (r1, r0) = (t.x_treatment as f64 / n1, t.x_control as f64 / n0);
    let (p1, p0) = restricted_rates(r1, r0, delta, n0 / n1);
    let var = p1 * (1.0 - p1) / n1 + p0 * (1.0 - p0) / n0;
    if !(var > 0.0) {
        return 0.0;
    }
    (r1 - r0 - delta) / var.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_tails_add_up() {
        let s: f64 = (0..=20).map(|k| binom_pmf(k, 20, 0.3)).sum();
        assert!((s - 1.0).abs() < 1e-13);
        assert!((binom_upper(5, 20, 0.3) - (5..=20).map(|k| binom_pmf(k, 20, 0.3)).sum::<f64>()).abs() < 1e-13);
    }

    #[test]
    fn clopper_pearson_edges() {
        let (lo, hi) = clopper_pearson(0, 10, 0.95);
        assert_eq!(lo, 0.0);
        assert!((hi - (1.0 - 0.025f64.powf(0.1))).abs() < 1e-12);
    }
}
