//! The typed reports: built once from the scenario, the summary and the plan, and only
//! rendered by the formats in [`super::export`]. Their serde serialisation *is* the JSON
//! report (keys of DESIGN.md's Report); the table and CSV read the same fields.
//!
//! This file holds the types; `basics.rs` the building blocks (named entries, quantiles),
//! `looks.rs` a design's looks and `null.rs` the operating characteristics under the null;
//! `build.rs` computes them, `prose.rs` writes the design and the warnings in words and
//! `execution.rs` probes the environment. The files it re-exports from read nothing of this
//! file (only `basics.rs` and each other), so that no file imports itself through the others.

mod basics;
mod build;
mod execution;
mod looks;
mod null;
mod prose;
mod provenance;
mod reestimation;
mod stopping;
mod tools;

pub use basics::{Named, Quantiles};
pub use execution::utc_date;
pub use looks::{ConditionalPower, InferenceAtStopping, Look, ReestimationRule, SpendingCurves, StoppingAccuracy};
pub use null::{NullReport, NullTest};
pub use prose::{design, ess_text, warnings};
pub use tools::{SimonReport, VerifyCheck, VerifyReport};

use basics::present;
use execution::peak_memory;

use crate::scenario::EndpointKindName;
use crate::summary::{CurvePoint, Values, example};
use serde::{Deserialize, Deserializer, Serialize, Serializer, ser::SerializeMap};

/// How long the run took: with `execution`, the only parts of a report that are not a pure
/// function of scenario, seed and replicates (left out wherever reports are compared).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub seconds: f64,
    pub patients_per_second: f64,
    pub threads: usize,
}

/// Mean, standard deviation and quantiles (R's type 7) across replicates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub sd: f64,
    pub q025: f64,
    pub q500: f64,
    pub q975: f64,
}

/// Mean and 95% range across replicates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range95 {
    pub mean: f64,
    pub q025: f64,
    pub q975: f64,
}

/// Counts of values in equal bins over [lo, hi] (the smallest and largest value): a picture of
/// a distribution, a function of the set of values only (so shards merge into the same one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
}

/// Bins of a histogram.
pub const BINS: usize = 40;

impl Histogram {
    pub fn of(v: &Values) -> Option<Histogram> {
        v.histogram(BINS).map(|(lo, hi, counts)| Histogram { lo, hi, counts })
    }

    pub fn width(&self) -> f64 {
        (self.hi - self.lo) / self.counts.len().max(1) as f64
    }
}

/// How the estimate does against the scenario's true value: bias and root mean squared error
/// (on the estimate's scale), and the share of trials whose estimate lies on the wrong side of
/// no effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    pub true_value: f64,
    pub bias: f64,
    pub bias_mcse: f64,
    pub rmse: f64,
    /// Share of trials whose 95% interval of the estimate (the Cox model's Wald interval of a
    /// hazard ratio, the Clopper–Pearson interval of a rate) holds the true value, of those
    /// with an interval; None where the estimate has no interval.
    pub coverage: Option<f64>,
    pub coverage_mcse: Option<f64>,
    pub intervals: u64,
    /// A hazard ratio: the bias of its logarithm (the scale its interval and test use), with
    /// its Monte Carlo standard error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_bias: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_bias_mcse: Option<f64>,
    /// Where the estimate targets another value than the stated one (a frailty, cohorts pooled
    /// by an unstratified estimate), in words: the bias and coverage then include that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimand_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub name: String,
    #[serde(flatten)]
    pub spread: Option<Spread>,
    pub not_estimable: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<Accuracy>,
    pub histogram: Option<Histogram>,
    /// With an assessment schedule: the mean estimate of the same trials with recurrences seen
    /// when they happen, and how far the schedule moves the mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_with_exact_event_times: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift_from_assessment_schedule: Option<f64>,
}

/// The exact 95% interval a trial reports for the treatment arm's rate, on average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExactInterval {
    pub method: String,
    pub mean_lower: f64,
    pub mean_upper: f64,
}

