//! What handlers take from a request and how they answer: the caller (API
//! token), JSON bodies and query strings parsed with French errors naming
//! the field, `If-Match` versions, ETags.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::error::{Error, Result};
use greffe_models::access::{Operation, View, Visibility};
use greffe_store::users::User;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller(pub User);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Error::unauthenticated("authentification requise"));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::unauthenticated("en-tête Authorization mal formé (attendu : « Bearer <jeton> »)"))?;
        match state.store.user_by_token(token).await? {
            Some(user) => Ok(Self(user)),
            None => Err(Error::unauthenticated("jeton inconnu ou révoqué")),
        }
    }
}

impl Caller {
    /// 403 unless the caller's role may do `operation` (the table of
    /// `greffe_models::access`).
    pub fn require(&self, operation: Operation) -> Result<()> {
        if self.0.role.may(operation) {
            Ok(())
        } else {
            let allowed: Vec<&str> = operation.roles().iter().map(|r| r.label_fr()).collect();
            Err(Error::forbidden(format!(
                "opération réservée au rôle {} (vous êtes {})",
                allowed.join(" ou "),
                self.0.role.label_fr()
            )))
        }
    }

    /// 403 unless the caller's role reads `view` (`Visibility`, the court's
    /// choice); the chamber scope is checked beside.
    pub fn require_view(&self, visibility: &Visibility, view: View) -> Result<()> {
        if visibility.allows(self.0.role, view) {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "{} ne sont pas lisibles au rôle {}",
                view.label_fr(),
                self.0.role.label_fr()
            )))
        }
    }

    /// 403 unless the caller's chambers include `chamber`.
    pub fn require_chamber(&self, chamber: &str) -> Result<()> {
        if self.0.covers(chamber) {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "la chambre {chamber} n'est pas dans votre périmètre ({})",
                self.0.chambers.join(", ")
            )))
        }
    }

    /// The caller's chambers, or none for every chamber.
    pub fn scope(&self) -> Option<&[String]> {
        if self.0.covers_all() { None } else { Some(&self.0.chambers) }
    }

    /// The caller's id (journaled as the actor).
    pub fn id(&self) -> &str {
        &self.0.id
    }
}

/// Parses a JSON body: a body that is not JSON is a 400, a value that does
/// not fit is a 422; both name the field (JSON path), line and column.
pub fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::bad_request("le corps n'est pas du texte UTF-8"))?;
    if text.trim().is_empty() {
        return Err(Error::bad_request("corps vide : un document JSON est attendu")
            .action("envoyer le document JSON décrit par /openapi.json"));
    }
    // Characters no field may hold, refused the same way on both backends
    // (a text that is not JSON is left to the typed parse, which says where).
    let mut rewritten = None;
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some((path, c)) = greffe_models::text::first_refused(&value) {
            let (message, action) = greffe_models::text::refusal(c);
            return Err(Error::invalid(if path.is_empty() { "body".to_owned() } else { path }, message, action));
        }
        // Every date lies in the calendar the rules are computed on.
        if let Some((path, message, action)) = greffe_models::dates::first_outside_calendar(&value) {
            return Err(Error::invalid(path, message, action));
        }
        // Every body is an object (serde would read a struct from a list of
        // its fields' values, which no document describes).
        if value.is_array() {
            return Err(Error::invalid(
                "body",
                "une liste a été envoyée, un objet JSON est attendu",
                "envoyer l'objet décrit par /openapi.json",
            ));
        }
        // JSON Schema counts 12.0 as an integer: so does the service.
        if integral_numbers_as_integers(&mut value) {
            rewritten = Some(value.to_string());
        }
    }
    greffe_models::format::from_json_text(rewritten.as_deref().unwrap_or(text)).map_err(|error| {
        let data = error.message.starts_with("valeur inattendue");
        let base = if data {
            Error::invalid(error.path.clone(), error.to_string(), "corriger ce champ (voir /openapi.json)")
        } else {
            Error::bad_request(error.to_string()).action("envoyer un document JSON valide")
        };
        if error.path.is_empty() { base } else { base.field(error.path) }
    })
}

/// 2^63: every f64 of smaller magnitude with no fraction is an exact i64.
const TWO_TO_THE_63: f64 = 9_223_372_036_854_775_808.0;

/// Writes every number of `value` with no fractional part (`12.0`, `1e3`)
/// as an integer, as JSON Schema reads it; says whether one was.
fn integral_numbers_as_integers(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => match number.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < TWO_TO_THE_63 => {
                *value = Value::from(x as i64);
                true
            }
            _ => false,
        },
        Value::Array(items) => {
            items.iter_mut().fold(false, |changed, item| integral_numbers_as_integers(item) | changed)
        }
        Value::Object(map) => {
            map.values_mut().fold(false, |changed, item| integral_numbers_as_integers(item) | changed)
        }
        _ => false,
    }
}

