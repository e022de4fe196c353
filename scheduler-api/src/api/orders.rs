//! The president's orders that end a pourvoi without a hearing — a
//! déchéance, a désistement: prefilled from the record, drafted in versions
//! by the greffe (or the president), checked, signed by the president and
//! the greffier, in effect at the last signature (the dossier decided, or
//! withdrawn). Read by the dossier's chamber; never by the analyst or the
//! administrator while a draft.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use greffe_models::access::{Operation, UserRole};
use greffe_models::order::{OrderKind, SignedOrder};
use greffe_store::orders::{OrderSave, OrderWorkspace, roles_of};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use super::dossiers::readable;
use super::extract::{Caller, IfMatch, Params, json_body, tagged};
use crate::error::{Error, Problem, Result};

/// Which order to prefill while none is saved.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// `decheance` or `desistement` (default: déchéance in a civil dossier,
    /// désistement in a criminal one). Ignored once an order is saved.
    #[param(value_type = Option<String>, example = "desistement")]
    pub order_kind: Option<String>,
}

/// The kind `raw` names, or the field's error.
pub(crate) fn order_kind(raw: Option<&str>) -> Result<Option<OrderKind>> {
    raw.filter(|r| !r.is_empty())
        .map(|raw| {
            OrderKind::parse(raw).ok_or_else(|| {
                Error::invalid(
                    "order_kind",
                    format!("ordonnance « {raw} » inconnue"),
                    format!("valeurs admises : {}", OrderKind::codes()),
                )
            })
        })
        .transpose()
}

/// The order of dossier `raw` if the caller may read it (his chambers),
/// prefilled as `kind` while none is saved, with the caller as its
/// greffier when he is one.
pub(crate) async fn order_in_scope(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    kind: Option<OrderKind>,
) -> Result<OrderWorkspace> {
    caller.require(Operation::ReadDecision)?;
    let id = readable(state, caller, raw).await?;
    let greffier = if caller.0.role == UserRole::Greffier { caller.0.name.as_str() } else { "" };
    Ok(state.store.order_workspace(state.today(), id, kind, greffier).await?)
}

/// A dossier's order (déchéance, désistement): saved, or prefilled from the
/// record (its mentions, the chamber's president, the caller as greffier,
/// today, the reasons and operative part to reread); its legal basis, the
/// demandeur's mémoire deadlines, its defects today (empty: it may be
/// signed), its versions and signatures. ETag: the version, `"0"` while
/// only prefilled.
#[utoipa::path(get, path = "/dossiers/{id}/order", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), OrderQuery),
    responses((status = 200, body = OrderWorkspace), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn get_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Params(query): Params<OrderQuery>,
) -> Result<Response> {
    let kind = order_kind(query.order_kind.as_deref())?;
    let workspace = order_in_scope(&state, &caller, &id, kind).await?;
    Ok(tagged(StatusCode::OK, workspace.version, &workspace))
}

/// Saves a version of the dossier's order over the version read
/// (`If-Match: "0"` for the first): hashed and journaled, the signatures
/// of an earlier version voided; answers the order with its defects.
#[utoipa::path(put, path = "/dossiers/{id}/order", tag = "décisions", security(("token" = [])),
    request_body = OrderSave,
    params(("id" = i64, Path, description = "Dossier"), ("If-Match" = String, Header, description = "ETag read (\"0\" before the first version)")),
    responses((status = 200, body = OrderWorkspace), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn save_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    caller.require(Operation::DraftOrder)?;
    // A write without the version read is refused as such (428), before any check of state (409).
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let current = order_in_scope(&state, &caller, &id, None).await?;
    let save: OrderSave = json_body(&body)?;
    let saved = state.store.save_order(caller.id(), state.today(), current.dossier_id, expected, save).await?;
    Ok(tagged(StatusCode::OK, saved.version, &saved))
}

/// Signs the order's current version (`If-Match`) as its president or its
/// greffier, with the caller's own key; refused while it has defects. The
/// last signature puts it in effect: a déchéance is the dossier's decision,
/// a désistement withdraws it.
#[utoipa::path(post, path = "/dossiers/{id}/order/signatures", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier"), ("If-Match" = String, Header, description = "ETag read: the version signed")),
    responses((status = 200, body = OrderWorkspace), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem)))]
pub async fn sign_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
) -> Result<Response> {
    caller.require(Operation::DraftOrder)?;
    // A write without the version read is refused as such (428), before any check of state (409).
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let current = order_in_scope(&state, &caller, &id, None).await?;
    if roles_of(&caller.0, &current.content).is_empty() {
        return Err(Error::forbidden("l'ordonnance est signée par le président qui la rend et par le greffier"));
    }
    let signed = state.store.sign_order(&caller.0, state.today(), current.dossier_id, expected).await?;
    Ok(tagged(StatusCode::OK, signed.version, &signed))
}

/// The order signed by the president and the greffier, for offline
/// verification (`greffe decision verify FILE --keys KEYS`): content,
/// SHA-256 and signatures; 409 until both have signed.
#[utoipa::path(get, path = "/dossiers/{id}/order/signed", tag = "décisions", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier")),
    responses((status = 200, body = SignedOrder), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn signed_order(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let current = order_in_scope(&state, &caller, &id, None).await?;
    let signed = state.store.signed_order(state.today(), current.dossier_id).await?;
    Ok(tagged(StatusCode::OK, signed.version, &signed))
}
