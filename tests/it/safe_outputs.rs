//! Outputs, interruption and resume through the real binary (issue: nothing lost, nothing
//! forged).

use assert_cmd::Command;
use serde_json::Value;
use std::process::Stdio;

const CANONICAL: &str = "scenarios/two-arm-efs-logrank.toml";
/// Slow enough (about 1 ms a trial) to be interrupted midway.
const SLOW: &str = "scenarios/three-endpoint-family.toml";

/// Waits until `file` exists (written atomically, so whole), with a generous deadline; fails
/// if the process ends first.
fn wait_for_file(file: &std::path::Path, child: &mut std::process::Child) {
    let began = std::time::Instant::now();
    while !file.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before {} appeared", file.display());
        }
        assert!(began.elapsed().as_secs() < 300, "{} did not appear within 300 s", file.display());
        std::thread::yield_now();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn bin() -> std::path::PathBuf {
    crate::helpers::binary()
}

fn without_timing(path: &std::path::Path) -> Value {
    crate::helpers::report_without_timing(path)
}

#[test]
fn an_existing_file_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    std::fs::write(&out, "precious").unwrap();
    let run = |force: bool| {
        let mut c = crate::helpers::peritrial();
        c.args(["run", CANONICAL, "--replicates", "50", "--quiet", "--format", "json", "--out"]).arg(&out);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let o = run(false);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists; add --force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    assert!(run(true).status.success());
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
    // No temporary file is left behind.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["r.json".to_string()]);
}

#[test]
fn special_files_are_written_in_place_and_missing_folders_named() {
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "50", "--quiet", "--out", "/dev/null"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = std::fs::metadata("/dev/null").unwrap();
    assert!(!m.is_file(), "/dev/null was replaced by a regular file");
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "50", "--quiet", "--out", "/nonexistent-dir/x.json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(
        "cannot write /nonexistent-dir/x.json: No such file or directory (the folder /nonexistent-dir does not exist)"
    ));
    // `--out -` is stdout.
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "50", "--quiet", "--out", "-", "--format", "json"])
        .output()
        .unwrap();
    assert!(serde_json::from_slice::<Value>(&o.stdout).is_ok());
}

