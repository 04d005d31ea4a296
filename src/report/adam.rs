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
use crate::simulate::{Marks, Patient, Trial};

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
    let id = code(s.name(), 20);
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
        for (i, e) in s.endpoints().iter().enumerate() {
            if let Some(spec) = TteSpec::new(s, &e.kind) {
                let c = paramcd(&e.name, &taken);
                taken.push(c.clone());
                tte.push((i, c, spec));
            }
        }
        let mut responses = Vec::new();
        for r in s.response_names() {
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

impl Sets {
    /// The data sets' headers; ADSL gains one column per baseline covariate (its name in
    /// capitals, the value as simulated; an unmeasured confounder too: ADSL is the truth).
    pub fn new(scenario: &Scenario) -> Sets {
        let mut s = Sets {
            adsl: csv::Writer::from_writer(Vec::new()),
            adtte: csv::Writer::from_writer(Vec::new()),
            adrs: csv::Writer::from_writer(Vec::new()),
            adae: csv::Writer::from_writer(Vec::new()),
        };
        let covariates = scenario.covariate_names().iter().map(|c| c.to_uppercase());
        ok(s.adsl.write_record(ADSL.iter().map(|c| c.to_string()).chain(covariates)));
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
        let study = studyid(s);
        for (j, p) in trial.patients.iter().enumerate() {
            if p.entry > cut_month {
                continue; // not yet randomised at the analysis
            }
            let m = trial.marks(j);
            let who = Subject {
                study: &study,
                usubjid: format!("{study}-{trial_no:05}-{:05}", j + 1),
                trial: trial_no.to_string(),
                arm: &s.arms()[p.arm as usize].name,
                trtn: trtn(s, p.arm as usize).to_string(),
                cohort: &s.cohorts()[p.cohort as usize].name,
                rand: reference.plus_days(p.entry * DAYS_PER_MONTH).to_string(),
                reference,
            };
            let (dead, lost, end) = disposition(p, cut_month);
            self.adsl_row(&who, j + 1, p, dead, end, trial.covariates(j));
            self.adtte_rows(s, codes, &who, p, lost, cut_month);
            self.adrs_rows(s, codes, &who, p, &m, cut_month);
            self.adae_rows(s, &who, &m);
        }
    }

    /// Writes a patient's ADSL row (`subjid` its 1-based number in the trial).
    fn adsl_row(&mut self, who: &Subject, subjid: usize, p: &Patient, dead: bool, end: f64, covariates: &[f64]) {
        let arm_code = code(who.arm, 8);
        let fixed = [
            who.study,
            &who.usubjid,
            &subjid.to_string(),
            &who.trial,
            who.arm,
            &arm_code,
            who.arm,
            &who.trtn,
            who.cohort,
            who.cohort,
            &who.rand,
            &who.rand,
            "Y",
            if dead { "Y" } else { "" },
            &if dead { who.date(p.entry + p.death_time) } else { String::new() },
            &who.date(p.entry + end),
        ];
        let values: Vec<String> = covariates.iter().map(|x| format!("{x}")).collect();
        ok(self.adsl.write_record(fixed.iter().map(|c| c.to_string()).chain(values)));
    }

    /// Writes a patient's ADTTE rows: one per time-to-event endpoint it has an observation of.
    fn adtte_rows(&mut self, s: &Scenario, codes: &Codes, who: &Subject, p: &Patient, lost: bool, cut_month: f64) {
        for (i, code, spec) in &codes.tte {
            let e = &s.endpoints()[*i];
            let Some((time, status)) = observe(p, spec.outcome(p, s.assessments()), cut_month) else {
                continue;
            };
            let (events, competing) = match &e.kind {
                EndpointKind::TimeToEvent { events, competing, .. } => (events, competing),
                EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => continue,
            };
            let names =
                |ids: &[usize]| ids.iter().map(|&k| s.event_names()[k].to_uppercase()).collect::<Vec<_>>().join(" OR ");
            // The event that happened: the only one possible, else the patient's first event
            // where it is one of them.
            let which = |ids: &[usize], otherwise: &str| match ids {
                [k] => s.event_names()[*k].to_uppercase(),
                _ if ids.contains(&(p.first_cause as usize)) => s.event_names()[p.first_cause as usize].to_uppercase(),
                _ => otherwise.to_string(),
            };
            let (evnt, cens) = match status {
                1 => (which(events, &names(events)), String::new()),
                2 => (format!("{} (COMPETING)", which(competing, "OTHER EVENT")), String::new()),
                _ => (String::new(), if lost { "LOST TO FOLLOW-UP" } else { "ANALYSIS CUT" }.into()),
            };
            ok(self.adtte.write_record([
                who.study,
                &who.usubjid,
                &who.trial,
                code,
                &format!("Time to {} (endpoint {})", names(events).to_lowercase().replace('_', " "), e.name),
                &format!("{}", time * DAYS_PER_MONTH),
                "DAYS",
                if status == 1 { "0" } else { "1" },
                if status == 2 { "Y" } else { "" },
                &evnt,
                &cens,
                &who.rand,
                &who.date(p.entry + time),
                who.arm,
                &who.trtn,
                who.cohort,
                "Y",
            ]));
        }
    }

    /// Writes a patient's ADRS rows: one per response.
    fn adrs_rows(&mut self, s: &Scenario, codes: &Codes, who: &Subject, p: &Patient, m: &Marks, cut_month: f64) {
        for (r, code) in codes.responses.iter().enumerate() {
            let name = &s.response_names()[r];
            let at = s.cohorts()[p.cohort as usize].responses[r].as_ref().map_or(0.0, |x| x.assessed_at_months);
            let assessed = assessed_response(s, r, p, m, cut_month);
            let (aval, avalc) = match assessed {
                Some(true) => ("1", "Y"),
                Some(false) => ("0", "N"),
                None => ("", ""),
            };
            ok(self.adrs.write_record([
                who.study,
                &who.usubjid,
                &who.trial,
                code,
                &format!("Response {name} at month {at}"),
                aval,
                avalc,
                &if assessed.is_some() { who.date(p.entry + at) } else { String::new() },
                who.arm,
                &who.trtn,
                who.cohort,
                if assessed.is_some() { "Y" } else { "N" },
            ]));
        }
    }

    /// Writes a patient's ADAE rows: one per adverse event it had.
    fn adae_rows(&mut self, s: &Scenario, who: &Subject, m: &Marks) {
        for (a, name) in s.adverse_event_names().iter().enumerate() {
            let (any, g3) = (m.adverse >> a & 1 == 1, m.adverse_g3 >> a & 1 == 1);
            if !(any || g3) {
                continue;
            }
            ok(self.adae.write_record([
                who.study,
                &who.usubjid,
                &who.trial,
                &name.to_uppercase(),
                if g3 { ">=3" } else { "1-2" },
                if g3 { "Y" } else { "N" },
                &who.rand,
                who.arm,
                &who.trtn,
                who.cohort,
            ]));
        }
    }
}

/// Panics where writing a record to memory failed (it cannot).
fn ok(r: csv::Result<()>) {
    r.expect("writing to memory")
}

/// What every row of one patient repeats: the study, the patient's identifiers, arm,
/// treatment number and cohort, and the randomisation date; and the study's month 0.
struct Subject<'a> {
    study: &'a str,
    usubjid: String,
    trial: String,
    arm: &'a str,
    trtn: String,
    cohort: &'a str,
    rand: String,
    reference: Date,
}

impl Subject<'_> {
    /// The date of a month of the study, as `YYYY-MM-DD`.
    fn date(&self, months: f64) -> String {
        self.reference.plus_days(months * DAYS_PER_MONTH).to_string()
    }
}

/// TRT01PN of a patient in `arm`: 1 the first endpoint's treatment arm, 0 its control; else
/// the arm's order after the arms.
fn trtn(s: &Scenario, arm: usize) -> usize {
    s.endpoints().first().map_or(arm, |e| {
        if arm == e.treatment {
            1
        } else if Some(arm) == e.control {
            0
        } else {
            arm + s.arms().len()
        }
    })
}

/// What the trial knows of a patient at the cut: whether it died, whether it was lost to
/// follow-up, and the month (from entry) its follow-up ends. A death after the patient was
/// lost to follow-up is not seen, nor a loss after death.
fn disposition(p: &Patient, cut_month: f64) -> (bool, bool, f64) {
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
    (dead, lost, end)
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
