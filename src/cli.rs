//! The command line: clap definitions, and the dispatch from a command to the library.

use crate::{report, scenario};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
            other => CliError::Input(other.to_string()),
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

pub use report::export::Format;

/// The formats of `verify`'s and `simon`'s reports.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum VerifyFormat {
    Table,
    Json,
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
    /// Installation qualification: re-run the comparisons with the bundled R survival and
    /// rpact references, the golden reports and a short calibration on this machine, and print
    /// a dated report of each check with its tolerance and result (exit 1 if any fails).
    Verify {
        /// Write the report here as well as printing it (`-`: stdout only).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing file given to --out.
        #[arg(long)]
        force: bool,
        /// The output format.
        #[arg(long, value_enum, default_value = "table")]
        format: VerifyFormat,
    },
    /// Simulate the scenario's virtual trials and report every endpoint.
    Run {
        /// The scenario file (TOML).
        #[arg(required_unless_present = "from")]
        scenario: Option<PathBuf>,
        /// Override a value by its dotted path before validation (VALUE in TOML syntax); repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// Re-run exactly what produced this JSON report (its effective scenario, seed,
        /// replicates and shard) and say whether the result is identical (exit 1 if not).
        #[arg(long, value_name = "REPORT.json", conflicts_with_all = ["scenario", "sets", "replicates", "seed", "shard", "resume"])]
        from: Option<PathBuf>,
        /// Number of virtual trials (default: study.replicates).
        #[arg(long)]
        replicates: Option<u64>,
        /// Study seed (default: study.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Write the report here instead of stdout (`-`: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing file given to --out.
        #[arg(long)]
        force: bool,
        /// The output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Run shard K of N (1-based), for `merge`; `auto`: K and N from the scheduler's
        /// environment (Slurm job arrays, Kubernetes Indexed Jobs or AWS Batch arrays with
        /// --shards N). With --out DIR (a folder), the file is DIR/shard-KKKKK-of-NNNNN.json,
        /// replaced on a rerun of the same shard.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// The number of shards, for --shard auto: needed with Kubernetes JOB_COMPLETION_INDEX
        /// and AWS_BATCH_JOB_ARRAY_INDEX; with Slurm, the task index is then the shard index
        /// (so that a resubmitted --array=2,4 reruns shards 2 and 4).
        #[arg(long, value_name = "N", requires = "shard")]
        shards: Option<u64>,
        /// No progress bar (and no progress lines when stderr is not a terminal).
        #[arg(long)]
        quiet: bool,
        /// Save the mergeable state of the finished replicates here, at most every 10 s and on
        /// interruption (atomically, with the scenario's checksum).
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// Continue from a checkpoint of the same run; the report is the one an uninterrupted
        /// run gives, byte for byte outside `timing`.
        #[arg(long, value_name = "FILE")]
        resume: Option<PathBuf>,
        /// Also write one CSV row per virtual trial (replicate order; every statistic,
        /// p-value, estimate, decision, stopping look, cut month, events and patients).
        #[arg(long, value_name = "FILE", conflicts_with = "resume")]
        replicates_csv: Option<PathBuf>,
        /// Write the plots (SVG) into this folder (created if absent; refused if not empty,
        /// unless --force).
        #[arg(long, value_name = "DIR")]
        plots: Option<PathBuf>,
        /// Also write the self-contained HTML simulation report here.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Also run the scenario with every treatment effect at its null (hazard ratios and
        /// probabilities as the control arm's, single-arm rates at their null) on the same random
        /// numbers, and report each test's type I error beside its power.
        #[arg(long, conflicts_with_all = ["shard", "checkpoint", "resume"])]
        null: bool,
    },
    /// Check scenarios; report every error, not just the first.
    Validate {
        /// The scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Override a value by its dotted path before validation (VALUE in TOML syntax); repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
    /// Print the effective scenario with defaults filled in.
    Show {
        #[command(flatten)]
        scenario: ScenarioArgs,
    },
    /// Run the analyses on a trial's data (CSV, one patient per line; columns named by the
    /// flags below). Time to event: status 0 = censored, 1 = the event, 2, 3, … = competing
    /// causes (as survival::Surv and cmprsk code them); arms and strata as any text or
    /// integer (arm 1 = treatment and 0 = control, or name them). Medians follow survival's
    /// quantile.survfit (the midpoint of a stretch where the curve is flat at 0.5).
    Analyze {
        /// The trial's data (CSV).
        data: PathBuf,
        /// Milestone months for survival estimates.
        #[arg(long, value_delimiter = ',', default_value = "12,24,36")]
        milestones: Vec<f64>,
        /// Restriction time for the restricted mean survival time.
        #[arg(long, default_value_t = 36.0)]
        tau: f64,
        /// The column of the follow-up time in months.
        #[arg(long, value_name = "COLUMN", default_value = "time")]
        time: String,
        /// The column of the status (0 censored, 1 event, k >= 2 competing cause k; TRUE/FALSE as 1/0).
        #[arg(long, value_name = "COLUMN", default_value = "status")]
        status: String,
        /// The column of the arm.
        #[arg(long, value_name = "COLUMN", default_value = "arm")]
        arm: String,
        /// The column of the stratum (default: `stratum` where the file has one).
        #[arg(long, value_name = "COLUMN")]
        strata: Option<String>,
        /// The arm label of the treatment arm (needed when the labels are not 0/1 and neither
        /// is `control`).
        #[arg(long, value_name = "LABEL")]
        treatment: Option<String>,
        /// The arm label of the control arm.
        #[arg(long, value_name = "LABEL")]
        control: Option<String>,
        /// The status code of the event of interest; other positive codes are competing events.
        #[arg(long, value_name = "CODE", default_value_t = 1)]
        event_cause: u32,
        /// A binary response column (0/1 or TRUE/FALSE): rates with Clopper-Pearson and Wilson
        /// intervals, Fisher's and the chi-square tests, instead of time to event.
        #[arg(long, value_name = "COLUMN")]
        response: Option<String>,
        /// The response rate of the null hypothesis for the exact binomial test (with --response).
        #[arg(long, value_name = "P", requires = "response")]
        null_rate: Option<f64>,
        /// A non-inferiority margin on the difference of response rates (treatment − control,
        /// in (-1, 0]): the Farrington–Manning score test of H0: difference ≤ D, as the
        /// scenario language's `null_difference` (with --response).
        #[arg(long, value_name = "D", requires = "response", allow_hyphen_values = true)]
        null_difference: Option<f64>,
        /// Only trial K of a long table (the rows whose `trial` column is K, as `sample` writes).
        #[arg(long, value_name = "K", conflicts_with = "by")]
        trial: Option<String>,
        /// One result per value of this column (e.g. `--by trial`), a JSON object per line.
        #[arg(long, value_name = "COLUMN")]
        by: Option<String>,
    },
    /// Smallest sample size (or event count) reaching a target power.
    Size {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// The endpoint whose test is powered.
        #[arg(long)]
        endpoint: String,
        /// The power sought, in (0, 1).
        #[arg(long)]
        target_power: f64,
        /// The count varied: analysis.cut.events (default under an event-driven cut) or
        /// enrollment.sample_size.
        #[arg(long, value_name = "PATH")]
        vary: Option<String>,
        /// Trials per evaluation with every trial (default: study.replicates).
        #[arg(long)]
        replicates: Option<u64>,
        /// Study seed (default: study.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Write the answer here instead of stdout (`-`: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing file given to --out; start a search estimated above 24 h.
        #[arg(long)]
        force: bool,
        /// The output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// No progress display.
        #[arg(long)]
        quiet: bool,
        /// Save the finished evaluations here, at most every 10 s and on interruption.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// Continue the search whose checkpoint this is: its evaluations are not run again and
        /// the answer is the one an uninterrupted search gives.
        #[arg(long, value_name = "FILE")]
        resume: Option<PathBuf>,
        /// Write the plots (SVG) into this folder (created if absent; refused if not empty,
        /// unless --force).
        #[arg(long, value_name = "DIR")]
        plots: Option<PathBuf>,
        /// Also write the self-contained HTML simulation report here.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// For a driver on a cluster (examples/slurm/size-driver.sh): replay the search from
        /// --checkpoint (absent: none done) and print the evaluation it needs next, as
        /// `next PATH=VALUE TRIALS`, writing that evaluation's effective scenario to FILE (for
        /// a sharded `run`), or print `done` when it needs none; runs nothing.
        #[arg(long, value_name = "FILE", requires = "checkpoint", conflicts_with_all = ["resume", "record", "out", "plots", "html"])]
        next: Option<PathBuf>,
        /// For a driver: add the evaluations these run reports are (`run`, or `merge` of its
        /// shards, as JSON) to --checkpoint, after checking that each is complete and is the
        /// run of one of this search's evaluations (its effective scenario byte for byte).
        #[arg(long, value_name = "REPORT.json", requires = "checkpoint", conflicts_with_all = ["resume", "out", "plots", "html"])]
        record: Vec<PathBuf>,
    },
    /// Power and estimates across a one- or two-dimensional grid of values.
    Sweep {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// A dotted path and its values in TOML syntax, comma-separated (repeat for a 2-D grid).
        #[arg(long, required = true, value_name = "PATH=V1,V2,…")]
        vary: Vec<String>,
        /// Trials per grid point (default: study.replicates).
        #[arg(long)]
        replicates: Option<u64>,
        /// Study seed (default: study.seed); every grid point uses it.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Write the sweep here instead of stdout (`-`: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing file given to --out.
        #[arg(long)]
        force: bool,
        /// The output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// No progress display.
        #[arg(long)]
        quiet: bool,
        /// Save the reports of the grid points finished so far here, after each point
        /// (atomically, with the sweep's checksum).
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// Continue the sweep whose checkpoint this is: its finished points are not run again.
        #[arg(long, value_name = "FILE")]
        resume: Option<PathBuf>,
        /// Write the plots (SVG) into this folder (created if absent; refused if not empty,
        /// unless --force).
        #[arg(long, value_name = "DIR")]
        plots: Option<PathBuf>,
        /// Also write the self-contained HTML simulation report here.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// A power to draw on the plots (the target line; cells reaching it outlined).
        #[arg(long, value_name = "P")]
        target_power: Option<f64>,
        /// Run shard K of N (1-based) of the grid's replicates laid end to end (every point's in
        /// grid order: whole points for many points, a point's replicates split over shards
        /// for few), as JSON for `merge`, which gives the single sweep's report byte for byte;
        /// `auto`: K and N from the scheduler's environment, as `run --shard auto`. With --out
        /// DIR (a folder), the file is DIR/shard-KKKKK-of-NNNNN.json, replaced on a rerun.
        #[arg(long, value_name = "K/N", conflicts_with_all = ["checkpoint", "resume", "plots", "html"])]
        shard: Option<String>,
        /// The number of shards, for --shard auto (as `run --shards`).
        #[arg(long, value_name = "N", requires = "shard")]
        shards: Option<u64>,
    },
    /// Write patient-level datasets of K virtual trials.
    Sample {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Number of virtual trials to write (the first K of the study, 1 to 100000).
        #[arg(long)]
        trials: u64,
        /// Study seed (default: study.seed): the trials `run --seed` analyses.
        #[arg(long)]
        seed: Option<u64>,
        /// The folder to write (created if absent; refused if not empty, unless --force).
        #[arg(long)]
        out: PathBuf,
        /// Write into a folder that is not empty, replacing files of the same names.
        #[arg(long)]
        force: bool,
        /// Also one file per trial and endpoint that `analyze` reads with no flags
        /// (trial_00001_ENDPOINT.csv: time,status,arm,stratum; arm,response,stratum for a
        /// binary endpoint).
        #[arg(long)]
        per_trial: bool,
        /// Also ADaM-shaped data sets (adsl.csv, adtte.csv, adrs.csv, adae.csv; docs/adam.md).
        #[arg(long)]
        adam: bool,
        /// The calendar date of the study's month 0 for the ADaM dates (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", default_value = "2026-01-01", requires = "adam")]
        reference_date: String,
    },
    /// List the shards of a folder that are absent or damaged (shard-KKKKK-of-NNNNN.json, as
    /// `run --shard auto --out DIR` and `sweep --shard auto --out DIR` name them), as a job-array range to resubmit
    /// (`sbatch --array=$(peritrial missing DIR --shards N) …`). Exit 0 when every shard is
    /// there and sound, 1 otherwise.
    Missing {
        /// The folder of shard files.
        dir: PathBuf,
        /// The number of shards of the run.
        #[arg(long, value_name = "N")]
        shards: u64,
        /// Only the exit status (and the range on stdout); no line per shard on stderr.
        #[arg(long)]
        quiet: bool,
    },
    /// Combine shard outputs (`run --shard K/N --format json`) into one report.
    Merge {
        /// The shard outputs (`run --shard K/N --format json`).
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Write the merged report here instead of stdout (`-`: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing file given to --out.
        #[arg(long)]
        force: bool,
        /// The output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Merge shards that do not cover every replicate (the report says which are missing).
        #[arg(long)]
        allow_partial: bool,
    },
    /// Simon's optimal and minimax two-stage designs (alpha is one-sided).
    Simon {
        /// Response rate under the null (uninteresting rate).
        #[arg(long)]
        p0: f64,
        /// Response rate under the alternative.
        #[arg(long)]
        p1: f64,
        /// One-sided type I error (P(reject) at p0), as in Simon (1989).
        #[arg(long)]
        alpha: f64,
        /// Type II error at p1 (power 1 − beta).
        #[arg(long)]
        beta: f64,
        /// Largest total sample size searched.
        #[arg(long, default_value_t = 100)]
        n_max: u32,
        /// The output format.
        #[arg(long, value_enum, default_value = "json")]
        format: VerifyFormat,
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
        Command::Run {
            scenario,
            sets,
            from,
            replicates,
            seed,
            threads,
            out,
            force,
            format,
            shard,
            shards,
            quiet,
            checkpoint,
            resume,
            replicates_csv,
            plots,
            html,
            null,
        } => {
            let shard = match shard.as_deref() {
                Some("auto") => {
                    let (k, n) = shard_from_environment(&|v| std::env::var(v).ok(), shards)?;
                    Some(format!("{k}/{n}"))
                }
                Some(_) if shards.is_some() => {
                    return Err(CliError::Input("--shards N: only with --shard auto (--shard K/N names N)".into()));
                }
                other => other.map(str::to_string),
            };
            // A shard written into a folder is named by its index: a rerun replaces only it.
            let (out, force) = match (&out, &shard) {
                (Some(dir), Some(spec)) if dir.is_dir() => {
                    let (k, n) = parse_shard(spec)?;
                    (Some(dir.join(shard_file_name(k, n))), true)
                }
                _ => (out, force),
            };
            let target = report::output::Target::of(out.as_deref(), force);
            let resumable = Resumable { checkpoint: checkpoint.as_deref(), resume: resume.as_deref() };
            let rows = replicates_csv.as_deref().map(|p| report::output::Target::of(Some(p), force));
            let (s, shard, original) = match (&from, scenario) {
                (Some(f), _) => {
                    let (s, shard, original) = from_report(f)?;
                    (s, shard, Some(original))
                }
                (None, Some(path)) => {
                    (scenario::load(&path, &with_study_flags(&sets, replicates, seed)?)?, shard, None)
                }
                (None, None) => return Err(CliError::Input("run: a scenario file or --from REPORT.json".into())),
            };
            let plots = plots.as_deref().map(|dir| (dir, force));
            let html = html.as_deref().map(|p| report::output::Target::of(Some(p), force));
            // A report with a null section is re-run with its null.
            let null = null || original.as_ref().is_some_and(|r| r.null.is_some());
            let run = RunOptions { threads, out: target, format, quiet, resumable, rows, plots, html, null };
            run_scenario(s, shard.as_deref(), run, original.as_ref().zip(from.as_deref()))
        }
        Command::Analyze {
            data,
            milestones,
            tau,
            time,
            status,
            arm,
            strata,
            treatment,
            control,
            event_cause,
            response,
            null_rate,
            null_difference,
            trial,
            by,
        } => {
            let columns = crate::data::Columns {
                time,
                status,
                arm,
                strata,
                response,
                treatment,
                control,
                event_cause,
                only: trial.map(|k| ("trial".to_string(), k)),
                by,
            };
            analyze(&data, &columns, &milestones, tau, (null_rate, null_difference))
        }
        Command::Size {
            scenario,
            endpoint,
            target_power,
            vary,
            replicates,
            seed,
            threads,
            out,
            force,
            format,
            quiet,
            checkpoint,
            resume,
            plots,
            html,
            next,
            record,
        } => {
            let study = with_study_flags(&scenario.sets, replicates, seed)?;
            let args = ScenarioArgs { scenario: scenario.scenario, sets: study };
            let target = report::output::Target::of(out.as_deref(), force);
            let resumable = Resumable { checkpoint: checkpoint.as_deref(), resume: resume.as_deref() };
            let search = SizeSearch {
                endpoint: &endpoint,
                target: target_power,
                vary: vary.as_deref(),
                plots: plots.as_deref().map(|dir| (dir, force)),
                html: html.as_deref().map(|p| report::output::Target::of(Some(p), force)),
                driver: match (next.as_deref(), record.is_empty()) {
                    (Some(f), _) => Some(SizeDriver::Next(f)),
                    (None, false) => Some(SizeDriver::Record(&record)),
                    (None, true) => None,
                },
            };
            size(&args, search, thread_count(threads)?, target, format, quiet, resumable)
        }
        Command::Sweep {
            scenario,
            vary,
            replicates,
            seed,
            threads,
            out,
            force,
            format,
            quiet,
            checkpoint,
            resume,
            plots,
            html,
            target_power,
            shard,
            shards,
        } => {
            let shard = match shard.as_deref() {
                Some("auto") => Some(shard_from_environment(&|v| std::env::var(v).ok(), shards)?),
                Some(_) if shards.is_some() => {
                    return Err(CliError::Input("--shards N: only with --shard auto (--shard K/N names N)".into()));
                }
                Some(spec) => Some(parse_shard(spec)?),
                None => None,
            };
            // A shard written into a folder is named by its index: a rerun replaces only it.
            let (out, force) = match (&out, shard) {
                (Some(dir), Some((k, n))) if dir.is_dir() => (Some(dir.join(shard_file_name(k, n))), true),
                _ => (out, force),
            };
            let target = report::output::Target::of(out.as_deref(), force);
            let resumable = Resumable { checkpoint: checkpoint.as_deref(), resume: resume.as_deref() };
            if shard.is_some() && !matches!(format, Format::Json) {
                return Err(CliError::Input(
                    "sweep --shard: the output of a shard is JSON (--format json), for merge".into(),
                ));
            }
            if let Some(p) = target_power.filter(|p| !(*p > 0.0 && *p < 1.0)) {
                return Err(CliError::Input(format!("--target-power {p}: expected a power in (0, 1)")));
            }
            let plots = plots.as_deref().map(|dir| (dir, force, target_power));
            let html = html.as_deref().map(|p| report::output::Target::of(Some(p), force));
            let study = StudyFlags { replicates, seed, threads: thread_count(threads)? };
            sweep(&scenario, &vary, study, target, format, quiet, resumable, plots, html, shard)
        }
        Command::Sample { scenario, trials, seed, out, force, per_trial, adam, reference_date } => {
            let args = ScenarioArgs { sets: with_study_flags(&scenario.sets, None, seed)?, ..scenario };
            let adam = match adam {
                false => None,
                true => Some(report::adam::Date::parse(&reference_date).ok_or_else(|| {
                    CliError::Input(format!("--reference-date {reference_date}: expected a calendar date YYYY-MM-DD"))
                })?),
            };
            sample(&args, trials, &out, force, SampleFiles { per_trial, adam })
        }
        Command::Missing { dir, shards, quiet } => missing(&dir, shards, quiet),
        Command::Merge { parts, out, force, format, allow_partial } => {
            merge(&parts, report::output::Target::of(out.as_deref(), force), format, allow_partial)
        }
        Command::Simon { p0, p1, alpha, beta, n_max, format } => simon(p0, p1, alpha, beta, n_max, format),
        Command::Verify { out, force, format } => verify(report::output::Target::of(out.as_deref(), force), format),
    }
}

fn validate(files: &[PathBuf], sets: &[String]) -> Result<(), CliError> {
    let mut messages = Vec::new();
    for f in files {
        match scenario::load(f, sets) {
            Ok(_) => println!("{}: ok", f.display()),
            Err(e) => messages.extend(e.messages),
        }
    }
    if messages.is_empty() { Ok(()) } else { Err(CliError::Input(messages.join("\n"))) }
}

fn analyze(
    data: &std::path::Path,
    columns: &crate::data::Columns,
    milestones: &[f64],
    tau: f64,
    (null_rate, null_difference): (Option<f64>, Option<f64>),
) -> Result<(), CliError> {
    if let Some(m) = milestones.iter().find(|m| !(m.is_finite() && **m > 0.0)) {
        return Err(CliError::Input(format!("--milestones: {m} is not a positive number of months")));
    }
    if !(tau.is_finite() && tau > 0.0) {
        return Err(CliError::Input(format!("--tau: {tau} is not a positive number of months")));
    }
    if let Some(p) = null_rate.filter(|p| !(*p > 0.0 && *p < 1.0)) {
        return Err(CliError::Input(format!("--null-rate: {p} is not a rate strictly between 0 and 1")));
    }
    if let Some(d) = null_difference.filter(|d| !(*d > -1.0 && *d <= 0.0)) {
        return Err(CliError::Input(format!(
            "--null-difference: {d} is not a non-inferiority margin on the rate difference in (-1, 0]"
        )));
    }
    if columns.event_cause == 0 {
        return Err(CliError::Input("--event-cause: 0 is the code of censoring; expected 1, 2, …".into()));
    }
    let groups = crate::data::read(data, columns).map_err(|e| CliError::Input(e.0))?;
    let one = |d: &crate::data::Dataset| -> serde_json::Value {
        if columns.response.is_some() {
            let r = crate::stats::trial::responses(&d.responses, null_rate);
            report::analyze::response_value(&r, d, null_rate, null_difference)
        } else {
            let result = crate::stats::trial::analyze(&d.obs, milestones, tau);
            report::analyze::value(&result, d, milestones, tau)
        }
    };
    let text = match &columns.by {
        None => report::analyze::pretty(&one(&groups[0].1)),
        Some(column) => {
            let mut text = String::new();
            for (label, d) in &groups {
                let mut v = serde_json::Map::new();
                v.insert(column.clone(), serde_json::Value::String(label.clone()));
                if let serde_json::Value::Object(m) = one(d) {
                    v.extend(m);
                }
                text.push_str(&serde_json::Value::Object(v).to_string());
                text.push('\n');
            }
            text
        }
    };
    Ok(report::emit(&text, None, false)?)
}

fn verify(out: report::output::Target, format: VerifyFormat) -> Result<(), CliError> {
    out.check()?;
    eprintln!("peritrial verify: the R and rpact references, 7 golden reports and a short calibration…");
    let v = crate::verify::run();
    let text = match format {
        VerifyFormat::Table => crate::verify::table(&v),
        VerifyFormat::Json => {
            serde_json::to_string_pretty(&crate::verify::json(&v)).expect("JSON values serialise") + "\n"
        }
    };
    if !matches!(out, report::output::Target::Stdout) {
        out.write(text.as_bytes())?;
    }
    print!("{text}");
    if v.passed() {
        Ok(())
    } else {
        let failed: Vec<&str> = v.checks.iter().filter(|c| !c.passed()).map(|c| c.name.as_str()).collect();
        Err(CliError::Failure(format!("verification failed: {}", failed.join("; "))))
    }
}

/// The file of shard K of N in a folder of shards.
pub fn shard_file_name(k: u64, n: u64) -> String {
    format!("shard-{k:05}-of-{n:05}.json")
}

/// Shard K of N from a scheduler's environment (`env` reads a variable): Slurm job arrays
/// (SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_MIN and _MAX, or _COUNT from a first index of
/// 1), Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX, 0-based) and AWS Batch array jobs
/// (AWS_BATCH_JOB_ARRAY_INDEX, 0-based), the last two with `--shards N`.
pub fn shard_from_environment(
    env: &dyn Fn(&str) -> Option<String>,
    shards: Option<u64>,
) -> Result<(u64, u64), CliError> {
    let int = |name: &str| -> Result<Option<u64>, CliError> {
        match env(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .map(Some)
                .map_err(|_| CliError::Input(format!("--shard auto: {name}={v:?} is not a whole number"))),
        }
    };
    let checked = |k: u64, n: u64, from: &str| {
        if k >= 1 && k <= n {
            Ok((k, n))
        } else {
            Err(CliError::Input(format!("--shard auto: {from} gives shard {k} of {n}, not a shard of the run")))
        }
    };
    if let Some(id) = int("SLURM_ARRAY_TASK_ID")? {
        // With --shards N the task's index is the shard's (a resubmitted --array=2,4 of the
        // shards `missing` named); without, the array is the shards (contiguous, from its
        // first index).
        if let Some(n) = shards {
            return checked(id, n, "SLURM_ARRAY_TASK_ID with --shards");
        }
        return match (int("SLURM_ARRAY_TASK_MIN")?, int("SLURM_ARRAY_TASK_MAX")?, int("SLURM_ARRAY_TASK_COUNT")?) {
            (Some(min), Some(max), count) => {
                let n = max.checked_sub(min).map(|d| d + 1).unwrap_or(0);
                if count.is_some_and(|c| c != n) {
                    return Err(CliError::Input(format!(
                        "--shard auto: the array {min}-{max} has gaps (SLURM_ARRAY_TASK_COUNT={}); submit a contiguous array such as --array=1-{n}",
                        count.unwrap_or(0)
                    )));
                }
                checked(id + 1 - min.min(id + 1), n, "SLURM_ARRAY_TASK_ID")
            }
            (_, _, Some(count)) => checked(id, count, "SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT"),
            _ => Err(CliError::Input(
                "--shard auto: SLURM_ARRAY_TASK_ID without SLURM_ARRAY_TASK_MIN/MAX or _COUNT".into(),
            )),
        };
    }
    for name in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] {
        if let Some(index) = int(name)? {
            let n = shards.ok_or_else(|| {
                CliError::Input(format!("--shard auto: {name} is set; give the number of shards with --shards N"))
            })?;
            return checked(index + 1, n, name);
        }
    }
    Err(CliError::Input(
        "--shard auto: no scheduler index in the environment (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX)".into(),
    ))
}

