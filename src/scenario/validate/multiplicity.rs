//! `analysis.multiplicity`: the family of endpoints tested together, its method, level,
//! members' spending functions and graph, and what a family needs with the other settings
//! (Simon's design under a procedure that compares p-values; interim looks).

use super::common::{has_test, name_list, read_spending};
use crate::scenario::model::{
    BinaryTest, Endpoint, EndpointId, EndpointKind, Looks, Multiplicity, MultiplicityMethod, Spending, TimeToEventTest,
};
use crate::scenario::read::{Reader, get, join};
use crate::scenario::tree::{Entry, Node};

/// `analysis.multiplicity`, when given.
pub(super) fn read_multiplicity(
    r: &mut Reader,
    t: &[Entry],
    endpoints: &Option<Vec<Endpoint>>,
    endpoint_names: &[String],
    spending: Option<Spending>,
) -> Option<Option<Multiplicity>> {
    match get(t, "multiplicity") {
        None => Some(None),
        Some(n) => r
            .table(n, "analysis.multiplicity", &["method", "endpoints", "alpha", "spending", "weights", "transitions"])
            .and_then(|mt| read_family(r, n, mt, endpoints, endpoint_names, spending)),
    }
}

/// The family's method, endpoints (at least two, each with a test), level, members' spending
/// functions and graph.
fn read_family(
    r: &mut Reader,
    n: &Node,
    mt: &[Entry],
    endpoints: &Option<Vec<Endpoint>>,
    endpoint_names: &[String],
    spending: Option<Spending>,
) -> Option<Option<Multiplicity>> {
    let method = r
        .required(
            n,
            mt,
            "analysis.multiplicity",
            "method",
            "\"fixed_sequence\", \"holm\", \"bonferroni\", \"fallback\" or \"graphical\"",
        )
        .and_then(|m| {
            r.choice(m, "analysis.multiplicity.method", &MultiplicityMethod::NAMES)
                .and_then(MultiplicityMethod::from_name)
        });
    let eps = r
        .required(n, mt, "analysis.multiplicity", "endpoints", "the endpoints in the family, in testing order")
        .and_then(|e| {
            let ids = name_list(r, e, "analysis.multiplicity.endpoints", endpoint_names, "endpoint")?;
            if ids.len() < 2 {
                r.error(e, "analysis.multiplicity.endpoints", "a multiplicity family needs at least two endpoints");
                return None;
            }
            if let Some(eps) = endpoints
                && let Some(&s) = ids.iter().find(|&&i| !has_test(&eps[i].kind))
            {
                r.error(
                    e,
                    "analysis.multiplicity.endpoints",
                    format!("{:?} is a safety endpoint, which has no test", eps[s].name),
                );
                return None;
            }
            Some(ids)
        });
    let alpha = match get(mt, "alpha") {
        None => Some(0.025),
        Some(a) => r.number(a, "analysis.multiplicity.alpha", |x| {
            if (1e-6..0.5).contains(&x) { Ok(()) } else { Err("a one-sided alpha must be in [1e-6, 0.5) (as rpact: below 1e-6 the boundaries are floating-point noise)".into()) }
        }),
    };
    let eps = eps?;
    let member_spending = read_member_spending(r, mt, &eps, endpoint_names, spending)?;
    let method = method?;
    let graph = read_graph(r, n, mt, method, eps.len())?;
    Some(Some(Multiplicity { method, endpoints: eps, alpha: alpha?, spending: member_spending, graph }))
}

/// `analysis.multiplicity.spending`: each member's spending function, `{ endpoint = spending,
/// … }` (default the analysis' spending).
fn read_member_spending(
    r: &mut Reader,
    mt: &[Entry],
    eps: &[EndpointId],
    endpoint_names: &[String],
    spending: Option<Spending>,
) -> Option<Vec<Spending>> {
    // Per-member spending functions: { endpoint = spending, … }, default the analysis'.
    let mut member_spending = vec![spending.unwrap_or(Spending::OBrienFleming); eps.len()];
    if let Some(sn) = get(mt, "spending") {
        let st = r.named_table(sn, "analysis.multiplicity.spending", "endpoint")?;
        for entry in st {
            let path = join("analysis.multiplicity.spending", &entry.key);
            let Some(j) = eps.iter().position(|&i| endpoint_names.get(i) == Some(&entry.key)) else {
                let names: Vec<&str> = eps.iter().map(|&i| endpoint_names[i].as_str()).collect();
                r.error(
                    &entry.node,
                    &path,
                    format!("not an endpoint of the family (expected one of {})", names.join(", ")),
                );
                continue;
            };
            if let Some(sp) = read_spending(r, &entry.node, &path) {
                member_spending[j] = sp;
            }
        }
    }
    Some(member_spending)
}

