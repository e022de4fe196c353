//! The portal's pages: sign-in and sign-out, each role's home, the
//! accessibility statement, and the error page. Each handler reads through
//! the store and the one access table (`models::access`) the API uses, so a
//! page never shows what the API would refuse.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use greffe_models::access::{Operation, UserRole, View, Visibility};
use greffe_models::deadlines::DeadlineConfig;
use greffe_models::diff::TaskKind;
use greffe_models::plan_status::PlanStatus;
use greffe_store::dossiers::DossierQuery;
use greffe_store::sessions::{SignIn, random_hex};
use serde::Deserialize;

use super::session::{
    Member, SESSION_COOKIE, SIGNIN_CSRF_COOKIE, constant_time_eq, cookie, session_cookie, set_cookie,
};
use crate::api::{AppState, today};
use crate::error::Error;

/// An entry of the portal's main menu.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it leads.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// The page shown is under it.
    pub current: bool,
}

/// Who is signed in, as the page header shows it, and the menu of what
/// the member's role may do.
#[derive(Debug, Clone)]
pub struct HeaderMember {
    /// Full name.
    pub name: String,
    /// Role, in French.
    pub role: String,
    /// The session's CSRF token (the sign-out form).
    pub csrf: String,
    /// The main menu.
    pub nav: Vec<NavItem>,
    /// The header's dossier search is offered (the member reads dossiers).
    pub searches: bool,
}

impl HeaderMember {
    /// The header of a page under menu entry `here` (its `href`).
    pub fn of(member: &Member, here: &str) -> Self {
        Self::of_session(&member.session, here, &member.visibility)
    }

    fn of_session(session: &greffe_store::sessions::Session, here: &str, visibility: &Visibility) -> Self {
        let role = session.user.role;
        let searches = visibility.allows(role, View::Dossiers);
        let calendar = visibility.allows(role, View::Published);
        let entries: [(&'static str, &'static str, Option<Operation>); 12] = [
            ("/portail/", "Accueil", None),
            (super::decision::DUE_HOME, "Mes dossiers", Some(Operation::DraftDecision)),
            ("/portail/dossiers", "Dossiers", None),
            ("/portail/dossiers/nouveau", "Enregistrer un pourvoi", Some(Operation::WriteDossier)),
            ("/portail/cnp", "Certificat de non-pourvoi", Some(Operation::AnswerCnp)),
            ("/portail/tableau-de-bord", "Tableau de bord", Some(Operation::ReadDashboard)),
            (super::calendar::HOME, "Calendrier", None),
            (super::distribution::HOME, "Distribution", Some(Operation::DesignateRapporteurs)),
            (super::distribution::AVOCATS_GENERAUX, "Avocats généraux", Some(Operation::DesignateAvocatsGeneraux)),
            (super::planning::HOME, "Audiencement", Some(Operation::Plan)),
            ("/portail/magistrats", "Magistrats", Some(Operation::RecordAbsence)),
            (super::simulations::HOME, "Simulations", Some(Operation::Simulate)),
        ];
        Self {
            name: session.user.name.clone(),
            role: role.label_fr().to_owned(),
            csrf: session.csrf.clone(),
            nav: entries
                .into_iter()
                .filter(|(href, _, operation)| {
                    operation.is_none_or(|op| role.may(op))
                        && (searches || !href.contains("dossiers"))
                        && (calendar || *href != super::calendar::HOME)
                })
                .map(|(href, label, _)| NavItem { href, label, current: href == here })
                .collect(),
            searches,
        }
    }
}

/// A page, or the error page when the template fails (logged).
pub fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "erreur interne du portail").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    member: Option<HeaderMember>,
    title: String,
    message: String,
    action: Option<String>,
}

/// The page of a failure shown to a signed-in member (the header keeps
/// the menu and the sign-out button).
pub fn failure_as(member: &Member, error: &Error) -> Response {
    failure_page(Some(HeaderMember::of(member, "")), error)
}

/// The page of a failure, with the status the API would answer.
pub fn failure(error: &Error) -> Response {
    failure_page(None, error)
}

