//! A bound below the LP's: each hearing filled with whole dossiers.
//!
//! The LP relaxation fills a hearing's weight capacity with a fraction of a
//! dossier; no plan can. Relaxing instead each unit's "at most once" row
//! with a price `π[u] ≥ 0` (and the grouping rows with the LP's own
//! multipliers) leaves one 0/1 knapsack per hearing — the units whose value
//! there, less their price, is positive, within its weight and count
//! capacities — so that
//!
//! `L(π) = Σ_u π[u] + Σ_h knapsack_h(π) (+ the grouping rows' term)`
//!
//! bounds every lawful plan for **any** `π ≥ 0` (weak duality; benches,
//! attendance and requirements are relaxed away as in the LP). At the LP's
//! prices each knapsack is at most its own LP relaxation, so `L` starts at
//! or below the LP's Lagrangian value; a subgradient descent on `π` lowers
//! it further, towards the Lagrangian dual's optimum (the Dantzig–Wolfe
//! bound of the hearings' compositions). Weights are counted in steps of a
//! grid; a weight off the grid is rounded down, which only loosens a
//! knapsack: the bound stays valid.
//!
//! Under the default objective each (hearing, matter) group heard costs
//! the group cost: [`Knapsacks::descend`] given that cost keeps it inside
//! each knapsack instead of pricing the grouping rows — each matter's best
//! fillings, combined, paying for each matter taken.
//!
//! Court twice its size, seed 5: the civil third chamber's bound falls from
//! 8,277.6 (the LP) to 8,270.1, where HiGHS, given 150 s on the same
//! relaxation with whole dossiers, proves 8,268.8 (`docs/benchmarks.md`,
//! « twenty-second »).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::{Unit, UnitOption};
use crate::chamber::Chamber;

/// Grid steps tried for the weights, coarsest first: the first on which
/// every weight and capacity falls exactly, within [`MAX_STEPS`] steps of
/// capacity, is used; else the capacity's [`MAX_STEPS`]th part, weights
/// rounded down.
const GRIDS: [f64; 7] = [1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.01];

/// Most grid steps a hearing's weight capacity may span (a knapsack's work
/// grows with it).
const MAX_STEPS: u32 = 400;

/// Descent steps without a lower `L` before the step is halved.
const HALVE_AFTER: usize = 8;

/// One unit's option at a hearing.
#[derive(Debug, Clone, Copy)]
struct Item {
    unit: usize,
    /// The option's value less what the grouping rows charge it.
    value: f64,
    /// In grid steps, rounded down.
    weight: u32,
    /// Dossiers.
    count: u32,
    /// The grouping key (hearing, matter) it opens, if any: under the
    /// default objective each key used costs the group cost.
    key: Option<usize>,
}

#[derive(Debug, Clone)]
struct Knapsack {
    items: Vec<Item>,
    /// In grid steps, rounded down.
    weight_cap: u32,
    count_cap: u32,
}

/// The chamber's hearings as knapsacks over its units' options.
#[derive(Debug, Clone)]
pub(super) struct Knapsacks {
    hearings: Vec<Knapsack>,
    n_units: usize,
}

impl Knapsacks {
    /// Every option of `units` at its hearing, its value less `charge` (what
    /// the grouping rows' multipliers take of it).
    pub(super) fn new(chamber: &Chamber<'_>, units: &[Unit], charge: impl Fn(&Unit, &UnitOption) -> f64) -> Self {
        let capacities: Vec<f64> = (0..chamber.hearings.len()).map(|h| chamber.hearing(h).capacity_weight).collect();
        let weights = || units.iter().flat_map(|unit| unit.options.iter().map(|o| o.weight));
        let grid = grid(&capacities, weights);
        let steps = |x: f64| (x / grid + 1e-9).floor().max(0.0) as u32;
        let mut hearings: Vec<Knapsack> = (0..chamber.hearings.len())
            .map(|h| Knapsack {
                items: Vec::new(),
                weight_cap: steps(capacities[h]),
                count_cap: chamber.hearing(h).capacity_count,
            })
            .collect();
        for (u, unit) in units.iter().enumerate() {
            for option in &unit.options {
                hearings[option.hearing].items.push(Item {
                    unit: u,
                    value: option.value - charge(unit, option),
                    weight: steps(option.weight),
                    count: unit.members.len() as u32,
                    // A joined group spanning matters is charged one key
                    // only: charging less keeps the bound valid.
                    key: option.groups.first().map(|&(k, _)| k),
                });
            }
        }
        Knapsacks { hearings, n_units: units.len() }
    }

