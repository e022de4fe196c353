//! Distribution: the batch a chamber distributes and the designations it
//! confirms.
//!
//! [`Store::distribution_batch`] reads what the proposal needs — the
//! chamber's open, oriented dossiers that have no rapporteur (no avocat
//! général) yet, and its active magistrates with the work each still has
//! (weighted by circuit, the filed reports at their residual share).
//! [`Store::designate`] writes a confirmed batch in **one** transaction:
//! every designation is checked (the dossier's version, the chamber, who
//! may be designated by law), journaled with the proposal it followed or
//! the reason it departed from it, and the first refusal rolls the whole
//! batch back — nothing is half-designated. A rapporteur's designation is
//! the procedural event `designation_rapporteur` (art. 1012 CPC): it starts
//! his internal deadlines (the deadline catalogue's `interne.*` rules).

use std::collections::BTreeMap;

use greffe_models::dates::{Date, DateRange, parse_date};
use greffe_models::deadlines::EventType;
use greffe_models::distribution::{Batch, BatchDossier, Candidate, Designating, DistributionRules, Ineligible, Party};
use greffe_models::dossier::Circuit;
use greffe_models::registry::{JournalKind, RegistryKind};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use crate::dossiers::{self, Dossier, search_key};
use crate::journal::{self, NewEntry};
use crate::tasks::open_statuses_sql;
use crate::{Error, ErrorCode, Result, Store, deadlines, rows};

/// A batch as the store read it, with each dossier's version.
#[derive(Debug, Clone)]
pub struct StoredBatch {
    /// The batch.
    pub batch: Batch,
    /// Per dossier of the batch: its record as read (its version is the
    /// ETag a confirmation gives).
    pub records: Vec<Dossier>,
}

/// One designation of a confirmed batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignationInput {
    /// The dossier's id.
    pub dossier: i64,
    /// Its version, as the proposal showed it.
    pub version: i64,
    /// The magistrate designated.
    pub magistrate: String,
    /// The magistrate the proposal named, if it named one.
    #[serde(default)]
    pub proposed: Option<String>,
    /// The proposal's reasons, journaled with the designation.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Why the designation departs from the proposal: required then.
    #[serde(default)]
    pub reason: Option<String>,
}

