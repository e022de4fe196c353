//! The HTTP service: axum routes over the store, one error shape, token
//! authentication, ETag/If-Match on every mutable resource,
//! `Idempotency-Key` on POSTs (but user creation, whose token is never
//! stored in clear), and the OpenAPI document
//! generated from the handlers.

pub mod decisions;
pub mod distribution;
pub mod documents;
pub mod dossiers;
pub mod extract;
pub mod orders;
pub mod orientation;
pub mod outbox;
pub mod plans;
pub mod reference;
pub mod registry;
pub mod search;
pub mod simulations;
pub mod work;

use std::future::Future;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use greffe_models::Date;
use sha2::{Digest, Sha256};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
    /// The worker of this process, running proposal jobs and simulation
    /// runs from the store's queue.
    pub worker: std::sync::Arc<crate::worker::Worker>,
    /// How dossiers become planner input.
    pub rules: std::sync::Arc<greffe_models::planning::PlanningRules>,
    /// Who reads published views, dossiers, drafts and agendas.
    pub visibility: std::sync::Arc<greffe_models::access::Visibility>,
    /// This process's metrics (`GET /metrics`).
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// The day the service takes for today, when pinned (tests; otherwise
    /// today in Paris): see [`AppState::today`].
    pub pinned_day: Option<Date>,
    /// The documents' templates (greffe's, or the court's: `--templates`).
    pub documents: std::sync::Arc<greffe_documents::Renderer>,
    /// Where the outbox's e-mails go (`--smtp-url`, `--mail-from`); none:
    /// they wait in the outbox.
    pub mailer: Option<std::sync::Arc<crate::mail::Mailer>>,
    /// The full-text index of this process (`--search-index`; in memory
    /// by default), following the journal.
    pub search: std::sync::Arc<crate::search::Search>,
    /// The orientation's rules (`--orientation-rules`; the built-in ones
    /// by default).
    pub orientation: std::sync::Arc<greffe_models::orientation::OrientationRules>,
    /// The distribution's rules (`--distribution-rules`; the built-in ones
    /// by default).
    pub distribution: std::sync::Arc<greffe_models::distribution::DistributionRules>,
}

impl AppState {
    /// The state of a service over `store`, with the default planning rules.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            worker: std::sync::Arc::default(),
            rules: std::sync::Arc::default(),
            orientation: std::sync::Arc::new(greffe_models::orientation::OrientationRules::embedded().clone()),
            distribution: std::sync::Arc::new(greffe_models::distribution::DistributionRules::embedded().clone()),
            visibility: std::sync::Arc::default(),
            metrics: std::sync::Arc::default(),
            pinned_day: None,
            documents: std::sync::Arc::default(),
            mailer: None,
            search: std::sync::Arc::default(),
        }
    }

    /// Today for the court: the pinned day, or today in Paris. Publication
    /// compares the notices' last days with it.
    pub fn today(&self) -> Date {
        self.pinned_day.unwrap_or_else(today)
    }
}

/// The shortest and longest time limit of a proposal job, in seconds.
pub const TIME_LIMIT_S: (f64, f64) = (1.0, 600.0);

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
    let Some(key) = extract::idempotency_key(headers)? else { return run.await };
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

/// The OpenAPI document's header: title, description, security scheme. Its
/// paths and schemas come from the routes, each registered once with its
/// handler ([`routes`]).
#[derive(OpenApi)]
#[openapi(
    info(title = "greffe", description = "Registre et audiencement de la Cour de cassation"),
    modifiers(&TokenSecurity)
)]
pub struct ApiDoc;

