//! Group-sequential boundaries against rpact's getDesignGroupSequential
//! (tests/reference/make_rpact_refs.R made tests/reference/rpact_refs.json): within 1e-4 on the
//! z scale (the contract; they agree to about 1e-8).

use peritrial::scenario::Spending;
use peritrial::stats::spending::boundaries;
use serde_json::Value;

#[test]
fn boundaries_agree_with_rpact() {
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/rpact_refs.json").unwrap()).unwrap();
    let cases = refs["boundaries"].as_array().unwrap();
    assert!(cases.len() >= 30);
    let mut worst = 0.0f64;
    for c in cases {
        let spending = match c["type"].as_str().unwrap() {
            "asOF" => Spending::OBrienFleming,
            "asP" => Spending::Pocock,
            "asHSD" => Spending::HwangShihDeCani(c["gamma"].as_f64().unwrap()),
            other => panic!("unknown design {other}"),
        };
        let t: Vec<f64> = c["information"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        let alpha = c["alpha"].as_f64().unwrap();
        let ours = boundaries(spending, alpha, &t);
        for (k, want) in c["critical"].as_array().unwrap().iter().enumerate() {
            let d = (ours[k] - want.as_f64().unwrap()).abs();
            worst = worst.max(d);
            assert!(
                d < 1e-4,
                "{spending:?} alpha {alpha} t {t:?} look {}: peritrial {} vs rpact {want}",
                k + 1,
                ours[k]
            );
        }
    }
    eprintln!("largest difference from rpact: {worst:e}");
}

#[test]
fn simon_command_prints_both_designs() {
    let out = crate::helpers::peritrial()
        .args(["simon", "--format", "json", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["optimal"]["r1"].as_u64(),
            v["optimal"]["n1"].as_u64(),
            v["optimal"]["r"].as_u64(),
            v["optimal"]["n"].as_u64()
        ),
        (Some(1), Some(10), Some(5), Some(29))
    );
    assert_eq!(
        (
            v["minimax"]["r1"].as_u64(),
            v["minimax"]["n1"].as_u64(),
            v["minimax"]["r"].as_u64(),
            v["minimax"]["n"].as_u64()
        ),
        (Some(1), Some(15), Some(5), Some(25))
    );
    for bad in [
        vec!["--p0", "0.4", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"],
        vec!["--p0", "0.1", "--p1", "0.3", "--alpha", "1.5", "--beta", "0.2"],
    ] {
        let out = crate::helpers::peritrial().arg("simon").args(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn analytic_power_and_sample_size_agree_with_rpact() {
    use peritrial::design::analytic;
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/rpact_refs.json").unwrap()).unwrap();
    let a = &refs["analytic"];
    // getPowerSurvival: 300 events, HR 0.7, one-sided 0.025 (Schoenfeld's formula in rpact).
    let p = analytic::schoenfeld_power(0.025, 300.0, 0.7, 1.0);
    assert!((p - a["power_canonical"]["power"].as_f64().unwrap()).abs() < 1e-3, "{p}");
    // getSampleSizeSurvival: beta 0.1, accrual 24, follow-up 24.
    let d = analytic::schoenfeld_events(0.025, 0.9, 0.7, 1.0);
    assert!((d - a["sample_size_90"]["events"].as_f64().unwrap()).abs() < 1e-3);
    let l2 = 2f64.ln() / 24.0;
    let n = analytic::sample_size_for_events(d, &[(1.0, l2, 0.0), (1.0, 0.7 * l2, 0.0)], 24.0, 24.0);
    assert!((n - a["sample_size_90"]["subjects"].as_f64().unwrap()).abs() < 1e-3);
}

#[test]
fn size_finds_the_event_count_within_monte_carlo_error_of_schoenfeld() {
    let out = crate::helpers::peritrial()
        .args([
            "size",
            "scenarios/two-arm-efs-logrank.toml",
            "--endpoint",
            "efs",
            "--target-power",
            "0.9",
            "--vary",
            "analysis.cut.events",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["parameter"], "analysis.cut.events");
    assert_eq!(v["analytic"]["value"], 331);
    assert_eq!(v["analytic"]["method"], "schoenfeld");
    let value = v["value"].as_u64().unwrap() as f64;
    // Power rises by about 0.00086 per event near 331 (Schoenfeld's slope); with 10,000 trials
    // the Monte Carlo SE of power (0.003) is about 3.5 events. Allow 4 SE (14 events) plus 6
    // for the approximation error of Schoenfeld's formula (about 0.005 in power here).
    assert!((value - 331.0).abs() <= 20.0, "size found {value}");
    let (p, se) = (v["power"].as_f64().unwrap(), v["power_mcse"].as_f64().unwrap());
    assert!(p >= 0.9 && se > 0.0 && se < 0.004);
}

#[test]
fn sweep_writes_one_row_per_point_and_endpoint() {
    let out = crate::helpers::peritrial()
        .args([
            "sweep",
            "scenarios/two-arm-efs-logrank.toml",
            "--format",
            "csv",
            "--vary",
            "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.7,1.0",
            "--vary",
            "enrollment.sample_size=400,600",
            "--replicates",
            "400",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..4],
        [
            "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf",
            "enrollment.sample_size",
            "endpoint",
            "kind"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    // Null rows have low power, the alternative high.
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let power = |r: &csv::StringRecord| r[col("power")].parse::<f64>().unwrap();
    assert!(power(&rows[0]) > 0.7 && power(&rows[2]) < 0.1);
    assert!(rows.iter().all(|r| &r[col("complete")] == "true"));
    // A bad value is rejected before anything runs.
    let out = crate::helpers::peritrial()
        .args(["sweep", "scenarios/two-arm-efs-logrank.toml", "--vary", "enrollment.sample_size=400,-3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn beta_spending_futility_boundaries_agree_with_rpact() {
    use peritrial::stats::spending::futility_boundaries;
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/rpact_refs.json").unwrap()).unwrap();
    let floats = |v: &Value| -> Vec<f64> {
        v.as_array().map_or_else(|| vec![v.as_f64().unwrap()], |a| a.iter().map(|x| x.as_f64().unwrap()).collect())
    };
    let cases = refs["futility"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for c in cases {
        let beta_spending = if c["beta_spending"] == "bsOF" { Spending::OBrienFleming } else { Spending::Pocock };
        let t = floats(&c["information"]);
        let (ours, _theta, _) =
            futility_boundaries(Spending::OBrienFleming, 0.025, beta_spending, c["beta"].as_f64().unwrap(), &t);
        for (k, want) in floats(&c["futility"]).iter().enumerate() {
            assert!(
                (ours[k] - want).abs() < 1e-4,
                "{beta_spending:?} t {t:?} look {}: peritrial {} vs rpact {want}",
                k + 1,
                ours[k]
            );
        }
    }
}

/// Early and late looks (information 0.01 to 0.99; two to four looks): rpact's futility bounds
/// by beta spending (its floor of −6 included) and critical values (+∞ where the spending
/// underflows, as in rpact), and the designs rpact refuses because a futility bound would pass
/// the efficacy bound are the ones peritrial reports as crossing
/// (tests/reference/make_rpact_early_refs.R).
#[test]
fn futility_bounds_match_rpact_at_early_and_late_looks() {
    use peritrial::stats::spending::{boundaries, futility_boundaries};
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/rpact_early_refs.json").unwrap()).unwrap();
    let floats = |v: &Value| -> Vec<f64> {
        v.as_array().map_or_else(
            || vec![v.as_f64().unwrap()],
            |a| a.iter().map(|x| x.as_f64().unwrap_or(f64::INFINITY)).collect(),
        )
    };
    let cases = refs["futility"].as_array().unwrap();
    assert!(cases.len() >= 70);
    let mut worst = 0.0f64;
    for c in cases {
        let spending = if c["type"] == "asOF" { Spending::OBrienFleming } else { Spending::Pocock };
        let beta_spending = if c["beta_spending"] == "bsOF" { Spending::OBrienFleming } else { Spending::Pocock };
        let t = floats(&c["information"]);
        let (alpha, beta) = (c["alpha"].as_f64().unwrap(), c["beta"].as_f64().unwrap());
        let (ours, _theta, crossing) = futility_boundaries(spending, alpha, beta_spending, beta, &t);
        if c["refused"] == true {
            assert!(crossing.is_some(), "{spending:?}/{beta_spending:?} t {t:?}: rpact refuses, peritrial does not");
            continue;
        }
        assert_eq!(crossing, None, "{spending:?}/{beta_spending:?} t {t:?}");
        for (k, want) in floats(&c["futility"]).iter().enumerate() {
            let d = (ours[k] - want).abs();
            worst = worst.max(d);
            assert!(
                d < 1e-4,
                "{spending:?}/{beta_spending:?} t {t:?} look {}: futility {} vs rpact {want}",
                k + 1,
                ours[k]
            );
        }
        let efficacy = boundaries(spending, alpha, &t);
        let mut critical = floats(&c["critical"]);
        if let Some(m) = c["final_critical_mvtnorm"].as_f64() {
            // peritrial agrees with mvtnorm to 2e-6 everywhere; rpact's grid is 4e-4 off it at
            // (0.99, 1), where the two looks are almost the same: mvtnorm is the reference.
            assert!((efficacy[1] - m).abs() < 1e-5, "t {t:?}: final critical {} vs mvtnorm {m}", efficacy[1]);
            critical[1] = m;
        }
        for (k, want) in critical.iter().enumerate() {
            let ok = if want.is_infinite() { efficacy[k].is_infinite() } else { (efficacy[k] - want).abs() < 1e-4 };
            assert!(ok, "{spending:?} t {t:?} look {}: critical {} vs rpact {want}", k + 1, efficacy[k]);
        }
    }
    eprintln!("largest futility difference from rpact: {worst:e}");
}

/// Item 4: the analytic companion of a group-sequential design: events for a power and power at
/// 300 events against rpact's getSampleSizeSurvival(design, …) and getPowerSurvival(design, …)
/// (tests/reference/make_rpact_early_refs.R), within 1e-3 relative.
#[test]
fn group_sequential_companion_agrees_with_rpact() {
    use peritrial::design::analytic::GroupSequential;
    use peritrial::stats::spending::boundaries;
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/rpact_early_refs.json").unwrap()).unwrap();
    let cases = refs["sample_size"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let spending = if c["type"] == "asOF" { Spending::OBrienFleming } else { Spending::Pocock };
        let t: Vec<f64> = c["information"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        let (alpha, beta, hr) =
            (c["alpha"].as_f64().unwrap(), c["beta"].as_f64().unwrap(), c["hazard_ratio"].as_f64().unwrap());
        let gs = GroupSequential { looks: t.clone(), efficacy: boundaries(spending, alpha, &t), futility: None };
        let events = gs.events(1.0 - beta, hr, 1.0);
        let want = c["events"].as_f64().unwrap();
        assert!((events - want).abs() / want < 1e-3, "{spending:?} {t:?}: events {events} vs rpact {want}");
        let power = gs.power(300.0, hr, 1.0);
        let want = c["power_at_300_events"].as_f64().unwrap();
        assert!((power - want).abs() < 1e-3, "{spending:?} {t:?}: power {power} vs rpact {want}");
    }
}

/// Conditional power at an interim of a group-sequential survival design against rpact's
/// `getConditionalPower` (216 cases: four designs, every interim, z from −0.5 to 2.2, allocation
/// 1:1 and 2:1, under the trial's estimate and under hazard ratios 0.75 and 0.6), by the look
/// at which it is reached: the probability of crossing a later boundary by each later look.
/// Script: `tests/reference/make_conditional_power_refs.R`.
#[test]
fn conditional_power_agrees_with_rpact() {
    let refs: serde_json::Value =
        serde_json::from_str(include_str!("../reference/conditional_power_refs.json")).expect("references");
    assert_eq!(refs["cases"].as_array().expect("cases").len(), 216);
    // The check `peritrial verify` runs on a user's machine.
    let c = peritrial::verify::conditional_power();
    assert!(c.passed() && c.compared >= 216, "{} compared: {:#?}", c.compared, c.failures);
    eprintln!("largest difference from rpact: {:.2e} over {} values", c.largest_deviation, c.compared);
}

/// Inference at stopping (issue 27 item 3) against rpact's `getAnalysisResults`: the final
/// p-value by stage-wise ordering, the median-unbiased hazard ratio and its final confidence
/// interval, and the repeated confidence intervals, for 52 trials (O'Brien–Fleming 3 looks,
/// Pocock 2, Kim–DeMets 4, O'Brien–Fleming 3 with a binding futility rule, some with earlier
/// looks just above it; every stopping look; 1:1 and 2:1). Script:
/// `tests/reference/make_rpact_stopping_refs.R`.
#[test]
fn inference_at_stopping_agrees_with_rpact() {
    let refs: Value = serde_json::from_str(include_str!("../reference/rpact_stopping_refs.json")).unwrap();
    assert_eq!(refs["cases"].as_array().unwrap().len(), 52);
    // The check `peritrial verify` runs on a user's machine.
    let c = peritrial::verify::rpact_stopping();
    assert!(c.passed() && c.compared >= 52 * 4 + 180, "{} compared: {:#?}", c.compared, c.failures);
    eprintln!("largest difference from rpact: {:.2e} over {} values", c.largest_deviation, c.compared);
}

/// Binding futility: efficacy boundaries computed knowing that trials below a futility bound
/// stop (rpact's `bindingFutility = TRUE`), with fixed z bounds and with beta spending (whose
/// futility bounds change with it), against `getDesignGroupSequential` (27 designs: 2–4 looks,
/// O'Brien–Fleming, Pocock and Hwang–Shih–DeCani spending). Script:
/// `tests/reference/make_rpact_binding_refs.R`.
#[test]
fn binding_futility_boundaries_agree_with_rpact() {
    let refs: Value = serde_json::from_str(include_str!("../reference/rpact_binding_refs.json")).unwrap();
    assert_eq!(refs["designs"].as_array().unwrap().len(), 27);
    // The check `peritrial verify` runs on a user's machine.
    let c = peritrial::verify::rpact_binding();
    assert!(c.passed() && c.compared >= 27 * 3, "{} compared: {:#?}", c.compared, c.failures);
    eprintln!("largest difference from rpact: {:.2e} over {} bounds", c.largest_deviation, c.compared);
}

/// Efficacy boundaries with a harm bound of the same spending and level are the symmetric
/// two-sided design: rpact's `getDesignGroupSequential(sided = 2, alpha = 0.05)` (6 designs:
/// 2–4 looks, O'Brien–Fleming and Pocock), upper and lower. An asymmetric pair at one look is
/// the two normal quantiles. Script: `tests/reference/make_rpact_two_sided_refs.R`.
#[test]
fn harm_bounds_make_the_two_sided_design() {
    use peritrial::stats::spending::{R, boundaries_with_harm};
    // The check `peritrial verify` runs on a user's machine.
    let c = peritrial::verify::rpact_two_sided();
    assert!(c.passed() && c.compared >= 6 * 4, "{} compared: {:#?}", c.compared, c.failures);
    eprintln!("largest difference from rpact: {:.2e}", c.largest_deviation);
    let (u, l) = boundaries_with_harm(Spending::OBrienFleming, 0.025, Spending::Pocock, 0.1, &[1.0], &[1.0], R);
    assert!((u[0] - 1.959963984540054).abs() < 1e-12 && (l[0] + 1.2815515655446004).abs() < 1e-12);
}

/// Asymmetric harm bounds (other spending functions and levels than the efficacy boundaries',
/// which rpact's two-sided designs cannot express): 6 designs, 2–4 looks, O'Brien–Fleming,
/// Pocock and Hwang–Shih–DeCani on either side, against bounds derived independently look by
/// look from first-crossing probabilities under the null computed by mvtnorm
/// (`tests/reference/make_harm_bounds_refs.R`), 1e-4 on the z scale.
#[test]
fn asymmetric_harm_bounds_agree_with_an_independent_derivation() {
    let c = peritrial::verify::harm_bounds();
    assert!(c.passed() && c.compared == 2 * (2 + 3 + 3 + 4 + 3 + 3), "{} compared: {:#?}", c.compared, c.failures);
    eprintln!("largest difference from mvtnorm: {:.2e}", c.largest_deviation);
}
