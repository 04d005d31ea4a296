//! Reading a trial's data from CSV (`peritrial analyze`), as R users keep it: one patient per
//! record, the columns named by flags in R's spirit (`--time efs_time --status efs_status --arm
//! arm --strata cohort`; defaults `time`, `status`, `arm`, `stratum`), arms and strata as any
//! text or integer, status coded as `survival::Surv` and `cmprsk` code it (0 censored, 1 the
//! event, k ≥ 2 a competing event of cause k, or `--event-cause`), or a binary `--response`
//! column instead of time and status. A long table of many trials (`sample`'s `patients.csv`)
//! is read one trial at a time (`--trial K`) or grouped by a column (`--by trial`).
//!
//! RFC 4180 (quoted fields, quotes doubled inside them, CRLF or LF, a UTF-8 byte-order mark)
//! through the `csv` crate, streamed: of its problems the first 20 are kept with their line
//! numbers and the rest only counted. Column names match case-insensitively.

use crate::stats::Obs;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// A located problem with the data file.
#[derive(Debug, Clone, PartialEq)]
pub struct DataError(pub String);

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Problems listed before the rest are only counted.
pub const MAX_LISTED_ERRORS: usize = 20;

/// Which columns hold what, and how to read them.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub time: String,
    pub status: String,
    pub arm: String,
    /// The stratum column; None: `stratum` where the file has one, else a single stratum.
    pub strata: Option<String>,
    /// A binary response column (0/1, or TRUE/FALSE): a response analysis instead of a
    /// time-to-event one (time and status are then not read).
    pub response: Option<String>,
    /// The arm labels of the treatment and the control arm.
    pub treatment: Option<String>,
    pub control: Option<String>,
    /// The status code of the event of interest (default 1); other positive codes are
    /// competing events.
    pub event_cause: u32,
    /// Only the records whose column has this value (`--trial K`: column `trial`).
    pub only: Option<(String, String)>,
    /// One data set per value of this column (`--by trial`).
    pub by: Option<String>,
    /// The column of each patient's calendar month of entry (`--entry`), for looks at earlier
    /// calendar months.
    pub entry: Option<String>,
    /// Baseline covariate columns (`--covariates`), numeric; a record missing one is left out
    /// and counted, as R's `na.omit`.
    pub covariates: Vec<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            time: "time".into(),
            status: "status".into(),
            arm: "arm".into(),
            strata: None,
            response: None,
            treatment: None,
            control: None,
            event_cause: 1,
            only: None,
            by: None,
            entry: None,
            covariates: Vec::new(),
        }
    }
}

/// One patient as read: its arm, stratum and (if grouped) group as indices into the labels.
#[derive(Debug, Clone, Copy)]
struct Raw {
    line: u64,
    time: f64,
    /// The status code as written (0, 1, 2, …); for a response analysis 0 or 1.
    status: u32,
    arm: u32,
    stratum: u32,
    group: u32,
    /// The calendar month of entry (NaN without an entry column).
    entry: f64,
}

/// A trial's data, ready for the analyses.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Time to event: status 0 censored, 1 the event of interest, 2 a competing event; arm 1
    /// treatment, 0 control; strata numbered in the order of their sorted labels.
    pub obs: Vec<Obs>,
    /// A response analysis: (arm, responded) per patient (`obs` is then empty).
    pub responses: Vec<(u8, bool)>,
    /// The arms' labels as written: [control, treatment].
    pub arm_labels: [String; 2],
    /// The labels of the strata this data set has, sorted (a group of `--by` has its own:
    /// `--by patient` over 100,000 strata holds each label once, not once per group).
    pub strata: Vec<String>,
    /// The status codes of competing events present in the data (sorted).
    pub competing_causes: Vec<u32>,
    pub event_cause: u32,
    /// With an entry column: each patient's calendar month of entry, in the order of `obs` (or
    /// of `responses`).
    pub entries: Vec<f64>,
    /// With `--covariates`: each patient's covariates, in the order of `obs` (or of
    /// `responses`).
    pub covariates: Vec<Vec<f64>>,
    /// Records left out because a covariate is missing (their outcome present).
    pub excluded_covariates: u64,
    /// Records left out because both their time and status are empty (a patient enrolled
    /// after the analysis cut in `sample`'s long table).
    pub excluded: u64,
}

/// One data set per group (`Columns::by`), in the order of the groups' sorted labels; one
/// unnamed group otherwise.
pub type Groups = Vec<(String, Dataset)>;

