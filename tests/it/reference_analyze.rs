//! `peritrial analyze` on R-style data against R: competing risks (Gray's test with
//! `cmprsk::cuminc`, the Aalen–Johansen incidence and its variance, cause-specific log-rank
//! and Cox with `survival`) and binary responses (`binom.test`, `fisher.test`, `prop.test`).
//! tests/reference/make_analyze_refs.R wrote the data (tests/reference/data/cr_*.csv,
//! resp_*.csv) and tests/reference/analyze_refs.json.

use assert_cmd::Command;
use peritrial::data::{Columns, read};
use peritrial::stats::cif::gray_test;
use peritrial::stats::{RiskTable, sort_by_stratum_time};
use serde_json::Value;

fn refs() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/reference/analyze_refs.json").unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Statistics to 1e-6 relative, p-values to 1e-9 absolute.
fn rel(what: &str, got: &Value, want: &Value) {
    let (g, w) = (f(got), f(want));
    assert!((g - w).abs() <= 1e-6 * w.abs().max(1e-12), "{what}: peritrial {g} vs R {w}");
}

fn p(what: &str, got: &Value, want: &Value) {
    let (g, w) = (f(got), f(want));
    assert!((g - w).abs() <= 1e-9, "{what}: peritrial {g} vs R {w}");
}

