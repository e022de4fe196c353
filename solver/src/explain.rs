//! Why a dossier is where it is in a plan — or why it is not scheduled —
//! hearing by hearing, against the plan's own benches and loads. Works on
//! any plan, the solver's or one edited by hand.

use std::collections::{BTreeMap, BTreeSet};

use greffe_models::{DossierId, HearingId, Instance, Plan};
use serde::Serialize;

use crate::candidates;

/// What one hearing of the dossier's chamber means for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HearingVerdict {
    /// The hearing.
    pub hearing: HearingId,
    /// Its date, half-day and formation, e.g. `2027-01-05 am FR`.
    pub when: String,
    /// Whether the dossier could lawfully be heard there in this plan.
    pub possible: bool,
    /// The verdict, in French.
    pub verdict: String,
}

/// The explanation of one dossier's place in a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The dossier.
    pub dossier: DossierId,
    /// One sentence, in French.
    pub summary: String,
    /// Hearings of its chamber, in date order.
    pub hearings: Vec<HearingVerdict>,
}

/// Explains `dossier` in `plan`, or `None` when the instance has no such dossier.
pub fn explain(instance: &Instance, plan: &Plan, dossier_id: &DossierId) -> Option<Explanation> {
    let d = instance.dossier_idx(dossier_id)?;
    let dossier = &instance.dossiers()[d];
    let hearing_of = |id: &DossierId| {
        plan.assignments.iter().find(|a| &a.dossier == id).and_then(|a| instance.hearing_idx(&a.hearing))
    };
    let placed = hearing_of(dossier_id);
    let bench_of = |h: usize| -> Option<Vec<usize>> {
        let id = &instance.hearings()[h].id;
        plan.benches
            .iter()
            .find(|b| &b.hearing == id)
            .map(|b| b.members.iter().filter_map(|m| instance.magistrate_idx(m)).collect())
    };
    // Loads and attendance of the plan, without this dossier.
    let mut load: BTreeMap<usize, (f64, u32)> = BTreeMap::new();
    let mut attends: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for assignment in plan.assignments.iter().filter(|a| &a.dossier != dossier_id) {
        let (Some(other), Some(h)) =
            (instance.dossier_idx(&assignment.dossier), instance.hearing_idx(&assignment.hearing))
        else {
            continue;
        };
        let entry = load.entry(h).or_default();
        entry.0 += instance.dossiers()[other].weight;
        entry.1 += 1;
        for m in instance.dossiers()[other].rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)) {
            attends.entry(m).or_default().insert(h);
        }
    }
    for bench in &plan.benches {
        if let Some(h) = instance.hearing_idx(&bench.hearing) {
            for m in bench.members.iter().filter_map(|id| instance.magistrate_idx(id)) {
                attends.entry(m).or_default().insert(h);
            }
        }
    }
    let mut hearings: Vec<usize> =
        (0..instance.hearings().len()).filter(|&h| instance.hearings()[h].chamber == dossier.chamber).collect();
    hearings.sort_by_key(|&h| (instance.hearings()[h].date, instance.hearings()[h].half_day, h));
    let mut verdicts = Vec::new();
    for h in hearings {
        let hearing = &instance.hearings()[h];
        let when = format!("{} {} {}", hearing.date, hearing.half_day, hearing.formation);
        let value = candidates::benchmark_value(instance, dossier, hearing);
        let (possible, verdict) = if let Some(filter) = candidates::instance_filter(instance, dossier, hearing) {
            (false, format!("écartée : {}", filter.label_fr()))
        } else if let Some(filter) =
            bench_of(h).and_then(|bench| candidates::bench_filter(instance, dossier, hearing, Some(&bench)))
        {
            (false, format!("écartée : {}", filter.label_fr()))
        } else {
            let (weight, count) = load.get(&h).copied().unwrap_or_default();
            let busy: Vec<String> = dossier
                .rapporteurs
                .iter()
                .filter_map(|id| instance.magistrate_idx(id))
                .filter_map(|m| {
                    let magistrate = &instance.magistrates()[m];
                    let attended = attends.get(&m).cloned().unwrap_or_default();
                    if attended.contains(&h) {
                        return None;
                    }
                    let same_slot = attended.iter().find(|&&o| {
                        let other = &instance.hearings()[o];
                        other.date == hearing.date && other.half_day == hearing.half_day
                    });
                    if let Some(&o) = same_slot {
                        return Some(format!(
                            "le rapporteur {} est attendu à {} la même demi-journée",
                            magistrate.id,
                            instance.hearings()[o].id
                        ));
                    }
                    let week = greffe_models::dates::iso_week(hearing.date);
                    let in_week = attended
                        .iter()
                        .filter(|&&o| greffe_models::dates::iso_week(instance.hearings()[o].date) == week)
                        .count();
                    (in_week >= magistrate.max_hearings_per_week as usize).then(|| {
                        format!(
                            "le rapporteur {} a atteint son plafond de {} audiences cette semaine",
                            magistrate.id, magistrate.max_hearings_per_week
                        )
                    })
                })
                .collect();
            if placed == Some(h) {
                (true, format!("retenue (valeur {value:.2})"))
            } else if weight + dossier.weight > hearing.capacity_weight + 1e-9 || count + 1 > hearing.capacity_count {
                (
                    true,
                    format!(
                        "compatible mais complète : poids {weight}/{}, {count}/{} dossiers (valeur {value:.2})",
                        hearing.capacity_weight, hearing.capacity_count
                    ),
                )
            } else if !busy.is_empty() {
                (true, format!("compatible mais {}", busy.join(" ; ")))
            } else if bench_of(h).is_none() && !load.contains_key(&h) {
                (true, format!("compatible, audience non utilisée au projet (valeur {value:.2})"))
            } else {
                (true, format!("compatible, place disponible (valeur {value:.2})"))
            }
        };
        verdicts.push(HearingVerdict { hearing: hearing.id.clone(), when, possible, verdict });
    }
    let summary = match placed {
        Some(h) => {
            let hearing = &instance.hearings()[h];
            format!(
                "Le dossier {} (pourvoi {}) est audiencé le {} ({}) à l'audience {} en formation {}.",
                dossier.id, dossier.pourvoi, hearing.date, hearing.half_day, hearing.id, hearing.formation
            )
        }
        None => match plan.unscheduled.iter().find(|u| &u.dossier == dossier_id) {
            Some(entry) => format!(
                "Le dossier {} (pourvoi {}) n'est pas audiencé — {} : {}{}",
                dossier.id,
                dossier.pourvoi,
                entry.reason,
                entry.reason.label_fr(),
                if entry.detail.is_empty() { String::new() } else { format!(" ({})", entry.detail) }
            ),
            None => format!("Le dossier {} ne figure pas dans le projet.", dossier.id),
        },
    };
    let broken = plan
        .broken_requirements
        .iter()
        .filter(|b| &b.dossier == dossier_id)
        .map(|b| format!(" Exigence non satisfaite ({}, {}) : {}", b.requirement, b.cause, b.detail))
        .collect::<String>();
    Some(Explanation { dossier: dossier.id.clone(), summary: summary + &broken, hearings: verdicts })
}
