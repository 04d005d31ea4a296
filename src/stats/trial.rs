//! The full set of analyses of one two-arm trial's time-to-event data (`peritrial analyze`):
//! log-rank (plain, stratified, Harrington–Fleming ρ = 1), MaxCombo, Cox (Efron and Breslow), and by arm
//! Kaplan–Meier at milestones, the median and the restricted mean survival time. With
//! competing events (status 2) these are cause-specific (competing events censor), and the
//! competing-risks analyses are added: each arm's Aalen–Johansen cumulative incidence with
//! its variance at the milestones and Gray's test (unstratified, and stratified with strata).
//! Binary responses have their own analysis ([`responses`]).

use super::binary::{self, BinomTest, ChiSquare, Fisher, TwoByTwo};
use super::cif::{self, Gray};
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
    /// Cox (Efron) stratified by stratum, with more than one.
    pub cox_stratified: Option<Cox>,
    pub arms: [ArmSummary; 2],
    /// Present when the data have competing events.
    pub competing: Option<Competing>,
}

/// The competing-risks analyses of the event of interest.
#[derive(Debug, Clone, PartialEq)]
pub struct Competing {
    /// Competing events by arm.
    pub competing_events: [u32; 2],
    /// Per arm and milestone: the Aalen–Johansen cumulative incidence and its variance
    /// (`cmprsk::cuminc`'s); None beyond the arm's last observed time.
    pub incidence: [Vec<Option<(f64, f64)>>; 2],
    /// Gray's test (ρ = 0); None where it has no variance.
    pub gray: Option<Gray>,
    /// Gray's test within strata, summed (with more than one stratum).
    pub gray_stratified: Option<Option<Gray>>,
}

/// Analyses a trial. `obs` need not be sorted.
pub fn analyze(obs: &[Obs], milestones: &[f64], tau: f64) -> TrialAnalysis {
    let mut pooled: Vec<Obs> = obs.iter().map(|o| Obs { stratum: 0, ..*o }).collect();
    sort_by_stratum_time(&mut pooled);
    let table = RiskTable::build(&pooled, true);
    // The table by stratum, built once for the stratified tests.
    let by_stratum = {
        let mut s = obs.to_vec();
        sort_by_stratum_time(&mut s);
        RiskTable::build(&s, false)
    };
    let several = by_stratum.strata.len() > 1;
    // Each arm's last observed time: its curves end there.
    let last = [0usize, 1]
        .map(|a| pooled.iter().filter(|o| o.arm as usize == a).map(|o| o.time).fold(f64::NEG_INFINITY, f64::max));
    let arm = |a: usize| {
        let curve = KmCurve::from_rows(&table.rows, Some(a), last[a]);
        ArmSummary {
            n: table.n[a],
            events: table.events[a],
            median: curve.median(),
            km: milestones.iter().map(|&m| curve.at(m)).collect(),
            // An arm without patients has no curve, hence no restricted mean.
            rmst: if table.n[a] > 0 { curve.rmst(tau) } else { Rmst { tau, estimate: f64::NAN, std_err: f64::NAN } },
        }
    };
    let competing = obs.iter().any(|o| o.status == 2).then(|| {
        let incidence = |a: usize| -> Vec<Option<(f64, f64)>> {
            milestones
                .iter()
                .map(|&m| cif::cumulative_incidence_with_variance(&table.rows, Some(a), m, last[a]))
                .collect()
        };
        let count = |a: u8| obs.iter().filter(|o| o.arm == a && o.status == 2).count() as u32;
        Competing {
            competing_events: [count(0), count(1)],
            incidence: [incidence(0), incidence(1)],
            gray: cif::gray_test(&table, 0.0),
            gray_stratified: several.then(|| cif::gray_test(&by_stratum, 0.0)),
        }
    });
    TrialAnalysis {
        n: obs.len(),
        events: table.events[0] + table.events[1],
        logrank: logrank::test(&table, Weights::LOGRANK),
        logrank_stratified: several.then(|| logrank::test(&by_stratum, Weights::LOGRANK)),
        cox_stratified: several.then(|| cox::fit(&by_stratum, Ties::Efron)),
        fh_rho1: logrank::test(&table, Weights { rho: 1.0, gamma: 0.0 }),
        maxcombo: maxcombo::test(&table),
        cox_efron: cox::fit(&table, Ties::Efron),
        cox_breslow: cox::fit(&table, Ties::Breslow),
        arms: [arm(0), arm(1)],
        competing,
    }
}

