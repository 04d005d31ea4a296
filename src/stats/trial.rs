//! The full set of analyses of one two-arm trial's time-to-event data (`peritrial analyze`):
//! log-rank (plain, stratified, Harrington–Fleming ρ = 1), MaxCombo, Cox (Efron and Breslow), and by arm
//! Kaplan–Meier at milestones, the median and the restricted mean survival time.

use super::cox::{self, Cox, Ties};
use super::km::{KmCurve, Quantile, Rmst, SurvivalAt};
use super::logrank::{self, Logrank, Weights};
use super::maxcombo::{self, MaxCombo};
use super::{Obs, RiskTable, sort_by_stratum_time};

#[derive(Debug, Clone, PartialEq)]
pub struct ArmSummary {
    pub n: u32,
    pub events: u32,
    pub median: Quantile,
    /// One entry per milestone; `None` beyond the arm's last observed time.
    pub km: Vec<Option<SurvivalAt>>,
    pub rmst: Rmst,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrialAnalysis {
    pub n: usize,
    pub events: u32,
    pub logrank: Logrank,
    /// Present when the data have more than one stratum.
    pub logrank_stratified: Option<Logrank>,
    pub fh_rho1: Logrank,
    pub maxcombo: MaxCombo,
    pub cox_efron: Cox,
    pub cox_breslow: Cox,
    pub arms: [ArmSummary; 2],
}

/// Analyses a trial. `obs` need not be sorted.
pub fn analyze(obs: &[Obs], milestones: &[f64], tau: f64) -> TrialAnalysis {
    let mut pooled: Vec<Obs> = obs.iter().map(|o| Obs { stratum: 0, ..*o }).collect();
    sort_by_stratum_time(&mut pooled);
    let table = RiskTable::build(&pooled, true);
    let stratified = {
        let mut s = obs.to_vec();
        sort_by_stratum_time(&mut s);
        let t = RiskTable::build(&s, false);
        (t.strata.len() > 1).then(|| logrank::test(&t, Weights::LOGRANK))
    };
    let arm = |a: usize| {
        let last = pooled.iter().filter(|o| o.arm as usize == a).map(|o| o.time).fold(f64::NEG_INFINITY, f64::max);
        let curve = KmCurve::from_rows(&table.rows, Some(a), last);
        ArmSummary {
            n: table.n[a],
            events: table.events[a],
            median: curve.median(),
            km: milestones.iter().map(|&m| curve.at(m)).collect(),
            // An arm without patients has no curve, hence no restricted mean.
            rmst: if table.n[a] > 0 { curve.rmst(tau) } else { Rmst { tau, estimate: f64::NAN, std_err: f64::NAN } },
        }
    };
    TrialAnalysis {
        n: obs.len(),
        events: table.events[0] + table.events[1],
        logrank: logrank::test(&table, Weights::LOGRANK),
        logrank_stratified: stratified,
        fh_rho1: logrank::test(&table, Weights { rho: 1.0, gamma: 0.0 }),
        maxcombo: maxcombo::test(&table),
        cox_efron: cox::fit(&table, Ties::Efron),
        cox_breslow: cox::fit(&table, Ties::Breslow),
        arms: [arm(0), arm(1)],
    }
}
