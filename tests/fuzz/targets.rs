//! The fuzz targets: each takes arbitrary bytes and must never panic (a panic is a crash to
//! AFL). Shared by the AFL harnesses in `fuzz/` (`cargo afl fuzz`, see fuzz/README.md) and by
//! `tests/fuzz.rs`, which replays the committed corpus and runs a short mutation loop in
//! `cargo test`.
#![allow(dead_code)]

use peritrial::{engine, report, scenario};

/// The canonical scenario the `--set` target overrides.
pub const CANONICAL: &str = include_str!("../../scenarios/two-arm-efs-logrank.toml");

/// Simulates and reports a few replicates of a scenario small enough to be quick.
fn exercise(s: &scenario::Scenario) {
    // Small trials only, and no design whose looks need the planning simulation (4,000
    // trials): a fuzzer needs executions in milliseconds.
    let planned = s.analysis().looks.count() > 1
        && (!matches!(s.analysis().cut, scenario::Cut::Events { .. }) || s.analysis().multiplicity.is_some());
    if s.enrollment().sample_size > 300 || s.endpoints().len() > 8 || planned {
        return;
    }
    let summary = engine::run(s, 0..2, |_| {});
    let r = report::model::RunReport::new(s, &summary, true);
    for f in [report::export::Format::Json, report::export::Format::Table, report::export::Format::Csv] {
        let _ = report::export::render(f, report::export::Report::Run(&r));
    }
}

/// The scenario reader and validator on arbitrary text; a valid scenario is shown, read back
/// (which must give the same scenario) and run.
pub fn scenario_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = scenario::from_str(&text, "fuzz.toml", &[]) {
        let shown = scenario::to_toml(&s);
        let back = scenario::from_str(&shown, "shown.toml", &[])
            .unwrap_or_else(|e| panic!("show printed a scenario that does not validate: {e}\n{shown}"));
        assert_eq!(scenario::to_toml(&back), shown, "show is not a fixed point");
        exercise(&s);
    }
}

/// `--set PATH=VALUE` overrides (one per line) of the canonical scenario.
pub fn set_overrides(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let sets: Vec<String> = text.split('\n').take(16).map(str::to_string).collect();
    if let Ok(s) = scenario::from_str(CANONICAL, "canonical.toml", &sets) {
        exercise(&s);
    }
}

/// The CSV reader of `analyze` (AFL's target: fast).
pub fn csv(data: &[u8]) {
    let _ = peritrial::data::parse_csv(&String::from_utf8_lossy(data), "fuzz.csv");
}

/// The CSV reader, then every analysis of `analyze` on what it read (about 0.2 s an input, in
/// MaxCombo's multivariate normal integral: replayed and mutated in `cargo test`, too slow for
/// AFL to explore).
pub fn analyze(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let columns = peritrial::data::Columns { by: Some("arm".into()), ..Default::default() };
    for cols in [peritrial::data::Columns::default(), columns] {
        if let Ok(groups) = peritrial::data::parse_with(&text, "fuzz.csv", &cols) {
            for (_, d) in &groups {
                let r = peritrial::stats::trial::analyze(&d.obs, &[12.0, 24.0, 36.0], 36.0);
                let _ = report::analyze::json(&r, d, &[12.0, 24.0, 36.0], 36.0);
            }
        }
    }
    let response = peritrial::data::Columns { response: Some("status".into()), ..Default::default() };
    if let Ok(groups) = peritrial::data::parse_with(&text, "fuzz.csv", &response) {
        let r = peritrial::stats::trial::responses(&groups[0].1.responses, Some(0.2));
        let _ = report::analyze::response_value(&r, &groups[0].1, Some(0.2), Some(-0.1));
    }
}

/// The shard reader of `merge`. The checksum is recomputed after mutation, so that the fuzzer
/// reaches the checks behind it (shape and counts against the scenario) and the merge.
pub fn shard(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text) else {
        let _ = report::shard::read_file(&text, "fuzz.json");
        return;
    };
    if let Some(sh) = v.get_mut("shard").and_then(|s| s.as_object_mut())
        && let Some(state) = sh.get("state")
    {
        let sum = report::shard::state_checksum(state);
        sh.insert("state_sha256".into(), sum.into());
    }
    let text = v.to_string();
    let Ok(f) = report::shard::read_file(&text, "fuzz.json") else { return };
    let Ok(s) = scenario::from_str(&f.toml, "shard scenario", &[]) else { return };
    if s.enrollment().sample_size > 300 {
        return;
    }
    let fresh = engine::run(&s, 0..0, |_| {});
    if report::shard::check_state(&f.state, &fresh, f.start..f.end).is_ok() {
        let mut merged = fresh.clone();
        merged.merge(&f.state);
        let r = report::model::RunReport::new(&s, &merged, false);
        let _ = report::export::render(report::export::Format::Table, report::export::Report::Run(&r));
    }
}

/// The sweep shard reader of `merge`: every part's checksum is recomputed after mutation, so
/// that the fuzzer reaches the range checks, the parts' states against their scenarios and the
/// reports built from them.
pub fn sweep_shard(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text) else { return };
    if let Some(parts) = v.get_mut("parts").and_then(|p| p.as_array_mut()) {
        for p in parts.iter_mut().filter_map(|p| p.as_object_mut()) {
            if let Some(state) = p.get("state") {
                let sum = report::shard::state_checksum(state);
                p.insert("state_sha256".into(), sum.into());
            }
        }
    }
    let Ok((_, parts)) = report::shard::read_sweep_shard(&v, true) else { return };
    for part in parts {
        let Ok(s) = scenario::from_str(&part.toml, "sweep shard scenario", &[]) else { continue };
        if s.enrollment().sample_size > 300 {
            continue;
        }
        let fresh = engine::run(&s, 0..0, |_| {});
        if report::shard::check_state(&part.state, &fresh, part.start..part.end).is_ok() {
            let mut merged = fresh.clone();
            merged.merge(&part.state);
            let r = report::model::RunReport::new(&s, &merged, false);
            let _ = report::export::render(report::export::Format::Csv, report::export::Report::Run(&r));
        }
    }
}

/// The targets by name (the corpus folders are named after them).
/// A fuzz target.
pub type Target = fn(&[u8]);

pub const TARGETS: &[(&str, Target)] = &[
    ("scenario", scenario_text),
    ("set", set_overrides),
    ("csv", csv),
    ("csv", analyze),
    ("shard", shard),
    ("sweep_shard", sweep_shard),
];
