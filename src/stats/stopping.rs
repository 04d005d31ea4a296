//! Inference when a group-sequential test stops: the p-value by stage-wise ordering, the
//! median-unbiased estimate and its confidence interval, and repeated confidence intervals
//! (Jennison & Turnbull 2000, §§8.4 and 9.1; Wassmer & Brannath 2016, §4.1; rpact's
//! `getFinalPValue`, `getFinalConfidenceInterval` and `getRepeatedConfidenceIntervals`).
//!
//! Everything is on the drift scale: the z statistic at look k has mean θ√I_k, I_k the
//! information there (for a log-rank statistic, events × r/(1 + r)², so θ = −ln(HR/θ0)).
//! The stage-wise ordering ranks a trial that stops at an earlier look for efficacy above any
//! that goes on, and at the same look a larger z above a smaller; the p-value is the null
//! probability of an outcome at least as extreme as the one observed, and the estimate and the
//! interval's limits are the drifts at which that probability is ½, α/2 and 1 − α/2.

use super::normal;

/// The looks of a trial up to the one where it stopped.
#[derive(Debug, Clone, Copy)]
pub struct Stopped<'a> {
    /// The z statistic at each look up to the stopping look (the last).
    pub z: &'a [f64],
    /// The information at each of those looks (increasing).
    pub info: &'a [f64],
    /// The efficacy boundary at each look before the last (+∞ where a look has no test).
    pub efficacy: &'a [f64],
    /// A binding futility rule's bounds at the looks before the last (the continuation region
    /// is then [futility, efficacy)); None for no rule or a non-binding one, whose bounds the
    /// ordering does not count (rpact's convention).
    pub futility: Option<&'a [f64]>,
}

/// What a DMC reports when a group-sequential trial stops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inference {
    /// The one-sided p-value by stage-wise ordering.
    pub p: f64,
    /// The median-unbiased estimate of the drift θ.
    pub median_unbiased: f64,
    /// The limits of the two-sided interval of confidence 1 − 2α′ (α′ the one-sided level
    /// each side gets).
    pub lower: f64,
    pub upper: f64,
}

/// P_θ(an outcome at least as extreme as stopping at the last look of `s` with its z) under
/// the stage-wise ordering: the probability of crossing an earlier look's efficacy boundary,
/// plus that of reaching the last look with a z at least the one observed.
pub fn ordering_probability(s: &Stopped, theta: f64) -> f64 {
    ordering_with(s, &levels_for(s), theta).0.clamp(0.0, 1.0)
}

/// Half-width, in standard deviations, of the window a normal density is integrated over
/// (its mass beyond is below 1e-15).
const WINDOW: f64 = 7.5;

/// Width of the panels of the composite Gauss–Legendre rule (narrower where the next look
/// adds little information: [`levels`]).
const PANEL: f64 = 1.5;

/// A panel is at most this many times as wide as the steepest normal distribution function in
/// its level's integrand (2: within 1e-9 of dense integration for looks 0.25% of the
/// information apart; unit tests).
const STEEP: f64 = 2.0;

/// The 6-point Gauss–Legendre rule on [−1, 1] (nodes ±, weights).
const GL: [(f64, f64); 3] = [
    (0.238_619_186_083_196_9, 0.467_913_934_572_691_05),
    (0.661_209_386_466_264_5, 0.360_761_573_048_138_6),
    (0.932_469_514_203_152, 0.171_324_492_379_170_35),
];

/// The continuation region (lower, upper) of look j (0-based) before the last.
fn region(s: &Stopped, j: usize) -> (f64, f64) {
    (s.futility.map_or(f64::NEG_INFINITY, |f| f[j]), s.efficacy[j])
}

/// The quadrature of one look's continuation region: the nodes of the composite 6-point
/// Gauss–Legendre rule on panels [`PANEL`] wide (in increasing order), each node's weight times
/// the Brownian bridge there — P_0(the trial continued through every earlier look | Z = x),
/// which does not depend on the drift.
struct Level {
    x: Vec<f64>,
    wb: Vec<f64>,
}

