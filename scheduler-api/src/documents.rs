//! Documents from the registry: the data each template of
//! `greffe_documents` reads, gathered from the store, then rendered to
//! PDF/A-2b on a blocking thread (never on the request's). The API and the
//! portal serve the same bytes; the access checks are the callers'.

use std::collections::BTreeMap;

use chrono::Datelike;
use greffe_documents::{Kind, Meta};
use greffe_models::Date;
use greffe_models::court::Role;
use greffe_models::dates::{month_fr, weekday_fr};
use greffe_models::diff::TaskKind;
use greffe_models::formation::FormationCode;
use greffe_models::order::SignedOrder;
use greffe_models::registry::{CnpOutcome, PublicationLevel};
use greffe_models::signature::{DecisionSignature, SealMark, SignatoryRole, SignedDecision};
use greffe_models::work::{Author, Reader, WorkContent, WorkKind, WorkSlot};
use greffe_store::plans::NoticeTask;
use serde_json::{Value, json};

use crate::api::AppState;
use crate::error::{Error, ErrorCode, Result};

/// A rendered document and the file name it is served under.
#[derive(Debug, Clone)]
pub struct Document {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// `role-civ1-2027-01-05-am.pdf`…
    pub filename: String,
}

/// `1er décembre 2026`, `15 janvier 2027`: a date as a letter writes it.
pub fn date_long_fr(date: Date) -> String {
    let day = if date.day() == 1 { "1er".to_owned() } else { date.day().to_string() };
    format!("{day} {} {}", month_fr(date), date.year())
}

/// `mardi 5 janvier 2027`.
pub fn day_long_fr(date: Date) -> String {
    format!("{} {}", weekday_fr(date), date_long_fr(date))
}

fn parse_day(raw: &str, what: &str) -> Result<Date> {
    greffe_models::dates::parse_date(raw)
        .map_err(|_| Error::internal(format!("{what}: stored date « {raw} » unreadable")))
}

/// A formation code as a letter names it (the code itself when unknown).
fn formation_fr(code: &str) -> String {
    FormationCode::parse(code).map_or_else(|| code.to_owned(), |f| f.label_fr().to_owned())
}

fn half_day_fr(half_day: &str) -> &'static str {
    if half_day == "pm" { "l'après-midi" } else { "le matin" }
}

/// A chamber's name as a letter writes it, lower case after « la »
/// (« première chambre civile »).
async fn chamber_name(state: &AppState, code: &str) -> Result<String> {
    let chambers = state.store.chambers().await?;
    let name =
        chambers.iter().find(|c| c.chamber.code == code).map_or_else(|| code.to_owned(), |c| c.chamber.name.clone());
    let mut chars = name.chars();
    Ok(chars.next().map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect()))
}

async fn magistrate_names(state: &AppState) -> Result<BTreeMap<String, String>> {
    Ok(state.store.magistrates(None).await?.into_iter().map(|m| (m.magistrate.id, m.magistrate.name)).collect())
}

/// Renders on a blocking thread.
async fn render(state: &AppState, kind: Kind, data: Value, meta: Meta) -> Result<Vec<u8>> {
    let renderer = std::sync::Arc::clone(&state.documents);
    tokio::task::spawn_blocking(move || renderer.render(kind, &data, &meta))
        .await
        .map_err(Error::internal)?
        .map_err(|error| {
            if error.in_data {
                // What the registry holds cannot be printed: said, by field.
                Error::invalid(
                    error.field.clone().unwrap_or_default(),
                    format!("document « {} » : {}", kind.label_fr(), error.message),
                    "corriger la donnée dans le registre (nom, juridiction…), ou fournir un modèle dont la police contient ce caractère",
                )
            } else {
                Error::internal(format!("document « {} » : {}", kind.label_fr(), error.message_fr()))
            }
        })
}

/// A file name made of safe characters only.
fn file_name(parts: &[&str]) -> String {
    let joined = parts.join("-");
    let safe: String =
        joined.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' }).collect();
    format!("{safe}.pdf")
}

