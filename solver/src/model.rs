//! The chamber MILP, built with good_lp and solved by HiGHS.
//!
//! Variables: `x[d,h]` (binary) for every lawful pair; `s[d]` (slack in
//! [0, 1]) for each hard requirement, so that an impossible requirement is
//! *named* instead of making the model infeasible; attendance `a[m,h]` in
//! [0, 1] (integral whenever `x` is); at each hearing whose bench is free
//! (all of a small chamber's, a search window's), `y[m,h]` (binary: m sits
//! on h's bench) and `u[h]` (binary: h is used); the other benches are
//! given.
//!
//! Constraints: one hearing per dossier (exactly one, less the slack, for a
//! requirement); capacities in weight and count; joined dossiers together;
//! rapporteurs attend (`a ≥ x`); one hearing per half-day and at most the
//! weekly cap per magistrate; with free benches, bench size, recusals and
//! voice bounds as linear constraints. A greedy plan is passed as MIP start.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};
use greffe_highs_interrupt::Guarded;

use crate::benches::Benches;
use crate::chamber::Chamber;

/// How long past its deadline a HiGHS solve may run before it is abandoned
/// (`greffe_highs_interrupt::solve_until`): HiGHS ends within milliseconds
/// of its time limit when it polls it; this is the margin for a phase that
/// does not, kept inside the planner's 3 % of a 10-s limit.
pub(crate) const HIGHS_GRACE: std::time::Duration = std::time::Duration::from_millis(250);

/// HiGHS's `mip_pool_soft_limit` (default 10,000): with 200, the court at
/// 8 weeks, 10 s, seeds 1–5, went from 0.43–0.61 to 0.34–0.60 % from the
/// bound (with the support's alternatives; 500 and 100 did less), and the
/// default objective was unchanged (`docs/benchmarks.md`, « eighth »).
const CUT_POOL_SOFT_LIMIT: i32 = 200;

/// How a chamber's benches are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BenchMode {
    /// Benches are given; only dossiers are placed (the search may still
    /// re-decide the benches of a window's hearings).
    Fixed,
    /// Benches are decided with the dossiers (the full model); the given
    /// benches only seed the MIP start.
    Free,
}

/// Objective terms beyond the pair values.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Extras {
    /// Cost of each distinct (hearing, matter) pair used.
    pub(crate) matter_group_cost: f64,
    /// Cost per attendance of the most loaded magistrate.
    pub(crate) load_cost: f64,
}

impl Extras {
    /// The terms `objective` adds to the pair values: none under the
    /// benchmark objective, the grouping and load costs under the default.
    pub(crate) fn of(objective: crate::Objective) -> Self {
        match objective {
            crate::Objective::Benchmark => Self::default(),
            crate::Objective::Default(weights) => {
                Self { matter_group_cost: weights.matter_grouping, load_cost: weights.load_balance }
            }
        }
    }
}

/// A flag nobody raises, for the solves no caller can cancel.
pub(crate) static NEVER: AtomicBool = AtomicBool::new(false);

/// Solver settings for one model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MilpSettings<'a> {
    /// When the solve must end, model building included.
    pub(crate) deadline: std::time::Instant,
    /// Raised to stop: the model is not built, or HiGHS stops at its next
    /// check, keeping its best solution.
    pub(crate) stop: &'a AtomicBool,
    pub(crate) gap: f64,
    pub(crate) seed: u64,
    pub(crate) node_limit: Option<u64>,
    pub(crate) threads: u32,
}

/// What came out of a solve.
#[derive(Debug, Clone)]
pub(crate) struct MilpResult {
    pub(crate) assigned: Vec<Option<usize>>,
    pub(crate) benches: Benches,
    /// HiGHS's best bound on the model's objective, when it reports one.
    pub(crate) dual_bound: Option<f64>,
    pub(crate) status: String,
    pub(crate) time_limit_hit: bool,
    /// Whether the MILP's own solution was used (else the MIP start).
    pub(crate) improved: bool,
    /// With `relax`: the LP's solution.
    pub(crate) lp: Option<LpSolution>,
}

