//! Every output pinned byte for byte: what each command prints (stdout, stderr, exit code) and
//! every file it writes (tables, CSV, JSON, HTML, each SVG of `--plots`, `--replicates-csv`,
//! every file of `sample`), for every shipped scenario and every command, `--help` included.
//! `tests/golden/pins/CASE.txt` holds one case's outputs; any difference fails.
//!
//! Only what cannot repeat is elided, and the elision is itself checked: a JSON text's
//! `timing` and `execution` values, a top-level `seconds` (and `verify`'s date, platform and
//! threads) are
//! replaced by `"<elided>"` after checking that the text is serde_json's own rendering of its
//! value (so the layout is pinned too); the table's and the HTML's timing line and the HTML's
//! command, platform and date rows become `<elided>`; the temporary folder is `{tmp}`. A text
//! over 64 KiB is pinned by its SHA-256, its size and its first 40 lines (the whole of what a
//! failing run printed is written to `target/pins-now/CASE.txt` for a diff).
//!
//! A change that moves a pin must be deliberate: regenerate with
//!
//!     PERITRIAL_BLESS=1 cargo test --profile ci --test it pins
//!
//! and list the change in CHANGELOG.md.

use std::fmt::Write as _;
use std::path::Path;

/// A case: its name, and the command lines it runs in order (`{tmp}` is its temporary folder,
/// `{scenario}` the scenarios folder).
struct Case {
    name: String,
    steps: Vec<Vec<String>>,
}

fn case(name: &str, steps: &[&str]) -> Case {
    Case { name: name.to_string(), steps: steps.iter().map(|s| split(s)).collect() }
}