fn failure_page(member: Option<HeaderMember>, error: &Error) -> Response {
    let (status, problem) = error.status_and_body();
    if status.is_server_error() {
        // Logged once, here, as the API's responses are.
        tracing::error!(error = %error, "portal request failed");
    }
    let title = match status {
        StatusCode::NOT_FOUND => "Page introuvable",
        StatusCode::FORBIDDEN => "Accès refusé",
        status if status.is_server_error() => "Service indisponible",
        _ => "Demande refusée",
    };
    render(&ErrorPage { member, title: title.to_owned(), message: problem.message, action: problem.action }, status)
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    member: Option<HeaderMember>,
    csrf: String,
    next: String,
    user_id: String,
    error: Option<String>,
    signed_out: bool,
}

/// The query of the sign-in page.
#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    /// Where to go once signed in.
    #[serde(default)]
    suite: Option<String>,
    /// Set after a sign-out.
    #[serde(default)]
    deconnecte: Option<String>,
}

/// Only paths of the portal itself: never another site, never `//host`.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with("/portail/") && !path.starts_with("//") && !path.contains("\\") => {
            path.to_owned()
        }
        _ => "/portail/".to_owned(),
    }
}

/// A sign-in form with a fresh CSRF token in its cookie (double submit).
fn sign_in_form(
    headers: &HeaderMap,
    next: String,
    user_id: String,
    error: Option<String>,
    signed_out: bool,
) -> Response {
    let csrf = match random_hex(32) {
        Ok(csrf) => csrf,
        Err(error) => return failure(&error.into()),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response =
        render(&SignInPage { member: None, csrf: csrf.clone(), next, user_id, error, signed_out }, status);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(headers, SIGNIN_CSRF_COOKIE, &csrf, 3600));
    response
}

/// `GET /portail/connexion`.
pub async fn sign_in_page(headers: HeaderMap, Query(query): Query<SignInQuery>) -> Response {
    sign_in_form(&headers, safe_next(query.suite.as_deref()), String::new(), None, query.deconnecte.is_some())
}

/// The sign-in form as posted.
#[derive(Debug, Default, Deserialize)]
struct SignInForm {
    #[serde(default)]
    identifiant: String,
    #[serde(default)]
    mot_de_passe: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    suite: String,
}

/// `POST /portail/connexion`: a session on success; the form again, with
/// what went wrong and the identifier typed, otherwise. A refusal waits a
/// second before answering (repeated failures are also throttled by the
/// store and journaled).
pub async fn sign_in(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: SignInForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let next = safe_next(Some(&form.suite));
    let expected = cookie(&headers, SIGNIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        let message = "Le formulaire a expiré ou ne vient pas de ce portail : saisissez à nouveau vos identifiants.";
        return sign_in_form(&headers, next, form.identifiant, Some(message.to_owned()), false);
    }
    let user_id = form.identifiant.trim().to_owned();
    match state.store.sign_in(&user_id, &form.mot_de_passe).await {
        Ok(SignIn::Granted { token, .. }) => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().append(header::SET_COOKIE, session_cookie(&headers, &token));
            response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, SIGNIN_CSRF_COOKIE, "", 0));
            response
        }
        Ok(SignIn::Refused) => {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let message = "Identifiant ou mot de passe incorrect. Vérifiez-les, ou demandez à l'administrateur de vous attribuer un mot de passe.";
            sign_in_form(&headers, next, user_id, Some(message.to_owned()), false)
        }
        Ok(SignIn::Throttled { retry_after_minutes }) => {
            let message = format!(
                "Trop d'essais infructueux pour ce compte : réessayez dans {retry_after_minutes} minutes, ou contactez l'administrateur."
            );
            sign_in_form(&headers, next, user_id, Some(message), false)
        }
        Err(error) => failure(&error.into()),
    }
}

/// The sign-out form as posted.
#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /portail/deconnexion`.
pub async fn sign_out(State(state): State<AppState>, member: Member, headers: HeaderMap, body: Bytes) -> Response {
    let form: CsrfForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if let Err(error) = member.require_csrf(&form.csrf) {
        return failure(&error);
    }
    if let Err(error) = state.store.sign_out(&member.token).await {
        return failure(&error.into());
    }
    let mut response = Redirect::to("/portail/connexion?deconnecte=1").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, "", 0));
    response
}

/// One task line of a home page.
#[derive(Debug, Clone)]
pub struct TaskRow {
    dossier_id: i64,
    due: String,
    pourvoi: String,
    chamber: String,
    label: String,
    article: String,
    who: String,
    confirmed: bool,
}

/// Tasks of one urgency.
#[derive(Debug, Clone)]
pub struct TaskSection {
    id: &'static str,
    title: &'static str,
    badge: &'static str,
    tasks: Vec<TaskRow>,
}

