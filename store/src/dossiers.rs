//! Dossiers: registration, reading, search, updates (JSON merge patch on
//! the current record, at a given version), status changes and procedural
//! events. Every write appends to the journal and refreshes the dossier's
//! deadlines in the same transaction.

use greffe_models::Circuit;
use greffe_models::dates::parse_date;
use greffe_models::deadlines::{EventType, Residence};
use greffe_models::record::check_record;
use greffe_models::registry::{DossierStatus, JournalKind, Nature, PartyRole, RegistryKind};
use greffe_models::{Date, PourvoiNumber};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use utoipa::{IntoParams, ToSchema};

use super::journal::{self, JournalEntry, NewEntry};
use super::{Store, deadlines, rows};
use crate::error::{Error, ErrorCode, Result};

pub use greffe_models::record::{AttackedDecision, AttackedNature, DossierInput, Ground, Party, RecusalInput};

/// The decision recorded on a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DecisionRecord {
    /// Date of the decision.
    #[schema(format = Date)]
    pub decided_on: String,
    /// Solution code.
    pub solution: String,
    /// Formation code (`fs`, `f`, `frh`…).
    pub formation: String,
    /// Publication level (`B`, `R`, `L`, `C`, `N`).
    pub publication: String,
    /// ECLI.
    pub ecli: Option<String>,
    /// Decision number.
    pub number: Option<String>,
}

/// A dossier as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Dossier {
    /// Internal id (URLs).
    pub id: i64,
    /// The record.
    #[serde(flatten)]
    pub record: DossierInput,
    /// Status code.
    #[schema(value_type = String, example = "registered")]
    pub status: DossierStatus,
    /// French label of the status.
    pub status_label: String,
    /// The decision, once recorded.
    pub decision: Option<DecisionRecord>,
    /// The chamber president's planner overrides (`formations`, `weight`);
    /// absent: from the circuit (`PUT /dossiers/{id}/planning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub planning: Option<serde_json::Value>,
    /// Version (the ETag).
    pub version: i64,
    /// Created (UTC).
    pub created_at: String,
    /// Last changed (UTC).
    pub updated_at: String,
}

/// A line of a search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DossierSummary {
    /// Internal id.
    pub id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Chamber.
    pub chamber: String,
    /// Status code.
    pub status: String,
    /// Circuit.
    pub circuit: Option<String>,
    /// Matter.
    pub matter: Option<String>,
    /// Registration date.
    #[schema(format = Date)]
    pub registered_on: String,
    /// Urgent.
    pub urgent: bool,
}

/// The columns of a [`DossierSummary`].
const SUMMARY: &str = "d.id, d.pourvoi, d.chamber, d.status, d.circuit, d.matter, d.registered_on, d.urgent";

fn summary_of(row: &AnyRow) -> Result<DossierSummary> {
    Ok(DossierSummary {
        id: rows::int(row, "id")?,
        pourvoi: rows::text(row, "pourvoi")?,
        chamber: rows::text(row, "chamber")?,
        status: rows::text(row, "status")?,
        circuit: rows::opt_text(row, "circuit")?,
        matter: rows::opt_text(row, "matter")?,
        registered_on: rows::text(row, "registered_on")?,
        urgent: rows::int(row, "urgent")? != 0,
    })
}

/// Search criteria; all optional, combined with AND.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DossierQuery {
    /// Exact pourvoi number (`Y 15-26.094`, spaces optional).
    pub pourvoi: Option<String>,
    /// Party name (contains, case-insensitive).
    pub party: Option<String>,
    /// A party's lawyer (contains, case-insensitive).
    pub lawyer: Option<String>,
    /// The attacked decision's court (contains; case, spaces and
    /// punctuation ignored: `appel de lyon` finds « Cour d'appel de Lyon »).
    pub attacked_court: Option<String>,
    /// The attacked decision's date (YYYY-MM-DD).
    #[param(format = Date)]
    pub attacked_date: Option<String>,
    /// Chamber code.
    pub chamber: Option<String>,
    /// Status code.
    pub status: Option<String>,
    /// Circuit.
    pub circuit: Option<String>,
    /// Rapporteur (magistrate id).
    pub rapporteur: Option<String>,
    /// Avocat général (magistrate id).
    pub avocat_general: Option<String>,
    /// Matter code.
    pub matter: Option<String>,
    /// Only dossiers with an id greater than this (paging).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// At most this many (default 50, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// A page of search results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DossierPage {
    /// The dossiers, by id.
    pub items: Vec<DossierSummary>,
    /// Give this as `after` for the next page; none on the last one.
    pub next_after: Option<i64>,
}

/// A procedural event to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// Event code (`declaration_pourvoi`, `depot_memoire_ampliatif`,
    /// `demande_aide_juridictionnelle`, `notification`, `jonction`…).
    #[serde(rename = "type")]
    pub kind: String,
    /// Date of the event (YYYY-MM-DD), in years 1900 to 2190: the deadlines
    /// it opens must end within the calendar (to 2200).
    #[schema(format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|21[0-8][0-9]|2190)-[0-9]{2}-[0-9]{2}$")]
    pub date: String,
    /// The party concerned (`demandeur`, `defendeur`), for legal aid and mémoires.
    #[serde(default)]
    pub party: Option<String>,
    /// The rule concerned (shortening order).
    #[serde(default)]
    pub rule: Option<String>,
    /// New due date (shortening order, CPC 1009).
    #[serde(default)]
    #[schema(format = Date)]
    pub new_due: Option<String>,
    /// Joined group (`jonction`).
    #[serde(default)]
    pub group: Option<String>,
    /// The journal entry this event corrects (its `seq`).
    #[serde(default)]
    pub corrects: Option<i64>,
    /// With `corrects`: the corrected entry is cancelled, not replaced.
    #[serde(default)]
    pub cancel: bool,
    /// Free note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A status change.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// New status code.
    pub status: String,
    /// Why, in French (journaled).
    #[serde(default)]
    pub reason: Option<String>,
}

pub use greffe_models::record::default_procedure;

