//! Data cuts: when each analysis happens (at a calendar month, when an endpoint reaches an
//! event count, or when every patient has a minimum follow-up; and at each interim look), and
//! what each patient contributes to a time-to-event endpoint at a cut: a patient enrolled after
//! the cut is not in the data; the others are censored at the cut or at dropout.

use crate::scenario::{EndpointId, EndpointKind, EventId, Intercurrent, Scenario, Schedule};
use crate::simulate::{NO_EVENT, Patient};

/// A time-to-event endpoint as the cut sees it.
#[derive(Debug, Clone)]
pub struct TteSpec {
    /// Bit e: event cause e ends the endpoint.
    pub events: u64,
    /// Bit e: cause e is a competing event.
    pub competing: u64,
    pub death: Option<EventId>,
    /// Censor a patient who switched therapy when the switch is seen (the recurrence's visit).
    pub censor_at_switch: bool,
}

impl TteSpec {
    pub fn new(s: &Scenario, kind: &EndpointKind) -> Option<TteSpec> {
        let (events, competing, intercurrent) = match kind {
            EndpointKind::TimeToEvent { events, competing, intercurrent, .. } => (events, competing, intercurrent),
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return None,
        };
        let mask = |ids: &[EventId]| ids.iter().fold(0u64, |m, &e| m | 1 << e);
        Some(TteSpec {
            events: mask(events),
            competing: mask(competing),
            death: s.event_index(crate::scenario::DEATH),
            censor_at_switch: match intercurrent {
                Intercurrent::TreatmentPolicy => false,
                Intercurrent::CensorAtSwitch => true,
            },
        })
    }

    fn has(mask: u64, cause: usize) -> bool {
        mask & (1 << cause) != 0
    }

    /// The patient's outcome for this endpoint, in months from entry, with unlimited
    /// follow-up: (time, 1) the endpoint's event, (time, 2) a competing event (a listed one, or
    /// any other first event that precludes the endpoint when the endpoint lists competing
    /// events), (time, 0) a first event that ends the patient's risk of the endpoint without
    /// being either, or (∞, 0) nothing ever. A non-fatal event is seen at the first scheduled visit at or after
    /// it when there is a schedule; death is seen when it happens.
    ///
    /// Under `censor_at_switch`, a patient who switched is censored when the switch is seen
    /// (the recurrence's visit), unless the endpoint's outcome came first.
    #[inline(always)]
    pub fn outcome(&self, p: &Patient, schedule: Option<&Schedule>) -> (f64, u8) {
        self.outcome_seen_at(p, first_visit(p, schedule))
    }

    /// [`outcome`](Self::outcome) with the month (from entry) at which the patient's first
    /// event is seen if it is not death, [`first_visit`]: the same for every endpoint, so a
    /// trial's endpoints can share it.
    #[inline(always)]
    pub fn outcome_seen_at(&self, p: &Patient, visit: f64) -> (f64, u8) {
        let o = self.followed(p, visit);
        if self.censor_at_switch && p.switched && visit < o.0 {
            return (visit, 0);
        }
        o
    }

