//! Orientation: what a dossier's features suggest for its chamber, its
//! section, its circuit, its formation and a referral to a chambre mixte or
//! the assemblée plénière — each suggestion with its evidence.
//!
//! The rules are data ([`OrientationRules`], `rules.toml`), each with its
//! source; the thresholds by which the similar dossiers are read are
//! parameters flagged *to confirm*. [`suggest`] does no I/O: the service
//! gathers the [`Facts`] (the record, the earlier pourvoi of a referral
//! after cassation, the similar decided dossiers of every chamber, the
//! pending pourvois between the same parties on the same question) and the
//! suggestion says which rules fired, on which dossiers.
//!
//! Who decides is the law's, not the tool's: the chamber's orientation by
//! its president (the pre-orientation cell proposes), a referral to CM or
//! AP by the premier président, the chamber, or at the procureur général's
//! request (L431-7 COJ). A **mandatory** referral (L431-6 al. 2) cannot be
//! declined without a reason ([`check_reason`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::dossier::Circuit;
use crate::planning::Sourced;
use crate::record::AttackedNature;
use crate::registry::Nature;
use crate::vocabulary::{self, Vocabulary};

const EMBEDDED_RULES: &str = include_str!("rules.toml");

/// What the orientation reads of a dossier: each rule reads one signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// A ruling of referral after cassation attacked by the grounds the
    /// first pourvoi raised (an article invoked by both).
    RenvoiMemesMoyens,
    /// A ruling of referral after cassation whose first pourvoi the
    /// registry does not hold (or holds without its grounds).
    RenvoiPremierPourvoiInconnu,
    /// Precedents of several chambers answer the question differently.
    Divergence,
    /// The question belongs to several chambers: its keywords' main
    /// chambers differ, or two chambers at least have each judged it twice.
    PlusieursChambres,
    /// Other pending pourvois between a same party on the same question.
    Serie,
    /// No precedent on the question.
    QuestionNouvelle,
    /// The chamber's precedents, in formation restreinte, all give one
    /// solution.
    SolutionConstante,
}

/// The formation a referral sends a dossier to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReferralFormation {
    /// Chambre mixte (L431-5 COJ).
    #[serde(rename = "CM")]
    Mixte,
    /// Assemblée plénière (L431-6 COJ).
    #[serde(rename = "AP")]
    Pleniere,
}

impl ReferralFormation {
    /// `CM` or `AP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mixte => "CM",
            Self::Pleniere => "AP",
        }
    }

    /// Parses `CM` or `AP`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "CM" => Some(Self::Mixte),
            "AP" => Some(Self::Pleniere),
            _ => None,
        }
    }

    /// « chambre mixte », « assemblée plénière ».
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Mixte => "chambre mixte",
            Self::Pleniere => "assemblée plénière",
        }
    }

    /// The chamber id that holds its hearings (`mi`, `pl`).
    pub fn chamber(self) -> &'static str {
        match self {
            Self::Mixte => crate::multi::MIXTE,
            Self::Pleniere => crate::multi::PLENIERE,
        }
    }
}

/// One orientation rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// What it reads.
    pub signal: Signal,
    /// French label.
    pub label: String,
    /// Article or text it rests on.
    pub source: String,
    /// False while *to confirm*.
    pub confirmed: bool,
    /// The circuit it points to.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub circuit: Option<Circuit>,
    /// The referral it points to.
    #[serde(default)]
    pub referral: Option<ReferralFormation>,
    /// Whether that referral is mandatory.
    #[serde(default)]
    pub mandatory: bool,
}

/// How the signals read the similar dossiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    /// Least text score of a precedent (the closest candidate's is 1).
    pub precedent_min_text_score: Sourced<f32>,
    /// Precedents from which the chamber's solution is constant.
    pub constant_min_precedents: Sourced<usize>,
    /// Other pending pourvois from which the litigation is serial.
    pub serial_min_peers: Sourced<usize>,
    /// Similar decided dossiers read.
    pub similar_read: Sourced<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rule: Vec<Rule>,
    parameters: Parameters,
}

