//! Hearings (*audiences*): slots of the calendar fixed by the court's bureau
//! (R431-4 COJ), each of one chamber and one formation.

use crate::dates::{Date, HalfDay};
use crate::formation::{FormationCode, FormationRule};
use crate::ids::{ChamberId, HearingId, MagistrateId, SectionId};
use crate::plenary::PlenaryComposition;

/// A hearing of the calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Hearing {
    /// Identifier, unique in the instance.
    pub id: HearingId,
    /// Chamber holding the hearing.
    pub chamber: ChamberId,
    /// Day of the hearing, inside the horizon.
    pub date: Date,
    /// Morning or afternoon.
    pub half_day: HalfDay,
    /// Formation sitting.
    pub formation: FormationCode,
    /// Most total dossier weight heard (hearing time units).
    pub capacity_weight: f64,
    /// Most dossiers heard.
    pub capacity_count: u32,
    /// When set, the bench is exactly these magistrates.
    pub locked_bench: Option<Vec<MagistrateId>>,
    /// The chambers composing a chambre mixte (at least three, L421-4 COJ)
    /// or an assemblée plénière (every chamber, L421-5 COJ), in document
    /// order; empty for a chamber's own hearing.
    pub chambers: Vec<ChamberId>,
    /// For FR and FS: the section sitting (R421-4-3, R431-5 COJ), when the
    /// hearing is a section's; its dossiers and bench then come from it
    /// ([`crate::sections`]).
    pub section: Option<SectionId>,
    /// For FP: the composition of R421-4-1 COJ the hearing sits in, when
    /// stated; its bench is then the law's ([`crate::plenary`]), not the
    /// planner's choice.
    pub composition: Option<PlenaryComposition>,
}

impl Hearing {
    /// Whether the hearing is a chambre mixte or an assemblée plénière.
    pub fn is_multi_chamber(&self) -> bool {
        self.formation.is_multi_chamber()
    }

    /// Exact bench size under `rule` (the rule of this hearing's formation):
    /// the rule's for a chamber's hearing; for CM and AP, the seats the law
    /// gives the chambers composing it (L421-4, L421-5 COJ).
    pub fn bench_size(&self, rule: &FormationRule) -> usize {
        crate::multi::hearing_bench_size(rule, self.chambers.len())
    }

    /// Fewest and most voices on a dossier: the rule's bounds, moved by as
    /// many seats as the bench differs from the rule's size (a chambre mixte
    /// of four chambers has four more members than the rule's three).
    pub fn voice_bounds(&self, rule: &FormationRule) -> (usize, usize) {
        let extra = self.bench_size(rule) as i64 - i64::from(rule.bench_size);
        let shift = |bound: u32| (i64::from(bound) + extra).max(0) as usize;
        (shift(rule.min_voices), shift(rule.max_voices))
    }
}
