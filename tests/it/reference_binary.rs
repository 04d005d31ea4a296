//! Binary tests, stratified Cox and Aalen–Johansen incidence against R
//! (tests/reference/make_binary_refs.R made tests/reference/binary_refs.json).

use peritrial::data::read_csv;
use peritrial::stats::binary::{self, TwoByTwo};
use peritrial::stats::cif::cumulative_incidence;
use peritrial::stats::cox::{self, Cox, Ties};
use peritrial::stats::{Obs, RiskTable, sort_by_stratum_time};
use serde_json::Value;

fn refs() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/reference/binary_refs.json").unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn rel(what: &str, got: f64, want: f64) {
    assert!((got - want).abs() <= 1e-6 * want.abs().max(1e-300), "{what}: peritrial {got} vs R {want}");
}

/// Binomial, Clopper–Pearson, Wilson, Fisher, chi-square (and Yates', below) against R: the
/// check `peritrial verify` runs on a user's machine.
#[test]
fn exact_binomial_fisher_and_chi_square_agree_with_r() {
    let c = peritrial::verify::binary_tests();
    let cases = refs()["one_sample"].as_array().unwrap().len() * 6 + refs()["two_by_two"].as_array().unwrap().len() * 4;
    assert!(c.passed() && c.compared > cases, "{} compared: {:#?}", c.compared, c.failures);
}

#[test]
fn stratified_cox_agrees_with_r() {
    let r = refs();
    for name in ["strata", "lung"] {
        let mut obs = read_csv(std::path::Path::new(&format!("tests/reference/data/{name}.csv"))).unwrap();
        sort_by_stratum_time(&mut obs);
        let table = RiskTable::build(&obs, false);
        for (ties, key) in [(Ties::Efron, "efron"), (Ties::Breslow, "breslow")] {
            let want = &r["stratified_cox"][format!("{name}_{key}")];
            let Cox::Estimate { log_hr, se, .. } = cox::fit(&table, ties) else { panic!("{name}: not estimable") };
            rel(&format!("{name} {key} log HR"), log_hr, f(&want["log_hr"]));
            rel(&format!("{name} {key} se"), se, f(&want["se"]));
        }
    }
}

#[test]
fn aalen_johansen_agrees_with_r_survfit() {
    let r = refs();
    // status 2 (competing) is read by the CSV reader only as 0/1, so build the data here.
    let text = std::fs::read_to_string("tests/reference/data/competing.csv").unwrap();
    let mut obs: Vec<Obs> = text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            Obs { time: c[0].parse().unwrap(), status: c[1].parse().unwrap(), arm: c[2].parse().unwrap(), stratum: 0 }
        })
        .collect();
    sort_by_stratum_time(&mut obs);
    let table = RiskTable::build(&obs, true);
    for a in 0..2usize {
        let want = &r["cumulative_incidence"][a.to_string()];
        let last = obs.iter().filter(|o| o.arm as usize == a).map(|o| o.time).fold(0.0, f64::max);
        for (k, (t, w)) in
            want["times"].as_array().unwrap().iter().zip(want["incidence"].as_array().unwrap()).enumerate()
        {
            let got = cumulative_incidence(&table.rows, Some(a), f(t), last).unwrap();
            rel(&format!("arm {a} CIF({t})"), got, f(w));
            let (est, var) =
                peritrial::stats::cif::cumulative_incidence_with_variance(&table.rows, Some(a), f(t), last).unwrap();
            rel(&format!("arm {a} cuminc({t})"), est, f(&want["cmprsk_incidence"][k]));
            rel(&format!("arm {a} cuminc variance({t})"), var, f(&want["cmprsk_variance"][k]));
        }
    }
}

/// MaxCombo against R and mvtnorm: the check `peritrial verify` runs on a user's machine.
#[test]
fn maxcombo_agrees_with_r_and_mvtnorm() {
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/maxcombo_refs.json").unwrap()).unwrap();
    let c = peritrial::verify::maxcombo();
    assert!(
        c.passed() && c.compared == refs.as_object().unwrap().len() * 21,
        "{} compared: {:#?}",
        c.compared,
        c.failures
    );
}

