//! Analytic companions printed beside Monte Carlo results.
//!
//! - Schoenfeld (1981): events D = (z_{1−α} + z_{1−β})² (1 + r)² / (r (ln HR)²) for allocation
//!   ratio r = treatment : control; power Φ(√(D r)/(1 + r) · |ln HR| − z_{1−α}).
//! - Freedman (1982): D = (z_{1−α} + z_{1−β})² (1 + r HR)² / (r (1 − HR)²); power
//!   Φ(√(D r) |1 − HR| / (1 + r HR) − z_{1−α}).
//! - The sample size that yields D events (Lachin & Foulkes 1986, their probability of an
//!   event): uniform accrual over A months, analysis F months after the end of accrual,
//!   exponential hazard λ and dropout η: P = λ/(λ+η) · [1 − (e^{−(λ+η)F} − e^{−(λ+η)(A+F)}) /
//!   ((λ+η)A)]; N = D / Σ_arms w_arm P_arm. This is rpact's `getSampleSizeSurvival`.
//! - Exact binomial power of a single-arm test: the smallest k with P(X ≥ k | p0) ≤ α, and
//!   P(X ≥ k | p1).
//! - The normal-approximation power of the two-sample test of rates against H0: p₁ − p₀ ≤ δ
//!   (Farrington & Manning 1990; the chi-square test at δ = 0): power
//!   Φ((p₁ − p₀ − δ − z_{1−α} σ̃)/σ) with σ² = p₁q₁/n₁ + p₀q₀/n₀ and σ̃ the same at the
//!   restricted rates under p₁ − p₀ = δ; N = ((z_{1−α} s̃ + z_{1−β} s)/(p₁ − p₀ − δ))² with
//!   s² = p₁q₁/w₁ + p₀q₀/w₀ for allocation shares w. This is rpact's `getPowerRates` and
//!   `getSampleSizeRates(thetaH0 = δ)` of a fixed design.

use crate::stats::binary::{binom_upper, restricted_rates};
use crate::stats::normal;
use crate::stats::spending;

fn z(p: f64) -> f64 {
    normal::quantile(p)
}

pub fn schoenfeld_events(alpha: f64, power: f64, hr: f64, r: f64) -> f64 {
    let zz = z(1.0 - alpha) + z(power);
    zz * zz * (1.0 + r).powi(2) / (r * hr.ln().powi(2))
}

/// One-sided: a hazard ratio above 1 (the treatment worse) has power below α.
pub fn schoenfeld_power(alpha: f64, events: f64, hr: f64, r: f64) -> f64 {
    normal::cdf((events * r).sqrt() / (1.0 + r) * -hr.ln() - z(1.0 - alpha))
}

pub fn freedman_events(alpha: f64, power: f64, hr: f64, r: f64) -> f64 {
    let zz = z(1.0 - alpha) + z(power);
    zz * zz * (1.0 + r * hr).powi(2) / (r * (1.0 - hr).powi(2))
}

/// One-sided, as [`schoenfeld_power`].
pub fn freedman_power(alpha: f64, events: f64, hr: f64, r: f64) -> f64 {
    normal::cdf((events * r).sqrt() * (1.0 - hr) / (1.0 + r * hr) - z(1.0 - alpha))
}

/// Probability that a patient's event is observed by the analysis: uniform entry over
/// `accrual` months, analysis `follow_up` months after the last entry, exponential hazard and
/// dropout.
pub fn event_probability(hazard: f64, dropout: f64, accrual: f64, follow_up: f64) -> f64 {
    let total = hazard + dropout;
    if total <= 0.0 {
        return 0.0;
    }
    let tail = if accrual > 0.0 {
        ((-total * follow_up).exp() - (-total * (accrual + follow_up)).exp()) / (total * accrual)
    } else {
        (-total * follow_up).exp()
    };
    hazard / total * (1.0 - tail)
}

/// The sample size that yields `events` in expectation: N = D / Σ w_arm P_arm.
pub fn sample_size_for_events(events: f64, arms: &[(f64, f64, f64)], accrual: f64, follow_up: f64) -> f64 {
    // arms: (allocation weight, hazard, dropout hazard)
    let w: f64 = arms.iter().map(|a| a.0).sum();
    let p: f64 = arms.iter().map(|&(wa, h, d)| wa / w * event_probability(h, d, accrual, follow_up)).sum();
    events / p
}

