//! Violations: a stable code, the dossier, hearing and magistrate concerned,
//! and a French message a clerk understands.

use std::fmt;

use greffe_models::{DossierId, HearingId, MagistrateId};
use serde::{Deserialize, Serialize};

/// What rule a plan breaks. The codes are stable snake_case words
/// (`docs/formats.md`); the number in each comment is the hard constraint of
/// the planning model it re-verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationCode {
    /// Plan sanity: an assignment, bench or unscheduled entry names a dossier
    /// the instance does not have.
    UnknownDossier,
    /// Plan sanity: an unknown hearing.
    UnknownHearing,
    /// Plan sanity: an unknown magistrate on a bench.
    UnknownMagistrate,
    /// Plan sanity: a dossier assigned more than once.
    DossierAssignedTwice,
    /// Plan sanity: a dossier both assigned and unscheduled.
    DossierAssignedAndUnscheduled,
    /// Plan sanity: a dossier neither assigned nor unscheduled.
    DossierMissing,
    /// Plan sanity: two benches listed for one hearing.
    BenchDuplicate,
    /// Plan sanity: a magistrate listed twice on one bench.
    BenchMemberDuplicate,
    /// Plan sanity: a hearing that hears dossiers has no bench.
    BenchMissing,
    /// Plan sanity: the president is not a bench member.
    PresidentNotMember,
    /// 5: the president is not the member of highest precedence.
    PresidentNotHighestPrecedence,
    /// 1: a dossier at a hearing of another chamber.
    WrongChamber,
    /// 1: a dossier at a hearing of a formation it does not accept.
    FormationNotAccepted,
    /// 2: heard before its ready date plus notice period.
    NotReady,
    /// 3: heard after its latest hearing date.
    DeadlineMissed,
    /// 3: a dossier with a deadline inside the horizon left unscheduled.
    DeadlineUnscheduled,
    /// 4: hearing weight capacity exceeded.
    CapacityWeightExceeded,
    /// 4: hearing count capacity exceeded.
    CapacityCountExceeded,
    /// 5: bench not of the formation's size.
    BenchSize,
    /// 5: a bench member who may not sit (role, or another chamber).
    BenchMemberIneligible,
    /// 5: voices on a dossier outside the formation's bounds.
    VoicesOutOfBounds,
    /// 6 and 8: a rapporteur absent on the hearing date.
    RapporteurAbsent,
    /// 7: a recused magistrate among the voices on a dossier.
    RecusedOnBench,
    /// 8: a bench member absent on the hearing date.
    MagistrateAbsent,
    /// 8: a magistrate attending two hearings of the same half-day.
    DoubleBooking,
    /// 8: a magistrate attending more hearings in an ISO week than the cap.
    WeeklyCapExceeded,
    /// Model v1: the dossier's avocat général is absent on the hearing date.
    AvocatGeneralAbsent,
    /// 9: joined dossiers not heard together.
    JoinedGroupSplit,
    /// 10: a pinned dossier not at its pinned hearing.
    PinnedMoved,
    /// 10: a locked hearing with another bench.
    LockedBenchChanged,
    /// 1 (v2): a referred dossier at a chambre mixte composed of other
    /// chambers than its referral names.
    ReferralChambersMismatch,
    /// 5 (v2): a chamber of a chambre mixte or assemblée plénière with more
    /// or fewer members than the law gives it.
    MultiChamberSeats,
    /// 5 (v2): a member of a chambre mixte or assemblée plénière who is
    /// neither a member by right, nor designated, nor a designated substitute.
    MultiChamberNotDesignated,
    /// 5 (v2): a member by right or designated member replaced while he
    /// could sit.
    StandingMemberReplaced,
    /// 1 (v2): a dossier of a section at a hearing of another section.
    SectionMismatch,
    /// 5 (v2): a member of another section sits at a section's hearing while
    /// a member of that section (or the chamber's president) could sit.
    SectionMemberPassedOver,
    /// 4 (v2): an FP hearing stating its composition whose bench is not the
    /// one the law gives it.
    PlenaryComposition,
}

