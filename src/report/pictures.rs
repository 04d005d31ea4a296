//! What only the pictures need, added to a run's report before plots or HTML are drawn (never
//! serialised, so the JSON of a run is the same with or without pictures): each curve's model
//! overlay ([`crate::design::truth`]) and the example trials' own curves, re-simulated from
//! their replicate numbers (replicate i depends only on the scenario, the seed and i).

use super::model::RunReport;
use crate::scenario::{EndpointKind, Scenario};

/// Fills the model curves and the example trials' steps of `report`, a run of `s`.
pub fn complete(report: &mut RunReport, s: &Scenario) {
    for (i, e) in report.endpoints.iter_mut().enumerate() {
        let Some(c) = &mut e.curves else { continue };
        if let Some(model) = crate::design::truth::curves(s, i, &c.months) {
            for ((_, arm), m) in c.arms.0.iter_mut().zip(model) {
                arm.model = Some(m);
            }
            c.model_method = Some(crate::design::truth::method());
        }
    }
    spending(report, s);
    let Some(pe) = s.primary().filter(|&i| match s.endpoints()[i].kind {
        EndpointKind::TimeToEvent { .. } => true,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
    }) else {
        return;
    };
    for ex in &mut report.examples {
        let (trial, cut) = crate::engine::sample_trial(s, ex.replicate);
        ex.cut_month = Some(cut);
        (ex.steps, ex.at_risk) = steps(s, pe, &trial.patients, cut).into_iter().unzip();
    }
}

/// An arm's steps and its numbers at risk.
type ArmSteps = ((String, Vec<(f64, f64)>), Vec<(f64, u32)>);

/// Each arm's Kaplan–Meier (or cumulative incidence) steps of endpoint `i` in one trial at
/// its analysis month `cut`: (month, value) at 0, at each event and at the arm's last
/// observation; and its patients at risk (observed to at least the month) every 12 months up
/// to its last observation; treatment first.
fn steps(s: &Scenario, i: usize, patients: &[crate::simulate::Patient], cut: f64) -> Vec<ArmSteps> {
    let e = &s.endpoints()[i];
    let competing = match &e.kind {
        EndpointKind::TimeToEvent { competing, .. } => competing,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return Vec::new(),
    };
    let Some(spec) = crate::cut::TteSpec::new(s, &e.kind) else { return Vec::new() };
    let competing = !competing.is_empty();
    let mut outcomes = Vec::new();
    crate::cut::outcomes(&spec, patients, s.assessments(), &mut outcomes, None);
    std::iter::once(e.treatment)
        .chain(e.control)
        .map(|arm| {
            let mut obs: Vec<(f64, u8)> = patients
                .iter()
                .zip(&outcomes)
                .filter(|(p, _)| p.arm as usize == arm)
                .filter_map(|(p, &o)| crate::cut::observe(p, o, cut))
                .collect();
            let mut out = crate::stats::km::steps(&mut obs, competing);
            let last = obs.last().map_or(0.0, |o| o.0);
            let end = out.last().map_or(1.0, |p| p.1);
            out.push((last, end));
            let at_risk = (0..)
                .map(|k| 12.0 * k as f64)
                .take_while(|&m| m <= last)
                .map(|m| (m, obs.iter().filter(|o| o.0 >= m).count() as u32))
                .collect();
            ((s.arms()[arm].name.clone(), out), at_risk)
        })
        .collect()
}

/// The spending functions of the endpoint monitored at the looks, on 101 information fractions:
/// alpha at its level (`analysis.spending`), beta of a beta-spending futility bound.
fn spending(report: &mut RunReport, s: &Scenario) {
    let Some(pe) = s.monitored() else { return };
    let e = &s.endpoints()[pe];
    let Some(r) = report.endpoints.get_mut(pe).filter(|r| r.looks.as_ref().is_some_and(|l| l.len() > 1)) else {
        return;
    };
    let grid = |sp: crate::stats::spending::Spending, level: f64| -> Vec<(f64, f64)> {
        (0..=100).map(|k| k as f64 / 100.0).map(|t| (t, crate::stats::spending::spent(sp, level, t))).collect()
    };
    let a = s.analysis();
    let beta = match a.futility {
        Some(crate::scenario::Futility::BetaSpending { spending, beta }) => {
            Some((format!("beta spent ({}, beta {beta})", spending.name()), grid(spending, beta)))
        }
        Some(crate::scenario::Futility::Z(_) | crate::scenario::Futility::ConditionalPower { .. }) | None => None,
    };
    r.spending = Some(super::model::SpendingCurves {
        alpha: (format!("alpha spent ({}, alpha {})", a.spending.name(), e.alpha), grid(a.spending, e.alpha)),
        beta,
    });
}
