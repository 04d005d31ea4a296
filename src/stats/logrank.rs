//! The log-rank family, as R `survival::survdiff`: hypergeometric variance at each distinct
//! event time, summed over strata for the stratified test (Mantel 1966; Peto & Peto 1972).
//! Weighted versions: Harrington–Fleming S(t−)^ρ (`survdiff(rho = ρ)`) and
//! Fleming–Harrington G(ρ, γ) with weights S(t−)^ρ (1 − S(t−))^γ, S the pooled
//! left-continuous Kaplan–Meier estimate within the stratum (Harrington & Fleming 1982).
//!
//! Sign convention: z = (E − O)/√V for the treatment arm (arm 1), positive when the treatment
//! arm has fewer events than expected, i.e. when it is better.

use super::normal;
use super::{RiskTable, Row};

/// The weight function of a weighted log-rank test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub rho: f64,
    pub gamma: f64,
}

impl Weights {
    pub const LOGRANK: Weights = Weights { rho: 0.0, gamma: 0.0 };

    #[inline]
    fn at(&self, s_minus: f64) -> f64 {
        let a = if self.rho == 0.0 { 1.0 } else { s_minus.powf(self.rho) };
        let b = if self.gamma == 0.0 { 1.0 } else { (1.0 - s_minus).powf(self.gamma) };
        a * b
    }
}

/// A (weighted, possibly stratified) log-rank test of arm 1 against arm 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Logrank {
    /// Observed events of the treatment arm (weighted).
    pub observed: f64,
    /// Expected events of the treatment arm under the null (weighted).
    pub expected: f64,
    /// Variance of O − E.
    pub variance: f64,
    /// (E − O)/√V: positive when the treatment arm is better.
    pub z: f64,
    /// (O − E)²/V, as survdiff's `chisq`.
    pub chisq: f64,
    /// Two-sided p-value, P(χ²₁ > chisq), as survdiff.
    pub p_value: f64,
}

impl Logrank {
    /// One-sided p-value for the treatment arm being better: 1 − Φ(z).
    pub fn p_one_sided(&self) -> f64 {
        normal::upper_tail(self.z)
    }
}

/// Accumulates O, E and V over the rows of one stratum. No branch on the rows: a row of
/// competing events only (d = 0) adds nothing, and V's term is 0 when n = 1 (then d = n).
/// Unit weights (the log-rank test) need no Kaplan–Meier estimate.
fn accumulate(rows: &[Row], w: Weights, acc: &mut [f64; 3]) {
    let weighted = w != Weights::LOGRANK;
    let mut s_minus = 1.0; // pooled KM just before the current time
    let (mut o, mut e, mut v) = (0.0, 0.0, 0.0);
    for r in rows {
        let n = r.n_total() as f64;
        let d = r.d_total() as f64;
        let p1 = r.n[1] as f64 / n;
        let wt = if weighted { w.at(s_minus) } else { 1.0 };
        o += wt * r.d[1] as f64;
        e += wt * d * p1;
        v += wt * wt * d * p1 * (1.0 - p1) * (n - d) / (n - 1.0).max(1.0);
        if weighted {
            s_minus *= 1.0 - d / n;
        }
    }
    acc[0] += o;
    acc[1] += e;
    acc[2] += v;
}

/// The test from a risk table, summing over its strata (one stratum: the plain test).
pub fn test(table: &RiskTable, w: Weights) -> Logrank {
    let mut acc = [0.0; 3];
    for k in 0..table.strata.len() {
        accumulate(table.stratum(k), w, &mut acc);
    }
    finish(acc)
}

fn finish([observed, expected, variance]: [f64; 3]) -> Logrank {
    if variance > 0.0 {
        let z = (expected - observed) / variance.sqrt();
        let chisq = z * z;
        Logrank { observed, expected, variance, z, chisq, p_value: normal::chisq1_upper(chisq) }
    } else {
        // No information (no events, or one arm empty): no evidence either way.
        Logrank { observed, expected, variance, z: 0.0, chisq: 0.0, p_value: 1.0 }
    }
}

