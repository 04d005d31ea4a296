//! `analysis.looks`: the interim looks, as information fractions (an array), or a table of
//! calendar months, fractions or both (with a trigger), a minimum gap and whether interims
//! should fall during enrolment.

use super::common::{months, positive_months};
use crate::scenario::model::{Cut, Looks};
use crate::scenario::read::{Reader, get};
use crate::scenario::tree::{Entry, Node};

/// `analysis.looks` (one final analysis when not given): the looks, the minimum gap between
/// them and whether interims should fall during enrolment.
pub(super) fn read_looks(r: &mut Reader, t: &[Entry], cut: Option<&Cut>) -> (Option<Looks>, Option<f64>, Option<bool>) {
    match get(t, "looks") {
        None => (Some(Looks::Information(vec![1.0])), Some(0.0), Some(false)),
        Some(n) if n.table().is_some() => match read_table_looks(r, n, cut) {
            Some((l, g, d)) => (Some(l), Some(g), Some(d)),
            None => (None, None, None),
        },
        Some(n) => (read_fractions(r, n, "analysis.looks").map(Looks::Information), Some(0.0), Some(false)),
    }
}

/// The table form of `analysis.looks`: `months` (interims at calendar months), `fractions`
/// (information, as the array form), or both with `trigger = "later" | "earlier"`; and
/// `min_gap_months`, `during_enrolment`. Returns the looks, the minimum gap and the check.
fn read_table_looks(r: &mut Reader, node: &Node, cut: Option<&Cut>) -> Option<(Looks, f64, bool)> {
    let t = r.table(
        node,
        "analysis.looks",
        &["months", "fractions", "events", "patients", "trigger", "min_gap_months", "during_enrolment"],
    )?;
    if let (Some(_), Some(p)) = (get(t, "events"), get(t, "patients")) {
        r.error(p, "analysis.looks.patients", "looks are given as event counts or as patient counts, not both");
        return None;
    }
    if let Some(p) = get(t, "patients") {
        for other in ["months", "fractions", "trigger"] {
            if let Some(o) = get(t, other) {
                r.error(
                    o,
                    &format!("analysis.looks.{other}"),
                    "looks given as patient counts (patients = [...]) take no months, fractions or trigger",
                );
                return None;
            }
        }
        let counts = read_counts(r, p, "analysis.looks.patients", "patient counts")?;
        let (gap, during) = gap_and_during(r, t);
        return Some((Looks::Patients(counts), gap?, during?));
    }
    if let Some(e) = get(t, "events") {
        for other in ["months", "fractions", "trigger"] {
            if let Some(o) = get(t, other) {
                r.error(
                    o,
                    &format!("analysis.looks.{other}"),
                    "looks given as event counts (events = [...]) take no months, fractions or trigger",
                );
                return None;
            }
        }
        let counts = read_look_events(r, e, cut)?;
        let (gap, during) = gap_and_during(r, t);
        return Some((Looks::Events(counts), gap?, during?));
    }
    let months = match get(t, "months") {
        None => None,
        Some(m) => Some(read_look_months(r, m, cut)?),
    };
    let fractions = match get(t, "fractions") {
        None => None,
        Some(f) => Some(read_fractions(r, f, "analysis.looks.fractions")?),
    };
    let (gap, during) = gap_and_during(r, t);
    let trigger = match get(t, "trigger") {
        None => Some(true),
        Some(n) if months.is_some() && fractions.is_some() => {
            r.choice(n, "analysis.looks.trigger", &["later", "earlier"]).map(|c| c == "later")
        }
        Some(n) => {
            r.error(n, "analysis.looks.trigger", "a trigger combines fractions and months: give both");
            None
        }
    };
    let looks = match (fractions, months) {
        (Some(f), None) => Looks::Information(f),
        (None, Some(m)) => Looks::Months(m),
        (Some(fractions), Some(months)) => {
            if months.len() + 1 != fractions.len() {
                r.error(node, "analysis.looks", format!("{} information fractions (the last, 1, the final analysis) need {} interim months, one per interim; found {}", fractions.len(), fractions.len() - 1, months.len()));
                return None;
            }
            let event_driven = match cut {
                Some(Cut::Events { .. }) => true,
                Some(Cut::Month(_) | Cut::MinFollowUp(_)) | None => false,
            };
            if !event_driven {
                r.error(node, "analysis.looks", "looks at the later or earlier of an event target and a month need an event-driven cut (analysis.cut = { endpoint = …, events = … }), whose target the fractions are of");
                return None;
            }
            Looks::Combined { fractions, months, later: trigger? }
        }
        (None, None) => {
            r.error(node, "analysis.looks", "expected { months = [m1, …] }, { fractions = [f1, …, 1.0] }, or both with trigger = \"later\" | \"earlier\"");
            return None;
        }
    };
    let _ = trigger?;
    Some((looks, gap?, during?))
}

