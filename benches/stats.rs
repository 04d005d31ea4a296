//! The analyses the engine runs on every virtual trial: log-rank, Cox (Efron) and
//! Kaplan–Meier on a 600-patient trial, sorting once and sharing the risk table.

use criterion::{Criterion, criterion_group, criterion_main};
use peritrial::stats::cox::{self, Ties};
use peritrial::stats::km::KmCurve;
use peritrial::stats::logrank::{self, Weights};
use peritrial::stats::{BucketSorter, Obs, RiskTable};
use std::hint::black_box;

/// A trial like the canonical one: 600 patients, exponential times, HR 0.7, cut at month 40.
fn trial() -> Vec<Obs> {
    let mut state = 7u64;
    let mut u = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    };
    (0..600)
        .map(|i| {
            let arm = (i % 2) as u8;
            let rate = 2f64.ln() / 24.0 * if arm == 1 { 0.7 } else { 1.0 };
            let t = -u().ln() / rate;
            let follow = 40.0 - 24.0 * u();
            Obs { time: t.min(follow), status: (t <= follow) as u8, arm, stratum: 0 }
        })
        .collect()
}

fn analyses(c: &mut Criterion) {
    let data = trial();
    let mut sorter = BucketSorter::default();
    let mut table = RiskTable::default();
    c.bench_function("sort + log-rank + Cox + KM (600 patients)", |b| {
        b.iter(|| {
            sorter.pooled_table(&data, &mut table);
            let l = logrank::test(&table, Weights::LOGRANK);
            let c = cox::fit(&table, Ties::Efron);
            let km = KmCurve::from_rows(&table.rows, Some(1), 40.0);
            black_box((l, c, km.survival(12.0)))
        })
    });
}

fn table_only(c: &mut Criterion) {
    let data = trial();
    let mut sorter = BucketSorter::default();
    let mut table = RiskTable::default();
    c.bench_function("risk table from unsorted data (600 patients)", |b| {
        b.iter(|| {
            sorter.pooled_table(black_box(&data), &mut table);
            black_box(table.rows.len())
        })
    });
    let mut obs = data.clone();
    c.bench_function("comparison sort only (600 patients)", |b| {
        b.iter(|| {
            obs.copy_from_slice(&data);
            peritrial::stats::sort_by_stratum_time(&mut obs);
            black_box(obs[0].time)
        })
    });
}

criterion_group!(benches, analyses, table_only);
criterion_main!(benches);
