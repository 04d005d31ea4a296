//! `[endpoints]`: each endpoint's kind and test, its arms and level, and the keys of its kind
//! (a time-to-event endpoint's events, milestones and margin; a binary endpoint's response and
//! test, Simon's two-stage design among them; a safety endpoint's adverse event).

use super::common::{Names, name_list, positive_months};
use crate::scenario::model::{
    ArmId, BayesRule, BinaryTest, Cohort, Endpoint, EndpointKind, EventId, Intercurrent, TimeToEventTest,
};
use crate::scenario::read::{Reader, get, join};
use crate::scenario::tree::{Entry, Node, Value};
use crate::scenario::vocab::{BinaryTestName, EndpointKindName, TimeToEventTestName};

/// An endpoint's test as validation reads it: a name of its kind's table, or a safety
/// endpoint's none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestName {
    TimeToEvent(TimeToEventTestName),
    Binary(BinaryTestName),
    /// A safety endpoint has no test.
    Safety,
}

impl TestName {
    fn name(self) -> &'static str {
        match self {
            TestName::TimeToEvent(t) => t.name(),
            TestName::Binary(b) => b.name(),
            TestName::Safety => "none",
        }
    }

    /// The test compares one arm with a historical value (so the endpoint has no control).
    fn one_arm(self) -> bool {
        match self {
            TestName::TimeToEvent(t) => match t {
                TimeToEventTestName::OneSampleLogrank => true,
                TimeToEventTestName::Logrank
                | TimeToEventTestName::StratifiedLogrank
                | TimeToEventTestName::FlemingHarrington
                | TimeToEventTestName::MaxCombo
                | TimeToEventTestName::Cox
                | TimeToEventTestName::Rmst
                | TimeToEventTestName::Milestone => false,
            },
            TestName::Binary(b) => match b {
                BinaryTestName::ExactBinomial | BinaryTestName::SimonTwoStage | BinaryTestName::Bayesian => true,
                BinaryTestName::Fisher
                | BinaryTestName::ChiSquare
                | BinaryTestName::BayesianDifference
                | BinaryTestName::GComputation
                | BinaryTestName::Weighted => false,
            },
            TestName::Safety => false,
        }
    }
}

impl std::fmt::Display for TestName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the endpoints may refer to: the arms, the event causes, responses and adverse events
/// the cohorts define, the cohorts as read, and the sample size.
struct Defined<'a> {
    names: &'a Names,
    event_names: &'a [String],
    response_names: &'a [String],
    ae_names: &'a [String],
    cohorts: &'a Option<Vec<Cohort>>,
    sample_size: Option<u32>,
}

/// `[endpoints]`: every endpoint (none when any is wrong).
#[allow(clippy::too_many_arguments)]
pub(super) fn read_endpoints(
    r: &mut Reader,
    root: &Node,
    top: &[Entry],
    names: &Names,
    event_names: &[String],
    response_names: &[String],
    ae_names: &[String],
    cohorts: &Option<Vec<Cohort>>,
    sample_size: Option<u32>,
) -> Option<Vec<Endpoint>> {
    let Some(node) = get(top, "endpoints") else {
        r.error_at(
            &root.origin,
            "endpoints",
            "missing; expected at least one endpoint, e.g. [endpoints.efs] kind = \"time_to_event\"",
        );
        return None;
    };
    let t = r.named_table(node, "endpoints", "endpoints")?;
    if t.is_empty() {
        r.error(node, "endpoints", "expected at least one endpoint");
        return None;
    }
    let before = r.errors.len();
    let mut out = Vec::new();
    let d = Defined { names, event_names, response_names, ae_names, cohorts, sample_size };
    for e in t {
        if let Some(endpoint) = read_endpoint(r, e, &d) {
            out.push(endpoint);
        }
    }
    (r.errors.len() == before && out.len() == t.len()).then_some(out)
}

