//! Reading JSON text into documents, with errors a person can act on: the
//! JSON path, the line and column, and the cause in French.

use serde::de::DeserializeOwned;

/// Why a JSON text could not be read as the expected document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (ligne {line}, colonne {column}{})", if path.is_empty() { String::new() } else { format!(", à {path}") })]
pub struct JsonError {
    /// JSON path where reading stopped (empty at the top level).
    pub path: String,
    /// Line of the error, 1-based.
    pub line: usize,
    /// Column of the error, 1-based.
    pub column: usize,
    /// The cause, in French.
    pub message: String,
}

/// Parses `text` as a `T`, refusing trailing content.
pub fn from_json_text<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        to_json_error(error.into_inner(), if path == "." { String::new() } else { path })
    })?;
    deserializer.end().map_err(|error| to_json_error(error, String::new()))?;
    Ok(value)
}

fn to_json_error(error: serde_json::Error, path: String) -> JsonError {
    use serde_json::error::Category;
    let detail = error.to_string();
    let detail = detail.rfind(" at line ").map_or(detail.as_str(), |cut| &detail[..cut]);
    // A missing field is named by its own path, not its parent's.
    let path = match detail.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
        Some(field) if path.is_empty() => field.to_owned(),
        Some(field) => format!("{path}.{field}"),
        None => path,
    };
    let message = match error.classify() {
        Category::Eof => "fichier JSON tronqué : la fin du texte arrive avant la fin du document".to_owned(),
        Category::Syntax => format!("ce n'est pas du JSON valide : {}", translate(detail)),
        Category::Data => format!("valeur inattendue : {}", translate(detail)),
        Category::Io => format!("lecture impossible : {detail}"),
    };
    JsonError { path, line: error.line(), column: error.column(), message }
}

/// Puts serde's usual phrases into French; unknown phrases pass through.
fn translate(detail: &str) -> String {
    const PHRASES: [(&str, &str); 14] = [
        ("invalid type: ", "type invalide : "),
        ("invalid value: ", "valeur invalide : "),
        ("invalid length ", "longueur invalide "),
        ("missing field ", "champ obligatoire manquant "),
        ("unknown field ", "champ inconnu "),
        ("unknown variant ", "valeur inconnue "),
        ("expected one of ", "valeurs admises : "),
        ("there are no fields", "aucun champ n'est admis ici"),
        (", expected ", ", attendu : "),
        ("expected value", "valeur attendue"),
        ("trailing characters", "caractères en trop après le document"),
        ("key must be a string", "une clé doit être une chaîne"),
        ("a sequence", "une liste"),
        ("a map", "un objet"),
    ];
    PHRASES.iter().fold(detail.to_owned(), |text, (english, french)| text.replace(english, french))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        weight: f64,
    }

    #[test]
    fn names_path_line_and_cause() {
        let error =
            from_json_text::<Sample>("{\"items\": [{\"weight\": 1},\n {\"weight\": \"x\"}]}").expect_err("wrong type");
        assert_eq!(error.path, "items[1].weight");
        assert_eq!(error.line, 2);
        assert!(error.message.contains("type invalide"), "{}", error.message);
    }

    #[test]
    fn truncated_and_trailing_text_are_refused() {
        let truncated = from_json_text::<Sample>("{\"items\": [").expect_err("truncated");
        assert!(truncated.message.contains("tronqué"), "{}", truncated.message);
        let trailing = from_json_text::<Sample>("{\"items\": []} x").expect_err("trailing");
        assert!(trailing.message.contains("en trop"), "{}", trailing.message);
        let unknown = from_json_text::<Sample>("{\"itemz\": []}").expect_err("unknown field");
        assert!(unknown.message.contains("champ inconnu"), "{}", unknown.message);
    }

    #[test]
    fn a_missing_field_is_named_by_its_own_path() {
        let top = from_json_text::<Sample>("{}").expect_err("missing");
        assert_eq!(top.path, "items");
        let nested = from_json_text::<Sample>("{\"items\": [{\"weight\": 1}, {}]}").expect_err("missing");
        assert_eq!(nested.path, "items[1].weight");
        assert!(nested.message.contains("champ obligatoire manquant"), "{}", nested.message);
    }
}