/// A rules file that was refused, in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not TOML of the expected shape.
    #[error("règles d'orientation illisibles : {0}")]
    Syntax(String),
    /// A rule breaks a rule.
    #[error("règle d'orientation « {id} » : {message}")]
    Invalid {
        /// The rule's id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// The checked orientation rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrientationRules {
    /// The rules, in the file's order.
    pub rules: Vec<Rule>,
    /// The thresholds.
    pub parameters: Parameters,
}

impl OrientationRules {
    /// The rules embedded in the binary.
    pub fn embedded() -> &'static OrientationRules {
        static EMBEDDED: OnceLock<OrientationRules> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            OrientationRules::parse(EMBEDDED_RULES)
                .unwrap_or_else(|error| panic!("the embedded orientation rules are checked by tests: {error}"))
        })
    }

    /// Parses and checks a rules text: ids once each, a label and a source,
    /// a mandatory flag only on a referral, thresholds in range.
    pub fn parse(text: &str) -> Result<OrientationRules, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|error| RulesError::Syntax(error.to_string()))?;
        let mut seen = BTreeSet::new();
        for rule in &file.rule {
            let invalid = |message: &str| RulesError::Invalid { id: rule.id.clone(), message: message.to_owned() };
            if rule.id.trim().is_empty() || !seen.insert(rule.id.as_str()) {
                return Err(invalid("identifiant vide ou en double"));
            }
            if rule.label.trim().is_empty() || rule.source.trim().is_empty() {
                return Err(invalid("libellé ou source vide : chaque règle cite son article"));
            }
            if rule.mandatory && rule.referral.is_none() {
                return Err(invalid("« mandatory » sans renvoi (CM ou AP)"));
            }
            if rule.circuit.is_none() && rule.referral.is_none() {
                return Err(invalid("la règle ne suggère ni circuit ni renvoi"));
            }
        }
        let p = &file.parameters;
        if !(0.0..=1.0).contains(&p.precedent_min_text_score.value) {
            return Err(RulesError::Invalid {
                id: "parameters.precedent_min_text_score".into(),
                message: "attendu entre 0 et 1".into(),
            });
        }
        if p.similar_read.value == 0 || p.similar_read.value > 20 {
            return Err(RulesError::Invalid {
                id: "parameters.similar_read".into(),
                message: "attendu entre 1 et 20".into(),
            });
        }
        Ok(OrientationRules { rules: file.rule, parameters: file.parameters })
    }

    /// The rules that read `signal`.
    fn reading(&self, signal: Signal) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |rule| rule.signal == signal)
    }

    /// The rule of id `id`.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}

/// A decided dossier similar to the one oriented (of any chamber: a
/// decision is public), as the search found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarDecided {
    /// Its id.
    pub id: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// Its chamber.
    pub chamber: String,
    /// Its section, if recorded.
    pub section: Option<String>,
    /// The formation that decided it (published code: `f`, `fs`, `fp`…).
    pub formation: Option<String>,
    /// Its solution code.
    pub solution: Option<String>,
    /// How close its text is (the closest candidate's is 1).
    pub text_score: f32,
    /// Keywords both carry.
    pub shared_keywords: Vec<String>,
    /// Articles both invoke.
    pub shared_articles: Vec<String>,
}

/// The first pourvoi a referral after cassation names.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier {
    /// Its number, as the record gives it.
    pub pourvoi: String,
    /// The registry's dossier of that number, when held with grounds.
    pub found: Option<EarlierDossier>,
}

/// The registry's dossier of an earlier pourvoi.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierDossier {
    /// Its id.
    pub id: i64,
    /// The articles its grounds invoke.
    pub articles: BTreeSet<String>,
    /// Its solution, if decided.
    pub solution: Option<String>,
}

/// A pending pourvoi between a same party on the same question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Peer {
    /// Its id.
    pub id: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// Its chamber.
    pub chamber: String,
    /// The party both name.
    pub party: String,
}

