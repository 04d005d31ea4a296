//! The design in words: the sentences of a report's `design` and `warnings`, the note on what
//! an estimate targets, and the names of tests. Nothing here reads the report types, so that
//! `mod.rs` can re-export from this file without an import cycle.

use crate::report::key_number;
use crate::scenario::{
    Accrual, BayesRule, BinaryTest, Cut, Endpoint, EndpointKind, Futility, Intercurrent, Looks, Scenario,
    TimeToEventTest,
};
use crate::summary::Summary;

/// Why a time-to-event endpoint's estimate does not target the hazard ratio the scenario
/// states (which is conditional on the patient's frailty and cohort): the Cox model's ratio is
/// not collapsible, so a frailty, or cohorts with their own baselines pooled by an unstratified
/// estimate, move its target towards 1.
pub(super) fn estimand_note(s: &Scenario, i: usize) -> Option<String> {
    let (test, events) = match &s.endpoints()[i].kind {
        EndpointKind::TimeToEvent { test, events, .. } => (test, events),
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return None,
    };
    // Covariates with effects on the endpoint's events, in any cohort.
    let covariates: Vec<&str> = s
        .covariate_names()
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            s.cohorts().iter().any(|c| events.iter().any(|&e| c.event_effects[e].get(*k).is_some_and(|b| *b != 0.0)))
        })
        .map(|(_, n)| n.as_str())
        .collect();
    let frailty: Vec<&str> =
        s.cohorts().iter().filter(|c| c.frailty_variance.is_some()).map(|c| c.name.as_str()).collect();
    // Whether the estimate is stratified by cohort.
    let stratified = match test {
        TimeToEventTest::StratifiedLogrank => true,
        TimeToEventTest::Logrank
        | TimeToEventTest::FlemingHarrington { .. }
        | TimeToEventTest::MaxCombo
        | TimeToEventTest::Cox
        | TimeToEventTest::OneSampleLogrank { .. }
        | TimeToEventTest::Rmst { .. }
        | TimeToEventTest::Milestone { .. } => false,
    };
    let pooled = s.cohorts().len() > 1 && !stratified;
    let why = match (frailty.is_empty(), pooled, covariates.is_empty()) {
        (true, false, true) => return None,
        (false, _, _) => format!("a gamma frailty in {}", frailty.join(", ")),
        (true, true, _) => "cohorts with their own baselines pooled by an unstratified estimate".into(),
        (true, false, false) => format!(
            "covariates acting on its events ({}) that the unadjusted estimate does not condition on",
            covariates.join(", ")
        ),
    };
    Some(format!(
        "the stated hazard ratio is conditional; with {why} the Cox estimate targets a marginal ratio closer to 1 (non-collapsibility), and the bias and coverage include that"
    ))
}

/// The name of an endpoint's test ("none" for a safety endpoint).
pub(super) fn test_name(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::TimeToEvent { test, .. } => test.name(),
        EndpointKind::Binary { test, .. } => test.name(),
        EndpointKind::Safety { .. } => "none",
    }
}

/// `x` months, as the prose writes a duration.
fn months(x: f64) -> String {
    format!("{} months", key_number(x))
}

/// The design and its decision rules in words.
pub fn design(s: &Scenario) -> Vec<String> {
    let mut out = enrolment(s);
    for e in s.endpoints() {
        out.push(endpoint_rule(s, e));
    }
    out.push(cut_rule(s));
    out.extend(looks_rule(s));
    out.extend(harm_rule(s));
    out.extend(reestimation_rule(s));
    out.extend(multiplicity_rule(s));
    out
}

