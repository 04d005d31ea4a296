//! Running on a cluster: `--shard auto` from Slurm, Kubernetes and AWS Batch environments,
//! shard files named by index (a rerun replaces its own), `peritrial missing` on deleted,
//! damaged and foreign shards, the merge of shards written that way, and the Kubernetes
//! manifests (parsed, their shard counts agreeing). The real cluster is
//! scripts/slurm-smoke.sh (PERITRIAL_SLURM_TEST=1 runs it here).

use crate::helpers::report_without_timing as without_timing;
use assert_cmd::Command;
use serde_json::{Value, json};

const CANONICAL: &str = "scenarios/two-arm-efs-logrank.toml";

fn shard(dir: &std::path::Path, env: &[(&str, &str)], extra: &[&str]) -> std::process::Output {
    let mut c = crate::helpers::peritrial();
    c.args(["run", CANONICAL, "--replicates", "2000", "--shard", "auto", "--format", "json", "--quiet"]);
    c.args(extra).arg("--out").arg(dir);
    for v in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_MAX",
        "SLURM_ARRAY_TASK_COUNT",
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    ] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn missing(dir: &std::path::Path) -> (Option<i32>, String) {
    let o = crate::helpers::peritrial().arg("missing").arg(dir).args(["--shards", "4"]).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stdout).trim().to_string())
}

