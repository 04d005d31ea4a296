//! Conjugate Bayesian computations for responses and hazards (issue 29's closed forms): beta
//! posteriors and their tail probabilities, the posterior probability that one rate exceeds
//! another by a margin (numerical integration), the beta-binomial predictive probability of
//! final success, robust mixture priors with their posterior weights, power priors, the
//! expected local-information-ratio effective sample size of a beta mixture (Neuenschwander,
//! Weber, Schmidli & O'Hagan 2020), gamma–Poisson hazards and the normal–normal update of a
//! log hazard ratio. Each is checked against base R (`tests/reference/make_bayes_refs.R`).

use statrs::function::beta::beta_reg;
use statrs::function::gamma::{gamma_lr, ln_gamma};

/// P(p > t) for p ~ Beta(a, b).
pub fn beta_above(t: f64, a: f64, b: f64) -> f64 {
    if t <= 0.0 {
        return 1.0;
    }
    if t >= 1.0 {
        return 0.0;
    }
    beta_reg(b, a, 1.0 - t)
}

fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// The Beta(a, b) density.
pub fn beta_density(p: f64, a: f64, b: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 {
        return 0.0;
    }
    ((a - 1.0) * p.ln() + (b - 1.0) * (1.0 - p).ln() - ln_beta(a, b)).exp()
}

/// The `q`-quantile of Beta(a, b), by bisection to 1e-15.
pub fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if 1.0 - beta_above(mid, a, b) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// 10-point Gauss–Legendre nodes and weights on [−1, 1].
const GL_X: [f64; 5] = [
    0.148_874_338_981_631_2,
    0.433_395_394_129_247_2,
    0.679_409_568_299_024_4,
    0.865_063_366_688_984_5,
    0.973_906_528_517_171_7,
];
const GL_W: [f64; 5] = [
    0.295_524_224_714_752_9,
    0.269_266_719_309_996_4,
    0.219_086_362_515_982,
    0.149_451_349_150_580_6,
    0.066_671_344_308_688_1,
];

/// ∫ f over [lo, hi] by 10-point Gauss–Legendre on `panels` equal panels.
fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64, panels: usize) -> f64 {
    let h = (hi - lo) / panels as f64;
    (0..panels)
        .map(|k| {
            let (a, b) = (lo + k as f64 * h, lo + (k + 1) as f64 * h);
            let (c, r) = (0.5 * (a + b), 0.5 * (b - a));
            GL_X.iter().zip(&GL_W).map(|(x, w)| w * (f(c - r * x) + f(c + r * x))).sum::<f64>() * r
        })
        .sum()
}

/// P(p₁ − p₀ > δ) for independent p₁ ~ Beta(a1, b1), p₀ ~ Beta(a0, b0): ∫ f₀(q) P(p₁ > q + δ)
/// dq. P(p₁ > q + δ) is 1 below q = −δ and 0 above q = 1 − δ, so the integral is p₀'s mass
/// below −δ plus a smooth integral between the kinks, over p₀'s bulk (all but 1e-14 of its
/// mass, or up to the end where a shape below 1 makes its density singular). Each half of that
/// range is integrated by 20-panel Gauss–Legendre in t with q − end = width·t^p: where p₀'s
/// density (shape a0 or b0 below 1) or p₁'s tail (a1 or b1 below 1, when the kink is the end)
/// behaves like a power of the distance to the end, p = 1 / that shape makes the integrand
/// smooth.
pub fn difference_above(a1: f64, b1: f64, a0: f64, b0: f64, delta: f64) -> f64 {
    let lo = if a0 < 1.0 { 0.0 } else { beta_quantile(1e-14, a0, b0) };
    let hi = if b0 < 1.0 { 1.0 } else { beta_quantile(1.0 - 1e-14, a0, b0) };
    let (from, to) = (lo.max(-delta), hi.min(1.0 - delta));
    let below = if -delta > lo { 1.0 - beta_above(-delta, a0, b0) } else { 0.0 };
    if from >= to {
        return below.clamp(0.0, 1.0);
    }
    let power = |shapes: [Option<f64>; 2]| {
        let s = shapes.into_iter().flatten().fold(1.0f64, f64::min);
        (1.0 / s).min(40.0)
    };
    let left = power([(from == 0.0 && a0 < 1.0).then_some(a0), (from == -delta && a1 < 1.0).then_some(a1)]);
    let right = power([(to == 1.0 && b0 < 1.0).then_some(b0), (to == 1.0 - delta && b1 < 1.0).then_some(b1)]);
    let g = |q: f64| {
        let v = beta_density(q, a0, b0) * beta_above(q + delta, a1, b1);
        if v.is_finite() { v } else { 0.0 }
    };
    let mid = 0.5 * (from + to);
    let half = |end: f64, width: f64, p: f64| {
        integrate(|t| g(end + width * t.powf(p)) * width.abs() * p * t.powf(p - 1.0), 0.0, 1.0, 20)
    };
    let v = below + half(from, mid - from, left) + half(to, mid - to, right);
    v.clamp(0.0, 1.0)
}

