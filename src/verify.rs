//! `peritrial verify`: installation qualification. Re-runs on this machine the comparisons
//! with the bundled R (`survival`) and rpact references, the golden reports and a short
//! calibration, and reports each check with its tolerance and result, dated, with the version
//! and platform — what regulated users run before a tool's numbers go into a protocol. The
//! references, data sets and golden reports are compiled into the binary (the same files the
//! test suite uses, `tests/reference/` and `tests/golden/`), so the check needs nothing else.

use crate::scenario::{self, Spending};
use crate::stats::spending;
use serde_json::Value;

/// The data sets of the `survival` references.
const DATA: &[(&str, &str)] = &[
    ("basic", include_str!("../tests/reference/data/basic.csv")),
    ("competing", include_str!("../tests/reference/data/competing.csv")),
    ("crossing", include_str!("../tests/reference/data/crossing.csv")),
    ("flat_half", include_str!("../tests/reference/data/flat_half.csv")),
    ("heavy_censoring", include_str!("../tests/reference/data/heavy_censoring.csv")),
    ("lung", include_str!("../tests/reference/data/lung.csv")),
    ("one_arm_no_events", include_str!("../tests/reference/data/one_arm_no_events.csv")),
    ("same_time", include_str!("../tests/reference/data/same_time.csv")),
    ("strata", include_str!("../tests/reference/data/strata.csv")),
    ("ties", include_str!("../tests/reference/data/ties.csv")),
    ("tiny", include_str!("../tests/reference/data/tiny.csv")),
    ("trial600", include_str!("../tests/reference/data/trial600.csv")),
    ("unbalanced", include_str!("../tests/reference/data/unbalanced.csv")),
];
const SURVIVAL_REFS: &str = include_str!("../tests/reference/survival_refs.json");
const RPACT_REFS: &str = include_str!("../tests/reference/rpact_refs.json");
const RPACT_EARLY_REFS: &str = include_str!("../tests/reference/rpact_early_refs.json");
const CONDITIONAL_POWER_REFS: &str = include_str!("../tests/reference/conditional_power_refs.json");
const RPACT_BINDING_REFS: &str = include_str!("../tests/reference/rpact_binding_refs.json");
const RPACT_TWO_SIDED_REFS: &str = include_str!("../tests/reference/rpact_two_sided_refs.json");
const RPACT_RATES_REFS: &str = include_str!("../tests/reference/rpact_rates_refs.json");
const MAXCOMBO_REFS: &str = include_str!("../tests/reference/maxcombo_refs.json");
const HARM_BOUNDS_REFS: &str = include_str!("../tests/reference/harm_bounds_refs.json");
const BINARY_REFS: &str = include_str!("../tests/reference/binary_refs.json");
const RPACT_STOPPING_REFS: &str = include_str!("../tests/reference/rpact_stopping_refs.json");
const RPACT_RATES_STOPPING_REFS: &str = include_str!("../tests/reference/rpact_rates_stopping_refs.json");
const PROP_TEST_REFS: &str = include_str!("../tests/reference/prop_test_refs.json");
/// (name, scenario, golden report at 2,000 trials without `timing`).
const GOLDEN: &[(&str, &str, &str)] = &[
    (
        "two-arm-efs-logrank",
        include_str!("../scenarios/two-arm-efs-logrank.toml"),
        include_str!("../tests/golden/two-arm-efs-logrank.json"),
    ),
    (
        "gastric-adjuvant",
        include_str!("../scenarios/gastric-adjuvant.toml"),
        include_str!("../tests/golden/gastric-adjuvant.json"),
    ),
    (
        "colorectal-adjuvant",
        include_str!("../scenarios/colorectal-adjuvant.toml"),
        include_str!("../tests/golden/colorectal-adjuvant.json"),
    ),
    (
        "mixed-stratified",
        include_str!("../scenarios/mixed-stratified.toml"),
        include_str!("../tests/golden/mixed-stratified.json"),
    ),
    ("pm-orr-simon", include_str!("../scenarios/pm-orr-simon.toml"), include_str!("../tests/golden/pm-orr-simon.json")),
    ("safety-24h", include_str!("../scenarios/safety-24h.toml"), include_str!("../tests/golden/safety-24h.json")),
    (
        "three-endpoint-family",
        include_str!("../scenarios/three-endpoint-family.toml"),
        include_str!("../tests/golden/three-endpoint-family.json"),
    ),
];
const CANONICAL_NULL: &str = include_str!("../scenarios/null-efs-logrank.toml");

/// One check: what was compared with what, at which tolerance, and how it came out.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub against: String,
    pub tolerance: String,
    /// Values (or reports) compared.
    pub compared: usize,
    /// The largest deviation seen, in the check's own units.
    pub largest_deviation: f64,
    /// What disagreed (empty when the check passed).
    pub failures: Vec<String>,
}

