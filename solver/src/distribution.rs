//! Distribution: who reports (concludes on) each dossier of a batch.
//!
//! **Method.** A mixed-integer program solved by HiGHS, not a min-cost
//! flow: a serial litigation must go whole to one rapporteur (an
//! unsplittable item, which a flow cannot hold) and dossiers weigh
//! differently by circuit (non-unit supplies). The program:
//!
//! - items (a dossier, or a series together) are grouped in classes of
//!   interchangeable ones: the same magistrates may take them
//!   (`greffe_models::distribution::Batch::check`), the same weight, the
//!   same urgency; an item whose series is already reported by someone who
//!   still may is pinned to him (a class of its own);
//! - `y[k][m]` integer, how many items of class `k` magistrate `m` takes;
//!   each class is taken whole: `Σ_m y[k][m] = |k|`;
//! - the load a magistrate receives, `Σ_k w_k y[k][m]`, is spread over
//!   segments `s[m][k] ∈ [0, δ]` of increasing slope: the piecewise-linear
//!   form of `(L_m + t)² / share_m`, exact at multiples of `δ` (the item
//!   weights' common divisor), so that the optimum equalises the loads per
//!   share — the quadratic spread, not only the maximum;
//! - an urgent item (a statutory ruling deadline near) costs, at `m`,
//!   `urgency_cost × L_m / share_m`: it goes to whom has least work due.
//!
//! HiGHS proves the optimum or gives its bound (`Solution::bound`). For a
//! chamber's weekly inflow (~70 dossiers, ~40 magistrates) the program has
//! a few thousand columns and solves in milliseconds; [`solve_court`]
//! solves the chambers in parallel.
//!
//! [`RoundRobin`] is the hand method it is measured against: the next
//! magistrate of the section by seniority, skipping only who is recused or
//! absent.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use good_lp::{Expression, ProblemVariables, SolverModel as _, Variable, variable};
use greffe_models::distribution::{Batch, BatchProblem, DistributionRules, Eligibility, Ineligible, Item, Problem};
use rayon::prelude::*;

/// How long HiGHS may search, and to which gap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Wall-clock limit of one batch's solve.
    pub time_limit: Duration,
    /// Relative gap at which the search stops.
    pub gap: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { time_limit: Duration::from_secs(1), gap: 1e-6 }
    }
}

/// A solved batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Per item of the problem: the candidate (index into the batch's
    /// candidates) it goes to.
    pub assignment: Vec<usize>,
    /// The objective of that assignment, computed exactly ([`cost`]).
    pub objective: f64,
    /// HiGHS's proven lower bound of the objective, when it gave one.
    pub bound: Option<f64>,
    /// Whether the optimum is proven (the gap closed).
    pub optimal: bool,
    /// Whether the piecewise-linear form is exact for these weights: the
    /// bound is then a bound of [`cost`] itself.
    pub exact: bool,
    /// HiGHS's status.
    pub status: String,
    /// Time spent.
    pub elapsed: Duration,
}

impl Solution {
    /// Relative gap between the objective and the bound.
    pub fn gap(&self) -> Option<f64> {
        let bound = self.bound?;
        Some(if self.objective.abs() < 1e-9 { 0.0 } else { ((self.objective - bound) / self.objective.abs()).max(0.0) })
    }
}

/// Why a batch could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistributionError {
    /// The batch itself cannot be distributed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ; "))]
    Batch(Vec<BatchProblem>),
    /// HiGHS found no assignment in its time (it always exists once the
    /// batch is checked: this is a defect or a time limit too short).
    #[error("aucune répartition trouvée par le solveur ({0}) : relancer avec plus de temps")]
    Solver(String),
}

/// The exact objective of an assignment: each candidate's
/// `((L + added)² − L²) / share`, plus the urgent items' cost.
pub fn cost(problem: &Problem, assignment: &[usize]) -> f64 {
    let mut added = vec![0.0; problem.loads.len()];
    let mut total = 0.0;
    for (item, &m) in problem.items.iter().zip(assignment) {
        added[m] += item.weight;
        if item.urgent {
            total += problem.urgency_cost * problem.loads[m] / problem.shares[m];
        }
    }
    for (m, &add) in added.iter().enumerate() {
        if add > 0.0 {
            let base = problem.loads[m];
            total += ((base + add).powi(2) - base.powi(2)) / problem.shares[m];
        }
    }
    total
}

