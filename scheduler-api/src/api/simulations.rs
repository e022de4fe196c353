//! What-if simulations for analysts over HTTP: a scenario posted starts a
//! background run (one at a time: the machine's cores go to it), followed
//! by polling or server-sent events; the results download as JSON or CSV.
//! Runs and results live in this process (a restart forgets them).

use greffe_models::access::Operation;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use greffe_simulation::{Outcome, Scenario};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, watch};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Caller, Params, json_body, numeric_id};
use super::plans::progress_stream;
use super::{AppState, idempotent};
use crate::error::{Error, ErrorCode, Problem, Result};

/// Finished simulation runs kept in memory with their results.
const KEPT_RUNS: usize = 20;

/// A simulation run's progress.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimulationView {
    /// Run id.
    pub id: i64,
    /// Scenario name.
    pub scenario: String,
    /// `queued`, `running`, `done`, `failed`.
    pub status: String,
    /// Weeks simulated so far.
    pub week: u32,
    /// Weeks in all.
    pub weeks: u32,
    /// Elapsed milliseconds.
    pub elapsed_ms: u64,
    /// What went wrong, in French.
    pub error: Option<String>,
}

impl SimulationView {
    fn is_final(&self) -> bool {
        matches!(self.status.as_str(), "done" | "failed")
    }
}

struct Run {
    view: watch::Sender<SimulationView>,
    result: Option<Arc<Outcome>>,
}

/// Simulation runs of this process.
pub struct Simulations {
    next: AtomicI64,
    runs: Mutex<BTreeMap<i64, Run>>,
    /// One run at a time.
    slots: Arc<Semaphore>,
}

impl Default for Simulations {
    fn default() -> Self {
        Self { next: AtomicI64::new(0), runs: Mutex::default(), slots: Arc::new(Semaphore::new(1)) }
    }
}

impl std::fmt::Debug for Simulations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulations").field("next", &self.next).finish_non_exhaustive()
    }
}

impl Simulations {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<i64, Run>> {
        self.runs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn update(&self, id: i64, change: impl FnOnce(&mut SimulationView)) {
        if let Some(run) = self.lock().get(&id) {
            run.view.send_modify(change);
        }
    }
}

/// Starts a simulation (analysts): the body is a scenario (`docs/formats.md`,
/// "Simulation scenario", as JSON). Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/simulations", tag = "simulations", security(("token" = [])), request_body = Scenario,
    responses((status = 202, body = SimulationView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn start(State(state): State<AppState>, caller: Caller, headers: HeaderMap, body: Bytes) -> Result<Response> {
    caller.require(Operation::Simulate)?;
    idempotent(&state, &caller, &headers, "POST", "/simulations", &body, async {
        let scenario: Scenario = json_body(&body)?;
        scenario.check().map_err(|e| Error::invalid(e.field, e.message, "corriger le scénario"))?;
        let runs = Arc::clone(&state.simulations);
        let id = runs.next.fetch_add(1, Ordering::Relaxed) + 1;
        let view = SimulationView {
            id,
            scenario: scenario.name.clone(),
            status: "queued".into(),
            week: 0,
            weeks: scenario.weeks,
            elapsed_ms: 0,
            error: None,
        };
        let (sender, _) = watch::channel(view.clone());
        let mut all = runs.lock();
        // Finished runs (and their results) are kept; the oldest go first.
        while all.len() >= KEPT_RUNS {
            let Some(oldest) = all.iter().find(|(_, run)| run.view.borrow().is_final()).map(|(id, _)| *id) else {
                break;
            };
            all.remove(&oldest);
        }
        all.insert(id, Run { view: sender, result: None });
        drop(all);
        tokio::spawn(async move {
            let Ok(_slot) = Arc::clone(&runs.slots).acquire_owned().await else { return };
            runs.update(id, |v| v.status = "running".into());
            let started = std::time::Instant::now();
            let progress_runs = Arc::clone(&runs);
            let outcome = tokio::task::spawn_blocking(move || {
                greffe_simulation::run(&scenario, 0, &|week| {
                    progress_runs.update(id, |v| {
                        v.week = week;
                        v.elapsed_ms = started.elapsed().as_millis() as u64;
                    });
                })
            })
            .await;
            let outcome = match outcome {
                Ok(Ok(outcome)) => Ok(outcome),
                Ok(Err(error)) => Err(error.to_string()),
                Err(join) => Err(format!("la simulation s'est interrompue : {join}")),
            };
            let mut all = runs.lock();
            if let Some(run) = all.get_mut(&id) {
                match outcome {
                    Ok(outcome) => {
                        run.result = Some(Arc::new(outcome));
                        run.view.send_modify(|v| v.status = "done".into());
                    }
                    Err(message) => run.view.send_modify(|v| {
                        v.status = "failed".into();
                        v.error = Some(message);
                    }),
                }
                run.view.send_modify(|v| v.elapsed_ms = started.elapsed().as_millis() as u64);
            }
        });
        Ok((StatusCode::ACCEPTED, [(header::LOCATION, format!("/simulations/{id}"))], Json(view)).into_response())
    })
    .await
}

fn run_of(
    state: &AppState,
    caller: &Caller,
    raw: &str,
) -> Result<(SimulationView, watch::Receiver<SimulationView>, Option<Arc<Outcome>>)> {
    caller.require(Operation::Simulate)?;
    let id = numeric_id(raw, "simulation")?;
    let runs = state.simulations.lock();
    let run = runs.get(&id).ok_or_else(|| Error::not_found(format!("simulation {id}")))?;
    Ok((run.view.borrow().clone(), run.view.subscribe(), run.result.clone()))
}

/// A simulation's progress.
#[utoipa::path(get, path = "/simulations/{id}", tag = "simulations", security(("token" = [])),
    params(("id" = i64, Path, description = "Run")), responses((status = 200, body = SimulationView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<SimulationView>> {
    Ok(Json(run_of(&state, &caller, &id)?.0))
}

/// A simulation's progress as server-sent events, ending with the final state.
#[utoipa::path(get, path = "/simulations/{id}/events", tag = "simulations", security(("token" = [])),
    params(("id" = i64, Path, description = "Run")), responses((status = 200, content_type = "text/event-stream")))]
pub async fn events(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    let (_, receiver, _) = run_of(&state, &caller, &id)?;
    Ok(progress_stream(receiver, SimulationView::is_final))
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
    let (view, _, outcome) = run_of(&state, &caller, &id)?;
    let Some(outcome) = outcome else {
        return Err(Error::conflict(
            ErrorCode::NotFinished,
            format!("la simulation {} est « {} » : pas encore de résultat", view.id, view.status),
            "attendre la fin (GET /simulations/{id} ou /events)",
        ));
    };
    let csv = |name: &str, text: String| {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}-{name}.csv\"", outcome.scenario)),
            ],
            text,
        )
            .into_response()
    };
    Ok(match query.format.unwrap_or_default() {
        ResultFormat::Json => Json(outcome.as_ref()).into_response(),
        ResultFormat::Csv => csv("weekly", outcome.weekly_csv()),
        ResultFormat::Magistrates => csv("magistrates", outcome.magistrates_csv()),
    })
}
