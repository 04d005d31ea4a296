//! Per-replicate results (`run --replicates-csv FILE`), rpact's `getRawData()`: one row per
//! virtual trial, in replicate order (so byte-identical for any thread count), with every
//! endpoint's test statistic, p-value, estimate, decision and events, where the trial stopped
//! and why, its cut month and patients, and each look's statistic, boundary, events, month and
//! patients. Rows are the records the summary folds, written as they are folded.

use crate::analyze::{Layout, field, global, look};
use crate::scenario::{EndpointKind, Scenario};

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

/// One trial's row; `trial` is its 1-based number in the study. Numbers are written as the
/// shortest text that reads back as the same f64 (Ryū), empty for NaN or ±∞.
fn write_row(w: &mut csv::Writer<Vec<u8>>, s: &Scenario, layout: &Layout, trial: u64, record: &[f64]) {
    let mut ryu = ryu::Buffer::new();
    let mut num = |w: &mut csv::Writer<Vec<u8>>, x: f64| {
        let field = if x.is_finite() { ryu.format_finite(x).as_bytes() } else { b"" };
        w.write_field(field).expect("writing to memory");
    };
    let flag = |w: &mut csv::Writer<Vec<u8>>, b: bool| w.write_field(if b { "true" } else { "false" }).expect("memory");
    let stop = record[global::STOP_LOOK] as usize;
    let n_looks = layout.n_looks;
    let stopped_for = if record[global::FUTILITY] == 2.0 {
        "harm"
    } else if record[global::FUTILITY] == 1.0 {
        "futility"
    } else if stop >= 1 && stop < n_looks && {
        let b = layout.looks + look::COUNT * (stop - 1);
        record[b + look::Z] >= record[b + look::BOUNDARY]
    } {
        "efficacy"
    } else {
        "final"
    };
    w.write_field(trial.to_string()).expect("memory");
    num(w, record[global::CUT_MONTH]);
    num(w, record[global::PATIENTS]);
    flag(w, record[global::CUT_REACHED] == 1.0);
    w.write_field(stop.to_string()).expect("memory");
    w.write_field(stopped_for).expect("memory");
    for (i, e) in s.endpoints.iter().enumerate() {
        let b = layout.endpoint[i];
        let tested = match e.kind {
            EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
            EndpointKind::Safety { .. } => false,
        };
        for f in [field::Z, field::P, field::ESTIMATE, field::EVENTS] {
            num(w, record[b + f]);
        }
        for f in [field::ADJUSTED, field::REJECTED] {
            let d: &[u8] = if !tested {
                b""
            } else if record[b + f] == 1.0 {
                b"1"
            } else {
                b"0"
            };
            w.write_field(d).expect("memory");
        }
    }
    for k in 0..n_looks {
        let b = layout.looks + look::COUNT * k;
        for f in [look::Z, look::BOUNDARY, look::FUTILITY, look::EVENTS, look::CUT_MONTH, look::PATIENTS] {
            num(w, record[b + f]);
        }
        flag(w, record[b + look::REACHED] == 1.0);
    }
    w.write_record(None::<&[u8]>).expect("memory");
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

    /// One trial's row (see [`header`]).
    pub fn trial(&mut self, s: &Scenario, layout: &Layout, trial: u64, record: &[f64]) {
        write_row(&mut self.w, s, layout, trial, record);
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        let w = std::mem::replace(&mut self.w, csv::Writer::from_writer(Vec::new()));
        w.into_inner().expect("writing to memory")
    }
}
