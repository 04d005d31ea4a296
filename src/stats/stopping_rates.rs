//! Inference when a group-sequential test of response rates stops: for two arms the
//! difference π₁ − π₀ (rpact's `getAnalysisResults` on rates, which it agrees with), for a
//! single arm monitored on the exact binomial the rate itself, by the exact stage-wise
//! ordering.
//!
//! **Two arms** (rpact's conventions, `tests/reference/make_rpact_rates_stopping_refs.R`):
//! - the p-value is the stage-wise ordering's on the looks' z statistics ([`super::stopping`]),
//!   the correlation of the looks that of the patients assessed;
//! - the median-unbiased estimate and the 1 − 2α interval are the ordering's drifts at the
//!   stopping look, μ̂ (the mean of its z), carried to the difference scale by the unpooled
//!   standard error at the observed rates there: θ̂ = θ₀ + μ̂·√(p̂₁(1 − p̂₁)/n₁ + p̂₀(1 − p̂₀)/n₀);
//!   the interval is sorted and kept in [−1, 1]. A trial stopping at the first look gets the
//!   observed difference and the Farrington–Manning test inverted at z_{1−α};
//! - the repeated interval at look k inverts the Farrington–Manning test at the look's
//!   boundary c_k: the δ at which its z against δ is c_k (lower) and −c_k (upper). Under a
//!   binding futility rule the lower limit at look k is at most the δ at which an earlier
//!   look's z equals its futility bound (rpact's correction: the trial went on past it).
//!
//! **A single arm** on the exact binomial (Jennison & Turnbull 1983; 2000, §12.1): outcomes
//! (look k, responders x) are ordered by the look a trial stops at for efficacy, then by x.
//! P_p(≥ observed) is the probability of crossing an earlier look's boundary plus that of
//! reaching the stopping look with at least x responders, increasing in p; the p-value is it at
//! p₀; the interval's limits are the p at which P_p(≥ observed) = α and P_p(≤ observed) = α
//! (Clopper–Pearson's at a single look); the median-unbiased estimate is the mean of the p at
//! which each is ½ (Hirji, Tsiatis & Mehta 1989). The repeated interval at look k is
//! Clopper–Pearson's at the one-sided level the look tests at, 1 − Φ(c_k) (rpact's).

use super::binary::{TwoByTwo, binom_upper, farrington_manning};
use super::binomial_looks::convolve;
use super::normal;
use super::stopping::{Inference, after};

