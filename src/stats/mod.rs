//! The statistics library: pure functions on one trial's data, the same code whether the data
//! came from a simulated trial or from a user's CSV (`peritrial analyze`). No I/O, no printing.
//!
//! Survival data are [`Obs`] rows sorted by time; [`RiskTable`] condenses them once into the
//! distinct event times with the numbers at risk and the events by arm, and every
//! time-to-event method (Kaplan–Meier, the log-rank family, Cox) reads that table, so a
//! trial is sorted and scanned once however many analyses run on it.

pub mod binary;
pub mod cif;

pub mod cox;
pub mod km;
pub mod logrank;
pub mod maxcombo;
pub mod normal;
pub mod simon;
pub mod trial;

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
/// The sort is a bucket sort by time: one counting pass into n buckets proportional to time,
/// then an insertion pass over the whole array, whose test is false for most elements since
/// buckets hold about one each (ties share a bucket: the bucket is a function of the time).
/// Linear for the spread-out times of a trial; when a bucket holds many values (times piled on
/// a few values) it falls back to the comparison sort.
#[derive(Debug, Clone, Default)]
pub struct BucketSorter {
    buffer: Vec<Obs>,
    counts: Vec<u32>,
    buckets: Vec<u32>,
}

impl BucketSorter {
    /// Leaves `obs` sorted by time in `self.buffer[..obs.len()]`.
    fn sort_into_buffer(&mut self, obs: &[Obs]) {
        let n = obs.len();
        self.buffer.clear();
        let tmax = obs.iter().fold(0.0f64, |m, o| m.max(o.time));
        if n < 64 || !(tmax > 0.0 && tmax.is_finite()) {
            self.buffer.extend_from_slice(obs);
            self.buffer.sort_unstable_by(|a, b| a.time.total_cmp(&b.time));
            return;
        }
        let scale = (n - 1) as f64 / tmax;
        self.counts.clear();
        self.counts.resize(n + 1, 0);
        self.buckets.clear();
        for o in obs {
            let b = ((o.time * scale) as usize).min(n - 1);
            self.buckets.push(b as u32);
            self.counts[b + 1] += 1;
        }
        let (mut running, mut largest) = (0u32, 0u32);
        for c in self.counts.iter_mut() {
            largest = largest.max(*c);
            running += *c;
            *c = running;
        }
        self.buffer.resize(n, Obs { time: 0.0, status: 0, arm: 0, stratum: 0 });
        for (o, &b) in obs.iter().zip(&self.buckets) {
            let at = &mut self.counts[b as usize];
            self.buffer[*at as usize] = *o;
            *at += 1;
        }
        let v = &mut self.buffer[..n];
        if largest > 32 {
            v.sort_unstable_by(|a, b| a.time.total_cmp(&b.time));
            return;
        }
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

    /// Sorts by (stratum, time).
    pub fn sort(&mut self, obs: &mut [Obs]) {
        self.sort_into_buffer(obs);
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
            for o in self.buffer.iter().filter(|o| o.stratum == s) {
                obs[at] = *o;
                at += 1;
            }
        }
    }

    /// The pooled (one-stratum) risk table of unsorted observations: the sort, then the
    /// table's scan written without data-dependent branches. Equal to sorting and
    /// `RiskTable::fill(…, true)`.
    pub fn pooled_table(&mut self, obs: &[Obs], table: &mut RiskTable) {
        let n = obs.len();
        let mut at_risk = [0u32; 2];
        let mut events = [0u32; 2];
        for o in obs {
            at_risk[o.arm as usize] += 1;
            events[o.arm as usize] += (o.status == 1) as u32;
        }
        self.sort_into_buffer(obs);
        let v = &self.buffer[..n];
        table.rows.clear();
        table.rows.reserve(n);
        table.strata.clear();
        table.n = at_risk;
        table.events = events;
        let mut i = 0;
        while i < n {
            let time = v[i].time;
            let mut row = Row { time, n: at_risk, ..Row::default() };
            loop {
                let o = v[i];
                let a = o.arm as usize;
                row.d[a] += (o.status == 1) as u32;
                row.dc[a] += (o.status == 2) as u32;
                at_risk[a] -= 1;
                i += 1;
                if i == n || v[i].time != time {
                    break;
                }
            }
            // Write the row, keep it only if something happened (no branch on the data).
            let len = table.rows.len();
            table.rows.push(row);
            let keep = (row.d_total() + row.dc[0] + row.dc[1] > 0) as usize;
            table.rows.truncate(len + keep);
        }
        if n > 0 {
            table.strata.push((0, table.rows.len()));
        }
    }
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
            at_risk[o.arm as usize] += 1;
            if o.status == 1 {
                self.events[o.arm as usize] += 1;
            }
        }
        self.n[0] += at_risk[0];
        self.n[1] += at_risk[1];
        let mut i = 0;
        while i < obs.len() {
            let time = obs[i].time;
            let mut row = Row { time, n: at_risk, ..Row::default() };
            while i < obs.len() && obs[i].time == time {
                let o = obs[i];
                let a = o.arm as usize;
                match o.status {
                    1 => row.d[a] += 1,
                    2 => row.dc[a] += 1,
                    _ => {}
                }
                at_risk[a] -= 1;
                i += 1;
            }
            if row.d_total() + row.dc[0] + row.dc[1] > 0 {
                self.rows.push(row);
            }
        }
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
