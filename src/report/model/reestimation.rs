//! Event re-estimation's rule at the first interim as a function of the interim z (the
//! promising-zone picture): the same rule every trial follows (`design::sequential::next_stage`),
//! evaluated on a grid for the report's pictures.

use super::looks::ReestimationRule;
use crate::design::sequential::{Design, Zone, design_bounds, information, next_stage, planned_look_events};
use crate::scenario::Scenario;

/// The rule of endpoint `e`'s re-estimation at its first interim, where the scenario has one.
pub fn rule(
    s: &Scenario,
    e: usize,
    planning: &crate::cut::Planning,
    capped_share: Option<f64>,
) -> Option<ReestimationRule> {
    let re = s.analysis().reestimation.as_ref()?;
    let n = s.analysis().looks.count();
    if n < 2 || s.monitored() != Some(e) {
        return None;
    }
    let ep = &s.endpoints()[e];
    let control = ep.control?;
    let r = s.arms()[ep.treatment].allocation as f64 / s.arms()[control].allocation as f64;
    let (keep, t, _) = information(&planning.fractions, 1.0);
    let (eff, _) = design_bounds(s, Design::own(s, e, true, true), n, &keep, &t, &t);
    let planned = planned_look_events(planning, e, n);
    let d = planned[0] as f64;
    let stage_planned = (planned[1] - planned[0]) as f64;
    let t = &planning.fractions;
    let top = eff[0].min(6.0);
    let points = (0..=160)
        .map(|j| -2.0 + (top + 2.0) * j as f64 / 160.0)
        .map(|z| {
            let next = next_stage(re, 0, t, &eff, z, z, d, stage_planned, r, ep.null_hazard_ratio());
            let zone = next.zone.map(|zone| match zone {
                Zone::Unfavourable => 0u8,
                Zone::Promising => 1,
                Zone::Favourable => 2,
            });
            (z, next.events, next.conditional_power_at_planned, zone)
        })
        .collect();
    Some(ReestimationRule {
        interim_events: d,
        planned_stage: stage_planned,
        min_stage: re.min_events[0] as f64,
        max_stage: re.max_events[0] as f64,
        target: re.conditional_power,
        promising_from: re.promising_from,
        boundary: eff[0],
        points,
        capped_share,
    })
}
