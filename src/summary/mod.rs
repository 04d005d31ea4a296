//! Folding replicate records into a summary whose memory does not grow with the number of
//! replicates.
//!
//! Means are exact fixed-point sums ([`ExactSum`]): associative, so a summary is the same
//! whatever the order of folding, and shards merge into exactly the single-run summary.
//! Distributions for pictures and spreads (curves on a time grid, milestones, each look's z,
//! events, patients and month) are histograms of fixed bins ([`Bins`]): exact counts, fixed
//! memory, quantiles to within a bin. The three quantities reported with R's quantiles (each
//! endpoint's estimate and events, the analysis month) are [`Values`]: the values themselves
//! up to [`EXACT_LIMIT`] of them (R's type 7 on the sorted values, means and standard
//! deviations summed in sorted order, so they depend only on the set of values), beyond that a
//! [`Sketch`] of fixed relative resolution whose quantiles are within 2^-10 of the value's
//! magnitude and whose means are exact sums. Which of the two a summary holds depends only on
//! how many values it holds, so merged shards equal a single run either way.

mod bins;
mod exact;
mod values;

pub use bins::{Bins, CURVE_BINS, CohortSummary, CurvePoint};
pub use exact::ExactSum;
pub use values::{Bucket, Distribution, EXACT_LIMIT, SKETCH_BITS, Sketch, Values, bucket_key, quantile7};

use crate::analyze::{Layout, Stop, field, global, look, stopped};

