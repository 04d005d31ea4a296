//! The validated scenario: every invariant of the scenario language holds here, so the
//! engine never returns a "bad scenario" error. Names are resolved to indices; per-arm
//! values are vectors indexed by arm.

/// Index of an arm in [`Scenario::arms`].
pub type ArmId = usize;
/// Index of an event cause in [`Scenario::event_names`].
pub type EventId = usize;
/// Index of a response in [`Scenario::response_names`].
pub type ResponseId = usize;
/// Index of an adverse event in [`Scenario::adverse_event_names`].
pub type AdverseEventId = usize;
/// Index of an endpoint in [`Scenario::endpoints`].
pub type EndpointId = usize;
/// Index of a baseline covariate in [`Scenario::covariate_names`].
pub type CovariateId = usize;

/// The name of the event cause that is death: observed exactly, and the only one that may
/// carry `after_recurrence`.
pub const DEATH: &str = "death";

/// The estimand's strategy for treatment switching of a time-to-event endpoint
/// (`intercurrent = "…"`; its names are in `vocab.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intercurrent {
    /// The patient is followed whatever happens (the default).
    TreatmentPolicy,
    /// The patient is censored when the switch is seen (a hypothetical strategy by censoring).
    CensorAtSwitch,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub(super) name: String,
    pub(super) replicates: u64,
    pub(super) seed: u64,
    pub(super) arms: Vec<Arm>,
    /// Permuted-block size: a multiple of the sum of allocations.
    pub(super) block_size: u32,
    pub(super) enrollment: Enrollment,
    /// Exponential loss to follow-up, hazard per month, per arm (0 = none).
    pub(super) dropout_hazard: Vec<f64>,
    pub(super) cohorts: Vec<Cohort>,
    pub(super) event_names: Vec<String>,
    pub(super) response_names: Vec<String>,
    pub(super) adverse_event_names: Vec<String>,
    /// The baseline covariates the cohorts define (every cohort defines each), in order of
    /// first appearance, and whether each is given to the analyses (false: an unmeasured
    /// confounder).
    pub(super) covariate_names: Vec<String>,
    pub(super) covariate_measured: Vec<bool>,
    pub(super) endpoints: Vec<Endpoint>,
    pub(super) analysis: Analysis,
    /// Scheduled imaging: recurrences are seen at the first visit after they happen.
    pub(super) assessments: Option<Schedule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub name: String,
    pub allocation: u32,
}

