//! Which hearings can lawfully take which dossier, and why the others
//! cannot. Used by the model builder (to create only lawful pairs), by the
//! reasons given for unscheduled dossiers, and by `plan explain`.

use greffe_models::{Date, Dossier, Hearing, Instance};

/// Why a hearing cannot take a dossier. Instance-level filters come first,
/// then those that depend on the hearing's bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Filter {
    /// The hearing belongs to another chamber.
    Chamber,
    /// The hearing's formation is not acceptable for the dossier.
    Formation,
    /// The hearing sits for another section than the dossier's.
    Section,
    /// A chambre mixte composed of other chambers than the referral names.
    Referral,
    /// The hearing comes before the dossier's earliest hearing date.
    NotReady,
    /// The hearing comes after the dossier's latest hearing date.
    AfterDeadline,
    /// A rapporteur is absent that day.
    RapporteurAbsent,
    /// The avocat général is absent that day.
    AvocatGeneralAbsent,
    /// The hearing has no bench (none could be formed).
    NoBench,
    /// A recused magistrate sits on the bench.
    Recusal,
    /// The voices on the dossier would fall outside the formation's bounds
    /// (in formation restreinte: a rapporteur sits on the bench).
    Voices,
}

impl Filter {
    /// Every filter, in the order they are applied.
    pub const ALL: [Filter; 11] = [
        Self::Chamber,
        Self::Formation,
        Self::Section,
        Self::Referral,
        Self::NotReady,
        Self::AfterDeadline,
        Self::RapporteurAbsent,
        Self::AvocatGeneralAbsent,
        Self::NoBench,
        Self::Recusal,
        Self::Voices,
    ];

    /// French label, for reasons and explanations.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Chamber => "audience d'une autre chambre",
            Self::Formation => "formation non admise pour ce dossier",
            Self::Section => "audience d'une autre section",
            Self::Referral => "chambre mixte composée d'autres chambres que celles du renvoi",
            Self::NotReady => "avant la date à laquelle le dossier peut être entendu",
            Self::AfterDeadline => "après la date limite du dossier",
            Self::RapporteurAbsent => "rapporteur absent ce jour-là",
            Self::AvocatGeneralAbsent => "avocat général absent ce jour-là",
            Self::NoBench => "aucune composition possible pour cette audience",
            Self::Recusal => "un magistrat récusé siège à cette audience",
            Self::Voices => "nombre de voix hors des bornes de la formation (rapporteur membre du siège)",
        }
    }

    /// Stable code, for the `detail` of reasons.
    pub fn code(self) -> &'static str {
        match self {
            Self::Chamber => "chamber",
            Self::Formation => "formation",
            Self::Section => "section",
            Self::Referral => "referral_chambers",
            Self::NotReady => "not_ready",
            Self::AfterDeadline => "after_deadline",
            Self::RapporteurAbsent => "rapporteur_absent",
            Self::AvocatGeneralAbsent => "avocat_general_absent",
            Self::NoBench => "no_bench",
            Self::Recusal => "recusal",
            Self::Voices => "voices",
        }
    }

    /// Whether the filter depends on the bench.
    pub fn is_bench_filter(self) -> bool {
        matches!(self, Self::NoBench | Self::Recusal | Self::Voices)
    }
}

/// Earliest hearing date of a dossier in this instance.
pub fn earliest(instance: &Instance, dossier: &Dossier) -> Date {
    dossier.earliest_hearing_date(instance.horizon().publication_date())
}

/// The first instance-level filter that removes `hearing` for `dossier`.
pub fn instance_filter(instance: &Instance, dossier: &Dossier, hearing: &Hearing) -> Option<Filter> {
    if hearing.chamber != dossier.chamber {
        return Some(Filter::Chamber);
    }
    if !dossier.formations.contains(&hearing.formation) {
        return Some(Filter::Formation);
    }
    if !greffe_models::sections::hears(dossier, hearing) {
        return Some(Filter::Section);
    }
    if let Some(referral) = dossier.referral.as_ref().filter(|r| !r.chambers.is_empty()) {
        let same = referral.chambers.len() == hearing.chambers.len()
            && referral.chambers.iter().all(|c| hearing.chambers.contains(c));
        if !same {
            return Some(Filter::Referral);
        }
    }
    if hearing.date < earliest(instance, dossier) {
        return Some(Filter::NotReady);
    }
    if dossier.deadline.is_some_and(|deadline| hearing.date > deadline) {
        return Some(Filter::AfterDeadline);
    }
    let absent = |id| instance.magistrate(id).is_some_and(|m| m.is_absent_on(hearing.date));
    if dossier.rapporteurs.iter().any(absent) {
        return Some(Filter::RapporteurAbsent);
    }
    if dossier.avocat_general.as_ref().is_some_and(absent) {
        return Some(Filter::AvocatGeneralAbsent);
    }
    None
}

/// The first bench-level filter that removes `hearing` for `dossier`, given
/// the hearing's bench (magistrate indexes), if it has one.
pub fn bench_filter(
    instance: &Instance,
    dossier: &Dossier,
    hearing: &Hearing,
    bench: Option<&[usize]>,
) -> Option<Filter> {
    let Some(bench) = bench else { return Some(Filter::NoBench) };
    let magistrates = instance.magistrates();
    if bench.iter().any(|&m| dossier.is_recused(&magistrates[m].id)) {
        return Some(Filter::Recusal);
    }
    // The law gives a composed FP hearing its members, not a number of
    // voices (`greffe_models::plenary`).
    if hearing.composition.is_some() {
        return None;
    }
    let rule = instance.formation(hearing.formation)?;
    let joining = dossier.rapporteurs.iter().filter(|id| !bench.iter().any(|&m| &magistrates[m].id == *id)).count();
    let voices = bench.len() + joining;
    let (min_voices, max_voices) = hearing.voice_bounds(rule);
    if voices < min_voices || voices > max_voices {
        return Some(Filter::Voices);
    }
    None
}

/// The benchmark value of hearing `dossier` at `hearing` (planning brief,
/// "The benchmark objective"): `priority × (1 − 0.5 × wait / horizon_days)`,
/// `wait` = days from `max(earliest, start)` to the hearing, never below 0.
pub fn benchmark_value(instance: &Instance, dossier: &Dossier, hearing: &Hearing) -> f64 {
    let horizon = instance.horizon();
    let from = earliest(instance, dossier).max(horizon.start());
    let wait = (hearing.date - from).num_days().max(0) as f64;
    let horizon_days = horizon.horizon_days().max(1) as f64;
    dossier.priority * (1.0 - 0.5 * wait / horizon_days)
}
