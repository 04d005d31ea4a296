//! Virtual patients and virtual trials: enrolment over calendar time, cohort by share,
//! permuted-block randomisation stratified by cohort, a gamma frailty, and each patient's
//! event history drawn as a discrete-event process from surgery: the competing causes race
//! (the first wins; its time and cause are recorded); after a non-fatal first event, death
//! follows the cohort's `after_recurrence` hazard with the clock reset (or, without one, the
//! death hazard goes on); dropout is an independent exponential; binary responses and 24-hour
//! adverse events are drawn per patient. Pure computation, no I/O.

pub mod covariates;
pub mod hazard;

use crate::rng::{PatientDraws, ReplicateStream, batch, slot};
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
    /// Patient j's baseline covariates at [j·K, (j + 1)·K) (K the scenario's covariates; empty
    /// without any).
    covariates: Vec<f64>,
    covariate_count: usize,
}

impl Trial {
    /// Patient j's marks (empty when the scenario has none).
    #[inline]
    pub fn marks(&self, j: usize) -> Marks {
        self.marks.get(j).copied().unwrap_or_default()
    }

    /// Patient j's baseline covariates (empty when the scenario has none).
    #[inline]
    pub fn covariates(&self, j: usize) -> &[f64] {
        let k = self.covariate_count;
        self.covariates.get(j * k..(j + 1) * k).unwrap_or(&[])
    }

    /// Into `into`, the patients of this trial who entered by `month` (with their marks and
    /// covariates), in the same order: the trial as it is when enrolment ends at `month`.
    pub fn entered_by(&self, month: f64, into: &mut Trial) {
        into.patients.clear();
        into.marks.clear();
        into.covariates.clear();
        into.covariate_count = self.covariate_count;
        for (j, p) in self.patients.iter().enumerate().filter(|(_, p)| p.entry <= month) {
            into.patients.push(*p);
            if let Some(m) = self.marks.get(j) {
                into.marks.push(*m);
            }
            into.covariates.extend_from_slice(self.covariates(j));
        }
    }
}

/// One competing cause as a patient of a given cohort and arm meets it.
struct Cause {
    cure: f64,
    hazard: Hazard,
}

/// Everything a patient of one cohort and arm meets, precomputed so that drawing a patient
/// only loops over what the scenario has.
struct Profile {
    arm: u8,
    cohort: u16,
    /// By event: the cause, where the cohort has it.
    causes: Vec<Option<Cause>>,
    /// Death after a non-fatal first event (clock reset); only when the scenario has death
    /// and the cohort `after_recurrence`.
    after_recurrence: Option<Hazard>,
    /// Switching at recurrence: its probability and the hazard of death after recurrence of a
    /// patient who switched (the after-recurrence hazard times the switch's ratio).
    switching: Option<(f64, Hazard)>,
    /// (response r, its probability) for the responses the cohort has.
    responses: Vec<(u32, f64)>,
    /// (adverse event a, its probability, its grade ≥ 3 share).
    adverse_events: Vec<(u32, f64, f64)>,
}

/// One event cause's pass over a trial's patients: each patient whose profile has the cause
/// gets its time, and the first event so far is updated (causes in event order, the first
/// wins ties).
struct EventPass {
    event: u16,
    is_death: bool,
    /// Its time's draw: an index of [`Simulator::exponential_slots`].
    draw: usize,
    /// The slot of its cure draw, when some profile has a cure fraction for it.
    cure_slot: Option<u64>,
    /// By profile, when every profile that has the cause has it exponential with a constant
    /// hazard ratio and none has a cure fraction: 1 / (rate · ratio), ∞ for a profile without
    /// the cause. The times are then one multiplication each, in a pass the compiler
    /// vectorises.
    constant: Option<Vec<f64>>,
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
    /// The slots whose standard exponentials some patient may need (event times, death after
    /// recurrence, dropout), each drawn for every patient of a trial in one vectorised pass.
    exponential_slots: Vec<u64>,
    /// The events some cohort has, in event order.
    passes: Vec<EventPass>,
    /// The draws of death after recurrence and of dropout, where some profile has them.
    after_draw: Option<usize>,
    dropout_draw: Option<usize>,
    inverse_dropout: Vec<f64>,
    /// (arm, cohort) by profile.
    arm_cohort: Vec<(u8, u16)>,
    /// The death event, if the scenario has one.
    death: Option<u16>,
    /// The seed of the replicate streams: the study's, or the planning simulation's.
    seed: u64,
    /// The baseline covariates' model (None without covariates: nothing of it is drawn).
    covariates: Option<covariates::Covariates>,
}

