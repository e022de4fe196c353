//! Certificats de non-pourvoi (art. 505 CPC): the register is searched for
//! the decision named; the answer and the checks made are kept and
//! journaled.

use greffe_models::deadlines::EventType;
use greffe_models::registry::{CnpFinding, CnpOutcome, CnpRequest, Nature, RegistryKind, answer_cnp};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

use super::dossiers::attacked_key;
use super::journal::{self, NewEntry};
use super::{Store, rows};
use crate::error::{Error, Result};

/// A request for a certificat de non-pourvoi.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CnpInput {
    /// Court that rendered the decision.
    #[serde(default)]
    pub court: Option<String>,
    /// Date of the decision (YYYY-MM-DD).
    #[serde(default)]
    #[schema(format = Date)]
    pub decision_date: Option<String>,
    /// Docket number (numéro RG).
    #[serde(default)]
    pub docket: Option<String>,
    /// Parties to the decision.
    #[serde(default)]
    pub parties: Vec<String>,
    /// `civil` or `penal`.
    #[serde(default)]
    pub nature: Option<String>,
    /// Who asks (the party wishing to enforce the decision).
    #[serde(default)]
    pub requester: Option<String>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CnpAnswer {
    /// Id of the request.
    pub id: i64,
    /// `issued`, `partial`, `refused` or `incomplete`, with what was found or what is missing.
    #[schema(value_type = Object)]
    pub outcome: CnpOutcome,
    /// The checks made, in French.
    pub checks: Vec<String>,
    /// When it was answered (UTC).
    pub answered_at: String,
    /// The journal entry.
    pub journal_seq: i64,
}

impl Store {
    /// Answers a request and journals it.
    pub async fn answer_cnp(&self, actor: &str, input: CnpInput) -> Result<CnpAnswer> {
        let decision_date = input
            .decision_date
            .as_deref()
            .map(|d| {
                greffe_models::dates::parse_date(d).map_err(|e| Error::invalid("decision_date", e.to_string(), e.fix()))
            })
            .transpose()?;
        let nature = input
            .nature
            .as_deref()
            .map(|n| {
                Nature::parse(n)
                    .ok_or_else(|| Error::invalid("nature", format!("nature « {n} » inconnue"), "civil ou penal"))
            })
            .transpose()?;
        let request = CnpRequest {
            court: input.court.clone(),
            decision_date,
            docket: input.docket.clone(),
            parties: input.parties.clone(),
            nature,
        };
        let mut write = self.write().await?;
        let mut findings = Vec::new();
        let mut other_parties = false;
        if let (Some(court), Some(date), Some(docket)) = (&input.court, decision_date, &input.docket) {
            let key = attacked_key(court, &date.to_string(), docket);
            let found = sqlx::query("SELECT id, pourvoi, nature FROM dossiers WHERE attacked_key = $1 ORDER BY id")
                .bind(&key)
                .fetch_all(&mut *write.tx)
                .await?;
            for row in &found {
                let id = rows::int(row, "id")?;
                let names: Vec<String> = sqlx::query("SELECT name_key FROM dossier_parties WHERE dossier_id = $1")
                    .bind(id)
                    .fetch_all(&mut *write.tx)
                    .await?
                    .iter()
                    .map(|r| r.try_get::<String, _>("name_key"))
                    .collect::<Result<_, _>>()?;
                let named = input.parties.iter().map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty());
                let shares_a_party =
                    named.into_iter().any(|p| names.iter().any(|n| n.contains(&p) || p.contains(n.as_str())));
                if !shares_a_party {
                    other_parties = true;
                    continue;
                }
                let kinds: Vec<String> = sqlx::query("SELECT kind FROM journal WHERE dossier_id = $1")
                    .bind(id)
                    .fetch_all(&mut *write.tx)
                    .await?
                    .iter()
                    .map(|r| r.try_get::<String, _>("kind"))
                    .collect::<Result<_, _>>()?;
                let has = |event: EventType| kinds.iter().any(|k| k == event.as_str());
                findings.push(CnpFinding {
                    pourvoi: rows::text(row, "pourvoi")?,
                    nature: rows::parsed(row, "nature", Nature::parse)?,
                    only_legal_aid: has(EventType::DemandeAideJuridictionnelle) && !has(EventType::DeclarationPourvoi),
                });
            }
        }
        let (mut outcome, mut checks) = answer_cnp(&request, &findings);
        if other_parties && findings.is_empty() && !matches!(outcome, CnpOutcome::Incomplete { .. }) {
            checks.push(
                "une décision de même juridiction, date et numéro figure au registre avec d'autres parties".to_owned(),
            );
            outcome = CnpOutcome::Incomplete {
                missing: vec![
                    "identification ambiguë : les parties ne correspondent pas à celles de la décision enregistrée sous ce numéro ; vérifier les parties et le numéro RG".to_owned(),
                ],
            };
        }
        let outcome_code = match &outcome {
            CnpOutcome::Issued => "issued",
            CnpOutcome::Partial { .. } => "partial",
            CnpOutcome::Refused { .. } => "refused",
            CnpOutcome::Incomplete { .. } => "incomplete",
        };
        let answer_json = serde_json::json!({"outcome": outcome, "checks": checks});
        let entry = journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor.to_owned(),
                None,
                RegistryKind::CnpAnswered,
                serde_json::json!({"request": input, "answer": answer_json}),
            ),
        )
        .await?;
        let request_json = serde_json::to_string(&input).map_err(Error::internal)?;
        let row = sqlx::query(
            "INSERT INTO cnp_requests (requested_at, actor, request, outcome, answer, journal_seq)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&entry.recorded_at)
        .bind(actor)
        .bind(&request_json)
        .bind(outcome_code)
        .bind(answer_json.to_string())
        .bind(entry.seq)
        .fetch_one(&mut *write.tx)
        .await?;
        let id = rows::int(&row, "id")?;
        write.commit().await?;
        Ok(CnpAnswer { id, outcome, checks, answered_at: entry.recorded_at, journal_seq: entry.seq })
    }

    /// A request answered earlier and its answer (the certificate to print
    /// again), or 404.
    pub async fn cnp_answer(&self, id: i64) -> Result<(CnpInput, CnpAnswer)> {
        let row = sqlx::query("SELECT id, requested_at, request, answer, journal_seq FROM cnp_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("demande de certificat n° {id}")))?;
        #[derive(Deserialize)]
        struct Stored {
            outcome: CnpOutcome,
            checks: Vec<String>,
        }
        let request: CnpInput = rows::json(&row, "request")?;
        let stored: Stored = rows::json(&row, "answer")?;
        Ok((
            request,
            CnpAnswer {
                id,
                outcome: stored.outcome,
                checks: stored.checks,
                answered_at: rows::text(&row, "requested_at")?,
                journal_seq: rows::int(&row, "journal_seq")?,
            },
        ))
    }
}