/// Parses `K/N` (1 ≤ K ≤ N).
fn parse_shard(s: &str) -> Result<(u64, u64), CliError> {
    let bad = || CliError::Input(format!("--shard {s}: expected K/N with 1 <= K <= N, e.g. --shard 3/8"));
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// `--checkpoint` and `--resume`.
#[derive(Clone, Copy)]
pub struct Resumable<'a> {
    pub checkpoint: Option<&'a std::path::Path>,
    pub resume: Option<&'a std::path::Path>,
}

/// Worker threads: the machine's cores by default; at most 4 per core.
fn thread_count(threads: Option<usize>) -> Result<usize, CliError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match threads {
        Some(0) => Err(CliError::Input("--threads 0: expected at least 1".into())),
        Some(t) if t > 4 * cores => Err(CliError::Input(format!(
            "--threads {t}: expected at most {} (4 per core; this machine has {cores})",
            4 * cores
        ))),
        Some(t) => Ok(t),
        None => Ok(cores),
    }
}

fn out_force(out: report::output::Target) -> bool {
    matches!(out, report::output::Target::File { force: true, .. })
}

/// Seconds as "3 s", "4.2 min" or "5.1 h".
fn duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// The longest run started without --force.
const MAX_SECONDS: f64 = 24.0 * 3600.0;

