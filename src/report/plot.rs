//! Plots as SVG (the `plotters` crate), rendered from the typed reports only (`--plots DIR`):
//!
//! - `run`: per endpoint the histogram of the effect estimate with the scenario's true value
//!   marked; per time-to-event endpoint each arm's Kaplan–Meier (or cumulative incidence)
//!   fan — median and 95% band across trials — with the scenario's model curve; the example
//!   trials' curves; the distribution of the analysis month; for a design with looks the
//!   boundaries on the z and hazard-ratio scales by look, with the probability of stopping at
//!   each and the spread of z at each look; a graphical (or fallback) multiplicity procedure
//!   as its graph: each endpoint with its initial weight, each transition as an arrow.
//! - `sweep`: power against the first varied value with its 95% Monte Carlo band, per
//!   endpoint (one line per value of the second, for a 2-D grid), with the target line; a 2-D
//!   grid also as a heat map of power with the cells that reach the target outlined and the
//!   target's contour (marching squares between the cells' centres).
//! - `size`: power against the varied value (every evaluation with all the trials, with its
//!   95% interval), the fitted probit curve, the target and the answer with its interval.

pub use super::contour::contour;
use super::model::{Curves, EndpointReport, Histogram, Look, RunReport, SizeReport, SweepReport};
use super::plot_style::{FONT, PALETTE, SIZE, err, file_part, legend, number, path_words};
use plotters::prelude::*;

/// A plot: its file name and its SVG text.
pub type Plot = (String, String);

