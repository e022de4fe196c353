//! Minimal-disruption repair of a published plan after events.
//!
//! Given the instance as it stands after the events (`greffe_models::events`)
//! and the previous plan, the repair keeps every assignment and bench seat
//! the events do not force to change, and re-places only what they force
//! out. Per chamber, in order:
//!
//! 1. **Forced out**: dossiers withdrawn, at a cancelled hearing, or that
//!    their hearing can no longer take (not ready, after a new deadline,
//!    rapporteur or avocat général absent); joined dossiers follow each
//!    other; then, at a hearing whose capacity fell, the fewest dossiers
//!    (unpublished first) leave.
//! 2. **Benches**: an absent member (or one recused from a published dossier
//!    heard there) is replaced by a member of the chamber who is free, under
//!    his weekly cap and lawful for every dossier of the hearing — same
//!    section first, then least loaded; one seat changes. A member recused
//!    from an unpublished dossier stays, and the dossier moves. When no
//!    replacement exists, the hearing's dossiers leave.
//! 3. **Re-placement** (a MILP, benches fixed): the dossiers forced out, the
//!    new ones and those with a deadline may go to any hearing that can take
//!    them, preferring the same ISO week as before (the chamber cannot
//!    change in model v1), published ones first; dossiers left out of the
//!    previous plan may only fill the room the events freed; every other
//!    assignment is fixed. When a deadline cannot be met so, a second MILP
//!    lets unpublished assignments of the chamber move, each move costing
//!    more than any gain in value.
//!
//! The **disruption** is reported next to a lower bound valid for every
//! lawful plan of the new instance (see [`Disruption::minimum`]), so that
//! a repair whose changes equal the bound is proven minimal.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use greffe_checker::{CheckOptions, CheckReport, Violation, check};
use greffe_models::diff::{ImpliedTask, PlanDiff, diff, implied_tasks};
use greffe_models::events::Applied;
use greffe_models::{Bench, Instance, Plan, Unscheduled, sections};
use serde::{Deserialize, Serialize};

use crate::benches::{self, Benches};
use crate::candidates;
use crate::chamber::{Chamber, Requirement};
use crate::model;
use crate::multi::Reserved;
use crate::reasons;

/// What the repair may spend.
#[derive(Debug, Clone, Copy)]
pub struct RepairConfig {
    /// Wall-clock limit of the whole repair.
    pub time_limit: Duration,
    /// Deterministic work limit: branch-and-bound nodes per MILP.
    pub node_limit: Option<u64>,
    /// Seed of HiGHS.
    pub seed: u64,
}

impl Default for RepairConfig {
    fn default() -> Self {
        Self { time_limit: Duration::from_secs(5), node_limit: None, seed: 0 }
    }
}

/// How much a repair changed, next to what any lawful plan must change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disruption {
    /// Dossiers heard at another hearing.
    pub moved: usize,
    /// Dossiers heard before and not now.
    pub dropped: usize,
    /// Dossiers heard now and not before (new work, not counted in `changes`).
    pub added: usize,
    /// Bench seats now held by someone else (at hearings heard in both plans,
    /// every seat of a hearing heard only now).
    pub seats_changed: usize,
    /// `moved + dropped + seats_changed`.
    pub changes: usize,
    /// Lower bound on `changes` for every lawful plan of the new instance:
    /// each assignment the events make unlawful, plus per hearing the larger
    /// of the dossiers its reduced capacity must shed and — when seats must
    /// change — the fewer of its broken seats and its remaining dossiers.
    pub minimum: usize,
    /// Published dossiers moved or dropped, each for a reason given in the diff.
    pub published_changed: usize,
}

/// A repaired plan with its changes, the tasks they imply and the checker's
/// report (published dossiers may move when forced, so the report is made
/// with `allow_moving_pinned`; each such move is in the diff with its reason).
#[derive(Debug, Clone)]
pub struct Repaired {
    /// The repaired plan.
    pub plan: Plan,
    /// What changed from the previous plan, each change with its reason.
    pub diff: PlanDiff,
    /// Registry tasks the changes imply.
    pub tasks: Vec<ImpliedTask>,
    /// Changes next to the minimum.
    pub disruption: Disruption,
    /// The independent checker's report on the repaired plan.
    pub check: CheckReport,
    /// Violations the plan does not declare: a solver bug if ever non-empty.
    pub undeclared: Vec<Violation>,
    /// Wall time of the repair.
    pub repair_ms: u64,
}

/// Value bonus per move kept within the same ISO week, and for placing a
/// forced published dossier: in units of the chamber's largest pair value,
/// so that they outweigh any difference of dates.
const SAME_WEEK_BONUS: f64 = 1.0;
const PUBLISHED_BONUS: f64 = 2.0;
/// In the second pass, the value of keeping an assignment where it was.
const KEEP_BONUS: f64 = 10.0;
const PUBLISHED_KEEP_BONUS: f64 = 100.0;

