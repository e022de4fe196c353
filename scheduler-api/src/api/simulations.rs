//! What-if simulations for analysts over HTTP: a scenario posted is queued
//! as a durable job (`store::jobs`, kind `simulation`) and run by a worker
//! of any process, one at a time per worker; it is followed by polling or
//! server-sent events, cancelled, and its results — kept in the store, a
//! restart loses none — download as JSON or CSV.

use greffe_models::access::Operation;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use greffe_simulation::{Outcome, Scenario};
use greffe_store::jobs::{Job, JobKind, JobStatus, NewJob};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Caller, Params, json_body, numeric_id};
use super::plans::follow_job;
use super::{AppState, idempotent};
use crate::error::{Error, ErrorCode, Problem, Result};
use crate::worker::{SIMULATION_QUEUE, SimulationProgress, Worker};

/// A simulation run's progress.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimulationView {
    /// Run id.
    pub id: i64,
    /// Scenario name.
    pub scenario: String,
    /// `queued`, `running`, `done`, `failed`, `cancelled`.
    pub status: String,
    /// Weeks simulated so far.
    pub week: u32,
    /// Weeks in all.
    pub weeks: u32,
    /// Elapsed milliseconds.
    pub elapsed_ms: u64,
    /// Who asked for it.
    pub created_by: String,
    /// When it was asked for (RFC 3339, UTC).
    pub created_at: String,
    /// What went wrong, in French.
    pub error: Option<String>,
}

impl SimulationView {
    /// Whether the run has ended (done, failed or cancelled).
    pub fn is_final(&self) -> bool {
        JobStatus::parse(&self.status).is_some_and(JobStatus::is_final)
    }

    /// The view of a simulation job as stored (its progress as the worker
    /// reported it).
    pub fn of(job: &Job) -> Self {
        let progress: SimulationProgress =
            job.progress.clone().and_then(|p| serde_json::from_value(p).ok()).unwrap_or_default();
        let weeks = job.request["weeks"].as_u64().and_then(|w| u32::try_from(w).ok()).unwrap_or_default();
        Self {
            id: job.id,
            scenario: job.scope.clone(),
            status: job.status.as_str().to_owned(),
            week: if job.status == JobStatus::Done { weeks } else { progress.week },
            weeks,
            elapsed_ms: progress.elapsed_ms,
            created_by: job.created_by.clone(),
            created_at: job.created_at.clone(),
            error: job.error.clone(),
        }
    }
}

/// Starts a simulation (analysts): the body is a scenario (`docs/formats.md`,
/// "Simulation scenario", as JSON). At most 8 runs of the court wait or run
/// at once (429 beyond, with `Retry-After`). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/simulations", tag = "simulations", security(("token" = [])), request_body = Scenario,
    responses((status = 202, body = SimulationView), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "The queue of simulations is full (`queue_full`)",
            headers(("Retry-After" = u64, description = "Seconds to wait before sending the request again")))))]
pub async fn start(State(state): State<AppState>, caller: Caller, headers: HeaderMap, body: Bytes) -> Result<Response> {
    caller.require(Operation::Simulate)?;
    idempotent(&state, &caller, &headers, "POST", "/simulations", &body, async {
        let scenario: Scenario = json_body(&body)?;
        let job = queue_simulation(&state, caller.id(), &scenario).await?;
        let (id, view) = (job.id, SimulationView::of(&job));
        Ok((StatusCode::ACCEPTED, [(header::LOCATION, format!("/simulations/{id}"))], Json(view)).into_response())
    })
    .await
}

/// Queues `scenario` (checked) as a durable simulation job asked by
/// `actor`, and wakes this process's worker.
pub async fn queue_simulation(state: &AppState, actor: &str, scenario: &Scenario) -> Result<Job> {
    scenario.check().map_err(|e| Error::invalid(e.field, e.message, "corriger le scénario"))?;
    let job = NewJob {
        kind: JobKind::Simulation,
        scope: scenario.name.clone(),
        created_by: actor.to_owned(),
        request: serde_json::to_value(scenario).map_err(Error::internal)?,
    };
    let job = state.store.enqueue_job(job, SIMULATION_QUEUE).await?;
    Worker::ensure_started(state);
    Worker::wake(state, JobKind::Simulation);
    Ok(job)
}

