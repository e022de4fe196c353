//! Which characters a text field may hold, the same rule for every input
//! (JSON bodies, query strings, portal forms, file names) so that SQLite and
//! PostgreSQL — which refuses NUL in text — accept exactly the same values.
//!
//! Every text the registry keeps may end up in one of the court's
//! documents (a name on a notice, a reason in a journal extract), and a
//! document must print what was recorded, never drop or replace a letter.
//! So text is made of the characters the documents' embedded fonts print:
//! [`PRINTABLE`], the Latin, Greek and Cyrillic scripts with their
//! diacritics, punctuation (French spaces and quotation marks included),
//! currency and letterlike symbols, arrows. A name written in another script
//! is transliterated, as the civil status does. The documents crate tests
//! that its fonts print every character of the list.
//!
//! One-line fields (names, numbers, codes, searches) hold no control
//! character at all (Unicode category Cc: C0, DEL, C1). Multi-line text —
//! the fields named in [`MULTILINE_FIELDS`] — may also hold tab, line feed
//! and carriage return.

use serde_json::Value;

/// JSON keys whose text may span lines (reasons, notes, grounds, a
/// decision's operative part, a work document's discussion, an order's
/// reasons).
pub const MULTILINE_FIELDS: &[&str] =
    &["reason", "reasons", "note", "notes", "text", "grounds", "comment", "description", "operative", "body"];

/// The characters text may hold besides the line breaks of multi-line
/// text, as inclusive ranges in ascending order (assigned code points only).
/// Left out, because the documents' fonts draw no glyph for them though
/// they list them (the documents crate renders every one to hold this):
/// ⁁ ⁃ ⁓ ℟ ℡ ℣ ℥, and the Cyrillic combining marks U+0483–U+0489.
pub const PRINTABLE: &[(char, char)] = &[
    (' ', '~'),             // Basic Latin, without controls
    ('\u{A0}', '\u{36F}'),  // Latin-1, Latin Extended-A and -B, IPA, modifiers, combining diacritics
    ('\u{370}', '\u{377}'), // Greek
    ('\u{37A}', '\u{37F}'),
    ('\u{384}', '\u{38A}'),
    ('\u{38C}', '\u{38C}'),
    ('\u{38E}', '\u{3A1}'),
    ('\u{3A3}', '\u{3FF}'),
    ('\u{400}', '\u{477}'), // Cyrillic, without its combining marks (titlo…)
    ('\u{47A}', '\u{482}'),
    ('\u{48A}', '\u{4F9}'),
    ('\u{4FC}', '\u{4FF}'),
    ('\u{1D30}', '\u{1D67}'), // modifier letters (Mᵉ, Mᵐᵉ)
    ('\u{1E00}', '\u{1EFF}'), // Latin Extended Additional
    ('\u{2000}', '\u{200A}'), // spaces
    ('\u{2010}', '\u{2027}'), // dashes, quotation marks, bullets, ellipsis
    ('\u{202F}', '\u{2040}'), // narrow no-break space, per mille, primes, ‹ ›
    ('\u{2042}', '\u{2042}'),
    ('\u{2044}', '\u{2052}'),
    ('\u{2054}', '\u{205E}'),
    ('\u{2070}', '\u{2071}'), // superscripts and subscripts
    ('\u{2074}', '\u{208E}'),
    ('\u{2090}', '\u{209C}'),
    ('\u{20A0}', '\u{20C0}'), // currency (€)
    ('\u{2100}', '\u{211E}'), // letterlike symbols and number forms (№, ½)
    ('\u{2120}', '\u{2120}'),
    ('\u{2122}', '\u{2122}'),
    ('\u{2124}', '\u{2124}'),
    ('\u{2126}', '\u{2151}'),
    ('\u{2153}', '\u{2184}'),
    ('\u{2190}', '\u{21FF}'), // arrows
];

/// Whether `c` is one of [`PRINTABLE`].
pub fn printable(c: char) -> bool {
    PRINTABLE
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The rule as a JSON Schema (ECMA-262) pattern: the whole string made of
/// [`PRINTABLE`], and of tab, line feed and carriage return when `multiline`.
pub fn pattern(multiline: bool) -> String {
    format!("^[{}{}]*$", if multiline { r"\t\n\r" } else { "" }, class_where(|_| true))
}

/// The characters of [`PRINTABLE`] that `keep`, as the inside of a regular
/// expression's class (`\uXXXX` escapes and ranges, which ECMAScript,
/// Python's `re` and Rust's `regex` read alike).
pub fn class_where(keep: impl Fn(char) -> bool) -> String {
    let mut runs: Vec<(char, char)> = Vec::new();
    for c in PRINTABLE.iter().flat_map(|&(first, last)| first..=last).filter(|&c| keep(c)) {
        match runs.last_mut() {
            Some((_, last)) if u32::from(*last) + 1 == u32::from(c) => *last = c,
            _ => runs.push((c, c)),
        }
    }
    let mut class = String::new();
    for (first, last) in runs {
        class.push_str(&format!(r"\u{:04X}", u32::from(first)));
        if last != first {
            class.push_str(&format!(r"-\u{:04X}", u32::from(last)));
        }
    }
    class
}

/// The first character `value` may not hold, if any.
pub fn refused_char(value: &str, multiline: bool) -> Option<char> {
    value.chars().find(|&c| !(printable(c) || multiline && matches!(c, '\t' | '\n' | '\r')))
}

/// The refusal of `c`, in French, and the way to fix it.
pub fn refusal(c: char) -> (String, &'static str) {
    if c.is_control() {
        (
            format!("caractère de contrôle U+{:04X} refusé", u32::from(c)),
            "retirer ce caractère (tabulations et retours à la ligne admis dans les textes longs seulement)",
        )
    } else {
        (
            format!("caractère U+{:04X} refusé : les documents de la Cour ne peuvent pas l'imprimer", u32::from(c)),
            "transcrire en caractères latins (écritures latine, grecque et cyrillique admises)",
        )
    }
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

/// `text` with its first letter in upper case (« Rapport du conseiller… »).
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
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
        assert_eq!(refused_char("Société Générale — « ß » Mᵉ Øster, Ελλάδα, Москва, 12 €", false), None);
    }

    #[test]
    fn text_the_documents_cannot_print_is_refused() {
        assert_eq!(refused_char("Société 東京", false), Some('東'));
        assert_eq!(refused_char("M. Dupont 🙂", true), Some('🙂'));
        // Bidirectional controls and zero-width characters: invisible, refused.
        assert_eq!(refused_char("a\u{202E}b", false), Some('\u{202E}'));
        assert_eq!(refused_char("a\u{200B}b", false), Some('\u{200B}'));
        assert!(refusal('東').0.contains("U+6771"));
    }

    #[test]
    fn the_ranges_are_ordered_and_the_pattern_says_the_same() {
        assert!(PRINTABLE.windows(2).all(|pair| pair[0].1 < pair[1].0));
        assert!(PRINTABLE.iter().all(|(first, last)| first <= last));
        for multiline in [false, true] {
            let pattern = regex::Regex::new(&pattern(multiline)).expect("the pattern compiles");
            for c in (0..0x3_0000).filter_map(char::from_u32) {
                let text = format!("a{c}b");
                assert_eq!(
                    pattern.is_match(&text),
                    refused_char(&text, multiline).is_none(),
                    "U+{:04X}, multiline {multiline}",
                    u32::from(c)
                );
            }
        }
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
