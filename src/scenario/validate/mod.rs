//! Reads the document tree into a [`Scenario`], checking every rule of the scenario language
//! and collecting every error (not only the first). This file reads the document as a whole;
//! each section of the language has its file: `study` (study, arms, enrollment, dropout,
//! assessments), `cohorts` (cohorts, events, distributions, switching, responses, adverse
//! events), `endpoints`, `analysis` (cut, futility, harm, re-estimation and the checks across
//! them), `looks` and `multiplicity` (family, graph); `common` holds what they share.

mod analysis;
mod cohorts;
pub use cohorts::ADSL_COLUMNS;
mod common;
mod covariates;
mod endpoints;
mod looks;
mod multiplicity;
mod study;

pub use common::{MAX_MONTHS, MAX_REPLICATES, MAX_SAMPLE_SIZE};

use crate::scenario::model::{Analysis, BinaryTest, Cohort, Endpoint, EndpointKind, Looks, Scenario};
use crate::scenario::read::{Diagnostic, Reader, get, join};
use crate::scenario::tree::{Entry, Node, Origin, Value};
use common::Names;

const TOP: &[&str] = &["study", "arms", "enrollment", "dropout", "cohorts", "endpoints", "analysis", "assessments"];

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

/// The whole document, section by section, in the order the sections depend on each other.
fn read_scenario(r: &mut Reader, root: &Node) -> Option<Scenario> {
    let top = r.table(root, "", TOP)?;
    check_names(r, top);
    let (name, replicates, seed) = study::read_study(r, root, top);
    let arms = study::read_arms(r, root, top);
    // Arm names are known even where an arm's allocation is wrong, so references still resolve.
    let arm_names = match get(top, "arms").and_then(Node::table) {
        Some(t) => t.iter().map(|e| e.key.clone()).collect(),
        None => Vec::new(),
    };
    let names = Names { arms: arm_names };
    let enrollment = study::read_enrollment(r, root, top, &arms);
    let dropout_hazard = study::read_dropout(r, top, &names, &arms);
    let mut event_names = Vec::new();
    let mut response_names = Vec::new();
    let mut ae_names = Vec::new();
    let mut covariates = (Vec::new(), Vec::new());
    let cohorts = cohorts::read_cohorts(
        r,
        root,
        top,
        &names,
        &mut event_names,
        &mut response_names,
        &mut ae_names,
        &mut covariates,
    );
    let sample_size = get(top, "enrollment").and_then(|e| e.get("sample_size")).and_then(|n| match n.value {
        Value::Integer(i) if (1..=MAX_SAMPLE_SIZE).contains(&i) => Some(i as u32),
        _ => None,
    });
    let endpoints = endpoints::read_endpoints(
        r,
        root,
        top,
        &names,
        &event_names,
        &response_names,
        &ae_names,
        &cohorts,
        sample_size,
    );
    let analysis = analysis::read_analysis(r, root, top, &endpoints, &arms, sample_size);
    let assessments = study::read_assessments(r, top);
    if arms.is_empty() {
        return None;
    }
    let (enrollment, block_size) = enrollment?;
    let (cohorts, endpoints, analysis) = (cohorts?, endpoints?, analysis?);
    check_fixed_counts(r, root, &cohorts, &endpoints, &analysis)?;
    Some(Scenario {
        name,
        replicates: replicates?,
        seed: seed?,
        arms,
        block_size,
        enrollment,
        dropout_hazard: dropout_hazard?,
        cohorts,
        event_names,
        response_names,
        adverse_event_names: ae_names,
        covariate_names: covariates.0,
        covariate_measured: covariates.1,
        endpoints,
        analysis,
        assessments,
    })
}

/// Looks and interims at patient counts need the arms' sizes the allocation fixes; a
/// population of one arm (`cohorts.C.arm`) makes them random (by its share), so neither is
/// taken with one.
fn check_fixed_counts(
    r: &mut Reader,
    root: &Node,
    cohorts: &[Cohort],
    endpoints: &[Endpoint],
    analysis: &Analysis,
) -> Option<()> {
    let Some(c) = cohorts.iter().find(|c| c.arm.is_some()) else { return Some(()) };
    let why = format!(
        "cohort {:?} is a population of one arm, whose size is random (by its share), so counts of patients cannot be planned",
        c.name
    );
    if let Looks::Patients(_) = analysis.looks {
        r.error_at(&root.origin, "analysis.looks.patients", format!("{why}; give the looks as fractions or events"));
        return None;
    }
    for e in endpoints {
        let EndpointKind::Binary {
            test: BinaryTest::Bayesian { rule, .. } | BinaryTest::BayesianDifference { rule },
            ..
        } = &e.kind
        else {
            continue;
        };
        if !rule.looks.is_empty() {
            r.error_at(
                &root.origin,
                &format!("endpoints.{}.interims", e.name),
                format!("{why}; a Bayesian rule takes its interims only in a randomised design"),
            );
            return None;
        }
    }
    Some(())
}

/// The longest name of an arm, cohort, event, response, adverse event or endpoint.
pub const MAX_NAME: usize = 64;

/// Whether `name` is safe wherever a name goes: a CSV cell (no leading `=`, `+`, `-`, `@`, which
/// spreadsheets read as a formula: OWASP's CSV injection), a file name (no `/`, `\`, `..`), a
/// terminal line (no control characters): letters, digits and `_`, then also `-`, `.` and
/// spaces, at most [`MAX_NAME`] characters.
pub fn safe_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphanumeric() || c == '_');
    first_ok
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
        && name.chars().count() <= MAX_NAME
}

/// Every name the scenario defines (table keys of `arms`, `cohorts`, each cohort's `events`,
/// `responses` and `adverse_events`, and `endpoints`) is a [`safe_name`].
fn check_names(r: &mut Reader, top: &[Entry]) {
    let mut tables: Vec<(String, &[Entry])> = Vec::new();
    for key in ["arms", "cohorts", "endpoints"] {
        if let Some(t) = get(top, key).and_then(Node::table) {
            tables.push((key.to_string(), t));
        }
    }
    if let Some(cohorts) = get(top, "cohorts").and_then(Node::table) {
        for c in cohorts {
            for key in ["events", "responses", "adverse_events"] {
                if let Some(t) = c.node.table().and_then(|t| get(t, key)).and_then(Node::table) {
                    tables.push((format!("cohorts.{}.{key}", c.key), t));
                }
            }
        }
    }
    for (path, t) in tables {
        for e in t.iter().filter(|e| !safe_name(&e.key)) {
            r.error(
                &e.node,
                &join(&path, &e.key),
                format!("a name of letters, digits and _, then also -, . or spaces, at most {MAX_NAME} characters (a name becomes a CSV cell, a file name and a table label; found {:?})", e.key),
            );
        }
    }
}
