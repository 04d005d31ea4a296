//! peritrial designs clinical trials of intraperitoneal rmhTNF perfusion by simulating them.
pub mod cli;
pub mod data;
pub mod report;
pub mod scenario;
pub mod stats;
