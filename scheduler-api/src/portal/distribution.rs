//! The distribution board (`/portail/distribution`, and
//! `/portail/distribution/avocats-generaux` for the parquet général): the
//! batch of a chamber's oriented dossiers still to distribute, the
//! proposal for each with its reasons, a choice among who else may be
//! designated (a departure asks its reason), the magistrates' loads before
//! and after, and one button that confirms the whole batch — or, refused,
//! shows why with the choices kept. The same view as `GET
//! /chambers/{code}/distribution` (`api::distribution`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::distribution::Designating;
use greffe_store::distribution::DesignationInput;

use super::forms::Fields;
use super::pages::{HeaderMember, failure_as, render};
use super::session::Member;
use crate::api::AppState;
use crate::api::distribution::{Confirmation, DistributionParams, ProposalView, confirm, proposal_view};
use crate::error::Error;

/// The rapporteurs' board.
pub const HOME: &str = "/portail/distribution";
/// The avocats généraux' board.
pub const AVOCATS_GENERAUX: &str = "/portail/distribution/avocats-generaux";

/// One magistrate of a dossier's choice list.
struct Choice {
    id: String,
    label: String,
    selected: bool,
}

/// A dossier's line.
struct Line {
    index: usize,
    dossier: i64,
    pourvoi: String,
    version: i64,
    about: String,
    ruling_due: Option<String>,
    series: Option<String>,
    proposed: String,
    choices: Vec<Choice>,
    reasons: Vec<String>,
    refused: Vec<String>,
    reason: String,
    departs: bool,
}

/// A magistrate's load line.
struct LoadLine {
    name: String,
    role: String,
    section: String,
    share: String,
    due: usize,
    before: String,
    after: String,
    given: usize,
    /// Width of the bar after, in per cent of the heaviest.
    bar: u32,
}

#[derive(Template)]
#[template(path = "distribution.html")]
struct BoardPage {
    member: Option<HeaderMember>,
    csrf: String,
    action: &'static str,
    title: &'static str,
    designating: &'static str,
    whom: &'static str,
    chambers: Vec<(String, bool)>,
    chamber: String,
    week: String,
    flash: Option<String>,
    error: Option<(String, String)>,
    problems: Vec<String>,
    split_series: Vec<String>,
    summary: String,
    lines: Vec<Line>,
    loads: Vec<LoadLine>,
}

fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').replace('.', ",")
}

/// The chamber asked, else the member's first.
fn chamber_of(member: &Member, fields: &Fields) -> Option<String> {
    let asked = fields.get("chambre").trim();
    if !asked.is_empty() {
        return Some(asked.to_owned());
    }
    member.session.user.chambers.iter().find(|c| c.as_str() != "*").cloned()
}

/// `GET /portail/distribution`: the rapporteurs' board.
pub async fn rapporteurs(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let fields = Fields::parse(raw.unwrap_or_default().as_bytes());
    board(&state, &member, Designating::Rapporteur, &fields, None, StatusCode::OK).await
}

/// `GET /portail/distribution/avocats-generaux`: the parquet général's board.
pub async fn avocats_generaux(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let fields = Fields::parse(raw.unwrap_or_default().as_bytes());
    board(&state, &member, Designating::AvocatGeneral, &fields, None, StatusCode::OK).await
}

async fn board(
    state: &AppState,
    member: &Member,
    designating: Designating,
    fields: &Fields,
    refusal: Option<Error>,
    status: StatusCode,
) -> Response {
    let Some(chamber) = chamber_of(member, fields) else {
        let error = Error::invalid("chambre", "aucune chambre choisie", "choisir la chambre à distribuer");
        return failure_as(member, &error);
    };
    let week = fields.opt("semaine");
    let params = DistributionParams { designating: Some(designating), week: week.clone() };
    let view = match proposal_view(state, &member.caller(), &chamber, &params).await {
        Ok(view) => view,
        Err(error) => return failure_as(member, &error),
    };
    let posted = refusal.is_some();
    let page = page_of(member, designating, &chamber, week.unwrap_or_default(), &view, fields, posted, refusal);
    render(&page, status)
}

