//! The registry's pages: finding a dossier (lenient pourvoi number, party,
//! lawyer, attacked decision, chamber, matter, status, rapporteur), the
//! dossier page (record, deadlines, hearings and bench, pieces, journal)
//! and what a clerk does from it (record an event, file a piece, route the
//! dossier, edit the record), and registering a pourvoi. Every read and
//! write goes through the store with the member's role and chambers, as
//! the API's would.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::{Operation, View};
use greffe_models::deadlines::{DeadlineConfig, DeadlineState, EventType, Severity};
use greffe_models::registry::{DossierStatus, JournalKind, RegistryKind};
use greffe_models::{Circuit, PourvoiNumber};
use greffe_store::dossiers::{Dossier, DossierInput, DossierQuery, DossierSummary, EventInput};
use greffe_store::pieces::{KINDS, MAX_PIECE_BYTES, PieceInput};

use super::forms::{Field, Fields, Group, Kind, Problems, choices};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::record::{self, RecordChoices};
use super::session::Member;
use crate::api::{AppState, today};
use crate::error::Error;

/// Results per page of a search.
const PAGE: i64 = 50;

/// The French label of a status code.
fn status_label(code: &str) -> String {
    DossierStatus::parse(code).map_or_else(|| code.to_owned(), |s| s.label_fr().to_owned())
}

/// The DSFR badge of a status.
pub(crate) fn status_badge(code: &str) -> &'static str {
    match DossierStatus::parse(code) {
        Some(DossierStatus::Ready) => "fr-badge--success",
        Some(DossierStatus::Scheduled | DossierStatus::Heard) => "fr-badge--info",
        Some(DossierStatus::Decided | DossierStatus::Closed) => "fr-badge--blue-ecume",
        Some(DossierStatus::Withdrawn | DossierStatus::Radiated | DossierStatus::Lapsed) => "fr-badge--warning",
        _ => "fr-badge--new",
    }
}

/// A line of the search results.
#[derive(Debug, Clone)]
pub struct ResultRow {
    id: i64,
    pourvoi: String,
    chamber: String,
    status: String,
    badge: &'static str,
    circuit: String,
    matter: String,
    registered_on: String,
    urgent: bool,
}

impl ResultRow {
    fn of(summary: DossierSummary) -> Self {
        Self {
            id: summary.id,
            badge: status_badge(&summary.status),
            status: status_label(&summary.status),
            pourvoi: summary.pourvoi,
            chamber: summary.chamber,
            circuit: summary.circuit.as_deref().and_then(Circuit::parse).map_or("—", Circuit::label_fr).to_owned(),
            matter: summary.matter.unwrap_or_default(),
            registered_on: date_fr(&summary.registered_on),
            urgent: summary.urgent,
        }
    }
}

#[derive(Template)]
#[template(path = "dossiers.html")]
struct SearchPage {
    member: Option<HeaderMember>,
    groups: Vec<Group>,
    problems: Problems,
    searched: bool,
    results: Vec<ResultRow>,
    next: Option<String>,
    first: Option<String>,
    summary: String,
}

/// The criteria of the search form, by the API's names.
const CRITERIA: [&str; 9] =
    ["pourvoi", "party", "lawyer", "attacked_court", "attacked_date", "chamber", "matter", "status", "rapporteur"];

/// `GET /portail/dossiers`: the search form and, once asked, the results.
/// `q` (the header's quick search) is a pourvoi number when it reads as
/// one, a party's name otherwise. A search that finds one dossier by its
/// number opens it.
pub async fn search(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    if let Err(error) = member.caller().require_view(&state.visibility, View::Dossiers) {
        return failure_as(&member, &error);
    }
    let fields = Fields::parse(raw.unwrap_or_default().as_bytes());
    let mut fields_shown = fields.clone();
    let mut query = DossierQuery { limit: Some(PAGE), ..DossierQuery::default() };
    let mut by_number = false;
    if let Some(q) = fields.opt("q") {
        if PourvoiNumber::parse_lenient(&q).is_ok() {
            query.pourvoi = Some(q.clone());
            fields_shown.push("pourvoi", q);
            by_number = true;
        } else {
            query.party = Some(q.clone());
            fields_shown.push("party", q);
        }
    }
    query.pourvoi = query.pourvoi.or_else(|| fields.opt("pourvoi"));
    by_number |= fields.opt("pourvoi").is_some();
    query.party = query.party.or_else(|| fields.opt("party"));
    query.lawyer = fields.opt("lawyer");
    query.attacked_court = fields.opt("attacked_court");
    query.attacked_date = fields.opt("attacked_date");
    query.chamber = fields.opt("chamber");
    query.matter = fields.opt("matter");
    query.status = fields.opt("status");
    query.rapporteur = fields.opt("rapporteur");
    query.after = fields.opt("apres").and_then(|a| a.parse().ok());
    let searched = CRITERIA.iter().any(|name| fields_shown.opt(name).is_some()) || fields.has("tous");
    let caller = member.caller();
    let mut problems = Problems::default();
    let mut page = SearchPage {
        member: Some(HeaderMember::of(&member, "/portail/dossiers")),
        groups: Vec::new(),
        problems: Problems::default(),
        searched,
        results: Vec::new(),
        next: None,
        first: None,
        summary: String::new(),
    };
    if searched {
        match state.store.search_dossiers(&query, caller.scope()).await {
            Ok(found) => {
                if by_number && found.items.len() == 1 && query.after.is_none() {
                    return Redirect::to(&format!("/portail/dossiers/{}", found.items[0].id)).into_response();
                }
                let criteria: String = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(CRITERIA.iter().filter_map(|name| fields_shown.opt(name).map(|v| (*name, v))))
                    .finish();
                let criteria = if criteria.is_empty() { "tous=1".to_owned() } else { criteria };
                page.next = found.next_after.map(|after| format!("/portail/dossiers?{criteria}&apres={after}"));
                page.first = query.after.map(|_| format!("/portail/dossiers?{criteria}"));
                page.summary = match (found.items.len(), page.next.is_some()) {
                    (0, _) => "Aucun dossier ne répond à ces critères.".to_owned(),
                    (1, false) if query.after.is_none() => "1 dossier trouvé.".to_owned(),
                    (n, true) => format!("{n} dossiers affichés ; d'autres suivent."),
                    (n, false) => format!("{n} dossiers affichés."),
                };
                page.results = found.items.into_iter().map(ResultRow::of).collect();
            }
            Err(error) => {
                if let Err(other) = problems.take(error.into()) {
                    return failure_as(&member, &other);
                }
            }
        }
    }
    let chambers = match state.store.chambers().await {
        Ok(list) => list.into_iter().filter(|c| caller.0.covers(&c.chamber.code)).collect::<Vec<_>>(),
        Err(error) => return failure_as(&member, &error.into()),
    };
    let field = |kind, name: &str, label: &str| Field::new(kind, name, label, fields_shown.get(name), &problems);
    page.groups = vec![
        Group {
            legend: "Le dossier".into(),
            id: "criteres-dossier".into(),
            fields: vec![
                field(Kind::Text, "pourvoi", "Numéro de pourvoi").hint("Exemple : Y 15-26.094, y1526094"),
                field(Kind::Text, "party", "Partie").hint("Tout ou partie du nom"),
                field(Kind::Text, "lawyer", "Avocat aux Conseils"),
                field(Kind::Select, "chamber", "Chambre").choices(choices(
                    chambers.iter().map(|c| (c.chamber.code.as_str(), c.chamber.name.as_str())),
                    fields_shown.get("chamber"),
                    Some("Toutes mes chambres"),
                )),
                field(Kind::Select, "status", "Statut").choices(choices(
                    DossierStatus::ALL.iter().map(|s| (s.as_str(), s.label_fr())),
                    fields_shown.get("status"),
                    Some("Tous"),
                )),
            ],
            error: None,
        },
        Group {
            legend: "Décision attaquée, matière, rapporteur".into(),
            id: "criteres-decision".into(),
            fields: vec![
                field(Kind::Text, "attacked_court", "Juridiction").hint("Exemple : cour d'appel de Lyon"),
                field(Kind::Date, "attacked_date", "Date de la décision"),
                field(Kind::Text, "matter", "Matière (code NAC)"),
                field(Kind::Text, "rapporteur", "Rapporteur (identifiant)"),
            ],
            error: None,
        },
    ];
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page.problems = problems;
    page.problems.label_from(&page.groups);
    render(&page, status)
}

