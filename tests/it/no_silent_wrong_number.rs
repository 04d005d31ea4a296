//! Regression tests for plausible-looking wrong numbers with exit code 0: each test is named
//! after what it pins, and runs the real binary.

use serde_json::Value;

const CANONICAL: &str = "scenarios/two-arm-efs-logrank.toml";

fn peritrial(args: &[&str]) -> std::process::Output {
    crate::helpers::peritrial().args(args).output().unwrap()
}

fn run_json(args: &[&str]) -> (Value, String) {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "--quiet"]);
    let out = peritrial(&all);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Item 2: a look at information 0.03 or 0.05 with O'Brien–Fleming alpha spending has no
/// efficacy test (the spending underflows, as in rpact) and rpact's futility bound (−6 and
/// −4.986 with bsOF, −1.835 with bsP at 0.03): it must not stop every trial for futility.
#[test]
fn early_futility_looks_keep_the_power_of_the_design() {
    for (t, bs, want) in
        [("0.03", "obrien_fleming", -6.0), ("0.05", "obrien_fleming", -4.98610), ("0.03", "pocock", -1.83498)]
    {
        let (v, _) = run_json(&[
            CANONICAL,
            "--replicates",
            "1000",
            "--set",
            &format!("analysis.looks=[{t}, 1.0]"),
            "--set",
            &format!("analysis.futility={{ beta_spending = \"{bs}\", beta = 0.2 }}"),
        ]);
        let e = &v["endpoints"]["efs"];
        let f = e["looks"][0]["futility_z"].as_f64().expect("a futility bound");
        assert!((f - want).abs() < 1e-4, "t {t} {bs}: futility bound {f}, rpact {want}");
        // Power without the look is 0.863 (MCSE 0.011 at 1,000 trials); the look stops at most
        // a few percent of trials.
        let p = e["power"].as_f64().unwrap();
        assert!(p > 0.80, "t {t} {bs}: power {p}");
    }
}

