//! An upper bound on the objective valid for **every** lawful plan: the LP
//! relaxation of the assignment core — each dossier at most once, at lawful
//! hearings only (instance-level filters), within capacities, joined dossiers
//! together. Benches, attendance and requirements are relaxed away, so no
//! lawful plan can score above it.
//!
//! Under the default objective each (hearing, matter) pair used costs
//! `matter_group_cost`. The bound prices it in aggregated form: `g[h,μ]` in
//! [0, 1] with `Σ_{d of μ} x[d,h] ≤ K[h,μ] · g[h,μ]`, `K` the most dossiers
//! of matter `μ` hearing `h` can hear (its count capacity, the candidates of
//! `μ`, the lightest of them its weight capacity holds). Every lawful plan
//! satisfies the row with `g` its 0/1 group indicator, so the LP still
//! bounds every plan; one row per (hearing, matter) keeps it as cheap as
//! the capacity rows (the disaggregated `g ≥ x` rows, one per pair, made the
//! LP too slow — `docs/benchmarks.md`). The load term is left out (a cost:
//! the bound stays valid).
//!
//! **Column generation** ([`BoundSearch`]). A joined group is one *unit* (a
//! single column per hearing common to its members: they go together or
//! not at all), every other dossier a unit of its own. The LP starts from
//! each unit's [`FIRST_COLUMNS`] most valuable hearings and
//! [`SPREAD_COLUMNS`] spread over its candidates (so that every hearing's
//! rows get a price from the first round); after each solve, the capacity
//! and grouping rows' duals price every pair left out, and the
//! [`COLUMNS_PER_ROUND`] best of each unit that would improve the LP join
//! it; the LP is solved again from its basis. When none would, the LP is
//! the whole one's optimum. At every round the same duals give a bound
//! valid for every plan (the Lagrangian relaxation of the capacity and
//! grouping rows, [`lagrangian`]): a search cut short still leaves a bound,
//! a weaker one, and may be resumed later ([`BoundSearch::advance`]). On
//! the 26-week court the criminal chamber's LP (460,000 pairs) takes 26 s
//! whole and 5 s so (`docs/benchmarks.md`).
//!
//! **Whole dossiers** ([`BoundSearch::tighten`], [`knapsack`]). The LP fills
//! a hearing's weight with a fraction of a dossier; pricing each unit's row
//! instead leaves a 0/1 knapsack per hearing, whose Lagrangian bound is
//! valid for any prices and lies below the LP's from its duals on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use greffe_highs_interrupt::{Guarded, Parked};
use highs::{ColProblem, HighsModelStatus, Row, Sense};

use crate::chamber::Chamber;
use crate::model::Pairs;

mod knapsack;

/// Columns a unit starts with: its most valuable hearings (the values fall
/// with the wait, so its earliest) …
const FIRST_COLUMNS: usize = 2;
/// … or, started from another search's prices, its best hearings at those
/// prices …
const PRICED_COLUMNS: usize = 4;
/// … and hearings spread evenly over its candidates.
const SPREAD_COLUMNS: usize = 12;
/// Columns a unit may gain per round: its best pairs by reduced value.
/// (First 2, spread 12, 3 per round: 15 rounds and 5.1 s on the 26-week
/// criminal chamber; 4/0/3 did not end in 16 s, 2/6/10 took 8.2 s.)
const COLUMNS_PER_ROUND: usize = 3;

/// Evaluations of the knapsack bound's descent ([`BoundSearch::tighten`]):
/// most of what it gains is at the LP's own prices, the first
/// (`docs/benchmarks.md`, « twenty-second »).
pub(crate) const KNAPSACK_ITERATIONS: usize = 30;

/// The share of a chamber's remaining preparation time the knapsack bound
/// may take after the bound's LP (it stops there after a first
/// evaluation).
pub(crate) const KNAPSACK_SHARE: f64 = 0.05;

/// Without a plan to aim at, the knapsack descent aims this far below the
/// bound (relative): the LP's integrality gap on the court's chambers is
/// 0.001–0.15 % (`docs/benchmarks.md`, « twenty-second »).
const KNAPSACK_TARGET_BELOW: f64 = 2e-3;

/// Reduced value below which a column would not improve the LP.
const PRICING_TOLERANCE: f64 = 1e-7;

/// A dossier, or a joined group, placed whole.
struct Unit {
    members: Vec<usize>,
    /// One per hearing common to the members.
    options: Vec<UnitOption>,
}

struct UnitOption {
    hearing: usize,
    /// Index of the hearing in each member's `pairs` list, in `members`
    /// order.
    positions: Vec<usize>,
    value: f64,
    weight: f64,
    /// Grouping rows this option falls in: (key number, members of that
    /// matter).
    groups: Vec<(usize, f64)>,
}

/// The rows every column may enter, added in this order (HiGHS numbers
/// them so: units, then weights, counts, groups).
struct Rows {
    unit: Vec<Row>,
    weight: Vec<Row>,
    count: Vec<Row>,
    group: Vec<Row>,
}

/// Multipliers of the capacity and grouping rows (all ≥ 0).
struct Multipliers {
    weight: Vec<f64>,
    count: Vec<f64>,
    group: Vec<f64>,
}

/// The capacity and grouping rows' multipliers of a bound search, keyed by
/// the instance's hearing index (and matter): what another search over the
/// same hearings may price its rows with ([`BoundSearch::price_with`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Prices {
    /// Weight and count multipliers by instance hearing.
    hearing: HashMap<usize, (f64, f64)>,
    /// Grouping multipliers by (instance hearing, matter).
    group: HashMap<(usize, String), f64>,
}

