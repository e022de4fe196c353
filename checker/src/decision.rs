//! The defect checks of a decision before anyone signs it (the seed's
//! « zéro défaut »): every rule of [`DefectRule`], all run at once, each
//! defect naming its article. The composition is checked by this crate's
//! own plan rules ([`crate::check`]) on the hearing **as it sat** — the
//! hearing's record, not the published bench — so that a decision is held
//! to exactly the rules a plan is: not rewritten here.

use std::collections::BTreeSet;

use greffe_models::calendar::{Place, is_holiday};
use greffe_models::dates::Date;
use greffe_models::decision::{DecisionContent, DecisionRules, Defect, DefectRule, NamedParty, SittingRecord};
use greffe_models::formation::FormationCode;
use greffe_models::record::AttackedDecision;
use greffe_models::registry::Nature;
use greffe_models::{Assignment, Bench, DossierId, HearingId, Instance, MagistrateId, Plan};

use crate::check::{CheckOptions, check};
use crate::violation::ViolationCode;

/// A deadline of a party's mémoire, as the deadline engine left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoireFact {
    /// What is due, in French (« mémoire en défense »).
    pub label: String,
    /// Its last day.
    pub due: Date,
    /// When it was filed, if it was.
    pub filed: Option<Date>,
    /// The lateness recorded by the greffe (its reason), if any.
    pub lateness_recorded: Option<String>,
}

/// A notice of the hearing to a party's lawyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFact {
    /// To whom, or what, in French.
    pub label: String,
    /// Its last day (the notice period before the hearing).
    pub due: Option<Date>,
    /// When it was sent, if it was.
    pub sent: Option<Date>,
    /// Why it went out late, as the clerk recorded it.
    pub late_reason: Option<String>,
}

/// The hearing as it sat, for the composition rules: an instance holding
/// the hearing, its magistrates and the dossier (their registry data today:
/// absences, recusals, sections, ranks).
#[derive(Debug, Clone, Copy)]
pub struct Sitting<'a> {
    /// The instance.
    pub instance: &'a Instance,
    /// The dossier in it.
    pub dossier: &'a DossierId,
    /// The hearing in it.
    pub hearing: &'a HearingId,
}

/// Everything the checks read besides the decision: the dossier's record,
/// the hearing, what happened there, and the procedure's facts.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFacts<'a> {
    /// Civil or criminal.
    pub nature: Nature,
    /// The record's pourvoi number.
    pub pourvoi: &'a str,
    /// The record's parties.
    pub parties: &'a [NamedParty],
    /// The record's attacked decision.
    pub attacked: &'a AttackedDecision,
    /// This dossier's designated rapporteurs.
    pub rapporteurs: &'a [MagistrateId],
    /// The hearing's date.
    pub hearing_date: Date,
    /// The hearing's formation.
    pub formation: FormationCode,
    /// What happened at the hearing, if recorded.
    pub record: Option<&'a SittingRecord>,
    /// The hearing as it sat, for the composition rules.
    pub sitting: Option<Sitting<'a>>,
    /// The day the rapporteur's report was filed.
    pub report_filed: Option<Date>,
    /// The day the avocat général's opinion was filed.
    pub opinion_filed: Option<Date>,
    /// The parties' mémoire deadlines.
    pub memoires: &'a [MemoireFact],
    /// The notices of this hearing.
    pub notices: &'a [NoticeFact],
    /// Where the court sits (its holidays).
    pub place: Place,
    /// The configurable rules.
    pub rules: &'a DecisionRules,
}

/// The planning rules that bear on a bench that sat: composition,
/// eligibility, presidency, voices, recusal, absence, sections, CM and AP.
/// The organisation's (capacities, weekly caps, readiness, pins) do not.
const COMPOSITION: [ViolationCode; 19] = [
    ViolationCode::UnknownMagistrate,
    ViolationCode::BenchMemberDuplicate,
    ViolationCode::PresidentNotMember,
    ViolationCode::PresidentNotHighestPrecedence,
    ViolationCode::WrongChamber,
    ViolationCode::FormationNotAccepted,
    ViolationCode::BenchSize,
    ViolationCode::BenchMemberIneligible,
    ViolationCode::VoicesOutOfBounds,
    ViolationCode::RapporteurAbsent,
    ViolationCode::RecusedOnBench,
    ViolationCode::MagistrateAbsent,
    ViolationCode::ReferralChambersMismatch,
    ViolationCode::MultiChamberSeats,
    ViolationCode::MultiChamberNotDesignated,
    ViolationCode::StandingMemberReplaced,
    ViolationCode::SectionMismatch,
    ViolationCode::SectionMemberPassedOver,
    ViolationCode::PlenaryComposition,
];

