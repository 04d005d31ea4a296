//! Building the reports from the scenario, the summary and the plan: every number a report
//! holds is computed here, once.

use super::prose::{design, estimand_note, test_name, warnings};
use super::{
    Accuracy, Analysis, Analytic, ArmCurve, ArmMean, BayesCalibrated, BayesExactLook, BayesLook, BayesOutcome,
    CohortResult, ConditionalPower, Curves, EXAMPLE_KINDS, EndpointReport, Estimate, ExactInterval, ExampleTrial,
    Execution, Histogram, Look, Multiplicity, Named, NullReport, NullTest, PlannedEvents, Provenance, Quantiles,
    Range95, RatesAnalytic, RunReport, SimonOutcome, Spread, Timing, TteAnalytic, finite,
};
use crate::report::key_number;
use crate::scenario::{BinaryTest, Endpoint, EndpointKind, Looks, Scenario, TimeToEventTest};
use crate::stats::binary;
use crate::summary::{EndpointSummary, ExactSum, LookSummary, Summary, Values};

/// How the estimates `v` do against the `truth` (None without a finite true value).
fn accuracy(v: &Values, truth: Option<f64>, covered: u64, intervals: u64, ratio: bool) -> Option<Accuracy> {
    let truth = truth.filter(|t| t.is_finite())?;
    let d = v.describe()?;
    let n = v.finite() as f64;
    let mse = v.mean_squared_error(truth)?;
    let coverage = (intervals > 0).then(|| covered as f64 / intervals as f64);
    let log = if ratio && truth > 0.0 { v.log_moments() } else { None };
    Some(Accuracy {
        true_value: truth,
        bias: d.mean - truth,
        bias_mcse: d.sd / n.sqrt(),
        rmse: mse.sqrt(),
        coverage,
        coverage_mcse: coverage.map(|c| (c * (1.0 - c) / intervals as f64).sqrt()),
        intervals,
        log_bias: log.map(|(mean, _)| mean - truth.ln()),
        log_bias_mcse: log.map(|(_, sd)| sd / n.sqrt()),
        estimand_note: None,
    })
}

/// Mean, standard deviation and quantiles of `v`, where it has a finite value.
fn spread(v: &Values) -> Option<Spread> {
    v.describe().map(|d| Spread { mean: d.mean, sd: d.sd, q025: d.q025, q500: d.q500, q975: d.q975 })
}

/// Mean and 95% range of `v`, where it has a finite value.
fn range95(v: &Values) -> Option<Range95> {
    v.describe().map(|d| Range95 { mean: d.mean, q025: d.q025, q975: d.q975 })
}

/// The name of an endpoint's estimate.
fn estimate_name(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::TimeToEvent { test, .. } => match test {
            TimeToEventTest::OneSampleLogrank { .. } => "hazard_ratio_vs_null",
            TimeToEventTest::Logrank
            | TimeToEventTest::StratifiedLogrank
            | TimeToEventTest::FlemingHarrington { .. }
            | TimeToEventTest::Rmst { .. }
            | TimeToEventTest::Milestone { .. }
            | TimeToEventTest::MaxCombo
            | TimeToEventTest::Cox => "hazard_ratio",
        },
        EndpointKind::Binary { test, .. } => match test {
            BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::BayesianDifference { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => "response_rate_difference",
            BinaryTest::ExactBinomial { .. } | BinaryTest::SimonTwoStage { .. } | BinaryTest::Bayesian { .. } => {
                "response_rate"
            }
        },
        EndpointKind::Safety { .. } => "adverse_event_rate",
    }
}

/// A bound's one-sided nominal p-value, 1 − Φ(z), from the upper tail (accurate far out).
fn nominal_p(z: f64) -> f64 {
    crate::stats::normal::cdf(-z)
}

/// `count` as a share of `r` replicates.
fn share(count: u64, r: u64) -> f64 {
    count as f64 / r as f64
}

impl RunReport {
    /// The report of `summary`, a run of `s`; `complete` when it holds every replicate.
    pub fn new(s: &Scenario, summary: &Summary, complete: bool) -> RunReport {
        let primary = s.primary();
        let planning = crate::cut::Planning::of(s, s.monitored());
        let endpoints = s
            .endpoints()
            .iter()
            .zip(&summary.endpoints)
            .enumerate()
            .map(|(i, (e, es))| endpoint_report(s, summary, &planning, primary, i, e, es))
            .collect();
        let analysis = analysis(s, summary, &planning);
        RunReport {
            scenario: s.name().to_string(),
            replicates: summary.replicates,
            seed: s.seed(),
            complete,
            warnings: warnings(s, summary),
            design: design(s),
            endpoints,
            analysis,
            examples: examples(summary),
            null: None,
            provenance: Provenance::of(s),
            timing: None,
            execution: None,
            interrupted: None,
            shard: None,
        }
    }

