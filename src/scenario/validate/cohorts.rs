//! `[cohorts]`: each cohort's share and frailty, its event causes (distributions, cure
//! models, hazard ratios, death after recurrence), responses, adverse events and treatment
//! switching.

use super::common::{MAX_MONTHS, Names, months, per_arm, positive_months, rate, ratio};
use crate::scenario::model::{AdverseEvent, Cohort, DEATH, Distribution, EventModel, HazardRatio, Response, Switching};
use crate::scenario::read::{Reader, get, join, positive, probability};
use crate::scenario::tree::{Entry, Node, Value, fmt_float};
use crate::scenario::vocab::DistributionName;

/// ADSL's fixed columns (`report::adam::ADSL`, which a test holds equal to this): a covariate
/// whose name in capitals is one of them would repeat a column.
pub const ADSL_COLUMNS: [&str; 16] = [
    "STUDYID", "USUBJID", "SUBJID", "TRIAL", "ARM", "ARMCD", "TRT01P", "TRT01PN", "STRATA", "COHORT", "RANDDT",
    "TRTSDT", "ITTFL", "DTHFL", "DTHDT", "EOSDT",
];

/// `[cohorts]`: every cohort, with the names of the event causes, responses and adverse
/// events they define (collected first, so that every cohort's vectors have the same length).
#[allow(clippy::too_many_arguments)]
pub(super) fn read_cohorts(
    r: &mut Reader,
    root: &Node,
    top: &[Entry],
    names: &Names,
    event_names: &mut Vec<String>,
    response_names: &mut Vec<String>,
    ae_names: &mut Vec<String>,
    covariates: &mut (Vec<String>, Vec<bool>),
) -> Option<Vec<Cohort>> {
    let Some(node) = get(top, "cohorts") else {
        r.error_at(
            &root.origin,
            "cohorts",
            "missing; expected at least one cohort, e.g. [cohorts.gastric] share = 1.0",
        );
        return None;
    };
    let t = r.named_table(node, "cohorts", "cohorts")?;
    if t.is_empty() {
        r.error(node, "cohorts", "expected at least one cohort, e.g. [cohorts.gastric] share = 1.0");
        return None;
    }
    collect_names(t, event_names, response_names, ae_names);
    super::covariates::collect_names(t, &mut covariates.0);
    if covariates.0.len() > super::covariates::MAX_COVARIATES {
        r.error(
            node,
            "cohorts",
            format!("at most {} distinct covariates (found {})", super::covariates::MAX_COVARIATES, covariates.0.len()),
        );
        return None;
    }
    // A covariate is a column of the exports: its name must not be another one's.
    let reserved = [
        "trial",
        "patient",
        "cohort",
        "arm",
        "time",
        "status",
        "stratum",
        "response",
        "entry_month",
        "first_event",
        "switched",
    ];
    let adsl = ADSL_COLUMNS;
    for (i, name) in covariates.0.iter().enumerate() {
        let upper = name.to_uppercase();
        let taken = reserved.contains(&name.as_str())
            || adsl.contains(&upper.as_str())
            || covariates.0[..i].iter().any(|o| o.to_uppercase() == upper)
            || event_names.contains(name)
            || response_names.contains(name)
            || ae_names.contains(name)
            || name.ends_with("_time")
            || name.ends_with("_status")
            || name.ends_with("_month")
            || name.ends_with("_grade")
            || name.ends_with("_assessment");
        if taken {
            r.error(node, "cohorts", format!("covariate {name:?} would share a column name of the exports; rename it"));
            return None;
        }
    }
    let mut measured = vec![None; covariates.0.len()];
    let vocabulary =
        Vocabulary { events: event_names, responses: response_names, ae: ae_names, covariates: &covariates.0 };
    for (list, what) in
        [(&*event_names, "event causes"), (&*response_names, "responses"), (&*ae_names, "adverse events")]
    {
        if list.len() > 64 {
            r.error(node, "cohorts", format!("at most 64 distinct {what} (found {})", list.len()));
            return None;
        }
    }
    let mut cohorts = Vec::new();
    let before = r.errors.len();
    for e in t {
        if let Some(c) = read_cohort(r, e, names, &vocabulary, &mut measured) {
            cohorts.push(c);
        }
    }
    if r.errors.len() > before || cohorts.len() != t.len() {
        return None;
    }
    covariates.1 = measured.into_iter().map(|m| m.unwrap_or(true)).collect();
    let sum: f64 = cohorts.iter().map(|c| c.share).sum();
    if (sum - 1.0).abs() > 1e-9 {
        let first = get(t, &cohorts[0].name).and_then(|n| n.get("share")).expect("share was read");
        r.error(
            first,
            &join(&join("cohorts", &cohorts[0].name), "share"),
            format!(
                "a share must be in (0, 1], and shares must sum to 1 (they sum to {})",
                fmt_float((sum * 1e9).round() / 1e9)
            ),
        );
        return None;
    }
    Some(cohorts)
}

