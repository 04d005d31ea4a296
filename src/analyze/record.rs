//! The per-replicate record: where each number of a trial's analysis sits (a flat `f64` array
//! read by the summary's fold, the shard state, `--replicates-csv` and `sample`).

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
    /// 1 when the planned test rejects (at any look, for the primary), before multiplicity.
    pub const REJECTED: usize = 0;
    /// 1 when rejected after the multiplicity procedure.
    pub const ADJUSTED: usize = 1;
    /// The test statistic (positive = treatment better) at the analysis cut.
    pub const Z: usize = 2;
    /// The endpoint's estimate (NaN when not estimable).
    pub const ESTIMATE: usize = 3;
    /// Events (time to event), responders (binary) or patients with the event (safety), in
    /// the treatment arm for binary and safety endpoints.
    pub const EVENTS: usize = 4;
    /// One-sided p-value of the planned test (NaN where it has none).
    pub const P: usize = 5;
    /// Safety: 1 when at least one grade ≥ 3 event occurred in the treatment arm.
    pub const EXTRA: usize = 6;
    /// With an assessment schedule: the estimate had recurrences been seen when they happened
    /// (same patients, same cut), to show how much scheduled imaging shifts it.
    pub const EXACT_ESTIMATE: usize = 7;
    /// Binary and safety endpoints: the Clopper–Pearson 95% interval of the treatment arm's
    /// rate.
    pub const CP_LOWER: usize = 8;
    pub const CP_UPPER: usize = 9;
    /// The 95% interval of the estimate (the Cox model's Wald interval of a hazard ratio, the
    /// Clopper–Pearson interval of a rate; NaN where there is none).
    pub const CI_LOWER: usize = 10;
    pub const CI_UPPER: usize = 11;
    /// 1 when that interval holds the scenario's true value, 0 when not, NaN without either.
    pub const COVERS: usize = 12;
    /// Simon's two-stage design: 1 when the trial stops after stage 1 (at most r1 responses),
    /// and the patients it uses (n1 then, else every patient of the arm).
    pub const STAGE1_STOP: usize = 13;
    pub const PATIENTS_USED: usize = 14;
    /// Milestones × [treatment, control]: survival, or cumulative incidence with competing
    /// events (NaN beyond follow-up or for an absent arm).
    pub const MILESTONES: usize = 15;
}

/// Global fields.
pub mod global {
    /// Calendar month of the analysis (the look where the trial stops).
    pub const CUT_MONTH: usize = 0;
    /// 1-based look at which the trial stopped.
    pub const STOP_LOOK: usize = 1;
    /// Patients enrolled by the analysis cut.
    pub const PATIENTS: usize = 2;
    /// 1 when the primary endpoint stopped for futility, 2 when for harm (its z at or below
    /// the harm bound; at the final look, concluded harm).
    pub const FUTILITY: usize = 3;
    /// 0 when the final cut's event target was not reached (the analysis then falls at the
    /// last observation of the trial), 1 otherwise.
    pub const CUT_REACHED: usize = 4;
    pub const COUNT: usize = 5;
}

/// Per-look fields (after `Layout::looks`).
pub mod look {
    pub const CUT_MONTH: usize = 0;
    pub const Z: usize = 1;
    pub const BOUNDARY: usize = 2;
    pub const EVENTS: usize = 3;
    /// Patients enrolled by the look.
    pub const PATIENTS: usize = 4;
    /// The non-binding futility boundary (−∞ where there is none).
    pub const FUTILITY: usize = 5;
    /// 0 when the look's event target was not reached (the look then falls at the final cut),
    /// 1 otherwise.
    pub const REACHED: usize = 6;
    /// With `report_conditional_power`: the monitored endpoint's conditional power at this
    /// interim (NaN at the final look and at looks after the trial stopped) under the trial's
    /// estimate, the scenario's hazard ratio (where it states one) and the user's hazard ratio.
    pub const CP_ESTIMATE: usize = 7;
    pub const CP_ASSUMED: usize = 8;
    pub const CP_USER: usize = 9;
    /// With `analysis.harm`: the harm bound on the z scale (the trial stops when z is at or
    /// below it; −∞ where there is none).
    pub const HARM: usize = 10;
    /// With `report_conditional_power`: the predictive probability of success at this interim
    /// (the conditional power averaged over the drift's posterior, flat prior).
    pub const CP_PREDICTIVE: usize = 11;
    pub const COUNT: usize = 12;
}
