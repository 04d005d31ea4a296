//! The fuzz targets in `cargo test`: every file of the committed corpus (`fuzz/corpus/TARGET/`,
//! the seeds and what AFL kept from its runs, crashes included once fixed) is replayed, then a
//! short mutation loop (fixed seed) runs each target. The long runs are AFL's (fuzz/README.md).

#[path = "../fuzz/targets.rs"]
mod targets;

use rand::{RngExt, SeedableRng};

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).unwrap())).collect()
}

#[test]
fn the_corpus_replays_without_a_panic() {
    for (name, f) in targets::TARGETS {
        let files = corpus(name);
        assert!(!files.is_empty(), "no corpus for {name}");
        for (path, bytes) in files {
            let r = std::panic::catch_unwind(|| f(&bytes));
            assert!(r.is_ok(), "{name}: {path} panics");
        }
    }
}

/// Byte-level and token-level mutations of the corpus (the tokens of the scenario language).
#[test]
fn short_mutation_run_without_a_panic() {
    const TOKENS: &[&str] = &[
        "=",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\"",
        "\n",
        ".",
        "-",
        "0",
        "1",
        "1e308",
        "-1",
        "nan",
        "inf",
        "1e-320",
        "median_months",
        "hazard_ratio",
        "rate_per_month",
        "events",
        "looks",
        "months",
        "spending",
        "cut",
        "multiplicity",
        "endpoints",
        "cohorts",
        "arms",
        "allocation",
        "sample_size",
        "accrual",
        "rates",
        "distribution",
        "piecewise_exponential",
        "weibull",
        "cure",
        "shape",
        "frailty_variance",
        "\u{feff}",
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    for (name, f) in targets::TARGETS {
        let seeds = corpus(name);
        // The analyses take 0.2 s an input (MaxCombo's integral): fewer of them.
        let rounds =
            if !seeds.is_empty() && std::ptr::fn_addr_eq(*f, targets::analyze as targets::Target) { 10 } else { 150 };
        for _ in 0..rounds {
            let mut bytes = seeds[rng.random_range(0..seeds.len())].1.clone();
            for _ in 0..rng.random_range(1..6) {
                let at = if bytes.is_empty() { 0 } else { rng.random_range(0..bytes.len()) };
                match rng.random_range(0..4) {
                    0 if !bytes.is_empty() => bytes[at] = rng.random(),
                    1 if !bytes.is_empty() => {
                        let end = (at + rng.random_range(1..40)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                    _ => {
                        let t = TOKENS[rng.random_range(0..TOKENS.len())].as_bytes();
                        bytes.splice(at..at, t.iter().copied());
                    }
                }
            }
            let r = std::panic::catch_unwind(|| f(&bytes));
            assert!(r.is_ok(), "{name}: panics on {:?}", String::from_utf8_lossy(&bytes));
        }
    }
}
