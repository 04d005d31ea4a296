//! A sweep's operating characteristics in one figure (issue 27): for a design with looks,
//! against the swept value, the power and the probability of stopping early (left panel) and
//! the expected events and patients where the trials stop (right panel), one series per value
//! of a second dimension — what rpact's and East's users draw from a simulation over effects.

use super::model::SweepReport;
use super::plot_style::{FONT, PALETTE, err, legend, number, panel, path_words};
use plotters::prelude::*;

/// (x, power, early stop, expected events, expected patients) of one grid point.
type OcPoint = (f64, f64, f64, Option<f64>, Option<f64>);

/// The figure for endpoint `name`, where its points have looks (an early-stopping probability)
/// and the first dimension is numeric; None otherwise.
pub fn operating_characteristics(report: &SweepReport, name: &str) -> Result<Option<String>, String> {
    let paths = report.paths();
    if !report.points.iter().all(|p| number(&p.set.0[0].1).is_some()) {
        return Ok(None);
    }
    let mut series: Vec<(String, Vec<OcPoint>)> = Vec::new();
    for p in &report.points {
        let Some(e) = p.report.endpoint(name) else { continue };
        let (Some(power), Some(early), Some(x)) = (e.power, e.early_stop, number(&p.set.0[0].1)) else { continue };
        let key = p.set.0.get(1).map_or(String::new(), |(q, v)| format!("{q} = {v}"));
        let point = (x, power, early, e.events.map(|d| d.mean), p.report.analysis.expected_patients);
        match series.iter_mut().find(|(s, _)| *s == key) {
            Some((_, pts)) => pts.push(point),
            None => series.push((key, vec![point])),
        }
    }
    if series.is_empty() {
        return Ok(None);
    }
    let xs = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0));
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let pad = if hi > lo { (hi - lo) * 0.05 } else { lo.abs().max(1.0) * 0.05 };
    let counts = series.iter().flat_map(|(_, p)| p.iter().flat_map(|q| [q.3, q.4])).flatten();
    let top = counts.fold(0.0f64, f64::max).max(1.0) * 1.08;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1200, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root
            .titled(&format!("{name}: operating characteristics by {}", path_words(paths[0])), (FONT, 20))
            .map_err(err)?;
        let (left, right) = root.split_horizontally(600);
        let mut chart = panel(&left, (lo - pad)..(hi + pad), 0.0..1.0, paths[0], "probability")?;
        for (k, (key, pts)) in series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let label = |what: &str| if key.is_empty() { what.to_string() } else { format!("{what}, {key}") };
            chart
                .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
                .map_err(err)?
                .label(label("power"))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
            chart.draw_series(pts.iter().map(|p| Circle::new((p.0, p.1), 3, colour.filled()))).map_err(err)?;
            chart
                .draw_series(DashedLineSeries::new(pts.iter().map(|p| (p.0, p.2)), 6, 4, colour.stroke_width(2)))
                .map_err(err)?
                .label(label("early stop"))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(1)));
            chart.draw_series(pts.iter().map(|p| TriangleMarker::new((p.0, p.2), 4, colour.filled()))).map_err(err)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        let mut chart = panel(&right, (lo - pad)..(hi + pad), 0.0..top, paths[0], "expected where the trials stop")?;
        for (k, (key, pts)) in series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let label = |what: &str| if key.is_empty() { what.to_string() } else { format!("{what}, {key}") };
            let events: Vec<(f64, f64)> = pts.iter().filter_map(|p| Some((p.0, p.3?))).collect();
            let patients: Vec<(f64, f64)> = pts.iter().filter_map(|p| Some((p.0, p.4?))).collect();
            chart
                .draw_series(LineSeries::new(events.iter().copied(), colour.stroke_width(2)))
                .map_err(err)?
                .label(label("events"))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
            chart.draw_series(events.iter().map(|&p| Circle::new(p, 3, colour.filled()))).map_err(err)?;
            chart
                .draw_series(DashedLineSeries::new(patients.iter().copied(), 6, 4, colour.stroke_width(2)))
                .map_err(err)?
                .label(label("patients"))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(1)));
            chart.draw_series(patients.iter().map(|&p| TriangleMarker::new(p, 4, colour.filled()))).map_err(err)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}
