//! The service's one error shape: `{code, message, field, action}`, messages
//! in French for the clerk who reads them, with the HTTP status each kind of
//! failure maps to. Store and handlers both return it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong, as sent to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine code (`not_found`, `version_mismatch`…).
    pub code: String,
    /// What went wrong, in French.
    pub message: String,
    /// The field at fault (JSON path or parameter name), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What to do about it, in French.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// An error of the service, with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {}", body.message)]
pub struct Error {
    /// HTTP status.
    pub status: StatusCode,
    /// Body sent to the client.
    pub body: ErrorBody,
}

/// Result of the service's operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self { status, body: ErrorBody { code: code.to_owned(), message: message.into(), field: None, action: None } }
    }

    /// Names the field at fault.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    /// Says what to do.
    #[must_use]
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.body.action = Some(action.into());
        self
    }

    /// 400: the body is not the JSON expected.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 422: a field's value is refused.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message).field(field).action(action)
    }

    /// 401: no or unknown credentials.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
            .action("joindre l'en-tête « Authorization: Bearer <jeton> » avec un jeton valide")
    }

    /// 403: outside the user's role or chambers.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
            .action("demander l'opération à un utilisateur qui a le rôle et la chambre requis")
    }

    /// 404.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{} introuvable", what.into()))
            .action("vérifier l'identifiant")
    }

    /// 409: the write contradicts the state of the register.
    pub fn conflict(code: &str, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message).action(action)
    }

    /// 412: the version given is not the current one.
    pub fn version_mismatch(current: i64) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
            format!("la ressource a été modifiée entre-temps (version actuelle : {current}) ; rien n'a été enregistré"),
        )
        .field("If-Match")
        .action("relire la ressource, reporter la modification sur la version actuelle et renvoyer avec son ETag")
    }

    /// 428: a write without `If-Match`.
    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "une modification doit indiquer la version qu'elle modifie ; rien n'a été enregistré",
        )
        .field("If-Match")
        .action("relire la ressource et renvoyer la modification avec l'en-tête « If-Match: <ETag> »")
    }

    /// 500, for failures of the store itself (logged, never the client's input).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "erreur interne du service ; rien n'a été enregistré")
            .action("réessayer ; si l'erreur persiste, prévenir l'administrateur")
    }

    /// 503: the store cannot be reached.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "store unavailable");
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "la base de données est indisponible")
            .action("réessayer dans un instant")
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => Self::unavailable(error),
            _ => Self::internal(error),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}
