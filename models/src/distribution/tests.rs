use super::*;
use crate::dates::parse_date;

fn day(raw: &str) -> Date {
    parse_date(raw).expect("test date")
}

fn magistrate(id: &str, role: Role, section: Option<&str>, rank: u32, specialties: &[&str]) -> Candidate {
    Candidate {
        id: id.into(),
        name: format!("M. {id}"),
        role,
        section: section.map(Into::into),
        rank,
        specialties: specialties.iter().map(|s| (*s).to_owned()).collect(),
        interests: Vec::new(),
        absences: Vec::new(),
        load: 0.0,
        due: 0,
    }
}

fn dossier(id: i64, section: Option<&str>, matter: Option<&str>) -> BatchDossier {
    BatchDossier {
        id,
        pourvoi: format!("A 26-10.{id:03}"),
        section: section.map(Into::into),
        matter: matter.map(Into::into),
        circuit: Circuit::Intermediaire,
        parties: vec![Party { name: "Banque Durand".into(), key: "banque durand".into() }],
        recused: Vec::new(),
        ruling_due: None,
        series: None,
        series_designee: None,
    }
}

fn batch(dossiers: Vec<BatchDossier>, candidates: Vec<Candidate>) -> Batch {
    Batch {
        chamber: "civ1".into(),
        designating: Designating::Rapporteur,
        today: day("2026-12-07"),
        dossiers,
        candidates,
    }
}

#[test]
fn the_embedded_rules_parse_and_every_convention_is_flagged() {
    let rules = DistributionRules::embedded();
    assert_eq!(rules.weight(Circuit::Approfondi, false), 4.0);
    assert_eq!(rules.weight(Circuit::Intermediaire, true), 0.5);
    assert_eq!(rules.share(Role::President), None);
    assert!(!rules.weights.circuit_court.confirmed, "a weight of the tool's own is to confirm");
    let broken = EMBEDDED_RULES.replace("report_filed = { value = 0.25", "report_filed = { value = 1.5");
    let error = DistributionRules::parse(&broken).expect_err("a filed share above 1");
    assert!(error.to_string().contains("weights.report_filed"), "{error}");
    let unsourced = EMBEDDED_RULES.replacen(
        "doyen = { value = 0.5, source = \"convention de l'outil — à confirmer avec les chambres\"",
        "doyen = { value = 0.5, source = \" \"",
        1,
    );
    assert!(DistributionRules::parse(&unsourced).is_err(), "a share without a source");
    assert!(matches!(DistributionRules::parse("weights = 3"), Err(RulesError::Syntax(_))));
}

#[test]
fn who_may_report_is_law_then_organisation_then_presence() {
    let rules = DistributionRules::embedded();
    let today = day("2026-12-07");
    let mut d = dossier(1, Some("s1"), Some("famille"));
    let conseiller = magistrate("m1", Role::Conseiller, Some("s1"), 3, &["famille"]);
    assert_eq!(rules.ineligible(Designating::Rapporteur, today, &conseiller, &d), None);
    let president = magistrate("m0", Role::President, None, 1, &["famille"]);
    assert_eq!(
        rules.ineligible(Designating::Rapporteur, today, &president, &d),
        Some(Ineligible::Role(Role::President))
    );
    let other_section = magistrate("m2", Role::Conseiller, Some("s2"), 4, &["famille"]);
    assert_eq!(
        rules.ineligible(Designating::Rapporteur, today, &other_section, &d),
        Some(Ineligible::Section("s2".into()))
    );
    let no_speciality = magistrate("m3", Role::Referendaire, Some("s1"), 9, &["contrats"]);
    assert_eq!(
        rules.ineligible(Designating::Rapporteur, today, &no_speciality, &d),
        Some(Ineligible::Speciality("famille".into()))
    );
    // A doyen of the chamber, with no section, reports in every section.
    let doyen = magistrate("m4", Role::Doyen, None, 2, &["famille"]);
    assert_eq!(rules.ineligible(Designating::Rapporteur, today, &doyen, &d), None);
    // The avocat général is not a rapporteur, and is proposed as such.
    let ag = magistrate("ag1", Role::AvocatGeneral, None, 1, &[]);
    assert!(rules.ineligible(Designating::Rapporteur, today, &ag, &d).is_some());
    assert_eq!(rules.ineligible(Designating::AvocatGeneral, today, &ag, &d), None);
    assert!(rules.ineligible(Designating::AvocatGeneral, today, &conseiller, &d).is_some());

    d.recused = vec!["m1".into()];
    assert_eq!(rules.ineligible(Designating::Rapporteur, today, &conseiller, &d), Some(Ineligible::Recused));
    d.recused.clear();
    let mut interested = conseiller.clone();
    interested.interests = vec!["banque durand".into()];
    assert_eq!(
        rules.ineligible(Designating::Rapporteur, today, &interested, &d),
        Some(Ineligible::Conflict("Banque Durand".into()))
    );
    let mut away = conseiller.clone();
    let soon = DateRange::new(day("2026-12-18"), day("2026-12-22")).expect("range");
    away.absences = vec![soon];
    assert_eq!(rules.ineligible(Designating::Rapporteur, today, &away, &d), Some(Ineligible::Absent(soon)));
    // Past the 14-day window the absence does not rule him out.
    away.absences = vec![DateRange::new(day("2027-01-05"), day("2027-01-09")).expect("range")];
    assert_eq!(rules.ineligible(Designating::Rapporteur, today, &away, &d), None);
}