/// The example trials a report draws: the first replicate (lowest index) of each kind.
pub mod example {
    /// Stopped for efficacy at an interim look.
    pub const STOPPED_EARLY: usize = 0;
    /// Went on to the final analysis and rejected there.
    pub const CONTINUED: usize = 1;
    /// Did not reject the primary endpoint.
    pub const FAILED: usize = 2;
    pub const COUNT: usize = 3;
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointSummary {
    pub rejections: u64,
    pub rejections_unadjusted: u64,
    /// Time to event: trials whose test statistic could not be computed (an RMST or milestone
    /// difference with an arm followed for less than τ, a log-rank without variance); they
    /// count as not rejecting.
    pub untested: u64,
    pub estimates: Values,
    pub not_estimable: u64,
    /// With an assessment schedule: the estimate with recurrences seen when they happen.
    pub exact_estimates: ExactSum,
    /// Binary and safety endpoints: the Clopper–Pearson limits of the treatment arm's rate.
    pub cp_lower: ExactSum,
    pub cp_upper: ExactSum,
    pub events: Values,
    /// [milestone][treatment, control]
    pub milestones: Vec<[CurvePoint; 2]>,
    /// Safety: replicates with at least one grade ≥ 3 event in the treatment arm.
    pub any_grade3: u64,
    /// Replicates whose 95% interval of the estimate holds the scenario's true value, of those
    /// with an interval (`interval_count`).
    pub covered: u64,
    pub interval_count: u64,
    /// Simon's two-stage design: trials stopped after stage 1, and the patients used.
    pub stage1_stops: u64,
    pub patients_used: ExactSum,
    /// A Bayesian rule: the posterior probability of the alternative at each trial's decision,
    /// and by interim the trials that stopped there with a Go and with a No-Go.
    pub posterior: ExactSum,
    pub own_stops: Vec<[u64; 2]>,
    /// Time to event: per grid month ([`Layout::grid`]), [treatment, control] survival (or
    /// cumulative incidence with competing events) at the analysis where each trial stops.
    pub curves: Vec<[CurvePoint; 2]>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LookSummary {
    /// Replicates stopping at this look for efficacy (primary endpoint).
    pub efficacy_stops: u64,
    pub futility_stops: u64,
    /// Replicates stopping here (or, at the final look, concluding) for harm.
    pub harm_stops: u64,
    /// The harm bound (finite values only). It, the boundary, events, month, patients and
    /// futility bound are summed over the trials that reach the look.
    pub harm: ExactSum,
    pub boundary: ExactSum,
    pub events: ExactSum,
    pub cut_month: ExactSum,
    pub patients: ExactSum,
    pub futility: ExactSum,
    /// Replicates in which this look's event target was not reached.
    pub not_reached: u64,
    /// Replicates in which this interim came (as planned) after the last patient was enrolled.
    pub after_enrolment: u64,
    /// With event re-estimation: replicates whose next stage's required events exceeded its
    /// maximum at this interim.
    pub capped: u64,
    /// Distributions over every replicate (the look's values had the trial gone on to it).
    pub z_bins: Bins,
    pub events_bins: Bins,
    pub patients_bins: Bins,
    pub month_bins: Bins,
    /// With `report_conditional_power`: the monitored endpoint's conditional power under the
    /// trial's estimate, the scenario's hazard ratio and the user's, and the predictive
    /// probability (in the order of `look::CP_ESTIMATE`, `CP_ASSUMED`, `CP_USER`,
    /// `CP_PREDICTIVE`), over the trials that reach the look.
    pub conditional_power: Vec<ConditionalPowerSummary>,
}

/// The monitored endpoint's inference at stopping over the replicates ([`Layout::inference`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoppingSummary {
    /// The median-unbiased hazard ratios.
    pub estimates: Values,
    /// The stage-wise p-values.
    pub p_values: Values,
    /// The limits of the 1 − 2α intervals.
    pub lower: ExactSum,
    pub upper: ExactSum,
    /// Trials without inference (stopped for non-binding futility or harm before the last look).
    pub none: u64,
    /// Trials whose interval holds the true hazard ratio, of those with one and a true value.
    pub covered: u64,
    pub intervals: u64,
    /// Trials all of whose repeated intervals hold it, of those with a true value.
    pub rci_covered: u64,
    pub rci_trials: u64,
}

impl StoppingSummary {
    fn add(&mut self, at: usize, record: &[f64]) {
        use crate::analyze::inference as f;
        let mue = record[at + f::MEDIAN_UNBIASED];
        if mue.is_finite() {
            self.estimates.push(mue);
            self.p_values.push(record[at + f::P]);
            self.lower.add(record[at + f::LOWER]);
            self.upper.add(record[at + f::UPPER]);
        } else {
            self.none += 1;
        }
        let covers = record[at + f::COVERS];
        self.covered += (covers == 1.0) as u64;
        self.intervals += covers.is_finite() as u64;
        let rci = record[at + f::RCI_COVERS];
        self.rci_covered += (rci == 1.0) as u64;
        self.rci_trials += rci.is_finite() as u64;
    }

