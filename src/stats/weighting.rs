//! Propensity-score weights and what is reported beside them: weights for the average
//! treatment effect (ATE), for the treated (ATT, odds weights) and overlap weights (Li, Morgan
//! & Zaslavsky 2018), truncation at percentiles, Kish's effective sample size, standardised
//! mean differences before and after weighting (cobalt's convention), and the weighted
//! (Hájek) difference of response proportions with its sandwich standard error.

/// The estimand a weighting targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimand {
    /// The whole population's: treated 1/e, controls 1/(1 − e).
    Ate,
    /// The treated's: treated 1, controls e/(1 − e).
    Att,
    /// The overlap population's: treated 1 − e, controls e.
    Overlap,
}

/// Each patient's weight from its propensity score `e` and whether it is treated.
pub fn weights(estimand: Estimand, ps: &[f64], treated: &[bool]) -> Vec<f64> {
    ps.iter()
        .zip(treated)
        .map(|(&e, &t)| match (estimand, t) {
            (Estimand::Ate, true) => 1.0 / e,
            (Estimand::Ate, false) => 1.0 / (1.0 - e),
            (Estimand::Att, true) => 1.0,
            (Estimand::Att, false) => e / (1.0 - e),
            (Estimand::Overlap, true) => 1.0 - e,
            (Estimand::Overlap, false) => e,
        })
        .collect()
}

/// The `q`-quantile of `x` by linear interpolation between order statistics (R's default,
/// type 7).
pub fn quantile(x: &[f64], q: f64) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// The weights clipped to their `lower` and `upper` quantiles over all patients (e.g. 0.01
/// and 0.99).
pub fn truncate(w: &[f64], lower: f64, upper: f64) -> Vec<f64> {
    let (a, b) = (quantile(w, lower), quantile(w, upper));
    w.iter().map(|&x| x.clamp(a, b)).collect()
}

/// Kish's effective sample size (Σw)²/Σw² of the patients `in_group`.
pub fn effective_sample_size(w: &[f64], in_group: &[bool]) -> f64 {
    let (s, s2) = w.iter().zip(in_group).filter(|(_, g)| **g).fold((0.0, 0.0), |(s, s2), (x, _)| (s + x, s2 + x * x));
    s * s / s2
}

/// The standardised mean difference of covariate `x` between the treated and the controls:
/// the weighted means' difference over the pooled standard deviation of the unweighted groups,
/// √((s₁² + s₀²)/2) (sample variances), the same denominator before and after weighting.
pub fn standardised_difference(x: &[f64], w: &[f64], treated: &[bool]) -> f64 {
    let mean = |g: bool, weighted: bool| {
        let (s, n) =
            x.iter().zip(w).zip(treated).filter(|(_, t)| **t == g).fold((0.0, 0.0), |(s, n), ((xi, wi), _)| {
                let wi = if weighted { *wi } else { 1.0 };
                (s + wi * xi, n + wi)
            });
        s / n
    };
    let var = |g: bool| {
        let m = mean(g, false);
        let (ss, n) = x
            .iter()
            .zip(treated)
            .filter(|(_, t)| **t == g)
            .fold((0.0, 0.0), |(ss, n), (xi, _)| (ss + (xi - m) * (xi - m), n + 1.0));
        ss / (n - 1.0)
    };
    (mean(true, true) - mean(false, true)) / ((var(true) + var(false)) / 2.0).sqrt()
}

