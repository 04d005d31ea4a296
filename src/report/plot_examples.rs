//! The example trials of a run: each arm's Kaplan–Meier (or cumulative incidence) curve at
//! the trial's analysis, with its numbers at risk every 12 months under it.

use super::model::{EndpointReport, ExampleTrial};
use super::plot_style::{FONT, PALETTE, SIZE, err, legend};
use plotters::prelude::*;

/// The example trials' curves of the primary endpoint, one panel each.
pub fn examples(e: &EndpointReport, trials: &[ExampleTrial]) -> Result<String, String> {
    let incidence = e.milestone_measure.as_deref() == Some("cumulative_incidence")
        || e.curves.as_ref().is_some_and(|c| c.measure == "cumulative_incidence");
    let shown: Vec<&ExampleTrial> = trials.iter().filter(|t| !t.steps.is_empty()).collect();
    let x_max =
        shown.iter().flat_map(|t| t.steps.iter().flat_map(|(_, s)| s.iter().map(|p| p.0))).fold(1.0f64, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0 * 3 / 2, SIZE.1 * 3 / 4)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&format!("{}: example trials of the run", e.name), (FONT, 18)).map_err(err)?;
        let panels = root.split_evenly((1, shown.len().max(1)));
        for (t, panel) in shown.iter().zip(panels.iter()) {
            let cut = t.cut_month.map_or(String::new(), |c| format!(", analysed at month {c:.1}"));
            let mut chart = ChartBuilder::on(panel)
                .caption(format!("{} (replicate {}{cut})", t.kind.replace('_', " "), t.replicate), (FONT, 14))
                .margin(8)
                .x_label_area_size(36)
                .y_label_area_size(44)
                // A band under 0 for the numbers at risk, one row per arm.
                .build_cartesian_2d(0.0..x_max * 1.02, -0.09 * t.at_risk.len() as f64 - 0.03..1.0)
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style((FONT, 16))
                .axis_desc_style((FONT, 17))
                .y_label_formatter(&|y: &f64| if *y < -1e-9 { String::new() } else { format!("{y:.1}") })
                .x_desc("months from entry (numbers at risk below)")
                .y_desc(if incidence { "cumulative incidence" } else { "survival" })
                .draw()
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new([(0.0, 0.0), (x_max * 1.02, 0.0)], BLACK.stroke_width(1)))
                .map_err(err)?;
            for (k, rows) in t.at_risk.iter().enumerate() {
                let colour = PALETTE[k % PALETTE.len()];
                let y = -0.06 - 0.09 * k as f64;
                chart
                    .draw_series(
                        rows.iter().map(|&(m, n)| {
                            Text::new(n.to_string(), (m, y), ("sans-serif", 12).into_font().color(&colour))
                        }),
                    )
                    .map_err(err)?;
            }
            for (k, (arm, steps)) in t.steps.iter().enumerate() {
                let colour = PALETTE[k % PALETTE.len()];
                let mut path = Vec::with_capacity(2 * steps.len());
                for (j, &(x, y)) in steps.iter().enumerate() {
                    if j > 0 {
                        path.push((x, steps[j - 1].1));
                    }
                    path.push((x, y));
                }
                chart
                    .draw_series(LineSeries::new(path, colour.stroke_width(2)))
                    .map_err(err)?
                    .label(arm.clone())
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
            }
            // Away from the curves and the numbers at risk under them.
            legend(
                &mut chart,
                if incidence { SeriesLabelPosition::UpperLeft } else { SeriesLabelPosition::UpperRight },
            )?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}
