//! One file per command: its options, the library calls, the report model, the render. What
//! several share (an output folder, the plots, a run report on its way out) is `outputs.rs`.

mod analyze;
mod merge;
mod missing;
mod outputs;
mod run;
mod sample;
mod show;
mod simon;
mod size;
mod sweep;
mod validate;
mod verify;

use crate::cli::{Cli, CliError, Command};

/// Runs a parsed command line; what it prints goes to stdout, messages to stderr.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Verify(args) => verify::verify(args),
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Show(args) => show::show(args),
        Command::Analyze(args) => analyze::analyze(args),
        Command::Size(args) => size::size(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Sample(args) => sample::sample(args),
        Command::Missing(args) => missing::missing(args),
        Command::Merge(args) => merge::merge(args),
        Command::Simon(args) => simon::simon(args),
    }
}