/// The quadrature of the continuation regions of every look before the last of `s`, over
/// z ≥ `floor[j]` (below which no drift of interest puts mass).
fn levels(s: &Stopped, floor: &[f64]) -> Vec<Level> {
    let k = s.z.len();
    let mut out: Vec<Level> = Vec::with_capacity(k.saturating_sub(1));
    for j in 0..k - 1 {
        let (a, c) = region(s, j);
        // An infinite boundary (no test) leaves the region open above: 40 beyond the floor is
        // beyond any drift of interest (z above 20).
        let (lo, hi) = (a.max(floor[j]), c.min(floor[j] + 40.0));
        // The next look's crossing probability rises over about √(Δ/I) in z here, the next
        // level's bridge kernel is as wide, and so is this level's own bridge for the gap
        // before it: panels no wider than [`STEEP`] times that, or close looks are misread.
        let gap = |a: usize, b: usize| ((s.info[b] - s.info[a]) / s.info[b]).sqrt();
        let before = if j > 0 { gap(j - 1, j) } else { f64::INFINITY };
        let panel = PANEL.min(STEEP * gap(j, j + 1)).min(STEEP * before);
        let (mut x, mut w) = (Vec::new(), Vec::new());
        if hi > lo {
            let panels = ((hi - lo) / panel).ceil();
            let h = (hi - lo) / panels;
            for p in 0..panels as usize {
                let mid = lo + (p as f64 + 0.5) * h;
                for &(node, weight) in GL.iter().rev() {
                    x.push(mid - 0.5 * h * node);
                    w.push(0.5 * h * weight);
                }
                for &(node, weight) in &GL {
                    x.push(mid + 0.5 * h * node);
                    w.push(0.5 * h * weight);
                }
            }
        }
        let wb = if j == 0 {
            w
        } else if j == 1 {
            // P(Z_1 in its region | Z_2 = x) = Φ((c − ρx)/σ) − Φ((a − ρx)/σ).
            let rho = (s.info[0] / s.info[1]).sqrt();
            let sd = (1.0 - rho * rho).sqrt();
            let (a0, c0) = region(s, 0);
            x.iter()
                .zip(&w)
                .map(|(&xi, &wi)| {
                    let upper = if c0.is_finite() { normal::cdf((c0 - rho * xi) / sd) } else { 1.0 };
                    let lower = if a0.is_finite() { normal::cdf((a0 - rho * xi) / sd) } else { 0.0 };
                    wi * (upper - lower)
                })
                .collect()
        } else {
            let rho = (s.info[j - 1] / s.info[j]).sqrt();
            let sd = (1.0 - rho * rho).sqrt();
            let prev = &out[j - 1];
            x.iter()
                .zip(&w)
                .map(|(&xi, &wi)| {
                    let centre = xi * rho;
                    let (from, to) = window(&prev.x, centre - WINDOW * sd, centre + WINDOW * sd);
                    let bridge: f64 =
                        (from..to).map(|i| prev.wb[i] * normal::pdf((prev.x[i] - centre) / sd)).sum::<f64>() / sd;
                    wi * bridge
                })
                .collect()
        };
        out.push(Level { x, wb });
    }
    out
}

/// The index range of the sorted `x` within [lo, hi].
fn window(x: &[f64], lo: f64, hi: f64) -> (usize, usize) {
    (x.partition_point(|&v| v < lo), x.partition_point(|&v| v <= hi))
}

