//! Planning in the portal: a chamber's drafts and proposals, asking for a
//! proposed plan and following its solve live, and the planning board of a
//! draft — hearings as columns, dossiers as cards, the checker's violations
//! on the cards and hearings they concern, a dossier moved by choosing it
//! then its hearing (keyboard and no-JavaScript friendly), validation.
//! Every operation goes through the API's own functions (`queue_proposal`,
//! `workflow::apply`, `workflow::validate`) and access table.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_checker::Violation;
use greffe_models::access::{Operation, View};
use greffe_models::edit::Edit;
use greffe_models::format::InstanceDoc;
use greffe_models::plan_status::PlanStatus;
use greffe_store::jobs::{Job, JobKind, JobStatus};
use greffe_store::plans::{PlanRecord, PlanSummary};

use super::amendment::{AmendmentPanel, SincePanel, since_panel};
use super::forms::{Field, Fields, Kind, Problems, choices};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::api::plans::{JobView, ProposalRequest, follow_job, queue_proposal};
use crate::error::Error;
use crate::workflow;

/// The formations a hearing of a chamber sits in (restreinte, de section,
/// plénière de chambre); chambre mixte and assemblée plénière are the
/// court's, not a chamber's board's.
const FORMATIONS: [&str; 3] = ["FR", "FS", "FP"];

/// Where the planning home is.
pub const HOME: &str = "/portail/audiencement";

/// The breadcrumb of a page under plan `id`'s board.
pub(crate) fn plan_crumbs(id: i64, title: &str) -> Vec<(String, String)> {
    vec![
        ("/portail/audiencement".to_owned(), "Audiencement".to_owned()),
        (format!("/portail/plans/{id}"), title.to_owned()),
    ]
}

/// A plan's line in a chamber's list.
#[derive(Debug, Clone)]
pub struct PlanRow {
    id: i64,
    title: String,
    period: String,
    status: &'static str,
    /// DSFR badge modifier of the status.
    badge: &'static str,
    violations: i64,
    created: String,
}

/// A proposal's line.
#[derive(Debug, Clone)]
pub struct JobRow {
    id: i64,
    status: &'static str,
    asked: String,
    plan_id: Option<i64>,
}

/// A chamber's planning: its plans and recent proposals.
#[derive(Debug, Clone)]
pub struct ChamberPlanning {
    code: String,
    plans: Vec<PlanRow>,
    jobs: Vec<JobRow>,
}

#[derive(Template)]
#[template(path = "planning.html")]
struct PlanningPage {
    member: Option<HeaderMember>,
    csrf: String,
    chambers: Vec<ChamberPlanning>,
    /// The member may ask for proposals.
    plans: bool,
    fields: Vec<Field>,
    problems: Problems,
}

pub(crate) fn status_badge(status: PlanStatus) -> (&'static str, &'static str) {
    let badge = match status {
        PlanStatus::Draft => "fr-badge--info",
        PlanStatus::Validated => "fr-badge--new",
        PlanStatus::Published => "fr-badge--success",
        PlanStatus::Amended => "fr-badge--warning",
        PlanStatus::Stale => "fr-badge--error",
    };
    (status.label_fr(), badge)
}

fn job_status_fr(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "en attente",
        JobStatus::Running => "en cours",
        JobStatus::Done => "terminée",
        JobStatus::Failed => "en échec",
        JobStatus::Cancelled => "annulée",
    }
}

/// The chambers whose drafts the member reads.
fn planning_chambers(member: &Member, all: &[String]) -> Vec<String> {
    all.iter().filter(|code| member.reads(View::Drafts) && member.session.user.covers(code)).cloned().collect()
}

/// The next Monday, and four weeks after it: the default period asked for.
fn default_period() -> (String, String) {
    use chrono::Datelike;
    let today = crate::api::today();
    let monday = today + chrono::Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    (monday.to_string(), (monday + chrono::Duration::days(25)).to_string())
}

