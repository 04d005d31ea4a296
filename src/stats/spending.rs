//! Group-sequential efficacy boundaries from Lan–DeMets alpha spending (Lan & DeMets 1983),
//! computed by numerical integration over the canonical joint distribution of the sequential
//! z statistics (Jennison & Turnbull 2000, ch. 19: the recursive density on a grid of 6r − 1
//! points per stage with Simpson's rule). One-sided, efficacy only; futility is non-binding
//! and does not change these boundaries.
//!
//! Spending functions, for one-sided level α and information fraction t ∈ (0, 1]:
//! O'Brien–Fleming type 2 − 2Φ(Φ⁻¹(1 − α/2)/√t); Pocock type α ln(1 + (e − 1)t);
//! Hwang–Shih–DeCani(γ) α(1 − e^{−γt})/(1 − e^{−γ}) (αt when γ = 0).

use crate::stats::normal;

/// A Lan–DeMets spending function: its name in the scenario language is `NAMES`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spending {
    OBrienFleming,
    Pocock,
    HwangShihDeCani(f64),
}

impl Spending {
    /// The scenario language's names, read by validation, `show` and the reports: the first two
    /// are written as strings, the family as `{ hwang_shih_decani = GAMMA }`.
    pub const NAMES: [&'static str; 3] = ["obrien_fleming", "pocock", "hwang_shih_decani"];

    /// The spending function of a name written as a string.
    pub fn named(name: &str) -> Option<Spending> {
        [Spending::OBrienFleming, Spending::Pocock, Spending::HwangShihDeCani(0.0)]
            .into_iter()
            .find(|sp| sp.key() == name)
            .filter(|sp| match sp {
                Spending::OBrienFleming | Spending::Pocock => true,
                // A family: written as a table with its parameter.
                Spending::HwangShihDeCani(_) => false,
            })
    }

    pub fn key(&self) -> &'static str {
        match self {
            Spending::OBrienFleming => Self::NAMES[0],
            Spending::Pocock => Self::NAMES[1],
            Spending::HwangShihDeCani(_) => Self::NAMES[2],
        }
    }

    /// The name the scenario language gives it (with γ for Hwang–Shih–DeCani), for reports.
    pub fn name(&self) -> String {
        match self {
            Spending::HwangShihDeCani(g) => format!("{}({g})", self.key()),
            Spending::OBrienFleming | Spending::Pocock => self.key().into(),
        }
    }

    /// What the language accepts, in words, for errors.
    pub fn expected() -> String {
        format!("\"{}\", \"{}\" or {{ {} = GAMMA }}", Self::NAMES[0], Self::NAMES[1], Self::NAMES[2])
    }
}

/// Cumulative alpha spent by information fraction t.
pub fn spent(spending: Spending, alpha: f64, t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    if t == 0.0 {
        return 0.0;
    }
    match spending {
        Spending::OBrienFleming => 2.0 * normal::upper_tail(normal::quantile(1.0 - alpha / 2.0) / t.sqrt()),
        Spending::Pocock => alpha * (1.0 + (std::f64::consts::E - 1.0) * t).ln(),
        Spending::HwangShihDeCani(0.0) => alpha * t,
        Spending::HwangShihDeCani(g) => alpha * (-(-g * t).exp_m1()) / (-(-g).exp_m1()),
    }
}

/// Looks at which the information grows over every later look's (those without new
/// information get no test), the information fractions there (over the last look's, which
/// give the correlation), and the fractions at which each spends alpha: its information over
/// the planned information, the look with the final information all that is left.
pub fn information(info: &[f64], planned: f64) -> (Vec<usize>, Vec<f64>, Vec<f64>) {
    let last = info.last().copied().unwrap_or(0.0);
    let mut keep = Vec::new();
    let mut next = f64::INFINITY;
    for (k, &d) in info.iter().enumerate().rev() {
        if d > 0.0 && d < next {
            keep.push(k);
            next = d;
        }
    }
    keep.reverse();
    let t = keep.iter().map(|&k| info[k] / last).collect();
    let spend = keep.iter().map(|&k| if info[k] >= last { 1.0 } else { (info[k] / planned).min(1.0) }).collect();
    (keep, t, spend)
}

/// Grid resolution parameter r of Jennison & Turnbull (points per stage: 12r − 3 with
/// Simpson midpoints). r = 32 gives boundaries accurate to well under 1e-6 on the z scale.
pub const R: usize = 32;

