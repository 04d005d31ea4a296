//! What went wrong, and the exit code it gets: each failure says what happened, and the exit
//! code is decided here, once, by an exhaustive match.

use crate::{report, scenario};

/// What went wrong. The variant says what happened; [`CliError::exit_code`] alone turns it into
/// an exit code: 2 for the user's input (they can fix it and run again), 1 for the rest.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag's value, or a combination of flags, that the command does not take.
    #[error("{0}")]
    Usage(String),
    /// The scenario (file or `--set`) breaks a rule of the language, with file, line and path.
    #[error("{0}")]
    BadScenario(String),
    /// An input file (data CSV, report, shard, checkpoint, journal) cannot be read or is not
    /// what the command needs.
    #[error("{0}")]
    BadFile(String),
    /// The command declines to run or to answer: an output that exists without `--force`, a
    /// run estimated over 24 h, a search whose target cannot be reached.
    #[error("{0}")]
    Refused(String),
    /// A signal stopped the run; what was written is said in the message.
    #[error("{0}")]
    Interrupted(String),
    /// A check the command ran failed (`verify`, `missing`, `run --check`).
    #[error("{0}")]
    Failed(String),
    /// The system failed us: I/O on output, threads, drawing.
    #[error("{0}")]
    System(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::BadScenario(_) | CliError::BadFile(_) | CliError::Refused(_) => 2,
            CliError::Interrupted(_) | CliError::Failed(_) | CliError::System(_) => 1,
        }
    }
}

impl From<report::output::OutputError> for CliError {
    fn from(e: report::output::OutputError) -> Self {
        match e {
            report::output::OutputError::Io(m) => CliError::System(m),
            report::output::OutputError::Exists(m) => CliError::Refused(m),
            report::output::OutputError::BadFolder(m) => CliError::Usage(m),
            report::output::OutputError::Unreadable(m) => CliError::BadFile(m),
        }
    }
}

impl From<scenario::ScenarioError> for CliError {
    fn from(e: scenario::ScenarioError) -> Self {
        CliError::BadScenario(e.to_string())
    }
}
