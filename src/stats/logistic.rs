//! Logistic regression by iteratively reweighted least squares (Newton's method on the
//! binomial log-likelihood, as R's `glm(family = binomial)`), its model-based and HC0 sandwich
//! variances, and the risk difference by standardisation (g-computation) with its delta-method
//! variance — the covariate adjustment of FDA's 2023 guidance (Ge et al. 2011), and the
//! influence-function variance that also counts the averaging over the sample's covariates.
//! The propensity score of a real-world comparison is this model of the group on the
//! covariates (`stats::weighting`).

use super::linalg::{cholesky, inverse, quadratic, sandwich, solve};

/// A fitted logistic model: coefficients (intercept first, as the design matrix's columns),
/// the inverse information at them, the HC0 sandwich, the log-likelihood, Newton's iterations
/// and the fitted probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    pub coef: Vec<f64>,
    pub vcov: Vec<Vec<f64>>,
    pub vcov_hc0: Vec<Vec<f64>>,
    pub loglik: f64,
    pub iterations: usize,
    pub fitted: Vec<f64>,
}

fn expit(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Fits P(y = 1 | x) = expit(xᵀβ) to rows `x` (each with its intercept column, if any) and
/// outcomes `y` (0 or 1). Newton from β = 0 until the log-likelihood changes by less than
/// 1e-13 relative (R's glm stops at 1e-8 of the deviance; its coefficients agree to about
/// 1e-9 there), at most 50 iterations. None when the information is singular (collinear
/// covariates) or the fit does not converge (separation: an estimate going to infinity).
#[allow(clippy::needless_range_loop)] // index loops read as the information matrix's formula
pub fn fit(x: &[Vec<f64>], y: &[f64]) -> Option<Logistic> {
    let p = x.first()?.len();
    let mut beta = vec![0.0; p];
    let loglik = |beta: &[f64]| -> f64 {
        x.iter()
            .zip(y)
            .map(|(xi, &yi)| {
                let eta = dot(xi, beta);
                // log(1 + e^η) without overflow.
                let log1pexp = if eta > 0.0 { eta + (-eta).exp().ln_1p() } else { eta.exp().ln_1p() };
                yi * eta - log1pexp
            })
            .sum()
    };
    let mut ll = loglik(&beta);
    for iteration in 1..=50 {
        let mut info = vec![vec![0.0; p]; p];
        let mut score = vec![0.0; p];
        for (xi, &yi) in x.iter().zip(y) {
            let mu = expit(dot(xi, &beta));
            let w = mu * (1.0 - mu);
            for a in 0..p {
                score[a] += xi[a] * (yi - mu);
                for b in 0..=a {
                    info[a][b] += w * xi[a] * xi[b];
                }
            }
        }
        for a in 0..p {
            for b in 0..a {
                info[b][a] = info[a][b];
            }
        }
        let l = cholesky(&info)?;
        let step = solve(&l, &score);
        // Step halving keeps the likelihood increasing (as glm does when the deviance grows).
        let mut t = 1.0;
        let (mut next, mut next_ll) = (beta.clone(), f64::NEG_INFINITY);
        for _ in 0..30 {
            next = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
            next_ll = loglik(&next);
            if next_ll >= ll - 1e-12 * ll.abs() {
                break;
            }
            t /= 2.0;
        }
        let change = (next_ll - ll).abs();
        beta = next;
        ll = next_ll;
        if change <= 1e-13 * (ll.abs() + 0.1) {
            if beta.iter().any(|b| !b.is_finite() || b.abs() > 30.0) {
                return None;
            }
            return Some(finish(x, y, beta, ll, iteration));
        }
    }
    None
}

/// The variances at the solution: the inverse information and the HC0 sandwich
/// (Σ xᵢxᵢᵀ(yᵢ − μᵢ)² between two inverse informations).
#[allow(clippy::needless_range_loop)]
fn finish(x: &[Vec<f64>], y: &[f64], coef: Vec<f64>, loglik: f64, iterations: usize) -> Logistic {
    let p = coef.len();
    let fitted: Vec<f64> = x.iter().map(|xi| expit(dot(xi, &coef))).collect();
    let (mut info, mut meat) = (vec![vec![0.0; p]; p], vec![vec![0.0; p]; p]);
    for ((xi, &yi), &mu) in x.iter().zip(y).zip(&fitted) {
        let (w, r2) = (mu * (1.0 - mu), (yi - mu) * (yi - mu));
        for a in 0..p {
            for b in 0..p {
                info[a][b] += w * xi[a] * xi[b];
                meat[a][b] += r2 * xi[a] * xi[b];
            }
        }
    }
    let vcov = cholesky(&info).map_or_else(|| vec![vec![f64::NAN; p]; p], |l| inverse(&l));
    let vcov_hc0 = sandwich(&vcov, &meat);
    Logistic { coef, vcov, vcov_hc0, loglik, iterations, fitted }
}

/// The risk difference by standardisation over a set of patients, with its standard errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standardised {
    /// The mean predicted risk with the treatment set to 1, and to 0, for every patient of
    /// the set; their difference.
    pub risk1: f64,
    pub risk0: f64,
    pub difference: f64,
    /// Delta method with the model's variance, and with the HC0 sandwich (the guidance's).
    pub se_model: f64,
    pub se_hc0: f64,
    /// The influence-function standard error: the delta method's term plus the variance of the
    /// individual differences over the sample's covariates (the stacked M-estimator's
    /// sandwich; for the whole sample only).
    pub se_if: Option<f64>,
}