/// The time a run of `replicates` would take on this machine, from a short calibration run of
/// the scenario (two rounds of 8 replicates per worker, at most 64 each, 4% of the run at most), refused when above 24 h unless forced. Returns the estimate in seconds.
fn refuse_if_too_long(
    s: &scenario::Scenario,
    start: u64,
    replicates: u64,
    threads: usize,
    force: bool,
) -> Result<Option<f64>, CliError> {
    let n = (8 * threads as u64).min(64);
    if force || replicates < 50 * n {
        return Ok(None);
    }
    let per = crate::engine::seconds_per_replicate(s, start, n);
    let estimate = per * replicates as f64;
    if estimate > MAX_SECONDS {
        return Err(CliError::Input(format!(
            "{replicates} replicates would take about {:.0} h on this machine ({:.3} s per replicate on {threads} threads, measured on {n}); the limit is 24 h: use fewer --replicates, split the run with --shard K/N over machines, or add --force",
            estimate / 3600.0,
            per
        )));
    }
    Ok(Some(estimate))
}

/// SIGINT, SIGTERM and SIGHUP set the returned flag (a run then stops within a batch and
/// reports what it finished); a second signal ends the process at once.
fn stop_on_signals() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        // Registration fails only for forbidden signals, which these are not.
        let _ = signal_hook::flag::register_conditional_shutdown(sig, 130, std::sync::Arc::clone(&flag));
        let _ = signal_hook::flag::register(sig, std::sync::Arc::clone(&flag));
    }
    flag
}

/// A progress line every 10 s when stderr is not a terminal (a batch job's log).
struct LogProgress {
    enabled: bool,
    started: std::time::Instant,
    last: std::time::Instant,
    total: u64,
}

impl LogProgress {
    fn new(total: u64, quiet: bool) -> LogProgress {
        use std::io::IsTerminal;
        let now = std::time::Instant::now();
        LogProgress { enabled: !quiet && !std::io::stderr().is_terminal(), started: now, last: now, total }
    }

    fn update(&mut self, done: u64) {
        if !self.enabled || self.last.elapsed().as_secs_f64() < 10.0 {
            return;
        }
        self.last = std::time::Instant::now();
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        let left = (self.total - done) as f64 / rate.max(1e-9);
        eprintln!("peritrial: {done} of {} virtual trials, {rate:.0} per second, about {left:.0} s left", self.total);
    }
}

/// How a run runs and where its report goes.
struct RunOptions<'a> {
    threads: Option<usize>,
    out: report::output::Target<'a>,
    format: Format,
    quiet: bool,
    resumable: Resumable<'a>,
    /// `--replicates-csv`.
    rows: Option<report::output::Target<'a>>,
    /// `--plots DIR` and `--force`.
    plots: Option<(&'a std::path::Path, bool)>,
    /// `--html FILE`.
    html: Option<report::output::Target<'a>>,
    /// `--null`.
    null: bool,
}

/// What produced a report: its effective scenario, its shard (`K/N`) if it is one, and the
/// report itself, for `run --from`.
fn from_report(
    path: &std::path::Path,
) -> Result<(scenario::Scenario, Option<String>, report::model::RunReport), CliError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Input(format!("cannot read {name}: {e}")))?;
    let r: report::model::RunReport = serde_json::from_str(&text).map_err(|e| {
        CliError::Input(format!("{name}:{}:{}: not a peritrial run report (--format json): {e}", e.line(), e.column()))
    })?;
    if r.provenance.peritrial != env!("CARGO_PKG_VERSION") {
        eprintln!(
            "note: {name} was written by peritrial {}; this is {}: a difference may come from the version",
            r.provenance.peritrial,
            env!("CARGO_PKG_VERSION")
        );
    }
    if r.provenance.scenario_sha256 != report::checkpoint::sha256_hex(r.provenance.scenario_toml.as_bytes()) {
        return Err(CliError::Input(format!(
            "{name}: the scenario fails its SHA-256 checksum (the report was edited)"
        )));
    }
    if r.interrupted.is_some() {
        return Err(CliError::Input(format!(
            "{name}: the report of an interrupted run; resume that run with --resume and its checkpoint"
        )));
    }
    let s = scenario::from_str(&r.provenance.scenario_toml, &format!("{name} (provenance.scenario_toml)"), &[])?;
    let shard = match &r.shard {
        Some(sh) => match (sh["k"].as_u64(), sh["n"].as_u64()) {
            (Some(k), Some(n)) => Some(format!("{k}/{n}")),
            _ => return Err(CliError::Input(format!("{name}: a shard report without its K/N"))),
        },
        None => None,
    };
    Ok((s, shard, r))
}

