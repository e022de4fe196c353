//! The magistrates' work documents of a dossier ([`greffe_models::work`]):
//! every filed version kept with its SHA-256, its rendered PDF (by its
//! SHA-256 with the pieces' contents) and its journal entry. Filing a report
//! or an avocat général's opinion is the procedural event readiness and the
//! decision's checks read (`depot_rapport`, `avis_avocat_general`); filing
//! an opinion of the rapporteur or a draft is journaled without its text,
//! which stays the formation's.
//!
//! The store says who is tied to a dossier how ([`Store::work_ties`]); the
//! service decides from [`greffe_models::work::VISIBILITY`] what each
//! reader sees.

use std::collections::BTreeSet;

use greffe_models::decision::{Outcome, SittingRecord};
use greffe_models::diff::TaskKind;
use greffe_models::registry::{DossierStatus, JournalKind, RegistryKind};
use greffe_models::work::{Author, Reader, WorkContent, WorkKind, WorkSlot};
use greffe_models::{Date, access::UserRole};
use serde::Serialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::journal::{self, NewEntry};
use super::users::User;
use super::{Store, dossiers, now, rows};
use crate::error::{Error, ErrorCode, Result};

/// One filed version of a work document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkVersion {
    /// Version, from 1.
    pub version: i64,
    /// SHA-256 of the content's canonical JSON.
    pub sha256: String,
    /// SHA-256 of the PDF rendered at filing.
    pub pdf_sha256: String,
    /// The author (magistrate id).
    pub author: String,
    /// The author's name.
    pub author_name: String,
    /// The user who filed it.
    pub filed_by: String,
    /// Day of filing (YYYY-MM-DD, Paris).
    #[schema(format = Date)]
    pub filed_on: String,
    /// When (UTC).
    pub filed_at: String,
    /// Its journal entry.
    pub journal_seq: i64,
}

/// A work document as it stands: its last version's text and every version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WorkDocument {
    /// Dossier id.
    pub dossier_id: i64,
    /// Kind (`rapport`, `avis_rapporteur`, `projet`, `avis_avocat_general`).
    #[schema(value_type = String, example = "rapport")]
    pub kind: WorkKind,
    /// French label of the kind.
    pub kind_label: String,
    /// Number (1 but for the drafts).
    pub number: i64,
    /// The last version's text.
    #[schema(value_type = Object)]
    pub content: WorkContent,
    /// The last version (the ETag).
    pub version: i64,
    /// Every version, newest first.
    pub versions: Vec<WorkVersion>,
}

/// A work document in a dossier's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkSummary {
    /// Kind.
    #[schema(value_type = String, example = "rapport")]
    pub kind: WorkKind,
    /// French label of the kind.
    pub kind_label: String,
    /// Number (1 but for the drafts).
    pub number: i64,
    /// Its title.
    pub title: String,
    /// The solution proposed, if any (code).
    #[schema(value_type = Option<String>)]
    pub proposed: Option<Outcome>,
    /// The last version.
    pub version: i64,
    /// The last version's author's name.
    pub author_name: String,
    /// Day the last version was filed.
    #[schema(format = Date)]
    pub filed_on: String,
    /// SHA-256 of the last version's content.
    pub sha256: String,
}

/// A filing of a work document's new version.
#[derive(Debug, Clone)]
pub struct WorkFiling {
    /// Which document.
    pub slot: WorkSlot,
    /// The version read (0: a new document).
    pub expected: i64,
    /// Its text.
    pub content: WorkContent,
    /// Its PDF, as rendered from `content`.
    pub pdf: Vec<u8>,
}

const VERSION_COLUMNS: &str = "v.version, v.sha256, v.pdf_sha256, v.author, COALESCE(m.name, v.author) AS author_name,
     v.filed_by, v.filed_on, v.filed_at, v.journal_seq";

fn version_of(row: &sqlx::any::AnyRow) -> Result<WorkVersion> {
    Ok(WorkVersion {
        version: rows::int(row, "version")?,
        sha256: rows::text(row, "sha256")?,
        pdf_sha256: rows::text(row, "pdf_sha256")?,
        author: rows::text(row, "author")?,
        author_name: rows::text(row, "author_name")?,
        filed_by: rows::text(row, "filed_by")?,
        filed_on: rows::text(row, "filed_on")?,
        filed_at: rows::text(row, "filed_at")?,
        journal_seq: rows::int(row, "journal_seq")?,
    })
}

