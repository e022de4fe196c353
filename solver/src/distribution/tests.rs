use greffe_models::Role;
use greffe_models::dates::parse_date;
use greffe_models::distribution::{Batch, BatchDossier, Candidate, Designating, Party};
use greffe_models::dossier::Circuit;

use super::*;

/// A tiny deterministic generator (the solver crate has no rand).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn random_problem(seed: u64) -> Problem {
    let mut rng = Lcg(seed);
    let n = 2 + rng.next(3) as usize;
    let items = (0..3 + rng.next(4) as usize)
        .map(|_| {
            let mut eligible: Vec<usize> = (0..n).filter(|_| rng.next(4) > 0).collect();
            if eligible.is_empty() {
                eligible.push(rng.next(n as u64) as usize);
            }
            Item {
                dossiers: vec![0],
                weight: [1.0, 2.0, 4.0, 6.0][rng.next(4) as usize],
                eligible,
                pinned: None,
                urgent: rng.next(3) == 0,
            }
        })
        .collect();
    Problem {
        items,
        shares: (0..n).map(|_| [1.0, 0.5][rng.next(2) as usize]).collect(),
        loads: (0..n).map(|_| rng.next(40) as f64 * 0.25).collect(),
        urgency_cost: 2.0,
        split_series: Vec::new(),
    }
}

/// The optimum by enumeration of every assignment.
fn brute_force(problem: &Problem) -> f64 {
    fn walk(problem: &Problem, chosen: &mut Vec<usize>, best: &mut f64) {
        if chosen.len() == problem.items.len() {
            *best = best.min(cost(problem, chosen));
            return;
        }
        for &m in &problem.items[chosen.len()].eligible {
            chosen.push(m);
            walk(problem, chosen, best);
            chosen.pop();
        }
    }
    let mut best = f64::INFINITY;
    walk(problem, &mut Vec::new(), &mut best);
    best
}

#[test]
fn the_program_finds_the_optimum_enumeration_finds_and_proves_it() {
    for seed in 0..60 {
        let problem = random_problem(seed);
        let solution = solve(&problem, Settings::default()).expect("solvable");
        let optimum = brute_force(&problem);
        assert!((solution.objective - optimum).abs() < 1e-6, "seed {seed}: {} vs {optimum}", solution.objective);
        assert!(solution.exact && solution.optimal, "seed {seed}: {solution:?}");
        let bound = solution.bound.expect("a bound");
        assert!(bound <= optimum + 1e-6 && solution.gap().expect("gap") < 1e-5, "seed {seed}: bound {bound}");
        for (item, &m) in problem.items.iter().zip(&solution.assignment) {
            assert!(item.eligible.contains(&m), "seed {seed}: item given to whom may not take it");
        }
    }
}

#[test]
fn the_load_is_spread_by_share_and_the_urgent_dossier_goes_to_the_least_loaded() {
    // Two conseillers, one already loaded; four dossiers of weight 2.
    let item = |urgent| Item { dossiers: vec![0], weight: 2.0, eligible: vec![0, 1], pinned: None, urgent };
    let problem = Problem {
        items: vec![item(false), item(false), item(false), item(true)],
        shares: vec![1.0, 1.0],
        loads: vec![4.0, 0.0],
        urgency_cost: 2.0,
        split_series: Vec::new(),
    };
    let solution = solve(&problem, Settings::default()).expect("solvable");
    let to_second = solution.assignment.iter().filter(|&&m| m == 1).count();
    assert_eq!(to_second, 3, "loads end 6 and 6: {solution:?}");
    assert_eq!(solution.assignment[3], 1, "the urgent one to the unloaded conseiller");
    // A doyen at half a service takes half as much.
    let problem = Problem { shares: vec![1.0, 0.5], loads: vec![0.0, 0.0], ..problem };
    let solution = solve(&problem, Settings::default()).expect("solvable");
    assert_eq!(solution.assignment.iter().filter(|&&m| m == 1).count(), 1, "{solution:?}");
}

