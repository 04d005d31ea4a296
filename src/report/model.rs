//! The typed reports: built once from the scenario, the summary and the plan, and only
//! rendered by the formats in [`super::export`]. Their serde serialisation *is* the JSON
//! report (keys of DESIGN.md's Report); the table and CSV read the same fields.

use super::key_number;
use crate::scenario::{BinaryTest, EndpointKind, EndpointKindName, Looks, Scenario, TimeToEventTest};
use crate::stats::binary;
use crate::summary::{Bins, CurvePoint, ExactSum, Summary, Values, example};
use serde::{Deserialize, Deserializer, Serialize, Serializer, ser::SerializeMap};

/// Named entries serialised as a JSON object in their order (endpoints, arms, milestones).
#[derive(Debug, Clone, PartialEq)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Named<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Named<T>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(Named(out))
            }
        }
        deserializer.deserialize_map(V(std::marker::PhantomData))
    }
}

impl<T> Named<T> {
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

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

fn accuracy(v: &Values, truth: Option<f64>, covered: u64, intervals: u64, ratio: bool) -> Option<Accuracy> {
    let truth = truth.filter(|t| t.is_finite())?;
    let d = v.describe()?;
    let n = v.finite() as f64;
    let mse = v.mean_squared_error(truth)?;
    let coverage = (intervals > 0).then(|| covered as f64 / intervals as f64);
    let log = if ratio && truth > 0.0 { v.log_moments() } else { None };
    Some(Accuracy {
        true_value: truth,
        bias: d.mean - truth,
        bias_mcse: d.sd / n.sqrt(),
        rmse: mse.sqrt(),
        coverage,
        coverage_mcse: coverage.map(|c| (c * (1.0 - c) / intervals as f64).sqrt()),
        intervals,
        log_bias: log.map(|(mean, _)| mean - truth.ln()),
        log_bias_mcse: log.map(|(_, sd)| sd / n.sqrt()),
        estimand_note: None,
    })
}

/// Why a time-to-event endpoint's estimate does not target the hazard ratio the scenario
/// states (which is conditional on the patient's frailty and cohort): the Cox model's ratio is
/// not collapsible, so a frailty, or cohorts with their own baselines pooled by an unstratified
/// estimate, move its target towards 1.
fn estimand_note(s: &Scenario, i: usize) -> Option<String> {
    let test = match &s.endpoints[i].kind {
        EndpointKind::TimeToEvent { test, .. } => test,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return None,
    };
    let frailty: Vec<&str> =
        s.cohorts.iter().filter(|c| c.frailty_variance.is_some()).map(|c| c.name.as_str()).collect();
    // Whether the estimate is stratified by cohort.
    let stratified = match test {
        TimeToEventTest::StratifiedLogrank => true,
        TimeToEventTest::Logrank
        | TimeToEventTest::FlemingHarrington { .. }
        | TimeToEventTest::MaxCombo
        | TimeToEventTest::Cox
        | TimeToEventTest::OneSampleLogrank { .. } => false,
    };
    let pooled = s.cohorts.len() > 1 && !stratified;
    let why = match (frailty.is_empty(), pooled) {
        (true, false) => return None,
        (false, _) => format!("a gamma frailty in {}", frailty.join(", ")),
        (true, true) => "cohorts with their own baselines pooled by an unstratified estimate".into(),
    };
    Some(format!(
        "the stated hazard ratio is conditional; with {why} the Cox estimate targets a marginal ratio closer to 1 (non-collapsibility), and the bias and coverage include that"
    ))
}

fn spread(v: &Values) -> Option<Spread> {
    v.describe().map(|d| Spread { mean: d.mean, sd: d.sd, q025: d.q025, q500: d.q500, q975: d.q975 })
}

fn range95(v: &Values) -> Option<Range95> {
    v.describe().map(|d| Range95 { mean: d.mean, q025: d.q025, q975: d.q975 })
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
    Binary { method: String, critical_responses: u64, power: f64 },
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

/// The 2.5%, 50% and 97.5% quantiles of a distribution kept in bins (to within a bin).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    pub q025: Option<f64>,
    pub q500: Option<f64>,
    pub q975: Option<f64>,
}

impl Quantiles {
    pub fn of(b: &Bins) -> Option<Quantiles> {
        (b.total() > 0).then(|| Quantiles { q025: b.quantile(0.025), q500: b.quantile(0.5), q975: b.quantile(0.975) })
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

/// One analysis of the monitored endpoint (the last is the final analysis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Look {
    pub look: usize,
    /// The planned information fraction.
    pub information: f64,
    pub boundary_z: Option<f64>,
    /// The efficacy boundary on the hazard-ratio scale at the look's mean events:
    /// exp(−z (1 + r) / √(r d)), r the allocation ratio (Schoenfeld's approximation).
    pub boundary_hazard_ratio: Option<f64>,
    /// The cumulative alpha the design plans to have spent at this look (the spending function
    /// at the planned information; the endpoint's whole alpha at the final look). None for a
    /// binary endpoint, whose level is that of its exact test or Simon design, not `alpha`.
    pub alpha_spent: Option<f64>,
    pub rejections: u64,
    pub futility_z: Option<f64>,
    pub futility_stops: u64,
    /// With `analysis.harm`: the harm bound on the z scale (its mean over trials) and on the
    /// hazard-ratio scale, and the trials that stopped here for harm (at the final look: that
    /// concluded harm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_z: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_hazard_ratio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_stops: Option<u64>,
    /// Share of trials that end at this look (efficacy, futility, or the final analysis).
    pub stop_probability: f64,
    /// Share of trials that have rejected by this look.
    pub cumulative_power: f64,
    pub events: Option<f64>,
    pub cut_month: Option<f64>,
    pub patients: Option<f64>,
    pub target_not_reached: u64,
    /// With `looks.during_enrolment`: trials in which this interim came after the last patient
    /// was enrolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_enrolment: Option<u64>,
    /// Distributions over every trial (a look's values had the trial gone on to it): z to
    /// within 0.05, events and patients to within their bins (1 up to 1023 patients), the
    /// month to within 1% of the design's horizon.
    pub z_distribution: Option<Quantiles>,
    pub events_distribution: Option<Quantiles>,
    pub patients_distribution: Option<Quantiles>,
    pub month_distribution: Option<Quantiles>,
    /// Looks at calendar months: the planned month (`Some(None)` for the final look, whose
    /// month is the cut's).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub month: Option<Option<f64>>,
    /// With `report_conditional_power`, at an interim: the monitored endpoint's conditional
    /// power over the trials still running at the look, under each effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_power: Option<Vec<ConditionalPower>>,
}

/// The distribution of a conditional power across the trials that reach a look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionalPower {
    /// `estimate` (the trial's own hazard ratio at the look), `assumed` (the scenario's hazard
    /// ratio), `user` (`analysis.conditional_power_hazard_ratio`) or `predictive` (the
    /// predictive probability: the conditional power averaged over the effect's posterior
    /// under a flat prior).
    pub under: String,
    pub hazard_ratio: Option<f64>,
    pub trials: u64,
    pub mean: Option<f64>,
    /// To within 0.005.
    pub distribution: Option<Quantiles>,
    /// Share of those trials whose conditional power is below 0.1 and below 0.2.
    pub below_0_1: Option<f64>,
    pub below_0_2: Option<f64>,
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
    /// The primary endpoint of a scenario with several cohorts: its estimate within each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohorts: Option<Vec<CohortResult>>,
    /// Time to event: each arm's curve across replicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curves: Option<Curves>,
    /// The primary endpoint of a design with looks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub looks: Option<Vec<Look>>,
}

impl EndpointReport {
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
    pub fn of(s: &Scenario) -> Provenance {
        let toml = crate::scenario::to_toml(s);
        Provenance {
            peritrial: env!("CARGO_PKG_VERSION").into(),
            seed: s.seed,
            replicates: s.replicates,
            scenario_sha256: super::hash::sha256_hex(toml.as_bytes()),
            scenario_toml: toml,
        }
    }

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

/// The process's peak resident memory, where the system reports it.
fn peak_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = text.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
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

/// Seconds since 1970 as an ISO 8601 UTC date and time.
pub fn utc_date(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let date = super::adam::Date(days);
    format!("{date}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
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

/// A key that is present (its value possibly null) as `Some`, an absent one as `None`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}

fn named_endpoints<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EndpointReport>, D::Error> {
    let named = Named::<EndpointReport>::deserialize(d)?;
    Ok(named.0.into_iter().map(|(name, e)| EndpointReport { name, ..e }).collect())
}

/// A value, or None where it is not a finite number (JSON's null).
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn test_name(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::TimeToEvent { test, .. } => test.name(),
        EndpointKind::Binary { test, .. } => test.name(),
        EndpointKind::Safety { .. } => "none",
    }
}

fn estimate_name(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::OneSampleLogrank { .. } => "hazard_ratio_vs_null",
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox => "hazard_ratio",
        },
        EndpointKind::Binary { test, .. } => match test {
            BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => "response_rate_difference",
            BinaryTest::ExactBinomial { .. } | BinaryTest::SimonTwoStage { .. } => "response_rate",
        },
        EndpointKind::Safety { .. } => "adverse_event_rate",
    }
}

fn share(count: u64, r: u64) -> f64 {
    count as f64 / r as f64
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

    /// The report of `summary`, a run of `s`; `complete` when it holds every replicate.
    pub fn new(s: &Scenario, summary: &Summary, complete: bool) -> RunReport {
        let r = summary.replicates.max(1);
        let primary = crate::analyze::primary(s);
        let planning = crate::cut::Planning::of(s, crate::analyze::monitored(s));
        let endpoints = s
            .endpoints
            .iter()
            .zip(&summary.endpoints)
            .enumerate()
            .map(|(i, (e, es))| {
                let safety = match e.kind {
                    EndpointKind::Safety { .. } => true,
                    EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => false,
                };
                let tested = (!safety).then(|| {
                    let p = share(es.rejections, r);
                    let (lo, hi) = binary::wilson(es.rejections, r, 0.95);
                    (p, (p * (1.0 - p) / r as f64).sqrt(), [lo, hi])
                });
                let in_family = s.analysis.multiplicity.as_ref().is_some_and(|m| m.endpoints.contains(&i));
                let described = es.estimates.describe();
                let exact = es.exact_estimates.mean().filter(|_| s.assessments.is_some() && described.is_some());
                let estimate = Estimate {
                    name: estimate_name(&e.kind).into(),
                    spread: spread(&es.estimates),
                    not_estimable: es.not_estimable,
                    accuracy: accuracy(
                        &es.estimates,
                        crate::design::analytic::true_estimate(s, i),
                        es.covered,
                        es.interval_count,
                        match e.kind {
                            EndpointKind::TimeToEvent { .. } => true,
                            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
                        },
                    )
                    .map(|a| Accuracy { estimand_note: estimand_note(s, i), ..a }),
                    histogram: Histogram::of(&es.estimates),
                    mean_with_exact_event_times: exact,
                    shift_from_assessment_schedule: exact.zip(described).map(|(x, d)| d.mean - x),
                };
                let (milestone_measure, milestones) = match &e.kind {
                    EndpointKind::TimeToEvent { milestones, competing, .. } if !milestones.is_empty() => {
                        let rows = milestones
                            .iter()
                            .enumerate()
                            .map(|(j, &m)| {
                                let mut arms =
                                    vec![(s.arms[e.treatment].name.clone(), ArmMean::of(&es.milestones[j][0]))];
                                if let Some(c) = e.control {
                                    arms.push((s.arms[c].name.clone(), ArmMean::of(&es.milestones[j][1])));
                                }
                                (key_number(m), Named(arms))
                            })
                            .collect();
                        (
                            Some(if competing.is_empty() { "survival" } else { "cumulative_incidence" }.into()),
                            Some(Named(rows)),
                        )
                    }
                    EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => {
                        (None, None)
                    }
                };
                EndpointReport {
                    name: e.name.clone(),
                    kind: e.kind.name().into(),
                    test: test_name(&e.kind).into(),
                    power: tested.map(|t| t.0),
                    p_any_grade3: safety.then(|| share(es.any_grade3, r)),
                    power_mcse: tested.map(|t| t.1),
                    power_ci: tested.map(|t| t.2),
                    rejections: (!safety).then_some(es.rejections),
                    power_unadjusted: (!safety && in_family).then(|| share(es.rejections_unadjusted, r)),
                    exact_interval: es.cp_lower.mean().zip(es.cp_upper.mean()).map(|(lo, hi)| ExactInterval {
                        method: "clopper_pearson".into(),
                        mean_lower: lo,
                        mean_upper: hi,
                    }),
                    estimate,
                    analytic: analytic(s, summary, &planning, i),
                    events: range95(&es.events),
                    milestone_measure,
                    milestones,
                    simon: match &e.kind {
                        EndpointKind::Binary { test, .. } => match test {
                            BinaryTest::SimonTwoStage { .. } => true,
                            BinaryTest::ExactBinomial { .. } | BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => {
                                false
                            }
                        },
                        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => false,
                    }
                    .then(|| {
                        let pet = share(es.stage1_stops, r);
                        SimonOutcome {
                            probability_of_early_termination: pet,
                            pet_mcse: (pet * (1.0 - pet) / r as f64).sqrt(),
                            expected_sample_size: es.patients_used.mean(),
                        }
                    }),
                    cohorts: (Some(i) == primary && !summary.cohorts.is_empty()).then(|| cohort_results(s, i, summary)),
                    curves: curves(s, i, summary),
                    looks: (Some(i) == primary).then(|| looks(s, i, summary, &planning)),
                }
            })
            .collect();
        let cut = range95(&summary.cut_month);
        let family = crate::engine::family(s);
        let analysis = Analysis {
            cut_month: cut,
            cut_month_histogram: Histogram::of(&summary.cut_month),
            expected_patients: summary.patients.mean(),
            // What the looks spend alpha against: the events each endpoint is expected to have
            // at the final cut, from a simulation of the scenario's assumptions.
            planned_events: (planning.trials > 0).then(|| PlannedEvents {
                events: Named(
                    s.endpoints
                        .iter()
                        .zip(&planning.events)
                        .filter(|(_, d)| d.is_finite())
                        .map(|(e, &d)| (e.name.clone(), d))
                        .collect(),
                ),
                trials: planning.trials,
                seed: crate::cut::PLANNING_SEED,
                method: "the mean events at the final cut over the planning trials (a fixed seed, not the study's); a cut's own event target is used as it is".into(),
            }),
            cut_target_not_reached: match s.analysis.cut {
                crate::scenario::Cut::Events { .. } => true,
                crate::scenario::Cut::Month(_) | crate::scenario::Cut::MinFollowUp(_) => false,
            }
            .then_some(summary.cut_not_reached),
            // Where the trial stops (efficacy or futility at a look, else the final analysis).
            expected_duration_months: cut.map(|d| d.mean),
            multiplicity: (family.len() > 1).then(|| {
                let graph = s.analysis.multiplicity.as_ref().filter(|m| m.method.by_graph()).map(|m| &m.graph);
                Multiplicity {
                    method: s.analysis.multiplicity.as_ref().map_or("none", |m| m.method.name()).into(),
                    endpoints: family.iter().map(|&i| s.endpoints[i].name.clone()).collect(),
                    power_all: share(summary.all_rejected, r),
                    power_at_least_one: share(summary.any_rejected, r),
                    weights: graph.map(|g| g.weights.clone()),
                    transitions: graph.map(|g| g.transitions.clone()),
                }
            }),
        };
        RunReport {
            scenario: s.name.clone(),
            replicates: summary.replicates,
            seed: s.seed,
            complete,
            warnings: warnings(s, summary),
            design: design(s),
            endpoints,
            analysis,
            examples: examples(summary),
            null: None,
            provenance: Provenance::of(s),
            timing: None,
            execution: None,
            interrupted: None,
            shard: None,
        }
    }

    /// With the run's wall-clock time and this execution's command line, platform and date.
    pub fn timed(mut self, s: &Scenario, seconds: f64, threads: usize) -> RunReport {
        let patients = self.replicates as f64 * s.enrollment.sample_size as f64;
        self.timing = Some(Timing { seconds, patients_per_second: patients / seconds.max(1e-9), threads });
        self.execution = Some(Execution::now());
        self
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
}

/// The type I error of every test (`run --null`): the same scenario with every treatment
/// effect at its null, on the same random numbers (the same seed and replicates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NullReport {
    /// What was set to its null, in words.
    pub null: Vec<String>,
    pub scenario_sha256: String,
    pub endpoints: Named<NullTest>,
    /// A multiplicity family: the family-wise error rate (at least one member rejected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<NullTest>,
}

/// A test's rejection rate under the null with its exact (Clopper–Pearson) 95% interval, and
/// how it stands against its nominal level: "at level" (the level is inside the interval),
/// "conservative" (the interval is below it) or "inflated" (above it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NullTest {
    pub test: String,
    pub level: f64,
    pub rejections: u64,
    pub type_one_error: f64,
    pub mcse: f64,
    pub ci: [f64; 2],
    pub verdict: String,
}

