//! Group-sequential boundaries of a single arm's response rate on the exact binomial: at look k
//! with n_k patients assessed the trial rejects when its responders x_k ≥ r_k, r_k the smallest
//! count whose cumulative crossing probability under the null rate p0 — paths that crossed no
//! earlier boundary and reach r_k here — is at most the alpha the spending function has spent by
//! then (Lan & DeMets on the patients' fraction; all of it at the final look). The distribution
//! of the responders on the continuing paths is carried from look to look and convolved with
//! Binomial(n_k − n_{k−1}, p). Discreteness leaves part of alpha unspent: the exact type I error
//! is [`crossing`]'s sum under p0, at most alpha. (The normal approximation rpact uses for one
//! rate does not hold the level at these sizes: 0.033 at α = 0.025 with 20/40/60 patients.)
//!
//! A futility rule stops at an interim when the responders fall below a floor a_k (a z rule on
//! the exact p-value's scale: [`futility_floor`]). A binding rule removes the paths below the
//! floors from the null's continuing paths, so the efficacy boundaries spend alpha on fewer
//! paths (and may be lower); a non-binding rule leaves the boundaries as without it. Either
//! way the trials stop there, which [`crossing`] counts.

use super::binary::{binom_pmf, exact_z};
use super::spending::{Spending, spent};

/// Continuing paths' responder distribution after look k, the next look's convolved.
pub(crate) fn convolve(f: &[f64], m: u32, p: f64) -> Vec<f64> {
    let add: Vec<f64> = (0..=m).map(|j| binom_pmf(j as u64, m as u64, p)).collect();
    let mut g = vec![0.0; f.len() + m as usize];
    for (i, &fi) in f.iter().enumerate().filter(|(_, fi)| **fi > 0.0) {
        for (j, &a) in add.iter().enumerate() {
            g[i + j] += fi * a;
        }
    }
    g
}

/// The smallest responder count among `n` that continues past a futility rule `z` on the exact
/// p-value's z scale ([`exact_z`]: the trial stops when exact_z(x) < z): 0 when every count
/// continues, n + 1 when none does.
pub fn futility_floor(n: u32, p0: f64, z: f64) -> u32 {
    // exact_z increases in x: the first count reaching z, by bisection over [0, n + 1].
    let (mut lo, mut hi) = (0u32, n + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if exact_z(mid as u64, n as u64, p0) >= z { hi = mid } else { lo = mid + 1 }
    }
    lo
}

/// The responders needed to reject at each look with `n` patients assessed (increasing), null
/// rate `p0`, one-sided `alpha` spent by `spending` at `spend_at[k]` (the patients' fraction of
/// the planned; 1 at the final look): n_k + 1 where no count can reject. `floor[k]` is a
/// binding futility rule's floor at interim k (paths with fewer responders stop there), 0
/// without one.
pub fn boundaries(n: &[u32], p0: f64, spending: Spending, alpha: f64, spend_at: &[f64], floor: &[u32]) -> Vec<u32> {
    let (mut f, mut prev, mut cum) = (vec![1.0], 0u32, 0.0f64);
    let mut r = Vec::with_capacity(n.len());
    for (k, &nk) in n.iter().enumerate() {
        let g = convolve(&f, nk - prev, p0);
        let target = if spend_at[k] >= 1.0 { alpha } else { spent(spending, alpha, spend_at[k]) };
        // tail[x] = P(responders ≥ x on continuing paths).
        let mut tail = vec![0.0; g.len() + 1];
        for x in (0..g.len()).rev() {
            tail[x] = tail[x + 1] + g[x];
        }
        let rk = (0..=g.len()).find(|&x| cum + tail[x] <= target + 1e-15).unwrap_or(g.len()) as u32;
        cum += tail[rk as usize];
        r.push(rk);
        f = g;
        f.truncate(rk as usize);
        drop_below(&mut f, floor[k]);
        prev = nk;
    }
    r
}

/// Removes the paths with fewer than `floor` responders (they stopped for futility); returns
/// their probability.
fn drop_below(f: &mut [f64], floor: u32) -> f64 {
    let below = floor.min(f.len() as u32) as usize;
    let gone = f[..below].iter().sum();
    f[..below].fill(0.0);
    gone
}

