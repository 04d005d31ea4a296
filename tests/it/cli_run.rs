//! `peritrial run` end to end: reproducibility and the report's keys.

use crate::helpers::without_timing;
use assert_cmd::Command;
use serde_json::Value;

fn run_json(args: &[&str]) -> Value {
    let out = crate::helpers::peritrial().arg("run").args(args).args(["--format", "json", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn one_and_two_threads_give_identical_reports() {
    for scenario in
        ["scenarios/two-arm-efs-logrank.toml", "scenarios/gastric-adjuvant.toml", "scenarios/colorectal-adjuvant.toml"]
    {
        let a = run_json(&[scenario, "--replicates", "3000", "--threads", "1"]);
        let b = run_json(&[scenario, "--replicates", "3000", "--threads", "2"]);
        let c = run_json(&[scenario, "--replicates", "3000", "--threads", "3"]);
        assert!(a.get("timing").is_some());
        let (a, b, c) = (without_timing(a), without_timing(b), without_timing(c));
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap(), "{scenario}");
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&c).unwrap(), "{scenario}");
    }
}

#[test]
fn the_report_has_the_documented_keys() {
    let v = run_json(&["scenarios/gastric-adjuvant.toml", "--replicates", "200"]);
    for k in ["scenario", "replicates", "seed", "complete", "endpoints", "analysis", "timing"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["replicates"], 200);
    assert_eq!(v["complete"], true);
    let efs = &v["endpoints"]["efs"];
    for k in
        ["kind", "test", "power", "power_mcse", "power_ci", "rejections", "estimate", "events", "milestones", "looks"]
    {
        assert!(efs.get(k).is_some(), "missing endpoints.efs.{k}");
    }
    for k in ["name", "mean", "sd", "q025", "q500", "q975"] {
        assert!(efs["estimate"].get(k).is_some(), "missing estimate.{k}");
    }
    assert!(efs["milestones"]["12"]["control"]["mean"].is_number());
    assert!(v["analysis"]["cut_month"]["mean"].is_number());
    let p = efs["power"].as_f64().unwrap();
    let mcse = efs["power_mcse"].as_f64().unwrap();
    assert!((mcse - (p * (1.0 - p) / 200.0).sqrt()).abs() < 1e-12);
    assert!(v["timing"]["patients_per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn seed_and_replicates_flags_override_the_scenario() {
    let a = without_timing(run_json(&["scenarios/null-efs-logrank.toml", "--replicates", "300", "--seed", "5"]));
    let b = without_timing(run_json(&["scenarios/null-efs-logrank.toml", "--replicates", "300", "--seed", "6"]));
    assert_eq!(a["seed"], 5);
    assert_ne!(a, b);
}

#[test]
fn a_shard_reports_itself_incomplete() {
    let v = run_json(&["scenarios/null-efs-logrank.toml", "--replicates", "300", "--shard", "2/3"]);
    assert_eq!(v["complete"], false);
    assert_eq!(v["replicates"], 100);
}

#[test]
fn bad_run_flags_exit_2() {
    for args in [
        vec!["--shard", "0/3"],
        vec!["--shard", "4/3"],
        vec!["--shard", "x"],
        vec!["--replicates", "0"],
        vec!["--threads", "0"],
    ] {
        let out = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["run", "scenarios/null-efs-logrank.toml"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn out_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let out = crate::helpers::peritrial()
        .args(["run", "scenarios/ascites-dcr-single-arm.toml", "--replicates", "100", "--format", "json", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["replicates"], 100);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

/// The report text without its `timing` key.
fn text_without_timing(path: &std::path::Path) -> String {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_string_pretty(&without_timing(v)).unwrap()
}

#[test]
fn merged_shards_equal_a_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for scenario in ["scenarios/colorectal-adjuvant.toml", "scenarios/gastric-adjuvant.toml"] {
        let mut parts = Vec::new();
        for (k, threads) in [(1, "1"), (2, "2"), (3, "1"), (4, "2")] {
            let path = dir.path().join(format!("part{k}.json"));
            let out = Command::cargo_bin("peritrial")
                .unwrap()
                .args([
                    "run",
                    scenario,
                    "--replicates",
                    "2001",
                    "--quiet",
                    "--format",
                    "json",
                    "--threads",
                    threads,
                    "--shard",
                    &format!("{k}/4"),
                    "--force",
                    "--out",
                ])
                .arg(&path)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            parts.push(path);
        }
        parts.reverse(); // order on the command line does not matter
        let merged = dir.path().join("merged.json");
        let out = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["merge", "--format", "json"])
            .args(&parts)
            .args(["--force", "--out"])
            .arg(&merged)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let single = dir.path().join("single.json");
        let out = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["run", scenario, "--replicates", "2001", "--quiet", "--format", "json", "--force", "--out"])
            .arg(&single)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(text_without_timing(&merged), text_without_timing(&single), "{scenario}");
        // A missing shard in the middle is bad input (parts are 4, 3, 2, 1: leave out 3).
        let gap = [parts[0].clone(), parts[2].clone(), parts[3].clone()];
        let out = crate::helpers::peritrial().args(["merge", "--format", "json"]).args(&gap).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("are missing"));
    }
}

/// Beyond the exact limit (100,000 values) the quantiles come from a sketch: shards small
/// enough to keep their values merge into the same sketch a single run builds, and the report
/// says that its quantiles are sketched.
#[test]
fn shards_merge_into_the_single_runs_sketch_beyond_the_exact_limit() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "scenarios/pm-orr-simon.toml";
    let run = |extra: &[&str], path: &std::path::Path| {
        let out = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["run", scenario, "--replicates", "120000", "--quiet", "--format", "json", "--force"])
            .args(extra)
            .arg("--out")
            .arg(path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let parts: Vec<_> = (1..=3).map(|k| dir.path().join(format!("part{k}.json"))).collect();
    for (k, p) in parts.iter().enumerate() {
        run(&["--shard", &format!("{}/3", k + 1)], p);
        let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        assert!(v["warnings"].as_array().unwrap().iter().all(|w| !w.as_str().unwrap().contains("sketch")));
    }
    let merged = dir.path().join("merged.json");
    let out = crate::helpers::peritrial()
        .args(["merge", "--format", "json"])
        .args(&parts)
        .args(["--force", "--out"])
        .arg(&merged)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let single = dir.path().join("single.json");
    run(&[], &single);
    assert_eq!(text_without_timing(&merged), text_without_timing(&single));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&single).unwrap()).unwrap();
    assert!(v["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("fixed-memory sketch")));
}

#[test]
fn assessment_schedule_shift_is_reported() {
    let v = run_json(&["scenarios/gastric-adjuvant.toml", "--replicates", "300"]);
    let efs = &v["endpoints"]["efs"]["estimate"];
    assert!(efs["mean_with_exact_event_times"].is_number());
    assert!(efs["shift_from_assessment_schedule"].is_number());
    // Death is observed exactly: the schedule cannot move the OS estimate.
    assert!(v["endpoints"]["os"]["estimate"]["shift_from_assessment_schedule"].as_f64().unwrap().abs() < 1e-9);
}

#[test]
fn sampled_trials_reanalysed_give_the_engines_statistics() {
    // Double programming: the engine's log-rank z for replicate i equals the one computed by
    // the statistics library on the patient-level data that `sample` writes for trial i + 1.
    use peritrial::analyze::{Plan, Scratch, field};
    use peritrial::simulate::{SimBuffers, Simulator, Trial};
    let dir = tempfile::tempdir().unwrap();
    for scenario in ["scenarios/two-arm-efs-logrank.toml", "scenarios/gastric-adjuvant.toml"] {
        let out = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["sample", scenario, "--trials", "3", "--per-trial", "--force", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let s = peritrial::scenario::load(std::path::Path::new(scenario), &[]).unwrap();
        let (sim, plan) = (Simulator::new(&s), Plan::new(&s));
        for i in 0..3u64 {
            let mut trial = Trial::default();
            sim.simulate_trial(i, &mut SimBuffers::default(), &mut trial);
            let mut record = vec![0.0; plan.layout.stride];
            plan.analyze(&trial, &mut Scratch::default(), &mut record);
            let z_engine = record[plan.layout.endpoint[0] + field::Z];
            let text = std::fs::read_to_string(dir.path().join(format!("trial_{:05}_efs.csv", i + 1))).unwrap();
            let mut lines = text.lines();
            let head: Vec<&str> = lines.next().unwrap().split(',').collect();
            let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
            let (ct, cs, ca) = (col("time"), col("status"), col("arm"));
            let obs: Vec<peritrial::stats::Obs> = lines
                .filter_map(|l| {
                    let c: Vec<&str> = l.split(',').collect();
                    if c[ct].is_empty() {
                        return None;
                    }
                    Some(peritrial::stats::Obs {
                        time: c[ct].parse().unwrap(),
                        status: (c[cs] == "1") as u8, // competing events count as censored
                        arm: (c[ca] == "1") as u8,
                        stratum: 0,
                    })
                })
                .collect();
            let a = peritrial::stats::trial::analyze(&obs, &[], 36.0);
            assert!((a.logrank.z - z_engine).abs() < 1e-9, "{scenario} trial {}: {} vs {z_engine}", i + 1, a.logrank.z);
        }
    }
}

#[test]
fn safety_endpoints_report_rates_exact_intervals_and_serious_events() {
    let v = run_json(&["scenarios/safety-24h.toml", "--replicates", "2000"]);
    let pain = &v["endpoints"]["pain"];
    assert!(pain["power"].is_null());
    let rate = pain["estimate"]["mean"].as_f64().unwrap();
    let (lo, hi) = (
        pain["exact_interval"]["mean_lower"].as_f64().unwrap(),
        pain["exact_interval"]["mean_upper"].as_f64().unwrap(),
    );
    assert!(lo < rate && rate < hi);
    // 60 patients, grade >= 3 pain with probability 0.421 × 0.05 each: P(at least one) =
    // 1 − (1 − 0.02105)^60 = 0.7209; within 4 MCSE.
    let p = pain["p_any_grade3"].as_f64().unwrap();
    let want = 1.0 - (1.0f64 - 0.421 * 0.05).powi(60);
    assert!((p - want).abs() < 4.0 * (want * (1.0 - want) / 2000.0).sqrt(), "{p} vs {want}");
}

/// Shards may run on machines whose CPUs differ: glibc then picks other versions of exp, log
/// and pow (FMA, AVX, SSE2). The report must not change. GLIBC_TUNABLES makes this machine use
/// the SSE2 versions (ignored where the C library is not glibc); frailty (gamma draws), Weibull
/// and cure fractions, and the analyses, all go through those routines.
#[test]
fn reports_do_not_depend_on_the_cpus_math_routines() {
    let dir = tempfile::tempdir().unwrap();
    for scenario in ["scenarios/mixed-stratified.toml", "scenarios/gastric-delayed-effect-cure.toml"] {
        let run = |name: &str, tunables: Option<&str>| {
            let path = dir.path().join(name);
            let mut cmd = crate::helpers::peritrial();
            cmd.args(["run", scenario, "--replicates", "300", "--quiet", "--format", "json", "--force", "--out"])
                .arg(&path);
            if let Some(t) = tunables {
                cmd.env("GLIBC_TUNABLES", t);
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            text_without_timing(&path)
        };
        let native = run("native.json", None);
        let sse2 = run(
            "sse2.json",
            Some("glibc.cpu.hwcaps=-AVX2_Usable,-FMA_Usable,-AVX2,-FMA,-AVX,-AVX_Usable,-FMA4,-AVX512F"),
        );
        assert_eq!(native, sse2, "{scenario}");
    }
}

/// A MaxCombo endpoint analysed once at the end of a two-look design is compared with the last
/// look's boundary, not with its α: the engine's shortcuts (Bonferroni bracket, coarse
/// integration) must give the decision that the p-value computed by the statistics library
/// (8 × 2^14 lattice points) on the same data gives.
#[test]
fn maxcombo_decisions_match_the_precise_p_value() {
    use peritrial::analyze::{Plan, Scratch, field, global};
    use peritrial::cut::{TteSpec, observe};
    use peritrial::simulate::{SimBuffers, Simulator, Trial};
    use peritrial::stats::{Obs, RiskTable, maxcombo, normal, sort_by_stratum_time};
    let sets = ["analysis.looks=[0.5, 1.0]".to_string()];
    let s =
        peritrial::scenario::load(std::path::Path::new("scenarios/gastric-delayed-effect-cure.toml"), &sets).unwrap();
    let e = s.endpoints().iter().position(|e| e.name == "efs_maxcombo").unwrap();
    let spec = TteSpec::new(&s, &s.endpoints()[e].kind).unwrap();
    let (sim, plan) = (Simulator::new(&s), Plan::new(&s));
    let (t, c) = (s.endpoints()[e].treatment, s.endpoints()[e].control.unwrap());
    let last = *peritrial::stats::spending::boundaries(s.analysis().spending, 0.025, &[0.5, 1.0]).last().unwrap();
    let mut near = 0;
    for i in 0..400u64 {
        let mut trial = Trial::default();
        sim.simulate_trial(i, &mut SimBuffers::default(), &mut trial);
        let mut record = vec![0.0; plan.layout.stride];
        plan.analyze(&trial, &mut Scratch::default(), &mut record);
        let month = record[global::CUT_MONTH];
        let mut obs: Vec<Obs> = trial
            .patients
            .iter()
            .filter(|p| p.arm as usize == t || p.arm as usize == c)
            .filter_map(|p| {
                observe(p, spec.outcome(p, s.assessments()), month).map(|(time, status)| Obs {
                    time,
                    status,
                    arm: (p.arm as usize == t) as u8,
                    stratum: 0,
                })
            })
            .collect();
        sort_by_stratum_time(&mut obs);
        let table = RiskTable::build(&obs, true);
        let level = normal::upper_tail(last);
        let lower = normal::upper_tail(maxcombo::test_with(&table, 0).z_max);
        let rejected = record[plan.layout.endpoint[e] + field::REJECTED] == 1.0;
        // Far from the level, the Bonferroni bracket decides: 1 − Φ(z_max) ≤ p ≤ 4(1 − Φ(z_max)).
        if lower > level || 4.0 * lower <= level / 4.0 {
            assert_eq!(rejected, lower <= level, "replicate {i}");
            continue;
        }
        let p = maxcombo::test_with(&table, 1 << 14).p_one_sided;
        if (p - level).abs() < 1e-4 {
            continue; // within the fine integration's own error of the level
        }
        near += 1;
        assert_eq!(rejected, p <= level, "replicate {i}: p {p}, level {level}");
    }
    // The check means something: many trials had p within the Bonferroni bracket of the level.
    assert!(near > 30, "{near}");
}

/// Provenance in every format: the JSON carries the version, seed, replicates, the effective
/// scenario and its SHA-256 (which is the SHA-256 of what `show` prints), and the execution
/// (command line, platform, date) beside `timing`; the CSV starts with a comment line and the
/// table ends with one saying the same.
#[test]
fn every_format_says_what_produced_it() {
    let args = ["scenarios/gastric-adjuvant.toml", "--replicates", "300", "--seed", "77"];
    let v = run_json(&args);
    let p = &v["provenance"];
    assert_eq!(p["peritrial"], env!("CARGO_PKG_VERSION"));
    assert_eq!((p["seed"].as_u64(), p["replicates"].as_u64()), (Some(77), Some(300)));
    let shown = crate::helpers::peritrial()
        .args(["show", "scenarios/gastric-adjuvant.toml", "--set", "study.replicates=300", "--set", "study.seed=77"])
        .output()
        .unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert_eq!(p["scenario_toml"].as_str().unwrap(), shown);
    assert_eq!(p["scenario_sha256"].as_str().unwrap(), peritrial::report::hash::sha256_hex(shown.as_bytes()));
    let e = &v["execution"];
    assert!(e["command"].as_array().unwrap().iter().any(|a| a == "--seed"));
    assert!(e["platform"].as_str().unwrap().contains('-'));
    assert!(e["date"].as_str().unwrap().ends_with('Z'));
    let line = format!(
        "peritrial {}, seed 77, 300 replicates, scenario sha256 {}",
        env!("CARGO_PKG_VERSION"),
        p["scenario_sha256"].as_str().unwrap()
    );
    for (format, first) in [("csv", true), ("table", false)] {
        let o = Command::cargo_bin("peritrial")
            .unwrap()
            .arg("run")
            .args(args)
            .args(["--quiet", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8(o.stdout).unwrap();
        if first {
            assert_eq!(text.lines().next().unwrap(), format!("# {line}"));
        } else {
            // The table splits the line in two, to fit 100 columns.
            let (version, sha) = line.split_once(", scenario sha256 ").unwrap();
            assert!(text.lines().any(|l| l == version), "{text}");
            assert!(text.lines().any(|l| l == format!("scenario sha256 {sha}")), "{text}");
        }
    }
}

/// `run --from REPORT.json` re-runs what produced a report (a whole run and a shard) and says
/// it is identical; a report whose numbers were edited is re-run and found to differ (exit 1);
/// one whose scenario was edited fails its checksum (exit 2).
#[test]
fn run_from_a_report_reproduces_it() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    let shard = dir.path().join("shard.json");
    let bin = || crate::helpers::peritrial();
    let base = ["run", "scenarios/three-endpoint-family.toml", "--replicates", "400", "--seed", "5", "--quiet"];
    assert!(bin().args(base).args(["--format", "json", "--out"]).arg(&whole).output().unwrap().status.success());
    assert!(bin().args(base).args(["--shard", "2/3", "--out"]).arg(&shard).output().unwrap().status.success());
    for report in [&whole, &shard] {
        let again = dir.path().join("again.json");
        let o = bin()
            .args(["run", "--quiet", "--format", "json", "--force", "--from"])
            .arg(report)
            .arg("--out")
            .arg(&again)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("identical to"));
        assert_eq!(text_without_timing(&again), text_without_timing(report));
    }
    let text = std::fs::read_to_string(&whole).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let rejections = v["endpoints"]["peritoneal_rfs"]["rejections"].as_u64().unwrap();
    let edited = dir.path().join("edited.json");
    std::fs::write(
        &edited,
        text.replacen(&format!("\"rejections\": {rejections},"), &format!("\"rejections\": {},", rejections + 1), 1),
    )
    .unwrap();
    let o = bin().args(["run", "--quiet", "--format", "json", "--from"]).arg(&edited).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("differs from"), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(&edited, text.replacen("sample_size = 900", "sample_size = 901", 1)).unwrap();
    let o = bin().args(["run", "--quiet", "--from"]).arg(&edited).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SHA-256"));
}

/// The table fits 100 columns for every scenario of the library; a design with looks gets the
/// per-look tables (information, events, stopping probabilities, cumulative power; both bounds
/// on the z, hazard-ratio and p scales with the planned cumulative alpha), whose numbers are
/// the JSON's.
#[test]
fn the_table_fits_100_columns_and_shows_each_look() {
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let o = Command::cargo_bin("peritrial")
            .unwrap()
            .arg("run")
            .arg(&path)
            .args(["--replicates", "200", "--quiet"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", path.display());
        let text = String::from_utf8(o.stdout).unwrap();
        for line in text.lines() {
            assert!(
                line.chars().count() <= 100,
                "{}: a line of {} columns: {line}",
                path.display(),
                line.chars().count()
            );
        }
    }
    let args = ["scenarios/three-endpoint-family.toml", "--replicates", "400"];
    let v = run_json(&args);
    let o = crate::helpers::peritrial().arg("run").args(args).arg("--quiet").output().unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("eff HR") && text.contains("fut HR") && text.contains("cum pow"), "{text}");
    let looks = v["endpoints"]["peritoneal_rfs"]["looks"].as_array().unwrap();
    let rows = |header: &str| -> Vec<&str> {
        let at = text.lines().position(|r| r.contains(header)).unwrap_or_else(|| panic!("no {header}: {text}"));
        text.lines().skip(at + 1).take(looks.len()).collect()
    };
    let (stops, bounds) = (rows("cum pow"), rows("eff HR"));
    for (k, l) in looks.iter().enumerate() {
        // Where the trials stop: the look, its information, ..., the cumulative power and the
        // median z of every trial at the look.
        let cells: Vec<&str> = stops[k].split_whitespace().collect();
        assert_eq!(cells[0], l["look"].to_string(), "{}", stops[k]);
        assert_eq!(cells[1], format!("{:.3}", l["information"].as_f64().unwrap()), "{}", stops[k]);
        assert_eq!(cells[cells.len() - 2], format!("{:.3}", l["cumulative_power"].as_f64().unwrap()), "{}", stops[k]);
        assert_eq!(
            cells[cells.len() - 1],
            format!("{:.2}", l["z_distribution"]["q500"].as_f64().unwrap()),
            "{}",
            stops[k]
        );
        // Both bounds: efficacy z and HR first, after the look.
        let cells: Vec<&str> = bounds[k].split_whitespace().collect();
        assert_eq!(cells[0], l["look"].to_string(), "{}", bounds[k]);
        assert_eq!(cells[1], format!("{:.3}", l["boundary_z"].as_f64().unwrap()), "{}", bounds[k]);
        assert_eq!(cells[2], format!("{:.3}", l["boundary_hazard_ratio"].as_f64().unwrap()), "{}", bounds[k]);
        // The hazard-ratio boundary is exp(-z (1 + r) / sqrt(r d)) with r = 1 at the look's mean events.
        let (z, d) = (l["boundary_z"].as_f64().unwrap(), l["events"].as_f64().unwrap());
        assert!((l["boundary_hazard_ratio"].as_f64().unwrap() - (-2.0 * z / d.sqrt()).exp()).abs() < 1e-12);
    }
    let last = looks.last().unwrap();
    assert_eq!(last["cumulative_power"], v["endpoints"]["peritoneal_rfs"]["power"]);
    assert_eq!(last["alpha_spent"].as_f64(), Some(0.025));
}

/// `run --null` runs the same virtual trials with every treatment effect at its null: its
/// rejections are exactly those of the scenario with the hazard ratio set to 1 by hand (the
/// same seed, so the same random numbers), its type I error sits at the level within its
/// exact interval, `--from` re-runs it, and a shard cannot carry it.
#[test]
fn run_null_reports_each_tests_type_one_error_on_the_same_trials() {
    let v = run_json(&["scenarios/two-arm-efs-logrank.toml", "--replicates", "4000", "--null"]);
    let t = &v["null"]["endpoints"]["efs"];
    let by_hand = run_json(&[
        "scenarios/two-arm-efs-logrank.toml",
        "--replicates",
        "4000",
        "--set",
        "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=1",
    ]);
    assert_eq!(t["rejections"], by_hand["endpoints"]["efs"]["rejections"]);
    let (lo, hi) = (t["ci"][0].as_f64().unwrap(), t["ci"][1].as_f64().unwrap());
    assert!(lo <= 0.025 && 0.025 <= hi, "type I error interval [{lo}, {hi}]");
    assert_eq!(t["verdict"], "at level");
    assert_eq!(t["level"], 0.025);
    // The power beside it is the run's own, untouched by the null run.
    let plain = run_json(&["scenarios/two-arm-efs-logrank.toml", "--replicates", "4000"]);
    assert_eq!(plain["endpoints"], v["endpoints"]);
    // A single-arm design's null is its null rate.
    let simon = run_json(&["scenarios/pm-orr-simon.toml", "--replicates", "2000", "--null"]);
    let what = simon["null"]["null"].as_array().unwrap();
    assert!(what.iter().any(|w| w.as_str().unwrap().contains("null rate 0.2")), "{what:?}");
    // --from re-runs what produced it, the null included.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    std::fs::write(&report, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let o = crate::helpers::peritrial()
        .args(["run", "--from"])
        .arg(&report)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("identical"));
    let o = crate::helpers::peritrial()
        .args(["run", "scenarios/two-arm-efs-logrank.toml", "--null", "--shard", "1/2", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
