//! The ADaM export: ADTTE as written today is the file R analysed
//! (tests/reference/make_adam_refs.R on tests/reference/data/adam/adtte.csv), and R's
//! `survdiff` on it gives each trial's own log-rank statistic (`trials.csv`) to 1e-9. The other
//! data sets hold one row per patient (ADSL) and what patients.csv says, in days.

use serde_json::Value;
use std::collections::HashMap;

fn read(path: &std::path::Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head = r.headers().unwrap().clone();
    (head, r.records().map(|x| x.unwrap()).collect())
}

#[test]
fn adtte_reproduces_each_trials_logrank_in_r() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::helpers::peritrial()
        .args(["sample", "scenarios/gastric-adjuvant.toml", "--trials", "2", "--set", "enrollment.sample_size=160"])
        .args(["--adam", "--reference-date", "2026-01-01", "--force", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read(dir.path().join("adtte.csv")).unwrap();
    let committed = std::fs::read("tests/reference/data/adam/adtte.csv").unwrap();
    assert!(written == committed, "ADTTE changed: regenerate tests/reference/data/adam and rerun make_adam_refs.R");
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/adam_refs.json").unwrap()).unwrap();
    let (head, rows) = read(&dir.path().join("trials.csv"));
    let col = |c: &str| head.iter().position(|h| h == c).unwrap_or_else(|| panic!("{c}"));
    let codes = [("EFS", "efs"), ("PFS", "pfs"), ("OS", "os"), ("REGIONAL", "regional_recurrence")];
    let mut checked = 0;
    for r in refs.as_array().unwrap() {
        let trial = r["trial"].as_u64().unwrap() as usize;
        let endpoint = codes.iter().find(|c| c.0 == r["paramcd"]).unwrap().1;
        let z: f64 = rows[trial - 1][col(&format!("{endpoint}_z"))].parse().unwrap();
        let events: f64 = rows[trial - 1][col(&format!("{endpoint}_events"))].parse().unwrap();
        let want = r["z"].as_f64().unwrap();
        assert!((z - want).abs() <= 1e-9 * want.abs().max(1.0), "trial {trial} {endpoint}: peritrial {z} vs R {want}");
        assert_eq!(events, r["events"].as_f64().unwrap(), "trial {trial} {endpoint} events");
        checked += 1;
    }
    assert_eq!(checked, 8);
    // ADSL: one row per patient randomised by the cut, unique USUBJID; ADTTE in days.
    let (ah, adsl) = read(&dir.path().join("adsl.csv"));
    let (ph, patients) = read(&dir.path().join("patients.csv"));
    let usubjid = ah.iter().position(|h| h == "USUBJID").unwrap();
    let ids: std::collections::HashSet<&str> = adsl.iter().map(|r| &r[usubjid]).collect();
    assert_eq!(ids.len(), adsl.len());
    assert!(adsl.len() <= patients.len() && !adsl.is_empty());
    let (th, adtte) = read(&dir.path().join("adtte.csv"));
    let t = |c: &str| th.iter().position(|h| h == c).unwrap();
    let p = |c: &str| ph.iter().position(|h| h == c).unwrap();
    let months: HashMap<(String, String), (f64, String)> = patients
        .iter()
        .filter(|r| !r[p("efs_time")].is_empty())
        .map(|r| {
            (
                (r[p("trial")].to_string(), r[p("patient")].to_string()),
                (r[p("efs_time")].parse().unwrap(), r[p("efs_status")].to_string()),
            )
        })
        .collect();
    let mut efs = 0;
    for r in adtte.iter().filter(|r| &r[t("PARAMCD")] == "EFS") {
        let patient = r[t("USUBJID")].rsplit('-').next().unwrap().trim_start_matches('0').to_string();
        let (m, status) = &months[&(r[t("TRIAL")].to_string(), patient)];
        let aval: f64 = r[t("AVAL")].parse().unwrap();
        assert!((aval - m * 365.25 / 12.0).abs() < 1e-9 * aval.max(1.0));
        assert_eq!(&r[t("CNSR")] == "0", status == "1");
        assert_eq!(&r[t("CRSKFL")] == "Y", status == "2");
        efs += 1;
    }
    assert_eq!(efs, months.len());
}
