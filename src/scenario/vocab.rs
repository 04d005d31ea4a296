//! The scenario language's vocabulary: the names each choice takes in the language and the
//! keys each reads (the `NAMES` and `KEYS` tables of distributions, the strategies for
//! switching, futility rules, endpoint kinds, tests and multiplicity methods), and the name
//! enums validation parses those names into. Read by validation, `show` and the reports; the
//! types they name are in `model`.

use super::model::{
    BinaryTest, CovariateLaw, Distribution, EndpointKind, Futility, Intercurrent, MultiplicityMethod, TimeToEventTest,
};

impl Distribution {
    /// The scenario language's names, read by validation and `show`, with the keys of each (in
    /// the order of `NAMES`). A cure model (`CURE`) is written as a distribution too: a cure
    /// fraction and the `latency` distribution of the others.
    pub const NAMES: [&'static str; 3] = ["exponential", "piecewise_exponential", "weibull"];
    pub const KEYS: [&'static [&'static str]; 3] =
        [&["median_months", "rate_per_month"], &["rates"], &["shape", "median_months", "scale_months"]];
    pub const CURE: &'static str = "cure";
    pub const CURE_KEYS: &'static [&'static str] = &["cure_fraction", "latency"];
    /// Every name `distribution` takes (the cure model last).
    pub const CHOICES: [&'static str; 4] = [Self::NAMES[0], Self::NAMES[1], Self::NAMES[2], Self::CURE];

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Its name in the language's vocabulary.
    pub fn kind(&self) -> DistributionName {
        match self {
            Distribution::Exponential { .. } => DistributionName::Exponential,
            Distribution::PiecewiseExponential { .. } => DistributionName::PiecewiseExponential,
            Distribution::Weibull { .. } => DistributionName::Weibull,
        }
    }
}

/// A name `distribution` takes ([`Distribution::CHOICES`]), as validation reads it: `parse`
/// turns the name into this once, and every decision on it is an exhaustive `match`, so that a
/// new name must be handled wherever one is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistributionName {
    Exponential,
    PiecewiseExponential,
    Weibull,
    /// A cure model ([`Distribution::CURE`]): a cure fraction and the `latency` distribution.
    Cure,
}

impl DistributionName {
    /// One per name of the table (sized by it: a name added there needs its variant here).
    pub const ALL: [DistributionName; Distribution::CHOICES.len()] = [
        DistributionName::Exponential,
        DistributionName::PiecewiseExponential,
        DistributionName::Weibull,
        DistributionName::Cure,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DistributionName::Exponential => Distribution::NAMES[0],
            DistributionName::PiecewiseExponential => Distribution::NAMES[1],
            DistributionName::Weibull => Distribution::NAMES[2],
            DistributionName::Cure => Distribution::CURE,
        }
    }

    /// The keys it reads beside `distribution` and `hazard_ratio`.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            DistributionName::Exponential => Distribution::KEYS[0],
            DistributionName::PiecewiseExponential => Distribution::KEYS[1],
            DistributionName::Weibull => Distribution::KEYS[2],
            DistributionName::Cure => Distribution::CURE_KEYS,
        }
    }

    /// The choice a name of `Distribution::CHOICES` names (None for any other string).
    pub fn parse(name: &str) -> Option<DistributionName> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }
}

impl Intercurrent {
    /// The scenario language's names, read by validation and `show`.
    pub const NAMES: [&'static str; 2] = ["treatment_policy", "censor_at_switch"];
    /// One per name.
    pub const ALL: [Intercurrent; Intercurrent::NAMES.len()] =
        [Intercurrent::TreatmentPolicy, Intercurrent::CensorAtSwitch];

    pub fn name(self) -> &'static str {
        match self {
            Intercurrent::TreatmentPolicy => Self::NAMES[0],
            Intercurrent::CensorAtSwitch => Self::NAMES[1],
        }
    }

    pub fn parse(name: &str) -> Option<Intercurrent> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }
}