/// The file name of the notice an outbox row carries
/// (`avis-audience-23-12-345.pdf`, `avis-retrait-…`): as attached to its
/// e-mail.
pub fn outbox_filename(item: &greffe_store::outbox::OutboxItem) -> String {
    file_name(&[&item.document.replace('_', "-"), &item.pourvoi.replace('.', "-")])
}

/// What the documents of a hearing (its roll, its composition notice)
/// say of it: court, date, bench and president, avocats généraux, the
/// dossiers in the order of call with their rapporteurs, issued `today`.
async fn hearing_data(
    state: &AppState,
    roll: &greffe_store::views::Roll,
    today: Date,
) -> Result<serde_json::Map<String, Value>> {
    let names = magistrate_names(state).await?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let sitting = &roll.sitting;
    let day = parse_day(&sitting.date, "hearing")?;
    let data = json!({
        "date_emission": date_long_fr(today),
        "reference": sitting.hearing,
        "chambre": chamber_name(state, &sitting.chamber).await?,
        "formation": formation_fr(&sitting.formation),
        "audience": {"date": day_long_fr(day), "demi_journee": half_day_fr(&sitting.half_day), "salle": sitting.room},
        "president": roll.bench.iter().find(|s| s.presides).map(|s| s.name.clone()).unwrap_or_else(|| "—".into()),
        "assesseurs": roll.bench.iter().filter(|s| !s.presides).map(|s| s.name.clone()).collect::<Vec<_>>(),
        "avocats_generaux": roll.avocats_generaux.iter().map(|id| name(id)).collect::<Vec<_>>(),
        "dossiers": roll.dossiers.iter().map(|d| json!({
            "rang": d.position,
            "pourvoi": d.pourvoi,
            "matiere": Value::Null,
            "rapporteurs": d.rapporteurs.iter().map(|id| name(id)).collect::<Vec<_>>().join(", "),
            "avocat_general": d.avocat_general.as_deref().map(name),
        })).collect::<Vec<_>>(),
    });
    match data {
        Value::Object(fields) => Ok(fields),
        _ => Err(Error::internal("hearing data: not an object")),
    }
}

/// The roll of hearing `id` (published or not: the caller decides who
/// reads it).
pub async fn roll(state: &AppState, id: &str) -> Result<Document> {
    let roll = state.store.roll(id).await?;
    let today = state.today();
    let data = Value::Object(hearing_data(state, &roll, today).await?);
    let hearing = &roll.sitting.hearing;
    let ident = format!("role-{hearing}-{today}");
    let bytes = render(state, Kind::RoleAudience, data, Meta { ident, date: today }).await?;
    Ok(Document { bytes, filename: file_name(&["role", hearing]) })
}

/// What the avenant published last over hearing `hearing` changed in its
/// bench, in French lines (« Mme B siège à la place de M. A »); none when
/// the bench is the one first published.
async fn bench_changes(state: &AppState, chamber: &str, hearing: &str) -> Result<Option<Vec<String>>> {
    let chambers = [chamber.to_owned()];
    let bench_of = |plan: &greffe_models::Plan| plan.benches.iter().find(|b| b.hearing.as_str() == hearing).cloned();
    // The plans in force, newest first: the first with a bench for the
    // hearing is the one its roll comes from.
    for summary in state.store.plans(Some(&chambers), true).await? {
        if summary.status != greffe_store::plans::PlanStatus::Published {
            continue;
        }
        let Some(now) = bench_of(&state.store.plan(summary.id).await?.plan) else { continue };
        // Published as first proposed, or by an avenant over another plan.
        let Some(previous) = summary.amends else { return Ok(None) };
        let Some(then) = bench_of(&state.store.plan(previous).await?.plan) else { return Ok(None) };
        let names = magistrate_names(state).await?;
        let name = |id: &greffe_models::MagistrateId| names.get(id.as_str()).cloned().unwrap_or_else(|| id.to_string());
        let left: Vec<_> = then.members.iter().filter(|m| !now.members.contains(m)).collect();
        let joined: Vec<_> = now.members.iter().filter(|m| !then.members.contains(m)).collect();
        let mut lines = Vec::new();
        for pair in 0..left.len().max(joined.len()) {
            match (joined.get(pair), left.get(pair)) {
                (Some(new), Some(old)) => lines.push(format!("{} siège à la place de {}", name(new), name(old))),
                (Some(new), None) => lines.push(format!("{} rejoint la formation", name(new))),
                (None, Some(old)) => lines.push(format!("{} ne siège plus", name(old))),
                (None, None) => {}
            }
        }
        if now.president != then.president {
            lines.push(format!("{} préside l'audience à la place de {}", name(&now.president), name(&then.president)));
        }
        return Ok((!lines.is_empty()).then_some(lines));
    }
    Ok(None)
}

