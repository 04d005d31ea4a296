//! Kaplan–Meier estimation with Greenwood variance (Kaplan & Meier 1958; Greenwood 1926),
//! following R `survival::survfit` conventions: survival and its standard error at
//! milestones as `summary(fit, times = …)`, the median and its Brookmeyer–Crowley interval
//! (log-transformed pointwise limits) as `quantile.survfit`, and the restricted mean survival
//! time with its standard error as `print(fit, rmean = tau)`.

use super::Row;
use super::normal;

/// One Kaplan–Meier factor: S(t) = S(t−)·(1 − d/n); an arm with none at risk has no events,
/// so its factor is 1.
#[inline(always)]
fn step(s: f64, n: f64, d: f64) -> f64 {
    if d > 0.0 { s * (1.0 - d / n) } else { s }
}

/// Kaplan–Meier survival of both arms of a table at each month of an ascending grid, in one
/// pass over its rows (the estimator of [`KmCurve::survival_at`], the same operations):
/// `each(k, [S₀, S₁])` at grid month k.
#[inline(always)]
pub fn survival_on_grid(rows: &[Row], grid: &[f64], mut each: impl FnMut(usize, [f64; 2])) {
    let mut surv = [1.0f64; 2];
    let mut r = 0;
    for (k, &t) in grid.iter().enumerate() {
        while r < rows.len() && rows[r].time <= t {
            for (a, s) in surv.iter_mut().enumerate() {
                *s = step(*s, rows[r].n[a] as f64, rows[r].d[a] as f64);
            }
            r += 1;
        }
        each(k, surv);
    }
}

/// A Kaplan–Meier curve: its jumps only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KmCurve {
    /// Event times (where the curve drops), increasing.
    pub times: Vec<f64>,
    /// S(t) just after each event time.
    pub surv: Vec<f64>,
    /// Greenwood's cumulative Σ d / (n (n − d)) up to each event time: the variance of log S.
    pub greenwood: Vec<f64>,
    /// The last observed time (event or censoring) of the group.
    pub last_time: f64,
}

/// Survival at a time point, with its Greenwood standard error on the survival scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurvivalAt {
    pub time: f64,
    pub survival: f64,
    pub std_err: f64,
}

/// A median (or other quantile) with its confidence interval; `None` where not reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantile {
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// Restricted mean survival time to `tau` with its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rmst {
    pub tau: f64,
    pub estimate: f64,
    pub std_err: f64,
}

impl KmCurve {
    /// The curve of one arm (`Some(arm)`) or of both pooled (`None`) from the rows of one
    /// stratum. Competing events count as censorings. `last_time` is the group's largest time.
    pub fn from_rows(rows: &[Row], arm: Option<usize>, last_time: f64) -> KmCurve {
        let mut c = KmCurve { last_time, ..KmCurve::default() };
        let mut s = 1.0;
        let mut g = 0.0;
        for r in rows {
            let (n, d) = match arm {
                Some(a) => (r.n[a] as f64, r.d[a] as f64),
                None => (r.n_total() as f64, r.d_total() as f64),
            };
            if d == 0.0 {
                continue;
            }
            s *= 1.0 - d / n;
            g += if n > d { d / (n * (n - d)) } else { f64::INFINITY };
            c.times.push(r.time);
            c.surv.push(s);
            c.greenwood.push(g);
        }
        c
    }

    /// S(t) of one arm (or of all) as `from_rows(rows, arm, last_time).at(t)` gives it, without
    /// building the curve (no allocation: the engine asks this of every trial).
    pub fn survival_at(rows: &[Row], arm: Option<usize>, t: f64, last_time: f64) -> Option<f64> {
        if t > last_time {
            return None;
        }
        let mut s = 1.0;
        for r in rows.iter().take_while(|r| r.time <= t) {
            let (n, d) = match arm {
                Some(a) => (r.n[a] as f64, r.d[a] as f64),
                None => (r.n_total() as f64, r.d_total() as f64),
            };
            s = step(s, n, d);
        }
        Some(s)
    }

    /// Index of the last jump at or before `t`.
    fn index_at(&self, t: f64) -> Option<usize> {
        let k = self.times.partition_point(|&x| x <= t);
        k.checked_sub(1)
    }

    /// S(t), right-continuous.
    pub fn survival(&self, t: f64) -> f64 {
        self.index_at(t).map_or(1.0, |i| self.surv[i])
    }

    /// S(t) and its standard error, or `None` beyond the last observed time (as
    /// `summary.survfit` with `extend = FALSE`).
    pub fn at(&self, t: f64) -> Option<SurvivalAt> {
        if t > self.last_time {
            return None;
        }
        Some(match self.index_at(t) {
            None => SurvivalAt { time: t, survival: 1.0, std_err: 0.0 },
            Some(i) => {
                let s = self.surv[i];
                let se = if s > 0.0 { s * self.greenwood[i].sqrt() } else { 0.0 };
                SurvivalAt { time: t, survival: s, std_err: se }
            }
        })
    }

