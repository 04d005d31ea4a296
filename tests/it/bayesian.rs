//! Bayesian decision rules on a response (`test = "bayesian"`, `"bayesian_difference"`): the
//! engine's Go and No-Go at each interim and at the final analysis against exact probabilities
//! computed independently in base R (`tests/reference/make_bayes_design_refs.R`: binomial paths
//! for a single arm; for two arms the hypergeometric split of the interim's patients between the
//! arms), and against an independent R simulation of a two-arm design, within 4 Monte Carlo
//! standard errors; the report's exact block to 1e-12; sharding; and the refusals.

use crate::helpers::peritrial;
use serde_json::Value;

const TRIALS: u64 = 20000;

fn refs() -> Value {
    serde_json::from_str(include_str!("../reference/bayes_design_refs.json")).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}"))
}

/// A prior of the references as the scenario language writes it.
fn prior_spec(p: &Value) -> String {
    let g = |k: &str| -> Vec<f64> {
        match p[k].as_array() {
            Some(a) => a.iter().map(num).collect(),
            None => vec![num(&p[k])],
        }
    };
    let (w, a, b) = (g("weights"), g("a"), g("b"));
    match w.len() {
        1 => format!("beta:{},{}", a[0], b[0]),
        2 => format!("mixture:{},{},{},{},{}", w[0], a[0], b[0], a[1], b[1]),
        _ => panic!("one or two components"),
    }
}

