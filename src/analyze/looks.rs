//! The looks of one trial: when each comes, the boundaries at the information it has (the
//! monitored endpoint's, each family member's, the harm bound), conditional power, and event
//! re-estimation stage by stage with the inverse-normal combination.

use super::*;

impl Plan<'_> {
    /// The multiplicity family tested group-sequentially (Glimm, Maurer & Bretz 2010; Tamhane,
    /// Mehta & Liu 2010; Maurer & Bretz 2013): at each look every member not yet rejected is
    /// tested against the efficacy boundary of its own spending function at its own
    /// information fractions (its events at each look over its events at the final cut), at
    /// the level the procedure gives it now — fixed sequence: the family's α for the first
    /// member not rejected, 0 for the rest; Bonferroni: α/m each; Holm: α/(members left) each;
    /// fallback and graphical: α times its weight in the graph the rejections so far leave —
    /// and rejections pass their level on within the look until none is added. A hypothesis
    /// rejected at a look stays rejected. The trial stops at the first look at which the
    /// monitored endpoint is rejected, or for (non-binding) futility, which looks at the
    /// monitored endpoint's statistic against the futility bound of its own design. Returns
    /// (stop look, futility, rejected by member); the per-look fields of `record` are those of
    /// the monitored endpoint, with the boundary it was last tested against at each look.
    pub(super) fn family_at_looks(
        &self,
        pe: usize,
        trial: &Trial,
        looks: &[f64],
        scratch: &mut Scratch,
        record: &mut [f64],
    ) -> (usize, bool, [bool; 8]) {
        let s = self.scenario;
        let patients = &trial.patients[..];
        let m = s.analysis().multiplicity.as_ref().expect("a family");
        let n_looks = looks.len();
        let members = &m.endpoints;
        let p = members.iter().position(|&i| i == pe).expect("validated: the monitored endpoint is in the family");
        let mut z = [[0.0f64; 16]; 8];
        scratch.family_events.resize_with(members.len(), Vec::new);
        for (j, &i) in members.iter().enumerate() {
            scratch.family_events[j].clear();
            for (k, &month) in looks.iter().enumerate() {
                // A response: the z of the patients assessed by the look, its information their
                // count; a time-to-event endpoint: its test's z and events.
                let (zk, ev) = match s.endpoints()[i].kind {
                    EndpointKind::Binary { .. } => self.rates_z(i, self.counts_at(i, trial, month)),
                    EndpointKind::TimeToEvent { .. } => {
                        let r = self.tte_at(i, patients, month, scratch, false);
                        (r.z, r.events)
                    }
                    EndpointKind::Safety { .. } => unreachable!("validated: a family of tested endpoints"),
                };
                z[j][k] = zk;
                scratch.family_events[j].push(ev);
            }
        }
        let primary_events: Vec<u32> = scratch.family_events[p].clone();
        let (_, futility_bounds) = match exact_null_rate(s, pe) {
            Some(_) => self.exact_bounds(pe, &primary_events, scratch),
            None => self.boundaries(pe, &primary_events, scratch),
        };
        // Each member's current level: its share of α in the graph after the rejections so far.
        let level = |j: usize, rejected: &[bool]| -> f64 { m.alpha * m.graph.weights_after(rejected)[j] };
        let mut rejected = [false; 8];
        let (mut stop, mut futility) = (n_looks - 1, false);
        for k in 0..n_looks {
            let mut primary_boundary = f64::INFINITY;
            loop {
                let mut added = false;
                for j in 0..members.len() {
                    if rejected[j] {
                        continue;
                    }
                    let a = level(j, &rejected[..members.len()]);
                    let c = match (a > 0.0, exact_null_rate(s, members[j])) {
                        (false, _) => f64::INFINITY,
                        // A single arm's rate: exact boundaries at the level it has now.
                        (true, Some(p0)) => {
                            let counts = scratch.family_events[j].clone();
                            self.exact_level_bounds(members[j], p0, m.spending[j], a, &counts, scratch)[k]
                        }
                        (true, None) => {
                            let d = Design {
                                spending: m.spending[j],
                                alpha: a,
                                futility: false,
                                resolution: 16,
                                harm: false,
                            };
                            self.observed_bounds(members[j], d, &scratch.family_events[j], &mut scratch.bounds).0[k]
                        }
                    };
                    if j == p {
                        primary_boundary = c;
                    }
                    if z[j][k] >= c {
                        rejected[j] = true;
                        added = true;
                    }
                }
                if !added {
                    break;
                }
            }
            let base = self.layout.looks + look::COUNT * k;
            record[base + look::CUT_MONTH] = looks[k];
            record[base + look::Z] = z[p][k];
            record[base + look::BOUNDARY] = primary_boundary;
            record[base + look::FUTILITY] = futility_bounds[k];
            record[base + look::EVENTS] = primary_events[k] as f64;
            record[base + look::PATIENTS] = patients.iter().filter(|q| q.entry <= looks[k]).count() as f64;
            if rejected[p] {
                stop = k;
                break;
            }
            if k + 1 < n_looks && z[p][k] < futility_bounds[k] {
                (stop, futility) = (k, true);
                break;
            }
        }
        (stop, futility, rejected)
    }

    /// The monitored endpoint's inference when the trial stops at look `stop` (`stats::stopping`):
    /// from the z, events and bounds `record` holds at the looks up to it, the stage-wise
    /// p-value, the median-unbiased hazard ratio and its 1 − 2α interval (α the endpoint's),
    /// whether they cover the true hazard ratio, and the repeated intervals at each look. Only
    /// the looks with new events count (as the boundaries'); a binding futility rule's bounds
    /// and the harm bounds bound the continuation region. A stop for non-binding futility or
    /// harm before the last look has no inference (rpact's convention): its fields stay NaN.
    pub(super) fn inference_at_stopping(&self, pe: usize, stop: usize, stopped_low: bool, record: &mut [f64]) {
        let Some(at) = self.layout.inference else { return };
        let s = self.scenario;
        let n = self.layout.n_looks;
        let ep = &s.endpoints()[pe];
        let theta0 = ep.null_hazard_ratio();
        let per_event = crate::design::sequential::information_per_event(s, pe);
        let hr = |theta: f64| theta0 * (-theta).exp();
        let truth = self.truth[pe].filter(|t| t.is_finite() && *t > 0.0);
        let lb = self.layout.looks;
        let get = |record: &[f64], k: usize, f: usize| record[lb + look::COUNT * k + f];
        let binding = s.analysis().binding_futility;
        let (mut z, mut info, mut efficacy, mut floor) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut rci_covers = truth.map(|_| true);
        for k in 0..=stop {
            let i = get(record, k, look::EVENTS) * per_event;
            let (zk, c) = (get(record, k, look::Z), get(record, k, look::BOUNDARY));
            let (lo, hi) = stopping::repeated_interval(zk, i, c);
            let b = at + inference::COUNT + inference::LOOK_COUNT * k;
            if c.is_finite() {
                record[b + inference::RCI_LOWER] = hr(hi);
                record[b + inference::RCI_UPPER] = hr(lo);
                if let (Some(t), Some(covers)) = (truth, rci_covers.as_mut()) {
                    *covers &= hr(hi) <= t && t <= hr(lo);
                }
            }
            z.push(zk);
            info.push(i);
            efficacy.push(c);
            let harm = if s.analysis().harm.is_some() { get(record, k, look::HARM) } else { f64::NEG_INFINITY };
            let futility = if binding { get(record, k, look::FUTILITY) } else { f64::NEG_INFINITY };
            floor.push(harm.max(futility));
        }
        if let Some(c) = rci_covers {
            record[at + inference::RCI_COVERS] = c as u8 as f64;
        }
        if stopped_low && stop + 1 < n && (!binding || self.harm_stop(stop, record)) {
            return;
        }
        let Some(r) = stopping::after(&z, &info, &efficacy, &floor, stop, ep.alpha) else { return };
        record[at + inference::P] = r.p;
        record[at + inference::MEDIAN_UNBIASED] = hr(r.median_unbiased);
        record[at + inference::LOWER] = hr(r.upper);
        record[at + inference::UPPER] = hr(r.lower);
        if let Some(t) = truth {
            record[at + inference::COVERS] = (hr(r.upper) <= t && t <= hr(r.lower)) as u8 as f64;
        }
    }

    /// A single arm's rate monitored at looks: the boundaries on the z scale of its exact
    /// binomial test (`stats::binomial_looks`) at the patients assessed at each look, spending at
    /// those over the planned (all of alpha at the last look); the z of r_k responders, so that
    /// z ≥ boundary exactly when the responders reach r_k. A z futility rule stops an interim
    /// whose z is below it (the responders below the floor
    /// [`crate::stats::binomial_looks::futility_floor`]); bound, it is removed from the null's
    /// paths before the boundaries are spent. Memoised per worker.
    pub(super) fn exact_bounds(&self, e: usize, counts: &[u32], scratch: &mut Scratch) -> Bounds {
        use crate::stats::binomial_looks::{boundaries, futility_floor};
        let n = counts.len();
        let s = self.scenario;
        let futility_z = match s.analysis().futility {
            Some(Futility::Z(z)) => Some(z),
            None => None,
            Some(Futility::BetaSpending { .. } | Futility::ConditionalPower { .. }) => {
                unreachable!("validated: a z futility rule for a single arm's exact binomial")
            }
        };
        let mut futility = vec![f64::NEG_INFINITY; n];
        if let Some(z) = futility_z {
            futility[..n - 1].fill(z);
        }
        if let Some(b) = scratch.exact_bounds.get(counts) {
            return (b.clone(), futility);
        }
        let ep = &s.endpoints()[e];
        let EndpointKind::Binary { test: BinaryTest::ExactBinomial { null_rate }, .. } = ep.kind else {
            unreachable!("validated: a single arm's exact binomial")
        };
        let info: Vec<f64> = counts.iter().map(|&x| x as f64).collect();
        let (keep, _, spend) = information(&info, self.planning.events[e]);
        let kept: Vec<u32> = keep.iter().map(|&k| counts[k]).collect();
        // A binding rule's floors at the kept interims (none at the final look).
        let floor: Vec<u32> = kept
            .iter()
            .enumerate()
            .map(|(j, &c)| match futility_z {
                Some(z) if s.analysis().binding_futility && j + 1 < kept.len() => futility_floor(c, null_rate, z),
                Some(_) | None => 0,
            })
            .collect();
        let r = boundaries(&kept, null_rate, s.analysis().spending, ep.alpha, &spend, &floor);
        let mut b = vec![f64::INFINITY; n];
        for (j, &k) in keep.iter().enumerate() {
            b[k] = binary::exact_z(r[j] as u64, counts[k] as u64, null_rate);
        }
        if scratch.exact_bounds.len() >= 1 << 14 {
            scratch.exact_bounds.clear();
        }
        scratch.exact_bounds.insert(counts.to_vec(), b.clone());
        (b, futility)
    }

    /// A single arm's exact boundaries (z scale) in a family tested at the looks, at the level
    /// `alpha` the graph gives it now, spent by `spending` at the patients assessed over the
    /// planned; no futility rule of its own. Memoised per worker.
    fn exact_level_bounds(
        &self,
        e: usize,
        null_rate: f64,
        spending: crate::scenario::Spending,
        alpha: f64,
        counts: &[u32],
        scratch: &mut Scratch,
    ) -> Vec<f64> {
        let key = (e, counts.to_vec(), alpha.to_bits());
        if let Some(b) = scratch.exact_level.get(&key) {
            return b.clone();
        }
        let info: Vec<f64> = counts.iter().map(|&x| x as f64).collect();
        let (keep, _, spend) = information(&info, self.planning.events[e]);
        let kept: Vec<u32> = keep.iter().map(|&k| counts[k]).collect();
        let r =
            crate::stats::binomial_looks::boundaries(&kept, null_rate, spending, alpha, &spend, &vec![0; kept.len()]);
        let mut b = vec![f64::INFINITY; counts.len()];
        for (j, &k) in keep.iter().enumerate() {
            b[k] = binary::exact_z(r[j] as u64, counts[k] as u64, null_rate);
        }
        if scratch.exact_level.len() >= 1 << 14 {
            scratch.exact_level.clear();
        }
        scratch.exact_level.insert(key, b.clone());
        b
    }

    /// Whether the trial stopped at look `stop` for harm (its z at or below the harm bound).
    fn harm_stop(&self, stop: usize, record: &[f64]) -> bool {
        let b = self.layout.looks + look::COUNT * stop;
        self.scenario.analysis().harm.is_some() && record[b + look::Z] <= record[b + look::HARM]
    }

    /// Calendar months of the looks, whether each look's target was reached, and whether the
    /// final cut's was. A look whose target is not reached by the final cut (or, for an
    /// event-driven cut, by the last observation) is at the final cut, with no test of its own;
    /// the record says so, and the report counts it.
    pub(super) fn look_months(&self, patients: &[Patient], scratch: &mut Scratch) -> (Vec<f64>, Vec<bool>, bool) {
        let s = self.scenario;
        let (final_month, cut_reached) = match s.analysis().cut {
            Cut::Month(m) => (m, true),
            Cut::MinFollowUp(m) => (patients.iter().map(|p| p.entry).fold(0.0, f64::max) + m, true),
            Cut::Events { endpoint, events } => {
                // `scratch.months` holds the months of the endpoint's events (`months_of`).
                match cut::kth_month(&mut scratch.months, events as usize) {
                    Some(m) => (m, true),
                    None => (cut::month_of_last_observation(patients, &scratch.outcomes[endpoint]), false),
                }
            }
        };
        let n = s.analysis().looks.count();
        let Some(pe) = self.months_of.filter(|_| n > 1) else {
            return (vec![final_month; n], vec![cut_reached; n], cut_reached);
        };
        debug_assert_eq!(s.monitored(), Some(pe));
        // Responses: the looks come as the assessments fall due (entry + the assessment month)
        // in the two arms, as a time-to-event endpoint's come with its events.
        if let Some((response, treatment, control)) = s.monitored_responses() {
            scratch.months.clear();
            let assessed = |a: usize| a == treatment || Some(a) == control;
            scratch.months.extend(patients.iter().filter(|p| assessed(p.arm as usize)).map(|p| {
                p.entry
                    + s.cohorts()[p.cohort as usize].responses[response].as_ref().map_or(0.0, |r| r.assessed_at_months)
            }));
        }
        // `scratch.months` holds the months of the monitored endpoint's events.
        let (mut months, mut reached) =
            cut::interim_months(s, self.planning.events[pe], &mut scratch.months, final_month);
        months.push(final_month);
        reached.push(cut_reached);
        (months, reached, cut_reached)
    }

    /// With `analysis.harm`: the monitored endpoint's harm bounds at the information observed
    /// at the looks (as [`Plan::observed_bounds`]: alpha spent at observed over planned
    /// events), computed with its efficacy boundaries. Memoised per worker.
    pub(super) fn harm_bounds(&self, e: usize, events: &[u32], scratch: &mut Scratch) -> Option<Vec<f64>> {
        let s = self.scenario;
        let h = s.analysis().harm?;
        if let Some(b) = scratch.harm.get(events) {
            return Some(b.clone());
        }
        let n = events.len();
        let info: Vec<f64> = events.iter().map(|&x| x as f64).collect();
        let (keep, t, spend) = information(&info, self.planning.events[e]);
        let mut out = vec![f64::NEG_INFINITY; n];
        if !keep.is_empty() {
            let a = s.endpoints()[e].alpha;
            let (_, lower) =
                spending::boundaries_with_harm(s.analysis().spending, a, h.spending, h.alpha, &t, &spend, spending::R);
            for (j, &k) in keep.iter().enumerate() {
                out[k] = lower[j];
            }
        }
        if scratch.harm.len() >= 1 << 14 {
            scratch.harm.clear();
        }
        scratch.harm.insert(events.to_vec(), out.clone());
        Some(out)
    }

    /// Event re-estimation with the inverse-normal combination test (rpact's
    /// `getSimulationSurvival` with an inverse-normal design and `conditionalPower`): stage 1
    /// ends at its planned events; at each interim k the combination statistic
    /// Z*_k = Σ_j √(t_j − t_{j−1}) U_j / √t_k of the stage-wise log-rank increments
    /// U_j = (√D_j z_j − √D_{j−1} z_{j−1})/√(D_j − D_{j−1}) (t the planned information rates,
    /// D the events observed) is written as the look's z, against the planned boundaries; the
    /// next stage's events are (c̃ + Φ⁻¹(CP))² (1 + r)²/(r δ²), between its minimum and maximum,
    /// with c̃ = (√t_{k+1} c_{k+1} − √t_k Z*_k)/√(t_{k+1} − t_k) the conditional critical value and
    /// δ the log hazard ratio against the null (the estimate z_k (1 + r)/√(r D_k), or the
    /// scenario's `hazard_ratio`), floored at 1e-12 as rpact's. With `promising_from`, the
    /// stage keeps its planned events unless the conditional power at them (under the
    /// estimate) is in [promising_from, CP). Every stage is computed, after a stop too (the
    /// values the looks would have had), as the group-sequential looks are. Returns the looks'
    /// months, whether each event target was reached, and whether the last one was.
    pub(super) fn reestimated(
        &self,
        re: &Reestimation,
        patients: &[Patient],
        scratch: &mut Scratch,
        record: &mut [f64],
    ) -> (Vec<f64>, Vec<bool>, bool) {
        let s = self.scenario;
        let pe = self.months_of.expect("validated: an event-driven cut");
        let t = match &s.analysis().looks {
            Looks::Information(t) => t,
            Looks::Events(_) | Looks::Patients(_) | Looks::Months(_) | Looks::Combined { .. } => {
                unreachable!("validated: looks by information")
            }
        };
        let n = t.len();
        let planned = planned_look_events(&self.planning, pe, n);
        let (eff, fut) = &self.planned[pe];
        let ep = &s.endpoints()[pe];
        let r = s.arms()[ep.treatment].allocation as f64 / s.arms()[ep.control.expect("two arms")].allocation as f64;
        let theta0 = ep.null_hazard_ratio();
        let (mut months, mut reached) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut target, mut previous, mut weighted) = (planned[0], (0.0f64, 0.0f64), 0.0f64);
        for k in 0..n {
            let (month, ok) = match cut::kth_month(&mut scratch.months, target as usize) {
                Some(m) => (m, true),
                None => (cut::month_of_last_observation(patients, &scratch.outcomes[pe]), false),
            };
            let res = self.tte_at(pe, patients, month, scratch, false);
            let d = res.events as f64;
            let increment = if k == 0 {
                res.z
            } else if d > previous.0 {
                (d.sqrt() * res.z - previous.0.sqrt() * previous.1) / (d - previous.0).sqrt()
            } else {
                0.0
            };
            let t_prev = if k == 0 { 0.0 } else { t[k - 1] };
            weighted += (t[k] - t_prev).sqrt() * increment;
            let combined = weighted / t[k].sqrt();
            let base = self.layout.looks + look::COUNT * k;
            record[base + look::CUT_MONTH] = month;
            record[base + look::Z] = combined;
            record[base + look::BOUNDARY] = eff[k];
            record[base + look::FUTILITY] = fut[k];
            record[base + look::EVENTS] = d;
            record[base + look::PATIENTS] = patients.iter().filter(|p| p.entry <= month).count() as f64;
            record[base + look::REACHED] = ok as u8 as f64;
            months.push(month);
            reached.push(ok);
            if k + 1 < n {
                let stage_planned = (planned[k + 1] - planned[k]) as f64;
                let next = next_stage(re, k, t, eff, combined, res.z, d, stage_planned, r, theta0);
                record[base + look::CAPPED] = next.capped as u8 as f64;
                target = (d + next.events - 1e-9).ceil().max(d + 1.0) as u32;
            }
            previous = (d, res.z);
        }
        let cut_reached = *reached.last().expect("looks");
        (months, reached, cut_reached)
    }

    /// The boundaries of the monitored endpoint's own design (the scenario's spending, its α,
    /// the futility rule) from the information observed at the looks.
    pub(super) fn boundaries(&self, e: usize, events: &[u32], scratch: &mut Scratch) -> Bounds {
        let s = self.scenario;
        let d = Design::own(s, e, true, true);
        let mut b = self.observed_bounds(e, d, events, &mut scratch.bounds);
        if let Some((below, hazard_ratio)) = conditional_power_rule(s.analysis().futility) {
            let effect = cp_effect(s, e, hazard_ratio);
            for k in 0..events.len() - 1 {
                if b.0[k].is_finite() {
                    b.1[k] = self.cp_bound(e, &events[..=k], below, effect, scratch);
                }
            }
        }
        b
    }

    /// The efficacy boundaries and information a trial expects at look k (`observed` = its
    /// events up to k): its own design's, with later looks at their planned events.
    pub(super) fn expected_design(&self, e: usize, observed: &[u32], scratch: &mut Scratch) -> (Vec<f64>, Vec<f64>) {
        let s = self.scenario;
        let n = s.analysis().looks.count();
        let (v, info) = outlook(s, &self.planning, e, observed, n);
        // With a binding rule the efficacy boundaries are those computed with it.
        let d = Design::own(s, e, s.analysis().binding_futility, false);
        (self.observed_bounds(e, d, &v, &mut scratch.bounds).0, info)
    }

    /// The z bound at look k = `observed.len() − 1` below which the conditional power is under
    /// `below`: a function of the events up to the look only. Memoised per worker.
    pub(super) fn cp_bound(
        &self,
        e: usize,
        observed: &[u32],
        below: f64,
        effect: spending::Effect,
        scratch: &mut Scratch,
    ) -> f64 {
        let key = (observed.to_vec(), below.to_bits(), matches!(effect, spending::Effect::Estimate));
        if let Some(&b) = scratch.cp_bounds.get(&key) {
            return b;
        }
        let (eff, info) = self.expected_design(e, observed, scratch);
        let b = spending::conditional_power_bound(below, observed.len() - 1, &eff, &info, effect);
        if scratch.cp_bounds.len() >= 1 << 14 {
            scratch.cp_bounds.clear();
        }
        scratch.cp_bounds.insert(key, b);
        b
    }

    /// With `report_conditional_power`: the monitored endpoint's conditional power at each
    /// interim the trial reached (up to the look where it stopped, if that is an interim),
    /// from the z and events `record` holds there, into the look's fields.
    pub(super) fn conditional_powers(&self, e: usize, stop: usize, scratch: &mut Scratch, record: &mut [f64]) {
        let s = self.scenario;
        let Some(cp) = s.analysis().conditional_power else { return };
        let n = s.analysis().looks.count();
        let effects = [
            (look::CP_ESTIMATE, Some(spending::Effect::Estimate)),
            (look::CP_ASSUMED, self.truth[e].map(|h| cp_effect(s, e, Some(h)))),
            (look::CP_USER, cp.hazard_ratio.map(|h| cp_effect(s, e, Some(h)))),
        ];
        let mut events = Vec::with_capacity(n);
        for k in 0..n - 1 {
            let base = self.layout.looks + look::COUNT * k;
            events.push(record[base + look::EVENTS] as u32);
            if k > stop || !record[base + look::BOUNDARY].is_finite() {
                continue;
            }
            let (eff, info) = self.expected_design(e, &events, scratch);
            let z = record[base + look::Z];
            for (field, effect) in effects {
                if let Some(effect) = effect {
                    record[base + field] = spending::conditional_power(z, k, &eff, &info, effect);
                }
            }
            record[base + look::CP_PREDICTIVE] = spending::predictive_probability(z, k, &eff, &info);
        }
    }

    /// Boundaries of a group-sequential test of endpoint `e` from the events it has observed at
    /// each look: each look spends alpha at its events over the endpoint's planned events, the
    /// look with the final events all that is left, with the correlation of the events
    /// observed (Lan & DeMets); looks without new events get no test (±∞). The planned
    /// boundaries when the looks came exactly at the planned fractions. Memoised per worker.
    pub(super) fn observed_bounds(&self, e: usize, d: Design, events: &[u32], cache: &mut BoundsCache) -> Bounds {
        let s = self.scenario;
        let n = events.len();
        let info: Vec<f64> = events.iter().map(|&x| x as f64).collect();
        let planned = self.planning.events[e];
        let (keep, t, spend) = information(&info, planned);
        let at_plan =
            keep.len() == n && t.iter().zip(&spend).zip(&self.planning.fractions).all(|((a, b), f)| a == f && b == f);
        if at_plan
            && d.spending == s.analysis().spending
            && d.alpha == s.endpoints()[e].alpha
            && d.futility
            && d.harm == (s.monitored() == Some(e))
            && d.resolution == spending::R
        {
            return self.planned[e].clone();
        }
        let key = (e, spending_key(d.spending), d.alpha.to_bits(), (d.futility, d.harm), events.to_vec());
        if let Some(b) = cache.get(&key) {
            return b.clone();
        }
        let b = design_bounds(s, d, n, &keep, &t, &spend);
        if cache.len() >= 1 << 14 {
            cache.clear();
        }
        cache.insert(key, b.clone());
        b
    }
}

/// A single arm's null rate, when endpoint `e` is a response tested on the exact binomial.
fn exact_null_rate(s: &Scenario, e: usize) -> Option<f64> {
    match s.endpoints()[e].kind {
        EndpointKind::Binary { test: BinaryTest::ExactBinomial { null_rate }, .. } => Some(null_rate),
        EndpointKind::Binary { .. } | EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => None,
    }
}
