//! Hearings (*audiences*): slots of the calendar fixed by the court's bureau
//! (R431-4 COJ), each of one chamber and one formation.

use crate::dates::{Date, HalfDay};
use crate::formation::FormationCode;
use crate::ids::{ChamberId, HearingId, MagistrateId};

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
}