/// The API's routes with their OpenAPI description: a handler is named once,
/// here, and its `#[utoipa::path]` gives both its route and its document.
fn routes() -> OpenApiRouter<AppState> {
    let piece_limit = greffe_store::pieces::MAX_PIECE_BYTES + 1024;
    // Per-route body limits: a sub-router with its layer, merged.
    let pieces = OpenApiRouter::new()
        .routes(routes!(dossiers::list_pieces, dossiers::add_piece))
        .layer(DefaultBodyLimit::max(piece_limit));
    let import = OpenApiRouter::new().routes(routes!(registry::import)).layer(DefaultBodyLimit::max(512 * 1024 * 1024));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(registry::health))
        .routes(routes!(registry::me))
        .routes(routes!(registry::metrics))
        .routes(routes!(registry::tasks))
        .routes(routes!(registry::dashboard))
        .routes(routes!(registry::cnp))
        .routes(routes!(registry::users, registry::create_user))
        .routes(routes!(registry::user_tokens, registry::issue_token))
        .routes(routes!(registry::revoke_token))
        .routes(routes!(registry::set_active))
        .merge(import)
        .routes(routes!(registry::verify_journal))
        .routes(routes!(reference::list_chambers, reference::create_chamber))
        .routes(routes!(reference::vocabulary))
        .routes(routes!(reference::get_chamber, reference::update_chamber))
        .routes(routes!(reference::list_magistrates, reference::create_magistrate))
        .routes(routes!(reference::get_magistrate, reference::update_magistrate))
        .routes(routes!(reference::add_absence))
        .routes(routes!(reference::list_hearings, reference::create_hearing))
        .routes(routes!(reference::get_hearing, reference::update_hearing, reference::delete_hearing))
        .routes(routes!(dossiers::search_dossiers, dossiers::create_dossier))
        .routes(routes!(search::search))
        .routes(routes!(search::similar))
        .routes(routes!(orientation::get_orientation, orientation::decide_orientation))
        .routes(routes!(orientation::order_referral))
        .routes(routes!(orientation::decline_referral))
        .routes(routes!(distribution::get_distribution, distribution::confirm_distribution))
        .routes(routes!(dossiers::get_dossier, dossiers::update_dossier))
        .routes(routes!(dossiers::change_status))
        .routes(routes!(dossiers::dossier_journal))
        .routes(routes!(dossiers::record_event))
        .routes(routes!(dossiers::dossier_deadlines))
        .merge(pieces)
        .routes(routes!(dossiers::piece_content))
        .routes(routes!(dossiers::record_decision))
        .routes(routes!(dossiers::set_planning))
        .routes(routes!(decisions::get_decision, decisions::save_decision))
        .routes(routes!(decisions::decision_version))
        .routes(routes!(decisions::decision_changes))
        .routes(routes!(decisions::sign_decision))
        .routes(routes!(decisions::signed_decision))
        .routes(routes!(decisions::sealed_arret))
        .routes(routes!(decisions::my_decisions))
        .routes(routes!(decisions::signing_keys))
        .routes(routes!(decisions::get_sitting, decisions::record_sitting))
        .routes(routes!(orders::get_order, orders::save_order))
        .routes(routes!(orders::sign_order))
        .routes(routes!(orders::signed_order))
        .routes(routes!(work::folder))
        .routes(routes!(work::start))
        .routes(routes!(work::document, work::file))
        .routes(routes!(work::version))
        .routes(routes!(work::pdf))
        .routes(routes!(work::my_work))
        .routes(routes!(plans::chamber_instance))
        .routes(routes!(plans::chamber_calendar))
        .routes(routes!(plans::start_job))
        .routes(routes!(plans::get_job))
        .routes(routes!(plans::cancel_job))
        .routes(routes!(plans::job_events))
        .routes(routes!(plans::list_plans))
        .routes(routes!(plans::get_plan))
        .routes(routes!(plans::plan_history))
        .routes(routes!(plans::edit_plan))
        .routes(routes!(plans::validate_plan))
        .routes(routes!(plans::publication))
        .routes(routes!(plans::publish_plan))
        .routes(routes!(plans::amend_plan))
        .routes(routes!(plans::recheck_plan))
        .routes(routes!(plans::notices))
        .routes(routes!(plans::complete_notice))
        .routes(routes!(outbox::notice_outbox))
        .routes(routes!(outbox::outbox_document))
        .routes(routes!(outbox::letter_posted))
        .routes(routes!(outbox::resend))
        .routes(routes!(simulations::start, simulations::list))
        .routes(routes!(simulations::get))
        .routes(routes!(simulations::cancel))
        .routes(routes!(simulations::events))
        .routes(routes!(simulations::result))
        .routes(routes!(plans::hearing_roll))
        .routes(routes!(documents::roll_pdf))
        .routes(routes!(documents::journal_pdf))
        .routes(routes!(documents::composition_pdf))
        .routes(routes!(documents::certificate_pdf))
        .routes(routes!(documents::notice_pdf))
        .routes(routes!(plans::magistrate_agenda))
}

/// Every operation of the document.
fn operations_mut(
    document: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    document.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
    })
}

/// Declares on every operation the refusals the shared extractors and
/// layers answer, whatever the handler: 401 and 403 where a token is
/// required (`Caller`, `require`), 404 where the path names a resource,
/// 422 where there are query parameters
/// (`Params`), 400, 409, 413, 415 and 422 where there is a body (`json_body`,
/// `require_json`, the size limit, references to other records), 400, 412 and 428 where `If-Match` is
/// taken. A status a handler declares itself keeps its description.
fn declare_shared_refusals(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build(),
        )
    };
    for operation in operations_mut(document) {
        let mut add = Vec::new();
        if operation.security.as_ref().is_some_and(|security| !security.is_empty()) {
            add.push(("401", "jeton absent, mal formé, inconnu, révoqué ou expiré"));
            add.push(("403", "hors du rôle ou des chambres de l'appelant"));
        }
        let parameters = operation.parameters.as_deref().unwrap_or_default();
        if parameters.iter().any(|p| p.parameter_in == ParameterIn::Path) {
            add.push(("404", "ressource inconnue (ou hors de portée de l'appelant)"));
        }
        if parameters.iter().any(|p| p.parameter_in == ParameterIn::Query) {
            add.push(("422", "paramètre refusé (nommé dans `field`)"));
        }
        if operation.request_body.is_some() {
            add.push(("400", "corps illisible (pas du JSON, vide)"));
            add.push(("413", "corps trop volumineux"));
            add.push(("415", "corps sans « Content-Type: application/json »"));
            add.push(("422", "valeur refusée (nommée dans `field`)"));
            add.push(("409", "un champ désigne un enregistrement inexistant ou qui ne convient pas (`bad_reference`)"));
        }
        if parameters.iter().any(|p| p.parameter_in == ParameterIn::Header && p.name == "If-Match") {
            add.push(("400", "en-tête If-Match mal formé, ou « * »"));
            add.push(("412", "la version n'est plus la version courante"));
            add.push(("428", "en-tête If-Match manquant"));
        }
        for (status, description) in add {
            operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
        }
    }
}

