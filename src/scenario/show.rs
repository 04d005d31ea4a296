//! Writes a validated scenario back in the scenario language, with every default filled in
//! (`peritrial show`). The output validates to the same [`Scenario`].

use super::model::*;
use super::vocab::EndpointKindName;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value, value};

fn arr(xs: &[f64]) -> Value {
    Value::Array(xs.iter().copied().collect::<Array>())
}

fn pieces(starts: &[f64], values: &[f64]) -> Value {
    let mut a = Array::new();
    for (s, v) in starts.iter().zip(values) {
        a.push(Value::Array([*s, *v].into_iter().collect()));
    }
    Value::Array(a)
}

fn per_arm(s: &Scenario, xs: &[f64]) -> Value {
    if xs.windows(2).all(|w| w[0] == w[1]) {
        return Value::from(xs[0]);
    }
    let mut t = InlineTable::new();
    for (a, x) in s.arms.iter().zip(xs) {
        t.insert(&a.name, Value::from(*x));
    }
    Value::InlineTable(t)
}

fn names(list: &[String], ids: &[usize]) -> Value {
    Value::Array(ids.iter().map(|&i| list[i].as_str()).collect())
}

fn spending(sp: Spending) -> Value {
    match sp {
        Spending::HwangShihDeCani(g) => {
            let mut t = InlineTable::new();
            t.insert(sp.key(), g.into());
            Value::InlineTable(t)
        }
        Spending::OBrienFleming | Spending::Pocock => sp.key().into(),
    }
}

fn with_comment(v: impl Into<Value>, comment: String) -> Item {
    let mut v: Value = v.into();
    v.decor_mut().set_suffix(format!("  # {comment}"));
    Item::Value(v)
}

fn distribution_into(t: &mut dyn toml_edit::TableLike, d: &Distribution) {
    t.insert("distribution", value(d.name()));
    match d {
        Distribution::Exponential { rate } => {
            t.insert(
                "rate_per_month",
                with_comment(*rate, format!("median {:.4} months", std::f64::consts::LN_2 / rate)),
            );
        }
        Distribution::PiecewiseExponential { starts, rates } => {
            t.insert("rates", Item::Value(pieces(starts, rates)));
        }
        Distribution::Weibull { shape, scale } => {
            t.insert("shape", value(*shape));
            t.insert(
                "scale_months",
                with_comment(*scale, format!("median {:.4} months", scale * std::f64::consts::LN_2.powf(1.0 / shape))),
            );
        }
    }
}

fn event_model_into(s: &Scenario, t: &mut dyn toml_edit::TableLike, m: &EventModel) {
    if m.cure_fraction.iter().any(|&c| c > 0.0) {
        t.insert("distribution", value(Distribution::CURE));
        t.insert("cure_fraction", Item::Value(per_arm(s, &m.cure_fraction)));
        let mut latency = InlineTable::new();
        distribution_into(&mut latency, &m.distribution);
        for (_, v) in latency.iter_mut() {
            v.decor_mut().set_suffix("");
        }
        t.insert("latency", Item::Value(Value::InlineTable(latency)));
    } else {
        distribution_into(t, &m.distribution);
    }
    let mut hr = InlineTable::new();
    for (a, h) in s.arms.iter().zip(&m.hazard_ratio) {
        let v = if h.starts.len() == 1 { Value::from(h.ratios[0]) } else { pieces(&h.starts, &h.ratios) };
        hr.insert(&a.name, v);
    }
    t.insert("hazard_ratio", Item::Value(Value::InlineTable(hr)));
}

/// The scenario as TOML text.
pub fn to_toml(s: &Scenario) -> String {
    let mut doc = DocumentMut::new();
    doc.insert("study", Item::Table(study_table(s)));
    doc.insert("arms", Item::Table(arms_table(s)));
    doc.insert("enrollment", Item::Table(enrollment_table(s)));
    doc.insert("dropout", Item::Table(dropout_table(s)));
    if let Some(sch) = &s.assessments {
        doc.insert("assessments", Item::Table(assessments_table(sch)));
    }
    doc.insert("cohorts", Item::Table(cohorts_table(s)));
    doc.insert("endpoints", Item::Table(endpoints_table(s)));
    doc.insert("analysis", Item::Table(analysis_table(s)));
    doc.to_string()
}

