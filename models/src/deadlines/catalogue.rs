//! The rule catalogue: every procedural deadline as data, with its article.
//! The catalogue embedded in the binary is `rules.toml`; a configuration file
//! in the same layout can replace rules (same id) or add new ones.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::Date;

/// The catalogue shipped with greffe.
pub const EMBEDDED_RULES: &str = include_str!("rules.toml");

/// How an amount is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Days, the starting day not counted (CPC 641 al. 1).
    Days,
    /// Months, same day number or the month's last day (CPC 641 al. 2).
    Months,
    /// Jours francs: neither the starting nor the end day counts (CPP).
    JoursFrancs,
}

impl Unit {
    /// French name of the unit, for messages.
    pub fn label_fr(self, amount: u32) -> String {
        match self {
            Self::Days => format!("{amount} jour(s)"),
            Self::Months => format!("{amount} mois"),
            Self::JoursFrancs => format!("{amount} jour(s) franc(s)"),
        }
    }
}

/// Whose deadline it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The party who brought the pourvoi.
    Demandeur,
    /// The other party.
    Defendeur,
    /// The Cour itself (its own ruling deadline).
    Court,
    /// The dossier's rapporteur (the chamber's internal deadlines, counted
    /// from his designation).
    Rapporteur,
}

impl Actor {
    /// French name.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Demandeur => "demandeur",
            Self::Defendeur => "défendeur",
            Self::Court => "Cour",
            Self::Rapporteur => "rapporteur",
        }
    }
}

/// Whether the rule is an act a party must do or the Cour's own deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A party's deadline: extended past a non-working day (CPC 642, CPP 801).
    Party,
    /// The Cour's ruling deadline: shown unextended.
    Court,
}

/// The procedure a dossier follows, which decides the rules that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// Civil, representation by an avocat aux Conseils mandatory.
    Civil,
    /// Civil, matters without mandatory representation (arts. 983 s. CPC).
    CivilSansRepresentation,
    /// Criminal, ordinary.
    Penal,
    /// Criminal, detention matters (art. 567-2 CPP).
    PenalDetention,
    /// Criminal, mise en accusation (art. 574-1 CPP).
    PenalMiseEnAccusation,
    /// Criminal, European arrest warrant (arts. 568-1, 574-2 CPP).
    PenalMae,
}

impl Procedure {
    /// Every procedure.
    pub const ALL: [Procedure; 6] = [
        Self::Civil,
        Self::CivilSansRepresentation,
        Self::Penal,
        Self::PenalDetention,
        Self::PenalMiseEnAccusation,
        Self::PenalMae,
    ];

    /// The JSON spelling (`penal_detention`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Civil => "civil",
            Self::CivilSansRepresentation => "civil_sans_representation",
            Self::Penal => "penal",
            Self::PenalDetention => "penal_detention",
            Self::PenalMiseEnAccusation => "penal_mise_en_accusation",
            Self::PenalMae => "penal_mae",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|procedure| procedure.as_str() == raw)
    }

    /// French label, for clerks.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Civil => "civile, représentation obligatoire",
            Self::CivilSansRepresentation => "civile, sans représentation obligatoire",
            Self::Penal => "pénale",
            Self::PenalDetention => "pénale, détention (art. 567-2 CPP)",
            Self::PenalMiseEnAccusation => "pénale, mise en accusation (art. 574-1 CPP)",
            Self::PenalMae => "pénale, mandat d'arrêt européen (art. 568-1 CPP)",
        }
    }

    /// Whether the procedure is criminal (CPP counting, art. 801).
    pub fn is_penal(self) -> bool {
        !matches!(self, Self::Civil | Self::CivilSansRepresentation)
    }
}

