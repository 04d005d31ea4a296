//! The typed reports: built once from the scenario, the summary and the plan, and only
//! rendered by the formats in [`super::export`]. Their serde serialisation *is* the JSON
//! report (keys of DESIGN.md's Report); the table and CSV read the same fields.

use super::key_number;
use crate::scenario::{BinaryTest, EndpointKind, Looks, Scenario, TimeToEventTest};
use crate::stats::binary;
use crate::summary::{ExactSum, Summary, Values};
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

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ArmMean {
    pub mean: Option<f64>,
}

/// One analysis of the monitored endpoint (the last is the final analysis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Look {
    pub look: usize,
    /// The planned information fraction.
    pub information: f64,
    pub boundary_z: Option<f64>,
    pub rejections: u64,
    pub futility_z: Option<f64>,
    pub futility_stops: u64,
    /// Share of trials that end at this look (efficacy, futility, or the final analysis).
    pub stop_probability: f64,
    pub events: Option<f64>,
    pub cut_month: Option<f64>,
    pub patients: Option<f64>,
    pub target_not_reached: u64,
    /// Looks at calendar months: the planned month (`Some(None)` for the final look, whose
    /// month is the cut's).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub month: Option<Option<f64>>,
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
    /// The primary endpoint of a design with looks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub looks: Option<Vec<Look>>,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub cut_month: Option<Range95>,
    pub expected_patients: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_events: Option<PlannedEvents>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_target_not_reached: Option<u64>,
    pub expected_duration_months: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplicity: Option<Multiplicity>,
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
    #[serde(serialize_with = "by_name", deserialize_with = "named_endpoints")]
    pub endpoints: Vec<EndpointReport>,
    pub analysis: Analysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
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
        EndpointKind::TimeToEvent { test: TimeToEventTest::OneSampleLogrank { .. }, .. } => "hazard_ratio_vs_null",
        EndpointKind::TimeToEvent { .. } => "hazard_ratio",
        EndpointKind::Binary { test: BinaryTest::Fisher | BinaryTest::ChiSquare { .. }, .. } => {
            "response_rate_difference"
        }
        EndpointKind::Binary { .. } => "response_rate",
        EndpointKind::Safety { .. } => "adverse_event_rate",
    }
}

fn share(count: u64, r: u64) -> f64 {
    count as f64 / r as f64
}

impl RunReport {
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
                let safety = matches!(e.kind, EndpointKind::Safety { .. });
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
                    mean_with_exact_event_times: exact,
                    shift_from_assessment_schedule: exact.zip(described).map(|(x, d)| d.mean - x),
                };
                let (milestone_measure, milestones) = match &e.kind {
                    EndpointKind::TimeToEvent { milestones, competing, .. } if !milestones.is_empty() => {
                        let rows = milestones
                            .iter()
                            .enumerate()
                            .map(|(j, &m)| {
                                let mut arms = vec![(
                                    s.arms[e.treatment].name.clone(),
                                    ArmMean { mean: es.milestones[j][0].mean() },
                                )];
                                if let Some(c) = e.control {
                                    arms.push((s.arms[c].name.clone(), ArmMean { mean: es.milestones[j][1].mean() }));
                                }
                                (key_number(m), Named(arms))
                            })
                            .collect();
                        (
                            Some(if competing.is_empty() { "survival" } else { "cumulative_incidence" }.into()),
                            Some(Named(rows)),
                        )
                    }
                    _ => (None, None),
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
                    looks: (Some(i) == primary).then(|| looks(s, summary, &planning)),
                }
            })
            .collect();
        let cut = range95(&summary.cut_month);
        let family = crate::engine::family(s);
        let analysis = Analysis {
            cut_month: cut,
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
            cut_target_not_reached: matches!(s.analysis.cut, crate::scenario::Cut::Events { .. })
                .then_some(summary.cut_not_reached),
            // Where the trial stops (efficacy or futility at a look, else the final analysis).
            expected_duration_months: cut.map(|d| d.mean),
            multiplicity: (family.len() > 1).then(|| Multiplicity {
                method: s.analysis.multiplicity.as_ref().map_or("none", |m| m.method.name()).into(),
                endpoints: family.iter().map(|&i| s.endpoints[i].name.clone()).collect(),
                power_all: share(summary.all_rejected, r),
                power_at_least_one: share(summary.any_rejected, r),
            }),
        };
        RunReport {
            scenario: s.name.clone(),
            replicates: summary.replicates,
            seed: s.seed,
            complete,
            warnings: warnings(s, summary),
            endpoints,
            analysis,
            timing: None,
            interrupted: None,
            shard: None,
        }
    }

    /// With the run's wall-clock time.
    pub fn timed(mut self, s: &Scenario, seconds: f64, threads: usize) -> RunReport {
        let patients = self.replicates as f64 * s.enrollment.sample_size as f64;
        self.timing = Some(Timing { seconds, patients_per_second: patients / seconds.max(1e-9), threads });
        self
    }

    pub fn endpoint(&self, name: &str) -> Option<&EndpointReport> {
        self.endpoints.iter().find(|e| e.name == name)
    }
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
            // With looks, the trials stop at different cuts: the design's planned events.
            _ if planning.trials > 0 && planning.events[i].is_finite() => (planning.events[i], "planned"),
            _ => (summary.endpoints[i].events.describe().map_or(0.0, |d| d.mean), "simulated_mean"),
        };
        let (hr, ratio) = (a.hazard_ratio, a.ratio);
        let gs = an::GroupSequential::of(s, i);
        // With looks, the companion of the design the trials run: the same boundaries at the
        // planned information fractions, futility counted as stopping.
        let assumes = match &gs {
            Some(gs) => format!(
                "group-sequential: {} looks at information {:?}, {} spending{}, the efficacy boundaries at the planned fractions; constant hazard ratio, Schoenfeld's drift. The schoenfeld_* and freedman_* values are of a fixed design without looks",
                gs.looks.len(),
                gs.looks,
                s.analysis.spending.name(),
                if gs.futility.is_some() { ", futility bounds counted as stopping" } else { "" }
            ),
            None => "fixed design (one analysis); constant hazard ratio".to_string(),
        };
        return Some(Analytic::TimeToEvent(TteAnalytic {
            hazard_ratio: hr,
            events,
            events_source: events_source.into(),
            schoenfeld_power: an::schoenfeld_power(e.alpha, events, hr, ratio),
            freedman_power: an::freedman_power(e.alpha, events, hr, ratio),
            schoenfeld_events_80: finite(an::schoenfeld_events(e.alpha, 0.8, hr, ratio)),
            schoenfeld_events_90: finite(an::schoenfeld_events(e.alpha, 0.9, hr, ratio)),
            freedman_events_80: finite(an::freedman_events(e.alpha, 0.8, hr, ratio)),
            freedman_events_90: finite(an::freedman_events(e.alpha, 0.9, hr, ratio)),
            group_sequential_power: gs.as_ref().map(|g| finite(g.power(events, hr, ratio))),
            group_sequential_events_80: gs.as_ref().map(|g| finite(g.events(0.8, hr, ratio))),
            group_sequential_events_90: gs.as_ref().map(|g| finite(g.events(0.9, hr, ratio))),
            assumes,
        }));
    }
    an::binary_companion(s, i).map(|(method, critical_responses, power)| Analytic::Binary {
        method: method.into(),
        critical_responses,
        power,
    })
}

