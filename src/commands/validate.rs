//! `validate`: scenarios checked, every error reported, not just the first.

use crate::cli::{CliError, ValidateArgs};
use crate::scenario;

pub fn validate(args: ValidateArgs) -> Result<(), CliError> {
    let mut messages = Vec::new();
    for f in &args.scenarios {
        match scenario::load(f, &args.sets) {
            Ok(_) => println!("{}: ok", f.display()),
            Err(e) => messages.extend(e.messages),
        }
    }
    if messages.is_empty() { Ok(()) } else { Err(CliError::BadScenario(messages.join("\n"))) }
}