/// Runs a scenario given as text, returning its JSON report.
fn run(text: &str, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let out = peritrial()
        .arg("run")
        .arg(&path)
        .args(["--replicates", &TRIALS.to_string(), "--format", "json", "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A single arm's scenario for a design of the references at response rate `p`.
fn single_arm(d: &Value, p: f64) -> String {
    let interims: Vec<String> = d["interims"].as_array().unwrap().iter().map(|x| x.to_string()).collect();
    let mut rule = String::new();
    if !interims.is_empty() {
        rule += &format!("interims = [{}]\nearly_success = {}\n", interims.join(", "), d["early_success"]);
        if let Some(f) = d["futility"].as_f64() {
            rule += &format!("futility_predictive = {f}\n");
        }
    }
    format!(
        r#"[study]
name = "single arm"
replicates = 1000
seed = 20261208

[arms]
rmhtnf = {{ allocation = 1 }}

[enrollment]
sample_size = {n}
accrual = {{ months = 12 }}

[cohorts.ascites]
share = 1.0

[cohorts.ascites.responses.ascites_control]
probability = {{ rmhtnf = {p} }}
assessed_at_months = 1.0

[endpoints.dcr]
kind = "binary"
response = "ascites_control"
test = "bayesian"
null_rate = {p0}
prior = "{prior}"
threshold = {c}
{rule}treatment = "rmhtnf"

[analysis]
cut = {{ min_follow_up_months = 1.0 }}
"#,
        n = d["N"],
        p0 = num(&d["p0"]),
        prior = prior_spec(&d["prior"]),
        c = num(&d["c"]),
    )
}

fn within(what: &str, got: f64, want: f64, mcse: f64) {
    assert!(
        (got - want).abs() <= 4.0 * mcse + 1e-12,
        "{what}: simulated {got} against exact {want} (4 MCSE = {})",
        4.0 * mcse
    );
}

fn share_mcse(p: f64) -> f64 {
    (p * (1.0 - p) / TRIALS as f64).sqrt()
}

/// Four single-arm designs (a flat prior with and without interims, a robust mixture prior
/// borrowing historical data, Jeffreys' prior without early success), each at its null rate and
/// its planning rate: the report's exact rule and probabilities equal R's, and the simulated Go
/// and No-Go at every interim and at the final analysis, P(Go) and the expected patients agree
/// with them within 4 MCSE.
#[test]
fn single_arm_rules_agree_with_exact_probabilities_from_r() {
    let r = refs();
    let designs = r["single_arm"].as_object().unwrap();
    assert_eq!(designs.len(), 4);
    for (name, d) in designs {
        for oc in ["oc_p0", "oc_p1"] {
            let want = &d[oc];
            let p = num(&want["p"]);
            let report = run(&single_arm(d, p), &[]);
            let e = &report["endpoints"]["dcr"];
            let b = &e["bayesian"];
            let looks = want["looks"].as_array().unwrap();
            let exact = b["exact"].as_array().unwrap();
            let decisions = b["decisions"].as_array().unwrap();
            assert_eq!((exact.len(), decisions.len()), (looks.len(), looks.len()), "{name}");
            let last = looks.len() - 1;
            for (k, l) in looks.iter().enumerate() {
                let what = format!("{name} at {p}, look {k}");
                assert_eq!(exact[k]["patients"], l["n"], "{what}");
                // R reports the interims' Go count even without early success; the engine the
                // count that decides (none: n + 1).
                if k == last || d["early_success"] == true {
                    assert_eq!(exact[k]["go_responders"], l["go_threshold"], "{what}");
                }
                if k < last {
                    assert_eq!(num(&exact[k]["continue_responders"]), l["futility_floor"].as_f64().unwrap_or(0.0));
                }
                let (go, no_go) = (num(&l["p_go"]), num(&l["p_nogo"]));
                assert!((num(&exact[k]["go"]) - go).abs() < 1e-12, "{what}: exact Go");
                assert!((num(&exact[k]["no_go"]) - no_go).abs() < 1e-12, "{what}: exact No-Go");
                within(&format!("{what}: Go"), num(&decisions[k]["go"]), go, share_mcse(go));
                within(&format!("{what}: No-Go"), num(&decisions[k]["no_go"]), no_go, share_mcse(no_go));
            }
            let go = num(&want["p_go_total"]);
            within(&format!("{name} at {p}: P(Go)"), num(&e["power"]), go, share_mcse(go));
            // The patients used lie between the first interim's and N: their sd is at most half
            // the range.
            let n = num(&d["N"]);
            let first = looks.first().map_or(n, |l| num(&l["n"]));
            let sd = ((n - first) / 2.0).max(1e-9);
            within(
                &format!("{name} at {p}: expected patients"),
                num(&b["expected_patients"]),
                num(&want["expected_n"]),
                sd / (TRIALS as f64).sqrt(),
            );
        }
    }
}

/// The shipped scenario is the robust-mixture design at its planning rate, and its `--null`
/// run's type I error is the exact Go rate at the control rate (0.168, far above 1 − 0.975:
/// the price of borrowing, which the report states rather than hides).
#[test]
fn the_shipped_borrowing_scenario_reports_its_type_one_error() {
    let r = refs();
    let d = &r["single_arm"]["robust_mixture"];
    let text = std::fs::read_to_string("scenarios/ascites-bayesian-borrowing.toml").unwrap();
    let report = run(&text, &["--null"]);
    let go = num(&d["oc_p1"]["p_go_total"]);
    within("power", num(&report["endpoints"]["dcr"]["power"]), go, share_mcse(go));
    let alpha = num(&d["oc_p0"]["p_go_total"]);
    let null = &report["null"]["endpoints"]["dcr"];
    within("type I error", num(&null["type_one_error"]), alpha, share_mcse(alpha));
}

/// Two arms: the engine against the exact probabilities (hypergeometric interim split, every
/// final cell) and against the independent R simulation of the same design, under the null and
/// under the alternative.
#[test]
fn two_arm_rule_agrees_with_exact_probabilities_and_an_r_simulation() {
    let r = refs();
    let sim = &r["simulation"];
    for sc in sim["scenarios"].as_array().unwrap() {
        let (pt, pc) = (num(&sc["p_t"]), num(&sc["p_c"]));
        let text = format!(
            r#"[study]
name = "two arms"
replicates = 1000
seed = 20261208

[arms]
rmhtnf = {{ allocation = 1 }}
control = {{ allocation = 1 }}

[enrollment]
sample_size = 120
accrual = {{ months = 12 }}
block_size = 4

[cohorts.ascites]
share = 1.0

[cohorts.ascites.responses.ascites_control]
probability = {{ rmhtnf = {pt}, control = {pc} }}
assessed_at_months = 1.0

[endpoints.dcr]
kind = "binary"
response = "ascites_control"
test = "bayesian_difference"
prior = "beta:1,1"
threshold = 0.975
interims = [60]
futility_predictive = 0.1
treatment = "rmhtnf"
control = "control"

[analysis]
cut = {{ min_follow_up_months = 1.0 }}
"#
        );
        let report = run(&text, &[]);
        let e = &report["endpoints"]["dcr"];
        let b = &e["bayesian"];
        let exact = &sc["exact"];
        let what = format!("({pt}, {pc})");
        let interim = &b["decisions"][0];
        let checks = [
            ("Go at the interim", num(&interim["go"]), "p_go_interim"),
            ("No-Go at the interim", num(&interim["no_go"]), "p_nogo_interim"),
            ("P(Go)", num(&e["power"]), "p_go_total"),
        ];
        for (label, got, key) in checks {
            let want = num(&exact[key]);
            within(&format!("{what} {label}"), got, want, share_mcse(want));
            // Against R's own simulation: 4 combined MCSE.
            let (theirs, se) = (num(&sc[key]["estimate"]), num(&sc[key]["mcse"]));
            let combined = (share_mcse(got).powi(2) + se * se).sqrt();
            within(&format!("{what} {label} against R's simulation"), got, theirs, combined);
        }
        within(
            &format!("{what} expected patients"),
            num(&b["expected_patients"]),
            num(&exact["expected_n"]),
            30.0 / (TRIALS as f64).sqrt(),
        );
    }
}

/// Shards of a Bayesian design merge into the single run's report, byte for byte outside the
/// timing (the interims' Go and No-Go and the posterior's sum travel in the shard state).
#[test]
fn bayesian_shards_merge_into_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "scenarios/ascites-bayesian-borrowing.toml";
    let mut parts = Vec::new();
    for k in 1..=3 {
        let part = dir.path().join(format!("part{k}.json"));
        let o = peritrial()
            .args([
                "run",
                scenario,
                "--replicates",
                "3000",
                "--format",
                "json",
                "--quiet",
                "--shard",
                &format!("{k}/3"),
            ])
            .arg("--out")
            .arg(&part)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        parts.push(part);
    }
    let merged = peritrial().args(["merge", "--format", "json"]).args(&parts).output().unwrap();
    assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stderr));
    let single =
        peritrial().args(["run", scenario, "--replicates", "3000", "--format", "json", "--quiet"]).output().unwrap();
    let strip = |b: &[u8]| crate::helpers::without_timing(serde_json::from_slice(b).unwrap());
    let (m, s) = (strip(&merged.stdout), strip(&single.stdout));
    assert!(m["endpoints"]["dcr"]["bayesian"]["decisions"].as_array().is_some_and(|d| d.len() == 3));
    assert_eq!(m, s);
}

