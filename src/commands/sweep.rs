//! `sweep`: power and estimates over a one- or two-dimensional grid of values, each point a
//! run on the same seed; a shard of the grid's replicates for `merge`.

use crate::cli::progress::{MAX_SECONDS, out_force, progress_bar, refuse_if_too_long, stop_on_signals};
use crate::cli::{CliError, SweepArgs, with_study_flags};
use crate::commands::outputs::write_plots;
use crate::report::checkpoint::Journal;
use crate::report::output::output_folder;
use crate::{report, scenario};

/// The most points a sweep's grid may have.
const MAX_POINTS: usize = 100_000;

/// A grid point: its dotted paths and values.
type Point = Vec<(String, String)>;

pub fn sweep(args: SweepArgs) -> Result<(), CliError> {
    let SweepArgs { scenario, vary, study, output, quiet, resume, pictures, target_power, shard } = args;
    let shard = shard.resolve()?;
    let format = output.format;
    // A shard written into a folder is named by its index: a rerun replaces only it.
    let (out, force) = match (&output.out, shard) {
        (Some(dir), Some((k, n))) if dir.is_dir() => (Some(dir.join(crate::cli::shard::file_name(k, n))), true),
        _ => (output.out.clone(), output.force),
    };
    let out = report::output::Target::of(out.as_deref(), force);
    if shard.is_some() && !matches!(format, crate::cli::Format::Json) {
        return Err(CliError::Usage("sweep --shard: the output of a shard is JSON (--format json), for merge".into()));
    }
    if let Some(p) = target_power.filter(|p| !(*p > 0.0 && *p < 1.0)) {
        return Err(CliError::Usage(format!("--target-power {p}: expected a power in (0, 1)")));
    }
    let plots = pictures.plots.as_deref().map(|dir| (dir, force, target_power));
    let html = pictures.html.as_deref().map(|p| report::output::Target::of(Some(p), force));
    let threads = study.thread_count()?;
    out.check()?;
    if let Some(h) = &html {
        h.check()?;
    }
    if let Some((dir, force, _)) = plots {
        output_folder(dir, force)?;
    }
    let grid = grid(&vary)?;
    if grid.len() > MAX_POINTS {
        // Each point keeps its row of results in memory (about 4 kB, measured on 2,000 points)
        // for the table, the CSV, the HTML report and the plots.
        return Err(CliError::Usage(format!(
            "--vary: a grid of {} points; the limit is {MAX_POINTS}: a sweep keeps each point's row of results in memory (about 4 kB a point: this grid would need about {:.1} GB). Split it into sweeps of fewer values",
            grid.len(),
            grid.len() as f64 * 4e3 / 1e9
        )));
    }
    let point_sets = |point: &[(String, String)]| -> Result<Vec<String>, CliError> {
        let mut sets = scenario.sets.clone();
        sets.extend(point.iter().map(|(p, v)| format!("{p}={v}")));
        with_study_flags(&sets, study.replicates, study.seed)
    };
    let load = |k: usize| -> Result<scenario::Scenario, CliError> {
        Ok(scenario::load(&scenario.scenario, &point_sets(&grid[k])?)?)
    };
    // Validate every grid point before simulating any, keeping of each only its replicate
    // count (its scenario is loaded again when it runs): the memory of a sweep grows by one row
    // per point, not by one scenario. The time of the points, from a short calibration run of
    // each (`refuse_if_too_long`).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::System(format!("cannot start {threads} threads: {e}")))?;
    let mut hash = report::checkpoint::GridHash::new();
    let mut replicates = Vec::with_capacity(grid.len());
    for (k, point) in grid.iter().enumerate() {
        let s = load(k)?;
        hash.add(point, &scenario::to_toml(&s));
        replicates.push(s.replicates());
    }
    let (sweep_sha256, grid_sha256) = hash.finish();
    if let Some((k, n)) = shard {
        return sweep_shard(&grid, &replicates, &load, (k, n), grid_sha256, out, &pool, quiet);
    }
    let mut sweep = run_points(&grid, &load, &sweep_sha256, Run { out, format, quiet, resume: &resume, pool: &pool })?;
    sweep.target_power = target_power;
    if let Some((dir, force, _)) = plots {
        write_plots(dir, report::plot::sweep(&sweep, sweep.target_power), force)?;
    }
    if let Some(h) = &html {
        h.write(report::export::html(report::export::Page::Sweep(&sweep)).as_bytes())?;
    }
    Ok(())
}

/// The grid of `--vary PATH=V1,V2,…` (one or two of them): every combination, the first
/// path's values outermost.
fn grid(vary: &[String]) -> Result<Vec<Point>, CliError> {
    if vary.len() > 2 {
        return Err(CliError::Usage("--vary: a sweep has one or two dimensions".into()));
    }
    let mut dims: Vec<(String, Vec<String>)> = Vec::new();
    for v in vary {
        let (path, values) =
            v.split_once('=').ok_or_else(|| CliError::Usage(format!("--vary {v}: expected PATH=V1,V2,…")))?;
        let values = split_values(values);
        if values.iter().any(|x| x.is_empty()) {
            return Err(CliError::Usage(format!("--vary {v}: an empty value")));
        }
        if dims.iter().any(|(p, _)| p == path.trim()) {
            return Err(CliError::Usage(format!("--vary {}: the same path is given twice", path.trim())));
        }
        dims.push((path.trim().to_string(), values));
    }
    Ok(match dims.as_slice() {
        [(p, vs)] => vs.iter().map(|v| vec![(p.clone(), v.clone())]).collect(),
        [(p, vs), (q, ws)] => vs
            .iter()
            .flat_map(|v| ws.iter().map(move |w| vec![(p.clone(), v.clone()), (q.clone(), w.clone())]))
            .collect(),
        _ => unreachable!("one or two dimensions"),
    })
}