impl Check {
    fn new(name: &str, against: &str, tolerance: &str) -> Check {
        Check {
            name: name.into(),
            against: against.into(),
            tolerance: tolerance.into(),
            compared: 0,
            largest_deviation: 0.0,
            failures: Vec::new(),
        }
    }

    /// Compares `got` with `want`: |got − want| ≤ `abs` + `rel`·|want|.
    fn close(&mut self, what: &str, got: Option<f64>, want: Option<f64>, abs: f64, rel: f64) {
        self.compared += 1;
        match (got, want) {
            (Some(g), Some(w)) if g.is_finite() && w.is_finite() => {
                let d = (g - w).abs();
                let scaled = d / (abs + rel * w.abs()).max(f64::MIN_POSITIVE);
                self.largest_deviation =
                    self.largest_deviation.max(if rel > 0.0 { d / w.abs().max(1e-300) } else { d });
                if scaled > 1.0 {
                    self.failures.push(format!("{what}: {g} vs {w}"));
                }
            }
            (None, None) => {}
            (Some(g), Some(w)) if g == w => {}
            _ => self.failures.push(format!("{what}: {got:?} vs {want:?}")),
        }
    }

    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.compared > 0
    }
}

/// The qualification report.
#[derive(Debug, Clone)]
pub struct Verification {
    pub version: &'static str,
    /// UTC, ISO 8601.
    pub date: String,
    pub platform: String,
    pub threads: usize,
    pub seconds: f64,
    pub checks: Vec<Check>,
}

impl Verification {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(Check::passed)
    }
}

