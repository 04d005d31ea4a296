//! `sample`: patient-level data sets of the first K virtual trials (the long table, the
//! trials' index, the dictionary; per-trial files and ADaM data sets on request).

use crate::cli::{CliError, SampleArgs, ScenarioArgs, with_study_flags};
use crate::report::output::output_folder;
use crate::{report, scenario};

pub fn sample(args: SampleArgs) -> Result<(), CliError> {
    let SampleArgs { scenario, trials, seed, out, force, per_trial, adam, reference_date } = args;
    let args = ScenarioArgs { sets: with_study_flags(&scenario.sets, None, seed)?, ..scenario };
    let adam = match adam {
        false => None,
        true => Some(report::adam::Date::parse(&reference_date).ok_or_else(|| {
            CliError::Usage(format!("--reference-date {reference_date}: expected a calendar date YYYY-MM-DD"))
        })?),
    };
    write(&args, trials, &out, force, SampleFiles { per_trial, adam })
}

/// What `sample` writes beside patients.csv, trials.csv and dictionary.csv.
#[derive(Clone, Copy)]
struct SampleFiles {
    per_trial: bool,
    /// ADaM data sets, dated from this month 0.
    adam: Option<report::adam::Date>,
}

fn write(
    args: &ScenarioArgs,
    trials: u64,
    dir: &std::path::Path,
    force: bool,
    files: SampleFiles,
) -> Result<(), CliError> {
    let s = scenario::load(&args.scenario, &args.sets)?;
    if trials == 0 || trials > 100_000 {
        return Err(CliError::Usage(format!("--trials {trials}: expected 1 to 100000")));
    }
    output_folder(dir, force)?;
    // Every file is staged first and put in place only when all are complete: a failure at
    // any of them (a full disk, a folder where a file should go) leaves the folder as it was,
    // an earlier export included.
    let staged = write_sample(&s, trials, dir, files)?;
    report::output::commit(staged, &dir.join("trials.csv"))?;
    Ok(())
}

/// The files of `sample` (see `report::sample`), staged; `trials.csv` is put in place last: a
/// folder without it is an interrupted export.
fn write_sample(
    s: &scenario::Scenario,
    trials: u64,
    dir: &std::path::Path,
    files: SampleFiles,
) -> Result<Vec<report::output::Staged>, CliError> {
    use report::output::stage;
    let mut staged = Vec::new();
    use report::sample as export;
    let mut sampler = crate::engine::Sampler::new(s);
    let layout = sampler.plan.layout.clone();
    let specs = export::tte_specs(s);
    let trials_header = report::replicates::header(s, &layout);
    let patients_path = dir.join("patients.csv");
    let mut patients = report::output::Target::File { path: &patients_path, force: true }.stream()?;
    let mut rows = report::replicates::Rows::default();
    rows.push(&trials_header);
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(export::patients_header(s)).expect("writing to memory");
    patients.write_all(&header.into_inner().expect("writing to memory"))?;
    let adam_names = ["adsl.csv", "adtte.csv", "adrs.csv", "adae.csv"];
    let mut adam = match files.adam {
        None => None,
        Some(date) => {
            let mut streams = Vec::new();
            for name in adam_names {
                streams.push((dir.join(name), None));
            }
            for (path, stream) in &mut streams {
                *stream = Some(report::output::Target::File { path, force: true }.stream()?);
            }
            Some((date, report::adam::Codes::new(s), report::adam::Sets::new(s), streams))
        }
    };
    for i in 0..trials {
        let mut chunk = csv::Writer::from_writer(Vec::new());
        let (trial, record) = sampler.trial(i);
        let cut = record[crate::analyze::global::CUT_MONTH];
        export::write_patients(&mut chunk, s, &specs, i + 1, trial, cut).expect("writing to memory");
        rows.trial(s, &layout, i + 1, record);
        if let Some((date, codes, sets, streams)) = &mut adam {
            sets.trial(s, codes, *date, i + 1, trial, cut);
            for (bytes, (_, stream)) in sets.take().iter().zip(streams.iter_mut()) {
                stream.as_mut().expect("opened above").write_all(bytes)?;
            }
        }
        if files.per_trial {
            for (k, e) in s.endpoints().iter().enumerate() {
                if let Some(text) = export::per_trial(s, k, trial, cut) {
                    let path = dir.join(format!("trial_{:05}_{}.csv", i + 1, e.name));
                    staged.push(stage(&path, text.as_bytes(), true)?);
                }
            }
        }
        let bytes = chunk.into_inner().expect("writing to memory");
        if i == 0 {
            // Every trial has the same patients' count and columns: the first one's size times
            // the trials is what the export will write, stated before it writes more.
            eprintln!(
                "peritrial: writing {trials} trial{} of {} patients to {}: about {:.1} MB",
                if trials == 1 { "" } else { "s" },
                s.enrollment().sample_size,
                dir.display(),
                (bytes.len() as u64 * trials) as f64 / 1e6
            );
        }
        patients.write_all(&bytes)?;
    }
    staged.push(patients.stage()?);
    if let Some((_, _, _, streams)) = adam {
        for (_, stream) in streams {
            staged.push(stream.expect("opened above").stage()?);
        }
    }
    staged.push(stage(&dir.join("dictionary.csv"), export::dictionary(s, &layout).as_bytes(), true)?);
    let provenance = dir.join("provenance.txt");
    let text = format!(
        "{}\n\nThe effective scenario (as `peritrial show` prints it):\n\n{}",
        report::model::Provenance::of(s).line(),
        scenario::to_toml(s)
    );
    staged.push(stage(&provenance, text.as_bytes(), true)?);
    staged.push(stage(&dir.join("trials.csv"), &rows.take(), true)?);
    Ok(staged)
}