impl Store {
    /// The batch of `chamber` for `designating`: its open dossiers with a
    /// circuit (oriented), not referred to a CM or the AP, and with no
    /// rapporteur (avocat général) yet — registered in `registered` when
    /// given —, oldest first; and its active magistrates with their work.
    pub async fn distribution_batch(
        &self,
        rules: &DistributionRules,
        chamber: &str,
        designating: Designating,
        registered: Option<DateRange>,
        today: Date,
    ) -> Result<StoredBatch> {
        let mut connection = self.pool().acquire().await?;
        if !crate::reference::chamber_exists(&mut connection, chamber).await? {
            return Err(Error::invalid(
                "chamber",
                format!("chambre « {chamber} » inconnue"),
                "donner le code d'une chambre du référentiel (civ1, civ2, civ3, comm, soc, cr)",
            ));
        }
        let open = open_statuses_sql();
        let missing = match designating {
            Designating::Rapporteur => "NOT EXISTS (SELECT 1 FROM dossier_rapporteurs r WHERE r.dossier_id = d.id)",
            Designating::AvocatGeneral => "d.avocat_general IS NULL",
        };
        let mut sql = format!(
            "SELECT d.id FROM dossiers d
             WHERE d.chamber = $1 AND d.status IN ({open}) AND d.circuit IS NOT NULL AND {missing}
               AND NOT EXISTS (SELECT 1 FROM dossier_referrals x WHERE x.dossier_id = d.id)"
        );
        if registered.is_some() {
            sql.push_str(" AND d.registered_on >= $2 AND d.registered_on <= $3");
        }
        sql.push_str(" ORDER BY d.registered_on, d.id");
        let mut query = sqlx::query(&sql).bind(chamber);
        if let Some(range) = registered {
            query = query.bind(range.from().to_string()).bind(range.to().to_string());
        }
        let rows = query.fetch_all(&mut *connection).await?;
        let mut dossiers = Vec::with_capacity(rows.len());
        let mut records = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = rows::int(row, "id")?;
            let dossier = dossiers::get_in(&mut connection, id).await?;
            let due = sqlx::query(
                "SELECT MIN(due) AS due FROM deadlines
                 WHERE dossier_id = $1 AND applies_to = 'court' AND settled IS NULL AND due IS NOT NULL",
            )
            .bind(id)
            .fetch_one(&mut *connection)
            .await?;
            let mut read = batch_dossier(&dossier);
            read.ruling_due =
                rows::opt_text(&due, "due")?.map(|d| parse_date(&d)).transpose().map_err(Error::internal)?;
            dossiers.push(read);
            records.push(dossier);
        }
        let candidates = candidates(&mut connection, rules, chamber, designating).await?;
        Ok(StoredBatch {
            batch: Batch { chamber: chamber.to_owned(), designating, today, dossiers, candidates },
            records,
        })
    }

    /// Who already reports (concludes on) an open dossier among `ids`, with
    /// its pourvoi number: `(dossier, magistrate, pourvoi)`.
    pub async fn designees(&self, designating: Designating, ids: &[i64]) -> Result<Vec<(i64, String, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let sql = match designating {
            Designating::Rapporteur => format!(
                "SELECT d.id, MIN(r.magistrate) AS magistrate, d.pourvoi FROM dossiers d
                 JOIN dossier_rapporteurs r ON r.dossier_id = d.id WHERE d.id IN ({}) GROUP BY d.id, d.pourvoi",
                list.join(", ")
            ),
            Designating::AvocatGeneral => format!(
                "SELECT d.id, d.avocat_general AS magistrate, d.pourvoi FROM dossiers d
                 WHERE d.avocat_general IS NOT NULL AND d.id IN ({})",
                list.join(", ")
            ),
        };
        sqlx::query(&sql)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| Ok((rows::int(row, "id")?, rows::text(row, "magistrate")?, rows::text(row, "pourvoi")?)))
            .collect()
    }

    /// Writes a confirmed batch of `chamber` on `today` (the designation's
    /// date): all of it or, at the first refusal, nothing. Returns the
    /// dossiers as written.
    pub async fn designate(
        &self,
        actor: &str,
        rules: &DistributionRules,
        chamber: &str,
        designating: Designating,
        designations: &[DesignationInput],
        today: Date,
    ) -> Result<Vec<Dossier>> {
        if designations.is_empty() {
            return Err(Error::invalid(
                "designations",
                "aucune désignation à confirmer",
                "confirmer au moins une désignation de la proposition",
            ));
        }
        let mut write = self.write().await?;
        let candidates = candidates(&mut write.tx, rules, chamber, designating).await?;
        let mut seen = std::collections::BTreeSet::new();
        let mut written = Vec::with_capacity(designations.len());
        for (index, input) in designations.iter().enumerate() {
            let field = |name: &str| format!("designations[{index}].{name}");
            if !seen.insert(input.dossier) {
                return Err(Error::invalid(
                    field("dossier"),
                    format!("dossier n° {} donné deux fois", input.dossier),
                    "ne désigner qu'une fois chaque dossier",
                ));
            }
            let current =
                dossiers::get_in(&mut write.tx, input.dossier).await.map_err(|e| e.field(field("dossier")))?;
            let pourvoi = current.record.pourvoi.clone();
            if current.version != input.version {
                return Err(Error::conflict(
                    ErrorCode::VersionMismatch,
                    format!(
                        "n° {pourvoi} : le dossier a changé depuis la proposition (version {} au lieu de {})",
                        current.version, input.version
                    ),
                    "relancer la proposition",
                )
                .field(field("version")));
            }
            if current.record.chamber != chamber {
                return Err(Error::invalid(
                    field("dossier"),
                    format!("n° {pourvoi} : le dossier est de la chambre {}, non de {chamber}", current.record.chamber),
                    "distribuer chaque dossier dans sa chambre",
                ));
            }
            if !current.status.is_open() {
                return Err(Error::invalid(
                    field("dossier"),
                    format!("n° {pourvoi} : le dossier est {}", current.status_label),
                    "ne distribuer que des dossiers en cours",
                ));
            }
            let already = match designating {
                Designating::Rapporteur => {
                    (!current.record.rapporteurs.is_empty()).then(|| current.record.rapporteurs.join(", "))
                }
                Designating::AvocatGeneral => current.record.avocat_general.clone(),
            };
            if let Some(who) = already {
                return Err(Error::invalid(
                    field("dossier"),
                    format!("n° {pourvoi} : {} déjà désigné ({who})", designating.label_fr()),
                    "modifier la désignation depuis la fiche du dossier",
                ));
            }
            let Some(candidate) = candidates.iter().find(|c| c.id == input.magistrate) else {
                return Err(Error::invalid(
                    field("magistrate"),
                    format!(
                        "n° {pourvoi} : « {} » n'est pas un magistrat en fonction de la chambre {chamber}",
                        input.magistrate
                    ),
                    "choisir un magistrat de la chambre (voir la proposition)",
                ));
            };
            let dossier = batch_dossier(&current);
            let warning = match rules.ineligible(designating, today, candidate, &dossier) {
                None => None,
                // The law's exclusions are refused whoever designates.
                Some(why @ (Ineligible::Role(_) | Ineligible::Recused | Ineligible::Conflict(_))) => {
                    return Err(Error::invalid(
                        field("magistrate"),
                        format!("n° {pourvoi} : {} ne peut être désigné — {}", candidate.name, why.label_fr()),
                        "choisir un autre magistrat",
                    ));
                }
                // The chamber's organisation and presence are the
                // president's to weigh: journaled.
                Some(why) => Some(why.label_fr()),
            };
            // Checked as every journaled reason is (the orientation's too).
            let departs = input.proposed.as_deref() != Some(input.magistrate.as_str());
            let why = format!(
                "n° {pourvoi} : la désignation de {} s'écarte de la proposition sans motif — dire pourquoi (le motif est journalisé), ou reprendre le magistrat proposé",
                candidate.name
            );
            let reason = greffe_models::orientation::check_reason(input.reason.as_deref(), departs, &why)
                .map_err(|p| Error::invalid(field(p.field), p.message, p.action))?;
            let reason = reason.as_deref();
            let note = format!(
                "{} désigné : {} ({}){}",
                designating.label_fr(),
                candidate.name,
                candidate.id,
                warning.as_deref().map_or(String::new(), |w| format!(" — {w}"))
            );
            let payload = serde_json::json!({
                "magistrate": candidate.id, "name": candidate.name, "proposed": input.proposed,
                "reasons": input.reasons, "reason": reason, "warning": warning, "note": note,
                "version": input.version + 1,
            });
            let entry = match designating {
                Designating::Rapporteur => {
                    sqlx::query("INSERT INTO dossier_rapporteurs (dossier_id, magistrate) VALUES ($1, $2)")
                        .bind(current.id)
                        .bind(&candidate.id)
                        .execute(&mut *write.tx)
                        .await?;
                    NewEntry {
                        actor: actor.to_owned(),
                        dossier_id: Some(current.id),
                        kind: JournalKind::Procedural(EventType::DesignationRapporteur),
                        event_date: Some(today),
                        payload,
                        corrects: None,
                    }
                }
                Designating::AvocatGeneral => {
                    sqlx::query("UPDATE dossiers SET avocat_general = $1 WHERE id = $2")
                        .bind(&candidate.id)
                        .bind(current.id)
                        .execute(&mut *write.tx)
                        .await?;
                    NewEntry::registry(
                        actor.to_owned(),
                        Some(current.id),
                        RegistryKind::AvocatGeneralDesignated,
                        payload,
                    )
                }
            };
            journal::append(&mut write.tx, entry).await?;
            dossiers::bump_version(&mut write.tx, current.id, input.version).await?;
            deadlines::refresh(&mut write.tx, current.id).await?;
            written.push(current.id);
        }
        let mut out = Vec::with_capacity(written.len());
        for id in written {
            out.push(dossiers::get_in(&mut write.tx, id).await?);
        }
        write.commit().await?;
        Ok(out)
    }
}

