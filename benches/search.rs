//! `greffe-bench-search`: the full-text index on a large store
//! (docs/benchmarks.md, « Search in the service »). On the store given:
//! the index rebuilt from every dossier in a directory (time, size); then
//! `--queries` searches through the service's own path (`search_view`:
//! parameters checked, catch-up with the journal, tantivy, labels) — a
//! keyword's words over the whole court, the same within one chamber, two
//! words and a facet; the similar dossiers of as many dossiers; and the lag
//! of the background follower: dossiers written one by one, each timed
//! until the index (not a query's own catch-up) holds it.
//!
//! `greffe-bench-search --database-url sqlite://bench.db --queries 200`
//! on a store seeded by `greffe demo --stock 94000` (`scripts/bench-search`).

use std::time::{Duration, Instant};

use clap::Parser;
use greffe_api::AppState;
use greffe_api::api::search::{SimilarParams, search_view, similar_view};
use greffe_api::search::{Location, Search, SearchParams};
use greffe_models::vocabulary::Vocabulary;
use greffe_store::Store;

/// Rebuild, query and follow times of the search index.
#[derive(Debug, Parser)]
struct Args {
    /// The seeded store.
    #[arg(long)]
    database_url: String,
    /// Searches (and similar lists) per kind.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Dossiers written to time the follower.
    #[arg(long, default_value_t = 20)]
    writes: usize,
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn row(name: &str, times: &mut [f64]) {
    times.sort_by(f64::total_cmp);
    println!(
        "| {name} | {} | {:.1} | {:.1} | {:.1} |",
        times.len(),
        percentile(times, 0.5),
        percentile(times, 0.95),
        times.last().copied().unwrap_or(0.0)
    );
}

fn directory_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let store = Store::open(&args.database_url).await.expect("store");
    let dir = tempfile::tempdir().expect("temporary directory");
    let index_dir = dir.path().join("index");
    let mut state = AppState::new(store.clone());
    state.search = std::sync::Arc::new(Search::at(Location::Directory(index_dir.clone())));

    let rebuilt = state.search.rebuild(&store).await.expect("rebuild");
    #[allow(clippy::cast_precision_loss)]
    let size_mib = directory_size(&index_dir) as f64 / (1024.0 * 1024.0);
    println!(
        "rebuilt: {} dossiers in {:.1} s ({:.0} dossiers/s), index {size_mib:.0} MiB on disk",
        rebuilt.dossiers,
        rebuilt.elapsed.as_secs_f64(),
        rebuilt.dossiers as f64 / rebuilt.elapsed.as_secs_f64()
    );

    let labels: Vec<String> = Vocabulary::embedded().keywords().iter().map(|k| k.label.clone()).collect();
    let civ3 = vec!["civ3".to_owned()];
    println!("| operation | n | p50 (ms) | p95 (ms) | max (ms) |");
    println!("|---|---|---|---|---|");
    let mut kinds: Vec<(&str, Vec<f64>)> = vec![
        ("keyword's words, every chamber", Vec::new()),
        ("keyword's words, one chamber", Vec::new()),
        ("two words + chamber facet", Vec::new()),
    ];
    let mut hits = 0;
    for i in 0..args.queries {
        let label = &labels[i % labels.len()];
        let cases: [(Option<&[String]>, SearchParams); 3] = [
            (None, SearchParams { q: Some(label.clone()), ..SearchParams::default() }),
            (Some(&civ3), SearchParams { q: Some(label.clone()), ..SearchParams::default() }),
            (
                None,
                SearchParams {
                    q: Some("cour d'appel".to_owned()),
                    chamber: Some(["civ1", "civ2", "civ3", "comm", "soc", "cr"][i % 6].to_owned()),
                    ..SearchParams::default()
                },
            ),
        ];
        for ((scope, params), (_, times)) in cases.into_iter().zip(kinds.iter_mut()) {
            let started = Instant::now();
            let view = search_view(&state, scope, &params).await.expect("search");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            hits += view.total;
        }
    }
    for (name, times) in &mut kinds {
        row(&format!("search: {name}"), times);
    }

    let ids = store.all_dossier_ids().await.expect("ids");
    let step = (ids.len() / args.queries.max(1)).max(1);
    let mut similar = Vec::new();
    let mut decided = Vec::new();
    for id in ids.iter().step_by(step).take(args.queries) {
        let started = Instant::now();
        similar_view(&state, None, *id, &SimilarParams::default()).await.expect("similar");
        similar.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        similar_view(&state, None, *id, &SimilarParams { limit: Some(5), decided: Some(true) }).await.expect("similar");
        decided.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    row("similar (5)", &mut similar);
    row("similar, decided only (5)", &mut decided);

    // The follower alone: no query catches up for it.
    state.search.ensure_following(&store);
    let index = state.search.open().await.expect("index");
    let model = store.dossier(ids[0]).await.expect("a dossier").record;
    let mut lags = Vec::new();
    for n in 0..args.writes {
        let mut record = model.clone();
        record.pourvoi = format!("Z 99-{:02}.{:03}", 10 + n / 1000, n % 1000);
        record.attacked.docket = format!("99/{n:05}");
        record.earlier_pourvoi = None;
        record.attacked_nature = greffe_models::record::AttackedNature::Appel;
        record.previous_pourvois.clear();
        let written = store.create_dossier("bench", record).await.expect("written");
        let started = Instant::now();
        let query = greffe_search::SearchQuery { text: written.record.pourvoi.clone(), limit: 1, ..Default::default() };
        loop {
            let found = greffe_api::search::blocking(&index, {
                let query = query.clone();
                move |index| index.search(&query)
            })
            .await
            .expect("search");
            if found.total == 1 {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the follower never caught up");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        lags.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    row("follower: written → findable", &mut lags);
    println!("({hits} hits in all; index at {})", dir.path().display());
    store.close().await;
}
