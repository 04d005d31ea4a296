//! A cohort's baseline `covariates` (each one's law, reference and whether the analyses see
//! it), their `correlation` (the Gaussian copula's pairs, positive definite) and the `effects`
//! of its events and responses on them (log hazard ratios, log odds ratios per unit).

use crate::scenario::model::{Covariate, CovariateLaw};
use crate::scenario::read::{Reader, get, join};
use crate::scenario::tree::{Entry, Node, Value};

/// The largest number of covariates (each a slot of every patient's stream).
pub const MAX_COVARIATES: usize = 32;

/// The covariates of every cohort, each once, in the order they first appear.
pub(super) fn collect_names(t: &[Entry], out: &mut Vec<String>) {
    for e in t {
        if let Some(Value::Table(items)) = e.node.table().and_then(|ct| get(ct, "covariates")).map(|n| &n.value) {
            for item in items {
                if !out.contains(&item.key) {
                    out.push(item.key.clone());
                }
            }
        }
    }
}

/// A cohort's covariates (every one of `names`, which each cohort must define) and their
/// correlation; `measured[k]` collects whether covariate k is given to the analyses, which
/// every cohort must agree on. Both empty without covariates.
pub(super) fn read_covariates(
    r: &mut Reader,
    node: &Node,
    ct: &[Entry],
    path: &str,
    names: &[String],
    measured: &mut [Option<bool>],
) -> Option<(Vec<Covariate>, Vec<Vec<f64>>)> {
    if names.is_empty() {
        if let Some(n) = get(ct, "correlation") {
            r.error(n, &join(path, "correlation"), "a correlation needs covariates");
            return None;
        }
        return Some((Vec::new(), Vec::new()));
    }
    let cp = join(path, "covariates");
    let Some(cn) = get(ct, "covariates") else {
        r.error_at(
            &node.origin,
            &cp,
            format!("missing; every cohort defines every covariate ({}), each with its own law", names.join(", ")),
        );
        return None;
    };
    let table = r.named_table(cn, &cp, "covariates")?;
    let before = r.errors.len();
    let mut covariates = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let Some(n) = get(table, name) else {
            r.error(cn, &cp, format!("covariate {name:?} is missing: every cohort defines every covariate"));
            continue;
        };
        let p = join(&cp, name);
        if let Some((c, m)) = read_covariate(r, n, &p) {
            match measured[k] {
                Some(before) if before != m => {
                    r.error(n, &join(&p, "measured"), "every cohort must agree on whether a covariate is measured");
                }
                _ => measured[k] = Some(m),
            }
            covariates.push(c);
        }
    }
    let correlation = read_correlation(r, ct, path, names);
    if r.errors.len() > before || covariates.len() != names.len() {
        return None;
    }
    Some((covariates, correlation?))
}

/// One covariate: `{ normal = { mean, sd, min?, max? } | binary = P, reference?, measured? }`.
fn read_covariate(r: &mut Reader, n: &Node, p: &str) -> Option<(Covariate, bool)> {
    let t = r.table(n, p, &["normal", "binary", "reference", "measured"])?;
    let laws: Vec<&str> = CovariateLaw::NAMES.iter().copied().filter(|l| get(t, l).is_some()).collect();
    if laws.len() != 1 {
        r.error(n, p, "expected exactly one law: normal = { mean = M, sd = S, min = A, max = B } or binary = P");
        return None;
    }
    let law = if let Some(b) = get(t, "binary") {
        let pr = r.number(b, &join(p, "binary"), |x| {
            if x > 0.0 && x < 1.0 { Ok(()) } else { Err("a binary covariate's probability must be in (0, 1)".into()) }
        })?;
        CovariateLaw::Binary { probability: pr }
    } else {
        let nn = get(t, "normal").expect("one law");
        let np = join(p, "normal");
        let nt = r.table(nn, &np, &["mean", "sd", "min", "max"])?;
        let mean =
            r.required(nn, nt, &np, "mean", "the mean").and_then(|m| r.number(m, &join(&np, "mean"), |_| Ok(())));
        let sd = r.required(nn, nt, &np, "sd", "the standard deviation, above 0").and_then(|s| {
            r.number(s, &join(&np, "sd"), |x| {
                if x > 0.0 { Ok(()) } else { Err("a standard deviation must be above 0".into()) }
            })
        });
        let bound = |r: &mut Reader, k: &str, default: f64| match get(nt, k) {
            None => Some(default),
            Some(b) => r.number(b, &join(&np, k), |_| Ok(())),
        };
        let (min, max) = (bound(r, "min", f64::NEG_INFINITY), bound(r, "max", f64::INFINITY));
        let (mean, sd, min, max) = (mean?, sd?, min?, max?);
        if min >= max || (max - mean) / sd < -8.0 || (min - mean) / sd > 8.0 {
            r.error(nn, &np, "expected min < max, with the bounds' interval holding some of the normal's mass (within 8 sd of the mean)");
            return None;
        }
        CovariateLaw::Normal { mean, sd, min, max }
    };
    let reference = match get(t, "reference") {
        None => match law {
            CovariateLaw::Normal { mean, .. } => mean,
            CovariateLaw::Binary { .. } => 0.0,
        },
        Some(x) => r.number(x, &join(p, "reference"), |_| Ok(()))?,
    };
    let measured = match get(t, "measured") {
        None => true,
        Some(m) => r.boolean(m, &join(p, "measured"))?,
    };
    Some((Covariate { law, reference }, measured))
}