    /// [`outcome`](Self::outcome) when the scenario has no death, no visit schedule and no
    /// censoring at a switch: the first event decides alone, so the outcome is its time (∞ if
    /// none) and a status read off the cause without a branch (the cause is a coin flip to
    /// the CPU). `None` when those conditions do not hold.
    pub fn first_event_outcome(&self, schedule: Option<&Schedule>) -> Option<impl Fn(&Patient) -> (f64, u8) + '_> {
        (self.death.is_none() && schedule.is_none() && !self.censor_at_switch).then_some(|p: &Patient| {
            // Without death, every first event is seen, before a death that never comes.
            let bit = 1u64.checked_shl(p.first_cause as u32).unwrap_or(0); // NO_EVENT: 0
            let event = self.events & bit != 0;
            // Any other first event precludes the endpoint: competing when the endpoint
            // declares competing events, else a censoring.
            let other = bit != 0 && !event && self.competing != 0;
            (p.first_time, event as u8 | (other as u8) << 1)
        })
    }

    /// The outcome whatever happens after the first event (treatment policy).
    #[inline(always)]
    fn followed(&self, p: &Patient, visit: f64) -> (f64, u8) {
        let death_in = |mask: u64| self.death.is_some_and(|d| Self::has(mask, d));
        if p.first_cause == NO_EVENT {
            return (f64::INFINITY, 0);
        }
        let cause = p.first_cause as usize;
        let is_death = Some(cause) == self.death;
        let seen = if is_death { p.first_time } else { visit };
        // A recurrence whose visit comes after death is never seen.
        let seen_before_death = is_death || seen <= p.death_time;
        if Self::has(self.events, cause) && seen_before_death {
            return (seen, 1);
        }
        if death_in(self.events) && p.death_time.is_finite() {
            // Death after a non-endpoint first event (or before the visit) ends the endpoint.
            let competing_first = Self::has(self.competing, cause) && seen_before_death && seen < p.death_time;
            return if competing_first { (seen, 2) } else { (p.death_time, 1) };
        }
        if Self::has(self.competing, cause) && seen_before_death {
            return (seen, 2);
        }
        if seen_before_death && !is_death {
            // A non-fatal first event that is neither the endpoint's nor listed: the first event
            // wins, so the endpoint's events can no longer happen and the patient leaves the
            // risk set here — as a competing event when the endpoint declares competing events
            // (for its cumulative incidence), else as a censoring.
            return (seen, if self.competing != 0 { 2 } else { 0 });
        }
        if death_in(self.competing) && p.death_time.is_finite() {
            return (p.death_time, 2);
        }
        if seen_before_death { (seen, 0) } else { (p.death_time, 0) }
    }
}

/// The first visit at or after `t` (months from entry) on a schedule.
pub fn next_visit(s: &Schedule, t: f64) -> f64 {
    let k = s.starts.partition_point(|&x| x <= t).max(1) - 1;
    let (start, every) = (s.starts[k], s.every[k]);
    let v = start + ((t - start) / every).ceil() * every;
    match s.starts.get(k + 1) {
        Some(&next) if v > next => next,
        _ => v,
    }
}

/// What a patient contributes at a calendar cut: `None` if enrolled after it, else the
/// observed time from entry and status (0 censored, 1 event, 2 competing).
#[inline]
pub fn observe(p: &Patient, outcome: (f64, u8), cut: f64) -> Option<(f64, u8)> {
    let (in_data, t, status) = observe_at(p, outcome, cut);
    in_data.then_some((t, status))
}

/// [`observe`] without a branch: whether the patient is in the data (enrolled by the cut),
/// and the observed time and status (meaningful only if so). Whether a patient's event is
/// seen is a coin flip to the CPU, so everything is computed and selected.
#[inline(always)]
pub fn observe_at(p: &Patient, outcome: (f64, u8), cut: f64) -> (bool, f64, u8) {
    let (t, status) = outcome;
    // Compare calendar months as the cut does (entry + t), so an event exactly at an
    // event-driven cut is in the data whatever the rounding of cut − entry.
    let seen = (t <= p.dropout) & (p.entry + t <= cut);
    let censored = (cut - p.entry).min(p.dropout);
    // Selection by a mask hidden from the optimiser, which would otherwise turn it (like an
    // `if`, even `select_unpredictable`) back into a branch.
    let mask = std::hint::black_box((seen as u64).wrapping_neg());
    let time = f64::from_bits((t.to_bits() & mask) | (censored.to_bits() & !mask));
    (p.entry <= cut, time, status & mask as u8)
}

/// Every patient's outcome for the endpoint ([`TteSpec::outcome`]) into `outcomes`, and with
/// `months`, the calendar months at which the endpoint's events are observed (with unlimited
/// follow-up, before dropout), in patient order: one pass over the patients.
pub fn outcomes(
    spec: &TteSpec,
    patients: &[Patient],
    schedule: Option<&Schedule>,
    outcomes: &mut Vec<(f64, u8)>,
    months: Option<&mut Vec<f64>>,
) {
    match spec.first_event_outcome(schedule) {
        Some(first) => outcomes_by(|_, p| first(p), patients, outcomes, months),
        None => outcomes_by(|_, p| spec.outcome(p, schedule), patients, outcomes, months),
    }
}

