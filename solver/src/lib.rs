//! # greffe-solver
//!
//! The planning core: from a validated [`Instance`], a hearing plan — which
//! dossier each hearing hears and who sits — respecting every hard rule of
//! the planning model (version 1), optimising the objective, with a proof of
//! quality (objective, bound valid for every lawful plan, gap).
//!
//! How: chambers are independent in model v1, so each is solved on its own,
//! in parallel (rayon). In a chamber, a bench heuristic gives every hearing a
//! lawful bench; a greedy plan places the work; then a MILP (good_lp with
//! HiGHS) improves it from that start — with the benches decided in the
//! model too when the chamber is small enough (`full_model_max_pairs`), with
//! them fixed otherwise. The bound is the LP relaxation of the assignment
//! core. Every plan returned is re-verified by the independent checker.
//!
//! **Invariant: no I/O.** Everything the solver needs comes in
//! [`SolveConfig`]; it reads no clock but its own elapsed time.

#![forbid(unsafe_code)]

mod benches;
mod bound;
pub mod candidates;
mod chamber;
mod explain;
mod greedy;
mod model;
mod reasons;
pub mod repair;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use greffe_checker::{CheckOptions, CheckReport, Violation, ViolationCode, check};
use greffe_models::{Assignment, Bench, BrokenRequirement, Instance, Plan, Unscheduled};

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
    /// A chamber's plan is done.
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
    /// Objective reached.
    pub objective: f64,
    /// Bound valid for every lawful plan of the chamber.
    pub bound: Option<f64>,
    /// `full` (benches decided by the MILP) or `fixed_benches`.
    pub model: &'static str,
    /// HiGHS's final status.
    pub milp_status: String,
    /// Whether the plan is the MILP's (else the greedy start was kept).
    pub milp_solution: bool,
    /// Whether the MILP stopped on its time limit.
    pub time_limit_hit: bool,
    /// Wall time of the chamber.
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

struct ChamberPlan {
    stats: PartStats,
    assignments: Vec<(usize, usize)>,
    benches: Vec<(usize, Vec<usize>)>,
    unscheduled: Vec<Unscheduled>,
    broken: Vec<BrokenRequirement>,
}

/// The previous plan's (dossier, hearing) pairs, for stability bonuses.
type PreviousPairs<'p> = std::collections::HashSet<(&'p greffe_models::DossierId, &'p greffe_models::HearingId)>;

/// Value of hearing local dossier `d` at local hearing `h` in the objective.
fn pair_value(
    chamber: &chamber::Chamber<'_>,
    config: &SolveConfig<'_>,
    previous: &PreviousPairs<'_>,
    d: usize,
    h: usize,
) -> f64 {
    let dossier = chamber.dossier(d);
    let hearing = chamber.hearing(h);
    let mut value = candidates::benchmark_value(chamber.instance, dossier, hearing);
    if let Objective::Default(weights) = config.objective {
        if previous.contains(&(&dossier.id, &hearing.id)) {
            value += weights.stability;
        }
        if config.allow_moving_pinned && dossier.pinned_hearing.as_ref() == Some(&hearing.id) {
            value += weights.published_stability;
        }
    }
    value
}

