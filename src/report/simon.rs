//! JSON for `peritrial simon`.

use crate::stats::simon::{Design, Designs};
use serde_json::json;

fn design(d: &Design) -> serde_json::Value {
    json!({ "r1": d.r1, "n1": d.n1, "r": d.r, "n": d.n, "en0": d.en0, "pet0": d.pet0, "alpha": d.alpha, "power": d.power })
}

pub fn json(d: &Designs, p0: f64, p1: f64, alpha: f64, beta: f64) -> String {
    let v = json!({
        "p0": p0, "p1": p1, "alpha": alpha, "beta": beta,
        "rule": "stop after n1 patients if responses <= r1; the treatment is promising if responses > r of n",
        "optimal": design(&d.optimal),
        "minimax": design(&d.minimax),
    });
    serde_json::to_string_pretty(&v).expect("JSON values serialise") + "\n"
}

/// The two designs as a table: stage-1 and total cut-offs, the expected sample size and the
/// probability of early termination under p0, the exact level and power.
pub fn table(d: &Designs, p0: f64, p1: f64, alpha: f64, beta: f64) -> String {
    let mut out =
        format!("Simon two-stage designs for p0 = {p0}, p1 = {p1}, one-sided alpha {alpha}, power {}\n", 1.0 - beta);
    out.push_str("stop after n1 patients if responses <= r1; the treatment is promising if responses > r of n\n\n");
    out.push_str(&format!(
        "{:<8} {:>4} {:>4} {:>4} {:>4} {:>10} {:>10} {:>8} {:>8}\n",
        "design", "r1", "n1", "r", "n", "E(N | p0)", "PET(p0)", "alpha", "power"
    ));
    for (name, x) in [("optimal", &d.optimal), ("minimax", &d.minimax)] {
        out.push_str(&format!(
            "{:<8} {:>4} {:>4} {:>4} {:>4} {:>10.2} {:>10.4} {:>8.4} {:>8.4}\n",
            name, x.r1, x.n1, x.r, x.n, x.en0, x.pet0, x.alpha, x.power
        ));
    }
    out
}
