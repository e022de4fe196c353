//! The magistrates of the member's chambers and their absences: a clerk
//! records a leave or a training (the planner then keeps the magistrate off
//! those days' benches).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_store::reference::Absence;

use super::forms::{Field, Fields, Kind, Problems, choices};
use super::pages::{HeaderMember, date_fr, failure_as, render};
use super::session::Member;
use crate::api::{AppState, today};
use crate::error::Error;

/// A magistrate's line.
#[derive(Debug, Clone)]
pub struct MagistrateRow {
    name: String,
    id: String,
    role: &'static str,
    chamber: String,
    absences: Vec<String>,
}

#[derive(Template)]
#[template(path = "magistrates.html")]
struct MagistratesPage {
    member: Option<HeaderMember>,
    csrf: String,
    rows: Vec<MagistrateRow>,
    fields: Vec<Field>,
    problems: Problems,
    flash: Option<&'static str>,
}

async fn magistrates_page(
    state: &AppState,
    member: &Member,
    fields: &Fields,
    mut problems: Problems,
    flash: Option<&'static str>,
) -> Result<MagistratesPage, Error> {
    let caller = member.caller();
    caller.require(Operation::RecordAbsence)?;
    let today = today().to_string();
    let mut rows = Vec::new();
    for record in state.store.magistrates(None).await? {
        let m = record.magistrate;
        if !m.active || !caller.0.covers(&m.chamber) {
            continue;
        }
        rows.push(MagistrateRow {
            absences: m
                .absences
                .iter()
                .filter(|a| a.to >= today)
                .map(|a| {
                    format!(
                        "du {} au {}{}",
                        date_fr(&a.from),
                        date_fr(&a.to),
                        a.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
                    )
                })
                .collect(),
            name: m.name,
            id: m.id,
            role: m.role.label_fr(),
            chamber: m.chamber,
        });
    }
    let chosen = fields.get("magistrate");
    let form = vec![
        Field::new(Kind::Select, "magistrate", "Magistrat", chosen, &problems)
            .choices(choices(
                rows.iter().map(|r| (r.id.as_str(), r.name.as_str())),
                chosen,
                Some("Choisir un magistrat"),
            ))
            .required(),
        Field::new(Kind::Date, "from", "Premier jour d'absence", fields.get("from"), &problems).required(),
        Field::new(Kind::Date, "to", "Dernier jour d'absence (inclus)", fields.get("to"), &problems).required(),
        Field::new(Kind::Text, "reason", "Motif", fields.get("reason"), &problems).hint("Congé, formation, mission…"),
    ];
    problems.label_from_fields(&form);
    Ok(MagistratesPage {
        member: Some(HeaderMember::of(member, "/portail/magistrats")),
        csrf: member.session.csrf.clone(),
        rows,
        fields: form,
        problems,
        flash,
    })
}

/// `GET /portail/magistrats`.
pub async fn page(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let query = Fields::parse(raw.unwrap_or_default().as_bytes());
    let flash = (query.get("fait") == "absence").then_some("Absence enregistrée.");
    match magistrates_page(&state, &member, &Fields::default(), Problems::default(), flash).await {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/magistrats/absences`.
pub async fn add_absence(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<Problems, Error> = async {
        let caller = member.caller();
        caller.require(Operation::RecordAbsence)?;
        member.require_csrf(fields.get("csrf"))?;
        let mut problems = Problems::default();
        let Some(id) = fields.opt("magistrate") else {
            problems.push("magistrate", "magistrat non choisi", "choisir le magistrat absent");
            return Ok(problems);
        };
        for name in ["from", "to"] {
            problems.require(&fields, name, "date absente", "donner la date (AAAA-MM-JJ)");
        }
        if !problems.is_empty() {
            return Ok(problems);
        }
        let magistrate = state.store.magistrate(&id).await?;
        caller.require_chamber(&magistrate.magistrate.chamber)?;
        let absence = Absence {
            from: fields.get("from").trim().to_owned(),
            to: fields.get("to").trim().to_owned(),
            reason: fields.opt("reason"),
        };
        if let Err(error) = state.store.add_absence(member.actor(), &id, absence).await {
            problems.take(error.into())?;
        }
        Ok(problems)
    }
    .await;
    match result {
        Ok(problems) if problems.is_empty() => Redirect::to("/portail/magistrats?fait=absence").into_response(),
        Ok(problems) => match magistrates_page(&state, &member, &fields, problems, None).await {
            Ok(page) => render(&page, StatusCode::UNPROCESSABLE_ENTITY),
            Err(error) => failure_as(&member, &error),
        },
        Err(error) => failure_as(&member, &error),
    }
}