#[test]
fn a_planted_symlink_at_the_target_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = dir.path().join("r.json");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "50", "--quiet", "--force", "--out"])
        .arg(&link)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn too_many_threads_are_refused() {
    let o = crate::helpers::peritrial().args(["run", CANONICAL, "--threads", "100000"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--threads 100000: expected at most"));
}

#[test]
fn sample_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.txt"), "x").unwrap();
    let o = crate::helpers::peritrial()
        .args(["sample", CANONICAL, "--trials", "1", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = crate::helpers::peritrial()
        .args(["sample", CANONICAL, "--trials", "1", "--force", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    // The data files have no comment lines (R and SAS read them as they are); the provenance
    // and the effective scenario are in provenance.txt.
    let index = std::fs::read_to_string(dir.path().join("trials.csv")).unwrap();
    assert!(index.starts_with("trial,cut_month,"), "{index}");
    let patients = std::fs::read_to_string(dir.path().join("patients.csv")).unwrap();
    assert!(patients.starts_with("trial,patient,cohort,arm,"), "{}", &patients[..200]);
    let provenance = std::fs::read_to_string(dir.path().join("provenance.txt")).unwrap();
    assert!(provenance.starts_with(&format!("peritrial {}, seed ", env!("CARGO_PKG_VERSION"))), "{provenance}");
    assert!(provenance.contains("[study]"), "{provenance}");
}

/// Starts a real run, interrupts it (SIGINT or SIGKILL) once its first checkpoint has been
/// written (an observable state, not a time: the run takes seconds, a checkpoint comes every
/// half second), resumes it from its checkpoint, and compares with an uninterrupted run.
fn interrupt_and_resume(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (ck, part, resumed, whole) = (
        dir.path().join("ck.json"),
        dir.path().join("part.json"),
        dir.path().join("resumed.json"),
        dir.path().join("whole.json"),
    );
    let args = ["run", SLOW, "--replicates", "6000", "--threads", "2", "--quiet", "--format", "json"];
    let mut child = std::process::Command::new(bin())
        .args(args)
        .arg("--checkpoint")
        .arg(&ck)
        .arg("--out")
        .arg(&part)
        .env("PERITRIAL_CHECKPOINT_SECONDS", "0.5")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_file(&ck, &mut child);
    assert!(std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(!status.success());
    if signal == "-INT" {
        // It stopped before the end and wrote the report of what it finished.
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&part).unwrap()).unwrap();
        assert_eq!(v["complete"], false);
        let after = v["interrupted"]["after"].as_u64().unwrap();
        assert!(after > 0 && after < 6000, "{after}");
        assert_eq!(v["replicates"], after);
    }
    assert!(ck.exists(), "no checkpoint was written");
    let o = std::process::Command::new(bin())
        .args(args)
        .arg("--resume")
        .arg(&ck)
        .arg("--out")
        .arg(&resumed)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = std::process::Command::new(bin()).args(args).arg("--out").arg(&whole).output().unwrap();
    assert!(o.status.success());
    assert_eq!(without_timing(&resumed), without_timing(&whole));
}

#[test]
fn sigint_midway_then_resume_gives_the_uninterrupted_report() {
    interrupt_and_resume("-INT");
}

#[test]
fn sigkill_then_resume_from_the_last_checkpoint_gives_the_uninterrupted_report() {
    interrupt_and_resume("-KILL");
}

#[test]
fn a_checkpoint_of_another_run_or_damaged_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ck = dir.path().join("ck.json");
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "300", "--quiet", "--checkpoint"])
        .arg(&ck)
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "300", "--seed", "7", "--quiet", "--resume"])
        .arg(&ck)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another scenario"));
    let text = std::fs::read_to_string(&ck).unwrap().replacen("\\\"rejections\\\":", "\\\"rejections\\\":1", 1);
    std::fs::write(&ck, text).unwrap();
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "300", "--quiet", "--resume"])
        .arg(&ck)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("checksum"), "{}", String::from_utf8_lossy(&o.stderr));
}

fn shards(dir: &std::path::Path, n: u64) -> Vec<std::path::PathBuf> {
    (1..=n)
        .map(|k| {
            let p = dir.join(format!("part{k}.json"));
            let o = Command::cargo_bin("peritrial")
                .unwrap()
                .args([
                    "run",
                    CANONICAL,
                    "--replicates",
                    "400",
                    "--quiet",
                    "--format",
                    "json",
                    "--shard",
                    &format!("{k}/{n}"),
                    "--out",
                ])
                .arg(&p)
                .output()
                .unwrap();
            assert!(o.status.success());
            p
        })
        .collect()
}

fn merge(parts: &[&std::path::Path], extra: &[&str]) -> std::process::Output {
    // JSON unless the test asks for another format (merge prints the table by default).
    let format: &[&str] = if extra.contains(&"--format") { &[] } else { &["--format", "json"] };
    crate::helpers::peritrial().arg("merge").args(format).args(parts).args(extra).output().unwrap()
}

