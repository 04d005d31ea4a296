//! The command line only: the clap types (each command's arguments, with the groups several
//! commands share flattened into them, `groups.rs`), the error type that decides the exit
//! code (`error.rs`), progress, signals and run-time estimates (`progress.rs`), and shard
//! naming (`shard.rs`). What each command does is in `commands/`, one file each; the
//! dispatch is `commands::run`.

mod error;
mod groups;
pub mod progress;
pub mod shard;

pub use error::CliError;
pub use groups::{
    OutputArgs, PictureArgs, Resumable, ResumeArgs, ScenarioArgs, ShardArgs, StudyArgs, thread_count, with_study_flags,
};

use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use crate::report::export::Format;

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

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Installation qualification: re-run the comparisons with the bundled R survival and
    /// rpact references, the golden reports and a short calibration on this machine, and print
    /// a dated report of each check with its tolerance and result (exit 1 if any fails).
    Verify(VerifyArgs),
    /// Simulate the scenario's virtual trials and report every endpoint.
    Run(RunArgs),
    /// Check scenarios; report every error, not just the first.
    Validate(ValidateArgs),
    /// Print the effective scenario with defaults filled in.
    Show(ScenarioArgs),
    /// Run the analyses on a trial's data (CSV, one patient per line; columns named by the
    /// flags below). Time to event: status 0 = censored, 1 = the event, 2, 3, … = competing
    /// causes (as survival::Surv and cmprsk code them); arms and strata as any text or
    /// integer (arm 1 = treatment and 0 = control, or name them). Medians follow survival's
    /// quantile.survfit (the midpoint of a stretch where the curve is flat at 0.5).
    Analyze(AnalyzeArgs),
    /// Smallest sample size (or event count) reaching a target power.
    #[command(
        mut_arg("replicates", |a| a.help("Trials per evaluation with every trial (default: study.replicates)")),
        mut_arg("out", |a| a.help("Write the answer here instead of stdout (`-`: stdout)")),
        mut_arg("force", |a| a.help("Replace an existing file given to --out; start a search estimated above 24 h")),
        mut_arg("checkpoint", |a| a.help("Save the finished evaluations here, at most every 10 s and on interruption")),
        mut_arg("resume", |a| a.help("Continue the search whose checkpoint this is: its evaluations are not run again and the answer is the one an uninterrupted search gives")),
    )]
    Size(SizeArgs),
    /// Power and estimates across a one- or two-dimensional grid of values.
    #[command(
        mut_arg("replicates", |a| a.help("Trials per grid point (default: study.replicates)")),
        mut_arg("seed", |a| a.help("Study seed (default: study.seed); every grid point uses it")),
        mut_arg("out", |a| a.help("Write the sweep here instead of stdout (`-`: stdout)")),
        mut_arg("checkpoint", |a| a.help("Save the reports of the grid points finished so far here, after each point (atomically, with the sweep's checksum)")),
        mut_arg("resume", |a| a.help("Continue the sweep whose checkpoint this is: its finished points are not run again")),
        mut_arg("shard", |a| a
            .help("Run shard K of N (1-based) of the grid's replicates laid end to end (every point's in grid order: whole points for many points, a point's replicates split over shards for few), as JSON for `merge`, which gives the single sweep's report byte for byte; `auto`: K and N from the scheduler's environment, as `run --shard auto`. With --out DIR (a folder), the file is DIR/shard-KKKKK-of-NNNNN.json, replaced on a rerun")
            .conflicts_with_all(["checkpoint", "resume", "plots", "html"])),
        mut_arg("shards", |a| a.help("The number of shards, for --shard auto (as `run --shards`)")),
    )]
    Sweep(SweepArgs),
    /// Write patient-level datasets of K virtual trials.
    Sample(SampleArgs),
    /// List the shards of a folder that are absent or damaged (shard-KKKKK-of-NNNNN.json, as
    /// `run --shard auto --out DIR` and `sweep --shard auto --out DIR` name them), as a job-array range to resubmit
    /// (`sbatch --array=$(peritrial missing DIR --shards N) …`). Exit 0 when every shard is
    /// there and sound, 1 otherwise.
    Missing(MissingArgs),
    /// Combine shard outputs (`run --shard K/N --format json`) into one report.
    #[command(
        mut_arg("out", |a| a.help("Write the merged report here instead of stdout (`-`: stdout)")),
    )]
    Merge(MergeArgs),
    /// Simon's optimal and minimax two-stage designs (alpha is one-sided).
    Simon(SimonArgs),
}

