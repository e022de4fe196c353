//! How the registry's dossiers become a planning instance: the planner's
//! attributes derived from the record and the journal, each rule as data
//! with its source — or flagged *to confirm* where the domain brief does not
//! source it, and then configurable.
//!
//! - **Acceptable formations** from the circuit (orientation of civil
//!   pourvois since 1 September 2020: circuit court typically FR, approfondi
//!   FS or FP), overridable per dossier by the chamber president.
//! - **Weight** (hearing time) by circuit, overridable.
//! - **Ready date**: the last of the mémoires, the report and the avocat
//!   général's opinion (art. 1012 ff. CPC; R. 431-… COJ), from the journal.
//! - **Notice period** of the avis d'audience, by matter, else by nature.
//! - **Priority**: grows with age, circuit and urgency.
//! - **Latest hearing date**: a statutory ruling deadline less the
//!   deliberation margin (planning model: 14 days by default).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::deadlines::{Event, EventType};
use crate::dossier::Circuit;
use crate::formation::FormationCode;

/// One configurable value with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// The source (article, text) or the reason it is a convention.
    pub source: String,
    /// False while the rule is *to confirm*.
    pub confirmed: bool,
}

impl<T> Sourced<T> {
    pub(crate) fn new(value: T, source: &str, confirmed: bool) -> Self {
        Self { value, source: source.to_owned(), confirmed }
    }
}

/// The rules turning the registry's dossiers into planner input. The
/// service reads them from a file (`--planning-rules`; `greffe instance
/// rules` prints the defaults to start from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanningRules {
    /// Days between a statutory ruling deadline and the latest hearing date.
    pub deliberation_margin_days: Sourced<u32>,
    /// Notice days of the avis d'audience in civil matters.
    pub notice_days_civil: Sourced<u32>,
    /// Notice days in penal matters.
    pub notice_days_penal: Sourced<u32>,
    /// Notice days by matter code, overriding the nature's.
    pub notice_days_by_matter: BTreeMap<String, u32>,
    /// Acceptable formations by circuit, preferred first.
    pub formations: Sourced<BTreeMap<String, Vec<String>>>,
    /// Weight (hearing time) by circuit.
    pub weight: Sourced<BTreeMap<String, f64>>,
    /// Priority: base, per month of age, by circuit, for urgency.
    pub priority: Sourced<PriorityRule>,
    /// Hearings a week for a magistrate with no cap recorded.
    pub default_weekly_cap: Sourced<u32>,
    /// The decision checks' configurable rules (which formations may
    /// declare a non-admission or a rejection under art. 1014 CPC); absent
    /// from a file, the built-in ones.
    #[serde(default)]
    pub decisions: crate::decision::DecisionRules,
}

/// Priority = base + per_month × months since registration + circuit bonus
/// + urgent bonus (urgent flag or statutory deadline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityRule {
    /// Every dossier.
    pub base: f64,
    /// Per month since registration.
    pub per_month: f64,
    /// By circuit.
    pub circuit: BTreeMap<String, f64>,
    /// Urgent dossiers and dossiers with a statutory deadline.
    pub urgent: f64,
}

impl Default for PlanningRules {
    fn default() -> Self {
        let by_circuit = |court, intermediaire, approfondi| {
            BTreeMap::from([
                ("court".to_owned(), court),
                ("intermediaire".to_owned(), intermediaire),
                ("approfondi".to_owned(), approfondi),
            ])
        };
        let formations = BTreeMap::from([
            ("court".to_owned(), vec!["FR".to_owned()]),
            ("intermediaire".to_owned(), vec!["FS".to_owned(), "FR".to_owned()]),
            ("approfondi".to_owned(), vec!["FS".to_owned(), "FP".to_owned()]),
        ]);
        Self {
            deliberation_margin_days: Sourced::new(
                14,
                "modèle de planification (docs/planning.md), marge par défaut",
                true,
            ),
            notice_days_civil: Sourced::new(15, "usage du greffe (avis de fixation) — à confirmer", false),
            notice_days_penal: Sourced::new(10, "usage du greffe (avis d'audience) — à confirmer", false),
            notice_days_by_matter: BTreeMap::from([
                ("detention".to_owned(), 3),
                ("mandat-arret-europeen".to_owned(), 3),
            ]),
            formations: Sourced::new(
                formations,
                "orientation des pourvois civils depuis le 1er septembre 2020 : circuit court en formation restreinte \
                 (L431-1 COJ), approfondi en section ou plénière de chambre — correspondance à confirmer",
                false,
            ),
            weight: Sourced::new(by_circuit(1.0, 2.0, 3.0), "convention de charge d'audience — à confirmer", false),
            priority: Sourced::new(
                PriorityRule { base: 1.0, per_month: 1.0, circuit: by_circuit(0.0, 1.0, 2.0), urgent: 10.0 },
                "convention (ancienneté, circuit, urgence)",
                true,
            ),
            default_weekly_cap: Sourced::new(3, "convention d'organisation des chambres — à confirmer", false),
            decisions: crate::decision::DecisionRules::default(),
        }
    }
}