/// Grid points and Simpson weights on (lo, hi) for a standard normal centred at `mean`.
fn grid(res: usize, mean: f64, lo: f64, hi: f64, z: &mut Vec<f64>, w: &mut Vec<f64>) {
    let r = res as f64;
    let mut x: Vec<f64> = Vec::with_capacity(6 * res);
    for i in 1..6 * res {
        let fi = i as f64;
        let xi = if i < res {
            mean - 3.0 - 4.0 * (r / fi).ln()
        } else if i <= 5 * res {
            mean - 3.0 + 3.0 * (fi - r) / (2.0 * r)
        } else {
            mean + 3.0 + 4.0 * (r / (6.0 * r - fi)).ln()
        };
        x.push(xi);
    }
    let mut pts: Vec<f64> = Vec::with_capacity(x.len() + 2);
    let lo = lo.max(x[0]);
    let hi = hi.min(*x.last().expect("grid"));
    pts.push(lo);
    pts.extend(x.into_iter().filter(|&v| v > lo && v < hi));
    pts.push(hi);
    z.clear();
    w.clear();
    if hi <= lo {
        return;
    }
    for k in 0..pts.len() - 1 {
        let (a, b) = (pts[k], pts[k + 1]);
        let d = b - a;
        if k == 0 {
            z.push(a);
            w.push(d / 6.0);
        } else {
            *w.last_mut().expect("grid") += d / 6.0;
        }
        z.push((a + b) / 2.0);
        w.push(4.0 * d / 6.0);
        z.push(b);
        w.push(d / 6.0);
    }
}

/// Efficacy boundaries (z scale) at information fractions `t` (increasing, last = 1) for the
/// given spending function and one-sided level.
pub fn boundaries(spending: Spending, alpha: f64, t: &[f64]) -> Vec<f64> {
    boundaries_at_resolution(spending, alpha, t, R)
}

/// [`boundaries`] on a grid of resolution `res` (Jennison & Turnbull's r): the cost of a look
/// grows as r²; r = 16 agrees with r = 32 to 1e-5 on the z scale (2e-6 for looks at 0.93 and 0.97; unit test), and is what
/// the engine uses for the boundaries it recomputes in every trial.
pub fn boundaries_at_resolution(spending: Spending, alpha: f64, t: &[f64], res: usize) -> Vec<f64> {
    boundaries_spending_at(spending, alpha, t, t, res)
}

/// Efficacy boundaries when the alpha spent by each look is not read at the information
/// fraction that gives the correlation: look k spends α(`spend_at[k]`) cumulatively, and the z
/// statistics have the correlation √(t_j/t_k) of the information `t` actually observed (the
/// last 1). This is how a trial spends alpha when its looks come at information it did not
/// plan exactly (Lan & DeMets 1983): an interim spends at its observed information over the
/// planned maximum (`spend_at[k]` < 1), the final look spends what is left (`spend_at` = 1),
/// whatever information it ends with.
pub fn boundaries_spending_at(spending: Spending, alpha: f64, t: &[f64], spend_at: &[f64], res: usize) -> Vec<f64> {
    boundaries_with_floor(spending, alpha, t, spend_at, None, res)
}

/// [`boundaries_spending_at`] with a binding futility rule: a trial whose z at look k is below
/// `floor[k]` stops there and never rejects, so the continuation region at look k is
/// [floor_k, c_k) and later looks may spend their alpha with lower boundaries (rpact's
/// `bindingFutility = TRUE`). The final look's floor is not used.
pub fn boundaries_with_floor(
    spending: Spending,
    alpha: f64,
    t: &[f64],
    spend_at: &[f64],
    floor: Option<&[f64]>,
    res: usize,
) -> Vec<f64> {
    debug_assert_eq!(t.len(), spend_at.len());
    let mut out = Vec::with_capacity(t.len());
    let mut prev: Option<Stage> = None;
    let (mut spent_before, mut t_prev) = (0.0, 0.0);
    for (k, (&tk, &sk)) in t.iter().zip(spend_at).enumerate() {
        let target = (spent(spending, alpha, sk) - spent_before).max(0.0);
        spent_before += target;
        let c = efficacy_at(prev.as_ref(), t_prev, tk, target);
        out.push(c);
        let lo = floor.map_or(f64::NEG_INFINITY, |f| f[k]);
        prev = Some(step(res, prev.as_ref(), t_prev, tk, 0.0, lo, c));
        t_prev = tk;
    }
    out
}

