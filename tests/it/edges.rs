//! The edges of the newer features (issue 26): each test is named after what it pins.

use peritrial::analyze::{field, global};
use peritrial::{engine, scenario};
use serde_json::Value;

fn run_json(args: &[&str]) -> Value {
    let o = crate::helpers::peritrial().arg("run").args(args).args(["--format", "json", "--quiet"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn table(args: &[&str]) -> String {
    let o = crate::helpers::peritrial().arg("run").args(args).args(["--quiet"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn binom_pmf(k: u64, n: u64, p: f64) -> f64 {
    let mut c = 1.0;
    for i in 0..k {
        c *= (n - i) as f64 / (i + 1) as f64;
    }
    c * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
}

fn binom_upper(k: u64, n: u64, p: f64) -> f64 {
    (k..=n).map(|x| binom_pmf(x, n, p)).sum()
}

/// Item 1: a Simon endpoint states the level it was made for, and the null verdict uses it; a
/// level its exact size exceeds is refused; without one, its level is its exact size.
#[test]
fn simon_null_verdict_uses_the_level_the_design_was_made_for() {
    let v = run_json(&["scenarios/pm-orr-simon.toml", "--replicates", "4000", "--null"]);
    let t = &v["null"]["endpoints"]["orr"];
    assert_eq!(t["level"], 0.05, "{t}");
    assert_eq!(t["verdict"], "at level", "{t}");
    // 3/13, 12/43 at p0 = 0.2 has exact size 0.0496 (Simon 1989, Table 1): 0.04 is not its level.
    let o = crate::helpers::peritrial()
        .args(["validate", "scenarios/pm-orr-simon.toml", "--set", "endpoints.orr.alpha=0.04"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("endpoints.orr.alpha") && err.contains("0.04958"), "{err}");
    // Without alpha: the exact size, which the design sentence states.
    let text = std::fs::read_to_string("scenarios/pm-orr-simon.toml").unwrap();
    let without: String = text.lines().filter(|l| !l.starts_with("alpha")).collect::<Vec<_>>().join("\n");
    let s = scenario::from_str(&without, "no-alpha.toml", &[]).unwrap();
    let a = s.endpoints()[0].alpha;
    assert!((a - 0.0495814).abs() < 1e-6, "{a}");
    // `simon --alpha 0.05` finds this very design at the same level.
    let o = crate::helpers::peritrial()
        .args(["simon", "--format", "json", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.05", "--beta", "0.2"])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((d["optimal"]["r1"].as_u64(), d["optimal"]["n1"].as_u64()), (Some(3), Some(13)));
    assert_eq!((d["optimal"]["r"].as_u64(), d["optimal"]["n"].as_u64()), (Some(12), Some(43)));
    assert_eq!(d["alpha"], 0.05);
}

/// Item 2: the decision sentence is the critical value the test uses, trial by trial: the
/// exact binomial test rejects exactly when the responders reach the printed count.
#[test]
fn decision_sentences_state_the_critical_value_the_test_uses() {
    let out = table(&["scenarios/ascites-dcr-single-arm.toml", "--replicates", "500"]);
    assert!(out.contains("reject with 8 or more responses"), "{out}");
    assert!(!out.contains("more than"), "{out}");
    // P(X >= 8 | 40, 0.1) = 0.042 <= 0.05 < P(X >= 7 | 40, 0.1).
    assert!(binom_upper(8, 40, 0.1) <= 0.05 && binom_upper(7, 40, 0.1) > 0.05);
    let s = scenario::load(std::path::Path::new("scenarios/ascites-dcr-single-arm.toml"), &[]).unwrap();
    let mut sampler = engine::Sampler::new(&s);
    let b = sampler.plan.layout.endpoint[0];
    let (mut at_8, mut at_7) = (0, 0);
    for i in 0..2000 {
        let (_, r) = sampler.trial(i);
        let x = r[b + field::EVENTS];
        assert_eq!(r[b + field::REJECTED] == 1.0, x >= 8.0, "replicate {i}: {x} responders");
        at_8 += (x == 8.0) as u32;
        at_7 += (x == 7.0) as u32;
    }
    assert!(at_8 > 0 && at_7 > 0, "the boundary was met: {at_8} trials with 8, {at_7} with 7");
    // Simon's design: 13 or more of 43 (max_responses = 12), in the table and the design.
    let out = table(&["scenarios/pm-orr-simon.toml", "--replicates", "500"]);
    assert!(out.contains("reject with 13 or more responses"), "{out}");
    let v = run_json(&["scenarios/pm-orr-simon.toml", "--replicates", "500"]);
    assert_eq!(v["endpoints"]["orr"]["analytic"]["critical_responses"], 13);
    let design = v["design"].to_string();
    assert!(
        design.contains("promising with 13 or more responses of 43; one-sided level 0.05 (exact size 0.0496)"),
        "{design}"
    );
}

/// Item 3: a Simon trial stopped after stage 1 enrols no more, ends at stage 1's analysis, and
/// its responders and estimate are its stage-1 patients'.
#[test]
fn a_simon_trial_stopped_at_stage_1_counts_its_stage_1_patients_only() {
    let null = "cohorts.peritoneal_metastasis.responses.objective_response.probability=0.2";
    let s = scenario::load(std::path::Path::new("scenarios/pm-orr-simon.toml"), &[null.into()]).unwrap();
    let p = peritrial::design::analytic::counted_response(&s, 0, 0);
    let mut sampler = engine::Sampler::new(&s);
    let b = sampler.plan.layout.endpoint[0];
    let n = 4000u64;
    let (mut stopped, mut patients) = (0u64, 0.0);
    for i in 0..n {
        let (trial, r) = sampler.trial(i);
        let used = r[global::PATIENTS];
        patients += used;
        if r[b + field::STAGE1_STOP] == 1.0 {
            stopped += 1;
            assert_eq!(used, 13.0, "replicate {i}");
            assert_eq!(trial.patients.len(), 13, "replicate {i}: the exported trial is the enrolled one");
            let x = r[b + field::EVENTS];
            assert!(x <= 3.0, "replicate {i}: {x} responders in a trial stopped after stage 1");
            assert_eq!(r[b + field::ESTIMATE], x / 13.0, "replicate {i}");
            assert_eq!(r[b + field::REJECTED], 0.0);
            // Stage 1's analysis: the last stage-1 patient's assessment (2 months after entry).
            let last = trial.patients.iter().map(|p| p.entry).fold(0.0, f64::max);
            assert!((r[global::CUT_MONTH] - (last + 2.0)).abs() < 1e-9, "replicate {i}");
        } else {
            assert_eq!(used, 43.0, "replicate {i}");
        }
    }
    // P(early termination) = P(X1 <= 3 | 13, p) at the counted rate, within 4 MCSE.
    let pet = 1.0 - binom_upper(4, 13, p);
    let share = stopped as f64 / n as f64;
    let se = (pet * (1.0 - pet) / n as f64).sqrt();
    assert!((share - pet).abs() < 4.0 * se, "stopped {share} vs exact {pet}");
    let expected = 13.0 * share + 43.0 * (1.0 - share);
    assert!((patients / n as f64 - expected).abs() < 1e-9);
    // And the report says so: patients on average, at the expected sample size.
    let v = run_json(&["scenarios/pm-orr-simon.toml", "--replicates", "4000", "--set", null]);
    let m = v["analysis"]["expected_patients"].as_f64().unwrap();
    let en = 13.0 + (1.0 - pet) * 30.0;
    assert!((m - en).abs() < 4.0 * 30.0 * se, "patients on average {m} vs E(N | p0) {en}");
}

/// Item 4: a single-arm companion counts a patient lost before the assessment as the test
/// does (a non-response): the exact power at the counted rate, which the simulation meets.
#[test]
fn single_arm_companions_count_losses_before_the_assessment() {
    let v = run_json(&[
        "scenarios/ascites-dcr-single-arm.toml",
        "--replicates",
        "10000",
        "--set",
        "dropout={ hazard_per_month = 0.1 }",
    ]);
    let e = &v["endpoints"]["dcr"];
    let counted = 0.3 * (-0.1f64).exp();
    let exact = binom_upper(8, 40, counted);
    let companion = e["analytic"]["power"].as_f64().unwrap();
    assert!((companion - exact).abs() < 1e-9, "companion {companion} vs exact at the counted rate {exact}");
    let power = e["power"].as_f64().unwrap();
    let se = (exact * (1.0 - exact) / 10000.0).sqrt();
    assert!((power - exact).abs() < 4.0 * se, "simulated {power} vs {exact}");
}

/// Item 5: a patient who dies before the assessment is a non-response, in the simulation and
/// in the companion (RECIST).
#[test]
fn death_before_the_assessment_is_a_non_response() {
    let text = std::fs::read_to_string("scenarios/ascites-dcr-single-arm.toml")
        .unwrap()
        .replace("probability = { rmhtnf = 0.30 }\nassessed_at_months = 1.0", "probability = { rmhtnf = 0.5 }\nassessed_at_months = 2.0")
        .replace(
            "[cohorts.gastric.responses.ascites_control]",
            "[cohorts.gastric.events.death]\ndistribution = \"exponential\"\nmedian_months = 3.0\n\n[cohorts.gastric.responses.ascites_control]",
        )
        .replace("min_follow_up_months = 1.0", "min_follow_up_months = 2.0")
        .replace("null_rate = 0.10 ", "null_rate = 0.20 ");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("death.toml");
    std::fs::write(&path, &text).unwrap();
    let path = path.to_str().unwrap();
    let v = run_json(&[path, "--replicates", "10000"]);
    let e = &v["endpoints"]["dcr"];
    // Alive at 2 months: 2^(-2/3); the counted rate 0.5 · 0.63 = 0.315.
    let counted = 0.5 * 2f64.powf(-2.0 / 3.0);
    let mean = e["estimate"]["mean"].as_f64().unwrap();
    let se_mean = (counted * (1.0 - counted) / 40.0 / 10000.0).sqrt();
    assert!((mean - counted).abs() < 4.0 * se_mean, "mean rate {mean} vs counted {counted}");
    // The companion at the counted rate (from the model: within its Monte Carlo error).
    let s = scenario::load(std::path::Path::new(path), &[]).unwrap();
    let k = (0..=40).find(|&k| binom_upper(k, 40, 0.2) <= 0.05).unwrap();
    assert_eq!(e["analytic"]["critical_responses"].as_u64(), Some(k));
    let model = peritrial::design::analytic::counted_response(&s, 0, 0);
    assert!((model - counted).abs() < 0.005, "model {model} vs {counted}");
    let companion = e["analytic"]["power"].as_f64().unwrap();
    let power = e["power"].as_f64().unwrap();
    assert!((companion - binom_upper(k, 40, counted)).abs() < 0.02, "companion {companion}");
    let se = (companion * (1.0 - companion) / 10000.0).sqrt();
    assert!((power - companion).abs() < 4.0 * se + 0.01, "simulated {power} vs companion {companion}");
}

/// Item 6: `patients.csv` holds the response the engine analysed (and why, for a patient who
/// died or was lost before the assessment), so `analyze` on it reproduces `trials.csv`.
#[test]
fn patients_csv_holds_the_responses_the_engine_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "scenarios/noninferiority-response.toml";
    let out = crate::helpers::peritrial()
        .args(["sample", scenario, "--trials", "4", "--set", "dropout={ hazard_per_month = 0.3 }", "--force", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut trials = csv::Reader::from_path(dir.path().join("trials.csv")).unwrap();
    let head = trials.headers().unwrap().clone();
    let col = |c: &str| head.iter().position(|h| h == format!("dcr_{c}")).unwrap();
    let patients = dir.path().join("patients.csv");
    let text = std::fs::read_to_string(&patients).unwrap();
    assert!(text.contains(",lost,") || text.ends_with(",lost\n") || text.contains(",lost\n"), "losses marked");
    for (k, row) in trials.records().map(|r| r.unwrap()).enumerate() {
        let o = crate::helpers::peritrial()
            .args(["analyze", "--format", "json", patients.to_str().unwrap(), "--trial", &(k + 1).to_string()])
            .args(["--response", "ascites_control", "--treatment", "rmhtnf", "--control", "hipec"])
            .args(["--null-difference", "-0.12"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let what = format!("trial {}", k + 1);
        assert_eq!(v["farrington_manning"]["z"].as_f64().unwrap(), row[col("z")].parse::<f64>().unwrap(), "{what}: z");
    }
}

/// Item 9: a milestone resting on fewer trials than all says how many, in the table too.
#[test]
fn a_milestone_resting_on_a_minority_of_trials_says_how_many() {
    let args = [
        "scenarios/two-arm-efs-logrank.toml",
        "--replicates",
        "300",
        "--set",
        "endpoints.efs.milestones=[12, 45, 500]",
    ];
    let out = table(&args);
    let v = run_json(&args);
    let m45 = &v["endpoints"]["efs"]["milestones"]["45"];
    let missing = m45["rmhtnf"]["not_estimable"].as_u64().unwrap();
    assert!(missing > 0, "{m45}");
    assert!(out.contains(&format!("(in {} of 300 trials)", 300 - missing)), "{out}");
    // A milestone every trial reaches says nothing more.
    let line12 = out.lines().find(|l| l.trim_start().starts_with("12:")).unwrap();
    assert!(!line12.contains("trials)"), "{line12}");
}

/// Item 15: a name becomes a CSV cell, a file name and a table label: one that a spreadsheet
/// reads as a formula, that leaves its folder or that carries control characters is refused
/// at validation (exit 2, with its path), before it reaches any of them.
#[test]
fn names_that_would_inject_into_csv_paths_or_terminals_are_refused() {
    let base = std::fs::read_to_string("scenarios/two-arm-efs-logrank.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let endpoint = "kind = \"time_to_event\"\nevents = [\"peritoneal_metastasis\"]\ntreatment = \"rmhtnf\"\ncontrol = \"control\"\n";
    for name in ["=HYPERLINK(1)", "../../etc", "-cmd", "+1", "@evil", "a\\tb"] {
        let text = format!("{base}\n[endpoints.\"{name}\"]\n{endpoint}");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, text).unwrap();
        let o = crate::helpers::peritrial().arg("validate").arg(&path).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{name:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("a name of letters, digits and _") && err.contains("endpoints."), "{name:?}: {err}");
    }
    let o = crate::helpers::peritrial()
        .args(["validate", "scenarios/two-arm-efs-logrank.toml", "--set", "study.name=\"a\\u001b[31mred\""])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("study.name"));
    // A long endpoint name (300 characters) is refused before a run could fail on its file name.
    let long = "e".repeat(300);
    let o = crate::helpers::peritrial()
        .args(["validate", "scenarios/two-arm-efs-logrank.toml", "--set"])
        .arg(format!("endpoints.{long}={{ kind = \"time_to_event\", events = [\"peritoneal_metastasis\"], treatment = \"rmhtnf\", control = \"control\" }}"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // Names in other scripts are names: accepted.
    let o = crate::helpers::peritrial()
        .args(["validate", "scenarios/two-arm-efs-logrank.toml", "--set", "arms.腹膜={ allocation = 1 }"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("a name of letters"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Item 13: `--checkpoint` does not replace a file that is not a checkpoint (the scenario
/// itself, here), and two outputs given one path are refused, before anything runs.
#[test]
fn outputs_never_replace_what_they_should_not() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::copy("scenarios/two-arm-efs-logrank.toml", &scenario).unwrap();
    let before = std::fs::read(&scenario).unwrap();
    let o = crate::helpers::peritrial()
        .args(["run", "--replicates", "1000", "--quiet", "--checkpoint"])
        .arg(&scenario)
        .arg(&scenario)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a peritrial checkpoint"));
    assert_eq!(std::fs::read(&scenario).unwrap(), before, "the scenario was replaced");
    let x = dir.path().join("x.out");
    for flag in ["--html", "--replicates-csv", "--checkpoint"] {
        let o = crate::helpers::peritrial()
            .args(["run", "scenarios/two-arm-efs-logrank.toml", "--replicates", "200", "--quiet", "--out"])
            .arg(&x)
            .arg(flag)
            .arg(&x)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("each output needs its own file"), "{flag}");
        assert!(!x.exists(), "{flag}: an output was written");
    }
    // A checkpoint is replaced by a rerun, as before.
    let ck = dir.path().join("ck.json");
    for _ in 0..2 {
        let o = crate::helpers::peritrial()
            .args([
                "run",
                "scenarios/two-arm-efs-logrank.toml",
                "--replicates",
                "200",
                "--quiet",
                "--format",
                "json",
                "--checkpoint",
            ])
            .arg(&ck)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// Item 16: a shard left with no replicates is refused, not reported as a power of 0.
#[test]
fn a_shard_without_replicates_is_refused() {
    let o = crate::helpers::peritrial()
        .args(["run", "scenarios/two-arm-efs-logrank.toml", "--replicates", "10", "--shard", "1/20", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("leave this shard none"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Item 7: a look's events, month and patients are means over the trials that reach it (those
/// that stopped before have none), with the share that reaches it (rpact's convention).
#[test]
fn per_look_summaries_are_over_the_trials_that_reach_the_look() {
    let file = "scenarios/event-reestimation.toml";
    let n = 2000u64;
    let v = run_json(&[file, "--replicates", &n.to_string()]);
    let looks = v["endpoints"].as_object().unwrap().values().find_map(|e| e["looks"].as_array().cloned()).unwrap();
    let s = scenario::load(std::path::Path::new(file), &[format!("study.replicates={n}")]).unwrap();
    let mut sampler = engine::Sampler::new(&s);
    let layout = sampler.plan.layout.clone();
    let (mut reach, mut events, mut months) =
        (vec![0u64; layout.n_looks], vec![0.0; layout.n_looks], vec![0.0; layout.n_looks]);
    for i in 0..n {
        let (_, r) = sampler.trial(i);
        let (stop, _) = peritrial::analyze::stopped(&layout, r);
        for k in 0..stop {
            let base = layout.looks + peritrial::analyze::look::COUNT * k;
            reach[k] += 1;
            events[k] += r[base + peritrial::analyze::look::EVENTS];
            months[k] += r[base + peritrial::analyze::look::CUT_MONTH];
        }
    }
    assert!(reach[1] < n, "some trials stop at the first look: {reach:?}");
    for (k, l) in looks.iter().enumerate() {
        assert_eq!(l["reached"].as_f64().unwrap(), reach[k] as f64 / n as f64, "look {}", k + 1);
        let e = l["events"].as_f64().unwrap();
        assert!((e - events[k] / reach[k] as f64).abs() < 1e-9, "look {} events {e}", k + 1);
        let m = l["cut_month"].as_f64().unwrap();
        assert!((m - months[k] / reach[k] as f64).abs() < 1e-9, "look {} month {m}", k + 1);
    }
}

/// Item 16: an input that never ends is refused with what was expected, before it exhausts
/// memory (a scenario, a report to re-run).
#[test]
fn endless_inputs_are_refused_with_what_was_expected() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    for args in [vec!["validate", "/dev/zero"], vec!["run", "--from", "/dev/zero", "--quiet"]] {
        let o = crate::helpers::peritrial().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("MiB") && err.contains("never ends"), "{args:?}: {err}");
    }
}

/// Item 14 (part): `run --from` compares the file, every key of it: a key added by hand is a
/// difference, not dropped on reading and declared identical.
#[test]
fn run_from_compares_the_file_not_its_reading() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let o = crate::helpers::peritrial()
        .args([
            "run",
            "scenarios/two-arm-efs-logrank.toml",
            "--replicates",
            "300",
            "--quiet",
            "--format",
            "json",
            "--out",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert!(o.status.success());
    let again = |path: &std::path::Path| {
        crate::helpers::peritrial().args(["run", "--quiet", "--from"]).arg(path).output().unwrap()
    };
    let o = again(&report);
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stderr).contains("identical"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&report).unwrap();
    let forged = dir.path().join("forged.json");
    std::fs::write(&forged, text.replacen("{\n", "{\n  \"dmc_verdict\": \"stop for efficacy\",\n", 1)).unwrap();
    let o = again(&forged);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("differs") && err.contains("dmc_verdict"), "{err}");
}

/// Item 8: with a family at looks whose graph can pass weight to the monitored endpoint, the
/// boundary in force differs between trials: no mean of different rules is reported as the
/// boundary (the design says why); a design whose level is fixed keeps its boundary.
#[test]
fn a_boundary_at_different_levels_is_not_averaged() {
    let v = run_json(&["scenarios/graphical-three-endpoints.toml", "--replicates", "300"]);
    let looks = v["endpoints"]["peritoneal_rfs"]["looks"].as_array().unwrap();
    assert!(looks.iter().all(|l| l["boundary_z"].is_null() && l["boundary_hazard_ratio"].is_null()), "{looks:?}");
    assert!(v["design"].to_string().contains("no single boundary is reported"));
    let v = run_json(&["scenarios/three-endpoint-family.toml", "--replicates", "300"]);
    let looks = v["endpoints"]["peritoneal_rfs"]["looks"].as_array().unwrap();
    assert!(
        looks.iter().all(|l| l["boundary_z"].is_number()),
        "a fixed sequence's first member keeps its level: {looks:?}"
    );
}

/// Item 13: a checkpoint that cannot be written (here /dev/full: every write fails) is said at
/// once and the run goes on; its report is written, not discarded at the end.
#[test]
fn an_unwritable_checkpoint_is_said_and_the_report_still_written() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let o = crate::helpers::peritrial()
        .env("PERITRIAL_CHECKPOINT_SECONDS", "0")
        .args(["run", "scenarios/two-arm-efs-logrank.toml", "--replicates", "2000", "--quiet", "--format", "json"])
        .args(["--checkpoint", "/dev/full"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("the checkpoint cannot be written"), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["complete"], true);
}

#[test]
fn sample_force_failing_at_a_file_leaves_the_earlier_export_whole() {
    let dir = tempfile::tempdir().unwrap();
    let export = |seed: &str| {
        crate::helpers::peritrial()
            .args([
                "sample",
                "scenarios/two-arm-efs-logrank.toml",
                "--trials",
                "2",
                "--adam",
                "--force",
                "--seed",
                seed,
                "--out",
            ])
            .arg(dir.path())
            .output()
            .unwrap()
    };
    assert!(export("1").status.success());
    let before: Vec<(String, Vec<u8>)> = ["patients.csv", "trials.csv", "adsl.csv", "dictionary.csv"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.path().join(n)).unwrap()))
        .collect();
    // The export's next-to-last file cannot be written (a folder stands at its name): the files
    // staged before it must not have replaced the earlier export's.
    std::fs::remove_file(dir.path().join("provenance.txt")).unwrap();
    std::fs::create_dir(dir.path().join("provenance.txt")).unwrap();
    let o = export("2");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("provenance.txt"), "{}", String::from_utf8_lossy(&o.stderr));
    for (name, bytes) in &before {
        assert_eq!(&std::fs::read(dir.path().join(name)).unwrap(), bytes, "{name} was replaced or removed");
    }
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".peritrial-"))
        .collect();
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
    // With the folder gone, the same export replaces every file.
    std::fs::remove_dir(dir.path().join("provenance.txt")).unwrap();
    assert!(export("2").status.success());
    assert_ne!(std::fs::read(dir.path().join("patients.csv")).unwrap(), before[0].1);
}

fn sweep_journal(values: &str, ck: &std::path::Path, out: &std::path::Path) {
    let o = crate::helpers::peritrial()
        .args(["sweep", "scenarios/two-arm-efs-logrank.toml", "--replicates", "60", "--quiet", "--vary"])
        .arg(format!("enrollment.sample_size={values}"))
        .arg("--checkpoint")
        .arg(ck)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_sweep_journal_line_is_bound_to_its_sweep_and_point() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    sweep_journal("500,600", &p("a.jsonl"), &p("a.csv"));
    sweep_journal("700,800", &p("b.jsonl"), &p("b.csv"));
    let a = std::fs::read_to_string(p("a.jsonl")).unwrap();
    let b = std::fs::read_to_string(p("b.jsonl")).unwrap();
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let resume = |journal: String| {
        std::fs::write(p("spliced.jsonl"), journal).unwrap();
        crate::helpers::peritrial()
            .args(["sweep", "scenarios/two-arm-efs-logrank.toml", "--replicates", "60", "--quiet"])
            .args(["--vary", "enrollment.sample_size=500,600", "--force", "--resume"])
            .arg(p("spliced.jsonl"))
            .arg("--out")
            .arg(p("resumed.csv"))
            .output()
            .unwrap()
    };
    // Another sweep's point spliced before one of this sweep's: refused, naming the line.
    let o = resume(format!("{}\n{}\n{}\n", a[0], b[1], a[2]));
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 2 (grid point 1)"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Spliced as the last line: not this sweep's point, so it is run again, and the output is
    // this sweep's, not the other's power under this sweep's label.
    let o = resume(format!("{}\n{}\n{}\n", a[0], a[1], b[2]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(p("resumed.csv")).unwrap(), std::fs::read(p("a.csv")).unwrap());
}

#[test]
fn a_sweep_journal_another_process_holds_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ck, out) = (dir.path().join("ck.jsonl"), dir.path().join("out.csv"));
    sweep_journal("500,600", &ck, &out);
    // Another process holds the journal's lock (as a sweep resuming it does while it runs).
    let held = std::fs::File::open(&ck).unwrap();
    held.lock().unwrap();
    let before = std::fs::read(&ck).unwrap();
    let o = crate::helpers::peritrial()
        .args(["sweep", "scenarios/two-arm-efs-logrank.toml", "--replicates", "60", "--quiet"])
        .args(["--vary", "enrollment.sample_size=500,600,700", "--force", "--resume"])
        .arg(&ck)
        .arg("--checkpoint")
        .arg(&ck)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another peritrial is writing this checkpoint"));
    assert_eq!(std::fs::read(&ck).unwrap(), before);
    drop(held);
    // Released, the same sweep goes on.
    let o = crate::helpers::peritrial()
        .args(["sweep", "scenarios/two-arm-efs-logrank.toml", "--replicates", "60", "--quiet"])
        .args(["--vary", "enrollment.sample_size=500,600", "--force", "--resume"])
        .arg(&ck)
        .arg("--checkpoint")
        .arg(&ck)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn an_allocation_the_trial_cannot_follow_is_warned() {
    let v =
        run_json(&["scenarios/two-arm-efs-logrank.toml", "--replicates", "50", "--set", "arms.rmhtnf.allocation=1000"]);
    let warnings: Vec<&str> = v["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(
        warnings.iter().any(|w| w.contains("block of 2002 patients is larger than the trial's 600")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("arm control is expected to have 0.6 of the 600 patients")),
        "{warnings:?}"
    );
    let v = run_json(&["scenarios/two-arm-efs-logrank.toml", "--replicates", "50"]);
    assert!(!v["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("block")));
}

#[test]
fn a_sweep_grid_too_large_to_hold_is_refused_before_any_point() {
    let values = |n: usize| (0..n).map(|i| (300 + i).to_string()).collect::<Vec<_>>().join(",");
    let o = crate::helpers::peritrial()
        .args(["sweep", "scenarios/two-arm-efs-logrank.toml", "--replicates", "10", "--quiet", "--vary"])
        .arg(format!("enrollment.sample_size={}", values(1000)))
        .arg("--vary")
        .arg(format!("study.seed={}", values(1000)))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a grid of 1000000 points; the limit is 100000") && err.contains("4.0 GB"), "{err}");
}

#[test]
fn shards_whose_total_was_edited_alike_are_refused_against_their_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let shard = |k: &str| {
        let path = dir.path().join(format!("s{k}.json"));
        let o = crate::helpers::peritrial()
            .args(["run", "scenarios/two-arm-efs-logrank.toml", "--replicates", "100", "--quiet", "--format", "json"])
            .args(["--shard", &format!("{k}/2"), "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        path
    };
    let one = shard("1");
    // Shard 1 of 2 (replicates 0..50) edited to say the run has 50: alone, it would merge as a
    // complete run of the scenario's 100.
    let mut v: Value = serde_json::from_slice(&std::fs::read(&one).unwrap()).unwrap();
    assert_eq!(v["shard"]["end"], 50);
    v["shard"]["total_replicates"] = 50.into();
    std::fs::write(&one, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = crate::helpers::peritrial().args(["merge"]).arg(&one).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("the shards say the run has 50 replicates; their scenario says 100"), "{err}");
}
