//! Group-sequential boundaries against rpact's getDesignGroupSequential
//! (tests/reference/make_rpact_refs.R made tests/reference/rpact_refs.json): within 1e-4 on the
//! z scale (the contract; they agree to about 1e-8).

use peritrial::design::spending::boundaries;
use peritrial::scenario::Spending;
use serde_json::Value;

#[test]
fn boundaries_agree_with_rpact() {
    let refs: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/reference/rpact_refs.json").unwrap()).unwrap();
    let cases = refs["boundaries"].as_array().unwrap();
    assert!(cases.len() >= 30);
    let mut worst = 0.0f64;
    for c in cases {
        let spending = match c["type"].as_str().unwrap() {
            "asOF" => Spending::OBrienFleming,
            "asP" => Spending::Pocock,
            "asHSD" => Spending::HwangShihDeCani(c["gamma"].as_f64().unwrap()),
            other => panic!("unknown design {other}"),
        };
        let t: Vec<f64> = c["information"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        let alpha = c["alpha"].as_f64().unwrap();
        let ours = boundaries(spending, alpha, &t);
        for (k, want) in c["critical"].as_array().unwrap().iter().enumerate() {
            let d = (ours[k] - want.as_f64().unwrap()).abs();
            worst = worst.max(d);
            assert!(
                d < 1e-4,
                "{spending:?} alpha {alpha} t {t:?} look {}: peritrial {} vs rpact {want}",
                k + 1,
                ours[k]
            );
        }
    }
    eprintln!("largest difference from rpact: {worst:e}");
}

#[test]
fn simon_command_prints_both_designs() {
    let out = assert_cmd::Command::cargo_bin("peritrial")
        .unwrap()
        .args(["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["optimal"]["r1"].as_u64(),
            v["optimal"]["n1"].as_u64(),
            v["optimal"]["r"].as_u64(),
            v["optimal"]["n"].as_u64()
        ),
        (Some(1), Some(10), Some(5), Some(29))
    );
    assert_eq!(
        (
            v["minimax"]["r1"].as_u64(),
            v["minimax"]["n1"].as_u64(),
            v["minimax"]["r"].as_u64(),
            v["minimax"]["n"].as_u64()
        ),
        (Some(1), Some(15), Some(5), Some(25))
    );
    for bad in [
        vec!["--p0", "0.4", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"],
        vec!["--p0", "0.1", "--p1", "0.3", "--alpha", "1.5", "--beta", "0.2"],
    ] {
        let out = assert_cmd::Command::cargo_bin("peritrial").unwrap().arg("simon").args(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}
