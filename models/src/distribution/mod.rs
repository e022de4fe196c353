//! Distribution: designating the rapporteur of a batch of newly oriented
//! dossiers (by the president of the formation, art. 1012 CPC) and
//! proposing their avocat général (designated by the parquet général).
//!
//! This module says **who may** be designated and **what each designation
//! weighs**; the solver (`greffe_solver::distribution`) chooses among those
//! who may. The rules are data ([`DistributionRules`], `rules.toml`): the
//! weights of the work by circuit, the share of a full service each role
//! carries, the absence window, each with its source and flagged *to
//! confirm* where it is a convention of the tool.
//!
//! [`Batch::check`] turns a batch into the solver's [`Problem`] or says, in
//! French and for every dossier at once, why it cannot: a matter that no
//! magistrate of the chamber declares as a speciality, a dossier that no
//! magistrate may report (each refused magistrate with his reason). A
//! serial litigation (pourvois between a same party on one question) is
//! one [`Item`]: it goes to one rapporteur, the one who already reports a
//! pourvoi of the series when he still may.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::court::Role;
use crate::dates::{Date, DateRange};
use crate::dossier::Circuit;
use crate::planning::Sourced;

#[cfg(test)]
mod tests;

const EMBEDDED_RULES: &str = include_str!("rules.toml");

/// Weighted load of a dossier, by circuit and by the work still due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// A circuit court dossier whose report is due.
    pub circuit_court: Sourced<f64>,
    /// A circuit intermédiaire dossier whose report is due.
    pub circuit_intermediaire: Sourced<f64>,
    /// A circuit approfondi dossier whose report is due.
    pub circuit_approfondi: Sourced<f64>,
    /// Share of its weight a dossier keeps once the report is filed.
    pub report_filed: Sourced<f64>,
}

/// Part of a full reporting service each role carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shares {
    /// Conseiller.
    pub conseiller: Sourced<f64>,
    /// Conseiller référendaire.
    pub referendaire: Sourced<f64>,
    /// Doyen (of the chamber or a section).
    pub doyen: Sourced<f64>,
    /// Avocat général.
    pub avocat_general: Sourced<f64>,
}

/// Windows and costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    /// Days from the designation in which an absence rules a magistrate out.
    pub absence_window_days: Sourced<u32>,
    /// Days before a statutory ruling deadline from which a dossier is urgent.
    pub urgent_within_days: Sourced<u32>,
    /// Cost of an urgent dossier per unit of its rapporteur's load per share.
    pub urgency_cost: Sourced<f64>,
}

/// The checked distribution rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionRules {
    /// Weights of the work.
    pub weights: Weights,
    /// Shares of a full service.
    pub shares: Shares,
    /// Windows and costs.
    pub parameters: Parameters,
}

/// A rules file that was refused, in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not TOML of the expected shape.
    #[error("règles de distribution illisibles : {0}")]
    Syntax(String),
    /// A value out of its range.
    #[error("règle de distribution « {field} » : {message}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong and the fix.
        message: String,
    },
}