/// The weighted difference of response proportions (treated − controls), each the Hájek
/// mean Σwy/Σw, and its sandwich standard error with the weights taken as known,
/// √Σ_g Σᵢ wᵢ²(yᵢ − p_g)²/(Σw)² (`sandwich::vcovHC(type = "HC0")` of the weighted
/// identity-link model).
pub fn weighted_difference(y: &[f64], w: &[f64], treated: &[bool]) -> (f64, f64, f64, f64) {
    let group = |g: bool| {
        let (s, n) = y
            .iter()
            .zip(w)
            .zip(treated)
            .filter(|(_, t)| **t == g)
            .fold((0.0, 0.0), |(s, n), ((yi, wi), _)| (s + wi * yi, n + wi));
        let p = s / n;
        let v: f64 = y
            .iter()
            .zip(w)
            .zip(treated)
            .filter(|(_, t)| **t == g)
            .map(|((yi, wi), _)| wi * wi * (yi - p) * (yi - p))
            .sum::<f64>()
            / (n * n);
        (p, v)
    };
    let ((p1, v1), (p0, v0)) = (group(true), group(false));
    (p1, p0, p1 - p0, (v1 + v0).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::logistic::{fit, tests::cohort, tests::refs};

    fn close(what: &str, got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol * want.abs().max(1.0), "{what}: {got} against R {want}");
    }

    /// Against `make_rwe_refs.R` (`weights`, `weighted_response`): the ATE, ATT and overlap
    /// weights from glm's propensity score, the truncated ATE weights (R's type-7 quantiles),
    /// their sums and effective sample sizes by group, the standardised differences before and
    /// after each weighting, and the weighted difference of responses with its HC0 SE, to 1e-8.
    #[test]
    fn weights_balance_and_weighted_responses_agree_with_r() {
        let (d, r) = (cohort(), refs());
        let x: Vec<Vec<f64>> = d.iter().map(|p| [&[1.0][..], &p.covariates[..]].concat()).collect();
        let y: Vec<f64> = d.iter().map(|p| p.group).collect();
        let ps = fit(&x, &y).unwrap().fitted;
        let treated: Vec<bool> = d.iter().map(|p| p.group == 1.0).collect();
        let controls: Vec<bool> = treated.iter().map(|t| !t).collect();
        let names = ["age", "ecog", "t4", "pci"];
        let ones = vec![1.0; d.len()];
        for (j, name) in names.iter().enumerate() {
            let xj: Vec<f64> = d.iter().map(|p| p.covariates[j]).collect();
            let want = r["weights"]["smd_unweighted"][name].as_f64().unwrap();
            close(&format!("smd {name} unweighted"), standardised_difference(&xj, &ones, &treated), want, 1e-8);
        }
        let ate = weights(Estimand::Ate, &ps, &treated);
        let cases = [
            ("ate", ate.clone()),
            ("att", weights(Estimand::Att, &ps, &treated)),
            ("overlap", weights(Estimand::Overlap, &ps, &treated)),
            ("ate_truncated", truncate(&ate, 0.01, 0.99)),
        ];
        for (key, w) in &cases {
            let b = &r["weights"][key];
            for (i, want) in b["first10"].as_array().unwrap().iter().enumerate() {
                close(&format!("{key} weight {i}"), w[i], want.as_f64().unwrap(), 1e-8);
            }
            let sum = |g: &[bool]| w.iter().zip(g).filter(|(_, t)| **t).map(|(x, _)| x).sum::<f64>();
            close(&format!("{key} sum treated"), sum(&treated), b["sum_treated"].as_f64().unwrap(), 1e-8);
            close(&format!("{key} sum control"), sum(&controls), b["sum_control"].as_f64().unwrap(), 1e-8);
            close(
                &format!("{key} ess treated"),
                effective_sample_size(w, &treated),
                b["ess_treated"].as_f64().unwrap(),
                1e-8,
            );
            close(
                &format!("{key} ess control"),
                effective_sample_size(w, &controls),
                b["ess_control"].as_f64().unwrap(),
                1e-8,
            );
            for (j, name) in names.iter().enumerate() {
                let xj: Vec<f64> = d.iter().map(|p| p.covariates[j]).collect();
                let got = standardised_difference(&xj, w, &treated);
                close(&format!("{key} smd {name}"), got, b["smd"][name].as_f64().unwrap(), 1e-8);
            }
        }
        let q = &r["weights"]["ate_truncated"];
        close("q01", quantile(&ate, 0.01), q["q01"].as_f64().unwrap(), 1e-10);
        close("q99", quantile(&ate, 0.99), q["q99"].as_f64().unwrap(), 1e-10);
        let resp: Vec<f64> = d.iter().map(|p| p.response).collect();
        let (p1, p0, diff, se) = weighted_difference(&resp, &ate, &treated);
        let wr = &r["weighted_response"];
        close("p treated", p1, wr["p_treated"].as_f64().unwrap(), 1e-10);
        close("p control", p0, wr["p_control"].as_f64().unwrap(), 1e-10);
        close("rd", diff, wr["rd"].as_f64().unwrap(), 1e-10);
        close("se hc0", se, wr["se_hc0"].as_f64().unwrap(), 1e-8);
    }
}
