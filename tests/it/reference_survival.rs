//! peritrial's statistics against R's survival package on the committed data sets
//! (tests/reference/make_refs.R made tests/reference/survival_refs.json). R is not needed.
//! Tolerances: relative 1e-6 for statistics and estimates, absolute 1e-9 for p-values.

use serde_json::Value;

fn refs() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string("tests/reference/survival_refs.json").unwrap();
    serde_json::from_str::<Value>(&text).unwrap().as_object().unwrap().clone()
}

fn analyze(name: &str, milestones: &Value, tau: &Value) -> Value {
    let ms: Vec<String> = milestones.as_array().unwrap().iter().map(|m| m.to_string()).collect();
    let out = crate::helpers::peritrial()
        .args([
            "analyze",
            "--format",
            "json",
            &format!("tests/reference/data/{name}.csv"),
            "--milestones",
            &ms.join(","),
            "--tau",
            &tau.to_string(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close_rel(name: &str, what: &str, got: &Value, want: &Value, failures: &mut Vec<String>) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => {
            let tol = 1e-6 * w.abs().max(1e-12);
            if (g - w).abs() > tol {
                failures
                    .push(format!("{name}: {what}: peritrial {g} vs R {w} (relative error {:e})", ((g - w) / w).abs()));
            }
        }
        (None, None) => {}
        _ => failures.push(format!("{name}: {what}: peritrial {got} vs R {want}")),
    }
}

fn close_abs(name: &str, what: &str, got: &Value, want: &Value, failures: &mut Vec<String>) {
    let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
    if (g - w).abs() > 1e-9 {
        failures.push(format!("{name}: {what}: peritrial {g} vs R {w}"));
    }
}

#[test]
fn analyze_agrees_with_r_survival() {
    let mut failures = Vec::new();
    let refs = refs();
    assert!(refs.len() >= 12);
    for (name, r) in &refs {
        let got = analyze(name, &r["milestones"], &r["tau"]);
        assert_eq!(got["n"], r["n"], "{name}");
        assert_eq!(got["events"], r["events"], "{name}");
        close_rel(name, "logrank.chisq", &got["logrank"]["chisq"], &r["logrank"]["chisq"], &mut failures);
        close_rel(name, "logrank.z", &got["logrank"]["z"], &r["logrank"]["z"], &mut failures);
        close_abs(name, "logrank.p_value", &got["logrank"]["p_value"], &r["logrank"]["p_value"], &mut failures);
        close_rel(name, "fh_rho1.chisq", &got["fh_rho1"]["chisq"], &r["fh_rho1"]["chisq"], &mut failures);
        close_abs(name, "fh_rho1.p_value", &got["fh_rho1"]["p_value"], &r["fh_rho1"]["p_value"], &mut failures);
        match r.get("logrank_stratified") {
            Some(s) => {
                close_rel(
                    name,
                    "logrank_stratified.chisq",
                    &got["logrank_stratified"]["chisq"],
                    &s["chisq"],
                    &mut failures,
                );
                close_abs(
                    name,
                    "logrank_stratified.p_value",
                    &got["logrank_stratified"]["p_value"],
                    &s["p_value"],
                    &mut failures,
                );
            }
            None => assert!(got.get("logrank_stratified").is_none(), "{name}"),
        }
        for key in ["cox_efron", "cox_breslow"] {
            if r[key] == "not_estimable" {
                assert_eq!(got[key]["estimable"], false, "{name}: {key}");
                continue;
            }
            assert_eq!(got[key]["estimable"], true, "{name}: {key}");
            for f in ["log_hr", "se", "hazard_ratio", "ci_lower", "ci_upper"] {
                close_rel(name, &format!("{key}.{f}"), &got[key][f], &r[key][f], &mut failures);
            }
        }
        let tau = r["tau"].as_f64().unwrap();
        let rk = format!("rmst{}", if tau == tau.trunc() { format!("{}", tau as i64) } else { tau.to_string() });
        for a in ["0", "1"] {
            let (g, w) = (&got["arms"][a], &r["arms"][a]);
            assert_eq!(g["n"], w["n"], "{name} arm {a}");
            assert_eq!(g["events"], w["events"], "{name} arm {a}");
            close_rel(name, &format!("arm {a} median"), &g["median"], &w["median"], &mut failures);
            close_rel(name, &format!("arm {a} median lower"), &g["median_ci"][0], &w["median_lower"], &mut failures);
            close_rel(name, &format!("arm {a} median upper"), &g["median_ci"][1], &w["median_upper"], &mut failures);
            close_rel(name, &format!("arm {a} rmst"), &g[&rk], &w["rmst"], &mut failures);
            close_rel(name, &format!("arm {a} rmst se"), &g[format!("{rk}_se")], &w["rmst_se"], &mut failures);
            let wkm = w["km"].as_array().unwrap();
            for (i, k) in wkm.iter().enumerate() {
                let gk = &g["km"][i];
                if k.is_null() {
                    if !gk["survival"].is_null() {
                        failures.push(format!("{name}: arm {a} km[{i}]: peritrial {gk} vs R beyond follow-up"));
                    }
                    continue;
                }
                close_rel(name, &format!("arm {a} km[{i}].survival"), &gk["survival"], &k["survival"], &mut failures);
                close_rel(name, &format!("arm {a} km[{i}].std_err"), &gk["std_err"], &k["std_err"], &mut failures);
            }
        }
    }
    assert!(failures.is_empty(), "{} disagreements with R:\n{}", failures.len(), failures.join("\n"));
}
