//! The reports of the commands that do not simulate: `simon`'s two-stage designs and
//! `verify`'s installation qualification. Like the simulation reports, their serde
//! serialisation is the JSON report, and the table and CSV read the same fields.

use crate::stats::simon::Design;
use serde::Serialize;

/// `simon`: the optimal and minimax two-stage designs for one question.
#[derive(Debug, Clone, Serialize)]
pub struct SimonReport {
    pub p0: f64,
    pub p1: f64,
    pub alpha: f64,
    pub beta: f64,
    /// The decision rule the designs' numbers mean, in words.
    pub rule: &'static str,
    pub optimal: Design,
    pub minimax: Design,
}

impl SimonReport {
    pub fn new(d: &crate::stats::simon::Designs, p0: f64, p1: f64, alpha: f64, beta: f64) -> SimonReport {
        SimonReport {
            p0,
            p1,
            alpha,
            beta,
            rule: "stop after n1 patients if responses <= r1; the treatment is promising if responses > r of n",
            optimal: d.optimal,
            minimax: d.minimax,
        }
    }

    /// The target power, 1 − β.
    pub fn power(&self) -> f64 {
        1.0 - self.beta
    }

    /// The two designs with their names, in the order every format lists them.
    pub fn designs(&self) -> [(&'static str, &Design); 2] {
        [("optimal", &self.optimal), ("minimax", &self.minimax)]
    }
}

/// `verify`: each check re-run on this machine, with its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub peritrial: &'static str,
    /// UTC, ISO 8601.
    pub date: String,
    pub platform: String,
    pub threads: usize,
    pub seconds: f64,
    /// Every check passed.
    pub passed: bool,
    pub checks: Vec<VerifyCheck>,
}

/// One check of `verify`: what it compares against, at which tolerance, and what disagreed.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyCheck {
    pub check: String,
    pub against: String,
    pub tolerance: String,
    /// Values (or reports) compared.
    pub compared: usize,
    /// The largest deviation seen, in the check's own units.
    pub largest_deviation: f64,
    /// Within its tolerance, having compared something.
    pub passed: bool,
    /// What disagreed (empty when the check passed).
    pub failures: Vec<String>,
}