/// `[study]`: name, replicates, seed.
fn study_table(s: &Scenario) -> Table {
    let mut study = Table::new();
    study.insert("name", value(&s.name));
    study.insert("replicates", value(s.replicates as i64));
    study.insert("seed", value(s.seed as i64));
    study
}

/// `[arms]`: each arm's allocation.
fn arms_table(s: &Scenario) -> Table {
    let mut arms = Table::new();
    for a in &s.arms {
        let mut t = InlineTable::new();
        t.insert("allocation", (a.allocation as i64).into());
        arms.insert(&a.name, Item::Value(Value::InlineTable(t)));
    }
    arms
}

/// `[enrollment]`: sample size, block size and accrual.
fn enrollment_table(s: &Scenario) -> Table {
    let mut enr = Table::new();
    enr.insert("sample_size", value(s.enrollment.sample_size as i64));
    enr.insert("block_size", value(s.block_size as i64));
    let mut acc = InlineTable::new();
    match &s.enrollment.accrual {
        Accrual::Uniform { months } => {
            acc.insert("months", (*months).into());
        }
        Accrual::Piecewise { starts, rates } => {
            acc.insert("rates", pieces(starts, rates));
        }
    }
    enr.insert("accrual", Item::Value(Value::InlineTable(acc)));
    enr
}

/// `[dropout]`: the hazard of loss to follow-up by arm.
fn dropout_table(s: &Scenario) -> Table {
    let mut drop = Table::new();
    drop.insert("hazard_per_month", Item::Value(per_arm(s, &s.dropout_hazard)));
    drop
}

/// `[assessments]`: the imaging schedule.
fn assessments_table(sch: &Schedule) -> Table {
    let mut a = Table::new();
    a.insert("schedule", Item::Value(pieces(&sch.starts, &sch.every)));
    a
}

/// `[cohorts]`: one table per cohort.
fn cohorts_table(s: &Scenario) -> Table {
    let mut cohorts = Table::new();
    cohorts.set_implicit(true);
    for c in &s.cohorts {
        cohorts.insert(&c.name, Item::Table(cohort_table(s, c)));
    }
    cohorts
}

/// `[cohorts.NAME]`: share, frailty, events, responses, adverse events and switching.
fn cohort_table(s: &Scenario, c: &Cohort) -> Table {
    let mut ct = Table::new();
    ct.insert("share", value(c.share));
    if let Some(a) = c.arm {
        ct.insert("arm", value(&s.arms[a].name));
    }
    if let Some(v) = c.frailty_variance {
        ct.insert("frailty_variance", value(v));
    }
    let mut events = Table::new();
    events.set_implicit(true);
    for (id, m) in c.events.iter().enumerate() {
        let Some(m) = m else { continue };
        let mut et = Table::new();
        event_model_into(s, &mut et, m);
        if s.event_names[id] == DEATH
            && let Some(ar) = &c.death_after_recurrence
        {
            let mut it = InlineTable::new();
            event_model_into(s, &mut it, ar);
            for (_, v) in it.iter_mut() {
                v.decor_mut().set_suffix("");
            }
            et.insert("after_recurrence", Item::Value(Value::InlineTable(it)));
        }
        effects_into(s, &mut et, &c.event_effects[id]);
        events.insert(&s.event_names[id], Item::Table(et));
    }
    if !events.is_empty() {
        ct.insert("events", Item::Table(events));
    }
    let mut responses = Table::new();
    responses.set_implicit(true);
    for (id, r) in c.responses.iter().enumerate() {
        let Some(r) = r else { continue };
        let mut rt = Table::new();
        rt.insert("probability", Item::Value(per_arm(s, &r.probability)));
        rt.insert("assessed_at_months", value(r.assessed_at_months));
        effects_into(s, &mut rt, &c.response_effects[id]);
        responses.insert(&s.response_names[id], Item::Table(rt));
    }
    if !responses.is_empty() {
        ct.insert("responses", Item::Table(responses));
    }
    let mut aes = Table::new();
    aes.set_implicit(true);
    for (id, a) in c.adverse_events.iter().enumerate() {
        let Some(a) = a else { continue };
        let mut at = Table::new();
        at.insert("probability", Item::Value(per_arm(s, &a.probability)));
        at.insert("grade3_share", value(a.grade3_share));
        aes.insert(&s.adverse_event_names[id], Item::Table(at));
    }
    if !aes.is_empty() {
        ct.insert("adverse_events", Item::Table(aes));
    }
    if let Some(sw) = &c.switching {
        let mut st = Table::new();
        st.insert("probability", Item::Value(per_arm(s, &sw.probability)));
        st.insert("death_hazard_ratio", value(sw.death_hazard_ratio));
        ct.insert("switching", Item::Table(st));
    }
    covariates_into(s, c, &mut ct);
    ct
}

