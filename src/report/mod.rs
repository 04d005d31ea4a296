//! Formatting results for people and programs: the only place that writes output formats.

pub mod adam;
pub mod analyze;
pub mod checkpoint;
pub mod contour;
pub mod export;
pub mod hash;
pub mod model;
pub mod output;
pub mod pictures;
pub mod plot;
pub mod plot_examples;
pub mod plot_reestimation;
pub mod plot_spending;
pub mod plot_style;
pub mod plot_sweep;
pub mod plot_timeline;
pub mod replicates;
pub mod sample;
pub mod shard;
pub mod sweep;

use std::path::Path;

/// Writes `text` to stdout (`None`), or to a file as [`output`] does (`force` to replace one).
pub fn emit(text: &str, path: Option<&Path>, force: bool) -> Result<(), output::OutputError> {
    output::Target::of(path, force).write(text.as_bytes())
}

/// Formats a number as a JSON key part (36 → "36", 36.5 → "36.5").
pub fn key_number(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// RFC 4180 text of `rows` (the first is the header): the one CSV writer of every format and
/// export.
pub fn csv_text(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 fields")
}