/// Efficacy boundaries and harm bounds of a design that also stops when the effect is
/// significantly unfavourable: at each look the harm bound −h_k spends `harm_alpha` by
/// `harm_spending` in the lower tail among the trials still running, as the efficacy boundary
/// c_k spends `alpha` in the upper one, and a trial continues only inside (−h_k, c_k) — both
/// bounds stop the trial, so each accounts for the other (the two-sided group-sequential
/// design; symmetric when the spending and levels agree, rpact's `sided = 2` with α = 2 ×
/// `alpha`). `t` and `spend_at` as [`boundaries_spending_at`]. Returns (c, −h), −h on the z
/// scale (−∞ where a look spends no harm alpha).
pub fn boundaries_with_harm(
    spending: Spending,
    alpha: f64,
    harm_spending: Spending,
    harm_alpha: f64,
    t: &[f64],
    spend_at: &[f64],
    res: usize,
) -> (Vec<f64>, Vec<f64>) {
    let (mut upper, mut lower) = (Vec::with_capacity(t.len()), Vec::with_capacity(t.len()));
    let mut prev: Option<Stage> = None;
    let (mut up_before, mut low_before, mut t_prev) = (0.0, 0.0, 0.0);
    for (&tk, &sk) in t.iter().zip(spend_at) {
        let up = (spent(spending, alpha, sk) - up_before).max(0.0);
        up_before += up;
        let low = (spent(harm_spending, harm_alpha, sk) - low_before).max(0.0);
        low_before += low;
        let c = efficacy_at(prev.as_ref(), t_prev, tk, up);
        // P(still running and Z_k ≤ b) rises with b: the bound that spends `low`.
        let h = if low <= 0.0 {
            f64::NEG_INFINITY
        } else if prev.is_none() {
            -normal::quantile(1.0 - low)
        } else {
            root(-20.0, 10.0, |b| below(prev.as_ref(), t_prev, tk, 0.0, b) <= low)
        };
        upper.push(c);
        lower.push(h);
        prev = Some(step(res, prev.as_ref(), t_prev, tk, 0.0, h, c));
        t_prev = tk;
    }
    (upper, lower)
}

/// The boundary at look k (information tk) that spends `target` under the null among the
/// trials still running (the previous stage's mass).
fn efficacy_at(prev: Option<&Stage>, t_prev: f64, tk: f64, target: f64) -> f64 {
    if target <= 0.0 {
        f64::INFINITY
    } else if prev.is_none() {
        normal::quantile(1.0 - target)
    } else {
        // P(still running and Z_k ≥ c) falls as c grows.
        let running = below(prev, t_prev, tk, 0.0, f64::INFINITY);
        root(-10.0, 20.0, |c| running - below(prev, t_prev, tk, 0.0, c) > target)
    }
}

/// P(a look's z crosses its efficacy boundary before any futility stop) under drift θ (the
/// mean of Z_k is θ√t_k): the power of a group-sequential design. `futility`, when given, is
/// treated as stopping the trial (a non-binding bound lowers the power that counts it so).
pub fn rejection_probability(efficacy: &[f64], t: &[f64], theta: f64, futility: Option<&[f64]>) -> f64 {
    rejection_probability_at(R, efficacy, t, theta, futility)
}

/// [`rejection_probability`] on a grid of resolution `res`.
pub(crate) fn rejection_probability_at(
    res: usize,
    efficacy: &[f64],
    t: &[f64],
    theta: f64,
    futility: Option<&[f64]>,
) -> f64 {
    let mut prev: Option<Stage> = None;
    let (mut t_prev, mut power) = (0.0, 0.0);
    for (k, &tk) in t.iter().enumerate() {
        let c = efficacy[k];
        let lo = futility.map_or(f64::NEG_INFINITY, |f| f[k]);
        let running = below(prev.as_ref(), t_prev, tk, theta, f64::INFINITY);
        if c.is_finite() {
            power += running - below(prev.as_ref(), t_prev, tk, theta, c);
        }
        if k + 1 < t.len() {
            prev = Some(step(res, prev.as_ref(), t_prev, tk, theta, lo, c));
            t_prev = tk;
        }
    }
    power
}

