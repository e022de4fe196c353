//! `/dossiers/{id}/orientation` and `/dossiers/{id}/referral`: what the
//! orientation suggests for a dossier with its evidence, the president's
//! decision, and the referral to a chambre mixte or the assemblée plénière
//! — ordered or declined with its reason. The portal's orientation panel
//! shows the same view ([`orientation_view`]).

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Json, body::Bytes};
use greffe_models::access::Operation;
use greffe_models::dossier::Circuit;
use greffe_models::orientation::{
    self, Earlier, Facts, OrderedBy, OrientationRules, Peer, ReferralFormation, ReferralOrder, SimilarDecided,
    SuggestedReferral, Suggestion, normalise_article,
};
use greffe_models::registry::{RegistryKind, Solution};
use greffe_models::vocabulary::Vocabulary;
use greffe_store::dossiers::Dossier;
use greffe_store::journal::JournalEntry;
use greffe_store::orientation::{OrientationDecision, ReferralDecline, ReferralRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::dossiers::{post_on_dossier_as, readable};
use super::extract::Caller;
use super::search::{SimilarParams, similar_view};
use crate::error::{Error, Problem, Result};
use crate::search::Freshness;

/// A similar decided dossier as the orientation cites it. A decision is
/// public: its number, chamber, formation and solution are shown whatever
/// the reader's chambers; the link to the dossier only in them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PrecedentView {
    /// What the orientation read of it.
    #[serde(flatten)]
    pub similar: SimilarDecided,
    /// A precedent on the question (first keyword, an article, a close
    /// text), not only a similar dossier.
    pub precedent: bool,
    /// French label of its solution.
    pub solution_label: Option<String>,
    /// The reader may open it (one of his chambers).
    pub readable: bool,
}

/// Where a dossier stands: its chamber, section and circuit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RouteView {
    /// Chamber.
    pub chamber: String,
    /// Section.
    pub section: Option<String>,
    /// Circuit.
    pub circuit: Option<String>,
}

/// What the orientation suggests for a dossier, its evidence, and what
/// was decided.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrientationView {
    /// The dossier.
    pub dossier: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// Its version (the `If-Match` of a decision).
    pub version: i64,
    /// Where it stands.
    pub current: RouteView,
    /// The suggestion.
    pub suggestion: Suggestion,
    /// The similar decided dossiers read, closest first.
    pub similar: Vec<PrecedentView>,
    /// Pending pourvois between a same party on the same question.
    pub peers: Vec<Peer>,
    /// The referral ordered, if any.
    pub referral: Option<ReferralRecord>,
    /// The referral the rules point to that is neither ordered nor
    /// declined yet: a decision is awaited.
    pub awaiting: Option<SuggestedReferral>,
    /// The orientation and referral decisions, oldest first.
    pub decisions: Vec<JournalEntry>,
    /// How far the search index is behind the registry.
    pub freshness: Freshness,
}

/// The orientation of dossier `id` for `caller` (who must read it).
pub async fn orientation_view(state: &AppState, caller: &Caller, raw_id: &str) -> Result<OrientationView> {
    let id = readable(state, caller, raw_id).await?;
    let dossier = state.store.dossier(id).await?;
    let rules = state.orientation.as_ref();
    let (facts, similar, freshness) = facts_of(state, &dossier, rules).await?;
    let suggestion = orientation::suggest(&facts, rules, Vocabulary::embedded(), &state.rules.formations.value);
    let referral = state.store.referral(id).await?;
    let decisions = state.store.orientation_journal(id).await?;
    let awaiting = awaiting(&suggestion, referral.as_ref(), &decisions);
    let precedents: BTreeSet<usize> = suggestion.precedents.iter().copied().collect();
    let similar = similar
        .into_iter()
        .enumerate()
        .map(|(i, s)| PrecedentView {
            precedent: precedents.contains(&i),
            solution_label: s.solution.as_deref().map(|code| {
                Solution::parse(code).map_or_else(|| code.to_owned(), |solution| solution.label_fr().to_owned())
            }),
            readable: caller.0.covers(&s.chamber),
            similar: s,
        })
        .collect();
    Ok(OrientationView {
        dossier: id,
        pourvoi: dossier.record.pourvoi.clone(),
        version: dossier.version,
        current: RouteView {
            chamber: dossier.record.chamber.clone(),
            section: dossier.record.section.clone(),
            circuit: dossier.record.circuit.map(|c| c.as_str().to_owned()),
        },
        suggestion,
        similar,
        peers: facts.peers,
        referral,
        awaiting,
        decisions,
        freshness,
    })
}

