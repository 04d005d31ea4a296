//! `[analysis]`: the cut, spending, futility rule, conditional power, event re-estimation and
//! harm bound, and the checks across the analysis' settings (the monitored endpoint, the
//! beta-spending bound, the family at the looks). The looks and the multiplicity family have
//! their own files.

use super::common::{MAX_SAMPLE_SIZE, has_test, months, positive_months, read_spending};
use super::{looks, multiplicity};
use crate::scenario::model::{
    Analysis, Arm, BinaryTest, ConditionalPowerReport, Cut, Endpoint, EndpointId, EndpointKind, Futility, Harm,
    Intercurrent, Looks, Multiplicity, Reestimation, Spending, TimeToEventTest, planned_assessed,
};
use crate::scenario::read::{Reader, get, join};
use crate::scenario::tree::{Entry, Node, Value};

/// The analysis table and what was read of it, which the checks across its settings look at.
#[derive(Clone, Copy)]
struct Settings<'a> {
    node: &'a Node,
    t: &'a [Entry],
    endpoints: &'a Option<Vec<Endpoint>>,
    cut: &'a Option<Cut>,
    looks: &'a Option<Looks>,
    look_gap: Option<f64>,
    spending: Option<Spending>,
    futility: Option<Option<Futility>>,
    multiplicity: &'a Option<Option<Multiplicity>>,
    /// The endpoint monitored at the looks: the cut's, or the first endpoint with a test.
    monitored: Option<EndpointId>,
}

