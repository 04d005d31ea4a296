//! Trial design: spending functions and group-sequential boundaries.
pub mod analytic;
pub mod sequential;
pub mod size;
// Moved to `stats::spending` (boundaries are pure statistics, below the scenario).
pub use crate::stats::spending;
pub mod truth;