#[test]
fn merge_refuses_damaged_impossible_missing_and_repeated_shards() {
    let dir = tempfile::tempdir().unwrap();
    let p = shards(dir.path(), 3);
    let all: Vec<&std::path::Path> = p.iter().map(|x| x.as_path()).collect();
    assert!(merge(&all, &[]).status.success());
    let err = |o: std::process::Output| {
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    // The last shard missing: refused, unless --allow-partial, and then the report says so.
    assert!(err(merge(&all[..2], &[])).contains("replicates 266..400 of 400 are missing"));
    let o = merge(&all[..2], &["--allow-partial"]);
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["complete"], false);
    assert!(v["warnings"][0].as_str().unwrap().contains("partial merge"));
    // Given twice.
    assert!(err(merge(&[all[0], all[0], all[1], all[2]], &[])).contains("overlap"));
    // A changed number without a new checksum.
    let text = std::fs::read_to_string(all[1]).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["shard"]["state"]["all_rejected"] = serde_json::json!(v["shard"]["state"]["all_rejected"].as_u64().unwrap() + 1);
    let damaged = dir.path().join("damaged.json");
    std::fs::write(&damaged, serde_json::to_string(&v).unwrap()).unwrap();
    assert!(err(merge(&[all[0], &damaged, all[2]], &[])).contains("checksum"));
    // Impossible counts with a matching checksum (forged): more rejections than replicates.
    v["shard"]["state"]["endpoints"][0]["rejections"] = serde_json::json!(10_000);
    v["shard"]["state_sha256"] = serde_json::json!(peritrial::report::shard::state_checksum(&v["shard"]["state"]));
    std::fs::write(&damaged, serde_json::to_string(&v).unwrap()).unwrap();
    assert!(err(merge(&[all[0], &damaged, all[2]], &[])).contains("more than the"));
    // A state of the wrong shape (one endpoint fewer than the scenario has): refused, no panic.
    v["shard"]["state"]["endpoints"] = serde_json::json!([]);
    v["shard"]["state_sha256"] = serde_json::json!(peritrial::report::shard::state_checksum(&v["shard"]["state"]));
    std::fs::write(&damaged, serde_json::to_string(&v).unwrap()).unwrap();
    assert!(err(merge(&[all[0], &damaged, all[2]], &[])).contains("endpoints"));
}

#[test]
fn seeds_beyond_the_languages_range_are_refused() {
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--seed", "18446744073709551615", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--seed 18446744073709551615: expected an integer from 0 to 9223372036854775807")
    );
}

