//! What every plot shares: its size, font, colours, the legend's box, the file names.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

pub const SIZE: (u32, u32) = (720, 440);
pub const FONT: &str = "sans-serif";

pub fn err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw the plot: {e}")
}

/// A file name from an endpoint's name: letters, digits, `-` and `_` kept, the rest `_`.
pub fn file_part(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// Colours of series, in order (colour-blind safe: Okabe–Ito).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// A chart of real x and y on an SVG backend.
pub type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A panel of a figure: real axes over `x` and `y` on `area`, with the house's margins, label
/// sizes and axis titles, the mesh drawn.
pub fn panel<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    x_desc: &str,
    y_desc: &str,
) -> Result<Chart<'a, 'b>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 17))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The series' legend, boxed, at `position`.
pub fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, position: SeriesLabelPosition) -> Result<(), String> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(position)
        .draw()
        .map_err(err)
}

/// A dotted path in words for a title (the axis keeps the path): its last two parts,
/// `cohorts.gastric.events.pm.hazard_ratio.rmhtnf` → "hazard ratio, rmhtnf".
pub fn path_words(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    parts[parts.len().saturating_sub(2)..].iter().map(|p| p.replace('_', " ")).collect::<Vec<_>>().join(", ")
}

/// A value of a sweep's grid as a number, if it is one.
pub fn number(v: &str) -> Option<f64> {
    v.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}
