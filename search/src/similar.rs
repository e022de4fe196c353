//! The dossiers similar to one: a more-like-this query over its grounds and
//! the labels of its keywords (the terms of its text that are frequent in
//! it and rare in the court), its best candidates then ranked again with
//! the structured features — keywords shared, same chamber. The earlier
//! pourvoi a referral names, the previous pourvois and the parties are
//! **not** read: the similarity finds the earlier case by what it says.

use std::collections::BTreeSet;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::{TantivyDocument, Term};

use crate::{Result, SearchIndex};

/// How the structured features weigh against the text (whose best
/// candidate scores 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimilarityWeights {
    /// Times the Jaccard index of the two keyword sets.
    pub keywords: f32,
    /// Added when both dossiers are of one chamber.
    pub chamber: f32,
    /// Times the share of the dossier's rare terms (in at most
    /// [`RARE_DOCUMENTS`] dossiers: the sums, places and dates of its case)
    /// the other dossier also holds, weighted by their rarity.
    pub rare_terms: f32,
    /// Candidates the text query brings before the ranking.
    pub candidates: usize,
}

impl Default for SimilarityWeights {
    fn default() -> Self {
        Self { keywords: 0.3, chamber: 0.1, rare_terms: 1.0, candidates: 100 }
    }
}

/// A term in more than a quarter of the dossiers says nothing of a case
/// (« arrêt », « moyen »), unless the court is small: below this many
/// dossiers a term is never left out for being common (a document
/// frequency counts the versions an update replaced until segments merge,
/// so a quarter of a dozen dossiers would leave out what two of them
/// share).
pub const COMMON_FLOOR: u64 = 50;

/// A term in at most this many dossiers is the dossier's own (a sum, a
/// place and a date together, a name): shared, it says the same case.
pub const RARE_DOCUMENTS: u64 = 5;

/// A similar dossier, with what it shares and how it was decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    /// The dossier's id.
    pub id: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// The demandeurs « c/ » the défendeurs.
    pub title: String,
    /// Its registration date.
    pub registered_on: String,
    /// Its chamber.
    pub chamber: String,
    /// Its status code.
    pub status: String,
    /// The blended score (text, keywords, chamber; larger is closer).
    pub score: f32,
    /// The part of the text (the best candidate's is 1).
    pub text_score: f32,
    /// The keywords both dossiers carry.
    pub shared_keywords: Vec<String>,
    /// The formation that decided it, if decided.
    pub formation: Option<String>,
    /// Its solution, if decided.
    pub solution: Option<String>,
}

