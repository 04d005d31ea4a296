//! `missing`: the shards of a folder that are absent or damaged, as a job-array range to
//! resubmit.

use crate::cli::{CliError, MissingArgs, shard};
use crate::report;

pub fn missing(args: MissingArgs) -> Result<(), CliError> {
    let MissingArgs { dir, shards, quiet } = args;
    let dir = dir.as_path();
    if shards == 0 || shards > 10_000_000 {
        return Err(CliError::Usage(format!("--shards {shards}: expected 1 to 10000000")));
    }
    if !dir.is_dir() {
        return Err(CliError::Usage(format!("{}: not a folder", dir.display())));
    }
    let mut bad = Vec::new();
    // One run: every shard's scenario (a sweep's: its grid checksum) and replicates must be the
    // first sound one's.
    let mut run: Option<(String, u64)> = None;
    for k in 1..=shards {
        let path = dir.join(shard::file_name(k, shards));
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
    println!("{}", shard::array_range(&bad));
    Err(CliError::Failed(format!("{} of {shards} shards absent or damaged", bad.len())))
}
