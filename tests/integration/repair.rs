//! Repair of a published plan after events: lawful results, nothing changed
//! that the events do not force, the diff and the tasks it implies, the
//! disruption next to its lower bound.

use std::collections::BTreeSet;
use std::time::Duration;

use greffe_checker::{CheckOptions, check};
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::diff::TaskKind;
use greffe_models::events::{EventsDoc, apply_events};
use greffe_models::format::{from_json_text, validate};
use greffe_models::{Instance, Plan};
use greffe_solver::{RepairConfig, Repaired, SolveConfig, repair, solve};

/// A small court whose plan is published: every assigned dossier pinned.
fn published(seed: u64) -> (Instance, Plan) {
    let mut doc = generate(&GeneratorConfig::new(Scale::Small, 3, seed)).expect("generate");
    let instance = validate(&doc).expect("valid");
    let config = SolveConfig {
        time_limit: Duration::from_secs(20),
        threads: 1,
        node_limit: Some(500),
        ..SolveConfig::default()
    };
    let plan = solve(&instance, &config).expect("solves").plan;
    for assignment in &plan.assignments {
        let dossier = doc.dossiers.iter_mut().find(|d| d.id == assignment.dossier.as_str()).expect("dossier");
        dossier.pinned_hearing = Some(assignment.hearing.to_string());
    }
    let instance = validate(&doc).expect("published instance is valid");
    assert!(check(&instance, &plan, CheckOptions::default()).ok, "the published plan is lawful");
    (instance, plan)
}

fn repair_with(instance: &Instance, plan: &Plan, events: serde_json::Value) -> (Instance, Repaired) {
    let events: EventsDoc = from_json_text(&events.to_string()).expect("events parse");
    let applied = apply_events(instance, &events).expect("events apply");
    let repaired = repair(&applied, plan, &RepairConfig::default());
    assert!(repaired.undeclared.is_empty(), "undeclared violations: {:?}", repaired.undeclared);
    assert!(repaired.check.ok || !repaired.plan.broken_requirements.is_empty(), "{:?}", repaired.check.violations);
    assert!(
        repaired.disruption.changes >= repaired.disruption.minimum,
        "the lower bound holds: {:?}",
        repaired.disruption
    );
    (applied.instance, repaired)
}

fn hearing_of<'p>(plan: &'p Plan, dossier: &str) -> Option<&'p str> {
    plan.assignments.iter().find(|a| a.dossier.as_str() == dossier).map(|a| a.hearing.as_str())
}

#[test]
fn with_no_events_nothing_changes() {
    for seed in 0..3 {
        let (instance, plan) = published(seed);
        let (_, repaired) = repair_with(&instance, &plan, serde_json::json!({"events": []}));
        assert!(repaired.diff.is_empty(), "seed {seed}: {:?}", repaired.diff);
        assert!(repaired.tasks.is_empty());
        assert_eq!((repaired.disruption.changes, repaired.disruption.minimum), (0, 0));
        assert!(repaired.check.ok);
    }
}

#[test]
fn an_absence_touching_one_hearing_changes_nothing_in_other_chambers_or_weeks() {
    let (instance, plan) = published(1);
    // A bench member who attends nothing else that day, at a used hearing.
    let (hearing, magistrate) = plan
        .benches
        .iter()
        .filter(|b| plan.assignments.iter().any(|a| a.hearing == b.hearing))
        .find_map(|bench| {
            let date = instance.hearing(&bench.hearing).expect("hearing").date;
            bench
                .members
                .iter()
                .find(|m| {
                    let elsewhere_that_day = plan.assignments.iter().any(|a| {
                        a.hearing != bench.hearing
                            && instance.hearing(&a.hearing).expect("hearing").date == date
                            && instance.dossier(&a.dossier).expect("dossier").rapporteurs.contains(m)
                    });
                    !elsewhere_that_day
                        && !plan.benches.iter().any(|b| {
                            b.hearing != bench.hearing
                                && b.members.contains(m)
                                && instance.hearing(&b.hearing).expect("hearing").date == date
                        })
                })
                .map(|m| (bench.hearing.clone(), m.clone()))
        })
        .expect("a bench member to make absent");
    let date = instance.hearing(&hearing).expect("hearing").date;
    let (after, repaired) = repair_with(
        &instance,
        &plan,
        serde_json::json!({"events": [{"type": "magistrate_absent", "magistrate": magistrate.as_str(),
                                       "from": date.to_string(), "to": date.to_string()}]}),
    );
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    let touched: BTreeSet<&str> = repaired
        .diff
        .moved
        .iter()
        .flat_map(|m| [m.from.as_str(), m.to.as_str()])
        .chain(repaired.diff.dropped.iter().map(|p| p.hearing.as_str()))
        .chain(repaired.diff.seats.iter().map(|s| s.hearing.as_str()))
        .collect();
    let chamber = &after.hearing(&hearing).expect("hearing").chamber;
    let week = greffe_models::dates::iso_week(date);
    for id in &touched {
        let other = instance.hearings().iter().find(|h| h.id.as_str() == *id).expect("hearing");
        assert_eq!(&other.chamber, chamber, "{id} is in another chamber");
        assert_eq!(greffe_models::dates::iso_week(other.date), week, "{id} is in another week");
    }
    // Here a seat swap is enough: one seat changes, nothing else.
    assert_eq!(repaired.diff.seats.len(), 1, "{:?}", repaired.diff);
    assert_eq!(repaired.diff.seats[0].hearing, hearing);
    assert_eq!(repaired.diff.seats[0].left, vec![magistrate.clone()]);
    assert!(repaired.diff.seats[0].reason.contains("absent"), "{}", repaired.diff.seats[0].reason);
    assert!(repaired.diff.moved.is_empty() && repaired.diff.dropped.is_empty());
    assert_eq!((repaired.disruption.changes, repaired.disruption.minimum), (1, 1), "proven minimal");
    // Every dossier of that hearing gets a composition notice.
    let at_hearing = plan.assignments.iter().filter(|a| a.hearing == hearing).count();
    assert_eq!(repaired.tasks.len(), at_hearing);
    assert!(repaired.tasks.iter().all(|t| t.kind == TaskKind::CompositionNotice && t.hearing == hearing));
}