#[test]
fn set_refuses_line_breaks_and_paths_through_missing_tables() {
    let o = crate::helpers::peritrial()
        .args(["validate", CANONICAL, "--set", "enrollment.sample_size=400\n# the rest"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line break"));
    let o = crate::helpers::peritrial()
        .args(["validate", CANONICAL, "--set", "cohorts.gastric.events.pm.median_months=20"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cohorts.gastric.events has no \"pm\" (it has peritoneal_metastasis)"), "{err}");
}

/// Locations come from a line index: right on long lines with multi-byte characters too.
#[test]
fn errors_in_a_large_scenario_are_located_exactly() {
    let base = std::fs::read_to_string(CANONICAL).unwrap();
    let pieces: Vec<String> = (0..20_000).map(|i| format!("[{}, 0.02]", i as f64 * 0.5)).collect();
    let text = base.replace(
        "distribution = \"exponential\"\nmedian_months = 24.0",
        &format!("distribution = \"piecewise_exponential\"\nrates = [{}, [10000.5, -1]] # é", pieces.join(", ")),
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.toml");
    std::fs::write(&f, &text).unwrap();
    let o = crate::helpers::peritrial().arg("validate").arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let line = text.lines().position(|l| l.starts_with("rates = [")).unwrap() + 1;
    let col = text.lines().nth(line - 1).unwrap().find("-1").unwrap() + 1;
    assert!(err.contains(&format!("big.toml:{line}:{col}:")), "expected line {line} column {col}: {err}");
}

/// Memory does not grow with the replicates: 2,000,000 trials peak within a few MB of
/// 20,000 (kept values would add 8 bytes per trial per quantity: 48 MB here), as the report's
/// `execution.peak_memory_bytes` says.
#[test]
fn memory_does_not_grow_with_the_replicates() {
    let peak = |r: &str| -> Option<u64> {
        let o = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["run", "scenarios/pm-orr-simon.toml", "--replicates", r, "--quiet", "--format", "json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["execution"]["peak_memory_bytes"].as_u64()
    };
    let (Some(small), Some(large)) = (peak("20000"), peak("2000000")) else {
        eprintln!("this system does not report peak memory; nothing to check");
        return;
    };
    assert!(large < small + 16_000_000, "peak {large} bytes at 2,000,000 trials against {small} at 20,000");
}

/// A sweep's memory grows by one row per grid point (about 3 KB), not by its reports (15 KB of
/// JSON each for this scenario, more in memory): 3,000 points of 2 trials against 300, the JSON
/// written to a file, grow the peak by less than 8 KB a point.
#[test]
fn sweep_memory_grows_by_one_row_per_point() {
    let dir = tempfile::tempdir().unwrap();
    let peak = |points: usize| -> Option<u64> {
        let values: Vec<String> = (0..points).map(|i| format!("{:.6}", 0.5 + 0.4 * i as f64 / points as f64)).collect();
        let out = dir.path().join(format!("sweep{points}.json"));
        let o = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["sweep", CANONICAL, "--replicates", "2", "--quiet", "--format", "json", "--vary"])
            .arg(format!("cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf={}", values.join(",")))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["points"].as_array().unwrap().len(), points);
        v["execution"]["peak_memory_bytes"].as_u64()
    };
    let (Some(small), Some(large)) = (peak(300), peak(3000)) else {
        eprintln!("this system does not report peak memory; nothing to check");
        return;
    };
    let per_point = large.saturating_sub(small) as f64 / 2700.0;
    eprintln!("peak {small} bytes at 300 points, {large} at 3,000: {per_point:.0} bytes a point");
    assert!(per_point < 8000.0, "{per_point:.0} bytes a point");
}

#[test]
fn sweep_refuses_a_path_given_twice_and_spending_lists_every_form() {
    let o = crate::helpers::peritrial()
        .args(["sweep", CANONICAL, "--vary", "enrollment.sample_size=400,500", "--vary", "enrollment.sample_size=600"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the same path is given twice"));
    let o = crate::helpers::peritrial()
        .args(["validate", CANONICAL, "--set", "analysis.spending=\"pocok\""])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("hwang_shih_decani"));
}

/// Ten million bad rows: the first 20 errors with their lines, the rest counted, in bounded
/// memory (the process runs under a 100 MB address-space limit; keeping every message would
/// take about a gigabyte).
#[test]
fn ten_million_bad_rows_give_the_first_twenty_errors_in_bounded_memory() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"time,status,arm\n").unwrap();
    for _ in 0..10_000_000 {
        f.write_all(b"x,1,0\n").unwrap();
    }
    f.into_inner().unwrap().sync_all().unwrap();
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 100000; exec {} analyze {}", bin().display(), path.display()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 21, "{err}");
    assert!(lines[0].ends_with("bad.csv:2: time = \"x\": expected a number"), "{}", lines[0]);
    assert!(lines[19].contains("bad.csv:21: time"), "{}", lines[19]);
    assert!(lines[20].ends_with("… and 9999980 more"), "{}", lines[20]);
}

/// RFC 4180: quoted fields (with commas and doubled quotes inside), CRLF line ends and a BOM.
#[test]
fn analyze_reads_rfc_4180_quoting() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.csv");
    let quoted = dir.path().join("quoted.csv");
    let mut a = String::from("time,status,arm,stratum\n");
    let mut b = String::from("\u{feff}\"time\",\"status\",\"arm\",\"stratum\"\r\n");
    for i in 0..60 {
        let (t, s, arm) = (1.0 + (i * 7 % 23) as f64, (i % 3 != 0) as u8, i % 2);
        a.push_str(&format!("{t},{s},{arm},{}\n", i % 2));
        b.push_str(&format!("\"{t}\",{s},\"{arm}\",{}\r\n", i % 2));
    }
    std::fs::write(&plain, a).unwrap();
    std::fs::write(&quoted, b).unwrap();
    let run = |p: &std::path::Path| {
        crate::helpers::peritrial().args(["analyze", "--format", "json"]).arg(p).output().unwrap()
    };
    let (x, y) = (run(&plain), run(&quoted));
    assert!(x.status.success() && y.status.success(), "{}", String::from_utf8_lossy(&y.stderr));
    assert_eq!(x.stdout, y.stdout);
    std::fs::write(&quoted, "time,status,arm\n\"1,5\",1,0\n\"a \"\"b\"\"\",1,0\n").unwrap();
    let e = run(&quoted);
    let err = String::from_utf8_lossy(&e.stderr);
    assert_eq!(e.status.code(), Some(2));
    assert!(err.contains(":2: time = \"1,5\": expected a number"), "{err}");
    assert!(err.contains(":3: time = \"a \\\"b\\\"\": expected a number"), "{err}");
}

