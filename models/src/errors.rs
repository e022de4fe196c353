//! The stable machine codes of every error the service answers: the one
//! list, from which the OpenAPI document (the `code` field's enum) and
//! `docs/formats.md` (a test compares the table there with [`ErrorCode::ALL`])
//! take them. The HTTP status of each is decided in one place, the service's
//! error mapping; this crate knows nothing of HTTP.

use serde::{Deserialize, Serialize};

/// A stable machine code, sent in the `code` field of every error body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is not what was expected (body not JSON, not an object…).
    BadRequest,
    /// A field's value is refused; `field` names it, `action` says the fix.
    InvalidField,
    /// No credentials, or unknown ones.
    Unauthenticated,
    /// Outside the caller's role or chambers.
    Forbidden,
    /// No such resource.
    NotFound,
    /// The method is not allowed on this path.
    MethodNotAllowed,
    /// The version given (`If-Match`) is not the current one.
    VersionMismatch,
    /// A write without `If-Match`.
    PreconditionRequired,
    /// The body is over the size limit.
    PayloadTooLarge,
    /// The body's content type is not accepted.
    UnsupportedMediaType,
    /// The resource to create exists already.
    AlreadyExists,
    /// A field names a record that does not exist or does not fit (a
    /// chamber of another nature, a magistrate of another role): the
    /// request is well formed, the registry's state refuses it.
    BadReference,
    /// A field whose stored value never changes (a dossier's pourvoi
    /// number, its nature) was given another value.
    ImmutableField,
    /// The status change is not allowed from the current status.
    ForbiddenTransition,
    /// The plan breaks hard rules against the current registry.
    HardViolations,
    /// Publishing would create notices whose last day has passed, and no
    /// reason was recorded.
    LateNotices,
    /// The same idempotent request is still being processed.
    InProgress,
    /// The planning instance built from the store is invalid.
    InstanceInvalid,
    /// The user account is tied to no magistrate.
    NoMagistrate,
    /// The store is not empty (demonstration seeding).
    NotEmpty,
    /// The job or run has not finished: no result yet.
    NotFinished,
    /// The plan's status does not allow the action.
    PlanStatus,
    /// The task was already done (by someone else, or in another tab).
    AlreadyDone,
    /// The dossier is on no published roll whose hearing has been held.
    NotHeard,
    /// The decision has defects: nobody may sign it.
    DecisionDefects,
    /// The caller is not among the decision's signatories.
    NotSignatory,
    /// A queue of jobs is full: try again after `Retry-After` seconds.
    QueueFull,
    /// A failure of the service itself (logged; nothing was written).
    Internal,
    /// The database cannot be reached.
    Unavailable,
}

impl ErrorCode {
    /// Every code, in the order of the documentation.
    pub const ALL: [Self; 29] = [
        Self::BadRequest,
        Self::InvalidField,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::VersionMismatch,
        Self::PreconditionRequired,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::AlreadyExists,
        Self::BadReference,
        Self::ImmutableField,
        Self::ForbiddenTransition,
        Self::HardViolations,
        Self::LateNotices,
        Self::InProgress,
        Self::InstanceInvalid,
        Self::NoMagistrate,
        Self::NotEmpty,
        Self::NotFinished,
        Self::PlanStatus,
        Self::AlreadyDone,
        Self::NotHeard,
        Self::DecisionDefects,
        Self::NotSignatory,
        Self::QueueFull,
        Self::Internal,
        Self::Unavailable,
    ];

    /// The code as sent (`not_found`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::InvalidField => "invalid_field",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::VersionMismatch => "version_mismatch",
            Self::PreconditionRequired => "precondition_required",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::AlreadyExists => "already_exists",
            Self::BadReference => "bad_reference",
            Self::ImmutableField => "immutable_field",
            Self::ForbiddenTransition => "forbidden_transition",
            Self::HardViolations => "hard_violations",
            Self::LateNotices => "late_notices",
            Self::InProgress => "in_progress",
            Self::InstanceInvalid => "instance_invalid",
            Self::NoMagistrate => "no_magistrate",
            Self::NotEmpty => "not_empty",
            Self::NotFinished => "not_finished",
            Self::PlanStatus => "plan_status",
            Self::AlreadyDone => "already_done",
            Self::NotHeard => "not_heard",
            Self::DecisionDefects => "decision_defects",
            Self::NotSignatory => "not_signatory",
            Self::QueueFull => "queue_full",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
        }
    }

    /// When the service answers it, in French, for `docs/formats.md`.
    pub fn meaning_fr(self) -> &'static str {
        match self {
            Self::BadRequest => "requête mal formée (corps illisible, pas un objet JSON…)",
            Self::InvalidField => "valeur d'un champ refusée ; `field` le nomme, `action` dit quoi corriger",
            Self::Unauthenticated => "jeton ou session absent ou inconnu",
            Self::Forbidden => "hors du rôle ou des chambres de l'utilisateur",
            Self::NotFound => "ressource introuvable",
            Self::MethodNotAllowed => "méthode non admise sur cette adresse",
            Self::VersionMismatch => "la version indiquée (If-Match) n'est plus la version actuelle",
            Self::PreconditionRequired => "modification sans If-Match",
            Self::PayloadTooLarge => "corps de requête trop volumineux",
            Self::UnsupportedMediaType => "type de contenu non admis",
            Self::AlreadyExists => "la ressource à créer existe déjà",
            Self::BadReference => {
                "un champ désigne un enregistrement inexistant ou qui ne convient pas (chambre d'une autre nature, magistrat d'un autre rôle) ; `field` le nomme"
            }
            Self::ImmutableField => {
                "un champ qui ne change jamais (numéro de pourvoi, nature du dossier) reçoit une autre valeur ; `field` le nomme"
            }
            Self::ForbiddenTransition => "changement de statut interdit depuis le statut actuel",
            Self::HardViolations => "le plan enfreint des règles impératives au regard du registre actuel",
            Self::LateNotices => {
                "des avis d'audience partiraient après leur date limite : publier seulement en indiquant le motif (`reason`), par exemple l'accord des parties"
            }
            Self::InProgress => "la même requête (Idempotency-Key) est en cours de traitement",
            Self::InstanceInvalid => "l'instance de planification tirée du registre est invalide",
            Self::NoMagistrate => "le compte n'est rattaché à aucun magistrat",
            Self::NotEmpty => "la base n'est pas vide (démonstration)",
            Self::NotFinished => "calcul pas encore terminé : pas de résultat",
            Self::PlanStatus => "le statut du plan ne permet pas l'action",
            Self::AlreadyDone => "la tâche est déjà faite (par un collègue, ou dans un autre onglet)",
            Self::NotHeard => "le dossier n'est inscrit au rôle publié d'aucune audience tenue",
            Self::DecisionDefects => "la décision a des défauts : les corriger avant de signer",
            Self::NotSignatory => "l'appelant n'est pas signataire de cette décision",
            Self::QueueFull => "trop de calculs en attente : réessayer après le délai indiqué (Retry-After)",
            Self::Internal => "erreur interne du service (journalisée) ; rien n'a été enregistré",
            Self::Unavailable => "base de données injoignable",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_each_code_once_and_serde_agrees_with_as_str() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} listed twice");
            assert_eq!(serde_json::to_value(code).ok(), Some(serde_json::Value::from(code.as_str())));
        }
    }
}
