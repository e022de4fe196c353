//! From the store to a planning instance: a chamber's hearings of a horizon,
//! its magistrates, and the dossiers it could hear, each with the planner's
//! attributes derived by `models::planning` (formations and weight from the
//! circuit or the president's overrides, ready date from the journal,
//! notice days, priority, latest hearing date from the court's running
//! statutory deadline, recusals, joined group, pinned hearing once
//! published). The instance is the interchange format: `greffe instance
//! export` writes it, so that any plan can be reproduced offline.

use std::collections::{BTreeSet, HashMap};

use greffe_models::dates::parse_date;
use greffe_models::deadlines::effective_events;
use greffe_models::format::{ChamberDoc, DossierDoc, HearingDoc, HorizonDoc, InstanceDoc, MagistrateDoc, RangeDoc};
use greffe_models::planning::{DossierPlanning, PlanningRules, ready_date};
use greffe_models::{Circuit, Date, Instance};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Store, journal, rows};
use crate::error::{Error, ErrorCode, Result};

/// A dossier of the chamber left out of the instance, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Excluded {
    /// Dossier id.
    pub dossier_id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Why, in French.
    pub reason: String,
}

/// A chamber's planning instance for a horizon.
#[derive(Debug, Clone)]
pub struct PlanningInstance {
    /// The document (the interchange format).
    pub doc: InstanceDoc,
    /// The validated instance.
    pub instance: Instance,
    /// Open dossiers of the chamber not offered to the planner.
    pub excluded: Vec<Excluded>,
}

/// Statuses whose dossiers may be planned.
const PLANNABLE: &str = "'in_instruction', 'ready', 'scheduled'";

/// The instance dossier id of a store dossier.
pub fn instance_id(dossier_id: i64) -> String {
    dossier_id.to_string()
}

/// The store dossier id of an instance dossier id.
pub fn store_id(instance_id: &str) -> Option<i64> {
    instance_id.parse().ok()
}

