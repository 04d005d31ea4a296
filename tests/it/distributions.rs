//! The distributions the reports keep for pictures and spreads, against closed forms: each
//! arm's Kaplan–Meier and cumulative-incidence curve across trials and the scenario's model
//! curve, the coverage of the estimate's interval, Simon's early termination and expected
//! sample size, the per-look spreads; and the example trials are what they say they are.
//! Tolerances are 4 Monte Carlo standard errors.

use peritrial::report::model::RunReport;
use peritrial::scenario;
use statrs::distribution::{Binomial, DiscreteCDF};

const CANONICAL: &str = "scenarios/two-arm-efs-logrank.toml";

/// Exponential events (control median 24 months, hazard ratio 0.7) and, with `death`, an
/// exponential competing death of median 60 months.
fn competing_scenario(replicates: u64) -> String {
    format!(
        r#"
[study]
name = "competing exponentials"
replicates = {replicates}
seed = 7
[arms]
control = {{ allocation = 1 }}
rmhtnf = {{ allocation = 1 }}
[enrollment]
sample_size = 600
accrual = {{ months = 24 }}
[cohorts.gastric]
share = 1.0
[cohorts.gastric.events.peritoneal_metastasis]
distribution = "exponential"
median_months = 24.0
hazard_ratio = {{ rmhtnf = 0.7 }}
[cohorts.gastric.events.death]
distribution = "exponential"
median_months = 60.0
[endpoints.pm]
kind = "time_to_event"
events = ["peritoneal_metastasis"]
competing = ["death"]
test = "logrank"
treatment = "rmhtnf"
control = "control"
alpha = 0.025
[analysis]
cut = {{ month = 48 }}
"#
    )
}

fn report(s: &scenario::Scenario) -> RunReport {
    let summary = peritrial::engine::run(s, 0..s.replicates(), |_| {});
    RunReport::new(s, &summary, true)
}

#[test]
fn the_model_curve_is_the_closed_form_within_its_error() {
    let s = scenario::load(std::path::Path::new(CANONICAL), &[]).unwrap();
    let months: Vec<f64> = (0..=12).map(|k| 4.0 * k as f64).collect();
    let curves = peritrial::design::truth::curves(&s, 0, &months).unwrap();
    let rate = std::f64::consts::LN_2 / 24.0;
    for (arm, hr) in [(0usize, 0.7), (1, 1.0)] {
        for (k, &t) in months.iter().enumerate() {
            let exact = (-rate * hr * t).exp();
            let se = (exact * (1.0 - exact) / peritrial::design::truth::PATIENTS_PER_ARM as f64).sqrt();
            assert!(
                (curves[arm][k] - exact).abs() <= 4.0 * se + 1e-12,
                "arm {arm}, month {t}: {} vs {exact}",
                curves[arm][k]
            );
        }
    }
    // Cumulative incidence with a competing exponential death: λ1/(λ1+λ2)(1 − e^{−(λ1+λ2)t}).
    let s = scenario::from_str(&competing_scenario(10), "competing", &[]).unwrap();
    let curves = peritrial::design::truth::curves(&s, 0, &months).unwrap();
    let death = std::f64::consts::LN_2 / 60.0;
    for (arm, hr) in [(0usize, 0.7), (1, 1.0)] {
        for (k, &t) in months.iter().enumerate() {
            let l1 = rate * hr;
            let exact = l1 / (l1 + death) * (1.0 - (-(l1 + death) * t).exp());
            let se = (exact * (1.0 - exact) / peritrial::design::truth::PATIENTS_PER_ARM as f64).sqrt();
            assert!(
                (curves[arm][k] - exact).abs() <= 4.0 * se + 1e-12,
                "arm {arm}, month {t}: {} vs {exact}",
                curves[arm][k]
            );
        }
    }
}