/// The sentences on the patients: their number, arms and accrual, cohorts, dropout and the
/// assessment schedule.
fn enrolment(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let arms: Vec<String> = s.arms().iter().map(|a| format!("{} ({})", a.name, a.allocation)).collect();
    let accrual = match &s.enrollment().accrual {
        Accrual::Uniform { months: m } => format!("uniformly over {}", months(*m)),
        Accrual::Piecewise { starts, rates } => {
            let parts: Vec<String> =
                starts.iter().zip(rates).map(|(a, r)| format!("{r} a month from month {}", key_number(*a))).collect();
            format!("at {}", parts.join(", "))
        }
    };
    out.push(format!(
        "{} patients randomised to {} (allocation in brackets, permuted blocks of {} within cohort), enrolled {accrual}.",
        s.enrollment().sample_size,
        arms.join(" and "),
        s.block_size()
    ));
    let cohorts: Vec<String> = s.cohorts().iter().map(|c| format!("{} {:.0}%", c.name, 100.0 * c.share)).collect();
    out.push(format!("Cohorts: {}.", cohorts.join(", ")));
    let dropout: Vec<String> =
        s.arms().iter().zip(s.dropout_hazard()).map(|(a, h)| format!("{} {h} a month", a.name)).collect();
    out.push(format!("Dropout hazard: {}.", dropout.join(", ")));
    if let Some(a) = &s.assessments() {
        let v: Vec<String> = a
            .starts
            .iter()
            .zip(&a.every)
            .map(|(st, e)| format!("every {} from month {}", months(*e), key_number(*st)))
            .collect();
        out.push(format!("Recurrences are seen at imaging visits ({}); deaths when they happen.", v.join(", ")));
    }
    out
}

/// The sentence on one endpoint: its kind and its test (or none) with its level.
fn endpoint_rule(s: &Scenario, e: &Endpoint) -> String {
    let against =
        e.control.map_or("against its historical value".to_string(), |c| format!("against {}", s.arms()[c].name));
    let superiority = || {
        format!(
            "{} test of {} {against}, one-sided alpha {}",
            test_name(&e.kind).replace('_', " "),
            s.arms()[e.treatment].name,
            e.alpha
        )
    };
    let rule = match &e.kind {
        EndpointKind::Safety { .. } => "no test: rates with exact (Clopper–Pearson) intervals".to_string(),
        EndpointKind::Binary { test, null_difference, .. } => match test {
            BinaryTest::SimonTwoStage { null_rate, stage1_patients, stage1_max_responses, max_responses } => {
                let n = s.enrollment().sample_size;
                let size = e.kind.exact_size(n).unwrap_or(f64::NAN);
                format!(
                    "Simon two-stage test of the response rate against {null_rate}: stop after {stage1_patients} patients with at most {stage1_max_responses} responses; promising with {} or more responses of {n}; one-sided level {} (exact size {size:.4})",
                    max_responses + 1,
                    e.alpha
                )
            }
            BinaryTest::Bayesian { null_rate, rule } => {
                bayes_sentence(s, e, &format!("P(rate > {null_rate} | data)"), rule)
            }
            BinaryTest::BayesianDifference { rule } => bayes_sentence(
                s,
                e,
                &format!(
                    "P(rate of {} − rate of {} > {null_difference} | data)",
                    s.arms()[e.treatment].name,
                    e.control.map_or("control", |c| s.arms()[c].name.as_str())
                ),
                rule,
            ),
            BinaryTest::GComputation { over_treated } => format!(
                "the response rate difference of {} {against} adjusted for the measured covariates ({}) by g-computation: a logistic model of the response on the arm and the covariates, its predictions standardised over {} ({}), z = (difference − {null_difference}) / SE, one-sided alpha {}",
                s.arms()[e.treatment].name,
                measured_names(s),
                if *over_treated {
                    "the treated (the effect in the treatment arm's population)"
                } else {
                    "every patient"
                },
                if *over_treated {
                    "delta-method SE with the HC0 sandwich"
                } else {
                    "influence-function SE, FDA 2023 covariate-adjustment guidance"
                },
                e.alpha
            ),
            BinaryTest::Weighted { estimand, truncate } => format!(
                "the response rate difference of {} {against} weighted by the propensity score of the measured covariates ({}; logistic regression; {} weights{}): the Hájek difference with its HC0 SE (weights taken as fixed), z = (difference − {null_difference}) / SE, one-sided alpha {}",
                s.arms()[e.treatment].name,
                measured_names(s),
                match estimand {
                    crate::stats::weighting::Estimand::Ate => "ATE",
                    crate::stats::weighting::Estimand::Att => "ATT (odds)",
                    crate::stats::weighting::Estimand::Overlap => "overlap",
                },
                truncate.map_or(String::new(), |q| format!(", truncated at the {q} and {} quantiles", 1.0 - q)),
                e.alpha
            ),
            BinaryTest::ExactBinomial { .. } | BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => {
                if *null_difference != 0.0 {
                    format!(
                        "Farrington–Manning score test of non-inferiority of {} {against} with margin {null_difference} on the difference of response rates (H0: difference ≤ {null_difference}), one-sided alpha {}",
                        s.arms()[e.treatment].name,
                        e.alpha
                    )
                } else {
                    superiority()
                }
            }
        },
        EndpointKind::TimeToEvent { null_hazard_ratio, .. } => {
            if *null_hazard_ratio != 1.0 {
                format!(
                    "{} test of non-inferiority of {} {against} with margin {null_hazard_ratio} on the hazard ratio (H0: HR ≥ {null_hazard_ratio}), one-sided alpha {}",
                    test_name(&e.kind).replace('_', " "),
                    s.arms()[e.treatment].name,
                    e.alpha
                )
            } else {
                superiority()
            }
        }
    };
    format!("Endpoint {} ({}): {rule}.", e.name, e.kind.name().replace('_', " "))
}