    /// With the run's wall-clock time and this execution's command line, platform and date.
    pub fn timed(mut self, s: &Scenario, seconds: f64, threads: usize) -> RunReport {
        let patients = self.replicates as f64 * s.enrollment().sample_size as f64;
        self.timing = Some(Timing { seconds, patients_per_second: patients / seconds.max(1e-9), threads });
        self.execution = Some(Execution::now());
        self
    }
}

/// The report of endpoint `i` (`e`, summarised in `es`) of a run of `s`; `primary` is the
/// scenario's primary endpoint.
fn endpoint_report(
    s: &Scenario,
    summary: &Summary,
    planning: &crate::cut::Planning,
    primary: Option<usize>,
    i: usize,
    e: &Endpoint,
    es: &EndpointSummary,
) -> EndpointReport {
    let r = summary.replicates.max(1);
    let safety = match e.kind {
        EndpointKind::Safety { .. } => true,
        EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => false,
    };
    let tested = (!safety).then(|| {
        let p = share(es.rejections, r);
        let (lo, hi) = binary::wilson(es.rejections, r, 0.95);
        (p, (p * (1.0 - p) / r as f64).sqrt(), [lo, hi])
    });
    let in_family = s.analysis().multiplicity.as_ref().is_some_and(|m| m.endpoints.contains(&i));
    let (milestone_measure, milestones) = milestones(s, e, es);
    EndpointReport {
        name: e.name.clone(),
        kind: e.kind.name().into(),
        test: test_name(&e.kind).into(),
        power: tested.map(|t| t.0),
        p_any_grade3: safety.then(|| share(es.any_grade3, r)),
        power_mcse: tested.map(|t| t.1),
        power_ci: tested.map(|t| t.2),
        rejections: (!safety).then_some(es.rejections),
        power_unadjusted: (!safety && in_family).then(|| share(es.rejections_unadjusted, r)),
        exact_interval: es.cp_lower.mean().zip(es.cp_upper.mean()).map(|(lo, hi)| ExactInterval {
            method: "clopper_pearson".into(),
            mean_lower: lo,
            mean_upper: hi,
        }),
        estimate: estimate(s, i, e, es),
        analytic: analytic(s, summary, planning, i),
        events: range95(&es.events),
        milestone_measure,
        milestones,
        simon: simon_outcome(&e.kind, es, r),
        bayesian: bayes_outcome(s, i, es, r),
        cohorts: (Some(i) == primary && !summary.cohorts.is_empty()).then(|| cohort_results(s, i, summary)),
        curves: curves(s, i, summary),
        looks: (Some(i) == primary).then(|| looks(s, i, summary, planning)),
        early_stop: (Some(i) == primary && summary.looks.len() > 1).then(|| {
            let early: u64 = summary.looks[..summary.looks.len() - 1]
                .iter()
                .map(|l| l.efficacy_stops + l.futility_stops + l.harm_stops)
                .sum();
            share(early, r)
        }),
        inference_at_stopping: summary
            .stopping
            .as_ref()
            .filter(|_| s.monitored() == Some(i))
            .map(|st| super::stopping::inference_at_stopping(s, i, st, &es.estimates, es.covered, es.interval_count)),
        spending: None,
        reestimation: (Some(i) == primary)
            .then(|| super::reestimation::rule(s, i, planning, summary.looks.first().map(|l| share(l.capped, r))))
            .flatten(),
    }
}

/// The estimate of endpoint `i` (`e`, summarised in `es`) across replicates, with its
/// accuracy against the scenario's true value.
fn estimate(s: &Scenario, i: usize, e: &Endpoint, es: &EndpointSummary) -> Estimate {
    let described = es.estimates.describe();
    let exact = es.exact_estimates.mean().filter(|_| s.assessments().is_some() && described.is_some());
    Estimate {
        name: estimate_name(&e.kind).into(),
        spread: spread(&es.estimates),
        not_estimable: es.not_estimable,
        accuracy: accuracy(
            &es.estimates,
            crate::design::analytic::true_estimate(s, i),
            es.covered,
            es.interval_count,
            match e.kind {
                EndpointKind::TimeToEvent { .. } => true,
                EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
            },
        )
        .map(|a| Accuracy { estimand_note: estimand_note(s, i), ..a }),
        histogram: Histogram::of(&es.estimates),
        mean_with_exact_event_times: exact,
        shift_from_assessment_schedule: exact.zip(described).map(|(x, d)| d.mean - x),
    }
}

