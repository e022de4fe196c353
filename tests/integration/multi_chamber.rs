//! Chambre mixte and assemblée plénière (planning model v2): the instance
//! fields and their validation, the benches the law composes (standing
//! members, substitutes, the senior president for a prevented premier
//! président), the chambers planned around who they take, and the
//! checker's own rules, each caught on a plan that breaks it.

use std::time::Duration;

use greffe_checker::ViolationCode;
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::format::{InstanceDoc, validate};
use greffe_models::{Instance, Plan};
use greffe_solver::{SolveConfig, Solved, solve};
use serde_json::{Value, json};

const CHAMBERS: [&str; 4] = ["a", "b", "c", "d"];

/// Four chambers; per chamber `pX` president (seniority: b, then a, c, d),
/// `dX` doyen, conseillers `cX1`…`cX6`, `agX`; the premier président `pp`
/// (absent on 15 January). Designations: CM members `cX1 cX2`, AP member
/// `cX3`, substitutes `cX4 cX5`. Hearings: `hm` (CM of a, b, c; Friday 8
/// January, morning), `hm2` (CM of a, b, d; 22 January), `hp` (AP, 15
/// January), and chamber a's `ha1` (FR, 8 January, morning: the CM's
/// half-day) and `ha2` (FR, 12 January). `cc2` is absent on 8 January.
fn doc() -> Value {
    let mut magistrates = vec![json!({
        "id": "pp", "chamber": "pl", "role": "premier_president", "rank": 1,
        "max_hearings_per_week": 5, "seniority": "2022-01-01",
        "absences": [{"from": "2027-01-15", "to": "2027-01-15"}]
    })];
    let seniority = ["2016-09-01", "2012-03-01", "2018-01-01", "2019-01-01"];
    let mut designations = Vec::new();
    for (i, x) in CHAMBERS.iter().enumerate() {
        magistrates.push(json!({"id": format!("p{x}"), "chamber": x, "role": "president", "rank": 1,
            "max_hearings_per_week": 4, "seniority": seniority[i]}));
        magistrates.push(json!({"id": format!("d{x}"), "chamber": x, "role": "doyen", "rank": 2,
            "max_hearings_per_week": 4}));
        for k in 1..=6 {
            let absences =
                if *x == "c" && k == 2 { json!([{"from": "2027-01-08", "to": "2027-01-08"}]) } else { json!([]) };
            magistrates.push(json!({"id": format!("c{x}{k}"), "chamber": x, "role": "conseiller", "rank": 2 + k,
                "max_hearings_per_week": 3, "absences": absences}));
        }
        magistrates.push(json!({"id": format!("ag{x}"), "chamber": x, "role": "avocat_general", "rank": 1,
            "max_hearings_per_week": 5}));
        designations.push(json!({"formation": "CM", "chamber": x, "members": [format!("c{x}1"), format!("c{x}2")],
            "substitutes": [format!("c{x}4"), format!("c{x}5")]}));
        designations.push(json!({"formation": "AP", "chamber": x, "members": [format!("c{x}3")],
            "substitutes": [format!("c{x}4"), format!("c{x}5")]}));
    }
    let hearing = |id: &str, chamber: &str, date: &str, formation: &str, chambers: Value| {
        let mut h = json!({"id": id, "chamber": chamber, "date": date, "half_day": "am", "formation": formation,
            "capacity_weight": 6.0, "capacity_count": 3});
        if !chambers.is_null() {
            h["chambers"] = chambers;
        }
        h
    };
    let dossier = |id: &str, pourvoi: &str, chamber: &str, formation: &str, rapporteur: &str| {
        json!({"id": id, "pourvoi": pourvoi, "chamber": chamber, "formations": [formation],
            "rapporteurs": [rapporteur], "weight": 2.0, "priority": 10.0, "ready_date": "2026-11-02",
            "notice_days": 15})
    };
    let mut dm = dossier("dm", "A 26-10.001", "mi", "CM", "ca1");
    dm["referral"] = json!({"from": "a", "chambers": ["a", "b", "c"], "article": "L431-5 COJ"});
    let mut dm2 = dossier("dm2", "A 26-10.002", "mi", "CM", "cd1");
    dm2["referral"] = json!({"from": "d", "chambers": ["a", "b", "d"], "article": "L431-5 COJ"});
    let mut dp = dossier("dp", "A 26-10.003", "pl", "AP", "cb3");
    dp["referral"] = json!({"from": "b", "article": "L431-6 COJ", "mandatory": true});
    let mut da = dossier("da", "A 26-10.004", "a", "FR", "ca6");
    da["deadline"] = json!("2027-01-08");
    json!({
        "horizon": {"start": "2027-01-04", "end": "2027-01-29"},
        "chambers": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}, {"id": "mi"}, {"id": "pl"}],
        "magistrates": magistrates,
        "designations": designations,
        "hearings": [
            hearing("hm", "mi", "2027-01-08", "CM", json!(["a", "b", "c"])),
            hearing("hm2", "mi", "2027-01-22", "CM", json!(["a", "b", "d"])),
            hearing("hp", "pl", "2027-01-15", "AP", Value::Null),
            hearing("ha1", "a", "2027-01-08", "FR", Value::Null),
            hearing("ha2", "a", "2027-01-12", "FR", Value::Null),
        ],
        "dossiers": [dm, dm2, dp, da],
    })
}

