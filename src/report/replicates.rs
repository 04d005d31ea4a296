//! Per-replicate results (`run --replicates-csv FILE`), rpact's `getRawData()`: one row per
//! virtual trial, in replicate order (so byte-identical for any thread count), with every
//! endpoint's test statistic, p-value, estimate, decision and events, where the trial stopped
//! and why, its cut month and patients, and each look's statistic, boundary, events, month and
//! patients. Rows are the records the summary folds, written as they are folded.

use crate::analyze::{Layout, field, global, look};
use crate::scenario::{EndpointKind, Scenario};

/// A number as the shortest text that reads back as the same f64; empty for NaN or ±∞.
fn num(x: f64) -> String {
    if x.is_finite() { x.to_string() } else { String::new() }
}

/// The columns.
pub fn header(s: &Scenario, layout: &Layout) -> Vec<String> {
    let mut h: Vec<String> =
        ["trial", "cut_month", "patients", "cut_target_reached", "stop_look", "stopped_for"].map(String::from).to_vec();
    for e in &s.endpoints {
        let n = &e.name;
        h.extend([format!("{n}_z"), format!("{n}_p"), format!("{n}_estimate"), format!("{n}_events")]);
        h.extend([format!("{n}_rejected"), format!("{n}_rejected_unadjusted")]);
    }
    for k in 1..=layout.n_looks {
        for c in ["z", "boundary_z", "futility_z", "events", "month", "patients", "reached"] {
            h.push(format!("look{k}_{c}"));
        }
    }
    h
}

/// One trial's row; `trial` is its 1-based number in the study.
pub fn row(s: &Scenario, layout: &Layout, trial: u64, record: &[f64]) -> Vec<String> {
    let stop = record[global::STOP_LOOK] as usize;
    let n_looks = layout.n_looks;
    let stopped_for = if record[global::FUTILITY] == 1.0 {
        "futility"
    } else if stop >= 1 && stop < n_looks && {
        let b = layout.looks + look::COUNT * (stop - 1);
        record[b + look::Z] >= record[b + look::BOUNDARY]
    } {
        "efficacy"
    } else {
        "final"
    };
    let mut r = vec![
        trial.to_string(),
        num(record[global::CUT_MONTH]),
        num(record[global::PATIENTS]),
        (record[global::CUT_REACHED] == 1.0).to_string(),
        stop.to_string(),
        stopped_for.to_string(),
    ];
    for (i, e) in s.endpoints.iter().enumerate() {
        let b = layout.endpoint[i];
        let tested = !matches!(e.kind, EndpointKind::Safety { .. });
        let decision = |x: f64| if tested { ((x == 1.0) as u8).to_string() } else { String::new() };
        r.extend([
            num(record[b + field::Z]),
            num(record[b + field::P]),
            num(record[b + field::ESTIMATE]),
            num(record[b + field::EVENTS]),
            decision(record[b + field::ADJUSTED]),
            decision(record[b + field::REJECTED]),
        ]);
    }
    for k in 0..n_looks {
        let b = layout.looks + look::COUNT * k;
        r.extend([
            num(record[b + look::Z]),
            num(record[b + look::BOUNDARY]),
            num(record[b + look::FUTILITY]),
            num(record[b + look::EVENTS]),
            num(record[b + look::CUT_MONTH]),
            num(record[b + look::PATIENTS]),
            (record[b + look::REACHED] == 1.0).to_string(),
        ]);
    }
    r
}

/// Rows as RFC 4180 bytes, buffered between writes to the output.
pub struct Rows {
    w: csv::Writer<Vec<u8>>,
}

impl Default for Rows {
    fn default() -> Self {
        Rows { w: csv::Writer::from_writer(Vec::new()) }
    }
}

impl Rows {
    pub fn push(&mut self, cells: &[String]) {
        self.w.write_record(cells).expect("writing to memory");
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        let w = std::mem::replace(&mut self.w, csv::Writer::from_writer(Vec::new()));
        w.into_inner().expect("writing to memory")
    }
}
