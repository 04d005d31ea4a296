//! What every format implements, and what the formats for people share.

/// A format's text of one kind of report `R`. A format implements it for each report it
/// renders, so that asking a format for a report it does not render fails to compile.
pub(super) trait Exporter<R> {
    fn export(&self, report: &R) -> String;
}

/// A nominal p-value or a level for people: four decimals, or three significant digits below
/// 0.001 (an O'Brien–Fleming first look tests at 1e-5 or less); a dash where there is none.
pub(super) fn p_value(p: Option<f64>) -> String {
    match p.filter(|p| p.is_finite()) {
        None => "—".into(),
        Some(p) if p < 0.001 => format!("{p:.2e}"),
        Some(p) => format!("{p:.4}"),
    }
}

/// A number with `digits` decimals, or a dash where there is none (for people's formats).
pub(super) fn fixed(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.digits$}"),
        _ => "—".into(),
    }
}

/// Text made safe for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