impl Prices {
    /// Both searches' prices: theirs where `self` has none.
    pub(crate) fn with(mut self, other: Prices) -> Prices {
        for (h, price) in other.hearing {
            self.hearing.entry(h).or_insert(price);
        }
        for (key, price) in other.group {
            self.group.entry(key).or_insert(price);
        }
        self
    }
}

/// A chamber's bound being computed by column generation; owned by the
/// chamber's solve, advanced when it has time.
pub(crate) struct BoundSearch {
    units: Vec<Unit>,
    /// Per grouping key: the most dossiers of its matter its hearing can hear.
    group_caps: Vec<usize>,
    /// Per grouping key: its hearing (chamber-local) and matter.
    group_keys: Vec<(usize, String)>,
    matter_group_cost: f64,
    rows: Rows,
    /// The master LP between rounds; `None` once final, or lost with a
    /// solve abandoned past its deadline.
    model: Option<Parked>,
    in_model: Vec<Vec<bool>>,
    /// The unit columns in column order (after the grouping columns).
    column_of: Vec<(usize, usize)>,
    /// The best bound so far (the least Lagrangian value, or the LP's own).
    best: Option<f64>,
    /// The LP's value of every pair at the last round solved.
    pair_values: Option<Vec<Vec<f64>>>,
    /// The capacity rows' multipliers at the last round solved.
    multipliers: Option<Multipliers>,
    /// Whether the LP is solved whole: `best` is its value.
    optimal: bool,
    /// Rounds solved.
    pub(crate) rounds: usize,
}

/// The bound of a chamber for pair values `pairs` (instance-level
/// candidates) by `deadline` (the LP's value, or a Lagrangian bound above
/// it when the search was cut short), or `None` when not even a first round
/// ended.
pub(crate) fn lp_bound(
    chamber: &Chamber<'_>,
    pairs: &Pairs,
    matter_group_cost: f64,
    deadline: Instant,
    stop: &AtomicBool,
) -> Option<f64> {
    let mut search = BoundSearch::new(chamber, pairs, matter_group_cost);
    search.advance(chamber, pairs, deadline, stop);
    search.value()
}

impl BoundSearch {
    /// The first master LP: every row, the grouping columns, each unit's
    /// first columns.
    pub(crate) fn new(chamber: &Chamber<'_>, pairs: &Pairs, matter_group_cost: f64) -> Self {
        Self::priced(chamber, pairs, matter_group_cost, None)
    }

