//! CSV (RFC 4180, one writer: [`crate::report::csv_text`]): one row per endpoint for `run`
//! (followed, for the endpoint a design with looks monitors, by one row per look), per
//! grid point and endpoint for `sweep`, per evaluation for `size`, per design for `simon`, per
//! check for `verify`. Every row of `run` and
//! `sweep` says whether the run is complete and repeats its warnings, so that a row read alone
//! still says when the design did not do what it says. A comment line first (`#`, read by R's
//! `read.csv(comment.char = "#")`, pandas' `comment="#"`) gives the provenance: version, seed,
//! replicates and the effective scenario's SHA-256 (per row for a sweep, whose points differ).

use super::exporter::Exporter;
use crate::report::csv_text;
use crate::report::model::{
    EndpointReport, Look, NullReport, RunReport, SimonReport, SizeReport, SweepReport, VerifyReport,
};

pub struct Csv;

fn n(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite()).map_or(String::new(), |v| v.to_string())
}

const ENDPOINT_COLUMNS: [&str; 24] = [
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
    // What events_mean counts: events, responders (binary) or adverse events (safety).
    "events_are",
    "true_value",
    "bias",
    "bias_mcse",
    "rmse",
    "coverage",
    // With --null: the test's rejection rate under the null and its exact 95% interval.
    "type_one_error",
    "type_one_error_ci_lower",
    "type_one_error_ci_upper",
];

fn endpoint_cells(e: &EndpointReport, null: Option<&NullReport>) -> Vec<String> {
    let sp = e.estimate.spread;
    let acc = e.estimate.accuracy.as_ref();
    let t1 = null.and_then(|n| n.endpoints.0.iter().find(|(name, _)| *name == e.name)).map(|(_, t)| t);
    vec![
        e.name.clone(),
        e.kind.clone(),
        e.test.clone(),
        n(e.power),
        n(e.power_mcse),
        n(e.power_ci.map(|c| c[0])),
        n(e.power_ci.map(|c| c[1])),
        e.rejections.map_or(String::new(), |x| x.to_string()),
        e.estimate.name.clone(),
        n(sp.map(|d| d.mean)),
        n(sp.map(|d| d.sd)),
        n(sp.map(|d| d.q025)),
        n(sp.map(|d| d.q500)),
        n(sp.map(|d| d.q975)),
        n(e.events.map(|d| d.mean)),
        e.counted().to_string(),
        n(acc.map(|a| a.true_value)),
        n(acc.map(|a| a.bias)),
        n(acc.map(|a| a.bias_mcse)),
        n(acc.map(|a| a.rmse)),
        n(acc.and_then(|a| a.coverage)),
        n(t1.map(|t| t.type_one_error)),
        n(t1.map(|t| t.ci[0])),
        n(t1.map(|t| t.ci[1])),
    ]
}

/// The columns of a look's row (after the endpoint's columns, which a look row leaves empty
/// but for `endpoint`, `kind` and `test`): the look's operating characteristics, both bounds on
/// every scale, and under `--null` the same look's under the null. An endpoint's row leaves
/// them empty; it has the run's expectations under the null (`h0_expected_…`).
const LOOK_COLUMNS: [&str; 26] = [
    "look",
    "information",
    "reached",
    "look_events_mean",
    "look_month_mean",
    "look_patients_mean",
    "efficacy_stop",
    "futility_stop",
    "cumulative_power",
    "boundary_z",
    "boundary_hazard_ratio",
    "boundary_p",
    "alpha_spent",
    "futility_z",
    "futility_hazard_ratio",
    "futility_p",
    "h0_reached",
    "h0_efficacy_stop",
    "h0_futility_stop",
    "h0_cumulative_rejection",
    "h0_look_events_mean",
    "h0_look_month_mean",
    "h0_look_patients_mean",
    "h0_expected_events",
    "h0_expected_patients",
    "h0_expected_duration_months",
];

