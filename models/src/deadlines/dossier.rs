//! A dossier's deadlines from its journal of procedural events: every
//! applicable rule with its state, recomputed from scratch whenever an event
//! is added, corrected or cancelled; and the alerts and tasks they imply.

use serde::{Deserialize, Serialize};

use super::catalogue::{Actor, Catalogue, EventType, Procedure, Rule};
use super::compute::{ComputeError, Residence, Start, compute};
use crate::calendar::Place;
use crate::dates::Date;

/// Days of the 8-day prorogation of a detention mémoire (art. 567-2 CPP).
const PROROGATION_DAYS: u32 = 8;

/// One event of a dossier's journal, as the deadline engine needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Journal id of the event.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When (calendar date).
    pub date: Date,
    /// The party concerned (legal aid, mémoires), when it matters.
    #[serde(default)]
    pub party: Option<Actor>,
    /// The rule concerned (shortening order).
    #[serde(default)]
    pub rule: Option<String>,
    /// New due date set by a shortening order (CPC 1009).
    #[serde(default)]
    pub new_due: Option<Date>,
    /// This event replaces the event with this id (a correction).
    #[serde(default)]
    pub corrects: Option<String>,
    /// This event cancels the event with this id (a removal).
    #[serde(default)]
    pub cancels: Option<String>,
}

/// What the engine needs to know of a dossier besides its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierContext {
    /// The procedure followed.
    pub procedure: Procedure,
    /// Residence of the demandeur (distance, CPC 643 and 1023).
    pub residence_demandeur: Residence,
    /// Residence of the défendeur.
    pub residence_defendeur: Residence,
    /// Calendar of the place where the acts are done (Paris for the Cour).
    pub place: Place,
}

/// Engine configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineConfig {
    /// A pending deadline due within this many days is `due_soon`.
    pub warning_days: u32,
}

impl Default for DeadlineConfig {
    fn default() -> Self {
        Self { warning_days: 15 }
    }
}

impl DeadlineConfig {
    /// The widest warning window accepted (a year).
    pub const MAX_WARNING_DAYS: u32 = 366;

    /// A warning window of `days`, or the reason it is refused (in French).
    pub fn with_warning_days(days: u32) -> Result<Self, String> {
        if days <= Self::MAX_WARNING_DAYS {
            Ok(Self { warning_days: days })
        } else {
            Err(format!("fenêtre d'alerte de {days} jours : au plus {} jours", Self::MAX_WARNING_DAYS))
        }
    }

    /// The last day of the warning window that starts on `today` (none past
    /// the calendar's end).
    pub fn horizon(self, today: Date) -> Option<Date> {
        today.checked_add_days(chrono::Days::new(u64::from(self.warning_days)))
    }
}

/// Where a deadline stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Running, due later than the warning window.
    Pending,
    /// Running, due within the warning window.
    DueSoon,
    /// The act was done in time.
    Met,
    /// Expired without the act, or the act came late.
    Missed,
    /// Interrupted (legal aid, radiation request), waiting to run again.
    Interrupted,
    /// Without object: the dossier was decided or withdrawn first.
    Closed,
}

impl DeadlineState {
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Pending => "en cours",
            Self::DueSoon => "échéance proche",
            Self::Met => "respecté",
            Self::Missed => "expiré",
            Self::Interrupted => "interrompu",
            Self::Closed => "sans objet",
        }
    }
}

/// One deadline of a dossier and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineStatus {
    /// Rule id.
    pub rule: String,
    /// French label.
    pub label: String,
    /// `art. 978 CPC`.
    pub article: String,
    /// Who must act.
    pub applies_to: Actor,
    /// Consequence of missing it.
    pub consequence: String,
    /// When it (last) started.
    pub starts: Date,
    /// End before extension.
    pub raw_end: Date,
    /// Last day in time (none while interrupted).
    pub due: Option<Date>,
    /// Why `due` was extended past `raw_end`.
    pub extended_because: Option<String>,
    /// For the Cour's own deadlines: why none is extended.
    pub unextended_reason: Option<String>,
    /// State on the day asked.
    pub state: DeadlineState,
    /// When the satisfying act happened.
    pub met_on: Option<Date>,
    /// False when the rule, or a mechanism applied to it, is to confirm.
    pub confirmed: bool,
    /// What happened to the deadline (interruption, shortening…), in French.
    pub notes: Vec<String>,
}