/// The stage-wise ordering probability of `s` at drift θ and its derivative in θ, with the
/// quadrature `levels`. Look j ≥ 1 contributes ∫ over the continuation region of look j − 1
/// of φ(x − θ√I_{j−1}) × bridge × P(Z_j ≥ b_j | Z_{j−1} = x), the increment S_j − S_{j−1}
/// being N(θΔ_j, Δ_j) (S = Z√I).
fn ordering_with(s: &Stopped, levels: &[Level], theta: f64) -> (f64, f64) {
    let k = s.z.len();
    let bound = |j: usize| if j + 1 < k { s.efficacy[j] } else { s.z[k - 1] };
    let (mut f, mut d) = (0.0, 0.0);
    let i0 = s.info[0].sqrt();
    if bound(0).is_finite() {
        let x = theta * i0 - bound(0);
        f += normal::cdf(x);
        d += i0 * normal::pdf(x);
    }
    for j in 1..k {
        let b = bound(j);
        if !b.is_finite() {
            continue;
        }
        let (prev, now) = (s.info[j - 1], s.info[j]);
        let (rp, rn, sd) = (prev.sqrt(), now.sqrt(), (now - prev).sqrt());
        let m = theta * rp;
        // Below this x, P(Z_j ≥ b | x) is under Φ(−WINDOW).
        let reach = (b * rn - theta * sd * sd - WINDOW * sd) / rp;
        let level = &levels[j - 1];
        let (from, to) = window(&level.x, (m - WINDOW).max(reach), m + WINDOW);
        for i in from..to {
            let x = level.x[i];
            let g = level.wb[i] * normal::pdf(x - m);
            let u = (x * rp + theta * sd * sd - b * rn) / sd;
            let cdf = normal::cdf(u);
            f += g * cdf;
            d += g * ((x - m) * rp * cdf + normal::pdf(u) * sd);
        }
    }
    (f, d)
}

/// The quadrature for drifts within 12 standard errors of the naive estimate at the last look.
fn levels_for(s: &Stopped) -> Vec<Level> {
    let k = s.z.len();
    let root_i = s.info[k - 1].sqrt();
    let lowest = s.z[k - 1] / root_i - 12.0 / root_i;
    let floor: Vec<f64> = (0..k.saturating_sub(1)).map(|j| lowest.min(0.0) * s.info[j].sqrt() - WINDOW - 1.0).collect();
    levels(s, &floor)
}

/// The p-value, median-unbiased estimate and (1 − 2α)-confidence interval of the drift after
/// a trial stopped at the last look of `s` (α one-sided each side: 0.025 gives a 95% interval,
/// as rpact's `getFinalConfidenceInterval` with the design's α). At the first look these are
/// the fixed-sample values: 1 − Φ(z), z/√I and (z ∓ z_{1−α})/√I.
pub fn infer(s: &Stopped, alpha: f64) -> Inference {
    let k = s.z.len();
    let root_i = s.info[k - 1].sqrt();
    let naive = s.z[k - 1] / root_i;
    let q = normal::quantile(1.0 - alpha);
    if k == 1 {
        return Inference {
            p: normal::upper_tail(s.z[0]),
            median_unbiased: naive,
            lower: (s.z[0] - q) / root_i,
            upper: (s.z[0] + q) / root_i,
        };
    }
    let levels = levels_for(s);
    let median_unbiased = solve(s, &levels, 0.5, naive);
    Inference {
        p: ordering_with(s, &levels, 0.0).0.clamp(0.0, 1.0),
        median_unbiased,
        lower: solve(s, &levels, alpha, median_unbiased - q / root_i),
        upper: solve(s, &levels, 1.0 - alpha, median_unbiased + q / root_i),
    }
}

/// The inference after a trial stopped at look `stop` (0-based), from its z statistics,
/// information, efficacy boundaries and lower stopping bounds (a binding futility rule's or a
/// harm bound; −∞ where none) at its looks: only the looks with new information count (as the
/// boundaries' spending, [`super::spending::information`]). None when no look up to the stop has
/// information.
pub fn after(z: &[f64], info: &[f64], efficacy: &[f64], floor: &[f64], stop: usize, alpha: f64) -> Option<Inference> {
    let (keep, _, _) = super::spending::information(&info[..=stop], 1.0);
    let k = keep.len();
    if k == 0 {
        return None;
    }
    let pick = |v: &[f64]| -> Vec<f64> { keep.iter().map(|&j| v[j]).collect() };
    let (z, info, efficacy, floor) = (pick(z), pick(info), pick(efficacy), pick(floor));
    let any_floor = floor[..k - 1].iter().any(|f| f.is_finite());
    let s =
        Stopped { z: &z, info: &info, efficacy: &efficacy[..k - 1], futility: any_floor.then_some(&floor[..k - 1]) };
    Some(infer(&s, alpha))
}