/// A name as searched (parties, lawyers): lower-cased here, by the service,
/// so that both backends compare the same text (SQLite's `LOWER` folds
/// ASCII only).
pub fn search_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Fills the lawyer search keys of rows written before they existed (schema
/// 4). Nothing to do on a store created since.
pub(crate) async fn fill_lawyer_keys(store: &Store) -> Result<()> {
    let rows = sqlx::query(
        "SELECT dossier_id, position, lawyer FROM dossier_parties WHERE lawyer IS NOT NULL AND lawyer_key IS NULL",
    )
    .fetch_all(store.pool())
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut write = store.write().await?;
    for row in &rows {
        sqlx::query("UPDATE dossier_parties SET lawyer_key = $1 WHERE dossier_id = $2 AND position = $3")
            .bind(search_key(&rows::text(row, "lawyer")?))
            .bind(rows::int(row, "dossier_id")?)
            .bind(rows::int(row, "position")?)
            .execute(&mut *write.tx)
            .await?;
    }
    write.commit().await
}

/// Key matching the attacked decision (CNP look-ups): court, date and docket
/// lower-cased without spaces or punctuation.
pub fn attacked_key(court: &str, date: &str, docket: &str) -> String {
    let squeeze = |text: &str| -> String {
        text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>()
    };
    format!("{}|{}|{}", squeeze(court), date.trim(), squeeze(docket))
}

/// Canonical pourvoi number, or a refusal naming `field`; accepts what
/// people type (`y1526094`, `Y 15-26.094`: `PourvoiNumber::parse_lenient`).
pub fn canonical_pourvoi(field: &str, raw: &str) -> Result<String> {
    PourvoiNumber::parse_lenient(raw)
        .map(|number| number.to_string())
        .map_err(|error| Error::invalid(field, error.to_string(), "format attendu : Y 15-26.094"))
}

fn date_field(field: &str, raw: &str) -> Result<Date> {
    parse_date(raw).map_err(|error| Error::invalid(field, error.to_string(), error.fix()))
}

/// Checks a record against the reference data; returns it normalised
/// (canonical pourvoi number, default procedure).
pub(crate) async fn checked(
    connection: &mut AnyConnection,
    mut input: DossierInput,
    today: Date,
) -> Result<DossierInput> {
    // What the record says of itself (models::record); the first problem is
    // answered, the rest once it is fixed.
    if let Some(problem) = check_record(&mut input).into_iter().next() {
        return Err(Error::invalid(problem.field, problem.message, problem.action));
    }
    // A pourvoi is registered on or before the day it is recorded: a year
    // typed wrong would date its deadlines in the future.
    let registered = date_field("registered_on", &input.registered_on)?;
    if registered > today {
        return Err(Error::invalid(
            "registered_on",
            format!("enregistrement daté du {registered}, postérieur à aujourd'hui ({today})"),
            "donner la date d'enregistrement du pourvoi, au plus tard aujourd'hui",
        ));
    }
    let row = sqlx::query("SELECT nature, sections FROM chambers WHERE code = $1")
        .bind(&input.chamber)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(row) = row else {
        return Err(Error::bad_reference(
            "chamber",
            format!("chambre « {} » inconnue", input.chamber),
            "choisir une chambre existante (GET /chambers)",
        ));
    };
    let chamber_nature = rows::parsed(&row, "nature", Nature::parse)?;
    if chamber_nature != input.nature {
        return Err(Error::bad_reference(
            "chamber",
            format!(
                "la chambre {} est {} : elle ne reçoit pas de dossier {}",
                input.chamber,
                chamber_nature.label_fr(),
                input.nature.label_fr()
            ),
            "orienter le dossier vers une chambre de sa nature",
        ));
    }
    if let Some(section) = &input.section {
        let sections: Vec<super::reference::Section> = rows::json(&row, "sections")?;
        if !sections.iter().any(|s| &s.code == section) {
            return Err(Error::bad_reference(
                "section",
                format!("section « {section} » inconnue dans la chambre {}", input.chamber),
                "choisir une section de la chambre",
            ));
        }
    }
    let mut named: Vec<(String, &String)> =
        input.rapporteurs.iter().enumerate().map(|(i, m)| (format!("rapporteurs[{i}]"), m)).collect();
    if let Some(ag) = &input.avocat_general {
        named.push(("avocat_general".to_owned(), ag));
    }
    named.extend(input.recusals.iter().enumerate().map(|(i, r)| (format!("recusals[{i}].magistrate"), &r.magistrate)));
    for (field, id) in named {
        let found =
            sqlx::query("SELECT role FROM magistrates WHERE id = $1").bind(id).fetch_optional(&mut *connection).await?;
        let Some(found) = found else {
            return Err(Error::bad_reference(
                field,
                format!("magistrat « {id} » inconnu"),
                "choisir un magistrat existant (GET /magistrates)",
            ));
        };
        let role = rows::text(&found, "role")?;
        let is_ag = role == "avocat_general";
        if field == "avocat_general" && !is_ag {
            return Err(Error::bad_reference(
                field,
                format!("« {id} » n'est pas avocat général"),
                "choisir un avocat général",
            ));
        }
        if field.starts_with("rapporteurs") && is_ag {
            return Err(Error::bad_reference(
                field,
                format!("« {id} » est avocat général : il ne peut être rapporteur"),
                "choisir un conseiller ou un conseiller référendaire",
            ));
        }
    }
    Ok(input)
}

const COLUMNS: &str =
    "id, pourvoi, nature, procedure, chamber, section, matter, circuit, status, registered_on, urgent,
    attacked_court, attacked_date, attacked_docket, residence_demandeur, residence_defendeur, avocat_general,
    joined_group, attacked_nature, earlier_pourvoi, qpc, planning, version, created_at, updated_at";

/// The parties of dossier `id`, in the record's order.
pub(crate) async fn parties_of(connection: &mut AnyConnection, id: i64) -> Result<Vec<Party>> {
    sqlx::query(
        "SELECT name, role, lawyer, lawyer_email, address FROM dossier_parties WHERE dossier_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|p| {
        Ok(Party {
            name: rows::text(p, "name")?,
            role: rows::parsed(p, "role", PartyRole::parse)?,
            lawyer: rows::opt_text(p, "lawyer")?,
            lawyer_email: rows::opt_text(p, "lawyer_email")?,
            address: rows::opt_text(p, "address")?,
        })
    })
    .collect()
}

