//! The per-replicate record: where each number of a trial's analysis sits (a flat `f64` array
//! read by the summary's fold, the shard state, `--replicates-csv` and `sample`).

/// Declares a block's fields in order: each gets the next offset, and `COUNT` is the number
/// of them, so no offset is numbered by hand and none can be skipped or given twice.
macro_rules! offsets {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(usize)]
        enum Offset {
            $($name,)*
            COUNT,
        }
        $($(#[$doc])* pub const $name: usize = Offset::$name as usize;)*
        /// The number of fields of the block.
        pub const COUNT: usize = Offset::COUNT as usize;
    };
}

/// Where each number of a replicate's record sits.
#[derive(Debug, Clone)]
pub struct Layout {
    pub stride: usize,
    /// Start of each endpoint's fields.
    pub endpoint: Vec<usize>,
    /// Start of the per-look fields (cut month, primary z, boundary, events) × looks.
    pub looks: usize,
    pub n_looks: usize,
    /// Milestones per endpoint.
    pub milestones: Vec<usize>,
    /// Time-to-event endpoints: start of the curve's fields, grid month × [treatment,
    /// control] (survival, or cumulative incidence with competing events; NaN beyond an arm's
    /// follow-up or for an absent arm).
    pub curves: Vec<Option<usize>>,
    /// The months of the curves: from 0 to the design's expected final analysis month
    /// ([`cut::Planning::horizon`]) in a round step, at most 25 points.
    pub grid: Vec<f64>,
    pub horizon: f64,
    pub sample_size: u32,
    /// With several cohorts and a two-arm time-to-event primary endpoint: the start of its
    /// per-cohort hazard ratios (the Cox estimate within each cohort at the analysis; NaN
    /// where not estimable), one per cohort.
    pub cohorts: Option<usize>,
    pub n_cohorts: usize,
    /// The looks carry the monitored endpoint's conditional power (`report_conditional_power`).
    pub conditional_power: bool,
    /// With looks and a monitored endpoint tested on the hazard-ratio scale (log-rank,
    /// stratified log-rank, Cox; no re-estimation): the start of its inference at stopping
    /// ([`inference`]'s fields, then [`inference::LOOK_COUNT`] per look).
    pub inference: Option<usize>,
}

/// Months 0, step, 2·step, … ≤ `horizon`, with the smallest round step that gives at most
/// 25 points.
pub fn curve_grid(horizon: f64) -> Vec<f64> {
    let h = if horizon.is_finite() && horizon > 0.0 { horizon } else { 1.0 };
    let step = [0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 36.0, 60.0, 120.0, 240.0, 600.0]
        .into_iter()
        .find(|&st| h / st <= 24.0)
        .unwrap_or(h / 24.0);
    (0..=(h / step + 1e-9).floor() as usize).map(|k| k as f64 * step).collect()
}

/// Field offsets within an endpoint's block.
pub mod field {
    offsets! {
        /// 1 when the planned test rejects (at any look, for the primary), before multiplicity.
        REJECTED,
        /// 1 when rejected after the multiplicity procedure.
        ADJUSTED,
        /// The test statistic (positive = treatment better) at the analysis cut.
        Z,
        /// The endpoint's estimate (NaN when not estimable).
        ESTIMATE,
        /// Events (time to event), responders (binary) or patients with the event (safety), in
        /// the treatment arm for binary and safety endpoints.
        EVENTS,
        /// One-sided p-value of the planned test (NaN where it has none).
        P,
        /// Safety: 1 when at least one grade ≥ 3 event occurred in the treatment arm.
        EXTRA,
        /// With an assessment schedule: the estimate had recurrences been seen when they happened
        /// (same patients, same cut), to show how much scheduled imaging shifts it.
        EXACT_ESTIMATE,
        /// Binary and safety endpoints: the Clopper–Pearson 95% interval of the treatment arm's
        /// rate.
        CP_LOWER,
        CP_UPPER,
        /// The 95% interval of the estimate (the Cox model's Wald interval of a hazard ratio, the
        /// Clopper–Pearson interval of a rate; NaN where there is none).
        CI_LOWER,
        CI_UPPER,
        /// 1 when that interval holds the scenario's true value, 0 when not, NaN without either.
        COVERS,
        /// Simon's two-stage design: 1 when the trial stops after stage 1 (at most r1 responses),
        /// and the patients it uses (n1 then, else every patient of the arm).
        STAGE1_STOP,
        PATIENTS_USED,
        /// A Bayesian rule: the posterior probability of the alternative at its decision (NaN
        /// for every other test); `STAGE1_STOP` is then the interim at which it stopped (0 at
        /// the final analysis) and `PATIENTS_USED` the patients of its decision.
        POSTERIOR,
        /// Milestones × [treatment, control]: survival, or cumulative incidence with competing
        /// events (NaN beyond follow-up or for an absent arm).
        MILESTONES,
    }
}

