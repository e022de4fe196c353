//! Benchmark of document rendering: each kind's sample data rendered to
//! PDF/A-2b (typst compile, layout and PDF writing, fonts embedded). Goal:
//! an avis d'audience in ≤ 50 ms (`docs/benchmarks.md`).
//!
//! Run: `cargo bench -p greffe-benches --bench documents`.

use criterion::{Criterion, criterion_group, criterion_main};
use greffe_documents::{Kind, Meta, Renderer, sample};

fn bench_documents(c: &mut Criterion) {
    let renderer = Renderer::default();
    let meta = Meta { ident: "banc".into(), date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date") };
    // The first document of a process: the fonts parsed, nothing cached
    // (one sample, printed: what the first request after a start waits).
    let started = std::time::Instant::now();
    renderer.render(Kind::AvisAudience, &sample(Kind::AvisAudience), &meta).expect("renders");
    println!("first avis d'audience of the process: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    let mut group = c.benchmark_group("document");
    // Typst memoizes (comemo): the same data again would be served from
    // its cache. Each iteration renders other data (another reference, as
    // each notice has its own), so what is measured is a new document —
    // the layout of what did not change still reused, as in service.
    for kind in Kind::ALL {
        let mut data = sample(kind);
        let mut serial = 0_u64;
        group.bench_function(kind.template().trim_end_matches(".typ"), |b| {
            b.iter(|| {
                serial += 1;
                let key = if kind == Kind::CertificatNonPourvoi { "numero" } else { "reference" };
                data[key] = serde_json::json!(format!("{serial}"));
                renderer.render(kind, std::hint::black_box(&data), &meta).expect("renders")
            });
        });
    }
    // A single-recipient avis, as the outbox will render it per lawyer.
    let mut one = sample(Kind::AvisAudience);
    if let Some(list) = one["destinataires"].as_array_mut() {
        list.truncate(1);
    }
    let mut serial = 0_u64;
    group.bench_function("avis_audience_un_destinataire", |b| {
        b.iter(|| {
            serial += 1;
            one["reference"] = serde_json::json!(format!("{serial}"));
            one["destinataires"][0]["nom"] = serde_json::json!(format!("SCP Avocat {serial}"));
            renderer.render(Kind::AvisAudience, std::hint::black_box(&one), &meta).expect("renders")
        });
    });
    group.finish();
}

criterion_group!(benches, bench_documents);
criterion_main!(benches);