/// The closed-form companion of a simulated power.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Analytic {
    TimeToEvent(TteAnalytic),
    /// A single-arm exact test: the smallest count of responses that rejects (the test's own;
    /// Simon's at stage 2) and its exact power at the counted response rate.
    Binary {
        method: String,
        critical_responses: u64,
        power: f64,
        /// Monitored at looks: (patients assessed, responders to reject) at each planned look.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_looks: Option<Vec<[u64; 2]>>,
    },
    Rates(RatesAnalytic),
}

/// The normal-approximation companion of a two-arm test of response rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatesAnalytic {
    /// "chi_square" (δ0 = 0, the pooled variance) or "farrington_manning" (a margin δ0: the
    /// restricted variance under p_t − p_c = δ0).
    pub method: String,
    pub rate_treatment: f64,
    pub rate_control: f64,
    pub null_difference: f64,
    pub patients_treatment: f64,
    pub patients_control: f64,
    pub power: f64,
    /// Total patients for 80% and 90% power (None where the rates are not better than δ0).
    pub patients_80: Option<f64>,
    pub patients_90: Option<f64>,
    pub assumes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TteAnalytic {
    pub hazard_ratio: f64,
    pub events: f64,
    /// "cut" (the cut's own target), "planned" (the design's planned events) or
    /// "simulated_mean".
    pub events_source: String,
    pub schoenfeld_power: f64,
    pub freedman_power: f64,
    /// Events for 80% and 90% power (None where none suffices: a hazard ratio of 1).
    pub schoenfeld_events_80: Option<f64>,
    pub schoenfeld_events_90: Option<f64>,
    pub freedman_events_80: Option<f64>,
    pub freedman_events_90: Option<f64>,
    /// Present for a design with looks.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub group_sequential_power: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub group_sequential_events_80: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub group_sequential_events_90: Option<Option<f64>>,
    pub assumes: String,
}

/// A milestone's estimate in one arm across replicates: its mean and 95% range (from bins
/// 0.005 wide), and the trials where it was not estimable (no follow-up that long).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ArmMean {
    pub mean: Option<f64>,
    pub q025: Option<f64>,
    pub q975: Option<f64>,
    pub not_estimable: u64,
}

impl ArmMean {
    fn of(p: &CurvePoint) -> ArmMean {
        ArmMean {
            mean: p.sum.mean(),
            q025: p.bins.quantile(0.025),
            q975: p.bins.quantile(0.975),
            not_estimable: p.missing,
        }
    }
}

/// One arm's curve across replicates, per grid month: mean, median and 95% band (from bins
/// 0.005 wide), and the trials in which it was not estimable there (beyond the arm's
/// follow-up at the analysis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmCurve {
    pub mean: Vec<Option<f64>>,
    pub q025: Vec<Option<f64>>,
    pub q500: Vec<Option<f64>>,
    pub q975: Vec<Option<f64>>,
    pub not_estimable: Vec<u64>,
    /// The scenario's own curve (see [`Curves::model_method`]), for pictures only.
    #[serde(skip)]
    pub model: Option<Vec<f64>>,
}