impl NullTest {
    fn new(test: &str, level: f64, rejections: u64, r: u64) -> NullTest {
        let p = share(rejections, r);
        let (lo, hi) = binary::clopper_pearson(rejections, r, 0.95);
        let verdict = if hi < level {
            "conservative"
        } else if lo > level {
            "inflated"
        } else {
            "at level"
        };
        NullTest {
            test: test.into(),
            level,
            rejections,
            type_one_error: p,
            mcse: (p * (1.0 - p) / r.max(1) as f64).sqrt(),
            ci: [lo, hi],
            verdict: verdict.into(),
        }
    }
}

impl NullReport {
    /// The null report of `summary`, a run of `null` (the scenario `under_null` gave, with
    /// `what` it set).
    pub fn new(null: &Scenario, summary: &Summary, what: Vec<String>) -> NullReport {
        let r = summary.replicates.max(1);
        let endpoints = null
            .endpoints
            .iter()
            .zip(&summary.endpoints)
            .filter(|(e, _)| match e.kind {
                EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
                EndpointKind::Safety { .. } => false,
            })
            .map(|(e, es)| (e.name.clone(), NullTest::new(test_name(&e.kind), e.alpha, es.rejections, r)))
            .collect();
        let family =
            null.analysis.multiplicity.as_ref().map(|m| {
                NullTest::new(&format!("{} (family-wise)", m.method.name()), m.alpha, summary.any_rejected, r)
            });
        NullReport {
            null: what,
            scenario_sha256: Provenance::of(null).scenario_sha256,
            endpoints: Named(endpoints),
            family,
        }
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

fn cohort_results(s: &Scenario, i: usize, summary: &Summary) -> Vec<CohortResult> {
    let e = &s.endpoints[i];
    let events = match &e.kind {
        EndpointKind::TimeToEvent { events, .. } => events,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return Vec::new(),
    };
    s.cohorts
        .iter()
        .zip(&summary.cohorts)
        .map(|(cohort, c)| {
            // The cohort's ratio when every cause of the endpoint has the same constant one.
            let mut ratios = events.iter().filter_map(|&ev| cohort.events[ev].as_ref()).map(|m| {
                let (t, k) = (&m.hazard_ratio[e.treatment], &m.hazard_ratio[e.control.unwrap_or(e.treatment)]);
                (t.ratios.len() == 1 && k.ratios.len() == 1 && m.cure_fraction.iter().all(|&x| x == 0.0))
                    .then(|| t.ratios[0] / k.ratios[0])
            });
            let first = ratios.next().flatten();
            let truth = first.filter(|&h| ratios.all(|x| x.is_some_and(|x| (x - h).abs() <= 1e-12 * h)));
            let counted = c.log_bins.total();
            let wrong = match truth {
                Some(h) if h < 1.0 => Some(c.wrong_way),
                Some(h) if h > 1.0 => Some(counted - c.wrong_way),
                _ => None,
            };
            CohortResult {
                cohort: cohort.name.clone(),
                share: cohort.share,
                true_hazard_ratio: truth,
                q025: c.log_bins.quantile(0.025).map(f64::exp),
                q500: c.log_bins.quantile(0.5).map(f64::exp),
                q975: c.log_bins.quantile(0.975).map(f64::exp),
                geometric_mean: c.log_sum.mean().map(f64::exp),
                wrong_way: wrong.filter(|_| counted > 0).map(|w| w as f64 / counted as f64),
                not_estimable: c.not_estimable,
            }
        })
        .collect()
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
    #[serde(skip)]
    pub cut_month: Option<f64>,
}

pub const EXAMPLE_KINDS: [&str; example::COUNT] = ["stopped_early", "continued", "failed"];

fn examples(summary: &Summary) -> Vec<ExampleTrial> {
    summary
        .examples
        .iter()
        .zip(EXAMPLE_KINDS)
        .filter_map(|(r, kind)| {
            r.map(|replicate| ExampleTrial { kind: kind.into(), replicate, steps: Vec::new(), cut_month: None })
        })
        .collect()
}

fn curves(s: &Scenario, i: usize, summary: &Summary) -> Option<Curves> {
    let e = &s.endpoints[i];
    let competing = match &e.kind {
        EndpointKind::TimeToEvent { competing, .. } => competing,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return None,
    };
    let es = &summary.endpoints[i];
    let grid = crate::analyze::curve_grid(crate::cut::Planning::of(s, crate::analyze::monitored(s)).horizon);
    let arm = |slot: usize| ArmCurve {
        mean: es.curves.iter().map(|c| c[slot].sum.mean()).collect(),
        q025: es.curves.iter().map(|c| c[slot].bins.quantile(0.025)).collect(),
        q500: es.curves.iter().map(|c| c[slot].bins.quantile(0.5)).collect(),
        q975: es.curves.iter().map(|c| c[slot].bins.quantile(0.975)).collect(),
        not_estimable: es.curves.iter().map(|c| c[slot].missing).collect(),
        model: None,
    };
    let mut arms = vec![(s.arms[e.treatment].name.clone(), arm(0))];
    if let Some(c) = e.control {
        arms.push((s.arms[c].name.clone(), arm(1)));
    }
    Some(Curves {
        measure: if competing.is_empty() { "survival" } else { "cumulative_incidence" }.into(),
        months: grid,
        arms: Named(arms),
        model_method: None,
    })
}

fn analytic(s: &Scenario, summary: &Summary, planning: &crate::cut::Planning, i: usize) -> Option<Analytic> {
    use crate::design::analytic as an;
    let e = &s.endpoints[i];
    if let Some(a) = an::tte_assumptions(s, i) {
        // Events: the cut's count when the cut waits for this endpoint, else the simulated mean.
        let (events, events_source) = match s.analysis.cut {
            crate::scenario::Cut::Events { endpoint, events } if endpoint == i && summary.cut_not_reached == 0 => {
                (events as f64, "cut")
            }
            crate::scenario::Cut::Events { .. }
            | crate::scenario::Cut::Month(_)
            | crate::scenario::Cut::MinFollowUp(_) => {
                if planning.trials > 0 && planning.events[i].is_finite() {
                    // With looks, the trials stop at different cuts: the design's planned events.
                    (planning.events[i], "planned")
                } else {
                    (summary.endpoints[i].events.describe().map_or(0.0, |d| d.mean), "simulated_mean")
                }
            }
        };
        let (hr, ratio) = (a.hazard_ratio, a.ratio);
        // Against a non-inferiority margin θ0 every formula reads the ratio to the margin.
        let theta0 = crate::analyze::null_hazard_ratio(e);
        let vs = hr / theta0;
        let gs = an::GroupSequential::of(s, i);
        // With looks, the companion of the design the trials run: the same boundaries at the
        // planned information fractions, futility counted as stopping.
        let assumes = match &gs {
            Some(gs) => format!(
                "group-sequential: {} looks at information {:?}, {} spending{}, the efficacy boundaries at the planned fractions; constant hazard ratio, Schoenfeld's drift. The schoenfeld_* and freedman_* values are of a fixed design without looks",
                gs.looks.len(),
                gs.looks,
                s.analysis.spending.name(),
                if gs.futility.is_some() { ", futility (and harm) bounds counted as stopping" } else { "" }
            ),
            None if s.analysis.reestimation.is_some() && crate::analyze::monitored(s) == Some(i) => {
                "Schoenfeld and Freedman at the planned final events, without the looks or the event re-estimation: an adaptive design has no closed form; the simulation is the answer".to_string()
            }
            None => "fixed design (one analysis); constant hazard ratio".to_string(),
        };
        let assumes = if theta0 != 1.0 {
            format!(
                "{assumes}; non-inferiority margin {theta0}: every formula at the hazard ratio over the margin, {vs:.4} (Freedman's formula so applied is an approximation)"
            )
        } else {
            assumes
        };
        return Some(Analytic::TimeToEvent(TteAnalytic {
            hazard_ratio: hr,
            events,
            events_source: events_source.into(),
            schoenfeld_power: an::schoenfeld_power(e.alpha, events, vs, ratio),
            freedman_power: an::freedman_power(e.alpha, events, vs, ratio),
            schoenfeld_events_80: finite(an::schoenfeld_events(e.alpha, 0.8, vs, ratio)).filter(|_| vs < 1.0),
            schoenfeld_events_90: finite(an::schoenfeld_events(e.alpha, 0.9, vs, ratio)).filter(|_| vs < 1.0),
            freedman_events_80: finite(an::freedman_events(e.alpha, 0.8, vs, ratio)).filter(|_| vs < 1.0),
            freedman_events_90: finite(an::freedman_events(e.alpha, 0.9, vs, ratio)).filter(|_| vs < 1.0),
            group_sequential_power: gs.as_ref().map(|g| finite(g.power(events, vs, ratio))),
            group_sequential_events_80: gs.as_ref().map(|g| finite(g.events(0.8, vs, ratio)).filter(|_| vs < 1.0)),
            group_sequential_events_90: gs.as_ref().map(|g| finite(g.events(0.9, vs, ratio)).filter(|_| vs < 1.0)),
            assumes,
        }));
    }
    if let Some(c) = an::rates_companion(s, i) {
        let dropout = s.dropout_hazard.iter().any(|&h| h > 0.0);
        return Some(Analytic::Rates(RatesAnalytic {
            method: if c.null_difference != 0.0 { "farrington_manning" } else { "chi_square" }.into(),
            rate_treatment: c.rates.0,
            rate_control: c.rates.1,
            null_difference: c.null_difference,
            patients_treatment: c.patients.0,
            patients_control: c.patients.1,
            power: c.power,
            patients_80: c.patients_80,
            patients_90: c.patients_90,
            assumes: format!(
                "normal approximation (rpact getPowerRates{}): every enrolled patient assessed by the cut, split by allocation, at the scenario's response probabilities averaged over cohorts{}; patients not yet assessed at the cut are not in the formula",
                if c.null_difference != 0.0 { format!(", thetaH0 = {}", c.null_difference) } else { String::new() },
                if dropout {
                    ", times the chance of no dropout before the assessment (a dropout counts as no response)"
                } else {
                    ""
                }
            ),
        }));
    }
    an::binary_companion(s, i).map(|(method, critical_responses, power)| Analytic::Binary {
        method: method.into(),
        critical_responses,
        power,
    })
}

fn looks(s: &Scenario, endpoint: usize, summary: &Summary, planning: &crate::cut::Planning) -> Vec<Look> {
    let r = summary.replicates.max(1);
    let e = &s.endpoints[endpoint];
    let ratio = e.control.map(|c| s.arms[e.treatment].allocation as f64 / s.arms[c].allocation as f64);
    let mut rejected = 0u64;
    // The trial ends at the first look that crosses a boundary, else at the last one.
    let last = summary.looks.len().saturating_sub(1);
    let mut stopped_before = 0u64;
    let mean = |x: &ExactSum| x.mean();
    summary
        .looks
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let ends_here = if k == last {
                summary.replicates - stopped_before
            } else {
                l.efficacy_stops + l.futility_stops + l.harm_stops
            };
            stopped_before += ends_here;
            rejected += l.efficacy_stops;
            let (z, d) = (mean(&l.boundary), mean(&l.events));
            Look {
                look: k + 1,
                information: planning.fractions[k],
                boundary_z: z,
                boundary_hazard_ratio: match (z, d, ratio) {
                    // Against a non-inferiority margin θ0 the boundary is θ0 times as large.
                    (Some(z), Some(d), Some(q)) if d > 0.0 => {
                        finite(crate::analyze::null_hazard_ratio(e) * (-z * (1.0 + q) / (q * d).sqrt()).exp())
                    }
                    _ => None,
                },
                alpha_spent: match e.kind {
                    EndpointKind::TimeToEvent { .. } => true,
                    EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
                }
                .then(|| {
                    if k == last {
                        e.alpha
                    } else {
                        crate::design::spending::spent(s.analysis.spending, e.alpha, planning.fractions[k])
                    }
                }),
                rejections: l.efficacy_stops,
                futility_z: mean(&l.futility),
                futility_stops: l.futility_stops,
                harm_z: s.analysis.harm.and_then(|_| mean(&l.harm)),
                harm_hazard_ratio: match (s.analysis.harm.and_then(|_| mean(&l.harm)), d, ratio) {
                    (Some(h), Some(d), Some(q)) if d > 0.0 => {
                        finite(crate::analyze::null_hazard_ratio(e) * (-h * (1.0 + q) / (q * d).sqrt()).exp())
                    }
                    _ => None,
                },
                harm_stops: s.analysis.harm.map(|_| l.harm_stops),
                stop_probability: share(ends_here, r),
                cumulative_power: share(rejected, r),
                events: mean(&l.events),
                cut_month: mean(&l.cut_month),
                patients: mean(&l.patients),
                target_not_reached: l.not_reached,
                after_enrolment: (s.analysis.interims_during_enrolment && k < last).then_some(l.after_enrolment),
                z_distribution: Quantiles::of(&l.z_bins),
                events_distribution: Quantiles::of(&l.events_bins),
                patients_distribution: Quantiles::of(&l.patients_bins),
                month_distribution: Quantiles::of(&l.month_bins),
                month: match &s.analysis.looks {
                    Looks::Information(_) => None,
                    looks @ (Looks::Months(_) | Looks::Combined { .. }) => Some(looks.month(k)),
                },
                conditional_power: (k < last && !l.conditional_power.is_empty()).then(|| {
                    let truth = crate::design::analytic::true_estimate(s, endpoint);
                    let user = s.analysis.conditional_power.and_then(|c| c.hazard_ratio);
                    ["estimate", "assumed", "user", "predictive"]
                        .into_iter()
                        .zip([None, truth, user, None])
                        .zip(&l.conditional_power)
                        .filter(|((under, h), _)| matches!(*under, "estimate" | "predictive") || h.is_some())
                        .map(|((under, hazard_ratio), c)| {
                            let n = c.bins.total();
                            let below = |x: f64| {
                                (n > 0).then(|| {
                                    let k = (x / c.bins.width).round() as usize;
                                    c.bins.below_count(k) as f64 / n as f64
                                })
                            };
                            ConditionalPower {
                                under: under.into(),
                                hazard_ratio,
                                trials: n,
                                mean: mean(&c.sum),
                                distribution: Quantiles::of(&c.bins),
                                below_0_1: below(0.1),
                                below_0_2: below(0.2),
                            }
                        })
                        .collect()
                }),
            }
        })
        .collect()
}

