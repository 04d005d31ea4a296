//! The scenario under the null hypothesis of every test, for `run --null`: the same patients
//! (the same seed, so the same random numbers: every draw sits at a fixed slot of its
//! patient's stream), with each treatment effect set to its null. Derived here, inside the
//! scenario module, from a validated scenario; every invariant of the language still holds
//! (hazard ratios, cure fractions and probabilities are copied from another arm or set to a
//! rate the scenario itself validated).

use super::model::*;

/// The scenario with every treatment effect at its null, and what was set, in words; an error
/// where an endpoint has no null the engine can simulate.
pub fn under_null(
    s: &Scenario,
    marginal: &dyn Fn(usize, usize, f64) -> f64,
) -> Result<(Scenario, Vec<String>), String> {
    let mut null = s.clone();
    let mut done = Vec::new();
    common_control(s, &mut null, &mut done)?;
    single_arm_nulls(s, &mut null, &mut done, marginal)?;
    switching_without_effect(&mut null, &mut done);
    hazard_ratio_margins(s, &mut null, &mut done)?;
    rate_difference_margins(s, &mut null, &mut done, marginal)?;
    null.name = format!("{} — under the null", s.name);
    Ok((null, done))
}

/// Gives every arm the hazards, cures and probabilities of the two-arm comparisons' control.
fn common_control(s: &Scenario, null: &mut Scenario, done: &mut Vec<String>) -> Result<(), String> {
    // The reference arm of the two-arm comparisons: every arm gets its hazards, cures and
    // probabilities.
    let controls: Vec<ArmId> = s.endpoints.iter().filter_map(|e| e.control).collect();
    if let Some(&c) = controls.first() {
        if controls.iter().any(|&x| x != c) {
            return Err(format!(
                "--null: the endpoints compare against different arms ({}); no single null makes every arm alike",
                controls.iter().map(|&a| s.arms[a].name.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        for cohort in &mut null.cohorts {
            let models = cohort.events.iter_mut().flatten().chain(cohort.death_after_recurrence.as_mut());
            for m in models {
                for a in 0..s.arms.len() {
                    m.hazard_ratio[a] = m.hazard_ratio[c].clone();
                    m.cure_fraction[a] = m.cure_fraction[c];
                }
            }
            for r in cohort.responses.iter_mut().flatten() {
                for a in 0..s.arms.len() {
                    r.probability[a] = r.probability[c];
                }
            }
            for ae in cohort.adverse_events.iter_mut().flatten() {
                for a in 0..s.arms.len() {
                    ae.probability[a] = ae.probability[c];
                }
            }
        }
        done.push(format!(
            "every arm has {}'s hazards, hazard ratios, cure fractions, response and adverse-event probabilities",
            s.arms[c].name
        ));
    }
    Ok(())
}

/// Whether covariates act on response `response` in `cohort`.
fn acts_on_response(cohort: &Cohort, response: usize) -> bool {
    cohort.response_effects[response].iter().any(|&g| g != 0.0)
}

/// Whether covariates act on any of `events` in `cohort`.
fn acts_on_events(cohort: &Cohort, events: &[EventId]) -> bool {
    events.iter().any(|&e| cohort.event_effects[e].iter().any(|&b| b != 0.0))
}

/// The probability at the reference covariates whose marginal over cohort `k`'s covariates
/// is `target` (`marginal` increases with it): bisection on the logit, to 1e-12; `target`
/// itself where no covariate acts on the response.
fn reference_for(
    cohort: &Cohort,
    k: usize,
    response: usize,
    target: f64,
    marginal: &dyn Fn(usize, usize, f64) -> f64,
) -> f64 {
    if !acts_on_response(cohort, response) || target <= 0.0 || target >= 1.0 {
        return target;
    }
    let (mut lo, mut hi) = (-40.0f64, 40.0f64);
    let p = |l: f64| 1.0 / (1.0 + (-l).exp());
    while hi - lo > 1e-12 {
        let mid = 0.5 * (lo + hi);
        if marginal(k, response, p(mid)) < target { lo = mid } else { hi = mid }
    }
    p(0.5 * (lo + hi))
}

/// Sets each single-arm test's treatment arm to the test's own null (with covariates acting on
/// the response, the reference probability whose marginal is the null rate).
fn single_arm_nulls(
    s: &Scenario,
    null: &mut Scenario,
    done: &mut Vec<String>,
    marginal: &dyn Fn(usize, usize, f64) -> f64,
) -> Result<(), String> {
    // Single-arm tests: their own null.
    for e in s.endpoints.iter().filter(|e| e.control.is_none()) {
        match &e.kind {
            EndpointKind::Binary { response, test, .. } => {
                let null_rate = match test {
                    BinaryTest::ExactBinomial { null_rate }
                    | BinaryTest::SimonTwoStage { null_rate, .. }
                    | BinaryTest::Bayesian { null_rate, .. } => null_rate,
                    // Two-arm tests: every arm is alike already.
                    BinaryTest::Fisher
                    | BinaryTest::ChiSquare { .. }
                    | BinaryTest::BayesianDifference { .. }
                    | BinaryTest::GComputation { .. }
                    | BinaryTest::Weighted { .. } => {
                        continue;
                    }
                };
                for (k, cohort) in null.cohorts.iter_mut().enumerate() {
                    let q = reference_for(cohort, k, *response, *null_rate, marginal);
                    if let Some(r) = cohort.responses[*response].as_mut() {
                        r.probability[e.treatment] = q;
                    }
                }
                done.push(format!(
                    "{}: {}'s response probability is the null rate {null_rate}",
                    e.name, s.arms[e.treatment].name
                ));
            }
            EndpointKind::TimeToEvent { events, test, .. } => {
                let null_hazard = match test {
                    TimeToEventTest::OneSampleLogrank { null_hazard } => null_hazard,
                    // Two-arm tests: every arm is alike already.
                    TimeToEventTest::Logrank
                    | TimeToEventTest::StratifiedLogrank
                    | TimeToEventTest::FlemingHarrington { .. }
                    | TimeToEventTest::MaxCombo
                    | TimeToEventTest::Cox
                    | TimeToEventTest::Rmst { .. }
                    | TimeToEventTest::Milestone { .. } => continue,
                };
                // The null is an exponential hazard: possible when the endpoint is one
                // exponential cause without cure or frailty in every cohort.
                for cohort in &mut null.cohorts {
                    let simple =
                        cohort.frailty_variance.is_none() && events.len() == 1 && !acts_on_events(cohort, events);
                    let m = cohort.events[events[0]].as_mut().filter(|_| simple);
                    let rate = m.as_ref().and_then(|m| match m.distribution {
                        Distribution::Exponential { rate } => Some(rate),
                        Distribution::PiecewiseExponential { .. } | Distribution::Weibull { .. } => None,
                    });
                    match (m, rate) {
                        (Some(m), Some(rate)) => {
                            m.hazard_ratio[e.treatment] = HazardRatio::constant(null_hazard / rate);
                            m.cure_fraction[e.treatment] = 0.0;
                        }
                        _ => {
                            return Err(format!(
                                "--null: {}'s one-sample log-rank null (an exponential hazard {null_hazard}) cannot be simulated in cohort {}: its endpoint is not one exponential cause without cure, frailty or covariate effects",
                                e.name, cohort.name
                            ));
                        }
                    }
                }
                done.push(format!(
                    "{}: {}'s hazard is the null hazard {null_hazard} a month",
                    e.name, s.arms[e.treatment].name
                ));
            }
            EndpointKind::Safety { .. } => {}
        }
    }
    Ok(())
}

/// Keeps switching at recurrence but takes away its effect on death.
fn switching_without_effect(null: &mut Scenario, done: &mut Vec<String>) {
    // Switching to the experimental therapy has no effect when the therapy has none.
    if null.cohorts.iter().any(|c| c.switching.is_some()) {
        for c in &mut null.cohorts {
            if let Some(sw) = c.switching.as_mut() {
                sw.death_hazard_ratio = 1.0;
            }
        }
        done.push("switching at recurrence keeps its probabilities but has no effect on death (hazard ratio 1)".into());
    }
}

/// Puts each non-inferiority endpoint on the hazard-ratio scale at its margin.
fn hazard_ratio_margins(s: &Scenario, null: &mut Scenario, done: &mut Vec<String>) -> Result<(), String> {
    // Non-inferiority endpoints: the null is at the margin, HR = θ0 for every cause of the
    // endpoint (then the endpoint's hazard is θ0 times control's), which needs proportional
    // hazards the margin can multiply: no cure fraction, no frailty (which would attenuate the
    // marginal ratio), no death after recurrence among its causes, and no other two-arm endpoint
    // sharing a cause with another null.
    for (i, e) in s.endpoints.iter().enumerate() {
        let (events, theta0) = match &e.kind {
            EndpointKind::TimeToEvent { events, null_hazard_ratio, .. } => (events, null_hazard_ratio),
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => continue,
        };
        if *theta0 == 1.0 || e.control.is_none() {
            continue;
        }
        for other in s.endpoints.iter().enumerate().filter(|&(j, o)| j != i && o.control.is_some()).map(|(_, o)| o) {
            let theirs = match &other.kind {
                EndpointKind::TimeToEvent { events, null_hazard_ratio, .. } => Some((events, null_hazard_ratio)),
                EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => None,
            };
            if let Some((theirs, null_hazard_ratio)) = theirs
                && null_hazard_ratio != theta0
                && let Some(&shared) = theirs.iter().find(|c| events.contains(c))
            {
                return Err(format!(
                    "--null: {} (margin {theta0}) and {} (null hazard ratio {null_hazard_ratio}) share the cause {:?}; no single null puts both at their null",
                    e.name, other.name, s.event_names[shared]
                ));
            }
        }
        for cohort in &mut null.cohorts {
            let why = if cohort.frailty_variance.is_some() {
                Some("a frailty makes the marginal hazard ratio differ from the margin")
            } else if acts_on_events(cohort, events) {
                Some("covariates acting on its events make the marginal hazard ratio differ from the margin")
            } else if events.iter().any(|&c| s.event_names[c] == DEATH) && cohort.death_after_recurrence.is_some() {
                Some(
                    "death after recurrence is among its causes, so no ratio of cause hazards gives the endpoint's ratio",
                )
            } else if events
                .iter()
                .any(|&c| cohort.events[c].as_ref().is_some_and(|m| m.cure_fraction.iter().any(|&f| f > 0.0)))
            {
                Some("a cure fraction makes the hazards non-proportional")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(format!(
                    "--null: {}'s non-inferiority null (hazard ratio {theta0}) cannot be simulated in cohort {}: {why}",
                    e.name, cohort.name
                ));
            }
            for &c in events {
                if let Some(m) = cohort.events[c].as_mut() {
                    let control = m.hazard_ratio[e.control.expect("two-arm")].clone();
                    m.hazard_ratio[e.treatment] = HazardRatio {
                        starts: control.starts,
                        ratios: control.ratios.iter().map(|r| r * theta0).collect(),
                    };
                }
            }
        }
        done.push(format!(
            "{}: {}'s hazards of {} are {theta0} times control's (the non-inferiority margin)",
            e.name,
            s.arms[e.treatment].name,
            events.iter().map(|&c| s.event_names[c].as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(())
}

/// Puts each non-inferiority endpoint on the rate difference at its margin.
fn rate_difference_margins(
    s: &Scenario,
    null: &mut Scenario,
    done: &mut Vec<String>,
    marginal: &dyn Fn(usize, usize, f64) -> f64,
) -> Result<(), String> {
    // Non-inferiority on the rate difference: the null is at the margin, the treatment arm's
    // response probability δ0 below control's in every cohort (so also on average), which needs
    // control's probability to be at least −δ0 in each, and no other endpoint of the same
    // response with another null.
    for (i, e) in s.endpoints.iter().enumerate() {
        let (response, d0) = match &e.kind {
            EndpointKind::Binary { response, null_difference, .. } => (response, null_difference),
            EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => continue,
        };
        let Some(c) = e.control.filter(|_| *d0 != 0.0) else { continue };
        for other in s.endpoints.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, o)| o) {
            let theirs = match &other.kind {
                EndpointKind::Binary { response, null_difference, .. } => Some((response, null_difference)),
                EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => None,
            };
            if let Some((theirs, null_difference)) = theirs
                && theirs == response
                && null_difference != d0
            {
                return Err(format!(
                    "--null: {} (margin {d0}) and {} (null difference {null_difference}) test the same response {:?}; no single null puts both at their null",
                    e.name, other.name, s.response_names[*response]
                ));
            }
        }
        for (k, cohort) in null.cohorts.iter_mut().enumerate() {
            // With covariates acting on the response, the margin is between the marginal rates.
            let control = cohort.responses[*response].as_ref().map(|r| r.probability[c]);
            let q = control.map(|pc| {
                let target =
                    if acts_on_response(cohort, *response) { marginal(k, *response, pc) + d0 } else { pc + d0 };
                if target > 0.0 { reference_for(cohort, k, *response, target, marginal) } else { target }
            });
            if let (Some(r), Some(q)) = (cohort.responses[*response].as_mut(), q) {
                let p = q;
                if p < 0.0 {
                    return Err(format!(
                        "--null: {}'s non-inferiority null (a response probability {d0} from control's) cannot be simulated in cohort {}: control's probability {} is below the margin's {}",
                        e.name, cohort.name, r.probability[c], -d0
                    ));
                }
                r.probability[e.treatment] = p;
            }
        }
        done.push(format!(
            "{}: {}'s probability of response {:?} is {} below control's (the non-inferiority margin)",
            e.name, s.arms[e.treatment].name, s.response_names[*response], -d0
        ));
    }
    Ok(())
}
