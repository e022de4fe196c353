//! Why a dossier is not scheduled, and why a hard requirement is broken:
//! the filters that removed its hearings, the benches, the capacities, the
//! rapporteurs' availability.

use std::collections::BTreeMap;

use greffe_models::{BrokenRequirement, UnscheduledReason};

use crate::benches::Benches;
use crate::candidates::{self, Filter};
use crate::chamber::{Chamber, Requirement};
use crate::greedy::Ledger;

/// The state of a chamber's plan, to reason about what is left out.
pub(crate) struct Outcome<'b> {
    pub(crate) benches: &'b Benches,
    pub(crate) assigned: &'b [Option<usize>],
}

fn count_filters(chamber: &Chamber<'_>, d: usize, benches: &Benches) -> (Vec<usize>, BTreeMap<Filter, usize>) {
    let dossier = chamber.dossier(d);
    let mut removed: BTreeMap<Filter, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for (h, bench) in benches.iter().enumerate() {
        let hearing = chamber.hearing(h);
        let filter = candidates::instance_filter(chamber.instance, dossier, hearing)
            .or_else(|| candidates::bench_filter(chamber.instance, dossier, hearing, bench.as_deref()));
        match filter {
            Some(filter) => *removed.entry(filter).or_default() += 1,
            None => kept.push(h),
        }
    }
    (kept, removed)
}

fn describe(removed: &BTreeMap<Filter, usize>) -> String {
    removed.iter().map(|(filter, n)| format!("{n} : {}", filter.label_fr())).collect::<Vec<_>>().join(" ; ")
}

/// Spare room at each local hearing after the plan.
fn room(chamber: &Chamber<'_>, outcome: &Outcome<'_>) -> Vec<(f64, u32)> {
    let mut room: Vec<(f64, u32)> = (0..chamber.hearings.len())
        .map(|h| (chamber.hearing(h).capacity_weight, chamber.hearing(h).capacity_count))
        .collect();
    for (d, hearing) in outcome.assigned.iter().enumerate() {
        if let Some(h) = *hearing {
            room[h].0 -= chamber.dossier(d).weight;
            room[h].1 = room[h].1.saturating_sub(1);
        }
    }
    room
}

/// Who attends which hearing: the benches, and the rapporteurs of the
/// dossiers heard.
pub(crate) fn ledger(chamber: &Chamber<'_>, outcome: &Outcome<'_>) -> Ledger {
    let mut ledger = Ledger::with_benches(outcome.benches);
    for (d, hearing) in outcome.assigned.iter().enumerate() {
        if let Some(h) = *hearing {
            for m in chamber.dossier(d).rapporteurs.iter().filter_map(|id| chamber.instance.magistrate_idx(id)) {
                ledger.attend(m, h);
            }
        }
    }
    ledger
}

/// Reason code and French detail for an unscheduled dossier.
pub(crate) fn unscheduled(chamber: &Chamber<'_>, d: usize, outcome: &Outcome<'_>) -> (UnscheduledReason, String) {
    let instance = chamber.instance;
    let dossier = chamber.dossier(d);
    let earliest = candidates::earliest(instance, dossier);
    if earliest > instance.horizon().end() {
        return (
            UnscheduledReason::NotReadyInHorizon,
            format!("audiençable à partir du {earliest}, après la fin de la période ({})", instance.horizon().end()),
        );
    }
    let (kept, removed) = count_filters(chamber, d, outcome.benches);
    if kept.is_empty() {
        let only_benches = removed.keys().all(|f| f.is_bench_filter() || *f == Filter::Chamber)
            && removed.keys().any(|f| f.is_bench_filter());
        let no_bench_only = removed.keys().filter(|f| **f != Filter::Chamber).all(|f| *f == Filter::NoBench);
        let reason = if no_bench_only && only_benches {
            UnscheduledReason::NoBench
        } else {
            UnscheduledReason::NoCompatibleHearing
        };
        return (reason, format!("audiences écartées — {}", describe(&removed)));
    }
    if let Some(group) = &dossier.joined_group {
        let members_kept: Vec<Vec<usize>> = (0..chamber.dossiers.len())
            .filter(|&o| chamber.dossier(o).joined_group.as_ref() == Some(group))
            .map(|o| count_filters(chamber, o, outcome.benches).0)
            .collect();
        let common = kept.iter().filter(|h| members_kept.iter().all(|other| other.contains(h))).count();
        if common == 0 {
            return (
                UnscheduledReason::JoinedGroup,
                format!("aucune audience ne peut recevoir ensemble les dossiers joints du groupe {group}"),
            );
        }
    }
    let room = room(chamber, outcome);
    let fits: Vec<usize> =
        kept.iter().copied().filter(|&h| room[h].0 + 1e-9 >= dossier.weight && room[h].1 >= 1).collect();
    if fits.is_empty() {
        return (
            UnscheduledReason::Capacity,
            format!("les {} audience(s) compatible(s) sont complètes (dossiers plus prioritaires)", kept.len()),
        );
    }
    let ledger = ledger(chamber, outcome);
    let reporters: Vec<usize> = dossier.rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)).collect();
    if fits.iter().all(|&h| !reporters.iter().all(|&m| ledger.can_attend(chamber, m, h))) {
        return (
            UnscheduledReason::NoBench,
            "rapporteur indisponible aux audiences qui ont encore de la place (plafond hebdomadaire ou autre audience dans la même demi-journée)".to_owned(),
        );
    }
    if dossier.joined_group.is_some() {
        return (
            UnscheduledReason::JoinedGroup,
            "les dossiers joints ne tiennent pas ensemble dans une même audience".to_owned(),
        );
    }
    (
        UnscheduledReason::Capacity,
        format!("non retenu par l'optimisation : priorité {} inférieure aux dossiers retenus", dossier.priority),
    )
}

