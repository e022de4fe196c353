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
pub(crate) fn lp_bound(
    chamber: &Chamber<'_>,
    pairs: &Pairs,
    matter_group_cost: f64,
    deadline: Instant,
    stop: &AtomicBool,
) -> Option<LpBound> {
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
    // Grouping rows, after every pair's column (the pair values are read
    // by column number below).
    let mut groups: Vec<(good_lp::Variable, Expression)> = Vec::new();
    if matter_group_cost > 0.0 {
        for (h, list) in at_hearing.iter().enumerate() {
            let hearing = chamber.hearing(h);
            let mut by_matter: std::collections::BTreeMap<&str, Vec<(usize, good_lp::Variable)>> =
                std::collections::BTreeMap::new();
            for &(d, var) in list {
                if let Some(matter) = &chamber.dossier(d).matter {
                    by_matter.entry(matter.as_str()).or_default().push((d, var));
                }
            }
            for members in by_matter.into_values() {
                let most = most_heard(chamber, hearing, &members);
                let g = vars.add(variable().min(0.0).max(1.0));
                objective -= matter_group_cost * g;
                let heard: Expression = members.iter().map(|(_, var)| *var).sum();
                groups.push((g, heard - most as f64 * g));
            }
        }
    }
    let mut problem = vars.maximise(objective).using(good_lp::solvers::highs::highs);
    for (_, row) in groups.iter().cloned() {
        problem.add_constraint(row.leq(0.0));
    }
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
    let pairs_value: f64 =
        pairs.iter().zip(&pair_values).flat_map(|(list, row)| list.iter().zip(row)).map(|((_, c), v)| c * v).sum();
    // The group columns follow the pairs', in the order they were added.
    let grouping: f64 = (0..groups.len()).map(|k| values.get(column + k).copied().unwrap_or(0.0)).sum();
    Some(LpBound { value: pairs_value - matter_group_cost * grouping, pair_values })
}

/// The most dossiers among `members` (dossier, variable) that `hearing` can
/// hear: its count capacity, their number, and how many of the lightest
/// its weight capacity holds.
fn most_heard(
    chamber: &Chamber<'_>,
    hearing: &greffe_models::Hearing,
    members: &[(usize, good_lp::Variable)],
) -> usize {
    let mut weights: Vec<f64> = members.iter().map(|&(d, _)| chamber.dossier(d).weight).collect();
    weights.sort_by(f64::total_cmp);
    let mut total = 0.0;
    let by_weight = weights
        .iter()
        .take_while(|&&w| {
            total += w;
            total <= hearing.capacity_weight + 1e-9
        })
        .count();
    by_weight.min(hearing.capacity_count as usize).min(members.len())
}

#[cfg(test)]
mod tests {
    use greffe_models::format::{InstanceDoc, from_json_text, validate};

    use super::*;
    use crate::multi::Reserved;

    /// One chamber, one FR hearing holding `capacity` dossiers; one dossier
    /// per matter in `matters`, each worth 10 at that hearing.
    fn instance(capacity: u32, matters: &[&str]) -> greffe_models::Instance {
        let dossiers: Vec<String> = matters
            .iter()
            .enumerate()
            .map(|(i, matter)| {
                format!(
                    r#"{{"id": "x{i}", "pourvoi": "A 26-10.{i:03}", "chamber": "a", "matter": "{matter}",
                        "formations": ["FR"], "rapporteurs": ["c1"], "weight": 1.0, "priority": 10.0,
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
        lp_bound(&chamber, &pairs, cost, deadline, &crate::model::NEVER).expect("an optimal LP").value
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
}
