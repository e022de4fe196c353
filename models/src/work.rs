//! The magistrates' work on a dossier before the decision: the rapporteur's
//! report (*rapport*), his opinion (*avis*) and draft decisions (*projets*,
//! one or several for the deliberation), the avocat général's opinion. Each
//! is a **work document**: filed in versions, in structured form (parties,
//! visas, grounds answered one by one, operative part) — and read only by
//! the people the law allows ([`VISIBILITY`], data with its source).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::deadlines::EventType;
use crate::decision::{GroundAnswer, NamedParty, Outcome};
use crate::record::{DossierInput, RecordProblem};
use crate::registry::vocabulary;
use crate::signature::hex;

vocabulary! {
    /// What a work document is.
    WorkKind {
        /// The rapporteur's report: the facts, the procedure, the grounds
        /// and the questions they raise.
        Rapport = "rapport", "rapport du conseiller rapporteur";
        /// The rapporteur's opinion on the solution (*avis*).
        AvisRapporteur = "avis_rapporteur", "avis du rapporteur";
        /// A draft decision (*projet d'arrêt*); several may be filed for
        /// the deliberation, each with its own number.
        Projet = "projet", "projet d'arrêt";
        /// The avocat général's opinion (*avis*, conclusions).
        AvisAvocatGeneral = "avis_avocat_general", "avis de l'avocat général";
    }
}

vocabulary! {
    /// Who writes a kind of work document.
    Author {
        /// A rapporteur of the dossier (art. 1012 CPC designates him).
        Rapporteur = "rapporteur", "rapporteur du dossier";
        /// The dossier's avocat général.
        AvocatGeneral = "avocat_general", "avocat général du dossier";
    }
}

vocabulary! {
    /// A reader's tie to a dossier, which decides the work documents he
    /// reads. Analysts and administrators have none.
    Reader {
        /// A rapporteur of the dossier.
        Rapporteur = "rapporteur", "rapporteur(s) du dossier";
        /// A member of the formation that sits (or sat) on the dossier: its
        /// hearing's bench, who sat, the chamber's president.
        Formation = "formation", "membres de la formation";
        /// The dossier's avocat général (never a member of the formation).
        AvocatGeneral = "avocat_general", "avocat général";
        /// The greffe of the dossier's chamber, which communicates it.
        Greffe = "greffe", "greffe de la chambre";
        /// The parties, through their lawyers (the greffe communicates).
        Parties = "parties", "avocats des parties";
    }
}

impl WorkKind {
    /// Who writes it.
    pub fn author(self) -> Author {
        match self {
            Self::AvisAvocatGeneral => Author::AvocatGeneral,
            Self::Rapport | Self::AvisRapporteur | Self::Projet => Author::Rapporteur,
        }
    }

    /// Whether a dossier may hold several (numbered) documents of the kind:
    /// draft decisions, one per solution put to the deliberation.
    pub fn several(self) -> bool {
        self == Self::Projet
    }

    /// The procedural event filing it is, read by readiness (the planning
    /// instance) and by the decision's defect checks; `None`: a registry
    /// act only (its content stays the formation's).
    pub fn event(self) -> Option<EventType> {
        match self {
            Self::Rapport => Some(EventType::DepotRapport),
            Self::AvisAvocatGeneral => Some(EventType::AvisAvocatGeneral),
            Self::AvisRapporteur | Self::Projet => None,
        }
    }

    /// Who reads it, with the source of the rule.
    pub fn visibility(self) -> &'static WorkVisibility {
        VISIBILITY.iter().find(|v| v.kind == self).unwrap_or_else(|| unreachable!("every kind is in VISIBILITY"))
    }

    /// Whether a reader tied to the dossier by `ties` reads it.
    pub fn readable_by(self, ties: &BTreeSet<Reader>) -> bool {
        self.visibility().readers.iter().any(|reader| ties.contains(reader))
    }
}

/// Who reads a kind of work document, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkVisibility {
    /// The kind.
    pub kind: WorkKind,
    /// Who reads it.
    pub readers: &'static [Reader],
    /// The rule's source.
    pub source: &'static str,
    /// True while the rule is to be confirmed by the court.
    pub to_confirm: bool,
}