/// The names of the event causes, responses and adverse events of every cohort, each once,
/// in the order they first appear.
fn collect_names(
    t: &[Entry],
    event_names: &mut Vec<String>,
    response_names: &mut Vec<String>,
    ae_names: &mut Vec<String>,
) {
    // Names first, so that every cohort's vectors have the same length.
    for e in t {
        if let Some(ct) = e.node.table() {
            for (key, list) in
                [("events", &mut *event_names), ("responses", &mut *response_names), ("adverse_events", &mut *ae_names)]
            {
                if let Some(Value::Table(items)) = get(ct, key).map(|n| &n.value) {
                    for item in items {
                        if !list.contains(&item.key) {
                            list.push(item.key.clone());
                        }
                    }
                }
            }
        }
    }
}

/// The names every cohort's vectors are indexed by.
struct Vocabulary<'a> {
    events: &'a [String],
    responses: &'a [String],
    ae: &'a [String],
    covariates: &'a [String],
}

/// One cohort: share, frailty variance, events, responses, adverse events, switching and
/// covariates with their effects.
fn read_cohort(
    r: &mut Reader,
    e: &Entry,
    names: &Names,
    v: &Vocabulary<'_>,
    measured: &mut [Option<bool>],
) -> Option<Cohort> {
    let (event_names, response_names, ae_names) = (v.events, v.responses, v.ae);
    let path = join("cohorts", &e.key);
    let ct = r.table(
        &e.node,
        &path,
        &[
            "share",
            "arm",
            "frailty_variance",
            "events",
            "responses",
            "adverse_events",
            "switching",
            "covariates",
            "correlation",
        ],
    )?;
    let share = r.required(&e.node, ct, &path, "share", "the share of patients in (0, 1]").and_then(|s| {
        r.number(s, &join(&path, "share"), |x| {
            if x > 0.0 && x <= 1.0 { Ok(()) } else { Err("a share must be in (0, 1]".into()) }
        })
    });
    let arm = match get(ct, "arm") {
        None => Some(None),
        Some(n) => r.string(n, &join(&path, "arm")).and_then(|a| match names.arms.iter().position(|x| x == a) {
            Some(i) => Some(Some(i)),
            None => {
                r.error(
                    n,
                    &join(&path, "arm"),
                    format!("there is no such arm; the arms are {}", names.arms.join(", ")),
                );
                None
            }
        }),
    };
    let frailty_variance = match get(ct, "frailty_variance") {
        None => Some(None),
        Some(f) => r
            .number(f, &join(&path, "frailty_variance"), |x| {
                if x > 0.0 && x <= 100.0 { Ok(()) } else { Err("a frailty variance must be in (0, 100]".into()) }
            })
            .map(Some),
    };
    let (events, death_after_recurrence, event_effects) =
        read_cohort_events(r, ct, &path, names, event_names, v.covariates);
    let (responses, response_effects) = read_responses(r, ct, &path, names, response_names, v.covariates);
    let covariates = super::covariates::read_covariates(r, &e.node, ct, &path, v.covariates, measured);
    let adverse_events = read_adverse_events(r, ct, &path, names, ae_names);
    let switching = read_switching(r, ct, &path, names, death_after_recurrence.as_ref());
    let (Some(share), Some(arm), Some(frailty_variance), Some(switching), Some((covariates, correlation))) =
        (share, arm, frailty_variance, switching, covariates)
    else {
        return None;
    };
    Some(Cohort {
        name: e.key.clone(),
        share,
        arm,
        frailty_variance,
        events,
        death_after_recurrence,
        switching,
        responses,
        adverse_events,
        covariates,
        correlation,
        event_effects,
        response_effects,
    })
}