/// The exact single-arm binomial test: (critical responses k, power P(X ≥ k | p1)).
pub fn exact_binomial_power(n: u64, p0: f64, p1: f64, alpha: f64) -> (u64, f64) {
    let k = (0..=n + 1).find(|&k| binom_upper(k, n, p0) <= alpha).unwrap_or(n + 1);
    (k, binom_upper(k, n, p1))
}

/// The standard deviations (per unit of total sample size) of p̂₁ − p̂₀ under the rates and
/// under their restriction to p₁ − p₀ = δ, for allocation shares w₁ (treatment) and 1 − w₁.
fn rates_sd(p1: f64, p0: f64, delta: f64, w1: f64) -> (f64, f64) {
    let w0 = 1.0 - w1;
    let (r1, r0) = restricted_rates(p1, p0, delta, w0 / w1);
    let s = (p1 * (1.0 - p1) / w1 + p0 * (1.0 - p0) / w0).sqrt();
    let s0 = (r1 * (1.0 - r1) / w1 + r0 * (1.0 - r0) / w0).sqrt();
    (s, s0)
}

/// One-sided power of the test of rates against H0: p₁ − p₀ ≤ δ with n patients, a share w₁
/// of them in the treatment arm.
pub fn rates_power(alpha: f64, p1: f64, p0: f64, delta: f64, n: f64, w1: f64) -> f64 {
    let (s, s0) = rates_sd(p1, p0, delta, w1);
    normal::cdf(((p1 - p0 - delta) * n.sqrt() - z(1.0 - alpha) * s0) / s)
}

/// The total sample size for the power (infinite when the rates are not better than δ).
pub fn rates_patients(alpha: f64, power: f64, p1: f64, p0: f64, delta: f64, w1: f64) -> f64 {
    let (s, s0) = rates_sd(p1, p0, delta, w1);
    let effect = p1 - p0 - delta;
    if !(effect > 0.0) {
        return f64::INFINITY;
    }
    ((z(1.0 - alpha) * s0 + z(power) * s) / effect).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpact_sample_size() {
        // rpact getSampleSizeSurvival(alpha 0.025, beta 0.1, median 24, HR 0.7, accrual 24,
        // follow-up 24): 330.3779 events, 573.7687 subjects (tests/reference/rpact_refs.json).
        let d = schoenfeld_events(0.025, 0.9, 0.7, 1.0);
        assert!((d - 330.37791396381).abs() < 1e-6);
        let l2 = 2f64.ln() / 24.0;
        let n = sample_size_for_events(d, &[(1.0, l2, 0.0), (1.0, 0.7 * l2, 0.0)], 24.0, 24.0);
        assert!((n - 573.768725652107).abs() < 1e-6);
    }

    #[test]
    fn freedman_closed_form() {
        // (z_0.975 + z_0.9)² (1 + 0.7)² / (1 − 0.7)² = 10.50742 · 2.89 / 0.09.
        let z = 1.959963984540054 + 1.2815515655446004;
        assert!((freedman_events(0.025, 0.9, 0.7, 1.0) - z * z * 2.89 / 0.09).abs() < 1e-9);
    }

    #[test]
    fn schoenfeld_inverts() {
        let d = schoenfeld_events(0.025, 0.8, 0.75, 2.0);
        assert!((schoenfeld_power(0.025, d, 0.75, 2.0) - 0.8).abs() < 1e-12);
        let d = freedman_events(0.025, 0.8, 0.75, 1.0);
        assert!((freedman_power(0.025, d, 0.75, 1.0) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn exact_binomial_design() {
        // 40 patients, p0 = 0.1, one-sided 0.05: reject with 8 or more responses.
        let (k, power) = exact_binomial_power(40, 0.1, 0.3, 0.05);
        assert_eq!(k, 8);
        assert!(power > 0.9 && power < 0.96);
    }
}

use crate::scenario::{BinaryTest, Distribution, EndpointKind, Futility, Scenario, TimeToEventTest};

/// What the closed forms need from a two-arm time-to-event endpoint, when the scenario is
/// simple enough for them: one constant hazard ratio (treatment : control) shared by every
/// cause of the endpoint in every cohort, no cure fraction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TteAssumptions {
    pub hazard_ratio: f64,
    /// Allocation ratio treatment : control.
    pub ratio: f64,
    /// The control arm's hazard of the endpoint when it is one exponential cause in one cohort.
    pub control_hazard: Option<f64>,
}

/// The assumptions of Schoenfeld's and Freedman's formulas, for an endpoint whose test is of
/// the hazard ratio: none for a one-sample test, nor for the RMST or milestone differences
/// (their power is the simulation's).
pub fn tte_assumptions(s: &Scenario, endpoint: usize) -> Option<TteAssumptions> {
    match &s.endpoints()[endpoint].kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox => hazard_assumptions(s, endpoint),
            TimeToEventTest::OneSampleLogrank { .. }
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. } => None,
        },
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => None,
    }
}