/// A time-to-event endpoint's milestones: what they measure, and per milestone month each
/// arm's mean estimate (None, None without milestones).
fn milestones(s: &Scenario, e: &Endpoint, es: &EndpointSummary) -> (Option<String>, Option<Named<Named<ArmMean>>>) {
    match &e.kind {
        EndpointKind::TimeToEvent { milestones, competing, .. } if !milestones.is_empty() => {
            let rows = milestones
                .iter()
                .enumerate()
                .map(|(j, &m)| {
                    let mut arms = vec![(s.arms()[e.treatment].name.clone(), ArmMean::of(&es.milestones[j][0]))];
                    if let Some(c) = e.control {
                        arms.push((s.arms()[c].name.clone(), ArmMean::of(&es.milestones[j][1])));
                    }
                    (key_number(m), Named(arms))
                })
                .collect();
            (Some(if competing.is_empty() { "survival" } else { "cumulative_incidence" }.into()), Some(Named(rows)))
        }
        EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => (None, None),
    }
}

/// Simon's two-stage design across the `r` replicates (None for any other test).
fn simon_outcome(kind: &EndpointKind, es: &EndpointSummary, r: u64) -> Option<SimonOutcome> {
    match kind {
        EndpointKind::Binary { test, .. } => match test {
            BinaryTest::SimonTwoStage { .. } => true,
            BinaryTest::ExactBinomial { .. }
            | BinaryTest::Fisher
            | BinaryTest::ChiSquare { .. }
            | BinaryTest::Bayesian { .. }
            | BinaryTest::BayesianDifference { .. }
            | BinaryTest::GComputation { .. }
            | BinaryTest::Weighted { .. } => false,
        },
        EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => false,
    }
    .then(|| {
        let pet = share(es.stage1_stops, r);
        SimonOutcome {
            probability_of_early_termination: pet,
            pet_mcse: (pet * (1.0 - pet) / r as f64).sqrt(),
            expected_sample_size: es.patients_used.mean(),
        }
    })
}

/// A Bayesian rule across the `r` replicates (None for any other test).
fn bayes_outcome(s: &Scenario, i: usize, es: &EndpointSummary, r: u64) -> Option<BayesOutcome> {
    let e = &s.endpoints()[i];
    let EndpointKind::Binary { test, response, .. } = &e.kind else { return None };
    let (rule, null_rate) = match test {
        BinaryTest::Bayesian { rule, null_rate } => (rule, Some(*null_rate)),
        BinaryTest::BayesianDifference { rule } => (rule, None),
        BinaryTest::ExactBinomial { .. }
        | BinaryTest::SimonTwoStage { .. }
        | BinaryTest::Fisher
        | BinaryTest::ChiSquare { .. }
        | BinaryTest::GComputation { .. }
        | BinaryTest::Weighted { .. } => return None,
    };
    let share_of = |k: u64| {
        let p = share(k, r);
        (p, (p * (1.0 - p) / r as f64).sqrt())
    };
    let mut decisions: Vec<BayesLook> = rule
        .looks
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let [go, no_go] = es.own_stops.get(k).copied().unwrap_or([0, 0]);
            let ((go, go_mcse), (no_go, no_go_mcse)) = (share_of(go), share_of(no_go));
            BayesLook { patients: Some(n), go, go_mcse, no_go, no_go_mcse }
        })
        .collect();
    let early_go: u64 = es.own_stops.iter().map(|s| s[0]).sum();
    // The test's own decisions (before any multiplicity procedure), as the interims count them.
    let final_go = es.rejections_unadjusted.saturating_sub(early_go);
    let final_no_go = r.saturating_sub(es.stage1_stops).saturating_sub(final_go);
    let ((go, go_mcse), (no_go, no_go_mcse)) = (share_of(final_go), share_of(final_no_go));
    decisions.push(BayesLook { patients: None, go, go_mcse, no_go, no_go_mcse });
    // Exact only where the arm's size is fixed (no population of one arm).
    let null_rate = null_rate.filter(|_| crate::design::analytic::randomised(s));
    let exact = null_rate.map(|p0| {
        let (counts, go, floor) = crate::design::analytic::bayes_single_arm_design(s, i, p0, rule);
        let p1 = crate::design::analytic::counted_response(s, *response, e.treatment);
        let (cross, futile) = crate::stats::binomial_looks::crossing(&counts, &go, &floor, p1);
        let last = counts.len() - 1;
        (0..counts.len())
            .map(|k| BayesExactLook {
                patients: counts[k],
                go_responders: go[k],
                continue_responders: floor[k],
                go: cross[k],
                // At the final analysis every trial that reaches it without a Go is a No-Go.
                no_go: if k < last { futile[k] } else { 1.0 - cross.iter().sum::<f64>() - futile.iter().sum::<f64>() },
            })
            .collect()
    });
    let calibrated = null_rate.and_then(|p0| {
        crate::design::analytic::calibrate_bayes_single_arm(s, i, p0, rule, e.alpha).map(|c| BayesCalibrated {
            alpha: e.alpha,
            threshold_lower: c.lower,
            threshold_upper: c.upper,
            type_one_error: c.type_one_error,
            power: c.power,
        })
    });
    Some(BayesOutcome {
        calibrated,
        threshold: rule.threshold,
        prior: rule.prior.spec(),
        prior_ess: rule.prior.ess_elir(),
        control_prior: rule.control_prior.as_ref().map(|c| c.spec()),
        control_prior_ess: rule.control_prior.as_ref().and_then(|c| c.ess_elir()),
        decisions,
        expected_patients: es.patients_used.mean(),
        mean_posterior: es.posterior.mean(),
        exact,
    })
}

