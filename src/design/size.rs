//! The smallest value of a count (sample size, event count) whose Monte Carlo power reaches a
//! target. Every evaluation uses the same seed, so candidates share their virtual patients
//! (common random numbers) and power is a nearly monotone function of the count; but a Monte
//! Carlo power crosses the target by chance near the answer, so the answer is not the first
//! value that crosses: it is read off a probit fit of power against the value over the
//! evaluations near the crossing (binomial likelihood, IRLS), with an interval from the fit.
//!
//! 1. Bracket from the start (the analytic answer): coarse evaluations (1/8 of the trials),
//!    stepping by doubling steps. Going up, a plateau — two doublings that raise power by less
//!    than 3 Monte Carlo standard errors — stops the search with an error, as does reaching the
//!    upper bound; so does a value whose event target is missed in more than 1% of trials.
//! 2. Fit: evaluate 7 values spread over the bracket with every trial, fit, and narrow the
//!    bracket to the fitted answer ± 3 standard errors; repeat while the spacing of the points
//!    is wider than the answer's standard error (evaluations that would move the answer by less
//!    than its uncertainty are not run), at most 4 rounds.
//! 3. The answer is the smallest integer whose fitted power reaches the target; its own Monte
//!    Carlo power is evaluated and reported beside the fitted one.

use crate::scenario::Scenario;
use crate::stats::normal;