/// A notice to send.
#[derive(Debug, Clone)]
pub struct NoticeRow {
    id: i64,
    dossier_id: i64,
    pourvoi: String,
    due: String,
    hearing: Option<String>,
    label: String,
    /// What its PDF is (« avis d'audience », « communication aux avocats »…).
    document: &'static str,
    /// Where each of its recipients stands (the outbox), in French.
    sending: Vec<Sending>,
}

/// One recipient of a notice, as the clerk follows it.
#[derive(Debug, Clone)]
pub struct Sending {
    /// The outbox row (its page: `/portail/envois/{id}`).
    pub id: i64,
    /// Whether the clerk has something to do (a letter to post, a refusal).
    pub awaits_clerk: bool,
    /// The lawyer's office or the party, and the address.
    to: String,
    /// Where it stands, in French (« envoyé le … », « refusé : … »).
    pub state: String,
    /// Badge: `success`, `info`, `warning`, `error`.
    pub tone: &'static str,
}

impl Sending {
    /// Where outbox row `item` stands, as the clerk reads it.
    pub fn of(item: &greffe_store::outbox::OutboxItem) -> Self {
        use greffe_store::outbox::OutboxStatus;
        let to = match &item.address {
            Some(address) => format!("{} ({address})", item.recipient),
            None => format!("{} (adresse à compléter)", item.recipient),
        };
        let when =
            |at: &Option<String>| at.as_deref().map(|at| at.get(..10).unwrap_or(at).to_owned()).unwrap_or_default();
        let (state, tone) = match item.status {
            OutboxStatus::Sent => (format!("envoyé le {}", date_fr(&when(&item.sent_at))), "success"),
            OutboxStatus::Posted => (format!("lettre postée le {}", date_fr(&when(&item.sent_at))), "success"),
            OutboxStatus::Pending if item.attempts == 0 => ("en attente d'envoi".to_owned(), "info"),
            OutboxStatus::Pending => (
                format!(
                    "nouvel essai prévu ({} essai(s) : {})",
                    item.attempts,
                    item.last_error.as_deref().unwrap_or("sans réponse")
                ),
                "warning",
            ),
            OutboxStatus::Refused => (
                format!("refusé : {} — envoyer l'avis autrement", item.last_error.as_deref().unwrap_or("sans motif")),
                "error",
            ),
            OutboxStatus::Letter => ("lettre à imprimer et poster".to_owned(), "warning"),
        };
        Self { id: item.id, awaits_clerk: super::outbox::awaits_clerk(item), to, state, tone }
    }
}

/// A hearing of the period.
#[derive(Debug, Clone)]
pub struct HearingRow {
    id: String,
    bench: String,
    date: String,
    half_day: &'static str,
    chamber: String,
    formation: String,
    room: String,
    capacity: i64,
}

/// A chamber's stock figures.
#[derive(Debug, Clone)]
pub struct StockRow {
    chamber: String,
    open: i64,
    ready: i64,
    missed: i64,
    clearance: String,
    median_days: String,
}

/// A dossier ready to be heard and not yet on a roll.
#[derive(Debug, Clone)]
pub struct ReadyRow {
    id: i64,
    pourvoi: String,
    chamber: String,
    circuit: String,
    registered_on: String,
}

/// A hearing plan of the chamber not yet published.
#[derive(Debug, Clone)]
pub struct DraftRow {
    title: String,
    chamber: String,
    period: String,
    status: String,
    violations: i64,
    by: String,
}

/// A dossier of a magistrate's own.
#[derive(Debug, Clone)]
pub struct MineRow {
    id: i64,
    pourvoi: String,
    chamber: String,
    status: String,
    capacity: &'static str,
    due: &'static str,
    filed: bool,
    next_hearing: String,
}

/// A hearing of a magistrate's agenda.
#[derive(Debug, Clone)]
pub struct AgendaRow {
    hearing: String,
    date: String,
    half_day: &'static str,
    chamber: String,
    formation: String,
    capacities: String,
    dossiers: String,
}