/// The mean of each arm's curve across trials is the closed form (Kaplan–Meier and
/// Aalen–Johansen are consistent, and nearly unbiased at these sizes) within 4 MCSE, where
/// every trial has the follow-up; the median and band are ordered and hold it.
fn check_curves(r: &RunReport, closed: impl Fn(usize, f64) -> f64) {
    let e = &r.endpoints[0];
    let c = e.curves.as_ref().expect("a time-to-event endpoint has curves");
    let n = r.replicates as f64;
    let mut checked = 0;
    for (slot, (_, a)) in c.arms.0.iter().enumerate() {
        for (k, &t) in c.months.iter().enumerate() {
            let (Some(mean), Some(lo), Some(mid), Some(hi)) = (a.mean[k], a.q025[k], a.q500[k], a.q975[k]) else {
                continue;
            };
            assert!(lo <= mid && mid <= hi, "month {t}: {lo} {mid} {hi}");
            if a.not_estimable[k] > 0 || t == 0.0 {
                continue;
            }
            let exact = closed(slot, t);
            // The trials' sd from their 95% range (normal), with the bins' width as a floor.
            let sd = ((hi - lo) / 3.92).max(0.005);
            assert!(
                (mean - exact).abs() <= 4.0 * sd / n.sqrt() + 2e-3,
                "slot {slot}, month {t}: mean {mean} vs {exact}"
            );
            assert!(lo <= exact && exact <= hi, "slot {slot}, month {t}: {exact} outside [{lo}, {hi}]");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} grid points checked");
}

#[test]
fn curves_across_trials_center_on_the_closed_form() {
    let rate = std::f64::consts::LN_2 / 24.0;
    let hr = |slot: usize| if slot == 0 { 0.7 } else { 1.0 };
    let s = scenario::load(std::path::Path::new(CANONICAL), &["study.replicates=2000".into()]).unwrap();
    let r = report(&s);
    check_curves(&r, |slot, t| (-rate * hr(slot) * t).exp());
    let s = scenario::from_str(&competing_scenario(2000), "competing", &[]).unwrap();
    let r = report(&s);
    assert_eq!(r.endpoints[0].curves.as_ref().unwrap().measure, "cumulative_incidence");
    let death = std::f64::consts::LN_2 / 60.0;
    check_curves(&r, |slot, t| {
        let l1 = rate * hr(slot);
        l1 / (l1 + death) * (1.0 - (-(l1 + death) * t).exp())
    });
    // The grid runs to the calendar cut in a round step.
    assert_eq!(r.endpoints[0].curves.as_ref().unwrap().months.last(), Some(&48.0));
}

#[test]
fn the_hazard_ratios_interval_covers_at_its_level_and_the_log_scale_is_unbiased() {
    let s = scenario::load(std::path::Path::new(CANONICAL), &["study.replicates=4000".into()]).unwrap();
    let r = report(&s);
    let a = r.endpoints[0].estimate.accuracy.clone().expect("a true hazard ratio");
    assert_eq!(a.intervals, 4000);
    let (c, se) = (a.coverage.unwrap(), a.coverage_mcse.unwrap());
    assert!((c - 0.95).abs() <= 4.0 * se, "coverage {c} ± {se}");
    let (b, bse) = (a.log_bias.unwrap(), a.log_bias_mcse.unwrap());
    assert!(b.abs() <= 4.0 * bse + 0.005, "log-scale bias {b} ± {bse}");
}

#[test]
fn simons_early_termination_and_expected_size_are_the_binomial_ones() {
    let s =
        scenario::load(std::path::Path::new("scenarios/pm-orr-simon.toml"), &["study.replicates=4000".into()]).unwrap();
    let r = report(&s);
    let m = r.endpoints[0].simon.expect("a Simon design");
    // n1 = 13, r1 = 3, 43 patients, true rate 0.4 (every patient is assessed by the cut).
    let pet = Binomial::new(0.4, 13).unwrap().cdf(3);
    let p = m.probability_of_early_termination;
    assert!((p - pet).abs() <= 4.0 * m.pet_mcse, "PET {p} vs {pet}");
    let en = 13.0 + (1.0 - pet) * 30.0;
    let se = 30.0 * m.pet_mcse;
    assert!((m.expected_sample_size.unwrap() - en).abs() <= 4.0 * se, "E(N) {:?} vs {en}", m.expected_sample_size);
    let a = r.endpoints[0].estimate.accuracy.clone().unwrap();
    // Clopper–Pearson is conservative: coverage at least 95% (within its MCSE).
    assert!(a.coverage.unwrap() >= 0.95 - 4.0 * a.coverage_mcse.unwrap());
}

#[test]
fn looks_carry_their_spread_and_an_information_look_has_its_target() {
    let s =
        scenario::load(std::path::Path::new("scenarios/three-endpoint-family.toml"), &["study.replicates=1000".into()])
            .unwrap();
    let r = report(&s);
    let e = r.endpoints.iter().find(|e| e.looks.as_ref().is_some_and(|l| l.len() > 1)).expect("a design with looks");
    for l in e.looks.as_ref().unwrap() {
        for q in [l.z_distribution, l.events_distribution, l.patients_distribution, l.month_distribution] {
            let q = q.expect("a distribution at every look");
            let (a, b, c) = (q.q025.unwrap(), q.q500.unwrap(), q.q975.unwrap());
            assert!(a <= b && b <= c, "look {}: {a} {b} {c}", l.look);
        }
        // The mean lies within the spread.
        let ev = l.events_distribution.unwrap();
        assert!(ev.q025.unwrap() <= l.events.unwrap() + 1.0 && l.events.unwrap() <= ev.q975.unwrap() + 1.0);
    }
}

#[test]
fn example_trials_are_the_first_of_their_kind() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.csv");
    let o = crate::helpers::peritrial()
        .args(["run", "scenarios/three-endpoint-family.toml", "--replicates", "400", "--quiet", "--format", "json"])
        .arg("--replicates-csv")
        .arg(&rows)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: RunReport = serde_json::from_slice(&o.stdout).unwrap();
    let primary = r.endpoints.iter().find(|e| e.looks.as_ref().is_some_and(|l| l.len() > 1)).unwrap();
    let n_looks = primary.looks.as_ref().unwrap().len();
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_path(&rows).unwrap();
    let head = reader.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {head:?}"));
    let (trial, stop, rejected) = (col("trial"), col("stop_look"), col(&format!("{}_rejected", primary.name)));
    let mut first = std::collections::BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        let kind = if &row[rejected] != "1" {
            "failed"
        } else if row[stop].parse::<usize>().unwrap() < n_looks {
            "stopped_early"
        } else {
            "continued"
        };
        // Trials are numbered from 1, replicates from 0.
        first.entry(kind.to_string()).or_insert(row[trial].parse::<u64>().unwrap() - 1);
    }
    let examples: std::collections::BTreeMap<String, u64> =
        r.examples.iter().map(|x| (x.kind.clone(), x.replicate)).collect();
    assert_eq!(examples, first);
    assert!(examples.len() >= 2, "{examples:?}");
}

/// Where the estimate targets a marginal ratio (a frailty, pooled cohorts), the accuracy says
/// so; where it targets the stated one, it says nothing.
#[test]
fn the_accuracy_says_when_the_estimate_targets_another_ratio() {
    let sets = [
        "study.replicates=200".to_string(),
        "cohorts.colorectal.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.6".to_string(),
    ];
    let s = scenario::load(std::path::Path::new("scenarios/mixed-stratified.toml"), &sets).unwrap();
    let r = report(&s);
    let a = r.endpoints[0].estimate.accuracy.clone().expect("one stated hazard ratio");
    assert!(a.estimand_note.as_deref().is_some_and(|n| n.contains("frailty")), "{:?}", a.estimand_note);
    let s = scenario::load(std::path::Path::new(CANONICAL), &["study.replicates=200".into()]).unwrap();
    assert_eq!(report(&s).endpoints[0].estimate.accuracy.clone().unwrap().estimand_note, None);
}
