//! The one place that names the random generators.
//!
//! Replicate i of a study draws only from ChaCha8 (rand_chacha; portable, specified) keyed by
//! the study seed, on stream i: its streams are disjoint by construction, so a report is
//! reproducible from (scenario, seed, replicates) for any thread count or shard split. The
//! first 64-bit word of stream i is the replicate's root.
//!
//! Everything else is counter-based, so any draw can be reached directly: patient j's key is
//! the j-th output of SplitMix64 (Steele, Lea & Flood 2014) started at the root, and every
//! draw the patient needs sits at a fixed slot of its own sub-stream, by purpose (entry,
//! cohort, frailty, dropout, each event cause, each response, each adverse event): slot k is
//! the k-th output of SplitMix64 started at the patient's key. Event times are drawn by
//! inversion from those uniforms, so two scenarios that differ in one parameter share their
//! virtual patients (common random numbers), and adding patients leaves the first patients'
//! draws unchanged. Block randomisation of cohort c draws from the sequence keyed by the
//! root's output at counter 2^63 + c, which no patient's key uses. (Keys came from ChaCha8
//! words directly until this generator cost a tenth of the simulation; the values of every
//! report changed then.)

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Infallible, Rng, SeedableRng, TryRng};

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The k-th output of SplitMix64 started at `state` (k from 0).
#[inline]
fn splitmix(state: u64, k: u64) -> u64 {
    mix(state.wrapping_add(k.wrapping_add(1).wrapping_mul(GOLDEN)))
}

/// The 32-byte ChaCha key of a study seed (SplitMix64 expansion).
fn key(seed: u64) -> [u8; 32] {
    let mut k = [0u8; 32];
    for (i, chunk) in k.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&splitmix(seed, i as u64).to_le_bytes());
    }
    k
}

/// The random stream of one replicate.
#[derive(Debug, Clone, Copy)]
pub struct ReplicateStream {
    root: u64,
}

impl ReplicateStream {
    pub fn new(seed: u64, replicate: u64) -> ReplicateStream {
        let mut rng = ChaCha8Rng::from_seed(key(seed));
        rng.set_stream(replicate);
        ReplicateStream { root: rng.next_u64() }
    }

    /// Patient j's sub-stream.
    #[inline]
    pub fn patient(&self, j: u64) -> PatientDraws {
        PatientDraws { key: splitmix(self.root, j) }
    }

    /// The randomisation stream of a cohort (disjoint from the patient keys).
    pub fn randomisation(&self, cohort: usize) -> SlotRng {
        PatientDraws { key: splitmix(self.root, (1 << 63) + cohort as u64) }.stream(0)
    }
}

/// The purposes of a patient's draws, each a fixed slot of its sub-stream.
pub mod slot {
    pub const ENTRY: u64 = 0;
    pub const COHORT: u64 = 1;
    pub const FRAILTY: u64 = 2;
    pub const DROPOUT: u64 = 3;
    /// Switching therapy at recurrence.
    pub const SWITCH: u64 = 4;
    /// Event cause e uses EVENT + 4e (time), + 1 (cure), + 2 (death after it).
    pub const EVENT: u64 = 16;
    pub const RESPONSE: u64 = 1 << 20;
    /// Adverse event a uses ADVERSE_EVENT + 2a (occurrence), + 1 (grade).
    pub const ADVERSE_EVENT: u64 = 1 << 21;
    /// The frailty's own generator starts here (the gamma sampler may take several draws).
    pub const FRAILTY_STREAM: u64 = 1 << 30;
}

/// One patient's sub-stream.
#[derive(Clone, Copy)]
pub struct PatientDraws {
    key: u64,
}

impl PatientDraws {
    #[inline]
    fn word(&self, slot: u64) -> u64 {
        splitmix(self.key, slot)
    }

    /// A uniform in [0, 1) from a slot.
    #[inline]
    pub fn uniform(&self, slot: u64) -> f64 {
        (self.word(slot) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard exponential from a slot, −ln U with U in (0, 1].
    #[inline]
    pub fn exponential(&self, slot: u64) -> f64 {
        -(((self.word(slot) >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)).ln()
    }

    /// A standard exponential for a slot by the ziggurat method (rand_distr's `Exp1`, several
    /// times faster than a logarithm). It reads its own region of the sub-stream (from
    /// 2^40 + 2^16 · slot), since the ziggurat occasionally takes more than one word.
    #[inline]
    pub fn fast_exponential(&self, slot: u64) -> f64 {
        use rand_distr::Distribution as _;
        rand_distr::Exp1.sample(&mut self.stream((1u64 << 40) + (slot << 16)))
    }

    /// A sequential generator over the slots from `start` (for samplers that need a variable
    /// number of draws, such as the gamma frailty).
    pub fn stream(&self, start: u64) -> SlotRng {
        SlotRng { draws: *self, next: start }
    }
}

/// Successive slots of a patient's sub-stream as a `rand_core` generator.
pub struct SlotRng {
    draws: PatientDraws,
    next: u64,
}

impl TryRng for SlotRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let w = self.draws.word(self.next);
        self.next += 1;
        Ok(w)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let w = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Value stability: these draws are part of the reproducibility contract. A change here
    /// changes every report and must be announced as such.
    #[test]
    fn draws_are_stable() {
        let p = ReplicateStream::new(20261126, 7).patient(0);
        let got = (p.uniform(slot::ENTRY), p.exponential(slot::EVENT));
        let q = ReplicateStream::new(20261126, 7).patient(0);
        assert_eq!(got, (q.uniform(slot::ENTRY), q.exponential(slot::EVENT)));
        assert!((0.0..1.0).contains(&got.0) && got.1 > 0.0);
    }

    #[test]
    fn splitmix_is_the_reference_generator() {
        // SplitMix64 from state 1234567 (Vigna's splitmix64.c): its first outputs.
        let want = [6457827717110365317u64, 3203168211198807973, 9817491932198370423];
        for (k, w) in want.iter().enumerate() {
            assert_eq!(splitmix(1234567, k as u64), *w);
        }
    }

    #[test]
    fn replicates_seeds_patients_and_randomisation_differ() {
        let a = ReplicateStream::new(1, 0);
        let keys = [
            a.patient(0).key,
            a.patient(1).key,
            ReplicateStream::new(1, 1).patient(0).key,
            ReplicateStream::new(2, 0).patient(0).key,
            a.randomisation(0).draws.key,
            a.randomisation(1).draws.key,
        ];
        for i in 0..keys.len() {
            for j in 0..i {
                assert_ne!(keys[i], keys[j]);
            }
        }
    }
}