// The arguments of each command (the command's help is its variant's above).

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// Write the report here as well as printing it (`-`: stdout only).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing file given to --out.
    #[arg(long)]
    pub force: bool,
    /// The output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The scenario file (TOML).
    #[arg(required_unless_present = "from")]
    pub scenario: Option<PathBuf>,
    /// Override a value by its dotted path before validation (VALUE in TOML syntax); repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Re-run exactly what produced this JSON report (its effective scenario, seed,
    /// replicates and shard) and say whether the result is identical (exit 1 if not).
    #[arg(long, value_name = "REPORT.json", conflicts_with_all = ["scenario", "sets", "replicates", "seed", "shard", "resume"])]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub shard: ShardArgs,
    /// No progress bar (and no progress lines when stderr is not a terminal).
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub resume: ResumeArgs,
    /// Also write one CSV row per virtual trial (replicate order; every statistic,
    /// p-value, estimate, decision, stopping look, cut month, events and patients).
    #[arg(long, value_name = "FILE", conflicts_with = "resume")]
    pub replicates_csv: Option<PathBuf>,
    #[command(flatten)]
    pub pictures: PictureArgs,
    /// Also run the scenario with every treatment effect at its null (hazard ratios and
    /// probabilities as the control arm's, single-arm rates at their null) on the same random
    /// numbers, and report each test's type I error beside its power.
    #[arg(long, conflicts_with_all = ["shard", "checkpoint", "resume"])]
    pub null: bool,
}

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// The scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Override a value by its dotted path before validation (VALUE in TOML syntax); repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// The trial's data (CSV).
    pub data: PathBuf,
    /// Milestone months for survival estimates.
    #[arg(long, value_delimiter = ',', default_value = "12,24,36")]
    pub milestones: Vec<f64>,
    /// Restriction time for the restricted mean survival time.
    #[arg(long, default_value_t = 36.0)]
    pub tau: f64,
    /// The column of the follow-up time in months.
    #[arg(long, value_name = "COLUMN", default_value = "time")]
    pub time: String,
    /// The column of the status (0 censored, 1 event, k >= 2 competing cause k; TRUE/FALSE as 1/0).
    #[arg(long, value_name = "COLUMN", default_value = "status")]
    pub status: String,
    /// The column of the arm.
    #[arg(long, value_name = "COLUMN", default_value = "arm")]
    pub arm: String,
    /// The column of the stratum (default: `stratum` where the file has one).
    #[arg(long, value_name = "COLUMN")]
    pub strata: Option<String>,
    /// The arm label of the treatment arm (needed when the labels are not 0/1 and neither
    /// is `control`).
    #[arg(long, value_name = "LABEL")]
    pub treatment: Option<String>,
    /// The arm label of the control arm.
    #[arg(long, value_name = "LABEL")]
    pub control: Option<String>,
    /// The status code of the event of interest; other positive codes are competing events.
    #[arg(long, value_name = "CODE", default_value_t = 1)]
    pub event_cause: u32,
    /// A binary response column (0/1 or TRUE/FALSE): rates with Clopper-Pearson and Wilson
    /// intervals, Fisher's and the chi-square tests, instead of time to event.
    #[arg(long, value_name = "COLUMN")]
    pub response: Option<String>,
    /// The response rate of the null hypothesis for the exact binomial test (with --response).
    #[arg(long, value_name = "P", requires = "response")]
    pub null_rate: Option<f64>,
    /// A non-inferiority margin on the difference of response rates (treatment − control,
    /// in (-1, 0]): the Farrington–Manning score test of H0: difference ≤ D, as the
    /// scenario language's `null_difference` (with --response).
    #[arg(long, value_name = "D", requires = "response", allow_hyphen_values = true)]
    pub null_difference: Option<f64>,
    /// Only trial K of a long table (the rows whose `trial` column is K, as `sample` writes).
    #[arg(long, value_name = "K", conflicts_with = "by")]
    pub trial: Option<String>,
    /// One result per value of this column (e.g. `--by trial`): a block of the table, a JSON
    /// object per line, or a CSV row per value.
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// The output format: the table (default), JSON (one object; with --by one per line) or
    /// CSV (one row per data set, the JSON's keys flattened with dots).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The column of each patient's calendar month of entry (with --looks).
    #[arg(long, value_name = "COLUMN")]
    pub entry: Option<String>,
    /// A group-sequential analysis (the DMC's): the calendar months of the looks, the last the
    /// analysis of these data (each at most the data's cut). Each look's log-rank z and events
    /// from the data as they stood then; the efficacy boundaries of --spending at --alpha
    /// spent at the events observed over --planned-events; the stage-wise p-value, the
    /// median-unbiased hazard ratio and its interval where the trial stops; repeated intervals.
    /// With --response (and --assessed-after): the patients assessed by each look, the rate
    /// difference (or a single arm's rate on the exact binomial, with --null-rate).
    #[arg(long, value_delimiter = ',', value_name = "MONTHS", requires = "entry")]
    pub looks: Vec<f64>,
    /// The spending function of the looks: obrien_fleming, pocock or hwang_shih_decani:GAMMA.
    #[arg(long, default_value = "obrien_fleming", requires = "looks")]
    pub spending: String,
    /// The one-sided level of the looks' test.
    #[arg(long, default_value_t = 0.025, requires = "looks")]
    pub alpha: f64,
    /// The planned events of the final analysis (default: the last look's, which is then the
    /// final analysis); a last look with fewer events is an interim. With --response: the
    /// planned patients assessed.
    #[arg(long, value_name = "EVENTS", requires = "looks")]
    pub planned_events: Option<f64>,
    /// With --response and --looks: the months from entry to a patient's response assessment;
    /// a look counts the patients whose assessment fell due by its month (entry + this), with
    /// their recorded response (a patient who died or was lost before it: 0, as the engine).
    #[arg(long, value_name = "MONTHS", requires = "looks", requires = "response")]
    pub assessed_after: Option<f64>,
    /// Baseline covariate columns (numeric; a binary one 0/1; a record missing one is left out
    /// and counted): the comparison adjusted for them — the propensity score of the arm by
    /// logistic regression, its weights (--weighting) and the balance before and after, and for
    /// time to event the Cox model with the covariates (the conditional hazard ratio), the
    /// weighted Cox model with the robust variance (the marginal one) and the weighted
    /// Kaplan–Meier curves; for a response the logistic model, the risk difference by
    /// standardisation (delta-method and influence-function SEs) and by weighting.
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub covariates: Vec<String>,
    /// The propensity weights: ate (the whole population), att (the treated: odds weights) or
    /// overlap.
    #[arg(long, value_enum, default_value = "ate", requires = "covariates")]
    pub weighting: Weighting,
    /// Truncate the weights at this quantile and its complement (e.g. 0.01: the 1st and 99th
    /// percentiles, R's type 7).
    #[arg(long, value_name = "Q", requires = "covariates")]
    pub truncate: Option<f64>,
    /// With --response: the Bayesian analysis of the rates under this prior for each arm —
    /// `beta:A,B`, a robust mixture `mixture:W,A1,B1,A2,B2` (weight W on Beta(A1, B1), the rest
    /// on Beta(A2, B2)), or a power prior `power:A0,XH,NH` (historical XH responders of NH
    /// discounted by A0, from Beta(1, 1)): the posterior, its mean and 95% credible interval,
    /// P(rate > --null-rate), and with two arms P(difference > --null-difference or 0); the
    /// prior's effective sample size (ELIR). For time to event, `normal:M,S` on the log hazard
    /// ratio: the posterior from the Cox estimate's normal likelihood, its 95% credible interval
    /// and P(HR < 1).
    #[arg(long, value_name = "SPEC")]
    pub prior: Option<String>,
    /// With --prior and --null-rate, a single arm at an interim: the final sample size. Adds
    /// the predictive probability that the final analysis succeeds (P(rate > --null-rate |
    /// all data) > --success-probability), and the fewest final responders that succeed.
    #[arg(long, value_name = "N", requires = "prior", requires = "null_rate")]
    pub final_patients: Option<u64>,
    /// The posterior probability the final analysis needs for success.
    #[arg(long, value_name = "C", default_value_t = 0.975, requires = "final_patients")]
    pub success_probability: f64,
}

