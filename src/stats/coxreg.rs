//! Cox regression with covariates (R's `coxph`): several covariates, Efron's or Breslow's
//! ties, strata, case weights; Newton–Raphson from zero with step halving; the model-based
//! variance (the inverse information) and the robust one (Lin & Wei 1989: the weighted dfbeta
//! residuals' sum of squares, `coxph(robust = TRUE)`, which with propensity weights is the
//! marginal hazard ratio's sandwich). The conditional hazard ratio of a covariate-adjusted
//! analysis, or with one covariate (the group) and weights, the marginal one.
#![allow(clippy::needless_range_loop)] // index loops read as the formulas of the partial likelihood

use super::linalg::{cholesky, inverse, solve};

/// How tied event times share the risk set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoxTies {
    Efron,
    Breslow,
}

/// The data of a Cox regression: per subject its time, whether it had the event, its
/// covariates, stratum and case weight.
#[derive(Debug, Clone, Copy)]
pub struct CoxData<'a> {
    pub time: &'a [f64],
    pub event: &'a [bool],
    pub x: &'a [Vec<f64>],
    pub strata: &'a [u32],
    pub weights: &'a [f64],
}

#[derive(Debug, Clone, PartialEq)]
pub struct CoxReg {
    pub coef: Vec<f64>,
    /// The inverse information at the solution (`fit$naive.var` with weights, `fit$var`
    /// without).
    pub vcov: Vec<Vec<f64>>,
    /// Σᵢ (wᵢ Dᵢ)(wᵢ Dᵢ)ᵀ, Dᵢ subject i's dfbeta (its score residual times the inverse
    /// information).
    pub vcov_robust: Vec<Vec<f64>>,
    pub loglik: f64,
    pub loglik_null: f64,
    pub iterations: usize,
    /// The score test of β = 0: Uᵀ I⁻¹ U at zero.
    pub score_test: f64,
}

/// One stratum's subjects by decreasing time (events before censorings at a tie, which
/// changes nothing: both are at risk at their time).
fn strata_order(d: &CoxData) -> Vec<Vec<usize>> {
    let mut ids: Vec<u32> = d.strata.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.iter()
        .map(|&s| {
            let mut v: Vec<usize> = (0..d.time.len()).filter(|&i| d.strata[i] == s).collect();
            v.sort_by(|&a, &b| d.time[b].total_cmp(&d.time[a]));
            v
        })
        .collect()
}

/// The log partial likelihood, its score and information at `beta`.
fn partial(d: &CoxData, order: &[Vec<usize>], beta: &[f64], ties: CoxTies) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
    let p = beta.len();
    let (mut ll, mut u, mut info) = (0.0, vec![0.0; p], vec![vec![0.0; p]; p]);
    for subjects in order {
        let (mut s0, mut s1, mut s2) = (0.0, vec![0.0; p], vec![vec![0.0; p]; p]);
        let mut j = 0;
        while j < subjects.len() {
            let t = d.time[subjects[j]];
            let mut k = j;
            // Everyone with this time joins the risk set; the events' own sums apart.
            let (mut e0, mut e1, mut e2, mut ew, mut deaths) = (0.0, vec![0.0; p], vec![vec![0.0; p]; p], 0.0, 0usize);
            while k < subjects.len() && d.time[subjects[k]] == t {
                let i = subjects[k];
                let x = &d.x[i];
                let eta: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
                let r = d.weights[i] * eta.exp();
                s0 += r;
                for a in 0..p {
                    s1[a] += r * x[a];
                    for b in 0..p {
                        s2[a][b] += r * x[a] * x[b];
                    }
                }
                if d.event[i] {
                    deaths += 1;
                    ew += d.weights[i];
                    e0 += r;
                    ll += d.weights[i] * eta;
                    for a in 0..p {
                        e1[a] += r * x[a];
                        u[a] += d.weights[i] * x[a];
                        for b in 0..p {
                            e2[a][b] += r * x[a] * x[b];
                        }
                    }
                }
                k += 1;
            }
            if deaths > 0 {
                let steps = match ties {
                    CoxTies::Efron => deaths,
                    CoxTies::Breslow => 1,
                };
                let share = ew / steps as f64;
                for step in 0..steps {
                    let f = match ties {
                        CoxTies::Efron => step as f64 / deaths as f64,
                        CoxTies::Breslow => 0.0,
                    };
                    let d0 = s0 - f * e0;
                    ll -= share * d0.ln();
                    let m: Vec<f64> = (0..p).map(|a| (s1[a] - f * e1[a]) / d0).collect();
                    for a in 0..p {
                        u[a] -= share * m[a];
                        for b in 0..p {
                            info[a][b] += share * ((s2[a][b] - f * e2[a][b]) / d0 - m[a] * m[b]);
                        }
                    }
                }
            }
            j = k;
        }
    }
    (ll, u, info)
}