/// Every defect of `decision` given `facts`, in the order of the rules; an
/// empty list means the decision may be signed.
pub fn defects(decision: &DecisionContent, facts: &DecisionFacts<'_>) -> Vec<Defect> {
    let mut found = Vec::new();
    composition(decision, facts, &mut found);
    procedure(facts, &mut found);
    record_mentions(decision, facts, &mut found);
    outcome(decision, facts, &mut found);
    completeness(decision, &mut found);
    pronouncement(decision, facts, &mut found);
    prevented(decision, &mut found);
    found
}

/// Each prevented signatory is one the decision names, in that capacity,
/// once; the reason is given; who signs instead deliberated (a magistrate
/// of the decision's members) or, for the greffier, is another greffier.
fn prevented(decision: &DecisionContent, found: &mut Vec<Defect>) {
    use greffe_models::signature::{SignatoryRole, named};
    let names = named(decision);
    let mut seen = BTreeSet::new();
    for prevented in &decision.prevented {
        let role = prevented.role.label_fr();
        let absent = prevented.absent.trim();
        let by = prevented.by.trim();
        let mut wrong = Vec::new();
        if !names.iter().any(|(r, who)| *r == prevented.role && who.trim() == absent) {
            wrong.push(format!("{absent} n'est pas signataire en qualité de {role}"));
        }
        if !seen.insert((prevented.role, absent)) {
            wrong.push(format!("{absent} est déclaré empêché deux fois en qualité de {role}"));
        }
        if prevented.reason.trim().is_empty() {
            wrong.push(format!("le motif de l'empêchement de {absent} manque"));
        }
        if by.is_empty() || by == absent {
            wrong.push(format!("personne ne signe à la place de {absent}"));
        } else if prevented.role != SignatoryRole::Greffier && !decision.members.iter().any(|m| m.trim() == by) {
            wrong.push(format!("{by}, qui signe à la place de {absent}, n'a pas délibéré de l'affaire"));
        }
        for message in wrong {
            found.push(Defect::new(DefectRule::PreventedSignatory, message));
        }
    }
}

fn names(ids: &BTreeSet<&MagistrateId>) -> String {
    ids.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ")
}

fn composition(decision: &DecisionContent, facts: &DecisionFacts<'_>, found: &mut Vec<Defect>) {
    let Some(record) = facts.record else {
        found.push(Defect::new(
            DefectRule::SittingRecordMissing,
            "la composition de l'audience n'est pas consignée : la décision ne peut nommer que ceux qui ont siégé",
        ));
        return;
    };
    // The voices on this dossier: the bench that sat, and the dossier's
    // rapporteurs beside it (as in the planning model).
    let sat = record.sat_ids();
    let sat_set: BTreeSet<&MagistrateId> = sat.iter().chain(facts.rapporteurs).collect();
    let members = decision.member_ids();
    let on_decision: BTreeSet<&MagistrateId> = members.iter().collect();
    let missing: BTreeSet<&MagistrateId> = sat_set.difference(&on_decision).copied().collect();
    let extra: BTreeSet<&MagistrateId> = on_decision.difference(&sat_set).copied().collect();
    if !extra.is_empty() {
        found.push(Defect::new(
            DefectRule::CompositionMismatch,
            format!("la décision nomme {}, qui n'a pas siégé sur ce dossier", names(&extra)),
        ));
    }
    if !missing.is_empty() {
        found.push(Defect::new(
            DefectRule::CompositionMismatch,
            format!("la décision omet {}, qui a siégé sur ce dossier", names(&missing)),
        ));
    }
    if decision.president != record.president {
        found.push(Defect::new(
            DefectRule::CompositionMismatch,
            format!(
                "la décision nomme {} président ; l'audience a été présidée par {}",
                decision.president, record.president
            ),
        ));
    }
    if decision.greffier.trim() != record.greffier.trim() {
        found.push(Defect::new(
            DefectRule::CompositionMismatch,
            format!(
                "la décision nomme le greffier « {} » ; celui de l'audience est « {} »",
                decision.greffier, record.greffier
            ),
        ));
    }
    let rapporteurs = decision.rapporteur_ids();
    let named: BTreeSet<&MagistrateId> = rapporteurs.iter().collect();
    let designated: BTreeSet<&MagistrateId> = facts.rapporteurs.iter().collect();
    if named != designated {
        found.push(Defect::new(
            DefectRule::RapporteurMismatch,
            format!(
                "rapporteur(s) de la décision : {} ; désigné(s) au dossier : {}",
                if named.is_empty() { "aucun".to_owned() } else { names(&named) },
                if designated.is_empty() { "aucun".to_owned() } else { names(&designated) }
            ),
        ));
    }
    // The signatories: the president and the rapporteurs sat (the greffier
    // is the hearing's: compared above).
    let mut absent_signatories: BTreeSet<&MagistrateId> = rapporteurs.iter().filter(|r| !sat_set.contains(r)).collect();
    let president = MagistrateId::parse(&decision.president).ok();
    if let Some(president) = &president
        && !sat.contains(president)
    {
        absent_signatories.insert(president);
    }
    if !absent_signatories.is_empty() {
        found.push(Defect::new(
            DefectRule::SignatoryNotSat,
            format!("signataire(s) qui n'ont pas siégé : {}", names(&absent_signatories)),
        ));
    }
    if let Some(sitting) = facts.sitting {
        let president = MagistrateId::parse(&record.president).ok();
        let plan = Plan::of(
            vec![Assignment { dossier: sitting.dossier.clone(), hearing: sitting.hearing.clone() }],
            president
                .map(|president| Bench { hearing: sitting.hearing.clone(), president, members: sat.clone() })
                .into_iter()
                .collect(),
        );
        let report = check(sitting.instance, &plan, CheckOptions { allow_moving_pinned: true });
        for violation in report.violations {
            let ours = violation.hearing.as_ref().is_none_or(|h| h == sitting.hearing)
                && violation.dossier.as_ref().is_none_or(|d| d == sitting.dossier);
            if ours && COMPOSITION.contains(&violation.code) {
                let article = violation.code.basis().unwrap_or(DefectRule::CompositionUnlawful.article());
                found.push(Defect::with_article(DefectRule::CompositionUnlawful, violation.message, article));
            }
        }
    }
}