/// A user account (administrator's home).
#[derive(Debug, Clone)]
pub struct UserRow {
    id: String,
    name: String,
    role: String,
    chambers: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    member: Option<HeaderMember>,
    name: String,
    role_label: String,
    scope: String,
    today: String,
    show_tasks: bool,
    tasks_title: String,
    task_sections: Vec<TaskSection>,
    show_notices: bool,
    notices: Vec<NoticeRow>,
    show_hearings: bool,
    hearings_title: String,
    hearings: Vec<HearingRow>,
    show_stock: bool,
    stock: Vec<StockRow>,
    show_ready: bool,
    ready: Vec<ReadyRow>,
    show_drafts: bool,
    drafts: Vec<DraftRow>,
    show_mine: bool,
    mine: Vec<MineRow>,
    agenda: Vec<AgendaRow>,
    users: Vec<UserRow>,
    can_complete: bool,
    csrf: String,
    flash: Option<&'static str>,
}

/// A magistrate's capacity at a hearing, in French.
fn capacity_fr(code: &str) -> &str {
    match code {
        "preside" => "préside",
        "siege" => "siège",
        "rapporteur" => "rapporteur",
        "avocat_general" => "avocat général",
        other => other,
    }
}

/// A stored date (`2026-05-13`) as the court writes it (`13/05/2026`).
pub fn date_fr(iso: &str) -> String {
    greffe_models::dates::parse_date(iso).map_or_else(|_| iso.to_owned(), |d| d.format("%d/%m/%Y").to_string())
}

/// A stored instant (RFC 3339, UTC) as Paris time (`13/05/2026 à 14:05`).
pub fn instant_fr(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored).map_or_else(
        |_| stored.to_owned(),
        |at| greffe_models::dates::paris_time(at.with_timezone(&chrono::Utc)).format("%d/%m/%Y à %H:%M").to_string(),
    )
}

fn who_fr(applies_to: &str) -> String {
    match applies_to {
        "demandeur" => "demandeur".to_owned(),
        "defendeur" => "défendeur".to_owned(),
        "court" => "la Cour".to_owned(),
        "rapporteur" => "le rapporteur".to_owned(),
        other => other.to_owned(),
    }
}

/// `GET /portail/`: the home of the member's role.
pub async fn home(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let query = super::forms::Fields::parse(raw.unwrap_or_default().as_bytes());
    match home_page(&state, &member).await {
        Ok(mut page) => {
            page.flash = (query.get("fait") == "tache").then_some("Tâche marquée comme faite.");
            render(&page, StatusCode::OK)
        }
        Err(error) => failure_as(&member, &error),
    }
}

