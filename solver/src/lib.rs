//! # greffe-solver
//!
//! The planning core: from a validated [`Instance`], a hearing plan — which
//! dossier each hearing hears and who sits — respecting every hard rule of
//! the planning model (version 1), optimising the objective, with a proof of
//! quality (objective, bound valid for every lawful plan, gap).
//!
//! How: chambers are independent in model v1, so each is solved on its own,
//! in parallel (rayon). In a chamber, the bound's LP first; a bench heuristic
//! gives every hearing a lawful bench, blocking least the dossiers that LP
//! hears there; a greedy plan places the work; then a MILP (good_lp with
//! HiGHS) improves it from that start — with the benches decided in the
//! model too when the chamber is small enough (`full_model_max_pairs`), with
//! them fixed otherwise. With fixed benches, the first plan is the MILP
//! restricted to the LP's support and each dossier's best alternative by
//! reduced value (in a chamber too large for the whole LP in its time, that
//! LP, the restricted MILP — in blocks of hearings — and the windows are
//! drawn from the bound's candidates), its start and its plan polished by
//! a local search of moves and ejections (`polish`); the time left then goes, a slice at a
//! time, to the chamber that may still gain most per second already
//! searched, whose plan a large-neighbourhood search improves window of
//! hearings by window of hearings (`lns`) — with the heuristic's benches
//! first, then re-deciding the window's benches. The bound is the LP
//! relaxation of the assignment core, lowered by filling each hearing with
//! whole dossiers (a Lagrangian bound of per-hearing knapsacks). Every plan
//! returned is re-verified by the independent checker.
//!
//! **Invariant: no I/O.** Everything the solver needs comes in
//! [`SolveConfig`]; it reads no clock but its own elapsed time.

#![forbid(unsafe_code)]

mod benches;
mod bound;
pub mod candidates;
mod chamber;
pub mod distribution;
mod explain;
mod greedy;
mod lns;
mod model;
mod multi;
mod part;
mod polish;
mod reasons;
pub mod repair;
mod sections;
mod split;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use greffe_checker::{CheckOptions, CheckReport, Violation, ViolationCode, check};
use greffe_models::{Assignment, Bench, Instance, Plan};
use rayon::iter::{IntoParallelIterator, ParallelIterator};

pub use explain::{Explanation, HearingVerdict, explain};
pub use repair::{Disruption, RepairConfig, Repaired, repair};

/// Weights of the `default` objective's soft terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObjectiveWeights {
    /// Cost of each distinct matter heard at a hearing (groups by matter).
    pub matter_grouping: f64,
    /// Cost per attendance of the chamber's most loaded magistrate.
    pub load_balance: f64,
    /// Bonus for keeping a dossier at the hearing of the previous plan.
    pub stability: f64,
    /// Bonus for keeping a published dossier at its hearing when published
    /// dossiers may move.
    pub published_stability: f64,
}

impl Default for ObjectiveWeights {
    fn default() -> Self {
        Self { matter_grouping: 0.5, load_balance: 0.5, stability: 2.0, published_stability: 20.0 }
    }
}

/// What to maximise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// Exactly the planning brief's benchmark formula.
    Benchmark,
    /// The benchmark plus grouping by matter, load balance and stability.
    Default(ObjectiveWeights),
}

/// Phases reported to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Chambers prepared.
    Prepared,
    /// A chamber's first plan is ready (the search may still improve it
    /// until the limit).
    ChamberDone,
    /// The whole plan is merged and checked.
    Done,
}

/// A progress report.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Where the solve is.
    pub phase: Phase,
    /// The chamber concerned, for `ChamberDone`.
    pub chamber: Option<String>,
    /// Objective of the work done so far.
    pub incumbent: f64,
    /// Bound of the work done so far.
    pub bound: Option<f64>,
    /// Chambers done, out of `chambers_total`.
    pub chambers_done: usize,
    /// Number of chambers.
    pub chambers_total: usize,
    /// Elapsed wall time.
    pub elapsed_ms: u64,
}