/// Common divisor of the weights, in hundredths; `None` when they are not
/// multiples of a hundredth.
fn common_step(items: &[Item]) -> Option<f64> {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let mut step = 0u64;
    for item in items {
        let hundredths = (item.weight * 100.0).round();
        if (hundredths - item.weight * 100.0).abs() > 1e-6 || hundredths <= 0.0 {
            return None;
        }
        step = gcd(step, hundredths as u64);
    }
    (step > 0).then(|| step as f64 / 100.0)
}

/// Items the program treats as one: who may take them, their weight, their
/// urgency.
struct Class {
    allowed: Vec<usize>,
    weight: f64,
    urgent: bool,
    items: Vec<usize>,
}

/// At most this many segments per candidate; past it the steps widen and
/// the form is no longer exact.
const MAX_SEGMENTS: usize = 400;

/// Solves one checked problem.
pub fn solve(problem: &Problem, settings: Settings) -> Result<Solution, DistributionError> {
    let started = Instant::now();
    if problem.items.is_empty() {
        return Ok(Solution {
            assignment: Vec::new(),
            objective: 0.0,
            bound: Some(0.0),
            optimal: true,
            exact: true,
            status: "Empty".into(),
            elapsed: started.elapsed(),
        });
    }
    let n = problem.loads.len();
    // Items alike (the same magistrates may take them, the same weight,
    // the same urgency) are interchangeable: one integer column per class
    // and magistrate counts how many of the class he takes. The program
    // is the same; its size and its symmetry are not.
    let mut classes: Vec<Class> = Vec::new();
    let mut class_of: BTreeMap<(Vec<usize>, u64, bool), usize> = BTreeMap::new();
    for (i, item) in problem.items.iter().enumerate() {
        let allowed = match item.pinned {
            Some(m) => vec![m],
            None => item.eligible.clone(),
        };
        let key = (allowed, item.weight.to_bits(), item.urgent);
        let k = *class_of.entry(key.clone()).or_insert_with(|| {
            classes.push(Class { allowed: key.0, weight: item.weight, urgent: item.urgent, items: Vec::new() });
            classes.len() - 1
        });
        classes[k].items.push(i);
    }
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut y: Vec<Vec<(usize, Variable)>> = Vec::with_capacity(classes.len());
    let mut received: Vec<Expression> = vec![Expression::from(0.0); n];
    let mut reachable = vec![0.0; n];
    for class in &classes {
        let count = class.items.len() as f64;
        let row: Vec<(usize, Variable)> =
            class.allowed.iter().map(|&m| (m, vars.add(variable().integer().min(0.0).max(count)))).collect();
        for &(m, var) in &row {
            received[m] += class.weight * var;
            reachable[m] += class.weight * count;
            if class.urgent {
                objective += problem.urgency_cost * problem.loads[m] / problem.shares[m] * var;
            }
        }
        y.push(row);
    }
    let common = common_step(&problem.items);
    let mut exact = common.is_some();
    let mut links = Vec::new();
    for m in 0..n {
        if reachable[m] <= 0.0 {
            continue;
        }
        let mut step = common.unwrap_or(reachable[m] / MAX_SEGMENTS as f64);
        if reachable[m] / step > MAX_SEGMENTS as f64 {
            step = reachable[m] / MAX_SEGMENTS as f64;
            exact = false;
        }
        let segments = (reachable[m] / step).ceil() as usize;
        let base = problem.loads[m];
        let share = problem.shares[m];
        let f = |t: f64| ((base + t).powi(2) - base.powi(2)) / share;
        let mut spread = Expression::from(0.0);
        for k in 0..segments {
            let (lo, hi) = (k as f64 * step, (k + 1) as f64 * step);
            let s = vars.add(variable().min(0.0).max(step));
            objective += (f(hi) - f(lo)) / step * s;
            spread += s;
        }
        links.push(std::mem::take(&mut received[m]).eq(spread));
    }
    let mut model = vars.minimise(objective).using(good_lp::solvers::highs::highs);
    for (class, row) in classes.iter().zip(&y) {
        let all: Expression = row.iter().map(|(_, var)| Expression::from(*var)).sum();
        model.add_constraint(all.eq(class.items.len() as f64));
    }
    for link in links {
        model.add_constraint(link);
    }
    let mut inner = model.into_inner();
    inner.make_quiet();
    inner.set_option("time_limit", settings.time_limit.as_secs_f64().max(0.01));
    inner.set_option("mip_rel_gap", settings.gap);
    inner.set_option("threads", 1);
    inner.set_option("parallel", "off");
    inner.set_option("random_seed", 1);
    let solved = inner.solve();
    let status = solved.status();
    let status_text = format!("{status:?}");
    let feasible = highs::HighsSolutionStatus::Feasible as i64;
    if !solved.int_info_value(c"primal_solution_status").is_ok_and(|raw| raw == feasible) {
        return Err(DistributionError::Solver(status_text));
    }
    let values = solved.get_solution();
    let columns = values.columns();
    // Columns are numbered in the order the variables were added: the
    // classes' rows first. Each class's items go out in order, as many to
    // each magistrate as his column counts.
    let mut next = 0;
    let mut assignment = vec![usize::MAX; problem.items.len()];
    for (class, row) in classes.iter().zip(&y) {
        let mut items = class.items.iter();
        let mut last = row[0].0;
        for &(m, _) in row {
            let value = columns.get(next).copied().unwrap_or(0.0);
            next += 1;
            for _ in 0..value.round().max(0.0) as usize {
                if let Some(&i) = items.next() {
                    assignment[i] = m;
                    last = m;
                }
            }
        }
        // Rounding never leaves an item out of an integral solution; were
        // it to, the item goes with the class's last magistrate.
        for &i in items {
            assignment[i] = last;
        }
    }
    let bound = solved.double_info_value(c"mip_dual_bound").ok().filter(|b| b.is_finite());
    let optimal = status == highs::HighsModelStatus::Optimal;
    Ok(Solution {
        objective: cost(problem, &assignment),
        assignment,
        bound: if exact { bound } else { None },
        optimal: optimal && exact,
        exact,
        status: status_text,
        elapsed: started.elapsed(),
    })
}

