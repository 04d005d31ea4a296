//! The quantities reported with R's quantiles: the values themselves up to [`EXACT_LIMIT`],
//! beyond that a [`Sketch`] of fixed relative resolution whose means are exact sums.

use super::exact::ExactSum;
use std::collections::BTreeMap;

/// How many finite values [`Values`] keeps before it folds them into a [`Sketch`]: 800 KB
/// per quantity.
pub const EXACT_LIMIT: usize = 100_000;

/// Mantissa bits that a [`Sketch`]'s bucket keeps: values in one bucket share their sign,
/// exponent and top 10 mantissa bits, so a bucket spans at most 2^-10 of its values'
/// magnitude (and holds one integer below 2^11).
pub const SKETCH_BITS: u32 = 10;

/// A quantity reported with its mean, standard deviation and quantiles: the finite values
/// themselves while at most [`EXACT_LIMIT`] (exact quantiles, R's type 7), and beyond that a
/// [`Sketch`] of fixed memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    exact: Vec<f64>,
    sketch: Option<Sketch>,
    /// Values that were not finite (not stored; counted so that every replicate is).
    nonfinite: u64,
}

/// Fixed-memory distribution of many values: counts, minima and maxima of buckets of fixed
/// relative width ([`SKETCH_BITS`]), in order, with exact sums of the values, their squares
/// and (where all are positive) their logarithms and squared logarithms. Every part adds
/// exactly and in any order; the buckets populated are bounded by the values' range, not by
/// their number (at most 1024 per binary order of magnitude).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sketch {
    pub buckets: BTreeMap<u64, Bucket>,
    pub sum: ExactSum,
    pub squares: ExactSum,
    pub log_sum: ExactSum,
    pub log_squares: ExactSum,
    /// Values at or below zero (no logarithm).
    pub nonpositive: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub count: u64,
    pub min: f64,
    pub max: f64,
}

/// The bucket of a finite value: the order-preserving map of its bits, keeping the sign, the
/// exponent and the top [`SKETCH_BITS`] of the mantissa.
pub fn bucket_key(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    let ordered = if b >> 63 == 1 { !b } else { b | 1 << 63 };
    ordered >> (52 - SKETCH_BITS)
}

impl Sketch {
    pub(crate) fn add(&mut self, x: f64) {
        let b = self.buckets.entry(bucket_key(x)).or_insert(Bucket { count: 0, min: x, max: x });
        b.count += 1;
        b.min = b.min.min(x);
        b.max = b.max.max(x);
        self.sum.add(x);
        self.squares.add(x * x);
        if x > 0.0 {
            let l = x.ln();
            self.log_sum.add(l);
            self.log_squares.add(l * l);
        } else {
            self.nonpositive += 1;
        }
    }

    pub fn merge(&mut self, o: &Sketch) {
        for (k, b) in &o.buckets {
            self.buckets
                .entry(*k)
                .and_modify(|a| {
                    a.count += b.count;
                    a.min = a.min.min(b.min);
                    a.max = a.max.max(b.max);
                })
                .or_insert(*b);
        }
        self.sum.merge(&o.sum);
        self.squares.merge(&o.squares);
        self.log_sum.merge(&o.log_sum);
        self.log_squares.merge(&o.log_squares);
        self.nonpositive += o.nonpositive;
    }

    pub fn count(&self) -> u64 {
        self.sum.count
    }

    /// The k-th smallest value (0-based), to within its bucket: exact for a bucket's smallest
    /// and largest value and for a bucket of equal values, linear in rank between them.
    pub(crate) fn order_statistic(&self, k: u64) -> f64 {
        let mut seen = 0;
        for b in self.buckets.values() {
            if k < seen + b.count {
                let r = k - seen;
                return if b.count == 1 { b.min } else { b.min + (b.max - b.min) * r as f64 / (b.count - 1) as f64 };
            }
            seen += b.count;
        }
        self.buckets.values().next_back().map_or(f64::NAN, |b| b.max)
    }

    /// R's type-7 quantile with order statistics from [`Sketch::order_statistic`].
    pub(crate) fn quantile(&self, p: f64) -> f64 {
        let h = (self.count() - 1) as f64 * p;
        let lo = h.floor() as u64;
        let hi = (lo + 1).min(self.count() - 1);
        let (a, b) = (self.order_statistic(lo), self.order_statistic(hi));
        a + (h - lo as f64) * (b - a)
    }
}

