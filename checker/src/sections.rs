//! Section benches (planning model v2), re-verified apart from the solver's
//! bench heuristic: at a hearing of FR or FS that names its section — its
//! formation drawing from sections (`from_section`), its bench not locked —
//! a member of another section of the chamber sits only as a replacement
//! (R431-6 COJ). So when one does, every member of the section who does not
//! sit, and the chamber's president, must have been unable to: absent that
//! day, recused from a dossier heard, reporting a dossier heard there (a
//! rapporteur joins the bench for his dossier), attending another hearing
//! of that half-day, or at his weekly cap with the plan's other hearings of
//! the week. Whether a dossier goes to a hearing of its section is checked
//! with the other assignment rules (`check.rs`).

use std::collections::{BTreeMap, BTreeSet};

use greffe_models::{Hearing, Instance, Magistrate, Role};

use crate::check::{Checker, could_sit, describe_hearing, magistrate_fr};
use crate::violation::ViolationCode;

/// Whether `hearing`'s bench is drawn from its section: it names one, its
/// formation draws from sections (`from_section`), its bench is not locked.
pub(crate) fn by_section(instance: &Instance, hearing: &Hearing) -> bool {
    hearing.section.is_some()
        && hearing.locked_bench.is_none()
        && instance.formation(hearing.formation).is_some_and(|rule| rule.from_section)
}

/// Whether `magistrate` belongs to `hearing`'s section, or is its chamber's
/// president (who presides any section): not a replacement.
pub(crate) fn of_section(hearing: &Hearing, magistrate: &Magistrate) -> bool {
    magistrate.chamber == hearing.chamber
        && (magistrate.role == Role::President || magistrate.section.is_some() && magistrate.section == hearing.section)
}

pub(crate) fn check(
    checker: &mut Checker<'_>,
    attends: &BTreeMap<usize, BTreeSet<usize>>,
    heard_at: &[Vec<usize>],
    benches: &[Option<Vec<usize>>],
) {
    let instance = checker.instance;
    let magistrates = instance.magistrates();
    for (h, hearing) in instance.hearings().iter().enumerate() {
        let (Some(section), Some(bench)) = (&hearing.section, &benches[h]) else { continue };
        if !by_section(instance, hearing) {
            continue;
        }
        let own = |m: usize| of_section(hearing, &magistrates[m]);
        let outsider = bench.iter().copied().find(|&m| {
            let magistrate = &magistrates[m];
            magistrate.chamber == hearing.chamber && magistrate.role.is_bench_eligible() && !own(m)
        });
        let Some(outsider) = outsider else { continue };
        let reports_here =
            |m: usize| heard_at[h].iter().any(|&d| instance.dossiers()[d].rapporteurs.contains(&magistrates[m].id));
        for m in (0..magistrates.len()).filter(|&m| {
            own(m)
                && magistrates[m].role.is_bench_eligible()
                && !bench.contains(&m)
                && !reports_here(m)
                && could_sit(instance, attends, heard_at, h, m)
        }) {
            checker.push(
                ViolationCode::SectionMemberPassedOver,
                None,
                Some(hearing),
                Some(&magistrates[m]),
                format!(
                    "{} pouvait siéger à {} (section {section}) : {} d'une autre section y siège à sa place",
                    magistrate_fr(&magistrates[m]),
                    describe_hearing(hearing),
                    magistrate_fr(&magistrates[outsider]),
                ),
            );
        }
    }
}