async fn load(connection: &mut AnyConnection, row: &AnyRow) -> Result<Dossier> {
    let id = rows::int(row, "id")?;
    let parties = parties_of(connection, id).await?;
    let rapporteurs =
        sqlx::query("SELECT magistrate FROM dossier_rapporteurs WHERE dossier_id = $1 ORDER BY magistrate")
            .bind(id)
            .fetch_all(&mut *connection)
            .await?
            .iter()
            .map(|r| rows::text(r, "magistrate"))
            .collect::<Result<Vec<_>>>()?;
    let recusals =
        sqlx::query("SELECT magistrate, ground FROM dossier_recusals WHERE dossier_id = $1 ORDER BY magistrate")
            .bind(id)
            .fetch_all(&mut *connection)
            .await?
            .iter()
            .map(|r| Ok(RecusalInput { magistrate: rows::text(r, "magistrate")?, ground: rows::text(r, "ground")? }))
            .collect::<Result<Vec<_>>>()?;
    let grounds = sqlx::query(
        "SELECT title, branches, articles, text FROM dossier_grounds WHERE dossier_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|g| {
        Ok(Ground {
            title: rows::text(g, "title")?,
            branches: rows::json(g, "branches")?,
            articles: rows::json(g, "articles")?,
            text: rows::text(g, "text")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let list = async |connection: &mut AnyConnection, table: &str, column: &str| -> Result<Vec<String>> {
        sqlx::query(&format!("SELECT {column} FROM {table} WHERE dossier_id = $1 ORDER BY position"))
            .bind(id)
            .fetch_all(&mut *connection)
            .await?
            .iter()
            .map(|r| rows::text(r, column))
            .collect()
    };
    let keywords = list(&mut *connection, "dossier_keywords", "keyword").await?;
    let previous_pourvois = list(&mut *connection, "dossier_previous_pourvois", "pourvoi").await?;
    let decision = sqlx::query(
        "SELECT decided_on, solution, formation, publication, ecli, number FROM decisions WHERE dossier_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *connection)
    .await?
    .map(|d| {
        Ok::<_, Error>(DecisionRecord {
            decided_on: rows::text(&d, "decided_on")?,
            solution: rows::text(&d, "solution")?,
            formation: rows::text(&d, "formation")?,
            publication: rows::text(&d, "publication")?,
            ecli: rows::opt_text(&d, "ecli")?,
            number: rows::opt_text(&d, "number")?,
        })
    })
    .transpose()?;
    let status = rows::parsed(row, "status", DossierStatus::parse)?;
    Ok(Dossier {
        id,
        record: DossierInput {
            pourvoi: rows::text(row, "pourvoi")?,
            nature: rows::parsed(row, "nature", Nature::parse)?,
            procedure: Some(rows::parsed(row, "procedure", rows::parse_code)?),
            chamber: rows::text(row, "chamber")?,
            section: rows::opt_text(row, "section")?,
            matter: rows::opt_text(row, "matter")?,
            circuit: rows::opt_parsed(row, "circuit", Circuit::parse)?,
            registered_on: rows::text(row, "registered_on")?,
            urgent: rows::int(row, "urgent")? != 0,
            attacked: AttackedDecision {
                court: rows::text(row, "attacked_court")?,
                date: rows::text(row, "attacked_date")?,
                docket: rows::text(row, "attacked_docket")?,
            },
            parties,
            residence_demandeur: rows::parsed(row, "residence_demandeur", Residence::parse)?,
            residence_defendeur: rows::parsed(row, "residence_defendeur", Residence::parse)?,
            rapporteurs,
            avocat_general: rows::opt_text(row, "avocat_general")?,
            recusals,
            joined_group: rows::opt_text(row, "joined_group")?,
            grounds,
            keywords,
            attacked_nature: rows::parsed(row, "attacked_nature", AttackedNature::parse)?,
            earlier_pourvoi: rows::opt_text(row, "earlier_pourvoi")?,
            qpc: rows::int(row, "qpc")? != 0,
            previous_pourvois,
        },
        status,
        status_label: status.label_fr().to_owned(),
        decision,
        planning: rows::opt_text(row, "planning")?
            .map(|raw| {
                serde_json::from_str(&raw).map_err(|_| Error::internal(format!("stored planning of dossier: {raw}")))
            })
            .transpose()?,
        version: rows::int(row, "version")?,
        created_at: rows::text(row, "created_at")?,
        updated_at: rows::text(row, "updated_at")?,
    })
}

/// A dossier read within a transaction (or on a pooled connection).
pub async fn get_in(connection: &mut AnyConnection, id: i64) -> Result<Dossier> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM dossiers WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(format!("dossier n° {id}")))?;
    load(connection, &row).await
}

/// Writes the child rows (parties, rapporteurs, recusals) of a record.
async fn write_children(connection: &mut AnyConnection, id: i64, input: &DossierInput) -> Result<()> {
    for table in [
        "dossier_parties",
        "dossier_rapporteurs",
        "dossier_recusals",
        "dossier_grounds",
        "dossier_keywords",
        "dossier_previous_pourvois",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE dossier_id = $1")).bind(id).execute(&mut *connection).await?;
    }
    for (position, party) in input.parties.iter().enumerate() {
        sqlx::query(
            "INSERT INTO dossier_parties (dossier_id, position, name, name_key, role, lawyer, lawyer_key, lawyer_email,
                                          address)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(i64::try_from(position).map_err(Error::internal)?)
        .bind(&party.name)
        .bind(search_key(&party.name))
        .bind(party.role.as_str())
        .bind(&party.lawyer)
        .bind(party.lawyer.as_deref().map(search_key))
        .bind(&party.lawyer_email)
        .bind(&party.address)
        .execute(&mut *connection)
        .await?;
    }
    let mut rapporteurs = input.rapporteurs.clone();
    rapporteurs.sort();
    rapporteurs.dedup();
    for magistrate in &rapporteurs {
        sqlx::query("INSERT INTO dossier_rapporteurs (dossier_id, magistrate) VALUES ($1, $2)")
            .bind(id)
            .bind(magistrate)
            .execute(&mut *connection)
            .await?;
    }
    for (index, recusal) in input.recusals.iter().enumerate() {
        if input.recusals[..index].iter().any(|r| r.magistrate == recusal.magistrate) {
            return Err(Error::invalid(
                format!("recusals[{index}].magistrate"),
                format!("récusation de « {} » en double", recusal.magistrate),
                "ne donner chaque magistrat qu'une fois",
            ));
        }
        sqlx::query("INSERT INTO dossier_recusals (dossier_id, magistrate, ground) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(&recusal.magistrate)
            .bind(&recusal.ground)
            .execute(&mut *connection)
            .await?;
    }
    for (position, ground) in input.grounds.iter().enumerate() {
        sqlx::query(
            "INSERT INTO dossier_grounds (dossier_id, position, title, branches, articles, text)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i64::try_from(position).map_err(Error::internal)?)
        .bind(&ground.title)
        .bind(serde_json::to_string(&ground.branches).map_err(Error::internal)?)
        .bind(serde_json::to_string(&ground.articles).map_err(Error::internal)?)
        .bind(&ground.text)
        .execute(&mut *connection)
        .await?;
    }
    for (table, column, values) in [
        ("dossier_keywords", "keyword", &input.keywords),
        ("dossier_previous_pourvois", "pourvoi", &input.previous_pourvois),
    ] {
        for (position, value) in values.iter().enumerate() {
            sqlx::query(&format!("INSERT INTO {table} (dossier_id, position, {column}) VALUES ($1, $2, $3)"))
                .bind(id)
                .bind(i64::try_from(position).map_err(Error::internal)?)
                .bind(value)
                .execute(&mut *connection)
                .await?;
        }
    }
    Ok(())
}

/// Registers a dossier within the caller's transaction; returns its id.
pub async fn insert(
    connection: &mut AnyConnection,
    actor: &str,
    input: DossierInput,
    kind: RegistryKind,
    today: Date,
) -> Result<i64> {
    let input = checked(connection, input, today).await?;
    let existing = sqlx::query("SELECT id FROM dossiers WHERE pourvoi = $1")
        .bind(&input.pourvoi)
        .fetch_optional(&mut *connection)
        .await?;
    if let Some(existing) = existing {
        return Err(Error::conflict(
            ErrorCode::AlreadyExists,
            format!("le pourvoi {} est déjà enregistré (dossier n° {})", input.pourvoi, rows::int(&existing, "id")?),
            "consulter le dossier existant au lieu d'en créer un second",
        )
        .field("pourvoi"));
    }
    let now = super::now();
    let procedure = rows::code_of(&input.procedure.unwrap_or(default_procedure(input.nature)))?;
    let row = sqlx::query(
        "INSERT INTO dossiers (pourvoi, nature, procedure, chamber, section, matter, circuit, status, registered_on, urgent,
            attacked_court, attacked_date, attacked_docket, attacked_key, residence_demandeur, residence_defendeur,
            avocat_general, joined_group, attacked_nature, earlier_pourvoi, qpc, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 1, $22,
                 $22)
         RETURNING id",
    )
    .bind(&input.pourvoi)
    .bind(input.nature.as_str())
    .bind(&procedure)
    .bind(&input.chamber)
    .bind(&input.section)
    .bind(&input.matter)
    .bind(input.circuit.map(Circuit::as_str))
    .bind(DossierStatus::Registered.as_str())
    .bind(&input.registered_on)
    .bind(i64::from(input.urgent))
    .bind(&input.attacked.court)
    .bind(&input.attacked.date)
    .bind(&input.attacked.docket)
    .bind(attacked_key(&input.attacked.court, &input.attacked.date, &input.attacked.docket))
    .bind(input.residence_demandeur.as_str())
    .bind(input.residence_defendeur.as_str())
    .bind(&input.avocat_general)
    .bind(&input.joined_group)
    .bind(input.attacked_nature.as_str())
    .bind(&input.earlier_pourvoi)
    .bind(i64::from(input.qpc))
    .bind(&now)
    .fetch_one(&mut *connection)
    .await?;
    let id = rows::int(&row, "id")?;
    check_joined_group(&mut *connection, id, &input, "joined_group").await?;
    write_children(connection, id, &input).await?;
    let registered_on = parse_date(&input.registered_on).ok();
    journal::append(
        connection,
        NewEntry {
            actor: actor.to_owned(),
            dossier_id: Some(id),
            kind: JournalKind::Registry(kind),
            event_date: registered_on,
            payload: serde_json::to_value(&input).map_err(Error::internal)?,
            corrects: None,
        },
    )
    .await?;
    Ok(id)
}

/// Bumps a dossier's version if it is `expected`; 404 or 412 otherwise.
pub async fn bump_version(connection: &mut AnyConnection, id: i64, expected: i64) -> Result<()> {
    let result =
        sqlx::query("UPDATE dossiers SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
            .bind(super::now())
            .bind(id)
            .bind(expected)
            .execute(&mut *connection)
            .await?;
    if result.rows_affected() == 1 {
        return Ok(());
    }
    let row =
        sqlx::query("SELECT version FROM dossiers WHERE id = $1").bind(id).fetch_optional(&mut *connection).await?;
    match row {
        Some(row) => Err(Error::version_mismatch(rows::int(&row, "version")?)),
        None => Err(Error::not_found(format!("dossier n° {id}"))),
    }
}

/// Sets a dossier's status (the version is bumped by the caller).
pub async fn set_status(
    connection: &mut AnyConnection,
    id: i64,
    status: DossierStatus,
    decided_on: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE dossiers SET status = $1, decided_on = COALESCE($2, decided_on) WHERE id = $3")
        .bind(status.as_str())
        .bind(decided_on)
        .bind(id)
        .execute(connection)
        .await?;
    Ok(())
}

/// RFC 7396 JSON merge patch.
pub fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(target), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(target.entry(key.clone()).or_insert(serde_json::Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Refuses dossier `id`'s joined group (`record`: the record as written)
/// when another of its members is of another chamber or section: joined
/// dossiers are heard together, by one formation (the planning instance
/// refuses such a group too: `joined_group_spans_chambers`,
/// `joined_group_spans_sections`). Called within the write's transaction,
/// which the refusal rolls back; `field` is the input that set the group
/// or the route. Nothing is read for a dossier in no group.
pub(crate) async fn check_joined_group(
    connection: &mut AnyConnection,
    id: i64,
    record: &DossierInput,
    field: &str,
) -> Result<()> {
    let Some(group) = &record.joined_group else { return Ok(()) };
    let (chamber, section) = (&record.chamber, &record.section);
    let others =
        sqlx::query("SELECT pourvoi, chamber, section FROM dossiers WHERE joined_group = $1 AND id <> $2 ORDER BY id")
            .bind(group)
            .bind(id)
            .fetch_all(&mut *connection)
            .await?;
    for other in &others {
        let pourvoi = rows::text(other, "pourvoi")?;
        let other_chamber = rows::text(other, "chamber")?;
        if other_chamber != *chamber {
            let theirs = route_name(connection, &other_chamber, None).await?;
            let mine = route_name(connection, chamber, None).await?;
            return Err(Error::invalid(
                field,
                format!(
                    "le groupe de jonction « {group} » compte le pourvoi {pourvoi}, {theirs} : un dossier {mine} ne \
                     peut lui être joint"
                ),
                "des dossiers joints relèvent d'une même chambre : corriger la chambre ou choisir un autre groupe",
            ));
        }
        if let (Some(mine), Some(theirs)) = (section, rows::opt_text(other, "section")?)
            && *mine != theirs
        {
            let theirs = route_name(connection, chamber, Some(&theirs)).await?;
            let mine = route_name(connection, chamber, Some(mine)).await?;
            return Err(Error::invalid(
                field,
                format!(
                    "le groupe de jonction « {group} » compte le pourvoi {pourvoi}, {theirs} : un dossier {mine} ne \
                     peut lui être joint"
                ),
                "des dossiers joints sont entendus ensemble par une formation : leur donner la même section ou \
                 choisir un autre groupe",
            ));
        }
    }
    Ok(())
}

/// How a message names a chamber, or one of its sections, as a complement
/// (« de la première chambre civile », « de la section 2 (première chambre
/// civile) », « de l'assemblée plénière »): by name, its first letter
/// lowered, by code when unknown.
async fn route_name(connection: &mut AnyConnection, chamber: &str, section: Option<&str>) -> Result<String> {
    let row = sqlx::query("SELECT name, sections FROM chambers WHERE code = $1")
        .bind(chamber)
        .fetch_optional(&mut *connection)
        .await?;
    let lowered = |name: &str| {
        let mut letters = name.chars();
        match (letters.next(), letters.next()) {
            // A name, not an acronym: « Chambre sociale », not « CJUE ».
            (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
                first.to_lowercase().chain(name.chars().skip(1)).collect()
            }
            _ => name.to_owned(),
        }
    };
    let (chamber_name, sections) = match &row {
        Some(row) => {
            (lowered(&rows::text(row, "name")?), rows::json::<Vec<crate::reference::Section>>(row, "sections")?)
        }
        None => (format!("chambre {chamber}"), Vec::new()),
    };
    let name = match section {
        None => chamber_name,
        Some(code) => {
            let name = sections
                .iter()
                .find(|s| s.code == code)
                .map_or_else(|| format!("section {code}"), |s| lowered(&s.name));
            format!("{name} ({chamber_name})")
        }
    };
    let elided =
        name.chars().next().is_some_and(|c| "aeiouyàâéèêëîïôûü".contains(c.to_lowercase().next().unwrap_or(c)));
    Ok(if elided { format!("de l'{name}") } else { format!("de la {name}") })
}

/// Checks and appends a procedural event to `current`'s journal, with its
/// effects on the record (jonction, désistement), within the caller's
/// transaction. The caller bumps the version and refreshes the deadlines.
pub async fn event_in(
    connection: &mut AnyConnection,
    actor: &str,
    current: &Dossier,
    event: EventInput,
) -> Result<JournalEntry> {
    let id = current.id;
    let kind = match JournalKind::parse(&event.kind) {
        Some(
            kind @ (JournalKind::Procedural(_)
            | JournalKind::Registry(RegistryKind::Notification | RegistryKind::Jonction)),
        ) => kind,
        _ => {
            let mut codes: Vec<&str> =
                EventType::ALL.iter().filter(|e| e.recorded_by_hand()).map(|e| e.as_str()).collect();
            codes.extend(["notification", "jonction"]);
            return Err(Error::invalid(
                "type",
                format!("type d'événement « {} » inconnu ou réservé", event.kind),
                format!("types admis : {} (l'arrêt s'enregistre par POST /dossiers/{{id}}/decision)", codes.join(", ")),
            ));
        }
    };
    if kind == JournalKind::Procedural(EventType::DesignationRapporteur) {
        return Err(Error::invalid(
            "type",
            "la désignation du rapporteur s'enregistre par la distribution, avec le rapporteur désigné",
            "utiliser la distribution de la chambre (POST /chambers/{code}/distribution)",
        ));
    }
    if kind == JournalKind::Procedural(EventType::Arret) {
        return Err(Error::invalid(
            "type",
            "l'arrêt s'enregistre avec la décision",
            "utiliser POST /dossiers/{id}/decision",
        ));
    }
    // An act's date: the deadlines it opens must end in the calendar.
    let date = greffe_models::dates::parse_act_date(&event.date)
        .map_err(|error| Error::invalid("date", error.to_string(), error.fix()))?;
    let party = match event.party.as_deref() {
        None => None,
        Some(p) if PartyRole::SIDES.iter().any(|side| side.as_str() == p) => Some(p.to_owned()),
        Some(other) => {
            return Err(Error::invalid("party", format!("partie « {other} » inconnue"), "demandeur ou defendeur"));
        }
    };
    let new_due = event.new_due.as_deref().map(|d| date_field("new_due", d)).transpose()?;
    if kind == JournalKind::Procedural(EventType::OrdonnanceAbreviation) && (event.rule.is_none() || new_due.is_none())
    {
        return Err(Error::invalid(
            if event.rule.is_none() { "rule" } else { "new_due" },
            "une ordonnance d'abréviation indique le délai abrégé et sa nouvelle échéance",
            "donner « rule » (identifiant du délai) et « new_due » (AAAA-MM-JJ)",
        ));
    }
    if let Some(rule) = &event.rule
        && greffe_models::deadlines::Catalogue::embedded().rule(rule).is_none()
    {
        return Err(Error::invalid("rule", format!("délai « {rule} » inconnu"), "voir `greffe deadline rules`"));
    }
    if kind == JournalKind::Registry(RegistryKind::Jonction)
        && event.group.as_deref().is_none_or(|g| g.trim().is_empty())
    {
        return Err(Error::invalid(
            "group",
            "une jonction nomme son groupe",
            "donner « group » (identifiant du groupe de dossiers joints)",
        ));
    }
    if event.cancel && event.corrects.is_none() {
        return Err(Error::invalid(
            "cancel",
            "« cancel » sans « corrects »",
            "donner le n° de l'entrée annulée dans « corrects »",
        ));
    }
    if let Some(corrected) = event.corrects {
        let row = sqlx::query("SELECT dossier_id, kind FROM journal WHERE seq = $1")
            .bind(corrected)
            .fetch_optional(&mut *connection)
            .await?;
        let same_dossier = match &row {
            Some(row) => rows::opt_int(row, "dossier_id")? == Some(id),
            None => false,
        };
        if !same_dossier {
            return Err(Error::bad_reference(
                "corrects",
                format!("l'entrée n° {corrected} n'est pas une entrée du journal de ce dossier"),
                "donner le « seq » d'un événement de ce dossier",
            ));
        }
    }
    let mut payload = serde_json::Map::new();
    if let Some(party) = party {
        payload.insert("party".into(), party.into());
    }
    if let Some(rule) = &event.rule {
        payload.insert("rule".into(), rule.clone().into());
    }
    if let Some(new_due) = new_due {
        payload.insert("new_due".into(), new_due.to_string().into());
    }
    if let Some(group) = &event.group {
        payload.insert("group".into(), group.clone().into());
    }
    if event.cancel {
        payload.insert("cancel".into(), true.into());
    }
    if let Some(note) = &event.note {
        payload.insert("note".into(), note.clone().into());
    }
    let entry = journal::append(
        &mut *connection,
        NewEntry {
            actor: actor.to_owned(),
            dossier_id: Some(id),
            kind,
            event_date: Some(date),
            payload: serde_json::Value::Object(payload),
            corrects: event.corrects,
        },
    )
    .await?;
    if kind == JournalKind::Registry(RegistryKind::Jonction) {
        sqlx::query("UPDATE dossiers SET joined_group = $1 WHERE id = $2")
            .bind(&event.group)
            .bind(id)
            .execute(&mut *connection)
            .await?;
        let joined = DossierInput { joined_group: event.group.clone(), ..current.record.clone() };
        check_joined_group(&mut *connection, id, &joined, "group").await?;
    }
    if kind == JournalKind::Procedural(EventType::Desistement) && current.status.may_become(DossierStatus::Withdrawn) {
        set_status(&mut *connection, id, DossierStatus::Withdrawn, None).await?;
    }
    Ok(entry)
}

impl Store {
    /// The one path of every change to a registered dossier: in one write
    /// transaction, read the dossier and refuse a stale `expected` version
    /// (nothing written), apply `change` (which journals what it does), bump
    /// the version, recompute the deadlines from the journal, read the
    /// dossier back, commit. A refusal anywhere rolls everything back.
    pub(crate) async fn write_dossier<T>(
        &self,
        id: i64,
        expected: i64,
        change: impl AsyncFnOnce(&mut AnyConnection, &Dossier) -> Result<T>,
    ) -> Result<(Dossier, T)> {
        let mut write = self.write().await?;
        let current = get_in(&mut write.tx, id).await?;
        if current.version != expected {
            return Err(Error::version_mismatch(current.version));
        }
        let done = change(&mut write.tx, &current).await?;
        bump_version(&mut write.tx, id, expected).await?;
        deadlines::refresh(&mut write.tx, id).await?;
        let dossier = get_in(&mut write.tx, id).await?;
        write.commit().await?;
        Ok((dossier, done))
    }

    /// Registers a dossier.
    pub async fn create_dossier(&self, actor: &str, input: DossierInput) -> Result<Dossier> {
        self.register_pourvoi(actor, input, Vec::new()).await
    }

    /// Registers a dossier and the procedural events known at registration
    /// (the declaration of pourvoi, the service of the attacked decision),
    /// in one write: the deadlines they start are computed at once, and a
    /// refused event leaves no dossier behind.
    pub async fn register_pourvoi(&self, actor: &str, input: DossierInput, events: Vec<EventInput>) -> Result<Dossier> {
        let mut write = self.write().await?;
        let id = insert(&mut write.tx, actor, input, RegistryKind::DossierRegistered, self.today()).await?;
        for event in events {
            let current = get_in(&mut write.tx, id).await?;
            event_in(&mut write.tx, actor, &current, event).await?;
        }
        deadlines::refresh(&mut write.tx, id).await?;
        let dossier = get_in(&mut write.tx, id).await?;
        write.commit().await?;
        Ok(dossier)
    }

    /// The registered dossiers of pourvoi numbers `pourvois` (canonical
    /// numbers): `(pourvoi, id)`, for those the registry holds.
    pub async fn dossier_ids(&self, pourvois: &[String]) -> Result<Vec<(String, i64)>> {
        let mut connection = self.pool().acquire().await?;
        let mut found = Vec::new();
        for pourvoi in pourvois {
            let row = sqlx::query("SELECT id FROM dossiers WHERE pourvoi = $1")
                .bind(pourvoi)
                .fetch_optional(&mut *connection)
                .await?;
            if let Some(row) = row {
                found.push((pourvoi.clone(), rows::int(&row, "id")?));
            }
        }
        Ok(found)
    }

    /// One dossier.
    pub async fn dossier(&self, id: i64) -> Result<Dossier> {
        let mut connection = self.pool().acquire().await?;
        get_in(&mut connection, id).await
    }

    /// Applies a JSON merge patch to the dossier's record at version
    /// `expected`. The pourvoi number and nature cannot change.
    pub async fn update_dossier(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        patch: serde_json::Value,
    ) -> Result<Dossier> {
        if !patch.is_object() {
            return Err(Error::invalid(
                "body",
                "le corps doit être un objet JSON (JSON merge patch, RFC 7396)",
                "envoyer un objet JSON des seuls champs à modifier",
            ));
        }
        let today = self.today();
        let (dossier, ()) = self
            .write_dossier(id, expected, async |connection, current| {
        let mut merged = serde_json::to_value(&current.record).map_err(Error::internal)?;
        merge_patch(&mut merged, &patch);
        let text = merged.to_string();
        let input: DossierInput = greffe_models::format::from_json_text(&text).map_err(|error| {
            Error::invalid(error.path.clone(), error.message.clone(), "corriger ce champ du correctif")
        })?;
        // The nature first: a dossier of the other nature would fail the
        // record's own checks (its procedure) for a reason that is not the
        // one to give. The pourvoi number once normalised by the checks.
        let nature = [("nature", current.record.nature.as_str(), input.nature.as_str())];
        immutable(&nature)?;
        let input = checked(&mut *connection, input, today).await?;
        immutable(&[("pourvoi", current.record.pourvoi.as_str(), input.pourvoi.as_str())])?;
        let procedure = rows::code_of(&input.procedure.unwrap_or(default_procedure(input.nature)))?;
        sqlx::query(
            "UPDATE dossiers SET procedure = $1, chamber = $2, section = $3, matter = $4, circuit = $5, registered_on = $6,
                urgent = $7, attacked_court = $8, attacked_date = $9, attacked_docket = $10, attacked_key = $11,
                residence_demandeur = $12, residence_defendeur = $13, avocat_general = $14, joined_group = $15,
                attacked_nature = $16, earlier_pourvoi = $17, qpc = $18
             WHERE id = $19",
        )
        .bind(&procedure)
        .bind(&input.chamber)
        .bind(&input.section)
        .bind(&input.matter)
        .bind(input.circuit.map(Circuit::as_str))
        .bind(&input.registered_on)
        .bind(i64::from(input.urgent))
        .bind(&input.attacked.court)
        .bind(&input.attacked.date)
        .bind(&input.attacked.docket)
        .bind(attacked_key(&input.attacked.court, &input.attacked.date, &input.attacked.docket))
        .bind(input.residence_demandeur.as_str())
        .bind(input.residence_defendeur.as_str())
        .bind(&input.avocat_general)
        .bind(&input.joined_group)
        .bind(input.attacked_nature.as_str())
        .bind(&input.earlier_pourvoi)
        .bind(i64::from(input.qpc))
        .bind(id)
        .execute(&mut *connection)
        .await?;
        check_joined_group(&mut *connection, id, &input, "joined_group").await?;
        write_children(&mut *connection, id, &input).await?;
        journal::append(
            &mut *connection,
            NewEntry::registry(
                actor.to_owned(),
                Some(id),
                RegistryKind::DossierUpdated,
                serde_json::json!({"patch": patch, "version": expected + 1}),
            ),
        )
        .await?;
        Ok(())
            })
            .await?;
        Ok(dossier)
    }

    /// Sets the planner's overrides of a dossier (formations, weight), or
    /// clears them (`None`): the chamber president's word over the circuit's
    /// defaults. Journaled.
    pub async fn set_planning(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        overrides: Option<&greffe_models::planning::DossierPlanning>,
    ) -> Result<Dossier> {
        if let Some(overrides) = overrides {
            if overrides.formations.as_ref().is_some_and(|f| f.is_empty() || f.iter().any(|f| f.is_multi_chamber())) {
                return Err(Error::invalid(
                    "formations",
                    "formations admises vides ou de plusieurs chambres (CM, AP : modèle v2)",
                    "donner une ou plusieurs formations parmi FR, FS, FP",
                ));
            }
            if overrides.weight.is_some_and(|w| !(w.is_finite() && w > 0.0 && w <= 100.0)) {
                return Err(Error::invalid("weight", "poids hors limites", "donner un poids entre 0 et 100"));
            }
        }
        let (dossier, ()) = self
            .write_dossier(id, expected, async |connection, _| {
                let stored = overrides.map(serde_json::to_string).transpose().map_err(Error::internal)?;
                sqlx::query("UPDATE dossiers SET planning = $1 WHERE id = $2")
                    .bind(&stored)
                    .bind(id)
                    .execute(&mut *connection)
                    .await?;
                journal::append(
                    &mut *connection,
                    NewEntry::registry(
                        actor.to_owned(),
                        Some(id),
                        RegistryKind::DossierUpdated,
                        serde_json::json!({"planning": overrides, "version": expected + 1}),
                    ),
                )
                .await?;
                Ok(())
            })
            .await?;
        Ok(dossier)
    }

    /// Changes a dossier's status, if the transition is lawful.
    pub async fn change_status(&self, actor: &str, id: i64, expected: i64, change: StatusChange) -> Result<Dossier> {
        let Some(to) = DossierStatus::parse(&change.status) else {
            return Err(Error::invalid(
                "status",
                format!("statut « {} » inconnu", change.status),
                format!("valeurs admises : {}", DossierStatus::codes()),
            ));
        };
        let (dossier, ()) = self
            .write_dossier(id, expected, async |connection, current| {
                if to == DossierStatus::Decided {
                    return Err(Error::conflict(
                        ErrorCode::ForbiddenTransition,
                        "un dossier devient « jugé » par l'enregistrement de la décision",
                        "enregistrer la décision (POST /dossiers/{id}/decision)",
                    )
                    .field("status"));
                }
                if !current.status.may_become(to) {
                    let allowed: Vec<&str> = current.status.next().iter().map(|s| s.as_str()).collect();
                    return Err(Error::conflict(
                        ErrorCode::ForbiddenTransition,
                        format!("passage de « {} » à « {} » interdit", current.status.label_fr(), to.label_fr()),
                        if allowed.is_empty() {
                            "ce statut est définitif".to_owned()
                        } else {
                            format!("statuts possibles depuis « {} » : {}", current.status.as_str(), allowed.join(", "))
                        },
                    )
                    .field("status"));
                }
                set_status(&mut *connection, id, to, None).await?;
                journal::append(
            &mut *connection,
            NewEntry::registry(
                actor.to_owned(),
                Some(id),
                RegistryKind::StatusChanged,
                serde_json::json!({"from": current.status.as_str(), "to": to.as_str(), "reason": change.reason}),
            ),
        )
        .await?;
                Ok(())
            })
            .await?;
        Ok(dossier)
    }

    /// Records a procedural event on a dossier at version `expected`.
    pub async fn record_event(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        event: EventInput,
    ) -> Result<(Dossier, JournalEntry)> {
        self.write_dossier(id, expected, async |connection, current| event_in(connection, actor, current, event).await)
            .await
    }

    /// A dossier's journal.
    pub async fn dossier_journal(&self, id: i64) -> Result<Vec<JournalEntry>> {
        let mut connection = self.pool().acquire().await?;
        // 404 for an unknown dossier rather than an empty journal.
        let exists =
            sqlx::query("SELECT id FROM dossiers WHERE id = $1").bind(id).fetch_optional(&mut *connection).await?;
        if exists.is_none() {
            return Err(Error::not_found(format!("dossier n° {id}")));
        }
        journal::of_dossier(&mut *connection, id).await
    }

    /// Searches dossiers. `chambers`: the caller's scope (none: all).
    pub async fn search_dossiers(&self, query: &DossierQuery, chambers: Option<&[String]>) -> Result<DossierPage> {
        // Searched text holds no control character (crate::text), so that
        // both backends answer the same (PostgreSQL refuses NUL in text).
        for (field, value) in [
            ("pourvoi", &query.pourvoi),
            ("party", &query.party),
            ("lawyer", &query.lawyer),
            ("attacked_court", &query.attacked_court),
            ("attacked_date", &query.attacked_date),
            ("chamber", &query.chamber),
            ("status", &query.status),
            ("circuit", &query.circuit),
            ("rapporteur", &query.rapporteur),
            ("avocat_general", &query.avocat_general),
            ("matter", &query.matter),
        ] {
            if let Some(c) = value.as_deref().and_then(|text| greffe_models::text::refused_char(text, false)) {
                let (message, action) = greffe_models::text::refusal(c);
                return Err(Error::invalid(field, message, action));
            }
        }
        if query.after.is_some_and(|after| after < 0) {
            return Err(Error::invalid(
                "after",
                "curseur négatif",
                "donner le `next_after` d'une page précédente, ou rien",
            ));
        }
        let limit = query.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("limite {limit} hors bornes"),
                "donner une limite entre 1 et 500",
            ));
        }
        let pourvoi = query.pourvoi.as_deref().map(|p| canonical_pourvoi("pourvoi", p)).transpose()?;
        if let Some(status) = &query.status
            && DossierStatus::parse(status).is_none()
        {
            return Err(Error::invalid(
                "status",
                format!("statut « {status} » inconnu"),
                format!("valeurs admises : {}", DossierStatus::codes()),
            ));
        }
        if let Some(circuit) = &query.circuit
            && Circuit::parse(circuit).is_none()
        {
            return Err(Error::invalid(
                "circuit",
                format!("circuit « {circuit} » inconnu"),
                "court, intermediaire ou approfondi",
            ));
        }
        let mut sql = format!("SELECT {SUMMARY} FROM dossiers d WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let mut condition = |sql: &mut String, template: &str, value: String| {
            binds.push(value);
            sql.push_str(&template.replace("$?", &format!("${}", binds.len())));
        };
        if let Some(pourvoi) = pourvoi {
            condition(&mut sql, " AND d.pourvoi = $?", pourvoi);
        }
        if let Some(party) = &query.party {
            condition(
                &mut sql,
                // One pass over the parties, whatever the name: a rare name
                // would otherwise probe every dossier in turn (136 ms against
                // 28 ms at 100,000 dossiers, docs/benchmarks.md).
                " AND d.id IN (SELECT p.dossier_id FROM dossier_parties p WHERE p.name_key LIKE $?)",
                format!("%{}%", search_key(party).replace(['%', '_'], "")),
            );
        }
        if let Some(lawyer) = query.lawyer.as_deref().filter(|l| !l.trim().is_empty()) {
            condition(
                &mut sql,
                " AND d.id IN (SELECT p.dossier_id FROM dossier_parties p WHERE p.lawyer_key LIKE $?)",
                format!("%{}%", search_key(lawyer).replace(['%', '_'], "")),
            );
        }
        if let Some(court) = query.attacked_court.as_deref().filter(|c| !c.trim().is_empty()) {
            // attacked_key is `court|date|docket`, squeezed: two bars after
            // the text keep it within the court.
            let squeezed = attacked_key(court, "", "");
            let court_part = squeezed.split('|').next().unwrap_or_default();
            condition(&mut sql, " AND d.attacked_key LIKE $?", format!("%{court_part}%|%|%"));
        }
        if let Some(date) = query.attacked_date.as_deref().filter(|d| !d.trim().is_empty()) {
            let date = date_field("attacked_date", date)?;
            condition(&mut sql, " AND d.attacked_date = $?", date.to_string());
        }
        if let Some(chamber) = &query.chamber {
            condition(&mut sql, " AND d.chamber = $?", chamber.clone());
        }
        if let Some(status) = &query.status {
            condition(&mut sql, " AND d.status = $?", status.clone());
        }
        if let Some(circuit) = &query.circuit {
            condition(&mut sql, " AND d.circuit = $?", circuit.clone());
        }
        if let Some(matter) = &query.matter {
            condition(&mut sql, " AND d.matter = $?", matter.clone());
        }
        if let Some(rapporteur) = &query.rapporteur {
            condition(
                &mut sql,
                " AND EXISTS (SELECT 1 FROM dossier_rapporteurs r WHERE r.dossier_id = d.id AND r.magistrate = $?)",
                rapporteur.clone(),
            );
        }
        if let Some(ag) = &query.avocat_general {
            condition(&mut sql, " AND d.avocat_general = $?", ag.clone());
        }
        if let Some(scope) = chambers {
            if scope.is_empty() {
                return Ok(DossierPage { items: Vec::new(), next_after: None });
            }
            sql.push_str(" AND d.chamber IN (");
            for (index, chamber) in scope.iter().enumerate() {
                if index > 0 {
                    sql.push_str(", ");
                }
                condition(&mut sql, "$?", chamber.clone());
            }
            sql.push(')');
        }
        let after_index = binds.len() + 1;
        sql.push_str(&format!(" AND d.id > ${after_index} ORDER BY d.id LIMIT ${}", after_index + 1));
        let mut statement = sqlx::query(&sql);
        for value in &binds {
            statement = statement.bind(value);
        }
        let rows = statement.bind(query.after.unwrap_or(0)).bind(limit + 1).fetch_all(self.pool()).await?;
        let mut items = rows.iter().map(summary_of).collect::<Result<Vec<_>>>()?;
        let more = items.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_after = if more { items.last().map(|d| d.id) } else { None };
        Ok(DossierPage { items, next_after })
    }

    /// Dossiers that may be the one about to be registered: against the same
    /// attacked decision (court, date and docket, spelling aside), or
    /// between the same parties (every named party, at least two). At most
    /// ten, newest first, whatever the chamber: a duplicate elsewhere is
    /// still a duplicate (the caller shows only what the user may read).
    pub async fn possible_duplicates(&self, input: &DossierInput) -> Result<Vec<DossierSummary>> {
        let key = attacked_key(&input.attacked.court, &input.attacked.date, &input.attacked.docket);
        let mut names: Vec<String> =
            input.parties.iter().map(|p| search_key(&p.name)).filter(|n| !n.is_empty()).collect();
        names.sort();
        names.dedup();
        let mut sql = format!("SELECT {SUMMARY} FROM dossiers d WHERE d.attacked_key = $1");
        if names.len() >= 2 {
            let list: Vec<String> = (0..names.len()).map(|i| format!("${}", i + 2)).collect();
            sql.push_str(&format!(
                " OR d.id IN (SELECT p.dossier_id FROM dossier_parties p WHERE p.name_key IN ({}) \
                 GROUP BY p.dossier_id HAVING COUNT(DISTINCT p.name_key) = {})",
                list.join(", "),
                names.len()
            ));
        } else {
            names.clear();
        }
        sql.push_str(" ORDER BY d.id DESC LIMIT 10");
        let mut statement = sqlx::query(&sql).bind(key);
        for name in &names {
            statement = statement.bind(name);
        }
        statement.fetch_all(self.pool()).await?.iter().map(summary_of).collect()
    }

    /// The chamber of a dossier (for access checks), or 404.
    pub async fn dossier_chamber(&self, id: i64) -> Result<String> {
        let row = sqlx::query("SELECT chamber FROM dossiers WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("dossier n° {id}")))?;
        Ok(row.try_get::<String, _>("chamber")?)
    }
}

/// Refuses a change of a field whose stored value never changes: the
/// request is well formed, the stored record refuses it (409).
fn immutable(fields: &[(&str, &str, &str)]) -> Result<()> {
    match fields.iter().find(|(_, before, after)| before != after) {
        Some((field, before, _)) => Err(Error::conflict(
            ErrorCode::ImmutableField,
            format!("« {field} » ne se modifie pas ({before})"),
            "enregistrer un nouveau dossier si le pourvoi est différent",
        )
        .field(*field)),
        None => Ok(()),
    }
}

/// Moves a dossier still only registered to routed, journaled: its
/// orientation was decided.
pub(crate) async fn routed(connection: &mut AnyConnection, actor: &str, id: i64) -> Result<()> {
    set_status(&mut *connection, id, DossierStatus::Routed, None).await?;
    journal::append(
        &mut *connection,
        NewEntry::registry(
            actor.to_owned(),
            Some(id),
            RegistryKind::StatusChanged,
            serde_json::json!({"from": "registered", "to": "routed", "reason": "orientation"}),
        ),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = serde_json::json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut target, &serde_json::json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, serde_json::json!({"a": "z", "c": {"d": "e"}}));
        let mut list = serde_json::json!({"l": [1, 2]});
        merge_patch(&mut list, &serde_json::json!({"l": [3]}));
        assert_eq!(list, serde_json::json!({"l": [3]}));
    }

    #[test]
    fn attacked_key_ignores_case_spaces_and_punctuation() {
        assert_eq!(
            attacked_key("Cour d'appel de Lyon", "2026-03-02", "24/01234"),
            attacked_key("cour d appel de lyon ", "2026-03-02", "24 01234")
        );
    }
}