/// Runs every check.
pub fn run() -> Verification {
    let began = std::time::Instant::now();
    let checks = vec![
        survival(),
        maxcombo(),
        binary_tests(),
        rpact_boundaries(),
        rpact_futility(),
        rpact_binding(),
        rpact_two_sided(),
        harm_bounds(),
        conditional_power(),
        rpact_stopping(),
        rpact_rates_stopping(),
        farrington_manning(),
        golden(),
        calibration(),
    ];
    Verification {
        version: env!("CARGO_PKG_VERSION"),
        date: utc_now(),
        platform: format!(
            "{} {} ({} logical CPUs)",
            std::env::consts::OS,
            std::env::consts::ARCH,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        threads: rayon::current_num_threads(),
        seconds: began.elapsed().as_secs_f64(),
        checks,
    }
}

fn survival() -> Check {
    let mut c = Check::new(
        "survival analyses of 13 data sets: log-rank, Fleming–Harrington ρ = 1, stratified log-rank, Cox (Efron, Breslow), Kaplan–Meier with Greenwood SE, medians with CI, RMST",
        "R survival 3.5.3 (tests/reference/make_refs.R)",
        "relative 1e-6; p-values absolute 1e-9",
    );
    let refs: Value = serde_json::from_str(SURVIVAL_REFS).expect("bundled references are JSON");
    for (name, text) in DATA {
        let Some(r) = refs.get(*name) else { continue };
        let data = match crate::data::parse_with(text, name, &crate::data::Columns::default()) {
            Ok(mut groups) => groups.remove(0).1,
            Err(e) => {
                c.failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let floats = |v: &Value| v.as_array().map_or(Vec::new(), |a| a.iter().filter_map(Value::as_f64).collect());
        let (ms, tau) = (floats(&r["milestones"]), r["tau"].as_f64().unwrap_or(36.0));
        let text = crate::report::analyze::json(&crate::stats::trial::analyze(&data.obs, &ms, tau), &data, &ms, tau);
        let g: Value = serde_json::from_str(&text).expect("the analysis report is JSON");
        let rel = |c: &mut Check, what: &str, got: &Value, want: &Value| {
            c.close(&format!("{name}: {what}"), got.as_f64(), want.as_f64(), 0.0, 1e-6)
        };
        let p = |c: &mut Check, what: &str, got: &Value, want: &Value| {
            c.close(&format!("{name}: {what}"), got.as_f64(), want.as_f64(), 1e-9, 0.0)
        };
        rel(&mut c, "log-rank chi-square", &g["logrank"]["chisq"], &r["logrank"]["chisq"]);
        rel(&mut c, "log-rank z", &g["logrank"]["z"], &r["logrank"]["z"]);
        p(&mut c, "log-rank p", &g["logrank"]["p_value"], &r["logrank"]["p_value"]);
        rel(&mut c, "FH rho=1 chi-square", &g["fh_rho1"]["chisq"], &r["fh_rho1"]["chisq"]);
        p(&mut c, "FH rho=1 p", &g["fh_rho1"]["p_value"], &r["fh_rho1"]["p_value"]);
        if let Some(s) = r.get("logrank_stratified") {
            rel(&mut c, "stratified chi-square", &g["logrank_stratified"]["chisq"], &s["chisq"]);
            p(&mut c, "stratified p", &g["logrank_stratified"]["p_value"], &s["p_value"]);
        }
        for key in ["cox_efron", "cox_breslow"] {
            if r[key] == "not_estimable" {
                c.compared += 1;
                if g[key]["estimable"] != false {
                    c.failures.push(format!("{name}: {key}: estimable, R says not"));
                }
                continue;
            }
            for f in ["log_hr", "se", "hazard_ratio", "ci_lower", "ci_upper"] {
                rel(&mut c, &format!("{key}.{f}"), &g[key][f], &r[key][f]);
            }
        }
        let rk = if tau == tau.trunc() { format!("rmst{}", tau as i64) } else { format!("rmst{tau}") };
        for a in ["0", "1"] {
            let (ga, wa) = (&g["arms"][a], &r["arms"][a]);
            rel(&mut c, &format!("arm {a} median"), &ga["median"], &wa["median"]);
            rel(&mut c, &format!("arm {a} median lower"), &ga["median_ci"][0], &wa["median_lower"]);
            rel(&mut c, &format!("arm {a} median upper"), &ga["median_ci"][1], &wa["median_upper"]);
            rel(&mut c, &format!("arm {a} RMST"), &ga[&rk], &wa["rmst"]);
            rel(&mut c, &format!("arm {a} RMST SE"), &ga[format!("{rk}_se")], &wa["rmst_se"]);
            for (i, k) in wa["km"].as_array().into_iter().flatten().enumerate() {
                if k.is_null() {
                    continue;
                }
                rel(&mut c, &format!("arm {a} KM[{i}]"), &ga["km"][i]["survival"], &k["survival"]);
                rel(&mut c, &format!("arm {a} KM[{i}] SE"), &ga["km"][i]["std_err"], &k["std_err"]);
            }
        }
    }
    c
}

fn rpact_spending(kind: &Value, gamma: &Value) -> Option<Spending> {
    match kind.as_str()? {
        "asOF" => Some(Spending::OBrienFleming),
        "asP" => Some(Spending::Pocock),
        "asHSD" => Some(Spending::HwangShihDeCani(gamma.as_f64()?)),
        _ => None,
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().map_or_else(
        || v.as_f64().into_iter().collect(),
        |a| a.iter().map(|x| x.as_f64().unwrap_or(f64::INFINITY)).collect(),
    )
}

fn rpact_boundaries() -> Check {
    let mut c = Check::new(
        "group-sequential efficacy boundaries (O'Brien–Fleming, Pocock, Hwang–Shih–DeCani spending)",
        "rpact 3.3.4 getDesignGroupSequential (tests/reference/make_rpact_refs.R)",
        "absolute 1e-4 on the z scale",
    );
    let refs: Value = serde_json::from_str(RPACT_REFS).expect("bundled references are JSON");
    for b in refs["boundaries"].as_array().into_iter().flatten() {
        let Some(sp) = rpact_spending(&b["type"], &b["gamma"]) else { continue };
        let (t, alpha) = (floats(&b["information"]), b["alpha"].as_f64().unwrap_or(0.025));
        let ours = spending::boundaries(sp, alpha, &t);
        for (k, want) in floats(&b["critical"]).iter().enumerate() {
            c.close(&format!("{} {t:?} look {}", sp.name(), k + 1), Some(ours[k]), Some(*want), 1e-4, 0.0);
        }
    }
    c
}

fn rpact_futility() -> Check {
    let mut c = Check::new(
        "beta-spending futility bounds at information 0.01–0.99 (2–4 looks)",
        "rpact 3.3.4 getDesignGroupSequential(typeBetaSpending) (tests/reference/make_rpact_early_refs.R)",
        "absolute 1e-4 on the z scale; designs rpact refuses are refused",
    );
    let refs: Value = serde_json::from_str(RPACT_EARLY_REFS).expect("bundled references are JSON");
    for f in refs["futility"].as_array().into_iter().flatten() {
        let sp = if f["type"] == "asOF" { Spending::OBrienFleming } else { Spending::Pocock };
        let bs = if f["beta_spending"] == "bsOF" { Spending::OBrienFleming } else { Spending::Pocock };
        let t = floats(&f["information"]);
        let (alpha, beta) = (f["alpha"].as_f64().unwrap_or(0.025), f["beta"].as_f64().unwrap_or(0.2));
        let (ours, _, crossing) = spending::futility_boundaries(sp, alpha, bs, beta, &t);
        if f["refused"] == true {
            c.compared += 1;
            if crossing.is_none() {
                c.failures.push(format!("{t:?}: rpact refuses the design, peritrial does not"));
            }
            continue;
        }
        for (k, want) in floats(&f["futility"]).iter().enumerate() {
            c.close(
                &format!("{}/{} {t:?} look {}", sp.name(), bs.name(), k + 1),
                Some(ours[k]),
                Some(*want),
                1e-4,
                0.0,
            );
        }
    }
    c
}

/// MaxCombo on 6 data sets: its four Fleming–Harrington z, their correlation and the p-value.
pub fn maxcombo() -> Check {
    let mut c = Check::new(
        "MaxCombo test of 6 data sets: FH(0,0), FH(0,1), FH(1,0), FH(1,1) z, their correlation, the p-value of the maximum",
        "R survival and mvtnorm (tests/reference/make_maxcombo_refs.R)",
        "relative 1e-6; the p-value absolute 5e-6 (mvtnorm's own accuracy is about 1e-7)",
    );
    let refs: Value = serde_json::from_str(MAXCOMBO_REFS).expect("bundled references are JSON");
    for (name, text) in DATA {
        let Some(r) = refs.get(*name) else { continue };
        let mut obs = match crate::data::parse_with(text, name, &crate::data::Columns::default()) {
            Ok(mut groups) => groups.remove(0).1.obs,
            Err(e) => {
                c.failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        for o in obs.iter_mut() {
            o.stratum = 0;
        }
        crate::stats::sort_by_stratum_time(&mut obs);
        let m = crate::stats::maxcombo::test(&crate::stats::RiskTable::build(&obs, true));
        for k in 0..4 {
            c.close(&format!("{name}: z[{k}]"), Some(m.z[k]), r["z"][k].as_f64(), 0.0, 1e-6);
            for l in 0..4 {
                let got = Some(m.correlation[k][l]);
                c.close(&format!("{name}: correlation[{k}][{l}]"), got, r["correlation"][k][l].as_f64(), 0.0, 1e-6);
            }
        }
        c.close(&format!("{name}: p"), Some(m.p_one_sided), r["p_value"].as_f64(), 5e-6, 0.0);
    }
    c
}

/// The tests of binary endpoints on hand-set tables.
pub fn binary_tests() -> Check {
    use crate::stats::binary::{self, TwoByTwo};
    let mut c = Check::new(
        "binary endpoints: exact binomial test, Clopper–Pearson and Wilson intervals (8 cases), Fisher's exact and the chi-square test (6 tables), Yates' correction",
        "R binom.test, prop.test, fisher.test (tests/reference/make_binary_refs.R, make_prop_test_refs.R)",
        "absolute 1e-9 (chi-square statistics: relative 1e-6; with Yates' correction relative 1e-10, p absolute 1e-12)",
    );
    let n = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let table = |v: &Value| TwoByTwo {
        x_treatment: n(&v["x_treatment"]) as u64,
        n_treatment: n(&v["n_treatment"]) as u64,
        x_control: n(&v["x_control"]) as u64,
        n_control: n(&v["n_control"]) as u64,
    };
    let refs: Value = serde_json::from_str(BINARY_REFS).expect("bundled references are JSON");
    for o in refs["one_sample"].as_array().into_iter().flatten() {
        let (x, size, p0) = (n(&o["x"]) as u64, n(&o["n"]) as u64, n(&o["p0"]));
        let t = binary::binom_test(x, size, p0);
        let (cl, cu) = binary::clopper_pearson(x, size, 0.95);
        let (wl, wu) = binary::wilson(x, size, 0.95);
        for (what, got, key) in [
            ("binom.test two-sided", t.p_two_sided, "p_two_sided"),
            ("binom.test greater", t.p_greater, "p_greater"),
            ("Clopper–Pearson lower", cl, "cp_lower"),
            ("Clopper–Pearson upper", cu, "cp_upper"),
            ("Wilson lower", wl, "wilson_lower"),
            ("Wilson upper", wu, "wilson_upper"),
        ] {
            c.close(&format!("{x}/{size} vs {p0}: {what}"), Some(got), Some(n(&o[key])), 1e-9, 0.0);
        }
    }
    for v in refs["two_by_two"].as_array().into_iter().flatten() {
        let t = table(v);
        let (fi, ch) = (binary::fisher(t), binary::chi_square(t));
        c.close(
            &format!("{t:?}: fisher.test two-sided"),
            Some(fi.p_two_sided),
            Some(n(&v["fisher_two_sided"])),
            1e-9,
            0.0,
        );
        c.close(&format!("{t:?}: fisher.test greater"), Some(fi.p_greater), Some(n(&v["fisher_greater"])), 1e-9, 0.0);
        c.close(&format!("{t:?}: prop.test chi-square"), Some(ch.chisq), Some(n(&v["chisq"])), 0.0, 1e-6);
        c.close(&format!("{t:?}: prop.test p"), Some(ch.p_two_sided), Some(n(&v["chisq_p"])), 1e-9, 0.0);
    }
    let yates: Value = serde_json::from_str(PROP_TEST_REFS).expect("bundled references are JSON");
    for v in yates.as_array().into_iter().flatten() {
        let t = table(v);
        let ch = binary::chi_square_corrected(t);
        c.close(&format!("{t:?}: prop.test(correct) chi-square"), Some(ch.chisq), Some(n(&v["chisq"])), 0.0, 1e-10);
        c.close(&format!("{t:?}: prop.test(correct) p"), Some(ch.p_two_sided), Some(n(&v["p_two_sided"])), 1e-12, 0.0);
        c.close(
            &format!("{t:?}: prop.test(correct) greater"),
            Some(ch.p_greater()),
            Some(n(&v["p_greater"])),
            1e-12,
            0.0,
        );
    }
    c
}

/// Numbers of a jsonlite vector (a one-element vector is written as a number); None if neither.
fn numbers(v: &Value) -> Option<Vec<f64>> {
    match v {
        Value::Number(x) => x.as_f64().map(|x| vec![x]),
        Value::Array(a) => a.iter().map(Value::as_f64).collect(),
        _ => None,
    }
}

/// Efficacy (and beta-spending futility) boundaries with a binding futility rule.
pub fn rpact_binding() -> Check {
    let mut c = Check::new(
        "binding futility: efficacy boundaries with z bounds and with beta spending (27 designs, 2–4 looks)",
        "rpact 3.3.4 getDesignGroupSequential(bindingFutility = TRUE) (tests/reference/make_rpact_binding_refs.R)",
        "absolute 1e-4 on the z scale",
    );
    let refs: Value = serde_json::from_str(RPACT_BINDING_REFS).expect("bundled references are JSON");
    for d in refs["designs"].as_array().into_iter().flatten() {
        let Some(sp) = rpact_spending(&d["type"], &d["gamma"]) else { continue };
        let Some(t) = numbers(&d["information"]) else { continue };
        let (efficacy, futility) = match (numbers(&d["z_futility"]), d["beta_spending"].as_str()) {
            (Some(mut f), None) => {
                f.push(f64::NEG_INFINITY);
                (spending::boundaries_with_floor(sp, 0.025, &t, &t, Some(&f), spending::R), f[..t.len() - 1].to_vec())
            }
            (None, Some(bs)) => {
                let bs = if bs == "bsOF" { Spending::OBrienFleming } else { Spending::Pocock };
                let b = spending::beta_spending_design(sp, 0.025, bs, 0.2, &t, &t, true);
                (b.efficacy, b.futility[..t.len() - 1].to_vec())
            }
            _ => continue,
        };
        let want = numbers(&d["critical"]).into_iter().flatten().chain(numbers(&d["futility"]).into_iter().flatten());
        for (k, (ours, theirs)) in efficacy.iter().chain(&futility).zip(want).enumerate() {
            c.close(&format!("{} {t:?} bound {}", sp.name(), k + 1), Some(*ours), Some(theirs), 1e-4, 0.0);
        }
    }
    c
}

/// A harm bound of the efficacy spending and level: the symmetric two-sided design.
pub fn rpact_two_sided() -> Check {
    let mut c = Check::new(
        "harm bounds with the efficacy spending and level: the two-sided design (6 designs, 2–4 looks)",
        "rpact 3.3.4 getDesignGroupSequential(sided = 2, alpha = 0.05) (tests/reference/make_rpact_two_sided_refs.R)",
        "absolute 1e-4 on the z scale, upper and lower",
    );
    let refs: Value = serde_json::from_str(RPACT_TWO_SIDED_REFS).expect("bundled references are JSON");
    for d in refs["designs"].as_array().into_iter().flatten() {
        let sp = if d["type"] == "asOF" { Spending::OBrienFleming } else { Spending::Pocock };
        let Some(t) = numbers(&d["information"]) else { continue };
        let (upper, lower) = spending::boundaries_with_harm(sp, 0.025, sp, 0.025, &t, &t, spending::R);
        for (k, want) in numbers(&d["critical"]).into_iter().flatten().enumerate() {
            c.close(&format!("{} {t:?} upper {}", sp.name(), k + 1), Some(upper[k]), Some(want), 1e-4, 0.0);
            c.close(&format!("{} {t:?} lower {}", sp.name(), k + 1), Some(lower[k]), Some(-want), 1e-4, 0.0);
        }
    }
    c
}

/// Asymmetric harm bounds against an independent derivation.
pub fn harm_bounds() -> Check {
    let mut c = Check::new(
        "asymmetric harm bounds: efficacy and harm bounds of other spending functions and levels (6 designs, 2–4 looks)",
        "bounds derived look by look from first-crossing probabilities by R mvtnorm (tests/reference/make_harm_bounds_refs.R)",
        "absolute 1e-4 on the z scale",
    );
    let refs: Value = serde_json::from_str(HARM_BOUNDS_REFS).expect("bundled references are JSON");
    for d in refs["designs"].as_array().into_iter().flatten() {
        let (Some(sp), Some(hs), Some(t), Some(a), Some(ha)) = (
            rpact_spending(&d["efficacy_spending"], &d["gamma"]),
            rpact_spending(&d["harm_spending"], &d["harm_gamma"]),
            numbers(&d["information"]),
            d["alpha"].as_f64(),
            d["harm_alpha"].as_f64(),
        ) else {
            continue;
        };
        let (upper, lower) = spending::boundaries_with_harm(sp, a, hs, ha, &t, &t, spending::R);
        let want = numbers(&d["efficacy"]).into_iter().flatten().zip(numbers(&d["harm"]).into_iter().flatten());
        for (k, (u, l)) in want.enumerate() {
            let what = format!("{} {a} / harm {} {ha} {t:?} look {}", sp.name(), hs.name(), k + 1);
            c.close(&format!("{what} efficacy"), Some(upper[k]), Some(u), 1e-4, 0.0);
            c.close(&format!("{what} harm"), Some(lower[k]), Some(l), 1e-4, 0.0);
        }
    }
    c
}

/// Conditional power at interims of 4 designs.
pub fn conditional_power() -> Check {
    let mut c = Check::new(
        "conditional power at every interim of 4 designs, under the estimate and two hazard ratios (216 cases)",
        "rpact 3.3.4 getConditionalPower (tests/reference/make_conditional_power_refs.R)",
        "absolute 1e-6",
    );
    let refs: Value = serde_json::from_str(CONDITIONAL_POWER_REFS).expect("bundled references are JSON");
    for case in refs["cases"].as_array().into_iter().flatten() {
        let (Some(bounds), Some(events), Some(r), Some(stage), Some(z)) = (
            numbers(&case["critical_values"]),
            numbers(&case["events"]),
            case["allocation_ratio"].as_f64(),
            case["stage"].as_u64(),
            case["z"].as_f64(),
        ) else {
            continue;
        };
        let info: Vec<f64> = events.iter().map(|d| d * r / ((1.0 + r) * (1.0 + r))).collect();
        let k = stage as usize - 1;
        let effect = match case["hazard_ratio"].as_f64() {
            Some(h) => spending::Effect::Drift(-h.ln()),
            None => spending::Effect::Estimate,
        };
        for (j, want) in numbers(&case["conditional_power"]).into_iter().flatten().enumerate() {
            let to = k + 1 + j;
            let got = spending::conditional_power(z, k, &bounds[..=to], &info[..=to], effect);
            c.close(&format!("stage {stage}, z {z}, by look {}", to + 1), Some(got), Some(want), 1e-6, 0.0);
        }
    }
    c
}

/// Inference when a group-sequential trial stops: the stage-wise p-value, the median-unbiased
/// hazard ratio and its 95% interval, and the repeated 95% intervals at each look.
pub fn rpact_stopping() -> Check {
    use crate::stats::stopping::{Stopped, infer, repeated_interval};
    let mut c = Check::new(
        "inference at stopping: stage-wise p-value, median-unbiased hazard ratio, its interval, repeated intervals (52 trials, 4 designs)",
        "rpact 3.3.4 getAnalysisResults (tests/reference/make_rpact_stopping_refs.R)",
        "absolute 1e-6",
    );
    let refs: Value = serde_json::from_str(RPACT_STOPPING_REFS).expect("bundled references are JSON");
    for case in refs["cases"].as_array().into_iter().flatten() {
        let (Some(bounds), Some(events), Some(r), Some(z)) = (
            numbers(&case["critical_values"]),
            numbers(&case["events"]),
            case["allocation_ratio"].as_f64(),
            numbers(&case["z"]),
        ) else {
            continue;
        };
        let futility = numbers(&case["futility_bounds"]);
        let k = z.len();
        let info: Vec<f64> = events.iter().map(|d| d * r / ((1.0 + r) * (1.0 + r))).collect();
        let s = Stopped { z: &z, info: &info, efficacy: &bounds[..k - 1], futility: futility.as_deref() };
        let got = infer(&s, 0.025);
        let what = |x: &str| format!("stage {k} of {}, z {:.3}, r {r}: {x}", bounds.len(), z[k - 1]);
        let hr = |theta: f64| (-theta).exp();
        c.close(&what("p"), Some(got.p), case["p"].as_f64(), 1e-6, 0.0);
        c.close(&what("median unbiased"), Some(hr(got.median_unbiased)), case["median_unbiased"].as_f64(), 1e-6, 0.0);
        c.close(&what("lower"), Some(hr(got.upper)), case["lower"].as_f64(), 1e-6, 0.0);
        c.close(&what("upper"), Some(hr(got.lower)), case["upper"].as_f64(), 1e-6, 0.0);
        // Under a binding futility rule too: rpact's futility correction of the repeated
        // intervals (applied to rates) leaves the hazard ratio's as they are, even where an
        // earlier look's z was just above its bound (the cases with z = 0.05 there).
        let (lo, hi) =
            (numbers(&case["rci_lower"]).unwrap_or_default(), numbers(&case["rci_upper"]).unwrap_or_default());
        for j in 0..k.min(lo.len()).min(hi.len()) {
            let (a, b) = repeated_interval(z[j], info[j], bounds[j]);
            c.close(&what(&format!("repeated interval at look {}", j + 1)), Some(hr(b)), Some(lo[j]), 1e-6, 0.0);
            c.close(&what(&format!("repeated interval at look {}", j + 1)), Some(hr(a)), Some(hi[j]), 1e-6, 0.0);
        }
    }
    c
}

/// Inference at stopping on response rates: two arms' stage-wise p-value, median-unbiased
/// difference, its interval and the repeated intervals (with rpact's binding-futility
/// correction); a single arm's repeated intervals (Clopper–Pearson at each look's level).
pub fn rpact_rates_stopping() -> Check {
    use crate::stats::binary::{TwoByTwo, farrington_manning};
    use crate::stats::stopping_rates::{binding_corrections, single_arm_repeated, two_arm, two_arm_repeated};
    let mut c = Check::new(
        "inference at stopping on rates: two arms' p-value, median-unbiased difference, interval, repeated intervals; a single arm's repeated intervals (44 trials)",
        "rpact 3.3.4 getAnalysisResults on rates (tests/reference/make_rpact_rates_stopping_refs.R)",
        "absolute 1e-6 (z: 1e-9)",
    );
    let refs: Value = serde_json::from_str(RPACT_RATES_STOPPING_REFS).expect("bundled references are JSON");
    for case in refs["cases"].as_array().into_iter().flatten() {
        let (Some(crit), Some(stage), Some(lo), Some(hi)) = (
            numbers(&case["critical_values"]),
            case["stage"].as_u64().map(|s| s as usize),
            numbers(&case["rci_lower"]),
            numbers(&case["rci_upper"]),
        ) else {
            continue;
        };
        let arm = |key: &str, a: usize| numbers(&case[key][a]).unwrap_or_default();
        let what = |x: &str| format!("{} groups, stage {stage} of {}: {x}", case["groups"], crit.len());
        let rci: Vec<Option<(f64, f64)>> = if case["groups"] == 2 {
            let (n1, x1, n0, x0) =
                (arm("sample_sizes", 0), arm("responders", 0), arm("sample_sizes", 1), arm("responders", 1));
            let t = |k: usize| TwoByTwo {
                x_treatment: x1[k] as u64,
                n_treatment: n1[k] as u64,
                x_control: x0[k] as u64,
                n_control: n0[k] as u64,
            };
            let counts: Vec<TwoByTwo> = (0..stage).map(t).collect();
            let z: Vec<f64> = counts.iter().map(|&t| farrington_manning(t, 0.0)).collect();
            for (k, want) in numbers(&case["z"]).unwrap_or_default().into_iter().enumerate() {
                c.close(&what(&format!("z at look {}", k + 1)), z.get(k).copied(), Some(want), 1e-9, 0.0);
            }
            let futility = numbers(&case["futility_bounds"]);
            let mut floor: Vec<f64> = futility.clone().unwrap_or_else(|| vec![f64::NEG_INFINITY; crit.len()]);
            floor.resize(stage, f64::NEG_INFINITY);
            let r = two_arm(&counts, &z, &crit[..stage], &floor, stage - 1, 0.025, 0.0);
            let got = r.map_or([None; 4], |r| [Some(r.p), Some(r.median_unbiased), Some(r.lower), Some(r.upper)]);
            for (g, key) in got.into_iter().zip(["p", "median_unbiased", "lower", "upper"]) {
                c.close(&what(key), g, case[key].as_f64(), 1e-6, 0.0);
            }
            let mut rci: Vec<Option<(f64, f64)>> = (0..stage).map(|k| two_arm_repeated(counts[k], crit[k])).collect();
            if let Some(f) = &futility {
                binding_corrections(&counts, f, &mut rci);
            }
            rci
        } else if case["normal_approximation"] == false && case["futility_bounds"].is_null() {
            let (n, x) = (arm("sample_sizes", 0), arm("responders", 0));
            (0..stage).map(|k| single_arm_repeated(x[k] as u32, n[k] as u32, crit[k])).collect()
        } else {
            continue;
        };
        for (k, r) in rci.iter().enumerate() {
            let at = what(&format!("repeated interval at look {}", k + 1));
            c.close(&at, r.map(|r| r.0), lo.get(k).copied(), 1e-6, 0.0);
            c.close(&at, r.map(|r| r.1), hi.get(k).copied(), 1e-6, 0.0);
        }
    }
    c
}

/// The Farrington–Manning test of a margin on the rate difference and its power.
pub fn farrington_manning() -> Check {
    use crate::design::analytic::{rates_patients, rates_power};
    use crate::stats::binary::{TwoByTwo, farrington_manning, restricted_rates};
    let mut c = Check::new(
        "Farrington–Manning non-inferiority test of response rates: restricted rates, z, power and patients",
        "rpact 3.3.4 .getFarringtonManningValues, getPowerRates, getSampleSizeRates (tests/reference/make_rpact_rates_refs.R)",
        "absolute 1e-9 (patients: relative 1e-6)",
    );
    let refs: Value = serde_json::from_str(RPACT_RATES_REFS).expect("bundled references are JSON");
    let n = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    for f in refs["farrington_manning"].as_array().into_iter().flatten() {
        let t = TwoByTwo {
            x_treatment: n(&f["x_treatment"]) as u64,
            n_treatment: n(&f["n_treatment"]) as u64,
            x_control: n(&f["x_control"]) as u64,
            n_control: n(&f["n_control"]) as u64,
        };
        let d = n(&f["null_difference"]);
        let (r1, r0) = (t.x_treatment as f64 / t.n_treatment as f64, t.x_control as f64 / t.n_control as f64);
        let (m1, m0) = restricted_rates(r1, r0, d, t.n_control as f64 / t.n_treatment as f64);
        c.close(&format!("{t:?} δ {d}: restricted treatment rate"), Some(m1), Some(n(&f["ml_treatment"])), 1e-9, 0.0);
        c.close(&format!("{t:?} δ {d}: restricted control rate"), Some(m0), Some(n(&f["ml_control"])), 1e-9, 0.0);
        c.close(&format!("{t:?} δ {d}: z"), Some(farrington_manning(t, d)), Some(n(&f["z"])), 1e-9, 0.0);
    }
    for p in refs["power"].as_array().into_iter().flatten() {
        let (p1, p0, d, size, r, a) = (
            n(&p["rate_treatment"]),
            n(&p["rate_control"]),
            n(&p["null_difference"]),
            n(&p["sample_size"]),
            n(&p["allocation_ratio"]),
            n(&p["alpha"]),
        );
        let w1 = r / (1.0 + r);
        let what = format!("{p1} vs {p0}, δ {d}, n {size}, ratio {r}");
        c.close(&format!("{what}: power"), Some(rates_power(a, p1, p0, d, size, w1)), Some(n(&p["power"])), 1e-9, 0.0);
        for (level, key) in [(0.8, "patients_80"), (0.9, "patients_90")] {
            let got = rates_patients(a, level, p1, p0, d, w1);
            c.close(&format!("{what}: {key}"), Some(got), Some(n(&p[key])), 0.0, 1e-6);
        }
    }
    c
}

fn golden() -> Check {
    let mut c = Check::new(
        "golden reports: 7 shipped scenarios at 2,000 trials, every byte of the JSON report (without timing)",
        "the reports pinned when this version was built (tests/golden/)",
        "identical bytes",
    );
    for (name, text, want) in GOLDEN {
        c.compared += 1;
        let file = format!("scenarios/{name}.toml");
        let s = match scenario::from_str(text, &file, &["study.replicates=2000".into()]) {
            Ok(s) => s,
            Err(e) => {
                c.failures.push(format!("{file}: {}", e.messages.join("; ")));
                continue;
            }
        };
        let summary = crate::engine::run(&s, 0..s.replicates(), |_| {});
        let report = crate::report::model::RunReport::new(&s, &summary, true);
        let got = crate::report::export::render(
            crate::report::export::Format::Json,
            crate::report::export::Report::Run(&report),
        );
        if got != *want {
            let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
            c.largest_deviation += 1.0;
            c.failures.push(format!("{name}: the report differs from the golden one (first at line {line})"));
        }
    }
    c
}

fn calibration() -> Check {
    let mut c = Check::new(
        "type I error under the null: log-rank at an event-driven cut, fixed and with 2 O'Brien–Fleming looks (4,000 trials each)",
        "the nominal one-sided level 0.025",
        "within 4 Monte Carlo standard errors (±0.0099)",
    );
    for (label, sets) in [("fixed design", vec![]), ("looks [0.5, 1]", vec!["analysis.looks=[0.5, 1.0]".to_string()])] {
        let mut sets = sets;
        sets.push("study.replicates=4000".into());
        let s = scenario::from_str(CANONICAL_NULL, "scenarios/null-efs-logrank.toml", &sets)
            .expect("the bundled null scenario is valid");
        let summary = crate::engine::run(&s, 0..s.replicates(), |_| {});
        let rate = summary.endpoints[0].rejections as f64 / s.replicates() as f64;
        let four_se = 4.0 * (0.025f64 * 0.975 / s.replicates() as f64).sqrt();
        c.close(&format!("{label}: type I error"), Some(rate), Some(0.025), four_se, 0.0);
    }
    c
}

/// The date and time now, UTC, as 2026-12-01T13:03:15Z.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    crate::report::model::utc_date(secs)
}

/// The report's model, for the formats to render.
pub fn report(v: &Verification) -> crate::report::model::VerifyReport {
    crate::report::model::VerifyReport {
        peritrial: v.version,
        date: v.date.clone(),
        platform: v.platform.clone(),
        threads: v.threads,
        seconds: v.seconds,
        passed: v.passed(),
        checks: v
            .checks
            .iter()
            .map(|c| crate::report::model::VerifyCheck {
                check: c.name.clone(),
                against: c.against.clone(),
                tolerance: c.tolerance.clone(),
                compared: c.compared,
                largest_deviation: c.largest_deviation,
                passed: c.passed(),
                failures: c.failures.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_civil() {
        assert_eq!(super::utc_now().len(), 20);
    }
}
