//! Greedy plan for a chamber with fixed benches: work by urgency and
//! priority, each dossier (or joined group) at its most valuable hearing
//! that still has room and where its rapporteurs can attend. Lawful by
//! construction; the MILP's warm start and its fallback.

use std::collections::{BTreeMap, BTreeSet};

use crate::benches::Benches;
use crate::chamber::Chamber;

/// Attendance ledger: who attends which local hearing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    /// Per magistrate: attended local hearings.
    attends: BTreeMap<usize, BTreeSet<usize>>,
}

impl Ledger {
    pub(crate) fn with_benches(benches: &Benches) -> Ledger {
        let mut ledger = Ledger::default();
        for (h, bench) in benches.iter().enumerate() {
            for &m in bench.iter().flatten() {
                ledger.attends.entry(m).or_default().insert(h);
            }
        }
        ledger
    }

    /// Whether magistrate `m` can (also) attend local hearing `h`.
    pub(crate) fn can_attend(&self, chamber: &Chamber<'_>, m: usize, h: usize) -> bool {
        let hearing = chamber.hearing(h);
        if chamber.reserved.at(m, hearing) {
            return false;
        }
        let Some(attended) = self.attends.get(&m) else {
            return chamber.reserved.cap_left(chamber.instance, m, hearing.date) > 0;
        };
        if attended.contains(&h) {
            return true;
        }
        let week = greffe_models::dates::iso_week(hearing.date);
        let mut in_week = chamber.reserved.in_week(m, hearing.date);
        for &other in attended {
            let other = chamber.hearing(other);
            if other.date == hearing.date && other.half_day == hearing.half_day {
                return false;
            }
            in_week += u32::from(greffe_models::dates::iso_week(other.date) == week);
        }
        in_week < chamber.instance.magistrates()[m].max_hearings_per_week
    }

    /// Whether magistrate `m` attends local hearing `h`.
    pub(crate) fn attends(&self, m: usize, h: usize) -> bool {
        self.attends.get(&m).is_some_and(|hearings| hearings.contains(&h))
    }

    pub(crate) fn attend(&mut self, m: usize, h: usize) {
        self.attends.entry(m).or_default().insert(h);
    }
}

/// The units a chamber's dossiers are placed by: each dossier alone, or its
/// joined group (local indexes, at the group's first member).
pub(crate) fn units(chamber: &Chamber<'_>) -> Vec<Vec<usize>> {
    let n = chamber.dossiers.len();
    let group_of = chamber.group_of();
    let mut units: Vec<Vec<usize>> = Vec::new();
    let mut seen = vec![false; n];
    for d in 0..n {
        if seen[d] {
            continue;
        }
        let unit = match group_of[d] {
            Some(g) => chamber.groups[g].clone(),
            None => vec![d],
        };
        for &member in &unit {
            seen[member] = true;
        }
        units.push(unit);
    }
    units
}

/// How urgent a unit is: whether it holds a hard requirement, then its
/// total priority (larger first).
pub(crate) fn urgency(chamber: &Chamber<'_>, unit: &[usize]) -> (bool, f64) {
    let required = unit.iter().any(|&d| chamber.required[d].is_some());
    let priority: f64 = unit.iter().map(|&d| chamber.dossier(d).priority).sum();
    (required, priority)
}

/// Lawful pairs (local dossier, local hearing, value) per dossier, best first.
pub(crate) fn greedy(chamber: &Chamber<'_>, benches: &Benches, pairs: &[Vec<(usize, f64)>]) -> Vec<Option<usize>> {
    let instance = chamber.instance;
    let n = chamber.dossiers.len();
    let mut units = units(chamber);
    units.sort_by(|a, b| {
        let (ra, pa) = urgency(chamber, a);
        let (rb, pb) = urgency(chamber, b);
        rb.cmp(&ra).then(pb.total_cmp(&pa)).then(a[0].cmp(&b[0]))
    });
    let mut weight_left: Vec<f64> = (0..chamber.hearings.len()).map(|h| chamber.hearing(h).capacity_weight).collect();
    let mut count_left: Vec<u32> = (0..chamber.hearings.len()).map(|h| chamber.hearing(h).capacity_count).collect();
    let mut ledger = Ledger::with_benches(benches);
    let mut assigned = vec![None; n];
    for unit in units {
        let lead = unit[0];
        let weight: f64 = unit.iter().map(|&d| chamber.dossier(d).weight).sum();
        let count = unit.len() as u32;
        let mut options: Vec<(usize, f64)> = pairs[lead]
            .iter()
            .filter(|(h, _)| unit.iter().all(|&d| crate::model::pair_value(pairs, d, *h).is_some()))
            .map(|&(h, _)| (h, unit.iter().map(|&d| crate::model::pair_value(pairs, d, h).unwrap_or(0.0)).sum()))
            .collect();
        options.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (h, _) in options {
            if weight_left[h] + 1e-9 < weight || count_left[h] < count {
                continue;
            }
            let rapporteurs: BTreeSet<usize> = unit
                .iter()
                .flat_map(|&d| chamber.dossier(d).rapporteurs.iter())
                .filter_map(|id| instance.magistrate_idx(id))
                .collect();
            if !rapporteurs.iter().all(|&m| ledger.can_attend(chamber, m, h)) {
                continue;
            }
            for &m in &rapporteurs {
                ledger.attend(m, h);
            }
            weight_left[h] -= weight;
            count_left[h] -= count;
            for &d in &unit {
                assigned[d] = Some(h);
            }
            break;
        }
    }
    assigned
}
