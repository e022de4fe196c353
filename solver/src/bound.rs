//! An upper bound on the objective valid for **every** lawful plan: the LP
//! relaxation of the assignment core — each dossier at most once, at lawful
//! hearings only (instance-level filters), within capacities, joined dossiers
//! together. Benches, attendance and requirements are relaxed away, so no
//! lawful plan can score above it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use good_lp::{Expression, ProblemVariables, SolverModel, variable};

use crate::chamber::Chamber;
use crate::model::Pairs;

/// The LP optimum: its value (the bound) and the value of every pair, like
/// `pairs`.
pub(crate) struct LpBound {
    pub(crate) value: f64,
    pub(crate) pair_values: Vec<Vec<f64>>,
}

/// The LP bound of a chamber for pair values `pairs` (instance-level
/// candidates), or `None` when HiGHS gives no optimal LP.
pub(crate) fn lp_bound(chamber: &Chamber<'_>, pairs: &Pairs, deadline: Instant, stop: &AtomicBool) -> Option<LpBound> {
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::default();
    let mut at_hearing: Vec<Vec<(usize, good_lp::Variable)>> = vec![Vec::new(); chamber.hearings.len()];
    let mut rows: Vec<Vec<(usize, good_lp::Variable)>> = Vec::with_capacity(pairs.len());
    for (d, list) in pairs.iter().enumerate() {
        let mut row = Vec::with_capacity(list.len());
        for &(h, value) in list {
            let var = vars.add(variable().min(0.0).max(1.0));
            objective += value * var;
            row.push((h, var));
            at_hearing[h].push((d, var));
        }
        rows.push(row);
    }
    if rows.iter().all(Vec::is_empty) {
        return Some(LpBound { value: 0.0, pair_values: vec![Vec::new(); pairs.len()] });
    }
    let mut problem = vars.maximise(objective).using(good_lp::solvers::highs::highs);
    for row in rows.iter().filter(|row| row.len() > 1) {
        let sum: Expression = row.iter().map(|(_, var)| *var).sum();
        problem.add_constraint(sum.leq(1.0));
    }
    for (h, list) in at_hearing.iter().enumerate() {
        let hearing = chamber.hearing(h);
        let weight: Expression = list.iter().map(|(d, var)| chamber.dossier(*d).weight * *var).sum();
        problem.add_constraint(weight.leq(hearing.capacity_weight));
        let count: Expression = list.iter().map(|(_, var)| *var).sum();
        problem.add_constraint(count.leq(f64::from(hearing.capacity_count)));
    }
    for constraint in crate::model::joined_together(&chamber.groups, &rows) {
        problem.add_constraint(constraint);
    }
    let mut model = problem.into_inner();
    model.make_quiet();
    let time_limit_s = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    model.set_option("time_limit", time_limit_s.max(0.01));
    model.set_option("threads", 1);
    model.set_option("parallel", "off");
    // A presolve that ignores the interrupt is abandoned: no bound then.
    let greffe_highs_interrupt::Guarded::Solved(solved) =
        greffe_highs_interrupt::solve_until(model, stop, deadline, crate::model::HIGHS_GRACE)
    else {
        return None;
    };
    // Only an optimal LP value bounds the MILP; a time-limited one does not.
    if solved.status() != highs::HighsModelStatus::Optimal {
        return None;
    }
    let solution = solved.get_solution();
    let values = solution.columns();
    // Columns are numbered pair by pair, dossier by dossier.
    let mut column = 0;
    let pair_values: Vec<Vec<f64>> = pairs
        .iter()
        .map(|list| {
            list.iter()
                .map(|_| {
                    column += 1;
                    values.get(column - 1).copied().unwrap_or(0.0)
                })
                .collect()
        })
        .collect();
    let value =
        pairs.iter().zip(&pair_values).flat_map(|(list, row)| list.iter().zip(row)).map(|((_, c), v)| c * v).sum();
    Some(LpBound { value, pair_values })
}
