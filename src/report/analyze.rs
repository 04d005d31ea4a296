//! JSON for `peritrial analyze`.

use super::key_number;
use crate::data::Dataset;
use crate::stats::cif::Gray;
use crate::stats::cox::Cox;
use crate::stats::logrank::Logrank;
use crate::stats::spending::Spending;
use crate::stats::trial::{ArmSummary, AtMonth, Competing, ResponseAnalysis, ResponseArm, TrialAnalysis};
use serde_json::{Map, Value, json};

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

/// Why a two-sample comparison has no answer on these data, if it has none.
fn not_estimable(t: &TrialAnalysis) -> Option<String> {
    let arm_name = |a: usize| if a == 1 { "treatment (arm 1)" } else { "control (arm 0)" };
    if let Some(a) = (0..2).find(|&a| t.arms[a].n == 0) {
        return Some(format!("the data have no {} patients: a two-sample test needs both arms", arm_name(a)));
    }
    if t.events == 0 {
        return Some("the data have no events (all censored): there is nothing to compare".into());
    }
    if !(t.logrank.variance > 0.0) {
        return Some("no event happens while both arms are at risk: the test's variance is 0".into());
    }
    None
}

fn not_estimable_value(reason: &str) -> Value {
    json!({ "estimable": false, "reason": reason })
}

fn cox(c: &Cox, t: &TrialAnalysis) -> Value {
    if let Some(reason) = not_estimable(t) {
        return not_estimable_value(&reason);
    }
    match c {
        Cox::Estimate { log_hr, se, .. } => {
            let (lo, hi) = c.ci(0.95).expect("estimable");
            json!({ "estimable": true, "log_hr": num(*log_hr), "se": num(*se), "hazard_ratio": num(log_hr.exp()),
                    "ci_lower": num(lo), "ci_upper": num(hi) })
        }
        Cox::NotEstimable => {
            let reason = match (0..2).find(|&a| t.arms[a].events == 0) {
                Some(a) => format!("no finite maximum likelihood estimate: arm {a} has no events"),
                None => "no finite maximum likelihood estimate: the partial likelihood is monotone (the events of one arm all happen while the other arm's patients at risk have none)".into(),
            };
            not_estimable_value(&reason)
        }
    }
}

fn logrank(l: &Logrank, with_z: bool, t: &TrialAnalysis) -> Value {
    if let Some(reason) = not_estimable(t) {
        return not_estimable_value(&reason);
    }
    let mut m = Map::new();
    m.insert("estimable".into(), json!(true));
    m.insert("chisq".into(), num(l.chisq));
    m.insert("p_value".into(), num(l.p_value));
    if with_z {
        m.insert("z".into(), num(l.z));
        m.insert("p_one_sided".into(), num(l.p_one_sided()));
    }
    Value::Object(m)
}

fn arm(a: &ArmSummary, milestones: &[f64], tau: f64) -> Value {
    let km: Vec<Value> = milestones
        .iter()
        .zip(&a.km)
        .map(|(&m, s)| match s {
            Some(s) => json!({ "time": num(m), "survival": num(s.survival), "std_err": num(s.std_err) }),
            None => json!({ "time": num(m), "survival": null, "std_err": null }),
        })
        .collect();
    let mut o = Map::new();
    o.insert("n".into(), json!(a.n));
    o.insert("events".into(), json!(a.events));
    o.insert("median".into(), opt(a.median.estimate));
    o.insert("median_ci".into(), json!([opt(a.median.lower), opt(a.median.upper)]));
    o.insert("km".into(), Value::Array(km));
    o.insert(format!("rmst{}", key_number(tau)), num(a.rmst.estimate));
    o.insert(format!("rmst{}_se", key_number(tau)), num(a.rmst.std_err));
    Value::Object(o)
}

fn gray(g: &Option<Gray>) -> Value {
    match g {
        Some(g) => {
            json!({ "estimable": true, "statistic": num(g.statistic), "p_value": num(g.p_value), "score": num(g.score),
                           "variance": num(g.variance) })
        }
        None => not_estimable_value(
            "the test has no variance: an arm without patients, or no event of interest while both arms are at risk",
        ),
    }
}

