//! Inference when a group-sequential test stops: the p-value by stage-wise ordering, the
//! median-unbiased estimate and its confidence interval, and repeated confidence intervals
//! (Jennison & Turnbull 2000, §§8.4 and 9.1; Wassmer & Brannath 2016, §4.1; rpact's
//! `getFinalPValue`, `getFinalConfidenceInterval` and `getRepeatedConfidenceIntervals`).
//!
//! Everything is on the drift scale: the z statistic at look k has mean θ√I_k, I_k the
//! information there (for a log-rank statistic, events × r/(1 + r)², so θ = −ln(HR/θ0)).
//! The stage-wise ordering ranks a trial that stops at an earlier look for efficacy above any
//! that goes on, and at the same look a larger z above a smaller; the p-value is the null
//! probability of an outcome at least as extreme as the one observed, and the estimate and the
//! interval's limits are the drifts at which that probability is ½, α/2 and 1 − α/2.

use super::normal;
use super::spending::rejection_probability_at;

/// The looks of a trial up to the one where it stopped.
#[derive(Debug, Clone, Copy)]
pub struct Stopped<'a> {
    /// The z statistic at each look up to the stopping look (the last).
    pub z: &'a [f64],
    /// The information at each of those looks (increasing).
    pub info: &'a [f64],
    /// The efficacy boundary at each look before the last (+∞ where a look has no test).
    pub efficacy: &'a [f64],
    /// A binding futility rule's bounds at the looks before the last (the continuation region
    /// is then [futility, efficacy)); None for no rule or a non-binding one, whose bounds the
    /// ordering does not count (rpact's convention).
    pub futility: Option<&'a [f64]>,
}

/// What a DMC reports when a group-sequential trial stops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inference {
    /// The one-sided p-value by stage-wise ordering.
    pub p: f64,
    /// The median-unbiased estimate of the drift θ.
    pub median_unbiased: f64,
    /// The limits of the two-sided interval of confidence 1 − 2α′ (α′ the one-sided level
    /// each side gets).
    pub lower: f64,
    pub upper: f64,
}

/// P_θ(an outcome at least as extreme as stopping at the last look of `s` with its z) under
/// the stage-wise ordering, on a grid of resolution `res`: the probability of crossing an
/// earlier look's efficacy boundary, plus that of reaching the last look with a z at least the
/// one observed.
pub fn ordering_probability(res: usize, s: &Stopped, theta: f64) -> f64 {
    let k = s.z.len();
    let last = s.info[k - 1];
    let t: Vec<f64> = s.info.iter().map(|&i| i / last).collect();
    let mut bounds: Vec<f64> = s.efficacy[..k - 1].to_vec();
    bounds.push(s.z[k - 1]);
    let floor: Option<Vec<f64>> = s.futility.map(|f| {
        let mut v = f[..k - 1].to_vec();
        v.push(f64::NEG_INFINITY);
        v
    });
    if k == 1 {
        return normal::cdf(theta * last.sqrt() - s.z[0]);
    }
    rejection_probability_at(res, &bounds, &t, theta * last.sqrt(), floor.as_deref()).clamp(0.0, 1.0)
}

/// The p-value, median-unbiased estimate and (1 − 2α)-confidence interval of the drift after
/// a trial stopped at the last look of `s` (α one-sided each side: 0.025 gives a 95% interval,
/// as rpact's `getFinalConfidenceInterval` with the design's α). At the first look these are
/// the fixed-sample values: 1 − Φ(z), z/√I and (z ∓ z_{1−α})/√I.
pub fn infer(res: usize, s: &Stopped, alpha: f64) -> Inference {
    let k = s.z.len();
    let root_i = s.info[k - 1].sqrt();
    let naive = s.z[k - 1] / root_i;
    if k == 1 {
        let q = normal::quantile(1.0 - alpha);
        return Inference {
            p: normal::upper_tail(s.z[0]),
            median_unbiased: naive,
            lower: (s.z[0] - q) / root_i,
            upper: (s.z[0] + q) / root_i,
        };
    }
    let f = |theta: f64| ordering_probability(res, s, theta);
    // Every limit lies within 12 standard errors of the naive estimate.
    let (lo, hi) = (naive - 12.0 / root_i, naive + 12.0 / root_i);
    Inference {
        p: f(0.0),
        median_unbiased: solve(&f, 0.5, lo, hi),
        lower: solve(&f, alpha, lo, hi),
        upper: solve(&f, 1.0 - alpha, lo, hi),
    }
}