/// One chamber's working state, in the chamber's local indexes.
struct Work<'a> {
    chamber: Chamber<'a>,
    /// Whether each dossier is published (pinned, or was pinned at a
    /// hearing now cancelled).
    published: Vec<bool>,
    eligible: Vec<usize>,
    /// Hearing of each dossier in the previous plan, when it still exists.
    previous: Vec<Option<usize>>,
    /// Whether the dossier was in the previous plan at all.
    listed: Vec<bool>,
    assigned: Vec<Option<usize>>,
    benches: Benches,
    /// Benches of the previous plan.
    previous_benches: Benches,
    /// Why a dossier had to leave its hearing.
    forced: BTreeMap<usize, String>,
    /// Why seats changed, per hearing.
    seat_reasons: BTreeMap<usize, Vec<String>>,
    /// Hearings that lost dossiers.
    freed: BTreeSet<usize>,
    /// Lower bound contributions counted so far.
    minimum: usize,
    /// For `mi` and `pl`: who the previous plan's other benches take.
    others: Reserved,
}

impl Work<'_> {
    fn force(&mut self, d: usize, reason: String) {
        if let Some(h) = self.assigned[d].take() {
            self.freed.insert(h);
            self.forced.entry(d).or_insert(reason);
        }
    }

    fn at(&self, h: usize) -> Vec<usize> {
        (0..self.assigned.len()).filter(|&d| self.assigned[d] == Some(h)).collect()
    }

    fn published(&self, d: usize) -> bool {
        self.published[d]
    }

    /// Joined dossiers stay together: when one left its hearing, the others
    /// there leave with it.
    fn follow_groups(&mut self) {
        for g in 0..self.chamber.groups.len() {
            let members = self.chamber.groups[g].clone();
            let Some(&gone) = members.iter().find(|&&d| self.forced.contains_key(&d)) else { continue };
            let id = self.chamber.dossier(gone).id.clone();
            for d in members {
                self.force(d, format!("joint au dossier {id}, qui doit quitter l'audience"));
            }
        }
    }
}