fn competing(c: &Competing, d: &Dataset, milestones: &[f64]) -> Value {
    let arm = |a: usize| {
        let at: Vec<Value> = milestones
            .iter()
            .zip(&c.incidence[a])
            .map(|(&m, x)| match x {
                Some((f, v)) => json!({ "time": num(m), "incidence": num(*f), "variance": num(*v), "std_err": num(v.max(0.0).sqrt()) }),
                None => json!({ "time": num(m), "incidence": null, "variance": null, "std_err": null }),
            })
            .collect();
        json!({ "label": d.arm_labels[a], "competing_events": c.competing_events[a], "cumulative_incidence": at })
    };
    let mut o = Map::new();
    o.insert("event_cause".into(), json!(d.event_cause));
    o.insert("competing_causes".into(), json!(d.competing_causes));
    o.insert(
        "note".into(),
        json!("log-rank, Cox, Kaplan-Meier, medians and RMST above are cause-specific: competing events censor; the cumulative incidence (Aalen-Johansen) and Gray's test account for them"),
    );
    o.insert("gray".into(), gray(&c.gray));
    if let Some(s) = &c.gray_stratified {
        o.insert("gray_stratified".into(), gray(s));
    }
    o.insert("arms".into(), json!({ "0": arm(0), "1": arm(1) }));
    Value::Object(o)
}

/// The analyses of a time-to-event data set as a JSON value.
pub fn value(t: &TrialAnalysis, d: &Dataset, milestones: &[f64], tau: f64) -> Value {
    let mut o = Map::new();
    o.insert("n".into(), json!(t.n));
    if d.excluded > 0 {
        o.insert("excluded_without_time".into(), json!(d.excluded));
    }
    if d.excluded_covariates > 0 {
        o.insert("excluded_missing_covariate".into(), json!(d.excluded_covariates));
    }
    o.insert("events".into(), json!(t.events));
    o.insert("logrank".into(), logrank(&t.logrank, true, t));
    if let Some(s) = &t.logrank_stratified {
        o.insert("logrank_stratified".into(), logrank(s, true, t));
    }
    o.insert("fh_rho1".into(), logrank(&t.fh_rho1, true, t));
    o.insert(
        "maxcombo".into(),
        match not_estimable(t) {
            Some(reason) => not_estimable_value(&reason),
            None => json!({ "estimable": true, "components": ["FH(0,0)", "FH(0,1)", "FH(1,0)", "FH(1,1)"], "z": t.maxcombo.z.map(num).to_vec(),
                "z_max": num(t.maxcombo.z_max), "p_one_sided": num(t.maxcombo.p_one_sided) }),
        },
    );
    o.insert("cox_efron".into(), cox(&t.cox_efron, t));
    o.insert("cox_breslow".into(), cox(&t.cox_breslow, t));
    if let Some(c) = &t.cox_stratified {
        o.insert("cox_efron_stratified".into(), cox(c, t));
    }
    let labelled = |a: usize| {
        let mut v = arm(&t.arms[a], milestones, tau);
        v["label"] = json!(d.arm_labels[a]);
        v
    };
    o.insert("arms".into(), json!({ "0": labelled(0), "1": labelled(1) }));
    if d.strata.len() > 1 {
        o.insert("strata".into(), json!(d.strata));
    }
    if let Some(c) = &t.competing {
        o.insert("competing_risks".into(), competing(c, d, milestones));
    }
    Value::Object(o)
}

fn interval(x: Option<(f64, f64)>) -> Value {
    x.map_or(Value::Null, |(a, b)| json!([num(a), num(b)]))
}

fn response_arm(a: &ResponseArm, label: &str) -> Value {
    let mut o = Map::new();
    o.insert("label".into(), json!(label));
    o.insert("n".into(), json!(a.n));
    o.insert("responders".into(), json!(a.responders));
    o.insert("rate".into(), if a.n > 0 { num(a.responders as f64 / a.n as f64) } else { Value::Null });
    o.insert("clopper_pearson".into(), interval(a.clopper_pearson));
    o.insert("wilson".into(), interval(a.wilson));
    if let Some(b) = &a.binom {
        o.insert("binom_test".into(), json!({ "p_two_sided": num(b.p_two_sided), "p_greater": num(b.p_greater) }));
    }
    Value::Object(o)
}

