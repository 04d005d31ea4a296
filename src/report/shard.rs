//! Shard files and `peritrial merge`. A shard's JSON is its own report plus what merging
//! needs: the effective scenario (as `show` writes it), the replicate range, and the summary
//! state (kept values, exact sums as decimal strings, counts). Merging adds the states of
//! shards that tile 0..R; because every statistic of a summary depends only on the set of
//! values and on exact sums, the merged report equals a single run's, byte for byte apart
//! from `timing`.

use crate::summary::{
    Bins, Bucket, CohortSummary, ConditionalPowerSummary, CurvePoint, EndpointSummary, ExactSum, LookSummary, Sketch,
    StoppingSummary, Summary, Values,
};
use serde_json::{Map, Value, json};

/// The version of the shard format; `merge` refuses others (7: the summary state carries the
/// inference at stopping and the re-estimation caps).
pub const FORMAT_VERSION: u64 = 7;

/// SHA-256 of the state's compact JSON text (the same text for a state written and read back:
/// numbers round-trip exactly and key order is kept).
pub fn state_checksum(state: &Value) -> String {
    super::hash::sha256_hex(serde_json::to_string(state).expect("JSON values serialise").as_bytes())
}

/// Checks that a state read from a shard has the shape its scenario implies and counts that
/// can be: the trials `range` of the scenario whose `fresh` summary is given.
pub fn check_state(s: &Summary, fresh: &Summary, range: std::ops::Range<u64>) -> Result<(), String> {
    let replicates = range.end - range.start;
    if s.replicates != replicates {
        return Err(format!("the state holds {} replicates, but its range has {replicates}", s.replicates));
    }
    if s.endpoints.len() != fresh.endpoints.len() || s.looks.len() != fresh.looks.len() {
        return Err(format!(
            "the state has {} endpoints and {} looks; its scenario has {} and {}",
            s.endpoints.len(),
            s.looks.len(),
            fresh.endpoints.len(),
            fresh.looks.len()
        ));
    }
    let r = replicates;
    let too_many =
        |what: &str, n: u64| if n > r { Err(format!("{what} = {n}, more than the {r} replicates")) } else { Ok(()) };
    for (i, (e, f)) in s.endpoints.iter().zip(&fresh.endpoints).enumerate() {
        if e.milestones.len() != f.milestones.len() {
            return Err(format!(
                "endpoint {i} has {} milestones; its scenario has {}",
                e.milestones.len(),
                f.milestones.len()
            ));
        }
        too_many(&format!("endpoints[{i}].rejections"), e.rejections)?;
        too_many(&format!("endpoints[{i}].rejections_unadjusted"), e.rejections_unadjusted)?;
        too_many(&format!("endpoints[{i}].any_grade3"), e.any_grade3)?;
        if e.estimates.finite() + e.not_estimable != r || e.estimates.nonfinite() > 0 || e.events.count() != r {
            return Err(format!("endpoint {i}'s kept values do not number one per replicate"));
        }
        for (k, m) in e.milestones.iter().enumerate() {
            if m.iter().zip(&f.milestones[k]).any(|(a, b)| !a.bins.same_shape(&b.bins))
                || m.iter().any(|p| p.bins.total() != p.sum.count || p.sum.count + p.missing != r)
            {
                return Err(format!("endpoints[{i}].milestones[{k}] does not count one value per replicate"));
            }
        }
        if e.curves.len() != f.curves.len()
            || e.curves.iter().flatten().zip(f.curves.iter().flatten()).any(|(a, b)| !a.bins.same_shape(&b.bins))
        {
            return Err(format!("endpoint {i}'s curves are not on its scenario's grid"));
        }
        for (k, c) in e.curves.iter().enumerate() {
            for p in c {
                if p.bins.total() != p.sum.count || p.sum.count + p.missing != r {
                    return Err(format!(
                        "endpoint {i}'s curve at grid point {k} does not count one value per replicate"
                    ));
                }
            }
        }
        too_many(&format!("endpoints[{i}].covered"), e.covered.max(e.interval_count))?;
        too_many(&format!("endpoints[{i}].untested"), e.untested)?;
        too_many(&format!("endpoints[{i}].stage1_stops"), e.stage1_stops.max(e.patients_used.count))?;
        too_many(&format!("endpoints[{i}].posterior"), e.posterior.count)?;
        let own: u64 = e.own_stops.iter().map(|s| s[0] + s[1]).sum();
        if own > e.stage1_stops || own > e.posterior.count {
            return Err(format!("endpoint {i}: more Bayesian interim stops than trials stopped early"));
        }
        if e.covered > e.interval_count {
            return Err(format!("endpoint {i}: more intervals cover than there are"));
        }
        too_many(
            &format!("endpoints[{i}] interval count"),
            e.cp_lower.count.max(e.cp_upper.count).max(e.exact_estimates.count),
        )?;
    }
    let mut stops = 0;
    for (k, l) in s.looks.iter().enumerate() {
        too_many(&format!("looks[{k}] stops"), l.efficacy_stops + l.futility_stops + l.harm_stops)?;
        too_many(&format!("looks[{k}].not_reached"), l.not_reached)?;
        too_many(&format!("looks[{k}].after_enrolment"), l.after_enrolment)?;
        too_many(&format!("looks[{k}].capped"), l.capped)?;
        stops += l.efficacy_stops + l.futility_stops + l.harm_stops;
        let f = &fresh.looks[k];
        if l.conditional_power.len() != f.conditional_power.len() {
            return Err(format!("looks[{k}]'s conditional power does not fit its scenario"));
        }
        let cp = l.conditional_power.iter().zip(&f.conditional_power).map(|(a, b)| (&a.bins, &b.bins));
        for (b, fb) in [
            (&l.z_bins, &f.z_bins),
            (&l.events_bins, &f.events_bins),
            (&l.patients_bins, &f.patients_bins),
            (&l.month_bins, &f.month_bins),
        ]
        .into_iter()
        .chain(cp)
        {
            if !b.same_shape(fb) || b.total() > r {
                return Err(format!(
                    "looks[{k}]'s distributions do not fit its scenario or count more than {r} replicates"
                ));
            }
        }
    }
    match (&s.stopping, &fresh.stopping) {
        (None, None) => {}
        (Some(st), Some(_)) => {
            let with = st.estimates.count() + st.none;
            let n = st.estimates.count();
            let counts = [st.p_values.count(), st.lower.count, st.upper.count];
            if with != r
                || counts.iter().any(|&c| c != n)
                || st.intervals > n
                || st.covered > st.intervals
                || st.rci_covered > st.rci_trials
            {
                return Err("the inference at stopping does not count one trial per replicate".into());
            }
            too_many("stopping.intervals", st.intervals.max(st.rci_trials))?;
        }
        _ => return Err("the inference at stopping does not fit its scenario".into()),
    }
    if s.cohorts.len() != fresh.cohorts.len() {
        return Err(format!(
            "the state has {} cohorts' estimates; its scenario has {}",
            s.cohorts.len(),
            fresh.cohorts.len()
        ));
    }
    for (k, (c, f)) in s.cohorts.iter().zip(&fresh.cohorts).enumerate() {
        let counted = c.log_bins.total();
        if !c.log_bins.same_shape(&f.log_bins)
            || counted != c.log_sum.count
            || counted + c.not_estimable != r
            || c.wrong_way > counted
        {
            return Err(format!("cohorts[{k}] does not count one estimate per replicate"));
        }
    }
    if let Some(x) = s.examples.iter().flatten().find(|&&x| !range.contains(&x)) {
        return Err(format!("example trial {x} is not a replicate of the range {}..{}", range.start, range.end));
    }
    too_many("stops over all looks", stops)?;
    if s.cut_month.count() != r {
        return Err("the kept cut months do not number one per replicate".into());
    }
    too_many("all_rejected", s.all_rejected)?;
    too_many("any_rejected", s.any_rejected)?;
    too_many("cut_not_reached", s.cut_not_reached)?;
    if s.all_rejected > s.any_rejected {
        return Err("all_rejected exceeds any_rejected".into());
    }
    Ok(())
}

