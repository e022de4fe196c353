//! The HTTP service: axum routes over the store, one error shape, token
//! authentication, ETag/If-Match on every mutable resource,
//! `Idempotency-Key` on POSTs (but user creation, whose token is never
//! stored in clear), and the OpenAPI document
//! generated from the handlers.

pub mod dossiers;
pub mod extract;
pub mod plans;
pub mod reference;
pub mod registry;
pub mod simulations;

use std::future::Future;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use greffe_models::Date;
use sha2::{Digest, Sha256};
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{Error, ErrorCode, Problem, Result};
use extract::Caller;
use greffe_store::Store;
use greffe_store::idempotency::KeyState;
use greffe_store::journal::hex;

/// Shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// Proposal jobs of this process.
    pub jobs: std::sync::Arc<plans::Jobs>,
    /// How dossiers become planner input.
    pub rules: std::sync::Arc<greffe_models::planning::PlanningRules>,
    /// Simulation runs of this process.
    pub simulations: std::sync::Arc<simulations::Simulations>,
}

impl AppState {
    /// The state of a service over `store`, with the default planning rules.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            jobs: std::sync::Arc::default(),
            rules: std::sync::Arc::default(),
            simulations: std::sync::Arc::default(),
        }
    }
}

/// Today in Paris.
pub fn today() -> Date {
    greffe_models::dates::paris_date(chrono::Utc::now())
}

