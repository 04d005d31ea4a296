//! Patient-level exports of virtual trials (`peritrial sample`), for running one's own analysis
//! code on them, in the shapes R, SAS and `peritrial analyze` read as they are:
//!
//! - `patients.csv`: a long table, one row per patient of every trial, `trial` first (as
//!   simtrial's output), then the patient, cohort, arm, entry month, first event and its
//!   cause, death and dropout months, per time-to-event endpoint `<endpoint>_time` and
//!   `<endpoint>_status` as observed at the trial's analysis cut (0 censored, 1 event, 2
//!   competing; empty for a patient enrolled after it), responses and adverse events;
//! - `trials.csv`: one row per trial with the numbers `run --replicates-csv` gives (cut month,
//!   each endpoint's statistic, p-value, estimate, events and decision, each look);
//! - `dictionary.csv`: every column of both files, its unit and its codes;
//! - with `--per-trial`, per trial and endpoint a file `analyze` reads with no flags
//!   (`time,status,arm,stratum` for time to event, arm 1 the endpoint's treatment and 0 its
//!   control; `arm,response,stratum` for a binary endpoint, with `--response response`).
//!
//! No comment lines: the provenance and the effective scenario go to `provenance.txt`.

use crate::analyze::{Assessment, assessed_response, assessment};
use crate::cut::{TteSpec, observe};
use crate::scenario::{EndpointKind, Scenario};
use crate::simulate::{NO_EVENT, Trial};

/// A time as the shortest text that reads back as the same number; empty if not finite.
fn t(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// The time-to-event endpoints: (index, name, how its outcome is read).
pub fn tte_specs(s: &Scenario) -> Vec<(usize, String, TteSpec)> {
    s.endpoints()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| TteSpec::new(s, &e.kind).map(|spec| (i, e.name.clone(), spec)))
        .collect()
}

/// Whether any cohort switches therapy at recurrence (then `patients.csv` has `switched`).
fn switching(s: &Scenario) -> bool {
    s.cohorts().iter().any(|c| c.switching.is_some())
}

/// The columns of `patients.csv`.
pub fn patients_header(s: &Scenario) -> Vec<String> {
    let mut head: Vec<String> = [
        "trial",
        "patient",
        "cohort",
        "arm",
        "entry_month",
        "first_event_month",
        "first_event",
        "death_month",
        "dropout_month",
    ]
    .map(String::from)
    .to_vec();
    if switching(s) {
        head.push("switched".into());
    }
    for (_, name, _) in tte_specs(s) {
        head.push(format!("{name}_time"));
        head.push(format!("{name}_status"));
    }
    for r in s.response_names() {
        head.push(r.clone());
        head.push(format!("{r}_assessment"));
    }
    head.extend(s.adverse_event_names().iter().map(|a| format!("{a}_grade")));
    head.extend(s.covariate_names().iter().cloned());
    head
}

/// The rows of one trial (`trial_no` 1-based) of `patients.csv`.
pub fn write_patients<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    s: &Scenario,
    specs: &[(usize, String, TteSpec)],
    trial_no: u64,
    trial: &Trial,
    cut_month: f64,
) -> csv::Result<()> {
    let mut row: Vec<String> = Vec::new();
    for (j, p) in trial.patients.iter().enumerate() {
        let m = trial.marks(j);
        row.clear();
        row.extend([
            trial_no.to_string(),
            (j + 1).to_string(),
            s.cohorts()[p.cohort as usize].name.clone(),
            s.arms()[p.arm as usize].name.clone(),
            format!("{}", p.entry),
            t(p.first_time),
            if p.first_cause == NO_EVENT { String::new() } else { s.event_names()[p.first_cause as usize].clone() },
            t(p.death_time),
            t(p.dropout),
        ]);
        if switching(s) {
            row.push((p.switched as u8).to_string());
        }
        for (_, _, spec) in specs {
            match observe(p, spec.outcome(p, s.assessments()), cut_month) {
                Some((time, status)) => row.extend([format!("{time}"), status.to_string()]),
                None => row.extend([String::new(), String::new()]),
            }
        }
        for r in 0..s.response_names().len() {
            // What the analysis counts at the cut, and why (empty when not yet due).
            let (counted, why) = match assessment(s, r, p, &m, cut_month) {
                Some(Assessment::Responder) => ("1", "responder"),
                Some(Assessment::NonResponder) => ("0", "non_responder"),
                Some(Assessment::Died) => ("0", "died"),
                Some(Assessment::Lost) => ("0", "lost"),
                None => ("", ""),
            };
            row.extend([counted.to_string(), why.to_string()]);
        }
        for a in 0..s.adverse_event_names().len() {
            // 0 none, 1 grade 1–2, 3 grade ≥ 3.
            let v = if m.adverse_g3 >> a & 1 == 1 { 3 } else { (m.adverse >> a & 1) as u8 };
            row.push(v.to_string());
        }
        row.extend(trial.covariates(j).iter().map(|x| format!("{x}")));
        w.write_record(&row)?;
    }
    Ok(())
}

