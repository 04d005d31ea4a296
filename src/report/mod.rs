//! Formatting results for people and programs: the only place that writes output formats.

pub mod analyze;
pub mod run;
pub mod sample;
pub mod shard;
pub mod simon;
pub mod sweep;

use std::io::Write;
use std::path::Path;

/// Writes `text` to `path` atomically (a temporary file renamed into place), so an output is
/// never half-written; or to stdout when `path` is `None`.
pub fn emit(text: &str, path: Option<&Path>) -> std::io::Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
        Some(p) => {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "report".into());
            let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, p).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
        }
    }
}

/// Formats a number as a JSON key part (36 → "36", 36.5 → "36.5").
pub fn key_number(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}
