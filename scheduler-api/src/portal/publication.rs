//! Publishing a validated plan from the portal: the confirmation screen
//! lists what publication will do — the rolls written, the notices created
//! with their last days (those already past flagged, and then a reason
//! required), the dossiers whose status changes, the plans overtaken — and
//! the clerk confirms. What the screen shows is what `workflow::publish`
//! does: both read `workflow::publication`.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_models::errors::ErrorCode;
use greffe_models::format::InstanceDoc;
use greffe_models::plan_status::PlanStatus;
use greffe_store::plans::{Faults, PlanSummary};

use super::forms::Fields;
use super::pages::{HeaderMember, date_fr, failure_as, render};
use super::planning::{HOME, form_version, half_day_fr, plan_crumbs, readable_plan, status_badge};
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;
use crate::workflow::{self, Publication};

/// A roll that publication writes.
#[derive(Debug, Clone)]
pub struct RollLine {
    hearing: String,
    title: String,
    formation: String,
    dossiers: usize,
    changed: bool,
}

/// A notice that publication creates.
#[derive(Debug, Clone)]
pub struct NoticeLine {
    pourvoi: String,
    hearing: String,
    what: &'static str,
    due: String,
    late: bool,
}

/// A plan that publication overtakes.
#[derive(Debug, Clone)]
pub struct OvertakenLine {
    id: i64,
    title: String,
    status: &'static str,
    becomes: &'static str,
}

#[derive(Template)]
#[template(path = "publication.html")]
struct PublicationPage {
    member: Option<HeaderMember>,
    /// The breadcrumb above the page: (href, label).
    crumbs: Vec<(String, String)>,
    csrf: String,
    id: i64,
    version: i64,
    title: String,
    chamber: String,
    rolls: Vec<RollLine>,
    notices: Vec<NoticeLine>,
    late: usize,
    scheduled: usize,
    released: Vec<String>,
    overtaken: Vec<OvertakenLine>,
    reason: String,
    /// The refusal of a first attempt.
    problem: Option<String>,
}

/// A hearing as the clerk names it: its day and half-day.
pub fn hearing_title(doc: &InstanceDoc, id: &str) -> String {
    doc.hearings
        .iter()
        .find(|h| h.id == id)
        .map_or_else(|| id.to_owned(), |h| format!("{} ({})", date_fr(&h.date), half_day_fr(&h.half_day)))
}

fn page_of(
    member: &Member,
    summary: &PlanSummary,
    doc: &InstanceDoc,
    publication: Publication,
    reason: &str,
    problem: Option<String>,
) -> PublicationPage {
    let pourvois: HashMap<&str, &str> = doc.dossiers.iter().map(|d| (d.id.as_str(), d.pourvoi.as_str())).collect();
    let notices = publication
        .notices
        .iter()
        .map(|n| NoticeLine {
            pourvoi: pourvois
                .get(n.task.dossier.as_str())
                .map_or_else(|| n.task.dossier.to_string(), |p| (*p).to_owned()),
            hearing: hearing_title(doc, n.task.hearing.as_str()),
            what: n.task.kind.label_fr(),
            due: n.task.due.map_or_else(|| "—".to_owned(), |d| date_fr(&d.to_string())),
            late: n.late,
        })
        .collect();
    let rolls = publication
        .rolls
        .iter()
        .map(|r| RollLine {
            hearing: r.hearing.clone(),
            title: format!("{} ({})", date_fr(&r.date), half_day_fr(&r.half_day)),
            formation: r.formation.clone(),
            dossiers: r.dossiers,
            changed: r.changed,
        })
        .collect();
    let overtaken = publication
        .overtaken
        .iter()
        .map(|p| OvertakenLine {
            id: p.id,
            title: p.title.clone(),
            status: status_badge(p.status).0,
            becomes: if p.status == PlanStatus::Published { "remplacé par l'avenant" } else { "périmé" },
        })
        .collect();
    PublicationPage {
        member: Some(HeaderMember::of(member, HOME)),
        crumbs: plan_crumbs(summary.id, &summary.title),
        csrf: member.session.csrf.clone(),
        id: summary.id,
        version: publication.version,
        title: summary.title.clone(),
        chamber: summary.chamber.clone(),
        rolls,
        notices,
        late: publication.late,
        scheduled: publication.scheduled,
        released: publication.released,
        overtaken,
        reason: reason.to_owned(),
        problem,
    }
}

/// The plan `raw_id`, validated, for a clerk of its chamber.
async fn publishable(state: &AppState, member: &Member, raw_id: &str) -> Result<PlanSummary, Error> {
    let summary = readable_plan(state, member, raw_id).await?;
    let caller = member.caller();
    caller.require(Operation::PublishPlan)?;
    caller.require_chamber(&summary.chamber)?;
    workflow::require_status(&summary, PlanStatus::Validated, "le publier")?;
    Ok(summary)
}

async fn confirmation(
    state: &AppState,
    member: &Member,
    summary: &PlanSummary,
    reason: &str,
    problem: Option<String>,
) -> Result<PublicationPage, Error> {
    let publication = workflow::publication(&state.store, summary, state.today()).await?;
    let doc = state.store.plan_instance(summary.id).await?;
    Ok(page_of(member, summary, &doc, publication, reason, problem))
}

/// `GET /portail/plans/{id}/publier`: what publication will do, to confirm.
pub async fn form(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result = async {
        let summary = publishable(&state, &member, &raw_id).await?;
        confirmation(&state, &member, &summary, "", None).await
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/plans/{id}/publier`: published at the version confirmed,
/// with the reason recorded for late notices; refused, the confirmation
/// screen again with the refusal (and, if the plan changed, what it is now).
pub async fn publish(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let reason = fields.get("reason").trim().to_owned();
    let attempt: Result<i64, (Option<PlanSummary>, Error)> = async {
        member.require_csrf(fields.get("csrf")).map_err(|e| (None, e))?;
        let summary = publishable(&state, &member, &raw_id).await.map_err(|e| (None, e))?;
        let version =
            form_version(&fields, "version du plan absente", "recharger la page de publication et recommencer")
                .map_err(|e| (None, e))?;
        let reason = (!reason.is_empty()).then_some(reason.as_str());
        workflow::publish(&state.store, member.actor(), &summary, version, reason, state.today(), Faults::default())
            .await
            .map_err(|e| (Some(summary.clone()), e))?;
        Ok(summary.id)
    }
    .await;
    match attempt {
        Ok(id) => Redirect::to(&format!("/portail/plans/{id}?fait=publie#message")).into_response(),
        Err((Some(summary), error)) => {
            let (status, problem) = error.status_and_body();
            let refused = problem.code == ErrorCode::LateNotices || status == StatusCode::PRECONDITION_FAILED;
            if !refused {
                return failure_as(&member, &error);
            }
            let line = if status == StatusCode::PRECONDITION_FAILED {
                "Le plan a été modifié entre-temps : voici ce que sa publication fera maintenant ; confirmez à nouveau."
                    .to_owned()
            } else {
                format!("{} — {}", problem.message, problem.action.unwrap_or_default())
            };
            // The summary as it is now (its version moved, if it changed).
            let shown = async {
                let current = state.store.plan_summary(summary.id).await?;
                confirmation(&state, &member, &current, &reason, Some(line)).await
            }
            .await;
            match shown {
                Ok(page) => render(&page, status),
                Err(other) => failure_as(&member, &other),
            }
        }
        Err((None, error)) => failure_as(&member, &error),
    }
}