/// Who reads each kind. The opinion and the drafts are the formation's
/// alone: never the avocat général's, the parties', the greffe's, nor
/// anyone's outside the formation. The report and the avocat général's
/// opinion are communicated to the parties and read by both sides of the
/// hearing.
pub const VISIBILITY: [WorkVisibility; 4] = [
    WorkVisibility {
        kind: WorkKind::Rapport,
        readers: &[Reader::Rapporteur, Reader::Formation, Reader::AvocatGeneral, Reader::Greffe, Reader::Parties],
        source: "CEDH, Reinhardt et Slimane-Kaïd c. France, 31 mars 1998 (le rapport, sans l'avis, est communiqué \
                 aux parties comme à l'avocat général) ; art. 1012 CPC",
        to_confirm: true,
    },
    WorkVisibility {
        kind: WorkKind::AvisRapporteur,
        readers: &[Reader::Rapporteur, Reader::Formation],
        source: "CEDH, Reinhardt et Slimane-Kaïd c. France, 31 mars 1998 (l'avis et les projets du rapporteur \
                 restent au délibéré : ni l'avocat général ni les parties)",
        to_confirm: false,
    },
    WorkVisibility {
        kind: WorkKind::Projet,
        readers: &[Reader::Rapporteur, Reader::Formation],
        source: "CEDH, Reinhardt et Slimane-Kaïd c. France, 31 mars 1998 ; secret du délibéré (art. 448 CPC)",
        to_confirm: false,
    },
    WorkVisibility {
        kind: WorkKind::AvisAvocatGeneral,
        readers: &[Reader::AvocatGeneral, Reader::Rapporteur, Reader::Formation, Reader::Greffe, Reader::Parties],
        source: "CEDH, Reinhardt et Slimane-Kaïd c. France, 31 mars 1998 (les conclusions de l'avocat général \
                 sont communiquées aux parties)",
        to_confirm: true,
    },
];

/// A work document's text, in structured form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WorkContent {
    /// Title (« Rapport », « Projet n° 2 : cassation »…).
    pub title: String,
    /// The parties, with their lawyers.
    #[serde(default)]
    pub parties: Vec<NamedParty>,
    /// Texts invoked (*visas*).
    #[serde(default)]
    pub visas: Vec<String>,
    /// Each ground of the pourvoi and what the document says of it (the
    /// report's analysis, the draft's answer).
    #[serde(default)]
    pub grounds: Vec<GroundAnswer>,
    /// The solution proposed (an opinion, a draft).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "rejet"))]
    pub proposed: Option<Outcome>,
    /// The operative part (*dispositif*) of a draft.
    #[serde(default)]
    pub operative: String,
    /// The discussion: the report's facts and procedure, the opinion's
    /// reasons.
    #[serde(default)]
    pub body: String,
}

impl WorkContent {
    /// A new document of `kind` for `record`: its title and parties; a
    /// draft takes its visas and grounds from `report` when one is filed,
    /// so that the rapporteur answers the grounds he analysed.
    pub fn prefilled(kind: WorkKind, number: i64, record: &DossierInput, report: Option<&WorkContent>) -> Self {
        let title = match kind {
            WorkKind::Projet => format!("Projet n° {number}"),
            other => crate::text::capitalised(other.label_fr()),
        };
        let mut content =
            Self { title, parties: record.parties.iter().map(NamedParty::from).collect(), ..Self::default() };
        if kind == WorkKind::Projet
            && let Some(report) = report
        {
            content.visas = report.visas.clone();
            content.grounds = report
                .grounds
                .iter()
                .map(|g| GroundAnswer { ground: g.ground.clone(), answer: String::new() })
                .collect();
        }
        content
    }

    /// What the text says of itself, for a document of `kind` in a dossier
    /// whose outcomes are `outcomes`: a title; no character a field may not
    /// hold; a draft proposes a solution with its operative part; an
    /// opinion proposes a solution or argues it; a report analyses the
    /// grounds or states the case.
    pub fn problems(&self, kind: WorkKind, outcomes: &[Outcome]) -> Vec<RecordProblem> {
        let mut problems = Vec::new();
        if let Some((path, c)) = serde_json::to_value(self).ok().as_ref().and_then(crate::text::first_refused) {
            let (message, action) = crate::text::refusal(c);
            problems.push(RecordProblem::new(&path, message, action));
        }
        if self.title.trim().is_empty() {
            problems.push(RecordProblem::new("title", "le titre manque", "donner un titre au document"));
        }
        for (i, ground) in self.grounds.iter().enumerate() {
            if ground.ground.trim().is_empty() {
                problems.push(RecordProblem::new(
                    format!("grounds[{i}].ground"),
                    format!("le moyen n° {} n'est pas énoncé", i + 1),
                    "énoncer le moyen, ou retirer la ligne",
                ));
            }
        }
        if let Some(outcome) = self.proposed
            && !outcomes.contains(&outcome)
        {
            problems.push(RecordProblem::new(
                "proposed",
                format!("la solution « {} » n'existe pas dans la procédure du dossier", outcome.label_fr()),
                format!("choisir parmi : {}", outcomes.iter().map(|o| o.label_fr()).collect::<Vec<_>>().join(", ")),
            ));
        }
        match kind {
            WorkKind::Projet => {
                if self.proposed.is_none() {
                    problems.push(RecordProblem::new(
                        "proposed",
                        "le projet ne propose aucune solution",
                        "choisir la solution que le projet retient",
                    ));
                }
                if self.operative.trim().is_empty() {
                    problems.push(RecordProblem::new(
                        "operative",
                        "le dispositif du projet manque",
                        "rédiger le dispositif (« PAR CES MOTIFS, la Cour : … »)",
                    ));
                }
            }
            WorkKind::AvisRapporteur | WorkKind::AvisAvocatGeneral => {
                if self.proposed.is_none() && self.body.trim().is_empty() {
                    problems.push(RecordProblem::new(
                        "proposed",
                        "l'avis ne propose aucune solution et n'est pas motivé",
                        "choisir la solution proposée, ou rédiger l'avis",
                    ));
                }
            }
            WorkKind::Rapport => {
                if self.grounds.is_empty() && self.body.trim().is_empty() {
                    problems.push(RecordProblem::new(
                        "grounds",
                        "le rapport n'analyse aucun moyen et n'expose pas l'affaire",
                        "énoncer les moyens, ou rédiger l'exposé",
                    ));
                }
            }
        }
        problems
    }

