//! A binary or safety endpoint at a cut: rates, intervals, and the planned test (exact
//! binomial, Simon's two-stage design, Fisher, chi-square, Farrington–Manning).

use super::*;

/// A trial that Simon's design stops after stage 1: when its stage-1 patients entered, and the
/// month of stage 1's analysis (the last of their assessments).
pub struct Stage1Stop {
    pub last_entry: f64,
    pub analysis_month: f64,
}

impl Plan<'_> {
    /// Whether the primary endpoint's design stops this trial at one of its own stages:
    /// Simon's stage 1, or a Bayesian rule's interim Go or No-Go.
    pub fn own_stop(&self, trial: &Trial, scratch: &mut Scratch) -> Option<Stage1Stop> {
        let pe = self.primary?;
        match self.bayes_decision(pe, trial, f64::INFINITY, scratch) {
            Some(d) => d.at.map(|(last_entry, analysis_month)| Stage1Stop { last_entry, analysis_month }),
            None => self.simon_stage1_stop(trial, &mut scratch.order),
        }
    }

    /// Whether Simon's two-stage design, when it is the primary endpoint's test, stops this
    /// trial after stage 1: its first `stage1_patients` patients (by entry) show at most
    /// `stage1_max_responses` responses once each has been assessed (or has died or been lost
    /// before the assessment).
    pub fn simon_stage1_stop(&self, trial: &Trial, order: &mut Vec<usize>) -> Option<Stage1Stop> {
        let s = self.scenario;
        let e = &s.endpoints()[self.primary?];
        let (response, n1, r1) = match &e.kind {
            EndpointKind::Binary { response, test, .. } => match test {
                BinaryTest::SimonTwoStage { stage1_patients, stage1_max_responses, .. } => {
                    (*response, *stage1_patients as usize, *stage1_max_responses)
                }
                BinaryTest::ExactBinomial { .. }
                | BinaryTest::Fisher
                | BinaryTest::ChiSquare { .. }
                | BinaryTest::Bayesian { .. }
                | BinaryTest::BayesianDifference { .. }
                | BinaryTest::GComputation { .. }
                | BinaryTest::Weighted { .. } => return None,
            },
            EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => return None,
        };
        let patients = &trial.patients;
        order.clear();
        order.extend((0..patients.len()).filter(|&j| patients[j].arm as usize == e.treatment));
        order.sort_unstable_by(|&a, &b| patients[a].entry.total_cmp(&patients[b].entry));
        if order.len() <= n1 {
            return None;
        }
        let stage1 = &order[..n1];
        let due = |j: usize| {
            let p = &patients[j];
            p.entry + s.cohorts()[p.cohort as usize].responses[response].as_ref().map_or(0.0, |r| r.assessed_at_months)
        };
        let analysis_month = stage1.iter().map(|&j| due(j)).fold(f64::NEG_INFINITY, f64::max);
        let responders = stage1
            .iter()
            .filter(|&&j| assessed_response(s, response, &patients[j], &trial.marks(j), analysis_month) == Some(true))
            .count() as u32;
        (responders <= r1).then(|| Stage1Stop { last_entry: patients[stage1[n1 - 1]].entry, analysis_month })
    }

    /// A binary endpoint's responders and patients assessed by calendar month `month` in its
    /// treatment arm and (for two arms) its control arm.
    pub(super) fn counts_at(&self, e: usize, trial: &Trial, month: f64) -> binary::TwoByTwo {
        let ep = &self.scenario.endpoints()[e];
        let EndpointKind::Binary { response, .. } = ep.kind else { unreachable!("validated: a binary endpoint") };
        self.counts_of(ep, response, trial, month)
    }

    /// The responders and patients assessed by `month` of `response` in `ep`'s arms.
    fn counts_of(&self, ep: &Endpoint, response: ResponseId, trial: &Trial, month: f64) -> binary::TwoByTwo {
        let s = self.scenario;
        let (mut n1, mut x1, mut n0, mut x0) = (0u64, 0u64, 0u64, 0u64);
        for (j, p) in trial.patients.iter().enumerate() {
            let Some(r) = assessed_response(s, response, p, &trial.marks(j), month) else { continue };
            if p.arm as usize == ep.treatment {
                n1 += 1;
                x1 += r as u64;
            } else if Some(p.arm as usize) == ep.control {
                n0 += 1;
                x0 += r as u64;
            }
        }
        binary::TwoByTwo { x_treatment: x1, n_treatment: n1, x_control: x0, n_control: n0 }
    }

    /// A binary endpoint monitored at looks, with the counts `t` assessed by a look: the z of
    /// its test (the uncorrected chi-square's, or the Farrington–Manning z against its margin;
    /// a single arm's exact binomial z), as [`Plan::binary_at`] computes it, and the patients of
    /// the arm (or two) assessed.
    pub(super) fn rates_z(&self, e: usize, t: binary::TwoByTwo) -> (f64, u32) {
        let ep = &self.scenario.endpoints()[e];
        let EndpointKind::Binary { null_difference, ref test, .. } = ep.kind else {
            unreachable!("validated: a binary endpoint")
        };
        let (x1, n1, n0) = (t.x_treatment, t.n_treatment, t.n_control);
        if let BinaryTest::ExactBinomial { null_rate } = test {
            // A single arm: the z of its exact binomial p-value, as at the final analysis.
            return (binary::exact_z(x1, n1, *null_rate), n1 as u32);
        }
        let z = if null_difference != 0.0 {
            binary::farrington_manning(t, null_difference)
        } else {
            binary::chi_square(t).z
        };
        (z, (n1 + n0) as u32)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn binary_at(
        &self,
        e_index: usize,
        response: ResponseId,
        test: &BinaryTest,
        null_difference: f64,
        trial: &Trial,
        cut_month: f64,
        scratch: &mut Scratch,
        out: &mut [f64],
    ) {
        let s = self.scenario;
        let e = &s.endpoints()[e_index];
        let patients = &trial.patients[..];
        let assessed = |p: &Patient, m: &Marks| assessed_response(s, response, p, m, cut_month);
        let t = self.counts_of(e, response, trial, cut_month);
        let (x1, n1, x0, n0) = (t.x_treatment, t.n_treatment, t.x_control, t.n_control);
        let rate1 = if n1 > 0 { x1 as f64 / n1 as f64 } else { f64::NAN };
        out[field::EVENTS] = x1 as f64;
        let (p, z, rejected, estimate) = match test {
            BinaryTest::ExactBinomial { null_rate } => {
                let (p_greater, z) = scratch.binomial(x1, n1, Some(*null_rate), || {
                    (binary::binom_test(x1, n1, *null_rate).p_greater, binary::exact_z(x1, n1, *null_rate))
                });
                (p_greater, z, p_greater <= e.alpha, rate1)
            }
            BinaryTest::SimonTwoStage { stage1_patients, stage1_max_responses, max_responses, .. } => {
                // Stage 1 is the first n1 patients to enter.
                scratch.order.clear();
                scratch.order.extend((0..patients.len()).filter(|&j| patients[j].arm as usize == e.treatment));
                scratch.order.sort_unstable_by(|&a, &b| patients[a].entry.total_cmp(&patients[b].entry));
                let responders = |js: &[usize]| {
                    js.iter().filter(|&&j| assessed(&patients[j], &trial.marks(j)) == Some(true)).count() as u32
                };
                let n1s = (*stage1_patients as usize).min(scratch.order.len());
                let x_stage1 = responders(&scratch.order[..n1s]);
                let promising = x_stage1 > *stage1_max_responses && responders(&scratch.order) > *max_responses;
                let stop = x_stage1 <= *stage1_max_responses;
                out[field::STAGE1_STOP] = stop as u8 as f64;
                out[field::PATIENTS_USED] = if stop { n1s } else { scratch.order.len() } as f64;
                (f64::NAN, f64::NAN, promising, rate1)
            }
            BinaryTest::GComputation { .. } | BinaryTest::Weighted { .. } => {
                let (estimate, se) = self.adjusted_difference(e, response, test, trial, cut_month);
                out[field::CI_LOWER] = estimate - 1.959963984540054 * se;
                out[field::CI_UPPER] = estimate + 1.959963984540054 * se;
                let z = (estimate - null_difference) / se;
                let p = if z.is_finite() { normal::upper_tail(z) } else { f64::NAN };
                (p, z, p <= e.alpha, estimate)
            }
            BinaryTest::Bayesian { .. } | BinaryTest::BayesianDifference { .. } => {
                let d = self.bayes_decision(e_index, trial, cut_month, scratch).expect("a Bayesian rule");
                let c = d.counts;
                out[field::STAGE1_STOP] = d.stop as f64;
                out[field::PATIENTS_USED] = (c.n_treatment + c.n_control) as f64;
                out[field::POSTERIOR] = d.posterior;
                let rate = |x: u64, n: u64| if n > 0 { x as f64 / n as f64 } else { f64::NAN };
                let estimate = match test {
                    BinaryTest::BayesianDifference { .. } => {
                        rate(c.x_treatment, c.n_treatment) - rate(c.x_control, c.n_control)
                    }
                    _ => rate(c.x_treatment, c.n_treatment),
                };
                (f64::NAN, f64::NAN, d.go, estimate)
            }
            BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => {
                let t = binary::TwoByTwo { x_treatment: x1, n_treatment: n1, x_control: x0, n_control: n0 };
                let rate0 = if n0 > 0 { x0 as f64 / n0 as f64 } else { f64::NAN };
                let (fisher, correct) = match test {
                    BinaryTest::Fisher => (true, false),
                    BinaryTest::ChiSquare { continuity_correction } => (false, *continuity_correction),
                    BinaryTest::ExactBinomial { .. }
                    | BinaryTest::SimonTwoStage { .. }
                    | BinaryTest::Bayesian { .. }
                    | BinaryTest::BayesianDifference { .. }
                    | BinaryTest::GComputation { .. }
                    | BinaryTest::Weighted { .. } => unreachable!("a frequentist two-arm test"),
                };
                let (p, z) = if null_difference != 0.0 {
                    // Validation allows a margin with the uncorrected chi-square test only.
                    let z = binary::farrington_manning(t, null_difference);
                    (normal::upper_tail(z), z)
                } else {
                    let c = if correct { binary::chi_square_corrected(t) } else { binary::chi_square(t) };
                    let p = if fisher { binary::fisher(t).p_greater } else { c.p_greater() };
                    (p, c.z)
                };
                (p, z, p <= e.alpha, rate1 - rate0)
            }
        };
        out[field::P] = p;
        out[field::Z] = z;
        out[field::ESTIMATE] = estimate;
        out[field::REJECTED] = rejected as u8 as f64;
        if n1 > 0 {
            let (lo, hi) = scratch.clopper_pearson(x1, n1);
            out[field::CP_LOWER] = lo;
            out[field::CP_UPPER] = hi;
        }
    }

    /// A two-arm response comparison adjusted for the measured covariates (`test =
    /// "g_computation"` or `"weighted"`) at `cut_month`: the risk difference and its standard
    /// error (NaN where the models have no estimate: a separated response, collinear
    /// covariates, an empty arm).
    fn adjusted_difference(
        &self,
        e: &Endpoint,
        response: ResponseId,
        test: &BinaryTest,
        trial: &Trial,
        cut_month: f64,
    ) -> (f64, f64) {
        use crate::stats::weighting::Estimand;
        let s = self.scenario;
        let measured: Vec<usize> = (0..s.covariate_names().len()).filter(|&k| s.covariate_measured()[k]).collect();
        let mut data = Vec::new();
        let mut x = Vec::new();
        for (j, p) in trial.patients.iter().enumerate() {
            let arm = if p.arm as usize == e.treatment {
                1u8
            } else if Some(p.arm as usize) == e.control {
                0
            } else {
                continue;
            };
            let Some(r) = assessed_response(s, response, p, &trial.marks(j), cut_month) else { continue };
            data.push((arm, r));
            let c = trial.covariates(j);
            x.push(measured.iter().map(|&k| c[k]).collect::<Vec<f64>>());
        }
        let not_adjusted = || -> ! { unreachable!("an adjusted comparison") };
        let (estimand, truncate) = match test {
            BinaryTest::Weighted { estimand, truncate } => (*estimand, *truncate),
            BinaryTest::GComputation { .. } => (Estimand::Ate, None),
            BinaryTest::ExactBinomial { .. }
            | BinaryTest::SimonTwoStage { .. }
            | BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::Bayesian { .. }
            | BinaryTest::BayesianDifference { .. } => not_adjusted(),
        };
        let Ok(a) = crate::stats::rwe::responses(&data, &x, estimand, truncate) else { return (f64::NAN, f64::NAN) };
        match test {
            BinaryTest::GComputation { over_treated: false } => {
                a.ate.map_or((f64::NAN, f64::NAN), |g| (g.difference, g.se_if.unwrap_or(g.se_hc0)))
            }
            BinaryTest::GComputation { over_treated: true } => {
                a.att.map_or((f64::NAN, f64::NAN), |g| (g.difference, g.se_hc0))
            }
            BinaryTest::Weighted { .. } => (a.weighted_difference.2, a.weighted_difference.3),
            BinaryTest::ExactBinomial { .. }
            | BinaryTest::SimonTwoStage { .. }
            | BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::Bayesian { .. }
            | BinaryTest::BayesianDifference { .. } => not_adjusted(),
        }
    }

    /// The monitored response's inference when the trial stops at look `stop`
    /// (`stats::stopping_rates`): for two arms the difference's stage-wise p-value,
    /// median-unbiased estimate and 1 − 2α interval (rpact's), for a single arm on the exact
    /// binomial the rate's by the exact stage-wise ordering; the repeated intervals at each
    /// look; whether they hold the true difference (or rate). A stop for non-binding futility
    /// before the last look has no inference (rpact's convention): its fields stay NaN.
    pub(super) fn rates_inference(
        &self,
        pe: usize,
        stop: usize,
        stopped_low: bool,
        scratch: &mut Scratch,
        record: &mut [f64],
    ) {
        use crate::stats::stopping_rates::{
            ExactLooks, binding_corrections, single_arm_exact, single_arm_repeated, two_arm, two_arm_repeated,
        };
        let Some(at) = self.layout.inference else { return };
        let s = self.scenario;
        let ep = &s.endpoints()[pe];
        let EndpointKind::Binary { null_difference, ref test, .. } = ep.kind else {
            unreachable!("validated: a binary endpoint")
        };
        let lb = self.layout.looks;
        let get = |record: &[f64], k: usize, f: usize| record[lb + look::COUNT * k + f];
        let binding = s.analysis().binding_futility;
        // The counts `monitor` left at each look.
        let counts: Vec<binary::TwoByTwo> = scratch.look_counts[..=stop].to_vec();
        let z: Vec<f64> = (0..=stop).map(|k| get(record, k, look::Z)).collect();
        let efficacy: Vec<f64> = (0..=stop).map(|k| get(record, k, look::BOUNDARY)).collect();
        let floor: Vec<f64> =
            (0..=stop).map(|k| if binding { get(record, k, look::FUTILITY) } else { f64::NEG_INFINITY }).collect();
        let single_arm = match test {
            BinaryTest::ExactBinomial { null_rate } => Some(*null_rate),
            BinaryTest::ChiSquare { .. } => None,
            BinaryTest::Fisher
            | BinaryTest::SimonTwoStage { .. }
            | BinaryTest::Bayesian { .. }
            | BinaryTest::BayesianDifference { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => {
                unreachable!("validated: monitored by the chi-square z or the exact binomial")
            }
        };
        if scratch.exact_repeated.len() >= 1 << 14 {
            scratch.exact_repeated.clear();
        }
        let mut rci: Vec<Option<(f64, f64)>> = match single_arm {
            Some(_) => (0..=stop)
                .map(|k| {
                    let (x, n) = (counts[k].x_treatment as u32, counts[k].n_treatment as u32);
                    *scratch
                        .exact_repeated
                        .entry((x, n, efficacy[k].to_bits()))
                        .or_insert_with(|| single_arm_repeated(x, n, efficacy[k]))
                })
                .collect(),
            None => (0..=stop).map(|k| two_arm_repeated(counts[k], efficacy[k])).collect(),
        };
        if binding && single_arm.is_none() {
            binding_corrections(&counts, &floor, &mut rci);
        }
        let truth = self.truth[pe].filter(|t| t.is_finite());
        let mut rci_covers = truth.map(|_| true);
        for (k, r) in rci.iter().enumerate() {
            let Some((lo, hi)) = *r else { continue };
            let b = at + inference::COUNT + inference::LOOK_COUNT * k;
            record[b + inference::RCI_LOWER] = lo;
            record[b + inference::RCI_UPPER] = hi;
            if let (Some(t), Some(covers)) = (truth, rci_covers.as_mut()) {
                *covers &= lo <= t && t <= hi;
            }
        }
        if let Some(c) = rci_covers {
            record[at + inference::RCI_COVERS] = c as u8 as f64;
        }
        if stopped_low && stop + 1 < self.layout.n_looks && !binding {
            return;
        }
        let r = match single_arm {
            None => two_arm(&counts, &z, &efficacy, &floor, stop, ep.alpha, null_difference),
            Some(p0) => {
                // The looks with new patients, as the boundaries'; the responders to reject
                // and a binding rule's floors from the bounds on the exact z scale.
                let (mut n, mut reject, mut floors, mut x) = (Vec::new(), Vec::new(), Vec::new(), 0);
                if scratch.exact_counts.len() >= 1 << 14 {
                    scratch.exact_counts.clear();
                }
                let mut count = |nk: u32, bound: f64| {
                    *scratch
                        .exact_counts
                        .entry((nk, bound.to_bits()))
                        .or_insert_with(|| crate::stats::binomial_looks::futility_floor(nk, p0, bound))
                };
                for (k, t) in counts.iter().enumerate() {
                    let nk = t.n_treatment as u32;
                    if nk > n.last().copied().unwrap_or(0) {
                        n.push(nk);
                        reject.push(count(nk, efficacy[k]));
                        floors.push(count(nk, floor[k]));
                        x = t.x_treatment as u32;
                    }
                }
                (!n.is_empty()).then(|| {
                    let key: Vec<u32> = n.iter().chain(&reject).chain(&floors).copied().chain([x]).collect();
                    if scratch.exact_inference.len() >= 1 << 14 {
                        scratch.exact_inference.clear();
                    }
                    *scratch.exact_inference.entry(key).or_insert_with(|| {
                        let d = ExactLooks { n: &n, reject: &reject, floor: &floors };
                        single_arm_exact(&d, x, p0, ep.alpha)
                    })
                })
            }
        };
        let Some(r) = r else { return };
        record[at + inference::P] = r.p;
        record[at + inference::MEDIAN_UNBIASED] = r.median_unbiased;
        record[at + inference::LOWER] = r.lower;
        record[at + inference::UPPER] = r.upper;
        if let Some(t) = truth {
            record[at + inference::COVERS] = (r.lower <= t && t <= r.upper) as u8 as f64;
        }
    }
}