async fn planning_page(
    state: &AppState,
    member: &Member,
    fields: &Fields,
    mut problems: Problems,
) -> Result<PlanningPage, Error> {
    let codes: Vec<String> = state.store.chambers().await?.into_iter().map(|c| c.chamber.code).collect();
    let codes = planning_chambers(member, &codes);
    if codes.is_empty() {
        return Err(Error::forbidden("l'audiencement est réservé aux chambres dont vous lisez les projets"));
    }
    let mut chambers = Vec::new();
    for code in &codes {
        let plans = state
            .store
            .plans(Some(std::slice::from_ref(code)), false)
            .await?
            .into_iter()
            .map(|p| {
                let (status, badge) = status_badge(p.status);
                PlanRow {
                    id: p.id,
                    title: p.title,
                    period: format!("du {} au {}", date_fr(&p.horizon_start), date_fr(&p.horizon_end)),
                    status,
                    badge,
                    violations: p.hard_violations,
                    created: format!("{}, le {}", p.created_by, instant_fr(&p.created_at)),
                }
            })
            .collect();
        let jobs = state
            .store
            .jobs(JobKind::Proposal, Some(code))
            .await?
            .into_iter()
            .take(5)
            .map(|job| JobRow {
                id: job.id,
                status: job_status_fr(job.status),
                asked: format!("{}, le {}", job.created_by, instant_fr(&job.created_at)),
                plan_id: JobView::of(&job).plan_id,
            })
            .collect();
        chambers.push(ChamberPlanning { code: code.clone(), plans, jobs });
    }
    let (start, end) = default_period();
    let value = |name: &str, default: &str| -> String {
        if fields.has(name) { fields.get(name).to_owned() } else { default.to_owned() }
    };
    let chamber = value("chamber", codes.first().map_or("", String::as_str));
    let objective = value("objective", "default");
    let form = vec![
        Field::new(Kind::Select, "chamber", "Chambre", &chamber, &problems)
            .choices(choices(codes.iter().map(|c| (c.as_str(), c.as_str())), &chamber, None))
            .required(),
        Field::new(Kind::Date, "start", "Premier jour", &value("start", &start), &problems).required(),
        Field::new(Kind::Date, "end", "Dernier jour", &value("end", &end), &problems)
            .hint("26 semaines au plus")
            .required(),
        Field::new(Kind::Select, "objective", "Objectif", &objective, &problems)
            .hint("par défaut : dossiers prioritaires, regroupés par matière, charges équilibrées")
            .choices(choices(
                [
                    ("default", "Par défaut (priorités, matières, charges)"),
                    ("benchmark", "Référence (priorités seules)"),
                ],
                &objective,
                None,
            )),
        Field::new(Kind::Text, "time_limit_s", "Temps de calcul (secondes)", &value("time_limit_s", "10"), &problems)
            .hint("de 1 à 600 ; dix secondes suffisent d'ordinaire"),
        Field::new(Kind::Text, "title", "Intitulé du projet", fields.get("title"), &problems)
            .hint("facultatif : « Proposition du » et la date sinon"),
    ];
    problems.label_from_fields(&form);
    Ok(PlanningPage {
        member: Some(HeaderMember::of(member, HOME)),
        csrf: member.session.csrf.clone(),
        plans: member.may(Operation::Plan),
        chambers,
        fields: form,
        problems,
    })
}