/// The composition notice of hearing `id`: its bench, avocats généraux
/// and roll, a page to each magistrate of the bench. Refused (409) while
/// the hearing has no published bench.
pub async fn composition(state: &AppState, id: &str) -> Result<Document> {
    let roll = state.store.roll(id).await?;
    if roll.bench.is_empty() {
        return Err(Error::conflict(
            ErrorCode::PlanStatus,
            format!("l'audience {id} n'a pas de composition publiée"),
            "publier le plan de l'audience : sa composition est alors connue",
        ));
    }
    let today = state.today();
    let mut data = hearing_data(state, &roll, today).await?;
    let changes = bench_changes(state, &roll.sitting.chamber, id).await?;
    data.insert("changements".into(), changes.map_or(Value::Null, Value::from));
    let recipients = roll.bench.iter().map(|seat| {
        json!({
            "nom": seat.name,
            "qualite": if seat.presides { "président(e) de l'audience" } else { "membre de la formation" },
        })
    });
    data.insert("destinataires".into(), Value::Array(recipients.collect()));
    let hearing = &roll.sitting.hearing;
    let ident = format!("composition-{hearing}-{today}");
    let bytes = render(state, Kind::AvisComposition, Value::Object(data), Meta { ident, date: today }).await?;
    Ok(Document { bytes, filename: file_name(&["composition", hearing]) })
}

/// What a journal entry's payload says, in one line: its plain fields as
/// « key : value », nested ones left out (the full entry is in the journal).
fn payload_line(payload: &Value) -> String {
    let Value::Object(fields) = payload else { return String::new() };
    let mut parts = Vec::new();
    for (key, value) in fields {
        let text = match value {
            Value::String(text) if !text.is_empty() => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Bool(true) => "oui".to_owned(),
            _ => continue,
        };
        parts.push(format!("{} : {text}", key.replace('_', " ")));
    }
    let line = parts.join(" ; ");
    if line.chars().count() > 300 { format!("{}…", line.chars().take(300).collect::<String>()) } else { line }
}

/// The extract of dossier `id`'s journal: every entry, oldest first, and the
/// hash of the last one (its place in the chained journal).
pub async fn journal_extract(state: &AppState, id: i64) -> Result<Document> {
    let dossier = state.store.dossier(id).await?;
    let journal = state.store.dossier_journal(id).await?;
    let today = state.today();
    let record = &dossier.record;
    let day_fr = |date: Date| date.format("%d/%m/%Y").to_string();
    let entries: Vec<Value> = journal
        .iter()
        .map(|entry| {
            let recorded = entry.recorded_at.get(..10).and_then(|d| greffe_models::dates::parse_date(d).ok());
            json!({
                "numero": entry.seq,
                "inscrit_le": recorded.map(day_fr).unwrap_or_else(|| entry.recorded_at.clone()),
                "evenement": entry.label,
                "date": entry.event_date.map(day_fr),
                "auteur": entry.actor,
                "detail": payload_line(&entry.payload),
            })
        })
        .collect();
    let data = json!({
        "date_emission": date_long_fr(today),
        "pourvoi": record.pourvoi,
        "chambre": chamber_name(state, &record.chamber).await?,
        "parties": record.parties.iter().map(|p| format!("{}, {}", p.name, p.role.label_fr().to_lowercase())).collect::<Vec<_>>(),
        "inscriptions": entries,
        "derniere_empreinte": journal.last().map(|e| e.hash.clone()).unwrap_or_default(),
    });
    let last = journal.last().map_or(0, |e| e.seq);
    let ident = format!("journal-{id}-{last}");
    let bytes = render(state, Kind::ExtraitJournal, data, Meta { ident, date: today }).await?;
    Ok(Document { bytes, filename: file_name(&["extrait-journal", &record.pourvoi]) })
}

