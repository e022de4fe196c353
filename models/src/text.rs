//! Which characters a text field may hold, the same rule for every input
//! (JSON bodies, query strings, portal forms, file names) so that SQLite and
//! PostgreSQL — which refuses NUL in text — accept exactly the same values.
//!
//! One-line fields (names, numbers, codes, searches) hold no control
//! character at all (Unicode category Cc: C0, DEL, C1). Multi-line text —
//! the fields named in [`MULTILINE_FIELDS`] — may also hold tab, line feed
//! and carriage return.

use serde_json::Value;

/// JSON keys whose text may span lines (reasons, notes, grounds, decisions).
pub const MULTILINE_FIELDS: &[&str] = &["reason", "note", "notes", "text", "grounds", "comment", "description"];

/// The first character `value` may not hold, if any.
pub fn refused_char(value: &str, multiline: bool) -> Option<char> {
    value.chars().find(|c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')))
}

/// The refusal of `c`, in French, and the way to fix it.
pub fn refusal(c: char) -> (String, &'static str) {
    (
        format!("caractère de contrôle U+{:04X} refusé", u32::from(c)),
        "retirer ce caractère (tabulations et retours à la ligne admis dans les textes longs seulement)",
    )
}

/// The first string of `value` (keys included) holding a refused character:
/// its JSON path and the character.
pub fn first_refused(value: &Value) -> Option<(String, char)> {
    fn walk(value: &Value, path: &str, multiline: bool) -> Option<(String, char)> {
        match value {
            Value::String(text) => refused_char(text, multiline).map(|c| (path.to_owned(), c)),
            Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, item)| walk(item, &format!("{path}[{i}]"), multiline))
            }
            Value::Object(map) => map.iter().find_map(|(key, item)| {
                let here = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                refused_char(key, false)
                    .map(|c| (here.clone(), c))
                    .or_else(|| walk(item, &here, MULTILINE_FIELDS.contains(&key.as_str())))
            }),
            Value::Null | Value::Bool(_) | Value::Number(_) => None,
        }
    }
    walk(value, "", false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_line_fields_refuse_every_control_character() {
        for c in ['\0', '\u{1}', '\u{1f}', '\u{7f}', '\u{85}', '\t', '\n', '\r'] {
            assert_eq!(refused_char(&format!("a{c}b"), false), Some(c), "{:04X}", u32::from(c));
        }
        assert_eq!(refused_char("Société Générale — « ß » 東京", false), None);
    }

    #[test]
    fn multi_line_text_keeps_tab_and_line_ends() {
        assert_eq!(refused_char("premier moyen\r\n\tbranche", true), None);
        assert_eq!(refused_char("a\0b", true), Some('\0'));
    }

    #[test]
    fn the_path_of_the_first_refused_string_is_named() {
        let body = json!({"parties": [{"name": "ok"}, {"name": "M. \u{0}Dupont"}]});
        assert_eq!(first_refused(&body), Some(("parties[1].name".to_owned(), '\0')));
        let body = json!({"reason": "ligne 1\nligne 2", "name": "x"});
        assert_eq!(first_refused(&body), None);
        let body = json!({"name": "a\nb"});
        assert_eq!(first_refused(&body), Some(("name".to_owned(), '\n')));
        assert_eq!(first_refused(&json!({"a\u{0}": 1})), Some(("a\u{0}".to_owned(), '\0')));
    }
}