    /// Quantile p of the event time (p = 0.5: the median), with the Brookmeyer–Crowley
    /// interval from log-transformed pointwise limits at level `conf` (R's default 0.95).
    pub fn quantile(&self, p: f64, conf: f64) -> Quantile {
        let z = normal::quantile(0.5 + conf / 2.0);
        let cdf = |f: &dyn Fn(usize) -> f64| -> Vec<f64> { (0..self.times.len()).map(|i| 1.0 - f(i)).collect() };
        let est = cdf(&|i| self.surv[i]);
        let se_log = |i: usize| self.greenwood[i].sqrt();
        // survfit's log interval: S·exp(±z·se(log S)), upper capped at 1; NA where S = 0.
        let lower = cdf(&|i| if self.surv[i] > 0.0 { self.surv[i] * (-z * se_log(i)).exp() } else { f64::NAN });
        let upper =
            cdf(&|i| if self.surv[i] > 0.0 { (self.surv[i] * (z * se_log(i)).exp()).min(1.0) } else { f64::NAN });
        Quantile {
            estimate: findq(&self.times, &est, p, self.last_time),
            // The lower survival limit reaches p first: it gives the lower limit of the quantile.
            lower: findq(&self.times, &lower, p, self.last_time),
            upper: findq(&self.times, &upper, p, self.last_time),
        }
    }

    /// The median event time with its 95% interval.
    pub fn median(&self) -> Quantile {
        self.quantile(0.5, 0.95)
    }

    /// Restricted mean survival time: the area under the curve from 0 to `tau`, with the
    /// standard error Σ A_i² d_i/(n_i(n_i − d_i)), A_i the area from the i-th event time to tau.
    pub fn rmst(&self, tau: f64) -> Rmst {
        let mut area = 0.0;
        let mut prev_t = 0.0;
        let mut prev_s = 1.0;
        // Areas after each event time, accumulated backwards.
        let k = self.times.partition_point(|&x| x <= tau);
        for i in 0..k {
            area += prev_s * (self.times[i] - prev_t);
            prev_t = self.times[i];
            prev_s = self.surv[i];
        }
        area += prev_s * (tau - prev_t);
        let mut var = 0.0;
        let mut tail = 0.0; // ∫_{t_i}^{tau} S
        let mut next_t = tau;
        for i in (0..k).rev() {
            tail += self.surv[i] * (next_t - self.times[i]);
            next_t = self.times[i];
            let inc = self.greenwood[i] - if i > 0 { self.greenwood[i - 1] } else { 0.0 };
            if inc.is_finite() {
                var += tail * tail * inc;
            }
        }
        Rmst { tau, estimate: area, std_err: var.sqrt() }
    }
}

/// A difference between the arms (arm 1 − arm 0) with its standard error: the RMST or the
/// survival at a milestone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub estimate: f64,
    pub std_err: f64,
}

impl Difference {
    /// The Wald z of the difference against 0 (positive: arm 1 lives longer).
    pub fn z(&self) -> f64 {
        self.estimate / self.std_err
    }
}

/// The difference in restricted mean survival time to `tau` (arm 1 − arm 0) from a pooled risk
/// table and each arm's last observed time (event or censoring; −∞ for an arm without
/// patients), with the standard error of the independent arms' areas (`KmCurve::rmst`). None
/// where an arm is followed for less than `tau` (survRM2 refuses such a τ: the curve beyond
/// the last time is not observed), or where the variance is 0.
pub fn rmst_difference(rows: &[Row], last: [f64; 2], tau: f64) -> Option<Difference> {
    let arm =
        |a: usize| -> Option<Rmst> { (last[a] >= tau).then(|| KmCurve::from_rows(rows, Some(a), last[a]).rmst(tau)) };
    let (c, t) = (arm(0)?, arm(1)?);
    let se = (c.std_err * c.std_err + t.std_err * t.std_err).sqrt();
    (se > 0.0 && se.is_finite()).then_some(Difference { estimate: t.estimate - c.estimate, std_err: se })
}

/// The difference in Kaplan–Meier survival at `month` (arm 1 − arm 0) from a pooled risk
/// table and each arm's last observed time, with the standard error from each arm's Greenwood
/// variance (`KmCurve::at`). None where an arm is not followed to `month` or the variance is 0.
pub fn survival_difference(rows: &[Row], last: [f64; 2], month: f64) -> Option<Difference> {
    let arm = |a: usize| KmCurve::from_rows(rows, Some(a), last[a]).at(month);
    let (c, t) = (arm(0)?, arm(1)?);
    let se = (c.std_err * c.std_err + t.std_err * t.std_err).sqrt();
    (se > 0.0 && se.is_finite()).then_some(Difference { estimate: t.survival - c.survival, std_err: se })
}

