//! The controlled vocabulary of the matter: the keywords a dossier's record
//! may carry (`vocabulary.toml`, embedded, with its source). A keyword names
//! a legal topic and the chambers that judge it, the main one first; a topic
//! of several chambers is a signal for the orientation (L431-5 COJ).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The embedded vocabulary's text.
pub const EMBEDDED_VOCABULARY: &str = include_str!("vocabulary.toml");

/// Where the vocabulary comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VocabularySource {
    /// The text the lists follow.
    pub text: String,
    /// `false` while the lists are to confirm (shared/docs/domain.md).
    pub confirmed: bool,
}

/// One keyword of the matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Keyword {
    /// Stable code (`bail-commercial`): what a record stores.
    pub code: String,
    /// French label.
    pub label: String,
    /// The chambers that judge the topic, the main one first.
    pub chambers: Vec<String>,
    /// The matter it belongs to in its main chamber; none for a topic of
    /// every chamber.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter: Option<String>,
}

impl Keyword {
    /// The chamber that judges most of the topic.
    pub fn main_chamber(&self) -> &str {
        &self.chambers[0]
    }

    /// Whether chamber `chamber` judges the topic.
    pub fn judged_by(&self, chamber: &str) -> bool {
        self.chambers.iter().any(|c| c == chamber)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    source: VocabularySource,
    keyword: Vec<Keyword>,
}

/// A vocabulary that was refused, with the keyword and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabularyError {
    /// Not TOML of the expected shape.
    #[error("vocabulaire illisible : {0}")]
    Syntax(String),
    /// A keyword breaks a rule.
    #[error("mot-clé « {code} » : {message}")]
    Invalid {
        /// The keyword's code.
        code: String,
        /// What is wrong, in French.
        message: String,
    },
}

/// A checked vocabulary, looked up by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    source: VocabularySource,
    keywords: Vec<Keyword>,
    index: HashMap<String, usize>,
}

/// The chamber codes a keyword may name (R421-3 COJ).
pub const CHAMBERS: [&str; 6] = ["civ1", "civ2", "civ3", "comm", "soc", "cr"];

impl Vocabulary {
    /// The vocabulary embedded in the binary.
    pub fn embedded() -> &'static Vocabulary {
        static EMBEDDED: OnceLock<Vocabulary> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Vocabulary::parse(EMBEDDED_VOCABULARY)
                .unwrap_or_else(|error| panic!("the embedded vocabulary is checked by tests: {error}"))
        })
    }

    /// Parses and checks a vocabulary text: codes of lower-case letters,
    /// digits and hyphens, each once; a label; known chambers, each once.
    pub fn parse(text: &str) -> Result<Vocabulary, VocabularyError> {
        let file: VocabularyFile = toml::from_str(text).map_err(|error| VocabularyError::Syntax(error.to_string()))?;
        let mut index = HashMap::new();
        for (position, keyword) in file.keyword.iter().enumerate() {
            let invalid =
                |message: &str| VocabularyError::Invalid { code: keyword.code.clone(), message: message.into() };
            let well_formed = !keyword.code.is_empty()
                && keyword.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !well_formed {
                return Err(invalid("code de lettres minuscules, chiffres et tirets attendu"));
            }
            if keyword.label.trim().is_empty() {
                return Err(invalid("libellé vide"));
            }
            if keyword.chambers.is_empty() {
                return Err(invalid("aucune chambre"));
            }
            for (i, chamber) in keyword.chambers.iter().enumerate() {
                if !CHAMBERS.contains(&chamber.as_str()) {
                    return Err(invalid(&format!("chambre « {chamber} » inconnue")));
                }
                if keyword.chambers[..i].contains(chamber) {
                    return Err(invalid(&format!("chambre « {chamber} » en double")));
                }
            }
            if index.insert(keyword.code.clone(), position).is_some() {
                return Err(invalid("code en double"));
            }
        }
        Ok(Vocabulary { source: file.source, keywords: file.keyword, index })
    }

    /// Where the lists come from.
    pub fn source(&self) -> &VocabularySource {
        &self.source
    }

    /// Every keyword, in the file's order.
    pub fn keywords(&self) -> &[Keyword] {
        &self.keywords
    }

    /// The keyword of code `code`.
    pub fn get(&self, code: &str) -> Option<&Keyword> {
        self.index.get(code).map(|&i| &self.keywords[i])
    }

    /// The keywords chamber `chamber` judges: its own topics first, then
    /// those it shares as a second chamber.
    pub fn of_chamber(&self, chamber: &str) -> Vec<&Keyword> {
        let mut own: Vec<&Keyword> = self.keywords.iter().filter(|k| k.judged_by(chamber)).collect();
        own.sort_by_key(|k| k.main_chamber() != chamber);
        own
    }

    /// The keywords closest to an unknown `raw` (by code or label): what a
    /// refusal offers instead, at most three.
    pub fn closest(&self, raw: &str) -> Vec<&Keyword> {
        let wanted = fold(raw);
        let mut scored: Vec<(usize, &Keyword)> = self
            .keywords
            .iter()
            .map(|k| {
                let distance = edit_distance(&wanted, &fold(&k.code)).min(edit_distance(&wanted, &fold(&k.label)));
                let contains =
                    !wanted.is_empty() && (fold(&k.label).contains(&wanted) || fold(&k.code).contains(&wanted));
                (if contains { 0 } else { distance }, k)
            })
            .collect();
        scored.sort_by_key(|(distance, _)| *distance);
        let limit = wanted.chars().count() / 2 + 1;
        scored.into_iter().filter(|(distance, _)| *distance <= limit).take(3).map(|(_, k)| k).collect()
    }

    /// Why `code` is refused and what to give instead (the closest
    /// keywords), in French: for a record's keyword and a search's filter.
    pub fn refusal(&self, code: &str) -> (String, String) {
        let closest: Vec<String> = self.closest(code).iter().map(|k| format!("« {} » ({})", k.code, k.label)).collect();
        let action = if closest.is_empty() {
            "choisir un mot-clé du vocabulaire de la matière (GET /vocabulary)".to_owned()
        } else {
            format!("choisir un mot-clé du vocabulaire (GET /vocabulary) ; proches : {}", closest.join(", "))
        };
        (format!("mot-clé « {code} » inconnu"), action)
    }
}