fn histogram(title: &str, x_desc: &str, h: &Histogram, marks: &[(f64, &str)]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let top = h.counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.12;
        let (mut lo, mut hi) = (h.lo, h.hi);
        for (m, _) in marks {
            lo = lo.min(*m);
            hi = hi.max(*m);
        }
        let pad = (hi - lo) * 0.04;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .x_desc(x_desc)
            .y_desc("virtual trials")
            .draw()
            .map_err(err)?;
        let w = h.width();
        chart
            .draw_series(h.counts.iter().enumerate().map(|(i, &c)| {
                let x0 = h.lo + i as f64 * w;
                Rectangle::new([(x0, 0.0), (x0 + w, c as f64)], PALETTE[0].mix(0.6).filled())
            }))
            .map_err(err)?
            .label("trials per bin")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], PALETTE[0].mix(0.6).filled()));
        for (k, (m, label)) in marks.iter().enumerate() {
            let colour = PALETTE[1 + k % (PALETTE.len() - 1)];
            chart
                .draw_series(LineSeries::new([(*m, 0.0), (*m, top)], colour.stroke_width(2)))
                .map_err(err)?
                .label(*label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Boundaries by look on one scale, with the probability of stopping at each look.
fn boundaries(name: &str, looks: &[Look], replicates: u64, hazard_ratio: bool) -> Result<String, String> {
    let value = |l: &Look| if hazard_ratio { l.boundary_hazard_ratio } else { l.boundary_z };
    let futility =
        |l: &Look| if hazard_ratio { l.futility_hazard_ratio } else { l.futility_z.filter(|z| z.is_finite()) };
    let spread = |l: &Look| {
        let q = l.z_distribution.filter(|_| !hazard_ratio);
        [q.and_then(|q| q.q025), q.and_then(|q| q.q975)]
    };
    let ys: Vec<f64> =
        looks.iter().flat_map(|l| [value(l), futility(l)].into_iter().chain(spread(l))).flatten().collect();
    let (lo, hi) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| (a.min(y), b.max(y)));
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.15).max(0.05);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let scale = if hazard_ratio { "hazard-ratio scale" } else { "z scale" };
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{name}: boundaries by look ({scale})"), (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            // A band below the data for the legend, so that it covers no bound.
            .build_cartesian_2d(0.0..1.08, (lo - pad - (hi - lo + 2.0 * pad) * 0.45)..(hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .x_desc("planned information fraction")
            .y_desc(if hazard_ratio { "hazard ratio at the boundary" } else { "z at the boundary" })
            .draw()
            .map_err(err)?;
        let eff: Vec<(f64, f64)> = looks.iter().filter_map(|l| Some((l.information, value(l)?))).collect();
        // The regions, shaded under the lines: stopping for efficacy beyond the efficacy bound
        // (above it on the z scale, below it on the hazard-ratio scale), for futility beyond the
        // futility bound, and going on between them.
        let fut_points: Vec<(f64, f64)> = looks.iter().filter_map(|l| Some((l.information, futility(l)?))).collect();
        let (top, bottom) = (hi + pad, lo - pad);
        let (beyond_eff, beyond_fut) = if hazard_ratio { (bottom, top) } else { (top, bottom) };
        let region = |line: &[(f64, f64)], edge: f64| -> Vec<(f64, f64)> {
            let (Some(first), Some(last)) = (line.first(), line.last()) else { return Vec::new() };
            std::iter::once((first.0, edge))
                .chain(line.iter().copied())
                .chain(std::iter::once((last.0, edge)))
                .collect()
        };
        if eff.len() > 1 {
            chart
                .draw_series([Polygon::new(region(&eff, beyond_eff), PALETTE[0].mix(0.10).filled())])
                .map_err(err)?
                .label("stop for efficacy")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], PALETTE[0].mix(0.10).filled()));
        }
        if fut_points.len() > 1 {
            chart
                .draw_series([Polygon::new(region(&fut_points, beyond_fut), PALETTE[1].mix(0.10).filled())])
                .map_err(err)?
                .label("stop for futility")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], PALETTE[1].mix(0.10).filled()));
            // Going on: between the bounds, over the looks that have both.
            let both: Vec<(f64, f64, f64)> =
                looks.iter().filter_map(|l| Some((l.information, value(l)?, futility(l)?))).collect();
            let between: Vec<(f64, f64)> =
                both.iter().map(|&(x, e, _)| (x, e)).chain(both.iter().rev().map(|&(x, _, f)| (x, f))).collect();
            if both.len() > 1 {
                chart.draw_series([Polygon::new(between, RGBColor(120, 120, 120).mix(0.08).filled())]).map_err(err)?;
            }
        }
        chart
            .draw_series(LineSeries::new(eff.clone(), PALETTE[0].stroke_width(2)))
            .map_err(err)?
            .label("efficacy")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], PALETTE[0].stroke_width(2)));
        chart.draw_series(eff.iter().map(|&p| Circle::new(p, 4, PALETTE[0].filled()))).map_err(err)?;
        if !hazard_ratio {
            // The z statistic's median and 95% range at each look, across every trial.
            let spread: Vec<(f64, f64, f64, f64)> = looks
                .iter()
                .filter_map(|l| {
                    let q = l.z_distribution?;
                    Some((l.information + 0.012, q.q025?, q.q500?, q.q975?))
                })
                .collect();
            for &(x, lo, _, hi) in &spread {
                chart.draw_series(LineSeries::new([(x, lo), (x, hi)], PALETTE[2].stroke_width(2))).map_err(err)?;
            }
            if !spread.is_empty() {
                chart
                    .draw_series(spread.iter().map(|&(x, _, m, _)| Circle::new((x, m), 3, PALETTE[2].filled())))
                    .map_err(err)?
                    .label("observed z: median, 95% range")
                    .legend(|(x, y)| Circle::new((x + 8, y), 3, PALETTE[2].filled()));
            }
        }
        let fut: Vec<(f64, f64)> = looks.iter().filter_map(|l| Some((l.information, futility(l)?))).collect();
        if !fut.is_empty() {
            chart
                .draw_series(LineSeries::new(fut.clone(), PALETTE[1].stroke_width(2)))
                .map_err(err)?
                .label(match looks.iter().find_map(|l| l.futility_binding) {
                    Some(true) => "futility (binding)",
                    Some(false) | None => "futility (non-binding)",
                })
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], PALETTE[1].stroke_width(2)));
        }
        // P(stop for efficacy), P(stop for futility) at each look, beside its boundary.
        chart
            .draw_series(looks.iter().filter_map(|l| {
                let y = value(l)?;
                let text = format!(
                    "P(eff) {:.3}{}",
                    l.efficacy_share(replicates),
                    l.futility_share(replicates).map_or(String::new(), |p| format!(", P(fut) {p:.3}"))
                );
                Some(Text::new(text, (l.information - 0.1, y + pad * 0.4), (FONT, 13)))
            }))
            .map_err(err)?;
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The plots of a run.
pub fn run(report: &RunReport) -> Result<Vec<Plot>, String> {
    let mut out = Vec::new();
    for e in &report.endpoints {
        let Some(h) = &e.estimate.histogram else { continue };
        let label = e.estimate.name.replace('_', " ");
        let mut marks = Vec::new();
        if let Some(a) = &e.estimate.accuracy {
            marks.push((a.true_value, "true value"));
        }
        if let Some(d) = &e.estimate.spread {
            marks.push((d.q500, "median estimate"));
        }
        let title = format!("{}: {label} across {} virtual trials", e.name, report.replicates);
        out.push((format!("estimate-{}.svg", file_part(&e.name)), histogram(&title, &label, h, &marks)?));
        if let Some(c) = &e.curves {
            out.push((format!("curves-{}.svg", file_part(&e.name)), fan(&e.name, c, report.replicates)?));
        }
        if let Some(c) = e.cohorts.as_ref().filter(|c| c.len() > 1) {
            out.push((format!("forest-{}.svg", file_part(&e.name)), forest(e, c, report.replicates)?));
        }
        if e.looks.is_some() && report.examples.iter().any(|x| !x.steps.is_empty()) {
            out.push((
                format!("examples-{}.svg", file_part(&e.name)),
                super::plot_examples::examples(e, &report.examples)?,
            ));
        }
        if let Some(looks) = e.looks.as_ref().filter(|l| l.len() > 1) {
            if let Some(curves) = &e.spending {
                out.push((
                    format!("spending-{}.svg", file_part(&e.name)),
                    super::plot_spending::spending(&e.name, curves, looks)?,
                ));
            }
            if let Some(rule) = &e.reestimation {
                out.push((
                    format!("reestimation-{}.svg", file_part(&e.name)),
                    super::plot_reestimation::reestimation(&e.name, rule)?,
                ));
            }
            if let Some(t) = super::plot_timeline::timeline(&e.name, looks, e.look_counts())? {
                out.push((format!("timeline-{}.svg", file_part(&e.name)), t));
            }
            out.push((
                format!("boundaries-z-{}.svg", file_part(&e.name)),
                boundaries(&e.name, looks, report.replicates, false)?,
            ));
            if looks.iter().any(|l| l.boundary_hazard_ratio.is_some()) {
                out.push((
                    format!("boundaries-hr-{}.svg", file_part(&e.name)),
                    boundaries(&e.name, looks, report.replicates, true)?,
                ));
            }
        }
    }
    if let Some(m) = &report.analysis.multiplicity
        && let (Some(w), Some(g)) = (&m.weights, &m.transitions)
    {
        out.push(("multiplicity-graph.svg".into(), graph(&m.method, &m.endpoints, w, g)?));
    }
    if let Some(h) = &report.analysis.cut_month_histogram {
        let marks: Vec<(f64, &str)> = report.analysis.cut_month.iter().map(|c| (c.mean, "mean")).collect();
        let title = format!("month of the analysis across {} virtual trials", report.replicates);
        out.push((
            "analysis-month.svg".into(),
            histogram(&title, "month (from the first patient's entry)", h, &marks)?,
        ));
    }
    Ok(out)
}

