//! peritrial designs clinical trials of intraperitoneal rmhTNF perfusion by simulating them.

// `!(x > 0.0)` is how numeric code here says "not positive, or NaN"; it is deliberate.
#![allow(clippy::neg_cmp_op_on_partial_ord)]
pub mod analyze;
pub mod cli;
pub mod commands;
pub mod cut;
pub mod data;
pub mod design;
pub mod engine;
pub mod input;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod simulate;
pub mod stats;
pub mod summary;
pub mod verify;
