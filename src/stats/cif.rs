//! Cumulative incidence of the event of interest with competing events, by the
//! Aalen–Johansen estimator (Aalen & Johansen 1978): F(t) = Σ_{t_i ≤ t} S(t_i−) d_i / n_i,
//! with S the Kaplan–Meier estimate of being free of any event. Its point estimate is what R
//! `survfit` computes for a multi-state (competing risks) outcome; its variance is the
//! Aalen-type estimator of Gray's `cmprsk::cuminc` (with its correction for tied events).

use super::Row;

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
        let fkn = fk * (rs - nd) / rs;
        f += fk * nd1 / rs;
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

#[cfg(test)]
mod tests {
    use super::super::{Obs, RiskTable};
    use super::*;

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