#[test]
fn one_sample_logrank_agrees_with_survdiff_with_an_offset() {
    for c in refs()["one_sample_logrank"].as_array().unwrap() {
        let obs = read_csv(std::path::Path::new(&format!("tests/reference/data/{}.csv", c["data"].as_str().unwrap())))
            .unwrap();
        let treated: Vec<&Obs> = obs.iter().filter(|o| o.arm == 1).collect();
        let events = treated.iter().filter(|o| o.status == 1).count() as u64;
        let exposure: f64 = treated.iter().map(|o| o.time).sum();
        let t = peritrial::stats::logrank::OneSample::new(events, exposure, f(&c["null_hazard"]));
        rel("observed", t.observed, f(&c["observed"]));
        rel("expected", t.expected, f(&c["expected"]));
        rel("chisq", t.z * t.z, f(&c["chisq"]));
    }
}

/// Item 10: chi_square with continuity_correction = true is R's prop.test(correct = TRUE)
/// (tests/reference/make_prop_test_refs.R): statistic to 1e-10 relative, p-values to 1e-12.
#[test]
fn chi_square_with_continuity_correction_agrees_with_prop_test() {
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/prop_test_refs.json").unwrap()).unwrap();
    for c in refs.as_array().unwrap() {
        let g = |k: &str| c[k].as_f64().unwrap();
        let t = binary::TwoByTwo {
            x_treatment: g("x_treatment") as u64,
            n_treatment: g("n_treatment") as u64,
            x_control: g("x_control") as u64,
            n_control: g("n_control") as u64,
        };
        let ch = binary::chi_square_corrected(t);
        assert!(
            (ch.chisq - g("chisq")).abs() <= 1e-10 * g("chisq").max(1e-300),
            "{t:?}: {} vs {}",
            ch.chisq,
            g("chisq")
        );
        assert!((ch.p_two_sided - g("p_two_sided")).abs() < 1e-12, "{t:?}");
        assert!((ch.p_greater() - g("p_greater")).abs() < 1e-12, "{t:?}: {} vs {}", ch.p_greater(), g("p_greater"));
    }
}

/// The Farrington–Manning score test of a margin on the rate difference, its restricted rates,
/// and the normal-approximation power and sample size of a fixed design, against rpact 3.3.4
/// (tests/reference/make_rpact_rates_refs.R; the restricted rates also against a numerical
/// maximisation of the likelihood).
#[test]
fn farrington_manning_agrees_with_rpact() {
    let refs: Value = serde_json::from_str(include_str!("../reference/rpact_rates_refs.json")).unwrap();
    for c in refs["farrington_manning"].as_array().unwrap() {
        // The restricted rates are the likelihood's maximum (R's optimize, independent of rpact).
        let t = TwoByTwo {
            x_treatment: f(&c["x_treatment"]) as u64,
            n_treatment: f(&c["n_treatment"]) as u64,
            x_control: f(&c["x_control"]) as u64,
            n_control: f(&c["n_control"]) as u64,
        };
        let (r1, r0) = (t.x_treatment as f64 / t.n_treatment as f64, t.x_control as f64 / t.n_control as f64);
        let ratio = t.n_control as f64 / t.n_treatment as f64;
        let (_, m0) = binary::restricted_rates(r1, r0, f(&c["null_difference"]), ratio);
        assert!((m0 - f(&c["ml_control_optimize"])).abs() < 1e-6, "{t:?}: {m0} vs optimize");
    }
    // Against rpact: the check `peritrial verify` runs on a user's machine.
    let check = peritrial::verify::farrington_manning();
    let cases = refs["farrington_manning"].as_array().unwrap().len() * 3 + refs["power"].as_array().unwrap().len() * 3;
    assert!(check.passed() && check.compared == cases, "{} of {cases} compared: {:#?}", check.compared, check.failures);
}