/// Share of trials in which a curve must be estimable at a month for the fan to be drawn there:
/// beyond, the band would be of the trials with the longest follow-up only.
const ESTIMABLE: f64 = 0.5;

/// Each arm's curve across trials: median, 95% band, the scenario's model curve.
fn fan(name: &str, c: &Curves, replicates: u64) -> Result<String, String> {
    let r = replicates.max(1) as f64;
    let incidence = c.measure == "cumulative_incidence";
    let x_max = c.months.last().copied().unwrap_or(1.0).max(1e-9);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let what = if incidence { "cumulative incidence (Aalen–Johansen)" } else { "survival (Kaplan–Meier)" };
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{name}: {what} across {replicates} virtual trials"), (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..x_max * 1.02, 0.0..1.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .x_desc("months from entry")
            .y_desc(if incidence { "cumulative incidence: median, 95% band" } else { "survival: median, 95% band" })
            .draw()
            .map_err(err)?;
        for (k, (arm, a)) in c.arms.0.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let pts: Vec<(f64, f64, f64, f64)> = c
                .months
                .iter()
                .enumerate()
                .filter(|(j, _)| (a.not_estimable[*j] as f64) / r <= ESTIMABLE)
                .filter_map(|(j, &m)| Some((m, a.q025[j]?, a.q500[j]?, a.q975[j]?)))
                .collect();
            let band: Vec<(f64, f64)> =
                pts.iter().map(|p| (p.0, p.3)).chain(pts.iter().rev().map(|p| (p.0, p.1))).collect();
            chart.draw_series([Polygon::new(band, colour.mix(0.18).filled())]).map_err(err)?;
            chart
                .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.2)), colour.stroke_width(2)))
                .map_err(err)?
                .label(format!("{arm}: median of the trials"))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
            if let Some(m) = &a.model {
                chart
                    .draw_series(DashedLineSeries::new(
                        c.months.iter().copied().zip(m.iter().copied()),
                        6,
                        4,
                        BLACK.mix(0.8).stroke_width(1),
                    ))
                    .map_err(err)?
                    .label(format!("{arm}: the scenario's model"))
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.stroke_width(1)));
            }
        }
        legend(&mut chart, if incidence { SeriesLabelPosition::UpperLeft } else { SeriesLabelPosition::LowerLeft })?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A forest plot's row: name, 2.5%, median, 97.5%, the true ratio, the wrong-way share.
