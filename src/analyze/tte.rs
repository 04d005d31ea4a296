//! A time-to-event endpoint at a cut: its planned test (log-rank family, MaxCombo, Cox,
//! one-sample), estimate and interval, milestones, and the per-cohort hazard ratios.

use super::*;

impl Plan<'_> {
    /// The planned test of a time-to-event endpoint at a cut; the pooled risk table is left
    /// in `scratch.table`.
    pub(super) fn tte_at(
        &self,
        i: usize,
        patients: &[Patient],
        cut_month: f64,
        scratch: &mut Scratch,
        estimate: bool,
    ) -> TteResult {
        let s = self.scenario;
        let e = &s.endpoints()[i];
        let (test, null_hazard_ratio) = match &e.kind {
            EndpointKind::TimeToEvent { test, null_hazard_ratio, .. } => (test, null_hazard_ratio),
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => unreachable!("time-to-event endpoint"),
        };
        let theta0 = *null_hazard_ratio;
        scratch.obs.clear();
        let one_sample = match test {
            TimeToEventTest::OneSampleLogrank { null_hazard } => Some(null_hazard),
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. } => None,
        };
        if let Some(null_hazard) = one_sample {
            return self.one_sample_at(i, patients, cut_month, scratch, *null_hazard);
        }
        let outcomes = &scratch.outcomes[i];
        let control = e.control.expect("validated: a two-arm test has a control");
        let stratified = match test {
            TimeToEventTest::StratifiedLogrank => true,
            TimeToEventTest::Logrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox
            | TimeToEventTest::OneSampleLogrank { .. }
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. } => false,
        };
        // Arm code by scenario arm: 1 treatment, 0 control, 2 not in this comparison.
        let mut code = [2u8; 256];
        code[e.treatment] = 1;
        code[control] = 0;
        if stratified {
            for (p, &o) in patients.iter().zip(outcomes) {
                let a = code[p.arm as usize];
                if let (true, t, st) = cut::observe_at(p, o, cut_month)
                    && a != 2
                {
                    scratch.obs.push(Obs { time: t, status: st, arm: a, stratum: p.cohort });
                }
            }
            scratch.sorter.sort(&mut scratch.obs);
            scratch.table.fill(&scratch.obs, false);
        } else {
            // Observed times are at most the cut month (entries are at or after month 0).
            let observed = patients.iter().zip(outcomes).map(|(p, &o)| {
                let a = code[p.arm as usize];
                let (in_data, t, st) = cut::observe_at(p, o, cut_month);
                (Obs { time: t, status: st, arm: a & 1, stratum: 0 }, in_data & (a != 2))
            });
            scratch.sorter.collect(patients.len(), cut_month, observed);
            scratch.sorter.pooled_table_of_collected(&mut scratch.table);
        }
        let events = scratch.table.events[0] + scratch.table.events[1];
        let (z, p, fit) = match test {
            TimeToEventTest::MaxCombo => self.maxcombo_at(i, scratch, estimate),
            TimeToEventTest::Rmst { tau } => {
                // Not estimable (an arm without patients, or followed for less than τ): no z
                // (NaN), which never rejects and which the report counts.
                let last = last_times(patients, outcomes, &code, cut_month);
                let z = crate::stats::km::rmst_difference(&scratch.table.rows, last, *tau).map_or(f64::NAN, |d| d.z());
                (z, normal::upper_tail(z), estimate.then(|| cox::fit(&scratch.table, Ties::Efron)))
            }
            TimeToEventTest::Milestone { month } => {
                let last = last_times(patients, outcomes, &code, cut_month);
                let z = crate::stats::km::survival_difference(&scratch.table.rows, last, *month)
                    .map_or(f64::NAN, |d| d.z());
                (z, normal::upper_tail(z), estimate.then(|| cox::fit(&scratch.table, Ties::Efron)))
            }
            TimeToEventTest::Cox => {
                let c = cox::fit(&scratch.table, Ties::Efron);
                // Against the margin: (ln θ0 − β̂)/se (the plain Wald z at θ0 = 1).
                let z = match c {
                    cox::Cox::Estimate { log_hr, se, .. } if theta0 != 1.0 => (theta0.ln() - log_hr) / se,
                    _ => c.z().unwrap_or(0.0),
                };
                (z, normal::upper_tail(z), Some(c))
            }
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::OneSampleLogrank { .. } => {
                let w = match test {
                    TimeToEventTest::FlemingHarrington { rho, gamma } => Weights { rho: *rho, gamma: *gamma },
                    TimeToEventTest::Logrank
                    | TimeToEventTest::StratifiedLogrank
                    | TimeToEventTest::MaxCombo
                    | TimeToEventTest::Cox
                    | TimeToEventTest::OneSampleLogrank { .. }
                    | TimeToEventTest::Rmst { .. }
                    | TimeToEventTest::Milestone { .. } => Weights::LOGRANK,
                };
                let l = if theta0 != 1.0 {
                    logrank::margin_test(&scratch.table, theta0)
                } else {
                    logrank::test(&scratch.table, w)
                };
                let est = estimate.then(|| {
                    // Newton starts from the log-rank one-step estimate (O − E)/V, which saves
                    // an iteration (unweighted; the weighted tests start from 0).
                    let start = if w == Weights::LOGRANK && theta0 == 1.0 && l.variance > 0.0 {
                        (l.observed - l.expected) / l.variance
                    } else {
                        0.0
                    };
                    cox::fit_from(&scratch.table, Ties::Efron, start)
                });
                (l.z, l.p_one_sided(), est)
            }
        };
        if stratified && estimate {
            // Milestones and curves are per arm over all strata: rebuild the pooled table.
            scratch.sorter.pooled_table(&scratch.obs, &mut scratch.table);
        }
        let ci = fit.as_ref().and_then(|f| f.ci(0.95)).unwrap_or((f64::NAN, f64::NAN));
        let estimate = fit.and_then(|f| f.hazard_ratio()).unwrap_or(f64::NAN);
        TteResult { z, p, estimate, ci, events }
    }

    /// The one-sample log-rank test of the treatment arm against the null hazard at a cut
    /// (its estimate the ratio of the observed to the null hazard).
    fn one_sample_at(
        &self,
        i: usize,
        patients: &[Patient],
        cut_month: f64,
        scratch: &mut Scratch,
        null_hazard: f64,
    ) -> TteResult {
        let e = &self.scenario.endpoints()[i];
        let outcomes = &scratch.outcomes[i];
        let (mut events, mut exposure) = (0u64, 0.0);
        for (p, &o) in patients.iter().zip(outcomes) {
            if p.arm as usize != e.treatment {
                continue;
            }
            if let Some((t, st)) = cut::observe(p, o, cut_month) {
                events += (st == 1) as u64;
                exposure += t;
                scratch.obs.push(Obs { time: t, status: st, arm: 1, stratum: 0 });
            }
        }
        let os = OneSample::new(events, exposure, null_hazard);
        scratch.sorter.pooled_table(&scratch.obs, &mut scratch.table);
        let est = if exposure > 0.0 { events as f64 / exposure / null_hazard } else { f64::NAN };
        TteResult { z: os.z, p: os.p_one_sided(), estimate: est, ci: (f64::NAN, f64::NAN), events: events as u32 }
    }

    /// The MaxCombo test at a cut: its p-value as precisely as the decisions need it, z its
    /// normal quantile, and the Cox fit for the estimate.
    fn maxcombo_at(&self, i: usize, scratch: &mut Scratch, estimate: bool) -> (f64, f64, Option<cox::Cox>) {
        // The p-value is needed only as precisely as the decisions it makes: Bonferroni
        // brackets it, 1 − Φ(z_max) ≤ p ≤ 4(1 − Φ(z_max)); when the bracket holds a
        // level, lattice integrations of 8 × 256, then 8 × 2048 points decide unless
        // within 6 of their standard errors (from the 8 shifts) of a level; then the fine
        // one (8 × 4096). A decision can differ from the fine one's only if the error
        // exceeds both 6 estimated SEs (P(|t₇| > 6) ≈ 5e-4) and the distance to the
        // level: about 1e-6 per trial; none in 10,000 trials of two MaxCombo scenarios.
        let levels = &self.levels[i];
        let decided = |lo: f64, hi: f64| !levels.is_empty() && levels.iter().all(|&l| hi <= l || lo > l);
        let lower = normal::upper_tail(maxcombo::test_with(&scratch.table, 0).z_max).max(0.0);
        let mut p = None;
        if decided(lower, (4.0 * lower).min(1.0)) {
            p = Some(lower);
        }
        for points in [1 << 8, 1 << 11] {
            if p.is_none() {
                let m = maxcombo::test_with(&scratch.table, points);
                let margin = 6.0 * m.p_se;
                p = decided(m.p_one_sided - margin, m.p_one_sided + margin).then_some(m.p_one_sided);
            }
        }
        let p = p.unwrap_or_else(|| maxcombo::test_with(&scratch.table, 1 << 12).p_one_sided);
        // The engine rejects on p; z carries the normal quantile of p.
        let z = normal::quantile(1.0 - p.clamp(1e-300, 1.0)).min(40.0);
        let est = estimate.then(|| cox::fit(&scratch.table, Ties::Efron));
        (z, p, est)
    }

    /// The Cox hazard ratio (Efron ties) of endpoint `i` within each cohort at `cut_month`,
    /// into `out` (NaN where not estimable). Leaves `scratch.table` as the last cohort's.
    pub(super) fn cohort_estimates(
        &self,
        i: usize,
        patients: &[Patient],
        cut_month: f64,
        scratch: &mut Scratch,
        out: &mut [f64],
    ) {
        let e = &self.scenario.endpoints()[i];
        let control = e.control.expect("a two-arm endpoint");
        for (k, slot) in out.iter_mut().enumerate() {
            scratch.obs.clear();
            for (p, &o) in patients.iter().zip(&scratch.outcomes[i]) {
                let arm = p.arm as usize;
                if p.cohort as usize != k || (arm != e.treatment && arm != control) {
                    continue;
                }
                if let Some((t, st)) = cut::observe(p, o, cut_month) {
                    scratch.obs.push(Obs { time: t, status: st, arm: (arm == e.treatment) as u8, stratum: 0 });
                }
            }
            scratch.sorter.pooled_table(&scratch.obs, &mut scratch.table);
            *slot = cox::fit(&scratch.table, Ties::Efron).hazard_ratio().unwrap_or(f64::NAN);
        }
    }

    /// The estimate's 95% interval into `out` (an endpoint's block), and whether it holds the
    /// scenario's true value.
    pub(super) fn interval(&self, i: usize, (lo, hi): (f64, f64), out: &mut [f64]) {
        out[field::CI_LOWER] = lo;
        out[field::CI_UPPER] = hi;
        if let Some(t) = self.truth[i]
            && lo.is_finite()
            && hi.is_finite()
        {
            out[field::COVERS] = (lo <= t && t <= hi) as u8 as f64;
        }
    }

    /// Survival (or cumulative incidence) by arm at the milestones, from the pooled table
    /// that `tte_at` left in `scratch` and each arm's last observed time.
    pub(super) fn milestones(
        &self,
        e: &Endpoint,
        ms: &[f64],
        competing: bool,
        scratch: &Scratch,
        last: [f64; 2],
        out: &mut [f64],
    ) {
        if ms.is_empty() {
            return;
        }
        for (j, &m) in ms.iter().enumerate() {
            for (slot, arm) in [(0usize, 1usize), (1, 0)] {
                if arm == 0 && e.control.is_none() {
                    continue;
                }
                let v = if competing {
                    cif::cumulative_incidence(&scratch.table.rows, Some(arm), m, last[arm])
                } else {
                    KmCurve::survival_at(&scratch.table.rows, Some(arm), m, last[arm])
                };
                out[2 * j + slot] = v.unwrap_or(f64::NAN);
            }
        }
    }
}

/// Each compared arm's last observed time at the cut (event, competing event or censoring;
/// −∞ without patients): where its Kaplan–Meier curve ends.
fn last_times(patients: &[Patient], outcomes: &[(f64, u8)], code: &[u8; 256], cut_month: f64) -> [f64; 2] {
    let mut last = [f64::NEG_INFINITY; 2];
    for (p, &o) in patients.iter().zip(outcomes) {
        let a = code[p.arm as usize];
        if let (true, t, _) = cut::observe_at(p, o, cut_month)
            && a < 2
        {
            last[a as usize] = last[a as usize].max(t);
        }
    }
    last
}