fn months(x: f64) -> String {
    format!("{} months", super::key_number(x))
}

/// The design and its decision rules in words.
pub fn design(s: &Scenario) -> Vec<String> {
    use crate::scenario::{Accrual, Cut, Futility};
    let mut out = Vec::new();
    let arms: Vec<String> = s.arms.iter().map(|a| format!("{} ({})", a.name, a.allocation)).collect();
    let accrual = match &s.enrollment.accrual {
        Accrual::Uniform { months: m } => format!("uniformly over {}", months(*m)),
        Accrual::Piecewise { starts, rates } => {
            let parts: Vec<String> = starts
                .iter()
                .zip(rates)
                .map(|(a, r)| format!("{r} a month from month {}", super::key_number(*a)))
                .collect();
            format!("at {}", parts.join(", "))
        }
    };
    out.push(format!(
        "{} patients randomised to {} (allocation in brackets, permuted blocks of {} within cohort), enrolled {accrual}.",
        s.enrollment.sample_size,
        arms.join(" and "),
        s.block_size
    ));
    let cohorts: Vec<String> = s.cohorts.iter().map(|c| format!("{} {:.0}%", c.name, 100.0 * c.share)).collect();
    out.push(format!("Cohorts: {}.", cohorts.join(", ")));
    let dropout: Vec<String> =
        s.arms.iter().zip(&s.dropout_hazard).map(|(a, h)| format!("{} {h} a month", a.name)).collect();
    out.push(format!("Dropout hazard: {}.", dropout.join(", ")));
    if let Some(a) = &s.assessments {
        let v: Vec<String> = a
            .starts
            .iter()
            .zip(&a.every)
            .map(|(st, e)| format!("every {} from month {}", months(*e), super::key_number(*st)))
            .collect();
        out.push(format!("Recurrences are seen at imaging visits ({}); deaths when they happen.", v.join(", ")));
    }
    for e in &s.endpoints {
        let against =
            e.control.map_or("against its historical value".to_string(), |c| format!("against {}", s.arms[c].name));
        let superiority = || {
            format!(
                "{} test of {} {against}, one-sided alpha {}",
                test_name(&e.kind).replace('_', " "),
                s.arms[e.treatment].name,
                e.alpha
            )
        };
        let rule = match &e.kind {
            EndpointKind::Safety { .. } => "no test: rates with exact (Clopper–Pearson) intervals".to_string(),
            EndpointKind::Binary { test, null_difference, .. } => match test {
                BinaryTest::SimonTwoStage { null_rate, stage1_patients, stage1_max_responses, max_responses } => {
                    format!(
                        "Simon two-stage test of the response rate against {null_rate}: stop after {stage1_patients} patients with at most {stage1_max_responses} responses; promising with more than {max_responses}"
                    )
                }
                BinaryTest::ExactBinomial { .. } | BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => {
                    if *null_difference != 0.0 {
                        format!(
                            "Farrington–Manning score test of non-inferiority of {} {against} with margin {null_difference} on the difference of response rates (H0: difference ≤ {null_difference}), one-sided alpha {}",
                            s.arms[e.treatment].name, e.alpha
                        )
                    } else {
                        superiority()
                    }
                }
            },
            EndpointKind::TimeToEvent { null_hazard_ratio, .. } => {
                if *null_hazard_ratio != 1.0 {
                    format!(
                        "{} test of non-inferiority of {} {against} with margin {null_hazard_ratio} on the hazard ratio (H0: HR ≥ {null_hazard_ratio}), one-sided alpha {}",
                        test_name(&e.kind).replace('_', " "),
                        s.arms[e.treatment].name,
                        e.alpha
                    )
                } else {
                    superiority()
                }
            }
        };
        out.push(format!("Endpoint {} ({}): {rule}.", e.name, e.kind.name().replace('_', " ")));
    }
    out.push(match &s.analysis.cut {
        Cut::Month(m) => format!("The analysis is at month {} after the first patient's entry.", super::key_number(*m)),
        Cut::Events { endpoint, events } => {
            format!("The analysis is at the {events}th {} event.", s.endpoints[*endpoint].name)
        }
        Cut::MinFollowUp(m) => format!("The analysis is when the last patient has {} of follow-up.", months(*m)),
    });
    if s.analysis.looks.count() > 1 {
        let on = crate::analyze::monitored(s).map_or(String::new(), |i| format!(" on {}", s.endpoints[i].name));
        let kind = if s.analysis.binding_futility {
            "binding (the efficacy boundaries are computed with it)"
        } else {
            "non-binding"
        };
        let futility = match s.analysis.futility {
            None => String::new(),
            Some(Futility::Z(z)) => format!("; {kind} futility stop when z < {z}"),
            Some(Futility::BetaSpending { spending, beta }) => {
                format!("; {kind} futility bounds from {} beta-spending (beta {beta})", spending.name())
            }
            Some(Futility::ConditionalPower { below, hazard_ratio }) => format!(
                "; non-binding futility stop at an interim when the conditional power under {} is below {below}",
                hazard_ratio.map_or("the trial's current estimate".to_string(), |h| format!("a hazard ratio of {h}"))
            ),
        };
        out.push(format!(
            "{} analyses{on} ({}), efficacy boundaries from {} alpha-spending at observed over planned information{futility}; a trial stops at the first boundary crossed.",
            s.analysis.looks.count(),
            s.analysis.looks.describe(),
            s.analysis.spending.name()
        ));
    }
    if let Some(h) = &s.analysis.harm {
        out.push(format!(
            "Harm: a trial also stops when the z of {} is at or below a harm bound that spends a one-sided alpha of {} by {} spending in the unfavourable tail (binding: the efficacy boundaries are computed with it, as the lower boundary of a two-sided design); at the final look such a z concludes harm.",
            crate::analyze::monitored(s).map_or("the monitored endpoint", |i| s.endpoints[i].name.as_str()),
            h.alpha,
            h.spending.name()
        ));
    }
    if let Some(re) = &s.analysis.reestimation {
        out.push(format!(
            "Event re-estimation: at each interim the next stage's events are chosen for a conditional power of {} under {} (between {:?} and {:?} events a stage{}), and the looks test the inverse-normal combination of the stages' log-rank increments with the weights of the planned information.",
            re.conditional_power,
            re.hazard_ratio.map_or("the trial's estimate".to_string(), |h| format!("a hazard ratio of {h}")),
            re.min_events,
            re.max_events,
            re.promising_from.map_or(String::new(), |p| format!(
                "; only in the promising zone, a conditional power at the planned events from {p} up to the target"
            ))
        ));
    }
    if let Some(m) = &s.analysis.multiplicity {
        let names: Vec<&str> = m.endpoints.iter().map(|&i| s.endpoints[i].name.as_str()).collect();
        out.push(format!(
            "Multiplicity: {} over {} at family-wise one-sided alpha {}.",
            m.method.name().replace('_', " "),
            names.join(", "),
            m.alpha
        ));
        if m.method.by_graph() {
            let mut edges = Vec::new();
            for (i, row) in m.graph.transitions.iter().enumerate() {
                for (k, &g) in row.iter().enumerate().filter(|&(_, &g)| g > 0.0) {
                    edges.push(format!("{} → {} {g}", names[i], names[k]));
                }
            }
            let weights: Vec<String> = names.iter().zip(&m.graph.weights).map(|(n, w)| format!("{n} {w}")).collect();
            out.push(format!(
                "Graph (Bretz et al. 2009): initial weights {}; a rejected endpoint passes its weight {}.",
                weights.join(", "),
                if edges.is_empty() { "nowhere".to_string() } else { format!("along {}", edges.join(", ")) }
            ));
        }
    }
    out
}

