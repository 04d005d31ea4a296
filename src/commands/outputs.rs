//! What several commands write the same way: the plots and a run report.

use crate::cli::{CliError, Format};
use crate::report;

/// Writes each plot into `dir` (atomically, as every output).
pub fn write_plots(
    dir: &std::path::Path,
    plots: Result<Vec<report::plot::Plot>, String>,
    force: bool,
) -> Result<(), CliError> {
    report::output::output_folder(dir, force)?;
    for (name, svg) in plots.map_err(CliError::System)? {
        report::emit(&svg, Some(&dir.join(name)), true)?;
    }
    Ok(())
}

/// A run report in its format to its target; its warnings also go to stderr, unless the table
/// already puts them on the terminal.
pub fn emit_report(
    value: &report::model::RunReport,
    format: Format,
    out: report::output::Target,
) -> Result<(), CliError> {
    if format != Format::Table || !matches!(out, report::output::Target::Stdout) {
        for w in &value.warnings {
            eprintln!("warning: {w}");
        }
    }
    let text = report::export::render(format, report::export::Report::Run(value));
    Ok(out.write(text.as_bytes())?)
}
