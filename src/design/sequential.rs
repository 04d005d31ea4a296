//! The group-sequential design of the monitored endpoint and of every member of a family tested
//! at the looks: the information each look has and spends at (Lan–DeMets at observed over
//! planned information), the efficacy, futility and harm boundaries of a design, and what a
//! trial expects at a look (its events so far, the later looks' planned events) for a
//! conditional power. The analysis of each trial (`analyze/`) reads its boundaries here.

use crate::cut;
use crate::scenario::*;
use crate::stats::spending;

/// Efficacy and futility boundaries by look.
pub(crate) type Bounds = (Vec<f64>, Vec<f64>);

/// One group-sequential test: its spending function, level, whether it has the scenario's
/// futility rule, and the grid resolution of its boundaries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Design {
    pub(crate) spending: Spending,
    pub(crate) alpha: f64,
    pub(crate) futility: bool,
    pub(crate) resolution: usize,
    /// The monitored endpoint's own design under `analysis.harm`: its efficacy boundaries are
    /// computed with the harm bound.
    pub(crate) harm: bool,
}

impl Design {
    /// Endpoint `e`'s own design: the scenario's spending, the endpoint's α, the full grid.
    pub(crate) fn own(s: &Scenario, e: usize, futility: bool, harm: bool) -> Design {
        Design {
            spending: s.analysis().spending,
            alpha: s.endpoints()[e].alpha,
            futility,
            resolution: spending::R,
            harm,
        }
    }
}

pub(crate) use crate::stats::spending::information;