/// Kaplan–Meier survival (or Aalen–Johansen cumulative incidence, with competing events) per
/// arm on a grid of months, at the analysis where each trial stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    pub measure: String,
    pub months: Vec<f64>,
    pub arms: Named<ArmCurve>,
    /// How the model curve of the pictures was computed (None until it is).
    #[serde(skip)]
    pub model_method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointReport {
    #[serde(skip)]
    pub name: String,
    pub kind: String,
    pub test: String,
    /// None for a safety endpoint (no test).
    pub power: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_any_grade3: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_mcse: Option<f64>,
    /// Wilson 95% interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_ci: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejections: Option<u64>,
    /// Members of a multiplicity family: the power of the test alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_unadjusted: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact_interval: Option<ExactInterval>,
    pub estimate: Estimate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytic: Option<Analytic>,
    /// Events (responders for a binary endpoint, adverse events for a safety one).
    pub events: Option<Range95>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone_measure: Option<String>,
    /// Per milestone month (as a key), per arm: the mean estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestones: Option<Named<Named<ArmMean>>>,
    /// Simon's two-stage design: how often it stops after stage 1, and the patients it uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simon: Option<SimonOutcome>,
    /// A Bayesian rule: its priors' effective sample sizes, Go and No-Go at each interim and at
    /// the final analysis, the patients it uses and the posterior probability at its decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bayesian: Option<BayesOutcome>,
    /// The primary endpoint of a scenario with several cohorts: its estimate within each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohorts: Option<Vec<CohortResult>>,
    /// Time to event: each arm's curve across replicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curves: Option<Curves>,
    /// The primary endpoint of a design with looks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub looks: Option<Vec<Look>>,
    /// The primary endpoint of a design with looks: the share of trials that end before the
    /// final look (for efficacy, futility or harm). Kept in a sweep's rows, which drop the looks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stop: Option<f64>,
    /// The monitored endpoint of a design with looks, tested on the hazard-ratio scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_at_stopping: Option<InferenceAtStopping>,
    /// A design with looks: its spending functions, for pictures only (`pictures.rs`).
    #[serde(skip)]
    pub spending: Option<looks::SpendingCurves>,
    /// An event re-estimation design: its rule at the first interim, for pictures only.
    #[serde(skip)]
    pub reestimation: Option<looks::ReestimationRule>,
}

impl EndpointReport {
    /// Whether it is monitored at interim looks (more than the final analysis).
    pub fn has_looks(&self) -> bool {
        self.looks.as_ref().is_some_and(|l| l.len() > 1)
    }

    /// What its looks' `events` count: events, or for responses monitored at looks the patients
    /// assessed.
    pub fn look_counts(&self) -> &'static str {
        match EndpointKindName::parse(&self.kind) {
            Some(EndpointKindName::Binary) => "assessed",
            Some(EndpointKindName::TimeToEvent | EndpointKindName::Safety) | None => "events",
        }
    }

    /// What its `events` count: events, responders (binary) or adverse events (safety).
    pub fn counted(&self) -> &'static str {
        match EndpointKindName::parse(&self.kind) {
            Some(EndpointKindName::Binary) => "responders",
            Some(EndpointKindName::Safety) => "adverse events",
            Some(EndpointKindName::TimeToEvent) | None => "events",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedEvents {
    pub events: Named<f64>,
    pub trials: u64,
    pub seed: u64,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Multiplicity {
    pub method: String,
    pub endpoints: Vec<String>,
    pub power_all: f64,
    pub power_at_least_one: f64,
    /// Fallback and graphical procedures: the initial weights (shares of the family's α) and
    /// the transition matrix, parallel to `endpoints`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Vec<Vec<f64>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub cut_month: Option<Range95>,
    pub cut_month_histogram: Option<Histogram>,
    pub expected_patients: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_events: Option<PlannedEvents>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_target_not_reached: Option<u64>,
    pub expected_duration_months: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplicity: Option<Multiplicity>,
}

/// What produced a report: the version, the seed, the replicates the study asks for and the
/// effective scenario (as `show` prints it) with its SHA-256. A pure function of the inputs,
/// so it is compared with the rest of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub peritrial: String,
    pub seed: u64,
    pub replicates: u64,
    pub scenario_sha256: String,
    pub scenario_toml: String,
}

impl Provenance {
    /// One line: for the table's footer and the CSV's comment header.
    pub fn line(&self) -> String {
        format!(
            "peritrial {}, seed {}, {} replicates, scenario sha256 {}",
            self.peritrial, self.seed, self.replicates, self.scenario_sha256
        )
    }
}

/// What belongs to one execution rather than to the result: the command line, the platform
/// and the date (UTC). Like `timing`, left out wherever reports are compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    pub command: Vec<String>,
    pub platform: String,
    pub date: String,
    /// The process's peak resident memory so far (Linux: VmHWM of /proc/self/status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<u64>,
}