/// A cohort's `events`: the model of each cause it has (indexed by event), and the hazard of
/// death after recurrence (`events.death.after_recurrence`).
fn read_cohort_events(
    r: &mut Reader,
    ct: &[Entry],
    path: &str,
    names: &Names,
    event_names: &[String],
    covariates: &[String],
) -> (Vec<Option<EventModel>>, Option<EventModel>, Vec<Vec<f64>>) {
    let mut events = vec![None; event_names.len()];
    let mut effects = vec![Vec::new(); event_names.len()];
    let mut death_after_recurrence = None;
    if let Some(en) = get(ct, "events") {
        let ep = join(path, "events");
        if let Some(et) = r.named_table(en, &ep, "events") {
            for ev in et {
                let p = join(&ep, &ev.key);
                let is_death = ev.key == DEATH;
                let extra: &[&str] = if is_death { &["after_recurrence", "effects"] } else { &["effects"] };
                let id = event_names.iter().position(|n| *n == ev.key).expect("names were collected first");
                if let Some(m) = read_event_model(r, &ev.node, &p, names, extra, true) {
                    events[id] = Some(m);
                }
                if let Some(t) = ev.node.table()
                    && let Some(b) = super::covariates::read_effects(r, t, &p, covariates, "log hazard ratios")
                {
                    effects[id] = b;
                }
                if is_death && let Some(ar) = ev.node.table().and_then(|t| get(t, "after_recurrence")) {
                    death_after_recurrence = read_event_model(r, ar, &join(&p, "after_recurrence"), names, &[], true);
                }
            }
        }
    }
    (events, death_after_recurrence, effects)
}

/// A cohort's `responses`: each response's probability by arm and assessment month.
fn read_responses(
    r: &mut Reader,
    ct: &[Entry],
    path: &str,
    names: &Names,
    response_names: &[String],
    covariates: &[String],
) -> (Vec<Option<Response>>, Vec<Vec<f64>>) {
    let mut responses = vec![None; response_names.len()];
    let mut effects = vec![Vec::new(); response_names.len()];
    if let Some(rn) = get(ct, "responses") {
        let rp = join(path, "responses");
        if let Some(rt) = r.named_table(rn, &rp, "responses") {
            for re in rt {
                let p = join(&rp, &re.key);
                let Some(t) = r.table(&re.node, &p, &["probability", "assessed_at_months", "effects"]) else {
                    continue;
                };
                let id = response_names.iter().position(|n| *n == re.key).expect("names were collected first");
                if let Some(g) = super::covariates::read_effects(r, t, &p, covariates, "log odds ratios") {
                    effects[id] = g;
                }
                let prob = r
                    .required(&re.node, t, &p, "probability", "a probability, or a table of probabilities by arm")
                    .and_then(|n| per_arm(r, n, &join(&p, "probability"), names, None, probability));
                let at = match get(t, "assessed_at_months") {
                    None => Some(0.0),
                    Some(n) => r.number(n, &join(&p, "assessed_at_months"), months),
                };
                if let (Some(probability), Some(assessed_at_months)) = (prob, at) {
                    responses[id] = Some(Response { probability, assessed_at_months });
                }
            }
        }
    }
    (responses, effects)
}