/// Everything the solver needs from outside, in one value.
pub struct SolveConfig<'a> {
    /// Wall-clock limit of the whole solve.
    pub time_limit: Duration,
    /// Relative gap at which a chamber's MILP stops.
    pub gap_target: f64,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Seed of the tie-breaks and of HiGHS.
    pub seed: u64,
    /// What to maximise.
    pub objective: Objective,
    /// Deterministic work limit: branch-and-bound nodes per chamber MILP.
    /// With it, each chamber searches a fixed number of neighbourhoods and
    /// the solve ends when that work is done; without it, the search uses
    /// the time left until the limit.
    pub node_limit: Option<u64>,
    /// Published dossiers may move (each move is then reported).
    pub allow_moving_pinned: bool,
    /// A previous plan, reference for stability (never a constraint).
    pub previous: Option<&'a Plan>,
    /// Raised to stop: chambers not yet started are skipped, and HiGHS stops
    /// at its next check (simplex and interior-point iterations, branch-and-
    /// bound nodes) in the running ones; the solve then returns
    /// [`SolveError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    /// Called as the solve progresses.
    pub progress: Option<&'a (dyn Fn(&Progress) + Sync)>,
    /// Chambers with at most this many lawful pairs decide their benches in
    /// the MILP (the full model); larger ones keep the heuristic's benches.
    pub full_model_max_pairs: usize,
    /// Chambers without sections with at least this many bench members
    /// are planned as two halves, their bound computed whole (`usize::MAX`:
    /// never).
    pub split_min_members: usize,
}

impl Default for SolveConfig<'_> {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(10),
            gap_target: 0.001,
            threads: 0,
            seed: 0,
            objective: Objective::Benchmark,
            node_limit: None,
            allow_moving_pinned: false,
            previous: None,
            cancel: None,
            progress: None,
            full_model_max_pairs: 2_000,
            split_min_members: split::SPLIT_MIN_MEMBERS,
        }
    }
}

/// Figures of one chamber's solve.
#[derive(Debug, Clone, PartialEq)]
pub struct PartStats {
    /// Chamber id.
    pub chamber: String,
    /// Dossiers of the chamber.
    pub dossiers: usize,
    /// Hearings of the chamber.
    pub hearings: usize,
    /// Lawful (dossier, hearing) pairs in the model.
    pub pairs: usize,
    /// Dossiers assigned.
    pub assigned: usize,
    /// Objective reached (under the default objective: pair values less
    /// the grouping and load costs).
    pub objective: f64,
    /// The benchmark formula's value of the same assignments.
    pub benchmark: f64,
    /// Bound valid for every lawful plan of the chamber.
    pub bound: Option<f64>,
    /// `full` (benches decided by the MILP) or `fixed_benches`.
    pub model: &'static str,
    /// HiGHS's final status.
    pub milp_status: String,
    /// Whether the plan is the MILP's (else the greedy start was kept).
    pub milp_solution: bool,
    /// Whether a MILP stopped on its time limit.
    pub time_limit_hit: bool,
    /// Neighbourhoods the large-neighbourhood search solved.
    pub neighbourhoods: usize,
    /// Wall time spent on the chamber.
    pub solve_ms: u64,
}

/// A solved plan with its figures and the checker's report.
#[derive(Debug, Clone)]
pub struct Solved {
    /// The plan, in the interchange format.
    pub plan: Plan,
    /// Per-chamber figures.
    pub parts: Vec<PartStats>,
    /// The independent checker's report on the plan.
    pub check: CheckReport,
    /// Violations the plan does not declare as broken requirements: a solver
    /// bug if ever non-empty.
    pub undeclared: Vec<Violation>,
}

/// Why no plan was returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    /// The caller cancelled the solve.
    #[error("calcul annulé")]
    Cancelled,
    /// The worker pool could not start.
    #[error("impossible de démarrer les fils de calcul : {0}")]
    ThreadPool(String),
}