#[test]
fn shards_from_any_scheduler_are_named_by_index_found_missing_and_merged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Shard 1 from a Slurm array 1-4, 2 from an array 5-8 (task 6), 3 from Kubernetes (index 2),
    // 4 from AWS Batch (index 3).
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "1"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_MAX", "4"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ];
    for (env, extra) in [
        (&slurm[..], &[][..]),
        (&[("SLURM_ARRAY_TASK_ID", "6"), ("SLURM_ARRAY_TASK_MIN", "5"), ("SLURM_ARRAY_TASK_MAX", "8")][..], &[][..]),
        (&[("JOB_COMPLETION_INDEX", "2")][..], &["--shards", "4"][..]),
        (&[("AWS_BATCH_JOB_ARRAY_INDEX", "3")][..], &["--shards", "4"][..]),
    ] {
        let o = shard(d, env, extra);
        assert!(o.status.success(), "{env:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let mut names: Vec<String> =
        std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, (1..=4).map(|k| format!("shard-{k:05}-of-00004.json")).collect::<Vec<_>>());
    assert_eq!(missing(d), (Some(0), String::new()));
    // A rerun of a shard replaces its own file (idempotent), without --force.
    let o = shard(d, &slurm, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The shards merge into the single run.
    let parts: Vec<_> = names.iter().map(|n| d.join(n)).collect();
    let merged = d.join("..").join(format!("{}-merged.json", d.file_name().unwrap().to_string_lossy()));
    let o = crate::helpers::peritrial()
        .args(["merge", "--format", "json"])
        .args(&parts)
        .args(["--force", "--out"])
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let single = d.join("..").join(format!("{}-single.json", d.file_name().unwrap().to_string_lossy()));
    let o = crate::helpers::peritrial()
        .args(["run", CANONICAL, "--replicates", "2000", "--format", "json", "--quiet", "--force", "--out"])
        .arg(&single)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(without_timing(&merged), without_timing(&single));
    let _ = (std::fs::remove_file(&merged), std::fs::remove_file(&single));
    // Deleted (2), damaged (3: a count changed) and another run's (4: another seed) shards.
    std::fs::remove_file(d.join("shard-00002-of-00004.json")).unwrap();
    let three = d.join("shard-00003-of-00004.json");
    let text = std::fs::read_to_string(&three).unwrap();
    let at = text.find("\"state\"").unwrap();
    let (head, state) = text.split_at(at);
    std::fs::write(&three, format!("{head}{}", state.replacen("\"rejections\": ", "\"rejections\": 1", 1))).unwrap();
    let o = shard(d, &[("AWS_BATCH_JOB_ARRAY_INDEX", "3")], &["--shards", "4", "--seed", "7"]);
    assert!(o.status.success());
    assert_eq!(missing(d), (Some(1), "2-4".to_string()));
    // Resubmitted as the range says, shard by shard index (Slurm with --shards), all is well.
    for k in ["2", "3", "4"] {
        let o = shard(
            d,
            &[("SLURM_ARRAY_TASK_ID", k), ("SLURM_ARRAY_TASK_MIN", "2"), ("SLURM_ARRAY_TASK_MAX", "4")],
            &["--shards", "4"],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(missing(d), (Some(0), String::new()));
}

#[test]
fn shard_auto_without_a_scheduler_or_with_a_bad_index_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (env, extra, needle) in [
        (&[][..], &[][..], "no scheduler index"),
        (&[("JOB_COMPLETION_INDEX", "0")][..], &[][..], "--shards N"),
        (&[("JOB_COMPLETION_INDEX", "4")][..], &["--shards", "4"][..], "shard 5 of 4"),
        (&[("SLURM_ARRAY_TASK_ID", "x"), ("SLURM_ARRAY_TASK_COUNT", "4")][..], &[][..], "not a whole number"),
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_MIN", "2"),
                ("SLURM_ARRAY_TASK_MAX", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ][..],
            &[][..],
            "gaps",
        ),
    ] {
        let o = shard(dir.path(), env, extra);
        assert_eq!(o.status.code(), Some(2), "{env:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{env:?}: expected {needle:?} in {err}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_kubernetes_manifests_parse_and_agree_on_the_shards() {
    use yaml_rust2::YamlLoader;
    let load = |f: &str| {
        YamlLoader::load_from_str(&std::fs::read_to_string(format!("examples/kubernetes/{f}")).unwrap())
            .unwrap()
            .remove(0)
    };
    let job = load("shards-job.yaml");
    let spec = &job["spec"];
    assert_eq!(job["kind"].as_str(), Some("Job"));
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    assert!(spec["backoffLimitPerIndex"].as_i64().is_some());
    let completions = spec["completions"].as_i64().unwrap();
    let c = &spec["template"]["spec"]["containers"][0];
    let args: Vec<&str> = c["args"].as_vec().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    let at = |flag: &str| args[args.iter().position(|a| *a == flag).unwrap() + 1];
    assert_eq!(at("--shard"), "auto");
    assert_eq!(at("--shards").parse::<i64>().unwrap(), completions);
    let merge = load("merge-job.yaml");
    let script = merge["spec"]["template"]["spec"]["containers"][0]["args"][0].as_str().unwrap();
    assert!(
        script.contains(&format!("--shards {completions}")) && script.contains(&format!("-of-{completions:05}.json")),
        "{script}"
    );
}

/// The real one-node cluster (minutes: installs slurm-wlm and munge when absent).
#[test]
fn slurm_smoke_test_on_a_real_cluster() {
    if std::env::var("PERITRIAL_SLURM_TEST").as_deref() != Ok("1") {
        eprintln!("note: PERITRIAL_SLURM_TEST=1 runs scripts/slurm-smoke.sh on a one-node Slurm cluster");
        return;
    }
    let o = std::process::Command::new("scripts/slurm-smoke.sh").arg(env!("CARGO_BIN_EXE_peritrial")).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && out.contains("slurm smoke test passed"),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Sweep shards (`sweep --shard K/N`) merge into the single sweep's report byte for byte
/// outside `seconds` and `execution`, in any order; a missing, repeated or foreign shard is
/// refused.
#[test]
fn sweep_shards_merge_into_the_single_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vary = [
        "--vary",
        "enrollment.sample_size=400,500,600",
        "--vary",
        "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.7,0.8",
    ];
    let sweep = |extra: &[&str], out: &std::path::Path| {
        let o = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["sweep", CANONICAL, "--replicates", "300", "--quiet", "--format", "json", "--force"])
            .args(vary)
            .args(extra)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let parts: Vec<_> = (1..=4).map(|k| d.join(format!("s{k}.json"))).collect();
    for (k, p) in parts.iter().enumerate() {
        sweep(&["--shard", &format!("{}/4", k + 1)], p);
    }
    let single = d.join("single.json");
    sweep(&[], &single);
    let merge = |files: &[&std::path::PathBuf]| {
        crate::helpers::peritrial().arg("merge").args(files).args(["--format", "json"]).output().unwrap()
    };
    let o = merge(&[&parts[2], &parts[0], &parts[3], &parts[1]]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let strip = |mut v: Value| {
        let m = v.as_object_mut().unwrap();
        m.remove("seconds");
        m.remove("execution");
        serde_json::to_string_pretty(&v).unwrap()
    };
    let merged: Value = serde_json::from_slice(&o.stdout).unwrap();
    let whole: Value = serde_json::from_str(&std::fs::read_to_string(&single).unwrap()).unwrap();
    assert_eq!(merged["points"].as_array().unwrap().len(), 6);
    assert_eq!(strip(merged), strip(whole));
    for (files, needle) in [
        (vec![&parts[0], &parts[1], &parts[3]], "shard 3 of 4 is missing"),
        (vec![&parts[0], &parts[0], &parts[1], &parts[2], &parts[3]], "given twice"),
    ] {
        let o = merge(&files);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains(needle));
    }
    // A shard of another grid (another replicate count) is refused.
    let other = d.join("other.json");
    let o = crate::helpers::peritrial()
        .args(["sweep", CANONICAL, "--replicates", "301", "--quiet", "--format", "json", "--shard", "2/4", "--out"])
        .args([&other])
        .args(vary)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = merge(&[&parts[0], &other, &parts[2], &parts[3]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another sweep"));
}

/// Few points over many shards: each point's replicates are split across shards (2 points
/// over 5 shards, 3 points over 7), and the merge is the single sweep byte for byte outside
/// `seconds` and `execution`; every format of the merge (table, CSV, which render from the
/// points' rows) equals the same format rendered from the whole reports; the streamed JSON is
/// the serialisation of the report it holds.
#[test]
fn few_points_split_their_replicates_across_sweep_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = |vary: &str, extra: &[&str], out: &std::path::Path| {
        let o = Command::cargo_bin("peritrial")
            .unwrap()
            .args(["sweep", CANONICAL, "--replicates", "301", "--quiet", "--force", "--vary", vary])
            .args(extra)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let strip = |text: &str| {
        let mut v: Value = serde_json::from_str(text).unwrap();
        let m = v.as_object_mut().unwrap();
        m.remove("seconds");
        m.remove("execution");
        serde_json::to_string_pretty(&v).unwrap()
    };
    for (vary, n) in [("enrollment.sample_size=500,600", 5u64), ("enrollment.sample_size=450,500,600", 7)] {
        let mut parts = Vec::new();
        for k in 1..=n {
            let p = d.join(format!("part{k}.json"));
            sweep(vary, &["--format", "json", "--shard", &format!("{k}/{n}")], &p);
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            assert!(v["parts"].as_array().unwrap().len() <= 2, "a shard of few points holds pieces of at most two");
            parts.push(p);
        }
        let whole = d.join("whole.json");
        sweep(vary, &["--format", "json"], &whole);
        let whole_text = std::fs::read_to_string(&whole).unwrap();
        for format in ["json", "csv", "table"] {
            let o = Command::cargo_bin("peritrial")
                .unwrap()
                .arg("merge")
                .args(parts.iter().rev())
                .args(["--format", format])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let merged = String::from_utf8(o.stdout).unwrap();
            let full: peritrial::report::model::SweepReport = serde_json::from_str(&whole_text).unwrap();
            match format {
                "json" => {
                    assert_eq!(strip(&merged), strip(&whole_text), "{vary} over {n} shards");
                    // The streamed text is the report's own serialisation.
                    assert_eq!(serde_json::to_string_pretty(&full).unwrap() + "\n", whole_text);
                }
                f => {
                    let fmt = if f == "csv" {
                        peritrial::report::export::Format::Csv
                    } else {
                        peritrial::report::export::Format::Table
                    };
                    let from_reports =
                        peritrial::report::export::render(fmt, peritrial::report::export::Report::Sweep(&full));
                    // The table ends with the timing line; the CSV has none.
                    let body = |t: &str| t.lines().filter(|l| !l.contains(" s on ")).collect::<Vec<_>>().join("\n");
                    assert_eq!(body(&merged), body(&from_reports), "{f} of the merge vs of the whole reports");
                }
            }
        }
        for p in &parts {
            std::fs::remove_file(p).unwrap();
        }
    }
}

/// `sweep --shard auto --out DIR` names its shard by index; `missing` finds the deleted, the
/// damaged (a part's state edited) and the foreign (another grid) sweep shards, as an array
/// range; resubmitting those gives a folder that merges into the single sweep.
#[test]
fn missing_finds_deleted_and_damaged_sweep_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |task: &str, vary: &str| {
        let mut c = crate::helpers::peritrial();
        c.args(["sweep", CANONICAL, "--replicates", "200", "--quiet", "--format", "json", "--shard", "auto"])
            .args(["--shards", "4", "--vary", vary, "--out"])
            .arg(d)
            .env("SLURM_ARRAY_TASK_ID", task)
            .env_remove("SLURM_ARRAY_TASK_MIN")
            .env_remove("SLURM_ARRAY_TASK_MAX")
            .env_remove("SLURM_ARRAY_TASK_COUNT");
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let vary = "enrollment.sample_size=500,600,700";
    for k in 1..=4 {
        run(&k.to_string(), vary);
    }
    assert_eq!(missing(d), (Some(0), String::new()));
    let file = |k: u64| d.join(format!("shard-{k:05}-of-00004.json"));
    std::fs::remove_file(file(2)).unwrap();
    let text = std::fs::read_to_string(file(3)).unwrap();
    // Damage one count of a part's state (its checksum no longer holds).
    let damaged = text.replacen("\"rejections\":", "\"rejections\":1", 1);
    assert_ne!(damaged, text);
    std::fs::write(file(3), damaged).unwrap();
    assert_eq!(missing(d), (Some(1), "2-3".to_string()));
    // A shard of another grid.
    run("4", "enrollment.sample_size=500,600,800");
    assert_eq!(missing(d), (Some(1), "2-4".to_string()));
    for k in ["2", "3", "4"] {
        run(k, vary);
    }
    assert_eq!(missing(d), (Some(0), String::new()));
    let o =
        crate::helpers::peritrial().arg("merge").args((1..=4).map(file)).args(["--format", "csv"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let single = crate::helpers::peritrial()
        .args(["sweep", CANONICAL, "--replicates", "200", "--quiet", "--format", "csv", "--vary", vary])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&single.stdout));
    // A shard whose point labels were edited (its states untouched) is refused by merge.
    let text = std::fs::read_to_string(file(1)).unwrap();
    let relabelled = text.replacen("\"enrollment.sample_size\":\"500\"", "\"enrollment.sample_size\":\"550\"", 1);
    assert_ne!(relabelled, text);
    std::fs::write(file(1), relabelled).unwrap();
    let o = crate::helpers::peritrial().arg("merge").args((1..=4).map(file)).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("a shard was edited"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A `size` search run as a driver on a cluster would (examples/slurm/size-driver.sh): `--next`
/// names the evaluation the search needs and writes its scenario, which runs as 3 shards, is
/// merged and handed to `--record`; when `--next` says `done`, `--resume` gives the answer of
/// the search run on one machine, byte for byte outside `execution`. A shard, a report of
/// another seed and an interrupted-looking partial merge are refused by `--record`.
#[test]
fn a_size_search_runs_round_by_round_as_sharded_evaluations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ck = d.join("ck.json");
    let size = |extra: &[&std::ffi::OsStr]| {
        Command::cargo_bin("peritrial")
            .unwrap()
            .args(["size", CANONICAL, "--endpoint", "efs", "--target-power", "0.8", "--replicates", "400", "--quiet"])
            .args(extra)
            .output()
            .unwrap()
    };
    let peritrial = |args: &[&std::ffi::OsStr]| {
        let o = crate::helpers::peritrial().args(args).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 60, "the search does not end");
        let scenario = d.join(format!("eval{rounds}.toml"));
        let o = size(&["--checkpoint".as_ref(), ck.as_os_str(), "--next".as_ref(), scenario.as_os_str()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let next = String::from_utf8(o.stdout).unwrap();
        if next.trim() == "done" {
            break;
        }
        assert!(next.starts_with("next analysis.cut.events="), "{next}");
        let mut shards = Vec::new();
        for k in 1..=3 {
            let out = d.join(format!("eval{rounds}-{k}.json"));
            peritrial(&[
                "run".as_ref(),
                scenario.as_os_str(),
                "--shard".as_ref(),
                format!("{k}/3").as_ref(),
                "--format".as_ref(),
                "json".as_ref(),
                "--quiet".as_ref(),
                "--out".as_ref(),
                out.as_os_str(),
            ]);
            shards.push(out);
        }
        if rounds == 1 {
            // A shard is not an evaluation; the merge is.
            let o = size(&["--checkpoint".as_ref(), ck.as_os_str(), "--record".as_ref(), shards[0].as_os_str()]);
            assert_eq!(o.status.code(), Some(2));
            assert!(String::from_utf8_lossy(&o.stderr).contains("a shard, not the merged report"));
        }
        let merged = d.join(format!("eval{rounds}.json"));
        let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
        args.extend(shards.iter().map(|p| p.as_os_str()));
        args.extend(["--format".as_ref(), "json".as_ref(), "--out".as_ref(), merged.as_os_str()]);
        peritrial(&args);
        let o = size(&["--checkpoint".as_ref(), ck.as_os_str(), "--record".as_ref(), merged.as_os_str()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        if rounds == 1 {
            // The same evaluation with another seed is another search's.
            let other = d.join("other.json");
            let o = Command::cargo_bin("peritrial")
                .unwrap()
                .arg("run")
                .arg(&scenario)
                .args(["--seed", "5", "--format", "json", "--quiet", "--out"])
                .arg(&other)
                .output()
                .unwrap();
            assert!(o.status.success());
            let o = size(&["--checkpoint".as_ref(), ck.as_os_str(), "--record".as_ref(), other.as_os_str()]);
            assert_eq!(o.status.code(), Some(2));
            assert!(String::from_utf8_lossy(&o.stderr).contains("not a run of this search's evaluation"));
            // Issue 26, item 14: counts no run gives, or a report of another version, are refused
            // before they are recorded (they made the checkpoint unusable later).
            let v: Value = serde_json::from_slice(&std::fs::read(&merged).unwrap()).unwrap();
            for (what, edit, says) in [
                ("impossible counts", ("/endpoints/efs/rejections", json!(5000)), "counts no run gives"),
                ("another version", ("/provenance/peritrial", json!("0.0.9")), "a report of peritrial 0.0.9"),
            ] {
                let mut forged = v.clone();
                *forged.pointer_mut(edit.0).unwrap() = edit.1;
                let path = d.join("forged.json");
                std::fs::write(&path, serde_json::to_vec_pretty(&forged).unwrap()).unwrap();
                let o = size(&["--checkpoint".as_ref(), ck.as_os_str(), "--record".as_ref(), path.as_os_str()]);
                assert_eq!(o.status.code(), Some(2), "{what}");
                assert!(
                    String::from_utf8_lossy(&o.stderr).contains(says),
                    "{what}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }
    }
    assert!(rounds > 3, "a search of several rounds ({rounds})");
    let strip = |o: std::process::Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_object_mut().unwrap().remove("execution");
        v
    };
    let resumed = strip(size(&["--resume".as_ref(), ck.as_os_str(), "--format".as_ref(), "json".as_ref()]));
    let single = strip(size(&["--format".as_ref(), "json".as_ref()]));
    assert_eq!(resumed, single);
}
