//! The hearing-plan workflow over HTTP: planning instances from the store,
//! proposal jobs (solver in the background, progress by polling and
//! server-sent events, cancellation), drafts edited with live checking,
//! validation, publication, amendments after events, and the views (hearing
//! roll, magistrate agenda, chamber calendar) in JSON and iCalendar.

use greffe_models::access::{Operation, View};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use greffe_models::Date;
use greffe_models::edit::Edit;
use greffe_models::events::EventsDoc;
use greffe_models::format::InstanceDoc;
use greffe_solver::{Objective, ObjectiveWeights};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use utoipa::{IntoParams, ToSchema};

use super::extract::{Caller, IfMatch, Params, date_or, json_body, numeric_id, tagged};
use super::{AppState, idempotent, today};
use crate::error::{Error, Problem, Result};
use crate::worker::{JobProgress, PROPOSAL_QUEUE, ProposalJob, Worker};
use crate::workflow::{self, Amendment, Publication, Recheck};
use greffe_store::jobs::{Job, JobKind, JobStatus, NewJob};
use greffe_store::planning::{Excluded, horizon};
use greffe_store::plans::NoticeTask;
use greffe_store::plans::{Faults, HistoryEntry, PlanRecord, PlanStatus, PlanSummary};
use greffe_store::users::UserRole;

/// How often a stream of a job's progress reads its row.
const JOB_READ_EVERY: Duration = Duration::from_millis(250);

/// Progress of a proposal job.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JobView {
    /// Job id.
    pub id: i64,
    /// Chamber.
    pub chamber: String,
    /// `queued`, `running`, `done`, `failed`, `cancelled`.
    pub status: String,
    /// `preparing`, `solving`, `checking`, `done`.
    pub phase: String,
    /// Objective of the work done so far.
    pub incumbent: Option<f64>,
    /// Best bound so far.
    pub bound: Option<f64>,
    /// `(bound − incumbent) / |bound|`.
    pub gap: Option<f64>,
    /// Elapsed milliseconds.
    pub elapsed_ms: u64,
    /// The draft made from the result.
    pub plan_id: Option<i64>,
    /// What went wrong, in French.
    pub error: Option<String>,
}

impl JobView {
    /// Whether the job has ended.
    pub(crate) fn is_final(&self) -> bool {
        JobStatus::parse(&self.status).is_some_and(JobStatus::is_final)
    }

    /// The view of a job as stored (`store::jobs`; its progress as the
    /// worker reported it).
    pub(crate) fn of(job: &Job) -> Self {
        let progress: JobProgress =
            job.progress.clone().and_then(|p| serde_json::from_value(p).ok()).unwrap_or_default();
        let phase = match job.status {
            JobStatus::Queued => "preparing".to_owned(),
            JobStatus::Done | JobStatus::Failed | JobStatus::Cancelled => "done".to_owned(),
            JobStatus::Running if progress.phase.is_empty() => "preparing".to_owned(),
            JobStatus::Running => progress.phase.clone(),
        };
        Self {
            id: job.id,
            chamber: job.scope.clone(),
            status: job.status.as_str().to_owned(),
            phase,
            incumbent: progress.incumbent,
            bound: progress.bound,
            gap: progress.gap,
            elapsed_ms: progress.elapsed_ms,
            plan_id: job.result.as_ref().and_then(|r| r["plan_id"].as_i64()),
            error: job.error.clone(),
        }
    }
}

/// Whether the caller reads the drafts of `chamber` (`Visibility::drafts`,
/// within his chambers).
pub(crate) fn may_see_drafts(state: &AppState, caller: &Caller, chamber: &str) -> bool {
    state.visibility.allows(caller.0.role, View::Drafts) && caller.0.covers(chamber)
}

