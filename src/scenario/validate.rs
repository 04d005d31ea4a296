//! Reads the document tree into a [`Scenario`], checking every rule of the scenario language
//! and collecting every error (not only the first).

use super::model::*;
use super::read::{Diagnostic, Reader, get, join, positive, probability};
use super::tree::{Entry, Node, Origin, Value, fmt_float};

/// Largest sample size accepted (patients per virtual trial).
pub const MAX_SAMPLE_SIZE: i64 = 10_000_000;
/// Largest number of replicates accepted.
pub const MAX_REPLICATES: i64 = 1_000_000_000;
/// Longest time, in months, accepted anywhere (1,000 years).
pub const MAX_MONTHS: f64 = 12_000.0;

const TOP: &[&str] = &["study", "arms", "enrollment", "dropout", "cohorts", "endpoints", "analysis", "assessments"];

fn months(x: f64) -> Result<(), String> {
    if x < 0.0 {
        Err("expected a number of months of at least 0".into())
    } else if x > MAX_MONTHS {
        Err(format!("expected at most {MAX_MONTHS} months"))
    } else {
        Ok(())
    }
}

fn positive_months(x: f64) -> Result<(), String> {
    if x > 0.0 { months(x) } else { Err("expected a number of months greater than 0".into()) }
}

fn rate(x: f64) -> Result<(), String> {
    if (0.0..=1e6).contains(&x) { Ok(()) } else { Err("expected a rate per month in [0, 1e6]".into()) }
}

fn ratio(x: f64) -> Result<(), String> {
    if x > 0.0 && x <= 1e6 { Ok(()) } else { Err("a hazard ratio must be greater than 0 (and at most 1e6)".into()) }
}

/// Validates a whole document.
pub fn scenario(root: &Node) -> Result<Scenario, Vec<Diagnostic>> {
    let mut r = Reader::default();
    let s = read_scenario(&mut r, root);
    match s {
        Some(s) if r.errors.is_empty() => Ok(s),
        _ => {
            if r.errors.is_empty() {
                r.error_at(&root.origin, "", "the scenario is not valid");
            }
            // Report in the order of the file, then the --set arguments.
            r.errors.sort_by_key(|d| match &d.origin {
                Origin::File { line, column } => (0, *line, *column),
                Origin::Set(_) => (1, 0, 0),
                Origin::Nowhere => (2, 0, 0),
            });
            Err(r.errors)
        }
    }
}

struct Names {
    arms: Vec<String>,
}

fn read_scenario(r: &mut Reader, root: &Node) -> Option<Scenario> {
    let top = r.table(root, "", TOP)?;
    let (name, replicates, seed) = read_study(r, root, top);
    let arms = read_arms(r, root, top);
    // Arm names are known even where an arm's allocation is wrong, so references still resolve.
    let arm_names = match get(top, "arms").and_then(Node::table) {
        Some(t) => t.iter().map(|e| e.key.clone()).collect(),
        None => Vec::new(),
    };
    let names = Names { arms: arm_names };
    let enrollment = read_enrollment(r, root, top, &arms);
    let dropout_hazard = match get(top, "dropout") {
        None => Some(vec![0.0; arms.len()]),
        Some(node) => r.table(node, "dropout", &["hazard_per_month"]).and_then(|t| match get(t, "hazard_per_month") {
            None => Some(vec![0.0; arms.len()]),
            Some(h) => per_arm(r, h, "dropout.hazard_per_month", &names, None, rate),
        }),
    };
    let mut event_names = Vec::new();
    let mut response_names = Vec::new();
    let mut ae_names = Vec::new();
    let cohorts = read_cohorts(r, root, top, &names, &mut event_names, &mut response_names, &mut ae_names);
    let sample_size = get(top, "enrollment").and_then(|e| e.get("sample_size")).and_then(|n| match n.value {
        Value::Integer(i) if (1..=MAX_SAMPLE_SIZE).contains(&i) => Some(i as u32),
        _ => None,
    });
    let endpoints =
        read_endpoints(r, root, top, &names, &event_names, &response_names, &ae_names, &cohorts, sample_size);
    let analysis = read_analysis(r, root, top, &endpoints, sample_size);
    let assessments = get(top, "assessments").and_then(|node| {
        let t = r.table(node, "assessments", &["schedule"])?;
        let s = r.required(node, t, "assessments", "schedule", "[[from_month, every_months], …]")?;
        let (starts, every) = r.pieces(s, "assessments.schedule", "every_months", positive_months)?;
        if every.iter().any(|&e| e <= 0.0) {
            return None;
        }
        Some(Schedule { starts, every })
    });
    if arms.is_empty() {
        return None;
    }
    let (enrollment, block_size) = enrollment?;
    Some(Scenario {
        name,
        replicates: replicates?,
        seed: seed?,
        arms,
        block_size,
        enrollment,
        dropout_hazard: dropout_hazard?,
        cohorts: cohorts?,
        event_names,
        response_names,
        adverse_event_names: ae_names,
        endpoints: endpoints?,
        analysis: analysis?,
        assessments,
    })
}

fn read_study(r: &mut Reader, root: &Node, top: &[Entry]) -> (String, Option<u64>, Option<u64>) {
    let mut name = String::from("unnamed scenario");
    let mut replicates = Some(1000);
    let mut seed = Some(1);
    let Some(node) = get(top, "study") else {
        r.error_at(&root.origin, "study", "missing; expected a [study] table with name, replicates, seed");
        return (name, None, None);
    };
    let Some(t) = r.table(node, "study", &["name", "replicates", "seed"]) else {
        return (name, None, None);
    };
    if let Some(n) = get(t, "name")
        && let Some(s) = r.string(n, "study.name")
    {
        name = s.to_string();
    }
    if let Some(n) = get(t, "replicates") {
        replicates = r.integer(n, "study.replicates", 1, MAX_REPLICATES).map(|x| x as u64);
    }
    if let Some(n) = get(t, "seed") {
        seed = r.integer(n, "study.seed", 0, i64::MAX).map(|x| x as u64);
    }
    (name, replicates, seed)
}

fn read_arms(r: &mut Reader, root: &Node, top: &[Entry]) -> Vec<Arm> {
    let Some(node) = get(top, "arms") else {
        r.error_at(
            &root.origin,
            "arms",
            "missing; expected an [arms] table with at least one arm, e.g. rmhtnf = { allocation = 1 }",
        );
        return Vec::new();
    };
    let Some(t) = r.named_table(node, "arms", "arms") else { return Vec::new() };
    if t.is_empty() {
        r.error(node, "arms", "expected at least one arm, e.g. rmhtnf = { allocation = 1 }");
    }
    if t.len() > 64 {
        r.error(node, "arms", format!("at most 64 arms (found {})", t.len()));
        return Vec::new();
    }
    let mut arms = Vec::new();
    for e in t {
        let path = join("arms", &e.key);
        let Some(at) = r.table(&e.node, &path, &["allocation"]) else { continue };
        let allocation = match get(at, "allocation") {
            Some(a) => r.integer(a, &join(&path, "allocation"), 1, 1000),
            None => Some(1),
        };
        if let Some(a) = allocation {
            arms.push(Arm { name: e.key.clone(), allocation: a as u32 });
        }
    }
    if arms.len() != t.len() { Vec::new() } else { arms }
}

fn read_enrollment(r: &mut Reader, root: &Node, top: &[Entry], arms: &[Arm]) -> Option<(Enrollment, u32)> {
    let Some(node) = get(top, "enrollment") else {
        r.error_at(&root.origin, "enrollment", "missing; expected an [enrollment] table with sample_size and accrual");
        return None;
    };
    let t = r.table(node, "enrollment", &["sample_size", "accrual", "block_size"])?;
    let n = r.required(node, t, "enrollment", "sample_size", "an integer number of patients");
    let sample_size = n.and_then(|n| r.integer(n, "enrollment.sample_size", 1, MAX_SAMPLE_SIZE));
    let accrual = r.required(node, t, "enrollment", "accrual", "{ months = 24 } or { rates = [[0, 10], [6, 30]] }").and_then(|a| {
        let at = r.table(a, "enrollment.accrual", &["months", "rates"])?;
        match (get(at, "months"), get(at, "rates")) {
            (Some(m), None) => r.number(m, "enrollment.accrual.months", positive_months).map(|months| Accrual::Uniform { months }),
            (None, Some(rates)) => {
                let (starts, rates) = r.pieces(rates, "enrollment.accrual.rates", "patients_per_month", |x| {
                    if (0.0..=1e7).contains(&x) { Ok(()) } else { Err("expected patients per month in [0, 1e7]".into()) }
                })?;
                if rates.last().is_some_and(|&x| x <= 0.0) {
                    r.error(a, "enrollment.accrual.rates", "the last accrual rate must be greater than 0, or enrolment never ends");
                    return None;
                }
                // The expected month at which the sample size is enrolled must be finite and in range.
                if let Some(n) = sample_size {
                    let mut left = n as f64;
                    let mut end = f64::INFINITY;
                    for (k, (&from, &rate)) in starts.iter().zip(&rates).enumerate() {
                        let until = starts.get(k + 1).copied().unwrap_or(f64::INFINITY);
                        let expected = rate * (until - from);
                        if expected >= left {
                            end = from + left / rate;
                            break;
                        }
                        left -= expected;
                    }
                    if !(end.is_finite() && end <= MAX_MONTHS) {
                        r.error(a, "enrollment.accrual.rates", format!("enrolling {n} patients at these rates takes {end:e} months on average: expected at most {MAX_MONTHS} months"));
                        return None;
                    }
                }
                Some(Accrual::Piecewise { starts, rates })
            }
            _ => {
                r.error(a, "enrollment.accrual", "expected exactly one of months (uniform accrual) or rates (piecewise [[from_month, patients_per_month], …])");
                None
            }
        }
    });
    let total: u32 = arms.iter().map(|a| a.allocation).sum();
    let block_size = match get(t, "block_size") {
        None => Some(2 * total.max(1)),
        Some(node) => r.integer(node, "enrollment.block_size", 1, 100_000).and_then(|b| {
            if total > 0 && !(b as u32).is_multiple_of(total) {
                r.error(node, "enrollment.block_size", format!("a block must hold a whole number of allocation cycles: expected a multiple of {total} (the sum of the arms' allocations)"));
                None
            } else {
                Some(b as u32)
            }
        }),
    };
    Some((Enrollment { sample_size: sample_size? as u32, accrual: accrual? }, block_size?))
}

