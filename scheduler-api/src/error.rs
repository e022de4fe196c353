//! The service's errors and the one place where each becomes an HTTP
//! response: the status of every kind of failure is decided here, the body is
//! always a [`Problem`] (`{code, message, field, action}`, French for the
//! clerk who reads it). Internal failures are logged here, once, and never
//! sent as they are.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
pub use greffe_store::error::{ErrorCode, Problem};

/// An error of the service: the store's, or one of the service's own
/// (credentials, role, request shape, missing precondition).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] greffe_store::Error),
    /// No or unknown credentials.
    #[error("{}", .0.message)]
    Unauthenticated(Problem),
    /// Outside the caller's role or chambers.
    #[error("{}", .0.message)]
    Forbidden(Problem),
    /// The request itself is malformed (its code tells which way).
    #[error("{}", .0.message)]
    BadRequest(Problem),
    /// A write that does not say which version it modifies.
    #[error("{}", .0.message)]
    PreconditionRequired(Problem),
}

/// Result of the service's operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// 400: the body is not what was expected.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(Problem::new(ErrorCode::BadRequest, message))
    }

    /// A request refused with a code other than `bad_request`
    /// (`method_not_allowed`, `payload_too_large`…).
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::BadRequest(Problem::new(code, message))
    }

    /// 422: a field's value is refused.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self::Store(greffe_store::Error::invalid(field, message, action))
    }

    /// 401: no or unknown credentials.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        let mut problem = Problem::new(ErrorCode::Unauthenticated, message);
        problem.action = Some("joindre l'en-tête « Authorization: Bearer <jeton> » avec un jeton valide".to_owned());
        Self::Unauthenticated(problem)
    }

    /// 403: outside the user's role or chambers.
    pub fn forbidden(message: impl Into<String>) -> Self {
        let mut problem = Problem::new(ErrorCode::Forbidden, message);
        problem.action = Some("demander l'opération à un utilisateur qui a le rôle et la chambre requis".to_owned());
        Self::Forbidden(problem)
    }

    /// 404.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::Store(greffe_store::Error::not_found(what))
    }

    /// 409: the write contradicts the state of the register.
    pub fn conflict(code: ErrorCode, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self::Store(greffe_store::Error::conflict(code, message, action))
    }

    /// 412: the version given is not the current one.
    pub fn version_mismatch(current: i64) -> Self {
        Self::Store(greffe_store::Error::version_mismatch(current))
    }

    /// 428: a write without `If-Match`.
    pub fn precondition_required() -> Self {
        let mut problem = Problem::new(
            ErrorCode::PreconditionRequired,
            "une modification doit indiquer la version qu'elle modifie ; rien n'a été enregistré",
        );
        problem.field = Some("If-Match".to_owned());
        problem.action =
            Some("relire la ressource et renvoyer la modification avec l'en-tête « If-Match: <ETag> »".to_owned());
        Self::PreconditionRequired(problem)
    }

    /// 500: a failure of the service itself (logged when answered).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Store(greffe_store::Error::internal(detail))
    }

    /// 503: the store cannot be reached.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        Self::Store(greffe_store::Error::unavailable(detail))
    }

    fn problem_mut(&mut self) -> Option<&mut Problem> {
        match self {
            Self::Store(error) => error.problem_mut(),
            Self::Unauthenticated(problem)
            | Self::Forbidden(problem)
            | Self::BadRequest(problem)
            | Self::PreconditionRequired(problem) => Some(problem),
        }
    }

    /// Names the field at fault.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        if let Some(problem) = self.problem_mut() {
            problem.field = Some(field.into());
        }
        self
    }

    /// Names the field at fault `to` when it was `from` (a form's name for
    /// an API field).
    #[must_use]
    pub fn rename_field(mut self, from: &str, to: &str) -> Self {
        if let Some(problem) = self.problem_mut().filter(|p| p.field.as_deref() == Some(from)) {
            problem.field = Some(to.to_owned());
        }
        self
    }

    /// Says what to do.
    #[must_use]
    pub fn action(mut self, action: impl Into<String>) -> Self {
        if let Some(problem) = self.problem_mut() {
            problem.action = Some(action.into());
        }
        self
    }

    /// The HTTP status and the body sent: the one mapping of every error.
    pub fn status_and_body(&self) -> (StatusCode, Problem) {
        use greffe_store::Error as Store;
        match self {
            Self::Store(Store::NotFound(problem)) => (StatusCode::NOT_FOUND, problem.clone()),
            Self::Store(Store::Conflict(problem)) => (StatusCode::CONFLICT, problem.clone()),
            Self::Store(Store::Invalid(problem)) => (StatusCode::UNPROCESSABLE_ENTITY, problem.clone()),
            Self::Store(Store::Busy { problem, .. }) => (StatusCode::TOO_MANY_REQUESTS, problem.clone()),
            Self::Store(Store::VersionMismatch { current }) => (
                StatusCode::PRECONDITION_FAILED,
                Problem {
                    code: ErrorCode::VersionMismatch,
                    message: format!(
                        "la ressource a été modifiée entre-temps (version actuelle : {current}) ; rien n'a été enregistré"
                    ),
                    field: Some("If-Match".to_owned()),
                    action: Some(
                        "relire la ressource, reporter la modification sur la version actuelle et renvoyer avec son ETag"
                            .to_owned(),
                    ),
                },
            ),
            Self::Store(Store::Unavailable { problem, .. }) => (
                StatusCode::SERVICE_UNAVAILABLE,
                problem.clone().unwrap_or_else(|| {
                    let mut problem = Problem::new(ErrorCode::Unavailable, "la base de données est indisponible");
                    problem.action = Some("réessayer dans un instant".to_owned());
                    problem
                }),
            ),
            Self::Store(Store::Internal(_)) => {
                let mut problem =
                    Problem::new(ErrorCode::Internal, "erreur interne du service ; rien n'a été enregistré");
                problem.action = Some("réessayer ; si l'erreur persiste, prévenir l'administrateur".to_owned());
                (StatusCode::INTERNAL_SERVER_ERROR, problem)
            }
            Self::Unauthenticated(problem) => (StatusCode::UNAUTHORIZED, problem.clone()),
            Self::Forbidden(problem) => (StatusCode::FORBIDDEN, problem.clone()),
            Self::PreconditionRequired(problem) => (StatusCode::PRECONDITION_REQUIRED, problem.clone()),
            Self::BadRequest(problem) => {
                let status = match problem.code {
                    ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
                    ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    _ => StatusCode::BAD_REQUEST,
                };
                (status, problem.clone())
            }
        }
    }
}