/// A party of the record, for reading.
#[derive(Debug, Clone)]
pub struct PartyView {
    role: String,
    name: String,
    lawyer: String,
    /// Where its notices go: the lawyer's e-mail, or the party's postal
    /// address (a printed letter).
    notices_to: String,
    /// No address to send its notices to.
    no_address: bool,
}

/// A deadline, for reading.
#[derive(Debug, Clone)]
pub struct DeadlineView {
    label: String,
    article: String,
    who: String,
    starts: String,
    due: String,
    state: String,
    badge: &'static str,
    notes: String,
    confirmed: bool,
}

/// An alert of the dossier.
#[derive(Debug, Clone)]
pub struct AlertView {
    message: String,
    badge: &'static str,
    severity: String,
}

/// A hearing whose roll holds the dossier, with its bench.
#[derive(Debug, Clone)]
pub struct SittingView {
    hearing: String,
    date: String,
    half_day: &'static str,
    formation: String,
    room: String,
    bench: Vec<String>,
}

/// A filed piece.
#[derive(Debug, Clone)]
pub struct PieceView {
    id: i64,
    kind: String,
    filed_by: String,
    filed_on: String,
    filename: String,
    size: String,
}

/// A journal entry, for reading.
#[derive(Debug, Clone)]
pub struct EntryView {
    seq: i64,
    recorded: String,
    actor: String,
    label: String,
    event_date: String,
    detail: String,
    procedural: bool,
}

/// A notice task of the dossier.
#[derive(Debug, Clone)]
pub struct NoticeView {
    id: i64,
    due: String,
    hearing: Option<String>,
    label: String,
}

/// Which of the page's forms was posted and refused.
#[derive(Debug, Clone, Default)]
pub struct Posted {
    pub(super) form: &'static str,
    pub(super) fields: Fields,
    pub(super) problems: Problems,
    conflict: Option<String>,
}

/// What the dossier says about itself (its grounds, keywords, the attacked
/// decision's nature), as the dossier page shows it.
struct DescriptionView {
    /// `(code, label)` of each keyword.
    keywords: Vec<(String, String)>,
    attacked_nature: &'static str,
    earlier: Option<PourvoiLink>,
    qpc: bool,
    previous: Vec<PourvoiLink>,
    grounds: Vec<GroundView>,
}

impl DescriptionView {
    fn is_empty(&self) -> bool {
        self.keywords.is_empty() && self.grounds.is_empty() && self.earlier.is_none() && self.previous.is_empty()
    }
}

/// A pourvoi number, linked to its dossier when the registry holds it.
struct PourvoiLink {
    number: String,
    id: Option<i64>,
}

struct GroundView {
    title: String,
    articles: String,
    branches: Vec<String>,
    text: String,
}