/// Bisection on an increasing function `f` over [lo, hi]: the x with f(x) = target (an end
/// where the target is outside f's range there).
fn bisect(mut lo: f64, mut hi: f64, target: f64, f: impl Fn(f64) -> f64) -> f64 {
    if f(lo) >= target {
        return lo;
    }
    if f(hi) <= target {
        return hi;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// The δ at which the Farrington–Manning z of `t` against δ equals `z` (it decreases in δ):
/// the Illinois variant of false position inside the bracket (−1, 1), to 1e-12 — a few
/// evaluations where bisection takes forty; an end of the bracket where z is beyond the
/// statistic's range.
fn invert_fm(t: TwoByTwo, z: f64) -> f64 {
    let f = |d: f64| farrington_manning(t, d) - z;
    let (mut a, mut b) = (-1.0 + 1e-9, 1.0 - 1e-9);
    let (mut fa, mut fb) = (f(a), f(b));
    if fa <= 0.0 {
        return a;
    }
    if fb >= 0.0 {
        return b;
    }
    let mut side = 0i8;
    for _ in 0..200 {
        let c = (a * fb - b * fa) / (fb - fa);
        let fc = f(c);
        if fc == 0.0 || (b - a).abs() < 1e-12 {
            return c;
        }
        if fc > 0.0 {
            (a, fa) = (c, fc);
            if side == 1 {
                fb /= 2.0;
            }
            side = 1;
        } else {
            (b, fb) = (c, fc);
            if side == -1 {
                fa /= 2.0;
            }
            side = -1;
        }
        if (b - a).abs() < 1e-12 {
            break;
        }
    }
    0.5 * (a + b)
}

/// The observed difference of the rates and its unpooled standard error.
fn difference(t: TwoByTwo) -> (f64, f64) {
    let (n1, n0) = (t.n_treatment as f64, t.n_control as f64);
    let (r1, r0) = (t.x_treatment as f64 / n1, t.x_control as f64 / n0);
    (r1 - r0, (r1 * (1.0 - r1) / n1 + r0 * (1.0 - r0) / n0).sqrt())
}

/// The repeated interval of the difference at a look with counts `t` and boundary `c`
/// (None where the look has no test).
pub fn two_arm_repeated(t: TwoByTwo, c: f64) -> Option<(f64, f64)> {
    (c.is_finite() && t.n_treatment > 0 && t.n_control > 0).then(|| (invert_fm(t, c), invert_fm(t, -c)))
}

/// Two arms: the inference on the difference after a trial stopped at look `stop` (0-based),
/// from the counts, z statistics, efficacy boundaries and lower stopping bounds (a binding
/// futility rule's; −∞ where none) at its looks, and the margin `theta0` the z's are against.
/// None when no look up to the stop has patients.
#[allow(clippy::too_many_arguments)]
pub fn two_arm(
    counts: &[TwoByTwo],
    z: &[f64],
    efficacy: &[f64],
    floor: &[f64],
    stop: usize,
    alpha: f64,
    theta0: f64,
) -> Option<Inference> {
    // A look without patients in an arm has no information (no test).
    let info: Vec<f64> = counts
        .iter()
        .map(|t| if t.n_treatment == 0 || t.n_control == 0 { 0.0 } else { (t.n_treatment + t.n_control) as f64 })
        .collect();
    let (keep, _, _) = super::spending::information(&info[..=stop], 1.0);
    if keep.is_empty() || counts[stop].n_treatment == 0 || counts[stop].n_control == 0 {
        return None;
    }
    let t = counts[stop];
    let (observed, se) = difference(t);
    if keep.len() == 1 {
        // The first look with patients: a fixed-sample analysis (rpact's branch).
        let q = normal::quantile(1.0 - alpha);
        return Some(Inference {
            p: normal::upper_tail(z[stop]),
            median_unbiased: observed,
            lower: invert_fm(t, q),
            upper: invert_fm(t, -q),
        });
    }
    let r = after(z, &info, efficacy, floor, stop, alpha)?;
    let root_i = info[stop].sqrt();
    let scale = |theta: f64| theta0 + theta * root_i * se;
    let (a, b) = (scale(r.lower), scale(r.upper));
    Some(Inference {
        p: r.p,
        median_unbiased: scale(r.median_unbiased),
        lower: a.min(b).clamp(-1.0, 1.0),
        upper: a.max(b).clamp(-1.0, 1.0),
    })
}

/// rpact's binding-futility correction of the repeated intervals' lower limits: at look k, at
/// most the δ at which each earlier look's z equals its futility bound.
pub fn binding_corrections(counts: &[TwoByTwo], futility: &[f64], repeated: &mut [Option<(f64, f64)>]) {
    let mut lowest = f64::INFINITY;
    for k in 1..repeated.len() {
        let (t, f) = (counts[k - 1], futility[k - 1]);
        if f.is_finite() && t.n_treatment > 0 && t.n_control > 0 {
            lowest = lowest.min(invert_fm(t, f));
        }
        if let Some((lo, _)) = repeated[k].as_mut() {
            *lo = lo.min(lowest);
        }
    }
}

/// A single arm's exact design as far as a trial went: the patients assessed at each look up
/// to the stopping one, the responders to reject at each (n_k + 1 where a look cannot), and a
/// binding futility rule's floors (0 for none).
#[derive(Debug, Clone, Copy)]
pub struct ExactLooks<'a> {
    pub n: &'a [u32],
    pub reject: &'a [u32],
    pub floor: &'a [u32],
}

/// P_p(an outcome at least as extreme as `x` responders at the last look of `d`) and
/// P_p(exactly it) under the stage-wise ordering.
pub fn exact_ordering(d: &ExactLooks, x: u32, p: f64) -> (f64, f64) {
    let k = d.n.len() - 1;
    let (mut f, mut prev, mut crossed) = (vec![1.0], 0u32, 0.0);
    for j in 0..k {
        let g = convolve(&f, d.n[j] - prev, p);
        crossed += g.iter().skip(d.reject[j] as usize).sum::<f64>();
        f = g;
        f.truncate(d.reject[j] as usize);
        let below = (d.floor[j] as usize).min(f.len());
        f[..below].fill(0.0);
        prev = d.n[j];
    }
    let g = convolve(&f, d.n[k] - prev, p);
    let at = g.get(x as usize).copied().unwrap_or(0.0);
    (crossed + g.iter().skip(x as usize).sum::<f64>(), at)
}

/// A single arm's exact inference after `x` responders at the last look of `d` (one-sided α
/// each side of the interval), and the null rate `p0` of its p-value.
pub fn single_arm_exact(d: &ExactLooks, x: u32, p0: f64, alpha: f64) -> Inference {
    let at_least = |p: f64| exact_ordering(d, x, p).0;
    let at_most = |p: f64| {
        let (ge, eq) = exact_ordering(d, x, p);
        1.0 - ge + eq
    };
    // P(≥) increases in p, P(≤) decreases.
    let lower = bisect(0.0, 1.0, alpha, at_least);
    let upper = bisect(0.0, 1.0, -alpha, |p| -at_most(p));
    let half_ge = bisect(0.0, 1.0, 0.5, at_least);
    let half_le = bisect(0.0, 1.0, -0.5, |p| -at_most(p));
    Inference { p: at_least(p0).clamp(0.0, 1.0), median_unbiased: 0.5 * (half_ge + half_le), lower, upper }
}

/// A single arm's repeated interval at a look with `x` of `n` responders and boundary `c` on
/// the exact z scale: Clopper–Pearson's at the one-sided level 1 − Φ(c) each side (None where
/// the look has no test).
pub fn single_arm_repeated(x: u32, n: u32, c: f64) -> Option<(f64, f64)> {
    if !c.is_finite() || n == 0 {
        return None;
    }
    let a = normal::upper_tail(c);
    let (x, n) = (x as u64, n as u64);
    let lower = if x == 0 { 0.0 } else { bisect(0.0, 1.0, a, |p| binom_upper(x, n, p)) };
    let upper = if x == n { 1.0 } else { bisect(0.0, 1.0, 1.0 - a, |p| binom_upper(x + 1, n, p)) };
    Some((lower, upper))
}

/// One trial's group-sequential analysis of responses from the counts at its looks (the
/// DMC's): the efficacy boundaries on the z scale (two arms: `spending` at one-sided `alpha`
/// spent at the patients assessed over `planned`, as [`super::stopping::monitor`]; a single arm
/// with `null_rate`: the exact binomial boundaries, [`super::binomial_looks`]), the z at each
/// look (the uncorrected chi-square's, or Farrington–Manning's against `margin`; a single
/// arm's exact z), the look where the trial stops, the inference there and the repeated
/// intervals up to it.
#[derive(Debug, Clone, PartialEq)]
pub struct RatesMonitored {
    pub z: Vec<f64>,
    pub boundaries: Vec<f64>,
    pub stop: usize,
    pub rejected: bool,
    pub inference: Option<Inference>,
    pub repeated: Vec<Option<(f64, f64)>>,
}

/// See [`RatesMonitored`]; `is_final`: the last look is the final analysis (it spends what is
/// left).
#[allow(clippy::too_many_arguments)]
pub fn monitor(
    counts: &[TwoByTwo],
    null_rate: Option<f64>,
    margin: f64,
    planned: f64,
    spending: super::spending::Spending,
    alpha: f64,
    is_final: bool,
) -> RatesMonitored {
    let n = counts.len();
    // A look without patients in an arm has no information, no test and no z (not a z of 0).
    let info: Vec<f64> = match null_rate {
        Some(_) => counts.iter().map(|t| t.n_treatment as f64).collect(),
        None => counts
            .iter()
            .map(|t| if t.n_treatment == 0 || t.n_control == 0 { 0.0 } else { (t.n_treatment + t.n_control) as f64 })
            .collect(),
    };
    let (boundaries, z) = match null_rate {
        None => {
            let z: Vec<f64> = counts
                .iter()
                .zip(&info)
                .map(|(&t, &i)| if i > 0.0 { farrington_manning(t, margin) } else { f64::NAN })
                .collect();
            (super::stopping::monitor(&z, &info, planned, spending, alpha, is_final).boundaries, z)
        }
        Some(p0) => {
            let (keep, _, mut spend) = super::spending::information(&info, planned);
            if let (false, Some(&k), Some(last)) = (is_final, keep.last(), spend.last_mut()) {
                *last = (info[k] / planned).min(1.0);
            }
            let kept: Vec<u32> = keep.iter().map(|&k| counts[k].n_treatment as u32).collect();
            let r = super::binomial_looks::boundaries(&kept, p0, spending, alpha, &spend, &vec![0; kept.len()]);
            let mut b = vec![f64::INFINITY; n];
            for (j, &k) in keep.iter().enumerate() {
                b[k] = super::binary::exact_z(r[j] as u64, kept[j] as u64, p0);
            }
            let z = counts
                .iter()
                .map(|t| {
                    if t.n_treatment > 0 { super::binary::exact_z(t.x_treatment, t.n_treatment, p0) } else { f64::NAN }
                })
                .collect();
            (b, z)
        }
    };
    let crossed = (0..n).find(|&k| z[k] >= boundaries[k]);
    let stop = crossed.unwrap_or(n - 1);
    let repeated: Vec<Option<(f64, f64)>> = (0..=stop)
        .map(|k| match null_rate {
            Some(_) => single_arm_repeated(counts[k].x_treatment as u32, counts[k].n_treatment as u32, boundaries[k]),
            None => two_arm_repeated(counts[k], boundaries[k]),
        })
        .collect();
    let inference = match null_rate {
        None => {
            let floor = vec![f64::NEG_INFINITY; n];
            two_arm(counts, &z, &boundaries, &floor, stop, alpha, margin)
        }
        Some(p0) => {
            // The looks with new patients, the responders to reject at each.
            let (mut ns, mut reject) = (Vec::new(), Vec::new());
            for (k, t) in counts[..=stop].iter().enumerate() {
                let nk = t.n_treatment as u32;
                if nk > ns.last().copied().unwrap_or(0) {
                    ns.push(nk);
                    reject.push(super::binomial_looks::futility_floor(nk, p0, boundaries[k]));
                }
            }
            let x = counts[stop].x_treatment as u32;
            (!ns.is_empty()).then(|| {
                let floors = vec![0; ns.len()];
                single_arm_exact(&ExactLooks { n: &ns, reject: &reject, floor: &floors }, x, p0, alpha)
            })
        }
    };
    RatesMonitored { z, boundaries, stop, rejected: crossed.is_some(), inference, repeated }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn nums(v: &Value) -> Vec<f64> {
        match v.as_array() {
            Some(a) => a.iter().map(|x| x.as_f64().unwrap()).collect(),
            None => vec![v.as_f64().unwrap()],
        }
    }

    /// Against rpact 3.3.4 `getAnalysisResults` on rates (`make_rpact_rates_stopping_refs.R`):
    /// two arms at 1:1 and 2:1, O'Brien–Fleming, Pocock and binding futility, every stopping
    /// look; the p-value, the median-unbiased difference, its interval and the repeated
    /// intervals to 1e-6 (rpact's root-finding tolerance); the z's to 1e-9; a single arm's
    /// repeated intervals of the exact case. The check `peritrial verify` runs.
    #[test]
    fn rates_inference_agrees_with_rpact() {
        let c = crate::verify::rpact_rates_stopping();
        assert!(c.passed() && c.compared >= 36 * 6 + 8 * 4, "{} compared: {:#?}", c.compared, c.failures);
        eprintln!("largest difference from rpact: {:.2e} over {} values", c.largest_deviation, c.compared);
    }

    /// Against an independent base-R computation (`make_exact_binomial_gs_refs.R`, `inference`:
    /// its own convolution and `uniroot`): the p-value, the median-unbiased rate and the exact
    /// interval after stopping at each look, with and without a binding futility rule's floors,
    /// to 1e-9.
    #[test]
    fn single_arm_exact_inference_agrees_with_r() {
        let refs: Value =
            serde_json::from_str(include_str!("../../tests/reference/exact_binomial_gs_refs.json")).unwrap();
        let cases = refs["inference"].as_array().unwrap();
        assert!(cases.len() >= 10);
        let u32s = |v: &Value| -> Vec<u32> { nums(v).iter().map(|&x| x as u32).collect() };
        for c in cases {
            let (n, reject, floor) = (u32s(&c["n"]), u32s(&c["responders_to_reject"]), u32s(&c["floor"]));
            let d = ExactLooks { n: &n, reject: &reject, floor: &floor };
            let x = c["responders"].as_u64().unwrap() as u32;
            let r = single_arm_exact(&d, x, c["p0"].as_f64().unwrap(), 0.025);
            for (what, got, key) in [
                ("p", r.p, "p"),
                ("mue", r.median_unbiased, "median_unbiased"),
                ("lower", r.lower, "lower"),
                ("upper", r.upper, "upper"),
            ] {
                let want = c[key].as_f64().unwrap();
                assert!((got - want).abs() < 1e-9, "{c}\n{what}: {got} against R {want}");
            }
        }
    }

    /// The Farrington–Manning inversion (false position) equals bisection's to 1e-10 over
    /// tables from extreme to balanced and z from −4 to 4.
    #[test]
    fn fm_inversion_equals_bisection() {
        for (x1, n1, x0, n0) in [(0, 20, 0, 20), (20, 20, 0, 20), (13, 40, 12, 40), (85, 100, 63, 100), (3, 7, 5, 50)] {
            let t = TwoByTwo { x_treatment: x1, n_treatment: n1, x_control: x0, n_control: n0 };
            for z in [-4.0, -1.96, -0.3, 0.0, 0.5, 1.96, 2.8, 4.0] {
                let want = bisect(-1.0 + 1e-9, 1.0 - 1e-9, -z, |d| -farrington_manning(t, d));
                let got = invert_fm(t, z);
                assert!((got - want).abs() < 1e-10, "{t:?} z {z}: {got} against {want}");
            }
        }
    }

    /// At a single look the exact ordering is the binomial's: the p-value P(X ≥ x | p0) and the
    /// Clopper–Pearson interval.
    #[test]
    fn single_arm_exact_at_one_look_is_clopper_pearson() {
        let d = ExactLooks { n: &[40], reject: &[41], floor: &[0] };
        let r = single_arm_exact(&d, 13, 0.2, 0.025);
        let (lo, hi) = super::super::binary::clopper_pearson(13, 40, 0.95);
        assert!((r.lower - lo).abs() < 1e-9 && (r.upper - hi).abs() < 1e-9, "{r:?} against {lo} {hi}");
        assert!((r.p - binom_upper(13, 40, 0.2)).abs() < 1e-12);
        assert!(r.lower < r.median_unbiased && r.median_unbiased < r.upper);
    }
}
