//! The deadline engine: a hand-checked table for every rule, properties of
//! the arithmetic, the catalogue, and dossier journals.

use greffe_models::calendar::{self, Place};
use greffe_models::dates::parse_date;
use greffe_models::deadlines::{
    Actor, Catalogue, DeadlineConfig, DeadlineState, DossierContext, Event, EventType, Procedure, Residence, RuleKind,
    Start, alerts, compute, dossier_deadlines,
};
use greffe_models::{Date, deadlines::ComputeError};

fn d(raw: &str) -> Date {
    parse_date(raw).expect("valid test date")
}

/// (rule, from, residence, place, prorogation days, raw end, due, why).
/// Every row was worked out by hand and cross-checked with an independent
/// computation (python-dateutil's relativedelta and Easter).
type Row = (&'static str, &'static str, Residence, &'static str, u32, &'static str, &'static str, &'static str);

const TABLE: &[Row] = &[
    (
        "civil.pourvoi",
        "2025-01-15",
        Residence::Metropole,
        "paris",
        0,
        "2025-03-15",
        "2025-03-17",
        "2 months (612) end on Saturday 15 March: CPC 642 moves to Monday",
    ),
    (
        "civil.pourvoi",
        "2024-12-31",
        Residence::Metropole,
        "paris",
        0,
        "2025-02-28",
        "2025-02-28",
        "no 31 February: last day of the month (CPC 641 al. 2)",
    ),
    (
        "civil.pourvoi",
        "2023-12-31",
        Residence::Metropole,
        "paris",
        0,
        "2024-02-29",
        "2024-02-29",
        "leap year: 29 February exists",
    ),
    (
        "civil.pourvoi",
        "2024-12-31",
        Residence::Etranger,
        "paris",
        0,
        "2025-04-30",
        "2025-04-30",
        "2 + 2 months abroad counted from the act: 30 April (CPC 643, 3e civ. 3 Oct 2007)",
    ),
    (
        "civil.pourvoi",
        "2025-03-01",
        Residence::Metropole,
        "paris",
        0,
        "2025-05-01",
        "2025-05-02",
        "ends on 1 May (holiday): next day",
    ),
    (
        "civil.pourvoi",
        "2025-04-09",
        Residence::Metropole,
        "paris",
        0,
        "2025-06-09",
        "2025-06-10",
        "ends on Whit Monday, which extends deadlines (Crim. 10 May 2006)",
    ),
    (
        "civil.pourvoi",
        "2026-03-08",
        Residence::Metropole,
        "paris",
        0,
        "2026-05-08",
        "2026-05-11",
        "8 May holiday on a Friday, then the weekend: Monday",
    ),
    (
        "civil.pourvoi",
        "2025-03-22",
        Residence::Metropole,
        "paris",
        0,
        "2025-05-22",
        "2025-05-22",
        "22 May is a working day in Paris",
    ),
    (
        "civil.pourvoi",
        "2025-03-22",
        Residence::Metropole,
        "martinique",
        0,
        "2025-05-22",
        "2025-05-23",
        "22 May is the abolition day in Martinique (L3422-2)",
    ),
    (
        "civil.memoire_ampliatif",
        "2025-01-31",
        Residence::Metropole,
        "paris",
        0,
        "2025-05-31",
        "2025-06-02",
        "4 months (978) end on Saturday 31 May",
    ),
    (
        "civil.memoire_ampliatif",
        "2024-10-31",
        Residence::OutreMer,
        "paris",
        0,
        "2025-03-31",
        "2025-03-31",
        "4 + 1 months overseas (CPC 1023): 31 March exists",
    ),
    (
        "civil.memoire_defense",
        "2025-06-15",
        Residence::Metropole,
        "paris",
        0,
        "2025-08-15",
        "2025-08-18",
        "15 August holiday on a Friday, then the weekend",
    ),
    (
        "civil.memoire_sans_representation",
        "2025-11-30",
        Residence::Metropole,
        "paris",
        0,
        "2026-02-28",
        "2026-03-02",
        "3 months (989): no 30 February, 28th is a Saturday",
    ),
    (
        "civil.memoire_defense_sans_representation",
        "2026-03-14",
        Residence::Metropole,
        "paris",
        0,
        "2026-05-14",
        "2026-05-15",
        "ends on Ascension 2026",
    ),
    (
        "penal.pourvoi",
        "2024-09-27",
        Residence::Metropole,
        "paris",
        0,
        "2024-10-03",
        "2024-10-03",
        "decision before 30 Sept 2024: 5 jours francs end on D + 6 (Crim. 7 Feb 1989)",
    ),
    (
        "penal.pourvoi",
        "2024-09-30",
        Residence::Metropole,
        "paris",
        0,
        "2024-10-11",
        "2024-10-11",
        "decision from 30 Sept 2024: 10 jours francs (loi 2023-1059) end on D + 11",
    ),
    (
        "penal.pourvoi",
        "2025-07-03",
        Residence::Metropole,
        "paris",
        0,
        "2025-07-14",
        "2025-07-15",
        "ends on 14 July: art. 801 CPP moves it",
    ),
    (
        "penal.memoire_personnel",
        "2025-04-11",
        Residence::Metropole,
        "paris",
        0,
        "2025-04-21",
        "2025-04-22",
        "10 days (584) end on Easter Monday",
    ),
    (
        "penal.memoire_demandeur",
        "2025-01-31",
        Residence::Metropole,
        "paris",
        0,
        "2025-02-28",
        "2025-02-28",
        "1 month (585-1) from 31 January: end of February",
    ),
    (
        "penal.detention.memoire",
        "2025-10-01",
        Residence::Metropole,
        "paris",
        0,
        "2025-11-01",
        "2025-11-03",
        "1 month (567-2) ends on Toussaint, a Saturday",
    ),
    (
        "penal.detention.memoire",
        "2025-10-01",
        Residence::Metropole,
        "paris",
        8,
        "2025-11-09",
        "2025-11-10",
        "1 month then 8 days of prorogation (567-2; months first, CPC 641)",
    ),
    (
        "penal.detention.arret",
        "2025-10-01",
        Residence::Metropole,
        "paris",
        0,
        "2026-01-01",
        "2026-01-01",
        "the Cour's own deadline ends on 1 January: shown unextended",
    ),
    (
        "penal.mise_en_accusation.arret",
        "2026-02-28",
        Residence::Metropole,
        "paris",
        0,
        "2026-05-28",
        "2026-05-28",
        "3 months (574-1), a Thursday",
    ),
    (
        "penal.mae.pourvoi",
        "2025-12-16",
        Residence::Metropole,
        "paris",
        0,
        "2025-12-20",
        "2025-12-22",
        "3 jours francs (568-1) end on D + 4, a Saturday",
    ),
    (
        "penal.mae.memoire",
        "2025-12-20",
        Residence::Metropole,
        "paris",
        0,
        "2025-12-25",
        "2025-12-26",
        "5 days (574-2) end on Christmas; 26 December works in Paris",
    ),
    (
        "penal.mae.memoire",
        "2025-12-20",
        Residence::Metropole,
        "alsace-moselle",
        0,
        "2025-12-25",
        "2025-12-29",
        "in Alsace-Moselle 26 December is a holiday too, then the weekend",
    ),
    (
        "penal.mae.arret",
        "2025-04-01",
        Residence::Metropole,
        "paris",
        0,
        "2025-05-11",
        "2025-05-11",
        "40 days (574-2) end on a Sunday: the Cour's deadline is not extended",
    ),
    (
        "qpc.transmission",
        "2025-11-30",
        Residence::Metropole,
        "paris",
        0,
        "2026-02-28",
        "2026-02-28",
        "3 months end on a Saturday: unextended",
    ),
    (
        "interne.rapport",
        "2026-11-30",
        Residence::Metropole,
        "paris",
        0,
        "2027-02-28",
        "2027-02-28",
        "3 months from the designation end on a Sunday: an internal deadline is shown unextended",
    ),
    (
        "interne.rapport_penal",
        "2026-12-04",
        Residence::Metropole,
        "paris",
        0,
        "2027-02-04",
        "2027-02-04",
        "2 months, a Thursday",
    ),
    (
        "interne.rapport_urgent",
        "2026-12-04",
        Residence::Metropole,
        "paris",
        0,
        "2026-12-19",
        "2026-12-19",
        "15 days, the designation's day not counted, end on a Saturday: unextended",
    ),
];

