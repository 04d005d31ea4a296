//! The scenario language: TOML text → a tree that remembers origins (`tree`) → `--set`
//! overrides → a validated [`Scenario`] (`validate`) in which every invariant holds.
//! `show` writes a scenario back as TOML with every default filled in. `vocab` holds the
//! language's names (the tables of names and keys, and the name enums validation reads).

mod model;
mod null;
mod read;
mod show;
mod tree;
mod validate;
mod vocab;

pub use model::*;
pub use read::Diagnostic;
pub use show::to_toml;
pub use tree::{Origin, nearest, parse_path};
pub use validate::{ADSL_COLUMNS, MAX_MONTHS, MAX_REPLICATES, MAX_SAMPLE_SIZE};
pub use vocab::*;

use std::fmt;
use std::path::Path;

/// Why a scenario could not be loaded: every message, each naming file:line:column (or the
/// `--set` argument) and the dotted path.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub file: String,
    pub messages: Vec<String>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.messages.join("\n"))
    }
}

impl std::error::Error for ScenarioError {}

/// The integer written at a dotted path of a scenario file (after `--set` overrides), for
/// `size` and `sweep`; an error names what is there instead.
pub fn integer_at(path: &Path, sets: &[String], dotted: &str) -> Result<i64, ScenarioError> {
    let file = path.display().to_string();
    let fail = |m: String| ScenarioError { file: file.clone(), messages: vec![m] };
    let text = crate::input::read_text(path, crate::input::SCENARIO_LIMIT, "a scenario")
        .map_err(|e| fail(format!("{file}: cannot read the scenario: {e}")))?;
    let mut root =
        tree::parse_document(&text).map_err(|e| fail(format!("{}: {}", e.origin.locate(&file), e.message)))?;
    for arg in sets {
        tree::apply_set(&mut root, arg).map_err(|e| fail(format!("{file}: {e}")))?;
    }
    let keys = tree::parse_path(dotted).map_err(|e| fail(format!("{file}: {e}")))?;
    let mut node = &root;
    for (i, k) in keys.iter().enumerate() {
        node = node.get(k).ok_or_else(|| {
            let here = keys[..i].join(".");
            let names: Vec<&str> = node.table().map(|t| t.iter().map(|e| e.key.as_str()).collect()).unwrap_or_default();
            let hint = nearest(k, &names)
                .map(|n| {
                    format!("; did you mean {}{n}?", if here.is_empty() { String::new() } else { format!("{here}.") })
                })
                .unwrap_or_default();
            fail(format!("{file}: {dotted}: the scenario has no such value{hint}"))
        })?;
    }
    match node.value {
        tree::Value::Integer(i) => Ok(i),
        ref v => Err(fail(format!("{file}: {dotted} is {}, not a count that can be sized", v.describe()))),
    }
}

/// Reads, overrides and validates a scenario file.
pub fn load(path: &Path, sets: &[String]) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let bytes = crate::input::read_bytes(path, crate::input::SCENARIO_LIMIT, "a scenario").map_err(|e| {
        ScenarioError { file: file.clone(), messages: vec![format!("{file}: cannot read the scenario: {e}")] }
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ScenarioError {
        file: file.clone(),
        messages: vec![format!("{file}: not a text file: invalid UTF-8 at byte {}", e.utf8_error().valid_up_to())],
    })?;
    from_str(&text, &file, sets)
}

/// Parses, overrides and validates scenario text; `file` names it in messages.
pub fn from_str(text: &str, file: &str, sets: &[String]) -> Result<Scenario, ScenarioError> {
    let fail = |messages: Vec<String>| ScenarioError { file: file.to_string(), messages };
    if text.trim().is_empty() {
        return Err(fail(vec![format!(
            "{file}: the scenario is empty; expected [study], [arms], [enrollment], [cohorts], [endpoints] and [analysis] tables"
        )]));
    }
    let mut root =
        tree::parse_document(text).map_err(|e| fail(vec![format!("{}: {}", e.origin.locate(file), e.message)]))?;
    let mut set_errors = Vec::new();
    for arg in sets {
        if let Err(e) = tree::apply_set(&mut root, arg) {
            set_errors.push(format!("{file}: {e}"));
        }
    }
    if !set_errors.is_empty() {
        return Err(fail(set_errors));
    }
    validate::scenario(&root).map_err(|errs| fail(errs.iter().map(|d| d.render(file)).collect()))
}

