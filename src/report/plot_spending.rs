//! The spending functions of a design with looks: the cumulative alpha the efficacy bounds
//! spend by information fraction, with each look's planned alpha marked, and beside it the
//! cumulative beta of a beta-spending futility bound (the pictures an rpact user draws with
//! `plot(design, type = 5)`).

use super::model::{Look, SpendingCurves};
use super::plot_style::{Chart, FONT, PALETTE, SIZE, err, legend};
use plotters::prelude::*;

/// The SVG of `curves`, the looks of endpoint `name` marked on the alpha curve.
pub fn spending(name: &str, curves: &SpendingCurves, looks: &[Look]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&format!("{name}: spending functions"), (FONT, 18)).map_err(err)?;
        let panels: Vec<_> = match &curves.beta {
            Some(_) => root.split_evenly((1, 2)),
            None => vec![root.clone()],
        };
        let series = std::iter::once((&curves.alpha, PALETTE[0], true))
            .chain(curves.beta.iter().map(|b| (b, PALETTE[1], false)));
        for (panel, ((label, points), colour, alpha)) in panels.iter().zip(series) {
            let top = points.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1e-12) * 1.1;
            let mut chart: Chart = ChartBuilder::on(panel)
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(64)
                .build_cartesian_2d(0.0..1.0, 0.0..top)
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style((FONT, 16))
                .axis_desc_style((FONT, 17))
                .x_desc("information fraction")
                .y_desc(if alpha { "cumulative alpha spent" } else { "cumulative beta spent" })
                .draw()
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(2)))
                .map_err(err)?
                .label(label.clone())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
            if alpha {
                // Each look at its planned information with the alpha planned spent by it.
                let marks: Vec<(f64, f64)> =
                    looks.iter().filter_map(|l| Some((l.information, l.alpha_spent?))).collect();
                chart
                    .draw_series(marks.iter().map(|&p| Circle::new(p, 4, colour.filled())))
                    .map_err(err)?
                    .label("looks (planned information)")
                    .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
            }
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}