/// What the orientation reads of one dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Civil or penal: which chambers may judge it.
    pub nature: Nature,
    /// The chamber it is registered in.
    pub chamber: String,
    /// Its keywords, the first the main one.
    pub keywords: Vec<String>,
    /// The articles its grounds invoke ([`normalise_article`]).
    pub articles: BTreeSet<String>,
    /// What the attacked decision is.
    pub attacked_nature: AttackedNature,
    /// For a referral after cassation: the first pourvoi.
    pub earlier: Option<Earlier>,
    /// Similar decided dossiers, closest first; `None` when the search
    /// could not answer (the signals reading them then do not fire, and the
    /// suggestion says so).
    pub similar: Option<Vec<SimilarDecided>>,
    /// Pending pourvois between a same party on the same first keyword.
    pub peers: Vec<Peer>,
}

/// The form an article is compared in: lower case, single spaces, « l' »
/// and « art. » dropped (« Article 1240 du Code civil » and « l'article
/// 1240 du code civil » are one).
pub fn normalise_article(raw: &str) -> String {
    let lower = raw.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut joined = words.join(" ");
    for prefix in ["l'article ", "article ", "art. ", "art "] {
        if let Some(rest) = joined.strip_prefix(prefix) {
            joined = rest.to_owned();
            break;
        }
    }
    joined
}

/// A weighted vote for a chamber or a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vote {
    /// The chamber or section code.
    pub code: String,
    /// Its weight (the votes' sum).
    pub weight: f32,
    /// Why, in French, one line a vote.
    pub reasons: Vec<String>,
}

/// A rule that fired, with what it read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fired {
    /// The rule's id.
    pub rule: String,
    /// Its label.
    pub label: String,
    /// Its source.
    pub source: String,
    /// False while *to confirm*.
    pub confirmed: bool,
    /// What it read, in French.
    pub detail: String,
    /// The pourvois it rests on.
    pub dossiers: Vec<String>,
}

/// A referral the rules point to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedReferral {
    /// CM or AP.
    pub formation: ReferralFormation,
    /// The article.
    pub article: String,
    /// Whether it is mandatory.
    pub mandatory: bool,
    /// For CM: the chambers the evidence names (the president completes
    /// them to at least three).
    pub chambers: Vec<String>,
    /// The rule.
    pub rule: String,
}

/// What the orientation suggests, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The chamber.
    pub chamber: String,
    /// The votes for each chamber, heaviest first.
    pub chamber_votes: Vec<Vote>,
    /// The section, when precedents of that chamber name one.
    pub section: Option<String>,
    /// The votes for each section, heaviest first.
    pub section_votes: Vec<Vote>,
    /// The circuit.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub circuit: Circuit,
    /// The formations, preferred first (a mandatory referral's alone).
    pub formations: Vec<String>,
    /// A referral to CM or AP, if a rule points to one (the mandatory one
    /// first when several do).
    pub referral: Option<SuggestedReferral>,
    /// The rules that fired.
    pub fired: Vec<Fired>,
    /// The similar decided dossiers that are precedents on the question
    /// (indexes into the facts' similar list).
    pub precedents: Vec<usize>,
    /// Why some signals could not be read, in French.
    pub unread: Vec<String>,
}

/// Whether a published formation code is a formation restreinte (`f`,
/// `frh`, `frr`, `FR`).
fn restreinte(formation: &str) -> bool {
    let lower = formation.to_lowercase();
    lower == "f" || lower.starts_with("fr")
}

/// Solutions on the merits, those a divergence or a constant answer is
/// read from (an irrecevabilité says nothing of the question).
fn on_the_merits(solution: &str) -> bool {
    matches!(solution, "cassation" | "rejet")
}

/// The chambers that may judge a dossier of `nature`.
fn chambers_of(nature: Nature) -> &'static [&'static str] {
    match nature {
        Nature::Penal => &vocabulary::CHAMBERS[5..],
        Nature::Civil => &vocabulary::CHAMBERS[..5],
    }
}

