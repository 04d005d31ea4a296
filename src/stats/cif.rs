//! Cumulative incidence of the event of interest with competing events, by the
//! Aalen–Johansen estimator (Aalen & Johansen 1978): F(t) = Σ_{t_i ≤ t} S(t_i−) d_i / n_i,
//! with S the Kaplan–Meier estimate of being free of any event. Its point estimate is what R
//! `survfit` computes for a multi-state (competing risks) outcome; its variance is the
//! Aalen-type estimator of Gray's `cmprsk::cuminc` (with its correction for tied events).
//! Gray's (1988) test compares two arms' cumulative incidence as `cuminc`'s test does.

use super::{RiskTable, Row, normal};

/// One Aalen–Johansen step at a row with `rs` at risk, `nd1` events of interest and `nd`
/// events of any cause: F gains S(t−)·nd1/rs and S becomes S(t−)·(rs − nd)/rs.
#[inline(always)]
fn step((fk, f): (f64, f64), rs: f64, nd1: f64, nd: f64) -> (f64, f64) {
    (fk * (rs - nd) / rs, f + fk * nd1 / rs)
}

/// The cumulative incidence (Aalen–Johansen) of the event of interest in both arms of a table
/// at each month of an ascending grid, in one pass over its rows (the estimator of
/// [`cumulative_incidence`], the same operations): `each(k, [F₀, F₁])` at grid month k.
#[inline(always)]
pub fn incidence_on_grid(rows: &[Row], grid: &[f64], mut each: impl FnMut(usize, [f64; 2])) {
    let mut state = [(1.0f64, 0.0f64); 2];
    let mut r = 0;
    for (k, &t) in grid.iter().enumerate() {
        while r < rows.len() && rows[r].time <= t {
            let row = &rows[r];
            for (a, st) in state.iter_mut().enumerate() {
                let (rs, nd1) = (row.n[a] as f64, row.d[a] as f64);
                let nd = nd1 + row.dc[a] as f64;
                if nd > 0.0 && rs > 0.0 {
                    *st = step(*st, rs, nd1, nd);
                }
            }
            r += 1;
        }
        each(k, [state[0].1, state[1].1]);
    }
}

/// F(t) for one arm (`Some(arm)`) or pooled, from the rows of one stratum; `None` beyond
/// `last_time` (the group's largest observed time).
pub fn cumulative_incidence(rows: &[Row], arm: Option<usize>, t: f64, last_time: f64) -> Option<f64> {
    cumulative_incidence_with_variance(rows, arm, t, last_time).map(|(f, _)| f)
}

/// F(t) and its variance as `cmprsk::cuminc` (Gray 1988); `None` beyond `last_time`.
pub fn cumulative_incidence_with_variance(
    rows: &[Row],
    arm: Option<usize>,
    t: f64,
    last_time: f64,
) -> Option<(f64, f64)> {
    if t > last_time {
        return None;
    }
    let (mut fk, mut f) = (1.0f64, 0.0f64);
    let (mut v1, mut v2, mut v3) = (0.0f64, 0.0f64, 0.0f64);
    // One event type's contribution: t6 = S(t−)² · c · nd / n², c the tie correction.
    let add = |nd: f64, rs: f64, fk: f64, t3: f64, t4: f64, v: &mut (f64, f64, f64)| {
        let c = if nd > 1.0 { 1.0 - (nd - 1.0) / (rs - 1.0) } else { 1.0 };
        let t6 = fk * fk * c * nd / (rs * rs);
        v.0 += t4 * t4 * t6;
        v.1 += t3 * t4 * t6;
        v.2 += t3 * t3 * t6;
    };
    for r in rows {
        if r.time > t {
            break;
        }
        let (rs, nd1, nd2) = match arm {
            Some(a) => (r.n[a] as f64, r.d[a] as f64, r.dc[a] as f64),
            None => (r.n_total() as f64, r.d_total() as f64, (r.dc[0] + r.dc[1]) as f64),
        };
        let nd = nd1 + nd2;
        if nd == 0.0 || rs == 0.0 {
            continue;
        }
        let fkn;
        (fkn, f) = step((fk, f), rs, nd1, nd);
        let mut v = (v1, v2, v3);
        if nd2 > 0.0 && fkn > 0.0 {
            add(nd2, rs, fk, 1.0 / fkn, f / fkn, &mut v);
        }
        if nd1 > 0.0 {
            let t3 = if fkn > 0.0 { 1.0 / fkn } else { 0.0 };
            add(nd1, rs, fk, t3, 1.0 + t3 * f, &mut v);
        }
        (v1, v2, v3) = v;
        fk = fkn;
    }
    Some((f, v1 + f * f * v3 - 2.0 * f * v2))
}

