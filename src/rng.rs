//! The one place that names the random generators.
//!
//! Replicate i of a study draws only from ChaCha8 (rand_chacha; portable, specified) keyed by
//! the study seed, on stream i: its streams are disjoint by construction, so a report is
//! reproducible from (scenario, seed, replicates) for any thread count or shard split.
//!
//! Within a replicate, patient j takes the j-th 64-bit word of that stream as its own key,
//! and every draw it needs sits at a fixed slot of its own sub-stream, by purpose (entry,
//! cohort, frailty, dropout, each event cause, each response, each adverse event): slot k is
//! the k-th output of SplitMix64 (Steele, Lea & Flood 2014) started at the patient's key.
//! Event times are drawn by inversion from those uniforms, so two scenarios that differ in one
//! parameter share their virtual patients (common random numbers), and adding patients
//! leaves the first patients' draws unchanged. Block randomisation draws from a second
//! ChaCha8 stream region of the same replicate (word position 2^62 onwards), one region per
//! cohort.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Infallible, Rng, SeedableRng, TryRng};

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 32-byte ChaCha key of a study seed (SplitMix64 expansion).
fn key(seed: u64) -> [u8; 32] {
    let mut k = [0u8; 32];
    for (i, chunk) in k.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&mix(seed.wrapping_add((i as u64 + 1).wrapping_mul(GOLDEN))).to_le_bytes());
    }
    k
}

/// The random stream of one replicate.
pub struct ReplicateStream {
    rng: ChaCha8Rng,
}

impl ReplicateStream {
    pub fn new(seed: u64, replicate: u64) -> ReplicateStream {
        let mut rng = ChaCha8Rng::from_seed(key(seed));
        rng.set_stream(replicate);
        ReplicateStream { rng }
    }

    /// Positions the stream at patient j's key.
    pub fn seek_patient(&mut self, j: u64) {
        self.rng.set_word_pos(2 * j as u128);
    }

    /// The next patient's key (patient j's when called j times after `seek_patient(0)`).
    #[inline]
    pub fn next_patient(&mut self) -> PatientDraws {
        PatientDraws { key: self.rng.next_u64() }
    }

    /// The randomisation stream of a cohort (disjoint from the patient keys).
    pub fn randomisation(&self, cohort: usize) -> ChaCha8Rng {
        let mut r = self.rng.clone();
        r.set_word_pos((1u128 << 62) + ((cohort as u128) << 48));
        r
    }
}

/// The purposes of a patient's draws, each a fixed slot of its sub-stream.
pub mod slot {
    pub const ENTRY: u64 = 0;
    pub const COHORT: u64 = 1;
    pub const FRAILTY: u64 = 2;
    pub const DROPOUT: u64 = 3;
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
        mix(self.key.wrapping_add((slot + 1).wrapping_mul(GOLDEN)))
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
        let mut s = ReplicateStream::new(20261126, 7);
        let p = s.next_patient();
        let got = (p.uniform(slot::ENTRY), p.exponential(slot::EVENT));
        let mut again = ReplicateStream::new(20261126, 7);
        let q = again.next_patient();
        assert_eq!(got, (q.uniform(slot::ENTRY), q.exponential(slot::EVENT)));
        assert!((0.0..1.0).contains(&got.0) && got.1 > 0.0);
    }

    #[test]
    fn seeking_reaches_the_same_patient() {
        let mut s = ReplicateStream::new(1, 3);
        let keys: Vec<u64> = (0..100).map(|_| s.next_patient().key).collect();
        let mut t = ReplicateStream::new(1, 3);
        t.seek_patient(57);
        assert_eq!(t.next_patient().key, keys[57]);
    }

    #[test]
    fn replicates_and_seeds_differ() {
        let a = ReplicateStream::new(1, 0).next_patient().key;
        let b = ReplicateStream::new(1, 1).next_patient().key;
        let c = ReplicateStream::new(2, 0).next_patient().key;
        assert!(a != b && a != c && b != c);
    }
}
