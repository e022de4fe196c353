//! The forms one-line values must take — codes, user ids, names that are
//! not blank, pourvoi numbers as people type them — each as the predicate
//! the store checks and as the JSON Schema pattern the OpenAPI document
//! states. A test holds each pair equal, so the document cannot promise
//! what the store refuses, nor the reverse.
//!
//! The patterns use only what ECMAScript, Python's `re` and Rust's `regex`
//! read alike (`\uXXXX` escapes, explicit classes; no `\s`, whose members
//! differ between them).

use std::sync::LazyLock;

use crate::text;

/// A code (chamber, section, hearing, magistrate): 1 to 32 ASCII letters,
/// digits, `-`, `_`, `.`.
pub const CODE_PATTERN: &str = r"^[A-Za-z0-9._-]{1,32}$";

/// Whether `value` is a code ([`CODE_PATTERN`]).
pub fn is_code(value: &str) -> bool {
    is_identifier(value, 32)
}

/// A user's id: 1 to 64 ASCII letters, digits, `-`, `_`, `.`.
pub const USER_ID_PATTERN: &str = r"^[A-Za-z0-9._-]{1,64}$";

/// Whether `value` is a user's id ([`USER_ID_PATTERN`]).
pub fn is_user_id(value: &str) -> bool {
    is_identifier(value, 64)
}

fn is_identifier(value: &str, max: usize) -> bool {
    (1..=max).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// One line of text (the text rule, [`crate::text`]) with at least one
/// character that is not blank (Unicode White_Space, what `str::trim`
/// removes).
pub static NON_BLANK_PATTERN: LazyLock<String> = LazyLock::new(|| {
    let any = text::class_where(|_| true);
    format!("^[{any}]*[{}][{any}]*$", text::class_where(|c| !c.is_whitespace()))
});

/// Whether `value` is blank: nothing but Unicode white space.
pub fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// A file's name: one line, not blank, without `/` or `\\`.
pub static FILE_NAME_PATTERN: LazyLock<String> = LazyLock::new(|| {
    let any = text::class_where(|c| !matches!(c, '/' | '\\'));
    format!("^[{any}]*[{}][{any}]*$", text::class_where(|c| !c.is_whitespace() && !matches!(c, '/' | '\\')))
});

/// Whether `name` may name a file ([`FILE_NAME_PATTERN`]).
pub fn is_file_name(name: &str) -> bool {
    !is_blank(name) && !name.contains(['/', '\\']) && crate::text::refused_char(name, false).is_none()
}

/// An ECLI of the Cour de cassation as [`crate::registry::parse_ecli`]
/// reads it: any case, blanks around.
pub const ECLI_PATTERN: &str = concat!(
    r"^[\u0020\u00A0\u2000-\u200A\u202F]*",
    r"[Ee][Cc][Ll][Ii]:[Ff][Rr]:[Cc][Cc][Aa][Ss][Ss]:[0-9]{4}:[A-Za-z0-9]{1,25}",
    r"[\u0020\u00A0\u2000-\u200A\u202F]*$"
);

/// An e-mail address as a lawyer's office gives it (RFC 5322 dot-atom
/// local part, a domain of LDH labels ending in a letters-only top-level
/// label), at most [`EMAIL_MAX`] bytes. No quoted local parts, comments or
/// address literals: a notice must reach an ordinary mailbox.
pub const EMAIL_PATTERN: &str = concat!(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*",
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
);

/// The longest e-mail address (RFC 5321, 4.5.3.1.3: a path of 256 octets
/// with its angle brackets).
pub const EMAIL_MAX: usize = 254;

/// Whether `value` is an e-mail address ([`EMAIL_PATTERN`], at most
/// [`EMAIL_MAX`] bytes).
pub fn is_email(value: &str) -> bool {
    static FORM: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(EMAIL_PATTERN).expect("the e-mail pattern compiles"));
    value.len() <= EMAIL_MAX && FORM.is_match(value)
}

/// A pourvoi number as people type it ([`crate::pourvoi::PourvoiNumber::parse_lenient`]):
/// a letter and seven digits, any of them separated by spaces (also no-break
/// ones), dashes and dots.
pub const POURVOI_PATTERN: &str = r"^[ \u00A0\u202F.-]*[A-Za-z]([ \u00A0\u202F.-]*[0-9]){7}[ \u00A0\u202F.-]*$";

