//! Virtual patients and virtual trials: enrolment over calendar time, cohort by share,
//! permuted-block randomisation stratified by cohort, a gamma frailty, and each patient's
//! event history drawn as a discrete-event process from surgery: the competing causes race
//! (the first wins; its time and cause are recorded); after a non-fatal first event, death
//! follows the cohort's `after_recurrence` hazard with the clock reset (or, without one, the
//! death hazard goes on); dropout is an independent exponential; binary responses and 24-hour
//! adverse events are drawn per patient. Pure computation, no I/O.

pub mod hazard;

use crate::rng::{PatientDraws, ReplicateStream, SlotRng, slot};
use crate::scenario::{Accrual, DEATH, Scenario};
use hazard::Hazard;
use rand::RngExt;
use rand_distr::{Distribution as _, Gamma};

/// No event cause (the patient has no event of any cause, ever).
pub const NO_EVENT: u16 = u16::MAX;

/// One virtual patient: what every time-to-event analysis reads. Times of events are in months
/// from entry (surgery). 40 bytes: the analyses pass over the patients several times per trial.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Patient {
    /// Calendar month of entry (the first patient's accrual clock starts at 0).
    pub entry: f64,
    pub arm: u8,
    pub cohort: u16,
    /// Time of the first event of any cause (∞ if none) and its cause.
    pub first_time: f64,
    pub first_cause: u16,
    /// Time of death (∞ if never).
    pub death_time: f64,
    /// Time of loss to follow-up (∞ if never).
    pub dropout: f64,
    /// Switched therapy when the first (non-fatal) event was seen (`cohorts.C.switching`).
    pub switched: bool,
}

// The time-to-event passes read patients by the thousand: keep one to 40 bytes.
const _: () = assert!(std::mem::size_of::<Patient>() == 40);

/// What a patient shows once: binary responses and adverse events within 24 h (kept apart
/// from [`Patient`], since only binary and safety endpoints read them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    /// Bit r set: response r happened.
    pub responses: u64,
    /// Bit a set: adverse event a within 24 h; grade ≥ 3 in `adverse_g3`.
    pub adverse: u64,
    pub adverse_g3: u64,
}

/// The patients of one virtual trial, in randomisation order, and their marks (same order;
/// none kept when the scenario has no responses or adverse events: read them with
/// [`Trial::marks`]).
#[derive(Debug, Clone, Default)]
pub struct Trial {
    pub patients: Vec<Patient>,
    marks: Vec<Marks>,
}

impl Trial {
    /// Patient j's marks (empty when the scenario has none).
    #[inline]
    pub fn marks(&self, j: usize) -> Marks {
        self.marks.get(j).copied().unwrap_or_default()
    }
}

/// One competing cause as a patient of a given cohort and arm meets it.
struct Cause {
    event: u16,
    /// The slots of its time (`slot::EVENT + 4 · event`) and cure draw (+ 1).
    slot: u64,
    is_death: bool,
    cure: f64,
    hazard: Hazard,
}

/// Everything a patient of one cohort and arm meets, precomputed so that drawing a patient
/// only loops over what the scenario has.
struct Profile {
    /// The causes the cohort has, in event order.
    causes: Vec<Cause>,
    /// Death after a non-fatal first event (clock reset), and the slot of its draw; only
    /// when the scenario has death and the cohort `after_recurrence`.
    after_recurrence: Option<(Hazard, u64)>,
    /// Switching at recurrence: its probability and the hazard of death after recurrence of a
    /// patient who switched (the after-recurrence hazard times the switch's ratio).
    switching: Option<(f64, Hazard)>,
    /// 1 / dropout hazard, or None without dropout.
    inverse_dropout: Option<f64>,
    /// (response r, its probability) for the responses the cohort has.
    responses: Vec<(u32, f64)>,
    /// (adverse event a, its probability, its grade ≥ 3 share).
    adverse_events: Vec<(u32, f64, f64)>,
}

/// Precomputed samplers of a scenario.
pub struct Simulator<'a> {
    pub scenario: &'a Scenario,
    /// [cohort × arms + arm].
    profiles: Vec<Profile>,
    n_arms: usize,
    cohort_cdf: Vec<f64>,
    frailty: Vec<Option<Gamma<f64>>>,
    /// The arms of one permuted block, in allocation order.
    block_template: Vec<u8>,
    /// Whether the scenario has responses or adverse events (else no marks are kept).
    marked: bool,
    /// The seed of the replicate streams: the study's, or the planning simulation's.
    seed: u64,
}

/// Reusable per-thread buffers for simulating trials.
#[derive(Default)]
pub struct SimBuffers {
    /// Per cohort: the current block and the position in it.
    blocks: Vec<(Vec<u8>, usize, SlotRng)>,
}

