//! Decisions tied to the roll: who sat at a held hearing (its greffier
//! records it), and each heard dossier's decision — prefilled from the roll,
//! drafted in versions, with the defects to clear before signature. A
//! decision in preparation is the formation's: a magistrate reads it only
//! if he sits on it; the avocat général, the analyst and the administrator
//! never do.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use greffe_models::access::Operation;
use greffe_models::decision::{DecisionContent, DecisionStatus, FieldChange, SittingRecord};
use greffe_models::signature::SignedDecision;
use greffe_store::decision_drafts::{DecisionSave, DecisionWorkspace, HearingSitting};
use greffe_store::decision_signatures::{DecisionDue, roles_of};

use super::AppState;
use super::dossiers::readable;
use super::extract::{Caller, IfMatch, json_body, tagged};
use crate::error::{Error, Problem, Result};

/// The hearing `raw` if the caller's chambers hold it.
async fn hearing_in_scope(state: &AppState, caller: &Caller, raw: &str) -> Result<HearingSitting> {
    let sitting = state.store.hearing_sitting(raw).await?;
    caller.require_chamber(&sitting.chamber)?;
    Ok(sitting)
}

/// The hearing, its published bench and who sat (once recorded); the ETag
/// is the record's version, `"0"` while none is recorded.
#[utoipa::path(get, path = "/hearings/{id}/sitting", tag = "décisions", security(("token" = [])),
    params(("id" = String, Path, description = "Hearing")),
    responses((status = 200, body = HearingSitting), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_sitting(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    caller.require(Operation::ReadDecision)?;
    let sitting = hearing_in_scope(&state, &caller, &id).await?;
    Ok(tagged(StatusCode::OK, sitting.version, &sitting))
}

/// Records who sat at a held hearing (its greffier), over the version read
/// (`If-Match: "0"` for the first record): every member of the published
/// bench sat or is replaced, with the reason; journaled.
#[utoipa::path(put, path = "/hearings/{id}/sitting", tag = "décisions", security(("token" = [])),
    request_body = SittingRecord,
    params(("id" = String, Path, description = "Hearing"), ("If-Match" = String, Header, description = "ETag read (\"0\" before the first record)")),
    responses((status = 200, body = HearingSitting), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn record_sitting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    caller.require(Operation::RecordSitting)?;
    // A write without the version read is refused as such (428), before any check of state (409).
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    hearing_in_scope(&state, &caller, &id).await?;
    let record: SittingRecord = json_body(&body)?;
    let sitting = state.store.record_sitting(caller.id(), state.today(), &id, expected, record).await?;
    Ok(tagged(StatusCode::OK, sitting.version, &sitting))
}

/// The decision of `id` if the caller may read it: his chambers, and for a
/// magistrate, a seat on it (a member of the formation, or its rapporteur).
pub(crate) async fn decision_in_scope(state: &AppState, caller: &Caller, raw: &str) -> Result<DecisionWorkspace> {
    caller.require(Operation::ReadDecision)?;
    let id = readable(state, caller, raw).await?;
    let workspace = state.store.decision_workspace(state.today(), id).await?;
    require_seat(caller, &workspace.content)?;
    Ok(workspace)
}

/// 403 for a magistrate who does not sit on the decision (the avocat
/// général among them: the drafts are the formation's, ECHR *Reinhardt et
/// Slimane-Kaïd c. France*, 1998).
fn require_seat(caller: &Caller, content: &DecisionContent) -> Result<()> {
    if caller.0.role != greffe_models::access::UserRole::Magistrat {
        return Ok(());
    }
    let seated = caller
        .0
        .magistrate
        .as_deref()
        .is_some_and(|me| content.members.iter().chain(&content.rapporteurs).any(|m| m == me));
    if seated {
        Ok(())
    } else {
        Err(Error::forbidden("le projet de décision n'est lisible que des membres de la formation qui a siégé"))
    }
}

/// A heard dossier's decision: saved, or prefilled from the roll and the
/// hearing's record; its defects today (empty: it may be signed), the
/// outcomes of its procedure, its mémoires and saved versions. ETag: the
/// version, `"0"` while only prefilled.
#[utoipa::path(get, path = "/dossiers/{id}/decision", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier")),
    responses((status = 200, body = DecisionWorkspace), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn get_decision(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let workspace = decision_in_scope(&state, &caller, &id).await?;
    Ok(tagged(StatusCode::OK, workspace.version, &workspace))
}

/// Saves a version of a heard dossier's decision over the version read
/// (`If-Match: "0"` for the first): hashed and journaled; answers the
/// decision with its defects.
#[utoipa::path(put, path = "/dossiers/{id}/decision", tag = "décisions", security(("token" = [])),
    request_body = DecisionSave,
    params(("id" = i64, Path, description = "Dossier"), ("If-Match" = String, Header, description = "ETag read (\"0\" before the first version)")),
    responses((status = 200, body = DecisionWorkspace), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn save_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    caller.require(Operation::DraftDecision)?;
    // A write without the version read is refused as such (428), before any check of state (409).
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let current = decision_in_scope(&state, &caller, &id).await?;
    let save: DecisionSave = json_body(&body)?;
    // A magistrate cannot write himself off the formation he sits on, nor
    // into one he does not.
    require_seat(&caller, &save.content)?;
    let saved = state.store.save_decision(caller.id(), state.today(), current.dossier_id, expected, save).await?;
    Ok(tagged(StatusCode::OK, saved.version, &saved))
}

/// The content of one saved version of a decision.
#[utoipa::path(get, path = "/dossiers/{id}/decision/versions/{version}", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("version" = i64, Path, description = "Version, from 1")),
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn decision_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response> {
    let current = decision_in_scope(&state, &caller, &id).await?;
    let version = super::extract::numeric_id(&version, "version")?;
    let content = state.store.decision_version(current.dossier_id, version).await?;
    Ok(tagged(StatusCode::OK, version, &content))
}

/// What version `version` of the decision changed from the one before,
/// field by field (`[]` for the first version).
#[utoipa::path(get, path = "/dossiers/{id}/decision/versions/{version}/changes", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("version" = i64, Path, description = "Version, from 1")),
    responses((status = 200, body = Vec<FieldChange>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn decision_changes(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<Vec<FieldChange>>> {
    let current = decision_in_scope(&state, &caller, &id).await?;
    let version = super::extract::numeric_id(&version, "version")?;
    Ok(Json(state.store.decision_changes(current.dossier_id, version).await?))
}

/// Signs the decision's current version (`If-Match`) in every capacity the
/// caller holds on it — president, rapporteur, greffier — with his own key;
/// refused while the decision has defects. The last signature seals it.
#[utoipa::path(post, path = "/dossiers/{id}/decision/signatures", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("If-Match" = String, Header, description = "ETag read: the version signed")),
    responses((status = 200, body = DecisionWorkspace), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem)))]
pub async fn sign_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
) -> Result<Response> {
    caller.require(Operation::DraftDecision)?;
    // A write without the version read is refused as such (428), before any check of state (409).
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let current = decision_in_scope(&state, &caller, &id).await?;
    if roles_of(&caller.0, &current.content).is_empty() {
        return Err(Error::forbidden(
            "la décision est signée par son président, son ou ses rapporteurs et le greffier de l'audience",
        ));
    }
    let signed = sign_and_seal(&state, &caller.0, current.dossier_id, expected).await?;
    Ok(tagged(StatusCode::OK, signed.version, &signed))
}

/// `user` signs version `expected` of dossier `id`'s decision; the last
/// signature seals the arrêt at once. Should the seal fail, the signatures
/// stand and the worker seals it at its next pass.
pub(crate) async fn sign_and_seal(
    state: &AppState,
    user: &greffe_store::users::User,
    id: i64,
    expected: i64,
) -> Result<DecisionWorkspace> {
    let mut signed = state.store.sign_decision(user, state.today(), id, expected).await?;
    if signed.status == DecisionStatus::Signed {
        match crate::documents::seal_decision(state, id).await {
            Ok(seal) => signed.seal = Some(seal),
            Err(error) => tracing::error!(dossier = id, %error, "signed decision not sealed yet"),
        }
    }
    Ok(signed)
}

/// The sealed arrêt (PDF/A-2b): the decision as signed, sealed by the
/// greffe — confidential until its pronouncement: read by the formation
/// and the greffe of its chamber alone, and notified to the parties when
/// rendered. Verified offline with `greffe decision verify FILE --keys
/// KEYS`; 409 until sealed.
#[utoipa::path(get, path = "/dossiers/{id}/decision/arret.pdf", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn sealed_arret(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let current = decision_in_scope(&state, &caller, &id).await?;
    Ok(super::documents::pdf(crate::documents::sealed_arret(&state, &current).await?))
}