/// Why a dossier's deadlines cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierDeadlineError {
    /// An event corrects or cancels an event that does not exist.
    #[error("l'événement « {event} » vise l'événement « {target} », absent du journal")]
    UnknownTarget {
        /// The correcting or cancelling event.
        event: String,
        /// The id it refers to.
        target: String,
    },
    /// A shortening order without its rule or new date.
    #[error("l'ordonnance d'abréviation « {0} » doit indiquer « rule » et « new_due »")]
    IncompleteShortening(String),
    /// A computation failed.
    #[error(transparent)]
    Compute(#[from] ComputeError),
}

/// The journal with corrections and cancellations applied, by date.
pub fn effective_events(events: &[Event]) -> Result<Vec<Event>, DossierDeadlineError> {
    let mut effective: Vec<Event> = Vec::with_capacity(events.len());
    for event in events {
        let target = event.cancels.as_ref().or(event.corrects.as_ref());
        if let Some(target) = target {
            let position = effective.iter().position(|e| &e.id == target).ok_or_else(|| {
                DossierDeadlineError::UnknownTarget { event: event.id.clone(), target: target.clone() }
            })?;
            effective.remove(position);
            if event.cancels.is_some() {
                continue;
            }
        }
        effective.push(event.clone());
    }
    effective.sort_by_key(|event| event.date);
    Ok(effective)
}

/// Every deadline of the dossier and its state on `today`.
pub fn dossier_deadlines(
    catalogue: &Catalogue,
    context: DossierContext,
    events: &[Event],
    today: Date,
    config: DeadlineConfig,
) -> Result<Vec<DeadlineStatus>, DossierDeadlineError> {
    let events = effective_events(events)?;
    for event in &events {
        if event.kind == EventType::OrdonnanceAbreviation && (event.rule.is_none() || event.new_due.is_none()) {
            return Err(DossierDeadlineError::IncompleteShortening(event.id.clone()));
        }
    }
    let closing = closed_on(&events);
    let mut statuses: Vec<DeadlineStatus> = Vec::new();
    for rule in catalogue.rules().iter().filter(|rule| rule.procedures.contains(&context.procedure)) {
        let start = match events.iter().find(|e| e.kind == rule.starts_on) {
            Some(event) => Some(event.date),
            None => rule
                .starts_after_rule
                .as_ref()
                .and_then(|other| statuses.iter().find(|s| &s.rule == other))
                .and_then(|other| other.due),
        };
        let Some(start) = start else { continue };
        statuses.push(status(rule, context, &events, start, closing, today, config)?);
    }
    Ok(statuses)
}

fn residence_of(context: DossierContext, actor: Actor) -> Residence {
    match actor {
        Actor::Demandeur => context.residence_demandeur,
        Actor::Defendeur => context.residence_defendeur,
        Actor::Court | Actor::Rapporteur => Residence::Metropole,
    }
}

/// An event that interrupts a deadline, and the one after which it runs
/// again in full.
struct Interruption {
    interrupting: EventType,
    restarting: EventType,
    /// Whether the events must name the party whose deadline it is (legal
    /// aid is personal; a radiation request interrupts the défendeur's
    /// deadlines whoever is recorded).
    per_party: bool,
    note: &'static str,
    confirmed: bool,
}

const LEGAL_AID: Interruption = Interruption {
    interrupting: EventType::DemandeAideJuridictionnelle,
    restarting: EventType::DecisionAideJuridictionnelle,
    per_party: true,
    note: "demande d'aide juridictionnelle (délai interrompu ; nouveau délai complet à compter de la décision : à confirmer)",
    confirmed: false,
};

const RADIATION: Interruption = Interruption {
    interrupting: EventType::DemandeRadiation,
    restarting: EventType::DecisionRadiation,
    per_party: false,
    note: "demande de radiation pour inexécution, art. 1009-1 CPC (délais du défendeur interrompus ; reprise à compter de la décision : à confirmer)",
    confirmed: false,
};