/// The constant hazard ratio (and allocation, and control hazard) of a two-arm time-to-event
/// endpoint, whatever its test, where the scenario gives one.
fn hazard_assumptions(s: &Scenario, endpoint: usize) -> Option<TteAssumptions> {
    if !randomised(s) {
        return None;
    }
    let e = &s.endpoints()[endpoint];
    let events = match &e.kind {
        EndpointKind::TimeToEvent { events, .. } => events,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return None,
    };
    let (t, c) = (e.treatment, e.control?);
    // Death after recurrence makes the hazard of an endpoint that counts death depend on the
    // other causes: no single hazard ratio describes it.
    let death = s.event_index(crate::scenario::DEATH);
    if death.is_some_and(|d| events.contains(&d)) && s.cohorts().iter().any(|c| c.death_after_recurrence.is_some()) {
        return None;
    }
    let mut hr: Option<f64> = None;
    for cohort in s.cohorts() {
        for &ev in events {
            let Some(m) = &cohort.events[ev] else { continue };
            if m.cure_fraction.iter().any(|&x| x > 0.0)
                || m.hazard_ratio[t].ratios.len() > 1
                || m.hazard_ratio[c].ratios.len() > 1
            {
                return None;
            }
            let ratio = m.hazard_ratio[t].ratios[0] / m.hazard_ratio[c].ratios[0];
            match hr {
                Some(h) if (h - ratio).abs() > 1e-12 * h => return None,
                _ => hr = Some(ratio),
            }
        }
    }
    let control_hazard = match (s.cohorts(), events.as_slice()) {
        ([cohort], [ev]) => match cohort.events[*ev].as_ref().map(|m| (&m.distribution, m.hazard_ratio[c].ratios[0])) {
            // A frailty or covariates acting on the cause make the population's hazard another
            // than the stated one (that of a patient at frailty 1 or the reference covariates).
            Some((distribution, h))
                if cohort.frailty_variance.is_none() && cohort.event_effects[*ev].iter().all(|&b| b == 0.0) =>
            {
                match distribution {
                    Distribution::Exponential { rate } => Some(rate * h),
                    Distribution::PiecewiseExponential { .. } | Distribution::Weibull { .. } => None,
                }
            }
            _ => None,
        },
        _ => None,
    };
    Some(TteAssumptions {
        hazard_ratio: hr?,
        ratio: s.arms()[t].allocation as f64 / s.arms()[c].allocation as f64,
        control_hazard,
    })
}

