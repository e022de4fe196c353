//! The magistrates' work documents in the portal: on the dossier's page,
//! the documents the member may read and what he files; a document's page
//! with its text, its versions and their PDFs; for its author, the form
//! that files the next version (or a new document, prefilled: a draft from
//! the report's grounds). Who reads what is `greffe_models::work`'s.

use std::collections::BTreeSet;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_models::decision::Outcome;
use greffe_models::work::{Reader, WorkContent, WorkKind, WorkSlot};
use greffe_store::work_documents::{WorkDocument, WorkFiling};
use serde::Deserialize;

use super::forms::{
    Field, Fields, GroundLine, Kind, Problems, choices, ground_lines, posted_grounds, posted_lines, posted_outcome,
};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::api::work::{file_version, may_file, require_reader, ties_in_scope};
use crate::error::Error;

/// A work document as the dossier's page lists it.
pub struct WorkLine {
    /// Its page.
    pub href: String,
    /// « Rapport du conseiller rapporteur », « Projet d'arrêt n° 2 ».
    pub label: String,
    /// Its title.
    pub title: String,
    /// Its last version.
    pub version: i64,
    /// Who wrote it.
    pub author: String,
    /// When it was filed (« 03/12/2026 »).
    pub filed_on: String,
    /// The solution proposed (French), if any.
    pub proposed: String,
    /// Only the formation reads it.
    pub reserved: bool,
}

/// The « Travaux des magistrats » section of a dossier's page.
pub struct WorkSection {
    /// The documents the member reads.
    pub lines: Vec<WorkLine>,
    /// What he files: (link, label).
    pub actions: Vec<(String, String)>,
    /// How he is tied to the dossier, in French (« rapporteur du dossier »).
    pub ties: String,
}

fn href(id: i64, slot: WorkSlot) -> String {
    format!("/portail/dossiers/{id}/travaux/{}/{}", slot.kind.as_str(), slot.number)
}

fn body_label(kind: WorkKind) -> &'static str {
    match kind {
        WorkKind::Rapport => "Exposé des faits et de la procédure",
        WorkKind::Projet => "Faits et procédure",
        WorkKind::AvisRapporteur | WorkKind::AvisAvocatGeneral => "Motifs de l'avis",
    }
}

fn reserved(kind: WorkKind) -> bool {
    !kind.visibility().readers.contains(&Reader::Greffe)
}

/// The section for `member` on dossier `id`'s page; `None` for a role that
/// reads no work document (the analyst, the administrator).
pub async fn section(state: &AppState, member: &Member, id: i64) -> Result<Option<WorkSection>, Error> {
    let caller = member.caller();
    if !caller.0.role.may(Operation::ReadWork) {
        return Ok(None);
    }
    let (id, ties) = ties_in_scope(state, &caller, &id.to_string()).await?;
    let documents = state.store.work_documents(id).await?;
    let filed: BTreeSet<WorkKind> = documents.iter().map(|d| d.kind).collect();
    let lines = documents
        .into_iter()
        .filter(|d| d.kind.readable_by(&ties))
        .map(|d| {
            let slot = WorkSlot { kind: d.kind, number: d.number };
            WorkLine {
                href: href(id, slot),
                label: greffe_models::text::capitalised(&slot.to_string()),
                title: d.title,
                version: d.version,
                author: d.author_name,
                filed_on: date_fr(&d.filed_on),
                proposed: d.proposed.map(|o| o.label_fr().to_owned()).unwrap_or_default(),
                reserved: reserved(d.kind),
            }
        })
        .collect::<Vec<_>>();
    let actions = may_file(&caller, &ties)
        .into_iter()
        .filter(|kind| kind.several() || !filed.contains(kind))
        .map(|kind| {
            let label = match kind {
                WorkKind::Rapport => "Rédiger le rapport",
                WorkKind::AvisRapporteur => "Rédiger l'avis",
                WorkKind::Projet => "Rédiger un projet d'arrêt",
                WorkKind::AvisAvocatGeneral => "Rédiger l'avis de l'avocat général",
            };
            (format!("/portail/dossiers/{id}/travaux/{}/nouveau", kind.as_str()), label.to_owned())
        })
        .collect();
    let ties = ties.iter().map(|t| t.label_fr()).collect::<Vec<_>>().join(", ");
    Ok(Some(WorkSection { lines, actions, ties }))
}

