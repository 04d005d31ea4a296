//! Checkpoints of a run (`--checkpoint FILE`, `--resume FILE`): the mergeable state of the
//! replicates finished so far (a prefix of the run's range), with the effective scenario, a
//! format version, the peritrial version and SHA-256 checksums of the scenario and of the
//! state, so that a resumed run refuses a checkpoint of another scenario, another version or
//! a damaged file. Resuming merges the checkpoint's state with the rest of the range; since a
//! summary depends only on the set of per-replicate values and exact sums, the final report is
//! byte-identical (outside `timing`) to an uninterrupted run.

use super::model::RunReport;
use super::shard::{read_state, state};
use crate::summary::Summary;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "peritrial-checkpoint";
pub const FORMAT_VERSION: u64 = 1;

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A checkpoint (of a run or of a sweep) is resumed only by the version that wrote it.
fn same_version(v: &Value, name: &str) -> Result<(), String> {
    if v["format_version"] != FORMAT_VERSION || v["peritrial"] != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "{name}: a checkpoint of peritrial {} (format {}); this is peritrial {} (format {FORMAT_VERSION}): resume with that version",
            v["peritrial"],
            v["format_version"],
            env!("CARGO_PKG_VERSION")
        ));
    }
    Ok(())
}

/// A checkpoint as JSON text.
pub fn write(scenario_toml: &str, start: u64, end: u64, done: u64, summary: &Summary) -> String {
    let st = state(summary);
    let st_text = serde_json::to_string(&st).expect("JSON values serialise");
    let v = json!({
        "format": FORMAT, "format_version": FORMAT_VERSION, "peritrial": env!("CARGO_PKG_VERSION"),
        "scenario_sha256": sha256_hex(scenario_toml.as_bytes()), "scenario_toml": scenario_toml,
        "start": start, "end": end, "done": done,
        "state_sha256": sha256_hex(st_text.as_bytes()), "state": st_text,
    });
    serde_json::to_string_pretty(&v).expect("JSON values serialise") + "\n"
}

/// What a checkpoint holds: the replicates done from `start` and their summary.
pub struct Checkpoint {
    pub start: u64,
    pub end: u64,
    pub done: u64,
    pub summary: Summary,
}

/// Reads a checkpoint and checks it belongs to this run (same scenario, range, version).
pub fn read(text: &str, name: &str, scenario_toml: &str, start: u64, end: u64) -> Result<Checkpoint, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("{name}:{}:{}: not a checkpoint (not JSON: {e})", e.line(), e.column()))?;
    if v["format"] != FORMAT {
        return Err(format!("{name}: not a peritrial checkpoint"));
    }
    same_version(&v, name)?;
    if v["scenario_sha256"] != sha256_hex(scenario_toml.as_bytes()).as_str() || v["scenario_toml"] != scenario_toml {
        return Err(format!("{name}: a checkpoint of another scenario, seed or replicate count"));
    }
    let st_text = v["state"].as_str().ok_or_else(|| format!("{name}: the checkpoint has no state"))?;
    if v["state_sha256"] != sha256_hex(st_text.as_bytes()).as_str() {
        return Err(format!("{name}: the checkpoint's state fails its SHA-256 checksum (the file is damaged)"));
    }
    let (s0, e0, done) = (v["start"].as_u64(), v["end"].as_u64(), v["done"].as_u64());
    if (s0, e0) != (Some(start), Some(end)) {
        return Err(format!("{name}: a checkpoint of replicates {:?}..{:?}, not of this run's {start}..{end}", s0, e0));
    }
    let done =
        done.filter(|&d| d <= end - start).ok_or_else(|| format!("{name}: done is not a count within the range"))?;
    let st: Value = serde_json::from_str(st_text).map_err(|e| format!("{name}: the state is not JSON: {e}"))?;
    let summary = read_state(&st).map_err(|e| format!("{name}: {e}"))?;
    if summary.replicates != done {
        return Err(format!(
            "{name}: the state holds {} replicates, not the {done} the checkpoint says",
            summary.replicates
        ));
    }
    Ok(Checkpoint { start, end, done, summary })
}

pub const SWEEP_FORMAT: &str = "peritrial-sweep-checkpoint";

/// The checksum of a sweep's definition: every grid point's effective scenario, in order.
pub fn sweep_sha256(point_tomls: &[String]) -> String {
    sha256_hex(point_tomls.join("\0").as_bytes())
}

/// A sweep checkpoint: the reports of the grid points finished so far (the first `rows.len()`).
pub fn sweep_write(point_tomls: &[String], rows: &[RunReport]) -> String {
    let rows_text = serde_json::to_string(rows).expect("JSON values serialise");
    let v = json!({
        "format": SWEEP_FORMAT, "format_version": FORMAT_VERSION, "peritrial": env!("CARGO_PKG_VERSION"),
        "sweep_sha256": sweep_sha256(point_tomls), "points": point_tomls.len(), "done": rows.len(),
        "rows_sha256": sha256_hex(rows_text.as_bytes()), "rows": rows_text,
    });
    serde_json::to_string_pretty(&v).expect("JSON values serialise") + "\n"
}