/// The value the estimate estimates, where the scenario states one: the hazard ratio of a
/// time-to-event endpoint with a constant one, the treatment arm's response or adverse-event
/// rate, the difference of response rates.
pub fn true_estimate(s: &Scenario, i: usize) -> Option<f64> {
    let e = &s.endpoints()[i];
    match &e.kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::OneSampleLogrank { .. } => None,
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox => hazard_assumptions(s, i).map(|a| a.hazard_ratio),
        },
        EndpointKind::Binary { response, test, .. } => match test {
            BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::BayesianDifference { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => {
                let c = e.control?;
                // With populations of one arm (an external control), the effect in the
                // treatment arm's population: each of its cohorts' difference of its own
                // probabilities (the control one a counterfactual there), weighted as the
                // treatment's patients come.
                if let Some(w) = arm_weights(s, e.treatment) {
                    let cv = crate::simulate::covariates::Covariates::new(s);
                    return Some(
                        s.cohorts()
                            .iter()
                            .enumerate()
                            .zip(&w)
                            .map(|((k, co), w)| {
                                w * co.responses[*response].as_ref().map_or(0.0, |r| {
                                    marginal(&cv, k, *response, r.probability[e.treatment])
                                        - marginal(&cv, k, *response, r.probability[c])
                                })
                            })
                            .sum(),
                    );
                }
                Some(mean_response(s, *response, e.treatment) - mean_response(s, *response, c))
            }
            BinaryTest::ExactBinomial { .. } | BinaryTest::SimonTwoStage { .. } | BinaryTest::Bayesian { .. } => {
                Some(mean_response(s, *response, e.treatment))
            }
        },
        EndpointKind::Safety { .. } => None,
    }
}

/// The response probability of an arm averaged over cohorts (each patient's cohort is drawn
/// by share, so the number of responders is exactly binomial with this probability).
pub fn mean_response(s: &Scenario, response: usize, arm: usize) -> f64 {
    let cv = crate::simulate::covariates::Covariates::new(s);
    if let Some(w) = arm_weights(s, arm) {
        return s
            .cohorts()
            .iter()
            .enumerate()
            .zip(&w)
            .map(|((k, c), w)| {
                w * c.responses[response].as_ref().map_or(0.0, |r| marginal(&cv, k, response, r.probability[arm]))
            })
            .sum();
    }
    s.cohorts()
        .iter()
        .enumerate()
        .map(|(k, c)| {
            c.share * c.responses[response].as_ref().map_or(0.0, |r| marginal(&cv, k, response, r.probability[arm]))
        })
        .sum()
}

/// Whether every cohort is randomised (none is a population of one arm, `cohorts.C.arm`): the
/// closed forms assume the arms' sizes fixed by the allocation and the arms exchangeable, which
/// an external control makes neither; with one, the companions are not given (none is better
/// than one at the wrong sizes).
pub fn randomised(s: &Scenario) -> bool {
    s.cohorts().iter().all(|c| c.arm.is_none())
}

/// Where some cohort is a population of one arm (`cohorts.C.arm`): the share of `arm`'s
/// patients from each cohort (its share times the arm's chance in it, normalised); None when
/// every cohort is randomised (each cohort's weight is then its share).
pub fn arm_weights(s: &Scenario, arm: usize) -> Option<Vec<f64>> {
    if s.cohorts().iter().all(|c| c.arm.is_none()) {
        return None;
    }
    let total: f64 = s.arms().iter().map(|a| a.allocation as f64).sum();
    let w: Vec<f64> = s
        .cohorts()
        .iter()
        .map(|c| {
            c.share
                * match c.arm {
                    Some(a) => (a == arm) as u8 as f64,
                    None => s.arms()[arm].allocation as f64 / total,
                }
        })
        .collect();
    let sum: f64 = w.iter().sum();
    Some(w.iter().map(|x| if sum > 0.0 { x / sum } else { 0.0 }).collect())
}

/// A cohort's stated response probability averaged over its covariates (itself without
/// covariate effects on the response).
fn marginal(cv: &Option<crate::simulate::covariates::Covariates>, cohort: usize, response: usize, p: f64) -> f64 {
    match cv {
        Some(cv) => cv.mean_response_probability(cohort, response, p),
        None => p,
    }
}

/// The probability that a patient of an arm is counted as a responder: responds, has not
/// dropped out and has not died by the assessment (a dropout or a death before it counts as no
/// response, as `analyze::assessed_response` counts it), averaged over cohorts. Without a
/// death cause, in closed form; with one, from the scenario's model (`truth::counted_response`).
pub fn counted_response(s: &Scenario, response: usize, arm: usize) -> f64 {
    if s.event_index(crate::scenario::DEATH).is_some() {
        return super::truth::counted_response(s, response, arm);
    }
    let h = s.dropout_hazard()[arm];
    let cv = crate::simulate::covariates::Covariates::new(s);
    let weights = arm_weights(s, arm);
    s.cohorts()
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let w = weights.as_ref().map_or(c.share, |w| w[k]);
            c.responses[response]
                .as_ref()
                .map_or(0.0, |r| w * marginal(&cv, k, response, r.probability[arm]) * (-h * r.assessed_at_months).exp())
        })
        .sum()
}

