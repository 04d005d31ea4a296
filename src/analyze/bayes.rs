//! A Bayesian rule on a response (`test = "bayesian"`, a single arm against a rate, or
//! `"bayesian_difference"`, two arms): its interims on the first patients of the compared arms
//! by entry (as Simon's stage 1), Go when the posterior probability of the alternative exceeds
//! the threshold, No-Go when the predictive probability of a final Go falls below the futility
//! level, and the final decision on every patient. The posterior and predictive probabilities
//! are closed forms (`stats::bayes`), memoised by the counts they depend on.

use super::*;
use crate::stats::bayes::{self, BetaMixture};

/// What a Bayesian rule decides on one trial.
#[derive(Debug, Clone, Copy)]
pub struct BayesDecision {
    /// The 1-based interim at which the rule stopped the trial (0: the final analysis).
    pub stop: usize,
    pub go: bool,
    /// The posterior probability of the alternative at the decision.
    pub posterior: f64,
    /// The counts the decision rests on.
    pub counts: binary::TwoByTwo,
    /// At an interim stop: the last entry among the interim's patients and the interim's
    /// month (the last of their assessments).
    pub at: Option<(f64, f64)>,
}

/// The alternative a rule's posterior probability is of.
#[derive(Clone, Copy)]
enum Target {
    /// p > p0 (a single arm).
    Rate(f64),
    /// p_t − p_c > δ (two arms).
    Difference(f64),
}

/// A binary endpoint's Bayesian rule and its target (None for another test).
fn rule_of(ep: &Endpoint) -> Option<(&BayesRule, Target)> {
    let EndpointKind::Binary { test, null_difference, .. } = &ep.kind else { return None };
    match test {
        BinaryTest::Bayesian { null_rate, rule } => Some((rule, Target::Rate(*null_rate))),
        BinaryTest::BayesianDifference { rule } => Some((rule, Target::Difference(*null_difference))),
        BinaryTest::ExactBinomial { .. }
        | BinaryTest::SimonTwoStage { .. }
        | BinaryTest::Fisher
        | BinaryTest::ChiSquare { .. }
        | BinaryTest::GComputation { .. }
        | BinaryTest::Weighted { .. } => None,
    }
}

/// The planned final patients of a rule's arms (treatment, control): the sample size times the
/// arm's allocation share, rounded down, as the predictive probability assumes them.
pub fn planned_arms(s: &Scenario, ep: &Endpoint) -> (u64, u64) {
    let n = s.enrollment().sample_size;
    let t = crate::scenario::planned_assessed(n, s.arms(), ep.treatment, None) as u64;
    let c = ep.control.map_or(0, |c| crate::scenario::planned_assessed(n, s.arms(), c, None) as u64);
    (t, c)
}