/// The repeated confidence interval of the drift at a look with z statistic `z`, information
/// `info` and efficacy boundary `c` (one-sided α): (z ∓ c)/√I, which holds θ at every look at
/// once with probability at least 1 − 2α (Jennison & Turnbull 2000, §9.1). (−∞, ∞) where the
/// look has no boundary.
pub fn repeated_interval(z: f64, info: f64, c: f64) -> (f64, f64) {
    if !c.is_finite() || info <= 0.0 {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    ((z - c) / info.sqrt(), (z + c) / info.sqrt())
}

/// The θ in [lo, hi] at which the increasing `f` equals `target` (Brent's method, to 1e-12 in
/// θ); the nearer end when `target` is outside f's range there.
fn solve(f: &impl Fn(f64) -> f64, target: f64, lo: f64, hi: f64) -> f64 {
    let g = |x: f64| f(x) - target;
    let (mut a, mut b) = (lo, hi);
    let (mut fa, mut fb) = (g(a), g(b));
    if fa >= 0.0 {
        return a;
    }
    if fb <= 0.0 {
        return b;
    }
    let (mut c, mut fc) = (a, fa);
    let (mut d, mut e) = (b - a, b - a);
    for _ in 0..200 {
        if (fb > 0.0) == (fc > 0.0) {
            (c, fc) = (a, fa);
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            (a, b, c) = (b, c, b);
            (fa, fb, fc) = (fb, fc, fb);
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5e-12;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return b;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            // Inverse quadratic interpolation (or the secant with two points).
            let s = fb / fa;
            let (mut p, mut q) = if a == c {
                (2.0 * m * s, 1.0 - s)
            } else {
                let (qa, r) = (fa / fc, fb / fc);
                (s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0)), (qa - 1.0) * (r - 1.0) * (s - 1.0))
            };
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        (a, fa) = (b, fb);
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = g(b);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::spending::{self, Spending};

    /// At the first look everything is the fixed-sample analysis.
    #[test]
    fn a_stop_at_the_first_look_is_the_fixed_sample_analysis() {
        let s = Stopped { z: &[3.2], info: &[25.0], efficacy: &[], futility: None };
        let r = infer(32, &s, 0.025);
        assert!((r.p - normal::upper_tail(3.2)).abs() < 1e-15);
        assert!((r.median_unbiased - 0.64).abs() < 1e-15);
        assert!((r.lower - (3.2 - 1.959963984540054) / 5.0).abs() < 1e-9);
    }

    /// A trial that reaches the final look exactly on its boundary has the design's α as its
    /// p-value; one stopping on an interim boundary has the α spent up to that look.
    #[test]
    fn the_p_value_on_a_boundary_is_the_alpha_spent() {
        let t = [1.0 / 3.0, 2.0 / 3.0, 1.0];
        let c = spending::boundaries(Spending::OBrienFleming, 0.025, &t);
        let info = [100.0 / 4.0, 200.0 / 4.0, 300.0 / 4.0];
        let s = Stopped { z: &[0.5, 1.0, c[2]], info: &info, efficacy: &c[..2], futility: None };
        assert!((infer(32, &s, 0.025).p - 0.025).abs() < 1e-7);
        let s2 = Stopped { z: &[0.5, c[1]], info: &info[..2], efficacy: &c[..1], futility: None };
        let spent = spending::spent(Spending::OBrienFleming, 0.025, 2.0 / 3.0);
        assert!((infer(32, &s2, 0.025).p - spent).abs() < 1e-7);
    }

    /// The median-unbiased estimate after an interim stop is pulled from the naive estimate
    /// toward the null (the naive one overstates an effect that stopped a trial early), and the
    /// interval holds it.
    #[test]
    fn an_early_stop_shrinks_the_estimate() {
        let t = [1.0 / 3.0, 2.0 / 3.0, 1.0];
        let c = spending::boundaries(Spending::OBrienFleming, 0.025, &t);
        let info = [25.0, 50.0];
        let z = [1.5, c[1] + 0.3];
        let s = Stopped { z: &z, info: &info, efficacy: &c[..1], futility: None };
        let r = infer(32, &s, 0.025);
        let naive = z[1] / 50f64.sqrt();
        assert!(r.median_unbiased < naive && r.median_unbiased > 0.0, "{r:?} against {naive}");
        assert!(r.lower < r.median_unbiased && r.median_unbiased < r.upper);
        assert!((ordering_probability(32, &s, r.median_unbiased) - 0.5).abs() < 1e-10);
    }
}