impl DistributionRules {
    /// The rules embedded in the binary.
    pub fn embedded() -> &'static DistributionRules {
        static EMBEDDED: OnceLock<DistributionRules> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            DistributionRules::parse(EMBEDDED_RULES)
                .unwrap_or_else(|error| panic!("the embedded distribution rules are checked by tests: {error}"))
        })
    }

    /// Parses and checks a rules text: weights and shares positive and at
    /// most 100, the filed report's share within [0, 1], a source on each.
    pub fn parse(text: &str) -> Result<DistributionRules, RulesError> {
        let rules: DistributionRules = toml::from_str(text).map_err(|error| RulesError::Syntax(error.to_string()))?;
        let invalid = |field: &str, message: &str| RulesError::Invalid { field: field.into(), message: message.into() };
        let w = &rules.weights;
        let s = &rules.shares;
        let positive = [
            ("weights.circuit_court", &w.circuit_court),
            ("weights.circuit_intermediaire", &w.circuit_intermediaire),
            ("weights.circuit_approfondi", &w.circuit_approfondi),
            ("shares.conseiller", &s.conseiller),
            ("shares.referendaire", &s.referendaire),
            ("shares.doyen", &s.doyen),
            ("shares.avocat_general", &s.avocat_general),
        ];
        for (field, value) in positive {
            if !(value.value > 0.0 && value.value <= 100.0) {
                return Err(invalid(field, "attendu un nombre strictement positif, au plus 100"));
            }
            if value.source.trim().is_empty() {
                return Err(invalid(field, "source vide : chaque valeur cite son article ou se dit convention"));
            }
        }
        if !(0.0..=1.0).contains(&w.report_filed.value) {
            return Err(invalid("weights.report_filed", "attendu entre 0 et 1"));
        }
        let p = &rules.parameters;
        if p.absence_window_days.value > 366 || p.urgent_within_days.value > 366 {
            return Err(invalid("parameters", "fenêtres attendues de 0 à 366 jours"));
        }
        if !(0.0..=1000.0).contains(&p.urgency_cost.value) {
            return Err(invalid("parameters.urgency_cost", "attendu entre 0 et 1000"));
        }
        Ok(rules)
    }

    /// Weight of a dossier of `circuit` for its rapporteur (or avocat
    /// général): in full while the report (the opinion) is due, the filed
    /// share after.
    pub fn weight(&self, circuit: Circuit, filed: bool) -> f64 {
        let full = match circuit {
            Circuit::Court => self.weights.circuit_court.value,
            Circuit::Intermediaire => self.weights.circuit_intermediaire.value,
            Circuit::Approfondi => self.weights.circuit_approfondi.value,
        };
        if filed { full * self.weights.report_filed.value } else { full }
    }

    /// Part of a full service `role` carries; none for who is never
    /// designated (a president, the premier président).
    pub fn share(&self, role: Role) -> Option<f64> {
        match role {
            Role::Conseiller => Some(self.shares.conseiller.value),
            Role::Referendaire => Some(self.shares.referendaire.value),
            Role::Doyen => Some(self.shares.doyen.value),
            Role::AvocatGeneral => Some(self.shares.avocat_general.value),
            Role::President | Role::PremierPresident => None,
        }
    }
}

/// What is designated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Designating {
    /// The rapporteur, by the president of the formation (art. 1012 CPC).
    Rapporteur,
    /// The avocat général, by the parquet général.
    AvocatGeneral,
}

impl Designating {
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Rapporteur => "rapporteur",
            Self::AvocatGeneral => "avocat général",
        }
    }

    /// Whether a magistrate of `role` may be designated: a conseiller, a
    /// référendaire or a doyen reports (art. 1012 CPC), an avocat général
    /// concludes.
    pub fn designates(self, role: Role) -> bool {
        match self {
            Self::Rapporteur => matches!(role, Role::Conseiller | Role::Referendaire | Role::Doyen),
            Self::AvocatGeneral => role == Role::AvocatGeneral,
        }
    }

    /// What the designee does, in French (« rapporte », « conclut »).
    pub fn verb_fr(self) -> &'static str {
        match self {
            Self::Rapporteur => "rapporte",
            Self::AvocatGeneral => "conclut sur",
        }
    }

    /// The same, infinitive (« rapporter », « conclure sur »).
    pub fn infinitive_fr(self) -> &'static str {
        match self {
            Self::Rapporteur => "rapporter",
            Self::AvocatGeneral => "conclure sur",
        }
    }
}

/// A magistrate who might be designated, with the work he has.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Section, if any (a doyen of the chamber has none).
    pub section: Option<String>,
    /// Rank in the chamber (1 first).
    pub rank: u32,
    /// Matters he declares as specialities.
    pub specialties: Vec<String>,
    /// Parties (name keys, as the registry folds them) he declared an
    /// interest with: he may not judge them (L111-6 COJ).
    pub interests: Vec<String>,
    /// Absences.
    pub absences: Vec<DateRange>,
    /// Weighted load before the batch ([`DistributionRules::weight`]).
    pub load: f64,
    /// Dossiers whose report (opinion) he still owes before the batch.
    pub due: usize,
}

/// A party of a batch's dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// Name, as recorded.
    pub name: String,
    /// Name key, as the registry folds names (case and accents).
    pub key: String,
}

/// A dossier of the batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDossier {
    /// Registry id.
    pub id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Section, if oriented to one.
    pub section: Option<String>,
    /// Matter (nature d'affaire), if recorded.
    pub matter: Option<String>,
    /// Circuit.
    pub circuit: Circuit,
    /// Parties.
    pub parties: Vec<Party>,
    /// Recused magistrates.
    pub recused: Vec<String>,
    /// Earliest statutory ruling deadline, if any.
    pub ruling_due: Option<Date>,
    /// Key of its serial litigation (a party and the first keyword), when
    /// it belongs to one.
    pub series: Option<String>,
    /// Who already reports (concludes on) a pourvoi of its series, with
    /// that pourvoi's number.
    pub series_designee: Option<(String, String)>,
}

