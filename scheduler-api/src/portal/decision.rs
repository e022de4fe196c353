//! The decision workspace of a heard dossier: the decision prefilled from
//! the roll and the hearing's record, its defects shown all at once with
//! their articles, the magistrates' text (visas, each ground answered,
//! outcome, operative part, pronouncement, publication), the greffe's
//! record of late mémoires, and the versions saved. And, on a held
//! hearing's page, the greffier's record of who sat.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_models::decision::{DecisionContent, DecisionStatus, PreventedSignatory, Replacement, SittingRecord};
use greffe_models::registry::PublicationLevel;
use greffe_models::signature::{self, SignatoryRole};
use greffe_models::work::{WorkKind, WorkSlot};
use greffe_store::decision_drafts::{DecisionSave, DecisionWorkspace};
use greffe_store::decision_signatures::{has_signed, roles_of};
use serde::Deserialize;

use super::forms::{
    Field, Fields, GroundLine, Kind, Problems, choices, ground_lines, posted_grounds, posted_lines, posted_outcome,
};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;

/// A defect as a page lists it (`parts/defects.html`).
pub(crate) struct DefectLine {
    pub(crate) label: &'static str,
    pub(crate) message: String,
    pub(crate) article: String,
    pub(crate) to_confirm: bool,
}

impl From<&greffe_models::decision::Defect> for DefectLine {
    fn from(d: &greffe_models::decision::Defect) -> Self {
        Self {
            label: d.rule.label_fr(),
            message: d.message.clone(),
            article: d.article.clone(),
            to_confirm: d.to_confirm,
        }
    }
}

/// A mémoire deadline and the lateness input, when it is late.
struct MemoireLine {
    rule: String,
    label: String,
    due: String,
    filed: String,
    state: &'static str,
    late: bool,
    lateness: String,
}

/// A signature the decision requires.
struct SignatoryLine {
    role: &'static str,
    name: String,
    given: Option<String>,
}

/// A saved version, and what it changed from the one before.
struct VersionLine {
    version: i64,
    saved_by: String,
    saved_at: String,
    sha256: String,
    changes: Vec<greffe_models::decision::FieldChange>,
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    member: Option<HeaderMember>,
    csrf: String,
    flash: Option<String>,
    id: i64,
    pourvoi: String,
    hearing_id: String,
    hearing: String,
    status: String,
    version: i64,
    defects: Vec<DefectLine>,
    /// What the page says when there is no defect.
    defects_clear: &'static str,
    sitting_recorded: bool,
    president: String,
    members: Vec<String>,
    rapporteurs: String,
    avocat_general: String,
    greffier: String,
    parties: Vec<String>,
    attacked: String,
    fields: Vec<Field>,
    grounds: Vec<GroundLine>,
    publication: Vec<(&'static str, &'static str, bool)>,
    memoires: Vec<MemoireLine>,
    versions: Vec<VersionLine>,
    problems: Problems,
    may_write: bool,
    signatories: Vec<SignatoryLine>,
    /// Signatures voided by a later version, with the reason.
    voided: Vec<String>,
    /// The member signs now (a signatory, not yet signed, no defect).
    may_sign: bool,
    sealed: bool,
    /// The sealed arrêt: its SHA-256, shortened, and when it is rendered.
    seal: Option<SealLine>,
    /// The signatories who may be declared prevented (`role|who`, label).
    preventable: Vec<(String, String)>,
    /// Who deliberated (id, name): who may sign for a prevented magistrate.
    deliberated: Vec<(String, String)>,
    /// The prevented signatories, as the decision mentions them.
    prevented: Vec<String>,
    /// The rapporteur's drafts the member reads, whose text the form can
    /// take up: (number, « n° 1 — rejet »).
    drafts: Vec<(i64, String)>,
}

/// The seal of the arrêt, as the page shows it.
struct SealLine {
    pdf_sha256: String,
    sealed_at: String,
    pronouncement: String,
    rendered: bool,
}

/// What the page shows after a redirect.
#[derive(Debug, Deserialize)]
pub struct Done {
    /// `enregistre` once a version is saved.
    fait: Option<String>,
    /// A draft of the rapporteur whose text the form takes up.
    projet: Option<i64>,
}

