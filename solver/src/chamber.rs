//! One chamber's sub-problem: its hearings, its dossiers, their lawful
//! candidate hearings, the hard requirements, the joined groups.

use std::collections::BTreeMap;

use greffe_models::{ChamberId, Instance};

use crate::candidates;
use crate::multi::Reserved;

/// A hard requirement on a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// A latest hearing date inside the horizon.
    Deadline,
    /// A published assignment.
    Pinned,
}

impl Requirement {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Deadline => "deadline",
            Self::Pinned => "pinned",
        }
    }
}

/// A chamber's sub-problem (indexes: `hearings` and `dossiers` hold global
/// indexes; everything else is indexed locally).
#[derive(Debug)]
pub(crate) struct Chamber<'a> {
    pub(crate) instance: &'a Instance,
    pub(crate) id: ChamberId,
    /// Global hearing indexes, in date and half-day order.
    pub(crate) hearings: Vec<usize>,
    /// Global dossier indexes.
    pub(crate) dossiers: Vec<usize>,
    /// Per local dossier: local hearings passing the instance-level filters
    /// (restricted to the pinned hearing when pinned dossiers may not move,
    /// and to the hearings common to its joined group).
    pub(crate) candidates: Vec<Vec<usize>>,
    /// Per local dossier: its hard requirement, if any.
    pub(crate) required: Vec<Option<Requirement>>,
    /// Joined groups of two or more, as local dossier indexes.
    pub(crate) groups: Vec<Vec<usize>>,
    /// Half-days and weekly attendances of the chamber's magistrates taken
    /// by the chambre mixte and the assemblée plénière.
    pub(crate) reserved: Reserved,
    /// Per local hearing: the bench that is not the planner's to choose —
    /// a locked bench, or the composition the law gives an FP hearing that
    /// states one (`greffe_models::plenary`, without whoever the chambre
    /// mixte or the assemblée plénière takes that half-day).
    pub(crate) fixed: Vec<Option<Vec<usize>>>,
    /// The magistrates its benches draw from, when not all the chamber's:
    /// one half of a chamber split in two ([`crate::split`]).
    pub(crate) members: Option<Vec<usize>>,
}

impl<'a> Chamber<'a> {
    pub(crate) fn build(
        instance: &'a Instance,
        id: &ChamberId,
        allow_moving_pinned: bool,
        reserved: &Reserved,
    ) -> Chamber<'a> {
        let mut hearings: Vec<usize> =
            (0..instance.hearings().len()).filter(|&h| &instance.hearings()[h].chamber == id).collect();
        hearings.sort_by_key(|&h| {
            let hearing = &instance.hearings()[h];
            (hearing.date, hearing.half_day, h)
        });
        let dossiers: Vec<usize> =
            (0..instance.dossiers().len()).filter(|&d| &instance.dossiers()[d].chamber == id).collect();
        let horizon_end = instance.horizon().end();
        let mut candidates = Vec::with_capacity(dossiers.len());
        let mut required = Vec::with_capacity(dossiers.len());
        for &d in &dossiers {
            let dossier = &instance.dossiers()[d];
            let mut list: Vec<usize> = (0..hearings.len())
                .filter(|&local| {
                    candidates::instance_filter(instance, dossier, &instance.hearings()[hearings[local]]).is_none()
                })
                .collect();
            let pinned = dossier.pinned_hearing.as_ref().and_then(|p| instance.hearing_idx(p));
            if let (Some(pinned), false) = (pinned, allow_moving_pinned) {
                list.retain(|&local| hearings[local] == pinned);
            }
            candidates.push(list);
            required.push(if pinned.is_some() {
                Some(Requirement::Pinned)
            } else if dossier.deadline.is_some_and(|deadline| deadline <= horizon_end) {
                Some(Requirement::Deadline)
            } else {
                None
            });
        }
        let mut by_group: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (local, &d) in dossiers.iter().enumerate() {
            if let Some(group) = &instance.dossiers()[d].joined_group {
                by_group.entry(group.as_str()).or_default().push(local);
            }
        }
        let groups: Vec<Vec<usize>> = by_group.into_values().filter(|members| members.len() > 1).collect();
        // Joined dossiers can only go where all of them can.
        for members in &groups {
            let common: Vec<usize> = candidates[members[0]]
                .iter()
                .copied()
                .filter(|h| members.iter().all(|&d| candidates[d].contains(h)))
                .collect();
            for &d in members {
                candidates[d] = common.clone();
            }
        }
        let reserved = reserved.only(|m| &instance.magistrates()[m].chamber == id);
        let fixed = hearings.iter().map(|&h| fixed_bench(instance, &instance.hearings()[h], &reserved)).collect();
        Chamber {
            instance,
            id: id.clone(),
            hearings,
            dossiers,
            candidates,
            required,
            groups,
            reserved,
            fixed,
            members: None,
        }
    }

    /// The magistrates its benches may draw from: the chamber's bench
    /// members ([`crate::benches::eligible`]), or the half's.
    pub(crate) fn eligible(&self) -> Vec<usize> {
        let mut all = crate::benches::eligible(self.instance, &self.id);
        if let Some(members) = &self.members {
            all.retain(|m| members.contains(m));
        }
        all
    }

    /// Whether the bench of local hearing `h` is given (locked or composed
    /// by law) rather than chosen.
    pub(crate) fn is_fixed(&self, h: usize) -> bool {
        self.fixed[h].is_some()
    }

    /// The dossier at a local index.
    pub(crate) fn dossier(&self, local: usize) -> &'a greffe_models::Dossier {
        &self.instance.dossiers()[self.dossiers[local]]
    }

    /// The hearing at a local index.
    pub(crate) fn hearing(&self, local: usize) -> &'a greffe_models::Hearing {
        &self.instance.hearings()[self.hearings[local]]
    }

    /// The local group of each local dossier.
    pub(crate) fn group_of(&self) -> Vec<Option<usize>> {
        let mut group_of = vec![None; self.dossiers.len()];
        for (g, members) in self.groups.iter().enumerate() {
            for &d in members {
                group_of[d] = Some(g);
            }
        }
        group_of
    }
}

/// The bench of `hearing` that is not the planner's to choose: its locked
/// bench, or the law's composition of an FP hearing stating one, left
/// without the absent and those `reserved` takes that half-day.
pub(crate) fn fixed_bench(
    instance: &Instance,
    hearing: &greffe_models::Hearing,
    reserved: &Reserved,
) -> Option<Vec<usize>> {
    if let Some(locked) = &hearing.locked_bench {
        return Some(locked.iter().filter_map(|id| instance.magistrate_idx(id)).collect());
    }
    let magistrates = instance.magistrates();
    greffe_models::plenary::composition(magistrates, hearing, |m| {
        !magistrates[m].is_absent_on(hearing.date) && !reserved.at(m, hearing)
    })
}

/// The generated chamber at its real size over four weeks (`seed`), for
/// tests.
#[cfg(test)]
pub(crate) fn generated(seed: u64) -> greffe_models::Instance {
    let config = greffe_fixtures::GeneratorConfig::new(greffe_fixtures::Scale::Chamber, 4, seed);
    greffe_models::format::validate(&greffe_fixtures::generate(&config).expect("generated")).expect("valid")
}