/// Planner overrides of one dossier, set by the chamber president.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierPlanning {
    /// Acceptable formations, preferred first (`FR`, `FS`, `FP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formations: Option<Vec<FormationCode>>,
    /// Weight (hearing time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

impl PlanningRules {
    /// Acceptable formations of a dossier.
    pub fn formations_of(&self, circuit: Circuit, overrides: &DossierPlanning) -> Vec<String> {
        if let Some(formations) = &overrides.formations {
            return formations.iter().map(ToString::to_string).collect();
        }
        self.formations.value.get(circuit.as_str()).cloned().unwrap_or_else(|| vec!["FS".to_owned()])
    }

    /// Weight of a dossier.
    pub fn weight_of(&self, circuit: Circuit, overrides: &DossierPlanning) -> f64 {
        overrides.weight.unwrap_or_else(|| self.weight.value.get(circuit.as_str()).copied().unwrap_or(1.0))
    }

    /// Notice days of a dossier.
    pub fn notice_days_of(&self, penal: bool, matter: Option<&str>) -> u32 {
        if let Some(days) = matter.and_then(|m| self.notice_days_by_matter.get(m)) {
            return *days;
        }
        if penal { self.notice_days_penal.value } else { self.notice_days_civil.value }
    }

    /// Priority of a dossier on `on`.
    pub fn priority_of(&self, registered: Date, on: Date, circuit: Circuit, urgent: bool) -> f64 {
        let rule = &self.priority.value;
        let months = ((on - registered).num_days().max(0) / 30) as f64;
        rule.base
            + rule.per_month * months
            + rule.circuit.get(circuit.as_str()).copied().unwrap_or(0.0)
            + if urgent { rule.urgent } else { 0.0 }
    }

    /// Latest hearing date for a statutory ruling deadline.
    pub fn latest_hearing(&self, ruling_deadline: Date) -> Date {
        ruling_deadline - chrono::Duration::days(i64::from(self.deliberation_margin_days.value))
    }
}

/// When a dossier is ready to be heard, from its effective journal (after
/// corrections): the report is filed and the avocat général's opinion given,
/// and, in civil matters, the mémoire ampliatif is filed; the ready date is
/// the last of those events and of the mémoire en défense when there is one.
/// `None`: not ready.
pub fn ready_date(events: &[Event], penal: bool) -> Option<Date> {
    let last = |kind: EventType| events.iter().filter(|e| e.kind == kind).map(|e| e.date).max();
    let report = last(EventType::DepotRapport)?;
    let opinion = last(EventType::AvisAvocatGeneral)?;
    let ampliatif = last(EventType::DepotMemoireAmpliatif);
    if !penal && ampliatif.is_none() {
        return None;
    }
    let defense = last(EventType::DepotMemoireDefense);
    [Some(report), Some(opinion), ampliatif, defense].into_iter().flatten().max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;

    fn event(kind: EventType, day: &str) -> Event {
        Event {
            id: day.to_owned(),
            kind,
            date: parse_date(day).expect("date"),
            party: None,
            rule: None,
            new_due: None,
            corrects: None,
            cancels: None,
        }
    }

    #[test]
    fn a_dossier_is_ready_on_the_last_of_its_mémoires_report_and_opinion() {
        let mut events = vec![
            event(EventType::DepotMemoireAmpliatif, "2026-03-01"),
            event(EventType::DepotMemoireDefense, "2026-05-02"),
            event(EventType::DepotRapport, "2026-09-10"),
        ];
        assert_eq!(ready_date(&events, false), None, "no opinion yet");
        events.push(event(EventType::AvisAvocatGeneral, "2026-09-20"));
        assert_eq!(ready_date(&events, false), parse_date("2026-09-20").ok());
        let penal = [event(EventType::DepotRapport, "2026-09-10"), event(EventType::AvisAvocatGeneral, "2026-09-12")];
        assert_eq!(ready_date(&penal, true), parse_date("2026-09-12").ok());
        assert_eq!(ready_date(&penal, false), None, "a civil dossier needs its mémoire ampliatif");
    }

    #[test]
    fn rules_derive_the_planner_attributes() {
        let rules = PlanningRules::default();
        let none = DossierPlanning::default();
        assert_eq!(rules.formations_of(Circuit::Court, &none), ["FR"]);
        let forced = DossierPlanning { formations: Some(vec![FormationCode::Pleniere]), weight: Some(4.0) };
        assert_eq!(rules.formations_of(Circuit::Court, &forced), ["FP"]);
        assert_eq!(rules.weight_of(Circuit::Approfondi, &none), 3.0);
        assert_eq!(rules.weight_of(Circuit::Approfondi, &forced), 4.0);
        assert_eq!(rules.notice_days_of(true, Some("detention")), 3);
        assert_eq!(rules.notice_days_of(false, None), 15);
        let on = parse_date("2027-01-04").expect("date");
        let registered = parse_date("2026-01-04").expect("date");
        assert_eq!(rules.priority_of(registered, on, Circuit::Approfondi, true), 1.0 + 12.0 + 2.0 + 10.0);
        assert_eq!(rules.latest_hearing(parse_date("2027-02-15").expect("date")).to_string(), "2027-02-01");
        assert!(!rules.notice_days_civil.confirmed, "unsourced rules are flagged");
    }
}