/// When each patient's first event is seen if it is not death: its time, or with a schedule
/// the first visit at or after it (∞ without an event).
#[inline(always)]
pub fn first_visit(p: &Patient, schedule: Option<&Schedule>) -> f64 {
    match schedule {
        Some(s) if p.first_time.is_finite() => next_visit(s, p.first_time),
        _ => p.first_time,
    }
}

/// [`first_visit`] of every patient into `out`.
pub fn first_visits(patients: &[Patient], schedule: Option<&Schedule>, out: &mut Vec<f64>) {
    out.clear();
    out.extend(patients.iter().map(|p| first_visit(p, schedule)));
}

/// [`outcomes`] with the patients' [`first_visits`] computed once for all endpoints.
pub fn outcomes_seen_at(
    spec: &TteSpec,
    patients: &[Patient],
    schedule: Option<&Schedule>,
    visits: &[f64],
    outcomes: &mut Vec<(f64, u8)>,
    months: Option<&mut Vec<f64>>,
) {
    match spec.first_event_outcome(schedule) {
        Some(first) => outcomes_by(|_, p| first(p), patients, outcomes, months),
        None => outcomes_by(|j, p| spec.outcome_seen_at(p, visits[j]), patients, outcomes, months),
    }
}

#[inline(always)]
fn outcomes_by(
    outcome: impl Fn(usize, &Patient) -> (f64, u8),
    patients: &[Patient],
    outcomes: &mut Vec<(f64, u8)>,
    months: Option<&mut Vec<f64>>,
) {
    outcomes.clear();
    let Some(months) = months else {
        outcomes.extend(patients.iter().enumerate().map(|(j, p)| outcome(j, p)));
        return;
    };
    months.clear();
    months.resize(patients.len(), 0.0);
    let mut len = 0;
    for (j, p) in patients.iter().enumerate() {
        let o = outcome(j, p);
        outcomes.push(o);
        // Written unconditionally, kept by advancing: no branch on the data.
        months[len] = p.entry + o.0;
        len += ((o.1 == 1) & (o.0 <= p.dropout)) as usize;
    }
    months.truncate(len);
}

/// The k-th (1-based) smallest of `months` (reordered), or `None` when there are fewer.
pub fn kth_month(months: &mut [f64], k: usize) -> Option<f64> {
    if k == 0 || months.len() < k {
        return None;
    }
    let (_, kth, _) = months.select_nth_unstable_by(k - 1, |a, b| a.total_cmp(b));
    Some(*kth)
}

/// The calendar months of one trial's interim looks and whether each came as planned, before
/// the final analysis at `final_month`; `event_months` are the monitored endpoint's event
/// months (reordered), `planned_events` its planned events D. A look by information comes
/// when ⌈f·D⌉ events are observed; a look by month at its month; a combined look at the later
/// (or earlier) of the two; then each interim waits `analysis.looks.min_gap_months` after the
/// one before. A look that would come after the final analysis falls at it, not reached.
pub fn interim_months(
    s: &Scenario,
    planned_events: f64,
    event_months: &mut [f64],
    final_month: f64,
) -> (Vec<f64>, Vec<bool>) {
    use crate::scenario::Looks;
    let looks = &s.analysis().looks;
    let n = looks.count();
    let gap = s.analysis().look_gap_months;
    let (mut months, mut reached): (Vec<f64>, Vec<bool>) = (Vec::with_capacity(n), Vec::with_capacity(n));
    // The month of the k-th event; a fraction f of the planned events is its ⌈f·D⌉-th.
    let mut at_event = |k: usize| kth_month(event_months, k).unwrap_or(f64::INFINITY);
    let count = |f: f64| (f * planned_events - 1e-9).ceil().max(1.0) as usize;
    for k in 0..n - 1 {
        let (m, ok) = match looks {
            Looks::Information(f) => {
                let e = at_event(count(f[k]));
                (e, e <= final_month)
            }
            Looks::Events(c) | Looks::Patients(c) => {
                let e = at_event(c[k] as usize);
                (e, e <= final_month)
            }
            Looks::Months(ms) => (ms[k], ms[k] < final_month),
            Looks::Combined { fractions, months: ms, later: true } => {
                let m = at_event(count(fractions[k])).max(ms[k]);
                (m, m <= final_month && ms[k] < final_month)
            }
            Looks::Combined { fractions, months: ms, later: false } => {
                let e = at_event(count(fractions[k]));
                (e.min(ms[k]), e <= final_month || ms[k] < final_month)
            }
        };
        let (mut m, mut ok) = (if ok { m.min(final_month) } else { final_month }, ok);
        if gap > 0.0 && k > 0 {
            let earliest = months[k - 1] + gap;
            if m < earliest {
                m = earliest;
            }
            if m > final_month || !reached[k - 1] {
                (m, ok) = (final_month, false);
            }
        }
        months.push(m);
        reached.push(ok);
    }
    (months, reached)
}

