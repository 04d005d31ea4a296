//! The HTML simulation report (`--html FILE`): one self-contained file — CSS and the SVG plots
//! inline, nothing fetched — laid out as a trial simulation report: the design and decision
//! rules in words, the operating characteristics per endpoint and per look with their Monte
//! Carlo errors, the analytic companions against the simulation, the plots, the warnings, and
//! what reproduces it (command, version, seed, replicates, the effective scenario with the
//! values overridden by `--set` marked, its SHA-256, the platform).

use super::exporter::Exporter;
use crate::report::model::{Analytic, EndpointReport, Execution, Provenance, RunReport, SizeReport, SweepReport};
use crate::report::plot;

pub struct Html;

use super::exporter::{esc, fixed as f, p_value};

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1b1b1b; max-width: 60rem;
  margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #f2f2f2; }
td.l, th.l { text-align: left; }
.ok { color: #006d2c; } .off { color: #b30000; font-weight: bold; }
.warn { background: #fff4e5; border-left: 4px solid #e69f00; padding: 0.5rem 0.8rem; }
.wide { overflow-x: auto; }
figure { margin: 1rem 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.85rem; color: #444; }
pre { background: #f7f7f7; padding: 0.6rem; overflow-x: auto; font-size: 0.8rem; }
pre .set { background: #fff2a8; font-weight: bold; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; font-size: 0.9rem; }
dt { font-weight: bold; } dd { margin: 0; word-break: break-all; }
@media print { body { max-width: none; margin: 0; } h2 { break-after: avoid; } section { break-inside: auto; } }
";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

/// The effective scenario, each line whose value `--set` gave marked.
fn scenario_toml(p: &Provenance, sets: &[String]) -> String {
    let mut out = String::new();
    for (line, marked) in p.lines_set_by(sets) {
        if marked {
            out.push_str(&format!("<span class=\"set\">{}</span>  ← --set\n", esc(line)));
        } else {
            out.push_str(&esc(line));
            out.push('\n');
        }
    }
    out
}

fn reproduction(p: &Provenance, execution: Option<&Execution>, extra: &str) -> String {
    let sets = execution.map_or(Vec::new(), Execution::set_paths);
    let mut s = String::from("<section id=\"reproduction\">\n<h2>Reproduction</h2>\n<dl>\n");
    let mut row = |k: &str, v: &str| s.push_str(&format!("<dt>{k}</dt><dd>{}</dd>\n", esc(v)));
    row("peritrial", &p.peritrial);
    row("seed", &p.seed.to_string());
    row("replicates", &p.replicates.to_string());
    row("scenario SHA-256", &p.scenario_sha256);
    if let Some(e) = execution {
        row("command", &e.command.join(" "));
        row("platform", &e.platform);
        row("date (UTC)", &e.date);
    }
    s.push_str("</dl>\n");
    s.push_str(extra);
    s.push_str(&format!(
        "<h3>The effective scenario{}</h3>\n<pre>{}</pre>\n</section>\n",
        if sets.is_empty() { String::new() } else { " (values given by --set marked)".into() },
        scenario_toml(p, &sets)
    ));
    s
}

fn figures(plots: Result<Vec<plot::Plot>, String>, caption: impl Fn(&str) -> String) -> String {
    match plots {
        Ok(plots) => plots
            .iter()
            .map(|(name, svg)| {
                let body = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
                format!(
                    "<figure id=\"{}\">\n{body}\n<figcaption>{}</figcaption>\n</figure>\n",
                    esc(name),
                    esc(&caption(name))
                )
            })
            .collect(),
        Err(e) => format!("<p class=\"warn\">{}</p>\n", esc(&e)),
    }
}

fn run_caption(name: &str) -> String {
    let stem = name.trim_end_matches(".svg");
    if let Some(e) = stem.strip_prefix("estimate-") {
        format!(
            "{e}: the effect estimate across the virtual trials, the true value marked where the scenario states one."
        )
    } else if let Some(e) = stem.strip_prefix("boundaries-z-") {
        format!(
            "{e}: efficacy (and futility) boundaries by look on the z scale, with the probabilities of stopping and the observed z's median and 95% range at each look."
        )
    } else if let Some(e) = stem.strip_prefix("curves-") {
        format!(
            "{e}: each arm's curve at the analysis where each trial stopped — the median of the trials and their 95% band (months with follow-up in at least half of the trials), the scenario's model curve dashed. An assessment schedule, a short follow-up or a dependent censoring shows as a gap between the two."
        )
    } else if let Some(e) = stem.strip_prefix("forest-") {
        format!(
            "{e}: the hazard ratio within each cohort across the virtual trials (median and 95% range of the Cox estimates, log scale), the overall estimate below; × marks each cohort's true ratio."
        )
    } else if let Some(e) = stem.strip_prefix("examples-") {
        format!(
            "{e}: example trials of the run (the first replicate of each kind), each arm's curve at the trial's own analysis."
        )
    } else if stem == "multiplicity-graph" {
        "The multiplicity procedure as a graph (Bretz et al. 2009): each endpoint with its initial share of the family's alpha; when an endpoint is rejected its share passes along its arrows in the proportions shown, and the graph is updated.".into()
    } else if let Some(e) = stem.strip_prefix("boundaries-hr-") {
        format!("{e}: the same boundaries on the hazard-ratio scale (at each look's mean events).")
    } else if let Some(e) = stem.strip_prefix("reestimation-") {
        format!(
            "{e}: event re-estimation's rule at the first interim — the next stage's events and the conditional power at its planned events under the trial's estimate, by the interim z, with the zones of a promising-zone design and the share of trials in which the cap bound."
        )
    } else if let Some(e) = stem.strip_prefix("timeline-") {
        format!(
            "{e}: when the looks happen — each look's calendar month across the trials (median, 95% range) against the patients enrolled and the events there (medians, 95% ranges)."
        )
    } else if let Some(e) = stem.strip_prefix("spending-") {
        format!(
            "{e}: the cumulative alpha the efficacy bounds spend by information fraction, each look's planned alpha marked; beside it the cumulative beta of a beta-spending futility bound."
        )
    } else {
        "The month of the analysis (the look where each trial stopped) across the virtual trials.".into()
    }
}

fn endpoint_rows(e: &EndpointReport) -> String {
    let est = &e.estimate;
    let sp = est.spread;
    let acc = est.accuracy.as_ref();
    let power = match (e.power, e.power_ci, e.power_mcse) {
        (Some(p), Some(ci), Some(se)) => format!("{p:.3} [{:.3}, {:.3}] (MCSE {se:.4})", ci[0], ci[1]),
        _ => e.p_any_grade3.map_or("—".into(), |p| format!("P(grade ≥ 3) {p:.3}")),
    };
    format!(
        "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{power}</td><td class=\"l\">{}</td><td>{} ({}, {})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        esc(&e.name),
        esc(&e.test.replace('_', " ")),
        esc(&est.name.replace('_', " ")),
        f(sp.map(|d| d.q500), 3),
        f(sp.map(|d| d.q025), 3),
        f(sp.map(|d| d.q975), 3),
        acc.map_or("—".into(), |a| format!("{:+.4} (MCSE {:.4}; true {:.3})", a.bias, a.bias_mcse, a.true_value)),
        f(acc.map(|a| a.rmse), 4),
        acc.and_then(|a| Some(format!("{:.4} (MCSE {:.4})", a.coverage?, a.coverage_mcse?))).unwrap_or("—".into()),
        f(e.events.map(|d| d.mean), 1),
    )
}

/// The primary endpoint's estimate by cohort.
fn cohort_table(e: &EndpointReport) -> String {
    let Some(cohorts) = &e.cohorts else { return String::new() };
    let mut s = format!(
        "<h3>{}: hazard ratio by cohort</h3>\n<table>\n<tr><th class=\"l\">cohort</th><th>share</th><th>true</th><th>median (2.5%, 97.5%)</th><th>geometric mean</th><th>wrong way</th><th>not estimable</th></tr>\n",
        esc(&e.name)
    );
    for c in cohorts {
        s.push_str(&format!(
            "<tr><td class=\"l\">{}</td><td>{:.2}</td><td>{}</td><td>{} ({}, {})</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&c.cohort),
            c.share,
            f(c.true_hazard_ratio, 3),
            f(c.q500, 3),
            f(c.q025, 3),
            f(c.q975, 3),
            f(c.geometric_mean, 3),
            c.wrong_way.map_or("—".into(), |w| format!("{:.1}%", 100.0 * w)),
            c.not_estimable
        ));
    }
    s.push_str("</table>\n<p>Each cohort's Cox estimate within the cohort at the analysis; “wrong way”: the share of trials whose estimate lies on the other side of 1 from the cohort's true ratio.</p>\n");
    s
}

/// The monitored endpoint's inference at stopping beside the naive estimate's.
fn stopping_table(e: &EndpointReport) -> String {
    let Some(i) = &e.inference_at_stopping else { return String::new() };
    let q = i.quantiles.as_ref();
    let a = i.accuracy.as_ref();
    let cov = |c: Option<f64>, se: Option<f64>| match (c, se) {
        (Some(c), Some(se)) => format!("{c:.3} (MCSE {se:.4})"),
        _ => "—".into(),
    };
    let naive = e.estimate.spread;
    // A hazard ratio's accuracy on the ratio scale, a rate difference's (or rate's) on its own.
    let ratio = i.estimand.is_none();
    let (centre, bias) = if ratio { ("median/true − 1", "log bias") } else { ("median − true", "bias") };
    let pick = |r: Option<f64>, d: Option<f64>| if ratio { r } else { d };
    let mut s = format!(
        "<h3>{}: inference at stopping{}</h3>\n<table>\n<tr><th class=\"l\">estimate</th><th>median (2.5%, 97.5%)</th><th>{centre}</th><th>{bias}</th><th>interval</th><th>coverage</th></tr>\n",
        esc(&e.name),
        if ratio { String::new() } else { format!(" of the {}", esc(i.estimand_name())) }
    );
    s.push_str(&format!(
        "<tr><td class=\"l\">median-unbiased (stage-wise ordering)</td><td>{} ({}, {})</td><td>{}</td><td>{}</td><td>{:.0}%: {} to {} on average</td><td>{}</td></tr>\n",
        f(q.and_then(|q| q.q500), 3),
        f(q.and_then(|q| q.q025), 3),
        f(q.and_then(|q| q.q975), 3),
        f(a.and_then(|a| pick(a.median_ratio_minus_1, a.median_minus_true)), 4),
        f(a.and_then(|a| pick(a.log_bias, a.bias)), 4),
        100.0 * i.confidence,
        f(i.mean_lower, 3),
        f(i.mean_upper, 3),
        cov(a.and_then(|a| a.coverage), a.and_then(|a| a.coverage_mcse)),
    ));
    s.push_str(&format!(
        "<tr><td class=\"l\">naive ({})</td><td>{} ({}, {})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        i.naive_name(),
        f(naive.map(|d| d.q500), 3),
        f(naive.map(|d| d.q025), 3),
        f(naive.map(|d| d.q975), 3),
        f(a.and_then(|a| pick(a.naive_median_ratio_minus_1, a.naive_median_minus_true)), 4),
        f(a.and_then(|a| pick(a.naive_log_bias, a.naive_bias)), 4),
        i.naive_interval_name(),
        cov(a.and_then(|a| a.naive_coverage), a.and_then(|a| a.naive_coverage_mcse)),
    ));
    s.push_str(&format!(
        "<tr><td class=\"l\">repeated intervals, every look to the stop</td><td>—</td><td>—</td><td>—</td><td>{:.0}% each</td><td>{}</td></tr>\n</table>\n",
        100.0 * i.confidence,
        cov(a.and_then(|a| a.repeated_coverage), a.and_then(|a| a.repeated_coverage_mcse)),
    ));
    s.push_str(&format!(
        "<p>Over {} trials; the stage-wise p-value's median {}. {}</p>\n",
        i.trials,
        p_value(i.p_quantiles.as_ref().and_then(|q| q.q500)),
        esc(&i.note().map_or(String::new(), |n| format!("{n}."))),
    ));
    s
}

/// Milestone estimates per arm with their spread across trials.
fn milestone_table(e: &EndpointReport) -> String {
    let Some(ms) = &e.milestones else { return String::new() };
    let measure = e.milestone_measure.as_deref().unwrap_or("survival").replace('_', " ");
    let mut s = format!(
        "<h3>Milestones of {}: {measure}</h3>\n<table>\n<tr><th>month</th><th class=\"l\">arm</th><th>mean</th><th>2.5%</th><th>97.5%</th><th>trials not estimable</th></tr>\n",
        esc(&e.name)
    );
    for (month, arms) in &ms.0 {
        for (arm, m) in &arms.0 {
            s.push_str(&format!(
                "<tr><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(month),
                esc(arm),
                f(m.mean, 3),
                f(m.q025, 3),
                f(m.q975, 3),
                m.not_estimable
            ));
        }
    }
    s.push_str("</table>\n");
    s
}

/// Under the null beside the alternative: the expected events, patients and duration, and
/// where the trials stop at each look (rpact's ASN under H0).
fn null_characteristics(n: &crate::report::model::NullReport, r: &RunReport) -> String {
    let h1_events = r.expected_events();
    let (counted, at_looks) = r.primary_counts();
    let mut s = String::from(
        "<table>\n<tr><th class=\"l\">expected at the analysis where each trial stops</th><th>under H0</th><th>under H1</th></tr>\n",
    );
    for (what, h0, h1) in [
        (&*format!("{counted} of the primary endpoint"), n.expected_events, h1_events),
        ("patients", n.expected_patients, r.analysis.expected_patients),
        ("duration (months)", n.expected_duration_months, r.analysis.expected_duration_months),
    ] {
        s.push_str(&format!("<tr><td class=\"l\">{what}</td><td>{}</td><td>{}</td></tr>\n", f(h0, 1), f(h1, 1)));
    }
    s.push_str("</table>\n");
    if let Some(looks) = n.looks.as_ref().filter(|l| l.len() > 1) {
        s.push_str(&format!("<table>\n<tr><th>look under H0</th><th>reached</th><th>{at_looks}</th><th>month</th><th>patients</th><th>P(stop, efficacy)</th><th>P(stop, futility)</th><th>cumulative rejection</th></tr>\n"));
        for l in looks {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{:.3}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{}</td><td>{:.4}</td></tr>\n",
                l.look,
                l.reached,
                f(l.events, 1),
                f(l.cut_month, 1),
                f(l.patients, 1),
                l.efficacy_share(r.replicates),
                f(l.futility_share(r.replicates), 3),
                l.cumulative_power
            ));
        }
        s.push_str("</table>\n");
    }
    s
}

/// The per-look table of the endpoint monitored at the looks.
fn look_table(e: &EndpointReport, replicates: u64) -> String {
    let mut s = String::new();
    if let Some(looks) = e.looks.as_ref().filter(|l| l.len() > 1) {
        s.push_str(&format!("<h3>Looks of {}</h3>\n", esc(&e.name)));
        s.push_str(&format!("<table>\n<tr><th>look</th><th>information</th><th>reached</th><th>{}</th><th>month</th><th>patients</th><th>P(stop, efficacy)</th><th>P(stop, futility)</th><th>P(stop)</th><th>cumulative power</th><th>observed z: median (2.5%, 97.5%)</th></tr>\n", e.look_counts()));
        for l in looks {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{:.3}</td><td>{:.3}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.3}</td><td>{}</td><td>{:.3}</td><td>{:.3}</td><td>{}</td></tr>\n",
                l.look,
                l.information,
                l.reached,
                f(l.events, 1),
                f(l.cut_month, 1),
                f(l.patients, 1),
                l.efficacy_share(replicates),
                f(l.futility_share(replicates), 3),
                l.stop_probability,
                l.cumulative_power,
                l.z_distribution.map_or("—".into(), |q| format!(
                    "{} ({}, {})",
                    f(q.q500, 2),
                    f(q.q025, 2),
                    f(q.q975, 2)
                )),
            ));
        }
        s.push_str("</table>\n");
        s.push_str("<table>\n<tr><th>look</th><th>efficacy bound z</th><th>efficacy bound HR</th><th>efficacy nominal p (stage level)</th><th>cumulative α</th><th>futility bound z</th><th>futility bound HR</th><th>futility nominal p</th></tr>\n");
        for l in looks {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                l.look,
                f(l.boundary_z, 3),
                f(l.boundary_hazard_ratio, 3),
                p_value(l.boundary_p),
                p_value(l.alpha_spent),
                f(l.futility_z, 3),
                f(l.futility_hazard_ratio, 3),
                p_value(l.futility_p),
            ));
        }
        s.push_str("</table>\n<p>Bounds are means over the trials that reach the look; on the hazard-ratio scale at the look's mean events; the nominal p-value is one-sided, 1 − Φ(z).</p>\n");
        let harms: Vec<String> = looks
            .iter()
            .filter_map(|l| {
                let (h, share) = (l.harm_z?, l.harm_share(replicates)?);
                Some(format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td></tr>\n",
                    l.look,
                    f(Some(h), 3),
                    f(l.harm_hazard_ratio, 3),
                    share
                ))
            })
            .collect();
        if !harms.is_empty() {
            s.push_str(
                "<table>\n<tr><th>look</th><th>harm bound z</th><th>harm bound HR</th><th>P(stop for harm)</th></tr>\n",
            );
            s.push_str(&harms.concat());
            s.push_str("</table>\n");
        }
        let cps: Vec<String> = looks
            .iter()
            .flat_map(|l| l.conditional_power.iter().flatten().map(move |c| (l.look, c)))
            .map(|(look, c)| {
                let under = match (c.under.as_str(), c.hazard_ratio) {
                    ("predictive", _) => "predictive probability (its posterior, flat prior)".to_string(),
                    (under, Some(h)) => format!("{under} hazard ratio {h}"),
                    (_, None) => "the trial's estimate".to_string(),
                };
                format!(
                    "<tr><td>{look}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{} ({}, {})</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&under),
                    c.trials,
                    f(c.mean, 3),
                    f(c.distribution.and_then(|q| q.q500), 3),
                    f(c.distribution.and_then(|q| q.q025), 3),
                    f(c.distribution.and_then(|q| q.q975), 3),
                    f(c.below_0_1, 3),
                    f(c.below_0_2, 3)
                )
            })
            .collect();
        if !cps.is_empty() {
            s.push_str("<table>\n<tr><th>look</th><th class=\"l\">conditional power under</th><th>trials at the look</th><th>mean</th><th>median (2.5%, 97.5%)</th><th>share below 0.1</th><th>share below 0.2</th></tr>\n");
            s.push_str(&cps.concat());
            s.push_str("</table>\n");
        }
    }
    s
}