/// The treatment effect under which conditional power is computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// The trial's current estimate, θ̂ = z_k/√I_k (rpact's default `thetaH1`).
    Estimate,
    /// A drift per unit of information: −ln(HR) for a hazard ratio, the information of a
    /// log-rank statistic being events × r/(1 + r)² (r the allocation ratio).
    Drift(f64),
}

/// Conditional power at look `k` (Jennison & Turnbull 2000, §10.2; rpact's
/// `getConditionalPower` for a group-sequential design): the probability, given z_k at
/// information I_k, that a later look crosses its efficacy boundary (`bounds`, z scale, at the
/// absolute information `info` of each look), under `effect`. With S_j = z_j√I_j the increments
/// S_j − S_k are independent normals of mean θ(I_j − I_k) and variance I_j − I_k, so this is
/// the rejection probability of a design on the information still to come, with boundaries
/// (c_j√I_j − z_k√I_k)/√(I_j − I_k). Futility bounds are not counted (non-binding), as rpact.
/// Later looks without more information than look k have no test; with none left the
/// conditional power is 1 if z_k already crosses the last boundary, else 0.
pub fn conditional_power(z: f64, k: usize, bounds: &[f64], info: &[f64], effect: Effect) -> f64 {
    conditional_power_at(16, z, k, bounds, info, effect)
}

fn conditional_power_at(res: usize, z: f64, k: usize, bounds: &[f64], info: &[f64], effect: Effect) -> f64 {
    let ik = info[k];
    let theta = match effect {
        Effect::Estimate => z / ik.sqrt(),
        Effect::Drift(d) => d,
    };
    let sk = z * ik.sqrt();
    let mut c = Vec::with_capacity(bounds.len());
    let mut u = Vec::with_capacity(bounds.len());
    for j in k + 1..bounds.len() {
        let uj = info[j] - ik;
        if uj > 0.0 && u.last().is_none_or(|&l| uj > l) {
            c.push((bounds[j] * info[j].sqrt() - sk) / uj.sqrt());
            u.push(uj);
        }
    }
    let Some(&last) = u.last() else {
        return (z >= *bounds.last().unwrap_or(&f64::INFINITY)) as u8 as f64;
    };
    let t: Vec<f64> = u.iter().map(|&x| x / last).collect();
    rejection_probability_at(res, &c, &t, theta * last.sqrt(), None).clamp(0.0, 1.0)
}

/// Predictive probability of success at look `k` (Spiegelhalter, Freedman & Blackburn 1986):
/// the conditional power averaged over the drift's posterior under a flat prior given the data
/// so far, θ ~ N(z_k/√I_k, 1/I_k). With one later look the closed form
/// Φ((θ̂u + z_k√I_k − c_K√I_K)/√(u + u²/I_k)), u = I_K − I_k; with more, 32-point Gauss–Hermite
/// quadrature of [`conditional_power`] (within 1e-6 of the closed form where both apply; unit
/// test).
pub fn predictive_probability(z: f64, k: usize, bounds: &[f64], info: &[f64]) -> f64 {
    let later: Vec<usize> = (k + 1..bounds.len()).filter(|&j| info[j] > info[k]).collect();
    if let [j] = later[..] {
        let (ik, u) = (info[k], info[j] - info[k]);
        let mean = z / ik.sqrt() * u + z * ik.sqrt() - bounds[j] * info[j].sqrt();
        return normal::cdf(mean / (u + u * u / ik).sqrt());
    }
    predictive_by_quadrature(z, k, bounds, info)
}

fn predictive_by_quadrature(z: f64, k: usize, bounds: &[f64], info: &[f64]) -> f64 {
    let (nodes, weights) = gauss_hermite();
    let (mean, sd) = (z / info[k].sqrt(), 1.0 / info[k].sqrt());
    let mut total = 0.0;
    for (&x, &w) in nodes.iter().zip(weights) {
        total += w * conditional_power(z, k, bounds, info, Effect::Drift(mean + std::f64::consts::SQRT_2 * sd * x));
    }
    (total / std::f64::consts::PI.sqrt()).clamp(0.0, 1.0)
}

/// Nodes of Gauss–Hermite quadrature.
const HERMITE: usize = 32;

