//! Local search over a chamber's plan with its benches fixed: moves of one
//! dossier (or joined group) to a better hearing, and ejections — the
//! dossier takes a hearing whose room or whose rapporteur's half-day
//! another holds, which moves to its best other hearing or, when nothing
//! obliges it to be heard, leaves the roll. Each move is kept only when it
//! raises the model's objective (pair values, less the penalty of each
//! unmet requirement, the grouping cost and the load cost), and is lawful
//! by construction: capacities in weight and count, joined dossiers
//! together, rapporteurs attending (one hearing per half-day, the weekly
//! cap, the half-days a chambre mixte or the assemblée plénière takes).
//!
//! Why: in a large chamber the restricted MILP ends by the clock, and the
//! window search's MILPs, each a few hundredths of a second, get a few
//! seconds in all; these moves are evaluated in microseconds, across the
//! whole horizon (a window holds six consecutive hearings), and leave to
//! HiGHS the plans that need many dossiers moved together.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::benches::Benches;
use crate::chamber::Chamber;
use crate::greedy;
use crate::model::{Extras, Pairs};

/// The least gain for which a move is kept: a move trading equal values
/// would cycle.
const MIN_GAIN: f64 = 1e-7;

/// A dossier, or a joined group placed as one.
struct Unit {
    members: Vec<usize>,
    /// (local hearing, total value) where every member has a pair, best
    /// first.
    options: Vec<(usize, f64)>,
    weight: f64,
    count: u32,
    /// Members under a hard requirement: the penalty of each while unheard.
    required: u32,
    /// Local magistrate indexes of the members' rapporteurs.
    reporters: Vec<usize>,
    /// Matter index of each member that has one.
    matters: Vec<usize>,
}

/// The plan being searched and every count its moves are checked against.
struct State<'c, 'a> {
    chamber: &'c Chamber<'a>,
    units: Vec<Unit>,
    at: Vec<Option<usize>>,
    units_at: Vec<Vec<usize>>,
    weight_left: Vec<f64>,
    count_left: Vec<u32>,
    /// Per local magistrate and hearing: on the bench.
    bench: Vec<Vec<bool>>,
    /// Per local magistrate and hearing: units heard there it reports.
    reporting: Vec<Vec<u16>>,
    slot_of: Vec<usize>,
    week_of: Vec<usize>,
    /// Per local magistrate and half-day: hearings attended (at most one),
    /// and whether the half-day is the chamber's to use.
    slot_used: Vec<Vec<u16>>,
    slot_open: Vec<Vec<bool>>,
    /// Per local magistrate and week: hearings attended, and the cap.
    week_used: Vec<Vec<u32>>,
    week_cap: Vec<Vec<u32>>,
    /// Per magistrate: hearings attended; per load, how many have it.
    load: Vec<usize>,
    loads: Vec<usize>,
    /// Dossiers heard per (hearing, matter).
    matter_count: HashMap<(usize, usize), u32>,
    extras: Extras,
    penalty: f64,
    /// The objective, kept up to date by every change.
    score: f64,
}