/// A batch to distribute: one chamber's dossiers and its magistrates.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Chamber.
    pub chamber: String,
    /// What is designated.
    pub designating: Designating,
    /// Day of the designation.
    pub today: Date,
    /// The dossiers, in the order they are shown (registration).
    pub dossiers: Vec<BatchDossier>,
    /// The chamber's magistrates who might be designated (every active
    /// one: who may not is said with his reason).
    pub candidates: Vec<Candidate>,
}

/// Why a magistrate may not be designated for a dossier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ineligible {
    /// His role does not report (conclude).
    Role(Role),
    /// He belongs to another section.
    Section(String),
    /// He lacks the dossier's matter as a speciality.
    Speciality(String),
    /// He is recused.
    Recused,
    /// He declared an interest with a party.
    Conflict(String),
    /// He is absent in the window.
    Absent(DateRange),
}

impl Ineligible {
    /// French, as a clerk reads it after the magistrate's name.
    pub fn label_fr(&self) -> String {
        match self {
            Self::Role(role) => format!("{} : ne rapporte pas", role.label_fr()),
            Self::Section(section) => format!("de la section {section}"),
            Self::Speciality(matter) => format!("sans la spécialité « {matter} »"),
            Self::Recused => "récusé".into(),
            Self::Conflict(party) => format!("intérêt déclaré avec la partie {party} (L111-6 COJ)"),
            Self::Absent(range) => format!("absent du {} au {}", range.from(), range.to()),
        }
    }

    /// Short French noun for counts (« 3 absents »).
    fn kind_fr(&self) -> &'static str {
        match self {
            Self::Role(_) => "hors fonction",
            Self::Section(_) => "hors section",
            Self::Speciality(_) => "sans la spécialité",
            Self::Recused => "récusés",
            Self::Conflict(_) => "en conflit d'intérêts",
            Self::Absent(_) => "absents",
        }
    }
}

impl DistributionRules {
    /// Why `candidate` may not be designated for `dossier` on `today`, or
    /// none when he may. The reasons of law come first (role, recusal,
    /// conflict), then the chamber's organisation (section, speciality),
    /// then his presence.
    pub fn ineligible(
        &self,
        designating: Designating,
        today: Date,
        candidate: &Candidate,
        dossier: &BatchDossier,
    ) -> Option<Ineligible> {
        if !designating.designates(candidate.role) {
            return Some(Ineligible::Role(candidate.role));
        }
        if dossier.recused.contains(&candidate.id) {
            return Some(Ineligible::Recused);
        }
        if let Some(party) = dossier.parties.iter().find(|p| candidate.interests.contains(&p.key)) {
            return Some(Ineligible::Conflict(party.name.clone()));
        }
        if designating == Designating::Rapporteur {
            if let (Some(wanted), Some(his)) = (&dossier.section, &candidate.section)
                && wanted != his
            {
                return Some(Ineligible::Section(his.clone()));
            }
            if let Some(matter) = &dossier.matter
                && !candidate.specialties.contains(matter)
            {
                return Some(Ineligible::Speciality(matter.clone()));
            }
        }
        let window_end = today + chrono::Duration::days(i64::from(self.parameters.absence_window_days.value));
        let window = DateRange::new(today, window_end.max(today)).ok()?;
        candidate.absences.iter().find(|absence| absence.overlaps(window)).map(|&absence| Ineligible::Absent(absence))
    }
}

/// What the solver distributes: a dossier, or a serial litigation's
/// dossiers together.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Indices into the batch's dossiers.
    pub dossiers: Vec<usize>,
    /// Weighted load it adds.
    pub weight: f64,
    /// Indices into the batch's candidates who may take it, by rank.
    pub eligible: Vec<usize>,
    /// The candidate it must go to: who already reports its series.
    pub pinned: Option<usize>,
    /// Its earliest ruling deadline falls within the urgency window.
    pub urgent: bool,
}

/// The solver's input: the items and each candidate's share and load.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Items to distribute.
    pub items: Vec<Item>,
    /// Per candidate (the batch's order): his share of a full service, zero
    /// for who is never designated.
    pub shares: Vec<f64>,
    /// Per candidate: his load before the batch.
    pub loads: Vec<f64>,
    /// Cost of an urgent item per unit of load per share.
    pub urgency_cost: f64,
    /// Series that could not be kept together, with why, in French.
    pub split_series: Vec<String>,
}