fn parse(doc: &Value) -> Result<Instance, Vec<String>> {
    crate::helpers::parse_instance(doc)
}

fn instance() -> Instance {
    parse(&doc()).expect("valid instance")
}

fn solved(instance: &Instance) -> Solved {
    let config = SolveConfig { time_limit: Duration::from_secs(10), threads: 1, ..SolveConfig::default() };
    solve(instance, &config).expect("solve")
}

fn bench<'p>(plan: &'p Plan, hearing: &str) -> &'p greffe_models::Bench {
    plan.benches.iter().find(|b| b.hearing.as_str() == hearing).expect("bench of the hearing")
}

fn members(plan: &Plan, hearing: &str) -> Vec<String> {
    let mut ids: Vec<String> = bench(plan, hearing).members.iter().map(ToString::to_string).collect();
    ids.sort();
    ids
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    ids.sort();
    ids
}

#[test]
fn the_law_composes_the_benches_and_the_chambers_plan_around_them() {
    let instance = instance();
    let solved = solved(&instance);
    assert!(solved.check.ok, "violations: {:?}", solved.check.violations);
    let plan = &solved.plan;
    let heard_at = |d: &str| {
        plan.assignments.iter().find(|a| a.dossier.as_str() == d).map(|a| a.hearing.to_string()).unwrap_or_default()
    };
    assert_eq!(heard_at("dm"), "hm", "the CM of the referral's chambers");
    assert_eq!(heard_at("dm2"), "hm2");
    assert_eq!(heard_at("dp"), "hp");
    assert_eq!(heard_at("da"), "ha1", "its deadline is the CM's day");
    // CM of a, b, c: the premier président presides; cc2 is absent, the
    // first substitute of c (cc4) sits in his place.
    assert_eq!(bench(plan, "hm").president.as_str(), "pp");
    assert_eq!(
        members(plan, "hm"),
        sorted(&["pp", "pa", "da", "ca1", "ca2", "pb", "db", "cb1", "cb2", "pc", "dc", "cc1", "cc4"])
    );
    // AP of the four chambers on the premier président's day of absence:
    // pb, the most senior president, presides; b's seat goes to cb4.
    assert_eq!(bench(plan, "hp").president.as_str(), "pb");
    assert_eq!(
        members(plan, "hp"),
        sorted(&["pb", "pa", "da", "ca3", "db", "cb3", "cb4", "pc", "dc", "cc3", "pd", "dd", "cd3"])
    );
    // Chamber a's hearing of the same half-day sits without anyone the CM
    // takes.
    let cm = members(plan, "hm");
    assert!(members(plan, "ha1").iter().all(|m| !cm.contains(m)), "ha1 {:?}", members(plan, "ha1"));
    let stats: Vec<&str> = solved.parts.iter().map(|p| p.chamber.as_str()).collect();
    assert!(stats.contains(&"mi") && stats.contains(&"pl"), "{stats:?}");
}