pub fn read(path: &Path, columns: &Columns) -> Result<Groups, DataError> {
    let file = path.display().to_string();
    let f = crate::input::open_capped(path, crate::input::DATA_LIMIT)
        .map_err(|e| DataError(format!("{file}: cannot read: {e}")))?;
    parse_reader(std::io::BufReader::with_capacity(1 << 16, f), &file, columns)
}

/// Reads a file with the default columns (`time,status,arm[,stratum]`) as one data set.
pub fn read_csv(path: &Path) -> Result<Vec<Obs>, DataError> {
    Ok(read(path, &Columns::default())?.remove(0).1.obs)
}

/// Reads a file with the default columns (`time,status,arm[,stratum]`) as one data set.
pub fn parse_csv(text: &str, file: &str) -> Result<Vec<Obs>, DataError> {
    let mut groups = parse_reader(text.as_bytes(), file, &Columns::default())?;
    Ok(groups.remove(0).1.obs)
}

pub fn parse_with(text: &str, file: &str, columns: &Columns) -> Result<Groups, DataError> {
    parse_reader(text.as_bytes(), file, columns)
}

/// The problems found so far: the first [`MAX_LISTED_ERRORS`], and how many more.
#[derive(Default)]
struct Errors {
    listed: Vec<String>,
    more: u64,
}

impl Errors {
    /// Adds a problem; its message is written only when it is listed.
    fn push(&mut self, e: impl FnOnce() -> String) {
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(e());
        } else {
            self.more += 1;
        }
    }

    fn result(self, file: &str) -> Result<(), DataError> {
        if self.listed.is_empty() {
            return Ok(());
        }
        let mut text = self.listed.join("\n");
        if self.more > 0 {
            text.push_str(&format!("\n{file}: … and {} more", self.more));
        }
        Err(DataError(text))
    }
}

fn blank(r: &csv::StringRecord) -> bool {
    r.iter().all(|c| c.is_empty())
}

fn line_of(r: &csv::StringRecord) -> u64 {
    r.position().map_or(0, |p| p.line())
}

/// A record the `csv` crate could not read, located.
fn csv_problem(file: &str, e: &csv::Error) -> (String, bool) {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, err } => (
            format!(
                "{file}:{}: field {} is not valid UTF-8 text (at byte {} of the field)",
                pos.as_ref().map_or(0, |p| p.line()),
                err.field() + 1,
                err.valid_up_to()
            ),
            false,
        ),
        csv::ErrorKind::Io(io) => (format!("{file}: cannot read: {io}"), true),
        _ => (format!("{file}: {e}"), true),
    }
}

/// Labels seen in a column, numbered in the order first seen.
#[derive(Default)]
struct Labels {
    index: BTreeMap<String, u32>,
    names: Vec<String>,
}

impl Labels {
    fn of(&mut self, s: &str) -> u32 {
        if let Some(&k) = self.index.get(s) {
            return k;
        }
        let k = self.names.len() as u32;
        self.index.insert(s.to_string(), k);
        self.names.push(s.to_string());
        k
    }

    /// The labels in sorted order (numerically where all are integers) and, per first-seen
    /// index, its sorted position.
    fn sorted(&self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        let numeric = self.names.iter().all(|n| n.parse::<i64>().is_ok());
        if numeric {
            order.sort_by_key(|&k| self.names[k as usize].parse::<i64>().unwrap_or(0));
        } else {
            order.sort_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        }
        let mut rank = vec![0u32; order.len()];
        for (r, &k) in order.iter().enumerate() {
            rank[k as usize] = r as u32;
        }
        (order.iter().map(|&k| self.names[k as usize].clone()).collect(), rank)
    }
}

/// What the header offers, matched case-insensitively.
struct Header {
    names: Vec<String>,
    line: u64,
    file: String,
}

impl Header {
    fn find(&self, name: &str) -> Option<usize> {
        let lower = name.to_lowercase();
        self.names.iter().position(|n| *n == lower)
    }

    fn require(&self, name: &str, flag: &str) -> Result<usize, DataError> {
        self.find(name).ok_or_else(|| {
            DataError(format!(
                "{}:{}: the header {:?} has no column {name:?} ({flag}; name another column with {flag} NAME)",
                self.file,
                self.line,
                self.names.join(",")
            ))
        })
    }
}