/// The closed form of a two-arm binary endpoint tested by the uncorrected chi-square test or,
/// against a margin, the Farrington–Manning test.
pub struct RatesCompanion {
    /// Treatment's and control's probabilities of being counted as responders (averaged over
    /// cohorts, times the chance of no dropout before the assessment).
    pub rates: (f64, f64),
    pub null_difference: f64,
    /// The patients of the two arms at the sample size, by allocation.
    pub patients: (f64, f64),
    pub power: f64,
    /// Total patients for 80% and 90% power (None where the rates are not better than δ0).
    pub patients_80: Option<f64>,
    pub patients_90: Option<f64>,
}

pub fn rates_companion(s: &Scenario, endpoint: usize) -> Option<RatesCompanion> {
    if !randomised(s) {
        return None;
    }
    let e = &s.endpoints()[endpoint];
    let (response, null_difference) = match &e.kind {
        EndpointKind::Binary { response, test, null_difference } => match test {
            BinaryTest::ChiSquare { continuity_correction: false } => (response, null_difference),
            BinaryTest::ChiSquare { continuity_correction: true }
            | BinaryTest::ExactBinomial { .. }
            | BinaryTest::SimonTwoStage { .. }
            | BinaryTest::Fisher
            | BinaryTest::Bayesian { .. }
            | BinaryTest::BayesianDifference { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => return None,
        },
        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => return None,
    };
    let c = e.control?;
    let (a1, a0) = (s.arms()[e.treatment].allocation as f64, s.arms()[c].allocation as f64);
    let w1 = a1 / (a1 + a0);
    let (p1, p0) = (counted_response(s, *response, e.treatment), counted_response(s, *response, c));
    let n = s.enrollment().sample_size as f64;
    let finite = |x: f64| x.is_finite().then_some(x);
    Some(RatesCompanion {
        rates: (p1, p0),
        null_difference: *null_difference,
        patients: (n * w1, n * (1.0 - w1)),
        power: rates_power(e.alpha, p1, p0, *null_difference, n, w1),
        patients_80: finite(rates_patients(e.alpha, 0.8, p1, p0, *null_difference, w1)),
        patients_90: finite(rates_patients(e.alpha, 0.9, p1, p0, *null_difference, w1)),
    })
}

/// A binary endpoint's closed-form operating characteristics, if it has one.
pub fn binary_companion(s: &Scenario, endpoint: usize) -> Option<(&'static str, u64, f64)> {
    binary_companion_at_looks(s, endpoint).map(|(m, k, p, _)| (m, k, p))
}

/// [`binary_companion`], and for a single arm's rate monitored at looks the exact
/// group-sequential design at the planned looks (⌈f_k·n⌉ patients assessed): the responders to
/// reject at each look (`stats::binomial_looks`) as (patients, responders), its exact power the
/// probability of crossing at some look (with a z futility rule, before stopping for futility:
/// a binding rule's floors also lower the boundaries), the last look's count the critical one.
#[allow(clippy::type_complexity)]
pub fn binary_companion_at_looks(
    s: &Scenario,
    endpoint: usize,
) -> Option<(&'static str, u64, f64, Option<Vec<[u64; 2]>>)> {
    if !randomised(s) {
        return None;
    }
    let e = &s.endpoints()[endpoint];
    if let (EndpointKind::Binary { response, test: BinaryTest::ExactBinomial { null_rate }, .. }, Some(fractions)) =
        (&e.kind, s.analysis().looks.fractions().filter(|_| s.monitored() == Some(endpoint)))
    {
        use crate::stats::binomial_looks::{boundaries, crossing, futility_floor};
        let n = crate::scenario::planned_assessed(s.enrollment().sample_size, s.arms(), e.treatment, e.control) as f64;
        let counts: Vec<u32> = fractions.iter().map(|f| (f * n - 1e-9).ceil().max(1.0) as u32).collect();
        let spend: Vec<f64> = counts.iter().map(|&c| c as f64 / n).collect();
        let last = counts.len() - 1;
        let floor: Vec<u32> = (0..counts.len())
            .map(|k| match s.analysis().futility {
                Some(Futility::Z(z)) if k < last => futility_floor(counts[k], *null_rate, z),
                Some(Futility::Z(_) | Futility::BetaSpending { .. } | Futility::ConditionalPower { .. }) | None => 0,
            })
            .collect();
        let none = vec![0; counts.len()];
        let bound = if s.analysis().binding_futility { &floor } else { &none };
        let r = boundaries(&counts, *null_rate, s.analysis().spending, e.alpha, &spend, bound);
        let p1 = counted_response(s, *response, e.treatment);
        let power = crossing(&counts, &r, &floor, p1).0.iter().sum();
        let looks = counts.iter().zip(&r).map(|(&c, &k)| [c as u64, k as u64]).collect();
        return Some(("exact_binomial_at_looks", *r.last()? as u64, power, Some(looks)));
    }
    if let EndpointKind::Binary { response, test: BinaryTest::Bayesian { null_rate, rule }, .. } = &e.kind
        && !rule.looks.is_empty()
    {
        let (counts, go, floor) = bayes_single_arm_design(s, endpoint, *null_rate, rule);
        let p1 = counted_response(s, *response, e.treatment);
        let power = crate::stats::binomial_looks::crossing(&counts, &go, &floor, p1).0.iter().sum();
        let looks = counts.iter().zip(&go).map(|(&c, &k)| [c as u64, k as u64]).collect();
        return Some(("bayesian_exact_at_interims", *go.last()? as u64, power, Some(looks)));
    }
    binary_companion_once(s, endpoint).map(|(m, k, p)| (m, k, p, None))
}

fn binary_companion_once(s: &Scenario, endpoint: usize) -> Option<(&'static str, u64, f64)> {
    let e = &s.endpoints()[endpoint];
    let (response, test) = match &e.kind {
        EndpointKind::Binary { response, test, .. } => (response, test),
        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => return None,
    };
    // The rate the test counts: a patient lost or dead before the assessment is a non-response.
    let p1 = counted_response(s, *response, e.treatment);
    let n = s.enrollment().sample_size as u64;
    // A single arm's test counts its own arm's patients (all of them in a one-arm trial).
    let arm = crate::scenario::planned_assessed(s.enrollment().sample_size, s.arms(), e.treatment, None) as u64;
    match test {
        BinaryTest::ExactBinomial { null_rate } => {
            let (k, power) = exact_binomial_power(arm, *null_rate, p1, e.alpha);
            Some(("exact_binomial", k, power))
        }
        BinaryTest::SimonTwoStage { stage1_patients, stage1_max_responses, max_responses, .. } => Some((
            "simon_two_stage",
            *max_responses as u64 + 1,
            crate::stats::simon::reject_probability(
                *stage1_max_responses,
                *stage1_patients,
                *max_responses,
                n as u32,
                p1,
            ),
        )),
        BinaryTest::Bayesian { null_rate, rule } => {
            let (_, go, _) = bayes_single_arm_design(s, endpoint, *null_rate, rule);
            let needed = *go.last()? as u64;
            let power = if needed > arm { 0.0 } else { crate::stats::binary::binom_test(needed, arm, p1).p_greater };
            Some(("bayesian_exact", needed, power))
        }
        BinaryTest::Fisher
        | BinaryTest::ChiSquare { .. }
        | BinaryTest::BayesianDifference { .. }
        | BinaryTest::GComputation { .. }
        | BinaryTest::Weighted { .. } => None,
    }
}

/// A single arm's Bayesian rule calibrated to a type I error: the smallest threshold whose rule
/// has an exact P(Go | null rate) at most `alpha`, and the thresholds giving that same rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BayesCalibration {
    /// Every threshold in [lower, upper) gives the same rule (the decisions change only at the
    /// posterior probabilities the counts can give).
    pub lower: f64,
    pub upper: f64,
    pub type_one_error: f64,
    /// At the scenario's rate (the counted one).
    pub power: f64,
}

