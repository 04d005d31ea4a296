//! The scenario language: TOML text → a tree that remembers origins (`tree`) → `--set`
//! overrides → a validated [`Scenario`] (`validate`) in which every invariant holds.
//! `show` writes a scenario back as TOML with every default filled in.

mod model;
mod read;
mod show;
mod tree;
mod validate;

pub use model::*;
pub use read::Diagnostic;
pub use show::to_toml;
pub use tree::{Origin, nearest, parse_path};
pub use validate::{MAX_MONTHS, MAX_REPLICATES, MAX_SAMPLE_SIZE};

use std::fmt;
use std::path::Path;

/// Why a scenario could not be loaded: every message, each naming file:line:column (or the
/// `--set` argument) and the dotted path.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub file: String,
    pub messages: Vec<String>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.messages.join("\n"))
    }
}

impl std::error::Error for ScenarioError {}

/// Reads, overrides and validates a scenario file.
pub fn load(path: &Path, sets: &[String]) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ScenarioError {
        file: file.clone(),
        messages: vec![format!("{file}: cannot read the scenario: {e}")],
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ScenarioError {
        file: file.clone(),
        messages: vec![format!("{file}: not a text file: invalid UTF-8 at byte {}", e.utf8_error().valid_up_to())],
    })?;
    from_str(&text, &file, sets)
}

/// Parses, overrides and validates scenario text; `file` names it in messages.
pub fn from_str(text: &str, file: &str, sets: &[String]) -> Result<Scenario, ScenarioError> {
    let fail = |messages: Vec<String>| ScenarioError { file: file.to_string(), messages };
    if text.trim().is_empty() {
        return Err(fail(vec![format!(
            "{file}: the scenario is empty; expected [study], [arms], [enrollment], [cohorts], [endpoints] and [analysis] tables"
        )]));
    }
    let mut root =
        tree::parse_document(text).map_err(|e| fail(vec![format!("{}: {}", e.origin.locate(file), e.message)]))?;
    let mut set_errors = Vec::new();
    for arg in sets {
        if let Err(e) = tree::apply_set(&mut root, arg) {
            set_errors.push(format!("{file}: {e}"));
        }
    }
    if !set_errors.is_empty() {
        return Err(fail(set_errors));
    }
    validate::scenario(&root).map_err(|errs| fail(errs.iter().map(|d| d.render(file)).collect()))
}