impl Execution {
    /// This process's command line, platform and the time now.
    pub fn now() -> Execution {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Execution {
            command: std::env::args().collect(),
            platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
            date: utc_date(secs),
            peak_memory_bytes: peak_memory(),
        }
    }
}

/// A run stopped by a signal: the report is of the trials finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interrupted {
    pub after: u64,
    pub of: u64,
    pub resume: Option<String>,
}

/// The report of `peritrial run` (and of `merge`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub scenario: String,
    pub replicates: u64,
    pub seed: u64,
    pub complete: bool,
    /// What the design did not do as it says, in words: every format carries these.
    pub warnings: Vec<String>,
    /// The design and its decision rules in words, rendered from the scenario.
    pub design: Vec<String>,
    #[serde(serialize_with = "by_name", deserialize_with = "named_endpoints")]
    pub endpoints: Vec<EndpointReport>,
    pub analysis: Analysis,
    /// Example trials of the run (the first replicate of each kind), for the reports.
    pub examples: Vec<ExampleTrial>,
    /// `--null`: every test's rejection rate under the null, on the same random numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null: Option<NullReport>,
    pub provenance: Provenance,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<Execution>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interrupted>,
    /// A shard's state, for `merge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<serde_json::Value>,
}

fn by_name<S: Serializer>(endpoints: &[EndpointReport], serializer: S) -> Result<S::Ok, S::Error> {
    let mut m = serializer.serialize_map(Some(endpoints.len()))?;
    for e in endpoints {
        m.serialize_entry(&e.name, e)?;
    }
    m.end()
}

fn named_endpoints<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EndpointReport>, D::Error> {
    let named = Named::<EndpointReport>::deserialize(d)?;
    Ok(named.0.into_iter().map(|(name, e)| EndpointReport { name, ..e }).collect())
}

/// A value, or None where it is not a finite number (JSON's null).
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl RunReport {
    /// The report as one row of a sweep: what the sweep's table, CSV, HTML and plots read (per
    /// endpoint its test, power, estimate's spread and accuracy, events;
    /// the cut month, warnings, design, type I errors and provenance) without the
    /// distributions (histograms, curves, looks, cohorts, milestones, example trials), the
    /// analytic companion and,
    /// unless `keep_scenario`, the effective scenario's text (its SHA-256 stays) and the
    /// design's description (the HTML report shows the first point's). A sweep keeps
    /// one of these per point and writes the whole reports as they finish
    /// (`tests/it/cluster.rs` checks that every sweep format renders the same from them).
    pub fn into_row(self, keep_scenario: bool) -> RunReport {
        let mut r = self;
        r.examples = Vec::new();
        r.analysis.cut_month_histogram = None;
        if !keep_scenario {
            r.provenance.scenario_toml = String::new();
            r.design = Vec::new();
        }
        for e in &mut r.endpoints {
            e.analytic = None;
            e.estimate.histogram = None;
            e.milestones = None;
            e.cohorts = None;
            e.curves = None;
            e.looks = None;
        }
        r
    }

    /// The report as compared (merge, `--from`, golden tests): without `timing` and
    /// `execution`, as JSON text.
    pub fn compared(&self) -> String {
        let r = RunReport { timing: None, execution: None, ..self.clone() };
        serde_json::to_string_pretty(&r).expect("reports serialise") + "\n"
    }

    pub fn endpoint(&self, name: &str) -> Option<&EndpointReport> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// What the monitored endpoint counts (events, or a response endpoint's responders) and what
    /// its looks count (events, or the patients assessed): the words the null's block uses.
    pub fn primary_counts(&self) -> (&'static str, &'static str) {
        self.endpoints
            .iter()
            .find(|e| e.looks.is_some())
            .map_or(("events", "events"), |e| (e.counted(), e.look_counts()))
    }

    /// The primary endpoint's (the one with looks) mean events where each trial stops: what
    /// the null's `expected_events` stands beside.
    pub fn expected_events(&self) -> Option<f64> {
        self.endpoints.iter().find(|e| e.looks.is_some()).and_then(|e| e.events).map(|d| d.mean)
    }
}