/// The nodes and weights of Gauss–Hermite quadrature (weight e^{−x²}), by Newton's method on
/// the normalised Hermite recurrence (Numerical Recipes' `gauher`), computed once.
fn gauss_hermite() -> &'static ([f64; HERMITE], [f64; HERMITE]) {
    static RULE: std::sync::OnceLock<([f64; HERMITE], [f64; HERMITE])> = std::sync::OnceLock::new();
    RULE.get_or_init(|| {
        const N: usize = HERMITE;
        let (mut x, mut w) = ([0.0; N], [0.0; N]);
        let pim4 = std::f64::consts::PI.powf(-0.25);
        let mut z = 0.0f64;
        for i in 0..N.div_ceil(2) {
            z = match i {
                0 => (2.0 * N as f64 + 1.0).sqrt() - 1.85575 * (2.0 * N as f64 + 1.0).powf(-0.16667),
                1 => z - 1.14 * (N as f64).powf(0.426) / z,
                2 => 1.86 * z - 0.86 * x[0],
                3 => 1.91 * z - 0.91 * x[1],
                _ => 2.0 * z - x[i - 2],
            };
            let mut pp = 0.0;
            for _ in 0..100 {
                let (mut p1, mut p2) = (pim4, 0.0);
                for j in 0..N {
                    let p3 = p2;
                    p2 = p1;
                    p1 = z * (2.0 / (j as f64 + 1.0)).sqrt() * p2 - (j as f64 / (j as f64 + 1.0)).sqrt() * p3;
                }
                pp = (2.0 * N as f64).sqrt() * p2;
                let z1 = z;
                z = z1 - p1 / pp;
                if (z - z1).abs() < 1e-15 {
                    break;
                }
            }
            x[i] = z;
            x[N - 1 - i] = -z;
            w[i] = 2.0 / (pp * pp);
            w[N - 1 - i] = w[i];
        }
        (x, w)
    })
}

/// The futility bound on the z scale at look `k` of a rule "stop when the conditional power is
/// below γ": conditional power rises with z_k (under a fixed effect and under the estimate), so
/// the rule is z_k < this bound. −∞ when even z_k = −20 gives γ, +∞ when z_k = 20 does not.
pub fn conditional_power_bound(gamma: f64, k: usize, bounds: &[f64], info: &[f64], effect: Effect) -> f64 {
    let cp = |z: f64| conditional_power_at(16, z, k, bounds, info, effect);
    if cp(-20.0) >= gamma {
        return f64::NEG_INFINITY;
    }
    if cp(20.0) < gamma {
        return f64::INFINITY;
    }
    root(-20.0, 20.0, |z| cp(z) < gamma)
}

/// The drift θ at which the design's efficacy boundaries (and futility bounds, if given) give
/// the power `power`: a group-sequential design needs (θ / (z_α + z_β))² times the events of the
/// fixed design (rpact's `getSampleSizeSurvival(design, …)`).
pub fn drift_for_power(efficacy: &[f64], t: &[f64], power: f64, futility: Option<&[f64]>) -> f64 {
    root(0.0, 15.0, |th| rejection_probability(efficacy, t, th, futility) < power)
}

