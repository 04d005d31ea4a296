//! Event re-estimation's rule as a picture (issue 27): against the first interim's z, the next
//! stage's events (left) and the conditional power at its planned events under the trial's
//! estimate (right), with the zones of a promising-zone design shaded and the interim's
//! efficacy boundary marked — the figure a DMC charter for an adaptive design shows.

use super::model::ReestimationRule;
use super::plot_style::{self, FONT, PALETTE, err, legend};
use plotters::prelude::*;

/// The zones' colours: unfavourable, promising, favourable.
const ZONES: [(RGBColor, &str); 3] = [
    (RGBColor(213, 94, 0), "unfavourable"),
    (RGBColor(0, 158, 115), "promising"),
    (RGBColor(0, 114, 178), "favourable"),
];

pub fn reestimation(name: &str, rule: &ReestimationRule) -> Result<String, String> {
    let (lo, hi) = (rule.points.first().map_or(-2.0, |p| p.0), rule.points.last().map_or(3.0, |p| p.0));
    let top = rule.points.iter().map(|p| p.1).fold(rule.max_stage, f64::max) * 1.1;
    // Runs of points in one zone, as (from, to, zone).
    let mut runs: Vec<(f64, f64, u8)> = Vec::new();
    for w in rule.points.windows(2) {
        if let Some(zone) = w[0].3 {
            match runs.last_mut() {
                Some(run) if run.2 == zone => run.1 = w[1].0,
                _ => runs.push((w[0].0, w[1].0, zone)),
            }
        }
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1200, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let title = match rule.capped_share {
            Some(c) => format!(
                "{name}: event re-estimation at the first interim ({:.0} events); the cap bound in {:.1}% of trials",
                rule.interim_events,
                100.0 * c
            ),
            None => format!("{name}: event re-estimation at the first interim ({:.0} events)", rule.interim_events),
        };
        let root = root.titled(&title, (FONT, 20)).map_err(err)?;
        let (left, right) = root.split_horizontally(600);
        for (panel, area) in [(0, &left), (1, &right)] {
            let y_top = if panel == 0 { top } else { 1.0 };
            let y_desc =
                if panel == 0 { "events of the next stage" } else { "conditional power at the planned events" };
            let mut chart = plot_style::panel(area, lo..hi, 0.0..y_top, "z at the first interim", y_desc)?;
            for &(from, to, zone) in &runs {
                let (colour, label) = ZONES[zone as usize];
                let rect = chart
                    .draw_series([Rectangle::new([(from, 0.0), (to, y_top)], colour.mix(0.12).filled())])
                    .map_err(err)?;
                if panel == 0
                    && runs.iter().position(|r| r.2 == zone) == runs.iter().position(|r| r == &(from, to, zone))
                {
                    rect.label(format!("{label} zone"))
                        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], colour.mix(0.3).filled()));
                }
            }
            let boundary = rule.boundary;
            chart
                .draw_series(DashedLineSeries::new([(boundary, 0.0), (boundary, y_top)], 4, 4, BLACK.stroke_width(1)))
                .map_err(err)?
                .label(format!("efficacy boundary z = {boundary:.3}"))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.stroke_width(1)));
            let colour = PALETTE[0];
            if panel == 0 {
                chart
                    .draw_series(LineSeries::new(rule.points.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
                    .map_err(err)?
                    .label("next stage's events")
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
                // Levels that coincide share one line and one label ("planned = minimum 150").
                let mut levels: Vec<(f64, String)> = Vec::new();
                for (value, what) in
                    [(rule.planned_stage, "planned"), (rule.min_stage, "minimum"), (rule.max_stage, "maximum")]
                {
                    match levels.iter_mut().find(|l| l.0 == value) {
                        Some(l) => l.1 = format!("{} = {what}", l.1),
                        None => levels.push((value, what.to_string())),
                    }
                }
                let levels: Vec<(f64, String)> = levels.into_iter().map(|(v, w)| (v, format!("{w} {v:.0}"))).collect();
                dashed_levels(&mut chart, &levels, lo, hi)?;
                legend(&mut chart, SeriesLabelPosition::LowerRight)?;
            } else {
                chart
                    .draw_series(LineSeries::new(rule.points.iter().map(|p| (p.0, p.2)), colour.stroke_width(2)))
                    .map_err(err)?;
                let mut lines = vec![(rule.target, format!("target {}", rule.target))];
                lines.extend(rule.promising_from.map(|f| (f, format!("promising from {f}"))));
                dashed_levels(&mut chart, &lines, lo, hi)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Dashed horizontal lines at each level, labelled at the left.
fn dashed_levels(chart: &mut plot_style::Chart, levels: &[(f64, String)], lo: f64, hi: f64) -> Result<(), String> {
    for (value, what) in levels {
        chart
            .draw_series(DashedLineSeries::new([(lo, *value), (hi, *value)], 6, 4, PALETTE[2].stroke_width(1)))
            .map_err(err)?;
        chart
            .draw_series([Text::new(what.clone(), (lo + 0.05 * (hi - lo), *value), (FONT, 14).into_font())])
            .map_err(err)?;
    }
    Ok(())
}