/// Simulated against analytic power, marked where they differ by more than 4 Monte Carlo
/// standard errors.
fn companions(r: &RunReport) -> String {
    let replicates = r.replicates;
    let mut rows = String::new();
    for e in &r.endpoints {
        // A member of a multiplicity family is compared by the power of its test alone.
        let (Some(p), Some(_)) = (e.power_unadjusted.or(e.power), e.power_mcse) else { continue };
        let se = (p * (1.0 - p) / replicates.max(1) as f64).sqrt();
        let alone = if e.power_unadjusted.is_some() { " (the test alone)" } else { "" };
        let mut add = |method: &str, a: f64, events: Option<f64>| {
            let d = p - a;
            let ok = d.abs() <= 4.0 * se.max(1e-12);
            rows.push_str(&format!(
                "<tr><td class=\"l\">{}{alone}</td><td class=\"l\">{}</td><td>{}</td><td>{a:.4}</td><td>{p:.4}</td><td>{d:+.4}</td><td class=\"{}\">{}</td></tr>\n",
                esc(&e.name),
                esc(method),
                f(events, 0),
                if ok { "ok" } else { "off" },
                if ok { "within 4 MCSE" } else { "differs by more than 4 MCSE" }
            ));
        };
        match &e.analytic {
            Some(Analytic::TimeToEvent(a)) => match a.group_sequential_power {
                Some(gs) => {
                    if let Some(g) = gs {
                        add("group-sequential (Schoenfeld drift)", g, Some(a.events));
                    }
                }
                // An adaptive design (looks without a group-sequential companion): nothing
                // closed-form to compare with.
                None if e.has_looks() => {}
                None => {
                    add("Schoenfeld", a.schoenfeld_power, Some(a.events));
                    add("Freedman", a.freedman_power, Some(a.events));
                }
            },
            Some(Analytic::Binary { method, power, critical_responses, at_looks }) => add(
                &format!(
                    "{} ({})",
                    method.replace('_', " "),
                    Analytic::binary_rule(method, *critical_responses, at_looks.as_deref())
                ),
                *power,
                None,
            ),
            // With looks the companion is of one analysis: nothing closed-form to compare the
            // group-sequential design's simulated power with.
            Some(Analytic::Rates(_)) if e.has_looks() => {}
            Some(Analytic::Rates(a)) => {
                add(&format!("{} (normal approximation)", a.method.replace('_', " ")), a.power, None)
            }
            None => {}
        }
    }
    if rows.is_empty() {
        return "<p>No endpoint has a closed-form companion (they need a constant hazard ratio or a binomial design).</p>\n".into();
    }
    format!(
        "<table>\n<tr><th class=\"l\">endpoint</th><th class=\"l\">method</th><th>events</th><th>analytic power</th><th>simulated power</th><th>difference</th><th class=\"l\">agreement</th></tr>\n{rows}</table>\n<p>The analytic powers assume what their method assumes (a constant hazard ratio, Schoenfeld's or Freedman's approximation); a difference beyond 4 MCSE says the design departs from those assumptions (non-proportional hazards, competing events, dropout) or the approximation is poor at this size.</p>\n"
    )
}