/// The scenario with every treatment effect at its null (`run --null`), and what was set, in
/// words. It is built from the validated scenario and then validated itself, as its TOML, like
/// any scenario: a null the language would refuse (a hazard ratio beyond its range, say) is an
/// error, not a run.
///
/// `marginal(cohort, response, p)` is the response probability of a cohort's patients, averaged
/// over its covariates, when the probability at the reference covariates is `p` (the simulator
/// knows it; `p` itself without covariate effects): a null rate is a marginal one, so the
/// reference probability that gives it is solved for.
pub fn under_null(
    s: &Scenario,
    marginal: &dyn Fn(usize, usize, f64) -> f64,
) -> Result<(Scenario, Vec<String>), String> {
    let (null, done) = null::under_null(s, marginal)?;
    let text = to_toml(&null);
    let checked = from_str(&text, "the scenario under the null (run --null)", &[])
        .map_err(|e| format!("--null: the scenario under the null is not a valid scenario:\n{e}"))?;
    Ok((checked, done))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `run --null` validates the null scenario it builds: for every shipped scenario with a
    /// null, validation changes nothing of it (so the null run is the one built).
    #[test]
    fn the_null_scenario_goes_through_validation_unchanged() {
        let mut checked = 0;
        for entry in std::fs::read_dir("scenarios").unwrap() {
            let path = entry.unwrap().path();
            let s = load(&path, &[]).unwrap();
            let same = |_: usize, _: usize, p: f64| p;
            let Ok((built, _)) = null::under_null(&s, &same) else { continue };
            let (validated, _) = under_null(&s, &same).unwrap();
            assert_eq!(validated, built, "{}", path.display());
            checked += 1;
        }
        assert!(checked >= 15, "{checked} scenarios with a null");
    }

    const BASE: &str = include_str!("../../scenarios/two-arm-efs-logrank.toml");

    /// Applies `--set` overrides to the canonical scenario and returns the messages.
    fn errors_with(sets: &[&str]) -> Vec<String> {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        match from_str(BASE, "s.toml", &sets) {
            Ok(_) => Vec::new(),
            Err(e) => e.messages,
        }
    }

    fn assert_rule(sets: &[&str], needle: &str) {
        let errs = errors_with(sets);
        assert!(errs.iter().any(|m| m.contains(needle)), "{sets:?}: expected {needle:?} in {errs:#?}");
    }

    #[test]
    fn canonical_scenario_reads_as_written() {
        let s = from_str(BASE, "s.toml", &[]).unwrap();
        assert_eq!(s.replicates, 10_000);
        assert_eq!(s.seed, 20_261_126);
        assert_eq!(s.arms.len(), 2);
        assert_eq!(s.enrollment.sample_size, 600);
        assert_eq!(s.enrollment.accrual, Accrual::Uniform { months: 24.0 });
        assert_eq!(s.dropout_hazard, vec![0.004, 0.004]);
        let m = s.cohorts[0].events[0].as_ref().unwrap();
        assert_eq!(m.distribution, Distribution::Exponential { rate: std::f64::consts::LN_2 / 24.0 });
        assert_eq!(m.hazard_ratio[1], HazardRatio::constant(0.7));
        assert_eq!(m.hazard_ratio[0], HazardRatio::constant(1.0));
        assert_eq!(s.analysis.cut, Cut::Events { endpoint: 0, events: 300 });
        assert_eq!(s.analysis.looks, Looks::Information(vec![1.0]));
    }

    #[test]
    fn each_rule_is_checked() {
        let ep = "endpoints.efs";
        assert_rule(&["study.replicates=0"], "study.replicates");
        assert_rule(&["study.seed=-1"], "study.seed");
        assert_rule(&["study.name=3"], "expected a string");
        assert_rule(&["arms.control.allocation=1001"], "arms.control.allocation");
        assert_rule(&["enrollment.accrual={ months = 0 }"], "greater than 0");
        assert_rule(&["enrollment.accrual={ months = 12, rates = [[0, 1]] }"], "exactly one of months");
        assert_rule(&["enrollment.accrual={ rates = [[0, 10], [6, 0]] }"], "last accrual rate");
        assert_rule(&["dropout.hazard_per_month={ control = 0.01 }"], "missing: rmhtnf");
        assert_rule(&["dropout.hazard_per_month=-0.01"], "rate per month");
        assert_rule(&["cohorts.gastric.frailty_variance=0"], "frailty variance");
        assert_rule(
            &["cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=[[0, 1.0], [0, 0.5]]"],
            "increase",
        );
        assert_rule(&[&format!("{ep}.milestones=[24, 12]")], "increase strictly");
        assert_rule(&[&format!("{ep}.milestones=[0]")], "greater than 0");
        assert_rule(
            &[&format!("{ep}.competing=[\"peritoneal_metastasis\"]")],
            "both an endpoint event and a competing one",
        );
        assert_rule(&[&format!("{ep}.events=[]")], "at least one event");
        assert_rule(&[&format!("{ep}.events=[\"peritoneal_metastasis\", \"peritoneal_metastasis\"]")], "listed twice");
        assert_rule(&[&format!("{ep}.test=\"wilcoxon\"")], "expected one of");
        assert_rule(&[&format!("{ep}.test=\"one_sample_logrank\"")], "remove control");
        assert_rule(&[&format!("{ep}.test=\"fleming_harrington\""), &format!("{ep}.rho=-1")], "rho must be");
        assert_rule(&[&format!("{ep}.rho=1")], "unknown key");
        assert_rule(&[&format!("{ep}.kind=\"binary\"")], "\"exact_binomial\"");
        assert_rule(&["analysis.cut={ month = 12, min_follow_up_months = 3 }"], "exactly one of");
        assert_rule(&["analysis.looks=[0.6, 0.5, 1.0]"], "increase strictly");
        assert_rule(&["analysis.spending=\"haybittle\""], "or { hwang_shih_decani = GAMMA }");
        assert_rule(&["analysis.spending={ hwang_shih_decani = 100 }"], "gamma must be");
        assert_rule(&["analysis.futility={ z = 0, beta_spending = \"pocock\" }"], "expected z = Z");
        assert_rule(&["analysis.futility={ beta_spending = \"pocock\", beta = 0.7 }"], "type II error");
        assert_rule(&["analysis.multiplicity={ method = \"holm\", endpoints = [\"efs\"] }"], "at least two endpoints");
        assert_rule(&["assessments={ schedule = [[0, 0]] }"], "greater than 0");
    }

    #[test]
    fn set_overrides_are_applied_before_validation() {
        let s =
            from_str(BASE, "s.toml", &["enrollment.sample_size=400".into(), "analysis.cut.events=200".into()]).unwrap();
        assert_eq!(s.enrollment.sample_size, 400);
        assert_eq!(s.analysis.cut, Cut::Events { endpoint: 0, events: 200 });
        let s = from_str(
            BASE,
            "s.toml",
            &["cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=[[0, 1.0], [6, 0.6]]".into()],
        )
        .unwrap();
        assert_eq!(
            s.cohorts[0].events[0].as_ref().unwrap().hazard_ratio[1],
            HazardRatio { starts: vec![0.0, 6.0], ratios: vec![1.0, 0.6] }
        );
    }
}