/// Bad Bayesian rules exit with code 2 and name the path and what was expected.
#[test]
fn bad_bayesian_rules_are_refused_with_their_path() {
    let base = std::fs::read_to_string("scenarios/ascites-bayesian-borrowing.toml").unwrap();
    let cases: [(&str, &[&str]); 7] = [
        ("endpoints.dcr.prior=\"beta:0,1\"", &["endpoints.dcr.prior", "out of range"]),
        ("endpoints.dcr.prior=\"gamma:1,1\"", &["endpoints.dcr.prior", "unknown kind"]),
        ("endpoints.dcr.threshold=1.0", &["endpoints.dcr.threshold", "(0, 1)"]),
        ("endpoints.dcr.interims=[30, 20]", &["endpoints.dcr.interims", "increase"]),
        ("endpoints.dcr.interims=[20, 40]", &["endpoints.dcr.interims[1]", "from 1 to 39"]),
        ("endpoints.dcr.null_difference=-0.1", &["endpoints.dcr.null_difference", "bayesian_difference"]),
        ("analysis.looks=[0.5, 1.0]", &["analysis.looks", "own interims"]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &base).unwrap();
    for (set, needles) in cases {
        let o = peritrial().arg("validate").arg(&path).args(["--set", set]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{set}: {err}");
        for n in needles {
            assert!(err.contains(n), "{set}: expected {n:?} in\n{err}");
        }
    }
    // Futility without interims.
    let without = base.replace("interims = [20, 30]                   # patients assessed\n", "");
    std::fs::write(&path, without).unwrap();
    let o = peritrial().arg("validate").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("give interims"), "{err}");
}

/// A single arm's rule on one arm of a two-arm trial: its interims must come before that arm's
/// planned patients (30 of 60), its exact companion counts that arm's patients, and a
/// non-primary Bayesian endpoint may not stop the trial.
#[test]
fn a_rule_on_one_arm_of_two_counts_that_arm() {
    let base = std::fs::read_to_string("scenarios/ascites-bayesian-borrowing.toml").unwrap();
    let two = base
        .replace("rmhtnf = { allocation = 1 }", "rmhtnf = { allocation = 1 }\nhipec = { allocation = 1 }")
        .replace("probability = { rmhtnf = 0.80 }", "probability = { rmhtnf = 0.80, hipec = 0.6 }")
        .replace("sample_size = 40", "sample_size = 60");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &two).unwrap();
    let o = peritrial().arg("validate").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("endpoints.dcr.interims") && err.contains("30 planned patients"), "{err}");
    // Without interims: the exact companion is of the arm's 30 patients.
    let once = two
        .replace("interims = [20, 30]                   # patients assessed\n", "")
        .replace("futility_predictive = 0.05            # No-Go when P(final Go | data) < 0.05\n", "")
        .replace("early_success = true\n", "");
    std::fs::write(&path, &once).unwrap();
    let r = run(&once, &[]);
    let a = &r["endpoints"]["dcr"]["analytic"];
    let needed = a["critical_responses"].as_u64().unwrap();
    let tail: f64 = (needed..=30)
        .map(|x| {
            let c = (1..=x).fold(1.0, |acc, i| acc * (30 - x + i) as f64 / i as f64);
            c * 0.8f64.powi(x as i32) * 0.2f64.powi((30 - x) as i32)
        })
        .sum();
    assert!((a["power"].as_f64().unwrap() - tail).abs() < 1e-9, "{a} against {tail}");
    // A second Bayesian endpoint with interims is not the primary: refused.
    let second = base.replace(
        "[analysis]",
        "[endpoints.dcr2]\nkind = \"binary\"\nresponse = \"ascites_control\"\ntest = \"bayesian\"\nnull_rate = 0.6\nprior = \"beta:1,1\"\nthreshold = 0.9\ninterims = [20]\ntreatment = \"rmhtnf\"\n\n[analysis]",
    );
    std::fs::write(&path, &second).unwrap();
    let o = peritrial().arg("validate").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("endpoints.dcr2.interims") && err.contains("only the primary endpoint"), "{err}");
}