/// One endpoint: kind, test, arms, alpha and the keys of its kind.
fn read_endpoint(r: &mut Reader, e: &Entry, d: &Defined<'_>) -> Option<Endpoint> {
    let path = join("endpoints", &e.key);
    let Some(et) = e.node.table() else {
        r.error(&e.node, &path, "expected a table with kind, test, treatment, …");
        return None;
    };
    let (kind, test) = read_kind_and_test(r, &e.node, et, &path)?;
    let safety = match kind {
        EndpointKindName::Safety => true,
        EndpointKindName::TimeToEvent | EndpointKindName::Binary => false,
    };
    r.table(&e.node, &path, &allowed_keys(kind, test, safety))?;
    let (treatment, control) = read_endpoint_arms(r, &e.node, et, &path, d.names, test, safety);
    let alpha = match get(et, "alpha") {
        None => Some(0.025),
        Some(n) => r.number(n, &join(&path, "alpha"), |x| {
            if (1e-6..0.5).contains(&x) { Ok(()) } else { Err("a one-sided alpha must be in [1e-6, 0.5) (as rpact: below 1e-6 the boundaries are floating-point noise)".into()) }
        }),
    };
    let kind = match test {
        TestName::TimeToEvent(test) => read_tte(r, &e.node, et, &path, test, d.event_names),
        TestName::Binary(test) => read_binary(r, &e.node, et, &path, test, d),
        TestName::Safety => read_safety(r, &e.node, et, &path, d),
    };
    // Simon's design: the level it was made for, which its exact size must not exceed.
    let size = kind.as_ref().zip(d.sample_size).and_then(|(k, n)| k.exact_size(n));
    let alpha = match (size, alpha) {
        (Some(size), Some(a)) => match get(et, "alpha") {
            None => Some(size),
            Some(_) if size <= a * (1.0 + 1e-12) => Some(a),
            Some(node) => {
                r.error(node, &join(&path, "alpha"), format!("the design's exact one-sided type I error at its null rate is {size:.5}, above alpha {a}: its cut-offs are not of this level (`peritrial simon` finds the designs of a level)"));
                None
            }
        },
        (Some(_), None) | (None, _) => alpha,
    };
    let (Some(kind), Some(treatment), Some(control), Some(alpha)) = (kind, treatment, control, alpha) else {
        return None;
    };
    Some(Endpoint { name: e.key.clone(), kind, treatment, control, alpha })
}

/// An endpoint's `kind` and `test` (the kind's default test when none is given).
fn read_kind_and_test(r: &mut Reader, node: &Node, et: &[Entry], path: &str) -> Option<(EndpointKindName, TestName)> {
    let kind_node = r.required(node, et, path, "kind", "\"time_to_event\", \"binary\" or \"safety\"")?;
    let kind = r.choice(kind_node, &join(path, "kind"), &EndpointKind::NAMES).and_then(EndpointKindName::parse)?;
    let test = match get(et, "test") {
        None => Some(match kind {
            EndpointKindName::TimeToEvent => TestName::TimeToEvent(TimeToEventTestName::Logrank),
            EndpointKindName::Binary => TestName::Binary(BinaryTestName::ExactBinomial),
            EndpointKindName::Safety => TestName::Safety,
        }),
        Some(n) => match kind {
            EndpointKindName::TimeToEvent => r
                .choice(n, &join(path, "test"), &TimeToEventTest::NAMES)
                .and_then(TimeToEventTestName::parse)
                .map(TestName::TimeToEvent),
            EndpointKindName::Binary => r
                .choice(n, &join(path, "test"), &BinaryTest::NAMES)
                .and_then(BinaryTestName::parse)
                .map(TestName::Binary),
            EndpointKindName::Safety => {
                r.error(
                    n,
                    &join(path, "test"),
                    "a safety endpoint has no test (it reports rates with exact intervals)",
                );
                None
            }
        },
    };
    Some((kind, test?))
}

/// The keys an endpoint of this kind and test reads.
fn allowed_keys(kind: EndpointKindName, test: TestName, safety: bool) -> Vec<&'static str> {
    let mut allowed = vec!["kind", "test", "treatment", "control", "alpha"];
    allowed.extend_from_slice(EndpointKind::keys(kind.name()));
    allowed.extend_from_slice(EndpointKind::test_keys(kind.name(), test.name()));
    if safety {
        allowed.retain(|k| !matches!(*k, "test" | "control" | "alpha"));
    }
    allowed
}