/// The last version of `slot` in dossier `id`, 0 when none is filed.
async fn last_version(connection: &mut AnyConnection, id: i64, slot: WorkSlot) -> Result<i64> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(version) FROM work_versions WHERE dossier_id = $1 AND kind = $2 AND number = $3",
    )
    .bind(id)
    .bind(slot.kind.as_str())
    .bind(slot.number)
    .fetch_one(&mut *connection)
    .await?;
    Ok(last.unwrap_or(0))
}

/// The number the next draft of dossier `id` takes.
async fn next_number(connection: &mut AnyConnection, id: i64, kind: WorkKind) -> Result<i64> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(number) FROM work_versions WHERE dossier_id = $1 AND kind = $2")
            .bind(id)
            .bind(kind.as_str())
            .fetch_one(&mut *connection)
            .await?;
    Ok(last.unwrap_or(0) + 1)
}

async fn document_in(connection: &mut AnyConnection, id: i64, slot: WorkSlot) -> Result<WorkDocument> {
    let rows_found = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS}, v.content FROM work_versions v LEFT JOIN magistrates m ON m.id = v.author
         WHERE v.dossier_id = $1 AND v.kind = $2 AND v.number = $3 ORDER BY v.version DESC"
    ))
    .bind(id)
    .bind(slot.kind.as_str())
    .bind(slot.number)
    .fetch_all(&mut *connection)
    .await?;
    let Some(last) = rows_found.first() else {
        return Err(Error::not_found(format!("{slot} du dossier n° {id}")));
    };
    Ok(WorkDocument {
        dossier_id: id,
        kind: slot.kind,
        kind_label: slot.kind.label_fr().to_owned(),
        number: slot.number,
        content: rows::json(last, "content")?,
        version: rows::int(last, "version")?,
        versions: rows_found.iter().map(version_of).collect::<Result<_>>()?,
    })
}

impl Store {
    /// How `user` is tied to dossier `id`, for its work documents: a
    /// rapporteur or the avocat général of its record; a member of the
    /// formation (the published bench of a hearing whose roll holds it, who
    /// sat there, the president of its chamber); the greffe of its chamber.
    /// The avocat général is never a member of the formation; analysts and
    /// administrators have no tie, nor does anyone outside its chamber.
    pub async fn work_ties(&self, user: &User, id: i64) -> Result<BTreeSet<Reader>> {
        let mut connection = self.pool().acquire().await?;
        let dossier = dossiers::get_in(&mut connection, id).await?;
        let mut ties = BTreeSet::new();
        if !user.covers(&dossier.record.chamber) {
            return Ok(ties);
        }
        match user.role {
            UserRole::Greffier => {
                ties.insert(Reader::Greffe);
            }
            UserRole::PresidentChambre | UserRole::Magistrat | UserRole::PremierAvocatGeneral => {
                let me = user.magistrate.as_deref();
                if me.is_some() && dossier.record.avocat_general.as_deref() == me {
                    ties.insert(Reader::AvocatGeneral);
                    return Ok(ties);
                }
                if let Some(me) = me
                    && dossier.record.rapporteurs.iter().any(|r| r == me)
                {
                    ties.insert(Reader::Rapporteur);
                }
                let formation = if user.role == UserRole::PresidentChambre {
                    true
                } else if let Some(me) = me {
                    formation_of(&mut connection, id).await?.contains(me)
                } else {
                    false
                };
                if formation {
                    ties.insert(Reader::Formation);
                }
            }
            UserRole::Analyste | UserRole::Admin => {}
        }
        Ok(ties)
    }

    /// Every work document of dossier `id`, in order of kind and number,
    /// each at its last version (the service shows each reader his own).
    pub async fn work_documents(&self, id: i64) -> Result<Vec<WorkSummary>> {
        let mut connection = self.pool().acquire().await?;
        dossiers::get_in(&mut connection, id).await?;
        let found = sqlx::query(
            "SELECT v.kind, v.number, v.version, v.content, v.sha256, v.filed_on, COALESCE(m.name, v.author) AS author_name
             FROM work_versions v LEFT JOIN magistrates m ON m.id = v.author
             WHERE v.dossier_id = $1 AND v.version = (SELECT MAX(w.version) FROM work_versions w
                 WHERE w.dossier_id = v.dossier_id AND w.kind = v.kind AND w.number = v.number)",
        )
        .bind(id)
        .fetch_all(&mut *connection)
        .await?;
        let mut summaries = Vec::with_capacity(found.len());
        for row in &found {
            let kind = rows::parsed(row, "kind", WorkKind::parse)?;
            let content: WorkContent = rows::json(row, "content")?;
            summaries.push(WorkSummary {
                kind,
                kind_label: kind.label_fr().to_owned(),
                number: rows::int(row, "number")?,
                title: content.title,
                proposed: content.proposed,
                version: rows::int(row, "version")?,
                author_name: rows::text(row, "author_name")?,
                filed_on: rows::text(row, "filed_on")?,
                sha256: rows::text(row, "sha256")?,
            });
        }
        summaries.sort_by_key(|s| (s.kind, s.number));
        Ok(summaries)
    }