/// Global fields.
pub mod global {
    offsets! {
        /// Calendar month of the analysis (the look where the trial stops).
        CUT_MONTH,
        /// 1-based look at which the trial stopped.
        STOP_LOOK,
        /// Patients enrolled by the analysis cut.
        PATIENTS,
        /// 1 when the primary endpoint stopped for futility, 2 when for harm (its z at or below
        /// the harm bound; at the final look, concluded harm).
        FUTILITY,
        /// 0 when the final cut's event target was not reached (the analysis then falls at the
        /// last observation of the trial), 1 otherwise.
        CUT_REACHED,
    }
}

/// Per-look fields (after `Layout::looks`).
pub mod look {
    offsets! {
        CUT_MONTH,
        Z,
        BOUNDARY,
        EVENTS,
        /// Patients enrolled by the look.
        PATIENTS,
        /// The non-binding futility boundary (−∞ where there is none).
        FUTILITY,
        /// 0 when the look's event target was not reached (the look then falls at the final cut),
        /// 1 otherwise.
        REACHED,
        /// With `report_conditional_power`: the monitored endpoint's conditional power at this
        /// interim (NaN at the final look and at looks after the trial stopped) under the trial's
        /// estimate, the scenario's hazard ratio (where it states one) and the user's hazard ratio.
        CP_ESTIMATE,
        CP_ASSUMED,
        CP_USER,
        /// With `analysis.harm`: the harm bound on the z scale (the trial stops when z is at or
        /// below it; −∞ where there is none).
        HARM,
        /// With `report_conditional_power`: the predictive probability of success at this interim
        /// (the conditional power averaged over the drift's posterior, flat prior).
        CP_PREDICTIVE,
        /// With event re-estimation, at an interim: 1 when the next stage's required events
        /// exceeded its maximum (the cap binds), 0 when not.
        CAPPED,
    }
}

/// The monitored endpoint's inference when the trial stops (`stats::stopping`), on the
/// hazard-ratio scale: NaN where there is none (a stop for non-binding futility or harm before
/// the last look, as rpact's).
pub mod inference {
    offsets! {
        /// The one-sided p-value by stage-wise ordering.
        P,
        /// The median-unbiased estimate of the hazard ratio.
        MEDIAN_UNBIASED,
        /// Its two-sided 1 − 2α interval (α the endpoint's one-sided level).
        LOWER,
        UPPER,
        /// 1 when that interval holds the scenario's true hazard ratio, 0 when not, NaN without.
        COVERS,
        /// 1 when every repeated interval up to the stopping look holds it, 0 when not.
        RCI_COVERS,
    }
    /// Per look (after the fields above): the repeated 1 − 2α interval of the hazard ratio
    /// (NaN after the stopping look).
    pub const RCI_LOWER: usize = 0;
    pub const RCI_UPPER: usize = 1;
    pub const LOOK_COUNT: usize = 2;
}

/// Why a trial stopped where it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The monitored endpoint's z reached the harm bound.
    Harm,
    /// Below the futility bound at an interim look.
    Futility,
    /// The monitored endpoint's z reached the efficacy boundary at the look where it stopped
    /// (an interim look, or the final one).
    Efficacy,
    /// Went to the final analysis without reaching the boundary there.
    Final,
}

/// The look where a trial stopped (1-based) and why, read off its record: the one
/// classification of a trial's stop that the summary and the per-replicate rows count.
pub fn stopped(layout: &Layout, record: &[f64]) -> (usize, Stop) {
    let look_no = record[global::STOP_LOOK] as usize;
    let why = if record[global::FUTILITY] == 2.0 {
        Stop::Harm
    } else if record[global::FUTILITY] == 1.0 {
        Stop::Futility
    } else if look_no >= 1 && look_no <= layout.n_looks && {
        let b = layout.looks + look::COUNT * (look_no - 1);
        record[b + look::Z] >= record[b + look::BOUNDARY]
    } {
        Stop::Efficacy
    } else {
        Stop::Final
    };
    (look_no, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record's layout is part of what checkpoints and shards carry (through the summary):
    /// a change to it is deliberate.
    #[test]
    fn the_record_layout_is_stable() {
        assert_eq!((field::REJECTED, field::EXACT_ESTIMATE, field::PATIENTS_USED, field::MILESTONES), (0, 7, 14, 16));
        assert_eq!((global::CUT_MONTH, global::CUT_REACHED, global::COUNT), (0, 4, 5));
        assert_eq!((look::CUT_MONTH, look::HARM, look::CP_PREDICTIVE, look::COUNT), (0, 10, 11, 13));
    }
}
