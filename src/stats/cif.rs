//! Cumulative incidence of the event of interest with competing events, by the
//! Aalen–Johansen estimator (Aalen & Johansen 1978): F(t) = Σ_{t_i ≤ t} S(t_i−) d_i / n_i,
//! with S the Kaplan–Meier estimate of being free of any event. Its point estimate is what R
//! `survfit` computes for a multi-state (competing risks) outcome.

use super::Row;

/// F(t) for one arm (`Some(arm)`) or pooled, from the rows of one stratum; `None` beyond
/// `last_time` (the group's largest observed time).
pub fn cumulative_incidence(rows: &[Row], arm: Option<usize>, t: f64, last_time: f64) -> Option<f64> {
    if t > last_time {
        return None;
    }
    let mut s = 1.0;
    let mut f = 0.0;
    for r in rows {
        if r.time > t {
            break;
        }
        let (n, d, dc) = match arm {
            Some(a) => (r.n[a] as f64, r.d[a] as f64, r.dc[a] as f64),
            None => (r.n_total() as f64, r.d_total() as f64, (r.dc[0] + r.dc[1]) as f64),
        };
        if n == 0.0 {
            continue;
        }
        f += s * d / n;
        s *= 1.0 - (d + dc) / n;
    }
    Some(f)
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