    /// [`BoundSearch::new`], started from `prices` when given (those of
    /// searches over parts of the chamber's hearings): each unit's first
    /// columns are then its [`PRICED_COLUMNS`] best by reduced value at
    /// those prices, and the bound starts at their Lagrangian value.
    pub(crate) fn priced(
        chamber: &Chamber<'_>,
        pairs: &Pairs,
        matter_group_cost: f64,
        prices: Option<&Prices>,
    ) -> Self {
        let (units, group_caps, group_keys) = units(chamber, pairs, matter_group_cost > 0.0);
        let start = prices.map(|prices| multipliers_of(chamber, &group_keys, prices));
        let n_hearings = chamber.hearings.len();
        let mut problem = ColProblem::default();
        let rows = Rows {
            unit: units.iter().map(|_| problem.add_row(..=1.0)).collect(),
            weight: (0..n_hearings).map(|h| problem.add_row(..=chamber.hearing(h).capacity_weight)).collect(),
            count: (0..n_hearings).map(|h| problem.add_row(..=f64::from(chamber.hearing(h).capacity_count))).collect(),
            group: group_caps.iter().map(|_| problem.add_row(..=0.0)).collect(),
        };
        // The grouping columns first: column k is key k's `g`.
        for (k, &most) in group_caps.iter().enumerate() {
            problem.add_column(-matter_group_cost, 0.0..=1.0, [(rows.group[k], -(most as f64))]);
        }
        let mut in_model: Vec<Vec<bool>> = units.iter().map(|unit| vec![false; unit.options.len()]).collect();
        let mut column_of: Vec<(usize, usize)> = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            let n = unit.options.len();
            let mut order: Vec<usize> = (0..n).collect();
            let best = match &start {
                Some(multipliers) => {
                    let key: Vec<f64> = unit.options.iter().map(|option| reduced(option, unit, multipliers)).collect();
                    order.sort_by(|&a, &b| key[b].total_cmp(&key[a]));
                    PRICED_COLUMNS
                }
                None => {
                    order.sort_by(|&a, &b| unit.options[b].value.total_cmp(&unit.options[a].value));
                    FIRST_COLUMNS
                }
            };
            let spread = SPREAD_COLUMNS.min(n);
            let first = order.into_iter().take(best).chain((0..spread).map(|i| i * n / spread));
            for o in first {
                if !in_model[u][o] {
                    let (cost, factors) = column(&rows, unit, u, o);
                    problem.add_column(cost, 0.0..=1.0, factors);
                    in_model[u][o] = true;
                    column_of.push((u, o));
                }
            }
        }
        let empty = units.iter().all(|unit| unit.options.is_empty());
        let best = start.map(|m| lagrangian(chamber, &units, &group_caps, matter_group_cost, &m));
        let mut model = problem.optimise(Sense::Maximise);
        model.make_quiet();
        model.set_option("threads", 1);
        model.set_option("parallel", "off");
        // The master LP is never reduced by presolve (measured), and a
        // presolve does not poll the interrupt.
        model.set_option("presolve", "off");
        let mut search = BoundSearch {
            units,
            group_caps,
            group_keys,
            matter_group_cost,
            rows,
            model: Some(Parked::new(model)),
            in_model,
            column_of,
            best,
            pair_values: None,
            multipliers: None,
            optimal: false,
            rounds: 0,
        };
        if empty {
            // No dossier can be heard: nothing to solve.
            search.model = None;
            search.best = Some(0.0);
            search.pair_values = Some(pairs.iter().map(|list| vec![0.0; list.len()]).collect());
            search.optimal = true;
        }
        search
    }

    /// The best bound so far, valid for every lawful plan.
    pub(crate) fn value(&self) -> Option<f64> {
        self.best
    }

    /// Whether the LP is solved whole (nothing left to advance).
    pub(crate) fn is_final(&self) -> bool {
        self.optimal || self.model.is_none()
    }

    /// The multipliers of the last round solved, keyed by instance hearing.
    pub(crate) fn prices(&self, chamber: &Chamber<'_>) -> Option<Prices> {
        let multipliers = self.multipliers.as_ref()?;
        Some(Prices {
            hearing: (0..chamber.hearings.len())
                .map(|h| (chamber.hearings[h], (multipliers.weight[h], multipliers.count[h])))
                .collect(),
            group: self
                .group_keys
                .iter()
                .zip(&multipliers.group)
                .map(|((h, matter), &price)| ((chamber.hearings[*h], matter.clone()), price))
                .collect(),
        })
    }

    /// Lowers the bound to the Lagrangian value of `prices` (another
    /// search's multipliers; a row they do not price is priced 0), when
    /// lower: any multipliers ≥ 0 bound every lawful plan, so the bound
    /// stays valid. A chamber planned in parts prices its whole LP so with
    /// its parts' duals, at the cost of one pass over its pairs.
    pub(crate) fn price_with(&mut self, chamber: &Chamber<'_>, prices: &Prices) {
        let multipliers = multipliers_of(chamber, &self.group_keys, prices);
        let value = lagrangian(chamber, &self.units, &self.group_caps, self.matter_group_cost, &multipliers);
        self.best = Some(self.best.map_or(value, |best| best.min(value)));
    }

    /// Lowers the bound by filling each hearing with whole dossiers
    /// ([`knapsack`]): a subgradient descent of at most `iterations`
    /// evaluations from the prices of the last round solved, stopped at
    /// `deadline` when given (at least one evaluation). `target` is a value
    /// the bound cannot go below — the best plan's — if known. Nothing
    /// before a first round.
    pub(crate) fn tighten(
        &mut self,
        chamber: &Chamber<'_>,
        target: Option<f64>,
        iterations: usize,
        deadline: Option<Instant>,
        stop: &AtomicBool,
    ) {
        let (Some(multipliers), Some(best)) = (self.multipliers.as_ref(), self.best) else { return };
        // The grouping rows stay priced at the LP's multipliers: their term,
        // and what they charge each option.
        let groups = grouping_term(&self.group_caps, self.matter_group_cost, multipliers);
        let charge = |_: &Unit, option: &UnitOption| {
            option.groups.iter().map(|&(k, members)| multipliers.group[k] * members).sum::<f64>()
        };
        // Each unit's price: what its best option gains at these
        // multipliers (the LP's own unit dual at its optimum).
        let prices: Vec<f64> = self.units.iter().map(|unit| best_reduced(unit, multipliers)).collect();
        let target = target.unwrap_or(best - KNAPSACK_TARGET_BELOW * best.abs());
        let mut best = best;
        if self.matter_group_cost > 0.0 {
            // The grouping cost paid inside each knapsack instead, for
            // each matter it hears.
            let grouped = knapsack::Knapsacks::new(chamber, &self.units, |_, _| 0.0);
            let cost = Some(self.matter_group_cost);
            if let Some(value) = grouped.descend(prices.clone(), cost, target, iterations, deadline, stop) {
                best = best.min(value);
                self.best = Some(best);
            }
        }
        let knapsacks = knapsack::Knapsacks::new(chamber, &self.units, charge);
        if let Some(value) = knapsacks.descend(prices, None, target - groups, iterations, deadline, stop) {
            self.best = Some(best.min(value + groups));
        }
    }

    /// The LP's value of every pair at the last round solved.
    pub(crate) fn pair_values(&self) -> Option<&[Vec<f64>]> {
        self.pair_values.as_deref()
    }

    /// What hearing each pair of `pairs` would gain the LP at the last
    /// round solved: its value less what its hearing's capacity rows charge
    /// (the dossier's own row left out: the same for all its pairs, so the
    /// order of a dossier's pairs is the LP's), laid out like `pairs`.
    pub(crate) fn pair_prices(&self, chamber: &Chamber<'_>, pairs: &Pairs) -> Option<Vec<Vec<f64>>> {
        let multipliers = self.multipliers.as_ref()?;
        Some(
            pairs
                .iter()
                .enumerate()
                .map(|(d, list)| {
                    let weight = chamber.dossier(d).weight;
                    list.iter()
                        .map(|&(h, value)| value - multipliers.weight[h] * weight - multipliers.count[h])
                        .collect()
                })
                .collect(),
        )
    }

    /// Solves rounds until the LP is whole or `deadline` passes; the
    /// master LP is kept, to be resumed from its basis.
    pub(crate) fn advance(&mut self, chamber: &Chamber<'_>, pairs: &Pairs, deadline: Instant, stop: &AtomicBool) {
        while !self.is_final() && Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
            let Some(parked) = self.model.take() else { return };
            let model = parked.into_inner();
            // No `time_limit`: HiGHS counts it over every run of the model,
            // so a resumed one would stop at once. The deadline interrupts
            // the simplex instead (`solve_until`), which polls it often.
            // A solve still running past the deadline and its grace is
            // abandoned: the model with it, the bound stays what it was.
            let Guarded::Solved(solved) =
                greffe_highs_interrupt::solve_until(model, stop, deadline, crate::model::HIGHS_GRACE)
            else {
                return;
            };
            match solved.status() {
                HighsModelStatus::Optimal => {}
                // Cut short by the deadline: resumed from where it stands.
                HighsModelStatus::ReachedInterrupt | HighsModelStatus::ReachedTimeLimit => {
                    self.model = Some(Parked::new(highs::Model::from(solved)));
                    return;
                }
                // Anything else (a numerical failure: the LP is always
                // feasible and bounded) would fail again: the bound stays
                // the best of the rounds done.
                _ => return,
            }
            self.rounds += 1;
            let solution = solved.get_solution();
            let duals = solution.dual_rows();
            // HiGHS's row duals of this maximisation are ≥ 0 on binding ≤
            // rows (a negative one is round-off).
            let multiplier = |row: usize| duals.get(row).map_or(0.0, |d| d.max(0.0));
            let (n_units, n_hearings) = (self.units.len(), chamber.hearings.len());
            let multipliers = Multipliers {
                weight: (0..n_hearings).map(|h| multiplier(n_units + h)).collect(),
                count: (0..n_hearings).map(|h| multiplier(n_units + n_hearings + h)).collect(),
                group: (0..self.group_caps.len()).map(|k| multiplier(n_units + 2 * n_hearings + k)).collect(),
            };
            let lagrangian = lagrangian(chamber, &self.units, &self.group_caps, self.matter_group_cost, &multipliers);
            self.best = Some(self.best.map_or(lagrangian, |best| best.min(lagrangian)));
            let values = solution.columns();
            self.pair_values = Some(pair_values(pairs, &self.units, &self.column_of, &values[self.group_caps.len()..]));
            // Pricing: each unit's options left out that would improve the LP.
            let mut added: Vec<(usize, usize)> = Vec::new();
            for (u, unit) in self.units.iter().enumerate() {
                let own = multiplier(u);
                let mut improving: Vec<(f64, usize)> = unit
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(o, _)| !self.in_model[u][*o])
                    .map(|(o, option)| (reduced(option, unit, &multipliers) - own, o))
                    .filter(|(r, _)| *r > PRICING_TOLERANCE)
                    .collect();
                improving.sort_by(|a, b| b.0.total_cmp(&a.0));
                added.extend(improving.into_iter().take(COLUMNS_PER_ROUND).map(|(_, o)| (u, o)));
            }
            self.multipliers = Some(multipliers);
            if added.is_empty() {
                // No column would improve it: the LP is the whole one's.
                let lp = solved.objective_value();
                self.best = Some(self.best.map_or(lp, |best| best.min(lp)));
                self.optimal = true;
                return;
            }
            let mut model = highs::Model::from(solved);
            for (u, o) in added {
                let (cost, factors) = column(&self.rows, &self.units[u], u, o);
                model.add_col(cost, 0.0..=1.0, factors);
                self.in_model[u][o] = true;
                self.column_of.push((u, o));
            }
            self.model = Some(Parked::new(model));
        }
    }
}

