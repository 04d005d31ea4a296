//! ADaM-shaped data sets of virtual trials (`peritrial sample --adam`): ADSL (one row per
//! patient), ADTTE (one row per patient and time-to-event endpoint), ADRS (responses) and ADAE
//! (adverse events), as CSV with CDISC variable names. Months become days at 365.25 / 12 days
//! a month from `--reference-date` (the study's month 0). `docs/adam.md` gives the mapping.
//!
//! Every data set carries `TRIAL`, the virtual trial (the same number as `patients.csv`), so
//! that one file holds all the exported trials; `USUBJID` is unique across them.

use crate::analyze::assessed_response;
use crate::cut::{TteSpec, observe};
use crate::scenario::{EndpointKind, Scenario};
use crate::simulate::Trial;

/// Days in a month: 365.25 / 12.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// A calendar date as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub i64);

impl Date {
    /// Reads `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days-from-civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// The date `days` (rounded down) after this one.
    pub fn plus_days(self, days: f64) -> Date {
        Date(self.0 + days.floor() as i64)
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + (month <= 2) as i64;
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

/// A name as a CDISC code: its letters and digits in capitals, at most `max` of them.
fn code(name: &str, max: usize) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).take(max).collect()
}

/// The study identifier: the scenario's name as a code of at most 20 characters.
pub fn studyid(s: &Scenario) -> String {
    let id = code(&s.name, 20);
    if id.is_empty() { "PERITRIAL".into() } else { id }
}

/// A parameter code: the name in capitals, letters and digits only, at most 8 characters
/// (SAS transport's limit), made unique among `taken` by a trailing digit.
pub fn paramcd(name: &str, taken: &[String]) -> String {
    let base = code(name, 8);
    let base = if base.is_empty() { "PARAM".to_string() } else { base };
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|k: u32| {
            let tail = k.to_string();
            format!("{}{tail}", &base[..base.len().min(8 - tail.len())])
        })
        .find(|c| !taken.contains(c))
        .unwrap_or(base)
}

/// The parameter codes of the time-to-event endpoints, the responses and the adverse events.
pub struct Codes {
    pub tte: Vec<(usize, String, TteSpec)>,
    pub responses: Vec<String>,
}

impl Codes {
    pub fn new(s: &Scenario) -> Codes {
        let mut taken = Vec::new();
        let mut tte = Vec::new();
        for (i, e) in s.endpoints.iter().enumerate() {
            if let Some(spec) = TteSpec::new(s, &e.kind) {
                let c = paramcd(&e.name, &taken);
                taken.push(c.clone());
                tte.push((i, c, spec));
            }
        }
        let mut responses = Vec::new();
        for r in &s.response_names {
            let c = paramcd(r, &taken);
            taken.push(c.clone());
            responses.push(c);
        }
        Codes { tte, responses }
    }
}

/// The four data sets' text, headers first, taken out trial by trial.
pub struct Sets {
    pub adsl: csv::Writer<Vec<u8>>,
    pub adtte: csv::Writer<Vec<u8>>,
    pub adrs: csv::Writer<Vec<u8>>,
    pub adae: csv::Writer<Vec<u8>>,
}

pub const ADSL: [&str; 16] = [
    "STUDYID", "USUBJID", "SUBJID", "TRIAL", "ARM", "ARMCD", "TRT01P", "TRT01PN", "STRATA", "COHORT", "RANDDT",
    "TRTSDT", "ITTFL", "DTHFL", "DTHDT", "EOSDT",
];
pub const ADTTE: [&str; 17] = [
    "STUDYID", "USUBJID", "TRIAL", "PARAMCD", "PARAM", "AVAL", "AVALU", "CNSR", "CRSKFL", "EVNTDESC", "CNSDTDSC",
    "STARTDT", "ADT", "TRT01P", "TRT01PN", "STRATA", "ITTFL",
];
pub const ADRS: [&str; 12] = [
    "STUDYID", "USUBJID", "TRIAL", "PARAMCD", "PARAM", "AVAL", "AVALC", "ADT", "TRT01P", "TRT01PN", "STRATA", "EVALFL",
];
pub const ADAE: [&str; 10] =
    ["STUDYID", "USUBJID", "TRIAL", "AEDECOD", "AETOXGR", "AESER", "ASTDT", "TRT01P", "TRT01PN", "STRATA"];