    /// The SHA-256 of the canonical JSON (fields in declaration order), in
    /// hexadecimal: what the journal binds each version to.
    pub fn sha256(&self) -> String {
        // Serialising plain strings, lists and enums cannot fail.
        let json = serde_json::to_string(self).unwrap_or_default();
        hex(&Sha256::digest(json.as_bytes()))
    }
}

/// A work document's place in its dossier: its kind and number (1 but for
/// the drafts, numbered from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkSlot {
    /// The kind.
    pub kind: WorkKind,
    /// The number.
    pub number: i64,
}

impl fmt::Display for WorkSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind.several() {
            write!(f, "{} n° {}", self.kind.label_fr(), self.number)
        } else {
            f.write_str(self.kind.label_fr())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ties(readers: &[Reader]) -> BTreeSet<Reader> {
        readers.iter().copied().collect()
    }

    /// The opinion and the drafts are the formation's: the avocat général,
    /// the greffe and the parties never read them; the report and the
    /// avocat général's opinion reach both sides of the hearing.
    #[test]
    fn the_opinion_and_the_drafts_stay_within_the_formation() {
        for kind in [WorkKind::AvisRapporteur, WorkKind::Projet] {
            for outsider in [Reader::AvocatGeneral, Reader::Greffe, Reader::Parties] {
                assert!(!kind.readable_by(&ties(&[outsider])), "{kind} read by {outsider}");
            }
            assert!(kind.readable_by(&ties(&[Reader::Formation])));
            assert!(kind.readable_by(&ties(&[Reader::Rapporteur])));
            assert!(!kind.readable_by(&BTreeSet::new()), "{kind} read without a tie");
        }
        for kind in [WorkKind::Rapport, WorkKind::AvisAvocatGeneral] {
            for reader in Reader::ALL {
                assert!(kind.readable_by(&ties(&[*reader])), "{kind} not read by {reader}");
            }
        }
        // Every kind has its rule, with a source.
        for kind in WorkKind::ALL {
            assert!(!kind.visibility().source.is_empty());
        }
    }

    #[test]
    fn a_draft_proposes_a_solution_of_the_procedure_with_its_operative_part() {
        let civil = Outcome::of(crate::registry::Nature::Civil);
        let draft = WorkContent { title: "Projet n° 1".into(), ..WorkContent::default() };
        let fields: Vec<String> = draft.problems(WorkKind::Projet, &civil).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["proposed", "operative"]);
        let criminal_only =
            WorkContent { proposed: Some(Outcome::NonAdmission), operative: "REJETTE".into(), ..draft.clone() };
        let problems = criminal_only.problems(WorkKind::Projet, &civil);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("non-admission"), "{}", problems[0].message);
        let good = WorkContent { proposed: Some(Outcome::Rejet), operative: "REJETTE le pourvoi".into(), ..draft };
        assert!(good.problems(WorkKind::Projet, &civil).is_empty());
        // A report states the case or analyses the grounds.
        let empty = WorkContent { title: "Rapport".into(), ..WorkContent::default() };
        assert_eq!(empty.problems(WorkKind::Rapport, &civil)[0].field, "grounds");
        let unnamed =
            WorkContent { grounds: vec![GroundAnswer { ground: " ".into(), answer: String::new() }], ..empty.clone() };
        assert_eq!(unnamed.problems(WorkKind::Rapport, &civil)[0].field, "grounds[0].ground");
        // The hash binds the text.
        let stated = WorkContent { body: "Exposé".into(), ..empty.clone() };
        assert_ne!(stated.sha256(), empty.sha256());
        assert_eq!(stated.sha256(), stated.clone().sha256());
    }
}