/// Holm and Bonferroni compare p-values; Simon's two-stage design gives a decision, not a
/// p-value (its ordering of outcomes over two stages is not the one a level α/k needs).
pub(super) fn check_simon(
    r: &mut Reader,
    node: &Node,
    t: &[Entry],
    multiplicity: &Option<Option<Multiplicity>>,
    endpoints: &Option<Vec<Endpoint>>,
) -> Option<()> {
    if let (Some(m), Some(eps)) = (multiplicity.as_ref().and_then(|m| m.as_ref()), endpoints)
        && compares_p_values(m.method)
        && let Some((i, design)) = m.endpoints.iter().find_map(|&i| without_p_value(&eps[i].kind).map(|d| (i, d)))
    {
        r.error_on(get(t, "multiplicity"), &node.origin, "analysis.multiplicity.endpoints", format!("{:?} uses {design}, which decides at its own fixed levels and has no p-value for the {} procedure to compare with its share of alpha; use method = \"fixed_sequence\" (this endpoint last), or test the endpoint with exact_binomial", eps[i].name, m.method.name()));
        return None;
    }
    Some(())
}

/// A family tested group-sequentially: every member needs a z statistic at every look
/// (time to event, a test that is standard normal under the null), and the monitored
/// endpoint must be in the family (first, for a fixed sequence).
pub(super) fn check_family_at_looks(
    r: &mut Reader,
    node: &Node,
    t: &[Entry],
    looks: &Option<Looks>,
    multiplicity: &Option<Option<Multiplicity>>,
    endpoints: &Option<Vec<Endpoint>>,
    monitored: Option<EndpointId>,
) -> Option<()> {
    if let (Some(ls), Some(m), Some(eps)) = (looks, multiplicity.as_ref().and_then(|m| m.as_ref()), endpoints)
        && ls.count() > 1
    {
        let at = get(t, "multiplicity");
        let primary = monitored;
        for &i in &m.endpoints {
            match &eps[i].kind {
                EndpointKind::TimeToEvent {
                    test: TimeToEventTest::Rmst { .. } | TimeToEventTest::Milestone { .. },
                    ..
                } => {
                    r.error_on(at, &node.origin, "analysis.multiplicity.endpoints", format!("{:?} uses an RMST or milestone test, whose information does not grow with the events: it cannot be tested at interim looks", eps[i].name));
                    return None;
                }
                EndpointKind::TimeToEvent { test: TimeToEventTest::MaxCombo, .. } => {
                    r.error_on(at, &node.origin, "analysis.multiplicity.endpoints", format!("{:?} uses the MaxCombo test, whose statistic is not standard normal under the null: it cannot be tested at interim looks", eps[i].name));
                    return None;
                }
                EndpointKind::TimeToEvent {
                    test:
                        TimeToEventTest::Logrank
                        | TimeToEventTest::StratifiedLogrank
                        | TimeToEventTest::FlemingHarrington { .. }
                        | TimeToEventTest::Cox
                        | TimeToEventTest::OneSampleLogrank { .. },
                    ..
                } => {}
                EndpointKind::Binary { test, .. } => {
                    // Responses are tested at the looks on the patients assessed by then.
                    let why = match test {
                        BinaryTest::ChiSquare { continuity_correction: false } | BinaryTest::ExactBinomial { .. } => {
                            None
                        }
                        BinaryTest::ChiSquare { continuity_correction: true } => Some(
                            "its continuity-corrected chi-square is not the statistic group-sequential boundaries are spent on; use continuity_correction = false",
                        ),
                        BinaryTest::Fisher => Some(
                            "Fisher's exact test has no standard normal statistic to spend boundaries on; use test = \"chi_square\"",
                        ),
                        BinaryTest::SimonTwoStage { .. } => Some("Simon's two-stage design has its own stages"),
                        BinaryTest::Bayesian { .. } | BinaryTest::BayesianDifference { .. } => {
                            Some("a Bayesian rule has its own interims")
                        }
                        BinaryTest::GComputation { .. } | BinaryTest::Weighted { .. } => {
                            Some("an adjusted comparison is analysed once, at the final analysis")
                        }
                    };
                    if let Some(why) = why {
                        r.error_on(
                            at,
                            &node.origin,
                            "analysis.multiplicity.endpoints",
                            format!("{:?} cannot be tested at the interim looks of the family: {why}", eps[i].name),
                        );
                        return None;
                    }
                }
                EndpointKind::Safety { .. } => {
                    r.error_on(
                        at,
                        &node.origin,
                        "analysis.multiplicity.endpoints",
                        format!("{:?} is a safety endpoint: it has no test to take part in a family", eps[i].name),
                    );
                    return None;
                }
            }
        }
        // Looks monitored on a response come as its assessments fall due: a time-to-event member
        // would have no planned events to spend at.
        let response_monitored = primary.is_some_and(|pe| match eps[pe].kind {
            EndpointKind::Binary { .. } => true,
            EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => false,
        });
        let tte_member = m.endpoints.iter().find(|&&i| match eps[i].kind {
            EndpointKind::TimeToEvent { .. } => true,
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
        });
        if let (true, Some(&i)) = (response_monitored, tte_member) {
            r.error_on(at, &node.origin, "analysis.multiplicity.endpoints", format!("the looks are monitored on a response, so {:?}, a time-to-event endpoint, has no planned events at them; monitor the time-to-event endpoint (analysis.cut = {{ endpoint = …, events = … }}) and test the responses at its looks", eps[i].name));
            return None;
        }
        if let Some(pe) = primary {
            let position = m.endpoints.iter().position(|&i| i == pe);
            // A fixed sequence needs the monitored endpoint first; the others, in the family.
            let first = match m.method {
                MultiplicityMethod::FixedSequence => true,
                MultiplicityMethod::Holm
                | MultiplicityMethod::Bonferroni
                | MultiplicityMethod::Fallback
                | MultiplicityMethod::Graphical => false,
            };
            let ok = if first { position == Some(0) } else { position.is_some() };
            if !ok {
                r.error_on(
                    at,
                    &node.origin,
                    "analysis.multiplicity.endpoints",
                    format!(
                        "with interim looks the endpoint monitored at the looks ({:?}) must be {} the family",
                        eps[pe].name,
                        if first { "the first of" } else { "in" }
                    ),
                );
                return None;
            }
        }
        if m.endpoints.len() > 8 {
            r.error_on(
                at,
                &node.origin,
                "analysis.multiplicity.endpoints",
                "with interim looks a family has at most 8 endpoints",
            );
            return None;
        }
    }
    Some(())
}

