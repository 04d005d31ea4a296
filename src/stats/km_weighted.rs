//! The weighted Kaplan–Meier estimate (R's `survfit(Surv(time, status) ~ 1, weights = w)`)
//! with its two standard errors: the infinitesimal jackknife, which survfit reports for
//! non-integer weights (`robust = TRUE`: Var S(t) = Σᵢ (wᵢ ∂S(t)/∂wᵢ)²), and Greenwood's with
//! the weighted counts (`robust = FALSE`, which treats the weights as frequencies). With
//! propensity weights it is the marginal survival curve of the weighted population.

/// The curve at its event times: (time, weighted at risk, weighted events, survival, jackknife
/// SE, Greenwood SE).
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedKm {
    pub time: Vec<f64>,
    pub at_risk: Vec<f64>,
    pub events: Vec<f64>,
    pub survival: Vec<f64>,
    pub se: Vec<f64>,
    pub se_greenwood: Vec<f64>,
}

pub fn fit(time: &[f64], event: &[bool], w: &[f64]) -> WeightedKm {
    let n = time.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
    let mut event_times: Vec<f64> = order.iter().filter(|&&i| event[i]).map(|&i| time[i]).collect();
    event_times.dedup();
    let mut out = WeightedKm {
        time: Vec::new(),
        at_risk: Vec::new(),
        events: Vec::new(),
        survival: Vec::new(),
        se: Vec::new(),
        se_greenwood: Vec::new(),
    };
    // Each subject's ∂ log S/∂wᵢ, accumulated over the event times.
    let mut dlog = vec![0.0; n];
    let (mut s, mut greenwood) = (1.0, 0.0);
    let mut first = 0; // the first subject (by time) still at risk
    for &t in &event_times {
        while first < n && time[order[first]] < t {
            first += 1;
        }
        let at_risk: f64 = order[first..].iter().map(|&i| w[i]).sum();
        let d: f64 = order[first..].iter().filter(|&&i| time[i] == t && event[i]).map(|&i| w[i]).sum();
        s *= 1.0 - d / at_risk;
        greenwood += d / (at_risk * (at_risk - d));
        for &i in &order[first..] {
            let dn = if time[i] == t && event[i] { 1.0 } else { 0.0 };
            dlog[i] += (d - at_risk * dn) / (at_risk * (at_risk - d));
        }
        let jack: f64 = (0..n).map(|i| (w[i] * dlog[i]).powi(2)).sum();
        out.time.push(t);
        out.at_risk.push(at_risk);
        out.events.push(d);
        out.survival.push(s);
        out.se.push(s * jack.sqrt());
        out.se_greenwood.push(s * greenwood.sqrt());
    }
    out
}

impl WeightedKm {
    /// The index of the last event time at or before `t` (None before the first).
    fn at(&self, t: f64) -> Option<usize> {
        self.time.iter().rposition(|&x| x <= t)
    }

    /// Survival and its two SEs at month `t` (1 and 0 before the first event).
    pub fn at_time(&self, t: f64) -> (f64, f64, f64) {
        match self.at(t) {
            Some(k) => (self.survival[k], self.se[k], self.se_greenwood[k]),
            None => (1.0, 0.0, 0.0),
        }
    }

    /// The median: the first event time where survival is at most ½; where it is exactly ½,
    /// the midpoint to the next event time (survival's `quantile.survfit`).
    pub fn median(&self) -> Option<f64> {
        let k = self.survival.iter().position(|&s| s <= 0.5 + 1e-12)?;
        if (self.survival[k] - 0.5).abs() <= 1e-12 {
            return Some(self.time.get(k + 1).map_or(self.time[k], |&next| 0.5 * (self.time[k] + next)));
        }
        Some(self.time[k])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::logistic::{fit as logistic, tests::cohort, tests::refs};
    use crate::stats::weighting::{Estimand, weights};

    /// Against `survfit(Surv(time, status) ~ group, weights = w_ate)` (`make_rwe_refs.R`,
    /// `km_weighted`): survival at 6, 12 and 24 months to 1e-10, the jackknife and Greenwood
    /// SEs to 1e-8, and the median.
    #[test]
    fn weighted_km_agrees_with_survfit() {
        let (c, r) = (cohort(), refs());
        let xs: Vec<Vec<f64>> = c.iter().map(|p| [&[1.0][..], &p.covariates[..]].concat()).collect();
        let group: Vec<f64> = c.iter().map(|p| p.group).collect();
        let ps = logistic(&xs, &group).unwrap().fitted;
        let treated: Vec<bool> = c.iter().map(|p| p.group == 1.0).collect();
        let w = weights(Estimand::Ate, &ps, &treated);
        for (key, g) in [("treated", true), ("control", false)] {
            let pick = |v: Vec<f64>| -> Vec<f64> {
                v.into_iter().zip(&treated).filter(|(_, t)| **t == g).map(|(x, _)| x).collect()
            };
            let time = pick(c.iter().map(|p| p.time).collect());
            let event: Vec<bool> = pick(c.iter().map(|p| p.status).collect()).iter().map(|&s| s == 1.0).collect();
            let km = fit(&time, &event, &pick(w.clone()));
            let b = &r["km_weighted"][key];
            let nums = |k: &str| -> Vec<f64> { b[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
            let (times, surv, se, gw) = (nums("times"), nums("surv"), nums("se"), nums("se_greenwood"));
            for (j, &t) in times.iter().enumerate() {
                let (s, s_se, s_gw) = km.at_time(t);
                assert!((s - surv[j]).abs() < 1e-10, "{key} S({t}): {s} against R {}", surv[j]);
                assert!((s_se - se[j]).abs() < 1e-8, "{key} se({t}): {s_se} against R {}", se[j]);
                assert!((s_gw - gw[j]).abs() < 1e-8, "{key} Greenwood se({t}): {s_gw} against R {}", gw[j]);
            }
            assert_eq!(km.median(), b["median"].as_f64(), "{key} median");
        }
    }
}
