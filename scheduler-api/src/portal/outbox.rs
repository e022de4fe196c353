//! One recipient of a notice, as the clerk follows it (`/portail/envois/{id}`):
//! where the notice stands, its proof of dispatch, the document the
//! recipient gets, and the clerk's acts — a letter posted, a refused
//! notice sent again by e-mail to the corrected address or as a letter.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_store::outbox::{Channel, OutboxItem, OutboxStatus};
use serde::Deserialize;

use super::forms::{Field, Fields, Kind, Problems};
use super::pages::{HeaderMember, Sending, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::api::outbox::{PostedLetter, post_letter, scoped, send_again};
use crate::error::Error;

#[derive(Template)]
#[template(path = "sending.html")]
struct SendingPage {
    member: Option<HeaderMember>,
    csrf: String,
    crumbs: Vec<(String, String)>,
    here: String,
    flash: Option<String>,
    item: OutboxItem,
    /// Where it stands, in French, and its badge.
    sending: Sending,
    /// `courriel` or `lettre`.
    channel: &'static str,
    /// What it carries: « Avis d'audience », « Avis de retrait du rôle »…
    title: &'static str,
    hearing_day: String,
    sent_at: String,
    /// The lawyer's e-mail address the dossier's record holds now (what a
    /// resend by e-mail would use).
    record_email: Option<String>,
    /// Whether that address is the one the server refused.
    same_address: bool,
    /// What happened to it, from the dossier's journal, oldest first:
    /// (when, who, what).
    history: Vec<(String, String, String)>,
    can_act: bool,
    /// The letter's posting form.
    fields: Vec<Field>,
    problems: Problems,
}

/// What a redirect after an act says (`?fait=`).
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    fait: Option<String>,
}

fn flash(done: &Done) -> Option<String> {
    Some(
        match done.fait.as_deref()? {
            "postee" => "Lettre postée : elle est versée au journal du dossier.",
            "courriel" => "L'avis repart par courriel : il sera envoyé dans la minute.",
            "courrier" => {
                "L'avis sera envoyé par courrier : imprimer la lettre, la poster, puis l'indiquer ci-dessous."
            }
            _ => return None,
        }
        .to_owned(),
    )
}

fn letter_fields(item: &OutboxItem, fields: &Fields, problems: &Problems) -> Vec<Field> {
    let address = if fields.get("address").is_empty() {
        item.address.as_deref().unwrap_or_default()
    } else {
        fields.get("address")
    };
    let mut address_field = Field::new(Kind::Text, "address", "Adresse postale", address, problems)
        .hint("L'adresse écrite sur l'enveloppe, sur une ligne");
    if item.address.is_none() {
        address_field = address_field.required();
    }
    vec![
        address_field,
        Field::new(Kind::Text, "reference", "Numéro de la lettre recommandée", fields.get("reference"), problems)
            .hint("Facultatif : la preuve d'expédition, s'il y en a une"),
    ]
}

async fn page(
    state: &AppState,
    member: &Member,
    id: i64,
    fields: &Fields,
    problems: Problems,
    flash: Option<String>,
) -> Result<SendingPage, Error> {
    member.caller().require(Operation::ReadNotices)?;
    let (item, _) = scoped(state, &member.caller(), id).await?;
    let dossier = state.store.dossier(item.dossier_id).await?;
    // The address a resend by e-mail would use (store::outbox::outbox_resend).
    let record_email =
        greffe_models::record::Party::lawyer_email_of(&dossier.record.parties, &item.recipient).map(str::to_owned);
    let hearing_day = match &item.hearing_id {
        Some(hearing) => date_fr(&state.store.hearing(hearing).await?.hearing.date),
        None => String::new(),
    };
    let history = state
        .store
        .dossier_journal(item.dossier_id)
        .await?
        .iter()
        .filter(|entry| entry.payload["outbox"] == item.id)
        .filter_map(|entry| {
            Some((instant_fr(&entry.recorded_at), entry.actor.clone(), history_line(&entry.kind, &entry.payload)?))
        })
        .collect();
    let form = letter_fields(&item, fields, &problems);
    let mut problems = problems;
    problems.label_from_fields(&form);
    Ok(SendingPage {
        member: Some(HeaderMember::of(member, "/portail/")),
        csrf: member.session.csrf.clone(),
        crumbs: vec![
            ("/portail/".to_owned(), "Accueil".to_owned()),
            (format!("/portail/dossiers/{}", item.dossier_id), format!("Pourvoi n° {}", item.pourvoi)),
        ],
        here: format!("Avis à {}", item.recipient),
        flash,
        sending: Sending::of(&item),
        title: greffe_store::outbox::title_fr(&item.document),
        channel: match item.channel {
            Channel::Email => "courriel",
            Channel::Letter => "lettre",
        },
        hearing_day,
        sent_at: item.sent_at.as_deref().map(instant_fr).unwrap_or_default(),
        same_address: record_email.is_some() && record_email == item.address,
        record_email,
        history,
        can_act: member.may(Operation::CompleteNotice),
        fields: form,
        problems,
        item,
    })
}

