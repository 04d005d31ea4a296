//! Checkpoints of a run (`--checkpoint FILE`, `--resume FILE`): the mergeable state of the
//! replicates finished so far (a prefix of the run's range), with the effective scenario, a
//! format version, the peritrial version and SHA-256 checksums of the scenario and of the
//! state, so that a resumed run refuses a checkpoint of another scenario, another version or
//! a damaged file. Resuming merges the checkpoint's state with the rest of the range; since a
//! summary depends only on the set of per-replicate values and exact sums, the final report is
//! byte-identical (outside `timing`) to an uninterrupted run.

use super::hash::sha256_hex;
use super::model::RunReport;
use super::output::{OutputError, Target, append_to};
use super::shard::{read_state, state};
use crate::summary::Summary;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "peritrial-checkpoint";
/// 3: the summary state carries the inference at stopping and the re-estimation caps.
pub const FORMAT_VERSION: u64 = 3;

/// A checkpoint (of a run or of a size search) is resumed only by the version that wrote it.
fn same_version(v: &Value, name: &str) -> Result<(), String> {
    versioned(v, name, "checkpoint", FORMAT_VERSION)
}

/// A `what` (a checkpoint, a sweep checkpoint) of format `version` and this peritrial.
fn versioned(v: &Value, name: &str, what: &str, version: u64) -> Result<(), String> {
    if v["format_version"] != version || v["peritrial"] != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "{name}: a {what} of peritrial {} (format {}); this is peritrial {} (format {version}): resume with that version",
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
/// The sweep journal's own version (2: one line per point, appended; 4: each line bound to its
/// sweep and to its point's scenario; 5: its reports carry the early stop and the inference at
/// stopping, so a resumed sweep never mixes rows with and without them).
pub const SWEEP_FORMAT_VERSION: u64 = 5;

/// The checksums of a sweep's definition, fed with every grid point's values and effective
/// scenario in order without keeping them: the checkpoint's (the scenarios joined by NUL) and
/// the shards' (each point's `path=value` lines and scenario, joined by newline, NUL, newline),
/// so that a merge refuses a shard whose labels or scenarios were edited.
pub struct GridHash {
    checkpoint: Sha256,
    shards: Sha256,
    points: usize,
}

impl Default for GridHash {
    fn default() -> Self {
        Self::new()
    }
}

impl GridHash {
    pub fn new() -> GridHash {
        GridHash { checkpoint: Sha256::new(), shards: Sha256::new(), points: 0 }
    }

    pub fn add(&mut self, set: &[(String, String)], toml: &str) {
        if self.points > 0 {
            self.checkpoint.update(b"\0");
            self.shards.update(b"\n\0\n");
        }
        self.checkpoint.update(toml.as_bytes());
        for (path, value) in set {
            self.shards.update(format!("{path}={value}\n").as_bytes());
        }
        self.shards.update(toml.as_bytes());
        self.points += 1;
    }

    /// (the checkpoint's checksum, the shards' checksum).
    pub fn finish(self) -> (String, String) {
        let hex = |d: Sha256| super::hash::hex(&d.finalize());
        (hex(self.checkpoint), hex(self.shards))
    }
}

/// A sweep checkpoint is a journal, JSON lines: a header (format, versions, the grid's
/// checksum and size), then one line per finished grid point in grid order (its index, its
/// report's compact JSON as text and that text's SHA-256), appended and flushed to disk as each
/// point finishes: constant work per point however large the grid. The header line.
pub fn sweep_header(sweep_sha256: &str, points: usize) -> String {
    let v = json!({
        "format": SWEEP_FORMAT, "format_version": SWEEP_FORMAT_VERSION, "peritrial": env!("CARGO_PKG_VERSION"),
        "sweep_sha256": sweep_sha256, "points": points,
    });
    serde_json::to_string(&v).expect("JSON values serialise") + "\n"
}

/// The line of grid point `k` (0-based), bound to its sweep and to its point's effective
/// scenario (`scenario_sha256`): its checksum covers the sweep's checksum, the point's index
/// and scenario checksum and the report, so that a line spliced from another sweep's journal,
/// or moved to another point, is refused.
pub fn sweep_line(k: usize, sweep_sha256: &str, scenario_sha256: &str, report: &RunReport) -> String {
    let text = serde_json::to_string(report).expect("JSON values serialise");
    let v = json!({
        "point": k, "scenario_sha256": scenario_sha256,
        "line_sha256": line_sha256(sweep_sha256, k, scenario_sha256, &text), "report": text,
    });
    serde_json::to_string(&v).expect("JSON values serialise") + "\n"
}

fn line_sha256(sweep_sha256: &str, k: usize, scenario_sha256: &str, text: &str) -> String {
    sha256_hex(format!("{sweep_sha256}\n{k}\n{scenario_sha256}\n{text}").as_bytes())
}

/// The checksum a sweep journal binds each point's line to: its effective scenario's text.
pub fn point_sha256(scenario_toml: &str) -> String {
    sha256_hex(scenario_toml.as_bytes())
}

/// Replays a sweep journal of this sweep (same grid, version): hands each finished point's
/// report to `each`, in grid order, and returns how many points it held and the length in
/// bytes of its sound part. A last line cut short (the process stopped while appending it) is
/// not a point and is left out of that length, so that appending resumes after the last
/// sound line; a damaged line before the last is refused.
pub fn sweep_replay(
    reader: impl std::io::BufRead,
    name: &str,
    sweep_sha256: &str,
    points: usize,
    scenario_sha256: impl Fn(usize) -> Result<String, String>,
    mut each: impl FnMut(RunReport) -> Result<(), String>,
) -> Result<(usize, u64), String> {
    let mut reader = reader;
    // One line with its newline; a last piece without one was cut short.
    let mut next = |buf: &mut Vec<u8>| -> Result<Option<bool>, String> {
        buf.clear();
        let n = reader.read_until(b'\n', buf).map_err(|e| format!("{name}: cannot read: {e}"))?;
        if n == 0 {
            return Ok(None);
        }
        let whole = buf.last() == Some(&b'\n');
        if whole {
            buf.pop();
        }
        Ok(Some(whole))
    };
    let mut line = Vec::new();
    let not_ours = || format!("{name}: not a peritrial sweep checkpoint");
    if next(&mut line)? != Some(true) {
        return Err(not_ours());
    }
    let v: Value = serde_json::from_slice(&line).map_err(|_| not_ours())?;
    if v["format"] != SWEEP_FORMAT {
        return Err(not_ours());
    }
    versioned(&v, name, "sweep checkpoint", SWEEP_FORMAT_VERSION)?;
    if v["sweep_sha256"] != sweep_sha256 || v["points"] != points {
        return Err(format!("{name}: a checkpoint of another sweep (other grid, scenario, seed or replicates)"));
    }
    let mut sound = line.len() as u64 + 1;
    let mut done = 0usize;
    let mut pending = false;
    while let Some(whole) = next(&mut line)? {
        if !whole {
            // Cut short while appended: the end of the journal, not a point.
            break;
        }
        if pending {
            // A damaged line followed by another: not an interrupted append.
            return Err(format!(
                "{name}: line {} (grid point {}) is damaged or out of order; the checkpoint cannot be resumed",
                done + 2,
                done + 1
            ));
        }
        let parsed = serde_json::from_slice::<Value>(&line).ok().and_then(|l| {
            let text = l["report"].as_str()?.to_string();
            let scenario = l["scenario_sha256"].as_str()?.to_string();
            (l["point"] == done && l["line_sha256"] == line_sha256(sweep_sha256, done, &scenario, &text).as_str())
                .then_some((text, scenario))
        });
        let Some((text, scenario)) = parsed else {
            pending = true;
            continue;
        };
        if done >= points {
            return Err(format!("{name}: more points than the sweep has"));
        }
        if scenario != scenario_sha256(done)? {
            return Err(format!(
                "{name}: line {} holds the report of another scenario than grid point {}'s; the checkpoint cannot be resumed",
                done + 2,
                done + 1
            ));
        }
        let report: RunReport =
            serde_json::from_str(&text).map_err(|e| format!("{name}: grid point {}: not a report: {e}", done + 1))?;
        each(report)?;
        done += 1;
        sound += line.len() as u64 + 1;
    }
    Ok((done, sound))
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

/// A sweep's checkpoint journal, opened for appending once its first line is written, and
/// locked (`output::lock`) from the start: the journal this sweep will write, and the one it
/// resumes from, so that two sweeps never append to one journal.
pub struct Journal<'a> {
    path: &'a std::path::Path,
    file: Option<std::fs::File>,
    /// The journal at `path` when the sweep began, locked and open for appending: the file a
    /// resume into the same journal appends to.
    existing: Option<std::fs::File>,
    /// The journal resumed from, when it is another file, locked.
    resumed: Option<std::fs::File>,
}

impl<'a> Journal<'a> {
    /// A journal at `path`, written when the first point finishes; refused when another
    /// peritrial holds it.
    pub fn new(path: &'a std::path::Path) -> Result<Journal<'a>, OutputError> {
        let existing = match super::output::lock(path, true) {
            // A journal that cannot be opened for appending is replaced whole at the first point.
            Err(OutputError::Unreadable(_)) => super::output::lock(path, false)?,
            other => other?,
        };
        Ok(Journal { path, file: None, existing, resumed: None })
    }

    /// Locks the journal resumed from, when it is another file (the same one is held).
    pub fn lock_resumed(&mut self, from: &std::path::Path) -> Result<(), OutputError> {
        if !same_file(self.path, from) {
            self.resumed = super::output::lock(from, false)?;
        }
        Ok(())
    }

    /// Continues from the journal `from` whose first `sound` bytes `sweep_replay` accepted:
    /// into the same file, after its last sound line (what follows is cut off); into another,
    /// as a copy of that sound part.
    pub fn continue_from(&mut self, from: &std::path::Path, sound: u64) -> Result<(), OutputError> {
        let name = from.display().to_string();
        if same_file(self.path, from) {
            super::output::truncate(from, sound)?;
            if let Some(f) = self.existing.take() {
                self.file = Some(f);
                return Ok(());
            }
        } else {
            let mut text = Vec::new();
            use std::io::Read;
            std::fs::File::open(from)
                .and_then(|f| f.take(sound).read_to_end(&mut text))
                .map_err(|e| OutputError::Unreadable(format!("{name}: cannot read: {e}")))?;
            Target::of(Some(self.path), true).write(&text)?;
        }
        self.file = Some(super::output::lock_file(append_to(self.path)?, self.path)?);
        Ok(())
    }

    /// Appends point `k`'s line and flushes it to disk; the first point writes the journal
    /// whole (header and line) first, replacing a journal of an earlier sweep.
    pub fn append(
        &mut self,
        k: usize,
        sweep_sha256: &str,
        points: usize,
        scenario_sha256: &str,
        report: &RunReport,
    ) -> Result<(), OutputError> {
        let line = sweep_line(k, sweep_sha256, scenario_sha256, report);
        match &mut self.file {
            None => {
                let text = sweep_header(sweep_sha256, points) + &line;
                Target::of(Some(self.path), true).write(text.as_bytes())?;
                // The file written is a new one (renamed over the old): its lock is taken now.
                self.file = Some(super::output::lock_file(append_to(self.path)?, self.path)?);
            }
            Some(f) => super::output::append(f, line.as_bytes(), self.path)?,
        }
        Ok(())
    }
}

/// Whether two paths name the same file.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
