//! Hearing plans: which dossier each hearing hears, who sits, and which
//! dossiers stay unscheduled and why.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{DossierId, HearingId, MagistrateId};

/// One dossier heard at one hearing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The dossier.
    pub dossier: DossierId,
    /// The hearing hearing it.
    pub hearing: HearingId,
}

/// The bench of one hearing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bench {
    /// The hearing.
    pub hearing: HearingId,
    /// Who presides: the member of highest precedence.
    pub president: MagistrateId,
    /// Every bench member, the president included.
    pub members: Vec<MagistrateId>,
}

/// Why a dossier is not scheduled. Codes are stable snake_case words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnscheduledReason {
    /// Its earliest hearing date falls after the horizon.
    NotReadyInHorizon,
    /// No hearing of the horizon can take it (formation, absence, recusal…);
    /// the detail says which filter removed the hearings.
    NoCompatibleHearing,
    /// Compatible hearings exist but are full of higher-priority work.
    Capacity,
    /// A dossier joined with it cannot be heard, so none of the group is.
    JoinedGroup,
    /// No bench can be formed at the compatible hearings (availability,
    /// weekly caps, recusals).
    NoBench,
    /// Left out by hand, in an edited plan.
    Manual,
}

impl UnscheduledReason {
    /// Every reason code.
    pub const ALL: [UnscheduledReason; 6] = [
        Self::NotReadyInHorizon,
        Self::NoCompatibleHearing,
        Self::Capacity,
        Self::JoinedGroup,
        Self::NoBench,
        Self::Manual,
    ];

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotReadyInHorizon => "not_ready_in_horizon",
            Self::NoCompatibleHearing => "no_compatible_hearing",
            Self::Capacity => "capacity",
            Self::JoinedGroup => "joined_group",
            Self::NoBench => "no_bench",
            Self::Manual => "manual",
        }
    }

    /// What the code means, in French, for a clerk.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::NotReadyInHorizon => "le dossier n'est pas en état d'être audiencé avant la fin de la période",
            Self::NoCompatibleHearing => "aucune audience de la période ne peut recevoir ce dossier",
            Self::Capacity => "les audiences compatibles sont complètes (dossiers plus prioritaires)",
            Self::JoinedGroup => "un dossier joint ne peut pas être audiencé, le groupe reste ensemble",
            Self::NoBench => "aucune composition régulière n'est possible aux audiences compatibles",
            Self::Manual => "retiré à la main du projet de rôle",
        }
    }
}

impl fmt::Display for UnscheduledReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dossier left out of the plan, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unscheduled {
    /// The dossier.
    pub dossier: DossierId,
    /// Why it is not scheduled.
    pub reason: UnscheduledReason,
    /// Details in French (which filter, which hearings).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// A hard requirement the plan could not meet, declared by whoever made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokenRequirement {
    /// The dossier concerned.
    pub dossier: DossierId,
    /// Which requirement: `deadline` (statutory deadline inside the horizon)
    /// or `pinned` (published assignment).
    pub requirement: String,
    /// Stable snake_case cause, e.g. `no_hearing_before_deadline`.
    pub cause: String,
    /// Explanation in French.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// A hearing plan in the interchange format. The quality figures are absent
/// from a plan edited by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Dossiers heard, each at one hearing.
    pub assignments: Vec<Assignment>,
    /// Benches of the hearings (at least of every used hearing).
    pub benches: Vec<Bench>,
    /// Dossiers not heard, with their reason.
    #[serde(default)]
    pub unscheduled: Vec<Unscheduled>,
    /// Hard requirements the plan breaks, each with its cause: such a plan
    /// cannot be validated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken_requirements: Vec<BrokenRequirement>,
    /// Objective value reached (maximised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<f64>,
    /// Best proven bound on the objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<f64>,
    /// `(bound − objective) / |bound|`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Wall-clock solve time in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solve_ms: Option<u64>,
    /// Whether the solve stopped on its time limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_hit: Option<bool>,
}

impl Plan {
    /// A plan of `assignments` and `benches` alone: nothing unscheduled or
    /// broken, no solver figures (a roll as published, a hearing as it sat).
    pub fn of(assignments: Vec<Assignment>, benches: Vec<Bench>) -> Plan {
        Plan {
            assignments,
            benches,
            unscheduled: Vec::new(),
            broken_requirements: Vec::new(),
            objective: None,
            bound: None,
            gap: None,
            solve_ms: None,
            time_limit_hit: None,
        }
    }

    /// Parses a plan from JSON text, naming the JSON path of the first
    /// problem (unknown ids are the checker's business, not the parser's).
    pub fn from_json(text: &str) -> Result<Plan, crate::format::JsonError> {
        crate::format::from_json_text(text)
    }

    /// The plan as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|error| unreachable!("a plan always serialises: {error}"))
    }
}