/// A cohort's `adverse_events`: each one's probability by arm and share of grade 3 or higher.
fn read_adverse_events(
    r: &mut Reader,
    ct: &[Entry],
    path: &str,
    names: &Names,
    ae_names: &[String],
) -> Vec<Option<AdverseEvent>> {
    let mut adverse_events = vec![None; ae_names.len()];
    if let Some(an) = get(ct, "adverse_events") {
        let ap = join(path, "adverse_events");
        if let Some(at) = r.named_table(an, &ap, "adverse events") {
            for ae in at {
                let p = join(&ap, &ae.key);
                let Some(t) = r.table(&ae.node, &p, &["probability", "grade3_share"]) else { continue };
                let prob = r
                    .required(&ae.node, t, &p, "probability", "a probability within 24 h, or a table of them by arm")
                    .and_then(|n| per_arm(r, n, &join(&p, "probability"), names, None, probability));
                let g3 = match get(t, "grade3_share") {
                    None => Some(0.0),
                    Some(n) => r.number(n, &join(&p, "grade3_share"), probability),
                };
                if let (Some(probability), Some(grade3_share)) = (prob, g3) {
                    let id = ae_names.iter().position(|n| *n == ae.key).expect("names were collected first");
                    adverse_events[id] = Some(AdverseEvent { probability, grade3_share });
                }
            }
        }
    }
    adverse_events
}

/// A cohort's `switching`: the probability of switching at recurrence by arm and the hazard
/// ratio of death after it, which needs the cohort's death after recurrence.
fn read_switching(
    r: &mut Reader,
    ct: &[Entry],
    path: &str,
    names: &Names,
    death_after_recurrence: Option<&EventModel>,
) -> Option<Option<Switching>> {
    match get(ct, "switching") {
        None => Some(None),
        Some(sn) => {
            let sp = join(path, "switching");
            r.table(sn, &sp, &["probability", "death_hazard_ratio"]).and_then(|t| {
                let prob = r
                    .required(sn, t, &sp, "probability", "the probability of switching at recurrence, or a table of them by arm")
                    .and_then(|n| per_arm(r, n, &join(&sp, "probability"), names, Some(0.0), probability));
                let hr = r
                    .required(sn, t, &sp, "death_hazard_ratio", "the hazard ratio of death after recurrence for a patient who switched")
                    .and_then(|n| {
                        r.number(n, &join(&sp, "death_hazard_ratio"), |x| {
                            if x > 0.0 && x <= 100.0 { Ok(()) } else { Err("a hazard ratio must be in (0, 100]".into()) }
                        })
                    });
                if death_after_recurrence.is_none() {
                    r.error(sn, &sp, "switching changes the hazard of death after recurrence: the cohort needs events.death.after_recurrence");
                    return None;
                }
                Some(Some(Switching { probability: prob?, death_hazard_ratio: hr? }))
            })
        }
    }
}

