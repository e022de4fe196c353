//! The store's errors: what went wrong with a read or a write, in the
//! registry's terms — never an HTTP status (the service maps each kind to one,
//! in one place). Messages and actions are in French, for the clerk who reads
//! them; `Internal` and `Unavailable` keep their technical detail for the log
//! and are never shown as such.

pub use greffe_models::errors::ErrorCode;
use serde::Serialize;

/// What a refused operation says to the user: a stable code, a French
/// message, the field at fault and the action to take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Stable machine code.
    pub code: ErrorCode,
    /// What went wrong, in French.
    pub message: String,
    /// The field at fault (JSON path or parameter name), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What to do about it, in French.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl Problem {
    /// A problem with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), field: None, action: None }
    }
}

/// An error of the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The record asked for does not exist.
    #[error("{}", .0.message)]
    NotFound(Problem),
    /// The version the caller modifies is not the current one: nothing was
    /// written.
    #[error("version mismatch: current version is {current}")]
    VersionMismatch {
        /// The current version.
        current: i64,
    },
    /// The write contradicts the state of the registry (its code says how).
    #[error("{}", .0.message)]
    Conflict(Problem),
    /// A value is refused: the problem names the field and the fix.
    #[error("{}", .0.message)]
    Invalid(Problem),
    /// A queue is at its bound: nothing was queued; the request may be sent
    /// again later.
    #[error("{}", .problem.message)]
    Busy {
        /// What to tell the user.
        problem: Problem,
        /// Seconds after which to try again.
        retry_after_s: u64,
    },
    /// The database cannot be reached.
    #[error("store unavailable: {detail}")]
    Unavailable {
        /// Technical detail, for the log.
        detail: String,
        /// What to check, when the caller can do something (a URL to fix).
        problem: Option<Problem>,
    },
    /// A failure of the store itself (a corrupt row, an SQL error).
    #[error("internal store error: {0}")]
    Internal(String),
}

/// Result of the store's operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A record that does not exist (`what`: « dossier 12 »).
    pub fn not_found(what: impl Into<String>) -> Self {
        let mut problem = Problem::new(ErrorCode::NotFound, format!("{} introuvable", what.into()));
        problem.action = Some("vérifier l'identifiant".to_owned());
        Self::NotFound(problem)
    }

    /// A write that contradicts the registry.
    pub fn conflict(code: ErrorCode, message: impl Into<String>, action: impl Into<String>) -> Self {
        let mut problem = Problem::new(code, message);
        problem.action = Some(action.into());
        Self::Conflict(problem)
    }

    /// A refused value.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self::Invalid(Problem {
            code: ErrorCode::InvalidField,
            message: message.into(),
            field: Some(field.into()),
            action: Some(action.into()),
        })
    }

    /// A field naming a record that does not exist or does not fit (a
    /// chamber of another nature, a magistrate of another role): a conflict
    /// with the registry's state, not a malformed value.
    pub fn bad_reference(field: impl Into<String>, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self::Conflict(Problem {
            code: ErrorCode::BadReference,
            message: message.into(),
            field: Some(field.into()),
            action: Some(action.into()),
        })
    }

    /// The version modified is not `current`.
    pub fn version_mismatch(current: i64) -> Self {
        Self::VersionMismatch { current }
    }

    /// A failure of the store itself.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal(detail.to_string())
    }

    /// The database cannot be reached.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        Self::Unavailable { detail: detail.to_string(), problem: None }
    }

    /// The problem shown to the user, when the error has one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::NotFound(problem) | Self::Conflict(problem) | Self::Invalid(problem) => Some(problem),
            Self::Busy { problem, .. } => Some(problem),
            Self::Unavailable { problem, .. } => problem.as_ref(),
            Self::VersionMismatch { .. } | Self::Internal(_) => None,
        }
    }

    /// The problem, to amend (an `Unavailable` error gets one).
    pub fn problem_mut(&mut self) -> Option<&mut Problem> {
        match self {
            Self::NotFound(problem) | Self::Conflict(problem) | Self::Invalid(problem) => Some(problem),
            Self::Busy { problem, .. } => Some(problem),
            Self::Unavailable { problem, .. } => Some(
                problem
                    .get_or_insert_with(|| Problem::new(ErrorCode::Unavailable, "la base de données est indisponible")),
            ),
            Self::VersionMismatch { .. } | Self::Internal(_) => None,
        }
    }

    /// Names the field at fault (no effect on errors without a problem).
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        if let Some(problem) = self.problem_mut() {
            problem.field = Some(field.into());
        }
        self
    }

    /// Says what to do (no effect on errors without a problem).
    #[must_use]
    pub fn action(mut self, action: impl Into<String>) -> Self {
        if let Some(problem) = self.problem_mut() {
            problem.action = Some(action.into());
        }
        self
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
