//! Every multiplicity method runs through its graph (`stats::graph`); here the decisions the
//! engine records are checked, trial by trial, against each named method written directly
//! from its definition, on the p-values (or, for the fixed sequence, the members' own
//! decisions) of the same record.

use peritrial::analyze::field;

/// Holm (1979): the sorted p-values against α/(m − j), stopping at the first that fails.
fn holm(p: &[f64], alpha: f64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![false; p.len()];
    for (j, &i) in order.iter().enumerate() {
        // A NaN p-value, like one above its level, stops the procedure.
        let level = alpha / (p.len() - j) as f64;
        if p[i] <= level {
            out[i] = true;
        } else {
            break;
        }
    }
    out
}

/// Decisions of `method` over the three-endpoint family, against the definition, in every
/// replicate of `n`; returns how many replicates the procedure changed (adjusted differs from
/// unadjusted), so that a test can show it met the cases that decide.
fn check(method: &str, n: u64) -> usize {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/three-endpoint-family.toml");
    let mut sets = vec![
        "analysis.looks=[1.0]".to_string(),
        "enrollment.sample_size=360".to_string(),
        "analysis.cut.events=110".to_string(),
        format!("analysis.multiplicity.method=\"{method}\""),
    ];
    if method != "fixed_sequence" {
        sets.push("analysis.multiplicity.spending={}".into());
    }
    let s = peritrial::scenario::load(&path, &sets).unwrap_or_else(|e| panic!("{method}: {e}"));
    let family = [
        s.endpoint_index("peritoneal_rfs").unwrap(),
        s.endpoint_index("distant_rfs").unwrap(),
        s.endpoint_index("survival").unwrap(),
    ];
    let alpha = 0.025;
    let mut sampler = peritrial::engine::Sampler::new(&s);
    let bases: Vec<usize> = family.iter().map(|&e| sampler.plan.layout.endpoint[e]).collect();
    let mut changed = 0;
    for i in 0..n {
        let (_, record) = sampler.trial(i);
        let p: Vec<f64> = bases.iter().map(|&b| record[b + field::P]).collect();
        let own: Vec<bool> = bases.iter().map(|&b| record[b + field::REJECTED] == 1.0).collect();
        let adjusted: Vec<bool> = bases.iter().map(|&b| record[b + field::ADJUSTED] == 1.0).collect();
        let expected = match method {
            "holm" => holm(&p, alpha),
            "bonferroni" => p.iter().map(|&x| x <= alpha / 3.0).collect(),
            "fixed_sequence" => own
                .iter()
                .scan(true, |open, &r| {
                    *open = *open && r;
                    Some(*open)
                })
                .collect(),
            other => unreachable!("{other}"),
        };
        assert_eq!(adjusted, expected, "{method}, replicate {i}: p {p:?}, own decisions {own:?}");
        changed += (adjusted != own) as usize;
    }
    changed
}

#[test]
fn named_methods_decide_through_their_graphs_as_their_definitions_do() {
    for method in ["holm", "bonferroni", "fixed_sequence"] {
        let changed = check(method, 400);
        // The family's p-values straddle the levels: the procedure must have changed some
        // decisions, or the comparison above proved nothing.
        assert!(changed >= 20, "{method}: only {changed} of 400 replicates had a decision changed by the procedure");
    }
}

/// A family tested at the looks of a time-to-event design.
const EFS_AND_RESPONSE: &str = r#"[study]
name = "family with a response at looks"
replicates = 1000
seed = 20261208

[arms]
control = { allocation = 1 }
rmhtnf = { allocation = 1 }

[enrollment]
sample_size = 600
accrual = { months = 24 }

[dropout]
hazard_per_month = 0.004

[cohorts.gastric]
share = 1.0

[cohorts.gastric.events.peritoneal_metastasis]
distribution = "exponential"
median_months = 24.0
hazard_ratio = { rmhtnf = 0.7 }

[cohorts.gastric.responses.ascites_control]
probability = { control = 0.30, rmhtnf = 0.40 }
assessed_at_months = 3.0

[endpoints.efs]
kind = "time_to_event"
events = ["peritoneal_metastasis"]
test = "logrank"
treatment = "rmhtnf"
control = "control"
alpha = 0.025

[endpoints.orr]
kind = "binary"
response = "ascites_control"
test = "chi_square"
treatment = "rmhtnf"
control = "control"
alpha = 0.025

[analysis]
cut = { endpoint = "efs", events = 300 }
looks = [0.5, 1.0]
multiplicity = { method = "holm", endpoints = ["efs", "orr"] }
"#;

/// A single arm's family at looks: survival by the one-sample log-rank, disease control on the
/// exact binomial.
const SINGLE_ARM_FAMILY: &str = r#"[study]
name = "single arm family at looks"
replicates = 1000
seed = 20261208

[arms]
rmhtnf = { allocation = 1 }

[enrollment]
sample_size = 80
accrual = { months = 12 }

[cohorts.gastric]
share = 1.0

[cohorts.gastric.events.death]
distribution = "exponential"
median_months = 12.0

