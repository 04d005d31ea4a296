//! What several commands write the same way: a folder of files, the plots, a run report.

use crate::cli::{CliError, Format};
use crate::report;

/// A folder to write files into (`--plots`, `sample --out`): created if absent; one that is
/// not empty is refused without --force.
pub fn output_folder(dir: &std::path::Path, force: bool) -> Result<(), CliError> {
    Ok(report::output::output_folder(dir, force)?)
}

/// Writes each plot into `dir` (atomically, as every output).
pub fn write_plots(
    dir: &std::path::Path,
    plots: Result<Vec<report::plot::Plot>, String>,
    force: bool,
) -> Result<(), CliError> {
    output_folder(dir, force)?;
    for (name, svg) in plots.map_err(CliError::Failure)? {
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