/// The analysis across replicates: its month, patients, planned events and multiplicity.
fn analysis(s: &Scenario, summary: &Summary, planning: &crate::cut::Planning) -> Analysis {
    let r = summary.replicates.max(1);
    let cut = range95(&summary.cut_month);
    let family = crate::engine::family(s);
    Analysis {
        cut_month: cut,
        cut_month_histogram: Histogram::of(&summary.cut_month),
        expected_patients: summary.patients.mean(),
        // What the looks spend alpha against: the events each endpoint is expected to have
        // at the final cut, from a simulation of the scenario's assumptions.
        planned_events: (planning.trials > 0).then(|| PlannedEvents {
            events: Named(
                s.endpoints()
                    .iter()
                    .zip(&planning.events)
                    .filter(|(_, d)| d.is_finite())
                    .map(|(e, &d)| (e.name.clone(), d))
                    .collect(),
            ),
            trials: planning.trials,
            seed: crate::cut::PLANNING_SEED,
            method: "the mean events at the final cut over the planning trials (a fixed seed, not the study's); a cut's own event target is used as it is".into(),
        }),
        cut_target_not_reached: match s.analysis().cut {
            crate::scenario::Cut::Events { .. } => true,
            crate::scenario::Cut::Month(_) | crate::scenario::Cut::MinFollowUp(_) => false,
        }
        .then_some(summary.cut_not_reached),
        // Where the trial stops (efficacy or futility at a look, else the final analysis).
        expected_duration_months: cut.map(|d| d.mean),
        multiplicity: (family.len() > 1).then(|| {
            let graph = s.analysis().multiplicity.as_ref().filter(|m| m.method.shows_graph()).map(|m| &m.graph);
            Multiplicity {
                method: s.analysis().multiplicity.as_ref().map_or("none", |m| m.method.name()).into(),
                endpoints: family.iter().map(|&i| s.endpoints()[i].name.clone()).collect(),
                power_all: share(summary.all_rejected, r),
                power_at_least_one: share(summary.any_rejected, r),
                weights: graph.map(|g| g.weights.clone()),
                transitions: graph.map(|g| g.transitions.clone()),
            }
        }),
    }
}

impl Provenance {
    /// What produced a report of `s`: the version, the seed, the replicates and the effective
    /// scenario with its SHA-256.
    pub fn of(s: &Scenario) -> Provenance {
        let toml = crate::scenario::to_toml(s);
        Provenance {
            peritrial: env!("CARGO_PKG_VERSION").into(),
            seed: s.seed(),
            replicates: s.replicates(),
            scenario_sha256: crate::report::hash::sha256_hex(toml.as_bytes()),
            scenario_toml: toml,
        }
    }
}

