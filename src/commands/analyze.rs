//! `analyze`: the planned analyses on a trial's data (CSV), the same functions the engine runs
//! on every virtual trial.

use crate::cli::{AnalyzeArgs, CliError};
use crate::report;

pub fn analyze(args: AnalyzeArgs) -> Result<(), CliError> {
    let AnalyzeArgs {
        data,
        milestones,
        tau,
        time,
        status,
        arm,
        strata,
        treatment,
        control,
        event_cause,
        response,
        null_rate,
        null_difference,
        trial,
        by,
        format,
        entry,
        looks,
        spending,
        alpha,
        planned_events,
        assessed_after,
        covariates,
        weighting,
        truncate,
        prior,
        final_patients,
        success_probability,
    } = args;
    if !(success_probability > 0.0 && success_probability < 1.0) {
        return Err(CliError::Usage(format!(
            "--success-probability: {success_probability} is not a probability in (0, 1)"
        )));
    }
    let prior = prior.as_deref().map(parse_prior).transpose()?;
    if let Some(q) = truncate.filter(|q| !(*q > 0.0 && *q < 0.5)) {
        return Err(CliError::Usage(format!("--truncate: {q} is not a quantile in (0, 0.5)")));
    }
    let estimand = match weighting {
        crate::cli::Weighting::Ate => crate::stats::weighting::Estimand::Ate,
        crate::cli::Weighting::Att => crate::stats::weighting::Estimand::Att,
        crate::cli::Weighting::Overlap => crate::stats::weighting::Estimand::Overlap,
    };
    let columns = crate::data::Columns {
        time,
        status,
        arm,
        strata,
        response,
        treatment,
        control,
        event_cause,
        only: trial.map(|k| ("trial".to_string(), k)),
        by,
        entry,
        covariates,
    };
    let sequential = if looks.is_empty() {
        None
    } else {
        Some(sequential_plan(&looks, &spending, alpha, planned_events, columns.response.is_some(), assessed_after)?)
    };
    let (data, columns, milestones) = (&data, &columns, &milestones[..]);
    if let Some(m) = milestones.iter().find(|m| !(m.is_finite() && **m > 0.0)) {
        return Err(CliError::Usage(format!("--milestones: {m} is not a positive number of months")));
    }
    if !(tau.is_finite() && tau > 0.0) {
        return Err(CliError::Usage(format!("--tau: {tau} is not a positive number of months")));
    }
    if let Some(p) = null_rate.filter(|p| !(*p > 0.0 && *p < 1.0)) {
        return Err(CliError::Usage(format!("--null-rate: {p} is not a rate strictly between 0 and 1")));
    }
    if let Some(d) = null_difference.filter(|d| !(*d > -1.0 && *d <= 0.0)) {
        return Err(CliError::Usage(format!(
            "--null-difference: {d} is not a non-inferiority margin on the rate difference in (-1, 0]"
        )));
    }
    if columns.event_cause == 0 {
        return Err(CliError::Usage("--event-cause: 0 is the code of censoring; expected 1, 2, …".into()));
    }
    let groups = crate::data::read(data, columns).map_err(|e| CliError::BadFile(e.0))?;
    let one = |d: &crate::data::Dataset| -> Result<serde_json::Value, CliError> {
        if columns.response.is_some() {
            let r = crate::stats::trial::responses(&d.responses, null_rate);
            let mut v = report::analyze::response_value(&r, d, null_rate, null_difference);
            if let Some(plan) = &sequential {
                v["group_sequential"] = response_looks_value(plan, d, null_rate, null_difference)?;
            }
            if let Some(prior) = &prior {
                let rule = (null_rate, null_difference, final_patients, success_probability);
                v["bayesian"] = response_bayes(prior, &r, rule)?;
            }
            if !columns.covariates.is_empty() {
                let a = crate::stats::rwe::responses(&d.responses, &d.covariates, estimand, truncate)
                    .map_err(|e| CliError::BadFile(format!("{}: --covariates: {e}", data.display())))?;
                v["adjusted"] = report::analyze::adjusted_response_value(&a, &columns.covariates);
            }
            Ok(v)
        } else {
            let result = crate::stats::trial::analyze(&d.obs, milestones, tau);
            let mut v = report::analyze::value(&result, d, milestones, tau);
            if let Some(plan) = &sequential {
                v["group_sequential"] = looks_value(plan, d)?;
            }
            match &prior {
                None => {}
                Some(Prior::LogHazardRatio { mean, sd }) => {
                    let cox = result.cox_stratified.unwrap_or(result.cox_efron);
                    v["bayesian"] = report::analyze::bayesian_hazard_ratio_value(&cox, *mean, *sd);
                }
                Some(Prior::Rate(_)) => {
                    return Err(CliError::Usage(
                        "--prior on a rate (beta, mixture, power) needs --response; for time to event give normal:M,S on the log hazard ratio".into(),
                    ));
                }
            }
            if !columns.covariates.is_empty() {
                let a = crate::stats::rwe::survival(&d.obs, &d.covariates, estimand, truncate)
                    .map_err(|e| CliError::BadFile(format!("{}: --covariates: {e}", data.display())))?;
                v["adjusted"] = report::analyze::adjusted_survival_value(&a, &columns.covariates, milestones);
            }
            Ok(v)
        }
    };
    let values: Vec<(Option<&str>, serde_json::Value)> = match &columns.by {
        None => vec![(None, one(&groups[0].1)?)],
        Some(_) => {
            groups.iter().map(|(label, d)| Ok((Some(label.as_str()), one(d)?))).collect::<Result<_, CliError>>()?
        }
    };
    let by = columns.by.as_deref();
    let text = match format {
        crate::cli::Format::Table => report::analyze::table(by, &values),
        crate::cli::Format::Json => report::analyze::json_text(by, &values),
        crate::cli::Format::Csv => report::analyze::csv(by, &values),
    };
    Ok(report::emit(&text, None, false)?)
}