/// One trial's group-sequential analysis from the z statistics and information at its looks
/// (the DMC's): the efficacy boundaries of `spending` at one-sided level `alpha`, each look
/// spending at its information over `planned` and the last all that is left (Lan & DeMets, as
/// the engine's [`super::spending::boundaries_spending_at`]; looks without new information get
/// no test), the look where the trial stops (the first whose z reaches its boundary, else the
/// last), the inference there, and the repeated intervals at every look up to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Monitored {
    pub boundaries: Vec<f64>,
    pub stop: usize,
    pub rejected: bool,
    pub inference: Option<Inference>,
    pub repeated: Vec<(f64, f64)>,
}

/// `is_final`: the last look is the final analysis (it spends what is left); otherwise it is
/// an interim and spends at its information over `planned` as the others.
pub fn monitor(
    z: &[f64],
    info: &[f64],
    planned: f64,
    spending: super::spending::Spending,
    alpha: f64,
    is_final: bool,
) -> Monitored {
    let n = z.len();
    let (keep, t, mut spend) = super::spending::information(info, planned);
    if let (false, Some(&k), Some(last)) = (is_final, keep.last(), spend.last_mut()) {
        *last = (info[k] / planned).min(1.0);
    }
    let mut boundaries = vec![f64::INFINITY; n];
    if !keep.is_empty() {
        let c = super::spending::boundaries_spending_at(spending, alpha, &t, &spend, super::spending::R);
        for (j, &k) in keep.iter().enumerate() {
            boundaries[k] = c[j];
        }
    }
    let crossed = (0..n).find(|&k| z[k] >= boundaries[k]);
    let stop = crossed.unwrap_or(n - 1);
    let floor = vec![f64::NEG_INFINITY; n];
    Monitored {
        stop,
        rejected: crossed.is_some(),
        inference: after(z, info, &boundaries, &floor, stop, alpha),
        repeated: (0..=stop).map(|k| repeated_interval(z[k], info[k], boundaries[k])).collect(),
        boundaries,
    }
}

