//! A group-sequential design's looks across trials: each look's bounds on every scale, its
//! stopping probabilities and what the trials that reach it have.

use super::basics::{Quantiles, present};
use serde::{Deserialize, Serialize};

/// One analysis of the monitored endpoint (the last is the final analysis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Look {
    pub look: usize,
    /// The planned information fraction.
    pub information: f64,
    pub boundary_z: Option<f64>,
    /// The efficacy boundary on the hazard-ratio scale at the look's mean events:
    /// exp(−z (1 + r) / √(r d)), r the allocation ratio (Schoenfeld's approximation).
    pub boundary_hazard_ratio: Option<f64>,
    /// The efficacy bound's one-sided nominal p-value, 1 − Φ(z): the level the look tests at
    /// (rpact's "stage levels", `criticalValuesPValueScale`).
    pub boundary_p: Option<f64>,
    /// The cumulative alpha planned spent at this look (the spending function at the planned
    /// information; all of it at the final look). None for a binary endpoint (its test's level).
    pub alpha_spent: Option<f64>,
    pub rejections: u64,
    pub futility_z: Option<f64>,
    /// The futility bound on the hazard-ratio scale at the look's mean events (as the efficacy
    /// bound's) and as a one-sided nominal p-value (rpact's `futilityBoundsPValueScale`).
    pub futility_hazard_ratio: Option<f64>,
    pub futility_p: Option<f64>,
    /// Where the look has a futility bound: whether it is binding (the efficacy boundaries are
    /// computed with it) or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub futility_binding: Option<bool>,
    pub futility_stops: u64,
    /// With `analysis.harm`: the harm bound on the z scale (its mean over trials) and on the
    /// hazard-ratio scale, and the trials that stopped here for harm (at the final look: that
    /// concluded harm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_z: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_hazard_ratio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_stops: Option<u64>,
    /// Share of trials that end at this look (efficacy, futility, or the final analysis).
    pub stop_probability: f64,
    /// Share of trials that reach this look, over which events, month, patients and bounds are.
    pub reached: f64,
    /// Share of trials that have rejected by this look.
    pub cumulative_power: f64,
    pub events: Option<f64>,
    pub cut_month: Option<f64>,
    pub patients: Option<f64>,
    pub target_not_reached: u64,
    /// With `looks.during_enrolment`: trials whose interim came after the last patient entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_enrolment: Option<u64>,
    /// With event re-estimation, at an interim: trials whose next stage's required events
    /// exceeded its maximum (the cap binds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capped: Option<u64>,
    /// Distributions over every trial (a look's values had the trial gone on to it): z to
    /// within 0.05, events and patients to within their bins (1 up to 1023 patients), the
    /// month to within 1% of the design's horizon.
    pub z_distribution: Option<Quantiles>,
    pub events_distribution: Option<Quantiles>,
    pub patients_distribution: Option<Quantiles>,
    pub month_distribution: Option<Quantiles>,
    /// Looks at calendar months: the planned month (`Some(None)` for the final look, whose
    /// month is the cut's).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub month: Option<Option<f64>>,
    /// With `report_conditional_power`, at an interim: the monitored endpoint's conditional
    /// power over the trials still running at the look, under each effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_power: Option<Vec<ConditionalPower>>,
}

/// Inference when a trial stops (Jennison & Turnbull 2000 §8.4, rpact's `getFinalPValue` and
/// `getFinalConfidenceInterval`): across the trials, the median-unbiased estimate by
/// stage-wise ordering (of the hazard ratio, or of a binary endpoint's rate difference or
/// single arm's rate) and its 1 − 2α interval, beside the naive estimate at the stopping look,
/// and the repeated intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferenceAtStopping {
    pub method: String,
    /// What is estimated, where it is not the hazard ratio: `rate difference` (two arms'
    /// responses) or `response rate` (a single arm's). Its accuracy is then on the difference
    /// scale (median − true, bias), the hazard ratio's on the ratio scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimand: Option<String>,
    /// The two-sided confidence of the interval and of the repeated intervals: 1 − 2α.
    pub confidence: f64,
    /// Trials with an estimate, and trials without one (stopped for non-binding futility or
    /// harm before the last look: rpact reports none there either).
    pub trials: u64,
    pub without: u64,
    /// The median-unbiased hazard ratio: its mean and quantiles over the trials.
    pub mean: Option<f64>,
    pub quantiles: Option<Quantiles>,
    pub mean_lower: Option<f64>,
    pub mean_upper: Option<f64>,
    /// The stage-wise p-values' quantiles over those trials.
    pub p_quantiles: Option<Quantiles>,
    /// Against the scenario's true hazard ratio (None without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<StoppingAccuracy>,
}

impl InferenceAtStopping {
    /// What the estimate is of, in words.
    pub fn estimand_name(&self) -> &str {
        self.estimand.as_deref().unwrap_or("hazard ratio")
    }