impl SearchIndex {
    /// The `k` dossiers most similar to dossier `id` among those of `scope`
    /// (`None`: every chamber), itself excluded; none when the dossier is
    /// not indexed or says nothing (no grounds, no keywords).
    pub fn similar(
        &self,
        id: i64,
        k: usize,
        scope: Option<&[String]>,
        weights: SimilarityWeights,
    ) -> Result<Vec<Similar>> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let itself = TermQuery::new(Term::from_field_i64(f.id, id), IndexRecordOption::Basic);
        let Some((_, address)) = searcher.search(&itself, &TopDocs::with_limit(1).order_by_score())?.into_iter().next()
        else {
            return Ok(Vec::new());
        };
        let document: TantivyDocument = searcher.doc(address)?;
        let texts = |field| -> Vec<OwnedValue> {
            document.get_all(field).filter_map(|v| v.as_str()).map(|s| OwnedValue::Str(s.to_owned())).collect()
        };
        let own = Profile::of(&document, &f);
        let fields: Vec<_> = [(f.grounds, texts(f.grounds)), (f.keyword_text, texts(f.keyword_text))]
            .into_iter()
            .filter(|(_, values)| values.iter().any(|v| matches!(v, OwnedValue::Str(s) if !s.trim().is_empty())))
            .collect();
        if fields.is_empty() {
            return Ok(Vec::new());
        }
        let documents = searcher.num_docs();
        let like = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            // Never above the live documents: tantivy 0.27's more-like-this
            // weighs a term by `idf(doc_freq, num_docs)`, which asserts
            // `num_docs >= doc_freq` — but `doc_freq` still counts the
            // versions an update deleted until segments merge, and
            // `num_docs` does not (a small court panicked on it). A term
            // in more documents than live ones is in all of them: it says
            // nothing of a case anyway.
            .with_max_doc_frequency((documents / 4).max(COMMON_FLOOR).min(documents))
            .with_min_term_frequency(1)
            .with_max_query_terms(120)
            .with_min_word_length(2)
            .with_boost_factor(1.0)
            .with_document_fields(fields);
        let query: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(like) as Box<dyn Query>),
            (Occur::MustNot, Box::new(itself)),
        ]));
        let query = self.scoped(query, scope, &[]);
        let candidates = searcher.search(&query, &TopDocs::with_limit(weights.candidates.max(k)).order_by_score())?;
        // The dossier's rare terms and their weights (inverse frequency).
        // One analyzer for the dossier and its candidates (building one
        // builds its stop-word set).
        let mut analyzer = crate::french_analyzer();
        let mut terms = |document: &TantivyDocument| -> BTreeSet<String> {
            let mut found = BTreeSet::new();
            for value in document.get_all(f.grounds).filter_map(|v| v.as_str()) {
                let mut stream = analyzer.token_stream(value);
                while stream.advance() {
                    found.insert(stream.token().text.clone());
                }
            }
            found
        };
        let mut rare: Vec<(String, f32)> = Vec::new();
        for term in terms(&document) {
            let frequency = searcher.doc_freq(&Term::from_field_text(f.grounds, &term))?;
            if (2..=RARE_DOCUMENTS + 1).contains(&frequency) {
                #[allow(clippy::cast_precision_loss)]
                rare.push((term, 1.0 / (frequency - 1) as f32));
            }
        }
        let rare_total: f32 = rare.iter().map(|(_, w)| w).sum();
        let best = candidates.first().map_or(1.0, |(score, _)| *score).max(f32::EPSILON);
        let mut ranked = Vec::with_capacity(candidates.len());
        for (score, address) in candidates {
            let other: TantivyDocument = searcher.doc(address)?;
            let profile = Profile::of(&other, &f);
            let shared: Vec<String> = own.keywords.intersection(&profile.keywords).cloned().collect();
            let union = own.keywords.union(&profile.keywords).count();
            #[allow(clippy::cast_precision_loss)]
            let jaccard = if union == 0 { 0.0 } else { shared.len() as f32 / union as f32 };
            let text_score = score / best;
            let rare_shared = if rare_total > 0.0 {
                let theirs = terms(&other);
                rare.iter().filter(|(term, _)| theirs.contains(term)).map(|(_, w)| w).sum::<f32>() / rare_total
            } else {
                0.0
            };
            let same_chamber = if profile.chamber == own.chamber { weights.chamber } else { 0.0 };
            ranked.push(Similar {
                id: profile.id,
                pourvoi: profile.pourvoi,
                title: profile.title,
                registered_on: profile.registered_on,
                chamber: profile.chamber,
                status: profile.status,
                score: text_score + weights.keywords * jaccard + same_chamber + weights.rare_terms * rare_shared,
                text_score,
                shared_keywords: shared,
                formation: profile.formation,
                solution: profile.solution,
            });
        }
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        ranked.truncate(k);
        Ok(ranked)
    }
}

/// What the ranking reads of a stored document.
struct Profile {
    id: i64,
    pourvoi: String,
    title: String,
    registered_on: String,
    chamber: String,
    status: String,
    keywords: BTreeSet<String>,
    formation: Option<String>,
    solution: Option<String>,
}

impl Profile {
    fn of(document: &TantivyDocument, f: &crate::Fields) -> Self {
        let text = |field| crate::stored_text(document, field);
        let facet = |field| crate::stored_facet(document, field);
        Profile {
            id: document.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or_default(),
            pourvoi: text(f.pourvoi).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            registered_on: text(f.registered_on).unwrap_or_default(),
            chamber: facet(f.chamber),
            status: facet(f.status),
            keywords: document.get_all(f.keyword_codes).filter_map(|v| v.as_str()).map(str::to_owned).collect(),
            formation: text(f.formation),
            solution: text(f.solution),
        }
    }
}
