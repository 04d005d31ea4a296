//! JSON: the reports' serde serialisation, pretty-printed (keys in DESIGN.md's order).

use super::Exporter;
use crate::report::model::{RunReport, SizeReport, SweepReport};

pub struct Json;

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("reports serialise") + "\n"
}

impl Exporter for Json {
    fn run(&self, report: &RunReport) -> String {
        pretty(report)
    }

    fn sweep(&self, report: &SweepReport) -> String {
        pretty(report)
    }

    fn size(&self, report: &SizeReport) -> String {
        pretty(report)
    }
}
