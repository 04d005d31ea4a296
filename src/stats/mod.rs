//! The statistics library: pure functions on one trial's data, the same code whether the data
//! came from a simulated trial or from a user's CSV (`peritrial analyze`). No I/O, no printing.
//!
//! Survival data are [`Obs`] rows sorted by time; [`RiskTable`] condenses them once into the
//! distinct event times with the numbers at risk and the events by arm, and every
//! time-to-event method (Kaplan–Meier, the log-rank family, Cox) reads that table, so a
//! trial is sorted and scanned once however many analyses run on it.

pub mod bayes;
pub mod binary;
pub mod binomial_looks;
pub mod cif;

pub mod cox;
pub mod coxreg;
pub mod graph;
pub mod km;
pub mod km_weighted;
pub mod linalg;
pub mod logistic;
pub mod logrank;
pub mod maxcombo;
pub mod normal;
pub mod rwe;
pub mod simon;
pub mod spending;
pub mod stopping;
pub mod stopping_rates;
pub mod trial;
pub mod weighting;

/// One patient's observation for a time-to-event analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    /// Months from entry to the event or censoring.
    pub time: f64,
    /// 0 censored, 1 event of interest, 2 competing event.
    pub status: u8,
    /// 0 control, 1 treatment.
    pub arm: u8,
    pub stratum: u16,
}

/// One distinct time at which at least one event (of interest or competing) happened.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Row {
    pub time: f64,
    /// At risk just before `time`, by arm.
    pub n: [u32; 2],
    /// Events of interest at `time`, by arm.
    pub d: [u32; 2],
    /// Competing events at `time`, by arm.
    pub dc: [u32; 2],
}

impl Row {
    pub fn n_total(&self) -> u32 {
        self.n[0] + self.n[1]
    }
    pub fn d_total(&self) -> u32 {
        self.d[0] + self.d[1]
    }
}

/// The distinct event times of each stratum, with numbers at risk and events by arm.
#[derive(Debug, Clone, Default)]
pub struct RiskTable {
    pub rows: Vec<Row>,
    /// `rows[strata[k].0 .. strata[k].1]` belong to the k-th stratum present.
    pub strata: Vec<(usize, usize)>,
    /// Patients by arm (all strata).
    pub n: [u32; 2],
    /// Events of interest by arm (all strata).
    pub events: [u32; 2],
}

/// Sorts observations by stratum then time (the order `RiskTable::build` needs).
pub fn sort_by_stratum_time(obs: &mut [Obs]) {
    obs.sort_unstable_by(|a, b| a.stratum.cmp(&b.stratum).then(a.time.total_cmp(&b.time)));
}

/// Sorting and tabulating observations in the engine's hot loop, reusing its buffers.
///
/// The sort is a bucket sort by time: observations are bucketed as they are added (n buckets
/// proportional to time over a known range), scattered into bucket order, and finished by an
/// insertion pass over the whole array, whose test is false for most elements since buckets
/// hold about one each (ties share a bucket: the bucket is a function of the time). Linear for
/// the spread-out times of a trial; when a bucket holds many values (times piled on a few
/// values) it falls back to the comparison sort.
///
/// Use: [`collect`](Self::collect) the observations with the most to come and a bound on
/// their times, then [`pooled_table_of_collected`](Self::pooled_table_of_collected);
/// [`pooled_table`](Self::pooled_table) and [`sort`](Self::sort) do both for a slice.
#[derive(Debug, Clone, Default)]
pub struct BucketSorter {
    /// Observations as added, and their buckets.
    input: Vec<Obs>,
    buckets: Vec<u32>,
    /// Bucket b's observations go to `counts[b]..counts[b + 1]` once counted and summed.
    counts: Vec<u32>,
    /// The added observations sorted by time.
    buffer: Vec<Obs>,
    len: usize,
    /// Patients and events of interest by arm among those collected.
    at_risk: [u32; 2],
    events: [u32; 2],
}

/// Below this many observations the comparison sort is as fast.
const BUCKET_SORT_FROM: usize = 64;

/// Buckets per observation: two leave fewer out-of-order neighbours for the insertion pass
/// (measured: one, 5.6 µs; two, 5.2 µs; three, 5.0 µs; four, 5.8 µs for 600 observations).
const BUCKETS_PER_OBSERVATION: usize = 2;

/// The bucket of a scaled time `x`: x rounded to the nearest integer in [0, `top`] (NaN and
/// negative times to bucket 0, times beyond to `top`). Monotone, and a function of the time,
/// which is all the sort needs. Rounded by adding 2^52 (the integer lands in the low bits of
/// the mantissa), which is a third of the instructions of a saturating `as usize`.
#[inline(always)]
fn bucket(x: f64, top: f64) -> usize {
    const SHIFT: f64 = (1u64 << 52) as f64;
    // `maxsd` and `minsd`: a NaN x gives 0.
    let x = if x > 0.0 { x } else { 0.0 };
    let x = if x < top { x } else { top };
    ((x + SHIFT).to_bits() - SHIFT.to_bits()) as usize
}