/// Simon's two-stage design across trials: the probability of early termination (PET, at
/// most r1 responses in the first n1 patients) and the expected sample size E(N).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SimonOutcome {
    pub probability_of_early_termination: f64,
    pub pet_mcse: f64,
    pub expected_sample_size: Option<f64>,
}

/// A Bayesian rule across trials. Go is the test's rejection: its share is the endpoint's
/// power (under `--null`, its type I error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BayesOutcome {
    /// Go when the posterior probability of the alternative exceeds it.
    pub threshold: f64,
    /// The priors as written (a power prior as its beta) and their effective sample sizes
    /// (expected local-information ratio, Neuenschwander et al. 2020).
    pub prior: String,
    /// None where it is undefined (a mixture component's shape below 1).
    pub prior_ess: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_prior: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_prior_ess: Option<f64>,
    /// Per interim, then the final analysis (`patients` None: every patient).
    pub decisions: Vec<BayesLook>,
    /// The patients the decision rests on, on average.
    pub expected_patients: Option<f64>,
    /// The posterior probability of the alternative at the decision, on average.
    pub mean_posterior: Option<f64>,
    /// A single arm: the exact probabilities of the rule (binomial paths through the interims),
    /// beside the simulated ones: P(Go) at the scenario's rate (the counted one: a patient who
    /// died or was lost before the assessment is a non-responder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<Vec<BayesExactLook>>,
    /// A single arm: the threshold calibrated to the endpoint's `alpha` on the exact type I
    /// error at the null rate (the smallest that holds it; every threshold in [lower, upper)
    /// gives the same rule), with that rule's exact type I error and power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrated: Option<BayesCalibrated>,
}

/// A single arm's Bayesian rule calibrated to a type I error (see [`BayesOutcome::calibrated`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BayesCalibrated {
    pub alpha: f64,
    pub threshold_lower: f64,
    pub threshold_upper: f64,
    pub type_one_error: f64,
    pub power: f64,
}

/// A Bayesian rule's decisions at one interim (or the final analysis) across trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BayesLook {
    pub patients: Option<u32>,
    pub go: f64,
    pub go_mcse: f64,
    pub no_go: f64,
    pub no_go_mcse: f64,
}

/// A single arm's rule at one interim (or the final analysis), exactly: the fewest responders
/// that Go, the fewest that continue past the futility rule, and the probabilities of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BayesExactLook {
    pub patients: u32,
    pub go_responders: u32,
    pub continue_responders: u32,
    pub go: f64,
    pub no_go: f64,
}

/// One cohort's hazard ratio of the primary endpoint across trials (the Cox estimate within
/// the cohort at the analysis): its median and 95% range (from bins 0.01 wide on the log
/// scale), the geometric mean, and the share of trials in which it points the wrong way (a
/// hazard ratio of at least 1 where the cohort's true one is below 1, or at most 1 where it
/// is above) — the subgroup-consistency question of a stratified design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortResult {
    pub cohort: String,
    pub share: f64,
    /// The cohort's own constant hazard ratio, where it has one.
    pub true_hazard_ratio: Option<f64>,
    pub q025: Option<f64>,
    pub q500: Option<f64>,
    pub q975: Option<f64>,
    pub geometric_mean: Option<f64>,
    /// Share of the trials with an estimate; None without a true ratio other than 1.
    pub wrong_way: Option<f64>,
    pub not_estimable: u64,
}