/// The analyses of a binary response as a JSON value.
pub fn response_value(
    r: &ResponseAnalysis,
    d: &Dataset,
    null_rate: Option<f64>,
    null_difference: Option<f64>,
) -> Value {
    let mut o = Map::new();
    o.insert("n".into(), json!(r.arms[0].n + r.arms[1].n));
    o.insert("responders".into(), json!(r.arms[0].responders + r.arms[1].responders));
    if d.excluded > 0 {
        o.insert("excluded_without_response".into(), json!(d.excluded));
    }
    if d.excluded_covariates > 0 {
        o.insert("excluded_missing_covariate".into(), json!(d.excluded_covariates));
    }
    if let Some(p0) = null_rate {
        o.insert("null_rate".into(), num(p0));
    }
    o.insert(
        "arms".into(),
        json!({ "0": response_arm(&r.arms[0], &d.arm_labels[0]), "1": response_arm(&r.arms[1], &d.arm_labels[1]) }),
    );
    let one_arm = "the data have patients in one arm only: a two-sample test needs both";
    let no_variation = "every patient or none responded: the chi-square test has no statistic";
    o.insert(
        "fisher".into(),
        match &r.fisher {
            Some(f) => json!({ "estimable": true, "p_two_sided": num(f.p_two_sided), "p_greater": num(f.p_greater) }),
            None => not_estimable_value(one_arm),
        },
    );
    for (key, c) in [("chi_square", &r.chi_square), ("chi_square_corrected", &r.chi_square_corrected)] {
        let v = match c {
            Some(c) => {
                json!({ "estimable": true, "chisq": num(c.chisq), "p_two_sided": num(c.p_two_sided), "z": num(c.z),
                               "p_greater": num(c.p_greater()) })
            }
            None => not_estimable_value(if r.fisher.is_none() { one_arm } else { no_variation }),
        };
        o.insert(key.into(), v);
    }
    if r.arms[0].n > 0 && r.arms[1].n > 0 {
        let rate = |a: &ResponseArm| a.responders as f64 / a.n as f64;
        o.insert("difference".into(), num(rate(&r.arms[1]) - rate(&r.arms[0])));
    }
    if let Some(delta) = null_difference {
        let v = match r.arms[0].n > 0 && r.arms[1].n > 0 {
            true => {
                let t = crate::stats::binary::TwoByTwo {
                    x_treatment: r.arms[1].responders,
                    n_treatment: r.arms[1].n,
                    x_control: r.arms[0].responders,
                    n_control: r.arms[0].n,
                };
                let rate = |a: &ResponseArm| a.responders as f64 / a.n as f64;
                let (m1, m0) = crate::stats::binary::restricted_rates(
                    rate(&r.arms[1]),
                    rate(&r.arms[0]),
                    delta,
                    r.arms[0].n as f64 / r.arms[1].n as f64,
                );
                let z = crate::stats::binary::farrington_manning(t, delta);
                json!({ "estimable": true, "null_difference": num(delta), "z": num(z),
                        "p_greater": num(crate::stats::normal::upper_tail(z)),
                        "restricted_rates": { "0": num(m0), "1": num(m1) } })
            }
            false => not_estimable_value(one_arm),
        };
        o.insert("farrington_manning".into(), v);
    }
    Value::Object(o)
}

/// Pretty JSON of one result, with a final newline.
pub fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("JSON values serialise");
    s.push('\n');
    s
}

pub fn json(t: &TrialAnalysis, d: &Dataset, milestones: &[f64], tau: f64) -> String {
    pretty(&value(t, d, milestones, tau))
}

/// One analysis per data set: the `--by` column's value (None for a single data set) and the
/// analysis's JSON value. The three renderings below only render these values.
pub type Analyses<'a> = [(Option<&'a str>, Value)];

/// A data set's value with the `--by` column's value first.
fn labelled(by: Option<&str>, label: Option<&str>, v: &Value) -> Value {
    let mut m = Map::new();
    if let (Some(column), Some(label)) = (by, label) {
        m.insert(column.to_string(), Value::String(label.to_string()));
    }
    if let Value::Object(o) = v {
        m.extend(o.clone());
    }
    Value::Object(m)
}