/// What interrupts `rule`'s deadline.
fn interruptions(rule: &Rule) -> &'static [Interruption] {
    match rule.applies_to {
        Actor::Court | Actor::Rapporteur => &[],
        Actor::Demandeur => &[LEGAL_AID],
        Actor::Defendeur => &[LEGAL_AID, RADIATION],
    }
}

fn status(
    rule: &Rule,
    context: DossierContext,
    events: &[Event],
    first_start: Date,
    closing: Option<Date>,
    today: Date,
    config: DeadlineConfig,
) -> Result<DeadlineStatus, DossierDeadlineError> {
    let residence = residence_of(context, rule.applies_to);
    let prorogation = rule.id == "penal.detention.memoire"
        && events.iter().any(|e| e.kind == EventType::ProrogationMemoire && e.date >= first_start);
    let extra_days = if prorogation { PROROGATION_DAYS } else { 0 };
    let mut notes = Vec::new();
    let mut confirmed = rule.confirmed;
    if prorogation {
        notes.push(format!("prorogé de {PROROGATION_DAYS} jours (art. 567-2 CPP)"));
    }
    let mut start = first_start;
    let mut computed = compute(rule, Start { from: start, residence, place: context.place, extra_days })?;
    let mut interrupted = false;
    // Interruptions while running; a restart recomputes in full.
    let party_matches = |event: &Event| event.party.is_none_or(|party| party == rule.applies_to);
    for interruption in interruptions(rule) {
        let concerns = |event: &Event| !interruption.per_party || party_matches(event);
        let hit = events
            .iter()
            .find(|e| e.kind == interruption.interrupting && concerns(e) && e.date >= start && e.date <= computed.due);
        let Some(hit) = hit else { continue };
        notes.push(format!("interrompu le {} : {}", hit.date, interruption.note));
        confirmed &= interruption.confirmed;
        match events.iter().find(|e| e.kind == interruption.restarting && concerns(e) && e.date >= hit.date) {
            Some(restart) => {
                start = restart.date;
                computed = compute(rule, Start { from: start, residence, place: context.place, extra_days })?;
                notes.push(format!("reprend le {} pour sa durée entière", restart.date));
            }
            None => interrupted = true,
        }
    }
    let mut due = computed.due;
    if let Some(order) =
        events.iter().find(|e| e.kind == EventType::OrdonnanceAbreviation && e.rule.as_deref() == Some(&rule.id))
    {
        if let Some(new_due) = order.new_due.filter(|new_due| *new_due < due) {
            notes.push(format!(
                "abrégé au {new_due} par ordonnance du premier président du {} (art. 1009 CPC)",
                order.date
            ));
            due = new_due;
        }
    }
    let met_on =
        events.iter().find(|e| e.kind == rule.met_by && e.date >= first_start && party_matches(e)).map(|e| e.date);
    let state = match met_on {
        Some(done) if !interrupted && done <= due => DeadlineState::Met,
        Some(done) if !interrupted => {
            notes.push(format!("acte accompli hors délai, le {done}"));
            DeadlineState::Missed
        }
        _ if interrupted => DeadlineState::Interrupted,
        _ if closing.is_some_and(|closed| closed <= due.min(today)) => DeadlineState::Closed,
        _ if today > due => DeadlineState::Missed,
        _ if (due - today).num_days() <= i64::from(config.warning_days) => DeadlineState::DueSoon,
        _ => DeadlineState::Pending,
    };
    if let Some(note) = &rule.note {
        notes.push(note.clone());
    }
    Ok(DeadlineStatus {
        rule: rule.id.clone(),
        label: rule.label.clone(),
        article: computed.citation(),
        applies_to: rule.applies_to,
        consequence: rule.consequence.clone(),
        starts: start,
        raw_end: computed.raw_end,
        due: (!interrupted).then_some(due),
        extended_because: computed.extended_because(),
        unextended_reason: computed.unextended_reason().map(str::to_owned),
        state,
        met_on,
        confirmed,
        notes,
    })
}