type ForestRow = (String, f64, f64, f64, Option<f64>, Option<f64>);

/// Each cohort's hazard ratio across trials (median and 95% range, log scale), the overall
/// estimate below, the cohorts' true ratios marked, 1 drawn.
fn forest(e: &EndpointReport, cohorts: &[super::model::CohortResult], replicates: u64) -> Result<String, String> {
    let overall = e.estimate.spread.map(|d| ("overall".to_string(), d.q025, d.q500, d.q975));
    let rows: Vec<ForestRow> = cohorts
        .iter()
        .filter_map(|c| Some((c.cohort.clone(), c.q025?, c.q500?, c.q975?, c.true_hazard_ratio, c.wrong_way)))
        .chain(overall.map(|(n, a, b, c)| (n, a, b, c, e.estimate.accuracy.as_ref().map(|a| a.true_value), None)))
        .collect();
    let xs: Vec<f64> = rows.iter().flat_map(|r| [r.1, r.3]).chain([1.0]).filter(|x| *x > 0.0).collect();
    let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    // Room on the right for the wrong-way shares.
    let (lo, hi) = (lo / 1.15, hi * 1.9);
    let n = rows.len() as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0, 140 + 44 * rows.len() as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{}: hazard ratio by cohort across {replicates} virtual trials", e.name), (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(210)
            // Ticks at the ratios people read (a log axis's own are powers of 10: only 1.00
            // in a forest of hazard ratios).
            .build_cartesian_2d(
                (lo..hi).log_scale().with_key_points(
                    [0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 10.0]
                        .into_iter()
                        .filter(|t| (lo..=hi).contains(t))
                        .collect::<Vec<f64>>(),
                ),
                -0.5..(n - 0.5),
            )
            .map_err(err)?;
        let labels: Vec<String> = rows.iter().map(|r| format!("{} {:.2} [{:.2}, {:.2}]", r.0, r.2, r.1, r.3)).collect();
        chart
            .configure_mesh()
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .disable_y_mesh()
            .y_labels(rows.len())
            .y_label_formatter(&|y: &f64| {
                let k = (n - 1.0 - y.round()) as usize;
                if (y - y.round()).abs() < 1e-6 { labels.get(k).cloned().unwrap_or_default() } else { String::new() }
            })
            .x_labels(10)
            .x_label_formatter(&|x: &f64| format!("{x:.2}"))
            .x_desc("hazard ratio (log scale): median and 95% range of the trials' estimates; × the true ratio")
            .draw()
            .map_err(err)?;
        chart.draw_series(LineSeries::new([(1.0, -0.5), (1.0, n - 0.5)], BLACK.stroke_width(1))).map_err(err)?;
        for (k, r) in rows.iter().enumerate() {
            let y = n - 1.0 - k as f64;
            let colour = if r.0 == "overall" { PALETTE[6] } else { PALETTE[0] };
            chart.draw_series(LineSeries::new([(r.1, y), (r.3, y)], colour.stroke_width(2))).map_err(err)?;
            chart.draw_series([Circle::new((r.2, y), 5, colour.filled())]).map_err(err)?;
            if let Some(t) = r.4 {
                chart.draw_series([Cross::new((t, y), 6, PALETTE[1].stroke_width(2))]).map_err(err)?;
            }
            if let Some(w) = r.5 {
                chart
                    .draw_series([Text::new(
                        format!("wrong way {:.1}%", 100.0 * w),
                        (r.3 * 1.03, y + 0.25),
                        (FONT, 12),
                    )])
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A point of a power curve: the value, the power and its 95% interval.
type PowerPoint = (f64, f64, f64, f64);

/// The plots of a sweep; `target` draws the target power.
pub fn sweep(report: &SweepReport, target: Option<f64>) -> Result<Vec<Plot>, String> {
    let paths = report.paths();
    let Some(first) = report.points.first() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    let numeric = report.points.iter().all(|p| number(&p.set.0[0].1).is_some());
    for e in first.report.endpoints.iter().filter(|e| e.power.is_some()) {
        // Series: one per value of the second dimension (one series for a 1-D sweep).
        let mut series: Vec<(String, Vec<PowerPoint>)> = Vec::new();
        for (k, p) in report.points.iter().enumerate() {
            let Some(pe) = p.report.endpoint(&e.name) else { continue };
            let (Some(power), Some(ci)) = (pe.power, pe.power_ci) else { continue };
            let x = if numeric { number(&p.set.0[0].1).unwrap_or(k as f64) } else { k as f64 };
            let key = p.set.0.get(1).map_or(String::new(), |(q, v)| format!("{q} = {v}"));
            match series.iter_mut().find(|(s, _)| *s == key) {
                Some((_, pts)) => pts.push((x, power, ci[0], ci[1])),
                None => series.push((key, vec![(x, power, ci[0], ci[1])])),
            }
        }
        let xs: Vec<f64> = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)).collect();
        let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        if !(lo <= hi) {
            continue;
        }
        // A margin of 5% of the values' span (of the value, or 0.5, for a single point): the
        // axis spans the data, not 0 to 1.3 for hazard ratios from 0.5 to 0.8.
        let pad = if hi > lo { (hi - lo) * 0.05 } else { (lo.abs() * 0.05).max(if lo == 0.0 { 0.5 } else { 0.0 }) };
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(format!("{}: power by {}", e.name, path_words(paths[0])), (FONT, 18))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(64)
                .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..1.0)
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style((FONT, 16))
                .axis_desc_style((FONT, 17))
                .x_desc(paths[0])
                .y_desc("power (95% Monte Carlo band)")
                .draw()
                .map_err(err)?;
            for (k, (key, pts)) in series.iter().enumerate() {
                let colour = PALETTE[k % PALETTE.len()];
                let band: Vec<(f64, f64)> =
                    pts.iter().map(|p| (p.0, p.3)).chain(pts.iter().rev().map(|p| (p.0, p.2))).collect();
                chart.draw_series([Polygon::new(band, colour.mix(0.2).filled())]).map_err(err)?;
                let line = chart
                    .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
                    .map_err(err)?;
                if !key.is_empty() {
                    line.label(key.clone())
                        .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
                }
                chart.draw_series(pts.iter().map(|p| Circle::new((p.0, p.1), 3, colour.filled()))).map_err(err)?;
            }
            if let Some(t) = target {
                chart
                    .draw_series(LineSeries::new([(lo - pad, t), (hi + pad, t)], BLACK.stroke_width(1)))
                    .map_err(err)?
                    .label(format!("target {t}"))
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.stroke_width(1)));
            }
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
            root.present().map_err(err)?;
        }
        out.push((format!("power-{}.svg", file_part(&e.name)), svg));
        if let Some(oc) = super::plot_sweep::operating_characteristics(report, &e.name)? {
            out.push((format!("oc-{}.svg", file_part(&e.name)), oc));
        }
        if paths.len() == 2 {
            out.push((format!("heatmap-{}.svg", file_part(&e.name)), heat_map(report, &e.name, target)?));
        }
    }
    Ok(out)
}

