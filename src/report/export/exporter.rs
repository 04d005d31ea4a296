//! What every format implements, and what the formats for people share.

/// A format's text of one kind of report `R`. A format implements it for each report it
/// renders, so that asking a format for a report it does not render fails to compile.
pub(super) trait Exporter<R> {
    fn export(&self, report: &R) -> String;
}

/// A number with `digits` decimals, or a dash where there is none (for people's formats).
pub(super) fn fixed(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.digits$}"),
        _ => "—".into(),
    }
}
