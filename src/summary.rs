//! Folding replicate records into a summary whose memory does not grow with the number of
//! replicates except where quantiles need the values.
//!
//! Means of quantities without quantiles (milestones, patients, per-look events and months)
//! are exact fixed-point sums ([`ExactSum`]): associative, so a summary is the same whatever
//! the order of folding, and shards merge into exactly the single-run summary. Quantities
//! with quantiles (estimates, events, cut month) keep their values: 8 bytes per replicate per
//! quantity, i.e. 8 MB per quantity at R = 10^6; quantiles are R's type 7 on the sorted
//! values, and their means and standard deviations are summed in sorted order, so they too
//! depend only on the set of values.

use crate::analyze::{Layout, field, global, look};

/// A sum of f64 values as a 128-bit fixed-point integer with 52 fractional bits: exact and
/// associative for |x| < 2^40 and up to 2^30 values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactSum {
    total: i128,
    pub count: u64,
}

const SCALE: f64 = (1u64 << 52) as f64;

impl ExactSum {
    pub fn add(&mut self, x: f64) {
        if x.is_finite() {
            self.total += (x * SCALE).round() as i128;
            self.count += 1;
        }
    }

    pub fn merge(&mut self, other: &ExactSum) {
        self.total += other.total;
        self.count += other.count;
    }

    /// The fixed-point total as a decimal string (for shard files).
    pub fn total_string(&self) -> String {
        self.total.to_string()
    }

    pub fn from_parts(total: &str, count: u64) -> Option<ExactSum> {
        Some(ExactSum { total: total.parse().ok()?, count })
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.total as f64 / SCALE / self.count as f64)
    }
}

/// Values kept for quantiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(pub Vec<f64>);

/// Mean, standard deviation and quantiles of a set of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distribution {
    pub mean: f64,
    pub sd: f64,
    pub q025: f64,
    pub q500: f64,
    pub q975: f64,
}

impl Values {
    pub fn describe(&self) -> Option<Distribution> {
        let mut v: Vec<f64> = self.0.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let mean = neumaier(v.iter().copied()) / n;
        let sd =
            if v.len() > 1 { (neumaier(v.iter().map(|x| (x - mean) * (x - mean))) / (n - 1.0)).sqrt() } else { 0.0 };
        Some(Distribution {
            mean,
            sd,
            q025: quantile7(&v, 0.025),
            q500: quantile7(&v, 0.5),
            q975: quantile7(&v, 0.975),
        })
    }
}

/// Compensated summation (Neumaier).
fn neumaier(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for x in xs {
        let t = sum + x;
        c += if sum.abs() >= x.abs() { (sum - t) + x } else { (x - t) + sum };
        sum = t;
    }
    sum + c
}

/// R's default quantile (type 7) of sorted values.
pub fn quantile7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointSummary {
    pub rejections: u64,
    pub rejections_unadjusted: u64,
    pub estimates: Values,
    pub not_estimable: u64,
    /// With an assessment schedule: the estimate with recurrences seen when they happen.
    pub exact_estimates: ExactSum,
    /// Binary and safety endpoints: the Clopper–Pearson limits of the treatment arm's rate.
    pub cp_lower: ExactSum,
    pub cp_upper: ExactSum,
    pub events: Values,
    /// [milestone][treatment, control]
    pub milestones: Vec<[ExactSum; 2]>,
    /// Safety: replicates with at least one grade ≥ 3 event in the treatment arm.
    pub any_grade3: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LookSummary {
    /// Replicates stopping at this look for efficacy (primary endpoint).
    pub efficacy_stops: u64,
    pub futility_stops: u64,
    pub boundary: ExactSum,
    pub events: ExactSum,
    pub cut_month: ExactSum,
    pub patients: ExactSum,
    pub futility: ExactSum,
    /// Replicates in which this look's event target was not reached.
    pub not_reached: u64,
}

/// Everything reported about a run, mergeable across shards.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub replicates: u64,
    pub endpoints: Vec<EndpointSummary>,
    pub looks: Vec<LookSummary>,
    pub cut_month: Values,
    pub patients: ExactSum,
    /// Replicates in which every endpoint in the multiplicity family (or every tested
    /// endpoint) is rejected, and in which at least one is.
    pub all_rejected: u64,
    pub any_rejected: u64,
    /// Replicates whose final cut's event target was not reached (analysed at their last
    /// observation instead).
    pub cut_not_reached: u64,
}

impl Summary {
    pub fn new(layout: &Layout, milestones: &[usize]) -> Summary {
        Summary {
            endpoints: milestones
                .iter()
                .map(|&m| EndpointSummary {
                    milestones: vec![[ExactSum::default(); 2]; m],
                    ..EndpointSummary::default()
                })
                .collect(),
            looks: vec![LookSummary::default(); layout.n_looks],
            ..Summary::default()
        }
    }