impl Futility {
    /// The scenario language's key of each rule (`futility = { z = … }`, …), read by validation
    /// and `show`, with the keys each rule reads beside it (in the order of `NAMES`) and the
    /// key every rule may have.
    pub const NAMES: [&'static str; 3] = ["z", "beta_spending", "conditional_power"];
    pub const KEYS: [&'static [&'static str]; 3] = [&[], &["beta"], &["hazard_ratio"]];
    pub const BINDING: &'static str = "binding";

    pub fn key(&self) -> &'static str {
        match self {
            Futility::Z(_) => Self::NAMES[0],
            Futility::BetaSpending { .. } => Self::NAMES[1],
            Futility::ConditionalPower { .. } => Self::NAMES[2],
        }
    }
}

/// The scenario language's names of each choice: the one table read by validation, `show`
/// and the reports.
impl EndpointKind {
    pub const NAMES: [&'static str; 3] = ["time_to_event", "binary", "safety"];
    /// The keys each kind reads (beside `kind`, `test`, `treatment`, `control`, `alpha`).
    pub const KEYS: [&'static [&'static str]; 3] = [
        &["events", "competing", "milestones", "null_hazard_ratio", "intercurrent"],
        &["response", "null_difference"],
        &["adverse_event"],
    ];

    /// The keys of the kind named `kind` (none for a name that is not one).
    pub fn keys(kind: &str) -> &'static [&'static str] {
        Self::NAMES.iter().position(|n| *n == kind).map_or(&[], |i| Self::KEYS[i])
    }

    /// The keys of the test named `test` of the kind named `kind`.
    pub fn test_keys(kind: &str, test: &str) -> &'static [&'static str] {
        let find = |names: &[&str], keys: &[&'static [&'static str]]| {
            names.iter().position(|n| *n == test).map_or(&[][..], |i| keys[i])
        };
        match EndpointKindName::parse(kind) {
            Some(EndpointKindName::TimeToEvent) => find(&TimeToEventTest::NAMES, &TimeToEventTest::KEYS),
            Some(EndpointKindName::Binary) => find(&BinaryTest::NAMES, &BinaryTest::KEYS),
            Some(EndpointKindName::Safety) | None => &[],
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Its name in the language's vocabulary.
    pub fn kind(&self) -> EndpointKindName {
        match self {
            EndpointKind::TimeToEvent { .. } => EndpointKindName::TimeToEvent,
            EndpointKind::Binary { .. } => EndpointKindName::Binary,
            EndpointKind::Safety { .. } => EndpointKindName::Safety,
        }
    }
}

/// A name `kind` takes ([`EndpointKind::NAMES`]), as validation reads it: `parse` turns the
/// name into this once, and every decision on it is an exhaustive `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKindName {
    TimeToEvent,
    Binary,
    Safety,
}

impl EndpointKindName {
    /// One per name of the table (sized by it: a name added there needs its variant here).
    pub const ALL: [EndpointKindName; EndpointKind::NAMES.len()] =
        [EndpointKindName::TimeToEvent, EndpointKindName::Binary, EndpointKindName::Safety];