/// Reads a sweep checkpoint and checks it belongs to this sweep (same grid of scenarios,
/// version); returns the reports of the points it finished.
pub fn sweep_read(text: &str, name: &str, point_tomls: &[String]) -> Result<Vec<RunReport>, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("{name}:{}:{}: not a checkpoint (not JSON: {e})", e.line(), e.column()))?;
    if v["format"] != SWEEP_FORMAT {
        return Err(format!("{name}: not a peritrial sweep checkpoint"));
    }
    same_version(&v, name)?;
    if v["sweep_sha256"] != sweep_sha256(point_tomls).as_str() || v["points"] != point_tomls.len() {
        return Err(format!("{name}: a checkpoint of another sweep (other grid, scenario, seed or replicates)"));
    }
    let rows_text = v["rows"].as_str().ok_or_else(|| format!("{name}: the checkpoint has no rows"))?;
    if v["rows_sha256"] != sha256_hex(rows_text.as_bytes()).as_str() {
        return Err(format!("{name}: the checkpoint's rows fail their SHA-256 checksum (the file is damaged)"));
    }
    let rows: Vec<RunReport> =
        serde_json::from_str(rows_text).map_err(|e| format!("{name}: the rows are not reports: {e}"))?;
    if rows.len() > point_tomls.len() || v["done"] != rows.len() {
        return Err(format!("{name}: done is not a count of the sweep's points"));
    }
    Ok(rows)
}

pub const SIZE_FORMAT: &str = "peritrial-size-checkpoint";

/// One finished evaluation of a `size` search: the value, its trials, the trials that
/// rejected and those that missed an event target. Counts, not shares, so that a resumed
/// search divides exactly as the uninterrupted one did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeEvaluation {
    pub value: u64,
    pub replicates: u64,
    pub rejections: u64,
    pub missed: u64,
}

/// What an evaluation depends on: the effective scenario (seed included), the varied path and
/// the endpoint. Not the target power: an evaluation is the same whatever the search seeks.
pub fn size_sha256(scenario_toml: &str, path: &str, endpoint: &str) -> String {
    sha256_hex(format!("{scenario_toml}\n--vary {path}\n--endpoint {endpoint}\n").as_bytes())
}

/// A `size` checkpoint as JSON text.
pub fn size_write(key: &str, evaluations: &[SizeEvaluation]) -> String {
    let rows: Vec<[u64; 4]> = evaluations.iter().map(|e| [e.value, e.replicates, e.rejections, e.missed]).collect();
    let rows_text = serde_json::to_string(&rows).expect("JSON values serialise");
    let v = json!({
        "format": SIZE_FORMAT, "format_version": FORMAT_VERSION, "peritrial": env!("CARGO_PKG_VERSION"),
        "size_sha256": key, "done": rows.len(),
        "columns": ["value", "replicates", "rejections", "target_not_reached"],
        "evaluations_sha256": sha256_hex(rows_text.as_bytes()), "evaluations": rows_text,
    });
    serde_json::to_string_pretty(&v).expect("JSON values serialise") + "\n"
}

/// Reads a `size` checkpoint and checks it belongs to this search (same scenario, path,
/// endpoint, version) and that its counts are possible.
pub fn size_read(text: &str, name: &str, key: &str) -> Result<Vec<SizeEvaluation>, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("{name}:{}:{}: not a checkpoint (not JSON: {e})", e.line(), e.column()))?;
    if v["format"] != SIZE_FORMAT {
        return Err(format!("{name}: not a peritrial size checkpoint"));
    }
    same_version(&v, name)?;
    if v["size_sha256"] != key {
        return Err(format!(
            "{name}: a checkpoint of another search (other scenario, seed, replicates, --vary or --endpoint)"
        ));
    }
    let rows_text = v["evaluations"].as_str().ok_or_else(|| format!("{name}: the checkpoint has no evaluations"))?;
    if v["evaluations_sha256"] != sha256_hex(rows_text.as_bytes()).as_str() {
        return Err(format!("{name}: the checkpoint's evaluations fail their SHA-256 checksum (the file is damaged)"));
    }
    let rows: Vec<[u64; 4]> = serde_json::from_str(rows_text)
        .map_err(|e| format!("{name}: the evaluations are not rows of 4 counts: {e}"))?;
    if v["done"] != rows.len() {
        return Err(format!("{name}: done is not the number of evaluations"));
    }
    let mut out: Vec<SizeEvaluation> = Vec::with_capacity(rows.len());
    for (i, &[value, replicates, rejections, missed]) in rows.iter().enumerate() {
        if replicates == 0 || rejections > replicates || missed > replicates {
            return Err(format!(
                "{name}: evaluation {}: {rejections} rejections and {missed} missed targets in {replicates} trials are impossible",
                i + 1
            ));
        }
        if out.iter().any(|e| e.value == value && e.replicates == replicates) {
            return Err(format!(
                "{name}: evaluation {}: the value {value} at {replicates} trials is there twice",
                i + 1
            ));
        }
        out.push(SizeEvaluation { value, replicates, rejections, missed });
    }
    Ok(out)
}