/// JSON: the analysis pretty-printed; with `--by`, one compact object per line.
pub fn json_text(by: Option<&str>, values: &Analyses) -> String {
    match by {
        None => values.iter().map(|(_, v)| pretty(v)).collect(),
        Some(_) => values.iter().map(|(label, v)| labelled(by, *label, v).to_string() + "\n").collect(),
    }
}

/// A DMC's decision at the last look of its analysis.
fn decision(rejected: bool, is_final: bool) -> &'static str {
    if rejected {
        "stop for efficacy"
    } else if is_final {
        "final analysis: not rejected"
    } else {
        "continue"
    }
}

/// What a trial that goes on has instead of a final inference.
fn continuing() -> Value {
    json!({ "not_available": "the trial continues: a final p-value and estimate come when it stops (the repeated intervals hold at every look)" })
}

/// A group-sequential analysis of one trial's data at the looks `at` (the DMC's), as JSON: the
/// looks with their boundaries (z and hazard-ratio scales) and repeated intervals, the
/// decision, and at a stop the stage-wise p-value, the median-unbiased hazard ratio and its
/// 1 − 2α interval. The information of a look is its events × r/(1 + r)², r the ratio of the
/// patients enrolled by then in the two arms.
pub fn looks_value(
    at: &[AtMonth],
    obs: &[crate::stats::Obs],
    entries: &[f64],
    spending: Spending,
    alpha: f64,
    planned_events: Option<f64>,
) -> Value {
    use crate::stats::stopping;
    let ratio = |month: f64| {
        let count = |a: u8| obs.iter().zip(entries).filter(|(o, e)| o.arm == a && **e <= month).count() as f64;
        count(1) / count(0)
    };
    let per_event: Vec<f64> = at.iter().map(|l| ratio(l.month)).map(|r| r / ((1.0 + r) * (1.0 + r))).collect();
    // A look without events or without patients in an arm has no information (and no test).
    let info: Vec<f64> = at
        .iter()
        .zip(&per_event)
        .map(|(l, w)| l.events as f64 * w)
        .map(|i| if i.is_finite() { i } else { 0.0 })
        .collect();
    if !info.last().is_some_and(|&i| i > 0.0) {
        return json!({ "not_available": "the last look has no events or an arm without patients: it has no information" });
    }
    let last = at.last().map_or(0.0, |l| l.events as f64);
    let planned = planned_events.unwrap_or(last).max(last);
    let is_final = last >= planned;
    let z: Vec<f64> = at.iter().map(|l| l.z).collect();
    let planned_info = planned * per_event.last().copied().unwrap_or(0.25);
    let m = stopping::monitor(&z, &info, planned_info, spending, alpha, is_final);
    let hr = |theta: f64| (-theta).exp();
    let looks: Vec<Value> = at
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let c = m.boundaries[k];
            let rci = m.repeated.get(k).filter(|_| c.is_finite());
            json!({
                "look": k + 1,
                "month": num(l.month),
                "patients": l.patients,
                "events": l.events,
                "z": num(l.z),
                "boundary_z": opt(c.is_finite().then_some(c)),
                "boundary_hazard_ratio": opt(c.is_finite().then(|| hr(c / info[k].sqrt()))),
                "repeated_interval": rci.map_or(Value::Null, |&(lo, hi)| json!([num(hr(hi)), num(hr(lo))])),
            })
        })
        .collect();
    let decision = decision(m.rejected, is_final);
    let mut v = json!({
        "spending": spending.name(),
        "alpha": num(alpha),
        "planned_events": num(planned),
        "looks": looks,
        "decision": decision,
        "stop_look": m.stop + 1,
    });
    match m.inference.filter(|_| m.rejected || is_final) {
        Some(i) => {
            v["at_stopping"] = json!({
                "method": "stage-wise ordering (Jennison & Turnbull 2000 §8.4; rpact getFinalPValue, getFinalConfidenceInterval)",
                "p_stagewise": num(i.p),
                "median_unbiased_hazard_ratio": num(hr(i.median_unbiased)),
                "confidence": num(1.0 - 2.0 * alpha),
                "lower": num(hr(i.upper)),
                "upper": num(hr(i.lower)),
            });
        }
        None => {
            v["at_stopping"] = continuing();
        }
    }
    v
}