/// The calendar month at which everything that will ever be observed has been: the last
/// event, competing event, dropout or entry (used when an event count is never reached).
pub fn month_of_last_observation(patients: &[Patient], outcomes: &[(f64, u8)]) -> f64 {
    patients
        .iter()
        .zip(outcomes)
        .map(|(p, o)| {
            let end = o.0.min(p.dropout);
            if end.is_finite() { p.entry + end } else { p.entry }
        })
        .fold(0.0, f64::max)
}

/// Trials of the planning simulation.
pub const PLANNING_TRIALS: u64 = 4000;
/// Its seed: fixed, so that what a design plans depends on its assumptions only, not on the
/// study's seed (as the figure a protocol states would).
pub const PLANNING_SEED: u64 = 0x5045_5249_504c_414e;

/// The information a group-sequential design plans for, computed once from the scenario: per
/// time-to-event endpoint the events expected at the final cut — the cut's target for its
/// endpoint; otherwise the mean over [`PLANNING_TRIALS`] trials simulated from the scenario's
/// assumptions with [`PLANNING_SEED`] — and the monitored endpoint's expected information
/// fraction at each look. Each look spends alpha at its observed events over these planned
/// events, so no trial uses information from after its look.
#[derive(Debug, Clone, PartialEq)]
pub struct Planning {
    /// Per endpoint (NaN for endpoints that are not time to event).
    pub events: Vec<f64>,
    /// Per look: the monitored endpoint's expected events over its planned events (the last 1).
    pub fractions: Vec<f64>,
    /// Trials simulated to plan (0 when the plan needed none).
    pub trials: u64,
    /// The month of the final analysis the design expects (the month of a calendar cut, the
    /// end of accrual plus the follow-up of a follow-up cut, the mean month of an event cut
    /// over [`HORIZON_TRIALS`] trials of the planning seed): how far the reports' curves go.
    pub horizon: f64,
}

/// Trials that estimate an event cut's month for [`Planning::horizon`].
pub const HORIZON_TRIALS: u64 = 64;

impl Planning {
    /// The plan of scenario `s` whose looks are monitored on `monitored` (a time-to-event
    /// endpoint), or of its single analysis.
    pub fn of(s: &Scenario, monitored: Option<EndpointId>) -> Planning {
        // Memoised per process (by the effective scenario): a run, its time estimate, its
        // report and its companion all ask for the same plan.
        static PLANS: std::sync::Mutex<Vec<(String, Option<EndpointId>, Planning)>> = std::sync::Mutex::new(Vec::new());
        let key = crate::scenario::to_toml(s);
        if let Some((_, _, p)) =
            PLANS.lock().map_or(None, |v| v.iter().find(|(k, m, _)| *k == key && *m == monitored).cloned())
        {
            return p;
        }
        let p = Self::compute(s, monitored);
        if let Ok(mut v) = PLANS.lock() {
            if v.len() >= 16 {
                v.remove(0);
            }
            v.push((key, monitored, p.clone()));
        }
        p
    }

    fn compute(s: &Scenario, monitored: Option<EndpointId>) -> Planning {
        let mut p = Self::compute_events(s, monitored);
        // A response in a family tested at the looks: its planned information is the patients
        // of the arm (or two) it compares, every one assessed by the final analysis.
        if let Some(m) = s.analysis().multiplicity.as_ref().filter(|_| s.analysis().looks.count() > 1) {
            for &i in &m.endpoints {
                let e = &s.endpoints()[i];
                match e.kind {
                    crate::scenario::EndpointKind::Binary { .. } => {
                        let n = crate::scenario::planned_assessed(
                            s.enrollment().sample_size,
                            s.arms(),
                            e.treatment,
                            e.control,
                        );
                        p.events[i] = n as f64;
                    }
                    crate::scenario::EndpointKind::TimeToEvent { .. }
                    | crate::scenario::EndpointKind::Safety { .. } => {}
                }
            }
        }
        p
    }