#[test]
fn a_referral_goes_only_to_a_chambre_mixte_of_its_chambers() {
    let mut doc = doc();
    // dm's referral names a, b, d: only hm2 is composed of them.
    doc["dossiers"][0]["referral"]["chambers"] = json!(["a", "b", "d"]);
    let instance = parse(&doc).expect("valid");
    let solved = solved(&instance);
    assert!(solved.check.ok, "violations: {:?}", solved.check.violations);
    let at = solved.plan.assignments.iter().find(|a| a.dossier.as_str() == "dm").map(|a| a.hearing.to_string());
    assert_eq!(at.as_deref(), Some("hm2"));
}

/// Codes of the violations of `plan` once `change` is applied.
fn violations(change: impl Fn(&mut Value)) -> Vec<(ViolationCode, Option<String>)> {
    let instance = instance();
    let solved = solved(&instance);
    crate::helpers::violations_after(&instance, &solved.plan, change)
        .into_iter()
        .map(|v| (v.code, v.magistrate.map(|m| m.to_string())))
        .collect()
}

/// Replaces `out` by `with` on `hearing`'s bench.
fn swap(plan: &mut Value, hearing: &str, out: &str, with: &str) {
    let benches = plan["benches"].as_array_mut().expect("benches");
    let bench = benches.iter_mut().find(|b| b["hearing"] == hearing).expect("bench");
    for member in bench["members"].as_array_mut().expect("members") {
        if member == out {
            *member = json!(with);
        }
    }
}

#[test]
fn the_checker_catches_each_broken_composition_rule() {
    use ViolationCode::*;
    let has = |found: &[(ViolationCode, Option<String>)], code: ViolationCode, who: Option<&str>| {
        found.iter().any(|(c, m)| *c == code && (who.is_none() || m.as_deref() == who))
    };
    // A substitute in place of a designated member who could sit.
    let found = violations(|p| swap(p, "hm", "ca1", "ca5"));
    assert!(has(&found, StandingMemberReplaced, Some("ca1")), "{found:?}");
    // A conseiller of the chamber who is neither designated nor substitute.
    let found = violations(|p| swap(p, "hm", "ca2", "ca3"));
    assert!(has(&found, MultiChamberNotDesignated, Some("ca3")), "{found:?}");
    // A member of a chamber that does not compose this CM.
    let found = violations(|p| swap(p, "hm", "cc4", "cd4"));
    assert!(has(&found, BenchMemberIneligible, Some("cd4")), "{found:?}");
    assert!(has(&found, MultiChamberSeats, None), "{found:?}");
    // A seat left empty.
    let found = violations(|p| {
        let bench = p["benches"].as_array_mut().expect("benches").iter_mut().find(|b| b["hearing"] == "hm");
        bench.expect("bench")["members"].as_array_mut().expect("members").retain(|m| m != "pc");
    });
    assert!(has(&found, BenchSize, None) && has(&found, MultiChamberSeats, None), "{found:?}");
    // The AP presided by a less senior president than pb.
    let found = violations(|p| {
        let bench = p["benches"].as_array_mut().expect("benches").iter_mut().find(|b| b["hearing"] == "hp");
        bench.expect("bench")["president"] = json!("pa");
    });
    assert!(has(&found, PresidentNotHighestPrecedence, Some("pa")), "{found:?}");
    // A CM member also on chamber a's bench of the same half-day.
    let found = violations(|p| {
        let bench = p["benches"].as_array_mut().expect("benches").iter_mut().find(|b| b["hearing"] == "ha1");
        let bench = bench.expect("bench");
        let first = bench["members"][0].clone();
        bench["members"][0] = json!("ca1");
        if bench["president"] == first {
            bench["president"] = json!("ca1");
        }
    });
    assert!(has(&found, DoubleBooking, Some("ca1")), "{found:?}");
    // The referred dossier at the CM of other chambers.
    let found = violations(|p| {
        for a in p["assignments"].as_array_mut().expect("assignments") {
            if a["dossier"] == "dm" {
                a["hearing"] = json!("hm2");
            }
        }
    });
    assert!(found.iter().any(|(c, _)| *c == ReferralChambersMismatch), "{found:?}");
}

