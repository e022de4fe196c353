//! Chambre mixte and assemblée plénière benches (planning model v2),
//! re-verified from the law and the instance's designations, written apart
//! from the solver's composition (`greffe_solver::multi::compose`):
//!
//! - each composing chamber sits with exactly its seats — its president, its
//!   doyen and its designated conseillers (L421-4: two in CM; L421-5: one in
//!   AP) — plus one when its president presides for a prevented premier
//!   président;
//! - every member is the premier président, or a member by right (the
//!   president or the doyen de chambre of a composing chamber), or designated
//!   for that formation, or a designated substitute of his chamber;
//! - a substitute sits only for a member who could not: a member by right or
//!   designated who does not sit is absent that day, recused from a dossier
//!   heard, attending another hearing of that half-day, or at his weekly cap
//!   with the plan's other hearings of the week.
//!
//! Sizes, presidency and availability are checked with every other bench
//! (`check.rs`).

use std::collections::{BTreeMap, BTreeSet};

use greffe_models::{ChamberId, Hearing, Role, multi};

use crate::check::{Checker, describe_hearing, magistrate_fr};
use crate::violation::ViolationCode;

/// Checks the composition of every chambre mixte and assemblée plénière
/// bench of the plan.
pub(crate) fn check(
    checker: &mut Checker<'_>,
    attends: &BTreeMap<usize, BTreeSet<usize>>,
    heard_at: &[Vec<usize>],
    benches: &[Option<Vec<usize>>],
) {
    let instance = checker.instance;
    for (h, hearing) in instance.hearings().iter().enumerate() {
        let (true, Some(bench)) = (hearing.is_multi_chamber(), benches[h].as_ref()) else { continue };
        let Some(conseillers) = multi::conseillers_per_chamber(hearing.formation) else { continue };
        let could_sit = |m: usize| crate::check::could_sit(instance, attends, heard_at, h, m);
        let premier = instance.premier_president();
        let premier_sits = premier.is_some_and(|p| bench.contains(&p));
        if let Some(p) = premier.filter(|&p| !premier_sits && could_sit(p)) {
            checker.push(
                ViolationCode::StandingMemberReplaced,
                None,
                Some(hearing),
                Some(&instance.magistrates()[p]),
                format!(
                    "le premier président {} pouvait présider {} : il ne siège pas",
                    magistrate_fr(&instance.magistrates()[p]),
                    describe_hearing(hearing)
                ),
            );
        }
        for chamber in &hearing.chambers {
            check_chamber(checker, hearing, bench, chamber, conseillers, premier_sits, &could_sit);
        }
        for &m in bench {
            let magistrate = &instance.magistrates()[m];
            if magistrate.role != Role::PremierPresident && !hearing.chambers.contains(&magistrate.chamber) {
                checker.push(
                    ViolationCode::BenchMemberIneligible,
                    None,
                    Some(hearing),
                    Some(magistrate),
                    format!(
                        "{} (chambre {}) siège à {}, qui réunit {}",
                        magistrate_fr(magistrate),
                        magistrate.chamber,
                        describe_hearing(hearing),
                        hearing.chambers.iter().map(ChamberId::as_str).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
    }
}

fn check_chamber(
    checker: &mut Checker<'_>,
    hearing: &Hearing,
    bench: &[usize],
    chamber: &ChamberId,
    conseillers: usize,
    premier_sits: bool,
    could_sit: &dyn Fn(usize) -> bool,
) {
    let instance = checker.instance;
    let magistrates = instance.magistrates();
    let first = |role: Role| {
        (0..magistrates.len())
            .filter(|&m| &magistrates[m].chamber == chamber && magistrates[m].role == role)
            .min_by_key(|&m| (magistrates[m].rank, magistrates[m].id.as_str()))
    };
    let designation = instance.designation(hearing.formation, chamber);
    let mut by_right: Vec<usize> = [first(Role::President), first(Role::Doyen)].into_iter().flatten().collect();
    by_right.extend(designation.iter().flat_map(|d| d.members.iter()).filter_map(|id| instance.magistrate_idx(id)));
    let substitutes: Vec<usize> =
        designation.iter().flat_map(|d| d.substitutes.iter()).filter_map(|id| instance.magistrate_idx(id)).collect();
    let sitting: Vec<usize> = bench.iter().copied().filter(|&m| &magistrates[m].chamber == chamber).collect();
    // When the premier président does not sit, this chamber's president
    // may preside in his place: his chamber then has one more member.
    let presiding = bench
        .iter()
        .copied()
        .min_by(|&a, &b| magistrates[a].court_precedence_key().cmp(&magistrates[b].court_precedence_key()));
    let presides_for_premier =
        !premier_sits && presiding.is_some_and(|p| magistrates[p].role == Role::President && sitting.contains(&p));
    let wanted = 2 + conseillers + usize::from(presides_for_premier);
    if sitting.len() != wanted {
        checker.push(
            ViolationCode::MultiChamberSeats,
            None,
            Some(hearing),
            None,
            format!(
                "la chambre {chamber} compte {} membre(s) à {} ; la loi lui en donne {wanted} ({})",
                sitting.len(),
                describe_hearing(hearing),
                multi::SOURCE
            ),
        );
    }
    for &m in sitting.iter().filter(|m| !by_right.contains(m) && !substitutes.contains(m)) {
        checker.push(
            ViolationCode::MultiChamberNotDesignated,
            None,
            Some(hearing),
            Some(&magistrates[m]),
            format!(
                "{} siège à {} sans y être membre de droit, désigné ni suppléant désigné de la chambre {chamber}",
                magistrate_fr(&magistrates[m]),
                describe_hearing(hearing)
            ),
        );
    }
    let substitutes_sitting = sitting.iter().filter(|m| substitutes.contains(m) && !by_right.contains(m)).count();
    if substitutes_sitting > 0 {
        for &m in by_right.iter().filter(|m| !sitting.contains(m) && could_sit(**m)) {
            checker.push(
                ViolationCode::StandingMemberReplaced,
                None,
                Some(hearing),
                Some(&magistrates[m]),
                format!(
                    "{} pouvait siéger à {} : un suppléant de la chambre {chamber} y siège à sa place",
                    magistrate_fr(&magistrates[m]),
                    describe_hearing(hearing)
                ),
            );
        }
    }
}