/// An event's or response's `effects` on the covariates (the nonzero ones).
fn effects_into(s: &Scenario, t: &mut Table, effects: &[f64]) {
    let mut it = InlineTable::new();
    for (k, &b) in effects.iter().enumerate().filter(|(_, b)| **b != 0.0) {
        it.insert(&s.covariate_names[k], b.into());
    }
    if !it.is_empty() {
        t.insert("effects", Item::Value(Value::InlineTable(it)));
    }
}

/// A cohort's `covariates` (law, reference, whether measured) and `correlation` (the nonzero
/// pairs).
fn covariates_into(s: &Scenario, c: &Cohort, ct: &mut Table) {
    if c.covariates.is_empty() {
        return;
    }
    let mut cov = Table::new();
    for (k, x) in c.covariates.iter().enumerate() {
        let mut it = InlineTable::new();
        match x.law {
            CovariateLaw::Normal { mean, sd, min, max } => {
                let mut n = InlineTable::new();
                n.insert("mean", mean.into());
                n.insert("sd", sd.into());
                if min.is_finite() {
                    n.insert("min", min.into());
                }
                if max.is_finite() {
                    n.insert("max", max.into());
                }
                it.insert(x.law.name(), Value::InlineTable(n));
            }
            CovariateLaw::Binary { probability } => {
                it.insert(x.law.name(), probability.into());
            }
        }
        it.insert("reference", x.reference.into());
        if !s.covariate_measured[k] {
            it.insert("measured", false.into());
        }
        cov.insert(&s.covariate_names[k], Item::Value(Value::InlineTable(it)));
    }
    ct.insert("covariates", Item::Table(cov));
    let mut pairs = Array::new();
    for (i, row) in c.correlation.iter().enumerate() {
        for (j, &rho) in row.iter().enumerate().filter(|(j, r)| *j > i && **r != 0.0) {
            pairs.push(Value::Array(
                [
                    Value::from(s.covariate_names[i].as_str()),
                    Value::from(s.covariate_names[j].as_str()),
                    Value::from(rho),
                ]
                .into_iter()
                .collect(),
            ));
        }
    }
    if !pairs.is_empty() {
        ct.insert("correlation", value(pairs));
    }
}

/// `[endpoints]`: one table per endpoint.
fn endpoints_table(s: &Scenario) -> Table {
    let mut eps = Table::new();
    eps.set_implicit(true);
    for e in &s.endpoints {
        eps.insert(&e.name, Item::Table(endpoint_table(s, e)));
    }
    eps
}

