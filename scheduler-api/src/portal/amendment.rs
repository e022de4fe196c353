//! Amending a published plan from the portal. The published board lists
//! what happened in the registry since publication (`workflow::
//! events_since_publication`: absences, recusals, withdrawals, dossiers no
//! longer ready, new deadlines, hearings cancelled or reduced) and offers
//! « Proposer un avenant »: the repair (`workflow::amend`) makes a draft
//! that amends the plan, whose board shows the events it repairs, each
//! change to the published rolls with its reason, its disruption next to
//! the proven minimum, and the tasks its publication will create — before
//! it is validated and published like any draft.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_models::errors::ErrorCode;
use greffe_models::events::Since;
use greffe_models::format::InstanceDoc;
use greffe_models::plan_status::PlanStatus;
use greffe_store::plans::PlanSummary;

use super::forms::Fields;
use super::pages::date_fr;
use super::planning::{board_refusal, readable_plan};
use super::publication::hearing_title;
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;
use crate::workflow::{self, AmendmentView};

/// What happened since a published plan's publication, on its board.
#[derive(Debug, Clone, Default)]
pub struct SincePanel {
    /// The events an amendment would repair, in French.
    pub events: Vec<String>,
    /// What an amendment does not carry, in French.
    pub unhandled: Vec<String>,
    /// The member may propose an amendment (plans the chamber).
    pub amends: bool,
    /// Amendments already drafted: (plan id, title).
    pub drafts: Vec<(i64, String)>,
}

/// One change an amendment makes to the published rolls.
#[derive(Debug, Clone)]
pub struct ChangeLine {
    /// Pourvoi number, or the hearing for a change of seats.
    pub subject: String,
    /// What changes.
    pub what: String,
    /// Why, in French.
    pub reason: String,
}

/// A task the amendment's publication will create.
#[derive(Debug, Clone)]
pub struct TaskLine {
    /// Pourvoi number.
    pub pourvoi: String,
    /// Hearing, by day.
    pub hearing: String,
    /// What to send.
    pub what: &'static str,
    /// Last day, or « — ».
    pub due: String,
}

/// The amendment panel at the top of an amending draft's board.
#[derive(Debug, Clone)]
pub struct AmendmentPanel {
    /// The published plan it amends.
    pub amends: i64,
    /// The events it repairs, in French.
    pub events: Vec<String>,
    /// Changes to the published rolls (moves, drops, seats) now.
    pub changes: usize,
    /// Changes the repair made.
    pub repaired: usize,
    /// The fewest changes any lawful plan needs.
    pub minimum: usize,
    /// Published dossiers moved or dropped.
    pub published_changed: usize,
    /// Dossiers added (new work).
    pub added: usize,
    /// Every change with its reason.
    pub lines: Vec<ChangeLine>,
    /// Tasks its publication will create.
    pub tasks: Vec<TaskLine>,
    /// Edited on the board after the repair.
    pub edited: bool,
}

impl AmendmentPanel {
    /// The panel of `view`, names from `doc` (the amending draft's instance).
    pub fn of(view: AmendmentView, doc: &InstanceDoc) -> Self {
        let pourvois: HashMap<&str, &str> = doc.dossiers.iter().map(|d| (d.id.as_str(), d.pourvoi.as_str())).collect();
        let pourvoi = |id: &str| pourvois.get(id).map_or_else(|| format!("dossier {id}"), |p| (*p).to_owned());
        let names: HashMap<&str, &str> =
            doc.magistrates.iter().map(|m| (m.id.as_str(), m.name.as_deref().unwrap_or(m.id.as_str()))).collect();
        let people = |ids: &[greffe_models::MagistrateId]| {
            ids.iter().map(|m| names.get(m.as_str()).copied().unwrap_or(m.as_str())).collect::<Vec<_>>().join(", ")
        };
        let hearing = |id: &str| hearing_title(doc, id);
        // The repair's reasons name magistrates and dossiers by instance id.
        let reason = |text: &str| named(text, &names, &pourvois);
        let diff = &view.diff;
        let mut lines: Vec<ChangeLine> = Vec::new();
        lines.extend(diff.moved.iter().map(|m| ChangeLine {
            subject: pourvoi(m.dossier.as_str()),
            what: format!(
                "déplacé de l'audience du {} à celle du {}",
                hearing(m.from.as_str()),
                hearing(m.to.as_str())
            ),
            reason: reason(&m.reason),
        }));
        lines.extend(diff.dropped.iter().map(|p| ChangeLine {
            subject: pourvoi(p.dossier.as_str()),
            what: format!("retiré du rôle du {}", hearing(p.hearing.as_str())),
            reason: reason(&p.reason),
        }));
        lines.extend(diff.added.iter().map(|p| ChangeLine {
            subject: pourvoi(p.dossier.as_str()),
            what: format!("ajouté au rôle du {}", hearing(p.hearing.as_str())),
            reason: reason(&p.reason),
        }));
        lines.extend(diff.seats.iter().map(|s| {
            let what = match (s.left.is_empty(), s.joined.is_empty()) {
                (true, _) => format!("siègent : {}", people(&s.joined)),
                (false, true) => format!("ne siègent plus : {}", people(&s.left)),
                (false, false) => format!("{} remplacé(s) par {}", people(&s.left), people(&s.joined)),
            };
            ChangeLine {
                subject: format!("Audience du {}", hearing(s.hearing.as_str())),
                what,
                reason: reason(&s.reason),
            }
        }));
        let tasks = view
            .tasks
            .iter()
            .map(|t| TaskLine {
                pourvoi: pourvoi(t.dossier.as_str()),
                hearing: hearing(t.hearing.as_str()),
                what: t.kind.label_fr(),
                due: t.due.map_or_else(|| "—".to_owned(), |d| date_fr(&d.to_string())),
            })
            .collect();
        Self {
            amends: view.amends,
            events: view.events,
            changes: diff.changes(),
            repaired: view.disruption.changes,
            minimum: view.disruption.minimum,
            published_changed: view.disruption.published_changed,
            added: diff.added.len(),
            lines,
            tasks,
            edited: view.edited,
        }
    }
}

