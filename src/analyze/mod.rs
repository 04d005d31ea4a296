//! The planned analysis of one virtual trial: cut the data at each look, test the primary
//! endpoint group-sequentially, analyse every endpoint at the cut where the trial stops, and
//! apply the multiplicity procedure. Writes a fixed-size record of numbers (see [`Layout`]);
//! the statistics come from `stats`, the cuts from `cut`. No I/O.

mod bayes;
mod looks;
mod multiplicity;
mod record;
mod responses;
mod tte;

pub use record::{Layout, Stop, curve_grid, field, global, inference, look, stopped};

use crate::cut::{self, TteSpec};
use crate::design::sequential::{
    Bounds, BoundsCache, Design, conditional_power_rule, cp_effect, design_bounds, information, next_stage, outlook,
    planned_conditional_power_futility, planned_look_events, spending_key,
};
use crate::scenario::*;
use crate::simulate::{Marks, Patient, Trial};
use crate::stats::cox::{self, Ties};
use crate::stats::km::{self, KmCurve};
use crate::stats::logrank::{self, OneSample, Weights};
use crate::stats::{Obs, RiskTable, binary, cif, maxcombo, normal};
use crate::stats::{spending, stopping};

/// A patient's response as a binary endpoint counts it at the cut: None if not yet due (entered
/// less than the assessment month before the cut). A patient who died before the assessment is
/// a non-responder (RECIST: death is not a response); a patient lost to follow-up before it
/// was not assessed and counts as a non-responder too (intention to treat: every patient due
/// is in the denominator). See [`Assessment`] for which of the three a patient is.
pub fn assessed_response(s: &Scenario, response: ResponseId, p: &Patient, m: &Marks, cut_month: f64) -> Option<bool> {
    assessment(s, response, p, m, cut_month).map(|a| a == Assessment::Responder)
}

/// What a patient due for the response assessment shows at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessment {
    /// Alive and followed at the assessment month, with a response.
    Responder,
    /// Alive and followed at the assessment month, without a response.
    NonResponder,
    /// Died before the assessment month: a non-response.
    Died,
    /// Lost to follow-up before the assessment month: not assessed, counted as a non-response.
    Lost,
}

/// A patient's assessment of `response` at the cut (None if not yet due). Death before the
/// assessment month comes first: a patient who died and was lost is one who died.
pub fn assessment(s: &Scenario, response: ResponseId, p: &Patient, m: &Marks, cut_month: f64) -> Option<Assessment> {
    let at = s.cohorts()[p.cohort as usize].responses[response].as_ref().map_or(0.0, |r| r.assessed_at_months);
    (p.entry + at <= cut_month).then(|| {
        if p.death_time < at && p.death_time <= p.dropout {
            Assessment::Died
        } else if p.dropout < at {
            Assessment::Lost
        } else if m.responses & (1u64 << response) != 0 {
            Assessment::Responder
        } else {
            Assessment::NonResponder
        }
    })
}

/// A scenario's analysis plan, precomputed once.
pub struct Plan<'a> {
    pub scenario: &'a Scenario,
    pub layout: Layout,
    tte: Vec<Option<TteSpec>>,
    /// The endpoint monitored at the looks (the cut's endpoint, or the first tested one).
    pub primary: Option<EndpointId>,
    /// Efficacy and futility boundaries at the planned information fractions, per endpoint.
    planned: Vec<Bounds>,
    /// The endpoint whose event months the cut or the looks need (computed with its outcomes).
    months_of: Option<EndpointId>,
    /// Per endpoint, the levels its one-sided p-value is compared with (its α, its last
    /// planned boundary's, and under a multiplicity procedure α/k … α); empty for the endpoint
    /// monitored at several looks, whose boundaries depend on the information observed.
    levels: Vec<Vec<f64>>,
    /// With interim looks and a multiplicity family: every member is tested at every look
    /// (see [`Plan::family_at_looks`]).
    family_looks: bool,
    /// The information the looks plan for.
    pub planning: cut::Planning,
    /// Per endpoint, the value its estimate estimates, where the scenario states one.
    truth: Vec<Option<f64>>,
}

