//! Events that change a published plan's instance: a magistrate's absence, a
//! new recusal, a dossier withdrawn, no longer ready, newly urgent or newly
//! ready, a hearing cancelled or its capacity reduced (`docs/formats.md`,
//! "Events").
//!
//! [`apply_events`] turns an instance and an events document into the
//! instance as it stands after the events, refusing the whole document with
//! every problem named by its JSON path when one event is wrong: a refused
//! document changes nothing.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::{Date, DateRange, parse_date};
use crate::format::{DossierDoc, InstanceDoc, Problem, RangeDoc, validate};
use crate::ids::{DossierId, HearingId, MagistrateId};
use crate::instance::Instance;

/// An events document as written: `{"events": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsDoc {
    /// The events, applied in order.
    pub events: Vec<EventDoc>,
}

/// One event as written, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventDoc {
    /// A magistrate is absent from `from` to `to` (included).
    MagistrateAbsent {
        /// Magistrate id.
        magistrate: String,
        /// First day absent.
        from: String,
        /// Last day absent.
        to: String,
    },
    /// A magistrate is recused from a dossier.
    Recusal {
        /// Dossier id.
        dossier: String,
        /// Magistrate id.
        magistrate: String,
        /// Ground of the recusal.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ground: Option<String>,
    },
    /// The dossier leaves the roll (désistement, déchéance, radiation…).
    DossierWithdrawn {
        /// Dossier id.
        dossier: String,
    },
    /// The dossier is no longer ready: ready again on `ready_date`, or at an
    /// unknown date (then not before the end of the horizon).
    DossierNotReady {
        /// Dossier id.
        dossier: String,
        /// New ready date, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ready_date: Option<String>,
    },
    /// The dossier must now be heard by `deadline` (latest hearing date).
    DossierUrgent {
        /// Dossier id.
        dossier: String,
        /// Latest hearing date.
        deadline: String,
        /// Rule behind the deadline (catalogue id).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline_rule: Option<String>,
    },
    /// A new dossier is ready to be heard.
    DossierReady {
        /// The dossier, as in an instance.
        dossier: Box<DossierDoc>,
    },
    /// The hearing will not take place.
    HearingCancelled {
        /// Hearing id.
        hearing: String,
    },
    /// The hearing's capacity is reduced.
    HearingCapacity {
        /// Hearing id.
        hearing: String,
        /// New capacity in weight units.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity_weight: Option<f64>,
        /// New capacity in dossiers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity_count: Option<i64>,
    },
}

impl EventDoc {
    /// The event in French for the clerk, dossiers by pourvoi number,
    /// magistrates by name and hearings by day, as `doc` (the instance the
    /// event applies to) knows them.
    pub fn describe(&self, doc: &InstanceDoc) -> String {
        let day = |raw: &str| parse_date(raw).map_or_else(|_| raw.to_owned(), |d| d.format("%d/%m/%Y").to_string());
        let dossier = |id: &str| {
            doc.dossiers
                .iter()
                .find(|d| d.id == id)
                .map_or_else(|| format!("dossier {id}"), |d| format!("n° {}", d.pourvoi))
        };
        let magistrate = |id: &str| {
            doc.magistrates.iter().find(|m| m.id == id).and_then(|m| m.name.clone()).unwrap_or_else(|| id.to_owned())
        };
        let hearing = |id: &str| {
            doc.hearings.iter().find(|h| h.id == id).map_or_else(
                || format!("audience {id}"),
                |h| {
                    let half = if h.half_day == "pm" { "après-midi" } else { "matin" };
                    format!("audience du {} ({half})", day(&h.date))
                },
            )
        };
        match self {
            Self::MagistrateAbsent { magistrate: m, from, to } if from == to => {
                format!("{} absent(e) le {}", magistrate(m), day(from))
            }
            Self::MagistrateAbsent { magistrate: m, from, to } => {
                format!("{} absent(e) du {} au {}", magistrate(m), day(from), day(to))
            }
            Self::Recusal { dossier: d, magistrate: m, ground } => match ground {
                Some(ground) => format!("{} récusé(e) dans le {} ({ground})", magistrate(m), dossier(d)),
                None => format!("{} récusé(e) dans le {}", magistrate(m), dossier(d)),
            },
            Self::DossierWithdrawn { dossier: d } => {
                format!("{} retiré du rôle (désistement, déchéance, décision…)", dossier(d))
            }
            Self::DossierNotReady { dossier: d, ready_date: Some(date) } => {
                format!("{} plus en état : de nouveau en état le {}", dossier(d), day(date))
            }
            Self::DossierNotReady { dossier: d, ready_date: None } => {
                format!("{} plus en état (date inconnue)", dossier(d))
            }
            Self::DossierUrgent { dossier: d, deadline, .. } => {
                format!("{} à juger au plus tard le {}", dossier(d), day(deadline))
            }
            Self::DossierReady { dossier: d } => {
                let due = d
                    .deadline
                    .as_deref()
                    .map(|due| format!(", à juger au plus tard le {}", day(due)))
                    .unwrap_or_default();
                format!("nouveau dossier en état : n° {}{due}", d.pourvoi)
            }
            Self::HearingCancelled { hearing: h } => format!("{} annulée", hearing(h)),
            Self::HearingCapacity { hearing: h, capacity_weight, capacity_count } => {
                let mut parts = Vec::new();
                if let Some(count) = capacity_count {
                    parts.push(format!("{count} dossier(s)"));
                }
                if let Some(weight) = capacity_weight {
                    parts.push(format!("poids {}", format!("{weight}").replace('.', ",")));
                }
                format!("capacité de l'{} réduite à {}", hearing(h), parts.join(", "))
            }
        }
    }
}

