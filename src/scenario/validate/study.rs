//! The study's own sections: `[study]` (name, replicates, seed), `[arms]`, `[enrollment]`
//! (sample size, accrual, block size), `[dropout]` and `[assessments]`.

use super::common::{MAX_MONTHS, MAX_REPLICATES, MAX_SAMPLE_SIZE, Names, per_arm, positive_months, rate};
use crate::scenario::model::{Accrual, Arm, Enrollment, Schedule};
use crate::scenario::read::{Reader, get, join};
use crate::scenario::tree::{Entry, Node};

/// `[study]`: the name, and the replicates and seed (None where wrong or missing).
pub(super) fn read_study(r: &mut Reader, root: &Node, top: &[Entry]) -> (String, Option<u64>, Option<u64>) {
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
        if s.chars().any(char::is_control) {
            // A control character would reach a terminal raw (escape sequences) or split a line.
            r.error(n, "study.name", "a name without control characters (tabs, line breaks, escapes)");
        }
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

/// `[arms]`: every arm with its allocation (none when any arm is wrong).
pub(super) fn read_arms(r: &mut Reader, root: &Node, top: &[Entry]) -> Vec<Arm> {
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

/// `[enrollment]`: the sample size and accrual, and the block size.
pub(super) fn read_enrollment(r: &mut Reader, root: &Node, top: &[Entry], arms: &[Arm]) -> Option<(Enrollment, u32)> {
    let Some(node) = get(top, "enrollment") else {
        r.error_at(&root.origin, "enrollment", "missing; expected an [enrollment] table with sample_size and accrual");
        return None;
    };
    let t = r.table(node, "enrollment", &["sample_size", "accrual", "block_size"])?;
    let n = r.required(node, t, "enrollment", "sample_size", "an integer number of patients");
    let sample_size = n.and_then(|n| r.integer(n, "enrollment.sample_size", 1, MAX_SAMPLE_SIZE));
    let accrual = r
        .required(node, t, "enrollment", "accrual", "{ months = 24 } or { rates = [[0, 10], [6, 30]] }")
        .and_then(|a| read_accrual(r, a, sample_size));
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

/// `enrollment.accrual`: uniform over some months, or piecewise rates whose expected
/// enrolment of the sample size ends within the longest time accepted.
fn read_accrual(r: &mut Reader, a: &Node, sample_size: Option<i64>) -> Option<Accrual> {
    let at = r.table(a, "enrollment.accrual", &["months", "rates"])?;
    match (get(at, "months"), get(at, "rates")) {
        (Some(m), None) => {
            r.number(m, "enrollment.accrual.months", positive_months).map(|months| Accrual::Uniform { months })
        }
        (None, Some(rates)) => {
            let (starts, rates) = r.pieces(rates, "enrollment.accrual.rates", "patients_per_month", |x| {
                if (0.0..=1e7).contains(&x) { Ok(()) } else { Err("expected patients per month in [0, 1e7]".into()) }
            })?;
            if rates.last().is_some_and(|&x| x <= 0.0) {
                r.error(
                    a,
                    "enrollment.accrual.rates",
                    "the last accrual rate must be greater than 0, or enrolment never ends",
                );
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
}

/// `[dropout]`: the hazard of loss to follow-up per arm (0 when not given).
pub(super) fn read_dropout(r: &mut Reader, top: &[Entry], names: &Names, arms: &[Arm]) -> Option<Vec<f64>> {
    match get(top, "dropout") {
        None => Some(vec![0.0; arms.len()]),
        Some(node) => r.table(node, "dropout", &["hazard_per_month"]).and_then(|t| match get(t, "hazard_per_month") {
            None => Some(vec![0.0; arms.len()]),
            Some(h) => per_arm(r, h, "dropout.hazard_per_month", names, None, rate),
        }),
    }
}

/// `[assessments]`: the imaging schedule, when given (None too where it is wrong).
pub(super) fn read_assessments(r: &mut Reader, top: &[Entry]) -> Option<Schedule> {
    get(top, "assessments").and_then(|node| {
        let t = r.table(node, "assessments", &["schedule"])?;
        let s = r.required(node, t, "assessments", "schedule", "[[from_month, every_months], …]")?;
        let (starts, every) = r.pieces(s, "assessments.schedule", "every_months", positive_months)?;
        if every.iter().any(|&e| e <= 0.0) {
            return None;
        }
        Some(Schedule { starts, every })
    })
}