/// An event time's Efron steps: (the share f of the events left out, the hazard increment,
/// the risk set's mean covariates).
type Steps = Vec<(f64, f64, Vec<f64>)>;

/// Each subject's score residual at `beta` (`residuals(fit, type = "score")`, unweighted).
fn score_residuals(d: &CoxData, order: &[Vec<usize>], beta: &[f64], ties: CoxTies) -> Vec<Vec<f64>> {
    let p = beta.len();
    let n = d.time.len();
    let mut resid = vec![vec![0.0; p]; n];
    let risk: Vec<f64> = (0..n).map(|i| d.x[i].iter().zip(beta).map(|(a, b)| a * b).sum::<f64>().exp()).collect();
    for subjects in order {
        // The event times' hazard increments h_k and means m_k, from the latest time down; then
        // each subject's compensator accumulated from the earliest time up.
        let mut times: Vec<(usize, usize, Steps)> = Vec::new();
        let (mut s0, mut s1) = (0.0, vec![0.0; p]);
        let mut j = 0;
        while j < subjects.len() {
            let t = d.time[subjects[j]];
            let mut k = j;
            let (mut e0, mut e1, mut ew, mut deaths) = (0.0, vec![0.0; p], 0.0, 0usize);
            while k < subjects.len() && d.time[subjects[k]] == t {
                let i = subjects[k];
                let r = d.weights[i] * risk[i];
                s0 += r;
                for a in 0..p {
                    s1[a] += r * d.x[i][a];
                }
                if d.event[i] {
                    deaths += 1;
                    ew += d.weights[i];
                    e0 += r;
                    for a in 0..p {
                        e1[a] += r * d.x[i][a];
                    }
                }
                k += 1;
            }
            let mut steps = Vec::new();
            if deaths > 0 {
                let n_steps = match ties {
                    CoxTies::Efron => deaths,
                    CoxTies::Breslow => 1,
                };
                for step in 0..n_steps {
                    let f = match ties {
                        CoxTies::Efron => step as f64 / deaths as f64,
                        CoxTies::Breslow => 0.0,
                    };
                    let d0 = s0 - f * e0;
                    let m: Vec<f64> = (0..p).map(|a| (s1[a] - f * e1[a]) / d0).collect();
                    steps.push((f, (ew / n_steps as f64) / d0, m));
                }
            }
            times.push((j, k, steps));
            j = k;
        }
        // Cumulated over the event times before a subject's own: Σ h and Σ h m.
        let (mut ch, mut chm) = (0.0, vec![0.0; p]);
        for (j, k, steps) in times.iter().rev() {
            let (h_t, hm_t): (f64, Vec<f64>) = steps.iter().fold((0.0, vec![0.0; p]), |(h, mut hm), (_, hk, m)| {
                for a in 0..p {
                    hm[a] += hk * m[a];
                }
                (h + hk, hm)
            });
            for &i in &subjects[*j..*k] {
                let x = &d.x[i];
                for a in 0..p {
                    resid[i][a] -= risk[i] * (x[a] * ch - chm[a]);
                }
                if d.event[i] {
                    // Its own time: the Efron shares (1 − f) of each step.
                    let nd = steps.len() as f64;
                    for (f, hk, m) in steps {
                        for a in 0..p {
                            resid[i][a] += (x[a] - m[a]) / nd - risk[i] * hk * (x[a] - m[a]) * (1.0 - f);
                        }
                    }
                } else {
                    for a in 0..p {
                        resid[i][a] -= risk[i] * (x[a] * h_t - hm_t[a]);
                    }
                }
            }
            ch += h_t;
            for a in 0..p {
                chm[a] += hm_t[a];
            }
        }
    }
    resid
}