impl<'a> Simulator<'a> {
    pub fn new(scenario: &'a Scenario) -> Simulator<'a> {
        let n_arms = scenario.arms.len();
        let death = scenario.event_index(DEATH);
        let profiles: Vec<Profile> = scenario
            .cohorts
            .iter()
            .flat_map(|c| {
                (0..n_arms).map(move |a| Profile {
                    causes: c
                        .events
                        .iter()
                        .enumerate()
                        .filter_map(|(e, m)| {
                            m.as_ref().map(|m| Cause {
                                event: e as u16,
                                slot: slot::EVENT + 4 * e as u64,
                                is_death: Some(e) == death,
                                cure: m.cure_fraction[a],
                                hazard: Hazard::new(&m.distribution, &m.hazard_ratio[a]),
                            })
                        })
                        .collect(),
                    after_recurrence: death.and_then(|d| {
                        c.death_after_recurrence
                            .as_ref()
                            .map(|m| (Hazard::new(&m.distribution, &m.hazard_ratio[a]), slot::EVENT + 4 * d as u64 + 2))
                    }),
                    switching: c.switching.as_ref().filter(|sw| sw.probability[a] > 0.0).and_then(|sw| {
                        c.death_after_recurrence.as_ref().map(|m| {
                            let ratio = &m.hazard_ratio[a];
                            let scaled = crate::scenario::HazardRatio {
                                starts: ratio.starts.clone(),
                                ratios: ratio.ratios.iter().map(|r| r * sw.death_hazard_ratio).collect(),
                            };
                            (sw.probability[a], Hazard::new(&m.distribution, &scaled))
                        })
                    }),
                    inverse_dropout: (scenario.dropout_hazard[a] > 0.0).then(|| 1.0 / scenario.dropout_hazard[a]),
                    responses: c
                        .responses
                        .iter()
                        .enumerate()
                        .filter_map(|(r, resp)| resp.as_ref().map(|resp| (r as u32, resp.probability[a])))
                        .collect(),
                    adverse_events: c
                        .adverse_events
                        .iter()
                        .enumerate()
                        .filter_map(|(k, ae)| ae.as_ref().map(|ae| (k as u32, ae.probability[a], ae.grade3_share)))
                        .collect(),
                })
            })
            .collect();
        let mut acc = 0.0;
        let cohort_cdf = scenario
            .cohorts
            .iter()
            .map(|c| {
                acc += c.share;
                acc
            })
            .collect();
        let frailty = scenario
            .cohorts
            .iter()
            .map(|c| c.frailty_variance.map(|v| Gamma::new(1.0 / v, v).expect("validated: variance in (0, 100]")))
            .collect();
        let total: u32 = scenario.arms.iter().map(|a| a.allocation).sum();
        let copies = scenario.block_size / total;
        let block_template = scenario
            .arms
            .iter()
            .enumerate()
            .flat_map(|(i, a)| std::iter::repeat_n(i as u8, (a.allocation * copies) as usize))
            .collect();
        let marked = profiles.iter().any(|p| !p.responses.is_empty() || !p.adverse_events.is_empty());
        Simulator { scenario, profiles, n_arms, cohort_cdf, frailty, block_template, marked, seed: scenario.seed }
    }

    /// The simulator of the same assumptions with another seed (the planning simulation's,
    /// whose trials are not the study's replicates).
    pub fn with_seed(self, seed: u64) -> Simulator<'a> {
        Simulator { seed, ..self }
    }

    fn cohort_of(&self, u: f64) -> usize {
        let k = self.cohort_cdf.partition_point(|&c| c <= u);
        k.min(self.cohort_cdf.len() - 1)
    }

    /// Simulates the patients of replicate `replicate` into `out` (cleared first), in
    /// randomisation order.
    pub fn simulate_trial(&self, replicate: u64, buffers: &mut SimBuffers, out: &mut Trial) {
        let s = self.scenario;
        let n = s.enrollment.sample_size as usize;
        out.patients.clear();
        out.marks.clear();
        let stream = ReplicateStream::new(self.seed, replicate);
        // Each cohort's block buffer is kept across trials; the position says it is used up.
        buffers.blocks.resize_with(s.cohorts.len(), || (Vec::new(), 0, stream.randomisation(0)));
        for (c, (_, pos, rng)) in buffers.blocks.iter_mut().enumerate() {
            *pos = usize::MAX;
            *rng = stream.randomisation(c);
        }
        let mut accrual_clock = 0.0; // cumulative hazard of the arrival process
        for j in 0..n {
            let draws = stream.patient(j as u64);
            let entry = match &s.enrollment.accrual {
                Accrual::Uniform { months } => draws.uniform(slot::ENTRY) * months,
                Accrual::Piecewise { starts, rates } => {
                    accrual_clock += draws.exponential(slot::ENTRY);
                    invert_accrual(starts, rates, accrual_clock)
                }
            };
            let cohort = if self.cohort_cdf.len() == 1 { 0 } else { self.cohort_of(draws.uniform(slot::COHORT)) };
            let arm = self.next_arm(&mut buffers.blocks[cohort]);
            let (patient, marks) = self.patient(draws, entry, cohort, arm);
            out.patients.push(patient);
            if self.marked {
                out.marks.push(marks);
            }
        }
    }