#[test]
fn the_instance_fields_are_validated_with_their_articles() {
    let refused = |change| crate::helpers::refused_codes(doc(), change);
    let cases: Vec<crate::helpers::RefusalCase> = vec![
        (|d| d["hearings"][0]["chamber"] = json!("a"), "formation_chamber_mismatch"),
        (|d| d["hearings"][0]["chambers"] = json!(["a", "b"]), "mixte_chambers"),
        (|d| d["hearings"][0]["chambers"] = json!(["a", "b", "mi"]), "multi_chamber_in_list"),
        (|d| d["hearings"][2]["chambers"] = json!(["a", "b"]), "pleniere_chambers"),
        (|d| d["hearings"][3]["chambers"] = json!(["a", "b", "c"]), "chambers_not_multi"),
        (
            |d| {
                if let Some(dossier) = d["dossiers"][0].as_object_mut() {
                    dossier.remove("referral");
                }
            },
            "referral_missing",
        ),
        (|d| d["dossiers"][3]["formations"] = json!(["CM"]), "formation_chamber_mismatch"),
        (|d| d["dossiers"][3]["referral"] = json!({"from": "a", "article": "L431-6 COJ"}), "referral_outside_multi"),
        (|d| d["dossiers"][0]["referral"]["article"] = json!(" "), "referral_article"),
        (|d| d["designations"][0]["members"] = json!(["ca1"]), "designation_size"),
        (|d| d["designations"][0]["members"] = json!(["ca1", "cb2"]), "designation_member"),
        (|d| d["designations"][0]["members"] = json!(["ca1", "da"]), "designation_member"),
        (
            |d| {
                if let Some(list) = d["designations"].as_array_mut() {
                    list.retain(|x| x["chamber"] != "d");
                }
            },
            "designation_missing",
        ),
        (|d| d["magistrates"][0]["chamber"] = json!("a"), "premier_president_chamber"),
        (|d| d["magistrates"][1]["role"] = json!("premier_president"), "premier_president_chamber"),
        (|d| d["magistrates"][2]["chamber"] = json!("mi"), "multi_chamber_member"),
        (|d| d["magistrates"][0]["seniority"] = json!("2022-13-01"), "invalid_date"),
    ];
    for (i, (change, code)) in cases.into_iter().enumerate() {
        let codes = refused(change);
        assert!(codes.iter().any(|c| c == code), "case {i}: expected {code}, got {codes:?}");
    }
    // Every field survives the way back to a document.
    let instance = instance();
    assert_eq!(validate(&instance.to_doc()).expect("round trip"), instance);
}

#[test]
fn the_generator_adds_cm_and_ap_without_changing_the_chambers() {
    let plain = generate(&GeneratorConfig::new(Scale::Court, 8, 3)).expect("generate");
    let config = GeneratorConfig { multi_chamber: true, ..GeneratorConfig::new(Scale::Court, 8, 3) };
    let doc = generate(&config).expect("generate");
    let instance = validate(&doc).unwrap_or_else(|p| panic!("invalid: {:?}", &p[..p.len().min(5)]));
    let of = |formation: &str| instance.hearings().iter().filter(|h| h.formation.as_str() == formation).count();
    assert!(of("CM") >= 1 && of("AP") >= 1, "CM {} AP {}", of("CM"), of("AP"));
    let referred = instance.dossiers().iter().filter(|d| d.referral.is_some()).count();
    assert!((2..=10).contains(&referred), "{referred} referred dossiers in 8 weeks");
    // The chambers' own dossiers are those of the same seed without CM/AP.
    let own = |doc: &InstanceDoc| -> Vec<String> {
        doc.dossiers.iter().filter(|d| d.referral.is_none()).map(|d| format!("{}{}", d.id, d.pourvoi)).collect()
    };
    assert_eq!(own(&doc), own(&plain));
    // The chambre mixte needs three chambers, designations need conseillers.
    let small = GeneratorConfig { multi_chamber: true, ..GeneratorConfig::new(Scale::Small, 4, 3) };
    assert!(generate(&small).is_err());
}

