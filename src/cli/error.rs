//! What went wrong, and the exit code it gets: decided here, once.

use crate::{report, scenario};

/// What went wrong, and which exit code it gets.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input (scenario, CSV, flags): exit code 2.
    #[error("{0}")]
    Input(String),
    /// Anything else (I/O on output, …): exit code 1.
    #[error("{0}")]
    Failure(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Failure(_) => 1,
        }
    }
}

impl From<report::output::OutputError> for CliError {
    fn from(e: report::output::OutputError) -> Self {
        match e {
            report::output::OutputError::Io(m) => CliError::Failure(m),
            report::output::OutputError::Exists(m)
            | report::output::OutputError::BadFolder(m)
            | report::output::OutputError::Unreadable(m) => CliError::Input(m),
        }
    }
}

impl From<scenario::ScenarioError> for CliError {
    fn from(e: scenario::ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}
