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

    /// The same stream with its first `words.len()` words computed ahead in one vectorised
    /// pass into `words` (for a consumer that takes about that many).
    pub fn randomisation_ahead<'w>(&self, cohort: usize, words: &'w mut [u64]) -> AheadRng<'w> {
        let rng = self.randomisation(cohort);
        batch::ahead(rng.draws.key, words);
        AheadRng { words, rng }
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
    /// The covariates' latent normals: a stream of slots from here (the ziggurat).
    pub const COVARIATE: u64 = 1 << 22;
    /// The frailty's own generator starts here (the gamma sampler may take several draws).
    pub const FRAILTY_STREAM: u64 = 1 << 30;
}

/// One patient's sub-stream.
#[derive(Clone, Copy)]
pub struct PatientDraws {
    key: u64,
}

impl PatientDraws {
    /// The sub-stream of a patient key ([`batch::patient_keys`]).
    #[inline]
    pub fn of_key(key: u64) -> PatientDraws {
        PatientDraws { key }
    }

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
        rand_chacha::rand_core::utils::fill_bytes_via_next_word(dst, || self.try_next_u64())
    }
}

/// The same draws as [`PatientDraws`], slot by slot, for every patient of a trial in one pass
/// each, written so that the compiler vectorises them: the keys, a uniform of one slot and a
/// standard exponential of one slot (the ziggurat's first try in the pass, the rare retry
/// after it). Each pass is compiled three times, for the baseline x86-64, for AVX2 (four lanes,
/// gathers) and for AVX-512 (64-bit multiplications in vector registers), and the widest the
/// CPU has runs: all do the same integer arithmetic and the same IEEE operations in the same
/// order (no fused multiply-add is enabled), so they give the same bits (tested against the
/// per-patient draws; the reports do not depend on it).
pub mod batch {
    use super::{PatientDraws, ReplicateStream, splitmix};
    use std::sync::OnceLock;

    /// Runs `$body` compiled for AVX-512 where the CPU has it, else for AVX2 where it has that,
    /// else for the baseline.
    macro_rules! vectorised {
        (fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
            fn $name($($arg: $ty),*) {
                #[inline(always)]
                fn generic($($arg: $ty),*) $body
                #[cfg(target_arch = "x86_64")]
                {
                    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
                    fn avx512($($arg: $ty),*) {
                        generic($($arg),*)
                    }
                    #[target_feature(enable = "avx2")]
                    fn avx2($($arg: $ty),*) {
                        generic($($arg),*)
                    }
                    if widest() >= 2 && std::is_x86_feature_detected!("avx512f")
                        && std::is_x86_feature_detected!("avx512dq") && std::is_x86_feature_detected!("avx512vl")
                    {
                        // SAFETY: the CPU has the features `avx512` is compiled for.
                        return unsafe { avx512($($arg),*) };
                    }
                    if widest() >= 1 && std::is_x86_feature_detected!("avx2") {
                        // SAFETY: the CPU has the feature `avx2` is compiled for.
                        return unsafe { avx2($($arg),*) };
                    }
                }
                generic($($arg),*)
            }
        };
    }

    /// Tests compare the compilations: they can cap the widest one used (2 AVX-512, 1 AVX2,
    /// 0 the baseline).
    #[cfg(test)]
    pub(super) static WIDEST: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(2);

    #[inline(always)]
    fn widest() -> u8 {
        #[cfg(test)]
        return WIDEST.load(std::sync::atomic::Ordering::Relaxed);
        #[cfg(not(test))]
        2
    }

    vectorised! {
        fn keys(root: u64, out: &mut [u64]) {
            for (j, k) in out.iter_mut().enumerate() {
                *k = splitmix(root, j as u64);
            }
        }
    }

    /// The words 0, 1, … of the sub-stream `key` into `out` (as [`PatientDraws::stream`]`(0)`).
    pub fn ahead(key: u64, out: &mut [u64]) {
        keys(key, out);
    }

    /// The keys of a replicate's patients 0, 1, … into `out`.
    pub fn patient_keys(stream: &ReplicateStream, out: &mut [u64]) {
        keys(stream.root, out);
    }

    vectorised! {
        fn scaled_uniforms(keys: &[u64], slot: u64, scale: f64, out: &mut [f64]) {
            for (k, o) in keys.iter().zip(out.iter_mut()) {
                *o = PatientDraws { key: *k }.uniform(slot) * scale;
            }
        }
    }

    /// `uniform(slot) · scale` of every key into `out` (as [`PatientDraws::uniform`]).
    pub fn uniforms(keys: &[u64], slot: u64, scale: f64, out: &mut [f64]) {
        scaled_uniforms(keys, slot, scale, out);
    }

    vectorised! {
        fn first_tries(keys: &[u64], start: u64, table: &[f64; 257], out: &mut [f64]) {
            for (k, o) in keys.iter().zip(out.iter_mut()) {
                *o = first_try(splitmix(*k, start), table);
            }
        }
    }

    const ONE: u64 = 0x3FF0_0000_0000_0000;

    /// The standard exponential of `slot` of every key, as [`PatientDraws::fast_exponential`],
    /// into `out` (length `keys.len()`).
    pub fn exponentials(keys: &[u64], slot: u64, out: &mut [f64]) {
        let Some(table) = ziggurat_layers() else {
            for (k, o) in keys.iter().zip(out.iter_mut()) {
                *o = PatientDraws { key: *k }.fast_exponential(slot);
            }
            return;
        };
        first_tries(keys, (1u64 << 40) + (slot << 16), table, out);
        for (k, o) in keys.iter().zip(out.iter_mut()) {
            if o.is_nan() {
                *o = PatientDraws { key: *k }.fast_exponential(slot);
            }
        }
    }