fn sum(s: &ExactSum) -> Value {
    json!([s.total_string(), s.count])
}

/// A histogram as its shape and its non-empty bins (index, count).
fn bins(b: &Bins) -> Value {
    let nonzero: Vec<Value> =
        b.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(k, c)| json!([k, c])).collect();
    json!({"lo": b.lo, "width": b.width, "discrete": b.discrete, "bins": b.counts.len(),
        "below": b.below, "above": b.above, "counts": nonzero})
}

fn curve(c: &[CurvePoint; 2]) -> Value {
    json!(
        c.iter().map(|p| json!({"sum": sum(&p.sum), "bins": bins(&p.bins), "missing": p.missing})).collect::<Vec<_>>()
    )
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Kept values as `{"values": [..], "nonfinite": n}`; a sketch as its buckets
/// `[key, count, min, max]` and its exact sums.
fn values(v: &Values) -> Value {
    match v.sketch() {
        None => json!({
            "values": v.exact().unwrap_or_default().iter().map(|&x| number(x)).collect::<Vec<_>>(),
            "nonfinite": v.nonfinite(),
        }),
        Some(s) => json!({
            "buckets": s.buckets.iter().map(|(k, b)| json!([k, b.count, number(b.min), number(b.max)])).collect::<Vec<_>>(),
            "sum": sum(&s.sum), "squares": sum(&s.squares),
            "log_sum": sum(&s.log_sum), "log_squares": sum(&s.log_squares),
            "nonpositive": s.nonpositive, "nonfinite": v.nonfinite(),
        }),
    }
}

/// The summary state as JSON.
pub fn state(s: &Summary) -> Value {
    let mut v = state_without_stopping(s);
    if let Some(st) = &s.stopping {
        v["stopping"] = json!({
            "estimates": values(&st.estimates), "p_values": values(&st.p_values),
            "lower": sum(&st.lower), "upper": sum(&st.upper), "none": st.none,
            "covered": st.covered, "intervals": st.intervals,
            "rci_covered": st.rci_covered, "rci_trials": st.rci_trials,
        });
    }
    v
}

fn state_without_stopping(s: &Summary) -> Value {
    json!({
        "replicates": s.replicates,
        "endpoints": s.endpoints.iter().map(|e| json!({
            "rejections": e.rejections, "rejections_unadjusted": e.rejections_unadjusted, "untested": e.untested,
            "estimates": values(&e.estimates), "not_estimable": e.not_estimable,
            "exact_estimates": sum(&e.exact_estimates), "events": values(&e.events),
            "cp_lower": sum(&e.cp_lower), "cp_upper": sum(&e.cp_upper),
            "milestones": e.milestones.iter().map(curve).collect::<Vec<_>>(),
            "any_grade3": e.any_grade3, "covered": e.covered, "interval_count": e.interval_count,
            "stage1_stops": e.stage1_stops, "patients_used": sum(&e.patients_used),
            "curves": e.curves.iter().map(curve).collect::<Vec<_>>(),
        })).zip(&s.endpoints).map(|(mut v, e)| {
            // A Bayesian rule's, only where there is one (other states are as before).
            if e.posterior.count > 0 {
                v["posterior"] = sum(&e.posterior);
                v["own_stops"] = json!(e.own_stops);
            }
            v
        }).collect::<Vec<_>>(),
        "looks": s.looks.iter().map(|l| json!({
            "efficacy_stops": l.efficacy_stops, "futility_stops": l.futility_stops,
            "harm_stops": l.harm_stops, "harm": sum(&l.harm),
            "boundary": sum(&l.boundary), "events": sum(&l.events), "cut_month": sum(&l.cut_month),
            "patients": sum(&l.patients), "futility": sum(&l.futility), "not_reached": l.not_reached,
            "after_enrolment": l.after_enrolment, "capped": l.capped,
            "z_bins": bins(&l.z_bins), "events_bins": bins(&l.events_bins),
            "patients_bins": bins(&l.patients_bins), "month_bins": bins(&l.month_bins),
            "conditional_power": l.conditional_power.iter().map(|c| json!({
                "sum": sum(&c.sum), "bins": bins(&c.bins),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "examples": s.examples.to_vec(),
        "cohorts": s.cohorts.iter().map(|c| json!({
            "log_sum": sum(&c.log_sum), "log_bins": bins(&c.log_bins),
            "wrong_way": c.wrong_way, "not_estimable": c.not_estimable,
        })).collect::<Vec<_>>(),
        "cut_month": values(&s.cut_month),
        "patients": sum(&s.patients),
        "all_rejected": s.all_rejected,
        "any_rejected": s.any_rejected,
        "cut_not_reached": s.cut_not_reached,
    })
}

fn bad(what: &str) -> String {
    format!("the shard's state is malformed at {what}")
}

fn u(v: &Value, what: &str) -> Result<u64, String> {
    v.as_u64().ok_or_else(|| bad(what))
}

fn read_sum(v: &Value, what: &str) -> Result<ExactSum, String> {
    let total = v[0].as_str().ok_or_else(|| bad(what))?;
    ExactSum::from_parts(total, u(&v[1], what)?).ok_or_else(|| bad(what))
}

fn read_bins(v: &Value, what: &str) -> Result<Bins, String> {
    let n = u(&v["bins"], what)? as usize;
    if n > 1 << 16 {
        return Err(bad(what));
    }
    let f = |k: &str| v[k].as_f64().filter(|x| x.is_finite()).ok_or_else(|| bad(what));
    let mut b = Bins::new(f("lo")?, f("width")?, n, v["discrete"].as_bool().ok_or_else(|| bad(what))?);
    b.below = u(&v["below"], what)?;
    b.above = u(&v["above"], what)?;
    for kc in v["counts"].as_array().ok_or_else(|| bad(what))? {
        let k = u(&kc[0], what)? as usize;
        *b.counts.get_mut(k).ok_or_else(|| bad(what))? = u(&kc[1], what)?;
    }
    Ok(b)
}

fn read_curve(v: &Value, what: &str) -> Result<[CurvePoint; 2], String> {
    let point = |p: &Value| -> Result<CurvePoint, String> {
        Ok(CurvePoint {
            sum: read_sum(&p["sum"], what)?,
            bins: read_bins(&p["bins"], what)?,
            missing: u(&p["missing"], what)?,
        })
    };
    Ok([point(&v[0])?, point(&v[1])?])
}

fn read_values(v: &Value, what: &str) -> Result<Values, String> {
    let f = |x: &Value| x.as_f64().filter(|x| x.is_finite()).ok_or_else(|| bad(what));
    let nonfinite = u(&v["nonfinite"], what)?;
    let read = if let Some(a) = v["values"].as_array() {
        Values::from_parts(a.iter().map(f).collect::<Result<_, _>>()?, None, nonfinite)
    } else {
        let mut s = Sketch {
            sum: read_sum(&v["sum"], what)?,
            squares: read_sum(&v["squares"], what)?,
            log_sum: read_sum(&v["log_sum"], what)?,
            log_squares: read_sum(&v["log_squares"], what)?,
            nonpositive: u(&v["nonpositive"], what)?,
            ..Sketch::default()
        };
        for b in v["buckets"].as_array().ok_or_else(|| bad(what))? {
            let bucket = Bucket { count: u(&b[1], what)?, min: f(&b[2])?, max: f(&b[3])? };
            if s.buckets.insert(u(&b[0], what)?, bucket).is_some() {
                return Err(bad(what));
            }
        }
        Values::from_parts(Vec::new(), Some(s), nonfinite)
    };
    read.ok_or_else(|| bad(what))
}

/// Reads a summary state written by [`state`].
pub fn read_state(v: &Value) -> Result<Summary, String> {
    let mut s = Summary { replicates: u(&v["replicates"], "replicates")?, ..Summary::default() };
    for (i, e) in v["endpoints"].as_array().ok_or_else(|| bad("endpoints"))?.iter().enumerate() {
        let w = |k: &str| format!("endpoints[{i}].{k}");
        let milestones = e["milestones"]
            .as_array()
            .ok_or_else(|| bad(&w("milestones")))?
            .iter()
            .map(|m| read_curve(m, &w("milestones")))
            .collect::<Result<Vec<_>, String>>()?;
        s.endpoints.push(EndpointSummary {
            rejections: u(&e["rejections"], &w("rejections"))?,
            rejections_unadjusted: u(&e["rejections_unadjusted"], &w("rejections_unadjusted"))?,
            untested: u(&e["untested"], &w("untested"))?,
            estimates: read_values(&e["estimates"], &w("estimates"))?,
            not_estimable: u(&e["not_estimable"], &w("not_estimable"))?,
            exact_estimates: read_sum(&e["exact_estimates"], &w("exact_estimates"))?,
            cp_lower: read_sum(&e["cp_lower"], &w("cp_lower"))?,
            cp_upper: read_sum(&e["cp_upper"], &w("cp_upper"))?,
            events: read_values(&e["events"], &w("events"))?,
            milestones,
            any_grade3: u(&e["any_grade3"], &w("any_grade3"))?,
            covered: u(&e["covered"], &w("covered"))?,
            interval_count: u(&e["interval_count"], &w("interval_count"))?,
            stage1_stops: u(&e["stage1_stops"], &w("stage1_stops"))?,
            patients_used: read_sum(&e["patients_used"], &w("patients_used"))?,
            posterior: if e.get("posterior").is_some() {
                read_sum(&e["posterior"], &w("posterior"))?
            } else {
                ExactSum::default()
            },
            own_stops: match e.get("own_stops") {
                None => Vec::new(),
                Some(v) => v
                    .as_array()
                    .ok_or_else(|| bad(&w("own_stops")))?
                    .iter()
                    .map(|p| match p.as_array().map(|a| a.iter().map(|x| x.as_u64()).collect::<Option<Vec<u64>>>()) {
                        Some(Some(a)) if a.len() == 2 => Ok([a[0], a[1]]),
                        _ => Err(bad(&w("own_stops"))),
                    })
                    .collect::<Result<Vec<_>, String>>()?,
            },
            curves: e["curves"]
                .as_array()
                .ok_or_else(|| bad(&w("curves")))?
                .iter()
                .map(|c| read_curve(c, &w("curves")))
                .collect::<Result<Vec<_>, String>>()?,
        });
    }
    for (k, l) in v["looks"].as_array().ok_or_else(|| bad("looks"))?.iter().enumerate() {
        let w = |x: &str| format!("looks[{k}].{x}");
        s.looks.push(LookSummary {
            efficacy_stops: u(&l["efficacy_stops"], &w("efficacy_stops"))?,
            futility_stops: u(&l["futility_stops"], &w("futility_stops"))?,
            harm_stops: u(&l["harm_stops"], &w("harm_stops"))?,
            harm: read_sum(&l["harm"], &w("harm"))?,
            boundary: read_sum(&l["boundary"], &w("boundary"))?,
            events: read_sum(&l["events"], &w("events"))?,
            cut_month: read_sum(&l["cut_month"], &w("cut_month"))?,
            patients: read_sum(&l["patients"], &w("patients"))?,
            futility: read_sum(&l["futility"], &w("futility"))?,
            not_reached: u(&l["not_reached"], &w("not_reached"))?,
            after_enrolment: u(&l["after_enrolment"], &w("after_enrolment"))?,
            capped: u(&l["capped"], &w("capped"))?,
            z_bins: read_bins(&l["z_bins"], &w("z_bins"))?,
            events_bins: read_bins(&l["events_bins"], &w("events_bins"))?,
            patients_bins: read_bins(&l["patients_bins"], &w("patients_bins"))?,
            month_bins: read_bins(&l["month_bins"], &w("month_bins"))?,
            conditional_power: l["conditional_power"]
                .as_array()
                .ok_or_else(|| bad(&w("conditional_power")))?
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let w = |x: &str| format!("looks[{k}].conditional_power[{j}].{x}");
                    Ok(ConditionalPowerSummary {
                        sum: read_sum(&c["sum"], &w("sum"))?,
                        bins: read_bins(&c["bins"], &w("bins"))?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
        });
    }
    for (k, c) in v["cohorts"].as_array().ok_or_else(|| bad("cohorts"))?.iter().enumerate() {
        let w = |x: &str| format!("cohorts[{k}].{x}");
        s.cohorts.push(CohortSummary {
            log_sum: read_sum(&c["log_sum"], &w("log_sum"))?,
            log_bins: read_bins(&c["log_bins"], &w("log_bins"))?,
            wrong_way: u(&c["wrong_way"], &w("wrong_way"))?,
            not_estimable: u(&c["not_estimable"], &w("not_estimable"))?,
        });
    }
    let examples = v["examples"].as_array().filter(|a| a.len() == s.examples.len()).ok_or_else(|| bad("examples"))?;
    for (slot, x) in s.examples.iter_mut().zip(examples) {
        *slot = if x.is_null() { None } else { Some(u(x, "examples")?) };
    }
    s.cut_month = read_values(&v["cut_month"], "cut_month")?;
    s.patients = read_sum(&v["patients"], "patients")?;
    s.all_rejected = u(&v["all_rejected"], "all_rejected")?;
    s.any_rejected = u(&v["any_rejected"], "any_rejected")?;
    s.cut_not_reached = u(&v["cut_not_reached"], "cut_not_reached")?;
    s.stopping = match &v["stopping"] {
        Value::Null => None,
        st => {
            let w = |x: &str| format!("stopping.{x}");
            Some(StoppingSummary {
                estimates: read_values(&st["estimates"], &w("estimates"))?,
                p_values: read_values(&st["p_values"], &w("p_values"))?,
                lower: read_sum(&st["lower"], &w("lower"))?,
                upper: read_sum(&st["upper"], &w("upper"))?,
                none: u(&st["none"], &w("none"))?,
                covered: u(&st["covered"], &w("covered"))?,
                intervals: u(&st["intervals"], &w("intervals"))?,
                rci_covered: u(&st["rci_covered"], &w("rci_covered"))?,
                rci_trials: u(&st["rci_trials"], &w("rci_trials"))?,
            })
        }
    };
    Ok(s)
}

/// The shard section added to a shard's report.
pub fn shard_section(
    scenario_toml: &str,
    k: u64,
    n: u64,
    start: u64,
    end: u64,
    total: u64,
    summary: &Summary,
) -> Value {
    let mut m = Map::new();
    m.insert("k".into(), json!(k));
    m.insert("n".into(), json!(n));
    m.insert("start".into(), json!(start));
    m.insert("end".into(), json!(end));
    m.insert("total_replicates".into(), json!(total));
    m.insert("scenario_toml".into(), json!(scenario_toml));
    m.insert("format_version".into(), json!(FORMAT_VERSION));
    m.insert("peritrial".into(), json!(env!("CARGO_PKG_VERSION")));
    let st = state(summary);
    m.insert("state_sha256".into(), json!(state_checksum(&st)));
    m.insert("state".into(), st);
    Value::Object(m)
}

/// A shard report as `merge` reads it.
pub struct ShardFile {
    pub start: u64,
    pub end: u64,
    pub total: u64,
    /// The effective scenario, as TOML.
    pub toml: String,
    pub state: Summary,
    pub seconds: f64,
    pub threads: usize,
    pub name: String,
}

/// Reads a shard report: JSON with a `shard` section of this peritrial and shard format, whose
/// state passes its SHA-256 checksum, a range within the run and a state of the right form.
/// (`check_state` then checks its shape against the scenario.)
pub fn read_file(text: &str, name: &str) -> Result<ShardFile, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("{}:{}: not JSON: {e}", e.line(), e.column()))?;
    let sh = v.get("shard").ok_or("not a shard report (run with --shard K/N)")?;
    if sh["format_version"] != FORMAT_VERSION || sh["peritrial"] != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "a shard of peritrial {} (shard format {}); this is peritrial {} (format {FORMAT_VERSION}): merge with that version",
            sh["peritrial"],
            sh["format_version"],
            env!("CARGO_PKG_VERSION"),
        ));
    }
    if sh["state_sha256"].as_str() != Some(state_checksum(&sh["state"]).as_str()) {
        return Err("the shard's state fails its SHA-256 checksum (the file was changed or damaged)".into());
    }
    let field = |k: &str| sh[k].as_u64().ok_or_else(|| format!("shard.{k}: expected an integer"));
    let (start, end, total) = (field("start")?, field("end")?, field("total_replicates")?);
    if !(start < end && end <= total) {
        return Err(format!("replicates {start}..{end} of {total}: not a range of the run"));
    }
    let toml = sh["scenario_toml"].as_str().ok_or("shard.scenario_toml missing")?.to_string();
    let state = read_state(&sh["state"])?;
    let seconds = v["timing"]["seconds"].as_f64().unwrap_or(0.0);
    let threads = v["timing"]["threads"].as_u64().unwrap_or(1) as usize;
    Ok(ShardFile { start, end, total, toml, state, seconds, threads, name: name.to_string() })
}

/// The header of a sweep shard (`sweep --shard K/N`): shard `index` of `shards` holds the
/// replicates `start..end` of the grid's replicates laid end to end (point 1's, then point
/// 2's, …: `total_replicates` over `total_points` points), of the grid whose effective
/// scenarios hash to `grid_sha256`. Few points over many shards split each point's replicates;
/// many points over few shards give each shard whole points and a piece of one at either end.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SweepShard {
    pub index: u64,
    pub shards: u64,
    pub start: u64,
    pub end: u64,
    pub total_points: u64,
    pub total_replicates: u64,
    pub grid_sha256: String,
    pub format_version: u64,
    pub peritrial: String,
}

/// A part of a sweep shard: replicates `start..end` of grid point `point` (0-based), whose
/// scenario has `replicates` in all, with their summary state.
pub struct SweepPart {
    pub point: u64,
    pub set: Vec<(String, String)>,
    pub start: u64,
    pub end: u64,
    pub replicates: u64,
    pub toml: String,
    pub state: Summary,
}

/// The opening of a sweep shard's JSON, up to its first part.
pub fn sweep_shard_open(header: &SweepShard) -> String {
    format!("{{\n  \"sweep_shard\": {},\n  \"parts\": [", serde_json::to_string(header).expect("JSON values serialise"))
}

/// One part, on one line (its state compact), after the first when `!first`.
pub fn sweep_part(
    first: bool,
    point: u64,
    set: &[(String, String)],
    range: std::ops::Range<u64>,
    replicates: u64,
    toml: &str,
    summary: &Summary,
) -> String {
    let st = state(summary);
    let set: Map<String, Value> = set.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let v = json!({
        "point": point, "set": set, "start": range.start, "end": range.end, "replicates": replicates,
        "scenario_toml": toml, "state_sha256": state_checksum(&st), "state": st,
    });
    format!("{}    {}", if first { "\n" } else { ",\n" }, serde_json::to_string(&v).expect("JSON values serialise"))
}

/// The end of a sweep shard's JSON.
pub fn sweep_shard_close(any: bool, seconds: f64, execution: &super::model::Execution) -> String {
    format!(
        "{}],\n  \"seconds\": {},\n  \"execution\": {}\n}}\n",
        if any { "\n  " } else { "" },
        json!(seconds),
        serde_json::to_string(execution).expect("JSON values serialise")
    )
}

/// Whether a JSON document is a sweep shard.
pub fn is_sweep_shard(v: &Value) -> bool {
    v.get("sweep_shard").is_some()
}

/// Reads a sweep shard: a header of this peritrial and shard format; parts whose states pass
/// their SHA-256 checksums, each a range of its point, that follow one another without gap or
/// overlap (the next replicates of the same point, or the first of the next point after the
/// last of one) and together hold the header's `end − start` replicates. `parts: false` reads
/// the header and checks the parts without keeping their states.
pub fn read_sweep_shard(v: &Value, keep_parts: bool) -> Result<(SweepShard, Vec<SweepPart>), String> {
    let header: SweepShard = serde_json::from_value(v["sweep_shard"].clone())
        .map_err(|e| format!("not a sweep shard (its sweep_shard section: {e})"))?;
    if header.format_version != FORMAT_VERSION || header.peritrial != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "a sweep shard of peritrial {} (shard format {}); this is peritrial {} (format {FORMAT_VERSION}): merge with that version",
            header.peritrial,
            header.format_version,
            env!("CARGO_PKG_VERSION"),
        ));
    }
    if !(header.index >= 1
        && header.index <= header.shards
        && header.start < header.end
        && header.end <= header.total_replicates)
    {
        return Err(format!(
            "sweep_shard: shard {} of {} with replicates {}..{} of {}: not a shard of a sweep",
            header.index, header.shards, header.start, header.end, header.total_replicates
        ));
    }
    let parts = v["parts"].as_array().ok_or("parts: expected an array")?;
    let mut out = Vec::new();
    let mut held = 0u64;
    let mut last: Option<(u64, u64, u64)> = None; // point, end, replicates
    for (i, p) in parts.iter().enumerate() {
        let at = |k: &str| p[k].as_u64().ok_or_else(|| format!("parts[{i}].{k}: expected an integer"));
        let (point, start, end, replicates) = (at("point")?, at("start")?, at("end")?, at("replicates")?);
        if p["state_sha256"].as_str() != Some(state_checksum(&p["state"]).as_str()) {
            return Err(format!(
                "parts[{i}] (grid point {}): its state fails its SHA-256 checksum (the file was changed or damaged)",
                point + 1
            ));
        }
        if !(start < end && end <= replicates) || point >= header.total_points {
            return Err(format!(
                "parts[{i}]: replicates {start}..{end} of {replicates} at point {}: not a range of a grid point",
                point + 1
            ));
        }
        let follows = match last {
            None => true,
            Some((q, e, r)) => (q == point && e == start) || (q + 1 == point && e == r && start == 0),
        };
        if !follows {
            return Err(format!(
                "parts[{i}]: grid point {} replicates {start}..{end} do not follow the part before",
                point + 1
            ));
        }
        last = Some((point, end, replicates));
        held += end - start;
        if keep_parts {
            let toml =
                p["scenario_toml"].as_str().ok_or_else(|| format!("parts[{i}].scenario_toml missing"))?.to_string();
            let set = p["set"]
                .as_object()
                .ok_or_else(|| format!("parts[{i}].set: expected an object"))?
                .iter()
                .map(|(k, v)| {
                    v.as_str()
                        .map(|v| (k.clone(), v.to_string()))
                        .ok_or_else(|| format!("parts[{i}].set.{k}: expected text"))
                })
                .collect::<Result<Vec<_>, String>>()?;
            let state = read_state(&p["state"]).map_err(|e| format!("parts[{i}]: {e}"))?;
            out.push(SweepPart { point, set, start, end, replicates, toml, state });
        }
    }
    if held != header.end - header.start {
        return Err(format!(
            "its parts hold {held} replicates, its header {}..{} ({}): the file is incomplete",
            header.start,
            header.end,
            header.end - header.start
        ));
    }
    Ok((header, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kept values go through text: the merged report is byte-identical to a single run only
    /// if every double comes back with the same bits (serde_json's default float parser can
    /// be an ulp off; the `float_roundtrip` feature makes it exact).
    fn wide_values(n: usize) -> Vec<f64> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        (0..n)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Uniform mantissas over a wide range of magnitudes, as estimates and months are.
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                u * 10f64.powi(i as i32 % 13 - 6)
            })
            .collect()
    }

    #[test]
    fn kept_values_round_trip_through_text_exactly() {
        let v = wide_values(crate::summary::EXACT_LIMIT);
        let mut kept = Values::default();
        v.iter().for_each(|&x| kept.push(x));
        kept.push(f64::NAN);
        let text = values(&kept).to_string();
        let back = read_values(&serde_json::from_str(&text).unwrap(), "test").unwrap();
        let differing = v.iter().zip(back.exact().unwrap()).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
        assert_eq!(differing, 0);
        assert_eq!(back, kept);
    }

    /// Beyond the exact limit the sketch, too, comes back as it was (buckets, exact sums).
    #[test]
    fn a_sketch_round_trips_and_a_damaged_one_is_refused() {
        let mut kept = Values::default();
        wide_values(crate::summary::EXACT_LIMIT + 5).iter().for_each(|&x| kept.push(-x));
        assert!(!kept.is_exact());
        let text = values(&kept).to_string();
        let back = read_values(&serde_json::from_str(&text).unwrap(), "test").unwrap();
        assert_eq!(back, kept);
        let mut damaged: Value = serde_json::from_str(&text).unwrap();
        damaged["buckets"][0][1] = json!(7_000_000);
        assert!(read_values(&damaged, "test").is_err());
    }
}