fn run_scenario(
    s: scenario::Scenario,
    shard: Option<&str>,
    options: RunOptions,
    original: Option<(&report::model::RunReport, &std::path::Path)>,
) -> Result<(), CliError> {
    let RunOptions { threads, out, format, quiet, resumable, rows, plots, html, null } = options;
    // The null scenario first: a scenario without a null is refused before anything runs.
    let null = null.then(|| scenario::under_null(&s)).transpose().map_err(CliError::Input)?;
    if null.is_some() && shard.is_some() {
        return Err(CliError::Input("--null: not with a shard (merge does not carry the null run)".into()));
    }
    out.check()?;
    if let Some(h) = &html {
        h.check()?;
    }
    if let Some((dir, force)) = plots {
        output_folder(dir, force)?;
    }
    if let Some(r) = &rows {
        r.check()?;
    }
    let shard = shard.map(parse_shard).transpose()?;
    let range = match shard {
        Some((k, n)) => crate::engine::shard_range(s.replicates, k, n),
        None => 0..s.replicates,
    };
    let threads = thread_count(threads)?;
    let toml = scenario::to_toml(&s);
    let checkpoint_target = resumable.checkpoint.map(|p| report::output::Target::of(Some(p), true));
    if let Some(t) = &checkpoint_target {
        t.check()?;
    }
    // Resume: the checkpoint's replicates, then the rest of the range.
    let (prefix, from) = match resumable.resume {
        None => (None, range.start),
        Some(p) => {
            let name = p.display().to_string();
            let text = std::fs::read_to_string(p).map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
            let c = report::checkpoint::read(&text, &name, &toml, range.start, range.end).map_err(CliError::Input)?;
            // A state that passes its checksum must still have the scenario's shape (bins, curves,
            // cohorts), or merging would silently drop what does not line up.
            let fresh = crate::engine::run(&s, 0..0, |_| {});
            report::shard::check_state(&c.summary, &fresh, c.start..c.start + c.done)
                .map_err(|e| CliError::Input(format!("{name}: {e}")))?;
            (Some(c.summary), c.start + c.done)
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Failure(format!("cannot start {threads} threads: {e}")))?;
    let total = range.end - range.start;
    let before = from - range.start;
    let estimate = pool.install(|| refuse_if_too_long(&s, from, range.end - from, threads, out_force(out)))?;
    if let (Some(e), false) = (estimate, quiet) {
        eprintln!("peritrial: about {} for {} virtual trials on {threads} threads", duration(e), range.end - from);
    }
    let bar = progress_bar(total, quiet);
    bar.set_position(before);
    let mut log = LogProgress::new(total, quiet);
    let stop = stop_on_signals();
    let started = std::time::Instant::now();
    let mut last_save = std::time::Instant::now();
    // Seconds between checkpoints: 10, or PERITRIAL_CHECKPOINT_SECONDS (for tests).
    let every: f64 = std::env::var("PERITRIAL_CHECKPOINT_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10.0);
    let mut save_error: Option<CliError> = None;
    let save = |summary: &crate::summary::Summary, done: u64| -> Result<(), CliError> {
        let Some(t) = &checkpoint_target else { return Ok(()) };
        let mut all = prefix.clone().unwrap_or_else(|| summary.clone());
        if prefix.is_some() {
            all.merge(summary);
        }
        Ok(t.write(report::checkpoint::write(&toml, range.start, range.end, done, &all).as_bytes())?)
    };
    // Per-replicate rows, streamed to a temporary file put in place at the end.
    let per_trial = std::sync::Mutex::new(match &rows {
        Some(t) => {
            let mut stream = t.stream()?;
            let layout = crate::analyze::Plan::new(&s).layout;
            let mut text = report::replicates::Rows::default();
            text.push(&report::replicates::header(&s, &layout));
            stream.write_all(&text.take())?;
            Some((stream, text, from))
        }
        None => None,
    });
    let mut row_error: Option<CliError> = None;
    let outcome = pool.install(|| {
        crate::engine::run_controlled(
            &s,
            from..range.end,
            &stop,
            |summary, done| {
                bar.set_position(before + done);
                log.update(before + done);
                if checkpoint_target.is_some() && last_save.elapsed().as_secs_f64() >= every && save_error.is_none() {
                    save_error = save(summary, before + done).err();
                    last_save = std::time::Instant::now();
                }
                if let Some((stream, text, _)) =
                    &mut *per_trial.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
                    && row_error.is_none()
                {
                    row_error = stream.write_all(&text.take()).err().map(CliError::from);
                }
            },
            |layout, record| {
                // Without --replicates-csv the fold takes no lock.
                if rows.is_none() {
                    return;
                }
                if let Some((_, text, next)) = &mut *per_trial.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
                {
                    text.trial(&s, layout, *next + 1, record);
                    *next += 1;
                }
            },
        )
    });
    if let Some(e) = row_error {
        return Err(e);
    }
    if let Some((mut stream, mut text, _)) = per_trial.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        stream.write_all(&text.take())?;
        stream.finish()?;
    }
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    if let Some(e) = save_error {
        return Err(e);
    }
    let done = before + outcome.done;
    let mut summary = outcome.summary;
    if let Some(p) = &prefix {
        let mut all = p.clone();
        all.merge(&summary);
        summary = all;
    }
    // The last checkpoint holds every replicate finished (checkpoint resumed from + this run).
    if let Some(t) = &checkpoint_target {
        t.write(report::checkpoint::write(&toml, range.start, range.end, done, &summary).as_bytes())?;
    }
    let complete = !outcome.interrupted && range.start == 0 && range.end == s.replicates;
    let mut value = report::model::RunReport::new(&s, &summary, complete).timed(&s, seconds, threads);
    if outcome.interrupted {
        value.interrupted = Some(report::model::Interrupted {
            after: done,
            of: total,
            resume: resumable.checkpoint.map(|p| p.display().to_string()),
        });
        emit_report(&value, if shard.is_some() { Format::Json } else { format }, out)?;
        if plots.is_some() || html.is_some() {
            report::pictures::complete(&mut value, &s);
        }
        if let Some((dir, force)) = plots {
            write_plots(dir, report::plot::run(&value), force)?;
        }
        if let Some(h) = &html {
            h.write(report::export::html(report::export::Report::Run(&value)).as_bytes())?;
        }
        return Err(CliError::Failure(format!(
            "interrupted after {done} of {total} virtual trials; the report of those was written{}",
            resumable.checkpoint.map_or(String::new(), |p| format!(
                ", and the checkpoint {} (resume with --resume {})",
                p.display(),
                p.display()
            ))
        )));
    }
    if let Some((ns, what)) = &null {
        if !quiet {
            eprintln!("peritrial: the same {} virtual trials under the null", ns.replicates);
        }
        let o = pool.install(|| crate::engine::run_controlled(ns, 0..ns.replicates, &stop, |_, _| {}, |_, _| {}));
        if o.interrupted {
            emit_report(&value, format, out)?;
            return Err(CliError::Failure(
                "interrupted during the --null run: the report was written without the type I errors".into(),
            ));
        }
        value.null = Some(report::model::NullReport::new(ns, &o.summary, what.clone()));
    }
    if let Some((k, n)) = shard {
        // A shard's output is for `merge`: JSON with the state merging needs.
        let section = report::shard::shard_section(&toml, k, n, range.start, range.end, s.replicates, &summary);
        value.shard = Some(section);
        if format != Format::Json {
            eprintln!("note: a shard's report is written as JSON (for peritrial merge)");
        }
        emit_report(&value, Format::Json, out)?;
    } else {
        emit_report(&value, format, out)?;
    }
    if plots.is_some() || html.is_some() {
        report::pictures::complete(&mut value, &s);
    }
    if let Some((dir, force)) = plots {
        write_plots(dir, report::plot::run(&value), force)?;
    }
    if let Some(h) = &html {
        h.write(report::export::html(report::export::Report::Run(&value)).as_bytes())?;
    }
    match original {
        None => Ok(()),
        Some((r, path)) => {
            let (was, now) = (r.compared(), value.compared());
            if was == now {
                eprintln!("peritrial: identical to {} (outside timing and execution)", path.display());
                return Ok(());
            }
            let line = now.lines().zip(was.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
            Err(CliError::Failure(format!(
                "the re-run differs from {} (first at line {line} of the JSON report: now {:?}, was {:?})",
                path.display(),
                now.lines().nth(line.saturating_sub(1)).unwrap_or("").trim(),
                was.lines().nth(line.saturating_sub(1)).unwrap_or("").trim()
            )))
        }
    }
}

/// A folder to write files into (`--plots`, `sample --out`): created if absent; one that is
/// not empty is refused without --force.
fn output_folder(dir: &std::path::Path, force: bool) -> Result<(), CliError> {
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
fn write_plots(
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

fn emit_report(value: &report::model::RunReport, format: Format, out: report::output::Target) -> Result<(), CliError> {
    // Warnings also go to stderr, unless the table already puts them on the terminal.
    if format != Format::Table || !matches!(out, report::output::Target::Stdout) {
        for w in &value.warnings {
            eprintln!("warning: {w}");
        }
    }
    let text = report::export::render(format, report::export::Report::Run(value));
    Ok(out.write(text.as_bytes())?)
}

/// A sweep shard file read as JSON, with its name.
fn read_sweep_shard_file(p: &std::path::Path) -> Result<(String, serde_json::Value), CliError> {
    let name = p.display().to_string();
    let text = std::fs::read_to_string(p).map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::Input(format!("{name}:{}:{}: not JSON: {e}", e.line(), e.column())))?;
    if v.get("points").is_some() {
        return Err(CliError::Input(format!("{name}: a whole sweep, not a shard (sweep --shard K/N writes shards)")));
    }
    if !report::shard::is_sweep_shard(&v) {
        return Err(CliError::Input(format!("{name}: not a sweep shard (merge the shards of one sweep)")));
    }
    Ok((name, v))
}

/// Merges the shards of a sweep (`sweep --shard K/N`), one file at a time: first their headers
/// (one grid, each shard once and all of them, each its share of the replicates), then their
/// parts in order, each point's parts merged into its summary (every replicate once, in order;
/// the effective scenarios hashing to the grid's checksum) and its report written as the
/// point completes. The result is the single sweep's, byte for byte outside `seconds` and
/// `execution`.
fn merge_sweep(paths: &[PathBuf], out: report::output::Target, format: Format) -> Result<(), CliError> {
    let input = |name: &str, m: String| CliError::Input(format!("{name}: {m}"));
    let mut heads = Vec::new();
    for p in paths {
        let (name, v) = read_sweep_shard_file(p)?;
        let (h, _) = report::shard::read_sweep_shard(&v, false).map_err(|m| input(&name, m))?;
        heads.push((name, h, p));
    }
    heads.sort_by_key(|h| h.1.index);
    let first = heads[0].1.clone();
    let mut seconds = 0.0;
    for (i, (name, h, _)) in heads.iter().enumerate() {
        if h.grid_sha256 != first.grid_sha256
            || h.shards != first.shards
            || h.total_points != first.total_points
            || h.total_replicates != first.total_replicates
        {
            return Err(input(name, "a shard of another sweep (another grid, scenario or split)".into()));
        }
        if h.index != i as u64 + 1 {
            return Err(CliError::Input(format!(
                "shard {} of {} is missing or given twice (at {name}); merge every shard once",
                i + 1,
                first.shards
            )));
        }
        let expected = crate::engine::shard_range(h.total_replicates, h.index, h.shards);
        if (h.start, h.end) != (expected.start, expected.end) {
            return Err(input(
                name,
                format!("holds replicates {}..{}, not shard {} of {}'s", h.start, h.end, h.index, h.shards),
            ));
        }
    }
    if heads.len() as u64 != first.shards {
        return Err(CliError::Input(format!(
            "shard {} of {} is missing; merge every shard once",
            heads.len() + 1,
            first.shards
        )));
    }
    let mut sink = report::sweep::Sink::new(out, format)?;
    let mut hash = report::checkpoint::GridHash::new();
    // The point being merged: its set, scenario, fresh summary (for the shape checks), the
    // summary so far and the next replicate it needs.
    struct Open {
        point: u64,
        set: Vec<(String, String)>,
        toml: String,
        scenario: scenario::Scenario,
        fresh: crate::summary::Summary,
        summary: Option<crate::summary::Summary>,
        next: u64,
        replicates: u64,
    }
    let mut open: Option<Open> = None;
    let mut next_point = 0u64;
    for (name, _, p) in &heads {
        let (_, v) = read_sweep_shard_file(p)?;
        seconds += v["seconds"].as_f64().unwrap_or(0.0);
        let (_, parts) = report::shard::read_sweep_shard(&v, true).map_err(|m| input(name, m))?;
        drop(v);
        for part in parts {
            let mut o = match open.take() {
                Some(o) => o,
                None => {
                    if part.point != next_point || part.start != 0 {
                        return Err(input(
                            name,
                            format!(
                                "grid point {} replicates {}..{} where point {} from replicate 0 was due: the shards do not tile the grid",
                                part.point + 1,
                                part.start,
                                part.end,
                                next_point + 1
                            ),
                        ));
                    }
                    let s = scenario::from_str(&part.toml, &format!("{name}, grid point {}", part.point + 1), &[])?;
                    let fresh = crate::engine::run(&s, 0..0, |_| {});
                    Open {
                        point: part.point,
                        set: part.set.clone(),
                        toml: part.toml.clone(),
                        scenario: s,
                        fresh,
                        summary: None,
                        next: 0,
                        replicates: part.replicates,
                    }
                }
            };
            if part.point != o.point || part.start != o.next || part.toml != o.toml || part.replicates != o.replicates {
                return Err(input(
                    name,
                    format!(
                        "grid point {} replicates {}..{} do not continue the point's replicates 0..{} (a shard of another split)",
                        part.point + 1,
                        part.start,
                        part.end,
                        o.next
                    ),
                ));
            }
            report::shard::check_state(&part.state, &o.fresh, part.start..part.end)
                .map_err(|e| input(name, format!("grid point {}: {e}", part.point + 1)))?;
            match o.summary.as_mut() {
                None => o.summary = Some(part.state),
                Some(sum) => sum.merge(&part.state),
            }
            o.next = part.end;
            if o.next < o.replicates {
                open = Some(o);
                continue;
            }
            let summary = o.summary.expect("a point has a part");
            hash.add(&o.set, &o.toml);
            let report = report::model::RunReport::new(&o.scenario, &summary, true);
            sink.push(report::model::Named(o.set), report)?;
            next_point += 1;
        }
    }
    if open.is_some() || next_point != first.total_points {
        return Err(CliError::Input(format!(
            "the shards complete {next_point} of the grid's {} points",
            first.total_points
        )));
    }
    if hash.finish().1 != first.grid_sha256 {
        return Err(CliError::Input(
            "the grid points' values and scenarios do not hash to the shards' grid checksum (a shard was edited)"
                .into(),
        ));
    }
    sink.finish(seconds, Some(report::model::Execution::now()))?;
    Ok(())
}

fn merge(parts: &[PathBuf], out: report::output::Target, format: Format, allow_partial: bool) -> Result<(), CliError> {
    out.check()?;
    // A sweep's shards are merged one file at a time.
    let looks_like_sweep = |p: &PathBuf| {
        std::fs::read_to_string(p)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .is_some_and(|v| report::shard::is_sweep_shard(&v) || v.get("points").is_some())
    };
    if parts.first().is_some_and(looks_like_sweep) {
        return merge_sweep(parts, out, format);
    }
    let mut texts = Vec::new();
    for p in parts {
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p).map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
        texts.push((name, text));
    }
    let mut shards = Vec::new();
    for (name, text) in &texts {
        shards.push(report::shard::read_file(text, name).map_err(|m| CliError::Input(format!("{name}: {m}")))?);
    }
    shards.sort_by_key(|s| (s.start, s.end));
    let (total, toml) = (shards[0].total, shards[0].toml.clone());
    for s in &shards {
        if s.total != total || s.toml != toml {
            return Err(CliError::Input(format!(
                "{}: a shard of another run (different scenario, seed or replicates)",
                s.name
            )));
        }
    }
    let scenario = scenario::from_str(&toml, "shard scenario", &[])?;
    let fresh = crate::engine::run(&scenario, 0..0, |_| {});
    for s in &shards {
        report::shard::check_state(&s.state, &fresh, s.start..s.end)
            .map_err(|e| CliError::Input(format!("{}: {e}", s.name)))?;
    }
    let mut next = 0;
    let mut gaps = Vec::new();
    for (i, s) in shards.iter().enumerate() {
        if s.start < next {
            let other = &shards[i - 1];
            return Err(CliError::Input(format!(
                "{}: replicates {}..{} overlap {}'s {}..{} (a shard given twice, or of another split)",
                s.name, s.start, s.end, other.name, other.start, other.end
            )));
        }
        if s.start > next {
            gaps.push(format!("{next}..{}", s.start));
        }
        next = s.end;
    }
    if next < total {
        gaps.push(format!("{next}..{total}"));
    }
    if !gaps.is_empty() && !allow_partial {
        return Err(CliError::Input(format!(
            "replicates {} of {total} are missing: a shard is missing (merge them all, or add --allow-partial for a report of those given)",
            gaps.join(", ")
        )));
    }
    let mut summary = shards[0].state.clone();
    for s in &shards[1..] {
        summary.merge(&s.state);
    }
    let seconds = shards.iter().map(|s| s.seconds).sum();
    let threads = shards.iter().map(|s| s.threads).max().unwrap_or(1);
    let mut value =
        report::model::RunReport::new(&scenario, &summary, gaps.is_empty()).timed(&scenario, seconds, threads);
    if !gaps.is_empty() {
        let w = format!(
            "partial merge: replicates {} of {total} are missing; this report is of {} trials",
            gaps.join(", "),
            summary.replicates
        );
        value.warnings.push(w);
    }
    emit_report(&value, format, out)
}

fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = if len == 0 { indicatif::ProgressBar::new_spinner() } else { indicatif::ProgressBar::new(len) };
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} virtual trials, {eta} left") {
        bar.set_style(style);
    }
    bar
}