/// A value for every arm: a number for all arms, or a table naming arms. With `default`,
/// arms not named take it; without, every arm must be named.
fn per_arm(
    r: &mut Reader,
    node: &Node,
    path: &str,
    names: &Names,
    default: Option<f64>,
    check: impl Fn(f64) -> Result<(), String>,
) -> Option<Vec<f64>> {
    match &node.value {
        Value::Table(entries) => {
            let mut out: Vec<Option<f64>> = vec![default; names.arms.len()];
            let before = r.errors.len();
            for e in entries {
                let p = join(path, &e.key);
                match names.arms.iter().position(|a| *a == e.key) {
                    Some(i) => out[i] = r.number(&e.node, &p, &check),
                    None => {
                        let arms: Vec<&str> = names.arms.iter().map(String::as_str).collect();
                        r.error_at(
                            &e.key_origin,
                            &p,
                            format!("there is no arm {:?}; the arms are {}", e.key, arms.join(", ")),
                        );
                    }
                }
            }
            if r.errors.len() > before {
                return None;
            }
            let missing: Vec<&str> =
                names.arms.iter().zip(&out).filter(|(_, v)| v.is_none()).map(|(a, _)| a.as_str()).collect();
            if !missing.is_empty() {
                r.error(node, path, format!("expected a value for every arm; missing: {}", missing.join(", ")));
                return None;
            }
            Some(out.into_iter().map(|v| v.unwrap_or(0.0)).collect())
        }
        _ => r.number(node, path, check).map(|x| vec![x; names.arms.len()]),
    }
}