/// Why a batch cannot be distributed, in French, with the dossier and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchProblem {
    /// No magistrate of the chamber declares the dossier's matter.
    #[error(
        "n° {pourvoi} : aucun magistrat de la chambre {chamber} n'a la spécialité « {matter} » — déclarer cette spécialité pour un magistrat dans le référentiel, ou corriger la matière du dossier"
    )]
    UnknownSpeciality {
        /// Pourvoi number.
        pourvoi: String,
        /// Chamber.
        chamber: String,
        /// The matter.
        matter: String,
    },
    /// Every magistrate is ruled out.
    #[error("n° {pourvoi} : aucun {designating} possible ({why}) — {fix}")]
    NoCandidate {
        /// Pourvoi number.
        pourvoi: String,
        /// « rapporteur » or « avocat général ».
        designating: String,
        /// Counts by reason (« 3 absents, 1 récusés »).
        why: String,
        /// What to do.
        fix: String,
    },
}

/// Per dossier of a batch, per candidate: `Ok(candidate)` when he may be
/// designated, else `Err((candidate, why not))`.
pub type Eligibility = Vec<Vec<Result<usize, (usize, Ineligible)>>>;

impl Batch {
    /// Who may take each dossier and why the others may not.
    pub fn eligibility(&self, rules: &DistributionRules) -> Eligibility {
        self.dossiers
            .iter()
            .map(|dossier| {
                self.candidates
                    .iter()
                    .enumerate()
                    .map(|(c, candidate)| match rules.ineligible(self.designating, self.today, candidate, dossier) {
                        None => Ok(c),
                        Some(why) => Err((c, why)),
                    })
                    .collect()
            })
            .collect()
    }

    /// The solver's problem, or every reason the batch cannot be
    /// distributed (nothing is designated then).
    pub fn check(&self, rules: &DistributionRules) -> Result<Problem, Vec<BatchProblem>> {
        self.check_with(rules, &self.eligibility(rules))
    }