fn simon(p0: f64, p1: f64, alpha: f64, beta: f64, n_max: u32, format: VerifyFormat) -> Result<(), CliError> {
    let in_unit = |x: f64| x > 0.0 && x < 1.0;
    if !(in_unit(p0) && in_unit(p1) && p0 < p1) {
        return Err(CliError::Input(format!("--p0 {p0} --p1 {p1}: expected 0 < p0 < p1 < 1")));
    }
    if !(in_unit(alpha) && in_unit(beta)) {
        return Err(CliError::Input(format!("--alpha {alpha} --beta {beta}: expected both in (0, 1)")));
    }
    if !(2..=500).contains(&n_max) {
        return Err(CliError::Input(format!("--n-max {n_max}: expected 2 to 500")));
    }
    let designs = crate::stats::simon::search(p0, p1, alpha, beta, n_max).ok_or_else(|| {
        CliError::Input(format!(
            "no two-stage design with n <= {n_max} reaches alpha {alpha} and power {}; raise --n-max",
            1.0 - beta
        ))
    })?;
    let text = match format {
        VerifyFormat::Json => report::simon::json(&designs, p0, p1, alpha, beta),
        VerifyFormat::Table => report::simon::table(&designs, p0, p1, alpha, beta),
    };
    Ok(report::emit(&text, None, false)?)
}

/// The `--set` overrides with `--replicates` and `--seed` as `study.replicates` and
/// `study.seed`, so that the flags go through validation like the scenario's own values and the
/// validated scenario is never changed afterwards.
fn with_study_flags(sets: &[String], replicates: Option<u64>, seed: Option<u64>) -> Result<Vec<String>, CliError> {
    let mut sets = sets.to_vec();
    if let Some(r) = replicates {
        if r == 0 || r > scenario::MAX_REPLICATES as u64 {
            return Err(CliError::Input(format!("--replicates {r}: expected 1 to {}", scenario::MAX_REPLICATES)));
        }
        sets.push(format!("study.replicates={r}"));
    }
    if let Some(seed) = seed {
        // The scenario language's seeds are TOML integers (shards and checkpoints carry the
        // scenario as TOML), so the flag takes the same range.
        if seed > i64::MAX as u64 {
            return Err(CliError::Input(format!("--seed {seed}: expected an integer from 0 to {}", i64::MAX)));
        }
        sets.push(format!("study.seed={seed}"));
    }
    Ok(sets)
}

/// The counts `size` may vary: power depends on them, and the search knows their bounds.
const SIZE_PATHS: [&str; 2] = ["analysis.cut.events", "enrollment.sample_size"];

/// What `size` seeks: the endpoint, the target power and the varied count.
#[derive(Clone, Copy)]
struct SizeSearch<'a> {
    endpoint: &'a str,
    target: f64,
    vary: Option<&'a str>,
    /// `--plots DIR` and `--force`.
    plots: Option<(&'a std::path::Path, bool)>,
    /// `--html FILE`.
    html: Option<report::output::Target<'a>>,
    /// `--next FILE` or `--record REPORT…`: a step of a driver on a cluster.
    driver: Option<SizeDriver<'a>>,
}