async fn home_page(state: &AppState, member: &Member) -> Result<HomePage, Error> {
    let user = &member.session.user;
    let today = today();
    let scope = if user.covers_all() {
        "toutes les chambres".to_owned()
    } else {
        format!("chambre(s) {}", user.chambers.join(", "))
    };
    let mut page = HomePage {
        member: Some(HeaderMember::of(member, "/portail/")),
        name: user.name.clone(),
        role_label: user.role.label_fr().to_owned(),
        scope,
        today: today.format("%d/%m/%Y").to_string(),
        show_tasks: false,
        tasks_title: String::new(),
        task_sections: Vec::new(),
        show_notices: false,
        notices: Vec::new(),
        show_hearings: false,
        hearings_title: String::new(),
        hearings: Vec::new(),
        show_stock: false,
        stock: Vec::new(),
        show_ready: false,
        ready: Vec::new(),
        show_drafts: false,
        drafts: Vec::new(),
        show_mine: false,
        mine: Vec::new(),
        agenda: Vec::new(),
        users: Vec::new(),
        can_complete: member.may(Operation::CompleteNotice),
        csrf: member.session.csrf.clone(),
        flash: None,
    };
    if member.may(Operation::ReadTasks) && user.role != UserRole::Admin {
        let config = DeadlineConfig { warning_days: 15 };
        let list = state.store.tasks(user, today, config, 200).await?;
        page.show_tasks = true;
        page.tasks_title = format!("Mes tâches : {}", list.list);
        let mut sections = [
            TaskSection { id: "depasses", title: "Délais dépassés", badge: "fr-badge--error", tasks: Vec::new() },
            TaskSection {
                id: "quinze-jours",
                title: "À échéance dans les 15 jours",
                badge: "fr-badge--warning",
                tasks: Vec::new(),
            },
            TaskSection { id: "a-venir", title: "À venir", badge: "fr-badge--info", tasks: Vec::new() },
        ];
        for task in list.tasks {
            let index = match task.state.as_str() {
                "missed" => 0,
                "due_soon" => 1,
                _ => 2,
            };
            sections[index].tasks.push(TaskRow {
                dossier_id: task.dossier_id,
                due: date_fr(&task.due),
                pourvoi: task.pourvoi,
                chamber: task.chamber,
                label: task.label,
                article: task.article,
                who: who_fr(&task.applies_to),
                confirmed: task.confirmed,
            });
        }
        page.task_sections = sections.into_iter().filter(|s| !s.tasks.is_empty()).collect();
    }
    // The notices are the clerks' to send (the president sees the plan).
    if member.may(Operation::CompleteNotice) {
        page.show_notices = true;
        for chamber in user.chambers.iter().filter(|c| c.as_str() != "*") {
            let outbox = state.store.outbox_of_open_tasks(chamber).await?;
            for notice in state.store.notice_tasks(chamber).await? {
                let sending = outbox.iter().filter(|item| item.task_id == notice.id).map(Sending::of).collect();
                page.notices.push(NoticeRow {
                    sending,
                    id: notice.id,
                    dossier_id: notice.dossier_id,
                    pourvoi: notice.pourvoi,
                    due: notice.due.as_deref().map(date_fr).unwrap_or_default(),
                    hearing: notice.hearing_id,
                    document: TaskKind::parse(&notice.kind).map_or("document", TaskKind::label_fr),
                    label: notice.label,
                });
            }
        }
    }
    if matches!(user.role, UserRole::Greffier | UserRole::PresidentChambre) {
        // (A magistrate sees his own hearings: his agenda, below.)
        let weeks = if user.role == UserRole::PresidentChambre { 4 } else { 1 };
        let monday =
            today - chrono::Duration::days(i64::from(chrono::Datelike::weekday(&today).num_days_from_monday()));
        let end = monday + chrono::Duration::days(7 * weeks - 1);
        page.show_hearings = true;
        page.hearings_title = if weeks == 1 {
            "Audiences de la semaine".to_owned()
        } else {
            format!("Audiences des {weeks} prochaines semaines")
        };
        let (from, to) = (monday.to_string(), end.to_string());
        for hearing in state.store.hearings(None, Some(&from), Some(&to)).await? {
            let hearing = hearing.hearing;
            if !user.covers(&hearing.chamber) {
                continue;
            }
            // The president sees each hearing's bench (published rolls).
            let bench = if user.role == UserRole::PresidentChambre {
                let roll = state.store.roll(&hearing.id).await?;
                roll.bench
                    .iter()
                    .map(|seat| if seat.presides { format!("{} (préside)", seat.name) } else { seat.name.clone() })
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                String::new()
            };
            page.hearings.push(HearingRow {
                id: hearing.id.clone(),
                bench,
                date: date_fr(&hearing.date),
                half_day: if hearing.half_day == "pm" { "après-midi" } else { "matin" },
                chamber: hearing.chamber,
                formation: hearing.formation,
                room: hearing.room.unwrap_or_default(),
                capacity: hearing.capacity,
            });
        }
    }
    if user.role == UserRole::PresidentChambre {
        let query = DossierQuery { status: Some("ready".into()), limit: Some(20), ..DossierQuery::default() };
        let scope = (!user.covers_all()).then_some(user.chambers.as_slice());
        page.show_ready = true;
        page.ready = state
            .store
            .search_dossiers(&query, scope)
            .await?
            .items
            .into_iter()
            .map(|d| ReadyRow {
                id: d.id,
                pourvoi: d.pourvoi,
                chamber: d.chamber,
                circuit: d
                    .circuit
                    .as_deref()
                    .and_then(greffe_models::Circuit::parse)
                    .map_or("—", |c| c.label_fr())
                    .to_owned(),
                registered_on: date_fr(&d.registered_on),
            })
            .collect();
    }
    if member.reads(View::Drafts) && user.role != UserRole::Magistrat {
        let scope = (!user.covers_all()).then_some(user.chambers.as_slice());
        page.show_drafts = true;
        page.drafts = state
            .store
            .plans(scope, false)
            .await?
            .into_iter()
            .filter(|p| matches!(p.status, PlanStatus::Draft | PlanStatus::Validated))
            .map(|p| DraftRow {
                title: p.title,
                chamber: p.chamber,
                period: format!("du {} au {}", date_fr(&p.horizon_start), date_fr(&p.horizon_end)),
                status: p.status.label_fr().to_owned(),
                violations: p.hard_violations,
                by: p.created_by,
            })
            .collect();
    }
    if user.role == UserRole::Magistrat
        && let Some(magistrate) = user.magistrate.as_deref()
    {
        page.show_mine = true;
        page.mine = state
            .store
            .magistrate_dossiers(magistrate, today)
            .await?
            .into_iter()
            .map(|d| MineRow {
                id: d.id,
                pourvoi: d.pourvoi,
                chamber: d.chamber,
                status: greffe_models::registry::DossierStatus::parse(&d.status)
                    .map_or(d.status.clone(), |s| s.label_fr().to_owned()),
                capacity: if d.rapporteur { "rapporteur" } else { "avocat général" },
                due: match (d.rapporteur, d.filed) {
                    (true, false) => "rapport et projet d'arrêt à déposer",
                    (false, false) => "avis à déposer",
                    (true, true) => "rapport déposé",
                    (false, true) => "avis déposé",
                },
                filed: d.filed,
                next_hearing: d.next_hearing.as_deref().map(date_fr).unwrap_or_default(),
            })
            .collect();
        let to = today + chrono::Duration::weeks(8);
        page.agenda = state
            .store
            .agenda(magistrate, today, to)
            .await?
            .into_iter()
            .map(|item| AgendaRow {
                hearing: item.sitting.hearing.clone(),
                date: date_fr(&item.sitting.date),
                half_day: if item.sitting.half_day == "pm" { "après-midi" } else { "matin" },
                chamber: item.sitting.chamber.clone(),
                formation: item.sitting.formation.clone(),
                capacities: item.capacities.iter().map(|c| capacity_fr(c)).collect::<Vec<_>>().join(", "),
                dossiers: item.dossiers.join(", "),
            })
            .collect();
    }
    if member.may(Operation::ManageUsers) {
        page.users = state
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| UserRow {
                role: u.role.label_fr().to_owned(),
                chambers: u.chambers.join(", "),
                id: u.id,
                name: u.name,
            })
            .collect();
    }
    if member.may(Operation::ReadDashboard) && matches!(user.role, UserRole::Analyste | UserRole::Admin) {
        let from = today - chrono::Duration::days(365);
        let scope = (!user.covers_all()).then_some(user.chambers.as_slice());
        let dashboard = state.store.dashboard(today, from, today, 15, scope).await?;
        page.show_stock = true;
        for (chamber, figures) in dashboard.chambers {
            page.stock.push(StockRow {
                chamber: if chamber == "total" { "Cour (total)".to_owned() } else { chamber },
                open: figures.open,
                ready: figures.ready,
                missed: figures.court_deadlines_missed,
                clearance: figures.clearance_rate.map_or("—".to_owned(), |r| format!("{:.0} %", r * 100.0)),
                median_days: figures.median_days_to_decision.map_or("—".to_owned(), |d| d.to_string()),
            });
        }
    }
    Ok(page)
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    member: Option<HeaderMember>,
}

