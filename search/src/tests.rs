use greffe_fixtures::pourvois::{GeneratedPourvoi, court};

use super::*;

fn tokens(text: &str) -> Vec<String> {
    let mut analyzer = french_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[test]
fn french_words_meet_whatever_their_form_and_accents() {
    assert_eq!(tokens("Contrats"), tokens("contrat"));
    assert_eq!(tokens("sécurité sociale"), tokens("SECURITE SOCIALES"));
    assert_eq!(tokens("Le bail et la clause"), tokens("bail clause"), "stop words dropped");
}

fn doc(id: i64, chamber: &str, grounds: &str, keywords: &[&str]) -> SearchDoc {
    SearchDoc {
        id,
        pourvoi: format!("A 26-10.{id:03}"),
        chamber: chamber.into(),
        matter: Some("baux".into()),
        circuit: Some("court".into()),
        status: "registered".into(),
        year: 2026,
        parties: vec!["SCI Les Tilleuls".into()],
        grounds: grounds.into(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        keyword_labels: keywords.iter().map(|k| (*k).to_owned()).collect(),
        ..SearchDoc::default()
    }
}

fn query(text: &str, scope: Option<&[&str]>) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        scope: scope.map(|s| s.iter().map(|c| (*c).to_owned()).collect()),
        limit: 10,
        ..SearchQuery::default()
    }
}

#[test]
fn a_query_finds_its_words_in_scope_with_snippets_and_facets() {
    let index = SearchIndex::in_memory().expect("index");
    index
        .apply(
            &[
                doc(
                    1,
                    "civ3",
                    "Le montant de l'indemnité d'éviction due au preneur du bail commercial.",
                    &["bail-commercial"],
                ),
                doc(2, "civ3", "La clause résolutoire du bail d'habitation.", &["bail-habitation"]),
                doc(3, "soc", "L'indemnité de licenciement du salarié.", &["licenciement-faute"]),
            ],
            &[],
            42,
        )
        .expect("indexed");
    assert_eq!(index.last_seq(), 42);
    let found = index.search(&query("indemnites", None)).expect("search");
    assert_eq!(found.total, 2, "plural, no accent: both indemnités");
    let scoped = index.search(&query("indemnite", Some(&["civ3"]))).expect("search");
    assert_eq!(scoped.total, 1);
    assert_eq!(scoped.hits[0].id, 1);
    assert_eq!(scoped.hits[0].found_in, Some("grounds"));
    assert!(
        scoped.hits[0].snippet.iter().any(|s| s.hit && s.text.to_lowercase().starts_with("indemnit")),
        "{:?}",
        scoped.hits[0].snippet
    );
    let chambers = &scoped.facets.iter().find(|f| f.facet == Facet::Chamber).expect("facet").values;
    assert_eq!(chambers, &vec![("civ3".to_owned(), 1)], "the facets count the scope only");
    let nothing = index.search(&query("indemnite", Some(&[]))).expect("search");
    assert_eq!(nothing.total, 0, "an empty scope sees nothing");
    let mut filtered = query("bail", None);
    filtered.filters = vec![(Facet::Keyword, "bail-habitation".into())];
    let filtered = index.search(&filtered).expect("search");
    assert_eq!(filtered.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    let garbage = index.search(&query("(( AND \"bail", None)).expect("a query never fails");
    assert!(garbage.total <= 3);
    let by_number = index.search(&query("A 26-10.003", None)).expect("search");
    assert_eq!(by_number.hits.first().map(|h| h.id), Some(3), "a pourvoi number finds its dossier first");
    index.apply(&[doc(1, "civ3", "Une autre question.", &[])], &[2], 43).expect("replaced");
    assert_eq!(index.search(&query("indemnite", Some(&["civ3"]))).expect("search").total, 0);
    assert_eq!(index.len(), 2, "replaced and removed");
}

#[test]
fn the_index_on_disk_keeps_its_sequence_and_an_unreadable_one_is_rebuilt() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let index = SearchIndex::open(dir.path()).expect("created");
        assert_eq!(index.last_seq(), 0);
        index.apply(&[doc(1, "civ3", "bail", &[])], &[], 7).expect("indexed");
    }
    let index = SearchIndex::open(dir.path()).expect("reopened");
    assert_eq!((index.last_seq(), index.len()), (7, 1));
    drop(index);
    std::fs::write(dir.path().join("meta.json"), "{ not json").expect("corrupted");
    let index = SearchIndex::open(dir.path()).expect("rebuilt");
    assert_eq!((index.last_seq(), index.len()), (0, 0), "a cache that cannot be read is started again");
}

/// The generated court in the index: each pourvoi as its record says it.
pub(crate) fn indexed(court: &[GeneratedPourvoi]) -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    let docs: Vec<SearchDoc> = court
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let record = p.record(i);
            let mut doc = SearchDoc::of_record(
                i64::try_from(i).expect("id"),
                &record,
                if p.decided { "decided" } else { "ready" },
            );
            doc.parties.clear();
            doc
        })
        .collect();
    index.apply(&docs, &[], 1).expect("indexed");
    index
}