/// Bisection on [lo, hi] for the point where `above_target` turns false (it must be true at
/// lo and false at hi, and change once).
fn root(mut lo: f64, mut hi: f64, above_target: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if above_target(mid) {
            lo = mid
        } else {
            hi = mid
        }
        if hi - lo < 1e-12 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// The density of the sequential z statistic on the continuation region of one look, carried
/// to the next: grid points and weight × density.
struct Stage {
    z: Vec<f64>,
    wh: Vec<f64>,
}

/// P(Z_k ≥ c) and the density on (lo, hi) at look k, given the previous stage (None at k = 0),
/// for drift θ (the mean of Z_k is θ√t_k).
fn step(res: usize, prev: Option<&Stage>, t_prev: f64, tk: f64, theta: f64, lo: f64, hi: f64) -> Stage {
    let (mut z, mut w) = (Vec::new(), Vec::new());
    grid(res, theta * tk.sqrt(), lo, hi, &mut z, &mut w);
    let wh = match prev {
        None => z.iter().zip(&w).map(|(&x, &wi)| wi * normal::pdf(x - theta * tk.sqrt())).collect(),
        Some(p) => {
            let (sk, sp, sd) = (tk.sqrt(), t_prev.sqrt(), (tk - t_prev).sqrt());
            let shift = theta * (tk - t_prev);
            z.iter()
                .zip(&w)
                .map(|(&x, &wi)| {
                    wi * p
                        .z
                        .iter()
                        .zip(&p.wh)
                        .map(|(&u, &g)| g * normal::pdf((x * sk - u * sp - shift) / sd))
                        .sum::<f64>()
                        * sk
                        / sd
                })
                .collect()
        }
    };
    Stage { z, wh }
}

/// P(Z_k < b) jointly with continuing through the previous looks (the previous stage's mass).
fn below(prev: Option<&Stage>, t_prev: f64, tk: f64, theta: f64, b: f64) -> f64 {
    match prev {
        None => normal::cdf(b - theta * tk.sqrt()),
        Some(p) => {
            let (sk, sp, sd) = (tk.sqrt(), t_prev.sqrt(), (tk - t_prev).sqrt());
            let shift = theta * (tk - t_prev);
            p.z.iter().zip(&p.wh).map(|(&u, &g)| g * normal::cdf((b * sk - u * sp - shift) / sd)).sum()
        }
    }
}

/// The lowest futility bound, as rpact's: a bound that spending puts below it is raised to it.
pub const FUTILITY_FLOOR: f64 = -6.0;

/// Non-binding futility boundaries from beta spending, as rpact's `typeBetaSpending`: the
/// efficacy boundaries are those of [`boundaries`] (computed without futility); under the drift
/// θ the futility boundary at look k spends β(t_k) − β(t_{k−1}) of the type II error among
/// trials still running, and θ is the drift at which the last futility boundary meets the last
/// efficacy boundary (so the design has power 1 − β at θ). Returns (futility, θ, the first
/// interim whose futility boundary comes within 0.01 of its efficacy boundary, if any: rpact
/// refuses such a design as "too extreme", and so does validation; a futility boundary above
/// the efficacy one is capped there).
pub fn futility_boundaries(
    spending: Spending,
    alpha: f64,
    beta_spending: Spending,
    beta: f64,
    t: &[f64],
) -> (Vec<f64>, f64, Option<usize>) {
    let d = beta_spending_design(spending, alpha, beta_spending, beta, t, t, false);
    (d.futility, d.theta, d.crossing)
}

/// A design with beta-spending futility bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct BetaSpendingDesign {
    pub efficacy: Vec<f64>,
    /// The futility bounds (the last equal to the last efficacy boundary).
    pub futility: Vec<f64>,
    /// The drift at which the design has power 1 − β.
    pub theta: f64,
    /// The first interim whose futility bound comes within 0.01 of its efficacy boundary.
    pub crossing: Option<usize>,
}