/// The certificate of answered request `id`; refused (409) when the answer
/// gives none (a pourvoi registered, a request incomplete).
pub async fn certificate(state: &AppState, id: i64) -> Result<Document> {
    let (input, answer) = state.store.cnp_answer(id).await?;
    let reserve = match &answer.outcome {
        CnpOutcome::Issued => None,
        CnpOutcome::Partial { legal_aid } => Some(format!(
            "Sous réserve de la demande d'aide juridictionnelle enregistrée ({}), qui interrompt le délai de pourvoi.",
            legal_aid.join(", ")
        )),
        CnpOutcome::Refused { .. } | CnpOutcome::Incomplete { .. } => {
            return Err(Error::conflict(
                ErrorCode::PlanStatus,
                format!("la demande n° {id} n'a pas donné lieu à un certificat"),
                "consulter la réponse de la demande : un pourvoi est enregistré, ou des éléments manquent",
            ));
        }
    };
    let answered = chrono::DateTime::parse_from_rfc3339(&answer.answered_at)
        .map(|at| greffe_models::dates::paris_date(at.with_timezone(&chrono::Utc)))
        .map_err(|_| Error::internal(format!("cnp {id}: answered_at unreadable")))?;
    let decision = match input.decision_date.as_deref() {
        Some(raw) => date_long_fr(parse_day(raw, "cnp decision")?),
        None => "—".to_owned(),
    };
    let data = json!({
        "numero": id,
        "date_emission": date_long_fr(answered),
        "date_certification": date_long_fr(answered),
        "juridiction": input.court.clone().unwrap_or_default(),
        "date_decision": decision,
        "rg": input.docket.clone().unwrap_or_default(),
        "parties": input.parties,
        "reserve": reserve,
    });
    let bytes =
        render(state, Kind::CertificatNonPourvoi, data, Meta { ident: format!("cnp-{id}"), date: answered }).await?;
    Ok(Document { bytes, filename: file_name(&["certificat-non-pourvoi", &id.to_string()]) })
}

/// The notice of task `task` (avis d'audience, de retrait du rôle, de
/// changement de composition): a letter to each party's lawyer (one per
/// lawyer, naming the parties he represents) and to each party without
/// one.
pub async fn notice(state: &AppState, task: &NoticeTask) -> Result<Document> {
    notice_to(state, task, None).await
}