impl<'a> Plan<'a> {
    pub fn new(s: &'a Scenario) -> Plan<'a> {
        let n_looks = s.analysis().looks.count();
        let mut endpoint = Vec::new();
        let planning = cut::Planning::of(s, s.monitored());
        let grid = curve_grid(planning.horizon);
        let mut at = global::COUNT + look::COUNT * n_looks;
        let mut curves = Vec::new();
        for e in s.endpoints() {
            endpoint.push(at);
            at += field::MILESTONES + 2 * milestones(e).len();
            let tte = match e.kind {
                EndpointKind::TimeToEvent { .. } => true,
                EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
            };
            curves.push(tte.then_some(at));
            if tte {
                at += 2 * grid.len();
            }
        }
        let primary = s.primary();
        let cohorts = primary.filter(|&pe| s.cohorts().len() > 1 && two_arm_tte(&s.endpoints()[pe])).map(|_| at);
        if cohorts.is_some() {
            at += s.cohorts().len();
        }
        let monitored = s.monitored();
        let inference = monitored.filter(|&pe| n_looks > 1 && infers_at_stopping(s, pe)).map(|_| at);
        if inference.is_some() {
            at += inference::COUNT + inference::LOOK_COUNT * n_looks;
        }
        let tte: Vec<Option<TteSpec>> = s.endpoints().iter().map(|e| TteSpec::new(s, &e.kind)).collect();
        let months_of = match s.analysis().cut {
            Cut::Events { endpoint, .. } => Some(endpoint),
            Cut::Month(_) | Cut::MinFollowUp(_) => monitored,
        };
        // Each endpoint's own design at the planned fractions.
        let (keep, t, _) = information(&planning.fractions, 1.0);
        let planned: Vec<Bounds> = s
            .endpoints()
            .iter()
            .enumerate()
            .map(|(i, _)| design_bounds(s, Design::own(s, i, true, monitored == Some(i)), n_looks, &keep, &t, &t))
            .collect();
        let mut planned = planned;
        if let (Some(pe), Some(f)) = (monitored, planned_conditional_power_futility(s, &planning)) {
            planned[pe].1 = f;
        }
        let levels = s
            .endpoints()
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if monitored == Some(i) {
                    return Vec::new();
                }
                let mut levels = vec![e.alpha];
                levels.extend(planned[i].0.last().map(|&b| normal::upper_tail(b)));
                if let Some(m) = s.analysis().multiplicity.as_ref().filter(|m| m.endpoints.contains(&i)) {
                    levels.extend((1..=m.endpoints.len()).map(|k| m.alpha / k as f64));
                }
                levels
            })
            .collect();
        let family_looks = monitored.is_some() && s.analysis().multiplicity.is_some();
        Plan {
            scenario: s,
            family_looks,
            months_of,
            levels,
            layout: Layout {
                stride: at,
                endpoint,
                looks: global::COUNT,
                n_looks,
                milestones: s.endpoints().iter().map(|e| milestones(e).len()).collect(),
                curves,
                horizon: planning.horizon,
                grid,
                sample_size: s.enrollment().sample_size,
                cohorts,
                n_cohorts: s.cohorts().len(),
                conditional_power: s.analysis().conditional_power.is_some() && monitored.is_some(),
                inference,
            },
            truth: (0..s.endpoints().len()).map(|i| crate::design::analytic::true_estimate(s, i)).collect(),
            tte,
            primary,
            planned,
            planning,
        }
    }
}

