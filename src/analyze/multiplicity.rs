//! The multiplicity procedure over the family at the final analysis (the named methods and
//! any graph, through `stats::graph`).

use super::*;

impl Plan<'_> {
    pub(super) fn multiplicity(&self, record: &mut [f64]) {
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