/// A DMC's group-sequential analysis: the looks' months, the spending function, level and
/// planned events.
struct Sequential {
    months: Vec<f64>,
    spending: crate::stats::spending::Spending,
    alpha: f64,
    planned_events: Option<f64>,
    /// A response's: the months from entry to its assessment.
    assessed_after: Option<f64>,
}

fn sequential_plan(
    months: &[f64],
    spending: &str,
    alpha: f64,
    planned_events: Option<f64>,
    response: bool,
    assessed_after: Option<f64>,
) -> Result<Sequential, CliError> {
    use crate::stats::spending::Spending;
    match (response, assessed_after) {
        (true, None) => {
            return Err(CliError::Usage("--looks with --response: give --assessed-after MONTHS, the months from entry to the response assessment (a look counts the patients assessed by its month)".into()));
        }
        (true, Some(a)) if !(a.is_finite() && a >= 0.0) => {
            return Err(CliError::Usage(format!("--assessed-after: {a} is not a number of months at or above 0")));
        }
        (true, Some(_)) | (false, _) => {}
    }
    if months.len() > 16 {
        return Err(CliError::Usage(format!("--looks: {} looks; at most 16", months.len())));
    }
    if let Some(m) = months.iter().find(|m| !(m.is_finite() && **m > 0.0)) {
        return Err(CliError::Usage(format!("--looks: {m} is not a positive calendar month")));
    }
    if months.windows(2).any(|w| w[1] <= w[0]) {
        return Err(CliError::Usage("--looks: the months must increase".into()));
    }
    let spending = match spending.split_once(':') {
        Some(("hwang_shih_decani", g)) => match g.parse::<f64>() {
            Ok(g) if g.is_finite() && (-40.0..=40.0).contains(&g) => Spending::HwangShihDeCani(g),
            _ => return Err(CliError::Usage(format!("--spending: {g:?} is not a gamma in [-40, 40]"))),
        },
        _ => Spending::named(spending).ok_or_else(|| {
            CliError::Usage(format!(
                "--spending: {spending:?}; expected obrien_fleming, pocock or hwang_shih_decani:GAMMA"
            ))
        })?,
    };
    if !(alpha > 1e-6 && alpha < 0.5) {
        return Err(CliError::Usage(format!("--alpha: {alpha} is not a one-sided level in (1e-6, 0.5)")));
    }
    if let Some(p) = planned_events.filter(|p| !(p.is_finite() && *p >= 1.0)) {
        return Err(CliError::Usage(format!("--planned-events: {p} is not a positive number of events")));
    }
    Ok(Sequential { months: months.to_vec(), spending, alpha, planned_events, assessed_after })
}

/// The group-sequential analysis of one data set's responses: at each look the patients whose
/// assessment fell due by its month (entry + `--assessed-after`) and their responders per arm;
/// a single arm (no control patients) on the exact binomial against `--null-rate`, two arms by
/// the uncorrected chi-square z or Farrington–Manning's against `--null-difference`.
fn response_looks_value(
    plan: &Sequential,
    d: &crate::data::Dataset,
    null_rate: Option<f64>,
    null_difference: Option<f64>,
) -> Result<serde_json::Value, CliError> {
    use crate::stats::binary::TwoByTwo;
    let delay = plan.assessed_after.expect("checked with --response");
    let counts: Vec<TwoByTwo> = plan
        .months
        .iter()
        .map(|&m| {
            let due = || d.responses.iter().zip(&d.entries).filter(move |(_, e)| **e + delay <= m + 1e-9);
            let n = |a: u8| due().filter(|((arm, _), _)| *arm == a).count() as u64;
            let x = |a: u8| due().filter(|((arm, r), _)| *arm == a && *r).count() as u64;
            TwoByTwo { x_treatment: x(1), n_treatment: n(1), x_control: x(0), n_control: n(0) }
        })
        .collect();
    let single = d.responses.iter().all(|(arm, _)| *arm == 1);
    let null_rate = match (single, null_rate) {
        (true, Some(p)) => Some(p),
        (true, None) => {
            return Err(CliError::Usage("--looks with a single arm's responses: give --null-rate, the rate its exact binomial boundaries test against".into()));
        }
        (false, _) => None,
    };
    Ok(report::analyze::response_looks_value(
        &plan.months,
        &counts,
        null_rate,
        null_difference.unwrap_or(0.0),
        plan.spending,
        plan.alpha,
        plan.planned_events,
    ))
}