    /// A work document with every version; 404 until filed.
    pub async fn work_document(&self, id: i64, slot: WorkSlot) -> Result<WorkDocument> {
        let mut connection = self.pool().acquire().await?;
        document_in(&mut connection, id, slot).await
    }

    /// The text of one version of a work document.
    pub async fn work_version(&self, id: i64, slot: WorkSlot, version: i64) -> Result<WorkContent> {
        let row = self.version_row(id, slot, version, "content").await?;
        rows::json(&row, "content")
    }

    /// The PDF one version of a work document was filed with.
    pub async fn work_pdf(&self, id: i64, slot: WorkSlot, version: i64) -> Result<Vec<u8>> {
        let sha256 = rows::text(&self.version_row(id, slot, version, "pdf_sha256").await?, "pdf_sha256")?;
        self.blobs
            .get(self.pool(), &sha256)
            .await?
            .ok_or_else(|| Error::internal(format!("PDF {sha256} absent du magasin")))
    }

    /// `column` of one version of a work document; 404 when not filed.
    async fn version_row(&self, id: i64, slot: WorkSlot, version: i64, column: &str) -> Result<sqlx::any::AnyRow> {
        let mut connection = self.pool().acquire().await?;
        sqlx::query(&format!(
            "SELECT {column} FROM work_versions WHERE dossier_id = $1 AND kind = $2 AND number = $3 AND version = $4"
        ))
        .bind(id)
        .bind(slot.kind.as_str())
        .bind(slot.number)
        .bind(version)
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(format!("version {version} du {slot} du dossier n° {id}")))
    }

    /// The text a new document of `kind` starts from in dossier `id`: the
    /// record's parties; for a draft, the grounds of the last report. With
    /// the number it takes (the next draft's, else 1).
    pub async fn work_prefill(&self, id: i64, kind: WorkKind) -> Result<(WorkSlot, WorkContent)> {
        let mut connection = self.pool().acquire().await?;
        let dossier = dossiers::get_in(&mut connection, id).await?;
        let number = if kind.several() { next_number(&mut connection, id, kind).await? } else { 1 };
        let report_slot = WorkSlot { kind: WorkKind::Rapport, number: 1 };
        let report = match last_version(&mut connection, id, report_slot).await? {
            0 => None,
            _ => Some(document_in(&mut connection, id, report_slot).await?.content),
        };
        Ok((WorkSlot { kind, number }, WorkContent::prefilled(kind, number, &dossier.record, report.as_ref())))
    }

    /// Files a new version of a work document of dossier `id` by `author`
    /// (a magistrate), over the version read (`filing.expected`, 0 for a new
    /// document; a new draft takes the next number). Refused when `author`
    /// does not write that kind in the dossier, when the text is not
    /// well formed, once the decision is rendered. The report and the
    /// avocat général's opinion are the procedural events of their filing,
    /// dated `today`; their deadlines and readiness move at once.
    pub async fn file_work(
        &self,
        actor: &str,
        author: &str,
        today: Date,
        id: i64,
        filing: WorkFiling,
    ) -> Result<WorkDocument> {
        let WorkFiling { slot, expected, content, pdf } = filing;
        let mut write = self.write().await?;
        let dossier = dossiers::get_in(&mut write.tx, id).await?;
        let writes = match slot.kind.author() {
            Author::Rapporteur => dossier.record.rapporteurs.iter().any(|r| r == author),
            Author::AvocatGeneral => dossier.record.avocat_general.as_deref() == Some(author),
        };
        if !writes {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                format!(
                    "{author} n'est pas {} : il ne dépose pas le {}",
                    slot.kind.author().label_fr(),
                    slot.kind.label_fr()
                ),
                "le document est déposé par celui que le dossier désigne (rapporteur, avocat général)",
            ));
        }
        if dossier.decision.is_some()
            || matches!(dossier.status, DossierStatus::Decided | DossierStatus::Closed | DossierStatus::Withdrawn)
        {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                format!("le dossier est {} : ses travaux sont clos", dossier.status_label),
                "aucun document ne peut plus y être déposé",
            ));
        }
        let outcomes = Outcome::of(dossier.record.nature);
        if let Some(problem) = content.problems(slot.kind, &outcomes).into_iter().next() {
            return Err(Error::invalid(format!("content.{}", problem.field), problem.message, problem.action));
        }
        // A new document is filed at its number: 1, or the next draft's.
        let first = if slot.kind.several() { next_number(&mut write.tx, id, slot.kind).await? } else { 1 };
        if (expected == 0 && slot.number != first) || slot.number < 1 || slot.number > first {
            return Err(Error::invalid(
                "number",
                format!("pas de {slot} à déposer dans ce dossier"),
                if slot.kind.several() {
                    format!("un nouveau projet prend le n° {first} ; une nouvelle version, le n° d'un projet déposé")
                } else {
                    "ce document porte le n° 1".to_owned()
                },
            ));
        }
        let number = slot.number;
        let current = last_version(&mut write.tx, id, slot).await?;
        if current != expected {
            return Err(Error::version_mismatch(current));
        }
        let version = expected + 1;
        let sha256 = content.sha256();
        let pdf_sha256 = greffe_models::signature::hex(&<sha2::Sha256 as sha2::Digest>::digest(&pdf));
        self.blobs.put(&mut write.tx, &pdf_sha256, &pdf).await?;
        let payload = serde_json::json!({"kind": slot.kind.as_str(), "number": number, "version": version,
                                         "sha256": sha256, "pdf_sha256": pdf_sha256, "author": author});
        let entry = match slot.kind.event() {
            Some(event) => NewEntry {
                actor: actor.to_owned(),
                dossier_id: Some(id),
                kind: JournalKind::Procedural(event),
                event_date: Some(today),
                payload,
                corrects: None,
            },
            None => NewEntry::registry(actor, Some(id), RegistryKind::WorkFiled, payload),
        };
        let entry = journal::append(&mut write.tx, entry).await?;
        sqlx::query(
            "INSERT INTO work_versions (dossier_id, kind, number, version, content, sha256, pdf_sha256, author, filed_by,
             filed_on, filed_at, journal_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(slot.kind.as_str())
        .bind(number)
        .bind(version)
        .bind(serde_json::to_string(&content).map_err(Error::internal)?)
        .bind(&sha256)
        .bind(&pdf_sha256)
        .bind(author)
        .bind(actor)
        .bind(today.to_string())
        .bind(now())
        .bind(entry.seq)
        .execute(&mut *write.tx)
        .await?;
        // The dossier changed (its journal): its version and deadlines move.
        dossiers::bump_version(&mut write.tx, id, dossier.version).await?;
        super::deadlines::refresh(&mut write.tx, id).await?;
        // What the parties read (the report, the avocat général's
        // opinion) is communicated to their lawyers as filed: this very
        // PDF, in the outbox, in this transaction.
        if slot.kind.visibility().readers.contains(&Reader::Parties) {
            let label = format!(
                "{}{}, version {version} déposée le {}",
                crate::outbox::COMMUNICATION_LABEL,
                slot.kind.label_fr(),
                today.format("%d/%m/%Y")
            );
            let notice = crate::outbox::NewNotice {
                document_sha256: Some(&pdf_sha256),
                ..crate::outbox::NewNotice::of_dossier(TaskKind::WorkNotice, id, &dossier.record.chamber, &label)
            };
            crate::outbox::queue_notice(&mut write.tx, notice, &now()).await?;
        }
        let filed = document_in(&mut write.tx, id, slot).await?;
        write.commit().await?;
        Ok(filed)
    }
}