/// How the grid's points run and where the sweep goes.
struct Run<'a> {
    out: report::output::Target<'a>,
    format: crate::cli::Format,
    quiet: bool,
    resume: &'a crate::cli::ResumeArgs,
    pool: &'a rayon::ThreadPool,
}

/// Every point of the grid not in `--resume`'s journal, each appended to `--checkpoint`'s as
/// it finishes and its report written to the output as it finishes.
fn run_points(
    grid: &[Point],
    load: &dyn Fn(usize) -> Result<scenario::Scenario, CliError>,
    sweep_sha256: &str,
    run: Run,
) -> Result<report::model::SweepReport, CliError> {
    let Run { out, format, quiet, resume, pool } = run;
    let resumable = resume.resumable();
    let threads = pool.current_num_threads();
    if let Some(ck) = resumable.checkpoint {
        if let report::output::Target::File { path, .. } = out {
            report::output::check_distinct(&[("--out", path), ("--checkpoint", ck)])?;
        }
        report::output::check_checkpoint(ck, out_force(out))?;
    }
    let mut sink = report::sweep::Sink::new(out, format)?;
    let named = |k: usize| report::model::Named(grid[k].clone());
    // The checkpoint: a journal appended as each point finishes (checkpoint.rs).
    let mut journal: Option<Journal> = resumable.checkpoint.map(Journal::new).transpose()?;
    if let Some(p) = resumable.resume {
        if let Some(j) = journal.as_mut() {
            j.lock_resumed(p)?;
        }
        let name = p.display().to_string();
        let file = std::fs::File::open(p).map_err(|e| CliError::BadFile(format!("{name}: cannot read: {e}")))?;
        let mut k = 0;
        let (done, sound) = report::checkpoint::sweep_replay(
            std::io::BufReader::new(file),
            &name,
            sweep_sha256,
            grid.len(),
            |k| Ok(report::checkpoint::point_sha256(&scenario::to_toml(&load(k).map_err(|e| e.to_string())?))),
            |report| {
                sink.push(named(k), report).map_err(|e| e.to_string())?;
                k += 1;
                Ok(())
            },
        )
        .map_err(CliError::BadFile)?;
        // Resuming into the same journal appends after its last sound line; another journal
        // starts as a copy of the sound part of this one.
        if let Some(j) = journal.as_mut() {
            j.continue_from(p, sound)?;
        }
        debug_assert_eq!(done, sink.points());
    }
    let mut estimate = 0.0;
    for k in sink.points()..grid.len() {
        let s = load(k)?;
        if let Some(e) = pool.install(|| refuse_if_too_long(&s, 0, s.replicates(), threads, out_force(out)))? {
            estimate += e;
        }
    }
    if estimate > MAX_SECONDS && !out_force(out) {
        return Err(CliError::Refused(format!(
            "the sweep's {} points would take about {:.0} h on this machine; the limit is 24 h: use fewer points or --replicates, or add --force",
            grid.len() - sink.points(),
            estimate / 3600.0
        )));
    }
    let bar = progress_bar(grid.len() as u64, quiet);
    bar.set_position(sink.points() as u64);
    let stop = stop_on_signals();
    let started = std::time::Instant::now();
    // A progress line every 10 s on a non-terminal (a batch job's log), as `run` prints.
    let mut log = crate::cli::progress::LogProgress::new(grid.len() as u64, quiet);
    for k in sink.points()..grid.len() {
        let s = load(k)?;
        let r = s.replicates();
        let outcome = pool.install(|| {
            crate::engine::run_controlled(
                &s,
                0..r,
                &stop,
                |_, done| {
                    log.say(|| format!("sweep: grid point {} of {}, {done} of {r} virtual trials", k + 1, grid.len()))
                },
                |_, _| {},
            )
        });
        if outcome.interrupted {
            bar.finish_and_clear();
            let resume = resumable.checkpoint.map(|p| format!("--resume {}", p.display()));
            // The finished points are written, marked interrupted, as `run` writes its finished trials.
            let interrupted =
                report::model::Interrupted { after: k as u64, of: grid.len() as u64, resume: resume.clone() };
            sink.finish(started.elapsed().as_secs_f64(), Some(report::model::Execution::now()), Some(interrupted))?;
            return Err(CliError::Interrupted(format!(
                "interrupted after {k} of {} grid points: the sweep's output holds the {k} finished, marked interrupted{}",
                grid.len(),
                resume.map_or(String::new(), |r| format!("; resume with {r}"))
            )));
        }
        let report = report::model::RunReport::new(&s, &outcome.summary, true);
        if let Some(j) = journal.as_mut() {
            j.append(k, sweep_sha256, grid.len(), &report::checkpoint::point_sha256(&scenario::to_toml(&s)), &report)?;
        }
        sink.push(named(k), report)?;
        bar.set_position(k as u64 + 1);
    }
    bar.finish_and_clear();
    Ok(sink.finish(started.elapsed().as_secs_f64(), Some(report::model::Execution::now()), None)?)
}

/// Shard `k` of `n` of a sweep: the replicates `shard_range(Σ replicates, k, n)` of the grid's
/// replicates laid end to end, as parts (a range of one point each) with their summary states,
/// streamed to the output as each part finishes.
#[allow(clippy::too_many_arguments)]
fn sweep_shard(
    grid: &[Point],
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
        return Err(CliError::Usage(format!(
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
        return Err(CliError::Refused(format!(
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
            return Err(CliError::Interrupted(format!(
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
