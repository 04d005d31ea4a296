//! The report of `peritrial run`: JSON with the keys of DESIGN.md (Report), a terminal table
//! for people, and CSV (one row per endpoint).

use super::key_number;
use crate::scenario::{BinaryTest, EndpointKind, Looks, Scenario, TimeToEventTest};
use crate::stats::binary;
use crate::summary::{ExactSum, Summary, Values};
use serde_json::{Map, Value, json};

/// How long the run took, for the `timing` key (the only key that is not a pure function of
/// scenario, seed and replicates).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub seconds: f64,
    pub threads: usize,
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn mean(s: &ExactSum) -> Value {
    s.mean().map_or(Value::Null, num)
}

fn test_name(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::Logrank => "logrank",
            TimeToEventTest::StratifiedLogrank => "stratified_logrank",
            TimeToEventTest::FlemingHarrington { .. } => "fleming_harrington",
            TimeToEventTest::Cox => "cox",
            TimeToEventTest::MaxCombo => "maxcombo",
            TimeToEventTest::OneSampleLogrank { .. } => "one_sample_logrank",
        },
        EndpointKind::Binary { test, .. } => match test {
            BinaryTest::ExactBinomial { .. } => "exact_binomial",
            BinaryTest::SimonTwoStage { .. } => "simon_two_stage",
            BinaryTest::Fisher => "fisher",
            BinaryTest::ChiSquare { .. } => "chi_square",
        },
        EndpointKind::Safety { .. } => "none",
    }
}

fn estimate_name(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::TimeToEvent { test: TimeToEventTest::OneSampleLogrank { .. }, .. } => "hazard_ratio_vs_null",
        EndpointKind::TimeToEvent { .. } => "hazard_ratio",
        EndpointKind::Binary { test: BinaryTest::Fisher | BinaryTest::ChiSquare { .. }, .. } => {
            "response_rate_difference"
        }
        EndpointKind::Binary { .. } => "response_rate",
        EndpointKind::Safety { .. } => "adverse_event_rate",
    }
}

/// Power, its Monte Carlo standard error sqrt(p(1 − p)/R) and Wilson 95% interval.
fn power(rejections: u64, r: u64) -> (f64, f64, (f64, f64)) {
    let p = rejections as f64 / r as f64;
    (p, (p * (1.0 - p) / r as f64).sqrt(), binary::wilson(rejections, r, 0.95))
}

fn distribution(v: &Values) -> Value {
    match v.describe() {
        Some(d) => {
            json!({ "mean": num(d.mean), "sd": num(d.sd), "q025": num(d.q025), "q500": num(d.q500), "q975": num(d.q975) })
        }
        None => Value::Null,
    }
}

