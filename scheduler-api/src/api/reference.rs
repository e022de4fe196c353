//! Reference data: chambers, magistrates, hearing calendar. Read by every
//! authenticated user; written by administrators.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use greffe_models::access::Operation;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Caller, IfMatch, Params, json_body, tagged};
use super::{AppState, idempotent};
use crate::error::{Error, Problem, Result};
use greffe_store::reference::{
    Absence, Chamber, ChamberInput, HearingInput, HearingRecord, MagistrateInput, MagistrateRecord,
};

/// Filter of magistrates.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MagistrateFilter {
    /// Chamber code.
    pub chamber: Option<String>,
}

/// Filter of hearings.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HearingFilter {
    /// Chamber code.
    pub chamber: Option<String>,
    /// From this date (YYYY-MM-DD), included.
    #[param(format = Date)]
    pub from: Option<String>,
    /// To this date, included.
    #[param(format = Date)]
    pub to: Option<String>,
}

/// An administrator's creation: role, `Idempotency-Key`, body parsed, then
/// `create`, answered 201 with the new version as ETag.
async fn admin_create<T: serde::de::DeserializeOwned, R: serde::Serialize>(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
    create: impl AsyncFnOnce(T) -> Result<(i64, R)>,
) -> Result<Response> {
    caller.require(Operation::ManageReference)?;
    idempotent(state, caller, headers, "POST", path, body, async {
        let (version, record) = create(json_body(body)?).await?;
        Ok(tagged(StatusCode::CREATED, version, &record))
    })
    .await
}

/// An administrator's replacement of the resource `id` at the version given
/// by `If-Match`; the body's `key` field must name the same resource.
async fn admin_replace<T: serde::de::DeserializeOwned, R: serde::Serialize>(
    caller: &Caller,
    id: &str,
    if_match: Option<IfMatch>,
    body: &[u8],
    (key, id_of): (&str, impl Fn(&T) -> &str),
    replace: impl AsyncFnOnce(i64, T) -> Result<(i64, R)>,
) -> Result<Response> {
    caller.require(Operation::ManageReference)?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let input: T = json_body(body)?;
    if id_of(&input) != id {
        return Err(Error::invalid(
            key,
            "l'identifiant du corps diffère de celui de l'adresse",
            format!("garder « {id} »"),
        ));
    }
    let (version, record) = replace(expected, input).await?;
    Ok(tagged(StatusCode::OK, version, &record))
}

/// Every chamber.
#[utoipa::path(get, path = "/chambers", tag = "référentiel", security(("token" = [])),
    responses((status = 200, body = Vec<Chamber>), (status = 401, body = Problem)))]
pub async fn list_chambers(State(state): State<AppState>, _caller: Caller) -> Result<Json<Vec<Chamber>>> {
    Ok(Json(state.store.chambers().await?))
}

/// The controlled vocabulary of the matter, with its source.
#[derive(Debug, Serialize, ToSchema)]
pub struct VocabularyView {
    /// Where the lists come from; `confirmed` is false while they are to
    /// confirm with the chambers.
    pub source: greffe_models::vocabulary::VocabularySource,
    /// Every keyword a record's `keywords` may hold.
    pub keywords: Vec<greffe_models::vocabulary::Keyword>,
}

/// The keywords of the matter a record may carry (`DossierInput.keywords`),
/// each with the chambers that judge it, the main one first.
#[utoipa::path(get, path = "/vocabulary", tag = "référentiel", security(("token" = [])),
    responses((status = 200, body = VocabularyView), (status = 401, body = Problem)))]
pub async fn vocabulary(_caller: Caller) -> Json<VocabularyView> {
    let vocabulary = greffe_models::vocabulary::Vocabulary::embedded();
    Json(VocabularyView { source: vocabulary.source().clone(), keywords: vocabulary.keywords().to_vec() })
}

/// One chamber (ETag: its version).
#[utoipa::path(get, path = "/chambers/{code}", tag = "référentiel", security(("token" = [])),
    params(("code" = String, Path, description = "Chamber code")),
    responses((status = 200, body = Chamber), (status = 404, body = Problem)))]
pub async fn get_chamber(State(state): State<AppState>, _caller: Caller, Path(code): Path<String>) -> Result<Response> {
    let chamber = state.store.chamber(&code).await?;
    Ok(tagged(StatusCode::OK, chamber.version, &chamber))
}

/// Creates a chamber (admin).
///
/// Each section's code is given once (422 naming the repeated one).
#[utoipa::path(post, path = "/chambers", tag = "référentiel", security(("token" = [])), request_body = ChamberInput,
    responses((status = 201, body = Chamber), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_chamber(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response> {
    admin_create(&state, &caller, &headers, &body, "/chambers", async |input: ChamberInput| {
        let chamber = state.store.create_chamber(caller.id(), input).await?;
        Ok((chamber.version, chamber))
    })
    .await
}

/// Replaces a chamber (admin, If-Match).
///
/// Each section's code is given once (422 naming the repeated one).
#[utoipa::path(put, path = "/chambers/{code}", tag = "référentiel", security(("token" = [])), request_body = ChamberInput,
    params(("code" = String, Path, description = "Chamber code"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = Chamber), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn update_chamber(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    if_match: Option<IfMatch>,
    body: axum::body::Bytes,
) -> Result<Response> {
    admin_replace(
        &caller,
        &code,
        if_match,
        &body,
        ("code", |input: &ChamberInput| input.code.as_str()),
        async |expected, input| {
            let chamber = state.store.update_chamber(caller.id(), &code, expected, input).await?;
            Ok((chamber.version, chamber))
        },
    )
    .await
}

/// Magistrates, of one chamber or all.
#[utoipa::path(get, path = "/magistrates", tag = "référentiel", security(("token" = [])), params(MagistrateFilter),
    responses((status = 200, body = Vec<MagistrateRecord>)))]
pub async fn list_magistrates(
    State(state): State<AppState>,
    _caller: Caller,
    Params(filter): Params<MagistrateFilter>,
) -> Result<Json<Vec<MagistrateRecord>>> {
    Ok(Json(state.store.magistrates(filter.chamber.as_deref()).await?))
}

/// One magistrate.
#[utoipa::path(get, path = "/magistrates/{id}", tag = "référentiel", security(("token" = [])),
    params(("id" = String, Path, description = "Magistrate id")),
    responses((status = 200, body = MagistrateRecord), (status = 404, body = Problem)))]