/// The distribution's view of a registered dossier (its ruling deadline
/// and series aside).
fn batch_dossier(dossier: &Dossier) -> BatchDossier {
    let record = &dossier.record;
    BatchDossier {
        id: dossier.id,
        pourvoi: record.pourvoi.clone(),
        section: record.section.clone(),
        matter: record.matter.clone(),
        circuit: record.circuit.unwrap_or(Circuit::Intermediaire),
        parties: record.parties.iter().map(|p| Party { name: p.name.clone(), key: search_key(&p.name) }).collect(),
        recused: record.recusals.iter().map(|r| r.magistrate.clone()).collect(),
        ruling_due: None,
        series: None,
        series_designee: None,
    }
}

/// The chamber's active magistrates with the work each still has.
async fn candidates(
    connection: &mut AnyConnection,
    rules: &DistributionRules,
    chamber: &str,
    designating: Designating,
) -> Result<Vec<Candidate>> {
    let magistrates = crate::reference::magistrates_in(&mut *connection, Some(chamber)).await?;
    let open = open_statuses_sql();
    let work = match designating {
        Designating::Rapporteur => format!(
                "SELECT r.magistrate, d.circuit, CASE WHEN EXISTS (SELECT 1 FROM journal j WHERE j.dossier_id = d.id AND j.kind = 'depot_rapport') THEN 1 ELSE 0 END AS filed
                 FROM dossier_rapporteurs r JOIN dossiers d ON d.id = r.dossier_id
                 WHERE d.status IN ({open}) AND r.magistrate IN (SELECT id FROM magistrates WHERE chamber = $1)"
        ),
        Designating::AvocatGeneral => format!(
                "SELECT d.avocat_general AS magistrate, d.circuit, CASE WHEN EXISTS (SELECT 1 FROM journal j WHERE j.dossier_id = d.id AND j.kind = 'avis_avocat_general') THEN 1 ELSE 0 END AS filed
                 FROM dossiers d
                 WHERE d.status IN ({open}) AND d.avocat_general IN (SELECT id FROM magistrates WHERE chamber = $1)"
        ),
    };
    let mut loads: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for row in sqlx::query(&work).bind(chamber).fetch_all(&mut *connection).await? {
        let circuit =
            rows::opt_text(&row, "circuit")?.and_then(|c| Circuit::parse(&c)).unwrap_or(Circuit::Intermediaire);
        let filed = rows::int(&row, "filed")? != 0;
        let entry = loads.entry(rows::text(&row, "magistrate")?).or_default();
        entry.0 += rules.weight(circuit, filed);
        entry.1 += usize::from(!filed);
    }
    Ok(magistrates
        .into_iter()
        .filter(|record| record.magistrate.active)
        .map(|record| {
            let m = record.magistrate;
            let (load, due) = loads.get(&m.id).copied().unwrap_or_default();
            Candidate {
                name: m.name,
                role: m.role,
                section: m.section,
                rank: u32::try_from(m.rank).unwrap_or(u32::MAX),
                specialties: m.specialties,
                interests: m.interests.iter().map(|name| search_key(name)).collect(),
                absences: m
                    .absences
                    .iter()
                    .filter_map(|a| DateRange::new(parse_date(&a.from).ok()?, parse_date(&a.to).ok()?).ok())
                    .collect(),
                load,
                due,
                id: m.id,
            }
        })
        .collect())
}
