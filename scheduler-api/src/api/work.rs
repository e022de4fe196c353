//! The magistrates' work documents of a dossier: the rapporteur files his
//! report, his opinion and his draft decisions, the avocat général his
//! opinion, each in versions with the PDF rendered at filing. Each kind is
//! read by those `greffe_models::work::VISIBILITY` names — the opinion and
//! the drafts by the formation alone, never by the avocat général (ECHR,
//! *Reinhardt et Slimane-Kaïd c. France*, 1998), the greffe, the analyst
//! or the administrator.

use std::collections::BTreeSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use greffe_models::access::Operation;
use greffe_models::work::{Reader, WorkContent, WorkKind, WorkSlot};
use greffe_store::work_documents::{WorkDocument, WorkDue, WorkFiling, WorkSummary};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::dossiers::readable;
use super::extract::{Caller, IfMatch, json_body, numeric_id, tagged};
use crate::error::{Error, Problem, Result};

/// A dossier's work documents as the caller sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkFolder {
    /// Dossier id.
    pub dossier_id: i64,
    /// How the caller is tied to the dossier (`rapporteur`, `formation`,
    /// `avocat_general`, `greffe`): what decides what he reads.
    #[schema(value_type = Vec<String>)]
    pub ties: Vec<Reader>,
    /// The documents he may read, each at its last version.
    pub documents: Vec<WorkSummary>,
    /// The kinds he files in this dossier (codes).
    #[schema(value_type = Vec<String>)]
    pub may_file: Vec<WorkKind>,
}

/// The next document of a kind to file: its number and the text it starts
/// from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkStart {
    /// Kind.
    #[schema(value_type = String, example = "projet")]
    pub kind: WorkKind,
    /// The number it takes (`PUT /dossiers/{id}/work/{kind}/{number}` with
    /// `If-Match: "0"`).
    pub number: i64,
    /// The text it starts from: the record's parties; for a draft, the
    /// visas and grounds of the report.
    #[schema(value_type = Object)]
    pub content: WorkContent,
}

/// The kinds the caller files in dossier `id`: what his ties make him write.
pub(crate) fn may_file(caller: &Caller, ties: &BTreeSet<Reader>) -> Vec<WorkKind> {
    if !caller.0.role.may(Operation::FileWork) {
        return Vec::new();
    }
    WorkKind::ALL
        .iter()
        .copied()
        .filter(|kind| match kind.author() {
            greffe_models::work::Author::Rapporteur => ties.contains(&Reader::Rapporteur),
            greffe_models::work::Author::AvocatGeneral => ties.contains(&Reader::AvocatGeneral),
        })
        .collect()
}

/// The dossier `raw` (its chamber in the caller's scope) and the caller's
/// ties to it.
pub(crate) async fn ties_in_scope(state: &AppState, caller: &Caller, raw: &str) -> Result<(i64, BTreeSet<Reader>)> {
    caller.require(Operation::ReadWork)?;
    let id = readable(state, caller, raw).await?;
    Ok((id, state.store.work_ties(&caller.0, id).await?))
}

/// 403 unless a reader tied by `ties` reads `kind`, naming who does.
pub(crate) fn require_reader(kind: WorkKind, ties: &BTreeSet<Reader>) -> Result<()> {
    if kind.readable_by(ties) {
        return Ok(());
    }
    let readers: Vec<&str> = kind.visibility().readers.iter().map(|r| r.label_fr()).collect();
    Err(Error::forbidden(format!("le {} n'est lisible que par : {}", kind.label_fr(), readers.join(", "))))
}

fn slot(kind: &str, number: &str) -> Result<WorkSlot> {
    let kind = WorkKind::parse(kind)
        .ok_or_else(|| Error::not_found(format!("type de document « {kind} » (types : {})", WorkKind::codes())))?;
    Ok(WorkSlot { kind, number: numeric_id(number, "numéro de document")? })
}