/// An endpoint's `treatment` and `control` arms (a one-arm test and a safety endpoint have no
/// control), which must differ.
fn read_endpoint_arms(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    names: &Names,
    test: TestName,
    safety: bool,
) -> (Option<ArmId>, Option<Option<ArmId>>) {
    let one_arm_test = test.one_arm();
    let treatment = match get(et, "treatment") {
        Some(n) => arm_ref(r, n, &join(path, "treatment"), names),
        None if names.arms.len() == 1 => Some(0),
        None => {
            r.error_at(
                &node.origin,
                &join(path, "treatment"),
                format!("missing; expected the name of the treatment arm ({})", names.arms.join(", ")),
            );
            None
        }
    };
    let control = match get(et, "control") {
        Some(n) if one_arm_test => {
            r.error(
                n,
                &join(path, "control"),
                format!("the {test} test compares one arm with a historical value; remove control"),
            );
            None
        }
        Some(n) => arm_ref(r, n, &join(path, "control"), names).map(Some),
        None if one_arm_test || safety => Some(None),
        None => {
            r.error_at(
                &node.origin,
                &join(path, "control"),
                format!(
                    "missing; the {test} test compares two arms: expected the name of the control arm ({})",
                    names.arms.join(", ")
                ),
            );
            None
        }
    };
    if let (Some(t), Some(Some(c))) = (treatment, control)
        && t == c
    {
        r.error_on(
            get(et, "control"),
            &node.origin,
            &join(path, "control"),
            "the control arm must differ from the treatment arm",
        );
    }
    (treatment, control)
}

/// A binary endpoint: its response (which every cohort must define), test and margin.
fn read_binary(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    test: BinaryTestName,
    d: &Defined<'_>,
) -> Option<EndpointKind> {
    let response = r
        .required(node, et, path, "response", "the name of a response defined in the cohorts")
        .and_then(|n| ref_in(r, n, &join(path, "response"), d.response_names, "response"));
    if let (Some(id), Some(cs)) = (response, d.cohorts) {
        for c in cs.iter().filter(|c| c.responses[id].is_none()) {
            r.error_on(
                get(et, "response"),
                &node.origin,
                &join(path, "response"),
                format!(
                    "cohort {:?} does not define response {:?}: every cohort must, for a binary endpoint",
                    c.name, d.response_names[id]
                ),
            );
        }
    }
    let test = read_binary_test(r, node, et, path, test, d.sample_size);
    let null_difference = read_null_difference(r, et, path, &test);
    match (response, test, null_difference) {
        (Some(response), Some(test), Some(null_difference)) => {
            Some(EndpointKind::Binary { response, test, null_difference })
        }
        _ => None,
    }
}

