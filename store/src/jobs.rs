//! Durable jobs: the work a request starts and a worker does later — a
//! proposed plan, a simulation run — kept as rows, so that a restart loses
//! none and any process can follow, cancel or take over a job run by any
//! other.
//!
//! A job is **queued** by [`Store::enqueue_job`] (refused with
//! [`Error::Busy`] when its kind already has as many open jobs as the
//! queue's bound), then **claimed** by one worker ([`Store::claim_job`]) for
//! a lease the worker renews with each progress report
//! ([`Store::job_progress`]). A worker that dies stops renewing: once the
//! lease has run out, the next claim takes the job over (after
//! [`MAX_ATTEMPTS`] claims it is failed instead, so that a job that kills
//! its worker cannot kill them all). A job ends once — **done** with its
//! result, **failed** with its error, or **cancelled** — and only by the
//! worker that holds its lease ([`finish_in`], inside the transaction that
//! stores what the job produced, so a draft is stored once or not at all).
//! Cancellation is a flag on the row: a queued job is cancelled at once, a
//! running one at its worker's next progress report.
//!
//! On PostgreSQL the claim takes the oldest open row with `FOR UPDATE SKIP
//! LOCKED`, so that workers in several processes never wait for each other
//! nor take the same job; on SQLite the store's writer lock orders claims
//! (one process owns the file).

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::error::{Error, ErrorCode, Problem, Result};
use crate::{Backend, Store, instant, now, rows};

/// Claims of one job before it is failed: a job whose worker died this
/// many times is not tried again.
pub const MAX_ATTEMPTS: i64 = 3;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A proposed plan for a chamber and a period.
    Proposal,
    /// A simulation run of a scenario.
    Simulation,
}

impl JobKind {
    /// Every kind.
    pub const ALL: [Self; 2] = [Self::Proposal, Self::Simulation];

    /// The kind as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposal => "proposal",
            Self::Simulation => "simulation",
        }
    }

    /// The kind stored as `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// Claimed by a worker, whose lease runs until `lease_until`.
    Running,
    /// Ended with its result.
    Done,
    /// Ended with an error.
    Failed,
    /// Ended at the request of a user.
    Cancelled,
}

impl JobStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [Self::Queued, Self::Running, Self::Done, Self::Failed, Self::Cancelled];

    /// The status as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status stored as `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// The status in the words of a clerk's message.
    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "en attente",
            Self::Running => "en cours",
            Self::Done => "terminée",
            Self::Failed => "en échec",
            Self::Cancelled => "annulée",
        }
    }

    /// True once the job has ended (done, failed or cancelled).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// What it does.
    pub kind: JobKind,
    /// Whose it is: a chamber's code, or `*` for the whole court.
    pub scope: String,
    /// Who asked for it.
    pub created_by: String,
    /// What was asked (the request, as JSON).
    pub request: serde_json::Value,
    /// Where it stands.
    pub status: JobStatus,
    /// The last progress its worker reported (JSON), if any.
    pub progress: Option<serde_json::Value>,
    /// Its result, once done.
    pub result: Option<serde_json::Value>,
    /// Why it failed, in French.
    pub error: Option<String>,
    /// A user asked that it stop.
    pub cancel_requested: bool,
    /// The worker that holds it (running), or held it last.
    pub worker: Option<String>,
    /// When the worker's lease runs out, unless renewed.
    pub lease_until: Option<String>,
    /// How many times a worker claimed it.
    pub attempts: i64,
    /// When it was queued.
    pub created_at: String,
    /// When a worker first claimed it.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// Its last change.
    pub updated_at: String,
}

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What it does.
    pub kind: JobKind,
    /// Whose it is: a chamber's code, or `*`.
    pub scope: String,
    /// Who asks.
    pub created_by: String,
    /// What is asked.
    pub request: serde_json::Value,
}

/// What a worker learns from a progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// Its lease is renewed: go on.
    Continue,
    /// A user asked that the job stop: stop, then finish it as cancelled.
    Cancel,
    /// The worker no longer holds the job (its lease ran out and another
    /// took it over, or it ended): stop, store nothing.
    Lost,
}

/// How a job ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// With its result.
    Done(serde_json::Value),
    /// With its error, in French.
    Failed(String),
    /// At a user's request.
    Cancelled,
}

const COLUMNS: &str = "id, kind, scope, created_by, request, status, progress, result, error, cancel_requested, \
                       worker, lease_until, attempts, created_at, started_at, finished_at, updated_at";