#[derive(Clone, Copy)]
enum SizeDriver<'a> {
    Next(&'a std::path::Path),
    Record(&'a [PathBuf]),
}

/// The evaluations a search runs with every trial: one round of 7 fitted values and the
/// answer (typical), up to 4 rounds and a plateau check (at most); the coarse evaluations add
/// about a tenth of the trials each.
const SIZE_EVALUATIONS: (f64, f64) = (8.5, 33.0);

fn size(
    args: &ScenarioArgs,
    search: SizeSearch,
    threads: usize,
    out: report::output::Target,
    format: Format,
    quiet: bool,
    resumable: Resumable,
) -> Result<(), CliError> {
    use crate::design::{analytic, size as sz};
    use report::checkpoint::SizeEvaluation;
    let SizeSearch { endpoint, target, vary, plots, html, driver } = search;
    out.check()?;
    if let Some(h) = &html {
        h.check()?;
    }
    if let Some((dir, force)) = plots {
        output_folder(dir, force)?;
    }
    if !(target > 0.0 && target < 1.0) {
        return Err(CliError::Input(format!("--target-power {target}: expected a power in (0, 1)")));
    }
    let s = scenario::load(&args.scenario, &args.sets)?;
    let e = s.endpoint_index(endpoint).ok_or_else(|| {
        let names: Vec<&str> = s.endpoints.iter().map(|e| e.name.as_str()).collect();
        CliError::Input(format!("--endpoint {endpoint}: no such endpoint; the endpoints are {}", names.join(", ")))
    })?;
    if matches!(s.endpoints[e].kind, scenario::EndpointKind::Safety { .. }) {
        return Err(CliError::Input(format!("--endpoint {endpoint}: a safety endpoint has no test to power")));
    }
    let event_cut = match s.analysis.cut {
        scenario::Cut::Events { events, .. } => Some(events as u64),
        _ => None,
    };
    let path = vary.unwrap_or(if event_cut.is_some() { "analysis.cut.events" } else { "enrollment.sample_size" });
    if !SIZE_PATHS.contains(&path) {
        return Err(CliError::Input(format!(
            "--vary {path}: size varies a count that power depends on: {} (use sweep for other values)",
            SIZE_PATHS.join(" or ")
        )));
    }
    if path == "analysis.cut.events" && event_cut.is_none() {
        return Err(CliError::Input(
            "--vary analysis.cut.events: the scenario's cut is not event-driven (analysis.cut = { endpoint = …, events = … })".into(),
        ));
    }
    let current = scenario::integer_at(&args.scenario, &args.sets, path)?;
    let n = s.enrollment.sample_size as u64;
    let looks = s.analysis.looks.count() as u64;
    // The analytic answer, where a closed form applies.
    let mut analytic_answer: Option<(u64, &str)> = None;
    if let Some(a) = analytic::tte_assumptions(&s, e) {
        let (d, method) = match analytic::GroupSequential::of(&s, e) {
            Some(gs) => (gs.events(target, a.hazard_ratio, a.ratio), "schoenfeld + group_sequential"),
            None => (analytic::schoenfeld_events(s.endpoints[e].alpha, target, a.hazard_ratio, a.ratio), "schoenfeld"),
        };
        if path == "analysis.cut.events" {
            analytic_answer = Some((d.ceil() as u64, method));
        } else if path == "enrollment.sample_size"
            && let (Some(h), scenario::Accrual::Uniform { months }, scenario::Cut::Month(cut)) =
                (a.control_hazard, &s.enrollment.accrual, &s.analysis.cut)
        {
            let ep = &s.endpoints[e];
            let c = ep.control.expect("two-arm");
            let arms = [
                (s.arms[c].allocation as f64, h, s.dropout_hazard[c]),
                (s.arms[ep.treatment].allocation as f64, h * a.hazard_ratio, s.dropout_hazard[ep.treatment]),
            ];
            let follow_up = (cut - months).max(0.0);
            let method = if method == "schoenfeld" {
                "schoenfeld + lachin_foulkes"
            } else {
                "schoenfeld + group_sequential + lachin_foulkes"
            };
            analytic_answer =
                Some((analytic::sample_size_for_events(d, &arms, *months, follow_up).ceil() as u64, method));
        }
    } else if let (Some((_, _, _)), "enrollment.sample_size") = (analytic::binary_companion(&s, e), path)
        && let scenario::EndpointKind::Binary {
            response, test: scenario::BinaryTest::ExactBinomial { null_rate }, ..
        } = &s.endpoints[e].kind
    {
        let p1 = analytic::mean_response(&s, *response, s.endpoints[e].treatment);
        let found = (1..=5000u64)
            .find(|&m| analytic::exact_binomial_power(m, *null_rate, p1, s.endpoints[e].alpha).1 >= target);
        analytic_answer = found.map(|m| (m, "exact_binomial"));
    }
    // A closed form that is infinite (a hazard ratio of 1) or beyond the language's limits is
    // no answer and no start.
    analytic_answer = analytic_answer.filter(|a| a.0 >= 1 && a.0 <= scenario::MAX_SAMPLE_SIZE as u64);
    let start = analytic_answer.map_or(current.max(1) as u64, |a| a.0);
    // Bounds from the scenario: at least one event per look and at most one per patient; under
    // an event-driven cut at least as many patients as events; at most 64 times the start
    // (a search that climbs further is chasing a plateau).
    let (min, max) = match path {
        "analysis.cut.events" => (looks.max(2), n),
        _ => (
            event_cut.unwrap_or(2).max(2),
            start.max(current as u64).saturating_mul(64).min(scenario::MAX_SAMPLE_SIZE as u64),
        ),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Failure(format!("cannot start {threads} threads: {e}")))?;
    // The scenario of one evaluation: the value and the trials as `--set` overrides, validated.
    let at = |v: u64, r: u64| -> Result<scenario::Scenario, CliError> {
        let mut sets = args.sets.clone();
        sets.extend([format!("{path}={v}"), format!("study.replicates={r}")]);
        Ok(scenario::load(&args.scenario, &sets)?)
    };
    // The time the search would take, measured on the start value (not for a driver's steps,
    // which run nothing here).
    if !out_force(out) && driver.is_none() {
        let s0 = at(start.clamp(min, max), s.replicates)?;
        let per = pool.install(|| crate::engine::seconds_per_replicate(&s0, 0, (8 * threads as u64).min(64)));
        let (typical, most) =
            (per * s.replicates as f64 * SIZE_EVALUATIONS.0, per * s.replicates as f64 * SIZE_EVALUATIONS.1);
        if typical > MAX_SECONDS {
            return Err(CliError::Input(format!(
                "the search would take about {} to {} on this machine ({:.3} s per trial at {path} = {start} on {threads} threads, {} trials per evaluation, {} to {} evaluations); the limit is 24 h: use fewer --replicates, or add --force",
                duration(typical),
                duration(most),
                per,
                s.replicates,
                SIZE_EVALUATIONS.0,
                SIZE_EVALUATIONS.1
            )));
        }
        if !quiet && typical > 10.0 {
            eprintln!(
                "peritrial: the search takes about {} (at most {}) on {threads} threads",
                duration(typical),
                duration(most)
            );
        }
    }
    // Checkpoint and resume: finished evaluations, by value and trials.
    let key = report::checkpoint::size_sha256(&scenario::to_toml(&s), path, endpoint);
    let checkpoint_target = resumable.checkpoint.map(|p| report::output::Target::of(Some(p), true));
    if let Some(t) = &checkpoint_target {
        t.check()?;
    }
    let read_checkpoint = |p: &std::path::Path| -> Result<Vec<SizeEvaluation>, CliError> {
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p).map_err(|err| CliError::Input(format!("cannot read {name}: {err}")))?;
        report::checkpoint::size_read(&text, &name, &key).map_err(CliError::Input)
    };
    if let Some(d) = driver {
        let ck = resumable.checkpoint.expect("clap requires --checkpoint");
        let mut finished = if ck.exists() { read_checkpoint(ck)? } else { Vec::new() };
        match d {
            SizeDriver::Record(reports) => {
                for r in reports {
                    let done = recorded_evaluation(r, &s, e, path, &at)?;
                    if !finished.iter().any(|x| (x.value, x.replicates) == (done.value, done.replicates)) {
                        finished.push(done);
                    }
                    if !quiet {
                        eprintln!(
                            "peritrial: recorded {path} = {} with {} trials ({} rejections)",
                            done.value, done.replicates, done.rejections
                        );
                    }
                }
                report::output::Target::of(Some(ck), true)
                    .write(report::checkpoint::size_write(&key, &finished).as_bytes())?;
            }
            SizeDriver::Next(file) => {
                // The search as far as the checkpoint takes it: the first evaluation it lacks.
                let mut needed = None;
                let _ = sz::search(
                    target,
                    start,
                    min,
                    max,
                    s.replicates,
                    |v, r| match finished.iter().find(|x| x.value == v && x.replicates == r) {
                        Some(x) => Ok((x.rejections as f64 / r as f64, x.missed as f64 / r as f64)),
                        None => {
                            needed = Some((v, r));
                            Err(())
                        }
                    },
                    |_| {},
                );
                match needed {
                    None => println!("done"),
                    Some((v, r)) => {
                        let text = scenario::to_toml(&at(v, r)?);
                        report::output::Target::of(Some(file), true).write(text.as_bytes())?;
                        println!("next {path}={v} {r}");
                    }
                }
            }
        }
        return Ok(());
    }
    let mut finished: Vec<SizeEvaluation> = match resumable.resume {
        Some(p) => {
            let name = p.display().to_string();
            let text =
                std::fs::read_to_string(p).map_err(|err| CliError::Input(format!("cannot read {name}: {err}")))?;
            report::checkpoint::size_read(&text, &name, &key).map_err(CliError::Input)?
        }
        None => Vec::new(),
    };
    let resumed = finished.len();
    let every: f64 = std::env::var("PERITRIAL_CHECKPOINT_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10.0);
    let save = |finished: &[SizeEvaluation]| -> Result<(), CliError> {
        match &checkpoint_target {
            Some(t) => Ok(t.write(report::checkpoint::size_write(&key, finished).as_bytes())?),
            None => Ok(()),
        }
    };
    let bar = progress_bar(0, quiet);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} size: {pos} evaluations, {elapsed} elapsed")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let stop = stop_on_signals();
    let mut last_save = std::time::Instant::now();
    let mut log_last = std::time::Instant::now();
    let log = !quiet && {
        use std::io::IsTerminal;
        !std::io::stderr().is_terminal()
    };
    let result = sz::search(
        target,
        start,
        min,
        max,
        s.replicates,
        |v, r| {
            let share = |e: &SizeEvaluation| (e.rejections as f64 / r as f64, e.missed as f64 / r as f64);
            if let Some(done) = finished.iter().find(|x| x.value == v && x.replicates == r) {
                return Ok(share(done));
            }
            let s = at(v, r)?;
            let outcome = pool.install(|| crate::engine::run_controlled(&s, 0..r, &stop, |_, _| {}, |_, _| {}));
            if outcome.interrupted {
                save(&finished)?;
                return Err(CliError::Failure(format!(
                    "interrupted after {} evaluations (the search's answer is not written){}",
                    finished.len(),
                    resumable.checkpoint.map_or(String::new(), |p| format!(
                        "; the checkpoint {} holds them (resume with --resume {})",
                        p.display(),
                        p.display()
                    ))
                )));
            }
            let summary = outcome.summary;
            let missed =
                summary.looks.iter().map(|l| l.not_reached).chain([summary.cut_not_reached]).max().unwrap_or(0);
            let done = SizeEvaluation { value: v, replicates: r, rejections: summary.endpoints[e].rejections, missed };
            finished.push(done);
            if last_save.elapsed().as_secs_f64() >= every {
                save(&finished)?;
                last_save = std::time::Instant::now();
            }
            if log && log_last.elapsed().as_secs_f64() >= 10.0 {
                eprintln!(
                    "peritrial: size: {} evaluations, the last {path} = {v} at power {:.4}",
                    finished.len(),
                    share(&done).0
                );
                log_last = std::time::Instant::now();
            }
            Ok(share(&done))
        },
        |k| bar.set_position(k as u64),
    );
    bar.finish_and_clear();
    // Every finished evaluation is kept, whatever the search concluded.
    if !matches!(result, Err(sz::SizeError::Evaluation(_))) {
        save(&finished)?;
    }
    if resumed > 0 && !quiet {
        eprintln!("peritrial: {resumed} evaluations taken from the checkpoint");
    }
    let result = match result {
        Ok(r) => r,
        Err(sz::SizeError::Evaluation(err)) => return Err(err),
        Err(sz::SizeError::Unreachable { max, power }) => {
            return Err(CliError::Input(format!(
                "{path}: the target power {target} is not reached even at {max}, the largest value searched (power {power:.4})"
            )));
        }
        Err(sz::SizeError::Plateau { values, powers }) => {
            return Err(CliError::Input(format!(
                "{path}: power does not rise with {path} (power {:.4} at {}, {:.4} at {}, {:.4} at {}): the target {target} cannot be reached by varying it",
                powers.0, values.0, powers.1, values.1, powers.2, values.2
            )));
        }
        Err(sz::SizeError::TargetMissed { value, share }) => {
            return Err(CliError::Input(format!(
                "{path} = {value}: {:.1}% of trials do not reach their event target, so the power there is not that of the design; no answer{}",
                100.0 * share,
                if path == "analysis.cut.events" {
                    " (the trials cannot reach that many events: raise enrollment.sample_size)"
                } else {
                    ""
                }
            )));
        }
        Err(sz::SizeError::NoFit { lo, hi }) => {
            return Err(CliError::Input(format!(
                "{path}: between {lo} and {hi} power does not rise measurably with {path}; the target {target} is not identified (a plateau near the target)"
            )));
        }
    };
    let value = report::model::SizeReport {
        parameter: path.to_string(),
        endpoint: endpoint.to_string(),
        target_power: target,
        value: result.value,
        power: result.power,
        power_mcse: result.power_mcse,
        fitted_power: result.fitted_power,
        interval_95: [result.interval.0, result.interval.1],
        fit_intercept: result.fit.0,
        fit_slope: result.fit.1,
        method: "probit fit of power against the value over the evaluations with every trial (common random numbers)"
            .into(),
        replicates: result.replicates,
        analytic: analytic_answer.map(|(value, method)| report::model::SizeAnalytic { value, method: method.into() }),
        evaluations: result
            .evaluations
            .iter()
            .map(|x| report::model::SizeEvaluation {
                value: x.value,
                replicates: x.replicates,
                power: x.power,
                target_not_reached: x.not_reached,
            })
            .collect(),
        provenance: report::model::Provenance::of(&s),
        execution: Some(report::model::Execution::now()),
    };
    let text = report::export::render(format, report::export::Report::Size(&value));
    if let Some((dir, force)) = plots {
        write_plots(dir, report::plot::size(&value), force)?;
    }
    if let Some(h) = &html {
        h.write(report::export::html(report::export::Report::Size(&value)).as_bytes())?;
    }
    Ok(out.write(text.as_bytes())?)
}