impl ViolationCode {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownDossier => "unknown_dossier",
            Self::UnknownHearing => "unknown_hearing",
            Self::UnknownMagistrate => "unknown_magistrate",
            Self::DossierAssignedTwice => "dossier_assigned_twice",
            Self::DossierAssignedAndUnscheduled => "dossier_assigned_and_unscheduled",
            Self::DossierMissing => "dossier_missing",
            Self::BenchDuplicate => "bench_duplicate",
            Self::BenchMemberDuplicate => "bench_member_duplicate",
            Self::BenchMissing => "bench_missing",
            Self::PresidentNotMember => "president_not_member",
            Self::PresidentNotHighestPrecedence => "president_not_highest_precedence",
            Self::WrongChamber => "wrong_chamber",
            Self::FormationNotAccepted => "formation_not_accepted",
            Self::NotReady => "not_ready",
            Self::DeadlineMissed => "deadline_missed",
            Self::DeadlineUnscheduled => "deadline_unscheduled",
            Self::CapacityWeightExceeded => "capacity_weight_exceeded",
            Self::CapacityCountExceeded => "capacity_count_exceeded",
            Self::BenchSize => "bench_size",
            Self::BenchMemberIneligible => "bench_member_ineligible",
            Self::VoicesOutOfBounds => "voices_out_of_bounds",
            Self::RapporteurAbsent => "rapporteur_absent",
            Self::RecusedOnBench => "recused_on_bench",
            Self::MagistrateAbsent => "magistrate_absent",
            Self::DoubleBooking => "double_booking",
            Self::WeeklyCapExceeded => "weekly_cap_exceeded",
            Self::AvocatGeneralAbsent => "avocat_general_absent",
            Self::JoinedGroupSplit => "joined_group_split",
            Self::PinnedMoved => "pinned_moved",
            Self::LockedBenchChanged => "locked_bench_changed",
            Self::ReferralChambersMismatch => "referral_chambers_mismatch",
            Self::MultiChamberSeats => "multi_chamber_seats",
            Self::MultiChamberNotDesignated => "multi_chamber_not_designated",
            Self::StandingMemberReplaced => "standing_member_replaced",
            Self::SectionMismatch => "section_mismatch",
            Self::SectionMemberPassedOver => "section_member_passed_over",
            Self::PlenaryComposition => "plenary_composition",
        }
    }
}

impl ViolationCode {
    /// The text that sets the rule, where the law does (the domain brief's
    /// sourced articles); `None` for the plan's own sanity and for the
    /// court's organisation (capacities, availability), which no article
    /// fixes.
    pub fn basis(self) -> Option<&'static str> {
        match self {
            Self::PresidentNotHighestPrecedence => Some("art. R421-4-1 et R421-4-3 COJ"),
            Self::BenchSize => Some("art. L431-1, R421-4-1, R421-4-3 et R431-5 COJ"),
            Self::BenchMemberIneligible => Some("art. R431-5 et R431-6 COJ"),
            Self::VoicesOutOfBounds => Some("art. L431-3 et R431-5 COJ"),
            Self::RapporteurAbsent => Some("art. 1012 et 1013 CPC"),
            Self::RecusedOnBench => Some("art. L111-6 et R111-4 COJ ; art. 6 § 1 CEDH"),
            Self::ReferralChambersMismatch => Some("art. L431-5 et L431-7 COJ"),
            Self::MultiChamberSeats | Self::MultiChamberNotDesignated | Self::StandingMemberReplaced => {
                Some("art. L421-4 et L421-5 COJ")
            }
            Self::SectionMemberPassedOver => Some("art. R421-4-3, R431-5 et R431-6 COJ"),
            Self::PlenaryComposition => Some("art. R421-4-1 COJ"),
            Self::UnknownDossier
            | Self::UnknownHearing
            | Self::UnknownMagistrate
            | Self::DossierAssignedTwice
            | Self::DossierAssignedAndUnscheduled
            | Self::DossierMissing
            | Self::BenchDuplicate
            | Self::BenchMemberDuplicate
            | Self::BenchMissing
            | Self::PresidentNotMember
            | Self::WrongChamber
            | Self::FormationNotAccepted
            | Self::NotReady
            | Self::DeadlineMissed
            | Self::DeadlineUnscheduled
            | Self::CapacityWeightExceeded
            | Self::CapacityCountExceeded
            | Self::MagistrateAbsent
            | Self::DoubleBooking
            | Self::WeeklyCapExceeded
            | Self::AvocatGeneralAbsent
            | Self::JoinedGroupSplit
            | Self::PinnedMoved
            | Self::LockedBenchChanged
            | Self::SectionMismatch => None,
        }
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which rule.
    pub code: ViolationCode,
    /// The dossier concerned, if any.
    pub dossier: Option<DossierId>,
    /// The hearing concerned, if any.
    pub hearing: Option<HearingId>,
    /// The magistrate concerned, if any.
    pub magistrate: Option<MagistrateId>,
    /// What is wrong, in French.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)
    }
}

/// The checker's verdict on a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// True when no hard rule is broken.
    pub ok: bool,
    /// Every violation found, in a stable order.
    pub violations: Vec<Violation>,
}
