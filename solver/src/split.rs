//! A chamber too large for one model, planned as two chambers of about
//! half its size.
//!
//! Its magistrates are dealt to two halves by the dossiers they report:
//! the rapporteurs of one dossier, or of one joined group, go together, and
//! each group goes to the lighter half by the weight of its dossiers. The
//! president, the doyens, whoever sits on a bench that is not the planner's
//! (an FP composition, a locked bench) and the rapporteurs of dossiers heard
//! only in formation plénière stay in the first half, with those hearings.
//! The other hearings alternate between the halves, per formation, in date
//! order; a dossier goes with its rapporteurs, a pinned dossier takes its
//! hearing along. Each half draws its benches from its own members only, so
//! no magistrate sits in both and the halves are planned independently; a
//! plan of the two is a plan of the chamber. Its bound is not the sum of
//! the halves' (they plan a narrower problem): the caller computes it on
//! the whole chamber, starting from the halves' prices.
//!
//! Why (measured, `docs/benchmarks.md` « eleventh », « twelfth »): a
//! chamber twice today's size planned whole stalls — the criminal chamber
//! at 0.60 % from its bound after ten minutes — while its two halves reach
//! 0.24 % in 40 s; a chamber of today's size loses by being split.

use std::collections::BTreeMap;

use greffe_models::{FormationCode, Role};

use crate::chamber::Chamber;

/// The fewest bench members (presidents, doyens, conseillers) for which a
/// chamber is split: on the court whose chambers are twice their size
/// (`--chamber-factor 2`, 20 s, seeds 1–3), splitting the two chambers
/// above it (46 and 67 members) gave 0.42–0.51 % from the bound where the
/// whole chambers gave 0.59–0.74 %, and splitting the next one too (39)
/// 0.47–0.56 %; today's largest chamber has 35 (`docs/benchmarks.md`,
/// « eleventh »).
pub(crate) const SPLIT_MIN_MEMBERS: usize = 42;

/// Union-find over magistrate indexes.
struct Groups(BTreeMap<usize, usize>);

impl Groups {
    fn find(&mut self, m: usize) -> usize {
        let mut root = *self.0.entry(m).or_insert(m);
        while self.0[&root] != root {
            root = self.0[&root];
        }
        self.0.insert(m, root);
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        self.0.insert(a, b);
    }
}

