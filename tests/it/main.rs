//! The integration tests: one crate (one link of the library), one module per concern.

mod architecture;
mod calibration;
mod cli_run;
mod cli_scenarios;
mod cluster;
mod distributions;
mod engine_generators;
mod engine_reference;
mod fuzz;
mod golden;
mod helpers;
mod html_report;
mod multiplicity;
mod no_silent_wrong_number;
mod pins;
mod plots;
mod r_package;
mod reference_adam;
mod reference_analyze;
mod reference_binary;
mod reference_design;
mod reference_survival;
mod robustness;
mod safe_outputs;
mod stats_properties;
mod type_one_error;
