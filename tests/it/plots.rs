//! Plots (`--plots DIR`) and per-replicate results (`--replicates-csv`) through the real binary:
//! every SVG parses as XML and holds the series its report implies; the per-replicate rows are
//! the same bytes for any thread count and add up to the report's counts.

use assert_cmd::Command;
use serde_json::Value;

fn bin() -> Command {
    crate::helpers::peritrial()
}

/// The SVG's elements named `tag` whose `attr` is `value` (or all of them with `None`).
fn count(doc: &roxmltree::Document, tag: &str, attr: Option<(&str, &str)>) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .filter(|n| attr.is_none_or(|(a, v)| n.attribute(a) == Some(v)))
        .count()
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

fn svg(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    text
}

#[test]
fn run_plots_hold_the_reports_distributions_and_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("plots");
    let o = bin()
        .args(["run", "scenarios/three-endpoint-family.toml", "--replicates", "600", "--quiet", "--format", "json"])
        .arg("--plots")
        .arg(&plots)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut names: Vec<String> =
        std::fs::read_dir(&plots).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "analysis-month.svg",
            "boundaries-hr-peritoneal_rfs.svg",
            "boundaries-z-peritoneal_rfs.svg",
            "curves-distant_rfs.svg",
            "curves-peritoneal_rfs.svg",
            "curves-survival.svg",
            "estimate-distant_rfs.svg",
            "estimate-peritoneal_rfs.svg",
            "estimate-survival.svg",
            "examples-peritoneal_rfs.svg",
            "spending-peritoneal_rfs.svg",
            "timeline-peritoneal_rfs.svg",
        ]
    );
    // Each curve: one band and one median line per arm, the model dashed per arm.
    for (name, e) in v["endpoints"].as_object().unwrap() {
        let text = svg(&plots.join(format!("curves-{name}.svg")));
        let doc = roxmltree::Document::parse(&text).unwrap();
        let labels = texts(&doc);
        let arms = e["curves"]["arms"].as_object().unwrap();
        assert_eq!(arms.len(), 2);
        for arm in arms.keys() {
            assert!(labels.contains(&format!("{arm}: median of the trials")), "{name}: {labels:?}");
            assert!(labels.contains(&format!("{arm}: the scenario's model")), "{name}: {labels:?}");
        }
        assert_eq!(count(&doc, "polygon", None), arms.len(), "{name}: one band per arm");
        // The band is the JSON's: the median at the first grid month after 0 is a y of the line.
        assert!(e["curves"]["months"].as_array().unwrap().len() >= 10);
    }
    // The example trials: one panel per example, named by its replicate.
    let text = svg(&plots.join("examples-peritoneal_rfs.svg"));
    let labels = texts(&roxmltree::Document::parse(&text).unwrap());
    let examples = v["examples"].as_array().unwrap();
    assert!(!examples.is_empty());
    for x in examples {
        let head = format!("{} (replicate {}", x["kind"].as_str().unwrap().replace('_', " "), x["replicate"]);
        assert!(labels.iter().any(|t| t.starts_with(&head)), "{head} not in {labels:?}");
    }
    for (name, e) in v["endpoints"].as_object().unwrap() {
        let text = svg(&plots.join(format!("estimate-{name}.svg")));
        let doc = roxmltree::Document::parse(&text).unwrap();
        let h = &e["estimate"]["histogram"];
        let counts: Vec<u64> = h["counts"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap()).collect();
        // Every estimable trial is in the histogram; one bar per bin (and one in the legend).
        assert_eq!(counts.iter().sum::<u64>(), 600 - e["estimate"]["not_estimable"].as_u64().unwrap());
        assert_eq!(count(&doc, "rect", Some(("fill", "#0072B2"))), counts.len() + 1, "{name}");
        let labels = texts(&doc);
        assert!(labels.iter().any(|t| t == "true value"), "{name}: {labels:?}");
        assert!(
            (e["estimate"]["accuracy"]["true_value"].as_f64().unwrap()
                - e["analytic"]["hazard_ratio"].as_f64().unwrap())
            .abs()
                < 1e-12
        );
    }
    let looks = v["endpoints"]["peritoneal_rfs"]["looks"].as_array().unwrap();
    for scale in ["z", "hr"] {
        let text = svg(&plots.join(format!("boundaries-{scale}-peritoneal_rfs.svg")));
        let doc = roxmltree::Document::parse(&text).unwrap();
        // One marker per look; on the z scale also the median z at each look and its legend's.
        let markers = if scale == "z" { 2 * looks.len() + 1 } else { looks.len() };
        assert_eq!(count(&doc, "circle", None), markers, "{scale}: markers");
        let labels = texts(&doc);
        for l in looks {
            let p = format!("P(eff) {:.3}", l["rejections"].as_f64().unwrap() / 600.0);
            assert!(labels.iter().any(|t| t.starts_with(&p)), "{scale}: {p} not in {labels:?}");
        }
    }
    svg(&plots.join("analysis-month.svg"));
    // A folder that is not empty is refused without --force.
    let o = bin()
        .args(["run", "scenarios/two-arm-efs-logrank.toml", "--replicates", "50", "--quiet", "--plots"])
        .arg(&plots)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not empty"));
}