/// g-computation after `m` was fitted to rows `x` with outcomes `y`: column `treatment` of the
/// design is set to 1 and to 0 for the patients `over` (all: the average treatment effect;
/// the treated: the effect among them).
#[allow(clippy::needless_range_loop)]
pub fn standardise(m: &Logistic, x: &[Vec<f64>], y: &[f64], treatment: usize, over: &[usize]) -> Standardised {
    let p = m.coef.len();
    let n = over.len() as f64;
    let set = |xi: &[f64], v: f64| -> Vec<f64> {
        let mut r = xi.to_vec();
        r[treatment] = v;
        r
    };
    let (mut r1, mut r0) = (0.0, 0.0);
    let mut g = vec![0.0; p];
    let mut individual = Vec::with_capacity(over.len());
    for &i in over {
        let (x1, x0) = (set(&x[i], 1.0), set(&x[i], 0.0));
        let (p1, p0) = (expit(dot(&x1, &m.coef)), expit(dot(&x0, &m.coef)));
        r1 += p1;
        r0 += p0;
        individual.push(p1 - p0);
        for a in 0..p {
            g[a] += (p1 * (1.0 - p1) * x1[a] - p0 * (1.0 - p0) * x0[a]) / n;
        }
    }
    let (risk1, risk0) = (r1 / n, r0 / n);
    let difference = risk1 - risk0;
    // Over the whole sample: IFᵢ = (p1ᵢ − p0ᵢ − rd) + gᵀ A⁻¹ xᵢ (yᵢ − μᵢ), A⁻¹ = n · vcov.
    let se_if = (over.len() == x.len()).then(|| {
        let a_inv_g = super::linalg::mat_vec(&m.vcov, &g);
        let sum: f64 = over
            .iter()
            .zip(&individual)
            .map(|(&i, d)| {
                let f = d - difference + n * dot(&a_inv_g, &x[i]) * (y[i] - m.fitted[i]);
                f * f
            })
            .sum();
        sum.sqrt() / n
    });
    Standardised {
        risk1,
        risk0,
        difference,
        se_model: quadratic(&g, &m.vcov).sqrt(),
        se_hc0: quadratic(&g, &m.vcov_hc0).sqrt(),
        se_if,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::Value;

    /// The committed real-world cohort (`tests/reference/make_rwe_data.R`): (group, age, ecog,
    /// t4, pci, site, time, status, response) per patient.
    pub(crate) struct Patient {
        pub group: f64,
        pub covariates: [f64; 4],
        pub site: String,
        pub time: f64,
        pub status: f64,
        pub response: f64,
    }

    pub(crate) fn cohort() -> Vec<Patient> {
        let text = include_str!("../../tests/reference/data/rwe_cohort.csv");
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                let n = |i: usize| f[i].parse::<f64>().unwrap();
                Patient {
                    group: n(1),
                    covariates: [n(2), n(3), n(4), n(5)],
                    site: f[6].to_string(),
                    time: n(7),
                    status: n(8),
                    response: n(9),
                }
            })
            .collect()
    }

    pub(crate) fn refs() -> Value {
        serde_json::from_str(include_str!("../../tests/reference/rwe_refs.json")).unwrap()
    }

    fn close(what: &str, got: f64, want: f64, rel: f64) {
        assert!((got - want).abs() <= rel * want.abs().max(1e-3), "{what}: {got} against R {want}");
    }

    /// The propensity score against R's `glm(group ~ age + ecog + t4 + pci, binomial)`:
    /// coefficients and fitted values to 1e-8, the log-likelihood to 1e-10, standard errors to
    /// 1e-6 (R's come from its last iteration's weights, 1e-7 from the solution's).
    #[test]
    fn propensity_score_agrees_with_glm() {
        let (d, r) = (cohort(), refs());
        let x: Vec<Vec<f64>> = d.iter().map(|p| [&[1.0][..], &p.covariates[..]].concat()).collect();
        let y: Vec<f64> = d.iter().map(|p| p.group).collect();
        let m = fit(&x, &y).unwrap();
        let names = ["(Intercept)", "age", "ecog", "t4", "pci"];
        for (j, name) in names.iter().enumerate() {
            close(&format!("coef {name}"), m.coef[j], r["propensity"]["coef"][name].as_f64().unwrap(), 1e-8);
            close(&format!("se {name}"), m.vcov[j][j].sqrt(), r["propensity"]["se"][name].as_f64().unwrap(), 1e-6);
        }
        for (i, want) in r["propensity"]["ps_first10"].as_array().unwrap().iter().enumerate() {
            close("fitted", m.fitted[i], want.as_f64().unwrap(), 1e-8);
        }
        close("loglik", m.loglik, r["propensity"]["loglik"].as_f64().unwrap(), 1e-10);
    }

    /// The outcome model with the group and the covariates, and the risk difference by
    /// standardisation: against R's `glm`, the delta method with `vcov` and with
    /// `sandwich::vcovHC(type = "HC0")`, and the influence-function SE (`make_rwe_refs.R`,
    /// `logistic_gcomp`): estimates to 1e-8, standard errors to 1e-6.
    #[test]
    fn g_computation_agrees_with_r() {
        let (d, r) = (cohort(), refs());
        let x: Vec<Vec<f64>> = d.iter().map(|p| [&[1.0, p.group][..], &p.covariates[..]].concat()).collect();
        let y: Vec<f64> = d.iter().map(|p| p.response).collect();
        let m = fit(&x, &y).unwrap();
        let g = &r["logistic_gcomp"];
        for (j, name) in ["(Intercept)", "group", "age", "ecog", "t4", "pci"].iter().enumerate() {
            close(&format!("coef {name}"), m.coef[j], g["coef"][name].as_f64().unwrap(), 1e-8);
            close(&format!("se {name}"), m.vcov[j][j].sqrt(), g["se"][name].as_f64().unwrap(), 1e-6);
            close(&format!("hc0 {name}"), m.vcov_hc0[j][j].sqrt(), g["se_hc0"][name].as_f64().unwrap(), 1e-6);
        }
        let all: Vec<usize> = (0..d.len()).collect();
        let ate = standardise(&m, &x, &y, 1, &all);
        let a = &g["ate"];
        close("risk1", ate.risk1, a["risk1"].as_f64().unwrap(), 1e-8);
        close("risk0", ate.risk0, a["risk0"].as_f64().unwrap(), 1e-8);
        close("rd", ate.difference, a["rd"].as_f64().unwrap(), 1e-8);
        close("se model", ate.se_model, a["se_delta_model"].as_f64().unwrap(), 1e-6);
        close("se hc0", ate.se_hc0, a["se_delta_hc0"].as_f64().unwrap(), 1e-6);
        close("se if", ate.se_if.unwrap(), a["se_if"].as_f64().unwrap(), 1e-6);
        let treated: Vec<usize> = (0..d.len()).filter(|&i| d[i].group == 1.0).collect();
        let att = standardise(&m, &x, &y, 1, &treated);
        let a = &g["att"];
        close("att rd", att.difference, a["rd"].as_f64().unwrap(), 1e-8);
        close("att se model", att.se_model, a["se_delta_model"].as_f64().unwrap(), 1e-6);
        close("att se hc0", att.se_hc0, a["se_delta_hc0"].as_f64().unwrap(), 1e-6);
        assert!(att.se_if.is_none());
    }

    /// Complete separation has no estimate: refused, not a huge coefficient.
    #[test]
    fn separation_is_refused() {
        let x: Vec<Vec<f64>> = (0..20).map(|i| vec![1.0, i as f64]).collect();
        let y: Vec<f64> = (0..20).map(|i| if i < 10 { 0.0 } else { 1.0 }).collect();
        assert!(fit(&x, &y).is_none());
    }
}