impl NullTest {
    /// The rejection rate of `rejections` in `r` trials against the nominal `level`.
    fn new(test: &str, level: f64, rejections: u64, r: u64) -> NullTest {
        let p = share(rejections, r);
        let (lo, hi) = binary::clopper_pearson(rejections, r, 0.95);
        let verdict = if hi < level {
            "conservative"
        } else if lo > level {
            "inflated"
        } else {
            "at level"
        };
        NullTest {
            test: test.into(),
            level,
            rejections,
            type_one_error: p,
            mcse: (p * (1.0 - p) / r.max(1) as f64).sqrt(),
            ci: [lo, hi],
            verdict: verdict.into(),
        }
    }
}

impl NullReport {
    /// The null report of `summary`, a run of `null` (the scenario `under_null` gave, with
    /// `what` it set).
    pub fn new(null: &Scenario, summary: &Summary, what: Vec<String>) -> NullReport {
        let r = summary.replicates.max(1);
        let endpoints = null
            .endpoints()
            .iter()
            .zip(&summary.endpoints)
            .filter(|(e, _)| match e.kind {
                EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
                EndpointKind::Safety { .. } => false,
            })
            .map(|(e, es)| (e.name.clone(), NullTest::new(test_name(&e.kind), e.alpha, es.rejections, r)))
            .collect();
        let family =
            null.analysis().multiplicity.as_ref().map(|m| {
                NullTest::new(&format!("{} (family-wise)", m.method.name()), m.alpha, summary.any_rejected, r)
            });
        let primary = null.primary();
        let planning = crate::cut::Planning::of(null, null.monitored());
        NullReport {
            null: what,
            scenario_sha256: Provenance::of(null).scenario_sha256,
            endpoints: Named(endpoints),
            family,
            expected_events: primary.and_then(|i| range95(&summary.endpoints[i].events)).map(|d| d.mean),
            expected_patients: summary.patients.mean(),
            expected_duration_months: range95(&summary.cut_month).map(|d| d.mean),
            looks: primary.filter(|_| null.analysis().looks.count() > 1).map(|i| looks(null, i, summary, &planning)),
        }
    }
}

/// The primary endpoint's hazard ratio within each cohort across trials.
fn cohort_results(s: &Scenario, i: usize, summary: &Summary) -> Vec<CohortResult> {
    let e = &s.endpoints()[i];
    let events = match &e.kind {
        EndpointKind::TimeToEvent { events, .. } => events,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return Vec::new(),
    };
    s.cohorts()
        .iter()
        .zip(&summary.cohorts)
        .map(|(cohort, c)| {
            // The cohort's ratio when every cause of the endpoint has the same constant one.
            let mut ratios = events.iter().filter_map(|&ev| cohort.events[ev].as_ref()).map(|m| {
                let (t, k) = (&m.hazard_ratio[e.treatment], &m.hazard_ratio[e.control.unwrap_or(e.treatment)]);
                (t.ratios.len() == 1 && k.ratios.len() == 1 && m.cure_fraction.iter().all(|&x| x == 0.0))
                    .then(|| t.ratios[0] / k.ratios[0])
            });
            let first = ratios.next().flatten();
            let truth = first.filter(|&h| ratios.all(|x| x.is_some_and(|x| (x - h).abs() <= 1e-12 * h)));
            let counted = c.log_bins.total();
            let wrong = match truth {
                Some(h) if h < 1.0 => Some(c.wrong_way),
                Some(h) if h > 1.0 => Some(counted - c.wrong_way),
                _ => None,
            };
            CohortResult {
                cohort: cohort.name.clone(),
                share: cohort.share,
                true_hazard_ratio: truth,
                q025: c.log_bins.quantile(0.025).map(f64::exp),
                q500: c.log_bins.quantile(0.5).map(f64::exp),
                q975: c.log_bins.quantile(0.975).map(f64::exp),
                geometric_mean: c.log_sum.mean().map(f64::exp),
                wrong_way: wrong.filter(|_| counted > 0).map(|w| w as f64 / counted as f64),
                not_estimable: c.not_estimable,
            }
        })
        .collect()
}

/// The example trials of the run, one per kind found.
fn examples(summary: &Summary) -> Vec<ExampleTrial> {
    summary
        .examples
        .iter()
        .zip(EXAMPLE_KINDS)
        .filter_map(|(r, kind)| {
            r.map(|replicate| ExampleTrial {
                kind: kind.into(),
                replicate,
                steps: Vec::new(),
                at_risk: Vec::new(),
                cut_month: None,
            })
        })
        .collect()
}

