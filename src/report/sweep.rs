//! A sweep's output, written as its points finish, in memory that grows by one row per point:
//! each point's whole report goes to the JSON output as it comes (`export::json_sweep`, the
//! same bytes as the whole report's text) and only its row (`RunReport::into_row`) is kept,
//! from which the table, the CSV, the HTML report and the plots are rendered at the end. The
//! output is whole or absent, as every output (`output::Stream`).

use super::export::{self, Format, json_sweep};
use super::model::{Execution, Interrupted, Named, RunReport, SweepPoint, SweepReport};
use super::output::{OutputError, Stream, Target};

pub struct Sink<'a> {
    format: Format,
    out: Target<'a>,
    /// The JSON output, streamed.
    json: Option<Stream>,
    rows: Vec<SweepPoint>,
}

impl<'a> Sink<'a> {
    pub fn new(out: Target<'a>, format: Format) -> Result<Sink<'a>, OutputError> {
        let json = match format {
            Format::Json => {
                let mut s = out.stream_whole()?;
                s.write_all(json_sweep::OPEN.as_bytes())?;
                Some(s)
            }
            Format::Table | Format::Csv => None,
        };
        Ok(Sink { format, out, json, rows: Vec::new() })
    }

    /// The next grid point's values and report.
    pub fn push(&mut self, set: Named<String>, report: RunReport) -> Result<(), OutputError> {
        let first = self.rows.is_empty();
        let point = SweepPoint { set, report };
        if let Some(s) = &mut self.json {
            s.write_all(json_sweep::point(first, &point).as_bytes())?;
        }
        // The first row keeps its scenario's text, for the HTML report's reproduction section.
        self.rows.push(SweepPoint { set: point.set, report: point.report.into_row(first) });
        Ok(())
    }

    pub fn points(&self) -> usize {
        self.rows.len()
    }

    /// Writes the output and returns the sweep of rows (for the plots and the HTML report);
    /// `interrupted` when a signal stopped the sweep after the points pushed.
    pub fn finish(
        self,
        seconds: f64,
        execution: Option<Execution>,
        interrupted: Option<Interrupted>,
    ) -> Result<SweepReport, OutputError> {
        let any = !self.rows.is_empty();
        let report = SweepReport { points: self.rows, seconds, execution, interrupted, target_power: None };
        match self.json {
            Some(mut s) => {
                let tail = json_sweep::close(any, seconds, report.execution.clone(), report.interrupted.clone());
                s.write_all(tail.as_bytes())?;
                s.finish()?;
            }
            None => self.out.write(export::render(self.format, export::Report::Sweep(&report)).as_bytes())?,
        }
        Ok(report)
    }
}