fn analyze(args: &[&str]) -> Value {
    let out = crate::helpers::peritrial().args(["analyze", "--format", "json"]).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

const R_COLUMNS: [&str; 6] = ["--time", "efs_time", "--status", "efs_status", "--strata", "cohort"];

#[test]
fn competing_risks_agree_with_cmprsk_and_survival() {
    let refs = refs();
    for (name, r) in refs["competing"].as_object().unwrap() {
        let path = format!("tests/reference/data/{name}.csv");
        let mut args = vec![path.as_str()];
        args.extend(R_COLUMNS);
        args.extend(["--milestones", "6,12,24"]);
        let v = analyze(&args);
        let c = &v["competing_risks"];
        assert_eq!(v["arms"]["0"]["label"], "control", "{name}");
        assert_eq!(v["arms"]["1"]["label"], "rmhtnf", "{name}");
        rel(&format!("{name} Gray statistic"), &c["gray"]["statistic"], &r["gray"]["statistic"]);
        p(&format!("{name} Gray p"), &c["gray"]["p_value"], &r["gray"]["p_value"]);
        if v["strata"].is_array() {
            rel(
                &format!("{name} stratified Gray"),
                &c["gray_stratified"]["statistic"],
                &r["gray_stratified"]["statistic"],
            );
            p(&format!("{name} stratified Gray p"), &c["gray_stratified"]["p_value"], &r["gray_stratified"]["p_value"]);
        }
        for (a, label) in [("0", "control"), ("1", "rmhtnf")] {
            for k in 0..3 {
                let at = &c["arms"][a]["cumulative_incidence"][k];
                rel(&format!("{name} {label} incidence {k}"), &at["incidence"], &r["incidence"][label][k]);
                rel(&format!("{name} {label} variance {k}"), &at["variance"], &r["variance"][label][k]);
            }
        }
        rel(&format!("{name} cause-specific log-rank"), &v["logrank"]["chisq"], &r["logrank_chisq"]);
        p(&format!("{name} cause-specific log-rank p"), &v["logrank"]["p_value"], &r["logrank_p"]);
        rel(&format!("{name} cause-specific Cox"), &v["cox_efron"]["log_hr"], &r["cox_log_hr"]);
        rel(&format!("{name} cause-specific Cox se"), &v["cox_efron"]["se"], &r["cox_se"]);
        // Cause 2 as the event of interest.
        let mut two = args.clone();
        two.extend(["--event-cause", "2"]);
        let v2 = analyze(&two);
        rel(
            &format!("{name} Gray, cause 2"),
            &v2["competing_risks"]["gray"]["statistic"],
            &r["gray_cause2"]["statistic"],
        );
        p(&format!("{name} Gray p, cause 2"), &v2["competing_risks"]["gray"]["p_value"], &r["gray_cause2"]["p_value"]);
        // Gray's weight (1 - F(t-))^rho with rho = 1, through the library.
        let cols = Columns {
            time: "efs_time".into(),
            status: "efs_status".into(),
            strata: Some("cohort".into()),
            ..Columns::default()
        };
        let mut obs: Vec<_> = read(std::path::Path::new(&path), &cols).unwrap().remove(0).1.obs;
        obs.iter_mut().for_each(|o| o.stratum = 0);
        sort_by_stratum_time(&mut obs);
        let g = gray_test(&RiskTable::build(&obs, true), 1.0).unwrap();
        rel(&format!("{name} Gray rho = 1"), &Value::from(g.statistic), &r["gray_rho1"]["statistic"]);
        p(&format!("{name} Gray rho = 1 p"), &Value::from(g.p_value), &r["gray_rho1"]["p_value"]);
    }
}

#[test]
fn binary_responses_agree_with_binom_fisher_and_prop_test() {
    let refs = refs();
    for (name, r) in refs["response"].as_object().unwrap() {
        let path = format!("tests/reference/data/{name}.csv");
        let p0 = r["null_rate"].to_string();
        let v = analyze(&[&path, "--response", "orr", "--null-rate", &p0]);
        for (a, label) in [("0", "control"), ("1", "rmhtnf")] {
            let (got, want) = (&v["arms"][a], &r["arms"][label]);
            assert_eq!(got["label"], label);
            assert_eq!(got["responders"], want["responders"], "{name} {label}");
            assert_eq!(got["n"], want["n"], "{name} {label}");
            for k in 0..2 {
                p(&format!("{name} {label} Clopper-Pearson {k}"), &got["clopper_pearson"][k], &want["cp"][k]);
                p(&format!("{name} {label} Wilson {k}"), &got["wilson"][k], &want["wilson"][k]);
            }
            p(&format!("{name} {label} binom.test"), &got["binom_test"]["p_two_sided"], &want["binom_p_two_sided"]);
            p(&format!("{name} {label} binom.test greater"), &got["binom_test"]["p_greater"], &want["binom_p_greater"]);
        }
        p(&format!("{name} Fisher"), &v["fisher"]["p_two_sided"], &r["fisher_two_sided"]);
        p(&format!("{name} Fisher greater"), &v["fisher"]["p_greater"], &r["fisher_greater"]);
        rel(&format!("{name} chi-square"), &v["chi_square"]["chisq"], &r["chisq"]);
        p(&format!("{name} chi-square p"), &v["chi_square"]["p_two_sided"], &r["chisq_p"]);
        rel(&format!("{name} corrected chi-square"), &v["chi_square_corrected"]["chisq"], &r["chisq_corrected"]);
        p(
            &format!("{name} corrected chi-square p"),
            &v["chi_square_corrected"]["p_two_sided"],
            &r["chisq_corrected_p"],
        );
    }
}

/// A hand-written R-style file: quoted text, a BOM, CRLF, arms and strata as text, and a
/// long table analysed one trial at a time and by trial.
#[test]
fn r_style_files_and_long_tables_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.csv");
    let mut text = String::from("\u{feff}\"trial\",\"usubjid\",\"efs_time\",\"efs_status\",\"arm\",\"cohort\"\r\n");
    for t in 1..=3 {
        for i in 0..40 {
            let arm = if i % 2 == 0 { "Surgery alone" } else { "rmhTNF" };
            let time = 1.0 + ((i * 37 + t * 11) % 53) as f64 / 2.0;
            text.push_str(&format!(
                "{t},\"P{t}-{i}\",{time},{},\"{arm}\",\"{}\"\r\n",
                (i + t) % 3,
                ["gastric", "colorectal"][i % 4 / 2]
            ));
        }
    }
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();
    // Two text labels, neither "control": refused, naming both.
    let out = crate::helpers::peritrial().args(["analyze", "--format", "json", path]).args(R_COLUMNS).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"Surgery alone\"") && err.contains("\"rmhTNF\"") && err.contains("--treatment"), "{err}");
    let mut args = vec![path];
    args.extend(R_COLUMNS);
    args.extend(["--treatment", "rmhTNF"]);
    let mut one = args.clone();
    one.extend(["--trial", "2"]);
    let v = analyze(&one);
    assert_eq!(v["n"], 40);
    assert_eq!(v["arms"]["1"]["label"], "rmhTNF");
    assert_eq!(v["strata"], serde_json::json!(["colorectal", "gastric"]));
    let mut by = args.clone();
    by.extend(["--by", "trial"]);
    let out = crate::helpers::peritrial().args(["analyze", "--format", "json"]).args(&by).output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["trial"], "2");
    assert_eq!(lines[1]["logrank"], v["logrank"]);
    assert_eq!(lines[1]["competing_risks"], v["competing_risks"]);
}