#[test]
fn sweep_and_size_plots_hold_their_points() {
    let dir = tempfile::tempdir().unwrap();
    let (sweep_dir, size_dir) = (dir.path().join("sweep"), dir.path().join("size"));
    let o = bin()
        .args(["sweep", "scenarios/two-arm-efs-logrank.toml", "--replicates", "300", "--quiet", "--format", "json"])
        .args([
            "--vary",
            "enrollment.sample_size=400,600",
            "--vary",
            "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.6,0.7,0.8",
        ])
        .args(["--target-power", "0.8", "--plots"])
        .arg(&sweep_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let heat = svg(&sweep_dir.join("heatmap-efs.svg"));
    let doc = roxmltree::Document::parse(&heat).unwrap();
    let labels = texts(&doc);
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    let mut reaching = 0;
    for p in points {
        let power = p["report"]["endpoints"]["efs"]["power"].as_f64().unwrap();
        assert!(labels.contains(&format!("{power:.3}")), "{power:.3} not in {labels:?}");
        reaching += (power >= 0.8) as usize;
    }
    // The cells that reach the target are outlined (black, unfilled).
    let outlined = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect") && n.attribute("stroke") == Some("#000000") && n.attribute("fill") == Some("none")
        })
        .count();
    // Where some cells reach the target and some do not, the target's contour is drawn (with
    // a legend, whose box is the one other black unfilled rectangle).
    let contour =
        doc.descendants().filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#D55E00")).count();
    assert_eq!(outlined, reaching + (contour > 0) as usize);
    if reaching > 0 && reaching < points.len() {
        assert!(contour >= 1, "no contour of the target power");
        assert!(labels.contains(&"power 0.8 (contour)".to_string()), "{labels:?}");
    } else {
        assert_eq!(contour, 0);
    }
    let power = svg(&sweep_dir.join("power-efs.svg"));
    let labels = texts(&roxmltree::Document::parse(&power).unwrap());
    for hr in ["0.6", "0.7", "0.8"] {
        let key = format!("cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf = {hr}");
        assert!(labels.contains(&key), "{key} not in {labels:?}");
    }
    assert!(labels.contains(&"target 0.8".to_string()));
    // Without looks there is no early stopping to draw.
    assert!(!sweep_dir.join("oc-efs.svg").exists());
    // With looks: power, early stopping and the expected events and patients in one figure,
    // one marker per point and quantity, at the report's numbers.
    let oc_dir = dir.path().join("oc");
    let o = bin()
        .args(["sweep", "scenarios/binding-futility.toml", "--replicates", "200", "--quiet", "--format", "json"])
        .args(["--vary", "cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.6,0.8,1.0", "--plots"])
        .arg(&oc_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for p in v["points"].as_array().unwrap() {
        let early = p["report"]["endpoints"]["efs"]["early_stop"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&early));
    }
    let doc_text = svg(&oc_dir.join("oc-efs.svg"));
    let doc = roxmltree::Document::parse(&doc_text).unwrap();
    let labels = texts(&doc);
    for l in ["power", "early stop", "events", "patients"] {
        assert!(labels.contains(&l.to_string()), "{l} not in {labels:?}");
    }
    assert_eq!(count(&doc, "circle", None), 2 * 3, "power and events: one marker per point");
    let o = bin()
        .args(["size", "scenarios/two-arm-efs-logrank.toml", "--endpoint", "efs", "--target-power", "0.8"])
        .args(["--replicates", "1000", "--quiet", "--format", "json", "--plots"])
        .arg(&size_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let full = v["evaluations"].as_array().unwrap().iter().filter(|e| e["replicates"] == v["replicates"]).count();
    let text = svg(&size_dir.join("size-efs.svg"));
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count(&doc, "circle", None), full + 1, "one marker per evaluation with every trial, and the legend's");
    assert!(texts(&doc).iter().any(|t| t.starts_with(&format!("answer {}", v["value"]))));
}

