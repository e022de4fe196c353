//! One deadline from one starting act: the rule's version in force, the
//! distance extension, the raw end, then the extension past non-working days
//! for a party's deadline, or none for the Cour's own.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::arithmetic::{self, NonWorkingCause};
use super::catalogue::{Actor, Rule, RuleKind, RuleVersion, Unit};
use crate::calendar::{self, Place};
use crate::dates::Date;

/// Where the party who must act resides (CPC 643, 1023).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Residence {
    /// Metropolitan France: no extension.
    #[default]
    #[serde(rename = "metropole")]
    Metropole,
    /// Overseas (DOM, COM, New Caledonia, TAAF): +1 month.
    #[serde(rename = "outre-mer")]
    OutreMer,
    /// Abroad: +2 months.
    #[serde(rename = "etranger")]
    Etranger,
}

impl Residence {
    /// Every residence.
    pub const ALL: [Residence; 3] = [Self::Metropole, Self::OutreMer, Self::Etranger];

    /// The command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Metropole => "metropole",
            Self::OutreMer => "outre-mer",
            Self::Etranger => "etranger",
        }
    }

    /// French label, for clerks.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Metropole => "métropole",
            Self::OutreMer => "outre-mer (+ 1 mois)",
            Self::Etranger => "étranger (+ 2 mois)",
        }
    }

    /// Parses the command-line spelling.
    pub fn parse(raw: &str) -> Option<Residence> {
        Self::ALL.into_iter().find(|residence| residence.as_str() == raw)
    }

    /// Months added by CPC 643 (pourvoi) and 1023 (mémoires).
    pub fn distance_months(self) -> u32 {
        match self {
            Self::Metropole => 0,
            Self::OutreMer => 1,
            Self::Etranger => 2,
        }
    }
}

impl fmt::Display for Residence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a deadline cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComputeError {
    /// No rule with that id.
    #[error("règle « {id} » inconnue ; règles connues : {known}")]
    UnknownRule {
        /// The id asked for.
        id: String,
        /// Every known id, comma-separated.
        known: String,
    },
    /// The rule has no distance extension, so only `metropole` applies.
    #[error(
        "la règle {rule} ne connaît pas de délai de distance : seule la résidence « metropole » est admise (reçu « {residence} »)"
    )]
    ResidenceNotAccepted {
        /// The rule id.
        rule: String,
        /// The residence given.
        residence: Residence,
    },
    /// No version of the rule covers the starting date.
    #[error("la règle {rule} n'a pas de version en vigueur pour un acte du {from}")]
    NoVersion {
        /// The rule id.
        rule: String,
        /// The starting date.
        from: Date,
    },
    /// The result would leave the supported calendar (1900–2200).
    #[error("date hors du calendrier pris en charge (1900–2200) : acte du {from}")]
    OutOfCalendar {
        /// The starting date.
        from: Date,
    },
}

/// Why the due date differs from the raw end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension {
    /// The raw end that was not a working day.
    pub raw_end: Date,
    /// What it was.
    pub cause: NonWorkingCause,
}

/// A computed deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Computed<'r> {
    /// The rule.
    pub rule: &'r Rule,
    /// The version applied (by starting date).
    pub version: &'r RuleVersion,
    /// The starting act's date.
    pub from: Date,
    /// Months added for distance.
    pub distance_months: u32,
    /// Extra days added (e.g. the 8-day prorogation of art. 567-2 CPP).
    pub extra_days: u32,
    /// End before any extension past non-working days.
    pub raw_end: Date,
    /// Last day on which the act is still in time.
    pub due: Date,
    /// Set when `due` was moved past a non-working `raw_end`.
    pub extension: Option<Extension>,
    /// The place whose calendar was applied.
    pub place: Place,
}

/// Why the Cour's own deadlines are shown unextended (domain brief).
pub const UNEXTENDED_REASON: &str = "délai imparti à la Cour pour statuer : affiché sans prorogation, car l'application \
     de l'art. 801 CPP à ce délai n'est pas établie et une mise en liberté ne doit jamais dépendre d'une prorogation";

