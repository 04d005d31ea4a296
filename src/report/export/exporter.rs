//! What every format implements, and what the formats for people share.

use crate::report::model::{RunReport, SizeReport, SweepReport};

/// A format: the text of each kind of report.
pub(super) trait Exporter {
    fn run(&self, report: &RunReport) -> String;
    fn sweep(&self, report: &SweepReport) -> String;
    fn size(&self, report: &SizeReport) -> String;
}

/// A number with `digits` decimals, or a dash where there is none (for people's formats).
pub(super) fn fixed(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.digits$}"),
        _ => "—".into(),
    }
}