#[test]
fn hand_checked_table() {
    let catalogue = Catalogue::embedded();
    for &(rule_id, from, residence, place, extra_days, raw_end, due, why) in TABLE {
        let rule = catalogue.rule(rule_id).unwrap_or_else(|| panic!("{rule_id} in the catalogue"));
        let place = Place::parse(place).expect("known place");
        let computed = compute(rule, Start { from: d(from), residence, place, extra_days })
            .unwrap_or_else(|e| panic!("{rule_id} from {from}: {e}"));
        assert_eq!((computed.raw_end, computed.due), (d(raw_end), d(due)), "{rule_id} from {from}: {why}");
        assert_eq!(computed.extension.is_some(), raw_end != due, "{rule_id} from {from}: {why}");
        if rule.kind == RuleKind::Court {
            assert!(computed.unextended_reason().is_some() && computed.extended_because().is_none(), "{rule_id}");
        }
    }
    // Every rule of the catalogue has at least one row.
    for rule in catalogue.rules() {
        assert!(TABLE.iter().any(|row| row.0 == rule.id), "no hand-checked row for {}", rule.id);
    }
}

#[test]
fn extension_reasons_are_spelled_out() {
    let catalogue = Catalogue::embedded();
    let pourvoi = catalogue.rule("civil.pourvoi").expect("rule");
    let saturday = compute(pourvoi, Start::on(d("2025-01-15"))).expect("computes");
    assert_eq!(
        saturday.extended_because().as_deref(),
        Some("2025-03-15 est un samedi ; prorogé au premier jour ouvrable suivant (art. 642 CPC)")
    );
    let holiday = compute(pourvoi, Start::on(d("2025-03-01"))).expect("computes");
    assert!(holiday.extended_because().is_some_and(|why| why.contains("jour férié (Fête du Travail)")));
    let penal = compute(catalogue.rule("penal.pourvoi").expect("rule"), Start::on(d("2025-07-03"))).expect("computes");
    assert!(penal.extended_because().is_some_and(|why| why.contains("art. 801 CPP")));
    assert_eq!(penal.citation(), "art. 568 (loi n° 2023-1059, art. 16 et 60 IV) CPP");
}