impl<'c, 'a> State<'c, 'a> {
    fn new(
        chamber: &'c Chamber<'a>,
        pairs: &Pairs,
        benches: &Benches,
        assigned: &[Option<usize>],
        extras: Extras,
        penalty: f64,
    ) -> Self {
        let instance = chamber.instance;
        let n_hearings = chamber.hearings.len();
        let mut local: HashMap<usize, usize> = HashMap::new();
        let mut globals: Vec<usize> = Vec::new();
        let mut local_of = |m: usize| {
            *local.entry(m).or_insert_with(|| {
                globals.push(m);
                globals.len() - 1
            })
        };
        let mut bench_members: Vec<(usize, usize)> = Vec::new();
        for (h, bench) in benches.iter().enumerate() {
            for &m in bench.iter().flatten() {
                bench_members.push((local_of(m), h));
            }
        }
        let mut matter_index: HashMap<&str, usize> = HashMap::new();
        let units: Vec<Unit> = greedy::units(chamber)
            .into_iter()
            .map(|members| {
                let value_of = |d: usize, h: usize| crate::model::pair_value(pairs, d, h);
                let mut options: Vec<(usize, f64)> = pairs[members[0]]
                    .iter()
                    .filter_map(|&(h, _)| {
                        members.iter().map(|&d| value_of(d, h)).sum::<Option<f64>>().map(|value| (h, value))
                    })
                    .collect();
                options.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let mut reporters: Vec<usize> = members
                    .iter()
                    .flat_map(|&d| chamber.dossier(d).rapporteurs.iter())
                    .filter_map(|id| instance.magistrate_idx(id))
                    .map(&mut local_of)
                    .collect();
                reporters.sort_unstable();
                reporters.dedup();
                let matters = members
                    .iter()
                    .filter_map(|&d| chamber.dossier(d).matter.as_ref().map(|matter| matter.as_str()))
                    .map(|matter| {
                        let next = matter_index.len();
                        *matter_index.entry(matter).or_insert(next)
                    })
                    .collect();
                Unit {
                    weight: members.iter().map(|&d| chamber.dossier(d).weight).sum(),
                    count: members.len() as u32,
                    required: members.iter().filter(|&&d| chamber.required[d].is_some()).count() as u32,
                    options,
                    reporters,
                    matters,
                    members,
                }
            })
            .collect();
        let n_magistrates = globals.len();
        let mut slots: Vec<(greffe_models::Date, greffe_models::HalfDay)> = Vec::new();
        let mut weeks: Vec<(i32, u32)> = Vec::new();
        let mut slot_of = Vec::with_capacity(n_hearings);
        let mut week_of = Vec::with_capacity(n_hearings);
        for h in 0..n_hearings {
            let hearing = chamber.hearing(h);
            let slot = (hearing.date, hearing.half_day);
            let iso = greffe_models::dates::iso_week(hearing.date);
            let week = (iso.year(), iso.week());
            slot_of.push(slots.iter().position(|s| *s == slot).unwrap_or_else(|| {
                slots.push(slot);
                slots.len() - 1
            }));
            week_of.push(weeks.iter().position(|w| *w == week).unwrap_or_else(|| {
                weeks.push(week);
                weeks.len() - 1
            }));
        }
        let slot_open = globals
            .iter()
            .map(|&m| slots.iter().map(|&(date, half_day)| !chamber.reserved.at_slot(m, date, half_day)).collect())
            .collect();
        let week_cap = globals
            .iter()
            .map(|&m| {
                let cap = instance.magistrates()[m].max_hearings_per_week;
                weeks
                    .iter()
                    .map(|&(year, week)| cap.saturating_sub(chamber.reserved.in_iso_week(m, year, week)))
                    .collect()
            })
            .collect();
        let mut state = State {
            chamber,
            at: vec![None; units.len()],
            units_at: vec![Vec::new(); n_hearings],
            weight_left: (0..n_hearings).map(|h| chamber.hearing(h).capacity_weight).collect(),
            count_left: (0..n_hearings).map(|h| chamber.hearing(h).capacity_count).collect(),
            bench: vec![vec![false; n_hearings]; n_magistrates],
            reporting: vec![vec![0; n_hearings]; n_magistrates],
            slot_used: vec![vec![0; slots.len()]; n_magistrates],
            slot_open,
            week_used: vec![vec![0; weeks.len()]; n_magistrates],
            week_cap,
            load: vec![0; n_magistrates],
            loads: vec![n_magistrates],
            slot_of,
            week_of,
            matter_count: HashMap::new(),
            extras,
            penalty,
            score: 0.0,
            units,
        };
        for (m, h) in bench_members {
            if !state.bench[m][h] {
                state.bench[m][h] = true;
                state.attend(m, h, 1);
            }
        }
        state.score = -state.penalty * state.units.iter().map(|u| f64::from(u.required)).sum::<f64>()
            - state.extras.load_cost * state.peak() as f64;
        for u in 0..state.units.len() {
            let lead = state.units[u].members[0];
            if let Some(h) = assigned[lead] {
                // The plan given is lawful: placed without the checks.
                state.place(u, h);
            }
        }
        state
    }