impl Default for Sets {
    fn default() -> Sets {
        Sets::new()
    }
}

impl Sets {
    pub fn new() -> Sets {
        let mut s = Sets {
            adsl: csv::Writer::from_writer(Vec::new()),
            adtte: csv::Writer::from_writer(Vec::new()),
            adrs: csv::Writer::from_writer(Vec::new()),
            adae: csv::Writer::from_writer(Vec::new()),
        };
        let ok = |r: csv::Result<()>| r.expect("writing to memory");
        ok(s.adsl.write_record(ADSL));
        ok(s.adtte.write_record(ADTTE));
        ok(s.adrs.write_record(ADRS));
        ok(s.adae.write_record(ADAE));
        s
    }

    /// The bytes written so far, per data set (adsl, adtte, adrs, adae), emptying the buffers.
    pub fn take(&mut self) -> [Vec<u8>; 4] {
        let take = |w: &mut csv::Writer<Vec<u8>>| {
            let full = std::mem::replace(w, csv::Writer::from_writer(Vec::new()));
            full.into_inner().expect("writing to memory")
        };
        [take(&mut self.adsl), take(&mut self.adtte), take(&mut self.adrs), take(&mut self.adae)]
    }

    /// One trial's rows (`trial_no` 1-based) of every data set.
    pub fn trial(
        &mut self,
        s: &Scenario,
        codes: &Codes,
        reference: Date,
        trial_no: u64,
        trial: &Trial,
        cut_month: f64,
    ) {
        let ok = |r: csv::Result<()>| r.expect("writing to memory");
        let study = studyid(s);
        let days = |months: f64| months * DAYS_PER_MONTH;
        let date = |months: f64| reference.plus_days(days(months)).to_string();
        let n_arms = s.arms.len();
        for (j, p) in trial.patients.iter().enumerate() {
            if p.entry > cut_month {
                continue; // not yet randomised at the analysis
            }
            let m = trial.marks(j);
            let usubjid = format!("{study}-{trial_no:05}-{:05}", j + 1);
            let arm = &s.arms[p.arm as usize].name;
            // TRT01PN: 1 the first endpoint's treatment arm, 0 its control; else the arm's order.
            let trtn = s.endpoints.first().map_or(p.arm as usize, |e| {
                if p.arm as usize == e.treatment {
                    1
                } else if Some(p.arm as usize) == e.control {
                    0
                } else {
                    p.arm as usize + n_arms
                }
            });
            let trtn = trtn.to_string();
            let cohort = &s.cohorts[p.cohort as usize].name;
            let rand = date(p.entry);
            // What the trial knows at the cut: a death after the patient was lost to follow-up
            // is not seen, nor a loss after death.
            let seen = |t: f64| t.is_finite() && p.entry + t <= cut_month;
            let dead = seen(p.death_time) && !(p.dropout < p.death_time);
            let lost = seen(p.dropout) && !dead;
            let end = if dead {
                p.death_time
            } else if lost {
                p.dropout
            } else {
                cut_month - p.entry
            };
            let arm_code = code(arm, 8);
            ok(self.adsl.write_record([
                study.as_str(),
                &usubjid,
                &(j + 1).to_string(),
                &trial_no.to_string(),
                arm,
                &arm_code,
                arm,
                &trtn,
                cohort,
                cohort,
                &rand,
                &rand,
                "Y",
                if dead { "Y" } else { "" },
                &if dead { date(p.entry + p.death_time) } else { String::new() },
                &date(p.entry + end),
            ]));
            for (i, code, spec) in &codes.tte {
                let e = &s.endpoints[*i];
                let Some((time, status)) = observe(p, spec.outcome(p, s.assessments.as_ref()), cut_month) else {
                    continue;
                };
                let (events, competing) = match &e.kind {
                    EndpointKind::TimeToEvent { events, competing, .. } => (events, competing),
                    EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => continue,
                };
                let names = |ids: &[usize]| {
                    ids.iter().map(|&k| s.event_names[k].to_uppercase()).collect::<Vec<_>>().join(" OR ")
                };
                // The event that happened: the only one possible, else the patient's first event
                // where it is one of them.
                let which = |ids: &[usize], otherwise: &str| match ids {
                    [k] => s.event_names[*k].to_uppercase(),
                    _ if ids.contains(&(p.first_cause as usize)) => {
                        s.event_names[p.first_cause as usize].to_uppercase()
                    }
                    _ => otherwise.to_string(),
                };
                let (evnt, cens) = match status {
                    1 => (which(events, &names(events)), String::new()),
                    2 => (format!("{} (COMPETING)", which(competing, "OTHER EVENT")), String::new()),
                    _ => (String::new(), if lost { "LOST TO FOLLOW-UP" } else { "ANALYSIS CUT" }.into()),
                };
                ok(self.adtte.write_record([
                    study.as_str(),
                    &usubjid,
                    &trial_no.to_string(),
                    code,
                    &format!("Time to {} (endpoint {})", names(events).to_lowercase().replace('_', " "), e.name),
                    &format!("{}", days(time)),
                    "DAYS",
                    if status == 1 { "0" } else { "1" },
                    if status == 2 { "Y" } else { "" },
                    &evnt,
                    &cens,
                    &rand,
                    &date(p.entry + time),
                    arm,
                    &trtn,
                    cohort,
                    "Y",
                ]));
            }
            for (r, code) in codes.responses.iter().enumerate() {
                let name = &s.response_names[r];
                let at = s.cohorts[p.cohort as usize].responses[r].as_ref().map_or(0.0, |x| x.assessed_at_months);
                let assessed = assessed_response(s, r, p, &m, cut_month);
                let (aval, avalc) = match assessed {
                    Some(true) => ("1", "Y"),
                    Some(false) => ("0", "N"),
                    None => ("", ""),
                };
                ok(self.adrs.write_record([
                    study.as_str(),
                    &usubjid,
                    &trial_no.to_string(),
                    code,
                    &format!("Response {name} at month {at}"),
                    aval,
                    avalc,
                    &if assessed.is_some() { date(p.entry + at) } else { String::new() },
                    arm,
                    &trtn,
                    cohort,
                    if assessed.is_some() { "Y" } else { "N" },
                ]));
            }
            for (a, name) in s.adverse_event_names.iter().enumerate() {
                let (any, g3) = (m.adverse >> a & 1 == 1, m.adverse_g3 >> a & 1 == 1);
                if !(any || g3) {
                    continue;
                }
                ok(self.adae.write_record([
                    study.as_str(),
                    &usubjid,
                    &trial_no.to_string(),
                    &name.to_uppercase(),
                    if g3 { ">=3" } else { "1-2" },
                    if g3 { "Y" } else { "N" },
                    &rand,
                    arm,
                    &trtn,
                    cohort,
                ]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_invalid_ones_are_refused() {
        for s in ["1970-01-01", "2000-02-29", "2026-12-01", "1899-12-31", "2100-03-01"] {
            assert_eq!(Date::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().0, 1);
        assert_eq!(Date::parse("2026-01-01").unwrap().plus_days(31.9).to_string(), "2026-02-01");
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "20260101", "2026-04-31", ""] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn parameter_codes_fit_eight_characters_and_are_unique() {
        let mut taken = Vec::new();
        for name in ["regional_recurrence", "regional_recurrence_2", "os", "efs"] {
            let c = paramcd(name, &taken);
            assert!(c.len() <= 8 && !taken.contains(&c), "{c}");
            taken.push(c);
        }
        assert_eq!(taken, ["REGIONAL", "REGIONA2", "OS", "EFS"]);
    }
}
