//! Hearing plans as resources: drafts (several per chamber, visible to the
//! chamber only), validated, published (the hearing roll and bench written,
//! the notice tasks created, in one transaction), amended (replaced by a
//! published amendment), stale (a draft overtaken by a publication over its
//! chamber and horizon). Every change is kept in the plan's history; every
//! transition is journaled.

use std::collections::BTreeMap;

use greffe_checker::CheckReport;
use greffe_models::diff::{ImpliedTask, PlanDiff};
use greffe_models::format::InstanceDoc;
use greffe_models::registry::{DossierStatus, RegistryKind};
use greffe_models::{Date, Plan};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::FromRow;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::journal::{self, NewEntry};
use super::planning::store_id;
use super::{Store, dossiers, now, rows};
use crate::error::{Error, ErrorCode, Result};
use crate::sql::Sql;

pub use greffe_models::plan_status::PlanStatus;

/// A notice to the parties the greffe sends: implied by a publication, or
/// queued by a decision rendered, a report filed, an order signed.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeTask {
    /// Id.
    pub id: i64,
    /// The publication that created it (none for a notice outside any
    /// plan: a decision rendered, a report filed, an order signed).
    pub plan_id: Option<i64>,
    /// Dossier.
    pub dossier_id: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// The hearing it concerns (none for a report's communication or an
    /// order's notification).
    pub hearing_id: Option<String>,
    /// The chamber whose greffe sends it.
    pub chamber: String,
    /// `send_notice`, `withdraw_notice`, `composition_notice`,
    /// `decision_notice`, `work_notice`, `order_notice`.
    pub kind: String,
    /// Last day, for notices to send.
    pub due: Option<String>,
    /// What to do, in French.
    pub label: String,
    /// Why the hearing was published although this notice's last day had
    /// passed (the parties' agreement, for instance), as the clerk recorded it.
    pub late_reason: Option<String>,
    /// The document it notifies, when fixed as it was queued (the sealed
    /// arrêt, the report's filed version): its SHA-256.
    pub document_sha256: Option<String>,
}

/// A notice task that a publication creates.
#[derive(Debug, Clone, Copy)]
pub struct NewNoticeTask<'a> {
    /// The task the plan's change implies.
    pub task: &'a ImpliedTask,
    /// Its last day had passed at publication: why it is published anyway.
    pub late_reason: Option<&'a str>,
}

/// A plan's summary (lists).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema, sqlx::FromRow)]
pub struct PlanSummary {
    /// Id.
    pub id: i64,
    /// Chamber.
    pub chamber: String,
    /// First day.
    pub horizon_start: String,
    /// Last day.
    pub horizon_end: String,
    /// Status.
    #[sqlx(try_from = "String")]
    pub status: PlanStatus,
    /// Title.
    pub title: String,
    /// Hard violations the checker found at the last change.
    pub hard_violations: i64,
    /// The published plan this one amends.
    pub amends: Option<i64>,
    /// Why the plan is stale.
    pub stale_reason: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
    /// Version (the ETag).
    pub version: i64,
}

/// A plan with its content.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanRecord {
    /// The summary.
    #[serde(flatten)]
    pub summary: PlanSummary,
    /// The plan (interchange format).
    #[schema(value_type = Object)]
    pub plan: Plan,
    /// The checker's report at the last change.
    #[schema(value_type = Object)]
    pub report: CheckReport,
}

/// One line of a plan's history.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Order.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// `created`, `edit`, `validated`, `published`, `stale`, `amended`.
    pub action: String,
    /// What, as recorded.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// Hard violations after the change.
    pub hard_violations: i64,
}

/// A new plan.
pub struct NewPlan<'a> {
    /// Chamber.
    pub chamber: &'a str,
    /// Horizon.
    pub start: Date,
    /// Horizon.
    pub end: Date,
    /// Title.
    pub title: &'a str,
    /// Its instance.
    pub instance: &'a InstanceDoc,
    /// The plan.
    pub plan: &'a Plan,
    /// The checker's report.
    pub report: &'a CheckReport,
    /// The published plan it amends.
    pub amends: Option<i64>,
    /// How it was made (for the history).
    pub origin: serde_json::Value,
}

