//! The president's order on a dossier — a déchéance, a désistement — in the
//! portal: prefilled from the record, its legal basis and the demandeur's
//! mémoire deadlines beside it, its defects shown all at once, the greffe's
//! form of the next version, and the signatures of the president and the
//! greffier. And, on the dossier's page, where its order stands or how to
//! prepare one.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_models::court::Role;
use greffe_models::order::{OrderContent, OrderKind, OrderStatus};
use greffe_models::signature::{self, SignatoryRole};
use greffe_store::decision_signatures::has_signed;
use greffe_store::orders::{OrderSave, OrderWorkspace, roles_of};
use serde::Deserialize;

use super::decision::DefectLine;
use super::forms::{Field, Fields, Kind, Problems, choices};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;

/// A signature the order requires, and when it was given.
struct SignatoryLine {
    role: &'static str,
    name: String,
    given: Option<String>,
}

/// A saved version.
struct VersionLine {
    version: i64,
    saved_by: String,
    saved_at: String,
    sha256: String,
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    member: Option<HeaderMember>,
    csrf: String,
    flash: Option<String>,
    id: i64,
    pourvoi: String,
    title: &'static str,
    kind: &'static str,
    status: String,
    rendered: bool,
    version: i64,
    basis: String,
    basis_to_confirm: bool,
    defects: Vec<DefectLine>,
    defects_clear: &'static str,
    /// The demandeur's mémoire deadlines: label, article, due, filed, state.
    memoires: Vec<[String; 5]>,
    parties: Vec<String>,
    attacked: String,
    /// The other kind to prepare instead, before a first save: (code, label).
    other_kind: Option<(&'static str, &'static str)>,
    fields: Vec<Field>,
    problems: Problems,
    may_write: bool,
    may_sign: bool,
    signatories: Vec<SignatoryLine>,
    voided: Vec<String>,
    versions: Vec<VersionLine>,
    /// What the order did once rendered, in French.
    effect: Option<String>,
    /// The text saved, as it reads (for whom does not write it).
    reasons: String,
    operative: String,
}

/// What the page is asked for.
#[derive(Debug, Deserialize)]
pub struct Asked {
    /// `decheance` or `desistement`, before a first save.
    #[serde(rename = "type")]
    kind: Option<String>,
    /// `enregistre` or `signe` after a redirect.
    fait: Option<String>,
}

/// The order of `raw_id`, if the member may read it.
async fn readable(
    state: &AppState,
    member: &Member,
    raw_id: &str,
    kind: Option<&str>,
) -> Result<OrderWorkspace, Error> {
    let kind = crate::api::orders::order_kind(kind)?;
    crate::api::orders::order_in_scope(state, &member.caller(), raw_id, kind).await
}

/// The magistrates who may order (the presidents, the premier président):
/// (id, « name — role »).
async fn presidents(state: &AppState) -> Result<Vec<(String, String)>, Error> {
    Ok(state
        .store
        .magistrates(None)
        .await?
        .into_iter()
        .filter(|m| matches!(m.magistrate.role, Role::President | Role::PremierPresident))
        .map(|m| {
            let label = format!("{} — {} ({})", m.magistrate.name, m.magistrate.role.label_fr(), m.magistrate.chamber);
            (m.magistrate.id, label)
        })
        .collect())
}

fn form_fields(
    fields: &Fields,
    content: &OrderContent,
    presidents: &[(String, String)],
    problems: &Problems,
) -> Vec<Field> {
    let posted = fields.has("csrf");
    let value = |name: &str, stored: &str| if posted { fields.get(name).to_owned() } else { stored.to_owned() };
    let president = value("content.president", &content.president);
    let mut drawn = vec![
        Field::new(Kind::Select, "content.president", "Président qui rend l'ordonnance", "", problems)
            .choices(choices(
                presidents.iter().map(|(id, label)| (id.as_str(), label.as_str())),
                &president,
                Some("— choisir —"),
            ))
            .hint("Le président de la chambre, ou le premier président"),
        Field::new(Kind::Text, "content.greffier", "Greffier", &value("content.greffier", &content.greffier), problems)
            .hint("Son nom, tel qu'il signe"),
        Field::new(Kind::Date, "content.date", "Date de l'ordonnance", &value("content.date", &content.date), problems)
            .hint("Le jour de sa signature"),
    ];
    if content.kind == OrderKind::Desistement {
        drawn.push(
            Field::new(
                Kind::Date,
                "content.act_date",
                "Date de l'acte de désistement",
                &value("content.act_date", content.act_date.as_deref().unwrap_or_default()),
                problems,
            )
            .hint("Le jour où l'acte a été remis au greffe"),
        );
    }
    drawn.push(
        Field::new(Kind::Textarea, "content.reasons", "Motifs", &value("content.reasons", &content.reasons), problems)
            .hint("Visas et motifs, pré-remplis à partir du dossier : à relire")
            .rows(8),
    );
    drawn.push(
        Field::new(
            Kind::Textarea,
            "content.operative",
            "Dispositif",
            &value("content.operative", &content.operative),
            problems,
        )
        .rows(3),
    );
    drawn
}

