//! The planned analysis of one virtual trial: cut the data at each look, test the primary
//! endpoint group-sequentially, analyse every endpoint at the cut where the trial stops, and
//! apply the multiplicity procedure. Writes a fixed-size record of numbers (see [`Layout`]);
//! the statistics come from `stats`, the cuts from `cut`. No I/O.

use crate::cut::{self, TteSpec};
use crate::design::spending;
use crate::scenario::*;
use crate::simulate::{Marks, Patient, Trial};
use crate::stats::cox::{self, Ties};
use crate::stats::km::KmCurve;
use crate::stats::logrank::{self, OneSample, Weights};
use crate::stats::{Obs, RiskTable, binary, cif, maxcombo, normal};

/// Where each number of a replicate's record sits.
#[derive(Debug, Clone)]
pub struct Layout {
    pub stride: usize,
    /// Start of each endpoint's fields.
    pub endpoint: Vec<usize>,
    /// Start of the per-look fields (cut month, primary z, boundary, events) × looks.
    pub looks: usize,
    pub n_looks: usize,
    /// Milestones per endpoint.
    pub milestones: Vec<usize>,
    /// Time-to-event endpoints: start of the curve's fields, grid month × [treatment,
    /// control] (survival, or cumulative incidence with competing events; NaN beyond an arm's
    /// follow-up or for an absent arm).
    pub curves: Vec<Option<usize>>,
    /// The months of the curves: from 0 to the design's expected final analysis month
    /// ([`cut::Planning::horizon`]) in a round step, at most 25 points.
    pub grid: Vec<f64>,
    pub horizon: f64,
    pub sample_size: u32,
    /// With several cohorts and a two-arm time-to-event primary endpoint: the start of its
    /// per-cohort hazard ratios (the Cox estimate within each cohort at the analysis; NaN
    /// where not estimable), one per cohort.
    pub cohorts: Option<usize>,
    pub n_cohorts: usize,
    /// The looks carry the monitored endpoint's conditional power (`report_conditional_power`).
    pub conditional_power: bool,
}

/// Months 0, step, 2·step, … ≤ `horizon`, with the smallest round step that gives at most
/// 25 points.
pub fn curve_grid(horizon: f64) -> Vec<f64> {
    let h = if horizon.is_finite() && horizon > 0.0 { horizon } else { 1.0 };
    let step = [0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 36.0, 60.0, 120.0, 240.0, 600.0]
        .into_iter()
        .find(|&st| h / st <= 24.0)
        .unwrap_or(h / 24.0);
    (0..=(h / step + 1e-9).floor() as usize).map(|k| k as f64 * step).collect()
}

/// Field offsets within an endpoint's block.
pub mod field {
    /// 1 when the planned test rejects (at any look, for the primary), before multiplicity.
    pub const REJECTED: usize = 0;
    /// 1 when rejected after the multiplicity procedure.
    pub const ADJUSTED: usize = 1;
    /// The test statistic (positive = treatment better) at the analysis cut.
    pub const Z: usize = 2;
    /// The endpoint's estimate (NaN when not estimable).
    pub const ESTIMATE: usize = 3;
    /// Events (time to event), responders (binary) or patients with the event (safety), in
    /// the treatment arm for binary and safety endpoints.
    pub const EVENTS: usize = 4;
    /// One-sided p-value of the planned test (NaN where it has none).
    pub const P: usize = 5;
    /// Safety: 1 when at least one grade ≥ 3 event occurred in the treatment arm.
    pub const EXTRA: usize = 6;
    /// With an assessment schedule: the estimate had recurrences been seen when they happened
    /// (same patients, same cut), to show how much scheduled imaging shifts it.
    pub const EXACT_ESTIMATE: usize = 7;
    /// Binary and safety endpoints: the Clopper–Pearson 95% interval of the treatment arm's
    /// rate.
    pub const CP_LOWER: usize = 8;
    pub const CP_UPPER: usize = 9;
    /// The 95% interval of the estimate (the Cox model's Wald interval of a hazard ratio, the
    /// Clopper–Pearson interval of a rate; NaN where there is none).
    pub const CI_LOWER: usize = 10;
    pub const CI_UPPER: usize = 11;
    /// 1 when that interval holds the scenario's true value, 0 when not, NaN without either.
    pub const COVERS: usize = 12;
    /// Simon's two-stage design: 1 when the trial stops after stage 1 (at most r1 responses),
    /// and the patients it uses (n1 then, else every patient of the arm).
    pub const STAGE1_STOP: usize = 13;
    pub const PATIENTS_USED: usize = 14;
    /// Milestones × [treatment, control]: survival, or cumulative incidence with competing
    /// events (NaN beyond follow-up or for an absent arm).
    pub const MILESTONES: usize = 15;
}

/// Global fields.
pub mod global {
    /// Calendar month of the analysis (the look where the trial stops).
    pub const CUT_MONTH: usize = 0;
    /// 1-based look at which the trial stopped.
    pub const STOP_LOOK: usize = 1;
    /// Patients enrolled by the analysis cut.
    pub const PATIENTS: usize = 2;
    /// 1 when the primary endpoint stopped for futility, 2 when for harm (its z at or below
    /// the harm bound; at the final look, concluded harm).
    pub const FUTILITY: usize = 3;
    /// 0 when the final cut's event target was not reached (the analysis then falls at the
    /// last observation of the trial), 1 otherwise.
    pub const CUT_REACHED: usize = 4;
    pub const COUNT: usize = 5;
}

/// Per-look fields (after `Layout::looks`).
pub mod look {
    pub const CUT_MONTH: usize = 0;
    pub const Z: usize = 1;
    pub const BOUNDARY: usize = 2;
    pub const EVENTS: usize = 3;
    /// Patients enrolled by the look.
    pub const PATIENTS: usize = 4;
    /// The non-binding futility boundary (−∞ where there is none).
    pub const FUTILITY: usize = 5;
    /// 0 when the look's event target was not reached (the look then falls at the final cut),
    /// 1 otherwise.
    pub const REACHED: usize = 6;
    /// With `report_conditional_power`: the monitored endpoint's conditional power at this
    /// interim (NaN at the final look and at looks after the trial stopped) under the trial's
    /// estimate, the scenario's hazard ratio (where it states one) and the user's hazard ratio.
    pub const CP_ESTIMATE: usize = 7;
    pub const CP_ASSUMED: usize = 8;
    pub const CP_USER: usize = 9;
    /// With `analysis.harm`: the harm bound on the z scale (the trial stops when z is at or
    /// below it; −∞ where there is none).
    pub const HARM: usize = 10;
    /// With `report_conditional_power`: the predictive probability of success at this interim
    /// (the conditional power averaged over the drift's posterior, flat prior).
    pub const CP_PREDICTIVE: usize = 11;
    pub const COUNT: usize = 12;
}

/// Efficacy and futility boundaries by look.
type Bounds = (Vec<f64>, Vec<f64>);

