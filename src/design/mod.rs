//! Trial design: spending functions and group-sequential boundaries.
pub mod analytic;
pub mod size;
pub mod spending;
pub mod truth;
