//! Benchmark of deadline computation: one rule applied to 1,000 consecutive
//! starting dates per iteration, for a month rule with distance, a jours
//! francs rule and a court deadline. Goal: ≥ 10 million computations per
//! second per core (`docs/benchmarks.md`).
//!
//! Run: `cargo bench -p greffe-benches --bench deadlines`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use greffe_models::calendar::Place;
use greffe_models::dates::parse_date;
use greffe_models::deadlines::{Catalogue, Residence, Start, compute};

const N_DATES: u64 = 1_000;

fn bench_deadlines(c: &mut Criterion) {
    let catalogue = Catalogue::embedded();
    let first = parse_date("2025-01-01").expect("date");
    let starts: Vec<_> = (0..N_DATES as i64).map(|i| first + chrono::Duration::days(i)).collect();
    let mut group = c.benchmark_group("deadline");
    group.throughput(Throughput::Elements(N_DATES));
    for (rule_id, residence) in [
        ("civil.pourvoi", Residence::Etranger),
        ("penal.pourvoi", Residence::Metropole),
        ("penal.detention.arret", Residence::Metropole),
    ] {
        let rule = catalogue.rule(rule_id).expect("rule");
        group.bench_function(rule_id, |b| {
            b.iter(|| {
                let mut last = first;
                for &from in &starts {
                    let start = Start { from, residence, place: Place::PARIS, extra_days: 0 };
                    last = last.max(compute(std::hint::black_box(rule), start).expect("computes").due);
                }
                last
            });
        });
    }
    // Including the look-up of the rule by id, as the CLI and service do.
    group.bench_function("lookup_and_compute", |b| {
        b.iter(|| {
            let mut last = first;
            for &from in &starts {
                let rule = catalogue.rule(std::hint::black_box("civil.memoire_ampliatif")).expect("rule");
                last = last.max(compute(rule, Start::on(from)).expect("computes").due);
            }
            last
        });
    });
    group.finish();
}

criterion_group!(benches, bench_deadlines);
criterion_main!(benches);