/// Share of a large chamber's time spent on its first plan (the rest goes
/// to the search, where it gains most).
const PREPARE_SHARE: f64 = 0.85;
/// Longest run of the search on one chamber before the scheduler chooses
/// again.
const SLICE: Duration = Duration::from_millis(1_000);
/// Neighbourhoods each chamber searches in a deterministic solve (with a
/// node limit): most of a pass of one-block windows over an eight-week
/// horizon (about 48 hearings a chamber).
const DETERMINISTIC_NEIGHBOURHOODS: usize = 7;
/// Shortest slice worth starting.
const MIN_SLICE: Duration = Duration::from_millis(60);
/// Most of the limit a split chamber's whole bound may take. It starts once
/// both halves are prepared, from their bounds' prices
/// (`bound::BoundSearch::priced`): the halves' hearings make up the
/// chamber's, so their duals price every row of the whole LP, its first
/// columns are the best at those prices and its first bound their
/// Lagrangian value. Court with chambers twice their size, 20 s, seeds 1
/// and 3 (`docs/benchmarks.md` « thirteenth »): the social chamber's LP
/// whole in 1.2 s (2.2 s from a cold start), the criminal chamber's within
/// 0.01 % of it in its 2.8 s, where the cold start was cut short 12 %
/// above it. The halves' final prices price it once more at the end
/// (`BoundSearch::price_with`). A deterministic solve searches it after
/// its halves, within the same share of what the clock leaves.
const WHOLE_BOUND_SHARE: f64 = 0.15;