/// `correlation = [["age", "ecog", 0.3], …]`: the latent normals' correlations by pair (0 for
/// a pair not given), forming a positive definite matrix.
fn read_correlation(r: &mut Reader, ct: &[Entry], path: &str, names: &[String]) -> Option<Vec<Vec<f64>>> {
    let k = names.len();
    let mut m: Vec<Vec<f64>> = (0..k).map(|i| (0..k).map(|j| (i == j) as u8 as f64).collect()).collect();
    let Some(n) = get(ct, "correlation") else { return Some(m) };
    let p = join(path, "correlation");
    let items = r.array(n, &p, "[covariate, covariate, correlation] triples")?;
    let before = r.errors.len();
    for (i, item) in items.iter().enumerate() {
        let ip = format!("{p}[{i}]");
        let triple = match &item.value {
            Value::Array(v) if v.len() == 3 => v,
            _ => {
                r.error(item, &ip, "expected [\"covariate\", \"covariate\", correlation]");
                continue;
            }
        };
        let mut index = |node: &Node, at: &str| {
            let name = r.string(node, at)?;
            let found = names.iter().position(|x| x == name);
            if found.is_none() {
                r.error(node, at, format!("no covariate {name:?}; the covariates are {}", names.join(", ")));
            }
            found
        };
        let (a, b) = (index(&triple[0], &format!("{ip}[0]")), index(&triple[1], &format!("{ip}[1]")));
        let rho = r.number(&triple[2], &format!("{ip}[2]"), |x| {
            if x > -1.0 && x < 1.0 { Ok(()) } else { Err("a correlation must be in (−1, 1)".into()) }
        });
        if let (Some(a), Some(b), Some(rho)) = (a, b, rho) {
            if a == b {
                r.error(item, &ip, "a correlation is between two different covariates");
            } else {
                m[a][b] = rho;
                m[b][a] = rho;
            }
        }
    }
    if r.errors.len() > before {
        return None;
    }
    if crate::stats::linalg::cholesky(&m).is_none() {
        r.error(n, &p, "the correlation matrix these pairs make is not positive definite");
        return None;
    }
    Some(m)
}

/// An event's or response's `effects = { age = 0.02, ecog = 0.4 }`: a coefficient per covariate
/// (0 for one not named; empty when there is no `effects`).
pub(super) fn read_effects(r: &mut Reader, t: &[Entry], path: &str, names: &[String], what: &str) -> Option<Vec<f64>> {
    let Some(n) = get(t, "effects") else { return Some(Vec::new()) };
    let p = join(path, "effects");
    let Some(items) = n.table() else {
        r.error(n, &p, format!("expected a table of {what} per unit of each covariate, e.g. {{ age = 0.02 }}"));
        return None;
    };
    let mut out = vec![0.0; names.len()];
    let before = r.errors.len();
    for item in items {
        let ip = join(&p, &item.key);
        match names.iter().position(|x| *x == item.key) {
            None => r.error(
                &item.node,
                &ip,
                if names.is_empty() {
                    "no covariates are defined: add [cohorts.C.covariates]".to_string()
                } else {
                    format!("no covariate {:?}; the covariates are {}", item.key, names.join(", "))
                },
            ),
            Some(k) => {
                if let Some(b) = r.number(&item.node, &ip, |x| {
                    if x.abs() <= 20.0 { Ok(()) } else { Err(format!("expected {what} in [−20, 20]")) }
                }) {
                    out[k] = b;
                }
            }
        }
    }
    (r.errors.len() == before).then_some(out)
}
