//! Each generator against closed forms, with fixed seeds and tolerances of 4 Monte Carlo
//! standard errors (binomial: sqrt(p(1 − p)/n)).

use peritrial::scenario::{self, Scenario};
use peritrial::simulate::{Marks, NO_EVENT, Patient, SimBuffers, Simulator, Trial};
use peritrial::stats::cox::{self, Cox, Ties};
use peritrial::stats::{Obs, RiskTable, sort_by_stratum_time};

const N: usize = 200_000;

/// A one-cohort scenario with the given event tables, N patients, every arm 1:1.
fn scenario_with(events: &str, extra: &str) -> Scenario {
    let text = format!(
        r#"
[study]
name = "generator test"
replicates = 1
seed = 99

[arms]
control = {{ allocation = 1 }}
rmhtnf = {{ allocation = 1 }}

[enrollment]
sample_size = {N}
accrual = {{ months = 24 }}

[cohorts.c]
share = 1.0
{events}

[endpoints.e]
kind = "time_to_event"
events = ["a"]
treatment = "rmhtnf"
control = "control"

[analysis]
cut = {{ month = 1000 }}
{extra}
"#
    );
    scenario::from_str(&text, "test", &[]).unwrap()
}

fn simulate_trial(s: &Scenario) -> Trial {
    let sim = Simulator::new(s);
    let mut out = Trial::default();
    sim.simulate_trial(0, &mut SimBuffers::default(), &mut out);
    out
}

fn simulate(s: &Scenario) -> Vec<Patient> {
    simulate_trial(s).patients
}

/// Asserts that the share of `hits` among `n` is within 4 MCSE of `p`.
fn assert_share(what: &str, hits: usize, n: usize, p: f64) {
    let got = hits as f64 / n as f64;
    let mcse = (p * (1.0 - p) / n as f64).sqrt();
    assert!((got - p).abs() <= 4.0 * mcse + 1e-12, "{what}: {got:.5} vs {p:.5} (4 MCSE {:.5})", 4.0 * mcse);
}

fn control(ps: &[Patient]) -> Vec<&Patient> {
    ps.iter().filter(|p| p.arm == 0).collect()
}

#[test]
fn exponential_median_and_milestones() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"exponential\"\nmedian_months = 24.0\nhazard_ratio = { rmhtnf = 0.5 }",
        "",
    );
    let ps = simulate(&s);
    let c = control(&ps);
    assert_share("S(24) control", c.iter().filter(|p| p.first_time > 24.0).count(), c.len(), 0.5);
    assert_share(
        "S(12) control",
        c.iter().filter(|p| p.first_time > 12.0).count(),
        c.len(),
        (-(2f64.ln()) / 2.0).exp(),
    );
    let t: Vec<&Patient> = ps.iter().filter(|p| p.arm == 1).collect();
    assert_share("S(24) treated, HR 0.5", t.iter().filter(|p| p.first_time > 24.0).count(), t.len(), 0.5f64.powf(0.5));
}

#[test]
fn weibull_median_and_survival() {
    let s = scenario_with("[cohorts.c.events.a]\ndistribution = \"weibull\"\nshape = 1.5\nmedian_months = 18.0", "");
    let ps = simulate(&s);
    assert_share("S(18)", ps.iter().filter(|p| p.first_time > 18.0).count(), ps.len(), 0.5);
    let scale = 18.0 / 2f64.ln().powf(1.0 / 1.5);
    assert_share(
        "S(30)",
        ps.iter().filter(|p| p.first_time > 30.0).count(),
        ps.len(),
        (-(30.0f64 / scale).powf(1.5)).exp(),
    );
}

#[test]
fn piecewise_exponential_survival() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"piecewise_exponential\"\nrates = [[0, 0.05], [6, 0.01], [24, 0.03]]",
        "",
    );
    let ps = simulate(&s);
    for (t, h) in [(3.0f64, 0.15f64), (6.0, 0.3), (12.0, 0.36), (30.0, 0.3 + 0.18 + 0.18)] {
        assert_share(&format!("S({t})"), ps.iter().filter(|p| p.first_time > t).count(), ps.len(), (-h).exp());
    }
}