/// log of the beta-binomial probability of y successes in m trials under Beta(a, b).
pub fn ln_beta_binomial(y: u64, m: u64, a: f64, b: f64) -> f64 {
    let (y, m) = (y as f64, m as f64);
    ln_gamma(m + 1.0) - ln_gamma(y + 1.0) - ln_gamma(m - y + 1.0) + ln_beta(a + y, b + m - y) - ln_beta(a, b)
}

/// A single arm's predictive probability of final success at an interim with `x` responders
/// of `n`, the final analysis at `total` patients succeeding when P(p > p0 | all data) > c
/// under a Beta(a, b) prior: (the probability, the fewest final responders that succeed,
/// total + 1 where none does).
pub fn predictive_success(a: f64, b: f64, x: u64, n: u64, total: u64, p0: f64, c: f64) -> (f64, u64) {
    let needed = (0..=total).find(|&y| beta_above(p0, a + y as f64, b + (total - y) as f64) > c).unwrap_or(total + 1);
    let m = total - n;
    let (ap, bp) = (a + x as f64, b + (n - x) as f64);
    let p = (0..=m).filter(|&y| x + y >= needed).map(|y| ln_beta_binomial(y, m, ap, bp).exp()).sum::<f64>();
    (p.min(1.0), needed)
}

/// A mixture of beta distributions: (weight, a, b) per component, weights summing to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct BetaMixture(pub Vec<(f64, f64, f64)>);

impl BetaMixture {
    /// The posterior after `x` responders of `n`: each component updated, its weight in
    /// proportion to the prior weight times the data's marginal likelihood under it (the
    /// beta-binomial; the binomial coefficient cancels).
    pub fn update(&self, x: u64, n: u64) -> BetaMixture {
        let (xf, nf) = (x as f64, n as f64);
        let logs: Vec<f64> =
            self.0.iter().map(|&(w, a, b)| w.ln() + ln_beta(a + xf, b + nf - xf) - ln_beta(a, b)).collect();
        let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = logs.iter().map(|l| (l - top).exp()).sum();
        BetaMixture(
            self.0.iter().zip(&logs).map(|(&(_, a, b), l)| ((l - top).exp() / total, a + xf, b + nf - xf)).collect(),
        )
    }

    pub fn above(&self, t: f64) -> f64 {
        self.0.iter().map(|&(w, a, b)| w * beta_above(t, a, b)).sum()
    }

    pub fn mean(&self) -> f64 {
        self.0.iter().map(|&(w, a, b)| w * a / (a + b)).sum()
    }