/// The evaluation a run report is, for `size --record`: the report must be complete (every
/// replicate, not interrupted) and its effective scenario must be, byte for byte, the one the
/// search runs at the report's value and trials (`at`), so that its counts are the ones the
/// search would have found itself.
fn recorded_evaluation(
    path: &std::path::Path,
    s: &scenario::Scenario,
    e: usize,
    varied: &str,
    at: &dyn Fn(u64, u64) -> Result<scenario::Scenario, CliError>,
) -> Result<report::checkpoint::SizeEvaluation, CliError> {
    let name = path.display().to_string();
    let bad = |m: String| CliError::Input(format!("{name}: {m}"));
    let text = std::fs::read_to_string(path).map_err(|err| bad(format!("cannot read: {err}")))?;
    let r: report::model::RunReport =
        serde_json::from_str(&text).map_err(|err| bad(format!("not a run report (JSON of run or merge): {err}")))?;
    if r.shard.is_some() {
        return Err(bad("a shard, not the merged report: merge the evaluation's shards first".into()));
    }
    if !r.complete || r.interrupted.is_some() {
        return Err(bad("an incomplete run (interrupted, or a partial merge): not an evaluation".into()));
    }
    let theirs = scenario::from_str(&r.provenance.scenario_toml, &name, &[])?;
    let value = match varied {
        "analysis.cut.events" => match theirs.analysis.cut {
            scenario::Cut::Events { events, .. } => events as u64,
            _ => return Err(bad("its cut is not event-driven; this search varies analysis.cut.events".into())),
        },
        "enrollment.sample_size" => theirs.enrollment.sample_size as u64,
        other => unreachable!("size validated --vary {other} against SIZE_PATHS"),
    };
    let ours = scenario::to_toml(&at(value, r.replicates)?);
    if ours != r.provenance.scenario_toml {
        return Err(bad(format!(
            "not a run of this search's evaluation at {varied} = {value} with {} trials: its effective scenario differs from the search's (another scenario, --set, seed or endpoint definition)",
            r.replicates
        )));
    }
    let endpoint = &s.endpoints[e].name;
    let rejections = r
        .endpoints
        .iter()
        .find(|x| &x.name == endpoint)
        .and_then(|x| x.rejections)
        .ok_or_else(|| bad(format!("no rejections of {endpoint}")))?;
    // The trials that missed an event target: at the cut or at a look, as the search counts.
    let looks = r.endpoints.iter().filter_map(|x| x.looks.as_ref()).flatten().map(|l| l.target_not_reached);
    let missed = looks.chain(r.analysis.cut_target_not_reached).max().unwrap_or(0);
    Ok(report::checkpoint::SizeEvaluation { value, replicates: r.replicates, rejections, missed })
}

/// Splits `V1,V2,…` at commas outside brackets and braces (values are TOML).
fn split_values(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for ch in s.chars() {
        match ch {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            _ => {}
        }
        if ch == ',' && depth == 0 {
            out.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(ch);
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// `--replicates`, `--seed` and `--threads` of a command that simulates.
#[derive(Clone, Copy)]
struct StudyFlags {
    replicates: Option<u64>,
    seed: Option<u64>,
    threads: usize,
}

#[allow(clippy::too_many_arguments)]
fn sweep(
    args: &ScenarioArgs,
    vary: &[String],
    study: StudyFlags,
    out: report::output::Target,
    format: Format,
    quiet: bool,
    resumable: Resumable,
    plots: Option<(&std::path::Path, bool, Option<f64>)>,
    html: Option<report::output::Target>,
    shard: Option<(u64, u64)>,
) -> Result<(), CliError> {
    out.check()?;
    if let Some(h) = &html {
        h.check()?;
    }
    if let Some((dir, force, _)) = plots {
        output_folder(dir, force)?;
    }
    if vary.len() > 2 {
        return Err(CliError::Input("--vary: a sweep has one or two dimensions".into()));
    }
    let mut dims: Vec<(String, Vec<String>)> = Vec::new();
    for v in vary {
        let (path, values) =
            v.split_once('=').ok_or_else(|| CliError::Input(format!("--vary {v}: expected PATH=V1,V2,…")))?;
        let values = split_values(values);
        if values.iter().any(|x| x.is_empty()) {
            return Err(CliError::Input(format!("--vary {v}: an empty value")));
        }
        if dims.iter().any(|(p, _)| p == path.trim()) {
            return Err(CliError::Input(format!("--vary {}: the same path is given twice", path.trim())));
        }
        dims.push((path.trim().to_string(), values));
    }
    let grid: Vec<Vec<(String, String)>> = match dims.as_slice() {
        [(p, vs)] => vs.iter().map(|v| vec![(p.clone(), v.clone())]).collect(),
        [(p, vs), (q, ws)] => vs
            .iter()
            .flat_map(|v| ws.iter().map(move |w| vec![(p.clone(), v.clone()), (q.clone(), w.clone())]))
            .collect(),
        _ => unreachable!("one or two dimensions"),
    };
    let point_sets = |point: &[(String, String)]| -> Result<Vec<String>, CliError> {
        let mut sets = args.sets.clone();
        sets.extend(point.iter().map(|(p, v)| format!("{p}={v}")));
        with_study_flags(&sets, study.replicates, study.seed)
    };
    let load = |k: usize| -> Result<scenario::Scenario, CliError> {
        Ok(scenario::load(&args.scenario, &point_sets(&grid[k])?)?)
    };
    // Validate every grid point before simulating any, keeping of each only its replicate
    // count (its scenario is loaded again when it runs): the memory of a sweep grows by one row
    // per point, not by one scenario. The time of the points, from a short calibration run of
    // each (`refuse_if_too_long`).
    let threads = study.threads;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Failure(format!("cannot start {threads} threads: {e}")))?;
    let mut hash = report::checkpoint::GridHash::new();
    let mut replicates = Vec::with_capacity(grid.len());
    for (k, point) in grid.iter().enumerate() {
        let s = load(k)?;
        hash.add(point, &scenario::to_toml(&s));
        replicates.push(s.replicates);
    }
    let (sweep_sha256, grid_sha256) = hash.finish();
    if let Some((k, n)) = shard {
        return sweep_shard(&grid, &replicates, &load, (k, n), grid_sha256, out, &pool, quiet);
    }
    let mut sink = report::sweep::Sink::new(out, format)?;
    let named = |k: usize| report::model::Named(grid[k].clone());
    // The checkpoint: a journal appended as each point finishes (checkpoint.rs).
    let mut journal: Option<Journal> = resumable.checkpoint.map(|p| Journal { path: p, file: None });
    if let Some(p) = resumable.resume {
        let name = p.display().to_string();
        let file = std::fs::File::open(p).map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
        let mut k = 0;
        let (done, sound) = report::checkpoint::sweep_replay(
            std::io::BufReader::new(file),
            &name,
            &sweep_sha256,
            grid.len(),
            |report| {
                sink.push(named(k), report).map_err(|e| e.to_string())?;
                k += 1;
                Ok(())
            },
        )
        .map_err(CliError::Input)?;
        // Resuming into the same journal appends after its last sound line.
        if let Some(j) = journal.as_mut().filter(|j| same_file(j.path, p)) {
            std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .and_then(|f| f.set_len(sound))
                .map_err(|e| CliError::Failure(format!("{name}: cannot append: {e}")))?;
            j.file = Some(append_to(p)?);
        } else if let Some(j) = journal.as_mut() {
            // Another journal: it starts as a copy of the sound part of this one.
            let mut text = Vec::new();
            use std::io::Read;
            std::fs::File::open(p)
                .and_then(|f| f.take(sound).read_to_end(&mut text))
                .map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
            report::output::Target::of(Some(j.path), true).write(&text)?;
            j.file = Some(append_to(j.path)?);
        }
        debug_assert_eq!(done, sink.points());
    }
    let mut estimate = 0.0;
    for k in sink.points()..grid.len() {
        let s = load(k)?;
        if let Some(e) = pool.install(|| refuse_if_too_long(&s, 0, s.replicates, threads, out_force(out)))? {
            estimate += e;
        }
    }
    if estimate > MAX_SECONDS && !out_force(out) {
        return Err(CliError::Input(format!(
            "the sweep's {} points would take about {:.0} h on this machine; the limit is 24 h: use fewer points or --replicates, or add --force",
            grid.len() - sink.points(),
            estimate / 3600.0
        )));
    }
    let bar = progress_bar(grid.len() as u64, quiet);
    bar.set_position(sink.points() as u64);
    let stop = stop_on_signals();
    let started = std::time::Instant::now();
    for k in sink.points()..grid.len() {
        let s = load(k)?;
        let outcome = pool.install(|| crate::engine::run_controlled(&s, 0..s.replicates, &stop, |_, _| {}, |_, _| {}));
        if outcome.interrupted {
            bar.finish_and_clear();
            let resume = match resumable.checkpoint {
                Some(p) => format!("; resume with --resume {}", p.display()),
                None => String::new(),
            };
            return Err(CliError::Failure(format!(
                "interrupted after {k} of {} grid points (the sweep's output is not written){resume}",
                grid.len()
            )));
        }
        let report = report::model::RunReport::new(&s, &outcome.summary, true);
        if let Some(j) = journal.as_mut() {
            j.append(k, &sweep_sha256, grid.len(), &report)?;
        }
        sink.push(named(k), report)?;
        bar.set_position(k as u64 + 1);
    }
    bar.finish_and_clear();
    let sweep = sink.finish(started.elapsed().as_secs_f64(), Some(report::model::Execution::now()))?;
    if let Some((dir, force, target)) = plots {
        write_plots(dir, report::plot::sweep(&sweep, target), force)?;
    }
    if let Some(h) = &html {
        h.write(report::export::html(report::export::Report::Sweep(&sweep)).as_bytes())?;
    }
    Ok(())
}

/// A sweep's checkpoint journal, opened for appending once its first line is written.
struct Journal<'a> {
    path: &'a std::path::Path,
    file: Option<std::fs::File>,
}

impl Journal<'_> {
    /// Appends point `k`'s line and flushes it to disk; the first point writes the journal
    /// whole (header and line) first, replacing a journal of an earlier sweep.
    fn append(
        &mut self,
        k: usize,
        sweep_sha256: &str,
        points: usize,
        report: &report::model::RunReport,
    ) -> Result<(), CliError> {
        use std::io::Write;
        let line = report::checkpoint::sweep_line(k, report);
        let name = self.path.display().to_string();
        match &mut self.file {
            None => {
                let text = report::checkpoint::sweep_header(sweep_sha256, points) + &line;
                report::output::Target::of(Some(self.path), true).write(text.as_bytes())?;
                self.file = Some(append_to(self.path)?);
            }
            Some(f) => {
                f.write_all(line.as_bytes())
                    .and_then(|_| f.sync_data())
                    .map_err(|e| CliError::Failure(format!("{name}: cannot append: {e}")))?;
            }
        }
        Ok(())
    }
}

fn append_to(path: &std::path::Path) -> Result<std::fs::File, CliError> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| CliError::Failure(format!("{}: cannot append: {e}", path.display())))
}

