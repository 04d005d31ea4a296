//! Shards on a cluster: the name of shard K of N's file, K and N from `--shard K/N` or from a
//! scheduler's environment, and a list of shard indices as a job-array range.

use super::error::CliError;

/// The file of shard K of N in a folder of shards.
pub fn file_name(k: u64, n: u64) -> String {
    format!("shard-{k:05}-of-{n:05}.json")
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub fn parse(s: &str) -> Result<(u64, u64), CliError> {
    let bad = || CliError::Usage(format!("--shard {s}: expected K/N with 1 <= K <= N, e.g. --shard 3/8"));
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Shard K of N from a scheduler's environment (`env` reads a variable): Slurm job arrays
/// (SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_MIN and _MAX, or _COUNT from a first index of
/// 1), Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX, 0-based) and AWS Batch array jobs
/// (AWS_BATCH_JOB_ARRAY_INDEX, 0-based), the last two with `--shards N`.
pub fn from_environment(env: &dyn Fn(&str) -> Option<String>, shards: Option<u64>) -> Result<(u64, u64), CliError> {
    let int = |name: &str| -> Result<Option<u64>, CliError> {
        match env(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .map(Some)
                .map_err(|_| CliError::Usage(format!("--shard auto: {name}={v:?} is not a whole number"))),
        }
    };
    let checked = |k: u64, n: u64, from: &str| {
        if k >= 1 && k <= n {
            Ok((k, n))
        } else {
            Err(CliError::Usage(format!("--shard auto: {from} gives shard {k} of {n}, not a shard of the run")))
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
                    return Err(CliError::Usage(format!(
                        "--shard auto: the array {min}-{max} has gaps (SLURM_ARRAY_TASK_COUNT={}); submit a contiguous array such as --array=1-{n}",
                        count.unwrap_or(0)
                    )));
                }
                checked(id + 1 - min.min(id + 1), n, "SLURM_ARRAY_TASK_ID")
            }
            (_, _, Some(count)) => checked(id, count, "SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT"),
            _ => Err(CliError::Usage(
                "--shard auto: SLURM_ARRAY_TASK_ID without SLURM_ARRAY_TASK_MIN/MAX or _COUNT".into(),
            )),
        };
    }
    for name in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] {
        if let Some(index) = int(name)? {
            let n = shards.ok_or_else(|| {
                CliError::Usage(format!("--shard auto: {name} is set; give the number of shards with --shards N"))
            })?;
            return checked(index + 1, n, name);
        }
    }
    Err(CliError::Usage(
        "--shard auto: no scheduler index in the environment (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX)".into(),
    ))
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
