//! The defect checks before signature: a decision true to its hearing and
//! its record passes; each rule, broken on its own crafted case, is caught
//! — and only that rule.

use greffe_checker::decision::{DecisionFacts, MemoireFact, NoticeFact, Sitting, defects};
use greffe_models::calendar::PLACES;
use greffe_models::dates::{Date, parse_date};
use greffe_models::decision::{
    DecisionContent, DecisionRules, Defect, DefectRule, GroundAnswer, NamedParty, Outcome, SittingRecord,
};
use greffe_models::format::read_instance;
use greffe_models::formation::FormationCode;
use greffe_models::record::AttackedDecision;
use greffe_models::registry::{Nature, PartyRole, PublicationLevel};
use greffe_models::{DossierId, HearingId, Instance, MagistrateId};

/// The checker's hand-made instance: d1 (civ1, FR, rapporteur m08, m04
/// recused) at h1 (FR, 5 January 2027), whose bench is m01 (president) and
/// m02 (doyen).
fn instance() -> Instance {
    read_instance(include_str!("../../fixtures/data/check.json")).expect("fixture valid")
}

fn date(raw: &str) -> Date {
    parse_date(raw).expect("date")
}

fn parties() -> Vec<NamedParty> {
    vec![
        NamedParty { name: "Société Alpha".into(), role: PartyRole::Demandeur, lawyer: Some("SCP Un".into()) },
        NamedParty { name: "M. Bernard Durand".into(), role: PartyRole::Defendeur, lawyer: None },
    ]
}

fn attacked() -> AttackedDecision {
    AttackedDecision { court: "cour d'appel de Lyon".into(), date: "2025-06-12".into(), docket: "23/01234".into() }
}

fn record() -> SittingRecord {
    SittingRecord {
        president: "m01".into(),
        sat: vec!["m01".into(), "m02".into()],
        replacements: Vec::new(),
        avocat_general: Some("a01".into()),
        greffier: "Mme Martin".into(),
    }
}

/// The decision as the roll prefills it, drafted in full.
fn decision() -> DecisionContent {
    DecisionContent {
        pourvoi: "A 26-10.001".into(),
        parties: parties(),
        attacked: attacked(),
        hearing: "h1".into(),
        hearing_date: "2027-01-05".into(),
        formation: FormationCode::Restreinte,
        president: "m01".into(),
        members: vec!["m01".into(), "m02".into(), "m08".into()],
        rapporteurs: vec!["m08".into()],
        avocat_general: Some("a01".into()),
        greffier: "Mme Martin".into(),
        visas: vec!["l'article 1103 du code civil".into()],
        grounds: vec![GroundAnswer {
            ground: "Moyen unique : violation de l'article 1103 du code civil".into(),
            answer: "La cour d'appel a exactement retenu…".into(),
        }],
        outcome: Some(Outcome::Rejet),
        operative: "REJETTE le pourvoi".into(),
        pronouncement: Some("2027-01-27".into()),
        publication: vec![PublicationLevel::N],
        prevented: Vec::new(),
    }
}

/// What the store reads for the decision: everything in order.
struct Case {
    instance: Instance,
    record: Option<SittingRecord>,
    nature: Nature,
    formation: FormationCode,
    parties: Vec<NamedParty>,
    attacked: AttackedDecision,
    rapporteurs: Vec<MagistrateId>,
    report_filed: Option<Date>,
    opinion_filed: Option<Date>,
    memoires: Vec<MemoireFact>,
    notices: Vec<NoticeFact>,
    sitting: bool,
    rules: DecisionRules,
}

impl Case {
    fn new() -> Self {
        Self {
            instance: instance(),
            record: Some(record()),
            nature: Nature::Civil,
            formation: FormationCode::Restreinte,
            parties: parties(),
            attacked: attacked(),
            rapporteurs: vec![MagistrateId::parse("m08").expect("id")],
            report_filed: Some(date("2026-11-20")),
            opinion_filed: Some(date("2026-12-15")),
            memoires: vec![MemoireFact {
                label: "mémoire en défense".into(),
                due: date("2026-10-01"),
                filed: Some(date("2026-09-25")),
                lateness_recorded: None,
            }],
            notices: vec![NoticeFact {
                label: "avis d'audience à SCP Un".into(),
                due: Some(date("2026-12-21")),
                sent: Some(date("2026-12-10")),
                late_reason: None,
            }],
            sitting: true,
            rules: DecisionRules::default(),
        }
    }