/// One trial's data for one endpoint as `analyze` reads it with no flags (see the module), or
/// None for a safety endpoint.
pub fn per_trial(s: &Scenario, endpoint: usize, trial: &Trial, cut_month: f64) -> Option<String> {
    let e = &s.endpoints()[endpoint];
    let arm_code = |arm: usize| {
        if arm == e.treatment {
            Some("1")
        } else if Some(arm) == e.control {
            Some("0")
        } else {
            None
        }
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let ok = |r: csv::Result<()>| r.expect("writing to memory");
    // The measured covariates, as the analysis sees them (an unmeasured confounder is not).
    let measured: Vec<usize> = (0..s.covariate_names().len()).filter(|&k| s.covariate_measured()[k]).collect();
    let header = |fixed: &[&str]| -> Vec<String> {
        fixed.iter().map(|c| c.to_string()).chain(measured.iter().map(|&k| s.covariate_names()[k].clone())).collect()
    };
    let with = |mut row: Vec<String>, j: usize| {
        let x = trial.covariates(j);
        row.extend(measured.iter().map(|&k| format!("{}", x[k])));
        row
    };
    match &e.kind {
        EndpointKind::TimeToEvent { .. } => {
            let spec = TteSpec::new(s, &e.kind)?;
            ok(w.write_record(header(&["time", "status", "arm", "stratum"])));
            for (j, p) in trial.patients.iter().enumerate() {
                let (Some(arm), Some((time, status))) =
                    (arm_code(p.arm as usize), observe(p, spec.outcome(p, s.assessments()), cut_month))
                else {
                    continue;
                };
                ok(w.write_record(with(
                    vec![
                        format!("{time}"),
                        status.to_string(),
                        arm.into(),
                        s.cohorts()[p.cohort as usize].name.clone(),
                    ],
                    j,
                )));
            }
        }
        EndpointKind::Binary { response, .. } => {
            ok(w.write_record(header(&["arm", "response", "stratum"])));
            for (j, p) in trial.patients.iter().enumerate() {
                let (Some(arm), Some(r)) =
                    (arm_code(p.arm as usize), assessed_response(s, *response, p, &trial.marks(j), cut_month))
                else {
                    continue;
                };
                let row =
                    vec![arm.into(), if r { "1" } else { "0" }.into(), s.cohorts()[p.cohort as usize].name.clone()];
                ok(w.write_record(with(row, j)));
            }
        }
        EndpointKind::Safety { .. } => return None,
    }
    Some(String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 text"))
}

/// `dictionary.csv`: file, column, type, unit, description and codes of every column.
pub fn dictionary(s: &Scenario, layout: &crate::analyze::Layout) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut add = |file: &str, column: &str, kind: &str, unit: &str, description: &str, codes: &str| {
        w.write_record([file, column, kind, unit, description, codes]).expect("writing to memory");
    };
    add("file", "column", "type", "unit", "description", "codes");
    let events = s.event_names().join(", ");
    let p = "patients.csv";
    add(p, "trial", "integer", "", "the virtual trial (replicate i is trial i + 1 of `run`)", "");
    add(p, "patient", "integer", "", "the patient, in randomisation order", "");
    let cohorts = s.cohorts().iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
    add(p, "cohort", "text", "", "the patient's cohort (the stratum of a stratified analysis)", &cohorts);
    let arms = s.arms().iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
    add(p, "arm", "text", "", "the randomised arm", &arms);
    add(p, "entry_month", "number", "months", "calendar month of enrolment from the study's start", "");
    // The latent times: as simulated, whether or not the trial would see them.
    let latent = "as simulated, before dropout and the analysis cut censor it (a trial sees it only if before both)";
    add(
        p,
        "first_event_month",
        "number",
        "months",
        &format!("months from entry to the patient's first event, {latent} (empty: none)"),
        "",
    );
    add(p, "first_event", "text", "", "the first event's cause, as simulated (empty: none)", &events);
    add(
        p,
        "death_month",
        "number",
        "months",
        &format!("months from entry to death, {latent} (empty: none simulated)"),
        "",
    );
    add(
        p,
        "dropout_month",
        "number",
        "months",
        "months from entry to loss to follow-up, as simulated (empty: none)",
        "",
    );
    if switching(s) {
        add(
            p,
            "switched",
            "integer",
            "",
            "switched therapy when the first (non-fatal) event happened (cohorts.C.switching)",
            "0, 1",
        );
    }
    for (i, name, _) in tte_specs(s) {
        let e = &s.endpoints()[i];
        let (events, competing) = match &e.kind {
            EndpointKind::TimeToEvent { events, competing, .. } => (events, competing),
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => continue,
        };
        let names = |ids: &[usize]| ids.iter().map(|&k| s.event_names()[k].as_str()).collect::<Vec<_>>().join(" or ");
        add(
            p,
            &format!("{name}_time"),
            "number",
            "months",
            &format!(
                "months from entry to {} or censoring, as observed at the trial's analysis cut (empty: enrolled after it)",
                names(events)
            ),
            "",
        );
        let competing =
            if competing.is_empty() { String::new() } else { format!("; 2 = competing event ({})", names(competing)) };
        add(
            p,
            &format!("{name}_status"),
            "integer",
            "",
            &format!("endpoint {name} at the cut"),
            &format!("0 = censored; 1 = event{competing}"),
        );
    }
    for r in s.response_names() {
        add(
            p,
            r,
            "integer",
            "",
            &format!("response {r} as the analysis counts it at the cut (empty: not yet due)"),
            "1 = responder; 0 = not (including a death or a loss to follow-up before the assessment)",
        );
        add(
            p,
            &format!("{r}_assessment"),
            "string",
            "",
            &format!("what the assessment of {r} found at the cut (empty: not yet due)"),
            "responder; non_responder; died (before the assessment: a non-response); lost (to follow-up before it: not assessed, a non-response)",
        );
    }
    for a in s.adverse_event_names() {
        add(
            p,
            &format!("{a}_grade"),
            "integer",
            "",
            &format!("adverse event {a} within 24 h of perfusion"),
            "0 = none; 1 = grade 1-2; 3 = grade 3 or more",
        );
    }
    for (k, name) in s.covariate_names().iter().enumerate() {
        let measured = if s.covariate_measured()[k] {
            "measured: in each endpoint's analysis file too"
        } else {
            "unmeasured (measured = false): a confounder the analysis files leave out"
        };
        add(p, name, "number", "", &format!("baseline covariate {name}, as simulated; {measured}"), "");
    }
    for (name, endpoint, c) in super::replicates::columns(s, layout) {
        let description = match endpoint {
            Some(i) => format!("endpoint {}: {}", s.endpoints()[i].name, c.description),
            None => c.description.to_string(),
        };
        add("trials.csv", &name, c.kind, c.unit, &description, c.codes);
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 text")
}
