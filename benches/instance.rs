//! Benchmarks of reading and generating instances: parsing and validating a
//! court-scale 8-week instance, and generating one.
//!
//! Run: `cargo bench -p greffe-benches --bench instance`. Figures go in
//! `docs/benchmarks.md`.

use criterion::{Criterion, criterion_group, criterion_main};
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::format::{doc_to_json, read_instance};

fn court_config() -> GeneratorConfig {
    GeneratorConfig::new(Scale::Court, 8, 1)
}

fn bench_instance(c: &mut Criterion) {
    let text = doc_to_json(&generate(&court_config()).expect("generate"));
    let mut group = c.benchmark_group("instance");
    group.sample_size(20);
    group.bench_function("read_and_validate_court_8w", |b| {
        b.iter(|| read_instance(std::hint::black_box(&text)).expect("valid"));
    });
    group.bench_function("generate_court_8w", |b| {
        b.iter(|| generate(std::hint::black_box(&court_config())).expect("generate"))
    });
    group.finish();
}

criterion_group!(benches, bench_instance);
criterion_main!(benches);