/// Solves `instance`: a plan, its figures, and the checker's report.
pub fn solve(instance: &Instance, config: &SolveConfig<'_>) -> Result<Solved, SolveError> {
    let started = Instant::now();
    // The chambre mixte and the assemblée plénière first: the law composes
    // their benches, and the chambers plan around who they take.
    let multi = multi::plan(instance, config);
    // A chamber too large for one model is planned as two halves
    // (`split`), each a unit of the scheduler below; its bound is computed
    // on the whole chamber, kept in `wholes`, from its halves' prices.
    let mut chambers: Vec<chamber::Chamber<'_>> = Vec::new();
    let mut wholes: Vec<chamber::Chamber<'_>> = Vec::new();
    // Per whole: the unit of its first half (the second follows it).
    let mut first_half: Vec<usize> = Vec::new();
    for id in instance.chambers().iter().map(|c| &c.id).filter(|id| !greffe_models::multi::is_multi_chamber_id(id)) {
        let chamber = chamber::Chamber::build(instance, id, config.allow_moving_pinned, &multi.reserved);
        match split::halves(&chamber, config.split_min_members) {
            Some(halves) => {
                first_half.push(chambers.len());
                chambers.extend(halves);
                wholes.push(chamber);
            }
            None => chambers.push(chamber),
        }
    }
    let chamber_count = chambers.len() - wholes.len();
    let whole_bounds: Vec<std::sync::Mutex<Option<bound::BoundSearch>>> =
        wholes.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let threads =
        if config.threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { config.threads };
    let sizes: Vec<usize> = chambers.iter().map(|c| c.candidates.iter().map(Vec::len).sum::<usize>().max(1)).collect();
    let total: usize = sizes.iter().sum();
    let report = |progress: Progress| {
        if let Some(callback) = config.progress {
            callback(&progress);
        }
    };
    report(Progress {
        phase: Phase::Prepared,
        chamber: None,
        incumbent: 0.0,
        bound: None,
        chambers_done: 0,
        chambers_total: chamber_count,
        elapsed_ms: started.elapsed().as_millis() as u64,
    });
    // Keep a margin for merging and checking the plan within the limit.
    let solve_limit = config.time_limit.mul_f64(0.97).saturating_sub(Duration::from_millis(50));
    let solve_end = started + solve_limit;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| SolveError::ThreadPool(e.to_string()))?;
    let cancelled = || config.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed));
    let done = std::sync::Mutex::new((0usize, multi.parts.iter().map(|p| p.stats.objective).sum::<f64>()));
    // Preparation, largest chamber first: each of `threads` workers takes
    // the next chamber when it is free. A chamber whose benches the MILP
    // decides (a small one) gets its whole share of the limit; a larger one
    // a part of it for its first plan, the rest going, in slices, to the
    // chamber that still gains most (large-neighbourhood search).
    let mut order: Vec<usize> = (0..chambers.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(sizes[c]));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<std::sync::Mutex<Option<part::Part<'_, '_>>>> =
        chambers.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let busy: Vec<std::sync::atomic::AtomicBool> =
        chambers.iter().map(|_| std::sync::atomic::AtomicBool::new(false)).collect();
    let choosing = std::sync::Mutex::new(());
    let ready = std::sync::atomic::AtomicUsize::new(0);
    let lock = |c: usize| parts[c].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let whole_claimed: Vec<AtomicBool> = wholes.iter().map(|_| AtomicBool::new(false)).collect();
    // Each half's bound prices once prepared (set once; the halves may be
    // busy searching when their whole's bound starts).
    let prepared_prices: Vec<std::sync::OnceLock<Option<bound::Prices>>> =
        chambers.iter().map(|_| std::sync::OnceLock::new()).collect();
    let both = |first: Option<bound::Prices>, second: Option<bound::Prices>| first.zip(second).map(|(a, b)| a.with(b));
    // A whole chamber's bound search from its halves' prices, within its
    // share of what the clock leaves.
    let whole_bound = |whole: &chamber::Chamber<'_>, prices: Option<&bound::Prices>| {
        let remaining = solve_end.saturating_duration_since(Instant::now());
        let deadline = Instant::now() + solve_limit.mul_f64(WHOLE_BOUND_SHARE).min(remaining);
        let matter_cost = model::Extras::of(config.objective).matter_group_cost;
        let pairs = part::instance_pairs(whole, config);
        let mut search = bound::BoundSearch::priced(whole, &pairs, matter_cost, prices);
        let stop = config.cancel.unwrap_or(&model::NEVER);
        search.advance(whole, &pairs, deadline, stop);
        search.tighten(whole, None, bound::KNAPSACK_ITERATIONS, Some(deadline), stop);
        search
    };
    pool.scope(|scope| {
        for _ in 0..threads.min(chambers.len()) {
            scope.spawn(|_| {
                loop {
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&c) = order.get(position) else { break };
                    if cancelled() {
                        return;
                    }
                    // The chamber's share of the threads' time, by size;
                    // its preparation gets a part of it (all of it when the
                    // MILP decides the benches), the rest is searched in
                    // slices once every chamber is prepared.
                    let share = (threads as f64 * sizes[c] as f64 / total as f64).min(1.0);
                    let free_benches = sizes[c] <= config.full_model_max_pairs;
                    let remaining = solve_end.saturating_duration_since(Instant::now());
                    let budget =
                        solve_limit.mul_f64(if free_benches { share } else { share * PREPARE_SHARE }).min(remaining);
                    let mut prepared = part::Part::prepare(&chambers[c], config, budget);
                    if config.node_limit.is_some() {
                        // A deterministic solve (a work limit, not a time
                        // limit) searches a fixed number of neighbourhoods
                        // in the chamber's own time, not what the clock
                        // leaves.
                        let until = Instant::now() + solve_limit.mul_f64(share).min(remaining).saturating_sub(budget);
                        prepared.improve(config, until, until, DETERMINISTIC_NEIGHBOURHOODS);
                    }
                    let mut guard = done.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    // In halves of chambers: a split chamber is done with
                    // its second half.
                    guard.0 += if chambers[c].members.is_some() { 1 } else { 2 };
                    guard.1 += prepared.objective();
                    report(Progress {
                        phase: Phase::ChamberDone,
                        chamber: Some(chambers[c].id.to_string()),
                        incumbent: guard.1,
                        // A half's bound is not one of its chamber.
                        bound: if chambers[c].members.is_some() { None } else { prepared.bound() },
                        chambers_done: guard.0 / 2,
                        chambers_total: chamber_count,
                        elapsed_ms: started.elapsed().as_millis() as u64,
                    });
                    drop(guard);
                    if chambers[c].members.is_some() {
                        let _ = prepared_prices[c].set(prepared.prices());
                    }
                    *lock(c) = Some(prepared);
                    ready.fetch_add(1, Ordering::Relaxed);
                }
                // Improvement: the prepared chamber that may still gain most
                // per second already searched, one slice at a time, until
                // the limit.
                loop {
                    if config.node_limit.is_some() || cancelled() || Instant::now() + MIN_SLICE >= solve_end {
                        break;
                    }
                    // A split chamber's bound, once both its halves are
                    // prepared: its column generation starts from the
                    // prices they were prepared with.
                    let claimed = {
                        let _choosing = choosing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        (0..wholes.len())
                            .find(|&k| {
                                let c = first_half[k];
                                !whole_claimed[k].load(Ordering::Relaxed)
                                    && [c, c + 1].iter().all(|&c| prepared_prices[c].get().is_some())
                            })
                            .map(|k| {
                                whole_claimed[k].store(true, Ordering::Relaxed);
                                let c = first_half[k];
                                let prices = |c: usize| prepared_prices[c].get().cloned().flatten();
                                (k, both(prices(c), prices(c + 1)))
                            })
                    };
                    if let Some((k, prices)) = claimed {
                        let search = whole_bound(&wholes[k], prices.as_ref());
                        *whole_bounds[k].lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(search);
                        continue;
                    }
                    let chosen = {
                        let _choosing = choosing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        let best = (0..chambers.len())
                            .filter(|&c| !busy[c].load(Ordering::Relaxed))
                            .filter_map(|c| lock(c).as_ref().map(|p| (c, p.priority(config))))
                            .filter(|(_, priority)| *priority > 0.0)
                            .max_by(|a, b| a.1.total_cmp(&b.1));
                        if let Some((c, _)) = best {
                            busy[c].store(true, Ordering::Relaxed);
                        }
                        best.map(|(c, _)| c)
                    };
                    let Some(c) = chosen else {
                        // Nothing to take now: stop when every chamber is
                        // prepared and none is being searched (none gains),
                        // else wait for one.
                        if ready.load(Ordering::Relaxed) == chambers.len()
                            && busy.iter().all(|b| !b.load(Ordering::Relaxed))
                        {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    };
                    let until = solve_end.min(Instant::now() + SLICE);
                    if let Some(part) = lock(c).as_mut() {
                        part.improve(config, until, solve_end, usize::MAX);
                    }
                    busy[c].store(false, Ordering::Relaxed);
                }
            });
        }
    });
    if cancelled() {
        return Err(SolveError::Cancelled);
    }
    // A split chamber's bound, priced also with its halves' multipliers
    // (their hearings make up the chamber's): often lower than what its
    // own column generation reached in its share of the limit.
    for (k, whole) in wholes.iter().enumerate() {
        let prices = |c: usize| lock(c).as_ref().and_then(part::Part::prices);
        let prices = both(prices(first_half[k]), prices(first_half[k] + 1));
        let mut slot = whole_bounds[k].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match (slot.as_mut(), prices) {
            (Some(search), Some(prices)) => search.price_with(whole, &prices),
            // Not searched: a deterministic solve searches it now, within
            // its share of what the clock leaves; with no time left, the
            // halves' prices alone.
            (None, prices) => *slot = Some(whole_bound(whole, prices.as_ref())),
            (Some(_), None) => {}
        }
    }
    let prepared: Vec<part::Part<'_, '_>> = parts
        .into_iter()
        .filter_map(|slot| slot.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
        .collect();
    if prepared.len() != chambers.len() {
        return Err(SolveError::Cancelled);
    }
    let results: Vec<part::ChamberPlan> =
        pool.install(|| prepared.into_par_iter().map(|part| part.finish(config)).collect());
    // A split chamber's halves (consecutive units) as one chamber, with the
    // bound of the whole.
    let mut results = results.into_iter().zip(&chambers);
    let mut merged: Vec<part::ChamberPlan> = Vec::new();
    let mut wholes_seen = 0;
    while let Some((plan, unit)) = results.next() {
        if unit.members.is_none() {
            merged.push(plan);
            continue;
        }
        let Some((other, _)) = results.next() else { return Err(SolveError::Cancelled) };
        let bound = whole_bounds.get(wholes_seen).and_then(|b| {
            b.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref().and_then(bound::BoundSearch::value)
        });
        wholes_seen += 1;
        merged.push(part::ChamberPlan::joined(plan, other, bound));
    }
    let results = merged;
    let results: Vec<(usize, part::ChamberPlan)> = multi.parts.into_iter().chain(results).enumerate().collect();
    let plan = merge(instance, &results, started);
    let check = check(instance, &plan, CheckOptions { allow_moving_pinned: config.allow_moving_pinned });
    let undeclared = undeclared(&plan, &check);
    report(Progress {
        phase: Phase::Done,
        chamber: None,
        incumbent: plan.objective.unwrap_or(0.0),
        bound: plan.bound,
        chambers_done: chamber_count,
        chambers_total: chamber_count,
        elapsed_ms: started.elapsed().as_millis() as u64,
    });
    Ok(Solved { plan, parts: results.into_iter().map(|(_, p)| p.stats).collect(), check, undeclared })
}

