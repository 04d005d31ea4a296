//! `size`: the smallest sample size (or event count) whose simulated power reaches a target
//! (the search is `design::size`); a step of a driver on a cluster (`--next`, `--record`).

use crate::cli::progress::{MAX_SECONDS, checkpoint_every, duration, out_force, progress_bar, stop_on_signals};
use crate::cli::{CliError, Resumable, ScenarioArgs, SizeArgs};
use crate::commands::outputs::write_plots;
use crate::design::size::{self as sz, Varied};
use crate::report::checkpoint::SizeEvaluation;
use crate::report::output::output_folder;
use crate::{report, scenario};
use std::path::{Path, PathBuf};

/// The evaluations a search runs with every trial: one round of 7 fitted values and the
/// answer (typical), up to 4 rounds and a plateau check (at most); the coarse evaluations add
/// about a tenth of the trials each.
const SIZE_EVALUATIONS: (f64, f64) = (8.5, 33.0);

/// The search as set up from the scenario and the flags.
struct Search<'a> {
    args: &'a ScenarioArgs,
    s: scenario::Scenario,
    /// The endpoint's index and name.
    e: usize,
    endpoint: &'a str,
    target: f64,
    varied: Varied,
    start: u64,
    min: u64,
    max: u64,
    /// The analytic answer and its method, where a closed form applies.
    analytic: Option<(u64, &'static str)>,
    /// The checksum of the search (scenario, varied count, endpoint) its checkpoint carries.
    key: String,
}

impl Search<'_> {
    fn path(&self) -> &'static str {
        self.varied.path()
    }

    /// The scenario of one evaluation: the value and the trials as `--set` overrides, validated.
    fn at(&self, v: u64, r: u64) -> Result<scenario::Scenario, CliError> {
        let mut sets = self.args.sets.clone();
        sets.extend([format!("{}={v}", self.path()), format!("study.replicates={r}")]);
        Ok(scenario::load(&self.args.scenario, &sets)?)
    }

    fn read_checkpoint(&self, p: &Path) -> Result<Vec<SizeEvaluation>, CliError> {
        let name = p.display().to_string();
        let text = crate::input::read_text(p, crate::input::TEXT_LIMIT, "a checkpoint")
            .map_err(|err| CliError::BadFile(format!("cannot read {name}: {err}")))?;
        report::checkpoint::size_read(&text, &name, &self.key).map_err(CliError::BadFile)
    }
}

pub fn size(args: SizeArgs) -> Result<(), CliError> {
    let SizeArgs { scenario, endpoint, target_power, vary, study, output, quiet, resume, pictures, next, record } =
        args;
    let threads = study.thread_count()?;
    let scenario_args = ScenarioArgs { scenario: scenario.scenario, sets: study.sets(&scenario.sets)? };
    let out = output.target();
    let force = output.force;
    let plots = pictures.plots.as_deref().map(|dir| (dir, force));
    let html = pictures.html.as_deref().map(|p| report::output::Target::of(Some(p), force));
    out.check()?;
    if let Some(h) = &html {
        h.check()?;
    }
    if let Some((dir, force)) = plots {
        output_folder(dir, force)?;
    }
    let search = set_up(&scenario_args, &endpoint, target_power, vary.as_deref())?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::System(format!("cannot start {threads} threads: {e}")))?;
    let driver = next.is_some() || !record.is_empty();
    // The time the search would take, measured on the start value (not for a driver's steps,
    // which run nothing here).
    if !out_force(out) && !driver {
        refuse_if_too_long(&search, &pool, threads, quiet)?;
    }
    let resumable = resume.resumable();
    let checkpoint_target = resumable.checkpoint.map(|p| report::output::Target::of(Some(p), true));
    if let Some(t) = &checkpoint_target {
        if let (Some(ck), report::output::Target::File { path, .. }) = (resumable.checkpoint, out) {
            report::output::check_distinct(&[("--out", path), ("--checkpoint", ck)])?;
        }
        report::output::check_checkpoint(resumable.checkpoint.expect("a checkpoint target"), out_force(out))?;
        t.check()?;
    }
    if driver {
        let ck = resumable.checkpoint.expect("clap requires --checkpoint");
        return drive(&search, ck, next.as_deref(), &record, quiet);
    }
    let value = run_search(&search, &pool, resumable, quiet)?;
    let text = report::export::render(output.format, report::export::Report::Size(&value));
    if let Some((dir, force)) = plots {
        write_plots(dir, report::plot::size(&value), force)?;
    }
    if let Some(h) = &html {
        h.write(report::export::html(report::export::Page::Size(&value)).as_bytes())?;
    }
    Ok(out.write(text.as_bytes())?)
}