/// The columns a file's header offers for what `Columns` names: their indices.
#[derive(Clone, Copy)]
struct Located<'c> {
    response: Option<usize>,
    time: Option<usize>,
    status: Option<usize>,
    arm: usize,
    strata: Option<usize>,
    only: Option<(usize, &'c str)>,
    by: Option<usize>,
    entry: Option<usize>,
}

/// The records read: the patients, the labels seen in their columns and the records left out
/// (per group, by first-seen index).
#[derive(Default)]
struct Records {
    raws: Vec<Raw>,
    arms: Labels,
    strata: Labels,
    groups: Labels,
    errors: Errors,
    seen_only: bool,
    excluded: BTreeMap<u32, u64>,
    /// Records left out for a missing covariate (per group).
    excluded_covariates: BTreeMap<u32, u64>,
    /// The covariate columns, and the covariates of each raw record (flattened, in order).
    cov_columns: Vec<usize>,
    covariates: Vec<f64>,
}

/// Reads the CSV text of `input` (`file` in messages) as the data sets `columns` describe.
fn parse_reader<R: Read>(input: R, file: &str, columns: &Columns) -> Result<Groups, DataError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(input);
    let mut rec = csv::StringRecord::new();
    let header = read_header(&mut rdr, &mut rec, file)?;
    let located = locate(&header, columns)?;
    let mut records = Records::default();
    for c in &columns.covariates {
        records.cov_columns.push(header.require(c, "--covariates")?);
    }
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) if blank(&rec) => continue,
            Ok(true) => records.record(&rec, &header, &located, file),
            Err(e) => {
                let (msg, fatal) = csv_problem(file, &e);
                if fatal {
                    return Err(DataError(msg));
                }
                records.errors.push(|| msg);
            }
        }
    }
    datasets(records, &header, &located, columns, file)
}

/// Reads the header (the first record that is not blank, into `rec`) and refuses one that
/// names a column twice.
fn read_header<R: Read>(
    rdr: &mut csv::Reader<R>,
    rec: &mut csv::StringRecord,
    file: &str,
) -> Result<Header, DataError> {
    // The header: the first record that is not blank.
    loop {
        match rdr.read_record(rec) {
            Ok(false) => {
                return Err(DataError(format!(
                    "{file}: the file is empty; expected a header (e.g. time,status,arm[,stratum]) and one line per patient"
                )));
            }
            Ok(true) if blank(rec) => continue,
            Ok(true) => break,
            Err(e) => return Err(DataError(csv_problem(file, &e).0)),
        }
    }
    // A UTF-8 byte-order mark (as spreadsheet programs write) is not part of the first name.
    let names: Vec<String> = rec
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let c = if j == 0 { c.strip_prefix('\u{feff}').unwrap_or(c).trim() } else { c };
            c.to_lowercase()
        })
        .collect();
    let header = Header { names, line: line_of(rec), file: file.to_string() };
    for (j, n) in header.names.iter().enumerate() {
        if let Some(k) = header.names[..j].iter().position(|m| m == n) {
            return Err(DataError(format!(
                "{file}:{}: the header names column {n:?} twice (columns {} and {}): which one is meant is not clear",
                header.line,
                k + 1,
                j + 1
            )));
        }
    }
    Ok(header)
}

/// The columns of `columns` in the header, refused where one is not there.
fn locate<'c>(header: &Header, columns: &'c Columns) -> Result<Located<'c>, DataError> {
    let response = match &columns.response {
        Some(r) => Some(header.require(r, "--response")?),
        None => None,
    };
    let (ti, si) = match response {
        Some(_) => (None, None),
        None => (Some(header.require(&columns.time, "--time")?), Some(header.require(&columns.status, "--status")?)),
    };
    let ai = header.require(&columns.arm, "--arm")?;
    let st = match &columns.strata {
        Some(s) => Some(header.require(s, "--strata")?),
        None => header.find("stratum"),
    };
    let only = match &columns.only {
        Some((c, v)) => Some((header.require(c, &format!("--{c}"))?, v.as_str())),
        None => None,
    };
    let by = match &columns.by {
        Some(c) => Some(header.require(c, "--by")?),
        None => None,
    };
    let entry = match &columns.entry {
        Some(c) => Some(header.require(c, "--entry")?),
        None => None,
    };
    Ok(Located { response, time: ti, status: si, arm: ai, strata: st, only, by, entry })
}

