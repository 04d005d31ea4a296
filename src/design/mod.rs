//! Trial design: spending functions and group-sequential boundaries.
pub mod spending;