/// `prices` as multipliers of `chamber`'s rows (0 where they price none).
fn multipliers_of(chamber: &Chamber<'_>, group_keys: &[(usize, String)], prices: &Prices) -> Multipliers {
    let hearing = |h: usize| prices.hearing.get(&chamber.hearings[h]).copied().unwrap_or((0.0, 0.0));
    let n = chamber.hearings.len();
    Multipliers {
        weight: (0..n).map(|h| hearing(h).0.max(0.0)).collect(),
        count: (0..n).map(|h| hearing(h).1.max(0.0)).collect(),
        group: group_keys
            .iter()
            .map(|(h, matter)| {
                prices.group.get(&(chamber.hearings[*h], matter.clone())).copied().unwrap_or(0.0).max(0.0)
            })
            .collect(),
    }
}

/// The objective coefficient and row factors of unit `u`'s option `o`.
fn column(rows: &Rows, unit: &Unit, u: usize, o: usize) -> (f64, Vec<(Row, f64)>) {
    let option = &unit.options[o];
    let mut factors = vec![
        (rows.unit[u], 1.0),
        (rows.weight[option.hearing], option.weight),
        (rows.count[option.hearing], unit.members.len() as f64),
    ];
    factors.extend(option.groups.iter().map(|&(k, members)| (rows.group[k], members)));
    (option.value, factors)
}

/// An option's value less what its capacity and grouping rows charge.
fn reduced(option: &UnitOption, unit: &Unit, multipliers: &Multipliers) -> f64 {
    option.value
        - multipliers.weight[option.hearing] * option.weight
        - multipliers.count[option.hearing] * unit.members.len() as f64
        - option.groups.iter().map(|&(k, members)| multipliers.group[k] * members).sum::<f64>()
}