/// Every independent error once, and none caused by another: a bad alpha of an endpoint does
/// not also make the multiplicity family's reference to it "no endpoint efs"; a bad test name
/// and a bad cohort both appear, each once.
#[test]
fn one_error_is_reported_once_without_cascades() {
    let errors = |sets: &[&str]| {
        let mut c = crate::helpers::peritrial();
        c.args(["validate", "scenarios/gastric-adjuvant.toml"]);
        for s in sets {
            c.args(["--set", s]);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).lines().map(str::to_string).collect::<Vec<String>>()
    };
    let e = errors(&["endpoints.efs.alpha=2"]);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].contains("endpoints.efs.alpha = 2"));
    let e = errors(&["endpoints.efs.test=\"nope\"", "arms.rmhtnf.allocation=0", "cohorts.gastric.share=2"]);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(e.iter().all(|l| !l.contains("there is no endpoint")), "{e:#?}");
    let e = errors(&["analysis.cut={ endpoint = \"efx\", events = 10 }"]);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].contains("the endpoints are efs, pfs, os, regional_recurrence"), "{e:#?}");
}

/// Installation qualification: `verify` re-runs the references, golden reports and a short
/// calibration, passes on a correct build, and writes its dated report with --out (never over
/// an existing file without --force).
#[test]
fn verify_qualifies_the_installation_and_writes_a_dated_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("iq.json");
    let o = crate::helpers::peritrial().args(["verify", "--format", "json", "--out"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["passed"], true);
    assert_eq!(v["peritrial"], env!("CARGO_PKG_VERSION"));
    assert!(v["date"].as_str().unwrap().starts_with("20"));
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 14);
    for c in checks {
        assert_eq!(c["passed"], true, "{c}");
        assert!(c["compared"].as_u64().unwrap() > 0, "{c}");
        assert!(c["tolerance"].as_str().is_some());
    }
    assert_eq!(serde_json::from_slice::<Value>(&o.stdout).unwrap()["checks"], v["checks"]);
    let again = crate::helpers::peritrial().args(["verify", "--out"]).arg(&out).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
}

/// `sweep --checkpoint` saves the reports of the finished grid points after each; interrupted
/// (a real SIGINT) it exits 1 and writes its output with the finished points only, marked
/// interrupted (issue 26, item 12: no finished work is lost), and `--resume` runs only the
/// points left, giving the same output as an uninterrupted sweep. A checkpoint of another
/// sweep is refused.
#[test]
fn an_interrupted_sweep_writes_its_finished_points_and_resumes_from_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let (ck, part, resumed, whole) = (
        dir.path().join("ck.json"),
        dir.path().join("part.csv"),
        dir.path().join("resumed.csv"),
        dir.path().join("whole.csv"),
    );
    let args = [
        "sweep",
        SLOW,
        "--replicates",
        "800",
        "--quiet",
        "--format",
        "csv",
        "--vary",
        "analysis.cut.events=150,200,250",
    ];
    let mut child = std::process::Command::new(bin())
        .args(args)
        .arg("--checkpoint")
        .arg(&ck)
        .arg("--out")
        .arg(&part)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first point's checkpoint, then interrupt.
    wait_for_file(&ck, &mut child);
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    // The journal: a header line and one line per finished point.
    let journal = std::fs::read_to_string(&ck).unwrap();
    let header: Value = serde_json::from_str(journal.lines().next().unwrap()).unwrap();
    assert_eq!(header["format"], "peritrial-sweep-checkpoint");
    let done = journal.lines().count() as u64 - 1;
    if done < 3 {
        assert_eq!(status.code(), Some(1));
        let text = std::fs::read_to_string(&part).unwrap();
        let note =
            format!("# INTERRUPTED: the sweep stopped after {done} of 3 grid points; these are the points finished");
        assert!(text.starts_with(&note), "{text}");
        // One row per endpoint of each finished point.
        let rows = text.lines().filter(|l| !l.starts_with('#')).count() as u64 - 1;
        assert!(rows.is_multiple_of(done.max(1)) && (rows == 0) == (done == 0), "{rows} rows for {done} points");
    }
    let o = std::process::Command::new(bin())
        .args(args)
        .arg("--resume")
        .arg(&ck)
        .arg("--out")
        .arg(&resumed)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = std::process::Command::new(bin()).args(args).arg("--out").arg(&whole).output().unwrap();
    assert!(o.status.success());
    assert_eq!(std::fs::read(&resumed).unwrap(), std::fs::read(&whole).unwrap());
    // Another grid: refused.
    let o = std::process::Command::new(bin())
        .args(["sweep", SLOW, "--replicates", "800", "--quiet", "--vary", "analysis.cut.events=150,200"])
        .arg("--resume")
        .arg(&ck)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a checkpoint of another sweep"));
}