fn procedure(facts: &DecisionFacts<'_>, found: &mut Vec<Defect>) {
    let day = |date: Date| date.format("%d/%m/%Y").to_string();
    let hearing = facts.hearing_date;
    match facts.report_filed {
        Some(filed) if filed < hearing => {}
        Some(filed) => found.push(Defect::new(
            DefectRule::ReportNotFiled,
            format!("rapport déposé le {}, pas avant l'audience du {}", day(filed), day(hearing)),
        )),
        None => found.push(Defect::new(
            DefectRule::ReportNotFiled,
            format!("aucun rapport déposé avant l'audience du {}", day(hearing)),
        )),
    }
    match facts.opinion_filed {
        Some(filed) if filed < hearing => {}
        Some(filed) => found.push(Defect::new(
            DefectRule::OpinionNotFiled,
            format!("avis de l'avocat général déposé le {}, pas avant l'audience du {}", day(filed), day(hearing)),
        )),
        None => found.push(Defect::new(
            DefectRule::OpinionNotFiled,
            format!("aucun avis de l'avocat général déposé avant l'audience du {}", day(hearing)),
        )),
    }
    for memoire in facts.memoires {
        let late = match memoire.filed {
            Some(filed) => filed > memoire.due,
            None => memoire.due < hearing,
        };
        if late && memoire.lateness_recorded.as_deref().is_none_or(|r| r.trim().is_empty()) {
            let what = match memoire.filed {
                Some(filed) => format!("déposé le {}", day(filed)),
                None => "non déposé".to_owned(),
            };
            found.push(Defect::new(
                DefectRule::MemoireLate,
                format!(
                    "{} : délai expiré le {}, {what}, et la tardiveté n'est pas consignée",
                    memoire.label,
                    day(memoire.due)
                ),
            ));
        }
    }
    for notice in facts.notices {
        let recorded = notice.late_reason.as_deref().is_some_and(|r| !r.trim().is_empty());
        let problem = match (notice.sent, notice.due) {
            (None, _) => Some("non envoyé".to_owned()),
            (Some(sent), Some(due)) if sent > due => {
                Some(format!("envoyé le {}, après le {} (délai d'avis)", day(sent), day(due)))
            }
            (Some(sent), _) if sent > hearing => Some(format!("envoyé le {}, après l'audience", day(sent))),
            _ => None,
        };
        if let Some(problem) = problem
            && !recorded
        {
            found.push(Defect::new(
                DefectRule::NoticeLate,
                format!("{} : {problem}, sans motif consigné", notice.label),
            ));
        }
    }
}

fn record_mentions(decision: &DecisionContent, facts: &DecisionFacts<'_>, found: &mut Vec<Defect>) {
    found.extend(mentions(
        "la décision",
        Mentions { pourvoi: &decision.pourvoi, parties: &decision.parties, attacked: &decision.attacked },
        Mentions { pourvoi: facts.pourvoi, parties: facts.parties, attacked: facts.attacked },
    ));
}

