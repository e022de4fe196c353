//! Registry-wide views and acts: health, the caller, tasks, the stock
//! dashboard, certificats de non-pourvoi, and administration (users,
//! import, journal verification).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use greffe_models::access::Operation;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dossiers::day;
use super::extract::{Caller, Params, deadline_config, json_body};
use super::{AppState, idempotent};
use crate::error::{Error, Problem, Result};
use greffe_store::StoreHealth;
use greffe_store::cnp::{CnpAnswer, CnpInput};
use greffe_store::dashboard::Dashboard;
use greffe_store::import::{ImportFile, ImportReport};
use greffe_store::journal::Verification;
use greffe_store::tasks::TaskList;
use greffe_store::users::{Credentials, IssuedToken, NewUser, TokenInfo, TokenRequest, User};

/// What `GET /health` says.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Version of greffe.
    pub version: String,
    /// The store.
    pub store: StoreHealth,
}

/// Liveness and the store's backend and schema version (no credentials).
#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>> {
    let store = state.store.health().await.map_err(Error::unavailable)?;
    Ok(Json(Health { status: "ok".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned(), store }))
}

/// The service's metrics in the OpenMetrics text format, which Prometheus
/// scrapes (administrators; `greffe serve --metrics-bind` also serves them
/// without credentials on an address of their own): requests by route,
/// method and status with latency histograms, jobs by kind and status, the
/// journal's length, jobs this process's worker ran with their duration and
/// the solver's gap.
#[utoipa::path(get, path = "/metrics", tag = "service", security(("token" = [])),
    responses((status = 200, description = "OpenMetrics text exposition",
        content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String),
        (status = 403, body = Problem)))]
pub async fn metrics(State(state): State<AppState>, caller: Caller) -> Result<Response> {
    caller.require(Operation::ReadMetrics)?;
    metrics_text(&state).await
}

/// The exposition of `state`'s metrics, as `GET /metrics` answers it.
pub async fn metrics_text(state: &AppState) -> Result<Response> {
    let text = state.metrics.render(&state.store).await?;
    Ok(([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response())
}

/// The caller.
#[utoipa::path(get, path = "/me", tag = "service", security(("token" = [])),
    responses((status = 200, body = User), (status = 401, body = Problem)))]
pub async fn me(caller: Caller) -> Json<User> {
    Json(caller.0)
}

/// Options of the task list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Day (YYYY-MM-DD); default today in Paris.
    #[param(format = Date)]
    pub today: Option<String>,
    /// Warning window in days (default 15).
    #[param(minimum = 0, maximum = 366)]
    pub warning_days: Option<u32>,
    /// At most this many tasks (default 500).
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<i64>,
}

/// The caller's tasks, soonest first: a clerk's registry deadlines, a
/// magistrate's dossiers, a president's statutory deadlines at risk.
#[utoipa::path(get, path = "/tasks", tag = "registre", security(("token" = [])), params(TaskQuery),
    responses((status = 200, body = TaskList), (status = 403, body = Problem)))]
pub async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<TaskQuery>,
) -> Result<Json<TaskList>> {
    caller.require(Operation::ReadTasks)?;
    let today = day(query.today.as_deref())?;
    let config = deadline_config(query.warning_days)?;
    let limit = query.limit.unwrap_or(500);
    if !(1..=5_000).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("limite {limit} hors bornes"),
            "donner une limite entre 1 et 5000",
        ));
    }
    Ok(Json(state.store.tasks(&caller.0, today, config, limit).await?))
}

/// Options of the dashboard.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Day (YYYY-MM-DD); default today in Paris.
    #[param(format = Date)]
    pub today: Option<String>,
    /// Start of the flow period; default one year before `today`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// End of the flow period, included; default `today`; not before `from`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Warning window in days for deadlines at risk (default 15).
    #[param(minimum = 0, maximum = 366)]
    pub warning_days: Option<u32>,
}

/// The stock dashboard of the caller's chambers, computed from the store.
#[utoipa::path(get, path = "/dashboard", tag = "registre", security(("token" = [])), params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<DashboardQuery>,
) -> Result<Json<Dashboard>> {
    caller.require(Operation::ReadDashboard)?;
    let today = day(query.today.as_deref())?;
    let parse = |field: &str, raw: &str| {
        greffe_models::dates::parse_date(raw).map_err(|e| Error::invalid(field, e.to_string(), e.fix()))
    };
    let from = match &query.from {
        Some(raw) => parse("from", raw)?,
        None => today.checked_sub_months(chrono::Months::new(12)).unwrap_or(today),
    };
    let to = match &query.to {
        Some(raw) => parse("to", raw)?,
        None => today,
    };
    if to < from {
        return Err(Error::invalid("to", format!("fin de période {to} avant son début {from}"), "donner to ≥ from"));
    }
    let warning_days = deadline_config(query.warning_days)?.warning_days;
    Ok(Json(state.store.dashboard(today, from, to, warning_days, caller.scope()).await?))
}

