//! The multiplicity procedure over the family at the final analysis: every method, named or
//! graphical, through its graph (`stats::graph`, Bretz et al. 2009).

use super::*;

impl Plan<'_> {
    pub(super) fn multiplicity(&self, record: &mut [f64]) {
        let s = self.scenario;
        for b in &self.layout.endpoint {
            record[b + field::ADJUSTED] = record[b + field::REJECTED];
        }
        let Some(m) = &s.analysis().multiplicity else { return };
        let base = |e: usize| self.layout.endpoint[e];
        let ps: Vec<f64> = m.endpoints.iter().map(|&e| member_p(m.method, &record[base(e)..])).collect();
        for (&e, r) in m.endpoints.iter().zip(m.graph.test(&ps, m.alpha)) {
            record[base(e) + field::ADJUSTED] = r as u8 as f64;
        }
    }
}

/// What the graph compares with a member's level α·wⱼ: its p-value, or for the fixed sequence
/// its own test's decision (0 when it rejects, 1 when not). A fixed sequence tests each member
/// at the full α once those before it are rejected (weight 1, else 0), where its own test
/// decides, which for Simon's two-stage design has no p-value.
fn member_p(method: MultiplicityMethod, fields: &[f64]) -> f64 {
    match method {
        MultiplicityMethod::FixedSequence => {
            if fields[field::REJECTED] == 1.0 {
                0.0
            } else {
                1.0
            }
        }
        MultiplicityMethod::Holm
        | MultiplicityMethod::Bonferroni
        | MultiplicityMethod::Fallback
        | MultiplicityMethod::Graphical => fields[field::P],
    }
}