/// A filed version, with its PDF.
struct VersionLine {
    version: i64,
    author: String,
    filed_at: String,
    sha256: String,
    pdf: String,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    member: Option<HeaderMember>,
    csrf: String,
    flash: Option<String>,
    id: i64,
    pourvoi: String,
    /// « Rapport du conseiller rapporteur », « Projet d'arrêt n° 2 ».
    label: String,
    /// Where the form posts.
    action: String,
    /// The version read (0: a new document).
    version: i64,
    /// The filed text, when there is one.
    filed: Option<WorkContent>,
    /// The solution proposed, in French.
    proposed: String,
    /// Who reads it, and the rule's source.
    readers: String,
    source: String,
    to_confirm: bool,
    reserved: bool,
    versions: Vec<VersionLine>,
    /// The member files the next version.
    may_file: bool,
    fields: Vec<Field>,
    grounds: Vec<GroundLine>,
    /// What the second text area of a ground is called here.
    answer_label: &'static str,
    /// What the discussion is called here.
    body_label: &'static str,
    problems: Problems,
}

/// What the page shows after a redirect.
#[derive(Debug, Deserialize)]
pub struct Done {
    /// `depose` once a version is filed.
    fait: Option<String>,
}

fn slot_of(kind: &str, number: &str) -> Result<WorkSlot, Error> {
    let kind = WorkKind::parse(kind).ok_or_else(|| Error::not_found(format!("type de document « {kind} »")))?;
    let number = number.parse::<i64>().map_err(|_| Error::not_found(format!("document n° « {number} »")))?;
    Ok(WorkSlot { kind, number })
}

struct Shown<'a> {
    member: &'a Member,
    id: i64,
    pourvoi: String,
    outcomes: Vec<Outcome>,
    slot: WorkSlot,
    /// The filed document, if any.
    document: Option<WorkDocument>,
    /// The text the form starts from.
    start: WorkContent,
    may_file: bool,
}