/// Reusable per-thread buffers for simulating trials: one slot per patient in each, grown,
/// never cleared (every slot of a trial's patients is written before it is read).
#[derive(Default)]
pub struct SimBuffers {
    /// The randomisation stream's words, computed ahead.
    words: Vec<u64>,
    /// Per cohort: its arms in randomisation order (its permuted blocks in turn), and how
    /// many are taken.
    arms: Vec<(Vec<u8>, usize)>,
    /// The patients' keys, entry months and exponential draws (slot after slot, each for
    /// every patient).
    keys: Vec<u64>,
    entries: Vec<f64>,
    exponentials: Vec<f64>,
    /// Each patient's profile, 1 / frailty (with a frailty), first event time and cause so
    /// far, and latent time of death.
    profile: Vec<u32>,
    inverse_frailty: Vec<f64>,
    first_time: Vec<f64>,
    first_cause: Vec<u16>,
    latent_death: Vec<f64>,
    switched: Vec<bool>,
    dropout: Vec<f64>,
    /// With covariates: every patient's (K each), a patient's latent normals, and a cause's
    /// factor on the exponential draws (1 / frailty × exp(−βᵀ(x − ref))), death's kept apart.
    covariates: Vec<f64>,
    latent: Vec<f64>,
    scale: Vec<f64>,
    death_scale: Vec<f64>,
}

/// Races one cause's times (∞ where a patient's profile lacks the cause or it is cured)
/// against the first events so far, in event order (the first wins ties); the time is also
/// the latent time of death if the cause is death.
#[inline(always)]
fn race(
    pass: &EventPass,
    times: impl Iterator<Item = f64>,
    (first_time, first_cause, latent_death): (&mut [f64], &mut [u16], &mut [f64]),
) {
    let n = first_time.len();
    let (first_cause, latent_death) = (&mut first_cause[..n], &mut latent_death[..n]);
    for (j, t) in times.take(n).enumerate() {
        if pass.is_death {
            latent_death[j] = t;
        }
        let first = t < first_time[j];
        first_time[j] = if first { t } else { first_time[j] };
        first_cause[j] = if first { pass.event } else { first_cause[j] };
    }
}

/// `buffer[..n]`, grown as needed (its contents are overwritten by the caller).
fn slots<T: Copy + Default>(buffer: &mut Vec<T>, n: usize) -> &mut [T] {
    if buffer.len() < n {
        buffer.resize(n, T::default());
    }
    &mut buffer[..n]
}