/// A robust mixture whose vague part has a shape below 1 has no ELIR effective sample size
/// (the integral diverges): the reports say so rather than print a number.
#[test]
fn an_undefined_effective_sample_size_is_said_to_be_undefined() {
    let base = std::fs::read_to_string("scenarios/ascites-bayesian-borrowing.toml").unwrap();
    let text = base.replace("prior = \"mixture:0.8,18.5,6,1,1\"", "prior = \"mixture:0.8,18.5,6,0.5,0.5\"");
    let r = run(&text, &[]);
    let b = &r["endpoints"]["dcr"]["bayesian"];
    assert!(b["prior_ess"].is_null(), "{b}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &text).unwrap();
    let o = peritrial().arg("run").arg(&path).args(["--replicates", "200", "--quiet"]).output().unwrap();
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("effective sample size undefined: a component's"), "{table}");
}

/// A single arm's threshold calibrated to the endpoint's alpha on the exact type I error: the
/// report's interval of thresholds, its exact type I error and power equal an independent base-R
/// search over every candidate threshold (`make_bayes_calibration_refs.R`), to 1e-10.
#[test]
fn single_arm_thresholds_are_calibrated_as_in_r() {
    let r = refs();
    let cal: Value = serde_json::from_str(include_str!("../reference/bayes_calibration_refs.json")).unwrap();
    for (name, want) in cal["designs"].as_object().unwrap() {
        let d = &r["single_arm"][name.as_str()];
        let alpha = num(&want["alpha"]);
        let report = run(&single_arm(d, num(&want["p1"])), &["--set", &format!("endpoints.dcr.alpha={alpha}")]);
        let c = &report["endpoints"]["dcr"]["bayesian"]["calibrated"];
        for (ours, theirs) in [
            ("threshold_lower", "lower"),
            ("threshold_upper", "upper"),
            ("type_one_error", "type_one_error"),
            ("power", "power"),
        ] {
            let (a, b) = (num(&c[ours]), num(&want[theirs]));
            assert!((a - b).abs() < 1e-10, "{name} {ours}: {a} against R's {b}");
        }
        assert!(num(&want["previous_type_one_error"]) > alpha && num(&c["type_one_error"]) <= alpha);
    }
}