async fn description_view(store: &greffe_store::Store, record: &DossierInput) -> Result<DescriptionView, Error> {
    let vocabulary = greffe_models::vocabulary::Vocabulary::embedded();
    let mut numbers: Vec<String> = record.previous_pourvois.clone();
    numbers.extend(record.earlier_pourvoi.clone());
    let ids = store.dossier_ids(&numbers).await?;
    let link = |number: &String| PourvoiLink {
        number: number.clone(),
        id: ids.iter().find(|(n, _)| n == number).map(|(_, id)| *id),
    };
    Ok(DescriptionView {
        keywords: record
            .keywords
            .iter()
            .map(|code| (code.clone(), vocabulary.get(code).map_or_else(|| code.clone(), |k| k.label.clone())))
            .collect(),
        attacked_nature: record.attacked_nature.label_fr(),
        earlier: record.earlier_pourvoi.as_ref().map(link),
        qpc: record.qpc,
        previous: record
            .previous_pourvois
            .iter()
            .filter(|p| record.earlier_pourvoi.as_ref() != Some(*p))
            .map(link)
            .collect(),
        grounds: record
            .grounds
            .iter()
            .map(|g| GroundView {
                title: g.title.clone(),
                articles: g.articles.join(" ; "),
                branches: g.branches.clone(),
                text: g.text.clone(),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    member: Option<HeaderMember>,
    id: i64,
    version: i64,
    pourvoi: String,
    status: String,
    status_badge: &'static str,
    urgent: bool,
    nature: String,
    procedure: String,
    chamber: String,
    section: String,
    circuit: String,
    matter: String,
    registered_on: String,
    attacked_court: String,
    attacked_date: String,
    attacked_docket: String,
    parties: Vec<PartyView>,
    rapporteurs: Vec<String>,
    avocat_general: String,
    recusals: Vec<String>,
    joined_group: String,
    description: DescriptionView,
    decision: Option<String>,
    deadlines: Vec<DeadlineView>,
    alerts: Vec<AlertView>,
    sittings: Vec<SittingView>,
    notices: Vec<NoticeView>,
    pieces: Vec<PieceView>,
    journal: Vec<EntryView>,
    verification: String,
    verification_ok: Option<bool>,
    can_write: bool,
    can_complete_notices: bool,
    csrf: String,
    flash: Option<&'static str>,
    flash_at: &'static str,
    problems: Problems,
    conflict: Option<String>,
    event_fields: Vec<Field>,
    piece_fields: Vec<Field>,
    /// The orientation panel, or why it cannot be shown.
    orientation: Result<super::orientation::OrientationPanel, String>,
    today: String,
    /// The magistrates' work documents the member reads, and what he
    /// files; `None` for a role that reads none.
    work: Option<super::work::WorkSection>,
    /// The president's order: where it stands, or how to prepare one.
    order: Option<super::order::OrderSection>,
}

/// The message shown after a write, from the `fait` parameter of the
/// redirect that follows it (so that a reload does not post again), and the
/// section of the page it is shown in (the one the redirect scrolls to).
fn flash(done: &str) -> Option<(&'static str, &'static str)> {
    match done {
        "enregistre" => Some(("Pourvoi enregistré. Les délais qu'il ouvre sont calculés ci-dessous.", "delais")),
        "evenement" => Some(("Événement enregistré au journal ; les délais sont recalculés.", "delais")),
        "piece" => Some(("Pièce déposée et versée au journal.", "pieces")),
        "orientation" => Some(("Orientation décidée et versée au journal.", "orientation")),
        "renvoi" => {
            Some(("Renvoi ordonné et versé au journal : le dossier sort du rôle de la chambre.", "orientation"))
        }
        "renvoi-ecarte" => Some(("Renvoi écarté ; le motif est versé au journal.", "orientation")),
        "modifie" => Some(("Fiche du dossier enregistrée.", "fiche")),
        "tache" => Some(("Tâche marquée comme faite.", "delais")),
        _ => None,
    }
}

/// Where each `fait` redirect scrolls to.
fn anchor_of(done: &str) -> &'static str {
    flash(done).map_or("fiche", |(_, section)| section)
}

fn size_fr(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} o"),
        b if b < 1024 * 1024 => format!("{:.0} Ko", b as f64 / 1024.0),
        b => format!("{:.1} Mo", b as f64 / 1024.0 / 1024.0),
    }
}

/// What a journal entry says, in a line.
fn detail_of(kind: &str, payload: &serde_json::Value) -> String {
    let text = |path: &[&str]| -> Option<String> {
        let mut value = payload;
        for key in path {
            value = value.get(key)?;
        }
        value.as_str().map(str::to_owned)
    };
    let mut parts = Vec::new();
    if let Some(filename) = text(&["piece", "filename"]) {
        parts.push(format!("pièce « {filename} »"));
    }
    if let (Some(from), Some(to)) = (text(&["from"]), text(&["to"])) {
        parts.push(format!("{} → {}", status_label(&from), status_label(&to)));
    }
    if let Some(chamber) = text(&["route", "chamber"]) {
        parts.push(format!("orienté vers {chamber}"));
    }
    if let Some(party) = text(&["party"]) {
        parts.push(format!("partie : {party}"));
    }
    if let Some(label) = text(&["label"]) {
        parts.push(label);
    }
    if let Some(note) = text(&["note"]) {
        parts.push(note);
    }
    if kind == RegistryKind::DossierUpdated.as_str() && payload.get("patch").is_some() {
        parts.push("fiche modifiée".to_owned());
    }
    parts.join(" ; ")
}

/// The event types a clerk records from the page (the decision apart).
fn event_choices(current: &str) -> Vec<super::forms::Choice> {
    let mut pairs: Vec<(&str, &str)> =
        EventType::ALL.iter().filter(|e| e.recorded_by_hand()).map(|e| (e.as_str(), e.label_fr())).collect();
    pairs.push((RegistryKind::Notification.as_str(), RegistryKind::Notification.label_fr()));
    pairs.push((RegistryKind::Jonction.as_str(), RegistryKind::Jonction.label_fr()));
    choices(pairs, current, Some("Choisir un événement"))
}

fn party_choices(current: &str) -> Vec<super::forms::Choice> {
    choices([("demandeur", "demandeur"), ("defendeur", "défendeur")], current, Some("Sans objet"))
}

/// The dossier `raw_id` if the member may read it (its chamber), else the
/// page that says why.
/// `GET /portail/dossiers/{id}/journal.pdf`: the extract of the dossier's
/// journal as a PDF/A-2b document (read as the dossier is).
pub async fn journal_pdf(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result = async {
        let dossier = readable(&state, &member, &raw_id).await?;
        crate::documents::journal_extract(&state, dossier.id).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}

async fn readable(state: &AppState, member: &Member, raw_id: &str) -> Result<Dossier, Error> {
    member.caller().require_view(&state.visibility, View::Dossiers)?;
    let id = crate::api::extract::numeric_id(raw_id, "dossier")?;
    let dossier = state.store.dossier(id).await?;
    member.caller().require_chamber(&dossier.record.chamber)?;
    Ok(dossier)
}

async fn dossier_page(
    state: &AppState,
    member: &Member,
    dossier: Dossier,
    flash_code: Option<&str>,
    posted: Posted,
) -> Result<DossierPage, Error> {
    let store = &state.store;
    let id = dossier.id;
    let today = today();
    let record = &dossier.record;
    let magistrates: BTreeMap<String, String> =
        store.magistrates(None).await?.into_iter().map(|m| (m.magistrate.id, m.magistrate.name)).collect();
    let name_of = |id: &str| magistrates.get(id).map_or_else(|| id.to_owned(), |name| format!("{name} ({id})"));
    let deadlines = store.dossier_deadlines(id, today, DeadlineConfig::default()).await?;
    let journal = store.dossier_journal(id).await?;
    let pieces = store.pieces(id).await?;
    let sittings = store.dossier_sittings(id).await?;
    let mut sitting_views = Vec::new();
    for sitting in sittings {
        let roll = store.roll(&sitting.hearing).await?;
        sitting_views.push(SittingView {
            date: date_fr(&sitting.date),
            half_day: if sitting.half_day == "pm" { "après-midi" } else { "matin" },
            formation: sitting.formation,
            room: sitting.room.unwrap_or_default(),
            bench: roll
                .bench
                .iter()
                .map(|seat| if seat.presides { format!("{} (président)", seat.name) } else { seat.name.clone() })
                .collect(),
            hearing: sitting.hearing,
        });
    }
    let notices = if member.may(Operation::ReadNotices) {
        store
            .notice_tasks(&record.chamber)
            .await?
            .into_iter()
            .filter(|n| n.dossier_id == id)
            .map(|n| NoticeView {
                id: n.id,
                due: n.due.as_deref().map(date_fr).unwrap_or_default(),
                hearing: n.hearing_id,
                label: n.label,
            })
            .collect()
    } else {
        Vec::new()
    };
    let (verification, verification_ok) = match store.last_verification().await? {
        None => ("Aucune vérification complète du journal n'est encore enregistrée.".to_owned(), None),
        Some(v) if v.result.intact => (
            format!(
                "Dernière vérification complète du journal : {} ({}) — chaîne intègre, {} entrées.",
                instant_fr(&v.verified_at),
                v.actor,
                v.result.entries
            ),
            Some(true),
        ),
        Some(v) => (
            format!(
                "Dernière vérification complète du journal : {} ({}) — ALTÉRATION : {}",
                instant_fr(&v.verified_at),
                v.actor,
                v.result.first_break.map(|b| b.problem).unwrap_or_default()
            ),
            Some(false),
        ),
    };
    let can_write = member.may(Operation::WriteDossier);
    let form_fields = |form: &str| -> (&Fields, &Problems) {
        if posted.form == form { (&posted.fields, &posted.problems) } else { (&EMPTY_FIELDS, &EMPTY_PROBLEMS) }
    };
    let today_text = today.to_string();
    let or_today = |fields: &Fields, name: &str| -> String {
        if fields.has(name) { fields.get(name).to_owned() } else { today_text.clone() }
    };
    let (fields, problems) = form_fields("evenement");
    let event_fields = vec![
        Field::new(Kind::Select, "type", "Événement", fields.get("type"), problems)
            .choices(event_choices(fields.get("type"))),
        Field::new(Kind::Date, "date", "Date de l'événement", &or_today(fields, "date"), problems),
        Field::new(Kind::Select, "party", "Partie concernée", fields.get("party"), problems)
            .hint("Pour un mémoire ou une demande d'aide juridictionnelle")
            .choices(party_choices(fields.get("party"))),
        Field::new(Kind::Text, "rule", "Délai abrégé (identifiant)", fields.get("rule"), problems)
            .hint("Ordonnance d'abréviation seulement"),
        Field::new(Kind::Date, "new_due", "Nouvelle échéance", fields.get("new_due"), problems)
            .hint("Ordonnance d'abréviation seulement"),
        Field::new(Kind::Text, "group", "Groupe de jonction", fields.get("group"), problems).hint("Jonction seulement"),
        Field::new(Kind::Textarea, "note", "Note", fields.get("note"), problems),
    ];
    let (fields, problems) = form_fields("piece");
    let piece_fields = vec![
        Field::new(Kind::File, "file", "Fichier", "", problems)
            .hint(&format!("Au plus {} Mo ; le nom du fichier est conservé", MAX_PIECE_BYTES / 1024 / 1024)),
        Field::new(Kind::Select, "kind", "Nature de la pièce", fields.get("kind"), problems).choices(choices(
            KINDS.iter().map(|(code, _)| (*code, piece_kind_label(code))),
            fields.get("kind"),
            Some("Choisir"),
        )),
        Field::new(Kind::Select, "party", "Pour la partie", fields.get("party"), problems)
            .choices(party_choices(fields.get("party"))),
        Field::new(Kind::Text, "filed_by", "Déposée par", fields.get("filed_by"), problems)
            .hint("Avocat, partie ou magistrat"),
        Field::new(Kind::Date, "filed_on", "Date de dépôt", &or_today(fields, "filed_on"), problems),
    ];
    let chambers = store.chambers().await?;
    let orientation = match super::orientation::panel(state, member, &dossier, &posted).await {
        Ok(panel) => Ok(panel),
        // The rest of the page stands without the panel: say why.
        Err(error) => Err(error.status_and_body().1.message),
    };
    let mut problems = posted.problems.clone();
    for fields in [&event_fields, &piece_fields] {
        problems.label_from_fields(fields);
    }
    if let Ok(panel) = &orientation {
        for fields in [
            &panel.decide_fields,
            &panel.refer_fields,
            &panel.refer_chambers,
            &panel.refer_reason,
            &panel.decline_fields,
        ] {
            problems.label_from_fields(fields);
        }
    }
    let chamber_name = chambers
        .iter()
        .find(|c| c.chamber.code == record.chamber)
        .map_or_else(|| record.chamber.clone(), |c| format!("{} ({})", c.chamber.name, c.chamber.code));
    Ok(DossierPage {
        member: Some(HeaderMember::of(member, "/portail/dossiers")),
        id,
        version: dossier.version,
        pourvoi: record.pourvoi.clone(),
        status: dossier.status.label_fr().to_owned(),
        status_badge: status_badge(dossier.status.as_str()),
        urgent: record.urgent,
        nature: record.nature.label_fr().to_owned(),
        procedure: record.procedure.map_or("—", |p| p.label_fr()).to_owned(),
        chamber: chamber_name,
        section: record.section.clone().unwrap_or_else(|| "—".into()),
        circuit: record.circuit.map_or("pas encore orienté", Circuit::label_fr).to_owned(),
        matter: record.matter.clone().unwrap_or_else(|| "—".into()),
        registered_on: date_fr(&record.registered_on),
        attacked_court: record.attacked.court.clone(),
        attacked_date: date_fr(&record.attacked.date),
        attacked_docket: record.attacked.docket.clone(),
        parties: record
            .parties
            .iter()
            .map(|p| {
                let notices_to = match (&p.lawyer_email, p.postal_address()) {
                    _ if p.is_ministere_public() => "le rôle (parquet général)".to_owned(),
                    (Some(email), _) => format!("courriel : {email}"),
                    (None, Some(address)) if p.lawyer().is_none() => format!("lettre : {address}"),
                    _ => String::new(),
                };
                PartyView {
                    role: p.role.label_fr().to_owned(),
                    name: p.name.clone(),
                    lawyer: p.lawyer.clone().unwrap_or_else(|| "non représentée".into()),
                    no_address: notices_to.is_empty(),
                    notices_to,
                }
            })
            .collect(),
        rapporteurs: record.rapporteurs.iter().map(|r| name_of(r)).collect(),
        avocat_general: record.avocat_general.as_deref().map_or_else(|| "pas encore désigné".to_owned(), name_of),
        recusals: record.recusals.iter().map(|r| format!("{} — {}", name_of(&r.magistrate), r.ground)).collect(),
        joined_group: record.joined_group.clone().unwrap_or_default(),
        description: description_view(store, record).await?,
        decision: dossier.decision.as_ref().map(|d| {
            format!(
                "Arrêt du {} : {} (formation {}, publication {}){}",
                date_fr(&d.decided_on),
                greffe_models::registry::Solution::parse(&d.solution).map_or(d.solution.as_str(), |s| s.label_fr()),
                d.formation,
                d.publication,
                d.ecli.as_deref().map(|e| format!(", {e}")).unwrap_or_default()
            )
        }),
        deadlines: deadlines
            .deadlines
            .iter()
            .map(|d| DeadlineView {
                label: d.label.clone(),
                article: d.article.clone(),
                who: d.applies_to.label_fr().to_owned(),
                starts: d.starts.format("%d/%m/%Y").to_string(),
                due: d.due.map_or_else(|| "suspendu".to_owned(), |due| due.format("%d/%m/%Y").to_string()),
                state: d.state.label_fr().to_owned(),
                badge: match d.state {
                    DeadlineState::Missed => "fr-badge--error",
                    DeadlineState::DueSoon => "fr-badge--warning",
                    DeadlineState::Met => "fr-badge--success",
                    DeadlineState::Interrupted => "fr-badge--new",
                    DeadlineState::Pending => "fr-badge--info",
                    DeadlineState::Closed => "",
                },
                notes: d
                    .notes
                    .iter()
                    .cloned()
                    .chain(d.extended_because.iter().map(|e| format!("prorogé : {e}")))
                    .collect::<Vec<_>>()
                    .join(" ; "),
                confirmed: d.confirmed,
            })
            .collect(),
        alerts: deadlines
            .alerts
            .iter()
            .map(|a| AlertView {
                message: a.message.clone(),
                badge: match a.severity {
                    Severity::Critical => "fr-badge--error",
                    Severity::Warning => "fr-badge--warning",
                    Severity::Info => "fr-badge--info",
                },
                severity: a.severity.label_fr().to_owned(),
            })
            .collect(),
        sittings: sitting_views,
        notices,
        pieces: pieces
            .into_iter()
            .map(|p| PieceView {
                id: p.id,
                kind: piece_kind_label(&p.kind).to_owned(),
                filed_by: p.filed_by,
                filed_on: date_fr(&p.filed_on),
                filename: p.filename,
                size: size_fr(p.size),
            })
            .collect(),
        journal: journal
            .iter()
            .rev()
            .map(|entry| EntryView {
                seq: entry.seq,
                recorded: instant_fr(&entry.recorded_at),
                actor: entry.actor.clone(),
                label: entry.label.clone(),
                event_date: entry.event_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                detail: detail_of(&entry.kind, &entry.payload),
                procedural: matches!(JournalKind::parse(&entry.kind), Some(JournalKind::Procedural(_))),
            })
            .collect(),
        verification,
        verification_ok,
        can_write,
        can_complete_notices: member.may(Operation::CompleteNotice),
        csrf: member.session.csrf.clone(),
        flash: flash_code.and_then(flash).map(|(message, _)| message),
        flash_at: flash_code.and_then(flash).map_or("", |(_, section)| section),
        problems,
        conflict: posted.conflict.clone(),
        event_fields,
        piece_fields,
        orientation,
        today: today.format("%d/%m/%Y").to_string(),
        work: super::work::section(state, member, id).await?,
        order: super::order::section(state, member, &dossier).await?,
    })
}

static EMPTY_FIELDS: Fields = Fields::empty();
static EMPTY_PROBLEMS: Problems = Problems::empty();

/// The French label of a piece's kind.
pub fn piece_kind_label(code: &str) -> &str {
    match code {
        "declaration_pourvoi" => "déclaration de pourvoi",
        "memoire_ampliatif" => "mémoire ampliatif (demandeur)",
        "memoire_defense" => "mémoire en défense",
        "memoire_personnel" => "mémoire personnel",
        "rapport" => "rapport du conseiller rapporteur",
        "avis_avocat_general" => "avis de l'avocat général",
        "decision_attaquee" => "décision attaquée",
        "signification" => "acte de signification",
        "demande_aide_juridictionnelle" => "demande d'aide juridictionnelle",
        "autre" => "autre pièce",
        other => other,
    }
}

async fn show(state: &AppState, member: &Member, dossier: Dossier, flash: Option<&str>, posted: Posted) -> Response {
    let refused = !posted.problems.is_empty() || posted.conflict.is_some();
    match dossier_page(state, member, dossier, flash, posted).await {
        Ok(page) => render(&page, if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }),
        Err(error) => failure_as(member, &error),
    }
}

/// `GET /portail/dossiers/{id}`.
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = Fields::parse(raw.unwrap_or_default().as_bytes());
    match readable(&state, &member, &raw_id).await {
        Ok(dossier) => show(&state, &member, dossier, query.opt("fait").as_deref(), Posted::default()).await,
        Err(error) => failure_as(&member, &error),
    }
}

