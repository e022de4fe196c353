//! A decision tied to its hearing's roll. After a hearing, its greffier
//! records who sat ([`SittingRecord`]); each dossier on the published roll
//! then has a decision prefilled from the roll and the record — formation,
//! bench, this dossier's rapporteurs, avocat général, greffier, date — that
//! the magistrates draft and save in versions (each hashed and journaled),
//! and whose defects ([`greffe_checker::decision`]) are computed from the
//! registry every time it is read: the record, the journal (report,
//! opinion), the deadlines (mémoires), the notice tasks.

use std::collections::{BTreeMap, BTreeSet};

use greffe_checker::decision::{DecisionFacts, MemoireFact, NoticeFact, Sitting, defects};
use greffe_models::calendar::PLACES;
use greffe_models::deadlines::{Catalogue, DeadlineConfig, DeadlineState, EventType, effective_events};
use greffe_models::decision::{
    DecisionContent, DecisionRules, DecisionStatus, Defect, DefectRule, NamedParty, Outcome, SittingRecord,
};
use greffe_models::format::{InstanceDoc, MagistrateDoc};
use greffe_models::formation::FormationCode;
use greffe_models::registry::{DossierStatus, RegistryKind};
use greffe_models::{Date, DossierId, HearingId, MagistrateId};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::decision_signatures::{RequiredSignature, SignatureLine, required_of, signatures_of, void_before};
use super::journal::{self, NewEntry};
use super::{Store, dossiers, now, rows};
use crate::error::{Error, ErrorCode, Result};

/// A hearing as its decisions see it: the roll's facts, the published
/// bench, and who sat once recorded.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HearingSitting {
    /// Hearing id.
    pub hearing_id: String,
    /// Chamber.
    pub chamber: String,
    /// Date (YYYY-MM-DD).
    #[schema(format = Date)]
    pub date: String,
    /// `am` or `pm`.
    pub half_day: String,
    /// Formation.
    #[schema(value_type = String, example = "FS")]
    pub formation: FormationCode,
    /// Who presides, on the published bench.
    pub published_president: Option<String>,
    /// The published bench.
    pub published_bench: Vec<String>,
    /// Who sat, once recorded.
    #[schema(value_type = Option<Object>)]
    pub record: Option<SittingRecord>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (UTC).
    pub recorded_at: Option<String>,
    /// Version of the record (the ETag); 0 while none is recorded.
    pub version: i64,
}

/// A saved version of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DecisionVersion {
    /// Version number, from 1.
    pub version: i64,
    /// SHA-256 of the content's canonical JSON.
    pub sha256: String,
    /// Who saved it.
    pub saved_by: String,
    /// When (UTC).
    pub saved_at: String,
    /// Its journal entry.
    pub journal_seq: i64,
}

/// A mémoire deadline of the dossier, for the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MemoireLine {
    /// Rule id.
    pub rule: String,
    /// French label.
    pub label: String,
    /// Last day (YYYY-MM-DD).
    pub due: Option<String>,
    /// Filed on (YYYY-MM-DD).
    pub filed: Option<String>,
    /// State (`met`, `missed`…).
    pub state: String,
    /// What the greffe recorded of its lateness.
    pub lateness: Option<String>,
}