#[allow(clippy::too_many_arguments)]
fn read_cohorts(
    r: &mut Reader,
    root: &Node,
    top: &[Entry],
    names: &Names,
    event_names: &mut Vec<String>,
    response_names: &mut Vec<String>,
    ae_names: &mut Vec<String>,
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
        let path = join("cohorts", &e.key);
        let Some(ct) = r.table(
            &e.node,
            &path,
            &["share", "frailty_variance", "events", "responses", "adverse_events", "switching"],
        ) else {
            continue;
        };
        let share = r.required(&e.node, ct, &path, "share", "the share of patients in (0, 1]").and_then(|s| {
            r.number(s, &join(&path, "share"), |x| {
                if x > 0.0 && x <= 1.0 { Ok(()) } else { Err("a share must be in (0, 1]".into()) }
            })
        });
        let frailty_variance = match get(ct, "frailty_variance") {
            None => Some(None),
            Some(f) => r
                .number(f, &join(&path, "frailty_variance"), |x| {
                    if x > 0.0 && x <= 100.0 { Ok(()) } else { Err("a frailty variance must be in (0, 100]".into()) }
                })
                .map(Some),
        };
        let mut events = vec![None; event_names.len()];
        let mut death_after_recurrence = None;
        if let Some(en) = get(ct, "events") {
            let ep = join(&path, "events");
            if let Some(et) = r.named_table(en, &ep, "events") {
                for ev in et {
                    let p = join(&ep, &ev.key);
                    let is_death = ev.key == DEATH;
                    let extra: &[&str] = if is_death { &["after_recurrence"] } else { &[] };
                    if let Some(m) = read_event_model(r, &ev.node, &p, names, extra, true) {
                        let id = event_names.iter().position(|n| *n == ev.key).expect("names were collected first");
                        events[id] = Some(m);
                    }
                    if is_death && let Some(ar) = ev.node.table().and_then(|t| get(t, "after_recurrence")) {
                        death_after_recurrence =
                            read_event_model(r, ar, &join(&p, "after_recurrence"), names, &[], true);
                    }
                }
            }
        }
        let mut responses = vec![None; response_names.len()];
        if let Some(rn) = get(ct, "responses") {
            let rp = join(&path, "responses");
            if let Some(rt) = r.named_table(rn, &rp, "responses") {
                for re in rt {
                    let p = join(&rp, &re.key);
                    let Some(t) = r.table(&re.node, &p, &["probability", "assessed_at_months"]) else { continue };
                    let prob = r
                        .required(&re.node, t, &p, "probability", "a probability, or a table of probabilities by arm")
                        .and_then(|n| per_arm(r, n, &join(&p, "probability"), names, None, probability));
                    let at = match get(t, "assessed_at_months") {
                        None => Some(0.0),
                        Some(n) => r.number(n, &join(&p, "assessed_at_months"), months),
                    };
                    if let (Some(probability), Some(assessed_at_months)) = (prob, at) {
                        let id = response_names.iter().position(|n| *n == re.key).expect("names were collected first");
                        responses[id] = Some(Response { probability, assessed_at_months });
                    }
                }
            }
        }
        let mut adverse_events = vec![None; ae_names.len()];
        if let Some(an) = get(ct, "adverse_events") {
            let ap = join(&path, "adverse_events");
            if let Some(at) = r.named_table(an, &ap, "adverse events") {
                for ae in at {
                    let p = join(&ap, &ae.key);
                    let Some(t) = r.table(&ae.node, &p, &["probability", "grade3_share"]) else { continue };
                    let prob = r
                        .required(
                            &ae.node,
                            t,
                            &p,
                            "probability",
                            "a probability within 24 h, or a table of them by arm",
                        )
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
        let switching = match get(ct, "switching") {
            None => Some(None),
            Some(sn) => {
                let sp = join(&path, "switching");
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
        };
        if let (Some(share), Some(frailty_variance), Some(switching)) = (share, frailty_variance, switching) {
            cohorts.push(Cohort {
                name: e.key.clone(),
                share,
                frailty_variance,
                events,
                death_after_recurrence,
                switching,
                responses,
                adverse_events,
            });
        }
    }
    if r.errors.len() > before || cohorts.len() != t.len() {
        return None;
    }
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

fn arm_ref(r: &mut Reader, node: &Node, path: &str, names: &Names) -> Option<ArmId> {
    let s = r.string(node, path)?;
    match names.arms.iter().position(|a| a == s) {
        Some(i) => Some(i),
        None => {
            r.error(node, path, format!("there is no such arm; the arms are {}", names.arms.join(", ")));
            None
        }
    }
}

fn name_list(r: &mut Reader, node: &Node, path: &str, defined: &[String], what: &str) -> Option<Vec<usize>> {
    let items = r.array(node, path, &format!("{what} names"))?;
    let mut out = Vec::new();
    let before = r.errors.len();
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Some(s) = r.string(item, &p) else { continue };
        match defined.iter().position(|d| d == s) {
            Some(id) if out.contains(&id) => r.error(item, &p, format!("{what} {s:?} is listed twice")),
            Some(id) => out.push(id),
            None => {
                let place = if what == "endpoint" { "under [endpoints]" } else { "in the cohorts" };
                let list = if defined.is_empty() {
                    format!("no {what}s are defined {place}")
                } else {
                    format!("the {what}s defined {place} are {}", defined.join(", "))
                };
                r.error(item, &p, format!("there is no {what} {s:?}; {list}"));
            }
        }
    }
    (r.errors.len() == before).then_some(out)
}

/// An endpoint's test as validation reads it: a name of its kind's table, or a safety
/// endpoint's none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestName {
    TimeToEvent(TimeToEventTestName),
    Binary(BinaryTestName),
    /// A safety endpoint has no test.
    Safety,
}

impl TestName {
    fn name(self) -> &'static str {
        match self {
            TestName::TimeToEvent(t) => t.name(),
            TestName::Binary(b) => b.name(),
            TestName::Safety => "none",
        }
    }

    /// The test compares one arm with a historical value (so the endpoint has no control).
    fn one_arm(self) -> bool {
        match self {
            TestName::TimeToEvent(t) => match t {
                TimeToEventTestName::OneSampleLogrank => true,
                TimeToEventTestName::Logrank
                | TimeToEventTestName::StratifiedLogrank
                | TimeToEventTestName::FlemingHarrington
                | TimeToEventTestName::MaxCombo
                | TimeToEventTestName::Cox => false,
            },
            TestName::Binary(b) => match b {
                BinaryTestName::ExactBinomial | BinaryTestName::SimonTwoStage => true,
                BinaryTestName::Fisher | BinaryTestName::ChiSquare => false,
            },
            TestName::Safety => false,
        }
    }

    /// The design's cut-offs fix its level (the endpoint has no `alpha`).
    fn fixes_level(self) -> bool {
        match self {
            TestName::Binary(b) => match b {
                BinaryTestName::SimonTwoStage => true,
                BinaryTestName::ExactBinomial | BinaryTestName::Fisher | BinaryTestName::ChiSquare => false,
            },
            TestName::TimeToEvent(t) => match t {
                TimeToEventTestName::Logrank
                | TimeToEventTestName::StratifiedLogrank
                | TimeToEventTestName::FlemingHarrington
                | TimeToEventTestName::MaxCombo
                | TimeToEventTestName::Cox
                | TimeToEventTestName::OneSampleLogrank => false,
            },
            TestName::Safety => false,
        }
    }
}

impl std::fmt::Display for TestName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[allow(clippy::too_many_arguments)]
fn read_endpoints(
    r: &mut Reader,
    root: &Node,
    top: &[Entry],
    names: &Names,
    event_names: &[String],
    response_names: &[String],
    ae_names: &[String],
    cohorts: &Option<Vec<Cohort>>,
    sample_size: Option<u32>,
) -> Option<Vec<Endpoint>> {
    let Some(node) = get(top, "endpoints") else {
        r.error_at(
            &root.origin,
            "endpoints",
            "missing; expected at least one endpoint, e.g. [endpoints.efs] kind = \"time_to_event\"",
        );
        return None;
    };
    let t = r.named_table(node, "endpoints", "endpoints")?;
    if t.is_empty() {
        r.error(node, "endpoints", "expected at least one endpoint");
        return None;
    }
    let before = r.errors.len();
    let mut out = Vec::new();
    for e in t {
        let path = join("endpoints", &e.key);
        let Some(et) = e.node.table() else {
            r.error(&e.node, &path, "expected a table with kind, test, treatment, …");
            continue;
        };
        let Some(kind_node) = r.required(&e.node, et, &path, "kind", "\"time_to_event\", \"binary\" or \"safety\"")
        else {
            continue;
        };
        let Some(kind) =
            r.choice(kind_node, &join(&path, "kind"), &EndpointKind::NAMES).and_then(EndpointKindName::parse)
        else {
            continue;
        };
        let test = match get(et, "test") {
            None => Some(match kind {
                EndpointKindName::TimeToEvent => TestName::TimeToEvent(TimeToEventTestName::Logrank),
                EndpointKindName::Binary => TestName::Binary(BinaryTestName::ExactBinomial),
                EndpointKindName::Safety => TestName::Safety,
            }),
            Some(n) => match kind {
                EndpointKindName::TimeToEvent => r
                    .choice(n, &join(&path, "test"), &TimeToEventTest::NAMES)
                    .and_then(TimeToEventTestName::parse)
                    .map(TestName::TimeToEvent),
                EndpointKindName::Binary => r
                    .choice(n, &join(&path, "test"), &BinaryTest::NAMES)
                    .and_then(BinaryTestName::parse)
                    .map(TestName::Binary),
                EndpointKindName::Safety => {
                    r.error(
                        n,
                        &join(&path, "test"),
                        "a safety endpoint has no test (it reports rates with exact intervals)",
                    );
                    None
                }
            },
        };
        let Some(test) = test else { continue };
        let safety = match kind {
            EndpointKindName::Safety => true,
            EndpointKindName::TimeToEvent | EndpointKindName::Binary => false,
        };
        let mut allowed = vec!["kind", "test", "treatment", "control", "alpha"];
        allowed.extend_from_slice(EndpointKind::keys(kind.name()));
        allowed.extend_from_slice(EndpointKind::test_keys(kind.name(), test.name()));
        if safety {
            allowed.retain(|k| !matches!(*k, "test" | "control" | "alpha"));
        }
        if test.fixes_level() {
            // The design's cut-offs fix its level.
            allowed.retain(|k| *k != "alpha");
        }
        if r.table(&e.node, &path, &allowed).is_none() {
            continue;
        }
        let one_arm_test = test.one_arm();
        let treatment = match get(et, "treatment") {
            Some(n) => arm_ref(r, n, &join(&path, "treatment"), names),
            None if names.arms.len() == 1 => Some(0),
            None => {
                r.error_at(
                    &e.node.origin,
                    &join(&path, "treatment"),
                    format!("missing; expected the name of the treatment arm ({})", names.arms.join(", ")),
                );
                None
            }
        };
        let control = match get(et, "control") {
            Some(n) if one_arm_test => {
                r.error(
                    n,
                    &join(&path, "control"),
                    format!("the {test} test compares one arm with a historical value; remove control"),
                );
                None
            }
            Some(n) => arm_ref(r, n, &join(&path, "control"), names).map(Some),
            None if one_arm_test || safety => Some(None),
            None => {
                r.error_at(
                    &e.node.origin,
                    &join(&path, "control"),
                    format!(
                        "missing; the {test} test compares two arms: expected the name of the control arm ({})",
                        names.arms.join(", ")
                    ),
                );
                None
            }
        };
        if let (Some(t), Some(Some(c))) = (treatment, control)
            && t == c
        {
            r.error_on(
                get(et, "control"),
                &e.node.origin,
                &join(&path, "control"),
                "the control arm must differ from the treatment arm",
            );
        }
        let alpha = match get(et, "alpha") {
            None => Some(0.025),
            Some(n) => r.number(n, &join(&path, "alpha"), |x| {
                if x > 0.0 && x < 0.5 { Ok(()) } else { Err("a one-sided alpha must be in (0, 0.5)".into()) }
            }),
        };
        let kind = match test {
            TestName::TimeToEvent(test) => read_tte(r, &e.node, et, &path, test, event_names),
            TestName::Binary(test) => {
                let response = r
                    .required(&e.node, et, &path, "response", "the name of a response defined in the cohorts")
                    .and_then(|n| ref_in(r, n, &join(&path, "response"), response_names, "response"));
                if let (Some(id), Some(cs)) = (response, cohorts) {
                    for c in cs.iter().filter(|c| c.responses[id].is_none()) {
                        r.error_on(
                            get(et, "response"),
                            &e.node.origin,
                            &join(&path, "response"),
                            format!(
                                "cohort {:?} does not define response {:?}: every cohort must, for a binary endpoint",
                                c.name, response_names[id]
                            ),
                        );
                    }
                }
                let null_rate = match test {
                    BinaryTestName::ExactBinomial | BinaryTestName::SimonTwoStage => r
                        .required(&e.node, et, &path, "null_rate", "the historical response rate in (0, 1)")
                        .and_then(|n| {
                            r.number(n, &join(&path, "null_rate"), |x| {
                                if x > 0.0 && x < 1.0 { Ok(()) } else { Err("a null rate must be in (0, 1)".into()) }
                            })
                        }),
                    BinaryTestName::Fisher | BinaryTestName::ChiSquare => None,
                };
                let test = match test {
                    BinaryTestName::ExactBinomial => null_rate.map(|null_rate| BinaryTest::ExactBinomial { null_rate }),
                    BinaryTestName::SimonTwoStage => {
                        read_simon(r, &e.node, et, &path, sample_size).and_then(|(n1, r1, rr)| {
                            Some(BinaryTest::SimonTwoStage {
                                null_rate: null_rate?,
                                stage1_patients: n1,
                                stage1_max_responses: r1,
                                max_responses: rr,
                            })
                        })
                    }
                    BinaryTestName::Fisher => Some(BinaryTest::Fisher),
                    BinaryTestName::ChiSquare => {
                        match get(et, "continuity_correction") {
                            None => Some(BinaryTest::ChiSquare { continuity_correction: false }),
                            Some(n) => {
                                match n.value {
                                    Value::Boolean(b) => Some(BinaryTest::ChiSquare { continuity_correction: b }),
                                    _ => {
                                        r.error(n, &join(&path, "continuity_correction"), "expected true or false (Yates' correction, as R's prop.test(correct = TRUE))");
                                        None
                                    }
                                }
                            }
                        }
                    }
                };
                let null_difference = match get(et, "null_difference") {
                    None => Some(0.0),
                    Some(n) => {
                        let path = join(&path, "null_difference");
                        r.number(n, &path, |x| {
                            if x > -1.0 && x <= 0.0 {
                                Ok(())
                            } else {
                                Err("a non-inferiority margin on the difference of response rates must be in (-1, 0] (H0: treatment's rate − control's ≤ margin; 0 is superiority)".into())
                            }
                        })
                        .and_then(|d| match test {
                            Some(BinaryTest::ChiSquare { continuity_correction: false }) => Some(d),
                            Some(
                                BinaryTest::ChiSquare { continuity_correction: true }
                                | BinaryTest::ExactBinomial { .. }
                                | BinaryTest::SimonTwoStage { .. }
                                | BinaryTest::Fisher,
                            )
                            | None => {
                                r.error(n, &path, "a non-inferiority margin on the rate difference is tested by the Farrington–Manning score test: test = \"chi_square\" without continuity_correction");
                                None
                            }
                        })
                    }
                };
                match (response, test, null_difference) {
                    (Some(response), Some(test), Some(null_difference)) => {
                        Some(EndpointKind::Binary { response, test, null_difference })
                    }
                    _ => None,
                }
            }
            TestName::Safety => {
                let ae = r
                    .required(
                        &e.node,
                        et,
                        &path,
                        "adverse_event",
                        "the name of an adverse event defined in the cohorts",
                    )
                    .and_then(|n| ref_in(r, n, &join(&path, "adverse_event"), ae_names, "adverse event"));
                if let (Some(id), Some(cs)) = (ae, cohorts) {
                    for c in cs.iter().filter(|c| c.adverse_events[id].is_none()) {
                        r.error_on(get(et, "adverse_event"), &e.node.origin, &join(&path, "adverse_event"), format!("cohort {:?} does not define adverse event {:?}: every cohort must, for a safety endpoint", c.name, ae_names[id]));
                    }
                }
                ae.map(|adverse_event| EndpointKind::Safety { adverse_event })
            }
        };
        if let (Some(kind), Some(treatment), Some(control), Some(alpha)) = (kind, treatment, control, alpha) {
            out.push(Endpoint { name: e.key.clone(), kind, treatment, control, alpha });
        }
    }
    (r.errors.len() == before && out.len() == t.len()).then_some(out)
}

fn ref_in(r: &mut Reader, node: &Node, path: &str, defined: &[String], what: &str) -> Option<usize> {
    let s = r.string(node, path)?;
    match defined.iter().position(|d| d == s) {
        Some(i) => Some(i),
        None => {
            let list = if defined.is_empty() {
                format!("no {what}s are defined in any cohort")
            } else {
                format!("the {what}s defined in the cohorts are {}", defined.join(", "))
            };
            r.error(node, path, format!("there is no {what} {s:?}; {list}"));
            None
        }
    }
}

fn read_tte(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    test: TimeToEventTestName,
    event_names: &[String],
) -> Option<EndpointKind> {
    let events =
        r.required(node, et, path, "events", "a list of event names, e.g. [\"peritoneal_metastasis\"]").and_then(|n| {
            let ids = name_list(r, n, &join(path, "events"), event_names, "event")?;
            if ids.is_empty() {
                r.error(n, &join(path, "events"), "expected at least one event name");
                return None;
            }
            Some(ids)
        });
    let competing = match get(et, "competing") {
        None => Some(Vec::new()),
        Some(n) => name_list(r, n, &join(path, "competing"), event_names, "event").and_then(|ids| {
            if let Some(ev) = &events
                && let Some(&dup) = ids.iter().find(|i| ev.contains(i))
            {
                r.error(
                    n,
                    &join(path, "competing"),
                    format!("event {:?} is both an endpoint event and a competing one", event_names[dup]),
                );
                return None;
            }
            Some(ids)
        }),
    };
    let milestones = match get(et, "milestones") {
        None => Some(Vec::new()),
        Some(n) => r.array(n, &join(path, "milestones"), "months").and_then(|items| {
            let before = r.errors.len();
            let ms: Vec<f64> = items
                .iter()
                .enumerate()
                .filter_map(|(i, m)| r.number(m, &format!("{}[{i}]", join(path, "milestones")), positive_months))
                .collect();
            if r.errors.len() > before {
                return None;
            }
            if ms.windows(2).any(|w| w[1] <= w[0]) {
                r.error(n, &join(path, "milestones"), "milestones must increase strictly");
                return None;
            }
            Some(ms)
        }),
    };
    let test = match test {
        TimeToEventTestName::Logrank => Some(TimeToEventTest::Logrank),
        TimeToEventTestName::StratifiedLogrank => Some(TimeToEventTest::StratifiedLogrank),
        TimeToEventTestName::Cox => Some(TimeToEventTest::Cox),
        TimeToEventTestName::MaxCombo => Some(TimeToEventTest::MaxCombo),
        TimeToEventTestName::FlemingHarrington => {
            let mut param = |k: &str| match get(et, k) {
                None => Some(0.0),
                Some(n) => r.number(n, &join(path, k), |x| {
                    if (0.0..=10.0).contains(&x) { Ok(()) } else { Err(format!("{k} must be in [0, 10]")) }
                }),
            };
            let (rho, gamma) = (param("rho"), param("gamma"));
            Some(TimeToEventTest::FlemingHarrington { rho: rho?, gamma: gamma? })
        }
        TimeToEventTestName::OneSampleLogrank => {
            match (get(et, "null_median_months"), get(et, "null_hazard_per_month")) {
                (Some(n), None) => r
                    .number(n, &join(path, "null_median_months"), positive_months)
                    .map(|m| TimeToEventTest::OneSampleLogrank { null_hazard: std::f64::consts::LN_2 / m }),
                (None, Some(n)) => r
                    .number(n, &join(path, "null_hazard_per_month"), |x| {
                        if x > 0.0 && x <= 1e6 { Ok(()) } else { Err("expected a hazard per month in (0, 1e6]".into()) }
                    })
                    .map(|h| TimeToEventTest::OneSampleLogrank { null_hazard: h }),
                _ => {
                    r.error_at(
                        &node.origin,
                        path,
                        "the one_sample_logrank test needs exactly one of null_median_months and null_hazard_per_month",
                    );
                    None
                }
            }
        }
    };
    let null_hazard_ratio = match get(et, "null_hazard_ratio") {
        None => Some(1.0),
        Some(n) => {
            let path = join(path, "null_hazard_ratio");
            let h = r.number(n, &path, |x| {
                if (1.0..=10.0).contains(&x) {
                    Ok(())
                } else {
                    Err("a non-inferiority margin on the hazard-ratio scale must be in [1, 10] (H0: HR ≥ margin; 1 is superiority)".into())
                }
            })?;
            let tests_margin = match &test {
                Some(TimeToEventTest::Logrank | TimeToEventTest::StratifiedLogrank | TimeToEventTest::Cox) => true,
                Some(
                    TimeToEventTest::FlemingHarrington { .. }
                    | TimeToEventTest::MaxCombo
                    | TimeToEventTest::OneSampleLogrank { .. },
                )
                | None => false,
            };
            if !tests_margin {
                r.error(
                    n,
                    &path,
                    "a non-inferiority margin is tested by the logrank, stratified_logrank and cox tests only",
                );
                return None;
            }
            Some(h)
        }
    };
    let censor_at_switch = match get(et, "intercurrent") {
        None => Some(false),
        Some(n) => r
            .choice(n, &join(path, "intercurrent"), &Intercurrent::NAMES)
            .and_then(Intercurrent::parse)
            .map(Intercurrent::censors_at_switch),
    };
    Some(EndpointKind::TimeToEvent {
        events: events?,
        competing: competing?,
        milestones: milestones?,
        test: test?,
        null_hazard_ratio: null_hazard_ratio?,
        censor_at_switch: censor_at_switch?,
    })
}

fn read_spending(r: &mut Reader, node: &Node, path: &str) -> Option<Spending> {
    match &node.value {
        Value::String(name) => Spending::named(name).or_else(|| {
            r.error(node, path, format!("expected {}", Spending::expected()));
            None
        }),
        Value::Table(_) => {
            let family = Spending::NAMES[2];
            let t = r.table(node, path, &[family])?;
            let g = r.required(node, t, path, family, "the gamma of the Hwang–Shih–DeCani family, e.g. -4")?;
            r.number(g, &join(path, family), |x| {
                if (-40.0..=40.0).contains(&x) { Ok(()) } else { Err("gamma must be in [-40, 40]".into()) }
            })
            .map(Spending::HwangShihDeCani)
        }
        _ => {
            r.error(node, path, format!("expected {}", Spending::expected()));
            None
        }
    }
}

fn read_analysis(
    r: &mut Reader,
    root: &Node,
    top: &[Entry],
    endpoints: &Option<Vec<Endpoint>>,
    sample_size: Option<u32>,
) -> Option<Analysis> {
    let Some(node) = get(top, "analysis") else {
        r.error_at(
            &root.origin,
            "analysis",
            "missing; expected an [analysis] table with a cut, e.g. cut = { endpoint = \"efs\", events = 300 }",
        );
        return None;
    };
    let t = r.table(
        node,
        "analysis",
        &[
            "cut",
            "looks",
            "spending",
            "futility",
            "multiplicity",
            "report_conditional_power",
            "conditional_power_hazard_ratio",
            "reestimation",
            "harm",
        ],
    )?;
    // Endpoint names are known even where an endpoint's settings are wrong, so references to it
    // resolve (no second error caused by the first).
    let endpoint_names: Vec<String> = match get(top, "endpoints").and_then(Node::table) {
        Some(t) => t.iter().map(|e| e.key.clone()).collect(),
        None => Vec::new(),
    };
    let cut = r.required(node, t, "analysis", "cut", "{ month = 48 }, { endpoint = \"efs\", events = 300 } or { min_follow_up_months = 1.0 }").and_then(|c| {
        let ct = r.table(c, "analysis.cut", &["month", "endpoint", "events", "min_follow_up_months"])?;
        match (get(ct, "month"), get(ct, "endpoint"), get(ct, "events"), get(ct, "min_follow_up_months")) {
            (Some(m), None, None, None) => r.number(m, "analysis.cut.month", positive_months).map(Cut::Month),
            (None, None, None, Some(m)) => r.number(m, "analysis.cut.min_follow_up_months", months).map(Cut::MinFollowUp),
            (None, Some(en), Some(ev), None) => {
                let events = r.integer(ev, "analysis.cut.events", 1, MAX_SAMPLE_SIZE);
                if let (Some(n), Some(size)) = (events, sample_size)
                    && n > size as i64 {
                        r.error(ev, "analysis.cut.events", format!("a cut cannot wait for more events than patients (enrollment.sample_size = {size})"));
                        return None;
                    }
                let id = ref_in_endpoints(r, en, "analysis.cut.endpoint", &endpoint_names)?;
                let endpoints = endpoints.as_ref()?;
                let time_to_event = match endpoints[id].kind {
                    EndpointKind::TimeToEvent { .. } => true,
                    EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
                };
                if !time_to_event {
                    r.error(en, "analysis.cut.endpoint", "an event-driven cut needs a time_to_event endpoint");
                    return None;
                }
                Some(Cut::Events { endpoint: id, events: events? as u32 })
            }
            _ => {
                r.error(c, "analysis.cut", "expected exactly one of: month = M; endpoint = \"E\" with events = N; min_follow_up_months = M");
                None
            }
        }
    });
    let (looks, look_gap, during_enrolment) = match get(t, "looks") {
        None => (Some(Looks::Information(vec![1.0])), Some(0.0), Some(false)),
        Some(n) if n.table().is_some() => match read_table_looks(r, n, cut.as_ref()) {
            Some((l, g, d)) => (Some(l), Some(g), Some(d)),
            None => (None, None, None),
        },
        Some(n) => (read_fractions(r, n, "analysis.looks").map(Looks::Information), Some(0.0), Some(false)),
    };
    let spending = match get(t, "spending") {
        None => Some(Spending::OBrienFleming),
        Some(n) => read_spending(r, n, "analysis.spending"),
    };
    let [z_key, beta_spending_key, cp_key] = Futility::NAMES;
    let (beta_key, hr_key) = (Futility::KEYS[1][0], Futility::KEYS[2][0]);
    let futility_keys: Vec<&str> = Futility::NAMES
        .iter()
        .chain(Futility::KEYS.iter().copied().flatten())
        .chain([&Futility::BINDING])
        .copied()
        .collect();
    let futility = match get(t, "futility") {
        None => Some(None),
        Some(n) => r.table(n, "analysis.futility", &futility_keys).and_then(|ft| {
            if let Some(c) = get(ft, cp_key) {
                if get(ft, z_key).is_some() || get(ft, beta_spending_key).is_some() || get(ft, beta_key).is_some() {
                    r.error(n, "analysis.futility", "expected one rule: conditional_power = G (with an optional hazard_ratio), z = Z, or beta_spending");
                    return None;
                }
                let below = r.number(c, &format!("analysis.futility.{cp_key}"), |x| {
                    if x > 0.0 && x < 1.0 { Ok(()) } else { Err("a conditional power threshold must be in (0, 1)".into()) }
                });
                let hazard_ratio = match get(ft, hr_key) {
                    None => Some(None),
                    Some(h) => r.number(h, &format!("analysis.futility.{hr_key}"), hazard_ratio_value).map(Some),
                };
                return Some(Some(Futility::ConditionalPower { below: below?, hazard_ratio: hazard_ratio? }));
            }
            if let Some(h) = get(ft, hr_key) {
                r.error(h, &format!("analysis.futility.{hr_key}"), "a hazard ratio is read only by the conditional-power rule (conditional_power = G)");
                return None;
            }
            match (get(ft, z_key), get(ft, beta_spending_key)) {
                (Some(z), None) if get(ft, beta_key).is_none() => r
                    .number(z, &format!("analysis.futility.{z_key}"), |x| {
                        if (-10.0..=10.0).contains(&x) { Ok(()) } else { Err("expected a z value in [-10, 10]".into()) }
                    })
                    .map(|z| Some(Futility::Z(z))),
                (None, Some(b)) => {
                    let spending = read_spending(r, b, &format!("analysis.futility.{beta_spending_key}"));
                    let beta = match get(ft, beta_key) {
                        None => Some(0.2),
                        Some(x) => r.number(x, &format!("analysis.futility.{beta_key}"), |v| {
                            if v > 0.0 && v < 0.5 { Ok(()) } else { Err("a type II error must be in (0, 0.5)".into()) }
                        }),
                    };
                    Some(Some(Futility::BetaSpending { spending: spending?, beta: beta? }))
                }
                _ => {
                    r.error(n, "analysis.futility", "expected z = Z (stop when z is below), beta_spending = \"obrien_fleming\" | \"pocock\" | { hwang_shih_decani = G } with an optional beta = 0.2, or conditional_power = G (stop when the conditional power is below G) with an optional hazard_ratio");
                    None
                }
            }
        }),
    };
    let binding = match get(t, "futility").and_then(Node::table).and_then(|ft| get(ft, Futility::BINDING)) {
        None => Some(false),
        Some(b) => r.boolean(b, &format!("analysis.futility.{}", Futility::BINDING)).and_then(|x| {
            if x && conditional_power_rule(futility) {
                r.error(b, &format!("analysis.futility.{}", Futility::BINDING), "a conditional-power rule is non-binding (its bound depends on the efficacy boundaries a binding rule would change); use a z or beta_spending rule to bind");
                return None;
            }
            Some(x)
        }),
    };
    let multiplicity = match get(t, "multiplicity") {
        None => Some(None),
        Some(n) => r
            .table(n, "analysis.multiplicity", &["method", "endpoints", "alpha", "spending", "weights", "transitions"])
            .and_then(|mt| {
                let method = r
                    .required(
                        n,
                        mt,
                        "analysis.multiplicity",
                        "method",
                        "\"fixed_sequence\", \"holm\", \"bonferroni\", \"fallback\" or \"graphical\"",
                    )
                    .and_then(|m| {
                        r.choice(m, "analysis.multiplicity.method", &MultiplicityMethod::NAMES)
                            .and_then(MultiplicityMethod::from_name)
                    });
                let eps = r
                    .required(
                        n,
                        mt,
                        "analysis.multiplicity",
                        "endpoints",
                        "the endpoints in the family, in testing order",
                    )
                    .and_then(|e| {
                        let ids = name_list(r, e, "analysis.multiplicity.endpoints", &endpoint_names, "endpoint")?;
                        if ids.len() < 2 {
                            r.error(
                                e,
                                "analysis.multiplicity.endpoints",
                                "a multiplicity family needs at least two endpoints",
                            );
                            return None;
                        }
                        if let Some(eps) = endpoints
                            && let Some(&s) = ids.iter().find(|&&i| !has_test(&eps[i].kind))
                        {
                            r.error(
                                e,
                                "analysis.multiplicity.endpoints",
                                format!("{:?} is a safety endpoint, which has no test", eps[s].name),
                            );
                            return None;
                        }
                        Some(ids)
                    });
                let alpha = match get(mt, "alpha") {
                    None => Some(0.025),
                    Some(a) => r.number(a, "analysis.multiplicity.alpha", |x| {
                        if x > 0.0 && x < 0.5 { Ok(()) } else { Err("a one-sided alpha must be in (0, 0.5)".into()) }
                    }),
                };
                let eps = eps?;
                // Per-member spending functions: { endpoint = spending, … }, default the analysis'.
                let mut member_spending = vec![spending.unwrap_or(Spending::OBrienFleming); eps.len()];
                if let Some(sn) = get(mt, "spending") {
                    let st = r.named_table(sn, "analysis.multiplicity.spending", "endpoint")?;
                    for entry in st {
                        let path = join("analysis.multiplicity.spending", &entry.key);
                        let Some(j) = eps.iter().position(|&i| endpoint_names.get(i) == Some(&entry.key)) else {
                            let names: Vec<&str> = eps.iter().map(|&i| endpoint_names[i].as_str()).collect();
                            r.error(
                                &entry.node,
                                &path,
                                format!("not an endpoint of the family (expected one of {})", names.join(", ")),
                            );
                            continue;
                        };
                        if let Some(sp) = read_spending(r, &entry.node, &path) {
                            member_spending[j] = sp;
                        }
                    }
                }
                let method = method?;
                let graph = read_graph(r, n, mt, method, eps.len())?;
                Some(Some(Multiplicity { method, endpoints: eps, alpha: alpha?, spending: member_spending, graph }))
            }),
    };
    // The endpoint monitored at the looks: the cut's, or the first endpoint with a test.
    let monitored = match (&cut, endpoints) {
        (Some(Cut::Events { endpoint, .. }), _) => Some(*endpoint),
        (Some(Cut::Month(_) | Cut::MinFollowUp(_)), Some(eps)) => eps.iter().position(|e| has_test(&e.kind)),
        (Some(Cut::Month(_) | Cut::MinFollowUp(_)), None) | (None, _) => None,
    };
    if let (Some(ls), Some(pe), Some(eps)) = (&looks, monitored, endpoints)
        && ls.count() > 1
    {
        let why = match &eps[pe].kind {
            EndpointKind::TimeToEvent { test, .. } => match test {
                TimeToEventTest::MaxCombo => Some(
                    "its MaxCombo test has a statistic that is not standard normal under the null and is analysed once",
                ),
                TimeToEventTest::Logrank
                | TimeToEventTest::StratifiedLogrank
                | TimeToEventTest::FlemingHarrington { .. }
                | TimeToEventTest::Cox
                | TimeToEventTest::OneSampleLogrank { .. } => None,
            },
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => Some(
                "it is not a time-to-event endpoint (group-sequential boundaries need a statistic that is standard normal under the null, with information from events)",
            ),
        };
        if let Some(why) = why {
            r.error_on(get(t, "looks"), &node.origin, "analysis.looks", format!("interim looks are monitored on {:?} (the cut's endpoint, or the first endpoint with a test), but {why}", eps[pe].name));
            return None;
        }
    }
    // rpact refuses a beta-spending design whose futility bound comes within 0.01 of the
    // efficacy bound at an interim (the futility rule would then decide the trial); so do we.
    // (Under looks at calendar months the planned fractions are known only from the planning
    // simulation; a bound that crosses is capped at the efficacy bound there.)
    let information = match &looks {
        Some(Looks::Information(ls)) => Some(ls),
        Some(Looks::Months(_) | Looks::Combined { .. }) | None => None,
    };
    let beta_spending = match futility {
        Some(Some(Futility::BetaSpending { spending: bs, beta })) => Some((bs, beta)),
        Some(Some(Futility::Z(_) | Futility::ConditionalPower { .. }) | None) | None => None,
    };
    if let (Some(ls), Some(sp), Some((bs, beta)), Some(eps)) = (information, spending, beta_spending, endpoints)
        && ls.len() > 1
        && let Some(pe) = monitored
    {
        let bound = get(t, "futility").and_then(Node::table).and_then(|ft| get(ft, "binding"));
        let binding = bound.is_some_and(|b| matches!(b.value, Value::Boolean(true)));
        let d = crate::design::spending::beta_spending_design(sp, eps[pe].alpha, bs, beta, ls, ls, binding);
        if let Some(k) = d.crossing {
            let (f, e) = (&d.futility, &d.efficacy);
            r.error_on(get(t, "futility"), &node.origin, "analysis.futility", format!("the beta-spending futility bound at look {} (information {}) is {:.4}, within 0.01 of the efficacy bound {:.4}: the futility rule would decide the trial (rpact refuses this design too); move the look earlier, or use a smaller beta or another beta_spending", k + 1, ls[k], f[k], e[k]));
            return None;
        }
    }
    // Holm and Bonferroni compare p-values; Simon's two-stage design gives a decision, not a
    // p-value (its ordering of outcomes over two stages is not the one a level α/k needs).
    if let (Some(m), Some(eps)) = (multiplicity.as_ref().and_then(|m| m.as_ref()), endpoints)
        && compares_p_values(m.method)
        && let Some(&i) = m.endpoints.iter().find(|&&i| simon_two_stage(&eps[i].kind))
    {
        r.error_on(get(t, "multiplicity"), &node.origin, "analysis.multiplicity.endpoints", format!("{:?} uses Simon's two-stage design, which decides at its own fixed levels and has no p-value for the {} procedure to compare with its share of alpha; use method = \"fixed_sequence\" (Simon's design last), or test the endpoint with exact_binomial", eps[i].name, m.method.name()));
        return None;
    }
    // A family tested group-sequentially: every member needs a z statistic at every look
    // (time to event, a test that is standard normal under the null), and the monitored
    // endpoint must be in the family (first, for a fixed sequence).
    if let (Some(ls), Some(m), Some(eps)) = (&looks, multiplicity.as_ref().and_then(|m| m.as_ref()), endpoints)
        && ls.count() > 1
    {
        let at = get(t, "multiplicity");
        let primary = monitored;
        for &i in &m.endpoints {
            match &eps[i].kind {
                EndpointKind::TimeToEvent { test: TimeToEventTest::MaxCombo, .. } => {
                    r.error_on(at, &node.origin, "analysis.multiplicity.endpoints", format!("{:?} uses the MaxCombo test, whose statistic is not standard normal under the null: it cannot be tested at interim looks", eps[i].name));
                    return None;
                }
                EndpointKind::TimeToEvent {
                    test:
                        TimeToEventTest::Logrank
                        | TimeToEventTest::StratifiedLogrank
                        | TimeToEventTest::FlemingHarrington { .. }
                        | TimeToEventTest::Cox
                        | TimeToEventTest::OneSampleLogrank { .. },
                    ..
                } => {}
                EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => {
                    r.error_on(at, &node.origin, "analysis.multiplicity.endpoints", format!("{:?} is not a time-to-event endpoint: with interim looks every endpoint of the family is tested group-sequentially, which needs a time-to-event test", eps[i].name));
                    return None;
                }
            }
        }
        if let Some(pe) = primary {
            let position = m.endpoints.iter().position(|&i| i == pe);
            // A fixed sequence needs the monitored endpoint first; the others, in the family.
            let first = match m.method {
                MultiplicityMethod::FixedSequence => true,
                MultiplicityMethod::Holm
                | MultiplicityMethod::Bonferroni
                | MultiplicityMethod::Fallback
                | MultiplicityMethod::Graphical => false,
            };
            let ok = if first { position == Some(0) } else { position.is_some() };
            if !ok {
                r.error_on(
                    at,
                    &node.origin,
                    "analysis.multiplicity.endpoints",
                    format!(
                        "with interim looks the endpoint monitored at the looks ({:?}) must be {} the family",
                        eps[pe].name,
                        if first { "the first of" } else { "in" }
                    ),
                );
                return None;
            }
        }
        if m.endpoints.len() > 8 {
            r.error_on(
                at,
                &node.origin,
                "analysis.multiplicity.endpoints",
                "with interim looks a family has at most 8 endpoints",
            );
            return None;
        }
    }
    let report_cp = match get(t, "report_conditional_power") {
        None => Some(false),
        Some(b) => r.boolean(b, "analysis.report_conditional_power"),
    };
    let cp_hazard_ratio = match get(t, "conditional_power_hazard_ratio") {
        None => Some(None),
        Some(h) => r.number(h, "analysis.conditional_power_hazard_ratio", hazard_ratio_value).map(Some),
    };
    let (report_cp, cp_hazard_ratio) = (report_cp?, cp_hazard_ratio?);
    if !report_cp && let Some(h) = get(t, "conditional_power_hazard_ratio") {
        r.error(h, "analysis.conditional_power_hazard_ratio", "is read only with report_conditional_power = true");
        return None;
    }
    // Conditional power needs interim looks of a log-rank or Cox statistic, whose drift a
    // hazard ratio gives.
    let wants_cp = report_cp || conditional_power_rule(futility);
    if wants_cp && let (Some(ls), Some(eps)) = (&looks, endpoints) {
        let at = get(t, "report_conditional_power").or_else(|| get(t, "futility"));
        let path = if report_cp { "analysis.report_conditional_power" } else { "analysis.futility.conditional_power" };
        if ls.count() < 2 {
            r.error_on(
                at,
                &node.origin,
                path,
                "conditional power is computed at interim looks: the design has none (analysis.looks)",
            );
            return None;
        }
        if let Some(pe) = monitored
            && !hazard_ratio_drift(&eps[pe].kind)
        {
            r.error_on(at, &node.origin, path, format!("conditional power is computed for a log-rank or Cox statistic, whose drift a hazard ratio gives; the monitored endpoint {:?} uses another test", eps[pe].name));
            return None;
        }
    }
    let binding = binding?;
    let reestimation = match get(t, "reestimation") {
        None => None,
        Some(n) => {
            let re = read_reestimation(r, n, looks.as_ref()?, cut.as_ref()?, endpoints.as_ref()?, monitored)?;
            let at = Some(n);
            let why = if multiplicity.as_ref().is_some_and(|m| m.is_some()) {
                Some("a multiplicity family")
            } else if conditional_power_rule(futility) {
                Some("a conditional-power futility rule (the re-estimation rule is one already)")
            } else if binding {
                Some("a binding futility rule")
            } else if look_gap.is_some_and(|g| g > 0.0) {
                Some("a minimum gap between looks")
            } else if report_cp {
                Some(
                    "report_conditional_power (the conditional power of a combination test is not the group-sequential one)",
                )
            } else {
                None
            };
            if let Some(why) = why {
                r.error_on(
                    at,
                    &node.origin,
                    "analysis.reestimation",
                    format!("event re-estimation is not supported with {why}"),
                );
                return None;
            }
            Some(re)
        }
    };
    if binding
        && let Some(Some(_)) = &multiplicity
        && looks.as_ref().is_some_and(|l| l.count() > 1)
    {
        r.error_on(get(t, "futility"), &node.origin, "analysis.futility.binding", "a binding futility rule with a multiplicity family tested at the looks is not supported: each member's boundaries are computed at the level the procedure gives it, without the monitored endpoint's futility rule");
        return None;
    }
    let harm = match get(t, "harm") {
        None => None,
        Some(n) => {
            let ht = r.table(n, "analysis.harm", &["spending", "alpha"])?;
            let sp = match get(ht, "spending") {
                None => spending,
                Some(x) => read_spending(r, x, "analysis.harm.spending"),
            };
            let alpha = match get(ht, "alpha") {
                None => monitored.and_then(|pe| endpoints.as_ref().map(|e| e[pe].alpha)),
                Some(a) => r.number(a, "analysis.harm.alpha", |x| {
                    if x > 0.0 && x < 0.5 { Ok(()) } else { Err("a one-sided alpha must be in (0, 0.5)".into()) }
                }),
            };
            let why = if looks.as_ref().is_none_or(|l| l.count() <= 1) {
                Some("no interim looks (analysis.looks): a harm bound stops a trial at an interim")
            } else if multiplicity.as_ref().is_some_and(|m| m.is_some()) {
                Some("a multiplicity family")
            } else if reestimation.is_some() {
                Some("event re-estimation")
            } else if binding || conditional_power_rule(futility) {
                Some("a binding or conditional-power futility rule (both would move with the harm bound's boundaries)")
            } else {
                None
            };
            if let Some(why) = why {
                r.error(n, "analysis.harm", format!("a harm bound is not supported with {why}"));
                return None;
            }
            Some(Harm { spending: sp?, alpha: alpha? })
        }
    };
    Some(Analysis {
        cut: cut?,
        looks: looks?,
        spending: spending?,
        futility: futility?,
        look_gap_months: look_gap?,
        interims_during_enrolment: during_enrolment?,
        binding_futility: binding,
        multiplicity: multiplicity?,
        conditional_power: report_cp.then_some(ConditionalPowerReport { hazard_ratio: cp_hazard_ratio }),
        reestimation,
        harm,
    })
}

/// `looks = { months = [m1, m2, …] }`: the calendar months of the interim looks, increasing,
/// before the cut when the cut is a calendar month.
/// The table form of `analysis.looks`: `months` (interims at calendar months), `fractions`
/// (information, as the array form), or both with `trigger = "later" | "earlier"`; and
/// `min_gap_months`, `during_enrolment`. Returns the looks, the minimum gap and the check.
fn read_table_looks(r: &mut Reader, node: &Node, cut: Option<&Cut>) -> Option<(Looks, f64, bool)> {
    let t =
        r.table(node, "analysis.looks", &["months", "fractions", "trigger", "min_gap_months", "during_enrolment"])?;
    let months = match get(t, "months") {
        None => None,
        Some(m) => Some(read_look_months(r, m, cut)?),
    };
    let fractions = match get(t, "fractions") {
        None => None,
        Some(f) => Some(read_fractions(r, f, "analysis.looks.fractions")?),
    };
    let gap = match get(t, "min_gap_months") {
        None => Some(0.0),
        Some(g) => r.number(g, "analysis.looks.min_gap_months", self::months),
    };
    let during = match get(t, "during_enrolment") {
        None => Some(false),
        Some(b) => r.boolean(b, "analysis.looks.during_enrolment"),
    };
    let trigger = match get(t, "trigger") {
        None => Some(true),
        Some(n) if months.is_some() && fractions.is_some() => {
            r.choice(n, "analysis.looks.trigger", &["later", "earlier"]).map(|c| c == "later")
        }
        Some(n) => {
            r.error(n, "analysis.looks.trigger", "a trigger combines fractions and months: give both");
            None
        }
    };
    let looks = match (fractions, months) {
        (Some(f), None) => Looks::Information(f),
        (None, Some(m)) => Looks::Months(m),
        (Some(fractions), Some(months)) => {
            if months.len() + 1 != fractions.len() {
                r.error(node, "analysis.looks", format!("{} information fractions (the last, 1, the final analysis) need {} interim months, one per interim; found {}", fractions.len(), fractions.len() - 1, months.len()));
                return None;
            }
            let event_driven = match cut {
                Some(Cut::Events { .. }) => true,
                Some(Cut::Month(_) | Cut::MinFollowUp(_)) | None => false,
            };
            if !event_driven {
                r.error(node, "analysis.looks", "looks at the later or earlier of an event target and a month need an event-driven cut (analysis.cut = { endpoint = …, events = … }), whose target the fractions are of");
                return None;
            }
            Looks::Combined { fractions, months, later: trigger? }
        }
        (None, None) => {
            r.error(node, "analysis.looks", "expected { months = [m1, …] }, { fractions = [f1, …, 1.0] }, or both with trigger = \"later\" | \"earlier\"");
            return None;
        }
    };
    let _ = trigger?;
    Some((looks, gap?, during?))
}

/// Information fractions: increasing strictly in (0, 1], ending at 1, at most 10.
fn read_fractions(r: &mut Reader, n: &Node, path: &str) -> Option<Vec<f64>> {
    let items = r.array(n, path, "information fractions")?;
    let before = r.errors.len();
    let ls: Vec<f64> = items
        .iter()
        .enumerate()
        .filter_map(|(i, x)| {
            r.number(x, &format!("{path}[{i}]"), |f| {
                if f > 0.0 && f <= 1.0 { Ok(()) } else { Err("an information fraction must be in (0, 1]".into()) }
            })
        })
        .collect();
    if r.errors.len() > before {
        return None;
    }
    if ls.is_empty() || ls.windows(2).any(|w| w[1] <= w[0]) || *ls.last().expect("not empty") != 1.0 {
        r.error(n, path, "information fractions must increase strictly and end at 1.0 (the final analysis)");
        return None;
    }
    if ls.len() > 10 {
        r.error(n, path, "at most 10 looks");
        return None;
    }
    Some(ls)
}

fn read_look_months(r: &mut Reader, m: &Node, cut: Option<&Cut>) -> Option<Vec<f64>> {
    let items = r.array(m, "analysis.looks.months", "the calendar months of the interim looks")?;
    let before = r.errors.len();
    let ms: Vec<f64> = items
        .iter()
        .enumerate()
        .filter_map(|(i, x)| r.number(x, &format!("analysis.looks.months[{i}]"), positive_months))
        .collect();
    if r.errors.len() > before {
        return None;
    }
    if ms.is_empty() || ms.windows(2).any(|w| w[1] <= w[0]) {
        r.error(
            m,
            "analysis.looks.months",
            "the months of the interim looks must increase strictly (at least one; the final analysis is the cut)",
        );
        return None;
    }
    if ms.len() > 9 {
        r.error(m, "analysis.looks.months", "at most 9 interim looks (10 analyses with the final one)");
        return None;
    }
    let end = match cut {
        Some(&Cut::Month(end)) => Some(end),
        Some(Cut::Events { .. } | Cut::MinFollowUp(_)) | None => None,
    };
    if let Some(end) = end
        && let Some(&last) = ms.last()
        && last >= end
    {
        r.error(
            m,
            "analysis.looks.months",
            format!(
                "an interim look must come before the final analysis at month {end} (analysis.cut.month); found {last}"
            ),
        );
        return None;
    }
    Some(ms)
}

fn ref_in_endpoints(r: &mut Reader, node: &Node, path: &str, names: &[String]) -> Option<usize> {
    let s = r.string(node, path)?;
    match names.iter().position(|d| d == s) {
        Some(i) => Some(i),
        None => {
            r.error(node, path, format!("there is no endpoint {s:?}; the endpoints are {}", names.join(", ")));
            None
        }
    }
}

/// The stage sizes and cut-offs of a Simon two-stage design, checked against the sample size.
fn read_simon(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    sample_size: Option<u32>,
) -> Option<(u32, u32, u32)> {
    let n = sample_size? as i64;
    let mut int = |k: &str, what: &str, max: i64| {
        r.required(node, et, path, k, what).and_then(|v| r.integer(v, &join(path, k), 0, max))
    };
    let n1 = int("stage1_patients", "the number of patients in stage 1", n - 1);
    let r1 = int("stage1_max_responses", "stop after stage 1 when responses are at most this", n);
    let rr = int("max_responses", "reject the null rate when total responses exceed this", n - 1);
    let (n1, r1, rr) = (n1?, r1?, rr?);
    if n1 < 1 || r1 >= n1 || r1 > rr {
        r.error_at(
            &node.origin,
            path,
            format!(
                "a Simon design needs 1 <= stage1_patients < sample_size, stage1_max_responses < stage1_patients and stage1_max_responses <= max_responses < sample_size (found n1 = {n1}, r1 = {r1}, r = {rr}, n = {n})"
            ),
        );
        return None;
    }
    Some((n1 as u32, r1 as u32, rr as u32))
}

/// The graph of a multiplicity procedure over `m` members: `weights` (the fallback procedure's
/// and the graphical one's; non-negative, summing to at most 1, default equal) and
/// `transitions` (the graphical procedure's: m rows of m non-negative numbers, 0 on the
/// diagonal, each row summing to at most 1). A key the method does not read is refused.
fn read_graph(
    r: &mut Reader,
    node: &Node,
    mt: &[Entry],
    method: MultiplicityMethod,
    m: usize,
) -> Option<crate::stats::graph::Graph> {
    const PATH: &str = "analysis.multiplicity";
    const TOLERANCE: f64 = 1e-9;
    // The graphical procedure has no default graph: it needs its weights and transitions.
    let graph_needed = match method {
        MultiplicityMethod::Graphical => true,
        MultiplicityMethod::FixedSequence
        | MultiplicityMethod::Holm
        | MultiplicityMethod::Bonferroni
        | MultiplicityMethod::Fallback => false,
    };
    let mut ok = true;
    for key in ["weights", "transitions"] {
        if let Some(v) = get(mt, key)
            && !method.keys().contains(&key)
        {
            let readers: Vec<&str> =
                MultiplicityMethod::ALL.iter().filter(|x| x.keys().contains(&key)).map(|x| x.name()).collect();
            r.error(
                v,
                &join(PATH, key),
                format!("method {:?} does not read {key} (only {} do)", method.name(), readers.join(" and ")),
            );
            ok = false;
        }
    }
    let numbers = |r: &mut Reader, v: &Node, path: &str, what: &str| -> Option<Vec<f64>> {
        let items = r.array(v, path, what)?;
        if items.len() != m {
            r.error(v, path, format!("expected {m} numbers, one per endpoint of the family (found {})", items.len()));
            return None;
        }
        let xs: Vec<Option<f64>> = items
            .iter()
            .enumerate()
            .map(|(k, x)| {
                r.number(x, &format!("{path}[{k}]"), |w| {
                    if (0.0..=1.0).contains(&w) { Ok(()) } else { Err("a weight must be in [0, 1]".into()) }
                })
            })
            .collect();
        xs.into_iter().collect()
    };
    let weights = match get(mt, "weights") {
        Some(v) if method.keys().contains(&"weights") => {
            let path = join(PATH, "weights");
            let w = numbers(r, v, &path, "one weight per endpoint of the family")?;
            let total: f64 = w.iter().sum();
            if total > 1.0 + TOLERANCE {
                r.error(
                    v,
                    &path,
                    format!("the weights sum to {total}; they share the family's alpha and may sum to at most 1"),
                );
                return None;
            }
            Some(w)
        }
        _ => None,
    };
    let transitions = match get(mt, "transitions") {
        Some(v) if method.keys().contains(&"transitions") => {
            let path = join(PATH, "transitions");
            let rows = r.array(v, &path, "one row per endpoint of the family")?;
            if rows.len() != m {
                r.error(v, &path, format!("expected {m} rows of {m} numbers (found {} rows)", rows.len()));
                return None;
            }
            let mut g = Vec::with_capacity(m);
            for (i, row) in rows.iter().enumerate() {
                let rp = format!("{path}[{i}]");
                let Some(xs) = numbers(r, row, &rp, "the shares of this endpoint's weight that pass to each member")
                else {
                    ok = false;
                    continue;
                };
                if xs[i] != 0.0 {
                    r.error(row, &rp, format!("entry {i} is this endpoint's transition to itself, which must be 0"));
                    ok = false;
                }
                let total: f64 = xs.iter().sum();
                if total > 1.0 + TOLERANCE {
                    r.error(
                        row,
                        &rp,
                        format!(
                            "the row sums to {total}; a rejected endpoint passes on at most its own weight (at most 1)"
                        ),
                    );
                    ok = false;
                }
                g.push(xs);
            }
            Some(g)
        }
        None if graph_needed => {
            r.error(node, &join(PATH, "transitions"), "method \"graphical\" needs transitions = [[…], …]: row i gives the share of endpoint i's weight that passes to each member when i is rejected");
            return None;
        }
        _ => None,
    };
    if graph_needed && get(mt, "weights").is_none() {
        r.error(
            node,
            &join(PATH, "weights"),
            "method \"graphical\" needs weights = […]: each endpoint's initial share of the family's alpha",
        );
        return None;
    }
    ok.then(|| method.graph(m, weights, transitions))
}

/// Whether an endpoint of this kind has a test (every kind but safety).
fn has_test(kind: &EndpointKind) -> bool {
    match kind {
        EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
        EndpointKind::Safety { .. } => false,
    }
}

/// Whether an endpoint is tested by Simon's two-stage design.
fn simon_two_stage(kind: &EndpointKind) -> bool {
    match kind {
        EndpointKind::Binary { test, .. } => match test {
            BinaryTest::SimonTwoStage { .. } => true,
            BinaryTest::ExactBinomial { .. } | BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => false,
        },
        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => false,
    }
}

/// Whether an endpoint's statistic has a drift a hazard ratio gives (a log-rank or Cox test),
/// as conditional power needs.
fn hazard_ratio_drift(kind: &EndpointKind) -> bool {
    match kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::Logrank | TimeToEventTest::StratifiedLogrank | TimeToEventTest::Cox => true,
            TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::OneSampleLogrank { .. } => false,
        },
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
    }
}