    /// The least `L(π)` of a subgradient descent from `prices`, over at most
    /// `iterations` evaluations (the first at `prices`), stopped at
    /// `deadline` when given (at least one evaluation is made). `target`,
    /// a value `L` cannot go below (the best plan's, or an estimate), sets
    /// the steps (Polyak's rule). With `group_cost`, each grouping key a
    /// knapsack takes costs it that much ([`Scratch::fill_grouped`]).
    pub(super) fn descend(
        &self,
        mut prices: Vec<f64>,
        group_cost: Option<f64>,
        target: f64,
        iterations: usize,
        deadline: Option<Instant>,
        stop: &AtomicBool,
    ) -> Option<f64> {
        let mut scratch = Scratch::default();
        let mut best: Option<f64> = None;
        let mut theta = 1.0;
        let mut since_best = 0;
        let mut taken = vec![0u32; self.n_units];
        for _ in 0..iterations {
            let late = deadline.is_some_and(|deadline| Instant::now() >= deadline);
            if best.is_some() && (late || stop.load(Ordering::Relaxed)) {
                break;
            }
            taken.iter_mut().for_each(|t| *t = 0);
            let fill = |scratch: &mut Scratch, knapsack: &Knapsack, taken: &mut [u32]| match group_cost {
                Some(cost) => scratch.fill_grouped(knapsack, &prices, cost, Some(taken)),
                None => scratch.fill(knapsack, &prices, taken),
            };
            let value: f64 = prices.iter().sum::<f64>()
                + self.hearings.iter().map(|knapsack| fill(&mut scratch, knapsack, &mut taken)).sum::<f64>();
            if best.is_none_or(|b| value < b) {
                best = Some(value);
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= HALVE_AFTER {
                    theta /= 2.0;
                    since_best = 0;
                }
            }
            // ∂L/∂π[u] = 1 − (knapsacks that took u); a price at 0 that
            // would fall stays there, and does not count in the step.
            let gradient = |u: usize| 1.0 - f64::from(taken[u]);
            let norm: f64 =
                (0..self.n_units).filter(|&u| prices[u] > 0.0 || gradient(u) < 0.0).map(|u| gradient(u).powi(2)).sum();
            if norm == 0.0 {
                break; // Each unit taken at most once, priced ones once: L is optimal.
            }
            let step = theta * (value - target).max(1e-9 * value.abs()) / norm;
            for (u, price) in prices.iter_mut().enumerate() {
                *price = (*price - step * gradient(u)).max(0.0);
            }
        }
        best
    }
}

/// The grid step for `capacities` and `weights` ([`GRIDS`]).
fn grid<I: Iterator<Item = f64>>(capacities: &[f64], weights: impl Fn() -> I) -> f64 {
    let on = |x: f64, grid: f64| ((x / grid).round() * grid - x).abs() <= 1e-9 * x.abs().max(1.0);
    let largest = capacities.iter().copied().fold(0.0, f64::max);
    GRIDS
        .iter()
        .copied()
        .find(|&grid| {
            largest / grid <= f64::from(MAX_STEPS)
                && capacities.iter().all(|&c| on(c, grid))
                && weights().all(|w| on(w, grid))
        })
        .unwrap_or_else(|| (largest / f64::from(MAX_STEPS)).max(1e-9))
}

/// One grouping key's part of a grouped knapsack, kept for the way back.
struct GroupStep {
    items: std::ops::Range<usize>,
    key_width: usize,
    took: Vec<bool>,
    corners: Vec<(usize, usize, f64)>,
    choice: Vec<u32>,
}

/// Buffers reused by every knapsack.
#[derive(Default)]
struct Scratch {
    /// Best profit within (count, weight), laid out count-major.
    best: Vec<f64>,
    /// Per item kept, per state: whether the item raised it.
    took: Vec<bool>,
    /// The items of positive profit, with it.
    items: Vec<(Item, f64)>,
}

