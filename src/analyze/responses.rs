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
                BinaryTest::ExactBinomial { .. } | BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => return None,
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

    /// A two-arm binary endpoint monitored at looks, at calendar month `month`: the z of its
    /// test (the uncorrected chi-square's, or the Farrington–Manning z against its margin), as
    /// [`Plan::binary_at`] computes it, and the patients of the two arms assessed by then.
    pub(super) fn rates_at(&self, e: usize, trial: &Trial, month: f64) -> (f64, u32) {
        let s = self.scenario;
        let ep = &s.endpoints()[e];
        let EndpointKind::Binary { response, null_difference, ref test } = ep.kind else {
            unreachable!("validated: a binary endpoint")
        };
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
        if let BinaryTest::ExactBinomial { null_rate } = test {
            // A single arm: the z of its exact binomial p-value, as at the final analysis.
            return (binary::exact_z(x1, n1, *null_rate), n1 as u32);
        }
        let t = binary::TwoByTwo { x_treatment: x1, n_treatment: n1, x_control: x0, n_control: n0 };
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
        e: &Endpoint,
        response: ResponseId,
        test: &BinaryTest,
        null_difference: f64,
        trial: &Trial,
        cut_month: f64,
        scratch: &mut Scratch,
        out: &mut [f64],
    ) {
        let s = self.scenario;
        let patients = &trial.patients[..];
        let assessed = |p: &Patient, m: &Marks| assessed_response(s, response, p, m, cut_month);
        let (mut n1, mut x1, mut n0, mut x0) = (0u64, 0u64, 0u64, 0u64);
        for (j, p) in patients.iter().enumerate() {
            let Some(r) = assessed(p, &trial.marks(j)) else { continue };
            if p.arm as usize == e.treatment {
                n1 += 1;
                x1 += r as u64;
            } else if Some(p.arm as usize) == e.control {
                n0 += 1;
                x0 += r as u64;
            }
        }
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
            BinaryTest::Fisher | BinaryTest::ChiSquare { .. } => {
                let t = binary::TwoByTwo { x_treatment: x1, n_treatment: n1, x_control: x0, n_control: n0 };
                let rate0 = if n0 > 0 { x0 as f64 / n0 as f64 } else { f64::NAN };
                let (fisher, correct) = match test {
                    BinaryTest::Fisher => (true, false),
                    BinaryTest::ChiSquare { continuity_correction } => (false, *continuity_correction),
                    BinaryTest::ExactBinomial { .. } | BinaryTest::SimonTwoStage { .. } => {
                        unreachable!("a two-arm test")
                    }
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
}
