//! The defect checks of a president's order before anyone signs it: the
//! order belongs to the dossier's procedure, its ground holds (a déchéance
//! only once the demandeur's mémoire deadline has passed without the
//! mémoire; a désistement on a dated act), it is dated lawfully, ordered by
//! whom may order it, names the dossier as the record does, and is
//! complete. Every rule a [`DefectRule`] with its article, all run at once.

use greffe_models::court::Role;
use greffe_models::dates::Date;
use greffe_models::decision::{Defect, DefectRule, NamedParty};
use greffe_models::order::{OrderContent, OrderKind};
use greffe_models::record::AttackedDecision;
use greffe_models::registry::Nature;

use crate::decision::{Mentions, mentions};

/// The demandeur's mémoire deadline (art. 978 or 989 CPC), as the deadline
/// engine computed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandeurMemoire {
    /// What is due, in French.
    pub label: String,
    /// Its last day; none while interrupted (legal aid).
    pub due: Option<Date>,
    /// When the mémoire was filed, if it was.
    pub filed: Option<Date>,
}

/// The magistrate an order names as its president, as the registry knows
/// him.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderingMagistrate {
    /// His role.
    pub role: Role,
    /// His chamber.
    pub chamber: String,
}

/// Everything the checks read besides the order.
#[derive(Debug, Clone, Copy)]
pub struct OrderFacts<'a> {
    /// Civil or criminal.
    pub nature: Nature,
    /// The dossier's chamber.
    pub chamber: &'a str,
    /// The record's pourvoi number.
    pub pourvoi: &'a str,
    /// The record's parties.
    pub parties: &'a [NamedParty],
    /// The record's attacked decision.
    pub attacked: &'a AttackedDecision,
    /// The day the pourvoi was registered.
    pub registered_on: Date,
    /// The dossier's status, in French, when it is decided or withdrawn.
    pub closed: Option<&'a str>,
    /// The demandeur's mémoire deadlines (art. 978, 989 CPC).
    pub memoires: &'a [DemandeurMemoire],
    /// The president named, if the registry knows him.
    pub president: Option<&'a OrderingMagistrate>,
    /// Today.
    pub today: Date,
}

/// Every defect of `order` given `facts`, in the order of the rules; an
/// empty list means the order may be signed.
pub fn defects(order: &OrderContent, facts: &OrderFacts<'_>) -> Vec<Defect> {
    let mut found = Vec::new();
    if let Some(status) = facts.closed {
        found.push(Defect::new(
            DefectRule::DossierClosed,
            format!("le dossier est « {status} » : aucune ordonnance ne peut plus y être rendue"),
        ));
    }
    if !order.kind.allowed_for(facts.nature) {
        found.push(Defect::new(
            DefectRule::OrderNotOfProcedure,
            format!(
                "une ordonnance de {} n'existe pas dans la procédure {} : le pourvoi sera jugé à l'audience",
                order.kind.label_fr(),
                facts.nature.label_fr()
            ),
        ));
    }
    let date = order.order_date();
    match order.kind {
        OrderKind::Decheance if order.kind.allowed_for(facts.nature) => decheance(date, facts, &mut found),
        OrderKind::Decheance => {}
        OrderKind::Desistement => desistement(order, date, facts, &mut found),
    }
    if let Some(date) = date {
        let day = date.format("%d/%m/%Y");
        if date > facts.today {
            found.push(Defect::new(
                DefectRule::OrderDate,
                format!("ordonnance datée du {day}, jour à venir : elle porte la date de sa signature"),
            ));
        }
        if date < facts.registered_on {
            found.push(Defect::new(
                DefectRule::OrderDate,
                format!(
                    "ordonnance datée du {day}, avant l'enregistrement du pourvoi le {}",
                    facts.registered_on.format("%d/%m/%Y")
                ),
            ));
        }
    }
    president(order, facts, &mut found);
    found.extend(mentions(
        "l'ordonnance",
        Mentions { pourvoi: &order.pourvoi, parties: &order.parties, attacked: &order.attacked },
        Mentions { pourvoi: facts.pourvoi, parties: facts.parties, attacked: facts.attacked },
    ));
    let mut missing = Vec::new();
    if date.is_none() {
        missing.push("la date de l'ordonnance");
    }
    if order.greffier.trim().is_empty() {
        missing.push("le greffier");
    }
    if order.reasons.trim().is_empty() {
        missing.push("les motifs");
    }
    if order.operative.trim().is_empty() {
        missing.push("le dispositif");
    }
    if !missing.is_empty() {
        found.push(Defect::new(DefectRule::Incomplete, format!("manque : {}", missing.join(", "))));
    }
    found
}