/// A dossier's decision as it stands: its content (prefilled from the roll
/// until first saved), where it stands, and its defects today.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DecisionWorkspace {
    /// Dossier id.
    pub dossier_id: i64,
    /// Chamber.
    pub chamber: String,
    /// Where it stands.
    #[schema(value_type = String, example = "drafted")]
    pub status: DecisionStatus,
    /// French label of `status`.
    pub status_label: String,
    /// The content.
    #[schema(value_type = Object)]
    pub content: DecisionContent,
    /// Version (the ETag); 0 while only prefilled.
    pub version: i64,
    /// The content as the roll, the hearing's record and the dossier give it
    /// today (the mentions and the composition a new version takes).
    #[schema(value_type = Object)]
    pub from_roll: DecisionContent,
    /// The hearing.
    pub hearing: HearingSitting,
    /// The outcomes of the dossier's procedure (codes).
    #[schema(value_type = Vec<String>)]
    pub outcomes: Vec<Outcome>,
    /// The mémoire deadlines and what was recorded of their lateness.
    pub memoires: Vec<MemoireLine>,
    /// The defects to clear before signature; empty: none.
    #[schema(value_type = Vec<Object>)]
    pub defects: Vec<Defect>,
    /// Saved versions, newest first.
    pub versions: Vec<DecisionVersion>,
    /// The signatures the current version requires, each given or not.
    pub required: Vec<RequiredSignature>,
    /// Every signature given, newest version first (those of earlier
    /// versions void, with the reason).
    pub signatures: Vec<SignatureLine>,
    /// The seal of the version signed by all, once sealed: its arrêt is
    /// `GET /dossiers/{id}/decision/arret.pdf`.
    pub seal: Option<super::decision_signatures::DecisionSeal>,
}

/// A save of a decision's draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionSave {
    /// The content.
    pub content: DecisionContent,
    /// What the greffe records of a late or missing mémoire, by rule id
    /// (« mémoire en défense déclaré irrecevable »).
    #[serde(default)]
    pub lateness: BTreeMap<String, String>,
}

/// Where a dossier was heard: the hearing of the published roll it is on,
/// held on or before `today`.
struct HeardAt {
    hearing_id: String,
    plan_id: i64,
}

async fn heard_at(connection: &mut AnyConnection, dossier_id: i64, today: Date) -> Result<HeardAt> {
    let rows = sqlx::query(
        "SELECT r.hearing_id, r.plan_id, h.date FROM hearing_roll r JOIN hearings h ON h.id = r.hearing_id
         WHERE r.dossier_id = $1 ORDER BY h.date DESC",
    )
    .bind(dossier_id)
    .fetch_all(&mut *connection)
    .await?;
    let mut later = None;
    for row in &rows {
        let date = rows::date(row, "date")?;
        if date <= today {
            return Ok(HeardAt { hearing_id: rows::text(row, "hearing_id")?, plan_id: rows::int(row, "plan_id")? });
        }
        later = Some(date);
    }
    Err(match later {
        Some(date) => Error::conflict(
            ErrorCode::NotHeard,
            format!("l'audience du dossier, le {}, n'a pas encore eu lieu", date.format("%d/%m/%Y")),
            "préparer la décision après l'audience",
        ),
        None => Error::conflict(
            ErrorCode::NotHeard,
            "le dossier n'est inscrit au rôle publié d'aucune audience",
            "publier le rôle de son audience d'abord",
        ),
    })
}

async fn sitting_of(connection: &mut AnyConnection, hearing_id: &str) -> Result<HearingSitting> {
    let row = sqlx::query("SELECT id, chamber, date, half_day, formation FROM hearings WHERE id = $1")
        .bind(hearing_id)
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(format!("audience « {hearing_id} »")))?;
    let formation_code = rows::text(&row, "formation")?;
    let formation = FormationCode::parse(&formation_code)
        .ok_or_else(|| Error::internal(format!("hearing {hearing_id}: formation {formation_code}")))?;
    let (published_president, published_bench) = super::plans::published_bench(&mut *connection, hearing_id).await?;
    let record =
        sqlx::query("SELECT record, recorded_by, recorded_at, version FROM sitting_records WHERE hearing_id = $1")
            .bind(hearing_id)
            .fetch_optional(&mut *connection)
            .await?;
    let (record, recorded_by, recorded_at, version) = match record {
        Some(r) => (
            Some(rows::json::<SittingRecord>(&r, "record")?),
            Some(rows::text(&r, "recorded_by")?),
            Some(rows::text(&r, "recorded_at")?),
            rows::int(&r, "version")?,
        ),
        None => (None, None, None, 0),
    };
    Ok(HearingSitting {
        hearing_id: hearing_id.to_owned(),
        chamber: rows::text(&row, "chamber")?,
        date: rows::text(&row, "date")?,
        half_day: rows::text(&row, "half_day")?,
        formation,
        published_president,
        published_bench,
        record,
        recorded_by,
        recorded_at,
        version,
    })
}