/// One designation of a proposal, with its reasons in French.
#[derive(Debug, Clone, PartialEq)]
pub struct Designation {
    /// Index of the dossier in the batch.
    pub dossier: usize,
    /// Index of the candidate in the batch.
    pub candidate: usize,
    /// Why him, in French, the most telling first.
    pub reasons: Vec<String>,
}

/// A proposal for a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// One per dossier, in the batch's order.
    pub designations: Vec<Designation>,
    /// Per candidate: load before and after the batch.
    pub loads: Vec<(f64, f64)>,
    /// The solve.
    pub solution: Solution,
    /// Series that could not be kept together.
    pub split_series: Vec<String>,
    /// Who may take each dossier and why the others may not (computed
    /// once for the check, the reasons and the caller's view).
    pub eligibility: Eligibility,
}

/// Checks, solves and explains one batch.
pub fn propose(batch: &Batch, rules: &DistributionRules, settings: Settings) -> Result<Proposal, DistributionError> {
    let eligibility = batch.eligibility(rules);
    let problem = batch.check_with(rules, &eligibility).map_err(DistributionError::Batch)?;
    let solution = solve(&problem, settings)?;
    Ok(explain(batch, rules, &problem, solution, eligibility))
}

/// Checks, solves and explains each chamber's batch, in parallel.
pub fn propose_court(
    batches: &[Batch],
    rules: &DistributionRules,
    settings: Settings,
) -> Vec<Result<Proposal, DistributionError>> {
    batches.par_iter().map(|batch| propose(batch, rules, settings)).collect()
}

/// Solves each problem, in parallel (the benchmark's path).
pub fn solve_court(problems: &[Problem], settings: Settings) -> Vec<Result<Solution, DistributionError>> {
    problems.par_iter().map(|problem| solve(problem, settings)).collect()
}

fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', ",")
}

