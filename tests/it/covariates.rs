//! Baseline covariates of virtual patients: their laws (truncated normals, binaries) and the
//! Gaussian copula, against closed forms on a large sample; their effects on the event causes
//! and responses, recovered by the Cox and logistic models of `analyze --covariates` (checked
//! against R elsewhere) within 4 standard errors; the marginal response rate the reports take
//! as the truth, against its closed form for a binary covariate; exports; `show`; refusals.

use crate::helpers::peritrial;
use serde_json::Value;

const SCENARIO: &str = r#"[study]
name = "covariates"
replicates = 1000
seed = 7

[arms]
rmhtnf = { allocation = 1 }
control = { allocation = 1 }

[enrollment]
sample_size = 400
accrual = { months = 24 }

[cohorts.gastric]
share = 1.0
correlation = [["age", "ecog", 0.3], ["pci", "t4", 0.4], ["age", "weight", 0.5]]

[cohorts.gastric.covariates]
age = { normal = { mean = 62, sd = 10, min = 40, max = 80 } }
ecog = { binary = 0.3 }
t4 = { binary = 0.4 }
pci = { normal = { mean = 8, sd = 5 } }
weight = { normal = { mean = 70, sd = 12 } }

[cohorts.gastric.events.recurrence]
distribution = "weibull"
shape = 1.3
median_months = 30
hazard_ratio = { rmhtnf = 0.7 }
effects = { age = 0.02, ecog = 0.4, t4 = 0.5, pci = 0.05 }

[cohorts.gastric.responses.orr]
probability = { rmhtnf = 0.5, control = 0.3 }
assessed_at_months = 1.0
effects = { ecog = -0.5, t4 = 0.3 }

[endpoints.rfs]
kind = "time_to_event"
events = ["recurrence"]
treatment = "rmhtnf"
control = "control"

[endpoints.orr]
kind = "binary"
response = "orr"
test = "chi_square"
treatment = "rmhtnf"
control = "control"

[analysis]
cut = { min_follow_up_months = 24 }
"#;

fn write(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// One trial of `n` patients sampled into `dir/out` with the per-trial files.
fn sample(dir: &std::path::Path, n: u32) -> std::path::PathBuf {
    let path = write(dir, SCENARIO);
    let out = dir.join("out");
    let o = peritrial()
        .arg("sample")
        .arg(&path)
        .args(["--trials", "1", "--per-trial", "--adam", "--set", &format!("enrollment.sample_size={n}"), "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn column(rows: &[csv::StringRecord], header: &csv::StringRecord, name: &str) -> Vec<f64> {
    let k = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| r[k].parse::<f64>().unwrap()).collect()
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (m, (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)).sqrt())
}

fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

fn big_phi(x: f64) -> f64 {
    peritrial::stats::normal::cdf(x)
}

/// The laws and the copula on 20,000 patients: a truncated normal's mean and bounds (closed
/// form), binary shares, two untruncated normals' correlation; ADSL carries the same values.
#[test]
fn covariate_laws_and_their_copula_hold_on_a_large_sample() {
    let dir = tempfile::tempdir().unwrap();
    let n = 20000;
    let out = sample(dir.path(), n);
    let mut rd = csv::Reader::from_path(out.join("patients.csv")).unwrap();
    let header = rd.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), n as usize);
    let se = |sd: f64| 4.0 * sd / (n as f64).sqrt();
    // age: N(62, 10²) on [40, 80].
    let age = column(&rows, &header, "age");
    let (a, b) = ((40.0 - 62.0) / 10.0, (80.0 - 62.0) / 10.0);
    let z = big_phi(b) - big_phi(a);
    let want = 62.0 + 10.0 * (phi(a) - phi(b)) / z;
    let (m, sd) = mean_sd(&age);
    assert!((m - want).abs() < se(sd), "age mean {m} against {want}");
    assert!(age.iter().all(|&x| (40.0..=80.0).contains(&x)));
    for (name, p) in [("ecog", 0.3), ("t4", 0.4)] {
        let x = column(&rows, &header, name);
        assert!(x.iter().all(|&v| v == 0.0 || v == 1.0));
        let share = x.iter().sum::<f64>() / n as f64;
        assert!((share - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(), "{name}: {share} against {p}");
    }
    // Two untruncated normals correlated 0.5 through the copula: Pearson's r is 0.5.
    let (pci, weight) = (column(&rows, &header, "pci"), column(&rows, &header, "weight"));
    let (mw, sw) = mean_sd(&weight);
    assert!((mw - 70.0).abs() < se(12.0) && (sw - 12.0).abs() < 0.3, "weight {mw} {sw}");
    let (ma, sa) = mean_sd(&age);
    let r = age.iter().zip(&weight).map(|(x, y)| (x - ma) * (y - mw)).sum::<f64>() / ((n as f64 - 1.0) * sa * sw);
    // Age is truncated at ±1.8–2.2 sd, which lowers its correlation a little (0.5 → about 0.49).
    assert!(r > 0.47 && r < 0.51, "age–weight correlation {r}");
    let uncorrelated = {
        let (mp, sp) = mean_sd(&pci);
        pci.iter().zip(&weight).map(|(x, y)| (x - mp) * (y - mw)).sum::<f64>() / ((n as f64 - 1.0) * sp * sw)
    };
    assert!(uncorrelated.abs() < 4.0 / (n as f64).sqrt(), "pci–weight correlation {uncorrelated}");
    // ADSL: the same ages, in capitals.
    let mut ad = csv::Reader::from_path(out.join("adsl.csv")).unwrap();
    let ah = ad.headers().unwrap().clone();
    let arows: Vec<csv::StringRecord> = ad.records().map(|r| r.unwrap()).collect();
    let ages = column(&arows, &ah, "AGE");
    assert_eq!(ages.len(), age.len());
    assert!(ages.iter().zip(&age).all(|(x, y)| x == y));
}