    fn compute_events(s: &Scenario, monitored: Option<EndpointId>) -> Planning {
        use crate::scenario::{Cut, Looks};
        let n_looks = s.analysis().looks.count();
        let target = match s.analysis().cut {
            Cut::Events { endpoint, events } => Some((endpoint, events as f64)),
            Cut::Month(_) | Cut::MinFollowUp(_) => None,
        };
        let mut events: Vec<f64> = s.endpoints().iter().map(|_| f64::NAN).collect();
        if let Some((e, d)) = target {
            events[e] = d;
        }
        // Responses monitored at looks: the information is the patients assessed, the planned
        // the patients of the arm (or two) it compares (every one assessed by the final analysis).
        if let (Some(pe), Some((_, treatment, control))) = (monitored, s.monitored_responses()) {
            let planned = crate::scenario::planned_assessed(s.enrollment().sample_size, s.arms(), treatment, control);
            events[pe] = planned as f64;
            let fractions = s.analysis().looks.fractions().unwrap_or_else(|| vec![f64::NAN; n_looks]);
            return Planning { events, fractions, trials: 0, horizon: horizon(s) };
        }
        // Looks whose information is known in advance: by information, without a minimum gap.
        let information = match s.analysis().looks {
            Looks::Information(_) | Looks::Events(_) | Looks::Patients(_) => true,
            Looks::Months(_) | Looks::Combined { .. } => false,
        };
        let by_information = information && s.analysis().look_gap_months == 0.0;
        let simulate = n_looks > 1
            && monitored.is_some()
            && (target.is_none() || !by_information || s.analysis().multiplicity.is_some());
        let fractions = match s.analysis().looks.fractions() {
            Some(f) if by_information => f,
            Some(_) | None => vec![f64::NAN; n_looks],
        };
        let horizon = horizon(s);
        if !simulate {
            return Planning { events, fractions, trials: 0, horizon };
        }
        let pe = monitored.expect("checked");
        let (sums, mut at_looks) = planning_sums(s, pe, events[pe]);
        let n = PLANNING_TRIALS as f64;
        for (i, e) in events.iter_mut().enumerate() {
            if e.is_nan() && TteSpec::new(s, &s.endpoints()[i].kind).is_some() {
                *e = sums[i] as f64 / n;
            }
        }
        let by_months = match s.analysis().looks {
            Looks::Months(_) => true,
            Looks::Information(_) | Looks::Events(_) | Looks::Patients(_) | Looks::Combined { .. } => false,
        };
        if !by_information && target.is_none() && !by_months {
            // The looks' event targets are fractions of the planned events, known only now.
            at_looks = planning_sums(s, pe, events[pe]).1;
        }
        let fractions = if by_information {
            fractions
        } else {
            let d = events[pe];
            let mut f: Vec<f64> =
                at_looks.iter().map(|&x| if d > 0.0 { (x as f64 / n / d).min(1.0) } else { 0.0 }).collect();
            f.push(1.0);
            f
        };
        Planning { events, fractions, trials: PLANNING_TRIALS, horizon }
    }
}

