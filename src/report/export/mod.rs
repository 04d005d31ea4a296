//! The output formats. Each renders the typed reports of [`super::model`] and nothing else —
//! no format recomputes a number or reads another format's output — one file per format behind
//! one trait, as hyperfine's `export/` does.

mod csv;
mod exporter;
mod html;
mod json;
mod table;

use super::model::{RunReport, SizeReport, SweepReport};
use exporter::Exporter;

pub use json::sweep as json_sweep;

/// The formats of `run`, `merge`, `sweep` and `size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// A report of any command, to render.
#[derive(Clone, Copy)]
pub enum Report<'a> {
    Run(&'a RunReport),
    Sweep(&'a SweepReport),
    Size(&'a SizeReport),
}

fn exporter(format: Format) -> &'static dyn Exporter {
    match format {
        Format::Table => &table::Table,
        Format::Json => &json::Json,
        Format::Csv => &csv::Csv,
    }
}

/// The text of `report` in `format`.
pub fn render(format: Format, report: Report) -> String {
    let e = exporter(format);
    match report {
        Report::Run(r) => e.run(r),
        Report::Sweep(r) => e.sweep(r),
        Report::Size(r) => e.size(r),
    }
}

/// The self-contained HTML simulation report of `report`.
pub fn html(report: Report) -> String {
    let e = html::Html;
    match report {
        Report::Run(r) => e.run(r),
        Report::Sweep(r) => e.sweep(r),
        Report::Size(r) => e.size(r),
    }
}