/// A déchéance holds when one of the demandeur's mémoire deadlines ended
/// before the order's date without the mémoire, or with it late.
fn decheance(date: Option<Date>, facts: &OrderFacts<'_>, found: &mut Vec<Defect>) {
    let Some(date) = date else { return };
    let missed = |m: &DemandeurMemoire| match (m.due, m.filed) {
        (Some(due), Some(filed)) => filed > due,
        (Some(due), None) => date > due,
        (None, _) => false,
    };
    if facts.memoires.iter().any(missed) {
        return;
    }
    let why: Vec<String> = facts
        .memoires
        .iter()
        .map(|m| match (m.due, m.filed) {
            (Some(due), Some(filed)) => {
                format!(
                    "{} déposé le {}, dans le délai (au {})",
                    m.label,
                    filed.format("%d/%m/%Y"),
                    due.format("%d/%m/%Y")
                )
            }
            (Some(due), None) => format!("{} : le délai court jusqu'au {} inclus", m.label, due.format("%d/%m/%Y")),
            (None, _) => format!("{} : délai interrompu (aide juridictionnelle)", m.label),
        })
        .collect();
    let message = if why.is_empty() {
        "aucun délai de mémoire ampliatif du demandeur ne court pour ce pourvoi".to_owned()
    } else {
        format!("pas de déchéance encourue : {}", why.join(" ; "))
    };
    found.push(Defect::new(DefectRule::MemoireNotMissed, message));
}

fn desistement(order: &OrderContent, date: Option<Date>, facts: &OrderFacts<'_>, found: &mut Vec<Defect>) {
    let act = order.act_date.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let Some(act) = act else {
        found.push(Defect::new(DefectRule::DesistementAct, "la date de l'acte de désistement manque"));
        return;
    };
    let Ok(act) = greffe_models::dates::parse_date(act) else { return };
    let day = act.format("%d/%m/%Y");
    if date.is_some_and(|date| act > date) {
        found.push(Defect::new(
            DefectRule::DesistementAct,
            format!("acte de désistement du {day}, postérieur à l'ordonnance qui le constate"),
        ));
    }
    if act < facts.registered_on {
        found.push(Defect::new(
            DefectRule::DesistementAct,
            format!(
                "acte de désistement du {day}, antérieur au pourvoi enregistré le {}",
                facts.registered_on.format("%d/%m/%Y")
            ),
        ));
    }
}