/// A plan the caller may read: drafts and validated plans only inside the
/// chamber; published (and amended) plans by every user.
async fn visible(state: &AppState, caller: &Caller, raw_id: &str) -> Result<PlanSummary> {
    let id = numeric_id(raw_id, "plan")?;
    let summary = state.store.plan_summary(id).await?;
    let public = matches!(summary.status, PlanStatus::Published | PlanStatus::Amended);
    if !public && !may_see_drafts(state, caller, &summary.chamber) {
        // Not even its existence is disclosed outside the chamber.
        return Err(Error::not_found(format!("plan {id}")));
    }
    Ok(summary)
}

fn require_planner(caller: &Caller, chamber: &str) -> Result<()> {
    caller.require(Operation::Plan)?;
    caller.require_chamber(chamber)
}

/// Horizon of an instance export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InstanceQuery {
    /// First day (YYYY-MM-DD).
    #[param(format = Date)]
    pub start: String,
    /// Last day (YYYY-MM-DD): not before `start`, at most 26 weeks (182
    /// days) after it.
    #[param(format = Date)]
    pub end: String,
    /// Day the notices can go out (default today).
    #[param(format = Date)]
    pub publication: Option<String>,
}

/// An exported instance and the dossiers left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstanceExport {
    /// The instance (interchange format, `docs/formats.md`).
    #[schema(value_type = Object)]
    pub instance: InstanceDoc,
    /// Open dossiers of the chamber not offered to the planner, with why.
    pub excluded: Vec<Excluded>,
}

/// The planning instance of a chamber for a horizon, built from the store.
#[utoipa::path(get, path = "/chambers/{code}/instance", tag = "plans", security(("token" = [])),
    params(("code" = String, Path, description = "Chamber"), InstanceQuery),
    responses((status = 200, body = InstanceExport), (status = 409, body = Problem)))]
pub async fn chamber_instance(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Params(query): Params<InstanceQuery>,
) -> Result<Json<InstanceExport>> {
    if !may_see_drafts(&state, &caller, &code) && caller.0.role != UserRole::Admin {
        return Err(Error::forbidden("réservé à la chambre (président, magistrats, greffe) et aux administrateurs"));
    }
    let (start, end) = horizon(&query.start, &query.end)?;
    let publication = date_or("publication", query.publication.as_deref(), today())?;
    let built = state.store.planning_instance(&code, start, end, publication, &state.rules).await?;
    Ok(Json(InstanceExport { instance: built.doc, excluded: built.excluded }))
}

/// A proposal request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalRequest {
    /// Chamber.
    pub chamber: String,
    /// First day of the horizon.
    #[schema(format = Date)]
    pub start: String,
    /// Last day of the horizon: not before `start`, at most 26 weeks (182
    /// days) after it.
    #[schema(format = Date)]
    pub end: String,
    /// Title of the draft.
    #[serde(default)]
    pub title: Option<String>,
    /// `default` (grouping, load balance) or `benchmark`.
    #[serde(default)]
    pub objective: Option<String>,
    /// Wall-clock limit in seconds (1–600, default 10).
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Day the notices can go out (default today).
    #[serde(default)]
    #[schema(format = Date)]
    pub publication: Option<String>,
    /// Only these dossiers (ids) are eligible; default: every dossier the
    /// store says is ready in the horizon.
    #[serde(default)]
    pub dossiers: Option<Vec<i64>>,
}

/// Starts a proposal job (president or clerk of the chamber): the job is
/// queued in the store and a worker — of this process or another — solves
/// it; follow it at `/plans/jobs/{id}` or its `/events` stream. At most 32
/// proposals of the court wait or run at once (429 beyond, with
/// `Retry-After`). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/plans/jobs", tag = "plans", security(("token" = [])), request_body = ProposalRequest,
    responses((status = 202, body = JobView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "The queue of proposals is full (`queue_full`)",
            headers(("Retry-After" = u64, description = "Seconds to wait before sending the request again")))))]
