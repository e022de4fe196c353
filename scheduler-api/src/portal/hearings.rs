//! A hearing's page: its published roll (dossiers in the order of call,
//! rapporteurs, avocats généraux), its bench and president, and the
//! iCalendar file of the sitting.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use greffe_models::access::View;
use greffe_store::views::Roll;

use super::pages::{HeaderMember, date_fr, failure_as, render};
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
}

#[derive(Template)]
#[template(path = "hearing.html")]
struct HearingPage {
    member: Option<HeaderMember>,
    id: String,
    title: String,
    chamber: String,
    formation: String,
    room: String,
    published: bool,
    president: String,
    bench: Vec<String>,
    avocats_generaux: String,
    rows: Vec<RollRow>,
    /// The dossiers link to their pages (the member reads them).
    links: bool,
}

/// The roll of `raw_id`: published data, read by the roles the court
/// chose (`Visibility::published`, every chamber's), as over the API.
async fn readable_roll(state: &AppState, member: &Member, raw_id: &str) -> Result<Roll, Error> {
    member.caller().require_view(&state.visibility, View::Published)?;
    Ok(state.store.roll(raw_id).await?)
}

/// `GET /portail/audiences/{id}`.
pub async fn page(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result: Result<HearingPage, Error> = async {
        let roll = readable_roll(&state, &member, &raw_id).await?;
        let names: BTreeMap<String, String> =
            state.store.magistrates(None).await?.into_iter().map(|m| (m.magistrate.id, m.magistrate.name)).collect();
        let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
        let sitting = &roll.sitting;
        let half_day = if sitting.half_day == "pm" { "après-midi" } else { "matin" };
        Ok(HearingPage {
            member: Some(HeaderMember::of(&member, "/portail/")),
            id: sitting.hearing.clone(),
            title: format!("Audience du {} ({half_day})", date_fr(&sitting.date)),
            chamber: sitting.chamber.clone(),
            formation: sitting.formation.clone(),
            room: sitting.room.clone().unwrap_or_else(|| "—".into()),
            published: roll.published,
            president: roll.bench.iter().find(|s| s.presides).map(|s| s.name.clone()).unwrap_or_default(),
            bench: roll.bench.iter().filter(|s| !s.presides).map(|s| s.name.clone()).collect(),
            avocats_generaux: roll.avocats_generaux.iter().map(|id| name(id)).collect::<Vec<_>>().join(", "),
            links: member.reads(View::Dossiers) && member.session.user.covers(&sitting.chamber),
            rows: roll
                .dossiers
                .iter()
                .map(|d| RollRow {
                    position: d.position,
                    dossier_id: d.dossier_id,
                    pourvoi: d.pourvoi.clone(),
                    rapporteurs: d.rapporteurs.iter().map(|id| name(id)).collect::<Vec<_>>().join(", "),
                    avocat_general: d.avocat_general.as_deref().map(name).unwrap_or_default(),
                })
                .collect(),
        })
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
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