/// Whether endpoint `e`, monitored at looks, has inference at stopping: on the hazard-ratio
/// scale when its test's z is a log-rank (or Cox) statistic, whose information is events ×
/// r/(1 + r)²; on the rates' (difference, or a single arm's rate) when it is the z of two
/// rates or a single arm's exact binomial; no re-estimation combines stages and no
/// multiplicity family is tested at the looks.
fn infers_at_stopping(s: &Scenario, e: EndpointId) -> bool {
    let has_scale = match &s.endpoints()[e].kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::Logrank | TimeToEventTest::StratifiedLogrank | TimeToEventTest::Cox => true,
            TimeToEventTest::OneSampleLogrank { .. }
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. } => false,
        },
        EndpointKind::Binary { test, .. } => match test {
            BinaryTest::ChiSquare { .. } | BinaryTest::ExactBinomial { .. } => true,
            BinaryTest::Fisher
            | BinaryTest::SimonTwoStage { .. }
            | BinaryTest::Bayesian { .. }
            | BinaryTest::BayesianDifference { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => false,
        },
        EndpointKind::Safety { .. } => false,
    };
    // In a family tested at the looks the boundaries depend on the other members' rejections:
    // the ordering of one endpoint's outcomes is then not the design's.
    has_scale && s.analysis().reestimation.is_none() && s.analysis().multiplicity.is_none()
}

/// The last observed time of each arm (0 = control side, 1 = treatment side) among the
/// observations `tte_at` left sorted by time in `scratch`: read from the end, so it costs a
/// few observations, not all of them.
fn last_times(scratch: &Scratch) -> [f64; 2] {
    let mut last = [f64::NEG_INFINITY; 2];
    let mut found = [false; 2];
    for o in scratch.sorter.sorted().iter().rev() {
        let a = (o.arm & 1) as usize;
        if !found[a] {
            last[a] = o.time;
            found[a] = true;
            if found[0] && found[1] {
                break;
            }
        }
    }
    last
}

/// Survival (Kaplan–Meier) or cumulative incidence (Aalen–Johansen) of each arm at the grid
/// months, from the pooled table `tte_at` left in `scratch` (`stats::km`, `stats::cif`): `out`
/// holds [treatment, control] per month, NaN beyond an arm's last observed time or for an
/// absent arm.
fn curves(e: &Endpoint, grid: &[f64], competing: bool, scratch: &Scratch, last: [f64; 2], out: &mut [f64]) {
    // Table arm 1 is the treatment side, 0 the control side; slot 0 treatment, 1 control.
    let mut put = |k: usize, value: [f64; 2]| {
        for (slot, a) in [(0usize, 1usize), (1, 0)] {
            let present = slot == 0 || e.control.is_some();
            out[2 * k + slot] = if present && grid[k] <= last[a] { value[a] } else { f64::NAN };
        }
    };
    if competing {
        cif::incidence_on_grid(&scratch.table.rows, grid, &mut put)
    } else {
        km::survival_on_grid(&scratch.table.rows, grid, &mut put)
    }
}

/// A time-to-event endpoint comparing two arms (not the one-sample log-rank test).
pub fn two_arm_tte(e: &Endpoint) -> bool {
    let two_arm = match &e.kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. } => true,
            TimeToEventTest::OneSampleLogrank { .. } => false,
        },
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
    };
    two_arm && e.control.is_some()
}

fn milestones(e: &Endpoint) -> &[f64] {
    match &e.kind {
        EndpointKind::TimeToEvent { milestones, .. } => milestones,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => &[],
    }
}

/// A Bayesian rule's posterior and predictive probabilities by (endpoint, counts), and two arms' final
/// thresholds by (endpoint, sizes): pure functions of their keys.
#[derive(Default)]
pub struct BayesMemo {
    pub(super) posterior: std::collections::HashMap<[u64; 5], f64>,
    pub(super) predictive: std::collections::HashMap<[u64; 5], f64>,
    pub(super) needed: std::collections::HashMap<[u64; 3], Vec<u64>>,
}

