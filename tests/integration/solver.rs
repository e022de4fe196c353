//! The planning core: lawful plans on many instances, optimality on tiny
//! ones (against brute force), impossible requirements named, determinism,
//! explanations.

use std::time::Duration;

use greffe_checker::{CheckOptions, ViolationCode, check};
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::format::{read_instance, validate};
use greffe_models::{Instance, Plan};
use greffe_solver::{Objective, ObjectiveWeights, SolveConfig, Solved, solve};
use serde_json::{Value, json};

use crate::helpers::fixture_text;

fn config() -> SolveConfig<'static> {
    SolveConfig { time_limit: Duration::from_secs(20), threads: 1, node_limit: Some(2_000), ..SolveConfig::default() }
}

fn small(seed: u64, weeks: u32) -> Instance {
    let doc = generate(&GeneratorConfig::new(Scale::Small, weeks, seed)).expect("generate");
    validate(&doc).expect("valid")
}

/// Every dossier exactly once; no violation the plan does not declare.
fn assert_lawful(instance: &Instance, solved: &Solved, context: &str) {
    assert!(solved.undeclared.is_empty(), "{context}: undeclared violations {:?}", solved.undeclared);
    let plan = &solved.plan;
    let mut seen: Vec<&str> = plan.assignments.iter().map(|a| a.dossier.as_str()).collect();
    seen.extend(plan.unscheduled.iter().map(|u| u.dossier.as_str()));
    seen.sort_unstable();
    let mut all: Vec<&str> = instance.dossiers().iter().map(|d| d.id.as_str()).collect();
    all.sort_unstable();
    assert_eq!(seen, all, "{context}: every dossier exactly once");
    let again = check(instance, plan, CheckOptions::default());
    assert_eq!(again, solved.check, "{context}: the report is the checker's");
    if let (Some(objective), Some(bound)) = (plan.objective, plan.bound) {
        assert!(objective <= bound + 1e-6, "{context}: objective {objective} above bound {bound}");
    }
}

#[test]
fn every_plan_on_generated_instances_passes_the_checker() {
    for seed in 0..12 {
        let instance = small(seed, 1 + (seed % 4) as u32);
        let solved = solve(&instance, &config()).expect("solves");
        assert_lawful(&instance, &solved, &format!("seed {seed}"));
        for unscheduled in &solved.plan.unscheduled {
            assert!(!unscheduled.detail.is_empty(), "seed {seed}: {} has a detail", unscheduled.dossier);
        }
    }
}

#[test]
fn chamber_scale_plans_with_fixed_benches_pass_the_checker() {
    let doc = generate(&GeneratorConfig::new(Scale::Chamber, 2, 5)).expect("generate");
    let instance = validate(&doc).expect("valid");
    let config = SolveConfig { full_model_max_pairs: 0, time_limit: Duration::from_secs(20), ..config() };
    let solved = solve(&instance, &config).expect("solves");
    assert_lawful(&instance, &solved, "chamber scale");
    assert_eq!(solved.parts[0].model, "fixed_benches");
    assert!(solved.plan.assignments.len() > instance.dossiers().len() / 2, "most of the work is heard");
}

/// A chamber over the split's size is planned as two halves: the plan is
/// lawful, the chamber reported once, with the bound of the whole chamber
/// (the same as when it is planned whole; the halves' would be lower).
/// A chamber whose hearings carry sections is never split.
#[test]
fn a_large_chamber_is_planned_in_two_halves_under_its_whole_bound() {
    let doc = generate(&GeneratorConfig::new(Scale::Chamber, 3, 4)).expect("generate");
    let instance = validate(&doc).expect("valid");
    let base = SolveConfig { full_model_max_pairs: 0, time_limit: Duration::from_secs(20), ..config() };
    let whole = solve(&instance, &SolveConfig { split_min_members: usize::MAX, ..base }).expect("solves");
    let split = solve(&instance, &SolveConfig { split_min_members: 1, ..base }).expect("solves");
    assert_lawful(&instance, &split, "split");
    assert!(split.check.violations.is_empty(), "{:?}", split.check.violations);
    assert_eq!(split.parts.len(), 1, "one chamber, one line");
    let part = &split.parts[0];
    assert!(part.milp_status.contains(" / "), "planned as two halves: {}", part.milp_status);
    assert_eq!(part.dossiers, instance.dossiers().len());
    assert_eq!(part.hearings, instance.hearings().len());
    assert!(!whole.parts[0].milp_status.contains(" / "), "not split: {}", whole.parts[0].milp_status);
    let (split_bound, whole_bound) = (part.bound.expect("a bound"), whole.parts[0].bound.expect("a bound"));
    assert!((split_bound - whole_bound).abs() <= 1e-6 * whole_bound.abs(), "{split_bound} vs {whole_bound}");
    assert!(part.objective <= split_bound + 1e-6);
    // With sections, the section rules span the chamber: not split.
    let mut sectioned = GeneratorConfig::new(Scale::Chamber, 3, 4);
    sectioned.sections = true;
    let instance = validate(&generate(&sectioned).expect("generate")).expect("valid");
    let solved = solve(&instance, &SolveConfig { split_min_members: 1, ..base }).expect("solves");
    assert_lawful(&instance, &solved, "sections");
    assert!(!solved.parts[0].milp_status.contains(" / "), "not split: {}", solved.parts[0].milp_status);
}