#[test]
fn a_withdrawn_dossier_slot_is_refilled_without_moving_others() {
    let (instance, plan) = published(1);
    let mut refills = 0;
    for withdrawn in &plan.assignments {
        let (_, repaired) = repair_with(
            &instance,
            &plan,
            serde_json::json!({"events": [{"type": "dossier_withdrawn", "dossier": withdrawn.dossier.as_str()}]}),
        );
        let diff = &repaired.diff;
        assert!(diff.moved.is_empty(), "withdrawing {} moved others: {:?}", withdrawn.dossier, diff.moved);
        assert_eq!(diff.dropped.len(), 1);
        assert_eq!(diff.dropped[0].dossier, withdrawn.dossier);
        assert_eq!(diff.dropped[0].reason, "dossier retiré du rôle");
        assert_eq!(repaired.disruption.minimum, 1);
        assert_eq!(repaired.disruption.changes, 1);
        for added in &diff.added {
            assert_eq!(added.hearing, withdrawn.hearing, "only the freed room is refilled");
            assert!(hearing_of(&plan, added.dossier.as_str()).is_none());
            assert!(
                repaired.tasks.iter().any(|t| t.kind == TaskKind::SendNotice && t.dossier == added.dossier),
                "a notice to send for {}",
                added.dossier
            );
        }
        refills += usize::from(!diff.added.is_empty());
        assert!(
            repaired.tasks.iter().any(|t| t.kind == TaskKind::WithdrawNotice && t.dossier == withdrawn.dossier),
            "the withdrawn dossier's notice is withdrawn"
        );
    }
    assert!(refills > 0, "some withdrawal frees room that a waiting dossier can take");
}

#[test]
fn a_cancelled_hearing_moves_its_dossiers_and_says_why() {
    let (instance, plan) = published(2);
    let hearing = plan.assignments[0].hearing.clone();
    let heard: Vec<&str> =
        plan.assignments.iter().filter(|a| a.hearing == hearing).map(|a| a.dossier.as_str()).collect();
    let (_, repaired) = repair_with(
        &instance,
        &plan,
        serde_json::json!({"events": [{"type": "hearing_cancelled", "hearing": hearing.as_str()}]}),
    );
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    let leaving: BTreeSet<&str> = repaired
        .diff
        .moved
        .iter()
        .map(|m| m.dossier.as_str())
        .chain(repaired.diff.dropped.iter().map(|p| p.dossier.as_str()))
        .collect();
    assert_eq!(leaving, heard.iter().copied().collect(), "exactly the cancelled hearing's dossiers change");
    for moved in &repaired.diff.moved {
        assert!(moved.reason.contains("annulée"), "{}", moved.reason);
    }
    for dropped in &repaired.diff.dropped {
        assert!(dropped.reason.contains("annulée"), "{}", dropped.reason);
    }
    assert_eq!(repaired.disruption.minimum, heard.len());
    assert_eq!(repaired.disruption.published_changed, heard.len(), "all of them were published");
}

#[test]
fn a_capacity_cut_sheds_the_fewest_dossiers() {
    let (instance, plan) = published(0);
    let (hearing, count) = instance
        .hearings()
        .iter()
        .map(|h| (h.id.clone(), plan.assignments.iter().filter(|a| a.hearing == h.id).count()))
        .max_by_key(|(_, n)| *n)
        .expect("a hearing");
    assert!(count >= 3);
    let (_, repaired) = repair_with(
        &instance,
        &plan,
        serde_json::json!({"events": [{"type": "hearing_capacity", "hearing": hearing.as_str(), "capacity_count": count - 2}]}),
    );
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    assert_eq!(repaired.plan.assignments.iter().filter(|a| a.hearing == hearing).count(), count - 2);
    assert_eq!(repaired.disruption.minimum, 2);
    assert_eq!(repaired.disruption.changes, 2, "{:?}", repaired.diff);
}