#[test]
fn a_series_is_one_item_pinned_to_who_already_reports_it() {
    let rules = DistributionRules::embedded();
    let mut first = dossier(1, Some("s1"), None);
    let mut second = dossier(2, Some("s1"), None);
    let alone = dossier(3, Some("s1"), None);
    first.series = Some("banque durand|cautionnement".into());
    second.series = first.series.clone();
    second.series_designee = Some(("m2".into(), "A 25-19.999".into()));
    let candidates = vec![
        magistrate("m1", Role::Conseiller, Some("s1"), 3, &[]),
        magistrate("m2", Role::Conseiller, Some("s1"), 4, &[]),
        magistrate("m0", Role::President, None, 1, &[]),
    ];
    let problem = batch(vec![first, second, alone], candidates).check(rules).expect("distributable");
    assert_eq!(problem.items.len(), 2);
    assert_eq!(problem.items[0].dossiers, vec![0, 1]);
    assert_eq!(problem.items[0].weight, 4.0);
    assert_eq!(problem.items[0].pinned, Some(1));
    assert_eq!(problem.items[1].eligible, vec![0, 1], "the president never reports, the others by rank");
    assert_eq!(problem.shares, vec![1.0, 1.0, 0.0]);
    assert!(problem.split_series.is_empty());
}

#[test]
fn an_absence_does_not_split_a_series_a_recusal_does() {
    let rules = DistributionRules::embedded();
    let mut first = dossier(1, Some("s1"), None);
    first.series = Some("k".into());
    first.series_designee = Some(("m2".into(), "A 25-19.999".into()));
    let mut away = magistrate("m2", Role::Conseiller, Some("s1"), 4, &[]);
    away.absences = vec![DateRange::new(day("2026-12-08"), day("2026-12-12")).expect("range")];
    let candidates = vec![magistrate("m1", Role::Conseiller, Some("s1"), 3, &[]), away];
    let problem = batch(vec![first.clone()], candidates.clone()).check(rules).expect("distributable");
    assert_eq!(problem.items[0].pinned, Some(1), "the series stays with its rapporteur, back in a week");
    assert!(problem.items[0].eligible.contains(&1));
    first.recused = vec!["m2".into()];
    let problem = batch(vec![first], candidates).check(rules).expect("distributable");
    assert_eq!(problem.items[0].pinned, None);
    assert_eq!(problem.items[0].eligible, vec![0]);
    assert!(
        problem.split_series[0]
            .contains("m2, qui en rapporte déjà un pourvoi, ne peut rapporter A 26-10.001 (A 26-10.001 : récusé)"),
        "the reason said: {:?}",
        problem.split_series
    );
}