/// What each saved version changed from the one before.
async fn changes_of(
    state: &AppState,
    workspace: &DecisionWorkspace,
    names: &BTreeMap<String, String>,
) -> Result<BTreeMap<i64, Vec<greffe_models::decision::FieldChange>>, Error> {
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let mut changes = BTreeMap::new();
    for version in workspace.versions.iter().map(|v| v.version).filter(|v| *v > 1) {
        changes.insert(version, state.store.decision_changes_named(workspace.dossier_id, version, &name).await?);
    }
    Ok(changes)
}

async fn names(state: &AppState) -> Result<BTreeMap<String, String>, Error> {
    Ok(state.store.magistrates(None).await?.into_iter().map(|m| (m.magistrate.id, m.magistrate.name)).collect())
}

/// The decision of `raw_id`, if the member may read it (his chambers; a
/// magistrate, only the formation's).
async fn readable(state: &AppState, member: &Member, raw_id: &str) -> Result<DecisionWorkspace, Error> {
    crate::api::decisions::decision_in_scope(state, &member.caller(), raw_id).await
}

/// The writing fields of the form, from what was posted or, on a first
/// draw, from the content.
fn writing_fields(fields: &Fields, workspace: &DecisionWorkspace, problems: &Problems) -> Vec<Field> {
    let content = &workspace.content;
    let posted = fields.has("csrf");
    let value = |name: &str, stored: String| if posted { fields.get(name).to_owned() } else { stored };
    let outcome = value("content.outcome", content.outcome.map(|o| o.as_str().to_owned()).unwrap_or_default());
    let mut outcomes = vec![("", "— pas encore délibéré —")];
    outcomes.extend(workspace.outcomes.iter().map(|o| (o.as_str(), o.label_fr())));
    vec![
        Field::new(
            Kind::Textarea,
            "content.visas",
            "Visas",
            &value("content.visas", content.visas.join("\n")),
            problems,
        )
        .hint("Un texte par ligne (« l'article 1103 du code civil »)"),
        Field::new(Kind::Select, "content.outcome", "Solution", "", problems).choices(choices(
            outcomes.into_iter(),
            &outcome,
            None,
        )),
        Field::new(
            Kind::Textarea,
            "content.operative",
            "Dispositif",
            &value("content.operative", content.operative.clone()),
            problems,
        )
        .hint("« PAR CES MOTIFS, la Cour : REJETTE le pourvoi… »"),
        Field::new(
            Kind::Date,
            "content.pronouncement",
            "Date du prononcé",
            &value("content.pronouncement", content.pronouncement.clone().unwrap_or_default()),
            problems,
        )
        .hint("Le jour de l'audience, ou la date ultérieure fixée à l'audience"),
    ]
}