/// A checked event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A magistrate is absent on these days.
    MagistrateAbsent {
        /// Who.
        magistrate: MagistrateId,
        /// When.
        range: DateRange,
    },
    /// A new recusal.
    Recusal {
        /// Of which dossier.
        dossier: DossierId,
        /// Who is recused.
        magistrate: MagistrateId,
    },
    /// The dossier leaves the roll.
    DossierWithdrawn {
        /// Which.
        dossier: DossierId,
    },
    /// The dossier is no longer ready.
    DossierNotReady {
        /// Which.
        dossier: DossierId,
        /// Ready again on this day, if known.
        ready_date: Option<Date>,
    },
    /// The dossier has a new latest hearing date.
    DossierUrgent {
        /// Which.
        dossier: DossierId,
        /// Latest hearing date.
        deadline: Date,
    },
    /// A new dossier is ready.
    DossierReady {
        /// Which.
        dossier: DossierId,
    },
    /// The hearing is cancelled.
    HearingCancelled {
        /// Which.
        hearing: HearingId,
    },
    /// The hearing's capacity changed.
    HearingCapacity {
        /// Which.
        hearing: HearingId,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MagistrateAbsent { magistrate, range } => {
                write!(f, "absence de {magistrate} du {} au {}", range.from(), range.to())
            }
            Self::Recusal { dossier, magistrate } => write!(f, "récusation de {magistrate} dans le dossier {dossier}"),
            Self::DossierWithdrawn { dossier } => write!(f, "retrait du rôle du dossier {dossier}"),
            Self::DossierNotReady { dossier, ready_date: Some(date) } => {
                write!(f, "dossier {dossier} de nouveau en état le {date} seulement")
            }
            Self::DossierNotReady { dossier, ready_date: None } => {
                write!(f, "dossier {dossier} plus en état (date inconnue)")
            }
            Self::DossierUrgent { dossier, deadline } => {
                write!(f, "dossier {dossier} à juger au plus tard le {deadline}")
            }
            Self::DossierReady { dossier } => write!(f, "nouveau dossier en état : {dossier}"),
            Self::HearingCancelled { hearing } => write!(f, "audience {hearing} annulée"),
            Self::HearingCapacity { hearing } => write!(f, "capacité de l'audience {hearing} réduite"),
        }
    }
}

/// Everything the events changed, by document index, for the reasons given
/// to clerks.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The instance after the events.
    pub instance: Instance,
    /// The events, checked, in document order.
    pub events: Vec<Event>,
    /// Published dossiers whose hearing was cancelled: no longer pinned in
    /// `instance`, but published all the same.
    pub unpinned: Vec<DossierId>,
}

