//! Reading what the user gives, with a ceiling: a file that never ends (`/dev/zero`, a pipe
//! left open) or one far larger than any of its kind is refused with what was expected, before
//! it can exhaust memory.

use std::io::Read;
use std::path::Path;

/// The largest scenario read: 16 MiB (the shipped ones are a few KiB).
pub const SCENARIO_LIMIT: u64 = 1 << 24;
/// The largest report, shard or checkpoint read whole: 256 MiB.
pub const TEXT_LIMIT: u64 = 1 << 28;
/// The largest data file `analyze` reads: 1 GiB (some 20 million rows).
pub const DATA_LIMIT: u64 = 1 << 30;

/// The text of `path`, refused when longer than `limit` bytes or not UTF-8; the message says
/// which (an I/O error's own text otherwise, as `std::fs::read_to_string` gives it).
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String, String> {
    let bytes = read_bytes(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text (byte {}): not {what}", e.utf8_error().valid_up_to()))
}

/// The bytes of `path`, refused when longer than `limit` (see [`read_text`]).
pub fn read_bytes(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "more than {} MiB, far more than {what}: not read (a file that never ends, such as a device, or the wrong file)",
            limit >> 20
        ));
    }
    Ok(bytes)
}

/// A reader of `path` that fails once it has given `limit` bytes (for files read as a stream).
pub fn open_capped(path: &Path, limit: u64) -> std::io::Result<Capped> {
    Ok(Capped { inner: std::fs::File::open(path)?, left: limit })
}

/// See [`open_capped`].
pub struct Capped {
    inner: std::fs::File,
    left: u64,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other(format!(
                "more than {} MiB: not read (a file that never ends, such as a device, or the wrong file)",
                DATA_LIMIT >> 20
            )));
        }
        let n = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got as u64;
        Ok(got)
    }
}