/// Query-string parameters, refused with a French 422 naming the parameter.
#[derive(Debug, Clone)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        let query = parts.uri.query().unwrap_or("");
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if value.is_empty() {
                return Err(Error::invalid(
                    key.into_owned(),
                    "paramètre vide",
                    "omettre le paramètre, ou lui donner une valeur",
                ));
            }
            if let Some(c) = greffe_models::text::refused_char(&key, false)
                .or_else(|| greffe_models::text::refused_char(&value, false))
            {
                let (message, action) = greffe_models::text::refusal(c);
                return Err(Error::invalid(key.into_owned(), message, action));
            }
            if greffe_models::dates::DATE_FIELDS.contains(&key.as_ref())
                && let Some((message, action)) = greffe_models::dates::outside_calendar(&value)
            {
                return Err(Error::invalid(key.into_owned(), message, action));
            }
        }
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(Params).map_err(|error| {
            let field = error.path().to_string();
            let detail = error.into_inner().to_string();
            Error::invalid(
                if field == "." { "query".to_owned() } else { field },
                format!(
                    "paramètre refusé : {}",
                    detail
                        .replace("unknown field", "paramètre inconnu")
                        .replace("expected one of", "admis :")
                        .replace("invalid digit found in string", "nombre attendu")
                ),
                "corriger les paramètres de la requête (voir /openapi.json)",
            )
        })
    }
}

/// The version a write applies to (`If-Match`); absent when the header is.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub i64);

fn parse_if_match(parts: &Parts) -> Result<Option<IfMatch>> {
    let Some(value) = parts.headers.get(header::IF_MATCH) else { return Ok(None) };
    let raw = value.to_str().unwrap_or("").trim();
    if raw == "*" {
        return Err(Error::bad_request("If-Match: * n'est pas admis : une écriture nomme la version qu'elle a lue")
            .field("If-Match")
            .action("renvoyer l'ETag lu sur la ressource, par exemple \"3\""));
    }
    let raw = raw.strip_prefix("W/").unwrap_or(raw);
    raw.trim_matches('"').parse::<i64>().map(|v| Some(IfMatch(v))).map_err(|_| {
        Error::bad_request(format!("en-tête If-Match « {raw} » mal formé"))
            .field("If-Match")
            .action("renvoyer l'ETag lu sur la ressource, par exemple \"3\"")
    })
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        parse_if_match(parts)?.ok_or_else(Error::precondition_required)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for IfMatch {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>> {
        parse_if_match(parts)
    }
}

/// A JSON response carrying its resource's version as ETag.
pub fn tagged<T: Serialize>(status: StatusCode, version: i64, body: &T) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The `Idempotency-Key` of a request, if any: 1 to 200 visible ASCII
/// characters (spaces inside), [`IDEMPOTENCY_KEY_PATTERN`]; anything else
/// is refused rather than ignored (a retry would write twice).
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let bytes = value.as_bytes();
    let visible = |b: &u8| b.is_ascii_graphic();
    let fits = (1..=200).contains(&bytes.len())
        && bytes.first().is_some_and(visible)
        && bytes.last().is_some_and(visible)
        && bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    if !fits {
        return Err(Error::invalid(
            "Idempotency-Key",
            "clé d'idempotence vide, trop longue ou hors de l'ASCII visible",
            "donner 1 à 200 caractères ASCII visibles (un UUID, par exemple)",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// The form of `Idempotency-Key` ([`idempotency_key`]), for the document.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]([ -~]{0,198}[!-~])?$";

/// Parses a numeric id from the path; anything else is an unknown id (404).
pub fn numeric_id(raw: &str, what: &str) -> Result<i64> {
    raw.parse::<i64>().map_err(|_| Error::not_found(format!("{what} « {raw} »")))
}

/// An optional date parameter (`YYYY-MM-DD`), `default` when absent; a bad
/// one is refused naming `field`.
pub fn date_or(field: &str, raw: Option<&str>, default: greffe_models::Date) -> Result<greffe_models::Date> {
    match raw {
        None => Ok(default),
        Some(raw) => greffe_models::dates::parse_date(raw).map_err(|e| Error::invalid(field, e.to_string(), e.fix())),
    }
}

/// The deadline engine's configuration from an optional `warning_days`
/// parameter (default 15), refused beyond a year.
pub fn deadline_config(warning_days: Option<u32>) -> Result<greffe_models::deadlines::DeadlineConfig> {
    use greffe_models::deadlines::DeadlineConfig;
    match warning_days {
        None => Ok(DeadlineConfig::default()),
        Some(days) => DeadlineConfig::with_warning_days(days).map_err(|message| {
            Error::invalid(
                "warning_days",
                message,
                format!("donner un nombre de jours de 0 à {}", DeadlineConfig::MAX_WARNING_DAYS),
            )
        }),
    }
}
