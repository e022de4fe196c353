//! `GET /search` and `GET /dossiers/{id}/similar`: full-text search of the
//! registry and the dossiers similar to one, in the reader's chambers
//! (`crate::search` keeps the index; the portal's search page shows the
//! same answers).

use axum::Json;
use axum::extract::{Path, State};
use greffe_models::access::View;
use greffe_models::dossier::Circuit;
use greffe_models::registry::{DossierStatus, Solution};
use greffe_models::vocabulary::Vocabulary;
use greffe_search::{Facet, SimilarityWeights};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::dossiers::readable;
use super::extract::{Caller, Params};
use crate::error::{Error, Problem, Result};
use crate::search::{Freshness, SearchParams, blocking};

/// A passage of a hit, in pieces: text, and whether it is a word found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SegmentView {
    /// The text.
    pub text: String,
    /// A word of the search.
    pub hit: bool,
}

/// A dossier as a list of found or similar dossiers names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DossierLine {
    /// Id.
    pub id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// The demandeurs « c/ » the défendeurs.
    pub title: String,
    /// Registration date.
    #[schema(format = Date)]
    pub registered_on: String,
    /// Chamber.
    pub chamber: String,
    /// Status code.
    pub status: String,
    /// French label of the status.
    pub status_label: String,
}

impl DossierLine {
    fn of(id: i64, pourvoi: String, title: String, registered_on: String, chamber: String, status: String) -> Self {
        Self { id, pourvoi, title, registered_on, chamber, status_label: status_label(&status), status }
    }
}

/// A dossier found.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HitView {
    /// The dossier.
    #[serde(flatten)]
    pub dossier: DossierLine,
    /// Relevance (BM25; larger is better).
    pub score: f32,
    /// Where the words were found: `grounds`, `decision`, `pieces`,
    /// `keywords` (none: in the parties or the number).
    pub found_in: Option<String>,
    /// A passage with the words found.
    pub snippet: Vec<SegmentView>,
}

/// A value of a facet and how many dossiers found have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FacetValue {
    /// The value (a filter's parameter).
    pub value: String,
    /// Its French label.
    pub label: String,
    /// Dossiers found with it.
    pub count: u64,
}

/// The counts of one facet over every dossier found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FacetView {
    /// `chamber`, `matter`, `circuit`, `status`, `year` or `keyword` (the
    /// filter's parameter).
    pub facet: String,
    /// Its French name.
    pub label: String,
    /// Values, most frequent first.
    pub values: Vec<FacetValue>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchView {
    /// Dossiers found (in the caller's chambers).
    pub total: usize,
    /// The page asked for, best first.
    pub hits: Vec<HitView>,
    /// Counts by facet over every dossier found.
    pub facets: Vec<FacetView>,
    /// Parts of the search that could not be read and were ignored.
    pub ignored: Vec<String>,
    /// How far the index is behind the registry.
    pub freshness: Freshness,
}

/// A dossier similar to another, with what they share and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimilarView {
    /// The dossier.
    #[serde(flatten)]
    pub dossier: DossierLine,
    /// How close (text, keywords, chamber, the case's rare terms; larger is
    /// closer).
    pub score: f32,
    /// The text's part (the closest candidate's is 1).
    pub text_score: f32,
    /// Keywords both carry: `(code, label)`.
    pub shared_keywords: Vec<KeywordRef>,
    /// The formation that decided it, if decided.
    pub formation: Option<String>,
    /// Its solution code, if decided.
    pub solution: Option<String>,
    /// French label of the solution.
    pub solution_label: Option<String>,
}

/// A keyword of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct KeywordRef {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
}

/// The dossiers similar to one.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimilarList {
    /// The dossier compared.
    pub dossier: i64,
    /// The closest first.
    pub similar: Vec<SimilarView>,
    /// How far the index is behind the registry.
    pub freshness: Freshness,
}

/// How many similar dossiers, and which.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// At most this many (default 5, at most 20).
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<usize>,
    /// Only dossiers already decided (what the orientation's evidence
    /// cites).
    pub decided: Option<bool>,
}

/// The most similar dossiers one list gives.
pub const MAX_SIMILAR: usize = 20;

/// The French name of a facet.
pub fn facet_label(facet: Facet) -> &'static str {
    match facet {
        Facet::Chamber => "Chambre",
        Facet::Matter => "Matière (NAC)",
        Facet::Circuit => "Circuit",
        Facet::Status => "Statut",
        Facet::Year => "Année d'enregistrement",
        Facet::Keyword => "Mot-clé",
    }
}

/// The French label of a facet's value.
fn value_label(facet: Facet, value: &str, chambers: &[(String, String)]) -> String {
    match facet {
        Facet::Chamber => {
            chambers.iter().find(|(code, _)| code == value).map_or_else(|| value.to_owned(), |c| c.1.clone())
        }
        Facet::Circuit => Circuit::parse(value).map_or_else(|| value.to_owned(), |c| c.label_fr().to_owned()),
        Facet::Status => status_label(value),
        Facet::Keyword => Vocabulary::embedded().get(value).map_or_else(|| value.to_owned(), |k| k.label.clone()),
        Facet::Matter | Facet::Year => value.to_owned(),
    }
}