    /// The most hearings any magistrate attends.
    fn peak(&self) -> usize {
        self.loads.len() - 1
    }

    /// Unit `u`'s value at `h`.
    fn value(&self, u: usize, h: usize) -> Option<f64> {
        self.units[u].options.iter().find(|o| o.0 == h).map(|o| o.1)
    }

    /// Records that magistrate `m` starts (`+1`) or stops (`-1`) attending
    /// hearing `h`, and the load term's change.
    fn attend(&mut self, m: usize, h: usize, change: i32) {
        let (slot, week) = (self.slot_of[h], self.week_of[h]);
        let before = self.peak();
        let old = self.load[m];
        let new = old.checked_add_signed(change as isize).expect("an attendance counted before it ends");
        self.loads[old] -= 1;
        if self.loads.len() <= new {
            self.loads.resize(new + 1, 0);
        }
        self.loads[new] += 1;
        while self.loads.len() > 1 && self.loads[self.loads.len() - 1] == 0 {
            self.loads.pop();
        }
        self.load[m] = new;
        if change > 0 {
            self.slot_used[m][slot] += 1;
            self.week_used[m][week] += 1;
        } else {
            self.slot_used[m][slot] -= 1;
            self.week_used[m][week] -= 1;
        }
        self.score -= self.extras.load_cost * (self.peak() as f64 - before as f64);
    }

    /// Whether unit `u` may be heard at `h` as the plan stands: room, and
    /// each rapporteur attending already or free that half-day and within
    /// the week's cap.
    fn fits(&self, u: usize, h: usize) -> bool {
        let unit = &self.units[u];
        if self.weight_left[h] + 1e-9 < unit.weight || self.count_left[h] < unit.count {
            return false;
        }
        let (slot, week) = (self.slot_of[h], self.week_of[h]);
        unit.reporters.iter().all(|&m| {
            self.bench[m][h]
                || self.reporting[m][h] > 0
                || (self.slot_open[m][slot]
                    && self.slot_used[m][slot] == 0
                    && self.week_used[m][week] < self.week_cap[m][week])
        })
    }

    /// Hears unit `u` at `h` (unchecked).
    fn place(&mut self, u: usize, h: usize) {
        let value = self.value(u, h).unwrap_or(0.0);
        let unit = &self.units[u];
        let (weight, count, required) = (unit.weight, unit.count, unit.required);
        self.at[u] = Some(h);
        self.units_at[h].push(u);
        self.weight_left[h] -= weight;
        self.count_left[h] -= count;
        self.score += value + self.penalty * f64::from(required);
        for i in 0..self.units[u].reporters.len() {
            let m = self.units[u].reporters[i];
            self.reporting[m][h] += 1;
            if self.reporting[m][h] == 1 && !self.bench[m][h] {
                self.attend(m, h, 1);
            }
        }
        for i in 0..self.units[u].matters.len() {
            if self.extras.matter_group_cost == 0.0 {
                break;
            }
            let count = self.matter_count.entry((h, self.units[u].matters[i])).or_default();
            *count += 1;
            if *count == 1 {
                self.score -= self.extras.matter_group_cost;
            }
        }
    }