/// [`BayesCalibration`] by bisection over the posterior probabilities the rule can take at its
/// interims and final analysis (its exact type I error falls as the threshold rises: fewer
/// counts Go and, the final rule asking more, more stop for futility); None when no
/// threshold below 1 holds `alpha`.
pub fn calibrate_bayes_single_arm(
    s: &Scenario,
    endpoint: usize,
    p0: f64,
    rule: &crate::scenario::BayesRule,
    alpha: f64,
) -> Option<BayesCalibration> {
    use crate::stats::binomial_looks::crossing;
    let e = &s.endpoints()[endpoint];
    let EndpointKind::Binary { response, .. } = &e.kind else { return None };
    let (counts, _, _) = bayes_single_arm_design(s, endpoint, p0, rule);
    let mut candidates: Vec<f64> = counts
        .iter()
        .flat_map(|&n| (0..=n).map(move |x| (x, n)))
        .map(|(x, n)| rule.prior.update(x as u64, n as u64).above(p0))
        .filter(|v| *v < 1.0)
        .collect();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let at = |c: f64| {
        let r = crate::scenario::BayesRule { threshold: c, ..rule.clone() };
        let (counts, go, floor) = bayes_single_arm_design(s, endpoint, p0, &r);
        let p1 = counted_response(s, *response, e.treatment);
        let t1: f64 = crossing(&counts, &go, &floor, p0).0.iter().sum();
        (t1, crossing(&counts, &go, &floor, p1).0.iter().sum::<f64>())
    };
    // The smallest candidate index whose rule holds alpha (the last one always Goes least).
    let (mut lo, mut hi) = (0usize, candidates.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if at(candidates[mid]).0 <= alpha { hi = mid } else { lo = mid + 1 }
    }
    let lower = *candidates.get(lo)?;
    let (type_one_error, power) = at(lower);
    (type_one_error <= alpha).then(|| BayesCalibration {
        lower,
        upper: candidates.get(lo + 1).copied().unwrap_or(1.0),
        type_one_error,
        power,
    })
}

