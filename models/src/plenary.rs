//! The formation plénière de chambre (FP) in the compositions the law gives
//! it (planning model v2, R421-4-1 COJ), as the domain brief states them:
//!
//! - **full** (`full`): the chamber's president, its doyens (the doyen de
//!   chambre and the doyens de section), and every conseiller and
//!   conseiller référendaire of the chamber;
//! - **reduced** (`reduced`, the president's choice): the president, the
//!   doyens, and in each section its two most senior conseillers and its
//!   most senior référendaire; a dossier's rapporteur who is not among them
//!   joins for that dossier, replacing the most junior conseiller.
//!
//! A hearing states its composition ([`crate::Hearing::composition`]); the
//! bench is then not the planner's choice but this list, read from the
//! instance's data (roles, sections, ranks) on the hearing's date
//! ([`composition`]). Who cannot sit that half-day — absent, or sitting in a
//! chambre mixte or the assemblée plénière — is left out and, in the reduced
//! composition, the next by rank of the same section and role takes the
//! seat: « les plus anciens » read among those who can sit (*to confirm*
//! with the court's bureau). Conseillers référendaires sit and vote only on
//! the dossiers they report (L431-3 COJ). The law gives the composition,
//! not a number of voices: the formation rule's bench size and voice bounds
//! do not apply to a composed hearing, and no quorum is checked (*to
//! confirm*: the brief states none). A member recused from a dossier makes
//! that dossier unhearable at the hearing, as at every other (the bench sits
//! for every dossier it hears).
//!
//! A hearing of formation FP that states no composition keeps the planning
//! model's version 1 reading: a bench of the rule's size chosen by the
//! planner.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::court::{Magistrate, Role};
use crate::hearing::Hearing;

/// Where the compositions come from, for messages and documents.
pub const SOURCE: &str = "R421-4-1 COJ";

/// Which of the two compositions of R421-4-1 COJ an FP hearing sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlenaryComposition {
    /// Every president, doyen, conseiller and référendaire of the chamber.
    Full,
    /// The president, the doyens, and per section the two senior
    /// conseillers and the senior référendaire.
    Reduced,
}

impl PlenaryComposition {
    /// Both compositions, as written in instances.
    pub const ALL: [PlenaryComposition; 2] = [Self::Full, Self::Reduced];

    /// `full` or `reduced`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Reduced => "reduced",
        }
    }

    /// Parses `full` or `reduced`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// As a roll or a notice names it: « formation plénière complète »…
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Full => "formation plénière complète",
            Self::Reduced => "formation plénière restreinte",
        }
    }
}

impl fmt::Display for PlenaryComposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Conseillers of each section in the reduced composition.
pub const REDUCED_CONSEILLERS_PER_SECTION: usize = 2;
/// Référendaires of each section in the reduced composition.
pub const REDUCED_REFERENDAIRES_PER_SECTION: usize = 1;

/// Whether `role` sits in a plenary composition at all: presidents, doyens,
/// conseillers and référendaires (not the parquet général, not the premier
/// président).
pub fn sits_in_plenary(role: Role) -> bool {
    matches!(role, Role::President | Role::Doyen | Role::Conseiller | Role::Referendaire)
}

/// The bench the law gives `hearing` (indexes into `magistrates`, in
/// precedence order), when it is an FP hearing stating its composition;
/// `can_sit(m)` tells whether magistrate `m` can sit that half-day (present,
/// not taken by a chambre mixte or the assemblée plénière). `None` for any
/// other hearing.
pub fn composition(
    magistrates: &[Magistrate],
    hearing: &Hearing,
    can_sit: impl Fn(usize) -> bool,
) -> Option<Vec<usize>> {
    let kind = hearing.composition?;
    let mut members: Vec<usize> = (0..magistrates.len())
        .filter(|&m| {
            let magistrate = &magistrates[m];
            magistrate.chamber == hearing.chamber && sits_in_plenary(magistrate.role) && can_sit(m)
        })
        .collect();
    members.sort_by(|&a, &b| magistrates[a].precedence_key().cmp(&magistrates[b].precedence_key()));
    if kind == PlenaryComposition::Reduced {
        // Per (section, role): how many of the most senior sit.
        let mut taken: std::collections::HashMap<(Option<&str>, Role), usize> = std::collections::HashMap::new();
        members.retain(|&m| {
            let magistrate = &magistrates[m];
            let seats = match magistrate.role {
                Role::Conseiller => REDUCED_CONSEILLERS_PER_SECTION,
                Role::Referendaire => REDUCED_REFERENDAIRES_PER_SECTION,
                _ => return true,
            };
            let count = taken.entry((magistrate.section.as_ref().map(|s| s.as_str()), magistrate.role)).or_default();
            *count += 1;
            *count <= seats
        });
    }
    Some(members)
}