/// The broken requirement of local dossier `d`, with its cause code and
/// French detail.
pub(crate) fn broken(
    chamber: &Chamber<'_>,
    d: usize,
    requirement: Requirement,
    outcome: &Outcome<'_>,
) -> BrokenRequirement {
    let (cause, detail) = broken_cause(chamber, d, requirement, outcome);
    BrokenRequirement {
        dossier: chamber.dossier(d).id.clone(),
        requirement: requirement.as_str().into(),
        cause,
        detail,
    }
}

/// Cause code and French detail for a broken requirement.
fn broken_cause(chamber: &Chamber<'_>, d: usize, requirement: Requirement, outcome: &Outcome<'_>) -> (String, String) {
    let instance = chamber.instance;
    let dossier = chamber.dossier(d);
    let earliest = candidates::earliest(instance, dossier);
    if requirement == Requirement::Deadline {
        if let Some(deadline) = dossier.deadline.filter(|deadline| earliest > *deadline) {
            return (
                "not_ready_before_deadline".into(),
                format!("le dossier n'est audiençable qu'à partir du {earliest}, après sa date limite du {deadline}"),
            );
        }
    }
    if requirement == Requirement::Pinned {
        if let Some(h) = dossier
            .pinned_hearing
            .as_ref()
            .and_then(|p| chamber.hearings.iter().position(|&g| &instance.hearings()[g].id == p))
        {
            let hearing = chamber.hearing(h);
            let filter = candidates::instance_filter(instance, dossier, hearing)
                .or_else(|| candidates::bench_filter(instance, dossier, hearing, outcome.benches[h].as_deref()));
            if let Some(filter) = filter {
                return (
                    filter.code().into(),
                    format!("l'audience publiée {} ne peut plus le recevoir : {}", hearing.id, filter.label_fr()),
                );
            }
            return ("capacity".into(), format!("l'audience publiée {} est complète", hearing.id));
        }
    }
    let (kept, removed) = count_filters(chamber, d, outcome.benches);
    if kept.is_empty() {
        let cause = if removed
            .keys()
            .filter(|f| **f != Filter::Chamber)
            .all(|f| matches!(f, Filter::Formation | Filter::Section | Filter::AfterDeadline | Filter::NotReady))
        {
            "no_hearing_before_deadline".to_owned()
        } else {
            removed
                .iter()
                .filter(|(f, _)| **f != Filter::Chamber)
                .max_by_key(|(_, n)| **n)
                .map_or("no_compatible_hearing".to_owned(), |(f, _)| f.code().to_owned())
        };
        return (cause, format!("aucune audience possible avant la date limite — {}", describe(&removed)));
    }
    let deadline_work = kept.iter().all(|&h| {
        outcome.assigned.iter().enumerate().filter(|(_, a)| **a == Some(h)).all(|(o, _)| chamber.required[o].is_some())
    });
    if deadline_work {
        (
            "capacity_taken_by_deadline_dossiers".into(),
            format!("les {} audience(s) possibles sont prises par d'autres dossiers à délai", kept.len()),
        )
    } else {
        (
            "capacity".into(),
            format!("les {} audience(s) possibles sont complètes ou leurs rapporteurs indisponibles", kept.len()),
        )
    }
}