/// Simulation `raw` as stored; a job of another kind is not found.
pub async fn run_of(state: &AppState, caller: &Caller, raw: &str) -> Result<Job> {
    caller.require(Operation::Simulate)?;
    let id = numeric_id(raw, "simulation")?;
    let missing = || Error::not_found(format!("simulation {id}"));
    match state.store.job(id).await {
        Ok(job) if job.kind == JobKind::Simulation => Ok(job),
        Ok(_) | Err(greffe_store::Error::NotFound(_)) => Err(missing()),
        Err(error) => Err(error.into()),
    }
}

/// The court's simulation runs, newest first.
#[utoipa::path(get, path = "/simulations", tag = "simulations", security(("token" = [])),
    responses((status = 200, body = [SimulationView]), (status = 403, body = Problem)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<SimulationView>>> {
    caller.require(Operation::Simulate)?;
    let jobs = state.store.jobs(JobKind::Simulation, None).await?;
    Ok(Json(jobs.iter().map(SimulationView::of).collect()))
}

/// A simulation's progress.
#[utoipa::path(get, path = "/simulations/{id}", tag = "simulations", security(("token" = [])),
    params(("id" = i64, Path, description = "Run")), responses((status = 200, body = SimulationView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<SimulationView>> {
    Ok(Json(SimulationView::of(&run_of(&state, &caller, &id).await?)))
}

/// Cancels a simulation: a queued one at once, a running one within a
/// second (its worker reads the request from the row). The run stays
/// readable, cancelled.
#[utoipa::path(post, path = "/simulations/{id}/cancel", tag = "simulations", security(("token" = [])),
    params(("id" = i64, Path, description = "Run")), responses((status = 202, body = SimulationView), (status = 404, body = Problem)))]
pub async fn cancel(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let job = run_of(&state, &caller, &id).await?;
    let job = state.store.cancel_job(job.id).await?;
    Ok((StatusCode::ACCEPTED, Json(SimulationView::of(&job))).into_response())
}

/// A simulation's progress as server-sent events, ending with the final state.
#[utoipa::path(get, path = "/simulations/{id}/events", tag = "simulations", security(("token" = [])),
    params(("id" = i64, Path, description = "Run")), responses((status = 200, content_type = "text/event-stream")))]
pub async fn events(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let job = run_of(&state, &caller, &id).await?;
    Ok(follow_job(&state, job.id, SimulationView::of(&job), SimulationView::of, SimulationView::is_final))
}

/// Which result.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResultQuery {
    /// `json` (default: the whole outcome), `csv` (weekly series) or
    /// `magistrates` (load per magistrate, CSV).
    #[param(inline)]
    pub format: Option<ResultFormat>,
}

/// The form of a simulation's result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResultFormat {
    /// The whole outcome, JSON.
    #[default]
    Json,
    /// The weekly series, CSV.
    Csv,
    /// The load per magistrate, CSV.
    Magistrates,
}

/// A finished simulation's results.
#[utoipa::path(get, path = "/simulations/{id}/result", tag = "simulations", security(("token" = [])),
    params(("id" = i64, Path, description = "Run"), ResultQuery),
    responses((status = 200, description = "The outcome (JSON) or a series (CSV)",
        content((Object = "application/json"), (String = "text/csv"))), (status = 409, body = Problem)))]
pub async fn result(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Params(query): Params<ResultQuery>,
) -> Result<Response> {
    let job = run_of(&state, &caller, &id).await?;
    let outcome = outcome_of(&job)?;
    let csv = |name: &str, text: String| {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"simulation-{}-{name}.csv\"", job.id)),
            ],
            text,
        )
            .into_response()
    };
    Ok(match query.format.unwrap_or_default() {
        ResultFormat::Json => Json(&outcome).into_response(),
        ResultFormat::Csv => csv("weekly", outcome.weekly_csv()),
        ResultFormat::Magistrates => csv("magistrates", outcome.magistrates_csv()),
    })
}

/// The outcome of a finished run, as stored; refused (`not_finished`)
/// while it waits or runs, or when it failed or was cancelled.
pub fn outcome_of(job: &Job) -> Result<Outcome> {
    let Some(result) = job.result.clone().filter(|_| job.status == JobStatus::Done) else {
        let wait = if job.status.is_final() {
            "relancer le scénario (POST /simulations)"
        } else {
            "attendre la fin (GET /simulations/{id} ou /events)"
        };
        return Err(Error::conflict(
            ErrorCode::NotFinished,
            format!("la simulation {} est {} : pas de résultat", job.id, job.status.label()),
            wait,
        ));
    };
    serde_json::from_value(result)
        .map_err(|error| Error::internal(format!("jobs.result of simulation {}: {error}", job.id)))
}