/// One evaluated candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub value: u64,
    pub replicates: u64,
    pub power: f64,
    /// Share of trials whose event target (cut or look) was not reached.
    pub not_reached: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SizeResult {
    pub value: u64,
    /// Monte Carlo power at `value`, with all the trials.
    pub power: f64,
    pub power_mcse: f64,
    /// The probit fit's power at `value`.
    pub fitted_power: f64,
    /// 95% interval of the answer from the fit (delta method), in units of the varied value.
    pub interval: (f64, f64),
    /// The fitted curve: power = Φ(intercept + slope × value).
    pub fit: (f64, f64),
    pub replicates: u64,
    pub evaluations: Vec<Evaluation>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SizeError<E> {
    /// Even the largest allowed value stays below the target.
    Unreachable {
        max: u64,
        power: f64,
    },
    /// Power stops rising with the value: the target cannot be reached by varying it.
    Plateau {
        values: (u64, u64, u64),
        powers: (f64, f64, f64),
    },
    /// At this value more than 1% of trials miss their event target.
    TargetMissed {
        value: u64,
        share: f64,
    },
    /// The fit found no increasing relation of power to the value near the crossing.
    NoFit {
        lo: u64,
        hi: u64,
    },
    Evaluation(E),
}

/// What one evaluation returns: power and the share of trials that missed an event target.
pub type Outcome = (f64, f64);

/// Searches `min..=max` from `start`; `power_at(value, replicates)` runs the simulation;
/// `progress(evaluations so far)` is called after each evaluation.
pub fn search<E>(
    target: f64,
    start: u64,
    min: u64,
    max: u64,
    replicates: u64,
    mut power_at: impl FnMut(u64, u64) -> Result<Outcome, E>,
    mut progress: impl FnMut(usize),
) -> Result<SizeResult, SizeError<E>> {
    let coarse = (replicates / 8).clamp(200.min(replicates), replicates);
    let mut evaluations: Vec<Evaluation> = Vec::new();
    let mut eval = |v: u64, r: u64, evaluations: &mut Vec<Evaluation>| -> Result<f64, SizeError<E>> {
        if let Some(e) = evaluations.iter().find(|e| e.value == v && e.replicates == r) {
            return Ok(e.power);
        }
        let (p, missed) = power_at(v, r).map_err(SizeError::Evaluation)?;
        evaluations.push(Evaluation { value: v, replicates: r, power: p, not_reached: missed });
        progress(evaluations.len());
        Ok(p)
    };
    let se = |p: f64, r: u64| (p.clamp(0.01, 0.99) * (1.0 - p.clamp(0.01, 0.99)) / r as f64).sqrt();
    // 1. Bracket [lo, hi] with power(lo) < target <= power(hi) on coarse evaluations.
    let v0 = start.clamp(min, max);
    let (mut lo, mut hi);
    let mut step = (v0 / 8).max(1);
    if eval(v0, coarse, &mut evaluations)? >= target {
        (lo, hi) = (v0, v0);
        loop {
            if lo == min {
                break;
            }
            lo = lo.saturating_sub(step).max(min);
            if eval(lo, coarse, &mut evaluations)? < target {
                break;
            }
            hi = lo;
            step *= 2;
        }
    } else {
        (lo, hi) = (v0, v0);
        let mut history = vec![(v0, evaluations.last().expect("evaluated").power)];
        loop {
            if hi == max {
                let p = eval(max, replicates, &mut evaluations)?;
                if p < target {
                    return Err(SizeError::Unreachable { max, power: p });
                }
                break;
            }
            hi = (hi + step).min(max);
            let p = eval(hi, coarse, &mut evaluations)?;
            history.push((hi, p));
            if p >= target {
                break;
            }
            // A plateau: over a fourfold range of the value, power rose by less than 3 standard
            // errors — on the coarse evaluations first, then confirmed with every trial.
            let c = (hi, p);
            if let Some(&a) = history.iter().rev().find(|x| x.0.saturating_mul(4) <= c.0) {
                let flat = |x: f64, y: f64, r: u64| y - x < 3.0 * se(x, r).hypot(se(y, r));
                if flat(a.1, c.1, coarse) {
                    let (pa, pc) = (eval(a.0, replicates, &mut evaluations)?, eval(c.0, replicates, &mut evaluations)?);
                    if flat(pa, pc, replicates) {
                        let b = (a.0 + c.0) / 2;
                        let pb = eval(b, replicates, &mut evaluations)?;
                        return Err(SizeError::Plateau { values: (a.0, b, c.0), powers: (pa, pb, pc) });
                    }
                }
            }
            lo = hi;
            step *= 2;
        }
    }
    // 2. Fit on full evaluations, narrowing the bracket around the fitted answer.
    let (mut a, mut b) = (lo.saturating_sub((hi - lo) / 2).max(min), (hi + (hi - lo) / 2).min(max));
    let mut fit = None;
    for _round in 0..4 {
        let points: Vec<u64> = spread(a, b, 7);
        for &v in &points {
            eval(v, replicates, &mut evaluations)?;
        }
        let full: Vec<&Evaluation> =
            evaluations.iter().filter(|e| e.replicates == replicates && e.value >= a && e.value <= b).collect();
        // A narrowed bracket can be too narrow for the slope to show: keep the wider fit.
        let Some(f) = probit_fit(&full, target) else {
            if fit.is_some() {
                break;
            }
            return Err(SizeError::NoFit { lo: a, hi: b });
        };
        let spacing = (b - a) as f64 / 6.0;
        fit = Some(f);
        if spacing <= f.se.max(0.5) {
            break;
        }
        let half = (3.0 * f.se).max(3.0);
        a = ((f.value - half).floor().max(min as f64)) as u64;
        b = ((f.value + half).ceil().min(max as f64)) as u64;
        if b <= a + 1 {
            break;
        }
    }
    let f = fit.expect("at least one round");
    // 3. The smallest integer whose fitted power reaches the target.
    let value = (f.value.ceil() as u64).clamp(min, max);
    let power = eval(value, replicates, &mut evaluations)?;
    let missed =
        evaluations.iter().find(|e| e.value == value && e.replicates == replicates).map_or(0.0, |e| e.not_reached);
    if missed > 0.01 {
        return Err(SizeError::TargetMissed { value, share: missed });
    }
    let r = replicates as f64;
    Ok(SizeResult {
        value,
        power,
        power_mcse: (power * (1.0 - power) / r).sqrt(),
        fitted_power: normal::cdf(f.intercept + f.slope * value as f64),
        interval: (f.value - 1.96 * f.se, f.value + 1.96 * f.se),
        fit: (f.intercept, f.slope),
        replicates,
        evaluations,
    })
}

/// `n` integers spread evenly over [a, b] (fewer when the range is narrow).
fn spread(a: u64, b: u64, n: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..n).map(|i| a + ((b - a) as f64 * i as f64 / (n - 1) as f64).round() as u64).collect();
    v.dedup();
    v
}

#[derive(Debug, Clone, Copy)]
struct Fit {
    intercept: f64,
    slope: f64,
    /// The (real) value at which the fitted power equals the target, and its standard error.
    value: f64,
    se: f64,
}