fn page_of(
    member: &Member,
    workspace: &DecisionWorkspace,
    names: &BTreeMap<String, String>,
    changes: &BTreeMap<i64, Vec<greffe_models::decision::FieldChange>>,
    fields: &Fields,
    problems: Problems,
    flash: Option<String>,
) -> DecisionPage {
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let content = &workspace.content;
    let posted = fields.has("csrf");
    let grounds = ground_lines(fields, &content.grounds);
    let published: Vec<&str> =
        if posted { fields.all("publication") } else { content.publication.iter().map(|p| p.as_str()).collect() };
    let half_day = if workspace.hearing.half_day == "pm" { "après-midi" } else { "matin" };
    let sealed = matches!(workspace.status, DecisionStatus::Signed | DecisionStatus::Rendered);
    let fields_drawn = writing_fields(fields, workspace, &problems);
    let mut problems = problems;
    problems.label_from_fields(&fields_drawn);
    DecisionPage {
        member: Some(HeaderMember::of(member, "/portail/dossiers")),
        csrf: member.session.csrf.clone(),
        flash,
        id: workspace.dossier_id,
        pourvoi: content.pourvoi.clone(),
        hearing_id: workspace.hearing.hearing_id.clone(),
        hearing: format!(
            "Audience du {} ({half_day}), chambre {}, {}",
            date_fr(&workspace.hearing.date),
            workspace.hearing.chamber,
            workspace.hearing.formation.label_fr()
        ),
        status: workspace.status_label.clone(),
        version: workspace.version,
        defects: workspace.defects.iter().map(DefectLine::from).collect(),
        defects_clear: "Aucun défaut : composition, mentions, procédure et dates sont conformes au rôle, au dossier et à la loi.",
        sitting_recorded: workspace.hearing.record.is_some(),
        president: name(&content.president),
        // The bench's other members; the rapporteurs are listed apart.
        members: content
            .members
            .iter()
            .filter(|m| **m != content.president && !content.rapporteurs.contains(m))
            .map(|m| name(m))
            .collect(),
        rapporteurs: content.rapporteurs.iter().map(|m| name(m)).collect::<Vec<_>>().join(", "),
        avocat_general: content.avocat_general.as_deref().map(name).unwrap_or_else(|| "—".into()),
        greffier: if content.greffier.is_empty() {
            "— (composition non consignée)".into()
        } else {
            content.greffier.clone()
        },
        parties: content.parties.iter().map(|p| format!("{} ({})", p.name, p.role.label_fr())).collect(),
        attacked: format!(
            "{}, {}, RG {}",
            content.attacked.court,
            date_fr(&content.attacked.date),
            content.attacked.docket
        ),
        fields: fields_drawn,
        grounds,
        publication: PublicationLevel::ALL
            .iter()
            .map(|p| (p.as_str(), p.label_fr(), published.contains(&p.as_str())))
            .collect(),
        memoires: workspace
            .memoires
            .iter()
            .map(|m| MemoireLine {
                rule: m.rule.clone(),
                label: m.label.clone(),
                due: m.due.as_deref().map(date_fr).unwrap_or_else(|| "—".into()),
                filed: m.filed.as_deref().map(date_fr).unwrap_or_else(|| "non déposé".into()),
                state: if m.state == "met" {
                    "dans le délai"
                } else if m.state == "missed" {
                    "hors délai"
                } else {
                    "en cours"
                },
                late: m.state == "missed",
                lateness: if posted {
                    fields.get(&format!("lateness.{}", m.rule)).to_owned()
                } else {
                    m.lateness.clone().unwrap_or_default()
                },
            })
            .collect(),
        versions: workspace
            .versions
            .iter()
            .map(|v| VersionLine {
                version: v.version,
                saved_by: v.saved_by.clone(),
                saved_at: instant_fr(&v.saved_at),
                sha256: v.sha256.chars().take(16).collect(),
                changes: changes.get(&v.version).cloned().unwrap_or_default(),
            })
            .collect(),
        problems,
        may_write: !sealed && member.caller().require(Operation::DraftDecision).is_ok(),
        signatories: workspace
            .required
            .iter()
            .map(|r| {
                let given = workspace.signatures.iter().find(|l| {
                    l.version == workspace.version
                        && l.void_reason.is_none()
                        && signature::fulfils(&l.signature, r.role, &r.who)
                });
                SignatoryLine {
                    role: r.role.label_fr(),
                    name: if r.role == SignatoryRole::Greffier { r.who.clone() } else { name(&r.who) },
                    given: given.map(|l| instant_fr(&l.signature.signed_at)),
                }
            })
            .collect(),
        voided: workspace
            .signatures
            .iter()
            .filter_map(|l| {
                l.void_reason.as_ref().map(|reason| {
                    format!("{} ({}), version {} — {reason}", l.signature.name, l.signature.role.label_fr(), l.version)
                })
            })
            .collect(),
        may_sign: !sealed
            && workspace.version > 0
            && workspace.defects.is_empty()
            && roles_of(&member.session.user, &workspace.content)
                .into_iter()
                .any(|role| !has_signed(&workspace.signatures, workspace.version, role, &member.session.user.id)),
        sealed,
        seal: workspace.seal.as_ref().map(|seal| SealLine {
            pdf_sha256: seal.pdf_sha256.chars().take(16).collect(),
            sealed_at: instant_fr(&seal.sealed_at),
            pronouncement: content.pronouncement.as_deref().map(date_fr).unwrap_or_default(),
            rendered: workspace.status == DecisionStatus::Rendered,
        }),
        preventable: signature::named(content)
            .into_iter()
            .filter(|(role, who)| {
                !who.trim().is_empty() && !content.prevented.iter().any(|p| p.role == *role && p.absent == *who)
            })
            .map(|(role, who)| {
                let shown = if role == SignatoryRole::Greffier { who.clone() } else { name(&who) };
                (format!("{}|{who}", role.as_str()), format!("{} — {shown}", role.label_fr()))
            })
            .collect(),
        deliberated: content.members.iter().map(|m| (m.clone(), name(m))).collect(),
        prevented: content
            .prevented
            .iter()
            .map(|p| {
                let (absent, by) = if p.role == SignatoryRole::Greffier {
                    (p.absent.clone(), p.by.clone())
                } else {
                    (name(&p.absent), name(&p.by))
                };
                format!("{absent} ({}) empêché — {} ; signe à sa place : {by}", p.role.label_fr(), p.reason)
            })
            .collect(),
        drafts: Vec::new(),
    }
}

