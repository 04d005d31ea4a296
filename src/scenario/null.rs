//! The scenario under the null hypothesis of every test, for `run --null`: the same patients
//! (the same seed, so the same random numbers: every draw sits at a fixed slot of its
//! patient's stream), with each treatment effect set to its null. Derived here, inside the
//! scenario module, from a validated scenario; every invariant of the language still holds
//! (hazard ratios, cure fractions and probabilities are copied from another arm or set to a
//! rate the scenario itself validated).

use super::model::*;

/// The scenario with every treatment effect at its null, and what was set, in words; an error
/// where an endpoint has no null the engine can simulate.
pub fn under_null(s: &Scenario) -> Result<(Scenario, Vec<String>), String> {
    let mut null = s.clone();
    let mut done = Vec::new();
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
    // Single-arm tests: their own null.
    for e in s.endpoints.iter().filter(|e| e.control.is_none()) {
        match &e.kind {
            EndpointKind::Binary {
                response,
                test: BinaryTest::ExactBinomial { null_rate } | BinaryTest::SimonTwoStage { null_rate, .. },
            } => {
                for cohort in &mut null.cohorts {
                    if let Some(r) = cohort.responses[*response].as_mut() {
                        r.probability[e.treatment] = *null_rate;
                    }
                }
                done.push(format!(
                    "{}: {}'s response probability is the null rate {null_rate}",
                    e.name, s.arms[e.treatment].name
                ));
            }
            EndpointKind::TimeToEvent { events, test: TimeToEventTest::OneSampleLogrank { null_hazard }, .. } => {
                // The null is an exponential hazard: possible when the endpoint is one
                // exponential cause without cure or frailty in every cohort.
                for cohort in &mut null.cohorts {
                    let simple = cohort.frailty_variance.is_none() && events.len() == 1;
                    let m = cohort.events[events[0]].as_mut().filter(|_| simple);
                    match m {
                        Some(m) if matches!(m.distribution, Distribution::Exponential { .. }) => {
                            let Distribution::Exponential { rate } = m.distribution else { unreachable!() };
                            m.hazard_ratio[e.treatment] = HazardRatio::constant(null_hazard / rate);
                            m.cure_fraction[e.treatment] = 0.0;
                        }
                        _ => {
                            return Err(format!(
                                "--null: {}'s one-sample log-rank null (an exponential hazard {null_hazard}) cannot be simulated in cohort {}: its endpoint is not one exponential cause without cure or frailty",
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
            _ => {}
        }
    }
    null.name = format!("{} — under the null", s.name);
    Ok((null, done))
}