/// The estimand of the propensity weights.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weighting {
    Ate,
    Att,
    Overlap,
}

#[derive(clap::Args, Debug)]
pub struct SizeArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The endpoint whose test is powered.
    #[arg(long)]
    pub endpoint: String,
    /// The power sought, in (0, 1).
    #[arg(long)]
    pub target_power: f64,
    /// The count varied: analysis.cut.events (default under an event-driven cut) or
    /// enrollment.sample_size.
    #[arg(long, value_name = "PATH")]
    pub vary: Option<String>,
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// No progress display.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub resume: ResumeArgs,
    #[command(flatten)]
    pub pictures: PictureArgs,
    /// For a driver on a cluster (examples/slurm/size-driver.sh): replay the search from
    /// --checkpoint (absent: none done) and print the evaluation it needs next, as
    /// `next PATH=VALUE TRIALS`, writing that evaluation's effective scenario to FILE (for
    /// a sharded `run`), or print `done` when it needs none; runs nothing.
    #[arg(long, value_name = "FILE", requires = "checkpoint", conflicts_with_all = ["resume", "record", "out", "plots", "html"])]
    pub next: Option<PathBuf>,
    /// For a driver: add the evaluations these run reports are (`run`, or `merge` of its
    /// shards, as JSON) to --checkpoint, after checking that each is complete and is the
    /// run of one of this search's evaluations (its effective scenario byte for byte).
    #[arg(long, value_name = "REPORT.json", requires = "checkpoint", conflicts_with_all = ["resume", "out", "plots", "html"])]
    pub record: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A dotted path and its values in TOML syntax, comma-separated (repeat for a 2-D grid).
    #[arg(long, required = true, value_name = "PATH=V1,V2,…")]
    pub vary: Vec<String>,
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// No progress display.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub resume: ResumeArgs,
    #[command(flatten)]
    pub pictures: PictureArgs,
    /// A power to draw on the plots (the target line; cells reaching it outlined).
    #[arg(long, value_name = "P")]
    pub target_power: Option<f64>,
    #[command(flatten)]
    pub shard: ShardArgs,
}