/// Procedural events of a dossier's journal that start, satisfy, interrupt,
/// shorten or close deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// The attacked decision is pronounced.
    PrononceDecision,
    /// The attacked decision is served (signification) or notified.
    SignificationDecision,
    /// Declaration of pourvoi.
    DeclarationPourvoi,
    /// The dossier is received at the Cour from the lower court.
    ReceptionDossier,
    /// Filing of the demandeur's mémoire (ampliatif).
    DepotMemoireAmpliatif,
    /// Notification of the demandeur's mémoire to the défendeur.
    NotificationMemoireDemandeur,
    /// Filing of the défendeur's mémoire.
    DepotMemoireDefense,
    /// Filing of a personal mémoire (art. 584 CPP).
    DepotMemoirePersonnel,
    /// Request for legal aid (aide juridictionnelle): interrupts the
    /// requesting party's running deadlines.
    DemandeAideJuridictionnelle,
    /// Decision on legal aid: the interrupted deadlines run again in full.
    DecisionAideJuridictionnelle,
    /// Request for radiation for non-execution (CPC 1009-1): interrupts the
    /// défendeur's deadlines.
    DemandeRadiation,
    /// Decision on the radiation request: the défendeur's deadlines run again.
    DecisionRadiation,
    /// The premier président shortens a deadline (CPC 1009): `rule`, `new_due`.
    OrdonnanceAbreviation,
    /// 8-day extension of a detention mémoire deadline (art. 567-2 CPP).
    ProrogationMemoire,
    /// A QPC is received (art. 23-4) or raised before the Cour (art. 23-5).
    ReceptionQpc,
    /// The Cour decides on transmitting the QPC.
    DecisionQpc,
    /// The rapporteur is designated (art. 1012 CPC): recorded by the
    /// distribution, never by hand.
    DesignationRapporteur,
    /// Report of the rapporteur filed.
    DepotRapport,
    /// Opinion of the avocat général filed.
    AvisAvocatGeneral,
    /// Withdrawal (désistement): closes the dossier's deadlines.
    Desistement,
    /// The Cour's decision on the pourvoi: closes the dossier's deadlines.
    Arret,
}

impl EventType {
    /// French label, for clerks.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::PrononceDecision => "prononcé de la décision attaquée",
            Self::SignificationDecision => "signification ou notification de la décision attaquée",
            Self::DeclarationPourvoi => "déclaration de pourvoi",
            Self::ReceptionDossier => "réception du dossier à la Cour",
            Self::DepotMemoireAmpliatif => "dépôt du mémoire du demandeur",
            Self::NotificationMemoireDemandeur => "notification du mémoire du demandeur",
            Self::DepotMemoireDefense => "dépôt du mémoire en défense",
            Self::DepotMemoirePersonnel => "dépôt du mémoire personnel",
            Self::DemandeAideJuridictionnelle => "demande d'aide juridictionnelle",
            Self::DecisionAideJuridictionnelle => "décision sur l'aide juridictionnelle",
            Self::DemandeRadiation => "demande de radiation (art. 1009-1 CPC)",
            Self::DecisionRadiation => "décision sur la demande de radiation",
            Self::OrdonnanceAbreviation => "ordonnance d'abréviation de délai (art. 1009 CPC)",
            Self::ProrogationMemoire => "prorogation du délai de mémoire (art. 567-2 CPP)",
            Self::ReceptionQpc => "réception de la question prioritaire de constitutionnalité",
            Self::DecisionQpc => "décision sur le renvoi de la QPC",
            Self::DesignationRapporteur => "désignation du rapporteur (art. 1012 CPC)",
            Self::DepotRapport => "dépôt du rapport",
            Self::AvisAvocatGeneral => "avis de l'avocat général",
            Self::Desistement => "désistement",
            Self::Arret => "arrêt de la Cour",
        }
    }

    /// Every event type.
    pub const ALL: [EventType; 21] = [
        Self::PrononceDecision,
        Self::SignificationDecision,
        Self::DeclarationPourvoi,
        Self::ReceptionDossier,
        Self::DepotMemoireAmpliatif,
        Self::NotificationMemoireDemandeur,
        Self::DepotMemoireDefense,
        Self::DepotMemoirePersonnel,
        Self::DemandeAideJuridictionnelle,
        Self::DecisionAideJuridictionnelle,
        Self::DemandeRadiation,
        Self::DecisionRadiation,
        Self::OrdonnanceAbreviation,
        Self::ProrogationMemoire,
        Self::ReceptionQpc,
        Self::DecisionQpc,
        Self::DesignationRapporteur,
        Self::DepotRapport,
        Self::AvisAvocatGeneral,
        Self::Desistement,
        Self::Arret,
    ];

    /// The code used in journals (`declaration_pourvoi`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrononceDecision => "prononce_decision",
            Self::SignificationDecision => "signification_decision",
            Self::DeclarationPourvoi => "declaration_pourvoi",
            Self::ReceptionDossier => "reception_dossier",
            Self::DepotMemoireAmpliatif => "depot_memoire_ampliatif",
            Self::NotificationMemoireDemandeur => "notification_memoire_demandeur",
            Self::DepotMemoireDefense => "depot_memoire_defense",
            Self::DepotMemoirePersonnel => "depot_memoire_personnel",
            Self::DemandeAideJuridictionnelle => "demande_aide_juridictionnelle",
            Self::DecisionAideJuridictionnelle => "decision_aide_juridictionnelle",
            Self::DemandeRadiation => "demande_radiation",
            Self::DecisionRadiation => "decision_radiation",
            Self::OrdonnanceAbreviation => "ordonnance_abreviation",
            Self::ProrogationMemoire => "prorogation_memoire",
            Self::ReceptionQpc => "reception_qpc",
            Self::DecisionQpc => "decision_qpc",
            Self::DesignationRapporteur => "designation_rapporteur",
            Self::DepotRapport => "depot_rapport",
            Self::AvisAvocatGeneral => "avis_avocat_general",
            Self::Desistement => "desistement",
            Self::Arret => "arret",
        }
    }

    /// Parses a journal code.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == raw)
    }

    /// Whether a clerk records it as an event (`POST /dossiers/{id}/events`):
    /// not the decision (recorded with the decision) nor the rapporteur's
    /// designation (recorded by the distribution, with the rapporteur).
    pub fn recorded_by_hand(self) -> bool {
        !matches!(self, Self::Arret | Self::DesignationRapporteur)
    }
}