    /// The defects of `decision`, in order.
    fn defects(&self, decision: &DecisionContent) -> Vec<Defect> {
        let dossier = DossierId::parse("d1").expect("id");
        let hearing = HearingId::parse("h1").expect("id");
        let facts = DecisionFacts {
            nature: self.nature,
            pourvoi: "A 26-10.001",
            parties: &self.parties,
            attacked: &self.attacked,
            rapporteurs: &self.rapporteurs,
            hearing_date: date("2027-01-05"),
            formation: self.formation,
            record: self.record.as_ref(),
            sitting: self.sitting.then_some(Sitting { instance: &self.instance, dossier: &dossier, hearing: &hearing }),
            report_filed: self.report_filed,
            opinion_filed: self.opinion_filed,
            memoires: &self.memoires,
            notices: &self.notices,
            place: PLACES[0],
            rules: &self.rules,
        };
        let found = defects(decision, &facts);
        for defect in &found {
            assert!(!defect.message.is_empty() && !defect.article.is_empty(), "{defect:?}");
        }
        found
    }

    /// The rules broken by `decision`, in order.
    fn rules_broken(&self, decision: &DecisionContent) -> Vec<DefectRule> {
        self.defects(decision).into_iter().map(|d| d.rule).collect()
    }
}

#[test]
fn a_decision_true_to_its_hearing_and_record_has_no_defect() {
    assert_eq!(Case::new().rules_broken(&decision()), vec![]);
}

#[test]
fn without_the_hearings_record_nobody_can_be_named() {
    let mut case = Case::new();
    case.record = None;
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::SittingRecordMissing]);
}

#[test]
fn a_member_who_did_not_sit_cannot_be_named() {
    let mut named = decision();
    named.members = vec!["m01".into(), "m03".into(), "m08".into()];
    let defects = Case::new().rules_broken(&named);
    // m03 named, m02 omitted: two mismatches.
    assert_eq!(defects, vec![DefectRule::CompositionMismatch, DefectRule::CompositionMismatch]);
}

#[test]
fn a_bench_that_sat_unlawfully_is_caught_by_the_planning_rules() {
    // m02 was prevented; m04, recused from d1, replaced him.
    let mut case = Case::new();
    let mut sat = record();
    sat.sat = vec!["m01".into(), "m04".into()];
    case.record = Some(sat);
    let mut named = decision();
    named.members = vec!["m01".into(), "m04".into(), "m08".into()];
    assert_eq!(case.rules_broken(&named), vec![DefectRule::CompositionUnlawful]);
    let unlawful = case.defects(&named).remove(0);
    assert!(unlawful.article.contains("L111-6"), "the recusal's own article: {unlawful:?}");
    assert!(unlawful.message.contains("m04"), "{unlawful:?}");
}

#[test]
fn the_rapporteur_named_must_be_the_one_designated() {
    let mut named = decision();
    named.rapporteurs = vec!["m09".into()];
    named.members = vec!["m01".into(), "m02".into(), "m09".into()];
    let defects = Case::new().rules_broken(&named);
    assert!(defects.contains(&DefectRule::RapporteurMismatch), "{defects:?}");
    assert!(defects.contains(&DefectRule::SignatoryNotSat), "m09 did not sit on d1: {defects:?}");
}

#[test]
fn a_president_who_did_not_sit_cannot_sign() {
    let mut named = decision();
    named.president = "m03".into();
    let defects = Case::new().rules_broken(&named);
    assert_eq!(defects, vec![DefectRule::CompositionMismatch, DefectRule::SignatoryNotSat]);
}