/// A work document a magistrate has to file: the report or the opinion
/// not yet filed in a dossier being prepared, a draft not yet filed for a
/// hearing to come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkDue {
    /// Dossier id.
    pub dossier_id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Chamber.
    pub chamber: String,
    /// What to file (`rapport`, `projet`, `avis_avocat_general`).
    #[schema(value_type = String, example = "rapport")]
    pub kind: WorkKind,
    /// The next hearing whose published roll holds the dossier, if any.
    pub hearing_id: Option<String>,
    /// Its date (YYYY-MM-DD).
    #[schema(format = Date)]
    pub hearing_date: Option<String>,
}

impl Store {
    /// What `user` (a magistrate) has to file, hearing soonest first: as a
    /// rapporteur, the report of each dossier in preparation (routed, in
    /// instruction, ready or scheduled) whose journal has none, and a draft
    /// for each dossier on the roll of a hearing to come that has none; as
    /// an avocat général, his opinion where the journal has none.
    pub async fn work_due(&self, today: Date, user: &User) -> Result<Vec<WorkDue>> {
        let Some(me) = user.magistrate.as_deref() else { return Ok(Vec::new()) };
        let mut connection = self.pool().acquire().await?;
        let next_hearing = "(SELECT h.id FROM hearing_roll r JOIN hearings h ON h.id = r.hearing_id
              WHERE r.dossier_id = d.id AND h.date >= $2 ORDER BY h.date LIMIT 1)";
        let sql = format!(
            "SELECT d.id, d.pourvoi, d.chamber, {next_hearing} AS hearing_id,
                    (SELECT COUNT(*) FROM dossier_rapporteurs x WHERE x.dossier_id = d.id AND x.magistrate = $1) AS rapporteur,
                    CASE WHEN d.avocat_general = $1 THEN 1 ELSE 0 END AS avocat_general,
                    (SELECT COUNT(*) FROM journal j WHERE j.dossier_id = d.id AND j.kind = 'depot_rapport') AS reports,
                    (SELECT COUNT(*) FROM journal j WHERE j.dossier_id = d.id AND j.kind = 'avis_avocat_general') AS opinions,
                    (SELECT COUNT(*) FROM work_versions w WHERE w.dossier_id = d.id AND w.kind = 'projet') AS drafts
             FROM dossiers d
             WHERE d.status IN ('routed', 'in_instruction', 'ready', 'scheduled')
               AND (d.avocat_general = $1 OR EXISTS (SELECT 1 FROM dossier_rapporteurs x
                                                     WHERE x.dossier_id = d.id AND x.magistrate = $1))
             ORDER BY d.id"
        );
        let found = sqlx::query(&sql).bind(me).bind(today.to_string()).fetch_all(&mut *connection).await?;
        let mut due = Vec::new();
        for row in &found {
            let hearing_id = rows::opt_text(row, "hearing_id")?;
            let mut kinds = Vec::new();
            if rows::int(row, "rapporteur")? > 0 {
                if rows::int(row, "reports")? == 0 {
                    kinds.push(WorkKind::Rapport);
                }
                if hearing_id.is_some() && rows::int(row, "drafts")? == 0 {
                    kinds.push(WorkKind::Projet);
                }
            }
            if rows::int(row, "avocat_general")? > 0 && rows::int(row, "opinions")? == 0 {
                kinds.push(WorkKind::AvisAvocatGeneral);
            }
            for kind in kinds {
                due.push(WorkDue {
                    dossier_id: rows::int(row, "id")?,
                    pourvoi: rows::text(row, "pourvoi")?,
                    chamber: rows::text(row, "chamber")?,
                    kind,
                    hearing_id: hearing_id.clone(),
                    hearing_date: None,
                });
            }
        }
        for item in &mut due {
            if let Some(hearing) = &item.hearing_id {
                item.hearing_date = sqlx::query_scalar("SELECT date FROM hearings WHERE id = $1")
                    .bind(hearing)
                    .fetch_optional(&mut *connection)
                    .await?;
            }
        }
        // Hearing soonest first, those on no roll after.
        due.sort_by(|a, b| {
            (a.hearing_date.is_none(), &a.hearing_date, a.dossier_id, a.kind).cmp(&(
                b.hearing_date.is_none(),
                &b.hearing_date,
                b.dossier_id,
                b.kind,
            ))
        });
        Ok(due)
    }
}

/// The members of the formation of dossier `id`: the published bench of
/// every hearing whose roll holds it, and who sat there by its record.
async fn formation_of(connection: &mut AnyConnection, id: i64) -> Result<BTreeSet<String>> {
    let mut members = BTreeSet::new();
    for row in sqlx::query(
        "SELECT b.magistrate FROM hearing_roll r JOIN hearing_bench b ON b.hearing_id = r.hearing_id WHERE r.dossier_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?
    {
        members.insert(rows::text(&row, "magistrate")?);
    }
    for row in sqlx::query(
        "SELECT s.record FROM hearing_roll r JOIN sitting_records s ON s.hearing_id = r.hearing_id WHERE r.dossier_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?
    {
        let record: SittingRecord = rows::json(&row, "record")?;
        members.extend(record.sat);
    }
    Ok(members)
}