/// A time-to-event endpoint's curve per arm across replicates (None for another kind).
fn curves(s: &Scenario, i: usize, summary: &Summary) -> Option<Curves> {
    let e = &s.endpoints()[i];
    let competing = match &e.kind {
        EndpointKind::TimeToEvent { competing, .. } => competing,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => return None,
    };
    let es = &summary.endpoints[i];
    let grid = crate::analyze::curve_grid(crate::cut::Planning::of(s, s.monitored()).horizon);
    let arm = |slot: usize| ArmCurve {
        mean: es.curves.iter().map(|c| c[slot].sum.mean()).collect(),
        q025: es.curves.iter().map(|c| c[slot].bins.quantile(0.025)).collect(),
        q500: es.curves.iter().map(|c| c[slot].bins.quantile(0.5)).collect(),
        q975: es.curves.iter().map(|c| c[slot].bins.quantile(0.975)).collect(),
        not_estimable: es.curves.iter().map(|c| c[slot].missing).collect(),
        model: None,
    };
    let mut arms = vec![(s.arms()[e.treatment].name.clone(), arm(0))];
    if let Some(c) = e.control {
        arms.push((s.arms()[c].name.clone(), arm(1)));
    }
    Some(Curves {
        measure: if competing.is_empty() { "survival" } else { "cumulative_incidence" }.into(),
        months: grid,
        arms: Named(arms),
        model_method: None,
    })
}

/// The closed-form companion of endpoint `i`'s simulated power, where it has one.
fn analytic(s: &Scenario, summary: &Summary, planning: &crate::cut::Planning, i: usize) -> Option<Analytic> {
    use crate::design::analytic as an;
    let e = &s.endpoints()[i];
    if let Some(a) = an::tte_assumptions(s, i) {
        // Events: the cut's count when the cut waits for this endpoint, else the simulated mean.
        let (events, events_source) = match s.analysis().cut {
            crate::scenario::Cut::Events { endpoint, events } if endpoint == i && summary.cut_not_reached == 0 => {
                (events as f64, "cut")
            }
            crate::scenario::Cut::Events { .. }
            | crate::scenario::Cut::Month(_)
            | crate::scenario::Cut::MinFollowUp(_) => {
                if planning.trials > 0 && planning.events[i].is_finite() {
                    // With looks, the trials stop at different cuts: the design's planned events.
                    (planning.events[i], "planned")
                } else {
                    (summary.endpoints[i].events.describe().map_or(0.0, |d| d.mean), "simulated_mean")
                }
            }
        };
        let (hr, ratio) = (a.hazard_ratio, a.ratio);
        // Against a non-inferiority margin θ0 every formula reads the ratio to the margin.
        let theta0 = e.null_hazard_ratio();
        let vs = hr / theta0;
        let gs = an::GroupSequential::of(s, i);
        // With looks, the companion of the design the trials run: the same boundaries at the
        // planned information fractions, futility counted as stopping.
        let assumes = match &gs {
            Some(gs) => format!(
                "group-sequential: {} looks at information {:?}, {} spending{}, the efficacy boundaries at the planned fractions; constant hazard ratio, Schoenfeld's drift. The schoenfeld_* and freedman_* values are of a fixed design without looks",
                gs.looks.len(),
                gs.looks,
                s.analysis().spending.name(),
                if gs.futility.is_some() { ", futility (and harm) bounds counted as stopping" } else { "" }
            ),
            None if s.analysis().reestimation.is_some() && s.monitored() == Some(i) => {
                "Schoenfeld and Freedman at the planned final events, without the looks or the event re-estimation: an adaptive design has no closed form; the simulation is the answer".to_string()
            }
            None => "fixed design (one analysis); constant hazard ratio".to_string(),
        };
        let assumes = if theta0 != 1.0 {
            format!(
                "{assumes}; non-inferiority margin {theta0}: every formula at the hazard ratio over the margin, {vs:.4} (Freedman's formula so applied is an approximation)"
            )
        } else {
            assumes
        };
        return Some(Analytic::TimeToEvent(TteAnalytic {
            hazard_ratio: hr,
            events,
            events_source: events_source.into(),
            schoenfeld_power: an::schoenfeld_power(e.alpha, events, vs, ratio),
            freedman_power: an::freedman_power(e.alpha, events, vs, ratio),
            schoenfeld_events_80: finite(an::schoenfeld_events(e.alpha, 0.8, vs, ratio)).filter(|_| vs < 1.0),
            schoenfeld_events_90: finite(an::schoenfeld_events(e.alpha, 0.9, vs, ratio)).filter(|_| vs < 1.0),
            freedman_events_80: finite(an::freedman_events(e.alpha, 0.8, vs, ratio)).filter(|_| vs < 1.0),
            freedman_events_90: finite(an::freedman_events(e.alpha, 0.9, vs, ratio)).filter(|_| vs < 1.0),
            group_sequential_power: gs.as_ref().map(|g| finite(g.power(events, vs, ratio))),
            group_sequential_events_80: gs.as_ref().map(|g| finite(g.events(0.8, vs, ratio)).filter(|_| vs < 1.0)),
            group_sequential_events_90: gs.as_ref().map(|g| finite(g.events(0.9, vs, ratio)).filter(|_| vs < 1.0)),
            assumes,
        }));
    }
    if let Some(c) = an::rates_companion(s, i) {
        let dropout = s.dropout_hazard().iter().any(|&h| h > 0.0);
        return Some(Analytic::Rates(RatesAnalytic {
            method: if c.null_difference != 0.0 { "farrington_manning" } else { "chi_square" }.into(),
            rate_treatment: c.rates.0,
            rate_control: c.rates.1,
            null_difference: c.null_difference,
            patients_treatment: c.patients.0,
            patients_control: c.patients.1,
            power: c.power,
            patients_80: c.patients_80,
            patients_90: c.patients_90,
            assumes: format!(
                "normal approximation (rpact getPowerRates{}): every enrolled patient assessed by the cut, split by allocation, at the scenario's response probabilities averaged over cohorts{}; patients not yet assessed at the cut are not in the formula{}",
                if c.null_difference != 0.0 { format!(", thetaH0 = {}", c.null_difference) } else { String::new() },
                if dropout {
                    ", times the chance of no dropout before the assessment (a dropout counts as no response)"
                } else {
                    ""
                },
                if s.monitored() == Some(i) {
                    "; a single analysis without the looks (the group-sequential design's power is the simulation's)"
                } else {
                    ""
                }
            ),
        }));
    }
    an::binary_companion_at_looks(s, i).map(|(method, critical_responses, power, at_looks)| Analytic::Binary {
        method: method.into(),
        critical_responses,
        power,
        at_looks,
    })
}