#[test]
#[ignore = "slow: a court-scale solve (run in CI)"]
fn court_scale_plans_with_cm_and_ap_are_lawful_and_hear_the_referred_dossiers() {
    let config = GeneratorConfig { multi_chamber: true, ..GeneratorConfig::new(Scale::Court, 8, 1) };
    let instance = validate(&generate(&config).expect("generate")).expect("valid");
    let referred = instance.dossiers().iter().filter(|d| d.referral.is_some()).count();
    let config = SolveConfig { time_limit: Duration::from_secs(10), threads: 2, ..SolveConfig::default() };
    let solved = solve(&instance, &config).expect("solve");
    assert!(solved.check.ok && solved.undeclared.is_empty(), "{:?}", &solved.check.violations);
    let heard = solved
        .plan
        .assignments
        .iter()
        .filter(|a| instance.dossier(&a.dossier).is_some_and(|d| d.referral.is_some()))
        .count();
    assert_eq!(heard, referred);
}

#[test]
fn repair_recomposes_a_chambre_mixte_by_law_and_keeps_its_dossier() {
    let instance = instance();
    let plan = solved(&instance).plan;
    // cb1, a designated CM member of chamber b, falls ill on the CM's day:
    // b's first substitute (cb4) takes his seat; the referred dossier stays.
    let events = json!({"events": [{"type": "magistrate_absent", "magistrate": "cb1", "from": "2027-01-08", "to": "2027-01-08"}]});
    let events: greffe_models::events::EventsDoc = serde_json::from_value(events).expect("events");
    let applied = greffe_models::events::apply_events(&instance, &events).expect("events apply");
    let repaired = greffe_solver::repair(&applied, &plan, &greffe_solver::RepairConfig::default());
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    assert!(repaired.undeclared.is_empty());
    let mut expected = members(&plan, "hm");
    expected.retain(|m| m != "cb1");
    expected.push("cb4".to_owned());
    expected.sort();
    assert_eq!(members(&repaired.plan, "hm"), expected);
    let at = repaired.plan.assignments.iter().find(|a| a.dossier.as_str() == "dm").map(|a| a.hearing.to_string());
    assert_eq!(at.as_deref(), Some("hm"));
    assert_eq!(repaired.disruption.moved + repaired.disruption.dropped, 0, "{:?}", repaired.disruption);
}

#[test]
fn repair_recomposes_an_fp_bench_without_the_members_sitting_in_cm() {
    // Chamber c holds an FP hearing in full composition (R421-4-1 COJ) on
    // the CM's half-day: pc, dc, cc1 and cc4 (for the absent cc2) sit in
    // CM, so the FP bench is cc3, cc5 and cc6. cc5 then falls ill: the
    // recomposed bench must still leave out those sitting in CM.
    let mut doc = doc();
    doc["hearings"].as_array_mut().expect("hearings").push(json!({"id": "hc", "chamber": "c",
        "date": "2027-01-08", "half_day": "am", "formation": "FP", "capacity_weight": 6.0, "capacity_count": 3,
        "composition": "full"}));
    doc["dossiers"].as_array_mut().expect("dossiers").push(json!({"id": "dc", "pourvoi": "A 26-10.005",
        "chamber": "c", "formations": ["FP"], "rapporteurs": ["cc6"], "weight": 2.0, "priority": 10.0,
        "ready_date": "2026-11-02", "notice_days": 15}));
    let instance = parse(&doc).expect("valid instance");
    let solved = solved(&instance);
    assert!(solved.check.ok, "{:?}", solved.check.violations);
    assert_eq!(members(&solved.plan, "hc"), sorted(&["cc3", "cc5", "cc6"]));
    let applied = crate::helpers::with_absence(&instance, "cc5", "2027-01-08");
    let repaired = greffe_solver::repair(&applied, &solved.plan, &greffe_solver::RepairConfig::default());
    assert!(repaired.check.ok, "{:?}", repaired.check.violations);
    assert_eq!(members(&repaired.plan, "hc"), sorted(&["cc3", "cc6"]));
    let at = repaired.plan.assignments.iter().find(|a| a.dossier.as_str() == "dc").map(|a| a.hearing.to_string());
    assert_eq!(at.as_deref(), Some("hc"));
}
