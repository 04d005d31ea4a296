//! Group-sequential designs as rpact and East users expect them (issue 27): looks given as
//! event counts, both bounds in every format.

use serde_json::Value;

const TWO_ARM: &str = "scenarios/two-arm-efs-logrank.toml";

fn run_json(args: &[&str]) -> Value {
    let o = crate::helpers::peritrial().arg("run").args(args).args(["--format", "json", "--quiet"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn look_events(v: &Value) -> Vec<f64> {
    v["endpoints"]["efs"]["looks"].as_array().unwrap().iter().map(|l| l["events"].as_f64().unwrap()).collect()
}

/// `looks = { events = [57, 114, 171] }` puts each look at its count exactly, and spends at
/// the fractions 57/171 and 114/171: the same boundaries as the fractions given in full
/// precision. Two-thirds typed in decimals (0.6666667 × 171 = 114.0000057) rounds up to 115.
#[test]
fn looks_given_as_event_counts_come_at_those_counts() {
    let cut = "analysis.cut={ endpoint = \"efs\", events = 171 }";
    let counts = run_json(&[
        TWO_ARM,
        "--replicates",
        "200",
        "--set",
        cut,
        "--set",
        "analysis.looks={ events = [57, 114, 171] }",
    ]);
    let e = look_events(&counts);
    assert_eq!(&e[..2], [57.0, 114.0]);
    let exact = run_json(&[
        TWO_ARM,
        "--replicates",
        "200",
        "--set",
        cut,
        "--set",
        &format!("analysis.looks=[{:?}, {:?}, 1.0]", 57.0 / 171.0, 114.0 / 171.0),
    ]);
    let bound = |v: &Value| -> Vec<Value> {
        v["endpoints"]["efs"]["looks"].as_array().unwrap().iter().map(|l| l["boundary_z"].clone()).collect()
    };
    assert_eq!(bound(&counts), bound(&exact));
    assert_eq!(counts["endpoints"]["efs"]["power"], exact["endpoints"]["efs"]["power"]);
    let typed = run_json(&[
        TWO_ARM,
        "--replicates",
        "200",
        "--set",
        cut,
        "--set",
        "analysis.looks=[0.3333333, 0.6666667, 1.0]",
    ]);
    assert_eq!(look_events(&typed)[1], 115.0);
    // `show` writes the counts back as counts.
    let o = crate::helpers::peritrial()
        .args(["show", TWO_ARM, "--set", cut, "--set", "analysis.looks={ events = [57, 114, 171] }"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("looks = { events = [57, 114, 171] }"));
}

#[test]
fn look_counts_that_cannot_be_a_design_are_refused_with_their_path() {
    let refused = |sets: &[&str], expect: &str| {
        let mut c = crate::helpers::peritrial();
        c.args(["validate", TWO_ARM]);
        for s in sets {
            c.args(["--set", s]);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{sets:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "{sets:?}: {err}");
    };
    refused(&["analysis.looks={ events = [57, 114, 171] }"], "expected it to be the cut's target, 300 events");
    refused(
        &["analysis.looks={ events = [150, 100, 300] }"],
        "analysis.looks.events = [150, 100, 300]: event counts must increase strictly",
    );
    refused(&["analysis.looks={ events = [0, 300] }"], "analysis.looks.events[0]");
    refused(
        &["analysis.looks={ events = [150, 300], fractions = [0.5, 1.0] }"],
        "take no months, fractions or trigger",
    );
    refused(&["analysis.cut={ month = 40 }", "analysis.looks={ events = [150, 300] }"], "need an event-driven cut");
}
