//! Histograms of fixed bins: exact counts in fixed memory, for the distributions pictures and
//! spreads read (curves on a grid of months, milestones, each look's numbers, cohorts).

use super::exact::ExactSum;

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

    /// Values counted below bin `k` (those below `lo` included).
    pub fn below_count(&self, k: usize) -> u64 {
        self.below + self.counts[..k.min(self.counts.len())].iter().sum::<u64>()
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
    pub(crate) fn new() -> CurvePoint {
        CurvePoint { bins: Bins::new(0.0, 1.0 / CURVE_BINS as f64, CURVE_BINS, false), ..CurvePoint::default() }
    }

    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        if x.is_finite() {
            self.sum.add(x);
            self.bins.add(x);
        } else {
            self.missing += 1;
        }
    }

    pub(crate) fn merge(&mut self, o: &CurvePoint) {
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
    pub(crate) fn new() -> CohortSummary {
        CohortSummary { log_bins: Bins::new(-4.0, 0.01, 800, false), ..CohortSummary::default() }
    }

    pub(crate) fn add(&mut self, hr: f64) {
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