/// A patient's response as a binary endpoint counts it at the cut: None if not yet assessed
/// (entered less than the assessment month before the cut); a patient lost before the
/// assessment counts as a non-responder (intention to treat).
pub fn assessed_response(s: &Scenario, response: ResponseId, p: &Patient, m: &Marks, cut_month: f64) -> Option<bool> {
    let at = s.cohorts[p.cohort as usize].responses[response].as_ref().map_or(0.0, |r| r.assessed_at_months);
    (p.entry + at <= cut_month).then_some(m.responses & (1u64 << response) != 0 && p.dropout >= at)
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

/// The endpoint whose test is the primary one: the cut's endpoint, or the first endpoint with a
/// test.
pub fn primary(s: &Scenario) -> Option<EndpointId> {
    match s.analysis.cut {
        Cut::Events { endpoint, .. } => Some(endpoint),
        Cut::Month(_) | Cut::MinFollowUp(_) => s.endpoints.iter().position(|e| match e.kind {
            EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
            EndpointKind::Safety { .. } => false,
        }),
    }
}

/// The endpoint monitored at interim looks (the primary one, when there are looks and it is
/// time to event; validation refuses looks otherwise).
pub fn monitored(s: &Scenario) -> Option<EndpointId> {
    primary(s).filter(|&pe| s.analysis.looks.count() > 1 && TteSpec::new(s, &s.endpoints[pe].kind).is_some())
}

/// One group-sequential test: its spending function, level, whether it has the scenario's
/// futility rule, and the grid resolution of its boundaries.
#[derive(Debug, Clone, Copy)]
struct Design {
    spending: Spending,
    alpha: f64,
    futility: bool,
    resolution: usize,
    /// The monitored endpoint's own design under `analysis.harm`: its efficacy boundaries are
    /// computed with the harm bound.
    harm: bool,
}

impl Design {
    /// Endpoint `e`'s own design: the scenario's spending, the endpoint's α, the full grid.
    fn own(s: &Scenario, e: usize, futility: bool, harm: bool) -> Design {
        Design { spending: s.analysis.spending, alpha: s.endpoints[e].alpha, futility, resolution: spending::R, harm }
    }
}

/// Looks at which the information grows over every later look's (those without new
/// information get no test), the information fractions there (over the last look's, which
/// give the correlation), and the fractions at which each spends alpha: its information over
/// the planned information, the look with the final information all that is left.
fn information(info: &[f64], planned: f64) -> (Vec<usize>, Vec<f64>, Vec<f64>) {
    let last = info.last().copied().unwrap_or(0.0);
    let mut keep = Vec::new();
    let mut next = f64::INFINITY;
    for (k, &d) in info.iter().enumerate().rev() {
        if d > 0.0 && d < next {
            keep.push(k);
            next = d;
        }
    }
    keep.reverse();
    let t = keep.iter().map(|&k| info[k] / last).collect();
    let spend = keep.iter().map(|&k| if info[k] >= last { 1.0 } else { (info[k] / planned).min(1.0) }).collect();
    (keep, t, spend)
}

/// Efficacy and (non-binding) futility boundaries of `design` at the kept looks `keep` of `n`,
/// with information fractions `t` and spending fractions `spend`; ±∞ at the other looks, and
/// no futility bound at the last kept one (where only efficacy is tested).
fn design_bounds(s: &Scenario, d: Design, n: usize, keep: &[usize], t: &[f64], spend: &[f64]) -> Bounds {
    let mut b = (vec![f64::INFINITY; n], vec![f64::NEG_INFINITY; n]);
    if keep.is_empty() {
        return b;
    }
    let last = keep.len() - 1;
    let binding = d.futility && last > 0 && s.analysis.binding_futility;
    let (efficacy, futility) = match s.analysis.futility {
        _ if !d.futility || last == 0 => (None, vec![f64::NEG_INFINITY; keep.len()]),
        None => (None, vec![f64::NEG_INFINITY; keep.len()]),
        Some(Futility::Z(z)) => (None, vec![z; keep.len()]),
        Some(Futility::BetaSpending { spending: bs, beta }) => {
            let b = spending::beta_spending_design(d.spending, d.alpha, bs, beta, t, spend, binding);
            (binding.then_some(b.efficacy), b.futility)
        }
        // Filled look by look from what the trial knows there (`Plan::boundaries`).
        Some(Futility::ConditionalPower { .. }) => (None, vec![f64::NEG_INFINITY; keep.len()]),
    };
    let efficacy = match (efficacy, s.analysis.harm) {
        // The harm bound stops trials too: the efficacy boundaries are computed with it.
        (None, Some(h)) if d.futility && d.harm => {
            Some(spending::boundaries_with_harm(d.spending, d.alpha, h.spending, h.alpha, t, spend, d.resolution).0)
        }
        (e, _) => e,
    };
    let efficacy = match efficacy {
        Some(e) => e,
        // A binding z rule: the null's continuation region starts at the bound.
        None if binding => {
            spending::boundaries_with_floor(d.spending, d.alpha, t, spend, Some(&futility), d.resolution)
        }
        None => spending::boundaries_spending_at(d.spending, d.alpha, t, spend, d.resolution),
    };
    for (j, &k) in keep.iter().enumerate() {
        b.0[k] = efficacy[j];
        b.1[k] = if j < last { futility[j] } else { f64::NEG_INFINITY };
    }
    b
}

/// Information of a log-rank statistic per event of endpoint `e`: r/(1 + r)² for the
/// allocation ratio r of its two arms (1/4 at 1:1; Schoenfeld).
fn information_per_event(s: &Scenario, e: usize) -> f64 {
    let ep = &s.endpoints[e];
    let a1 = s.arms[ep.treatment].allocation as f64;
    let a0 = ep.control.map_or(a1, |c| s.arms[c].allocation as f64);
    a1 * a0 / ((a1 + a0) * (a1 + a0))
}

/// The effect a conditional power is computed under: the trial's estimate, or a hazard ratio
/// (its drift measured from the endpoint's null hazard ratio: −ln(HR/θ0)).
fn cp_effect(s: &Scenario, e: usize, hazard_ratio: Option<f64>) -> spending::Effect {
    match hazard_ratio {
        None => spending::Effect::Estimate,
        Some(h) => spending::Effect::Drift(-(h / null_hazard_ratio(&s.endpoints[e])).ln()),
    }
}

/// The threshold and hazard ratio of a conditional-power futility rule; None under another
/// rule or none.
fn conditional_power_rule(futility: Option<Futility>) -> Option<(f64, Option<f64>)> {
    match futility {
        Some(Futility::ConditionalPower { below, hazard_ratio }) => Some((below, hazard_ratio)),
        Some(Futility::Z(_) | Futility::BetaSpending { .. }) | None => None,
    }
}

/// The hazard ratio of an endpoint's null hypothesis (1 but for a non-inferiority margin).
pub fn null_hazard_ratio(e: &Endpoint) -> f64 {
    match e.kind {
        EndpointKind::TimeToEvent { null_hazard_ratio, .. } => null_hazard_ratio,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => 1.0,
    }
}

/// The events at which each look is planned: ⌈f_k × planned⌉ of the monitored endpoint.
fn planned_look_events(planning: &cut::Planning, e: usize, n: usize) -> Vec<u32> {
    (0..n).map(|k| (planning.fractions[k] * planning.events[e] - 1e-9).ceil().max(1.0) as u32).collect()
}

/// What a trial expects at look k = `observed.len() − 1`: the events observed up to it, then the
/// planned events of each later look (at least one more than the look before, so every later
/// look has a test), and the information (events × [`information_per_event`]) of each.
fn outlook(s: &Scenario, planning: &cut::Planning, e: usize, observed: &[u32], n: usize) -> (Vec<u32>, Vec<f64>) {
    let planned = planned_look_events(planning, e, n);
    let mut v = observed.to_vec();
    for &p in &planned[observed.len()..] {
        let last = *v.last().expect("observed up to the look");
        v.push(p.max(last + 1));
    }
    let per = information_per_event(s, e);
    let info = v.iter().map(|&x| x as f64 * per).collect();
    (v, info)
}

/// A conditional-power futility rule's z bounds at the planned looks of the monitored endpoint
/// (its own design, each look at its planned events; −∞ at the final look): what the reports
/// show as the planned futility bounds, and what the analytic companion counts. None without
/// such a rule.
pub fn planned_conditional_power_futility(s: &Scenario, planning: &cut::Planning) -> Option<Vec<f64>> {
    let Some((below, hazard_ratio)) = conditional_power_rule(s.analysis.futility) else { return None };
    let pe = monitored(s)?;
    let n = s.analysis.looks.count();
    let d = Design::own(s, pe, false, false);
    let planned_events = planned_look_events(planning, pe, n);
    let mut out = vec![f64::NEG_INFINITY; n];
    for (k, bound) in out.iter_mut().enumerate().take(n - 1) {
        let (v, info) = outlook(s, planning, pe, &planned_events[..=k], n);
        let (keep, t, spend) = information(&v.iter().map(|&x| x as f64).collect::<Vec<_>>(), planning.events[pe]);
        let eff = design_bounds(s, d, n, &keep, &t, &spend).0;
        if eff[k].is_finite() {
            *bound = spending::conditional_power_bound(below, k, &eff, &info, cp_effect(s, pe, hazard_ratio));
        }
    }
    Some(out)
}

impl<'a> Plan<'a> {
    pub fn new(s: &'a Scenario) -> Plan<'a> {
        let n_looks = s.analysis.looks.count();
        let mut endpoint = Vec::new();
        let planning = cut::Planning::of(s, monitored(s));
        let grid = curve_grid(planning.horizon);
        let mut at = global::COUNT + look::COUNT * n_looks;
        let mut curves = Vec::new();
        for e in &s.endpoints {
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
        let primary = primary(s);
        let cohorts = primary.filter(|&pe| s.cohorts.len() > 1 && two_arm_tte(&s.endpoints[pe])).map(|_| at);
        if cohorts.is_some() {
            at += s.cohorts.len();
        }
        let monitored = monitored(s);
        let tte: Vec<Option<TteSpec>> = s.endpoints.iter().map(|e| TteSpec::new(s, &e.kind)).collect();
        let months_of = match s.analysis.cut {
            Cut::Events { endpoint, .. } => Some(endpoint),
            Cut::Month(_) | Cut::MinFollowUp(_) => monitored,
        };
        // Each endpoint's own design at the planned fractions.
        let (keep, t, _) = information(&planning.fractions, 1.0);
        let planned: Vec<Bounds> = s
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, _)| design_bounds(s, Design::own(s, i, true, monitored == Some(i)), n_looks, &keep, &t, &t))
            .collect();
        let mut planned = planned;
        if let (Some(pe), Some(f)) = (monitored, planned_conditional_power_futility(s, &planning)) {
            planned[pe].1 = f;
        }
        let levels = s
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, e)| {
                if monitored == Some(i) {
                    return Vec::new();
                }
                let mut levels = vec![e.alpha];
                levels.extend(planned[i].0.last().map(|&b| normal::upper_tail(b)));
                if let Some(m) = s.analysis.multiplicity.as_ref().filter(|m| m.endpoints.contains(&i)) {
                    levels.extend((1..=m.endpoints.len()).map(|k| m.alpha / k as f64));
                }
                levels
            })
            .collect();
        let family_looks = monitored.is_some() && s.analysis.multiplicity.is_some();
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
                milestones: s.endpoints.iter().map(|e| milestones(e).len()).collect(),
                curves,
                horizon: planning.horizon,
                grid,
                sample_size: s.enrollment.sample_size,
                cohorts,
                n_cohorts: s.cohorts.len(),
                conditional_power: s.analysis.conditional_power.is_some() && monitored.is_some(),
            },
            truth: (0..s.endpoints.len()).map(|i| crate::design::analytic::true_estimate(s, i)).collect(),
            tte,
            primary,
            planned,
            planning,
        }
    }
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
/// months, in one pass over the pooled table `tte_at` left in `scratch`: `out` holds
/// [treatment, control] per month, NaN beyond an arm's last observed time or for an absent arm.
fn curves(e: &Endpoint, grid: &[f64], competing: bool, scratch: &Scratch, last: [f64; 2], out: &mut [f64]) {
    if competing {
        curves_of::<true>(e, grid, scratch, last, out)
    } else {
        curves_of::<false>(e, grid, scratch, last, out)
    }
}

