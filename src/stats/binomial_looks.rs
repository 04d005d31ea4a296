//! Group-sequential boundaries of a single arm's response rate on the exact binomial: at look k
//! with n_k patients assessed the trial rejects when its responders x_k ≥ r_k, r_k the smallest
//! count whose cumulative crossing probability under the null rate p0 — paths that crossed no
//! earlier boundary and reach r_k here — is at most the alpha the spending function has spent by
//! then (Lan & DeMets on the patients' fraction; all of it at the final look). The distribution
//! of the responders on the continuing paths is carried from look to look and convolved with
//! Binomial(n_k − n_{k−1}, p). Discreteness leaves part of alpha unspent: the exact type I error
//! is [`crossing`]'s sum under p0, at most alpha. (The normal approximation rpact uses for one
//! rate does not hold the level at these sizes: 0.033 at α = 0.025 with 20/40/60 patients.)

use super::binary::binom_pmf;
use super::spending::{Spending, spent};

/// Continuing paths' responder distribution after look k, the next look's convolved.
fn convolve(f: &[f64], m: u32, p: f64) -> Vec<f64> {
    let add: Vec<f64> = (0..=m).map(|j| binom_pmf(j as u64, m as u64, p)).collect();
    let mut g = vec![0.0; f.len() + m as usize];
    for (i, &fi) in f.iter().enumerate().filter(|(_, fi)| **fi > 0.0) {
        for (j, &a) in add.iter().enumerate() {
            g[i + j] += fi * a;
        }
    }
    g
}

/// The responders needed to reject at each look with `n` patients assessed (increasing), null
/// rate `p0`, one-sided `alpha` spent by `spending` at `spend_at[k]` (the patients' fraction of
/// the planned; 1 at the final look): n_k + 1 where no count can reject.
pub fn boundaries(n: &[u32], p0: f64, spending: Spending, alpha: f64, spend_at: &[f64]) -> Vec<u32> {
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
        prev = nk;
    }
    r
}

/// The probability of crossing each look's boundary `r` first, at response rate `p`.
pub fn crossing(n: &[u32], r: &[u32], p: f64) -> Vec<f64> {
    let (mut f, mut prev) = (vec![1.0], 0u32);
    n.iter()
        .zip(r)
        .map(|(&nk, &rk)| {
            let g = convolve(&f, nk - prev, p);
            let crossed = g.iter().skip(rk as usize).sum();
            f = g;
            f.truncate(rk as usize);
            prev = nk;
            crossed
        })
        .collect()
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
            let r = boundaries(&n, p0, spending, 0.025, &spend_at);
            let want: Vec<u32> = nums(&d["responders_to_reject"]).iter().map(|&x| x as u32).collect();
            assert_eq!(r, want, "{n:?}");
            for (p, key) in [(p0, "crossing_h0"), (p1, "crossing_h1")] {
                for (got, want) in crossing(&n, &r, p).iter().zip(nums(&d[key])) {
                    assert!((got - want).abs() < 1e-12, "{n:?} {key}: {got} against {want}");
                }
            }
            let alpha: f64 = crossing(&n, &r, p0).iter().sum();
            assert!(alpha <= 0.025, "{n:?}: exact type I error {alpha}");
        }
    }
}