/// The graph of a multiplicity procedure over `m` members: `weights` (the fallback procedure's
/// and the graphical one's; non-negative, summing to at most 1, default equal) and
/// `transitions` (the graphical procedure's: m rows of m non-negative numbers, 0 on the
/// diagonal, each row summing to at most 1). A key the method does not read is refused.
fn read_graph(
    r: &mut Reader,
    node: &Node,
    mt: &[Entry],
    method: MultiplicityMethod,
    m: usize,
) -> Option<crate::stats::graph::Graph> {
    const PATH: &str = "analysis.multiplicity";
    const TOLERANCE: f64 = 1e-9;
    // The graphical procedure has no default graph: it needs its weights and transitions.
    let graph_needed = match method {
        MultiplicityMethod::Graphical => true,
        MultiplicityMethod::FixedSequence
        | MultiplicityMethod::Holm
        | MultiplicityMethod::Bonferroni
        | MultiplicityMethod::Fallback => false,
    };
    let mut ok = true;
    for key in ["weights", "transitions"] {
        if let Some(v) = get(mt, key)
            && !method.keys().contains(&key)
        {
            let readers: Vec<&str> =
                MultiplicityMethod::ALL.iter().filter(|x| x.keys().contains(&key)).map(|x| x.name()).collect();
            r.error(
                v,
                &join(PATH, key),
                format!("method {:?} does not read {key} (only {} do)", method.name(), readers.join(" and ")),
            );
            ok = false;
        }
    }
    let numbers = |r: &mut Reader, v: &Node, path: &str, what: &str| -> Option<Vec<f64>> {
        let items = r.array(v, path, what)?;
        if items.len() != m {
            r.error(v, path, format!("expected {m} numbers, one per endpoint of the family (found {})", items.len()));
            return None;
        }
        let xs: Vec<Option<f64>> = items
            .iter()
            .enumerate()
            .map(|(k, x)| {
                r.number(x, &format!("{path}[{k}]"), |w| {
                    if (0.0..=1.0).contains(&w) { Ok(()) } else { Err("a weight must be in [0, 1]".into()) }
                })
            })
            .collect();
        xs.into_iter().collect()
    };
    let weights = match get(mt, "weights") {
        Some(v) if method.keys().contains(&"weights") => {
            let path = join(PATH, "weights");
            let w = numbers(r, v, &path, "one weight per endpoint of the family")?;
            let total: f64 = w.iter().sum();
            if total > 1.0 + TOLERANCE {
                r.error(
                    v,
                    &path,
                    format!("the weights sum to {total}; they share the family's alpha and may sum to at most 1"),
                );
                return None;
            }
            Some(w)
        }
        _ => None,
    };
    let transitions = match get(mt, "transitions") {
        Some(v) if method.keys().contains(&"transitions") => {
            let path = join(PATH, "transitions");
            let rows = r.array(v, &path, "one row per endpoint of the family")?;
            if rows.len() != m {
                r.error(v, &path, format!("expected {m} rows of {m} numbers (found {} rows)", rows.len()));
                return None;
            }
            let mut g = Vec::with_capacity(m);
            for (i, row) in rows.iter().enumerate() {
                let rp = format!("{path}[{i}]");
                let Some(xs) = numbers(r, row, &rp, "the shares of this endpoint's weight that pass to each member")
                else {
                    ok = false;
                    continue;
                };
                if xs[i] != 0.0 {
                    r.error(row, &rp, format!("entry {i} is this endpoint's transition to itself, which must be 0"));
                    ok = false;
                }
                let total: f64 = xs.iter().sum();
                if total > 1.0 + TOLERANCE {
                    r.error(
                        row,
                        &rp,
                        format!(
                            "the row sums to {total}; a rejected endpoint passes on at most its own weight (at most 1)"
                        ),
                    );
                    ok = false;
                }
                g.push(xs);
            }
            Some(g)
        }
        None if graph_needed => {
            r.error(node, &join(PATH, "transitions"), "method \"graphical\" needs transitions = [[…], …]: row i gives the share of endpoint i's weight that passes to each member when i is rejected");
            return None;
        }
        _ => None,
    };
    if graph_needed && get(mt, "weights").is_none() {
        r.error(
            node,
            &join(PATH, "weights"),
            "method \"graphical\" needs weights = […]: each endpoint's initial share of the family's alpha",
        );
        return None;
    }
    ok.then(|| method.graph(m, weights, transitions))
}

/// The design of an endpoint that decides without a p-value (Simon's two-stage design, a
/// Bayesian rule), named for an error.
fn without_p_value(kind: &EndpointKind) -> Option<&'static str> {
    match kind {
        EndpointKind::Binary { test, .. } => match test {
            BinaryTest::SimonTwoStage { .. } => Some("Simon's two-stage design"),
            BinaryTest::Bayesian { .. } | BinaryTest::BayesianDifference { .. } => {
                Some("a Bayesian rule (a posterior probability threshold)")
            }
            BinaryTest::ExactBinomial { .. }
            | BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => None,
        },
        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => None,
    }
}

/// Whether a multiplicity procedure compares each member's p-value with a share of alpha
/// (every procedure but the fixed sequence, which tests each member at the full alpha).
fn compares_p_values(method: MultiplicityMethod) -> bool {
    match method {
        MultiplicityMethod::FixedSequence => false,
        MultiplicityMethod::Holm
        | MultiplicityMethod::Bonferroni
        | MultiplicityMethod::Fallback
        | MultiplicityMethod::Graphical => true,
    }
}