/// What the design did not do as it says, in words: every output carries these.
pub fn warnings(s: &Scenario, summary: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    let r = summary.replicates;
    let target = match s.analysis.cut {
        crate::scenario::Cut::Events { endpoint, events } => Some((endpoint, events)),
        crate::scenario::Cut::Month(_) | crate::scenario::Cut::MinFollowUp(_) => None,
    };
    if let Some((endpoint, events)) = target
        && summary.cut_not_reached > 0
    {
        out.push(format!(
            "the cut's target of {events} {} events was not reached in {} of {r} trials ({:.1}%); those trials were analysed at their last observation",
            s.endpoints[endpoint].name,
            summary.cut_not_reached,
            100.0 * summary.cut_not_reached as f64 / r.max(1) as f64
        ));
    }
    for e in &s.endpoints {
        let rate_margin = match e.kind {
            EndpointKind::Binary { null_difference, .. } => null_difference != 0.0,
            EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => false,
        };
        if rate_margin && [Some(e.treatment), e.control].into_iter().flatten().any(|a| s.dropout_hazard[a] > 0.0) {
            out.push(format!(
                "{}: a dropout before the response assessment counts as no response; that draws both rates, and their difference, toward 0, which favours non-inferiority: at the margin the type I error exceeds alpha (run --null shows by how much)",
                e.name
            ));
        }
        let censors_at_switch = match e.kind {
            EndpointKind::TimeToEvent { censor_at_switch, .. } => censor_at_switch,
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
        };
        if censors_at_switch && s.cohorts.iter().any(|c| c.switching.is_some()) {
            out.push(format!(
                "{} censors patients when they switch therapy at recurrence: switching follows a recurrence, a sign of prognosis, so the censoring is informative and its hazard ratio and type I error are not those of a hypothetical estimand without switching",
                e.name
            ));
        }
    }
    let n_looks = summary.looks.len();
    for (k, l) in summary.looks.iter().enumerate() {
        if s.analysis.interims_during_enrolment && k + 1 < n_looks && l.after_enrolment > 0 {
            out.push(format!(
                "look {} was to come while patients were still being enrolled (analysis.looks.during_enrolment), but came after the last patient's entry in {} of {r} trials ({:.1}%)",
                k + 1,
                l.after_enrolment,
                100.0 * l.after_enrolment as f64 / r.max(1) as f64
            ));
        }
        if k + 1 < n_looks && l.not_reached > 0 {
            let target = match &s.analysis.looks {
                Looks::Information(f) => format!("event target (information {})", f[k]),
                Looks::Months(m) => format!("month ({})", m[k]),
                Looks::Combined { fractions, months, later } => format!(
                    "trigger (the {} of information {} and month {})",
                    if *later { "later" } else { "earlier" },
                    fractions[k],
                    months[k]
                ),
            };
            let target = if s.analysis.look_gap_months > 0.0 {
                format!("{target}, at least {} months after the look before,", s.analysis.look_gap_months)
            } else {
                target
            };
            out.push(format!(
                "look {}'s {target} was not reached before the final cut in {} of {r} trials; it fell at the final cut, with no test of its own",
                k + 1,
                l.not_reached
            ));
        }
    }
    if !summary.cut_month.is_exact()
        || summary.endpoints.iter().any(|e| !e.estimates.is_exact() || !e.events.is_exact())
    {
        out.push(format!(
            "with more than {} trials the quantiles of the estimates, events and analysis month come from a fixed-memory sketch and are within 2^-10 (0.1%) of their magnitude of R's; means, standard deviations and every probability are exact",
            crate::summary::EXACT_LIMIT
        ));
    }
    out
}

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
}

impl SweepReport {
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

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates_are_civil_dates() {
        assert_eq!(super::utc_date(0), "1970-01-01T00:00:00Z");
        // 2026-12-01T16:30:05Z and 2000-02-29T23:59:59Z (a leap day of a century year).
        assert_eq!(super::utc_date(1_796_142_605), "2026-12-01T16:30:05Z");
        assert_eq!(super::utc_date(951_868_799), "2000-02-29T23:59:59Z");
    }
}