/// With fixed benches and time left, the search solves neighbourhoods and
/// its plan stays lawful and within its bound; with a node limit it solves
/// at most a fixed number of them and the plan is reproducible. (A gap
/// target of zero: the first plan of this instance is already within the
/// default 0.1 % of its bound, where the search has nothing to do.)
#[test]
fn the_search_improves_fixed_bench_plans_and_keeps_them_lawful() {
    let doc = generate(&GeneratorConfig::new(Scale::Chamber, 3, 2)).expect("generate");
    let instance = validate(&doc).expect("valid");
    let timed = SolveConfig {
        full_model_max_pairs: 0,
        time_limit: Duration::from_secs(4),
        threads: 1,
        gap_target: 0.0,
        ..SolveConfig::default()
    };
    let searched = solve(&instance, &timed).expect("solves");
    assert_lawful(&instance, &searched, "searched");
    assert!(searched.parts[0].neighbourhoods > 0, "the search ran: {:?}", searched.parts[0]);
    let deterministic = SolveConfig { full_model_max_pairs: 0, gap_target: 0.0, ..config() };
    let a = solve(&instance, &deterministic).expect("solves");
    let b = solve(&instance, &deterministic).expect("solves");
    assert_lawful(&instance, &a, "deterministic");
    assert_eq!(a.plan.assignments, b.plan.assignments, "a node limit makes the search reproducible");
    assert!(a.parts[0].neighbourhoods > 0 && a.parts[0].neighbourhoods <= 7, "{:?}", a.parts[0]);
    let bound = searched.plan.bound.expect("a bound");
    assert!(searched.plan.objective.expect("objective") <= bound + 1e-6);
}

/// Re-solving with some of a plan's dossiers published (pinned) keeps them.
#[test]
fn pinned_dossiers_stay_unless_moves_are_allowed() {
    let instance = small(3, 3);
    let first = solve(&instance, &config()).expect("solves");
    let mut doc = instance.to_doc();
    let pinned: Vec<(String, String)> =
        first.plan.assignments.iter().step_by(3).map(|a| (a.dossier.to_string(), a.hearing.to_string())).collect();
    for dossier in &mut doc.dossiers {
        if let Some((_, hearing)) = pinned.iter().find(|(d, _)| *d == dossier.id) {
            dossier.pinned_hearing = Some(hearing.clone());
        }
    }
    let pinned_instance = validate(&doc).expect("valid");
    let solved = solve(&pinned_instance, &config()).expect("solves");
    assert_lawful(&pinned_instance, &solved, "pinned");
    for (dossier, hearing) in &pinned {
        let at = solved.plan.assignments.iter().find(|a| a.dossier.as_str() == dossier).map(|a| a.hearing.to_string());
        assert_eq!(at.as_deref(), Some(hearing.as_str()), "{dossier} stays at {hearing}");
    }
    let moving = SolveConfig {
        allow_moving_pinned: true,
        objective: Objective::Default(ObjectiveWeights::default()),
        ..config()
    };
    let solved = solve(&pinned_instance, &moving).expect("solves");
    assert!(solved.undeclared.is_empty(), "{:?}", solved.undeclared);
}