/// A binary endpoint's test with its null rate or Simon design or continuity correction.
fn read_binary_test(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    test: BinaryTestName,
    sample_size: Option<u32>,
) -> Option<BinaryTest> {
    let null_rate = match test {
        BinaryTestName::ExactBinomial | BinaryTestName::SimonTwoStage | BinaryTestName::Bayesian => {
            r.required(node, et, path, "null_rate", "the historical response rate in (0, 1)").and_then(|n| {
                r.number(n, &join(path, "null_rate"), |x| {
                    if x > 0.0 && x < 1.0 { Ok(()) } else { Err("a null rate must be in (0, 1)".into()) }
                })
            })
        }
        BinaryTestName::Fisher
        | BinaryTestName::ChiSquare
        | BinaryTestName::BayesianDifference
        | BinaryTestName::GComputation
        | BinaryTestName::Weighted => None,
    };
    match test {
        BinaryTestName::Bayesian => {
            let rule = read_bayes_rule(r, node, et, path, false, sample_size);
            Some(BinaryTest::Bayesian { null_rate: null_rate?, rule: Box::new(rule?) })
        }
        BinaryTestName::BayesianDifference => read_bayes_rule(r, node, et, path, true, sample_size)
            .map(|rule| BinaryTest::BayesianDifference { rule: Box::new(rule) }),
        BinaryTestName::ExactBinomial => null_rate.map(|null_rate| BinaryTest::ExactBinomial { null_rate }),
        BinaryTestName::SimonTwoStage => read_simon(r, node, et, path, sample_size).and_then(|(n1, r1, rr)| {
            Some(BinaryTest::SimonTwoStage {
                null_rate: null_rate?,
                stage1_patients: n1,
                stage1_max_responses: r1,
                max_responses: rr,
            })
        }),
        BinaryTestName::GComputation => match get(et, "standardise_over") {
            None => Some(BinaryTest::GComputation { over_treated: false }),
            Some(n) => r
                .choice(n, &join(path, "standardise_over"), &["all", "treated"])
                .map(|c| BinaryTest::GComputation { over_treated: c == "treated" }),
        },
        BinaryTestName::Weighted => {
            use crate::stats::weighting::Estimand;
            let estimand = match get(et, "weighting") {
                None => Some(Estimand::Ate),
                Some(n) => r.choice(n, &join(path, "weighting"), &["ate", "att", "overlap"]).map(|c| match c {
                    "att" => Estimand::Att,
                    "overlap" => Estimand::Overlap,
                    _ => Estimand::Ate,
                }),
            };
            let truncate = match get(et, "truncate") {
                None => Some(None),
                Some(n) => r
                    .number(n, &join(path, "truncate"), |q| {
                        if q > 0.0 && q < 0.5 {
                            Ok(())
                        } else {
                            Err("a truncation quantile must be in (0, 0.5)".into())
                        }
                    })
                    .map(Some),
            };
            Some(BinaryTest::Weighted { estimand: estimand?, truncate: truncate? })
        }
        BinaryTestName::Fisher => Some(BinaryTest::Fisher),
        BinaryTestName::ChiSquare => match get(et, "continuity_correction") {
            None => Some(BinaryTest::ChiSquare { continuity_correction: false }),
            Some(n) => match n.value {
                Value::Boolean(b) => Some(BinaryTest::ChiSquare { continuity_correction: b }),
                _ => {
                    r.error(
                        n,
                        &join(path, "continuity_correction"),
                        "expected true or false (Yates' correction, as R's prop.test(correct = TRUE))",
                    );
                    None
                }
            },
        },
    }
}

/// A binary endpoint's `null_difference` (a non-inferiority margin), which only the
/// Farrington–Manning score test reads.
fn read_null_difference(r: &mut Reader, et: &[Entry], path: &str, test: &Option<BinaryTest>) -> Option<f64> {
    match get(et, "null_difference") {
        None => Some(0.0),
        Some(n) => {
            let path = join(path, "null_difference");
            r.number(n, &path, |x| {
                if x > -1.0 && x <= 0.0 {
                    Ok(())
                } else {
                    Err("a non-inferiority margin on the difference of response rates must be in (-1, 0] (H0: treatment's rate − control's ≤ margin; 0 is superiority)".into())
                }
            })
            .and_then(|d| match test {
                Some(
                    BinaryTest::ChiSquare { continuity_correction: false }
                    | BinaryTest::BayesianDifference { .. }
                    | BinaryTest::GComputation { .. }
                    | BinaryTest::Weighted { .. },
                ) => Some(d),
                Some(
                    BinaryTest::ChiSquare { continuity_correction: true }
                    | BinaryTest::Bayesian { .. }
                    | BinaryTest::ExactBinomial { .. }
                    | BinaryTest::SimonTwoStage { .. }
                    | BinaryTest::Fisher,
                )
                | None => {
                    r.error(n, &path, "a non-inferiority margin on the rate difference is tested by the Farrington–Manning score test (test = \"chi_square\" without continuity_correction) or a Bayesian rule on the difference (test = \"bayesian_difference\")");
                    None
                }
            })
        }
    }
}

/// A safety endpoint: its adverse event, which every cohort must define.
fn read_safety(r: &mut Reader, node: &Node, et: &[Entry], path: &str, d: &Defined<'_>) -> Option<EndpointKind> {
    let ae = r
        .required(node, et, path, "adverse_event", "the name of an adverse event defined in the cohorts")
        .and_then(|n| ref_in(r, n, &join(path, "adverse_event"), d.ae_names, "adverse event"));
    if let (Some(id), Some(cs)) = (ae, d.cohorts) {
        for c in cs.iter().filter(|c| c.adverse_events[id].is_none()) {
            r.error_on(
                get(et, "adverse_event"),
                &node.origin,
                &join(path, "adverse_event"),
                format!(
                    "cohort {:?} does not define adverse event {:?}: every cohort must, for a safety endpoint",
                    c.name, d.ae_names[id]
                ),
            );
        }
    }
    ae.map(|adverse_event| EndpointKind::Safety { adverse_event })
}

