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
    refused(&["analysis.looks={ patients = [150, 300] }"], "looks at patient counts monitor a response endpoint");
    refused(
        &["analysis.looks={ patients = [100, 300], events = [150, 300] }"],
        "event counts or as patient counts, not both",
    );
}

/// `looks = { patients = [...] }` for a monitored response: the same trials, boundaries and
/// decisions as the fractions of the planned patients; the last count must be the compared
/// arms' planned patients; `show` writes the counts back.
#[test]
fn looks_given_as_patient_counts_are_the_fractions_of_the_planned_patients() {
    const SINGLE: &str = "scenarios/ascites-dcr-at-looks.toml";
    let fractions = run_json(&[SINGLE, "--replicates", "2000"]);
    let counts = run_json(&[SINGLE, "--replicates", "2000", "--set", "analysis.looks={ patients = [15, 30, 45] }"]);
    assert_eq!(fractions["endpoints"], counts["endpoints"]);
    let o = crate::helpers::peritrial()
        .args(["show", SINGLE, "--set", "analysis.looks={ patients = [10, 20, 45] }"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("looks = { patients = [10, 20, 45] }"));
    for (sets, expect) in [
        (
            vec!["analysis.looks={ patients = [15, 30, 44] }"],
            "analysis.looks.patients = [15, 30, 44]: the last count is the final analysis, every patient of the treatment arm assessed: expected 45",
        ),
        (vec!["analysis.looks={ patients = [30, 15, 45] }"], "patient counts must increase strictly"),
        (vec!["analysis.looks={ patients = [15, 45], months = [6] }"], "take no months, fractions or trigger"),
    ] {
        let mut c = crate::helpers::peritrial();
        c.args(["validate", SINGLE]);
        for s in sets {
            c.args(["--set", s]);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{expect}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "{err}");
    }
}

/// Both bounds on every scale in every format: the JSON's numbers are the CSV's look rows', the
/// table's and the HTML's; the nominal p-values are 1 − Φ(z) (statrs's survival function, not the engine's normal).
#[test]
fn both_bounds_are_in_every_format() {
    use statrs::distribution::{ContinuousCDF, Normal};
    let dir = tempfile::tempdir().unwrap();
    let (json, csv, html) = (dir.path().join("r.json"), dir.path().join("r.csv"), dir.path().join("r.html"));
    let base = ["run", "scenarios/binding-futility.toml", "--replicates", "300", "--quiet", "--null"];
    for (format, out) in [("json", &json), ("csv", &csv)] {
        let mut c = crate::helpers::peritrial();
        c.args(base).args(["--format", format, "--out"]).arg(out);
        if format == "json" {
            c.arg("--html").arg(&html);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let table = String::from_utf8(crate::helpers::peritrial().args(base).output().unwrap().stdout).unwrap();
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let looks = v["endpoints"]["efs"]["looks"].as_array().unwrap();
    let normal = Normal::new(0.0, 1.0).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> =
        reader.records().map(|r| r.unwrap()).filter(|r| !r[col("look")].is_empty()).collect();
    assert_eq!(rows.len(), looks.len(), "one CSV row per look");
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("futility bound HR") && html.contains("efficacy nominal p (stage level)"));
    assert!(table.contains("fut HR") && table.contains("eff p"));
    for (k, l) in looks.iter().enumerate() {
        let z = l["boundary_z"].as_f64().unwrap();
        let p = l["boundary_p"].as_f64().unwrap();
        assert!((p / normal.sf(z) - 1.0).abs() < 1e-10, "look {}: {p} vs {}", k + 1, normal.sf(z));
        let row = &rows[k];
        for key in
            ["boundary_z", "boundary_hazard_ratio", "boundary_p", "futility_z", "futility_hazard_ratio", "futility_p"]
        {
            match l[key].as_f64() {
                Some(x) => assert_eq!(row[col(key)].parse::<f64>().unwrap(), x, "look {} {key}", k + 1),
                None => assert_eq!(&row[col(key)], "", "look {} {key}", k + 1),
            }
        }
        if let Some(f) = l["futility_z"].as_f64() {
            let fp = l["futility_p"].as_f64().unwrap();
            assert!((fp / normal.sf(f) - 1.0).abs() < 1e-10, "look {} futility p", k + 1);
            // The futility bound on the hazard-ratio scale is the efficacy bound's transform at
            // the same events: log HR / z is the same for both.
            let (hr, fhr) =
                (l["boundary_hazard_ratio"].as_f64().unwrap(), l["futility_hazard_ratio"].as_f64().unwrap());
            assert!((hr.ln() / z - fhr.ln() / f).abs() < 1e-12, "look {}", k + 1);
            assert!(table.contains(&format!("{:.3}", fhr)) && html.contains(&format!("{:.3}", fhr)));
        }
        let h0 = &v["null"]["looks"][k];
        assert_eq!(row[col("h0_efficacy_stop")].parse::<f64>().unwrap(), h0["rejections"].as_f64().unwrap() / 300.0);
    }
}

/// Under the null, each look of a design without futility rejects, cumulatively, what the
/// spending function planned to spend there (within 4 Monte Carlo standard errors), and the
/// expected events under H0 are the looks' counts weighted by where the trials stop.
#[test]
fn under_the_null_each_look_spends_what_the_design_planned() {
    let n = 20_000.0;
    let v =
        run_json(&[TWO_ARM, "--replicates", "20000", "--null", "--set", "analysis.looks={ events = [100, 200, 300] }"]);
    let null = &v["null"];
    let looks = null["looks"].as_array().unwrap();
    let planned = v["endpoints"]["efs"]["looks"].as_array().unwrap();
    assert_eq!(looks.len(), 3);
    let mut expected_events = 0.0;
    for (k, l) in looks.iter().enumerate() {
        let alpha = planned[k]["alpha_spent"].as_f64().unwrap();
        let cum = l["cumulative_power"].as_f64().unwrap();
        let mcse = (alpha * (1.0 - alpha) / n).sqrt();
        assert!(
            (cum - alpha).abs() < 4.0 * mcse,
            "look {}: cumulative rejection {cum}, planned {alpha} (MCSE {mcse})",
            k + 1
        );
        expected_events += l["stop_probability"].as_f64().unwrap() * l["events"].as_f64().unwrap();
    }
    let h0_events = null["expected_events"].as_f64().unwrap();
    assert!((h0_events - expected_events).abs() < 1e-9, "{h0_events} vs {expected_events}");
    // Under H0 fewer trials stop early than under H1: more events are expected.
    assert!(h0_events > v["endpoints"]["efs"]["events"]["mean"].as_f64().unwrap());
    assert!(null["expected_patients"].as_f64().is_some() && null["expected_duration_months"].as_f64().is_some());
}

/// What was seen in the pictures, fixed: the boundary plot names the futility bound binding
/// when it is and keeps its legend below the bounds; a sweep's power plot spans its values
/// (not 0 to 1.3 for hazard ratios 0.5 to 0.8) under a title in words, and the HTML report
/// draws the target power as the SVG does; the forest plot's log axis has readable ticks;
/// axis labels are at least 12.5 px.
#[test]
fn the_pictures_say_what_the_design_is_and_span_their_data() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let ok = |c: &mut assert_cmd::Command| {
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    ok(crate::helpers::peritrial()
        .args(["run", "scenarios/binding-futility.toml", "--replicates", "200", "--quiet", "--plots"])
        .arg(p("binding")));
    let svg = std::fs::read_to_string(p("binding").join("boundaries-z-efs.svg")).unwrap();
    assert!(svg.contains("futility (binding)") && !svg.contains("non-binding"));
    // The example trials carry their numbers at risk under the curves: at month 0 every
    // patient of each arm (300 a side, enrolment complete by the analysis).
    let examples = std::fs::read_to_string(p("binding").join("examples-efs.svg")).unwrap();
    assert!(examples.contains("numbers at risk below"));
    let words: Vec<&str> = examples.split("</text>").filter_map(|t| t.rsplit('>').next()).map(str::trim).collect();
    assert!(words.iter().filter(|w| **w == "300").count() >= 2, "{words:?}");
    // The spending functions: alpha with the looks marked, beta of the beta-spending bound.
    let spending = std::fs::read_to_string(p("binding").join("spending-efs.svg")).unwrap();
    assert!(spending.contains("alpha spent (obrien_fleming, alpha 0.025)"), "{spending}");
    assert!(spending.contains("beta spent (obrien_fleming, beta 0.2)"));
    ok(crate::helpers::peritrial()
        .args(["run", TWO_ARM, "--replicates", "200", "--quiet", "--plots"])
        .arg(p("nonbinding"))
        .args(["--set", "analysis.looks=[0.5, 1.0]", "--set", "analysis.futility={ z = 0 }"]));
    let svg = std::fs::read_to_string(p("nonbinding").join("boundaries-z-efs.svg")).unwrap();
    assert!(svg.contains("futility (non-binding)"));
    ok(crate::helpers::peritrial()
        .args(["sweep", TWO_ARM, "--replicates", "100", "--quiet", "--target-power", "0.8"])
        .args(["--vary", "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.5,0.6,0.7,0.8"])
        .arg("--plots")
        .arg(p("sweep"))
        .arg("--html")
        .arg(p("sweep.html")));
    let svg = std::fs::read_to_string(p("sweep").join("power-efs.svg")).unwrap();
    assert!(svg.contains("efs: power by hazard ratio, rmhtnf"));
    let ticks: Vec<f64> =
        svg.split("</text>").filter_map(|t| t.rsplit('>').next()?.trim().parse::<f64>().ok()).collect();
    // The y axis (power) ends at 1.0; an x axis padded to 1.3 labelled 1.1 and 1.2.
    assert!(ticks.iter().all(|t| *t <= 1.0), "x ticks beyond the data: {ticks:?}");
    assert!(ticks.contains(&0.55) && ticks.contains(&0.75), "x ticks across the data: {ticks:?}");
    let html = std::fs::read_to_string(p("sweep.html")).unwrap();
    assert!(html.contains("target 0.8"), "the HTML draws the target power");
    ok(crate::helpers::peritrial()
        .args(["run", "scenarios/mixed-stratified.toml", "--replicates", "200", "--quiet", "--plots"])
        .arg(p("forest")));
    let svg = std::fs::read_to_string(p("forest").join("forest-efs.svg")).unwrap();
    // Each text element: its font size and its words.
    let texts: Vec<(f64, String)> = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| {
            let size = t.split("font-size=\"").nth(1)?.split('"').next()?.parse().ok()?;
            Some((size, t.split('>').nth(1)?.split('<').next()?.trim().to_string()))
        })
        .collect();
    let ticks: Vec<&(f64, String)> =
        texts.iter().filter(|(_, w)| ["0.50", "0.67", "0.80", "1.00"].contains(&w.as_str())).collect();
    assert!(ticks.len() >= 3, "the forest plot's log axis has readable ticks: {texts:?}");
    // Axis labels large enough to read when the SVG is embedded at its size (they were ~9 px).
    assert!(ticks.iter().all(|(size, _)| *size >= 12.5), "{ticks:?}");
}

/// `test = "rmst"` and `test = "milestone"`: each trial's z is the difference of the arms'
/// restricted mean survival times (or Kaplan–Meier survivals at the month) over its standard
/// error, from the very estimates `analyze` prints on the exported trial — which agree with R
/// `survival` (`print(survfit, rmean = τ)`, `summary(survfit, times = t)`, in
/// `reference_survival.rs`) to 1e-6.
#[test]
fn rmst_and_milestone_tests_are_the_differences_analyze_and_r_compute() {
    for (test, key, value, field) in [("rmst", "tau", "30", "rmst30"), ("milestone", "month", "24", "km")] {
        let dir = tempfile::tempdir().unwrap();
        let o = crate::helpers::peritrial()
            .args(["sample", TWO_ARM, "--trials", "4", "--force", "--out"])
            .arg(dir.path())
            .args([
                "--set",
                &format!("endpoints.efs.test=\"{test}\""),
                "--set",
                &format!("endpoints.efs.{key}={value}"),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let trials = std::fs::read_to_string(dir.path().join("trials.csv")).unwrap();
        let mut lines = trials.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let zcol = header.iter().position(|h| *h == "efs_z").unwrap();
        for (k, line) in lines.enumerate() {
            let z: f64 = line.split(',').nth(zcol).unwrap().parse().unwrap();
            let o = crate::helpers::peritrial()
                .args(["analyze", "--format", "json"])
                .arg(dir.path().join("patients.csv"))
                .args(["--trial", &(k + 1).to_string(), "--time", "efs_time", "--status", "efs_status"])
                .args(["--treatment", "rmhtnf", "--control", "control", "--tau", "30", "--milestones", "24"])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            let arm = |a: &str| -> (f64, f64) {
                let x = &v["arms"][a];
                match field {
                    "km" => (x["km"][0]["survival"].as_f64().unwrap(), x["km"][0]["std_err"].as_f64().unwrap()),
                    _ => (x[field].as_f64().unwrap(), x[&format!("{field}_se")].as_f64().unwrap()),
                }
            };
            let ((c, sc), (t, st)) = (arm("0"), arm("1"));
            let expected = (t - c) / (sc * sc + st * st).sqrt();
            assert!((z - expected).abs() < 1e-9, "{test}, trial {}: engine z {z}, analyze's {expected}", k + 1);
            assert!(z.abs() > 0.5, "{test}, trial {}: a difference under a hazard ratio of 0.7", k + 1);
        }
    }
}

/// Under the null the RMST and milestone tests hold their level (4,000 trials: within the
/// exact 99.9% binomial interval of 0.025), neither can be monitored at looks, and a τ or
/// month at or beyond a calendar cut is refused.
#[test]
fn rmst_and_milestone_tests_hold_their_level_and_refuse_looks() {
    for (test, key, value) in [("rmst", "tau", "36"), ("milestone", "month", "24")] {
        let t = format!("endpoints.efs.test=\"{test}\"");
        let k = format!("endpoints.efs.{key}={value}");
        let v = run_json(&[TWO_ARM, "--replicates", "4000", "--null", "--set", &t, "--set", &k]);
        let rate = v["null"]["endpoints"]["efs"]["type_one_error"].as_f64().unwrap();
        // 0.025 ± 3.29 × sqrt(0.025 × 0.975 / 4000) = [0.0169, 0.0331].
        assert!((0.0169..=0.0331).contains(&rate), "{test}: type I error {rate}");
        let o = crate::helpers::peritrial()
            .args(["validate", TWO_ARM, "--set", &t, "--set", &k, "--set", "analysis.looks=[0.5, 1.0]"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("test it at the final analysis only"));
        // A τ or month no patient reaches before a calendar cut: refused, not a power of 0.
        let o = crate::helpers::peritrial()
            .args(["validate", TWO_ARM, "--set", &t, "--set", &k, "--set", "analysis.cut={ month = 20 }"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("at or beyond the calendar cut at month 20"));
    }
}

/// A two-dimensional sweep's HTML report gives the effect × size table per endpoint (the
/// long table scrolls within its box instead of overflowing the page): each cell the JSON's
/// power, the cells reaching the target in bold.
#[test]
fn a_two_dimensional_sweep_has_its_effect_by_size_table() {
    let dir = tempfile::tempdir().unwrap();
    let (json, html) = (dir.path().join("s.json"), dir.path().join("s.html"));
    let o = crate::helpers::peritrial()
        .args(["sweep", TWO_ARM, "--replicates", "100", "--quiet", "--format", "json", "--target-power", "0.8"])
        .args(["--vary", "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.6,0.8"])
        .args(["--vary", "enrollment.sample_size=400,600,800", "--out"])
        .arg(&json)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let html = std::fs::read_to_string(&html).unwrap();
    let table = html.split("efs: power by").nth(1).expect("the pivot table").split("</table>").next().unwrap();
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 2, "one row per hazard ratio");
    let points = v["points"].as_array().unwrap();
    let mut bold = 0;
    for (k, p) in points.iter().enumerate() {
        let power = p["report"]["endpoints"]["efs"]["power"].as_f64().unwrap();
        let cells: Vec<&str> = rows[k / 3].split("<td>").skip(1).collect();
        let cell = cells[k % 3];
        assert!(cell.contains(&format!("{power:.3}")), "point {k}: {cell} vs {power}");
        assert_eq!(cell.starts_with("<b>"), power >= 0.8, "point {k}: {cell}");
        bold += (power >= 0.8) as usize;
    }
    assert_eq!(table.matches("<b>").count(), bold);
    assert!(html.contains("class=\"wide\""));
}

/// Inference at stopping (issue 27 item 3) in the engine: in a 3-look O'Brien–Fleming design
/// the median-unbiased hazard ratio's 95% interval covers the true ratio at its nominal rate
/// (within 4 Monte Carlo standard errors) where the naive Wald interval at the stopping look
/// falls short, and the estimate's median is the true ratio within 4 of its standard errors;
/// per trial, the stage-wise p-value is at most α exactly when the design rejected.
#[test]
fn inference_at_stopping_covers_and_agrees_with_the_decision() {
    let looks = "analysis.looks=[0.3333333333333333, 0.6666666666666666, 1.0]";
    let n = 3000.0;
    let v = run_json(&[TWO_ARM, "--replicates", "3000", "--set", looks]);
    let i = &v["endpoints"]["efs"]["inference_at_stopping"];
    assert_eq!((i["trials"].as_f64(), i["without"].as_u64()), (Some(n), Some(0)), "{i}");
    let a = &i["accuracy"];
    let coverage = a["coverage"].as_f64().unwrap();
    let mcse = (0.95f64 * 0.05 / n).sqrt();
    assert!((coverage - 0.95).abs() < 4.0 * mcse, "coverage {coverage}");
    assert!(a["naive_coverage"].as_f64().unwrap() < coverage, "{a}");
    let q = &i["quantiles"];
    let t = a["true_value"].as_f64().unwrap();
    // The median's standard error: 1.2533 sd/√n, the sd from the 95% range.
    let sd = (q["q975"].as_f64().unwrap() - q["q025"].as_f64().unwrap()) / 3.92;
    let median_se = 1.2533 * sd / n.sqrt() / t;
    let off = a["median_ratio_minus_1"].as_f64().unwrap();
    assert!(off.abs() < 4.0 * median_se, "median/true − 1 = {off} (SE {median_se})");
    // Per trial: p ≤ α exactly when rejected.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let o = crate::helpers::peritrial()
        .args(["run", TWO_ARM, "--replicates", "400", "--quiet", "--set", looks, "--replicates-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(&csv).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap_or_else(|| panic!("{name}"));
    let (p, rejected, lo, hi, est) = (
        col("stopping_p"),
        col("efs_rejected"),
        col("stopping_lower"),
        col("stopping_upper"),
        col("stopping_hazard_ratio"),
    );
    let mut rows = 0;
    for row in r.records() {
        let row = row.unwrap();
        let pv: f64 = row[p].parse().unwrap();
        let rej = &row[rejected] == "1";
        assert!(if rej { pv <= 0.025 + 1e-6 } else { pv > 0.025 - 1e-6 }, "p {pv}, rejected {rej}");
        let (l, u, m): (f64, f64, f64) =
            (row[lo].parse().unwrap(), row[hi].parse().unwrap(), row[est].parse().unwrap());
        assert!(l < m && m < u, "{l} {m} {u}");
        rows += 1;
    }
    assert_eq!(rows, 400);
}

/// `analyze --entry --looks` (the DMC's use) against R on a committed trial
/// (`tests/reference/data/gs_trial.csv`, one trial of the canonical scenario): each look's data
/// cut in R and its log-rank z by `survival::survdiff` (1e-9), and rpact 3.3.4's
/// `getAnalysisResults` on those (boundaries, stage-wise p-value, median-unbiased hazard ratio,
/// its interval and the repeated intervals, 1e-6), for four DMCs: O'Brien–Fleming and Pocock,
/// 2–4 looks, at the final analysis and at an interim. Script:
/// `tests/reference/make_rpact_dmc_refs.R`.
#[test]
fn analyze_looks_agree_with_survival_and_rpact() {
    let refs: Value = serde_json::from_str(include_str!("../reference/rpact_dmc_refs.json")).unwrap();
    let cases = refs["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    let nums = |v: &Value| -> Vec<f64> { v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
    let close = |what: &str, got: &Value, want: f64, tol: f64| {
        let g = got.as_f64().unwrap_or_else(|| panic!("{what}: {got}"));
        assert!((g - want).abs() < tol, "{what}: {g} against {want}");
    };
    for case in cases {
        let months: Vec<String> = nums(&case["looks"]).iter().map(|m| format!("{m:?}")).collect();
        let mut args = vec![
            "analyze".to_string(),
            "tests/reference/data/gs_trial.csv".into(),
            "--entry".into(),
            "entry_month".into(),
            "--treatment".into(),
            "rmhtnf".into(),
            "--control".into(),
            "control".into(),
            "--format".into(),
            "json".into(),
            "--looks".into(),
            months.join(","),
            "--spending".into(),
            case["spending"].as_str().unwrap().into(),
        ];
        if let Some(p) = case["planned_events"].as_f64() {
            args.extend(["--planned-events".into(), p.to_string()]);
        }
        let o = crate::helpers::peritrial().args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let g = &v["group_sequential"];
        let looks = g["looks"].as_array().unwrap();
        let stop = case["stop"].as_u64().unwrap() as usize;
        assert_eq!(g["stop_look"].as_u64(), Some(stop as u64), "{g}");
        for (k, l) in looks.iter().enumerate() {
            close("z", &l["z"], nums(&case["z"])[k], 1e-9);
            assert_eq!(l["events"].as_f64(), Some(nums(&case["events"])[k]));
            close("boundary", &l["boundary_z"], nums(&case["critical_values"])[k], 1e-6);
            if k < stop {
                let rci = l["repeated_interval"].as_array().unwrap();
                close("repeated lower", &rci[0], nums(&case["rci_lower"])[k], 1e-6);
                close("repeated upper", &rci[1], nums(&case["rci_upper"])[k], 1e-6);
            }
        }
        let a = &g["at_stopping"];
        close("p", &a["p_stagewise"], case["p"].as_f64().unwrap(), 1e-6);
        close("median unbiased", &a["median_unbiased_hazard_ratio"], case["median_unbiased"].as_f64().unwrap(), 1e-6);
        close("lower", &a["lower"], case["lower"].as_f64().unwrap(), 1e-6);
        close("upper", &a["upper"], case["upper"].as_f64().unwrap(), 1e-6);
    }
}

/// `analyze --looks` refuses what it cannot answer, with exit 2 and what was expected: a look
/// after the data's cut, looks that do not increase, an unknown spending function, a response
/// analysis, looks without an entry column.
#[test]
fn analyze_looks_refuse_bad_input() {
    let base = ["analyze", "tests/reference/data/gs_trial.csv", "--treatment", "rmhtnf", "--control", "control"];
    for (extra, says) in [
        (vec!["--entry", "entry_month", "--looks", "20,50"], "after the data's last observation"),
        (vec!["--entry", "entry_month", "--looks", "30,20"], "must increase"),
        (vec!["--entry", "entry_month", "--looks", "20,30", "--spending", "linear"], "expected obrien_fleming"),
        (vec!["--entry", "entry_month", "--looks", "20,30", "--spending", "hwang_shih_decani:x"], "gamma"),
        (vec!["--entry", "entry_month", "--looks", "20,30", "--alpha", "0.7"], "one-sided level"),
        (vec!["--entry", "entry_month", "--looks", "20,-3"], "positive calendar month"),
        (vec!["--looks", "20,30"], "--entry"),
    ] {
        let o = crate::helpers::peritrial().args(base).args(&extra).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(says), "{extra:?}: {err}");
    }
}

/// An RMST difference that some trials cannot compute (τ = 42 months under a cut at the 300th
/// event, about month 43: an arm's follow-up ends before τ in some trials) is not a z of 0
/// passed off as a result: the trial has no statistic (an empty cell per trial), counts as not
/// rejecting, and every report says in how many trials.
#[test]
fn an_rmst_difference_a_trial_cannot_compute_is_counted_not_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let o = crate::helpers::peritrial()
        .args(["run", TWO_ARM, "--replicates", "300", "--quiet", "--format", "json"])
        .args(["--set", "endpoints.efs.test=\"rmst\"", "--set", "endpoints.efs.tau=42", "--replicates-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut r = csv::Reader::from_path(&csv).unwrap();
    let h = r.headers().unwrap().clone();
    let (z, rejected) =
        (h.iter().position(|c| c == "efs_z").unwrap(), h.iter().position(|c| c == "efs_rejected").unwrap());
    let mut empty = 0;
    for row in r.records() {
        let row = row.unwrap();
        if row[z].is_empty() {
            empty += 1;
            assert_eq!(&row[rejected], "0");
        }
    }
    assert!(empty > 0 && empty < 300, "{empty} trials without a statistic");
    let warnings: Vec<&str> = v["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    let said = format!("efs: its test statistic could not be computed in {empty} of 300 trials");
    assert!(warnings.iter().any(|w| w.starts_with(&said)), "{said} not in {warnings:?}");
}

/// Two-arm responses monitored at looks (issue 27 item 1) against rpact 3.3.4's
/// `getSimulationRates` (`tests/reference/make_rpact_simulation_rates_refs.R`, 100,000
/// iterations a design): the boundaries to 1e-6, and the rejections and futility stops per
/// stage, the power (or type I error) and the expected patients assessed where the trials stop
/// within 4 combined Monte Carlo SEs, for the uncorrected chi-square z (O'Brien–Fleming 3 looks
/// under H1 and H0, Pocock 2 looks, 4 looks with beta-spending futility) and the
/// Farrington–Manning z against a margin of −0.15. Looks by fractions of the planned patients,
/// each at the month its count of assessments falls due.
#[test]
fn responses_at_looks_agree_with_rpact_simulation() {
    let refs: Value = serde_json::from_str(include_str!("../reference/rpact_simulation_rates_refs.json")).unwrap();
    // R's JSON writes a vector of one as a number.
    let nums = |v: &Value| -> Vec<f64> {
        match v.as_array() {
            Some(a) => a.iter().map(|x| x.as_f64().unwrap()).collect(),
            None => vec![v.as_f64().unwrap()],
        }
    };
    let trials = 20000.0;
    let mut compared = 0;
    for (i, d) in refs["designs"].as_array().unwrap().iter().filter(|d| d["groups"] == 2).enumerate() {
        let patients = nums(&d["patients"]);
        let n = *patients.last().unwrap();
        // The looks as fractions of the planned patients, or (every other design) as the counts.
        let looks = if i % 2 == 0 {
            let fractions: Vec<String> = patients.iter().map(|p| format!("{:?}", p / n)).collect();
            format!("analysis.looks=[{}]", fractions.join(", "))
        } else {
            let counts: Vec<String> = patients.iter().map(|p| format!("{p}")).collect();
            format!("analysis.looks={{ patients = [{}] }}", counts.join(", "))
        };
        let spending = if d["spending"] == "asP" { "pocock" } else { "obrien_fleming" };
        let mut sets = vec![
            format!("enrollment.sample_size={n}"),
            format!(
                "cohorts.gastric.responses.ascites_control.probability={{ hipec = {}, rmhtnf = {} }}",
                d["pi2"], d["pi1"]
            ),
            format!("endpoints.dcr.null_difference={:?}", d["theta0"].as_f64().unwrap()),
            looks,
            format!("analysis.spending=\"{spending}\""),
        ];
        if let Some(b) = d["beta_spending"].as_f64() {
            sets.push(format!("analysis.futility={{ beta_spending = \"obrien_fleming\", beta = {b} }}"));
        }
        let mut args =
            vec!["scenarios/noninferiority-response.toml".to_string(), "--replicates".into(), "20000".into()];
        for s in &sets {
            args.extend(["--set".to_string(), s.clone()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let v = run_json(&args);
        let e = &v["endpoints"]["dcr"];
        let looks = e["looks"].as_array().unwrap();
        let close = |what: &str, got: f64, want: f64, iterations: f64| {
            let p = want.clamp(1e-4, 1.0 - 1e-4);
            let mcse = (p * (1.0 - p) / iterations + p * (1.0 - p) / trials).sqrt();
            assert!(
                (got - want).abs() <= 4.0 * mcse,
                "{sets:?} {what}: {got} against rpact {want} (4 MCSE {})",
                4.0 * mcse
            );
        };
        let iterations = d["iterations"].as_f64().unwrap();
        let (rejects, futility) = (nums(&d["reject_per_stage"]), nums(&d["futility_per_stage"]));
        let mut expected = 0.0;
        for (k, l) in looks.iter().enumerate() {
            let c = nums(&d["critical_values"])[k];
            assert!((l["boundary_z"].as_f64().unwrap() - c).abs() < 1e-6, "{sets:?} look {}: boundary", k + 1);
            close(
                &format!("look {} rejections", k + 1),
                l["rejections"].as_f64().unwrap() / trials,
                rejects[k],
                iterations,
            );
            if k + 1 < looks.len() {
                let fut = l["futility_stops"].as_f64().unwrap() / trials;
                close(
                    &format!("look {} futility stops", k + 1),
                    fut,
                    futility.get(k).copied().unwrap_or(0.0),
                    iterations,
                );
            }
            expected += l["stop_probability"].as_f64().unwrap() * l["events"].as_f64().unwrap();
            compared += 1;
        }
        close("power", e["power"].as_f64().unwrap(), d["overall_reject"].as_f64().unwrap(), iterations);
        // The patients assessed where the trials stop: within 1% of rpact's (its SE is about 0.1%).
        let want = d["expected_patients"].as_f64().unwrap();
        assert!((expected - want).abs() < 0.01 * want, "{sets:?} expected patients {expected} against rpact {want}");
    }
    assert!(compared >= 14);
}

/// A single arm's rate monitored at looks on the exact binomial (issue 27 item 1): each look's
/// boundary is the z of the responders to reject there (`stats::binomial_looks`, which agrees
/// with an independent base-R computation: `make_exact_binomial_gs_refs.R`), and the simulated
/// trials stop at each look as often as the exact crossing probabilities say, under the
/// alternative (power) and under the null (type I error at most α, the discreteness unspent),
/// within 4 Monte Carlo SEs.
#[test]
fn a_single_arms_rate_at_looks_stops_as_the_exact_binomial_says() {
    let refs: Value = serde_json::from_str(include_str!("../reference/exact_binomial_gs_refs.json")).unwrap();
    let d = &refs["designs"][0];
    let nums = |v: &Value| -> Vec<f64> { v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
    let (n, r) = (nums(&d["n"]), nums(&d["responders_to_reject"]));
    let trials = 20000.0;
    for (rate, key) in [(d["p1"].as_f64().unwrap(), "crossing_h1"), (d["p0"].as_f64().unwrap(), "crossing_h0")] {
        let v = run_json(&[
            "scenarios/ascites-dcr-single-arm.toml",
            "--replicates",
            "20000",
            "--set",
            "enrollment.sample_size=60",
            "--set",
            &format!("cohorts.gastric.responses.ascites_control.probability={{ rmhtnf = {rate} }}"),
            "--set",
            "endpoints.dcr.null_rate=0.15",
            "--set",
            "endpoints.dcr.alpha=0.025",
            "--set",
            "analysis.looks=[0.3333333333333333, 0.6666666666666666, 1.0]",
        ]);
        let looks = v["endpoints"]["dcr"]["looks"].as_array().unwrap();
        let want = nums(&d[key]);
        for (k, l) in looks.iter().enumerate() {
            assert_eq!(l["events"].as_f64(), Some(n[k]), "look {}: patients assessed", k + 1);
            let b = peritrial::stats::binary::exact_z(r[k] as u64, n[k] as u64, 0.15);
            assert!((l["boundary_z"].as_f64().unwrap() - b).abs() < 1e-9, "look {}: boundary", k + 1);
            let got = l["rejections"].as_f64().unwrap() / trials;
            let p = want[k].max(1e-4);
            let mcse = (p * (1.0 - p) / trials).sqrt();
            assert!((got - want[k]).abs() <= 4.0 * mcse, "{key} look {}: {got} against exact {}", k + 1, want[k]);
        }
    }
}

/// A single arm's z futility rule at looks (on the exact p-value's z scale): the trials stop
/// for futility below the floors and cross the boundaries as often as the exact computation of
/// `make_exact_binomial_gs_refs.R` says, binding (the boundaries lowered by the floors) and
/// non-binding, under the alternative and under the null, within 4 Monte Carlo SEs.
#[test]
fn a_single_arms_futility_rule_stops_as_the_exact_binomial_says() {
    let refs: Value = serde_json::from_str(include_str!("../reference/exact_binomial_gs_refs.json")).unwrap();
    let nums = |v: &Value| -> Vec<f64> { v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
    let trials = 20000.0;
    for d in refs["futility_designs"].as_array().unwrap().iter().take(2) {
        let (n, r) = (nums(&d["n"]), nums(&d["responders_to_reject"]));
        let binding = d["binding"].as_bool().unwrap();
        let (p0, z) = (d["p0"].as_f64().unwrap(), d["futility_z"].as_f64().unwrap());
        for (rate, key) in [(d["p1"].as_f64().unwrap(), "h1"), (p0, "h0")] {
            let v = run_json(&[
                "scenarios/ascites-dcr-single-arm.toml",
                "--replicates",
                "20000",
                "--set",
                "enrollment.sample_size=60",
                "--set",
                &format!("cohorts.gastric.responses.ascites_control.probability={{ rmhtnf = {rate} }}"),
                "--set",
                &format!("endpoints.dcr.null_rate={p0}"),
                "--set",
                "endpoints.dcr.alpha=0.025",
                "--set",
                "analysis.looks={ patients = [20, 40, 60] }",
                "--set",
                &format!("analysis.futility={{ z = {z}, binding = {binding} }}"),
            ]);
            let looks = v["endpoints"]["dcr"]["looks"].as_array().unwrap();
            let (crossing, futility) = (nums(&d[&format!("crossing_{key}")]), nums(&d[&format!("futility_{key}")]));
            let close = |what: String, got: f64, want: f64| {
                let p = want.max(1e-4);
                let mcse = (p * (1.0 - p) / trials).sqrt();
                assert!((got - want).abs() <= 4.0 * mcse, "binding {binding} {key} {what}: {got} against exact {want}");
            };
            for (k, l) in looks.iter().enumerate() {
                let b = peritrial::stats::binary::exact_z(r[k] as u64, n[k] as u64, p0);
                assert!((l["boundary_z"].as_f64().unwrap() - b).abs() < 1e-9, "look {}: boundary", k + 1);
                close(format!("look {} rejections", k + 1), l["rejections"].as_f64().unwrap() / trials, crossing[k]);
                if k + 1 < looks.len() {
                    assert_eq!(l["futility_z"].as_f64(), Some(z), "look {}: futility bound", k + 1);
                    close(
                        format!("look {} futility stops", k + 1),
                        l["futility_stops"].as_f64().unwrap() / trials,
                        futility[k],
                    );
                }
            }
        }
    }
}

/// Inference at stopping on responses (issue 27 item 3, rates; `stats::stopping_rates` agrees
/// with rpact and base R in its unit tests): two arms' rate difference in a 3-look
/// non-inferiority design covers the true difference at its nominal rate within 4 Monte Carlo
/// SEs and its median is the truth within 4 of its SEs; a single arm's exact interval covers at
/// least nominally (exact, discrete). Per trial: the stage-wise p-value is at most α exactly
/// when the design rejected, the estimate lies in its interval, and the repeated interval at
/// the stopping look excludes the null exactly when the trial stopped there for efficacy.
#[test]
fn inference_at_stopping_on_rates_covers_and_agrees_with_the_decision() {
    let n = 3000.0;
    let mcse = (0.95f64 * 0.05 / n).sqrt();
    let cases = [
        ("scenarios/noninferiority-response.toml", "rate difference", "stopping_rate_difference", -0.12),
        ("scenarios/ascites-dcr-at-looks.toml", "response rate", "stopping_rate", 0.10),
    ];
    for (scenario, estimand, column, null) in cases {
        let looks = "analysis.looks=[0.3333333333333333, 0.6666666666666666, 1.0]";
        let v = run_json(&[scenario, "--replicates", "3000", "--set", looks]);
        let i = &v["endpoints"]["dcr"]["inference_at_stopping"];
        assert_eq!(i["estimand"], estimand, "{i}");
        assert_eq!((i["trials"].as_f64(), i["without"].as_u64()), (Some(n), Some(0)), "{i}");
        let a = &i["accuracy"];
        let coverage = a["coverage"].as_f64().unwrap();
        if estimand == "rate difference" {
            assert!((coverage - 0.95).abs() < 4.0 * mcse, "{scenario}: coverage {coverage}");
            let q = &i["quantiles"];
            let sd = (q["q975"].as_f64().unwrap() - q["q025"].as_f64().unwrap()) / 3.92;
            let off = a["median_minus_true"].as_f64().unwrap();
            assert!(off.abs() < 4.0 * 1.2533 * sd / n.sqrt(), "{scenario}: median − true {off}");
        } else {
            assert!(coverage > 0.95 - 4.0 * mcse, "{scenario}: coverage {coverage}");
        }
        assert!(a.get("median_ratio_minus_1").is_none() && a["bias"].is_number(), "{a}");
        assert!(a["naive_coverage"].is_number(), "{a}");
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("r.csv");
        let o = crate::helpers::peritrial()
            .args(["run", scenario, "--replicates", "400", "--quiet", "--set", looks, "--replicates-csv"])
            .arg(&csv)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut r = csv::Reader::from_path(&csv).unwrap();
        let h = r.headers().unwrap().clone();
        let col = |name: &str| h.iter().position(|c| c == name).unwrap_or_else(|| panic!("{name}"));
        let (p, rejected, lo, hi, est, stop) = (
            col("stopping_p"),
            col("dcr_rejected"),
            col("stopping_lower"),
            col("stopping_upper"),
            col(column),
            col("stop_look"),
        );
        let mut early = 0;
        for row in r.records() {
            let row = row.unwrap();
            let num = |j: usize| -> f64 { row[j].parse().unwrap() };
            let rej = &row[rejected] == "1";
            let pv = num(p);
            assert!(if rej { pv <= 0.025 + 1e-9 } else { pv > 0.025 - 1e-9 }, "{scenario}: p {pv}, rejected {rej}");
            assert!(num(lo) <= num(est) && num(est) <= num(hi), "{scenario}: {} {} {}", num(lo), num(est), num(hi));
            let k: usize = row[stop].parse().unwrap();
            let rci_lower = num(col(&format!("look{k}_rci_lower")));
            assert_eq!(rci_lower >= null - 1e-9, rej, "{scenario}: trial {}, repeated interval at look {k}", &row[0]);
            early += (k < 3) as usize;
        }
        assert!(early > 40, "{scenario}: {early} trials stopped early");
    }
}