/// The Lagrangian bound of `multipliers` (any ≥ 0 values): capacities and
/// grouping rows priced, each unit then at its best hearing or at none.
/// Weak duality makes it ≥ the LP, hence ≥ every lawful plan, whatever the
/// multipliers; at the LP's optimal duals it is the LP's value.
fn lagrangian(
    chamber: &Chamber<'_>,
    units: &[Unit],
    group_caps: &[usize],
    matter_group_cost: f64,
    multipliers: &Multipliers,
) -> f64 {
    let capacities: f64 = (0..chamber.hearings.len())
        .map(|h| {
            let hearing = chamber.hearing(h);
            multipliers.weight[h] * hearing.capacity_weight + multipliers.count[h] * f64::from(hearing.capacity_count)
        })
        .sum();
    let groups = grouping_term(group_caps, matter_group_cost, multipliers);
    let placed: f64 = units.iter().map(|unit| best_reduced(unit, multipliers)).sum();
    capacities + groups + placed
}

/// What the grouping rows' multipliers add to a Lagrangian bound: each
/// key's `g` at 1 where its multiplier pays more than the group costs.
fn grouping_term(group_caps: &[usize], matter_group_cost: f64, multipliers: &Multipliers) -> f64 {
    group_caps
        .iter()
        .zip(&multipliers.group)
        .map(|(&most, &price)| (most as f64 * price - matter_group_cost).max(0.0))
        .sum()
}

/// A unit at its best hearing at `multipliers`, or at none (0): its price
/// in a Lagrangian bound, and its row's dual at the LP's optimum.
fn best_reduced(unit: &Unit, multipliers: &Multipliers) -> f64 {
    unit.options.iter().map(|o| reduced(o, unit, multipliers)).fold(0.0, f64::max)
}

/// The LP's value of every pair, read from the unit columns' values.
fn pair_values(pairs: &Pairs, units: &[Unit], column_of: &[(usize, usize)], values: &[f64]) -> Vec<Vec<f64>> {
    let mut out: Vec<Vec<f64>> = pairs.iter().map(|list| vec![0.0; list.len()]).collect();
    for (&(u, o), &value) in column_of.iter().zip(values) {
        let unit = &units[u];
        for (&d, &position) in unit.members.iter().zip(&unit.options[o].positions) {
            out[d][position] = value;
        }
    }
    out
}

/// The chamber's units (each joined group, then every other dossier with a
/// pair) with their options, and, when `grouping`, the most dossiers of
/// each (hearing, matter) key the hearing can hear and the keys themselves
/// (numbered as the options' `groups` refer to them).
fn units(chamber: &Chamber<'_>, pairs: &Pairs, grouping: bool) -> (Vec<Unit>, Vec<usize>, Vec<(usize, String)>) {
    let mut keys: HashMap<(usize, &str), usize> = HashMap::new();
    let mut key_weights: Vec<Vec<f64>> = Vec::new();
    if grouping {
        for (d, list) in pairs.iter().enumerate() {
            let Some(matter) = &chamber.dossier(d).matter else { continue };
            for &(h, _) in list {
                let k = *keys.entry((h, matter.as_str())).or_insert_with(|| {
                    key_weights.push(Vec::new());
                    key_weights.len() - 1
                });
                key_weights[k].push(chamber.dossier(d).weight);
            }
        }
    }
    let mut in_group = vec![false; pairs.len()];
    let mut member_lists: Vec<Vec<usize>> = Vec::new();
    for group in &chamber.groups {
        for &d in group {
            in_group[d] = true;
        }
        member_lists.push(group.clone());
    }
    member_lists.extend((0..pairs.len()).filter(|&d| !in_group[d] && !pairs[d].is_empty()).map(|d| vec![d]));
    let units = member_lists
        .into_iter()
        .map(|members| {
            let lead = members[0];
            let options = pairs[lead]
                .iter()
                .enumerate()
                .filter_map(|(i, &(h, _))| {
                    // The lead's position is known; the other members' are
                    // searched (a group is a few dossiers).
                    let position = |d: usize| if d == lead { Some(i) } else { pairs[d].iter().position(|p| p.0 == h) };
                    let positions: Option<Vec<usize>> = members.iter().map(|&d| position(d)).collect();
                    let positions = positions?;
                    let value = members.iter().zip(&positions).map(|(&d, &i)| pairs[d][i].1).sum();
                    let weight = members.iter().map(|&d| chamber.dossier(d).weight).sum();
                    let mut groups: Vec<(usize, f64)> = Vec::new();
                    for &d in &members {
                        let Some(matter) = &chamber.dossier(d).matter else { continue };
                        let Some(&k) = keys.get(&(h, matter.as_str())) else { continue };
                        match groups.iter_mut().find(|(key, _)| *key == k) {
                            Some((_, count)) => *count += 1.0,
                            None => groups.push((k, 1.0)),
                        }
                    }
                    Some(UnitOption { hearing: h, positions, value, weight, groups })
                })
                .collect();
            Unit { members, options }
        })
        .collect();
    let mut caps = vec![0; key_weights.len()];
    let mut named = vec![(0, String::new()); key_weights.len()];
    for (&(h, matter), &k) in &keys {
        caps[k] = most_heard(chamber.hearing(h), &mut key_weights[k]);
        named[k] = (h, matter.to_owned());
    }
    (units, caps, named)
}

/// The most dossiers of weights `weights` that `hearing` can hear: its
/// count capacity, their number, and how many of the lightest its weight
/// capacity holds.
fn most_heard(hearing: &greffe_models::Hearing, weights: &mut [f64]) -> usize {
    weights.sort_by(f64::total_cmp);
    let mut total = 0.0;
    let by_weight = weights
        .iter()
        .take_while(|&&w| {
            total += w;
            total <= hearing.capacity_weight + 1e-9
        })
        .count();
    by_weight.min(hearing.capacity_count as usize).min(weights.len())
}

