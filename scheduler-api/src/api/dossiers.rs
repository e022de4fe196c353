//! Dossiers, their journal, deadlines, pieces and decision.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use greffe_models::Date;
use greffe_models::access::{Operation, View};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{Caller, IfMatch, Params, deadline_config, json_body, numeric_id, tagged};
use super::{AppState, idempotent, today};
use crate::error::{Error, Problem, Result};
use greffe_store::deadlines::DossierDeadlines;
use greffe_store::decisions::DecisionInput;
use greffe_store::dossiers::{Dossier, DossierInput, DossierPage, DossierQuery, EventInput, StatusChange};
use greffe_store::journal::JournalEntry;
use greffe_store::pieces::{MAX_PIECE_BYTES, Piece, PieceInput};

/// Sets or clears (`null`) the planner's overrides of a dossier —
/// acceptable formations, weight — over the circuit's defaults (the
/// chamber's president, with `If-Match`).
#[utoipa::path(put, path = "/dossiers/{id}/planning", tag = "dossiers", security(("token" = [])), request_body = Object,
    params(("id" = i64, Path, description = "Dossier"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = Dossier), (status = 403, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn set_planning(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    caller.require(Operation::SetPlanning)?;
    let id = readable(&state, &caller, &id).await?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let overrides: Option<greffe_models::planning::DossierPlanning> = json_body(&body)?;
    let dossier = state.store.set_planning(caller.id(), id, expected, overrides.as_ref()).await?;
    Ok(tagged(StatusCode::OK, dossier.version, &dossier))
}

/// The day asked for deadline states.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// Day (YYYY-MM-DD) the states are for; default today in Paris.
    #[param(format = Date)]
    pub today: Option<String>,
    /// Warning window in days (default 15).
    #[param(minimum = 0, maximum = 366)]
    pub warning_days: Option<u32>,
}

/// Parses `today` (default: the Paris date).
pub fn day(raw: Option<&str>) -> Result<Date> {
    super::extract::date_or("today", raw, today())
}

/// Reads a dossier's chamber and checks the caller may read it (his role
/// reads dossiers, his chambers include this one).
pub(crate) async fn readable(state: &AppState, caller: &Caller, raw_id: &str) -> Result<i64> {
    caller.require_view(&state.visibility, View::Dossiers)?;
    let id = numeric_id(raw_id, "dossier")?;
    let chamber = state.store.dossier_chamber(id).await?;
    caller.require_chamber(&chamber)?;
    Ok(id)
}

/// Checks the caller may write the dossier; returns its id and the version
/// the write applies to.
async fn writable(state: &AppState, caller: &Caller, raw_id: &str, if_match: Option<IfMatch>) -> Result<(i64, i64)> {
    writable_as(state, caller, Operation::WriteDossier, raw_id, if_match).await
}

/// A dossier `caller` may write by `operation`, and the version named.
async fn writable_as(
    state: &AppState,
    caller: &Caller,
    operation: Operation,
    raw_id: &str,
    if_match: Option<IfMatch>,
) -> Result<(i64, i64)> {
    caller.require(operation)?;
    let id = readable(state, caller, raw_id).await?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    Ok((id, expected))
}

/// A JSON POST on a dossier: a clerk of its chamber (or an administrator),
/// the version it applies to (`If-Match`), the `Idempotency-Key`, the body
/// parsed, then `write(id, expected version, body)`.
#[allow(clippy::too_many_arguments)]
async fn post_on_dossier<T: serde::de::DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    if_match: Option<IfMatch>,
    headers: &HeaderMap,
    body: &[u8],
    action: &str,
    write: impl AsyncFnOnce(i64, i64, T) -> Result<Response>,
) -> Result<Response> {
    post_on_dossier_as(state, caller, Operation::WriteDossier, raw_id, if_match, headers, body, action, write).await
}

/// [`post_on_dossier`] for whoever may do `operation` (a president's
/// orientation, a referral) rather than a clerk's write.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn post_on_dossier_as<T: serde::de::DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    operation: Operation,
    raw_id: &str,
    if_match: Option<IfMatch>,
    headers: &HeaderMap,
    body: &[u8],
    action: &str,
    write: impl AsyncFnOnce(i64, i64, T) -> Result<Response>,
) -> Result<Response> {
    let (id, expected) = writable_as(state, caller, operation, raw_id, if_match).await?;
    let path = format!("/dossiers/{id}/{action}");
    idempotent(state, caller, headers, "POST", &path, body, async { write(id, expected, json_body(body)?).await }).await
}

