//! The parallel replicate loop. Replicates run in batches; within a batch each replicate
//! writes its fixed-size record into its own slot of a shared buffer (rayon, one worker's
//! buffers, kept across tasks and batches, reused across replicates: no heap allocation per
//! patient); the batch is then folded
//! into the [`Summary`] in replicate order, on the calling thread while the pool simulates the
//! next batch. Replicate i depends only on (scenario, seed, i),
//! so the result is the same for any thread count.

use crate::analyze::{self, Plan};
use crate::scenario::{EndpointKind, Scenario};
use crate::simulate::{SimBuffers, Simulator, Trial};
use crate::summary::Summary;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// The largest batch of replicates: bounds memory (batch × record).
const BATCH: u64 = 8192;

/// One worker's reusable buffers.
#[derive(Default)]
struct Worker {
    sim: SimBuffers,
    trial: Trial,
    scratch: analyze::Scratch,
}

/// Workers kept across the tasks and batches of a run: a task takes one (or a new one) and
/// gives it back when it ends, so that tasks can be small (a short tail at the end of each
/// batch) without each one growing fresh buffers. Which worker serves which replicate does
/// not matter: a replicate's record depends on (scenario, seed, i) only.
#[derive(Default)]
struct Workers(std::sync::Mutex<Vec<Worker>>);

/// A worker taken from [`Workers`], given back on drop.
struct Lent<'a> {
    worker: Worker,
    home: &'a Workers,
}

impl Workers {
    fn lend(&self) -> Lent<'_> {
        let worker = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop().unwrap_or_default();
        Lent { worker, home: self }
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        // An empty worker (no buffers) is left in its place.
        let w = std::mem::take(&mut self.worker);
        self.home.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(w);
    }
}

/// The endpoints whose joint rejection is reported as "all" / "at least one": the
/// multiplicity family, or else every endpoint with a test.
pub fn family(s: &Scenario) -> Vec<usize> {
    match &s.analysis().multiplicity {
        Some(m) => m.endpoints.clone(),
        None => s
            .endpoints()
            .iter()
            .enumerate()
            .filter(|(_, e)| match e.kind {
                EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
                EndpointKind::Safety { .. } => false,
            })
            .map(|(i, _)| i)
            .collect(),
    }
}

/// Simulates and analyses replicates `range` of the scenario; `progress` is called with the
/// number of replicates finished after each batch.
pub fn run(s: &Scenario, range: Range<u64>, progress: impl FnMut(u64)) -> Summary {
    run_observed(s, range, progress, |_, _| {})
}

/// [`run`], also handing each replicate's record to `observe` in replicate order (with the
/// plan's layout), for calibrations that need joint per-trial outcomes the summary does not
/// keep.
pub fn run_observed(
    s: &Scenario,
    range: Range<u64>,
    mut progress: impl FnMut(u64),
    observe: impl FnMut(&analyze::Layout, &[f64]),
) -> Summary {
    let never = AtomicBool::new(false);
    run_controlled(s, range, &never, |_, done| progress(done), observe).summary
}

/// What a run that can be stopped returns.
pub struct Outcome {
    /// The summary of replicates `range.start .. range.start + done`.
    pub summary: Summary,
    pub done: u64,
    /// True when `stop` ended the run before the range did.
    pub interrupted: bool,
}

/// The replicate loop. `stop` is read between replicates: once it is set, workers skip what
/// they have not started, and the summary keeps the replicates finished before the first
/// skipped one (a prefix of the range, so the result is reproducible and resumable).
/// `after_batch(summary so far, replicates done)` is called after each batch (progress,
/// checkpoints).
pub fn run_controlled(
    s: &Scenario,
    range: Range<u64>,
    stop: &AtomicBool,
    mut after_batch: impl FnMut(&Summary, u64),
    mut observe: impl FnMut(&analyze::Layout, &[f64]),
) -> Outcome {
    let sim = Simulator::new(s);
    let plan = Plan::new(s);
    let layout = plan.layout.clone();
    let family = family(s);
    let mut summary = Summary::new(&layout);
    // Two batches in flight: while the pool simulates one into `next`, this thread folds the
    // one before (`done`) into the summary, so that the serial fold (and what `observe`
    // writes) overlaps the parallel work instead of idling the other threads.
    let mut next = Batch::default();
    let mut done = Batch::default();
    let workers = Workers::default();
    let mut start = range.start;
    // Batches start small and double while they take under half a second, so that progress,
    // checkpoints and interruption come often even when a trial is slow.
    let mut batch = 256u64;
    loop {
        let end = (start + batch).min(range.end);
        next.prepare(start, end, layout.stride);
        let began = std::time::Instant::now();
        let folded = rayon::in_place_scope(|scope| {
            let (next, sim, plan, stride, workers) = (&mut next, &sim, &plan, layout.stride, &workers);
            scope.spawn(move |_| next.simulate(sim, plan, stride, workers, stop));
            done.fold(&mut summary, &layout, &family, plan.primary, &mut observe)
        });
        let seconds = began.elapsed().as_secs_f64();
        if let Err(complete) = folded {
            return Outcome { summary, done: done.start + complete - range.start, interrupted: true };
        }
        if done.len() > 0 {
            after_batch(&summary, done.end - range.start);
        }
        std::mem::swap(&mut next, &mut done);
        if done.len() == 0 {
            break;
        }
        start = end;
        if seconds < 0.5 {
            batch = (batch * 2).min(BATCH);
        }
    }
    Outcome { summary, done: range.end - range.start, interrupted: false }
}