pub async fn start_job(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let request: ProposalRequest = json_body(&body)?;
    require_planner(&caller, &request.chamber)?;
    idempotent(&state, &caller, &headers, "POST", "/plans/jobs", &body, async {
        let job = queue_proposal(&state, caller.id(), &request).await?;
        let (id, view) = (job.id, JobView::of(&job));
        Ok((StatusCode::ACCEPTED, [(header::LOCATION, format!("/plans/jobs/{id}"))], Json(view)).into_response())
    })
    .await
}

/// Checks a proposal request against the registry and queues it for a
/// worker (the API's `POST /plans/jobs` and the portal's form); the caller
/// has checked that `actor` plans the chamber.
pub async fn queue_proposal(state: &AppState, actor: &str, request: &ProposalRequest) -> Result<Job> {
    let (start, end) = horizon(&request.start, &request.end)?;
    let publication = date_or("publication", request.publication.as_deref(), today())?;
    let objective = match request.objective.as_deref() {
        None | Some("default") => Objective::Default(ObjectiveWeights::default()),
        Some("benchmark") => Objective::Benchmark,
        Some(other) => {
            return Err(Error::invalid("objective", format!("objectif « {other} » inconnu"), "default ou benchmark"));
        }
    };
    let time_limit = request.time_limit_s.unwrap_or(10.0);
    let (shortest, longest) = super::TIME_LIMIT_S;
    if !(time_limit.is_finite() && (shortest..=longest).contains(&time_limit)) {
        return Err(Error::invalid(
            "time_limit_s",
            format!("{time_limit} s"),
            format!("donner de {shortest} à {longest} secondes"),
        ));
    }
    let mut built = state.store.planning_instance(&request.chamber, start, end, publication, &state.rules).await?;
    if let Some(only) = &request.dossiers {
        let keep: Vec<String> = only.iter().map(|id| greffe_store::planning::instance_id(*id)).collect();
        if let Some(missing) = keep.iter().find(|id| !built.doc.dossiers.iter().any(|d| &d.id == *id)) {
            // A dossier the registry does not hold ready there: the
            // request is well formed, the store refuses the reference.
            return Err(greffe_store::Error::bad_reference(
                "dossiers",
                format!("le dossier {missing} n'est pas audiençable dans cette chambre et cette période"),
                "retirer ce dossier de la liste (voir GET /chambers/{code}/instance, « excluded »)",
            )
            .into());
        }
        built.doc.dossiers.retain(|d| keep.contains(&d.id));
        built.instance = workflow::instance_of(&built.doc)?;
    }
    let title = request.title.clone().unwrap_or_else(|| format!("Proposition du {}", today().format("%d/%m/%Y")));
    let queued = ProposalJob {
        chamber: request.chamber.clone(),
        start,
        end,
        publication,
        benchmark: matches!(objective, Objective::Benchmark),
        time_limit_s: time_limit,
        dossiers: request
            .dossiers
            .as_ref()
            .map(|only| only.iter().map(|id| greffe_store::planning::instance_id(*id)).collect()),
        title,
    };
    let job = NewJob {
        kind: JobKind::Proposal,
        scope: request.chamber.clone(),
        created_by: actor.to_owned(),
        request: serde_json::to_value(&queued).map_err(Error::internal)?,
    };
    let job = state.store.enqueue_job(job, PROPOSAL_QUEUE).await?;
    Worker::ensure_started(state);
    Worker::wake(state, JobKind::Proposal);
    Ok(job)
}

async fn job_for(state: &AppState, caller: &Caller, raw_id: &str) -> Result<JobView> {
    let id = numeric_id(raw_id, "job")?;
    let hidden = || Error::not_found(format!("calcul {id}"));
    let job = state.store.job(id).await?;
    if job.kind != JobKind::Proposal || !may_see_drafts(state, caller, &job.scope) {
        return Err(hidden());
    }
    Ok(JobView::of(&job))
}