#[test]
fn the_greffier_named_is_the_hearings() {
    let mut named = decision();
    named.greffier = "M. Autre".into();
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::CompositionMismatch]);
}

#[test]
fn the_report_and_the_opinion_come_before_the_hearing() {
    let mut case = Case::new();
    case.report_filed = Some(date("2027-01-05"));
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::ReportNotFiled]);
    case.report_filed = None;
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::ReportNotFiled]);
    let mut case = Case::new();
    case.opinion_filed = None;
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::OpinionNotFiled]);
}

#[test]
fn a_late_memoire_needs_its_lateness_recorded() {
    let mut case = Case::new();
    case.memoires[0].filed = Some(date("2026-10-05"));
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::MemoireLate]);
    case.memoires[0].lateness_recorded = Some("mémoire déclaré irrecevable le 12/10/2026".into());
    assert_eq!(case.rules_broken(&decision()), vec![]);
    // Never filed, its deadline passed before the hearing.
    case.memoires[0] = MemoireFact {
        label: "mémoire ampliatif".into(),
        due: date("2026-09-01"),
        filed: None,
        lateness_recorded: None,
    };
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::MemoireLate]);
}

#[test]
fn a_notice_sent_late_or_never_needs_a_reason() {
    let mut case = Case::new();
    case.notices[0].sent = Some(date("2026-12-28"));
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::NoticeLate]);
    case.notices[0].late_reason = Some("accord des parties pour un délai réduit".into());
    assert_eq!(case.rules_broken(&decision()), vec![]);
    case.notices[0] = NoticeFact {
        label: "avis d'audience à SCP Un".into(),
        due: Some(date("2026-12-21")),
        sent: None,
        late_reason: None,
    };
    assert_eq!(case.rules_broken(&decision()), vec![DefectRule::NoticeLate]);
}

#[test]
fn the_mentions_match_the_record() {
    let mut named = decision();
    named.pourvoi = "A 26-10.002".into();
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::RecordMismatch]);
    let mut named = decision();
    named.parties[1].name = "M. Bernard Dupont".into();
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::RecordMismatch]);
    let mut named = decision();
    named.attacked.docket = "23/04321".into();
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::RecordMismatch]);
    // Order and surrounding spaces are not differences.
    let mut named = decision();
    named.parties.reverse();
    named.parties[0].name = " M. Bernard Durand ".into();
    assert_eq!(Case::new().rules_broken(&named), vec![]);
}

#[test]
fn an_outcome_belongs_to_the_dossiers_procedure() {
    let mut named = decision();
    named.outcome = Some(Outcome::NonAdmission);
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::OutcomeNotOfProcedure]);
}

#[test]
fn a_non_admission_only_in_the_formation_that_may_declare_it() {
    let mut case = Case::new();
    case.nature = Nature::Penal;
    case.formation = FormationCode::Section;
    // The composition is the other tests'; this one is about the formation.
    case.sitting = false;
    let mut named = decision();
    named.formation = FormationCode::Section;
    named.outcome = Some(Outcome::NonAdmission);
    assert_eq!(case.rules_broken(&named), vec![DefectRule::RestrictedOutcomeFormation]);
    case.formation = FormationCode::Restreinte;
    named.formation = FormationCode::Restreinte;
    assert_eq!(case.rules_broken(&named), vec![]);
    // Civil: a rejection not specially reasoned (1014 CPC), configurable.
    case.nature = Nature::Civil;
    named.outcome = Some(Outcome::RejetNonMotive);
    assert_eq!(case.rules_broken(&named), vec![]);
    case.rules.rejection_1014_formations.value = vec![FormationCode::Section];
    assert_eq!(case.rules_broken(&named), vec![DefectRule::RestrictedOutcomeFormation]);
    // The configured rule's source goes with the defect, flagged while it
    // is to confirm.
    let defect = case.defects(&named).remove(0);
    assert!(defect.article.contains("1014") && defect.to_confirm, "{defect:?}");
    named.outcome = Some(Outcome::NonAdmission);
    case.nature = Nature::Penal;
    case.rules.non_admission_formations.value = vec![FormationCode::Section];
    let defect = case.defects(&named).remove(0);
    assert!(defect.article.contains("567-1-1") && !defect.to_confirm, "{defect:?}");
}