    /// Adds another summary of the same scenario (a shard): exact, and independent of order.
    pub fn merge(&mut self, other: &Summary) {
        self.replicates += other.replicates;
        for (e, o) in self.endpoints.iter_mut().zip(&other.endpoints) {
            e.rejections += o.rejections;
            e.rejections_unadjusted += o.rejections_unadjusted;
            e.estimates.0.extend_from_slice(&o.estimates.0);
            e.not_estimable += o.not_estimable;
            e.exact_estimates.merge(&o.exact_estimates);
            e.cp_lower.merge(&o.cp_lower);
            e.cp_upper.merge(&o.cp_upper);
            e.events.0.extend_from_slice(&o.events.0);
            for (m, om) in e.milestones.iter_mut().zip(&o.milestones) {
                m[0].merge(&om[0]);
                m[1].merge(&om[1]);
            }
            e.any_grade3 += o.any_grade3;
        }
        for (l, o) in self.looks.iter_mut().zip(&other.looks) {
            l.efficacy_stops += o.efficacy_stops;
            l.futility_stops += o.futility_stops;
            l.boundary.merge(&o.boundary);
            l.events.merge(&o.events);
            l.cut_month.merge(&o.cut_month);
            l.patients.merge(&o.patients);
            l.futility.merge(&o.futility);
            l.not_reached += o.not_reached;
        }
        self.cut_month.0.extend_from_slice(&other.cut_month.0);
        self.patients.merge(&other.patients);
        self.all_rejected += other.all_rejected;
        self.any_rejected += other.any_rejected;
        self.cut_not_reached += other.cut_not_reached;
    }

    /// Adds one replicate's record. `family`: the endpoints whose joint rejection is counted.
    pub fn add(&mut self, layout: &Layout, family: &[usize], record: &[f64]) {
        self.replicates += 1;
        for (i, e) in self.endpoints.iter_mut().enumerate() {
            let b = layout.endpoint[i];
            e.rejections += (record[b + field::ADJUSTED] == 1.0) as u64;
            e.rejections_unadjusted += (record[b + field::REJECTED] == 1.0) as u64;
            let est = record[b + field::ESTIMATE];
            if est.is_finite() {
                e.estimates.0.push(est);
            } else {
                e.not_estimable += 1;
            }
            e.exact_estimates.add(record[b + field::EXACT_ESTIMATE]);
            e.cp_lower.add(record[b + field::CP_LOWER]);
            e.cp_upper.add(record[b + field::CP_UPPER]);
            e.events.0.push(record[b + field::EVENTS]);
            for (j, m) in e.milestones.iter_mut().enumerate() {
                m[0].add(record[b + field::MILESTONES + 2 * j]);
                m[1].add(record[b + field::MILESTONES + 2 * j + 1]);
            }
            e.any_grade3 += (record[b + field::EXTRA] == 1.0) as u64;
        }
        let stop = record[global::STOP_LOOK] as usize;
        for (k, l) in self.looks.iter_mut().enumerate() {
            let base = layout.looks + look::COUNT * k;
            l.boundary.add(record[base + look::BOUNDARY]);
            l.events.add(record[base + look::EVENTS]);
            l.cut_month.add(record[base + look::CUT_MONTH]);
            l.patients.add(record[base + look::PATIENTS]);
            l.futility.add(record[base + look::FUTILITY]);
            l.not_reached += (record[base + look::REACHED] == 0.0) as u64;
            if k + 1 == stop {
                if record[global::FUTILITY] == 1.0 {
                    l.futility_stops += 1;
                } else if record[base + look::Z] >= record[base + look::BOUNDARY] {
                    l.efficacy_stops += 1;
                }
            }
        }
        self.cut_month.0.push(record[global::CUT_MONTH]);
        self.patients.add(record[global::PATIENTS]);
        self.cut_not_reached += (record[global::CUT_REACHED] == 0.0) as u64;
        if !family.is_empty() {
            let rejected = family.iter().filter(|&&i| record[layout.endpoint[i] + field::ADJUSTED] == 1.0).count();
            self.all_rejected += (rejected == family.len()) as u64;
            self.any_rejected += (rejected > 0) as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_sums_are_associative() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1013) as f64 / 997.0).collect();
        let mut a = ExactSum::default();
        xs.iter().for_each(|&x| a.add(x));
        let (mut b, mut c) = (ExactSum::default(), ExactSum::default());
        xs[..333].iter().rev().for_each(|&x| b.add(x));
        xs[333..].iter().for_each(|&x| c.add(x));
        c.merge(&b);
        assert_eq!(a, c);
    }

    #[test]
    fn quantiles_follow_r_type_7() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile7(&v, 0.025) - 1.225).abs() < 1e-12);
        assert_eq!(quantile7(&v, 0.5), 5.5);
    }
}