/// How far `objective` is below `bound`, relative to the bound:
/// `(bound − objective) / |bound|`, never negative; 0 for a zero bound.
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    if bound.abs() > f64::EPSILON { ((bound - objective) / bound.abs()).max(0.0) } else { 0.0 }
}

impl Progress {
    /// The relative gap of the work done so far, once there is a bound.
    pub fn gap(&self) -> Option<f64> {
        self.bound.map(|bound| relative_gap(self.incumbent, bound))
    }
}

fn merge(instance: &Instance, results: &[(usize, part::ChamberPlan)], started: Instant) -> Plan {
    let assignments: Vec<(usize, usize)> = results.iter().flat_map(|(_, p)| p.assignments.iter().copied()).collect();
    let benches: Vec<(usize, Vec<usize>)> = results.iter().flat_map(|(_, p)| p.benches.iter().cloned()).collect();
    let (assignments, benches) = plan_lists(instance, assignments, benches);
    let objective: f64 = results.iter().map(|(_, p)| p.stats.objective).sum();
    let bound: Option<f64> = results.iter().map(|(_, p)| p.stats.bound).sum();
    let gap = bound.map(|b| relative_gap(objective, b));
    Plan {
        assignments,
        benches,
        unscheduled: results.iter().flat_map(|(_, p)| p.unscheduled.iter().cloned()).collect(),
        broken_requirements: results.iter().flat_map(|(_, p)| p.broken.iter().cloned()).collect(),
        objective: Some(objective),
        bound,
        gap,
        solve_ms: Some(started.elapsed().as_millis() as u64),
        time_limit_hit: Some(results.iter().any(|(_, p)| p.stats.time_limit_hit)),
    }
}