impl Applied {
    /// An instance with no event applied.
    pub fn unchanged(instance: Instance) -> Self {
        Self { instance, events: Vec::new(), unpinned: Vec::new() }
    }
}

struct Ctx<'a> {
    doc: &'a mut InstanceDoc,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    fn push(&mut self, path: String, code: &'static str, message: String, fix: &str) {
        self.problems.push(Problem { path, code, message, fix: fix.to_owned() });
    }

    fn dossier(&mut self, raw: &str, path: String) -> Option<usize> {
        let found = self.doc.dossiers.iter().position(|d| d.id == raw);
        if found.is_none() {
            self.push(
                path,
                "unknown_dossier",
                format!("dossier « {raw} » absent de l'instance (ou retiré par un événement précédent)"),
                "donner l'identifiant d'un dossier de l'instance",
            );
        }
        found
    }

    fn hearing(&mut self, raw: &str, path: String) -> Option<usize> {
        let found = self.doc.hearings.iter().position(|h| h.id == raw);
        if found.is_none() {
            self.push(
                path,
                "unknown_hearing",
                format!("audience « {raw} » absente de l'instance (ou annulée par un événement précédent)"),
                "donner l'identifiant d'une audience de l'instance",
            );
        }
        found
    }

    fn magistrate(&mut self, raw: &str, path: String) -> Option<usize> {
        let found = self.doc.magistrates.iter().position(|m| m.id == raw);
        if found.is_none() {
            self.push(
                path,
                "unknown_magistrate",
                format!("magistrat « {raw} » absent de l'instance"),
                "donner l'identifiant d'un magistrat de l'instance",
            );
        }
        found
    }

    fn date(&mut self, raw: &str, path: String) -> Option<Date> {
        parse_date(raw).map_err(|error| self.push(path, "invalid_date", error.to_string(), &error.fix())).ok()
    }
}