fn explain(
    batch: &Batch,
    rules: &DistributionRules,
    problem: &Problem,
    solution: Solution,
    eligibility: Eligibility,
) -> Proposal {
    let mut after = problem.loads.clone();
    for (item, &m) in problem.items.iter().zip(&solution.assignment) {
        after[m] += item.weight;
    }
    let designated: Vec<usize> = (0..problem.loads.len()).filter(|&m| problem.shares[m] > 0.0).collect();
    let mean_after = if designated.is_empty() {
        0.0
    } else {
        designated.iter().map(|&m| after[m] / problem.shares[m]).sum::<f64>() / designated.len() as f64
    };
    let mut designations = Vec::new();
    for (item, &m) in problem.items.iter().zip(&solution.assignment) {
        let candidate = &batch.candidates[m];
        for &d in &item.dossiers {
            let dossier = &batch.dossiers[d];
            let mut reasons = Vec::new();
            if item.pinned == Some(m) {
                if let Some((_, pourvoi)) = &dossier.series_designee {
                    reasons.push(format!("série : {} déjà le n° {pourvoi}", batch.designating.verb_fr()));
                }
                if let Some(Ineligible::Absent(range)) =
                    rules.ineligible(batch.designating, batch.today, candidate, dossier)
                {
                    reasons.push(format!(
                        "absent du {} au {} : la série lui reste, son {} attendra son retour",
                        range.from(),
                        range.to(),
                        match batch.designating {
                            greffe_models::distribution::Designating::Rapporteur => "rapport",
                            greffe_models::distribution::Designating::AvocatGeneral => "avis",
                        }
                    ));
                }
            } else if item.dossiers.len() > 1 {
                reasons.push(format!("série de {} pourvois confiés ensemble", item.dossiers.len()));
            }
            if item.eligible.len() == 1 {
                reasons.push("seul magistrat possible".into());
            }
            if let Some(matter) = &dossier.matter {
                reasons.push(format!("spécialité « {matter} »"));
            }
            if let (Some(section), Some(_)) = (&dossier.section, &candidate.section) {
                reasons.push(format!("section {section}"));
            }
            reasons.push(format!(
                "charge pondérée {} → {} (moyenne de la chambre après répartition : {} par service plein)",
                number(problem.loads[m]),
                number(after[m]),
                number(mean_after)
            ));
            if item.urgent {
                if let Some(due) = dossier.ruling_due {
                    reasons.push(format!(
                        "échéance légale le {due} : confié à un {} peu chargé",
                        batch.designating.label_fr()
                    ));
                }
            }
            let refused: Vec<&Ineligible> = eligibility[d]
                .iter()
                .filter_map(|r| r.as_ref().err())
                .filter(|(_, why)| matches!(why, Ineligible::Recused | Ineligible::Conflict(_) | Ineligible::Absent(_)))
                .map(|(_, why)| why)
                .collect();
            if !refused.is_empty() {
                reasons.push(format!("{} magistrat(s) écarté(s) : récusation, conflit ou absence", refused.len()));
            }
            designations.push(Designation { dossier: d, candidate: m, reasons });
        }
    }
    designations.sort_by_key(|d| d.dossier);
    Proposal {
        designations,
        loads: problem.loads.iter().copied().zip(after).collect(),
        solution,
        split_series: problem.split_series.clone(),
        eligibility,
    }
}

/// The hand method: in each section, the next magistrate by seniority
/// (rank), skipping whom the law rules out (recused, in conflict) or who is
/// absent — neither the load nor the speciality nor the series is read.
#[derive(Debug, Clone, Default)]
pub struct RoundRobin {
    /// Per chamber and section: the rank of the last magistrate designated.
    last: std::collections::BTreeMap<(String, Option<String>), (u32, String)>,
}

impl RoundRobin {
    /// Designates each dossier of the batch in turn; `None` for a dossier
    /// no one may take.
    pub fn assign(&mut self, batch: &Batch, rules: &DistributionRules) -> Vec<Option<usize>> {
        let mut out = Vec::with_capacity(batch.dossiers.len());
        for dossier in &batch.dossiers {
            let mut turn: Vec<usize> = (0..batch.candidates.len())
                .filter(|&c| {
                    let candidate = &batch.candidates[c];
                    // The avocats généraux are not in sections.
                    let in_section = batch.designating == greffe_models::distribution::Designating::AvocatGeneral
                        || dossier.section.is_none()
                        || candidate.section.is_none()
                        || candidate.section == dossier.section;
                    rules.share(candidate.role).is_some() && batch.designating.designates(candidate.role) && in_section
                })
                .collect();
            turn.sort_by(|&a, &b| {
                let (a, b) = (&batch.candidates[a], &batch.candidates[b]);
                (a.rank, &a.id).cmp(&(b.rank, &b.id))
            });
            let key = (batch.chamber.clone(), dossier.section.clone());
            let start = match self.last.get(&key) {
                Some((rank, id)) => turn
                    .iter()
                    .position(|&c| {
                        let candidate = &batch.candidates[c];
                        (candidate.rank, &candidate.id) > (*rank, id)
                    })
                    .unwrap_or(0),
                None => 0,
            };
            let chosen = (0..turn.len()).map(|k| turn[(start + k) % turn.len()]).find(|&c| {
                let why = rules.ineligible(batch.designating, batch.today, &batch.candidates[c], dossier);
                !matches!(why, Some(Ineligible::Recused | Ineligible::Conflict(_) | Ineligible::Absent(_)))
            });
            if let Some(c) = chosen {
                let candidate = &batch.candidates[c];
                self.last.insert(key, (candidate.rank, candidate.id.clone()));
            }
            out.push(chosen);
        }
        out
    }
}

#[cfg(test)]
mod tests;