/// The probability of crossing each look's boundary `r` first, and of stopping for futility
/// there (below `floor[k]` responders at an interim; 0 for no rule), at response rate `p`.
pub fn crossing(n: &[u32], r: &[u32], floor: &[u32], p: f64) -> (Vec<f64>, Vec<f64>) {
    let (mut f, mut prev) = (vec![1.0], 0u32);
    let last = n.len().saturating_sub(1);
    let mut futile = Vec::with_capacity(n.len());
    let crossed = n
        .iter()
        .zip(r)
        .enumerate()
        .map(|(k, (&nk, &rk))| {
            let g = convolve(&f, nk - prev, p);
            let crossed = g.iter().skip(rk as usize).sum();
            f = g;
            f.truncate(rk as usize);
            futile.push(if k < last { drop_below(&mut f, floor[k]) } else { 0.0 });
            prev = nk;
            crossed
        })
        .collect();
    (crossed, futile)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against an independent computation in base R (`tests/reference/make_exact_binomial_gs_refs.R`:
    /// FFT convolution, the same rule): the responders to reject exactly, the crossing
    /// probabilities under p0 and p1 to 1e-12.
    #[test]
    fn boundaries_and_crossings_agree_with_r() {
        let refs: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/reference/exact_binomial_gs_refs.json")).unwrap();
        let nums =
            |v: &serde_json::Value| -> Vec<f64> { v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
        let designs = refs["designs"].as_array().unwrap();
        assert_eq!(designs.len(), 4);
        for d in designs {
            let n: Vec<u32> = nums(&d["n"]).iter().map(|&x| x as u32).collect();
            let last = *n.last().unwrap() as f64;
            let spend_at: Vec<f64> = n.iter().map(|&x| x as f64 / last).collect();
            let spending = if d["spending"] == "pocock" { Spending::Pocock } else { Spending::OBrienFleming };
            let (p0, p1) = (d["p0"].as_f64().unwrap(), d["p1"].as_f64().unwrap());
            let none = vec![0; n.len()];
            let r = boundaries(&n, p0, spending, 0.025, &spend_at, &none);
            let want: Vec<u32> = nums(&d["responders_to_reject"]).iter().map(|&x| x as u32).collect();
            assert_eq!(r, want, "{n:?}");
            for (p, key) in [(p0, "crossing_h0"), (p1, "crossing_h1")] {
                for (got, want) in crossing(&n, &r, &none, p).0.iter().zip(nums(&d[key])) {
                    assert!((got - want).abs() < 1e-12, "{n:?} {key}: {got} against {want}");
                }
            }
            let alpha: f64 = crossing(&n, &r, &none, p0).0.iter().sum();
            assert!(alpha <= 0.025, "{n:?}: exact type I error {alpha}");
        }
    }

    /// A z futility rule, binding and not, against the same base-R computation: the floors, the
    /// responders to reject (lower when binding), and the crossing and futility-stop
    /// probabilities under p0 and p1 to 1e-12.
    #[test]
    fn futility_floors_and_stops_agree_with_r() {
        let refs: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/reference/exact_binomial_gs_refs.json")).unwrap();
        let nums =
            |v: &serde_json::Value| -> Vec<f64> { v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
        let counts = |v: &serde_json::Value| -> Vec<u32> { nums(v).iter().map(|&x| x as u32).collect() };
        let designs = refs["futility_designs"].as_array().unwrap();
        assert!(designs.len() >= 4);
        let mut lowered = 0;
        for d in designs {
            let n = counts(&d["n"]);
            let last = *n.last().unwrap() as f64;
            let spend_at: Vec<f64> = n.iter().map(|&x| x as f64 / last).collect();
            let spending = if d["spending"] == "pocock" { Spending::Pocock } else { Spending::OBrienFleming };
            let (p0, p1, z) = (d["p0"].as_f64().unwrap(), d["p1"].as_f64().unwrap(), d["futility_z"].as_f64().unwrap());
            let floor: Vec<u32> = n.iter().map(|&nk| futility_floor(nk, p0, z)).collect();
            assert_eq!(floor[..n.len() - 1], counts(&d["floor"])[..n.len() - 1], "{n:?}");
            let binding = d["binding"].as_bool().unwrap();
            let none = vec![0; n.len()];
            let r = boundaries(&n, p0, spending, 0.025, &spend_at, if binding { &floor } else { &none });
            assert_eq!(r, counts(&d["responders_to_reject"]), "{n:?} binding {binding}");
            if binding && r != boundaries(&n, p0, spending, 0.025, &spend_at, &none) {
                lowered += 1;
            }
            for (p, key) in [(p0, "h0"), (p1, "h1")] {
                let (crossed, futile) = crossing(&n, &r, &floor, p);
                for (got, want) in crossed.iter().zip(nums(&d[&format!("crossing_{key}")])) {
                    assert!((got - want).abs() < 1e-12, "{n:?} crossing {key}: {got} against {want}");
                }
                for (got, want) in futile.iter().zip(nums(&d[&format!("futility_{key}")])) {
                    assert!((got - want).abs() < 1e-12, "{n:?} futility {key}: {got} against {want}");
                }
            }
            let alpha: f64 = crossing(&n, &r, &floor, p0).0.iter().sum();
            assert!(alpha <= 0.025, "{n:?}: exact type I error {alpha}");
        }
        assert!(lowered >= 1, "a binding rule lowers some boundary");
    }
}