impl Records {
    /// Reads one record that is not blank: a patient, a record left out, or its problems.
    fn record(&mut self, rec: &csv::StringRecord, header: &Header, located: &Located, file: &str) {
        let Located { response, time: ti, status: si, arm: ai, strata: st, only, by, entry } = *located;
        let line = line_of(rec);
        if rec.len() != header.names.len() {
            self.errors.push(|| format!("{file}:{line}: expected {} columns, found {}", header.names.len(), rec.len()));
            return;
        }
        if let Some((j, v)) = only {
            if &rec[j] != v {
                return;
            }
            self.seen_only = true;
        }
        // A patient without an observation (enrolled after the cut: `sample`'s long
        // table leaves time and status empty, R writes NA) or without an assessed
        // response is left out and counted, as R's na.omit drops it.
        let absent = |j: Option<usize>| j.is_some_and(|j| missing(&rec[j]));
        let cov_absent = self.cov_columns.iter().any(|&j| missing(&rec[j]));
        let outcome_absent = (ti.is_some() && absent(ti) && absent(si)) || absent(response);
        if outcome_absent || cov_absent {
            let group = match by {
                Some(j) => self.groups.of(&rec[j]),
                None => self.groups.of(""),
            };
            // Counted by why: the outcome first (as without covariates), else a covariate.
            let count = if outcome_absent { &mut self.excluded } else { &mut self.excluded_covariates };
            *count.entry(group).or_insert(0u64) += 1;
            return;
        }
        let at = Cells { rec, header, file, line };
        let (time, status) = match response {
            Some(r) => (Some(0.0), at.flag(r, "response", "1 = responded, 0 = did not", &mut self.errors)),
            None => (at.time(ti.unwrap_or(0), &mut self.errors), at.status(si.unwrap_or(0), &mut self.errors)),
        };
        let arm = at.label(ai, "arm", &mut self.errors).map(|a| self.arms.of(a));
        let stratum = match st {
            Some(j) => at.label(j, "stratum", &mut self.errors).map(|s| self.strata.of(s)),
            None => Some(self.strata.of("")),
        };
        let group = match by {
            Some(j) => at.label(j, &header.names[j], &mut self.errors).map(|g| self.groups.of(g)),
            None => Some(self.groups.of("")),
        };
        let entry = match entry {
            Some(j) => at.time(j, &mut self.errors),
            None => Some(f64::NAN),
        };
        let covariates: Vec<Option<f64>> = self.cov_columns.iter().map(|&j| at.number(j, &mut self.errors)).collect();
        if let (Some(time), Some(status), Some(arm), Some(stratum), Some(group), Some(entry)) =
            (time, status, arm, stratum, group, entry)
            && covariates.iter().all(Option::is_some)
        {
            self.raws.push(Raw { line, time, status, arm, stratum, group, entry });
            self.covariates.extend(covariates.into_iter().flatten());
        }
    }
}

