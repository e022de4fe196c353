//! Benchmarks of the planner on generated instances: small scale (two
//! chambers, 4 weeks, full model) and chamber scale (the social chamber,
//! 8 weeks, fixed benches), benchmark objective, one thread, a node limit so
//! that every iteration does the same work. Court scale is measured by
//! `scripts/bench-court` (figures in `docs/benchmarks.md`).
//!
//! Run: `cargo bench -p greffe-benches --bench planner`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use greffe_fixtures::{GeneratorConfig, Scale, default_start, generate};
use greffe_models::format::validate;
use greffe_solver::{SolveConfig, solve};

fn instance(scale: Scale, weeks: u32) -> greffe_models::Instance {
    let doc = generate(&GeneratorConfig { scale, weeks, seed: 1, start: default_start() }).expect("generate");
    validate(&doc).expect("valid")
}

fn bench_planner(c: &mut Criterion) {
    let mut group = c.benchmark_group("planner");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, scale, weeks) in [("small_4w", Scale::Small, 4), ("chamber_8w", Scale::Chamber, 8)] {
        let instance = instance(scale, weeks);
        let config = SolveConfig {
            time_limit: Duration::from_secs(60),
            threads: 1,
            node_limit: Some(500),
            ..SolveConfig::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let solved = solve(&instance, &config).expect("solves");
                assert!(solved.undeclared.is_empty());
                solved.plan.objective
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_planner);
criterion_main!(benches);
