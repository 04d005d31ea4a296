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
/// dq over the range holding all but 1e-14 of p₀'s mass, 400 panels.
pub fn difference_above(a1: f64, b1: f64, a0: f64, b0: f64, delta: f64) -> f64 {
    let (lo, hi) = (beta_quantile(1e-14, a0, b0), beta_quantile(1.0 - 1e-14, a0, b0));
    let v = integrate(|q| beta_density(q, a0, b0) * beta_above(q + delta, a1, b1), lo, hi, 400);
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
    pub fn ess_elir(&self) -> f64 {
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
        integrate(|s| f((1.0 - (2.0 * half_pi * s).cos()) / 2.0) * half_pi * (2.0 * half_pi * s).sin(), 0.0, 1.0, 2000)
    }
}

impl BetaMixture {
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
            close(&format!("ESS {c}"), m.ess_elir(), f(c, "ess_elir"), 1e-6 * f(c, "ess_elir"));
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
}