/// A Bayesian rule's sentence: the priors (with their effective sample sizes), Go, the
/// interims' Go and No-Go, and that its level is the simulated Go rate under the null.
fn bayes_sentence(s: &Scenario, e: &Endpoint, alternative: &str, rule: &BayesRule) -> String {
    let prior = |p: &crate::stats::bayes::BetaMixture| {
        format!("{} (effective sample size {})", p.spec(), ess_text(p.ess_elir()))
    };
    let priors = match &rule.control_prior {
        Some(c) => format!(
            "prior {} on {}'s rate and {} on {}'s",
            prior(&rule.prior),
            s.arms()[e.treatment].name,
            prior(c),
            e.control.map_or("control", |c| s.arms()[c].name.as_str())
        ),
        None => format!("prior {} on {}'s rate", prior(&rule.prior), s.arms()[e.treatment].name),
    };
    let interims = if rule.looks.is_empty() {
        String::new()
    } else {
        let counts: Vec<String> = rule.looks.iter().map(u32::to_string).collect();
        let mut what = Vec::new();
        if rule.early_success {
            what.push("Go when it already exceeds the threshold".to_string());
        }
        if let Some(f) = rule.futility {
            what.push(format!("No-Go when the predictive probability of a final Go is below {f}"));
        }
        format!(
            "; interims after {} patients (the first by entry, once assessed): {}",
            counts.join(", "),
            if what.is_empty() { "no decision".to_string() } else { what.join("; ") }
        )
    };
    format!(
        "Bayesian rule, Go when {alternative} > {}, {priors}{interims}; its type I error is the Go rate of a run under the null (--null), not a stated alpha",
        rule.threshold
    )
}

/// The measured covariates, as an adjusted analysis sees them ("none" without any).
fn measured_names(s: &Scenario) -> String {
    let names: Vec<&str> =
        s.covariate_names().iter().zip(s.covariate_measured()).filter(|(_, m)| **m).map(|(n, _)| n.as_str()).collect();
    if names.is_empty() { "none".into() } else { names.join(", ") }
}

/// A prior's ELIR effective sample size as the reports write it.
pub fn ess_text(ess: Option<f64>) -> String {
    match ess {
        Some(x) => format!("{x:.1}"),
        None => "undefined: a component's shape is below 1".into(),
    }
}

/// The sentence on when the analysis is.
fn cut_rule(s: &Scenario) -> String {
    match &s.analysis().cut {
        Cut::Month(m) => format!("The analysis is at month {} after the first patient's entry.", key_number(*m)),
        Cut::Events { endpoint, events } => {
            format!("The analysis is at the {events}th {} event.", s.endpoints()[*endpoint].name)
        }
        Cut::MinFollowUp(m) => format!("The analysis is when the last patient has {} of follow-up.", months(*m)),
    }
}