/// The sweep journal: a resume after an append cut short (the last line half written) drops
/// that line, appends after the last sound one and gives the uninterrupted output; a damaged
/// line with another after it is refused, naming the line.
#[test]
fn a_sweep_journal_cut_short_resumes_and_a_damaged_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ck, out, whole) = (dir.path().join("ck.jsonl"), dir.path().join("out.csv"), dir.path().join("whole.csv"));
    let args = [
        "sweep",
        "scenarios/two-arm-efs-logrank.toml",
        "--replicates",
        "100",
        "--quiet",
        "--vary",
        "enrollment.sample_size=500,600,700",
    ];
    let run = |extra: &[&std::ffi::OsStr]| std::process::Command::new(bin()).args(args).args(extra).output().unwrap();
    let o = run(&["--checkpoint".as_ref(), ck.as_os_str(), "--out".as_ref(), whole.as_os_str()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let journal = std::fs::read_to_string(&ck).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines.len(), 4, "a header and a line per point");
    // Cut short in the third point's line.
    let cut = format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..lines[2].len() / 2]);
    std::fs::write(&ck, &cut).unwrap();
    let o = run(&[
        "--resume".as_ref(),
        ck.as_os_str(),
        "--checkpoint".as_ref(),
        ck.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&whole).unwrap());
    let again = std::fs::read_to_string(&ck).unwrap();
    assert_eq!(again.lines().count(), 4);
    assert_eq!(again.lines().nth(1), Some(lines[1]));
    // A damaged line before the last.
    let damaged = journal.replacen("\"point\":1", "\"point\":7", 1);
    assert_ne!(damaged, journal);
    std::fs::write(&ck, damaged).unwrap();
    let o = run(&["--resume".as_ref(), ck.as_os_str(), "--out".as_ref(), out.as_os_str(), "--force".as_ref()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 3 (grid point 2) is damaged"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `size` saves its finished evaluations (here after each one); interrupted by a real SIGINT
/// midway it exits 1 without an answer, and `--resume` runs only the evaluations left, giving
/// the answer of an uninterrupted search byte for byte. A checkpoint of another search (another
/// endpoint) is refused, and a checkpoint whose counts were edited fails its checksum.
#[test]
fn an_interrupted_size_search_resumes_from_its_last_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let (ck, part, resumed, whole) = (
        dir.path().join("ck.json"),
        dir.path().join("part.json"),
        dir.path().join("resumed.json"),
        dir.path().join("whole.json"),
    );
    let args = ["size", CANONICAL, "--endpoint", "efs", "--target-power", "0.8", "--quiet", "--format", "json"];
    let mut child = std::process::Command::new(bin())
        .args(args)
        .env("PERITRIAL_CHECKPOINT_SECONDS", "0")
        .arg("--checkpoint")
        .arg(&ck)
        .arg("--out")
        .arg(&part)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_file(&ck, &mut child);
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    let text = std::fs::read_to_string(&ck).unwrap();
    let ckv: Value = serde_json::from_str(&text).unwrap();
    let done = ckv["done"].as_u64().unwrap();
    assert!(done >= 1);
    if status.code() == Some(1) {
        assert!(!part.exists(), "an interrupted search wrote its answer");
    }
    let o = std::process::Command::new(bin())
        .args(args)
        .arg("--resume")
        .arg(&ck)
        .arg("--out")
        .arg(&resumed)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = std::process::Command::new(bin()).args(args).arg("--out").arg(&whole).output().unwrap();
    assert!(o.status.success());
    assert!(without_timing(&resumed) == without_timing(&whole), "the resumed answer differs (outside execution)");
    let answer: Value = serde_json::from_str(&std::fs::read_to_string(&whole).unwrap()).unwrap();
    assert!(answer["evaluations"].as_array().unwrap().len() as u64 > done, "the interruption came after the search");
    // Another endpoint's search: refused.
    let o = std::process::Command::new(bin())
        .args([
            "size",
            "scenarios/three-endpoint-family.toml",
            "--endpoint",
            "survival",
            "--target-power",
            "0.8",
            "--quiet",
        ])
        .arg("--resume")
        .arg(&ck)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a checkpoint of another search"));
    // Edited counts: the checksum fails.
    let forged = dir.path().join("forged.json");
    let rows = ckv["evaluations"].as_str().unwrap();
    let first: Vec<Vec<u64>> = serde_json::from_str(rows).unwrap();
    let edited = rows.replacen(
        &format!("[{},{},{}", first[0][0], first[0][1], first[0][2]),
        &format!("[{},{},{}", first[0][0], first[0][1], first[0][2] + 1),
        1,
    );
    std::fs::write(
        &forged,
        text.replace(&serde_json::to_string(rows).unwrap(), &serde_json::to_string(&edited).unwrap()),
    )
    .unwrap();
    let o = std::process::Command::new(bin()).args(args).arg("--resume").arg(&forged).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SHA-256"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A run whose calibration says it would take more than 24 h is refused before it starts,
/// with the estimate; --force overrides (not run here).
#[test]
fn a_run_that_would_take_days_is_refused_with_its_estimate() {
    let o = crate::helpers::peritrial()
        .args([
            "run",
            CANONICAL,
            "--replicates",
            "10000000",
            "--set",
            "enrollment.sample_size=1000000",
            "--quiet",
            "--out",
        ])
        .arg(tempfile::tempdir().unwrap().path().join("r.json"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("would take about") && err.contains("the limit is 24 h") && err.contains("--force"), "{err}");
    // A `size` search: its evaluations times the trials of each, measured at its start value.
    let o = crate::helpers::peritrial()
        .args(["size", CANONICAL, "--endpoint", "efs", "--target-power", "0.8", "--replicates", "5000000"])
        .args(["--set", "enrollment.sample_size=200000", "--set", "analysis.cut.events=1000"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the search would take about") && err.contains("evaluations") && err.contains("--force"),
        "{err}"
    );
}

/// A full disk is exit 1 naming the path and the cause, and leaves neither a partial file nor a
/// temporary one: /dev/full (a special file, written in place) always; a 4 KB tmpfs where this
/// test may mount one (root with CAP_SYS_ADMIN, as in CI containers), else that part is
/// reported as not run.
#[test]
fn a_full_disk_is_exit_1_and_leaves_no_partial_or_temporary_file() {
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "50", "--quiet", "--out", "/dev/full"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write /dev/full: No space left on device"));
    let dir = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4k", "tmpfs"])
        .arg(dir.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: cannot mount a tmpfs here; the full-filesystem part was not run");
        return;
    }
    let out = dir.path().join("trials");
    let o =
        crate::helpers::peritrial().args(["sample", CANONICAL, "--trials", "2", "--out"]).arg(&out).output().unwrap();
    let left: Vec<_> = std::fs::read_dir(&out).map(|d| d.map(|e| e.unwrap().file_name()).collect()).unwrap_or_default();
    let _ = std::process::Command::new("umount").arg(dir.path()).status();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left on device") && err.contains("patients.csv"), "{err}");
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// An allocation that fails (here under a 150 MB address-space limit) ends the run with exit 1
/// and a message, not an abort, and writes nothing.
#[test]
fn an_allocation_failure_is_exit_1_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v 150000; exec {} run {CANONICAL} --replicates 10 --set enrollment.sample_size=3000000 --force --quiet --out {}",
            bin().display(),
            out.display()
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error: out of memory (an allocation of"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "something was written");
}
