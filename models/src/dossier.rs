//! Dossiers (one pourvoi each) as the planner sees them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::formation::FormationCode;
use crate::ids::{ChamberId, DossierId, HearingId, JoinedGroupId, MagistrateId, MatterCode, SectionId};
use crate::multi::Referral;
use crate::pourvoi::PourvoiNumber;

/// Orientation circuit decided by the chamber's pre-orientation cell (civil
/// procedure since 1 September 2020).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Circuit {
    /// Obvious solution, typically formation restreinte (art. 1014 CPC).
    Court,
    /// Everything else.
    Intermediaire,
    /// New or disputed question: séance d'instruction, typically FS or FP.
    Approfondi,
}

impl Circuit {
    /// Every circuit.
    pub const ALL: [Circuit; 3] = [Self::Court, Self::Intermediaire, Self::Approfondi];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Court => "court",
            Self::Intermediaire => "intermediaire",
            Self::Approfondi => "approfondi",
        }
    }

    /// French label, for clerks.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Court => "circuit court",
            Self::Intermediaire => "circuit intermédiaire",
            Self::Approfondi => "circuit approfondi",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|circuit| circuit.as_str() == raw)
    }
}

impl fmt::Display for Circuit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A magistrate who may not sit on a dossier, and why (L111-6 COJ,
/// R111-4 COJ; the list of grounds is open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recusal {
    /// The recused magistrate.
    pub magistrate: MagistrateId,
    /// The ground, in French, when recorded.
    pub ground: Option<String>,
}

/// A dossier to hear.
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    /// Identifier, unique in the instance.
    pub id: DossierId,
    /// The pourvoi number.
    pub pourvoi: PourvoiNumber,
    /// Chamber the dossier is distributed to.
    pub chamber: ChamberId,
    /// Section of the chamber it is distributed to, when known: it is then
    /// heard only at hearings of that section or of none.
    pub section: Option<SectionId>,
    /// Matter code, when known.
    pub matter: Option<MatterCode>,
    /// Orientation circuit.
    pub circuit: Circuit,
    /// Acceptable formations, preferred first; never empty.
    pub formations: Vec<FormationCode>,
    /// One or two rapporteurs (art. 1013 CPC allows two since 2021).
    pub rapporteurs: Vec<MagistrateId>,
    /// The avocat général concluding on the dossier, when named.
    pub avocat_general: Option<MagistrateId>,
    /// Complexity in hearing-time units.
    pub weight: f64,
    /// Planning priority (grows with age, nearness of a deadline, circuit).
    pub priority: f64,
    /// Day the dossier is ready: mémoires exchanged, report and opinion filed.
    pub ready_date: Date,
    /// Days between the notice to the parties' avocats and the hearing.
    pub notice_days: u32,
    /// Latest hearing date allowed (statutory ruling deadline minus the
    /// deliberation margin), when the dossier has one.
    pub deadline: Option<Date>,
    /// The rule behind `deadline` (a rule id of the deadline catalogue), when known.
    pub deadline_rule: Option<String>,
    /// Registration date at the court, when known (age of the dossier).
    pub registration_date: Option<Date>,
    /// Magistrates who may not sit on this dossier.
    pub recusals: Vec<Recusal>,
    /// Dossiers joined with this one are heard at the same hearing.
    pub joined_group: Option<JoinedGroupId>,
    /// The hearing of a published plan this dossier is pinned to.
    pub pinned_hearing: Option<HearingId>,
    /// For a dossier of `mi` or `pl`: the referral that sent it there.
    pub referral: Option<Referral>,
}

impl Dossier {
    /// Whether `magistrate` is recused from this dossier.
    pub fn is_recused(&self, magistrate: &MagistrateId) -> bool {
        self.recusals.iter().any(|recusal| &recusal.magistrate == magistrate)
    }

    /// Earliest hearing date: `max(ready_date, publication_date) + notice_days`
    /// (planning model v1).
    pub fn earliest_hearing_date(&self, publication_date: Option<Date>) -> Date {
        let notice_from = publication_date.map_or(self.ready_date, |p| p.max(self.ready_date));
        notice_from + chrono::Duration::days(i64::from(self.notice_days))
    }
}
