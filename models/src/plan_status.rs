//! Where a hearing plan stands in its lifecycle — draft → validated →
//! published → amended, or stale when a publication overtakes it — and which
//! moves the workflow allows. The store records the moves; the service and
//! the portal ask this type which are open.

use serde::{Deserialize, Serialize};

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Private to the chamber, freely edited.
    Draft,
    /// Checked without hard violation and approved by the chamber president.
    Validated,
    /// On the hearing rolls; notices issued.
    Published,
    /// A published plan replaced by its published amendment.
    Amended,
    /// A draft or validated plan overtaken by a publication.
    Stale,
}

impl PlanStatus {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Validated => "validated",
            Self::Published => "published",
            Self::Amended => "amended",
            Self::Stale => "stale",
        }
    }

    /// Every status, in the order of the lifecycle.
    pub const ALL: [Self; 5] = [Self::Draft, Self::Validated, Self::Published, Self::Amended, Self::Stale];

    /// Parses a stored code.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The statuses a plan may move to from this one: a draft is validated
    /// (or overtaken by a publication), a validated plan is published (or
    /// overtaken), a published plan is replaced by its published amendment.
    pub fn next(self) -> &'static [Self] {
        match self {
            Self::Draft => &[Self::Validated, Self::Stale],
            Self::Validated => &[Self::Published, Self::Stale],
            Self::Published => &[Self::Amended],
            Self::Amended | Self::Stale => &[],
        }
    }

    /// Whether a plan may move from this status to `to`.
    pub fn may_become(self, to: Self) -> bool {
        self.next().contains(&to)
    }

    /// Whether every user sees the plan (published or amended), not only
    /// the chamber's.
    pub fn is_public(self) -> bool {
        matches!(self, Self::Published | Self::Amended)
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Draft => "projet",
            Self::Validated => "validé",
            Self::Published => "publié",
            Self::Amended => "modifié par un avenant publié",
            Self::Stale => "périmé",
        }
    }
}

/// A stored or sent status code that names no plan status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("statut de plan « {0} » inconnu")]
pub struct UnknownPlanStatus(pub String);

impl TryFrom<String> for PlanStatus {
    type Error = UnknownPlanStatus;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw).ok_or(UnknownPlanStatus(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_moves_forward_only() {
        for status in PlanStatus::ALL {
            assert_eq!(PlanStatus::parse(status.as_str()), Some(status));
            assert_eq!(PlanStatus::try_from(status.as_str().to_owned()), Ok(status));
            assert!(!status.may_become(status), "{status:?} to itself");
            assert!(!status.may_become(PlanStatus::Draft), "nothing goes back to draft");
        }
        assert!(PlanStatus::Draft.may_become(PlanStatus::Validated));
        assert!(!PlanStatus::Draft.may_become(PlanStatus::Published));
        assert!(PlanStatus::Validated.may_become(PlanStatus::Published));
        assert!(PlanStatus::Published.may_become(PlanStatus::Amended));
        assert!(PlanStatus::Stale.next().is_empty());
        assert!(PlanStatus::try_from("brouillon".to_owned()).is_err());
    }
}