    /// [`Self::check`] with the batch's [`Self::eligibility`] already
    /// computed.
    pub fn check_with(
        &self,
        rules: &DistributionRules,
        eligibility: &Eligibility,
    ) -> Result<Problem, Vec<BatchProblem>> {
        let mut problems = Vec::new();
        let eligible: Vec<Vec<usize>> =
            eligibility.iter().map(|row| row.iter().filter_map(|r| r.as_ref().ok().copied()).collect()).collect();
        for (d, dossier) in self.dossiers.iter().enumerate() {
            if !eligible[d].is_empty() {
                continue;
            }
            if self.designating == Designating::Rapporteur
                && let Some(matter) = &dossier.matter
                && !self.candidates.iter().any(|c| c.specialties.contains(matter))
            {
                problems.push(BatchProblem::UnknownSpeciality {
                    pourvoi: dossier.pourvoi.clone(),
                    chamber: self.chamber.clone(),
                    matter: matter.clone(),
                });
                continue;
            }
            problems.push(self.no_candidate(dossier, &eligibility[d]));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // A share for whom this batch may designate only: the others' load
        // is not this distribution's to balance.
        let shares: Vec<f64> = self
            .candidates
            .iter()
            .map(|c| if self.designating.designates(c.role) { rules.share(c.role).unwrap_or(0.0) } else { 0.0 })
            .collect();
        let urgent_until = self.today + chrono::Duration::days(i64::from(rules.parameters.urgent_within_days.value));
        let mut items = Vec::new();
        let mut split_series = Vec::new();
        // Series in the order of their first dossier; single dossiers alone.
        let mut series: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut order: Vec<Vec<usize>> = Vec::new();
        for (d, dossier) in self.dossiers.iter().enumerate() {
            match &dossier.series {
                Some(key) => series.entry(key.as_str()).or_default().push(d),
                None => order.push(vec![d]),
            }
        }
        let mut groups: Vec<Vec<usize>> = series.into_values().collect();
        groups.append(&mut order);
        groups.sort_by_key(|group| group[0]);
        for group in groups {
            let common: Vec<usize> = (0..self.candidates.len())
                .filter(|c| group.iter().all(|&d| eligible[d].contains(c)))
                .filter(|&c| shares[c] > 0.0)
                .collect();
            let designee = group.iter().find_map(|&d| self.dossiers[d].series_designee.as_ref());
            // The series stays with who already reports it while the law
            // and the chamber's organisation allow: an absence delays his
            // report, it does not split the series.
            let keeps = |c: usize| {
                shares[c] > 0.0
                    && group.iter().all(|&d| matches!(&eligibility[d][c], Ok(_) | Err((_, Ineligible::Absent(_)))))
            };
            let pinned =
                designee.and_then(|(id, _)| self.candidates.iter().position(|c| &c.id == id)).filter(|&c| keeps(c));
            if let Some(c) = pinned {
                let mut allowed = common;
                if !allowed.contains(&c) {
                    allowed.push(c);
                }
                items.push(self.item(rules, group, allowed, Some(c), urgent_until));
                continue;
            }
            if common.is_empty() {
                // No one may take the whole series: each of its dossiers
                // goes alone, and the proposal says why.
                if group.len() > 1 {
                    let numbers: Vec<&str> = group.iter().map(|&d| self.dossiers[d].pourvoi.as_str()).collect();
                    split_series.push(format!(
                        "série {} : aucun magistrat ne peut {} tous ses pourvois (récusations, sections ou spécialités) — chacun est proposé séparément",
                        numbers.join(", "),
                        self.designating.infinitive_fr()
                    ));
                }
                for &d in &group {
                    items.push(self.item(rules, vec![d], eligible[d].clone(), None, urgent_until));
                }
                continue;
            }
            if let Some((id, pourvoi)) = designee {
                // Why he may not: the first of the law's or the
                // organisation's reasons (an absence alone would keep him).
                let why = match self.candidates.iter().position(|c| &c.id == id) {
                    None => "n'est plus magistrat de la chambre".to_owned(),
                    Some(c) => group
                        .iter()
                        .find_map(|&d| match &eligibility[d][c] {
                            Err((_, why)) if !matches!(why, Ineligible::Absent(_)) => {
                                Some(format!("{} : {}", self.dossiers[d].pourvoi, why.label_fr()))
                            }
                            _ => None,
                        })
                        .unwrap_or_default(),
                };
                split_series.push(format!(
                    "série de n° {pourvoi} : {id}, qui en {} déjà un pourvoi, ne peut {} {} ({why}) — un autre {} est proposé",
                    self.designating.verb_fr(),
                    self.designating.infinitive_fr(),
                    group.iter().map(|&d| self.dossiers[d].pourvoi.as_str()).collect::<Vec<_>>().join(", "),
                    self.designating.label_fr()
                ));
            }
            items.push(self.item(rules, group, common, None, urgent_until));
        }
        Ok(Problem {
            items,
            loads: self.candidates.iter().map(|c| c.load).collect(),
            shares,
            urgency_cost: rules.parameters.urgency_cost.value,
            split_series,
        })
    }

    fn item(
        &self,
        rules: &DistributionRules,
        dossiers: Vec<usize>,
        mut eligible: Vec<usize>,
        pinned: Option<usize>,
        urgent_until: Date,
    ) -> Item {
        eligible.sort_by_key(|&c| (self.candidates[c].rank, c));
        let weight = dossiers.iter().map(|&d| rules.weight(self.dossiers[d].circuit, false)).sum();
        let urgent = dossiers.iter().any(|&d| self.dossiers[d].ruling_due.is_some_and(|due| due <= urgent_until));
        Item { dossiers, weight, eligible, pinned, urgent }
    }

    fn no_candidate(&self, dossier: &BatchDossier, row: &[Result<usize, (usize, Ineligible)>]) -> BatchProblem {
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (_, why) in row.iter().filter_map(|r| r.as_ref().err()) {
            if matches!(why, Ineligible::Role(_)) {
                continue;
            }
            *counts.entry(why.kind_fr()).or_default() += 1;
        }
        let mut why = String::new();
        for (kind, n) in &counts {
            if !why.is_empty() {
                why.push_str(", ");
            }
            let _ = write!(why, "{n} {kind}");
        }
        if why.is_empty() {
            why = format!("la chambre {} n'a aucun magistrat qui puisse l'être", self.chamber);
        }
        let fix = match self.designating {
            Designating::Rapporteur => {
                "désigner à la main un rapporteur d'une autre section, ou corriger la section, la matière ou les récusations du dossier, puis relancer la proposition"
            }
            Designating::AvocatGeneral => {
                "désigner à la main un avocat général d'une autre chambre, ou corriger les récusations du dossier, puis relancer la proposition"
            }
        };
        BatchProblem::NoCandidate {
            pourvoi: dossier.pourvoi.clone(),
            designating: self.designating.label_fr().into(),
            why,
            fix: fix.into(),
        }
    }
}