/// The checks every form of a dossier page makes before writing: the
/// member may write dossiers, the form is this session's, the dossier is in
/// the member's chambers; then the version the form was read at.
async fn writable(state: &AppState, member: &Member, raw_id: &str, fields: &Fields) -> Result<(Dossier, i64), Error> {
    writable_as(state, member, Operation::WriteDossier, raw_id, fields).await
}

/// The dossier `raw_id` and the version the form names, if `member` may do
/// `operation` on it (role, chamber, the form's CSRF token).
pub(super) async fn writable_as(
    state: &AppState,
    member: &Member,
    operation: Operation,
    raw_id: &str,
    fields: &Fields,
) -> Result<(Dossier, i64), Error> {
    member.caller().require(operation)?;
    member.require_csrf(fields.get("csrf"))?;
    let dossier = readable(state, member, raw_id).await?;
    let version = fields.get("version").trim().parse::<i64>().map_err(|_| {
        Error::bad_request("formulaire sans version du dossier").action("recharger la page du dossier puis réessayer")
    })?;
    Ok((dossier, version))
}

/// After a refused write, the page again with the form as typed: the
/// problems beside their fields, or the news that someone else changed the
/// dossier meanwhile (the page then shows the current dossier, and the
/// form carries its version, so that a second submission is deliberate).
pub(super) async fn refused(
    state: &AppState,
    member: &Member,
    id: i64,
    form: &'static str,
    fields: Fields,
    error: Error,
) -> Response {
    let mut posted = Posted { form, fields, problems: Problems::default(), conflict: None };
    let (status, _) = error.status_and_body();
    if status == StatusCode::PRECONDITION_FAILED {
        posted.conflict = Some(
            "Le dossier a été modifié par quelqu'un d'autre depuis que vous avez ouvert cette page : rien n'a été enregistré. \
             La page montre maintenant la version à jour ; vérifiez-la, puis validez à nouveau votre saisie, conservée ci-dessous."
                .to_owned(),
        );
    } else if let Err(other) = posted.problems.take(error) {
        return failure_as(member, &other);
    }
    match state.store.dossier(id).await {
        Ok(dossier) => show(state, member, dossier, None, posted).await,
        Err(error) => failure_as(member, &error.into()),
    }
}