/// A single arm's Bayesian rule as responder counts: the patients at each interim and at the
/// final analysis (the planned), the fewest responders that Go at each (n + 1 where none does,
/// or at an interim without early success), and the fewest that continue past the predictive
/// futility rule at each interim (0 without one; the predictive probability grows with the
/// responders).
pub fn bayes_single_arm_design(
    s: &Scenario,
    endpoint: usize,
    p0: f64,
    rule: &crate::scenario::BayesRule,
) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let e = &s.endpoints()[endpoint];
    let total = crate::scenario::planned_assessed(s.enrollment().sample_size, s.arms(), e.treatment, None);
    let counts: Vec<u32> = rule.looks.iter().copied().chain(std::iter::once(total)).collect();
    let last = counts.len() - 1;
    let first = |n: u32, ok: &dyn Fn(u32) -> bool| (0..=n).find(|&x| ok(x)).unwrap_or(n + 1);
    let go = counts
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            if k < last && !rule.early_success {
                return n + 1;
            }
            first(n, &|x| rule.prior.update(x as u64, n as u64).above(p0) > rule.threshold)
        })
        .collect();
    let floor = counts
        .iter()
        .enumerate()
        .map(|(k, &n)| match rule.futility {
            Some(f) if k < last => first(n, &|x| {
                rule.prior.predictive_success(x as u64, n as u64, total as u64, p0, rule.threshold).0 >= f
            }),
            Some(_) | None => 0,
        })
        .collect();
    (counts, go, floor)
}

/// The group-sequential design of the endpoint monitored at the looks, at its planned
/// information fractions: efficacy boundaries and (when the scenario has a futility rule) the
/// futility bounds, which the companion counts as stopping the trial, as the simulation does.
pub struct GroupSequential {
    pub looks: Vec<f64>,
    pub efficacy: Vec<f64>,
    pub futility: Option<Vec<f64>>,
}