/// Applies `events` to `base`, in order. Every problem is listed, each with
/// the JSON path of the offending value in the events document.
pub fn apply_events(base: &Instance, events: &EventsDoc) -> Result<Applied, Vec<Problem>> {
    let mut doc = base.to_doc();
    let mut ctx = Ctx { doc: &mut doc, problems: Vec::new() };
    let mut checked = Vec::new();
    let mut unpinned = Vec::new();
    // Where each new dossier went in the document, to name problems found
    // by the instance's validation at the event that brought it.
    let mut added_at: Vec<(String, usize)> = Vec::new();
    let day_after_horizon = base.horizon().end().succ_opt().unwrap_or(base.horizon().end());
    for (i, event) in events.events.iter().enumerate() {
        let at = |field: &str| format!("events[{i}].{field}");
        match event {
            EventDoc::MagistrateAbsent { magistrate, from, to } => {
                let m = ctx.magistrate(magistrate, at("magistrate"));
                let (from_date, to_date) = (ctx.date(from, at("from")), ctx.date(to, at("to")));
                let (Some(m), Some(from_date), Some(to_date)) = (m, from_date, to_date) else { continue };
                let Ok(range) = DateRange::new(from_date, to_date) else {
                    ctx.push(
                        format!("events[{i}]"),
                        "inverted_range",
                        format!("absence du {from_date} au {to_date} : la fin précède le début"),
                        "échanger « from » et « to »",
                    );
                    continue;
                };
                ctx.doc.magistrates[m].absences.push(RangeDoc { from: from.clone(), to: to.clone() });
                let magistrate = MagistrateId::parse(magistrate).unwrap_or_else(|_| unreachable!("known id"));
                checked.push(Event::MagistrateAbsent { magistrate, range });
            }
            EventDoc::Recusal { dossier, magistrate, ground } => {
                let (d, m) = (ctx.dossier(dossier, at("dossier")), ctx.magistrate(magistrate, at("magistrate")));
                let (Some(d), Some(_)) = (d, m) else { continue };
                let target = &mut ctx.doc.dossiers[d];
                if target.rapporteurs.iter().any(|r| r == magistrate) {
                    ctx.push(
                        at("magistrate"),
                        "recused_rapporteur",
                        format!("{magistrate} est rapporteur du dossier {dossier} : il faut d'abord désigner un autre rapporteur"),
                        "changer le rapporteur dans le registre, puis réparer le rôle",
                    );
                    continue;
                }
                if !target.recused.iter().any(|r| r == magistrate) {
                    target.recused.push(magistrate.clone());
                }
                if let Some(ground) = ground {
                    target.recusal_grounds.insert(magistrate.clone(), ground.clone());
                }
                checked.push(Event::Recusal {
                    dossier: DossierId::parse(dossier).unwrap_or_else(|_| unreachable!("known id")),
                    magistrate: MagistrateId::parse(magistrate).unwrap_or_else(|_| unreachable!("known id")),
                });
            }
            EventDoc::DossierWithdrawn { dossier } => {
                let Some(d) = ctx.dossier(dossier, at("dossier")) else { continue };
                ctx.doc.dossiers.remove(d);
                added_at.retain(|(id, _)| id != dossier);
                for (_, position) in &mut added_at {
                    if *position > d {
                        *position -= 1;
                    }
                }
                checked.push(Event::DossierWithdrawn {
                    dossier: DossierId::parse(dossier).unwrap_or_else(|_| unreachable!("known id")),
                });
            }
            EventDoc::DossierNotReady { dossier, ready_date } => {
                let d = ctx.dossier(dossier, at("dossier"));
                let date = match ready_date {
                    Some(raw) => ctx.date(raw, at("ready_date")).map(Some),
                    None => Some(None),
                };
                let (Some(d), Some(date)) = (d, date) else { continue };
                ctx.doc.dossiers[d].ready_date = date.unwrap_or(day_after_horizon).to_string();
                checked.push(Event::DossierNotReady {
                    dossier: DossierId::parse(dossier).unwrap_or_else(|_| unreachable!("known id")),
                    ready_date: date,
                });
            }
            EventDoc::DossierUrgent { dossier, deadline, deadline_rule } => {
                let (d, date) = (ctx.dossier(dossier, at("dossier")), ctx.date(deadline, at("deadline")));
                let (Some(d), Some(date)) = (d, date) else { continue };
                let target = &mut ctx.doc.dossiers[d];
                target.deadline = Some(deadline.clone());
                if deadline_rule.is_some() {
                    target.deadline_rule.clone_from(deadline_rule);
                }
                checked.push(Event::DossierUrgent {
                    dossier: DossierId::parse(dossier).unwrap_or_else(|_| unreachable!("known id")),
                    deadline: date,
                });
            }
            EventDoc::DossierReady { dossier } => {
                if ctx.doc.dossiers.iter().any(|d| d.id == dossier.id) {
                    ctx.push(
                        at("dossier.id"),
                        "duplicate_id",
                        format!("le dossier « {} » est déjà dans l'instance", dossier.id),
                        "donner un dossier nouveau, ou un événement dossier_not_ready / dossier_urgent pour un dossier connu",
                    );
                    continue;
                }
                let Ok(id) = DossierId::parse(&dossier.id) else {
                    ctx.push(
                        at("dossier.id"),
                        "invalid_id",
                        format!("identifiant de dossier « {} » invalide", dossier.id),
                        "donner un identifiant non vide, sans espace autour",
                    );
                    continue;
                };
                added_at.push((dossier.id.clone(), ctx.doc.dossiers.len()));
                ctx.doc.dossiers.push(dossier.as_ref().clone());
                checked.push(Event::DossierReady { dossier: id });
            }
            EventDoc::HearingCancelled { hearing } => {
                let Some(h) = ctx.hearing(hearing, at("hearing")) else { continue };
                ctx.doc.hearings.remove(h);
                // Published dossiers of a cancelled hearing are no longer pinned.
                for dossier in &mut ctx.doc.dossiers {
                    if dossier.pinned_hearing.as_deref() == Some(hearing.as_str()) {
                        dossier.pinned_hearing = None;
                        unpinned.extend(DossierId::parse(&dossier.id).ok());
                    }
                }
                checked.push(Event::HearingCancelled {
                    hearing: HearingId::parse(hearing).unwrap_or_else(|_| unreachable!("known id")),
                });
            }
            EventDoc::HearingCapacity { hearing, capacity_weight, capacity_count } => {
                let Some(h) = ctx.hearing(hearing, at("hearing")) else { continue };
                if capacity_weight.is_none() && capacity_count.is_none() {
                    ctx.push(
                        format!("events[{i}]"),
                        "missing_field",
                        "ni capacity_weight ni capacity_count : rien à changer".to_owned(),
                        "donner la nouvelle capacité en poids, en nombre de dossiers, ou les deux",
                    );
                    continue;
                }
                let target = &mut ctx.doc.hearings[h];
                if let Some(weight) = *capacity_weight {
                    target.capacity_weight = weight;
                }
                if let Some(count) = *capacity_count {
                    target.capacity_count = count;
                }
                checked.push(Event::HearingCapacity {
                    hearing: HearingId::parse(hearing).unwrap_or_else(|_| unreachable!("known id")),
                });
            }
        }
    }
    if !ctx.problems.is_empty() {
        return Err(ctx.problems);
    }
    // A published dossier withdrawn afterwards is no longer anyone's concern.
    unpinned.retain(|id: &DossierId| doc.dossiers.iter().any(|d| d.id == id.as_str()));
    validate(&doc).map(|instance| Applied { instance, events: checked, unpinned }).map_err(|problems| {
        problems
            .into_iter()
            .map(|mut problem| {
                for (id, position) in &added_at {
                    let prefix = format!("dossiers[{position}]");
                    if let Some(rest) = problem.path.strip_prefix(&prefix) {
                        let event = events
                            .events
                            .iter()
                            .position(|e| matches!(e, EventDoc::DossierReady { dossier } if &dossier.id == id))
                            .unwrap_or_default();
                        problem.path = format!("events[{event}].dossier{rest}");
                    }
                }
                problem
            })
            .collect()
    })
}