fn status_label(code: &str) -> String {
    DossierStatus::parse(code).map_or_else(|| code.to_owned(), |s| s.label_fr().to_owned())
}

/// A search in `scope` (the reader's chambers; `None`: every chamber),
/// the index caught up first: what the API answers and the portal shows.
pub async fn search_view(state: &AppState, scope: Option<&[String]>, params: &SearchParams) -> Result<SearchView> {
    let query = params.query(scope)?;
    let freshness = state.search.catch_up_for_query(&state.store).await?;
    state.search.ensure_following(&state.store);
    let index = state.search.open().await?;
    let results = blocking(&index, move |index| index.search(&query)).await?;
    let chambers: Vec<(String, String)> =
        state.store.chambers().await?.into_iter().map(|c| (c.chamber.code, c.chamber.name)).collect();
    Ok(SearchView {
        total: results.total,
        hits: results
            .hits
            .into_iter()
            .map(|hit| HitView {
                dossier: DossierLine::of(hit.id, hit.pourvoi, hit.title, hit.registered_on, hit.chamber, hit.status),
                score: hit.score,
                found_in: hit.found_in.map(str::to_owned),
                snippet: hit.snippet.into_iter().map(|s| SegmentView { text: s.text, hit: s.hit }).collect(),
            })
            .collect(),
        facets: results
            .facets
            .into_iter()
            .map(|counts| FacetView {
                facet: counts.facet.as_str().to_owned(),
                label: facet_label(counts.facet).to_owned(),
                values: counts
                    .values
                    .into_iter()
                    .map(|(value, count)| FacetValue {
                        label: value_label(counts.facet, &value, &chambers),
                        value,
                        count,
                    })
                    .collect(),
            })
            .collect(),
        ignored: results.ignored,
        freshness,
    })
}

/// The dossiers similar to dossier `id` in `scope`, the index caught up
/// first.
pub async fn similar_view(
    state: &AppState,
    scope: Option<&[String]>,
    id: i64,
    params: &SimilarParams,
) -> Result<SimilarList> {
    let limit = params.limit.unwrap_or(5);
    if !(1..=MAX_SIMILAR).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("limite {limit} hors bornes"),
            format!("donner une limite entre 1 et {MAX_SIMILAR}"),
        ));
    }
    let decided = params.decided.unwrap_or(false);
    let freshness = state.search.catch_up_for_query(&state.store).await?;
    state.search.ensure_following(&state.store);
    let index = state.search.open().await?;
    let scope = scope.map(<[String]>::to_vec);
    // Decided ones only: more candidates, then the first `limit` decided.
    let asked = if decided { MAX_SIMILAR * 5 } else { limit };
    let found =
        blocking(&index, move |index| index.similar(id, asked, scope.as_deref(), SimilarityWeights::default())).await?;
    let vocabulary = Vocabulary::embedded();
    let similar = found
        .into_iter()
        .filter(|s| !decided || s.solution.is_some())
        .take(limit)
        .map(|s| SimilarView {
            solution_label: s.solution.as_deref().map(|code| {
                Solution::parse(code).map_or_else(|| code.to_owned(), |solution| solution.label_fr().to_owned())
            }),
            dossier: DossierLine::of(s.id, s.pourvoi, s.title, s.registered_on, s.chamber, s.status),
            score: s.score,
            text_score: s.text_score,
            shared_keywords: s
                .shared_keywords
                .into_iter()
                .map(|code| KeywordRef {
                    label: vocabulary.get(&code).map_or_else(|| code.clone(), |k| k.label.clone()),
                    code,
                })
                .collect(),
            formation: s.formation,
            solution: s.solution,
        })
        .collect();
    Ok(SimilarList { dossier: id, similar, freshness })
}

/// Searches the dossiers of the caller's chambers by their words: grounds,
/// keywords, decisions rendered, pieces filed, parties and numbers
/// (French: accents, plurals and small words ignored), with counts by
/// chamber, matter, circuit, status, year and keyword. Drafts are never
/// searched. The index follows the registry: `freshness` says how far
/// behind it is (a dossier written is found by the next search).
#[utoipa::path(get, path = "/search", tag = "dossiers", security(("token" = [])), params(SearchParams),
    responses((status = 200, body = SearchView), (status = 422, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Params(params): Params<SearchParams>,
) -> Result<Json<SearchView>> {
    caller.require_view(&state.visibility, View::Dossiers)?;
    Ok(Json(search_view(&state, caller.scope(), &params).await?))
}

/// The dossiers of the caller's chambers most similar to this one: by
/// what their grounds say and their keywords, then the chamber and the
/// case's rare terms (sums, places, dates); never by the links a record
/// holds (earlier pourvoi, previous pourvois, parties). Each with the
/// formation and solution it had, if decided.
#[utoipa::path(get, path = "/dossiers/{id}/similar", tag = "dossiers", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier id"), SimilarParams),
    responses((status = 200, body = SimilarList), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn similar(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    Params(params): Params<SimilarParams>,
) -> Result<Json<SimilarList>> {
    let id = readable(&state, &caller, &raw_id).await?;
    Ok(Json(similar_view(&state, caller.scope(), id, &params).await?))
}
