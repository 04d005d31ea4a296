//! The inference at stopping of the monitored endpoint across trials (`stats::stopping`, per
//! trial in the engine): computed here once for every format.

use super::basics::Quantiles;
use super::looks::{InferenceAtStopping, StoppingAccuracy};
use crate::scenario::{EndpointKind, Scenario};
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
    let endpoint = &s.endpoints()[e];
    let alpha = endpoint.alpha;
    let d = st.estimates.describe();
    let trials = st.estimates.finite();
    // A binary endpoint's estimate is a difference (or a single arm's rate): its accuracy on
    // the difference scale; the hazard ratio's on the ratio scale.
    let estimand = match &endpoint.kind {
        EndpointKind::Binary { .. } => {
            Some(if endpoint.control.is_some() { "rate difference" } else { "response rate" }.to_string())
        }
        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => None,
    };
    let ratio = estimand.is_none();
    let truth = crate::design::analytic::true_estimate(s, e).filter(|t| t.is_finite() && (*t > 0.0 || !ratio));
    let accuracy = truth.map(|t| {
        let (coverage, coverage_mcse) = share(st.covered, st.intervals);
        let (naive_coverage, naive_coverage_mcse) = share(naive_covered, naive_intervals);
        let (repeated_coverage, repeated_coverage_mcse) = share(st.rci_covered, st.rci_trials);
        let log = st.estimates.log_moments().filter(|_| ratio);
        let moments = d.as_ref().filter(|_| !ratio);
        let naive_d = naive.describe();
        StoppingAccuracy {
            true_value: t,
            median_ratio_minus_1: d.as_ref().filter(|_| ratio).map(|d| d.q500 / t - 1.0),
            naive_median_ratio_minus_1: naive_d.as_ref().filter(|_| ratio).map(|d| d.q500 / t - 1.0),
            log_bias: log.map(|(m, _)| m - t.ln()),
            log_bias_mcse: log.map(|(_, sd)| sd / (trials.max(1) as f64).sqrt()),
            naive_log_bias: naive.log_moments().filter(|_| ratio).map(|(m, _)| m - t.ln()),
            median_minus_true: moments.map(|d| d.q500 - t),
            naive_median_minus_true: naive_d.as_ref().filter(|_| !ratio).map(|d| d.q500 - t),
            bias: moments.map(|d| d.mean - t),
            bias_mcse: moments.map(|d| d.sd / (trials.max(1) as f64).sqrt()),
            naive_bias: naive_d.as_ref().filter(|_| !ratio).map(|d| d.mean - t),
            coverage,
            coverage_mcse,
            naive_coverage,
            naive_coverage_mcse,
            repeated_coverage,
            repeated_coverage_mcse,
        }
    });
    InferenceAtStopping {
        method: match (&endpoint.kind, endpoint.control) {
            (EndpointKind::Binary { .. }, None) => "exact stage-wise ordering on the binomial (Jennison & Turnbull 1983; median-unbiased as Hirji, Tsiatis & Mehta 1989); repeated intervals Clopper–Pearson at each look's level (rpact)".into(),
            (EndpointKind::Binary { .. }, Some(_)) => "stage-wise ordering of the looks' z, carried to the difference by the unpooled standard error at the stopping look; repeated intervals inverting Farrington–Manning (rpact getAnalysisResults on rates)".into(),
            (EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. }, _) => "stage-wise ordering (Jennison & Turnbull 2000 §8.4; rpact getFinalPValue, getFinalConfidenceInterval, getRepeatedConfidenceIntervals)".into(),
        },
        estimand,
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
