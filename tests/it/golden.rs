//! Golden reports: the engine's output pinned to the byte. `tests/golden/NAME.json` is the JSON
//! report (without `timing`) of `scenarios/NAME.toml` at 2,000 trials; any difference fails.
//! A change that moves them must be deliberate: regenerate with
//!
//!     PERITRIAL_BLESS=1 cargo test --profile ci --test it golden::
//!
//! and list the change in CHANGELOG.md. The generators' draws are pinned as literals below, as
//! rand's `value_stability` tests do.

use peritrial::rng::{ReplicateStream, slot};

const SCENARIOS: &[&str] = &[
    "two-arm-efs-logrank",
    "gastric-adjuvant",
    "colorectal-adjuvant",
    "mixed-stratified",
    "pm-orr-simon",
    "safety-24h",
    "three-endpoint-family",
];

fn report(name: &str) -> String {
    let out = crate::helpers::peritrial()
        .args(["run", &format!("scenarios/{name}.toml"), "--replicates", "2000", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v.as_object_mut().unwrap().remove("execution");
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
fn reports_match_the_golden_files_byte_for_byte() {
    let bless = std::env::var_os("PERITRIAL_BLESS").is_some();
    let mut failures = Vec::new();
    for name in SCENARIOS {
        let path = format!("tests/golden/{name}.json");
        let got = report(name);
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
            failures.push(format!(
                "{path}: the report differs (first at line {line}: now {:?}, golden {:?})",
                got.lines().nth(line.saturating_sub(1)).unwrap_or(""),
                want.lines().nth(line.saturating_sub(1)).unwrap_or("")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the change is deliberate: PERITRIAL_BLESS=1 cargo test --profile ci --test it golden::, and list it in CHANGELOG.md",
        failures.join("\n")
    );
}

/// The first draws of the patient and randomisation streams, bit for bit.
#[test]
fn generator_draws_are_stable() {
    let s = ReplicateStream::new(20261126, 0);
    let p = s.patient(0);
    let got: Vec<u64> = vec![
        p.uniform(slot::ENTRY).to_bits(),
        p.uniform(slot::COHORT).to_bits(),
        p.exponential(slot::EVENT).to_bits(),
        p.fast_exponential(slot::EVENT).to_bits(),
        s.patient(599).uniform(slot::DROPOUT).to_bits(),
        ReplicateStream::new(20261126, 9999).patient(1).exponential(slot::EVENT + 4).to_bits(),
        ReplicateStream::new(u64::MAX, 1 << 40).patient(3).uniform(slot::RESPONSE).to_bits(),
    ];
    let want: Vec<u64> = GOLDEN_DRAWS.to_vec();
    if std::env::var_os("PERITRIAL_BLESS").is_some() {
        eprintln!("const GOLDEN_DRAWS: [u64; {}] = {:#018x?};", got.len(), got);
        return;
    }
    assert_eq!(
        got, want,
        "the generators' draws changed: every report changes; if deliberate, update GOLDEN_DRAWS and CHANGELOG.md"
    );
}

const GOLDEN_DRAWS: [u64; 7] = [
    0x3fd6d8bad0fd205c,
    0x3fe9f1036109baf9,
    0x3fe3f1de35b50234,
    0x3fc5e185812aa34f,
    0x3fc53b91d4426c88,
    0x3ff7353383fe1989,
    0x3f9bb6d47823ac20,
];

/// The typed report reads every golden report back and writes it again byte for byte, so that
/// checkpoints and `--from` carry reports through the type without loss.
#[test]
fn golden_reports_round_trip_through_the_typed_report() {
    for name in SCENARIOS {
        let path = format!("tests/golden/{name}.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let r: peritrial::report::model::RunReport = serde_json::from_str(&text).unwrap();
        let again = peritrial::report::export::render(
            peritrial::report::export::Format::Json,
            peritrial::report::export::Report::Run(&r),
        );
        assert!(again == text, "{path}: the typed report does not write back the same JSON");
    }
}