impl GroupSequential {
    /// The design of endpoint `e` when it is the one monitored at several looks.
    pub fn of(s: &Scenario, e: usize) -> Option<GroupSequential> {
        use crate::scenario::Futility;
        // An adaptive design (event re-estimation) has no closed-form companion.
        if s.monitored() != Some(e) || s.analysis().reestimation.is_some() {
            return None;
        }
        // The planned fractions; under looks at calendar months, the expected ones, without the
        // looks at which no information is expected.
        let mut looks = match s.analysis().looks.fractions() {
            Some(f) if s.analysis().look_gap_months == 0.0 => f,
            Some(_) | None => crate::cut::Planning::of(s, Some(e)).fractions,
        };
        let mut next = f64::INFINITY;
        for f in looks.iter_mut().rev() {
            if *f > 0.0 && *f < next {
                next = *f;
            } else {
                *f = f64::NAN;
            }
        }
        let kept: Vec<bool> = looks.iter().map(|f| !f.is_nan()).collect();
        looks.retain(|f| !f.is_nan());
        let looks = &looks;
        if looks.len() < 2 {
            return None;
        }
        // Under a multiplicity family the monitored endpoint starts at its share of the family's α.
        let alpha = match &s.analysis().multiplicity {
            Some(m) => m.alpha * m.endpoints.iter().position(|&i| i == e).map_or(0.0, |j| m.graph.weights[j]),
            None => s.endpoints()[e].alpha,
        };
        let mut efficacy = spending::boundaries(s.analysis().spending, alpha, looks);
        let last = looks.len() - 1;
        let binding = s.analysis().binding_futility;
        let futility = match s.analysis().futility {
            None => None,
            Some(Futility::Z(z)) => {
                let f: Vec<f64> = (0..looks.len()).map(|k| if k < last { z } else { f64::NEG_INFINITY }).collect();
                if binding {
                    efficacy = spending::boundaries_with_floor(
                        s.analysis().spending,
                        alpha,
                        looks,
                        looks,
                        Some(&f),
                        spending::R,
                    );
                }
                Some(f)
            }
            Some(Futility::BetaSpending { spending: bs, beta }) => {
                let d = spending::beta_spending_design(s.analysis().spending, alpha, bs, beta, looks, looks, binding);
                if binding {
                    efficacy = d.efficacy;
                }
                let mut f = d.futility;
                f[last] = f64::NEG_INFINITY;
                Some(f)
            }
            // The rule's z bounds at the planned looks (those of the endpoint's own design).
            Some(Futility::ConditionalPower { .. }) => {
                let planning = crate::cut::Planning::of(s, Some(e));
                crate::design::sequential::planned_conditional_power_futility(s, &planning).map(|f| {
                    let mut f: Vec<f64> = f.into_iter().zip(&kept).filter(|(_, k)| **k).map(|(b, _)| b).collect();
                    f[last] = f64::NEG_INFINITY;
                    f
                })
            }
        };
        // A harm bound stops trials too: the efficacy boundaries are computed with it (as the
        // engine's), and the companion counts a trial below either lower bound as stopped.
        let futility = match s.analysis().harm {
            None => futility,
            Some(h) => {
                let (e, lower) = spending::boundaries_with_harm(
                    s.analysis().spending,
                    alpha,
                    h.spending,
                    h.alpha,
                    looks,
                    looks,
                    spending::R,
                );
                efficacy = e;
                let f = futility.unwrap_or_else(|| vec![f64::NEG_INFINITY; looks.len()]);
                Some(f.iter().zip(&lower).map(|(a, b)| a.max(*b)).collect())
            }
        };
        Some(GroupSequential { looks: looks.clone(), efficacy, futility })
    }

    /// Power at `events` events (Schoenfeld's drift √(D r)/(1 + r) |ln HR|).
    pub fn power(&self, events: f64, hr: f64, r: f64) -> f64 {
        let theta = (events * r).sqrt() / (1.0 + r) * -hr.ln();
        spending::rejection_probability(&self.efficacy, &self.looks, theta, self.futility.as_deref())
    }

    /// Events for the power: θ²(1 + r)²/(r ln² HR) at the drift θ that gives it — the fixed
    /// design's Schoenfeld events times the inflation (θ/(z_α + z_β))².
    pub fn events(&self, power: f64, hr: f64, r: f64) -> f64 {
        let theta = spending::drift_for_power(&self.efficacy, &self.looks, power, self.futility.as_deref());
        theta * theta * (1.0 + r).powi(2) / (r * hr.ln().powi(2))
    }
}