/// Repairs `previous` for the instance as it stands after the events.
pub fn repair(after: &Applied, previous: &Plan, config: &RepairConfig) -> Repaired {
    let started = Instant::now();
    let instance = &after.instance;
    let mut dropped_withdrawn = 0usize;
    // Hearings whose withdrawn dossiers leave room.
    let mut withdrawn_from: BTreeSet<usize> = BTreeSet::new();
    let mut by_chamber: BTreeMap<&greffe_models::ChamberId, Vec<(usize, Option<usize>)>> = BTreeMap::new();
    let mut gone_hearing: HashMap<usize, String> = HashMap::new();
    for assignment in &previous.assignments {
        let Some(d) = instance.dossier_idx(&assignment.dossier) else {
            dropped_withdrawn += 1;
            withdrawn_from.extend(instance.hearing_idx(&assignment.hearing));
            continue;
        };
        let h = instance.hearing_idx(&assignment.hearing);
        if h.is_none() {
            gone_hearing.insert(d, format!("l'audience {} est annulée", assignment.hearing));
        }
        by_chamber.entry(&instance.dossiers()[d].chamber).or_default().push((d, h));
    }
    let listed: BTreeSet<&greffe_models::DossierId> = previous
        .assignments
        .iter()
        .map(|a| &a.dossier)
        .chain(previous.unscheduled.iter().map(|u| &u.dossier))
        .collect();
    let previous_bench: HashMap<&greffe_models::HearingId, &Bench> =
        previous.benches.iter().map(|b| (&b.hearing, b)).collect();

    // The chambre mixte and the assemblée plénière first: their benches are
    // recomposed by law against the previous plan's other benches, then the
    // chambers are repaired around who they take.
    let mut chamber_ids: Vec<_> = instance.chambers().iter().map(|c| c.id.clone()).collect();
    chamber_ids.sort_by_key(|id| !greffe_models::multi::is_multi_chamber_id(id));
    let mut works: Vec<Work<'_>> = Vec::with_capacity(chamber_ids.len());
    let n_chambers = chamber_ids.len().max(1) as u32;
    let mut reserved: Option<Reserved> = None;
    for (c, id) in chamber_ids.iter().enumerate() {
        let multi_chamber = greffe_models::multi::is_multi_chamber_id(id);
        let others = if multi_chamber {
            previous_reserved(instance, previous, |hearing| &hearing.chamber != id)
        } else {
            Reserved::default()
        };
        // Who the repaired CM/AP benches take, once they are all repaired
        // (they come first): computed at the first chamber of the court.
        let chamber = if multi_chamber {
            Chamber::build(instance, id, true, &others)
        } else {
            Chamber::build(instance, id, true, reserved.get_or_insert_with(|| multi_reserved(instance, &works)))
        };
        let local_h: HashMap<usize, usize> = chamber.hearings.iter().enumerate().map(|(l, &g)| (g, l)).collect();
        let local_d: HashMap<usize, usize> = chamber.dossiers.iter().enumerate().map(|(l, &g)| (g, l)).collect();
        let n = chamber.dossiers.len();
        let published = chamber
            .dossiers
            .iter()
            .map(|&d| {
                let dossier = &instance.dossiers()[d];
                dossier.pinned_hearing.is_some() || after.unpinned.contains(&dossier.id)
            })
            .collect();
        let mut work = Work {
            published,
            eligible: benches::eligible(instance, id),
            previous: vec![None; n],
            listed: chamber.dossiers.iter().map(|&d| listed.contains(&instance.dossiers()[d].id)).collect(),
            assigned: vec![None; n],
            benches: vec![None; chamber.hearings.len()],
            previous_benches: vec![None; chamber.hearings.len()],
            forced: BTreeMap::new(),
            seat_reasons: BTreeMap::new(),
            freed: BTreeSet::new(),
            minimum: 0,
            others,
            chamber,
        };
        for &(d, h) in by_chamber.get(id).map(Vec::as_slice).unwrap_or_default() {
            let d = local_d[&d];
            match h.and_then(|h| local_h.get(&h)) {
                Some(&h) => {
                    work.previous[d] = Some(h);
                    work.assigned[d] = Some(h);
                }
                None => {
                    let reason = gone_hearing
                        .get(&work.chamber.dossiers[d])
                        .cloned()
                        .unwrap_or_else(|| "son audience n'est pas une audience de sa chambre".to_owned());
                    work.forced.insert(d, reason);
                    work.minimum += 1;
                }
            }
        }
        for (l, &g) in work.chamber.hearings.iter().enumerate() {
            if let Some(bench) = previous_bench.get(&instance.hearings()[g].id) {
                let members: Option<Vec<usize>> =
                    bench.members.iter().map(|id| instance.magistrate_idx(id)).collect::<Option<Vec<_>>>();
                let mut members = members.unwrap_or_default();
                members.sort_unstable();
                work.previous_benches[l] = (!members.is_empty()).then_some(members);
            }
        }
        work.benches = work.previous_benches.clone();
        work.freed.extend(withdrawn_from.iter().filter_map(|h| local_h.get(h)));
        let remaining = config.time_limit.saturating_sub(started.elapsed()) / (n_chambers - c as u32).max(1);
        repair_chamber(&mut work, config, Instant::now() + remaining);
        works.push(work);
    }

    let plan = assemble(instance, previous, &works, started);
    let mut changes = diff(previous, &plan);
    annotate(instance, &mut changes, &works, &listed, &plan);
    let tasks = implied_tasks(instance, &changes, &plan);
    let report = check(instance, &plan, CheckOptions { allow_moving_pinned: true });
    let undeclared = crate::undeclared(&plan, &report);
    let was_published = |id: &greffe_models::DossierId| {
        instance.dossier(id).is_some_and(|d| d.pinned_hearing.is_some()) || after.unpinned.contains(id)
    };
    let disruption = Disruption {
        moved: changes.moved.len(),
        dropped: changes.dropped.len(),
        added: changes.added.len(),
        seats_changed: changes.seats_changed(),
        changes: changes.changes(),
        minimum: dropped_withdrawn + works.iter().map(|w| w.minimum).sum::<usize>(),
        published_changed: changes.moved.iter().filter(|m| was_published(&m.dossier)).count()
            + changes.dropped.iter().filter(|p| was_published(&p.dossier)).count(),
    };
    Repaired {
        plan,
        diff: changes,
        tasks,
        disruption,
        check: report,
        undeclared,
        repair_ms: started.elapsed().as_millis() as u64,
    }
}

