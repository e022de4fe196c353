//! The court's decision on a dossier: recorded once, it closes the
//! dossier's deadlines (an `arret` entry in the journal, which the deadline
//! engine reads) and moves the dossier to `decided`.

use greffe_models::deadlines::EventType;
use greffe_models::registry::{DossierStatus, JournalKind, PublicationLevel, Solution, parse_ecli};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dossiers::{Dossier, set_status};
use super::journal::{self, NewEntry};
use sqlx::AnyConnection;

use super::Store;
use crate::error::{Error, ErrorCode, Result};

/// Formation codes of the court's published decisions, and `ord` for an
/// order of the president given outside any formation (a déchéance).
pub const FORMATIONS: [&str; 8] = ["fp", "fm", "fs", "f", "frh", "frr", "ap", ORDER_FORMATION];

/// The formation code of a decision given by the president's order.
pub const ORDER_FORMATION: &str = "ord";

/// The decision, as recorded by the clerk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// Date of the decision (YYYY-MM-DD).
    #[schema(format = Date)]
    pub decided_on: String,
    /// Solution: `cassation`, `rejet`, `irrecevabilite`, `decheance`,
    /// `non_lieu`, `qpc`, `rabat`, `renvoi`, `designation`,
    /// `reglement_juges`, `avis`, `annulation`, `autre`.
    pub solution: String,
    /// Formation: `fp`, `fm`, `fs`, `f`, `frh`, `frr`, `ap`; `ord` for the
    /// president's order.
    pub formation: String,
    /// Publication: `B`, `R`, `L`, `C` or `N` (not published).
    pub publication: String,
    /// ECLI (`ECLI:FR:CCASS:2026:C100123`).
    #[serde(default)]
    pub ecli: Option<String>,
    /// Decision number.
    #[serde(default)]
    pub number: Option<String>,
}

/// Checks and records the decision on `current` within the caller's
/// transaction: the `arret` journal entry, the decision row, the status. The
/// caller bumps the version and refreshes the deadlines.
pub async fn decide_in(
    connection: &mut AnyConnection,
    actor: &str,
    current: &Dossier,
    input: DecisionInput,
) -> Result<()> {
    let id = current.id;
    let decided_on = greffe_models::dates::parse_date(&input.decided_on)
        .map_err(|e| Error::invalid("decided_on", e.to_string(), e.fix()))?;
    let solution = Solution::parse(&input.solution).ok_or_else(|| {
        Error::invalid(
            "solution",
            format!("solution « {} » inconnue", input.solution),
            format!("valeurs admises : {}", Solution::codes()),
        )
    })?;
    let publication = PublicationLevel::parse(&input.publication).ok_or_else(|| {
        Error::invalid(
            "publication",
            format!("niveau de publication « {} » inconnu", input.publication),
            "B, R, L, C ou N",
        )
    })?;
    if !FORMATIONS.contains(&input.formation.as_str()) {
        return Err(Error::invalid(
            "formation",
            format!("formation « {} » inconnue", input.formation),
            format!("valeurs admises : {}", FORMATIONS.join(", ")),
        ));
    }
    let ecli = input
        .ecli
        .as_deref()
        .map(parse_ecli)
        .transpose()
        .map_err(|e| Error::invalid("ecli", e.to_string(), "corriger l'ECLI ou l'omettre"))?;
    if !current.status.may_be_decided() {
        return Err(Error::conflict(
            ErrorCode::ForbiddenTransition,
            format!("le dossier est « {} » : une décision ne peut plus y être enregistrée", current.status.label_fr()),
            "vérifier le dossier ; une décision enregistrée ne se remplace pas",
        ));
    }
    let registered_on = greffe_models::dates::parse_date(&current.record.registered_on)
        .map_err(|e| Error::internal(format!("stored registration date: {e}")))?;
    if decided_on < registered_on {
        return Err(Error::invalid(
            "decided_on",
            format!(
                "décision du {decided_on} antérieure à l'enregistrement du pourvoi ({})",
                current.record.registered_on
            ),
            "vérifier la date de la décision",
        ));
    }
    if let Some(ecli) = &ecli {
        let taken = sqlx::query("SELECT dossier_id FROM decisions WHERE ecli = $1")
            .bind(ecli)
            .fetch_optional(&mut *connection)
            .await?;
        if taken.is_some() {
            return Err(Error::conflict(
                ErrorCode::AlreadyExists,
                format!("l'ECLI {ecli} est déjà attribué"),
                "vérifier l'ECLI",
            )
            .field("ecli"));
        }
    }
    let entry = journal::append(
        &mut *connection,
        NewEntry {
            actor: actor.to_owned(),
            dossier_id: Some(id),
            kind: JournalKind::Procedural(EventType::Arret),
            event_date: Some(decided_on),
            payload: serde_json::json!({
                "solution": solution.as_str(),
                "formation": input.formation,
                "publication": publication.as_str(),
                "ecli": ecli,
                "number": input.number,
            }),
            corrects: None,
        },
    )
    .await?;
    sqlx::query(
        "INSERT INTO decisions (dossier_id, decided_on, solution, formation, publication, ecli, number, chamber,
            days_to_decision, journal_seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(decided_on.to_string())
    .bind(solution.as_str())
    .bind(&input.formation)
    .bind(publication.as_str())
    .bind(&ecli)
    .bind(&input.number)
    .bind(&current.record.chamber)
    .bind((decided_on - registered_on).num_days())
    .bind(entry.seq)
    .execute(&mut *connection)
    .await?;
    set_status(&mut *connection, id, DossierStatus::Decided, Some(&decided_on.to_string())).await?;
    Ok(())
}

impl Store {
    /// Records the decision on a dossier at version `expected`.
    pub async fn record_decision(&self, actor: &str, id: i64, expected: i64, input: DecisionInput) -> Result<Dossier> {
        let (dossier, ()) = self
            .write_dossier(id, expected, async |connection, current| decide_in(connection, actor, current, input).await)
            .await?;
        Ok(dossier)
    }
}
