//! Baseline covariates of virtual patients: each covariate's latent standard normal drawn from
//! the patient's own stream (the ziggurat, from `slot::COVARIATE` on), correlated within the
//! patient's cohort through the Cholesky factor of the Gaussian copula's correlation, and
//! carried to the covariate's law: a normal is μ + σz, a truncated normal its quantile at the
//! latent uniform mapped into the bounds' mass (inversion, so that the copula holds exactly),
//! a binary 1 when z is above Φ⁻¹(1 − p). The linear predictors of the event causes and
//! responses follow: a cause's cumulative hazard is scaled by exp(βᵀ(x − ref)), a response's
//! log odds shifted by γᵀ(x − ref).

use crate::rng::{PatientDraws, slot};
use crate::scenario::{CovariateLaw, Scenario};
use crate::stats::normal;

/// One cohort's covariate model.
struct CohortModel {
    laws: Vec<Law>,
    reference: Vec<f64>,
    /// The lower Cholesky factor of the copula's correlation.
    cholesky: Vec<Vec<f64>>,
    /// By event (in event order), the log hazard ratios per covariate (empty: none).
    event_effects: Vec<Vec<f64>>,
    /// By response, the log odds ratios per covariate (empty: none).
    response_effects: Vec<Vec<f64>>,
}

/// The patients and seed of the population over which a response's marginal probability is
/// averaged (its Monte Carlo error about 0.5 / √200,000 ≈ 0.001 at most; it is the truth the
/// reports compare with, stated as such).
pub const POPULATION: usize = 200_000;
pub const POPULATION_SEED: u64 = 0x0005_eedc_07a1_2a7e;

/// A covariate's law as the draw uses it.
enum Law {
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Φ at the standardised bounds, and the bounds.
    Truncated {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
        min: f64,
        max: f64,
    },
    /// 1 when the latent normal exceeds this.
    Binary {
        above: f64,
    },
}

impl Law {
    fn of(law: &CovariateLaw) -> Law {
        match *law {
            CovariateLaw::Normal { mean, sd, min, max } if min.is_finite() || max.is_finite() => Law::Truncated {
                mean,
                sd,
                lo: normal::cdf((min - mean) / sd),
                hi: normal::cdf((max - mean) / sd),
                min,
                max,
            },
            CovariateLaw::Normal { mean, sd, .. } => Law::Normal { mean, sd },
            CovariateLaw::Binary { probability } => Law::Binary { above: normal::quantile(1.0 - probability) },
        }
    }
}

/// The covariate model of a scenario with covariates.
pub struct Covariates {
    pub count: usize,
    cohorts: Vec<CohortModel>,
}

impl Covariates {
    /// None for a scenario without covariates (its simulation is then exactly as before).
    pub fn new(s: &Scenario) -> Option<Covariates> {
        let count = s.covariate_names().len();
        (count > 0).then(|| Covariates {
            count,
            cohorts: s
                .cohorts()
                .iter()
                .map(|c| CohortModel {
                    laws: c.covariates.iter().map(|x| Law::of(&x.law)).collect(),
                    reference: c.covariates.iter().map(|x| x.reference).collect(),
                    cholesky: crate::stats::linalg::cholesky(&c.correlation).expect("validated: positive definite"),
                    event_effects: c.event_effects.clone(),
                    response_effects: c.response_effects.clone(),
                })
                .collect(),
        })
    }

    /// Patient `draws`'s covariates as a member of `cohort`, into `out` (length `count`), with
    /// `latent` as scratch.
    pub fn draw(&self, cohort: usize, draws: PatientDraws, latent: &mut [f64], out: &mut [f64]) {
        use rand_distr::{Distribution as _, StandardNormal};
        let m = &self.cohorts[cohort];
        let mut rng = draws.stream(slot::COVARIATE);
        for e in latent.iter_mut() {
            *e = StandardNormal.sample(&mut rng);
        }
        for (k, x) in out.iter_mut().enumerate() {
            let z: f64 = m.cholesky[k][..=k].iter().zip(&latent[..=k]).map(|(l, e)| l * e).sum();
            *x = match m.laws[k] {
                Law::Normal { mean, sd } => mean + sd * z,
                Law::Truncated { mean, sd, lo, hi, min, max } => {
                    let u = lo + (hi - lo) * normal::cdf(z);
                    (mean + sd * normal::quantile_as241(u)).clamp(min, max)
                }
                Law::Binary { above } => (z > above) as u8 as f64,
            };
        }
    }

    /// exp(−βᵀ(x − ref)) for event `e` of `cohort`: the factor on the standard exponential
    /// draw (1 when the event has no effects).
    #[inline]
    pub fn event_scale(&self, cohort: usize, e: usize, x: &[f64]) -> f64 {
        let m = &self.cohorts[cohort];
        match m.event_effects.get(e) {
            Some(b) if !b.is_empty() => (-linear(b, x, &m.reference)).exp(),
            Some(_) | None => 1.0,
        }
    }

    /// The probability of response `r` of a patient with covariates `x` whose cohort states `p`
    /// at the reference.
    #[inline]
    pub fn response_probability(&self, cohort: usize, r: usize, p: f64, x: &[f64]) -> f64 {
        let m = &self.cohorts[cohort];
        match m.response_effects.get(r) {
            Some(g) if !g.is_empty() && p > 0.0 && p < 1.0 => {
                let eta = (p / (1.0 - p)).ln() + linear(g, x, &m.reference);
                1.0 / (1.0 + (-eta).exp())
            }
            Some(_) | None => p,
        }
    }

    /// Whether response `r` of some cohort has effects.
    pub fn on_response(&self, r: usize) -> bool {
        self.cohorts.iter().any(|m| m.response_effects.get(r).is_some_and(|g| !g.is_empty()))
    }

    /// The probability of response `r` in `cohort` averaged over the cohort's covariates, whose
    /// stated probability (at the reference) is `p`: the mean over [`POPULATION`] patients
    /// drawn with a fixed seed (the same for every call, so the same bits everywhere); `p`
    /// itself when the response has no effects.
    pub fn mean_response_probability(&self, cohort: usize, r: usize, p: f64) -> f64 {
        if self.cohorts[cohort].response_effects.get(r).is_none_or(|g| g.is_empty()) {
            return p;
        }
        let stream = crate::rng::ReplicateStream::new(POPULATION_SEED, 0);
        let mut keys = vec![0u64; POPULATION];
        crate::rng::batch::patient_keys(&stream, &mut keys);
        let (mut latent, mut x) = (vec![0.0; self.count], vec![0.0; self.count]);
        let sum: f64 = keys
            .iter()
            .map(|&key| {
                self.draw(cohort, PatientDraws::of_key(key), &mut latent, &mut x);
                self.response_probability(cohort, r, p, &x)
            })
            .sum();
        sum / POPULATION as f64
    }

    /// Whether some event of some cohort has effects.
    pub fn on_events(&self) -> bool {
        self.cohorts.iter().any(|m| m.event_effects.iter().any(|b| !b.is_empty()))
    }
}

/// βᵀ(x − ref).
#[inline]
fn linear(b: &[f64], x: &[f64], reference: &[f64]) -> f64 {
    b.iter().zip(x).zip(reference).map(|((b, x), r)| b * (x - r)).sum()
}