/// The report as a JSON value.
pub fn json(s: &Scenario, summary: &Summary, complete: bool, timing: Option<Timing>) -> Value {
    let r = summary.replicates.max(1);
    let primary = crate::analyze::primary(s);
    let planning = crate::cut::Planning::of(s, crate::analyze::monitored(s));
    let mut endpoints = Map::new();
    for (i, (e, es)) in s.endpoints.iter().zip(&summary.endpoints).enumerate() {
        let mut o = Map::new();
        let kind = match &e.kind {
            EndpointKind::TimeToEvent { .. } => "time_to_event",
            EndpointKind::Binary { .. } => "binary",
            EndpointKind::Safety { .. } => "safety",
        };
        o.insert("kind".into(), json!(kind));
        o.insert("test".into(), json!(test_name(&e.kind)));
        if let EndpointKind::Safety { .. } = e.kind {
            o.insert("power".into(), Value::Null);
            o.insert("p_any_grade3".into(), num(es.any_grade3 as f64 / r as f64));
        } else {
            let (p, mcse, (lo, hi)) = power(es.rejections, r);
            o.insert("power".into(), num(p));
            o.insert("power_mcse".into(), num(mcse));
            o.insert("power_ci".into(), json!([num(lo), num(hi)]));
            o.insert("rejections".into(), json!(es.rejections));
            if s.analysis.multiplicity.as_ref().is_some_and(|m| m.endpoints.contains(&i)) {
                o.insert("power_unadjusted".into(), num(es.rejections_unadjusted as f64 / r as f64));
            }
        }
        let mut est = Map::new();
        est.insert("name".into(), json!(estimate_name(&e.kind)));
        if let Value::Object(d) = distribution(&es.estimates) {
            est.extend(d);
        }
        est.insert("not_estimable".into(), json!(es.not_estimable));
        if s.assessments.is_some()
            && let (Some(exact), Some(d)) = (es.exact_estimates.mean(), es.estimates.describe())
        {
            // Scheduled imaging delays when recurrences are seen; the same trials analysed
            // with recurrences seen when they happen show how much that moves the estimate.
            est.insert("mean_with_exact_event_times".into(), num(exact));
            est.insert("shift_from_assessment_schedule".into(), num(d.mean - exact));
        }
        if let (Some(lo), Some(hi)) = (es.cp_lower.mean(), es.cp_upper.mean()) {
            // The exact 95% interval a trial reports for the treatment arm's rate, on average.
            o.insert(
                "exact_interval".into(),
                json!({ "method": "clopper_pearson", "mean_lower": num(lo), "mean_upper": num(hi) }),
            );
        }
        o.insert("estimate".into(), Value::Object(est));
        let ev = es.events.describe();
        if let Some(a) = crate::design::analytic::tte_assumptions(s, i) {
            // Events: the cut's count when the cut waits for this endpoint, else the simulated mean.
            let (events, source) = match s.analysis.cut {
                crate::scenario::Cut::Events { endpoint, events } if endpoint == i && summary.cut_not_reached == 0 => {
                    (events as f64, "cut")
                }
                // With looks, the trials stop at different cuts: the design's planned events.
                _ if planning.trials > 0 && planning.events[i].is_finite() => (planning.events[i], "planned"),
                _ => (ev.map_or(0.0, |d| d.mean), "simulated_mean"),
            };
            use crate::design::analytic as an;
            let mut analytic = json!({ "hazard_ratio": num(a.hazard_ratio), "events": num(events), "events_source": source,
                        "schoenfeld_power": num(an::schoenfeld_power(e.alpha, events, a.hazard_ratio, a.ratio)),
                        "freedman_power": num(an::freedman_power(e.alpha, events, a.hazard_ratio, a.ratio)),
                        "schoenfeld_events_80": num(an::schoenfeld_events(e.alpha, 0.8, a.hazard_ratio, a.ratio)),
                        "schoenfeld_events_90": num(an::schoenfeld_events(e.alpha, 0.9, a.hazard_ratio, a.ratio)),
                        "freedman_events_80": num(an::freedman_events(e.alpha, 0.8, a.hazard_ratio, a.ratio)),
                        "freedman_events_90": num(an::freedman_events(e.alpha, 0.9, a.hazard_ratio, a.ratio)) });
            // With looks, the companion of the design the trials run: the same boundaries at the
            // planned information fractions, futility counted as stopping.
            let assumes = match an::GroupSequential::of(s, i) {
                Some(gs) => {
                    analytic["group_sequential_power"] = num(gs.power(events, a.hazard_ratio, a.ratio));
                    analytic["group_sequential_events_80"] = num(gs.events(0.8, a.hazard_ratio, a.ratio));
                    analytic["group_sequential_events_90"] = num(gs.events(0.9, a.hazard_ratio, a.ratio));
                    format!(
                        "group-sequential: {} looks at information {:?}, {} spending{}, the efficacy boundaries at the planned fractions; constant hazard ratio, Schoenfeld's drift. The schoenfeld_* and freedman_* values are of a fixed design without looks",
                        gs.looks.len(),
                        gs.looks,
                        s.analysis.spending.name(),
                        if gs.futility.is_some() { ", futility bounds counted as stopping" } else { "" }
                    )
                }
                None => "fixed design (one analysis); constant hazard ratio".to_string(),
            };
            analytic["assumes"] = json!(assumes);
            o.insert("analytic".into(), analytic);
        }
        if let Some((method, k, power)) = crate::design::analytic::binary_companion(s, i) {
            o.insert("analytic".into(), json!({ "method": method, "critical_responses": k, "power": num(power) }));
        }
        o.insert(
            "events".into(),
            ev.map_or(Value::Null, |d| json!({ "mean": num(d.mean), "q025": num(d.q025), "q975": num(d.q975) })),
        );
        if let EndpointKind::TimeToEvent { milestones, competing, .. } = &e.kind
            && !milestones.is_empty()
        {
            let mut ms = Map::new();
            for (j, &m) in milestones.iter().enumerate() {
                let mut arms = Map::new();
                arms.insert(s.arms[e.treatment].name.clone(), json!({ "mean": mean(&es.milestones[j][0]) }));
                if let Some(c) = e.control {
                    arms.insert(s.arms[c].name.clone(), json!({ "mean": mean(&es.milestones[j][1]) }));
                }
                ms.insert(key_number(m), Value::Object(arms));
            }
            o.insert(
                "milestone_measure".into(),
                json!(if competing.is_empty() { "survival" } else { "cumulative_incidence" }),
            );
            o.insert("milestones".into(), Value::Object(ms));
        }
        if Some(i) == primary {
            // The trial ends at the first look that crosses a boundary, else at the last one.
            let last = summary.looks.len().saturating_sub(1);
            let mut stopped_before = 0u64;
            let looks: Vec<Value> = summary
                .looks
                .iter()
                .enumerate()
                .map(|(k, l)| {
                    let ends_here = if k == last {
                        summary.replicates - stopped_before
                    } else {
                        l.efficacy_stops + l.futility_stops
                    };
                    stopped_before += ends_here;
                    let mut look = json!({ "look": k + 1, "information": num(planning.fractions[k]), "boundary_z": mean(&l.boundary),
                            "rejections": l.efficacy_stops, "futility_z": mean(&l.futility), "futility_stops": l.futility_stops,
                            "stop_probability": num(ends_here as f64 / r as f64),
                            "events": mean(&l.events), "cut_month": mean(&l.cut_month), "patients": mean(&l.patients),
                            "target_not_reached": l.not_reached });
                    if let Looks::Months(m) = &s.analysis.looks {
                        // The planned calendar month (the final look's is the cut's).
                        look["month"] = m.get(k).map_or(Value::Null, |&m| num(m));
                    }
                    look
                })
                .collect();
            o.insert("looks".into(), Value::Array(looks));
        }
        endpoints.insert(e.name.clone(), Value::Object(o));
    }
    let cut = summary.cut_month.describe();
    let mut analysis = Map::new();
    analysis.insert(
        "cut_month".into(),
        cut.map_or(Value::Null, |d| json!({ "mean": num(d.mean), "q025": num(d.q025), "q975": num(d.q975) })),
    );
    analysis.insert("expected_patients".into(), mean(&summary.patients));
    if planning.trials > 0 {
        // What the looks spend alpha against: the events each endpoint is expected to have at
        // the final cut, from a simulation of the scenario's assumptions.
        let mut planned = Map::new();
        for (e, &d) in s.endpoints.iter().zip(&planning.events) {
            if d.is_finite() {
                planned.insert(e.name.clone(), num(d));
            }
        }
        analysis.insert(
            "planned_events".into(),
            json!({ "events": planned, "trials": planning.trials, "seed": crate::cut::PLANNING_SEED,
                    "method": "the mean events at the final cut over the planning trials (a fixed seed, not the study's); a cut's own event target is used as it is" }),
        );
    }
    if let crate::scenario::Cut::Events { .. } = s.analysis.cut {
        analysis.insert("cut_target_not_reached".into(), json!(summary.cut_not_reached));
    }
    // Where the trial stops (efficacy or futility at a look, else the final analysis).
    analysis.insert("expected_duration_months".into(), cut.map_or(Value::Null, |d| num(d.mean)));
    let family = crate::engine::family(s);
    if family.len() > 1 {
        analysis.insert(
            "multiplicity".into(),
            json!({
                "method": match s.analysis.multiplicity.as_ref().map(|m| m.method) {
                    Some(crate::scenario::MultiplicityMethod::FixedSequence) => "fixed_sequence",
                    Some(crate::scenario::MultiplicityMethod::Holm) => "holm",
                    Some(crate::scenario::MultiplicityMethod::Bonferroni) => "bonferroni",
                    None => "none",
                },
                "endpoints": family.iter().map(|&i| s.endpoints[i].name.clone()).collect::<Vec<_>>(),
                "power_all": num(summary.all_rejected as f64 / r as f64),
                "power_at_least_one": num(summary.any_rejected as f64 / r as f64),
            }),
        );
    }
    let mut top = Map::new();
    top.insert("scenario".into(), json!(s.name));
    top.insert("replicates".into(), json!(summary.replicates));
    top.insert("seed".into(), json!(s.seed));
    top.insert("complete".into(), json!(complete));
    top.insert("warnings".into(), json!(warnings(s, summary)));
    top.insert("endpoints".into(), Value::Object(endpoints));
    top.insert("analysis".into(), Value::Object(analysis));
    if let Some(t) = timing {
        let patients = summary.replicates as f64 * s.enrollment.sample_size as f64;
        top.insert(
            "timing".into(),
            json!({ "seconds": num(t.seconds), "patients_per_second": num(patients / t.seconds.max(1e-9)), "threads": t.threads }),
        );
    }
    Value::Object(top)
}

