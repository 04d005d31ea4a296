//! `merge`: shard outputs combined into one report; a sweep's shards one file at a time.

use crate::cli::{CliError, Format, MergeArgs};
use crate::commands::outputs::emit_report;
use crate::{report, scenario};
use std::path::PathBuf;

pub fn merge(args: MergeArgs) -> Result<(), CliError> {
    let MergeArgs { parts, output, allow_partial } = args;
    let (parts, out, format) = (&parts[..], output.target(), output.format);
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
        let text = crate::input::read_text(p, crate::input::TEXT_LIMIT, "a peritrial file")
            .map_err(|e| CliError::BadFile(format!("{name}: cannot read: {e}")))?;
        texts.push((name, text));
    }
    let mut shards = Vec::new();
    for (name, text) in &texts {
        shards.push(report::shard::read_file(text, name).map_err(|m| CliError::BadFile(format!("{name}: {m}")))?);
    }
    shards.sort_by_key(|s| (s.start, s.end));
    let (total, toml) = (shards[0].total, shards[0].toml.clone());
    for s in &shards {
        if s.total != total || s.toml != toml {
            return Err(CliError::BadFile(format!(
                "{}: a shard of another run (different scenario, seed or replicates)",
                s.name
            )));
        }
    }
    let scenario = scenario::from_str(&toml, "shard scenario", &[])?;
    if scenario.replicates() != total {
        // A set of shards whose `total_replicates` was edited alike (one shard of two, called
        // the whole run) would otherwise merge complete.
        return Err(CliError::BadFile(format!(
            "{}: the shards say the run has {total} replicates; their scenario says {} (the shards were edited)",
            shards[0].name,
            scenario.replicates()
        )));
    }
    let fresh = crate::engine::run(&scenario, 0..0, |_| {});
    for s in &shards {
        report::shard::check_state(&s.state, &fresh, s.start..s.end)
            .map_err(|e| CliError::BadFile(format!("{}: {e}", s.name)))?;
    }
    let mut next = 0;
    let mut gaps = Vec::new();
    for (i, s) in shards.iter().enumerate() {
        if s.start < next {
            let other = &shards[i - 1];
            return Err(CliError::BadFile(format!(
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
        return Err(CliError::BadFile(format!(
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

/// A sweep shard file read as JSON, with its name.
fn read_sweep_shard_file(p: &std::path::Path) -> Result<(String, serde_json::Value), CliError> {
    let name = p.display().to_string();
    let text = crate::input::read_text(p, crate::input::TEXT_LIMIT, "a peritrial file")
        .map_err(|e| CliError::BadFile(format!("{name}: cannot read: {e}")))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::BadFile(format!("{name}:{}:{}: not JSON: {e}", e.line(), e.column())))?;
    if v.get("points").is_some() {
        return Err(CliError::BadFile(format!("{name}: a whole sweep, not a shard (sweep --shard K/N writes shards)")));
    }
    if !report::shard::is_sweep_shard(&v) {
        return Err(CliError::BadFile(format!("{name}: not a sweep shard (merge the shards of one sweep)")));
    }
    Ok((name, v))
}

/// The headers of a sweep's shard files, in shard order, checked to be one grid's shards,
/// each once and all of them, each holding its share of the replicates.
fn sweep_heads(paths: &[PathBuf]) -> Result<Vec<(String, report::shard::SweepShard, &PathBuf)>, CliError> {
    let input = |name: &str, m: String| CliError::BadFile(format!("{name}: {m}"));
    let mut heads = Vec::new();
    for p in paths {
        let (name, v) = read_sweep_shard_file(p)?;
        let (h, _) = report::shard::read_sweep_shard(&v, false).map_err(|m| input(&name, m))?;
        heads.push((name, h, p));
    }
    heads.sort_by_key(|h| h.1.index);
    let first = heads[0].1.clone();
    for (i, (name, h, _)) in heads.iter().enumerate() {
        if h.grid_sha256 != first.grid_sha256
            || h.shards != first.shards
            || h.total_points != first.total_points
            || h.total_replicates != first.total_replicates
        {
            return Err(input(name, "a shard of another sweep (another grid, scenario or split)".into()));
        }
        if h.index != i as u64 + 1 {
            return Err(CliError::BadFile(format!(
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
        return Err(CliError::BadFile(format!(
            "shard {} of {} is missing; merge every shard once",
            heads.len() + 1,
            first.shards
        )));
    }
    Ok(heads)
}

/// Merges the shards of a sweep (`sweep --shard K/N`), one file at a time: first their headers
/// (one grid, each shard once and all of them, each its share of the replicates), then their
/// parts in order, each point's parts merged into its summary (every replicate once, in order;
/// the effective scenarios hashing to the grid's checksum) and its report written as the
/// point completes. The result is the single sweep's, byte for byte outside `seconds` and
/// `execution`.
fn merge_sweep(paths: &[PathBuf], out: report::output::Target, format: Format) -> Result<(), CliError> {
    let input = |name: &str, m: String| CliError::BadFile(format!("{name}: {m}"));
    let heads = sweep_heads(paths)?;
    let first = heads[0].1.clone();
    let mut seconds = 0.0;
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
    let mut replicates_seen = 0u64;
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
                    if s.replicates() != part.replicates {
                        return Err(input(
                            name,
                            format!(
                                "grid point {}: the shard says {} replicates; the point's scenario says {} (the shard was edited)",
                                part.point + 1,
                                part.replicates,
                                s.replicates()
                            ),
                        ));
                    }
                    replicates_seen += s.replicates();
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
        return Err(CliError::BadFile(format!(
            "the shards complete {next_point} of the grid's {} points",
            first.total_points
        )));
    }
    if replicates_seen != first.total_replicates {
        return Err(CliError::BadFile(format!(
            "the shards say the grid has {} replicates; its points' scenarios say {replicates_seen} (the shards were edited)",
            first.total_replicates
        )));
    }
    if hash.finish().1 != first.grid_sha256 {
        return Err(CliError::BadFile(
            "the grid points' values and scenarios do not hash to the shards' grid checksum (a shard was edited)"
                .into(),
        ));
    }
    sink.finish(seconds, Some(report::model::Execution::now()), None)?;
    Ok(())
}