/// Probit regression of rejections on the value (binomial likelihood, IRLS on a centred value),
/// solved for the target; None when the slope is not positive at two standard errors.
fn probit_fit(points: &[&Evaluation], target: f64) -> Option<Fit> {
    if points.len() < 3 {
        return None;
    }
    let centre = points.iter().map(|e| e.value as f64).sum::<f64>() / points.len() as f64;
    let scale = points.iter().map(|e| (e.value as f64 - centre).abs()).fold(1.0, f64::max);
    let (mut a, mut b) = (normal::quantile(target), 0.0);
    let mut cov = [[0.0; 2]; 2];
    for _ in 0..50 {
        // Weighted least squares on the working response.
        let (mut s00, mut s01, mut s11, mut r0, mut r1) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for e in points {
            let x = (e.value as f64 - centre) / scale;
            let eta = a + b * x;
            let mu = normal::cdf(eta).clamp(1e-10, 1.0 - 1e-10);
            let d = normal::pdf(eta).max(1e-300);
            let w = e.replicates as f64 * d * d / (mu * (1.0 - mu));
            let z = eta + (e.power - mu) / d;
            s00 += w;
            s01 += w * x;
            s11 += w * x * x;
            r0 += w * z;
            r1 += w * x * z;
        }
        let det = s00 * s11 - s01 * s01;
        if det.abs() < 1e-300 {
            return None;
        }
        let (na, nb) = ((s11 * r0 - s01 * r1) / det, (s00 * r1 - s01 * r0) / det);
        cov = [[s11 / det, -s01 / det], [-s01 / det, s00 / det]];
        let done = (na - a).abs() < 1e-10 && (nb - b).abs() < 1e-10;
        (a, b) = (na, nb);
        if done {
            break;
        }
    }
    if !(b > 2.0 * cov[1][1].sqrt()) {
        return None;
    }
    // x* = (q − a)/b; delta method for its variance.
    let q = normal::quantile(target);
    let x = (q - a) / b;
    let (ga, gb) = (-1.0 / b, -x / b);
    let var = ga * ga * cov[0][0] + 2.0 * ga * gb * cov[0][1] + gb * gb * cov[1][1];
    Some(Fit {
        intercept: a - b * centre / scale,
        slope: b / scale,
        value: centre + x * scale,
        se: var.max(0.0).sqrt() * scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A power curve without noise (Schoenfeld's, HR 0.7): the fitted answer is the crossing
    /// to within the probit approximation of a curve in √v.
    #[test]
    fn finds_the_crossing_of_a_monotone_curve() {
        let curve = |v: u64, _r: u64| -> Result<Outcome, ()> {
            Ok((normal::cdf((v as f64).sqrt() * 0.7f64.ln().abs() / 2.0 - 1.959964), 0.0))
        };
        // Schoenfeld: 330.4 events for power 0.9.
        for start in [10, 200, 331, 1000] {
            let r = search(0.9, start, 1, 5000, 1000, curve, |_| {}).unwrap();
            assert!((330..=332).contains(&r.value), "from {start}: {}", r.value);
            assert!(r.interval.0 < 331.0 && r.interval.1 > 330.0, "{:?}", r.interval);
        }
        assert!(matches!(search(0.9, 10, 1, 100, 1000, curve, |_| {}), Err(SizeError::Unreachable { .. })));
    }

    #[test]
    fn a_plateau_is_an_error_not_a_climb() {
        let flat = |v: u64, _r: u64| -> Result<Outcome, ()> { Ok((0.5 + 0.001 * (v as f64).ln(), 0.0)) };
        assert!(matches!(search(0.9, 100, 1, 10_000_000, 2000, flat, |_| {}), Err(SizeError::Plateau { .. })));
    }
}

/// The counts `size` may vary: power depends on them, and the search knows their bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Varied {
    /// `analysis.cut.events`: the event target of an event-driven cut.
    CutEvents,
    /// `enrollment.sample_size`.
    SampleSize,
}

impl Varied {
    /// Their dotted paths, in the order of the variants.
    pub const PATHS: [&'static str; 2] = ["analysis.cut.events", "enrollment.sample_size"];

    pub fn path(self) -> &'static str {
        match self {
            Varied::CutEvents => Self::PATHS[0],
            Varied::SampleSize => Self::PATHS[1],
        }
    }

    pub fn parse(path: &str) -> Option<Varied> {
        [Varied::CutEvents, Varied::SampleSize].into_iter().find(|v| v.path() == path)
    }
}

/// The closed-form answer where one applies, with its method: Schoenfeld's events (with the
/// group-sequential inflation under looks), the Lachin–Foulkes sample size for those events
/// under uniform accrual and a calendar cut, or the smallest exact binomial sample size. None
/// where no closed form applies, or where it is infinite (a hazard ratio of 1) or beyond the
/// language's limits.
pub fn analytic_answer(s: &Scenario, e: usize, varied: Varied, target: f64) -> Option<(u64, &'static str)> {
    use crate::design::analytic;
    use crate::scenario::{Accrual, BinaryTest, Cut, EndpointKind};
    let mut answer: Option<(u64, &'static str)> = None;
    if let Some(a) = analytic::tte_assumptions(s, e) {
        let (d, method) = match analytic::GroupSequential::of(s, e) {
            Some(gs) => (gs.events(target, a.hazard_ratio, a.ratio), "schoenfeld + group_sequential"),
            None => {
                (analytic::schoenfeld_events(s.endpoints()[e].alpha, target, a.hazard_ratio, a.ratio), "schoenfeld")
            }
        };
        match varied {
            Varied::CutEvents => answer = Some((d.ceil() as u64, method)),
            Varied::SampleSize => {
                // Lachin–Foulkes: under uniform accrual and a calendar cut only.
                let months = match &s.enrollment().accrual {
                    Accrual::Uniform { months } => Some(*months),
                    Accrual::Piecewise { .. } => None,
                };
                let cut = match s.analysis().cut {
                    Cut::Month(cut) => Some(cut),
                    Cut::Events { .. } | Cut::MinFollowUp(_) => None,
                };
                if let (Some(h), Some(months), Some(cut)) = (a.control_hazard, months, cut) {
                    let ep = &s.endpoints()[e];
                    let c = ep.control.expect("two-arm");
                    let arms = [
                        (s.arms()[c].allocation as f64, h, s.dropout_hazard()[c]),
                        (
                            s.arms()[ep.treatment].allocation as f64,
                            h * a.hazard_ratio,
                            s.dropout_hazard()[ep.treatment],
                        ),
                    ];
                    let follow_up = (cut - months).max(0.0);
                    let method = if method == "schoenfeld" {
                        "schoenfeld + lachin_foulkes"
                    } else {
                        "schoenfeld + group_sequential + lachin_foulkes"
                    };
                    answer =
                        Some((analytic::sample_size_for_events(d, &arms, months, follow_up).ceil() as u64, method));
                }
            }
        }
    } else if let (Some((_, _, _)), Varied::SampleSize) = (analytic::binary_companion(s, e), varied)
        && let EndpointKind::Binary { response, test, .. } = &s.endpoints()[e].kind
    {
        // The exact binomial test's smallest sample size; no closed form for the others.
        let null_rate = match test {
            BinaryTest::ExactBinomial { null_rate } => Some(*null_rate),
            BinaryTest::SimonTwoStage { .. }
            | BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::Bayesian { .. }
            | BinaryTest::BayesianDifference { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => None,
        };
        if let Some(null_rate) = null_rate {
            let p1 = analytic::counted_response(s, *response, s.endpoints()[e].treatment);
            let found = (1..=5000u64)
                .find(|&m| analytic::exact_binomial_power(m, null_rate, p1, s.endpoints()[e].alpha).1 >= target);
            answer = found.map(|m| (m, "exact_binomial"));
        }
    }
    answer.filter(|a| a.0 >= 1 && a.0 <= crate::scenario::MAX_SAMPLE_SIZE as u64)
}

/// The bounds of the search from the scenario: at least one event per look and at most one
/// per patient; under an event-driven cut at least as many patients as events; at most 64
/// times the start (a search that climbs further is chasing a plateau).
pub fn bounds(s: &Scenario, varied: Varied, start: u64, current: u64) -> (u64, u64) {
    let event_cut = match s.analysis().cut {
        crate::scenario::Cut::Events { events, .. } => Some(events as u64),
        crate::scenario::Cut::Month(_) | crate::scenario::Cut::MinFollowUp(_) => None,
    };
    match varied {
        Varied::CutEvents => ((s.analysis().looks.count() as u64).max(2), s.enrollment().sample_size as u64),
        Varied::SampleSize => (
            event_cut.unwrap_or(2).max(2),
            start.max(current).saturating_mul(64).min(crate::scenario::MAX_SAMPLE_SIZE as u64),
        ),
    }
}