pub(super) fn done(id: i64, what: &str) -> Response {
    Redirect::to(&format!("/portail/dossiers/{id}?fait={what}#{}", anchor_of(what))).into_response()
}

/// `POST /portail/dossiers/{id}/evenements`: records a procedural event.
pub async fn record_event(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let (dossier, version) = match writable(&state, &member, &raw_id, &fields).await {
        Ok(found) => found,
        Err(error) => return failure_as(&member, &error),
    };
    let mut problems = Problems::default();
    problems.require(&fields, "type", "événement non choisi", "choisir l'événement à enregistrer");
    problems.require(&fields, "date", "date absente", "donner la date de l'événement (AAAA-MM-JJ)");
    if !problems.is_empty() {
        let posted = Posted { form: "evenement", fields, problems, conflict: None };
        return show(&state, &member, dossier, None, posted).await;
    }
    let event = EventInput {
        kind: fields.get("type").trim().to_owned(),
        date: fields.get("date").trim().to_owned(),
        party: fields.opt("party"),
        rule: fields.opt("rule"),
        new_due: fields.opt("new_due"),
        group: fields.opt("group"),
        corrects: None,
        cancel: false,
        note: fields.opt("note"),
    };
    match state.store.record_event(member.actor(), dossier.id, version, event).await {
        Ok(_) => done(dossier.id, "evenement"),
        Err(error) => refused(&state, &member, dossier.id, "evenement", fields, error.into()).await,
    }
}