#[test]
fn replicate_rows_are_the_same_for_any_thread_count_and_add_up_to_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut report = Value::Null;
    for threads in ["1", "2"] {
        let path = dir.path().join(format!("rows-{threads}.csv"));
        let o = bin()
            .args(["run", "scenarios/three-endpoint-family.toml", "--replicates", "700", "--quiet", "--format", "json"])
            .args(["--threads", threads, "--replicates-csv"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        report = serde_json::from_slice(&o.stdout).unwrap();
        files.push(std::fs::read(&path).unwrap());
    }
    assert!(files[0] == files[1], "the rows differ between 1 and 2 threads");
    let mut reader = csv::Reader::from_reader(&files[0][..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 700);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    assert!(rows.iter().enumerate().all(|(i, r)| r[col("trial")] == (i + 1).to_string()));
    for (name, e) in report["endpoints"].as_object().unwrap() {
        let c = col(&format!("{name}_rejected"));
        let rejected = rows.iter().filter(|r| &r[c] == "1").count() as u64;
        assert_eq!(rejected, e["rejections"].as_u64().unwrap(), "{name}");
        let c = col(&format!("{name}_estimate"));
        let mean = rows.iter().filter_map(|r| r[c].parse::<f64>().ok()).sum::<f64>() / 700.0;
        assert!((mean - e["estimate"]["mean"].as_f64().unwrap()).abs() < 1e-9, "{name}");
    }
    // Where the trials stopped: the report's stopping probabilities.
    let looks = report["endpoints"]["peritoneal_rfs"]["looks"].as_array().unwrap();
    for l in looks {
        let k = l["look"].to_string();
        let stopped = rows.iter().filter(|r| r[col("stop_look")] == *k).count() as f64 / 700.0;
        assert!((stopped - l["stop_probability"].as_f64().unwrap()).abs() < 1e-12, "look {k}");
        let efficacy =
            rows.iter().filter(|r| r[col("stop_look")] == *k && &r[col("stopped_for")] == "efficacy").count();
        if l["look"].as_u64().unwrap() < looks.len() as u64 {
            assert_eq!(efficacy as u64, l["rejections"].as_u64().unwrap(), "look {k}");
        }
    }
}

/// The contour of a grid by marching squares, against hand-worked cases.
#[test]
fn the_contour_crosses_where_the_values_do() {
    use peritrial::report::plot::contour;
    // Values 0 on the first column, 1 on the second: the 0.5 line is the vertical x = 0.5.
    let grid = vec![vec![Some(0.0), Some(0.0)], vec![Some(1.0), Some(1.0)]];
    assert_eq!(contour(&grid, 0.5), vec![[(0.5, 0.0), (0.5, 1.0)]]);
    // At 0.25 the crossing moves a quarter of the way.
    assert_eq!(contour(&grid, 0.25), vec![[(0.25, 0.0), (0.25, 1.0)]]);
    // One corner above: a corner cut.
    let grid = vec![vec![Some(0.0), Some(0.0)], vec![Some(1.0), Some(0.0)]];
    assert_eq!(contour(&grid, 0.5), vec![[(0.5, 0.0), (1.0, 0.5)]]);
    // Nothing crosses, or a value is missing: no segment.
    assert!(contour(&[vec![Some(0.9), Some(0.95)], vec![Some(0.99), Some(1.0)]], 0.5).is_empty());
    assert!(contour(&[vec![Some(0.0), None], vec![Some(1.0), Some(1.0)]], 0.5).is_empty());
}

/// With several cohorts, the forest plot holds one row per cohort and the overall estimate,
/// each labelled with the report's median and range, the wrong-way share beside each cohort.
#[test]
fn the_forest_plot_holds_each_cohort_of_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("plots");
    let o = bin()
        .args(["run", "scenarios/mixed-stratified.toml", "--replicates", "400", "--quiet", "--format", "json"])
        .arg("--plots")
        .arg(&plots)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let (name, e) = v["endpoints"].as_object().unwrap().iter().find(|(_, e)| e["cohorts"].is_array()).unwrap();
    let text = svg(&plots.join(format!("forest-{name}.svg")));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels = texts(&doc);
    let cohorts = e["cohorts"].as_array().unwrap();
    assert_eq!(cohorts.len(), 2);
    for c in cohorts {
        let row = format!(
            "{} {:.2} [{:.2}, {:.2}]",
            c["cohort"].as_str().unwrap(),
            c["q500"].as_f64().unwrap(),
            c["q025"].as_f64().unwrap(),
            c["q975"].as_f64().unwrap()
        );
        assert!(labels.contains(&row), "{row} not in {labels:?}");
        let wrong = format!("wrong way {:.1}%", 100.0 * c["wrong_way"].as_f64().unwrap());
        assert!(labels.contains(&wrong), "{wrong} not in {labels:?}");
        // The cohort's estimate centres on its own true ratio (log scale, 400 trials).
        let (t, m) = (c["true_hazard_ratio"].as_f64().unwrap(), c["geometric_mean"].as_f64().unwrap());
        let sd = (c["q975"].as_f64().unwrap().ln() - c["q025"].as_f64().unwrap().ln()) / 3.92;
        assert!((m.ln() - t.ln()).abs() <= 4.0 * sd / 400f64.sqrt() + 0.01, "{}: {m} vs {t}", c["cohort"]);
    }
    assert!(labels.iter().any(|l| l.starts_with("overall ")), "{labels:?}");
    // One marker per row (the two cohorts and the overall one).
    assert_eq!(count(&doc, "circle", None), 3);
}