/// An event-time model: distribution, parameters, treatment effect.
fn read_event_model(
    r: &mut Reader,
    node: &Node,
    path: &str,
    names: &Names,
    extra: &[&str],
    cure_allowed: bool,
) -> Option<EventModel> {
    let Some(entries) = node.table() else {
        r.error(node, path, "expected a table with distribution = \"exponential\" and its parameters");
        return None;
    };
    let dist_node = r.required(
        node,
        entries,
        path,
        "distribution",
        &format!("one of {}", Distribution::CHOICES.map(|c| format!("{c:?}")).join(", ")),
    )?;
    let choices: &[&str] = if cure_allowed { &Distribution::CHOICES } else { &Distribution::NAMES };
    let dist = r.choice(dist_node, &join(path, "distribution"), choices).and_then(DistributionName::parse)?;
    let mut allowed = vec!["distribution", "hazard_ratio"];
    allowed.extend_from_slice(dist.keys());
    allowed.extend_from_slice(extra);
    r.table(node, path, &allowed)?;
    let before = r.errors.len();
    let (distribution, cure_fraction) = match dist {
        DistributionName::Cure => {
            let cf = r
                .required(
                    node,
                    entries,
                    path,
                    "cure_fraction",
                    "the probability of never having the event, or a table of them by arm",
                )
                .and_then(|n| {
                    per_arm(r, n, &join(path, "cure_fraction"), names, None, |x| {
                        if (0.0..1.0).contains(&x) { Ok(()) } else { Err("a cure fraction must be in [0, 1)".into()) }
                    })
                });
            let latency = r
                .required(
                    node,
                    entries,
                    path,
                    "latency",
                    "the distribution of the uncured, e.g. { distribution = \"exponential\", median_months = 12 }",
                )
                .and_then(|n| {
                    let lp = join(path, "latency");
                    if n.table().is_some_and(|t| get(t, "hazard_ratio").is_some()) {
                        r.error(n, &lp, "write the hazard ratio on the cure model itself, not on its latency");
                        return None;
                    }
                    read_event_model(r, n, &lp, names, &[], false)
                });
            (latency.map(|l| l.distribution), cf)
        }
        DistributionName::Exponential | DistributionName::PiecewiseExponential | DistributionName::Weibull => {
            (read_distribution(r, node, entries, path, dist), Some(vec![0.0; names.arms.len()]))
        }
    };
    let hazard_ratio = match get(entries, "hazard_ratio") {
        None => Some(vec![HazardRatio::constant(1.0); names.arms.len()]),
        Some(h) => read_hazard_ratio(r, h, &join(path, "hazard_ratio"), names),
    };
    if r.errors.len() > before {
        return None;
    }
    Some(EventModel { distribution: distribution?, hazard_ratio: hazard_ratio?, cure_fraction: cure_fraction? })
}