/// The planned patients of the compared arms (`treatment`, and `control` for two arms) of a
/// trial enrolling `sample_size` patients: their share of the allocation, rounded down. Every
/// one of them is assessed by the final analysis; a response monitored at looks spends its
/// alpha at the patients assessed over these.
pub fn planned_assessed(sample_size: u32, arms: &[Arm], treatment: usize, control: Option<usize>) -> u32 {
    let total: f64 = arms.iter().map(|a| a.allocation as f64).sum();
    let share: f64 = std::iter::once(treatment).chain(control).map(|a| arms[a].allocation as f64).sum::<f64>() / total;
    (sample_size as f64 * share).floor() as u32
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enrollment {
    pub sample_size: u32,
    pub accrual: Accrual,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Accrual {
    /// Entry uniform over `[0, months]`.
    Uniform { months: f64 },
    /// Poisson arrivals with piecewise-constant rates (patients per month) from each start
    /// month; the last rate goes on until the sample size is reached.
    Piecewise { starts: Vec<f64>, rates: Vec<f64> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    pub name: String,
    pub share: f64,
    /// `arm = "…"`: every patient of this population gets that arm (an external control
    /// series, or a single-arm trial's own patients beside one); None: randomised.
    pub arm: Option<ArmId>,
    /// Variance of a mean-1 gamma frailty multiplying all the patient's hazards.
    pub frailty_variance: Option<f64>,
    /// Indexed by [`EventId`]; `None` where this cohort does not have that cause.
    pub events: Vec<Option<EventModel>>,
    /// Hazard of death once any other event has happened (clock reset at that event).
    pub death_after_recurrence: Option<EventModel>,
    /// Switching to another therapy when the first (non-fatal) event is seen, and the effect of
    /// the switch on the hazard of death after it.
    pub switching: Option<Switching>,
    /// Indexed by [`ResponseId`].
    pub responses: Vec<Option<Response>>,
    /// Indexed by [`AdverseEventId`].
    pub adverse_events: Vec<Option<AdverseEvent>>,
    /// Indexed by [`CovariateId`] (every cohort defines every covariate; empty without any).
    pub covariates: Vec<Covariate>,
    /// The Gaussian copula's correlation of the covariates' latent normals, [k][l] (the
    /// identity when not given; empty without covariates). Positive definite.
    pub correlation: Vec<Vec<f64>>,
    /// By event, then by covariate: the log hazard ratio per unit above the covariate's
    /// reference (empty for an event without effects), h(t | x) = h(t) exp(βᵀ(x − ref)).
    /// Death's also act on death after recurrence.
    pub event_effects: Vec<Vec<f64>>,
    /// By response, then by covariate: the log odds ratio per unit above the reference
    /// (empty for a response without effects), logit p(x) = logit p + γᵀ(x − ref).
    pub response_effects: Vec<Vec<f64>>,
}

/// A baseline covariate's law in a cohort (its names are in `vocab.rs`), and the value at which
/// the cohort's hazards and probabilities are stated.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariate {
    pub law: CovariateLaw,
    /// The patient with every covariate at its reference has the cohort's stated hazards and
    /// probabilities (default: a normal's mean, a binary's 0).
    pub reference: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CovariateLaw {
    /// N(mean, sd²) truncated to [min, max] (±∞ when not given).
    Normal { mean: f64, sd: f64, min: f64, max: f64 },
    /// 1 with this probability, else 0.
    Binary { probability: f64 },
}

/// Treatment switching at recurrence (an intercurrent event): a patient of arm a whose first
/// event is not death switches, when it is seen, with probability `probability[a]`; after the
/// switch the hazard of death after recurrence is multiplied by `death_hazard_ratio` (the same
/// draw: a switcher's residual survival is that of a non-switcher scaled by the ratio).
#[derive(Debug, Clone, PartialEq)]
pub struct Switching {
    pub probability: Vec<f64>,
    pub death_hazard_ratio: f64,
}

/// An event-time distribution with its treatment effect per arm.
#[derive(Debug, Clone, PartialEq)]
pub struct EventModel {
    pub distribution: Distribution,
    /// Per arm: piecewise-constant hazard ratio (a constant ratio is one piece from 0).
    pub hazard_ratio: Vec<HazardRatio>,
    /// Per arm probability of never having the event (cure mixture); 0 when not a cure model.
    pub cure_fraction: Vec<f64>,
}

/// Baseline (control) distribution of the time to an event, for the uncured.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Exponential {
        rate: f64,
    },
    /// Rates per month from each start month (the first start is 0).
    PiecewiseExponential {
        starts: Vec<f64>,
        rates: Vec<f64>,
    },
    /// S(t) = exp(-(t / scale)^shape).
    Weibull {
        shape: f64,
        scale: f64,
    },
}

/// A hazard ratio piecewise constant in time since surgery.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardRatio {
    /// Start month of each piece; the first is 0.
    pub starts: Vec<f64>,
    pub ratios: Vec<f64>,
}