impl BucketSorter {
    /// Takes the observations `items` yields while their flag is true (at most `capacity` of
    /// them, times in [0, `upper`]; a time above `upper` is still sorted correctly, only more
    /// slowly), bucketing each as it comes. Written without a branch on the flag, which is a
    /// coin flip to the CPU.
    pub fn collect(&mut self, capacity: usize, upper: f64, items: impl Iterator<Item = (Obs, bool)>) {
        let n = capacity.max(1);
        // Every slot is written before it is read: grown, never cleared.
        if self.input.len() < n {
            self.input.resize(n, Obs { time: 0.0, status: 0, arm: 0, stratum: 0 });
            self.buckets.resize(n, 0);
        }
        let nb = BUCKETS_PER_OBSERVATION * n;
        self.counts.clear();
        self.counts.resize(nb + 1, 0);
        let scale = if upper > 0.0 && upper.is_finite() { (nb - 1) as f64 / upper } else { 0.0 };
        let top = (nb - 1) as f64;
        let (input, buckets, counts) = (&mut self.input[..n], &mut self.buckets[..n], &mut self.counts[..nb + 1]);
        // Kept observations, those of arm 1, events, events of arm 1.
        let (mut len, mut arm1, mut events, mut events1) = (0usize, 0u32, 0u32, 0u32);
        for (o, keep) in items.take(n) {
            let b = bucket(o.time * scale, top);
            input[len] = o;
            buckets[len] = b as u32;
            let k = keep as u32;
            let a = (o.arm & 1) as u32;
            let e = k & (o.status == 1) as u32;
            counts[b + 1] += k;
            arm1 += k & a;
            events += e;
            events1 += e & a;
            len += keep as usize;
        }
        self.len = len;
        self.at_risk = [len as u32 - arm1, arm1];
        self.events = [events - events1, events1];
    }

    /// The collected observations, sorted by time, in `self.buffer[..self.len]`.
    fn sort_collected(&mut self) {
        let n = self.len;
        // Every slot of buffer[..n] is written below: grown, never cleared.
        if self.buffer.len() < n {
            self.buffer.resize(n, Obs { time: 0.0, status: 0, arm: 0, stratum: 0 });
        }
        let input = &self.input[..n];
        let (mut running, mut largest) = (0u32, 0u32);
        for c in self.counts.iter_mut() {
            largest = largest.max(*c);
            running += *c;
            *c = running;
        }
        if n < BUCKET_SORT_FROM || largest > 32 {
            self.buffer[..n].copy_from_slice(input);
            self.buffer[..n].sort_unstable_by(|a, b| a.time.total_cmp(&b.time));
            return;
        }
        for (o, &b) in input.iter().zip(&self.buckets) {
            let at = &mut self.counts[b as usize];
            self.buffer[*at as usize] = *o;
            *at += 1;
        }
        let v = &mut self.buffer[..n];
        for i in 1..n {
            if v[i - 1].time > v[i].time {
                let x = v[i];
                let mut j = i;
                while j > 0 && v[j - 1].time > x.time {
                    v[j] = v[j - 1];
                    j -= 1;
                }
                v[j] = x;
            }
        }
    }

    /// The observations of the last table or sort, in time order.
    pub fn sorted(&self) -> &[Obs] {
        &self.buffer[..self.len]
    }

    fn add_all(&mut self, obs: &[Obs]) {
        let tmax = obs.iter().fold(0.0f64, |m, o| m.max(o.time));
        self.collect(obs.len(), tmax, obs.iter().map(|&o| (o, true)));
    }

    /// Sorts by (stratum, time).
    pub fn sort(&mut self, obs: &mut [Obs]) {
        self.add_all(obs);
        self.sort_collected();
        let s0 = obs.first().map_or(0, |o| o.stratum);
        if obs.iter().all(|o| o.stratum == s0) {
            obs.copy_from_slice(&self.buffer[..obs.len()]);
            return;
        }
        // Stable by stratum on top of the time order.
        let mut ids: Vec<u16> = obs.iter().map(|o| o.stratum).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut at = 0;
        for s in ids {
            for o in self.buffer[..obs.len()].iter().filter(|o| o.stratum == s) {
                obs[at] = *o;
                at += 1;
            }
        }
    }

    /// The pooled (one-stratum) risk table of unsorted observations (arms 0 and 1). Equal to
    /// sorting and `RiskTable::fill(…, true)`.
    pub fn pooled_table(&mut self, obs: &[Obs], table: &mut RiskTable) {
        self.add_all(obs);
        self.pooled_table_of_collected(table);
    }

    /// The pooled risk table of the observations collected: the sort, then the
    /// table's scan written without data-dependent branches.
    pub fn pooled_table_of_collected(&mut self, table: &mut RiskTable) {
        self.sort_collected();
        let n = self.len;
        table.rows.clear();
        table.strata.clear();
        table.n = self.at_risk;
        table.events = self.events;
        scan(&self.buffer[..n], self.at_risk, &mut table.rows);
        if n > 0 {
            table.strata.push((0, table.rows.len()));
        }
    }
}