/// Precision at 5 of the serial pourvois' similar lists, and the share of
/// referrals whose first similar dossier is the earlier pourvoi.
pub(crate) fn quality(court: &[GeneratedPourvoi], index: &SearchIndex, sample: usize) -> (f64, f64) {
    let (mut relevant, mut shown, mut referrals, mut first) = (0usize, 0usize, 0usize, 0usize);
    for (i, pourvoi) in court.iter().enumerate() {
        let id = i64::try_from(i).expect("id");
        if let Some(series) = pourvoi.serial {
            if shown >= sample * 5 {
                continue;
            }
            let members = court.iter().filter(|p| p.serial == Some(series)).count();
            if members < 6 {
                continue;
            }
            let similar = index.similar(id, 5, None, SimilarityWeights::default()).expect("similar");
            shown += similar.len().max(5);
            relevant +=
                similar.iter().filter(|s| court[usize::try_from(s.id).expect("id")].serial == Some(series)).count();
        }
        if let Some(earlier) = pourvoi.referral_of {
            referrals += 1;
            let similar = index.similar(id, 1, None, SimilarityWeights::default()).expect("similar");
            first += usize::from(similar.first().is_some_and(|s| s.id == i64::try_from(earlier).expect("id")));
        }
    }
    #[allow(clippy::cast_precision_loss)]
    (relevant as f64 / shown.max(1) as f64, first as f64 / referrals.max(1) as f64)
}

/// The same measure over larger courts (`cargo test --release -p
/// greffe-search -- --ignored --nocapture`): what `docs/benchmarks.md`
/// reports.
#[test]
#[ignore = "measurement for docs/benchmarks.md (several courts up to 20,000 pourvois); not run by CI"]
fn similarity_measured_over_larger_courts() {
    for (size, seed) in [(4_000, 1), (4_000, 2), (20_000, 1), (20_000, 2)] {
        let court = court(size, 0.08, 0.03, seed);
        let started = std::time::Instant::now();
        let index = indexed(&court);
        let built = started.elapsed();
        let started = std::time::Instant::now();
        let (precision, referrals) = quality(&court, &index, 300);
        eprintln!(
            "{size} pourvois, seed {seed}: precision at 5 {precision:.3}, referral first {referrals:.3} (indexed in {:.1} s, measured in {:.1} s)",
            built.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
    }
}

#[test]
fn similar_dossiers_are_those_of_the_same_question() {
    let court = court(4000, 0.08, 0.03, 11);
    let index = indexed(&court);
    let (precision, referrals) = quality(&court, &index, 200);
    eprintln!("precision at 5 (serial): {precision:.3}; referral's earlier pourvoi first: {referrals:.3}");
    assert!(precision >= 0.8, "precision at 5: {precision:.3}");
    assert!(referrals >= 0.9, "referrals: {referrals:.3}");
}

/// Query latency at the issue's scale (`-- --ignored --nocapture`): a
/// court of 100,000 pourvois, 300 queries of one to three words of the
/// grounds' vocabulary, each in one chamber's scope with its facets and
/// snippets; then 300 similar-dossier lists.
#[test]
#[ignore = "measurement for docs/benchmarks.md (100,000 pourvois); not run by CI"]
fn query_latency_at_100000_dossiers() {
    use rand::{Rng, SeedableRng};
    let court = court(100_000, 0.08, 0.03, 3);
    let started = std::time::Instant::now();
    let index = indexed(&court);
    eprintln!("indexed 100,000 pourvois in {:.1} s", started.elapsed().as_secs_f64());
    let words = [
        "indemnité d'éviction",
        "clause résolutoire",
        "prescription",
        "licenciement économique",
        "garde à vue",
        "caution disproportion",
        "faute inexcusable",
        "détention provisoire",
        "Montauban",
        "copropriété assemblée",
        "\"bail commercial\"",
        "heures supplémentaires preuve",
        "contrefaçon",
        "rétention",
        "expertise biologique",
    ];
    let chambers = ["civ1", "civ2", "civ3", "comm", "soc", "cr"];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    let mut times = Vec::new();
    for _ in 0..300 {
        let query = SearchQuery {
            text: words[rng.random_range(0..words.len())].to_owned(),
            scope: Some(vec![chambers[rng.random_range(0..chambers.len())].to_owned()]),
            limit: 20,
            ..SearchQuery::default()
        };
        let started = std::time::Instant::now();
        let found = index.search(&query).expect("search");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(found.hits.len() <= 20);
    }
    let mut similar_times = Vec::new();
    for _ in 0..300 {
        let id = rng.random_range(0..100_000);
        let started = std::time::Instant::now();
        index.similar(id, 5, None, SimilarityWeights::default()).expect("similar");
        similar_times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    for (what, mut times) in [("search", times), ("similar", similar_times)] {
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        eprintln!("{what}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms", at(0.5), at(0.95), at(1.0));
    }
}

#[test]
fn small_words_numbers_and_names_are_read_as_a_clerk_types_them() {
    let index = SearchIndex::in_memory().expect("index");
    let mut tenant = doc(7, "civ3", "Le congé délivré au preneur du bail commercial.", &["bail-commercial"]);
    tenant.parties = vec!["Société Immobilière de l'Ouest".into()];
    index.apply(&[tenant, doc(8, "civ3", "La clause de non-concurrence.", &[])], &[], 2).expect("apply");
    // « de », dropped from the text, is not required of the parties.
    let found = index.search(&query("congé de preneur", None)).expect("search");
    assert_eq!(found.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![7]);
    assert_eq!(index.search(&query("Immobilière de l'Ouest", None)).expect("search").total, 1);
    // A pourvoi number however typed: that dossier.
    for typed in ["A 26-10.008", "a2610008", "A26-10008"] {
        let found = index.search(&query(typed, None)).expect("search");
        assert_eq!(found.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![8], "{typed}");
    }
    // Stop words alone select nothing, and say so.
    let found = index.search(&query("de la", None)).expect("search");
    assert_eq!(found.total, 0);
    assert!(found.ignored.iter().any(|i| i.contains("trop courants")), "{:?}", found.ignored);
}