/// `looks = { events = [57, 114, 171] }`: the monitored endpoint's event counts at the looks,
/// increasing strictly, the last the event-driven cut's target, at most 10.
fn read_look_events(r: &mut Reader, n: &Node, cut: Option<&Cut>) -> Option<Vec<u32>> {
    const PATH: &str = "analysis.looks.events";
    let counts = read_counts(r, n, PATH, "event counts")?;
    let target = match cut {
        Some(Cut::Events { events, .. }) => *events,
        Some(Cut::Month(_) | Cut::MinFollowUp(_)) => {
            r.error(n, PATH, "looks at event counts need an event-driven cut (analysis.cut = { endpoint = …, events = … }), whose target the last count is");
            return None;
        }
        // The cut has its own error.
        None => return None,
    };
    if *counts.last().expect("not empty") != target {
        r.error(
            n,
            PATH,
            format!(
                "the last count is the final analysis: expected it to be the cut's target, {target} events; found {}",
                counts.last().expect("not empty")
            ),
        );
        return None;
    }
    Some(counts)
}

/// Counts at the looks (`events` or `patients`): positive integers increasing strictly, at
/// most 10.
fn read_counts(r: &mut Reader, n: &Node, path: &str, what: &str) -> Option<Vec<u32>> {
    let items = r.array(n, path, &format!("the {what} of the looks"))?;
    let before = r.errors.len();
    let counts: Vec<u32> = items
        .iter()
        .enumerate()
        .filter_map(|(i, x)| r.integer(x, &format!("{path}[{i}]"), 1, u32::MAX as i64).map(|k| k as u32))
        .collect();
    if r.errors.len() > before {
        return None;
    }
    if counts.is_empty() || counts.windows(2).any(|w| w[1] <= w[0]) {
        r.error(n, path, format!("{what} must increase strictly"));
        return None;
    }
    if counts.len() > 10 {
        r.error(n, path, "at most 10 looks");
        return None;
    }
    Some(counts)
}

/// `min_gap_months` (default 0) and `during_enrolment` (default false) of the table form.
fn gap_and_during(r: &mut Reader, t: &[Entry]) -> (Option<f64>, Option<bool>) {
    let gap = match get(t, "min_gap_months") {
        None => Some(0.0),
        Some(g) => r.number(g, "analysis.looks.min_gap_months", self::months),
    };
    let during = match get(t, "during_enrolment") {
        None => Some(false),
        Some(b) => r.boolean(b, "analysis.looks.during_enrolment"),
    };
    (gap, during)
}

/// Information fractions: increasing strictly in (0, 1], ending at 1, at most 10.
fn read_fractions(r: &mut Reader, n: &Node, path: &str) -> Option<Vec<f64>> {
    let items = r.array(n, path, "information fractions")?;
    let before = r.errors.len();
    let ls: Vec<f64> = items
        .iter()
        .enumerate()
        .filter_map(|(i, x)| {
            r.number(x, &format!("{path}[{i}]"), |f| {
                if f > 0.0 && f <= 1.0 { Ok(()) } else { Err("an information fraction must be in (0, 1]".into()) }
            })
        })
        .collect();
    if r.errors.len() > before {
        return None;
    }
    if ls.is_empty() || ls.windows(2).any(|w| w[1] <= w[0]) || *ls.last().expect("not empty") != 1.0 {
        r.error(n, path, "information fractions must increase strictly and end at 1.0 (the final analysis)");
        return None;
    }
    if ls.len() > 10 {
        r.error(n, path, "at most 10 looks");
        return None;
    }
    Some(ls)
}

/// `looks = { months = [m1, m2, …] }`: the calendar months of the interim looks, increasing,
/// before the cut when the cut is a calendar month.
fn read_look_months(r: &mut Reader, m: &Node, cut: Option<&Cut>) -> Option<Vec<f64>> {
    let items = r.array(m, "analysis.looks.months", "the calendar months of the interim looks")?;
    let before = r.errors.len();
    let ms: Vec<f64> = items
        .iter()
        .enumerate()
        .filter_map(|(i, x)| r.number(x, &format!("analysis.looks.months[{i}]"), positive_months))
        .collect();
    if r.errors.len() > before {
        return None;
    }
    if ms.is_empty() || ms.windows(2).any(|w| w[1] <= w[0]) {
        r.error(
            m,
            "analysis.looks.months",
            "the months of the interim looks must increase strictly (at least one; the final analysis is the cut)",
        );
        return None;
    }
    if ms.len() > 9 {
        r.error(m, "analysis.looks.months", "at most 9 interim looks (10 analyses with the final one)");
        return None;
    }
    let end = match cut {
        Some(&Cut::Month(end)) => Some(end),
        Some(Cut::Events { .. } | Cut::MinFollowUp(_)) | None => None,
    };
    if let Some(end) = end
        && let Some(&last) = ms.last()
        && last >= end
    {
        r.error(
            m,
            "analysis.looks.months",
            format!(
                "an interim look must come before the final analysis at month {end} (analysis.cut.month); found {last}"
            ),
        );
        return None;
    }
    Some(ms)
}
