//! `verify`: the installation qualification (the bundled R and rpact references, the golden
//! reports and a short calibration, re-run on this machine), as a dated report.

use crate::cli::{CliError, VerifyArgs};
use crate::report;
use crate::report::export::{Report, render};

pub fn verify(args: VerifyArgs) -> Result<(), CliError> {
    let out = report::output::Target::of(args.out.as_deref(), args.force);
    out.check()?;
    eprintln!("peritrial verify: the R and rpact references, 7 golden reports and a short calibration…");
    let model = crate::verify::report(&crate::verify::run());
    let text = render(args.format, Report::Verify(&model));
    if !matches!(out, report::output::Target::Stdout) {
        out.write(text.as_bytes())?;
    }
    print!("{text}");
    if model.passed {
        Ok(())
    } else {
        let failed: Vec<&str> = model.checks.iter().filter(|c| !c.passed).map(|c| c.check.as_str()).collect();
        Err(CliError::Failed(format!("verification failed: {}", failed.join("; "))))
    }
}