/// The looks of the monitored endpoint across replicates, the final analysis last.
fn looks(s: &Scenario, endpoint: usize, summary: &Summary, planning: &crate::cut::Planning) -> Vec<Look> {
    let r = summary.replicates.max(1);
    let e = &s.endpoints()[endpoint];
    // The hazard-ratio scale is a time-to-event endpoint's only.
    let tte = match e.kind {
        EndpointKind::TimeToEvent { .. } => true,
        EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => false,
    };
    let ratio =
        e.control.filter(|_| tte).map(|c| s.arms()[e.treatment].allocation as f64 / s.arms()[c].allocation as f64);
    let mut rejected = 0u64;
    // The trial ends at the first look that crosses a boundary, else at the last one.
    let last = summary.looks.len().saturating_sub(1);
    let mut stopped_before = 0u64;
    let mean = |x: &ExactSum| x.mean();
    let varies = s.monitored_level_varies();
    summary
        .looks
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let ends_here = if k == last {
                summary.replicates - stopped_before
            } else {
                l.efficacy_stops + l.futility_stops + l.harm_stops
            };
            let reached = share(summary.replicates - stopped_before, r);
            stopped_before += ends_here;
            rejected += l.efficacy_stops;
            // A mean of boundaries at different levels is no boundary: none is reported then.
            let z = mean(&l.boundary).filter(|_| !varies);
            let d = mean(&l.events);
            // A bound on the z scale on the hazard-ratio scale at the look's mean events:
            // θ0·exp(−z (1 + r) / √(r d)), r the allocation ratio (Schoenfeld); against a
            // non-inferiority margin θ0 the boundary is θ0 times as large.
            let hazard_ratio_bound = |z: Option<f64>| match (z, d, ratio) {
                (Some(z), Some(d), Some(q)) if d > 0.0 => {
                    finite(e.null_hazard_ratio() * (-z * (1.0 + q) / (q * d).sqrt()).exp())
                }
                _ => None,
            };
            let futility = mean(&l.futility).filter(|f| f.is_finite());
            Look {
                look: k + 1,
                information: planning.fractions[k],
                boundary_z: z,
                boundary_hazard_ratio: hazard_ratio_bound(z),
                boundary_p: z.map(nominal_p),
                alpha_spent: (tte || s.monitored() == Some(endpoint)).then(|| {
                    if k == last {
                        e.alpha
                    } else {
                        crate::design::spending::spent(s.analysis().spending, e.alpha, planning.fractions[k])
                    }
                }),
                rejections: l.efficacy_stops,
                futility_z: mean(&l.futility),
                futility_hazard_ratio: hazard_ratio_bound(futility),
                futility_p: futility.map(nominal_p),
                futility_binding: futility.map(|_| s.analysis().binding_futility),
                futility_stops: l.futility_stops,
                harm_z: s.analysis().harm.and_then(|_| mean(&l.harm)),
                harm_hazard_ratio: hazard_ratio_bound(s.analysis().harm.and_then(|_| mean(&l.harm))),
                harm_stops: s.analysis().harm.map(|_| l.harm_stops),
                stop_probability: share(ends_here, r),
                reached,
                cumulative_power: share(rejected, r),
                events: mean(&l.events),
                cut_month: mean(&l.cut_month),
                patients: mean(&l.patients),
                target_not_reached: l.not_reached,
                after_enrolment: (s.analysis().interims_during_enrolment && k < last).then_some(l.after_enrolment),
                capped: (s.analysis().reestimation.is_some() && k < last).then_some(l.capped),
                z_distribution: Quantiles::of(&l.z_bins),
                events_distribution: Quantiles::of(&l.events_bins),
                patients_distribution: Quantiles::of(&l.patients_bins),
                month_distribution: Quantiles::of(&l.month_bins),
                month: match &s.analysis().looks {
                    Looks::Information(_) | Looks::Events(_) | Looks::Patients(_) => None,
                    looks @ (Looks::Months(_) | Looks::Combined { .. }) => Some(looks.month(k)),
                },
                conditional_power: (k < last && !l.conditional_power.is_empty())
                    .then(|| conditional_power(s, endpoint, l)),
            }
        })
        .collect()
}