async fn page_of(
    state: &AppState,
    member: &Member,
    workspace: &OrderWorkspace,
    fields: &Fields,
    problems: Problems,
    flash: Option<String>,
) -> Result<OrderPage, Error> {
    let content = &workspace.content;
    let presidents = presidents(state).await?;
    let name =
        |id: &str| presidents.iter().find(|(p, _)| p == id).map_or_else(|| id.to_owned(), |(_, label)| label.clone());
    let rendered = workspace.status == OrderStatus::Rendered;
    let may_write = !rendered && member.may(Operation::DraftOrder);
    let drawn = form_fields(fields, content, &presidents, &problems);
    let mut problems = problems;
    problems.label_from_fields(&drawn);
    let user = &member.session.user;
    let signed_by_me = |role: SignatoryRole| has_signed(&workspace.signatures, workspace.version, role, &user.id);
    Ok(OrderPage {
        member: Some(HeaderMember::of(member, "/portail/dossiers")),
        csrf: member.session.csrf.clone(),
        flash,
        id: workspace.dossier_id,
        pourvoi: content.pourvoi.clone(),
        title: content.kind.title(),
        kind: content.kind.as_str(),
        status: workspace.status_label.clone(),
        rendered,
        version: workspace.version,
        basis: workspace.basis.clone(),
        basis_to_confirm: workspace.basis_to_confirm,
        defects: workspace.defects.iter().map(DefectLine::from).collect(),
        defects_clear: "Aucun défaut : l'ordonnance est fondée, régulièrement datée, rendue par qui peut la rendre, et conforme au dossier.",
        memoires: workspace
            .memoires
            .iter()
            .map(|m| {
                [
                    m.label.clone(),
                    m.article.clone(),
                    m.due.as_deref().map(date_fr).unwrap_or_else(|| "—".into()),
                    m.filed.as_deref().map(date_fr).unwrap_or_else(|| "non déposé".into()),
                    m.state.clone(),
                ]
            })
            .collect(),
        parties: content.parties.iter().map(|p| format!("{} ({})", p.name, p.role.label_fr())).collect(),
        attacked: format!(
            "{}, {}, RG {}",
            content.attacked.court,
            date_fr(&content.attacked.date),
            content.attacked.docket
        ),
        other_kind: (workspace.version == 0 && may_write)
            .then(|| workspace.kinds.iter().copied().find(|k| *k != content.kind))
            .flatten()
            .map(|k| (k.as_str(), k.title())),
        fields: drawn,
        problems,
        may_write,
        may_sign: !rendered
            && workspace.version > 0
            && workspace.defects.is_empty()
            && roles_of(user, content).into_iter().any(|role| !signed_by_me(role)),
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
        versions: workspace
            .versions
            .iter()
            .map(|v| VersionLine {
                version: v.version,
                saved_by: v.saved_by.clone(),
                saved_at: instant_fr(&v.saved_at),
                sha256: v.sha256.chars().take(16).collect(),
            })
            .collect(),
        reasons: content.reasons.clone(),
        operative: content.operative.clone(),
        effect: rendered.then(|| match content.kind {
            OrderKind::Decheance => format!(
                "Déchéance constatée le {} : le pourvoi est jugé, ses délais sont clos.",
                date_fr(&content.date)
            ),
            OrderKind::Desistement => format!(
                "Désistement constaté le {} : le dossier est clos (désisté), ses délais sont clos.",
                date_fr(&content.date)
            ),
        }),
    })
}