/// The HTTP status answered with `code` (for the documentation: the
/// mapping itself is [`Error::status_and_body`], and a test holds the two
/// together).
pub fn status_of(code: ErrorCode) -> u16 {
    let status = match code {
        ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        ErrorCode::InvalidField => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::VersionMismatch => StatusCode::PRECONDITION_FAILED,
        ErrorCode::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::AlreadyExists
        | ErrorCode::BadReference
        | ErrorCode::ImmutableField
        | ErrorCode::ForbiddenTransition
        | ErrorCode::HardViolations
        | ErrorCode::LateNotices
        | ErrorCode::InProgress
        | ErrorCode::InstanceInvalid
        | ErrorCode::NoMagistrate
        | ErrorCode::NotEmpty
        | ErrorCode::NotFinished
        | ErrorCode::PlanStatus
        | ErrorCode::AlreadyDone
        | ErrorCode::NotHeard
        | ErrorCode::DecisionDefects
        | ErrorCode::NotSignatory => StatusCode::CONFLICT,
        ErrorCode::QueueFull => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    };
    status.as_u16()
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Self::Store(greffe_store::Error::Internal(detail)) => tracing::error!(%detail, "internal error"),
            Self::Store(greffe_store::Error::Unavailable { detail, .. }) => {
                tracing::error!(%detail, "store unavailable");
            }
            _ => {}
        }
        let (status, mut body) = self.status_and_body();
        // A refusal may quote what was sent: the characters the text rule
        // refuses (models::text) are shown as « ? », never echoed, so that
        // the answer obeys the rule it states.
        let visible = |text: &mut String| {
            if greffe_models::text::refused_char(text, false).is_some() {
                *text = text.chars().map(|c| if greffe_models::text::printable(c) { c } else { '?' }).collect();
            }
        };
        visible(&mut body.message);
        for text in [body.field.as_mut(), body.action.as_mut()].into_iter().flatten() {
            visible(text);
        }
        let mut response = (status, axum::Json(body)).into_response();
        if let Self::Store(greffe_store::Error::Busy { retry_after_s, .. }) = &self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(*retry_after_s));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented status of every code is the one answered.
    #[test]
    fn documented_statuses_are_the_answered_ones() {
        let samples = [
            Error::bad_request("x"),
            Error::refused(ErrorCode::MethodNotAllowed, "x"),
            Error::refused(ErrorCode::PayloadTooLarge, "x"),
            Error::refused(ErrorCode::UnsupportedMediaType, "x"),
            Error::invalid("f", "x", "y"),
            Error::unauthenticated("x"),
            Error::forbidden("x"),
            Error::not_found("x"),
            Error::version_mismatch(3),
            Error::precondition_required(),
            Error::internal("x"),
            Error::unavailable("x"),
            Error::Store(greffe_store::Error::busy("x", "y", 30)),
        ]
        .into_iter()
        .chain(
            [
                ErrorCode::AlreadyExists,
                ErrorCode::BadReference,
                ErrorCode::ImmutableField,
                ErrorCode::ForbiddenTransition,
                ErrorCode::HardViolations,
                ErrorCode::LateNotices,
                ErrorCode::InProgress,
                ErrorCode::InstanceInvalid,
                ErrorCode::NoMagistrate,
                ErrorCode::NotEmpty,
                ErrorCode::NotFinished,
                ErrorCode::PlanStatus,
                ErrorCode::AlreadyDone,
                ErrorCode::NotHeard,
                ErrorCode::DecisionDefects,
                ErrorCode::NotSignatory,
            ]
            .map(|code| Error::conflict(code, "x", "y")),
        );
        let mut seen = std::collections::BTreeSet::new();
        for error in samples {
            let (status, body) = error.status_and_body();
            assert_eq!(status.as_u16(), status_of(body.code), "{}", body.code);
            seen.insert(body.code.as_str());
        }
        assert_eq!(seen.len(), ErrorCode::ALL.len(), "every code is answered by some error");
    }
}
