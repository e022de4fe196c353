//! The court's people and structure: chambers with their sections, and
//! magistrates with their role, seniority, absences and weekly cap.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::{Date, DateRange};
use crate::ids::{ChamberId, MagistrateId, MatterCode, SectionId};

/// A chamber and its sections (R421-3 COJ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chamber {
    /// `civ1 civ2 civ3 comm soc cr` (later `mi`, `pl`).
    pub id: ChamberId,
    /// Sections of the chamber, each id unique across the court.
    pub sections: Vec<SectionId>,
}

/// What a magistrate does at a hearing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Président de chambre: presides whenever he sits.
    President,
    /// Doyen (de chambre or de section): presides in the president's absence.
    Doyen,
    /// Conseiller: sits on benches, reports dossiers.
    Conseiller,
    /// Conseiller référendaire: reports dossiers and votes only in those
    /// (L431-3 COJ); never on a bench in version 1.
    Referendaire,
    /// Avocat général of the parquet général: attends for the dossiers he
    /// concludes on; never a judge.
    AvocatGeneral,
}

impl Role {
    /// Every role, in precedence order for presiding.
    pub const ALL: [Role; 5] =
        [Role::President, Role::Doyen, Role::Conseiller, Role::Referendaire, Role::AvocatGeneral];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::President => "president",
            Self::Doyen => "doyen",
            Self::Conseiller => "conseiller",
            Self::Referendaire => "referendaire",
            Self::AvocatGeneral => "avocat_general",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// Whether this role may sit on a hearing's bench (planning model v1:
    /// presidents, doyens and conseillers of the hearing's chamber).
    pub fn is_bench_eligible(self) -> bool {
        matches!(self, Self::President | Self::Doyen | Self::Conseiller)
    }

    /// Whether this role may be a dossier's rapporteur (conseiller or
    /// référendaire, art. 1012 CPC; doyens and presidents also report).
    pub fn may_report(self) -> bool {
        !matches!(self, Self::AvocatGeneral)
    }

    /// Order in which roles preside: lower presides first (planning.md:
    /// the chamber president, else the doyen of best rank, else the
    /// conseiller of best rank).
    pub fn precedence(self) -> u8 {
        match self {
            Self::President => 0,
            Self::Doyen => 1,
            Self::Conseiller => 2,
            Self::Referendaire => 3,
            Self::AvocatGeneral => 4,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A magistrate of the court or of the parquet général.
#[derive(Debug, Clone, PartialEq)]
pub struct Magistrate {
    /// Identifier, unique in the instance.
    pub id: MagistrateId,
    /// Display name, when known.
    pub name: Option<String>,
    /// Chamber the magistrate belongs to (for an avocat général: the chamber
    /// he is attached to).
    pub chamber: ChamberId,
    /// Section within the chamber; none for a president or the parquet.
    pub section: Option<SectionId>,
    /// Role at hearings.
    pub role: Role,
    /// Seniority within the chamber, 1 = most senior.
    pub rank: u32,
    /// Matters the magistrate specialises in.
    pub specialties: Vec<MatterCode>,
    /// Periods of absence (may run outside the horizon).
    pub absences: Vec<DateRange>,
    /// Most hearings attended in one ISO week.
    pub max_hearings_per_week: u32,
}

impl Magistrate {
    /// Whether the magistrate is absent on `date`.
    pub fn is_absent_on(&self, date: Date) -> bool {
        self.absences.iter().any(|absence| absence.contains(date))
    }

    /// Key ordering magistrates by precedence for presiding: lower first.
    /// Rank ties are broken by id so that the order is total.
    pub fn precedence_key(&self) -> (u8, u32, &str) {
        (self.role.precedence(), self.rank, self.id.as_str())
    }
}