#[test]
fn same_seed_same_plan() {
    let instance = small(7, 4);
    let a = solve(&instance, &config()).expect("solves");
    let b = solve(&instance, &config()).expect("solves");
    assert_eq!(a.plan.assignments, b.plan.assignments);
    assert_eq!(a.plan.benches, b.plan.benches);
    assert_eq!(a.plan.objective, b.plan.objective);
}

/// A tiny instance: one chamber, three FR hearings, four dossiers, drawn
/// from `seed`.
fn tiny(seed: u64) -> Instance {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = |n: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let magistrates: Vec<Value> =
        [("t1", "president"), ("t2", "doyen"), ("t3", "conseiller"), ("t4", "conseiller"), ("t5", "referendaire")]
            .iter()
            .enumerate()
            .map(|(i, (id, role))| {
                let absences =
                    if next(4) == 0 { json!([{"from": "2027-01-12", "to": "2027-01-12"}]) } else { json!([]) };
                json!({"id": id, "chamber": "c1", "section": null, "role": role, "rank": i + 1,
                   "max_hearings_per_week": 1 + next(2), "absences": absences})
            })
            .collect();
    let dates = [("h1", "2027-01-05", "am"), ("h2", "2027-01-05", "pm"), ("h3", "2027-01-12", "am")];
    let hearings: Vec<Value> = dates
        .iter()
        .map(|(id, date, half)| {
            let count = 1 + next(2);
            json!({"id": id, "chamber": "c1", "date": date, "half_day": half, "formation": "FR",
                   "capacity_weight": count as f64 + next(2) as f64, "capacity_count": count})
        })
        .collect();
    let dossiers: Vec<Value> = (0..4)
        .map(|i| {
            let rapporteur = ["t3", "t4", "t5"][next(3) as usize];
            let recused = if next(3) == 0 { json!(["t2"]) } else { json!([]) };
            json!({"id": format!("x{i}"), "pourvoi": format!("A 26-10.{:03}", i + 1), "chamber": "c1", "formations": ["FR"],
                   "rapporteurs": [rapporteur], "avocat_general": null, "weight": 1 + next(2), "priority": 1 + next(20),
                   "ready_date": format!("2026-12-{:02}", 20 + next(10)), "notice_days": next(12),
                   "deadline": null, "recused": recused, "joined_group": null, "pinned_hearing": null})
        })
        .collect();
    let doc = json!({
        "horizon": {"start": "2027-01-04", "end": "2027-01-15"},
        "chambers": [{"id": "c1", "sections": []}],
        "magistrates": magistrates, "hearings": hearings, "dossiers": dossiers,
    });
    read_instance(&doc.to_string()).expect("tiny instance is valid")
}

/// The planning brief's benchmark value, computed here independently of the solver.
fn benchmark_value(instance: &Instance, d: usize, h: usize) -> f64 {
    let dossier = &instance.dossiers()[d];
    let hearing = &instance.hearings()[h];
    let horizon = instance.horizon();
    let earliest = dossier.ready_date.max(horizon.publication_date().unwrap_or(dossier.ready_date))
        + chrono::Duration::days(i64::from(dossier.notice_days));
    let wait = (hearing.date - earliest.max(horizon.start())).num_days().max(0) as f64;
    dossier.priority * (1.0 - 0.5 * wait / (horizon.end() - horizon.start()).num_days() as f64)
}

