//! The argument groups several commands share, declared once and flattened into each; a
//! command whose help says more of a flag rewords it with `mut_arg` where it flattens the group.

use crate::report::export::Format;
use crate::scenario;
use std::path::{Path, PathBuf};

use super::error::CliError;

/// The scenario file and its `--set` overrides.
#[derive(clap::Args, Debug, Clone)]
pub struct ScenarioArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a value by its dotted path before validation (VALUE in TOML syntax); repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

/// `--replicates`, `--seed` and `--threads` of a command that simulates.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct StudyArgs {
    /// Number of virtual trials (default: study.replicates).
    #[arg(long)]
    pub replicates: Option<u64>,
    /// Study seed (default: study.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

impl StudyArgs {
    /// Worker threads: the machine's cores by default; at most 4 per core.
    pub fn thread_count(&self) -> Result<usize, CliError> {
        thread_count(self.threads)
    }

    /// `sets` with `--replicates` and `--seed` added as `study.*` overrides.
    pub fn sets(&self, sets: &[String]) -> Result<Vec<String>, CliError> {
        with_study_flags(sets, self.replicates, self.seed)
    }
}

/// Worker threads: the machine's cores by default; at most 4 per core.
pub fn thread_count(threads: Option<usize>) -> Result<usize, CliError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match threads {
        Some(0) => Err(CliError::Usage("--threads 0: expected at least 1".into())),
        Some(t) if t > 4 * cores => Err(CliError::Usage(format!(
            "--threads {t}: expected at most {} (4 per core; this machine has {cores})",
            4 * cores
        ))),
        Some(t) => Ok(t),
        None => Ok(cores),
    }
}

/// The `--set` overrides with `--replicates` and `--seed` as `study.replicates` and
/// `study.seed`, so that the flags go through validation like the scenario's own values and the
/// validated scenario is never changed afterwards.
pub fn with_study_flags(sets: &[String], replicates: Option<u64>, seed: Option<u64>) -> Result<Vec<String>, CliError> {
    let mut sets = sets.to_vec();
    if let Some(r) = replicates {
        if r == 0 || r > scenario::MAX_REPLICATES as u64 {
            return Err(CliError::Usage(format!("--replicates {r}: expected 1 to {}", scenario::MAX_REPLICATES)));
        }
        sets.push(format!("study.replicates={r}"));
    }
    if let Some(seed) = seed {
        // The scenario language's seeds are TOML integers (shards and checkpoints carry the
        // scenario as TOML), so the flag takes the same range.
        if seed > i64::MAX as u64 {
            return Err(CliError::Usage(format!("--seed {seed}: expected an integer from 0 to {}", i64::MAX)));
        }
        sets.push(format!("study.seed={seed}"));
    }
    Ok(sets)
}

/// `--out`, `--force` and `--format`.
#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// Write the report here instead of stdout (`-`: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing file given to --out.
    #[arg(long)]
    pub force: bool,
    /// The output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

impl OutputArgs {
    /// Where the report goes.
    pub fn target(&self) -> crate::report::output::Target<'_> {
        crate::report::output::Target::of(self.out.as_deref(), self.force)
    }
}

/// `--checkpoint` and `--resume`.
#[derive(clap::Args, Debug, Clone)]
pub struct ResumeArgs {
    /// Save the mergeable state of the finished replicates here, at most every 10 s and on
    /// interruption (atomically, with the scenario's checksum).
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// Continue from a checkpoint of the same run; the report is the one an uninterrupted
    /// run gives, byte for byte outside `timing`.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
}

impl ResumeArgs {
    pub fn resumable(&self) -> Resumable<'_> {
        Resumable { checkpoint: self.checkpoint.as_deref(), resume: self.resume.as_deref() }
    }
}

/// `--checkpoint` and `--resume`, borrowed.
#[derive(Clone, Copy)]
pub struct Resumable<'a> {
    pub checkpoint: Option<&'a Path>,
    pub resume: Option<&'a Path>,
}

/// `--plots` and `--html`.
#[derive(clap::Args, Debug, Clone)]
pub struct PictureArgs {
    /// Write the plots (SVG) into this folder (created if absent; refused if not empty,
    /// unless --force).
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Also write the self-contained HTML simulation report here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// `--shard` and `--shards`.
#[derive(clap::Args, Debug, Clone)]
pub struct ShardArgs {
    /// Run shard K of N (1-based), for `merge`; `auto`: K and N from the scheduler's
    /// environment (Slurm job arrays, Kubernetes Indexed Jobs or AWS Batch arrays with
    /// --shards N). With --out DIR (a folder), the file is DIR/shard-KKKKK-of-NNNNN.json,
    /// replaced on a rerun of the same shard.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// The number of shards, for --shard auto: needed with Kubernetes JOB_COMPLETION_INDEX
    /// and AWS_BATCH_JOB_ARRAY_INDEX; with Slurm, the task index is then the shard index
    /// (so that a resubmitted --array=2,4 reruns shards 2 and 4).
    #[arg(long, value_name = "N", requires = "shard")]
    pub shards: Option<u64>,
}

impl ShardArgs {
    /// The shard as K and N: from `--shard K/N`, or from the scheduler's environment with
    /// `--shard auto`.
    pub fn resolve(&self) -> Result<Option<(u64, u64)>, CliError> {
        match self.shard.as_deref() {
            Some("auto") => Ok(Some(super::shard::from_environment(&|v| std::env::var(v).ok(), self.shards)?)),
            Some(_) if self.shards.is_some() => {
                Err(CliError::Usage("--shards N: only with --shard auto (--shard K/N names N)".into()))
            }
            Some(spec) => Ok(Some(super::shard::parse(spec)?)),
            None => Ok(None),
        }
    }
}