/// `POST /portail/dossiers/{id}/pieces` (multipart): files a piece.
pub async fn add_piece(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let mut fields = Fields::default();
    let mut file: Option<(String, String, Bytes)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(part)) => {
                let name = part.name().unwrap_or_default().to_owned();
                if name == "file" {
                    let filename = part.file_name().unwrap_or_default().to_owned();
                    let media = part.content_type().unwrap_or("application/octet-stream").to_owned();
                    match part.bytes().await {
                        Ok(bytes) => file = Some((filename, media, bytes)),
                        Err(error) => return failure_as(&member, &too_large_or_bad(&error.body_text())),
                    }
                } else {
                    match part.text().await {
                        Ok(text) => fields.push(name, text),
                        Err(error) => return failure_as(&member, &too_large_or_bad(&error.body_text())),
                    }
                }
            }
            Ok(None) => break,
            Err(error) => return failure_as(&member, &too_large_or_bad(&error.body_text())),
        }
    }
    let (dossier, version) = match writable(&state, &member, &raw_id, &fields).await {
        Ok(found) => found,
        Err(error) => return failure_as(&member, &error),
    };
    let mut problems = Problems::default();
    let (filename, media, bytes) = file.unwrap_or_default();
    if filename.is_empty() || bytes.is_empty() {
        problems.push("file", "aucun fichier, ou fichier vide", "choisir le fichier de la pièce");
    }
    problems.require(&fields, "kind", "nature de la pièce non choisie", "choisir la nature de la pièce");
    problems.require(&fields, "filed_by", "déposant non indiqué", "indiquer qui dépose la pièce");
    if !problems.is_empty() {
        let posted = Posted { form: "piece", fields, problems, conflict: None };
        return show(&state, &member, dossier, None, posted).await;
    }
    let input = PieceInput {
        kind: fields.get("kind").trim().to_owned(),
        filed_by: fields.get("filed_by").trim().to_owned(),
        filed_on: fields.get("filed_on").trim().to_owned(),
        filename: filename.rsplit(['/', '\\']).next().unwrap_or_default().to_owned(),
        party: fields.opt("party"),
    };
    match state.store.add_piece(member.actor(), dossier.id, version, input, &media, &bytes).await {
        Ok(_) => done(dossier.id, "piece"),
        Err(error) => {
            // The store names the query parameter `body` for an empty file.
            let mut error: Error = error.into();
            if error.status_and_body().1.field.as_deref() == Some("body") {
                error = error.field("file");
            }
            refused(&state, &member, dossier.id, "piece", fields, error).await
        }
    }
}

fn too_large_or_bad(detail: &str) -> Error {
    Error::bad_request(format!("envoi du formulaire interrompu ou trop volumineux ({detail})"))
        .action(format!("envoyer un fichier d'au plus {} Mo", MAX_PIECE_BYTES / 1024 / 1024))
}

/// `GET /portail/pieces/{id}`: a piece's file, if its dossier is in the
/// member's chambers.
pub async fn download(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result: Result<Response, Error> = async {
        member.caller().require_view(&state.visibility, View::Dossiers)?;
        let id = crate::api::extract::numeric_id(&raw_id, "pièce")?;
        let piece = state.store.piece(id).await?;
        member.caller().require_chamber(&state.store.dossier_chamber(piece.dossier_id).await?)?;
        let bytes = state.store.piece_content(&piece).await?;
        Ok(crate::api::dossiers::piece_download(&piece, bytes))
    }
    .await;
    result.unwrap_or_else(|error| failure_as(&member, &error))
}

/// The choices of the record form for the member: the chambers of the
/// member's scope, their magistrates who report, and the avocats généraux.
async fn record_choices(state: &AppState, member: &Member) -> Result<RecordChoices, Error> {
    let caller = member.caller();
    let chambers: Vec<(String, String)> = state
        .store
        .chambers()
        .await?
        .into_iter()
        .filter(|c| caller.0.covers(&c.chamber.code))
        .map(|c| (c.chamber.code, c.chamber.name))
        .collect();
    let mut choices = RecordChoices { chambers, ..RecordChoices::default() };
    for record in state.store.magistrates(None).await? {
        let m = record.magistrate;
        if !m.active {
            continue;
        }
        let label = format!("{} — {} ({})", m.name, m.chamber, m.id);
        if m.role == greffe_models::court::Role::AvocatGeneral {
            choices.avocats_generaux.push((m.id, label));
        } else if caller.0.covers(&m.chamber) {
            choices.rapporteurs.push((m.id, label));
        }
    }
    Ok(choices)
}

/// A dossier that may be the one being registered.
#[derive(Debug, Clone)]
pub struct DuplicateView {
    id: Option<i64>,
    pourvoi: String,
    chamber: String,
    status: String,
}

#[derive(Template)]
#[template(path = "record_form.html")]
struct RecordFormPage {
    member: Option<HeaderMember>,
    title: String,
    action: String,
    csrf: String,
    version: Option<i64>,
    new: bool,
    groups: Vec<Group>,
    problems: Problems,
    duplicates: Vec<DuplicateView>,
    confirm_duplicate: bool,
    conflict: Option<String>,
    theirs: Vec<(String, String, String)>,
    back: String,
}

