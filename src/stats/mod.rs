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