impl HazardRatio {
    pub fn constant(ratio: f64) -> HazardRatio {
        HazardRatio { starts: vec![0.0], ratios: vec![ratio] }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Per arm.
    pub probability: Vec<f64>,
    pub assessed_at_months: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdverseEvent {
    /// Per arm probability within 24 h of administration.
    pub probability: Vec<f64>,
    /// Share of those events that are grade 3 or higher.
    pub grade3_share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub name: String,
    pub kind: EndpointKind,
    pub treatment: ArmId,
    pub control: Option<ArmId>,
    /// One-sided significance level (success = treatment better).
    pub alpha: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointKind {
    TimeToEvent {
        /// The first of these ends the endpoint.
        events: Vec<EventId>,
        /// Competing events, for cumulative incidence.
        competing: Vec<EventId>,
        milestones: Vec<f64>,
        test: TimeToEventTest,
        /// The hazard ratio of the null hypothesis H0: HR ≥ θ0 (1: superiority; above 1: a
        /// non-inferiority margin, rpact's `thetaH0`), for the log-rank, stratified log-rank and
        /// Cox tests.
        null_hazard_ratio: f64,
        /// The estimand's strategy for treatment switching (ICH E9(R1)): false, treatment
        /// policy (the patient is followed whatever happens); true, the patient is censored
        /// when the switch is seen (a hypothetical strategy by censoring, biased when switching
        /// depends on prognosis).
        /// The estimand's strategy for treatment switching (ICH E9(R1)).
        intercurrent: Intercurrent,
    },
    Binary {
        response: ResponseId,
        test: BinaryTest,
        /// The difference of response rates of the null hypothesis H0: p_t − p_c ≤ δ0 (0:
        /// superiority; below 0: a non-inferiority margin, rpact's `thetaH0` of
        /// `getSimulationRates`), tested by the Farrington–Manning score test (the chi-square
        /// test without continuity correction, which it is at 0).
        null_difference: f64,
    },
    Safety {
        adverse_event: AdverseEventId,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TimeToEventTest {
    Logrank,
    StratifiedLogrank,
    FlemingHarrington {
        rho: f64,
        gamma: f64,
    },
    /// The maximum of FH(0,0), FH(0,1), FH(1,0), FH(1,1), p-value from their joint normal law.
    MaxCombo,
    Cox,
    /// Against a reference exponential hazard per month.
    OneSampleLogrank {
        null_hazard: f64,
    },
    /// The difference in restricted mean survival time up to `tau` months (treatment −
    /// control) over its standard error: each arm's area under its Kaplan–Meier curve, with
    /// the variance R's `print(survfit(…), rmean = τ)` gives.
    Rmst {
        tau: f64,
    },
    /// The difference in Kaplan–Meier survival at `month` (treatment − control) over its
    /// standard error from each arm's Greenwood variance (R's `summary(survfit(…), times =)`).
    Milestone {
        month: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum BinaryTest {
    ExactBinomial {
        null_rate: f64,
    },
    /// Simon's two-stage design: stop after `stage1_patients` if responses are at most
    /// `stage1_max_responses`; reject the null rate if total responses exceed `max_responses`.
    SimonTwoStage {
        null_rate: f64,
        stage1_patients: u32,
        stage1_max_responses: u32,
        max_responses: u32,
    },
    Fisher,
    /// The chi-square test of two proportions, one-sided through z = sign(difference)·√χ²;
    /// without continuity correction by default (R's `prop.test(correct = FALSE)`), with Yates'
    /// correction when asked (`prop.test(correct = TRUE)`).
    ChiSquare {
        continuity_correction: bool,
    },
    /// A single arm's Bayesian rule: Go when P(p > `null_rate` | data) exceeds the rule's
    /// threshold (at an interim, when early success is allowed, or at the final analysis).
    Bayesian {
        null_rate: f64,
        rule: Box<BayesRule>,
    },
    /// Two arms' Bayesian rule: Go when P(p_t − p_c > `null_difference` | data) exceeds the
    /// rule's threshold, each arm's rate under its own prior.
    BayesianDifference {
        rule: Box<BayesRule>,
    },
    /// Two arms adjusted for the measured covariates by g-computation: the logistic model of
    /// the response on the arm and the covariates, its predictions standardised over every
    /// patient (influence-function SE) or over the treated (`over_treated`: the effect in the
    /// treatment arm's population, an external control's estimand; delta-method HC0 SE); z =
    /// (difference − null_difference)/SE.
    GComputation {
        over_treated: bool,
    },
    /// Two arms weighted by the propensity score of the measured covariates (logistic): the
    /// Hájek risk difference with its HC0 SE (weights taken as fixed).
    Weighted {
        estimand: crate::stats::weighting::Estimand,
        truncate: Option<f64>,
    },
}

/// A Bayesian decision rule on a response (`test = "bayesian"` or `"bayesian_difference"`): its
/// priors, its threshold, and its own interim looks with the Go / No-Go rules there.
#[derive(Debug, Clone, PartialEq)]
pub struct BayesRule {
    /// The treatment arm's prior (a single arm's).
    pub prior: crate::stats::bayes::BetaMixture,
    /// Two arms: the control arm's prior.
    pub control_prior: Option<crate::stats::bayes::BetaMixture>,
    /// Go when the posterior probability of the alternative exceeds it.
    pub threshold: f64,
    /// Interim looks: the patients of the compared arms (by entry) assessed at each, increasing
    /// and below the planned patients; the final analysis takes every patient.
    pub looks: Vec<u32>,
    /// At an interim: No-Go when the predictive probability of a final Go falls below it.
    pub futility: Option<f64>,
    /// At an interim: Go when the posterior probability already exceeds the threshold.
    pub early_success: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub cut: Cut,
    pub looks: Looks,
    pub spending: Spending,
    pub futility: Option<Futility>,
    /// `looks = { …, min_gap_months = G }`: an interim comes at least G months after the look
    /// before it (0: no minimum).
    pub look_gap_months: f64,
    /// `looks = { …, during_enrolment = true }`: every interim should fall before the last
    /// patient is enrolled; trials in which one does not are counted and warned about.
    pub interims_during_enrolment: bool,
    /// `futility = { …, binding = true }` (a z or beta-spending rule): the efficacy boundaries
    /// are computed knowing that every trial below a futility bound stops (rpact's
    /// `bindingFutility = TRUE`); otherwise the rule is non-binding.
    pub binding_futility: bool,
    pub multiplicity: Option<Multiplicity>,
    /// Event re-estimation with the inverse-normal combination test.
    pub reestimation: Option<Reestimation>,
    /// `harm = { spending = …, alpha = … }`: the monitored endpoint also stops when its z falls
    /// below a harm bound that spends this alpha in the lower tail (binding, as the lower
    /// boundary of a two-sided design).
    pub harm: Option<Harm>,
    /// `report_conditional_power = true`: the conditional power of the monitored endpoint at
    /// every interim, under the trial's estimate, the scenario's hazard ratio and
    /// `conditional_power_hazard_ratio` when given.
    pub conditional_power: Option<ConditionalPowerReport>,
}

/// `analysis.reestimation`: at each interim the events of the next stage are chosen for a
/// conditional power (rpact's `getSimulationSurvival(design = getDesignInverseNormal(…),
/// conditionalPower, minNumberOfEventsPerStage, maxNumberOfEventsPerStage)`), and the trial is
/// tested with the inverse-normal combination of the stage-wise log-rank increments with the
/// weights of the planned information (Lehmacher & Wassmer 1999; Cui, Hung & Wang 1999).
#[derive(Debug, Clone, PartialEq)]
pub struct Reestimation {
    pub conditional_power: f64,
    /// Per stage after the first: the fewest and the most events of the stage.
    pub min_events: Vec<u32>,
    pub max_events: Vec<u32>,
    /// The hazard ratio the conditional power assumes (None: the trial's estimate).
    pub hazard_ratio: Option<f64>,
    /// The promising zone (Mehta & Pocock 2011): events are increased only when the
    /// conditional power at the planned events, under the trial's estimate, is at least this
    /// and below `conditional_power`; otherwise the stage keeps its planned events.
    pub promising_from: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Harm {
    pub spending: Spending,
    /// One-sided level of the harm test (the treatment worse).
    pub alpha: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConditionalPowerReport {
    /// The user's hazard ratio (`analysis.conditional_power_hazard_ratio`).
    pub hazard_ratio: Option<f64>,
}

/// When the analyses of a group-sequential design happen. The monitored endpoint is the cut's
/// endpoint (event-driven cut) or the first endpoint with a test. Under every rule a look
/// spends alpha at the information it has observed over the information planned at the final
/// cut — the cut's event target, or under a calendar or follow-up cut the events expected
/// there ([`crate::cut::Planning`]) — and the final analysis spends what is left, with the
/// correlation of the information actually observed: nothing a real trial would not know at
/// the look is used.
#[derive(Debug, Clone, PartialEq)]
pub enum Looks {
    /// Information fractions of the monitored endpoint's planned events, increasing, the last 1
    /// (the final analysis at the cut): look k comes when the endpoint reaches ⌈f_k·D⌉ events.
    Information(Vec<f64>),
    /// Event counts of the monitored endpoint, increasing, the last the cut's event target:
    /// look k comes at the `events[k]`-th event, exactly (a fraction typed in decimals, 0.6666667
    /// of 171, rounds up to 115). Spends as the fractions `events[k] / events[last]`.
    Events(Vec<u32>),
    /// Counts of patients with the monitored response assessed (in the arm, or the two arms, it
    /// compares), increasing, the last the planned patients of those arms
    /// ([`planned_assessed`]): look k comes when the `patients[k]`-th assessment falls due.
    /// Spends as the fractions `patients[k] / patients[last]`.
    Patients(Vec<u32>),
    /// Calendar months from the first entry of the interim looks, increasing; the final
    /// analysis is at the cut.
    Months(Vec<f64>),
    /// Interim k at the later (or, `later = false`, the earlier) of the month the monitored
    /// endpoint reaches ⌈f_k·D⌉ events and calendar month `months[k]`; `fractions` end at 1
    /// (the final analysis at the cut). Needs an event-driven cut (D its target).
    Combined { fractions: Vec<f64>, months: Vec<f64>, later: bool },
}

impl Looks {
    /// Analyses, the final one included.
    pub fn count(&self) -> usize {
        match self {
            Looks::Information(f) | Looks::Combined { fractions: f, .. } => f.len(),
            Looks::Events(c) | Looks::Patients(c) => c.len(),
            Looks::Months(m) => m.len() + 1,
        }
    }

    /// The planned information fractions, where the looks fix them in advance (by information
    /// or by event counts); `None` for looks whose information is known only at the look.
    pub fn fractions(&self) -> Option<Vec<f64>> {
        match self {
            Looks::Information(f) => Some(f.clone()),
            Looks::Events(c) | Looks::Patients(c) => {
                let last = *c.last().expect("validated: at least one look") as f64;
                Some(c.iter().map(|&k| k as f64 / last).collect())
            }
            Looks::Months(_) | Looks::Combined { .. } => None,
        }
    }

    /// The planned calendar month of interim k, where the looks name one.
    pub fn month(&self, k: usize) -> Option<f64> {
        match self {
            Looks::Information(_) | Looks::Events(_) | Looks::Patients(_) => None,
            Looks::Months(m) | Looks::Combined { months: m, .. } => m.get(k).copied(),
        }
    }

    /// The scenario language's form, for `show` and reports.
    pub fn describe(&self) -> String {
        match self {
            Looks::Information(f) => format!("information fractions {f:?}"),
            Looks::Events(c) => format!("looks at {c:?} events"),
            Looks::Patients(c) => format!("looks at {c:?} patients assessed"),
            Looks::Months(m) => format!("interim looks at months {m:?}"),
            Looks::Combined { fractions, months, later } => format!(
                "interim looks at the {} of information fractions {fractions:?} and months {months:?}",
                if *later { "later" } else { "earlier" }
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cut {
    /// At a calendar month from the first entry.
    Month(f64),
    /// When an endpoint reaches an event count.
    Events { endpoint: EndpointId, events: u32 },
    /// When every patient has this follow-up.
    MinFollowUp(f64),
}

pub use crate::stats::spending::Spending;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Futility {
    /// Stop for futility when z is below this (non-binding).
    Z(f64),
    /// Beta spending (non-binding), with the design's type II error β: the futility boundaries
    /// of rpact's `typeBetaSpending` (the drift is the one at which the last boundaries meet).
    BetaSpending { spending: Spending, beta: f64 },
    /// Stop for futility when the conditional power at an interim is below `below` (non-binding):
    /// under the trial's current estimate, or under `hazard_ratio` when given. Conditional power
    /// rises with z, so this is a z bound at each look, computed from the information the trial
    /// has at the look and the information planned after it.
    ConditionalPower { below: f64, hazard_ratio: Option<f64> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Multiplicity {
    pub method: MultiplicityMethod,
    pub endpoints: Vec<EndpointId>,
    /// Family-wise one-sided level.
    pub alpha: f64,
    /// With interim looks: each member's alpha-spending function (parallel to `endpoints`;
    /// default `analysis.spending`), from which its boundaries at its own information
    /// fractions are computed at the level the procedure gives it.
    pub spending: Vec<Spending>,
    /// The procedure as a graph (Bretz et al. 2009): the one `graphical` gives, or the graph
    /// of the named method (parallel to `endpoints`). Every method is tested through it, at
    /// the final analysis and at interim looks.
    pub graph: crate::stats::graph::Graph,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MultiplicityMethod {
    FixedSequence,
    Holm,
    Bonferroni,
    /// Wiens (2003): each member at its share of α plus the level of the one before it when
    /// that one was rejected (`weights`, default equal).
    Fallback,
    /// Bretz et al. (2009): `weights` and `transitions`.
    Graphical,
}

/// Visits from each start month, every `every` months.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub starts: Vec<f64>,
    pub every: Vec<f64>,
}

/// The validated scenario's settings, read-only: a `Scenario` is made by validation alone
/// (`scenario::load`, `scenario::from_str`, `scenario::under_null`), so every invariant the
/// validation checks holds wherever one exists.
impl Scenario {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn replicates(&self) -> u64 {
        self.replicates
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn arms(&self) -> &[Arm] {
        &self.arms
    }
    /// Permuted-block size: a multiple of the sum of allocations.
    pub fn block_size(&self) -> u32 {
        self.block_size
    }
    pub fn enrollment(&self) -> &Enrollment {
        &self.enrollment
    }
    /// Exponential loss to follow-up, hazard per month, per arm (0 = none).
    pub fn dropout_hazard(&self) -> &[f64] {
        &self.dropout_hazard
    }
    pub fn cohorts(&self) -> &[Cohort] {
        &self.cohorts
    }
    pub fn event_names(&self) -> &[String] {
        &self.event_names
    }
    pub fn response_names(&self) -> &[String] {
        &self.response_names
    }
    pub fn adverse_event_names(&self) -> &[String] {
        &self.adverse_event_names
    }
    /// The baseline covariates (empty without any).
    pub fn covariate_names(&self) -> &[String] {
        &self.covariate_names
    }
    /// Whether each covariate is given to the analyses (false: an unmeasured confounder).
    pub fn covariate_measured(&self) -> &[bool] {
        &self.covariate_measured
    }
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }
    /// Scheduled imaging: recurrences are seen at the first visit after they happen.
    pub fn assessments(&self) -> Option<&Schedule> {
        self.assessments.as_ref()
    }
}

impl Scenario {
    pub fn arm_index(&self, name: &str) -> Option<ArmId> {
        self.arms.iter().position(|a| a.name == name)
    }
    pub fn event_index(&self, name: &str) -> Option<EventId> {
        self.event_names.iter().position(|e| e == name)
    }
    pub fn endpoint_index(&self, name: &str) -> Option<EndpointId> {
        self.endpoints.iter().position(|e| e.name == name)
    }

    /// The endpoint whose test is the primary one: the cut's endpoint, or the first endpoint
    /// with a test.
    pub fn primary(&self) -> Option<EndpointId> {
        match self.analysis.cut {
            Cut::Events { endpoint, .. } => Some(endpoint),
            Cut::Month(_) | Cut::MinFollowUp(_) => self.endpoints.iter().position(|e| match e.kind {
                EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
                EndpointKind::Safety { .. } => false,
            }),
        }
    }

    /// The endpoint monitored at interim looks: the primary one, when there are looks and it
    /// is time to event (validation refuses looks otherwise).
    pub fn monitored(&self) -> Option<EndpointId> {
        self.primary().filter(|&pe| {
            self.analysis.looks.count() > 1
                && match self.endpoints[pe].kind {
                    // Validation lets only the uncorrected chi-square of two rates be monitored.
                    EndpointKind::TimeToEvent { .. } | EndpointKind::Binary { .. } => true,
                    EndpointKind::Safety { .. } => false,
                }
        })
    }

    /// The response the monitored endpoint reads and the arms whose patients it assesses (the
    /// treatment arm, and the control arm of a two-arm comparison), when it is a binary
    /// endpoint monitored at looks.
    pub fn monitored_responses(&self) -> Option<(ResponseId, ArmId, Option<ArmId>)> {
        let e = &self.endpoints[self.monitored()?];
        match e.kind {
            EndpointKind::Binary { response, .. } => Some((response, e.treatment, e.control)),
            EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => None,
        }
    }
}

impl Scenario {
    /// Whether the monitored endpoint's level at the looks depends on which other members of
    /// its multiplicity family a trial has rejected: its graph can pass weight into it (Holm,
    /// the fallback procedure, a graph with a path into it). Then the boundary in force differs
    /// from trial to trial, and no single boundary is the design's rule.
    pub fn monitored_level_varies(&self) -> bool {
        let (Some(pe), Some(m)) = (self.monitored(), &self.analysis.multiplicity) else { return false };
        let Some(p) = m.endpoints.iter().position(|&i| i == pe) else { return false };
        let n = m.endpoints.len();
        // The members with a path to p, found backwards from p.
        let mut reaches = vec![false; n];
        reaches[p] = true;
        let mut grown = true;
        while grown {
            grown = false;
            for j in 0..n {
                if !reaches[j] && (0..n).any(|k| reaches[k] && m.graph.transitions[j][k] > 0.0) {
                    reaches[j] = true;
                    grown = true;
                }
            }
        }
        (0..n).any(|j| j != p && reaches[j])
    }
}

impl EndpointKind {
    /// The exact one-sided type I error of a test whose cut-offs fix its level (Simon's
    /// two-stage design at its null rate with `n` patients in all): the endpoint's level when
    /// it states none, and what a stated `alpha` must not be below. None for the other tests.
    pub fn exact_size(&self, n: u32) -> Option<f64> {
        match self {
            EndpointKind::Binary { test, .. } => match test {
                BinaryTest::SimonTwoStage { null_rate, stage1_patients, stage1_max_responses, max_responses } => {
                    Some(crate::stats::simon::reject_probability(
                        *stage1_max_responses,
                        *stage1_patients,
                        *max_responses,
                        n,
                        *null_rate,
                    ))
                }
                BinaryTest::ExactBinomial { .. }
                | BinaryTest::Fisher
                | BinaryTest::ChiSquare { .. }
                | BinaryTest::Bayesian { .. }
                | BinaryTest::BayesianDifference { .. }
                | BinaryTest::GComputation { .. }
                | BinaryTest::Weighted { .. } => None,
            },
            EndpointKind::TimeToEvent { .. } | EndpointKind::Safety { .. } => None,
        }
    }
}

impl Endpoint {
    /// The hazard ratio of the endpoint's null hypothesis (1 but for a non-inferiority margin).
    pub fn null_hazard_ratio(&self) -> f64 {
        match self.kind {
            EndpointKind::TimeToEvent { null_hazard_ratio, .. } => null_hazard_ratio,
            EndpointKind::Binary { .. } | EndpointKind::Safety { .. } => 1.0,
        }
    }
}

impl MultiplicityMethod {
    /// Whether the report shows the graph: the methods whose weights the scenario gives (a
    /// named method's graph is its definition, which its name says).
    pub fn shows_graph(&self) -> bool {
        match self {
            MultiplicityMethod::Fallback | MultiplicityMethod::Graphical => true,
            MultiplicityMethod::FixedSequence | MultiplicityMethod::Holm | MultiplicityMethod::Bonferroni => false,
        }
    }

    /// The method's graph over m members from the scenario's `weights` (default equal) and
    /// `transitions` (default none), which only the methods whose `keys` name them read.
    pub fn graph(
        &self,
        m: usize,
        weights: Option<Vec<f64>>,
        transitions: Option<Vec<Vec<f64>>>,
    ) -> crate::stats::graph::Graph {
        use crate::stats::graph::Graph;
        let weights = weights.unwrap_or_else(|| vec![1.0 / m as f64; m]);
        match self {
            MultiplicityMethod::FixedSequence => Graph::fixed_sequence(m),
            MultiplicityMethod::Holm => Graph::holm(m),
            MultiplicityMethod::Bonferroni => Graph::bonferroni(m),
            MultiplicityMethod::Fallback => Graph::fallback(weights),
            MultiplicityMethod::Graphical => {
                Graph { weights, transitions: transitions.unwrap_or_else(|| vec![vec![0.0; m]; m]) }
            }
        }
    }
}