fn president(order: &OrderContent, facts: &OrderFacts<'_>, found: &mut Vec<Defect>) {
    let who = order.president.trim();
    let problem = match facts.president {
        None if who.is_empty() => Some("le président qui rend l'ordonnance n'est pas nommé".to_owned()),
        None => Some(format!("le magistrat {who} est inconnu du greffe")),
        Some(m) if m.role == Role::PremierPresident => None,
        Some(m) if m.role == Role::President && m.chamber == facts.chamber => None,
        Some(m) => Some(format!(
            "{who} ({}, {}) n'est ni le président de la chambre {} ni le premier président",
            m.role.label_fr(),
            m.chamber,
            facts.chamber
        )),
    };
    if let Some(problem) = problem {
        found.push(Defect::new(DefectRule::OrderPresident, problem));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use greffe_models::registry::PartyRole;

    fn day(raw: &str) -> Date {
        greffe_models::dates::parse_date(raw).expect("a day")
    }

    fn parties() -> Vec<NamedParty> {
        vec![
            NamedParty { name: "SCI Les Tilleuls".into(), role: PartyRole::Demandeur, lawyer: None },
            NamedParty { name: "M. Martin".into(), role: PartyRole::Defendeur, lawyer: None },
        ]
    }

    fn attacked() -> AttackedDecision {
        AttackedDecision { court: "cour d'appel de Lyon".into(), date: "2026-01-15".into(), docket: "24/01234".into() }
    }

    fn order(kind: OrderKind) -> OrderContent {
        OrderContent {
            kind,
            pourvoi: "Y 26-10.001".into(),
            parties: parties(),
            attacked: attacked(),
            president: "CIV1-P".into(),
            greffier: "Marie Dupont".into(),
            date: "2026-11-30".into(),
            act_date: (kind == OrderKind::Desistement).then(|| "2026-11-20".into()),
            reasons: "Vu l'article 978 du code de procédure civile ;".into(),
            operative: "Constatons la déchéance du pourvoi.".into(),
        }
    }

    struct Fixture {
        parties: Vec<NamedParty>,
        attacked: AttackedDecision,
        memoires: Vec<DemandeurMemoire>,
        president: OrderingMagistrate,
    }

    impl Fixture {
        fn new() -> Self {
            Self {
                parties: parties(),
                attacked: attacked(),
                memoires: vec![DemandeurMemoire {
                    label: "mémoire ampliatif".into(),
                    due: Some(day("2026-06-02")),
                    filed: None,
                }],
                president: OrderingMagistrate { role: Role::President, chamber: "civ1".into() },
            }
        }

        fn facts(&self) -> OrderFacts<'_> {
            OrderFacts {
                nature: Nature::Civil,
                chamber: "civ1",
                pourvoi: "Y 26-10.001",
                parties: &self.parties,
                attacked: &self.attacked,
                registered_on: day("2026-02-02"),
                closed: None,
                memoires: &self.memoires,
                president: Some(&self.president),
                today: day("2026-11-30"),
            }
        }
    }

    fn rules(found: &[Defect]) -> Vec<DefectRule> {
        found.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn a_decheance_after_the_memoire_deadline_passed_unfiled_is_free_of_defects() {
        let fixture = Fixture::new();
        assert_eq!(defects(&order(OrderKind::Decheance), &fixture.facts()), []);
    }

    #[test]
    fn a_decheance_while_the_deadline_runs_or_after_a_memoire_in_time_is_refused() {
        let mut fixture = Fixture::new();
        let mut early = order(OrderKind::Decheance);
        early.date = "2026-06-02".into();
        let found = defects(&early, &fixture.facts());
        assert_eq!(rules(&found), [DefectRule::MemoireNotMissed]);
        assert!(found[0].message.contains("jusqu'au 02/06/2026"), "{}", found[0].message);
        fixture.memoires[0].filed = Some(day("2026-06-01"));
        let found = defects(&order(OrderKind::Decheance), &fixture.facts());
        assert_eq!(rules(&found), [DefectRule::MemoireNotMissed]);
        assert!(found[0].message.contains("déposé le 01/06/2026"), "{}", found[0].message);
        // A mémoire filed late: the déchéance is incurred.
        fixture.memoires[0].filed = Some(day("2026-06-03"));
        assert_eq!(defects(&order(OrderKind::Decheance), &fixture.facts()), []);
        fixture.memoires[0] = DemandeurMemoire { label: "mémoire ampliatif".into(), due: None, filed: None };
        assert_eq!(rules(&defects(&order(OrderKind::Decheance), &fixture.facts())), [DefectRule::MemoireNotMissed]);
        fixture.memoires.clear();
        assert_eq!(rules(&defects(&order(OrderKind::Decheance), &fixture.facts())), [DefectRule::MemoireNotMissed]);
    }

    #[test]
    fn a_decheance_in_a_criminal_dossier_is_not_of_its_procedure() {
        let fixture = Fixture::new();
        let facts = OrderFacts { nature: Nature::Penal, ..fixture.facts() };
        assert_eq!(rules(&defects(&order(OrderKind::Decheance), &facts)), [DefectRule::OrderNotOfProcedure]);
    }

    #[test]
    fn a_desistement_needs_its_act_dated_between_the_pourvoi_and_the_order() {
        let fixture = Fixture::new();
        let mut desistement = order(OrderKind::Desistement);
        desistement.operative = "Donnons acte à SCI Les Tilleuls de son désistement du pourvoi.".into();
        assert_eq!(defects(&desistement, &fixture.facts()), []);
        desistement.act_date = Some("2026-12-01".into());
        assert_eq!(rules(&defects(&desistement, &fixture.facts())), [DefectRule::DesistementAct]);
        desistement.act_date = Some("2026-01-01".into());
        assert_eq!(rules(&defects(&desistement, &fixture.facts())), [DefectRule::DesistementAct]);
        desistement.act_date = None;
        assert_eq!(rules(&defects(&desistement, &fixture.facts())), [DefectRule::DesistementAct]);
    }

    #[test]
    fn an_order_in_the_future_or_before_the_pourvoi_is_refused() {
        let fixture = Fixture::new();
        let mut future = order(OrderKind::Decheance);
        future.date = "2026-12-01".into();
        assert_eq!(rules(&defects(&future, &fixture.facts())), [DefectRule::OrderDate]);
        let mut desistement = order(OrderKind::Desistement);
        desistement.date = "2026-01-20".into();
        desistement.act_date = Some("2026-01-10".into());
        let found = rules(&defects(&desistement, &fixture.facts()));
        assert_eq!(found, [DefectRule::DesistementAct, DefectRule::OrderDate]);
    }

    #[test]
    fn only_the_chambers_president_or_the_premier_president_orders() {
        let mut fixture = Fixture::new();
        fixture.president = OrderingMagistrate { role: Role::Conseiller, chamber: "civ1".into() };
        assert_eq!(rules(&defects(&order(OrderKind::Decheance), &fixture.facts())), [DefectRule::OrderPresident]);
        fixture.president = OrderingMagistrate { role: Role::President, chamber: "soc".into() };
        assert_eq!(rules(&defects(&order(OrderKind::Decheance), &fixture.facts())), [DefectRule::OrderPresident]);
        fixture.president = OrderingMagistrate { role: Role::PremierPresident, chamber: "pp".into() };
        assert_eq!(defects(&order(OrderKind::Decheance), &fixture.facts()), []);
        let facts = OrderFacts { president: None, ..fixture.facts() };
        assert_eq!(rules(&defects(&order(OrderKind::Decheance), &facts)), [DefectRule::OrderPresident]);
    }

    #[test]
    fn mentions_differing_from_the_record_an_empty_text_and_a_closed_dossier_are_named() {
        let fixture = Fixture::new();
        let mut wrong = order(OrderKind::Decheance);
        wrong.pourvoi = "Y 26-10.002".into();
        wrong.parties.pop();
        wrong.operative.clear();
        let facts = OrderFacts { closed: Some("jugé"), ..fixture.facts() };
        let found = defects(&wrong, &facts);
        assert_eq!(
            rules(&found),
            [DefectRule::DossierClosed, DefectRule::RecordMismatch, DefectRule::RecordMismatch, DefectRule::Incomplete]
        );
        assert!(found[1].message.contains("sur l'ordonnance"), "{}", found[1].message);
        assert_eq!(found[3].message, "manque : le dispositif");
    }
}