/// One journal entry of an outbox row, in French.
fn history_line(kind: &str, payload: &serde_json::Value) -> Option<String> {
    let text = |key: &str| payload[key].as_str().unwrap_or_default().to_owned();
    Some(match kind {
        "notice_sent" => format!("envoyé à {} — réponse du serveur : {}", text("address"), text("proof")),
        "notice_refused" => format!("refusé par la messagerie : {}", text("error")),
        "notice_resent" if payload["channel"] == "email" => format!("renvoyé par courriel à {}", text("address")),
        "notice_resent" => "à envoyer par courrier".to_owned(),
        "notice_posted" => match payload["reference"].as_str() {
            Some(reference) => format!("lettre postée à {} (recommandé n° {reference})", text("address")),
            None => format!("lettre postée à {}", text("address")),
        },
        _ => return None,
    })
}

/// `GET /portail/envois/{id}`: one recipient of a notice.
pub async fn show(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let result = async {
        let id = crate::api::extract::numeric_id(&raw_id, "envoi")?;
        page(&state, &member, id, &Fields::default(), Problems::default(), flash(&done)).await
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/envois/{id}/avis.pdf`: the document of one recipient —
/// as sent, or the letter to print.
pub async fn document(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result = async {
        let id = crate::api::extract::numeric_id(&raw_id, "envoi")?;
        crate::api::outbox::document_of(&state, &member.caller(), id).await
    }
    .await;
    match result {
        Ok(document) => crate::api::documents::pdf(document),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/envois/{id}/postee`: the letter posted; the page again,
/// saying so (or the form's problems beside their inputs).
pub async fn posted(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<i64, Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        let id = crate::api::extract::numeric_id(&raw_id, "envoi")?;
        let input = PostedLetter { address: fields.opt("address"), reference: fields.opt("reference") };
        post_letter(&state, &member.caller(), id, &input).await?;
        Ok(id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/envois/{id}?fait=postee")).into_response(),
        Err(error) => {
            let mut problems = Problems::default();
            let other = problems.take(error);
            let id = crate::api::extract::numeric_id(&raw_id, "envoi");
            match (other, id) {
                (Ok(()), Ok(id)) => match page(&state, &member, id, &fields, problems, None).await {
                    Ok(page) => render(&page, StatusCode::UNPROCESSABLE_ENTITY),
                    Err(error) => failure_as(&member, &error),
                },
                (Err(error), _) | (_, Err(error)) => failure_as(&member, &error),
            }
        }
    }
}

/// `POST /portail/envois/{id}/renvoyer`: the notice sent again, by e-mail
/// (`canal=courriel`) or as a letter (`canal=courrier`).
pub async fn resend(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<(i64, &str), Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        let id = crate::api::extract::numeric_id(&raw_id, "envoi")?;
        let (channel, done) = match fields.get("canal") {
            "courriel" => (Channel::Email, "courriel"),
            "courrier" => (Channel::Letter, "courrier"),
            other => {
                return Err(Error::invalid(
                    "canal",
                    format!("moyen d'envoi « {other} » inconnu"),
                    "choisir « courriel » ou « courrier »",
                ));
            }
        };
        send_again(&state, &member.caller(), id, channel).await?;
        Ok((id, done))
    }
    .await;
    match result {
        Ok((id, done)) => Redirect::to(&format!("/portail/envois/{id}?fait={done}")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// Whether `item` waits on the clerk (a letter to post, a refusal).
pub fn awaits_clerk(item: &OutboxItem) -> bool {
    matches!(item.status, OutboxStatus::Letter | OutboxStatus::Refused)
}