/// The log-rank test of H0: HR ≥ θ0 against a non-inferiority margin θ0 (rpact's `thetaH0` in
/// `getSimulationSurvival`): the Cox partial-likelihood score at log HR = ln θ0, with
/// Breslow's handling of ties — at each distinct event time with d events, n1 treated and n0
/// control at risk, p = θ0 n1/(θ0 n1 + n0), O − E gains d1 − d p and the variance d p (1 − p),
/// summed over strata. z = (E − O)/√V is positive when the treatment's hazard ratio is below
/// θ0. At θ0 = 1 and without ties it is the log-rank test; with ties its variance is Breslow's,
/// not the hypergeometric one (so [`test`] remains the superiority test).
pub fn margin_test(table: &RiskTable, theta0: f64) -> Logrank {
    let mut acc = [0.0; 3];
    for k in 0..table.strata.len() {
        for r in table.stratum(k) {
            let d = r.d_total() as f64;
            let (n1, n0) = (r.n[1] as f64, r.n[0] as f64);
            let p1 = theta0 * n1 / (theta0 * n1 + n0);
            acc[0] += r.d[1] as f64;
            acc[1] += d * p1;
            acc[2] += d * p1 * (1.0 - p1);
        }
    }
    finish(acc)
}

/// One-sample log-rank test of a single arm against a reference exponential hazard λ0
/// (Breslow 1975; Finkelstein, Muzikansky & Schoenfeld 2003): O events against
/// E = λ0 · Σ follow-up; z = (E − O)/√E, positive when there are fewer events than expected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneSample {
    pub observed: f64,
    pub expected: f64,
    pub z: f64,
}

impl OneSample {
    pub fn new(events: u64, total_follow_up: f64, null_hazard: f64) -> OneSample {
        let observed = events as f64;
        let expected = null_hazard * total_follow_up;
        let z = if expected > 0.0 { (expected - observed) / expected.sqrt() } else { 0.0 };
        OneSample { observed, expected, z }
    }

    /// One-sided p-value for fewer events than the reference: 1 − Φ(z).
    pub fn p_one_sided(&self) -> f64 {
        normal::upper_tail(self.z)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Obs, sort_by_stratum_time};
    use super::*;

    fn obs(rows: &[(f64, u8, u8)]) -> Vec<Obs> {
        let mut v: Vec<Obs> = rows.iter().map(|&(time, status, arm)| Obs { time, status, arm, stratum: 0 }).collect();
        sort_by_stratum_time(&mut v);
        v
    }

    #[test]
    fn identical_arms_give_z_zero() {
        let o = obs(&[(1.0, 1, 0), (1.0, 1, 1), (2.0, 0, 0), (2.0, 0, 1), (3.0, 1, 0), (3.0, 1, 1)]);
        let t = RiskTable::build(&o, true);
        let lr = test(&t, Weights::LOGRANK);
        assert!(lr.z.abs() < 1e-12);
        assert!((lr.p_value - 1.0).abs() < 1e-12);
    }

    /// Without ties the margin test at θ0 = 1 is the log-rank test; its score at θ0 is the Cox
    /// score at ln θ0, which is zero at the Cox estimate (Breslow ties).
    #[test]
    fn the_margin_test_is_the_cox_score_at_the_margin() {
        let o = obs(&[
            (1.0, 1, 0),
            (1.5, 1, 1),
            (2.0, 0, 0),
            (2.5, 1, 0),
            (3.0, 1, 1),
            (3.5, 1, 0),
            (4.0, 0, 1),
            (4.5, 1, 0),
        ]);
        let t = RiskTable::build(&o, true);
        let (a, b) = (margin_test(&t, 1.0), test(&t, Weights::LOGRANK));
        assert!((a.z - b.z).abs() < 1e-12, "{} vs {}", a.z, b.z);
        let fit = super::super::cox::fit(&t, super::super::cox::Ties::Breslow);
        let hr = fit.hazard_ratio().expect("estimable");
        assert!(margin_test(&t, hr).z.abs() < 1e-8);
        // A larger margin makes the same data more convincing.
        assert!(margin_test(&t, 1.3).z > a.z);
    }

    #[test]
    fn no_events_is_no_evidence() {
        let o = obs(&[(1.0, 0, 0), (2.0, 0, 1)]);
        let lr = test(&RiskTable::build(&o, true), Weights::LOGRANK);
        assert_eq!((lr.z, lr.p_value), (0.0, 1.0));
    }
}