/// Answers a request for a certificat de non-pourvoi (art. 505 CPC), and
/// journals it. Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/cnp", tag = "registre", security(("token" = [])), request_body = CnpInput,
    responses((status = 201, body = CnpAnswer), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn cnp(State(state): State<AppState>, caller: Caller, headers: HeaderMap, body: Bytes) -> Result<Response> {
    caller.require(Operation::AnswerCnp)?;
    idempotent(&state, &caller, &headers, "POST", "/cnp", &body, async {
        let input: CnpInput = json_body(&body)?;
        let answer = state.store.answer_cnp(caller.id(), input).await?;
        Ok((StatusCode::CREATED, Json(answer)).into_response())
    })
    .await
}

/// Every user (admin).
#[utoipa::path(get, path = "/admin/users", tag = "administration", security(("token" = [])),
    responses((status = 200, body = Vec<User>), (status = 403, body = Problem)))]
pub async fn users(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<User>>> {
    caller.require(Operation::ManageUsers)?;
    Ok(Json(state.store.users().await?))
}

/// Creates a user and his first token, shown once (admin). Not replayable
/// with `Idempotency-Key`: the token is never stored in clear.
#[utoipa::path(post, path = "/admin/users", tag = "administration", security(("token" = [])), request_body = NewUser,
    responses((status = 201, body = Credentials), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create_user(State(state): State<AppState>, caller: Caller, body: Bytes) -> Result<Response> {
    caller.require(Operation::ManageUsers)?;
    let input: NewUser = json_body(&body)?;
    let credentials = state.store.create_user(caller.id(), input).await?;
    Ok((StatusCode::CREATED, Json(credentials)).into_response())
}

/// A user's tokens, newest first, with their last use (admin); never the
/// tokens themselves.
#[utoipa::path(get, path = "/admin/users/{id}/tokens", tag = "administration", security(("token" = [])),
    params(("id" = String, Path, description = "User")),
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn user_tokens(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<TokenInfo>>> {
    caller.require(Operation::ManageUsers)?;
    Ok(Json(state.store.user_tokens(&id).await?))
}

/// Issues a token to a user, shown once (admin); with `expires_on`, the
/// token is refused after that day.
#[utoipa::path(post, path = "/admin/users/{id}/tokens", tag = "administration", security(("token" = [])),
    params(("id" = String, Path, description = "User")), request_body = TokenRequest,
    responses((status = 201, body = IssuedToken), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn issue_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    caller.require(Operation::ManageUsers)?;
    let request: TokenRequest = json_body(&body)?;
    let issued = state.store.issue_token(caller.id(), &id, request).await?;
    Ok((StatusCode::CREATED, Json(issued)).into_response())
}

/// Revokes a user's token (admin): refused with 401 from the next request.
#[utoipa::path(delete, path = "/admin/users/{id}/tokens/{token_id}", tag = "administration", security(("token" = [])),
    params(("id" = String, Path, description = "User"), ("token_id" = String, Path, description = "The token's id, as listed (never the token itself)")),
    responses((status = 200, body = TokenInfo), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, token)): Path<(String, String)>,
) -> Result<Json<TokenInfo>> {
    caller.require(Operation::ManageUsers)?;
    Ok(Json(state.store.revoke_token(caller.id(), &id, &token).await?))
}

/// Whether a user may work.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Activation {
    /// `false` disables the user: his tokens and password are refused and
    /// his portal sessions end at once; `true` enables him again.
    pub active: bool,
}

/// Disables or enables a user (admin). An administrator cannot disable
/// himself (the court would risk having no administrator left).
#[utoipa::path(put, path = "/admin/users/{id}/active", tag = "administration", security(("token" = [])),
    params(("id" = String, Path, description = "User")), request_body = Activation,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_active(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode> {
    caller.require(Operation::ManageUsers)?;
    let Activation { active } = json_body(&body)?;
    if !active && id == caller.id() {
        return Err(Error::forbidden(
            "un administrateur ne peut pas se désactiver lui-même : demander à un autre administrateur",
        ));
    }
    state.store.set_user_active(caller.id(), &id, active).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why an import was refused: the records refused (the file was read), or
/// the file itself (not read: the body's problem).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ImportRefusal {
    /// Every rejected record, with its field.
    Records(ImportReport),
    /// The body could not be read as an import file.
    Body(Problem),
}

/// Imports the existing stock (admin): all records checked, all written or
/// none. Otherwise every rejected record is listed with its code: 422 when
/// one breaks a rule, 409 when each only conflicts with the registry (a
/// pourvoi registered with other data, an unknown chamber or magistrate).
#[utoipa::path(post, path = "/admin/import", tag = "administration", security(("token" = [])), request_body = ImportFile,
    responses((status = 200, body = ImportReport), (status = 409, body = ImportReport), (status = 422, body = ImportRefusal)))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    caller.require(Operation::Import)?;
    idempotent(&state, &caller, &headers, "POST", "/admin/import", &body, async {
        let file: ImportFile = json_body(&body)?;
        let report = state.store.import(caller.id(), file).await?;
        let status = if report.rejected.is_empty() {
            StatusCode::OK
        } else if report.refused_by_state_only() {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Ok((status, Json(report)).into_response())
    })
    .await
}

/// Recomputes the journal's hash chain and names the first entry that does
/// not match (admin); the result is recorded (dossier pages show the last
/// one).
#[utoipa::path(get, path = "/admin/journal/verify", tag = "administration", security(("token" = [])),
    responses((status = 200, body = Verification), (status = 403, body = Problem)))]
pub async fn verify_journal(State(state): State<AppState>, caller: Caller) -> Result<Json<Verification>> {
    caller.require(Operation::VerifyJournal)?;
    Ok(Json(state.store.verify_journal(caller.id()).await?))
}