fn page_of(shown: Shown<'_>, fields: &Fields, problems: Problems, flash: Option<String>) -> WorkPage {
    let Shown { member, id, pourvoi, outcomes, slot, document, start, may_file } = shown;
    let posted = fields.has("csrf");
    let value = |name: &str, stored: String| if posted { fields.get(name).to_owned() } else { stored };
    let is_draft = slot.kind == WorkKind::Projet;
    let proposed = value("content.proposed", start.proposed.map(|o| o.as_str().to_owned()).unwrap_or_default());
    let mut form = vec![
        Field::new(Kind::Text, "content.title", "Titre", &value("content.title", start.title.clone()), &problems)
            .required(),
        Field::new(Kind::Select, "content.proposed", "Solution proposée", "", &problems).choices(choices(
            outcomes.iter().map(|o| (o.as_str(), o.label_fr())),
            &proposed,
            Some(if is_draft { "— choisir —" } else { "— aucune —" }),
        )),
        Field::new(
            Kind::Textarea,
            "content.visas",
            "Visas",
            &value("content.visas", start.visas.join("\n")),
            &problems,
        )
        .hint("Un texte par ligne (« l'article 1231-1 du code civil »)"),
        Field::new(
            Kind::Textarea,
            "content.body",
            body_label(slot.kind),
            &value("content.body", start.body.clone()),
            &problems,
        ),
    ];
    if is_draft {
        form.push(
            Field::new(
                Kind::Textarea,
                "content.operative",
                "Dispositif",
                &value("content.operative", start.operative.clone()),
                &problems,
            )
            .hint("« REJETTE le pourvoi ; … » — ce qui suit « PAR CES MOTIFS, la Cour : »"),
        );
    }
    let grounds = ground_lines(fields, &start.grounds);
    let mut problems = problems;
    problems.label_from_fields(&form);
    let visibility = slot.kind.visibility();
    let version = document.as_ref().map_or(0, |d| d.version);
    WorkPage {
        member: Some(HeaderMember::of(member, "/portail/dossiers")),
        csrf: member.session.csrf.clone(),
        flash,
        id,
        pourvoi,
        label: greffe_models::text::capitalised(&slot.to_string()),
        action: href(id, slot),
        version,
        proposed: document
            .as_ref()
            .and_then(|d| d.content.proposed)
            .map(|o| o.label_fr().to_owned())
            .unwrap_or_default(),
        filed: document.as_ref().map(|d| d.content.clone()),
        readers: visibility.readers.iter().map(|r| r.label_fr()).collect::<Vec<_>>().join(", "),
        source: visibility.source.to_owned(),
        to_confirm: visibility.to_confirm,
        reserved: reserved(slot.kind),
        versions: document
            .iter()
            .flat_map(|d| &d.versions)
            .map(|v| VersionLine {
                version: v.version,
                author: v.author_name.clone(),
                filed_at: instant_fr(&v.filed_at),
                sha256: v.sha256.chars().take(16).collect(),
                pdf: format!("{}/pdf/{}", href(id, slot), v.version),
            })
            .collect(),
        may_file,
        fields: form,
        grounds,
        answer_label: if is_draft { "Réponse proposée au moyen" } else { "Analyse du moyen" },
        body_label: body_label(slot.kind),
        problems,
    }
}

/// The document `slot` of `raw_id` as `member` sees it: 403 unless he
/// reads its kind; `new`: the next document of the kind, for its author.
async fn shown<'a>(
    state: &AppState,
    member: &'a Member,
    raw_id: &str,
    kind: &str,
    number: Option<&str>,
) -> Result<Shown<'a>, Error> {
    let caller = member.caller();
    let (id, ties) = ties_in_scope(state, &caller, raw_id).await?;
    let files = |kind: WorkKind| may_file(&caller, &ties).contains(&kind);
    let dossier = state.store.dossier(id).await?;
    let outcomes = Outcome::of(dossier.record.nature);
    let pourvoi = dossier.record.pourvoi.clone();
    let (slot, document, start) = match number {
        Some(number) => {
            let slot = slot_of(kind, number)?;
            require_reader(slot.kind, &ties)?;
            let document = state.store.work_document(id, slot).await?;
            let start = document.content.clone();
            (slot, Some(document), start)
        }
        None => {
            let kind = slot_of(kind, "1")?.kind;
            if !files(kind) {
                return Err(Error::forbidden(format!(
                    "le {} est déposé par le {}",
                    kind.label_fr(),
                    kind.author().label_fr()
                )));
            }
            let (slot, start) = state.store.work_prefill(id, kind).await?;
            // A report or an opinion already filed is revised on its page.
            if !kind.several() && state.store.work_document(id, slot).await.is_ok() {
                return Err(Error::conflict(
                    crate::error::ErrorCode::ForbiddenTransition,
                    format!("le {} est déjà déposé", kind.label_fr()),
                    "déposer une nouvelle version depuis sa page",
                ));
            }
            (slot, None, start)
        }
    };
    Ok(Shown { member, id, pourvoi, outcomes, may_file: files(slot.kind), slot, document, start })
}

