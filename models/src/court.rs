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
    /// Premier président of the court: presides the chambre mixte and the
    /// assemblée plénière (L421-4, L421-5 COJ); attached to `mi` or `pl`,
    /// never on a chamber's own benches in the planning model.
    PremierPresident,
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
    pub const ALL: [Role; 6] = [
        Role::PremierPresident,
        Role::President,
        Role::Doyen,
        Role::Conseiller,
        Role::Referendaire,
        Role::AvocatGeneral,
    ];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PremierPresident => "premier_president",
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

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::PremierPresident => "premier président",
            Self::President => "président de chambre",
            Self::Doyen => "doyen",
            Self::Conseiller => "conseiller",
            Self::Referendaire => "conseiller référendaire",
            Self::AvocatGeneral => "avocat général",
        }
    }

    /// Whether this role may sit on a chamber hearing's bench (presidents,
    /// doyens and conseillers of the hearing's chamber). The premier
    /// président sits only in chambre mixte and assemblée plénière.
    pub fn is_bench_eligible(self) -> bool {
        matches!(self, Self::President | Self::Doyen | Self::Conseiller)
    }

    /// Whether this role may be a dossier's rapporteur (conseiller or
    /// référendaire, art. 1012 CPC; doyens and presidents also report).
    pub fn may_report(self) -> bool {
        !matches!(self, Self::AvocatGeneral | Self::PremierPresident)
    }

    /// Order in which roles preside: lower presides first (planning.md:
    /// the chamber president, else the doyen of best rank, else the
    /// conseiller of best rank).
    pub fn precedence(self) -> u8 {
        match self {
            Self::PremierPresident => 0,
            Self::President => 1,
            Self::Doyen => 2,
            Self::Conseiller => 3,
            Self::Referendaire => 4,
            Self::AvocatGeneral => 5,
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
    /// Date from which seniority at the court counts (installation), when
    /// known: earlier is more senior. Decides who presides a chambre mixte
    /// or an assemblée plénière when the premier président is prevented
    /// (« le plus ancien des présidents de chambre », L421-4 COJ).
    pub seniority: Option<Date>,
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

    /// Key ordering magistrates of several chambers by precedence (a chambre
    /// mixte or an assemblée plénière): by role, then seniority at the court
    /// (unknown last), then rank and id. Ranks are per chamber, so they
    /// cannot order two chambers' presidents; seniority can.
    pub fn court_precedence_key(&self) -> (u8, Date, u32, &str) {
        (self.role.precedence(), self.seniority.unwrap_or(Date::MAX), self.rank, self.id.as_str())
    }
}
