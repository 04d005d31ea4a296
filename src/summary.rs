//! Folding replicate records into a summary whose memory does not grow with the number of
//! replicates except where exact quantiles need the values.
//!
//! Means are exact fixed-point sums ([`ExactSum`]): associative, so a summary is the same
//! whatever the order of folding, and shards merge into exactly the single-run summary.
//! Distributions for pictures and spreads (curves on a time grid, milestones, each look's z,
//! events, patients and month) are histograms of fixed bins ([`Bins`]): exact counts, fixed
//! memory, quantiles to within a bin. The three quantities with exact quantiles (each
//! endpoint's estimate and events, the analysis month) keep their values: 8 bytes per
//! replicate per quantity, i.e. 8 MB per quantity at R = 10^6; quantiles are R's type 7 on
//! the sorted values, and their means and standard deviations are summed in sorted order, so
//! they too depend only on the set of values.

use crate::analyze::{Layout, field, global, look};

/// A sum of f64 values as a 128-bit fixed-point integer with 52 fractional bits: exact and
/// associative for |x| < 2^40 and up to 2^30 values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactSum {
    total: i128,
    pub count: u64,
}

const SCALE: f64 = (1u64 << 52) as f64;

/// `y.round() as i128` (half away from zero), without the library calls: below 2^63 in
/// magnitude through one truncating conversion to i64 and an exact fraction (y − trunc y is
/// exact for |y| < 2^63), beyond through the general conversion.
#[inline(always)]
fn fixed(y: f64) -> i128 {
    if y.abs() < 9.2e18 {
        let t = y as i64;
        let frac = y - t as f64;
        (t + (frac >= 0.5) as i64 - (frac <= -0.5) as i64) as i128
    } else {
        y.round() as i128
    }
}

impl ExactSum {
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x.is_finite() {
            self.total += fixed(x * SCALE);
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

/// A histogram of fixed bins `[lo + k·width, lo + (k+1)·width)` (the last closed above), with
/// counts below and above them: exact counts that add across shards, in memory that does not
/// grow with the number of replicates. Quantiles come from the bins: to within a bin's width.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bins {
    pub lo: f64,
    pub width: f64,
    /// Integer data (events, patients): a quantile is the lower edge of the bin where the
    /// cumulative share reaches it (R's type 1 when the width is 1), not interpolated.
    pub discrete: bool,
    pub counts: Vec<u64>,
    pub below: u64,
    pub above: u64,
}

impl Bins {
    pub fn new(lo: f64, width: f64, bins: usize, discrete: bool) -> Bins {
        Bins { lo, width, discrete, counts: vec![0; bins], below: 0, above: 0 }
    }

    /// Adds a value; values that are not finite are not counted.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        // Truncation is the floor for what is not below `lo`.
        let n = self.counts.len();
        if x < self.lo {
            self.below += 1;
            return;
        }
        let k = ((x - self.lo) / self.width) as usize;
        if k < n {
            self.counts[k] += 1;
        } else if k == n && x <= self.lo + self.width * n as f64 {
            self.counts[n - 1] += 1;
        } else {
            self.above += 1;
        }
    }

    pub fn total(&self) -> u64 {
        self.below + self.above + self.counts.iter().sum::<u64>()
    }

    /// Adds another histogram of the same bins.
    pub fn merge(&mut self, other: &Bins) {
        self.below += other.below;
        self.above += other.above;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Whether `other` has the same bins (for shards read back).
    pub fn same_shape(&self, other: &Bins) -> bool {
        self.lo == other.lo
            && self.width == other.width
            && self.discrete == other.discrete
            && self.counts.len() == other.counts.len()
    }

    /// The p-quantile of the counted values: linear within its bin (the lower edge of the
    /// bin for discrete data); None when nothing is counted or it falls below or above the
    /// bins.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let target = p * n as f64;
        let mut cum = self.below as f64;
        if target < cum {
            return None;
        }
        for (k, &c) in self.counts.iter().enumerate() {
            if c > 0 && cum + c as f64 >= target {
                let edge = self.lo + self.width * k as f64;
                return Some(if self.discrete {
                    edge
                } else {
                    edge + self.width * ((target - cum) / c as f64).clamp(0.0, 1.0)
                });
            }
            cum += c as f64;
        }
        None
    }
}

/// One point of a curve across replicates: the exact mean and the histogram of its values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CurvePoint {
    pub sum: ExactSum,
    pub bins: Bins,
    /// Replicates where the curve is not estimable here (beyond the arm's follow-up).
    pub missing: u64,
}

/// Bins of a curve's values (survival or cumulative incidence): 200 over [0, 1].
pub const CURVE_BINS: usize = 200;

