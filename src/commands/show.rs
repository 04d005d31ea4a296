//! `show`: the effective scenario, with its defaults filled in, as TOML.

use crate::cli::{CliError, ScenarioArgs};
use crate::scenario;

pub fn show(args: ScenarioArgs) -> Result<(), CliError> {
    let s = scenario::load(&args.scenario, &args.sets)?;
    print!("{}", scenario::to_toml(&s));
    Ok(())
}
