//! The independent checker: a valid hand-made plan passes; for each hard
//! rule, a plan that breaks it is caught with the right code.

use greffe_checker::{CheckOptions, ViolationCode, check};
use greffe_models::Plan;
use greffe_models::format::read_instance;
use serde_json::{Value, json};

use crate::helpers::{fixture_json, fixture_text};

/// A violation as (code, dossier, hearing, magistrate).
type Found = (ViolationCode, Option<String>, Option<String>, Option<String>);

fn codes(plan: &Value, options: CheckOptions) -> Vec<Found> {
    let instance = read_instance(&fixture_text("check.json")).expect("fixture valid");
    let plan: Plan = Plan::from_json(&plan.to_string()).expect("plan parses");
    let report = check(&instance, &plan, options);
    assert_eq!(report.ok, report.violations.is_empty());
    for violation in &report.violations {
        assert!(!violation.message.is_empty());
    }
    report
        .violations
        .into_iter()
        .map(|v| {
            (
                v.code,
                v.dossier.map(|id| id.to_string()),
                v.hearing.map(|id| id.to_string()),
                v.magistrate.map(|id| id.to_string()),
            )
        })
        .collect()
}

fn base() -> Value {
    fixture_json("check-plan.json")
}

/// Moves `dossier` to `hearing` in the plan.
fn move_to(plan: &mut Value, dossier: &str, hearing: &str) {
    let assignments = plan["assignments"].as_array_mut().expect("array");
    assignments.retain(|a| a["dossier"] != dossier);
    assignments.push(json!({"dossier": dossier, "hearing": hearing}));
}

fn set_bench(plan: &mut Value, hearing: &str, president: &str, members: &[&str]) {
    let benches = plan["benches"].as_array_mut().expect("array");
    benches.retain(|b| b["hearing"] != hearing);
    benches.push(json!({"hearing": hearing, "president": president, "members": members}));
}

fn unschedule(plan: &mut Value, dossier: &str) {
    plan["assignments"].as_array_mut().expect("array").retain(|a| a["dossier"] != dossier);
    plan["unscheduled"].as_array_mut().expect("array").push(json!({"dossier": dossier, "reason": "manual"}));
}

#[test]
fn the_hand_made_plan_is_valid() {
    assert_eq!(codes(&base(), CheckOptions::default()), vec![]);
}