/// What the design did not do as it says, in words: every output carries these.
pub fn warnings(s: &Scenario, summary: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    let r = summary.replicates;
    if let crate::scenario::Cut::Events { endpoint, events } = s.analysis.cut
        && summary.cut_not_reached > 0
    {
        out.push(format!(
            "the cut's target of {events} {} events was not reached in {} of {r} trials ({:.1}%); those trials were analysed at their last observation",
            s.endpoints[endpoint].name,
            summary.cut_not_reached,
            100.0 * summary.cut_not_reached as f64 / r.max(1) as f64
        ));
    }
    let n_looks = summary.looks.len();
    for (k, l) in summary.looks.iter().enumerate() {
        if k + 1 < n_looks && l.not_reached > 0 {
            let target = match &s.analysis.looks {
                Looks::Information(f) => format!("event target (information {})", f[k]),
                Looks::Months(m) => format!("month ({})", m[k]),
            };
            out.push(format!(
                "look {}'s {target} was not reached before the final cut in {} of {r} trials; it fell at the final cut, with no test of its own",
                k + 1,
                l.not_reached
            ));
        }
    }
    out
}

fn fmt(x: &Value, digits: usize) -> String {
    match x.as_f64() {
        Some(v) => format!("{v:.digits$}"),
        None => "—".into(),
    }
}