#[test]
fn bad_input_is_refused_with_the_valid_choices() {
    let catalogue = Catalogue::embedded();
    let penal = catalogue.rule("penal.pourvoi").expect("rule");
    let abroad = Start { residence: Residence::Etranger, ..Start::on(d("2025-01-10")) };
    let error = compute(penal, abroad).expect_err("no distance in criminal matters");
    assert!(matches!(error, ComputeError::ResidenceNotAccepted { .. }));
    assert!(error.to_string().contains("metropole"), "{error}");
    let far = compute(penal, Start::on(d("2200-12-30"))).expect_err("past 2200");
    assert!(matches!(far, ComputeError::OutOfCalendar { .. }), "{far}");
    // No input reaches the engine with such a date (parse_date refuses
    // it); the engine refuses it all the same.
    assert!(parse_date("1899-06-01").is_err());
    let before = chrono::NaiveDate::from_ymd_opt(1899, 6, 1).expect("a real day");
    let old = compute(catalogue.rule("civil.pourvoi").expect("rule"), Start::on(before)).expect_err("before 1900");
    assert!(matches!(old, ComputeError::OutOfCalendar { .. }), "{old}");
}

#[test]
fn catalogue_holds_the_required_rules_with_citations_and_flags() {
    let catalogue = Catalogue::embedded();
    for id in [
        "civil.pourvoi",
        "civil.memoire_ampliatif",
        "civil.memoire_defense",
        "civil.memoire_sans_representation",
        "civil.memoire_defense_sans_representation",
        "penal.pourvoi",
        "penal.memoire_personnel",
        "penal.memoire_demandeur",
        "penal.detention.memoire",
        "penal.detention.arret",
        "penal.mise_en_accusation.arret",
        "penal.mae.pourvoi",
        "penal.mae.memoire",
        "penal.mae.arret",
        "qpc.transmission",
    ] {
        let rule = catalogue.rule(id).unwrap_or_else(|| panic!("{id} missing"));
        assert!(rule.versions.iter().all(|v| !v.article.is_empty()), "{id} cites its article");
        assert!(!rule.consequence.is_empty() && !rule.label.is_empty(), "{id}");
    }
    // Marked "to confirm" in the domain brief.
    assert!(!catalogue.rule("penal.mise_en_accusation.arret").expect("rule").confirmed);
    // Distance applies to the civil pourvoi and mémoires only.
    for rule in catalogue.rules() {
        assert_eq!(rule.distance_extended, rule.id.starts_with("civil."), "{}", rule.id);
    }
    // The court's own ruling deadlines.
    let court: Vec<&str> = catalogue
        .rules()
        .iter()
        .filter(|r| r.kind == RuleKind::Court && r.applies_to == Actor::Court)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        court,
        ["penal.detention.arret", "penal.mise_en_accusation.arret", "penal.mae.arret", "qpc.transmission"]
    );
    // The rapporteur's internal deadlines: the Cour's, unextended, started
    // by his designation, met by his report, all to confirm.
    let internal: Vec<&str> =
        catalogue.rules().iter().filter(|r| r.applies_to == Actor::Rapporteur).map(|r| r.id.as_str()).collect();
    assert_eq!(internal, ["interne.rapport", "interne.rapport_penal", "interne.rapport_urgent"]);
    for id in internal {
        let rule = catalogue.rule(id).expect("rule");
        assert_eq!(rule.kind, RuleKind::Court, "{id}");
        assert_eq!((rule.starts_on, rule.met_by), (EventType::DesignationRapporteur, EventType::DepotRapport), "{id}");
        assert!(!rule.confirmed, "{id}: a convention of the chamber, to confirm");
    }
}

