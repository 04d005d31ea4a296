//! Patient-level CSV of one virtual trial (`peritrial sample`), for running one's own analysis
//! code on it. Times are months; event times are from entry; an endpoint's time and status
//! (0 censored, 1 event, 2 competing) are as observed at the trial's analysis cut, empty for a
//! patient enrolled after it.

use crate::cut::{TteSpec, observe};
use crate::scenario::Scenario;
use crate::simulate::{NO_EVENT, Trial};

fn t(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

pub fn csv(s: &Scenario, trial: &Trial, cut_month: f64) -> String {
    let specs: Vec<(String, TteSpec)> =
        s.endpoints.iter().filter_map(|e| TteSpec::new(s, &e.kind).map(|spec| (e.name.clone(), spec))).collect();
    let mut head = vec![
        "patient",
        "entry_month",
        "cohort",
        "arm",
        "first_event_month",
        "first_event",
        "death_month",
        "dropout_month",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    for (name, _) in &specs {
        head.push(format!("{name}_time"));
        head.push(format!("{name}_status"));
    }
    head.extend(s.response_names.iter().cloned());
    head.extend(s.adverse_event_names.iter().map(|a| format!("{a}_grade3")));
    let mut out = head.join(",") + "\n";
    for (j, p) in trial.patients.iter().enumerate() {
        let m = trial.marks(j);
        let mut row = vec![
            (j + 1).to_string(),
            format!("{}", p.entry),
            s.cohorts[p.cohort as usize].name.clone(),
            s.arms[p.arm as usize].name.clone(),
            t(p.first_time),
            if p.first_cause == NO_EVENT { String::new() } else { s.event_names[p.first_cause as usize].clone() },
            t(p.death_time),
            t(p.dropout),
        ];
        for (_, spec) in &specs {
            match observe(p, spec.outcome(p, s.assessments.as_ref()), cut_month) {
                Some((time, status)) => {
                    row.push(format!("{time}"));
                    row.push(status.to_string());
                }
                None => {
                    row.push(String::new());
                    row.push(String::new());
                }
            }
        }
        for r in 0..s.response_names.len() {
            row.push(((m.responses >> r) & 1).to_string());
        }
        for a in 0..s.adverse_event_names.len() {
            // 0 none, 1 grade 1–2, 3 grade ≥ 3.
            let v = if m.adverse_g3 >> a & 1 == 1 { 3 } else { (m.adverse >> a & 1) as u8 };
            row.push(v.to_string());
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