/// A table for people.
pub fn table(report: &Value) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}\n", report["scenario"].as_str().unwrap_or("")));
    out.push_str(&format!("{} virtual trials, seed {}\n", report["replicates"], report["seed"]));
    if let Some(i) = report.get("interrupted") {
        out.push_str(&format!(
            "INTERRUPTED after {} of {} virtual trials: the numbers below are of those only\n",
            i["after"], i["of"]
        ));
    }
    out.push('\n');
    out.push_str(&format!(
        "{:<24} {:<20} {:>8} {:>18}  {:<38} {:>8}\n",
        "endpoint", "test", "power", "95% CI", "estimate: median (2.5%, 97.5%)", "events"
    ));
    if let Some(eps) = report["endpoints"].as_object() {
        for (name, e) in eps {
            let ci = match e["power_ci"].as_array() {
                Some(c) => format!("[{}, {}]", fmt(&c[0], 3), fmt(&c[1], 3)),
                None => "—".into(),
            };
            let est = &e["estimate"];
            let est_s = format!(
                "{} {} ({}, {})",
                est["name"].as_str().unwrap_or(""),
                fmt(&est["q500"], 3),
                fmt(&est["q025"], 3),
                fmt(&est["q975"], 3)
            );
            out.push_str(&format!(
                "{:<24} {:<20} {:>8} {:>18}  {:<38} {:>8}\n",
                name,
                e["test"].as_str().unwrap_or(""),
                fmt(&e["power"], 3),
                ci,
                est_s,
                fmt(&e["events"]["mean"], 1)
            ));
            let a = &e["analytic"];
            if a["group_sequential_power"].is_number() {
                out.push_str(&format!(
                    "{:<24} analytic at {} events: group-sequential {}; without looks: Schoenfeld {}, Freedman {}\n",
                    "",
                    fmt(&a["events"], 0),
                    fmt(&a["group_sequential_power"], 3),
                    fmt(&a["schoenfeld_power"], 3),
                    fmt(&a["freedman_power"], 3)
                ));
            } else if a["schoenfeld_power"].is_number() {
                out.push_str(&format!(
                    "{:<24} analytic at {} events: Schoenfeld {}, Freedman {}\n",
                    "",
                    fmt(&a["events"], 0),
                    fmt(&a["schoenfeld_power"], 3),
                    fmt(&a["freedman_power"], 3)
                ));
            } else if a["power"].is_number() {
                out.push_str(&format!(
                    "{:<24} analytic ({}): power {}\n",
                    "",
                    a["method"].as_str().unwrap_or(""),
                    fmt(&a["power"], 3)
                ));
            }
            if e["p_any_grade3"].is_number() {
                out.push_str(&format!("{:<24} P(at least one grade >= 3 event) {}\n", "", fmt(&e["p_any_grade3"], 3)));
            }
        }
    }
    let c = &report["analysis"]["cut_month"];
    out.push_str(&format!(
        "\nanalysis at month {} (2.5%: {}, 97.5%: {}), {} patients on average\n",
        fmt(&c["mean"], 1),
        fmt(&c["q025"], 1),
        fmt(&c["q975"], 1),
        fmt(&report["analysis"]["expected_patients"], 1)
    ));
    if let Some(m) = report["analysis"]["multiplicity"].as_object() {
        out.push_str(&format!(
            "multiplicity ({}): all rejected {}, at least one {}\n",
            m["method"].as_str().unwrap_or(""),
            fmt(&m["power_all"], 3),
            fmt(&m["power_at_least_one"], 3)
        ));
    }
    if let Some(w) = report["warnings"].as_array() {
        for w in w {
            out.push_str(&format!("warning: {}\n", w.as_str().unwrap_or("")));
        }
    }
    if let Some(t) = report.get("timing") {
        out.push_str(&format!(
            "{} s on {} threads, {:.3e} patients/s\n",
            fmt(&t["seconds"], 3),
            t["threads"],
            t["patients_per_second"].as_f64().unwrap_or(0.0)
        ));
    }
    out
}