    pub fn name(self) -> &'static str {
        match self {
            EndpointKindName::TimeToEvent => EndpointKind::NAMES[0],
            EndpointKindName::Binary => EndpointKind::NAMES[1],
            EndpointKindName::Safety => EndpointKind::NAMES[2],
        }
    }

    /// The choice a name of `EndpointKind::NAMES` names (None for any other string).
    pub fn parse(name: &str) -> Option<EndpointKindName> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl TimeToEventTest {
    pub const NAMES: [&'static str; 8] = [
        "logrank",
        "stratified_logrank",
        "fleming_harrington",
        "maxcombo",
        "cox",
        "one_sample_logrank",
        "rmst",
        "milestone",
    ];
    /// The keys each test reads, in the order of `NAMES`.
    pub const KEYS: [&'static [&'static str]; 8] =
        [&[], &[], &["rho", "gamma"], &[], &[], &["null_median_months", "null_hazard_per_month"], &["tau"], &["month"]];

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Its name in the language's vocabulary.
    pub fn kind(&self) -> TimeToEventTestName {
        match self {
            TimeToEventTest::Logrank => TimeToEventTestName::Logrank,
            TimeToEventTest::StratifiedLogrank => TimeToEventTestName::StratifiedLogrank,
            TimeToEventTest::FlemingHarrington { .. } => TimeToEventTestName::FlemingHarrington,
            TimeToEventTest::MaxCombo => TimeToEventTestName::MaxCombo,
            TimeToEventTest::Cox => TimeToEventTestName::Cox,
            TimeToEventTest::OneSampleLogrank { .. } => TimeToEventTestName::OneSampleLogrank,
            TimeToEventTest::Rmst { .. } => TimeToEventTestName::Rmst,
            TimeToEventTest::Milestone { .. } => TimeToEventTestName::Milestone,
        }
    }
}

/// A name a time-to-event endpoint's `test` takes ([`TimeToEventTest::NAMES`]), as validation
/// reads it: `parse` turns the name into this once, and every decision on it is an exhaustive
/// `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeToEventTestName {
    Logrank,
    StratifiedLogrank,
    FlemingHarrington,
    MaxCombo,
    Cox,
    OneSampleLogrank,
    Rmst,
    Milestone,
}

impl TimeToEventTestName {
    /// One per name of the table (sized by it: a name added there needs its variant here).
    pub const ALL: [TimeToEventTestName; TimeToEventTest::NAMES.len()] = [
        TimeToEventTestName::Logrank,
        TimeToEventTestName::StratifiedLogrank,
        TimeToEventTestName::FlemingHarrington,
        TimeToEventTestName::MaxCombo,
        TimeToEventTestName::Cox,
        TimeToEventTestName::OneSampleLogrank,
        TimeToEventTestName::Rmst,
        TimeToEventTestName::Milestone,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TimeToEventTestName::Logrank => TimeToEventTest::NAMES[0],
            TimeToEventTestName::StratifiedLogrank => TimeToEventTest::NAMES[1],
            TimeToEventTestName::FlemingHarrington => TimeToEventTest::NAMES[2],
            TimeToEventTestName::MaxCombo => TimeToEventTest::NAMES[3],
            TimeToEventTestName::Cox => TimeToEventTest::NAMES[4],
            TimeToEventTestName::OneSampleLogrank => TimeToEventTest::NAMES[5],
            TimeToEventTestName::Rmst => TimeToEventTest::NAMES[6],
            TimeToEventTestName::Milestone => TimeToEventTest::NAMES[7],
        }
    }

    /// The choice a name of `TimeToEventTest::NAMES` names (None for any other string).
    pub fn parse(name: &str) -> Option<TimeToEventTestName> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl BinaryTest {
    pub const NAMES: [&'static str; 8] = [
        "exact_binomial",
        "simon_two_stage",
        "fisher",
        "chi_square",
        "bayesian",
        "bayesian_difference",
        "g_computation",
        "weighted",
    ];
    /// The keys each test reads, in the order of `NAMES`.
    pub const KEYS: [&'static [&'static str]; 8] = [
        &["null_rate"],
        &["null_rate", "stage1_patients", "stage1_max_responses", "max_responses"],
        &[],
        &["continuity_correction"],
        &["null_rate", "prior", "threshold", "interims", "futility_predictive", "early_success"],
        &["prior", "control_prior", "threshold", "interims", "futility_predictive", "early_success"],
        &["standardise_over"],
        &["weighting", "truncate"],
    ];

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Its name in the language's vocabulary.
    pub fn kind(&self) -> BinaryTestName {
        match self {
            BinaryTest::ExactBinomial { .. } => BinaryTestName::ExactBinomial,
            BinaryTest::SimonTwoStage { .. } => BinaryTestName::SimonTwoStage,
            BinaryTest::Fisher => BinaryTestName::Fisher,
            BinaryTest::ChiSquare { .. } => BinaryTestName::ChiSquare,
            BinaryTest::Bayesian { .. } => BinaryTestName::Bayesian,
            BinaryTest::BayesianDifference { .. } => BinaryTestName::BayesianDifference,
            BinaryTest::GComputation { .. } => BinaryTestName::GComputation,
            BinaryTest::Weighted { .. } => BinaryTestName::Weighted,
        }
    }
}

