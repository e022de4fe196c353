//! Full-text search in the portal (`/portail/recherche`): the words, the
//! facets of what was found (each value a link that narrows the search,
//! each filter a tag that removes it), the hits with their passages, the
//! words found highlighted; and the dossiers similar to one, the fragment
//! the dossier page loads after it is shown. Both answer what `GET
//! /search` and `GET /dossiers/{id}/similar` answer (`api::search`), in
//! the member's chambers.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use greffe_models::access::View;

use super::forms::Fields;
use super::pages::{HeaderMember, date_fr, failure_as, render};
use super::session::Member;
use crate::api::AppState;
use crate::api::search::{SearchView, SimilarParams, SimilarView, search_view, similar_view};
use crate::search::{DEFAULT_LIMIT, SearchParams};

/// The page's address.
pub const HOME: &str = "/portail/recherche";
/// Values shown per facet (the most frequent).
const FACET_VALUES: usize = 8;
/// The filters, by their parameter names, in the order the tags show.
const FILTERS: [&str; 6] = ["chamber", "matter", "circuit", "status", "year", "keyword"];

/// A value of a facet, as a link that adds it to the search.
struct FacetLink {
    label: String,
    count: u64,
    href: String,
}

/// A facet of the results.
struct FacetBlock {
    id: String,
    label: String,
    links: Vec<FacetLink>,
    more: usize,
}

/// A filter in force, as a tag that removes it.
struct FilterTag {
    label: String,
    remove: String,
}

/// A dossier found.
struct HitLine {
    id: i64,
    pourvoi: String,
    title: String,
    chamber: String,
    registered_on: String,
    status: String,
    badge: &'static str,
    found_in: &'static str,
    snippet: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "recherche.html")]
struct SearchPage {
    member: Option<HeaderMember>,
    q: String,
    filters_hidden: Vec<(String, String)>,
    tags: Vec<FilterTag>,
    error: Option<(String, String)>,
    searched: bool,
    summary: String,
    notice: Option<String>,
    ignored: Vec<String>,
    facets: Vec<FacetBlock>,
    hits: Vec<HitLine>,
    previous: Option<String>,
    next: Option<String>,
}

/// Where the words were found, in French.
fn found_label(found_in: Option<&str>) -> &'static str {
    match found_in {
        Some("grounds") => "dans les moyens",
        Some("decision") => "dans la décision",
        Some("pieces") => "dans les pièces",
        Some("keywords") => "dans les mots-clés",
        _ => "dans les parties ou le numéro",
    }
}

/// The address of the search with `pairs` (empty values left out).
fn href(pairs: &[(String, String)]) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    if query.is_empty() { HOME.to_owned() } else { format!("{HOME}?{query}") }
}

/// The page's summary of what was found.
fn summary(view: &SearchView, q: &str, offset: usize, shown: usize) -> String {
    let words = if q.trim().is_empty() { String::new() } else { format!(" pour « {} »", q.trim()) };
    match view.total {
        0 => format!("Aucun dossier trouvé{words}."),
        1 => format!("1 dossier trouvé{words}."),
        total if shown < total => {
            format!("{total} dossiers trouvés{words} ; résultats {} à {}.", offset + 1, offset + shown)
        }
        total => format!("{total} dossiers trouvés{words}."),
    }
}