/// The notice of task `task`, to every recipient or to `recipient` alone
/// (a lawyer's office, or a party without a lawyer, as the outbox names
/// it): the avis d'audience of a notice to send; after an avenant, the
/// avis de retrait du rôle (the dossier is no longer at that hearing) or
/// the avis de changement de composition (the hearing's new bench).
pub async fn notice_to(state: &AppState, task: &NoticeTask, recipient: Option<&str>) -> Result<Document> {
    let Some(kind) = TaskKind::parse(&task.kind) else {
        return Err(Error::internal(format!("tâche n° {} : nature « {} » inconnue", task.id, task.kind)));
    };
    let pourvoi = task.pourvoi.replace('.', "-");
    // A document fixed as the notice was queued (the sealed arrêt, the
    // report as filed) is sent as it is.
    if let Some(sha256) = &task.document_sha256 {
        let bytes = state.store.outbox_document(sha256).await?;
        let file = match kind {
            TaskKind::DecisionNotice => "arret",
            _ => "communication",
        };
        return Ok(Document { bytes, filename: file_name(&[file, &pourvoi]) });
    }
    let (motif, file) = match kind {
        TaskKind::SendNotice => ("audience", "avis-audience"),
        TaskKind::WithdrawNotice => ("retrait", "avis-retrait"),
        TaskKind::CompositionNotice => ("composition", "avis-composition"),
        // The notification of a decision is the sealed arrêt itself.
        TaskKind::DecisionNotice => {
            let (_, bytes) = state.store.sealed_decision_pdf(task.dossier_id).await?;
            return Ok(Document { bytes, filename: file_name(&["arret", &pourvoi]) });
        }
        // The order as its president and greffier signed it (immutable
        // once signed: the same bytes at every attempt).
        TaskKind::OrderNotice => {
            let signed = state.store.signed_order(state.today(), task.dossier_id).await?;
            let bytes = ordonnance(state, &signed).await?;
            return Ok(Document { bytes, filename: file_name(&["ordonnance", &pourvoi]) });
        }
        TaskKind::WorkNotice => {
            return Err(Error::internal(format!("tâche n° {} : document communiqué absent", task.id)));
        }
    };
    let Some(hearing_id) = task.hearing_id.as_deref() else {
        return Err(Error::internal(format!("tâche n° {} : avis sans audience", task.id)));
    };
    let dossier = state.store.dossier(task.dossier_id).await?;
    let hearing = state.store.hearing(hearing_id).await?.hearing;
    let day = parse_day(&hearing.date, "hearing")?;
    let today = state.today();
    let record = &dossier.record;
    let role = |p: &greffe_models::record::Party| p.role.label_fr().to_lowercase();
    // One letter per lawyer, naming every party he represents.
    let mut lawyers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut recipients = Vec::new();
    for party in &record.parties {
        match party.lawyer() {
            Some(lawyer) => lawyers.entry(lawyer).or_default().push(format!("{}, {}", party.name, role(party))),
            None => recipients.push(json!({
                "nom": party.name,
                "qualite": format!("{}, sans avocat aux Conseils", role(party)),
                "adresse": party.postal_address(),
                "salutation": "Madame, Monsieur",
            })),
        }
    }
    let mut letters: Vec<Value> = lawyers
        .into_iter()
        .map(|(lawyer, parties)| {
            json!({
                "nom": lawyer,
                "qualite": format!("avocat aux Conseils de {}", parties.join(" ; ")),
                "adresse": Value::Null,
                "salutation": "Maître",
            })
        })
        .collect();
    letters.append(&mut recipients);
    if let Some(recipient) = recipient {
        letters.retain(|letter| letter["nom"] == recipient);
        if letters.is_empty() {
            return Err(Error::internal(format!(
                "avis n° {} : « {recipient} » n'est plus destinataire (dossier modifié depuis la publication)",
                task.id
            )));
        }
    }
    let ident = match recipient {
        Some(recipient) => format!("{file}-{}-{}", task.id, recipient),
        None => format!("{file}-{}", task.id),
    };
    // The new bench, for a change of composition (the published roll,
    // president first).
    let composition = match kind {
        TaskKind::CompositionNotice => {
            let roll = state.store.roll(hearing_id).await?;
            let seats: Vec<String> = roll
                .bench
                .iter()
                .map(|seat| if seat.presides { format!("{}, président", seat.name) } else { seat.name.clone() })
                .collect();
            Value::from(seats)
        }
        _ => Value::Null,
    };
    // The article that sets the notice, only where it is confirmed.
    let rule = if record.nature == greffe_models::registry::Nature::Penal {
        &state.rules.notice_days_penal
    } else {
        &state.rules.notice_days_civil
    };
    let notice_basis = rule.confirmed.then(|| rule.source.clone());
    let data = json!({
        "date_emission": date_long_fr(today),
        "reference": task.id,
        "chambre": chamber_name(state, &hearing.chamber).await?,
        "formation": formation_fr(&hearing.formation),
        "pourvoi": record.pourvoi,
        "audience": {"date": day_long_fr(day), "demi_journee": half_day_fr(&hearing.half_day), "salle": hearing.room},
        "parties": record.parties.iter().map(|p| json!({"qualite": role(p), "nom": p.name, "avocat": p.lawyer})).collect::<Vec<_>>(),
        "destinataires": letters,
        "fondement": if kind == TaskKind::SendNotice { notice_basis } else { None },
        "motif": motif,
        "composition": composition,
    });
    let bytes = render(state, Kind::AvisAudience, data, Meta { ident, date: today }).await?;
    Ok(Document { bytes, filename: file_name(&[file, &task.id.to_string()]) })
}