/// The conditional power of the trials still running at look `l` of `endpoint`, under each
/// effect the scenario offers.
fn conditional_power(s: &Scenario, endpoint: usize, l: &LookSummary) -> Vec<ConditionalPower> {
    let truth = crate::design::analytic::true_estimate(s, endpoint);
    let user = s.analysis().conditional_power.and_then(|c| c.hazard_ratio);
    ["estimate", "assumed", "user", "predictive"]
        .into_iter()
        .zip([None, truth, user, None])
        .zip(&l.conditional_power)
        .filter(|((under, h), _)| matches!(*under, "estimate" | "predictive") || h.is_some())
        .map(|((under, hazard_ratio), c)| {
            let n = c.bins.total();
            let below = |x: f64| {
                (n > 0).then(|| {
                    let k = (x / c.bins.width).round() as usize;
                    c.bins.below_count(k) as f64 / n as f64
                })
            };
            ConditionalPower {
                under: under.into(),
                hazard_ratio,
                trials: n,
                mean: c.sum.mean(),
                distribution: Quantiles::of(&c.bins),
                below_0_1: below(0.1),
                below_0_2: below(0.2),
            }
        })
        .collect()
}

impl super::Analytic {
    /// The decision rule a single-arm exact companion is of, in words, from its critical value
    /// (or, monitored at looks, each look's): what every format prints beside its power.
    pub fn binary_rule(method: &str, critical_responses: u64, at_looks: Option<&[[u64; 2]]>) -> String {
        if method.starts_with("bayesian") {
            // A Bayesian rule's Go as responder counts; its No-Go rule is in its own block.
            return match at_looks {
                Some(looks) => {
                    // An interim without early success has no Go count (n + 1).
                    let each: Vec<String> = looks
                        .iter()
                        .map(|[n, r]| if r > n { format!("no Go at {n}") } else { format!("{r} of {n}") })
                        .collect();
                    format!("Go with {} or more responders, interims then final; No-Go as below", each.join(", "))
                }
                None => format!("Go with {critical_responses} or more responders"),
            };
        }
        match at_looks {
            Some(looks) => {
                let each: Vec<String> = looks.iter().map(|[n, r]| format!("{r} of {n}")).collect();
                format!("reject at the looks with {} or more responses of the patients assessed", each.join(", "))
            }
            None => format!("reject with {critical_responses} or more responses"),
        }
    }
}