/// The scenario, the endpoint, the varied count and the search's start and bounds, checked.
fn set_up<'a>(
    args: &'a ScenarioArgs,
    endpoint: &'a str,
    target: f64,
    vary: Option<&str>,
) -> Result<Search<'a>, CliError> {
    if !(target > 0.0 && target < 1.0) {
        return Err(CliError::Usage(format!("--target-power {target}: expected a power in (0, 1)")));
    }
    let s = scenario::load(&args.scenario, &args.sets)?;
    let e = s.endpoint_index(endpoint).ok_or_else(|| {
        let names: Vec<&str> = s.endpoints().iter().map(|e| e.name.as_str()).collect();
        CliError::Usage(format!("--endpoint {endpoint}: no such endpoint; the endpoints are {}", names.join(", ")))
    })?;
    match &s.endpoints()[e].kind {
        scenario::EndpointKind::TimeToEvent { .. } => {}
        scenario::EndpointKind::Binary { test, .. } => match test {
            scenario::BinaryTest::SimonTwoStage { null_rate, .. } => {
                return Err(CliError::Usage(format!(
                    "--endpoint {endpoint}: Simon's two-stage design fixes its sample size with its cut-offs (at another size the same cut-offs have another level); `peritrial simon --p0 {null_rate} --p1 P1 --alpha A --beta B` finds the optimal and minimax designs"
                )));
            }
            scenario::BinaryTest::ExactBinomial { .. }
            | scenario::BinaryTest::Fisher
            | scenario::BinaryTest::ChiSquare { .. }
            | scenario::BinaryTest::Bayesian { .. }
            | scenario::BinaryTest::BayesianDifference { .. }
            | scenario::BinaryTest::GComputation { .. }
            | scenario::BinaryTest::Weighted { .. } => {}
        },
        scenario::EndpointKind::Safety { .. } => {
            return Err(CliError::Usage(format!("--endpoint {endpoint}: a safety endpoint has no test to power")));
        }
    }
    let event_cut = match s.analysis().cut {
        scenario::Cut::Events { .. } => true,
        scenario::Cut::Month(_) | scenario::Cut::MinFollowUp(_) => false,
    };
    let path = vary.unwrap_or(if event_cut { "analysis.cut.events" } else { "enrollment.sample_size" });
    let varied = Varied::parse(path).ok_or_else(|| {
        CliError::Usage(format!(
            "--vary {path}: size varies a count that power depends on: {} (use sweep for other values)",
            Varied::PATHS.join(" or ")
        ))
    })?;
    if varied == Varied::CutEvents && !event_cut {
        return Err(CliError::Usage(
            "--vary analysis.cut.events: the scenario's cut is not event-driven (analysis.cut = { endpoint = …, events = … })".into(),
        ));
    }
    let current = scenario::integer_at(&args.scenario, &args.sets, path)?;
    let analytic = sz::analytic_answer(&s, e, varied, target);
    let start = analytic.map_or(current.max(1) as u64, |a| a.0);
    let (min, max) = sz::bounds(&s, varied, start, current as u64);
    let key = report::checkpoint::size_sha256(&scenario::to_toml(&s), path, endpoint);
    Ok(Search { args, s, e, endpoint, target, varied, start, min, max, analytic, key })
}