#[test]
fn weights_without_a_common_step_are_solved_but_claim_no_bound() {
    let mut problem = random_problem(7);
    problem.items[0].weight = std::f64::consts::PI;
    let solution = solve(&problem, Settings::default()).expect("solvable");
    assert!(!solution.exact && !solution.optimal && solution.bound.is_none(), "{solution:?}");
}

fn day(raw: &str) -> greffe_models::Date {
    parse_date(raw).expect("test date")
}

fn candidate(id: &str, role: Role, rank: u32, load: f64) -> Candidate {
    Candidate {
        id: id.into(),
        name: format!("M. {id}"),
        role,
        section: Some("s1".into()),
        rank,
        specialties: vec!["contrats".into()],
        interests: Vec::new(),
        absences: Vec::new(),
        load,
        due: 0,
    }
}

fn dossier(id: i64, series: Option<&str>) -> BatchDossier {
    BatchDossier {
        id,
        pourvoi: format!("B 26-20.{id:03}"),
        section: Some("s1".into()),
        matter: Some("contrats".into()),
        circuit: Circuit::Intermediaire,
        parties: vec![Party { name: "SA Lebrun".into(), key: "sa lebrun".into() }],
        recused: Vec::new(),
        ruling_due: None,
        series: series.map(Into::into),
        series_designee: None,
    }
}

fn court_batch() -> Batch {
    let mut recused = dossier(4, None);
    recused.recused = vec!["m2".into()];
    Batch {
        chamber: "comm".into(),
        designating: Designating::Rapporteur,
        today: day("2026-12-07"),
        dossiers: vec![dossier(1, Some("lebrun|bail")), dossier(2, Some("lebrun|bail")), dossier(3, None), recused],
        candidates: vec![
            candidate("m0", Role::President, 1, 0.0),
            candidate("m1", Role::Conseiller, 2, 6.0),
            candidate("m2", Role::Conseiller, 3, 0.0),
            candidate("m3", Role::Referendaire, 4, 2.0),
        ],
    }
}

#[test]
fn a_proposal_keeps_the_series_together_and_says_why_for_each_dossier() {
    let batch = court_batch();
    let proposal = propose(&batch, DistributionRules::embedded(), Settings::default()).expect("proposal");
    assert_eq!(proposal.designations.len(), 4);
    let of = |d: usize| proposal.designations.iter().find(|x| x.dossier == d).expect("designated").candidate;
    assert_eq!(of(0), of(1), "the series goes to one rapporteur");
    assert_ne!(of(3), 2, "m2 is recused on the fourth dossier");
    assert!(proposal.designations.iter().all(|d| d.candidate != 0), "the president does not report");
    let series = &proposal.designations[0].reasons;
    assert!(series.iter().any(|r| r == "série de 2 pourvois confiés ensemble"), "{series:?}");
    assert!(series.iter().any(|r| r.starts_with("charge pondérée")), "{series:?}");
    let recused = &proposal.designations[3].reasons;
    assert!(recused.iter().any(|r| r.contains("1 magistrat(s) écarté(s)")), "{recused:?}");
    // Loads after: m1 6, m2 and m3 share the 8 new units with m3's 2.
    let after: Vec<f64> = proposal.loads.iter().map(|l| l.1).collect();
    assert_eq!(after.iter().sum::<f64>(), 6.0 + 2.0 + 8.0, "{after:?}");
    assert!(proposal.solution.optimal);
}

#[test]
fn the_round_robin_turns_by_seniority_and_skips_only_the_recused_and_absent() {
    let rules = DistributionRules::embedded();
    let batch = court_batch();
    let mut turn = RoundRobin::default();
    let first = turn.assign(&batch, rules);
    // m1, m2, m3 in turn; the fourth is m1's turn again (m2 is recused
    // only on it, and the turn moved past him).
    assert_eq!(first, vec![Some(1), Some(2), Some(3), Some(1)]);
    // The turn carries over to the next batch.
    let second = turn.assign(&batch, rules);
    assert_eq!(second, vec![Some(2), Some(3), Some(1), Some(3)], "m2 recused on the fourth: m3 takes it");
}