/// What `rules` suggest for the dossier of `facts`; `formations` maps each
/// circuit to its formations (the planning rules', preferred first).
pub fn suggest(
    facts: &Facts,
    rules: &OrientationRules,
    vocabulary: &Vocabulary,
    formations: &BTreeMap<String, Vec<String>>,
) -> Suggestion {
    let p = &rules.parameters;
    let main = facts.keywords.first().map(String::as_str);
    let every_chamber =
        |code: &str| vocabulary.get(code).is_some_and(|k| k.chambers.len() == vocabulary::CHAMBERS.len());
    let similar = facts.similar.as_deref().unwrap_or_default();
    let precedents: Vec<usize> = (0..similar.len())
        .filter(|&i| {
            let s = &similar[i];
            main.is_some_and(|main| s.shared_keywords.iter().any(|k| k == main))
                && !s.shared_articles.is_empty()
                && s.text_score >= p.precedent_min_text_score.value
        })
        .collect();
    let mut fired: Vec<(Rule, String, Vec<String>)> = Vec::new();
    let mut fire = |signal: Signal, detail: String, dossiers: Vec<String>| {
        for rule in rules.reading(signal) {
            fired.push((rule.clone(), detail.clone(), dossiers.clone()));
        }
    };

    // A referral after cassation (L431-6 al. 2).
    if facts.attacked_nature == AttackedNature::RenvoiApresCassation {
        match &facts.earlier {
            Some(Earlier { pourvoi, found: Some(earlier) }) => {
                let shared: Vec<&String> = earlier.articles.intersection(&facts.articles).collect();
                if !shared.is_empty() {
                    let list = shared.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ");
                    let solution = earlier.solution.as_deref().map_or(String::new(), |s| format!(" ({s})"));
                    fire(
                        Signal::RenvoiMemesMoyens,
                        format!("le premier pourvoi n° {pourvoi}{solution} invoquait déjà : {list}"),
                        vec![pourvoi.clone()],
                    );
                }
            }
            Some(Earlier { pourvoi, found: None }) => fire(
                Signal::RenvoiPremierPourvoiInconnu,
                format!("le premier pourvoi n° {pourvoi} n'est pas au registre avec ses moyens"),
                vec![pourvoi.clone()],
            ),
            None => fire(
                Signal::RenvoiPremierPourvoiInconnu,
                "la fiche ne nomme pas le premier pourvoi".to_owned(),
                Vec::new(),
            ),
        }
    }

    // The precedents by chamber: the solutions on the merits each gives.
    let mut by_chamber: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for &i in &precedents {
        let s = &similar[i];
        if let Some(solution) = s.solution.as_deref().filter(|s| on_the_merits(s)) {
            by_chamber.entry(s.chamber.as_str()).or_default().entry(solution).or_default().push(s.pourvoi.as_str());
        }
    }
    // Each chamber's answer: its most frequent solution.
    let answers: BTreeMap<&str, &str> = by_chamber
        .iter()
        .filter_map(|(chamber, solutions)| {
            solutions.iter().max_by_key(|(solution, list)| (list.len(), *solution)).map(|(s, _)| (*chamber, *s))
        })
        .collect();
    let distinct: BTreeSet<&str> = answers.values().copied().collect();
    let mut cm_chambers: BTreeSet<String> = BTreeSet::new();
    if answers.len() >= 2 && distinct.len() >= 2 {
        let detail = answers
            .iter()
            .map(|(chamber, solution)| format!("{chamber} : {solution} ({})", by_chamber[chamber][solution].join(", ")))
            .collect::<Vec<_>>()
            .join(" ; ");
        let cited = answers.iter().flat_map(|(c, s)| by_chamber[c][s].iter().map(|p| (*p).to_owned())).collect();
        cm_chambers.extend(answers.keys().map(|c| (*c).to_owned()));
        fire(Signal::Divergence, detail, cited);
    }

    // A question of several chambers.
    let mains: BTreeSet<&str> = facts
        .keywords
        .iter()
        .filter(|code| !every_chamber(code))
        .filter_map(|code| vocabulary.get(code).map(|k| k.main_chamber()))
        .collect();
    // Chambers with two precedents at least: one decision elsewhere is not
    // yet the question's being of that chamber too.
    let mut per_chamber: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &precedents {
        *per_chamber.entry(similar[i].chamber.as_str()).or_default() += 1;
    }
    let precedent_chambers: BTreeSet<&str> =
        per_chamber.into_iter().filter(|&(_, n)| n >= 2).map(|(chamber, _)| chamber).collect();
    if mains.len() >= 2 || precedent_chambers.len() >= 2 {
        let (detail, cited) = if mains.len() >= 2 {
            (format!("mots-clés relevant de : {}", mains.iter().copied().collect::<Vec<_>>().join(", ")), Vec::new())
        } else {
            (
                format!(
                    "dossiers jugés sur la question par : {}",
                    precedent_chambers.iter().copied().collect::<Vec<_>>().join(", ")
                ),
                precedents.iter().map(|&i| similar[i].pourvoi.clone()).collect(),
            )
        };
        cm_chambers.extend(mains.iter().chain(&precedent_chambers).map(|c| (*c).to_owned()));
        fire(Signal::PlusieursChambres, detail, cited);
    }

    // Serial litigation.
    if facts.peers.len() >= p.serial_min_peers.value {
        let parties: BTreeSet<&str> = facts.peers.iter().map(|peer| peer.party.as_str()).collect();
        fire(
            Signal::Serie,
            format!(
                "{} autres pourvois en cours avec {} sur la même question",
                facts.peers.len(),
                parties.into_iter().collect::<Vec<_>>().join(", ")
            ),
            facts.peers.iter().map(|peer| peer.pourvoi.clone()).collect(),
        );
    }

    // New question, or constant answer.
    let mut unread = Vec::new();
    match &facts.similar {
        None => unread.push(
            "les dossiers semblables n'ont pas pu être lus (index de recherche en retard) : question nouvelle, \
             solution constante et divergence non évaluées"
                .to_owned(),
        ),
        Some(_) if main.is_none() => unread.push(
            "aucun mot-clé : les précédents ne peuvent être reconnus — renseigner les mots-clés de la matière"
                .to_owned(),
        ),
        Some(_) if precedents.is_empty() => fire(
            Signal::QuestionNouvelle,
            format!(
                "aucun dossier jugé avec le mot-clé « {} », un article commun et un texte proche",
                main.unwrap_or_default()
            ),
            Vec::new(),
        ),
        Some(_) => {
            let own: Vec<&SimilarDecided> =
                precedents.iter().map(|&i| &similar[i]).filter(|s| s.chamber == facts.chamber).collect();
            let solutions: BTreeSet<Option<&str>> = own.iter().map(|s| s.solution.as_deref()).collect();
            let all_restreinte = own.iter().all(|s| s.formation.as_deref().is_some_and(restreinte));
            if own.len() >= p.constant_min_precedents.value
                && solutions.len() == 1
                && all_restreinte
                && distinct.len() <= 1
                && let Some(Some(solution)) = solutions.into_iter().next()
            {
                fire(
                    Signal::SolutionConstante,
                    format!("{} dossiers de la chambre jugés en formation restreinte : {solution}", own.len()),
                    own.iter().map(|s| s.pourvoi.clone()).collect(),
                );
            }
        }
    }

    // The circuit: the most thorough any rule points to.
    let circuit = fired.iter().filter_map(|(rule, _, _)| rule.circuit).max().unwrap_or(Circuit::Intermediaire);
    // The referral: a mandatory one first, then AP before CM.
    let referral = fired
        .iter()
        .filter_map(|(rule, _, _)| rule.referral.map(|formation| (rule, formation)))
        .max_by_key(|(rule, formation)| (rule.mandatory, *formation))
        .map(|(rule, formation)| {
            let mut chambers: Vec<String> = Vec::new();
            if formation == ReferralFormation::Mixte {
                cm_chambers.insert(facts.chamber.clone());
                chambers = cm_chambers.iter().cloned().collect();
            }
            SuggestedReferral {
                formation,
                article: rule.source.clone(),
                mandatory: rule.mandatory,
                chambers,
                rule: rule.id.clone(),
            }
        });
    let formations = match &referral {
        Some(referral) if referral.mandatory => vec![referral.formation.as_str().to_owned()],
        _ => formations.get(circuit.as_str()).cloned().unwrap_or_else(|| vec!["FS".to_owned()]),
    };

    // The chamber: the keywords' and the precedents' votes, among the
    // chambers that judge the dossier's nature.
    let allowed = chambers_of(facts.nature);
    let mut votes: BTreeMap<String, Vote> = BTreeMap::new();
    let mut vote = |code: &str, weight: f32, reason: String| {
        if allowed.contains(&code) {
            let entry = votes.entry(code.to_owned()).or_insert_with(|| Vote {
                code: code.to_owned(),
                weight: 0.0,
                reasons: vec![],
            });
            entry.weight += weight;
            entry.reasons.push(reason);
        }
    };
    for (position, code) in facts.keywords.iter().enumerate() {
        if every_chamber(code) {
            continue;
        }
        if let Some(keyword) = vocabulary.get(code) {
            let weight = if position == 0 { 1.0 } else { 0.5 };
            vote(keyword.main_chamber(), weight, format!("mot-clé « {} »", keyword.label));
        }
    }
    for s in similar.iter().filter(|s| main.is_some_and(|main| s.shared_keywords.iter().any(|k| k == main))) {
        vote(&s.chamber, 0.5 * s.text_score, format!("pourvoi n° {} jugé par la chambre", s.pourvoi));
    }
    let mut chamber_votes: Vec<Vote> = votes.into_values().collect();
    // Heaviest first; on a tie, the chamber it is registered in.
    chamber_votes.sort_by(|a, b| {
        b.weight.total_cmp(&a.weight).then_with(|| (b.code == facts.chamber).cmp(&(a.code == facts.chamber)))
    });
    let chamber = chamber_votes.first().map_or_else(|| facts.chamber.clone(), |v| v.code.clone());

    // The section: the precedents of that chamber that name one.
    let mut sections: BTreeMap<String, Vote> = BTreeMap::new();
    for s in similar.iter().filter(|s| s.chamber == chamber) {
        if let Some(section) = &s.section {
            let entry = sections.entry(section.clone()).or_insert_with(|| Vote {
                code: section.clone(),
                weight: 0.0,
                reasons: vec![],
            });
            entry.weight += s.text_score;
            entry.reasons.push(format!("pourvoi n° {}", s.pourvoi));
        }
    }
    let mut section_votes: Vec<Vote> = sections.into_values().collect();
    section_votes.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.code.cmp(&b.code)));
    let section = section_votes.first().map(|v| v.code.clone());

    Suggestion {
        chamber,
        chamber_votes,
        section,
        section_votes,
        circuit,
        formations,
        referral,
        fired: fired
            .into_iter()
            .map(|(rule, detail, dossiers)| Fired {
                rule: rule.id,
                label: rule.label,
                source: rule.source,
                confirmed: rule.confirmed,
                detail,
                dossiers,
            })
            .collect(),
        precedents,
        unread,
    }
}

