//! `peritrial sweep`: one row per grid point and endpoint (CSV), or the grid with each
//! point's report (JSON).

use serde_json::{Value, json};

/// A grid point (path, value as written) and its report.
pub type Row = (Vec<(String, String)>, Value);

fn cell(v: &Value) -> String {
    v.as_f64().map_or(String::new(), |x| x.to_string())
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The point's warnings, joined: a row read alone still says when its design did not do what
/// it says.
fn warnings(report: &Value) -> String {
    let w: Vec<&str> =
        report["warnings"].as_array().map_or(Vec::new(), |w| w.iter().filter_map(Value::as_str).collect());
    w.join("; ")
}

pub fn csv(rows: &[Row]) -> String {
    let mut out = String::new();
    if let Some((point, _)) = rows.first() {
        let paths: Vec<String> = point.iter().map(|(p, _)| quote(p)).collect();
        out.push_str(&format!(
            "{},endpoint,power,power_mcse,power_ci_lower,power_ci_upper,estimate_name,estimate_mean,estimate_q025,estimate_q975,events_mean,cut_month_mean,warnings\n",
            paths.join(",")
        ));
    }
    for (point, report) in rows {
        let values: Vec<String> = point.iter().map(|(_, v)| quote(v)).collect();
        if let Some(eps) = report["endpoints"].as_object() {
            for (name, e) in eps {
                let est = &e["estimate"];
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    values.join(","),
                    quote(name),
                    cell(&e["power"]),
                    cell(&e["power_mcse"]),
                    cell(&e["power_ci"][0]),
                    cell(&e["power_ci"][1]),
                    est["name"].as_str().unwrap_or(""),
                    cell(&est["mean"]),
                    cell(&est["q025"]),
                    cell(&est["q975"]),
                    cell(&e["events"]["mean"]),
                    cell(&report["analysis"]["cut_month"]["mean"]),
                    quote(&warnings(report)),
                ));
            }
        }
    }
    out
}

pub fn json(rows: &[Row], seconds: f64) -> String {
    let points: Vec<Value> = rows
        .iter()
        .map(|(point, report)| {
            let set: serde_json::Map<String, Value> = point.iter().map(|(p, v)| (p.clone(), json!(v))).collect();
            json!({ "set": set, "report": report })
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "points": points, "seconds": seconds })).expect("JSON values serialise")
        + "\n"
}
