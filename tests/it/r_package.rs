//! The R package in `r/`: `R CMD build` and `R CMD check --no-manual` pass, with its testthat
//! tests run against this build's binary (they compare `pt_run` with the CLI's JSON report and
//! `pt_analyze` with `survival::survdiff`, `coxph`, `binom.test`, `fisher.test`, `prop.test`).
//! Skipped where R or its packages (jsonlite, testthat, survival) are absent, unless
//! PERITRIAL_REQUIRE_R=1 (CI, where scripts/install-test-deps.sh installs them).

use std::process::Command;

fn r_ready() -> Result<(), String> {
    let out = Command::new("Rscript")
        .args([
            "-e",
            "for (p in c('jsonlite', 'testthat', 'survival')) if (!requireNamespace(p, quietly = TRUE)) stop('no ', p)",
        ])
        .output()
        .map_err(|e| format!("Rscript: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

#[test]
fn the_r_package_passes_r_cmd_check() {
    if let Err(why) = r_ready() {
        assert!(
            std::env::var("PERITRIAL_REQUIRE_R").as_deref() != Ok("1"),
            "PERITRIAL_REQUIRE_R=1 but R is not ready: {why}"
        );
        eprintln!("note: R is not ready ({why}); the R package was not checked");
        return;
    }
    let root = std::env::current_dir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let build = Command::new("R")
        .args(["CMD", "build", "--no-build-vignettes"])
        .arg(root.join("r"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(build.status.success(), "R CMD build: {}", String::from_utf8_lossy(&build.stderr));
    let check = Command::new("R")
        .args(["CMD", "check", "--no-manual", "peritrial_0.1.0.tar.gz"])
        .current_dir(dir.path())
        .env("PERITRIAL_BIN", env!("CARGO_BIN_EXE_peritrial"))
        .env("PERITRIAL_SCENARIOS", root.join("scenarios"))
        .env("PERITRIAL_REQUIRE_BINARY", "1")
        .env("_R_CHECK_FORCE_SUGGESTS_", "false")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    let log = std::fs::read_to_string(dir.path().join("peritrial.Rcheck/00check.log")).unwrap_or_default();
    let tests =
        std::fs::read_to_string(dir.path().join("peritrial.Rcheck/tests/testthat.Rout.fail")).unwrap_or_default();
    assert!(check.status.success() && text.contains("Status: OK"), "R CMD check:\n{text}\n{log}\n{tests}");
}