#[test]
fn each_broken_rule_is_caught_with_its_code() {
    type Case =
        (&'static str, fn(&mut Value), ViolationCode, Option<&'static str>, Option<&'static str>, Option<&'static str>);
    let cases: Vec<Case> = vec![
        ("1: chamber", |p| move_to(p, "d7", "h1"), ViolationCode::WrongChamber, Some("d7"), Some("h1"), None),
        ("1: formation", |p| move_to(p, "d1", "h3"), ViolationCode::FormationNotAccepted, Some("d1"), Some("h3"), None),
        ("2: readiness", |p| move_to(p, "d6", "h1"), ViolationCode::NotReady, Some("d6"), Some("h1"), None),
        (
            "3: deadline passed",
            |p| {
                move_to(p, "d5", "h7");
                set_bench(p, "h7", "m01", &["m01", "m03"]);
            },
            ViolationCode::DeadlineMissed,
            Some("d5"),
            Some("h7"),
            None,
        ),
        (
            "3: deadline dossier left out",
            |p| unschedule(p, "d5"),
            ViolationCode::DeadlineUnscheduled,
            Some("d5"),
            None,
            None,
        ),
        (
            "4: weight capacity",
            |p| {
                move_to(p, "d1", "h4");
                move_to(p, "d5", "h4");
            },
            ViolationCode::CapacityWeightExceeded,
            None,
            Some("h4"),
            None,
        ),
        (
            "4: count capacity",
            |p| {
                move_to(p, "d1", "h4");
                move_to(p, "d5", "h4");
            },
            ViolationCode::CapacityCountExceeded,
            None,
            Some("h4"),
            None,
        ),
        ("5: bench size", |p| set_bench(p, "h1", "m01", &["m01"]), ViolationCode::BenchSize, None, Some("h1"), None),
        (
            "5: precedence",
            |p| set_bench(p, "h1", "m02", &["m01", "m02"]),
            ViolationCode::PresidentNotHighestPrecedence,
            None,
            Some("h1"),
            Some("m02"),
        ),
        (
            "5: référendaire on the bench",
            |p| set_bench(p, "h1", "m01", &["m01", "m09"]),
            ViolationCode::BenchMemberIneligible,
            None,
            Some("h1"),
            Some("m09"),
        ),
        (
            "5: member of another chamber",
            |p| set_bench(p, "h1", "m20", &["m20", "m01"]),
            ViolationCode::BenchMemberIneligible,
            None,
            Some("h1"),
            Some("m20"),
        ),
        (
            "5: voices (FR rapporteur on the bench)",
            |p| set_bench(p, "h6", "m20", &["m20", "m21"]),
            ViolationCode::VoicesOutOfBounds,
            Some("d7"),
            Some("h6"),
            None,
        ),
        (
            "6: rapporteur absent",
            |p| {
                p["unscheduled"].as_array_mut().expect("array").retain(|u| u["dossier"] != "d9");
                move_to(p, "d9", "h5");
                set_bench(p, "h5", "m01", &["m01", "m02", "m03", "m04", "m06"]);
            },
            ViolationCode::RapporteurAbsent,
            Some("d9"),
            Some("h5"),
            Some("m07"),
        ),
        (
            "7: recused magistrate sits",
            |p| set_bench(p, "h1", "m01", &["m01", "m04"]),
            ViolationCode::RecusedOnBench,
            Some("d1"),
            Some("h1"),
            Some("m04"),
        ),
        (
            "8: bench member absent",
            |p| set_bench(p, "h5", "m01", &["m01", "m02", "m03", "m04", "m07"]),
            ViolationCode::MagistrateAbsent,
            None,
            Some("h5"),
            Some("m07"),
        ),
        (
            "8: two hearings in one half-day",
            |p| set_bench(p, "h2", "m01", &["m01", "m03"]),
            ViolationCode::DoubleBooking,
            None,
            Some("h2"),
            Some("m01"),
        ),
        ("8: weekly cap", |p| move_to(p, "d8", "h1"), ViolationCode::WeeklyCapExceeded, None, Some("h3"), Some("m09")),
        (
            "avocat général absent",
            |p| {
                move_to(p, "d1", "h7");
                set_bench(p, "h7", "m01", &["m01", "m03"]);
            },
            ViolationCode::AvocatGeneralAbsent,
            Some("d1"),
            Some("h7"),
            Some("a01"),
        ),
        ("9: joined group split", |p| unschedule(p, "d4"), ViolationCode::JoinedGroupSplit, Some("d4"), None, None),
        (
            "10: pinned dossier moved",
            |p| move_to(p, "d8", "h1"),
            ViolationCode::PinnedMoved,
            Some("d8"),
            Some("h1"),
            None,
        ),
        ("10: pinned dossier dropped", |p| unschedule(p, "d8"), ViolationCode::PinnedMoved, Some("d8"), None, None),
        (
            "10: locked bench",
            |p| {
                move_to(p, "d2", "h7");
                set_bench(p, "h7", "m01", &["m01", "m02"]);
            },
            ViolationCode::LockedBenchChanged,
            None,
            Some("h7"),
            None,
        ),
        ("sanity: unknown dossier", |p| move_to(p, "d99", "h1"), ViolationCode::UnknownDossier, None, None, None),
        ("sanity: unknown hearing", |p| move_to(p, "d1", "h99"), ViolationCode::UnknownHearing, None, None, None),
        (
            "sanity: unknown magistrate",
            |p| set_bench(p, "h1", "m01", &["m01", "m99"]),
            ViolationCode::UnknownMagistrate,
            None,
            Some("h1"),
            None,
        ),
        (
            "sanity: assigned twice",
            |p| {
                p["assignments"].as_array_mut().expect("array").push(json!({"dossier": "d1", "hearing": "h2"}));
            },
            ViolationCode::DossierAssignedTwice,
            Some("d1"),
            Some("h2"),
            None,
        ),
        (
            "sanity: assigned and unscheduled",
            |p| {
                p["unscheduled"].as_array_mut().expect("array").push(json!({"dossier": "d1", "reason": "capacity"}));
            },
            ViolationCode::DossierAssignedAndUnscheduled,
            Some("d1"),
            Some("h1"),
            None,
        ),
        (
            "sanity: dossier missing",
            |p| {
                p["unscheduled"].as_array_mut().expect("array").retain(|u| u["dossier"] != "d6");
            },
            ViolationCode::DossierMissing,
            Some("d6"),
            None,
            None,
        ),
        (
            "sanity: bench missing",
            |p| {
                p["benches"].as_array_mut().expect("array").retain(|b| b["hearing"] != "h1");
            },
            ViolationCode::BenchMissing,
            None,
            Some("h1"),
            None,
        ),
        (
            "sanity: two benches",
            |p| {
                p["benches"]
                    .as_array_mut()
                    .expect("array")
                    .push(json!({"hearing": "h1", "president": "m01", "members": ["m01", "m03"]}));
            },
            ViolationCode::BenchDuplicate,
            None,
            Some("h1"),
            None,
        ),
        (
            "sanity: member twice",
            |p| set_bench(p, "h1", "m01", &["m01", "m01"]),
            ViolationCode::BenchMemberDuplicate,
            None,
            Some("h1"),
            Some("m01"),
        ),
        (
            "sanity: president off the bench",
            |p| set_bench(p, "h1", "m03", &["m01", "m02"]),
            ViolationCode::PresidentNotMember,
            None,
            Some("h1"),
            None,
        ),
    ];
    for (name, mutate, code, dossier, hearing, magistrate) in cases {
        let mut plan = base();
        mutate(&mut plan);
        let found = codes(&plan, CheckOptions::default());
        let expected = (code, dossier.map(str::to_owned), hearing.map(str::to_owned), magistrate.map(str::to_owned));
        assert!(found.contains(&expected), "{name}: expected {expected:?}, got {found:?}");
    }
}