    /// The naive estimate the formats set beside it, in words.
    pub fn naive_name(&self) -> &'static str {
        match self.estimand.as_deref() {
            None => "Cox at the stopping look",
            Some(_) => "observed at the stopping look",
        }
    }

    /// The naive interval whose coverage the formats show.
    pub fn naive_interval_name(&self) -> &'static str {
        match self.estimand.as_deref() {
            None => "95% Wald",
            Some("response rate") => "95% Clopper–Pearson",
            Some(_) => "95% score (Farrington–Manning inverted)",
        }
    }

    /// What the trials without an estimate are, in words (None when every trial has one).
    pub fn note(&self) -> Option<String> {
        (self.without > 0).then(|| {
            format!(
                "{} trials stopped for non-binding futility or harm at an interim have no stage-wise estimate (as rpact); its figures are over the {} that do, the naive estimate's over every trial",
                self.without, self.trials
            )
        })
    }
}

/// How the median-unbiased estimate and its interval do against the true hazard ratio, beside
/// the naive estimate (the Cox model at the stopping look and its Wald interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoppingAccuracy {
    pub true_value: f64,
    /// A hazard ratio's: median of the estimates over the true value, minus 1 (median
    /// unbiasedness: near 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ratio_minus_1: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naive_median_ratio_minus_1: Option<f64>,
    /// A hazard ratio's: mean log estimate minus the log true value, with its Monte Carlo
    /// standard error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_bias: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_bias_mcse: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naive_log_bias: Option<f64>,
    /// A rate difference's or rate's: median of the estimates minus the true value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_minus_true: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naive_median_minus_true: Option<f64>,
    /// A rate difference's or rate's: mean estimate minus the true value, with its Monte Carlo
    /// standard error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias_mcse: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naive_bias: Option<f64>,
    /// Share of trials whose 1 − 2α interval holds the true value (of those with one).
    pub coverage: Option<f64>,
    pub coverage_mcse: Option<f64>,
    /// The naive 95% Wald interval's coverage at the stopping look.
    pub naive_coverage: Option<f64>,
    pub naive_coverage_mcse: Option<f64>,
    /// Share of trials all of whose repeated intervals up to the stopping look hold it.
    pub repeated_coverage: Option<f64>,
    pub repeated_coverage_mcse: Option<f64>,
}

/// The distribution of a conditional power across the trials that reach a look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionalPower {
    /// `estimate` (the trial's own hazard ratio at the look), `assumed` (the scenario's hazard
    /// ratio), `user` (`analysis.conditional_power_hazard_ratio`) or `predictive` (the
    /// predictive probability: the conditional power averaged over the effect's posterior
    /// under a flat prior).
    pub under: String,
    pub hazard_ratio: Option<f64>,
    pub trials: u64,
    pub mean: Option<f64>,
    /// To within 0.005.
    pub distribution: Option<Quantiles>,
    /// Share of those trials whose conditional power is below 0.1 and below 0.2.
    pub below_0_1: Option<f64>,
    pub below_0_2: Option<f64>,
}

/// What the formats show of a look, computed once here so that every format shows the same.
impl Look {
    /// The share of trials that stopped for efficacy at this look.
    pub fn efficacy_share(&self, replicates: u64) -> f64 {
        self.rejections as f64 / replicates.max(1) as f64
    }

    /// The share of trials that stopped for futility at this look; None where the look has no
    /// futility bound.
    pub fn futility_share(&self, replicates: u64) -> Option<f64> {
        self.futility_z.filter(|z| z.is_finite()).map(|_| self.futility_stops as f64 / replicates.max(1) as f64)
    }

    /// With event re-estimation, at an interim: the share of trials whose next stage's required
    /// events exceeded its maximum.
    pub fn capped_share(&self, replicates: u64) -> Option<f64> {
        Some(self.capped? as f64 / replicates.max(1) as f64)
    }

    /// The share of trials that stopped for harm at this look; None without a harm bound.
    pub fn harm_share(&self, replicates: u64) -> Option<f64> {
        self.harm_z?;
        Some(self.harm_stops? as f64 / replicates.max(1) as f64)
    }
}

/// A design's spending functions on a grid of information fractions, for pictures only: the
/// cumulative alpha the efficacy bound spends, and the cumulative beta of a beta-spending
/// futility bound; each with its name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpendingCurves {
    pub alpha: (String, Vec<(f64, f64)>),
    pub beta: Option<(String, Vec<(f64, f64)>)>,
}

/// Event re-estimation's rule at the first interim, for pictures only: on a grid of the interim
/// z, the next stage's events and the conditional power at its planned events under the
/// trial's estimate, with the zones of a promising-zone design.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReestimationRule {
    pub interim_events: f64,
    pub planned_stage: f64,
    pub min_stage: f64,
    pub max_stage: f64,
    pub target: f64,
    pub promising_from: Option<f64>,
    /// The interim's efficacy boundary (z at or above it stops the trial).
    pub boundary: f64,
    /// (z, the next stage's events, conditional power at the planned events, zone: 0
    /// unfavourable, 1 promising, 2 favourable, None without zones).
    pub points: Vec<(f64, f64, f64, Option<u8>)>,
    /// The share of trials in which the cap bound at the first interim.
    pub capped_share: Option<f64>,
}
