//! Identifiers: non-empty, trimmed strings wrapped in one newtype per kind of
//! thing, so that a hearing id can never be passed where a magistrate id is
//! expected.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string was refused as an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string is empty or only blanks.
    #[error("identifiant vide")]
    Empty,
    /// The string starts or ends with blanks.
    #[error("identifiant « {0} » entouré d'espaces")]
    Untrimmed(String),
    /// The string holds a control character (newline, tab…).
    #[error("identifiant « {0} » contenant un caractère de contrôle")]
    ControlCharacter(String),
}

/// Checks the rules shared by every identifier kind.
fn check_id(raw: &str) -> Result<(), IdError> {
    if raw.trim().is_empty() {
        return Err(IdError::Empty);
    }
    if raw.trim() != raw {
        return Err(IdError::Untrimmed(raw.to_owned()));
    }
    if raw.chars().any(char::is_control) {
        return Err(IdError::ControlCharacter(raw.escape_debug().to_string()));
    }
    Ok(())
}

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an identifier: non-empty, no surrounding blanks, no
            /// control characters.
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                check_id(raw)?;
                Ok(Self(raw.to_owned()))
            }

            /// The identifier as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                check_id(&raw)?;
                Ok(Self(raw))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_newtype!(
    /// A chamber of the court: `civ1 civ2 civ3 comm soc cr`, later `mi`, `pl`.
    ChamberId
);
id_newtype!(
    /// A section of a chamber (R421-3 COJ).
    SectionId
);
id_newtype!(
    /// A magistrate: sitting judge or avocat général.
    MagistrateId
);
id_newtype!(
    /// A hearing (*audience*) of the court's calendar.
    HearingId
);
id_newtype!(
    /// A dossier (one pourvoi) in the registry.
    DossierId
);
id_newtype!(
    /// A group of joined dossiers (*dossiers joints*), heard together.
    JoinedGroupId
);
id_newtype!(
    /// A matter code (civil *matière*/NAO or criminal *nature d'affaire*).
    MatterCode
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids_and_refuses_blank_or_padded_ones() {
        assert_eq!(DossierId::parse("d000001").map(|d| d.to_string()), Ok("d000001".into()));
        assert_eq!(DossierId::parse(""), Err(IdError::Empty));
        assert_eq!(DossierId::parse("   "), Err(IdError::Empty));
        assert_eq!(DossierId::parse(" d1"), Err(IdError::Untrimmed(" d1".into())));
        assert!(matches!(DossierId::parse("d\n1"), Err(IdError::ControlCharacter(_))));
    }

    #[test]
    fn serde_goes_through_parse() {
        let ok: HearingId = serde_json::from_str("\"h0001\"").expect("valid id");
        assert_eq!(ok.as_str(), "h0001");
        assert!(serde_json::from_str::<HearingId>("\"\"").is_err());
    }
}