/// Test hook: make publication fail after writing this many rows of the
/// roll, to prove that nothing is half-published.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Fail after this many roll rows.
    pub fail_after_roll_rows: Option<usize>,
}

/// The other plans of a chamber over an overlapping horizon: a publication
/// makes the drafts and validated ones stale and the published one amended.
/// Binds: chamber, the publishing plan, its last day, its first day.
const OVERLAPPING: &str = "FROM plans WHERE chamber = $1 AND id <> $2 AND status IN ('draft', 'validated', 'published') \
                           AND horizon_start <= $3 AND horizon_end >= $4";

const SUMMARY: &str = "id, chamber, horizon_start, horizon_end, status, title, hard_violations, amends, stale_reason, \
                       created_by, created_at, updated_at, version";

/// The columns [`notice_task_of`] reads (`t` the task, `d` its dossier).
const TASK_COLUMNS: &str = "t.id, t.plan_id, t.dossier_id, d.pourvoi, t.hearing_id, t.chamber, t.kind, t.due, t.label,
    t.late_reason, t.document_sha256";

fn notice_task_of(row: &AnyRow) -> Result<NoticeTask> {
    Ok(NoticeTask {
        id: rows::int(row, "id")?,
        plan_id: rows::opt_int(row, "plan_id")?,
        dossier_id: rows::int(row, "dossier_id")?,
        pourvoi: rows::text(row, "pourvoi")?,
        hearing_id: rows::opt_text(row, "hearing_id")?,
        chamber: rows::text(row, "chamber")?,
        kind: rows::text(row, "kind")?,
        due: rows::opt_text(row, "due")?,
        label: rows::text(row, "label")?,
        late_reason: rows::opt_text(row, "late_reason")?,
        document_sha256: rows::opt_text(row, "document_sha256")?,
    })
}

fn summary_of(row: &AnyRow) -> Result<PlanSummary> {
    Ok(PlanSummary::from_row(row)?)
}