/// The data sets of the records read, one per group, with the arms assigned and the strata
/// and competing causes numbered; refused where a record has problems or none is left.
fn datasets(
    records: Records,
    header: &Header,
    located: &Located,
    columns: &Columns,
    file: &str,
) -> Result<Groups, DataError> {
    let Records {
        raws,
        arms,
        strata,
        groups,
        errors,
        seen_only,
        excluded,
        excluded_covariates,
        cov_columns,
        covariates,
    } = records;
    let k = cov_columns.len();
    let Located { response, arm: ai, only, .. } = *located;
    errors.result(file)?;
    if let (Some((j, v)), false) = (only, seen_only) {
        return Err(DataError(format!("{file}: no record has {} = {v:?}", header.names[j])));
    }
    if raws.is_empty() {
        let left_out = excluded.values().sum::<u64>();
        let why = if left_out > 0 { format!(" ({left_out} without a time and status)") } else { String::new() };
        return Err(DataError(format!("{file}: no patients after the header{why}")));
    }
    let (treatment, control) = assign_arms(&arms, columns, file, &header.names[ai])?;
    let (stratum_labels, stratum_rank) = strata.sorted();
    let (group_labels, group_rank) = groups.sorted();
    let mut out: Vec<(String, Dataset)> = group_labels
        .iter()
        .map(|g| {
            let first_seen = groups.index[g];
            let d = Dataset {
                excluded: excluded.get(&first_seen).copied().unwrap_or(0),
                excluded_covariates: excluded_covariates.get(&first_seen).copied().unwrap_or(0),
                obs: Vec::new(),
                responses: Vec::new(),
                arm_labels: [control.clone(), treatment.clone()],
                strata: Vec::new(),
                competing_causes: Vec::new(),
                event_cause: columns.event_cause,
                entries: Vec::new(),
                covariates: Vec::new(),
            };
            (g.clone(), d)
        })
        .collect();
    let arm_index = |a: u32| -> Result<u8, u64> {
        let name = &arms.names[a as usize];
        if *name == treatment {
            Ok(1)
        } else if *name == control {
            Ok(0)
        } else {
            Err(0)
        }
    };
    let mut errors = Errors::default();
    for (index, r) in raws.iter().enumerate() {
        let Ok(arm) = arm_index(r.arm) else {
            errors.push(|| {
                format!(
                    "{file}:{}: arm = {:?}: neither the treatment arm ({treatment:?}) nor the control arm ({control:?})",
                    r.line, arms.names[r.arm as usize]
                )
            });
            continue;
        };
        let d = &mut out[group_rank[r.group as usize] as usize].1;
        let stratum = stratum_rank[r.stratum as usize];
        if stratum > u16::MAX as u32 {
            return Err(DataError(format!("{file}: more than 65536 strata")));
        }
        if k > 0 {
            d.covariates.push(covariates[index * k..(index + 1) * k].to_vec());
        }
        if response.is_some() {
            d.responses.push((arm, r.status == 1));
            if located.entry.is_some() {
                d.entries.push(r.entry);
            }
            continue;
        }
        let status = match r.status {
            0 => 0,
            c if c == columns.event_cause => 1,
            c => {
                if !d.competing_causes.contains(&c) {
                    d.competing_causes.push(c);
                }
                2
            }
        };
        d.obs.push(Obs { time: r.time, status, arm, stratum: stratum as u16 });
        if located.entry.is_some() {
            d.entries.push(r.entry);
        }
    }
    errors.result(file)?;
    for (_, d) in &mut out {
        d.competing_causes.sort_unstable();
        own_strata(d, &stratum_labels);
    }
    Ok(out)
}

/// Numbers a data set's strata among those it has, in the order of the file's (sorted)
/// labels: the same analysis (a stratum without patients adds nothing), and a report that
/// lists the group's strata, not every stratum of the file.
fn own_strata(d: &mut Dataset, labels: &[String]) {
    let mut used: Vec<u16> = d.obs.iter().map(|o| o.stratum).collect();
    used.sort_unstable();
    used.dedup();
    // A response analysis has no strata per patient (`obs` is empty): it keeps the file's.
    if used.len() == labels.len() || d.obs.is_empty() {
        d.strata = labels.to_vec();
        return;
    }
    let renumber: std::collections::HashMap<u16, u16> =
        used.iter().enumerate().map(|(new, &old)| (old, new as u16)).collect();
    for o in &mut d.obs {
        o.stratum = renumber[&o.stratum];
    }
    d.strata = used.iter().map(|&k| labels[k as usize].clone()).collect();
}

/// Which arm label is the treatment and which the control: `--treatment`/`--control` where
/// given; else 1 and 0, or "control" and the other label; refused otherwise.
fn assign_arms(arms: &Labels, columns: &Columns, file: &str, column: &str) -> Result<(String, String), DataError> {
    let labels = &arms.names;
    let list = |l: &[String]| l.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    let other = |given: &str| labels.iter().find(|l| l.as_str() != given).cloned();
    let (treatment, control) = match (&columns.treatment, &columns.control) {
        (Some(t), Some(c)) => (t.clone(), c.clone()),
        (Some(t), None) => (t.clone(), other(t).unwrap_or_else(|| "0".into())),
        (None, Some(c)) => (other(c).unwrap_or_else(|| "1".into()), c.clone()),
        (None, None) => {
            let controls: Vec<&String> = labels.iter().filter(|l| l.eq_ignore_ascii_case("control")).collect();
            let control = controls.first().map(|c| c.to_string());
            if controls.len() > 1 {
                // "control" and "Control": one arm written two ways, or two arms? Not guessed.
                return Err(DataError(format!(
                    "{file}: column {column:?} has the arm labels {}, which differ only in case: correct the data, or say which is the treatment arm with --treatment NAME and the control with --control NAME",
                    list(labels)
                )));
            }
            if labels.iter().any(|l| l == "0" || l == "1") {
                // 1 = treatment, 0 = control; any other label is reported on its lines.
                ("1".into(), "0".into())
            } else if let (Some(c), 1..=2) = (control, labels.len()) {
                (other(&c).unwrap_or_else(|| "1".into()), c)
            } else {
                return Err(DataError(format!(
                    "{file}: column {column:?} has the arm labels {}: say which is the treatment arm with --treatment NAME (and the control with --control NAME)",
                    list(labels)
                )));
            }
        }
    };
    if treatment == control {
        return Err(DataError(format!("{file}: --treatment and --control are both {treatment:?}")));
    }
    for (flag, given) in [("--treatment", &columns.treatment), ("--control", &columns.control)] {
        if let Some(g) = given
            && !labels.contains(g)
        {
            return Err(DataError(format!(
                "{file}: {flag} {g:?} is not an arm label of column {column:?} (labels: {})",
                list(labels)
            )));
        }
    }
    Ok((treatment, control))
}