    /// Takes unit `u` off the roll; its hearing.
    fn remove(&mut self, u: usize) -> Option<usize> {
        let h = self.at[u]?;
        let value = self.value(u, h).unwrap_or(0.0);
        let unit = &self.units[u];
        let (weight, count, required) = (unit.weight, unit.count, unit.required);
        self.at[u] = None;
        self.units_at[h].retain(|&other| other != u);
        self.weight_left[h] += weight;
        self.count_left[h] += count;
        self.score -= value + self.penalty * f64::from(required);
        for i in 0..self.units[u].reporters.len() {
            let m = self.units[u].reporters[i];
            self.reporting[m][h] -= 1;
            if self.reporting[m][h] == 0 && !self.bench[m][h] {
                self.attend(m, h, -1);
            }
        }
        for i in 0..self.units[u].matters.len() {
            if self.extras.matter_group_cost == 0.0 {
                break;
            }
            let key = (h, self.units[u].matters[i]);
            let count = self.matter_count.get_mut(&key).expect("a matter counted where it is heard");
            *count -= 1;
            if *count == 0 {
                self.matter_count.remove(&key);
                self.score += self.extras.matter_group_cost;
            }
        }
        Some(h)
    }

    /// Puts unit `u` back where it was (`h`), after a move was refused.
    fn restore(&mut self, u: usize, h: Option<usize>) {
        self.remove(u);
        if let Some(h) = h {
            self.place(u, h);
        }
    }

    /// The units whose leaving `h` could let unit `u` in: those heard at
    /// `h` (its room), and those a rapporteur of `u` reports at the other
    /// hearing he attends that half-day.
    fn blockers(&self, u: usize, h: usize) -> Vec<usize> {
        let mut list: Vec<usize> = self.units_at[h].iter().copied().filter(|&other| other != u).collect();
        let slot = self.slot_of[h];
        for &m in &self.units[u].reporters {
            if self.bench[m][h] || self.reporting[m][h] > 0 || self.slot_used[m][slot] == 0 {
                continue;
            }
            let same_slot = (0..self.units_at.len()).filter(|&o| o != h && self.slot_of[o] == slot);
            for other in same_slot.filter(|&o| !self.bench[m][o] && self.reporting[m][o] > 0) {
                list.extend(self.units_at[other].iter().copied().filter(|&v| self.units[v].reporters.contains(&m)));
            }
        }
        // A rapporteur at his weekly cap: the units that alone bring him to
        // another hearing of the week.
        let week = self.week_of[h];
        for &m in &self.units[u].reporters {
            if self.bench[m][h] || self.reporting[m][h] > 0 || self.week_used[m][week] < self.week_cap[m][week] {
                continue;
            }
            let same_week = (0..self.units_at.len()).filter(|&o| o != h && self.week_of[o] == week);
            for other in same_week.filter(|&o| !self.bench[m][o] && self.reporting[m][o] == 1) {
                list.extend(self.units_at[other].iter().copied().filter(|&v| self.units[v].reporters.contains(&m)));
            }
        }
        list.sort_unstable();
        list.dedup();
        list
    }

