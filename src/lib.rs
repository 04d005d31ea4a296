//! peritrial designs clinical trials of intraperitoneal rmhTNF perfusion by simulating them.

// `!(x > 0.0)` is how numeric code here says "not positive, or NaN"; it is deliberate.
#![allow(clippy::neg_cmp_op_on_partial_ord)]
pub mod cli;
pub mod data;
pub mod report;
pub mod scenario;
pub mod stats;