/// The dossier's work documents the caller may read, how he is tied to the
/// dossier, and what he files in it.
#[utoipa::path(get, path = "/dossiers/{id}/work", tag = "travaux", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier")),
    responses((status = 200, body = WorkFolder), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn folder(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<WorkFolder>> {
    let (id, ties) = ties_in_scope(&state, &caller, &id).await?;
    let documents = state.store.work_documents(id).await?.into_iter().filter(|d| d.kind.readable_by(&ties)).collect();
    let may_file = may_file(&caller, &ties);
    Ok(Json(WorkFolder { dossier_id: id, ties: ties.into_iter().collect(), documents, may_file }))
}

/// The next document of `kind` the caller would file (its author only):
/// its number and the text it starts from.
#[utoipa::path(get, path = "/dossiers/{id}/work/{kind}", tag = "travaux", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("kind" = String, Path, description = "`rapport`, `avis_rapporteur`, `projet`, `avis_avocat_general`")),
    responses((status = 200, body = WorkStart), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Json<WorkStart>> {
    let (id, ties) = ties_in_scope(&state, &caller, &id).await?;
    let WorkSlot { kind, .. } = slot(&kind, "1")?;
    require_author(&caller, &ties, kind)?;
    let (slot, content) = state.store.work_prefill(id, kind).await?;
    Ok(Json(WorkStart { kind, number: slot.number, content }))
}

fn require_author(caller: &Caller, ties: &BTreeSet<Reader>, kind: WorkKind) -> Result<()> {
    caller.require(Operation::FileWork)?;
    if may_file(caller, ties).contains(&kind) {
        Ok(())
    } else {
        Err(Error::forbidden(format!("le {} est déposé par le {}", kind.label_fr(), kind.author().label_fr())))
    }
}

/// A work document at its last version, with every version; ETag: the
/// last version.
#[utoipa::path(get, path = "/dossiers/{id}/work/{kind}/{number}", tag = "travaux", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("kind" = String, Path, description = "Kind"),
        ("number" = i64, Path, description = "Number (1 but for the drafts)")),
    responses((status = 200, body = WorkDocument), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn document(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind, number)): Path<(String, String, String)>,
) -> Result<Response> {
    let (id, ties) = ties_in_scope(&state, &caller, &id).await?;
    let slot = slot(&kind, &number)?;
    require_reader(slot.kind, &ties)?;
    let document = state.store.work_document(id, slot).await?;
    Ok(tagged(StatusCode::OK, document.version, &document))
}

/// Files a new version of a work document (its author: a rapporteur of the
/// dossier, its avocat général), over the version read — `If-Match: "0"`
/// for a new document, at the number `GET /dossiers/{id}/work/{kind}`
/// gives. The PDF is rendered and kept with it; the report and the avocat
/// général's opinion are journaled as their procedural events (readiness
/// and deadlines move), the others by their hash alone.
#[utoipa::path(put, path = "/dossiers/{id}/work/{kind}/{number}", tag = "travaux", security(("token" = [])),
    request_body = WorkContent,
    params(("id" = i64, Path, description = "Dossier"), ("kind" = String, Path, description = "Kind"),
        ("number" = i64, Path, description = "Number (1 but for the drafts)"),
        ("If-Match" = String, Header, description = "ETag read (\"0\" for a new document)")),
    responses((status = 200, body = WorkDocument), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind, number)): Path<(String, String, String)>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    let (id, ties) = ties_in_scope(&state, &caller, &id).await?;
    let slot = slot(&kind, &number)?;
    require_author(&caller, &ties, slot.kind)?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let content: WorkContent = json_body(&body)?;
    let filed = file_version(&state, &caller, id, WorkFiling { slot, expected, content, pdf: Vec::new() }).await?;
    Ok(tagged(StatusCode::OK, filed.version, &filed))
}

/// Files `filing` by the caller (its author): the text checked (without
/// parties, the record's), its PDF rendered, then kept with the version
/// (the API and the portal alike).
pub(crate) async fn file_version(
    state: &AppState,
    caller: &Caller,
    id: i64,
    mut filing: WorkFiling,
) -> Result<WorkDocument> {
    let author = caller.0.magistrate.clone().ok_or_else(|| {
        Error::forbidden("votre compte n'est rattaché à aucun magistrat : il ne dépose pas de document")
    })?;
    let dossier = state.store.dossier(id).await?;
    // Written without its parties, a document names the record's.
    if filing.content.parties.is_empty() {
        filing.content.parties = dossier.record.parties.iter().map(greffe_models::decision::NamedParty::from).collect();
    }
    let outcomes = greffe_models::decision::Outcome::of(dossier.record.nature);
    if let Some(problem) = filing.content.problems(filing.slot.kind, &outcomes).into_iter().next() {
        return Err(greffe_store::Error::invalid(
            format!("content.{}", problem.field),
            problem.message,
            problem.action,
        )
        .into());
    }
    // The version it becomes if the one read is the last (the store
    // refuses it otherwise).
    let version = filing.expected + 1;
    let today = state.today();
    filing.pdf =
        crate::documents::work_document(state, &dossier, filing.slot, version, &filing.content, &author, today).await?;
    Ok(state.store.file_work(caller.id(), &author, today, id, filing).await?)
}

/// The dossier, document and version a path names (dossier, kind, number,
/// version), if the caller reads that kind there.
pub(crate) async fn readable_version(
    state: &AppState,
    caller: &Caller,
    path: [&str; 4],
) -> Result<(i64, WorkSlot, i64)> {
    let [id, kind, number, version] = path;
    let (id, ties) = ties_in_scope(state, caller, id).await?;
    let slot = slot(kind, number)?;
    require_reader(slot.kind, &ties)?;
    Ok((id, slot, numeric_id(version, "version")?))
}

/// The text of one version of a work document.
#[utoipa::path(get, path = "/dossiers/{id}/work/{kind}/{number}/versions/{version}", tag = "travaux", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("kind" = String, Path, description = "Kind"),
        ("number" = i64, Path, description = "Number"), ("version" = i64, Path, description = "Version, from 1")),
    responses((status = 200, body = WorkContent), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind, number, version)): Path<(String, String, String, String)>,
) -> Result<Response> {
    let (id, slot, version) = readable_version(&state, &caller, [&id, &kind, &number, &version]).await?;
    let content = state.store.work_version(id, slot, version).await?;
    Ok(tagged(StatusCode::OK, version, &content))
}

/// The PDF (PDF/A-2b) one version of a work document was filed with.
#[utoipa::path(get, path = "/dossiers/{id}/work/{kind}/{number}/versions/{version}/pdf", tag = "travaux", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("kind" = String, Path, description = "Kind"),
        ("number" = i64, Path, description = "Number"), ("version" = i64, Path, description = "Version, from 1")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind, number, version)): Path<(String, String, String, String)>,
) -> Result<Response> {
    let (id, slot, version) = readable_version(&state, &caller, [&id, &kind, &number, &version]).await?;
    let dossier = state.store.dossier(id).await?;
    Ok(super::documents::pdf(crate::documents::kept_work_document(&state, &dossier, slot, version).await?))
}

/// What the caller (a magistrate) has to file, hearing soonest first: his
/// reports and drafts as rapporteur, his opinions as avocat général.
#[utoipa::path(get, path = "/me/work", tag = "travaux", security(("token" = [])),
    responses((status = 200, body = Vec<WorkDue>), (status = 403, body = Problem)))]
pub async fn my_work(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<WorkDue>>> {
    caller.require(Operation::FileWork)?;
    Ok(Json(state.store.work_due(state.today(), &caller.0).await?))
}