/// A name a binary endpoint's `test` takes ([`BinaryTest::NAMES`]), as validation reads it:
/// `parse` turns the name into this once, and every decision on it is an exhaustive `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryTestName {
    ExactBinomial,
    SimonTwoStage,
    Fisher,
    ChiSquare,
    Bayesian,
    BayesianDifference,
    GComputation,
    Weighted,
}

impl BinaryTestName {
    /// One per name of the table (sized by it: a name added there needs its variant here).
    pub const ALL: [BinaryTestName; BinaryTest::NAMES.len()] = [
        BinaryTestName::ExactBinomial,
        BinaryTestName::SimonTwoStage,
        BinaryTestName::Fisher,
        BinaryTestName::ChiSquare,
        BinaryTestName::Bayesian,
        BinaryTestName::BayesianDifference,
        BinaryTestName::GComputation,
        BinaryTestName::Weighted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BinaryTestName::ExactBinomial => BinaryTest::NAMES[0],
            BinaryTestName::SimonTwoStage => BinaryTest::NAMES[1],
            BinaryTestName::Fisher => BinaryTest::NAMES[2],
            BinaryTestName::ChiSquare => BinaryTest::NAMES[3],
            BinaryTestName::Bayesian => BinaryTest::NAMES[4],
            BinaryTestName::BayesianDifference => BinaryTest::NAMES[5],
            BinaryTestName::GComputation => BinaryTest::NAMES[6],
            BinaryTestName::Weighted => BinaryTest::NAMES[7],
        }
    }

    /// The choice a name of `BinaryTest::NAMES` names (None for any other string).
    pub fn parse(name: &str) -> Option<BinaryTestName> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl MultiplicityMethod {
    pub const ALL: [MultiplicityMethod; 5] = [
        MultiplicityMethod::FixedSequence,
        MultiplicityMethod::Holm,
        MultiplicityMethod::Bonferroni,
        MultiplicityMethod::Fallback,
        MultiplicityMethod::Graphical,
    ];
    pub const NAMES: [&'static str; 5] = ["fixed_sequence", "holm", "bonferroni", "fallback", "graphical"];
    /// The keys each method reads beside `method`, `endpoints`, `alpha` and `spending`, in the
    /// order of `NAMES`.
    pub const KEYS: [&'static [&'static str]; 5] = [&[], &[], &[], &["weights"], &["weights", "transitions"]];

    pub fn name(&self) -> &'static str {
        Self::NAMES[self.index()]
    }

    fn index(&self) -> usize {
        match self {
            MultiplicityMethod::FixedSequence => 0,
            MultiplicityMethod::Holm => 1,
            MultiplicityMethod::Bonferroni => 2,
            MultiplicityMethod::Fallback => 3,
            MultiplicityMethod::Graphical => 4,
        }
    }

    pub fn keys(&self) -> &'static [&'static str] {
        Self::KEYS[self.index()]
    }

    pub fn from_name(name: &str) -> Option<MultiplicityMethod> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The scenario language's names of a covariate's law (`age = { normal = { … } }`,
/// `ecog = { binary = 0.3 }`): the one table read by validation and `show`.
impl CovariateLaw {
    pub const NAMES: [&'static str; 2] = ["normal", "binary"];

    pub fn name(&self) -> &'static str {
        match self {
            CovariateLaw::Normal { .. } => Self::NAMES[0],
            CovariateLaw::Binary { .. } => Self::NAMES[1],
        }
    }
}
