//! A comparison adjusted for baseline covariates (a real-world comparison with an external
//! control, or covariate adjustment in a randomised trial), on one data set: the propensity
//! score of the treatment on the covariates, its weights and the balance they reach, and the
//! adjusted estimates — for time to event the conditional hazard ratio (Cox with the
//! covariates) and the marginal one (Cox of the arm weighted, robust variance) with the
//! weighted Kaplan–Meier curves; for responses the odds ratio with covariates, the risk
//! difference by standardisation and by weighting. Each piece is agreed with R in its module.

use super::Obs;
use super::coxreg::{self, CoxData, CoxReg, CoxTies};
use super::km_weighted::{self, WeightedKm};
use super::logistic::{self, Logistic, Standardised};
use super::weighting::{self, Estimand};

/// The propensity score and its weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub propensity: Logistic,
    pub estimand: Estimand,
    /// The quantile the weights were truncated at (and 1 − it), where they were.
    pub truncated: Option<f64>,
    pub weights: Vec<f64>,
    /// Kish's effective sample size, [control, treatment].
    pub ess: [f64; 2],
    /// Per covariate, the standardised difference before and after weighting.
    pub balance: Vec<(f64, f64)>,
}

/// Weights from the propensity score of `treated` on `covariates` (an intercept added).
pub fn weigh(
    covariates: &[Vec<f64>],
    treated: &[bool],
    estimand: Estimand,
    truncate: Option<f64>,
) -> Result<Weighted, String> {
    let x: Vec<Vec<f64>> = covariates.iter().map(|c| [&[1.0][..], c].concat()).collect();
    let y: Vec<f64> = treated.iter().map(|&t| t as u8 as f64).collect();
    let propensity = logistic::fit(&x, &y).ok_or(
        "the propensity model has no estimate: a covariate is constant or collinear with others, or separates the arms completely (no overlap)",
    )?;
    let raw = weighting::weights(estimand, &propensity.fitted, treated);
    let weights = match truncate {
        Some(q) => weighting::truncate(&raw, q, 1.0 - q),
        None => raw,
    };
    let controls: Vec<bool> = treated.iter().map(|t| !t).collect();
    let ones = vec![1.0; treated.len()];
    let k = covariates.first().map_or(0, Vec::len);
    let balance = (0..k)
        .map(|j| {
            let xj: Vec<f64> = covariates.iter().map(|c| c[j]).collect();
            (
                weighting::standardised_difference(&xj, &ones, treated),
                weighting::standardised_difference(&xj, &weights, treated),
            )
        })
        .collect();
    let ess =
        [weighting::effective_sample_size(&weights, &controls), weighting::effective_sample_size(&weights, treated)];
    Ok(Weighted { propensity, estimand, truncated: truncate, weights, ess, balance })
}

/// A time-to-event comparison adjusted for covariates.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustedSurvival {
    pub weighted: Weighted,
    /// The arm and the covariates (Efron, within strata): the arm's conditional hazard ratio.
    pub conditional: Option<CoxReg>,
    /// The arm alone, weighted (Efron, within strata), robust variance: the marginal one.
    pub marginal: Option<CoxReg>,
    /// The weighted Kaplan–Meier curves, [control, treatment].
    pub curves: [WeightedKm; 2],
}

/// `obs` (status 1 the event; other causes censored, cause-specific) with each patient's
/// `covariates`.
pub fn survival(
    obs: &[Obs],
    covariates: &[Vec<f64>],
    estimand: Estimand,
    truncate: Option<f64>,
) -> Result<AdjustedSurvival, String> {
    let treated: Vec<bool> = obs.iter().map(|o| o.arm == 1).collect();
    let weighted = weigh(covariates, &treated, estimand, truncate)?;
    let time: Vec<f64> = obs.iter().map(|o| o.time).collect();
    let event: Vec<bool> = obs.iter().map(|o| o.status == 1).collect();
    let strata: Vec<u32> = obs.iter().map(|o| o.stratum as u32).collect();
    let x: Vec<Vec<f64>> = obs.iter().zip(covariates).map(|(o, c)| [&[o.arm as f64][..], c].concat()).collect();
    let ones = vec![1.0; obs.len()];
    let conditional =
        coxreg::fit(&CoxData { time: &time, event: &event, x: &x, strata: &strata, weights: &ones }, CoxTies::Efron);
    let arm: Vec<Vec<f64>> = obs.iter().map(|o| vec![o.arm as f64]).collect();
    let marginal = coxreg::fit(
        &CoxData { time: &time, event: &event, x: &arm, strata: &strata, weights: &weighted.weights },
        CoxTies::Efron,
    );
    let curve = |g: bool| {
        let pick =
            |v: &[f64]| -> Vec<f64> { v.iter().zip(&treated).filter(|(_, t)| **t == g).map(|(x, _)| *x).collect() };
        let ev: Vec<bool> = event.iter().zip(&treated).filter(|(_, t)| **t == g).map(|(e, _)| *e).collect();
        km_weighted::fit(&pick(&time), &ev, &pick(&weighted.weights))
    };
    Ok(AdjustedSurvival { curves: [curve(false), curve(true)], weighted, conditional, marginal })
}

/// A response comparison adjusted for covariates.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustedResponse {
    pub weighted: Weighted,
    /// The arm and the covariates: the arm's conditional odds ratio (coefficient 1).
    pub model: Option<Logistic>,
    /// The risk difference by standardisation over every patient and over the treated.
    pub ate: Option<Standardised>,
    pub att: Option<Standardised>,
    /// The weighted (Hájek) rates of the treatment and control arms, their difference and its
    /// HC0 standard error.
    pub weighted_difference: (f64, f64, f64, f64),
}

pub fn responses(
    data: &[(u8, bool)],
    covariates: &[Vec<f64>],
    estimand: Estimand,
    truncate: Option<f64>,
) -> Result<AdjustedResponse, String> {
    let treated: Vec<bool> = data.iter().map(|r| r.0 == 1).collect();
    let weighted = weigh(covariates, &treated, estimand, truncate)?;
    let y: Vec<f64> = data.iter().map(|r| r.1 as u8 as f64).collect();
    let x: Vec<Vec<f64>> = data.iter().zip(covariates).map(|(r, c)| [&[1.0, r.0 as f64][..], c].concat()).collect();
    let model = logistic::fit(&x, &y);
    let all: Vec<usize> = (0..data.len()).collect();
    let on_treated: Vec<usize> = (0..data.len()).filter(|&i| treated[i]).collect();
    let ate = model.as_ref().map(|m| logistic::standardise(m, &x, &y, 1, &all));
    let att = model.as_ref().map(|m| logistic::standardise(m, &x, &y, 1, &on_treated));
    let weighted_difference = weighting::weighted_difference(&y, &weighted.weights, &treated);
    Ok(AdjustedResponse { weighted, model, ate, att, weighted_difference })
}