/// Whether two paths name the same file.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Shard `k` of `n` of a sweep: the replicates `shard_range(Σ replicates, k, n)` of the grid's
/// replicates laid end to end, as parts (a range of one point each) with their summary states,
/// streamed to the output as each part finishes.
#[allow(clippy::too_many_arguments)]
fn sweep_shard(
    grid: &[Vec<(String, String)>],
    replicates: &[u64],
    load: &dyn Fn(usize) -> Result<scenario::Scenario, CliError>,
    (k, n): (u64, u64),
    grid_sha256: String,
    out: report::output::Target,
    pool: &rayon::ThreadPool,
    quiet: bool,
) -> Result<(), CliError> {
    let total: u64 = replicates.iter().sum();
    if n > total {
        return Err(CliError::Input(format!(
            "sweep --shard {k}/{n}: the grid has {total} replicates in all, fewer than the shards"
        )));
    }
    let range = crate::engine::shard_range(total, k, n);
    let header = report::shard::SweepShard {
        index: k,
        shards: n,
        start: range.start,
        end: range.end,
        total_points: grid.len() as u64,
        total_replicates: total,
        grid_sha256,
        format_version: report::shard::FORMAT_VERSION,
        peritrial: env!("CARGO_PKG_VERSION").into(),
    };
    // The points' pieces in the shard: (point, its replicates a..b).
    let mut pieces = Vec::new();
    let mut offset = 0u64;
    for (p, &r) in replicates.iter().enumerate() {
        let (a, b) = (range.start.max(offset), range.end.min(offset + r));
        if a < b {
            pieces.push((p, (a - offset)..(b - offset)));
        }
        offset += r;
    }
    // The shard's time, from a short calibration run of each of its points (as a whole sweep's).
    let threads = pool.current_num_threads();
    let mut estimate = 0.0;
    for (p, part) in &pieces {
        let s = load(*p)?;
        if let Some(e) =
            pool.install(|| refuse_if_too_long(&s, part.start, part.end - part.start, threads, out_force(out)))?
        {
            estimate += e;
        }
    }
    if estimate > MAX_SECONDS && !out_force(out) {
        return Err(CliError::Input(format!(
            "sweep shard {k}/{n} would take about {:.0} h on this machine; the limit is 24 h: use more shards, fewer points or --replicates, or add --force",
            estimate / 3600.0
        )));
    }
    let mut stream = out.stream_whole()?;
    stream.write_all(report::shard::sweep_shard_open(&header).as_bytes())?;
    let bar = progress_bar(range.end - range.start, quiet);
    let stop = stop_on_signals();
    let started = std::time::Instant::now();
    let mut first = true;
    for (p, part) in pieces {
        let s = load(p)?;
        let outcome = pool.install(|| crate::engine::run_controlled(&s, part.clone(), &stop, |_, _| {}, |_, _| {}));
        if outcome.interrupted {
            bar.finish_and_clear();
            return Err(CliError::Failure(format!(
                "interrupted in grid point {} (the shard's output is not written; rerun the shard)",
                p + 1
            )));
        }
        let (done, toml) = (part.end - part.start, scenario::to_toml(&s));
        let text = report::shard::sweep_part(first, p as u64, &grid[p], part, replicates[p], &toml, &outcome.summary);
        stream.write_all(text.as_bytes())?;
        first = false;
        bar.inc(done);
    }
    bar.finish_and_clear();
    let execution = report::model::Execution::now();
    stream
        .write_all(report::shard::sweep_shard_close(!first, started.elapsed().as_secs_f64(), &execution).as_bytes())?;
    Ok(stream.finish()?)
}

/// Indices as a job-array range: 3,17-19.
pub fn array_range(indices: &[u64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        parts.push(if j > i { format!("{}-{}", indices[i], indices[j]) } else { indices[i].to_string() });
        i = j + 1;
    }
    parts.join(",")
}

fn missing(dir: &std::path::Path, shards: u64, quiet: bool) -> Result<(), CliError> {
    if shards == 0 || shards > 10_000_000 {
        return Err(CliError::Input(format!("--shards {shards}: expected 1 to 10000000")));
    }
    if !dir.is_dir() {
        return Err(CliError::Input(format!("{}: not a folder", dir.display())));
    }
    let mut bad = Vec::new();
    // One run: every shard's scenario (a sweep's: its grid checksum) and replicates must be the
    // first sound one's.
    let mut run: Option<(String, u64)> = None;
    for k in 1..=shards {
        let path = dir.join(shard_file_name(k, shards));
        let name = path.display().to_string();
        let why = match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("absent".to_string()),
            Err(e) => Some(format!("cannot be read: {e}")),
            // What the file is: its range (or why not), and the run it belongs to.
            Ok(text) => {
                let json = serde_json::from_str::<serde_json::Value>(&text).ok();
                let read = if let Some(v) = json.as_ref().filter(|v| report::shard::is_sweep_shard(v)) {
                    report::shard::read_sweep_shard(v, false).map(|(h, _)| {
                        let expected = crate::engine::shard_range(h.total_replicates, k, shards);
                        let range = ((h.index, h.shards, h.start, h.end) != (k, shards, expected.start, expected.end))
                            .then(|| {
                                format!(
                                    "is shard {} of {} of a sweep (replicates {}..{}), not shard {k} of {shards}",
                                    h.index, h.shards, h.start, h.end
                                )
                            });
                        (range, (h.grid_sha256, h.total_replicates), "sweep (another grid or replicate count)")
                    })
                } else {
                    report::shard::read_file(&text, &name).map(|f| {
                        let expected = crate::engine::shard_range(f.total, k, shards);
                        let range = ((f.start, f.end) != (expected.start, expected.end)).then(|| {
                            format!(
                                "holds replicates {}..{}, not shard {k} of {shards}'s {}..{}",
                                f.start, f.end, expected.start, expected.end
                            )
                        });
                        (range, (f.toml, f.total), "run (another scenario or replicate count)")
                    })
                };
                match read {
                    Err(m) => Some(m),
                    Ok((Some(range), _, _)) => Some(range),
                    Ok((None, this, _)) if run.as_ref().is_none_or(|r| *r == this) => {
                        run.get_or_insert(this);
                        None
                    }
                    Ok((None, _, other)) => Some(format!("is a shard of another {other}")),
                }
            }
        };
        if let Some(why) = why {
            if !quiet {
                eprintln!("{name}: {why}");
            }
            bad.push(k);
        }
    }
    if bad.is_empty() {
        if !quiet {
            eprintln!("peritrial: all {shards} shards in {} are present and sound", dir.display());
        }
        return Ok(());
    }
    println!("{}", array_range(&bad));
    Err(CliError::Failure(format!("{} of {shards} shards absent or damaged", bad.len())))
}

/// What `sample` writes beside patients.csv, trials.csv and dictionary.csv.
#[derive(Clone, Copy)]
struct SampleFiles {
    per_trial: bool,
    /// ADaM data sets, dated from this month 0.
    adam: Option<report::adam::Date>,
}

fn sample(
    args: &ScenarioArgs,
    trials: u64,
    dir: &std::path::Path,
    force: bool,
    files: SampleFiles,
) -> Result<(), CliError> {
    let s = scenario::load(&args.scenario, &args.sets)?;
    if trials == 0 || trials > 100_000 {
        return Err(CliError::Input(format!("--trials {trials}: expected 1 to 100000")));
    }
    output_folder(dir, force)?;
    let mut written: Vec<std::path::PathBuf> = Vec::new();
    let result = write_sample(&s, trials, dir, files, &mut written);
    if result.is_err() {
        // Nothing half-written stays: the files this export already put in place go too.
        for f in &written {
            let _ = std::fs::remove_file(f);
        }
    }
    result
}

/// The files of `sample` (see `report::sample`); `trials.csv` last: a folder without it is an
/// interrupted export. Each file is written to a temporary file put in place when complete.
fn write_sample(
    s: &scenario::Scenario,
    trials: u64,
    dir: &std::path::Path,
    files: SampleFiles,
    written: &mut Vec<std::path::PathBuf>,
) -> Result<(), CliError> {
    use report::sample as export;
    let mut sampler = crate::engine::Sampler::new(s);
    let layout = sampler.plan.layout.clone();
    let specs = export::tte_specs(s);
    let trials_header = report::replicates::header(s, &layout);
    let patients_path = dir.join("patients.csv");
    let mut patients = report::output::Target::File { path: &patients_path, force: true }.stream()?;
    let mut rows = report::replicates::Rows::default();
    rows.push(&trials_header);
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(export::patients_header(s)).expect("writing to memory");
    patients.write_all(&header.into_inner().expect("writing to memory"))?;
    let adam_names = ["adsl.csv", "adtte.csv", "adrs.csv", "adae.csv"];
    let mut adam = match files.adam {
        None => None,
        Some(date) => {
            let mut streams = Vec::new();
            for name in adam_names {
                streams.push((dir.join(name), None));
            }
            for (path, stream) in &mut streams {
                *stream = Some(report::output::Target::File { path, force: true }.stream()?);
            }
            Some((date, report::adam::Codes::new(s), report::adam::Sets::new(), streams))
        }
    };
    for i in 0..trials {
        let mut chunk = csv::Writer::from_writer(Vec::new());
        let (trial, record) = sampler.trial(i);
        let cut = record[crate::analyze::global::CUT_MONTH];
        export::write_patients(&mut chunk, s, &specs, i + 1, trial, cut).expect("writing to memory");
        rows.trial(s, &layout, i + 1, record);
        if let Some((date, codes, sets, streams)) = &mut adam {
            sets.trial(s, codes, *date, i + 1, trial, cut);
            for (bytes, (_, stream)) in sets.take().iter().zip(streams.iter_mut()) {
                stream.as_mut().expect("opened above").write_all(bytes)?;
            }
        }
        if files.per_trial {
            for (k, e) in s.endpoints.iter().enumerate() {
                if let Some(text) = export::per_trial(s, k, trial, cut) {
                    let path = dir.join(format!("trial_{:05}_{}.csv", i + 1, e.name));
                    report::emit(&text, Some(&path), true)?;
                    written.push(path);
                }
            }
        }
        let bytes = chunk.into_inner().expect("writing to memory");
        if i == 0 {
            // Every trial has the same patients' count and columns: the first one's size times
            // the trials is what the export will write, stated before it writes more.
            eprintln!(
                "peritrial: writing {trials} trial{} of {} patients to {}: about {:.1} MB",
                if trials == 1 { "" } else { "s" },
                s.enrollment.sample_size,
                dir.display(),
                (bytes.len() as u64 * trials) as f64 / 1e6
            );
        }
        patients.write_all(&bytes)?;
    }
    patients.finish()?;
    written.push(patients_path);
    if let Some((_, _, _, streams)) = adam {
        for (path, stream) in streams {
            stream.expect("opened above").finish()?;
            written.push(path);
        }
    }
    let dictionary = dir.join("dictionary.csv");
    report::emit(&export::dictionary(s, &trials_header), Some(&dictionary), true)?;
    written.push(dictionary);
    let provenance = dir.join("provenance.txt");
    let text = format!(
        "{}\n\nThe effective scenario (as `peritrial show` prints it):\n\n{}",
        report::model::Provenance::of(s).line(),
        scenario::to_toml(s)
    );
    report::emit(&text, Some(&provenance), true)?;
    written.push(provenance);
    let trials_path = dir.join("trials.csv");
    report::emit(&String::from_utf8_lossy(&rows.take()), Some(&trials_path), true)?;
    Ok(())
}