/// `[endpoints.NAME]`: kind, its keys and test, arms and alpha.
fn endpoint_table(s: &Scenario, e: &Endpoint) -> Table {
    let mut t = Table::new();
    match &e.kind {
        EndpointKind::TimeToEvent { events, competing, milestones, test, null_hazard_ratio, intercurrent } => {
            let strategy = *intercurrent;
            time_to_event_into(s, &mut t, events, competing, milestones, test, *null_hazard_ratio, strategy);
        }
        EndpointKind::Binary { response, test, null_difference } => {
            binary_into(s, &mut t, *response, test, *null_difference);
        }
        EndpointKind::Safety { adverse_event } => {
            t.insert("kind", value(e.kind.name()));
            t.insert("adverse_event", value(&s.adverse_event_names[*adverse_event]));
        }
    }
    t.insert("treatment", value(&s.arms[e.treatment].name));
    if let Some(c) = e.control {
        t.insert("control", value(&s.arms[c].name));
    }
    // A safety endpoint has no test; Simon's design has the level of its cut-offs unless it
    // states the level it was made for.
    let has_alpha = match &e.kind {
        EndpointKind::Safety { .. } => false,
        EndpointKind::Binary { .. } | EndpointKind::TimeToEvent { .. } => {
            e.kind.exact_size(s.enrollment.sample_size) != Some(e.alpha)
        }
    };
    if has_alpha {
        t.insert("alpha", value(e.alpha));
    }
    t
}

/// The keys of a time-to-event endpoint and its test.
#[allow(clippy::too_many_arguments)]
fn time_to_event_into(
    s: &Scenario,
    t: &mut Table,
    events: &[EventId],
    competing: &[EventId],
    milestones: &[f64],
    test: &TimeToEventTest,
    null_hazard_ratio: f64,
    strategy: Intercurrent,
) {
    t.insert("kind", value(EndpointKindName::TimeToEvent.name()));
    match strategy {
        // The default.
        Intercurrent::TreatmentPolicy => {}
        strategy @ Intercurrent::CensorAtSwitch => {
            t.insert("intercurrent", value(strategy.name()));
        }
    }
    if null_hazard_ratio != 1.0 {
        t.insert("null_hazard_ratio", value(null_hazard_ratio));
    }
    t.insert("events", Item::Value(names(&s.event_names, events)));
    if !competing.is_empty() {
        t.insert("competing", Item::Value(names(&s.event_names, competing)));
    }
    t.insert("milestones", Item::Value(arr(milestones)));
    match test {
        TimeToEventTest::Logrank => t.insert("test", value(test.name())),
        TimeToEventTest::StratifiedLogrank => t.insert("test", value(test.name())),
        TimeToEventTest::Cox => t.insert("test", value(test.name())),
        TimeToEventTest::MaxCombo => t.insert("test", value(test.name())),
        TimeToEventTest::FlemingHarrington { rho, gamma } => {
            t.insert("rho", value(*rho));
            t.insert("gamma", value(*gamma));
            t.insert("test", value(test.name()))
        }
        TimeToEventTest::Rmst { tau } => {
            t.insert("tau", value(*tau));
            t.insert("test", value(test.name()))
        }
        TimeToEventTest::Milestone { month } => {
            t.insert("month", value(*month));
            t.insert("test", value(test.name()))
        }
        TimeToEventTest::OneSampleLogrank { null_hazard } => {
            t.insert(
                "null_hazard_per_month",
                with_comment(*null_hazard, format!("median {:.4} months", std::f64::consts::LN_2 / null_hazard)),
            );
            t.insert("test", value(test.name()))
        }
    };
}