#[test]
fn moving_a_pinned_dossier_is_allowed_when_asked() {
    let mut plan = base();
    // Week 3, where m09 (cap 1) attends nothing else; h7's locked bench.
    move_to(&mut plan, "d8", "h7");
    set_bench(&mut plan, "h7", "m01", &["m01", "m03"]);
    assert!(codes(&plan, CheckOptions::default()).iter().any(|c| c.0 == ViolationCode::PinnedMoved));
    assert_eq!(codes(&plan, CheckOptions { allow_moving_pinned: true }), vec![]);
}

#[test]
fn an_unused_hearing_with_a_bench_still_convenes_its_members() {
    let mut plan = base();
    // h2 hears nothing but lists m01, who sits at h1 the same half-day.
    set_bench(&mut plan, "h2", "m01", &["m01", "m03"]);
    let found = codes(&plan, CheckOptions::default());
    assert!(found.iter().any(|c| c.0 == ViolationCode::DoubleBooking && c.3.as_deref() == Some("m01")), "{found:?}");
}

#[test]
fn violation_messages_are_french_and_name_the_parties() {
    let instance = read_instance(&fixture_text("check.json")).expect("fixture valid");
    let mut plan = base();
    set_bench(&mut plan, "h1", "m01", &["m01", "m04"]);
    let plan = Plan::from_json(&plan.to_string()).expect("plan");
    let report = check(&instance, &plan, CheckOptions::default());
    let recused = report.violations.iter().find(|v| v.code == ViolationCode::RecusedOnBench).expect("caught");
    assert!(recused.message.contains("récusé") && recused.message.contains("a siégé en appel"), "{}", recused.message);
    let json = serde_json::to_value(&report).expect("serialises");
    assert_eq!(json["ok"], false);
    assert_eq!(json["violations"][0]["code"], "recused_on_bench");
}
