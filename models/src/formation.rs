//! Judging formations and their sizes, as configuration.
//!
//! Sources: R421-4-3 COJ and L431-1 COJ (FR), R431-5 and R431-6 COJ (FS),
//! R421-4-1 COJ (FP), L421-4 COJ (CM), L421-5 COJ (AP). The bench sizes and
//! voice bounds are the defaults of the planning model (version 1); an
//! instance may override them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A formation code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FormationCode {
    /// Formation restreinte (R421-4-3 COJ).
    #[serde(rename = "FR")]
    Restreinte,
    /// Formation de section (R431-5 COJ).
    #[serde(rename = "FS")]
    Section,
    /// Formation plénière de chambre (R421-4-1 COJ).
    #[serde(rename = "FP")]
    Pleniere,
    /// Chambre mixte (L421-4 COJ), planning model version 2.
    #[serde(rename = "CM")]
    Mixte,
    /// Assemblée plénière (L421-5 COJ), planning model version 2.
    #[serde(rename = "AP")]
    AssembleePleniere,
}

impl FormationCode {
    /// Every formation, smallest first.
    pub const ALL: [FormationCode; 5] =
        [Self::Restreinte, Self::Section, Self::Pleniere, Self::Mixte, Self::AssembleePleniere];

    /// The code as written in instances: `FR FS FP CM AP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restreinte => "FR",
            Self::Section => "FS",
            Self::Pleniere => "FP",
            Self::Mixte => "CM",
            Self::AssembleePleniere => "AP",
        }
    }

    /// The formation as a notice names it: « formation restreinte »…
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Restreinte => "formation restreinte",
            Self::Section => "formation de section",
            Self::Pleniere => "formation plénière de chambre",
            Self::Mixte => "chambre mixte",
            Self::AssembleePleniere => "assemblée plénière",
        }
    }

    /// Parses `FR FS FP CM AP`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == raw)
    }

    /// Whether hearings of this formation draw members from several chambers
    /// (chambre mixte, assemblée plénière).
    pub fn is_multi_chamber(self) -> bool {
        matches!(self, Self::Mixte | Self::AssembleePleniere)
    }
}

impl fmt::Display for FormationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Size rules of one formation: the bench sits for every dossier of the
/// hearing; the voices on a dossier are the bench plus its rapporteurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormationRule {
    /// Which formation.
    pub code: FormationCode,
    /// Exact number of bench members.
    pub bench_size: u32,
    /// Fewest voices deliberating on a dossier.
    pub min_voices: u32,
    /// Most voices deliberating on a dossier.
    pub max_voices: u32,
    /// Whether a hearing of this formation that names its section draws its
    /// bench from that section (and the chamber's president), other
    /// sections' members sitting only as replacements
    /// ([`crate::sections`]). Sourced for FR (R421-4-3 COJ); for FS the
    /// exact composition (R421-4-2 COJ) is *to confirm*, hence
    /// configuration.
    pub from_section: bool,
}

impl FormationRule {
    /// The default rules of the planning model (version 1), with the article
    /// each size rests on.
    pub fn defaults() -> [FormationRule; 5] {
        let rule = |code, bench_size, min_voices, max_voices| FormationRule {
            code,
            bench_size,
            min_voices,
            max_voices,
            from_section: Self::default_from_section(code),
        };
        [
            // R421-4-3 COJ: president, doyen, rapporteur.
            rule(FormationCode::Restreinte, 2, 3, 3),
            // R431-5 COJ: at least 5 deliberative voices.
            rule(FormationCode::Section, 5, 5, 7),
            // R421-4-1 COJ: reduced plenary of the chamber.
            rule(FormationCode::Pleniere, 9, 9, 13),
            // L421-4 COJ: at least 13 members.
            rule(FormationCode::Mixte, 13, 13, 15),
            // L421-5 COJ: 19 members.
            rule(FormationCode::AssembleePleniere, 19, 19, 19),
        ]
    }

    /// Whether `code` draws its bench from the hearing's section unless an
    /// instance says otherwise: FR (R421-4-3 COJ) and FS (R431-5 COJ, its
    /// exact composition under R421-4-2 COJ *to confirm*); FP, CM and AP sit
    /// without a section.
    pub fn default_from_section(code: FormationCode) -> bool {
        matches!(code, FormationCode::Restreinte | FormationCode::Section)
    }

    /// The article behind the default size of `code`.
    pub fn source(code: FormationCode) -> &'static str {
        match code {
            FormationCode::Restreinte => "R421-4-3 COJ, L431-1 COJ",
            FormationCode::Section => "R431-5 COJ, R431-6 COJ",
            FormationCode::Pleniere => "R421-4-1 COJ",
            FormationCode::Mixte => "L421-4 COJ",
            FormationCode::AssembleePleniere => "L421-5 COJ",
        }
    }
}