/// The suggested referral still awaiting a decision: none ordered, and
/// not declined since the suggestion pointed to it.
fn awaiting(
    suggestion: &Suggestion,
    referral: Option<&ReferralRecord>,
    decisions: &[JournalEntry],
) -> Option<SuggestedReferral> {
    let suggested = suggestion.referral.as_ref()?;
    if referral.is_some() {
        return None;
    }
    let declined = decisions.iter().any(|entry| {
        entry.kind == RegistryKind::ReferralDeclined.as_str()
            && entry.payload.get("formation").and_then(|f| f.as_str()) == Some(suggested.formation.as_str())
    });
    (!declined).then(|| suggested.clone())
}

/// What the orientation reads of `dossier`: its record, its earlier
/// pourvoi, its similar decided dossiers (every chamber), its peers.
async fn facts_of(
    state: &AppState,
    dossier: &Dossier,
    rules: &OrientationRules,
) -> Result<(Facts, Vec<SimilarDecided>, Freshness)> {
    let record = &dossier.record;
    let articles: BTreeSet<String> =
        record.grounds.iter().flat_map(|g| g.articles.iter().map(|a| normalise_article(a))).collect();
    let earlier = match record.attacked_nature {
        greffe_models::record::AttackedNature::RenvoiApresCassation => match &record.earlier_pourvoi {
            Some(pourvoi) => {
                Some(Earlier { pourvoi: pourvoi.clone(), found: state.store.earlier_dossier(pourvoi).await? })
            }
            None => None,
        },
        _ => None,
    };
    let params = SimilarParams { limit: Some(rules.parameters.similar_read.value), decided: Some(true) };
    let list = similar_view(state, None, dossier.id, &params).await?;
    let freshness = list.freshness;
    let ids: Vec<i64> = list.similar.iter().map(|s| s.dossier.id).collect();
    let details = state.store.sections_and_articles(&ids).await?;
    let similar: Vec<SimilarDecided> = list
        .similar
        .into_iter()
        .map(|s| {
            let (section, theirs) = details.get(&s.dossier.id).cloned().unwrap_or_default();
            SimilarDecided {
                id: s.dossier.id,
                pourvoi: s.dossier.pourvoi,
                chamber: s.dossier.chamber,
                section,
                formation: s.formation,
                solution: s.solution,
                text_score: s.text_score,
                shared_keywords: s.shared_keywords.into_iter().map(|k| k.code).collect(),
                shared_articles: theirs.intersection(&articles).cloned().collect(),
            }
        })
        .collect();
    // A lagging index (a rebuild under way) cannot say what is new or
    // constant: the signals reading it stay unread, and say so.
    let read = freshness.rebuilding.is_none();
    let facts = Facts {
        nature: record.nature,
        chamber: record.chamber.clone(),
        keywords: record.keywords.clone(),
        articles,
        attacked_nature: record.attacked_nature,
        earlier,
        similar: read.then(|| similar.clone()),
        peers: serial_peers(state, dossier).await?,
    };
    Ok((facts, similar, freshness))
}

/// Pourvois closest to one that share its first keyword: a serial
/// litigation's are among them (one question, one adversary, in other
/// words), a recurring party's other pourvois (a bank, an employer on
/// another question) are not.
const SERIAL_READ: usize = 20;