impl Plan<'_> {
    /// The posterior probability of the rule's alternative with counts `t`.
    fn bayes_posterior(
        e: usize,
        rule: &BayesRule,
        target: Target,
        t: binary::TwoByTwo,
        memo: &mut super::BayesMemo,
    ) -> f64 {
        let key = [e as u64, t.x_treatment, t.n_treatment, t.x_control, t.n_control];
        *memo.posterior.entry(key).or_insert_with(|| {
            let treated = rule.prior.update(t.x_treatment, t.n_treatment);
            match target {
                Target::Rate(p0) => treated.above(p0),
                Target::Difference(delta) => {
                    let control = rule.control_prior.as_ref().expect("validated: two arms have a control prior");
                    treated.difference_above(&control.update(t.x_control, t.n_control), delta)
                }
            }
        })
    }

    /// The predictive probability of a final Go with interim counts `t`.
    fn bayes_predictive(
        &self,
        e: usize,
        rule: &BayesRule,
        target: Target,
        t: binary::TwoByTwo,
        memo: &mut super::BayesMemo,
    ) -> f64 {
        let key = [e as u64, t.x_treatment, t.n_treatment, t.x_control, t.n_control];
        if let Some(&p) = memo.predictive.get(&key) {
            return p;
        }
        let (total_t, total_c) = planned_arms(self.scenario, &self.scenario.endpoints()[e]);
        let p = match target {
            Target::Rate(p0) => {
                let total = total_t.max(t.n_treatment);
                rule.prior.predictive_success(t.x_treatment, t.n_treatment, total, p0, rule.threshold).0
            }
            Target::Difference(delta) => {
                let control: &BetaMixture =
                    rule.control_prior.as_ref().expect("validated: two arms have a control prior");
                let needed = memo.needed.entry([e as u64, total_t, total_c]).or_insert_with(|| {
                    bayes::difference_needed(&rule.prior, control, total_t, total_c, delta, rule.threshold)
                });
                bayes::predictive_difference(
                    &rule.prior,
                    control,
                    (t.x_treatment, t.n_treatment, total_t),
                    (t.x_control, t.n_control, total_c),
                    needed,
                )
            }
        };
        memo.predictive.insert(key, p);
        p
    }

    /// Endpoint `e`'s Bayesian decision on `trial` analysed at `cut_month` (None when its test
    /// is not a Bayesian rule). Interim k takes the first `looks[k]` patients of the compared
    /// arms by entry, once all of them are due for the assessment (an interim the trial has not
    /// the patients for, or that falls after the cut, is not held); Go is checked before No-Go.
    pub(super) fn bayes_decision(
        &self,
        e: usize,
        trial: &Trial,
        cut_month: f64,
        scratch: &mut Scratch,
    ) -> Option<BayesDecision> {
        let s = self.scenario;
        let ep = &s.endpoints()[e];
        let (rule, target) = rule_of(ep)?;
        if scratch.bayes.posterior.len() + scratch.bayes.predictive.len() >= 1 << 16 {
            scratch.bayes = super::BayesMemo::default();
        }
        let EndpointKind::Binary { response, .. } = ep.kind else { unreachable!("a Bayesian rule is on a response") };
        let patients = &trial.patients;
        if !rule.looks.is_empty() {
            let compared = |a: u8| a as usize == ep.treatment || Some(a as usize) == ep.control;
            scratch.order.clear();
            scratch.order.extend((0..patients.len()).filter(|&j| compared(patients[j].arm)));
            scratch.order.sort_unstable_by(|&a, &b| patients[a].entry.total_cmp(&patients[b].entry));
        }
        let due = |j: usize| {
            let p = &patients[j];
            p.entry + s.cohorts()[p.cohort as usize].responses[response].as_ref().map_or(0.0, |r| r.assessed_at_months)
        };
        for (k, &nk) in rule.looks.iter().enumerate() {
            let nk = nk as usize;
            if scratch.order.len() < nk {
                break;
            }
            let month = scratch.order[..nk].iter().map(|&j| due(j)).fold(f64::NEG_INFINITY, f64::max);
            if month > cut_month {
                break;
            }
            let mut t = binary::TwoByTwo { x_treatment: 0, n_treatment: 0, x_control: 0, n_control: 0 };
            for &j in &scratch.order[..nk] {
                let responded = assessed_response(s, response, &patients[j], &trial.marks(j), month) == Some(true);
                if patients[j].arm as usize == ep.treatment {
                    t.n_treatment += 1;
                    t.x_treatment += responded as u64;
                } else {
                    t.n_control += 1;
                    t.x_control += responded as u64;
                }
            }
            let posterior = Self::bayes_posterior(e, rule, target, t, &mut scratch.bayes);
            let at = Some((patients[scratch.order[nk - 1]].entry, month));
            if rule.early_success && posterior > rule.threshold {
                return Some(BayesDecision { stop: k + 1, go: true, posterior, counts: t, at });
            }
            if let Some(f) = rule.futility
                && self.bayes_predictive(e, rule, target, t, &mut scratch.bayes) < f
            {
                return Some(BayesDecision { stop: k + 1, go: false, posterior, counts: t, at });
            }
        }
        let t = self.counts_at(e, trial, cut_month);
        let posterior = Self::bayes_posterior(e, rule, target, t, &mut scratch.bayes);
        Some(BayesDecision { stop: 0, go: posterior > rule.threshold, posterior, counts: t, at: None })
    }
}
