//! The output formats. Each renders the typed reports of [`super::model`] and nothing else —
//! no format recomputes a number or reads another format's output — one file per format behind
//! one trait, as hyperfine's `export/` does.

mod csv;
mod exporter;
mod html;
mod html_bayes;
mod json;
mod table;

use super::model::{RunReport, SimonReport, SizeReport, SweepReport, VerifyReport};
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
    Simon(&'a SimonReport),
    Verify(&'a VerifyReport),
}

/// A report that has an HTML page (the simulations').
#[derive(Clone, Copy)]
pub enum Page<'a> {
    Run(&'a RunReport),
    Sweep(&'a SweepReport),
    Size(&'a SizeReport),
}

/// The text of `report` in `format`: the one place a format is chosen.
fn text<R>(format: Format, report: &R) -> String
where
    table::Table: Exporter<R>,
    json::Json: Exporter<R>,
    csv::Csv: Exporter<R>,
{
    match format {
        Format::Table => table::Table.export(report),
        Format::Json => json::Json.export(report),
        Format::Csv => csv::Csv.export(report),
    }
}

/// The text of `report` in `format`.
pub fn render(format: Format, report: Report) -> String {
    match report {
        Report::Run(r) => text(format, r),
        Report::Sweep(r) => text(format, r),
        Report::Size(r) => text(format, r),
        Report::Simon(r) => text(format, r),
        Report::Verify(r) => text(format, r),
    }
}

/// The self-contained HTML simulation report of `page`.
pub fn html(page: Page) -> String {
    match page {
        Page::Run(r) => html::Html.export(r),
        Page::Sweep(r) => html::Html.export(r),
        Page::Size(r) => html::Html.export(r),
    }
}