/// A proposal job's progress.
#[utoipa::path(get, path = "/plans/jobs/{id}", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Job")), responses((status = 200, body = JobView), (status = 404, body = Problem)))]
pub async fn get_job(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<JobView>> {
    Ok(Json(job_for(&state, &caller, &id).await?))
}

/// A proposal job's progress as server-sent events (`event: progress`, a
/// `JobView` per change), ending with the final state.
#[utoipa::path(get, path = "/plans/jobs/{id}/events", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Job")), responses((status = 200, content_type = "text/event-stream")))]
pub async fn job_events(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let view = job_for(&state, &caller, &id).await?;
    Ok(follow_job(&state, view.id, view, JobView::of, JobView::is_final))
}

/// Server-sent events of job `id` as `of` views it, starting from `first`:
/// the job may run in another process, so its row is read (every 250 ms)
/// until it ends.
pub fn follow_job<V>(state: &AppState, id: i64, first: V, of: fn(&Job) -> V, is_final: fn(&V) -> bool) -> Response
where
    V: Serialize + Clone + PartialEq + Send + Sync + 'static,
{
    let (sender, receiver) = watch::channel(first);
    let store = state.store.clone();
    tokio::spawn(async move {
        while !is_final(&sender.borrow()) && !sender.is_closed() {
            tokio::time::sleep(JOB_READ_EVERY).await;
            match store.job(id).await {
                Ok(job) => {
                    sender.send_if_modified(|view| {
                        let now = of(&job);
                        let changed = *view != now;
                        *view = now;
                        changed
                    });
                }
                Err(error) => {
                    tracing::warn!(job = id, %error, "job unreadable");
                    break;
                }
            }
        }
    });
    progress_stream(receiver, is_final)
}

/// Server-sent events of a job's progress: one `progress` event per change
/// (the current state first), ending after the final state.
fn progress_stream<T: Serialize + Clone + Send + Sync + 'static>(
    receiver: watch::Receiver<T>,
    is_final: fn(&T) -> bool,
) -> Response {
    let stream = futures_util::stream::unfold((receiver, false), move |(mut receiver, finished)| async move {
        if finished {
            return None;
        }
        let view = receiver.borrow_and_update().clone();
        let last = is_final(&view);
        let event = SseEvent::default().event("progress").json_data(&view).unwrap_or_default();
        if !last && receiver.changed().await.is_err() {
            return Some((Ok::<_, std::convert::Infallible>(event), (receiver, true)));
        }
        Some((Ok(event), (receiver, last)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// Cancels a proposal job (its requester, or the chamber's president). The
/// job stays readable, cancelled: a cancellation is an act on it, not its
/// deletion.
#[utoipa::path(post, path = "/plans/jobs/{id}/cancel", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Job")), responses((status = 202, body = JobView), (status = 404, body = Problem)))]
pub async fn cancel_job(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let view = job_for(&state, &caller, &id).await?;
    require_planner(&caller, &view.chamber)?;
    // A queued job ends at once; a running one when its worker next reads
    // its row (every 250 ms), HiGHS at its next check.
    let job = state.store.cancel_job(view.id).await?;
    Ok((StatusCode::ACCEPTED, Json(JobView::of(&job))).into_response())
}

/// Plans the caller may see: his chambers' drafts and every published plan.
#[utoipa::path(get, path = "/plans", tag = "plans", security(("token" = [])), responses((status = 200, body = [PlanSummary])))]
pub async fn list_plans(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<PlanSummary>>> {
    let mut plans = state.store.plans(None, false).await?;
    plans.retain(|p| {
        matches!(p.status, PlanStatus::Published | PlanStatus::Amended) || may_see_drafts(&state, &caller, &p.chamber)
    });
    Ok(Json(plans))
}

/// A plan with its checker's report (`ETag` = version).
#[utoipa::path(get, path = "/plans/{id}", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Plan")), responses((status = 200, body = PlanRecord), (status = 404, body = Problem)))]
pub async fn get_plan(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let summary = visible(&state, &caller, &id).await?;
    let record = state.store.plan(summary.id).await?;
    Ok(tagged(StatusCode::OK, record.summary.version, &record))
}

/// A plan's history: every edit with the checker's verdict, every transition.
#[utoipa::path(get, path = "/plans/{id}/history", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Plan")), responses((status = 200, body = [HistoryEntry])))]
pub async fn plan_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>> {
    let summary = visible(&state, &caller, &id).await?;
    Ok(Json(state.store.plan_history(summary.id).await?))
}

/// Applies an edit to a draft (president or clerk of the chamber, with
/// `If-Match`); answers the plan with the checker's report of the edited
/// draft. An edit that breaks a rule is kept — validation then refuses.
#[utoipa::path(post, path = "/plans/{id}/edits", tag = "plans", security(("token" = [])), request_body = Edit,
    params(("id" = i64, Path, description = "Plan"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = PlanRecord), (status = 409, body = Problem), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn edit_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    let summary = visible(&state, &caller, &id).await?;
    require_planner(&caller, &summary.chamber)?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let edit: Edit = json_body(&body)?;
    let record = workflow::apply(&state.store, caller.id(), summary.id, expected, &edit).await?;
    Ok(tagged(StatusCode::OK, record.summary.version, &record))
}

/// Why a transition is asked.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// Why, for the journal.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Re-checks a plan (typically the published one) against the store as it
/// is now — a withdrawal, a new recusal, an absence, a dossier no longer
/// ready shows up as violations — and flags the hearings they touch.
#[utoipa::path(get, path = "/plans/{id}/check", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Plan")), responses((status = 200, body = Recheck), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The registry's data do not form a valid planning instance (`instance_invalid`)")))]
pub async fn recheck_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Recheck>> {
    let summary = visible(&state, &caller, &id).await?;
    Ok(Json(workflow::recheck_plan(&state.store, &state.rules, &summary).await?))
}

/// `draft → validated`: only by a president of the plan's chamber, only
/// with no hard violation against the store as it is now.
#[utoipa::path(post, path = "/plans/{id}/validate", tag = "plans", security(("token" = [])), request_body = TransitionInput,
    params(("id" = i64, Path, description = "Plan"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = PlanRecord), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn validate_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    let summary = visible(&state, &caller, &id).await?;
    caller.require(Operation::ValidatePlan)?;
    caller.require_chamber(&summary.chamber)?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let input: TransitionInput = if body.is_empty() { TransitionInput::default() } else { json_body(&body)? };
    let record =
        workflow::validate(&state.store, &state.rules, caller.id(), &summary, expected, input.reason.as_deref())
            .await?;
    Ok(tagged(StatusCode::OK, record.summary.version, &record))
}

/// What publishing the plan would do, against the registry as it is now
/// (a clerk of its chamber): the rolls written, the notices created with
/// their last days — those already past flagged —, the dossiers whose status
/// changes, the plans overtaken. Publication does exactly this.
#[utoipa::path(get, path = "/plans/{id}/publication", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Plan")),
    responses((status = 200, body = Publication), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The plan is not validated (`plan_status`), or no longer forms a valid planning instance (`instance_invalid`)")))]
pub async fn publication(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Publication>> {
    let summary = visible(&state, &caller, &id).await?;
    caller.require(Operation::PublishPlan)?;
    caller.require_chamber(&summary.chamber)?;
    workflow::require_status(&summary, PlanStatus::Validated, "le publier")?;
    Ok(Json(workflow::publication(&state.store, &summary, state.today()).await?))
}

/// Publishes a validated plan (a clerk of its chamber): the hearing rolls
/// and benches are written, the notices to send (and to withdraw, for an
/// amendment) become registry tasks, overlapping drafts become stale — all
/// or nothing. A notice whose last day is already past is refused
/// (`late_notices`) unless `reason` says why (the parties' agreement, for
/// instance); the reason is kept with those notices.
#[utoipa::path(post, path = "/plans/{id}/publish", tag = "plans", security(("token" = [])), request_body = TransitionInput,
    params(("id" = i64, Path, description = "Plan"), ("If-Match" = String, Header, description = "ETag read (for example \"3\"); `*` is refused with 400: a write names the version it read")),
    responses((status = 200, body = PlanRecord), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn publish_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Option<IfMatch>,
    body: Bytes,
) -> Result<Response> {
    let summary = visible(&state, &caller, &id).await?;
    caller.require(Operation::PublishPlan)?;
    caller.require_chamber(&summary.chamber)?;
    let IfMatch(expected) = if_match.ok_or_else(Error::precondition_required)?;
    let input: TransitionInput = if body.is_empty() { TransitionInput::default() } else { json_body(&body)? };
    let record = workflow::publish(
        &state.store,
        caller.id(),
        &summary,
        expected,
        input.reason.as_deref(),
        state.today(),
        Faults::default(),
    )
    .await?;
    Ok(tagged(StatusCode::OK, record.summary.version, &record))
}

/// After procedural events (withdrawal, recusal, absence, dossier no longer
/// ready…), proposes a repaired amendment of a published plan as a new
/// draft: the fewest changes, each with its reason (president or clerk of
/// the chamber). The events are those of `docs/formats.md`, "Events".
#[utoipa::path(post, path = "/plans/{id}/amend", tag = "plans", security(("token" = [])), request_body = Object,
    params(("id" = i64, Path, description = "Published plan")),
    responses((status = 201, body = Amendment), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn amend_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let summary = visible(&state, &caller, &id).await?;
    require_planner(&caller, &summary.chamber)?;
    workflow::require_published(&summary)?;
    let path = format!("/plans/{}/amend", summary.id);
    idempotent(&state, &caller, &headers, "POST", &path, &body, async {
        let events: EventsDoc = json_body(&body)?;
        let amendment = workflow::amend(&state.store, caller.id(), &summary, &events).await?;
        Ok((StatusCode::CREATED, Json(amendment)).into_response())
    })
    .await
}

/// The chamber whose notice tasks are listed.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Chamber.
    pub chamber: String,
}

/// Notice tasks to do (clerks of the chamber).
#[utoipa::path(get, path = "/notices", tag = "plans", security(("token" = [])), params(NoticeQuery),
    responses((status = 200, body = [NoticeTask])))]
pub async fn notices(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<NoticeQuery>,
) -> Result<Json<Vec<NoticeTask>>> {
    caller.require(Operation::ReadNotices)?;
    caller.require_chamber(&query.chamber)?;
    Ok(Json(state.store.notice_tasks(&query.chamber).await?))
}

/// Marks a notice task done (a clerk of its chamber): the notice sent, the
/// composition announced. Journaled on the dossier; 409 `already_done` when
/// someone did it first.
#[utoipa::path(post, path = "/notices/{id}/done", tag = "plans", security(("token" = [])),
    params(("id" = i64, Path, description = "Notice task")),
    responses((status = 200, body = NoticeTask), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn complete_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<NoticeTask>> {
    caller.require(Operation::CompleteNotice)?;
    let id = numeric_id(&id, "tâche")?;
    Ok(Json(state.store.complete_notice(caller.id(), id, |chamber| caller.0.covers(chamber)).await?))
}

/// How a view is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ViewFormat {
    /// JSON.
    #[default]
    Json,
    /// iCalendar (RFC 5545).
    Ics,
}

/// The format of a hearing's roll.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RollQuery {
    /// `json` (default) or `ics` (iCalendar); `Accept: text/calendar` works too.
    #[param(inline)]
    pub format: Option<ViewFormat>,
}

/// The views' period and format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ViewQuery {
    /// First day (agenda, calendar; default today).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day (default 8 weeks after `from`): not before `from`, at most
    /// 366 days after it.
    #[param(format = Date)]
    pub to: Option<String>,
    /// `json` (default) or `ics` (iCalendar); `Accept: text/calendar` works too.
    #[param(inline)]
    pub format: Option<ViewFormat>,
}

fn wants_ics(format: Option<ViewFormat>, headers: &HeaderMap) -> bool {
    format == Some(ViewFormat::Ics)
        || headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/calendar"))
}

fn range(query: &ViewQuery) -> Result<(Date, Date)> {
    let from = date_or("from", query.from.as_deref(), today())?;
    let to = date_or("to", query.to.as_deref(), from + chrono::Duration::weeks(8))?;
    if to < from || (to - from).num_days() > 366 {
        return Err(Error::invalid("to", "période invalide", "donner from ≤ to, au plus un an"));
    }
    Ok((from, to))
}

fn respond(ics: bool, name: &str, events: &[greffe_store::views::CalendarEvent], json: Response) -> Response {
    if !ics {
        return json;
    }
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.ics\"")),
        ],
        greffe_store::views::ics(name, events),
    )
        .into_response()
}