#[test]
fn catalogue_overrides_replace_and_add_rules_and_bad_ones_are_refused() {
    let override_text = r#"
[[rule]]
id = "civil.memoire_defense"
label = "Mémoire en défense (délai modifié)"
code = "CPC"
kind = "party"
applies_to = "defendeur"
procedures = ["civil"]
starts_on = "notification_memoire_demandeur"
met_by = "depot_memoire_defense"
consequence = "irrecevabilité"
distance_extended = true
confirmed = false
[[rule.version]]
unit = "months"
amount = 3
article = "982"
"#;
    let catalogue = Catalogue::embedded_with_overrides(override_text).expect("valid override");
    assert_eq!(catalogue.rules().len(), Catalogue::embedded().rules().len());
    let rule = catalogue.rule("civil.memoire_defense").expect("rule");
    assert_eq!(rule.versions[0].amount, 3);
    assert!(!rule.confirmed);

    let refused = Catalogue::parse("[[rule]]\nid = 3").expect_err("not the layout");
    assert!(refused.to_string().contains("illisible"), "{refused}");
    let overlapping = EMBEDDED_PENAL_POURVOI_OVERLAP;
    let refused = Catalogue::parse(overlapping).expect_err("overlapping versions");
    assert!(refused.to_string().contains("chevauchent"), "{refused}");
}