/// The month of the final analysis a design expects (see [`Planning::horizon`]).
fn horizon(s: &Scenario) -> f64 {
    use crate::scenario::{Accrual, Cut};
    use crate::simulate::{SimBuffers, Simulator, Trial};
    let n = s.enrollment().sample_size as f64;
    match s.analysis().cut {
        Cut::Month(m) => m,
        Cut::MinFollowUp(f) => {
            f + match &s.enrollment().accrual {
                Accrual::Uniform { months } => *months,
                // The month at which the expected arrivals reach the sample size.
                Accrual::Piecewise { starts, rates } => {
                    let (mut acc, mut month) = (0.0, 0.0);
                    for k in 0..starts.len() {
                        let end = starts.get(k + 1).copied().unwrap_or(f64::INFINITY);
                        let seg = rates[k] * (end - starts[k]);
                        if rates[k] > 0.0 && n <= acc + seg {
                            month = starts[k] + (n - acc) / rates[k];
                            break;
                        }
                        acc += seg;
                    }
                    month
                }
            }
        }
        Cut::Events { endpoint, events } => {
            let spec =
                TteSpec::new(s, &s.endpoints()[endpoint].kind).expect("validated: the cut's endpoint is time to event");
            use rayon::prelude::*;
            let sim = Simulator::new(s).with_seed(PLANNING_SEED);
            // In parallel, summed in trial order (the same sum for any thread count).
            let months: Vec<f64> = (0..HORIZON_TRIALS)
                .into_par_iter()
                .map_init(
                    || (SimBuffers::default(), Trial::default(), Vec::new(), Vec::new()),
                    |(buf, trial, out, months), i| {
                        sim.simulate_trial(i, buf, trial);
                        outcomes(&spec, &trial.patients, s.assessments(), out, Some(months));
                        kth_month(months, events as usize)
                            .unwrap_or_else(|| month_of_last_observation(&trial.patients, out))
                    },
                )
                .collect();
            months.iter().sum::<f64>() / HORIZON_TRIALS as f64
        }
    }
}