/// `text` with each whole word that is a magistrate's id replaced by the
/// magistrate's name, and each « dossier ID » by the dossier's pourvoi.
fn named(text: &str, names: &HashMap<&str, &str>, pourvois: &HashMap<&str, &str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = "";
    for (i, piece) in text.split_inclusive(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).enumerate() {
        let end = piece.len()
            - piece
                .chars()
                .last()
                .filter(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
                .map_or(0, char::len_utf8);
        let (word, tail) = piece.split_at(end);
        if let Some(name) = names.get(word) {
            out.push_str(name);
        } else if let (Some(pourvoi), true) = (pourvois.get(word), i > 0 && previous == "dossier ") {
            out.push_str(&format!("n° {pourvoi}"));
        } else {
            out.push_str(word);
        }
        out.push_str(tail);
        previous = piece;
    }
    out
}

/// The panel of a published plan in force: `since` its publication (its
/// instance `published` names who and what), and its amendments in
/// preparation among `plans` (the chamber's plans the member reads).
pub fn since_panel(
    member: &Member,
    summary: &PlanSummary,
    since: Since,
    published: &InstanceDoc,
    plans: &[PlanSummary],
) -> SincePanel {
    let caller = member.caller();
    SincePanel {
        events: since.events.events.iter().map(|e| e.describe(published)).collect(),
        unhandled: since.unhandled,
        amends: caller.0.role.may(Operation::Plan) && caller.0.covers(&summary.chamber),
        drafts: plans
            .iter()
            .filter(|p| p.amends == Some(summary.id) && matches!(p.status, PlanStatus::Draft | PlanStatus::Validated))
            .map(|p| (p.id, p.title.clone()))
            .collect(),
    }
}

/// `POST /portail/plans/{id}/avenant`: the events since publication
/// repaired into an amending draft, whose board opens.
pub async fn propose(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<i64, Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        let summary = readable_plan(&state, &member, &raw_id).await?;
        let caller = member.caller();
        caller.require(Operation::Plan)?;
        caller.require_chamber(&summary.chamber)?;
        let since = workflow::events_since_publication(&state.store, &state.rules, &summary).await?;
        if since.events.events.is_empty() {
            return Err(Error::conflict(
                ErrorCode::PlanStatus,
                "aucun événement depuis la publication : aucun avenant à proposer",
                "enregistrer d'abord l'événement (absence, récusation, retrait…) dans le registre",
            ));
        }
        let amendment = workflow::amend(&state.store, member.actor(), &summary, &since.events).await?;
        Ok(amendment.plan.summary.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/portail/plans/{id}?fait=avenant#avenant")).into_response(),
        Err(error) => board_refusal(&state, &member, &raw_id, &error).await,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn reasons_name_magistrates_and_dossiers_as_the_clerk_knows_them() {
        let names = HashMap::from([("m1", "Mme Durand"), ("m14", "M. Petit")]);
        let pourvois = HashMap::from([("12", "A 26-10.012")]);
        assert_eq!(
            super::named("m1 absent, remplacé par m14", &names, &pourvois),
            "Mme Durand absent, remplacé par M. Petit"
        );
        assert_eq!(
            super::named("joint au dossier 12, qui doit quitter l'audience (m11 reste)", &names, &pourvois),
            "joint au dossier n° A 26-10.012, qui doit quitter l'audience (m11 reste)"
        );
        assert_eq!(super::named("capacité 12 dépassée", &names, &pourvois), "capacité 12 dépassée");
    }
}