#[test]
fn piecewise_hazard_ratio_delays_the_effect() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.04\nhazard_ratio = { rmhtnf = [[0, 1.0], [6, 0.5]] }",
        "",
    );
    let ps = simulate(&s);
    let t: Vec<&Patient> = ps.iter().filter(|p| p.arm == 1).collect();
    assert_share("S(6) treated", t.iter().filter(|p| p.first_time > 6.0).count(), t.len(), (-0.24f64).exp());
    assert_share(
        "S(18) treated",
        t.iter().filter(|p| p.first_time > 18.0).count(),
        t.len(),
        (-(0.24 + 0.5 * 0.04 * 12.0f64)).exp(),
    );
}

#[test]
fn cure_mixture() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"cure\"\ncure_fraction = { control = 0.3, rmhtnf = 0.5 }\nlatency = { distribution = \"exponential\", median_months = 10 }",
        "",
    );
    let ps = simulate(&s);
    let c = control(&ps);
    assert_share("never (control)", c.iter().filter(|p| p.first_cause == NO_EVENT).count(), c.len(), 0.3);
    assert_share("S(10) control", c.iter().filter(|p| p.first_time > 10.0).count(), c.len(), 0.3 + 0.7 * 0.5);
    let t: Vec<&Patient> = ps.iter().filter(|p| p.arm == 1).collect();
    assert_share("never (treated)", t.iter().filter(|p| p.first_cause == NO_EVENT).count(), t.len(), 0.5);
}

#[test]
fn competing_exponentials_shares_and_cumulative_incidence() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.02\n[cohorts.c.events.b]\ndistribution = \"exponential\"\nrate_per_month = 0.01\n[cohorts.c.events.death]\ndistribution = \"exponential\"\nrate_per_month = 0.005",
        "",
    );
    let ps = simulate(&s);
    let total = 0.035;
    for (cause, rate) in [(0u16, 0.02), (1, 0.01), (2, 0.005)] {
        assert_share(
            &format!("share of cause {cause}"),
            ps.iter().filter(|p| p.first_cause == cause).count(),
            ps.len(),
            rate / total,
        );
        for t in [12.0, 36.0] {
            let cif = rate / total * (1.0 - (-total * t).exp());
            assert_share(
                &format!("CIF of cause {cause} at {t}"),
                ps.iter().filter(|p| p.first_cause == cause && p.first_time <= t).count(),
                ps.len(),
                cif,
            );
        }
    }
}

#[test]
fn death_after_recurrence_resets_the_clock() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.05\n[cohorts.c.events.death]\ndistribution = \"exponential\"\nrate_per_month = 0.001\nafter_recurrence = { distribution = \"exponential\", median_months = 12.0 }",
        "",
    );
    let ps = simulate(&s);
    let rec: Vec<&Patient> = ps.iter().filter(|p| p.first_cause == 0).collect();
    assert_share(
        "death within 12 months of recurrence",
        rec.iter().filter(|p| p.death_time - p.first_time <= 12.0).count(),
        rec.len(),
        0.5,
    );
    assert!(rec.iter().all(|p| p.death_time > p.first_time));
}

#[test]
fn gamma_frailty_gives_the_marginal_survival() {
    // With a mean-1 gamma frailty of variance v: S(t) = (1 + v·H(t))^(−1/v).
    let s = scenario_with(
        "frailty_variance = 0.5\n[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.03",
        "",
    );
    let ps = simulate(&s);
    for t in [6.0f64, 24.0, 60.0] {
        let p = (1.0 + 0.5 * 0.03 * t).powf(-2.0);
        assert_share(&format!("S({t}) with frailty"), ps.iter().filter(|p| p.first_time > t).count(), ps.len(), p);
    }
}

#[test]
fn cox_recovers_the_hazard_ratio() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"weibull\"\nshape = 0.8\nmedian_months = 20\nhazard_ratio = { rmhtnf = 0.7 }",
        "",
    );
    let ps = simulate(&s);
    let mut obs: Vec<Obs> = ps
        .iter()
        .map(|p| {
            let c = 36.0;
            Obs { time: p.first_time.min(c), status: (p.first_time <= c) as u8, arm: p.arm, stratum: 0 }
        })
        .collect();
    sort_by_stratum_time(&mut obs);
    let Cox::Estimate { log_hr, se, .. } = cox::fit(&RiskTable::build(&obs, true), Ties::Efron) else {
        panic!("estimable")
    };
    assert!((log_hr - 0.7f64.ln()).abs() < 4.0 * se, "log HR {log_hr} vs {} (se {se})", 0.7f64.ln());
}