/// Writes each stored record (`#[serde(flatten)]` of its input plus
/// `version`, `id`…) as one object: utoipa writes it as an `allOf` of the
/// input and the added fields, and the input closes its properties
/// (`additionalProperties: false`, as serde refuses unknown fields), so no
/// record the service answers could satisfy it.
fn merge_flattened(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{Object, Schema};
    let Some(components) = document.components.as_mut() else { return };
    let named = components.schemas.clone();
    let object_of = |part: &RefOr<Schema>| -> Option<Object> {
        let schema = match part {
            RefOr::T(schema) => schema,
            RefOr::Ref(reference) => {
                let name = reference.ref_location.rsplit('/').next()?;
                match named.get(name)? {
                    RefOr::T(schema) => schema,
                    RefOr::Ref(_) => return None,
                }
            }
        };
        match schema {
            Schema::Object(object) => Some(object.clone()),
            _ => None,
        }
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::AllOf(all)) = schema else { continue };
        let parts: Option<Vec<Object>> = all.items.iter().map(object_of).collect();
        let Some(parts) = parts else { continue };
        let mut merged = Object::new();
        merged.schema_type = utoipa::openapi::schema::SchemaType::Type(utoipa::openapi::Type::Object);
        merged.description = all.description.clone();
        for part in parts {
            merged.properties.extend(part.properties);
            for field in part.required {
                if !merged.required.contains(&field) {
                    merged.required.push(field);
                }
            }
        }
        *schema = RefOr::T(Schema::Object(merged));
    }
}

/// The text rule (`models::text`: the characters the documents print), as
/// a JSON Schema pattern: one-line fields, and multi-line ones (tab, line
/// ends admitted).
static ONE_LINE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| greffe_models::text::pattern(false));
static MULTI_LINE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| greffe_models::text::pattern(true));

