//! Running on a cluster: `--shard auto` from Slurm, Kubernetes and AWS Batch environments,
//! shard files named by index (a rerun replaces its own), `peritrial missing` on deleted,
//! damaged and foreign shards, the merge of shards written that way, and the Kubernetes
//! manifests (parsed, their shard counts agreeing). The real cluster is
//! scripts/slurm-smoke.sh (PERITRIAL_SLURM_TEST=1 runs it here).

use assert_cmd::Command;
use serde_json::Value;

const CANONICAL: &str = "scenarios/two-arm-efs-logrank.toml";

fn shard(dir: &std::path::Path, env: &[(&str, &str)], extra: &[&str]) -> std::process::Output {
    let mut c = Command::cargo_bin("peritrial").unwrap();
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
    let o = Command::cargo_bin("peritrial").unwrap().arg("missing").arg(dir).args(["--shards", "4"]).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn without_timing(path: &std::path::Path) -> Value {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let m = v.as_object_mut().unwrap();
    m.remove("timing");
    m.remove("execution");
    v
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
    let o = Command::cargo_bin("peritrial")
        .unwrap()
        .arg("merge")
        .args(&parts)
        .args(["--force", "--out"])
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let single = d.join("..").join(format!("{}-single.json", d.file_name().unwrap().to_string_lossy()));
    let o = Command::cargo_bin("peritrial")
        .unwrap()
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
        Command::cargo_bin("peritrial").unwrap().arg("merge").args(files).args(["--format", "json"]).output().unwrap()
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
    let o = Command::cargo_bin("peritrial")
        .unwrap()
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