/// The sentence on the analyses of a design with looks, its boundaries and its futility rule
/// (None with a single analysis).
fn looks_rule(s: &Scenario) -> Option<String> {
    if s.analysis().looks.count() <= 1 {
        return None;
    }
    let on = s.monitored().map_or(String::new(), |i| format!(" on {}", s.endpoints()[i].name));
    let kind = if s.analysis().binding_futility {
        "binding (the efficacy boundaries are computed with it)"
    } else {
        "non-binding"
    };
    let futility = match s.analysis().futility {
        None => String::new(),
        Some(Futility::Z(z)) => format!("; {kind} futility stop when z < {z}"),
        Some(Futility::BetaSpending { spending, beta }) => {
            format!("; {kind} futility bounds from {} beta-spending (beta {beta})", spending.name())
        }
        Some(Futility::ConditionalPower { below, hazard_ratio }) => format!(
            "; non-binding futility stop at an interim when the conditional power under {} is below {below}",
            hazard_ratio.map_or("the trial's current estimate".to_string(), |h| format!("a hazard ratio of {h}"))
        ),
    };
    // Responses: the information is the patients assessed; a single arm's boundaries are
    // responder counts on the exact binomial.
    let information = match s.monitored_responses() {
        Some(_) => "the patients assessed, observed over planned",
        None => "observed over planned information",
    };
    let exact = s.monitored().and_then(|i| crate::design::analytic::binary_companion_at_looks(s, i)).and_then(|c| c.3);
    let null_rate = s.monitored().and_then(|i| match s.endpoints()[i].kind {
        EndpointKind::Binary { test: BinaryTest::ExactBinomial { null_rate }, .. } => Some(null_rate),
        EndpointKind::Binary { .. } | EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => None,
    });
    let exact = exact.map_or(String::new(), |looks| {
        let each: Vec<String> = looks.iter().map(|[n, r]| format!("{r} of {n}")).collect();
        // A z futility rule on the exact scale is a floor of responders at each interim.
        let floors = match (s.analysis().futility, null_rate) {
            (Some(Futility::Z(z)), Some(p0)) => {
                let each: Vec<String> = looks[..looks.len() - 1]
                    .iter()
                    .map(|&[n, _]| format!("{} of {n}", crate::stats::binomial_looks::futility_floor(n as u32, p0, z)))
                    .collect();
                format!("; futility stop with fewer than {} responders", each.join(", "))
            }
            (Some(Futility::Z(_) | Futility::BetaSpending { .. } | Futility::ConditionalPower { .. }) | None, _) => {
                String::new()
            }
        };
        format!(" on the exact binomial (responders to reject at the planned looks: {}{floors})", each.join(", "))
    });
    Some(format!(
        "{} analyses{on} ({}), efficacy boundaries from {} alpha-spending at {information}{exact}{futility}; a trial stops at the first boundary crossed.",
        s.analysis().looks.count(),
        s.analysis().looks.describe(),
        s.analysis().spending.name()
    ))
}

/// The sentence on the harm bound, where the design has one.
fn harm_rule(s: &Scenario) -> Option<String> {
    let h = s.analysis().harm.as_ref()?;
    Some(format!(
        "Harm: a trial also stops when the z of {} is at or below a harm bound that spends a one-sided alpha of {} by {} spending in the unfavourable tail (binding: the efficacy boundaries are computed with it, as the lower boundary of a two-sided design); at the final look such a z concludes harm.",
        s.monitored().map_or("the monitored endpoint", |i| s.endpoints()[i].name.as_str()),
        h.alpha,
        h.spending.name()
    ))
}