/// Splits a command line on spaces, keeping 'quoted words' together.
fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const COMMANDS: &[&str] =
    &["verify", "run", "validate", "show", "analyze", "size", "sweep", "sample", "missing", "merge", "simon", "help"];

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.push(case("help", &["--help", "--version"]));
    for c in COMMANDS {
        cases.push(case(&format!("help-{c}"), &[&format!("{c} --help")]));
    }
    let all: Vec<String> = scenarios().iter().map(|s| format!("scenarios/{s}.toml")).collect();
    cases.push(case("validate-all", &[&format!("validate {}", all.join(" "))]));
    for s in scenarios() {
        let f = format!("scenarios/{s}.toml");
        cases.push(case(
            &format!("scenario-{s}"),
            &[
                &format!("show {f}"),
                &format!("run {f} --replicates 200 --quiet"),
                &format!("run {f} --replicates 200 --quiet --format json"),
                &format!("run {f} --replicates 200 --quiet --format csv"),
                &format!(
                    "run {f} --replicates 200 --quiet --format json --out {{tmp}}/report.json --plots {{tmp}}/plots --html {{tmp}}/report.html --replicates-csv {{tmp}}/replicates.csv"
                ),
                &format!("run {f} --replicates 200 --quiet --null --format json"),
                &format!("run {f} --replicates 200 --quiet --null"),
                &format!("sample {f} --trials 1 --out {{tmp}}/sample --per-trial --adam"),
            ],
        ));
    }
    let canonical = "scenarios/two-arm-efs-logrank.toml";
    cases.push(case(
        "run-set-and-seed",
        &[
            &format!(
                "run {canonical} --replicates 300 --seed 7 --quiet --set enrollment.sample_size=500 --set 'analysis.looks=[0.5, 1.0]' --format json --html {{tmp}}/r.html"
            ),
            &format!("run {canonical} --replicates 300 --seed 7 --quiet --set enrollment.sample_size=500 --threads 1"),
        ],
    ));
    cases.push(case(
        "shards-merge-missing",
        &[
            &format!("run {canonical} --replicates 300 --quiet --shard 1/3 --format json --out {{tmp}}/shards/shard-00001-of-00003.json"),
            &format!("run {canonical} --replicates 300 --quiet --shard 3/3 --format json --out {{tmp}}/shards/shard-00003-of-00003.json"),
            "missing {tmp}/shards --shards 3",
            "merge {tmp}/shards/shard-00001-of-00003.json {tmp}/shards/shard-00003-of-00003.json --format json",
            "merge {tmp}/shards/shard-00001-of-00003.json {tmp}/shards/shard-00003-of-00003.json --allow-partial --format table",
            &format!("run {canonical} --replicates 300 --quiet --shard 2/3 --format json --out {{tmp}}/shards/shard-00002-of-00003.json"),
            "missing {tmp}/shards --shards 3",
            "merge {tmp}/shards/shard-00001-of-00003.json {tmp}/shards/shard-00002-of-00003.json {tmp}/shards/shard-00003-of-00003.json --format csv",
        ],
    ));
    let sweep = format!(
        "sweep {canonical} --vary enrollment.sample_size=400,600 --vary cohorts.gastric.events.peritoneal_metastasis.hazard_ratio.rmhtnf=0.6,0.8 --replicates 200 --quiet"
    );
    cases.push(case(
        "sweep",
        &[
            &sweep,
            &format!("{sweep} --format json"),
            &format!("{sweep} --format table"),
            &format!("{sweep} --format csv --out {{tmp}}/sweep.csv --plots {{tmp}}/plots --html {{tmp}}/sweep.html --target-power 0.8"),
            &format!("{sweep} --shard 1/2 --format json --out {{tmp}}/s1.json"),
            &format!("{sweep} --shard 2/2 --format json --out {{tmp}}/s2.json"),
            "merge {tmp}/s1.json {tmp}/s2.json --format csv",
            &format!(
                "sweep {canonical} --vary analysis.cut.events=200,250,300 --replicates 200 --quiet --format table --target-power 0.8"
            ),
        ],
    ));
    let size = format!("size {canonical} --endpoint efs --target-power 0.8 --replicates 200 --quiet");
    cases.push(case(
        "size",
        &[
            &size,
            &format!("{size} --format json"),
            &format!("{size} --format csv --out {{tmp}}/size.csv --plots {{tmp}}/plots --html {{tmp}}/size.html"),
            &format!(
                "size {canonical} --endpoint efs --target-power 0.8 --replicates 200 --quiet --vary enrollment.sample_size --format json"
            ),
            "size scenarios/pm-orr-simon.toml --endpoint orr --target-power 0.8 --replicates 200 --quiet",
            &format!("size {canonical} --endpoint efs --target-power 0.8 --replicates 200 --checkpoint {{tmp}}/ck.json --next {{tmp}}/next.toml"),
        ],
    ));
    cases.push(case(
        "analyze",
        &[
            "analyze tests/reference/data/basic.csv",
            "analyze tests/reference/data/basic.csv --format json",
            "analyze tests/reference/data/strata.csv --milestones 6,12 --tau 24 --format json",
            "analyze tests/reference/data/strata.csv --milestones 6,12 --tau 24 --format csv",
            "analyze tests/reference/data/cr_strata.csv --time efs_time --status efs_status --strata cohort --treatment rmhtnf --format json",
            "analyze tests/reference/data/competing.csv --format json",
            "analyze tests/reference/data/competing.csv",
            "analyze tests/reference/data/resp_small.csv --response orr --null-rate 0.2 --format json",
            "analyze tests/reference/data/resp_small.csv --response orr --null-rate 0.2",
            "analyze tests/reference/data/resp_small.csv --response orr --null-difference -0.1 --format json",
            "analyze tests/reference/data/one_arm_no_events.csv --format json",
            "analyze tests/reference/data/trial600.csv --milestones 12 --format json",
        ],
    ));
    cases.push(case(
        "sample-analyze",
        &[
            &format!("sample {canonical} --trials 3 --out {{tmp}}/s"),
            "analyze {tmp}/s/patients.csv --by trial --time efs_time --status efs_status",
            "analyze {tmp}/s/patients.csv --by trial --time efs_time --status efs_status --format json",
            "analyze {tmp}/s/patients.csv --by trial --time efs_time --status efs_status --format csv",
            "analyze {tmp}/s/patients.csv --trial 2 --time efs_time --status efs_status --format json",
        ],
    ));
    cases.push(case(
        "simon",
        &[
            "simon --p0 0.2 --p1 0.4 --alpha 0.05 --beta 0.2",
            "simon --p0 0.2 --p1 0.4 --alpha 0.05 --beta 0.2 --format json",
            "simon --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.1 --format table",
            "simon --p0 0.1 --p1 0.3 --alpha 0.05 --beta 0.1 --format csv",
            "simon --p0 0.05 --p1 0.25 --alpha 0.1 --beta 0.1 --n-max 60",
        ],
    ));
    cases.push(case("verify", &["verify --format json"]));
    cases.push(case(
        "bad-input",
        &[
            &format!("run {canonical} --set enrollment.sample_size=-3"),
            &format!("run {canonical} --set nope.x=1"),
            "run scenarios/does-not-exist.toml",
            &format!("run {canonical} --shard 4/3"),
            &format!("validate {canonical} --set 'analysis.cut={{ month = -1 }}'"),
            "analyze tests/reference/data/basic.csv --time nothing",
            "simon --p0 0.4 --p1 0.2 --alpha 0.05 --beta 0.2",
            &format!("run {canonical} --replicates 10 --quiet --out {{tmp}}/x.json --format json"),
            &format!("run {canonical} --replicates 10 --quiet --out {{tmp}}/x.json --format json"),
        ],
    ));
    cases
}