const EMBEDDED_PENAL_POURVOI_OVERLAP: &str = r#"
[[rule]]
id = "penal.pourvoi"
label = "x"
code = "CPP"
kind = "party"
applies_to = "demandeur"
procedures = ["penal"]
starts_on = "prononce_decision"
met_by = "declaration_pourvoi"
consequence = "irrecevabilité"
distance_extended = false
confirmed = true
[[rule.version]]
valid_until = "2024-10-30"
unit = "jours_francs"
amount = 5
article = "568"
[[rule.version]]
valid_from = "2024-09-30"
unit = "jours_francs"
amount = 10
article = "568"
"#;

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn any_date() -> impl Strategy<Value = Date> {
        (0i64..(200 * 365)).prop_map(|offset| d("1900-01-01") + chrono::Duration::days(offset))
    }

    fn any_place() -> impl Strategy<Value = Place> {
        (0usize..calendar::PLACES.len()).prop_map(|i| calendar::PLACES[i])
    }

    fn any_residence() -> impl Strategy<Value = Residence> {
        prop_oneof![Just(Residence::Metropole), Just(Residence::OutreMer), Just(Residence::Etranger)]
    }

    proptest! {
        #[test]
        fn party_deadlines_end_on_a_working_day_never_before_the_raw_end(
            rule_idx in 0usize..100, from in any_date(), place in any_place(), residence in any_residence(),
        ) {
            let catalogue = Catalogue::embedded();
            let rule = &catalogue.rules()[rule_idx % catalogue.rules().len()];
            let residence = if rule.distance_extended { residence } else { Residence::Metropole };
            let computed = compute(rule, Start { from, residence, place, extra_days: 0 }).expect("in calendar");
            prop_assert!(computed.due >= computed.raw_end);
            prop_assert!(computed.raw_end > from);
            if rule.kind == RuleKind::Party {
                prop_assert!(!calendar::is_non_working_day(computed.due, place), "{} due {}", rule.id, computed.due);
                // Nothing skipped: every day between is non-working.
                let mut day = computed.raw_end;
                while day < computed.due {
                    prop_assert!(calendar::is_non_working_day(day, place));
                    day = day.succ_opt().expect("in range");
                }
            } else {
                prop_assert_eq!(computed.due, computed.raw_end);
            }
        }

        #[test]
        fn due_dates_never_decrease_with_the_starting_date(
            rule_idx in 0usize..100, from in any_date(), gap in 0i64..400, place in any_place(),
        ) {
            let catalogue = Catalogue::embedded();
            let rule = &catalogue.rules()[rule_idx % catalogue.rules().len()];
            let later = from + chrono::Duration::days(gap);
            let first = compute(rule, Start { place, ..Start::on(from) }).expect("in calendar");
            let second = compute(rule, Start { place, ..Start::on(later) }).expect("in calendar");
            prop_assert!(first.due <= second.due, "{}: {} → {}, {} → {}", rule.id, from, first.due, later, second.due);
        }

        #[test]
        fn distance_never_shortens_a_deadline(from in any_date()) {
            let rule = Catalogue::embedded().rule("civil.pourvoi").expect("rule");
            let home = compute(rule, Start::on(from)).expect("ok");
            let overseas = compute(rule, Start { residence: Residence::OutreMer, ..Start::on(from) }).expect("ok");
            let abroad = compute(rule, Start { residence: Residence::Etranger, ..Start::on(from) }).expect("ok");
            prop_assert!(home.due < overseas.due && overseas.due < abroad.due);
        }
    }
}

fn event(id: &str, kind: EventType, date: &str) -> Event {
    Event { id: id.into(), kind, date: d(date), party: None, rule: None, new_due: None, corrects: None, cancels: None }
}

fn civil() -> DossierContext {
    DossierContext {
        procedure: Procedure::Civil,
        residence_demandeur: Residence::Metropole,
        residence_defendeur: Residence::Metropole,
        place: Place::PARIS,
    }
}

fn state_of(statuses: &[greffe_models::deadlines::DeadlineStatus], rule: &str) -> DeadlineState {
    statuses.iter().find(|s| s.rule == rule).unwrap_or_else(|| panic!("{rule} listed")).state
}