#[derive(clap::Args, Debug)]
pub struct SampleArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Number of virtual trials to write (the first K of the study, 1 to 100000).
    #[arg(long)]
    pub trials: u64,
    /// Study seed (default: study.seed): the trials `run --seed` analyses.
    #[arg(long)]
    pub seed: Option<u64>,
    /// The folder to write (created if absent; refused if not empty, unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Write into a folder that is not empty, replacing files of the same names.
    #[arg(long)]
    pub force: bool,
    /// Also one file per trial and endpoint that `analyze` reads with no flags
    /// (trial_00001_ENDPOINT.csv: time,status,arm,stratum; arm,response,stratum for a
    /// binary endpoint).
    #[arg(long)]
    pub per_trial: bool,
    /// Also ADaM-shaped data sets (adsl.csv, adtte.csv, adrs.csv, adae.csv; docs/adam.md).
    #[arg(long)]
    pub adam: bool,
    /// The calendar date of the study's month 0 for the ADaM dates (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", default_value = "2026-01-01", requires = "adam")]
    pub reference_date: String,
}

#[derive(clap::Args, Debug)]
pub struct MissingArgs {
    /// The folder of shard files.
    pub dir: PathBuf,
    /// The number of shards of the run.
    #[arg(long, value_name = "N")]
    pub shards: u64,
    /// Only the exit status (and the range on stdout); no line per shard on stderr.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The shard outputs (`run --shard K/N --format json`).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Merge shards that do not cover every replicate (the report says which are missing).
    #[arg(long)]
    pub allow_partial: bool,
}

#[derive(clap::Args, Debug)]
pub struct SimonArgs {
    /// Response rate under the null (uninteresting rate).
    #[arg(long)]
    pub p0: f64,
    /// Response rate under the alternative.
    #[arg(long)]
    pub p1: f64,
    /// One-sided type I error (P(reject) at p0), as in Simon (1989).
    #[arg(long)]
    pub alpha: f64,
    /// Type II error at p1 (power 1 − beta).
    #[arg(long)]
    pub beta: f64,
    /// Largest total sample size searched.
    #[arg(long, default_value_t = 100)]
    pub n_max: u32,
    /// The output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}
