//! The HTML report's table of a Bayesian rule (beside `html.rs`, which renders the rest).

use super::exporter::{esc, fixed as f};
use crate::report::model::EndpointReport;

/// A Bayesian rule's Go and No-Go at each interim and at the final analysis (with a single
/// arm's exact probabilities beside them) and its priors' effective sample sizes.
pub(super) fn bayes_table(e: &EndpointReport) -> String {
    let Some(b) = &e.bayesian else { return String::new() };
    let ess = |x| esc(&crate::report::model::ess_text(x));
    let control = b
        .control_prior
        .as_ref()
        .map_or(String::new(), |c| format!(", control's {} ({})", esc(c), ess(b.control_prior_ess)));
    let mut s = format!(
        "<h3>{}: Bayesian rule</h3>\n<p>Go when the posterior probability exceeds {}; prior {} (effective sample size {}){}; {} patients and posterior probability {} at the decision on average.</p>\n<table>\n<tr><th class=\"l\">analysis</th><th>Go (MCSE)</th><th>No-Go (MCSE)</th><th>exact Go</th><th>exact No-Go</th><th>Go at ≥ responders</th><th>continue at ≥</th></tr>\n",
        esc(&e.name),
        b.threshold,
        esc(&b.prior),
        ess(b.prior_ess),
        control,
        f(b.expected_patients, 1),
        f(b.mean_posterior, 3)
    ) + &b.calibrated.as_ref().map_or(String::new(), |c| {
        format!(
            "<p>Calibrated: thresholds from {:.6} to {:.6} give exact type I error {:.4} (at most {}) and power {:.4}.</p>\n",
            c.threshold_lower, c.threshold_upper, c.type_one_error, c.alpha, c.power
        )
    });
    for (k, d) in b.decisions.iter().enumerate() {
        let x = b.exact.as_ref().and_then(|x| x.get(k));
        s.push_str(&format!(
            "<tr><td class=\"l\">{}</td><td>{:.4} ({:.4})</td><td>{:.4} ({:.4})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            d.patients.map_or("final".to_string(), |n| format!("interim at {n}")),
            d.go,
            d.go_mcse,
            d.no_go,
            d.no_go_mcse,
            f(x.map(|x| x.go), 4),
            f(x.map(|x| x.no_go), 4),
            x.filter(|x| x.go_responders <= x.patients).map_or("—".into(), |x| x.go_responders.to_string()),
            x.map_or("—".into(), |x| x.continue_responders.to_string()),
        ));
    }
    s + "</table>\n"
}