impl Scratch {
    /// The best profit of `knapsack` at `prices` (0/1, by dynamic
    /// programming over count and weight); each unit taken is counted in
    /// `taken`.
    fn fill(&mut self, knapsack: &Knapsack, prices: &[f64], taken: &mut [u32]) -> f64 {
        self.select(knapsack, prices);
        let items = std::mem::take(&mut self.items);
        let value = self.table(&items, knapsack, true);
        if !items.is_empty() {
            let (counts, weights) = Self::dimensions(&items, knapsack);
            take_back(&items, &self.took, weights + 1, (counts, weights), taken);
        }
        self.items = items;
        value
    }

    /// [`Scratch::fill`] with each grouping key taken costing `cost`: each
    /// key's items filled apart (its table), then the keys combined by the
    /// corners of their tables, each paying `cost` where it takes anything;
    /// the units taken counted in `taken` when given.
    fn fill_grouped(&mut self, knapsack: &Knapsack, prices: &[f64], cost: f64, taken: Option<&mut [u32]>) -> f64 {
        self.select(knapsack, prices);
        let mut items = std::mem::take(&mut self.items);
        if items.is_empty() {
            self.items = items;
            return 0.0;
        }
        items.sort_by_key(|(item, _)| item.key);
        let (counts, weights) = Self::dimensions(&items, knapsack);
        let width = weights + 1;
        let states = (counts + 1) * width;
        let mut total = vec![0.0; states];
        let tracked = taken.is_some();
        // Per key: its items, its table's width, which item raised which
        // of its states, its corners, and per state of the combination
        // which corner (1-based; 0 none) raised it.
        let mut steps: Vec<GroupStep> = Vec::new();
        let mut first = 0;
        for run in items.chunk_by(|a, b| a.0.key == b.0.key) {
            let key = run[0].0.key;
            let range = first..first + run.len();
            first = range.end;
            let own = Knapsack { items: Vec::new(), weight_cap: weights as u32, count_cap: counts as u32 };
            self.table(run, &own, tracked);
            let (key_counts, key_weights) = Self::dimensions(run, &own);
            let key_width = key_weights + 1;
            let setup = if key.is_some() { cost } else { 0.0 };
            let table = &self.best;
            let at = |c: usize, w: usize| table[c * key_width + w];
            // The least count and weight reaching each value of its table.
            let corners: Vec<(usize, usize, f64)> = (0..=key_counts)
                .flat_map(|c| (0..=key_weights).map(move |w| (c, w)))
                .filter(|&(c, w)| (c == 0 || at(c, w) > at(c - 1, w)) && (w == 0 || at(c, w) > at(c, w - 1)))
                .filter(|&(c, w)| at(c, w) > setup)
                .map(|(c, w)| (c, w, at(c, w) - setup))
                .collect();
            let before = total.clone();
            let mut choice = if tracked { vec![0u32; states] } else { Vec::new() };
            for (j, &(cc, ww, gain)) in corners.iter().enumerate() {
                for c in cc..=counts {
                    for w in ww..=weights {
                        let with = before[(c - cc) * width + (w - ww)] + gain;
                        if with > total[c * width + w] {
                            total[c * width + w] = with;
                            if tracked {
                                choice[c * width + w] = j as u32 + 1;
                            }
                        }
                    }
                }
            }
            if tracked {
                steps.push(GroupStep {
                    items: range,
                    key_width,
                    took: std::mem::take(&mut self.took),
                    corners,
                    choice,
                });
            }
        }
        if let Some(taken) = taken {
            // Back from the full state, key by key, then item by item.
            let (mut c, mut w) = (counts, weights);
            for step in steps.iter().rev() {
                let j = step.choice[c * width + w];
                if j == 0 {
                    continue;
                }
                let (cc, ww, _) = step.corners[j as usize - 1];
                c -= cc;
                w -= ww;
                take_back(&items[step.items.clone()], &step.took, step.key_width, (cc, ww), taken);
            }
        }
        self.items = items;
        total[states - 1]
    }