/// Reusable per-thread buffers.
#[derive(Default)]
pub struct Scratch {
    outcomes: Vec<Vec<(f64, u8)>>,
    obs: Vec<Obs>,
    sorter: crate::stats::BucketSorter,
    table: RiskTable,
    months: Vec<f64>,
    /// When each patient's first event is seen (with a visit schedule).
    visits: Vec<f64>,
    exact: Vec<(f64, u8)>,
    order: Vec<usize>,
    /// Boundaries from the information observed at the looks.
    bounds: BoundsCache,
    /// Events of each family member at each look.
    family_events: Vec<Vec<u32>>,
    /// Conditional-power futility bounds by (events up to the look, threshold's bits, under the
    /// estimate or the rule's hazard ratio).
    cp_bounds: std::collections::HashMap<(Vec<u32>, u64, bool), f64>,
    /// Harm bounds by the events at the looks.
    harm: std::collections::HashMap<Vec<u32>, Vec<f64>>,
    /// A single arm's exact binomial boundaries (z scale) by the patients assessed at the looks.
    exact_bounds: std::collections::HashMap<Vec<u32>, Vec<f64>>,
    /// A single arm's exact inference at stopping by (patients, responders to reject, floors
    /// at the looks, responders at the stop).
    exact_inference: std::collections::HashMap<Vec<u32>, crate::stats::stopping::Inference>,
    /// A monitored response's counts at each look of the trial (`monitor`'s, for its inference
    /// at stopping).
    look_counts: Vec<crate::stats::binary::TwoByTwo>,
    /// A single arm's responder counts at a bound on the exact z scale, by (patients, bound's
    /// bits).
    exact_counts: std::collections::HashMap<(u32, u64), u32>,
    /// A single arm's exact boundaries in a family at the looks by (endpoint, patients at the
    /// looks, level's bits).
    exact_level: std::collections::HashMap<(usize, Vec<u32>, u64), Vec<f64>>,
    /// A single arm's repeated intervals by (responders, patients, boundary's bits).
    exact_repeated: std::collections::HashMap<(u32, u32, u64), Option<(f64, f64)>>,
    /// Exact binomial results by (successes, trials, null rate's bits, or none for the 95%
    /// Clopper–Pearson interval): pure functions of their arguments, which repeat from trial to
    /// trial, each costing a bisection over the incomplete beta function.
    binomial: std::collections::HashMap<(u64, u64, Option<u64>), (f64, f64)>,
    /// The trial as enrolled up to Simon's stage 1, when it stops there.
    stage1: Trial,
    /// A Bayesian rule's posterior and predictive probabilities.
    bayes: BayesMemo,
}

impl Scratch {
    /// Memoised: cleared when it reaches 2^16 entries, so memory stays bounded.
    fn binomial(&mut self, x: u64, n: u64, null_rate: Option<f64>, f: impl FnOnce() -> (f64, f64)) -> (f64, f64) {
        if self.binomial.len() >= 1 << 16 {
            self.binomial.clear();
        }
        *self.binomial.entry((x, n, null_rate.map(f64::to_bits))).or_insert_with(f)
    }

    /// The 95% Clopper–Pearson interval of x successes in n trials.
    fn clopper_pearson(&mut self, x: u64, n: u64) -> (f64, f64) {
        self.binomial(x, n, None, || binary::clopper_pearson(x, n, 0.95))
    }
}

/// How the monitoring of a trial ended: the look where it stopped, whether for futility or
/// harm, and the family's rejections when a family is tested at the looks.
struct Monitoring {
    stop: usize,
    futility: bool,
    harmed: bool,
    family_rejected: Option<[bool; 8]>,
}

/// Where a trial stopped, for the analysis of its endpoints there.
#[derive(Clone, Copy)]
struct Stopped {
    cut_month: f64,
    stop: usize,
    futility: bool,
    monitored: Option<EndpointId>,
    family_rejected: Option<[bool; 8]>,
}

/// The result of one time-to-event analysis at a cut.
struct TteResult {
    z: f64,
    p: f64,
    estimate: f64,
    /// The estimate's 95% interval (NaN where there is none).
    ci: (f64, f64),
    events: u32,
}