/// Why the rapporteur's internal deadlines are shown unextended.
pub const INTERNAL_REASON: &str = "délai interne de la chambre : une échéance d'organisation, affichée sans prorogation (ni art. 642 CPC ni art. 801 CPP)";

impl Computed<'_> {
    /// Why the due date was extended, in French (e.g. « 2025-03-15 est un
    /// samedi »), or `None`.
    pub fn extended_because(&self) -> Option<String> {
        self.extension.map(|extension| {
            let what = match extension.cause {
                NonWorkingCause::Saturday => "un samedi".to_owned(),
                NonWorkingCause::Sunday => "un dimanche".to_owned(),
                NonWorkingCause::Holiday => {
                    format!("un jour férié ({})", calendar::holiday_names(extension.raw_end, self.place).join(", "))
                }
            };
            let article = if self.rule.code == "CPP" { "art. 801 CPP" } else { "art. 642 CPC" };
            format!("{} est {what} ; prorogé au premier jour ouvrable suivant ({article})", extension.raw_end)
        })
    }

    /// For the Cour's own deadlines, why no extension applies.
    pub fn unextended_reason(&self) -> Option<&'static str> {
        match (self.rule.kind, self.rule.applies_to) {
            (RuleKind::Court, Actor::Rapporteur) => Some(INTERNAL_REASON),
            (RuleKind::Court, _) => Some(UNEXTENDED_REASON),
            (RuleKind::Party, _) => None,
        }
    }

    /// Article and code, e.g. `art. 978 CPC`.
    pub fn citation(&self) -> String {
        format!("art. {} {}", self.version.article, self.rule.code)
    }
}

/// What to compute: the starting date and the circumstances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// Date of the starting act.
    pub from: Date,
    /// Residence of the party who must act.
    pub residence: Residence,
    /// Calendar applying to the act.
    pub place: Place,
    /// Extra days granted (prorogation), counted after the months.
    pub extra_days: u32,
}

impl Start {
    /// A start in metropolitan France, Paris calendar, no extra days.
    pub fn on(from: Date) -> Start {
        Start { from, residence: Residence::Metropole, place: Place::PARIS, extra_days: 0 }
    }
}

/// Computes `rule`'s deadline from `start`.
///
/// Distance (CPC 643, 1023) adds months to the rule's own amount, making one
/// combined deadline counted from the starting act; months are counted first,
/// then days (CPC 641). A party's deadline ending on a non-working day moves
/// to the next working day (CPC 642, CPP 801); the Cour's own ruling deadline
/// never moves.
pub fn compute(rule: &Rule, start: Start) -> Result<Computed<'_>, ComputeError> {
    if !rule.distance_extended && start.residence != Residence::Metropole {
        return Err(ComputeError::ResidenceNotAccepted { rule: rule.id.clone(), residence: start.residence });
    }
    let version = rule
        .version_on(start.from)
        .ok_or_else(|| ComputeError::NoVersion { rule: rule.id.clone(), from: start.from })?;
    let out = || ComputeError::OutOfCalendar { from: start.from };
    if !calendar::is_supported(start.from) {
        return Err(out());
    }
    let distance_months = if rule.distance_extended { start.residence.distance_months() } else { 0 };
    let raw_end = match version.unit {
        Unit::Months => {
            arithmetic::add_months_then_days(start.from, version.amount + distance_months, start.extra_days)
        }
        Unit::Days => arithmetic::add_months_then_days(start.from, distance_months, version.amount + start.extra_days),
        Unit::JoursFrancs => arithmetic::jours_francs_end(start.from, version.amount)
            .and_then(|end| arithmetic::add_months_then_days(end, distance_months, start.extra_days)),
    }
    .ok_or_else(out)?;
    let (due, extension) = match rule.kind {
        RuleKind::Court => (raw_end, None),
        RuleKind::Party => {
            let due = arithmetic::next_working_day(raw_end, start.place).ok_or_else(out)?;
            let extension =
                arithmetic::non_working_cause(raw_end, start.place).map(|cause| Extension { raw_end, cause });
            (due, extension)
        }
    };
    Ok(Computed {
        rule,
        version,
        from: start.from,
        distance_months,
        extra_days: start.extra_days,
        raw_end,
        due,
        extension,
        place: start.place,
    })
}