/// Efficacy and (non-binding) futility boundaries of `design` at the kept looks `keep` of `n`,
/// with information fractions `t` and spending fractions `spend`; ±∞ at the other looks, and
/// no futility bound at the last kept one (where only efficacy is tested).
pub(crate) fn design_bounds(s: &Scenario, d: Design, n: usize, keep: &[usize], t: &[f64], spend: &[f64]) -> Bounds {
    let mut b = (vec![f64::INFINITY; n], vec![f64::NEG_INFINITY; n]);
    if keep.is_empty() {
        return b;
    }
    let last = keep.len() - 1;
    let binding = d.futility && last > 0 && s.analysis().binding_futility;
    let (efficacy, futility) = match s.analysis().futility {
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
    let efficacy = match (efficacy, s.analysis().harm) {
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
pub(crate) fn information_per_event(s: &Scenario, e: usize) -> f64 {
    let ep = &s.endpoints()[e];
    let a1 = s.arms()[ep.treatment].allocation as f64;
    let a0 = ep.control.map_or(a1, |c| s.arms()[c].allocation as f64);
    a1 * a0 / ((a1 + a0) * (a1 + a0))
}

/// The effect a conditional power is computed under: the trial's estimate, or a hazard ratio
/// (its drift measured from the endpoint's null hazard ratio: −ln(HR/θ0)).
pub(crate) fn cp_effect(s: &Scenario, e: usize, hazard_ratio: Option<f64>) -> spending::Effect {
    match hazard_ratio {
        None => spending::Effect::Estimate,
        Some(h) => spending::Effect::Drift(-(h / s.endpoints()[e].null_hazard_ratio()).ln()),
    }
}

/// The threshold and hazard ratio of a conditional-power futility rule; None under another
/// rule or none.
pub(crate) fn conditional_power_rule(futility: Option<Futility>) -> Option<(f64, Option<f64>)> {
    match futility {
        Some(Futility::ConditionalPower { below, hazard_ratio }) => Some((below, hazard_ratio)),
        Some(Futility::Z(_) | Futility::BetaSpending { .. }) | None => None,
    }
}

/// The events at which each look is planned: ⌈f_k × planned⌉ of the monitored endpoint.
pub(crate) fn planned_look_events(planning: &cut::Planning, e: usize, n: usize) -> Vec<u32> {
    (0..n).map(|k| (planning.fractions[k] * planning.events[e] - 1e-9).ceil().max(1.0) as u32).collect()
}

/// What a trial expects at look k = `observed.len() − 1`: the events observed up to it, then the
/// planned events of each later look (at least one more than the look before, so every later
/// look has a test), and the information (events × [`information_per_event`]) of each.
pub(crate) fn outlook(
    s: &Scenario,
    planning: &cut::Planning,
    e: usize,
    observed: &[u32],
    n: usize,
) -> (Vec<u32>, Vec<f64>) {
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
    let (below, hazard_ratio) = conditional_power_rule(s.analysis().futility)?;
    let pe = s.monitored()?;
    let n = s.analysis().looks.count();
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

/// Boundaries by (endpoint, spending function, level's bits, with futility, events at each
/// look): memoised per worker.
pub(crate) type BoundsCache = std::collections::HashMap<(usize, (u8, u64), u64, (bool, bool), Vec<u32>), Bounds>;

/// A spending function as a hashable key.
pub(crate) fn spending_key(sp: Spending) -> (u8, u64) {
    match sp {
        Spending::OBrienFleming => (0, 0),
        Spending::Pocock => (1, 0),
        Spending::HwangShihDeCani(g) => (2, g.to_bits()),
    }
}

/// Where a trial's interim result falls in the promising-zone design (Mehta & Pocock 2011), by
/// its conditional power at the planned events under its own estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Below `promising_from`: the stage keeps its planned events.
    Unfavourable,
    /// From `promising_from` to the target: the events are re-estimated.
    Promising,
    /// At or above the target conditional power already: the planned events.
    Favourable,
}

/// What event re-estimation decides at interim k (rpact's `getSimulationSurvival` with an
/// inverse-normal design and `conditionalPower`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NextStage {
    /// The next stage's events (before rounding up to a whole event).
    pub events: f64,
    /// The conditional power at the planned events under the trial's estimate.
    pub conditional_power_at_planned: f64,
    /// The required events exceeded the stage's maximum (the cap binds).
    pub capped: bool,
    /// With `promising_from`: the zone the interim result falls in.
    pub zone: Option<Zone>,
}

/// The next stage's events at interim k of a re-estimation design with planned information
/// rates `t` and boundaries `eff` (z scale): with the combination statistic `combined`, the
/// look's log-rank z and events d, the stage's planned events, the allocation ratio r and the
/// null hazard ratio θ0, the events (c̃ + Φ⁻¹(CP))² (1 + r)²/(r δ²) between the stage's minimum
/// and maximum, c̃ = (√t_{k+1} c_{k+1} − √t_k Z*_k)/√(t_{k+1} − t_k) the conditional critical
/// value and δ the log hazard ratio against the null (the estimate z (1 + r)/√(r d), or the
/// design's hazard ratio), floored at 1e-12 as rpact's; with `promising_from`, the planned
/// events outside the promising zone.
#[allow(clippy::too_many_arguments)]
pub fn next_stage(
    re: &Reestimation,
    k: usize,
    t: &[f64],
    eff: &[f64],
    combined: f64,
    z: f64,
    d: f64,
    stage_planned: f64,
    r: f64,
    theta0: f64,
) -> NextStage {
    use crate::stats::normal;
    let critical = (t[k + 1].sqrt() * eff[k + 1] - t[k].sqrt() * combined) / (t[k + 1] - t[k]).sqrt();
    let estimate = if d > 0.0 { z * (1.0 + r) / (r * d).sqrt() } else { 0.0 };
    let delta = match re.hazard_ratio {
        Some(h) => -(h / theta0).ln(),
        None => estimate,
    }
    .max(1e-12f64.ln_1p());
    let z_cp = normal::quantile(re.conditional_power);
    let required = (critical + z_cp).max(0.0).powi(2) * (1.0 + r).powi(2) / (r * delta * delta);
    // The conditional power at the planned events under the estimate.
    let drift = estimate.max(1e-12f64.ln_1p()) * (r * stage_planned).sqrt() / (1.0 + r);
    let cp = normal::upper_tail(critical - drift);
    let zone = re.promising_from.map(|from| {
        if cp < from {
            Zone::Unfavourable
        } else if cp >= re.conditional_power {
            Zone::Favourable
        } else {
            Zone::Promising
        }
    });
    let keep_planned = matches!(zone, Some(Zone::Unfavourable | Zone::Favourable));
    let (events, capped) = if keep_planned {
        (stage_planned, false)
    } else {
        let (lo, hi) = (re.min_events[k] as f64, re.max_events[k] as f64);
        (required.clamp(lo, hi), required > hi)
    };
    NextStage { events, conditional_power_at_planned: cp, capped, zone }
}
