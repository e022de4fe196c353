//! Import of the existing stock from the former system: one JSON file (the
//! layout is in docs/formats.md), every record checked, all or nothing.
//!
//! Idempotent: each imported dossier keeps the SHA-256 of its source record
//! in its `imported` journal entry; importing the same record again skips
//! it, importing a different record for a pourvoi already registered
//! rejects it (nothing is overwritten silently).

use greffe_models::Date;
use greffe_models::registry::{DossierStatus, RegistryKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::decisions::{DecisionInput, decide_in};
use super::dossiers::{DossierInput, EventInput, canonical_pourvoi, event_in, get_in, insert, set_status};
use super::journal::{self, NewEntry, hex};
use super::{Store, deadlines, rows};
use crate::error::{Error, ErrorCode, Result};

/// The import file.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    /// `greffe-import/1`.
    pub format: String,
    /// The dossiers.
    pub dossiers: Vec<ImportRecord>,
}

/// One dossier of the former system.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRecord {
    /// The registry record.
    pub dossier: DossierInput,
    /// Status in the former system (default `registered`).
    #[serde(default)]
    pub status: Option<String>,
    /// Its procedural events, oldest first.
    #[serde(default)]
    pub events: Vec<EventInput>,
    /// The decision, for decided dossiers.
    #[serde(default)]
    pub decision: Option<DecisionInput>,
}

/// A record refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Rejection {
    /// Position of the record in the file (from 0).
    pub index: usize,
    /// Why, as a stable code: `invalid_field` (the record breaks a rule),
    /// `already_exists` (its pourvoi is registered with other data),
    /// `bad_reference` (it names an unknown or unfit chamber, magistrate…).
    pub code: ErrorCode,
    /// Its pourvoi number, as given.
    pub pourvoi: String,
    /// The field at fault (`dossiers[3].dossier.chamber`).
    pub field: Option<String>,
    /// Why, in French.
    pub message: String,
    /// What to do.
    pub action: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// Dossiers created (zero when any record is rejected).
    pub imported: usize,
    /// Records already imported identically.
    pub skipped: usize,
    /// Records refused; when any is, nothing was written.
    pub rejected: Vec<Rejection>,
}

impl ImportReport {
    /// Whether every refusal is a conflict with the registry's state (a
    /// pourvoi registered with other data, an unknown chamber…) rather
    /// than a record breaking a rule.
    pub fn refused_by_state_only(&self) -> bool {
        self.rejected.iter().all(|rejection| rejection.code != ErrorCode::InvalidField)
    }
}

/// The format tag of import files.
pub const FORMAT: &str = "greffe-import/1";