/// Searches dossiers in the caller's chambers.
#[utoipa::path(get, path = "/dossiers", tag = "dossiers", security(("token" = [])), params(DossierQuery),
    responses((status = 200, body = DossierPage), (status = 422, body = Problem)))]
pub async fn search_dossiers(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<DossierQuery>,
) -> Result<Json<DossierPage>> {
    caller.require_view(&state.visibility, View::Dossiers)?;
    Ok(Json(state.store.search_dossiers(&query, caller.scope()).await?))
}

/// Registers a dossier (clerk of its chamber). A `joined_group` already
/// holding dossiers of another chamber or section is refused (422).
/// Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/dossiers", tag = "dossiers", security(("token" = [])), request_body = DossierInput,
    responses((status = 201, body = Dossier), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_dossier(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    caller.require(Operation::WriteDossier)?;
    idempotent(&state, &caller, &headers, "POST", "/dossiers", &body, async {
        let input: DossierInput = json_body(&body)?;
        caller.require_chamber(&input.chamber)?;
        let dossier = state.store.create_dossier(caller.id(), input).await?;
        Ok(tagged(StatusCode::CREATED, dossier.version, &dossier))
    })
    .await
}

/// One dossier (ETag: its version).
#[utoipa::path(get, path = "/dossiers/{id}", tag = "dossiers", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier id")),
    responses((status = 200, body = Dossier), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_dossier(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    caller.require_view(&state.visibility, View::Dossiers)?;
    let id = numeric_id(&id, "dossier")?;
    let dossier = state.store.dossier(id).await?;
    caller.require_chamber(&dossier.record.chamber)?;
    Ok(tagged(StatusCode::OK, dossier.version, &dossier))
}

/// Updates a dossier's record: a JSON merge patch (RFC 7396) at the version
/// given by `If-Match`. The pourvoi number is the dossier's identity: a
/// patch may repeat it, never change it (422; register a new dossier). A
/// dossier stays of the chamber and section of its joined group's other
/// members: a patch of `joined_group`, `chamber` or `section` that would
/// part them is refused (422).
#[utoipa::path(patch, path = "/dossiers/{id}", tag = "dossiers", security(("token" = [])),
    request_body(content = Object, content_type = "application/merge-patch+json", description = "Fields to change; null removes"),
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = Dossier), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn update_dossier(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    let (id, expected) = writable(&state, &caller, &id, if_match).await?;
    let patch: serde_json::Value = json_body(&body)?;
    if let Some(chamber) = patch.get("chamber").and_then(|c| c.as_str()) {
        caller.require_chamber(chamber)?;
    }
    let dossier = state.store.update_dossier(caller.id(), id, expected, patch).await?;
    Ok(tagged(StatusCode::OK, dossier.version, &dossier))
}

/// Changes a dossier's status (lawful transitions only).
#[utoipa::path(post, path = "/dossiers/{id}/status", tag = "dossiers", security(("token" = [])), request_body = StatusChange,
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = Dossier), (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn change_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    post_on_dossier(
        &state,
        &caller,
        &id,
        if_match,
        &headers,
        &body,
        "status",
        async |id, expected, change: StatusChange| {
            let dossier = state.store.change_status(caller.id(), id, expected, change).await?;
            Ok(tagged(StatusCode::OK, dossier.version, &dossier))
        },
    )
    .await
}

/// The dossier's journal, oldest first.
#[utoipa::path(get, path = "/dossiers/{id}/journal", tag = "dossiers", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier id")),
    responses((status = 200, body = Vec<JournalEntry>), (status = 404, body = Problem)))]
pub async fn dossier_journal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<JournalEntry>>> {
    let id = readable(&state, &caller, &id).await?;
    Ok(Json(state.store.dossier_journal(id).await?))
}

/// Records a procedural event (appended to the journal; a correction names
/// the entry it corrects). A jonction names its `group`; joined dossiers are
/// heard together, so every member of a group is of the same chamber and
/// section (422 naming a member of another one). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/dossiers/{id}/events", tag = "dossiers", security(("token" = [])), request_body = EventInput,
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 201, body = JournalEntry), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn record_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    if_match: Option<IfMatch>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    post_on_dossier(
        &state,
        &caller,
        &raw_id,
        if_match,
        &headers,
        &body,
        "events",
        async |id, expected, event: EventInput| {
            let (dossier, entry) = state.store.record_event(caller.id(), id, expected, event).await?;
            Ok(tagged(StatusCode::CREATED, dossier.version, &entry))
        },
    )
    .await
}

