//! A hearing's page: its published roll (dossiers in the order of call,
//! rapporteurs, avocats généraux), its bench and president, the iCalendar
//! file of the sitting; once the hearing is held, who sat (the greffier's
//! record, [`super::decision::record_sitting`]) and where each dossier's
//! decision stands.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use greffe_models::access::{Operation, View};
use greffe_models::decision::DecisionStatus;
use greffe_store::views::Roll;
use serde::Deserialize;

use super::forms::{Choice, Fields, Problems, choices};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;

/// A dossier of the roll.
#[derive(Debug, Clone)]
pub struct RollRow {
    position: i64,
    dossier_id: i64,
    pourvoi: String,
    rapporteurs: String,
    avocat_general: String,
    /// Where its decision stands, once the hearing is held (for those who
    /// read decisions).
    decision: Option<String>,
}

/// Who sat, as recorded.
struct SittingView {
    president: String,
    sat: Vec<String>,
    replacements: Vec<(String, String, String)>,
    avocat_general: String,
    greffier: String,
    recorded: String,
}

/// A seat of the published bench in the greffier's form.
struct SeatRow {
    index: usize,
    name: String,
    present: bool,
    by: Vec<Choice>,
    reason: String,
}

/// The greffier's form of who sat.
struct SittingForm {
    version: i64,
    seats: Vec<SeatRow>,
    president: Vec<Choice>,
    avocat_general: Vec<Choice>,
    greffier: String,
}

#[derive(Template)]
#[template(path = "hearing.html")]
struct HearingPage {
    member: Option<HeaderMember>,
    csrf: String,
    flash: Option<String>,
    problems: Problems,
    id: String,
    title: String,
    chamber: String,
    formation: String,
    room: String,
    published: bool,
    held: bool,
    president: String,
    bench: Vec<String>,
    avocats_generaux: String,
    rows: Vec<RollRow>,
    /// The dossiers link to their pages (the member reads them).
    links: bool,
    /// The decisions' states are shown (the member reads decisions).
    decisions: bool,
    sitting: Option<SittingView>,
    form: Option<SittingForm>,
}

/// The roll of `raw_id`: published data, read by the roles the court
/// chose (`Visibility::published`, every chamber's), as over the API.
async fn readable_roll(state: &AppState, member: &Member, raw_id: &str) -> Result<Roll, Error> {
    member.caller().require_view(&state.visibility, View::Published)?;
    Ok(state.store.roll(raw_id).await?)
}

/// What the page shows after a redirect.
#[derive(Debug, Deserialize)]
pub struct Done {
    /// `composition` once who sat is recorded.
    fait: Option<String>,
}