/// The rapporteur's drafts of the dossier the member reads (none for whom
/// reads no draft: the greffe).
async fn drafts_of(
    state: &AppState,
    member: &Member,
    id: i64,
) -> Result<(Vec<(i64, String)>, std::collections::BTreeSet<greffe_models::work::Reader>), Error> {
    let (_, ties) = crate::api::work::ties_in_scope(state, &member.caller(), &id.to_string()).await?;
    if !WorkKind::Projet.readable_by(&ties) {
        return Ok((Vec::new(), ties));
    }
    let drafts = state
        .store
        .work_documents(id)
        .await?
        .into_iter()
        .filter(|d| d.kind == WorkKind::Projet)
        .map(|d| {
            let proposed = d.proposed.map(|o| format!(" — {}", o.label_fr())).unwrap_or_default();
            (d.number, format!("n° {}{proposed} (version {}, {})", d.number, d.version, d.author_name))
        })
        .collect();
    Ok((drafts, ties))
}

/// The form as it would be posted with the text of draft `number` taken
/// up — visas, grounds answered, proposed outcome, operative part — the
/// rest as saved.
async fn taken_up(
    state: &AppState,
    member: &Member,
    workspace: &DecisionWorkspace,
    number: i64,
    ties: &std::collections::BTreeSet<greffe_models::work::Reader>,
) -> Result<Fields, Error> {
    crate::api::work::require_reader(WorkKind::Projet, ties)?;
    let draft = state.store.work_document(workspace.dossier_id, WorkSlot { kind: WorkKind::Projet, number }).await?;
    let text = &draft.content;
    let content = &workspace.content;
    let mut fields = Fields::empty();
    fields.push("csrf", member.session.csrf.clone());
    fields.push("content.visas", text.visas.join("\n"));
    for ground in &text.grounds {
        fields.push("ground", ground.ground.clone());
        fields.push("answer", ground.answer.clone());
    }
    fields.push("ground", "");
    fields.push("answer", "");
    fields.push("content.outcome", text.proposed.map(|o| o.as_str().to_owned()).unwrap_or_default());
    fields.push("content.operative", text.operative.clone());
    fields.push("content.pronouncement", content.pronouncement.clone().unwrap_or_default());
    for mark in &content.publication {
        fields.push("publication", mark.as_str());
    }
    for memoire in &workspace.memoires {
        if let Some(reason) = &memoire.lateness {
            fields.push(format!("lateness.{}", memoire.rule), reason.clone());
        }
    }
    Ok(fields)
}