/// `GET /portail/dossiers/{id}/ordonnance`.
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    Query(asked): Query<Asked>,
) -> Response {
    let result = async {
        let workspace = readable(&state, &member, &raw_id, asked.kind.as_deref()).await?;
        let flash = asked.fait.as_deref().map(|done| match done {
            "signe" if workspace.status == OrderStatus::Rendered => {
                "Ordonnance signée par le président et le greffier : elle est rendue.".to_owned()
            }
            "signe" => format!("Version {} signée.", workspace.version),
            _ => format!("Version {} enregistrée.", workspace.version),
        });
        page_of(&state, &member, &workspace, &Fields::empty(), Problems::empty(), flash).await
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// The content a save writes: the record's mentions as they are today, the
/// kind shown, and the greffe's text from the form.
async fn posted_content(state: &AppState, fields: &Fields, workspace: &OrderWorkspace) -> Result<OrderContent, Error> {
    let record = state.store.dossier(workspace.dossier_id).await?.record;
    Ok(OrderContent {
        pourvoi: record.pourvoi.clone(),
        parties: record.parties.iter().map(greffe_models::decision::NamedParty::from).collect(),
        attacked: record.attacked.clone(),
        president: fields.get("content.president").trim().to_owned(),
        greffier: fields.get("content.greffier").trim().to_owned(),
        date: fields.get("content.date").trim().to_owned(),
        act_date: fields.opt("content.act_date"),
        reasons: fields.get("content.reasons").trim().to_owned(),
        operative: fields.get("content.operative").trim().to_owned(),
        ..workspace.content.clone()
    })
}

/// `POST /portail/dossiers/{id}/ordonnance`: saves a version.
pub async fn save(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    Query(asked): Query<Asked>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let workspace = match async {
        member.caller().require(Operation::DraftOrder)?;
        member.require_csrf(fields.get("csrf"))?;
        readable(&state, &member, &raw_id, asked.kind.as_deref()).await
    }
    .await
    {
        Ok(workspace) => workspace,
        Err(error) => return failure_as(&member, &error),
    };
    let saved = async {
        let content = posted_content(&state, &fields, &workspace).await?;
        let expected = fields.get("version").trim().parse::<i64>().unwrap_or(-1);
        let save = OrderSave { content };
        Ok::<_, Error>(
            state.store.save_order(member.actor(), state.today(), workspace.dossier_id, expected, save).await?,
        )
    }
    .await;
    match saved {
        Ok(_) => {
            Redirect::to(&format!("/portail/dossiers/{}/ordonnance?fait=enregistre#message", workspace.dossier_id))
                .into_response()
        }
        Err(error) => {
            let mut problems = Problems::default();
            match problems.take(error) {
                Ok(()) => match page_of(&state, &member, &workspace, &fields, problems, None).await {
                    Ok(page) => render(&page, StatusCode::UNPROCESSABLE_ENTITY),
                    Err(error) => failure_as(&member, &error),
                },
                Err(other) => failure_as(&member, &other),
            }
        }
    }
}

/// `POST /portail/dossiers/{id}/ordonnance/signer`: the member signs the
/// version shown, as its president or its greffier.
pub async fn sign(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let result = async {
        member.caller().require(Operation::DraftOrder)?;
        member.require_csrf(fields.get("csrf"))?;
        let workspace = readable(&state, &member, &raw_id, None).await?;
        let expected = fields.get("version").trim().parse::<i64>().unwrap_or(-1);
        state.store.sign_order(&member.session.user, state.today(), workspace.dossier_id, expected).await?;
        Ok::<_, Error>(workspace.dossier_id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/dossiers/{id}/ordonnance?fait=signe#signatures")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// The order as the dossier's page shows it: where it stands, or how to
/// prepare one.
pub struct OrderSection {
    /// « Ordonnance de déchéance — projet d'ordonnance (version 2) ».
    pub standing: Option<String>,
    /// The kinds the member may prepare: (code, « Préparer une ordonnance
    /// de déchéance »).
    pub prepare: Vec<(&'static str, String)>,
}

/// The order section of dossier `id`'s page, for whom may draft or read
/// one; none for the others, or when there is nothing to show.
pub async fn section(
    state: &AppState,
    member: &Member,
    dossier: &greffe_store::dossiers::Dossier,
) -> Result<Option<OrderSection>, Error> {
    if !member.may(Operation::ReadDecision) {
        return Ok(None);
    }
    let standing = state
        .store
        .order_standing(dossier.id)
        .await?
        .map(|(kind, status, version)| format!("{} — {} (version {version})", kind.title(), status.label_fr()));
    let prepare = if standing.is_none() && dossier.status.may_be_decided() && member.may(Operation::DraftOrder) {
        OrderKind::ALL
            .iter()
            .filter(|k| k.allowed_for(dossier.record.nature))
            .map(|k| (k.as_str(), format!("Préparer une ordonnance de {}", k.label_fr())))
            .collect()
    } else {
        Vec::new()
    };
    Ok((standing.is_some() || !prepare.is_empty()).then_some(OrderSection { standing, prepare }))
}
