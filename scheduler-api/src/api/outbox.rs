//! The outbox as the clerk works it: where each recipient of a notice
//! stands (sent with the server's reply, waiting, refused, a letter to
//! post), the document each one receives, and the clerk's two acts — a
//! letter posted, a refused notice sent again (by e-mail to the corrected
//! address, or as a letter). The dispatcher (`crate::mail`) does the rest.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use greffe_models::access::Operation;
use greffe_store::outbox::{Channel, OutboxItem, Posting};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AppState;
use super::documents::pdf;
use super::extract::{Caller, json_body, numeric_id};
use crate::documents;
use crate::error::{Error, Problem, Result};

/// The longest registered letter's number kept.
pub const REFERENCE_MAX: usize = 64;
/// The longest postal address kept.
pub const ADDRESS_MAX: usize = 300;

/// Where each recipient of a notice task stands: one row per lawyer's
/// office (e-mail) or per letter, with its attempts, the last failure in
/// the server's words and the proof of dispatch (a clerk or president of
/// its chamber).
#[utoipa::path(get, path = "/notices/{id}/outbox", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Notice task")),
    responses((status = 200, body = Vec<OutboxItem>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn notice_outbox(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<OutboxItem>>> {
    caller.require(Operation::ReadNotices)?;
    let id = numeric_id(&id, "tâche")?;
    let chamber = state.store.notice_task(id).await?.chamber;
    if !caller.0.covers(&chamber) {
        return Err(Error::not_found(format!("tâche d'avis n° {id}")));
    }
    Ok(Json(state.store.outbox_of_task(id).await?))
}

/// The row `id` of the outbox and its notice task, when the caller's
/// chambers cover it (the API and the portal read it so).
pub async fn scoped(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(OutboxItem, greffe_store::plans::NoticeTask)> {
    let item = state.store.outbox_item(id).await?;
    let task = state.store.notice_task(item.task_id).await?;
    if !caller.0.covers(&task.chamber) {
        return Err(Error::not_found(format!("envoi n° {id}")));
    }
    Ok((item, task))
}

/// The document of one outbox row, PDF/A-2b: the bytes kept for it once
/// sent or posted (what its recipient received), else the avis d'audience
/// to that recipient as it would be made now — the letter the clerk
/// prints.
#[utoipa::path(get, path = "/outbox/{id}/document.pdf", tag = "documents", security(("token" = [])),
    params(("id" = i64, Path, description = "Outbox row")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem, description = "A datum the document's fonts cannot print")))]
pub async fn outbox_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let id = numeric_id(&id, "envoi")?;
    Ok(pdf(document_of(&state, &caller, id).await?))
}

/// The document of row `id`, for `caller` (API and portal): as kept, or
/// as made now.
pub async fn document_of(state: &AppState, caller: &Caller, id: i64) -> Result<documents::Document> {
    caller.require(Operation::ReadNotices)?;
    let (item, task) = scoped(state, caller, id).await?;
    Ok(match &item.document_sha256 {
        Some(sha256) => documents::Document {
            bytes: state.store.outbox_document(sha256).await?,
            filename: documents::outbox_filename(&item),
        },
        None => documents::notice_to(state, &task, Some(&item.recipient)).await?,
    })
}

/// What the clerk records on posting a letter.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostedLetter {
    /// The address written on the envelope: required when the row has
    /// none (a lawyer without an e-mail address, a party whose record
    /// gives none), else it replaces the row's.
    #[serde(default)]
    pub address: Option<String>,
    /// The registered letter's number (lettre recommandée), if any: the
    /// proof of dispatch.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A text field of a clerk's act: one line, not blank, at most `max`
/// characters (as the document states it), kept trimmed; refused naming
/// the field otherwise.
fn text_field(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    if greffe_models::forms::is_blank(value) {
        return Err(Error::invalid(field, "valeur vide", "indiquer une valeur, ou omettre le champ"));
    }
    if value.chars().count() > max || greffe_models::text::refused_char(value, false).is_some() {
        return Err(Error::invalid(
            field,
            format!("valeur trop longue ou sur plusieurs lignes (au plus {max} caractères)"),
            "l'écrire sur une ligne, plus courte",
        ));
    }
    Ok(Some(value.trim().to_owned()))
}

/// Records that the letter of outbox row `id` was posted (a clerk of its
/// chamber): the letter (made ahead by the worker, or now) is kept by its
/// hash, the posting journaled on the dossier with the address and the
/// registered letter's number; the notice task is done when all its
/// recipients have their notice. 409 when the row is not a letter waiting to be posted
/// (`forbidden_transition`) or has no address and none is given
/// (`bad_reference`).
#[utoipa::path(post, path = "/outbox/{id}/posted", tag = "plans", security(("token" = [])), request_body = PostedLetter,
    params(("id" = i64, Path, description = "Outbox row")),
    responses((status = 200, body = OutboxItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn letter_posted(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<OutboxItem>> {
    caller.require(Operation::CompleteNotice)?;
    let id = numeric_id(&id, "envoi")?;
    let input: PostedLetter = if body.is_empty() { PostedLetter::default() } else { json_body(&body)? };
    Ok(Json(post_letter(&state, &caller, id, &input).await?))
}

/// The letter of row `id` posted by `caller` (API and portal): its fields
/// checked, the letter kept, the posting recorded.
pub async fn post_letter(state: &AppState, caller: &Caller, id: i64, input: &PostedLetter) -> Result<OutboxItem> {
    caller.require(Operation::CompleteNotice)?;
    let posting = Posting {
        address: text_field("address", input.address.as_deref(), ADDRESS_MAX)?,
        reference: text_field("reference", input.reference.as_deref(), REFERENCE_MAX)?,
    };
    // The letter as printed: made ahead by the worker, or now.
    let letter = document_of(state, caller, id).await?;
    Ok(state.store.outbox_posted(caller.id(), id, &posting, &letter.bytes, |chamber| caller.0.covers(chamber)).await?)
}

/// How a refused notice is sent again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resend {
    /// `email`: to the address the dossier's record holds now for the
    /// recipient (correct it there first); `letter`: a letter to print and
    /// post.
    pub channel: Channel,
}

/// Sends outbox row `id` again (a clerk of its chamber): a refused e-mail,
/// or a letter, by e-mail to the address the record holds now; or a
/// refused e-mail as a letter. Keeps its Message-ID and document;
/// journaled. 409 when the row's status does not allow it
/// (`forbidden_transition`) or the record has no e-mail address for the
/// recipient (`bad_reference`).
#[utoipa::path(post, path = "/outbox/{id}/resend", tag = "plans", security(("token" = [])), request_body = Resend,
    params(("id" = i64, Path, description = "Outbox row")),
    responses((status = 200, body = OutboxItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<OutboxItem>> {
    caller.require(Operation::CompleteNotice)?;
    let id = numeric_id(&id, "envoi")?;
    let input: Resend = json_body(&body)?;
    Ok(Json(send_again(&state, &caller, id, input.channel).await?))
}

/// Row `id` sent again by `channel`, for `caller` (API and portal).
pub async fn send_again(state: &AppState, caller: &Caller, id: i64, channel: Channel) -> Result<OutboxItem> {
    caller.require(Operation::CompleteNotice)?;
    Ok(state.store.outbox_resend(caller.id(), id, channel, |chamber| caller.0.covers(chamber)).await?)
}