/// The best benchmark objective over every lawful plan, by enumeration:
/// placements by decreasing value, the first that admits lawful benches wins.
fn brute_force(instance: &Instance) -> f64 {
    use greffe_models::{Assignment, Bench, Unscheduled, UnscheduledReason};
    let n_hearings = instance.hearings().len();
    let eligible: Vec<usize> =
        (0..instance.magistrates().len()).filter(|&m| instance.magistrates()[m].role.is_bench_eligible()).collect();
    let member_pairs: Vec<[usize; 2]> = (0..eligible.len())
        .flat_map(|a| ((a + 1)..eligible.len()).map(move |b| (a, b)))
        .map(|(a, b)| [eligible[a], eligible[b]])
        .collect();
    let n = instance.dossiers().len();
    let options = n_hearings + 1;
    let mut placements: Vec<(f64, Vec<usize>)> = (0..options.pow(n as u32))
        .map(|code| {
            let placement: Vec<usize> = (0..n).map(|d| code / options.pow(d as u32) % options).collect();
            let value =
                (0..n).filter(|&d| placement[d] < n_hearings).map(|d| benchmark_value(instance, d, placement[d])).sum();
            (value, placement)
        })
        .collect();
    placements.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (value, placement) in placements {
        let used: Vec<usize> = (0..n_hearings).filter(|h| placement.contains(h)).collect();
        let assignments: Vec<Assignment> = (0..n)
            .filter(|&d| placement[d] < n_hearings)
            .map(|d| Assignment {
                dossier: instance.dossiers()[d].id.clone(),
                hearing: instance.hearings()[placement[d]].id.clone(),
            })
            .collect();
        let unscheduled: Vec<Unscheduled> = (0..n)
            .filter(|&d| placement[d] == n_hearings)
            .map(|d| Unscheduled {
                dossier: instance.dossiers()[d].id.clone(),
                reason: UnscheduledReason::Manual,
                detail: String::new(),
            })
            .collect();
        // Necessary condition, by the checker alone: without benches, no
        // violation but the missing benches (adding a bench cures nothing else).
        let benchless = Plan {
            assignments,
            benches: Vec::new(),
            unscheduled,
            broken_requirements: Vec::new(),
            objective: None,
            bound: None,
            gap: None,
            solve_ms: None,
            time_limit_hit: None,
        };
        let report = check(instance, &benchless, CheckOptions::default());
        if report.violations.iter().any(|v| v.code != ViolationCode::BenchMissing) {
            continue;
        }
        for bench_code in 0..member_pairs.len().pow(used.len() as u32) {
            let benches: Vec<Bench> = used
                .iter()
                .enumerate()
                .map(|(i, &h)| {
                    let pair = member_pairs[bench_code / member_pairs.len().pow(i as u32) % member_pairs.len()];
                    let mut members: Vec<&greffe_models::Magistrate> =
                        pair.iter().map(|&m| &instance.magistrates()[m]).collect();
                    members.sort_by(|a, b| a.precedence_key().cmp(&b.precedence_key()));
                    Bench {
                        hearing: instance.hearings()[h].id.clone(),
                        president: members[0].id.clone(),
                        members: members.iter().map(|m| m.id.clone()).collect(),
                    }
                })
                .collect();
            let plan = Plan { benches, ..benchless.clone() };
            if check(instance, &plan, CheckOptions::default()).ok {
                return value;
            }
        }
    }
    0.0
}

#[test]
fn tiny_instances_reach_the_brute_force_optimum() {
    let exact = SolveConfig { gap_target: 0.0, node_limit: None, ..config() };
    assert_tiny_optima(&exact, "full");
}

/// On every tiny instance, `config` solves with `model` and reaches the
/// brute-force optimum.
fn assert_tiny_optima(config: &SolveConfig<'_>, model: &str) {
    for seed in 0..15 {
        let instance = tiny(seed);
        let solved = solve(&instance, config).expect("solves");
        assert_lawful(&instance, &solved, &format!("tiny {seed}"));
        assert_eq!(solved.parts[0].model, model);
        let optimum = brute_force(&instance);
        let objective = solved.plan.objective.expect("objective");
        assert!((objective - optimum).abs() < 1e-6, "tiny {seed}: solver {objective}, brute force {optimum}");
    }
}

/// With the benches fixed by the heuristic at first, the search goes on to
/// re-decide them with the dossiers, window by window up to the whole
/// horizon: given the time, it reaches the optimum of the full model, not
/// only that of the heuristic's benches.
#[test]
fn the_search_re_decides_benches_up_to_the_optimum() {
    let searched = SolveConfig { gap_target: 0.0, node_limit: None, full_model_max_pairs: 0, ..config() };
    assert_tiny_optima(&searched, "fixed_benches");
}

fn with_changes(change: impl Fn(&mut Value)) -> Instance {
    let mut value: Value = serde_json::from_str(&fixture_text("check.json")).expect("JSON");
    change(&mut value);
    read_instance(&value.to_string()).expect("valid instance")
}

