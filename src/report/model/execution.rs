//! Probing the environment of one execution: the date (UTC) and the process's peak memory.
//! Nothing here reads the report types, so that `mod.rs` can use it without an import cycle.

/// The process's peak resident memory, where the system reports it.
pub(super) fn peak_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = text.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Seconds since 1970 as an ISO 8601 UTC date and time.
pub fn utc_date(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let date = crate::report::adam::Date(days);
    format!("{date}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates_are_civil_dates() {
        assert_eq!(super::utc_date(0), "1970-01-01T00:00:00Z");
        // 2026-12-01T16:30:05Z and 2000-02-29T23:59:59Z (a leap day of a century year).
        assert_eq!(super::utc_date(1_796_142_605), "2026-12-01T16:30:05Z");
        assert_eq!(super::utc_date(951_868_799), "2000-02-29T23:59:59Z");
    }
}