async fn history(
    connection: &mut AnyConnection,
    plan_id: i64,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
    hard: i64,
) -> Result<()> {
    let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM plan_history WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_one(&mut *connection)
        .await?;
    sqlx::query("INSERT INTO plan_history (plan_id, seq, at, actor, action, detail, hard_violations) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(plan_id)
        .bind(seq)
        .bind(now())
        .bind(actor)
        .bind(action)
        .bind(detail.to_string())
        .bind(hard)
        .execute(connection)
        .await?;
    Ok(())
}

/// A transition of a plan: in its history and in the hash-chained journal
/// (who, when, why).
async fn transition(
    connection: &mut AnyConnection,
    actor: &str,
    (plan, chamber): (i64, &str),
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    history(connection, plan, actor, action, detail.clone(), 0).await?;
    journal::append(
        connection,
        NewEntry::registry(
            actor.to_owned(),
            None,
            RegistryKind::PlanTransition,
            serde_json::json!({"plan": plan, "chamber": chamber, "transition": detail}),
        ),
    )
    .await?;
    Ok(())
}

/// Hard violations of a report (every violation is hard in model v1).
pub fn hard_violations(report: &CheckReport) -> i64 {
    report.violations.len() as i64
}

fn refuse_status(summary: &PlanSummary, wanted: &[PlanStatus], what: &str) -> Error {
    let wanted: Vec<&str> = wanted.iter().map(|s| s.label_fr()).collect();
    Error::conflict(
        ErrorCode::PlanStatus,
        format!("le plan {} est {} : impossible de {what}", summary.id, summary.status.label_fr()),
        format!("cette action demande un plan {}", wanted.join(" ou ")),
    )
}

impl Store {
    /// Records a new draft.
    pub async fn create_plan(&self, actor: &str, new: NewPlan<'_>) -> Result<PlanRecord> {
        let mut write = self.write().await?;
        let id = insert_plan(&mut write.tx, actor, new).await?;
        write.commit().await?;
        self.plan(id).await
    }

    /// Stores the draft a proposal job produced and ends the job with it
    /// (`{"plan_id"}`, and its last `progress`), in one transaction: `None`,
    /// and nothing stored, when `worker` no longer holds the job (another
    /// worker took it over and stores its own).
    pub async fn create_plan_of_job(
        &self,
        actor: &str,
        new: NewPlan<'_>,
        job: i64,
        worker: &str,
        progress: &impl Serialize,
    ) -> Result<Option<PlanRecord>> {
        let mut write = self.write().await?;
        let id = insert_plan(&mut write.tx, actor, new).await?;
        sqlx::query("UPDATE jobs SET progress = $1 WHERE id = $2 AND worker = $3 AND status = 'running'")
            .bind(serde_json::to_string(progress).map_err(Error::internal)?)
            .bind(job)
            .bind(worker)
            .execute(&mut *write.tx)
            .await?;
        let outcome = crate::jobs::Outcome::Done(serde_json::json!({"plan_id": id}));
        if !crate::jobs::finish_in(&mut write.tx, job, worker, &outcome).await? {
            return Ok(None);
        }
        write.commit().await?;
        self.plan(id).await.map(Some)
    }
}

/// Inserts a draft and its first history entry; returns its id.
async fn insert_plan(tx: &mut AnyConnection, actor: &str, new: NewPlan<'_>) -> Result<i64> {
    let at = now();
    let hard = hard_violations(new.report);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plans (chamber, horizon_start, horizon_end, status, title, instance, plan, report,
                                hard_violations, amends, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(new.chamber)
    .bind(new.start.to_string())
    .bind(new.end.to_string())
    .bind(new.title)
    .bind(serde_json::to_string(new.instance).map_err(Error::internal)?)
    .bind(serde_json::to_string(new.plan).map_err(Error::internal)?)
    .bind(serde_json::to_string(new.report).map_err(Error::internal)?)
    .bind(hard)
    .bind(new.amends)
    .bind(actor)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    history(tx, id, actor, "created", new.origin, hard).await?;
    Ok(id)
}

impl Store {
    /// A plan's summary.
    pub async fn plan_summary(&self, id: i64) -> Result<PlanSummary> {
        let row = sqlx::query(&format!("SELECT {SUMMARY} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("plan {id}")))?;
        summary_of(&row)
    }

    /// A plan with its content.
    pub async fn plan(&self, id: i64) -> Result<PlanRecord> {
        let row = sqlx::query(&format!("SELECT {SUMMARY}, plan, report FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("plan {id}")))?;
        Ok(PlanRecord {
            summary: summary_of(&row)?,
            plan: rows::json(&row, "plan")?,
            report: rows::json(&row, "report")?,
        })
    }

    /// A plan's instance.
    pub async fn plan_instance(&self, id: i64) -> Result<InstanceDoc> {
        let row = sqlx::query("SELECT instance FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("plan {id}")))?;
        rows::json(&row, "instance")
    }

    /// Plans of the given chambers (all when `None`), newest first;
    /// `published_only` for callers outside the chambers.
    pub async fn plans(&self, chambers: Option<&[String]>, published_only: bool) -> Result<Vec<PlanSummary>> {
        let mut sql = Sql::new(&format!("SELECT {SUMMARY} FROM plans WHERE 1 = 1"));
        sql.chamber_scope("chamber", chambers)?;
        if published_only {
            sql.push(" AND status IN ('published', 'amended')");
        }
        sql.push(" ORDER BY id DESC LIMIT 500");
        let rows = sql.fetch_all(self.pool()).await?;
        rows.iter().map(summary_of).collect()
    }

    /// A plan's history, oldest first.
    pub async fn plan_history(&self, id: i64) -> Result<Vec<HistoryEntry>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, detail, hard_violations FROM plan_history WHERE plan_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(HistoryEntry {
                    seq: rows::int(row, "seq")?,
                    at: rows::text(row, "at")?,
                    actor: rows::text(row, "actor")?,
                    action: rows::text(row, "action")?,
                    detail: rows::json(row, "detail")?,
                    hard_violations: rows::int(row, "hard_violations")?,
                })
            })
            .collect()
    }

    /// Replaces a draft's content after an edit (at `expected` version).
    #[allow(clippy::too_many_arguments)]
    pub async fn edit_plan(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        instance: &InstanceDoc,
        plan: &Plan,
        report: &CheckReport,
        detail: serde_json::Value,
    ) -> Result<PlanRecord> {
        let mut write = self.write().await?;
        let summary = self.locked_summary(&mut write.tx, id, expected).await?;
        if summary.status != PlanStatus::Draft {
            return Err(refuse_status(&summary, &[PlanStatus::Draft], "le modifier"));
        }
        let hard = hard_violations(report);
        sqlx::query(
            "UPDATE plans SET instance = $1, plan = $2, report = $3, hard_violations = $4, updated_at = $5,
                              version = version + 1 WHERE id = $6",
        )
        .bind(serde_json::to_string(instance).map_err(Error::internal)?)
        .bind(serde_json::to_string(plan).map_err(Error::internal)?)
        .bind(serde_json::to_string(report).map_err(Error::internal)?)
        .bind(hard)
        .bind(now())
        .bind(id)
        .execute(&mut *write.tx)
        .await?;
        history(&mut write.tx, id, actor, "edit", detail, hard).await?;
        write.commit().await?;
        self.plan(id).await
    }

    async fn locked_summary(&self, connection: &mut AnyConnection, id: i64, expected: i64) -> Result<PlanSummary> {
        let row = sqlx::query(&format!("SELECT {SUMMARY} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *connection)
            .await?
            .ok_or_else(|| Error::not_found(format!("plan {id}")))?;
        let summary = summary_of(&row)?;
        if summary.version != expected {
            return Err(Error::version_mismatch(summary.version));
        }
        Ok(summary)
    }

    /// `draft → validated`, with the report of the re-check made against
    /// the store just now (refused with the violations when there are any).
    pub async fn validate_plan(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        report: &CheckReport,
        reason: Option<&str>,
    ) -> Result<PlanRecord> {
        let mut write = self.write().await?;
        let summary = self.locked_summary(&mut write.tx, id, expected).await?;
        if !summary.status.may_become(PlanStatus::Validated) {
            return Err(refuse_status(&summary, &[PlanStatus::Draft], "le valider"));
        }
        let hard = hard_violations(report);
        if hard > 0 {
            let first = report.violations.first().map(|v| v.message.as_str()).unwrap_or_default();
            return Err(Error::conflict(
                ErrorCode::HardViolations,
                format!(
                    "le projet n° {id} enfreint {hard} règle(s) impérative(s) au regard du registre actuel ; la première : {first}"
                ),
                "corriger le projet (voir son rapport de contrôle) puis valider de nouveau",
            ));
        }
        sqlx::query("UPDATE plans SET status = 'validated', report = $1, hard_violations = 0, updated_at = $2, version = version + 1 WHERE id = $3")
            .bind(serde_json::to_string(report).map_err(Error::internal)?)
            .bind(now())
            .bind(id)
            .execute(&mut *write.tx)
            .await?;
        let detail = serde_json::json!({"from": "draft", "to": "validated", "reason": reason});
        transition(&mut write.tx, actor, (id, &summary.chamber), "validated", detail).await?;
        write.commit().await?;
        self.plan(id).await
    }

    /// `validated → published`, atomically: the hearings' rolls and benches
    /// replaced, the dossiers' statuses, the plan amended (if any) marked,
    /// overlapping drafts made stale, the notice tasks created, journaled.
    /// `plan` is the plan's content as the caller read it: a validated plan
    /// no longer changes, and its version is checked in the transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn publish_plan(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        instance: &InstanceDoc,
        plan: &Plan,
        changes: &PlanDiff,
        tasks: &[NewNoticeTask<'_>],
        reason: Option<&str>,
        faults: Faults,
    ) -> Result<PlanRecord> {
        let mut write = self.write().await?;
        let summary = self.locked_summary(&mut write.tx, id, expected).await?;
        if !summary.status.may_become(PlanStatus::Published) {
            return Err(refuse_status(&summary, &[PlanStatus::Validated], "le publier"));
        }
        let at = now();
        // Hearings of the plan's horizon: their rolls are this plan's now.
        let hearing_ids: Vec<&str> = instance.hearings.iter().map(|h| h.id.as_str()).collect();
        let previously: Vec<i64> = {
            let mut ids = Vec::new();
            for hearing in &hearing_ids {
                for row in sqlx::query("SELECT dossier_id FROM hearing_roll WHERE hearing_id = $1")
                    .bind(*hearing)
                    .fetch_all(&mut *write.tx)
                    .await?
                {
                    ids.push(rows::int(&row, "dossier_id")?);
                }
                sqlx::query("DELETE FROM hearing_roll WHERE hearing_id = $1")
                    .bind(*hearing)
                    .execute(&mut *write.tx)
                    .await?;
                sqlx::query("DELETE FROM hearing_bench WHERE hearing_id = $1")
                    .bind(*hearing)
                    .execute(&mut *write.tx)
                    .await?;
            }
            ids
        };
        let mut position: BTreeMap<&str, i64> = BTreeMap::new();
        let mut on_roll = Vec::new();
        for (index, assignment) in plan.assignments.iter().enumerate() {
            let Some(dossier_id) = store_id(assignment.dossier.as_str()) else {
                return Err(Error::internal(format!("plan {id}: dossier id {} is not a store id", assignment.dossier)));
            };
            let slot = position.entry(assignment.hearing.as_str()).or_default();
            *slot += 1;
            sqlx::query("INSERT INTO hearing_roll (hearing_id, position, dossier_id, plan_id) VALUES ($1, $2, $3, $4)")
                .bind(assignment.hearing.as_str())
                .bind(*slot)
                .bind(dossier_id)
                .bind(id)
                .execute(&mut *write.tx)
                .await?;
            if faults.fail_after_roll_rows.is_some_and(|limit| index + 1 >= limit) {
                return Err(Error::internal("panne simulée pendant la publication"));
            }
            on_roll.push(dossier_id);
        }
        for bench in &plan.benches {
            if !position.contains_key(bench.hearing.as_str()) {
                continue;
            }
            for member in &bench.members {
                sqlx::query(
                    "INSERT INTO hearing_bench (hearing_id, magistrate, presides, plan_id) VALUES ($1, $2, $3, $4)",
                )
                .bind(bench.hearing.as_str())
                .bind(member.as_str())
                .bind(i64::from(*member == bench.president))
                .bind(id)
                .execute(&mut *write.tx)
                .await?;
            }
        }
        // The hearings sit as the plan says (formation, capacity).
        for hearing in &instance.hearings {
            sqlx::query(
                "UPDATE hearings SET formation = $1, capacity = $2, version = version + 1
                 WHERE id = $3 AND (formation <> $1 OR capacity <> $2)",
            )
            .bind(&hearing.formation)
            .bind(hearing.capacity_count)
            .bind(&hearing.id)
            .execute(&mut *write.tx)
            .await?;
        }
        // Dossiers on a roll are scheduled; those that left it are ready again.
        for dossier_id in &on_roll {
            move_status(&mut write.tx, *dossier_id, DossierStatus::Scheduled).await?;
        }
        for dossier_id in previously.iter().filter(|d| !on_roll.contains(d)) {
            move_status(&mut write.tx, *dossier_id, DossierStatus::Ready).await?;
        }
        for &NewNoticeTask { task, late_reason } in tasks {
            // A withdrawn dossier left the store's plannable set but not the store.
            let Some(dossier_id) = store_id(task.dossier.as_str()) else { continue };
            // The notice to send (avis d'audience, de retrait, de changement
            // de composition): in the outbox, in this very transaction
            // (crate::outbox).
            let due = task.due.map(|d| d.to_string());
            let notice = crate::outbox::NewNotice {
                kind: task.kind,
                dossier_id,
                chamber: &summary.chamber,
                plan_id: Some(id),
                hearing_id: Some(task.hearing.as_str()),
                due: due.as_deref(),
                label: &task.label,
                late_reason,
                document_sha256: None,
            };
            crate::outbox::queue_notice(&mut write.tx, notice, &at).await?;
        }
        if let Some(amended) = summary.amends {
            sqlx::query("UPDATE plans SET status = 'amended', updated_at = $1, version = version + 1 WHERE id = $2 AND status = 'published'")
                .bind(&at)
                .bind(amended)
                .execute(&mut *write.tx)
                .await?;
            let detail = serde_json::json!({"from": "published", "to": "amended", "by": id, "reason": reason});
            transition(&mut write.tx, actor, (amended, &summary.chamber), "amended", detail).await?;
        }
        // Other published plans of the chamber over the same hearings are
        // replaced; drafts and validated plans overlapping become stale.
        let stale_reason = format!("le plan {id} a été publié le {} sur la même chambre et la même période", &at[..10]);
        let overlapping = sqlx::query(&format!("SELECT id, status {OVERLAPPING}"))
            .bind(&summary.chamber)
            .bind(id)
            .bind(&summary.horizon_end)
            .bind(&summary.horizon_start)
            .fetch_all(&mut *write.tx)
            .await?;
        for row in &overlapping {
            let other = rows::int(row, "id")?;
            let (status, action) =
                if rows::text(row, "status")? == "published" { ("amended", "amended") } else { ("stale", "stale") };
            sqlx::query(
                "UPDATE plans SET status = $1, stale_reason = $2, updated_at = $3, version = version + 1 WHERE id = $4",
            )
            .bind(status)
            .bind((status == "stale").then_some(stale_reason.as_str()))
            .bind(&at)
            .bind(other)
            .execute(&mut *write.tx)
            .await?;
            let detail = serde_json::json!({"to": status, "by": id, "reason": stale_reason});
            transition(&mut write.tx, actor, (other, &summary.chamber), action, detail).await?;
        }
        sqlx::query("UPDATE plans SET status = 'published', updated_at = $1, version = version + 1 WHERE id = $2")
            .bind(&at)
            .bind(id)
            .execute(&mut *write.tx)
            .await?;
        let detail = serde_json::json!({
            "from": "validated", "to": "published", "reason": reason, "amends": summary.amends,
            "dossiers": plan.assignments.len(), "tasks": tasks.len(),
            "moved": changes.moved.len(), "added": changes.added.len(), "dropped": changes.dropped.len(),
            "seats_changed": changes.seats_changed(), "stale": overlapping.len(),
        });
        transition(&mut write.tx, actor, (id, &summary.chamber), "published", detail).await?;
        write.commit().await?;
        self.plan(id).await
    }

    /// The plans that publishing `summary` would make stale (drafts,
    /// validated) or amended (the published one), as they are now.
    pub async fn overlapping_plans(&self, summary: &PlanSummary) -> Result<Vec<PlanSummary>> {
        sqlx::query(&format!("SELECT {SUMMARY} {OVERLAPPING} ORDER BY id"))
            .bind(&summary.chamber)
            .bind(summary.id)
            .bind(&summary.horizon_end)
            .bind(&summary.horizon_start)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(summary_of)
            .collect()
    }

    /// The notice tasks a publication of plan `id` created, done or not.
    pub async fn plan_notice_tasks(&self, id: i64) -> Result<Vec<(NoticeTask, bool)>> {
        let rows = sqlx::query(&format!(
            "SELECT {TASK_COLUMNS}, t.done
             FROM notice_tasks t JOIN dossiers d ON d.id = t.dossier_id
             WHERE t.plan_id = $1 ORDER BY COALESCE(t.due, '9999-12-31'), t.id"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| Ok((notice_task_of(row)?, rows::int(row, "done")? != 0))).collect()
    }

    /// One notice task, done or not.
    pub async fn notice_task(&self, id: i64) -> Result<NoticeTask> {
        let row = sqlx::query(&format!(
            "SELECT {TASK_COLUMNS} FROM notice_tasks t JOIN dossiers d ON d.id = t.dossier_id WHERE t.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::not_found(format!("tâche d'avis n° {id}")))?;
        notice_task_of(&row)
    }

    /// Open notice tasks of a chamber, soonest first.
    pub async fn notice_tasks(&self, chamber: &str) -> Result<Vec<NoticeTask>> {
        let rows = sqlx::query(&format!(
            "SELECT {TASK_COLUMNS} FROM notice_tasks t JOIN dossiers d ON d.id = t.dossier_id
             WHERE t.chamber = $1 AND t.done = 0
             ORDER BY COALESCE(t.due, '9999-12-31'), t.id"
        ))
        .bind(chamber)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(notice_task_of).collect()
    }

    /// Marks a registry task done (a notice sent, a composition announced),
    /// journaled on its dossier. `in_scope` decides from the task's chamber
    /// whether the caller may (the caller's scope, checked here, in the same
    /// transaction). A task already done is a conflict: someone else did it.
    pub async fn complete_notice(
        &self,
        actor: &str,
        id: i64,
        in_scope: impl FnOnce(&str) -> bool,
    ) -> Result<NoticeTask> {
        let mut write = self.write().await?;
        let row = sqlx::query(&format!(
            "SELECT {TASK_COLUMNS}, t.done FROM notice_tasks t JOIN dossiers d ON d.id = t.dossier_id WHERE t.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *write.tx)
        .await?
        .ok_or_else(|| Error::not_found(format!("tâche n° {id}")))?;
        let chamber = rows::text(&row, "chamber")?;
        if !in_scope(&chamber) {
            return Err(Error::not_found(format!("tâche n° {id}")));
        }
        if rows::int(&row, "done")? != 0 {
            return Err(Error::conflict(
                ErrorCode::AlreadyDone,
                "cette tâche est déjà marquée comme faite",
                "recharger la page : la liste des tâches est à jour",
            ));
        }
        let task = notice_task_of(&row)?;
        sqlx::query("UPDATE notice_tasks SET done = 1 WHERE id = $1").bind(id).execute(&mut *write.tx).await?;
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor.to_owned(),
                Some(task.dossier_id),
                RegistryKind::TaskDone,
                serde_json::json!({"task": id, "kind": task.kind, "hearing": task.hearing_id, "label": task.label}),
            ),
        )
        .await?;
        write.commit().await?;
        Ok(task)
    }

    /// The plan published over a chamber's hearings, as the previous plan
    /// of a publication: the current rolls and benches of `hearings`.
    pub async fn published_rolls(&self, hearings: &[&str]) -> Result<Plan> {
        let mut connection = self.pool().acquire().await?;
        let mut plan = Plan::of(Vec::new(), Vec::new());
        for hearing in hearings {
            let hearing_id = greffe_models::HearingId::parse(hearing).map_err(Error::internal)?;
            for row in sqlx::query("SELECT dossier_id FROM hearing_roll WHERE hearing_id = $1 ORDER BY position")
                .bind(*hearing)
                .fetch_all(&mut *connection)
                .await?
            {
                let dossier = super::planning::instance_id(rows::int(&row, "dossier_id")?);
                plan.assignments.push(greffe_models::Assignment {
                    dossier: greffe_models::DossierId::parse(&dossier).map_err(Error::internal)?,
                    hearing: hearing_id.clone(),
                });
            }
            let (president, members) = published_bench(&mut connection, hearing).await?;
            let parse = |id: &str| greffe_models::MagistrateId::parse(id).map_err(Error::internal);
            let members = members.iter().map(|m| parse(m)).collect::<Result<Vec<_>>>()?;
            if let Some(president) = president.as_deref().map(parse).transpose()? {
                plan.benches.push(greffe_models::Bench { hearing: hearing_id.clone(), president, members });
            }
        }
        Ok(plan)
    }
}

/// The bench published for `hearing_id`: who presides, and every member
/// (the president included), by id; none before a publication.
pub(crate) async fn published_bench(
    connection: &mut AnyConnection,
    hearing_id: &str,
) -> Result<(Option<String>, Vec<String>)> {
    let mut members = Vec::new();
    let mut president = None;
    for row in sqlx::query("SELECT magistrate, presides FROM hearing_bench WHERE hearing_id = $1 ORDER BY magistrate")
        .bind(hearing_id)
        .fetch_all(connection)
        .await?
    {
        let magistrate = rows::text(&row, "magistrate")?;
        if rows::int(&row, "presides")? != 0 {
            president = Some(magistrate.clone());
        }
        members.push(magistrate);
    }
    Ok((president, members))
}

/// Moves a dossier to `status` when the status machine allows it (a
/// dossier already there, or whose status does not lead there, is left).
pub(crate) async fn move_status(connection: &mut AnyConnection, dossier_id: i64, status: DossierStatus) -> Result<()> {
    let current: Option<String> = sqlx::query_scalar("SELECT status FROM dossiers WHERE id = $1")
        .bind(dossier_id)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(current) = current.as_deref().and_then(DossierStatus::parse) else { return Ok(()) };
    if current.may_become(status) {
        dossiers::set_status(connection, dossier_id, status, None).await?;
    }
    Ok(())
}