/// A trial of the run shown as an example: which kind, its replicate (re-simulated exactly
/// as the last trial of `peritrial sample --trials replicate+1`), and for pictures each arm's
/// Kaplan–Meier steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleTrial {
    /// "stopped_early" (efficacy at an interim), "continued" (rejected at the final
    /// analysis) or "failed" (the primary endpoint not rejected).
    pub kind: String,
    pub replicate: u64,
    /// For pictures only: per arm of the primary endpoint (treatment first), its curve's steps
    /// (month, value) at the trial's analysis.
    #[serde(skip)]
    pub steps: Vec<(String, Vec<(f64, f64)>)>,
    /// For pictures only: per arm (as `steps`), the patients at risk every 12 months from 0 to
    /// the arm's last observation (the numbers under a Kaplan–Meier plot).
    #[serde(skip)]
    pub at_risk: Vec<Vec<(f64, u32)>>,
    #[serde(skip)]
    pub cut_month: Option<f64>,
}

pub const EXAMPLE_KINDS: [&str; example::COUNT] = ["stopped_early", "continued", "failed"];

/// One grid point of a sweep: its values as written, and its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    pub set: Named<String>,
    pub report: RunReport,
}

/// The report of `peritrial sweep`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    pub points: Vec<SweepPoint>,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<Execution>,
    /// A sweep stopped by a signal: its points are those finished (`after` of `of`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interrupted>,
    /// `--target-power`, for pictures only (the plots and the HTML report draw it).
    #[serde(skip)]
    pub target_power: Option<f64>,
}

impl SweepReport {
    /// What an interrupted sweep's output holds, in words (None for a whole sweep).
    pub fn interrupted_note(&self) -> Option<String> {
        self.interrupted.as_ref().map(|i| {
            format!(
                "INTERRUPTED: the sweep stopped after {} of {} grid points; these are the points finished{}",
                i.after,
                i.of,
                i.resume.as_ref().map_or(String::new(), |r| format!(" (resume with {r})"))
            )
        })
    }

    /// The varied paths, in order.
    pub fn paths(&self) -> Vec<&str> {
        self.points.first().map_or(Vec::new(), |p| p.set.0.iter().map(|(k, _)| k.as_str()).collect())
    }
}

/// The closed-form answer of a `size` search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeAnalytic {
    pub value: u64,
    pub method: String,
}

/// One evaluation of a `size` search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SizeEvaluation {
    pub value: u64,
    pub replicates: u64,
    pub power: f64,
    pub target_not_reached: f64,
}

/// The report of `peritrial size`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeReport {
    pub parameter: String,
    pub endpoint: String,
    pub target_power: f64,
    pub value: u64,
    pub power: f64,
    pub power_mcse: f64,
    pub fitted_power: f64,
    pub interval_95: [f64; 2],
    /// The fitted curve: power = Φ(intercept + slope × value).
    pub fit_intercept: f64,
    pub fit_slope: f64,
    pub method: String,
    pub replicates: u64,
    pub analytic: Option<SizeAnalytic>,
    pub evaluations: Vec<SizeEvaluation>,
    /// The scenario searched from (before the varied value is set).
    pub provenance: Provenance,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<Execution>,
}

impl SizeReport {
    /// The fitted power at a value of the varied count (the probit fit).
    pub fn fitted_power_at(&self, value: f64) -> f64 {
        crate::stats::normal::cdf(self.fit_intercept + self.fit_slope * value)
    }
}

impl SizeEvaluation {
    /// The Wilson 95% interval of this evaluation's power.
    pub fn power_interval(&self) -> (f64, f64) {
        crate::stats::binary::wilson((self.power * self.replicates as f64).round() as u64, self.replicates, 0.95)
    }
}

impl Execution {
    /// The dotted paths its command line gave to `--set`.
    pub fn set_paths(&self) -> Vec<String> {
        provenance::set_paths(&self.command)
    }
}

impl Provenance {
    /// Each line of the effective scenario, with whether one of `sets` set its value.
    pub fn lines_set_by(&self, sets: &[String]) -> Vec<(&str, bool)> {
        provenance::lines_set_by(&self.scenario_toml, sets)
    }
}