/// The signatures of a signed document as printed: who, in what capacity,
/// when, and a short form of the signature to read on paper (the whole is
/// in the signed file and the journal).
fn signature_rows(signatures: &[DecisionSignature]) -> Vec<Value> {
    signatures
        .iter()
        .map(|s| {
            let short: Vec<&str> = (0..4).filter_map(|i| s.signature.get(i * 8..i * 8 + 8)).collect();
            json!({"nom": s.name, "qualite": s.role.label_fr(),
                   "le": s.signed_at.get(..16).unwrap_or(&s.signed_at).replace('T', " ") + " UTC",
                   "empreinte": short.join(" ")})
        })
        .collect()
}

/// The day a signed document is dated: its last signature's (so that the
/// same signed content always makes the same bytes), else `today`.
fn last_signature_day(signatures: &[DecisionSignature], today: Date) -> Date {
    let last = signatures.iter().map(|s| s.signed_at.as_str()).max().unwrap_or_default();
    last.get(..10).and_then(|d| greffe_models::dates::parse_date(d).ok()).unwrap_or(today)
}

/// The president's order `signed` (déchéance, désistement) as a PDF/A-2b
/// file: what its notification carries to the parties, dated its last
/// signature's day.
pub async fn ordonnance(state: &AppState, signed: &SignedOrder) -> Result<Vec<u8>> {
    let content = &signed.content;
    let dossier = state.store.dossier(signed.dossier_id).await?;
    let president = match state.store.magistrate(&content.president).await {
        Ok(record) => Some(record),
        Err(greffe_store::Error::NotFound(_)) => None,
        Err(error) => return Err(error.into()),
    };
    let chambre = chamber_name(state, &dossier.record.chamber).await?;
    let qualite_president = match president.as_ref().map(|m| m.magistrate.role) {
        Some(Role::PremierPresident) => "premier président de la Cour de cassation".to_owned(),
        _ => format!("président de la {chambre}"),
    };
    let day = |raw: &str, what: &str| parse_day(raw, what).map(date_long_fr);
    let date = day(&content.date, "order")?;
    let data = json!({
        "date_emission": date,
        "titre": content.kind.title(),
        "chambre": chambre,
        "pourvoi": content.pourvoi,
        "date": date,
        "parties": content.parties.iter().map(|p| json!({"qualite": p.role.label_fr().to_lowercase(), "nom": p.name, "avocat": p.lawyer})).collect::<Vec<_>>(),
        "attaque": {"juridiction": content.attacked.court, "date": day(&content.attacked.date, "attacked decision")?, "numero": content.attacked.docket},
        "president": president.map_or_else(|| content.president.clone(), |m| m.magistrate.name),
        "qualite_president": qualite_president,
        "greffier": content.greffier,
        "motifs": content.reasons,
        "dispositif": content.operative,
        "signatures": signature_rows(&signed.signatures),
        "version": signed.version,
        "empreinte": signed.sha256,
    });
    let date = last_signature_day(&signed.signatures, state.today());
    let ident = format!("ordonnance-{}-{}", signed.dossier_id, signed.version);
    render(state, Kind::Ordonnance, data, Meta { ident, date }).await
}