#[test]
fn impossible_requirements_are_named_with_their_cause() {
    // d5 must be heard by 15 January; its rapporteur m08 is away throughout.
    let absent =
        with_changes(|v| v["magistrates"][7]["absences"] = json!([{"from": "2027-01-01", "to": "2027-01-31"}]));
    let solved = solve(&absent, &config()).expect("a plan, never a bare infeasible");
    assert_lawful(&absent, &solved, "rapporteur absent");
    let broken = solved.plan.broken_requirements.iter().find(|b| b.dossier.as_str() == "d5").expect("d5 named");
    assert_eq!((broken.requirement.as_str(), broken.cause.as_str()), ("deadline", "rapporteur_absent"));
    assert!(
        solved.check.violations.iter().any(|v| v.code == ViolationCode::DeadlineUnscheduled),
        "the checker reports it too"
    );

    // A deadline before every hearing of the dossier's formation.
    let too_early = with_changes(|v| v["dossiers"][4]["deadline"] = json!("2027-01-04"));
    let solved = solve(&too_early, &config()).expect("a plan");
    let broken = solved.plan.broken_requirements.iter().find(|b| b.dossier.as_str() == "d5").expect("named");
    assert_eq!(broken.cause, "no_hearing_before_deadline", "{broken:?}");
    assert!(solved.undeclared.is_empty());

    // Two deadline dossiers, one seat before the deadline.
    let crowded = with_changes(|v| {
        // Before 8 January, only h1 and h2 hear FR dossiers: one seat left.
        v["hearings"][0]["capacity_count"] = json!(1);
        v["hearings"][1]["capacity_count"] = json!(0);
        v["dossiers"][0]["deadline"] = json!("2027-01-08");
        v["dossiers"][4]["deadline"] = json!("2027-01-08");
    });
    let solved = solve(&crowded, &config()).expect("a plan");
    assert_lawful(&crowded, &solved, "crowded");
    assert_eq!(solved.plan.broken_requirements.len(), 1, "{:?}", solved.plan.broken_requirements);
    assert_eq!(solved.plan.broken_requirements[0].cause, "capacity_taken_by_deadline_dossiers");
}

#[test]
fn explain_tells_where_and_why() {
    let instance = read_instance(&fixture_text("check.json")).expect("valid");
    let plan = Plan::from_json(&fixture_text("check-plan.json")).expect("plan");
    let id = |raw: &str| greffe_models::DossierId::parse(raw).expect("id");
    let placed = greffe_solver::explain(&instance, &plan, &id("d1")).expect("known");
    assert!(placed.summary.contains("audiencé le 2027-01-05") && placed.summary.contains("h1"), "{}", placed.summary);
    let h3 = placed.hearings.iter().find(|v| v.hearing.as_str() == "h3").expect("h3 listed");
    assert!(!h3.possible && h3.verdict.contains("formation"), "{h3:?}");
    let h1 = placed.hearings.iter().find(|v| v.hearing.as_str() == "h1").expect("h1 listed");
    assert!(h1.possible && h1.verdict.starts_with("retenue"), "{h1:?}");
    let left_out = greffe_solver::explain(&instance, &plan, &id("d6")).expect("known");
    assert!(left_out.summary.contains("not_ready_in_horizon"), "{}", left_out.summary);
    assert!(left_out.hearings.iter().all(|v| !v.possible), "nothing before the end of the horizon");
    assert!(greffe_solver::explain(&instance, &plan, &id("d99")).is_none());
    // d7 belongs to cr: only cr hearings are listed.
    let other = greffe_solver::explain(&instance, &plan, &id("d7")).expect("known");
    assert_eq!(other.hearings.len(), 1);
}

/// Court scale, 8 weeks: a lawful plan within the 10-second budget (the
/// timing itself is measured by `scripts/bench-court`, not asserted here).
#[test]
#[ignore = "slow: court-scale solve; run by CI with --ignored"]
fn court_scale_plans_are_lawful() {
    for seed in [1, 2] {
        let doc = generate(&GeneratorConfig::new(Scale::Court, 8, seed)).expect("generate");
        let instance = validate(&doc).expect("valid");
        let config = SolveConfig { time_limit: Duration::from_secs(10), threads: 2, ..SolveConfig::default() };
        let solved = solve(&instance, &config).expect("solves");
        assert_lawful(&instance, &solved, &format!("court seed {seed}"));
        assert!(solved.plan.broken_requirements.is_empty(), "seed {seed}: {:?}", solved.plan.broken_requirements);
        assert!(solved.check.ok, "seed {seed}: {:?}", &solved.check.violations[..solved.check.violations.len().min(3)]);
    }
}

