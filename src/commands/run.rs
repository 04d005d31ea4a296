//! `run`: the scenario's virtual trials simulated and every endpoint reported; a shard of
//! them for `merge`; the same trials under the null (`--null`); a report re-run (`--from`).

use crate::cli::progress::{
    LogProgress, checkpoint_every, duration, out_force, progress_bar, refuse_if_too_long, stop_on_signals,
};
use crate::cli::{CliError, Format, Resumable, RunArgs, shard, thread_count};
use crate::commands::outputs::{emit_report, write_plots};
use crate::report::output::output_folder;
use crate::{report, scenario};

pub fn run(args: RunArgs) -> Result<(), CliError> {
    let RunArgs { scenario, sets, from, study, output, shard, quiet, resume, replicates_csv, pictures, null } = &args;
    let shard_spec = match shard.shard.as_deref() {
        Some("auto") => {
            let (k, n) = shard::from_environment(&|v| std::env::var(v).ok(), shard.shards)?;
            Some(format!("{k}/{n}"))
        }
        Some(_) if shard.shards.is_some() => {
            return Err(CliError::Usage("--shards N: only with --shard auto (--shard K/N names N)".into()));
        }
        other => other.map(str::to_string),
    };
    // A shard written into a folder is named by its index: a rerun replaces only it.
    let (out, force) = match (&output.out, &shard_spec) {
        (Some(dir), Some(spec)) if dir.is_dir() => {
            let (k, n) = shard::parse(spec)?;
            (Some(dir.join(shard::file_name(k, n))), true)
        }
        _ => (output.out.clone(), output.force),
    };
    let target = report::output::Target::of(out.as_deref(), force);
    let rows = replicates_csv.as_deref().map(|p| report::output::Target::of(Some(p), force));
    let (s, shard_spec, original) = match (from, scenario) {
        (Some(f), _) => {
            let (s, shard, original) = from_report(f)?;
            (s, shard, Some(original))
        }
        (None, Some(path)) => (scenario::load(path, &study.sets(sets)?)?, shard_spec, None),
        (None, None) => return Err(CliError::Usage("run: a scenario file or --from REPORT.json".into())),
    };
    let plots = pictures.plots.as_deref().map(|dir| (dir, force));
    let html = pictures.html.as_deref().map(|p| report::output::Target::of(Some(p), force));
    // A report with a null section is re-run with its null.
    let null = *null || original.as_ref().is_some_and(|r| r.null.is_some());
    let run = RunOptions {
        threads: study.threads,
        out: target,
        format: output.format,
        quiet: *quiet,
        resumable: resume.resumable(),
        rows,
        plots,
        html,
        null,
    };
    run_scenario(s, shard_spec.as_deref(), run, original.as_ref().zip(from.as_deref()))
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
    let text = crate::input::read_text(path, crate::input::TEXT_LIMIT, "a report")
        .map_err(|e| CliError::BadFile(format!("cannot read {name}: {e}")))?;
    let r: report::model::RunReport = serde_json::from_str(&text).map_err(|e| {
        CliError::BadFile(format!(
            "{name}:{}:{}: not a peritrial run report (--format json): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if r.provenance.peritrial != env!("CARGO_PKG_VERSION") {
        eprintln!(
            "note: {name} was written by peritrial {}; this is {}: a difference may come from the version",
            r.provenance.peritrial,
            env!("CARGO_PKG_VERSION")
        );
    }
    if r.provenance.scenario_sha256 != report::hash::sha256_hex(r.provenance.scenario_toml.as_bytes()) {
        return Err(CliError::BadFile(format!(
            "{name}: the scenario fails its SHA-256 checksum (the report was edited)"
        )));
    }
    if r.interrupted.is_some() {
        return Err(CliError::BadFile(format!(
            "{name}: the report of an interrupted run; resume that run with --resume and its checkpoint"
        )));
    }
    let s = scenario::from_str(&r.provenance.scenario_toml, &format!("{name} (provenance.scenario_toml)"), &[])?;
    let shard = match &r.shard {
        Some(sh) => match (sh["k"].as_u64(), sh["n"].as_u64()) {
            (Some(k), Some(n)) => Some(format!("{k}/{n}")),
            _ => return Err(CliError::BadFile(format!("{name}: a shard report without its K/N"))),
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
    let covariates = crate::simulate::covariates::Covariates::new(&s);
    let marginal = |cohort: usize, response: usize, p: f64| match &covariates {
        Some(cv) => cv.mean_response_probability(cohort, response, p),
        None => p,
    };
    let null = null.then(|| scenario::under_null(&s, &marginal)).transpose().map_err(CliError::BadScenario)?;
    if null.is_some() && shard.is_some() {
        return Err(CliError::Usage("--null: not with a shard (merge does not carry the null run)".into()));
    }
    let mut outputs: Vec<(&str, &std::path::Path)> = Vec::new();
    for (flag, target) in [("--out", Some(&out)), ("--html", html.as_ref()), ("--replicates-csv", rows.as_ref())] {
        if let Some(report::output::Target::File { path, .. }) = target {
            outputs.push((flag, path));
        }
    }
    outputs.extend(resumable.checkpoint.map(|p| ("--checkpoint", p)));
    report::output::check_distinct(&outputs)?;
    if let Some(p) = resumable.checkpoint {
        report::output::check_checkpoint(p, out_force(out))?;
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
    let shard = shard.map(shard::parse).transpose()?;
    let range = match shard {
        Some((k, n)) => crate::engine::shard_range(s.replicates(), k, n),
        None => 0..s.replicates(),
    };
    if range.is_empty() {
        // A report of no trials would print a power of 0 with an MCSE of 0.
        return Err(CliError::Usage(format!(
            "--shard {}: {} replicates split {} ways leave this shard none; use fewer shards",
            shard.map_or(String::new(), |(k, n)| format!("{k}/{n}")),
            s.replicates(),
            shard.map_or(1, |(_, n)| n)
        )));
    }
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
            let (summary, next) = resume_prefix(&s, p, &toml, range.clone())?;
            (Some(summary), next)
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::System(format!("cannot start {threads} threads: {e}")))?;
    let total = range.end - range.start;
    let before = from - range.start;
    let estimate = pool.install(|| refuse_if_too_long(&s, from, range.end - from, threads, out_force(out)))?;
    if let (Some(e), false) = (estimate, quiet) {
        eprintln!("peritrial: about {} for {} virtual trials on {threads} threads", duration(e), range.end - from);
    }
    let stop = stop_on_signals();
    let live = Live { s: &s, toml: &toml, range: range.clone(), from, quiet, checkpoint: checkpoint_target.as_ref() };
    let (outcome, seconds) = simulate(&live, &pool, &stop, prefix.as_ref(), rows.as_ref())?;
    let done = before + outcome.done;
    let mut summary = outcome.summary;
    if let Some(p) = &prefix {
        let mut all = p.clone();
        all.merge(&summary);
        summary = all;
    }
    // The last checkpoint holds every replicate finished (checkpoint resumed from + this run).
    // A checkpoint that cannot be written is said, and the report is written all the same: the
    // checkpoint is a safety net, the report the result.
    if let Some(t) = &checkpoint_target
        && let Err(e) = t.write(report::checkpoint::write(&toml, range.start, range.end, done, &summary).as_bytes())
    {
        eprintln!("peritrial: warning: the checkpoint cannot be written ({e}); the report is written without it");
    }
    let complete = !outcome.interrupted && range.start == 0 && range.end == s.replicates();
    let mut value = report::model::RunReport::new(&s, &summary, complete).timed(&s, seconds, threads);
    if outcome.interrupted {
        value.interrupted = Some(report::model::Interrupted {
            after: done,
            of: total,
            resume: resumable.checkpoint.map(|p| p.display().to_string()),
        });
        emit_report(&value, if shard.is_some() { Format::Json } else { format }, out)?;
        pictures(&mut value, &s, plots, html.as_ref())?;
        return Err(CliError::Interrupted(format!(
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
            eprintln!("peritrial: the same {} virtual trials under the null", ns.replicates());
        }
        let o = pool.install(|| crate::engine::run_controlled(ns, 0..ns.replicates(), &stop, |_, _| {}, |_, _| {}));
        if o.interrupted {
            emit_report(&value, format, out)?;
            return Err(CliError::Interrupted(
                "interrupted during the --null run: the report was written without the type I errors".into(),
            ));
        }
        value.null = Some(report::model::NullReport::new(ns, &o.summary, what.clone()));
    }
    if let Some((k, n)) = shard {
        // A shard's output is for `merge`: JSON with the state merging needs.
        let section = report::shard::shard_section(&toml, k, n, range.start, range.end, s.replicates(), &summary);
        value.shard = Some(section);
        if format != Format::Json {
            eprintln!("note: a shard's report is written as JSON (for peritrial merge)");
        }
        emit_report(&value, Format::Json, out)?;
    } else {
        emit_report(&value, format, out)?;
    }
    pictures(&mut value, &s, plots, html.as_ref())?;
    match original {
        None => Ok(()),
        Some((r, path)) => compare(r, &value, path),
    }
}

/// What a run's simulation needs to show progress and keep its checkpoint.
struct Live<'a> {
    s: &'a scenario::Scenario,
    toml: &'a str,
    range: std::ops::Range<u64>,
    /// The first replicate this process runs (after a checkpoint's).
    from: u64,
    quiet: bool,
    checkpoint: Option<&'a report::output::Target<'a>>,
}

/// The replicates `live.from..range.end`, with a progress bar or log, a checkpoint every few
/// seconds (with the resumed `prefix` merged in) and `--replicates-csv` rows streamed as they
/// are folded; the outcome and the seconds it took.
fn simulate(
    live: &Live,
    pool: &rayon::ThreadPool,
    stop: &std::sync::atomic::AtomicBool,
    prefix: Option<&crate::summary::Summary>,
    rows: Option<&report::output::Target>,
) -> Result<(crate::engine::Outcome, f64), CliError> {
    let Live { s, toml, ref range, from, quiet, checkpoint: checkpoint_target } = *live;
    let total = range.end - range.start;
    let before = from - range.start;
    let bar = progress_bar(total, quiet);
    bar.set_position(before);
    let mut log = LogProgress::new(total, quiet);
    let started = std::time::Instant::now();
    let mut last_save = std::time::Instant::now();
    let every = checkpoint_every();
    let mut save_failed = false;
    let save = |summary: &crate::summary::Summary, done: u64| -> Result<(), CliError> {
        let Some(t) = checkpoint_target else { return Ok(()) };
        let mut all = prefix.cloned().unwrap_or_else(|| summary.clone());
        if prefix.is_some() {
            all.merge(summary);
        }
        Ok(t.write(report::checkpoint::write(toml, range.start, range.end, done, &all).as_bytes())?)
    };
    // Per-replicate rows, streamed to a temporary file put in place at the end.
    let per_trial = std::sync::Mutex::new(match rows {
        Some(t) => {
            let mut stream = t.stream()?;
            let layout = crate::analyze::Plan::new(s).layout;
            let mut text = report::replicates::Rows::default();
            text.push(&report::replicates::header(s, &layout));
            stream.write_all(&text.take())?;
            Some((stream, text, from))
        }
        None => None,
    });
    let mut row_error: Option<CliError> = None;
    let outcome = pool.install(|| {
        crate::engine::run_controlled(
            s,
            from..range.end,
            stop,
            |summary, done| {
                bar.set_position(before + done);
                log.update(before + done);
                if checkpoint_target.is_some() && last_save.elapsed().as_secs_f64() >= every && !save_failed {
                    // Said at once, not after the run: the run goes on without checkpoints.
                    if let Err(e) = save(summary, before + done) {
                        eprintln!(
                            "peritrial: warning: the checkpoint cannot be written ({e}); the run goes on without one"
                        );
                        save_failed = true;
                    }
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
                    text.trial(s, layout, *next + 1, record);
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
    Ok((outcome, seconds))
}

/// The state a checkpoint holds (checked against the scenario's shape) and the replicate the
/// run goes on from.
fn resume_prefix(
    s: &scenario::Scenario,
    p: &std::path::Path,
    toml: &str,
    range: std::ops::Range<u64>,
) -> Result<(crate::summary::Summary, u64), CliError> {
    let name = p.display().to_string();
    let text = crate::input::read_text(p, crate::input::TEXT_LIMIT, "a peritrial file")
        .map_err(|e| CliError::BadFile(format!("{name}: cannot read: {e}")))?;
    let c = report::checkpoint::read(&text, &name, toml, range.start, range.end).map_err(CliError::BadFile)?;
    // A state that passes its checksum must still have the scenario's shape (bins, curves,
    // cohorts), or merging would silently drop what does not line up.
    let fresh = crate::engine::run(s, 0..0, |_| {});
    report::shard::check_state(&c.summary, &fresh, c.start..c.start + c.done)
        .map_err(|e| CliError::BadFile(format!("{name}: {e}")))?;
    Ok((c.summary, c.start + c.done))
}

/// The plots and the HTML report of a run, once the report has what only pictures need.
fn pictures(
    value: &mut report::model::RunReport,
    s: &scenario::Scenario,
    plots: Option<(&std::path::Path, bool)>,
    html: Option<&report::output::Target>,
) -> Result<(), CliError> {
    if plots.is_some() || html.is_some() {
        report::pictures::complete(value, s);
    }
    if let Some((dir, force)) = plots {
        write_plots(dir, report::plot::run(value), force)?;
    }
    if let Some(h) = html {
        h.write(report::export::html(report::export::Page::Run(value)).as_bytes())?;
    }
    Ok(())
}

/// `run --from`: whether the re-run gives the report it re-ran, outside timing and execution.
/// The file itself is compared, every key of it (a key added by hand, which the typed report
/// would drop on reading, makes it differ), not the report as read back.
fn compare(
    _was: &report::model::RunReport,
    value: &report::model::RunReport,
    path: &std::path::Path,
) -> Result<(), CliError> {
    let name = path.display().to_string();
    let text = crate::input::read_text(path, crate::input::TEXT_LIMIT, "a report")
        .map_err(|e| CliError::BadFile(format!("cannot read {name}: {e}")))?;
    let mut file: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| CliError::BadFile(format!("{name}: not JSON: {e}")))?;
    if let Some(m) = file.as_object_mut() {
        m.remove("timing");
        m.remove("execution");
    }
    let was = serde_json::to_string_pretty(&file).expect("JSON values serialise") + "\n";
    let now = value.compared();
    if was == now {
        eprintln!("peritrial: identical to {} (outside timing and execution)", path.display());
        return Ok(());
    }
    let line = now.lines().zip(was.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
    Err(CliError::Failed(format!(
        "the re-run differs from {} (first at line {line} of the JSON report: now {:?}, was {:?})",
        path.display(),
        now.lines().nth(line.saturating_sub(1)).unwrap_or("").trim(),
        was.lines().nth(line.saturating_sub(1)).unwrap_or("").trim()
    )))
}