/// Events summed over the planning trials: per endpoint at the final cut, and of the monitored
/// endpoint at each interim look ([`interim_months`], with `planned_events` of the monitored
/// endpoint; NaN where they are not known yet, which only looks by month do not need).
fn planning_sums(s: &Scenario, pe: EndpointId, planned_events: f64) -> (Vec<u64>, Vec<u64>) {
    use crate::scenario::Cut;
    use crate::simulate::{SimBuffers, Simulator, Trial};
    use rayon::prelude::*;
    let sim = Simulator::new(s).with_seed(PLANNING_SEED);
    let specs: Vec<Option<TteSpec>> = s.endpoints().iter().map(|e| TteSpec::new(s, &e.kind)).collect();
    let n_interims = s.analysis().looks.count() - 1;
    let count = |patients: &[Patient], out: &[(f64, u8)], month: f64| {
        patients.iter().zip(out).filter(|(p, o)| observe(p, **o, month).is_some_and(|(_, st)| st == 1)).count() as u64
    };
    let zero = || (vec![0u64; s.endpoints().len()], vec![0u64; n_interims]);
    (0..PLANNING_TRIALS as usize)
        .into_par_iter()
        .with_min_len(64)
        .fold(
            || (SimBuffers::default(), Trial::default(), Vec::new(), Vec::new(), zero()),
            |(mut buf, mut trial, mut out, mut months, (mut sums, mut at)), i| {
                sim.simulate_trial(i as u64, &mut buf, &mut trial);
                let patients = &trial.patients[..];
                let final_month = match s.analysis().cut {
                    Cut::Month(m) => m,
                    Cut::MinFollowUp(m) => patients.iter().map(|p| p.entry).fold(0.0, f64::max) + m,
                    Cut::Events { endpoint, events } => {
                        let spec = specs[endpoint].as_ref().expect("validated: the cut's endpoint is time to event");
                        outcomes(spec, patients, s.assessments(), &mut out, Some(&mut months));
                        kth_month(&mut months, events as usize)
                            .unwrap_or_else(|| month_of_last_observation(patients, &out))
                    }
                };
                for (i, spec) in specs.iter().enumerate() {
                    let Some(spec) = spec else { continue };
                    let want_months = (i == pe).then_some(&mut months);
                    outcomes(spec, patients, s.assessments(), &mut out, want_months);
                    sums[i] += count(patients, &out, final_month);
                    if i == pe && n_interims > 0 {
                        let (interim, _) = interim_months(s, planned_events, &mut months, final_month);
                        for (k, &m) in interim.iter().enumerate() {
                            at[k] += count(patients, &out, m);
                        }
                    }
                }
                (buf, trial, out, months, (sums, at))
            },
        )
        .map(|(_, _, _, _, sums)| sums)
        .reduce(zero, |(mut a, mut b), (c, d)| {
            a.iter_mut().zip(c).for_each(|(x, y)| *x += y);
            b.iter_mut().zip(d).for_each(|(x, y)| *x += y);
            (a, b)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_event_outside_the_endpoint_ends_its_risk() {
        // Causes: 0 peritoneal metastasis, 1 regional recurrence, 2 death.
        let efs = TteSpec { events: 1, competing: 1 << 2, death: Some(2), censor_at_switch: false };
        let pfs = TteSpec { events: 1 | 1 << 2, competing: 0, death: Some(2), censor_at_switch: false };
        let efs_no_competing = TteSpec { events: 1, competing: 0, death: Some(2), censor_at_switch: false };
        let p = Patient {
            first_time: 10.0,
            first_cause: 1,
            death_time: 30.0,
            dropout: f64::INFINITY,
            ..Patient::default()
        };
        assert_eq!(efs.outcome(&p, None), (10.0, 2)); // regional recurrence precludes PM: competing
        assert_eq!(efs_no_competing.outcome(&p, None), (10.0, 0)); // … or a censoring
        assert_eq!(pfs.outcome(&p, None), (30.0, 1)); // death after recurrence ends PFS
        let q = Patient {
            first_time: 12.0,
            first_cause: 0,
            death_time: 40.0,
            dropout: f64::INFINITY,
            ..Patient::default()
        };
        assert_eq!(efs.outcome(&q, None), (12.0, 1));
        let d =
            Patient { first_time: 5.0, first_cause: 2, death_time: 5.0, dropout: f64::INFINITY, ..Patient::default() };
        assert_eq!(efs.outcome(&d, None), (5.0, 2));
        assert_eq!(efs_no_competing.outcome(&d, None), (5.0, 0));
        // A recurrence seen at a visit after death is never seen; death competes.
        let s = Schedule { starts: vec![0.0], every: vec![6.0] };
        let r =
            Patient { first_time: 7.0, first_cause: 0, death_time: 9.0, dropout: f64::INFINITY, ..Patient::default() };
        assert_eq!(efs.outcome(&r, Some(&s)), (9.0, 2));
    }

    /// The branch-free outcome is the general one wherever it applies: every cause (none
    /// included) against endpoints with and without competing events.
    #[test]
    fn the_first_event_outcome_is_the_outcome() {
        let specs = [
            TteSpec { events: 1, competing: 0, death: None, censor_at_switch: false },
            TteSpec { events: 1, competing: 1 << 2, death: None, censor_at_switch: false },
            TteSpec { events: 1 | 1 << 3, competing: 1 << 1, death: None, censor_at_switch: false },
        ];
        for spec in &specs {
            let first = spec.first_event_outcome(None).expect("no death, schedule or switch censoring");
            for cause in [0, 1, 2, 3, 4, 63, NO_EVENT] {
                let t = if cause == NO_EVENT { f64::INFINITY } else { 7.5 };
                let p = Patient {
                    first_time: t,
                    first_cause: cause,
                    death_time: f64::INFINITY,
                    dropout: 3.0,
                    ..Default::default()
                };
                assert_eq!(first(&p), spec.outcome(&p, None), "{spec:?} cause {cause}");
            }
        }
        let with_death = TteSpec { events: 1, competing: 0, death: Some(2), censor_at_switch: false };
        assert!(with_death.first_event_outcome(None).is_none());
        let switching = TteSpec { events: 1, competing: 0, death: None, censor_at_switch: true };
        assert!(switching.first_event_outcome(None).is_none());
    }

    #[test]
    fn visits_follow_the_schedule() {
        let s = Schedule { starts: vec![0.0, 24.0], every: vec![3.0, 6.0] };
        assert_eq!(next_visit(&s, 0.5), 3.0);
        assert_eq!(next_visit(&s, 3.0), 3.0);
        assert_eq!(next_visit(&s, 22.1), 24.0);
        assert_eq!(next_visit(&s, 24.5), 30.0);
    }

    #[test]
    fn patients_after_the_cut_are_out_and_others_censored() {
        let p = Patient { entry: 10.0, dropout: f64::INFINITY, ..Patient::default() };
        assert_eq!(observe(&p, (5.0, 1), 9.0), None);
        assert_eq!(observe(&p, (5.0, 1), 20.0), Some((5.0, 1)));
        assert_eq!(observe(&p, (15.0, 1), 20.0), Some((10.0, 0)));
        let q = Patient { entry: 0.0, dropout: 3.0, ..Patient::default() };
        assert_eq!(observe(&q, (5.0, 1), 20.0), Some((3.0, 0)));
    }
}
