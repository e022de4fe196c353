//! Documents as PDF/A-2b over HTTP: a hearing's roll, a certificate of
//! non-pourvoi, the avis d'audience of a notice task. Rendered by
//! `crate::documents` from the store as it is; each read as the JSON view
//! of the same thing is read.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use greffe_models::access::{Operation, View};

use super::AppState;
use super::extract::{Caller, numeric_id};
use crate::documents::{self, Document};
use crate::error::{Error, Problem, Result};

/// A document as a response: `application/pdf`, shown in the browser, with
/// its file name.
pub fn pdf(document: Document) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}\"", document.filename)),
        ],
        document.bytes,
    )
        .into_response()
}

/// A hearing's roll as a PDF/A-2b document: dossiers in the order of call,
/// rapporteurs, avocats généraux, bench and president (read as the roll
/// is: published data).
#[utoipa::path(get, path = "/hearings/{id}/roll.pdf", tag = "documents", security(("token" = [])),
    params(("id" = String, Path, description = "Hearing")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "A datum the document's fonts cannot print")))]
pub async fn roll_pdf(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    caller.require_view(&state.visibility, View::Published)?;
    Ok(pdf(documents::roll(&state, &id).await?))
}

/// A hearing's composition notice as a PDF/A-2b document: its bench,
/// avocats généraux and roll, a page to each magistrate of the bench (read
/// as the roll is); 409 while no bench is published.
#[utoipa::path(get, path = "/hearings/{id}/composition.pdf", tag = "documents", security(("token" = [])),
    params(("id" = String, Path, description = "Hearing")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem, description = "A datum the document's fonts cannot print")))]
pub async fn composition_pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    caller.require_view(&state.visibility, View::Published)?;
    Ok(pdf(documents::composition(&state, &id).await?))
}

/// The extract of a dossier's journal as a PDF/A-2b document: every entry,
/// oldest first, with the hash of the last (read as `GET
/// /dossiers/{id}/journal`).
#[utoipa::path(get, path = "/dossiers/{id}/journal.pdf", tag = "documents", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier id")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "A datum the document's fonts cannot print")))]
pub async fn journal_pdf(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let id = super::dossiers::readable(&state, &caller, &id).await?;
    Ok(pdf(documents::journal_extract(&state, id).await?))
}

/// The certificate of non-pourvoi of an answered request (art. 505 CPC),
/// PDF/A-2b; 409 when the answer gave none.
#[utoipa::path(get, path = "/cnp/{id}/certificate.pdf", tag = "documents", security(("token" = [])),
    params(("id" = i64, Path, description = "Request")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem, description = "A datum the document's fonts cannot print")))]
pub async fn certificate_pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    caller.require(Operation::AnswerCnp)?;
    let id = numeric_id(&id, "demande")?;
    Ok(pdf(documents::certificate(&state, id).await?))
}

/// The notice of a notice task — avis d'audience, or after an avenant avis
/// de retrait du rôle or de changement de composition: a letter to each
/// party's lawyer and to each party without one (a clerk or president of
/// its chamber).
#[utoipa::path(get, path = "/notices/{id}/avis.pdf", tag = "documents", security(("token" = [])),
    params(("id" = i64, Path, description = "Notice task")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem, description = "A datum the document's fonts cannot print")))]
pub async fn notice_pdf(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    caller.require(Operation::ReadNotices)?;
    let id = numeric_id(&id, "tâche")?;
    let task = state.store.notice_task(id).await?;
    if !caller.0.covers(&task.chamber) {
        return Err(Error::not_found(format!("tâche d'avis n° {id}")));
    }
    Ok(pdf(documents::notice(&state, &task).await?))
}