/// Mean and standard deviation from exact sums of values and their squares.
pub(crate) fn moments(sum: &ExactSum, squares: &ExactSum) -> Option<(f64, f64)> {
    let n = sum.count as f64;
    let mean = sum.mean()?;
    let sd = if sum.count > 1 { ((squares.mean()? - mean * mean).max(0.0) * n / (n - 1.0)).sqrt() } else { 0.0 };
    Some((mean, sd))
}

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
    #[inline]
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            self.nonfinite += 1;
        } else if let Some(s) = &mut self.sketch {
            s.add(x);
        } else {
            self.exact.push(x);
            if self.exact.len() > EXACT_LIMIT {
                self.fold();
            }
        }
    }

    /// Moves the kept values into a sketch.
    pub(crate) fn fold(&mut self) {
        let s = self.sketch.get_or_insert_with(Sketch::default);
        for &x in &self.exact {
            s.add(x);
        }
        self.exact = Vec::new();
    }

    /// Adds the values of another summary's quantity: a sketch exactly when the two hold more
    /// than [`EXACT_LIMIT`] finite values together.
    pub fn merge(&mut self, o: &Values) {
        self.nonfinite += o.nonfinite;
        if self.sketch.is_none() && o.sketch.is_none() && self.exact.len() + o.exact.len() <= EXACT_LIMIT {
            self.exact.extend_from_slice(&o.exact);
            return;
        }
        self.fold();
        let s = self.sketch.get_or_insert_with(Sketch::default);
        for &x in &o.exact {
            s.add(x);
        }
        if let Some(os) = &o.sketch {
            s.merge(os);
        }
    }

    /// Every value pushed, finite or not.
    pub fn count(&self) -> u64 {
        self.finite() + self.nonfinite
    }

    pub fn finite(&self) -> u64 {
        self.sketch.as_ref().map_or(self.exact.len() as u64, Sketch::count)
    }

    pub fn nonfinite(&self) -> u64 {
        self.nonfinite
    }

    /// The finite values, while they are kept (None once sketched).
    pub fn exact(&self) -> Option<&[f64]> {
        self.sketch.is_none().then_some(self.exact.as_slice())
    }

    pub fn sketch(&self) -> Option<&Sketch> {
        self.sketch.as_ref()
    }

    /// The values of a shard file, with a check that a sketch is what its count says.
    pub fn from_parts(exact: Vec<f64>, sketch: Option<Sketch>, nonfinite: u64) -> Option<Values> {
        let ok = match &sketch {
            None => exact.len() <= EXACT_LIMIT && exact.iter().all(|x| x.is_finite()),
            Some(s) => {
                exact.is_empty()
                    && s.count() as usize > EXACT_LIMIT
                    && s.buckets.values().map(|b| b.count).sum::<u64>() == s.count()
                    && s.buckets.iter().all(|(k, b)| b.count > 0 && bucket_key(b.min) == *k && bucket_key(b.max) == *k)
            }
        };
        ok.then_some(Values { exact, sketch, nonfinite })
    }

    /// Whether the quantiles are R's on the values themselves (false once sketched).
    pub fn is_exact(&self) -> bool {
        self.sketch.is_none()
    }

    pub(crate) fn sorted(&self) -> Vec<f64> {
        let mut v = self.exact.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    pub fn describe(&self) -> Option<Distribution> {
        if let Some(s) = &self.sketch {
            let (mean, sd) = moments(&s.sum, &s.squares)?;
            return Some(Distribution {
                mean,
                sd,
                q025: s.quantile(0.025),
                q500: s.quantile(0.5),
                q975: s.quantile(0.975),
            });
        }
        let v = self.sorted();
        if v.is_empty() {
            return None;
        }
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

    /// Mean and standard deviation of the values' logarithms; None unless every value is
    /// positive.
    pub fn log_moments(&self) -> Option<(f64, f64)> {
        if let Some(s) = &self.sketch {
            return if s.nonpositive == 0 { moments(&s.log_sum, &s.log_squares) } else { None };
        }
        let v = self.sorted();
        if v.is_empty() || v.iter().any(|&x| x <= 0.0) {
            return None;
        }
        let mut logs = Values::default();
        v.iter().for_each(|x| logs.exact.push(x.ln()));
        logs.describe().map(|d| (d.mean, d.sd))
    }

    /// The mean squared difference from `t`.
    pub fn mean_squared_error(&self, t: f64) -> Option<f64> {
        if let Some(s) = &self.sketch {
            let (m, m2) = (s.sum.mean()?, s.squares.mean()?);
            return Some((m2 - 2.0 * t * m + t * t).max(0.0));
        }
        let v = self.sorted();
        (!v.is_empty()).then(|| v.iter().map(|x| (x - t) * (x - t)).sum::<f64>() / v.len() as f64)
    }

    /// Counts in `bins` equal bins from the smallest to the largest value (one unit wide
    /// around a single value); a sketch's bucket counts where its middle falls.
    pub fn histogram(&self, bins: usize) -> Option<(f64, f64, Vec<u64>)> {
        let (lo, hi) = match &self.sketch {
            Some(s) => (s.buckets.values().next()?.min, s.buckets.values().next_back()?.max),
            None => self.exact.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x))),
        };
        if !(lo <= hi) {
            return None;
        }
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 0.5, hi + 0.5) };
        let mut counts = vec![0u64; bins];
        let bin = |x: f64| ((((x - lo) / (hi - lo)) * bins as f64).floor() as usize).min(bins - 1);
        match &self.sketch {
            Some(s) => s.buckets.values().for_each(|b| counts[bin(0.5 * (b.min + b.max))] += b.count),
            None => self.exact.iter().for_each(|&x| counts[bin(x)] += 1),
        }
        Some((lo, hi, counts))
    }
}

/// Compensated summation (Neumaier).
pub(crate) fn neumaier(xs: impl Iterator<Item = f64>) -> f64 {
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
