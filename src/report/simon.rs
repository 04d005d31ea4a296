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
