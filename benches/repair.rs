//! Benchmark of the repair: a court-scale 8-week plan (seed 1, 3,288
//! dossiers, 357 hearings), every assignment published, then one event at a
//! time — applying the events to the instance and repairing, as `greffe plan
//! repair` does (reading and writing files aside). Goal: ≤ 1 s per
//! single-event repair (`docs/benchmarks.md`).
//!
//! Run: `cargo bench -p greffe-benches --bench repair`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::events::{EventsDoc, apply_events};
use greffe_models::format::{from_json_text, validate};
use greffe_solver::{RepairConfig, SolveConfig, repair, solve};

fn bench_repair(c: &mut Criterion) {
    let mut doc = generate(&GeneratorConfig::new(Scale::Court, 8, 1)).expect("generate");
    let instance = validate(&doc).expect("valid");
    let config = SolveConfig { time_limit: Duration::from_secs(20), threads: 2, ..SolveConfig::default() };
    let plan = solve(&instance, &config).expect("solves").plan;
    for assignment in &plan.assignments {
        if let Some(dossier) = doc.dossiers.iter_mut().find(|d| d.id == assignment.dossier.as_str()) {
            dossier.pinned_hearing = Some(assignment.hearing.to_string());
        }
    }
    let published = validate(&doc).expect("published instance");
    let bench = &plan.benches[40];
    let date = published.hearing(&bench.hearing).expect("hearing").date.to_string();
    let busiest = published
        .hearings()
        .iter()
        .map(|h| (h.id.as_str(), plan.assignments.iter().filter(|a| a.hearing == h.id).count()))
        .max_by_key(|(_, n)| *n)
        .expect("a hearing");
    let events = [
        (
            "absence",
            serde_json::json!({"events": [{"type": "magistrate_absent", "magistrate": bench.members[1].as_str(), "from": date, "to": date}]}),
        ),
        (
            "withdrawal",
            serde_json::json!({"events": [{"type": "dossier_withdrawn", "dossier": plan.assignments[100].dossier.as_str()}]}),
        ),
        (
            "cancelled_hearing",
            serde_json::json!({"events": [{"type": "hearing_cancelled", "hearing": bench.hearing.as_str()}]}),
        ),
        (
            "capacity_cut",
            serde_json::json!({"events": [{"type": "hearing_capacity", "hearing": busiest.0, "capacity_count": busiest.1 / 2}]}),
        ),
    ];
    let mut group = c.benchmark_group("repair_court_8w");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (name, events) in events {
        let events: EventsDoc = from_json_text(&events.to_string()).expect("events");
        group.bench_function(name, |b| {
            b.iter(|| {
                let applied = apply_events(&published, &events).expect("events apply");
                let repaired = repair(&applied, &plan, &RepairConfig::default());
                assert!(repaired.check.ok && repaired.undeclared.is_empty());
                repaired.disruption.changes
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_repair);
criterion_main!(benches);
