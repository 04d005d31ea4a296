//! `verify`: the installation qualification (the bundled R and rpact references, the golden
//! reports and a short calibration, re-run on this machine), as a dated report.

use crate::cli::{CliError, VerifyArgs, VerifyFormat};
use crate::report;

pub fn verify(args: VerifyArgs) -> Result<(), CliError> {
    let out = report::output::Target::of(args.out.as_deref(), args.force);
    out.check()?;
    eprintln!("peritrial verify: the R and rpact references, 7 golden reports and a short calibration…");
    let v = crate::verify::run();
    let text = match args.format {
        VerifyFormat::Table => crate::verify::table(&v),
        VerifyFormat::Json => {
            serde_json::to_string_pretty(&crate::verify::json(&v)).expect("JSON values serialise") + "\n"
        }
    };
    if !matches!(out, report::output::Target::Stdout) {
        out.write(text.as_bytes())?;
    }
    print!("{text}");
    if v.passed() {
        Ok(())
    } else {
        let failed: Vec<&str> = v.checks.iter().filter(|c| !c.passed()).map(|c| c.name.as_str()).collect();
        Err(CliError::Failed(format!("verification failed: {}", failed.join("; "))))
    }
}