#[test]
fn block_randomisation_is_balanced_within_each_cohort() {
    let text = std::fs::read_to_string("scenarios/mixed-stratified.toml").unwrap();
    let s = scenario::from_str(&text, "mixed", &[]).unwrap();
    let ps = simulate(&s);
    for c in 0..2u16 {
        let mut diff: i64 = 0;
        for p in ps.iter().filter(|p| p.cohort == c) {
            diff += if p.arm == 1 { 1 } else { -1 };
            assert!(diff.abs() <= s.block_size() as i64 / 2, "imbalance {diff} in cohort {c}");
        }
    }
    assert_share("gastric share", ps.iter().filter(|p| p.cohort == 0).count(), ps.len(), 0.5);
}

#[test]
fn unequal_allocation_follows_the_ratio() {
    let s = scenario_with("[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.03", "");
    let s = scenario::from_str(
        &scenario::to_toml(&s),
        "t",
        &["arms.rmhtnf.allocation=2".into(), "enrollment.block_size=6".into()],
    )
    .unwrap();
    let ps = simulate(&s);
    let treated = ps.iter().filter(|p| p.arm == 1).count();
    // Permuted blocks of 6 (2 control, 4 treated): exact up to the last, partial block.
    assert!((treated as f64 - ps.len() as f64 * 2.0 / 3.0).abs() <= 4.0);
}

#[test]
fn accrual_timing() {
    let s = scenario_with("[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.03", "");
    let ps = simulate(&s);
    assert_share("entered by month 6 (uniform over 24)", ps.iter().filter(|p| p.entry <= 6.0).count(), ps.len(), 0.25);
    let s = scenario::from_str(
        &scenario::to_toml(&s),
        "t",
        &["enrollment.accrual={ rates = [[0, 1000], [6, 3000]] }".into()],
    )
    .unwrap();
    let ps = simulate(&s);
    // Poisson arrivals: 6,000 by month 6, then 3,000 a month: patient 6,000 + 3,000·k enters near 6 + k.
    let mut entries: Vec<f64> = ps.iter().map(|p| p.entry).collect();
    entries.sort_by(f64::total_cmp);
    for (k, month) in [(6_000usize, 6.0), (36_000, 16.0), (150_000, 54.0)] {
        // The k-th arrival time of a Poisson process: sd = sqrt(k)/rate.
        let sd = (k as f64).sqrt() / if month <= 6.0 { 1000.0 } else { 3000.0 };
        assert!((entries[k - 1] - month).abs() < 4.0 * sd + 0.01, "arrival {k}: {} vs {month}", entries[k - 1]);
    }
}

#[test]
fn dropout_response_and_adverse_event_rates() {
    let s = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.03\n[cohorts.c.responses.r]\nprobability = { control = 0.2, rmhtnf = 0.35 }\n[cohorts.c.adverse_events.fever]\nprobability = { control = 0.1, rmhtnf = 0.369 }\ngrade3_share = 0.2",
        "",
    );
    let s = scenario::from_str(&scenario::to_toml(&s), "t", &["dropout.hazard_per_month=0.01".into()]).unwrap();
    let trial = simulate_trial(&s);
    let ps = &trial.patients;
    assert_share(
        "dropout by 12 months",
        ps.iter().filter(|p| p.dropout <= 12.0).count(),
        ps.len(),
        1.0 - (-0.12f64).exp(),
    );
    let by_arm =
        |arm: u8| -> Vec<Marks> { (0..ps.len()).filter(|&j| ps[j].arm == arm).map(|j| trial.marks(j)).collect() };
    let (t, c) = (by_arm(1), by_arm(0));
    assert_share("response (treated)", t.iter().filter(|m| m.responses & 1 != 0).count(), t.len(), 0.35);
    assert_share("response (control)", c.iter().filter(|m| m.responses & 1 != 0).count(), c.len(), 0.2);
    assert_share("fever (treated)", t.iter().filter(|m| m.adverse & 1 != 0).count(), t.len(), 0.369);
    assert_share("grade 3 fever (treated)", t.iter().filter(|m| m.adverse_g3 & 1 != 0).count(), t.len(), 0.369 * 0.2);
}