/// `[analysis]`: every setting, then the checks across them, in an order that stops at the
/// first of those that fails.
pub(super) fn read_analysis(
    r: &mut Reader,
    root: &Node,
    top: &[Entry],
    endpoints: &Option<Vec<Endpoint>>,
    arms: &[Arm],
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
    let cut = r
        .required(
            node,
            t,
            "analysis",
            "cut",
            "{ month = 48 }, { endpoint = \"efs\", events = 300 } or { min_follow_up_months = 1.0 }",
        )
        .and_then(|c| read_cut(r, c, endpoints, &endpoint_names, sample_size));
    let (looks, look_gap, during_enrolment) = looks::read_looks(r, t, cut.as_ref());
    let spending = match get(t, "spending") {
        None => Some(Spending::OBrienFleming),
        Some(n) => read_spending(r, n, "analysis.spending"),
    };
    let futility = read_futility(r, t);
    let binding = read_binding(r, t, futility);
    let multiplicity = multiplicity::read_multiplicity(r, t, endpoints, &endpoint_names, spending);
    // The endpoint monitored at the looks: the cut's, or the first endpoint with a test.
    let monitored = match (&cut, endpoints) {
        (Some(Cut::Events { endpoint, .. }), _) => Some(*endpoint),
        (Some(Cut::Month(_) | Cut::MinFollowUp(_)), Some(eps)) => eps.iter().position(|e| has_test(&e.kind)),
        (Some(Cut::Month(_) | Cut::MinFollowUp(_)), None) | (None, _) => None,
    };
    let s = Settings {
        node,
        t,
        endpoints,
        cut: &cut,
        looks: &looks,
        look_gap,
        spending,
        futility,
        multiplicity: &multiplicity,
        monitored,
    };
    check_monitored_test(r, s)?;
    check_patient_looks(r, s, arms, sample_size)?;
    check_bayes_interims(r, s, arms, sample_size)?;
    check_restriction_times(r, s)?;
    check_beta_spending(r, s)?;
    multiplicity::check_simon(r, node, t, &multiplicity, endpoints)?;
    multiplicity::check_family_at_looks(r, node, t, &looks, &multiplicity, endpoints, monitored)?;
    let (report_cp, cp_hazard_ratio) = read_conditional_power(r, s)?;
    let binding = binding?;
    let reestimation = read_reestimation_rules(r, s, binding, report_cp)?;
    check_binding_family(r, s, binding)?;
    let harm = read_harm(r, s, reestimation.is_some(), binding)?;
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

/// `analysis.cut`: a calendar month, an event count of a time-to-event endpoint, or a minimum
/// follow-up.
fn read_cut(
    r: &mut Reader,
    c: &Node,
    endpoints: &Option<Vec<Endpoint>>,
    endpoint_names: &[String],
    sample_size: Option<u32>,
) -> Option<Cut> {
    let ct = r.table(c, "analysis.cut", &["month", "endpoint", "events", "min_follow_up_months"])?;
    match (get(ct, "month"), get(ct, "endpoint"), get(ct, "events"), get(ct, "min_follow_up_months")) {
        (Some(m), None, None, None) => r.number(m, "analysis.cut.month", positive_months).map(Cut::Month),
        (None, None, None, Some(m)) => r.number(m, "analysis.cut.min_follow_up_months", months).map(Cut::MinFollowUp),
        (None, Some(en), Some(ev), None) => {
            let events = r.integer(ev, "analysis.cut.events", 1, MAX_SAMPLE_SIZE);
            if let (Some(n), Some(size)) = (events, sample_size)
                && n > size as i64
            {
                r.error(
                    ev,
                    "analysis.cut.events",
                    format!("a cut cannot wait for more events than patients (enrollment.sample_size = {size})"),
                );
                return None;
            }
            let id = ref_in_endpoints(r, en, "analysis.cut.endpoint", endpoint_names)?;
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
            r.error(
                c,
                "analysis.cut",
                "expected exactly one of: month = M; endpoint = \"E\" with events = N; min_follow_up_months = M",
            );
            None
        }
    }
}

/// `analysis.futility`, when given: a z bound, beta spending, or a conditional-power rule.
fn read_futility(r: &mut Reader, t: &[Entry]) -> Option<Option<Futility>> {
    let [z_key, beta_spending_key, cp_key] = Futility::NAMES;
    let (beta_key, hr_key) = (Futility::KEYS[1][0], Futility::KEYS[2][0]);
    let futility_keys: Vec<&str> = Futility::NAMES
        .iter()
        .chain(Futility::KEYS.iter().copied().flatten())
        .chain([&Futility::BINDING])
        .copied()
        .collect();
    match get(t, "futility") {
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
    }
}

/// `analysis.futility.binding`: whether the futility rule binds (a conditional-power rule
/// cannot).
fn read_binding(r: &mut Reader, t: &[Entry], futility: Option<Option<Futility>>) -> Option<bool> {
    match get(t, "futility").and_then(Node::table).and_then(|ft| get(ft, Futility::BINDING)) {
        None => Some(false),
        Some(b) => r.boolean(b, &format!("analysis.futility.{}", Futility::BINDING)).and_then(|x| {
            if x && conditional_power_rule(futility) {
                r.error(b, &format!("analysis.futility.{}", Futility::BINDING), "a conditional-power rule is non-binding (its bound depends on the efficacy boundaries a binding rule would change); use a z or beta_spending rule to bind");
                return None;
            }
            Some(x)
        }),
    }
}

/// An RMST test's τ or a milestone test's month at or beyond a calendar cut can never be
/// estimated (no patient is followed that long): every trial would fail to reject, silently.
fn check_restriction_times(r: &mut Reader, s: Settings<'_>) -> Option<()> {
    let (Some(Cut::Month(cut)), Some(eps)) = (s.cut, s.endpoints) else { return Some(()) };
    for e in eps {
        let horizon = match &e.kind {
            EndpointKind::TimeToEvent { test, .. } => match test {
                TimeToEventTest::Rmst { tau } => Some(("tau", *tau)),
                TimeToEventTest::Milestone { month } => Some(("month", *month)),
                TimeToEventTest::Logrank
                | TimeToEventTest::StratifiedLogrank
                | TimeToEventTest::FlemingHarrington { .. }
                | TimeToEventTest::MaxCombo
                | TimeToEventTest::Cox
                | TimeToEventTest::OneSampleLogrank { .. } => None,
            },
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => None,
        };
        if let Some((key, m)) = horizon.filter(|(_, m)| *m >= *cut) {
            r.error_at(&s.node.origin, &format!("endpoints.{}.{key}", e.name), format!("{m} months is at or beyond the calendar cut at month {cut}: no patient is followed that long, so the test could never be computed"));
            return None;
        }
    }
    Some(())
}

/// Interim looks need a monitored endpoint whose statistic is standard normal under the null.
fn check_monitored_test(r: &mut Reader, s: Settings<'_>) -> Option<()> {
    let Settings { node, t, endpoints, looks, monitored, .. } = s;
    if let (Some(ls), Some(pe), Some(eps)) = (looks, monitored, endpoints)
        && ls.count() > 1
    {
        let why = match &eps[pe].kind {
            EndpointKind::TimeToEvent { test, .. } => match test {
                TimeToEventTest::MaxCombo => Some(
                    "its MaxCombo test has a statistic that is not standard normal under the null and is analysed once",
                ),
                TimeToEventTest::Rmst { .. } | TimeToEventTest::Milestone { .. } => Some(
                    "its RMST or milestone difference has an information that does not grow with the events, so boundaries spent at the events' information fraction would not hold its level; test it at the final analysis only",
                ),
                TimeToEventTest::Logrank
                | TimeToEventTest::StratifiedLogrank
                | TimeToEventTest::FlemingHarrington { .. }
                | TimeToEventTest::Cox
                | TimeToEventTest::OneSampleLogrank { .. } => None,
            },
            EndpointKind::Binary { test, .. } => match test {
                BinaryTest::ChiSquare { continuity_correction: false } => binary_looks_refusal(s, ls),
                BinaryTest::ChiSquare { continuity_correction: true } => Some(
                    "its continuity-corrected chi-square is not the statistic group-sequential boundaries are spent on; use the uncorrected one (rpact's normal approximation), continuity_correction = false",
                ),
                BinaryTest::Fisher => Some(
                    "Fisher's exact test has no standard normal statistic to spend boundaries on; monitor test = \"chi_square\" (the z of two rates, rpact's) at the looks",
                ),
                BinaryTest::ExactBinomial { .. } => match s.futility {
                    Some(Some(Futility::BetaSpending { .. } | Futility::ConditionalPower { .. })) => Some(
                        "a single arm's exact binomial boundaries at looks take a z futility rule on the exact p-value's z scale (futility = { z = 0.0 }, binding or not); beta spending and conditional power need a design alternative the exact boundaries do not have",
                    ),
                    Some(Some(Futility::Z(_)) | None) | None => binary_looks_refusal(s, ls),
                },
                BinaryTest::SimonTwoStage { .. } => {
                    Some("Simon's two-stage design has its own stages; give no other looks")
                }
                BinaryTest::GComputation { .. } | BinaryTest::Weighted { .. } => {
                    Some("an adjusted comparison (g-computation, weighting) is analysed once, at the final analysis")
                }
                BinaryTest::Bayesian { .. } | BinaryTest::BayesianDifference { .. } => Some(
                    "a Bayesian rule has its own interims (the endpoint's interims = [patients, …], with futility_predictive and early_success); give no other looks",
                ),
            },
            EndpointKind::Safety { .. } => Some("a safety endpoint has no test to monitor"),
        };
        if let Some(why) = why {
            r.error_on(get(t, "looks"), &node.origin, "analysis.looks", format!("interim looks are monitored on {:?} (the cut's endpoint, or the first endpoint with a test), but {why}", eps[pe].name));
            return None;
        }
    }
    Some(())
}

/// A Bayesian rule's interims stop the trial: only the primary endpoint's may, and each must
/// come before the compared arms' planned patients (the sample size times their allocation
/// share, rounded down), where the final analysis is.
fn check_bayes_interims(r: &mut Reader, s: Settings<'_>, arms: &[Arm], sample_size: Option<u32>) -> Option<()> {
    let (Some(eps), Some(n)) = (s.endpoints, sample_size) else { return Some(()) };
    for (i, e) in eps.iter().enumerate() {
        let EndpointKind::Binary { test, .. } = &e.kind else { continue };
        let rule = match test {
            BinaryTest::Bayesian { rule, .. } | BinaryTest::BayesianDifference { rule } => rule,
            BinaryTest::ExactBinomial { .. }
            | BinaryTest::SimonTwoStage { .. }
            | BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => continue,
        };
        let Some(&last) = rule.looks.last() else { continue };
        let path = format!("endpoints.{}.interims", e.name);
        if Some(i) != s.monitored {
            let primary = s.monitored.map_or("none".to_string(), |p| format!("{:?}", eps[p].name));
            r.error_at(&s.node.origin, &path, format!("a Bayesian rule's interims stop the trial, so only the primary endpoint may have them (the primary is {primary}: the cut's endpoint, or the first with a test); remove them, or make this endpoint the first"));
            return None;
        }
        if arms.is_empty() || e.treatment >= arms.len() || e.control.is_some_and(|c| c >= arms.len()) {
            return Some(());
        }
        let planned = planned_assessed(n, arms, e.treatment, e.control);
        if last >= planned {
            r.error_at(&s.node.origin, &path, format!("every interim must come before the final analysis at the compared arms' {planned} planned patients (sample size {n} times their allocation share); the last is {last}"));
            return None;
        }
    }
    Some(())
}

/// `looks = { patients = [...] }` counts the assessments of a monitored response; the last
/// count is the final analysis, every patient of the compared arms assessed.
fn check_patient_looks(r: &mut Reader, s: Settings<'_>, arms: &[Arm], sample_size: Option<u32>) -> Option<()> {
    let (Some(Looks::Patients(counts)), Some(eps)) = (s.looks, s.endpoints) else { return Some(()) };
    let node = get(s.t, "looks").and_then(Node::table).and_then(|t| get(t, "patients"));
    let Some(e) = s.monitored.map(|pe| &eps[pe]).filter(|e| match e.kind {
        EndpointKind::Binary { .. } => true,
        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => false,
    }) else {
        r.error_on(node, &s.node.origin, "analysis.looks.patients", "looks at patient counts monitor a response endpoint (the first endpoint with a test, under a calendar cut); a time-to-event endpoint's looks are event counts (looks = { events = [...] }) or information fractions");
        return None;
    };
    // The arms may have their own errors.
    if arms.is_empty() || e.treatment >= arms.len() || e.control.is_some_and(|c| c >= arms.len()) {
        return Some(());
    }
    let Some(n) = sample_size else { return Some(()) };
    let planned = planned_assessed(n, arms, e.treatment, e.control);
    let last = *counts.last().expect("validated: at least one look");
    if last != planned {
        let which = if e.control.is_some() { "the two compared arms" } else { "the treatment arm" };
        r.error_on(node, &s.node.origin, "analysis.looks.patients", format!("the last count is the final analysis, every patient of {which} assessed: expected {planned} (enrollment.sample_size {n} times the arms' share of the allocation, rounded down); found {last}"));
        return None;
    }
    Some(())
}

/// What two-arm responses monitored at looks do not have yet (None when the design is one they
/// have): looks by fractions of the planned assessed patients, with an efficacy boundary and a
/// z or beta-spending futility rule.
fn binary_looks_refusal(s: Settings<'_>, ls: &Looks) -> Option<&'static str> {
    let by_fractions = match ls {
        Looks::Information(_) | Looks::Patients(_) => true,
        Looks::Events(_) | Looks::Months(_) | Looks::Combined { .. } => false,
    };
    let cp_futility = match s.futility {
        Some(Some(Futility::ConditionalPower { .. })) => true,
        Some(Some(Futility::Z(_) | Futility::BetaSpending { .. }) | None) | None => false,
    };
    if !by_fractions {
        Some(
            "responses are monitored at looks given as fractions of the planned assessed patients (looks = [0.5, 1.0]); events, months and combined triggers are for time to event",
        )
    } else if s.look_gap.is_some_and(|g| g > 0.0) {
        Some("a minimum gap between looks is for time to event")
    } else if cp_futility {
        Some("a conditional-power futility rule is for time to event; use z = Z or beta_spending")
    } else if ["harm", "reestimation", "report_conditional_power"].iter().any(|k| get(s.t, k).is_some()) {
        Some("harm bounds, re-estimation and reported conditional power are for time to event")
    } else {
        None
    }
}

/// The beta-spending futility bound must not come within 0.01 of the efficacy bound.
fn check_beta_spending(r: &mut Reader, s: Settings<'_>) -> Option<()> {
    let Settings { node, t, endpoints, looks, spending, futility, monitored, .. } = s;
    // rpact refuses a beta-spending design whose futility bound comes within 0.01 of the
    // efficacy bound at an interim (the futility rule would then decide the trial); so do we.
    // (Under looks at calendar months the planned fractions are known only from the planning
    // simulation; a bound that crosses is capped at the efficacy bound there.)
    let information = looks.as_ref().and_then(Looks::fractions);
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
        let d = crate::stats::spending::beta_spending_design(sp, eps[pe].alpha, bs, beta, &ls, &ls, binding);
        if let Some(k) = d.crossing {
            let (f, e) = (&d.futility, &d.efficacy);
            r.error_on(get(t, "futility"), &node.origin, "analysis.futility", format!("the beta-spending futility bound at look {} (information {}) is {:.4}, within 0.01 of the efficacy bound {:.4}: the futility rule would decide the trial (rpact refuses this design too); move the look earlier, or use a smaller beta or another beta_spending", k + 1, ls[k], f[k], e[k]));
            return None;
        }
    }
    Some(())
}

/// `report_conditional_power` and `conditional_power_hazard_ratio`, and what conditional
/// power (reported or a futility rule) needs: interim looks of a log-rank or Cox statistic.
fn read_conditional_power(r: &mut Reader, s: Settings<'_>) -> Option<(bool, Option<f64>)> {
    let Settings { node, t, endpoints, looks, futility, monitored, .. } = s;
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
    if wants_cp && let (Some(ls), Some(eps)) = (looks, endpoints) {
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
    Some((report_cp, cp_hazard_ratio))
}

/// `analysis.reestimation`, when given, and the settings it cannot go with.
fn read_reestimation_rules(
    r: &mut Reader,
    s: Settings<'_>,
    binding: bool,
    report_cp: bool,
) -> Option<Option<Reestimation>> {
    let Settings { node, t, endpoints, cut, looks, look_gap, futility, multiplicity, monitored, .. } = s;
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
    Some(reestimation)
}

/// A binding futility rule cannot go with a multiplicity family tested at the looks.
fn check_binding_family(r: &mut Reader, s: Settings<'_>, binding: bool) -> Option<()> {
    let Settings { node, t, looks, multiplicity, .. } = s;
    if binding
        && let Some(Some(_)) = multiplicity
        && looks.as_ref().is_some_and(|l| l.count() > 1)
    {
        r.error_on(get(t, "futility"), &node.origin, "analysis.futility.binding", "a binding futility rule with a multiplicity family tested at the looks is not supported: each member's boundaries are computed at the level the procedure gives it, without the monitored endpoint's futility rule");
        return None;
    }
    Some(())
}

/// `analysis.harm`, when given, and the settings it cannot go with.
fn read_harm(r: &mut Reader, s: Settings<'_>, reestimation: bool, binding: bool) -> Option<Option<Harm>> {
    let Settings { t, endpoints, looks, spending, futility, multiplicity, monitored, .. } = s;
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
                    if (1e-6..0.5).contains(&x) { Ok(()) } else { Err("a one-sided alpha must be in [1e-6, 0.5) (as rpact: below 1e-6 the boundaries are floating-point noise)".into()) }
                }),
            };
            let why = if looks.as_ref().is_none_or(|l| l.count() <= 1) {
                Some("no interim looks (analysis.looks): a harm bound stops a trial at an interim")
            } else if multiplicity.as_ref().is_some_and(|m| m.is_some()) {
                Some("a multiplicity family")
            } else if reestimation {
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
    Some(harm)
}

/// A reference to an endpoint by name.
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

/// Whether an endpoint's statistic has a drift a hazard ratio gives (a log-rank or Cox test),
/// as conditional power needs.
fn hazard_ratio_drift(kind: &EndpointKind) -> bool {
    match kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::Logrank | TimeToEventTest::StratifiedLogrank | TimeToEventTest::Cox => true,
            TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::OneSampleLogrank { .. }
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. } => false,
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
        Looks::Events(_) | Looks::Patients(_) | Looks::Months(_) | Looks::Combined { .. } => {
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
        EndpointKind::TimeToEvent { test, intercurrent, .. } => {
            let treatment_policy = match intercurrent {
                Intercurrent::TreatmentPolicy => true,
                Intercurrent::CensorAtSwitch => false,
            };
            treatment_policy
                && match test {
                    TimeToEventTest::Logrank | TimeToEventTest::StratifiedLogrank => true,
                    TimeToEventTest::FlemingHarrington { .. }
                    | TimeToEventTest::MaxCombo
                    | TimeToEventTest::Cox
                    | TimeToEventTest::OneSampleLogrank { .. }
                    | TimeToEventTest::Rmst { .. }
                    | TimeToEventTest::Milestone { .. } => false,
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