/// One batch of replicates `start..end`: a record per replicate and whether it finished.
#[derive(Default)]
struct Batch {
    start: u64,
    end: u64,
    buffer: Vec<f64>,
    finished: Vec<AtomicBool>,
}

impl Batch {
    fn len(&self) -> u64 {
        self.end - self.start
    }

    fn prepare(&mut self, start: u64, end: u64, stride: usize) {
        let n = (end - start) as usize;
        (self.start, self.end) = (start, end);
        // Grown, not cleared: `analyze` writes every field of a record before it is folded,
        // and only finished records are folded.
        if self.buffer.len() < n * stride {
            self.buffer.resize(n * stride, 0.0);
        }
        self.buffer.truncate(n * stride);
        self.finished.clear();
        self.finished.resize_with(n, || AtomicBool::new(false));
    }

    /// Simulates and analyses the batch's replicates in parallel, skipping those not started
    /// once `stop` is set.
    fn simulate(&mut self, sim: &Simulator, plan: &Plan, stride: usize, workers: &Workers, stop: &AtomicBool) {
        if self.buffer.is_empty() {
            return;
        }
        let (start, finished) = (self.start, &self.finished);
        // Tasks of at least 8 replicates: the lock on the workers is taken once per task, and
        // the threads finish a batch at most 8 trials apart.
        self.buffer.par_chunks_mut(stride).enumerate().with_min_len(8).for_each_init(
            || workers.lend(),
            |lent, (j, record)| {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let w = &mut lent.worker;
                sim.simulate_trial(start + j as u64, &mut w.sim, &mut w.trial);
                plan.analyze(&w.trial, &mut w.scratch, record);
                finished[j].store(true, Ordering::Relaxed);
            },
        );
    }

    /// Folds the finished prefix of the batch into the summary in replicate order; Err(the
    /// prefix's length) when a replicate was skipped.
    fn fold(
        &self,
        summary: &mut Summary,
        layout: &analyze::Layout,
        family: &[usize],
        primary: Option<usize>,
        observe: &mut impl FnMut(&analyze::Layout, &[f64]),
    ) -> Result<(), u64> {
        let complete = self.finished.iter().take_while(|f| f.load(Ordering::Relaxed)).count();
        for (j, record) in self.buffer.chunks(layout.stride).take(complete).enumerate() {
            summary.add(layout, family, primary, self.start + j as u64, record);
            observe(layout, record);
        }
        if complete < self.finished.len() { Err(complete as u64) } else { Ok(()) }
    }
}