/// The columns of the monitored endpoint's inference at stopping (on its row; empty on the
/// others and on look rows): the median-unbiased hazard ratio by stage-wise ordering across the
/// trials, its 1 − 2α interval's mean limits and coverage, the repeated intervals' joint
/// coverage, and the trials without an estimate. The naive estimate's are `estimate_…` and
/// `coverage`.
const STOPPING_COLUMNS: [&str; 12] = [
    "stopping_confidence",
    "stopping_estimate_mean",
    "stopping_estimate_q025",
    "stopping_estimate_q500",
    "stopping_estimate_q975",
    "stopping_interval_lower_mean",
    "stopping_interval_upper_mean",
    "stopping_p_q500",
    "stopping_coverage",
    "stopping_coverage_mcse",
    "repeated_intervals_coverage",
    "stopping_trials_without",
];

fn stopping_cells(e: &EndpointReport) -> Vec<String> {
    let Some(i) = &e.inference_at_stopping else {
        return vec![String::new(); STOPPING_COLUMNS.len()];
    };
    let q = i.quantiles.as_ref();
    let a = i.accuracy.as_ref();
    vec![
        n(Some(i.confidence)),
        n(i.mean),
        n(q.and_then(|q| q.q025)),
        n(q.and_then(|q| q.q500)),
        n(q.and_then(|q| q.q975)),
        n(i.mean_lower),
        n(i.mean_upper),
        n(i.p_quantiles.as_ref().and_then(|q| q.q500)),
        n(a.and_then(|a| a.coverage)),
        n(a.and_then(|a| a.coverage_mcse)),
        n(a.and_then(|a| a.repeated_coverage)),
        i.without.to_string(),
    ]
}

/// The look columns of look `l` of `e` (`h0` the same look under the null).
fn look_cells(l: &Look, h0: Option<&Look>, replicates: u64) -> Vec<String> {
    let cells = |l: &Look| {
        [
            n(Some(l.reached)),
            n(Some(l.efficacy_share(replicates))),
            n(l.futility_share(replicates)),
            n(Some(l.cumulative_power)),
        ]
    };
    let mut row = vec![l.look.to_string(), n(Some(l.information))];
    let [reached, eff, fut, cum] = cells(l);
    row.extend([reached, n(l.events), n(l.cut_month), n(l.patients), eff, fut, cum]);
    row.extend([
        n(l.boundary_z),
        n(l.boundary_hazard_ratio),
        n(l.boundary_p),
        n(l.alpha_spent),
        n(l.futility_z),
        n(l.futility_hazard_ratio),
        n(l.futility_p),
    ]);
    match h0 {
        Some(h) => {
            row.extend(cells(h));
            row.extend([n(h.events), n(h.cut_month), n(h.patients)]);
        }
        None => row.extend(std::iter::repeat_n(String::new(), 7)),
    }
    row.extend(std::iter::repeat_n(String::new(), 3));
    row
}

impl Exporter<RunReport> for Csv {
    fn export(&self, report: &RunReport) -> String {
        let mut header: Vec<String> = ENDPOINT_COLUMNS.iter().map(|c| c.to_string()).collect();
        header.extend(["complete".to_string(), "warnings".to_string()]);
        header.extend(LOOK_COLUMNS.iter().map(|c| c.to_string()));
        header.extend(STOPPING_COLUMNS.iter().map(|c| c.to_string()));
        let null = report.null.as_ref();
        let r = report.replicates;
        let rows = report.endpoints.iter().flat_map(|e| {
            let mut row = endpoint_cells(e, null);
            row.extend([report.complete.to_string(), report.warnings.join("; ")]);
            row.extend(std::iter::repeat_n(String::new(), LOOK_COLUMNS.len() - 3));
            row.extend([
                n(null.and_then(|n| n.expected_events)),
                n(null.and_then(|n| n.expected_patients)),
                n(null.and_then(|n| n.expected_duration_months)),
            ]);
            row.extend(stopping_cells(e));
            let looks = e.looks.iter().flatten().filter(|_| e.looks.as_ref().is_some_and(|l| l.len() > 1));
            let h0 = null.and_then(|n| n.looks.as_ref());
            let look_rows = looks.enumerate().map(move |(k, l)| {
                let mut cells = vec![e.name.clone(), e.kind.clone(), e.test.clone()];
                cells.extend(std::iter::repeat_n(String::new(), ENDPOINT_COLUMNS.len() - 3));
                cells.extend([report.complete.to_string(), String::new()]);
                cells.extend(look_cells(l, h0.and_then(|h| h.get(k)), r));
                cells.extend(std::iter::repeat_n(String::new(), STOPPING_COLUMNS.len()));
                cells
            });
            std::iter::once(row).chain(look_rows)
        });
        format!("# {}\n", report.provenance.line()) + &csv_text(std::iter::once(header).chain(rows))
    }
}

