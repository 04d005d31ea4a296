//! The engine against rpact's simulation (tests/reference/make_rpact_refs.R made
//! tests/reference/rpact_refs.json with getSimulationSurvival, 20,000 iterations each).
//! Powers must agree within 4 Monte Carlo standard errors, ours and rpact's combined; the
//! non-inferiority designs (`null_hazard_ratio`, rpact's `thetaH0`) come from
//! tests/reference/make_rpact_noninferiority_refs.R.

use peritrial::engine;
use peritrial::scenario;
use serde_json::Value;

fn refs() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/reference/rpact_refs.json").unwrap()).unwrap()
}

/// The scenario of one rpact simulation, in peritrial's language.
fn scenario_text(r: &Value) -> String {
    let events: Vec<f64> = r["events"]
        .as_array()
        .map_or_else(|| vec![r["events"].as_f64().unwrap()], |a| a.iter().map(|x| x.as_f64().unwrap()).collect());
    let last = *events.last().unwrap();
    let looks: Vec<String> = events.iter().map(|e| format!("{}", e / last)).collect();
    let spending = if r["spending"] == "asP" { "pocock" } else { "obrien_fleming" };
    let futility = match r["beta_spending"].as_str() {
        Some("bsOF") => "futility = { beta_spending = \"obrien_fleming\", beta = 0.2 }".to_string(),
        Some("bsP") => "futility = { beta_spending = \"pocock\", beta = 0.2 }".to_string(),
        _ => String::new(),
    };
    // Event re-estimation (tests/reference/make_rpact_reestimation_refs.R).
    let list = |v: &Value| -> String {
        v.as_array().map_or_else(|| v.to_string(), |a| a.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "))
    };
    let futility = match r["conditional_power"].as_f64() {
        Some(cp) => format!(
            "{futility}\nreestimation = {{ conditional_power = {cp}, min_events = [{}], max_events = [{}]{} }}",
            list(&r["min_events"]),
            list(&r["max_events"]),
            r["theta_h1"].as_f64().map_or(String::new(), |h| format!(", hazard_ratio = {h}"))
        ),
        None => futility,
    };
    format!(
        r#"
[study]
name = "rpact reference"
replicates = 10000
seed = 11

[arms]
control = {{ allocation = {ac} }}
rmhtnf = {{ allocation = {at} }}

[enrollment]
sample_size = {n}
accrual = {{ months = {accrual} }}

[dropout]
hazard_per_month = {dropout}

[cohorts.all]
share = 1.0

[cohorts.all.events.pm]
distribution = "exponential"
median_months = {median}
hazard_ratio = {{ rmhtnf = {hr} }}

[endpoints.efs]
kind = "time_to_event"
events = ["pm"]
test = "logrank"
treatment = "rmhtnf"
control = "control"
alpha = 0.025
{margin}

[analysis]
cut = {{ endpoint = "efs", events = {last} }}
looks = [{looks}]
spending = "{spending}"
{futility}
"#,
        ac = r["allocation_control"],
        at = r["allocation_treatment"],
        n = r["sample_size"],
        accrual = r["accrual_months"],
        dropout = r["dropout_per_month"],
        median = r["median_months"],
        hr = r["hazard_ratio"],
        looks = looks.join(", "),
        margin = r["theta_h0"].as_f64().map_or(String::new(), |t| format!("null_hazard_ratio = {t}")),
    )
}

#[test]
fn power_agrees_with_rpact_simulation_within_four_monte_carlo_errors() {
    let refs = refs();
    // Non-inferiority designs (rpact's thetaH0): tests/reference/make_rpact_noninferiority_refs.R.
    let margins: Value = serde_json::from_str(include_str!("../reference/rpact_noninferiority_refs.json")).unwrap();
    // Event re-estimation with the inverse-normal combination test.
    let adaptive: Value = serde_json::from_str(include_str!("../reference/rpact_reestimation_refs.json")).unwrap();
    let mut failures = Vec::new();
    let all = refs["simulations"]
        .as_object()
        .unwrap()
        .iter()
        .chain(margins["simulations"].as_object().unwrap())
        .chain(adaptive["simulations"].as_object().unwrap());
    for (name, r) in all {
        let s = scenario::from_str(&scenario_text(r), name, &[]).unwrap();
        let summary = engine::run(&s, 0..s.replicates(), |_| {});
        let ours_n = s.replicates() as f64;
        let theirs_n = r["iterations"].as_f64().unwrap();
        let check = |what: &str, ours: f64, theirs: f64, failures: &mut Vec<String>| {
            let se = (ours * (1.0 - ours) / ours_n + theirs * (1.0 - theirs) / theirs_n).sqrt();
            eprintln!("{name}: {what}: peritrial {ours:.4} vs rpact {theirs:.4} (4 MCSE {:.4})", 4.0 * se);
            if (ours - theirs).abs() > 4.0 * se {
                failures.push(format!(
                    "{name}: {what}: peritrial {ours:.4} vs rpact {theirs:.4} (4 MCSE = {:.4})",
                    4.0 * se
                ));
            }
        };
        let power = summary.endpoints[0].rejections as f64 / ours_n;
        check("power", power, r["power"].as_f64().unwrap(), &mut failures);
        if let Some(theirs) = r["expected_events"].as_f64() {
            // Events at the analysis where each trial stops: 4 MCSE with our SD for both runs.
            let d = summary.endpoints[0].events.describe().expect("events");
            let se = d.sd * (1.0 / ours_n + 1.0 / theirs_n).sqrt();
            eprintln!("{name}: expected events: peritrial {:.1} vs rpact {theirs:.1} (4 MCSE {:.1})", d.mean, 4.0 * se);
            if (d.mean - theirs).abs() > 4.0 * se {
                failures.push(format!(
                    "{name}: expected events {:.1} vs rpact {theirs:.1} (4 MCSE {:.1})",
                    d.mean,
                    4.0 * se
                ));
            }
        }
        let stages: Vec<f64> = r["reject_per_stage"].as_array().map_or_else(
            || vec![r["reject_per_stage"].as_f64().unwrap()],
            |a| a.iter().map(|x| x.as_f64().unwrap()).collect(),
        );
        for (k, &theirs) in stages.iter().enumerate() {
            let ours = summary.looks[k].efficacy_stops as f64 / ours_n;
            check(&format!("rejections at look {}", k + 1), ours, theirs, &mut failures);
        }
        if r.get("beta_spending").is_some() {
            let theirs: Vec<f64> = r["futility_per_stage"].as_array().map_or_else(
                || vec![r["futility_per_stage"].as_f64().unwrap()],
                |a| a.iter().map(|x| x.as_f64().unwrap()).collect(),
            );
            for (k, &t) in theirs.iter().enumerate() {
                let ours = summary.looks[k].futility_stops as f64 / ours_n;
                check(&format!("futility stops at look {}", k + 1), ours, t, &mut failures);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn canonical_power_is_near_schoenfeld() {
    // Schoenfeld: power = Φ(√(D/4)·|ln HR| − z_{0.975}) for D = 300, HR = 0.7: 0.8720.
    let s = scenario::load(std::path::Path::new("scenarios/two-arm-efs-logrank.toml"), &[]).unwrap();
    let summary = engine::run(&s, 0..s.replicates(), |_| {});
    let p = summary.endpoints[0].rejections as f64 / s.replicates() as f64;
    let schoenfeld = peritrial::stats::normal::cdf((300.0f64 / 4.0).sqrt() * 0.7f64.ln().abs() - 1.959963984540054);
    let mcse = (p * (1.0 - p) / s.replicates() as f64).sqrt();
    // Schoenfeld's approximation is within about 0.005 of the exact power here.
    assert!((p - schoenfeld).abs() < 4.0 * mcse + 0.005, "power {p} vs Schoenfeld {schoenfeld}");
}

/// Non-inferiority on the difference of response rates (the Farrington–Manning test, rpact's
/// `getSimulationRates(thetaH0 = δ0)`): the simulated power, and the type I error at the
/// margin, within 4 combined MCSE of rpact's 20,000 iterations
/// (tests/reference/make_rpact_rates_refs.R).
#[test]
fn rates_noninferiority_agrees_with_rpact_simulation() {
    let refs: Value = serde_json::from_str(include_str!("../reference/rpact_rates_refs.json")).unwrap();
    let mut failures = Vec::new();
    for (name, r) in refs["simulations"].as_object().unwrap() {
        let text = format!(
            r#"
[study]
name = "rpact reference, rates"
replicates = 10000
seed = 12

[arms]
control = {{ allocation = {ac} }}
rmhtnf = {{ allocation = {at} }}

[enrollment]
sample_size = {n}
accrual = {{ months = 12 }}

[cohorts.all]
share = 1.0

[cohorts.all.responses.response]
probability = {{ control = {p0}, rmhtnf = {p1} }}
assessed_at_months = 1.0

[endpoints.orr]
kind = "binary"
response = "response"
test = "chi_square"
null_difference = {d}
treatment = "rmhtnf"
control = "control"
alpha = 0.025

[analysis]
cut = {{ min_follow_up_months = 1.0 }}
"#,
            ac = r["allocation_control"],
            at = r["allocation_treatment"],
            n = r["sample_size"],
            p0 = r["rate_control"],
            p1 = r["rate_treatment"],
            d = r["null_difference"],
        );
        let s = scenario::from_str(&text, name, &[]).unwrap();
        let summary = engine::run(&s, 0..s.replicates(), |_| {});
        let (ours_n, theirs_n) = (s.replicates() as f64, r["iterations"].as_f64().unwrap());
        let ours = summary.endpoints[0].rejections as f64 / ours_n;
        let theirs = r["power"].as_f64().unwrap();
        let se = (ours * (1.0 - ours) / ours_n + theirs * (1.0 - theirs) / theirs_n).sqrt();
        eprintln!("{name}: power: peritrial {ours:.4} vs rpact {theirs:.4} (4 MCSE {:.4})", 4.0 * se);
        if (ours - theirs).abs() > 4.0 * se {
            failures.push(format!("{name}: peritrial {ours:.4} vs rpact {theirs:.4} (4 MCSE {:.4})", 4.0 * se));
        }
        // Every patient is assessed: the analysed patients are the sample size, by allocation.
        let report = peritrial::report::model::RunReport::new(&s, &summary, true);
        let Some(peritrial::report::model::Analytic::Rates(a)) = &report.endpoints[0].analytic else {
            panic!("{name}: no rates companion")
        };
        assert_eq!(a.method, "farrington_manning");
        assert!((a.patients_treatment + a.patients_control - s.enrollment().sample_size as f64).abs() < 1e-9);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