/// The time a run of `replicates` from `start` would take on the current thread pool, in
/// seconds, for the estimate printed (and the 24 h refusal) before it starts; the set-up of the
/// plan (its planning simulation) is excluded.
///
/// A run's workers keep caches (the boundaries of each look's observed information, exact
/// binomial results) that fill as trials go: its first trials cost many times the later ones,
/// so a short timed run overstates a long one (30–200× for designs with looks), and the cost
/// of a replicate whose results are all cached understates it (a family of hypotheses at
/// looks keeps meeting new ones). One worker runs a calibration of n replicates and one of 2n
/// from fresh caches (cold) and the 2n again (hot: the steady cost h per replicate); what
/// the cold passes cost beyond h is the cost of the misses, M(n) and M(2n), which grows as
/// the number of distinct results does, taken as a power of the replicates,
/// M(N) = M(2n)·(N/2n)^γ with γ = log₂(M(2n)/M(n)) in [0, 1]. Each of T workers runs N/T
/// replicates with its own caches: h·N/T + M(N/T); the serial fold of the records (which
/// overlaps the simulation) bounds it from below. n doubles from 16 until the cold pass
/// takes 0.25 s or reaches 2% of the run.
pub fn seconds_for(s: &Scenario, start: u64, replicates: u64) -> f64 {
    let sim = Simulator::new(s);
    let plan = Plan::new(s);
    let layout = &plan.layout;
    let family = family(s);
    let threads = rayon::current_num_threads().max(1) as f64;
    let mut records = Vec::new();
    let pass = |worker: &mut Worker, records: &mut Vec<f64>, n: u64| {
        records.resize(n as usize * layout.stride, 0.0);
        let began = std::time::Instant::now();
        for (j, record) in records.chunks_mut(layout.stride).enumerate() {
            sim.simulate_trial(start + j as u64, &mut worker.sim, &mut worker.trial);
            plan.analyze(&worker.trial, &mut worker.scratch, record);
        }
        began.elapsed().as_secs_f64()
    };
    let max = (replicates / 50).max(16);
    let mut n = 16u64;
    let mut cold_n = pass(&mut Worker::default(), &mut records, n);
    while cold_n < 0.25 && 2 * n <= max {
        n *= 2;
        cold_n = pass(&mut Worker::default(), &mut records, n);
    }
    let mut worker = Worker::default();
    let cold_2n = pass(&mut worker, &mut records, 2 * n);
    let h = pass(&mut worker, &mut records, 2 * n) / (2 * n) as f64;
    let (m_n, m_2n) = ((cold_n - h * n as f64).max(0.0), (cold_2n - h * (2 * n) as f64).max(0.0));
    let gamma = if m_n > 0.0 && m_2n > 0.0 { (m_2n / m_n).log2().clamp(0.0, 1.0) } else { 0.0 };
    let per_worker = replicates as f64 / threads;
    let simulated = h * per_worker + m_2n * (per_worker / (2 * n) as f64).max(1.0).powf(gamma);
    let mut summary = Summary::new(layout);
    let began = std::time::Instant::now();
    for (j, record) in records.chunks(layout.stride).enumerate() {
        summary.add(layout, &family, plan.primary, start + j as u64, record);
    }
    let fold = began.elapsed().as_secs_f64() / (2 * n) as f64;
    simulated.max(fold * replicates as f64)
}

/// Replicates of shard k of n (1-based): an even split of 0..replicates.
pub fn shard_range(replicates: u64, k: u64, n: u64) -> Range<u64> {
    let at = |i: u64| ((i as u128 * replicates as u128) / n as u128) as u64;
    at(k - 1)..at(k)
}

/// The patients of replicate `i` (the same virtual trial `run` analyses as replicate i) and
/// the calendar month of its analysis.
pub fn sample_trial(s: &Scenario, i: u64) -> (Trial, f64) {
    let mut sampler = Sampler::new(s);
    let (trial, record) = sampler.trial(i);
    (trial.clone(), record[analyze::global::CUT_MONTH])
}

/// Replicates one at a time with their records (`sample`): the simulator and the plan (its
/// planning simulation) built once.
pub struct Sampler<'a> {
    sim: Simulator<'a>,
    pub plan: Plan<'a>,
    worker: Worker,
    record: Vec<f64>,
    /// The trial as enrolled, when its design stopped enrolment early (Simon's stage 1).
    enrolled: Trial,
}

impl<'a> Sampler<'a> {
    pub fn new(s: &'a Scenario) -> Sampler<'a> {
        let plan = Plan::new(s);
        let record = vec![0.0; plan.layout.stride];
        Sampler { sim: Simulator::new(s), plan, worker: Worker::default(), record, enrolled: Trial::default() }
    }

    /// Replicate i's patients as enrolled (the first stage alone, when Simon's design stopped
    /// the trial there) and its record (the row `--replicates-csv` writes for it).
    pub fn trial(&mut self, i: u64) -> (&Trial, &[f64]) {
        let w = &mut self.worker;
        self.sim.simulate_trial(i, &mut w.sim, &mut w.trial);
        self.plan.analyze(&w.trial, &mut w.scratch, &mut self.record);
        match self.plan.own_stop(&w.trial, &mut w.scratch) {
            Some(stop) => {
                w.trial.entered_by(stop.last_entry, &mut self.enrolled);
                (&self.enrolled, &self.record)
            }
            None => (&w.trial, &self.record),
        }
    }
}