/// One CSV row per endpoint.
pub fn csv(report: &Value) -> String {
    // Every row says whether the run is complete and repeats the report's warnings, so that a
    // table read alone still says when the design did not do what it says (RFC 4180 quoting).
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "endpoint",
        "kind",
        "test",
        "power",
        "power_mcse",
        "power_ci_lower",
        "power_ci_upper",
        "rejections",
        "estimate_name",
        "estimate_mean",
        "estimate_sd",
        "estimate_q025",
        "estimate_q500",
        "estimate_q975",
        "events_mean",
        "complete",
        "warnings",
    ];
    let v = |x: &Value| x.as_f64().map_or(String::new(), |f| f.to_string());
    let warnings: Vec<&str> =
        report["warnings"].as_array().map_or(Vec::new(), |w| w.iter().filter_map(Value::as_str).collect());
    let complete = report["complete"].as_bool().map_or(String::new(), |c| c.to_string());
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<String>>()];
    if let Some(eps) = report["endpoints"].as_object() {
        for (name, e) in eps {
            let est = &e["estimate"];
            let s = |x: &Value| x.as_str().unwrap_or("").to_string();
            rows.push(vec![
                name.clone(),
                s(&e["kind"]),
                s(&e["test"]),
                v(&e["power"]),
                v(&e["power_mcse"]),
                v(&e["power_ci"][0]),
                v(&e["power_ci"][1]),
                e["rejections"].as_u64().map_or(String::new(), |x| x.to_string()),
                s(&est["name"]),
                v(&est["mean"]),
                v(&est["sd"]),
                v(&est["q025"]),
                v(&est["q500"]),
                v(&est["q975"]),
                v(&e["events"]["mean"]),
                complete.clone(),
                warnings.join("; "),
            ]);
        }
    }
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 fields")
}