fn looks(s: &Scenario, summary: &Summary, planning: &crate::cut::Planning) -> Vec<Look> {
    let r = summary.replicates.max(1);
    // The trial ends at the first look that crosses a boundary, else at the last one.
    let last = summary.looks.len().saturating_sub(1);
    let mut stopped_before = 0u64;
    let mean = |x: &ExactSum| x.mean();
    summary
        .looks
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let ends_here =
                if k == last { summary.replicates - stopped_before } else { l.efficacy_stops + l.futility_stops };
            stopped_before += ends_here;
            Look {
                look: k + 1,
                information: planning.fractions[k],
                boundary_z: mean(&l.boundary),
                rejections: l.efficacy_stops,
                futility_z: mean(&l.futility),
                futility_stops: l.futility_stops,
                stop_probability: share(ends_here, r),
                events: mean(&l.events),
                cut_month: mean(&l.cut_month),
                patients: mean(&l.patients),
                target_not_reached: l.not_reached,
                month: match &s.analysis.looks {
                    Looks::Months(m) => Some(m.get(k).copied()),
                    Looks::Information(_) => None,
                },
            }
        })
        .collect()
}

/// What the design did not do as it says, in words: every output carries these.
pub fn warnings(s: &Scenario, summary: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    let r = summary.replicates;
    if let crate::scenario::Cut::Events { endpoint, events } = s.analysis.cut
        && summary.cut_not_reached > 0
    {
        out.push(format!(
            "the cut's target of {events} {} events was not reached in {} of {r} trials ({:.1}%); those trials were analysed at their last observation",
            s.endpoints[endpoint].name,
            summary.cut_not_reached,
            100.0 * summary.cut_not_reached as f64 / r.max(1) as f64
        ));
    }
    let n_looks = summary.looks.len();
    for (k, l) in summary.looks.iter().enumerate() {
        if k + 1 < n_looks && l.not_reached > 0 {
            let target = match &s.analysis.looks {
                Looks::Information(f) => format!("event target (information {})", f[k]),
                Looks::Months(m) => format!("month ({})", m[k]),
            };
            out.push(format!(
                "look {}'s {target} was not reached before the final cut in {} of {r} trials; it fell at the final cut, with no test of its own",
                k + 1,
                l.not_reached
            ));
        }
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
    pub method: String,
    pub replicates: u64,
    pub analytic: Option<SizeAnalytic>,
    pub evaluations: Vec<SizeEvaluation>,
}