/// The leaves of a JSON value as (dotted path, text): array elements by their index, numbers
/// as JSON writes them, null as empty.
fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let key = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| leaves(&key(k), x, out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| leaves(&key(&i.to_string()), x, out)),
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Bool(_) | Value::Number(_) => out.push((prefix.to_string(), v.to_string())),
    }
}

/// CSV: one row per data set, the columns the JSON's keys flattened with dots (`logrank.z`,
/// `arms.0.km.1.survival`) in the order they first appear; a data set without a key leaves
/// its cell empty.
pub fn csv(by: Option<&str>, values: &Analyses) -> String {
    let rows: Vec<Vec<(String, String)>> = values
        .iter()
        .map(|(label, v)| {
            let mut out = Vec::new();
            leaves("", &labelled(by, *label, v), &mut out);
            out
        })
        .collect();
    let mut header: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (k, _) in rows.iter().flatten() {
        if seen.insert(k.clone()) {
            header.push(k.clone());
        }
    }
    let body = rows.iter().map(|r| {
        let cells: std::collections::HashMap<&str, &str> = r.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        header.iter().map(|h| cells.get(h.as_str()).map_or(String::new(), |c| c.to_string())).collect::<Vec<_>>()
    });
    super::csv_text(std::iter::once(header.clone()).chain(body))
}

/// A number for people: six significant digits, in scientific notation below 1e-4 (a p-value
/// of 3e-12 is not 0.000000).
fn six_digits(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() < 1e-4 {
        return format!("{x:.3e}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (5 - magnitude).clamp(0, 10) as usize;
    format!("{x:.decimals$}")
}

/// A DMC's group-sequential analysis of responses (`stats::stopping_rates::monitor`) as JSON:
/// each look's month, patients assessed and responders, z, boundary and repeated interval of
/// the difference (or a single arm's rate); the decision; and where the trial stops, the
/// stage-wise p-value, the median-unbiased estimate and its 1 − 2α interval.
pub fn response_looks_value(
    months: &[f64],
    counts: &[crate::stats::binary::TwoByTwo],
    null_rate: Option<f64>,
    margin: f64,
    spending: Spending,
    alpha: f64,
    planned: Option<f64>,
) -> Value {
    use crate::stats::stopping_rates::monitor;
    let info = |t: &crate::stats::binary::TwoByTwo| match null_rate {
        Some(_) => t.n_treatment as f64,
        None => (t.n_treatment + t.n_control) as f64,
    };
    let last = counts.last().map_or(0.0, info);
    if last == 0.0 || (null_rate.is_none() && counts.last().is_some_and(|t| t.n_treatment == 0 || t.n_control == 0)) {
        return json!({ "not_available": "the last look has no patients assessed in an arm: it has no information" });
    }
    let planned = planned.unwrap_or(last).max(last);
    let is_final = last >= planned;
    let m = monitor(counts, null_rate, margin, planned, spending, alpha, is_final);
    let estimand = if null_rate.is_some() { "response rate" } else { "rate difference" };
    let looks: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let c = m.boundaries[k];
            let mut l = json!({
                "look": k + 1,
                "month": num(months[k]),
                "assessed": t.n_treatment + t.n_control,
                "responders_treatment": t.x_treatment,
                "z": num(m.z[k]),
                "boundary_z": opt(c.is_finite().then_some(c)),
                "repeated_interval": m.repeated.get(k).copied().flatten().map_or(Value::Null, |(lo, hi)| json!([num(lo), num(hi)])),
            });
            if null_rate.is_none() {
                l["responders_control"] = json!(t.x_control);
            }
            l
        })
        .collect();
    let decision = decision(m.rejected, is_final);
    let mut v = json!({
        "spending": spending.name(),
        "alpha": num(alpha),
        "estimand": estimand,
        "planned_patients": num(planned),
        "looks": looks,
        "decision": decision,
        "stop_look": m.stop + 1,
    });
    v["at_stopping"] = match m.inference.filter(|_| m.rejected || is_final) {
        Some(i) => json!({
            "method": if null_rate.is_some() { "exact stage-wise ordering on the binomial (Jennison & Turnbull 1983; median-unbiased as Hirji, Tsiatis & Mehta 1989)" } else { "stage-wise ordering of the looks' z, carried to the difference by the unpooled standard error (rpact getAnalysisResults on rates)" },
            "p_stagewise": num(i.p),
            "median_unbiased": num(i.median_unbiased),
            "confidence": num(1.0 - 2.0 * alpha),
            "lower": num(i.lower),
            "upper": num(i.upper),
        }),
        None => continuing(),
    };
    v
}

