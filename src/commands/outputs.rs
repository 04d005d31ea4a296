//! What several commands write the same way: a folder of files, the plots, a run report.

use crate::cli::{CliError, Format};
use crate::report;

/// A folder to write files into (`--plots`, `sample --out`): created if absent; one that is
/// not empty is refused without --force.
pub fn output_folder(dir: &std::path::Path, force: bool) -> Result<(), CliError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(CliError::Input(format!(
                    "{}: the folder is not empty; add --force to write into it (files of the same names are replaced)",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Failure(format!("cannot create the folder {}: {e}", dir.display()))),
        Err(e) => Err(CliError::Input(format!("{}: not a folder that can be read: {e}", dir.display()))),
    }
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
