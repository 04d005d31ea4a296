//! Per-replicate results (`run --replicates-csv FILE`), rpact's `getRawData()`: one row per
//! virtual trial, in replicate order (so byte-identical for any thread count), with every
//! endpoint's test statistic, p-value, estimate, decision and events, where the trial stopped
//! and why, its cut month and patients, and each look's statistic, boundary, events, month and
//! patients. Rows are the records the summary folds, written as they are folded.

use crate::analyze::{Layout, Stop, field, global, inference, look, stopped};
use crate::scenario::{EndpointKind, Scenario};

/// What a column shows of a trial's record.
#[derive(Debug, Clone, Copy)]
pub enum Cell {
    /// The trial's 1-based number in the study.
    Trial,
    /// A number at this offset (of the record, an endpoint's block or a look's block).
    Number(usize),
    /// `true` when the value at this offset is 1.
    Flag(usize),
    /// A decision at this offset of an endpoint's block: 1 or 0, empty for an endpoint without
    /// a test.
    Decision(usize),
    /// The look where the trial stopped.
    StopLook,
    /// Why it stopped there.
    StoppedFor,
}

/// One column of `--replicates-csv` (and of `sample`'s trials.csv): its name (after the
/// endpoint's or look's prefix), what it reads from the record, and its dictionary entry. The
/// header, the rows and the dictionary all read these tables, so they cannot disagree.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub cell: Cell,
    pub kind: &'static str,
    pub unit: &'static str,
    pub description: &'static str,
    pub codes: &'static str,
}

const fn column(
    name: &'static str,
    cell: Cell,
    kind: &'static str,
    unit: &'static str,
    description: &'static str,
    codes: &'static str,
) -> Column {
    Column { name, cell, kind, unit, description, codes }
}

/// The trial's own columns.
pub const TRIAL_COLUMNS: [Column; 6] = [
    column("trial", Cell::Trial, "integer", "", "the virtual trial", ""),
    column(
        "cut_month",
        Cell::Number(global::CUT_MONTH),
        "number",
        "months",
        "calendar month of the analysis where the trial stopped",
        "",
    ),
    column("patients", Cell::Number(global::PATIENTS), "number", "", "patients enrolled by then", ""),
    column(
        "cut_target_reached",
        Cell::Flag(global::CUT_REACHED),
        "logical",
        "",
        "the cut's event target was reached",
        "true, false",
    ),
    column("stop_look", Cell::StopLook, "integer", "", "the look at which the trial stopped", ""),
    column("stopped_for", Cell::StoppedFor, "text", "", "why it stopped there", "efficacy, futility, harm, final"),
];

/// Each endpoint's columns, named `ENDPOINT_name`.
pub const ENDPOINT_COLUMNS: [Column; 6] = [
    column(
        "z",
        Cell::Number(field::Z),
        "number",
        "",
        "the test statistic on the z scale (positive: treatment better)",
        "",
    ),
    column("p", Cell::Number(field::P), "number", "", "its one-sided p-value", ""),
    column(
        "estimate",
        Cell::Number(field::ESTIMATE),
        "number",
        "",
        "the effect estimate (hazard ratio, or the treatment arm's rate)",
        "",
    ),
    column(
        "events",
        Cell::Number(field::EVENTS),
        "number",
        "",
        "events (responders for a binary endpoint, adverse events for a safety one)",
        "",
    ),
    column(
        "rejected",
        Cell::Decision(field::ADJUSTED),
        "integer",
        "",
        "rejected after the multiplicity rule",
        "0, 1; empty: no test",
    ),
    column(
        "rejected_unadjusted",
        Cell::Decision(field::REJECTED),
        "integer",
        "",
        "rejected at its own level",
        "0, 1; empty: no test",
    ),
];