/// An LP's solution over a model's pairs, each laid out like `pairs`.
#[derive(Debug, Clone)]
pub(crate) struct LpSolution {
    /// The value of every pair.
    pub(crate) values: Vec<Vec<f64>>,
    /// The reduced value of every pair (≤ 0 at the optimum for a pair at
    /// 0: what hearing it there would cost).
    pub(crate) reduced: Vec<Vec<f64>>,
}

/// Lawful pairs of the model: per local dossier, (local hearing, value).
pub(crate) type Pairs = Vec<Vec<(usize, f64)>>;

/// Value of local dossier `d` at local hearing `h`, when it is a pair.
pub(crate) fn pair_value(pairs: &[Vec<(usize, f64)>], d: usize, h: usize) -> Option<f64> {
    pairs[d].iter().find(|p| p.0 == h).map(|p| p.1)
}

/// The entry of `values` (laid out like `pairs`) for local dossier `d` at
/// local hearing `h`, when that is a pair.
fn entry_of(pairs: &[Vec<(usize, f64)>], values: &[Vec<f64>], d: usize, h: usize) -> Option<f64> {
    pairs[d].iter().position(|p| p.0 == h).and_then(|i| values[d].get(i)).copied()
}

/// The entry of `values` (laid out like `pairs`) for local dossier `d` at
/// local hearing `h`; 0 when that is not a pair.
pub(crate) fn pair_value_of(pairs: &[Vec<(usize, f64)>], values: &[Vec<f64>], d: usize, h: usize) -> f64 {
    entry_of(pairs, values, d, h).unwrap_or(0.0)
}

/// `values`, laid out like `from`, laid out like `to` (`missing` where
/// `from` lacks the pair).
pub(crate) fn relayout(from: &Pairs, values: &[Vec<f64>], to: &Pairs, missing: f64) -> Vec<Vec<f64>> {
    let row = |(d, list): (usize, &Vec<(usize, f64)>)| {
        list.iter().map(|&(h, _)| entry_of(from, values, d, h).unwrap_or(missing)).collect()
    };
    to.iter().enumerate().map(row).collect()
}

/// Joined dossiers at the same hearing: each member's variable equals the
/// lead's, and is zero where the other members have no pair.
pub(crate) fn joined_together(groups: &[Vec<usize>], x: &[Vec<(usize, Variable)>]) -> Vec<good_lp::Constraint> {
    let mut constraints = Vec::new();
    for members in groups {
        for &other in &members[1..] {
            for &(h, var) in &x[members[0]] {
                match x[other].iter().find(|(oh, _)| *oh == h) {
                    Some(&(_, other_var)) => constraints.push((var - other_var).eq(0.0)),
                    None => constraints.push(Expression::from(var).eq(0.0)),
                }
            }
            // Nor may a member go alone where the lead has no pair.
            for &(h, other_var) in &x[other] {
                if !x[members[0]].iter().any(|(lh, _)| *lh == h) {
                    constraints.push(Expression::from(other_var).eq(0.0));
                }
            }
        }
    }
    constraints
}

pub(crate) struct MilpInput<'a, 'b> {
    pub(crate) chamber: &'b Chamber<'a>,
    pub(crate) pairs: &'b Pairs,
    /// Per local hearing: whether its bench is decided by the model (`y`
    /// and `u` variables) or given by `benches`.
    pub(crate) free: &'b [bool],
    pub(crate) benches: &'b Benches,
    pub(crate) start: &'b [Option<usize>],
    pub(crate) penalty: f64,
    pub(crate) extras: Extras,
    pub(crate) eligible: &'b [usize],
    /// Solve the LP relaxation instead (every variable continuous).
    pub(crate) relax: bool,
}

/// The model's columns in creation order (HiGHS numbers them so), with
/// their MIP-start values.
struct Columns {
    values: Vec<f64>,
    index: HashMap<Variable, usize>,
}

impl Columns {
    fn add(&mut self, vars: &mut ProblemVariables, definition: good_lp::VariableDefinition, start: f64) -> Variable {
        let var = vars.add(definition);
        self.index.insert(var, self.values.len());
        self.values.push(start);
        var
    }
}