/// The separators a typed pourvoi number may hold ([`POURVOI_PATTERN`]).
pub fn is_pourvoi_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '-' | '.')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;
    use crate::pourvoi::PourvoiNumber;

    fn pattern(raw: &str) -> Regex {
        Regex::new(raw).expect("the pattern compiles")
    }

    /// Strings near each form's edges: blanks of every kind, controls,
    /// separators, letters and digits, long runs.
    fn samples() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "",
            " ",
            "\u{A0}",
            "\u{202F}",
            "\u{2003}",
            "\u{3000}",
            "\u{FEFF}",
            "\t",
            "\n",
            "\u{85}",
            "\u{7F}",
            "\0",
            "-",
            "_",
            ".",
            "a",
            "Z",
            "é",
            "0",
            "7",
            "1526094",
            "Y 15-26.094",
            "civ1",
            "東京",
            "x",
            "aaaaaaaaaaaaaaaa",
            "/",
            "\\",
            "a.pdf",
            "ECLI:FR:CCASS:2026:",
            "@",
            "scp.x@avocats.fr",
            ".",
            "-",
            "ecli:fr:ccass:2026:",
            "C100",
            ":",
        ]);
        prop::collection::vec(pieces, 0..12).prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn each_pattern_says_what_its_predicate_says(value in samples()) {
            let one_line = crate::text::refused_char(&value, false).is_none();
            prop_assert_eq!(pattern(CODE_PATTERN).is_match(&value), is_code(&value));
            prop_assert_eq!(pattern(USER_ID_PATTERN).is_match(&value), is_user_id(&value));
            prop_assert_eq!(pattern(&NON_BLANK_PATTERN).is_match(&value), one_line && !is_blank(&value));
            prop_assert_eq!(pattern(&FILE_NAME_PATTERN).is_match(&value), is_file_name(&value));
            prop_assert_eq!(pattern(EMAIL_PATTERN).is_match(&value) && value.len() <= EMAIL_MAX, is_email(&value));
            prop_assert_eq!(
                pattern(ECLI_PATTERN).is_match(&value),
                one_line && crate::registry::parse_ecli(&value).is_ok(),
                "{:?}", value
            );
            prop_assert_eq!(
                pattern(POURVOI_PATTERN).is_match(&value),
                one_line && PourvoiNumber::parse_lenient(&value).is_ok(),
                "{:?}", value
            );
        }
    }

    #[test]
    fn the_edges_are_where_the_forms_say() {
        assert!(is_code("civ1") && is_code(&"a".repeat(32)) && !is_code(&"a".repeat(33)) && !is_code(""));
        assert!(!is_code("civ 1") && !is_code("é"));
        assert!(is_user_id(&"a".repeat(64)) && !is_user_id(&"a".repeat(65)));
        assert!(is_blank(" \u{A0}\u{3000}") && !is_blank(" a "));
        assert!(!pattern(&NON_BLANK_PATTERN).is_match("\u{FEFF}"), "U+FEFF: invisible, refused by the text rule");
        assert!(pattern(&NON_BLANK_PATTERN).is_match("\u{202F}Ελένη"));
        assert!(!pattern(&NON_BLANK_PATTERN).is_match("\u{A0}\u{202F} "));
        assert!(pattern(POURVOI_PATTERN).is_match("y\u{A0}15-26.094"));
        assert!(!pattern(POURVOI_PATTERN).is_match("Y 15/26.094"));
        assert!(pattern(ECLI_PATTERN).is_match(" ecli:fr:ccass:2026:C100123\u{A0}"));
        assert!(!pattern(ECLI_PATTERN).is_match("ECLI:FR:CCASS:26:C100123"));
        assert!(is_email("greffe.avis@scp-dupont.avocats.fr") && is_email("o'neil+avis@cabinet.paris"));
        for refused in ["scp@avocats", "a..b@x.fr", ".a@x.fr", "a@-x.fr", "a@x.f", "a b@x.fr", "a@x.fr ", "a@x_y.fr"] {
            assert!(!is_email(refused), "{refused}");
        }
        assert!(!is_email(&format!("{}@x.fr", "a".repeat(250))));
    }
}
