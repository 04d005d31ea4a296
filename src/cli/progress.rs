//! Progress, signals and the time a run would take: what a long command shows and heeds while
//! it runs.

use super::error::CliError;
use crate::scenario;

/// Seconds between checkpoints: 10, or PERITRIAL_CHECKPOINT_SECONDS (for tests).
pub fn checkpoint_every() -> f64 {
    std::env::var("PERITRIAL_CHECKPOINT_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10.0)
}

/// Whether an output was given `--force` (which also starts a run estimated above 24 h).
pub fn out_force(out: crate::report::output::Target) -> bool {
    matches!(out, crate::report::output::Target::File { force: true, .. })
}

/// Seconds as "0.4 s", "35 s", "4.2 min" or "5.1 h".
pub fn duration(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.1} s")
    } else if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// The longest run started without --force.
pub const MAX_SECONDS: f64 = 24.0 * 3600.0;

/// The time a run of `replicates` (800 or more) would take on this machine, from a calibration
/// run of the scenario (`engine::seconds_for`), refused when above 24 h unless forced. Returns
/// the estimate in seconds.
pub fn refuse_if_too_long(
    s: &scenario::Scenario,
    start: u64,
    replicates: u64,
    threads: usize,
    force: bool,
) -> Result<Option<f64>, CliError> {
    if force || replicates < 800 {
        return Ok(None);
    }
    let estimate = crate::engine::seconds_for(s, start, replicates);
    if estimate > MAX_SECONDS {
        return Err(CliError::Refused(format!(
            "{replicates} replicates would take about {:.0} h on this machine ({:.3} s per replicate on {threads} threads, from a calibration run); the limit is 24 h: use fewer --replicates, split the run with --shard K/N over machines, or add --force",
            estimate / 3600.0,
            estimate / replicates as f64
        )));
    }
    Ok(Some(estimate))
}

/// SIGINT, SIGTERM and SIGHUP set the returned flag (a run then stops within a batch and
/// reports what it finished); a second signal ends the process at once.
pub fn stop_on_signals() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
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
pub struct LogProgress {
    enabled: bool,
    started: std::time::Instant,
    last: std::time::Instant,
    total: u64,
}

impl LogProgress {
    pub fn new(total: u64, quiet: bool) -> LogProgress {
        use std::io::IsTerminal;
        let now = std::time::Instant::now();
        LogProgress { enabled: !quiet && !std::io::stderr().is_terminal(), started: now, last: now, total }
    }

    /// Prints `line()` when 10 s have passed since the last line (on a non-terminal).
    pub fn say(&mut self, line: impl FnOnce() -> String) {
        if !self.enabled || self.last.elapsed().as_secs_f64() < 10.0 {
            return;
        }
        self.last = std::time::Instant::now();
        eprintln!("peritrial: {}", line());
    }

    pub fn update(&mut self, done: u64) {
        if !self.enabled || self.last.elapsed().as_secs_f64() < 10.0 {
            return;
        }
        self.last = std::time::Instant::now();
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        let left = (self.total - done) as f64 / rate.max(1e-9);
        eprintln!("peritrial: {done} of {} virtual trials, {rate:.0} per second, about {left:.0} s left", self.total);
    }
}

/// A progress bar on a terminal (hidden when quiet or when stderr is not one).
pub fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
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