    /// The expected local-information-ratio effective sample size with respect to the
    /// binomial: ∫ π(θ) · [−(log π)''(θ)] · θ(1 − θ) dθ (a + b for a single Beta(a, b)).
    /// None for a mixture with a component's shape below 1, where the integrand behaves like
    /// θ^(a−2) at an end and the integral diverges (RBesT constrains its fitted components
    /// above 1 for this reason).
    pub fn ess_elir(&self) -> Option<f64> {
        // A single beta: a + b, the integral's value for a, b > 1 and its limit as a shape
        // falls to 1 (where the integrand vanishes identically).
        if let [(_, a, b)] = self.0.as_slice() {
            return Some(a + b);
        }
        if self.0.iter().any(|&(_, a, b)| a < 1.0 || b < 1.0) {
            return None;
        }
        let f = |t: f64| {
            let (mut d0, mut d1, mut d2) = (0.0, 0.0, 0.0);
            for &(w, a, b) in &self.0 {
                let f = w * beta_density(t, a, b);
                let g = (a - 1.0) / t - (b - 1.0) / (1.0 - t);
                let h = -(a - 1.0) / (t * t) - (b - 1.0) / ((1.0 - t) * (1.0 - t));
                d0 += f;
                d1 += f * g;
                d2 += f * (g * g + h);
            }
            if d0 <= 0.0 {
                return 0.0;
            }
            let info = -(d2 / d0 - (d1 / d0) * (d1 / d0));
            d0 * info * t * (1.0 - t)
        };
        // θ = (1 − cos πs)/2 clusters the nodes at both ends, where a shape below 2 makes the
        // integrand singular (θ^(a−2) · θ, integrable).
        let half_pi = std::f64::consts::FRAC_PI_2;
        Some(integrate(
            |s| f((1.0 - (2.0 * half_pi * s).cos()) / 2.0) * half_pi * (2.0 * half_pi * s).sin(),
            0.0,
            1.0,
            2000,
        ))
    }
}