/// The decision signed by all its signatories, for offline verification
/// (`greffe decision verify FILE --keys KEYS`): content, SHA-256 and
/// signatures.
#[utoipa::path(get, path = "/dossiers/{id}/decision/signed", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier")),
    responses((status = 200, body = SignedDecision), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn signed_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let current = decision_in_scope(&state, &caller, &id).await?;
    let signed = state.store.signed_decision(state.today(), current.dossier_id).await?;
    Ok(tagged(StatusCode::OK, signed.version, &signed))
}

/// The decisions not yet rendered in which the caller has a part (a
/// magistrate: every held hearing he sat on, every decision naming him; a
/// greffier: the decisions naming him), each with the capacities he signs
/// in and whether he has signed: what is due of him.
#[utoipa::path(get, path = "/me/decisions", tag = "décisions", security(("token" = [])),
    responses((status = 200, body = Vec<DecisionDue>), (status = 403, body = Problem)))]
pub async fn my_decisions(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DecisionDue>>> {
    caller.require(Operation::DraftDecision)?;
    Ok(Json(state.store.decisions_due(state.today(), &caller.0).await?))
}

/// The signers' public keys (user id → Ed25519 key, hexadecimal), against
/// which a signed decision is verified offline.
#[utoipa::path(get, path = "/signing-keys", tag = "décisions", security(("token" = [])),
    responses((status = 200, body = BTreeMap<String, String>)))]
pub async fn signing_keys(State(state): State<AppState>, _caller: Caller) -> Result<Json<BTreeMap<String, String>>> {
    Ok(Json(state.store.public_keys().await?))
}