    fn next_arm(&self, (block, pos, rng): &mut (Vec<u8>, usize, SlotRng)) -> u8 {
        if *pos >= block.len() {
            block.clear();
            block.extend_from_slice(&self.block_template);
            // Fisher–Yates.
            for i in (1..block.len()).rev() {
                let j = rng.random_range(0..=i);
                block.swap(i, j);
            }
            *pos = 0;
        }
        let a = block[*pos];
        *pos += 1;
        a
    }

    /// One patient's history.
    #[inline(always)]
    pub fn patient(&self, draws: PatientDraws, entry: f64, cohort: usize, arm: u8) -> (Patient, Marks) {
        let profile = &self.profiles[cohort * self.n_arms + arm as usize];
        // 1 / frailty: cumulative hazards are scaled by it (a multiplication per cause).
        let inv_z = match &self.frailty[cohort] {
            Some(g) => 1.0 / g.sample(&mut draws.stream(slot::FRAILTY_STREAM)),
            None => 1.0,
        };
        let mut first_time = f64::INFINITY;
        let mut first_cause = NO_EVENT;
        let mut first_is_death = false;
        let mut latent_death = f64::INFINITY;
        for c in &profile.causes {
            if c.cure > 0.0 && draws.uniform(c.slot + 1) < c.cure {
                continue;
            }
            let t = c.hazard.invert(draws.fast_exponential(c.slot) * inv_z);
            if c.is_death {
                latent_death = t;
            }
            if t < first_time {
                first_time = t;
                first_cause = c.event;
                first_is_death = c.is_death;
            }
        }
        // After a non-fatal first event, death follows `after_recurrence` with the clock reset
        // (or, without one, the death hazard goes on).
        // A switch at recurrence (drawn from its own slot) changes that hazard, with the same
        // draw; switching is decided at the recurrence itself (its visit, if scheduled, is a
        // matter for the analysis: `cut::TteSpec`).
        let recurred = first_cause != NO_EVENT && !first_is_death;
        let switched = match &profile.switching {
            Some((probability, _)) => recurred && draws.uniform(slot::SWITCH) < *probability,
            None => false,
        };
        let death_time = match &profile.after_recurrence {
            Some((h, at)) if recurred => {
                let h = match &profile.switching {
                    Some((_, after_switch)) if switched => after_switch,
                    _ => h,
                };
                first_time + h.invert(draws.fast_exponential(*at) * inv_z)
            }
            _ => latent_death,
        };
        let dropout = match profile.inverse_dropout {
            Some(inverse) => draws.fast_exponential(slot::DROPOUT) * inverse,
            None => f64::INFINITY,
        };
        let mut responses = 0u64;
        for &(r, probability) in &profile.responses {
            responses |= ((draws.uniform(slot::RESPONSE + r as u64) < probability) as u64) << r;
        }
        let (mut adverse, mut adverse_g3) = (0u64, 0u64);
        for &(k, probability, grade3_share) in &profile.adverse_events {
            let base = slot::ADVERSE_EVENT + 2 * k as u64;
            if draws.uniform(base) < probability {
                adverse |= 1 << k;
                adverse_g3 |= ((draws.uniform(base + 1) < grade3_share) as u64) << k;
            }
        }
        (
            Patient { entry, arm, cohort: cohort as u16, first_time, first_cause, death_time, dropout, switched },
            Marks { responses, adverse, adverse_g3 },
        )
    }
}

/// The calendar month at which the arrival process with piecewise rates reaches cumulative
/// intensity `a`.
fn invert_accrual(starts: &[f64], rates: &[f64], a: f64) -> f64 {
    let mut acc = 0.0;
    for k in 0..starts.len() {
        let end = starts.get(k + 1).copied().unwrap_or(f64::INFINITY);
        let seg = rates[k] * (end - starts[k]);
        if rates[k] > 0.0 && a <= acc + seg {
            return starts[k] + (a - acc) / rates[k];
        }
        acc += seg;
    }
    unreachable!("validated: the last accrual rate is positive")
}