/// Item 2: a design whose futility bound meets its efficacy bound is refused, as rpact does.
#[test]
fn a_futility_bound_that_meets_the_efficacy_bound_is_refused() {
    let out = peritrial(&[
        "validate",
        CANONICAL,
        "--set",
        "analysis.looks=[0.99, 1.0]",
        "--set",
        "analysis.futility={ beta_spending = \"pocock\" }",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("analysis.futility") && err.contains("within 0.01 of the efficacy bound"), "{err}");
}

/// Item 5: an event target the trials do not reach is counted and said, in JSON, on stderr
/// and in the table; the analytic companion then uses the events the trials had.
#[test]
fn an_unreached_event_target_is_reported_in_every_output() {
    let (v, stderr) = run_json(&[CANONICAL, "--replicates", "200", "--set", "analysis.cut.events=600"]);
    assert_eq!(v["analysis"]["cut_target_not_reached"], 200);
    let w = v["warnings"].as_array().unwrap();
    assert!(w.iter().any(|w| w.as_str().unwrap().contains("not reached in 200 of 200")), "{w:?}");
    assert!(stderr.contains("warning: the cut's target of 600 efs events was not reached"), "{stderr}");
    assert_eq!(v["endpoints"]["efs"]["analytic"]["events_source"], "simulated_mean");
    let out = peritrial(&["run", CANONICAL, "--replicates", "200", "--set", "analysis.cut.events=600", "--quiet"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("warning: the cut's target of 600 efs events was not reached in 200 of 200"), "{table}");
    assert!(!table.contains("analytic at 600 events"), "{table}");
    // A reachable target has no warning, and the count is 0.
    let (v, stderr) = run_json(&[CANONICAL, "--replicates", "200"]);
    assert_eq!(v["analysis"]["cut_target_not_reached"], 0);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// Item 5: a look whose event target is not reached is counted per look.
#[test]
fn an_unreached_look_target_is_counted_per_look() {
    // A hazard that stops after month 6: few events, so neither look target (of 300) is reached.
    let (v, _) = run_json(&[
        CANONICAL,
        "--replicates",
        "100",
        "--set",
        "cohorts.gastric.events.peritoneal_metastasis={ distribution = \"piecewise_exponential\", rates = [[0, 0.01], [6, 1e-9]], hazard_ratio = { rmhtnf = 0.7 } }",
        "--set",
        "analysis.looks=[0.5, 1.0]",
    ]);
    let looks = v["endpoints"]["efs"]["looks"].as_array().unwrap();
    assert_eq!(looks[0]["target_not_reached"], 100);
    assert_eq!(v["analysis"]["cut_target_not_reached"], 100);
    assert!(v["warnings"].as_array().unwrap().len() >= 2);
}

fn refused(args: &[&str], must_name: &[&str]) {
    let out = peritrial(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    for m in must_name {
        assert!(err.contains(m), "{args:?}: the error does not name {m:?}: {err}");
    }
}

/// Item 7: derived quantities that are infinite or out of range are refused, naming the value
/// the user gave.
#[test]
fn derived_infinities_are_refused_naming_the_users_value() {
    let ev = "cohorts.gastric.events.peritoneal_metastasis";
    refused(
        &[
            "validate",
            CANONICAL,
            "--set",
            &format!("{ev}={{ distribution = \"exponential\", median_months = 5e-324 }}"),
        ],
        &["median_months", "rate of inf"],
    );
    refused(
        &[
            "validate",
            CANONICAL,
            "--set",
            &format!("{ev}={{ distribution = \"exponential\", rate_per_month = 1e-300 }}"),
        ],
        &["rate_per_month"],
    );
    refused(
        &[
            "validate",
            CANONICAL,
            "--set",
            &format!("{ev}={{ distribution = \"weibull\", shape = 1e-4, median_months = 24 }}"),
        ],
        &["median_months", "shape = 0.0001", "Weibull scale of inf"],
    );
    refused(
        &[
            "validate",
            CANONICAL,
            "--set",
            &format!("{ev}={{ distribution = \"weibull\", shape = 0.01, scale_months = 24 }}"),
        ],
        &["scale_months"],
    );
    refused(
        &["validate", CANONICAL, "--set", "enrollment.accrual={ rates = [[0, 1e-300]] }"],
        &["enrollment.accrual.rates", "months on average"],
    );
    // A sensible Weibull and a slow but finite accrual are accepted.
    for ok in [
        format!("{ev}={{ distribution = \"weibull\", shape = 0.5, median_months = 24 }}"),
        "enrollment.accrual={ rates = [[0, 0.1]] }".to_string(),
    ] {
        let out = peritrial(&["validate", CANONICAL, "--set", &ok]);
        assert!(out.status.success(), "{ok}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Item 8: Holm and Bonferroni need p-values, which Simon's design does not give: refused.
#[test]
fn holm_or_bonferroni_with_a_simon_endpoint_is_refused() {
    for method in ["holm", "bonferroni"] {
        refused(
            &[
                "validate",
                "scenarios/pm-orr-simon.toml",
                "--set",
                "endpoints.orr2={ kind = \"binary\", response = \"objective_response\", test = \"exact_binomial\", null_rate = 0.2, treatment = \"rmhtnf\" }",
                "--set",
                &format!("analysis.multiplicity={{ method = \"{method}\", endpoints = [\"orr\", \"orr2\"] }}"),
            ],
            &["analysis.multiplicity.endpoints", "Simon"],
        );
    }
}

/// Item 6: `size` detects plateaus and unreachable targets, refuses paths that are not counts,
/// and never answers a value whose event target is missed.
#[test]
fn size_says_when_the_target_cannot_be_reached() {
    // Varying the sample size under an event-driven cut: power does not move.
    refused(
        &["size", CANONICAL, "--endpoint", "efs", "--target-power", "0.9", "--vary", "enrollment.sample_size"],
        &["power does not rise with enrollment.sample_size"],
    );
    // A hazard ratio of 1 under a calendar cut: power stays at alpha.
    refused(
        &[
            "size",
            CANONICAL,
            "--set",
            "analysis.cut={ month = 48 }",
            "--set",
            "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=1.0",
            "--endpoint",
            "efs",
            "--target-power",
            "0.9",
        ],
        &["cannot be reached"],
    );
    // Simon's design: its cut-offs fix its sample size (at another one they have another
    // level), so size refuses to vary it and names the command that designs one.
    refused(
        &["size", "scenarios/pm-orr-simon.toml", "--endpoint", "orr", "--target-power", "0.99"],
        &["Simon's two-stage design fixes its sample size", "peritrial simon"],
    );
    // 0.98 needs more events than 600 patients give: no answer from trials that missed the cut.
    refused(&["size", CANONICAL, "--endpoint", "efs", "--target-power", "0.98"], &["do not reach their event target"]);
    // Not a count.
    refused(
        &["size", CANONICAL, "--endpoint", "efs", "--target-power", "0.9", "--vary", "study.seed"],
        &["--vary study.seed"],
    );
}

/// Every format of `size` is what it says: CSV is one row per evaluation, the answer marked,
/// and agrees with the JSON answer.
#[test]
fn size_writes_each_format_it_is_asked_for() {
    let args = ["size", CANONICAL, "--endpoint", "efs", "--target-power", "0.8", "--replicates", "800"];
    let json = peritrial(&[&args[..], &["--format", "json"]].concat());
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let csv = peritrial(&[&args[..], &["--format", "csv"]].concat());
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    let mut rows = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(text.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        ["parameter", "value", "replicates", "power", "target_not_reached", "answer"]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), v["evaluations"].as_array().unwrap().len());
    let answer: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[5] == "true").collect();
    assert_eq!(answer.len(), 1);
    assert_eq!(answer[0][1], v["value"].to_string());
    assert_eq!(answer[0][3].parse::<f64>().unwrap(), v["power"].as_f64().unwrap());
    let table = peritrial(&[&args[..], &["--format", "table"]].concat());
    assert!(
        String::from_utf8_lossy(&table.stdout).contains(&format!("analysis.cut.events = {} reaches power", v["value"]))
    );
}

/// Items 4 and 6: with looks, the analytic companion and the start of `size` are those of the
/// group-sequential design; the answer comes with the fit's interval, which holds it.
#[test]
fn size_with_looks_starts_from_the_group_sequential_companion() {
    let out = peritrial(&[
        "size",
        CANONICAL,
        "--set",
        "analysis.looks=[0.5, 1.0]",
        "--endpoint",
        "efs",
        "--target-power",
        "0.9",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["analytic"]["method"], "schoenfeld + group_sequential");
    // Fixed design 331; O'Brien–Fleming at 0.5 inflates by 0.3% (rpact 331.4 → 332.4).
    assert_eq!(v["analytic"]["value"], 332);
    let (lo, hi) = (v["interval_95"][0].as_f64().unwrap(), v["interval_95"][1].as_f64().unwrap());
    let value = v["value"].as_f64().unwrap();
    assert!(lo <= value && value <= hi + 1.0 && hi - lo < 20.0, "{value} in [{lo}, {hi}]");
    assert!((value - 332.0).abs() <= 20.0);
    // The run's companion says what it assumes.
    let (r, _) = run_json(&[CANONICAL, "--replicates", "200", "--set", "analysis.looks=[0.5, 1.0]"]);
    let a = &r["endpoints"]["efs"]["analytic"];
    assert!(a["group_sequential_power"].as_f64().unwrap() < a["schoenfeld_power"].as_f64().unwrap());
    assert!(a["assumes"].as_str().unwrap().starts_with("group-sequential: 2 looks"));
}

fn analyze_csv(text: &str) -> (Option<i32>, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("data.csv");
    std::fs::write(&f, text).unwrap();
    let out = peritrial(&["analyze", "--format", "json", f.to_str().unwrap()]);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), v, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Item 9: two-sample tests on one arm or without events are "not estimable" with a true
/// reason, never p = 1; a duplicated header is an error; a BOM is accepted.
#[test]
fn analyze_says_not_estimable_on_degenerate_data() {
    let (code, v, _) = analyze_csv("time,status,arm\n1,1,1\n2,0,1\n3,1,1\n");
    assert_eq!(code, Some(0));
    for k in ["logrank", "fh_rho1", "maxcombo", "cox_efron", "cox_breslow"] {
        assert_eq!(v[k]["estimable"], false, "{k}: {}", v[k]);
        assert!(v[k]["reason"].as_str().unwrap().contains("no control (arm 0) patients"), "{k}");
        assert!(v[k].get("p_value").is_none() && v[k].get("p_one_sided").is_none(), "{k}");
    }
    let (_, v, _) = analyze_csv("time,status,arm\n1,0,1\n2,0,0\n3,0,1\n");
    assert_eq!(v["logrank"]["estimable"], false);
    assert!(v["logrank"]["reason"].as_str().unwrap().contains("no events"));
    // One event per arm, both at risk: estimable, and the Cox reason is never "no events".
    let (_, v, _) = analyze_csv("time,status,arm\n1,1,1\n2,1,0\n3,0,1\n4,0,0\n");
    assert_eq!(v["logrank"]["estimable"], true);
    assert_eq!(v["cox_efron"]["estimable"], true);
    let (code, _, err) = analyze_csv("time,status,arm,time\n1,0,1,2\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("names column \"time\" twice"), "{err}");
    let (code, v, err) = analyze_csv("\u{feff}time,status,arm\n1,1,1\n2,1,0\n3,0,1\n4,0,0\n");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["n"], 4);
}

/// Item 10: chi_square takes continuity_correction (R's prop.test(correct = TRUE)); the
/// default stays the uncorrected test, and show says which.
#[test]
fn chi_square_continuity_correction_is_a_choice_shown_in_the_scenario() {
    let out = peritrial(&["show", "scenarios/mixed-stratified.toml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("chi_square") {
        assert!(text.contains("continuity_correction = false"), "{text}");
    }
    refused(
        &[
            "validate",
            "scenarios/pm-orr-simon.toml",
            "--set",
            "endpoints.orr.test=\"chi_square\"",
            "--set",
            "endpoints.orr.continuity_correction=1",
        ],
        &["continuity_correction"],
    );
}

/// Item 3: under a calendar cut, an interim look defined by information comes when the
/// monitored endpoint reaches its share of the *planned* events (those expected at the final
/// cut, computed once from the scenario), and spends alpha at its observed events over the
/// planned ones: the first look's boundary is a function of its own events only, never of the
/// trial's final event count (which a real trial does not know at the look).
#[test]
fn looks_under_a_calendar_cut_use_only_what_is_known_at_the_look() {
    use peritrial::analyze::{Plan, look};
    use peritrial::scenario::{Spending, load};
    use peritrial::stats::spending;
    let s =
        load(std::path::Path::new("scenarios/gastric-adjuvant.toml"), &["analysis.looks=[0.5, 1.0]".into()]).unwrap();
    let planned = Plan::new(&s).planning.events[0];
    // The expected EFS events at month 60, from the planning simulation (150.5 here; the
    // simulated trials have 150.7 on average at the cut).
    assert!((planned - 150.5).abs() < 3.0, "planned EFS events {planned}");
    let target = (0.5 * planned).ceil();
    let (mut trials, mut by_final) = (0u64, std::collections::BTreeMap::<i64, Vec<f64>>::new());
    let alpha = s.analysis().multiplicity.as_ref().unwrap().alpha;
    peritrial::engine::run_observed(
        &s,
        0..400,
        |_| {},
        |layout, record| {
            let b = layout.looks;
            assert_eq!(record[b + look::REACHED], 1.0);
            let d1 = record[b + look::EVENTS];
            assert_eq!(d1, target, "look 1 at ceil(0.5 x planned) events");
            let want =
                peritrial::stats::normal::quantile(1.0 - spending::spent(Spending::OBrienFleming, alpha, d1 / planned));
            let c1 = record[b + look::BOUNDARY];
            assert!((c1 - want).abs() < 1e-9, "look 1 boundary {c1}, spent at {d1}/{planned}: {want}");
            let stopped = record[peritrial::analyze::global::STOP_LOOK] == 1.0;
            if !stopped {
                by_final.entry(record[b + look::COUNT + look::EVENTS] as i64).or_default().push(c1);
            }
            trials += 1;
        },
    );
    assert_eq!(trials, 400);
    // Trials with different final event counts share the same first boundary.
    assert!(by_final.len() > 10, "final event counts vary");
    let firsts: std::collections::BTreeSet<u64> = by_final.values().flatten().map(|c| c.to_bits()).collect();
    assert_eq!(firsts.len(), 1, "the first look's boundary depends on the final events: {firsts:?}");
}

/// Item 3: looks at calendar months (`looks = { months = [...] }`) happen at those months, the
/// report gives their planned information, and they are refused where they cannot be.
#[test]
fn looks_at_calendar_months_happen_at_those_months() {
    let (v, _) = run_json(&[
        "scenarios/gastric-adjuvant.toml",
        "--replicates",
        "500",
        "--set",
        "analysis.looks={ months = [30, 45] }",
    ]);
    let looks = v["endpoints"]["efs"]["looks"].as_array().unwrap();
    assert_eq!(looks.len(), 3);
    assert_eq!(looks[0]["cut_month"].as_f64(), Some(30.0));
    assert_eq!(looks[0]["month"].as_f64(), Some(30.0));
    let f1 = looks[0]["information"].as_f64().unwrap();
    let f2 = looks[1]["information"].as_f64().unwrap();
    assert!(0.2 < f1 && f1 < f2 && f2 < 1.0, "planned information {f1}, {f2}");
    assert_eq!(looks[2]["information"].as_f64(), Some(1.0));
    assert!(v["analysis"]["planned_events"]["events"]["efs"].as_f64().is_some());
    assert!(v["endpoints"]["efs"]["analytic"]["assumes"].as_str().unwrap().contains("group-sequential"));
    let show = peritrial(&["show", "scenarios/gastric-adjuvant.toml", "--set", "analysis.looks={ months = [30, 45] }"]);
    assert!(String::from_utf8_lossy(&show.stdout).contains("looks = { months = [30.0, 45.0] }"));
    refused(
        &["validate", "scenarios/gastric-adjuvant.toml", "--set", "analysis.looks={ months = [30, 60] }"],
        &["analysis.looks.months", "before the final analysis at month 60"],
    );
    refused(
        &["validate", "scenarios/gastric-adjuvant.toml", "--set", "analysis.looks={ months = [40, 30] }"],
        &["analysis.looks.months", "increase strictly"],
    );
    refused(
        &["validate", "scenarios/gastric-adjuvant.toml", "--set", "analysis.looks={ weeks = [3] }"],
        &["analysis.looks"],
    );
    refused(
        &["validate", "scenarios/pm-orr-simon.toml", "--set", "analysis.looks=[0.5, 1.0]"],
        &["analysis.looks", "Simon's two-stage design has its own stages"],
    );
    // Responses at looks: the two-arm z only, looks by fractions, no time-to-event machinery.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("scenarios/noninferiority-response.toml").unwrap();
    let superiority = text.replace("null_difference = -0.12", "");
    for (name, scenario, set, says) in [
        (
            "fisher",
            superiority.replace("test = \"chi_square\"", "test = \"fisher\""),
            "analysis.looks=[0.5, 1.0]",
            "Fisher's exact test has no standard normal statistic",
        ),
        (
            "yates",
            superiority.replace("test = \"chi_square\"", "test = \"chi_square\"\ncontinuity_correction = true"),
            "analysis.looks=[0.5, 1.0]",
            "continuity-corrected",
        ),
        ("months", text.clone(), "analysis.looks={ months = [6] }", "fractions of the planned assessed patients"),
        (
            "cp",
            text.replace("[analysis]", "[analysis]\nfutility = { conditional_power = 0.1 }"),
            "analysis.looks=[0.5, 1.0]",
            "conditional-power futility rule is for time to event",
        ),
    ] {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, scenario).unwrap();
        let path = path.to_string_lossy().into_owned();
        refused(&["validate", &path, "--set", set], &["analysis.", says]);
    }
    refused(
        &[
            "validate",
            "scenarios/ascites-dcr-single-arm.toml",
            "--set",
            "analysis.looks=[0.5, 1.0]",
            "--set",
            "analysis.futility={ beta_spending = \"obrien_fleming\", beta = 0.2 }",
        ],
        &["analysis.looks", "take a z futility rule on the exact p-value's z scale"],
    );
}

/// Item 3: a look whose calendar month comes after the final cut (here a follow-up cut that
/// ends earlier) does not happen, and every output says so.
#[test]
fn a_month_look_after_the_final_cut_is_reported() {
    let (v, stderr) = run_json(&[
        "scenarios/gastric-adjuvant.toml",
        "--replicates",
        "200",
        "--set",
        "analysis.cut={ min_follow_up_months = 6 }",
        "--set",
        "analysis.looks={ months = [24, 200] }",
    ]);
    let looks = v["endpoints"]["efs"]["looks"].as_array().unwrap();
    assert!(looks[1]["target_not_reached"].as_u64().unwrap() > 0);
    let w = v["warnings"].as_array().unwrap();
    assert!(w.iter().any(|w| w.as_str().unwrap().contains("look 2's month (200)")), "{w:?}");
    assert!(stderr.contains("look 2's month (200)"), "{stderr}");
}

/// A graph that would spend more than the family's alpha, or that the procedure does not read,
/// is refused where it is written: weights summing above 1, a row of transitions passing on
/// more than the endpoint's weight, a loop onto itself, a matrix of the wrong shape, a weight
/// outside [0, 1], and weights or transitions given to a method that ignores them.
#[test]
fn graphs_that_do_not_control_the_family_error_are_refused() {
    let family = "method = \"graphical\", endpoints = [\"efs\", \"pfs\", \"os\"]";
    let cases: [(String, &[&str]); 7] = [
        (
            format!("{{ {family}, weights = [0.5, 0.5, 0.2], transitions = [[0, 1, 0], [0, 0, 1], [1, 0, 0]] }}"),
            &["analysis.multiplicity.weights", "sum to 1.2"],
        ),
        (
            format!("{{ {family}, weights = [0.5, 0.5, 0], transitions = [[0, 0.7, 0.7], [0, 0, 1], [1, 0, 0]] }}"),
            &["analysis.multiplicity.transitions[0]", "sums to 1.4"],
        ),
        (
            format!("{{ {family}, weights = [0.5, 0.5, 0], transitions = [[0.5, 0.5, 0], [0, 0, 1], [1, 0, 0]] }}"),
            &["analysis.multiplicity.transitions[0]", "to itself"],
        ),
        (
            format!("{{ {family}, weights = [0.5, 0.5, 0], transitions = [[0, 1], [1, 0]] }}"),
            &["analysis.multiplicity.transitions", "3 rows"],
        ),
        (
            format!("{{ {family}, weights = [1.5, -0.5, 0], transitions = [[0, 1, 0], [0, 0, 1], [1, 0, 0]] }}"),
            &["analysis.multiplicity.weights[0]", "[0, 1]"],
        ),
        (format!("{{ {family}, weights = [0.5, 0.5, 0] }}"), &["analysis.multiplicity.transitions", "needs"]),
        (
            "{ method = \"holm\", endpoints = [\"efs\", \"pfs\", \"os\"], weights = [0.5, 0.5, 0] }".into(),
            &["analysis.multiplicity.weights", "does not read", "fallback and graphical"],
        ),
    ];
    for (graph, want) in cases {
        refused(
            &["validate", "scenarios/gastric-adjuvant.toml", "--set", &format!("analysis.multiplicity={graph}")],
            want,
        );
    }
    // A sound graph is accepted, and `show` writes it back.
    let out = peritrial(&[
        "show",
        "scenarios/gastric-adjuvant.toml",
        "--set",
        &format!(
            "analysis.multiplicity={{ {family}, weights = [0.8, 0, 0.2], transitions = [[0, 0.5, 0.5], [0, 0, 1], [1, 0, 0]] }}"
        ),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("weights = [0.8, 0.0, 0.2]") && text.contains("transitions = [[0.0, 0.5, 0.5]"), "{text}");
}

/// A non-inferiority endpoint's `--null` is at its margin (HR = θ0), not at HR = 1, where the
/// margin test rejects most of the time: the type I error it reports is near α; a null that
/// cannot be put at the margin (a frailty, a cause shared with a superiority endpoint) is
/// refused with the reason; the hazard-ratio boundary is on the margin's scale.
#[test]
fn a_non_inferiority_null_is_at_its_margin() {
    let (v, _) = run_json(&["scenarios/noninferiority-efs.toml", "--replicates", "4000", "--null"]);
    let null = &v["null"];
    let t = null["endpoints"]["efs"]["type_one_error"].as_f64().expect("a type I error");
    assert!((t - 0.025).abs() < 4.0 * (0.025f64 * 0.975 / 4000.0).sqrt(), "type I error at the margin {t}");
    assert!(null["null"].to_string().contains("1.3 times control"), "{}", null["null"]);
    let power = v["endpoints"]["efs"]["power"].as_f64().unwrap();
    assert!(power > 0.6, "power of the non-inferiority design at HR 1: {power}");
    let hr = v["endpoints"]["efs"]["looks"][1]["boundary_hazard_ratio"].as_f64().unwrap();
    assert!(hr > 1.0 && hr < 1.3, "final boundary on the hazard-ratio scale {hr}");
    refused(
        &[
            "run",
            "scenarios/noninferiority-efs.toml",
            "--null",
            "--quiet",
            "--set",
            "cohorts.gastric.frailty_variance=0.3",
        ],
        &["--null", "efs", "frailty"],
    );
    refused(
        &[
            "run",
            "scenarios/noninferiority-efs.toml",
            "--null",
            "--quiet",
            "--set",
            "endpoints.efs2={ kind = \"time_to_event\", events = [\"peritoneal_metastasis\"], test = \"logrank\", treatment = \"short\", control = \"standard\" }",
        ],
        &["--null", "share the cause"],
    );
    refused(
        &["validate", "scenarios/noninferiority-efs.toml", "--set", "endpoints.efs.test=\"maxcombo\""],
        &["endpoints.efs.null_hazard_ratio", "logrank, stratified_logrank and cox"],
    );
}

/// A non-inferiority margin on the rate difference: `--null` puts the treatment's response
/// probability at control's plus the margin (where the Farrington–Manning test has level α),
/// the report says the test and the margin and gives the test's closed form; a margin with a
/// test that cannot test it, a margin above 0, and a null that would need a negative
/// probability are refused with the dotted path or the reason.
#[test]
fn a_rate_difference_margin_is_tested_and_its_null_is_at_the_margin() {
    let ni = "scenarios/noninferiority-response.toml";
    let (v, _) = run_json(&[ni, "--replicates", "4000", "--null"]);
    let null = &v["null"];
    let t = null["endpoints"]["dcr"]["type_one_error"].as_f64().expect("a type I error");
    assert!((t - 0.025).abs() < 4.0 * (0.025f64 * 0.975 / 4000.0).sqrt(), "type I error at the margin {t}");
    assert!(null["null"].to_string().contains("0.12 below control"), "{}", null["null"]);
    let power = v["endpoints"]["dcr"]["power"].as_f64().unwrap();
    let analytic = &v["endpoints"]["dcr"]["analytic"];
    assert_eq!(analytic["method"], "farrington_manning", "{analytic}");
    let a = analytic["power"].as_f64().unwrap();
    assert!((power - a).abs() < 4.0 * (a * (1.0 - a) / 4000.0).sqrt() + 0.01, "simulated {power} vs analytic {a}");
    assert!(v.to_string().contains("Farrington–Manning score test of non-inferiority"), "the design says its test");
    // Dropout before the assessment counts as no response: the companion follows it (its rates
    // are those counted), the reports warn, and the null at the margin shows the inflation.
    let (d, _) = run_json(&[ni, "--replicates", "4000", "--null", "--set", "dropout={ hazard_per_month = 0.1 }"]);
    let (sim, ana) = (
        d["endpoints"]["dcr"]["power"].as_f64().unwrap(),
        d["endpoints"]["dcr"]["analytic"]["power"].as_f64().unwrap(),
    );
    assert!(
        (sim - ana).abs() < 4.0 * (ana * (1.0 - ana) / 4000.0).sqrt() + 0.01,
        "with dropout: simulated {sim} vs analytic {ana}"
    );
    assert!(ana < a - 0.05, "the companion counts dropouts as non-responders: {ana} vs {a} without");
    assert!(d["warnings"].to_string().contains("favours non-inferiority"), "{}", d["warnings"]);
    let t1 = d["null"]["endpoints"]["dcr"]["type_one_error"].as_f64().unwrap();
    assert!(t1 > 0.025 + 4.0 * (0.025f64 * 0.975 / 4000.0).sqrt(), "type I error at the margin with dropout {t1}");
    // The same data tested for superiority rejects far less often: the margin is used.
    let (sup, _) = run_json(&[ni, "--replicates", "4000", "--set", "endpoints.dcr.null_difference=0"]);
    let p0 = sup["endpoints"]["dcr"]["power"].as_f64().unwrap();
    assert!(p0 < 0.05 && power > 0.7, "superiority {p0} vs non-inferiority {power}");
    for (set, said) in [
        ("endpoints.dcr.test=\"fisher\"", "Farrington–Manning"),
        ("endpoints.dcr.continuity_correction=true", "without continuity_correction"),
        ("endpoints.dcr.null_difference=0.1", "(-1, 0]"),
        ("endpoints.dcr.null_difference=-1", "(-1, 0]"),
    ] {
        refused(&["validate", ni, "--set", set], &["endpoints.dcr.null_difference", said]);
    }
    refused(
        &[
            "run",
            ni,
            "--null",
            "--quiet",
            "--set",
            "cohorts.gastric.responses.ascites_control.probability={ hipec = 0.1, rmhtnf = 0.1 }",
        ],
        &["--null", "dcr", "below the margin"],
    );
    refused(
        &[
            "run",
            ni,
            "--null",
            "--quiet",
            "--set",
            "endpoints.dcr2={ kind = \"binary\", response = \"ascites_control\", test = \"chi_square\", treatment = \"rmhtnf\", control = \"hipec\" }",
        ],
        &["--null", "the same response"],
    );
}

/// A binding futility rule lowers the efficacy boundaries (as rpact's `bindingFutility = TRUE`)
/// and the report says it binds; the analytic companion uses the same boundaries, so simulated
/// and analytic power agree. A conditional-power rule cannot bind, nor can a rule whose
/// boundaries a multiplicity family at the looks recomputes: both refused where written.
#[test]
fn binding_futility_lowers_the_boundaries_and_says_so() {
    let base = [CANONICAL, "--replicates", "4000", "--set", "analysis.looks=[0.4, 0.7, 1.0]"];
    let with = |rule: &str| {
        let mut a = base.to_vec();
        a.extend(["--set", rule]);
        run_json(&a).0
    };
    let free = with("analysis.futility={ z = 0 }");
    let bound = with("analysis.futility={ z = 0, binding = true }");
    let last = |v: &Value| v["endpoints"]["efs"]["looks"][2]["boundary_z"].as_f64().unwrap();
    // rpact: 2.000539 non-binding, 1.986093 binding (getDesignGroupSequential, futility 0, 0).
    assert!((last(&free) - 2.000539).abs() < 2e-3, "{}", last(&free));
    assert!((last(&bound) - 1.986093).abs() < 2e-3, "{}", last(&bound));
    assert!(bound["design"].to_string().contains("binding (the efficacy boundaries are computed with it)"));
    let e = &bound["endpoints"]["efs"];
    let (p, a) = (e["power"].as_f64().unwrap(), e["analytic"]["group_sequential_power"].as_f64().unwrap());
    assert!((p - a).abs() < 4.0 * (a * (1.0 - a) / 4000.0).sqrt(), "simulated {p} vs analytic {a}");
    refused(
        &[
            "validate",
            CANONICAL,
            "--set",
            "analysis.looks=[0.5, 1.0]",
            "--set",
            "analysis.futility={ conditional_power = 0.1, binding = true }",
        ],
        &["analysis.futility.binding", "non-binding"],
    );
    refused(
        &["validate", "scenarios/three-endpoint-family.toml", "--set", "analysis.futility={ z = 0, binding = true }"],
        &["analysis.futility.binding", "multiplicity"],
    );
}

/// Designs whose rules would interact in ways the engine does not compute are refused where
/// they are written, with the reason: a harm bound without looks or with a multiplicity family;
/// event re-estimation without an event-driven cut, with a multiplicity family, or with stage
/// limits that exclude the planned stage.
#[test]
fn adaptive_rules_that_cannot_be_combined_are_refused() {
    refused(
        &["validate", CANONICAL, "--set", "analysis.harm={ alpha = 0.05 }"],
        &["analysis.harm", "no interim looks"],
    );
    refused(
        &["validate", "scenarios/three-endpoint-family.toml", "--set", "analysis.harm={ alpha = 0.05 }"],
        &["analysis.harm", "multiplicity"],
    );
    let re = "analysis.reestimation={ conditional_power = 0.8, min_events = [150], max_events = [450] }";
    refused(
        &[
            "validate",
            CANONICAL,
            "--set",
            "analysis.looks=[0.5, 1.0]",
            "--set",
            "analysis.cut={ month = 60 }",
            "--set",
            re,
        ],
        &["analysis.reestimation", "event-driven cut"],
    );
    refused(
        &["validate", "scenarios/event-reestimation.toml", "--set", "analysis.reestimation.max_events=[100]"],
        &["analysis.reestimation", "stage 2's planned events"],
    );
    refused(
        &[
            "validate",
            "scenarios/three-endpoint-family.toml",
            "--set",
            "analysis.looks=[0.5, 1.0]",
            "--set",
            "analysis.reestimation={ conditional_power = 0.8, min_events = [100], max_events = [400] }",
        ],
        &["analysis.reestimation", "multiplicity"],
    );
    let out = peritrial(&["validate", "scenarios/harm-bound.toml", "scenarios/event-reestimation.toml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `run --null` validates the scenario it builds: a one-sample null median of 1e-300 months
/// (which the scenario's own validation lets through) made a null whose hazard ratio was
/// 9e299, simulated as such; now the null scenario is refused, with the values named.
#[test]
fn a_null_scenario_beyond_the_language_is_refused_not_simulated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-sample.toml");
    std::fs::write(
        &path,
        "[study]\nname = \"one-sample\"\nreplicates = 100\nseed = 1\n[arms]\nrmhtnf = { allocation = 1 }\n\
         [enrollment]\nsample_size = 60\naccrual = { months = 12 }\n[cohorts.pm]\nshare = 1.0\n\
         [cohorts.pm.events.progression]\ndistribution = \"exponential\"\nmedian_months = 9.0\n\
         [endpoints.pfs]\nkind = \"time_to_event\"\nevents = [\"progression\"]\ntest = \"one_sample_logrank\"\n\
         null_median_months = 1e-300\ntreatment = \"rmhtnf\"\nalpha = 0.025\n[analysis]\ncut = { month = 30 }\n",
    )
    .unwrap();
    let out = peritrial(&["run", path.to_str().unwrap(), "--null", "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the scenario under the null is not a valid scenario"), "{err}");
    assert!(err.contains("hazard_ratio.rmhtnf"), "{err}");
    assert!(out.stdout.is_empty(), "a report was written");
}
