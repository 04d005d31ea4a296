//! What the integration tests share: the binary, and reports without what cannot repeat.

use serde_json::Value;

/// The `peritrial` binary built for these tests, as a command to add arguments to.
pub fn peritrial() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("peritrial").expect("the binary is built")
}

/// The path of the `peritrial` binary, for `std::process::Command` (spawned processes).
pub fn binary() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("peritrial")
}

/// A JSON report without `timing` and `execution` (the only parts that differ between runs).
pub fn without_timing(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.remove("timing");
        m.remove("execution");
    }
    v
}

/// The JSON report in `path`, without `timing` and `execution`.
pub fn report_without_timing(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    without_timing(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