/// A reference to an arm by name.
fn arm_ref(r: &mut Reader, node: &Node, path: &str, names: &Names) -> Option<ArmId> {
    let s = r.string(node, path)?;
    match names.arms.iter().position(|a| a == s) {
        Some(i) => Some(i),
        None => {
            r.error(node, path, format!("there is no such arm; the arms are {}", names.arms.join(", ")));
            None
        }
    }
}

/// A reference by name to a response or adverse event the cohorts define.
fn ref_in(r: &mut Reader, node: &Node, path: &str, defined: &[String], what: &str) -> Option<usize> {
    let s = r.string(node, path)?;
    match defined.iter().position(|d| d == s) {
        Some(i) => Some(i),
        None => {
            let list = if defined.is_empty() {
                format!("no {what}s are defined in any cohort")
            } else {
                format!("the {what}s defined in the cohorts are {}", defined.join(", "))
            };
            r.error(node, path, format!("there is no {what} {s:?}; {list}"));
            None
        }
    }
}

/// A time-to-event endpoint: events, competing events, milestones, test, margin and the
/// strategy for switching.
fn read_tte(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    test: TimeToEventTestName,
    event_names: &[String],
) -> Option<EndpointKind> {
    let (events, competing) = read_tte_events(r, node, et, path, event_names);
    let milestones = read_milestones(r, et, path);
    let test = match test {
        TimeToEventTestName::Logrank => Some(TimeToEventTest::Logrank),
        TimeToEventTestName::StratifiedLogrank => Some(TimeToEventTest::StratifiedLogrank),
        TimeToEventTestName::Cox => Some(TimeToEventTest::Cox),
        TimeToEventTestName::MaxCombo => Some(TimeToEventTest::MaxCombo),
        TimeToEventTestName::FlemingHarrington => {
            let mut param = |k: &str| match get(et, k) {
                None => Some(0.0),
                Some(n) => r.number(n, &join(path, k), |x| {
                    if (0.0..=10.0).contains(&x) { Ok(()) } else { Err(format!("{k} must be in [0, 10]")) }
                }),
            };
            let (rho, gamma) = (param("rho"), param("gamma"));
            Some(TimeToEventTest::FlemingHarrington { rho: rho?, gamma: gamma? })
        }
        TimeToEventTestName::Rmst => {
            required_months(r, node, et, &join(path, "tau"), "the restriction time of the rmst test")
                .map(|tau| TimeToEventTest::Rmst { tau })
        }
        TimeToEventTestName::Milestone => {
            required_months(r, node, et, &join(path, "month"), "the month of the milestone test")
                .map(|month| TimeToEventTest::Milestone { month })
        }
        TimeToEventTestName::OneSampleLogrank => {
            match (get(et, "null_median_months"), get(et, "null_hazard_per_month")) {
                (Some(n), None) => r
                    .number(n, &join(path, "null_median_months"), positive_months)
                    .map(|m| TimeToEventTest::OneSampleLogrank { null_hazard: std::f64::consts::LN_2 / m }),
                (None, Some(n)) => r
                    .number(n, &join(path, "null_hazard_per_month"), |x| {
                        if x > 0.0 && x <= 1e6 { Ok(()) } else { Err("expected a hazard per month in (0, 1e6]".into()) }
                    })
                    .map(|h| TimeToEventTest::OneSampleLogrank { null_hazard: h }),
                _ => {
                    r.error_at(
                        &node.origin,
                        path,
                        "the one_sample_logrank test needs exactly one of null_median_months and null_hazard_per_month",
                    );
                    None
                }
            }
        }
    };
    let null_hazard_ratio = match get(et, "null_hazard_ratio") {
        None => Some(1.0),
        Some(n) => {
            let path = join(path, "null_hazard_ratio");
            let h = r.number(n, &path, |x| {
                if (1.0..=10.0).contains(&x) {
                    Ok(())
                } else {
                    Err("a non-inferiority margin on the hazard-ratio scale must be in [1, 10] (H0: HR ≥ margin; 1 is superiority)".into())
                }
            })?;
            let tests_margin = match &test {
                Some(TimeToEventTest::Logrank | TimeToEventTest::StratifiedLogrank | TimeToEventTest::Cox) => true,
                Some(
                    TimeToEventTest::FlemingHarrington { .. }
                    | TimeToEventTest::MaxCombo
                    | TimeToEventTest::OneSampleLogrank { .. }
                    | TimeToEventTest::Rmst { .. }
                    | TimeToEventTest::Milestone { .. },
                )
                | None => false,
            };
            if !tests_margin {
                r.error(
                    n,
                    &path,
                    "a non-inferiority margin is tested by the logrank, stratified_logrank and cox tests only",
                );
                return None;
            }
            Some(h)
        }
    };
    let intercurrent = match get(et, "intercurrent") {
        None => Some(Intercurrent::TreatmentPolicy),
        Some(n) => r.choice(n, &join(path, "intercurrent"), &Intercurrent::NAMES).and_then(Intercurrent::parse),
    };
    Some(EndpointKind::TimeToEvent {
        events: events?,
        competing: competing?,
        milestones: milestones?,
        test: test?,
        null_hazard_ratio: null_hazard_ratio?,
        intercurrent: intercurrent?,
    })
}

