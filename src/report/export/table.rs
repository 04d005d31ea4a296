//! The terminal table, for people: per endpoint the power and its interval, the analytic
//! companion, the estimate's median and 95% range and the events; the looks of a design with
//! looks; the analysis month; warnings last.

use super::exporter::Exporter;
use crate::report::model::{
    Analytic, CohortResult, EndpointReport, InferenceAtStopping, Look, NullReport, RunReport, SimonReport, SizeReport,
    SweepReport, VerifyReport,
};

pub struct Table;

use super::exporter::{fixed as f, p_value};

fn interval(ci: Option<[f64; 2]>) -> String {
    ci.map_or("—".into(), |c| format!("[{:.3}, {:.3}]", c[0], c[1]))
}

/// Wraps `text` at 100 columns (its leading spaces kept), continuation lines indented by
/// `indent` spaces.
fn wrap(text: &str, indent: usize) -> String {
    let body = text.trim_start_matches(' ');
    let (mut out, mut line) = (String::new(), " ".repeat(text.len() - body.len()));
    let mut fresh = true;
    for word in body.split(' ').filter(|w| !w.is_empty()) {
        if !fresh && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = " ".repeat(indent);
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    out + &line + "\n"
}

const WIDTH: usize = 100;

/// A labelled line (`  label` padded to 24 columns, then `rest`), wrapped at 100 columns with
/// continuation lines under `rest`.
fn labelled(label: &str, rest: &str) -> String {
    let body = wrap(&format!("{}{rest}", " ".repeat(24)), 24);
    let head = format!("  {label:<22}");
    if head.chars().count() == 24 { head + &body[24..] } else { format!("{head}{}", body.trim_start()) }
}

/// Writes one endpoint's block: its test, power, analytic companion, estimate, events,
/// milestones, cohorts and looks.
fn endpoint_block(out: &mut String, e: &EndpointReport, replicates: u64) {
    let test = match crate::scenario::EndpointKindName::parse(&e.kind) {
        Some(crate::scenario::EndpointKindName::Safety) => "no test".to_string(),
        Some(crate::scenario::EndpointKindName::TimeToEvent | crate::scenario::EndpointKindName::Binary) | None => {
            e.test.replace('_', " ")
        }
    };
    out.push_str(&format!("{} — {}, {test}\n", e.name, e.kind.replace('_', " ")));
    if let (Some(p), Some(ci)) = (e.power, e.power_ci) {
        out.push_str(&format!(
            "  {:<22}{:.3}  (95% CI {:.3} to {:.3}; Monte Carlo SE {:.4}; {} rejections)\n",
            "power",
            p,
            ci[0],
            ci[1],
            e.power_mcse.unwrap_or(f64::NAN),
            e.rejections.unwrap_or(0)
        ));
    }
    if let Some(p) = e.power_unadjusted {
        out.push_str(&format!(
            "  {:<22}{:.3}  (the test alone, before the multiplicity rule)\n",
            "power unadjusted", p
        ));
    }
    analytic_line(out, e);
    if let Some(p) = e.p_any_grade3 {
        out.push_str(&format!("  {:<22}{:.3}\n", "P(any grade >= 3)", p));
    }
    estimate_lines(out, e);
    if let Some(i) = &e.inference_at_stopping {
        inference_lines(out, i);
    }
    if let Some(m) = &e.simon {
        out.push_str(&format!(
            "  {:<22}P(early termination) {:.3} (MCSE {:.4}); expected sample size {}\n",
            "Simon stage 1",
            m.probability_of_early_termination,
            m.pet_mcse,
            f(m.expected_sample_size, 1)
        ));
    }
    if let Some(b) = &e.bayesian {
        bayes_lines(out, b);
    }
    if let Some(x) = &e.exact_interval {
        out.push_str(&format!(
            "  {:<22}{:.3} to {:.3} on average (Clopper–Pearson)\n",
            "exact 95% interval", x.mean_lower, x.mean_upper
        ));
    }
    if let Some(d) = e.events {
        out.push_str(&format!("  {:<22}mean {:.1} (2.5% {:.0}, 97.5% {:.0})\n", e.counted(), d.mean, d.q025, d.q975));
    }
    milestone_lines(out, e, replicates);
    if let Some(cohorts) = &e.cohorts {
        cohort_lines(out, cohorts);
    }
    if let Some(looks) = e.looks.as_ref().filter(|l| l.len() > 1) {
        looks_table(out, looks, replicates, e.look_counts());
        look_notes(out, looks, replicates);
    }
}

/// Writes the line of the analytic companion of the power, where the endpoint has one.
fn analytic_line(out: &mut String, e: &EndpointReport) {
    match &e.analytic {
        Some(Analytic::TimeToEvent(a)) => {
            let head = format!("analytic, {} events", f(Some(a.events), 0));
            match a.group_sequential_power {
                Some(gs) => out.push_str(&format!(
                    "  {head:<22}group-sequential {}; without looks Schoenfeld {}, Freedman {}\n",
                    f(gs, 3),
                    f(Some(a.schoenfeld_power), 3),
                    f(Some(a.freedman_power), 3)
                )),
                // A design with looks but no group-sequential companion is adaptive: the fixed
                // design's numbers are only a reference.
                None if e.has_looks() => out.push_str(&format!(
                    "  {head:<22}none for an adaptive design (fixed design: Schoenfeld {}, Freedman {})\n",
                    f(Some(a.schoenfeld_power), 3),
                    f(Some(a.freedman_power), 3)
                )),
                None => out.push_str(&format!(
                    "  {head:<22}Schoenfeld {}, Freedman {}\n",
                    f(Some(a.schoenfeld_power), 3),
                    f(Some(a.freedman_power), 3)
                )),
            }
        }
        Some(Analytic::Rates(a)) => out.push_str(&format!(
            "  {:<22}{} ({}; {:.0} + {:.0} patients; for 80% {}, 90% {})\n",
            // With looks the companion is of one analysis: the design's power is the simulation's.
            if e.has_looks() { "analytic, no looks" } else { "analytic power" },
            f(Some(a.power), 3),
            a.method.replace('_', " "),
            a.patients_treatment,
            a.patients_control,
            f(a.patients_80.map(f64::ceil), 0),
            f(a.patients_90.map(f64::ceil), 0)
        )),
        // Wrapped at 100 columns: a rule at looks names every look's count.
        Some(Analytic::Binary { method, power, critical_responses, at_looks }) => out.push_str(&labelled(
            "analytic power",
            &format!(
                "{} ({}; {})",
                f(Some(*power), 3),
                Analytic::binary_rule(method, *critical_responses, at_looks.as_deref()),
                method.replace('_', " ")
            ),
        )),
        None => {}
    }
}

/// Writes the estimate's median and 95% range, its accuracy against the true value and the
/// note on what it targets.
fn estimate_lines(out: &mut String, e: &EndpointReport) {
    let est = &e.estimate;
    match est.spread {
        Some(d) => out.push_str(&format!(
            "  {:<21} median {:.3} (2.5% {:.3}, 97.5% {:.3}); mean {:.3}, sd {:.3}{}\n",
            est.name.replace('_', " "),
            d.q500,
            d.q025,
            d.q975,
            d.mean,
            d.sd,
            if est.not_estimable > 0 { format!("; {} not estimable", est.not_estimable) } else { String::new() }
        )),
        None => out.push_str(&format!("  {:<22}not estimable in any trial\n", est.name.replace('_', " "))),
    }
    if let Some(a) = &est.accuracy {
        let coverage = match (a.coverage, a.coverage_mcse) {
            (Some(c), Some(se)) => format!("; 95% interval coverage {c:.3} (MCSE {se:.4})"),
            _ => String::new(),
        };
        out.push_str(&labelled(
            &format!("vs true {}", f(Some(a.true_value), 3)),
            &format!(
                "bias {:+.4} (MCSE {:.4}), RMSE {:.4}{}{coverage}",
                a.bias,
                a.bias_mcse,
                a.rmse,
                a.log_bias
                    .zip(a.log_bias_mcse)
                    .map_or(String::new(), |(b, se)| format!("; log scale {b:+.4} (MCSE {se:.4})"))
            ),
        ));
    }
    if let Some(note) = est.accuracy.as_ref().and_then(|a| a.estimand_note.as_ref()) {
        out.push_str(&labelled("note", note));
    }
}

/// Writes the inference at stopping: the median-unbiased hazard ratio and its interval beside
/// the naive estimate, and their coverage.
fn inference_lines(out: &mut String, i: &InferenceAtStopping) {
    let pct = |c: f64| format!("{:.0}%", 100.0 * c);
    if let (Some(q), Some(mean)) = (&i.quantiles, i.mean) {
        out.push_str(&labelled(
            "at stopping",
            &format!(
                "median-unbiased {} median {} (2.5% {}, 97.5% {}), mean {:.3}; {} interval {} to {} on average; stage-wise p median {} ({} trials; stage-wise ordering)",
                i.estimand_name(),
                f(q.q500, 3),
                f(q.q025, 3),
                f(q.q975, 3),
                mean,
                pct(i.confidence),
                f(i.mean_lower, 3),
                f(i.mean_upper, 3),
                p_value(i.p_quantiles.as_ref().and_then(|q| q.q500)),
                i.trials
            ),
        ));
    }
    if let Some(a) = &i.accuracy {
        let with_se = |x: Option<f64>, se: Option<f64>| match (x, se) {
            (Some(x), Some(se)) => format!("{x:.3} (MCSE {se:.4})"),
            _ => "—".into(),
        };
        let signed = |x: Option<f64>| x.map_or("—".into(), |x| format!("{x:+.4}"));
        // A hazard ratio's accuracy on the ratio scale, a rate difference's on its own.
        let centre = match i.estimand {
            None => format!(
                "median/true − 1 {} (naive {})",
                signed(a.median_ratio_minus_1),
                signed(a.naive_median_ratio_minus_1)
            ),
            Some(_) => format!(
                "median − true {} (naive {}); bias {} (MCSE {}, naive {})",
                signed(a.median_minus_true),
                signed(a.naive_median_minus_true),
                signed(a.bias),
                a.bias_mcse.map_or("—".into(), |x| format!("{x:.4}")),
                signed(a.naive_bias)
            ),
        };
        out.push_str(&labelled(
            &format!("vs true {}", f(Some(a.true_value), 3)),
            &format!(
                "{centre}; {} interval coverage {}, naive 95% {}; repeated intervals all cover {}",
                pct(i.confidence),
                with_se(a.coverage, a.coverage_mcse),
                with_se(a.naive_coverage, a.naive_coverage_mcse),
                with_se(a.repeated_coverage, a.repeated_coverage_mcse),
            ),
        ));
    }
    if let Some(note) = i.note() {
        out.push_str(&labelled("note", &note));
    }
}

/// Writes each milestone's mean estimate per arm, where the endpoint has milestones, with the
/// number of trials it rests on where that is fewer than all (`replicates`).
fn milestone_lines(out: &mut String, e: &EndpointReport, replicates: u64) {
    if let (Some(measure), Some(ms)) = (&e.milestone_measure, &e.milestones) {
        let arms: Vec<&str> = ms.0.first().map_or(Vec::new(), |(_, a)| a.0.iter().map(|(n, _)| n.as_str()).collect());
        out.push_str(&format!(
            "  {} at month (mean [2.5%, 97.5%] per arm: {})\n",
            measure.replace('_', " "),
            arms.join(", ")
        ));
        for (m, a) in &ms.0 {
            let v: Vec<String> =
                a.0.iter()
                    .map(|(_, x)| {
                        let rests = match x.not_estimable {
                            0 => String::new(),
                            k => format!(" (in {} of {replicates} trials)", replicates.saturating_sub(k)),
                        };
                        format!("{} [{}, {}]{rests}", f(x.mean, 3), f(x.q025, 3), f(x.q975, 3))
                    })
                    .collect();
            out.push_str(&wrap(&format!("    {m:>5}: {}", v.join(" vs ")), 11));
        }
    }
}

/// Writes the primary endpoint's hazard ratio within each cohort.
fn cohort_lines(out: &mut String, cohorts: &[CohortResult]) {
    out.push_str("  hazard ratio by cohort (median [2.5%, 97.5%] of the trials' Cox estimates):\n");
    for c in cohorts {
        let truth = c.true_hazard_ratio.map_or(String::new(), |t| format!("; true {t:.3}"));
        let wrong = c.wrong_way.map_or(String::new(), |w| format!("; wrong way in {:.1}%", 100.0 * w));
        out.push_str(&format!(
            "    {:<20}{} [{}, {}]{truth}{wrong}{}\n",
            c.cohort,
            f(c.q500, 3),
            f(c.q025, 3),
            f(c.q975, 3),
            if c.not_estimable > 0 { format!("; {} not estimable", c.not_estimable) } else { String::new() }
        ));
    }
}

/// Writes the tables of the looks of a design with looks, and their legends: where the trials
/// stop and what they have there, then both bounds on the z, hazard-ratio and nominal p-value
/// scales with the cumulative alpha (rpact's design summary).
fn looks_table(out: &mut String, looks: &[Look], replicates: u64, counts: &str) {
    out.push_str(&format!(
        "  {:>4} {:>5} {:>6} {:>7} {:>6} {:>8} {:>7} {:>7} {:>7} {:>6}\n",
        "look", "info", "reach", counts, "month", "patients", "P(eff)", "P(fut)", "cum pow", "z med"
    ));
    for l in looks {
        out.push_str(&format!(
            "  {:>4} {:>5.3} {:>6.3} {:>7} {:>6} {:>8} {:>7} {:>7} {:>7.3} {:>6}\n",
            l.look,
            l.information,
            l.reached,
            f(l.events, 1),
            f(l.cut_month, 1),
            f(l.patients, 1),
            f(Some(l.efficacy_share(replicates)), 3),
            f(l.futility_share(replicates), 3),
            l.cumulative_power,
            f(l.z_distribution.and_then(|q| q.q500), 2)
        ));
    }
    out.push_str(&wrap(
        &format!("  (info: planned information; reach: share of trials reaching the look, over which its {counts}, month, patients and bounds are means; P(eff), P(fut): stopping at the look; z med: the median z of every trial at the look)"),
        3,
    ));
    out.push_str(&format!(
        "  {:>4} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8} {:>9}\n",
        "look", "eff z", "eff HR", "eff p", "alpha", "fut z", "fut HR", "fut p"
    ));
    for l in looks {
        let fut = l.futility_z.filter(|z| z.is_finite());
        out.push_str(&format!(
            "  {:>4} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8} {:>9}\n",
            l.look,
            f(l.boundary_z, 3),
            f(l.boundary_hazard_ratio, 3),
            p_value(l.boundary_p),
            p_value(l.alpha_spent),
            f(fut, 3),
            f(l.futility_hazard_ratio, 3),
            p_value(l.futility_p)
        ));
    }
    out.push_str(&wrap(
        "  (bounds: efficacy (eff) and futility (fut) on the z scale, on the hazard-ratio scale at the look's mean events, and as one-sided nominal p-values (eff p: the level the look tests at); alpha: cumulative planned; means over the trials that reach the look)",
        3,
    ));
}

/// Writes the operating characteristics under the null beside the alternative's: where the
/// trials stop at each look and what they use (rpact's ASN under H0).
fn null_looks(out: &mut String, n: &NullReport, report: &RunReport) {
    let h1_events = report.expected_events();
    // What the monitored endpoint counts: events, or a response endpoint's responders; its
    // looks count events or the patients assessed.
    let (counted, at_looks) = report.primary_counts();
    out.push_str(&format!(
        "  {:<22}under H0 {:>8}   under H1 {:>8}\n  {:<22}         {:>8}            {:>8}\n  {:<22}         {:>8}            {:>8}\n",
        format!("expected {counted}"),
        f(n.expected_events, 1),
        f(h1_events, 1),
        "expected patients",
        f(n.expected_patients, 1),
        f(report.analysis.expected_patients, 1),
        "expected duration (mo)",
        f(n.expected_duration_months, 1),
        f(report.analysis.expected_duration_months, 1)
    ));
    let Some(looks) = n.looks.as_ref().filter(|l| l.len() > 1) else { return };
    let r = report.replicates;
    out.push_str(&format!(
        "  under H0: {:>4} {:>6} {:>7} {:>6} {:>8} {:>7} {:>7} {:>7}\n",
        "look", "reach", at_looks, "month", "patients", "P(eff)", "P(fut)", "cum rej"
    ));
    for l in looks {
        out.push_str(&format!(
            "            {:>4} {:>6.3} {:>7} {:>6} {:>8} {:>7} {:>7} {:>7.4}\n",
            l.look,
            l.reached,
            f(l.events, 1),
            f(l.cut_month, 1),
            f(l.patients, 1),
            f(Some(l.efficacy_share(r)), 4),
            f(l.futility_share(r), 3),
            l.cumulative_power
        ));
    }
}

/// Writes each look's harm bound and conditional power, where the design has them.
fn look_notes(out: &mut String, looks: &[Look], replicates: u64) {
    for l in looks {
        if let (Some(h), Some(share)) = (l.harm_z, l.harm_share(replicates)) {
            out.push_str(&wrap(
                &format!(
                    "  look {} harm bound z {} (HR {}): stopped for harm in {} of trials",
                    l.look,
                    f(Some(h), 3),
                    f(l.harm_hazard_ratio, 3),
                    f(Some(share), 4)
                ),
                4,
            ));
        }
        if let Some(share) = l.capped_share(replicates) {
            out.push_str(&wrap(
                &format!(
                    "  look {} event re-estimation: the next stage's required events exceeded its maximum in {} of trials ({} trials)",
                    l.look,
                    f(Some(share), 4),
                    l.capped.unwrap_or(0)
                ),
                4,
            ));
        }
        for c in l.conditional_power.iter().flatten() {
            let what = match (c.under.as_str(), c.hazard_ratio) {
                ("predictive", _) => "predictive probability (flat prior)".to_string(),
                (under, Some(h)) => format!("conditional power under {under} HR {h}"),
                (_, None) => "conditional power under the estimate".into(),
            };
            out.push_str(&wrap(&format!(
                "  look {} {what}: mean {}, median {} (2.5% {}, 97.5% {}); below 0.1 in {}, below 0.2 in {} of {} trials",
                l.look,
                f(c.mean, 3),
                f(c.distribution.and_then(|q| q.q500), 3),
                f(c.distribution.and_then(|q| q.q025), 3),
                f(c.distribution.and_then(|q| q.q975), 3),
                f(c.below_0_1, 3),
                f(c.below_0_2, 3),
                c.trials
            ), 4));
        }
    }
}

impl Exporter<RunReport> for Table {
    fn export(&self, report: &RunReport) -> String {
        let mut out = String::new();
        out.push_str(&wrap(&report.scenario, 2));
        out.push_str(&format!("{} virtual trials, seed {}\n", report.replicates, report.seed));
        if let Some(i) = &report.interrupted {
            out.push_str(&format!(
                "INTERRUPTED after {} of {} virtual trials: the numbers below are of those only\n",
                i.after, i.of
            ));
        }
        for e in &report.endpoints {
            out.push('\n');
            endpoint_block(&mut out, e, report.replicates);
        }
        let c = report.analysis.cut_month;
        out.push_str(&format!(
            "\nanalysis at month {} (2.5%: {}, 97.5%: {}), {} patients on average\n",
            f(c.map(|c| c.mean), 1),
            f(c.map(|c| c.q025), 1),
            f(c.map(|c| c.q975), 1),
            f(report.analysis.expected_patients, 1)
        ));
        if let Some(m) = &report.analysis.multiplicity {
            out.push_str(&format!(
                "multiplicity ({}): all rejected {}, at least one {}\n",
                m.method,
                f(Some(m.power_all), 3),
                f(Some(m.power_at_least_one), 3)
            ));
        }
        if let Some(n) = &report.null {
            out.push_str(&wrap(&format!("\nunder the null, the same virtual trials: {}", n.null.join("; ")), 2));
            out.push_str(&format!("  {:<22}type I error [95% CI]    (rejections; level: verdict)\n", ""));
            let rows =
                n.endpoints.0.iter().map(|(name, t)| (name.as_str(), t)).chain(n.family.iter().map(|t| ("family", t)));
            for (name, t) in rows {
                out.push_str(&format!(
                    "  {name:<22}{:.4} [{:.4}, {:.4}]  ({}; {}: {})\n",
                    t.type_one_error, t.ci[0], t.ci[1], t.rejections, t.level, t.verdict
                ));
            }
            null_looks(&mut out, n, report);
        }
        for w in &report.warnings {
            out.push_str(&wrap(&format!("warning: {w}"), 2));
        }
        let p = &report.provenance;
        out.push_str(&format!(
            "peritrial {}, seed {}, {} replicates\nscenario sha256 {}\n",
            p.peritrial, p.seed, p.replicates, p.scenario_sha256
        ));
        if let Some(t) = &report.timing {
            out.push_str(&format!(
                "{} s on {} threads, {:.3e} patients/s\n",
                f(Some(t.seconds), 3),
                t.threads,
                t.patients_per_second
            ));
        }
        out
    }
}

impl Exporter<SweepReport> for Table {
    fn export(&self, report: &SweepReport) -> String {
        let paths = report.paths();
        let mut out = report.interrupted_note().map_or(String::new(), |n| n + "\n\n");
        let head: Vec<String> = paths.iter().map(|p| format!("{p:>14}")).collect();
        out.push_str(&format!(
            "{} {:<20} {:>7} {:>16}  {:>22} {:>8} {:>7}\n",
            head.join(" "),
            "endpoint",
            "power",
            "95% CI",
            "estimate median (95%)",
            "events",
            "month"
        ));
        let mut warned = Vec::new();
        for p in &report.points {
            let values: Vec<String> = p.set.0.iter().map(|(k, v)| format!("{v:>w$}", w = k.len().max(14))).collect();
            for e in &p.report.endpoints {
                let sp = e.estimate.spread;
                out.push_str(&format!(
                    "{} {:<20} {:>7} {:>16}  {:>22} {:>8} {:>7}\n",
                    values.join(" "),
                    e.name,
                    f(e.power, 3),
                    interval(e.power_ci),
                    format!(
                        "{} ({}, {})",
                        f(sp.map(|d| d.q500), 3),
                        f(sp.map(|d| d.q025), 2),
                        f(sp.map(|d| d.q975), 2)
                    ),
                    f(e.events.map(|d| d.mean), 1),
                    f(p.report.analysis.cut_month.map(|c| c.mean), 1)
                ));
            }
            for w in &p.report.warnings {
                let at: Vec<String> = p.set.0.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                warned.push(format!("warning at {}: {w}", at.join(", ")));
            }
        }
        for w in warned {
            out.push_str(&w);
            out.push('\n');
        }
        if let Some(p) = report.points.first().map(|p| &p.report.provenance) {
            out.push_str(&format!(
                "peritrial {}, seed {}, {} replicates per point\n",
                p.peritrial, p.seed, p.replicates
            ));
        }
        out
    }
}

impl Exporter<SizeReport> for Table {
    fn export(&self, r: &SizeReport) -> String {
        format!(
            "{} = {} reaches power {:.4} (Monte Carlo SE {:.4}, {} trials; fitted {:.4}, 95% interval of the answer {:.1} to {:.1}) for {} (target {}){}\n",
            r.parameter,
            r.value,
            r.power,
            r.power_mcse,
            r.replicates,
            r.fitted_power,
            r.interval_95[0],
            r.interval_95[1],
            r.endpoint,
            r.target_power,
            r.analytic.as_ref().map_or(String::new(), |a| format!("; analytic ({}): {}", a.method, a.value))
        ) + &format!("{}\n", r.provenance.line())
    }
}

/// The two designs: stage-1 and total cut-offs, the expected sample size and the probability of
/// early termination under p0, the exact level and power.
impl Exporter<SimonReport> for Table {
    fn export(&self, r: &SimonReport) -> String {
        let mut out = format!(
            "Simon two-stage designs for p0 = {}, p1 = {}, one-sided alpha {}, power {}\n",
            r.p0,
            r.p1,
            r.alpha,
            r.power()
        );
        out.push_str(&format!("{}\n\n", r.rule));
        out.push_str(&format!(
            "{:<8} {:>4} {:>4} {:>4} {:>4} {:>10} {:>10} {:>8} {:>8}\n",
            "design", "r1", "n1", "r", "n", "E(N | p0)", "PET(p0)", "alpha", "power"
        ));
        for (name, x) in r.designs() {
            out.push_str(&format!(
                "{:<8} {:>4} {:>4} {:>4} {:>4} {:>10.2} {:>10.4} {:>8.4} {:>8.4}\n",
                name, x.r1, x.n1, x.r, x.n, x.en0, x.pet0, x.alpha, x.power
            ));
        }
        out
    }
}

/// Each check with its verdict, reference and tolerance, and at most ten of its failures.
impl Exporter<VerifyReport> for Table {
    fn export(&self, v: &VerifyReport) -> String {
        let mut out = format!(
            "peritrial {} installation qualification\ndate {}\nplatform {}, {} threads\n\n",
            v.peritrial, v.date, v.platform, v.threads
        );
        for c in &v.checks {
            out.push_str(&format!(
                "{}  {}\n      against {}\n      tolerance {}; {} compared, largest deviation {:.3e}\n",
                if c.passed { "PASS" } else { "FAIL" },
                c.check,
                c.against,
                c.tolerance,
                c.compared,
                c.largest_deviation
            ));
            for f in c.failures.iter().take(10) {
                out.push_str(&format!("      ! {f}\n"));
            }
            if c.failures.len() > 10 {
                out.push_str(&format!("      ! … and {} more\n", c.failures.len() - 10));
            }
        }
        out.push_str(&format!(
            "\n{} ({} checks, {:.1} s)\n",
            if v.passed { "PASSED: every check within its tolerance" } else { "FAILED: see the checks marked FAIL" },
            v.checks.len(),
            v.seconds
        ));
        out
    }
}

/// A Bayesian rule's decisions: Go and No-Go at each interim and at the final analysis (with
/// the exact probabilities of a single arm's rule beside them), its priors' effective sample
/// sizes and the posterior probability at the decision.
fn bayes_lines(out: &mut String, b: &crate::report::model::BayesOutcome) {
    let prior = match (&b.control_prior, b.control_prior_ess) {
        (Some(c), ess) => format!(
            "{} (ESS {}) treatment, {} (ESS {}) control",
            b.prior,
            crate::report::model::ess_text(b.prior_ess),
            c,
            crate::report::model::ess_text(ess)
        ),
        (None, _) => {
            format!("{} (effective sample size {})", b.prior, crate::report::model::ess_text(b.prior_ess))
        }
    };
    out.push_str(&labelled("Bayesian prior", &prior));
    for (k, d) in b.decisions.iter().enumerate() {
        let head = match d.patients {
            Some(n) => format!("interim at {n}"),
            None => "final".to_string(),
        };
        let exact = b.exact.as_ref().and_then(|x| x.get(k)).map_or(String::new(), |x| {
            let go = if x.go_responders > x.patients {
                "no Go".to_string()
            } else {
                format!("Go at {} or more", x.go_responders)
            };
            let rule = if d.patients.is_some() && x.continue_responders > 0 {
                format!("{go}, No-Go below {}", x.continue_responders)
            } else {
                format!("{go} responders")
            };
            format!("; exact {:.4} / {:.4} ({rule})", x.go, x.no_go)
        });
        out.push_str(&labelled(
            &head,
            &format!("Go {:.4} (MCSE {:.4}), No-Go {:.4} (MCSE {:.4}){exact}", d.go, d.go_mcse, d.no_go, d.no_go_mcse),
        ));
    }
    if let Some(c) = &b.calibrated {
        out.push_str(&labelled(
            "calibrated threshold",
            &format!(
                "{:.6} to {:.6} for type I error at most {}: exact {:.4}, power {:.4} (the same rule throughout)",
                c.threshold_lower, c.threshold_upper, c.alpha, c.type_one_error, c.power
            ),
        ));
    }
    out.push_str(&labelled(
        "Bayesian decision",
        &format!(
            "Go when the posterior probability exceeds {}; {} patients on average; posterior probability {} on average",
            b.threshold,
            f(b.expected_patients, 1),
            f(b.mean_posterior, 3)
        ),
    ));
}