/// Lower case, accents and punctuation folded to hyphens.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.trim().to_lowercase().chars() {
        let plain = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => '-',
        };
        folded.push(plain);
    }
    folded
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_vocabulary_is_valid_and_covers_every_chamber() {
        let vocabulary = Vocabulary::embedded();
        assert!(!vocabulary.source().confirmed, "to confirm with the chambers (domain brief)");
        for chamber in CHAMBERS {
            let own = vocabulary.of_chamber(chamber);
            assert!(own.len() >= 8, "{chamber}: {} keywords", own.len());
            assert_eq!(own[0].main_chamber(), chamber, "its own topics first");
        }
        let shared = vocabulary.keywords().iter().filter(|k| k.chambers.len() > 1).count();
        assert!(shared >= 5, "topics of several chambers: {shared}");
    }

    #[test]
    fn a_wrong_vocabulary_is_refused_naming_the_keyword() {
        let head = "[source]\ntext = \"x\"\nconfirmed = false\n";
        let refused = |body: &str| Vocabulary::parse(&format!("{head}{body}")).expect_err("refused").to_string();
        assert!(refused("[[keyword]]\ncode = \"Bail\"\nlabel = \"x\"\nchambers = [\"civ3\"]\n").contains("« Bail »"));
        assert!(refused("[[keyword]]\ncode = \"bail\"\nlabel = \"x\"\nchambers = [\"civ9\"]\n").contains("civ9"));
        let twice = "[[keyword]]\ncode = \"bail\"\nlabel = \"x\"\nchambers = [\"civ3\"]\n";
        assert!(refused(&format!("{twice}{twice}")).contains("en double"));
        assert!(refused("[[keyword]]\ncode = \"bail\"\nlabel = \" \"\nchambers = [\"civ3\"]\n").contains("libellé"));
    }

    #[test]
    fn an_unknown_keyword_finds_its_neighbours() {
        let vocabulary = Vocabulary::embedded();
        let codes = |raw: &str| vocabulary.closest(raw).into_iter().map(|k| k.code.as_str()).collect::<Vec<_>>();
        assert_eq!(codes("bail-comercial").first(), Some(&"bail-commercial"));
        assert!(codes("Copropriété").contains(&"copropriete"), "{:?}", codes("Copropriété"));
        assert!(codes("zzzzzzzzzzzzzz").is_empty());
    }
}