/// Gives every string of `schema` the pattern of the text rule, unless it
/// has a format (binary content) or a list of values; a date, the pattern of
/// the supported calendar.
fn constrain_strings(schema: &mut utoipa::openapi::schema::Schema, multiline: bool) {
    use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat, SchemaType};
    use utoipa::openapi::{RefOr, Type};
    let each = |items: &mut Vec<RefOr<Schema>>| {
        for item in items {
            if let RefOr::T(schema) = item {
                constrain_strings(schema, multiline);
            }
        }
    };
    match schema {
        Schema::Object(object) => {
            let is_string = match &object.schema_type {
                SchemaType::Type(kind) => *kind == Type::String,
                SchemaType::Array(kinds) => kinds.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            let date = matches!(object.format, Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
            if is_string && date {
                // A date of the calendar the rules are computed on
                // (`models::dates`, refused outside by `json_body`, `Params`),
                // or an act's, narrower (`models::dates::ACT_DATE_PATTERN`).
                if object.pattern.as_deref() != Some(greffe_models::dates::ACT_DATE_PATTERN) {
                    object.pattern = Some(greffe_models::dates::CALENDAR_DATE_PATTERN.to_owned());
                }
            } else if is_string && object.format.is_none() && object.enum_values.is_none() && object.pattern.is_none() {
                object.pattern = Some((if multiline { &*MULTI_LINE } else { &*ONE_LINE }).clone());
            }
            for (name, property) in &mut object.properties {
                if let RefOr::T(property) = property {
                    constrain_strings(property, greffe_models::text::MULTILINE_FIELDS.contains(&name.as_str()));
                }
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(item) = &mut array.items
                && let RefOr::T(item) = item.as_mut()
            {
                constrain_strings(item, multiline);
            }
        }
        Schema::AllOf(all) => each(&mut all.items),
        Schema::OneOf(one) => each(&mut one.items),
        Schema::AnyOf(any) => each(&mut any.items),
        _ => {}
    }
}

/// States the text rule on every string of the document (components,
/// parameters, inline bodies) and the form of `If-Match`.
fn declare_text_rule(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::path::ParameterIn;
    if let Some(components) = document.components.as_mut() {
        for schema in components.schemas.values_mut() {
            if let RefOr::T(schema) = schema {
                constrain_strings(schema, false);
            }
        }
    }
    for operation in operations_mut(document) {
        for parameter in operation.parameters.iter_mut().flatten() {
            let Some(RefOr::T(schema)) = parameter.schema.as_mut() else { continue };
            if parameter.parameter_in == ParameterIn::Header && parameter.name == "If-Match" {
                if let utoipa::openapi::schema::Schema::Object(object) = schema {
                    object.pattern = Some(r#"^(W/)?"[0-9]{1,18}"$"#.to_owned());
                }
            } else {
                constrain_strings(schema, false);
                // `Params` refuses an empty value (omit the parameter).
                if let utoipa::openapi::schema::Schema::Object(object) = schema
                    && parameter.parameter_in == ParameterIn::Query
                    && object.pattern.is_some()
                {
                    object.min_length = Some(1);
                }
            }
        }
        for content in operation.request_body.iter_mut().flat_map(|body| body.content.values_mut()) {
            if let Some(RefOr::T(schema)) = content.schema.as_mut() {
                constrain_strings(schema, false);
            }
        }
    }
}

/// Lists the codes a field takes where the input keeps it as text (the
/// store parses it): the values come from the enums of `models` that parse
/// them, so the document and the parser cannot differ.
fn codes<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<serde_json::Value> {
    values.into_iter().map(serde_json::Value::from).collect()
}

/// The formations of a chamber's own hearings (FR, FS, FP): chambre mixte
/// and assemblée plénière hearings are not entered through the registry.
fn chamber_formations() -> impl Iterator<Item = &'static str> {
    greffe_models::FormationCode::ALL.iter().filter(|f| !f.is_multi_chamber()).map(|f| f.as_str())
}

/// The codes of input fields kept as text: (schema, property, values).
fn input_codes() -> Vec<(&'static str, &'static str, Vec<serde_json::Value>)> {
    use greffe_models::court::Role;
    use greffe_models::dates::HalfDay;
    use greffe_models::deadlines::{Catalogue, EventType, Procedure, Residence};
    use greffe_models::decision::Outcome;
    use greffe_models::dossier::Circuit;
    use greffe_models::order::OrderKind;
    use greffe_models::record::AttackedNature;
    use greffe_models::registry::{DossierStatus, Nature, PartyRole, PublicationLevel, Solution};
    use greffe_models::signature::SignatoryRole;
    let natures = codes(Nature::ALL.iter().map(|n| n.as_str()));
    let outcomes = codes(Outcome::ALL.iter().map(|o| o.as_str()));
    let half_days = codes(HalfDay::ALL.iter().map(|h| h.as_str()));
    let residences = codes(Residence::ALL.iter().map(|r| r.as_str()));
    // The events a clerk records (`POST /dossiers/{id}/events`): procedural
    // ones but the decision and the rapporteur's designation, which have
    // their own operations, and two of the registry's own.
    let events = codes(
        EventType::ALL.iter().filter(|e| e.recorded_by_hand()).map(|e| e.as_str()).chain(["notification", "jonction"]),
    );
    vec![
        ("CnpInput", "nature", natures.clone()),
        ("StatusChange", "status", codes(DossierStatus::ALL.iter().map(|s| s.as_str()))),
        ("DecisionInput", "solution", codes(Solution::ALL.iter().map(|s| s.as_str()))),
        ("DecisionInput", "publication", codes(PublicationLevel::ALL.iter().map(|s| s.as_str()))),
        ("HearingInput", "formation", codes(chamber_formations())),
        ("HearingInput", "half_day", half_days.clone()),
        ("HearingRecord", "half_day", half_days),
        ("ChamberInput", "nature", natures.clone()),
        (
            "MagistrateInput",
            "role",
            codes(Role::ALL.iter().filter(|r| **r != Role::PremierPresident).map(|r| r.as_str())),
        ),
        ("DossierInput", "nature", natures),
        ("DossierInput", "procedure", codes(Procedure::ALL.iter().map(|p| p.as_str()))),
        ("DossierInput", "circuit", codes(Circuit::ALL.iter().map(|c| c.as_str()))),
        ("DossierInput", "attacked_nature", codes(AttackedNature::ALL.iter().map(|n| n.as_str()))),
        (
            "DossierInput",
            "keywords",
            codes(greffe_models::vocabulary::Vocabulary::embedded().keywords().iter().map(|k| k.code.as_str())),
        ),
        ("DossierInput", "residence_demandeur", residences.clone()),
        ("DossierInput", "residence_defendeur", residences),
        ("Party", "role", codes(PartyRole::ALL.iter().map(|r| r.as_str()))),
        ("EventInput", "type", events),
        ("EventInput", "party", codes(PartyRole::SIDES.iter().map(|r| r.as_str()))),
        ("EventInput", "rule", codes(Catalogue::embedded().rules().iter().map(|r| r.id.as_str()))),
        ("ProposalRequest", "objective", codes(["default", "benchmark"])),
        ("DecisionInput", "formation", codes(greffe_store::decisions::FORMATIONS)),
        ("ImportRecord", "status", codes(DossierStatus::ALL.iter().map(|s| s.as_str()))),
        // The texts of decisions, orders and work documents.
        ("NamedParty", "role", codes(PartyRole::ALL.iter().map(|r| r.as_str()))),
        ("DecisionContent", "formation", codes(greffe_models::FormationCode::ALL.iter().map(|f| f.as_str()))),
        ("DecisionContent", "outcome", outcomes.clone()),
        ("DecisionContent", "publication", codes(PublicationLevel::ALL.iter().map(|s| s.as_str()))),
        ("PreventedSignatory", "role", codes(SignatoryRole::ALL.iter().map(|r| r.as_str()))),
        ("WorkContent", "proposed", outcomes),
        ("OrderContent", "kind", codes(OrderKind::ALL.iter().map(|k| k.as_str()))),
        ("Confirmation", "designating", designating_codes()),
    ]
}

/// What a distribution designates (`models::distribution::Designating`).
fn designating_codes() -> Vec<serde_json::Value> {
    use greffe_models::distribution::Designating;
    codes([Designating::Rapporteur, Designating::AvocatGeneral].map(|d| match d {
        Designating::Rapporteur => "rapporteur",
        Designating::AvocatGeneral => "avocat_general",
    }))
}

/// An ISO week as `GET /chambers/{code}/distribution` reads it
/// (`models::dates::parse_iso_week`): its form, and the custom format
/// `iso-week` the fuzzer draws from the calendar (a week 53 exists in
/// some years only).
pub const ISO_WEEK_PATTERN: &str = "^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$";

/// The query of a distribution's proposal: what is designated, the week.
fn declare_distribution(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{Schema, SchemaFormat};
    let Some(operation) =
        document.paths.paths.get_mut("/chambers/{code}/distribution").and_then(|item| item.get.as_mut())
    else {
        return;
    };
    for parameter in operation.parameters.iter_mut().flatten() {
        let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() else { continue };
        match parameter.name.as_str() {
            "designating" => {
                object.enum_values = Some(designating_codes());
                object.pattern = None;
                object.min_length = None;
            }
            "week" => {
                object.pattern = Some(ISO_WEEK_PATTERN.to_owned());
                object.format = Some(SchemaFormat::Custom("iso-week".to_owned()));
                object.min_length = None;
            }
            _ => {}
        }
    }
}

/// The filters of `GET /search` take the codes `SearchParams::query`
/// accepts (the vocabulary's keywords, the court's six chambers, the
/// circuits and statuses), and its words at most `MAX_QUERY_CHARS`.
fn declare_search_codes(document: &mut utoipa::openapi::OpenApi) {
    use greffe_models::dossier::Circuit;
    use greffe_models::registry::DossierStatus;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let Some(operation) = document.paths.paths.get_mut("/search").and_then(|item| item.get.as_mut()) else { return };
    for parameter in operation.parameters.iter_mut().flatten() {
        let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() else { continue };
        let values = match parameter.name.as_str() {
            "chamber" => codes(greffe_models::vocabulary::CHAMBERS),
            "circuit" => codes(Circuit::ALL.iter().map(|c| c.as_str())),
            "status" => codes(DossierStatus::ALL.iter().map(|s| s.as_str())),
            "keyword" => {
                codes(greffe_models::vocabulary::Vocabulary::embedded().keywords().iter().map(|k| k.code.as_str()))
            }
            "q" => {
                object.max_length = Some(crate::search::MAX_QUERY_CHARS);
                continue;
            }
            _ => continue,
        };
        object.enum_values = Some(values);
        object.pattern = None;
        object.min_length = None;
    }
}

fn declare_codes(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{Schema, SchemaType};
    let fields = input_codes();
    // A piece's kind, a query parameter of the upload.
    let kinds = codes(greffe_store::pieces::KINDS.iter().map(|(kind, _)| *kind));
    // The order to prefill, a query parameter of the order's page.
    let order_kinds = codes(greffe_models::order::OrderKind::ALL.iter().map(|k| k.as_str()));
    for operation in operations_mut(document) {
        for parameter in operation.parameters.iter_mut().flatten() {
            let values = match parameter.name.as_str() {
                "kind" => &kinds,
                "order_kind" => &order_kinds,
                _ => continue,
            };
            if let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() {
                object.enum_values = Some(values.clone());
                object.pattern = None;
                object.min_length = None;
            }
        }
    }
    declare_search_codes(document);
    declare_distribution(document);
    let Some(components) = document.components.as_mut() else { return };
    // The formation an edit sets, in the variant that has one.
    if let Some(RefOr::T(Schema::OneOf(edit))) = components.schemas.get_mut("Edit") {
        let formations = codes(chamber_formations());
        for variant in &mut edit.items {
            let RefOr::T(Schema::Object(variant)) = variant else { continue };
            // serde refuses fields a variant lacks.
            variant.additional_properties =
                Some(Box::new(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
            if let Some(RefOr::T(Schema::Object(formation))) = variant.properties.get_mut("formation") {
                formation.enum_values = Some(formations.clone());
                formation.pattern = None;
            }
        }
    }
    for (schema, property, values) in fields {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else { continue };
        // A list of codes: each item is one.
        if let Some(RefOr::T(Schema::Array(list))) = object.properties.get_mut(property)
            && let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut list.items
            && let RefOr::T(Schema::Object(item)) = items.as_mut()
        {
            item.enum_values = Some(values);
            item.pattern = None;
            item.min_length = None;
            continue;
        }
        if let Some(RefOr::T(Schema::Object(field))) = object.properties.get_mut(property) {
            let mut values = values;
            field.min_length = None;
            // An optional field keeps null among its values.
            if matches!(&field.schema_type, SchemaType::Array(kinds) if kinds.contains(&utoipa::openapi::Type::Null)) {
                values.push(serde_json::Value::Null);
            }
            field.enum_values = Some(values);
            field.pattern = None;
        }
    }
}

/// The form a field of an input must take, beyond the text rule.
enum Form {
    /// A pattern of `models::forms` (or the text rule's, with a length cap).
    Pattern(&'static str, Option<usize>),
    /// A numeric range, both ends included.
    Range(f64, f64),
    /// A list with at least one item.
    NotEmpty,
    /// One of these values.
    OneOf(Vec<&'static str>),
}

/// The forms of input fields: (schema, property, form).
fn input_forms() -> Vec<(&'static str, &'static str, Form)> {
    use greffe_models::format::MAX_SMALL_INTEGER;
    use greffe_models::forms::{
        CODE_PATTERN, EMAIL_MAX, EMAIL_PATTERN, NON_BLANK_PATTERN, POURVOI_PATTERN, USER_ID_PATTERN,
    };
    vec![
        ("ChamberInput", "code", Form::Pattern(CODE_PATTERN, None)),
        ("ChamberInput", "name", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("Section", "code", Form::Pattern(CODE_PATTERN, None)),
        ("MagistrateInput", "id", Form::Pattern(CODE_PATTERN, None)),
        ("MagistrateInput", "name", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("MagistrateInput", "rank", Form::Range(1.0, MAX_SMALL_INTEGER as f64)),
        ("MagistrateInput", "weekly_cap", Form::Range(0.0, MAX_SMALL_INTEGER as f64)),
        ("MagistrateInput", "specialties", Form::Pattern(CODE_PATTERN, None)),
        (
            "MagistrateInput",
            "interests",
            Form::Pattern(&NON_BLANK_PATTERN, Some(greffe_store::reference::INTEREST_MAX)),
        ),
        ("HearingInput", "id", Form::Pattern(CODE_PATTERN, None)),
        ("HearingInput", "capacity", Form::Range(1.0, MAX_SMALL_INTEGER as f64)),
        ("NewUser", "id", Form::Pattern(USER_ID_PATTERN, None)),
        ("NewUser", "name", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("NewUser", "chambers", Form::NotEmpty),
        ("TokenRequest", "label", Form::Pattern(&NON_BLANK_PATTERN, Some(greffe_store::users::TOKEN_LABEL_MAX))),
        ("DossierInput", "pourvoi", Form::Pattern(POURVOI_PATTERN, None)),
        ("DossierInput", "earlier_pourvoi", Form::Pattern(POURVOI_PATTERN, None)),
        ("DossierInput", "previous_pourvois", Form::Pattern(POURVOI_PATTERN, None)),
        ("Ground", "title", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("Ground", "branches", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("Ground", "articles", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("Party", "name", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("Party", "lawyer_email", Form::Pattern(EMAIL_PATTERN, Some(EMAIL_MAX))),
        ("AttackedDecision", "court", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("AttackedDecision", "docket", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("RecusalInput", "ground", Form::Pattern(&NON_BLANK_PATTERN, None)),
        ("ImportFile", "format", Form::OneOf(vec![greffe_store::import::FORMAT])),
        ("ProposalRequest", "time_limit_s", Form::Range(TIME_LIMIT_S.0, TIME_LIMIT_S.1)),
        ("DecisionInput", "ecli", Form::Pattern(greffe_models::forms::ECLI_PATTERN, None)),
        ("PostedLetter", "address", Form::Pattern(&NON_BLANK_PATTERN, Some(outbox::ADDRESS_MAX))),
        ("PostedLetter", "reference", Form::Pattern(&NON_BLANK_PATTERN, Some(outbox::REFERENCE_MAX))),
    ]
}

/// States the forms the store checks on inputs (`models::forms`, the
/// bounds of `models::format`): codes, ids, names that may not be blank,
/// pourvoi numbers, counts. Stored records keep the text rule alone.
fn declare_forms(document: &mut utoipa::openapi::OpenApi) {
    use greffe_models::dossier::Circuit;
    use greffe_models::forms::POURVOI_PATTERN;
    use greffe_models::registry::DossierStatus;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let fields = input_forms();
    let apply = |object: &mut utoipa::openapi::schema::Object, form: &Form| match form {
        Form::Pattern(pattern, max) => {
            object.pattern = Some((*pattern).to_owned());
            object.max_length = *max;
        }
        Form::Range(min, max) => {
            object.minimum = Some((*min).into());
            object.maximum = Some((*max).into());
        }
        Form::NotEmpty => {}
        Form::OneOf(values) => {
            object.enum_values = Some(values.iter().map(|v| serde_json::Value::from(*v)).collect());
            object.pattern = None;
        }
    };
    // Path parameters naming a code or a user.
    for (path, item) in document.paths.paths.iter_mut() {
        let form = if path.starts_with("/admin/users/{id}") {
            greffe_models::forms::USER_ID_PATTERN
        } else if ["/chambers/{code}", "/hearings/{id}", "/magistrates/{id}"].iter().any(|p| path.starts_with(p)) {
            greffe_models::forms::CODE_PATTERN
        } else {
            continue;
        };
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in == utoipa::openapi::path::ParameterIn::Path
                    && matches!(parameter.name.as_str(), "code" | "id")
                    && let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut()
                {
                    apply(object, &Form::Pattern(form, None));
                }
            }
        }
    }
    // The query parameters of a piece's upload.
    if let Some(operation) = document.paths.paths.get_mut("/dossiers/{id}/pieces").and_then(|item| item.post.as_mut()) {
        let upload = [
            ("party", Form::OneOf(greffe_models::registry::PartyRole::SIDES.iter().map(|r| r.as_str()).collect())),
            ("filed_by", Form::Pattern(&greffe_models::forms::NON_BLANK_PATTERN, None)),
            ("filename", Form::Pattern(&greffe_models::forms::FILE_NAME_PATTERN, None)),
        ];
        for parameter in operation.parameters.iter_mut().flatten() {
            if let Some((_, form)) = upload.iter().find(|(name, _)| *name == parameter.name)
                && let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut()
            {
                apply(object, form);
                object.min_length = None;
            }
        }
    }
    // Query parameters of the dossier search.
    let search: [(&str, Form); 3] = [
        ("pourvoi", Form::Pattern(POURVOI_PATTERN, None)),
        ("status", Form::OneOf(DossierStatus::ALL.iter().map(|s| s.as_str()).collect())),
        ("circuit", Form::OneOf(Circuit::ALL.iter().map(|c| c.as_str()).collect())),
    ];
    if let Some(operation) = document.paths.paths.get_mut("/dossiers").and_then(|item| item.get.as_mut()) {
        for parameter in operation.parameters.iter_mut().flatten() {
            if let Some((_, form)) = search.iter().find(|(name, _)| *name == parameter.name)
                && let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut()
            {
                apply(object, form);
            }
        }
    }
    let Some(components) = document.components.as_mut() else { return };
    // A magistrate's declarations: at most so many, each speciality once.
    if let Some(RefOr::T(Schema::Object(magistrate))) = components.schemas.get_mut("MagistrateInput") {
        for (property, unique) in [("specialties", true), ("interests", false)] {
            if let Some(RefOr::T(Schema::Array(list))) = magistrate.properties.get_mut(property) {
                list.max_items = Some(greffe_store::reference::MAX_DECLARED);
                list.unique_items = unique;
            }
        }
    }
    for (schema, property, form) in &fields {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema) else { continue };
        let Some(RefOr::T(field)) = object.properties.get_mut(*property) else { continue };
        match field {
            Schema::Object(field) => {
                apply(field, form);
            }
            Schema::Array(list) if matches!(form, Form::NotEmpty) => list.min_items = Some(1),
            // A list of values of one form: each item has it.
            Schema::Array(list) => {
                if let utoipa::openapi::schema::ArrayItems::RefOrSchema(item) = &mut list.items
                    && let RefOr::T(Schema::Object(item)) = item.as_mut()
                {
                    apply(item, form);
                }
            }
            _ => {}
        }
    }
}

/// What the scenario's types cannot say through their derives: the name's
/// pattern, the chambers a scenario may change (the simulated court's), the
/// ISO weeks a chamber may close.
fn declare_scenario(document: &mut utoipa::openapi::OpenApi) {
    use greffe_simulation::scenario::{CHAMBERS, SCENARIO_NAME_PATTERN, START_PATTERN};
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, ObjectBuilder, Schema};
    use utoipa::openapi::{Ref, RefOr};
    let Some(components) = document.components.as_mut() else { return };
    if let Some(RefOr::T(Schema::Object(scenario))) = components.schemas.get_mut("Scenario") {
        if let Some(RefOr::T(Schema::Object(name))) = scenario.properties.get_mut("name") {
            name.pattern = Some(SCENARIO_NAME_PATTERN.to_owned());
        }
        if let Some(RefOr::T(Schema::Object(start))) = scenario.properties.get_mut("start") {
            // Narrower than the calendar: the simulated court's dates reach
            // years before and after the start.
            start.pattern = Some(START_PATTERN.to_owned());
        }
        let mut chambers = ObjectBuilder::new()
            .description(Some("Changes by chamber of the simulated court"))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for chamber in CHAMBERS {
            chambers = chambers.property(chamber, Ref::from_schema_name("ChamberScenario"));
        }
        scenario.properties.insert("chambers".to_owned(), RefOr::T(Schema::Object(chambers.build())));
    }
    if let Some(RefOr::T(Schema::Object(chamber))) = components.schemas.get_mut("ChamberScenario")
        && let Some(RefOr::T(Schema::Array(weeks))) = chamber.properties.get_mut("closed_weeks")
        && let ArrayItems::RefOrSchema(item) = &mut weeks.items
        && let RefOr::T(Schema::Object(week)) = item.as_mut()
    {
        week.minimum = Some(1f64.into());
        week.maximum = Some(53f64.into());
    }
}

/// States that a dossier's merge patch (RFC 7396) names fields of the
/// record only: each optional, `null` removing an optional one, the
/// decision attacked patched field by field.
fn declare_dossier_patch(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    let Some(components) = document.components.as_mut() else { return };
    let partial = |name: &str| -> Option<utoipa::openapi::schema::Object> {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get(name) else { return None };
        let mut object = object.clone();
        object.required.clear();
        object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        Some(object)
    };
    let (Some(mut patch), Some(attacked)) = (partial("DossierInput"), partial("AttackedDecision")) else { return };
    patch.description = Some("Fields of the dossier's record to change (JSON merge patch, RFC 7396)".to_owned());
    // `null` removes a field: only an optional one may be removed.
    for property in patch.properties.values_mut() {
        if let RefOr::Ref(reference) = property
            && reference.ref_location.ends_with("/AttackedDecision")
        {
            *property = RefOr::T(Schema::Object(attacked.clone()));
        }
    }
    components.schemas.insert("DossierPatch".to_owned(), RefOr::T(Schema::Object(patch)));
    if let Some(operation) = document.paths.paths.get_mut("/dossiers/{id}").and_then(|item| item.patch.as_mut())
        && let Some(body) = operation.request_body.as_mut()
    {
        for content in body.content.values_mut() {
            content.schema = Some(utoipa::openapi::Ref::from_schema_name("DossierPatch").into());
        }
    }
}

/// The operations that take `Idempotency-Key` (those that run through
/// [`idempotent`]).
const IDEMPOTENT: [&str; 8] = [
    "/dossiers",
    "/dossiers/{id}/status",
    "/dossiers/{id}/events",
    "/dossiers/{id}/decision",
    "/cnp",
    "/admin/import",
    "/plans/jobs",
    "/simulations",
];

/// Declares `Idempotency-Key` on every POST that takes it, with its form.
fn declare_idempotency(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::ObjectBuilder;
    use utoipa::openapi::{Required, Type};
    for path in IDEMPOTENT {
        let Some(operation) = document.paths.paths.get_mut(path).and_then(|item| item.post.as_mut()) else { continue };
        let parameters = operation.parameters.get_or_insert_with(Vec::new);
        parameters.retain(|p| !(p.parameter_in == ParameterIn::Header && p.name == "Idempotency-Key"));
        parameters.push(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Retry-safe key (a UUID, say): a retry with the same key and body gets the first answer again",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(200))
                        .pattern(Some(extract::IDEMPOTENCY_KEY_PATTERN)),
                ))
                .build(),
        );
        operation.responses.responses.entry("422".to_owned()).or_insert_with(|| {
            utoipa::openapi::RefOr::T(
                utoipa::openapi::ResponseBuilder::new()
                    .description("valeur refusée (nommée dans `field`)")
                    .content(
                        "application/json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        });
    }
}

/// What the document says beyond the handlers' own annotations.
fn complete(document: &mut utoipa::openapi::OpenApi) {
    declare_shared_refusals(document);
    merge_flattened(document);
    declare_text_rule(document);
    declare_codes(document);
    declare_forms(document);
    declare_scenario(document);
    declare_dossier_patch(document);
    declare_idempotency(document);
}

/// The OpenAPI document, its paths from the routes.
fn document() -> utoipa::openapi::OpenApi {
    let mut document = routes().into_openapi();
    complete(&mut document);
    document
}

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    let document = document();
    document.to_pretty_json().unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
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
        // The portal's own pages (HTML) are answered as they are.
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
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
        _ if status.is_server_error() => {
            // One code for every 500, whoever answered it.
            let body = Problem {
                code: ErrorCode::Internal,
                message: "erreur interne du service".to_owned(),
                field: None,
                action: Some("réessayer ; si l'erreur persiste, prévenir l'administrateur".to_owned()),
            };
            return (status, axum::Json(body)).into_response();
        }
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

/// Refuses with 415 a write whose body is not declared JSON
/// (`application/json` or `application/…+json`); a piece upload
/// (`…/pieces`) takes any media type, and an empty body needs none.
async fn require_json(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::Method;
    let writes = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH);
    let headers = request.headers();
    let has_body = axum::body::HttpBody::size_hint(request.body()).upper() != Some(0)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|length| length > 0);
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || (v.starts_with("application/") && v.ends_with("+json")));
    if writes && has_body && !json && !request.uri().path().ends_with("/pieces") {
        return Error::refused(ErrorCode::UnsupportedMediaType, "type de contenu non admis : JSON attendu")
            .field("Content-Type")
            .action("envoyer le corps avec l'en-tête « Content-Type: application/json »")
            .into_response();
    }
    next.run(request).await
}

/// The service's routes.
pub fn router(state: AppState) -> Router {
    let (api, mut document) = routes().split_for_parts();
    complete(&mut document);
    let api = api.layer(axum::middleware::from_fn(require_json)).merge(crate::portal::router());
    let document =
        std::sync::Arc::new(document.to_pretty_json().unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}")));
    api.route(
        "/openapi.json",
        get(move || {
            let document = std::sync::Arc::clone(&document);
            async move { ([(header::CONTENT_TYPE, "application/json")], document.as_str().to_owned()).into_response() }
        }),
    )
    .fallback(not_found)
    .method_not_allowed_fallback(method_not_allowed)
    .layer(axum::middleware::map_response(uniform_errors))
    .layer(axum::middleware::from_fn_with_state(std::sync::Arc::clone(&state.metrics), crate::metrics::record))
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(
        TraceLayer::new_for_http()
            .make_span_with(request_span)
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
            .on_failure(DefaultOnFailure::new().level(tracing::Level::ERROR)),
    )
    .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    .with_state(state)
}

/// The span of a request: its id (`X-Request-Id`, the caller's when given,
/// else a new UUID; sent back on the response), method and route template
/// — never the query string, which may hold a party's name.
fn request_span(request: &axum::http::Request<Body>) -> tracing::Span {
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| request.uri().path(), axum::extract::MatchedPath::as_str);
    tracing::info_span!("request", request_id = %id, method = %request.method(), route = %route)
}

/// `/metrics` alone, without credentials: for `greffe serve --metrics-bind`
/// and `greffe worker --metrics-bind`, on an address only the monitoring
/// reaches.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|axum::extract::State(state): axum::extract::State<AppState>| async move {
                registry::metrics_text(&state).await.into_response()
            }),
        )
        .with_state(state)
}

/// Serves the routes on `listener` until `shutdown` completes (requests in
/// flight are finished first), with this process's worker running the
/// queued jobs (those queued before a restart included).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::worker::Worker::ensure_started(&state);
    state.search.ensure_following(&state.store);
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;

    /// A renamed field must not leave its form undeclared in silence.
    #[test]
    fn every_declared_form_and_code_list_names_a_field_of_the_document() {
        let document = super::document();
        let schemas = &document.components.as_ref().expect("components").schemas;
        let forms = super::input_forms().into_iter().map(|(schema, property, _)| (schema, property));
        let codes = super::input_codes().into_iter().map(|(schema, property, _)| (schema, property));
        for (schema, property) in forms.chain(codes) {
            let Some(RefOr::T(Schema::Object(object))) = schemas.get(schema) else {
                panic!("no object schema {schema}");
            };
            assert!(object.properties.contains_key(property), "{schema} has no property {property}");
        }
    }
}
