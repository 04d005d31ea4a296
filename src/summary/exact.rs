//! Exact sums: f64 values as 128-bit fixed-point integers, so that a sum is the same in any
//! order and shards merge exactly.

/// A sum of f64 values as a 128-bit fixed-point integer with 52 fractional bits: exact and
/// associative for |x| < 2^40 and up to 2^30 values.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactSum {
    total: i128,
    pub count: u64,
    /// The total left the fixed-point range (|sum| ≥ 2^75): the mean is then not reported.
    overflow: bool,
}

impl PartialEq for ExactSum {
    fn eq(&self, other: &ExactSum) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for ExactSum {}

pub(crate) const SCALE: f64 = (1u64 << 52) as f64;

/// `y.round() as i128` (half away from zero), without the library calls: below 2^63 in
/// magnitude through one truncating conversion to i64 and an exact fraction (y − trunc y is
/// exact for |y| < 2^63), beyond through the general conversion.
#[inline(always)]
pub(crate) fn fixed(y: f64) -> i128 {
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
            let y = x * SCALE;
            match self.total.checked_add(fixed(y)) {
                Some(t) if y.abs() < 1e37 => self.total = t,
                _ => self.overflow = true,
            }
            self.count += 1;
        }
    }

    pub fn merge(&mut self, other: &ExactSum) {
        match self.total.checked_add(other.total) {
            Some(t) => self.total = t,
            None => self.overflow = true,
        }
        self.overflow |= other.overflow;
        self.count += other.count;
    }

    /// Equal sums compare equal once overflowed, whatever was added after.
    pub(crate) fn canonical(&self) -> (i128, u64, bool) {
        (if self.overflow { 0 } else { self.total }, self.count, self.overflow)
    }

    /// The fixed-point total as a decimal string (for shard files); "overflow" once it left
    /// the range.
    pub fn total_string(&self) -> String {
        if self.overflow { "overflow".into() } else { self.total.to_string() }
    }

    pub fn from_parts(total: &str, count: u64) -> Option<ExactSum> {
        if total == "overflow" {
            return Some(ExactSum { total: 0, count, overflow: true });
        }
        Some(ExactSum { total: total.parse().ok()?, count, overflow: false })
    }

    /// The mean; None without values or once the total overflowed.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0 && !self.overflow).then(|| self.total as f64 / SCALE / self.count as f64)
    }
}