/// The group-sequential analysis of one data set, as JSON (with a text where the data give a
/// look no information); a look after the data's last observation is refused.
fn looks_value(plan: &Sequential, d: &crate::data::Dataset) -> Result<serde_json::Value, CliError> {
    let cut = d.obs.iter().zip(&d.entries).map(|(o, e)| o.time + e).fold(0.0, f64::max);
    if let Some(m) = plan.months.iter().find(|&&m| m > cut + 1e-9) {
        return Err(CliError::Usage(format!(
            "--looks: the look at month {m} is after the data's last observation (month {cut}): a look must be at or before the data's cut"
        )));
    }
    let at = crate::stats::trial::at_months(&d.obs, &d.entries, &plan.months);
    Ok(report::analyze::looks_value(&at, &d.obs, &d.entries, plan.spending, plan.alpha, plan.planned_events))
}

/// The Bayesian analysis of responses under `prior`, with a single arm's predictive
/// probability of final success where `--final-patients` asks for it.
fn response_bayes(
    prior: &Prior,
    r: &crate::stats::trial::ResponseAnalysis,
    (null_rate, null_difference, final_patients, success_probability): (Option<f64>, Option<f64>, Option<u64>, f64),
) -> Result<serde_json::Value, CliError> {
    let Prior::Rate(p) = prior else {
        return Err(CliError::Usage(
            "--prior normal:M,S is on a log hazard ratio: for a response give beta:A,B, mixture:… or power:…".into(),
        ));
    };
    let mut v = report::analyze::bayesian_value(r, p, null_rate, null_difference);
    if let (Some(total), Some(p0)) = (final_patients, null_rate) {
        let arm = &r.arms[1];
        if arm.n > total || r.arms[0].n > 0 {
            return Err(CliError::Usage(format!(
                "--final-patients: the predictive probability is a single arm's (no control patients) at an interim with at most {total} patients assessed; the data have {} treated and {} control patients",
                arm.n, r.arms[0].n
            )));
        }
        let (pp, needed) = p.predictive_success(arm.responders, arm.n, total, p0, success_probability);
        v["predictive"] = serde_json::json!({
            "final_patients": total,
            "success_rule": format!("P(rate > {p0} | all {total} patients) > {success_probability}"),
            "fewest_final_responders_for_success": needed,
            "predictive_probability_of_success": pp,
        });
    }
    Ok(v)
}

/// A prior of `--prior`: on a response rate (beta, mixture, power) or on a log hazard ratio
/// (normal).
enum Prior {
    Rate(crate::stats::bayes::BetaMixture),
    LogHazardRatio { mean: f64, sd: f64 },
}

/// `--prior`: `beta:A,B`, `mixture:W,A1,B1,A2,B2`, `power:A0,XH,NH` (from Beta(1, 1)), or
/// `normal:M,S` on the log hazard ratio.
fn parse_prior(spec: &str) -> Result<Prior, CliError> {
    if let Some(rest) = spec.strip_prefix("normal:") {
        let v: Vec<f64> = rest.split(',').filter_map(|x| x.trim().parse::<f64>().ok()).collect();
        return match v.as_slice() {
            &[m, s] if m.is_finite() && s.is_finite() && s > 0.0 => Ok(Prior::LogHazardRatio { mean: m, sd: s }),
            _ => Err(CliError::Usage(format!(
                "--prior {spec:?}: expected normal:M,S, a normal prior on the log hazard ratio with mean M and sd S > 0"
            ))),
        };
    }
    rate_prior(spec).map(Prior::Rate)
}

fn rate_prior(spec: &str) -> Result<crate::stats::bayes::BetaMixture, CliError> {
    crate::stats::bayes::BetaMixture::parse(spec).map_err(|why| {
        CliError::Usage(format!(
            "--prior {spec:?}: {why}; expected beta:A,B, mixture:W,A1,B1,A2,B2 or power:A0,XH,NH (a response), or normal:M,S (a log hazard ratio)"
        ))
    })
}