/// A trial's data as they stood at one calendar month (a look of a group-sequential design).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtMonth {
    pub month: f64,
    /// Patients enrolled by then.
    pub patients: usize,
    /// Events of interest seen by then.
    pub events: u32,
    /// The log-rank z (stratified with several strata; positive: treatment better).
    pub z: f64,
}

/// The trial's data (`obs` at its analysis, `entries` the calendar month each patient
/// entered) as they stood at each calendar month of `months`: the patients enrolled by then,
/// each followed to min(time, month − entry), an event counted only if it happened by then.
/// A month after a patient's own follow-up ends adds nothing for that patient, so each month
/// must be at most the data's cut (the caller checks).
pub fn at_months(obs: &[Obs], entries: &[f64], months: &[f64]) -> Vec<AtMonth> {
    months
        .iter()
        .map(|&month| {
            let mut seen: Vec<Obs> = obs
                .iter()
                .zip(entries)
                .filter(|(_, e)| **e <= month)
                .map(|(o, &e)| {
                    let open = month - e;
                    if o.time <= open { *o } else { Obs { time: open, status: 0, ..*o } }
                })
                .collect();
            sort_by_stratum_time(&mut seen);
            let table = RiskTable::build(&seen, false);
            let events = seen.iter().filter(|o| o.status == 1).count() as u32;
            AtMonth { month, patients: seen.len(), events, z: logrank::test(&table, Weights::LOGRANK).z }
        })
        .collect()
}

/// One arm's responses.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseArm {
    pub n: u64,
    pub responders: u64,
    /// Clopper–Pearson and Wilson 95% intervals (None without patients).
    pub clopper_pearson: Option<(f64, f64)>,
    pub wilson: Option<(f64, f64)>,
    /// The exact binomial test against the null rate, where one is given.
    pub binom: Option<BinomTest>,
}

/// The analyses of a binary response: per arm the rate with its intervals and the exact test
/// against a null rate; between arms (where both have patients) Fisher's exact test and the
/// chi-square test without and with continuity correction.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseAnalysis {
    /// [control, treatment].
    pub arms: [ResponseArm; 2],
    pub fisher: Option<Fisher>,
    pub chi_square: Option<ChiSquare>,
    pub chi_square_corrected: Option<ChiSquare>,
}

pub fn responses(data: &[(u8, bool)], null_rate: Option<f64>) -> ResponseAnalysis {
    let arm = |a: u8| {
        let n = data.iter().filter(|r| r.0 == a).count() as u64;
        let x = data.iter().filter(|r| r.0 == a && r.1).count() as u64;
        ResponseArm {
            n,
            responders: x,
            clopper_pearson: (n > 0).then(|| binary::clopper_pearson(x, n, 0.95)),
            wilson: (n > 0).then(|| binary::wilson(x, n, 0.95)),
            binom: null_rate.filter(|_| n > 0).map(|p0| binary::binom_test(x, n, p0)),
        }
    };
    let arms = [arm(0), arm(1)];
    let t = TwoByTwo {
        x_treatment: arms[1].responders,
        n_treatment: arms[1].n,
        x_control: arms[0].responders,
        n_control: arms[0].n,
    };
    let both = arms[0].n > 0 && arms[1].n > 0;
    // The chi-square test has no statistic when every patient (or none) responded.
    let varied = both && t.x_treatment + t.x_control > 0 && t.x_treatment + t.x_control < t.n_treatment + t.n_control;
    ResponseAnalysis {
        fisher: both.then(|| binary::fisher(t)),
        chi_square: varied.then(|| binary::chi_square(t)),
        chi_square_corrected: varied.then(|| binary::chi_square_corrected(t)),
        arms,
    }
}