impl Store {
    /// The planning instance of `chamber` for `[start, end]`, notices going
    /// out from `publication`.
    pub async fn planning_instance(
        &self,
        chamber: &str,
        start: Date,
        end: Date,
        publication: Date,
        rules: &PlanningRules,
    ) -> Result<PlanningInstance> {
        let pool = self.pool();
        let chambers = self.chambers().await?;
        let Some(this) = chambers.iter().find(|c| c.chamber.code == chamber) else {
            return Err(Error::not_found(format!("chambre « {chamber} »")));
        };
        let penal = this.chamber.nature == greffe_models::registry::Nature::Penal;
        let hearings: Vec<HearingDoc> = self
            .hearings(Some(chamber), Some(&start.to_string()), Some(&end.to_string()))
            .await?
            .into_iter()
            .map(|h| HearingDoc {
                id: h.hearing.id,
                chamber: h.hearing.chamber,
                date: h.hearing.date,
                half_day: h.hearing.half_day,
                formation: h.hearing.formation,
                capacity_weight: h.hearing.capacity as f64,
                capacity_count: h.hearing.capacity,
                locked_bench: None,
                chambers: Vec::new(),
                // The registry's calendar does not yet say which section
                // sits: every hearing hears the whole chamber.
                section: None,
                // Nor the composition of its FP hearings (R421-4-1 COJ):
                // their bench is chosen as in version 1.
                composition: None,
            })
            .collect();
        let in_horizon: BTreeSet<&str> = hearings.iter().map(|h| h.id.as_str()).collect();

        let dossier_rows = sqlx::query(&format!(
            "SELECT id, pourvoi, nature, section, matter, circuit, status, registered_on, urgent, avocat_general,
                    joined_group, planning
             FROM dossiers WHERE chamber = $1 AND status IN ({PLANNABLE}) ORDER BY id"
        ))
        .bind(chamber)
        .fetch_all(pool)
        .await?;
        let scope = format!("SELECT id FROM dossiers WHERE chamber = $1 AND status IN ({PLANNABLE})");
        let pairs = |table: &str, column: &str| {
            format!(
                "SELECT dossier_id, {column} FROM {table} WHERE dossier_id IN ({scope}) ORDER BY dossier_id, {column}"
            )
        };
        let mut rapporteurs: HashMap<i64, Vec<String>> = HashMap::new();
        for row in sqlx::query(&pairs("dossier_rapporteurs", "magistrate")).bind(chamber).fetch_all(pool).await? {
            rapporteurs.entry(rows::int(&row, "dossier_id")?).or_default().push(rows::text(&row, "magistrate")?);
        }
        let mut recusals: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        let recusal_sql = format!(
            "SELECT dossier_id, magistrate, ground FROM dossier_recusals WHERE dossier_id IN ({scope})
             ORDER BY dossier_id, magistrate"
        );
        for row in sqlx::query(&recusal_sql).bind(chamber).fetch_all(pool).await? {
            recusals
                .entry(rows::int(&row, "dossier_id")?)
                .or_default()
                .push((rows::text(&row, "magistrate")?, rows::text(&row, "ground")?));
        }
        let mut pinned: HashMap<i64, String> = HashMap::new();
        for row in sqlx::query(&pairs("hearing_roll", "hearing_id")).bind(chamber).fetch_all(pool).await? {
            pinned.insert(rows::int(&row, "dossier_id")?, rows::text(&row, "hearing_id")?);
        }
        let mut court_deadlines: HashMap<i64, (Date, String)> = HashMap::new();
        let deadline_sql = format!(
            "SELECT dossier_id, rule, due FROM deadlines
             WHERE applies_to = 'court' AND settled IS NULL AND due IS NOT NULL AND dossier_id IN ({scope})"
        );
        for row in sqlx::query(&deadline_sql).bind(chamber).fetch_all(pool).await? {
            let (id, due, rule) = (rows::int(&row, "dossier_id")?, rows::date(&row, "due")?, rows::text(&row, "rule")?);
            let entry = court_deadlines.entry(id).or_insert((due, rule.clone()));
            if due < entry.0 {
                *entry = (due, rule);
            }
        }
        // Dossiers referred to a chambre mixte or the assemblée plénière are
        // the formation's to hear, not the chamber's.
        let mut referred: HashMap<i64, crate::orientation::ReferralRecord> = HashMap::new();
        let referral_sql = format!(
            "SELECT dossier_id, formation, article, ordered_by, from_chamber, chambers, mandatory, ordered_on, reason,
                    journal_seq
             FROM dossier_referrals WHERE dossier_id IN ({scope})"
        );
        for row in sqlx::query(&referral_sql).bind(chamber).fetch_all(pool).await? {
            referred.insert(rows::int(&row, "dossier_id")?, crate::orientation::referral_of_row(&row)?);
        }
        let mut journals: HashMap<i64, Vec<journal::JournalEntry>> = HashMap::new();
        for entry in journal::of_dossiers_in(pool, &scope, chamber).await? {
            if let Some(id) = entry.dossier_id {
                journals.entry(id).or_default().push(entry);
            }
        }

        let mut dossiers = Vec::new();
        let mut excluded = Vec::new();
        let mut referenced: BTreeSet<String> = BTreeSet::new();
        for row in &dossier_rows {
            let id = rows::int(row, "id")?;
            let pourvoi = rows::text(row, "pourvoi")?;
            let exclude =
                |reason: &str| Excluded { dossier_id: id, pourvoi: pourvoi.clone(), reason: reason.to_owned() };
            if let Some(referral) = referred.get(&id) {
                excluded.push(exclude(&format!(
                    "renvoyé devant la {} ({}, {}) : audiencé par cette formation",
                    referral.formation.label_fr(),
                    referral.article,
                    referral.ordered_by.label_fr()
                )));
                continue;
            }
            if let Some(hearing) = pinned.get(&id).filter(|h| !in_horizon.contains(h.as_str())) {
                excluded.push(exclude(&format!("déjà au rôle publié de l'audience {hearing}, hors de la période")));
                continue;
            }
            let status = rows::text(row, "status")?;
            let nature_penal = rows::text(row, "nature")? == "penal";
            let events = journal::procedural_events(journals.get(&id).map(Vec::as_slice).unwrap_or_default())?;
            let events = effective_events(&events).map_err(Error::internal)?;
            let ready = match ready_date(&events, nature_penal) {
                Some(date) => date,
                None if status != "in_instruction" => start,
                None => {
                    excluded.push(exclude("pas en état : mémoires, rapport ou avis de l'avocat général manquants"));
                    continue;
                }
            };
            let Some(reporters) = rapporteurs.get(&id).filter(|r| !r.is_empty()) else {
                excluded.push(exclude("aucun rapporteur désigné"));
                continue;
            };
            let circuit =
                rows::opt_text(row, "circuit")?.and_then(|c| Circuit::parse(&c)).unwrap_or(Circuit::Intermediaire);
            let overrides: DossierPlanning = match rows::opt_text(row, "planning")? {
                Some(raw) => serde_json::from_str(&raw)
                    .map_err(|_| Error::internal(format!("stored planning overrides of dossier {id} do not parse")))?,
                None => DossierPlanning::default(),
            };
            let registered = rows::date(row, "registered_on")?;
            let deadline = court_deadlines.get(&id);
            let urgent = rows::int(row, "urgent")? != 0 || deadline.is_some();
            let matter = rows::opt_text(row, "matter")?;
            let avocat_general = rows::opt_text(row, "avocat_general")?;
            let recused = recusals.get(&id).cloned().unwrap_or_default();
            referenced.extend(reporters.iter().cloned());
            referenced.extend(avocat_general.iter().cloned());
            referenced.extend(recused.iter().map(|(m, _)| m.clone()));
            dossiers.push(DossierDoc {
                id: instance_id(id),
                pourvoi,
                chamber: chamber.to_owned(),
                // The orientation's section: the registry's hearings name
                // none yet, so it does not narrow where the dossier is heard.
                section: rows::opt_text(row, "section")?,
                matter: matter.clone(),
                circuit: Some(circuit.as_str().to_owned()),
                formations: rules.formations_of(circuit, &overrides),
                rapporteurs: reporters.clone(),
                avocat_general,
                weight: rules.weight_of(circuit, &overrides),
                priority: rules.priority_of(registered, start, circuit, urgent),
                ready_date: ready.to_string(),
                notice_days: i64::from(rules.notice_days_of(nature_penal || penal, matter.as_deref())),
                deadline: deadline.map(|(due, _)| rules.latest_hearing(*due).to_string()),
                deadline_rule: deadline.map(|(_, rule)| rule.clone()),
                registration_date: Some(registered.to_string()),
                recused: recused.iter().map(|(m, _)| m.clone()).collect(),
                recusal_grounds: recused.into_iter().collect(),
                joined_group: rows::opt_text(row, "joined_group")?,
                pinned_hearing: pinned.get(&id).cloned(),
                referral: None,
            });
        }

        let magistrates: Vec<MagistrateDoc> = self
            .magistrates(None)
            .await?
            .into_iter()
            .filter(|m| {
                (m.magistrate.chamber == chamber && m.magistrate.active) || referenced.contains(&m.magistrate.id)
            })
            .map(|m| magistrate_doc(m.magistrate, i64::from(rules.default_weekly_cap.value)))
            .collect();
        let doc = InstanceDoc {
            meta: Some(serde_json::json!({
                "source": "greffe", "chamber": chamber, "exported_from": "registre",
                "publication_date": publication.to_string(),
            })),
            horizon: HorizonDoc {
                start: start.to_string(),
                end: end.to_string(),
                publication_date: Some(publication.min(end).to_string()),
            },
            formations: None,
            chambers: chambers
                .iter()
                .map(|c| ChamberDoc {
                    id: c.chamber.code.clone(),
                    sections: c.chamber.sections.iter().map(|s| s.code.clone()).collect(),
                })
                .collect(),
            magistrates,
            hearings,
            dossiers,
            designations: Vec::new(),
        };
        let instance = validated(
            &doc,
            "les données du registre ne forment pas une instance de planification valide",
            "corriger la donnée signalée (magistrat, audience ou dossier) puis recommencer",
        )?;
        Ok(PlanningInstance { doc, instance, excluded })
    }
}