#[test]
fn civil_dossier_deadlines_follow_the_journal() {
    let catalogue = Catalogue::embedded();
    let config = DeadlineConfig::default();
    let mut journal = vec![
        event("e1", EventType::SignificationDecision, "2025-01-15"),
        event("e2", EventType::DeclarationPourvoi, "2025-03-10"),
    ];
    // Pourvoi in time (due 2025-03-17); mémoire ampliatif due 2025-07-10.
    let statuses = dossier_deadlines(catalogue, civil(), &journal, d("2025-06-01"), config).expect("computes");
    assert_eq!(state_of(&statuses, "civil.pourvoi"), DeadlineState::Met);
    assert_eq!(state_of(&statuses, "civil.memoire_ampliatif"), DeadlineState::Pending);
    assert!(statuses.iter().all(|s| s.rule != "civil.memoire_defense"), "not started");
    let soon = dossier_deadlines(catalogue, civil(), &journal, d("2025-07-01"), config).expect("computes");
    assert_eq!(state_of(&soon, "civil.memoire_ampliatif"), DeadlineState::DueSoon);
    let late = dossier_deadlines(catalogue, civil(), &journal, d("2025-07-11"), config).expect("computes");
    assert_eq!(state_of(&late, "civil.memoire_ampliatif"), DeadlineState::Missed);
    let alert = alerts(&late).into_iter().find(|a| a.rule == "civil.memoire_ampliatif").expect("alert");
    assert!(alert.message.contains("déchéance") && alert.message.contains("art. 978 CPC"), "{}", alert.message);

    // The mémoire is filed in time: met; its notification starts the défense.
    journal.push(event("e3", EventType::DepotMemoireAmpliatif, "2025-07-09"));
    journal.push(event("e4", EventType::NotificationMemoireDemandeur, "2025-07-15"));
    let statuses = dossier_deadlines(catalogue, civil(), &journal, d("2025-07-20"), config).expect("computes");
    assert_eq!(state_of(&statuses, "civil.memoire_ampliatif"), DeadlineState::Met);
    let defense = statuses.iter().find(|s| s.rule == "civil.memoire_defense").expect("started");
    assert_eq!(defense.due, Some(d("2025-09-15")));

    // A correction moves the filing past the deadline: recomputed as missed.
    let mut corrected = journal.clone();
    corrected
        .push(Event { corrects: Some("e3".into()), ..event("e5", EventType::DepotMemoireAmpliatif, "2025-07-14") });
    let statuses = dossier_deadlines(catalogue, civil(), &corrected, d("2025-07-20"), config).expect("computes");
    let ampliatif = statuses.iter().find(|s| s.rule == "civil.memoire_ampliatif").expect("listed");
    assert_eq!(ampliatif.state, DeadlineState::Missed);
    assert!(ampliatif.notes.iter().any(|n| n.contains("hors délai")));

    // Cancelling the notification removes the défense deadline.
    let mut cancelled = journal.clone();
    cancelled.push(Event {
        cancels: Some("e4".into()),
        ..event("e6", EventType::NotificationMemoireDemandeur, "2025-07-16")
    });
    let statuses = dossier_deadlines(catalogue, civil(), &cancelled, d("2025-07-20"), config).expect("computes");
    assert!(statuses.iter().all(|s| s.rule != "civil.memoire_defense"));

    // A reference to a missing event is refused.
    let mut broken = journal;
    broken.push(Event { cancels: Some("e99".into()), ..event("e7", EventType::DepotRapport, "2025-07-16") });
    assert!(dossier_deadlines(catalogue, civil(), &broken, d("2025-07-20"), config).is_err());
}

#[test]
fn legal_aid_interrupts_and_restarts_the_requesting_partys_deadline() {
    let catalogue = Catalogue::embedded();
    let config = DeadlineConfig::default();
    let mut journal = vec![
        event("e1", EventType::DeclarationPourvoi, "2025-03-10"),
        Event { party: Some(Actor::Demandeur), ..event("e2", EventType::DemandeAideJuridictionnelle, "2025-04-01") },
    ];
    let statuses = dossier_deadlines(catalogue, civil(), &journal, d("2025-08-01"), config).expect("computes");
    let ampliatif = statuses.iter().find(|s| s.rule == "civil.memoire_ampliatif").expect("listed");
    assert_eq!(ampliatif.state, DeadlineState::Interrupted);
    assert_eq!(ampliatif.due, None);
    assert!(!ampliatif.confirmed, "the restart mechanism is to confirm");
    journal.push(Event {
        party: Some(Actor::Demandeur),
        ..event("e3", EventType::DecisionAideJuridictionnelle, "2025-06-02")
    });
    let statuses = dossier_deadlines(catalogue, civil(), &journal, d("2025-08-01"), config).expect("computes");
    let ampliatif = statuses.iter().find(|s| s.rule == "civil.memoire_ampliatif").expect("listed");
    // 4 months from 2 June 2025: 2 October 2025, a Thursday.
    assert_eq!((ampliatif.state, ampliatif.due), (DeadlineState::Pending, Some(d("2025-10-02"))));
}

