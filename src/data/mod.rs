//! Reading one trial's data from CSV (`peritrial analyze`): a header naming the columns
//! `time`, `status`, `arm` and optionally `stratum`, in any order; one patient per record.
//! RFC 4180 (quoted fields, quotes doubled inside them, CRLF or LF) through the `csv` crate,
//! streamed: a file of any size is read record by record, and of its problems the first 20
//! are kept with their line numbers and the rest only counted.

use crate::stats::Obs;
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

pub fn read_csv(path: &Path) -> Result<Vec<Obs>, DataError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| DataError(format!("{file}: cannot read: {e}")))?;
    parse_reader(std::io::BufReader::with_capacity(1 << 16, f), &file)
}

pub fn parse_csv(text: &str, file: &str) -> Result<Vec<Obs>, DataError> {
    parse_reader(text.as_bytes(), file)
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

fn parse_reader<R: Read>(input: R, file: &str) -> Result<Vec<Obs>, DataError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(input);
    let mut rec = csv::StringRecord::new();
    // The header: the first record that is not blank.
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => {
                return Err(DataError(format!(
                    "{file}: the file is empty; expected a header time,status,arm[,stratum] and one line per patient"
                )));
            }
            Ok(true) if blank(&rec) => continue,
            Ok(true) => break,
            Err(e) => return Err(DataError(csv_problem(file, &e).0)),
        }
    }
    let h = line_of(&rec);
    // A UTF-8 byte-order mark (as spreadsheet programs write) is not part of the first name.
    let names: Vec<String> = rec
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let c = if j == 0 { c.strip_prefix('\u{feff}').unwrap_or(c).trim() } else { c };
            c.to_ascii_lowercase()
        })
        .collect();
    let header = names.join(",");
    for (j, n) in names.iter().enumerate() {
        if let Some(k) = names[..j].iter().position(|m| m == n) {
            return Err(DataError(format!(
                "{file}:{h}: the header names column {n:?} twice (columns {} and {}): which one is meant is not clear",
                k + 1,
                j + 1
            )));
        }
    }
    let col = |name: &str| names.iter().position(|n| n == name);
    let (Some(ti), Some(si), Some(ai)) = (col("time"), col("status"), col("arm")) else {
        let missing: Vec<&str> = ["time", "status", "arm"].into_iter().filter(|n| col(n).is_none()).collect();
        return Err(DataError(format!(
            "{file}:{h}: the header {header:?} lacks column(s) {}; expected time,status,arm[,stratum]",
            missing.join(", ")
        )));
    };
    let st = col("stratum");
    let mut obs = Vec::new();
    let mut errors = Errors::default();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) if blank(&rec) => continue,
            Ok(true) => {
                if let Some(o) = record(&rec, file, &names, (ti, si, ai, st), &mut errors) {
                    obs.push(o);
                }
            }
            Err(e) => {
                let (msg, fatal) = csv_problem(file, &e);
                if fatal {
                    return Err(DataError(msg));
                }
                errors.push(|| msg);
            }
        }
    }
    if !errors.listed.is_empty() {
        let mut text = errors.listed.join("\n");
        if errors.more > 0 {
            text.push_str(&format!("\n{file}: … and {} more", errors.more));
        }
        return Err(DataError(text));
    }
    if obs.is_empty() {
        return Err(DataError(format!("{file}: no patients after the header")));
    }
    Ok(obs)
}

/// One patient, or its problems.
fn record(
    rec: &csv::StringRecord,
    file: &str,
    names: &[String],
    (ti, si, ai, st): (usize, usize, usize, Option<usize>),
    errors: &mut Errors,
) -> Option<Obs> {
    let line_no = line_of(rec);
    if rec.len() != names.len() {
        errors.push(|| format!("{file}:{line_no}: expected {} columns, found {}", names.len(), rec.len()));
        return None;
    }
    let time = match rec[ti].parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Some(t),
        Ok(_) => {
            errors.push(|| format!("{file}:{line_no}: time = {}: expected a finite time of at least 0", &rec[ti]));
            None
        }
        Err(_) => {
            errors.push(|| format!("{file}:{line_no}: time = {:?}: expected a number", &rec[ti]));
            None
        }
    };
    let mut flag = |j: usize, what: &str| match &rec[j] {
        "0" => Some(0u8),
        "1" => Some(1u8),
        other => {
            errors.push(|| {
                format!(
                    "{file}:{line_no}: {what} = {other:?}: expected 0 or 1{}",
                    if what == "status" { " (1 = event, 0 = censored)" } else { " (0 = control, 1 = treatment)" }
                )
            });
            None
        }
    };
    let status = flag(si, "status");
    let arm = flag(ai, "arm");
    let stratum = match st {
        None => Some(0u16),
        Some(j) => match rec[j].parse::<u16>() {
            Ok(s) => Some(s),
            Err(_) => {
                errors.push(|| {
                    format!("{file}:{line_no}: stratum = {:?}: expected a whole number from 0 to 65535", &rec[j])
                });
                None
            }
        },
    };
    Some(Obs { time: time?, status: status?, arm: arm?, stratum: stratum? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_crlf_and_a_bom_are_read() {
        let text = "\u{feff}\"Time\",status,\"arm\"\r\n\"1.5\",1,0\r\n\r\n2,\"0\",1\r\n";
        let obs = parse_csv(text, "x.csv").unwrap();
        assert_eq!(obs.len(), 2);
        assert_eq!((obs[0].time, obs[0].status, obs[0].arm), (1.5, 1, 0));
        assert_eq!((obs[1].time, obs[1].status, obs[1].arm), (2.0, 0, 1));
        // A quoted comma is part of the field, not a separator.
        let e = parse_csv("time,status,arm\n\"1,5\",1,0\n", "x.csv").unwrap_err();
        assert_eq!(e.0, "x.csv:2: time = \"1,5\": expected a number");
    }

    #[test]
    fn errors_are_located_and_only_the_first_twenty_listed() {
        let mut text = String::from("time,status,arm\n");
        for _ in 0..25 {
            text.push_str("x,1,0\n");
        }
        let e = parse_csv(&text, "x.csv").unwrap_err().0;
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[0], "x.csv:2: time = \"x\": expected a number");
        assert_eq!(lines[20], "x.csv: … and 5 more");
        let e = parse_csv("time,status,arm\n1,1\n", "x.csv").unwrap_err().0;
        assert_eq!(e, "x.csv:2: expected 3 columns, found 2");
        let e = parse_csv("time,status,arm\n1,\u{0}\u{ff},0\n".replace('\u{ff}', "").as_str(), "x.csv").unwrap_err().0;
        assert!(e.contains("x.csv:2: status"), "{e}");
    }
}