impl Exporter<SweepReport> for Csv {
    fn export(&self, report: &SweepReport) -> String {
        let note = report.interrupted_note().map_or(String::new(), |n| format!("# {n}\n"));
        let mut header: Vec<String> = report.paths().iter().map(|p| p.to_string()).collect();
        header.extend(ENDPOINT_COLUMNS.iter().map(|c| c.to_string()));
        header.extend(["cut_month_mean", "complete", "warnings", "scenario_sha256"].map(String::from));
        let rows = report.points.iter().flat_map(|p| {
            p.report.endpoints.iter().map(move |e| {
                let mut row: Vec<String> = p.set.0.iter().map(|(_, v)| v.clone()).collect();
                row.extend(endpoint_cells(e, p.report.null.as_ref()));
                row.extend([
                    n(p.report.analysis.cut_month.map(|c| c.mean)),
                    p.report.complete.to_string(),
                    p.report.warnings.join("; "),
                    p.report.provenance.scenario_sha256.clone(),
                ]);
                row
            })
        });
        let first = report.points.first().map(|p| &p.report.provenance);
        let line = first.map_or(String::new(), |p| {
            format!("# peritrial {}, seed {}, {} replicates per point\n", p.peritrial, p.seed, p.replicates)
        });
        note + &line + &csv_text(std::iter::once(header).chain(rows))
    }
}

impl Exporter<SizeReport> for Csv {
    fn export(&self, r: &SizeReport) -> String {
        let header = ["parameter", "value", "replicates", "power", "target_not_reached", "answer"];
        let rows = r.evaluations.iter().map(|e| {
            vec![
                r.parameter.clone(),
                e.value.to_string(),
                e.replicates.to_string(),
                e.power.to_string(),
                e.target_not_reached.to_string(),
                (e.value == r.value && e.replicates == r.replicates).to_string(),
            ]
        });
        format!("# {}\n", r.provenance.line())
            + &csv_text(std::iter::once(header.iter().map(|h| h.to_string()).collect()).chain(rows))
    }
}

impl Exporter<SimonReport> for Csv {
    fn export(&self, r: &SimonReport) -> String {
        let header = ["design", "p0", "p1", "r1", "n1", "r", "n", "expected_n_p0", "pet_p0", "alpha", "power"];
        let rows = r.designs().into_iter().map(|(name, d)| {
            vec![
                name.to_string(),
                r.p0.to_string(),
                r.p1.to_string(),
                d.r1.to_string(),
                d.n1.to_string(),
                d.r.to_string(),
                d.n.to_string(),
                d.en0.to_string(),
                d.pet0.to_string(),
                d.alpha.to_string(),
                d.power.to_string(),
            ]
        });
        let comment =
            format!("# peritrial simon: target one-sided alpha {}, power {}; {}\n", r.alpha, r.power(), r.rule);
        comment + &csv_text(std::iter::once(header.iter().map(|h| h.to_string()).collect()).chain(rows))
    }
}

impl Exporter<VerifyReport> for Csv {
    fn export(&self, r: &VerifyReport) -> String {
        let header = ["check", "against", "tolerance", "compared", "largest_deviation", "passed", "failures"];
        let rows = r.checks.iter().map(|c| {
            vec![
                c.check.clone(),
                c.against.clone(),
                c.tolerance.clone(),
                c.compared.to_string(),
                c.largest_deviation.to_string(),
                c.passed.to_string(),
                c.failures.join("; "),
            ]
        });
        let comment = format!(
            "# peritrial {} verify, {}, {}, {} threads: {}\n",
            r.peritrial,
            r.date,
            r.platform,
            r.threads,
            if r.passed { "passed" } else { "FAILED" }
        );
        comment + &csv_text(std::iter::once(header.iter().map(|h| h.to_string()).collect()).chain(rows))
    }
}