/// Fits the model; None when the information is singular (a covariate constant within the
/// strata, or collinear ones) or Newton's method does not converge in 30 iterations (a
/// monotone likelihood: an estimate going to infinity).
pub fn fit(d: &CoxData, ties: CoxTies) -> Option<CoxReg> {
    let p = d.x.first()?.len();
    let order = strata_order(d);
    let mut beta = vec![0.0; p];
    let (ll0, u0, i0) = partial(d, &order, &beta, ties);
    let l0 = cholesky(&i0)?;
    let score_test: f64 = u0.iter().zip(solve(&l0, &u0)).map(|(a, b)| a * b).sum();
    let (mut ll, mut u, mut info) = (ll0, u0, i0);
    for iteration in 1..=30 {
        let l = cholesky(&info)?;
        let step = solve(&l, &u);
        let mut t = 1.0;
        let (mut next, mut next_eval) = (beta.clone(), (f64::NEG_INFINITY, Vec::new(), Vec::new()));
        for _ in 0..30 {
            next = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
            next_eval = partial(d, &order, &next, ties);
            if next_eval.0 >= ll - 1e-12 * ll.abs() {
                break;
            }
            t /= 2.0;
        }
        let change = (next_eval.0 - ll).abs();
        beta = next;
        (ll, u, info) = next_eval;
        if change <= 1e-13 * ll.abs().max(1.0) {
            if beta.iter().any(|b| !b.is_finite() || b.abs() > 30.0) {
                return None;
            }
            let vcov = inverse(&cholesky(&info)?);
            let resid = score_residuals(d, &order, &beta, ties);
            let mut robust = vec![vec![0.0; p]; p];
            for (i, r) in resid.iter().enumerate() {
                let dfbeta: Vec<f64> =
                    (0..p).map(|a| d.weights[i] * (0..p).map(|b| vcov[a][b] * r[b]).sum::<f64>()).collect();
                for a in 0..p {
                    for b in 0..p {
                        robust[a][b] += dfbeta[a] * dfbeta[b];
                    }
                }
            }
            return Some(CoxReg {
                coef: beta,
                vcov,
                vcov_robust: robust,
                loglik: ll,
                loglik_null: ll0,
                iterations: iteration,
                score_test,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::logistic::{fit as logistic, tests::cohort, tests::refs};
    use crate::stats::weighting::{Estimand, weights};

    fn close(what: &str, got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol * want.abs().max(1e-3), "{what}: {got} against R {want}");
    }

    /// Against `survival::coxph` (`make_rwe_refs.R`, `cox_covariates`): the group and four
    /// covariates with Efron's ties, Breslow's, and Efron's stratified by site: coefficients to
    /// 1e-8, standard errors to 1e-7, the log partial likelihoods at zero and at the solution
    /// and the score test to 1e-9.
    #[test]
    fn cox_with_covariates_agrees_with_coxph() {
        let (c, r) = (cohort(), refs());
        let time: Vec<f64> = c.iter().map(|p| p.time).collect();
        let event: Vec<bool> = c.iter().map(|p| p.status == 1.0).collect();
        let x: Vec<Vec<f64>> = c.iter().map(|p| [&[p.group][..], &p.covariates[..]].concat()).collect();
        let site: Vec<u32> = c.iter().map(|p| p.site.as_bytes()[0] as u32).collect();
        let none = vec![0u32; c.len()];
        let ones = vec![1.0; c.len()];
        for (key, ties, strata) in [
            ("efron", CoxTies::Efron, &none),
            ("breslow", CoxTies::Breslow, &none),
            ("efron_strata_site", CoxTies::Efron, &site),
        ] {
            let d = CoxData { time: &time, event: &event, x: &x, strata, weights: &ones };
            let f = fit(&d, ties).unwrap();
            let b = &r["cox_covariates"][key];
            for (j, name) in ["group", "age", "ecog", "t4", "pci"].iter().enumerate() {
                close(&format!("{key} coef {name}"), f.coef[j], b["coef"][name].as_f64().unwrap(), 1e-8);
                close(&format!("{key} se {name}"), f.vcov[j][j].sqrt(), b["se"][name].as_f64().unwrap(), 1e-7);
            }
            close(&format!("{key} loglik"), f.loglik, b["loglik"].as_f64().unwrap(), 1e-9);
            close(&format!("{key} loglik null"), f.loglik_null, b["loglik_null"].as_f64().unwrap(), 1e-9);
            close(&format!("{key} score test"), f.score_test, b["score_test"].as_f64().unwrap(), 1e-9);
        }
    }

    /// The weighted Cox model of the group alone with propensity weights (ATE, ATT, overlap)
    /// against `coxph(weights = w, robust = TRUE)`: the marginal log hazard ratio to 1e-8, the
    /// naive and the robust (Lin–Wei) standard errors to 1e-7, and `survey::svycoxph`'s
    /// variance n/(n − 1) times the robust one.
    #[test]
    fn weighted_cox_with_robust_variance_agrees_with_coxph() {
        let (c, r) = (cohort(), refs());
        let time: Vec<f64> = c.iter().map(|p| p.time).collect();
        let event: Vec<bool> = c.iter().map(|p| p.status == 1.0).collect();
        let xs: Vec<Vec<f64>> = c.iter().map(|p| [&[1.0][..], &p.covariates[..]].concat()).collect();
        let group: Vec<f64> = c.iter().map(|p| p.group).collect();
        let ps = logistic(&xs, &group).unwrap().fitted;
        let treated: Vec<bool> = c.iter().map(|p| p.group == 1.0).collect();
        let x: Vec<Vec<f64>> = group.iter().map(|&g| vec![g]).collect();
        let none = vec![0u32; c.len()];
        for (key, estimand) in [("ate", Estimand::Ate), ("att", Estimand::Att), ("overlap", Estimand::Overlap)] {
            let w = weights(estimand, &ps, &treated);
            let d = CoxData { time: &time, event: &event, x: &x, strata: &none, weights: &w };
            let f = fit(&d, CoxTies::Efron).unwrap();
            let b = &r["cox_weighted"][key];
            close(&format!("{key} coef"), f.coef[0], b["coef"].as_f64().unwrap(), 1e-8);
            close(&format!("{key} se naive"), f.vcov[0][0].sqrt(), b["se_naive"].as_f64().unwrap(), 1e-7);
            close(&format!("{key} se robust"), f.vcov_robust[0][0].sqrt(), b["se_robust"].as_f64().unwrap(), 1e-7);
            close(&format!("{key} loglik"), f.loglik, b["loglik"].as_f64().unwrap(), 1e-9);
            if key == "ate" {
                let n = c.len() as f64;
                let svy = (f.vcov_robust[0][0] * n / (n - 1.0)).sqrt();
                close("svycoxph se", svy, r["cox_weighted"]["svycoxph_ate"]["se"].as_f64().unwrap(), 1e-7);
            }
        }
    }
}