impl Store {
    /// A hearing with its published bench and who sat, once recorded.
    pub async fn hearing_sitting(&self, hearing_id: &str) -> Result<HearingSitting> {
        let mut connection = self.pool().acquire().await?;
        sitting_of(&mut connection, hearing_id).await
    }

    /// Records who sat at `hearing_id` (replacing the record of version
    /// `expected`, 0 for the first). The hearing must have been held and
    /// its bench published; the record is checked against that bench
    /// (every member sat or is replaced, with the reason) and the
    /// magistrates it names exist. Journaled; the roll's dossiers move to
    /// `heard` (in deliberation).
    pub async fn record_sitting(
        &self,
        actor: &str,
        today: Date,
        hearing_id: &str,
        expected: i64,
        record: SittingRecord,
    ) -> Result<HearingSitting> {
        let mut write = self.write().await?;
        let sitting = sitting_of(&mut write.tx, hearing_id).await?;
        let date = greffe_models::dates::parse_date(&sitting.date).map_err(Error::internal)?;
        if date > today {
            return Err(Error::conflict(
                ErrorCode::NotHeard,
                format!("l'audience du {} n'a pas encore eu lieu", date.format("%d/%m/%Y")),
                "consigner la composition après l'audience",
            ));
        }
        if sitting.published_bench.is_empty() {
            return Err(Error::conflict(
                ErrorCode::NotHeard,
                "aucune composition n'est publiée pour cette audience",
                "publier le rôle de l'audience d'abord",
            ));
        }
        if sitting.version != expected {
            return Err(Error::VersionMismatch { current: sitting.version });
        }
        let published: Vec<MagistrateId> =
            sitting.published_bench.iter().filter_map(|m| MagistrateId::parse(m).ok()).collect();
        if let Some(problem) = record.problems(&published).into_iter().next() {
            return Err(Error::invalid(problem.field, problem.message, problem.action));
        }
        let mut named: BTreeSet<&str> = record.sat.iter().map(String::as_str).collect();
        named.extend(record.avocat_general.as_deref());
        for magistrate in named {
            let known = sqlx::query("SELECT id FROM magistrates WHERE id = $1")
                .bind(magistrate)
                .fetch_optional(&mut *write.tx)
                .await?
                .is_some();
            if !known {
                return Err(Error::bad_reference(
                    "sat",
                    format!("magistrat « {magistrate} » inconnu"),
                    "choisir un magistrat du référentiel",
                ));
            }
        }
        let json = serde_json::to_string(&record).map_err(Error::internal)?;
        let at = now();
        if expected == 0 {
            sqlx::query(
                "INSERT INTO sitting_records (hearing_id, record, recorded_by, recorded_at, version)
                 VALUES ($1, $2, $3, $4, 1)",
            )
            .bind(hearing_id)
            .bind(&json)
            .bind(actor)
            .bind(&at)
            .execute(&mut *write.tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE sitting_records SET record = $1, recorded_by = $2, recorded_at = $3, version = version + 1
                 WHERE hearing_id = $4",
            )
            .bind(&json)
            .bind(actor)
            .bind(&at)
            .bind(hearing_id)
            .execute(&mut *write.tx)
            .await?;
        }
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor,
                None,
                RegistryKind::SittingRecorded,
                serde_json::json!({"hearing": hearing_id, "version": expected + 1, "record": record}),
            ),
        )
        .await?;
        // The hearing held: its dossiers are in deliberation (`heard`) until
        // their decision is rendered; one sent back to a later roll by a
        // new publication is `scheduled` again.
        let roll: Vec<i64> = sqlx::query_scalar("SELECT dossier_id FROM hearing_roll WHERE hearing_id = $1")
            .bind(hearing_id)
            .fetch_all(&mut *write.tx)
            .await?;
        for dossier_id in roll {
            super::plans::move_status(&mut write.tx, dossier_id, greffe_models::registry::DossierStatus::Heard).await?;
        }
        let recorded = sitting_of(&mut write.tx, hearing_id).await?;
        write.commit().await?;
        Ok(recorded)
    }

    /// The decision of dossier `id`: saved, or prefilled from its roll and
    /// the hearing's record; with its defects on `today`.
    pub async fn decision_workspace(&self, today: Date, id: i64) -> Result<DecisionWorkspace> {
        let mut connection = self.pool().acquire().await?;
        workspace_in(&mut connection, &self.decision_rules, today, id).await
    }

    /// Saves a version of dossier `id`'s decision over version `expected`
    /// (0 for the first): the content well formed, its hearing the roll's;
    /// hashed and journaled. The status follows: deliberated once the
    /// outcome is recorded, drafted before.
    pub async fn save_decision(
        &self,
        actor: &str,
        today: Date,
        id: i64,
        expected: i64,
        save: DecisionSave,
    ) -> Result<DecisionWorkspace> {
        let DecisionSave { content, lateness } = save;
        if let Some(problem) = content.problems().into_iter().next() {
            return Err(Error::invalid(format!("content.{}", problem.field), problem.message, problem.action));
        }
        for (rule, reason) in &lateness {
            if Catalogue::embedded().rule(rule).is_none_or(|r| !is_memoire(r.met_by)) {
                return Err(Error::invalid(
                    format!("lateness.{rule}"),
                    format!("« {rule} » n'est pas un délai de mémoire"),
                    "ne consigner la tardiveté que des délais de mémoire du dossier",
                ));
            }
            if reason.trim().is_empty() {
                return Err(Error::invalid(
                    format!("lateness.{rule}"),
                    "la mention de tardiveté est vide",
                    "indiquer ce qui a été constaté, ou retirer la ligne",
                ));
            }
        }
        let mut write = self.write().await?;
        let dossier = dossiers::get_in(&mut write.tx, id).await?;
        if matches!(dossier.status, DossierStatus::Decided) || dossier.decision.is_some() {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "la décision du dossier est déjà rendue",
                "aucune nouvelle version ne peut être enregistrée",
            ));
        }
        let heard = heard_at(&mut write.tx, id, today).await?;
        let sitting = sitting_of(&mut write.tx, &heard.hearing_id).await?;
        if content.hearing != sitting.hearing_id
            || content.hearing_date != sitting.date
            || content.formation != sitting.formation
        {
            return Err(Error::invalid(
                "content.hearing",
                format!(
                    "la décision doit porter l'audience du rôle publié : {} du {} en {}",
                    sitting.hearing_id,
                    sitting.date,
                    sitting.formation.as_str()
                ),
                "ne pas modifier l'audience, sa date ni sa formation",
            ));
        }
        let current = sqlx::query("SELECT version, status FROM decision_drafts WHERE dossier_id = $1")
            .bind(id)
            .fetch_optional(&mut *write.tx)
            .await?;
        if let Some(row) = &current
            && matches!(
                DecisionStatus::parse(&rows::text(row, "status")?),
                Some(DecisionStatus::Signed | DecisionStatus::Rendered)
            )
        {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "la décision est signée par tous ses signataires : elle est scellée",
                "aucune nouvelle version ne peut être enregistrée",
            ));
        }
        let current_version = match &current {
            Some(row) => rows::int(row, "version")?,
            None => 0,
        };
        if current_version != expected {
            return Err(Error::VersionMismatch { current: current_version });
        }
        let status = if content.outcome.is_some() { DecisionStatus::Deliberated } else { DecisionStatus::Drafted };
        let version = expected + 1;
        let json = serde_json::to_string(&content).map_err(Error::internal)?;
        let sha256 = content.sha256();
        let lateness_json = serde_json::to_string(&lateness).map_err(Error::internal)?;
        let at = now();
        let entry = journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor,
                Some(id),
                RegistryKind::DecisionSaved,
                serde_json::json!({"version": version, "sha256": sha256, "status": status.as_str(),
                                   "hearing": sitting.hearing_id}),
            ),
        )
        .await?;
        if current.is_none() {
            sqlx::query(
                "INSERT INTO decision_drafts (dossier_id, hearing_id, status, content, lateness, version, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(&sitting.hearing_id)
            .bind(status.as_str())
            .bind(&json)
            .bind(&lateness_json)
            .bind(version)
            .bind(actor)
            .bind(&at)
            .execute(&mut *write.tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE decision_drafts SET hearing_id = $1, status = $2, content = $3, lateness = $4, version = $5,
                 updated_by = $6, updated_at = $7 WHERE dossier_id = $8",
            )
            .bind(&sitting.hearing_id)
            .bind(status.as_str())
            .bind(&json)
            .bind(&lateness_json)
            .bind(version)
            .bind(actor)
            .bind(&at)
            .bind(id)
            .execute(&mut *write.tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO decision_versions (dossier_id, version, content, sha256, saved_by, saved_at, journal_seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(version)
        .bind(&json)
        .bind(&sha256)
        .bind(actor)
        .bind(&at)
        .bind(entry.seq)
        .execute(&mut *write.tx)
        .await?;
        // A change after a signature voids it, and says so.
        void_before(&mut write.tx, actor, id, version).await?;
        let saved = workspace_in(&mut write.tx, &self.decision_rules, today, id).await?;
        write.commit().await?;
        Ok(saved)
    }

    /// Where the decision of each dossier of `hearing_id` stands, for those
    /// with a saved version (the others are to draft, once the hearing is
    /// held).
    pub async fn decision_states(&self, hearing_id: &str) -> Result<BTreeMap<i64, DecisionStatus>> {
        let mut states = BTreeMap::new();
        for row in sqlx::query("SELECT dossier_id, status FROM decision_drafts WHERE hearing_id = $1")
            .bind(hearing_id)
            .fetch_all(self.pool())
            .await?
        {
            let code = rows::text(&row, "status")?;
            let status =
                DecisionStatus::parse(&code).ok_or_else(|| Error::internal(format!("decision status {code}")))?;
            states.insert(rows::int(&row, "dossier_id")?, status);
        }
        Ok(states)
    }

    /// The content of version `version` of dossier `id`'s decision.
    pub async fn decision_version(&self, id: i64, version: i64) -> Result<DecisionContent> {
        let row = sqlx::query("SELECT content FROM decision_versions WHERE dossier_id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("version {version} de la décision du dossier {id}")))?;
        rows::json(&row, "content")
    }
}

impl Store {
    /// What version `version` of dossier `id`'s decision changed from the
    /// version before it, field by field (the first version: everything it
    /// wrote over the roll's prefill is not listed — there is no before).
    pub async fn decision_changes(&self, id: i64, version: i64) -> Result<Vec<greffe_models::decision::FieldChange>> {
        self.decision_changes_named(id, version, &|id: &str| id.to_owned()).await
    }

    /// [`Store::decision_changes`], each magistrate written as `name` gives
    /// him (the portal: by name).
    pub async fn decision_changes_named(
        &self,
        id: i64,
        version: i64,
        name: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<Vec<greffe_models::decision::FieldChange>> {
        let after = self.decision_version(id, version).await?;
        if version <= 1 {
            return Ok(Vec::new());
        }
        let before = self.decision_version(id, version - 1).await?;
        Ok(after.changes_named(&before, name))
    }
}

/// Whether a deadline met by `event` is a party's mémoire.
fn is_memoire(event: EventType) -> bool {
    matches!(
        event,
        EventType::DepotMemoireAmpliatif | EventType::DepotMemoireDefense | EventType::DepotMemoirePersonnel
    )
}

/// The decision of dossier `id` on `today` (see [`Store::decision_workspace`]).
pub(crate) async fn workspace_in(
    connection: &mut AnyConnection,
    rules: &DecisionRules,
    today: Date,
    id: i64,
) -> Result<DecisionWorkspace> {
    let dossier = dossiers::get_in(&mut *connection, id).await?;
    let heard = heard_at(&mut *connection, id, today).await?;
    let sitting = sitting_of(&mut *connection, &heard.hearing_id).await?;
    let hearing_date = greffe_models::dates::parse_date(&sitting.date).map_err(Error::internal)?;
    let stored = sqlx::query("SELECT status, content, lateness, version FROM decision_drafts WHERE dossier_id = $1")
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?;
    let record = &dossier.record;
    let designated: Vec<MagistrateId> = record.rapporteurs.iter().filter_map(|m| MagistrateId::parse(m).ok()).collect();
    let from_roll = prefilled(&dossier, &sitting);
    let (status, content, lateness, version) = match stored {
        Some(row) => {
            let code = rows::text(&row, "status")?;
            let status = DecisionStatus::parse(&code)
                .ok_or_else(|| Error::internal(format!("decision of dossier {id}: status {code}")))?;
            (
                status,
                rows::json::<DecisionContent>(&row, "content")?,
                rows::json::<BTreeMap<String, String>>(&row, "lateness")?,
                rows::int(&row, "version")?,
            )
        }
        None => (DecisionStatus::ToDraft, from_roll.clone(), BTreeMap::new(), 0),
    };

    // The facts of the procedure: report and opinion from the journal, the
    // mémoires from the deadlines, the notices from the publication's tasks.
    let entries = journal::of_dossier(&mut *connection, id).await?;
    let events = effective_events(&journal::procedural_events(&entries)?).map_err(Error::internal)?;
    let first = |kind: EventType| events.iter().filter(|e| e.kind == kind).map(|e| e.date).min();
    let report_filed = first(EventType::DepotRapport);
    let opinion_filed = first(EventType::AvisAvocatGeneral);
    let deadlines = super::deadlines::of_dossier(&mut *connection, id, today, DeadlineConfig::default()).await?;
    let memoires: Vec<(MemoireLine, Option<MemoireFact>)> = deadlines
        .deadlines
        .iter()
        .filter(|d| Catalogue::embedded().rule(&d.rule).is_some_and(|r| is_memoire(r.met_by)))
        .filter(|d| !matches!(d.state, DeadlineState::Closed | DeadlineState::Interrupted))
        .map(|d| {
            let recorded = lateness.get(&d.rule).cloned();
            let line = MemoireLine {
                rule: d.rule.clone(),
                label: d.label.clone(),
                due: d.due.map(|due| due.to_string()),
                filed: d.met_on.map(|on| on.to_string()),
                state: serde_json::to_value(d.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                lateness: recorded.clone(),
            };
            let fact = d.due.map(|due| MemoireFact {
                label: d.label.clone(),
                due,
                filed: d.met_on,
                lateness_recorded: recorded,
            });
            (line, fact)
        })
        .collect();
    let memoire_facts: Vec<MemoireFact> = memoires.iter().filter_map(|(_, fact)| fact.clone()).collect();
    let notices = notice_facts(&mut *connection, id, &sitting.hearing_id, &entries).await?;

    // The hearing as it sat, for the composition rules: the published
    // instance narrowed to this hearing and dossier, refreshed from the
    // registry (recusals, rapporteurs, absences as they are today).
    let doc = sitting_instance(&mut *connection, &heard, &sitting, id, &dossier).await?;
    let instance = greffe_models::format::validate(&doc);
    let (dossier_key, hearing_key) = (
        DossierId::parse(&super::planning::instance_id(id)).map_err(Error::internal)?,
        HearingId::parse(&sitting.hearing_id).map_err(Error::internal)?,
    );
    let nature = record.nature;
    let parties: Vec<NamedParty> = record.parties.iter().map(NamedParty::from).collect();
    let facts = DecisionFacts {
        nature,
        pourvoi: &record.pourvoi,
        parties: &parties,
        attacked: &record.attacked,
        rapporteurs: &designated,
        hearing_date,
        formation: sitting.formation,
        record: sitting.record.as_ref(),
        sitting: instance.as_ref().ok().map(|instance| Sitting {
            instance,
            dossier: &dossier_key,
            hearing: &hearing_key,
        }),
        report_filed,
        opinion_filed,
        memoires: &memoire_facts,
        notices: &notices,
        place: PLACES[0],
        rules,
    };
    let mut defects = defects(&content, &facts);
    // A bench the rules cannot read is not a lawful one.
    if let (Err(problems), Some(_)) = (&instance, &sitting.record) {
        let first = problems.first().map(|p| p.message.clone()).unwrap_or_default();
        defects.push(Defect::new(
            DefectRule::CompositionUnlawful,
            format!("la composition n'a pas pu être vérifiée : {first}"),
        ));
    }
    let mut versions = Vec::new();
    for row in sqlx::query(
        "SELECT version, sha256, saved_by, saved_at, journal_seq FROM decision_versions WHERE dossier_id = $1
         ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?
    {
        versions.push(DecisionVersion {
            version: rows::int(&row, "version")?,
            sha256: rows::text(&row, "sha256")?,
            saved_by: rows::text(&row, "saved_by")?,
            saved_at: rows::text(&row, "saved_at")?,
            journal_seq: rows::int(&row, "journal_seq")?,
        });
    }
    let seal = super::decision_signatures::seal_of(&mut *connection, id, version).await?;
    let signatures = signatures_of(&mut *connection, id).await?;
    let required = required_of(&content, version, &signatures);
    Ok(DecisionWorkspace {
        dossier_id: id,
        chamber: record.chamber.clone(),
        status,
        status_label: status.label_fr().to_owned(),
        content,
        version,
        from_roll,
        hearing: sitting,
        outcomes: Outcome::of(nature),
        memoires: memoires.into_iter().map(|(line, _)| line).collect(),
        defects,
        versions,
        required,
        signatures,
        seal,
    })
}

/// The decision as the roll and the hearing's record give it, before
/// anything is written: the record's mentions, who sat (else the published
/// bench), this dossier's rapporteurs.
fn prefilled(dossier: &dossiers::Dossier, sitting: &HearingSitting) -> DecisionContent {
    let record = &dossier.record;
    let (president, bench, avocat_general, greffier) = match &sitting.record {
        Some(sat) => (sat.president.clone(), sat.sat.clone(), sat.avocat_general.clone(), sat.greffier.clone()),
        None => (
            sitting.published_president.clone().unwrap_or_default(),
            sitting.published_bench.clone(),
            record.avocat_general.clone(),
            String::new(),
        ),
    };
    let mut members = bench;
    for rapporteur in &record.rapporteurs {
        if !members.contains(rapporteur) {
            members.push(rapporteur.clone());
        }
    }
    DecisionContent {
        pourvoi: record.pourvoi.clone(),
        parties: record.parties.iter().map(NamedParty::from).collect(),
        attacked: record.attacked.clone(),
        hearing: sitting.hearing_id.clone(),
        hearing_date: sitting.date.clone(),
        formation: sitting.formation,
        president,
        members,
        rapporteurs: record.rapporteurs.clone(),
        avocat_general,
        greffier,
        visas: Vec::new(),
        grounds: Vec::new(),
        outcome: None,
        operative: String::new(),
        pronouncement: None,
        publication: Vec::new(),
        prevented: Vec::new(),
    }
}

/// The notices of the hearing to the dossier's parties, from the
/// publication's tasks: sent on the day the task was done (journaled).
async fn notice_facts(
    connection: &mut AnyConnection,
    dossier_id: i64,
    hearing_id: &str,
    entries: &[journal::JournalEntry],
) -> Result<Vec<NoticeFact>> {
    let tasks = sqlx::query(
        "SELECT id, due, label, late_reason, done FROM notice_tasks
         WHERE dossier_id = $1 AND hearing_id = $2 AND kind = 'send_notice' ORDER BY id",
    )
    .bind(dossier_id)
    .bind(hearing_id)
    .fetch_all(&mut *connection)
    .await?;
    let mut facts = Vec::new();
    for task in tasks {
        let task_id = rows::int(&task, "id")?;
        let sent = entries
            .iter()
            .filter(|e| e.kind == RegistryKind::TaskDone.as_str())
            .filter(|e| e.payload.get("task").and_then(serde_json::Value::as_i64) == Some(task_id))
            .filter_map(|e| chrono::DateTime::parse_from_rfc3339(&e.recorded_at).ok())
            .map(|at| greffe_models::dates::paris_date(at.with_timezone(&chrono::Utc)))
            .min();
        let due = rows::opt_text(&task, "due")?.map(|d| greffe_models::dates::parse_date(&d)).transpose();
        facts.push(NoticeFact {
            label: rows::text(&task, "label")?,
            due: due.map_err(Error::internal)?,
            sent: if rows::int(&task, "done")? != 0 { sent } else { None },
            late_reason: rows::opt_text(&task, "late_reason")?,
        });
    }
    Ok(facts)
}

/// The instance the composition rules read: the one the roll was
/// published from, narrowed to the hearing and the dossier, its magistrates
/// (those of the published instance and whoever sat) and the dossier's
/// rapporteurs and recusals as the registry has them today.
async fn sitting_instance(
    connection: &mut AnyConnection,
    heard: &HeardAt,
    sitting: &HearingSitting,
    id: i64,
    dossier: &dossiers::Dossier,
) -> Result<InstanceDoc> {
    let row = sqlx::query("SELECT instance FROM plans WHERE id = $1")
        .bind(heard.plan_id)
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(format!("plan {}", heard.plan_id)))?;
    let mut doc: InstanceDoc = rows::json(&row, "instance")?;
    let key = super::planning::instance_id(id);
    doc.hearings.retain(|h| h.id == sitting.hearing_id);
    doc.dossiers.retain(|d| d.id == key);
    for hearing in &mut doc.hearings {
        hearing.locked_bench = None;
    }
    let record = &dossier.record;
    for entry in &mut doc.dossiers {
        entry.rapporteurs = record.rapporteurs.clone();
        entry.avocat_general = record.avocat_general.clone();
        entry.recused = record.recusals.iter().map(|r| r.magistrate.clone()).collect();
        entry.recusal_grounds = record.recusals.iter().map(|r| (r.magistrate.clone(), r.ground.clone())).collect();
        entry.pinned_hearing = None;
        entry.deadline = None;
        entry.deadline_rule = None;
    }
    let mut wanted: BTreeSet<String> = doc.magistrates.iter().map(|m| m.id.clone()).collect();
    if let Some(sat) = &sitting.record {
        wanted.extend(sat.sat.iter().cloned());
        wanted.extend(sat.avocat_general.iter().cloned());
    }
    wanted.extend(record.rapporteurs.iter().cloned());
    let caps: BTreeMap<String, i64> = doc.magistrates.iter().map(|m| (m.id.clone(), m.max_hearings_per_week)).collect();
    let default_cap = i64::from(greffe_models::planning::PlanningRules::default().default_weekly_cap.value);
    let mut magistrates = Vec::new();
    for m in super::reference::magistrates_in(&mut *connection, None).await? {
        let m = m.magistrate;
        if !wanted.contains(&m.id) {
            continue;
        }
        let seniority = doc.magistrates.iter().find(|d| d.id == m.id).and_then(|d| d.seniority.clone());
        let cap = caps.get(&m.id).copied().unwrap_or(default_cap);
        magistrates.push(MagistrateDoc { seniority, ..super::planning::magistrate_doc(m, cap) });
    }
    doc.magistrates = magistrates;
    Ok(doc)
}