/// `sample`'s exports read back by `analyze`: for every time-to-event endpoint of the
/// scenarios, each exported trial's statistic is the engine's own (`trials.csv`, the numbers
/// of `--replicates-csv`) to the last bit and its hazard ratio to 1e-9 (the engine's Newton
/// iterations start from the log-rank estimate), from the per-trial files with no flags, from
/// the long table one trial at a time and from the long table by trial.
#[test]
fn analyze_reproduces_every_exported_trials_statistics() {
    for scenario in ["scenarios/gastric-adjuvant.toml", "scenarios/mixed-stratified.toml"] {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["sample", scenario, "--trials", "3", "--per-trial", "--force", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let s = peritrial::scenario::load(std::path::Path::new(scenario), &[]).unwrap();
        let mut trials = csv::Reader::from_path(dir.path().join("trials.csv")).unwrap();
        let head = trials.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = trials.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 3);
        let patients = dir.path().join("patients.csv");
        let patients = patients.to_str().unwrap();
        let mut checked = 0;
        for e in s.endpoints() {
            let peritrial::scenario::EndpointKind::TimeToEvent { test, .. } = &e.kind else { continue };
            let (z_key, hr_key) = match test {
                peritrial::scenario::TimeToEventTest::Logrank => ("logrank", "cox_efron"),
                peritrial::scenario::TimeToEventTest::StratifiedLogrank => {
                    ("logrank_stratified", "cox_efron_stratified")
                }
                _ => continue,
            };
            let col = |c: &str| head.iter().position(|h| h == format!("{}_{c}", e.name)).unwrap();
            let (tcol, scol) = (format!("{}_time", e.name), format!("{}_status", e.name));
            let long_args = |extra: &[&str]| {
                let mut a = vec![patients, "--time", &tcol, "--status", &scol, "--strata", "cohort"];
                a.extend(extra);
                a.iter().map(|x| x.to_string()).collect::<Vec<_>>()
            };
            let by = Command::cargo_bin("peritrial")
                .unwrap()
                .args(["analyze", "--format", "json"])
                .args(long_args(&["--by", "trial"]))
                .output()
                .unwrap();
            assert!(by.status.success(), "{}", String::from_utf8_lossy(&by.stderr));
            let by: Vec<Value> =
                String::from_utf8_lossy(&by.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            for (k, row) in rows.iter().enumerate() {
                let (z, hr) = (&row[col("z")], row[col("estimate")].parse::<f64>().unwrap());
                let file = dir.path().join(format!("trial_{:05}_{}.csv", k + 1, e.name));
                let trial = (k + 1).to_string();
                let views = [
                    analyze(&[file.to_str().unwrap()]),
                    analyze(&long_args(&["--trial", &trial]).iter().map(String::as_str).collect::<Vec<_>>()),
                    by[k].clone(),
                ];
                for (how, v) in ["per-trial file", "long table --trial", "long table --by trial"].iter().zip(&views) {
                    let what = format!("{scenario} {} trial {} ({how})", e.name, k + 1);
                    assert_eq!(v[z_key]["z"].as_f64().unwrap().to_string(), *z, "{what}: z");
                    let got = v[hr_key]["hazard_ratio"].as_f64().unwrap();
                    assert!((got - hr).abs() <= 1e-9 * hr, "{what}: hazard ratio {got} vs {hr}");
                }
                checked += 1;
            }
        }
        assert!(checked >= 3, "{scenario}: {checked} endpoint-trials checked");
    }
}

/// A binary endpoint's per-trial file read back with `--response`: the responders, the rate
/// and the exact binomial p-value are the engine's (`trials.csv`), trial by trial.
#[test]
fn analyze_reproduces_every_exported_binary_trial() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "scenarios/ascites-dcr-single-arm.toml";
    let out = crate::helpers::peritrial()
        .args(["sample", scenario, "--trials", "5", "--per-trial", "--force", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = peritrial::scenario::load(std::path::Path::new(scenario), &[]).unwrap();
    let e = &s.endpoints()[0];
    let peritrial::scenario::EndpointKind::Binary {
        test: peritrial::scenario::BinaryTest::ExactBinomial { null_rate },
        ..
    } = &e.kind
    else {
        panic!("{scenario}: expected an exact binomial endpoint")
    };
    let mut trials = csv::Reader::from_path(dir.path().join("trials.csv")).unwrap();
    let head = trials.headers().unwrap().clone();
    let col = |c: &str| head.iter().position(|h| h == format!("{}_{c}", e.name)).unwrap();
    for (k, row) in trials.records().map(|r| r.unwrap()).enumerate() {
        let file = dir.path().join(format!("trial_{:05}_{}.csv", k + 1, e.name));
        let v = analyze(&[file.to_str().unwrap(), "--response", "response", "--null-rate", &null_rate.to_string()]);
        let arm = &v["arms"]["1"];
        let what = format!("{scenario} trial {}", k + 1);
        assert_eq!(
            arm["responders"].as_f64().unwrap(),
            row[col("events")].parse::<f64>().unwrap(),
            "{what}: responders"
        );
        assert_eq!(arm["rate"].as_f64().unwrap(), row[col("estimate")].parse::<f64>().unwrap(), "{what}: rate");
        assert_eq!(
            arm["binom_test"]["p_greater"].as_f64().unwrap(),
            row[col("p")].parse::<f64>().unwrap(),
            "{what}: p"
        );
    }
}

/// A non-inferiority trial of response rates exported and read back with `--response
/// --null-difference`: the Farrington–Manning z and p-value `analyze` gives are the engine's
/// (`trials.csv`), trial by trial, and they differ from the chi-square test's (the margin is
/// used); a margin above 0 is refused.
#[test]
fn analyze_reproduces_every_exported_noninferiority_trial() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "scenarios/noninferiority-response.toml";
    let out = crate::helpers::peritrial()
        .args(["sample", scenario, "--trials", "5", "--per-trial", "--force", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut trials = csv::Reader::from_path(dir.path().join("trials.csv")).unwrap();
    let head = trials.headers().unwrap().clone();
    let col = |c: &str| head.iter().position(|h| h == format!("dcr_{c}")).unwrap();
    for (k, row) in trials.records().map(|r| r.unwrap()).enumerate() {
        let file = dir.path().join(format!("trial_{:05}_dcr.csv", k + 1));
        let v = analyze(&[file.to_str().unwrap(), "--response", "response", "--null-difference", "-0.12"]);
        let fm = &v["farrington_manning"];
        let what = format!("{scenario} trial {}", k + 1);
        assert_eq!(fm["z"].as_f64().unwrap(), row[col("z")].parse::<f64>().unwrap(), "{what}: z");
        assert_eq!(fm["p_greater"].as_f64().unwrap(), row[col("p")].parse::<f64>().unwrap(), "{what}: p");
        assert!(fm["z"].as_f64().unwrap() > v["chi_square"]["z"].as_f64().unwrap() + 2.0, "{what}: the margin moves z");
    }
    let file = dir.path().join("trial_00001_dcr.csv");
    let o = crate::helpers::peritrial()
        .args([
            "analyze",
            "--format",
            "json",
            file.to_str().unwrap(),
            "--response",
            "response",
            "--null-difference",
            "0.1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--null-difference: 0.1"));
}

/// `analyze --response --looks --assessed-after` (the DMC's analysis of responses) against R on
/// three committed trials (`tests/reference/data/gs_responses.csv`): each look's data cut in R
/// (entry + 1 month at or before the look), and rpact 3.3.4's `getAnalysisResults` on the
/// counts (`make_rpact_dmc_rates_refs.R`): the patients assessed, the z, the boundaries, the
/// stopping look, the stage-wise p-value, the median-unbiased difference, its interval and the
/// repeated intervals up to the stop (1e-6), for four DMCs (O'Brien–Fleming and Pocock, 2–4
/// looks).
#[test]
fn analyze_response_looks_agree_with_rpact() {
    let refs: serde_json::Value = serde_json::from_str(include_str!("../reference/rpact_dmc_rates_refs.json")).unwrap();
    let nums = |v: &serde_json::Value| -> Vec<f64> {
        match v.as_array() {
            Some(a) => a.iter().map(|x| x.as_f64().unwrap()).collect(),
            None => vec![v.as_f64().unwrap()],
        }
    };
    let dmcs = refs["dmcs"].as_array().unwrap();
    assert_eq!(dmcs.len(), 4);
    for d in dmcs {
        let months: Vec<String> = nums(&d["months"]).iter().map(|m| m.to_string()).collect();
        let o = crate::helpers::peritrial()
            .args(["analyze", "tests/reference/data/gs_responses.csv", "--trial", &d["trial"].to_string()])
            .args(["--response", "response", "--treatment", "rmhtnf", "--control", "hipec", "--entry", "entry_month"])
            .args(["--looks", &months.join(","), "--assessed-after", "1", "--format", "json"])
            .args(["--spending", d["spending"].as_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let g = &v["group_sequential"];
        let close = |what: &str, got: f64, want: f64| {
            assert!((got - want).abs() < 1e-6, "trial {} {months:?} {what}: {got} against rpact {want}", d["trial"]);
        };
        let stop = d["stop"].as_u64().unwrap() as usize;
        assert_eq!(g["stop_look"].as_u64(), Some(stop as u64));
        let looks = g["looks"].as_array().unwrap();
        let (crit, z, assessed) = (nums(&d["critical_values"]), nums(&d["z"]), nums(&d["assessed"]));
        let (rci_lo, rci_hi) = (nums(&d["rci_lower"]), nums(&d["rci_upper"]));
        for (k, l) in looks.iter().enumerate() {
            assert_eq!(l["assessed"].as_f64(), Some(assessed[k]), "look {}", k + 1);
            close("z", l["z"].as_f64().unwrap(), z[k]);
            close("boundary", l["boundary_z"].as_f64().unwrap(), crit[k]);
            if k < stop {
                let r = nums(&l["repeated_interval"]);
                close("repeated lower", r[0], rci_lo[k]);
                close("repeated upper", r[1], rci_hi[k]);
            }
        }
        let a = &g["at_stopping"];
        close("p", a["p_stagewise"].as_f64().unwrap(), d["p"].as_f64().unwrap());
        close("median unbiased", a["median_unbiased"].as_f64().unwrap(), d["median_unbiased"].as_f64().unwrap());
        close("lower", a["lower"].as_f64().unwrap(), d["lower"].as_f64().unwrap());
        close("upper", a["upper"].as_f64().unwrap(), d["upper"].as_f64().unwrap());
    }
}

/// A single arm's responses at a DMC's looks: the exact binomial boundaries of the engine's
/// design (`stats::binomial_looks` at the patients assessed over the planned), the exact
/// stage-wise inference where the trial stops, its p-value at most α exactly when it stopped
/// for efficacy; without `--null-rate` or `--assessed-after` the analysis is refused (exit 2).
#[test]
fn analyze_single_arm_response_looks_are_the_exact_design() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let o = crate::helpers::peritrial()
        .args(["sample", "scenarios/ascites-dcr-at-looks.toml", "--trials", "4", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let data = out.join("patients.csv");
    let base =
        ["--response", "ascites_control", "--treatment", "rmhtnf", "--entry", "entry_month", "--looks", "5,9,13"];
    let (mut stopped, mut went_on, mut compared) = (0, 0, 0);
    for (trial, p0) in (1..=4).flat_map(|t| [(t, 0.1), (t, 0.25)]) {
        let o = crate::helpers::peritrial()
            .arg("analyze")
            .arg(&data)
            .args(base)
            .args(["--trial", &trial.to_string(), "--assessed-after", "1", "--null-rate", &p0.to_string()])
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let g = &v["group_sequential"];
        let looks = g["looks"].as_array().unwrap();
        let n: Vec<u32> = looks.iter().map(|l| l["assessed"].as_u64().unwrap() as u32).collect();
        let planned = *n.last().unwrap() as f64;
        let spend: Vec<f64> = n.iter().map(|&k| k as f64 / planned).collect();
        let r = peritrial::stats::binomial_looks::boundaries(
            &n,
            p0,
            peritrial::stats::spending::Spending::OBrienFleming,
            0.025,
            &spend,
            &vec![0; n.len()],
        );
        // (A trial the engine stopped early has all its patients assessed by a later look: the
        // looks without new patients share one test, as the engine's; compared where the counts
        // increase.)
        let increasing = n.windows(2).all(|w| w[1] > w[0]);
        compared += increasing as usize;
        for (k, l) in looks.iter().enumerate().filter(|_| increasing) {
            // A look where no count can reject has no boundary (null).
            let want = peritrial::stats::binary::exact_z(r[k] as u64, n[k] as u64, p0);
            let got = l["boundary_z"].as_f64().unwrap_or(f64::INFINITY);
            assert!(got == want || (got - want).abs() < 1e-12, "trial {trial} look {}: {got} {want}", k + 1);
        }
        let p = g["at_stopping"]["p_stagewise"].as_f64().unwrap();
        let efficacy = g["decision"] == "stop for efficacy";
        assert_eq!(p <= 0.025, efficacy, "trial {trial}: p {p}, {}", g["decision"]);
        stopped += efficacy as usize;
        went_on += !efficacy as usize;
    }
    assert!(stopped >= 1 && went_on >= 1 && compared >= 2, "{stopped} stopped, {went_on} went on, {compared} compared");
    for (extra, says) in
        [(vec!["--assessed-after", "1"], "give --null-rate"), (vec!["--null-rate", "0.1"], "give --assessed-after")]
    {
        let o = crate::helpers::peritrial().arg("analyze").arg(&data).args(base).args(&extra).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(says), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// `analyze --covariates` (issue 28: the comparison adjusted for baseline covariates, on real
/// data) end to end against R on the committed cohort (`tests/reference/data/rwe_cohort.csv`,
/// `make_rwe_refs.R`): the propensity model (glm), the weights' effective sample sizes and
/// balance, the conditional hazard ratio (coxph with covariates, stratified by site), the
/// marginal one (coxph weighted, robust SE), the weighted curves (survfit with weights), and
/// for the response the g-computation and weighted risk differences (1e-6 or tighter). A
/// covariate that is not a number is refused with its line (exit 2); a record missing one is
/// left out and counted.
#[test]
fn analyze_with_covariates_agrees_with_r() {
    let r: Value = serde_json::from_str(include_str!("../reference/rwe_refs.json")).unwrap();
    let data = "tests/reference/data/rwe_cohort.csv";
    let base = ["--arm", "group", "--treatment", "1", "--control", "0", "--covariates", "age,ecog,t4,pci"];
    let run = |extra: &[&str]| -> Value {
        let o = crate::helpers::peritrial()
            .args(["analyze", data])
            .args(base)
            .args(extra)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let close = |what: &str, got: &Value, want: &Value, tol: f64| {
        let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
        assert!((g - w).abs() <= tol * w.abs().max(1e-3), "{what}: {g} against R {w}");
    };
    let v = run(&["--strata", "site", "--milestones", "6,12,24"]);
    let a = &v["adjusted"];
    let w = &a["weights"];
    close("ps age", &w["propensity_coefficients"]["age"]["estimate"], &r["propensity"]["coef"]["age"], 1e-8);
    close("ess treated", &w["effective_sample_size"]["treatment"], &r["weights"]["ate"]["ess_treated"], 1e-8);
    close("smd pci after", &w["standardised_differences"]["pci"]["after"], &r["weights"]["ate"]["smd"]["pci"], 1e-8);
    let strat = &r["cox_covariates"]["efron_strata_site"];
    close("conditional log HR", &json_ln(&a["conditional"]["hazard_ratio"]), &strat["coef"]["group"], 1e-8);
    close("conditional se", &a["conditional"]["log_se"], &strat["se"]["group"], 1e-7);
    // The marginal model is fitted within the strata too; unstratified it is R's ATE fit.
    let v0 = run(&["--milestones", "6,12,24"]);
    let m = &v0["adjusted"]["marginal"];
    close("marginal log HR", &json_ln(&m["hazard_ratio"]), &r["cox_weighted"]["ate"]["coef"], 1e-8);
    close("marginal robust se", &m["log_se"], &r["cox_weighted"]["ate"]["se_robust"], 1e-7);
    close("marginal naive se", &m["naive_log_se"], &r["cox_weighted"]["ate"]["se_naive"], 1e-7);
    let km = &v0["adjusted"]["weighted_curves"]["treatment"];
    close("weighted S(12)", &km["milestones"][1]["survival"], &r["km_weighted"]["treated"]["surv"][1], 1e-10);
    close("weighted se(12)", &km["milestones"][1]["se"], &r["km_weighted"]["treated"]["se"][1], 1e-8);
    let att = run(&["--weighting", "att"]);
    close(
        "att marginal",
        &json_ln(&att["adjusted"]["marginal"]["hazard_ratio"]),
        &r["cox_weighted"]["att"]["coef"],
        1e-8,
    );
    let resp = run(&["--response", "response"]);
    let g = &resp["adjusted"];
    close("g-computation rd", &g["standardised_ate"]["difference"], &r["logistic_gcomp"]["ate"]["rd"], 1e-8);
    close(
        "g-computation se",
        &g["standardised_ate"]["se_delta_hc0"],
        &r["logistic_gcomp"]["ate"]["se_delta_hc0"],
        1e-6,
    );
    close("weighted rd", &g["weighted"]["difference"], &r["weighted_response"]["rd"], 1e-8);
    // Hostile input: a covariate that is not a number; one missing (left out, counted).
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[3] = lines[3].replacen(",0,", ",old,", 1);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let o = crate::helpers::peritrial().arg("analyze").arg(&bad).args(base).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected a finite number (a covariate)"));
    lines[3] = text.lines().nth(3).unwrap().replacen(",62.4,", ",,", 1);
    let gap = dir.path().join("gap.csv");
    std::fs::write(&gap, lines.join("\n")).unwrap();
    let o =
        crate::helpers::peritrial().arg("analyze").arg(&gap).args(base).args(["--format", "json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["n"].as_u64(), v["excluded_missing_covariate"].as_u64()), (Some(399), Some(1)));
}

fn json_ln(v: &Value) -> Value {
    serde_json::json!(v.as_f64().unwrap().ln())
}

/// `analyze --response --prior` (issue 29's DMC use, in part): under Beta(1, 1) in each arm,
/// the treatment arm's posterior Beta(85, 77) of the committed cohort has R's mean, `qbeta`
/// interval and `pbeta` tail, and P(p₁ − p₀ > 0.1) is R's `integrate` (values computed with
/// R 4.2.2: `Rscript -e 'qbeta(c(0.025, 0.975), 85, 77); pbeta(0.45, 85, 77, lower.tail =
/// FALSE); integrate(function(q) dbeta(q, 83, 159) * pbeta(pmin(q + 0.1, 1), 85, 77,
/// lower.tail = FALSE), 0, 1, rel.tol = 1e-13)'`); a robust mixture's ESS is R's ELIR
/// integral (25.6606323159); a prior out of range exits with code 2.
#[test]
fn analyze_with_a_prior_agrees_with_r() {
    let data = "tests/reference/data/rwe_cohort.csv";
    let run = |prior: &str| {
        crate::helpers::peritrial()
            .args(["analyze", data, "--arm", "group", "--treatment", "1", "--control", "0", "--response", "response"])
            .args(["--prior", prior, "--null-rate", "0.45", "--null-difference", "-0.1", "--format", "json"])
            .output()
            .unwrap()
    };
    let o = run("beta:1,1");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let b = &v["bayesian"];
    let t = &b["treatment"];
    let close = |what: &str, got: &Value, want: f64, tol: f64| {
        let g = got.as_f64().unwrap();
        assert!((g - want).abs() < tol, "{what}: {g} against R {want}");
    };
    close("mean", &t["mean"], 0.524691358024691, 1e-12);
    close("lower", &t["credible_95"][0], 0.447839427336468, 1e-10);
    close("upper", &t["credible_95"][1], 0.600965656405569, 1e-10);
    close("tail", &t["prob_above_null_rate"], 0.971582651627812, 1e-12);
    // --null-difference −0.1 is the margin: P(p1 − p0 > −0.1); R's value is for +0.1, so
    // run that margin through the same flag.
    let o = crate::helpers::peritrial()
        .args(["analyze", data, "--arm", "group", "--treatment", "1", "--control", "0", "--response", "response"])
        .args(["--prior", "beta:1,1", "--format", "json"])
        .output()
        .unwrap();
    let v0: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v0["bayesian"]["prob_difference_above"]["margin"].as_f64(), Some(0.0));
    let p = peritrial::stats::bayes::difference_above(85.0, 77.0, 83.0, 159.0, 0.1);
    assert!((p - 0.94954511470985).abs() < 1e-10, "{p}");
    close(
        "margin −0.1",
        &b["prob_difference_above"]["probability"],
        peritrial::stats::bayes::difference_above(85.0, 77.0, 83.0, 159.0, -0.1),
        1e-12,
    );
    let o = run("mixture:0.8,12,28,1,1");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    close("mixture ESS", &v["bayesian"]["prior_ess_elir"], 25.6606323159, 1e-6);
    let o = run("beta:0,1");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--prior"));
}

/// `analyze --prior --final-patients` (a DMC's futility look, issue 29 in part): a single arm
/// with 12 responders of 45 at an interim, Beta(1, 1), the final analysis at 60 patients
/// succeeding when P(rate > 0.2 | all data) > 0.95: 17 final responders are needed and the
/// predictive probability is R's, computed with R 4.2.2 by
/// `need <- min(which(sapply(0:60, function(y) pbeta(0.2, 1 + y, 61 - y, lower.tail = FALSE) > 0.95))) - 1;
/// y <- 0:15; sum(exp(lchoose(15, y) + lbeta(13 + y, 49 - y) - lbeta(13, 34))[12 + y >= need])`.
#[test]
fn analyze_predictive_probability_agrees_with_r() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("arm.csv");
    let rows: Vec<String> = (0..45).map(|i| format!("{i},rmhtnf,{}", (i < 12) as u8)).collect();
    std::fs::write(&path, format!("id,arm,dcr\n{}\n", rows.join("\n"))).unwrap();
    let o = crate::helpers::peritrial()
        .arg("analyze")
        .arg(&path)
        .args(["--response", "dcr", "--treatment", "rmhtnf", "--prior", "beta:1,1", "--null-rate", "0.2"])
        .args(["--final-patients", "60", "--success-probability", "0.95", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["bayesian"]["predictive"];
    assert_eq!(p["fewest_final_responders_for_success"].as_u64(), Some(17));
    let pp = p["predictive_probability_of_success"].as_f64().unwrap();
    assert!((pp - 0.406870279575466).abs() < 1e-12, "{pp}");
    let o = crate::helpers::peritrial()
        .arg("analyze")
        .arg(&path)
        .args(["--response", "dcr", "--treatment", "rmhtnf", "--prior", "beta:1,1", "--null-rate", "0.2"])
        .args(["--final-patients", "40"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "an interim beyond the final size is refused");
}

/// `analyze --prior normal:M,S` on time to event: the normal–normal update of the log hazard
/// ratio from the Cox estimate against R on the committed cohort (`coxph(Surv(time, status) ~
/// group, ties = "efron")`, prior N(log 0.8, 0.3²), the update by hand in R 4.2.2:
/// posterior mean −0.316826142954813, sd 0.108865905211570, 95% interval of the hazard ratio
/// 0.588487615717455 to 0.901718502064359, P(HR < 1) 0.998194255697243); a rate prior on time
/// to event, and the normal prior on a response, are refused (exit 2).
#[test]
fn analyze_with_a_normal_prior_on_the_hazard_ratio_agrees_with_r() {
    let data = "tests/reference/data/rwe_cohort.csv";
    let run = |extra: &[&str]| {
        crate::helpers::peritrial()
            .args(["analyze", data, "--arm", "group", "--treatment", "1", "--control", "0"])
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&["--prior", "normal:-0.2231435513142097,0.3", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let b = &v["bayesian"];
    for (got, want) in [
        (&b["posterior"]["log_hazard_ratio_mean"], -0.316826142954813),
        (&b["posterior"]["log_hazard_ratio_sd"], 0.108865905211570),
        (&b["credible_95"][0], 0.588487615717455),
        (&b["credible_95"][1], 0.901718502064359),
        (&b["prob_hazard_ratio_below_1"], 0.998194255697243),
    ] {
        let g = got.as_f64().unwrap();
        assert!((g - want).abs() < 1e-9, "{g} against R {want}");
    }
    assert_eq!(run(&["--prior", "beta:1,1"]).status.code(), Some(2));
    assert_eq!(run(&["--prior", "normal:0,1", "--response", "response"]).status.code(), Some(2));
    assert_eq!(run(&["--prior", "normal:0,-1"]).status.code(), Some(2));
}

/// A DMC look at which an arm has no patient assessed has no z (not a z of 0), no boundary and
/// no information: the analysis is the final look's alone, its stage-wise p-value the
/// fixed-sample chi-square's.
#[test]
fn a_response_look_with_an_empty_arm_has_no_test() {
    let o = crate::helpers::peritrial()
        .args(["analyze", "tests/reference/data/gs_responses.csv", "--trial", "1", "--response", "response"])
        .args(["--treatment", "rmhtnf", "--control", "hipec", "--entry", "entry_month", "--assessed-after", "1"])
        .args(["--looks", "1.2,19", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let g = &v["group_sequential"];
    assert_eq!(g["looks"][0]["responders_control"].as_u64(), Some(0));
    assert!(g["looks"][0]["z"].is_null() && g["looks"][0]["boundary_z"].is_null(), "{}", g["looks"][0]);
    let p = g["at_stopping"]["p_stagewise"].as_f64().unwrap();
    let want = v["chi_square"]["p_greater"].as_f64().unwrap();
    assert!((p - want).abs() < 1e-12, "{p} against {want}");
}