fn solve_chamber(chamber: &chamber::Chamber<'_>, config: &SolveConfig<'_>, time_limit: Duration) -> ChamberPlan {
    let started = Instant::now();
    let previous: PreviousPairs<'_> =
        config.previous.iter().flat_map(|plan| plan.assignments.iter().map(|a| (&a.dossier, &a.hearing))).collect();
    let instance = chamber.instance;
    let n_hearings = chamber.hearings.len();
    let instance_pairs: model::Pairs = (0..chamber.dossiers.len())
        .map(|d| chamber.candidates[d].iter().map(|&h| (h, pair_value(chamber, config, &previous, d, h))).collect())
        .collect();
    let mut demand: Vec<Vec<usize>> = vec![Vec::new(); n_hearings];
    let mut pinned: Vec<Vec<usize>> = vec![Vec::new(); n_hearings];
    for (d, list) in chamber.candidates.iter().enumerate() {
        for &h in list {
            demand[h].push(chamber.dossiers[d]);
        }
        if let Some(p) = chamber.dossier(d).pinned_hearing.as_ref().and_then(|p| instance.hearing_idx(p)) {
            if let Some(local) = chamber.hearings.iter().position(|&g| g == p) {
                pinned[local].push(chamber.dossiers[d]);
            }
        }
    }
    let eligible = benches::eligible(instance, &chamber.id);
    let heuristic_benches = benches::choose(&benches::BenchInput {
        instance,
        hearings: &chamber.hearings,
        eligible: &eligible,
        demand: &demand,
        pinned: &pinned,
        seed: config.seed,
    });
    let fixed_pairs: model::Pairs = instance_pairs
        .iter()
        .enumerate()
        .map(|(d, list)| {
            list.iter()
                .copied()
                .filter(|&(h, _)| {
                    candidates::bench_filter(
                        instance,
                        chamber.dossier(d),
                        chamber.hearing(h),
                        heuristic_benches[h].as_deref(),
                    )
                    .is_none()
                })
                .collect()
        })
        .collect();
    let start = greedy::greedy(chamber, &heuristic_benches, &fixed_pairs);
    let n_pairs: usize = instance_pairs.iter().map(Vec::len).sum();
    let mode = if n_pairs <= config.full_model_max_pairs { model::BenchMode::Free } else { model::BenchMode::Fixed };
    let max_value = instance_pairs.iter().flatten().map(|p| p.1).fold(1.0, f64::max);
    let extras = match config.objective {
        Objective::Benchmark => model::Extras::default(),
        Objective::Default(weights) => {
            model::Extras { matter_group_cost: weights.matter_grouping, load_cost: weights.load_balance }
        }
    };
    let penalty = 1_000.0 * max_value * (1.0 + chamber.dossiers.len() as f64);
    let remaining = || time_limit.saturating_sub(started.elapsed());
    // Each stage gets a deadline, a share of the time left; building its
    // model counts against it. The bound first, within a quarter.
    let deadline = |share: f64| Instant::now() + remaining().mul_f64(share);
    let stop = config.cancel.unwrap_or(&model::NEVER);
    let lp_bound = bound::lp_bound(chamber, &instance_pairs, deadline(0.25), stop);
    let settings = |deadline: Instant| model::MilpSettings {
        deadline,
        stop,
        gap: config.gap_target,
        seed: config.seed,
        node_limit: config.node_limit,
        threads: 1,
    };
    let milp_input =
        |pairs: &'_ model::Pairs, start: &'_ [Option<usize>], relax: bool, share: f64| -> model::MilpResult {
            let input = model::MilpInput {
                chamber,
                pairs,
                mode,
                benches: &heuristic_benches,
                start,
                penalty,
                // The LP only chooses the support of the restricted MILP: the
                // pair values suffice, and the soft terms' rows would slow it.
                extras: if relax { model::Extras::default() } else { extras },
                eligible: &eligible,
                relax,
            };
            model::solve(&input, settings(deadline(share)))
        };
    let model_pairs = if mode == model::BenchMode::Free { &instance_pairs } else { &fixed_pairs };
    let milp = if mode == model::BenchMode::Free {
        milp_input(model_pairs, &start, false, 0.95)
    } else {
        // LP of the fixed-bench model, then the MILP restricted to the LP's
        // support and the greedy start's pairs; then, with the time left,
        // the whole model from that better start.
        let lp = milp_input(model_pairs, &start, true, 0.4);
        let restricted: model::Pairs = match &lp.lp_values {
            Some(values) => model_pairs
                .iter()
                .zip(values)
                .enumerate()
                .map(|(d, (list, lp_row))| {
                    list.iter()
                        .zip(lp_row)
                        .filter(|((h, _), v)| **v > 1e-6 || start[d] == Some(*h))
                        .map(|(pair, _)| *pair)
                        .collect()
                })
                .collect(),
            None => model_pairs.clone(),
        };
        let mut best = milp_input(&restricted, &start, false, 0.6);
        let best_value = |assigned: &[Option<usize>]| -> f64 {
            assigned.iter().enumerate().filter_map(|(d, a)| a.and_then(|h| model::pair_value(model_pairs, d, h))).sum()
        };
        let lp_value = lp.dual_bound.unwrap_or(f64::INFINITY);
        let value = best_value(&best.assigned);
        if remaining() > Duration::from_millis(500) && (lp_value - value) > config.gap_target * lp_value.abs() {
            let improved_start = best.assigned.clone();
            let full = milp_input(model_pairs, &improved_start, false, 0.95);
            if best_value(&full.assigned) > value + 1e-9 {
                best = full;
            } else {
                best.time_limit_hit |= full.time_limit_hit;
            }
        }
        best
    };

    let value_of = |d: usize, h: usize| model::pair_value(&instance_pairs, d, h).unwrap_or(0.0);
    let objective: f64 = milp.assigned.iter().enumerate().filter_map(|(d, a)| a.map(|h| value_of(d, h))).sum();
    // Reasons judge unused hearings by the heuristic's bench: with free
    // benches the MILP gives an unused hearing none, though one exists.
    let reason_benches: benches::Benches = (0..n_hearings)
        .map(|h| if milp.assigned.contains(&Some(h)) { milp.benches[h].clone() } else { heuristic_benches[h].clone() })
        .collect();
    let outcome = reasons::Outcome { benches: &reason_benches, assigned: &milp.assigned };
    let mut unscheduled = Vec::new();
    let mut broken = Vec::new();
    for d in 0..chamber.dossiers.len() {
        if milp.assigned[d].is_some() {
            continue;
        }
        let dossier = chamber.dossier(d);
        let (reason, detail) = reasons::unscheduled(chamber, d, &outcome);
        unscheduled.push(Unscheduled { dossier: dossier.id.clone(), reason, detail });
        if let Some(requirement) = chamber.required[d] {
            let (cause, detail) = reasons::broken(chamber, d, requirement, &outcome);
            broken.push(BrokenRequirement {
                dossier: dossier.id.clone(),
                requirement: requirement.as_str().into(),
                cause,
                detail,
            });
        }
    }
    // The MILP's dual bound holds for every plan when benches were free, the
    // objective is the benchmark's and no requirement is broken.
    let dual_ok = mode == model::BenchMode::Free && config.objective == Objective::Benchmark && broken.is_empty();
    let bound = match (lp_bound, milp.dual_bound.filter(|_| dual_ok)) {
        (Some(lp), Some(dual)) => Some(lp.min(dual).max(objective)),
        (Some(lp), None) => Some(lp.max(objective)),
        (None, Some(dual)) => Some(dual.max(objective)),
        (None, None) => None,
    };
    let used: Vec<bool> = (0..n_hearings).map(|h| milp.assigned.contains(&Some(h))).collect();
    ChamberPlan {
        stats: PartStats {
            chamber: chamber.id.to_string(),
            dossiers: chamber.dossiers.len(),
            hearings: n_hearings,
            pairs: if mode == model::BenchMode::Free { n_pairs } else { fixed_pairs.iter().map(Vec::len).sum() },
            assigned: milp.assigned.iter().flatten().count(),
            objective,
            bound,
            model: if mode == model::BenchMode::Free { "full" } else { "fixed_benches" },
            milp_status: milp.status.clone(),
            milp_solution: milp.improved,
            time_limit_hit: milp.time_limit_hit,
            solve_ms: started.elapsed().as_millis() as u64,
        },
        assignments: milp
            .assigned
            .iter()
            .enumerate()
            .filter_map(|(d, a)| a.map(|h| (chamber.dossiers[d], chamber.hearings[h])))
            .collect(),
        benches: milp
            .benches
            .iter()
            .enumerate()
            .filter(|(h, _)| used[*h])
            .filter_map(|(h, bench)| bench.clone().map(|members| (chamber.hearings[h], members)))
            .collect(),
        unscheduled,
        broken,
    }
}