impl CurvePoint {
    fn new() -> CurvePoint {
        CurvePoint { bins: Bins::new(0.0, 1.0 / CURVE_BINS as f64, CURVE_BINS, false), ..CurvePoint::default() }
    }

    #[inline]
    fn add(&mut self, x: f64) {
        if x.is_finite() {
            self.sum.add(x);
            self.bins.add(x);
        } else {
            self.missing += 1;
        }
    }

    fn merge(&mut self, o: &CurvePoint) {
        self.sum.merge(&o.sum);
        self.bins.merge(&o.bins);
        self.missing += o.missing;
    }
}

/// One cohort's estimate of the primary endpoint's hazard ratio across replicates: the exact
/// mean of its logarithm, its histogram on the log scale (0.01 wide over [−4, 4]), the trials
/// in which it points the wrong way (a hazard ratio of at least 1) and those where it is not
/// estimable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CohortSummary {
    pub log_sum: ExactSum,
    pub log_bins: Bins,
    pub wrong_way: u64,
    pub not_estimable: u64,
}

impl CohortSummary {
    fn new() -> CohortSummary {
        CohortSummary { log_bins: Bins::new(-4.0, 0.01, 800, false), ..CohortSummary::default() }
    }

    fn add(&mut self, hr: f64) {
        if hr.is_finite() && hr > 0.0 {
            self.log_sum.add(hr.ln());
            self.log_bins.add(hr.ln());
            self.wrong_way += (hr >= 1.0) as u64;
        } else {
            self.not_estimable += 1;
        }
    }

    pub fn merge(&mut self, o: &CohortSummary) {
        self.log_sum.merge(&o.log_sum);
        self.log_bins.merge(&o.log_bins);
        self.wrong_way += o.wrong_way;
        self.not_estimable += o.not_estimable;
    }
}

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
    /// Time to event: per grid month ([`Layout::grid`]), [treatment, control] survival (or
    /// cumulative incidence with competing events) at the analysis where each trial stops.
    pub curves: Vec<[CurvePoint; 2]>,
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
    /// Distributions over every replicate (the look's values had the trial gone on to it).
    pub z_bins: Bins,
    pub events_bins: Bins,
    pub patients_bins: Bins,
    pub month_bins: Bins,
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
}

impl Summary {
    pub fn new(layout: &Layout) -> Summary {
        let look = LookSummary {
            z_bins: z_bins(),
            events_bins: count_bins(layout.sample_size as f64),
            patients_bins: count_bins(layout.sample_size as f64),
            month_bins: month_bins(layout.horizon),
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
            for (m, om) in e.milestones.iter_mut().zip(&o.milestones).chain(e.curves.iter_mut().zip(&o.curves)) {
                m[0].merge(&om[0]);
                m[1].merge(&om[1]);
            }
            e.any_grade3 += o.any_grade3;
            e.covered += o.covered;
            e.stage1_stops += o.stage1_stops;
            e.patients_used.merge(&o.patients_used);
            e.interval_count += o.interval_count;
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
            l.z_bins.merge(&o.z_bins);
            l.events_bins.merge(&o.events_bins);
            l.patients_bins.merge(&o.patients_bins);
            l.month_bins.merge(&o.month_bins);
        }
        for (c, o) in self.cohorts.iter_mut().zip(&other.cohorts) {
            c.merge(o);
        }
        for (a, b) in self.examples.iter_mut().zip(other.examples) {
            *a = match (*a, b) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
        }
        self.cut_month.0.extend_from_slice(&other.cut_month.0);
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
            e.stage1_stops += (record[b + field::STAGE1_STOP] == 1.0) as u64;
            e.patients_used.add(record[b + field::PATIENTS_USED]);
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
        let stop = record[global::STOP_LOOK] as usize;
        for (k, l) in self.looks.iter_mut().enumerate() {
            let base = layout.looks + look::COUNT * k;
            l.boundary.add(record[base + look::BOUNDARY]);
            l.events.add(record[base + look::EVENTS]);
            l.cut_month.add(record[base + look::CUT_MONTH]);
            l.patients.add(record[base + look::PATIENTS]);
            l.futility.add(record[base + look::FUTILITY]);
            l.not_reached += (record[base + look::REACHED] == 0.0) as u64;
            l.z_bins.add(record[base + look::Z]);
            l.events_bins.add(record[base + look::EVENTS]);
            l.patients_bins.add(record[base + look::PATIENTS]);
            l.month_bins.add(record[base + look::CUT_MONTH]);
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
        if let Some(at) = layout.cohorts {
            for (k, c) in self.cohorts.iter_mut().enumerate() {
                c.add(record[at + k]);
            }
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
}