/// `GET /portail/accessibilite`: the accessibility statement (RGAA asks for
/// one, linked from every page's footer); readable signed in or not.
pub async fn accessibility(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let member = match cookie(&headers, SESSION_COOKIE) {
        Some(token) => match state.store.session(token).await {
            Ok(session) => session.as_ref().map(|s| HeaderMember::of_session(s, "", &state.visibility)),
            Err(error) => {
                // The statement stays readable: shown as to a signed-out visitor.
                tracing::error!(%error, "session look-up failed on the accessibility statement");
                None
            }
        },
        None => None,
    };
    render(&AccessibilityPage { member }, StatusCode::OK)
}

/// Any other path under `/portail/`: the portal's own 404 page.
pub async fn not_found() -> Response {
    failure(&Error::not_found("page").action("revenir à l'accueil du portail"))
}

/// `GET /` → the portal.
pub async fn root() -> Redirect {
    Redirect::to("/portail/")
}

/// Headers of the portal's own HTML: never cached, never framed.
pub fn page_headers() -> [(header::HeaderName, HeaderValue); 3] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
    ]
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_portal_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/portail/dossiers?q=1")), "/portail/dossiers?q=1");
        for hostile in ["https://ailleurs.example/", "//ailleurs.example/portail/", "/api", "/portail\\..", ""] {
            assert_eq!(safe_next(Some(hostile)), "/portail/", "{hostile}");
        }
        assert_eq!(safe_next(None), "/portail/");
    }
}