/// One version of a rule: how it counts for starting acts dated in
/// `[valid_from, valid_until)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleVersion {
    /// First starting date this version applies to (included); none: always.
    #[serde(default)]
    pub valid_from: Option<Date>,
    /// First starting date it no longer applies to; none: still in force.
    #[serde(default)]
    pub valid_until: Option<Date>,
    /// Counting unit.
    pub unit: Unit,
    /// How many units.
    pub amount: u32,
    /// Article of this version.
    pub article: String,
}

impl RuleVersion {
    /// Whether the version applies to a deadline started on `date`.
    pub fn applies_on(&self, date: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_until.is_none_or(|until| date < until)
    }
}

/// A deadline rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `civil.memoire_ampliatif`.
    pub id: String,
    /// French label.
    pub label: String,
    /// Code or text: CPC, CPP, ordonnance n° 58-1067.
    pub code: String,
    /// Party deadline or the Cour's own.
    pub kind: RuleKind,
    /// Who must act.
    pub applies_to: Actor,
    /// Procedures the rule applies to.
    pub procedures: Vec<Procedure>,
    /// Event that starts it.
    pub starts_on: EventType,
    /// When `starts_on` never happened: start at the expiry of this rule.
    #[serde(default)]
    pub starts_after_rule: Option<String>,
    /// Event that satisfies it.
    pub met_by: EventType,
    /// Consequence of missing it, in French.
    pub consequence: String,
    /// Whether CPC 643/1023 distance extensions apply.
    pub distance_extended: bool,
    /// False while the rule is "to confirm" in the domain brief.
    pub confirmed: bool,
    /// Precision shown with the rule.
    #[serde(default)]
    pub note: Option<String>,
    /// Versions over time, in date order, not overlapping.
    #[serde(rename = "version")]
    pub versions: Vec<RuleVersion>,
}

impl Rule {
    /// The version in force for a deadline started on `date`.
    pub fn version_on(&self, date: Date) -> Option<&RuleVersion> {
        self.versions.iter().find(|version| version.applies_on(date))
    }

    /// Article and code of the version in force on `date`, e.g. `978 CPC`.
    pub fn citation_on(&self, date: Date) -> Option<String> {
        self.version_on(date).map(|version| format!("art. {} {}", version.article, self.code))
    }
}

/// Why a catalogue text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Not TOML, or not the catalogue's layout.
    #[error("catalogue de délais illisible : {0}")]
    Syntax(String),
    /// A rule that breaks a catalogue rule.
    #[error("règle « {rule} » : {message}")]
    Invalid {
        /// The rule id.
        rule: String,
        /// What is wrong, in French.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    rule: Vec<Rule>,
}

/// A checked set of rules, looked up by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    rules: Vec<Rule>,
    index: HashMap<String, usize>,
}