/// Each look's columns, named `lookK_name`.
pub const LOOK_COLUMNS: [Column; 7] = [
    column("z", Cell::Number(look::Z), "number", "", "the primary endpoint's z at this look", ""),
    column("boundary_z", Cell::Number(look::BOUNDARY), "number", "", "the efficacy boundary on the z scale", ""),
    column(
        "futility_z",
        Cell::Number(look::FUTILITY),
        "number",
        "",
        "the futility boundary on the z scale (empty: none)",
        "",
    ),
    column("events", Cell::Number(look::EVENTS), "number", "", "events at this look", ""),
    column("month", Cell::Number(look::CUT_MONTH), "number", "months", "calendar month of this look", ""),
    column("patients", Cell::Number(look::PATIENTS), "number", "", "patients enrolled by this look", ""),
    column("reached", Cell::Flag(look::REACHED), "logical", "", "the look's target was reached", "true, false"),
];

/// The monitored endpoint's inference at stopping ([`Layout::inference`]), named
/// `stopping_name`, and each look's repeated interval, named `lookK_name`: of the hazard ratio,
/// of two arms' rate difference, or of a single arm's rate.
pub fn stopping_columns(s: &Scenario) -> (&'static [Column; 4], &'static [Column; 2]) {
    match s.monitored_responses() {
        None => (&STOPPING_COLUMNS, &REPEATED_COLUMNS),
        Some((_, _, Some(_))) => (&STOPPING_DIFFERENCE, &REPEATED_DIFFERENCE),
        Some((_, _, None)) => (&STOPPING_RATE, &REPEATED_RATE),
    }
}

const STOPPING_DIFFERENCE: [Column; 4] = [
    STOPPING_COLUMNS[0],
    column(
        "rate_difference",
        Cell::Number(inference::MEDIAN_UNBIASED),
        "number",
        "",
        "the median-unbiased difference of the response rates (treatment - control) by stage-wise ordering (empty: a stop for non-binding futility at an interim)",
        "",
    ),
    STOPPING_COLUMNS[2],
    STOPPING_COLUMNS[3],
];

const STOPPING_RATE: [Column; 4] = [
    column("p", Cell::Number(inference::P), "number", "", "the one-sided p-value by exact stage-wise ordering", ""),
    column(
        "rate",
        Cell::Number(inference::MEDIAN_UNBIASED),
        "number",
        "",
        "the median-unbiased response rate by exact stage-wise ordering (empty: a stop for non-binding futility at an interim)",
        "",
    ),
    STOPPING_COLUMNS[2],
    STOPPING_COLUMNS[3],
];

const REPEATED_DIFFERENCE: [Column; 2] = [
    column(
        "rci_lower",
        Cell::Number(inference::RCI_LOWER),
        "number",
        "",
        "the repeated 1 - 2 alpha interval of the rate difference at this look (Farrington-Manning inverted at its boundary), lower limit (empty after the stop)",
        "",
    ),
    REPEATED_COLUMNS[1],
];

const REPEATED_RATE: [Column; 2] = [
    column(
        "rci_lower",
        Cell::Number(inference::RCI_LOWER),
        "number",
        "",
        "the repeated 1 - 2 alpha interval of the response rate at this look (Clopper-Pearson at its level), lower limit (empty after the stop)",
        "",
    ),
    REPEATED_COLUMNS[1],
];

const STOPPING_COLUMNS: [Column; 4] = [
    column("p", Cell::Number(inference::P), "number", "", "the one-sided p-value by stage-wise ordering", ""),
    column(
        "hazard_ratio",
        Cell::Number(inference::MEDIAN_UNBIASED),
        "number",
        "",
        "the median-unbiased hazard ratio by stage-wise ordering (empty: a stop for non-binding futility or harm at an interim)",
        "",
    ),
    column(
        "lower",
        Cell::Number(inference::LOWER),
        "number",
        "",
        "its two-sided 1 - 2 alpha interval, lower limit",
        "",
    ),
    column("upper", Cell::Number(inference::UPPER), "number", "", "its upper limit", ""),
];