impl RecordFormPage {
    fn status(&self) -> StatusCode {
        if self.problems.is_empty() && self.duplicates.is_empty() && self.conflict.is_none() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// `GET /portail/dossiers/nouveau`: the registration form, dated today.
pub async fn new_form(State(state): State<AppState>, member: Member) -> Response {
    if let Err(error) = member.caller().require(Operation::WriteDossier) {
        return failure_as(&member, &error);
    }
    let choices = match record_choices(&state, &member).await {
        Ok(choices) => choices,
        Err(error) => return failure_as(&member, &error),
    };
    let mut fields = Fields::default();
    fields.push("registered_on", today().to_string());
    if let [(only, _)] = choices.chambers.as_slice() {
        fields.push("chamber", only.clone());
    }
    let page = RecordFormPage {
        member: Some(HeaderMember::of(&member, "/portail/dossiers/nouveau")),
        title: "Enregistrer un pourvoi".into(),
        action: "/portail/dossiers/nouveau".into(),
        csrf: member.session.csrf.clone(),
        version: None,
        new: true,
        groups: record::groups(&fields, &Problems::default(), &choices, true, record::NEW_PARTY_ROWS),
        problems: Problems::default(),
        duplicates: Vec::new(),
        confirm_duplicate: false,
        conflict: None,
        theirs: Vec::new(),
        back: "/portail/".into(),
    };
    render(&page, page.status())
}

/// `POST /portail/dossiers/nouveau`: registers the pourvoi, or shows the
/// form again with every problem beside its field, or the dossiers it may
/// duplicate (then registered only once the clerk confirms).
pub async fn create(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    if let Err(error) =
        member.caller().require(Operation::WriteDossier).and_then(|()| member.require_csrf(fields.get("csrf")))
    {
        return failure_as(&member, &error);
    }
    let choices = match record_choices(&state, &member).await {
        Ok(choices) => choices,
        Err(error) => return failure_as(&member, &error),
    };
    let mut problems = Problems::default();
    let input = record::input_of(&fields, None, &mut problems);
    let events = record::registration_events(&fields, fields.get("registered_on").trim(), &mut problems);
    let add_party = fields.has("ajouter_partie");
    let mut duplicates = Vec::new();
    if let Some(input) = &input
        && problems.is_empty()
        && !add_party
    {
        if let Err(error) = member.caller().require_chamber(&input.chamber) {
            problems.push("chamber", error.status_and_body().1.message, "choisir une chambre de votre périmètre");
        } else if !fields.has("confirme_doublon") {
            match state.store.possible_duplicates(input).await {
                Ok(found) => {
                    duplicates = found
                        .into_iter()
                        .map(|d| {
                            let readable = member.session.user.covers(&d.chamber);
                            DuplicateView {
                                id: readable.then_some(d.id),
                                pourvoi: if readable { d.pourvoi } else { "(autre chambre)".into() },
                                chamber: d.chamber,
                                status: status_label(&d.status),
                            }
                        })
                        .collect();
                }
                Err(error) => return failure_as(&member, &error.into()),
            }
        }
        if problems.is_empty() && duplicates.is_empty() {
            match state.store.register_pourvoi(member.actor(), input.clone(), events).await {
                Ok(dossier) => return done(dossier.id, "enregistre"),
                Err(error) => {
                    if let Err(other) = problems.take(error.into()) {
                        // A pourvoi number already registered is the most
                        // likely conflict: shown beside the number.
                        let (status, problem) = other.status_and_body();
                        if status == StatusCode::CONFLICT {
                            problems.push("pourvoi", problem.message, problem.action.unwrap_or_default());
                        } else {
                            return failure_as(&member, &other);
                        }
                    }
                }
            }
        }
    }
    // Shown again from the record as understood (blank rows dropped, the
    // number normalised), so that the problems name the rows on screen.
    let mut shown = input.as_ref().map_or_else(|| fields.clone(), record::fields_of);
    for name in ["declaration_pourvoi", "signification_decision"] {
        shown.push(name, fields.get(name));
    }
    let rows = record::party_rows(input.as_ref().map_or(0, |i| i.parties.len()), add_party);
    let mut page = RecordFormPage {
        member: Some(HeaderMember::of(&member, "/portail/dossiers/nouveau")),
        title: "Enregistrer un pourvoi".into(),
        action: "/portail/dossiers/nouveau".into(),
        csrf: member.session.csrf.clone(),
        version: None,
        new: true,
        groups: record::groups(&shown, &problems, &choices, true, rows),
        confirm_duplicate: !duplicates.is_empty(),
        duplicates,
        problems,
        conflict: None,
        theirs: Vec::new(),
        back: "/portail/".into(),
    };
    page.problems.label_from(&page.groups);
    let status = if add_party { StatusCode::OK } else { page.status() };
    render(&page, status)
}

/// `GET /portail/dossiers/{id}/modifier`: the record, to edit.
pub async fn edit_form(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result: Result<RecordFormPage, Error> = async {
        member.caller().require(Operation::WriteDossier)?;
        let dossier = readable(&state, &member, &raw_id).await?;
        let choices = record_choices(&state, &member).await?;
        let fields = record::fields_of(&dossier.record);
        Ok(edit_page(&member, &dossier, &fields, Problems::default(), &choices, dossier.record.parties.len()))
    }
    .await;
    match result {
        Ok(page) => render(&page, page.status()),
        Err(error) => failure_as(&member, &error),
    }
}

fn edit_page(
    member: &Member,
    dossier: &Dossier,
    fields: &Fields,
    problems: Problems,
    choices: &RecordChoices,
    party_rows: usize,
) -> RecordFormPage {
    let groups = record::groups(fields, &problems, choices, false, party_rows);
    let mut problems = problems;
    problems.label_from(&groups);
    RecordFormPage {
        member: Some(HeaderMember::of(member, "/portail/dossiers")),
        title: format!("Modifier le dossier {}", dossier.record.pourvoi),
        action: format!("/portail/dossiers/{}/modifier", dossier.id),
        csrf: member.session.csrf.clone(),
        version: Some(dossier.version),
        new: false,
        groups,
        problems,
        duplicates: Vec::new(),
        confirm_duplicate: false,
        conflict: None,
        theirs: Vec::new(),
        back: format!("/portail/dossiers/{}", dossier.id),
    }
}

/// What differs between the record as typed and as stored meanwhile:
/// `(field, typed, stored)`.
fn differences(typed: &Fields, stored: &Fields) -> Vec<(String, String, String)> {
    let labels = [
        ("procedure", "Procédure"),
        ("registered_on", "Date d'enregistrement"),
        ("urgent", "Urgent"),
        ("chamber", "Chambre"),
        ("section", "Section"),
        ("matter", "Matière"),
        ("circuit", "Circuit"),
        ("attacked.court", "Juridiction"),
        ("attacked.date", "Date de la décision attaquée"),
        ("attacked.docket", "Numéro RG"),
        ("avocat_general", "Avocat général"),
        ("rapporteurs[0]", "Rapporteur"),
        ("residence_demandeur", "Résidence du demandeur"),
        ("residence_defendeur", "Résidence du défendeur"),
    ];
    let mut list: Vec<(String, String, String)> = labels
        .iter()
        .filter(|(name, _)| typed.get(name).trim() != stored.get(name).trim())
        .map(|(name, label)| ((*label).to_owned(), typed.get(name).to_owned(), stored.get(name).to_owned()))
        .collect();
    for index in 0..64 {
        let name = format!("parties[{index}].name");
        let lawyer = format!("parties[{index}].lawyer");
        if !typed.has(&name) && !stored.has(&name) {
            break;
        }
        for (field, label) in [(&name, "nom"), (&lawyer, "avocat")] {
            if typed.get(field).trim() != stored.get(field).trim() {
                list.push((
                    format!("Partie {} : {label}", index + 1),
                    typed.get(field).to_owned(),
                    stored.get(field).to_owned(),
                ));
            }
        }
    }
    list
}

/// `POST /portail/dossiers/{id}/modifier`: writes the record at the version
/// the form was read at. If someone else wrote it meanwhile, nothing is
/// written: the form comes back as typed, with the other person's version
/// beside it, field by field.
pub async fn update(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let (dossier, version) = match writable(&state, &member, &raw_id, &fields).await {
        Ok(found) => found,
        Err(error) => return failure_as(&member, &error),
    };
    let choices = match record_choices(&state, &member).await {
        Ok(choices) => choices,
        Err(error) => return failure_as(&member, &error),
    };
    let mut problems = Problems::default();
    let input = record::input_of(&fields, Some(&dossier.record), &mut problems);
    let add_party = fields.has("ajouter_partie");
    let mut conflict = None;
    let mut current = dossier.clone();
    if let Some(input) = &input
        && problems.is_empty()
        && !add_party
    {
        if let Err(error) = member.caller().require_chamber(&input.chamber) {
            problems.push("chamber", error.status_and_body().1.message, "choisir une chambre de votre périmètre");
        } else {
            let patch = match serde_json::to_value(input) {
                Ok(patch) => patch,
                Err(error) => return failure_as(&member, &Error::internal(error)),
            };
            match state.store.update_dossier(member.actor(), dossier.id, version, patch).await {
                Ok(written) => return done(written.id, "modifie"),
                Err(error) => {
                    let error: Error = error.into();
                    if error.status_and_body().0 == StatusCode::PRECONDITION_FAILED {
                        conflict = Some(
                            "Quelqu'un d'autre a enregistré ce dossier pendant que vous le modifiiez : votre saisie n'a pas été enregistrée. \
                             Comparez-la avec la version enregistrée ci-dessous ; validez à nouveau pour la remplacer par la vôtre."
                                .to_owned(),
                        );
                        current = match state.store.dossier(dossier.id).await {
                            Ok(found) => found,
                            Err(error) => return failure_as(&member, &error.into()),
                        };
                    } else if let Err(other) = problems.take(error) {
                        return failure_as(&member, &other);
                    }
                }
            }
        }
    }
    let shown = input.as_ref().map_or_else(|| fields.clone(), record::fields_of);
    let rows = record::party_rows(input.as_ref().map_or(0, |i| i.parties.len()), add_party);
    let mut page = edit_page(&member, &current, &shown, problems, &choices, rows);
    if conflict.is_some() {
        page.theirs = differences(&shown, &record::fields_of(&current.record));
        page.conflict = conflict;
    }
    let status = if add_party { StatusCode::OK } else { page.status() };
    render(&page, status)
}

/// The row of a notice task once done (htmx swaps it in).
#[derive(Template)]
#[template(
    source = r#"<tr id="fait"><td colspan="5" role="status"><span class="fr-badge fr-badge--sm {{ badge }}">{{ text }}</span></td></tr>"#,
    ext = "html"
)]
struct TaskDoneRow {
    text: String,
    badge: &'static str,
}

