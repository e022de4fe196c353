//! Chambre mixte (CM) and assemblée plénière (AP), planning model version
//! 2: who the law puts on their benches, the designations that name the
//! standing members and their substitutes, and the referral that sends a
//! dossier there.
//!
//! Sources (domain brief, « Judging formations »): L421-4 COJ (CM: presided
//! by the premier président, else the most senior chamber president; the
//! presidents and doyens of the chambers composing it, at least three, and
//! two conseillers of each), L421-5 COJ (AP: the premier président, the
//! presidents and doyens of the six chambers, one conseiller of each); every
//! member must be present, a missing member being replaced by a conseiller
//! of the same chamber designated by the premier président; the standing
//! members are designated each December (R421-… COJ as summarised by the
//! brief). The composition is **data**, never chosen by the planner: the
//! instance carries the designations in force.

use crate::formation::{FormationCode, FormationRule};
use crate::ids::{ChamberId, MagistrateId};

/// Chamber id holding the chambre mixte's hearings (the court's open-data code).
pub const MIXTE: &str = "mi";
/// Chamber id holding the assemblée plénière's hearings.
pub const PLENIERE: &str = "pl";
/// Fewest chambers composing a chambre mixte (L421-4 COJ).
pub const MIN_MIXTE_CHAMBERS: usize = 3;
/// Where the composition rules come from, for messages and documents.
pub const SOURCE: &str = "L421-4 et L421-5 COJ";

/// The chamber id that holds hearings of a multi-chamber formation.
pub fn chamber_of(code: FormationCode) -> Option<&'static str> {
    match code {
        FormationCode::Mixte => Some(MIXTE),
        FormationCode::AssembleePleniere => Some(PLENIERE),
        _ => None,
    }
}

/// The multi-chamber formation held by chamber `id` (`mi` → CM, `pl` → AP).
pub fn formation_of(id: &ChamberId) -> Option<FormationCode> {
    match id.as_str() {
        MIXTE => Some(FormationCode::Mixte),
        PLENIERE => Some(FormationCode::AssembleePleniere),
        _ => None,
    }
}

/// Whether `id` is `mi` or `pl`: a chamber with no members of its own.
pub fn is_multi_chamber_id(id: &ChamberId) -> bool {
    formation_of(id).is_some()
}

/// Conseillers each composing chamber sends, besides its president and its
/// doyen: two in CM (L421-4), one in AP (L421-5).
pub fn conseillers_per_chamber(code: FormationCode) -> Option<usize> {
    match code {
        FormationCode::Mixte => Some(2),
        FormationCode::AssembleePleniere => Some(1),
        _ => None,
    }
}

/// Seats of one composing chamber: its president, its doyen and its
/// designated conseillers.
pub fn seats_per_chamber(code: FormationCode) -> Option<usize> {
    conseillers_per_chamber(code).map(|conseillers| 2 + conseillers)
}

/// Bench size of a multi-chamber hearing composed of `chambers` chambers:
/// the premier président's seat and each chamber's seats (CM of three
/// chambers: 13; AP of six: 19).
pub fn bench_size(code: FormationCode, chambers: usize) -> Option<usize> {
    seats_per_chamber(code).map(|seats| 1 + seats * chambers)
}

/// Exact bench size of a hearing of `rule`'s formation composed of
/// `chambers` chambers: the law's for CM and AP ([`bench_size`]), the
/// rule's for a chamber's own hearing (no composing chambers).
pub fn hearing_bench_size(rule: &FormationRule, chambers: usize) -> usize {
    match bench_size(rule.code, chambers) {
        Some(size) if chambers > 0 => size,
        _ => rule.bench_size as usize,
    }
}

/// The standing members of one chamber in CM or AP, designated each
/// December, and the substitutes the premier président designated to
/// replace any missing member of that chamber, in the order they are called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Designation {
    /// `CM` or `AP`.
    pub formation: FormationCode,
    /// The chamber the members come from.
    pub chamber: ChamberId,
    /// The designated conseillers: two for CM, one for AP.
    pub members: Vec<MagistrateId>,
    /// Substitutes, called in this order.
    pub substitutes: Vec<MagistrateId>,
}

/// Why and whence a dossier is heard by a chambre mixte or the assemblée
/// plénière (L431-5 to L431-7 COJ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// The chamber the pourvoi was distributed to before the referral.
    pub from: ChamberId,
    /// For CM: the chambers composing it, as the referral order names them
    /// (at least three); empty for AP (every chamber).
    pub chambers: Vec<ChamberId>,
    /// The article the referral rests on (`L431-5 COJ`…).
    pub article: String,
    /// Whether the referral was mandatory (L431-6 second paragraph; an
    /// equal split of votes under L431-5).
    pub mandatory: bool,
}