/// What the arrêt says of `signed` — the decision as its signatories
/// signed it — with the seal's placeholder in its keywords (`sceau`).
async fn arret_data(state: &AppState, signed: &SignedDecision) -> Result<Value> {
    let content = &signed.content;
    let names = magistrate_names(state).await?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let hearing = state.store.hearing(&content.hearing).await?.hearing;
    let day = |raw: &str, what: &str| parse_day(raw, what).map(day_long_fr);
    let mut presents = vec![json!({"nom": name(&content.president), "qualite": "président"})];
    for member in content.members.iter().filter(|m| **m != content.president) {
        let qualite = if content.rapporteurs.contains(member) { "conseiller rapporteur" } else { "conseiller" };
        presents.push(json!({"nom": name(member), "qualite": qualite}));
    }
    if let Some(avocat_general) = &content.avocat_general {
        presents.push(json!({"nom": name(avocat_general), "qualite": "avocat général"}));
    }
    presents.push(json!({"nom": content.greffier, "qualite": "greffier de chambre"}));
    let attacked_day = parse_day(&content.attacked.date, "attacked decision").map(date_long_fr)?;
    // The court's marks (B, R, L, C); « N », not published, is no mark.
    let marks: Vec<&str> =
        content.publication.iter().filter(|p| **p != PublicationLevel::N).map(|p| p.as_str()).collect();
    let mark = SealMark { dossier_id: signed.dossier_id, version: signed.version, sha256: signed.sha256.clone() };
    let mut signatures = signature_rows(&signed.signatures);
    for prevented in &content.prevented {
        let absent =
            if prevented.role == SignatoryRole::Greffier { prevented.absent.clone() } else { name(&prevented.absent) };
        let by = if prevented.role == SignatoryRole::Greffier { prevented.by.clone() } else { name(&prevented.by) };
        signatures.push(json!({"nom": format!("{absent} (empêché : {}) — signé par {by}", prevented.reason),
                               "qualite": prevented.role.label_fr(), "le": "—", "empreinte": "—"}));
    }
    Ok(json!({
        "date_emission": content.pronouncement.as_deref().map(|d| day(d, "pronouncement")).transpose()?.unwrap_or_default(),
        "chambre": chamber_name(state, &hearing.chamber).await?,
        "formation": content.formation.label_fr(),
        "audience": day(&content.hearing_date, "hearing")?,
        "prononce": content.pronouncement.as_deref().map(|d| day(d, "pronouncement")).transpose()?.unwrap_or_default(),
        "pourvoi": content.pourvoi,
        "solution": content.outcome.map(|o| o.label_fr()).unwrap_or_default(),
        "marques": marks.join("-"),
        "parties": content.parties.iter().map(|p| json!({"qualite": p.role.label_fr().to_lowercase(), "nom": p.name, "avocat": p.lawyer})).collect::<Vec<_>>(),
        "attaque": {"juridiction": content.attacked.court, "date": attacked_day, "numero": content.attacked.docket},
        "president": name(&content.president),
        "presents": presents,
        "visas": content.visas,
        "moyens": content.grounds.iter().map(|g| json!({"moyen": g.ground, "reponse": g.answer})).collect::<Vec<_>>(),
        "dispositif": content.operative,
        "signatures": signatures,
        "version": signed.version,
        "empreinte": signed.sha256,
        "sceau": mark.placeholder(),
    }))
}

/// The arrêt of `signed` as a PDF/A-2b file, ready for the greffe's seal
/// (`Store::seal_decision`); dated its last signature's day, so that the
/// same signed decision always makes the same bytes.
pub async fn arret(state: &AppState, signed: &SignedDecision) -> Result<Vec<u8>> {
    let data = arret_data(state, signed).await?;
    let date = last_signature_day(&signed.signatures, state.today());
    let ident = format!("arret-{}-{}", signed.dossier_id, signed.version);
    render(state, Kind::Arret, data, Meta { ident, date }).await
}

/// Seals dossier `id`'s decision, signed by all: its arrêt made and
/// sealed by the greffe's key, kept and journaled (`Store::seal_decision`).
pub async fn seal_decision(state: &AppState, id: i64) -> Result<greffe_store::decision_signatures::DecisionSeal> {
    let signed = state.store.signed_decision(state.today(), id).await?;
    let made = arret(state, &signed).await?;
    Ok(state.store.seal_decision(id, signed.version, &made).await?)
}