/// Efficacy boundaries and beta-spending futility bounds (rpact's `typeBetaSpending`), at
/// information `t` with alpha spent at `spend_at` (as [`boundaries_spending_at`]). Non-binding:
/// the efficacy boundaries ignore the futility bounds. Binding (rpact's `bindingFutility =
/// TRUE`): look by look, the efficacy boundary spends its alpha among the trials that neither
/// crossed nor fell below an earlier futility bound (the null's recursion starts from the
/// futility bound), and the futility bound spends its beta under the drift θ; θ is the drift at
/// which the last bounds meet, for both.
pub fn beta_spending_design(
    spending: Spending,
    alpha: f64,
    beta_spending: Spending,
    beta: f64,
    t: &[f64],
    spend_at: &[f64],
    binding: bool,
) -> BetaSpendingDesign {
    let fixed = (!binding).then(|| boundaries_spending_at(spending, alpha, t, spend_at, R));
    let k_last = t.len() - 1;
    // For a drift θ: the bounds and the type II error at the end.
    let run = |theta: f64| -> (Vec<f64>, Vec<f64>, f64, Option<usize>) {
        let mut capped = None;
        let (mut e, mut f) = (Vec::with_capacity(t.len()), Vec::with_capacity(t.len()));
        let (mut prev, mut null): (Option<Stage>, Option<Stage>) = (None, None);
        let (mut spent_before, mut alpha_before, mut t_prev) = (0.0, 0.0, 0.0);
        for (k, &tk) in t.iter().enumerate() {
            let ck = match &fixed {
                Some(c) => c[k],
                None => {
                    let target = (spent(spending, alpha, spend_at[k]) - alpha_before).max(0.0);
                    alpha_before += target;
                    efficacy_at(null.as_ref(), t_prev, tk, target)
                }
            };
            e.push(ck);
            if k == k_last {
                let miss = spent_before + below(prev.as_ref(), t_prev, tk, theta, ck);
                f.push(ck);
                return (e, f, miss, capped);
            }
            let target = spent(beta_spending, beta, tk) - spent_before;
            // below() rises with the bound: bisection for the bound that spends `target`. An
            // early look can have no efficacy test (its boundary is +∞: the spending there
            // underflows); the search is then bounded 40 SD above the look's mean.
            let hi = ck.min(theta * tk.sqrt() + 40.0);
            let fk = if below(prev.as_ref(), t_prev, tk, theta, hi) <= target {
                capped = capped.or(Some(k));
                hi
            } else {
                root(-40.0 + theta * tk.sqrt(), hi, |b| below(prev.as_ref(), t_prev, tk, theta, b) <= target)
            };
            // rpact's floor on futility bounds (C_FUTILITY_BOUNDS_DEFAULT): an early look that
            // spends almost no β would otherwise get a bound far in the tail.
            let fk = fk.max(FUTILITY_FLOOR);
            spent_before += below(prev.as_ref(), t_prev, tk, theta, fk);
            f.push(fk);
            prev = Some(step(R, prev.as_ref(), t_prev, tk, theta, fk, ck));
            if binding {
                null = Some(step(R, null.as_ref(), t_prev, tk, 0.0, fk, ck));
            }
            t_prev = tk;
        }
        unreachable!("the last look returns")
    };
    // The type II error falls as θ grows: the θ that makes it β.
    let theta = root(0.0, 15.0, |th| run(th).2 > beta);
    let (efficacy, futility, _, capped) = run(theta);
    let crossing = (0..k_last).find(|&k| futility[k] > efficacy[k] - 0.01).or(capped);
    BetaSpendingDesign { efficacy, futility, theta, crossing }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_look_is_the_fixed_design() {
        let b = boundaries(Spending::OBrienFleming, 0.025, &[1.0]);
        assert!((b[0] - 1.959963984540054).abs() < 1e-12);
    }

    #[test]
    fn a_coarser_grid_gives_the_same_boundaries() {
        for sp in [Spending::OBrienFleming, Spending::Pocock, Spending::HwangShihDeCani(-4.0)] {
            for t in [vec![0.4, 0.7, 1.0], vec![0.05, 0.5, 1.0], vec![0.25, 0.5, 0.75, 1.0], vec![0.93, 0.97, 1.0]] {
                for alpha in [0.025, 0.0125, 0.0083] {
                    let a = boundaries(sp, alpha, &t);
                    let b = boundaries_at_resolution(sp, alpha, &t, 16);
                    for (x, y) in a.iter().zip(&b) {
                        assert!(
                            (x - y).abs() < 1e-5 || (x.is_infinite() && y.is_infinite()),
                            "{sp:?} {t:?} {alpha}: {x} vs {y}"
                        );
                    }
                }
            }
        }
    }

    /// With one look to come the predictive probability has a closed form, which the
    /// quadrature of the longer designs reproduces.
    #[test]
    fn predictive_probability_has_its_closed_form_with_one_look_left() {
        let (nodes, weights) = gauss_hermite();
        assert!((weights.iter().sum::<f64>() - std::f64::consts::PI.sqrt()).abs() < 1e-12);
        assert!(
            (nodes.iter().zip(weights).map(|(x, w)| w * x * x).sum::<f64>() - std::f64::consts::PI.sqrt() / 2.0).abs()
                < 1e-12
        );
        for z in [-1.0, 0.5, 1.2, 2.0] {
            for (i1, i2) in [(37.5, 75.0), (20.0, 100.0), (60.0, 75.0)] {
                let bounds = [2.96, 1.97];
                let info = [i1, i2];
                let u = i2 - i1;
                let theta = z / f64::sqrt(i1);
                let want = normal::cdf((theta * u + z * i1.sqrt() - 1.97 * i2.sqrt()) / (u + u * u / i1).sqrt());
                assert!((predictive_probability(z, 0, &bounds, &info) - want).abs() < 1e-12);
                // The quadrature the longer designs use, on the same case.
                let got = predictive_by_quadrature(z, 0, &bounds, &info);
                assert!((got - want).abs() < 1e-6, "z {z}, info {info:?}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn spending_ends_at_alpha() {
        for s in
            [Spending::OBrienFleming, Spending::Pocock, Spending::HwangShihDeCani(-4.0), Spending::HwangShihDeCani(1.0)]
        {
            assert!((spent(s, 0.025, 1.0) - 0.025).abs() < 1e-15, "{s:?}");
        }
    }
}