/// Who an alert is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The chamber's registry (greffe): follows the parties' deadlines.
    Greffe,
    /// The chamber and its president: the Cour's own ruling deadlines.
    Chambre,
    /// The dossier's rapporteur: his internal deadlines, when near or past.
    Rapporteur,
}

impl Recipient {
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Greffe => "greffe",
            Self::Chambre => "chambre",
            Self::Rapporteur => "rapporteur",
        }
    }
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information.
    Info,
    /// Act soon.
    Warning,
    /// Act now, or a right is lost.
    Critical,
}

impl Severity {
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Info => "information",
            Self::Warning => "à traiter",
            Self::Critical => "urgent",
        }
    }
}

/// An alert or task derived from a deadline's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Rule id.
    pub rule: String,
    /// Who the alert is for.
    pub recipient: Recipient,
    /// Who must act.
    pub actor: Actor,
    /// By when (none while interrupted).
    pub due: Option<Date>,
    /// How urgent.
    pub severity: Severity,
    /// The task, in French, with the article.
    pub message: String,
}

/// The day the dossier was closed — its arrêt (a déchéance included) or
/// its désistement — among its effective events, if it was: from then on
/// no deadline calls for an act, and none alerts.
pub fn closed_on(events: &[Event]) -> Option<Date> {
    events.iter().find(|e| matches!(e.kind, EventType::Arret | EventType::Desistement)).map(|e| e.date)
}

/// Alerts implied by the deadlines, soonest first. A statutory ruling
/// deadline of the Cour is an alert for the chamber from day one.
pub fn alerts(statuses: &[DeadlineStatus]) -> Vec<Alert> {
    let mut alerts: Vec<Alert> = statuses
        .iter()
        .filter_map(|s| {
            let due = s.due.map_or("(suspendu)".to_owned(), |d| d.to_string());
            let (recipient, severity, message) = match (s.applies_to, s.state) {
                (_, DeadlineState::Met | DeadlineState::Closed) => return None,
                (Actor::Rapporteur, DeadlineState::Pending | DeadlineState::Interrupted) => return None,
                (Actor::Rapporteur, state) => (
                    Recipient::Rapporteur,
                    if state == DeadlineState::Missed { Severity::Critical } else { Severity::Warning },
                    format!(
                        "{} au plus tard le {due} ({}){} — à défaut : {}",
                        s.label,
                        s.article,
                        if state == DeadlineState::Missed { " : délai dépassé" } else { "" },
                        s.consequence
                    ),
                ),
                (Actor::Court, state) => (
                    Recipient::Chambre,
                    if state == DeadlineState::Pending { Severity::Warning } else { Severity::Critical },
                    format!("{} au plus tard le {due} ({}) — à défaut : {}", s.label, s.article, s.consequence),
                ),
                (actor, DeadlineState::Missed) => (
                    Recipient::Greffe,
                    Severity::Critical,
                    format!(
                        "{} : délai du {} expiré le {due} ({}) — {} encourue",
                        s.label,
                        actor.label_fr(),
                        s.article,
                        s.consequence
                    ),
                ),
                (actor, DeadlineState::DueSoon) => (
                    Recipient::Greffe,
                    Severity::Warning,
                    format!(
                        "{} : à accomplir par le {} au plus tard le {due} ({}), à peine de : {}",
                        s.label,
                        actor.label_fr(),
                        s.article,
                        s.consequence
                    ),
                ),
                (actor, DeadlineState::Interrupted) => (
                    Recipient::Greffe,
                    Severity::Info,
                    format!(
                        "{} : délai du {} interrompu ({}) — surveiller la décision qui le fait repartir",
                        s.label,
                        actor.label_fr(),
                        s.article
                    ),
                ),
                (_, DeadlineState::Pending) => return None,
            };
            Some(Alert { rule: s.rule.clone(), recipient, actor: s.applies_to, due: s.due, severity, message })
        })
        .collect();
    alerts.sort_by_key(|alert| (alert.due.is_none(), alert.due, std::cmp::Reverse(alert.severity)));
    alerts
}
