//! When the looks of a design happen (issue 27): each look's calendar month across the trials
//! (median and 95% range) against the patients enrolled and the events the monitored endpoint
//! has there (their medians and 95% ranges) — the enrolment and events over calendar time that
//! a DMC schedules its meetings by. Every trial counts at every look (the look's values had the
//! trial gone on to it), as the report's distributions.

use super::model::Look;
use super::plot_style::{FONT, PALETTE, SIZE, err, legend};
use plotters::prelude::*;

/// The figure; None when a look has no month distribution.
pub fn timeline(name: &str, looks: &[Look], counted: &str) -> Result<Option<String>, String> {
    // (month q025, q500, q975), (patients q025, q500, q975), (events q025, q500, q975) per look.
    type Range = (f64, f64, f64);
    let range = |q: Option<&super::model::Quantiles>| -> Option<Range> {
        let q = q?;
        Some((q.q025?, q.q500?, q.q975?))
    };
    let mut rows: Vec<(usize, Range, Option<Range>, Option<Range>)> = Vec::new();
    for l in looks {
        let Some(m) = range(l.month_distribution.as_ref()) else { return Ok(None) };
        rows.push((l.look, m, range(l.patients_distribution.as_ref()), range(l.events_distribution.as_ref())));
    }
    let right = rows.iter().map(|r| r.1.2).fold(0.0f64, f64::max) * 1.08;
    let top = rows.iter().flat_map(|r| [r.2.map(|p| p.2), r.3.map(|e| e.2)]).flatten().fold(1.0f64, f64::max) * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{name}: when the looks happen"), (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..right.max(1.0), 0.0..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .x_desc("calendar month (median and 95% range across trials)")
            .y_desc(format!("patients and {counted} (median, 95% range)"))
            .draw()
            .map_err(err)?;
        for (k, (what, pick)) in [("patients enrolled", 0usize), (counted, 1)].into_iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let pts: Vec<(f64, Range, Range)> =
                rows.iter().filter_map(|r| Some((r.1.1, r.1, if pick == 0 { r.2? } else { r.3? }))).collect();
            let path = std::iter::once((0.0, 0.0)).chain(pts.iter().map(|p| (p.0, p.2.1)));
            chart
                .draw_series(LineSeries::new(path, colour.stroke_width(2)))
                .map_err(err)?
                .label(what.to_string())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
            for (x, month, count) in &pts {
                chart
                    .draw_series([
                        PathElement::new([(month.0, count.1), (month.2, count.1)], colour.stroke_width(1)),
                        PathElement::new([(*x, count.0), (*x, count.2)], colour.stroke_width(1)),
                    ])
                    .map_err(err)?;
                chart.draw_series([Circle::new((*x, count.1), 4, colour.filled())]).map_err(err)?;
            }
        }
        for r in &rows {
            let y = r.3.or(r.2).map_or(0.0, |c| c.2);
            chart
                .draw_series([Text::new(format!("look {}", r.0), (r.1.1, y + top * 0.03), (FONT, 14).into_font())])
                .map_err(err)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}