/// `GET /portail/audiencement`.
pub async fn home(State(state): State<AppState>, member: Member) -> Response {
    match planning_page(&state, &member, &Fields::default(), Problems::default()).await {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/audiencement/propositions`: the proposal is queued and
/// its page followed.
pub async fn ask(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<Result<Job, Problems>, Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        let caller = member.caller();
        caller.require(Operation::Plan)?;
        let chamber = fields.get("chamber").trim().to_owned();
        caller.require_chamber(&chamber)?;
        let mut problems = Problems::default();
        let time_limit = match fields.get("time_limit_s").trim().replace(',', ".") {
            raw if raw.is_empty() => None,
            raw => match raw.parse::<f64>() {
                Ok(seconds) => Some(seconds),
                Err(_) => {
                    problems.push(
                        "time_limit_s",
                        format!("« {raw} » n'est pas un nombre"),
                        "donner de 1 à 600 secondes",
                    );
                    return Ok(Err(problems));
                }
            },
        };
        let request = ProposalRequest {
            chamber,
            start: fields.get("start").trim().to_owned(),
            end: fields.get("end").trim().to_owned(),
            title: fields.opt("title"),
            objective: fields.opt("objective"),
            time_limit_s: time_limit,
            publication: None,
            dossiers: None,
        };
        match queue_proposal(&state, member.actor(), &request).await {
            Ok(job) => Ok(Ok(job)),
            Err(error) => {
                problems.take(error)?;
                Ok(Err(problems))
            }
        }
    }
    .await;
    match result {
        Ok(Ok(job)) => Redirect::to(&format!("/portail/propositions/{}", job.id)).into_response(),
        Ok(Err(problems)) => match planning_page(&state, &member, &fields, problems).await {
            Ok(page) => render(&page, StatusCode::UNPROCESSABLE_ENTITY),
            Err(error) => failure_as(&member, &error),
        },
        Err(error) => failure_as(&member, &error),
    }
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    member: Option<HeaderMember>,
    csrf: String,
    job: JobView,
    status: &'static str,
    phase: &'static str,
    /// Seconds allowed.
    time_limit_s: f64,
    /// Percent of the time limit spent (the bar).
    percent: u64,
    running: bool,
    may_cancel: bool,
    incumbent: String,
    bound: String,
    gap: String,
}

/// Proposal `raw_id` as its chamber's members read it (404 elsewhere).
async fn proposal_of(state: &AppState, member: &Member, raw_id: &str) -> Result<(Job, JobView), Error> {
    let id = crate::api::extract::numeric_id(raw_id, "proposition")?;
    let hidden = || Error::not_found(format!("proposition {id}"));
    let job = match state.store.job(id).await {
        Ok(job) => job,
        Err(greffe_store::Error::NotFound(_)) => return Err(hidden()),
        Err(error) => return Err(error.into()),
    };
    if job.kind != JobKind::Proposal || !crate::api::plans::may_see_drafts(state, &member.caller(), &job.scope) {
        return Err(hidden());
    }
    let view = JobView::of(&job);
    Ok((job, view))
}

/// A solve's phase, in French (as `proposition.js` writes it too).
fn phase_fr(phase: &str) -> &'static str {
    match phase {
        "solving" => "calcul",
        "checking" => "vérification",
        "done" => "terminé",
        _ => "préparation",
    }
}

pub(crate) fn number_fr(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}").replace('.', ","))
}

/// A relative gap as a percentage (`1,25 %`), or a dash.
pub(crate) fn gap_fr(gap: Option<f64>) -> String {
    gap.map_or_else(|| "—".to_owned(), |g| format!("{:.2} %", g * 100.0).replace('.', ","))
}

/// `GET /portail/propositions/{id}`: where the solve stands, followed live
/// (server-sent events; without JavaScript, the page reloads itself).
pub async fn proposal(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result: Result<Result<ProposalPage, i64>, Error> = async {
        let (job, view) = proposal_of(&state, &member, &raw_id).await?;
        if let (JobStatus::Done, Some(plan)) = (job.status, view.plan_id) {
            // Done: the draft opens.
            return Ok(Err(plan));
        }
        let time_limit_s = job.request["time_limit_s"].as_f64().unwrap_or(10.0);
        let percent = if job.status.is_final() {
            100
        } else {
            ((view.elapsed_ms as f64 / (time_limit_s * 10.0)).round() as u64).min(99)
        };
        let may_cancel = member.may(Operation::Plan) && member.session.user.covers(&job.scope);
        Ok(Ok(ProposalPage {
            member: Some(HeaderMember::of(&member, HOME)),
            csrf: member.session.csrf.clone(),
            status: job_status_fr(job.status),
            phase: phase_fr(&view.phase),
            time_limit_s,
            percent,
            running: !job.status.is_final(),
            may_cancel,
            incumbent: number_fr(view.incumbent),
            bound: number_fr(view.bound),
            gap: gap_fr(view.gap),
            job: view,
        }))
    }
    .await;
    match result {
        Ok(Ok(page)) => render(&page, StatusCode::OK),
        Ok(Err(plan)) => Redirect::to(&format!("/portail/plans/{plan}")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/propositions/{id}/suivi`: the proposal's progress as
/// server-sent events (the API's stream, under the portal's session).
pub async fn follow(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    match proposal_of(&state, &member, &raw_id).await {
        Ok((job, view)) => follow_job(&state, job.id, view, JobView::of, JobView::is_final),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/propositions/{id}/annuler`.
pub async fn cancel(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<i64, Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        let (job, _) = proposal_of(&state, &member, &raw_id).await?;
        let caller = member.caller();
        caller.require(Operation::Plan)?;
        caller.require_chamber(&job.scope)?;
        state.store.cancel_job(job.id).await?;
        Ok(job.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/propositions/{id}")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// A violation as the board shows it.
#[derive(Debug, Clone)]
pub struct ViolationLine {
    message: String,
    /// The rule's legal basis, when the law sets it.
    basis: Option<&'static str>,
    /// Anchor of the card or hearing concerned.
    anchor: Option<String>,
}

impl ViolationLine {
    fn of(violation: &Violation) -> Self {
        let anchor = violation
            .dossier
            .as_ref()
            .map(|d| format!("dossier-{d}"))
            .or_else(|| violation.hearing.as_ref().map(|h| format!("audience-{h}")));
        Self { message: violation.message.clone(), basis: violation.code.basis(), anchor }
    }
}

/// A dossier's card.
#[derive(Debug, Clone)]
pub struct Card {
    id: String,
    /// The registry's dossier page, when the member reads dossiers.
    link: Option<String>,
    pourvoi: String,
    matter: String,
    circuit: String,
    weight: String,
    priority: String,
    deadline: Option<String>,
    rapporteurs: String,
    ready: String,
    pinned: bool,
    violations: Vec<ViolationLine>,
    /// Why it is left out (unscheduled cards).
    reason: Option<String>,
    /// The card chosen to be moved.
    chosen: bool,
    /// The card the last edit moved.
    moved: bool,
}

/// A hearing's column.
#[derive(Debug, Clone)]
pub struct Column {
    id: String,
    title: String,
    formation: String,
    president: String,
    bench: String,
    weight_used: String,
    weight_capacity: String,
    weight_percent: u64,
    count_used: usize,
    count_capacity: i64,
    over: bool,
    violations: Vec<ViolationLine>,
    cards: Vec<Card>,
    /// The formations it may sit in, the current one marked.
    formations: Vec<(&'static str, bool)>,
    /// Its bench, by id and name (the seats a replacement takes).
    members: Vec<(String, String)>,
}

/// A notice task a publication created, as the board lists it.
#[derive(Debug, Clone)]
pub struct PlanNotice {
    /// The task.
    id: i64,
    pourvoi: String,
    hearing: String,
    what: &'static str,
    due: String,
    done: bool,
    /// Its last day had passed at publication: the clerk's reason.
    late_reason: Option<String>,
}

/// One line of a draft's history.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    seq: i64,
    at: String,
    actor: String,
    what: String,
    violations: i64,
    /// The edit can be undone (its inverse is known).
    undoable: bool,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    history: Vec<HistoryLine>,
    member: Option<HeaderMember>,
    csrf: String,
    id: i64,
    version: i64,
    title: String,
    chamber: String,
    period: String,
    status: &'static str,
    badge: &'static str,
    /// The computation's objective, when the plan came of one …
    objective: Option<String>,
    /// … and its bound, with the gap (a repair's plan has none).
    bound: Option<String>,
    gap: String,
    heard: usize,
    total: usize,
    /// Every violation, each linked to the card or hearing it concerns.
    violations: Vec<ViolationLine>,
    violation_count: usize,
    broken: Vec<String>,
    columns: Vec<Column>,
    unscheduled: Vec<Card>,
    /// Edits allowed (a draft, a member who plans the chamber).
    editable: bool,
    /// The president may validate.
    validates: bool,
    /// A clerk of the chamber may publish (the plan is validated).
    publishes: bool,
    /// The plan's rolls are published: the hearings link to their roll.
    published: bool,
    /// The violations are those of the published plan against the
    /// registry now (events since its publication).
    rechecked: bool,
    /// Why the published plan could not be checked against the registry.
    unchecked: Option<String>,
    /// The notice tasks its publication created.
    notices: Vec<PlanNotice>,
    /// Of which still to do, and published late.
    notices_to_do: usize,
    notices_late: usize,
    /// Why they were published late, as the clerk recorded it.
    late_reasons: Vec<String>,
    /// The list is unfolded (just published).
    notices_open: bool,
    /// The dossier chosen to be moved, with its pourvoi.
    moving: Option<(String, String)>,
    /// The chamber's sitting magistrates, by id and name (replacements).
    magistrates: Vec<(String, String)>,
    /// The chamber's other plans the member reads (to compare with), by id
    /// and title.
    others: Vec<(i64, String)>,
    /// A published plan in force: what happened since its publication.
    since: Option<SincePanel>,
    /// An amending draft: what it repairs and changes.
    amendment: Option<AmendmentPanel>,
    flash: Option<String>,
    problems: Vec<String>,
}

/// The draft `raw_id` as its chamber's members read it.
pub(crate) async fn readable_plan(state: &AppState, member: &Member, raw_id: &str) -> Result<PlanSummary, Error> {
    let id = crate::api::extract::numeric_id(raw_id, "plan")?;
    let summary = state.store.plan_summary(id).await?;
    let public = matches!(summary.status, PlanStatus::Published | PlanStatus::Amended);
    if !public && !crate::api::plans::may_see_drafts(state, &member.caller(), &summary.chamber) {
        return Err(Error::not_found(format!("plan {id}")));
    }
    Ok(summary)
}

fn fr2(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', ",")
}

pub(crate) fn half_day_fr(half_day: &str) -> &'static str {
    if half_day == "pm" { "après-midi" } else { "matin" }
}

fn board(
    member: &Member,
    record: &PlanRecord,
    doc: &InstanceDoc,
    moving: Option<&str>,
    moved: Option<&str>,
) -> BoardPage {
    let summary = &record.summary;
    let plan = &record.plan;
    let names: HashMap<&str, &str> =
        doc.magistrates.iter().map(|m| (m.id.as_str(), m.name.as_deref().unwrap_or(m.id.as_str()))).collect();
    let name = |id: &str| names.get(id).copied().unwrap_or(id).to_owned();
    let mut by_dossier: BTreeMap<String, Vec<ViolationLine>> = BTreeMap::new();
    let mut by_hearing: BTreeMap<String, Vec<ViolationLine>> = BTreeMap::new();
    let mut all = Vec::new();
    for violation in &record.report.violations {
        let line = ViolationLine::of(violation);
        match (&violation.dossier, &violation.hearing) {
            (Some(d), _) => by_dossier.entry(d.to_string()).or_default().push(line.clone()),
            (None, Some(h)) => by_hearing.entry(h.to_string()).or_default().push(line.clone()),
            (None, None) => {}
        }
        all.push(line);
    }
    let reads_dossiers = member.reads(View::Dossiers) && member.session.user.covers(&summary.chamber);
    let card = |d: &greffe_models::format::DossierDoc, reason: Option<String>| Card {
        id: d.id.clone(),
        link: reads_dossiers.then(|| format!("/portail/dossiers/{}", d.id)),
        pourvoi: d.pourvoi.clone(),
        matter: d.matter.clone().unwrap_or_default(),
        circuit: d.circuit.clone().unwrap_or_default(),
        weight: fr2(d.weight),
        priority: fr2(d.priority),
        deadline: d.deadline.as_deref().map(date_fr),
        rapporteurs: d.rapporteurs.iter().map(|r| name(r)).collect::<Vec<_>>().join(", "),
        ready: date_fr(&d.ready_date),
        pinned: d.pinned_hearing.is_some(),
        violations: by_dossier.get(&d.id).cloned().unwrap_or_default(),
        reason,
        chosen: moving == Some(d.id.as_str()),
        moved: moved == Some(d.id.as_str()),
    };
    let dossiers: HashMap<&str, &greffe_models::format::DossierDoc> =
        doc.dossiers.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut at: BTreeMap<&str, Vec<&greffe_models::format::DossierDoc>> = BTreeMap::new();
    for assignment in &plan.assignments {
        if let Some(d) = dossiers.get(assignment.dossier.as_str()) {
            at.entry(assignment.hearing.as_str()).or_default().push(d);
        }
    }
    let mut hearings: Vec<&greffe_models::format::HearingDoc> = doc.hearings.iter().collect();
    hearings.sort_by(|a, b| {
        (a.date.as_str(), a.half_day.as_str(), a.id.as_str()).cmp(&(
            b.date.as_str(),
            b.half_day.as_str(),
            b.id.as_str(),
        ))
    });
    let columns = hearings
        .iter()
        .map(|h| {
            let heard = at.remove(h.id.as_str()).unwrap_or_default();
            let weight: f64 = heard.iter().map(|d| d.weight).sum();
            let bench = plan.benches.iter().find(|b| b.hearing.as_str() == h.id);
            let mut cards: Vec<Card> = heard.iter().map(|d| card(d, None)).collect();
            cards.sort_by(|a, b| a.pourvoi.cmp(&b.pourvoi));
            Column {
                id: h.id.clone(),
                title: format!("{} ({})", date_fr(&h.date), half_day_fr(&h.half_day)),
                formation: h.formation.clone(),
                president: bench.map(|b| name(b.president.as_str())).unwrap_or_default(),
                bench: bench
                    .map(|b| {
                        b.members
                            .iter()
                            .filter(|m| **m != b.president)
                            .map(|m| name(m.as_str()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
                weight_used: fr2(weight),
                weight_capacity: fr2(h.capacity_weight),
                weight_percent: if h.capacity_weight > 0.0 {
                    ((weight / h.capacity_weight) * 100.0).round().clamp(0.0, 100.0) as u64
                } else {
                    0
                },
                count_used: cards.len(),
                count_capacity: h.capacity_count,
                over: weight > h.capacity_weight + 1e-9 || cards.len() as i64 > h.capacity_count,
                violations: by_hearing.get(&h.id).cloned().unwrap_or_default(),
                cards,
                formations: FORMATIONS.iter().map(|f| (*f, *f == h.formation)).collect(),
                members: bench
                    .map(|b| b.members.iter().map(|m| (m.to_string(), name(m.as_str()))).collect())
                    .unwrap_or_default(),
            }
        })
        .collect::<Vec<_>>();
    let mut unscheduled: Vec<Card> = plan
        .unscheduled
        .iter()
        .filter_map(|u| {
            let d = dossiers.get(u.dossier.as_str())?;
            let reason = if u.detail.is_empty() {
                u.reason.label_fr().to_owned()
            } else {
                format!("{} : {}", u.reason.label_fr(), u.detail)
            };
            Some(card(d, Some(reason)))
        })
        .collect();
    unscheduled.sort_by(|a, b| a.pourvoi.cmp(&b.pourvoi));
    let (status, badge) = status_badge(summary.status);
    let caller = member.caller();
    let editable =
        summary.status == PlanStatus::Draft && caller.0.role.may(Operation::Plan) && caller.0.covers(&summary.chamber);
    let validates = summary.status == PlanStatus::Draft
        && caller.0.role.may(Operation::ValidatePlan)
        && caller.0.covers(&summary.chamber);
    let publishes = summary.status == PlanStatus::Validated
        && caller.0.role.may(Operation::PublishPlan)
        && caller.0.covers(&summary.chamber);
    let heard = plan.assignments.len();
    BoardPage {
        history: Vec::new(),
        member: Some(HeaderMember::of(member, HOME)),
        csrf: member.session.csrf.clone(),
        id: summary.id,
        version: summary.version,
        title: summary.title.clone(),
        chamber: summary.chamber.clone(),
        period: format!("du {} au {}", date_fr(&summary.horizon_start), date_fr(&summary.horizon_end)),
        status,
        badge,
        objective: plan.objective.map(|v| number_fr(Some(v))),
        bound: plan.bound.map(|v| number_fr(Some(v))),
        gap: gap_fr(plan.gap),
        heard,
        total: heard + plan.unscheduled.len(),
        violation_count: record.report.violations.len(),
        violations: all,
        broken: plan.broken_requirements.iter().map(|b| format!("{} : {}", b.dossier, b.detail)).collect(),
        columns,
        unscheduled,
        editable,
        validates,
        publishes,
        published: matches!(summary.status, PlanStatus::Published | PlanStatus::Amended),
        rechecked: false,
        unchecked: None,
        notices: Vec::new(),
        notices_to_do: 0,
        notices_late: 0,
        late_reasons: Vec::new(),
        notices_open: false,
        moving: moving.and_then(|m| dossiers.get(m).map(|d| (d.id.clone(), d.pourvoi.clone()))),
        magistrates: doc
            .magistrates
            .iter()
            .filter(|m| m.role != "avocat_general")
            .map(|m| (m.id.clone(), name(&m.id)))
            .collect(),
        others: Vec::new(),
        since: None,
        amendment: None,
        flash: None,
        problems: Vec::new(),
    }
}

/// What an edit did, as a clerk says it.
fn describe_edit(doc: &InstanceDoc, edit: &Edit) -> String {
    let dossier = |id: &str| {
        doc.dossiers.iter().find(|d| d.id == id).map_or_else(|| id.to_owned(), |d| format!("n° {}", d.pourvoi))
    };
    let hearing = |id: &str| {
        doc.hearings.iter().find(|h| h.id == id).map_or_else(
            || id.to_owned(),
            |h| format!("l'audience du {} ({})", date_fr(&h.date), half_day_fr(&h.half_day)),
        )
    };
    let magistrate = |id: &str| {
        doc.magistrates.iter().find(|m| m.id == id).and_then(|m| m.name.clone()).unwrap_or_else(|| id.to_owned())
    };
    match edit {
        Edit::Move { dossier: d, hearing: Some(h) } => format!("dossier {} placé à {}", dossier(d), hearing(h)),
        Edit::Move { dossier: d, hearing: None } => format!("dossier {} retiré du projet", dossier(d)),
        Edit::SwapBench { hearing: h, member, replacement } => {
            format!("{} remplace {} à {}", magistrate(replacement), magistrate(member), hearing(h))
        }
        Edit::SetFormation { hearing: h, formation } => format!("{} en formation {formation}", hearing(h)),
        Edit::SetCapacity { hearing: h, capacity, weight } => format!(
            "capacité de {} : {capacity} dossier(s), poids {}",
            hearing(h),
            fr2(weight.unwrap_or(*capacity as f64))
        ),
        Edit::Pin { dossier: d } => format!("dossier {} fixé à son audience", dossier(d)),
        Edit::Unpin { dossier: d } => format!("dossier {} libéré", dossier(d)),
    }
}

/// The notice tasks the plan's publication created, for the members who
/// read notices.
async fn notices_of(
    state: &AppState,
    member: &Member,
    summary: &PlanSummary,
    doc: &InstanceDoc,
) -> Result<Vec<PlanNotice>, Error> {
    let published = matches!(summary.status, PlanStatus::Published | PlanStatus::Amended);
    if !published || !member.may(Operation::ReadNotices) || !member.session.user.covers(&summary.chamber) {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .plan_notice_tasks(summary.id)
        .await?
        .into_iter()
        .map(|(task, done)| PlanNotice {
            id: task.id,
            pourvoi: task.pourvoi,
            hearing: task.hearing_id.as_deref().map(|h| super::publication::hearing_title(doc, h)).unwrap_or_default(),
            what: greffe_models::diff::TaskKind::parse(&task.kind)
                .map_or("avis", greffe_models::diff::TaskKind::label_fr),
            due: task.due.as_deref().map_or_else(|| "—".to_owned(), date_fr),
            done,
            late_reason: task.late_reason,
        })
        .collect())
}

/// The draft's history, newest first, as the board lists it.
async fn history_of(state: &AppState, id: i64, doc: &InstanceDoc) -> Result<Vec<HistoryLine>, Error> {
    let mut lines: Vec<HistoryLine> = state
        .store
        .plan_history(id)
        .await?
        .into_iter()
        .map(|entry| {
            let edit: Option<Edit> = serde_json::from_value(entry.detail["edit"].clone()).ok();
            let what = match (entry.action.as_str(), &edit) {
                ("edit", Some(edit)) => describe_edit(doc, edit),
                ("created", _) => "projet créé".to_owned(),
                ("validated", _) => "projet validé".to_owned(),
                ("published", _) => "projet publié".to_owned(),
                ("stale", _) => "projet périmé".to_owned(),
                (other, _) => other.to_owned(),
            };
            HistoryLine {
                seq: entry.seq,
                at: instant_fr(&entry.at),
                actor: entry.actor,
                what,
                violations: entry.hard_violations,
                undoable: entry.action == "edit" && !entry.detail["undo"].is_null(),
            }
        })
        .collect();
    lines.reverse();
    Ok(lines)
}

/// `GET /portail/plans/{id}` (`?deplacer=DOSSIER`: choose its hearing;
/// `?deplace=DOSSIER`: the dossier just moved, its violations shown first).
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = Fields::parse(raw.unwrap_or_default().as_bytes());
    let result: Result<BoardPage, Error> = async {
        let summary = readable_plan(&state, &member, &raw_id).await?;
        let mut record = state.store.plan(summary.id).await?;
        let doc = state.store.plan_instance(summary.id).await?;
        // A published plan in force is checked against the registry as it
        // is now: later events (absence, recusal, withdrawal, a dossier no
        // longer ready) show on the cards and hearings they touch.
        let mut in_force = summary.status == PlanStatus::Published;
        let mut unchecked = None;
        let mut since = None;
        if in_force {
            match workflow::plan_in_force(&state.store, &state.rules, &summary).await {
                Ok(now) => {
                    record.report = now.recheck.report;
                    since = Some((now.since, now.published));
                }
                Err(error) => {
                    // The plan as published is still shown, the reason said.
                    in_force = false;
                    unchecked = Some(format!(
                        "Le plan publié n'a pas pu être vérifié contre le registre actuel : {}",
                        error.status_and_body().1.message
                    ));
                }
            }
        }
        let moving = query.opt("deplacer");
        let moved = query.opt("deplace");
        let mut page = board(&member, &record, &doc, moving.as_deref(), moved.as_deref());
        page.rechecked = in_force;
        page.unchecked = unchecked;
        page.history = history_of(&state, summary.id, &doc).await?;
        page.notices = notices_of(&state, &member, &summary, &doc).await?;
        let drafts = crate::api::plans::may_see_drafts(&state, &member.caller(), &summary.chamber);
        let plans = state.store.plans(Some(std::slice::from_ref(&summary.chamber)), !drafts).await?;
        if let Some((since, published)) = since {
            page.since = Some(since_panel(&member, &summary, since, &published, &plans));
        }
        if matches!(summary.status, PlanStatus::Draft | PlanStatus::Validated) {
            if let Some(view) = workflow::amendment_view(&state.store, &summary).await? {
                page.amendment = Some(AmendmentPanel::of(view, &doc));
            }
        }
        page.others = plans
            .into_iter()
            .filter(|p| p.id != summary.id)
            .map(|p| (p.id, format!("{} ({}, n° {})", p.title, status_badge(p.status).0, p.id)))
            .collect();
        page.notices_to_do = page.notices.iter().filter(|n| !n.done).count();
        page.notices_late = page.notices.iter().filter(|n| n.late_reason.is_some()).count();
        page.late_reasons = page.notices.iter().filter_map(|n| n.late_reason.clone()).collect();
        page.late_reasons.sort();
        page.late_reasons.dedup();
        if let Some(moved) = &moved {
            let card = page
                .columns
                .iter()
                .flat_map(|c| c.cards.iter())
                .chain(page.unscheduled.iter())
                .find(|c| &c.id == moved);
            page.flash = card.map(|card| match card.violations.len() {
                0 => format!("Dossier {} déplacé : aucune règle enfreinte à son sujet.", card.pourvoi),
                n => format!(
                    "Dossier {} déplacé : {n} règle(s) enfreinte(s) à son sujet, signalée(s) sur sa fiche.",
                    card.pourvoi
                ),
            });
        }
        match query.get("fait") {
            "valide" => page.flash = Some("Projet validé : le greffe peut le publier.".to_owned()),
            "publie" => {
                page.notices_open = true;
                page.flash = Some(format!(
                    "Plan publié : les rôles sont écrits et {} tâche(s) d'avis créée(s), listées ci-dessous.",
                    page.notices.len()
                ));
            }
            "avenant" => {
                page.flash = page.amendment.as_ref().map(|a| {
                    format!(
                        "Avenant proposé : {} changement(s) aux rôles publiés (le minimum possible est {}). Vérifiez-les ci-dessous, puis faites valider et publier l'avenant.",
                        a.changes, a.minimum
                    )
                });
            }
            "annule" => page.flash = Some("Modification annulée : le projet est revenu à l'état précédent.".to_owned()),
            "modifie" => {
                page.flash = page.history.first().map(|line| match line.violations {
                    0 => format!("Modification enregistrée ({}) : aucune règle enfreinte.", line.what),
                    n => format!(
                        "Modification enregistrée ({}) : {n} règle(s) enfreinte(s) dans le projet, signalée(s) ci-dessous.",
                        line.what
                    ),
                });
            }
            _ => {}
        }
        Ok(page)
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// The plan `raw_id` and the version the board showed, for a member allowed
/// `operation` in its chamber (form token checked).
async fn editable_plan(
    state: &AppState,
    member: &Member,
    raw_id: &str,
    fields: &Fields,
    operation: Operation,
) -> Result<(PlanSummary, i64), Error> {
    member.require_csrf(fields.get("csrf"))?;
    let summary = readable_plan(state, member, raw_id).await?;
    let caller = member.caller();
    caller.require(operation)?;
    caller.require_chamber(&summary.chamber)?;
    let version = form_version(fields, "version du projet absente", "recharger le tableau et recommencer")?;
    Ok((summary, version))
}

/// The plan's version a form carries (its `If-Match`), refused with
/// `message` and `fix` when absent or unreadable.
pub(crate) fn form_version(fields: &Fields, message: &str, fix: &str) -> Result<i64, Error> {
    fields.get("version").trim().parse::<i64>().map_err(|_| Error::invalid("version", message, fix))
}

/// One edit from the board, applied through `workflow::apply` and checked
/// at once.
async fn edit_from_board(
    state: &AppState,
    member: &Member,
    raw_id: &str,
    fields: &Fields,
    edit: Result<Edit, Error>,
) -> Result<i64, Error> {
    let (summary, version) = editable_plan(state, member, raw_id, fields, Operation::Plan).await?;
    workflow::apply(&state.store, member.actor(), summary.id, version, &edit?).await?;
    Ok(summary.id)
}

/// `POST /portail/plans/{id}/deplacer`: `dossier` to `hearing` (empty: out
/// of the plan), at `version`; checked at once.
pub async fn move_dossier(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let dossier = fields.get("dossier").trim().to_owned();
    let edit = Ok(Edit::Move { dossier: dossier.clone(), hearing: fields.opt("hearing") });
    match edit_from_board(&state, &member, &raw_id, &fields, edit).await {
        Ok(id) => Redirect::to(&format!("/portail/plans/{id}?deplace={dossier}#dossier-{dossier}")).into_response(),
        Err(error) => board_refusal(&state, &member, &raw_id, &error).await,
    }
}

/// The edit a hearing's or card's form asks for: `action` is `formation`
/// (`hearing`, `formation`), `capacite` (`hearing`, `capacity`, `weight`),
/// `remplacer` (`hearing`, `member`, `replacement`), `fixer` or `liberer`
/// (`dossier`).
fn edit_of(fields: &Fields) -> Result<Edit, Error> {
    let hearing = || fields.get("hearing").trim().to_owned();
    let dossier = || fields.get("dossier").trim().to_owned();
    match fields.get("action") {
        "formation" => {
            Ok(Edit::SetFormation { hearing: hearing(), formation: fields.get("formation").trim().to_owned() })
        }
        "capacite" => {
            let capacity = fields.get("capacity").trim().parse::<i64>().map_err(|_| {
                Error::invalid("capacity", "nombre de dossiers illisible", "donner un nombre entier de 0 à 1000")
            })?;
            let weight = match fields.get("weight").trim().replace(',', ".") {
                raw if raw.is_empty() => None,
                raw => Some(raw.parse::<f64>().map_err(|_| {
                    Error::invalid("weight", format!("poids « {raw} » illisible"), "donner un nombre, par exemple 12,5")
                })?),
            };
            Ok(Edit::SetCapacity { hearing: hearing(), capacity, weight })
        }
        "remplacer" => match fields.opt("replacement") {
            Some(replacement) => Ok(Edit::SwapBench {
                hearing: hearing(),
                member: fields.get("member").trim().to_owned(),
                replacement: replacement.trim().to_owned(),
            }),
            None => Err(Error::invalid(
                "replacement",
                "aucun magistrat choisi pour siéger à la place",
                "choisir le magistrat qui remplace le membre",
            )),
        },
        "fixer" => Ok(Edit::Pin { dossier: dossier() }),
        "liberer" => Ok(Edit::Unpin { dossier: dossier() }),
        other => Err(Error::invalid(
            "action",
            format!("modification « {other} » inconnue"),
            "choisir formation, capacite, remplacer, fixer ou liberer",
        )),
    }
}

/// `POST /portail/plans/{id}/modifier`: a hearing's formation, capacity or
/// bench member changed, a dossier pinned or freed ([`edit_of`]); checked
/// at once, the board shown again at what changed.
pub async fn edit(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let anchor = match fields.get("action") {
        "fixer" | "liberer" => format!("dossier-{}", fields.get("dossier").trim()),
        _ => format!("audience-{}", fields.get("hearing").trim()),
    };
    match edit_from_board(&state, &member, &raw_id, &fields, edit_of(&fields)).await {
        Ok(id) => Redirect::to(&format!("/portail/plans/{id}?fait=modifie#{anchor}")).into_response(),
        Err(error) => board_refusal(&state, &member, &raw_id, &error).await,
    }
}

/// `POST /portail/plans/{id}/annuler`: the edit `seq` of the history
/// undone (its inverse applied as a new edit, checked at once).
pub async fn undo(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<i64, Error> = async {
        let (summary, version) = editable_plan(&state, &member, &raw_id, &fields, Operation::Plan).await?;
        let seq = fields.get("seq").trim().parse::<i64>().map_err(|_| {
            Error::invalid("seq", "modification à annuler non désignée", "choisir la modification dans l'historique")
        })?;
        let history = state.store.plan_history(summary.id).await?;
        let undo: Edit = history
            .iter()
            .find(|entry| entry.seq == seq && entry.action == "edit")
            .and_then(|entry| serde_json::from_value(entry.detail["undo"].clone()).ok())
            .ok_or_else(|| {
                Error::invalid(
                    "seq",
                    "cette modification ne s'annule pas d'un geste",
                    "la défaire à la main sur le tableau",
                )
            })?;
        workflow::apply(&state.store, member.actor(), summary.id, version, &undo).await?;
        Ok(summary.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/plans/{id}?fait=annule")).into_response(),
        Err(error) => board_refusal(&state, &member, &raw_id, &error).await,
    }
}

/// `POST /portail/plans/{id}/valider` (the chamber's president).
pub async fn validate(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<i64, Error> = async {
        let (summary, version) = editable_plan(&state, &member, &raw_id, &fields, Operation::ValidatePlan).await?;
        workflow::validate(&state.store, &state.rules, member.actor(), &summary, version, None).await?;
        Ok(summary.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/plans/{id}?fait=valide")).into_response(),
        Err(error) => board_refusal(&state, &member, &raw_id, &error).await,
    }
}

/// A refused edit or transition: the board as it stands, the refusal at its
/// top (the violations named, or the change made meanwhile by someone else).
pub(crate) async fn board_refusal(state: &AppState, member: &Member, raw_id: &str, error: &Error) -> Response {
    let (status, problem) = error.status_and_body();
    if !matches!(status, StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED | StatusCode::UNPROCESSABLE_ENTITY) {
        return failure_as(member, error);
    }
    let shown: Result<BoardPage, Error> = async {
        let summary = readable_plan(state, member, raw_id).await?;
        let record = state.store.plan(summary.id).await?;
        let doc = state.store.plan_instance(summary.id).await?;
        let mut page = board(member, &record, &doc, None, None);
        page.history = history_of(state, summary.id, &doc).await?;
        let stale = status == StatusCode::PRECONDITION_FAILED;
        let mut lines = vec![if stale {
            "Le projet a été modifié entre-temps : voici son état actuel ; recommencez si besoin.".to_owned()
        } else {
            problem.message.clone()
        }];
        if let Some(action) = problem.action.filter(|_| !stale) {
            lines.push(action);
        }
        page.problems = lines;
        Ok(page)
    }
    .await;
    match shown {
        Ok(page) => render(&page, status),
        Err(other) => failure_as(member, &other),
    }
}