/// The repeated confidence interval of the drift at a look with z statistic `z`, information
/// `info` and efficacy boundary `c` (one-sided α): (z ∓ c)/√I, which holds θ at every look at
/// once with probability at least 1 − 2α (Jennison & Turnbull 2000, §9.1). (−∞, ∞) where the
/// look has no boundary.
pub fn repeated_interval(z: f64, info: f64, c: f64) -> (f64, f64) {
    if !c.is_finite() || info <= 0.0 {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    ((z - c) / info.sqrt(), (z + c) / info.sqrt())
}

/// The drift at which the stage-wise ordering probability of `s` (increasing in θ) equals
/// `target`: Newton's method from `guess`, kept inside the bracket the iterates have found
/// (bisection when a step leaves it), to 1e-11 in θ.
fn solve(s: &Stopped, levels: &[Level], target: f64, guess: f64) -> f64 {
    let step = 1.0 / s.info[s.z.len() - 1].sqrt();
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut x = guess;
    for _ in 0..200 {
        let (f, d) = ordering_with(s, levels, x);
        let g = f - target;
        if g == 0.0 {
            return x;
        }
        if g < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let newton = x - g / d;
        let next = if d > 0.0 && newton > lo && newton < hi {
            newton
        } else if lo.is_finite() && hi.is_finite() {
            0.5 * (lo + hi)
        } else if g < 0.0 {
            x + step
        } else {
            x - step
        };
        if (next - x).abs() < 1e-11 * x.abs().max(1.0) || hi - lo < 1e-11 * x.abs().max(1.0) {
            return next;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::spending::{self, Spending};

    /// At the first look everything is the fixed-sample analysis.
    #[test]
    fn a_stop_at_the_first_look_is_the_fixed_sample_analysis() {
        let s = Stopped { z: &[3.2], info: &[25.0], efficacy: &[], futility: None };
        let r = infer(&s, 0.025);
        assert!((r.p - normal::upper_tail(3.2)).abs() < 1e-15);
        assert!((r.median_unbiased - 0.64).abs() < 1e-15);
        assert!((r.lower - (3.2 - 1.959963984540054) / 5.0).abs() < 1e-9);
    }

    /// A trial that reaches the final look exactly on its boundary has the design's α as its
    /// p-value; one stopping on an interim boundary has the α spent up to that look.
    #[test]
    fn the_p_value_on_a_boundary_is_the_alpha_spent() {
        let t = [1.0 / 3.0, 2.0 / 3.0, 1.0];
        let c = spending::boundaries(Spending::OBrienFleming, 0.025, &t);
        let info = [100.0 / 4.0, 200.0 / 4.0, 300.0 / 4.0];
        let s = Stopped { z: &[0.5, 1.0, c[2]], info: &info, efficacy: &c[..2], futility: None };
        assert!((infer(&s, 0.025).p - 0.025).abs() < 1e-7);
        let s2 = Stopped { z: &[0.5, c[1]], info: &info[..2], efficacy: &c[..1], futility: None };
        let spent = spending::spent(Spending::OBrienFleming, 0.025, 2.0 / 3.0);
        assert!((infer(&s2, 0.025).p - spent).abs() < 1e-7);
    }

    /// The median-unbiased estimate after an interim stop is pulled from the naive estimate
    /// toward the null (the naive one overstates an effect that stopped a trial early), and the
    /// interval holds it.
    #[test]
    fn an_early_stop_shrinks_the_estimate() {
        let t = [1.0 / 3.0, 2.0 / 3.0, 1.0];
        let c = spending::boundaries(Spending::OBrienFleming, 0.025, &t);
        let info = [25.0, 50.0];
        let z = [1.5, c[1] + 0.3];
        let s = Stopped { z: &z, info: &info, efficacy: &c[..1], futility: None };
        let r = infer(&s, 0.025);
        let naive = z[1] / 50f64.sqrt();
        assert!(r.median_unbiased < naive && r.median_unbiased > 0.0, "{r:?} against {naive}");
        assert!(r.lower < r.median_unbiased && r.median_unbiased < r.upper);
        assert!((ordering_probability(&s, r.median_unbiased) - 0.5).abs() < 1e-10);
    }
}

#[cfg(test)]
mod against_the_grid {
    use super::*;
    use crate::stats::spending::{self, Spending, rejection_probability_at};

    /// The ordering probability by Gauss–Legendre over the Brownian bridge agrees with the
    /// Jennison–Turnbull grid recursion of the boundaries (resolution 32) at drifts across the
    /// range, for 2–4 looks, with and without a binding futility rule.
    #[test]
    fn the_ordering_probability_agrees_with_the_grid_recursion() {
        let designs: [&[f64]; 6] = [
            &[0.5, 1.0],
            &[0.3, 0.6, 1.0],
            &[0.25, 0.5, 0.75, 1.0],
            // Looks close in information (a calendar cut a few events after the last interim).
            &[0.95, 1.0],
            &[0.5, 0.51, 1.0],
            &[0.25, 0.5, 0.505, 1.0],
        ];
        let mut worst = 0.0f64;
        for t in designs {
            let c = spending::boundaries(Spending::OBrienFleming, 0.025, t);
            let info: Vec<f64> = t.iter().map(|x| x * 80.0).collect();
            for binding in [false, true] {
                let fut = vec![0.1; t.len()];
                for k in 1..=t.len() {
                    for z_last in [-1.0, 1.2, 2.4, 3.3] {
                        let mut z: Vec<f64> = (0..k - 1).map(|j| c[j] - 0.5).collect();
                        z.push(z_last);
                        let s = Stopped {
                            z: &z,
                            info: &info[..k],
                            efficacy: &c[..k - 1],
                            futility: binding.then_some(&fut[..k - 1]),
                        };
                        for theta in [-0.3, 0.0, 0.1, 0.25, 0.5, 0.8] {
                            let tk: Vec<f64> = info[..k].iter().map(|i| i / info[k - 1]).collect();
                            let mut b = c[..k - 1].to_vec();
                            b.push(z_last);
                            let mut f = fut[..k].to_vec();
                            f[k - 1] = f64::NEG_INFINITY;
                            let floor = binding.then_some(&f[..]);
                            let grid = if k == 1 {
                                normal::cdf(theta * info[0].sqrt() - z_last)
                            } else {
                                rejection_probability_at(96, &b, &tk, theta * info[k - 1].sqrt(), floor)
                            };
                            let fast = ordering_probability(&s, theta);
                            worst = worst.max((fast - grid).abs());
                            assert!(
                                (fast - grid).abs() < 2e-7,
                                "{t:?} {binding} k {k} z {z_last} θ {theta}: {fast} {grid}"
                            );
                        }
                    }
                }
            }
        }
        eprintln!("largest difference {worst:.1e}");
    }

    /// Two looks however close in information (a calendar cut a few events after the interim):
    /// against dense Simpson integration of φ(x − θ√I₁)·Φ((x√I₁ + θΔ − z√I₂)/√Δ) over the
    /// continuation region, 400,000 panels.
    #[test]
    fn close_looks_agree_with_dense_integration() {
        let mut worst = 0.0f64;
        for (i1, i2) in [(50.0, 100.0), (90.0, 100.0), (300.0, 305.0), (199.0, 200.0), (299.5, 300.0)] {
            let c1 = 2.797;
            for z2 in [1.0, 2.0, 2.5] {
                let s = Stopped { z: &[1.0, z2], info: &[i1, i2], efficacy: &[c1], futility: None };
                for theta in [-0.1, 0.0, 0.1, 0.2, 0.3] {
                    let m = theta * f64::sqrt(i1);
                    let (lo, hi) = (m - 12.0, c1);
                    let n = 400_000;
                    let h = (hi - lo) / n as f64;
                    let d = i2 - i1;
                    let f = |x: f64| {
                        normal::pdf(x - m) * normal::cdf((x * i1.sqrt() + theta * d - z2 * i2.sqrt()) / d.sqrt())
                    };
                    let mut sum = f(lo) + f(hi);
                    for k in 1..n {
                        sum += f(lo + k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
                    }
                    let want = normal::cdf(m - c1) + sum * h / 3.0;
                    let got = ordering_probability(&s, theta);
                    worst = worst.max((got - want).abs());
                    assert!((got - want).abs() < 1e-9, "{i1} {i2} z {z2} θ {theta}: {got} against {want}");
                }
            }
        }
        eprintln!("largest difference {worst:.1e}");
    }

    /// The cost of one trial's inference (run by hand: `cargo test --profile ci --lib cost -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn cost() {
        let t = [0.25, 0.5, 0.75, 1.0];
        let c = spending::boundaries(Spending::OBrienFleming, 0.025, &t);
        let info = [25.0, 50.0, 75.0, 100.0];
        for k in 2..=4 {
            let n = 2000;
            let t0 = std::time::Instant::now();
            let mut x = 0.0;
            for i in 0..n {
                let mut z: Vec<f64> = (0..k - 1).map(|j| c[j] - 0.7).collect();
                z.push(1.9 + i as f64 * 1e-4);
                let s = Stopped { z: &z, info: &info[..k], efficacy: &c[..k - 1], futility: None };
                x += infer(&s, 0.025).median_unbiased;
            }
            eprintln!("stop at look {k}: {:.1} µs ({x:.3})", t0.elapsed().as_secs_f64() / n as f64 * 1e6);
        }
    }
}
