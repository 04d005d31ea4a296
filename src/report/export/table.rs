//! The terminal table, for people: per endpoint the power and its interval, the analytic
//! companion, the estimate's median and 95% range and the events; the looks of a design with
//! looks; the analysis month; warnings last.

use super::Exporter;
use crate::report::model::{Analytic, RunReport, SizeReport, SweepReport};

pub struct Table;

fn f(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.digits$}"),
        _ => "—".into(),
    }
}

fn interval(ci: Option<[f64; 2]>) -> String {
    ci.map_or("—".into(), |c| format!("[{:.3}, {:.3}]", c[0], c[1]))
}

impl Exporter for Table {
    fn run(&self, report: &RunReport) -> String {
        let mut out = String::new();
        out.push_str(&format!("{}\n", report.scenario));
        out.push_str(&format!("{} virtual trials, seed {}\n", report.replicates, report.seed));
        if let Some(i) = &report.interrupted {
            out.push_str(&format!(
                "INTERRUPTED after {} of {} virtual trials: the numbers below are of those only\n",
                i.after, i.of
            ));
        }
        out.push('\n');
        out.push_str(&format!(
            "{:<24} {:<20} {:>8} {:>18}  {:<38} {:>8}\n",
            "endpoint", "test", "power", "95% CI", "estimate: median (2.5%, 97.5%)", "events"
        ));
        for e in &report.endpoints {
            let est = &e.estimate;
            let sp = est.spread;
            let est_s = format!(
                "{} {} ({}, {})",
                est.name,
                f(sp.map(|d| d.q500), 3),
                f(sp.map(|d| d.q025), 3),
                f(sp.map(|d| d.q975), 3)
            );
            out.push_str(&format!(
                "{:<24} {:<20} {:>8} {:>18}  {:<38} {:>8}\n",
                e.name,
                e.test,
                f(e.power, 3),
                interval(e.power_ci),
                est_s,
                f(e.events.map(|d| d.mean), 1)
            ));
            match &e.analytic {
                Some(Analytic::TimeToEvent(a)) => match a.group_sequential_power {
                    Some(gs) => out.push_str(&format!(
                        "{:<24} analytic at {} events: group-sequential {}; without looks: Schoenfeld {}, Freedman {}\n",
                        "",
                        f(Some(a.events), 0),
                        f(gs, 3),
                        f(Some(a.schoenfeld_power), 3),
                        f(Some(a.freedman_power), 3)
                    )),
                    None => out.push_str(&format!(
                        "{:<24} analytic at {} events: Schoenfeld {}, Freedman {}\n",
                        "",
                        f(Some(a.events), 0),
                        f(Some(a.schoenfeld_power), 3),
                        f(Some(a.freedman_power), 3)
                    )),
                },
                Some(Analytic::Binary { method, power, .. }) => {
                    out.push_str(&format!("{:<24} analytic ({method}): power {}\n", "", f(Some(*power), 3)))
                }
                None => {}
            }
            if let Some(p) = e.p_any_grade3 {
                out.push_str(&format!("{:<24} P(at least one grade >= 3 event) {}\n", "", f(Some(p), 3)));
            }
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
        for w in &report.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
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

    fn sweep(&self, report: &SweepReport) -> String {
        let paths = report.paths();
        let mut out = String::new();
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
        out
    }

    fn size(&self, r: &SizeReport) -> String {
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
        )
    }
}