fn warnings(ws: &[String]) -> String {
    if ws.is_empty() {
        return "<p>None: the design did what it says in every virtual trial.</p>\n".into();
    }
    ws.iter().map(|w| format!("<p class=\"warn\">{}</p>\n", esc(w))).collect()
}

impl Exporter<RunReport> for Html {
    fn export(&self, r: &RunReport) -> String {
        let mut b = format!(
            "<header>\n<h1>Trial simulation report</h1>\n<p class=\"sub\">{} — {} virtual trials, seed {}{}</p>\n</header>\n",
            esc(&r.scenario),
            r.replicates,
            r.seed,
            if r.complete { "" } else { " — INCOMPLETE (interrupted or partial)" }
        );
        if let Some(i) = &r.interrupted {
            b.push_str(&format!(
                "<p class=\"warn\">Interrupted after {} of {} virtual trials: the numbers are of those only.</p>\n",
                i.after, i.of
            ));
        }
        b.push_str("<section id=\"design\">\n<h2>Design and decision rules</h2>\n<ul>\n");
        for d in &r.design {
            b.push_str(&format!("<li>{}</li>\n", esc(d)));
        }
        b.push_str("</ul>\n</section>\n");
        b.push_str("<section id=\"operating-characteristics\">\n<h2>Operating characteristics</h2>\n<table>\n<tr><th class=\"l\">endpoint</th><th class=\"l\">test</th><th>power [95% CI]</th><th class=\"l\">estimate</th><th>median (2.5%, 97.5%)</th><th>bias</th><th>RMSE</th><th>95% interval coverage</th><th>events (mean)</th></tr>\n");
        for e in &r.endpoints {
            b.push_str(&endpoint_rows(e));
        }
        b.push_str("</table>\n");
        for (name, note) in
            r.endpoints.iter().filter_map(|e| Some((&e.name, e.estimate.accuracy.as_ref()?.estimand_note.as_ref()?)))
        {
            b.push_str(&format!("<p class=\"warn\">{}: {}.</p>\n", esc(name), esc(note)));
        }
        for e in &r.endpoints {
            b.push_str(&look_table(e, r.replicates));
            b.push_str(&stopping_table(e));
            b.push_str(&super::html_bayes::bayes_table(e));
            b.push_str(&cohort_table(e));
            b.push_str(&milestone_table(e));
        }
        let a = &r.analysis;
        b.push_str(&format!(
            "<p>Expected duration {} months to the analysis (95% of trials between {} and {}); {} patients enrolled by then on average.</p>\n",
            f(a.expected_duration_months, 1),
            f(a.cut_month.map(|c| c.q025), 1),
            f(a.cut_month.map(|c| c.q975), 1),
            f(a.expected_patients, 1)
        ));
        if let Some(m) = &a.multiplicity {
            b.push_str(&format!(
                "<p>Multiplicity ({}): all of {} rejected in {:.3} of trials, at least one in {:.3}.</p>\n",
                esc(&m.method.replace('_', " ")),
                esc(&m.endpoints.join(", ")),
                m.power_all,
                m.power_at_least_one
            ));
        }
        if let Some(n) = &r.null {
            b.push_str(
                "</section>\n<section id=\"type-one-error\">\n<h2>Type I error: the same trials under the null</h2>\n",
            );
            let what = n.null.join("; ");
            let mut chars = what.chars();
            let what: String = chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect());
            b.push_str(&format!("<p>{}.</p>\n", esc(&what)));
            b.push_str("<table>\n<tr><th class=\"l\">endpoint</th><th class=\"l\">test</th><th>level</th><th>type I error [95% CI]</th><th>rejections</th><th class=\"l\">against its level</th><th>power</th></tr>\n");
            let rows =
                n.endpoints.0.iter().map(|(name, t)| (name.as_str(), t)).chain(n.family.iter().map(|t| ("family", t)));
            for (name, t) in rows {
                let power = match r.endpoint(name) {
                    Some(e) => f(e.power, 3),
                    None => r.analysis.multiplicity.as_ref().map_or("—".into(), |m| f(Some(m.power_at_least_one), 3)),
                };
                b.push_str(&format!(
                    "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{:.4} [{:.4}, {:.4}]</td><td>{}</td><td class=\"l {}\">{}</td><td>{power}</td></tr>\n",
                    esc(name),
                    esc(&t.test.replace('_', " ")),
                    t.level,
                    t.type_one_error,
                    t.ci[0],
                    t.ci[1],
                    t.rejections,
                    if t.verdict == "inflated" { "off" } else { "ok" },
                    esc(&t.verdict)
                ));
            }
            b.push_str("</table>\n<p>Each rate is of the same virtual patients with every treatment effect at its null (common random numbers), with its exact (Clopper–Pearson) interval; a level inside the interval is “at level”, an interval below it “conservative”, above it “inflated”.</p>\n");
            b.push_str(&null_characteristics(n, r));
        }
        b.push_str("</section>\n<section id=\"analytic\">\n<h2>Analytic companions against the simulation</h2>\n");
        b.push_str(&companions(r));
        b.push_str("</section>\n<section id=\"plots\">\n<h2>Plots</h2>\n");
        b.push_str(&figures(plot::run(r), run_caption));
        b.push_str("</section>\n<section id=\"warnings\">\n<h2>Warnings</h2>\n");
        b.push_str(&warnings(&r.warnings));
        b.push_str("</section>\n");
        let timing = r.timing.map_or(String::new(), |t| {
            format!(
                "<p>{:.3} s on {} threads ({:.3e} simulated patients a second).</p>\n",
                t.seconds, t.threads, t.patients_per_second
            )
        });
        b.push_str(&reproduction(&r.provenance, r.execution.as_ref(), &timing));
        page(&format!("Simulation report: {}", r.scenario), &b)
    }
}