impl BetaMixture {
    /// A prior on a rate as `--prior` and a scenario's `prior` write it: `beta:A,B`,
    /// `mixture:W,A1,B1,A2,B2` (weight W on the first component), `power:A0,XH,NH` (XH
    /// responders of NH historical patients discounted by A0, from Beta(1, 1)). The error says
    /// what is wrong.
    pub fn parse(spec: &str) -> Result<BetaMixture, String> {
        let (kind, rest) = spec.split_once(':').ok_or("no kind")?;
        let v: Vec<f64> = rest
            .split(',')
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| "a value is not a number")?;
        let shape = |x: f64| x.is_finite() && x > 0.0 && x <= 1e6;
        match (kind, v.as_slice()) {
            ("beta", &[a, b]) if shape(a) && shape(b) => Ok(BetaMixture(vec![(1.0, a, b)])),
            ("mixture", &[w, a1, b1, a2, b2]) if w > 0.0 && w < 1.0 && [a1, b1, a2, b2].iter().all(|&x| shape(x)) => {
                Ok(BetaMixture(vec![(w, a1, b1), (1.0 - w, a2, b2)]))
            }
            ("power", &[a0, xh, nh])
                if (0.0..=1.0).contains(&a0)
                    && xh >= 0.0
                    && nh >= xh
                    && nh <= 1e6
                    && xh.fract() == 0.0
                    && nh.fract() == 0.0 =>
            {
                let (a, b) = power_prior(1.0, 1.0, a0, xh as u64, nh as u64, 0, 0);
                Ok(BetaMixture(vec![(1.0, a, b)]))
            }
            ("beta" | "mixture" | "power", _) => Err("its values are out of range or of the wrong number".into()),
            _ => Err("an unknown kind".into()),
        }
    }

    /// The prior as [`BetaMixture::parse`] reads it (a power prior as the beta it is).
    pub fn spec(&self) -> String {
        match self.0.as_slice() {
            [(_, a, b)] => format!("beta:{a},{b}"),
            [(w, a1, b1), (_, a2, b2)] => format!("mixture:{w},{a1},{b1},{a2},{b2}"),
            _ => unreachable!("parsed: one or two components"),
        }
    }

    /// The `q`-quantile of the mixture, by bisection to 1e-13.
    pub fn quantile(&self, q: f64) -> f64 {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        while hi - lo > 1e-13 {
            let mid = 0.5 * (lo + hi);
            if 1.0 - self.above(mid) < q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The predictive probability of final success under this prior at an interim with `x`
    /// responders of `n`, the final analysis at `total` patients succeeding when
    /// P(p > p0 | all data) > c: (the probability, the fewest final responders that succeed,
    /// total + 1 where none does). The predictive distribution of the remaining responders is
    /// the interim posterior's mixture of beta-binomials.
    pub fn predictive_success(&self, x: u64, n: u64, total: u64, p0: f64, c: f64) -> (f64, u64) {
        let needed = (0..=total).find(|&y| self.update(y, total).above(p0) > c).unwrap_or(total + 1);
        let interim = self.update(x, n);
        let m = total - n;
        let p: f64 = (0..=m)
            .filter(|&y| x + y >= needed)
            .map(|y| interim.0.iter().map(|&(w, a, b)| w * ln_beta_binomial(y, m, a, b).exp()).sum::<f64>())
            .sum();
        (p.min(1.0), needed)
    }

    /// P(p₁ − p₀ > δ) for p₁ from `self` and p₀ from `control`, independent: the weighted sum
    /// over pairs of components.
    pub fn difference_above(&self, control: &BetaMixture, delta: f64) -> f64 {
        let mut p = 0.0;
        for &(w1, a1, b1) in &self.0 {
            for &(w0, a0, b0) in &control.0 {
                p += w1 * w0 * difference_above(a1, b1, a0, b0, delta);
            }
        }
        p.clamp(0.0, 1.0)
    }
}

/// Two arms' final rule at sizes (`nt`, `nc`), Go when P(p_t − p_c > δ | data) > `c` under
/// the priors `treatment` and `control`: by final control responders X_c (0 to `nc`), the
/// fewest final treatment responders that Go (`nt` + 1 where none does). The posterior
/// increases with X_t and decreases with X_c, so each entry is a bisection from the last.
pub fn difference_needed(
    treatment: &BetaMixture,
    control: &BetaMixture,
    nt: u64,
    nc: u64,
    delta: f64,
    c: f64,
) -> Vec<u64> {
    let mut needed = Vec::with_capacity(nc as usize + 1);
    let mut from = 0;
    for xc in 0..=nc {
        let post_c = control.update(xc, nc);
        let go = |xt: u64| treatment.update(xt, nt).difference_above(&post_c, delta) > c;
        let (mut lo, mut hi) = (from, nt + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if go(mid) { hi = mid } else { lo = mid + 1 }
        }
        needed.push(lo);
        from = lo;
    }
    needed
}

/// The predictive probability of `m` further patients' responders under `posterior` (a
/// mixture of beta-binomials), for 0 to `m`.
pub fn predictive_counts(posterior: &BetaMixture, m: u64) -> Vec<f64> {
    (0..=m).map(|y| posterior.0.iter().map(|&(w, a, b)| w * ln_beta_binomial(y, m, a, b).exp()).sum()).collect()
}

/// Two arms' predictive probability of a final Go at an interim with `xt` of `nt` and `xc` of
/// `nc`, the final analysis at `total_t` and `total_c` patients going by `needed` (from
/// [`difference_needed`] at those sizes): the remaining responders of each arm drawn from its
/// interim posterior's beta-binomial mixture.
#[allow(clippy::too_many_arguments)]
pub fn predictive_difference(
    treatment: &BetaMixture,
    control: &BetaMixture,
    (xt, nt, total_t): (u64, u64, u64),
    (xc, nc, total_c): (u64, u64, u64),
    needed: &[u64],
) -> f64 {
    let (mt, mc) = (total_t.saturating_sub(nt), total_c.saturating_sub(nc));
    let pt = predictive_counts(&treatment.update(xt, nt), mt);
    let pc = predictive_counts(&control.update(xc, nc), mc);
    // tail[k] = P(Y_t ≥ k), k = 0 … m_t + 1.
    let mut tail = vec![0.0; mt as usize + 2];
    for k in (0..=mt as usize).rev() {
        tail[k] = tail[k + 1] + pt[k];
    }
    let p: f64 = pc
        .iter()
        .enumerate()
        .map(|(yc, &q)| {
            let xc_final = (xc + yc as u64).min(needed.len() as u64 - 1);
            let k = needed[xc_final as usize].saturating_sub(xt);
            q * tail.get(k as usize).copied().unwrap_or(0.0)
        })
        .sum();
    p.clamp(0.0, 1.0)
}

/// The power prior's posterior Beta parameters: an initial Beta(a, b), the historical `xh` of
/// `nh` discounted by `a0`, the current `x` of `n`.
pub fn power_prior(a: f64, b: f64, a0: f64, xh: u64, nh: u64, x: u64, n: u64) -> (f64, f64) {
    (a + a0 * xh as f64 + x as f64, b + a0 * (nh - xh) as f64 + (n - x) as f64)
}

/// P(λ < λ0) for a hazard with a Gamma(shape a, rate b) prior after `d` events over
/// `exposure`: the posterior Gamma(a + d, b + exposure)'s distribution function.
pub fn hazard_below(lambda0: f64, a: f64, b: f64, d: f64, exposure: f64) -> f64 {
    gamma_lr(a + d, (b + exposure) * lambda0)
}

/// The normal–normal update of a log hazard ratio: prior N(m, s²), an estimate with its
/// standard error; the posterior mean and sd.
pub fn normal_update(m: f64, s: f64, estimate: f64, se: f64) -> (f64, f64) {
    let (p0, p1) = (1.0 / (s * s), 1.0 / (se * se));
    ((p0 * m + p1 * estimate) / (p0 + p1), (1.0 / (p0 + p1)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn refs() -> Value {
        serde_json::from_str(include_str!("../../tests/reference/bayes_refs.json")).unwrap()
    }

    fn f(c: &Value, k: &str) -> f64 {
        c[k].as_f64().unwrap_or_else(|| panic!("{k} in {c}"))
    }

    fn close(what: &str, got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "{what}: {got} against R {want}");
    }

    /// Against base R (`make_bayes_refs.R`): beta posteriors' tails and quantiles (`pbeta`,
    /// `qbeta`), the posterior probability of a difference of two rates (`integrate`, checked
    /// in R by a second integration order and an exact sum), and the beta-binomial predictive
    /// probability of final success with its critical count, to 1e-10.
    #[test]
    fn beta_posteriors_differences_and_predictive_probabilities_agree_with_r() {
        let r = refs();
        for c in r["beta_posterior"].as_array().unwrap() {
            let (a, b) = (f(c, "a") + f(c, "x"), f(c, "b") + f(c, "n") - f(c, "x"));
            close("prob above", beta_above(f(c, "threshold"), a, b), f(c, "prob_above"), 1e-12);
            close("q025", beta_quantile(0.025, a, b), f(c, "q025"), 1e-10);
            close("q975", beta_quantile(0.975, a, b), f(c, "q975"), 1e-10);
        }
        for c in r["beta_difference"].as_array().unwrap() {
            let (a1, b1) = (f(c, "a1") + f(c, "x1"), f(c, "b1") + f(c, "n1") - f(c, "x1"));
            let (a0, b0) = (f(c, "a0") + f(c, "x0"), f(c, "b0") + f(c, "n0") - f(c, "x0"));
            close(&format!("difference {c}"), difference_above(a1, b1, a0, b0, f(c, "delta")), f(c, "prob"), 1e-10);
        }
        for c in r["predictive"].as_array().unwrap() {
            let u = |k: &str| f(c, k) as u64;
            let (p, needed) = predictive_success(f(c, "a"), f(c, "b"), u("x"), u("n"), u("N"), f(c, "p0"), f(c, "c"));
            assert_eq!(needed, u("min_final_responders"), "{c}");
            close(&format!("predictive {c}"), p, f(c, "predictive_probability"), 1e-10);
        }
        // The mixture's predictive probability with one component is the beta's.
        for c in r["predictive"].as_array().unwrap() {
            let u = |k: &str| f(c, k) as u64;
            let m = BetaMixture(vec![(1.0, f(c, "a"), f(c, "b"))]);
            let (p, needed) = m.predictive_success(u("x"), u("n"), u("N"), f(c, "p0"), f(c, "c"));
            assert_eq!(needed, u("min_final_responders"), "{c}");
            close(&format!("mixture predictive {c}"), p, f(c, "predictive_probability"), 1e-10);
        }
        for c in r["beta_binomial_sum_check"].as_array().unwrap() {
            let m = f(c, "m") as u64;
            let s: f64 = (0..=m).map(|y| ln_beta_binomial(y, m, f(c, "A"), f(c, "B")).exp()).sum();
            close("beta-binomial sum", s, f(c, "sum"), 1e-10);
        }
    }

    /// Robust mixture priors (posterior weight of the informative part, tail, mean — a
    /// prior–data conflict case among them), power priors, the ELIR effective sample size (a + b
    /// for one beta; mixtures by R's `integrate`), gamma–Poisson hazards and the normal–normal
    /// update of a log hazard ratio, against base R.
    #[test]
    fn priors_and_hazards_agree_with_r() {
        let r = refs();
        for c in r["mixture"].as_array().unwrap() {
            let prior =
                BetaMixture(vec![(f(c, "w"), f(c, "a1"), f(c, "b1")), (1.0 - f(c, "w"), f(c, "a2"), f(c, "b2"))]);
            let post = prior.update(f(c, "x") as u64, f(c, "n") as u64);
            close(&format!("posterior weight {c}"), post.0[0].0, f(c, "posterior_weight"), 1e-10);
            close("mixture above", post.above(f(c, "t")), f(c, "prob_above"), 1e-10);
            close("mixture mean", post.mean(), f(c, "posterior_mean"), 1e-10);
        }
        for c in r["power_prior"].as_array().unwrap() {
            let u = |k: &str| f(c, k) as u64;
            let (a, b) = power_prior(f(c, "a"), f(c, "b"), f(c, "a0"), u("x_h"), u("n_h"), u("x"), u("n"));
            close("power prior A", a, f(c, "A"), 1e-12);
            close("power prior B", b, f(c, "B"), 1e-12);
            close("power prior above", beta_above(f(c, "t"), a, b), f(c, "prob_above"), 1e-12);
        }
        for c in r["ess_elir"].as_array().unwrap() {
            let v = |k: &str| -> Vec<f64> { c[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
            let (w, a, b) = (v("weights"), v("a"), v("b"));
            let m = BetaMixture((0..w.len()).map(|k| (w[k], a[k], b[k])).collect());
            close(&format!("ESS {c}"), m.ess_elir().unwrap(), f(c, "ess_elir"), 1e-6 * f(c, "ess_elir"));
        }
        for c in r["gamma_poisson"].as_array().unwrap() {
            let p = hazard_below(f(c, "lambda0"), f(c, "a"), f(c, "b"), f(c, "d"), f(c, "E"));
            close("hazard below", p, f(c, "prob_below"), 1e-12);
        }
        for c in r["normal_normal"].as_array().unwrap() {
            let (m, s) = normal_update(f(c, "m"), f(c, "s"), f(c, "theta_hat"), f(c, "se"));
            close("posterior mean", m, f(c, "posterior_mean"), 1e-12);
            close("posterior sd", s, f(c, "posterior_sd"), 1e-12);
            let below = crate::stats::normal::cdf((f(c, "hr0").ln() - m) / s);
            close("prob below", below, f(c, "prob_below"), 1e-12);
        }
    }

    /// A mixture from the references' `{weights, a, b}`.
    fn mixture(v: &Value) -> BetaMixture {
        let g = |k: &str| -> Vec<f64> { v[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
        let (w, a, b) = (g("weights"), g("a"), g("b"));
        BetaMixture((0..w.len()).map(|k| (w[k], a[k], b[k])).collect())
    }

    /// Against base R (`make_bayes_design_refs.R`): two arms' posterior probability of the
    /// difference under beta and mixture priors (`integrate`, checked there by an exact sum or
    /// the other integration order), the final rule's thresholds by control responders and the
    /// predictive probability of a final Go (checked there against every final cell), 1e-9.
    #[test]
    fn two_arm_posteriors_thresholds_and_predictive_probabilities_agree_with_r() {
        let r: Value = serde_json::from_str(include_str!("../../tests/reference/bayes_design_refs.json")).unwrap();
        let u = |c: &Value, k: &str| f(c, k) as u64;
        for c in r["two_arm"]["post2"].as_array().unwrap() {
            let (t, k) = (mixture(&c["prior_t"]), mixture(&c["prior_c"]));
            let p =
                t.update(u(c, "x_t"), u(c, "n_t")).difference_above(&k.update(u(c, "x_c"), u(c, "n_c")), f(c, "delta"));
            close(&format!("post2 {c}"), p, f(c, "prob"), 1e-9);
        }
        for c in r["two_arm"]["predictive"].as_array().unwrap() {
            let (t, k) = (mixture(&c["prior_t"]), mixture(&c["prior_c"]));
            let needed = difference_needed(&t, &k, u(c, "N_t"), u(c, "N_c"), f(c, "delta"), f(c, "c"));
            let want: Vec<u64> =
                c["final_threshold_t"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
            assert_eq!(needed, want, "final thresholds");
            let pp = predictive_difference(
                &t,
                &k,
                (u(c, "x_t"), u(c, "n_t"), u(c, "N_t")),
                (u(c, "x_c"), u(c, "n_c"), u(c, "N_c")),
                &needed,
            );
            close("predictive", pp, f(c, "pp"), 1e-9);
        }
        // Closed forms where the shapes make the integrand singular or the margin puts a kink in
        // it: two equal Jeffreys posteriors (1/2), two uniforms beyond a margin ((1 − δ)²/2).
        close("equal Jeffreys", difference_above(0.5, 0.5, 0.5, 0.5, 0.0), 0.5, 1e-9);
        close("uniforms above 0.3", difference_above(1.0, 1.0, 1.0, 1.0, 0.3), 0.245, 1e-9);
        close("uniforms above -0.3", difference_above(1.0, 1.0, 1.0, 1.0, -0.3), 0.755, 1e-9);
        close("Jeffreys-like shapes", difference_above(0.5, 1.5, 0.5, 3.5, 0.0), 0.644101238957994, 1e-8);
        // Shapes below 1 (`make_bayes_singular_refs.R`, R's integrate in the smooth orientation).
        let singular: [(f64, f64, f64, f64, f64, f64); 6] = [
            (4.0, 8.0, 0.1, 10.9, 0.0, 0.997670266188917),
            (4.0, 8.0, 0.2, 5.8, 0.0, 0.979333693440000),
            (3.0, 3.0, 0.3, 0.7, 0.1, 0.653565167732887),
            (5.0, 2.0, 0.5, 9.5, -0.2, 0.999981566475237),
            (12.0, 30.0, 0.05, 1.05, 0.0, 0.940839874886690),
            (2.0, 2.0, 0.5, 0.5, 0.3, 0.268860194874313),
        ];
        for (a1, b1, a0, b0, d, want) in singular {
            close(&format!("singular {a0}, {b0}"), difference_above(a1, b1, a0, b0, d), want, 1e-8);
        }
        let d = &r["single_arm"]["robust_mixture"];
        let prior = mixture(&d["prior"]);
        for (x, want) in d["posterior_at_n40"].as_array().unwrap().iter().enumerate() {
            close("posterior at 40", prior.update(x as u64, 40).above(f(d, "p0")), want.as_f64().unwrap(), 1e-10);
        }
        for (x, want) in d["pp_at_n20"].as_array().unwrap().iter().enumerate() {
            let pp = prior.predictive_success(x as u64, 20, 40, f(d, "p0"), f(d, "c")).0;
            close("predictive at 20", pp, want.as_f64().unwrap(), 1e-10);
        }
    }
}