/// The dossier's deadlines and alerts on a day, from the rule catalogue.
#[utoipa::path(get, path = "/dossiers/{id}/deadlines", tag = "dossiers", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier id"), DayQuery),
    responses((status = 200, body = DossierDeadlines), (status = 404, body = Problem)))]
pub async fn dossier_deadlines(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Params(query): Params<DayQuery>,
) -> Result<Json<DossierDeadlines>> {
    let id = readable(&state, &caller, &id).await?;
    let today = day(query.today.as_deref())?;
    let config = deadline_config(query.warning_days)?;
    Ok(Json(state.store.dossier_deadlines(id, today, config).await?))
}

/// The dossier's pieces.
#[utoipa::path(get, path = "/dossiers/{id}/pieces", tag = "pièces", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier id")),
    responses((status = 200, body = Vec<Piece>), (status = 404, body = Problem)))]
pub async fn list_pieces(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Piece>>> {
    let id = readable(&state, &caller, &id).await?;
    Ok(Json(state.store.pieces(id).await?))
}

/// Files a piece: the body is the file, its metadata in the query string.
/// A mémoire, report or opinion is journaled as that procedural event.
#[utoipa::path(post, path = "/dossiers/{id}/pieces", tag = "pièces", security(("token" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read"), PieceInput),
    responses((status = 201, body = Piece), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn add_piece(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    headers: HeaderMap,
    Params(input): Params<PieceInput>,
    body: Bytes,
) -> Result<Response> {
    let (id, expected) = writable(&state, &caller, &id, if_match).await?;
    if body.len() > MAX_PIECE_BYTES {
        return Err(Error::invalid(
            "body",
            "pièce trop volumineuse",
            format!("au plus {} Mio", MAX_PIECE_BYTES / 1024 / 1024),
        ));
    }
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    // The metadata is part of the request: the key covers it too.
    let query = serde_urlencoded::to_string(&input).map_err(Error::internal)?;
    let path = format!("/dossiers/{id}/pieces?{query}");
    idempotent(&state, &caller, &headers, "POST", &path, &body, async {
        let piece = state.store.add_piece(caller.id(), id, expected, input, &media_type, &body).await?;
        Ok((StatusCode::CREATED, Json(piece)).into_response())
    })
    .await
}

/// A piece's contents (checked against its SHA-256 before being sent).
#[utoipa::path(get, path = "/pieces/{id}/content", tag = "pièces", security(("token" = [])),
    params(("id" = i64, Path, description = "Piece id")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn piece_content(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    caller.require_view(&state.visibility, View::Dossiers)?;
    let id = numeric_id(&id, "pièce")?;
    let piece = state.store.piece(id).await?;
    caller.require_chamber(&state.store.dossier_chamber(piece.dossier_id).await?)?;
    let bytes = state.store.piece_content(&piece).await?;
    Ok(piece_download(&piece, bytes))
}

/// A piece's file as a download: its media type, and its name both as
/// plain ASCII and, for accented names, in RFC 5987 form (RFC 6266).
pub fn piece_download(piece: &Piece, bytes: Vec<u8>) -> Response {
    let ascii: String = piece
        .filename
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String =
        form_urlencoded::byte_serialize(piece.filename.as_bytes()).collect::<String>().replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let content_type = header::HeaderValue::from_str(&piece.media_type)
        .unwrap_or(header::HeaderValue::from_static("application/octet-stream"));
    let disposition =
        header::HeaderValue::from_str(&disposition).unwrap_or(header::HeaderValue::from_static("attachment"));
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// Records the court's decision: closes the deadlines, the dossier becomes
/// « jugé ». Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/dossiers/{id}/decision", tag = "dossiers", security(("token" = [])), request_body = DecisionInput,
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = Dossier), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn record_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    if_match: Option<IfMatch>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    post_on_dossier(
        &state,
        &caller,
        &raw_id,
        if_match,
        &headers,
        &body,
        "decision",
        async |id, expected, input: DecisionInput| {
            let dossier = state.store.record_decision(caller.id(), id, expected, input).await?;
            Ok(tagged(StatusCode::OK, dossier.version, &dossier))
        },
    )
    .await
}