/// A hearing's published roll: dossiers in order, bench, avocats généraux,
/// rapporteurs. JSON or iCalendar.
#[utoipa::path(get, path = "/hearings/{id}/roll", tag = "plans", security(("token" = [])),
    params(("id" = String, Path, description = "Hearing"), RollQuery),
    responses((status = 200, description = "The roll (JSON), or an iCalendar event",
        content((greffe_store::views::Roll = "application/json"), (String = "text/calendar"))),
        (status = 404, body = Problem)))]
pub async fn hearing_roll(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Params(query): Params<RollQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    caller.require_view(&state.visibility, View::Published)?;
    let roll = state.store.roll(&id).await?;
    let events = vec![roll.event()];
    Ok(respond(wants_ics(query.format, &headers), &format!("role-{id}"), &events, Json(&roll).into_response()))
}

/// A magistrate's agenda: the published hearings where he sits or reports.
#[utoipa::path(get, path = "/magistrates/{id}/agenda", tag = "plans", security(("token" = [])),
    params(("id" = String, Path, description = "Magistrate"), ViewQuery),
    responses((status = 200, description = "The agenda (JSON), or an iCalendar file",
        content((Vec<greffe_store::views::AgendaItem> = "application/json"), (String = "text/calendar")))))]
pub async fn magistrate_agenda(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Params(query): Params<ViewQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    // His own, or that of a magistrate of one's chambers for the roles the
    // court chose (`Visibility::agendas`).
    if caller.0.magistrate.as_deref() != Some(id.as_str()) {
        caller.require_view(&state.visibility, View::Agendas)?;
        caller.require_chamber(&state.store.magistrate(&id).await?.magistrate.chamber)?;
    }
    let (from, to) = range(&query)?;
    let agenda = state.store.agenda(&id, from, to).await?;
    let events: Vec<_> = agenda.iter().map(greffe_store::views::AgendaItem::event).collect();
    Ok(respond(wants_ics(query.format, &headers), &format!("agenda-{id}"), &events, Json(&agenda).into_response()))
}

/// A chamber's calendar: its hearings, with the published roll's size.
#[utoipa::path(get, path = "/chambers/{code}/calendar", tag = "plans", security(("token" = [])),
    params(("code" = String, Path, description = "Chamber"), ViewQuery),
    responses((status = 200, description = "The calendar (JSON), or an iCalendar file",
        content((Vec<greffe_store::views::CalendarDay> = "application/json"), (String = "text/calendar")))))]
pub async fn chamber_calendar(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Params(query): Params<ViewQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    caller.require_view(&state.visibility, View::Published)?;
    let (from, to) = range(&query)?;
    let calendar = state.store.calendar(&code, from, to).await?;
    let events: Vec<_> = calendar.iter().map(greffe_store::views::CalendarDay::event).collect();
    Ok(respond(
        wants_ics(query.format, &headers),
        &format!("calendrier-{code}"),
        &events,
        Json(&calendar).into_response(),
    ))
}