impl<'a> Simulator<'a> {
    pub fn new(scenario: &'a Scenario) -> Simulator<'a> {
        let n_arms = scenario.arms().len();
        let death = scenario.event_index(DEATH);
        let profiles: Vec<Profile> = scenario
            .cohorts()
            .iter()
            .enumerate()
            .flat_map(|(k, c)| {
                (0..n_arms).map(move |a| Profile {
                    arm: a as u8,
                    cohort: k as u16,
                    causes: c
                        .events
                        .iter()
                        .map(|m| {
                            m.as_ref().map(|m| Cause {
                                cure: m.cure_fraction[a],
                                hazard: Hazard::new(&m.distribution, &m.hazard_ratio[a]),
                            })
                        })
                        .collect(),
                    after_recurrence: death.and_then(|_| {
                        c.death_after_recurrence.as_ref().map(|m| Hazard::new(&m.distribution, &m.hazard_ratio[a]))
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
        // The exponential slots some profile needs, in order of first use.
        let mut exponential_slots = Vec::new();
        let mut draw_of = |slot: u64| match exponential_slots.iter().position(|&s| s == slot) {
            Some(k) => k,
            None => {
                exponential_slots.push(slot);
                exponential_slots.len() - 1
            }
        };
        let passes: Vec<EventPass> = (0..profiles.first().map_or(0, |p| p.causes.len()))
            .filter(|&e| profiles.iter().any(|p| p.causes[e].is_some()))
            .map(|e| {
                let has = || profiles.iter().filter_map(|p| p.causes[e].as_ref());
                let cured = has().any(|c| c.cure > 0.0);
                let constant = (!cured && has().all(|c| c.hazard.constant_inverse_rate().is_some())).then(|| {
                    profiles
                        .iter()
                        .map(|p| {
                            p.causes[e].as_ref().and_then(|c| c.hazard.constant_inverse_rate()).unwrap_or(f64::INFINITY)
                        })
                        .collect()
                });
                let slot = slot::EVENT + 4 * e as u64;
                EventPass {
                    event: e as u16,
                    is_death: Some(e) == death,
                    draw: draw_of(slot),
                    cure_slot: cured.then_some(slot + 1),
                    constant,
                }
            })
            .collect();
        let after_draw = death
            .filter(|_| profiles.iter().any(|p| p.after_recurrence.is_some()))
            .map(|d| draw_of(slot::EVENT + 4 * d as u64 + 2));
        // 1 / dropout hazard by profile (∞ without dropout, so that its time is ∞).
        let inverse_dropout: Vec<f64> = profiles
            .iter()
            .map(|p| {
                let hazard = scenario.dropout_hazard()[p.arm as usize];
                if hazard > 0.0 { 1.0 / hazard } else { f64::INFINITY }
            })
            .collect();
        let dropout_draw = inverse_dropout.iter().any(|&i| i.is_finite()).then(|| draw_of(slot::DROPOUT));
        let mut acc = 0.0;
        let cohort_cdf = scenario
            .cohorts()
            .iter()
            .map(|c| {
                acc += c.share;
                acc
            })
            .collect();
        let frailty = scenario
            .cohorts()
            .iter()
            .map(|c| c.frailty_variance.map(|v| Gamma::new(1.0 / v, v).expect("validated: variance in (0, 100]")))
            .collect();
        let total: u32 = scenario.arms().iter().map(|a| a.allocation).sum();
        let copies = scenario.block_size() / total;
        let block_template = scenario
            .arms()
            .iter()
            .enumerate()
            .flat_map(|(i, a)| std::iter::repeat_n(i as u8, (a.allocation * copies) as usize))
            .collect();
        let marked = profiles.iter().any(|p| !p.responses.is_empty() || !p.adverse_events.is_empty());
        let arm_cohort = profiles.iter().map(|p| (p.arm, p.cohort)).collect();
        Simulator {
            scenario,
            profiles,
            n_arms,
            cohort_cdf,
            frailty,
            block_template,
            marked,
            exponential_slots,
            passes,
            after_draw,
            dropout_draw,
            inverse_dropout,
            arm_cohort,
            death: death.map(|d| d as u16),
            seed: scenario.seed(),
            covariates: covariates::Covariates::new(scenario),
        }
    }

    /// The probability of response `r` of a patient of `cohort` with covariates `x` whose cohort
    /// states `p` (p itself without covariates).
    pub fn response_probability(&self, cohort: usize, r: usize, p: f64, x: &[f64]) -> f64 {
        match &self.covariates {
            Some(cv) => cv.response_probability(cohort, r, p, x),
            None => p,
        }
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
    /// randomisation order. The draws are made a pass at a time over the trial's patients
    /// (keys, entries, each exponential slot, cohort and arm, frailty, each event cause, then
    /// what follows the first event); every draw comes from its patient's own slot, so the
    /// order of the passes does not change a value.
    pub fn simulate_trial(&self, replicate: u64, buffers: &mut SimBuffers, out: &mut Trial) {
        let s = self.scenario;
        let n = s.enrollment().sample_size as usize;
        out.patients.clear();
        out.marks.clear();
        out.covariates.clear();
        out.covariate_count = self.covariates.as_ref().map_or(0, |c| c.count);
        let stream = ReplicateStream::new(self.seed, replicate);
        let keys = slots(&mut buffers.keys, n);
        batch::patient_keys(&stream, keys);
        let keys = &*keys;
        let entries = slots(&mut buffers.entries, n);
        match &s.enrollment().accrual {
            Accrual::Uniform { months } => batch::uniforms(keys, slot::ENTRY, *months, entries),
            Accrual::Piecewise { starts, rates } => {
                let mut accrual_clock = 0.0; // cumulative hazard of the arrival process
                for (entry, &k) in entries.iter_mut().zip(keys) {
                    accrual_clock += PatientDraws::of_key(k).exponential(slot::ENTRY);
                    *entry = invert_accrual(starts, rates, accrual_clock);
                }
            }
        }
        let exponentials = slots(&mut buffers.exponentials, n * self.exponential_slots.len());
        for (&slot, out) in self.exponential_slots.iter().zip(exponentials.chunks_exact_mut(n.max(1))) {
            batch::exponentials(keys, slot, out);
        }
        let exponentials = &*exponentials;
        let draws_of = |d: usize| &exponentials[d * n..(d + 1) * n];
        // Cohort, then arm: the next of the cohort's arms in randomisation order.
        let profile = slots(&mut buffers.profile, n);
        self.assign_profiles(&stream, keys, profile, &mut buffers.arms, &mut buffers.words);
        let profile = &*profile;
        // 1 / frailty: cumulative hazards are scaled by it (a multiplication per cause).
        let inverse_frailty = self.inverse_frailties(keys, profile, &mut buffers.inverse_frailty);
        // Baseline covariates, each patient's from its own slots and its cohort's law.
        let k = out.covariate_count;
        let x = self.draw_covariates(keys, profile, k, &mut buffers.covariates, &mut buffers.latent);
        let cohort_of = |j: usize| self.profiles[profile[j] as usize].cohort as usize;
        let death = self.death.map(|d| d as usize);
        let death_scale = death
            .and_then(|d| self.event_scale(d, profile, x, inverse_frailty, &mut buffers.death_scale))
            .map(|_| &buffers.death_scale[..n]);
        // The competing causes race: the first wins; its time and cause are kept.
        let first_time = slots(&mut buffers.first_time, n);
        let first_cause = slots(&mut buffers.first_cause, n);
        let latent_death = slots(&mut buffers.latent_death, n);
        first_time.fill(f64::INFINITY);
        first_cause.fill(NO_EVENT);
        latent_death.fill(f64::INFINITY);
        for pass in &self.passes {
            let draws = draws_of(pass.draw);
            let firsts = (&mut *first_time, &mut *first_cause, &mut *latent_death);
            let scaled = match self.event_scale(pass.event as usize, profile, x, inverse_frailty, &mut buffers.scale) {
                Some(()) => Some(&buffers.scale[..n]),
                None => inverse_frailty,
            };
            match (pass.constant.as_deref(), scaled) {
                (Some(inverse_rate), None) => {
                    let profile = &profile[..n];
                    race(pass, (0..n).map(|j| draws[j] * inverse_rate[profile[j] as usize]), firsts)
                }
                (Some(inverse_rate), Some(z)) => {
                    let (profile, z) = (&profile[..n], &z[..n]);
                    race(pass, (0..n).map(|j| draws[j] * z[j] * inverse_rate[profile[j] as usize]), firsts)
                }
                (None, _) => race(
                    pass,
                    (0..n).map(|j| {
                        let Some(c) = &self.profiles[profile[j] as usize].causes[pass.event as usize] else {
                            return f64::INFINITY;
                        };
                        if let Some(at) = pass.cure_slot
                            && c.cure > 0.0
                            && PatientDraws::of_key(keys[j]).uniform(at) < c.cure
                        {
                            return f64::INFINITY;
                        }
                        let e = match scaled {
                            Some(z) => draws[j] * z[j],
                            None => draws[j],
                        };
                        c.hazard.invert(e)
                    }),
                    firsts,
                ),
            }
        }
        // After a non-fatal first event, death follows `after_recurrence` with the clock reset
        // (or, without one, the death hazard goes on). A switch at recurrence (drawn from its
        // own slot) changes that hazard, with the same draw; switching is decided at the
        // recurrence itself (its visit, if scheduled, is a matter for the analysis:
        // `cut::TteSpec`).
        let switched = slots(&mut buffers.switched, n);
        let death_time = latent_death;
        let after = self.after_draw.map(draws_of);
        self.after_first_event(
            keys,
            profile,
            death_scale.or(inverse_frailty),
            (&*first_time, &*first_cause),
            after,
            switched,
            death_time,
        );
        // Dropout: an exponential at the arm's hazard (∞ by profile without one).
        let dropout = slots(&mut buffers.dropout, n);
        match self.dropout_draw.map(draws_of) {
            Some(draws) => {
                for ((o, &d), &p) in dropout.iter_mut().zip(draws).zip(profile) {
                    *o = d * self.inverse_dropout[p as usize];
                }
            }
            None => dropout.fill(f64::INFINITY),
        }
        let (entries, first_time, first_cause, death_time, dropout, switched) =
            (&entries[..n], &first_time[..n], &first_cause[..n], &death_time[..n], &dropout[..n], &switched[..n]);
        let arm_cohort = &self.arm_cohort[..];
        out.patients.extend((0..n).map(|j| {
            let (arm, cohort) = arm_cohort[profile[j] as usize];
            Patient {
                entry: entries[j],
                arm,
                cohort,
                first_time: first_time[j],
                first_cause: first_cause[j],
                death_time: death_time[j],
                dropout: dropout[j],
                switched: switched[j],
            }
        }));
        let with_x =
            |j: usize| x.zip(self.covariates.as_ref()).map(|(x, cv)| (cv, cohort_of(j), &x[j * k..(j + 1) * k]));
        if self.marked {
            out.marks.extend(
                (0..n).map(|j| {
                    Self::marks(&self.profiles[profile[j] as usize], PatientDraws::of_key(keys[j]), with_x(j))
                }),
            );
        }
        out.covariates.extend_from_slice(x.map_or(&[][..], |x| &x[..n * k]));
    }

    /// With a frailty in some cohort, each patient's 1 / frailty (1 in a cohort without one),
    /// from its own stream; None without any frailty.
    fn inverse_frailties<'b>(&self, keys: &[u64], profile: &[u32], into: &'b mut Vec<f64>) -> Option<&'b [f64]> {
        self.frailty.iter().any(Option::is_some).then(|| {
            let z = slots(into, profile.len());
            for ((z, &k), &p) in z.iter_mut().zip(keys).zip(profile) {
                let cohort = self.profiles[p as usize].cohort as usize;
                *z = match &self.frailty[cohort] {
                    Some(g) => 1.0 / g.sample(&mut PatientDraws::of_key(k).stream(slot::FRAILTY_STREAM)),
                    None => 1.0,
                };
            }
            &*z
        })
    }

    /// With covariates, every patient's (`k` each, from the patient's slots and its cohort's
    /// law) into `into`; None without covariates.
    fn draw_covariates<'b>(
        &self,
        keys: &[u64],
        profile: &[u32],
        k: usize,
        into: &'b mut Vec<f64>,
        latent: &mut Vec<f64>,
    ) -> Option<&'b [f64]> {
        let cv = self.covariates.as_ref()?;
        let n = profile.len();
        let x = slots(into, n * k);
        let latent = slots(latent, k);
        for ((xj, &key), &p) in x.chunks_exact_mut(k).zip(keys).zip(profile) {
            cv.draw(self.profiles[p as usize].cohort as usize, PatientDraws::of_key(key), latent, xj);
        }
        Some(&*x)
    }

    /// With effects of the covariates on event `e`: each patient's factor on its exponential
    /// draw (1 / frailty × exp(−βᵀ(x − ref))) into `into`; None without (the frailty's alone then
    /// stands).
    fn event_scale(
        &self,
        e: usize,
        profile: &[u32],
        x: Option<&[f64]>,
        inverse_frailty: Option<&[f64]>,
        into: &mut Vec<f64>,
    ) -> Option<()> {
        let (cv, x) = (self.covariates.as_ref()?, x?);
        if !cv.on_events() {
            return None;
        }
        let (n, k) = (profile.len(), cv.count);
        let scale = slots(into, n);
        for (j, s) in scale.iter_mut().enumerate() {
            let cohort = self.profiles[profile[j] as usize].cohort as usize;
            *s = inverse_frailty.map_or(1.0, |z| z[j]) * cv.event_scale(cohort, e, &x[j * k..(j + 1) * k]);
        }
        Some(())
    }

    /// Each patient's profile (cohort × arm): the cohort drawn from its slot, then the next of
    /// the cohort's arms in its permuted blocks.
    fn assign_profiles(
        &self,
        stream: &ReplicateStream,
        keys: &[u64],
        profile: &mut [u32],
        arms: &mut Vec<(Vec<u8>, usize)>,
        words: &mut Vec<u64>,
    ) {
        let s = self.scenario;
        let n = profile.len();
        arms.resize_with(s.cohorts().len(), Default::default);
        let cohorts = s.cohorts();
        if self.cohort_cdf.len() == 1 {
            self.permuted_blocks(stream, 0, n, words, &mut arms[0].0);
            if let Some(a) = cohorts[0].arm {
                arms[0].0.fill(a as u8);
            }
            for (p, &a) in profile.iter_mut().zip(&arms[0].0) {
                *p = a as u32;
            }
        } else {
            // Each cohort's patients counted (in `taken`, then reset to deal its arms).
            arms.iter_mut().for_each(|(_, taken)| *taken = 0);
            for (p, &k) in profile.iter_mut().zip(keys) {
                let cohort = self.cohort_of(PatientDraws::of_key(k).uniform(slot::COHORT));
                *p = cohort as u32;
                arms[cohort].1 += 1;
            }
            for (c, (sequence, taken)) in arms.iter_mut().enumerate() {
                match cohorts[c].arm {
                    // A population of one arm: no randomisation.
                    Some(a) => {
                        sequence.clear();
                        sequence.resize(*taken, a as u8);
                    }
                    None => self.permuted_blocks(stream, c, *taken, words, sequence),
                }
                *taken = 0;
            }
            for p in profile.iter_mut() {
                let (sequence, taken) = &mut arms[*p as usize];
                *p = *p * self.n_arms as u32 + sequence[*taken] as u32;
                *taken += 1;
            }
        }
    }

    /// Switching at a non-fatal first event (with its own draw) and death after it: with
    /// `after_recurrence`, the clock reset (the switch changing that hazard), else the latent
    /// death time stands.
    #[allow(clippy::too_many_arguments)]
    fn after_first_event(
        &self,
        keys: &[u64],
        profile: &[u32],
        inverse_frailty: Option<&[f64]>,
        (first_time, first_cause): (&[f64], &[u16]),
        after: Option<&[f64]>,
        switched: &mut [bool],
        death_time: &mut [f64],
    ) {
        let n = profile.len();
        let recurred = |j: usize| first_cause[j] != NO_EVENT && Some(first_cause[j]) != self.death;
        switched.fill(false);
        if self.profiles.iter().any(|p| p.switching.is_some()) {
            for j in 0..n {
                if let Some((probability, _)) = &self.profiles[profile[j] as usize].switching {
                    switched[j] = recurred(j) && PatientDraws::of_key(keys[j]).uniform(slot::SWITCH) < *probability;
                }
            }
        }
        if let Some(after) = after {
            for j in 0..n {
                let p = &self.profiles[profile[j] as usize];
                let Some(h) = &p.after_recurrence else { continue };
                if !recurred(j) {
                    continue;
                }
                let h = match &p.switching {
                    Some((_, after_switch)) if switched[j] => after_switch,
                    _ => h,
                };
                let inv_z = inverse_frailty.map_or(1.0, |z| z[j]);
                death_time[j] = first_time[j] + h.invert(after[j] * inv_z);
            }
        }
    }

    /// A cohort's arms for at least `count` patients into `out`: permuted blocks of the
    /// allocation (Fisher–Yates on each), drawn from the cohort's randomisation stream.
    fn permuted_blocks(
        &self,
        stream: &ReplicateStream,
        cohort: usize,
        count: usize,
        words: &mut Vec<u64>,
        out: &mut Vec<u8>,
    ) {
        // One word per swap, nearly always (a second one about once in 2^32 / block size).
        let l = self.block_template.len();
        let mut rng = stream.randomisation_ahead(cohort, slots(words, count.div_ceil(l) * (l - 1)));
        out.clear();
        while out.len() < count {
            let start = out.len();
            out.extend_from_slice(&self.block_template);
            let block = &mut out[start..];
            for i in (1..block.len()).rev() {
                let j = rng.random_range(0..=i);
                block.swap(i, j);
            }
        }
    }

    /// A patient's binary responses and 24-hour adverse events.
    fn marks(
        profile: &Profile,
        draws: PatientDraws,
        covariates: Option<(&covariates::Covariates, usize, &[f64])>,
    ) -> Marks {
        let mut responses = 0u64;
        for &(r, probability) in &profile.responses {
            let probability = match covariates {
                Some((cv, cohort, x)) => cv.response_probability(cohort, r as usize, probability, x),
                None => probability,
            };
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
        Marks { responses, adverse, adverse_g3 }
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