/// R survival's `findq`: the quantile p of a step CDF `y` (values after each jump time `x`),
/// taking the midpoint of a flat lying exactly at p (within √ε).
fn findq(x: &[f64], y: &[f64], p: f64, xmax: f64) -> Option<f64> {
    let tol = f64::EPSILON.sqrt();
    // The curve starts at (0, 0); drop repeated values (and undefined ones).
    let mut xs = vec![0.0];
    let mut ys = vec![0.0];
    for (&xi, &yi) in x.iter().zip(y) {
        if yi.is_nan() {
            continue;
        }
        if yi != *ys.last().expect("not empty") {
            xs.push(xi);
            ys.push(yi);
        }
    }
    if ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max) < p {
        return None;
    }
    if p == 0.0 {
        return Some(xs[0]);
    }
    let n = ys.len();
    let first_at_least = |shift: f64| (0..n).find(|&j| ys[j] + shift >= p);
    let i1 = first_at_least(tol);
    let i2 = first_at_least(-tol);
    if (p - ys[n - 1]).abs() < tol
        && let Some(i1) = i1
    {
        return Some((xs[i1] + xmax) / 2.0);
    }
    match (i1, i2) {
        (Some(a), Some(b)) => Some((xs[a] + xs[b]) / 2.0),
        _ => None,
    }
}

/// The steps of the Kaplan–Meier survival (or, with `competing`, the Aalen–Johansen cumulative
/// incidence of status 1, status 2 competing) of observations (time, status: 0 censored, 1
/// event, 2 competing event), which it sorts by time, events before censorings at a tie:
/// (0, 1 or 0) and then (time, value) at each time with an event of interest.
pub fn steps(obs: &mut [(f64, u8)], competing: bool) -> Vec<(f64, f64)> {
    obs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(b.1.min(1).cmp(&a.1.min(1))));
    let mut at_risk = obs.len() as f64;
    let (mut surv, mut inc) = (1.0f64, 0.0f64);
    let mut out = vec![(0.0, if competing { 0.0 } else { 1.0 })];
    let mut j = 0;
    while j < obs.len() {
        let t = obs[j].0;
        let (mut d, mut dc, mut c) = (0.0, 0.0, 0.0);
        while j < obs.len() && obs[j].0 == t {
            match obs[j].1 {
                1 => d += 1.0,
                2 => dc += 1.0,
                _ => c += 1.0,
            }
            j += 1;
        }
        if at_risk > 0.0 {
            inc += surv * d / at_risk;
            surv *= 1.0 - if competing { d + dc } else { d } / at_risk;
        }
        if d > 0.0 {
            out.push((t, if competing { inc } else { surv }));
        }
        at_risk -= d + dc + c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Obs, RiskTable};
    use super::*;

    #[test]
    fn survival_at_equals_the_curve() {
        let mut state = 99u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state >> 33
        };
        let mut obs: Vec<Obs> = (0..400)
            .map(|_| Obs {
                time: (next() % 120) as f64 / 4.0,
                status: (next() % 3) as u8,
                arm: (next() % 2) as u8,
                stratum: 0,
            })
            .collect();
        super::super::sort_by_stratum_time(&mut obs);
        let table = RiskTable::build(&obs, true);
        for arm in [Some(0), Some(1), None] {
            let curve = KmCurve::from_rows(&table.rows, arm, 28.0);
            for k in 0..130 {
                let t = k as f64 / 4.0 - 0.1;
                let want = curve.at(t).map(|s| s.survival.to_bits());
                assert_eq!(KmCurve::survival_at(&table.rows, arm, t, 28.0).map(f64::to_bits), want, "{arm:?} {t}");
            }
        }
    }

    fn curve(times: &[(f64, u8)]) -> KmCurve {
        let mut obs: Vec<Obs> = times.iter().map(|&(time, status)| Obs { time, status, arm: 0, stratum: 0 }).collect();
        obs.sort_by(|a, b| a.time.total_cmp(&b.time));
        let t = RiskTable::build(&obs, true);
        KmCurve::from_rows(&t.rows, Some(0), obs.last().unwrap().time)
    }

    #[test]
    fn textbook_curve() {
        // 6 patients: events at 1, 3, 3; censored at 2, 4, 5.
        let c = curve(&[(1.0, 1), (2.0, 0), (3.0, 1), (3.0, 1), (4.0, 0), (5.0, 0)]);
        assert!((c.survival(1.0) - 5.0 / 6.0).abs() < 1e-15);
        assert!((c.survival(3.0) - 5.0 / 6.0 * 2.0 / 4.0).abs() < 1e-15);
        assert_eq!(c.survival(0.5), 1.0);
        assert!(c.at(6.0).is_none());
    }

    #[test]
    fn median_on_a_flat_at_one_half_is_the_midpoint() {
        // S = 0.5 after the 2nd of 4 events, next drop at 7: median (3 + 7) / 2 = 5.
        let c = curve(&[(1.0, 1), (3.0, 1), (7.0, 1), (9.0, 1)]);
        assert_eq!(c.median().estimate, Some(5.0));
        let c = curve(&[(1.0, 1), (3.0, 1), (7.0, 1), (9.0, 1), (11.0, 1)]);
        assert_eq!(c.median().estimate, Some(7.0));
    }

    #[test]
    fn rmst_of_a_curve_without_events_is_tau() {
        let c = curve(&[(10.0, 0), (20.0, 0)]);
        let r = c.rmst(15.0);
        assert_eq!(r.estimate, 15.0);
        assert_eq!(r.std_err, 0.0);
    }
}