#[cfg(test)]
mod tests {
    use greffe_models::format::{InstanceDoc, from_json_text, validate};

    use super::*;
    use crate::multi::Reserved;

    /// One chamber, one FR hearing holding `capacity` dossiers; one dossier
    /// per matter in `matters`, each worth 10 at that hearing.
    fn instance(capacity: u32, matters: &[&str]) -> greffe_models::Instance {
        let weighed: Vec<(&str, f64)> = matters.iter().map(|&matter| (matter, 1.0)).collect();
        weighed_instance(capacity, &weighed)
    }

    /// [`instance`] with each dossier's weight given.
    fn weighed_instance(capacity: u32, dossiers: &[(&str, f64)]) -> greffe_models::Instance {
        let dossiers: Vec<String> = dossiers
            .iter()
            .enumerate()
            .map(|(i, (matter, weight))| {
                format!(
                    r#"{{"id": "x{i}", "pourvoi": "A 26-10.{i:03}", "chamber": "a", "matter": "{matter}",
                        "formations": ["FR"], "rapporteurs": ["c1"], "weight": {weight}, "priority": 10.0,
                        "ready_date": "2026-11-02", "notice_days": 15}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"horizon": {{"start": "2027-01-04", "end": "2027-01-08"}},
                "chambers": [{{"id": "a"}}],
                "magistrates": [
                    {{"id": "pa", "chamber": "a", "role": "president", "rank": 1, "max_hearings_per_week": 4}},
                    {{"id": "d1", "chamber": "a", "role": "doyen", "rank": 2, "max_hearings_per_week": 4}},
                    {{"id": "c1", "chamber": "a", "role": "conseiller", "rank": 3, "max_hearings_per_week": 4}}],
                "hearings": [{{"id": "h1", "chamber": "a", "date": "2027-01-05", "half_day": "am",
                    "formation": "FR", "capacity_weight": 10.0, "capacity_count": {capacity}}}],
                "dossiers": [{}]}}"#,
            dossiers.join(",")
        );
        let doc: InstanceDoc = from_json_text(&text).expect("instance JSON");
        validate(&doc).unwrap_or_else(|problems| panic!("invalid: {problems:?}"))
    }

    fn bound(capacity: u32, matters: &[&str], cost: f64) -> f64 {
        let instance = instance(capacity, matters);
        let id = greffe_models::ChamberId::parse("a").expect("id");
        let chamber = Chamber::build(&instance, &id, false, &Reserved::default());
        let pairs: Pairs = (0..matters.len()).map(|_| vec![(0, 10.0)]).collect();
        let deadline = Instant::now() + std::time::Duration::from_secs(5);
        lp_bound(&chamber, &pairs, cost, deadline, &crate::model::NEVER).expect("an optimal LP")
    }

    #[test]
    fn the_grouping_cost_tightens_the_bound_and_stays_above_the_best_plan() {
        // Two seats, matters A, A, B, each group costing 3: the best plan
        // hears the two A (20 − 3 = 17). The pair values alone bound 20.
        assert!((bound(2, &["A", "A", "B"], 0.0) - 20.0).abs() < 1e-6);
        assert!((bound(2, &["A", "A", "B"], 3.0) - 17.0).abs() < 1e-6);
        // Four seats, four of A: one group, 40 − 3.
        assert!((bound(4, &["A"; 4], 3.0) - 37.0).abs() < 1e-6);
        // Three seats, matters A, B, C: the best plan pays three groups
        // (30 − 9 = 21); the aggregated rows see it exactly here too.
        assert!((bound(3, &["A", "B", "C"], 3.0) - 21.0).abs() < 1e-6);
        // A group dearer than its dossiers: the bound hears none.
        assert!(bound(2, &["A", "B"], 15.0).abs() < 1e-6);
    }

    #[test]
    fn whole_dossiers_fill_a_hearing_where_the_lp_takes_a_fraction() {
        // Capacity 10 in weight, three dossiers of weight 4 worth 10 each:
        // the LP hears two and a half (25), a plan two at most (20).
        let instance = weighed_instance(5, &[("A", 4.0), ("B", 4.0), ("C", 4.0)]);
        let id = greffe_models::ChamberId::parse("a").expect("id");
        let chamber = Chamber::build(&instance, &id, false, &Reserved::default());
        let pairs: Pairs = (0..3).map(|_| vec![(0, 10.0)]).collect();
        let far = Instant::now() + std::time::Duration::from_secs(5);
        // With a group of each matter costing 3, each dossier nets 7: 17.5
        // against 14.
        for (cost, lp, whole) in [(0.0, 25.0, 20.0), (3.0, 17.5, 14.0)] {
            let mut search = BoundSearch::new(&chamber, &pairs, cost);
            search.advance(&chamber, &pairs, far, &crate::model::NEVER);
            assert!((search.value().expect("the LP") - lp).abs() < 1e-6, "cost {cost}");
            let values = search.pair_values().map(<[Vec<f64>]>::to_vec);
            let prices = search.pair_prices(&chamber, &pairs);
            search.tighten(&chamber, None, KNAPSACK_ITERATIONS, None, &crate::model::NEVER);
            let value = search.value().expect("a bound");
            assert!((value - whole).abs() < 1e-6, "cost {cost}: {value} against {whole}");
            // The LP's values and prices, which the benches and the
            // supports read, are the LP's still.
            assert!(search.is_final());
            assert_eq!(search.pair_values().map(<[Vec<f64>]>::to_vec), values);
            assert_eq!(search.pair_prices(&chamber, &pairs), prices);
        }
    }

    #[test]
    fn the_knapsack_bound_stays_above_every_plan_and_below_the_lp() {
        let instance = crate::chamber::generated(3);
        let mut lowered = 0;
        for chamber in chambers_of(&instance) {
            let pairs = crate::part::instance_pairs(&chamber, &crate::SolveConfig::default());
            for cost in [0.0, 2.0] {
                let far = Instant::now() + std::time::Duration::from_secs(60);
                let mut search = BoundSearch::new(&chamber, &pairs, cost);
                search.advance(&chamber, &pairs, far, &crate::model::NEVER);
                let lp = search.value().expect("the LP");
                search.tighten(&chamber, None, KNAPSACK_ITERATIONS, None, &crate::model::NEVER);
                let value = search.value().expect("a bound");
                assert!(value <= lp + 1e-9, "never above the LP: {value} > {lp}");
                // The best plan HiGHS finds in a few seconds of the same
                // relaxation with whole dossiers: the bound stays above it.
                let plan = whole_model(&chamber, &pairs, cost, true);
                assert!(value >= plan - 1e-6 * plan.abs(), "cost {cost}: {value} below a plan's {plan}");
                lowered += usize::from(value < lp - 1e-6);
            }
        }
        assert!(lowered > 0, "whole dossiers lower the bound somewhere");
    }

    /// The whole LP, every pair a column (`good_lp`), written apart from
    /// the column generation: the reference it must end at.
    fn whole_lp(chamber: &Chamber<'_>, pairs: &Pairs, cost: f64) -> f64 {
        whole_model(chamber, pairs, cost, false)
    }

    /// The whole model of the bound (capacities, joined groups, grouping
    /// rows), every pair a column: its LP's value, or with `integral` the
    /// best plan HiGHS finds in a few seconds.
    fn whole_model(chamber: &Chamber<'_>, pairs: &Pairs, cost: f64, integral: bool) -> f64 {
        use good_lp::{Expression, ProblemVariables, SolverModel, variable};
        let kind = || if integral { variable().binary() } else { variable().min(0.0).max(1.0) };
        let mut vars = ProblemVariables::new();
        let mut objective = Expression::default();
        let mut at_hearing: Vec<Vec<(usize, good_lp::Variable)>> = vec![Vec::new(); chamber.hearings.len()];
        let mut rows: Vec<Vec<(usize, good_lp::Variable)>> = Vec::new();
        for (d, list) in pairs.iter().enumerate() {
            let row: Vec<(usize, good_lp::Variable)> = list
                .iter()
                .map(|&(h, value)| {
                    let var = vars.add(kind());
                    objective += value * var;
                    at_hearing[h].push((d, var));
                    (h, var)
                })
                .collect();
            rows.push(row);
        }
        let mut constraints = Vec::new();
        for (h, list) in at_hearing.iter().enumerate() {
            let hearing = chamber.hearing(h);
            let weight: Expression = list.iter().map(|(d, var)| chamber.dossier(*d).weight * *var).sum();
            constraints.push(weight.leq(hearing.capacity_weight));
            let count: Expression = list.iter().map(|(_, var)| *var).sum();
            constraints.push(count.leq(f64::from(hearing.capacity_count)));
            let mut by_matter: std::collections::BTreeMap<&str, Vec<(usize, good_lp::Variable)>> =
                std::collections::BTreeMap::new();
            for &(d, var) in list {
                if let Some(matter) = &chamber.dossier(d).matter {
                    by_matter.entry(matter.as_str()).or_default().push((d, var));
                }
            }
            for members in by_matter.values().filter(|_| cost > 0.0) {
                let mut weights: Vec<f64> = members.iter().map(|(d, _)| chamber.dossier(*d).weight).collect();
                let most = most_heard(hearing, &mut weights);
                let g = vars.add(kind());
                objective -= cost * g;
                let heard: Expression = members.iter().map(|(_, var)| *var).sum();
                constraints.push((heard - most as f64 * g).leq(0.0));
            }
        }
        for row in &rows {
            let sum: Expression = row.iter().map(|(_, var)| *var).sum();
            constraints.push(sum.leq(1.0));
        }
        constraints.extend(crate::model::joined_together(&chamber.groups, &rows));
        let mut problem = vars.maximise(objective).using(good_lp::solvers::highs::highs);
        for constraint in constraints {
            problem.add_constraint(constraint);
        }
        let mut model = problem.into_inner();
        model.make_quiet();
        if integral {
            model.set_option("time_limit", 5.0);
        }
        let solved = model.solve();
        if !integral {
            assert_eq!(solved.status(), HighsModelStatus::Optimal);
        }
        solved.objective_value()
    }

    /// Every chamber of one real-size chamber's instance over four weeks,
    /// with its instance pairs under the benchmark values.
    fn chambers_of(instance: &greffe_models::Instance) -> Vec<Chamber<'_>> {
        instance.chambers().iter().map(|c| Chamber::build(instance, &c.id, false, &Reserved::default())).collect()
    }

    #[test]
    fn column_generation_ends_at_the_whole_lp_even_cut_short_and_resumed() {
        let instance = crate::chamber::generated(3);
        for chamber in chambers_of(&instance) {
            let pairs = crate::part::instance_pairs(&chamber, &crate::SolveConfig::default());
            assert!(pairs.iter().map(Vec::len).sum::<usize>() > 5_000, "a chamber worth generating columns for");
            assert!(!chamber.groups.is_empty(), "joined dossiers, placed as one unit");
            for cost in [0.0, 2.0] {
                let whole = whole_lp(&chamber, &pairs, cost);
                let far = Instant::now() + std::time::Duration::from_secs(60);
                let mut search = BoundSearch::new(&chamber, &pairs, cost);
                search.advance(&chamber, &pairs, far, &crate::model::NEVER);
                assert!(search.is_final());
                assert!(search.rounds > 1, "columns were generated ({} rounds)", search.rounds);
                let value = search.value().expect("a bound");
                assert!(
                    (value - whole).abs() <= 1e-6 * whole.abs(),
                    "cost {cost}: {value} against the whole LP's {whole}"
                );
                // Cut short every millisecond and resumed: every bound on
                // the way is above the LP, and it ends at the same value.
                let mut search = BoundSearch::new(&chamber, &pairs, cost);
                let mut calls = 0;
                while !search.is_final() {
                    calls += 1;
                    assert!(calls < 100_000, "the resumed search ends");
                    let soon = Instant::now() + std::time::Duration::from_millis(1);
                    search.advance(&chamber, &pairs, soon, &crate::model::NEVER);
                    if let Some(value) = search.value() {
                        assert!(value >= whole - 1e-6 * whole.abs(), "a bound on the way: {value} < {whole}");
                    }
                }
                assert!(calls > 1, "the search was cut short at least once");
                let value = search.value().expect("a bound");
                assert!((value - whole).abs() <= 1e-6 * whole.abs(), "resumed: {value} against {whole}");
            }
        }
    }

    #[test]
    fn a_search_started_from_prices_bounds_from_them_and_ends_at_the_same_lp() {
        let instance = crate::chamber::generated(3);
        let chambers = chambers_of(&instance);
        let chamber = &chambers[0];
        let pairs = crate::part::instance_pairs(chamber, &crate::SolveConfig::default());
        let cost = 2.0;
        let whole = whole_lp(chamber, &pairs, cost);
        let far = Instant::now() + std::time::Duration::from_secs(60);
        let mut cold = BoundSearch::new(chamber, &pairs, cost);
        cold.advance(chamber, &pairs, far, &crate::model::NEVER);
        let prices = cold.prices(chamber).expect("the LP's duals");
        // At the LP's own duals the Lagrangian is the LP's value: the
        // search starts there, and ends there.
        let mut warm = BoundSearch::priced(chamber, &pairs, cost, Some(&prices));
        let start = warm.value().expect("a bound from the prices");
        assert!((start - whole).abs() <= 1e-6 * whole.abs(), "{start} against the LP's {whole}");
        warm.advance(chamber, &pairs, far, &crate::model::NEVER);
        assert!(warm.is_final());
        assert!((warm.value().expect("a bound") - whole).abs() <= 1e-6 * whole.abs());
        // Prices of no row (another chamber's hearings'): a weaker bound,
        // never one below the LP; pricing it lowers it to the LP's at the
        // LP's duals, never raises it; the search started from it still
        // ends at the LP.
        let foreign = Prices::default();
        let mut unpriced = BoundSearch::priced(chamber, &pairs, cost, Some(&foreign));
        let loose = unpriced.value().expect("a bound");
        assert!(loose > whole + 1e-6 * whole.abs(), "{loose} is the unpriced bound, above the LP's {whole}");
        unpriced.price_with(chamber, &prices);
        assert!((unpriced.value().expect("a bound") - whole).abs() <= 1e-6 * whole.abs(), "lowered to the LP's");
        unpriced.price_with(chamber, &foreign);
        assert!((unpriced.value().expect("a bound") - whole).abs() <= 1e-6 * whole.abs(), "never raised");
        unpriced.advance(chamber, &pairs, far, &crate::model::NEVER);
        assert!((unpriced.value().expect("a bound") - whole).abs() <= 1e-6 * whole.abs());
    }

    #[test]
    fn any_multipliers_bound_the_lp_from_above() {
        let instance = crate::chamber::generated(3);
        let chamber = chambers_of(&instance).remove(0);
        let pairs = crate::part::instance_pairs(&chamber, &crate::SolveConfig::default());
        let cost = 2.0;
        let whole = whole_lp(&chamber, &pairs, cost);
        let (units, caps, _) = units(&chamber, &pairs, true);
        let n = chamber.hearings.len();
        // No price at all: each unit at its best hearing.
        let zero = Multipliers { weight: vec![0.0; n], count: vec![0.0; n], group: vec![0.0; caps.len()] };
        let trivial: f64 = units.iter().map(|u| u.options.iter().map(|o| o.value).fold(0.0, f64::max)).sum();
        assert!((lagrangian(&chamber, &units, &caps, cost, &zero) - trivial).abs() < 1e-9);
        // Prices drawn without any regard for the LP.
        for step in [0.1, 1.0, 7.5] {
            let priced = Multipliers {
                weight: (0..n).map(|h| step * (h % 3) as f64).collect(),
                count: (0..n).map(|h| step * ((h + 1) % 2) as f64).collect(),
                group: (0..caps.len()).map(|k| step * (k % 4) as f64).collect(),
            };
            let value = lagrangian(&chamber, &units, &caps, cost, &priced);
            assert!(value >= whole - 1e-6, "prices {step}: {value} below the LP's {whole}");
        }
    }
}