#[test]
fn a_new_recusal_on_a_published_dossier_changes_the_seat_not_the_hearing() {
    let (instance, plan) = published(1);
    let (dossier, hearing, magistrate) = plan
        .assignments
        .iter()
        .find_map(|a| {
            let bench = plan.benches.iter().find(|b| b.hearing == a.hearing)?;
            let rapporteurs = &instance.dossier(&a.dossier)?.rapporteurs;
            let member = bench.members.iter().find(|m| !rapporteurs.contains(m))?;
            Some((a.dossier.clone(), a.hearing.clone(), member.clone()))
        })
        .expect("a dossier and a bench member");
    let (after, repaired) = repair_with(
        &instance,
        &plan,
        serde_json::json!({"events": [{"type": "recusal", "dossier": dossier.as_str(), "magistrate": magistrate.as_str()}]}),
    );
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    assert!(after.dossier(&dossier).expect("dossier").is_recused(&magistrate));
    if repaired.diff.seats.is_empty() {
        // No lawful replacement: the dossier itself had to move, and says why.
        let moved = repaired.diff.moved.iter().find(|m| m.dossier == dossier).expect("moved");
        assert!(moved.reason.contains("récusé") || moved.reason.contains("composition"), "{}", moved.reason);
    } else {
        assert_eq!(hearing_of(&repaired.plan, dossier.as_str()), Some(hearing.as_str()), "the dossier stays");
        assert_eq!(repaired.diff.seats[0].left, vec![magistrate]);
        assert_eq!(repaired.disruption.changes, 1);
    }
    assert_eq!(repaired.disruption.minimum, 1);
}

#[test]
fn a_new_deadline_is_met_and_new_dossiers_are_placed() {
    let (instance, plan) = published(1);
    let waiting = plan
        .unscheduled
        .iter()
        .find(|u| u.reason == greffe_models::UnscheduledReason::Capacity)
        .expect("a dossier waiting for room");
    let end = instance.horizon().end().to_string();
    let mut newcomer = instance.to_doc().dossiers.into_iter().find(|d| d.id == waiting.dossier.as_str()).expect("doc");
    newcomer.id = "d-nouveau".into();
    newcomer.pourvoi = "Z 27-99.999".into();
    let (_, repaired) = repair_with(
        &instance,
        &plan,
        serde_json::json!({"events": [
            {"type": "dossier_urgent", "dossier": waiting.dossier.as_str(), "deadline": end},
            {"type": "dossier_ready", "dossier": newcomer},
        ]}),
    );
    let placed = hearing_of(&repaired.plan, "d-nouveau").is_some();
    let waits = repaired.plan.unscheduled.iter().any(|u| u.dossier.as_str() == "d-nouveau" && !u.detail.is_empty());
    assert!(placed != waits, "the new dossier is in the plan exactly once, with a reason when it waits");
    if placed {
        assert!(
            repaired
                .diff
                .added
                .iter()
                .any(|a| a.dossier.as_str() == "d-nouveau" && a.reason == "nouveau dossier en état")
        );
    }
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    assert!(hearing_of(&repaired.plan, waiting.dossier.as_str()).is_some(), "the urgent dossier is heard");
    assert!(repaired.diff.added.iter().any(|a| a.dossier == waiting.dossier && a.reason == "dossier à délai"));
    // Every dossier here is published: room is made by the fewest moves,
    // each saying why.
    assert!(repaired.diff.moved.len() + repaired.diff.dropped.len() <= 2, "{:?}", repaired.diff);
    for moved in &repaired.diff.moved {
        assert!(moved.reason.contains("dossier à délai"), "{}", moved.reason);
    }
}

#[test]
fn a_dossier_no_longer_ready_leaves_with_its_reason() {
    let (instance, plan) = published(0);
    let first = &plan.assignments[0];
    let (_, repaired) = repair_with(
        &instance,
        &plan,
        serde_json::json!({"events": [{"type": "dossier_not_ready", "dossier": first.dossier.as_str()}]}),
    );
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    assert_eq!(repaired.diff.dropped.len(), 1);
    assert!(
        repaired.diff.dropped[0].reason.contains("ne peut plus le recevoir"),
        "{}",
        repaired.diff.dropped[0].reason
    );
    let entry = repaired.plan.unscheduled.iter().find(|u| u.dossier == first.dossier).expect("unscheduled");
    assert_eq!(entry.reason, greffe_models::UnscheduledReason::NotReadyInHorizon);
}
