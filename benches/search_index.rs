//! Benchmark of the full-text index alone (in memory, no store): a
//! generated court of 20,000 pourvois with their grounds (8 % serial, 3 %
//! referrals), then a search of a keyword's words over the whole court and
//! within one chamber, and the similar dossiers of one. The service's path
//! on a 100,000-dossier store is `scripts/bench-search`. Goal: a search in
//! ≤ 50 ms p95 at 100,000 dossiers (`docs/benchmarks.md`).
//!
//! Run: `cargo bench -p greffe-benches --bench search_index`.

use criterion::{Criterion, criterion_group, criterion_main};
use greffe_fixtures::pourvois::court;
use greffe_search::{SearchDoc, SearchIndex, SearchQuery, SimilarityWeights};

const SIZE: usize = 20_000;

fn bench_search(c: &mut Criterion) {
    let court = court(SIZE, 0.08, 0.03, 1);
    let index = SearchIndex::in_memory().expect("index");
    let docs: Vec<SearchDoc> = court
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let status = if p.decided { "decided" } else { "ready" };
            SearchDoc::of_record(i64::try_from(i).expect("id"), &p.record(i), status)
        })
        .collect();
    index.apply(&docs, &[], 1).expect("indexed");
    let mut group = c.benchmark_group("search_20000");
    let every = SearchQuery { text: "déplafonnement du loyer".into(), limit: 20, ..SearchQuery::default() };
    group.bench_function("two_words_every_chamber", |b| b.iter(|| index.search(std::hint::black_box(&every))));
    let one = SearchQuery { scope: Some(vec!["civ3".into()]), ..every.clone() };
    group.bench_function("two_words_one_chamber", |b| b.iter(|| index.search(std::hint::black_box(&one))));
    let mut id = 0;
    group.bench_function("similar_5", |b| {
        b.iter(|| {
            id = (id + 97) % i64::try_from(SIZE).expect("size");
            index.similar(std::hint::black_box(id), 5, None, SimilarityWeights::default())
        });
    });
    group.finish();
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