/// An empty cell or R's NA.
fn missing(v: &str) -> bool {
    v.is_empty() || v == "NA"
}

/// One record's cells, read with located messages.
struct Cells<'a> {
    rec: &'a csv::StringRecord,
    header: &'a Header,
    file: &'a str,
    line: u64,
}

impl Cells<'_> {
    fn name(&self, j: usize) -> &str {
        &self.header.names[j]
    }

    /// A covariate: any finite number.
    fn number(&self, j: usize, errors: &mut Errors) -> Option<f64> {
        let v = &self.rec[j];
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            Ok(_) | Err(_) => {
                errors.push(|| {
                    format!(
                        "{}:{}: {} = {v:?}: expected a finite number (a covariate)",
                        self.file,
                        self.line,
                        self.name(j)
                    )
                });
                None
            }
        }
    }

    fn time(&self, j: usize, errors: &mut Errors) -> Option<f64> {
        let v = &self.rec[j];
        match v.parse::<f64>() {
            Ok(t) if t.is_finite() && t >= 0.0 => Some(t),
            Ok(_) => {
                errors.push(|| {
                    format!("{}:{}: {} = {v}: expected a finite time of at least 0", self.file, self.line, self.name(j))
                });
                None
            }
            Err(_) => {
                errors.push(|| format!("{}:{}: {} = {v:?}: expected a number", self.file, self.line, self.name(j)));
                None
            }
        }
    }

    /// 0 censored, 1 the event, k ≥ 2 a competing cause; TRUE/FALSE as 1/0 (as `Surv` reads a
    /// logical status).
    fn status(&self, j: usize, errors: &mut Errors) -> Option<u32> {
        let v = &self.rec[j];
        // An integral number written as a float (1.0, as some programs write numeric
        // columns) is its integer.
        let integral = v.parse::<f64>().ok().filter(|x| *x >= 0.0 && x.fract() == 0.0 && *x < 4e9).map(|x| x as u32);
        match v.parse::<u32>().ok().or(integral) {
            Some(k) => Some(k),
            None if v.eq_ignore_ascii_case("true") => Some(1),
            None if v.eq_ignore_ascii_case("false") => Some(0),
            None => {
                errors.push(|| {
                    format!(
                        "{}:{}: {} = {v:?}: expected 0 (censored), 1 (event) or a competing cause 2, 3, …",
                        self.file,
                        self.line,
                        self.name(j)
                    )
                });
                None
            }
        }
    }

    fn flag(&self, j: usize, what: &str, meaning: &str, errors: &mut Errors) -> Option<u32> {
        let v = &self.rec[j];
        match v {
            "0" | "0.0" => Some(0),
            "1" | "1.0" => Some(1),
            _ if v.eq_ignore_ascii_case("true") => Some(1),
            _ if v.eq_ignore_ascii_case("false") => Some(0),
            _ => {
                errors.push(|| {
                    format!("{}:{}: {what} {} = {v:?}: expected 0 or 1 ({meaning})", self.file, self.line, self.name(j))
                });
                None
            }
        }
    }

    fn label(&self, j: usize, what: &str, errors: &mut Errors) -> Option<&str> {
        let v = &self.rec[j];
        if v.is_empty() || v.eq_ignore_ascii_case("na") {
            errors.push(|| {
                format!(
                    "{}:{}: {} is missing (an empty cell or NA; expected the {what})",
                    self.file,
                    self.line,
                    self.name(j)
                )
            });
            return None;
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests;