/// A time-to-event endpoint's `events` (at least one) and `competing` events (none of them
/// also an endpoint event).
fn read_tte_events(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    event_names: &[String],
) -> (Option<Vec<EventId>>, Option<Vec<EventId>>) {
    let events =
        r.required(node, et, path, "events", "a list of event names, e.g. [\"peritoneal_metastasis\"]").and_then(|n| {
            let ids = name_list(r, n, &join(path, "events"), event_names, "event")?;
            if ids.is_empty() {
                r.error(n, &join(path, "events"), "expected at least one event name");
                return None;
            }
            Some(ids)
        });
    let competing = match get(et, "competing") {
        None => Some(Vec::new()),
        Some(n) => name_list(r, n, &join(path, "competing"), event_names, "event").and_then(|ids| {
            if let Some(ev) = &events
                && let Some(&dup) = ids.iter().find(|i| ev.contains(i))
            {
                r.error(
                    n,
                    &join(path, "competing"),
                    format!("event {:?} is both an endpoint event and a competing one", event_names[dup]),
                );
                return None;
            }
            Some(ids)
        }),
    };
    (events, competing)
}

/// A time-to-event endpoint's `milestones`: months, increasing strictly.
fn read_milestones(r: &mut Reader, et: &[Entry], path: &str) -> Option<Vec<f64>> {
    match get(et, "milestones") {
        None => Some(Vec::new()),
        Some(n) => r.array(n, &join(path, "milestones"), "months").and_then(|items| {
            let before = r.errors.len();
            let ms: Vec<f64> = items
                .iter()
                .enumerate()
                .filter_map(|(i, m)| r.number(m, &format!("{}[{i}]", join(path, "milestones")), positive_months))
                .collect();
            if r.errors.len() > before {
                return None;
            }
            if ms.windows(2).any(|w| w[1] <= w[0]) {
                r.error(n, &join(path, "milestones"), "milestones must increase strictly");
                return None;
            }
            Some(ms)
        }),
    }
}

/// The stage sizes and cut-offs of a Simon two-stage design, checked against the sample size.
fn read_simon(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    sample_size: Option<u32>,
) -> Option<(u32, u32, u32)> {
    let n = sample_size? as i64;
    let mut int = |k: &str, what: &str, max: i64| {
        r.required(node, et, path, k, what).and_then(|v| r.integer(v, &join(path, k), 0, max))
    };
    let n1 = int("stage1_patients", "the number of patients in stage 1", n - 1);
    let r1 = int("stage1_max_responses", "stop after stage 1 when responses are at most this", n);
    let rr = int("max_responses", "reject the null rate when total responses exceed this", n - 1);
    let (n1, r1, rr) = (n1?, r1?, rr?);
    if n1 < 1 || r1 >= n1 || r1 > rr {
        r.error_at(
            &node.origin,
            path,
            format!(
                "a Simon design needs 1 <= stage1_patients < sample_size, stage1_max_responses < stage1_patients and stage1_max_responses <= max_responses < sample_size (found n1 = {n1}, r1 = {r1}, r = {rr}, n = {n})"
            ),
        );
        return None;
    }
    Some((n1 as u32, r1 as u32, rr as u32))
}