    fn merge(&mut self, o: &StoppingSummary) {
        self.estimates.merge(&o.estimates);
        self.p_values.merge(&o.p_values);
        self.lower.merge(&o.lower);
        self.upper.merge(&o.upper);
        self.none += o.none;
        self.covered += o.covered;
        self.intervals += o.intervals;
        self.rci_covered += o.rci_covered;
        self.rci_trials += o.rci_trials;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConditionalPowerSummary {
    pub sum: ExactSum,
    /// 200 bins over [0, 1].
    pub bins: Bins,
}

impl ConditionalPowerSummary {
    pub fn new() -> ConditionalPowerSummary {
        ConditionalPowerSummary { sum: ExactSum::default(), bins: Bins::new(0.0, 0.005, 200, false) }
    }
}

impl Default for ConditionalPowerSummary {
    fn default() -> Self {
        Self::new()
    }
}

/// Bins of a look's z statistic: 0.05 wide over [−10, 10].
fn z_bins() -> Bins {
    Bins::new(-10.0, 0.05, 400, false)
}

/// Bins of counts up to `n`: of width 1 up to 1023, wider beyond (1024 bins).
fn count_bins(n: f64) -> Bins {
    Bins::new(0.0, ((n + 1.0) / 1024.0).ceil().max(1.0), 1024, true)
}

/// Bins of a look's calendar month: 400 over [0, 4 × horizon].
fn month_bins(horizon: f64) -> Bins {
    Bins::new(0.0, (4.0 * horizon.max(1.0) / 400.0).max(1e-3), 400, false)
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
    /// The first replicate of each kind of [`example`] (None where none is).
    pub examples: [Option<u64>; example::COUNT],
    /// The primary endpoint's estimate within each cohort ([`Layout::cohorts`]; empty without).
    pub cohorts: Vec<CohortSummary>,
    /// The monitored endpoint's inference at stopping ([`Layout::inference`]; None without).
    pub stopping: Option<StoppingSummary>,
}

impl Summary {
    pub fn new(layout: &Layout) -> Summary {
        let look = LookSummary {
            z_bins: z_bins(),
            events_bins: count_bins(layout.sample_size as f64),
            patients_bins: count_bins(layout.sample_size as f64),
            month_bins: month_bins(layout.horizon),
            conditional_power: if layout.conditional_power {
                vec![ConditionalPowerSummary::new(); 4]
            } else {
                Vec::new()
            },
            ..LookSummary::default()
        };
        Summary {
            endpoints: (0..layout.endpoint.len())
                .map(|i| EndpointSummary {
                    milestones: vec![[CurvePoint::new(), CurvePoint::new()]; layout.milestones[i]],
                    curves: match layout.curves[i] {
                        Some(_) => vec![[CurvePoint::new(), CurvePoint::new()]; layout.grid.len()],
                        None => Vec::new(),
                    },
                    ..EndpointSummary::default()
                })
                .collect(),
            looks: vec![look; layout.n_looks],
            cohorts: match layout.cohorts {
                Some(_) => vec![CohortSummary::new(); layout.n_cohorts],
                None => Vec::new(),
            },
            stopping: layout.inference.map(|_| StoppingSummary::default()),
            ..Summary::default()
        }
    }

    /// Adds another summary of the same scenario (a shard): exact, and independent of order.
    pub fn merge(&mut self, other: &Summary) {
        self.replicates += other.replicates;
        for (e, o) in self.endpoints.iter_mut().zip(&other.endpoints) {
            e.rejections += o.rejections;
            e.rejections_unadjusted += o.rejections_unadjusted;
            e.untested += o.untested;
            e.estimates.merge(&o.estimates);
            e.not_estimable += o.not_estimable;
            e.exact_estimates.merge(&o.exact_estimates);
            e.cp_lower.merge(&o.cp_lower);
            e.cp_upper.merge(&o.cp_upper);
            e.events.merge(&o.events);
            for (m, om) in e.milestones.iter_mut().zip(&o.milestones).chain(e.curves.iter_mut().zip(&o.curves)) {
                m[0].merge(&om[0]);
                m[1].merge(&om[1]);
            }
            e.any_grade3 += o.any_grade3;
            e.covered += o.covered;
            e.stage1_stops += o.stage1_stops;
            e.patients_used.merge(&o.patients_used);
            e.posterior.merge(&o.posterior);
            if e.own_stops.len() < o.own_stops.len() {
                e.own_stops.resize(o.own_stops.len(), [0, 0]);
            }
            for (a, b) in e.own_stops.iter_mut().zip(&o.own_stops) {
                a[0] += b[0];
                a[1] += b[1];
            }
            e.interval_count += o.interval_count;
        }
        for (l, o) in self.looks.iter_mut().zip(&other.looks) {
            l.efficacy_stops += o.efficacy_stops;
            l.futility_stops += o.futility_stops;
            l.harm_stops += o.harm_stops;
            l.harm.merge(&o.harm);
            l.boundary.merge(&o.boundary);
            l.events.merge(&o.events);
            l.cut_month.merge(&o.cut_month);
            l.patients.merge(&o.patients);
            l.futility.merge(&o.futility);
            l.not_reached += o.not_reached;
            l.after_enrolment += o.after_enrolment;
            l.capped += o.capped;
            l.z_bins.merge(&o.z_bins);
            l.events_bins.merge(&o.events_bins);
            l.patients_bins.merge(&o.patients_bins);
            l.month_bins.merge(&o.month_bins);
            for (c, oc) in l.conditional_power.iter_mut().zip(&o.conditional_power) {
                c.sum.merge(&oc.sum);
                c.bins.merge(&oc.bins);
            }
        }
        for (c, o) in self.cohorts.iter_mut().zip(&other.cohorts) {
            c.merge(o);
        }
        if let (Some(a), Some(b)) = (self.stopping.as_mut(), other.stopping.as_ref()) {
            a.merge(b);
        }
        for (a, b) in self.examples.iter_mut().zip(other.examples) {
            *a = match (*a, b) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
        }
        self.cut_month.merge(&other.cut_month);
        self.patients.merge(&other.patients);
        self.all_rejected += other.all_rejected;
        self.any_rejected += other.any_rejected;
        self.cut_not_reached += other.cut_not_reached;
    }

    /// Adds replicate `replicate`'s record. `family`: the endpoints whose joint rejection is
    /// counted; `primary`: the endpoint whose decision classes the example trials.
    pub fn add(&mut self, layout: &Layout, family: &[usize], primary: Option<usize>, replicate: u64, record: &[f64]) {
        self.replicates += 1;
        for (i, e) in self.endpoints.iter_mut().enumerate() {
            let b = layout.endpoint[i];
            e.rejections += (record[b + field::ADJUSTED] == 1.0) as u64;
            e.rejections_unadjusted += (record[b + field::REJECTED] == 1.0) as u64;
            e.untested += (layout.curves[i].is_some() && !record[b + field::Z].is_finite()) as u64;
            let est = record[b + field::ESTIMATE];
            if est.is_finite() {
                e.estimates.push(est);
            } else {
                e.not_estimable += 1;
            }
            e.exact_estimates.add(record[b + field::EXACT_ESTIMATE]);
            e.cp_lower.add(record[b + field::CP_LOWER]);
            e.cp_upper.add(record[b + field::CP_UPPER]);
            e.events.push(record[b + field::EVENTS]);
            for (j, m) in e.milestones.iter_mut().enumerate() {
                m[0].add(record[b + field::MILESTONES + 2 * j]);
                m[1].add(record[b + field::MILESTONES + 2 * j + 1]);
            }
            e.any_grade3 += (record[b + field::EXTRA] == 1.0) as u64;
            e.stage1_stops += (record[b + field::STAGE1_STOP] >= 1.0) as u64;
            e.patients_used.add(record[b + field::PATIENTS_USED]);
            let posterior = record[b + field::POSTERIOR];
            if posterior.is_finite() {
                e.posterior.add(posterior);
                let stop = record[b + field::STAGE1_STOP] as usize;
                if stop >= 1 {
                    if e.own_stops.len() < stop {
                        e.own_stops.resize(stop, [0, 0]);
                    }
                    e.own_stops[stop - 1][(record[b + field::REJECTED] != 1.0) as usize] += 1;
                }
            }
            let covers = record[b + field::COVERS];
            e.covered += (covers == 1.0) as u64;
            e.interval_count += covers.is_finite() as u64;
            if let Some(c) = layout.curves[i] {
                for (k, point) in e.curves.iter_mut().enumerate() {
                    point[0].add(record[c + 2 * k]);
                    point[1].add(record[c + 2 * k + 1]);
                }
            }
        }
        let (stop, why) = stopped(layout, record);
        for (k, l) in self.looks.iter_mut().enumerate() {
            let base = layout.looks + look::COUNT * k;
            // The look's events, month, patients and bounds over the trials that reach it
            // (rpact's convention): a trial stopped at an earlier look has none.
            if k < stop {
                l.boundary.add(record[base + look::BOUNDARY]);
                l.events.add(record[base + look::EVENTS]);
                l.cut_month.add(record[base + look::CUT_MONTH]);
                l.patients.add(record[base + look::PATIENTS]);
                l.futility.add(record[base + look::FUTILITY]);
                l.harm.add(record[base + look::HARM]);
            }
            l.not_reached += (record[base + look::REACHED] == 0.0) as u64;
            l.after_enrolment += (k + 1 < layout.n_looks
                && record[base + look::REACHED] == 1.0
                && record[base + look::PATIENTS] >= layout.sample_size as f64) as u64;
            l.capped += (record[base + look::CAPPED] == 1.0) as u64;
            l.z_bins.add(record[base + look::Z]);
            l.events_bins.add(record[base + look::EVENTS]);
            l.patients_bins.add(record[base + look::PATIENTS]);
            l.month_bins.add(record[base + look::CUT_MONTH]);
            let fields = [look::CP_ESTIMATE, look::CP_ASSUMED, look::CP_USER, look::CP_PREDICTIVE];
            for (c, f) in l.conditional_power.iter_mut().zip(fields) {
                c.sum.add(record[base + f]);
                c.bins.add(record[base + f]);
            }
            if k + 1 == stop {
                match why {
                    Stop::Harm => l.harm_stops += 1,
                    Stop::Futility => l.futility_stops += 1,
                    Stop::Efficacy => l.efficacy_stops += 1,
                    Stop::Final => {}
                }
            }
        }
        self.cut_month.push(record[global::CUT_MONTH]);
        self.patients.add(record[global::PATIENTS]);
        self.cut_not_reached += (record[global::CUT_REACHED] == 0.0) as u64;
        if !family.is_empty() {
            let rejected = family.iter().filter(|&&i| record[layout.endpoint[i] + field::ADJUSTED] == 1.0).count();
            self.all_rejected += (rejected == family.len()) as u64;
            self.any_rejected += (rejected > 0) as u64;
        }
        if let Some(at) = layout.cohorts {
            for (k, c) in self.cohorts.iter_mut().enumerate() {
                c.add(record[at + k]);
            }
        }
        if let (Some(at), Some(st)) = (layout.inference, self.stopping.as_mut()) {
            st.add(at, record);
        }
        if let Some(pe) = primary {
            let kind = if record[layout.endpoint[pe] + field::ADJUSTED] != 1.0 {
                example::FAILED
            } else if stop < layout.n_looks {
                example::STOPPED_EARLY
            } else {
                example::CONTINUED
            };
            self.examples[kind].get_or_insert(replicate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exact::fixed;
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
    fn the_fixed_point_conversion_is_round_half_away_from_zero() {
        for y in [
            0.0,
            0.4999999999999999,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            -2.4999,
            4503599627370495.5,
            9.0e18,
            -9.0e18,
            1e19,
            -3e25,
        ] {
            assert_eq!(fixed(y), y.round() as i128, "{y}");
        }
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let y = f64::from_bits(state) % 1e20;
            if y.is_finite() {
                assert_eq!(fixed(y), y.round() as i128, "{y}");
            }
        }
    }

    #[test]
    fn bins_count_and_place_every_value() {
        let mut b = Bins::new(0.0, 0.25, 4, false);
        for x in [-0.1, 0.0, 0.1, 0.25, 0.6, 0.99, 1.0, 1.01, f64::NAN] {
            b.add(x);
        }
        assert_eq!((b.below, b.counts.clone(), b.above), (1, vec![2, 1, 1, 2], 1));
        assert_eq!(b.total(), 8);
        // The median of 8 values: the 4th falls in bin 1, linear within it.
        assert_eq!(b.quantile(0.5), Some(0.25 + 0.25 * (4.0 - 3.0) / 1.0));
        let mut d = Bins::new(0.0, 1.0, 10, true);
        for x in [3.0, 3.0, 4.0, 7.0] {
            d.add(x);
        }
        assert_eq!((d.quantile(0.5), d.quantile(0.975)), (Some(3.0), Some(7.0)));
    }

    #[test]
    fn quantiles_follow_r_type_7() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile7(&v, 0.025) - 1.225).abs() < 1e-12);
        assert_eq!(quantile7(&v, 0.5), 5.5);
    }

    fn lognormal(n: usize, seed: u64) -> Vec<f64> {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let z: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut rng);
                (0.25 * z - 0.3).exp() * if rng.random::<f64>() < 1e-4 { 50.0 } else { 1.0 }
            })
            .collect()
    }

    /// Beyond the exact limit the quantiles are within the sketch's resolution of R's type 7 on
    /// the values, the means and standard deviations agree to rounding, and the sketch of the
    /// whole equals the merge of sketched and unsketched parts in any order.
    #[test]
    fn a_sketch_keeps_quantiles_to_its_resolution_and_merges_exactly() {
        let xs = lognormal(EXACT_LIMIT * 3 / 2, 7);
        let mut whole = Values::default();
        xs.iter().for_each(|&x| whole.push(x));
        assert!(!whole.is_exact());
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let d = whole.describe().unwrap();
        for (p, q) in [(0.025, d.q025), (0.5, d.q500), (0.975, d.q975)] {
            let exact = quantile7(&sorted, p);
            assert!((q - exact).abs() <= exact.abs() * 2f64.powi(-(SKETCH_BITS as i32)), "{p}: {q} against {exact}");
        }
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt();
        assert!((d.mean - mean).abs() < 1e-12 && (d.sd - sd).abs() < 1e-9, "{d:?} against {mean} {sd}");
        let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
        let lm = logs.iter().sum::<f64>() / n;
        assert!((whole.log_moments().unwrap().0 - lm).abs() < 1e-12);
        let mse = xs.iter().map(|x| (x - 0.7) * (x - 0.7)).sum::<f64>() / n;
        assert!((whole.mean_squared_error(0.7).unwrap() - mse).abs() < 1e-12);
        // Three parts, the first two small enough to stay exact, merged in two orders.
        let (a, rest) = xs.split_at(40_000);
        let (b, c) = rest.split_at(50_000);
        let part = |v: &[f64]| {
            let mut p = Values::default();
            v.iter().for_each(|&x| p.push(x));
            p
        };
        let (pa, pb, pc) = (part(a), part(b), part(c));
        assert!(pa.is_exact() && pb.is_exact() && pc.is_exact());
        let mut one = pa.clone();
        one.merge(&pb);
        assert!(one.is_exact());
        one.merge(&pc);
        let mut other = pc.clone();
        other.merge(&pb);
        other.merge(&pa);
        assert_eq!(one, whole);
        assert_eq!(other, whole);
    }

    /// Integers below 2^11 (events) keep one value per bucket: their sketched quantiles are
    /// R's exactly.
    #[test]
    fn sketched_counts_have_exact_quantiles() {
        let xs: Vec<f64> = (0..EXACT_LIMIT + 1001).map(|i| ((i * 7919) % 1531) as f64).collect();
        let mut v = Values::default();
        xs.iter().for_each(|&x| v.push(x));
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let d = v.describe().unwrap();
        assert_eq!(
            (d.q025, d.q500, d.q975),
            (quantile7(&sorted, 0.025), quantile7(&sorted, 0.5), quantile7(&sorted, 0.975))
        );
    }

    #[test]
    fn an_exact_sum_that_overflows_has_no_mean() {
        let mut s = ExactSum::default();
        for _ in 0..2000 {
            s.add(1e32);
        }
        assert_eq!(s.mean(), None);
        let back = ExactSum::from_parts(&s.total_string(), s.count).unwrap();
        assert_eq!(back, s);
    }
}