/// The sentence on the event re-estimation, where the design has one.
fn reestimation_rule(s: &Scenario) -> Option<String> {
    let re = s.analysis().reestimation.as_ref()?;
    Some(format!(
        "Event re-estimation: at each interim the next stage's events are chosen for a conditional power of {} under {} (between {:?} and {:?} events a stage{}), and the looks test the inverse-normal combination of the stages' log-rank increments with the weights of the planned information.",
        re.conditional_power,
        re.hazard_ratio.map_or("the trial's estimate".to_string(), |h| format!("a hazard ratio of {h}")),
        re.min_events,
        re.max_events,
        re.promising_from.map_or(String::new(), |p| format!(
            "; only in the promising zone, a conditional power at the planned events from {p} up to the target"
        ))
    ))
}

/// The sentences on the multiplicity rule and, for a graphical one, its graph.
fn multiplicity_rule(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let Some(m) = &s.analysis().multiplicity else {
        return out;
    };
    let names: Vec<&str> = m.endpoints.iter().map(|&i| s.endpoints()[i].name.as_str()).collect();
    out.push(format!(
        "Multiplicity: {} over {} at family-wise one-sided alpha {}.",
        m.method.name().replace('_', " "),
        names.join(", "),
        m.alpha
    ));
    if m.method.shows_graph() {
        let mut edges = Vec::new();
        for (i, row) in m.graph.transitions.iter().enumerate() {
            for (k, &g) in row.iter().enumerate().filter(|&(_, &g)| g > 0.0) {
                edges.push(format!("{} → {} {g}", names[i], names[k]));
            }
        }
        let weights: Vec<String> = names.iter().zip(&m.graph.weights).map(|(n, w)| format!("{n} {w}")).collect();
        out.push(format!(
            "Graph (Bretz et al. 2009): initial weights {}; a rejected endpoint passes its weight {}.",
            weights.join(", "),
            if edges.is_empty() { "nowhere".to_string() } else { format!("along {}", edges.join(", ")) }
        ));
    }
    if let Some(pe) = s.monitored().filter(|_| s.monitored_level_varies()) {
        out.push(format!(
            "At the looks the boundary of {} depends on which members of the family the trial has rejected (its level moves along the graph): no single boundary is reported for it.",
            s.endpoints()[pe].name
        ));
    }
    out
}

/// A randomisation the trial cannot follow: a block larger than the trial (the trial is one
/// incomplete block, so the arms' sizes vary around the allocation), an arm expected to hold
/// fewer than 5 patients (its estimates are often not estimable).
fn allocation_warnings(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let (n, block) = (s.enrollment().sample_size, s.block_size());
    let total: u32 = s.arms().iter().map(|a| a.allocation).sum();
    if s.arms().len() > 1 && block > n {
        out.push(format!(
            "the randomisation block of {block} patients is larger than the trial's {n}: each trial is one incomplete block, so the arms' sizes vary from trial to trial instead of following the allocation {}",
            s.arms().iter().map(|a| a.allocation.to_string()).collect::<Vec<_>>().join(":")
        ));
    }
    for a in s.arms() {
        let expected = n as f64 * a.allocation as f64 / total.max(1) as f64;
        if s.arms().len() > 1 && expected < 5.0 {
            out.push(format!(
                "arm {} is expected to have {expected:.1} of the {n} patients (allocation {} of {total}): its estimates and the tests comparing it are often not estimable, and the tests' large-sample levels do not hold",
                a.name, a.allocation
            ));
        }
    }
    out
}

/// What the design did not do as it says, in words: every output carries these.
/// Why a trial's test of an endpoint of `kind` may have no statistic, in words.
fn untested_because(kind: &EndpointKind) -> String {
    use crate::scenario::TimeToEventTest;
    match kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::Rmst { tau } => {
                format!("an arm without patients, or followed for less than tau = {tau} months")
            }
            TimeToEventTest::Milestone { month } => {
                format!("an arm without patients, or followed for less than the milestone month {month}")
            }
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox
            | TimeToEventTest::OneSampleLogrank { .. } => "no event while both arms were at risk".into(),
        },
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => "no statistic".into(),
    }
}