/// Whether the futility rule read is a conditional-power rule.
fn conditional_power_rule(futility: Option<Option<Futility>>) -> bool {
    match futility {
        Some(Some(Futility::ConditionalPower { .. })) => true,
        Some(Some(Futility::Z(_) | Futility::BetaSpending { .. }) | None) | None => false,
    }
}

/// Whether a multiplicity procedure compares each member's p-value with a share of alpha
/// (every procedure but the fixed sequence, which tests each member at the full alpha).
fn compares_p_values(method: MultiplicityMethod) -> bool {
    match method {
        MultiplicityMethod::FixedSequence => false,
        MultiplicityMethod::Holm
        | MultiplicityMethod::Bonferroni
        | MultiplicityMethod::Fallback
        | MultiplicityMethod::Graphical => true,
    }
}

/// A hazard ratio a design assumes: positive and finite, not 1 for a drift.
fn hazard_ratio_value(x: f64) -> Result<(), String> {
    if x > 0.0 && x < 100.0 { Ok(()) } else { Err("a hazard ratio must be in (0, 100)".into()) }
}

/// `analysis.reestimation = { conditional_power = 0.8, min_events = [..], max_events = [..],
/// hazard_ratio = H, promising_from = P }`: needs an event-driven cut on the monitored
/// endpoint, looks by information, and a log-rank test (its increments are combined).
fn read_reestimation(
    r: &mut Reader,
    n: &Node,
    looks: &Looks,
    cut: &Cut,
    endpoints: &[Endpoint],
    monitored: Option<usize>,
) -> Option<Reestimation> {
    const PATH: &str = "analysis.reestimation";
    let t = r.table(n, PATH, &["conditional_power", "min_events", "max_events", "hazard_ratio", "promising_from"])?;
    let fractions = match looks {
        Looks::Information(fractions) => fractions,
        Looks::Months(_) | Looks::Combined { .. } => {
            r.error(n, PATH, "event re-estimation needs looks by information fractions (analysis.looks = [0.5, 1.0]): they give the stages' weights");
            return None;
        }
    };
    if fractions.len() < 2 {
        r.error(n, PATH, "event re-estimation needs at least one interim look (analysis.looks)");
        return None;
    }
    let (endpoint, events, pe) = match (cut, monitored) {
        (Cut::Events { endpoint, events }, Some(pe)) => (endpoint, events, pe),
        (Cut::Events { .. }, None) | (Cut::Month(_) | Cut::MinFollowUp(_), _) => {
            r.error(
                n,
                PATH,
                "event re-estimation needs an event-driven cut (analysis.cut = { endpoint = …, events = … })",
            );
            return None;
        }
    };
    // The stages' log-rank increments, under treatment policy.
    let combinable = match &endpoints[*endpoint].kind {
        EndpointKind::TimeToEvent { test, censor_at_switch, .. } => {
            !*censor_at_switch
                && match test {
                    TimeToEventTest::Logrank | TimeToEventTest::StratifiedLogrank => true,
                    TimeToEventTest::FlemingHarrington { .. }
                    | TimeToEventTest::MaxCombo
                    | TimeToEventTest::Cox
                    | TimeToEventTest::OneSampleLogrank { .. } => false,
                }
        }
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
    };
    if !combinable || *endpoint != pe {
        r.error(n, PATH, "event re-estimation combines the stages' log-rank increments: the monitored endpoint needs test = \"logrank\" or \"stratified_logrank\" (under treatment policy)");
        return None;
    }
    let cp = r
        .required(n, t, PATH, "conditional_power", "the conditional power the next stage's events aim at, e.g. 0.8")
        .and_then(|c| {
            r.number(c, &join(PATH, "conditional_power"), |x| {
                if x > 0.0 && x < 1.0 { Ok(()) } else { Err("a conditional power must be in (0, 1)".into()) }
            })
        });
    let stages = fractions.len() - 1;
    let planned: Vec<u32> = fractions.iter().map(|f| (f * *events as f64 - 1e-9).ceil().max(1.0) as u32).collect();
    let mut counts = |key: &str, what: &str| -> Option<Vec<u32>> {
        let path = join(PATH, key);
        let node = r.required(n, t, PATH, key, what)?;
        let items = r.array(node, &path, what)?;
        if items.len() != stages {
            r.error(
                node,
                &path,
                format!("expected {stages} event counts, one per stage after the first (found {})", items.len()),
            );
            return None;
        }
        let xs: Vec<Option<i64>> =
            items.iter().enumerate().map(|(k, x)| r.integer(x, &format!("{path}[{k}]"), 1, MAX_SAMPLE_SIZE)).collect();
        xs.into_iter().map(|x| x.map(|v| v as u32)).collect()
    };
    let min_events = counts("min_events", "the fewest events of each stage after the first, e.g. [100]");
    let max_events = counts("max_events", "the most events of each stage after the first, e.g. [400]");
    let hazard_ratio = match get(t, "hazard_ratio") {
        None => Some(None),
        Some(h) => r.number(h, &join(PATH, "hazard_ratio"), hazard_ratio_value).map(Some),
    };
    let promising_from = match get(t, "promising_from") {
        None => Some(None),
        Some(p) => r
            .number(p, &join(PATH, "promising_from"), |x| {
                if (0.0..1.0).contains(&x) { Ok(()) } else { Err("a conditional power must be in [0, 1)".into()) }
            })
            .map(Some),
    };
    let (min_events, max_events) = (min_events?, max_events?);
    for k in 0..stages {
        let stage = planned[k + 1] - planned[k];
        if min_events[k] > max_events[k] || stage < min_events[k] || stage > max_events[k] {
            r.error(n, PATH, format!("stage {}'s planned events ({stage}: {} − {} of analysis.cut.events = {events} at the looks' fractions) must lie within min_events {} and max_events {}", k + 2, planned[k + 1], planned[k], min_events[k], max_events[k]));
            return None;
        }
    }
    let (cp, promising_from) = (cp?, promising_from?);
    if promising_from.is_some_and(|p| p >= cp) {
        r.error(n, &join(PATH, "promising_from"), "the promising zone starts below the target conditional power");
        return None;
    }
    Some(Reestimation { conditional_power: cp, min_events, max_events, hazard_ratio: hazard_ratio?, promising_from })
}