#[test]
fn radiation_request_interrupts_the_defendeurs_deadlines_only() {
    let catalogue = Catalogue::embedded();
    let journal = vec![
        event("e1", EventType::DeclarationPourvoi, "2025-03-10"),
        event("e2", EventType::NotificationMemoireDemandeur, "2025-07-04"),
        event("e3", EventType::DemandeRadiation, "2025-08-01"),
    ];
    let statuses =
        dossier_deadlines(catalogue, civil(), &journal, d("2025-10-01"), DeadlineConfig::default()).expect("ok");
    assert_eq!(state_of(&statuses, "civil.memoire_defense"), DeadlineState::Interrupted);
    assert_ne!(state_of(&statuses, "civil.memoire_ampliatif"), DeadlineState::Interrupted, "the demandeur's runs on");
    let mut decided = journal.clone();
    decided.push(event("e4", EventType::DecisionRadiation, "2025-09-15"));
    let statuses =
        dossier_deadlines(catalogue, civil(), &decided, d("2025-10-01"), DeadlineConfig::default()).expect("ok");
    let defense = statuses.iter().find(|s| s.rule == "civil.memoire_defense").expect("listed");
    assert_eq!(
        (defense.state, defense.due),
        (DeadlineState::Pending, Some(d("2025-11-17"))),
        "2 months from 15 Sept: Saturday 15 Nov → Monday 17"
    );
}

#[test]
fn shortening_order_and_prorogation() {
    let catalogue = Catalogue::embedded();
    let config = DeadlineConfig::default();
    let journal = vec![
        event("e1", EventType::DeclarationPourvoi, "2025-03-10"),
        Event {
            rule: Some("civil.memoire_ampliatif".into()),
            new_due: Some(d("2025-05-15")),
            ..event("e2", EventType::OrdonnanceAbreviation, "2025-03-20")
        },
    ];
    let statuses = dossier_deadlines(catalogue, civil(), &journal, d("2025-05-16"), config).expect("computes");
    let ampliatif = statuses.iter().find(|s| s.rule == "civil.memoire_ampliatif").expect("listed");
    assert_eq!((ampliatif.due, ampliatif.state), (Some(d("2025-05-15")), DeadlineState::Missed));
    assert!(ampliatif.notes.iter().any(|n| n.contains("1009")));
    let incomplete = vec![event("e1", EventType::OrdonnanceAbreviation, "2025-03-20")];
    assert!(dossier_deadlines(catalogue, civil(), &incomplete, d("2025-05-16"), config).is_err());

    let detention = DossierContext { procedure: Procedure::PenalDetention, ..civil() };
    let journal = vec![
        event("e1", EventType::ReceptionDossier, "2025-10-01"),
        event("e2", EventType::ProrogationMemoire, "2025-10-20"),
    ];
    let statuses = dossier_deadlines(catalogue, detention, &journal, d("2025-10-02"), config).expect("computes");
    let memoire = statuses.iter().find(|s| s.rule == "penal.detention.memoire").expect("listed");
    assert_eq!(memoire.due, Some(d("2025-11-10")));
}

#[test]
fn statutory_ruling_deadline_alerts_the_chamber_from_day_one_and_closes_on_decision() {
    let catalogue = Catalogue::embedded();
    let config = DeadlineConfig::default();
    let detention = DossierContext { procedure: Procedure::PenalDetention, ..civil() };
    let mut journal = vec![event("e1", EventType::ReceptionDossier, "2025-10-01")];
    let statuses = dossier_deadlines(catalogue, detention, &journal, d("2025-10-01"), config).expect("computes");
    let ruling = statuses.iter().find(|s| s.rule == "penal.detention.arret").expect("listed");
    assert_eq!((ruling.due, ruling.state), (Some(d("2026-01-01")), DeadlineState::Pending));
    assert!(ruling.unextended_reason.is_some());
    let chamber_alert = alerts(&statuses).into_iter().find(|a| a.rule == "penal.detention.arret").expect("day one");
    assert_eq!(chamber_alert.recipient, greffe_models::deadlines::Recipient::Chambre);
    assert!(chamber_alert.message.contains("mise en liberté"), "{}", chamber_alert.message);
    // The Cour rules: the ruling deadline is met, the pending mémoire closed.
    journal.push(event("e2", EventType::Arret, "2025-10-20"));
    let statuses = dossier_deadlines(catalogue, detention, &journal, d("2025-10-25"), config).expect("computes");
    assert_eq!(state_of(&statuses, "penal.detention.arret"), DeadlineState::Met);
    assert_eq!(state_of(&statuses, "penal.detention.memoire"), DeadlineState::Closed);
    assert!(alerts(&statuses).is_empty());
}
