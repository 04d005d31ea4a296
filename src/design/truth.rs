//! The scenario's own curves: what each arm's Kaplan–Meier (or Aalen–Johansen) curve of an
//! endpoint converges to with unlimited follow-up, for the pictures' overlay. The engine's
//! model of a patient (independent latent causes, cure mixtures, gamma frailty, death after a
//! first event on its own clock, cohorts by share) has no closed form in general, so the curve
//! is estimated from [`PATIENTS_PER_ARM`] patients per arm simulated from the scenario with a
//! fixed seed ([`SEED`]), without dropout or a data cut, at their exact event times (no
//! imaging schedule): the standard error is at most 0.5/√50,000 ≈ 0.0022 at every month.
//! With a constant hazard the curve is checked against its closed form in the tests.

use crate::cut::TteSpec;
use crate::scenario::{EndpointKind, Scenario};
use crate::simulate::{SimBuffers, Simulator, Trial};

/// Patients simulated per arm (at least; the arms' shares follow their allocation).
pub const PATIENTS_PER_ARM: u64 = 50_000;
/// Fixed, so that the curve depends on the scenario's assumptions only.
pub const SEED: u64 = 0x5045_5249_5452_5554;

/// The method, in words, for the reports.
pub fn method() -> String {
    format!(
        "the scenario's model: {PATIENTS_PER_ARM} patients per arm simulated without dropout or a data cut at their exact event times (fixed seed {SEED:#x}), standard error at most 0.0022"
    )
}

/// Per arm of endpoint `i` (treatment, then control where there is one): its survival (or
/// cumulative incidence with competing events) at `months`. None for an endpoint that is not
/// time to event.
pub fn curves(s: &Scenario, i: usize, months: &[f64]) -> Option<Vec<Vec<f64>>> {
    let e = &s.endpoints()[i];
    let competing = match &e.kind {
        EndpointKind::TimeToEvent { competing, .. } => competing,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return None,
    };
    let spec = TteSpec::new(s, &e.kind)?;
    let arms: Vec<usize> = std::iter::once(e.treatment).chain(e.control).collect();
    let total: u64 = s.arms().iter().map(|a| a.allocation as u64).sum();
    let least = arms.iter().map(|&a| s.arms()[a].allocation as u64).min().unwrap_or(1).max(1);
    let patients = PATIENTS_PER_ARM * total / least;
    let n = s.enrollment().sample_size.max(1) as u64;
    use rayon::prelude::*;
    let sim = Simulator::new(s).with_seed(SEED);
    // Trials in parallel, each arm's outcomes in trial order (the curve depends only on their
    // set, so on neither the order nor the threads).
    let per_trial: Vec<Vec<Vec<(f64, u8)>>> = (0..patients.div_ceil(n))
        .into_par_iter()
        .map_init(
            || (SimBuffers::default(), Trial::default()),
            |(buf, trial), t| {
                sim.simulate_trial(t, buf, trial);
                let mut out = vec![Vec::new(); arms.len()];
                for p in &trial.patients {
                    if let Some(k) = arms.iter().position(|&a| a == p.arm as usize) {
                        out[k].push(spec.outcome(p, None));
                    }
                }
                out
            },
        )
        .collect();
    let competing = !competing.is_empty();
    Some(
        (0..arms.len())
            .into_par_iter()
            .map(|k| at_months(per_trial.iter().flat_map(|t| t[k].iter().copied()).collect(), months, competing))
            .collect(),
    )
}

/// The probability that a patient of `arm` is counted as a responder to `response`: responds,
/// and is neither lost to follow-up nor dead by the assessment month (each patient's cohort
/// and death time from the scenario's model, [`PATIENTS_PER_ARM`] patients with the fixed
/// seed; the response probability and the chance of no dropout exactly, per patient). Death
/// has no closed form in general (cures, frailty, death after a first event), hence the model.
pub fn counted_response(s: &Scenario, response: usize, arm: usize) -> f64 {
    use rayon::prelude::*;
    let total: u64 = s.arms().iter().map(|a| a.allocation as u64).sum();
    let patients = PATIENTS_PER_ARM * total / (s.arms()[arm].allocation as u64).max(1);
    let n = s.enrollment().sample_size.max(1) as u64;
    let h = s.dropout_hazard()[arm];
    let sim = Simulator::new(s).with_seed(SEED);
    // Per trial in parallel, summed in trial order: the same bits on any number of threads.
    let per_trial: Vec<(f64, u64)> = (0..patients.div_ceil(n))
        .into_par_iter()
        .map_init(
            || (SimBuffers::default(), Trial::default()),
            |(buf, trial), t| {
                sim.simulate_trial(t, buf, trial);
                let (mut sum, mut count) = (0.0, 0u64);
                for (j, p) in trial.patients.iter().enumerate().filter(|(_, p)| p.arm as usize == arm) {
                    count += 1;
                    if let Some(r) = &s.cohorts()[p.cohort as usize].responses[response]
                        && p.death_time >= r.assessed_at_months
                    {
                        let q = sim.response_probability(
                            p.cohort as usize,
                            response,
                            r.probability[arm],
                            trial.covariates(j),
                        );
                        sum += q * (-h * r.assessed_at_months).exp();
                    }
                }
                (sum, count)
            },
        )
        .collect();
    let (sum, count) = per_trial.iter().fold((0.0, 0u64), |(a, n), &(b, m)| (a + b, n + m));
    sum / count.max(1) as f64
}

/// Kaplan–Meier survival (or Aalen–Johansen cumulative incidence of status 1, status 2
/// competing) of uncensored-by-design outcomes (status 0 at a finite time is a censoring) at
/// `months`; events before censorings at a tied time.
fn at_months(mut o: Vec<(f64, u8)>, months: &[f64], competing: bool) -> Vec<f64> {
    // Without censoring, Kaplan–Meier is the share without the event and Aalen–Johansen the
    // share with it by each month: counts, no sort.
    if o.iter().all(|x| x.1 != 0 || x.0 == f64::INFINITY) {
        let n = o.len().max(1) as f64;
        // Events by the first month at or after them (months are increasing), then summed.
        let mut by_month = vec![0u64; months.len() + 1];
        for x in o.iter().filter(|x| x.1 == 1 || !competing) {
            by_month[months.partition_point(|&m| m < x.0)] += 1;
        }
        let mut hit = 0u64;
        return by_month[..months.len()]
            .iter()
            .map(|&c| {
                hit += c;
                if competing { hit as f64 / n } else { 1.0 - hit as f64 / n }
            })
            .collect();
    }
    // The step function's value at each month: its last step at or before it.
    let steps = crate::stats::km::steps(&mut o, competing);
    months.iter().map(|&m| steps[steps.partition_point(|s| s.0 <= m) - 1].1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimator_is_exact_on_known_data() {
        // Four patients: events at 1 and 3, a censoring at 2, one never.
        let o = vec![(1.0, 1), (2.0, 0), (3.0, 1), (f64::INFINITY, 0)];
        let s = at_months(o, &[0.0, 1.0, 2.5, 3.0], false);
        assert_eq!(s, vec![1.0, 0.75, 0.75, 0.75 * 0.5]);
        // Competing: cause 1 at 1, cause 2 at 2, cause 1 at 3, one never.
        let o = vec![(1.0, 1), (2.0, 2), (3.0, 1), (f64::INFINITY, 0)];
        let f = at_months(o, &[1.0, 3.0], true);
        assert_eq!(f, vec![0.25, 0.5]);
    }
}