fn job_of(row: &AnyRow) -> Result<Job> {
    let json = |column: &str| -> Result<Option<serde_json::Value>> {
        rows::opt_text(row, column)?
            .map(|text| serde_json::from_str(&text).map_err(|error| Error::internal(format!("jobs.{column}: {error}"))))
            .transpose()
    };
    Ok(Job {
        id: rows::int(row, "id")?,
        kind: rows::parsed(row, "kind", JobKind::parse)?,
        scope: rows::text(row, "scope")?,
        created_by: rows::text(row, "created_by")?,
        request: json("request")?.unwrap_or(serde_json::Value::Null),
        status: rows::parsed(row, "status", JobStatus::parse)?,
        progress: json("progress")?,
        result: json("result")?,
        error: rows::opt_text(row, "error")?,
        cancel_requested: rows::int(row, "cancel_requested")? != 0,
        worker: rows::opt_text(row, "worker")?,
        lease_until: rows::opt_text(row, "lease_until")?,
        attempts: rows::int(row, "attempts")?,
        created_at: rows::text(row, "created_at")?,
        started_at: rows::opt_text(row, "started_at")?,
        finished_at: rows::opt_text(row, "finished_at")?,
        updated_at: rows::text(row, "updated_at")?,
    })
}

fn lease_end(lease: std::time::Duration) -> Result<String> {
    let lease = chrono::Duration::from_std(lease).map_err(Error::internal)?;
    Ok(instant(chrono::Utc::now() + lease))
}

/// Ends job `id` held by `worker`, within the caller's transaction (the one
/// that stores what the job produced). False, and nothing changed, when the
/// worker no longer holds it: the caller rolls back.
pub async fn finish_in(connection: &mut AnyConnection, id: i64, worker: &str, outcome: &Outcome) -> Result<bool> {
    let (status, result, error) = match outcome {
        Outcome::Done(result) => (JobStatus::Done, Some(result.to_string()), None),
        Outcome::Failed(error) => (JobStatus::Failed, None, Some(error.clone())),
        Outcome::Cancelled => (JobStatus::Cancelled, None, None),
    };
    let at = now();
    let ended = sqlx::query(
        "UPDATE jobs SET status = $1, result = $2, error = $3, finished_at = $4, updated_at = $4, lease_until = NULL
         WHERE id = $5 AND worker = $6 AND status = 'running'",
    )
    .bind(status.as_str())
    .bind(result)
    .bind(error)
    .bind(&at)
    .bind(id)
    .bind(worker)
    .execute(&mut *connection)
    .await?;
    Ok(ended.rows_affected() == 1)
}

impl Store {
    /// Queues a job; refused with [`Error::Busy`] when `bound` jobs of its
    /// kind are already queued or running.
    pub async fn enqueue_job(&self, job: NewJob, bound: usize) -> Result<Job> {
        let mut write = self.write_unjournaled().await?;
        let open: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')")
                .bind(job.kind.as_str())
                .fetch_one(&mut *write.tx)
                .await?;
        if usize::try_from(open).unwrap_or(usize::MAX) >= bound {
            return Err(Error::busy(
                format!("{open} calculs de ce type sont déjà en attente ou en cours (au plus {bound})"),
                "réessayer dans un moment",
                30,
            ));
        }
        let at = now();
        let row = sqlx::query(&format!(
            "INSERT INTO jobs (kind, scope, created_by, request, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'queued', $5, $5) RETURNING {COLUMNS}"
        ))
        .bind(job.kind.as_str())
        .bind(&job.scope)
        .bind(&job.created_by)
        .bind(job.request.to_string())
        .bind(&at)
        .fetch_one(&mut *write.tx)
        .await?;
        let job = job_of(&row)?;
        write.commit().await?;
        Ok(job)
    }