/// The keys of a binary endpoint and its test.
fn binary_into(s: &Scenario, t: &mut Table, response: ResponseId, test: &BinaryTest, null_difference: f64) {
    t.insert("kind", value(EndpointKindName::Binary.name()));
    t.insert("response", value(&s.response_names[response]));
    if null_difference != 0.0 {
        t.insert("null_difference", value(null_difference));
    }
    match test {
        BinaryTest::ExactBinomial { null_rate } => {
            t.insert("test", value(test.name()));
            t.insert("null_rate", value(*null_rate));
        }
        BinaryTest::SimonTwoStage { null_rate, stage1_patients, stage1_max_responses, max_responses } => {
            t.insert("test", value(test.name()));
            t.insert("null_rate", value(*null_rate));
            t.insert("stage1_patients", value(*stage1_patients as i64));
            t.insert("stage1_max_responses", value(*stage1_max_responses as i64));
            t.insert("max_responses", value(*max_responses as i64));
        }
        BinaryTest::Fisher => {
            t.insert("test", value(test.name()));
        }
        BinaryTest::ChiSquare { continuity_correction } => {
            t.insert("test", value(test.name()));
            t.insert("continuity_correction", value(*continuity_correction));
        }
        BinaryTest::Bayesian { null_rate, rule } => {
            t.insert("test", value(test.name()));
            t.insert("null_rate", value(*null_rate));
            bayes_rule_into(t, rule);
        }
        BinaryTest::BayesianDifference { rule } => {
            t.insert("test", value(test.name()));
            bayes_rule_into(t, rule);
        }
        BinaryTest::GComputation { over_treated } => {
            t.insert("test", value(test.name()));
            t.insert("standardise_over", value(if *over_treated { "treated" } else { "all" }));
        }
        BinaryTest::Weighted { estimand, truncate } => {
            use crate::stats::weighting::Estimand;
            t.insert("test", value(test.name()));
            let w = match estimand {
                Estimand::Ate => "ate",
                Estimand::Att => "att",
                Estimand::Overlap => "overlap",
            };
            t.insert("weighting", value(w));
            if let Some(q) = truncate {
                t.insert("truncate", value(*q));
            }
        }
    }
}

/// A Bayesian rule's keys (a power prior written as the beta it is).
fn bayes_rule_into(t: &mut Table, rule: &BayesRule) {
    t.insert("prior", value(rule.prior.spec()));
    if let Some(c) = &rule.control_prior {
        t.insert("control_prior", value(c.spec()));
    }
    t.insert("threshold", value(rule.threshold));
    if !rule.looks.is_empty() {
        t.insert("interims", value(toml_edit::Array::from_iter(rule.looks.iter().map(|&n| n as i64))));
        if let Some(f) = rule.futility {
            t.insert("futility_predictive", value(f));
        }
        t.insert("early_success", value(rule.early_success));
    }
}

/// `[analysis]`: cut, looks, spending, futility, multiplicity, harm, re-estimation and
/// conditional power.
fn analysis_table(s: &Scenario) -> Table {
    let a = &s.analysis;
    let mut at = Table::new();
    at.insert("cut", Item::Value(Value::InlineTable(cut_table(s))));
    looks_into(a, &mut at);
    at.insert("spending", Item::Value(spending(a.spending)));
    if let Some(f) = a.futility {
        at.insert("futility", Item::Value(Value::InlineTable(futility_table(a, f))));
    }
    if let Some(m) = &a.multiplicity {
        at.insert("multiplicity", Item::Value(Value::InlineTable(multiplicity_table(s, m))));
    }
    if let Some(h) = &a.harm {
        at.insert("harm", Item::Value(Value::InlineTable(harm_table(h))));
    }
    if let Some(re) = &a.reestimation {
        at.insert("reestimation", Item::Value(Value::InlineTable(reestimation_table(re))));
    }
    if let Some(cp) = a.conditional_power {
        at.insert("report_conditional_power", toml_edit::value(true));
        if let Some(h) = cp.hazard_ratio {
            at.insert("conditional_power_hazard_ratio", toml_edit::value(h));
        }
    }
    at
}

/// `analysis.cut`.
fn cut_table(s: &Scenario) -> InlineTable {
    let mut cut = InlineTable::new();
    match s.analysis.cut {
        Cut::Month(m) => {
            cut.insert("month", m.into());
        }
        Cut::Events { endpoint, events } => {
            cut.insert("endpoint", s.endpoints[endpoint].name.as_str().into());
            cut.insert("events", (events as i64).into());
        }
        Cut::MinFollowUp(m) => {
            cut.insert("min_follow_up_months", m.into());
        }
    }
    cut
}