/// Who orders a referral to CM or AP (L431-7 COJ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderedBy {
    /// The premier président, before the hearing (ordonnance).
    PremierPresident,
    /// The chamber (arrêt de renvoi).
    Chambre,
    /// At the procureur général's request: the referral is then of right.
    ProcureurGeneral,
}

impl OrderedBy {
    /// Every author.
    pub const ALL: [OrderedBy; 3] = [Self::PremierPresident, Self::Chambre, Self::ProcureurGeneral];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PremierPresident => "premier_president",
            Self::Chambre => "chambre",
            Self::ProcureurGeneral => "procureur_general",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::PremierPresident => "ordonnance du premier président",
            Self::Chambre => "arrêt de la chambre",
            Self::ProcureurGeneral => "réquisitions du procureur général (renvoi de droit)",
        }
    }
}

/// A refusal of a referral decision, in French: the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionProblem {
    /// The field (`reason`, `chambers`…).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub action: String,
}

impl DecisionProblem {
    fn new(field: &'static str, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self { field, message: message.into(), action: action.into() }
    }
}

/// The longest reason a decision holds, in characters.
pub const MAX_REASON: usize = 4_000;
/// The shortest reason that says something, in characters.
pub const MIN_REASON: usize = 10;

/// Checks a reason: required when `required`, not blank then, within
/// [`MAX_REASON`].
pub fn check_reason(reason: Option<&str>, required: bool, why: &str) -> Result<Option<String>, DecisionProblem> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match reason {
        None if required => Err(DecisionProblem::new("reason", format!("motif requis : {why}"), "indiquer le motif")),
        Some(r) if r.chars().count() < MIN_REASON => Err(DecisionProblem::new(
            "reason",
            format!("motif trop bref ({} caractères)", r.chars().count()),
            format!("motiver en au moins {MIN_REASON} caractères"),
        )),
        Some(r) if r.chars().count() > MAX_REASON => Err(DecisionProblem::new(
            "reason",
            format!("motif trop long ({} caractères)", r.chars().count()),
            format!("le ramener à {MAX_REASON} caractères"),
        )),
        Some(r) if crate::text::refused_char(r, true).is_some() => {
            Err(DecisionProblem::new("reason", "caractère de contrôle dans le motif", "retirer le caractère"))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

/// A referral ordered: to which formation, on which article, by whom,
/// with the chambers composing a CM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralOrder {
    /// `CM` or `AP`.
    pub formation: ReferralFormation,
    /// The article (`L431-5 COJ`…); default: the suggestion's, else
    /// L431-5 for CM and L431-6 for AP.
    #[serde(default)]
    pub article: Option<String>,
    /// Who orders it.
    pub ordered_by: OrderedBy,
    /// For CM: the chambers composing it (at least three, the dossier's
    /// among them); none for AP.
    #[serde(default)]
    pub chambers: Vec<String>,
    /// Whether the law makes it mandatory (L431-6 al. 2; an equal split of
    /// votes under L431-5 al. 2); default: the suggestion's.
    #[serde(default)]
    pub mandatory: Option<bool>,
    /// Why (required when it departs from the suggestion).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The default article of a referral to `formation`.
pub fn default_article(formation: ReferralFormation) -> &'static str {
    match formation {
        ReferralFormation::Mixte => "art. L431-5 COJ",
        ReferralFormation::Pleniere => "art. L431-6 COJ",
    }
}

/// Checks the chambers of a referral ordered from `from` to `formation`:
/// for CM at least three known chambers, each once, `from` among them; for
/// AP none (every chamber sits). Returns them sorted.
pub fn check_chambers(
    formation: ReferralFormation,
    from: &str,
    chambers: &[String],
) -> Result<Vec<String>, DecisionProblem> {
    let mut listed: Vec<String> = Vec::new();
    for (i, chamber) in chambers.iter().enumerate() {
        let chamber = chamber.trim();
        if !vocabulary::CHAMBERS.contains(&chamber) {
            return Err(DecisionProblem::new(
                "chambers",
                format!("chambre « {chamber} » inconnue (chambers[{i}])"),
                format!("choisir parmi {}", vocabulary::CHAMBERS.join(", ")),
            ));
        }
        if listed.iter().any(|c| c == chamber) {
            return Err(DecisionProblem::new(
                "chambers",
                format!("chambre « {chamber} » en double"),
                "la nommer une fois",
            ));
        }
        listed.push(chamber.to_owned());
    }
    match formation {
        ReferralFormation::Pleniere if !listed.is_empty() => Err(DecisionProblem::new(
            "chambers",
            "l'assemblée plénière réunit toutes les chambres (L421-5 COJ)",
            "ne nommer aucune chambre",
        )),
        ReferralFormation::Pleniere => Ok(listed),
        ReferralFormation::Mixte if listed.len() < crate::multi::MIN_MIXTE_CHAMBERS => Err(DecisionProblem::new(
            "chambers",
            format!("{} chambre(s) nommée(s) : la chambre mixte en réunit au moins trois (L421-4 COJ)", listed.len()),
            "nommer au moins trois chambres, dont celle du dossier",
        )),
        ReferralFormation::Mixte if !listed.iter().any(|c| c == from) => Err(DecisionProblem::new(
            "chambers",
            format!("la chambre du dossier ({from}) n'est pas nommée"),
            "l'ajouter aux chambres composant la chambre mixte",
        )),
        ReferralFormation::Mixte => {
            listed.sort();
            Ok(listed)
        }
    }
}

#[cfg(test)]
mod tests;