/// The open pourvois between a same party on the same first keyword
/// (`Store::serial_peers`) that are also among the [`SERIAL_READ`] closest
/// by what they say: sharing a party and a topic is not yet a series.
pub(crate) async fn serial_peers(state: &AppState, dossier: &Dossier) -> Result<Vec<Peer>> {
    let peers = state.store.serial_peers(dossier).await?;
    if peers.is_empty() {
        return Ok(peers);
    }
    let params = SimilarParams { limit: Some(SERIAL_READ), decided: Some(false) };
    let close: BTreeSet<i64> =
        similar_view(state, None, dossier.id, &params).await?.similar.iter().map(|s| s.dossier.id).collect();
    Ok(peers.into_iter().filter(|peer| close.contains(&peer.id)).collect())
}

/// What the orientation suggests for a dossier, with its evidence: the
/// rules that fired (each with its source), the similar decided dossiers
/// of every chamber with the formation and the solution each had, the
/// pending pourvois between the same parties, the votes for the chamber
/// and the section; and what was decided (the orientation, the referral
/// ordered or declined, with their reasons).
#[utoipa::path(get, path = "/dossiers/{id}/orientation", tag = "orientation", security(("token" = [])),
    params(("id" = i64, Path, description = "Dossier id")),
    responses((status = 200, body = OrientationView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_orientation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<OrientationView>> {
    Ok(Json(orientation_view(&state, &caller, &id).await?))
}

/// The president's orientation of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrientationInput {
    /// Chamber.
    pub chamber: String,
    /// Section of that chamber.
    #[serde(default)]
    pub section: Option<String>,
    /// `court`, `intermediaire` or `approfondi`.
    #[schema(value_type = String, example = "intermediaire")]
    pub circuit: Circuit,
    /// Why — required when the orientation departs from the suggestion
    /// (chamber, section when one is suggested, or circuit).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Decides a dossier's orientation (its chamber's president): the
/// suggestion is computed again and the decision journaled with it — a
/// departure needs its reason (422 without). A dossier joined to others
/// goes where they are: another chamber or section is refused (422). A
/// registered dossier becomes routed.
#[utoipa::path(post, path = "/dossiers/{id}/orientation", tag = "orientation", security(("token" = [])),
    request_body = OrientationInput,
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\")")),
    responses((status = 200, body = Dossier), (status = 403, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn decide_orientation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<super::extract::IfMatch>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    post_on_dossier_as(
        &state,
        &caller,
        Operation::Orient,
        &id,
        if_match,
        &headers,
        &body,
        "orientation",
        async |id, expected, input: OrientationInput| {
            let dossier = decide(&state, &caller, id, expected, input).await?;
            Ok(super::extract::tagged(StatusCode::OK, dossier.version, &dossier))
        },
    )
    .await
}

/// Records `input` as the orientation of dossier `id`, against the
/// suggestion computed now; shared with the portal.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    id: i64,
    expected: i64,
    input: OrientationInput,
) -> Result<Dossier> {
    caller.require_chamber(&input.chamber).map_err(|e| e.field("chamber"))?;
    let view = orientation_view(state, caller, &id.to_string()).await?;
    let s = &view.suggestion;
    let decision = OrientationDecision {
        chamber: input.chamber.trim().to_owned(),
        section: input.section.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        circuit: input.circuit,
        suggested: Some((
            s.chamber.clone(),
            s.section.clone(),
            s.circuit,
            s.fired.iter().map(|f| f.rule.clone()).collect(),
        )),
        reason: input.reason,
    };
    Ok(state.store.decide_orientation(caller.id(), id, expected, decision).await?)
}

