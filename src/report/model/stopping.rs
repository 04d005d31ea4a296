//! The inference at stopping of the monitored endpoint across trials (`stats::stopping`, per
//! trial in the engine): computed here once for every format.

use super::basics::Quantiles;
use super::looks::{InferenceAtStopping, StoppingAccuracy};
use crate::scenario::Scenario;
use crate::summary::{StoppingSummary, Values};

/// A share with its Monte Carlo standard error (None of none).
fn share(count: u64, of: u64) -> (Option<f64>, Option<f64>) {
    if of == 0 {
        return (None, None);
    }
    let p = count as f64 / of as f64;
    (Some(p), Some((p * (1.0 - p) / of as f64).sqrt()))
}

/// The summary `st` of endpoint `e`'s inference at stopping in a run of `s`, beside the naive
/// estimates `naive` (the endpoint's, at the stopping look) and their intervals' coverage.
pub fn inference_at_stopping(
    s: &Scenario,
    e: usize,
    st: &StoppingSummary,
    naive: &Values,
    naive_covered: u64,
    naive_intervals: u64,
) -> InferenceAtStopping {
    let alpha = s.endpoints()[e].alpha;
    let d = st.estimates.describe();
    let trials = st.estimates.finite();
    let truth = crate::design::analytic::true_estimate(s, e).filter(|t| t.is_finite() && *t > 0.0);
    let accuracy = truth.map(|t| {
        let (coverage, coverage_mcse) = share(st.covered, st.intervals);
        let (naive_coverage, naive_coverage_mcse) = share(naive_covered, naive_intervals);
        let (repeated_coverage, repeated_coverage_mcse) = share(st.rci_covered, st.rci_trials);
        let log = st.estimates.log_moments();
        StoppingAccuracy {
            true_value: t,
            median_ratio_minus_1: d.as_ref().map(|d| d.q500 / t - 1.0),
            naive_median_ratio_minus_1: naive.describe().map(|d| d.q500 / t - 1.0),
            log_bias: log.map(|(m, _)| m - t.ln()),
            log_bias_mcse: log.map(|(_, sd)| sd / (trials.max(1) as f64).sqrt()),
            naive_log_bias: naive.log_moments().map(|(m, _)| m - t.ln()),
            coverage,
            coverage_mcse,
            naive_coverage,
            naive_coverage_mcse,
            repeated_coverage,
            repeated_coverage_mcse,
        }
    });
    InferenceAtStopping {
        method: "stage-wise ordering (Jennison & Turnbull 2000 §8.4; rpact getFinalPValue, getFinalConfidenceInterval, getRepeatedConfidenceIntervals)".into(),
        confidence: 1.0 - 2.0 * alpha,
        trials,
        without: st.none,
        mean: d.as_ref().map(|d| d.mean),
        quantiles: d.as_ref().map(|d| Quantiles { q025: Some(d.q025), q500: Some(d.q500), q975: Some(d.q975) }),
        mean_lower: st.lower.mean(),
        mean_upper: st.upper.mean(),
        p_quantiles: st.p_values.describe().map(|d| Quantiles { q025: Some(d.q025), q500: Some(d.q500), q975: Some(d.q975) }),
        accuracy,
    }
}
