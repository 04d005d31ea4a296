//! The command line: clap definitions, and the dispatch from a command to the library.

use crate::{report, scenario};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// What went wrong, and which exit code it gets.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input (scenario, CSV, flags): exit code 2.
    #[error("{0}")]
    Input(String),
    /// The command exists but its engine comes in a later release: exit code 1.
    #[error("peritrial {0}: not yet implemented")]
    NotImplemented(&'static str),
    /// Anything else (I/O on output, …): exit code 1.
    #[error("{0}")]
    Failure(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::NotImplemented(_) | CliError::Failure(_) => 1,
        }
    }
}

impl From<scenario::ScenarioError> for CliError {
    fn from(e: scenario::ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "peritrial",
    version,
    about = "Designs clinical trials of intraperitoneal rmhTNF perfusion by simulating them"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ScenarioArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a value by its dotted path before validation (VALUE in TOML syntax); repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate the scenario's virtual trials and report every endpoint.
    Run {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Number of virtual trials (default: study.replicates).
        #[arg(long)]
        replicates: Option<u64>,
        /// Study seed (default: study.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Write the report here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Run shard K of N (1-based), for `merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Check scenarios; report every error, not just the first.
    Validate {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
    /// Print the effective scenario with defaults filled in.
    Show {
        #[command(flatten)]
        scenario: ScenarioArgs,
    },
    /// Run the analyses on one trial's data (CSV columns time,status,arm[,stratum]).
    Analyze {
        data: PathBuf,
        /// Milestone months for survival estimates.
        #[arg(long, value_delimiter = ',', default_value = "12,24,36")]
        milestones: Vec<f64>,
        /// Restriction time for the restricted mean survival time.
        #[arg(long, default_value_t = 36.0)]
        tau: f64,
    },
    /// Smallest sample size (or event count) reaching a target power.
    Size {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        target_power: f64,
        #[arg(long)]
        vary: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Power and estimates across a grid of values.
    Sweep {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long, required = true, value_name = "PATH=V1,V2,…")]
        vary: Vec<String>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write patient-level datasets of K virtual trials.
    Sample {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long)]
        trials: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Combine shard outputs into one report.
    Merge {
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Simon's optimal and minimax two-stage designs.
    Simon {
        #[arg(long)]
        p0: f64,
        #[arg(long)]
        p1: f64,
        #[arg(long)]
        alpha: f64,
        #[arg(long)]
        beta: f64,
    },
}

/// Runs a parsed command line; what it prints goes to stdout, messages to stderr.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Validate { scenarios, sets } => validate(&scenarios, &sets),
        Command::Show { scenario } => {
            let s = scenario::load(&scenario.scenario, &scenario.sets)?;
            print!("{}", scenario::to_toml(&s));
            Ok(())
        }
        Command::Run { .. } => Err(CliError::NotImplemented("run")),
        Command::Analyze { data, milestones, tau } => analyze(&data, &milestones, tau),
        Command::Size { .. } => Err(CliError::NotImplemented("size")),
        Command::Sweep { .. } => Err(CliError::NotImplemented("sweep")),
        Command::Sample { .. } => Err(CliError::NotImplemented("sample")),
        Command::Merge { .. } => Err(CliError::NotImplemented("merge")),
        Command::Simon { .. } => Err(CliError::NotImplemented("simon")),
    }
}

fn validate(files: &[PathBuf], sets: &[String]) -> Result<(), CliError> {
    let mut messages = Vec::new();
    for f in files {
        match scenario::load(f, sets) {
            Ok(_) => eprintln!("{}: ok", f.display()),
            Err(e) => messages.extend(e.messages),
        }
    }
    if messages.is_empty() { Ok(()) } else { Err(CliError::Input(messages.join("\n"))) }
}

fn analyze(data: &std::path::Path, milestones: &[f64], tau: f64) -> Result<(), CliError> {
    if let Some(m) = milestones.iter().find(|m| !(m.is_finite() && **m > 0.0)) {
        return Err(CliError::Input(format!("--milestones: {m} is not a positive number of months")));
    }
    if !(tau.is_finite() && tau > 0.0) {
        return Err(CliError::Input(format!("--tau: {tau} is not a positive number of months")));
    }
    let obs = crate::data::read_csv(data).map_err(|e| CliError::Input(e.0))?;
    let result = crate::stats::trial::analyze(&obs, milestones, tau);
    report::emit(&report::analyze::json(&result, milestones, tau), None).map_err(|e| CliError::Failure(e.to_string()))
}