/// Runs `run` once per `Idempotency-Key` (per user): a retry with the same
/// key and request gets the first response again, marked
/// `Idempotent-Replayed: true`.
pub async fn idempotent(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    body: &[u8],
    run: impl Future<Output = Result<Response>>,
) -> Result<Response> {
    let Some(key) = extract::idempotency_key(headers) else { return run.await };
    let request_hash = hex(&Sha256::digest(body));
    match state.store.reserve_idempotent(caller.id(), &key, method, path, &request_hash).await? {
        KeyState::Replay(status, stored) => {
            let envelope: serde_json::Value = serde_json::from_str(&stored).map_err(Error::internal)?;
            let status = StatusCode::from_u16(status).map_err(Error::internal)?;
            let body = envelope.get("body").and_then(|b| b.as_str()).unwrap_or("").to_owned();
            let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
            if let Some(etag) =
                envelope.get("etag").and_then(|e| e.as_str()).and_then(|e| HeaderValue::from_str(e).ok())
            {
                response.headers_mut().insert(header::ETAG, etag);
            }
            response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(response)
        }
        KeyState::Reserved => {
            let response = run.await.unwrap_or_else(IntoResponse::into_response);
            let (parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.map_err(Error::internal)?;
            let etag = parts.headers.get(header::ETAG).and_then(|e| e.to_str().ok());
            let envelope = serde_json::json!({"etag": etag, "body": String::from_utf8_lossy(&bytes)});
            state.store.finish_idempotent(caller.id(), &key, parts.status.as_u16(), &envelope.to_string()).await?;
            Ok(Response::from_parts(parts, Body::from(bytes)))
        }
    }
}

struct TokenSecurity;

impl Modify for TokenSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Jeton d'API (greffe user add)"))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "greffe", description = "Registre et audiencement de la Cour de cassation"),
    modifiers(&TokenSecurity),
    paths(
        registry::health, registry::me, registry::tasks, registry::dashboard, registry::cnp,
        registry::users, registry::create_user, registry::import, registry::verify_journal,
        reference::list_chambers, reference::get_chamber, reference::create_chamber, reference::update_chamber,
        reference::list_magistrates, reference::get_magistrate, reference::create_magistrate, reference::update_magistrate,
        reference::list_hearings, reference::get_hearing, reference::create_hearing, reference::update_hearing,
        reference::delete_hearing,
        dossiers::search_dossiers, dossiers::create_dossier, dossiers::get_dossier, dossiers::update_dossier, dossiers::change_status,
        dossiers::dossier_journal, dossiers::record_event, dossiers::dossier_deadlines, dossiers::list_pieces, dossiers::add_piece,
        dossiers::piece_content, dossiers::record_decision, dossiers::set_planning,
        plans::chamber_instance, plans::start_job, plans::get_job, plans::job_events, plans::cancel_job,
        plans::list_plans, plans::get_plan, plans::plan_history, plans::edit_plan, plans::validate_plan,
        plans::publish_plan, plans::amend_plan, plans::recheck_plan, plans::notices, plans::hearing_roll, plans::magistrate_agenda,
        plans::chamber_calendar, simulations::start, simulations::get, simulations::events, simulations::result,
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

async fn not_found() -> Error {
    Error::not_found("ressource").action("vérifier l'adresse (voir /openapi.json)")
}

async fn method_not_allowed() -> Error {
    Error::refused(ErrorCode::MethodNotAllowed, "méthode non admise sur cette adresse").action("voir /openapi.json")
}

/// Gives the one error shape to the errors axum itself answers (a body
/// over the size limit, a method the route lacks…), which come as plain
/// text.
async fn uniform_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json || status == StatusCode::NOT_MODIFIED {
        return response;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Error::refused(ErrorCode::PayloadTooLarge, "corps de requête trop volumineux")
            .action("envoyer moins de données (une pièce : au plus 64 Mio ; un document JSON : au plus 2 Mio, 512 Mio pour un import)"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            Error::refused(ErrorCode::UnsupportedMediaType, "type de contenu non admis").action("envoyer du JSON")
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            Error::refused(ErrorCode::MethodNotAllowed, "méthode non admise sur cette adresse").action("voir /openapi.json")
        }
        StatusCode::NOT_FOUND => Error::not_found("ressource").action("vérifier l'adresse (voir /openapi.json)"),
        _ => {
            // Any other refusal axum answers itself keeps its status.
            let body = Problem {
                code: ErrorCode::BadRequest,
                message: "requête refusée".to_owned(),
                field: None,
                action: Some("voir /openapi.json".to_owned()),
            };
            return (status, axum::Json(body)).into_response();
        }
    };
    error.into_response()
}

/// The service's routes.
pub fn router(state: AppState) -> Router {
    let piece_limit = greffe_store::pieces::MAX_PIECE_BYTES + 1024;
    Router::new()
        .route("/health", get(registry::health))
        .route("/openapi.json", get(openapi))
        .route("/me", get(registry::me))
        .route("/tasks", get(registry::tasks))
        .route("/dashboard", get(registry::dashboard))
        .route("/cnp", post(registry::cnp))
        .route("/admin/users", get(registry::users).post(registry::create_user))
        .route("/admin/import", post(registry::import).layer(DefaultBodyLimit::max(512 * 1024 * 1024)))
        .route("/admin/journal/verify", get(registry::verify_journal))
        .route("/chambers", get(reference::list_chambers).post(reference::create_chamber))
        .route("/chambers/{code}", get(reference::get_chamber).put(reference::update_chamber))
        .route("/magistrates", get(reference::list_magistrates).post(reference::create_magistrate))
        .route("/magistrates/{id}", get(reference::get_magistrate).put(reference::update_magistrate))
        .route("/hearings", get(reference::list_hearings).post(reference::create_hearing))
        .route(
            "/hearings/{id}",
            get(reference::get_hearing).put(reference::update_hearing).delete(reference::delete_hearing),
        )
        .route("/dossiers", get(dossiers::search_dossiers).post(dossiers::create_dossier))
        .route("/dossiers/{id}", get(dossiers::get_dossier).patch(dossiers::update_dossier))
        .route("/dossiers/{id}/status", post(dossiers::change_status))
        .route("/dossiers/{id}/journal", get(dossiers::dossier_journal))
        .route("/dossiers/{id}/events", post(dossiers::record_event))
        .route("/dossiers/{id}/deadlines", get(dossiers::dossier_deadlines))
        .route(
            "/dossiers/{id}/pieces",
            get(dossiers::list_pieces).post(dossiers::add_piece).layer(DefaultBodyLimit::max(piece_limit)),
        )
        .route("/pieces/{id}/content", get(dossiers::piece_content))
        .route("/dossiers/{id}/decision", post(dossiers::record_decision))
        .route("/dossiers/{id}/planning", axum::routing::put(dossiers::set_planning))
        .route("/chambers/{code}/instance", get(plans::chamber_instance))
        .route("/chambers/{code}/calendar", get(plans::chamber_calendar))
        .route("/plans/jobs", post(plans::start_job))
        .route("/plans/jobs/{id}", get(plans::get_job).delete(plans::cancel_job))
        .route("/plans/jobs/{id}/events", get(plans::job_events))
        .route("/plans", get(plans::list_plans))
        .route("/plans/{id}", get(plans::get_plan))
        .route("/plans/{id}/history", get(plans::plan_history))
        .route("/plans/{id}/edits", post(plans::edit_plan))
        .route("/plans/{id}/validate", post(plans::validate_plan))
        .route("/plans/{id}/publish", post(plans::publish_plan))
        .route("/plans/{id}/amend", post(plans::amend_plan))
        .route("/plans/{id}/check", get(plans::recheck_plan))
        .route("/notices", get(plans::notices))
        .route("/simulations", post(simulations::start))
        .route("/simulations/{id}", get(simulations::get))
        .route("/simulations/{id}/events", get(simulations::events))
        .route("/simulations/{id}/result", get(simulations::result))
        .route("/hearings/{id}/roll", get(plans::hearing_roll))
        .route("/magistrates/{id}/agenda", get(plans::magistrate_agenda))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::map_response(uniform_errors))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the routes on `listener` until `shutdown` completes (requests in
/// flight are finished first).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
