//! Certificats de non-pourvoi: the request form, the answer with the checks
//! made against the registry, and the certificate ready to print.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_models::registry::{CnpOutcome, Nature};
use greffe_store::cnp::{CnpAnswer, CnpInput};

use super::forms::{Field, Fields, Kind, Problems, choices};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;

#[derive(Template)]
#[template(path = "cnp.html")]
struct CnpPage {
    member: Option<HeaderMember>,
    csrf: String,
    fields: Vec<Field>,
    problems: Problems,
}

fn form_fields(fields: &Fields, problems: &Problems) -> Vec<Field> {
    let field = |kind, name: &str, label: &str| Field::new(kind, name, label, fields.get(name), problems);
    vec![
        field(Kind::Text, "court", "Juridiction qui a rendu la décision")
            .hint("Exemple : cour d'appel de Lyon")
            .required(),
        field(Kind::Date, "decision_date", "Date de la décision").required(),
        field(Kind::Text, "docket", "Numéro RG").required(),
        field(Kind::Textarea, "parties", "Parties à la décision").hint("Une partie par ligne").required(),
        field(Kind::Select, "nature", "Nature de la décision")
            .hint("Le greffe de la Cour délivre le certificat pour les décisions civiles (art. 505 CPC)")
            .choices(choices(
                Nature::ALL.iter().map(|n| (n.as_str(), n.label_fr())),
                if fields.get("nature").is_empty() { "civil" } else { fields.get("nature") },
                None,
            ))
            .required(),
        field(Kind::Text, "requester", "Demandeur du certificat").hint("La partie qui veut faire exécuter la décision"),
    ]
}

fn require(member: &Member) -> Result<(), Error> {
    member.caller().require(Operation::AnswerCnp)
}

/// `GET /portail/cnp`: the request form.
pub async fn form(member: Member) -> Response {
    if let Err(error) = require(&member) {
        return failure_as(&member, &error);
    }
    let page = CnpPage {
        member: Some(HeaderMember::of(&member, "/portail/cnp")),
        csrf: member.session.csrf.clone(),
        fields: form_fields(&Fields::default(), &Problems::default()),
        problems: Problems::default(),
    };
    render(&page, StatusCode::OK)
}

/// `POST /portail/cnp`: answers the request (journaled) and shows the
/// answer; a field the registry cannot read comes back beside its input.
pub async fn answer(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    if let Err(error) = require(&member).and_then(|()| member.require_csrf(fields.get("csrf"))) {
        return failure_as(&member, &error);
    }
    let input = CnpInput {
        court: fields.opt("court"),
        decision_date: fields.opt("decision_date"),
        docket: fields.opt("docket"),
        parties: fields.get("parties").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        nature: fields.opt("nature"),
        requester: fields.opt("requester"),
    };
    match state.store.answer_cnp(member.actor(), input).await {
        Ok(answer) => Redirect::to(&format!("/portail/cnp/{}", answer.id)).into_response(),
        Err(error) => {
            let mut problems = Problems::default();
            if let Err(other) = problems.take(error.into()) {
                return failure_as(&member, &other);
            }
            let form = form_fields(&fields, &problems);
            problems.label_from_fields(&form);
            let page = CnpPage {
                member: Some(HeaderMember::of(&member, "/portail/cnp")),
                csrf: member.session.csrf.clone(),
                fields: form,
                problems,
            };
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Template)]
#[template(path = "cnp_answer.html")]
struct AnswerPage {
    member: Option<HeaderMember>,
    id: i64,
    title: &'static str,
    badge: &'static str,
    certificate: Option<String>,
    reserve: Option<String>,
    details: Vec<String>,
    checks: Vec<String>,
    answered: String,
    journal_seq: i64,
}

/// The certificate's text, when one may be issued.
fn certificate(input: &CnpInput, answer: &CnpAnswer) -> Option<String> {
    if !matches!(answer.outcome, CnpOutcome::Issued | CnpOutcome::Partial { .. }) {
        return None;
    }
    Some(format!(
        "Le greffier de la Cour de cassation certifie qu'à la date du {}, aucun pourvoi en cassation n'est enregistré \
         contre la décision rendue le {} par la juridiction « {} » (numéro RG {}), entre {}.",
        instant_fr(&answer.answered_at),
        input.decision_date.as_deref().map(date_fr).unwrap_or_default(),
        input.court.clone().unwrap_or_default(),
        input.docket.clone().unwrap_or_default(),
        input.parties.join(", ")
    ))
}

/// `GET /portail/cnp/{id}`: the answer, and the certificate to print.
pub async fn show(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result: Result<AnswerPage, Error> = async {
        require(&member)?;
        let id = crate::api::extract::numeric_id(&raw_id, "demande")?;
        let (input, answer) = state.store.cnp_answer(id).await?;
        let (title, badge, details, reserve) = match &answer.outcome {
            CnpOutcome::Issued => ("Certificat délivré", "fr-badge--success", Vec::new(), None),
            CnpOutcome::Partial { legal_aid } => (
                "Certificat partiel",
                "fr-badge--warning",
                legal_aid.iter().map(|d| format!("demande d'aide juridictionnelle : {d}")).collect(),
                Some(format!(
                    "Sous réserve de la demande d'aide juridictionnelle enregistrée ({}), qui interrompt le délai de pourvoi.",
                    legal_aid.join(", ")
                )),
            ),
            CnpOutcome::Refused { pourvois } => (
                "Certificat refusé : un pourvoi est enregistré",
                "fr-badge--error",
                pourvois.iter().map(|p| format!("pourvoi n° {p}")).collect(),
                None,
            ),
            CnpOutcome::Incomplete { missing } => {
                ("Demande incomplète : aucun certificat", "fr-badge--warning", missing.clone(), None)
            }
        };
        Ok(AnswerPage {
            member: Some(HeaderMember::of(&member, "/portail/cnp")),
            id,
            title,
            badge,
            certificate: certificate(&input, &answer),
            reserve,
            details,
            checks: answer.checks.clone(),
            answered: instant_fr(&answer.answered_at),
            journal_seq: answer.journal_seq,
        })
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/cnp/{id}/certificat.pdf`: the certificate, PDF/A-2b.
pub async fn certificate_pdf(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result = async {
        require(&member)?;
        let id = crate::api::extract::numeric_id(&raw_id, "demande")?;
        crate::documents::certificate(&state, id).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}