/// Refuses a search estimated above 24 h (from a short calibration run at the start value);
/// says how long one above 10 s takes.
fn refuse_if_too_long(search: &Search, pool: &rayon::ThreadPool, threads: usize, quiet: bool) -> Result<(), CliError> {
    let (path, start, replicates) = (search.path(), search.start, search.s.replicates());
    let s0 = search.at(start.clamp(search.min, search.max), replicates)?;
    // Each evaluation is a run of its own (fresh workers, cold caches).
    let per = pool.install(|| crate::engine::seconds_for(&s0, 0, replicates)) / replicates.max(1) as f64;
    let (typical, most) = (per * replicates as f64 * SIZE_EVALUATIONS.0, per * replicates as f64 * SIZE_EVALUATIONS.1);
    if typical > MAX_SECONDS {
        return Err(CliError::Refused(format!(
            "the search would take about {} to {} on this machine ({:.3} s per trial at {path} = {start} on {threads} threads, {} trials per evaluation, {} to {} evaluations); the limit is 24 h: use fewer --replicates, or add --force",
            duration(typical),
            duration(most),
            per,
            replicates,
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
    Ok(())
}

/// A driver's step: record run reports as evaluations (`--record`), or print the evaluation
/// the search needs next and write its scenario (`--next`); runs nothing.
fn drive(search: &Search, ck: &Path, next: Option<&Path>, record: &[PathBuf], quiet: bool) -> Result<(), CliError> {
    let path = search.path();
    let mut finished = if ck.exists() { search.read_checkpoint(ck)? } else { Vec::new() };
    match next {
        None => {
            for r in record {
                let done = recorded_evaluation(r, search)?;
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
                .write(report::checkpoint::size_write(&search.key, &finished).as_bytes())?;
        }
        Some(file) => {
            // The search as far as the checkpoint takes it: the first evaluation it lacks.
            let mut needed = None;
            let _ = sz::search(
                search.target,
                search.start,
                search.min,
                search.max,
                search.s.replicates(),
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
                    let text = scenario::to_toml(&search.at(v, r)?);
                    report::output::Target::of(Some(file), true).write(text.as_bytes())?;
                    println!("next {path}={v} {r}");
                }
            }
        }
    }
    Ok(())
}

/// The search, its evaluations taken from `--resume`'s checkpoint where it has them, saved to
/// `--checkpoint` every few seconds and on interruption; the answer as a report.
fn run_search(
    search: &Search,
    pool: &rayon::ThreadPool,
    resumable: Resumable,
    quiet: bool,
) -> Result<report::model::SizeReport, CliError> {
    let path = search.path();
    let checkpoint_target = resumable.checkpoint.map(|p| report::output::Target::of(Some(p), true));
    let mut finished: Vec<SizeEvaluation> = match resumable.resume {
        Some(p) => search.read_checkpoint(p)?,
        None => Vec::new(),
    };
    let resumed = finished.len();
    let every = checkpoint_every();
    let save = |finished: &[SizeEvaluation]| -> Result<(), CliError> {
        match &checkpoint_target {
            Some(t) => Ok(t.write(report::checkpoint::size_write(&search.key, finished).as_bytes())?),
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
        search.target,
        search.start,
        search.min,
        search.max,
        search.s.replicates(),
        |v, r| {
            let share = |e: &SizeEvaluation| (e.rejections as f64 / r as f64, e.missed as f64 / r as f64);
            if let Some(done) = finished.iter().find(|x| x.value == v && x.replicates == r) {
                return Ok(share(done));
            }
            let s = search.at(v, r)?;
            let outcome = pool.install(|| crate::engine::run_controlled(&s, 0..r, &stop, |_, _| {}, |_, _| {}));
            if outcome.interrupted {
                // The finished evaluations are kept on disk: in --checkpoint, or else in a new
                // checkpoint file in the current folder, so that no finished work is lost.
                let kept = match resumable.checkpoint {
                    Some(p) => {
                        save(&finished)?;
                        Some(p.display().to_string())
                    }
                    None if finished.is_empty() => None,
                    None => Some(keep_interrupted(&search.key, &finished)?),
                };
                return Err(CliError::Interrupted(format!(
                    "interrupted after {} evaluations (the search's answer is not written){}",
                    finished.len(),
                    kept.map_or(String::new(), |p| format!(
                        "; the checkpoint {p} holds them (resume with --resume {p})"
                    ))
                )));
            }
            let summary = outcome.summary;
            let missed =
                summary.looks.iter().map(|l| l.not_reached).chain([summary.cut_not_reached]).max().unwrap_or(0);
            let done =
                SizeEvaluation { value: v, replicates: r, rejections: summary.endpoints[search.e].rejections, missed };
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
    let result = result.map_err(|e| search_error(search, e))?;
    Ok(report::model::SizeReport {
        parameter: path.to_string(),
        endpoint: search.endpoint.to_string(),
        target_power: search.target,
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
        analytic: search.analytic.map(|(value, method)| report::model::SizeAnalytic { value, method: method.into() }),
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
        provenance: report::model::Provenance::of(&search.s),
        execution: Some(report::model::Execution::now()),
    })
}

/// What a search that found no answer says.
fn search_error(search: &Search, e: sz::SizeError<CliError>) -> CliError {
    let (path, target) = (search.path(), search.target);
    match e {
        sz::SizeError::Evaluation(err) => err,
        sz::SizeError::Unreachable { max, power } => CliError::Refused(format!(
            "{path}: the target power {target} is not reached even at {max}, the largest value searched (power {power:.4})"
        )),
        sz::SizeError::Plateau { values, powers } => CliError::Refused(format!(
            "{path}: power does not rise with {path} (power {:.4} at {}, {:.4} at {}, {:.4} at {}): the target {target} cannot be reached by varying it",
            powers.0, values.0, powers.1, values.1, powers.2, values.2
        )),
        sz::SizeError::TargetMissed { value, share } => CliError::Refused(format!(
            "{path} = {value}: {:.1}% of trials do not reach their event target, so the power there is not that of the design; no answer{}",
            100.0 * share,
            if search.varied == Varied::CutEvents {
                " (the trials cannot reach that many events: raise enrollment.sample_size)"
            } else {
                ""
            }
        )),
        sz::SizeError::NoFit { lo, hi } => CliError::Refused(format!(
            "{path}: between {lo} and {hi} power does not rise measurably with {path}; the target {target} is not identified (a plateau near the target)"
        )),
    }
}

/// The evaluation a run report is, for `size --record`: the report must be complete (every
/// replicate, not interrupted) and its effective scenario must be, byte for byte, the one the
/// search runs at the report's value and trials (`at`), so that its counts are the ones the
/// search would have found itself.
fn recorded_evaluation(path: &Path, search: &Search) -> Result<SizeEvaluation, CliError> {
    let (s, e, varied) = (&search.s, search.e, search.path());
    let name = path.display().to_string();
    let bad = |m: String| CliError::BadFile(format!("{name}: {m}"));
    let text = crate::input::read_text(path, crate::input::TEXT_LIMIT, "a report")
        .map_err(|err| bad(format!("cannot read: {err}")))?;
    let r: report::model::RunReport =
        serde_json::from_str(&text).map_err(|err| bad(format!("not a run report (JSON of run or merge): {err}")))?;
    if r.shard.is_some() {
        return Err(bad("a shard, not the merged report: merge the evaluation's shards first".into()));
    }
    if !r.complete || r.interrupted.is_some() {
        return Err(bad("an incomplete run (interrupted, or a partial merge): not an evaluation".into()));
    }
    // Another version may simulate or count otherwise: its counts are not this search's.
    if r.provenance.peritrial != env!("CARGO_PKG_VERSION") {
        return Err(bad(format!(
            "a report of peritrial {}, not of this one ({}): run the evaluation again with this version",
            r.provenance.peritrial,
            env!("CARGO_PKG_VERSION")
        )));
    }
    let theirs = scenario::from_str(&r.provenance.scenario_toml, &name, &[])?;
    let value = match search.varied {
        Varied::CutEvents => match theirs.analysis().cut {
            scenario::Cut::Events { events, .. } => events as u64,
            scenario::Cut::Month(_) | scenario::Cut::MinFollowUp(_) => {
                return Err(bad("its cut is not event-driven; this search varies analysis.cut.events".into()));
            }
        },
        Varied::SampleSize => theirs.enrollment().sample_size as u64,
    };
    let ours = scenario::to_toml(&search.at(value, r.replicates)?);
    if ours != r.provenance.scenario_toml {
        return Err(bad(format!(
            "not a run of this search's evaluation at {varied} = {value} with {} trials: its effective scenario differs from the search's (another scenario, --set, seed or endpoint definition)",
            r.replicates
        )));
    }
    let endpoint = &s.endpoints()[e].name;
    let rejections = r
        .endpoints
        .iter()
        .find(|x| &x.name == endpoint)
        .and_then(|x| x.rejections)
        .ok_or_else(|| bad(format!("no rejections of {endpoint}")))?;
    // The trials that missed an event target: at the cut or at a look, as the search counts.
    let looks = r.endpoints.iter().filter_map(|x| x.looks.as_ref()).flatten().map(|l| l.target_not_reached);
    let missed = looks.chain(r.analysis.cut_target_not_reached).max().unwrap_or(0);
    // Counts no run can give (an edited report) would make the checkpoint unusable later:
    // refused before they are recorded.
    if rejections > r.replicates || missed > r.replicates {
        return Err(bad(format!(
            "{rejections} rejections and {missed} trials missing their target in {} trials: counts no run gives (an edited report)",
            r.replicates
        )));
    }
    Ok(SizeEvaluation { value, replicates: r.replicates, rejections, missed })
}

/// Writes the finished evaluations of an interrupted search that has no `--checkpoint` to a new
/// checkpoint file in the current folder (never replacing a file), and returns its name.
fn keep_interrupted(key: &str, finished: &[SizeEvaluation]) -> Result<String, CliError> {
    let text = report::checkpoint::size_write(key, finished);
    let stem = format!("peritrial-size-interrupted-{}", &report::hash::sha256_hex(key.as_bytes())[..12]);
    for k in 1..=1000 {
        let name = if k == 1 { format!("{stem}.json") } else { format!("{stem}-{k}.json") };
        let path = std::path::Path::new(&name);
        match report::output::Target::of(Some(path), false).write(text.as_bytes()) {
            Ok(()) => return Ok(name),
            Err(report::output::OutputError::Exists(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(CliError::System(format!("{stem}.json and 999 more: all exist; the finished evaluations are not kept")))
}