/// A document's mentions of its dossier: the pourvoi, the parties, the
/// attacked decision.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mentions<'a> {
    pub(crate) pourvoi: &'a str,
    pub(crate) parties: &'a [NamedParty],
    pub(crate) attacked: &'a AttackedDecision,
}

/// Where `document`'s mentions (on `on`: « la décision ») differ from the
/// `record`'s (art. 454 CPC), one defect per mention.
pub(crate) fn mentions(on: &str, document: Mentions<'_>, record: Mentions<'_>) -> Vec<Defect> {
    let mut found = Vec::new();
    let mismatch = |what: &str, on_document: &str, on_record: &str| {
        Defect::new(
            DefectRule::RecordMismatch,
            format!("{what} : « {on_document} » sur {on}, « {on_record} » au dossier"),
        )
    };
    if document.pourvoi.trim() != record.pourvoi {
        found.push(mismatch("numéro de pourvoi", document.pourvoi, record.pourvoi));
    }
    let parties = |list: &[NamedParty]| {
        let mut lines: Vec<String> =
            list.iter().map(|p| format!("{} ({})", p.name.trim(), p.role.label_fr())).collect();
        lines.sort();
        lines
    };
    let (on_document, on_record) = (parties(document.parties), parties(record.parties));
    if on_document != on_record {
        found.push(mismatch("parties", &on_document.join(", "), &on_record.join(", ")));
    }
    let attacked = |a: &AttackedDecision| format!("{}, {}, RG {}", a.court.trim(), a.date.trim(), a.docket.trim());
    if attacked(document.attacked) != attacked(record.attacked) {
        found.push(mismatch("décision attaquée", &attacked(document.attacked), &attacked(record.attacked)));
    }
    found
}

fn outcome(decision: &DecisionContent, facts: &DecisionFacts<'_>, found: &mut Vec<Defect>) {
    let Some(outcome) = decision.outcome else { return };
    if !outcome.allowed_for(facts.nature) {
        found.push(Defect::new(
            DefectRule::OutcomeNotOfProcedure,
            format!("« {} » n'est pas une solution de la procédure {}", outcome.label_fr(), facts.nature.label_fr()),
        ));
    }
    if let Some(rule) = facts.rules.formations_for(outcome)
        && !rule.value.contains(&facts.formation)
    {
        let allowed: Vec<&str> = rule.value.iter().map(|f| f.as_str()).collect();
        // The configured rule's own source, and its flag when to confirm.
        let mut defect = Defect::with_article(
            DefectRule::RestrictedOutcomeFormation,
            format!(
                "« {} » ne peut être prononcé qu'en formation {} ; l'audience siégeait en {}",
                outcome.label_fr(),
                allowed.join(" ou "),
                facts.formation.as_str()
            ),
            rule.source.clone(),
        );
        defect.to_confirm = !rule.confirmed;
        found.push(defect);
    }
}

fn completeness(decision: &DecisionContent, found: &mut Vec<Defect>) {
    let mut missing = Vec::new();
    if decision.outcome.is_none() {
        missing.push("la solution".to_owned());
    }
    if decision.operative.trim().is_empty() {
        missing.push("le dispositif".to_owned());
    }
    if decision.pronouncement.is_none() {
        missing.push("la date du prononcé".to_owned());
    }
    if decision.publication.is_empty() {
        missing.push("le niveau de publication".to_owned());
    }
    for (i, ground) in decision.grounds.iter().enumerate() {
        if ground.answer.trim().is_empty() {
            missing.push(format!("la réponse au moyen n° {}", i + 1));
        }
    }
    if !missing.is_empty() {
        found.push(Defect::new(DefectRule::Incomplete, format!("manque : {}", missing.join(", "))));
    }
}

fn pronouncement(decision: &DecisionContent, facts: &DecisionFacts<'_>, found: &mut Vec<Defect>) {
    let Some(date) = decision.pronouncement_date() else { return };
    let day = date.format("%d/%m/%Y");
    if date < facts.hearing_date {
        found.push(Defect::new(
            DefectRule::PronouncementBeforeHearing,
            format!("prononcé le {day}, avant l'audience du {}", facts.hearing_date.format("%d/%m/%Y")),
        ));
    }
    let weekend = matches!(chrono::Datelike::weekday(&date), chrono::Weekday::Sat | chrono::Weekday::Sun);
    if weekend || is_holiday(date, facts.place) {
        found.push(Defect::new(
            DefectRule::PronouncementHoliday,
            format!("prononcé le {day}, {}", if weekend { "un samedi ou un dimanche" } else { "un jour férié" }),
        ));
    }
}