/// Solves `instance`: a plan, its figures, and the checker's report.
pub fn solve(instance: &Instance, config: &SolveConfig<'_>) -> Result<Solved, SolveError> {
    let started = Instant::now();
    let chambers: Vec<chamber::Chamber<'_>> = instance
        .chambers()
        .iter()
        .map(|c| chamber::Chamber::build(instance, &c.id, config.allow_moving_pinned))
        .collect();
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
        chambers_total: chambers.len(),
        elapsed_ms: started.elapsed().as_millis() as u64,
    });
    // Keep a margin for merging and checking the plan within the limit.
    let solve_limit = config.time_limit.mul_f64(0.97).saturating_sub(Duration::from_millis(50));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| SolveError::ThreadPool(e.to_string()))?;
    let done = std::sync::Mutex::new((0usize, 0.0f64));
    // Work not yet started, to share the time left among what remains.
    let waiting = std::sync::Mutex::new(total);
    // Largest chambers first; each gets a share of the time proportional
    // to its size, the chambers running `threads` at a time.
    let mut order: Vec<usize> = (0..chambers.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(sizes[c]));
    // A work queue, largest chamber first: each of `threads` workers takes
    // the next chamber when it is free.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<ChamberPlan>>> =
        chambers.iter().map(|_| std::sync::Mutex::new(None)).collect();
    pool.scope(|scope| {
        for _ in 0..threads.min(chambers.len()) {
            scope.spawn(|_| {
                loop {
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&c) = order.get(position) else { break };
                    if config.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed)) {
                        break;
                    }
                    let share = {
                        let mut waiting = waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        let share = (threads as f64 * sizes[c] as f64 / (*waiting).max(1) as f64).min(1.0);
                        *waiting = waiting.saturating_sub(sizes[c]);
                        share
                    };
                    let remaining = solve_limit.saturating_sub(started.elapsed());
                    let plan = solve_chamber(&chambers[c], config, remaining.mul_f64(share));
                    let mut guard = done.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    guard.0 += 1;
                    guard.1 += plan.stats.objective;
                    report(Progress {
                        phase: Phase::ChamberDone,
                        chamber: Some(plan.stats.chamber.clone()),
                        incumbent: guard.1,
                        bound: plan.stats.bound,
                        chambers_done: guard.0,
                        chambers_total: chambers.len(),
                        elapsed_ms: started.elapsed().as_millis() as u64,
                    });
                    drop(guard);
                    *slots[c].lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(plan);
                }
            });
        }
    });
    let results: Vec<Option<(usize, ChamberPlan)>> = slots
        .into_iter()
        .enumerate()
        .map(|(c, slot)| slot.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).map(|plan| (c, plan)))
        .collect();
    let cancelled = config.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed));
    if cancelled || results.iter().any(Option::is_none) {
        return Err(SolveError::Cancelled);
    }
    let mut results: Vec<(usize, ChamberPlan)> = results.into_iter().flatten().collect();
    results.sort_by_key(|(c, _)| *c);
    let plan = merge(instance, &results, started);
    let check = check(instance, &plan, CheckOptions { allow_moving_pinned: config.allow_moving_pinned });
    let undeclared = undeclared(&plan, &check);
    report(Progress {
        phase: Phase::Done,
        chamber: None,
        incumbent: plan.objective.unwrap_or(0.0),
        bound: plan.bound,
        chambers_done: results.len(),
        chambers_total: chambers.len(),
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

fn merge(instance: &Instance, results: &[(usize, ChamberPlan)], started: Instant) -> Plan {
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
            members.sort_by(|&a, &b| magistrates[a].precedence_key().cmp(&magistrates[b].precedence_key()));
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