impl Catalogue {
    /// The catalogue embedded in the binary.
    pub fn embedded() -> &'static Catalogue {
        static EMBEDDED: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Catalogue::parse(EMBEDDED_RULES)
                .unwrap_or_else(|error| panic!("the embedded catalogue is checked by tests: {error}"))
        })
    }

    /// Parses and checks a catalogue text.
    pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = toml::from_str(text).map_err(|error| CatalogueError::Syntax(error.to_string()))?;
        Catalogue::from_rules(file.rule)
    }

    /// The embedded catalogue with the rules of `text` replacing those of the
    /// same id and adding the others.
    pub fn embedded_with_overrides(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = toml::from_str(text).map_err(|error| CatalogueError::Syntax(error.to_string()))?;
        let mut rules = Catalogue::embedded().rules.clone();
        for rule in file.rule {
            match rules.iter_mut().find(|existing| existing.id == rule.id) {
                Some(existing) => *existing = rule,
                None => rules.push(rule),
            }
        }
        Catalogue::from_rules(rules)
    }

    fn from_rules(rules: Vec<Rule>) -> Result<Catalogue, CatalogueError> {
        let invalid =
            |rule: &Rule, message: &str| CatalogueError::Invalid { rule: rule.id.clone(), message: message.to_owned() };
        let mut index = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            if index.insert(rule.id.clone(), i).is_some() {
                return Err(invalid(rule, "identifiant en double"));
            }
            if rule.versions.is_empty() {
                return Err(invalid(rule, "aucune version : ajouter au moins un [[rule.version]]"));
            }
            if rule.procedures.is_empty() {
                return Err(invalid(rule, "aucune procédure : renseigner « procedures »"));
            }
            for pair in rule.versions.windows(2) {
                let ordered =
                    matches!((pair[0].valid_until, pair[1].valid_from), (Some(until), Some(from)) if until <= from);
                if !ordered {
                    return Err(invalid(rule, "versions non ordonnées ou qui se chevauchent"));
                }
            }
            for version in &rule.versions {
                if version.amount == 0 {
                    return Err(invalid(rule, "durée nulle"));
                }
                if let (Some(from), Some(until)) = (version.valid_from, version.valid_until) {
                    if from >= until {
                        return Err(invalid(rule, "période de validité vide ou inversée"));
                    }
                }
            }
            if (rule.kind == RuleKind::Court) != matches!(rule.applies_to, Actor::Court | Actor::Rapporteur) {
                return Err(invalid(
                    rule,
                    "un délai de la Cour (kind = court) s'applique à la Cour ou au rapporteur, et seulement eux",
                ));
            }
        }
        for rule in &rules {
            if let Some(other) = &rule.starts_after_rule {
                if !index.contains_key(other) {
                    return Err(invalid(rule, &format!("starts_after_rule « {other} » inconnue")));
                }
            }
        }
        Ok(Catalogue { rules, index })
    }

    /// Every rule, in catalogue order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).map(|&i| &self.rules[i])
    }

    /// Every rule id, for error messages.
    pub fn ids(&self) -> Vec<&str> {
        self.rules.iter().map(|rule| rule.id.as_str()).collect()
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_fr())
    }
}

#[cfg(test)]
mod tests {
    use super::{Catalogue, EventType, Unit};

    /// An act may be dated up to `dates::ACT_LAST_YEAR`, ten years before
    /// the calendar ends, because every deadline it can open ends within
    /// them: even a chain through every rule of the catalogue, each counted
    /// at its longest version plus the longest distance extension (two
    /// months) and a month more for days, prorogations and a weekend.
    #[test]
    fn every_deadline_an_act_opens_ends_within_the_ten_years_kept_before_the_calendar_ends() {
        let months: u32 = Catalogue::embedded()
            .rules()
            .iter()
            .map(|rule| {
                let longest = rule
                    .versions
                    .iter()
                    .map(|version| match version.unit {
                        Unit::Months => version.amount,
                        Unit::Days | Unit::JoursFrancs => version.amount.div_ceil(28),
                    })
                    .max()
                    .unwrap_or(0);
                longest + 2 + 1
            })
            .sum();
        let kept = 12 * (crate::calendar::LAST_YEAR - crate::dates::ACT_LAST_YEAR);
        assert!(i64::from(months) <= i64::from(kept), "{months} months of deadlines, {kept} kept");
    }

    #[test]
    fn event_codes_are_the_serde_names_and_round_trip() {
        for event in EventType::ALL {
            let json = serde_json::to_string(&event).expect("serialises");
            assert_eq!(json, format!("\"{}\"", event.as_str()));
            assert_eq!(EventType::parse(event.as_str()), Some(event));
        }
    }
}