/// A Bayesian rule's keys: `prior` (and, for two arms, `control_prior`, the prior's copy by
/// default), `threshold`, `interims`, `futility_predictive`, `early_success`.
fn read_bayes_rule(
    r: &mut Reader,
    node: &Node,
    et: &[Entry],
    path: &str,
    two_arms: bool,
    sample_size: Option<u32>,
) -> Option<BayesRule> {
    use crate::stats::bayes::BetaMixture;
    let prior_at = |r: &mut Reader, key: &str| -> Option<Option<BetaMixture>> {
        let Some(n) = get(et, key) else { return Some(None) };
        let p = join(path, key);
        let spec = r.string(n, &p)?;
        match BetaMixture::parse(spec) {
            Ok(m) => Some(Some(m)),
            Err(why) => {
                r.error(
                    n,
                    &p,
                    format!("{why}; expected \"beta:A,B\", \"mixture:W,A1,B1,A2,B2\" (weight W on the first) or \"power:A0,XH,NH\" (XH responders of NH historical patients, discounted by A0 in [0, 1])"),
                );
                None
            }
        }
    };
    let prior = match prior_at(r, "prior") {
        Some(Some(p)) => Some(p),
        Some(None) => {
            r.error_at(
                &node.origin,
                &join(path, "prior"),
                "missing; expected the prior of the response rate, e.g. \"beta:1,1\"",
            );
            None
        }
        None => None,
    };
    let control_prior = if two_arms { prior_at(r, "control_prior") } else { Some(None) };
    let threshold = r
        .required(node, et, path, "threshold", "the posterior probability a Go must exceed, in (0, 1)")
        .and_then(|n| {
            r.number(n, &join(path, "threshold"), |x| {
                if x > 0.0 && x < 1.0 {
                    Ok(())
                } else {
                    Err("a posterior probability threshold must be in (0, 1)".into())
                }
            })
        });
    let looks = match get(et, "interims") {
        None => Some(Vec::new()),
        Some(n) => {
            let p = join(path, "interims");
            let max = sample_size.map_or(i64::from(u32::MAX), |n| i64::from(n) - 1);
            r.array(n, &p, "patient counts").and_then(|items| {
                let counts: Vec<Option<i64>> =
                    items.iter().enumerate().map(|(k, v)| r.integer(v, &format!("{p}[{k}]"), 1, max)).collect();
                let counts: Option<Vec<u32>> = counts.into_iter().map(|c| c.map(|c| c as u32)).collect();
                let counts = counts?;
                if counts.windows(2).any(|w| w[0] >= w[1]) {
                    r.error(n, &p, "interim patient counts must increase strictly");
                    return None;
                }
                Some(counts)
            })
        }
    };
    let futility = match get(et, "futility_predictive") {
        None => Some(None),
        Some(n) => r
            .number(n, &join(path, "futility_predictive"), |x| {
                if x > 0.0 && x < 1.0 {
                    Ok(())
                } else {
                    Err("a predictive probability of final success must be in (0, 1)".into())
                }
            })
            .map(Some),
    };
    let early_success = match get(et, "early_success") {
        None => Some(true),
        Some(n) => r.boolean(n, &join(path, "early_success")),
    };
    let (looks, futility, early_success) = (looks?, futility?, early_success?);
    if looks.is_empty() && (futility.is_some() || get(et, "early_success").is_some()) {
        r.error_on(
            get(et, "futility_predictive").or(get(et, "early_success")),
            &node.origin,
            path,
            "futility_predictive and early_success apply at interims: give interims = [patients, …]",
        );
        return None;
    }
    let control_prior = control_prior?.or_else(|| two_arms.then(|| prior.clone()).flatten());
    Some(BayesRule { prior: prior?, control_prior, threshold: threshold?, looks, futility, early_success })
}

/// A required positive number of months at `path` (its last key in `et`): `what` names it.
fn required_months(r: &mut Reader, node: &Node, et: &[Entry], path: &str, what: &str) -> Option<f64> {
    let key = path.rsplit('.').next().expect("a dotted path");
    match get(et, key) {
        None => {
            r.error_at(&node.origin, path, format!("missing; expected {what}, in months"));
            None
        }
        Some(n) => r.number(n, path, positive_months),
    }
}