/// The hearing's page; `posted`: the greffier's form as sent, with its
/// problems.
async fn build(
    state: &AppState,
    member: &Member,
    raw_id: &str,
    posted: Option<(&Fields, Problems)>,
    flash: Option<String>,
) -> Result<HearingPage, Error> {
    let roll = readable_roll(state, member, raw_id).await?;
    let magistrates = state.store.magistrates(None).await?;
    let names: BTreeMap<String, String> =
        magistrates.iter().map(|m| (m.magistrate.id.clone(), m.magistrate.name.clone())).collect();
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let sitting = &roll.sitting;
    let half_day = if sitting.half_day == "pm" { "après-midi" } else { "matin" };
    let held = greffe_models::dates::parse_date(&sitting.date).is_ok_and(|date| date <= state.today());
    let in_chamber = member.session.user.covers(&sitting.chamber);
    let may = |operation| held && roll.published && in_chamber && member.caller().require(operation).is_ok();
    let (reads_decisions, records) = (may(Operation::ReadDecision), may(Operation::RecordSitting));
    let record =
        if reads_decisions || records { Some(state.store.hearing_sitting(&sitting.hearing).await?) } else { None };
    let states = if reads_decisions { state.store.decision_states(&sitting.hearing).await? } else { BTreeMap::new() };
    let recorded = record.as_ref().and_then(|r| r.record.as_ref().map(|sat| (r, sat)));
    let sitting_view = recorded.map(|(r, sat)| SittingView {
        president: name(&sat.president),
        sat: sat.sat.iter().filter(|m| **m != sat.president).map(|m| name(m)).collect(),
        replacements: sat.replacements.iter().map(|x| (name(&x.absent), name(&x.by), x.reason.clone())).collect(),
        avocat_general: sat.avocat_general.as_deref().map(name).unwrap_or_else(|| "—".into()),
        greffier: sat.greffier.clone(),
        recorded: format!(
            "par {} le {}",
            r.recorded_by.clone().unwrap_or_default(),
            r.recorded_at.as_deref().map(instant_fr).unwrap_or_default()
        ),
    });
    let form = match (&record, records) {
        (Some(r), true) => {
            let fields = posted.as_ref().map(|(fields, _)| *fields);
            let value = |name: &str| fields.map(|f| f.get(name).to_owned());
            let of_chamber: Vec<&greffe_store::reference::MagistrateInput> = magistrates
                .iter()
                .map(|m| &m.magistrate)
                .filter(|m| m.chamber == sitting.chamber && m.active)
                .collect();
            let judges: Vec<(&str, &str)> = of_chamber
                .iter()
                .filter(|m| m.role != greffe_models::Role::AvocatGeneral)
                .map(|m| (m.id.as_str(), m.name.as_str()))
                .collect();
            let seats = r
                .published_bench
                .iter()
                .enumerate()
                .map(|(index, member_id)| {
                    let replaced =
                        r.record.as_ref().and_then(|sat| sat.replacements.iter().find(|x| &x.absent == member_id));
                    let present = match fields {
                        Some(f) => f.has(&format!("present.{index}")),
                        None => replaced.is_none(),
                    };
                    let by = value(&format!("by.{index}"))
                        .unwrap_or_else(|| replaced.map(|x| x.by.clone()).unwrap_or_default());
                    SeatRow {
                        index,
                        name: name(member_id),
                        present,
                        by: choices(
                            judges.iter().copied().filter(|(id, _)| !r.published_bench.iter().any(|b| b == id)),
                            &by,
                            Some("— personne —"),
                        ),
                        reason: value(&format!("reason.{index}"))
                            .unwrap_or_else(|| replaced.map(|x| x.reason.clone()).unwrap_or_default()),
                    }
                })
                .collect();
            let president = value("president").unwrap_or_else(|| {
                r.record.as_ref().map(|sat| sat.president.clone()).or(r.published_president.clone()).unwrap_or_default()
            });
            let avocats: Vec<(&str, &str)> = of_chamber
                .iter()
                .filter(|m| m.role == greffe_models::Role::AvocatGeneral)
                .map(|m| (m.id.as_str(), m.name.as_str()))
                .collect();
            let avocat = value("avocat_general").unwrap_or_else(|| {
                r.record
                    .as_ref()
                    .and_then(|sat| sat.avocat_general.clone())
                    .or_else(|| roll.avocats_generaux.first().cloned())
                    .unwrap_or_default()
            });
            let greffier = value("greffier").unwrap_or_else(|| {
                r.record.as_ref().map(|sat| sat.greffier.clone()).unwrap_or_else(|| member.session.user.name.clone())
            });
            Some(SittingForm {
                version: r.version,
                seats,
                president: choices(judges.iter().copied(), &president, None),
                avocat_general: choices(avocats.iter().copied(), &avocat, Some("— aucun —")),
                greffier,
            })
        }
        _ => None,
    };
    let mut problems = posted.map(|(_, problems)| problems).unwrap_or_default();
    for problem in &mut problems.0 {
        if problem.label.is_empty() {
            problem.label = "Composition de l'audience".into();
        }
        problem.anchor = "composition".into();
    }
    Ok(HearingPage {
        member: Some(HeaderMember::of(member, "/portail/")),
        csrf: member.session.csrf.clone(),
        flash,
        problems,
        id: sitting.hearing.clone(),
        title: format!("Audience du {} ({half_day})", date_fr(&sitting.date)),
        chamber: sitting.chamber.clone(),
        formation: sitting.formation.clone(),
        room: sitting.room.clone().unwrap_or_else(|| "—".into()),
        published: roll.published,
        held,
        president: roll.bench.iter().find(|s| s.presides).map(|s| s.name.clone()).unwrap_or_default(),
        bench: roll.bench.iter().filter(|s| !s.presides).map(|s| s.name.clone()).collect(),
        avocats_generaux: roll.avocats_generaux.iter().map(|id| name(id)).collect::<Vec<_>>().join(", "),
        links: member.reads(View::Dossiers) && in_chamber,
        decisions: reads_decisions,
        rows: roll
            .dossiers
            .iter()
            .map(|d| RollRow {
                position: d.position,
                dossier_id: d.dossier_id,
                pourvoi: d.pourvoi.clone(),
                rapporteurs: d.rapporteurs.iter().map(|id| name(id)).collect::<Vec<_>>().join(", "),
                avocat_general: d.avocat_general.as_deref().map(name).unwrap_or_default(),
                decision: reads_decisions.then(|| {
                    states.get(&d.dossier_id).copied().unwrap_or(DecisionStatus::ToDraft).label_fr().to_owned()
                }),
            })
            .collect(),
        sitting: sitting_view,
        form,
    })
}

