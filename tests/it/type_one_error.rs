//! The type I error of each test under the null (hazard ratio 1, equal response rates), with
//! fixed seeds: within 4 Monte Carlo standard errors of the nominal one-sided level for the
//! asymptotically exact tests, and of the exact size for the exact binomial test.

use peritrial::{engine, scenario};

const R: u64 = 4000;

fn rate(file: &str, sets: &[&str]) -> Vec<(String, f64)> {
    let mut sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    sets.extend([format!("study.replicates={R}"), "study.seed=7".to_string()]);
    let s = scenario::load(std::path::Path::new(file), &sets).unwrap();
    let summary = engine::run(&s, 0..R, |_| {});
    s.endpoints()
        .iter()
        .zip(&summary.endpoints)
        .map(|(e, es)| (e.name.clone(), es.rejections_unadjusted as f64 / R as f64))
        .collect()
}

fn assert_near(what: &str, got: f64, level: f64) {
    let four_se = 4.0 * (level * (1.0 - level) / R as f64).sqrt();
    assert!((got - level).abs() <= four_se, "{what}: type I error {got:.4} vs {level} (4 MCSE {four_se:.4})");
}

#[test]
fn logrank_family_cox_and_maxcombo_hold_their_level() {
    let hr1 = [
        "cohorts.gastric_t4.events.peritoneal_metastasis.hazard_ratio.rmhtnf=1.0",
        "cohorts.gastric_t4.events.death.hazard_ratio={ rmhtnf = 1.0 }",
    ];
    for (name, r) in rate("scenarios/gastric-delayed-effect-cure.toml", &hr1) {
        assert_near(&format!("delayed-effect scenario, {name}"), r, 0.025);
    }
    for (name, r) in rate("scenarios/null-efs-logrank.toml", &[]) {
        assert_near(&format!("canonical null, {name}"), r, 0.025);
    }
    let strat = [
        "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=1.0",
        "cohorts.colorectal.events.peritoneal_metastasis.hazard_ratio.rmhtnf=1.0",
    ];
    for (name, r) in rate("scenarios/mixed-stratified.toml", &strat) {
        assert_near(&format!("stratified, {name}"), r, 0.025);
    }
}

#[test]
fn one_sample_logrank_holds_its_level() {
    let text = std::fs::read_to_string("scenarios/two-arm-efs-logrank.toml").unwrap();
    let text = text
        .replace("control = { allocation = 1 }\n", "")
        .replace("hazard_ratio = { rmhtnf = 0.7 }      # arms not named have ratio 1\n", "")
        .replace("test = \"logrank\"", "test = \"one_sample_logrank\"\nnull_median_months = 24.0")
        .replace("control = \"control\"\n", "")
        .replace("cut = { endpoint = \"efs\", events = 300 }", "cut = { endpoint = \"efs\", events = 150 }");
    let s = scenario::from_str(&text, "one-sample", &[format!("study.replicates={R}")]).unwrap();
    let summary = engine::run(&s, 0..R, |_| {});
    assert_near("one-sample log-rank", summary.endpoints[0].rejections as f64 / R as f64, 0.025);
}

#[test]
fn exact_binomial_has_its_exact_size() {
    let results = rate(
        "scenarios/ascites-dcr-single-arm.toml",
        &["cohorts.gastric.responses.ascites_control.probability.rmhtnf=0.10"],
    );
    // 40 patients, p0 = 0.10, one-sided 0.05: reject with 8 or more; exact size P(X >= 8).
    let (k, size) = peritrial::design::analytic::exact_binomial_power(40, 0.1, 0.1, 0.05);
    assert_eq!(k, 8);
    assert_near("exact binomial", results[0].1, size);
    assert!(size <= 0.05);
}
