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