/// Assignments and benches (global indexes) as the plan lists them: in
/// hearing order (date, half-day), each bench's members by precedence, the
/// first presiding.
pub(crate) fn plan_lists(
    instance: &Instance,
    mut assignments: Vec<(usize, usize)>,
    mut benches: Vec<(usize, Vec<usize>)>,
) -> (Vec<Assignment>, Vec<Bench>) {
    let key = |h: usize| (instance.hearings()[h].date, instance.hearings()[h].half_day, h);
    assignments.sort_by_key(|&(d, h)| (key(h), d));
    benches.sort_by_key(|(h, _)| key(*h));
    let magistrates = instance.magistrates();
    let assignments = assignments
        .into_iter()
        .map(|(d, h)| Assignment {
            dossier: instance.dossiers()[d].id.clone(),
            hearing: instance.hearings()[h].id.clone(),
        })
        .collect();
    let benches = benches
        .into_iter()
        .filter_map(|(h, mut members)| {
            if instance.hearings()[h].is_multi_chamber() {
                members.sort_by(|&a, &b| {
                    magistrates[a].court_precedence_key().cmp(&magistrates[b].court_precedence_key())
                });
            } else {
                // A section's hearing: a replacement never presides.
                let hearing = &instance.hearings()[h];
                match instance.formation(hearing.formation) {
                    Some(rule) => {
                        members.sort_by_key(|&m| greffe_models::sections::presiding_key(hearing, rule, &magistrates[m]))
                    }
                    None => members.sort_by_key(|&m| magistrates[m].precedence_key()),
                }
            }
            Some(Bench {
                hearing: instance.hearings()[h].id.clone(),
                president: magistrates[*members.first()?].id.clone(),
                members: members.into_iter().map(|m| magistrates[m].id.clone()).collect(),
            })
        })
        .collect();
    (assignments, benches)
}

/// Violations not declared by the plan's broken requirements.
fn undeclared(plan: &Plan, report: &CheckReport) -> Vec<Violation> {
    report
        .violations
        .iter()
        .filter(|v| {
            let declared = |requirement: &str| {
                plan.broken_requirements
                    .iter()
                    .any(|b| Some(&b.dossier) == v.dossier.as_ref() && b.requirement == requirement)
            };
            match v.code {
                ViolationCode::DeadlineUnscheduled | ViolationCode::DeadlineMissed => !declared("deadline"),
                ViolationCode::PinnedMoved => !declared("pinned"),
                _ => true,
            }
        })
        .cloned()
        .collect()
}