/// Appends the rows of one stratum's observations `v`, sorted by time, with `at_risk` patients
/// by arm before the first. Rows are written in place and kept by advancing (no branch on the
/// data); counts are kept in scalars (all, arm 1), not arrays indexed by arm, which the CPU
/// would have to store and reload.
fn scan(v: &[Obs], at_risk: [u32; 2], rows: &mut Vec<Row>) {
    let (start, n) = (rows.len(), v.len());
    rows.resize(start + n, Row::default());
    let out = &mut rows[start..];
    let (mut all, mut arm1) = (at_risk[0] + at_risk[1], at_risk[1]);
    let (mut i, mut len) = (0, 0);
    while i < n {
        let time = v[i].time;
        let (n_all, n1) = (all, arm1);
        let (mut d, mut d1, mut c, mut c1) = (0u32, 0u32, 0u32, 0u32);
        loop {
            let o = v[i];
            let a = (o.arm & 1) as u32;
            let event = (o.status == 1) as u32;
            let competing = (o.status == 2) as u32;
            d += event;
            d1 += event & a;
            c += competing;
            c1 += competing & a;
            all -= 1;
            arm1 -= a;
            i += 1;
            if i == n || v[i].time != time {
                break;
            }
        }
        out[len] = Row { time, n: [n_all - n1, n1], d: [d - d1, d1], dc: [c - c1, c1] };
        len += (d + c > 0) as usize;
    }
    rows.truncate(start + len);
}

impl RiskTable {
    /// Builds the table from observations sorted by (stratum, time); with `pool_strata`, all
    /// observations form one stratum (they must then be sorted by time alone).
    pub fn build(sorted: &[Obs], pool_strata: bool) -> RiskTable {
        let mut t = RiskTable::default();
        t.fill(sorted, pool_strata);
        t
    }

    /// Rebuilds in place, reusing the allocation.
    pub fn fill(&mut self, sorted: &[Obs], pool_strata: bool) {
        self.rows.clear();
        self.strata.clear();
        self.n = [0; 2];
        self.events = [0; 2];
        let mut start = 0;
        while start < sorted.len() {
            let mut end = start + 1;
            if !pool_strata {
                while end < sorted.len() && sorted[end].stratum == sorted[start].stratum {
                    end += 1;
                }
            } else {
                end = sorted.len();
            }
            let first_row = self.rows.len();
            self.add_stratum(&sorted[start..end]);
            self.strata.push((first_row, self.rows.len()));
            start = end;
        }
    }

    fn add_stratum(&mut self, obs: &[Obs]) {
        let mut at_risk = [0u32; 2];
        for o in obs {
            at_risk[o.arm as usize & 1] += 1;
            self.events[o.arm as usize & 1] += (o.status == 1) as u32;
        }
        self.n[0] += at_risk[0];
        self.n[1] += at_risk[1];
        scan(obs, at_risk, &mut self.rows);
    }

    /// The rows of stratum k.
    pub fn stratum(&self, k: usize) -> &[Row] {
        let (a, b) = self.strata[k];
        &self.rows[a..b]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_and_saturate() {
        let top = 1199.0;
        for (x, b) in [(0.0, 0), (0.49, 0), (0.51, 1), (7.0, 7), (1198.6, 1199), (1e300, 1199), (f64::INFINITY, 1199)] {
            assert_eq!(bucket(x, top), b, "{x}");
        }
        for x in [-1.0, -0.0, f64::NEG_INFINITY, f64::NAN] {
            assert_eq!(bucket(x, top), 0, "{x}");
        }
        let mut last = 0;
        for i in 0..100_000 {
            let b = bucket(i as f64 * 0.0123, top);
            assert!(b >= last);
            last = b;
        }
    }

    #[test]
    fn bucket_sort_matches_the_comparison_sort() {
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state >> 11
        };
        for n in [0usize, 1, 63, 64, 65, 600, 5000] {
            let mut a: Vec<Obs> = (0..n)
                .map(|_| Obs {
                    time: (next() % 1000) as f64 / 7.0,
                    status: (next() % 3) as u8,
                    arm: (next() % 2) as u8,
                    stratum: (next() % 3) as u16,
                })
                .collect();
            let mut b = a.clone();
            sort_by_stratum_time(&mut a);
            BucketSorter::default().sort(&mut b);
            let key = |o: &Obs| (o.stratum, o.time.to_bits());
            assert_eq!(a.iter().map(key).collect::<Vec<_>>(), b.iter().map(key).collect::<Vec<_>>());
            // The fused table equals sort-then-fill on pooled data.
            let mut pooled: Vec<Obs> = a.iter().map(|o| Obs { stratum: 0, ..*o }).collect();
            sort_by_stratum_time(&mut pooled);
            let want = RiskTable::build(&pooled, true);
            let mut got = RiskTable::default();
            BucketSorter::default().pooled_table(&b, &mut got);
            assert_eq!((got.rows, got.strata, got.n, got.events), (want.rows, want.strata, want.n, want.events));
        }
    }
}