[cohorts.gastric.responses.ascites_control]
probability = { rmhtnf = 0.20 }
assessed_at_months = 1.0

[endpoints.os]
kind = "time_to_event"
events = ["death"]
test = "one_sample_logrank"
null_median_months = 12.0
treatment = "rmhtnf"
alpha = 0.025

[endpoints.dcr]
kind = "binary"
response = "ascites_control"
test = "exact_binomial"
null_rate = 0.20
treatment = "rmhtnf"
alpha = 0.025

[analysis]
cut = { endpoint = "os", events = 60 }
looks = [0.5, 1.0]
multiplicity = { method = "bonferroni", endpoints = ["os", "dcr"] }
"#;

fn family_json(scenario: &str, sets: &[&str], replicates: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("family.toml");
    std::fs::write(&path, scenario).unwrap();
    let mut c = crate::helpers::peritrial();
    c.arg("run").arg(&path).args(["--replicates", replicates, "--quiet", "--format", "json"]);
    for s in sets {
        c.args(["--set", s]);
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Responses in a multiplicity family tested at the looks (issue 27 item 1): each is tested at
/// every look on the patients assessed by then, against its own spending function's boundary
/// at the level the procedure gives it there (its information the patients assessed over the
/// planned). Under the global null the family-wise error rate holds α and, under Bonferroni,
/// the two-arm response's own rejection rate is α/2 within 4 Monte Carlo SEs (a single arm's
/// exact boundaries are at most α/2); with a fixed sequence the response is rejected only
/// after the primary. A monitored response with a time-to-event member, and a Fisher member,
/// are refused with their reasons.
#[test]
fn responses_in_a_family_at_looks_hold_the_family_error_rate() {
    let n = 20000.0;
    let null = [
        "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio={ rmhtnf = 1.0 }",
        "cohorts.gastric.responses.ascites_control.probability={ control = 0.30, rmhtnf = 0.30 }",
        "analysis.looks=[0.3333333333333333, 0.6666666666666666, 1.0]",
    ];
    for method in ["bonferroni", "holm", "fallback"] {
        let m = format!("analysis.multiplicity={{ method = \"{method}\", endpoints = [\"efs\", \"orr\"] }}");
        let mut sets = null.to_vec();
        sets.push(&m);
        let v = family_json(EFS_AND_RESPONSE, &sets, "20000");
        let fwer = v["analysis"]["multiplicity"]["power_at_least_one"].as_f64().unwrap();
        let mcse = (0.025f64 * 0.975 / n).sqrt();
        assert!(fwer <= 0.025 + 3.0 * mcse, "{method}: family-wise error {fwer}");
        if method == "bonferroni" {
            let orr = v["endpoints"]["orr"]["power"].as_f64().unwrap();
            let se = (0.0125f64 * 0.9875 / n).sqrt();
            assert!((orr - 0.0125).abs() < 4.0 * se, "the response's level under Bonferroni: {orr}");
        }
    }
    // Under the alternative, a fixed sequence: the response only after the primary.
    let seq = "analysis.multiplicity={ method = \"fixed_sequence\", endpoints = [\"efs\", \"orr\"] }";
    let v = family_json(EFS_AND_RESPONSE, &[seq], "2000");
    let (efs, orr) =
        (v["endpoints"]["efs"]["power"].as_f64().unwrap(), v["endpoints"]["orr"]["power"].as_f64().unwrap());
    assert!(orr > 0.3 && orr <= efs, "efs {efs}, orr {orr}");
    let v = family_json(SINGLE_ARM_FAMILY, &[], "20000");
    for e in ["os", "dcr"] {
        let p = v["endpoints"][e]["power"].as_f64().unwrap();
        assert!(p <= 0.0125 + 3.0 * (0.0125f64 * 0.9875 / n).sqrt(), "{e}: {p}");
    }
    // Refused: a Fisher member; a family of a monitored response with a time-to-event member.
    let refused = |scenario: &str, sets: &[&str], says: &str| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("family.toml");
        std::fs::write(&path, scenario).unwrap();
        let mut c = crate::helpers::peritrial();
        c.arg("validate").arg(&path);
        for s in sets {
            c.args(["--set", s]);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{sets:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{err}");
    };
    refused(
        EFS_AND_RESPONSE,
        &["endpoints.orr.test=\"fisher\""],
        "Fisher's exact test has no standard normal statistic",
    );
    // The response first, under a calendar cut: the looks are monitored on it.
    let (head, rest) = SINGLE_ARM_FAMILY.split_once("[endpoints.os]").unwrap();
    let (os, rest) = rest.split_once("[endpoints.dcr]").unwrap();
    let (dcr, analysis) = rest.split_once("[analysis]").unwrap();
    let response_first = format!("{head}[endpoints.dcr]{dcr}[endpoints.os]{os}[analysis]{analysis}");
    refused(
        &response_first,
        &["analysis.cut={ min_follow_up_months = 1.0 }"],
        "the looks are monitored on a response, so \"os\"",
    );
}