/// A result that keeps the MIP start (`input.start`, `input.benches`): the
/// solve was stopped, abandoned, found nothing, or was an LP.
fn kept(input: &MilpInput<'_, '_>, status: String, dual_bound: Option<f64>, time_limit_hit: bool) -> MilpResult {
    MilpResult {
        assigned: input.start.to_vec(),
        benches: input.benches.clone(),
        dual_bound,
        status,
        time_limit_hit,
        improved: false,
        lp: None,
    }
}

pub(crate) fn solve(input: &MilpInput<'_, '_>, settings: MilpSettings<'_>) -> MilpResult {
    if settings.stop.load(Ordering::Relaxed) {
        return kept(input, "Interrupted".into(), None, false);
    }
    let chamber = input.chamber;
    let instance = chamber.instance;
    let n_hearings = chamber.hearings.len();
    let free = input.free;
    let binary = || if input.relax { variable().min(0.0).max(1.0) } else { variable().binary() };
    let mut vars = ProblemVariables::new();
    let mut columns = Columns { values: Vec::new(), index: HashMap::new() };
    let mut objective = Expression::default();
    let mut constraints: Vec<good_lp::Constraint> = Vec::new();

    // Bench occupancy of the MIP start, by (magistrate, local hearing).
    let start_bench = |m: usize, h: usize| input.benches[h].as_ref().is_some_and(|b| b.contains(&m));
    let start_used: Vec<bool> = (0..n_hearings).map(|h| input.start.contains(&Some(h))).collect();

    // x[d,h]
    let mut x: Vec<Vec<(usize, Variable)>> = Vec::with_capacity(input.pairs.len());
    let mut at_hearing: Vec<Vec<(usize, Variable)>> = vec![Vec::new(); n_hearings];
    for (d, pairs) in input.pairs.iter().enumerate() {
        let mut row = Vec::with_capacity(pairs.len());
        for &(h, value) in pairs {
            let var = columns.add(&mut vars, binary(), f64::from(u8::from(input.start[d] == Some(h))));
            objective += value * var;
            row.push((h, var));
            at_hearing[h].push((d, var));
        }
        x.push(row);
    }
    // One hearing per dossier; requirements with a named slack.
    for (d, row) in x.iter().enumerate() {
        let sum: Expression = row.iter().map(|(_, var)| *var).sum();
        if chamber.required[d].is_some() {
            let slack =
                columns.add(&mut vars, variable().min(0.0).max(1.0), f64::from(u8::from(input.start[d].is_none())));
            objective -= input.penalty * slack;
            constraints.push((sum + slack).eq(1.0));
        } else if row.len() > 1 {
            constraints.push(sum.leq(1.0));
        }
    }
    // Capacities.
    for (h, list) in at_hearing.iter().enumerate() {
        let hearing = chamber.hearing(h);
        let total_weight: f64 = list.iter().map(|(d, _)| chamber.dossier(*d).weight).sum();
        if total_weight > hearing.capacity_weight + 1e-9 {
            let weight: Expression = list.iter().map(|(d, var)| chamber.dossier(*d).weight * *var).sum();
            constraints.push(weight.leq(hearing.capacity_weight));
        }
        if list.len() > hearing.capacity_count as usize {
            let count: Expression = list.iter().map(|(_, var)| *var).sum();
            constraints.push(count.leq(f64::from(hearing.capacity_count)));
        }
    }
    constraints.extend(joined_together(&chamber.groups, &x));

    // Benches: fixed occupancy, or y/u variables.
    let mut y: HashMap<(usize, usize), Variable> = HashMap::new();
    let mut used: Vec<Option<Variable>> = vec![None; n_hearings];
    for h in (0..n_hearings).filter(|&h| free[h]) {
        let hearing = chamber.hearing(h);
        let Some(rule) = instance.formation(hearing.formation) else { continue };
        let u = columns.add(&mut vars, binary(), f64::from(u8::from(start_used[h])));
        used[h] = Some(u);
        // A given bench (locked, or composed by law) sits whole when the
        // hearing is used; the law's composition has no size rule.
        let fixed = chamber.fixed[h].as_ref();
        let members: Vec<usize> = fixed.cloned().unwrap_or_else(|| input.eligible.to_vec());
        let mut size = Expression::default();
        for &m in &members {
            let taken = instance.magistrates()[m].is_absent_on(hearing.date) || chamber.reserved.at(m, hearing);
            if taken && fixed.is_none() {
                continue;
            }
            let on = start_used[h] && start_bench(m, h);
            let var = columns.add(&mut vars, binary(), f64::from(u8::from(on)));
            if fixed.is_some() {
                constraints.push((var - u).eq(0.0));
            }
            size += var;
            y.insert((m, h), var);
        }
        let bench_size = fixed.map_or(f64::from(rule.bench_size), |members| members.len() as f64);
        constraints.push((size - bench_size * u).eq(0.0));
        for &(d, var) in &at_hearing[h] {
            constraints.push((var - u).leq(0.0));
            let dossier = chamber.dossier(d);
            if let Some(members) = fixed {
                // The bench is known: the pair is lawful or not.
                if crate::candidates::bench_filter(instance, dossier, hearing, Some(members)).is_some() {
                    constraints.push(Expression::from(var).leq(0.0));
                }
                continue;
            }
            for recusal in &dossier.recusals {
                if let Some(&yv) = instance.magistrate_idx(&recusal.magistrate).and_then(|m| y.get(&(m, h))) {
                    constraints.push((yv + var).leq(1.0));
                }
            }
            // Voices = bench_size + |R| − Σ_{r∈R} y[r,h], within bounds when x = 1.
            let reporters: Vec<Variable> = dossier
                .rapporteurs
                .iter()
                .filter_map(|id| instance.magistrate_idx(id).and_then(|m| y.get(&(m, h))).copied())
                .collect();
            let k = f64::from(rule.bench_size) + dossier.rapporteurs.len() as f64;
            let on_bench: Expression = reporters.iter().copied().sum();
            if k - f64::from(rule.max_voices) > 0.0 {
                constraints.push((on_bench.clone() - (k - f64::from(rule.max_voices)) * var).geq(0.0));
            }
            let room = k - f64::from(rule.min_voices);
            if room < reporters.len() as f64 {
                constraints.push((on_bench + reporters.len() as f64 * var).leq(room + reporters.len() as f64));
            }
        }
    }

    // Attendance: a[m,h] ≥ x[d,h] for rapporteurs, ≥ y[m,h] for bench members.
    let mut attendance: BTreeMap<usize, BTreeMap<usize, Expression>> = BTreeMap::new();
    let mut reporters_at: BTreeMap<(usize, usize), Vec<Variable>> = BTreeMap::new();
    for (h, list) in at_hearing.iter().enumerate() {
        for &(d, var) in list {
            for m in chamber.dossier(d).rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)) {
                reporters_at.entry((m, h)).or_default().push(var);
            }
        }
    }
    // Who attends where in the MIP start, as rapporteur.
    let start_reporting: std::collections::HashSet<(usize, usize)> = input
        .start
        .iter()
        .enumerate()
        .filter_map(|(d, a)| a.map(|h| (d, h)))
        .flat_map(|(d, h)| {
            chamber.dossier(d).rapporteurs.iter().filter_map(move |id| instance.magistrate_idx(id).map(|m| (m, h)))
        })
        .collect();
    let start_attends = |m: usize, h: usize| (start_used[h] && start_bench(m, h)) || start_reporting.contains(&(m, h));
    let mut keys: Vec<(usize, usize)> = reporters_at.keys().copied().collect();
    keys.extend(y.keys().copied());
    keys.sort_unstable();
    keys.dedup();
    for (m, h) in keys {
        let fixed_on_bench = !free[h] && start_bench(m, h);
        if fixed_on_bench {
            attendance.entry(m).or_default().insert(h, Expression::from(1.0));
            continue;
        }
        let reporter_vars = reporters_at.get(&(m, h)).cloned().unwrap_or_default();
        let bench_var = y.get(&(m, h)).copied();
        if reporter_vars.len() == 1 && bench_var.is_none() {
            attendance.entry(m).or_default().insert(h, Expression::from(reporter_vars[0]));
            continue;
        }
        let a = columns.add(&mut vars, variable().min(0.0).max(1.0), f64::from(u8::from(start_attends(m, h))));
        for var in reporter_vars {
            constraints.push((var - a).leq(0.0));
        }
        if let Some(yv) = bench_var {
            constraints.push((yv - a).leq(0.0));
        }
        attendance.entry(m).or_default().insert(h, Expression::from(a));
    }
    for (h, bench) in input.benches.iter().enumerate().filter(|(h, _)| !free[*h]) {
        for &m in bench.iter().flatten() {
            attendance.entry(m).or_default().entry(h).or_insert_with(|| Expression::from(1.0));
        }
    }
    let mut load_terms: Vec<Expression> = Vec::new();
    for (&m, by_hearing) in &attendance {
        let magistrate = &instance.magistrates()[m];
        let mut slots: BTreeMap<(greffe_models::Date, greffe_models::HalfDay), Vec<&Expression>> = BTreeMap::new();
        let mut weeks: BTreeMap<(i32, u32), Vec<&Expression>> = BTreeMap::new();
        for (&h, expr) in by_hearing {
            let hearing = chamber.hearing(h);
            slots.entry((hearing.date, hearing.half_day)).or_default().push(expr);
            let week = greffe_models::dates::iso_week(hearing.date);
            weeks.entry((week.year(), week.week())).or_default().push(expr);
        }
        // A half-day or attendances taken by a chambre mixte or the
        // assemblée plénière are not the chamber's to use.
        for (&(date, half_day), list) in &slots {
            let taken = chamber.reserved.at_slot(m, date, half_day);
            if taken || list.len() > 1 {
                let sum: Expression = list.iter().map(|e| (*e).clone()).sum();
                constraints.push(sum.leq(if taken { 0.0 } else { 1.0 }));
            }
        }
        for (&(year, week), list) in &weeks {
            let cap = magistrate.max_hearings_per_week.saturating_sub(chamber.reserved.in_iso_week(m, year, week));
            if list.len() > cap as usize {
                let sum: Expression = list.iter().map(|e| (*e).clone()).sum();
                constraints.push(sum.leq(f64::from(cap)));
            }
        }
        if input.extras.load_cost > 0.0 {
            load_terms.push(by_hearing.values().cloned().sum());
        }
    }
    if input.extras.load_cost > 0.0 && !load_terms.is_empty() {
        // Must match the load terms: fixed benches count at every hearing.
        let start_load = attendance
            .iter()
            .map(|(&m, hs)| hs.keys().filter(|&&h| (!free[h] && start_bench(m, h)) || start_attends(m, h)).count())
            .max()
            .unwrap_or(0);
        let peak = columns.add(&mut vars, variable().min(0.0), start_load as f64);
        objective -= input.extras.load_cost * peak;
        for term in load_terms {
            constraints.push((term - peak).leq(0.0));
        }
    }
    if input.extras.matter_group_cost > 0.0 {
        for (h, list) in at_hearing.iter().enumerate() {
            let mut by_matter: BTreeMap<&str, Vec<(usize, Variable)>> = BTreeMap::new();
            for &(d, var) in list {
                if let Some(matter) = &chamber.dossier(d).matter {
                    by_matter.entry(matter.as_str()).or_default().push((d, var));
                }
            }
            for members in by_matter.values() {
                let present = members.iter().any(|(d, _)| input.start[*d] == Some(h));
                let z = columns.add(&mut vars, variable().min(0.0).max(1.0), f64::from(u8::from(present)));
                objective -= input.extras.matter_group_cost * z;
                for &(_, var) in members {
                    constraints.push((var - z).leq(0.0));
                }
            }
        }
    }

    let n_columns = columns.values.len();
    let mut problem = vars.maximise(objective).using(good_lp::solvers::highs::highs);
    for constraint in constraints {
        problem.add_constraint(constraint);
    }
    let mut model = problem.into_inner();
    model.make_quiet();
    // The limit is taken now, after building: building counts against it.
    let time_limit_s = settings.deadline.saturating_duration_since(std::time::Instant::now()).as_secs_f64();
    model.set_option("time_limit", time_limit_s.max(0.01));
    model.set_option("mip_rel_gap", settings.gap);
    model.set_option("random_seed", (settings.seed % (i32::MAX as u64)) as i32);
    model.set_option("threads", settings.threads.max(1) as i32);
    model.set_option("parallel", "off");
    // RENS solves a sub-MIP whose presolve polls no interrupt: on the court
    // with sections (seed 2) it ran for minutes past the limit
    // (`docs/benchmarks.md`). Off; `solve_until` guards the other phases.
    model.set_option("mip_heuristic_run_rens", false);
    // HiGHS's root keeps every cut it finds: on a restricted MILP of 954
    // binaries (civil first chamber, seed 1) 2,869 cuts and 1.1 s before
    // its first branch. A smaller pool leaves time to the heuristics that
    // find the plans.
    model.set_option("mip_pool_soft_limit", CUT_POOL_SOFT_LIMIT);
    if let Some(nodes) = settings.node_limit {
        model.set_option("mip_max_nodes", nodes.min(i32::MAX as u64) as i32);
    }
    // A MIP start HiGHS rejects is not an error: it then searches from scratch.
    let _ = model.try_set_solution(Some(&columns.values), None, None, None);
    let solved = match greffe_highs_interrupt::solve_until(model, settings.stop, settings.deadline, HIGHS_GRACE) {
        Guarded::Solved(solved) => solved,
        // HiGHS overran its limit in a phase that ignores the interrupt:
        // the plan so far stands.
        Guarded::Abandoned => return kept(input, "Abandoned".into(), None, true),
    };
    let status = solved.status();
    let status_text = format!("{status:?}");
    let time_limit_hit = matches!(status, highs::HighsModelStatus::ReachedTimeLimit);
    // Read the raw status: the bindings' `primal_solution_status()` panics on
    // the -1 HiGHS leaves when it did not solve (an empty model: a chamber
    // with dossiers but no hearing in the horizon).
    let feasible = highs::HighsSolutionStatus::Feasible as i64;
    let has_solution = solved.int_info_value(c"primal_solution_status").is_ok_and(|raw| raw == feasible)
        && (!input.relax || status == highs::HighsModelStatus::Optimal);
    // An LP has no MIP dual bound: its value bounds only when optimal.
    let dual_bound = solved.double_info_value(c"mip_dual_bound").ok().filter(|b| b.is_finite() && !input.relax);
    if !has_solution {
        return kept(input, status_text, dual_bound, time_limit_hit);
    }
    let solution = solved.get_solution();
    let values = solution.columns();
    debug_assert_eq!(values.len(), n_columns);
    let value = |var: Variable| columns.index.get(&var).and_then(|&i| values.get(i)).copied().unwrap_or(0.0);
    if input.relax {
        let reduced = solution.dual_columns();
        let reduced_of =
            |var: Variable| columns.index.get(&var).and_then(|&i| reduced.get(i)).copied().unwrap_or(f64::NEG_INFINITY);
        return MilpResult {
            lp: Some(LpSolution {
                values: x.iter().map(|row| row.iter().map(|(_, var)| value(*var)).collect()).collect(),
                reduced: x.iter().map(|row| row.iter().map(|(_, var)| reduced_of(*var)).collect()).collect(),
            }),
            ..kept(input, status_text, Some(solved.objective_value()), time_limit_hit)
        };
    }
    let assigned: Vec<Option<usize>> =
        x.iter().map(|row| row.iter().find(|(_, var)| value(*var) > 0.5).map(|(h, _)| *h)).collect();
    let benches = (0..n_hearings)
        .map(|h| {
            if !free[h] {
                return input.benches[h].clone();
            }
            let mut members: Vec<usize> =
                y.iter().filter(|((_, hh), var)| *hh == h && value(**var) > 0.5).map(|((m, _), _)| *m).collect();
            members.sort_unstable();
            // An unused hearing keeps the bench it was given: a later
            // fixed-bench solve may still use it.
            if members.is_empty() { input.benches[h].clone() } else { Some(members) }
        })
        .collect();
    MilpResult { assigned, benches, dual_bound, status: status_text, time_limit_hit, improved: true, lp: None }
}