/// A magistrate of the registry as the planning instance states him; his
/// weekly cap, else `default_cap`.
pub(crate) fn magistrate_doc(m: super::reference::MagistrateInput, default_cap: i64) -> MagistrateDoc {
    MagistrateDoc {
        id: m.id,
        name: Some(m.name),
        chamber: m.chamber,
        section: m.section,
        role: m.role.as_str().to_owned(),
        rank: m.rank,
        specialties: Vec::new(),
        absences: m.absences.into_iter().map(|a| RangeDoc { from: a.from, to: a.to }).collect(),
        max_hearings_per_week: m.weekly_cap.unwrap_or(default_cap),
        seniority: None,
    }
}

/// Validates an instance the service built (from the store, or a draft's
/// edited instance); refused as a conflict: `what` is wrong, `action` fixes it.
pub fn validated(doc: &InstanceDoc, what: &str, action: &str) -> Result<Instance> {
    greffe_models::format::validate(doc).map_err(|problems| {
        Error::conflict(
            ErrorCode::InstanceInvalid,
            format!(
                "{what} ({} problème(s)), premier : {}",
                problems.len(),
                problems.first().map(ToString::to_string).unwrap_or_default()
            ),
            action,
        )
    })
}

/// Parses a horizon given as two dates, checked.
pub fn horizon(start: &str, end: &str) -> Result<(Date, Date)> {
    let parse =
        |field: &str, raw: &str| parse_date(raw).map_err(|error| Error::invalid(field, error.to_string(), error.fix()));
    let (start, end) = (parse("start", start)?, parse("end", end)?);
    if end < start {
        return Err(Error::invalid("end", "la fin de la période précède son début", "donner end ≥ start"));
    }
    if (end - start).num_days() > 7 * 26 {
        return Err(Error::invalid("end", "période de plus de 26 semaines", "planifier au plus 26 semaines à la fois"));
    }
    Ok((start, end))
}
