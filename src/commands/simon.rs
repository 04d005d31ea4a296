//! `simon`: Simon's optimal and minimax two-stage designs.

use crate::cli::{CliError, SimonArgs};
use crate::report;
use crate::report::export::{Report, render};

pub fn simon(args: SimonArgs) -> Result<(), CliError> {
    let SimonArgs { p0, p1, alpha, beta, n_max, format } = args;
    let in_unit = |x: f64| x > 0.0 && x < 1.0;
    if !(in_unit(p0) && in_unit(p1) && p0 < p1) {
        return Err(CliError::Usage(format!("--p0 {p0} --p1 {p1}: expected 0 < p0 < p1 < 1")));
    }
    if !(in_unit(alpha) && in_unit(beta)) {
        return Err(CliError::Usage(format!("--alpha {alpha} --beta {beta}: expected both in (0, 1)")));
    }
    if !(2..=500).contains(&n_max) {
        return Err(CliError::Usage(format!("--n-max {n_max}: expected 2 to 500")));
    }
    let designs = crate::stats::simon::search(p0, p1, alpha, beta, n_max).ok_or_else(|| {
        CliError::Refused(format!(
            "no two-stage design with n <= {n_max} reaches alpha {alpha} and power {}; raise --n-max",
            1.0 - beta
        ))
    })?;
    let model = report::model::SimonReport::new(&designs, p0, p1, alpha, beta);
    Ok(report::emit(&render(format, Report::Simon(&model)), None, false)?)
}