/// The propensity score, its weights and the balance, as JSON.
fn weighted_value(w: &crate::stats::rwe::Weighted, names: &[String]) -> Value {
    use crate::stats::weighting::Estimand;
    let p = &w.propensity;
    let mut coef = serde_json::Map::new();
    for (j, name) in std::iter::once("(Intercept)").chain(names.iter().map(String::as_str)).enumerate() {
        coef.insert(name.to_string(), json!({ "estimate": num(p.coef[j]), "se": num(p.vcov[j][j].sqrt()) }));
    }
    let balance: serde_json::Map<String, Value> = names
        .iter()
        .zip(&w.balance)
        .map(|(n, (before, after))| (n.clone(), json!({ "before": num(*before), "after": num(*after) })))
        .collect();
    json!({
        "propensity_model": "logistic regression of the treatment arm on the covariates (R glm(binomial))",
        "propensity_coefficients": coef,
        "weighting": match w.estimand { Estimand::Ate => "ate", Estimand::Att => "att", Estimand::Overlap => "overlap" },
        "truncated_at": opt(w.truncated),
        "effective_sample_size": { "control": num(w.ess[0]), "treatment": num(w.ess[1]) },
        "standardised_differences": balance,
        "standardised_difference_definition": "weighted means' difference over the pooled SD of the unweighted arms, sqrt((s1^2 + s0^2)/2)",
    })
}

/// A time-to-event comparison adjusted for covariates, as JSON: the conditional and marginal
/// hazard ratios with their intervals, the weighted curves at the milestones.
pub fn adjusted_survival_value(a: &crate::stats::rwe::AdjustedSurvival, names: &[String], milestones: &[f64]) -> Value {
    let z = crate::stats::normal::quantile(0.975);
    let hr = |c: &crate::stats::coxreg::CoxReg, var: f64| {
        let (b, se) = (c.coef[0], var.sqrt());
        json!({ "hazard_ratio": num(b.exp()), "log_se": num(se), "ci": [num((b - z * se).exp()), num((b + z * se).exp())] })
    };
    let none = |what: &str| json!({ "not_available": format!("the {what} Cox model has no estimate: a covariate constant within the strata or collinear, or a likelihood monotone in a coefficient (no events in an arm)") });
    let conditional = a.conditional.as_ref().map_or_else(|| none("covariate-adjusted"), |c| {
        let mut v = hr(c, c.vcov[0][0]);
        v["method"] = json!("Cox regression of the arm and the covariates (Efron ties, within strata): the conditional hazard ratio (R coxph)");
        let covs: serde_json::Map<String, Value> =
            names.iter().enumerate().map(|(j, n)| (n.clone(), json!({ "hazard_ratio": num(c.coef[j + 1].exp()), "log_se": num(c.vcov[j + 1][j + 1].sqrt()) }))).collect();
        v["covariates"] = Value::Object(covs);
        v
    });
    let marginal = a.marginal.as_ref().map_or_else(|| none("weighted"), |c| {
        let mut v = hr(c, c.vcov_robust[0][0]);
        v["method"] = json!("Cox regression of the arm weighted by the propensity weights, robust (Lin-Wei) variance: the marginal hazard ratio (R coxph(weights, robust = TRUE))");
        v["naive_log_se"] = num(c.vcov[0][0].sqrt());
        v
    });
    let curve = |k: &crate::stats::km_weighted::WeightedKm| {
        let at: Vec<Value> = milestones
            .iter()
            .map(|&t| {
                let (s, se, _) = k.at_time(t);
                json!({ "month": num(t), "survival": num(s), "se": num(se) })
            })
            .collect();
        json!({ "median": opt(k.median()), "milestones": at })
    };
    json!({
        "events": "status 1; other causes censored (cause-specific hazards)",
        "weights": weighted_value(&a.weighted, names),
        "conditional": conditional,
        "marginal": marginal,
        "weighted_curves": {
            "method": "weighted Kaplan-Meier, infinitesimal-jackknife SE (R survfit(weights) default)",
            "control": curve(&a.curves[0]),
            "treatment": curve(&a.curves[1]),
        },
    })
}