/// A two-dimensional sweep's power as one table per endpoint: the first path's values down,
/// the second's across (the effect × size table a designer reads), each cell the power with
/// the cells that reach `--target-power` in bold. Empty for a one-dimensional sweep.
fn pivot(r: &SweepReport, paths: &[&str]) -> String {
    let [p1, p2] = paths else { return String::new() };
    // Each path's values in the grid's order, each once.
    let (mut rows, mut cols): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let (mut seen_rows, mut seen_cols) = (std::collections::HashSet::new(), std::collections::HashSet::new());
    for p in &r.points {
        if let [(_, a), (_, b)] = p.set.0.as_slice() {
            if seen_rows.insert(a.as_str()) {
                rows.push(a);
            }
            if seen_cols.insert(b.as_str()) {
                cols.push(b);
            }
        }
    }
    // Each cell's point, found once (a grid may have 100,000 points).
    let cell: std::collections::HashMap<(&str, &str), &crate::report::model::RunReport> = r
        .points
        .iter()
        .filter_map(|p| match p.set.0.as_slice() {
            [(_, a), (_, b)] => Some(((a.as_str(), b.as_str()), &p.report)),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = r.points.first().map_or(Vec::new(), |p| {
        p.report.endpoints.iter().filter(|e| e.power.is_some()).map(|e| e.name.as_str()).collect()
    });
    let mut s = String::new();
    for name in names {
        s.push_str(&format!(
            "<h3>{}: power by {} (rows) and {} (columns)</h3>\n<div class=\"wide\">\n<table>\n<tr><th class=\"l\">{} \\ {}</th>",
            esc(name),
            esc(p1),
            esc(p2),
            esc(p1),
            esc(p2)
        ));
        for c in &cols {
            s.push_str(&format!("<th>{}</th>", esc(c)));
        }
        s.push_str("</tr>\n");
        for row in &rows {
            s.push_str(&format!("<tr><th class=\"l\">{}</th>", esc(row)));
            for col in &cols {
                let power = cell.get(&(*row, *col)).and_then(|p| p.endpoint(name)).and_then(|e| e.power);
                let cell = f(power, 3);
                match (power, r.target_power) {
                    (Some(x), Some(t)) if x >= t => s.push_str(&format!("<td><b>{cell}</b></td>")),
                    _ => s.push_str(&format!("<td>{cell}</td>")),
                }
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</table>\n</div>\n");
    }
    if r.target_power.is_some() {
        s.push_str(&format!(
            "<p>In bold: the cells whose power reaches the target, {}.</p>\n",
            r.target_power.map_or(String::new(), |t| t.to_string())
        ));
    }
    s
}

impl Exporter<SweepReport> for Html {
    fn export(&self, r: &SweepReport) -> String {
        let paths = r.paths();
        let mut b = format!(
            "<header>\n<h1>Trial simulation report: sweep</h1>\n<p class=\"sub\">{} over {} grid points of {}</p>\n</header>\n",
            esc(r.points.first().map_or("", |p| p.report.scenario.as_str())),
            r.points.len(),
            esc(&paths.join(" × "))
        );
        if let Some(p) = r.points.first() {
            b.push_str("<section id=\"design\">\n<h2>Design and decision rules (first grid point)</h2>\n<ul>\n");
            for d in &p.report.design {
                b.push_str(&format!("<li>{}</li>\n", esc(d)));
            }
            b.push_str("</ul>\n</section>\n");
        }
        b.push_str("<section id=\"grid\">\n<h2>Power over the grid</h2>\n");
        b.push_str(&pivot(r, &paths));
        b.push_str("<div class=\"wide\">\n<table>\n<tr>");
        for p in &paths {
            b.push_str(&format!("<th class=\"l\">{}</th>", esc(p)));
        }
        b.push_str("<th class=\"l\">endpoint</th><th>power [95% CI]</th><th>estimate median (95%)</th><th>events</th><th>month</th><th class=\"l\">warnings</th></tr>\n");
        for p in &r.points {
            for e in &p.report.endpoints {
                b.push_str("<tr>");
                for (_, v) in &p.set.0 {
                    b.push_str(&format!("<td class=\"l\">{}</td>", esc(v)));
                }
                let sp = e.estimate.spread;
                b.push_str(&format!(
                    "<td class=\"l\">{}</td><td>{}</td><td>{} ({}, {})</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
                    esc(&e.name),
                    match (e.power, e.power_ci) {
                        (Some(x), Some(c)) => format!("{x:.3} [{:.3}, {:.3}]", c[0], c[1]),
                        _ => "—".into(),
                    },
                    f(sp.map(|d| d.q500), 3),
                    f(sp.map(|d| d.q025), 3),
                    f(sp.map(|d| d.q975), 3),
                    f(e.events.map(|d| d.mean), 1),
                    f(p.report.analysis.cut_month.map(|c| c.mean), 1),
                    esc(&p.report.warnings.join("; "))
                ));
            }
        }
        b.push_str("</table>\n</div>\n</section>\n<section id=\"plots\">\n<h2>Plots</h2>\n");
        b.push_str(&figures(plot::sweep(r, r.target_power), |n| {
            if n.starts_with("heatmap") {
                "Power over the grid.".into()
            } else if n.starts_with("oc-") {
                "Operating characteristics by the swept value: power and the probability of stopping before the final look (left); the expected events and patients where the trials stop (right).".into()
            } else {
                "Power with its 95% Monte Carlo band.".into()
            }
        }));
        b.push_str("</section>\n");
        if let Some(p) = r.points.first() {
            b.push_str(&reproduction(&p.report.provenance, r.execution.as_ref(), "<p>Each grid point's scenario differs from this one in the varied values; its SHA-256 is in the JSON and CSV outputs.</p>\n"));
        }
        page("Simulation report: sweep", &b)
    }
}

impl Exporter<SizeReport> for Html {
    fn export(&self, r: &SizeReport) -> String {
        let mut b = format!(
            "<header>\n<h1>Trial simulation report: sample size</h1>\n<p class=\"sub\">{} = {} for power {} on {}</p>\n</header>\n",
            esc(&r.parameter),
            r.value,
            r.target_power,
            esc(&r.endpoint)
        );
        b.push_str(&format!(
            "<section id=\"answer\">\n<h2>Answer</h2>\n<p>{} = <b>{}</b> reaches power {:.4} (Monte Carlo SE {:.4}, {} trials); the probit fit gives {:.4} there and a 95% interval of the answer from {:.1} to {:.1}{}.</p>\n<p>Method: {}.</p>\n</section>\n",
            esc(&r.parameter),
            r.value,
            r.power,
            r.power_mcse,
            r.replicates,
            r.fitted_power,
            r.interval_95[0],
            r.interval_95[1],
            r.analytic.as_ref().map_or(String::new(), |a| format!("; the analytic answer ({}) is {}", esc(&a.method), a.value)),
            esc(&r.method)
        ));
        b.push_str("<section id=\"evaluations\">\n<h2>Evaluations</h2>\n<table>\n<tr><th>value</th><th>trials</th><th>power</th><th>target not reached</th></tr>\n");
        for e in &r.evaluations {
            b.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{:.4}</td><td>{:.4}</td></tr>\n",
                e.value, e.replicates, e.power, e.target_not_reached
            ));
        }
        b.push_str("</table>\n</section>\n<section id=\"plots\">\n<h2>Plots</h2>\n");
        b.push_str(&figures(plot::size(r), |_| {
            "Power against the varied value, the fitted curve and the answer.".into()
        }));
        b.push_str("</section>\n");
        b.push_str(&reproduction(&r.provenance, r.execution.as_ref(), ""));
        page("Simulation report: sample size", &b)
    }
}