/// `POST /portail/taches/{id}/fait`: a notice task done; back to where the
/// button was (`suite`: the home or a dossier page).
pub async fn complete_task(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<greffe_store::plans::NoticeTask, Error> = async {
        member.caller().require(Operation::CompleteNotice)?;
        member.require_csrf(fields.get("csrf"))?;
        let id = crate::api::extract::numeric_id(&raw_id, "tâche")?;
        let user = &member.session.user;
        Ok(state.store.complete_notice(member.actor(), id, |chamber| user.covers(chamber)).await?)
    }
    .await;
    // From htmx (the home page's button): the row, done, in place.
    if headers.contains_key("hx-request") {
        // htmx swaps 2xx answers only: a refusal comes with 200 too, its
        // badge and words saying it.
        let (text, badge) = match &result {
            Ok(task) => (format!("Fait : {} — {}", task.pourvoi, task.label), "fr-badge--success"),
            Err(error) => {
                let (status, problem) = error.status_and_body();
                if status.is_server_error() {
                    tracing::error!(%error, "marking a notice task done failed");
                }
                (format!("Non fait : {}", problem.message), "fr-badge--error")
            }
        };
        return render(&TaskDoneRow { text, badge }, StatusCode::OK);
    }
    match result {
        Ok(_) => {
            let back = fields.get("suite");
            let back = if back.starts_with("/portail/") && !back.contains("//") { back } else { "/portail/" };
            let separator = if back.contains('?') { '&' } else { '?' };
            let anchor = if back.starts_with("/portail/dossiers/") { "#delais" } else { "" };
            Redirect::to(&format!("{back}{separator}fait=tache{anchor}")).into_response()
        }
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/avis/{id}.pdf` (the path's last segment, `12.pdf`): the
/// avis d'audience of a notice task, for the clerks and president of its
/// chamber.
pub async fn notice_pdf(State(state): State<AppState>, member: Member, Path(file): Path<String>) -> Response {
    let result = async {
        member.caller().require(Operation::ReadNotices)?;
        let raw = file.strip_suffix(".pdf").unwrap_or(&file);
        let id = crate::api::extract::numeric_id(raw, "tâche")?;
        let task = state.store.notice_task(id).await?;
        if !member.session.user.covers(&task.chamber) {
            return Err(Error::not_found(format!("tâche d'avis n° {id}")));
        }
        crate::documents::notice(&state, &task).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}
