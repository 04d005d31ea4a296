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

/// Score U(β) and information I(β) of the partial likelihood.
fn score(table: &RiskTable, beta: f64, ties: Ties) -> (f64, f64) {
    let eb = beta.exp();
    let (mut u, mut info) = (0.0, 0.0);
    for r in &table.rows {
        let d = r.d_total();
        if d == 0 {
            continue;
        }
        let (n0, n1) = (r.n[0] as f64, r.n[1] as f64);
        let (d0, d1) = (r.d[0] as f64, r.d[1] as f64);
        let s0 = n0 + n1 * eb; // Σ_risk exp(βx)
        let s1 = n1 * eb; // Σ_risk x exp(βx) (= Σ x² exp(βx) for binary x)
        u += d1;
        if d == 1 || ties == Ties::Breslow {
            let df = d as f64;
            let m = s1 / s0;
            u -= df * m;
            info += df * (m - m * m);
        } else {
            let e0 = d0 + d1 * eb; // Σ_tied exp(βx)
            let e1 = d1 * eb;
            for k in 0..d {
                let f = k as f64 / d as f64;
                let m = (s1 - f * e1) / (s0 - f * e0);
                u -= m;
                info += m - m * m;
            }
        }
    }
    (u, info)
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
        if r.n[1] > 0 {
            d0_facing_treated += r.d[0] as u64;
        }
        if r.n[0] > 0 {
            d1_facing_control += r.d[1] as u64;
        }
    }
    if d0_facing_treated == 0 || d1_facing_control == 0 {
        return Cox::NotEstimable;
    }
    // The log partial likelihood is strictly concave in β, so U is strictly decreasing:
    // Newton's method, safeguarded by bisection of the bracket [lo, hi] around the root. The
    // first step from 0 is the one-step (Peto-type) estimate (O − E)/V.
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut beta = if start.is_finite() { start.clamp(-20.0, 20.0) } else { 0.0 };
    let (mut u, mut info) = score(table, beta, ties);
    for iteration in 1..=200u32 {
        if !(info > 0.0) || !u.is_finite() {
            return Cox::NotEstimable;
        }
        if u > 0.0 {
            lo = beta;
        } else {
            hi = beta;
        }
        let step = u / info;
        let converged = step.abs() <= 1e-11 * (1.0 + beta.abs());
        let mut next = beta + step;
        if !(converged || next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        beta = next;
        (u, info) = score(table, beta, ties);
        if converged {
            if !(info > 0.0) || !beta.is_finite() {
                return Cox::NotEstimable;
            }
            return Cox::Estimate { log_hr: beta, se: 1.0 / info.sqrt(), iterations: iteration };
        }
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