/// Orders a referral to a chambre mixte or the assemblée plénière. The
/// chamber's president records the chamber's (`ordered_by: chambre`); the
/// greffe records the premier président's order and the procureur
/// général's request. A referral no rule suggests needs its reason.
#[utoipa::path(post, path = "/dossiers/{id}/referral", tag = "orientation", security(("token" = [])),
    request_body = ReferralOrder,
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\")")),
    responses((status = 201, body = ReferralRecord), (status = 403, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn order_referral(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<super::extract::IfMatch>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    post_on_dossier_as(
        &state,
        &caller,
        Operation::Refer,
        &id,
        if_match,
        &headers,
        &body,
        "referral",
        async |id, expected, order: ReferralOrder| {
            let (dossier, record) = refer(&state, &caller, id, expected, order).await?;
            Ok(super::extract::tagged(StatusCode::CREATED, dossier.version, &record))
        },
    )
    .await
}

/// Records `order` for dossier `id`: who may record whose order, then the
/// store's checks; shared with the portal.
pub async fn refer(
    state: &AppState,
    caller: &Caller,
    id: i64,
    expected: i64,
    order: ReferralOrder,
) -> Result<(Dossier, ReferralRecord)> {
    if !referral_authors(caller.0.role).contains(&order.ordered_by) {
        // Who records which referral is a matter of role, not of form: the
        // same request is the president's to make (403, not 422).
        return Err(Error::forbidden(format!(
            "le rôle {} n'enregistre pas un renvoi ordonné par {} : le président enregistre le renvoi décidé par la \
             chambre ; le greffe, l'ordonnance du premier président ou les réquisitions du procureur général",
            caller.0.role.label_fr(),
            order.ordered_by.label_fr()
        )));
    }
    let view = orientation_view(state, caller, &id.to_string()).await?;
    let mut order = order;
    if order.ordered_by == OrderedBy::ProcureurGeneral && order.article.is_none() {
        // At the procureur général's request the referral is of right.
        order.article = Some("art. L431-7 COJ".to_owned());
        order.mandatory = Some(true);
    }
    Ok(state.store.order_referral(caller.id(), id, expected, order, view.suggestion.referral.as_ref()).await?)
}

/// A referral the rules pointed to, declined.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInput {
    /// `CM` or `AP`: the referral suggested.
    pub formation: ReferralFormation,
    /// Why — required when the referral is mandatory.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Declines the referral the rules point to (its chamber's president). A
/// mandatory referral (L431-6 al. 2) is never declined silently: without
/// its reason the answer is 422. Journaled and shown.
#[utoipa::path(post, path = "/dossiers/{id}/referral/decline", tag = "orientation", security(("token" = [])),
    request_body = DeclineInput,
    params(("id" = i64, Path, description = "Dossier id"), ("If-Match" = String, Header, description = "ETag read (for example \"3\")")),
    responses((status = 200, body = Dossier), (status = 403, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn decline_referral(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<super::extract::IfMatch>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    post_on_dossier_as(
        &state,
        &caller,
        Operation::Orient,
        &id,
        if_match,
        &headers,
        &body,
        "referral/decline",
        async |id, expected, input: DeclineInput| {
            let dossier = decline(&state, &caller, id, expected, input).await?;
            Ok(super::extract::tagged(StatusCode::OK, dossier.version, &dossier))
        },
    )
    .await
}

/// Declines the suggested referral `input` names; shared with the portal.
pub async fn decline(
    state: &AppState,
    caller: &Caller,
    id: i64,
    expected: i64,
    input: DeclineInput,
) -> Result<Dossier> {
    let view = orientation_view(state, caller, &id.to_string()).await?;
    let Some(suggested) = view.awaiting.filter(|s| s.formation == input.formation) else {
        return Err(Error::conflict(
            greffe_store::ErrorCode::ForbiddenTransition,
            format!("aucun renvoi en {} n'attend de décision pour ce dossier", input.formation.label_fr()),
            "consulter l'orientation du dossier : le renvoi est déjà ordonné, écarté, ou aucune règle ne le suggère",
        ));
    };
    let decline = ReferralDecline {
        formation: suggested.formation,
        rule: suggested.rule,
        mandatory: suggested.mandatory,
        reason: input.reason,
    };
    Ok(state.store.decline_referral(caller.id(), id, expected, decline).await?)
}

/// Whose referrals a role records: the president the chamber's decision,
/// the greffe the premier président's order or the procureur général's
/// requisitions (L431-7 COJ).
pub(crate) fn referral_authors(role: greffe_models::access::UserRole) -> &'static [OrderedBy] {
    use greffe_models::access::UserRole;
    match role {
        UserRole::PresidentChambre => &[OrderedBy::Chambre],
        UserRole::Greffier => &[OrderedBy::PremierPresident, OrderedBy::ProcureurGeneral],
        _ => &[],
    }
}
