//! JSON: the reports' serde serialisation, pretty-printed (keys in DESIGN.md's order).

use super::exporter::Exporter;
use crate::report::model::{RunReport, SimonReport, SizeReport, SweepReport, VerifyReport};

pub struct Json;

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("reports serialise") + "\n"
}

impl Exporter<RunReport> for Json {
    fn export(&self, report: &RunReport) -> String {
        pretty(report)
    }
}

impl Exporter<SweepReport> for Json {
    fn export(&self, report: &SweepReport) -> String {
        pretty(report)
    }
}

impl Exporter<SizeReport> for Json {
    fn export(&self, report: &SizeReport) -> String {
        pretty(report)
    }
}

impl Exporter<SimonReport> for Json {
    fn export(&self, report: &SimonReport) -> String {
        pretty(report)
    }
}

impl Exporter<VerifyReport> for Json {
    fn export(&self, report: &VerifyReport) -> String {
        pretty(report)
    }
}

/// A sweep's JSON written point by point, byte for byte the text of the whole report
/// (`Json.sweep`), so that a sweep's memory does not grow with its points' reports: `OPEN`,
/// then each point, then `close` with the fields after the points.
pub mod sweep {
    use crate::report::model::{Execution, Interrupted, SweepPoint, SweepReport};

    pub const OPEN: &str = "{\n  \"points\": [";

    /// The text of point `point`, the first of the array when `first`.
    pub fn point(first: bool, point: &SweepPoint) -> String {
        let text = serde_json::to_string_pretty(point).expect("reports serialise");
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        out.push_str(if first { "\n" } else { ",\n" });
        // At depth 2 every line is indented by four spaces (no JSON string holds a newline).
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str("    ");
            out.push_str(line);
        }
        out
    }

    /// What follows the points: the text of a report without points, after its empty array.
    pub fn close(any: bool, seconds: f64, execution: Option<Execution>, interrupted: Option<Interrupted>) -> String {
        let empty = SweepReport { points: Vec::new(), seconds, execution, interrupted, target_power: None };
        let text = crate::report::export::json::pretty(&empty);
        let rest = text.strip_prefix("{\n  \"points\": []").expect("a sweep report opens with its points");
        format!("{}{rest}", if any { "\n  ]" } else { "]" })
    }
}