/// The effects as simulated, recovered from 12,000 patients: the Cox model with the covariates
/// gives the conditional hazard ratio (0.7) and each covariate's log hazard ratio, and the
/// logistic model each log odds ratio, within 4 standard errors.
#[test]
fn covariate_effects_are_recovered_by_the_adjusted_models() {
    let dir = tempfile::tempdir().unwrap();
    let out = sample(dir.path(), 12000);
    let analyze = |file: &str, extra: &[&str]| -> Value {
        let o = peritrial()
            .arg("analyze")
            .arg(out.join(file))
            .args(["--covariates", "age,ecog,t4,pci,weight", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let tte = analyze("trial_00001_rfs.csv", &[]);
    let c = &tte["adjusted"]["conditional"];
    let check = |what: &str, log_estimate: f64, se: f64, truth: f64| {
        assert!((log_estimate - truth).abs() < 4.0 * se, "{what}: {log_estimate} ± {se} against {truth}");
    };
    check("treatment", c["hazard_ratio"].as_f64().unwrap().ln(), c["log_se"].as_f64().unwrap(), 0.7f64.ln());
    for (name, beta) in [("age", 0.02), ("ecog", 0.4), ("t4", 0.5), ("pci", 0.05), ("weight", 0.0)] {
        let x = &c["covariates"][name];
        check(name, x["hazard_ratio"].as_f64().unwrap().ln(), x["log_se"].as_f64().unwrap(), beta);
    }
    let binary = analyze("trial_00001_orr.csv", &["--response", "response"]);
    let model = &binary["adjusted"]["logistic"];
    for (name, gamma) in [("ecog", -0.5), ("t4", 0.3), ("age", 0.0), ("pci", 0.0), ("weight", 0.0)] {
        let x = &model["covariates"][name];
        check(name, x["log_odds_ratio"].as_f64().unwrap(), x["se_hc0"].as_f64().unwrap(), gamma);
    }
    // The arm's log odds ratio at the reference covariates: logit 0.5 − logit 0.3.
    let arm = model["odds_ratio"].as_f64().unwrap().ln();
    check("arm", arm, model["log_se_hc0"].as_f64().unwrap(), 0.0 - (0.3f64 / 0.7).ln());
}

/// With a binary covariate acting on a response, the rate the reports compare with is the
/// marginal one: (1 − q)·expit(logit p) + q·expit(logit p + γ), exactly (up to the fixed
/// population's Monte Carlo error, about 1e-4 here).
#[test]
fn the_true_response_rate_is_marginal_over_the_covariates() {
    let text = SCENARIO.replace("effects = { ecog = -0.5, t4 = 0.3 }", "effects = { ecog = -0.8 }");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &text);
    let o = peritrial()
        .arg("run")
        .arg(&path)
        .args(["--replicates", "200", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let truth = report["endpoints"]["orr"]["estimate"]["accuracy"]["true_value"].as_f64().unwrap();
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let marginal = |p: f64| 0.7 * p + 0.3 * expit(logit(p) - 0.8);
    let want = marginal(0.5) - marginal(0.3);
    assert!((truth - want).abs() < 5e-4, "true difference {truth} against the closed form {want}");
    // The TTE endpoint says its stated ratio is conditional on the covariates.
    let note = report["endpoints"]["rfs"]["estimate"]["accuracy"]["estimand_note"].as_str().unwrap();
    assert!(note.contains("covariates acting on its events (age, ecog, t4, pci)"), "{note}");
}

/// `show` writes the covariates, correlation and effects back to a scenario that reads the same.
#[test]
fn show_writes_covariates_back() {
    let direct = peritrial::scenario::from_str(SCENARIO, "direct", &[]).unwrap();
    let shown = peritrial::scenario::to_toml(&direct);
    let again = peritrial::scenario::from_str(&shown, "shown", &[]).unwrap();
    assert_eq!(direct, again, "{shown}");
    assert!(shown.contains("effects = { age = 0.02, ecog = 0.4, t4 = 0.5, pci = 0.05 }"), "{shown}");
}

/// Bad covariates exit with code 2, naming the path and what was expected.
#[test]
fn bad_covariates_are_refused_with_their_path() {
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "effects = { ecog = -0.5, t4 = 0.3 }",
            "effects = { ecgo = -0.5 }",
            &["responses.orr.effects.ecgo", "no covariate"],
        ),
        (
            "[\"age\", \"weight\", 0.5]",
            "[\"age\", \"weight\", 0.99], [\"ecog\", \"weight\", -0.99]",
            &["cohorts.gastric.correlation", "positive definite"],
        ),
        ("ecog = { binary = 0.3 }", "ecog = { binary = 1.3 }", &["covariates.ecog.binary", "(0, 1)"]),
        (
            "weight = { normal = { mean = 70, sd = 12 } }",
            "weight = { normal = { mean = 70, sd = 0 } }",
            &["covariates.weight.normal.sd", "above 0"],
        ),
        (
            "weight = { normal = { mean = 70, sd = 12 } }",
            "weight = { normal = { mean = 70, sd = 12, min = 90, max = 80 } }",
            &["covariates.weight.normal", "min < max"],
        ),
        (
            "weight = { normal = { mean = 70, sd = 12 } }",
            "status = { normal = { mean = 70, sd = 12 } }",
            &["status", "column name"],
        ),
        ("t4 = { binary = 0.4 }", "t4 = { binary = 0.4, poisson = 2 }", &["covariates.t4", "poisson"]),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (from, to, needles) in cases {
        assert!(SCENARIO.contains(from), "{from}");
        let path = write(dir.path(), &SCENARIO.replace(from, to));
        let o = peritrial().arg("validate").arg(&path).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{to}: {err}");
        for n in needles {
            assert!(err.contains(n), "{to}: expected {n:?} in\n{err}");
        }
    }
}

/// Validation's copy of ADSL's fixed columns (a covariate may not take one's name) is ADSL's.
#[test]
fn validation_knows_adsl_columns() {
    assert_eq!(peritrial::scenario::ADSL_COLUMNS, peritrial::report::adam::ADSL);
}

/// `run --null` of a single arm's exact test with a covariate acting on the response: the null
/// rate is the marginal rate, so the type I error is the exact test's size at it (within 4 MCSE),
/// not the size at the rate the reference probability would give.
#[test]
fn the_null_of_a_single_arm_is_marginal_over_the_covariates() {
    let text = r#"[study]
name = "single arm with a covariate"
replicates = 20000
seed = 11

[arms]
rmhtnf = { allocation = 1 }

[enrollment]
sample_size = 40
accrual = { months = 12 }

[cohorts.ascites]
share = 1.0

[cohorts.ascites.covariates]
ecog = { binary = 0.5 }

[cohorts.ascites.responses.dcr]
probability = { rmhtnf = 0.4 }
assessed_at_months = 1.0
effects = { ecog = 1.0 }

[endpoints.dcr]
kind = "binary"
response = "dcr"
test = "exact_binomial"
null_rate = 0.2
treatment = "rmhtnf"
alpha = 0.05

[analysis]
cut = { min_follow_up_months = 1.0 }
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), text);
    let o = peritrial().arg("run").arg(&path).args(["--null", "--format", "json", "--quiet"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let k = r["endpoints"]["dcr"]["analytic"]["critical_responses"].as_u64().unwrap();
    let size: f64 = (k..=40)
        .map(|x| {
            let c = (1..=x).fold(1.0, |acc, i| acc * (40 - x + i) as f64 / i as f64);
            c * 0.2f64.powi(x as i32) * 0.8f64.powi((40 - x) as i32)
        })
        .sum();
    let t1 = r["null"]["endpoints"]["dcr"]["type_one_error"].as_f64().unwrap();
    let mcse = (size * (1.0 - size) / 20000.0).sqrt();
    assert!((t1 - size).abs() < 4.0 * mcse, "type I error {t1} against the exact size {size} at the marginal null");
}

/// A single-arm trial against an external control, with measured confounding (age, ECOG) and
/// with an unmeasured one (frailty, more common in the external series), under the null and
/// the alternative: the engine's rejection rates, mean estimates and interval coverage of the
/// unadjusted, g-computation and weighted analyses against an independent R simulation
/// (`make_external_control_sim.R`, 20,000 trials a setting), within 4 combined MCSE.
#[test]
fn external_control_analyses_agree_with_an_r_simulation() {
    let refs: Value = serde_json::from_str(include_str!("../reference/external_control_sim.json")).unwrap();
    let base = std::fs::read_to_string("scenarios/ascites-external-control.toml").unwrap();
    // R's covariate laws: untruncated ages.
    let base = base.replace(", min = 18, max = 90 }", " }");
    let trials = 20000.0;
    let dir = tempfile::tempdir().unwrap();
    for (name, setting) in refs["settings"].as_object().unwrap() {
        let num = |k: &str| setting[k].as_f64().unwrap();
        let text = base
            .replace("probability = { rmhtnf = 0.45,", &format!("probability = {{ rmhtnf = {},", num("p_treated")))
            .replace(
                "[cohorts.external.covariates]\nage = { normal = { mean = 66, sd = 10 }, reference = 62 }\necog = { binary = 0.45 }\nfrail = { binary = 0.2, measured = false }",
                &format!(
                    "[cohorts.external.covariates]\nage = {{ normal = {{ mean = 66, sd = 10 }}, reference = 62 }}\necog = {{ binary = 0.45 }}\nfrail = {{ binary = {}, measured = false }}",
                    num("q_ext")
                ),
            );
        assert!(text.contains(&format!("frail = {{ binary = {}, measured = false }}", num("q_ext"))), "{name}");
        let path = write(dir.path(), &text);
        let o = peritrial()
            .arg("run")
            .arg(&path)
            .args(["--replicates", "20000", "--format", "json", "--quiet"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        for (endpoint, analysis) in [("unadjusted", "unadjusted"), ("gcomp", "gcomp"), ("ipw", "ipw")] {
            let e = &r["endpoints"][endpoint];
            let a = &setting["analyses"][analysis];
            let within = |what: &str, ours: f64, our_se: f64, theirs: &Value| {
                let (t, se) = (theirs["estimate"].as_f64().unwrap(), theirs["mcse"].as_f64().unwrap());
                let combined = (our_se * our_se + se * se).sqrt();
                assert!(
                    (ours - t).abs() <= 4.0 * combined,
                    "{name} {analysis} {what}: {ours} against R's {t} (4 combined MCSE {})",
                    4.0 * combined
                );
            };
            let power = e["power"].as_f64().unwrap();
            within("rejection rate", power, (power * (1.0 - power) / trials).sqrt(), &a["reject"]);
            let est = &e["estimate"];
            let mean = est["mean"].as_f64().unwrap();
            within("mean estimate", mean, est["sd"].as_f64().unwrap() / trials.sqrt(), &a["mean"]);
            // The truth the report compares with is R's.
            let truth = e["estimate"]["accuracy"]["true_value"].as_f64().unwrap();
            assert!((truth - num("truth")).abs() < 1e-3, "{name}: truth {truth} against R's {}", num("truth"));
            if analysis != "unadjusted" {
                let c = e["estimate"]["accuracy"]["coverage"].as_f64().unwrap();
                within("coverage", c, (c * (1.0 - c) / trials).sqrt(), &a["coverage"]);
            }
        }
    }
}

/// With a population of one arm (an external control) the arms' sizes are random: no closed-form
/// companion is printed at the allocation's sizes, and interims at patient counts are refused.
#[test]
fn an_external_control_has_no_companion_at_the_allocation_sizes() {
    let text = std::fs::read_to_string("scenarios/ascites-external-control.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &text);
    let o = peritrial()
        .arg("run")
        .arg(&path)
        .args(["--replicates", "100", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r["endpoints"]["unadjusted"].get("analytic").is_none(), "{}", r["endpoints"]["unadjusted"]);
    let bayes = text.replace(
        "[endpoints.unadjusted]\nkind = \"binary\"\nresponse = \"ascites_control\"\ntest = \"chi_square\"",
        "[endpoints.unadjusted]\nkind = \"binary\"\nresponse = \"ascites_control\"\ntest = \"bayesian_difference\"\nprior = \"beta:1,1\"\nthreshold = 0.975\ninterims = [100]",
    );
    assert_ne!(bayes, text);
    let path = write(dir.path(), &bayes);
    let o = peritrial().arg("validate").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("endpoints.unadjusted.interims") && err.contains("population of one arm"), "{err}");
}