/// Gray's test of equal cumulative incidence of the event of interest in the two arms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gray {
    /// The treatment arm's score: observed minus expected events of interest, weighted;
    /// positive when the treatment arm's cumulative incidence is the higher.
    pub score: f64,
    pub variance: f64,
    /// score² / variance, chi-square on 1 degree of freedom.
    pub statistic: f64,
    pub p_value: f64,
}

/// Gray's (1988) K-sample test for K = 2, with weight (1 − F̂(t−))^ρ: the score
/// Σ_t w(t) (d₁(t) − d(t) R₁(t)/R(t)), where R_k = n_k (1 − F_k(t−))/S_k(t−) is arm k's
/// number at risk of the subdistribution, and its variance from the asymptotic
/// representation of the paper's §3 (terms for the events of interest and for the
/// competing events, each with the tie correction), summed over the strata of `table` (one
/// stratum: the unstratified test). `cmprsk::cuminc(ftime, fstatus, group, strata, rho)`
/// computes the same statistic. None when the variance is not positive (one arm empty, no
/// event of interest while both arms are at risk).
pub fn gray_test(table: &RiskTable, rho: f64) -> Option<Gray> {
    let (mut score, mut variance) = (0.0f64, 0.0f64);
    for k in 0..table.strata.len() {
        let (s, v) = gray_stratum(table.stratum(k), rho);
        score += s;
        variance += v;
    }
    (variance > 0.0 && variance.is_finite()).then(|| {
        let statistic = score * score / variance;
        Gray { score, variance, statistic, p_value: normal::chisq1_upper(statistic) }
    })
}

/// One stratum's score of the treatment arm (index 1) and its variance.
fn gray_stratum(rows: &[Row], rho: f64) -> (f64, f64) {
    const I: usize = 1;
    // Left limits at the current time: each arm's all-cause Kaplan–Meier S(t−) and cumulative
    // incidence F(t−), and the pooled F(t−) of the weight.
    let (mut s_left, mut f_left, mut pooled_left) = ([1.0f64; 2], [0.0f64; 2], 0.0f64);
    // c[k] accumulates the influence of arm k's terms on the treatment arm's score; v3 and
    // v2 the variance's pieces that c multiplies at the end.
    let (mut c, mut v2, mut v3) = ([0.0f64; 2], [0.0f64; 2], [0.0f64; 2]);
    let mut cc = [[0.0f64; 2]; 2];
    let (mut score, mut var) = (0.0f64, 0.0f64);
    for r in rows {
        let n = [r.n[0] as f64, r.n[1] as f64];
        let d1 = [r.d[0] as f64, r.d[1] as f64];
        let d2 = [r.dc[0] as f64, r.dc[1] as f64];
        let (nd1, nd2) = (d1[0] + d1[1], d2[0] + d2[1]);
        if nd1 == 0.0 && nd2 == 0.0 {
            continue;
        }
        let at_risk = [n[0] > 0.0, n[1] > 0.0];
        let (mut s_right, mut f_right) = (s_left, f_left);
        let (mut tr, mut tq) = (0.0f64, 0.0f64);
        for k in 0..2 {
            if at_risk[k] {
                s_right[k] = s_left[k] * (n[k] - d1[k] - d2[k]) / n[k];
                f_right[k] = f_left[k] + s_left[k] * d1[k] / n[k];
                tr += n[k] / s_left[k];
                tq += n[k] * (1.0 - f_left[k]) / s_left[k];
            }
        }
        let pooled = pooled_left + nd1 / tr;
        let w = (1.0 - pooled_left).powf(rho);
        // a[j][k]: the derivative of arm j's score increment with respect to arm k's counts.
        let t = [n[0] / s_left[0], n[1] / s_left[1]];
        let mut a = [[0.0f64; 2]; 2];
        for j in 0..2 {
            for k in 0..2 {
                if at_risk[j] && at_risk[k] {
                    a[j][k] = if j == k { w * t[j] * (1.0 - t[j] / tr) } else { -w * t[j] * t[k] / tr };
                    cc[j][k] += a[j][k] * nd1 / (tr * (1.0 - pooled_left));
                }
            }
        }
        c = cc[I];
        if at_risk[I] {
            score += w * (d1[I] - nd1 * n[I] * (1.0 - f_left[I]) / (s_left[I] * tq));
        }
        if nd1 > 0.0 {
            for k in 0..2 {
                if !at_risk[k] {
                    continue;
                }
                let t4 = if s_right[k] > 0.0 { 1.0 - (1.0 - pooled) / s_right[k] } else { 1.0 };
                let ties = if nd1 > 1.0 { 1.0 - (nd1 - 1.0) / (tr * s_left[k] - 1.0) } else { 1.0 };
                let t3 = ties * s_left[k] * nd1 / (tr * n[k]);
                v3[k] += t4 * t4 * t3;
                let t1 = a[I][k] - t4 * c[k];
                v2[k] += t1 * t4 * t3;
                var += t1 * t1 * t3;
            }
        }
        if nd2 > 0.0 {
            for k in 0..2 {
                if !(s_right[k] > 0.0 && d2[k] > 0.0) {
                    continue;
                }
                let t4 = (1.0 - pooled) / s_right[k];
                let ties = if d2[k] > 1.0 { 1.0 - (d2[k] - 1.0) / (n[k] - 1.0) } else { 1.0 };
                let t3 = ties * s_left[k] * s_left[k] * d2[k] / (n[k] * n[k]);
                v3[k] += t4 * t4 * t3;
                let t1 = t4 * c[k];
                v2[k] -= t1 * t4 * t3;
                var += t1 * t1 * t3;
            }
        }
        (s_left, f_left, pooled_left) = (s_right, f_right, pooled);
    }
    for k in 0..2 {
        var += c[k] * c[k] * v3[k] + 2.0 * c[k] * v2[k];
    }
    (score, var)
}