/// The events a registry went through between two instances of the same
/// chamber and horizon — `before`, the instance a plan was published from,
/// and `after`, the registry's instance now — with what cannot be written
/// as an event, in French, for the clerk to handle by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Since {
    /// The events, in the order [`apply_events`] applies them: absences and
    /// hearing changes first, then each dossier's.
    pub events: EventsDoc,
    /// Changes an amendment does not carry (a new rapporteur, a new dossier
    /// whose magistrates are not in the plan…), in French.
    pub unhandled: Vec<String>,
}

/// What happened between `before` and `after` (see [`Since`]): a
/// magistrate's new absence within the horizon, a hearing gone (cancelled)
/// or with less capacity, a dossier gone (withdrawn, decided…), a new
/// recusal, a later ready date, an earlier latest hearing date, and a new
/// dossier that must be heard within the horizon. A looser constraint (an
/// absence withdrawn, more capacity) is no event: the published plan stays
/// lawful. New dossiers without a deadline in the horizon are counted in
/// `unhandled`: they wait for the next plan.
pub fn events_between(before: &InstanceDoc, after: &InstanceDoc) -> Since {
    let mut events = Vec::new();
    let mut unhandled = Vec::new();
    let date = |raw: &str| parse_date(raw).ok();
    let horizon = (date(&before.horizon.start), date(&before.horizon.end));
    let in_horizon = |range: &RangeDoc| match (horizon, date(&range.from), date(&range.to)) {
        ((Some(start), Some(end)), Some(from), Some(to)) => from <= end && to >= start,
        _ => false,
    };
    for magistrate in &before.magistrates {
        let Some(now) = after.magistrates.iter().find(|m| m.id == magistrate.id) else { continue };
        for range in now.absences.iter().filter(|r| !magistrate.absences.contains(r) && in_horizon(r)) {
            events.push(EventDoc::MagistrateAbsent {
                magistrate: magistrate.id.clone(),
                from: range.from.clone(),
                to: range.to.clone(),
            });
        }
    }
    for hearing in &before.hearings {
        match after.hearings.iter().find(|h| h.id == hearing.id) {
            None => events.push(EventDoc::HearingCancelled { hearing: hearing.id.clone() }),
            Some(now)
                if now.capacity_weight < hearing.capacity_weight || now.capacity_count < hearing.capacity_count =>
            {
                events.push(EventDoc::HearingCapacity {
                    hearing: hearing.id.clone(),
                    capacity_weight: (now.capacity_weight < hearing.capacity_weight).then_some(now.capacity_weight),
                    capacity_count: (now.capacity_count < hearing.capacity_count).then_some(now.capacity_count),
                });
            }
            Some(_) => {}
        }
    }
    for dossier in &before.dossiers {
        let Some(now) = after.dossiers.iter().find(|d| d.id == dossier.id) else {
            events.push(EventDoc::DossierWithdrawn { dossier: dossier.id.clone() });
            continue;
        };
        if now.rapporteurs != dossier.rapporteurs {
            unhandled.push(format!(
                "n° {} : rapporteur désigné à nouveau depuis la publication — vérifier à la main l'audience et la composition",
                dossier.pourvoi
            ));
        }
        for magistrate in now.recused.iter().filter(|m| !dossier.recused.contains(m)) {
            if dossier.rapporteurs.contains(magistrate) {
                // Already said above, or the registry still names the recused
                // magistrate as rapporteur: either way, by hand.
                if now.rapporteurs == dossier.rapporteurs {
                    unhandled.push(format!(
                        "n° {} : le rapporteur {magistrate} est récusé — désigner un autre rapporteur dans le registre",
                        dossier.pourvoi
                    ));
                }
                continue;
            }
            events.push(EventDoc::Recusal {
                dossier: dossier.id.clone(),
                magistrate: magistrate.clone(),
                ground: now.recusal_grounds.get(magistrate).cloned(),
            });
        }
        if date(&now.ready_date) > date(&dossier.ready_date) {
            events.push(EventDoc::DossierNotReady {
                dossier: dossier.id.clone(),
                ready_date: Some(now.ready_date.clone()),
            });
        }
        let earlier = match (now.deadline.as_deref().and_then(date), dossier.deadline.as_deref().and_then(date)) {
            (Some(now), Some(then)) => now < then,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if let (true, Some(deadline)) = (earlier, &now.deadline) {
            events.push(EventDoc::DossierUrgent {
                dossier: dossier.id.clone(),
                deadline: deadline.clone(),
                deadline_rule: now.deadline_rule.clone(),
            });
        }
    }
    let mut waiting = 0;
    for dossier in after.dossiers.iter().filter(|d| !before.dossiers.iter().any(|o| o.id == d.id)) {
        let due_in_horizon = match (dossier.deadline.as_deref().and_then(date), horizon.1) {
            (Some(deadline), Some(end)) => deadline <= end,
            _ => false,
        };
        if !due_in_horizon {
            waiting += 1;
            continue;
        }
        let known = |id: &String| before.magistrates.iter().any(|m| &m.id == id);
        if !dossier.rapporteurs.iter().chain(&dossier.avocat_general).chain(&dossier.recused).all(known) {
            unhandled.push(format!(
                "n° {} : à juger dans la période, mais ses magistrats ne sont pas ceux du plan — l'ajouter à la main",
                dossier.pourvoi
            ));
            continue;
        }
        let mut new = dossier.clone();
        new.pinned_hearing = None;
        events.push(EventDoc::DossierReady { dossier: Box::new(new) });
    }
    match waiting {
        0 => {}
        1 => unhandled
            .push("1 nouveau dossier en état, sans échéance dans la période, attend le prochain plan".to_owned()),
        n => unhandled
            .push(format!("{n} nouveaux dossiers en état, sans échéance dans la période, attendent le prochain plan")),
    }
    Since { events: EventsDoc { events }, unhandled }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::read_instance;

    fn instance() -> Instance {
        read_instance(
            r#"{
  "horizon": {"start": "2027-01-04", "end": "2027-01-29"},
  "chambers": [{"id": "civ1", "sections": []}],
  "magistrates": [
    {"id": "m1", "chamber": "civ1", "section": null, "role": "president", "rank": 1, "max_hearings_per_week": 3, "absences": []},
    {"id": "m2", "chamber": "civ1", "section": null, "role": "conseiller", "rank": 2, "max_hearings_per_week": 3, "absences": []},
    {"id": "m3", "chamber": "civ1", "section": null, "role": "conseiller", "rank": 3, "max_hearings_per_week": 3, "absences": []}
  ],
  "hearings": [
    {"id": "h1", "chamber": "civ1", "date": "2027-01-05", "half_day": "am", "formation": "FR", "capacity_weight": 10, "capacity_count": 5}
  ],
  "dossiers": [
    {"id": "d1", "pourvoi": "A 26-10.001", "chamber": "civ1", "formations": ["FR"], "rapporteurs": ["m3"],
     "avocat_general": null, "weight": 1, "priority": 5, "ready_date": "2026-12-01", "notice_days": 15,
     "deadline": null, "recused": [], "joined_group": null, "pinned_hearing": "h1"}
  ]
}"#,
        )
        .expect("valid instance")
    }

    fn events(text: &str) -> EventsDoc {
        crate::format::from_json_text(text).expect("events parse")
    }

    #[test]
    fn events_change_the_instance() {
        let applied = apply_events(
            &instance(),
            &events(
                r#"{"events": [
                {"type": "magistrate_absent", "magistrate": "m2", "from": "2027-01-05", "to": "2027-01-06"},
                {"type": "recusal", "dossier": "d1", "magistrate": "m1", "ground": "a connu de l'affaire"},
                {"type": "dossier_urgent", "dossier": "d1", "deadline": "2027-01-20"},
                {"type": "hearing_capacity", "hearing": "h1", "capacity_count": 2},
                {"type": "hearing_cancelled", "hearing": "h1"}
            ]}"#,
            ),
        )
        .expect("events apply");
        let instance = applied.instance;
        let m2 = instance.magistrates().iter().find(|m| m.id.as_str() == "m2").expect("m2");
        assert!(m2.is_absent_on(parse_date("2027-01-06").expect("date")));
        let d1 = &instance.dossiers()[0];
        assert!(d1.is_recused(&MagistrateId::parse("m1").expect("id")));
        assert_eq!(d1.deadline, Some(parse_date("2027-01-20").expect("date")));
        assert_eq!(d1.pinned_hearing, None, "a cancelled hearing unpins its dossiers");
        assert!(instance.hearings().is_empty());
        assert_eq!(applied.events.len(), 5);
        assert_eq!(applied.events[1].to_string(), "récusation de m1 dans le dossier d1");
    }

    #[test]
    fn not_ready_without_date_is_after_the_horizon() {
        let applied =
            apply_events(&instance(), &events(r#"{"events": [{"type": "dossier_not_ready", "dossier": "d1"}]}"#))
                .expect("applies");
        assert_eq!(applied.instance.dossiers()[0].ready_date, parse_date("2027-01-30").expect("date"));
    }

    #[test]
    fn every_problem_is_named_by_its_path_and_nothing_is_applied() {
        let problems = apply_events(
            &instance(),
            &events(
                r#"{"events": [
                {"type": "dossier_withdrawn", "dossier": "d1"},
                {"type": "recusal", "dossier": "d1", "magistrate": "m9"},
                {"type": "magistrate_absent", "magistrate": "m2", "from": "2027-01-09", "to": "2027-01-05"},
                {"type": "recusal", "dossier": "d1", "magistrate": "m3"}
            ]}"#,
            ),
        )
        .expect_err("refused");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["events[1].dossier", "events[1].magistrate", "events[2]", "events[3].dossier"]);
        assert!(problems[0].message.contains("retiré par un événement précédent"), "{}", problems[0]);
    }

    #[test]
    fn a_new_dossier_is_checked_where_it_is_written() {
        let problems = apply_events(
            &instance(),
            &events(
                r#"{"events": [{"type": "dossier_ready", "dossier":
                {"id": "d2", "pourvoi": "B 26-10.002", "chamber": "civ1", "formations": ["FR"], "rapporteurs": ["m7"],
                 "avocat_general": null, "weight": 1, "priority": 5, "ready_date": "2026-12-01", "notice_days": 15,
                 "deadline": null, "recused": [], "joined_group": null, "pinned_hearing": null}}]}"#,
            ),
        )
        .expect_err("unknown rapporteur");
        assert_eq!(problems[0].path, "events[0].dossier.rapporteurs[0]", "{problems:?}");
    }

    #[test]
    fn unknown_event_types_and_fields_are_refused_by_the_parser() {
        let error =
            crate::format::from_json_text::<EventsDoc>(r#"{"events": [{"type": "hearing_moved", "hearing": "h1"}]}"#)
                .expect_err("unknown type");
        assert!(error.to_string().contains("events[0]"), "{error}");
        let error = crate::format::from_json_text::<EventsDoc>(
            r#"{"events": [{"type": "dossier_withdrawn", "dossier": "d1", "when": "now"}]}"#,
        )
        .expect_err("unknown field");
        assert!(error.to_string().contains("when"), "{error}");
    }
    #[test]
    fn the_registry_s_changes_since_publication_are_events_that_apply() {
        let before = instance().to_doc();
        let mut after = before.clone();
        after.magistrates[1].absences.push(RangeDoc { from: "2027-01-05".into(), to: "2027-01-05".into() });
        // Outside the horizon: no event.
        after.magistrates[2].absences.push(RangeDoc { from: "2027-03-01".into(), to: "2027-03-02".into() });
        after.hearings[0].capacity_count = 3;
        after.hearings[0].capacity_weight = 12.0;
        after.dossiers[0].recused.push("m1".into());
        after.dossiers[0].recusal_grounds.insert("m1".into(), "a connu de l'affaire".into());
        after.dossiers[0].deadline = Some("2027-01-20".into());
        let mut urgent = after.dossiers[0].clone();
        urgent.id = "d2".into();
        urgent.pourvoi = "B 26-10.002".into();
        urgent.recused.clear();
        urgent.recusal_grounds.clear();
        let mut later = urgent.clone();
        later.id = "d3".into();
        later.deadline = Some("2027-06-01".into());
        after.dossiers.extend([urgent, later]);
        let since = events_between(&before, &after);
        let kinds: Vec<String> = since
            .events
            .events
            .iter()
            .map(|e| serde_json::to_value(e).expect("json")["type"].as_str().expect("type").to_owned())
            .collect();
        assert_eq!(kinds, ["magistrate_absent", "hearing_capacity", "recusal", "dossier_urgent", "dossier_ready"]);
        assert_eq!(
            since.events.events[1],
            EventDoc::HearingCapacity { hearing: "h1".into(), capacity_weight: None, capacity_count: Some(3) },
            "only what was reduced"
        );
        assert_eq!(
            since.unhandled,
            ["1 nouveau dossier en état, sans échéance dans la période, attend le prochain plan"]
        );
        let applied = apply_events(&instance(), &since.events).expect("derived events apply");
        assert_eq!(applied.instance.dossiers().len(), 2);
        assert!(events_between(&before, &before).events.events.is_empty(), "nothing happened, no event");
        let told: Vec<String> = since.events.events.iter().map(|e| e.describe(&after)).collect();
        assert_eq!(
            told,
            [
                "m2 absent(e) le 05/01/2027",
                "capacité de l'audience du 05/01/2027 (matin) réduite à 3 dossier(s)",
                "m1 récusé(e) dans le n° A 26-10.001 (a connu de l'affaire)",
                "n° A 26-10.001 à juger au plus tard le 20/01/2027",
                "nouveau dossier en état : n° B 26-10.002, à juger au plus tard le 20/01/2027",
            ]
        );
    }

    #[test]
    fn a_withdrawal_a_cancelled_hearing_and_a_recused_rapporteur_are_told_apart() {
        let before = instance().to_doc();
        let mut after = before.clone();
        after.hearings.clear();
        after.dossiers[0].recused.push("m3".into());
        let since = events_between(&before, &after);
        assert_eq!(since.events.events, [EventDoc::HearingCancelled { hearing: "h1".into() }]);
        assert_eq!(since.unhandled.len(), 1);
        assert!(since.unhandled[0].contains("le rapporteur m3 est récusé"), "{:?}", since.unhandled);
        after.dossiers.clear();
        let since = events_between(&before, &after);
        assert_eq!(since.events.events[1], EventDoc::DossierWithdrawn { dossier: "d1".into() });
        assert!(since.unhandled.is_empty());
    }
}