/// JSON rendered by serde_json (pretty or compact) with the values that cannot repeat elided;
/// `None` if the text is not exactly serde_json's rendering of a JSON value.
fn elide_json(text: &str) -> Option<String> {
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    let pretty = trimmed.contains('\n');
    let render = |v: &serde_json::Value| {
        if pretty { serde_json::to_string_pretty(v).unwrap() } else { serde_json::to_string(v).unwrap() }
    };
    if render(&value) != trimmed {
        return None;
    }
    let mut value = value;
    elide_value(&mut value, 0);
    let mut out = render(&value);
    if text.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
}

fn elide_value(v: &mut serde_json::Value, depth: usize) {
    match v {
        serde_json::Value::Object(map) => {
            let is_verify = depth == 0 && map.contains_key("checks") && map.contains_key("platform");
            for (k, x) in map.iter_mut() {
                let volatile = k == "timing"
                    || k == "execution"
                    || (depth == 0 && k == "seconds")
                    || (is_verify && matches!(k.as_str(), "date" | "platform" | "threads" | "seconds"));
                if volatile && !x.is_null() {
                    *x = serde_json::Value::String("<elided>".into());
                } else {
                    elide_value(x, depth + 1);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|x| elide_value(x, depth + 1)),
        _ => {}
    }
}

/// A text with what cannot repeat elided: JSON as above (line by line for JSON lines), the
/// timing lines of tables and HTML, the HTML's command, platform and date.
fn normalise(text: &str, tmp: &str) -> String {
    let text = text.replace(tmp, "{tmp}");
    if let Some(json) = elide_json(&text) {
        return json;
    }
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let key = body.trim_start().split_once(": ").map(|(k, _)| k);
        let elided = if body.starts_with('{') && body.ends_with('}') {
            elide_json(body)
        } else if let Some(k @ ("\"seconds\"" | "\"execution\"" | "\"timing\"")) = key {
            // A hand-laid JSON file (a sweep shard): the key kept, its value elided.
            let indent = &body[..body.len() - body.trim_start().len()];
            Some(format!("{indent}{k}: \"<elided>\"{}", if body.ends_with(',') { "," } else { "" }))
        } else if (body.contains(" s on ") && body.ends_with(" patients/s"))
            || (body.starts_with("<p>") && body.contains(" s on ") && body.contains("simulated patients a second"))
            || body.starts_with("<dt>command</dt>")
            || body.starts_with("<dt>platform</dt>")
            || body.starts_with("<dt>date (UTC)</dt>")
            || body.starts_with("date ")
            || body.starts_with("platform ")
        {
            Some("<elided>".to_string())
        } else {
            None
        };
        match elided {
            Some(e) => {
                out.push_str(&e);
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A case's pin, and the whole of what it printed and wrote.
#[derive(Default)]
struct Record {
    pin: String,
    full: String,
}

const LARGE: usize = 64 * 1024;

impl Record {
    fn line(&mut self, line: &str) {
        for s in [&mut self.pin, &mut self.full] {
            s.push_str(line);
            s.push('\n');
        }
    }

    /// A text, whole, or by its digest when large.
    fn text(&mut self, text: String) {
        if text.len() > LARGE {
            let hex = peritrial::report::hash::sha256_hex(text.as_bytes());
            let _ = writeln!(
                self.pin,
                "<sha256 {hex}, {} bytes, {} lines; the first 40:>",
                text.len(),
                text.lines().count()
            );
            for line in text.lines().take(40) {
                self.pin.push_str(line);
                self.pin.push('\n');
            }
        } else {
            self.pin.push_str(&text);
        }
        self.full.push_str(&text);
    }
}

fn run_case(c: &Case) -> Record {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().to_str().unwrap().to_string();
    let mut r = Record::default();
    for (i, step) in c.steps.iter().enumerate() {
        let args: Vec<String> = step.iter().map(|a| a.replace("{tmp}", &tmp)).collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_peritrial"))
            .args(&args)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        r.line(&format!("=== step {}: peritrial {}", i + 1, step.join(" ")));
        r.line(&format!("--- exit {}", out.status.code().map_or("signal".into(), |c| c.to_string())));
        r.line("--- stdout");
        r.text(normalise(&String::from_utf8_lossy(&out.stdout), &tmp));
        r.line("--- stderr");
        r.text(normalise(&String::from_utf8_lossy(&out.stderr), &tmp));
    }
    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    for f in files {
        r.line(&format!("=== file {}", f.strip_prefix(dir.path()).unwrap().display()));
        r.text(normalise(&String::from_utf8_lossy(&std::fs::read(&f).unwrap()), &tmp));
        r.line("");
    }
    r
}

#[test]
fn every_output_matches_its_pin_byte_for_byte() {
    let bless = std::env::var_os("PERITRIAL_BLESS").is_some();
    let only = std::env::var("PERITRIAL_PINS").ok();
    let pins = Path::new("tests/golden/pins");
    std::fs::create_dir_all(pins).unwrap();
    let cases = cases();
    let results: Vec<(String, Record)> = {
        use rayon::prelude::*;
        cases
            .par_iter()
            .filter(|c| only.as_deref().is_none_or(|o| c.name.contains(o)))
            .map(|c| (c.name.clone(), run_case(c)))
            .collect()
    };
    let mut failures = Vec::new();
    for (name, record) in results {
        let path = pins.join(format!("{name}.txt"));
        let got = record.pin;
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            let now = Path::new("target/pins-now");
            std::fs::create_dir_all(now).unwrap();
            std::fs::write(now.join(format!("{name}.txt")), &record.full).unwrap();
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(got.lines().count().min(want.lines().count()));
            failures.push(format!(
                "{}: differs at line {} (all it printed: target/pins-now/{name}.txt):\n  now:    {:?}\n  pinned: {:?}",
                path.display(),
                line + 1,
                got.lines().nth(line).unwrap_or("<end>"),
                want.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    if !bless && only.is_none() {
        let names: std::collections::BTreeSet<String> = cases.iter().map(|c| format!("{}.txt", c.name)).collect();
        for e in std::fs::read_dir(pins).unwrap() {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            if !names.contains(&n) {
                failures.push(format!("tests/golden/pins/{n}: a pin without a case (remove it)"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the change is deliberate: PERITRIAL_BLESS=1 cargo test --profile ci --test it pins, and list it in CHANGELOG.md",
        failures.join("\n")
    );
}

#[test]
fn the_elision_keeps_everything_but_what_cannot_repeat() {
    let text = "{\n  \"a\": 1.5,\n  \"timing\": {\n    \"seconds\": 0.1\n  },\n  \"b\": [\n    \"x\"\n  ]\n}\n";
    assert_eq!(
        elide_json(text).unwrap(),
        "{\n  \"a\": 1.5,\n  \"timing\": \"<elided>\",\n  \"b\": [\n    \"x\"\n  ]\n}\n"
    );
    // Not serde_json's layout: not JSON for the pins, so nothing is elided from it.
    assert!(elide_json("{\"a\": 1}").is_none());
    assert_eq!(normalise("x\n0.007 s on 2 threads, 2.491e7 patients/s\n", "/t"), "x\n<elided>\n");
}