/// `analysis.looks`: an array of information fractions, or a table when it has more.
fn looks_into(a: &Analysis, at: &mut Table) {
    let extras = a.look_gap_months > 0.0 || a.interims_during_enrolment;
    let mut t = InlineTable::new();
    match &a.looks {
        Looks::Information(f) if !extras => {
            at.insert("looks", Item::Value(arr(f)));
        }
        Looks::Information(f) => {
            t.insert("fractions", arr(f));
        }
        Looks::Events(c) => {
            let mut a = toml_edit::Array::new();
            for &k in c {
                a.push(k as i64);
            }
            t.insert("events", a.into());
        }
        Looks::Patients(c) => {
            let mut a = toml_edit::Array::new();
            for &k in c {
                a.push(k as i64);
            }
            t.insert("patients", a.into());
        }
        Looks::Months(m) => {
            t.insert("months", arr(m));
        }
        Looks::Combined { fractions, months, later } => {
            t.insert("fractions", arr(fractions));
            t.insert("months", arr(months));
            t.insert("trigger", if *later { "later" } else { "earlier" }.into());
        }
    }
    if !t.is_empty() {
        if a.look_gap_months > 0.0 {
            t.insert("min_gap_months", a.look_gap_months.into());
        }
        if a.interims_during_enrolment {
            t.insert("during_enrolment", true.into());
        }
        at.insert("looks", Item::Value(Value::InlineTable(t)));
    }
}

/// `analysis.futility`: the rule and whether it binds.
fn futility_table(a: &Analysis, f: Futility) -> InlineTable {
    let mut ft = InlineTable::new();
    match f {
        Futility::Z(z) => ft.insert(f.key(), z.into()),
        Futility::BetaSpending { spending: sp, beta } => {
            ft.insert(f.key(), spending(sp));
            ft.insert(Futility::KEYS[1][0], beta.into())
        }
        Futility::ConditionalPower { below, hazard_ratio } => {
            let previous = ft.insert(f.key(), below.into());
            match hazard_ratio {
                Some(h) => ft.insert(Futility::KEYS[2][0], h.into()),
                None => previous,
            }
        }
    };
    if a.binding_futility {
        ft.insert(Futility::BINDING, true.into());
    }
    ft
}

/// `analysis.multiplicity`: the family, its level, spending and graph.
fn multiplicity_table(s: &Scenario, m: &Multiplicity) -> InlineTable {
    let mut mt = InlineTable::new();
    mt.insert("method", m.method.name().into());
    mt.insert("endpoints", Value::Array(m.endpoints.iter().map(|&i| s.endpoints[i].name.as_str()).collect()));
    mt.insert("alpha", m.alpha.into());
    let mut sp = InlineTable::new();
    for (&i, &f) in m.endpoints.iter().zip(&m.spending) {
        sp.insert(&s.endpoints[i].name, spending(f));
    }
    mt.insert("spending", Value::InlineTable(sp));
    let numbers = |xs: &[f64]| Value::Array(xs.iter().map(|&x| Value::from(x)).collect());
    if m.method.keys().contains(&"weights") {
        mt.insert("weights", numbers(&m.graph.weights));
    }
    if m.method.keys().contains(&"transitions") {
        mt.insert("transitions", Value::Array(m.graph.transitions.iter().map(|row| numbers(row)).collect()));
    }
    mt
}

/// `analysis.harm`: the harm bound's spending and level.
fn harm_table(h: &Harm) -> InlineTable {
    let mut ht = InlineTable::new();
    ht.insert("spending", spending(h.spending));
    ht.insert("alpha", h.alpha.into());
    ht
}

/// `analysis.reestimation`: the target conditional power and the stages' event bounds.
fn reestimation_table(re: &Reestimation) -> InlineTable {
    let mut rt = InlineTable::new();
    rt.insert("conditional_power", re.conditional_power.into());
    let ints = |xs: &[u32]| Value::Array(xs.iter().map(|&x| Value::from(x as i64)).collect());
    rt.insert("min_events", ints(&re.min_events));
    rt.insert("max_events", ints(&re.max_events));
    if let Some(h) = re.hazard_ratio {
        rt.insert("hazard_ratio", h.into());
    }
    if let Some(p) = re.promising_from {
        rt.insert("promising_from", p.into());
    }
    rt
}