#[test]
fn a_series_no_one_may_take_whole_is_split_and_said() {
    let rules = DistributionRules::embedded();
    let mut first = dossier(1, Some("s1"), None);
    let mut second = dossier(2, Some("s1"), None);
    first.series = Some("k".into());
    second.series = Some("k".into());
    first.recused = vec!["m1".into()];
    second.recused = vec!["m2".into()];
    let candidates = vec![
        magistrate("m1", Role::Conseiller, Some("s1"), 3, &[]),
        magistrate("m2", Role::Conseiller, Some("s1"), 4, &[]),
    ];
    let problem = batch(vec![first, second], candidates).check(rules).expect("distributable");
    assert_eq!(problem.items.len(), 2);
    assert_eq!(problem.items[0].eligible, vec![1]);
    assert_eq!(problem.items[1].eligible, vec![0]);
    assert_eq!(problem.split_series.len(), 1);
    assert!(problem.split_series[0].contains("A 26-10.001"), "{:?}", problem.split_series);
}

#[test]
fn a_batch_that_cannot_be_distributed_names_each_dossier_and_the_fix() {
    let rules = DistributionRules::embedded();
    let mut recused = dossier(2, Some("s1"), Some("famille"));
    recused.recused = vec!["m1".into()];
    let dossiers = vec![dossier(1, Some("s1"), Some("brevets")), recused, dossier(3, Some("s1"), Some("famille"))];
    let mut away = magistrate("m2", Role::Conseiller, Some("s1"), 4, &["famille"]);
    away.absences = vec![DateRange::new(day("2026-12-01"), day("2026-12-31")).expect("range")];
    let candidates = vec![magistrate("m1", Role::Conseiller, Some("s1"), 3, &["famille"]), away];
    let problems = batch(dossiers, candidates).check(rules).expect_err("two dossiers cannot be distributed");
    assert_eq!(problems.len(), 2, "{problems:?}");
    let unknown = problems[0].to_string();
    assert!(
        unknown.starts_with("n° A 26-10.001 : aucun magistrat de la chambre civ1 n'a la spécialité « brevets »"),
        "{unknown}"
    );
    assert!(unknown.contains("déclarer cette spécialité"), "{unknown}");
    let none = problems[1].to_string();
    assert!(none.starts_with("n° A 26-10.002 : aucun rapporteur possible (1 absents, 1 récusés)"), "{none}");
    assert!(none.contains("désigner à la main"), "{none}");
}

#[test]
fn an_urgent_dossier_is_one_whose_ruling_deadline_is_near() {
    let rules = DistributionRules::embedded();
    let mut near = dossier(1, None, None);
    near.ruling_due = Some(day("2027-01-15"));
    let mut far = dossier(2, None, None);
    far.ruling_due = Some(day("2027-06-15"));
    let problem =
        batch(vec![near, far], vec![magistrate("m1", Role::Conseiller, None, 3, &[])]).check(rules).expect("ok");
    assert!(problem.items[0].urgent);
    assert!(!problem.items[1].urgent);
}

/// A batch balances the load of whom it may designate only: the avocats
/// généraux' batch gives no share to the conseillers (their load is the
/// rapporteurs' distribution's), and its texts say « conclure ».
#[test]
fn a_batch_balances_only_whom_it_designates() {
    let rules = DistributionRules::embedded();
    let mut first = dossier(1, Some("s1"), None);
    let mut second = dossier(2, Some("s1"), None);
    first.series = Some("k".into());
    second.series = Some("k".into());
    first.recused = vec!["ag1".into()];
    second.recused = vec!["ag2".into()];
    let candidates = vec![
        magistrate("c1", Role::Conseiller, Some("s1"), 3, &[]),
        magistrate("ag1", Role::AvocatGeneral, None, 4, &[]),
        magistrate("ag2", Role::AvocatGeneral, None, 5, &[]),
    ];
    let mut ags = batch(vec![first, second], candidates);
    ags.designating = Designating::AvocatGeneral;
    let problem = ags.check(rules).expect("distributable");
    assert_eq!(problem.shares[0], 0.0, "a conseiller is not balanced by the avocats généraux' batch");
    assert!(problem.shares[1] > 0.0 && problem.shares[2] > 0.0, "{:?}", problem.shares);
    assert!(problem.split_series[0].contains("conclure sur tous ses pourvois"), "{:?}", problem.split_series);
    ags.designating = Designating::Rapporteur;
    let problem = ags.check(rules).expect("distributable");
    assert_eq!((problem.shares[1], problem.shares[2]), (0.0, 0.0));
    assert!(problem.shares[0] > 0.0);
}
