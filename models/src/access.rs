//! Who may do what: the users' roles and, for each operation of the
//! registry and the planning workflow, the roles allowed to do it. One table,
//! read by the API and the portal alike, so that a page never offers what the
//! API would refuse. Chamber scopes (a user works in some chambers, or in all)
//! are checked beside it, by the same callers.

use serde::{Deserialize, Serialize};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    /// Clerk of the registry: dossiers, events, pieces, decisions, CNP.
    Greffier,
    /// President of a chamber: reads its dossiers, deadlines and figures.
    PresidentChambre,
    /// Magistrate (conseiller, avocat général): reads the dossiers he works on.
    Magistrat,
    /// Analyst: figures and dossiers of every chamber, read-only.
    Analyste,
    /// Administrator: reference data, users, import, journal verification.
    Admin,
}

impl UserRole {
    /// Every role.
    pub const ALL: [UserRole; 5] =
        [Self::Greffier, Self::PresidentChambre, Self::Magistrat, Self::Analyste, Self::Admin];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Greffier => "greffier",
            Self::PresidentChambre => "president_chambre",
            Self::Magistrat => "magistrat",
            Self::Analyste => "analyste",
            Self::Admin => "admin",
        }
    }

    /// Parses a stored code.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Greffier => "greffier",
            Self::PresidentChambre => "président de chambre",
            Self::Magistrat => "magistrat",
            Self::Analyste => "analyste",
            Self::Admin => "administrateur",
        }
    }

    /// Whether this role may do `operation` (the chamber scope aside).
    pub fn may(self, operation: Operation) -> bool {
        operation.roles().contains(&self)
    }
}

/// An operation whose access depends on the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Create or replace chambers, magistrates, hearings.
    ManageReference,
    /// List and create users.
    ManageUsers,
    /// Import a registry file.
    Import,
    /// Verify the whole journal's hash chain.
    VerifyJournal,
    /// Register a dossier, record its events, pieces, decision, status.
    WriteDossier,
    /// Set a dossier's planning overrides (formations, weight).
    SetPlanning,
    /// See one's list of tasks.
    ReadTasks,
    /// See the stock dashboard.
    ReadDashboard,
    /// Answer a request for a certificat de non-pourvoi.
    AnswerCnp,
    /// See drafts and validated plans of one's chambers.
    SeeDrafts,
    /// Ask for a proposal, edit a draft, amend a published plan.
    Plan,
    /// Validate a draft.
    ValidatePlan,
    /// Publish a validated plan.
    PublishPlan,
    /// See the notices to send.
    ReadNotices,
    /// Mark a notice task done (the notice sent, the composition announced).
    CompleteNotice,
    /// Record an absence of a magistrate of one's chambers (leave,
    /// training): the planner then keeps him off those days' benches.
    RecordAbsence,
    /// Run what-if simulations.
    Simulate,
}

impl Operation {
    /// The roles allowed: the one table of access.
    pub fn roles(self) -> &'static [UserRole] {
        use UserRole::{Admin, Analyste, Greffier, Magistrat, PresidentChambre};
        match self {
            Self::ManageReference | Self::ManageUsers | Self::Import | Self::VerifyJournal => &[Admin],
            Self::WriteDossier | Self::AnswerCnp | Self::RecordAbsence => &[Greffier, Admin],
            Self::SetPlanning | Self::ValidatePlan => &[PresidentChambre],
            Self::ReadTasks => &[Greffier, PresidentChambre, Magistrat, Admin],
            Self::ReadDashboard => &[Greffier, PresidentChambre, Analyste, Admin],
            Self::SeeDrafts => &[PresidentChambre, Magistrat, Greffier],
            Self::Plan => &[PresidentChambre, Greffier],
            // The administrator reads every registry record; notices are one.
            Self::ReadNotices => &[PresidentChambre, Greffier, Admin],
            Self::PublishPlan | Self::CompleteNotice => &[Greffier],
            Self::Simulate => &[Analyste, Admin],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_access_is_by_role() {
        for role in UserRole::ALL {
            assert_eq!(UserRole::parse(role.as_str()), Some(role));
        }
        assert!(UserRole::PresidentChambre.may(Operation::ValidatePlan));
        assert!(!UserRole::Greffier.may(Operation::ValidatePlan));
        assert!(UserRole::Greffier.may(Operation::PublishPlan));
        assert!(!UserRole::Analyste.may(Operation::ReadTasks));
        assert!(!UserRole::Magistrat.may(Operation::WriteDossier));
    }
}
