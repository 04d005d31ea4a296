//! The command line on good and malformed scenarios: exit codes, messages, no panics.

use assert_cmd::Command;
use std::io::Write;

const CANONICAL: &str = include_str!("../../scenarios/two-arm-efs-logrank.toml");

fn peritrial() -> Command {
    crate::helpers::peritrial()
}

/// Writes `text` to a temporary scenario file and runs `validate` on it.
fn validate_text(text: &[u8]) -> (i32, String) {
    let mut f = tempfile::Builder::new().suffix(".toml").tempfile().expect("temp file");
    f.write_all(text).expect("write");
    let out = peritrial().arg("validate").arg(f.path()).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic on input:\n{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

/// The canonical scenario with `from` replaced by `to` (which must occur).
fn canonical_with(from: &str, to: &str) -> String {
    assert!(CANONICAL.contains(from), "the canonical scenario has no {from:?}");
    CANONICAL.replacen(from, to, 1)
}

/// Asserts exit code 2 and that every `needles` occurs in the message.
fn assert_rejected(text: &str, needles: &[&str]) {
    let (code, stderr) = validate_text(text.as_bytes());
    assert_eq!(code, 2, "expected exit code 2; stderr:\n{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "expected {n:?} in the message:\n{stderr}");
    }
}

#[test]
fn every_shipped_scenario_validates() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios").unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 9, "the scenario library is incomplete");
    peritrial().arg("validate").args(&files).assert().success();
}

#[test]
fn show_applies_set_overrides() {
    let out = peritrial()
        .args(["show", "scenarios/two-arm-efs-logrank.toml", "--set", "enrollment.sample_size=400"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("sample_size = 400"), "{text}");
    assert!(!text.contains("sample_size = 600"), "{text}");
}

#[test]
fn show_output_validates_to_the_same_scenario() {
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        let first = peritrial().arg("show").arg(&path).output().unwrap();
        assert!(first.status.success(), "{}", path.display());
        let (code, stderr) = validate_text(&first.stdout);
        assert_eq!(code, 0, "{}: show output does not validate:\n{stderr}", path.display());
        let direct = peritrial::scenario::load(&path, &[]).unwrap();
        let again = peritrial::scenario::from_str(&String::from_utf8(first.stdout).unwrap(), "shown", &[]).unwrap();
        assert_eq!(direct, again, "{}", path.display());
    }
}

#[test]
fn set_with_an_unknown_path_names_the_nearest_valid_one() {
    let out = peritrial()
        .args(["show", "scenarios/two-arm-efs-logrank.toml", "--set", "enrollment.sample_sise=400"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("enrollment.sample_size"), "{err}");
}

#[test]
fn set_without_equals_sign_is_rejected() {
    let out = peritrial().args(["show", "scenarios/two-arm-efs-logrank.toml", "--set", "enrollment"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PATH=VALUE"));
}

#[test]
fn set_with_a_value_that_is_not_toml_is_rejected() {
    let out = peritrial()
        .args(["show", "scenarios/two-arm-efs-logrank.toml", "--set", "study.name=not quoted"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a TOML value"));
}

#[test]
fn set_with_an_out_of_range_value_names_the_set_argument() {
    let out = peritrial()
        .args(["show", "scenarios/two-arm-efs-logrank.toml", "--set", "cohorts.gastric.share=1.2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--set cohorts.gastric.share=1.2") && err.contains("(0, 1]"), "{err}");
}

#[test]
fn missing_file_is_bad_input() {
    peritrial().args(["validate", "no/such/file.toml"]).assert().code(2);
}

#[test]
fn validate_reports_every_error_not_only_the_first() {
    let text = canonical_with("replicates = 10000", "replicates = 0")
        .replace("allocation = 1 }\nrmhtnf", "allocation = -1 }\nrmhtnf")
        .replace("median_months = 24.0", "median_months = -24.0");
    let (code, stderr) = validate_text(text.as_bytes());
    assert_eq!(code, 2);
    assert!(stderr.contains("study.replicates"), "{stderr}");
    assert!(stderr.contains("arms.control.allocation"), "{stderr}");
    assert!(stderr.contains("median_months"), "{stderr}");
}

#[test]
fn bad_flags_exit_2() {
    peritrial().args(["run"]).assert().code(2);
    peritrial().args(["frobnicate"]).assert().code(2);
    peritrial().args(["simon", "--p0", "abc", "--p1", "0.4", "--alpha", "0.05", "--beta", "0.2"]).assert().code(2);
}

// ---- malformed scenarios: each is rejected with exit code 2 and a located message ----

#[test]
fn rejects_an_empty_file() {
    assert_rejected("", &["empty"]);
}

#[test]
fn rejects_whitespace_only() {
    assert_rejected("  \n\n # only a comment\n", &["study: missing", "arms: missing", "analysis: missing"]);
}

#[test]
fn rejects_binary_garbage() {
    let garbage: Vec<u8> = (0..512u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let (code, stderr) = validate_text(&garbage);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn rejects_a_syntax_error_with_its_line() {
    let text = canonical_with("sample_size = 600", "sample_size = = 600");
    assert_rejected(&text, &[":11:", "not valid TOML"]);
}

#[test]
fn rejects_an_unclosed_table_header() {
    assert_rejected(&canonical_with("[enrollment]", "[enrollment"), &["not valid TOML", ":10:"]);
}

#[test]
fn rejects_a_duplicate_key() {
    assert_rejected(&canonical_with("sample_size = 600", "sample_size = 600\nsample_size = 500"), &["not valid TOML"]);
}

#[test]
fn rejects_a_string_where_a_number_belongs() {
    assert_rejected(
        &canonical_with("sample_size = 600", "sample_size = \"600\""),
        &["enrollment.sample_size", "integer"],
    );
}

#[test]
fn rejects_a_float_sample_size() {
    assert_rejected(&canonical_with("sample_size = 600", "sample_size = 600.5"), &["enrollment.sample_size", ":11:"]);
}

#[test]
fn rejects_an_unknown_top_level_key() {
    assert_rejected(&format!("{CANONICAL}\n[randomisation]\nblocks = 4\n"), &["randomisation", "unknown key"]);
}

#[test]
fn rejects_an_unknown_key_with_a_suggestion() {
    assert_rejected(&canonical_with("median_months = 24.0", "median_month = 24.0"), &["median_month", "did you mean"]);
}

#[test]
fn rejects_a_share_above_one() {
    assert_rejected(&canonical_with("share = 1.0", "share = 1.2"), &["cohorts.gastric.share = 1.2", ":18:"]);
}

#[test]
fn rejects_shares_that_do_not_sum_to_one() {
    let text = canonical_with("share = 1.0", "share = 0.6")
        + "\n[cohorts.colorectal]\nshare = 0.3\n[cohorts.colorectal.events.peritoneal_metastasis]\ndistribution = \"exponential\"\nmedian_months = 30.0\n";
    assert_rejected(&text, &["sum to 1", "0.9"]);
}

#[test]
fn rejects_a_negative_median() {
    assert_rejected(&canonical_with("median_months = 24.0", "median_months = -24.0"), &["median_months = -24.0"]);
}

#[test]
fn rejects_nan() {
    assert_rejected(&canonical_with("median_months = 24.0", "median_months = nan"), &["finite"]);
}

#[test]
fn rejects_infinity() {
    assert_rejected(
        &canonical_with("hazard_per_month = 0.004", "hazard_per_month = inf"),
        &["dropout.hazard_per_month", "finite"],
    );
}

#[test]
fn rejects_a_huge_sample_size() {
    assert_rejected(
        &canonical_with("sample_size = 600", "sample_size = 9223372036854775807"),
        &["enrollment.sample_size"],
    );
}

#[test]
fn rejects_an_integer_too_large_for_toml() {
    assert_rejected(&canonical_with("sample_size = 600", "sample_size = 99999999999999999999999"), &["not valid TOML"]);
}

#[test]
fn rejects_a_huge_median() {
    assert_rejected(&canonical_with("median_months = 24.0", "median_months = 1e300"), &["median_months"]);
}

#[test]
fn rejects_a_negative_hazard_ratio() {
    assert_rejected(&canonical_with("rmhtnf = 0.7", "rmhtnf = -0.7"), &["hazard_ratio.rmhtnf", "greater than 0"]);
}

#[test]
fn rejects_a_hazard_ratio_for_an_arm_that_does_not_exist() {
    assert_rejected(&canonical_with("rmhtnf = 0.7", "rmhtnff = 0.7"), &["no arm \"rmhtnff\""]);
}

#[test]
fn rejects_a_dangling_event_name() {
    assert_rejected(
        &canonical_with("events = [\"peritoneal_metastasis\"]", "events = [\"peritoneal_metastasis\", \"death\"]"),
        &["endpoints.efs.events[1]", "no event \"death\""],
    );
}

#[test]
fn rejects_a_dangling_treatment_arm() {
    assert_rejected(
        &canonical_with("treatment = \"rmhtnf\"", "treatment = \"tnf\""),
        &["endpoints.efs.treatment", "no such arm"],
    );
}

#[test]
fn rejects_a_control_equal_to_treatment() {
    assert_rejected(
        &canonical_with("control = \"control\"", "control = \"rmhtnf\""),
        &["endpoints.efs.control", "differ"],
    );
}

#[test]
fn rejects_a_cut_on_an_unknown_endpoint() {
    assert_rejected(
        &canonical_with("cut = { endpoint = \"efs\"", "cut = { endpoint = \"pfs\""),
        &["analysis.cut.endpoint", "no endpoint"],
    );
}

#[test]
fn rejects_more_cut_events_than_patients() {
    assert_rejected(&canonical_with("events = 300", "events = 601"), &["analysis.cut.events", "sample_size = 600"]);
}

#[test]
fn rejects_empty_arms() {
    assert_rejected(
        &canonical_with("control = { allocation = 1 }\nrmhtnf = { allocation = 1 }\n", ""),
        &["arms", "at least one arm"],
    );
}

#[test]
fn rejects_a_zero_allocation() {
    assert_rejected(
        &canonical_with("control = { allocation = 1 }", "control = { allocation = 0 }"),
        &["arms.control.allocation"],
    );
}

#[test]
fn rejects_a_missing_section() {
    let text = canonical_with("[analysis]\ncut = { endpoint = \"efs\", events = 300 }\n", "");
    assert_rejected(&text, &["analysis: missing"]);
}

#[test]
fn rejects_an_unknown_distribution() {
    assert_rejected(&canonical_with("\"exponential\"", "\"lognormal\""), &["distribution = \"lognormal\"", "weibull"]);
}

#[test]
fn rejects_both_median_and_rate() {
    assert_rejected(
        &canonical_with("median_months = 24.0", "median_months = 24.0\nrate_per_month = 0.03"),
        &["exactly one of median_months and rate_per_month"],
    );
}

#[test]
fn rejects_an_alpha_out_of_range() {
    assert_rejected(&canonical_with("alpha = 0.025", "alpha = 1.5"), &["endpoints.efs.alpha = 1.5"]);
}

#[test]
fn rejects_looks_that_do_not_end_at_one() {
    assert_rejected(&format!("{CANONICAL}looks = [0.5, 0.8]\n"), &["analysis.looks", "end at 1.0"]);
}

#[test]
fn rejects_decreasing_piecewise_accrual() {
    assert_rejected(
        &canonical_with("accrual = { months = 24 }", "accrual = { rates = [[0, 10], [6, 30], [3, 5]] }"),
        &["enrollment.accrual.rates", "increase"],
    );
}

#[test]
fn rejects_a_piecewise_hazard_not_starting_at_zero() {
    let text = canonical_with(
        "distribution = \"exponential\"\nmedian_months = 24.0",
        "distribution = \"piecewise_exponential\"\nrates = [[1, 0.02], [12, 0.01]]",
    );
    assert_rejected(&text, &["rates", "month 0"]);
}

#[test]
fn rejects_a_weibull_without_shape() {
    assert_rejected(&canonical_with("\"exponential\"", "\"weibull\""), &["shape: missing"]);
}

#[test]
fn rejects_a_cure_fraction_of_one() {
    let text = canonical_with(
        "distribution = \"exponential\"\nmedian_months = 24.0",
        "distribution = \"cure\"\ncure_fraction = 1.0\nlatency = { distribution = \"exponential\", median_months = 12 }",
    );
    assert_rejected(&text, &["cure_fraction = 1.0", "[0, 1)"]);
}

#[test]
fn rejects_after_recurrence_on_an_event_other_than_death() {
    let text = canonical_with(
        "median_months = 24.0",
        "median_months = 24.0\nafter_recurrence = { distribution = \"exponential\", median_months = 10 }",
    );
    assert_rejected(&text, &["after_recurrence", "unknown key"]);
}

#[test]
fn rejects_a_wrongly_typed_table() {
    assert_rejected(
        &canonical_with("[dropout]\nhazard_per_month = 0.004", "[dropout]\nhazard_per_month = [0.004]"),
        &["dropout.hazard_per_month = [0.004]", "found an array"],
    );
}

#[test]
fn rejects_a_response_probability_above_one() {
    let text = std::fs::read_to_string("scenarios/ascites-dcr-single-arm.toml")
        .unwrap()
        .replace("rmhtnf = 0.30", "rmhtnf = 1.30");
    assert_rejected(&text, &["probability.rmhtnf = 1.3", "[0, 1]"]);
}

#[test]
fn rejects_a_binary_endpoint_with_a_dangling_response() {
    let text = std::fs::read_to_string("scenarios/ascites-dcr-single-arm.toml")
        .unwrap()
        .replace("response = \"ascites_control\"", "response = \"dcr\"");
    assert_rejected(&text, &["endpoints.dcr.response", "no response \"dcr\""]);
}

#[test]
fn rejects_an_inconsistent_simon_design() {
    let text = std::fs::read_to_string("scenarios/pm-orr-simon.toml")
        .unwrap()
        .replace("stage1_max_responses = 3", "stage1_max_responses = 13");
    assert_rejected(&text, &["endpoints.orr", "Simon"]);
}

#[test]
fn rejects_a_date_where_a_number_belongs() {
    assert_rejected(&canonical_with("seed = 20261126", "seed = 2026-11-26"), &["study.seed", "date-time"]);
}

#[test]
fn rejects_a_block_size_that_breaks_the_allocation() {
    let text = canonical_with("sample_size = 600", "sample_size = 600\nblock_size = 3");
    assert_rejected(&text, &["enrollment.block_size", "multiple of 2"]);
}

// ---- analyze on malformed data ----

fn analyze_text(text: &str) -> (i32, String) {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    let out = peritrial().args(["analyze", "--format", "json"]).arg(f.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn analyze_rejects_bad_csv_naming_the_line() {
    for (text, needle) in [
        ("", "empty"),
        ("time,status\n1,1\n", "has no column \"arm\""),
        ("time,status,arm\n1,1,0\n-2,1,1\n", ":3: time = -2"),
        ("time,status,arm\n1,x,0\n", ":2: status = \"x\""),
        ("time,status,arm\n1,-1,0\n", ":2: status = \"-1\""),
        ("time,status,arm\n1,1,0\nabc,1,1\n", ":3: time = \"abc\""),
        ("time,status,arm\n1,1,3\n", "arm labels \"3\""),
        ("time,status,arm\n1,1,0\n2,1,3\n", ":3: arm = \"3\": neither"),
        ("time,status,arm\n1,1\n", ":2: expected 3 columns"),
        ("time,status,arm\nnan,1,0\n", ":2: time = nan"),
        ("time,status,arm\n", "no patients"),
        ("time,status,arm,stratum\n1,1,0,\n", ":2: stratum is missing"),
    ] {
        let (code, stderr) = analyze_text(text);
        assert_eq!(code, 2, "{text:?}: {stderr}");
        assert!(stderr.contains(needle), "{text:?}: expected {needle:?} in {stderr}");
    }
}

#[test]
fn analyze_accepts_columns_in_any_order() {
    let (code, stderr) = analyze_text("arm,time,status\n0,1,1\n1,2,0\n0,3,1\n1,4,1\n");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn analyze_reports_an_empty_arm_as_not_estimable() {
    let (code, _) = analyze_text("time,status,arm\n1,1,0\n2,0,0\n3,1,0\n");
    assert_eq!(code, 0);
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(b"time,status,arm\n1,1,0\n2,0,0\n3,1,0\n").unwrap();
    let out = peritrial().args(["analyze", "--format", "json"]).arg(f.path()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["arms"]["1"]["n"], 0);
    assert!(v["arms"]["1"]["rmst36"].is_null() && v["arms"]["1"]["median"].is_null());
    assert_eq!(v["cox_efron"]["estimable"], false);
    // No p = 1 on one arm: the comparison is not estimable, and says why.
    assert_eq!(v["logrank"]["estimable"], false);
    assert!(v["logrank"]["p_value"].is_null());
}

/// Every command, flag and argument has a help text (a description, not only its default or
/// its choices).
#[test]
fn every_flag_and_argument_is_documented() {
    let commands = ["validate", "show", "run", "analyze", "size", "sweep", "sample", "merge", "simon", "verify"];
    let mut missing = Vec::new();
    for c in commands {
        let o = crate::helpers::peritrial().args([c, "--help"]).output().unwrap();
        let text = String::from_utf8(o.stdout).unwrap();
        let mut in_list = false;
        for line in text.lines() {
            if line.starts_with("Arguments:") || line.starts_with("Options:") {
                in_list = true;
                continue;
            }
            if !in_list || !line.starts_with("  ") || line.trim_start().starts_with("-h, --help") {
                continue;
            }
            let t = line.trim_start();
            if !(t.starts_with('-') || t.starts_with('<') || t.starts_with('[')) {
                continue; // a wrapped description
            }
            // The flag (with its value name), then two spaces, then the description.
            let description = t.split_once("  ").map_or("", |(_, d)| d.trim());
            if description.is_empty() || description.starts_with('[') {
                missing.push(format!("{c}: {t}"));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented:\n{}", missing.join("\n"));
}

/// README's language table lists every kind, every test and every key each reads, and every
/// multiplicity method, from the tables validation reads (so it cannot drift from them).
#[test]
fn the_readme_language_table_lists_the_vocabulary() {
    use peritrial::scenario::{BinaryTest, EndpointKind, MultiplicityMethod, TimeToEventTest};
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme.find("## The scenario language in brief").unwrap();
    let table = &readme[start..start + readme[start..].find("\n## ").unwrap_or(readme.len() - start)];
    let mut words: Vec<&str> = Vec::new();
    words.extend(EndpointKind::NAMES);
    words.extend(EndpointKind::KEYS.iter().flat_map(|k| k.iter().copied()));
    words.extend(TimeToEventTest::NAMES);
    words.extend(TimeToEventTest::KEYS.iter().flat_map(|k| k.iter().copied()));
    words.extend(BinaryTest::NAMES);
    words.extend(BinaryTest::KEYS.iter().flat_map(|k| k.iter().copied()));
    words.extend(MultiplicityMethod::NAMES);
    words.extend(MultiplicityMethod::KEYS.iter().flat_map(|k| k.iter().copied()));
    let missing: Vec<&str> = words
        .into_iter()
        .filter(|w| !table.contains(&format!("`{w}`")) && !table.contains(&format!("\"{w}\"")))
        .collect();
    assert!(missing.is_empty(), "README's language table does not list: {missing:?}");
}