/// `GET /portail/audiences/{id}`.
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let flash = done.fait.as_deref().map(|_| "Composition de l'audience consignée.".to_owned());
    match build(&state, &member, &raw_id, None, flash).await {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// The page again with the greffier's form as posted and what refused it
/// (a problem of a field; anything else is the error page).
pub(crate) async fn page_with_problem(
    state: &AppState,
    member: &Member,
    raw_id: &str,
    fields: &Fields,
    error: Error,
) -> Response {
    let mut problems = Problems::default();
    if let Err(other) = problems.take(error) {
        return failure_as(member, &other);
    }
    match build(state, member, raw_id, Some((fields, problems)), None).await {
        Ok(page) => render(&page, StatusCode::UNPROCESSABLE_ENTITY),
        Err(error) => failure_as(member, &error),
    }
}

/// `GET /portail/audiences/{id}/calendrier.ics`: the sitting for a diary.
pub async fn ics(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    match readable_roll(&state, &member, &raw_id).await {
        Ok(roll) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"audience-{}.ics\"", roll.sitting.hearing),
                ),
            ],
            greffe_store::views::ics(&format!("Audience {}", roll.sitting.hearing), &[roll.event()]),
        )
            .into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/agenda.ics`: the member's own hearings over eight weeks
/// (a magistrate's account), for a diary.
pub async fn agenda_ics(State(state): State<AppState>, member: Member) -> Response {
    let result: Result<String, Error> = async {
        let magistrate = member.session.user.magistrate.clone().ok_or_else(|| {
            Error::conflict(
                greffe_models::errors::ErrorCode::NoMagistrate,
                "votre compte n'est rattaché à aucun magistrat",
                "demander à l'administrateur de rattacher le compte à son magistrat",
            )
        })?;
        let from = crate::api::today();
        let items = state.store.agenda(&magistrate, from, from + chrono::Duration::weeks(8)).await?;
        let events: Vec<_> = items.iter().map(|item| item.event()).collect();
        Ok(greffe_store::views::ics(&format!("Agenda de {}", member.session.user.name), &events))
    }
    .await;
    match result {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"mon-agenda.ics\"".to_owned()),
            ],
            text,
        )
            .into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/audiences/{id}/composition.pdf`: the composition notice as
/// a PDF/A-2b document (read as the roll is).
pub async fn composition_pdf(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result = async {
        member.caller().require_view(&state.visibility, View::Published)?;
        crate::documents::composition(&state, &raw_id).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/audiences/{id}/role.pdf`: the roll as a PDF/A-2b document
/// (read as the roll is).
pub async fn roll_pdf(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result = async {
        member.caller().require_view(&state.visibility, View::Published)?;
        crate::documents::roll(&state, &raw_id).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}