#[test]
fn a_chamber_with_dossiers_but_no_hearing_in_the_horizon_is_solved_not_crashed() {
    let mut doc = generate(&GeneratorConfig::new(Scale::Small, 2, 3)).expect("generate");
    let emptied = doc.chambers[0].id.clone();
    doc.hearings.retain(|h| h.chamber != emptied);
    for dossier in &mut doc.dossiers {
        dossier.deadline = None;
    }
    let instance = validate(&doc).expect("valid");
    let solved = solve(&instance, &config()).expect("solves");
    assert_lawful(&instance, &solved, "empty chamber");
    let left_out = solved
        .plan
        .unscheduled
        .iter()
        .filter(|u| instance.dossier(&u.dossier).is_some_and(|d| d.chamber.as_str() == emptied));
    assert_eq!(left_out.count(), doc.dossiers.iter().filter(|d| d.chamber == emptied).count());
}

/// Cancellation reaches a running solve: one chamber, a minute allowed, the
/// flag raised two seconds in — inside HiGHS's branch-and-bound, where only
/// its interrupt callback can stop it — and the solve ends within a second.
#[test]
fn a_raised_cancel_flag_stops_a_running_chamber_within_a_second() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;

    let doc = generate(&GeneratorConfig::new(Scale::Chamber, 8, 1)).expect("generate");
    let instance = validate(&doc).expect("valid");
    let cancel = AtomicBool::new(false);
    let config = SolveConfig {
        time_limit: Duration::from_secs(60),
        threads: 1,
        gap_target: 0.0,
        objective: Objective::Default(ObjectiveWeights::default()),
        cancel: Some(&cancel),
        ..SolveConfig::default()
    };
    let (outcome, raised) = std::thread::scope(|scope| {
        let raiser = scope.spawn(|| {
            std::thread::sleep(Duration::from_secs(2));
            cancel.store(true, Ordering::Relaxed);
            Instant::now()
        });
        let outcome = solve(&instance, &config);
        (outcome, raiser.join().expect("raiser"))
    });
    let after = raised.elapsed();
    assert_eq!(outcome.err(), Some(greffe_solver::SolveError::Cancelled));
    assert!(after < Duration::from_secs(1), "the solve ended {after:?} after the flag was raised");
}

#[test]
fn a_joined_dossier_never_goes_alone_where_its_lead_cannot() {
    // d1 and d2 are joined. h1's locked bench holds r, recused from d1 (the
    // group's lead): with fixed benches only d2 has a pair at h1. h2 takes
    // one dossier only. Lawful plans hear neither; a model that let d2 go
    // to h1 alone would split the group.
    let people = ["p", "d", "r", "c1", "c2"];
    let roles = ["president", "doyen", "conseiller", "conseiller", "conseiller"];
    let magistrates: Vec<Value> = people
        .iter()
        .zip(roles)
        .enumerate()
        .map(|(i, (id, role))| {
            json!({"id": id, "chamber": "civ1", "role": role, "rank": i + 1, "max_hearings_per_week": 3})
        })
        .collect();
    let dossier = |id: &str, pourvoi: &str| {
        json!({"id": id, "pourvoi": pourvoi, "chamber": "civ1", "formations": ["FR"], "rapporteurs": ["c1"],
            "weight": 1.0, "priority": 5.0, "ready_date": "2026-11-02", "notice_days": 15, "joined_group": "g"})
    };
    let mut d1 = dossier("d1", "A 26-10.001");
    d1["recused"] = json!(["r"]);
    let doc = json!({
        "horizon": {"start": "2027-01-04", "end": "2027-01-29"},
        "chambers": [{"id": "civ1"}],
        "magistrates": magistrates,
        "hearings": [
            {"id": "h1", "chamber": "civ1", "date": "2027-01-05", "half_day": "am", "formation": "FR",
             "capacity_weight": 6.0, "capacity_count": 6, "locked_bench": ["p", "r"]},
            {"id": "h2", "chamber": "civ1", "date": "2027-01-12", "half_day": "am", "formation": "FR",
             "capacity_weight": 6.0, "capacity_count": 1},
        ],
        "dossiers": [d1, dossier("d2", "A 26-10.002")],
    });
    let instance = read_instance(&doc.to_string()).expect("valid instance");
    let config = SolveConfig { full_model_max_pairs: 0, ..config() };
    let solved = solve(&instance, &config).expect("a plan");
    assert_lawful(&instance, &solved, "joined group with a recusal");
    assert!(solved.plan.assignments.is_empty(), "{:?}", solved.plan.assignments);
}