/// A response comparison adjusted for covariates, as JSON.
pub fn adjusted_response_value(a: &crate::stats::rwe::AdjustedResponse, names: &[String]) -> Value {
    let z = crate::stats::normal::quantile(0.975);
    let standardised = |s: &Option<crate::stats::logistic::Standardised>| {
        s.as_ref().map_or(Value::Null, |s| {
            json!({
                "risk_treatment": num(s.risk1), "risk_control": num(s.risk0), "difference": num(s.difference),
                "se_delta_hc0": num(s.se_hc0), "se_delta_model": num(s.se_model), "se_influence": opt(s.se_if),
                "ci": [num(s.difference - z * s.se_hc0), num(s.difference + z * s.se_hc0)],
            })
        })
    };
    let model = a.model.as_ref().map_or_else(|| json!({ "not_available": "the logistic model of the response has no estimate: a covariate collinear, or the response separated completely" }), |m| {
        let (b, se) = (m.coef[1], m.vcov_hc0[1][1].sqrt());
        // Each covariate's log odds ratio per unit (coefficients 2…, in the order given).
        let covariates: serde_json::Map<String, Value> = names
            .iter()
            .enumerate()
            .map(|(k, n)| (n.clone(), json!({ "log_odds_ratio": num(m.coef[k + 2]), "se_hc0": num(m.vcov_hc0[k + 2][k + 2].sqrt()) })))
            .collect();
        json!({ "odds_ratio": num(b.exp()), "log_se_hc0": num(se), "log_se_model": num(m.vcov[1][1].sqrt()), "ci": [num((b - z * se).exp()), num((b + z * se).exp())], "covariates": covariates })
    });
    let (p1, p0, d, se) = a.weighted_difference;
    json!({
        "weights": weighted_value(&a.weighted, names),
        "logistic": model,
        "standardised_ate": standardised(&a.ate),
        "standardised_att": standardised(&a.att),
        "standardised_method": "g-computation over the patients (all; the treated), delta-method SE with the HC0 sandwich (FDA 2023 covariate-adjustment guidance; Ge et al. 2011); the interval uses it",
        "weighted": { "rate_treatment": num(p1), "rate_control": num(p0), "difference": num(d), "se_hc0": num(se), "ci": [num(d - z * se), num(d + z * se)], "method": "Hajek weighted rates, sandwich SE with the weights taken as known" },
    })
}

/// The Bayesian analysis of a response data set under `prior` (the same for each arm), as
/// JSON: per arm the posterior (components, weights), mean, 95% credible interval and
/// P(rate > null rate); with two arms P(difference > margin); the prior's ELIR ESS.
pub fn bayesian_value(
    r: &ResponseAnalysis,
    prior: &crate::stats::bayes::BetaMixture,
    null_rate: Option<f64>,
    null_difference: Option<f64>,
) -> Value {
    let posterior = |k: usize| prior.update(r.arms[k].responders, r.arms[k].n);
    let arm = |k: usize| {
        let p = posterior(k);
        let comps: Vec<Value> =
            p.0.iter().map(|&(w, a, b)| json!({ "weight": num(w), "a": num(a), "b": num(b) })).collect();
        let mut v = json!({
            "n": r.arms[k].n,
            "responders": r.arms[k].responders,
            "posterior": comps,
            "mean": num(p.mean()),
            "credible_95": [num(p.quantile(0.025)), num(p.quantile(0.975))],
        });
        if let Some(p0) = null_rate {
            v["prob_above_null_rate"] = num(p.above(p0));
        }
        v
    };
    let prior_comps: Vec<Value> =
        prior.0.iter().map(|&(w, a, b)| json!({ "weight": num(w), "a": num(a), "b": num(b) })).collect();
    let mut v = json!({
        "prior": prior_comps,
        "prior_ess_elir": prior.ess_elir().map(num),
        "method": "conjugate beta (mixture) posteriors, the same prior in each arm; mixture weights by the beta-binomial marginal likelihood; P(difference) by Gauss-Legendre integration (stats::bayes, against base R)",
    });
    let (c, t) = (r.arms[0].n > 0, r.arms[1].n > 0);
    if t {
        v["treatment"] = arm(1);
    }
    if c {
        v["control"] = arm(0);
    }
    if c && t {
        let delta = null_difference.unwrap_or(0.0);
        v["prob_difference_above"] =
            json!({ "margin": num(delta), "probability": num(posterior(1).difference_above(&posterior(0), delta)) });
    }
    v
}