pub async fn get_magistrate(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let magistrate = state.store.magistrate(&id).await?;
    Ok(tagged(StatusCode::OK, magistrate.version, &magistrate))
}

/// Creates a magistrate (admin).
#[utoipa::path(post, path = "/magistrates", tag = "référentiel", security(("token" = [])), request_body = MagistrateInput,
    responses((status = 201, body = MagistrateRecord), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_magistrate(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response> {
    admin_create(&state, &caller, &headers, &body, "/magistrates", async |input: MagistrateInput| {
        let record = state.store.put_magistrate(caller.id(), None, input).await?;
        Ok((record.version, record))
    })
    .await
}

/// Replaces a magistrate (admin, If-Match): absences, role, chamber…
#[utoipa::path(put, path = "/magistrates/{id}", tag = "référentiel", security(("token" = [])), request_body = MagistrateInput,
    params(("id" = String, Path, description = "Magistrate id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = MagistrateRecord), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn update_magistrate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: axum::body::Bytes,
) -> Result<Response> {
    admin_replace(
        &caller,
        &id,
        if_match,
        &body,
        ("id", |input: &MagistrateInput| input.id.as_str()),
        async |expected, input| {
            let record = state.store.put_magistrate(caller.id(), Some(expected), input).await?;
            Ok((record.version, record))
        },
    )
    .await
}

/// Adds an absence to a magistrate (a clerk of his chamber, or the
/// administrator). Additive: appended to the absences as they stand, so it
/// needs no `If-Match`.
#[utoipa::path(post, path = "/magistrates/{id}/absences", tag = "référentiel", security(("token" = [])),
    request_body = Absence, params(("id" = String, Path, description = "Magistrate id")),
    responses((status = 201, body = MagistrateRecord), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_absence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response> {
    caller.require(Operation::RecordAbsence)?;
    let magistrate = state.store.magistrate(&id).await?;
    caller.require_chamber(&magistrate.magistrate.chamber)?;
    let absence: Absence = json_body(&body)?;
    let record = state.store.add_absence(caller.id(), &id, absence).await?;
    Ok(tagged(StatusCode::CREATED, record.version, &record))
}

/// The hearing calendar.
#[utoipa::path(get, path = "/hearings", tag = "référentiel", security(("token" = [])), params(HearingFilter),
    responses((status = 200, body = Vec<HearingRecord>)))]
pub async fn list_hearings(
    State(state): State<AppState>,
    _caller: Caller,
    Params(filter): Params<HearingFilter>,
) -> Result<Json<Vec<HearingRecord>>> {
    for (field, raw) in [("from", &filter.from), ("to", &filter.to)] {
        if let Some(raw) = raw {
            greffe_models::dates::parse_date(raw)
                .map_err(|error| Error::invalid(field, error.to_string(), error.fix()))?;
        }
    }
    Ok(Json(state.store.hearings(filter.chamber.as_deref(), filter.from.as_deref(), filter.to.as_deref()).await?))
}

/// One hearing.
#[utoipa::path(get, path = "/hearings/{id}", tag = "référentiel", security(("token" = [])),
    params(("id" = String, Path, description = "Hearing id")),
    responses((status = 200, body = HearingRecord), (status = 404, body = Problem)))]
pub async fn get_hearing(State(state): State<AppState>, _caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let hearing = state.store.hearing(&id).await?;
    Ok(tagged(StatusCode::OK, hearing.version, &hearing))
}

/// Adds a hearing to the calendar (admin).
#[utoipa::path(post, path = "/hearings", tag = "référentiel", security(("token" = [])), request_body = HearingInput,
    responses((status = 201, body = HearingRecord), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_hearing(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response> {
    admin_create(&state, &caller, &headers, &body, "/hearings", async |input: HearingInput| {
        let record = state.store.put_hearing(caller.id(), None, input).await?;
        Ok((record.version, record))
    })
    .await
}

/// Replaces a hearing of the calendar (admin, If-Match).
#[utoipa::path(put, path = "/hearings/{id}", tag = "référentiel", security(("token" = [])), request_body = HearingInput,
    params(("id" = String, Path, description = "Hearing id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = HearingRecord), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn update_hearing(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: axum::body::Bytes,
) -> Result<Response> {
    admin_replace(
        &caller,
        &id,
        if_match,
        &body,
        ("id", |input: &HearingInput| input.id.as_str()),
        async |expected, input| {
            let record = state.store.put_hearing(caller.id(), Some(expected), input).await?;
            Ok((record.version, record))
        },
    )
    .await
}

/// Removes a hearing from the calendar (admin, If-Match).
#[utoipa::path(delete, path = "/hearings/{id}", tag = "référentiel", security(("token" = [])),
    params(("id" = String, Path, description = "Hearing id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 204), (status = 404, body = Problem), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn delete_hearing(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
) -> Result<StatusCode> {
    caller.require(Operation::ManageReference)?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    state.store.delete_hearing(caller.id(), &id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