/// `whole` as two halves, when it has at least `min_members` bench members
/// and no sections (a section's benches are drawn from it, with
/// replacements from the others: rules over the whole chamber); `None`
/// when it is smaller, or cannot be split (a half without hearings or
/// dossiers, a pinned hearing claimed by both).
pub(crate) fn halves<'a>(whole: &Chamber<'a>, min_members: usize) -> Option<[Chamber<'a>; 2]> {
    let instance = whole.instance;
    let magistrates = instance.magistrates();
    let eligible = whole.eligible();
    let sectioned = (0..whole.hearings.len()).any(|h| whole.hearing(h).section.is_some())
        || (0..whole.dossiers.len()).any(|d| whole.dossier(d).section.is_some());
    if eligible.len() < min_members || sectioned || whole.members.is_some() {
        return None;
    }
    let index = |id: &greffe_models::MagistrateId| instance.magistrate_idx(id);
    let fp_only = |d: usize| whole.dossier(d).formations.iter().all(|f| *f == FormationCode::Pleniere);
    // Rapporteurs of one dossier or one joined group go together.
    let mut groups = Groups(BTreeMap::new());
    for d in 0..whole.dossiers.len() {
        let rapporteurs: Vec<usize> = whole.dossier(d).rapporteurs.iter().filter_map(index).collect();
        for pair in rapporteurs.windows(2) {
            groups.union(pair[0], pair[1]);
        }
        if let Some(&first) = rapporteurs.first() {
            groups.find(first);
        }
    }
    let first_rapporteur = |d: usize| whole.dossier(d).rapporteurs.first().and_then(index);
    for members in &whole.groups {
        let firsts: Vec<usize> = members.iter().filter_map(|&d| first_rapporteur(d)).collect();
        for pair in firsts.windows(2) {
            groups.union(pair[0], pair[1]);
        }
    }
    // Who stays in the first half: the heads, the given benches' members,
    // the rapporteurs of dossiers heard only in formation plénière.
    let mut stays: Vec<usize> = (0..magistrates.len())
        .filter(|&m| magistrates[m].chamber == whole.id && matches!(magistrates[m].role, Role::President | Role::Doyen))
        .collect();
    stays.extend(whole.fixed.iter().flatten().flatten().copied());
    stays.extend((0..whole.dossiers.len()).filter(|&d| fp_only(d)).filter_map(first_rapporteur));
    let stay_roots: std::collections::BTreeSet<usize> = stays.iter().map(|&m| groups.find(m)).collect();
    // Each group to the lighter half by the weight of its dossiers.
    let mut load: BTreeMap<usize, f64> = BTreeMap::new();
    for d in 0..whole.dossiers.len() {
        if let Some(r) = first_rapporteur(d) {
            *load.entry(groups.find(r)).or_default() += whole.dossier(d).weight;
        }
    }
    let mut roots: Vec<(usize, f64)> = load.into_iter().collect();
    roots.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut side_of_root: BTreeMap<usize, usize> = BTreeMap::new();
    let mut total = [0.0f64; 2];
    for (root, weight) in roots {
        let side = usize::from(!(stay_roots.contains(&root) || total[0] <= total[1]));
        side_of_root.insert(root, side);
        total[side] += weight;
    }
    // Every magistrate of the chamber: the stayers first, a reporting one
    // with its group, the others alternately per role.
    let mut alternate: BTreeMap<Role, usize> = BTreeMap::new();
    let mut members: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for m in (0..magistrates.len()).filter(|&m| magistrates[m].chamber == whole.id) {
        let side = if stays.contains(&m) {
            0
        } else if groups.0.contains_key(&m) {
            let root = groups.find(m);
            side_of_root.get(&root).copied().unwrap_or(0)
        } else {
            let turn = alternate.entry(magistrates[m].role).or_default();
            *turn += 1;
            (*turn + 1) % 2
        };
        members[side].push(m);
    }
    let side_of_magistrate = |m: usize| usize::from(members[1].contains(&m));
    // Dossiers with their first rapporteur; a joined group with its first.
    let mut dossier_side: Vec<usize> = (0..whole.dossiers.len())
        .map(|d| if fp_only(d) { 0 } else { first_rapporteur(d).map_or(0, side_of_magistrate) })
        .collect();
    for group in &whole.groups {
        let side = dossier_side[group[0]];
        for &d in group {
            dossier_side[d] = side;
        }
    }
    // Hearings: FP and given benches in the first half, the others
    // alternating per formation; a pinned dossier takes its hearing along.
    let mut turns: BTreeMap<FormationCode, usize> = BTreeMap::new();
    let mut forced = vec![false; whole.hearings.len()];
    let mut hearing_side: Vec<usize> = (0..whole.hearings.len())
        .map(|h| {
            let formation = whole.hearing(h).formation;
            if formation == FormationCode::Pleniere || whole.is_fixed(h) {
                forced[h] = true;
                return 0;
            }
            let turn = turns.entry(formation).or_default();
            *turn += 1;
            (*turn + 1) % 2
        })
        .collect();
    for (d, &side) in dossier_side.iter().enumerate() {
        let Some(pinned) = whole.dossier(d).pinned_hearing.as_ref().and_then(|p| instance.hearing_idx(p)) else {
            continue;
        };
        let Some(h) = whole.hearings.iter().position(|&g| g == pinned) else { continue };
        if hearing_side[h] != side {
            if forced[h] {
                return None;
            }
            hearing_side[h] = side;
        }
        forced[h] = true;
    }
    let half = |side: usize| -> Option<Chamber<'a>> {
        let hearings: Vec<usize> = (0..whole.hearings.len()).filter(|&h| hearing_side[h] == side).collect();
        let dossiers: Vec<usize> = (0..whole.dossiers.len()).filter(|&d| dossier_side[d] == side).collect();
        if hearings.is_empty() || dossiers.is_empty() {
            return None;
        }
        let mut local_hearing = vec![None; whole.hearings.len()];
        for (local, &h) in hearings.iter().enumerate() {
            local_hearing[h] = Some(local);
        }
        let mut local_dossier = vec![None; whole.dossiers.len()];
        for (local, &d) in dossiers.iter().enumerate() {
            local_dossier[d] = Some(local);
        }
        Some(Chamber {
            instance,
            id: whole.id.clone(),
            hearings: hearings.iter().map(|&h| whole.hearings[h]).collect(),
            dossiers: dossiers.iter().map(|&d| whole.dossiers[d]).collect(),
            candidates: dossiers
                .iter()
                .map(|&d| whole.candidates[d].iter().filter_map(|&h| local_hearing[h]).collect())
                .collect(),
            required: dossiers.iter().map(|&d| whole.required[d]).collect(),
            groups: whole
                .groups
                .iter()
                .filter(|group| dossier_side[group[0]] == side)
                .map(|group| group.iter().filter_map(|&d| local_dossier[d]).collect())
                .collect(),
            reserved: whole.reserved.clone(),
            fixed: hearings.iter().map(|&h| whole.fixed[h].clone()).collect(),
            members: Some(members[side].clone()),
        })
    };
    Some([half(0)?, half(1)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multi::Reserved;

    #[test]
    fn the_halves_share_no_dossier_hearing_or_member_and_keep_groups_and_heads_together() {
        let instance = crate::chamber::generated(3);
        let id = instance.chambers()[0].id.clone();
        let whole = Chamber::build(&instance, &id, false, &Reserved::default());
        assert!(halves(&whole, whole.eligible().len() + 1).is_none(), "under the size: whole");
        let [a, b] = halves(&whole, 1).expect("split");
        // Dossiers and hearings: each in exactly one half.
        let mut dossiers: Vec<usize> = a.dossiers.iter().chain(&b.dossiers).copied().collect();
        dossiers.sort_unstable();
        assert_eq!(dossiers, whole.dossiers);
        let mut hearings: Vec<usize> = a.hearings.iter().chain(&b.hearings).copied().collect();
        hearings.sort_unstable();
        let mut all = whole.hearings.clone();
        all.sort_unstable();
        assert_eq!(hearings, all);
        // Members: disjoint, every bench member in one, the heads in the first.
        let (ma, mb) = (a.eligible(), b.eligible());
        assert!(ma.iter().all(|m| !mb.contains(m)));
        assert_eq!(ma.len() + mb.len(), whole.eligible().len());
        let heads = whole
            .eligible()
            .into_iter()
            .filter(|&m| matches!(instance.magistrates()[m].role, Role::President | Role::Doyen));
        assert!(heads.into_iter().all(|m| ma.contains(&m)), "president and doyens in the first half");
        // A dossier's candidates are its half's hearings; its rapporteur is of its half.
        for half in [&a, &b] {
            let members = half.members.as_ref().expect("a half");
            for d in 0..half.dossiers.len() {
                assert!(half.candidates[d].iter().all(|&h| h < half.hearings.len()));
                if let Some(r) = half.dossier(d).rapporteurs.first().and_then(|r| instance.magistrate_idx(r)) {
                    assert!(members.contains(&r), "a dossier goes with its rapporteur");
                }
            }
        }
        // A joined group stays whole.
        assert!(!whole.groups.is_empty(), "the instance has joined groups");
        assert_eq!(a.groups.len() + b.groups.len(), whole.groups.len());
        assert!(a.groups.iter().chain(&b.groups).all(|g| g.len() > 1));
    }
}
