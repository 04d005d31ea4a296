//! What the sections of validation share: the limits of the language, the checks of months,
//! rates and hazard ratios, the arms' names, per-arm values, lists of names, spending
//! functions, and whether an endpoint has a test. Imports no other file of `validate`.

use crate::scenario::model::{EndpointKind, Spending};
use crate::scenario::read::{Reader, join};
use crate::scenario::tree::{Node, Value};

/// Largest sample size accepted (patients per virtual trial).
pub const MAX_SAMPLE_SIZE: i64 = 10_000_000;
/// Largest number of replicates accepted.
pub const MAX_REPLICATES: i64 = 1_000_000_000;
/// Longest time, in months, accepted anywhere (1,000 years).
pub const MAX_MONTHS: f64 = 12_000.0;

/// A number of months in [0, MAX_MONTHS].
pub(super) fn months(x: f64) -> Result<(), String> {
    if x < 0.0 {
        Err("expected a number of months of at least 0".into())
    } else if x > MAX_MONTHS {
        Err(format!("expected at most {MAX_MONTHS} months"))
    } else {
        Ok(())
    }
}

/// A number of months in (0, MAX_MONTHS].
pub(super) fn positive_months(x: f64) -> Result<(), String> {
    if x > 0.0 { months(x) } else { Err("expected a number of months greater than 0".into()) }
}

/// A rate per month in [0, 1e6].
pub(super) fn rate(x: f64) -> Result<(), String> {
    if (0.0..=1e6).contains(&x) { Ok(()) } else { Err("expected a rate per month in [0, 1e6]".into()) }
}

/// A hazard ratio in (0, 1e6].
pub(super) fn ratio(x: f64) -> Result<(), String> {
    if x > 0.0 && x <= 1e6 { Ok(()) } else { Err("a hazard ratio must be greater than 0 (and at most 1e6)".into()) }
}

/// The names the scenario defines, known even where their settings are wrong.
pub(super) struct Names {
    pub(super) arms: Vec<String>,
}

/// A value for every arm: a number for all arms, or a table naming arms. With `default`,
/// arms not named take it; without, every arm must be named.
pub(super) fn per_arm(
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

/// A list of names defined elsewhere (events, endpoints), each listed once: their indices.
pub(super) fn name_list(r: &mut Reader, node: &Node, path: &str, defined: &[String], what: &str) -> Option<Vec<usize>> {
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

/// A spending function: a name, or the Hwang–Shih–DeCani family with its gamma.
pub(super) fn read_spending(r: &mut Reader, node: &Node, path: &str) -> Option<Spending> {
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

/// Whether an endpoint of this kind has a test (every kind but safety).
pub(super) fn has_test(kind: &EndpointKind) -> bool {
    match kind {
        EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
        EndpointKind::Safety { .. } => false,
    }
}
