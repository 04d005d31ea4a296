//! The operating characteristics under the null (`run --null`), beside the alternative's.

use super::basics::Named;
use serde::{Deserialize, Serialize};

/// The type I error of every test (`run --null`): the same scenario with every treatment
/// effect at its null, on the same random numbers (the same seed and replicates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NullReport {
    /// What was set to its null, in words.
    pub null: Vec<String>,
    pub scenario_sha256: String,
    pub endpoints: Named<NullTest>,
    /// A multiplicity family: the family-wise error rate (at least one member rejected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<NullTest>,
    /// The operating characteristics under the null beside the alternative's (rpact's ASN
    /// under H0): where the trials stop and what they use. The primary endpoint's events, the
    /// patients and the months at the analysis where each trial stops, means over the trials.
    pub expected_events: Option<f64>,
    pub expected_patients: Option<f64>,
    pub expected_duration_months: Option<f64>,
    /// A design with looks: the monitored endpoint's looks under the null (stopping for
    /// efficacy and futility at each, the share reaching it, its events, month and patients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub looks: Option<Vec<super::looks::Look>>,
}

/// A test's rejection rate under the null with its exact (Clopper–Pearson) 95% interval, and
/// how it stands against its nominal level: "at level" (the level is inside the interval),
/// "conservative" (the interval is below it) or "inflated" (above it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NullTest {
    pub test: String,
    pub level: f64,
    pub rejections: u64,
    pub type_one_error: f64,
    pub mcse: f64,
    pub ci: [f64; 2],
    pub verdict: String,
}