fn repair_chamber(work: &mut Work<'_>, config: &RepairConfig, deadline: Instant) {
    let instance = work.chamber.instance;
    // 1. Assignments the hearing can no longer take.
    for d in 0..work.assigned.len() {
        let Some(h) = work.assigned[d] else { continue };
        if let Some(filter) = candidates::instance_filter(instance, work.chamber.dossier(d), work.chamber.hearing(h)) {
            work.force(
                d,
                format!("l'audience {} ne peut plus le recevoir : {}", work.chamber.hearing(h).id, filter.label_fr()),
            );
            work.minimum += 1;
        }
    }
    let before_groups = work.forced.len();
    work.follow_groups();
    work.minimum += work.forced.len() - before_groups;

    // 2. Benches, and the capacity bound, hearing by hearing.
    // Any plan either keeps some of a hearing's dossiers there, and then
    // changes each broken seat or moves the dossiers that break it, or moves
    // them all; and it sheds what the capacity cannot hold.
    for h in 0..work.chamber.hearings.len() {
        let dossiers = work.at(h);
        let capacity_excess = shed_capacity(work, h, &dossiers);
        let broken_seats = repair_bench(work, h, &work.at(h));
        work.minimum += capacity_excess.max(broken_seats.min(dossiers.len()));
    }
    work.follow_groups();

    // 3. Re-place what left, the new and the urgent.
    let n = work.assigned.len();
    let horizon_end = instance.horizon().end();
    let has_deadline = |d: usize| work.chamber.dossier(d).deadline.is_some_and(|deadline| deadline <= horizon_end);
    let free: Vec<bool> = (0..n)
        .map(|d| work.assigned[d].is_none() && (work.forced.contains_key(&d) || !work.listed[d] || has_deadline(d)))
        .collect();
    if !free.iter().any(|&f| f) && work.freed.is_empty() {
        return;
    }
    let real_required: Vec<Option<Requirement>> =
        (0..n).map(|d| has_deadline(d).then_some(Requirement::Deadline)).collect();
    let lawful = |work: &Work<'_>, d: usize, h: usize| {
        let (dossier, hearing) = (work.chamber.dossier(d), work.chamber.hearing(h));
        work.benches[h].is_some()
            && candidates::instance_filter(instance, dossier, hearing).is_none()
            && candidates::bench_filter(instance, dossier, hearing, work.benches[h].as_deref()).is_none()
    };
    let n_hearings = work.chamber.hearings.len();
    let max_value = (0..n)
        .flat_map(|d| (0..n_hearings).map(move |h| (d, h)))
        .filter(|&(d, h)| work.assigned[d] == Some(h) || free[d])
        .map(|(d, h)| candidates::benchmark_value(instance, work.chamber.dossier(d), work.chamber.hearing(h)))
        .fold(1.0, f64::max);
    let weeks: Vec<_> = (0..n_hearings).map(|h| greffe_models::dates::iso_week(work.chamber.hearing(h).date)).collect();
    let value = |work: &Work<'_>, d: usize, h: usize| {
        let mut value = candidates::benchmark_value(instance, work.chamber.dossier(d), work.chamber.hearing(h));
        if work.forced.contains_key(&d) {
            if work.previous[d].is_some_and(|p| weeks[p] == weeks[h]) {
                value += SAME_WEEK_BONUS * max_value;
            }
            if work.published(d) {
                value += PUBLISHED_BONUS * max_value;
            }
        }
        value
    };
    let mut pairs: model::Pairs = vec![Vec::new(); n];
    let mut required: Vec<Option<Requirement>> = vec![None; n];
    for d in 0..n {
        if let Some(h) = work.assigned[d] {
            pairs[d] = vec![(h, value(work, d, h))];
            required[d] = Some(Requirement::Pinned);
        } else if free[d] || work.listed[d] {
            pairs[d] = (0..n_hearings)
                .filter(|&h| (free[d] || work.freed.contains(&h)) && lawful(work, d, h))
                .map(|h| (h, value(work, d, h)))
                .collect();
            required[d] = real_required[d];
        }
    }
    let first = place(work, &pairs, &required, config, deadline, max_value);
    work.assigned = first;
    let unmet = (0..n).any(|d| real_required[d].is_some() && work.assigned[d].is_none());
    if unmet {
        // Second pass: a statutory deadline forces room to be made. Other
        // assignments may move, each move costing more than any value, a
        // published one most.
        let mut wide = pairs.clone();
        for d in 0..n {
            let Some(h) = work.assigned[d] else { continue };
            if free[d] {
                continue;
            }
            let keep = if work.published(d) { PUBLISHED_KEEP_BONUS } else { KEEP_BONUS } * max_value;
            wide[d] = (0..n_hearings)
                .filter(|&other| lawful(work, d, other))
                .map(|other| (other, value(work, d, other) + if other == h { keep } else { 0.0 }))
                .collect();
            required[d] = real_required[d];
        }
        work.assigned = place(work, &wide, &required, config, deadline, max_value);
    }
    work.chamber.required = real_required;
    give_seats_back(work);
}

/// Seats of other sections' members go back to the hearing's section where
/// one of its members is free after the repair (`sections::settle`), among
/// the benches the repaired plan lists.
fn give_seats_back(work: &mut Work<'_>) {
    let mut listed: Benches = work
        .benches
        .iter()
        .enumerate()
        .map(|(h, bench)| bench.clone().filter(|bench| lists_bench(work, h, bench)))
        .collect();
    let magistrates = work.chamber.instance.magistrates();
    for (h, out, member) in crate::sections::settle(&work.chamber, &work.assigned, &mut listed, &work.eligible) {
        work.benches[h] = listed[h].clone();
        work.seat_reasons.entry(h).or_default().push(format!(
            "{} (autre section) remplacé par {}, disponible et prioritaire (R431-6 COJ)",
            magistrates[out].id, magistrates[member].id
        ));
    }
}