/// The parameters of a distribution other than a cure model.
fn read_distribution(
    r: &mut Reader,
    node: &Node,
    t: &[Entry],
    path: &str,
    dist: DistributionName,
) -> Option<Distribution> {
    let exactly_one = |r: &mut Reader, a: &str, b: &str| -> Option<(bool, f64)> {
        match (get(t, a), get(t, b)) {
            (Some(n), None) => r.number(n, &join(path, a), positive_months).map(|x| (true, x)),
            (None, Some(n)) => r.number(n, &join(path, b), positive).map(|x| (false, x)),
            _ => {
                r.error(node, path, format!("expected exactly one of {a} and {b}"));
                None
            }
        }
    };
    match dist {
        DistributionName::Exponential => {
            let (is_median, x) = exactly_one(r, "median_months", "rate_per_month")?;
            // The rate is what the simulation uses: finite and in range, whichever was given.
            let min_rate = std::f64::consts::LN_2 / MAX_MONTHS;
            if !is_median && !(min_rate..=1e6).contains(&x) {
                r.error(
                    get(t, "rate_per_month")?,
                    &join(path, "rate_per_month"),
                    format!(
                        "expected a rate per month in [{min_rate:.3e}, 1e6] (a median of at most {MAX_MONTHS} months)"
                    ),
                );
                return None;
            }
            if is_median && std::f64::consts::LN_2 / x > 1e6 {
                r.error(
                    get(t, "median_months")?,
                    &join(path, "median_months"),
                    format!(
                        "gives a rate of {} per month: expected a median of at least ln 2 / 1e6 = 6.93e-7 months",
                        std::f64::consts::LN_2 / x
                    ),
                );
                return None;
            }
            Some(Distribution::Exponential { rate: if is_median { std::f64::consts::LN_2 / x } else { x } })
        }
        DistributionName::PiecewiseExponential => {
            let n = r.required(node, t, path, "rates", "[[from_month, rate_per_month], …]")?;
            let (starts, rates) = r.pieces(n, &join(path, "rates"), "rate_per_month", rate)?;
            if rates.iter().all(|&x| x == 0.0) {
                r.error(
                    n,
                    &join(path, "rates"),
                    "at least one rate must be greater than 0 (use a cure model for a share that never has the event)",
                );
                return None;
            }
            Some(Distribution::PiecewiseExponential { starts, rates })
        }
        DistributionName::Cure => unreachable!("a cure model is read by read_event_model"),
        DistributionName::Weibull => {
            let shape =
                r.required(node, t, path, "shape", "the Weibull shape, a number greater than 0").and_then(|n| {
                    r.number(n, &join(path, "shape"), |x| {
                        if x > 0.0 && x <= 100.0 { Ok(()) } else { Err("a Weibull shape must be in (0, 100]".into()) }
                    })
                });
            let scale = match (get(t, "median_months"), get(t, "scale_months")) {
                (Some(n), None) => r.number(n, &join(path, "median_months"), positive_months).map(|m| (true, m)),
                (None, Some(n)) => r.number(n, &join(path, "scale_months"), positive_months).map(|s| (false, s)),
                _ => {
                    r.error(node, path, "expected exactly one of median_months and scale_months");
                    None
                }
            };
            let shape = shape?;
            let (is_median, x) = scale?;
            // median = scale · ln(2)^(1/shape)
            let scale = if is_median { x / std::f64::consts::LN_2.powf(1.0 / shape) } else { x };
            let median = scale * std::f64::consts::LN_2.powf(1.0 / shape);
            // The derived scale and median (and the 1% and 99% quantiles the simulation draws)
            // must be finite months, or every time is 0 or infinite.
            let q01 = scale * (-(0.99f64.ln())).powf(1.0 / shape);
            let q99 = scale * (-(0.01f64.ln())).powf(1.0 / shape);
            let ok = |v: f64| v.is_finite() && v > 0.0;
            if !(ok(scale) && ok(median) && ok(q01) && ok(q99) && median <= MAX_MONTHS && q99 <= 1e12) {
                let key = if is_median { "median_months" } else { "scale_months" };
                r.error(
                    get(t, key)?,
                    &join(path, key),
                    format!("with shape = {shape} gives a Weibull scale of {scale:e} months, median {median:e}, 99th percentile {q99:e}: expected a finite scale, a median of at most {MAX_MONTHS} months and a 99th percentile of at most 1e12 months (raise the shape)"),
                );
                return None;
            }
            Some(Distribution::Weibull { shape, scale })
        }
    }
}

/// `{ arm = 0.7 }` or `{ arm = [[0, 1.0], [6, 0.6]] }`; arms not named have ratio 1.
fn read_hazard_ratio(r: &mut Reader, node: &Node, path: &str, names: &Names) -> Option<Vec<HazardRatio>> {
    let t = r.named_table(node, path, "hazard ratios by arm, e.g. { rmhtnf = 0.7 }")?;
    let mut out = vec![HazardRatio::constant(1.0); names.arms.len()];
    let before = r.errors.len();
    for e in t {
        let p = join(path, &e.key);
        let Some(i) = names.arms.iter().position(|a| *a == e.key) else {
            r.error_at(
                &e.key_origin,
                &p,
                format!("there is no arm {:?}; the arms are {}", e.key, names.arms.join(", ")),
            );
            continue;
        };
        let hr = match &e.node.value {
            Value::Array(_) => {
                r.pieces(&e.node, &p, "hazard_ratio", ratio).map(|(starts, ratios)| HazardRatio { starts, ratios })
            }
            _ => r.number(&e.node, &p, ratio).map(HazardRatio::constant),
        };
        if let Some(hr) = hr {
            out[i] = hr;
        }
    }
    (r.errors.len() == before).then_some(out)
}
