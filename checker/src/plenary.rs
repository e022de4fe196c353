//! The formation plénière de chambre in the composition its hearing states
//! (planning model v2, R421-4-1 COJ), re-derived from the instance's roles,
//! sections and ranks, written apart from the model's reading
//! (`greffe_models::plenary::composition`):
//!
//! - full: every president, doyen, conseiller and conseiller référendaire
//!   of the chamber who can sit;
//! - reduced: its presidents and doyens, and in each section the two most
//!   senior conseillers and the most senior référendaire among those who
//!   can sit.
//!
//! Who can sit: present that day and not sitting in a chambre mixte or the
//! assemblée plénière that half-day. Any other hearing of the half-day or
//! the week does not excuse a member: the attendance rules flag the double
//! booking or the weekly cap instead. Presidency is checked with every
//! other bench (`check.rs`); voices are not counted at a composed hearing.

use std::collections::{BTreeMap, BTreeSet};

use greffe_models::{Magistrate, PlenaryComposition, Role};

use crate::check::{Checker, describe_hearing};
use crate::violation::ViolationCode;

/// Conseillers, then référendaires, of each section in the reduced
/// composition (R421-4-1 COJ).
const REDUCED_SEATS: [(Role, usize); 2] = [(Role::Conseiller, 2), (Role::Referendaire, 1)];

/// Whether `magistrate` belongs in a plenary composition of his chamber.
fn plenary_role(magistrate: &Magistrate) -> bool {
    matches!(magistrate.role, Role::President | Role::Doyen | Role::Conseiller | Role::Referendaire)
}

/// Checks the bench of every FP hearing stating its composition.
pub(crate) fn check(
    checker: &mut Checker<'_>,
    attends: &BTreeMap<usize, BTreeSet<usize>>,
    benches: &[Option<Vec<usize>>],
) {
    let instance = checker.instance;
    let magistrates = instance.magistrates();
    for (h, hearing) in instance.hearings().iter().enumerate() {
        let (Some(composition), Some(bench)) = (hearing.composition, benches[h].as_ref()) else { continue };
        let in_multi_chamber = |m: usize| {
            attends.get(&m).into_iter().flatten().any(|&o| {
                let other = &instance.hearings()[o];
                o != h && other.is_multi_chamber() && other.date == hearing.date && other.half_day == hearing.half_day
            })
        };
        let mut expected: Vec<usize> = (0..magistrates.len())
            .filter(|&m| {
                let magistrate = &magistrates[m];
                magistrate.chamber == hearing.chamber
                    && plenary_role(magistrate)
                    && !magistrate.is_absent_on(hearing.date)
                    && !in_multi_chamber(m)
            })
            .collect();
        if composition == PlenaryComposition::Reduced {
            let mut by_seat: BTreeMap<(Option<&str>, Role), Vec<usize>> = BTreeMap::new();
            for &m in &expected {
                let magistrate = &magistrates[m];
                by_seat.entry((magistrate.section.as_ref().map(|s| s.as_str()), magistrate.role)).or_default().push(m);
            }
            let mut kept: BTreeSet<usize> = BTreeSet::new();
            for ((_, role), mut members) in by_seat {
                match REDUCED_SEATS.iter().find(|(seat, _)| *seat == role) {
                    Some(&(_, seats)) => {
                        members.sort_by_key(|&m| (magistrates[m].rank, magistrates[m].id.as_str()));
                        kept.extend(members.into_iter().take(seats));
                    }
                    None => kept.extend(members),
                }
            }
            expected.retain(|m| kept.contains(m));
        }
        let expected: BTreeSet<usize> = expected.into_iter().collect();
        let given: BTreeSet<usize> = bench.iter().copied().collect();
        let names =
            |set: BTreeSet<&usize>| set.into_iter().map(|&m| magistrates[m].id.as_str()).collect::<Vec<_>>().join(", ");
        let missing: BTreeSet<&usize> = expected.difference(&given).collect();
        let extra: BTreeSet<&usize> = given.difference(&expected).collect();
        if missing.is_empty() && extra.is_empty() {
            continue;
        }
        let mut wrong = Vec::new();
        if !missing.is_empty() {
            wrong.push(format!("y manque(nt) {}", names(missing)));
        }
        if !extra.is_empty() {
            wrong.push(format!("n'en est (ne sont) pas {}", names(extra)));
        }
        checker.push(
            ViolationCode::PlenaryComposition,
            None,
            Some(hearing),
            None,
            format!("{} siège en {} : {}", describe_hearing(hearing), composition.label_fr(), wrong.join(" ; ")),
        );
    }
}