    /// The items of `knapsack` of positive profit at `prices` that fit,
    /// into `self.items`; of items alike in weight, count and key, an
    /// optimal knapsack can take the most profitable first, and no more
    /// than the capacities hold: the others are dropped.
    fn select(&mut self, knapsack: &Knapsack, prices: &[f64]) {
        let (weight_cap, count_cap) = (knapsack.weight_cap, knapsack.count_cap);
        self.items.clear();
        self.items.extend(
            knapsack
                .items
                .iter()
                .map(|item| (*item, item.value - prices[item.unit]))
                .filter(|(item, profit)| *profit > 0.0 && item.count <= count_cap && item.weight <= weight_cap),
        );
        let class = |item: &Item| (item.weight, item.count, item.key);
        self.items.sort_unstable_by(|a, b| class(&a.0).cmp(&class(&b.0)).then(b.1.total_cmp(&a.1)));
        let mut kept = 0;
        let mut first = 0;
        while first < self.items.len() {
            let alike = class(&self.items[first].0);
            let end = first + self.items[first..].iter().take_while(|(i, _)| class(i) == alike).count();
            let (weight, count, _) = alike;
            let room = (count_cap / count.max(1)).min(weight_cap.checked_div(weight).unwrap_or(u32::MAX));
            for i in first..end.min(first + room as usize) {
                self.items[kept] = self.items[i];
                kept += 1;
            }
            first = end;
        }
        self.items.truncate(kept);
    }

    /// The count and weight a knapsack of `items` can reach.
    fn dimensions(items: &[(Item, f64)], knapsack: &Knapsack) -> (usize, usize) {
        let counts = (knapsack.count_cap as usize).min(items.iter().map(|(i, _)| i.count as usize).sum());
        let weights = (knapsack.weight_cap as usize).min(items.iter().map(|(i, _)| i.weight as usize).sum());
        (counts, weights)
    }

    /// The 0/1 knapsack of `items` within `knapsack`'s capacities: its
    /// table of best profits by (count, weight) in `self.best`, count-major
    /// over the dimensions `items` reach, and its best profit; with
    /// `track`, which item raised which state in `self.took`, for
    /// [`take_back`].
    fn table(&mut self, items: &[(Item, f64)], knapsack: &Knapsack, track: bool) -> f64 {
        self.best.clear();
        if items.is_empty() {
            self.best.push(0.0);
            return 0.0;
        }
        let (counts, weights) = Self::dimensions(items, knapsack);
        let width = weights + 1;
        let states = (counts + 1) * width;
        self.best.resize(states, 0.0);
        // Which item raised which state, for the way back.
        self.took.clear();
        if track {
            self.took.resize(states * items.len(), false);
        }
        for (k, &(item, profit)) in items.iter().enumerate() {
            let (c_item, w_item) = (item.count as usize, item.weight as usize);
            for c in (c_item..=counts).rev() {
                for w in (w_item..=weights).rev() {
                    let with = self.best[(c - c_item) * width + (w - w_item)] + profit;
                    if with > self.best[c * width + w] {
                        self.best[c * width + w] = with;
                        if track {
                            self.took[k * states + c * width + w] = true;
                        }
                    }
                }
            }
        }
        self.best[states - 1]
    }
}