/// The normal–normal update of the log hazard ratio from `cox` (the stratified Cox estimate
/// where the data have strata, else Efron's) under the prior N(mean, sd²), as JSON.
pub fn bayesian_hazard_ratio_value(cox: &crate::stats::cox::Cox, mean: f64, sd: f64) -> Value {
    let crate::stats::cox::Cox::Estimate { log_hr, se, .. } = *cox else {
        return json!({ "not_available": "the Cox estimate does not exist for these data (no events in an arm's comparison)" });
    };
    let (m, s) = crate::stats::bayes::normal_update(mean, sd, log_hr, se);
    let z = crate::stats::normal::quantile(0.975);
    json!({
        "prior": { "log_hazard_ratio_mean": num(mean), "log_hazard_ratio_sd": num(sd), "events_equivalent_1to1": num(4.0 / (sd * sd)) },
        "likelihood": { "log_hazard_ratio": num(log_hr), "se": num(se) },
        "posterior": { "log_hazard_ratio_mean": num(m), "log_hazard_ratio_sd": num(s) },
        "hazard_ratio_median": num(m.exp()),
        "credible_95": [num((m - z * s).exp()), num((m + z * s).exp())],
        "prob_hazard_ratio_below_1": num(crate::stats::normal::cdf(-m / s)),
        "method": "normal prior on the log hazard ratio, the Cox estimate's normal likelihood (conjugate normal-normal); events_equivalent_1to1: 4/sd^2, the events whose log-rank information the prior carries at 1:1",
    })
}

/// The table: each analysis as indented lines, an object's scalars on one line
/// (`logrank  chisq 5.12, p_value 0.0237`), nested objects and arrays below their key; with
/// `--by`, one block per data set headed by its value.
pub fn table(by: Option<&str>, values: &Analyses) -> String {
    fn scalar(v: &Value) -> Option<String> {
        match v {
            Value::Null => Some("—".into()),
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(match n.as_f64() {
                Some(x) if n.is_f64() => six_digits(x),
                _ => n.to_string(),
            }),
            Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
                Some(format!("[{}]", a.iter().filter_map(scalar).collect::<Vec<_>>().join(", ")))
            }
            Value::Object(_) | Value::Array(_) => None,
        }
    }
    fn block(out: &mut String, indent: usize, key: &str, v: &Value) {
        let pad = " ".repeat(indent);
        if let Some(s) = scalar(v) {
            out.push_str(&format!("{pad}{key:<22} {s}\n"));
            return;
        }
        let items: Vec<(String, &Value)> = match v {
            Value::Object(m) => m.iter().map(|(k, x)| (k.clone(), x)).collect(),
            Value::Array(a) => a.iter().enumerate().map(|(i, x)| (format!("[{}]", i + 1), x)).collect(),
            _ => unreachable!("a scalar was rendered above"),
        };
        let flat: Vec<String> = items.iter().filter_map(|(k, x)| scalar(x).map(|s| format!("{k} {s}"))).collect();
        if flat.len() == items.len() {
            out.push_str(&format!("{pad}{key:<22} {}\n", flat.join(", ")));
            return;
        }
        out.push_str(&format!("{pad}{key}\n"));
        for (k, x) in items {
            block(out, indent + 2, &k, x);
        }
    }
    let mut out = String::new();
    for (i, (label, v)) in values.iter().enumerate() {
        if let (Some(column), Some(label)) = (by, label) {
            out.push_str(&format!("{}{column} = {label}\n", if i > 0 { "\n" } else { "" }));
        }
        if let Value::Object(m) = v {
            for (k, x) in m {
                block(&mut out, if by.is_some() { 2 } else { 0 }, k, x);
            }
        }
    }
    out
}