#[test]
fn common_random_numbers_raising_a_hazard_ratio_never_delays_an_event() {
    let base = scenario_with(
        "[cohorts.c.events.a]\ndistribution = \"weibull\"\nshape = 1.3\nmedian_months = 20\nhazard_ratio = { rmhtnf = [[0, 1.0], [6, 0.6]] }",
        "",
    );
    let higher = scenario::from_str(
        &scenario::to_toml(&base),
        "t",
        &["cohorts.c.events.a.hazard_ratio.rmhtnf=[[0, 1.0], [6, 0.8]]".into()],
    )
    .unwrap();
    let (a, b) = (simulate(&base), simulate(&higher));
    assert_eq!(a.len(), b.len());
    let mut earlier = 0;
    for (p, q) in a.iter().zip(&b) {
        assert_eq!((p.entry, p.arm, p.cohort), (q.entry, q.arm, q.cohort));
        assert!(q.first_time <= p.first_time);
        earlier += (q.first_time < p.first_time) as usize;
    }
    assert!(earlier > 0);
}

#[test]
fn common_random_numbers_adding_patients_keeps_the_first_ones() {
    let s = scenario_with("[cohorts.c.events.a]\ndistribution = \"exponential\"\nrate_per_month = 0.03", "");
    let small = scenario::from_str(&scenario::to_toml(&s), "t", &["enrollment.sample_size=500".into()]).unwrap();
    let large = scenario::from_str(&scenario::to_toml(&s), "t", &["enrollment.sample_size=800".into()]).unwrap();
    let (a, b) = (simulate(&small), simulate(&large));
    for (p, q) in a.iter().zip(&b) {
        assert_eq!(
            (p.cohort, p.arm, p.first_time, p.first_cause, p.dropout),
            (q.cohort, q.arm, q.first_time, q.first_cause, q.dropout)
        );
    }
}

/// Switching at recurrence: a control patient whose first event is not death switches with the
/// scenario's probability (4 MCSE), nobody else does; a switcher's residual survival after the
/// recurrence is exactly the non-switcher's (the same draw) divided by the switch's hazard
/// ratio for an exponential after-recurrence hazard; and a scenario whose switching probability
/// is 0 draws every patient as one without switching, bit for bit.
#[test]
fn switching_at_recurrence_scales_the_same_residual_survival() {
    let events = |switching: &str| {
        format!(
            r#"
[cohorts.c.events.a]
distribution = "exponential"
median_months = 20.0

[cohorts.c.events.death]
distribution = "exponential"
median_months = 200.0
after_recurrence = {{ distribution = "exponential", median_months = 12.0 }}
{switching}
"#
        )
    };
    let plain = simulate(&scenario_with(&events(""), ""));
    let with = |p: f64| {
        simulate(&scenario_with(
            &events(&format!("[cohorts.c.switching]\nprobability = {{ control = {p} }}\ndeath_hazard_ratio = 0.5")),
            "",
        ))
    };
    let (none, some) = (with(0.0), with(0.4));
    assert_eq!(plain, none, "switching with probability 0 changes nothing");
    let (mut eligible, mut switched) = (0usize, 0usize);
    for (p, q) in plain.iter().zip(&some) {
        assert_eq!(
            (p.entry, p.arm, p.first_time, p.first_cause, p.dropout),
            (q.entry, q.arm, q.first_time, q.first_cause, q.dropout)
        );
        let recurred = p.first_cause == 0;
        if !(recurred && p.arm == 0) {
            assert!(!q.switched && p.death_time == q.death_time);
            continue;
        }
        eligible += 1;
        if q.switched {
            switched += 1;
            let (a, b) = (p.death_time - p.first_time, q.death_time - q.first_time);
            assert!((b - a / 0.5).abs() <= 1e-9 * b, "residual {a} → {b}");
        } else {
            assert_eq!(p.death_time, q.death_time);
        }
    }
    assert!(eligible > 20_000);
    assert_share("switching at recurrence", switched, eligible, 0.4);
}