/// Counts in `taken` the units of `items` a knapsack table took to reach
/// state `from` (count, weight): `took` says which item raised which state
/// ([`Scratch::table`], `width` its weights plus one).
fn take_back(items: &[(Item, f64)], took: &[bool], width: usize, from: (usize, usize), taken: &mut [u32]) {
    let states = took.len() / items.len();
    let (mut c, mut w) = from;
    for k in (0..items.len()).rev() {
        if took[k * states + c * width + w] {
            let item = items[k].0;
            taken[item.unit] += 1;
            c -= item.count as usize;
            w -= item.weight as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The best profit over every subset of `items` within the capacities,
    /// each key taken costing `cost`.
    fn brute_force(items: &[(Item, f64)], weight_cap: u32, count_cap: u32, cost: f64) -> f64 {
        (0u32..1 << items.len())
            .filter_map(|set| {
                let chosen =
                    || items.iter().enumerate().filter(move |(i, _)| set & (1 << i) != 0).map(|(_, item)| item);
                let weight: u32 = chosen().map(|(i, _)| i.weight).sum();
                let count: u32 = chosen().map(|(i, _)| i.count).sum();
                let mut keys: Vec<usize> = chosen().filter_map(|(i, _)| i.key).collect();
                keys.sort_unstable();
                keys.dedup();
                let profit = chosen().map(|(_, p)| *p).sum::<f64>() - cost * keys.len() as f64;
                (weight <= weight_cap && count <= count_cap).then_some(profit)
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn each_knapsack_is_filled_as_well_as_by_enumeration_and_says_what_it_took() {
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for case in 0..300 {
            let n = 1 + next(12) as usize;
            // Few weight classes, so that the dropped duplicates are tested.
            let items: Vec<Item> = (0..n)
                .map(|u| Item {
                    unit: u,
                    value: next(100) as f64 / 10.0,
                    weight: 1 + next(4) as u32,
                    count: 1 + u32::from(next(5) == 0),
                    key: [None, Some(0), Some(1), Some(2)][next(4) as usize],
                })
                .collect();
            let prices: Vec<f64> = (0..n).map(|_| next(60) as f64 / 10.0).collect();
            let knapsack = Knapsack { items: items.clone(), weight_cap: next(12) as u32, count_cap: next(6) as u32 };
            let mut taken = vec![0; n];
            let value = Scratch::default().fill(&knapsack, &prices, &mut taken);
            let profits: Vec<(Item, f64)> = items.iter().map(|i| (*i, i.value - prices[i.unit])).collect();
            let expected = brute_force(&profits, knapsack.weight_cap, knapsack.count_cap, 0.0);
            assert!((value - expected).abs() < 1e-9, "case {case}: {value} against {expected}");
            // Each key taken costing 2.5: the grouped knapsack pays it.
            let mut grouped_taken = vec![0; n];
            let grouped = Scratch::default().fill_grouped(&knapsack, &prices, 2.5, Some(&mut grouped_taken));
            let expected = brute_force(&profits, knapsack.weight_cap, knapsack.count_cap, 2.5);
            assert!((grouped - expected).abs() < 1e-9, "case {case}, grouped: {grouped} against {expected}");
            assert!(grouped_taken.iter().all(|&t| t <= 1));
            let chosen: Vec<&Item> = items.iter().filter(|i| grouped_taken[i.unit] == 1).collect();
            assert!(chosen.iter().map(|i| i.weight).sum::<u32>() <= knapsack.weight_cap, "case {case}");
            assert!(chosen.iter().map(|i| i.count).sum::<u32>() <= knapsack.count_cap, "case {case}");
            let mut keys: Vec<usize> = chosen.iter().filter_map(|i| i.key).collect();
            keys.sort_unstable();
            keys.dedup();
            let worth = chosen.iter().map(|i| i.value - prices[i.unit]).sum::<f64>() - 2.5 * keys.len() as f64;
            assert!((worth - grouped).abs() < 1e-9, "case {case}: took {worth}, said {grouped}");
            assert_eq!(Scratch::default().fill_grouped(&knapsack, &prices, 2.5, None), grouped);
            // What it says it took is lawful and worth its value.
            let chosen: Vec<&Item> = items.iter().filter(|i| taken[i.unit] == 1).collect();
            assert!(taken.iter().all(|&t| t <= 1));
            assert!(chosen.iter().map(|i| i.weight).sum::<u32>() <= knapsack.weight_cap, "case {case}");
            assert!(chosen.iter().map(|i| i.count).sum::<u32>() <= knapsack.count_cap, "case {case}");
            let worth: f64 = chosen.iter().map(|i| i.value - prices[i.unit]).sum();
            assert!((worth - value).abs() < 1e-9, "case {case}: took {worth}, said {value}");
        }
    }

    #[test]
    fn weights_fall_on_the_coarsest_exact_grid_else_are_rounded_down() {
        assert_eq!(grid(&[12.0, 8.0], || [0.5, 1.0, 1.5, 4.0].into_iter()), 0.5);
        assert_eq!(grid(&[12.0], || [1.0, 3.0].into_iter()), 1.0);
        assert_eq!(grid(&[10.0], || [0.3, 1.1].into_iter()), 0.1);
        // Off every grid: the capacity's 400th part.
        let step = grid(&[10.0], || [0.333_333_3].into_iter());
        assert!((step - 10.0 / 400.0).abs() < 1e-12);
    }
}