const REPEATED_COLUMNS: [Column; 2] = [
    column(
        "rci_lower",
        Cell::Number(inference::RCI_LOWER),
        "number",
        "",
        "the repeated 1 - 2 alpha interval of the hazard ratio at this look, lower limit (empty after the stop)",
        "",
    ),
    column("rci_upper", Cell::Number(inference::RCI_UPPER), "number", "", "its upper limit", ""),
];

/// Every column in order, with its full name and, for an endpoint's, the endpoint's index.
pub fn columns(s: &Scenario, layout: &Layout) -> Vec<(String, Option<usize>, Column)> {
    let mut out: Vec<(String, Option<usize>, Column)> =
        TRIAL_COLUMNS.iter().map(|c| (c.name.to_string(), None, *c)).collect();
    for (i, e) in s.endpoints().iter().enumerate() {
        out.extend(ENDPOINT_COLUMNS.iter().map(|c| (format!("{}_{}", e.name, c.name), Some(i), *c)));
    }
    for k in 1..=layout.n_looks {
        out.extend(LOOK_COLUMNS.iter().map(|c| (format!("look{k}_{}", c.name), None, *c)));
    }
    if layout.inference.is_some() {
        let (stopping, repeated) = stopping_columns(s);
        out.extend(stopping.iter().map(|c| (format!("stopping_{}", c.name), None, *c)));
        for k in 1..=layout.n_looks {
            out.extend(repeated.iter().map(|c| (format!("look{k}_{}", c.name), None, *c)));
        }
    }
    out
}

/// The columns' names.
pub fn header(s: &Scenario, layout: &Layout) -> Vec<String> {
    columns(s, layout).into_iter().map(|(name, _, _)| name).collect()
}

/// One trial's row; `trial` is its 1-based number in the study. Numbers are written as the
/// shortest text that reads back as the same f64 (Ryū), empty for NaN or ±∞.
fn write_row(w: &mut csv::Writer<Vec<u8>>, s: &Scenario, layout: &Layout, trial: u64, record: &[f64]) {
    let mut ryu = ryu::Buffer::new();
    let (stop, why) = stopped(layout, record);
    let stopped_for = match why {
        Stop::Harm => "harm",
        Stop::Futility => "futility",
        Stop::Efficacy if stop < layout.n_looks => "efficacy",
        Stop::Efficacy | Stop::Final => "final",
    };
    let mut cell = |w: &mut csv::Writer<Vec<u8>>, c: Cell, base: usize, tested: bool| {
        let text: &[u8] = match c {
            Cell::Trial => return w.write_field(trial.to_string()).expect("memory"),
            Cell::StopLook => return w.write_field(stop.to_string()).expect("memory"),
            Cell::StoppedFor => stopped_for.as_bytes(),
            Cell::Number(f) if record[base + f].is_finite() => ryu.format_finite(record[base + f]).as_bytes(),
            Cell::Number(_) => b"",
            Cell::Flag(f) => {
                if record[base + f] == 1.0 {
                    b"true"
                } else {
                    b"false"
                }
            }
            Cell::Decision(_) if !tested => b"",
            Cell::Decision(f) => {
                if record[base + f] == 1.0 {
                    b"1"
                } else {
                    b"0"
                }
            }
        };
        w.write_field(text).expect("writing to memory");
    };
    for c in &TRIAL_COLUMNS {
        cell(w, c.cell, 0, true);
    }
    for (i, e) in s.endpoints().iter().enumerate() {
        let tested = match e.kind {
            EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
            EndpointKind::Safety { .. } => false,
        };
        for c in &ENDPOINT_COLUMNS {
            cell(w, c.cell, layout.endpoint[i], tested);
        }
    }
    for k in 0..layout.n_looks {
        for c in &LOOK_COLUMNS {
            cell(w, c.cell, layout.looks + look::COUNT * k, true);
        }
    }
    if let Some(at) = layout.inference {
        let (stopping, repeated) = stopping_columns(s);
        for c in stopping {
            cell(w, c.cell, at, true);
        }
        for k in 0..layout.n_looks {
            for c in repeated {
                cell(w, c.cell, at + inference::COUNT + inference::LOOK_COUNT * k, true);
            }
        }
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