#[allow(clippy::too_many_arguments)]
fn page_of(
    member: &Member,
    designating: Designating,
    chamber: &str,
    week: String,
    view: &ProposalView,
    fields: &Fields,
    posted: bool,
    refusal: Option<Error>,
) -> BoardPage {
    let (action, title, whom, key) = match designating {
        Designating::Rapporteur => (HOME, "Distribution des rapporteurs", "rapporteur", "rapporteur"),
        Designating::AvocatGeneral => {
            (AVOCATS_GENERAUX, "Désignation des avocats généraux", "avocat général", "avocat_general")
        }
    };
    // What was posted, by dossier: the proposal read again may list the
    // batch in another order (a dossier registered meanwhile).
    let count: usize = fields.get("n").parse().unwrap_or(0);
    let sent: std::collections::BTreeMap<String, (String, String)> = (0..count)
        .map(|k| {
            let value = |name: &str| fields.get(&format!("{name}{k}")).to_owned();
            (value("d"), (value("m"), value("r")))
        })
        .collect();
    let lines = view
        .dossiers
        .iter()
        .enumerate()
        .map(|(index, d)| {
            let proposed = d.proposed.as_ref().map(|p| p.id.clone()).unwrap_or_default();
            let posted_here = sent.get(&d.dossier.to_string()).filter(|_| posted);
            let chosen = posted_here.map_or_else(|| proposed.clone(), |(m, _)| m.clone());
            let load_of = |id: &str| {
                view.magistrates
                    .iter()
                    .find(|m| m.id == id)
                    .map(|m| format!(" · {}", number(m.after / m.share)))
                    .unwrap_or_default()
            };
            let mut choices: Vec<Choice> = d
                .proposed
                .iter()
                .map(|p| Choice {
                    id: p.id.clone(),
                    label: format!("{}{} · proposé", p.name, load_of(&p.id)),
                    selected: chosen == p.id,
                })
                .collect();
            choices.extend(d.alternatives.iter().map(|a| Choice {
                id: a.id.clone(),
                label: format!("{}{}", a.name, load_of(&a.id)),
                selected: chosen == a.id,
            }));
            let about = [d.section.clone(), d.matter.clone(), Some(circuit_fr(&d.circuit).to_owned())]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            Line {
                index,
                dossier: d.dossier,
                pourvoi: d.pourvoi.clone(),
                version: d.version,
                about,
                ruling_due: d.ruling_due.as_deref().map(super::pages::date_fr),
                series: (d.series.len() > 1).then(|| d.series.join(", ")),
                departs: chosen != proposed,
                proposed,
                choices,
                reasons: d.reasons.clone(),
                refused: d.refused.iter().map(|r| format!("{} : {}", r.name, r.why)).collect(),
                reason: posted_here.map(|(_, r)| r.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let heaviest = view.magistrates.iter().map(|m| m.after / m.share).fold(0.0_f64, f64::max).max(1.0);
    let loads = view
        .magistrates
        .iter()
        .map(|m| LoadLine {
            name: format!("{} ({})", m.name, m.id),
            role: m.role.clone(),
            section: m.section.clone().unwrap_or_else(|| "—".into()),
            share: number(m.share),
            due: m.due,
            before: number(m.before / m.share),
            after: number(m.after / m.share),
            given: m.given,
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            bar: (100.0 * m.after / m.share / heaviest).round() as u32,
        })
        .collect();
    let summary = if view.dossiers.is_empty() {
        format!("Aucun dossier orienté n'attend son {whom} dans la chambre {chamber}.")
    } else if !view.problems.is_empty() {
        format!(
            "{} dossier(s) à distribuer : aucune proposition tant que les problèmes ci-dessous demeurent.",
            view.dossiers.len()
        )
    } else {
        let proof = if view.optimal {
            "répartition optimale prouvée".to_owned()
        } else {
            view.bound.map_or("répartition sans borne prouvée".to_owned(), |b| format!("borne {}", number(b)))
        };
        format!(
            "{} dossier(s) à distribuer — {proof}, calculée en {} ms.",
            view.dossiers.len(),
            number(view.solve_ms.round())
        )
    };
    let error = refusal.map(|error| {
        let (_, problem) = error.status_and_body();
        (problem.message, problem.action.unwrap_or_default())
    });
    BoardPage {
        member: Some(HeaderMember::of(member, action)),
        csrf: member.session.csrf.clone(),
        action,
        title,
        designating: key,
        whom,
        chambers: member
            .session
            .user
            .chambers
            .iter()
            .filter(|c| c.as_str() != "*")
            .map(|c| (c.clone(), c == chamber))
            .collect(),
        chamber: chamber.to_owned(),
        week,
        flash: (fields.get("fait") == "distribution")
            .then(|| format!("Désignations enregistrées et journalisées ({whom}).")),
        error,
        problems: view.problems.clone(),
        split_series: view.split_series.clone(),
        summary,
        lines,
        loads,
    }
}

fn circuit_fr(circuit: &str) -> &'static str {
    match circuit {
        "court" => "circuit court",
        "approfondi" => "circuit approfondi",
        _ => "circuit intermédiaire",
    }
}

/// `POST /portail/distribution` (and its avocats généraux' twin): the
/// batch confirmed as the board shows it, choices and reasons included.
pub async fn confirm_board(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let designating = if fields.get("designating") == "avocat_general" {
        Designating::AvocatGeneral
    } else {
        Designating::Rapporteur
    };
    if let Err(error) = member.require_csrf(fields.get("csrf")) {
        return failure_as(&member, &error);
    }
    let Some(chamber) = chamber_of(&member, &fields) else {
        return failure_as(&member, &Error::invalid("chambre", "aucune chambre", "recharger la page"));
    };
    // The proposal's reasons are journaled with each designation that
    // follows it: read again, as the board showed them.
    let params = DistributionParams { designating: Some(designating), week: fields.opt("semaine") };
    let view = match proposal_view(&state, &member.caller(), &chamber, &params).await {
        Ok(view) => view,
        Err(error) => return failure_as(&member, &error),
    };
    let count: usize = fields.get("n").parse().unwrap_or(0);
    let mut designations = Vec::with_capacity(count);
    for index in 0..count {
        let parse = |name: &str| fields.get(&format!("{name}{index}")).trim().parse::<i64>().ok();
        let (Some(dossier), Some(version)) = (parse("d"), parse("v")) else {
            let error = Error::bad_request("formulaire incomplet").action("recharger la page puis réessayer");
            return failure_as(&member, &error);
        };
        let proposed = fields.opt(&format!("p{index}"));
        let reasons = view
            .dossiers
            .iter()
            .find(|d| d.dossier == dossier && d.proposed.as_ref().map(|p| &p.id) == proposed.as_ref())
            .map(|d| d.reasons.clone())
            .unwrap_or_default();
        designations.push(DesignationInput {
            dossier,
            version,
            magistrate: fields.get(&format!("m{index}")).trim().to_owned(),
            proposed,
            reasons,
            reason: fields.opt(&format!("r{index}")),
        });
    }
    let input = Confirmation { designating: Some(designating), designations };
    let back = match designating {
        Designating::Rapporteur => HOME,
        Designating::AvocatGeneral => AVOCATS_GENERAUX,
    };
    match confirm(&state, &member.caller(), &chamber, input).await {
        Ok(_) => Redirect::to(&format!("{back}?chambre={chamber}&fait=distribution")).into_response(),
        Err(error) => {
            let (status, _) = error.status_and_body();
            board(&state, &member, designating, &fields, Some(error), status).await
        }
    }
}