    /// Claims the oldest job of `kinds` that is queued, or running on a
    /// lease that ran out, for `worker` and a lease of `lease`; `None` when
    /// there is none. Jobs whose lease ran out after a cancellation, or
    /// after [`MAX_ATTEMPTS`] claims, are ended on the way (cancelled,
    /// failed).
    pub async fn claim_job(&self, kinds: &[JobKind], worker: &str, lease: std::time::Duration) -> Result<Option<Job>> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let at = now();
        let until = lease_end(lease)?;
        // `$first, $first+1, …`: the kinds' placeholders.
        let kinds_from =
            |first: usize| (first..first + kinds.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        // An idle worker asks often: a read first, so that it takes the
        // write lock (SQLite's, for the whole file) only when a job waits or
        // a lease has run out.
        let waiting_sql = format!(
            "SELECT COUNT(*) FROM (SELECT id FROM jobs
                                   WHERE (kind IN ({}) AND status = 'queued') OR (status = 'running' AND lease_until < $1)
                                   LIMIT 1) AS open",
            kinds_from(2)
        );
        let mut waiting = sqlx::query_scalar::<_, i64>(&waiting_sql).bind(&at);
        for kind in kinds {
            waiting = waiting.bind(kind.as_str());
        }
        if waiting.fetch_one(self.pool()).await? == 0 {
            return Ok(None);
        }
        let mut write = self.write_unjournaled().await?;
        sqlx::query(
            "UPDATE jobs SET status = 'cancelled', finished_at = $1, updated_at = $1, lease_until = NULL
             WHERE status = 'running' AND lease_until < $1 AND cancel_requested = 1",
        )
        .bind(&at)
        .execute(&mut *write.tx)
        .await?;
        sqlx::query(&format!(
            "UPDATE jobs SET status = 'failed', finished_at = $1, updated_at = $1, lease_until = NULL,
                 error = 'abandonné : son calcul s''est interrompu {MAX_ATTEMPTS} fois (processus arrêté)'
             WHERE status = 'running' AND lease_until < $1 AND attempts >= {MAX_ATTEMPTS}"
        ))
        .bind(&at)
        .execute(&mut *write.tx)
        .await?;
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', worker = $1, lease_until = $2, attempts = attempts + 1,
                 started_at = COALESCE(started_at, $3), updated_at = $3
             WHERE id = (SELECT id FROM jobs
                         WHERE kind IN ({kinds})
                           AND (status = 'queued' OR (status = 'running' AND lease_until < $3))
                         ORDER BY id LIMIT 1{skip_locked})
             RETURNING {COLUMNS}",
            kinds = kinds_from(4)
        );
        let mut query = sqlx::query(&sql).bind(worker).bind(&until).bind(&at);
        for kind in kinds {
            query = query.bind(kind.as_str());
        }
        let claimed = query.fetch_optional(&mut *write.tx).await?.as_ref().map(job_of).transpose()?;
        write.commit().await?;
        Ok(claimed)
    }

    /// Records the progress of job `id` held by `worker` and renews its
    /// lease; says whether to go on, stop for a cancellation, or stop
    /// because the job is no longer the worker's.
    pub async fn job_progress(
        &self,
        id: i64,
        worker: &str,
        progress: &serde_json::Value,
        lease: std::time::Duration,
    ) -> Result<Beat> {
        let until = lease_end(lease)?;
        let mut write = self.write_unjournaled().await?;
        let row = sqlx::query(
            "UPDATE jobs SET progress = $1, lease_until = $2, updated_at = $3
             WHERE id = $4 AND worker = $5 AND status = 'running'
             RETURNING cancel_requested",
        )
        .bind(progress.to_string())
        .bind(&until)
        .bind(now())
        .bind(id)
        .bind(worker)
        .fetch_optional(&mut *write.tx)
        .await?;
        write.commit().await?;
        Ok(match row {
            None => Beat::Lost,
            Some(row) if rows::int(&row, "cancel_requested")? != 0 => Beat::Cancel,
            Some(_) => Beat::Continue,
        })
    }

    /// Ends job `id` held by `worker` (see [`finish_in`]); false when the
    /// worker no longer holds it.
    pub async fn finish_job(&self, id: i64, worker: &str, outcome: &Outcome) -> Result<bool> {
        let mut write = self.write_unjournaled().await?;
        let ended = finish_in(&mut write.tx, id, worker, outcome).await?;
        write.commit().await?;
        Ok(ended)
    }

    /// Asks that job `id` stop: a queued job is cancelled at once, a running
    /// one at its worker's next progress report; an ended job is left as it
    /// is. Returns the job as it now stands.
    pub async fn cancel_job(&self, id: i64) -> Result<Job> {
        let at = now();
        let mut write = self.write_unjournaled().await?;
        sqlx::query(
            "UPDATE jobs SET cancel_requested = 1, updated_at = $1,
                 status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
                 finished_at = CASE WHEN status = 'queued' THEN $1 ELSE finished_at END
             WHERE id = $2 AND status IN ('queued', 'running')",
        )
        .bind(&at)
        .bind(id)
        .execute(&mut *write.tx)
        .await?;
        write.commit().await?;
        self.job(id).await
    }

    /// Job `id`.
    pub async fn job(&self, id: i64) -> Result<Job> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("calcul {id}")))?;
        job_of(&row)
    }

    /// How many jobs there are of each kind and status (the kinds and
    /// statuses with none are left out).
    pub async fn job_counts(&self) -> Result<Vec<(JobKind, JobStatus, i64)>> {
        let rows =
            sqlx::query("SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status ORDER BY kind, status")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    rows::parsed(row, "kind", JobKind::parse)?,
                    rows::parsed(row, "status", JobStatus::parse)?,
                    rows::int(row, "n")?,
                ))
            })
            .collect()
    }

    /// The jobs of `kind`, newest first, of `scope` when given.
    pub async fn jobs(&self, kind: JobKind, scope: Option<&str>) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE kind = $1 AND (CAST($2 AS TEXT) IS NULL OR scope = $2) ORDER BY id DESC"
        ))
        .bind(kind.as_str())
        .bind(scope)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(job_of).collect()
    }
}

impl Error {
    /// A queue at its bound: the request may be sent again in
    /// `retry_after_s` seconds.
    pub fn busy(message: impl Into<String>, action: impl Into<String>, retry_after_s: u64) -> Self {
        let mut problem = Problem::new(ErrorCode::QueueFull, message);
        problem.action = Some(action.into());
        Self::Busy { problem, retry_after_s }
    }
}
