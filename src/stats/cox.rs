//! Cox proportional hazards for the treatment effect (one binary covariate: arm 1 vs arm 0),
//! optionally stratified, by Newton–Raphson (safeguarded by bisection, which plays the part of
//! step halving: the likelihood is concave in one dimension) on the partial likelihood
//! (Cox 1972), ties by Efron (1977, R `coxph`'s default) or Breslow (1974). Wald standard
//! error and 95% interval. With a single binary covariate the partial likelihood depends on
//! the data only through the numbers at risk and the events by arm at each distinct time, so
//! it reads the shared [`RiskTable`].

use super::RiskTable;
use super::normal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ties {
    Efron,
    Breslow,
}

/// The fitted treatment effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cox {
    Estimate {
        log_hr: f64,
        se: f64,
        /// Iterations used.
        iterations: u32,
    },
    /// The maximum likelihood estimate does not exist: the partial likelihood is monotone in
    /// the log hazard ratio (no events; or no control event while a treated patient was at
    /// risk, or no treated event while a control patient was at risk, within strata).
    NotEstimable,
}

impl Cox {
    pub fn hazard_ratio(&self) -> Option<f64> {
        match self {
            Cox::Estimate { log_hr, .. } => Some(log_hr.exp()),
            Cox::NotEstimable => None,
        }
    }

    /// Wald interval for the hazard ratio at level `conf`.
    pub fn ci(&self, conf: f64) -> Option<(f64, f64)> {
        match *self {
            Cox::Estimate { log_hr, se, .. } => {
                let z = normal::quantile(0.5 + conf / 2.0);
                Some(((log_hr - z * se).exp(), (log_hr + z * se).exp()))
            }
            Cox::NotEstimable => None,
        }
    }

    /// Wald z for the treatment being better: −log HR / SE.
    pub fn z(&self) -> Option<f64> {
        match *self {
            Cox::Estimate { log_hr, se, .. } => Some(-log_hr / se),
            Cox::NotEstimable => None,
        }
    }
}

/// Score U(β), information I(β) = −U′(β) and J(β) = I′(β) of the partial likelihood.
///
/// With one binary covariate each event time contributes through m = S1/S0, the weighted
/// share of treated patients among those at risk (for Efron, among those still at risk at each
/// fraction of the tied events), and dm/dβ = m(1 − m): U = Σ (d1 − Σ m), I = Σ m(1 − m),
/// J = Σ m(1 − m)(1 − 2m).
fn score(table: &RiskTable, beta: f64, ties: Ties) -> (f64, f64, f64) {
    let eb = beta.exp();
    let mut tied = false;
    // Every row as if its events were untied (Breslow's form; a row of competing events only
    // adds 0): no branch in the loop.
    let (mut u, mut info, mut j) = (0.0, 0.0, 0.0);
    for r in &table.rows {
        let (n0, n1) = (r.n[0] as f64, r.n[1] as f64);
        let d = r.d_total();
        tied |= d > 1;
        let (df, d1) = (d as f64, r.d[1] as f64);
        let m = n1 * eb / (n0 + n1 * eb);
        let v = df * (m - m * m);
        u += d1 - df * m;
        info += v;
        j += v * (1.0 - 2.0 * m);
    }
    if tied && ties == Ties::Efron {
        // Efron's correction for tied events: replace those rows' Breslow terms.
        for r in table.rows.iter().filter(|r| r.d_total() > 1) {
            let (n0, n1) = (r.n[0] as f64, r.n[1] as f64);
            let (d0, d1) = (r.d[0] as f64, r.d[1] as f64);
            let d = r.d_total();
            let s0 = n0 + n1 * eb; // Σ_risk exp(βx)
            let s1 = n1 * eb; // Σ_risk x exp(βx)
            let m = s1 / s0;
            let v = d as f64 * (m - m * m);
            u += d as f64 * m;
            info -= v;
            j -= v * (1.0 - 2.0 * m);
            let e0 = d0 + d1 * eb; // Σ_tied exp(βx)
            let e1 = d1 * eb;
            for k in 0..d {
                let f = k as f64 / d as f64;
                let m = (s1 - f * e1) / (s0 - f * e0);
                u -= m;
                info += m - m * m;
                j += (m - m * m) * (1.0 - 2.0 * m);
            }
        }
    }
    (u, info, j)
}

/// Fits the treatment effect on a (possibly stratified) risk table.
pub fn fit(table: &RiskTable, ties: Ties) -> Cox {
    fit_from(table, ties, 0.0)
}

/// Fits from a starting log hazard ratio (e.g. the log-rank one-step estimate (O − E)/V,
/// which saves an iteration); the answer does not depend on it.
pub fn fit_from(table: &RiskTable, ties: Ties, start: f64) -> Cox {
    // The score's limits: U(+∞) = −Σ d0 over times with treated patients at risk, and
    // U(−∞) = Σ d1 over times with control patients at risk. The likelihood is strictly
    // concave, so a finite maximum exists exactly when both limits are non-zero.
    let (mut d0_facing_treated, mut d1_facing_control) = (0u64, 0u64);
    for r in &table.rows {
        d0_facing_treated += r.d[0] as u64 * (r.n[1] > 0) as u64;
        d1_facing_control += r.d[1] as u64 * (r.n[0] > 0) as u64;
    }
    if d0_facing_treated == 0 || d1_facing_control == 0 {
        return Cox::NotEstimable;
    }
    // The log partial likelihood is strictly concave in β, so U is strictly decreasing:
    // Halley's method (cubic convergence, with U″ = −J at hand), falling back to Newton's
    // step, safeguarded by bisection of the bracket [lo, hi] around the root.
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut beta = if start.is_finite() { start.clamp(-20.0, 20.0) } else { 0.0 };
    let (mut u, mut info, mut j) = score(table, beta, ties);
    for iteration in 1..=200u32 {
        if !(info > 0.0) || !u.is_finite() {
            return Cox::NotEstimable;
        }
        if u > 0.0 {
            lo = beta;
        } else {
            hi = beta;
        }
        let denominator = 2.0 * info * info + u * j;
        let step = if denominator > 0.0 { 2.0 * u * info / denominator } else { u / info };
        if step.abs() <= 1e-7 * (1.0 + beta.abs()) {
            // Converged: the root is β + step to within a multiple of step³ (below 1e-20),
            // where the information is I + J · step to within a multiple of step².
            let (beta, info) = (beta + step, info + j * step);
            if !beta.is_finite() || !(info > 0.0) {
                return Cox::NotEstimable;
            }
            return Cox::Estimate { log_hr: beta, se: 1.0 / info.sqrt(), iterations: iteration };
        }
        let mut next = beta + step;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        beta = next;
        (u, info, j) = score(table, beta, ties);
    }
    Cox::NotEstimable
}

#[cfg(test)]
mod tests {
    use super::super::{Obs, sort_by_stratum_time};
    use super::*;

    #[test]
    fn an_arm_without_events_is_not_estimable() {
        let mut o = vec![
            Obs { time: 1.0, status: 1, arm: 0, stratum: 0 },
            Obs { time: 2.0, status: 0, arm: 1, stratum: 0 },
            Obs { time: 3.0, status: 1, arm: 0, stratum: 0 },
        ];
        sort_by_stratum_time(&mut o);
        let t = RiskTable::build(&o, true);
        assert_eq!(fit(&t, Ties::Efron), Cox::NotEstimable);
        assert_eq!(Cox::NotEstimable.hazard_ratio(), None);
    }
}