/// Whether the repaired plan lists bench `bench` of local hearing `h`: the
/// hearing is used, or its bench is the previous plan's, unchanged.
fn lists_bench(work: &Work<'_>, h: usize, bench: &[usize]) -> bool {
    work.assigned.contains(&Some(h)) || work.previous_benches[h].as_deref() == Some(bench)
}

/// Removes the fewest dossiers (unpublished, heaviest first when the weight
/// is over) from hearing `h` until it fits its capacity; returns the least
/// number of removals any plan needs there.
fn shed_capacity(work: &mut Work<'_>, h: usize, dossiers: &[usize]) -> usize {
    let hearing = work.chamber.hearing(h);
    let weight: f64 = dossiers.iter().map(|&d| work.chamber.dossier(d).weight).sum();
    let count_excess = dossiers.len().saturating_sub(hearing.capacity_count as usize);
    let mut weight_excess = weight - hearing.capacity_weight;
    if count_excess == 0 && weight_excess <= 1e-9 {
        return 0;
    }
    // The bound: removing the heaviest first needs the fewest removals.
    let mut weights: Vec<f64> = dossiers.iter().map(|&d| work.chamber.dossier(d).weight).collect();
    weights.sort_by(|a, b| b.total_cmp(a));
    let mut by_weight = 0;
    let mut shed = 0.0;
    while shed < weight_excess - 1e-9 && by_weight < weights.len() {
        shed += weights[by_weight];
        by_weight += 1;
    }
    let bound = count_excess.max(by_weight);
    let mut order: Vec<usize> = dossiers.to_vec();
    order.sort_by(|&a, &b| {
        let (da, db) = (work.chamber.dossier(a), work.chamber.dossier(b));
        (work.published(a), db.weight, da.priority)
            .partial_cmp(&(work.published(b), da.weight, db.priority))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut count = dossiers.len();
    let reason = format!("la capacité de l'audience {} est réduite", hearing.id);
    for d in order {
        if count <= hearing.capacity_count as usize && weight_excess <= 1e-9 {
            break;
        }
        if work.assigned[d] != Some(h) {
            continue;
        }
        weight_excess -= work.chamber.dossier(d).weight;
        count -= 1;
        work.force(d, reason.clone());
    }
    bound
}

/// Replaces the members of hearing `h`'s bench who can no longer sit;
/// returns the number of broken seats (absent members, and members recused
/// from a dossier heard there), for the lower bound.
fn repair_bench(work: &mut Work<'_>, h: usize, dossiers: &[usize]) -> usize {
    let instance = work.chamber.instance;
    let Some(bench) = work.benches[h].clone() else { return 0 };
    let hearing = work.chamber.hearing(h);
    let magistrates = instance.magistrates();
    let absent: Vec<usize> = bench.iter().copied().filter(|&m| magistrates[m].is_absent_on(hearing.date)).collect();
    let recused: Vec<usize> = bench
        .iter()
        .copied()
        .filter(|m| !absent.contains(m))
        .filter(|&m| dossiers.iter().any(|&d| work.chamber.dossier(d).is_recused(&magistrates[m].id)))
        .collect();
    let broken = absent.len() + recused.len();
    if hearing.composition.is_some() {
        // The law composes an FP hearing from whoever can sit: recomposed
        // whenever that changed (an absence declared, or withdrawn).
        recompose_plenary(work, h, dossiers, &bench);
        return broken;
    }
    if broken == 0 {
        return 0;
    }
    if hearing.is_multi_chamber() {
        // The law names who replaces a CM or AP member who cannot sit.
        recompose(work, h, dossiers, &bench);
        return broken;
    }
    // A member recused from an unpublished dossier stays: the dossier moves.
    let mut leaving = absent.clone();
    for &m in &recused {
        let id = &magistrates[m].id;
        let recusing: Vec<usize> =
            dossiers.iter().copied().filter(|&d| work.chamber.dossier(d).is_recused(id)).collect();
        if recusing.iter().any(|&d| work.published(d)) && !work.chamber.is_fixed(h) {
            leaving.push(m);
        } else {
            for d in recusing {
                work.force(d, format!("{id}, récusé, siège à l'audience {}", hearing.id));
            }
        }
    }
    if leaving.is_empty() {
        return broken;
    }
    if !dossiers.iter().any(|&d| work.assigned[d] == Some(h)) {
        // Nothing left to hear: the hearing needs no bench.
        work.benches[h] = None;
        return broken;
    }
    let mut members: Vec<usize> = bench.iter().copied().filter(|m| !leaving.contains(m)).collect();
    let mut reasons = Vec::new();
    for &out in &leaving {
        let why = if absent.contains(&out) { "absent" } else { "récusé dans un dossier publié" };
        let replacement = if work.chamber.is_fixed(h) { None } else { replacement(work, h, &members, out) };
        match replacement {
            Some(m) => {
                members.push(m);
                reasons.push(format!("{} {why}, remplacé par {}", magistrates[out].id, magistrates[m].id));
            }
            None => {
                let why = format!("{} {why}, aucun remplaçant disponible", magistrates[out].id);
                no_bench(work, h, dossiers, &why);
                return broken;
            }
        }
    }
    members.sort_unstable();
    work.benches[h] = Some(members);
    work.seat_reasons.insert(h, reasons);
    broken
}

/// The best member to take `out`'s seat at hearing `h` next to `members`.
fn replacement(work: &Work<'_>, h: usize, members: &[usize], out: usize) -> Option<usize> {
    let instance = work.chamber.instance;
    let magistrates = instance.magistrates();
    let hearing = work.chamber.hearing(h);
    let rule = instance.formation(hearing.formation);
    let dossiers = work.at(h);
    // Attendance without the bench being repaired.
    let mut benches = work.benches.clone();
    benches[h] = Some(members.to_vec());
    let ledger = reasons::ledger(&work.chamber, &reasons::Outcome { benches: &benches, assigned: &work.assigned });
    let load = |m: usize| benches.iter().flatten().filter(|b| b.contains(&m)).count();
    work.eligible
        .iter()
        .copied()
        .filter(|&m| m != out && !members.contains(&m) && !magistrates[m].is_absent_on(hearing.date))
        .filter(|&m| ledger.can_attend(&work.chamber, m, h))
        .filter(|&m| {
            let mut bench = members.to_vec();
            bench.push(m);
            dossiers
                .iter()
                .all(|&d| candidates::bench_filter(instance, work.chamber.dossier(d), hearing, Some(&bench)).is_none())
        })
        .min_by_key(|&m| {
            // A section's hearing: its members first, then others by rank
            // (R431-6 COJ); elsewhere the leaving member's section first.
            let outsider = rule.is_some_and(|rule| !sections::of_section(hearing, rule, &magistrates[m]));
            let other_section = magistrates[m].section != magistrates[out].section;
            (outsider, other_section, if outsider { 0 } else { load(m) }, magistrates[m].precedence_key())
        })
}

/// Who the previous plan's benches of the hearings `keep` accepts take.
fn previous_reserved(instance: &Instance, previous: &Plan, keep: impl Fn(&greffe_models::Hearing) -> bool) -> Reserved {
    let mut reserved = Reserved::default();
    for bench in &previous.benches {
        let Some(hearing) = instance.hearing(&bench.hearing).filter(|h| keep(h)) else { continue };
        for m in bench.members.iter().filter_map(|id| instance.magistrate_idx(id)) {
            reserved.add(m, hearing);
        }
    }
    reserved
}

/// Who the repaired chambre mixte and assemblée plénière take: the benches
/// of their used hearings and the rapporteurs of the dossiers heard.
fn multi_reserved(instance: &Instance, works: &[Work<'_>]) -> Reserved {
    let mut reserved = Reserved::default();
    for work in works {
        for (h, bench) in work.benches.iter().enumerate() {
            let heard = work.at(h);
            if !heard.is_empty() {
                let bench = bench.as_deref().unwrap_or_default();
                reserved.sit(instance, work.chamber.hearing(h), bench, heard.iter().map(|&d| work.chamber.dossier(d)));
            }
        }
    }
    reserved
}

/// Recomposes a chambre mixte or assemblée plénière bench by law after
/// absences or recusals; when no lawful bench remains, the dossiers are
/// forced out with the reason.
fn recompose(work: &mut Work<'_>, h: usize, dossiers: &[usize], bench: &[usize]) {
    let instance = work.chamber.instance;
    let hearing = work.chamber.hearing(h);
    let taken = taken_elsewhere(work, h);
    let excluded: std::collections::HashSet<usize> = dossiers
        .iter()
        .flat_map(|&d| work.chamber.dossier(d).recusals.iter())
        .filter_map(|r| instance.magistrate_idx(&r.magistrate))
        .collect();
    let composed = crate::multi::compose(instance, hearing, &taken, &excluded).and_then(|members| {
        let lawful = dossiers
            .iter()
            .all(|&d| candidates::bench_filter(instance, work.chamber.dossier(d), hearing, Some(&members)).is_none());
        if lawful { Ok(members) } else { Err("le rapporteur ne fait plus partie de la composition".to_owned()) }
    });
    match composed {
        Ok(mut members) => {
            let reason = format!(
                "composition de droit ({}) : {} remplacé(s) par {}",
                greffe_models::multi::SOURCE,
                ids_not_in(instance, bench, &members).join(", "),
                ids_not_in(instance, &members, bench).join(", ")
            );
            members.sort_unstable();
            work.benches[h] = Some(members);
            work.seat_reasons.insert(h, vec![reason]);
        }
        Err(why) => no_bench(work, h, dossiers, &why),
    }
}

/// Recomposes FP hearing `h` in the composition it states (R421-4-1 COJ)
/// from whoever can sit that half-day (present, taken by no other bench nor
/// by the chambre mixte or the assemblée plénière — `chamber.reserved`); a dossier the new bench
/// cannot hear (a member recused) leaves it.
fn recompose_plenary(work: &mut Work<'_>, h: usize, dossiers: &[usize], bench: &[usize]) {
    let instance = work.chamber.instance;
    let magistrates = instance.magistrates();
    let hearing = work.chamber.hearing(h);
    let taken = taken_elsewhere(work, h);
    let composed = greffe_models::plenary::composition(magistrates, hearing, |m| {
        !magistrates[m].is_absent_on(hearing.date) && !taken.at(m, hearing) && !work.chamber.reserved.at(m, hearing)
    })
    .filter(|members| members.iter().any(|&m| magistrates[m].role.is_bench_eligible()));
    let Some(mut members) = composed else {
        no_bench(work, h, dossiers, "aucun conseiller de la chambre ne peut siéger");
        return;
    };
    for &d in dossiers {
        let dossier = work.chamber.dossier(d);
        if candidates::bench_filter(instance, dossier, hearing, Some(&members)).is_some() {
            work.force(d, format!("un magistrat récusé siège de droit à l'audience {}", hearing.id));
        }
    }
    members.sort_unstable();
    let mut given = bench.to_vec();
    given.sort_unstable();
    if members == given {
        return;
    }
    let out = ids_not_in(instance, bench, &members);
    let came = ids_not_in(instance, &members, bench);
    let mut changes = Vec::new();
    if !out.is_empty() {
        changes.push(format!("{} ne siège(nt) plus", out.join(", ")));
    }
    if !came.is_empty() {
        changes.push(format!("{} siège(nt)", came.join(", ")));
    }
    let reason = format!("composition de droit ({}) : {}", greffe_models::plenary::SOURCE, changes.join(", "));
    work.benches[h] = Some(members);
    work.seat_reasons.insert(h, vec![reason]);
}

/// Hearing `h` can have no bench: every dossier it hears leaves it, with
/// `why` in the reason.
fn no_bench(work: &mut Work<'_>, h: usize, dossiers: &[usize], why: &str) {
    let reason = format!("composition de l'audience {} impossible : {why}", work.chamber.hearing(h).id);
    for &d in dossiers {
        work.force(d, reason.clone());
    }
    work.benches[h] = None;
}

/// Who is taken outside hearing `h`: by the previous plan's other benches
/// (`work.others`, for `mi` and `pl`) and by the chamber's other benches.
fn taken_elsewhere(work: &Work<'_>, h: usize) -> Reserved {
    let mut taken = work.others.clone();
    for (other, members) in work.benches.iter().enumerate().filter(|(other, _)| *other != h) {
        for &m in members.iter().flatten() {
            taken.add(m, work.chamber.hearing(other));
        }
    }
    taken
}

/// The ids of the magistrates of `members` who are not in `others`.
fn ids_not_in<'i>(instance: &'i Instance, members: &[usize], others: &[usize]) -> Vec<&'i str> {
    members.iter().filter(|m| !others.contains(m)).map(|&m| instance.magistrates()[m].id.as_str()).collect()
}

/// Solves the chamber's placement MILP with fixed benches, starting from the
/// current assignments (a lawful plan).
fn place(
    work: &Work<'_>,
    pairs: &model::Pairs,
    required: &[Option<Requirement>],
    config: &RepairConfig,
    deadline: Instant,
    max_value: f64,
) -> Vec<Option<usize>> {
    let mut chamber = Chamber {
        instance: work.chamber.instance,
        id: work.chamber.id.clone(),
        hearings: work.chamber.hearings.clone(),
        dossiers: work.chamber.dossiers.clone(),
        candidates: pairs.iter().map(|row| row.iter().map(|p| p.0).collect()).collect(),
        required: required.to_vec(),
        groups: work.chamber.groups.clone(),
        reserved: work.chamber.reserved.clone(),
        fixed: work.chamber.fixed.clone(),
        members: work.chamber.members.clone(),
    };
    // Joined dossiers only where all of them can go.
    let mut pairs = pairs.clone();
    for members in &chamber.groups {
        let common: Vec<usize> = chamber.candidates[members[0]]
            .iter()
            .copied()
            .filter(|h| members.iter().all(|&d| chamber.candidates[d].contains(h)))
            .collect();
        for &d in members {
            pairs[d].retain(|(h, _)| common.contains(h));
            chamber.candidates[d].clone_from(&common);
        }
    }
    let start: Vec<Option<usize>> =
        work.assigned.iter().enumerate().map(|(d, a)| a.filter(|h| pairs[d].iter().any(|p| p.0 == *h))).collect();
    let fixed = vec![false; work.benches.len()];
    let input = model::MilpInput {
        chamber: &chamber,
        pairs: &pairs,
        free: &fixed,
        benches: &work.benches,
        start: &start,
        penalty: 10.0 * (PUBLISHED_KEEP_BONUS + 4.0) * max_value * (1.0 + chamber.dossiers.len() as f64),
        extras: model::Extras::default(),
        eligible: &work.eligible,
        relax: false,
    };
    let settings = model::MilpSettings {
        deadline,
        stop: &model::NEVER,
        gap: 1e-6,
        seed: config.seed,
        node_limit: config.node_limit,
        threads: 1,
    };
    model::solve(&input, settings).assigned
}

fn assemble(instance: &Instance, previous: &Plan, works: &[Work<'_>], started: Instant) -> Plan {
    let mut assignments: Vec<(usize, usize)> = Vec::new();
    let mut benches: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut unscheduled = Vec::new();
    let mut broken = Vec::new();
    let mut objective = 0.0;
    let previous_unscheduled: HashMap<&greffe_models::DossierId, &Unscheduled> =
        previous.unscheduled.iter().map(|u| (&u.dossier, u)).collect();
    for work in works {
        let chamber = &work.chamber;
        let outcome = reasons::Outcome { benches: &work.benches, assigned: &work.assigned };
        for (d, a) in work.assigned.iter().enumerate() {
            let dossier = chamber.dossier(d);
            if let Some(h) = *a {
                assignments.push((chamber.dossiers[d], chamber.hearings[h]));
                objective += candidates::benchmark_value(instance, dossier, chamber.hearing(h));
                continue;
            }
            let kept_reason = (work.previous[d].is_none() && !work.forced.contains_key(&d))
                .then(|| previous_unscheduled.get(&dossier.id))
                .flatten();
            match kept_reason {
                Some(entry) => unscheduled.push((*entry).clone()),
                None => {
                    let (reason, detail) = reasons::unscheduled(chamber, d, &outcome);
                    let detail = match work.forced.get(&d) {
                        Some(why) => format!("{why} ; {detail}"),
                        None => detail,
                    };
                    unscheduled.push(Unscheduled { dossier: dossier.id.clone(), reason, detail });
                }
            }
            if let Some(requirement) = chamber.required.get(d).copied().flatten() {
                broken.push(reasons::broken(chamber, d, requirement, &outcome));
            }
        }
        for (h, bench) in work.benches.iter().enumerate() {
            if let Some(members) = bench.as_ref().filter(|bench| lists_bench(work, h, bench)) {
                benches.push((chamber.hearings[h], members.clone()));
            }
        }
    }
    let (assignments, benches) = crate::plan_lists(instance, assignments, benches);
    Plan {
        assignments,
        benches,
        unscheduled,
        broken_requirements: broken,
        objective: Some(objective),
        bound: None,
        gap: None,
        solve_ms: Some(started.elapsed().as_millis() as u64),
        time_limit_hit: None,
    }
}

/// Gives each change of the diff its reason.
fn annotate(
    instance: &Instance,
    changes: &mut PlanDiff,
    works: &[Work<'_>],
    listed: &BTreeSet<&greffe_models::DossierId>,
    plan: &Plan,
) {
    let waiting: HashMap<&greffe_models::DossierId, greffe_models::UnscheduledReason> =
        plan.unscheduled.iter().map(|u| (&u.dossier, u.reason)).collect();
    let mut forced: HashMap<&greffe_models::DossierId, &str> = HashMap::new();
    let mut seats: HashMap<&greffe_models::HearingId, String> = HashMap::new();
    for work in works {
        for (&d, why) in &work.forced {
            forced.insert(&work.chamber.dossier(d).id, why);
        }
        for (&h, why) in &work.seat_reasons {
            seats.insert(&work.chamber.hearing(h).id, why.join(" ; "));
        }
    }
    for moved in &mut changes.moved {
        moved.reason = forced
            .get(&moved.dossier)
            .map_or_else(|| "déplacé pour faire place à un dossier à délai".to_owned(), |why| (*why).to_owned());
    }
    for dropped in &mut changes.dropped {
        dropped.reason = match (instance.dossier(&dropped.dossier), forced.get(&dropped.dossier)) {
            (None, _) => "dossier retiré du rôle".to_owned(),
            (Some(_), Some(why)) => match waiting.get(&dropped.dossier) {
                Some(reason) => format!("{why} ; pas réaudiencé : {}", reason.label_fr()),
                None => (*why).to_owned(),
            },
            (Some(_), None) => "retiré pour faire place à un dossier à délai".to_owned(),
        };
    }
    for added in &mut changes.added {
        let dossier = instance.dossier(&added.dossier);
        added.reason = if dossier.is_some_and(|d| d.deadline.is_some_and(|dl| dl <= instance.horizon().end())) {
            "dossier à délai".to_owned()
        } else if !listed.contains(&added.dossier) {
            "nouveau dossier en état".to_owned()
        } else {
            "place libérée à cette audience".to_owned()
        };
    }
    for change in &mut changes.seats {
        change.reason = seats.get(&change.hearing).cloned().unwrap_or_else(|| "audience ouverte".to_owned());
    }
}
