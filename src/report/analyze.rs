//! JSON for `peritrial analyze`.

use super::key_number;
use crate::stats::cox::Cox;
use crate::stats::logrank::Logrank;
use crate::stats::trial::{ArmSummary, TrialAnalysis};
use serde_json::{Map, Value, json};

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

/// Why a two-sample comparison has no answer on these data, if it has none.
fn not_estimable(t: &TrialAnalysis) -> Option<String> {
    let arm_name = |a: usize| if a == 1 { "treatment (arm 1)" } else { "control (arm 0)" };
    if let Some(a) = (0..2).find(|&a| t.arms[a].n == 0) {
        return Some(format!("the data have no {} patients: a two-sample test needs both arms", arm_name(a)));
    }
    if t.events == 0 {
        return Some("the data have no events (all censored): there is nothing to compare".into());
    }
    if !(t.logrank.variance > 0.0) {
        return Some("no event happens while both arms are at risk: the test's variance is 0".into());
    }
    None
}

fn not_estimable_value(reason: &str) -> Value {
    json!({ "estimable": false, "reason": reason })
}

fn cox(c: &Cox, t: &TrialAnalysis) -> Value {
    if let Some(reason) = not_estimable(t) {
        return not_estimable_value(&reason);
    }
    match c {
        Cox::Estimate { log_hr, se, .. } => {
            let (lo, hi) = c.ci(0.95).expect("estimable");
            json!({ "estimable": true, "log_hr": num(*log_hr), "se": num(*se), "hazard_ratio": num(log_hr.exp()),
                    "ci_lower": num(lo), "ci_upper": num(hi) })
        }
        Cox::NotEstimable => {
            let reason = match (0..2).find(|&a| t.arms[a].events == 0) {
                Some(a) => format!("no finite maximum likelihood estimate: arm {a} has no events"),
                None => "no finite maximum likelihood estimate: the partial likelihood is monotone (the events of one arm all happen while the other arm's patients at risk have none)".into(),
            };
            not_estimable_value(&reason)
        }
    }
}

fn logrank(l: &Logrank, with_z: bool, t: &TrialAnalysis) -> Value {
    if let Some(reason) = not_estimable(t) {
        return not_estimable_value(&reason);
    }
    let mut m = Map::new();
    m.insert("estimable".into(), json!(true));
    m.insert("chisq".into(), num(l.chisq));
    m.insert("p_value".into(), num(l.p_value));
    if with_z {
        m.insert("z".into(), num(l.z));
        m.insert("p_one_sided".into(), num(l.p_one_sided()));
    }
    Value::Object(m)
}

fn arm(a: &ArmSummary, milestones: &[f64], tau: f64) -> Value {
    let km: Vec<Value> = milestones
        .iter()
        .zip(&a.km)
        .map(|(&m, s)| match s {
            Some(s) => json!({ "time": num(m), "survival": num(s.survival), "std_err": num(s.std_err) }),
            None => json!({ "time": num(m), "survival": null, "std_err": null }),
        })
        .collect();
    let mut o = Map::new();
    o.insert("n".into(), json!(a.n));
    o.insert("events".into(), json!(a.events));
    o.insert("median".into(), opt(a.median.estimate));
    o.insert("median_ci".into(), json!([opt(a.median.lower), opt(a.median.upper)]));
    o.insert("km".into(), Value::Array(km));
    o.insert(format!("rmst{}", key_number(tau)), num(a.rmst.estimate));
    o.insert(format!("rmst{}_se", key_number(tau)), num(a.rmst.std_err));
    Value::Object(o)
}

pub fn json(t: &TrialAnalysis, milestones: &[f64], tau: f64) -> String {
    let mut o = Map::new();
    o.insert("n".into(), json!(t.n));
    o.insert("events".into(), json!(t.events));
    o.insert("logrank".into(), logrank(&t.logrank, true, t));
    if let Some(s) = &t.logrank_stratified {
        o.insert("logrank_stratified".into(), logrank(s, true, t));
    }
    o.insert("fh_rho1".into(), logrank(&t.fh_rho1, true, t));
    o.insert(
        "maxcombo".into(),
        match not_estimable(t) {
            Some(reason) => not_estimable_value(&reason),
            None => json!({ "estimable": true, "components": ["FH(0,0)", "FH(0,1)", "FH(1,0)", "FH(1,1)"], "z": t.maxcombo.z.map(num).to_vec(),
                "z_max": num(t.maxcombo.z_max), "p_one_sided": num(t.maxcombo.p_one_sided) }),
        },
    );
    o.insert("cox_efron".into(), cox(&t.cox_efron, t));
    o.insert("cox_breslow".into(), cox(&t.cox_breslow, t));
    o.insert("arms".into(), json!({ "0": arm(&t.arms[0], milestones, tau), "1": arm(&t.arms[1], milestones, tau) }));
    let mut s = serde_json::to_string_pretty(&Value::Object(o)).expect("JSON values serialise");
    s.push('\n');
    s
}
