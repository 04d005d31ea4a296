//! `analyze`: the planned analyses on a trial's data (CSV), the same functions the engine runs
//! on every virtual trial.

use crate::cli::{AnalyzeArgs, CliError};
use crate::report;

pub fn analyze(args: AnalyzeArgs) -> Result<(), CliError> {
    let AnalyzeArgs {
        data,
        milestones,
        tau,
        time,
        status,
        arm,
        strata,
        treatment,
        control,
        event_cause,
        response,
        null_rate,
        null_difference,
        trial,
        by,
        format,
    } = args;
    let columns = crate::data::Columns {
        time,
        status,
        arm,
        strata,
        response,
        treatment,
        control,
        event_cause,
        only: trial.map(|k| ("trial".to_string(), k)),
        by,
    };
    let (data, columns, milestones) = (&data, &columns, &milestones[..]);
    if let Some(m) = milestones.iter().find(|m| !(m.is_finite() && **m > 0.0)) {
        return Err(CliError::Usage(format!("--milestones: {m} is not a positive number of months")));
    }
    if !(tau.is_finite() && tau > 0.0) {
        return Err(CliError::Usage(format!("--tau: {tau} is not a positive number of months")));
    }
    if let Some(p) = null_rate.filter(|p| !(*p > 0.0 && *p < 1.0)) {
        return Err(CliError::Usage(format!("--null-rate: {p} is not a rate strictly between 0 and 1")));
    }
    if let Some(d) = null_difference.filter(|d| !(*d > -1.0 && *d <= 0.0)) {
        return Err(CliError::Usage(format!(
            "--null-difference: {d} is not a non-inferiority margin on the rate difference in (-1, 0]"
        )));
    }
    if columns.event_cause == 0 {
        return Err(CliError::Usage("--event-cause: 0 is the code of censoring; expected 1, 2, …".into()));
    }
    let groups = crate::data::read(data, columns).map_err(|e| CliError::BadFile(e.0))?;
    let one = |d: &crate::data::Dataset| -> serde_json::Value {
        if columns.response.is_some() {
            let r = crate::stats::trial::responses(&d.responses, null_rate);
            report::analyze::response_value(&r, d, null_rate, null_difference)
        } else {
            let result = crate::stats::trial::analyze(&d.obs, milestones, tau);
            report::analyze::value(&result, d, milestones, tau)
        }
    };
    let values: Vec<(Option<&str>, serde_json::Value)> = match &columns.by {
        None => vec![(None, one(&groups[0].1))],
        Some(_) => groups.iter().map(|(label, d)| (Some(label.as_str()), one(d))).collect(),
    };
    let by = columns.by.as_deref();
    let text = match format {
        crate::cli::Format::Table => report::analyze::table(by, &values),
        crate::cli::Format::Json => report::analyze::json_text(by, &values),
        crate::cli::Format::Csv => report::analyze::csv(by, &values),
    };
    Ok(report::emit(&text, None, false)?)
}
