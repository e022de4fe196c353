//! The pourvoi number, as the court writes it: a check letter, a two-digit
//! year and five digits, `Y 15-26.094`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A pourvoi number such as `Y 15-26.094`.
///
/// The letter is kept as given: the court's check-letter algorithm is not
/// published in the sources of the domain brief, so it is not recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PourvoiNumber {
    year: u8,
    number: u32,
    letter: char,
}

/// Why a string is not a pourvoi number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "numéro de pourvoi « {raw} » invalide : attendu une lettre majuscule, une espace, \
     l'année sur deux chiffres, un tiret puis cinq chiffres écrits NN.NNN (exemple : Y 15-26.094)"
)]
pub struct PourvoiError {
    raw: String,
}

impl PourvoiNumber {
    /// Builds a number from its parts: an ASCII capital letter, a year
    /// 0–99 and a serial 0–99 999.
    pub fn new(letter: char, year: u8, number: u32) -> Option<Self> {
        (letter.is_ascii_uppercase() && year < 100 && number < 100_000).then_some(Self { year, number, letter })
    }

    /// Parses `L YY-NN.NNN` exactly (no surrounding blanks).
    pub fn parse(raw: &str) -> Result<Self, PourvoiError> {
        let error = || PourvoiError { raw: raw.to_owned() };
        let bytes = raw.as_bytes();
        if !raw.is_ascii() || bytes.len() != 11 || bytes[1] != b' ' || bytes[4] != b'-' || bytes[7] != b'.' {
            return Err(error());
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &raw[range];
            part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        let letter = char::from(bytes[0]);
        let year = digits(2..4).ok_or_else(error)?;
        let high = digits(5..7).ok_or_else(error)?;
        let low = digits(8..11).ok_or_else(error)?;
        let year = u8::try_from(year).map_err(|_| error())?;
        Self::new(letter, year, high * 1000 + low).ok_or_else(error)
    }

    /// Parses a number as people type it: any case, with or without the
    /// blank, the dash and the dot (`y1526094`, `Y 15-26.094`, `y15-26094`,
    /// ` Y 15 26 094 `). The letter and exactly seven digits must remain
    /// once spaces (no-break ones too), dashes and dots are removed
    /// ([`crate::forms::POURVOI_PATTERN`]).
    pub fn parse_lenient(raw: &str) -> Result<Self, PourvoiError> {
        let error = || PourvoiError { raw: raw.to_owned() };
        let squeezed: Vec<char> = raw.chars().filter(|c| !crate::forms::is_pourvoi_separator(*c)).collect();
        let (&letter, digits) = squeezed.split_first().ok_or_else(error)?;
        if !letter.is_ascii_alphabetic() || digits.len() != 7 || !digits.iter().all(char::is_ascii_digit) {
            return Err(error());
        }
        let value = |part: &[char]| part.iter().fold(0u32, |n, c| n * 10 + c.to_digit(10).unwrap_or(0));
        let year = u8::try_from(value(&digits[..2])).map_err(|_| error())?;
        Self::new(letter.to_ascii_uppercase(), year, value(&digits[2..])).ok_or_else(error)
    }

    /// The check letter.
    pub fn letter(self) -> char {
        self.letter
    }

    /// The two-digit year of registration.
    pub fn year(self) -> u8 {
        self.year
    }

    /// The five-digit serial number.
    pub fn number(self) -> u32 {
        self.number
    }
}

impl fmt::Display for PourvoiNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:02}-{:02}.{:03}", self.letter, self.year, self.number / 1000, self.number % 1000)
    }
}

impl FromStr for PourvoiNumber {
    type Err = PourvoiError;
    fn from_str(raw: &str) -> Result<Self, PourvoiError> {
        Self::parse(raw)
    }
}

impl TryFrom<String> for PourvoiNumber {
    type Error = PourvoiError;
    fn try_from(raw: String) -> Result<Self, PourvoiError> {
        Self::parse(&raw)
    }
}

impl From<PourvoiNumber> for String {
    fn from(number: PourvoiNumber) -> String {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_the_courts_own_example() {
        let number = PourvoiNumber::parse("Y 15-26.094").expect("valid");
        assert_eq!((number.letter(), number.year(), number.number()), ('Y', 15, 26_094));
        assert_eq!(number.to_string(), "Y 15-26.094");
    }

    #[test]
    fn lenient_parsing_takes_what_people_type_and_nothing_else() {
        for raw in ["y1526094", "Y 15-26.094", "y15-26.094", " Y 15 26 094 ", "Y15-26094", "y 15.26.094"] {
            assert_eq!(
                PourvoiNumber::parse_lenient(raw).map(|n| n.to_string()).ok().as_deref(),
                Some("Y 15-26.094"),
                "{raw:?}"
            );
        }
        for raw in
            ["", "Y", "152609", "Y 15-26.09", "Y 15-26.0945", "15-26.094", "É 15-26.094", "Y 15/26.094", "Y 1a-26.094"]
        {
            assert!(PourvoiNumber::parse_lenient(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn refuses_near_misses() {
        for raw in [
            "",
            "Y15-26.094",
            "y 15-26.094",
            "Y 15-26094",
            "Y 15-26.94",
            "Y 15/26.094",
            " Y 15-26.094",
            "Y 1a-26.094",
            "Y 15-26.0945",
            "É 15-26.094",
            "Y +5-26.094",
        ] {
            assert!(PourvoiNumber::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(letter in proptest::char::range('A', 'Z'), year in 0u8..100, number in 0u32..100_000) {
            let original = PourvoiNumber::new(letter, year, number).expect("in range");
            let text = original.to_string();
            prop_assert_eq!(text.len(), 11);
            prop_assert_eq!(PourvoiNumber::parse(&text), Ok(original));
        }

        #[test]
        fn parse_never_panics_and_accepts_only_the_canonical_form(raw in "\\PC{0,16}") {
            if let Ok(number) = PourvoiNumber::parse(&raw) {
                prop_assert_eq!(number.to_string(), raw);
            }
        }
    }
}