/// `GET /portail/dossiers/{id}/decision`.
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let result = async {
        let workspace = readable(&state, &member, &raw_id).await?;
        let names = names(&state).await?;
        let flash = done.fait.as_deref().map(|done| match done {
            "signe" => format!("Version {} signée.", workspace.version),
            "empechement" => format!(
                "Empêchement consigné : version {} enregistrée ; les signatures déjà données sont à renouveler.",
                workspace.version
            ),
            _ => format!("Version {} enregistrée.", workspace.version),
        });
        let changes = changes_of(&state, &workspace, &names).await?;
        let (drafts, ties) = drafts_of(&state, &member, workspace.dossier_id).await?;
        let (fields, flash) = match done.projet {
            Some(number) => (
                taken_up(&state, &member, &workspace, number, &ties).await?,
                Some(format!(
                    "Texte repris du projet d'arrêt n° {number} : relisez-le, puis enregistrez la version {}.",
                    workspace.version + 1
                )),
            ),
            None => (Fields::empty(), flash),
        };
        let mut page = page_of(&member, &workspace, &names, &changes, &fields, Problems::empty(), flash);
        page.drafts = drafts;
        Ok::<_, Error>(page)
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// The content a save writes: the mentions and composition as the roll,
/// the record and the dossier give them today, and the magistrates' text
/// from the form.
fn posted_content(fields: &Fields, workspace: &DecisionWorkspace) -> Result<DecisionContent, Problems> {
    let mut problems = Problems::default();
    let outcome = posted_outcome(fields, "content.outcome", &mut problems);
    let mut publication = Vec::new();
    for code in fields.all("publication") {
        match PublicationLevel::parse(code) {
            Some(level) => publication.push(level),
            None => problems.push("publication", format!("marque « {code} » inconnue"), "cocher B, R, L, C ou N"),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(DecisionContent {
        visas: posted_lines(fields, "content.visas"),
        grounds: posted_grounds(fields),
        outcome,
        operative: fields.get("content.operative").trim().to_owned(),
        pronouncement: fields.opt("content.pronouncement"),
        publication,
        // Declared apart (`prevent`): kept as they are.
        prevented: workspace.content.prevented.clone(),
        ..workspace.from_roll.clone()
    })
}

/// The lateness the greffe recorded, as a new version keeps it.
fn lateness_of(workspace: &DecisionWorkspace) -> BTreeMap<String, String> {
    workspace.memoires.iter().filter_map(|m| m.lateness.clone().map(|reason| (m.rule.clone(), reason))).collect()
}

/// A decision due, as « mes dossiers » lists it.
struct DueLine {
    dossier_id: i64,
    pourvoi: String,
    hearing_id: String,
    hearing: String,
    roles: String,
    status: &'static str,
    due: String,
    urgent: bool,
}

/// A work document to file, as « mes dossiers » lists it.
struct WorkDueLine {
    /// The form of the document.
    href: String,
    dossier_id: i64,
    pourvoi: String,
    /// « Rédiger le rapport »…
    what: &'static str,
    /// « 10/12/2026 (civ1) », or « pas encore au rôle ».
    hearing: String,
    hearing_id: Option<String>,
}

#[derive(Template)]
#[template(path = "decisions_due.html")]
struct DecisionsDuePage {
    member: Option<HeaderMember>,
    work: Vec<WorkDueLine>,
    lines: Vec<DueLine>,
    to_sign: usize,
    to_draft: usize,
}

/// Where the path of « mes dossiers » is.
pub const DUE_HOME: &str = "/portail/a-faire";

/// What `due` asks of its reader, and whether it waits on him.
fn what_is_due(due: &greffe_store::decision_signatures::DecisionDue) -> (String, bool) {
    let rapporteur = due.roles.contains(&SignatoryRole::Rapporteur);
    match due.status {
        DecisionStatus::ToDraft | DecisionStatus::Drafted if rapporteur => ("rédiger le projet".into(), true),
        DecisionStatus::ToDraft | DecisionStatus::Drafted => ("projet en rédaction".into(), false),
        DecisionStatus::Signed => (
            format!("scellée, prononcé le {}", due.pronouncement.as_deref().map(date_fr).unwrap_or_else(|| "—".into())),
            false,
        ),
        _ if due.roles.is_empty() => ("délibéré en cours".into(), false),
        _ if due.signed => ("signée par vous — attente des autres signatures".into(), false),
        _ => (format!("signer la version {}", due.version), true),
    }
}

/// `GET /portail/a-faire`: the member's « mes dossiers » — the decisions
/// not yet rendered in which he has a part, and what is due of him.
pub async fn due(State(state): State<AppState>, member: Member) -> Response {
    let result = async {
        member.caller().require(Operation::DraftDecision)?;
        let due = state.store.decisions_due(state.today(), &member.session.user).await?;
        let work = if member.may(Operation::FileWork) {
            state.store.work_due(state.today(), &member.session.user).await?
        } else {
            Vec::new()
        };
        Ok::<_, Error>((due, work))
    }
    .await;
    let (due, work) = match result {
        Ok(found) => found,
        Err(error) => return failure_as(&member, &error),
    };
    let work: Vec<WorkDueLine> = work
        .into_iter()
        .map(|w| WorkDueLine {
            href: format!("/portail/dossiers/{}/travaux/{}/nouveau", w.dossier_id, w.kind.as_str()),
            dossier_id: w.dossier_id,
            pourvoi: w.pourvoi,
            what: match w.kind {
                WorkKind::Rapport => "Rédiger le rapport",
                WorkKind::Projet => "Rédiger un projet d'arrêt",
                WorkKind::AvisRapporteur => "Rédiger l'avis",
                WorkKind::AvisAvocatGeneral => "Rédiger l'avis de l'avocat général",
            },
            hearing: match &w.hearing_date {
                Some(date) => format!("{} ({})", date_fr(date), w.chamber),
                None => format!("pas encore au rôle ({})", w.chamber),
            },
            hearing_id: w.hearing_id,
        })
        .collect();
    let lines: Vec<DueLine> = due
        .iter()
        .map(|d| {
            let (what, urgent) = what_is_due(d);
            DueLine {
                dossier_id: d.dossier_id,
                pourvoi: d.pourvoi.clone(),
                hearing_id: d.hearing_id.clone(),
                hearing: format!("{} ({})", date_fr(&d.hearing_date), d.chamber),
                roles: if d.roles.is_empty() {
                    "membre de la formation".into()
                } else {
                    d.roles.iter().map(|r| r.label_fr()).collect::<Vec<_>>().join(", ")
                },
                status: d.status.label_fr(),
                due: what,
                urgent,
            }
        })
        .collect();
    let to_sign = lines.iter().filter(|l| l.urgent && l.due.starts_with("signer")).count();
    let to_draft = lines.iter().filter(|l| l.urgent && l.due.starts_with("rédiger")).count();
    render(
        &DecisionsDuePage { member: Some(HeaderMember::of(&member, DUE_HOME)), work, lines, to_sign, to_draft },
        StatusCode::OK,
    )
}

/// `GET /portail/dossiers/{id}/arret.pdf`: the sealed arrêt, to whom
/// reads the decision.
pub async fn arret_pdf(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result = async {
        let workspace = readable(&state, &member, &raw_id).await?;
        crate::documents::sealed_arret(&state, &workspace).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/dossiers/{id}/decision/empechement`: a signatory is
/// declared prevented, and who signs in his place, with why — a new
/// version (the mention is on the decision), which voids the signatures
/// already given; the checks say at once whether the replacement is
/// regular.
pub async fn prevent(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result = async {
        member.caller().require(Operation::DraftDecision)?;
        member.require_csrf(fields.get("csrf"))?;
        let workspace = readable(&state, &member, &raw_id).await?;
        let (role, absent) = fields.get("absent").split_once('|').unwrap_or_default();
        let Some(role) = SignatoryRole::parse(role) else {
            return Err(Error::invalid("absent", "aucun signataire choisi", "choisir le signataire empêché"));
        };
        let by = if role == SignatoryRole::Greffier { fields.get("by_greffier") } else { fields.get("by") };
        let mut content = workspace.content.clone();
        content.prevented.retain(|p| !(p.role == role && p.absent == absent));
        content.prevented.push(PreventedSignatory {
            role,
            absent: absent.to_owned(),
            by: by.trim().to_owned(),
            reason: fields.get("reason").trim().to_owned(),
        });
        let expected = fields.get("version").trim().parse::<i64>().unwrap_or(-1);
        let save = DecisionSave { content, lateness: lateness_of(&workspace) };
        state.store.save_decision(member.actor(), state.today(), workspace.dossier_id, expected, save).await?;
        Ok::<_, Error>(workspace.dossier_id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/dossiers/{id}/decision?fait=empechement#signatures")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/dossiers/{id}/decision`: saves a version.
pub async fn save(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let workspace = match async {
        member.caller().require(Operation::DraftDecision)?;
        member.require_csrf(fields.get("csrf"))?;
        readable(&state, &member, &raw_id).await
    }
    .await
    {
        Ok(workspace) => workspace,
        Err(error) => return failure_as(&member, &error),
    };
    let redraw = |problems: Problems, workspace: &DecisionWorkspace, names: &BTreeMap<String, String>| {
        let changes = BTreeMap::new();
        render(&page_of(&member, workspace, names, &changes, &fields, problems, None), StatusCode::UNPROCESSABLE_ENTITY)
    };
    let names = match names(&state).await {
        Ok(names) => names,
        Err(error) => return failure_as(&member, &error),
    };
    let content = match posted_content(&fields, &workspace) {
        Ok(content) => content,
        Err(problems) => return redraw(problems, &workspace, &names),
    };
    let lateness = workspace
        .memoires
        .iter()
        .filter_map(|m| fields.opt(&format!("lateness.{}", m.rule)).map(|reason| (m.rule.clone(), reason)))
        .collect();
    let expected = fields.get("version").trim().parse::<i64>().unwrap_or(-1);
    let save = DecisionSave { content, lateness };
    match state.store.save_decision(member.actor(), state.today(), workspace.dossier_id, expected, save).await {
        Ok(_) => Redirect::to(&format!("/portail/dossiers/{}/decision?fait=enregistre#message", workspace.dossier_id))
            .into_response(),
        Err(error) => {
            let mut problems = Problems::default();
            match problems.take(error.into()) {
                Ok(()) => redraw(problems, &workspace, &names),
                Err(other) => failure_as(&member, &other),
            }
        }
    }
}

/// `POST /portail/audiences/{id}/composition`: the greffier records who
/// sat (each published member present, or replaced by whom and why).
pub async fn record_sitting(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result = async {
        member.caller().require(Operation::RecordSitting)?;
        member.require_csrf(fields.get("csrf"))?;
        let sitting = state.store.hearing_sitting(&raw_id).await?;
        member.caller().require_chamber(&sitting.chamber)?;
        let mut sat = Vec::new();
        let mut replacements = Vec::new();
        for (i, published) in sitting.published_bench.iter().enumerate() {
            if fields.has(&format!("present.{i}")) {
                sat.push(published.clone());
            } else if let Some(by) = fields.opt(&format!("by.{i}")) {
                sat.push(by.clone());
                replacements.push(Replacement {
                    absent: published.clone(),
                    by,
                    reason: fields.get(&format!("reason.{i}")).trim().to_owned(),
                });
            }
            // Absent and not replaced: the store names the problem.
        }
        let president = fields.opt("president").or(sitting.published_president.clone()).unwrap_or_default();
        let record = SittingRecord {
            president,
            sat,
            replacements,
            avocat_general: fields.opt("avocat_general"),
            greffier: fields.get("greffier").trim().to_owned(),
        };
        let expected = fields.get("version").trim().parse::<i64>().unwrap_or(-1);
        state.store.record_sitting(member.actor(), state.today(), &raw_id, expected, record).await?;
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/portail/audiences/{raw_id}?fait=composition#composition")).into_response(),
        Err(error) => super::hearings::page_with_problem(&state, &member, &raw_id, &fields, error).await,
    }
}

/// `POST /portail/dossiers/{id}/decision/signer`: the member signs the
/// version shown, in every capacity he holds on it.
pub async fn sign(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let result = async {
        member.caller().require(Operation::DraftDecision)?;
        member.require_csrf(fields.get("csrf"))?;
        let workspace = readable(&state, &member, &raw_id).await?;
        let expected = fields.get("version").trim().parse::<i64>().unwrap_or(-1);
        crate::api::decisions::sign_and_seal(&state, &member.session.user, workspace.dossier_id, expected).await?;
        Ok::<_, Error>(workspace.dossier_id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/dossiers/{id}/decision?fait=signe#signatures")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}