/// A 2-D sweep as a grid of cells coloured by power, each labelled, those reaching the target
/// outlined.
fn heat_map(report: &SweepReport, endpoint: &str, target: Option<f64>) -> Result<String, String> {
    let paths = report.paths();
    let mut xs: Vec<String> = Vec::new();
    let mut ys: Vec<String> = Vec::new();
    for p in &report.points {
        if !xs.contains(&p.set.0[0].1) {
            xs.push(p.set.0[0].1.clone());
        }
        if !ys.contains(&p.set.0[1].1) {
            ys.push(p.set.0[1].1.clone());
        }
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{endpoint}: power over the grid"), (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..xs.len() as f64, 0.0..ys.len() as f64)
            .map_err(err)?;
        let (xl, yl) = (xs.clone(), ys.clone());
        chart
            .configure_mesh()
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .disable_mesh()
            .x_desc(paths[0])
            .y_desc(paths[1])
            .x_labels(xs.len() * 2 + 1)
            .y_labels(ys.len() * 2 + 1)
            .x_label_formatter(&move |x| label_at(&xl, *x))
            .y_label_formatter(&move |y| label_at(&yl, *y))
            .draw()
            .map_err(err)?;
        for p in &report.points {
            let (Some(i), Some(j)) =
                (xs.iter().position(|x| *x == p.set.0[0].1), ys.iter().position(|y| *y == p.set.0[1].1))
            else {
                continue;
            };
            let Some(power) = p.report.endpoint(endpoint).and_then(|e| e.power) else { continue };
            let (x, y) = (i as f64, j as f64);
            let shade = RGBColor(
                (255.0 - power * (255.0 - 0.0)) as u8,
                (255.0 - power * (255.0 - 114.0)) as u8,
                (255.0 - power * (255.0 - 178.0)) as u8,
            );
            chart.draw_series([Rectangle::new([(x, y), (x + 1.0, y + 1.0)], shade.filled())]).map_err(err)?;
            if target.is_some_and(|t| power >= t) {
                chart
                    .draw_series([Rectangle::new([(x + 0.03, y + 0.03), (x + 0.97, y + 0.97)], BLACK.stroke_width(2))])
                    .map_err(err)?;
            }
            let ink = if power > 0.6 { WHITE } else { BLACK };
            chart
                .draw_series([Text::new(
                    format!("{power:.3}"),
                    (x + 0.35, y + 0.55),
                    (FONT, 14).into_font().color(&ink),
                )])
                .map_err(err)?;
        }
        if let Some(t) = target {
            // The contour of the target power, by marching squares over the cells' centres
            // (power linear between neighbouring centres).
            let mut grid = vec![vec![None; ys.len()]; xs.len()];
            for p in &report.points {
                let (Some(i), Some(j)) =
                    (xs.iter().position(|x| *x == p.set.0[0].1), ys.iter().position(|y| *y == p.set.0[1].1))
                else {
                    continue;
                };
                grid[i][j] = p.report.endpoint(endpoint).and_then(|e| e.power);
            }
            let segments = contour(&grid, t);
            for (k, seg) in segments.iter().enumerate() {
                let line = chart
                    .draw_series(LineSeries::new(
                        seg.iter().map(|&(x, y)| (x + 0.5, y + 0.5)),
                        PALETTE[1].stroke_width(3),
                    ))
                    .map_err(err)?;
                if k == 0 {
                    line.label(format!("power {t} (contour)"))
                        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], PALETTE[1].stroke_width(3)));
                }
            }
            if !segments.is_empty() {
                legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The grid label whose cell's centre is at `x` (cells are [k, k + 1)).
fn label_at(labels: &[String], x: f64) -> String {
    let k = x - 0.5;
    if (k - k.round()).abs() < 1e-6 && k >= 0.0 {
        labels.get(k.round() as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// The plot of a `size` search.
pub fn size(r: &SizeReport) -> Result<Vec<Plot>, String> {
    let full: Vec<_> = r.evaluations.iter().filter(|e| e.replicates == r.replicates).collect();
    let (lo, hi) = full
        .iter()
        .map(|e| e.value as f64)
        .chain([r.interval_95[0], r.interval_95[1]])
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let pad = ((hi - lo) * 0.08).max(1.0);
    let (lo, hi) = (lo - pad, hi + pad);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let ys: Vec<f64> = full.iter().map(|e| e.power).chain([r.target_power]).collect();
        let (ylo, yhi) = ys.iter().fold((1.0f64, 0.0f64), |(a, b), &y| (a.min(y), b.max(y)));
        let (ylo, yhi) = ((ylo - 0.08).max(0.0), (yhi + 0.08).min(1.0));
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{}: power by {}", r.endpoint, r.parameter), (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(lo..hi, ylo..yhi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .x_desc(r.parameter.as_str())
            .y_desc("power")
            .draw()
            .map_err(err)?;
        let curve: Vec<(f64, f64)> =
            (0..=200).map(|k| lo + (hi - lo) * k as f64 / 200.0).map(|x| (x, r.fitted_power_at(x))).collect();
        chart
            .draw_series(LineSeries::new(curve, PALETTE[0].stroke_width(2)))
            .map_err(err)?
            .label("probit fit")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], PALETTE[0].stroke_width(2)));
        chart
            .draw_series(full.iter().map(|e| {
                let (a, b) = e.power_interval();
                PathElement::new([(e.value as f64, a), (e.value as f64, b)], PALETTE[6].stroke_width(1))
            }))
            .map_err(err)?;
        chart
            .draw_series(full.iter().map(|e| Circle::new((e.value as f64, e.power), 4, PALETTE[6].filled())))
            .map_err(err)?
            .label(format!("evaluations ({} trials, 95% interval)", r.replicates))
            .legend(|(x, y)| Circle::new((x + 8, y), 4, PALETTE[6].filled()));
        chart
            .draw_series(LineSeries::new([(lo, r.target_power), (hi, r.target_power)], PALETTE[1].stroke_width(1)))
            .map_err(err)?
            .label(format!("target {}", r.target_power))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], PALETTE[1].stroke_width(1)));
        chart
            .draw_series([Rectangle::new(
                [(r.interval_95[0], ylo), (r.interval_95[1], yhi)],
                PALETTE[2].mix(0.15).filled(),
            )])
            .map_err(err)?
            .label(format!("answer {} (95% interval {:.1} to {:.1})", r.value, r.interval_95[0], r.interval_95[1]))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], PALETTE[2].mix(0.4).filled()));
        chart
            .draw_series(LineSeries::new([(r.value as f64, ylo), (r.value as f64, yhi)], PALETTE[2].stroke_width(2)))
            .map_err(err)?;
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(vec![(format!("size-{}.svg", file_part(&r.endpoint)), svg)])
}

