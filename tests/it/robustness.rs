//! No input panics: random mutations of every shipped scenario are either rejected with
//! messages or simulated without panicking; random CSV text is either analysed or rejected.

use peritrial::{engine, scenario};
use proptest::prelude::*;

fn scenarios() -> Vec<String> {
    let mut v: Vec<_> =
        std::fs::read_dir("scenarios").unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    v.sort();
    v
}

/// Values that stress validation and the engine.
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.5",
    "1e-300",
    "1e300",
    "nan",
    "inf",
    "-inf",
    "2",
    "1000000",
    "\"x\"",
    "true",
    "[]",
    "{}",
    "[[0, 1.0]]",
    "[[0, 0.0]]",
    "[[0, 1e-9], [1e-9, 1e9]]",
    "0.999999",
    "12000",
    "9223372036854775807",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(file in 0usize..12, line in 0usize..200, value in 0usize..VALUES.len(), cut in 0usize..2) {
        let texts = scenarios();
        let text = &texts[file % texts.len()];
        let lines: Vec<&str> = text.lines().collect();
        let i = line % lines.len();
        // Replace the value of one `key = value` line, or cut the file there.
        let mutated: String = if cut == 1 {
            lines[..i].join("\n")
        } else {
            lines
                .iter()
                .enumerate()
                .map(|(k, l)| match (k == i, l.split_once('=')) {
                    (true, Some((key, _))) if !l.trim_start().starts_with('#') => format!("{key}= {}", VALUES[value]),
                    _ => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        if let Ok(s) = scenario::from_str(&mutated, "mutated.toml", &[])
            && (s.enrollment().sample_size as u64) <= 20_000 {
                let _ = engine::run(&s, 0..3, |_| {});
            }
    }

    #[test]
    fn random_csv_never_panics(text in "[0-9a-z,.\\-\\n ]{0,200}") {
        let with_header = format!("time,status,arm\n{text}");
        if let Ok(obs) = peritrial::data::parse_csv(&with_header, "x.csv") {
            let _ = peritrial::stats::trial::analyze(&obs, &[12.0, 24.0], 36.0);
        }
        let _ = peritrial::data::parse_csv(&text, "x.csv");
    }
}

const PATHS: &[(&str, &[&str])] = &[
    ("enrollment.sample_size", &["1", "2", "3", "7", "40"]),
    (
        "enrollment.accrual",
        &[
            "{ months = 1e-6 }",
            "{ months = 12000 }",
            "{ rates = [[0, 1e-3], [1, 1e7]] }",
            "{ rates = [[0, 0], [5, 2]] }",
        ],
    ),
    ("dropout.hazard_per_month", &["0", "1e6", "1e-12", "{ control = 0, rmhtnf = 1e3 }"]),
    ("cohorts.gastric.events.peritoneal_metastasis.median_months", &["1e-6", "12000"]),
    ("cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf", &["1e-6", "1e6", "[[0, 1e6], [1e-9, 1e-6]]"]),
    (
        "analysis.cut",
        &[
            "{ month = 1e-9 }",
            "{ month = 12000 }",
            "{ min_follow_up_months = 0 }",
            "{ endpoint = \"efs\", events = 1 }",
        ],
    ),
    ("analysis.looks", &["[0.001, 1.0]", "[0.3, 0.6, 0.9, 1.0]"]),
    ("analysis.futility", &["{ z = 10 }", "{ z = -10 }"]),
    ("enrollment.block_size", &["2", "100000"]),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn extreme_but_valid_scenarios_simulate(picks in prop::collection::vec((0usize..PATHS.len(), 0usize..8), 1..4)) {
        let sets: Vec<String> = picks.iter().map(|&(p, v)| {
            let (path, values) = PATHS[p];
            format!("{path}={}", values[v % values.len()])
        }).collect();
        let text = std::fs::read_to_string("scenarios/two-arm-efs-logrank.toml").unwrap();
        let sets: Vec<String> = sets.into_iter().chain(["study.replicates=4".to_string()]).collect();
        match scenario::from_str(&text, "canonical", &sets) {
            Ok(s) => {
                let summary = engine::run(&s, 0..4, |_| {});
                let r = peritrial::report::model::RunReport::new(&s, &summary, true);
                let p = r.endpoint("efs").and_then(|e| e.power).unwrap();
                prop_assert!((0.0..=1.0).contains(&p), "{sets:?}: power {p}");
            }
            Err(e) => prop_assert!(!e.messages.is_empty()),
        }
    }
}