/// [`curves`] for a measure known at compile time (rows are the distinct event times), no
/// branch on the data.
#[inline(always)]
fn curves_of<const COMPETING: bool>(e: &Endpoint, grid: &[f64], scratch: &Scratch, last: [f64; 2], out: &mut [f64]) {
    // Table arm 1 is the treatment side, 0 the control side; slot 0 treatment, 1 control.
    let (mut surv, mut inc) = ([1.0f64; 2], [0.0f64; 2]);
    let rows = &scratch.table.rows;
    let mut r = 0;
    for (k, &t) in grid.iter().enumerate() {
        while r < rows.len() && rows[r].time <= t {
            let row = &rows[r];
            for a in 0..2 {
                // An arm with none at risk has no events here: its factor is 1. (Divisions,
                // as the milestones' estimators write them, so the two agree to the bit.)
                let n = row.n[a].max(1) as f64;
                let d = row.d[a] as f64;
                if COMPETING {
                    inc[a] += surv[a] * d / n;
                    surv[a] *= 1.0 - (d + row.dc[a] as f64) / n;
                } else {
                    surv[a] *= 1.0 - d / n;
                }
            }
            r += 1;
        }
        for (slot, a) in [(0usize, 1usize), (1, 0)] {
            let value = if COMPETING { inc[a] } else { surv[a] };
            let present = slot == 0 || e.control.is_some();
            out[2 * k + slot] = if present && t <= last[a] { value } else { f64::NAN };
        }
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
            | TimeToEventTest::Cox => true,
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

/// Boundaries by (endpoint, spending function, level's bits, with futility, events at each
/// look): memoised per worker.
type BoundsCache = std::collections::HashMap<(usize, (u8, u64), u64, (bool, bool), Vec<u32>), Bounds>;

/// A spending function as a hashable key.
fn spending_key(sp: Spending) -> (u8, u64) {
    match sp {
        Spending::OBrienFleming => (0, 0),
        Spending::Pocock => (1, 0),
        Spending::HwangShihDeCani(g) => (2, g.to_bits()),
    }
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
    /// Exact binomial results by (successes, trials, null rate's bits, or none for the 95%
    /// Clopper–Pearson interval): pure functions of their arguments, which repeat from trial to
    /// trial, each costing a bisection over the incomplete beta function.
    binomial: std::collections::HashMap<(u64, u64, Option<u64>), (f64, f64)>,
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
        let s = self.scenario;
        let patients = &trial.patients[..];
        record.fill(f64::NAN);
        scratch.outcomes.resize_with(s.endpoints.len(), Vec::new);
        // With a visit schedule, when each first event is seen: the same for every endpoint.
        if s.assessments.is_some() {
            cut::first_visits(patients, s.assessments.as_ref(), &mut scratch.visits);
        }
        for (i, spec) in self.tte.iter().enumerate() {
            let out = &mut scratch.outcomes[i];
            match spec {
                Some(spec) => {
                    let months = (Some(i) == self.months_of).then_some(&mut scratch.months);
                    match &s.assessments {
                        Some(schedule) => {
                            cut::outcomes_seen_at(spec, patients, Some(schedule), &scratch.visits, out, months)
                        }
                        None => cut::outcomes(spec, patients, None, out, months),
                    }
                }
                None => out.clear(),
            }
        }
        let (looks, reached, cut_reached) = match &s.analysis.reestimation {
            Some(re) => self.reestimated(re, patients, scratch, record),
            None => self.look_months(patients, scratch),
        };
        let n_looks = looks.len();
        record[global::CUT_REACHED] = cut_reached as u8 as f64;
        for (k, &r) in reached.iter().enumerate() {
            record[self.layout.looks + look::COUNT * k + look::REACHED] = r as u8 as f64;
        }
        // Group-sequential monitoring of the primary endpoint.
        let mut stop = n_looks - 1;
        let (mut futility, mut harmed) = (false, false);
        let monitored = self.primary.filter(|&pe| self.tte[pe].is_some() && n_looks > 1);
        let mut family_rejected: Option<[bool; 8]> = None;
        if self.family_looks {
            let pe = monitored.expect("a family at looks has a monitored endpoint");
            let (st, fu, rejected) = self.family_at_looks(pe, patients, &looks, scratch, record);
            (stop, futility, family_rejected) = (st, fu, Some(rejected));
        } else if monitored.is_some() && s.analysis.reestimation.is_some() {
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
                let r = self.tte_at(pe, patients, month, scratch, false);
                z[k] = r.z;
                events[k] = r.events;
            }
            let (bounds, futility_bounds) = self.boundaries(pe, &events[..n_looks], scratch);
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
        if let Some(pe) = monitored {
            self.conditional_powers(pe, stop, scratch, record);
        }
        let cut_month = looks[stop];
        if monitored.is_none() {
            record[self.layout.looks + look::CUT_MONTH] = cut_month;
        }
        record[global::CUT_MONTH] = cut_month;
        record[global::STOP_LOOK] = (stop + 1) as f64;
        record[global::FUTILITY] = if harmed { 2.0 } else { futility as u8 as f64 };
        record[global::PATIENTS] = patients.iter().filter(|p| p.entry <= cut_month).count() as f64;
        // Every endpoint at the analysis cut.
        for (i, e) in s.endpoints.iter().enumerate() {
            let base = self.layout.endpoint[i];
            match &e.kind {
                EndpointKind::TimeToEvent { milestones, competing, .. } => {
                    let r = self.tte_at(i, patients, cut_month, scratch, true);
                    record[base + field::Z] = r.z;
                    record[base + field::P] = r.p;
                    record[base + field::ESTIMATE] = r.estimate;
                    record[base + field::EVENTS] = r.events as f64;
                    let member =
                        s.analysis.multiplicity.as_ref().and_then(|m| m.endpoints.iter().position(|&x| x == i));
                    let rejected = if let (Some(_), Some(j)) = (family_rejected, member) {
                        // Unadjusted: the endpoint's own group-sequential test at its own α,
                        // at the look where the trial stopped.
                        let m = s.analysis.multiplicity.as_ref().expect("a family");
                        let d = Design {
                            spending: m.spending[j],
                            alpha: e.alpha,
                            futility: false,
                            resolution: 16,
                            harm: false,
                        };
                        let b = self.observed_bounds(i, d, &scratch.family_events[j], &mut scratch.bounds);
                        r.z >= b.0[stop]
                    } else if Some(i) == monitored && s.analysis.reestimation.is_some() {
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
                    let competing = !competing.is_empty();
                    let out = &mut record[base + field::MILESTONES..];
                    self.milestones(e, milestones, competing, scratch, last, out);
                    let c = self.layout.curves[i].expect("a time-to-event endpoint has a curve");
                    curves(
                        e,
                        &self.layout.grid,
                        competing,
                        scratch,
                        last,
                        &mut record[c..c + 2 * self.layout.grid.len()],
                    );
                    if let Some(at) = self.layout.cohorts.filter(|_| Some(i) == self.primary) {
                        self.cohort_estimates(i, patients, cut_month, scratch, &mut record[at..at + s.cohorts.len()]);
                    }
                    if s.assessments.is_some() {
                        let spec = self.tte[i].as_ref().expect("time-to-event endpoint");
                        scratch.exact.clear();
                        scratch.exact.extend(patients.iter().map(|p| spec.outcome(p, None)));
                        std::mem::swap(&mut scratch.exact, &mut scratch.outcomes[i]);
                        record[base + field::EXACT_ESTIMATE] =
                            self.tte_at(i, patients, cut_month, scratch, true).estimate;
                        std::mem::swap(&mut scratch.exact, &mut scratch.outcomes[i]);
                    }
                }
                EndpointKind::Binary { response, test, null_difference } => {
                    self.binary_at(
                        e,
                        *response,
                        test,
                        *null_difference,
                        trial,
                        cut_month,
                        scratch,
                        &mut record[base..],
                    );
                    let one_arm = match test {
                        BinaryTest::ExactBinomial { .. } | BinaryTest::SimonTwoStage { .. } => true,
                        BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => false,
                    };
                    if one_arm {
                        // The estimate is the treatment arm's rate: its exact interval.
                        let ci = (record[base + field::CP_LOWER], record[base + field::CP_UPPER]);
                        self.interval(i, ci, &mut record[base..]);
                    }
                }
                EndpointKind::Safety { adverse_event } => {
                    let bit = 1u64 << adverse_event;
                    let (mut n, mut x, mut g3) = (0u32, 0u32, 0u32);
                    let treated = patients.iter().enumerate();
                    for (j, _) in treated.filter(|(_, p)| p.entry <= cut_month && p.arm as usize == e.treatment) {
                        let m = trial.marks(j);
                        n += 1;
                        x += (m.adverse & bit != 0) as u32;
                        g3 += (m.adverse_g3 & bit != 0) as u32;
                    }
                    record[base + field::ESTIMATE] = if n > 0 { x as f64 / n as f64 } else { f64::NAN };
                    record[base + field::EVENTS] = x as f64;
                    record[base + field::EXTRA] = (g3 > 0) as u8 as f64;
                    record[base + field::REJECTED] = 0.0;
                    if n > 0 {
                        let (lo, hi) = scratch.clopper_pearson(x as u64, n as u64);
                        record[base + field::CP_LOWER] = lo;
                        record[base + field::CP_UPPER] = hi;
                    }
                }
            }
        }
        match family_rejected {
            Some(rejected) => {
                let m = s.analysis.multiplicity.as_ref().expect("a family");
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

    /// The multiplicity family tested group-sequentially (Glimm, Maurer & Bretz 2010; Tamhane,
    /// Mehta & Liu 2010; Maurer & Bretz 2013): at each look every member not yet rejected is
    /// tested against the efficacy boundary of its own spending function at its own
    /// information fractions (its events at each look over its events at the final cut), at
    /// the level the procedure gives it now — fixed sequence: the family's α for the first
    /// member not rejected, 0 for the rest; Bonferroni: α/m each; Holm: α/(members left) each;
    /// fallback and graphical: α times its weight in the graph the rejections so far leave —
    /// and rejections pass their level on within the look until none is added. A hypothesis
    /// rejected at a look stays rejected. The trial stops at the first look at which the
    /// monitored endpoint is rejected, or for (non-binding) futility, which looks at the
    /// monitored endpoint's statistic against the futility bound of its own design. Returns
    /// (stop look, futility, rejected by member); the per-look fields of `record` are those of
    /// the monitored endpoint, with the boundary it was last tested against at each look.
    fn family_at_looks(
        &self,
        pe: usize,
        patients: &[Patient],
        looks: &[f64],
        scratch: &mut Scratch,
        record: &mut [f64],
    ) -> (usize, bool, [bool; 8]) {
        let s = self.scenario;
        let m = s.analysis.multiplicity.as_ref().expect("a family");
        let n_looks = looks.len();
        let members = &m.endpoints;
        let p = members.iter().position(|&i| i == pe).expect("validated: the monitored endpoint is in the family");
        let mut z = [[0.0f64; 16]; 8];
        scratch.family_events.resize_with(members.len(), Vec::new);
        for (j, &i) in members.iter().enumerate() {
            scratch.family_events[j].clear();
            for (k, &month) in looks.iter().enumerate() {
                let r = self.tte_at(i, patients, month, scratch, false);
                z[j][k] = r.z;
                scratch.family_events[j].push(r.events);
            }
        }
        let primary_events: Vec<u32> = scratch.family_events[p].clone();
        let (_, futility_bounds) = self.boundaries(pe, &primary_events, scratch);
        let level = |j: usize, rejected: &[bool]| -> f64 {
            let open = members.iter().enumerate().filter(|&(q, _)| !rejected[q]).count().max(1);
            match m.method {
                MultiplicityMethod::FixedSequence => {
                    if (0..j).all(|q| rejected[q]) {
                        m.alpha
                    } else {
                        0.0
                    }
                }
                MultiplicityMethod::Bonferroni => m.alpha / members.len() as f64,
                MultiplicityMethod::Holm => m.alpha / open as f64,
                MultiplicityMethod::Fallback | MultiplicityMethod::Graphical => {
                    m.alpha * m.graph.weights_after(rejected)[j]
                }
            }
        };
        let mut rejected = [false; 8];
        let (mut stop, mut futility) = (n_looks - 1, false);
        for k in 0..n_looks {
            let mut primary_boundary = f64::INFINITY;
            loop {
                let mut added = false;
                for j in 0..members.len() {
                    if rejected[j] {
                        continue;
                    }
                    let a = level(j, &rejected[..members.len()]);
                    let c = if a > 0.0 {
                        let d =
                            Design { spending: m.spending[j], alpha: a, futility: false, resolution: 16, harm: false };
                        self.observed_bounds(members[j], d, &scratch.family_events[j], &mut scratch.bounds).0[k]
                    } else {
                        f64::INFINITY
                    };
                    if j == p {
                        primary_boundary = c;
                    }
                    if z[j][k] >= c {
                        rejected[j] = true;
                        added = true;
                    }
                }
                if !added {
                    break;
                }
            }
            let base = self.layout.looks + look::COUNT * k;
            record[base + look::CUT_MONTH] = looks[k];
            record[base + look::Z] = z[p][k];
            record[base + look::BOUNDARY] = primary_boundary;
            record[base + look::FUTILITY] = futility_bounds[k];
            record[base + look::EVENTS] = primary_events[k] as f64;
            record[base + look::PATIENTS] = patients.iter().filter(|q| q.entry <= looks[k]).count() as f64;
            if rejected[p] {
                stop = k;
                break;
            }
            if k + 1 < n_looks && z[p][k] < futility_bounds[k] {
                (stop, futility) = (k, true);
                break;
            }
        }
        (stop, futility, rejected)
    }

    /// Calendar months of the looks, whether each look's target was reached, and whether the
    /// final cut's was. A look whose target is not reached by the final cut (or, for an
    /// event-driven cut, by the last observation) is at the final cut, with no test of its own;
    /// the record says so, and the report counts it.
    fn look_months(&self, patients: &[Patient], scratch: &mut Scratch) -> (Vec<f64>, Vec<bool>, bool) {
        let s = self.scenario;
        let (final_month, cut_reached) = match s.analysis.cut {
            Cut::Month(m) => (m, true),
            Cut::MinFollowUp(m) => (patients.iter().map(|p| p.entry).fold(0.0, f64::max) + m, true),
            Cut::Events { endpoint, events } => {
                // `scratch.months` holds the months of the endpoint's events (`months_of`).
                match cut::kth_month(&mut scratch.months, events as usize) {
                    Some(m) => (m, true),
                    None => (cut::month_of_last_observation(patients, &scratch.outcomes[endpoint]), false),
                }
            }
        };
        let n = s.analysis.looks.count();
        let Some(pe) = self.months_of.filter(|_| n > 1) else {
            return (vec![final_month; n], vec![cut_reached; n], cut_reached);
        };
        debug_assert_eq!(monitored(s), Some(pe));
        // `scratch.months` holds the months of the monitored endpoint's events.
        let (mut months, mut reached) =
            cut::interim_months(s, self.planning.events[pe], &mut scratch.months, final_month);
        months.push(final_month);
        reached.push(cut_reached);
        (months, reached, cut_reached)
    }

    /// With `analysis.harm`: the monitored endpoint's harm bounds at the information observed
    /// at the looks (as [`Plan::observed_bounds`]: alpha spent at observed over planned
    /// events), computed with its efficacy boundaries. Memoised per worker.
    fn harm_bounds(&self, e: usize, events: &[u32], scratch: &mut Scratch) -> Option<Vec<f64>> {
        let s = self.scenario;
        let h = s.analysis.harm?;
        if let Some(b) = scratch.harm.get(events) {
            return Some(b.clone());
        }
        let n = events.len();
        let info: Vec<f64> = events.iter().map(|&x| x as f64).collect();
        let (keep, t, spend) = information(&info, self.planning.events[e]);
        let mut out = vec![f64::NEG_INFINITY; n];
        if !keep.is_empty() {
            let a = s.endpoints[e].alpha;
            let (_, lower) =
                spending::boundaries_with_harm(s.analysis.spending, a, h.spending, h.alpha, &t, &spend, spending::R);
            for (j, &k) in keep.iter().enumerate() {
                out[k] = lower[j];
            }
        }
        if scratch.harm.len() >= 1 << 14 {
            scratch.harm.clear();
        }
        scratch.harm.insert(events.to_vec(), out.clone());
        Some(out)
    }

    /// Event re-estimation with the inverse-normal combination test (rpact's
    /// `getSimulationSurvival` with an inverse-normal design and `conditionalPower`): stage 1
    /// ends at its planned events; at each interim k the combination statistic
    /// Z*_k = Σ_j √(t_j − t_{j−1}) U_j / √t_k of the stage-wise log-rank increments
    /// U_j = (√D_j z_j − √D_{j−1} z_{j−1})/√(D_j − D_{j−1}) (t the planned information rates,
    /// D the events observed) is written as the look's z, against the planned boundaries; the
    /// next stage's events are (c̃ + Φ⁻¹(CP))² (1 + r)²/(r δ²), between its minimum and maximum,
    /// with c̃ = (√t_{k+1} c_{k+1} − √t_k Z*_k)/√(t_{k+1} − t_k) the conditional critical value and
    /// δ the log hazard ratio against the null (the estimate z_k (1 + r)/√(r D_k), or the
    /// scenario's `hazard_ratio`), floored at 1e-12 as rpact's. With `promising_from`, the
    /// stage keeps its planned events unless the conditional power at them (under the
    /// estimate) is in [promising_from, CP). Every stage is computed, after a stop too (the
    /// values the looks would have had), as the group-sequential looks are. Returns the looks'
    /// months, whether each event target was reached, and whether the last one was.
    fn reestimated(
        &self,
        re: &Reestimation,
        patients: &[Patient],
        scratch: &mut Scratch,
        record: &mut [f64],
    ) -> (Vec<f64>, Vec<bool>, bool) {
        let s = self.scenario;
        let pe = self.months_of.expect("validated: an event-driven cut");
        let t = match &s.analysis.looks {
            Looks::Information(t) => t,
            Looks::Months(_) | Looks::Combined { .. } => unreachable!("validated: looks by information"),
        };
        let n = t.len();
        let planned = planned_look_events(&self.planning, pe, n);
        let (eff, fut) = &self.planned[pe];
        let ep = &s.endpoints[pe];
        let r = s.arms[ep.treatment].allocation as f64 / s.arms[ep.control.expect("two arms")].allocation as f64;
        let theta0 = null_hazard_ratio(ep);
        let (mut months, mut reached) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut target, mut previous, mut weighted) = (planned[0], (0.0f64, 0.0f64), 0.0f64);
        for k in 0..n {
            let (month, ok) = match cut::kth_month(&mut scratch.months, target as usize) {
                Some(m) => (m, true),
                None => (cut::month_of_last_observation(patients, &scratch.outcomes[pe]), false),
            };
            let res = self.tte_at(pe, patients, month, scratch, false);
            let d = res.events as f64;
            let increment = if k == 0 {
                res.z
            } else if d > previous.0 {
                (d.sqrt() * res.z - previous.0.sqrt() * previous.1) / (d - previous.0).sqrt()
            } else {
                0.0
            };
            let t_prev = if k == 0 { 0.0 } else { t[k - 1] };
            weighted += (t[k] - t_prev).sqrt() * increment;
            let combined = weighted / t[k].sqrt();
            let base = self.layout.looks + look::COUNT * k;
            record[base + look::CUT_MONTH] = month;
            record[base + look::Z] = combined;
            record[base + look::BOUNDARY] = eff[k];
            record[base + look::FUTILITY] = fut[k];
            record[base + look::EVENTS] = d;
            record[base + look::PATIENTS] = patients.iter().filter(|p| p.entry <= month).count() as f64;
            record[base + look::REACHED] = ok as u8 as f64;
            months.push(month);
            reached.push(ok);
            if k + 1 < n {
                let critical = ((t[k + 1]).sqrt() * eff[k + 1] - t[k].sqrt() * combined) / (t[k + 1] - t[k]).sqrt();
                let estimate = if d > 0.0 { res.z * (1.0 + r) / (r * d).sqrt() } else { 0.0 };
                let delta = match re.hazard_ratio {
                    Some(h) => -(h / theta0).ln(),
                    None => estimate,
                }
                .max(1e-12f64.ln_1p());
                let z_cp = normal::quantile(re.conditional_power);
                let required = (critical + z_cp).max(0.0).powi(2) * (1.0 + r).powi(2) / (r * delta * delta);
                let stage_planned = (planned[k + 1] - planned[k]) as f64;
                let keep_planned = re.promising_from.is_some_and(|from| {
                    // The conditional power at the planned events under the estimate.
                    let drift = estimate.max(1e-12f64.ln_1p()) * (r * stage_planned).sqrt() / (1.0 + r);
                    let cp = normal::upper_tail(critical - drift);
                    cp < from || cp >= re.conditional_power
                });
                let stage = if keep_planned {
                    stage_planned
                } else {
                    required.clamp(re.min_events[k] as f64, re.max_events[k] as f64)
                };
                target = (d + stage - 1e-9).ceil().max(d + 1.0) as u32;
            }
            previous = (d, res.z);
        }
        let cut_reached = *reached.last().expect("looks");
        (months, reached, cut_reached)
    }

    /// The boundaries of the monitored endpoint's own design (the scenario's spending, its α,
    /// the futility rule) from the information observed at the looks.
    fn boundaries(&self, e: usize, events: &[u32], scratch: &mut Scratch) -> Bounds {
        let s = self.scenario;
        let d = Design::own(s, e, true, true);
        let mut b = self.observed_bounds(e, d, events, &mut scratch.bounds);
        if let Some((below, hazard_ratio)) = conditional_power_rule(s.analysis.futility) {
            let effect = cp_effect(s, e, hazard_ratio);
            for k in 0..events.len() - 1 {
                if b.0[k].is_finite() {
                    b.1[k] = self.cp_bound(e, &events[..=k], below, effect, scratch);
                }
            }
        }
        b
    }

    /// The efficacy boundaries and information a trial expects at look k (`observed` = its
    /// events up to k): its own design's, with later looks at their planned events.
    fn expected_design(&self, e: usize, observed: &[u32], scratch: &mut Scratch) -> (Vec<f64>, Vec<f64>) {
        let s = self.scenario;
        let n = s.analysis.looks.count();
        let (v, info) = outlook(s, &self.planning, e, observed, n);
        // With a binding rule the efficacy boundaries are those computed with it.
        let d = Design::own(s, e, s.analysis.binding_futility, false);
        (self.observed_bounds(e, d, &v, &mut scratch.bounds).0, info)
    }

    /// The z bound at look k = `observed.len() − 1` below which the conditional power is under
    /// `below`: a function of the events up to the look only. Memoised per worker.
    fn cp_bound(&self, e: usize, observed: &[u32], below: f64, effect: spending::Effect, scratch: &mut Scratch) -> f64 {
        let key = (observed.to_vec(), below.to_bits(), matches!(effect, spending::Effect::Estimate));
        if let Some(&b) = scratch.cp_bounds.get(&key) {
            return b;
        }
        let (eff, info) = self.expected_design(e, observed, scratch);
        let b = spending::conditional_power_bound(below, observed.len() - 1, &eff, &info, effect);
        if scratch.cp_bounds.len() >= 1 << 14 {
            scratch.cp_bounds.clear();
        }
        scratch.cp_bounds.insert(key, b);
        b
    }

    /// With `report_conditional_power`: the monitored endpoint's conditional power at each
    /// interim the trial reached (up to the look where it stopped, if that is an interim),
    /// from the z and events `record` holds there, into the look's fields.
    fn conditional_powers(&self, e: usize, stop: usize, scratch: &mut Scratch, record: &mut [f64]) {
        let s = self.scenario;
        let Some(cp) = s.analysis.conditional_power else { return };
        let n = s.analysis.looks.count();
        let effects = [
            (look::CP_ESTIMATE, Some(spending::Effect::Estimate)),
            (look::CP_ASSUMED, self.truth[e].map(|h| cp_effect(s, e, Some(h)))),
            (look::CP_USER, cp.hazard_ratio.map(|h| cp_effect(s, e, Some(h)))),
        ];
        let mut events = Vec::with_capacity(n);
        for k in 0..n - 1 {
            let base = self.layout.looks + look::COUNT * k;
            events.push(record[base + look::EVENTS] as u32);
            if k > stop || !record[base + look::BOUNDARY].is_finite() {
                continue;
            }
            let (eff, info) = self.expected_design(e, &events, scratch);
            let z = record[base + look::Z];
            for (field, effect) in effects {
                if let Some(effect) = effect {
                    record[base + field] = spending::conditional_power(z, k, &eff, &info, effect);
                }
            }
            record[base + look::CP_PREDICTIVE] = spending::predictive_probability(z, k, &eff, &info);
        }
    }

    /// Boundaries of a group-sequential test of endpoint `e` from the events it has observed at
    /// each look: each look spends alpha at its events over the endpoint's planned events, the
    /// look with the final events all that is left, with the correlation of the events
    /// observed (Lan & DeMets); looks without new events get no test (±∞). The planned
    /// boundaries when the looks came exactly at the planned fractions. Memoised per worker.
    fn observed_bounds(&self, e: usize, d: Design, events: &[u32], cache: &mut BoundsCache) -> Bounds {
        let s = self.scenario;
        let n = events.len();
        let info: Vec<f64> = events.iter().map(|&x| x as f64).collect();
        let planned = self.planning.events[e];
        let (keep, t, spend) = information(&info, planned);
        let at_plan =
            keep.len() == n && t.iter().zip(&spend).zip(&self.planning.fractions).all(|((a, b), f)| a == f && b == f);
        if at_plan
            && d.spending == s.analysis.spending
            && d.alpha == s.endpoints[e].alpha
            && d.futility
            && d.harm == (monitored(s) == Some(e))
            && d.resolution == spending::R
        {
            return self.planned[e].clone();
        }
        let key = (e, spending_key(d.spending), d.alpha.to_bits(), (d.futility, d.harm), events.to_vec());
        if let Some(b) = cache.get(&key) {
            return b.clone();
        }
        let b = design_bounds(s, d, n, &keep, &t, &spend);
        if cache.len() >= 1 << 14 {
            cache.clear();
        }
        cache.insert(key, b.clone());
        b
    }

    /// The planned test of a time-to-event endpoint at a cut; the pooled risk table is left
    /// in `scratch.table`.
    fn tte_at(
        &self,
        i: usize,
        patients: &[Patient],
        cut_month: f64,
        scratch: &mut Scratch,
        estimate: bool,
    ) -> TteResult {
        let s = self.scenario;
        let e = &s.endpoints[i];
        let (test, null_hazard_ratio) = match &e.kind {
            EndpointKind::TimeToEvent { test, null_hazard_ratio, .. } => (test, null_hazard_ratio),
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => unreachable!("time-to-event endpoint"),
        };
        let theta0 = *null_hazard_ratio;
        let outcomes = &scratch.outcomes[i];
        scratch.obs.clear();
        let one_sample = match test {
            TimeToEventTest::OneSampleLogrank { null_hazard } => Some(null_hazard),
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox => None,
        };
        if let Some(null_hazard) = one_sample {
            let (mut events, mut exposure) = (0u64, 0.0);
            for (p, &o) in patients.iter().zip(outcomes) {
                if p.arm as usize != e.treatment {
                    continue;
                }
                if let Some((t, st)) = cut::observe(p, o, cut_month) {
                    events += (st == 1) as u64;
                    exposure += t;
                    scratch.obs.push(Obs { time: t, status: st, arm: 1, stratum: 0 });
                }
            }
            let os = OneSample::new(events, exposure, *null_hazard);
            scratch.sorter.pooled_table(&scratch.obs, &mut scratch.table);
            let est = if exposure > 0.0 { events as f64 / exposure / null_hazard } else { f64::NAN };
            return TteResult {
                z: os.z,
                p: os.p_one_sided(),
                estimate: est,
                ci: (f64::NAN, f64::NAN),
                events: events as u32,
            };
        }
        let control = e.control.expect("validated: a two-arm test has a control");
        let stratified = match test {
            TimeToEventTest::StratifiedLogrank => true,
            TimeToEventTest::Logrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox
            | TimeToEventTest::OneSampleLogrank { .. } => false,
        };
        // Arm code by scenario arm: 1 treatment, 0 control, 2 not in this comparison.
        let mut code = [2u8; 256];
        code[e.treatment] = 1;
        code[control] = 0;
        if stratified {
            for (p, &o) in patients.iter().zip(outcomes) {
                let a = code[p.arm as usize];
                if let (true, t, st) = cut::observe_at(p, o, cut_month)
                    && a != 2
                {
                    scratch.obs.push(Obs { time: t, status: st, arm: a, stratum: p.cohort });
                }
            }
            scratch.sorter.sort(&mut scratch.obs);
            scratch.table.fill(&scratch.obs, false);
        } else {
            // Observed times are at most the cut month (entries are at or after month 0).
            let observed = patients.iter().zip(outcomes).map(|(p, &o)| {
                let a = code[p.arm as usize];
                let (in_data, t, st) = cut::observe_at(p, o, cut_month);
                (Obs { time: t, status: st, arm: a & 1, stratum: 0 }, in_data & (a != 2))
            });
            scratch.sorter.collect(patients.len(), cut_month, observed);
            scratch.sorter.pooled_table_of_collected(&mut scratch.table);
        }
        let events = scratch.table.events[0] + scratch.table.events[1];
        let (z, p, fit) = match test {
            TimeToEventTest::MaxCombo => {
                // The p-value is needed only as precisely as the decisions it makes: Bonferroni
                // brackets it, 1 − Φ(z_max) ≤ p ≤ 4(1 − Φ(z_max)); when the bracket holds a
                // level, lattice integrations of 8 × 256, then 8 × 2048 points decide unless
                // within 6 of their standard errors (from the 8 shifts) of a level; then the fine
                // one (8 × 4096). A decision can differ from the fine one's only if the error
                // exceeds both 6 estimated SEs (P(|t₇| > 6) ≈ 5e-4) and the distance to the
                // level: about 1e-6 per trial; none in 10,000 trials of two MaxCombo scenarios.
                let levels = &self.levels[i];
                let decided = |lo: f64, hi: f64| !levels.is_empty() && levels.iter().all(|&l| hi <= l || lo > l);
                let lower = normal::upper_tail(maxcombo::test_with(&scratch.table, 0).z_max).max(0.0);
                let mut p = None;
                if decided(lower, (4.0 * lower).min(1.0)) {
                    p = Some(lower);
                }
                for points in [1 << 8, 1 << 11] {
                    if p.is_none() {
                        let m = maxcombo::test_with(&scratch.table, points);
                        let margin = 6.0 * m.p_se;
                        p = decided(m.p_one_sided - margin, m.p_one_sided + margin).then_some(m.p_one_sided);
                    }
                }
                let p = p.unwrap_or_else(|| maxcombo::test_with(&scratch.table, 1 << 12).p_one_sided);
                // The engine rejects on p; z carries the normal quantile of p.
                let z = normal::quantile(1.0 - p.clamp(1e-300, 1.0)).min(40.0);
                let est = estimate.then(|| cox::fit(&scratch.table, Ties::Efron));
                (z, p, est)
            }
            TimeToEventTest::Cox => {
                let c = cox::fit(&scratch.table, Ties::Efron);
                // Against the margin: (ln θ0 − β̂)/se (the plain Wald z at θ0 = 1).
                let z = match c {
                    cox::Cox::Estimate { log_hr, se, .. } if theta0 != 1.0 => (theta0.ln() - log_hr) / se,
                    _ => c.z().unwrap_or(0.0),
                };
                (z, normal::upper_tail(z), Some(c))
            }
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::OneSampleLogrank { .. } => {
                let w = match test {
                    TimeToEventTest::FlemingHarrington { rho, gamma } => Weights { rho: *rho, gamma: *gamma },
                    TimeToEventTest::Logrank
                    | TimeToEventTest::StratifiedLogrank
                    | TimeToEventTest::MaxCombo
                    | TimeToEventTest::Cox
                    | TimeToEventTest::OneSampleLogrank { .. } => Weights::LOGRANK,
                };
                let l = if theta0 != 1.0 {
                    logrank::margin_test(&scratch.table, theta0)
                } else {
                    logrank::test(&scratch.table, w)
                };
                let est = estimate.then(|| {
                    // Newton starts from the log-rank one-step estimate (O − E)/V, which saves
                    // an iteration (unweighted; the weighted tests start from 0).
                    let start = if w == Weights::LOGRANK && theta0 == 1.0 && l.variance > 0.0 {
                        (l.observed - l.expected) / l.variance
                    } else {
                        0.0
                    };
                    cox::fit_from(&scratch.table, Ties::Efron, start)
                });
                (l.z, l.p_one_sided(), est)
            }
        };
        if stratified && estimate {
            // Milestones and curves are per arm over all strata: rebuild the pooled table.
            scratch.sorter.pooled_table(&scratch.obs, &mut scratch.table);
        }
        let ci = fit.as_ref().and_then(|f| f.ci(0.95)).unwrap_or((f64::NAN, f64::NAN));
        let estimate = fit.and_then(|f| f.hazard_ratio()).unwrap_or(f64::NAN);
        TteResult { z, p, estimate, ci, events }
    }

    /// The Cox hazard ratio (Efron ties) of endpoint `i` within each cohort at `cut_month`,
    /// into `out` (NaN where not estimable). Leaves `scratch.table` as the last cohort's.
    fn cohort_estimates(&self, i: usize, patients: &[Patient], cut_month: f64, scratch: &mut Scratch, out: &mut [f64]) {
        let e = &self.scenario.endpoints[i];
        let control = e.control.expect("a two-arm endpoint");
        for (k, slot) in out.iter_mut().enumerate() {
            scratch.obs.clear();
            for (p, &o) in patients.iter().zip(&scratch.outcomes[i]) {
                let arm = p.arm as usize;
                if p.cohort as usize != k || (arm != e.treatment && arm != control) {
                    continue;
                }
                if let Some((t, st)) = cut::observe(p, o, cut_month) {
                    scratch.obs.push(Obs { time: t, status: st, arm: (arm == e.treatment) as u8, stratum: 0 });
                }
            }
            scratch.sorter.pooled_table(&scratch.obs, &mut scratch.table);
            *slot = cox::fit(&scratch.table, Ties::Efron).hazard_ratio().unwrap_or(f64::NAN);
        }
    }

    /// The estimate's 95% interval into `out` (an endpoint's block), and whether it holds the
    /// scenario's true value.
    fn interval(&self, i: usize, (lo, hi): (f64, f64), out: &mut [f64]) {
        out[field::CI_LOWER] = lo;
        out[field::CI_UPPER] = hi;
        if let Some(t) = self.truth[i]
            && lo.is_finite()
            && hi.is_finite()
        {
            out[field::COVERS] = (lo <= t && t <= hi) as u8 as f64;
        }
    }

    /// Survival (or cumulative incidence) by arm at the milestones, from the pooled table
    /// that `tte_at` left in `scratch` and each arm's last observed time.
    fn milestones(
        &self,
        e: &Endpoint,
        ms: &[f64],
        competing: bool,
        scratch: &Scratch,
        last: [f64; 2],
        out: &mut [f64],
    ) {
        if ms.is_empty() {
            return;
        }
        for (j, &m) in ms.iter().enumerate() {
            for (slot, arm) in [(0usize, 1usize), (1, 0)] {
                if arm == 0 && e.control.is_none() {
                    continue;
                }
                let v = if competing {
                    cif::cumulative_incidence(&scratch.table.rows, Some(arm), m, last[arm])
                } else {
                    KmCurve::survival_at(&scratch.table.rows, Some(arm), m, last[arm])
                };
                out[2 * j + slot] = v.unwrap_or(f64::NAN);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn binary_at(
        &self,
        e: &Endpoint,
        response: ResponseId,
        test: &BinaryTest,
        null_difference: f64,
        trial: &Trial,
        cut_month: f64,
        scratch: &mut Scratch,
        out: &mut [f64],
    ) {
        let s = self.scenario;
        let patients = &trial.patients[..];
        let assessed = |p: &Patient, m: &Marks| assessed_response(s, response, p, m, cut_month);
        let (mut n1, mut x1, mut n0, mut x0) = (0u64, 0u64, 0u64, 0u64);
        for (j, p) in patients.iter().enumerate() {
            let Some(r) = assessed(p, &trial.marks(j)) else { continue };
            if p.arm as usize == e.treatment {
                n1 += 1;
                x1 += r as u64;
            } else if Some(p.arm as usize) == e.control {
                n0 += 1;
                x0 += r as u64;
            }
        }
        let rate1 = if n1 > 0 { x1 as f64 / n1 as f64 } else { f64::NAN };
        out[field::EVENTS] = x1 as f64;
        let (p, z, rejected, estimate) = match test {
            BinaryTest::ExactBinomial { null_rate } => {
                let (p_greater, z) = scratch.binomial(x1, n1, Some(*null_rate), || {
                    let p = binary::binom_test(x1, n1, *null_rate).p_greater;
                    (p, normal::quantile(1.0 - p.clamp(1e-300, 1.0)).min(40.0))
                });
                (p_greater, z, p_greater <= e.alpha, rate1)
            }
            BinaryTest::SimonTwoStage { stage1_patients, stage1_max_responses, max_responses, .. } => {
                // Stage 1 is the first n1 patients to enter.
                scratch.order.clear();
                scratch.order.extend((0..patients.len()).filter(|&j| patients[j].arm as usize == e.treatment));
                scratch.order.sort_unstable_by(|&a, &b| patients[a].entry.total_cmp(&patients[b].entry));
                let responders = |js: &[usize]| {
                    js.iter().filter(|&&j| assessed(&patients[j], &trial.marks(j)) == Some(true)).count() as u32
                };
                let n1s = (*stage1_patients as usize).min(scratch.order.len());
                let x_stage1 = responders(&scratch.order[..n1s]);
                let promising = x_stage1 > *stage1_max_responses && responders(&scratch.order) > *max_responses;
                let stop = x_stage1 <= *stage1_max_responses;
                out[field::STAGE1_STOP] = stop as u8 as f64;
                out[field::PATIENTS_USED] = if stop { n1s } else { scratch.order.len() } as f64;
                (f64::NAN, f64::NAN, promising, rate1)
            }
            BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => {
                let t = binary::TwoByTwo { x_treatment: x1, n_treatment: n1, x_control: x0, n_control: n0 };
                let rate0 = if n0 > 0 { x0 as f64 / n0 as f64 } else { f64::NAN };
                let (fisher, correct) = match test {
                    BinaryTest::Fisher => (true, false),
                    BinaryTest::ChiSquare { continuity_correction } => (false, *continuity_correction),
                    BinaryTest::ExactBinomial { .. } | BinaryTest::SimonTwoStage { .. } => {
                        unreachable!("a two-arm test")
                    }
                };
                let (p, z) = if null_difference != 0.0 {
                    // Validation allows a margin with the uncorrected chi-square test only.
                    let z = binary::farrington_manning(t, null_difference);
                    (normal::upper_tail(z), z)
                } else {
                    let c = if correct { binary::chi_square_corrected(t) } else { binary::chi_square(t) };
                    let p = if fisher { binary::fisher(t).p_greater } else { c.p_greater() };
                    (p, c.z)
                };
                (p, z, p <= e.alpha, rate1 - rate0)
            }
        };
        out[field::P] = p;
        out[field::Z] = z;
        out[field::ESTIMATE] = estimate;
        out[field::REJECTED] = rejected as u8 as f64;
        if n1 > 0 {
            let (lo, hi) = scratch.clopper_pearson(x1, n1);
            out[field::CP_LOWER] = lo;
            out[field::CP_UPPER] = hi;
        }
    }

    fn multiplicity(&self, record: &mut [f64]) {
        let s = self.scenario;
        for b in &self.layout.endpoint {
            record[b + field::ADJUSTED] = record[b + field::REJECTED];
        }
        let Some(m) = &s.analysis.multiplicity else { return };
        let base = |e: usize| self.layout.endpoint[e];
        match m.method {
            MultiplicityMethod::FixedSequence => {
                let mut open = true;
                for &e in &m.endpoints {
                    let r = open && record[base(e) + field::REJECTED] == 1.0;
                    record[base(e) + field::ADJUSTED] = r as u8 as f64;
                    open = r;
                }
            }
            MultiplicityMethod::Bonferroni => {
                let level = m.alpha / m.endpoints.len() as f64;
                for &e in &m.endpoints {
                    let p = record[base(e) + field::P];
                    record[base(e) + field::ADJUSTED] = (p <= level) as u8 as f64;
                }
            }
            MultiplicityMethod::Fallback | MultiplicityMethod::Graphical => {
                let ps: Vec<f64> = m.endpoints.iter().map(|&e| record[base(e) + field::P]).collect();
                for (&e, r) in m.endpoints.iter().zip(m.graph.test(&ps, m.alpha)) {
                    record[base(e) + field::ADJUSTED] = r as u8 as f64;
                }
            }
            MultiplicityMethod::Holm => {
                let mut ps: Vec<(f64, usize)> = m.endpoints.iter().map(|&e| (record[base(e) + field::P], e)).collect();
                ps.sort_by(|a, b| a.0.total_cmp(&b.0));
                let k = ps.len();
                let mut open = true;
                for (j, (p, e)) in ps.into_iter().enumerate() {
                    open = open && p <= m.alpha / (k - j) as f64;
                    record[base(e) + field::ADJUSTED] = open as u8 as f64;
                }
            }
        }
    }
}