impl Plan<'_> {
    /// Analyses one trial, writing `record` (length `layout.stride`).
    pub fn analyze(&self, trial: &Trial, scratch: &mut Scratch, record: &mut [f64]) {
        // Simon's two-stage design as the primary endpoint: a trial that stops after stage 1
        // enrols no one after its stage-1 patients and ends at stage 1's analysis; every
        // endpoint is analysed on those patients at that month.
        match self.own_stop(trial, scratch) {
            Some(stop) => {
                let mut stage1 = std::mem::take(&mut scratch.stage1);
                trial.entered_by(stop.last_entry, &mut stage1);
                self.analyze_trial(&stage1, Some(stop.analysis_month), scratch, record);
                scratch.stage1 = stage1;
            }
            None => self.analyze_trial(trial, None, scratch, record),
        }
    }

    /// Analyses one trial, at `analysis_month` when its design ended it there (Simon's stage 1).
    fn analyze_trial(&self, trial: &Trial, analysis_month: Option<f64>, scratch: &mut Scratch, record: &mut [f64]) {
        let s = self.scenario;
        let patients = &trial.patients[..];
        record.fill(f64::NAN);
        scratch.outcomes.resize_with(s.endpoints().len(), Vec::new);
        // With a visit schedule, when each first event is seen: the same for every endpoint.
        if s.assessments().is_some() {
            cut::first_visits(patients, s.assessments(), &mut scratch.visits);
        }
        self.outcomes(patients, scratch);
        let (looks, reached, cut_reached) = match &s.analysis().reestimation {
            Some(re) => self.reestimated(re, patients, scratch, record),
            None => self.look_months(patients, scratch),
        };
        let n_looks = looks.len();
        record[global::CUT_REACHED] = cut_reached as u8 as f64;
        for (k, &r) in reached.iter().enumerate() {
            record[self.layout.looks + look::COUNT * k + look::REACHED] = r as u8 as f64;
        }
        // Group-sequential monitoring of the primary endpoint.
        let monitored = s.monitored().filter(|_| n_looks > 1);
        let Monitoring { stop, futility, harmed, family_rejected } =
            self.monitor(monitored, &looks, trial, scratch, record);
        if let Some(pe) = monitored {
            self.conditional_powers(pe, stop, scratch, record);
            if s.monitored_responses().is_some() {
                self.rates_inference(pe, stop, futility, scratch, record);
            } else {
                self.inference_at_stopping(pe, stop, futility || harmed, record);
            }
        }
        let cut_month = analysis_month.unwrap_or(looks[stop]);
        if monitored.is_none() {
            record[self.layout.looks + look::CUT_MONTH] = cut_month;
        }
        record[global::CUT_MONTH] = cut_month;
        record[global::STOP_LOOK] = (stop + 1) as f64;
        record[global::FUTILITY] = if harmed { 2.0 } else { futility as u8 as f64 };
        record[global::PATIENTS] = patients.iter().filter(|p| p.entry <= cut_month).count() as f64;
        // Every endpoint at the analysis cut.
        for (i, e) in s.endpoints().iter().enumerate() {
            let base = self.layout.endpoint[i];
            match &e.kind {
                EndpointKind::TimeToEvent { milestones, competing, .. } => {
                    let at = Stopped { cut_month, stop, futility, monitored, family_rejected };
                    self.tte_endpoint(i, milestones, !competing.is_empty(), patients, at, scratch, record);
                }
                EndpointKind::Binary { response, test, null_difference } => {
                    self.binary_at(
                        i,
                        *response,
                        test,
                        *null_difference,
                        trial,
                        cut_month,
                        scratch,
                        &mut record[base..],
                    );
                    // (a single arm's rate, an adjusted difference with its Wald interval)
                    let (one_arm, adjusted) = match test {
                        BinaryTest::ExactBinomial { .. }
                        | BinaryTest::SimonTwoStage { .. }
                        | BinaryTest::Bayesian { .. } => (true, false),
                        BinaryTest::GComputation { .. } | BinaryTest::Weighted { .. } => (false, true),
                        BinaryTest::Fisher | BinaryTest::ChiSquare { .. } | BinaryTest::BayesianDifference { .. } => {
                            (false, false)
                        }
                    };
                    if Some(i) == monitored {
                        // Monitored at looks: the boundary at the look where the trial stopped.
                        let b = self.layout.looks + look::COUNT * stop;
                        let crossed = record[base + field::Z] >= record[b + look::BOUNDARY];
                        record[base + field::REJECTED] = (!futility && crossed) as u8 as f64;
                    }
                    if one_arm {
                        // The estimate is the treatment arm's rate: its exact interval.
                        let ci = (record[base + field::CP_LOWER], record[base + field::CP_UPPER]);
                        self.interval(i, ci, &mut record[base..]);
                    } else if adjusted {
                        let ci = (record[base + field::CI_LOWER], record[base + field::CI_UPPER]);
                        self.interval(i, ci, &mut record[base..]);
                    } else if Some(i) == monitored && self.layout.inference.is_some() {
                        // Two arms monitored at looks: the naive interval beside the inference
                        // at stopping, the fixed-sample score interval at the stopping look.
                        let t = scratch.look_counts[stop];
                        let q = normal::quantile(0.975);
                        let ci = crate::stats::stopping_rates::two_arm_repeated(t, q).unwrap_or((f64::NAN, f64::NAN));
                        self.interval(i, ci, &mut record[base..]);
                    }
                }
                EndpointKind::Safety { adverse_event } => {
                    self.safety_at(e, *adverse_event, trial, cut_month, scratch, &mut record[base..]);
                }
            }
        }
        match family_rejected {
            Some(rejected) => {
                let m = s.analysis().multiplicity.as_ref().expect("a family");
                for b in &self.layout.endpoint {
                    record[b + field::ADJUSTED] = record[b + field::REJECTED];
                }
                for (j, &i) in m.endpoints.iter().enumerate() {
                    record[self.layout.endpoint[i] + field::ADJUSTED] = rejected[j] as u8 as f64;
                }
            }
            None => self.multiplicity(record),
        }
    }

    /// Each time-to-event endpoint's outcome for every patient (and the months of the endpoint
    /// the cut or the looks need).
    fn outcomes(&self, patients: &[Patient], scratch: &mut Scratch) {
        let s = self.scenario;
        for (i, spec) in self.tte.iter().enumerate() {
            let out = &mut scratch.outcomes[i];
            match spec {
                Some(spec) => {
                    let months = (Some(i) == self.months_of).then_some(&mut scratch.months);
                    match &s.assessments() {
                        Some(schedule) => {
                            cut::outcomes_seen_at(spec, patients, Some(schedule), &scratch.visits, out, months)
                        }
                        None => cut::outcomes(spec, patients, None, out, months),
                    }
                }
                None => out.clear(),
            }
        }
    }

    /// The group-sequential monitoring of the primary endpoint (or of the family at the looks,
    /// or the combination test under re-estimation): the look where the trial stops, and why.
    fn monitor(
        &self,
        monitored: Option<EndpointId>,
        looks: &[f64],
        trial: &Trial,
        scratch: &mut Scratch,
        record: &mut [f64],
    ) -> Monitoring {
        let s = self.scenario;
        let patients = &trial.patients[..];
        let n_looks = looks.len();
        let mut stop = n_looks - 1;
        let (mut futility, mut harmed) = (false, false);
        let mut family_rejected: Option<[bool; 8]> = None;
        if self.family_looks {
            let pe = monitored.expect("a family at looks has a monitored endpoint");
            let (st, fu, rejected) = self.family_at_looks(pe, trial, looks, scratch, record);
            (stop, futility, family_rejected) = (st, fu, Some(rejected));
        } else if monitored.is_some() && s.analysis().reestimation.is_some() {
            // `reestimated` wrote the looks: the combination statistic against the planned
            // boundaries.
            let at = |k: usize, f: usize| record[self.layout.looks + look::COUNT * k + f];
            for k in 0..n_looks {
                if at(k, look::Z) >= at(k, look::BOUNDARY) {
                    stop = k;
                    break;
                }
                if k + 1 < n_looks && at(k, look::Z) < at(k, look::FUTILITY) {
                    (stop, futility) = (k, true);
                    break;
                }
            }
        } else if let Some(pe) = monitored {
            let mut z = [0.0f64; 16];
            let mut events = [0u32; 16];
            for (k, &month) in looks.iter().enumerate() {
                (z[k], events[k]) = match s.monitored_responses() {
                    // Responses: the z of the two rates and the patients assessed by then.
                    Some(_) => {
                        let t = self.counts_at(pe, trial, month);
                        scratch.look_counts.truncate(k);
                        scratch.look_counts.push(t);
                        self.rates_z(pe, t)
                    }
                    None => {
                        let r = self.tte_at(pe, patients, month, scratch, false);
                        (r.z, r.events)
                    }
                };
            }
            let single_arm = s.monitored_responses().is_some_and(|(_, _, control)| control.is_none());
            let (bounds, futility_bounds) = if single_arm {
                self.exact_bounds(pe, &events[..n_looks], scratch)
            } else {
                self.boundaries(pe, &events[..n_looks], scratch)
            };
            let harm_bounds = self.harm_bounds(pe, &events[..n_looks], scratch);
            for k in 0..n_looks {
                let base = self.layout.looks + look::COUNT * k;
                record[base + look::CUT_MONTH] = looks[k];
                record[base + look::Z] = z[k];
                record[base + look::BOUNDARY] = bounds[k];
                record[base + look::FUTILITY] = futility_bounds[k];
                record[base + look::EVENTS] = events[k] as f64;
                record[base + look::PATIENTS] = patients.iter().filter(|p| p.entry <= looks[k]).count() as f64;
                if let Some(h) = &harm_bounds {
                    record[base + look::HARM] = h[k];
                }
            }
            stop = n_looks - 1;
            for k in 0..n_looks {
                if z[k] >= bounds[k] {
                    stop = k;
                    break;
                }
                if harm_bounds.as_ref().is_some_and(|h| z[k] <= h[k]) {
                    (stop, harmed) = (k, true);
                    break;
                }
                if k + 1 < n_looks && z[k] < futility_bounds[k] {
                    stop = k;
                    futility = true;
                    break;
                }
            }
        }
        Monitoring { stop, futility, harmed, family_rejected }
    }

    /// Time-to-event endpoint `i` at the analysis cut: its test (at the stopping look's
    /// boundary where it is monitored, at its own level in a family tested at the looks),
    /// estimate and interval, milestones, curve, per-cohort estimates and the estimate had
    /// events been seen when they happened.
    #[allow(clippy::too_many_arguments)]
    fn tte_endpoint(
        &self,
        i: usize,
        milestones: &[f64],
        competing: bool,
        patients: &[Patient],
        at: Stopped,
        scratch: &mut Scratch,
        record: &mut [f64],
    ) {
        let s = self.scenario;
        let e = &s.endpoints()[i];
        let Stopped { cut_month, stop, futility, monitored, family_rejected } = at;
        let n_looks = self.layout.n_looks;
        let base = self.layout.endpoint[i];
        let r = self.tte_at(i, patients, cut_month, scratch, true);
        record[base + field::Z] = r.z;
        record[base + field::P] = r.p;
        record[base + field::ESTIMATE] = r.estimate;
        record[base + field::EVENTS] = r.events as f64;
        let member = s.analysis().multiplicity.as_ref().and_then(|m| m.endpoints.iter().position(|&x| x == i));
        let rejected = if let (Some(_), Some(j)) = (family_rejected, member) {
            // Unadjusted: the endpoint's own group-sequential test at its own α,
            // at the look where the trial stopped.
            let m = s.analysis().multiplicity.as_ref().expect("a family");
            let d = Design { spending: m.spending[j], alpha: e.alpha, futility: false, resolution: 16, harm: false };
            let b = self.observed_bounds(i, d, &scratch.family_events[j], &mut scratch.bounds);
            r.z >= b.0[stop]
        } else if Some(i) == monitored && s.analysis().reestimation.is_some() {
            // The combination test decides, not the log-rank z at the cut.
            let b = self.layout.looks + look::COUNT * stop;
            !futility && record[b + look::Z] >= record[b + look::BOUNDARY]
        } else if Some(i) == monitored {
            let b = self.layout.looks + look::COUNT * stop + look::BOUNDARY;
            !futility && r.z >= record[b]
        } else {
            r.z >= self.planned[i].0[n_looks - 1]
        };
        if Some(i) == self.primary && monitored.is_none() {
            let lb = self.layout.looks;
            record[lb + look::Z] = r.z;
            record[lb + look::BOUNDARY] = self.planned[i].0[0];
            record[lb + look::EVENTS] = r.events as f64;
            record[lb + look::PATIENTS] = record[global::PATIENTS];
        }
        record[base + field::REJECTED] = rejected as u8 as f64;
        self.interval(i, r.ci, &mut record[base..]);
        // Milestones and curves from the table left by tte_at (pooled over strata).
        let last = last_times(scratch);
        let out = &mut record[base + field::MILESTONES..];
        self.milestones(e, milestones, competing, scratch, last, out);
        let c = self.layout.curves[i].expect("a time-to-event endpoint has a curve");
        curves(e, &self.layout.grid, competing, scratch, last, &mut record[c..c + 2 * self.layout.grid.len()]);
        if let Some(at) = self.layout.cohorts.filter(|_| Some(i) == self.primary) {
            self.cohort_estimates(i, patients, cut_month, scratch, &mut record[at..at + s.cohorts().len()]);
        }
        if s.assessments().is_some() {
            let spec = self.tte[i].as_ref().expect("time-to-event endpoint");
            scratch.exact.clear();
            scratch.exact.extend(patients.iter().map(|p| spec.outcome(p, None)));
            std::mem::swap(&mut scratch.exact, &mut scratch.outcomes[i]);
            record[base + field::EXACT_ESTIMATE] = self.tte_at(i, patients, cut_month, scratch, true).estimate;
            std::mem::swap(&mut scratch.exact, &mut scratch.outcomes[i]);
        }
    }

    /// Safety endpoint `e` at the cut: the treatment arm's patients with the adverse event, its
    /// rate with the Clopper–Pearson interval, and whether any had grade 3 or more.
    fn safety_at(
        &self,
        e: &Endpoint,
        adverse_event: usize,
        trial: &Trial,
        cut_month: f64,
        scratch: &mut Scratch,
        record: &mut [f64],
    ) {
        let patients = &trial.patients[..];
        let bit = 1u64 << adverse_event;
        let (mut n, mut x, mut g3) = (0u32, 0u32, 0u32);
        let treated = patients.iter().enumerate();
        for (j, _) in treated.filter(|(_, p)| p.entry <= cut_month && p.arm as usize == e.treatment) {
            let m = trial.marks(j);
            n += 1;
            x += (m.adverse & bit != 0) as u32;
            g3 += (m.adverse_g3 & bit != 0) as u32;
        }
        record[field::ESTIMATE] = if n > 0 { x as f64 / n as f64 } else { f64::NAN };
        record[field::EVENTS] = x as f64;
        record[field::EXTRA] = (g3 > 0) as u8 as f64;
        record[field::REJECTED] = 0.0;
        if n > 0 {
            let (lo, hi) = scratch.clopper_pearson(x as u64, n as u64);
            record[field::CP_LOWER] = lo;
            record[field::CP_UPPER] = hi;
        }
    }
}