/// A graphical multiplicity procedure as Bretz et al. (2009) draw it: the endpoints on a
/// circle, each with its initial weight, and an arrow with its share for every transition
/// (arrows between the same two endpoints drawn apart, each labelled near its source).
fn graph(method: &str, names: &[String], weights: &[f64], transitions: &[Vec<f64>]) -> Result<String, String> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let centred = |size: u32| TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Center, VPos::Center));
        let title = format!("multiplicity: {} procedure (initial weights and transitions)", method.replace('_', " "));
        root.draw(&Text::new(title, (SIZE.0 as i32 / 2, 18), centred(17))).map_err(err)?;
        let m = names.len();
        let (cx, cy, radius, node) = (SIZE.0 as f64 / 2.0, SIZE.1 as f64 / 2.0 + 14.0, 150.0, 40.0);
        let at = |i: usize| {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / m as f64;
            if m == 2 {
                (cx + (2.0 * i as f64 - 1.0) * 190.0, cy)
            } else {
                (cx + 1.4 * radius * a.cos(), cy + radius * a.sin())
            }
        };
        let px = |(x, y): (f64, f64)| (x.round() as i32, y.round() as i32);
        for (i, row) in transitions.iter().enumerate() {
            for (k, &share) in row.iter().enumerate().filter(|&(_, &g)| g > 0.0) {
                let ((x0, y0), (x1, y1)) = (at(i), at(k));
                let (dx, dy) = (x1 - x0, y1 - y0);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let (ux, uy) = (dx / len, dy / len);
                // Offset to the right of the direction of travel, so that i → k and k → i part.
                let (ox, oy) = (-uy * 9.0, ux * 9.0);
                let start = (x0 + ux * node + ox, y0 + uy * node + oy);
                let end = (x1 - ux * node + ox, y1 - uy * node + oy);
                let colour = PALETTE[i % PALETTE.len()];
                root.draw(&PathElement::new(vec![px(start), px(end)], colour.stroke_width(2))).map_err(err)?;
                let head = |side: f64| (end.0 - ux * 12.0 - uy * 6.0 * side, end.1 - uy * 12.0 + ux * 6.0 * side);
                root.draw(&Polygon::new(vec![px(end), px(head(1.0)), px(head(-1.0))], colour.filled())).map_err(err)?;
                let label =
                    (start.0 + (end.0 - start.0) * 0.3 + ox * 1.6, start.1 + (end.1 - start.1) * 0.3 + oy * 1.6);
                root.draw(&Text::new(format!("{share}"), px(label), centred(13))).map_err(err)?;
            }
        }
        for (i, name) in names.iter().enumerate() {
            let c = px(at(i));
            root.draw(&Circle::new(c, node as i32, WHITE.filled())).map_err(err)?;
            root.draw(&Circle::new(c, node as i32, PALETTE[i % PALETTE.len()].stroke_width(2))).map_err(err)?;
            root.draw(&Text::new(name.clone(), (c.0, c.1 - 9), centred(13))).map_err(err)?;
            root.draw(&Text::new(format!("{}", weights[i]), (c.0, c.1 + 10), centred(14))).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}
