//! Benchmarks of the planner on generated instances, benchmark objective,
//! one thread, a node limit so that every iteration does the same work:
//! small scale (two chambers, 4 weeks, full model, 500 nodes) and chamber
//! scale (the social chamber, 8 weeks, fixed benches, root node only: model
//! building, LPs, restricted MILP at the root). Plan quality at court scale
//! is measured by `scripts/bench-court` (figures in `docs/benchmarks.md`).
//!
//! Run: `cargo bench -p greffe-benches --bench planner`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::format::validate;
use greffe_solver::{SolveConfig, solve};

fn instance(scale: Scale, weeks: u32) -> greffe_models::Instance {
    let doc = generate(&GeneratorConfig::new(scale, weeks, 1)).expect("generate");
    validate(&doc).expect("valid")
}

fn bench_planner(c: &mut Criterion) {
    let mut group = c.benchmark_group("planner");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, scale, weeks, nodes) in [("small_4w", Scale::Small, 4, 500), ("chamber_8w_root", Scale::Chamber, 8, 0)] {
        let instance = instance(scale, weeks);
        let config = SolveConfig {
            time_limit: Duration::from_secs(60),
            threads: 1,
            node_limit: Some(nodes),
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
