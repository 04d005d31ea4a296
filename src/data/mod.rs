//! Reading one trial's data from CSV (`peritrial analyze`): a header naming the columns
//! `time`, `status`, `arm` and optionally `stratum`, in any order; one patient per line.

use crate::stats::Obs;
use std::path::Path;

/// A located problem with the data file.
#[derive(Debug, Clone, PartialEq)]
pub struct DataError(pub String);

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn read_csv(path: &Path) -> Result<Vec<Obs>, DataError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| DataError(format!("{file}: cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        DataError(format!("{file}: not a text file: invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()))
    })?;
    parse_csv(&text, &file)
}

pub fn parse_csv(text: &str, file: &str) -> Result<Vec<Obs>, DataError> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((h, header)) = lines.next() else {
        return Err(DataError(format!(
            "{file}: the file is empty; expected a header time,status,arm[,stratum] and one line per patient"
        )));
    };
    // A UTF-8 byte-order mark (as spreadsheet programs write) is not part of the first name.
    let header = header.strip_prefix('\u{feff}').unwrap_or(header);
    let names: Vec<String> = header.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    for (j, n) in names.iter().enumerate() {
        if let Some(k) = names[..j].iter().position(|m| m == n) {
            return Err(DataError(format!(
                "{file}:{}: the header names column {n:?} twice (columns {} and {}): which one is meant is not clear",
                h + 1,
                k + 1,
                j + 1
            )));
        }
    }
    let col = |name: &str| names.iter().position(|n| n == name);
    let (Some(ti), Some(si), Some(ai)) = (col("time"), col("status"), col("arm")) else {
        let missing: Vec<&str> = ["time", "status", "arm"].into_iter().filter(|n| col(n).is_none()).collect();
        return Err(DataError(format!(
            "{file}:{}: the header {header:?} lacks column(s) {}; expected time,status,arm[,stratum]",
            h + 1,
            missing.join(", ")
        )));
    };
    let st = col("stratum");
    let mut obs = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in lines {
        let line_no = i + 1;
        let cells: Vec<&str> = line.split(',').map(|c| c.trim().trim_matches('"')).collect();
        if cells.len() != names.len() {
            errors.push(format!("{file}:{line_no}: expected {} columns, found {}", names.len(), cells.len()));
            continue;
        }
        let time = match cells[ti].parse::<f64>() {
            Ok(t) if t.is_finite() && t >= 0.0 => Some(t),
            Ok(_) => {
                errors.push(format!("{file}:{line_no}: time = {}: expected a finite time of at least 0", cells[ti]));
                None
            }
            Err(_) => {
                errors.push(format!("{file}:{line_no}: time = {:?}: expected a number", cells[ti]));
                None
            }
        };
        let mut flag = |j: usize, what: &str| match cells[j] {
            "0" => Some(0u8),
            "1" => Some(1u8),
            other => {
                errors.push(format!(
                    "{file}:{line_no}: {what} = {other:?}: expected 0 or 1{}",
                    if what == "status" { " (1 = event, 0 = censored)" } else { " (0 = control, 1 = treatment)" }
                ));
                None
            }
        };
        let status = flag(si, "status");
        let arm = flag(ai, "arm");
        let stratum = match st {
            None => Some(0u16),
            Some(j) => match cells[j].parse::<u16>() {
                Ok(s) => Some(s),
                Err(_) => {
                    errors.push(format!(
                        "{file}:{line_no}: stratum = {:?}: expected a whole number from 0 to 65535",
                        cells[j]
                    ));
                    None
                }
            },
        };
        if let (Some(time), Some(status), Some(arm), Some(stratum)) = (time, status, arm, stratum) {
            obs.push(Obs { time, status, arm, stratum });
        }
    }
    if !errors.is_empty() {
        if errors.len() > 20 {
            let more = errors.len() - 20;
            errors.truncate(20);
            errors.push(format!("{file}: … and {more} more"));
        }
        return Err(DataError(errors.join("\n")));
    }
    if obs.is_empty() {
        return Err(DataError(format!("{file}: no patients after the header")));
    }
    Ok(obs)
}