#[cfg(test)]
mod tests {
    use super::super::{Obs, RiskTable};
    use super::*;

    /// The curves on a grid (the engine's, one pass) are the estimators of `cif` and `km` at
    /// each month, to the bit: each statistic has one implementation.
    #[test]
    fn the_grid_curves_are_the_estimators_at_each_month() {
        let mut state = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200 {
            let n = 1 + (next() % 80) as usize;
            let mut obs: Vec<Obs> = (0..n)
                .map(|_| Obs {
                    time: (next() % 60) as f64 / 2.0,
                    status: (next() % 3) as u8,
                    arm: (next() % 2) as u8,
                    stratum: 0,
                })
                .collect();
            obs.sort_by(|a, b| a.time.total_cmp(&b.time));
            let table = RiskTable::build(&obs, true);
            let grid: Vec<f64> = (0..16).map(|k| k as f64 * 2.5).collect();
            let last = f64::INFINITY;
            incidence_on_grid(&table.rows, &grid, |k, f| {
                for (a, v) in f.iter().enumerate() {
                    let want = cumulative_incidence(&table.rows, Some(a), grid[k], last).unwrap();
                    assert_eq!(v.to_bits(), want.to_bits(), "incidence of arm {a} at {}", grid[k]);
                }
            });
            super::super::km::survival_on_grid(&table.rows, &grid, |k, s| {
                for (a, v) in s.iter().enumerate() {
                    let want = super::super::km::KmCurve::survival_at(&table.rows, Some(a), grid[k], last).unwrap();
                    assert_eq!(v.to_bits(), want.to_bits(), "survival of arm {a} at {}", grid[k]);
                }
            });
        }
    }

    #[test]
    fn without_competing_events_it_is_one_minus_km() {
        let obs: Vec<Obs> = [(1.0, 1), (2.0, 0), (3.0, 1), (4.0, 1), (5.0, 0)]
            .iter()
            .map(|&(time, status)| Obs { time, status, arm: 0, stratum: 0 })
            .collect();
        let t = RiskTable::build(&obs, true);
        let km = super::super::km::KmCurve::from_rows(&t.rows, Some(0), 5.0);
        for x in [0.5, 1.0, 3.5, 4.0, 5.0] {
            assert!((cumulative_incidence(&t.rows, Some(0), x, 5.0).unwrap() - (1.0 - km.survival(x))).abs() < 1e-15);
        }
    }

    #[test]
    fn incidences_of_both_causes_add_up_to_one_minus_overall_survival() {
        // Events at 1 (cause 1), 2 (cause 2), 3 (cause 1) among 4; one censored at 4.
        let obs: Vec<Obs> = [(1.0, 1), (2.0, 2), (3.0, 1), (4.0, 0)]
            .iter()
            .map(|&(time, status)| Obs { time, status, arm: 0, stratum: 0 })
            .collect();
        let t = RiskTable::build(&obs, true);
        let f1 = cumulative_incidence(&t.rows, Some(0), 3.0, 4.0).unwrap();
        assert!((f1 - (0.25 + 0.5 * 1.0 / 2.0)).abs() < 1e-15);
    }
}
