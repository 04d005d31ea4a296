//! The canonical trial: simulate one virtual trial of 600 patients and analyse it; and a
//! batch of 1,000 trials through the parallel engine.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peritrial::analyze::{Plan, Scratch};
use peritrial::scenario;
use peritrial::simulate::{SimBuffers, Simulator, Trial};
use std::hint::black_box;

fn canonical() -> scenario::Scenario {
    scenario::load(std::path::Path::new("scenarios/two-arm-efs-logrank.toml"), &[]).unwrap()
}

fn one_trial(c: &mut Criterion) {
    let s = canonical();
    let sim = Simulator::new(&s);
    let plan = Plan::new(&s);
    let (mut buffers, mut patients, mut scratch) = (SimBuffers::default(), Trial::default(), Scratch::default());
    let mut record = vec![0.0; plan.layout.stride];
    let mut g = c.benchmark_group("canonical trial");
    g.throughput(Throughput::Elements(600));
    let mut i = 0u64;
    g.bench_function("simulate", |b| {
        b.iter(|| {
            i += 1;
            sim.simulate_trial(black_box(i), &mut buffers, &mut patients);
        })
    });
    g.bench_function("simulate + analyze", |b| {
        b.iter(|| {
            i += 1;
            sim.simulate_trial(black_box(i), &mut buffers, &mut patients);
            plan.analyze(&patients, &mut scratch, &mut record);
            black_box(&record);
        })
    });
    g.finish();
}

fn thousand_trials(c: &mut Criterion) {
    let s = canonical();
    let mut g = c.benchmark_group("engine");
    g.sample_size(20);
    g.throughput(Throughput::Elements(1000 * 600));
    g.bench_function("1000 canonical trials", |b| b.iter(|| black_box(peritrial::engine::run(&s, 0..1000, |_| {}))));
    g.finish();
}

criterion_group!(benches, one_trial, thousand_trials);
criterion_main!(benches);