pub fn warnings(s: &Scenario, summary: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    let r = summary.replicates;
    let target = match s.analysis().cut {
        crate::scenario::Cut::Events { endpoint, events } => Some((endpoint, events)),
        crate::scenario::Cut::Month(_) | crate::scenario::Cut::MinFollowUp(_) => None,
    };
    if let Some((endpoint, events)) = target
        && summary.cut_not_reached > 0
    {
        out.push(format!(
            "the cut's target of {events} {} events was not reached in {} of {r} trials ({:.1}%); those trials were analysed at their last observation",
            s.endpoints()[endpoint].name,
            summary.cut_not_reached,
            100.0 * summary.cut_not_reached as f64 / r.max(1) as f64
        ));
    }
    out.extend(allocation_warnings(s));
    for (e, es) in s.endpoints().iter().zip(&summary.endpoints).filter(|(_, es)| es.untested > 0) {
        out.push(format!(
            "{}: its test statistic could not be computed in {} of {r} trials ({:.1}%: {}); they count as not rejecting",
            e.name,
            es.untested,
            100.0 * es.untested as f64 / r.max(1) as f64,
            untested_because(&e.kind)
        ));
    }
    for e in s.endpoints() {
        let rate_margin = match e.kind {
            EndpointKind::Binary { null_difference, .. } => null_difference != 0.0,
            EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => false,
        };
        if rate_margin && [Some(e.treatment), e.control].into_iter().flatten().any(|a| s.dropout_hazard()[a] > 0.0) {
            out.push(format!(
                "{}: a dropout before the response assessment counts as no response; that draws both rates, and their difference, toward 0, which favours non-inferiority: at the margin the type I error exceeds alpha (run --null shows by how much)",
                e.name
            ));
        }
        let censors_at_switch = match e.kind {
            EndpointKind::TimeToEvent { intercurrent, .. } => match intercurrent {
                Intercurrent::TreatmentPolicy => false,
                Intercurrent::CensorAtSwitch => true,
            },
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
        };
        if censors_at_switch && s.cohorts().iter().any(|c| c.switching.is_some()) {
            out.push(format!(
                "{} censors patients when they switch therapy at recurrence: switching follows a recurrence, a sign of prognosis, so the censoring is informative and its hazard ratio and type I error are not those of a hypothetical estimand without switching",
                e.name
            ));
        }
    }
    let n_looks = summary.looks.len();
    for (k, l) in summary.looks.iter().enumerate() {
        if s.analysis().interims_during_enrolment && k + 1 < n_looks && l.after_enrolment > 0 {
            out.push(format!(
                "look {} was to come while patients were still being enrolled (analysis.looks.during_enrolment), but came after the last patient's entry in {} of {r} trials ({:.1}%)",
                k + 1,
                l.after_enrolment,
                100.0 * l.after_enrolment as f64 / r.max(1) as f64
            ));
        }
        if k + 1 < n_looks && l.not_reached > 0 {
            let target = match &s.analysis().looks {
                Looks::Information(f) => format!("event target (information {})", f[k]),
                Looks::Events(c) => format!("event target ({} events)", c[k]),
                Looks::Patients(c) => format!("count of assessments ({} patients)", c[k]),
                Looks::Months(m) => format!("month ({})", m[k]),
                Looks::Combined { fractions, months, later } => format!(
                    "trigger (the {} of information {} and month {})",
                    if *later { "later" } else { "earlier" },
                    fractions[k],
                    months[k]
                ),
            };
            let target = if s.analysis().look_gap_months > 0.0 {
                format!("{target}, at least {} months after the look before,", s.analysis().look_gap_months)
            } else {
                target
            };
            out.push(format!(
                "look {}'s {target} was not reached before the final cut in {} of {r} trials; it fell at the final cut, with no test of its own",
                k + 1,
                l.not_reached
            ));
        }
    }
    if !summary.cut_month.is_exact()
        || summary.endpoints.iter().any(|e| !e.estimates.is_exact() || !e.events.is_exact())
    {
        out.push(format!(
            "with more than {} trials the quantiles of the estimates, events and analysis month come from a fixed-memory sketch and are within 2^-10 (0.1%) of their magnitude of R's; means, standard deviations and every probability are exact",
            crate::summary::EXACT_LIMIT
        ));
    }
    out
}