/// `GET /portail/recherche`: the words and the filters of the address;
/// nothing searched until words or a filter are given.
pub async fn page(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    if let Err(error) = member.caller().require_view(&state.visibility, View::Dossiers) {
        return failure_as(&member, &error);
    }
    let fields = Fields::parse(raw.unwrap_or_default().as_bytes());
    let q = fields.get("q").to_owned();
    let active: Vec<(String, String)> =
        FILTERS.iter().filter_map(|name| fields.opt(name).map(|value| ((*name).to_owned(), value))).collect();
    let offset: usize = fields.opt("debut").and_then(|raw| raw.parse().ok()).unwrap_or(0);
    let mut page = SearchPage {
        member: Some(HeaderMember::of(&member, "/portail/dossiers")),
        q: q.clone(),
        filters_hidden: active.clone(),
        tags: Vec::new(),
        error: None,
        searched: !q.trim().is_empty() || !active.is_empty(),
        summary: String::new(),
        notice: None,
        ignored: Vec::new(),
        facets: Vec::new(),
        hits: Vec::new(),
        previous: None,
        next: None,
    };
    if !page.searched {
        return render(&page, StatusCode::OK);
    }
    let value = |name: &str| active.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let params = SearchParams {
        q: Some(q.clone()),
        chamber: value("chamber"),
        matter: value("matter"),
        circuit: value("circuit"),
        status: value("status"),
        year: match value("year").map(|raw| raw.parse::<i32>()) {
            Some(Ok(year)) => Some(year),
            Some(Err(_)) => Some(0),
            None => None,
        },
        keyword: value("keyword"),
        limit: Some(DEFAULT_LIMIT),
        offset: Some(offset),
    };
    let caller = member.caller();
    let view = match search_view(&state, caller.scope(), &params).await {
        Ok(view) => view,
        Err(error) => {
            let (status, problem) = error.status_and_body();
            if status != StatusCode::UNPROCESSABLE_ENTITY {
                return failure_as(&member, &error);
            }
            page.error = Some((problem.message, problem.action.unwrap_or_default()));
            return render(&page, status);
        }
    };
    // The current search, as pairs: the words and every filter.
    let mut current = vec![("q".to_owned(), q.clone())];
    current.extend(active.iter().cloned());
    for facet in &view.facets {
        if let Some(active_value) = value(&facet.facet) {
            let label = facet
                .values
                .iter()
                .find(|v| v.value == active_value)
                .map_or_else(|| active_value.clone(), |v| v.label.clone());
            let remove: Vec<(String, String)> = current.iter().filter(|(n, _)| *n != facet.facet).cloned().collect();
            page.tags.push(FilterTag { label: format!("{} : {label}", facet.label), remove: href(&remove) });
            continue;
        }
        if facet.values.is_empty() {
            continue;
        }
        let links = facet
            .values
            .iter()
            .take(FACET_VALUES)
            .map(|v| {
                let mut narrowed = current.clone();
                narrowed.push((facet.facet.clone(), v.value.clone()));
                FacetLink { label: v.label.clone(), count: v.count, href: href(&narrowed) }
            })
            .collect();
        page.facets.push(FacetBlock {
            id: format!("facette-{}", facet.facet),
            label: facet.label.clone(),
            links,
            more: facet.values.len().saturating_sub(FACET_VALUES),
        });
    }
    let shown = view.hits.len();
    page.summary = summary(&view, &q, offset, shown);
    if !view.freshness.current() {
        page.notice = Some(match view.freshness.rebuilding {
            Some(progress) => format!(
                "L'index de recherche est en cours de construction ({} dossiers sur {}) : des dossiers peuvent manquer. Recharger la page dans un instant.",
                progress.done, progress.total
            ),
            None => "L'index de recherche rattrape les dernières écritures : un dossier enregistré à l'instant peut manquer. Recharger la page dans un instant.".to_owned(),
        });
    }
    page.ignored = view.ignored.clone();
    let with_offset = |start: usize| {
        let mut pairs = current.clone();
        if start > 0 {
            pairs.push(("debut".to_owned(), start.to_string()));
        }
        href(&pairs)
    };
    page.previous = (offset > 0).then(|| with_offset(offset.saturating_sub(DEFAULT_LIMIT)));
    page.next = (offset + shown < view.total).then(|| with_offset(offset + shown));
    page.hits = view
        .hits
        .into_iter()
        .map(|hit| HitLine {
            badge: super::dossiers::status_badge(&hit.dossier.status),
            found_in: found_label(hit.found_in.as_deref()),
            id: hit.dossier.id,
            pourvoi: hit.dossier.pourvoi,
            title: hit.dossier.title,
            chamber: hit.dossier.chamber,
            registered_on: date_fr(&hit.dossier.registered_on),
            status: hit.dossier.status_label,
            snippet: hit.snippet.into_iter().map(|s| (s.text, s.hit)).collect(),
        })
        .collect();
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "parts/similar.html")]
struct SimilarFragment {
    similar: Vec<SimilarLine>,
    notice: Option<String>,
    error: Option<String>,
}

/// A similar dossier on the dossier page.
struct SimilarLine {
    id: i64,
    pourvoi: String,
    title: String,
    chamber: String,
    outcome: String,
    decided: bool,
    shared: String,
}

impl SimilarLine {
    fn of(similar: SimilarView) -> Self {
        let decided = similar.solution.is_some();
        let outcome = match (&similar.solution_label, &similar.formation) {
            (Some(solution), Some(formation)) => format!("{solution} ({})", formation.to_uppercase()),
            (Some(solution), None) => solution.clone(),
            _ => similar.dossier.status_label.clone(),
        };
        Self {
            id: similar.dossier.id,
            pourvoi: similar.dossier.pourvoi,
            title: similar.dossier.title,
            chamber: similar.dossier.chamber,
            outcome,
            decided,
            shared: similar.shared_keywords.into_iter().map(|k| k.label).collect::<Vec<_>>().join(", "),
        }
    }
}

#[derive(Template)]
#[template(path = "similar_page.html")]
struct SimilarPage {
    member: Option<HeaderMember>,
    crumbs: Vec<(String, String)>,
    here: String,
    pourvoi: String,
    similar: Vec<SimilarLine>,
    notice: Option<String>,
    error: Option<String>,
}

/// `GET /portail/dossiers/{id}/semblables`: the dossiers closest to this
/// one — a fragment of its page, loaded once the page is shown (htmx), or
/// a page of its own without script.
pub async fn similar(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
) -> Response {
    let caller = member.caller();
    let id = match crate::api::dossiers::readable(&state, &caller, &raw_id).await {
        Ok(id) => id,
        Err(error) => return failure_as(&member, &error),
    };
    let params = SimilarParams { limit: Some(5), decided: None };
    let (similar, notice, error) = match similar_view(&state, caller.scope(), id, &params).await {
        Ok(list) => (
            list.similar.into_iter().map(SimilarLine::of).collect(),
            (!list.freshness.current())
                .then(|| "L'index de recherche se met à jour : la liste peut être incomplète.".to_owned()),
            None,
        ),
        Err(error) => (Vec::new(), None, Some(error.status_and_body().1.message)),
    };
    if headers.contains_key("hx-request") {
        return render(&SimilarFragment { similar, notice, error }, StatusCode::OK);
    }
    let pourvoi = match state.store.dossier(id).await {
        Ok(dossier) => dossier.record.pourvoi,
        Err(error) => return failure_as(&member, &error.into()),
    };
    let page = SimilarPage {
        member: Some(HeaderMember::of(&member, "/portail/dossiers")),
        crumbs: vec![
            ("/portail/dossiers".to_owned(), "Dossiers".to_owned()),
            (format!("/portail/dossiers/{id}"), pourvoi.clone()),
        ],
        here: "Dossiers semblables".to_owned(),
        pourvoi,
        similar,
        notice,
        error,
    };
    render(&page, StatusCode::OK)
}