    /// Tries to raise the objective by moving unit `u`: to a better hearing
    /// with room, else ejecting a unit that blocks it there. When a move
    /// is kept, the hearings it changed.
    fn improve_unit(&mut self, u: usize) -> Option<Vec<usize>> {
        let before = self.score;
        let from = self.at[u];
        let current = from.and_then(|h| self.value(u, h));
        let better: Vec<(usize, f64)> = self.units[u]
            .options
            .iter()
            .copied()
            .filter(|&(h, value)| Some(h) != from && current.is_none_or(|c| value > c))
            .collect();
        if better.is_empty() {
            return None;
        }
        self.remove(u);
        for &(h, _) in &better {
            if self.fits(u, h) {
                self.place(u, h);
                if self.score > before + MIN_GAIN {
                    return Some(from.into_iter().chain([h]).collect());
                }
                self.remove(u);
            }
        }
        // Ejections: `v` leaves its hearing for `u`, and goes to its best
        // other hearing that fits, or off the roll when nothing obliges it.
        for &(h, value) in &better {
            let gain = value - current.unwrap_or(-self.penalty * f64::from(self.units[u].required));
            for v in self.blockers(u, h) {
                // What the ejection could gain at most by the pair values
                // (the grouping and load costs aside): `v` at its best
                // other hearing, or off the roll.
                let v_at = self.at[v].expect("a blocker is heard");
                let v_value = self.value(v, v_at).unwrap_or(0.0);
                let v_best = self.units[v].options.iter().find(|o| o.0 != v_at).map(|o| o.1);
                let v_out = if self.units[v].required > 0 { None } else { Some(0.0) };
                let v_next = match (v_best, v_out) {
                    (Some(a), Some(b)) => a.max(b),
                    (a, b) => a.or(b).unwrap_or(f64::NEG_INFINITY),
                };
                if gain - v_value + v_next <= MIN_GAIN {
                    continue;
                }
                // Nor when `v` leaving `h` would not make room for `u`.
                let (unit, other) = (&self.units[u], &self.units[v]);
                let room = |w: f64, c: u32| {
                    self.weight_left[h] + w + 1e-9 >= unit.weight && self.count_left[h] + c >= unit.count
                };
                if !room(if v_at == h { other.weight } else { 0.0 }, if v_at == h { other.count } else { 0 }) {
                    continue;
                }
                let v_from = self.remove(v);
                if !self.fits(u, h) {
                    self.restore(v, v_from);
                    continue;
                }
                self.place(u, h);
                let mut best: Option<(f64, Option<usize>)> =
                    (self.units[v].required == 0).then_some((self.score, None));
                for i in 0..self.units[v].options.len() {
                    let o = self.units[v].options[i].0;
                    if Some(o) != v_from && self.fits(v, o) {
                        self.place(v, o);
                        if best.is_none_or(|(score, _)| self.score > score) {
                            best = Some((self.score, Some(o)));
                        }
                        self.remove(v);
                        // Options come best first: the first that fits is
                        // the best by value, the grouping and load aside.
                        break;
                    }
                }
                match best {
                    Some((score, to)) if score > before + MIN_GAIN => {
                        if let Some(o) = to {
                            self.place(v, o);
                        }
                        return Some(from.into_iter().chain([h]).chain(v_from).chain(to).collect());
                    }
                    _ => {
                        self.remove(u);
                        self.restore(v, v_from);
                    }
                }
            }
        }
        self.restore(u, from);
        None
    }

    /// The weeks whose changes may open a move to unit `u`: its hearing's,
    /// and those of the hearings it would gain at.
    fn weeks_of_interest(&self, u: usize) -> impl Iterator<Item = usize> + '_ {
        let from = self.at[u];
        let current = from.and_then(|h| self.value(u, h));
        let better = self.units[u].options.iter().filter(move |o| current.is_none_or(|c| o.1 > c)).map(|o| o.0);
        from.into_iter().chain(better).map(|h| self.week_of[h])
    }

    /// The plan, per local dossier.
    fn assigned(&self) -> Vec<Option<usize>> {
        let mut assigned = vec![None; self.chamber.dossiers.len()];
        for (u, unit) in self.units.iter().enumerate() {
            for &d in &unit.members {
                assigned[d] = self.at[u];
            }
        }
        assigned
    }
}

/// What a polish gives: the plan, and how many moves it kept.
pub(crate) struct Polished {
    pub(crate) assigned: Vec<Option<usize>>,
    pub(crate) moves: usize,
}