#[test]
fn a_decision_without_its_outcome_operative_part_or_answers_is_incomplete() {
    let mut named = decision();
    named.outcome = None;
    named.operative = "  ".into();
    named.grounds[0].answer = String::new();
    let case = Case::new();
    assert_eq!(case.rules_broken(&named), vec![DefectRule::Incomplete]);
    let message = case.defects(&named).remove(0).message;
    assert_eq!(message, "manque : la solution, le dispositif, la réponse au moyen n° 1");
}

#[test]
fn the_pronouncement_is_on_or_after_the_hearing_on_a_working_day() {
    let mut named = decision();
    named.pronouncement = Some("2027-01-04".into());
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::PronouncementBeforeHearing]);
    // 14 July 2027: a Wednesday, the Fête nationale.
    named.pronouncement = Some("2027-07-14".into());
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::PronouncementHoliday]);
    // 9 January 2027: a Saturday.
    named.pronouncement = Some("2027-01-09".into());
    assert_eq!(Case::new().rules_broken(&named), vec![DefectRule::PronouncementHoliday]);
    // At the hearing itself.
    named.pronouncement = Some("2027-01-05".into());
    assert_eq!(Case::new().rules_broken(&named), vec![]);
}

#[test]
fn a_prevented_signatory_is_replaced_by_one_who_deliberated_with_the_reason() {
    use greffe_models::decision::PreventedSignatory;
    use greffe_models::signature::{SignatoryRole, required};
    let case = Case::new();
    let mut named = decision();
    // The president prevented: m02, who deliberated, signs in his place.
    named.prevented = vec![PreventedSignatory {
        role: SignatoryRole::President,
        absent: "m01".into(),
        by: "m02".into(),
        reason: "congé de maladie".into(),
    }];
    assert_eq!(case.rules_broken(&named), vec![]);
    assert_eq!(required(&named)[0], (SignatoryRole::President, "m02".to_owned()));
    // The greffier prevented: another greffier signs.
    named.prevented.push(PreventedSignatory {
        role: SignatoryRole::Greffier,
        absent: "Mme Martin".into(),
        by: "M. Durand".into(),
        reason: "mutation".into(),
    });
    assert_eq!(case.rules_broken(&named), vec![]);
    assert_eq!(required(&named).last(), Some(&(SignatoryRole::Greffier, "M. Durand".to_owned())));

    // Each irregularity on its own: someone who did not deliberate signs;
    // no reason; the one declared prevented is not a signatory in that
    // capacity.
    let mut outsider = decision();
    outsider.prevented = vec![PreventedSignatory {
        role: SignatoryRole::President,
        absent: "m01".into(),
        by: "m09".into(),
        reason: "maladie".into(),
    }];
    let found = case.defects(&outsider);
    assert_eq!(found.iter().map(|d| d.rule).collect::<Vec<_>>(), vec![DefectRule::PreventedSignatory]);
    assert!(found[0].message.contains("m09") && found[0].message.contains("n'a pas délibéré"), "{found:?}");
    assert!(found[0].to_confirm, "the rule's text is to confirm");

    let mut no_reason = decision();
    no_reason.prevented = vec![PreventedSignatory {
        role: SignatoryRole::Rapporteur,
        absent: "m08".into(),
        by: "m02".into(),
        reason: " ".into(),
    }];
    assert!(case.defects(&no_reason)[0].message.contains("motif"));

    let mut not_signatory = decision();
    not_signatory.prevented = vec![PreventedSignatory {
        role: SignatoryRole::Rapporteur,
        absent: "m02".into(),
        by: "m01".into(),
        reason: "x".into(),
    }];
    assert!(
        case.defects(&not_signatory)[0].message.contains("n'est pas signataire en qualité de conseiller rapporteur")
    );
}
