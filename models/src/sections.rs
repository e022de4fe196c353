//! Sections at the hearings of a chamber (planning model v2).
//!
//! A chamber is split into sections (R421-3 COJ). A hearing of formation
//! restreinte or de section may name the section sitting; then
//!
//! - it hears the dossiers of that section (and those that name none): a
//!   dossier distributed to a section is heard at a hearing of its section,
//!   or at one that names none (FP, or a calendar without sections);
//! - its bench is drawn from that section, the chamber's president aside
//!   (he presides any of its sections): the president, else the section's
//!   doyen, else its most senior conseiller presides — a replacement from
//!   another section never does, whatever his rank ([`presiding_key`]) — with the
//!   section's doyen, else a conseiller by rank (R421-4-3 COJ for FR;
//!   R431-5 COJ for FS, whose exact composition under R421-4-2 COJ is *to
//!   confirm*: whether FS draws from its section is
//!   [`FormationRule::from_section`], configuration);
//! - a member of another section sits only as a replacement, when the
//!   section's own members cannot: every member of the section who does not
//!   sit is absent that day, recused from a dossier heard, reporting a
//!   dossier heard there, attending another hearing of that half-day, or at
//!   his weekly cap (R431-6 COJ: « les conseillers … d'autres sections …
//!   appelés dans l'ordre du tableau »). Replacements are called by rank;
//!   the checker verifies that the section was exhausted, not the order in
//!   which replacements were called (*to confirm* with the court's bureau:
//!   its order of the roll may weigh load as well as rank);
//! - a locked bench is the composition the chamber's president set: it is
//!   kept as given, not re-judged by section.

use crate::court::{Magistrate, Role};
use crate::dossier::Dossier;
use crate::formation::FormationRule;
use crate::hearing::Hearing;

/// Where the section rules come from, for messages and documents.
pub const SOURCE: &str = "R421-4-3, R431-5 et R431-6 COJ";

/// Whether `dossier` may be heard at `hearing` as far as sections go: one of
/// them names no section, or both name the same.
pub fn hears(dossier: &Dossier, hearing: &Hearing) -> bool {
    match (&dossier.section, &hearing.section) {
        (Some(dossier), Some(hearing)) => dossier == hearing,
        _ => true,
    }
}

/// Whether the bench of `hearing` (of formation `rule`) is drawn from its
/// section: it names one and its formation draws from sections.
pub fn draws_from_section(hearing: &Hearing, rule: &FormationRule) -> bool {
    hearing.section.is_some() && rule.from_section && hearing.locked_bench.is_none()
}

/// Whether `magistrate` sits at `hearing` as a member of its section rather
/// than as a replacement: the bench is not drawn from a section, or he is
/// the chamber's president, or his section is the hearing's.
pub fn of_section(hearing: &Hearing, rule: &FormationRule, magistrate: &Magistrate) -> bool {
    !draws_from_section(hearing, rule)
        || (magistrate.role == Role::President && magistrate.chamber == hearing.chamber)
        || magistrate.section.is_some() && magistrate.section == hearing.section
}

/// Key ordering the members of `hearing`'s bench for presiding, lower
/// first: the members of its section (and the chamber's president) before
/// any replacement from another section, then by precedence (R421-4-3 COJ:
/// the president, else the section's doyen, else its senior conseiller).
/// Where the bench is not drawn from a section, precedence alone.
pub fn presiding_key<'m>(
    hearing: &Hearing,
    rule: &FormationRule,
    magistrate: &'m Magistrate,
) -> (bool, (u8, u32, &'m str)) {
    (!of_section(hearing, rule, magistrate), magistrate.precedence_key())
}