/// Improves `assigned` (lawful with `benches`) by single moves and
/// ejections over `pairs` (the pairs those benches allow, with their
/// values) until none gains, `deadline` passes (`None`: until none gains,
/// as a deterministic solve needs) or `stop` is raised (a cancelled
/// solve). `None` when no move gained.
#[allow(clippy::too_many_arguments)]
pub(crate) fn polish(
    chamber: &Chamber<'_>,
    pairs: &Pairs,
    benches: &Benches,
    assigned: &[Option<usize>],
    extras: Extras,
    penalty: f64,
    deadline: Option<Instant>,
    stop: &AtomicBool,
) -> Option<Polished> {
    let mut state = State::new(chamber, pairs, benches, assigned, extras, penalty);
    let mut moves = 0;
    // Moves kept so far when each week last changed, and when each unit
    // was last tried without gain: a unit is tried again only when a week
    // its moves depend on changed since (its rooms, its rapporteurs'
    // half-days and weekly caps; the hearings its blockers would go to,
    // elsewhere, are not followed).
    let n_weeks = state.week_of.iter().max().map_or(0, |w| w + 1);
    let mut week_changed = vec![0_usize; n_weeks];
    let mut tried: Vec<Option<usize>> = vec![None; state.units.len()];
    'passes: loop {
        let mut gained = false;
        for (u, last_tried) in tried.iter_mut().enumerate() {
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) || stop.load(Ordering::Relaxed) {
                break 'passes;
            }
            if let Some(at) = *last_tried {
                if state.weeks_of_interest(u).all(|w| week_changed[w] <= at) {
                    continue;
                }
            }
            *last_tried = match state.improve_unit(u) {
                Some(changed) => {
                    moves += 1;
                    gained = true;
                    for h in changed {
                        week_changed[state.week_of[h]] = moves;
                    }
                    None
                }
                None => Some(moves),
            };
        }
        if !gained {
            break;
        }
    }
    (moves > 0).then(|| Polished { assigned: state.assigned(), moves })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multi::Reserved;

    /// A generated instance and its first chamber's benches by the
    /// heuristic.
    fn setup(seed: u64) -> (greffe_models::Instance, Benches) {
        let instance = crate::chamber::generated(seed);
        let id = instance.chambers()[0].id.clone();
        let chamber = Chamber::build(&instance, &id, false, &Reserved::default());
        let demand = crate::benches::uniform_demand(&chamber);
        let benches = crate::benches::choose(&crate::benches::BenchInput {
            instance: &instance,
            hearings: &chamber.hearings,
            eligible: &chamber.eligible(),
            demand: &demand,
            pinned: &vec![Vec::new(); chamber.hearings.len()],
            seed,
            reserved: &chamber.reserved,
            fixed: &chamber.fixed,
            needs: &crate::benches::Needs::default(),
        });
        (instance, benches)
    }

    /// The chamber's pairs that `benches` allow, with their values (as the
    /// preparation makes them).
    fn pairs(chamber: &Chamber<'_>, benches: &Benches) -> Pairs {
        let all = crate::part::instance_pairs(chamber, &crate::SolveConfig::default());
        crate::part::filtered(&all, |d, h| crate::part::bench_allows(chamber, benches, d, h))
    }

    /// Every rule the moves keep, counted afresh on `state`'s plan: room,
    /// each magistrate once per half-day (none where reserved) and within
    /// the week's cap, every required dossier heard, joined ones together.
    fn assert_lawful(state: &State<'_, '_>, assigned: &[Option<usize>]) {
        for h in 0..state.units_at.len() {
            assert!(state.weight_left[h] >= -1e-9, "hearing {h}: weight over capacity");
        }
        for m in 0..state.slot_used.len() {
            for (slot, &used) in state.slot_used[m].iter().enumerate() {
                assert!(used <= u16::from(state.slot_open[m][slot]), "magistrate {m}: half-day {slot} used {used}");
            }
            for (week, &used) in state.week_used[m].iter().enumerate() {
                assert!(used <= state.week_cap[m][week], "magistrate {m}: week {week} over its cap");
            }
        }
        for (d, required) in state.chamber.required.iter().enumerate() {
            assert!(required.is_none() || assigned[d].is_some(), "required dossier {d} unheard");
        }
        for group in &state.chamber.groups {
            assert!(group.iter().all(|&d| assigned[d] == assigned[group[0]]), "joined dossiers apart");
        }
    }

    #[test]
    fn a_polish_raises_the_objective_keeps_every_rule_and_counts_its_score_right() {
        let extras = Extras { matter_group_cost: 0.5, load_cost: 0.5 };
        for seed in 1..=3 {
            let (instance, benches) = setup(seed);
            let id = instance.chambers()[0].id.clone();
            let chamber = Chamber::build(&instance, &id, false, &Reserved::default());
            let pairs = pairs(&chamber, &benches);
            let start = greedy::greedy(&chamber, &benches, &pairs);
            let before = State::new(&chamber, &pairs, &benches, &start, extras, 1_000.0);
            assert_lawful(&before, &start);
            let polished = polish(&chamber, &pairs, &benches, &start, extras, 1_000.0, None, &crate::model::NEVER)
                .expect("the greedy plan improved");
            assert!(polished.moves > 0);
            // Counted afresh, the plan is lawful and scores above the
            // start; the incremental score is the one counted afresh.
            let after = State::new(&chamber, &pairs, &benches, &polished.assigned, extras, 1_000.0);
            assert_lawful(&after, &polished.assigned);
            assert!(after.score > before.score + MIN_GAIN, "seed {seed}: {} → {}", before.score, after.score);
            let mut replayed = State::new(&chamber, &pairs, &benches, &start, extras, 1_000.0);
            // Every unit off the roll first, then each at its place: the
            // final plan is lawful, whereas one unit at a time could
            // overfill a hearing a later unit leaves.
            for u in 0..replayed.units.len() {
                replayed.remove(u);
            }
            for u in 0..replayed.units.len() {
                if let Some(h) = polished.assigned[replayed.units[u].members[0]] {
                    replayed.place(u, h);
                }
            }
            assert!((replayed.score - after.score).abs() < 1e-6, "seed {seed}: incremental score drifted");
            // Without a deadline, the same plan every time; from a local
            // optimum, nothing more.
            let again = polish(&chamber, &pairs, &benches, &start, extras, 1_000.0, None, &crate::model::NEVER)
                .expect("improved");
            assert_eq!(again.assigned, polished.assigned);
            assert!(
                polish(&chamber, &pairs, &benches, &polished.assigned, extras, 1_000.0, None, &crate::model::NEVER)
                    .is_none()
            );
        }
    }

    #[test]
    fn a_unit_worth_more_ejects_one_from_a_full_hearing() {
        let (instance, benches) = setup(1);
        let id = instance.chambers()[0].id.clone();
        let chamber = Chamber::build(&instance, &id, false, &Reserved::default());
        let pairs = pairs(&chamber, &benches);
        let start = greedy::greedy(&chamber, &benches, &pairs);
        let extras = Extras::default();
        let mut state = State::new(&chamber, &pairs, &benches, &start, extras, 1_000.0);
        // An unheard unit that does not fit a hearing it has a pair at, but
        // would once one of the units heard there left.
        let mut found = None;
        let unheard: Vec<usize> = (0..state.units.len()).filter(|&u| state.at[u].is_none()).collect();
        'search: for u in unheard {
            let full: Vec<usize> = state.units[u].options.iter().map(|o| o.0).filter(|&h| !state.fits(u, h)).collect();
            for h in full {
                for v in state.units_at[h].clone() {
                    state.remove(v);
                    let fits = state.fits(u, h);
                    state.place(v, h);
                    if fits {
                        found = Some((u, h));
                        break 'search;
                    }
                }
            }
        }
        let (u, h) = found.expect("a full hearing on the greedy plan");
        // Made worth far more there than anything heard, it takes the place.
        let boost = 1e4;
        for option in &mut state.units[u].options {
            if option.0 == h {
                option.1 += boost;
            }
        }
        let before = state.score;
        let changed = state.improve_unit(u).expect("an ejection");
        assert_eq!(state.at[u], Some(h));
        assert!(changed.contains(&h) && changed.len() >= 2, "the ejected unit moved or left: {changed:?}");
        assert!(state.score > before + boost / 2.0);
        let assigned = state.assigned();
        assert_lawful(&state, &assigned);
    }
}