/// `GET /portail/dossiers/{id}/travaux/{kind}/{number}`.
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path((raw_id, kind, number)): Path<(String, String, String)>,
    Query(done): Query<Done>,
) -> Response {
    match shown(&state, &member, &raw_id, &kind, Some(&number)).await {
        Ok(shown) => {
            let flash =
                done.fait.map(|_| format!("Version {} déposée.", shown.document.as_ref().map_or(0, |d| d.version)));
            render(&page_of(shown, &Fields::empty(), Problems::empty(), flash), StatusCode::OK)
        }
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/dossiers/{id}/travaux/{kind}/nouveau`: the form of a new
/// document, prefilled.
pub async fn new_form(
    State(state): State<AppState>,
    member: Member,
    Path((raw_id, kind)): Path<(String, String)>,
) -> Response {
    match shown(&state, &member, &raw_id, &kind, None).await {
        Ok(shown) => render(&page_of(shown, &Fields::empty(), Problems::empty(), None), StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// The text the form sends, or the problems of what cannot be read.
fn posted_content(fields: &Fields) -> Result<WorkContent, Problems> {
    let mut problems = Problems::default();
    let proposed = posted_outcome(fields, "content.proposed", &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(WorkContent {
        title: fields.get("content.title").trim().to_owned(),
        parties: Vec::new(),
        visas: posted_lines(fields, "content.visas"),
        grounds: posted_grounds(fields),
        proposed,
        operative: fields.get("content.operative").trim().to_owned(),
        body: fields.get("content.body").trim().to_owned(),
    })
}

/// `POST /portail/dossiers/{id}/travaux/{kind}/{number}`: files the next
/// version (`version` read, 0 for a new document), then shows it.
pub async fn file(
    State(state): State<AppState>,
    member: Member,
    Path((raw_id, kind, number)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let expected = fields.get("version").trim().parse::<i64>().unwrap_or(-1);
    let shown = match async {
        member.caller().require(Operation::FileWork)?;
        member.require_csrf(fields.get("csrf"))?;
        let filed = if expected == 0 { None } else { Some(number.as_str()) };
        let shown = shown(&state, &member, &raw_id, &kind, filed).await?;
        if !shown.may_file {
            return Err(Error::forbidden(format!(
                "le {} est déposé par le {}",
                shown.slot.kind.label_fr(),
                shown.slot.kind.author().label_fr()
            )));
        }
        Ok(shown)
    }
    .await
    {
        Ok(shown) => shown,
        Err(error) => return failure_as(&member, &error),
    };
    // Without parties: the record's (`api::work::file_version`).
    let content = match posted_content(&fields) {
        Ok(content) => content,
        Err(problems) => return render(&page_of(shown, &fields, problems, None), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let slot = match slot_of(&kind, &number) {
        Ok(slot) => slot,
        Err(error) => return failure_as(&member, &error),
    };
    let filing = WorkFiling { slot, expected, content, pdf: Vec::new() };
    match file_version(&state, &member.caller(), shown.id, filing).await {
        Ok(filed) => Redirect::to(&format!(
            "{}?fait=depose#message",
            href(filed.dossier_id, WorkSlot { kind: filed.kind, number: filed.number })
        ))
        .into_response(),
        Err(error) => {
            let mut problems = Problems::default();
            match problems.take(error) {
                Ok(()) => render(&page_of(shown, &fields, problems, None), StatusCode::UNPROCESSABLE_ENTITY),
                Err(other) => failure_as(&member, &other),
            }
        }
    }
}

/// `GET /portail/dossiers/{id}/travaux/{kind}/{number}/pdf/{version}`: the
/// PDF a version was filed with, to whom reads its kind.
pub async fn pdf(
    State(state): State<AppState>,
    member: Member,
    Path((raw_id, kind, number, version)): Path<(String, String, String, String)>,
) -> Response {
    let result = async {
        let caller = member.caller();
        let (id, slot, version) =
            crate::api::work::readable_version(&state, &caller, [&raw_id, &kind, &number, &version]).await?;
        let dossier = state.store.dossier(id).await?;
        crate::documents::kept_work_document(&state, &dossier, slot, version).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}