    /// Whether the ziggurat's layers were read and checked (tests).
    #[cfg(test)]
    pub(super) fn layers_read() -> bool {
        ziggurat_layers().is_some()
    }

    /// The abscissae of the exponential ziggurat's layers as rand_distr uses them (its table
    /// is private): layer i's first try with the smallest uniform, 2^-53, returns 2^-53 · x_i
    /// exactly (layer 255 by its wedge test, with a second word of 1/2); x_256 = 0. Checked
    /// against the sampler itself on a spread of words before use; `None` (every draw by the
    /// sampler) if rand_distr ever samples otherwise.
    fn ziggurat_layers() -> Option<&'static [f64; 257]> {
        static LAYERS: OnceLock<Option<[f64; 257]>> = OnceLock::new();
        LAYERS
            .get_or_init(|| {
                let mut table = [0.0; 257];
                for (i, x) in table.iter_mut().enumerate().take(256) {
                    *x = sample(&[i as u64, 1 << 63]) * (1u64 << 53) as f64;
                }
                let agrees = (0..4096u64).all(|n| {
                    let w = splitmix(0x5EED, n);
                    let bits = if n < 256 { (w & !0xff) | n } else { w };
                    let x = first_try(bits, &table);
                    x.is_nan() || x == sample(&[bits, splitmix(0x5EED, n + (1 << 32))])
                });
                agrees.then_some(table)
            })
            .as_ref()
    }

    /// rand_distr's ziggurat (`utils.rs`, `ziggurat`, asymmetric), first try: 8 bits choose
    /// the layer, the top 52 a uniform in (0, 1); accepted inside the layer's rectangle, else
    /// NaN (the patient's draw is then the full sampler's).
    #[inline(always)]
    fn first_try(bits: u64, table: &[f64; 257]) -> f64 {
        let i = (bits & 0xff) as usize;
        let u = f64::from_bits((bits >> 12) | ONE) - (1.0 - f64::EPSILON / 2.0);
        let x = u * table[i];
        if x < table[i + 1] { x } else { f64::NAN }
    }

    /// rand_distr's `Exp1` on a generator that returns `words` (then zeros).
    fn sample(words: &[u64]) -> f64 {
        use rand_chacha::rand_core::{Infallible, TryRng};
        use rand_distr::Distribution as _;
        struct Words<'a>(&'a [u64], usize);
        impl TryRng for Words<'_> {
            type Error = Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Infallible> {
                Ok((self.try_next_u64()? >> 32) as u32)
            }
            fn try_next_u64(&mut self) -> Result<u64, Infallible> {
                let w = self.0.get(self.1).copied().unwrap_or(0);
                self.1 += 1;
                Ok(w)
            }
            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
                dst.fill(0);
                Ok(())
            }
        }
        rand_distr::Exp1.sample(&mut Words(words, 0))
    }
}

/// A [`SlotRng`] whose first words were computed ahead: the same words, the rest as they come.
pub struct AheadRng<'w> {
    words: &'w [u64],
    rng: SlotRng,
}

impl TryRng for AheadRng<'_> {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        match self.words.get(self.rng.next as usize) {
            Some(&w) => {
                self.rng.next += 1;
                Ok(w)
            }
            None => self.rng.try_next_u64(),
        }
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        rand_chacha::rand_core::utils::fill_bytes_via_next_word(dst, || self.try_next_u64())
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

    /// The batched draws are the per-patient draws, bit for bit, on every compilation the CPU
    /// can run (the ziggurat's retries included: about 1% of exponentials).
    #[test]
    fn batched_draws_are_the_per_patient_draws() {
        use std::sync::atomic::Ordering;
        let n = 20_000;
        for widest in [2, 1, 0] {
            batch::WIDEST.store(widest, Ordering::Relaxed);
            for replicate in [0, 7, 1 << 40] {
                let stream = ReplicateStream::new(20261126, replicate);
                let mut keys = vec![0; n];
                batch::patient_keys(&stream, &mut keys);
                let (mut u, mut e) = (vec![0.0; n], vec![0.0; n]);
                batch::uniforms(&keys, slot::ENTRY, 24.0, &mut u);
                for s in [slot::DROPOUT, slot::EVENT, slot::EVENT + 6] {
                    batch::exponentials(&keys, s, &mut e);
                    let mut retried = 0;
                    for j in 0..n {
                        let p = stream.patient(j as u64);
                        assert_eq!(keys[j], p.key);
                        assert_eq!(u[j].to_bits(), (p.uniform(slot::ENTRY) * 24.0).to_bits());
                        assert_eq!(e[j].to_bits(), p.fast_exponential(s).to_bits(), "patient {j} slot {s}");
                        let bits = splitmix(p.key, (1 << 40) + (s << 16));
                        retried += (bits & 0xff == 255) as usize;
                    }
                    assert!(retried > 0, "the retry path was exercised");
                }
            }
        }
        batch::WIDEST.store(2, Ordering::Relaxed);
    }

    /// The ziggurat's layers were read from rand_distr and passed their check (else every
    /// exponential would silently take the slow sampler).
    #[test]
    fn the_ziggurat_layers_are_read() {
        assert!(batch::layers_read(), "rand_distr's ziggurat changed: the batched draws fall back to its sampler");
    }

    #[test]
    fn words_computed_ahead_are_the_stream() {
        use rand::RngExt;
        let stream = ReplicateStream::new(3, 9);
        for ahead in [0, 1, 5, 64] {
            let mut words = vec![0; ahead];
            let (mut a, mut b) = (stream.randomisation_ahead(1, &mut words), stream.randomisation(1));
            for i in 0..100usize {
                assert_eq!(a.random_range(0..=i % 7), b.random_range(0..=i % 7));
                assert_eq!(a.next_u64(), b.next_u64());
            }
        }
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