async fn import_one(
    connection: &mut AnyConnection,
    actor: &str,
    record: &ImportRecord,
    source_hash: &str,
    today: Date,
) -> Result<bool> {
    let pourvoi = canonical_pourvoi("dossier.pourvoi", &record.dossier.pourvoi)?;
    let existing = sqlx::query("SELECT id FROM dossiers WHERE pourvoi = $1")
        .bind(&pourvoi)
        .fetch_optional(&mut *connection)
        .await?;
    if let Some(existing) = existing {
        let id = rows::int(&existing, "id")?;
        let imports = sqlx::query("SELECT payload FROM journal WHERE dossier_id = $1 AND kind = $2")
            .bind(id)
            .bind(RegistryKind::Imported.as_str())
            .fetch_all(&mut *connection)
            .await?;
        let mut same = false;
        for row in &imports {
            let payload: serde_json::Value = rows::json(row, "payload")?;
            same |= payload.get("source_hash").and_then(|h| h.as_str()) == Some(source_hash);
        }
        return if same {
            Ok(false)
        } else {
            Err(Error::conflict(
                ErrorCode::AlreadyExists,
                format!("le pourvoi {pourvoi} est déjà enregistré avec d'autres données (dossier n° {id})"),
                "retirer l'enregistrement du fichier, ou corriger le dossier existant par l'API",
            )
            .field("dossier.pourvoi"))
        };
    }
    let status = match &record.status {
        None => DossierStatus::Registered,
        Some(code) => DossierStatus::parse(code).ok_or_else(|| {
            Error::invalid(
                "status",
                format!("statut « {code} » inconnu"),
                format!("valeurs admises : {}", DossierStatus::codes()),
            )
        })?,
    };
    if (status == DossierStatus::Decided || status == DossierStatus::Closed) != record.decision.is_some() {
        return Err(Error::invalid(
            "decision",
            "un dossier jugé ou clôturé porte sa décision, et seulement lui",
            "ajouter la décision, ou corriger le statut",
        ));
    }
    let id = insert(connection, actor, record.dossier.clone(), RegistryKind::Imported, today)
        .await
        .map_err(|error| prefix(error, "dossier"))?;
    // The registration entry carries the source hash (idempotency).
    journal::append(
        connection,
        NewEntry::registry(
            actor.to_owned(),
            Some(id),
            RegistryKind::Imported,
            serde_json::json!({"source_hash": source_hash}),
        ),
    )
    .await?;
    let current = get_in(connection, id).await?;
    for (index, event) in record.events.iter().enumerate() {
        event_in(connection, actor, &current, event.clone())
            .await
            .map_err(|error| prefix(error, &format!("events[{index}]")))?;
    }
    if let Some(decision) = &record.decision {
        let current = get_in(connection, id).await?;
        decide_in(connection, actor, &current, decision.clone()).await.map_err(|error| prefix(error, "decision"))?;
    }
    set_status(connection, id, status, None).await?;
    deadlines::refresh(connection, id).await?;
    Ok(true)
}

fn prefix(mut error: Error, path: &str) -> Error {
    if let Some(problem) = error.problem_mut() {
        problem.field = Some(match problem.field.take() {
            Some(field) => format!("{path}.{field}"),
            None => path.to_owned(),
        });
    }
    error
}

impl Store {
    /// Imports `file`: every record checked; all written, or none.
    pub async fn import(&self, actor: &str, file: ImportFile) -> Result<ImportReport> {
        if file.format != FORMAT {
            return Err(Error::invalid(
                "format",
                format!("format « {} » inconnu", file.format),
                format!("attendu : {FORMAT}"),
            ));
        }
        let mut write = self.write().await?;
        let bulk = file.dossiers.len() >= crate::dashboard::BULK_IMPORT;
        if bulk {
            crate::dashboard::pause_stock_counts(&mut write.tx).await?;
        }
        let mut report = ImportReport { imported: 0, skipped: 0, rejected: Vec::new() };
        let today = self.today();
        for (index, record) in file.dossiers.iter().enumerate() {
            let source = serde_json::to_string(record).map_err(Error::internal)?;
            let source_hash = hex(&Sha256::digest(source.as_bytes()));
            match import_one(&mut write.tx, actor, record, &source_hash, today).await {
                Ok(true) => report.imported += 1,
                Ok(false) => report.skipped += 1,
                Err(Error::NotFound(problem) | Error::Conflict(problem) | Error::Invalid(problem)) => {
                    report.rejected.push(Rejection {
                        index,
                        code: problem.code,
                        pourvoi: record.dossier.pourvoi.clone(),
                        field: Some(match problem.field {
                            Some(field) => format!("dossiers[{index}].{field}"),
                            None => format!("dossiers[{index}]"),
                        }),
                        message: problem.message,
                        action: problem.action,
                    });
                }
                Err(error) => return Err(error),
            }
        }
        if report.rejected.is_empty() {
            if bulk {
                crate::dashboard::resume_stock_counts(&mut write.tx).await?;
            }
            write.commit().await?;
        } else {
            report.imported = 0;
            drop(write);
        }
        Ok(report)
    }
}