/// The sealed arrêt of `workspace`'s decision, as kept (409 until sealed);
/// the caller has checked that the reader belongs to the formation or the
/// greffe of its chamber.
pub async fn sealed_arret(
    state: &AppState,
    workspace: &greffe_store::decision_drafts::DecisionWorkspace,
) -> Result<Document> {
    let (_, bytes) = state.store.sealed_decision_pdf(workspace.dossier_id).await?;
    Ok(Document { bytes, filename: file_name(&["arret", &workspace.content.pourvoi.replace('.', "-")]) })
}

/// Version `version` of a work document of `dossier`, written by `author`
/// and filed `filed_on`, as a PDF/A-2b file: the PDF kept with the version.
/// Its heading says who may read it.
pub async fn work_document(
    state: &AppState,
    dossier: &greffe_store::dossiers::Dossier,
    slot: WorkSlot,
    version: i64,
    content: &WorkContent,
    author: &str,
    filed_on: Date,
) -> Result<Vec<u8>> {
    let names = magistrate_names(state).await?;
    let record = &dossier.record;
    let visibility = slot.kind.visibility();
    let qualite = match slot.kind.author() {
        Author::Rapporteur => "conseiller rapporteur",
        Author::AvocatGeneral => "avocat général",
    };
    let attacked_day = parse_day(&record.attacked.date, "attacked decision").map(date_long_fr)?;
    let data = json!({
        "date_emission": date_long_fr(filed_on),
        "nature": greffe_models::text::capitalised(slot.kind.label_fr()),
        "titre": content.title,
        "chambre": chamber_name(state, &record.chamber).await?,
        "pourvoi": record.pourvoi,
        "auteur": {"nom": names.get(author).cloned().unwrap_or_else(|| author.to_owned()), "qualite": qualite},
        "diffusion": visibility.readers.iter().map(|r| r.label_fr()).collect::<Vec<_>>().join(", "),
        "reserve": !visibility.readers.contains(&Reader::Greffe),
        "parties": content.parties.iter().map(|p| json!({"qualite": p.role.label_fr().to_lowercase(), "nom": p.name, "avocat": p.lawyer})).collect::<Vec<_>>(),
        "attaque": {"juridiction": record.attacked.court, "date": attacked_day, "numero": record.attacked.docket},
        "visas": content.visas,
        "moyens": content.grounds.iter().map(|g| json!({"moyen": g.ground, "reponse": g.answer})).collect::<Vec<_>>(),
        "libelle_reponse": if slot.kind == WorkKind::Projet { "Réponse proposée" } else { "Analyse" },
        "solution": content.proposed.map(|o| o.label_fr()),
        "dispositif": content.operative,
        "expose": content.body,
        "version": version,
        "empreinte": content.sha256(),
    });
    let ident = format!("{}-{}-{}-{}", slot.kind.as_str(), dossier.id, slot.number, version);
    render(state, Kind::Travail, data, Meta { ident, date: filed_on }).await
}

/// The PDF a work document's version was filed with, as kept; the caller
/// has checked that the reader may read its kind.
pub async fn kept_work_document(
    state: &AppState,
    dossier: &greffe_store::dossiers::Dossier,
    slot: WorkSlot,
    version: i64,
) -> Result<Document> {
    let bytes = state.store.work_pdf(dossier.id, slot, version).await?;
    let number = slot.number.to_string();
    let version = format!("v{version}");
    let pourvoi = dossier.record.pourvoi.replace('.', "-");
    let mut parts = vec![slot.kind.as_str(), &pourvoi];
    if slot.kind.several() {
        parts.push(&number);
    }
    parts.push(&version);
    Ok(Document { bytes, filename: file_name(&parts) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_a_letter_writes_them() {
        let day = greffe_models::dates::parse_date("2027-01-05").expect("date");
        assert_eq!(day_long_fr(day), "mardi 5 janvier 2027");
        assert_eq!(date_long_fr(greffe_models::dates::parse_date("2026-12-01").expect("date")), "1er décembre 2026");
        assert_eq!(file_name(&["role", "civ1 2027/01"]), "role-civ1-2027-01.pdf");
    }
}
