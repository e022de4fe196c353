//! What changed between two plans of the same hearings, and the registry
//! tasks those changes imply: notices (*avis d'audience*) to send to the
//! parties' avocats, notices to withdraw, new compositions to announce.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::ids::{DossierId, HearingId, MagistrateId};
use crate::instance::Instance;
use crate::plan::Plan;

/// A dossier heard at another hearing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    /// The dossier.
    pub dossier: DossierId,
    /// Its hearing in the previous plan.
    pub from: HearingId,
    /// Its hearing now.
    pub to: HearingId,
    /// Why, in French (filled by whoever made the change).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// A dossier entering or leaving the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The dossier.
    pub dossier: DossierId,
    /// The hearing it enters, or leaves.
    pub hearing: HearingId,
    /// Why, in French.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// A hearing whose bench changed while it hears dossiers in both plans, or
/// which hears dossiers only in the new plan (every seat is then new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatChange {
    /// The hearing.
    pub hearing: HearingId,
    /// Members who no longer sit.
    pub left: Vec<MagistrateId>,
    /// Members who now sit.
    pub joined: Vec<MagistrateId>,
    /// Why, in French.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// The changes from one plan to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDiff {
    /// Dossiers heard at another hearing.
    pub moved: Vec<Move>,
    /// Dossiers heard now, not before.
    pub added: Vec<Placement>,
    /// Dossiers heard before, not now.
    pub dropped: Vec<Placement>,
    /// Benches changed at hearings that hear dossiers now.
    pub seats: Vec<SeatChange>,
    /// Hearings that heard dossiers and hear none now.
    pub released: Vec<HearingId>,
}

impl PlanDiff {
    /// Seats now held by someone else: members who joined a bench.
    pub fn seats_changed(&self) -> usize {
        self.seats.iter().map(|change| change.joined.len()).sum()
    }

    /// Changes to what was planned: moves, drops and changed seats (added
    /// dossiers are new work, counted apart).
    pub fn changes(&self) -> usize {
        self.moved.len() + self.dropped.len() + self.seats_changed()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.moved.is_empty()
            && self.added.is_empty()
            && self.dropped.is_empty()
            && self.seats.is_empty()
            && self.released.is_empty()
    }
}

/// The changes from `previous` to `next`, in a stable order (by id).
pub fn diff(previous: &Plan, next: &Plan) -> PlanDiff {
    let at = |plan: &Plan| -> BTreeMap<DossierId, HearingId> {
        plan.assignments.iter().map(|a| (a.dossier.clone(), a.hearing.clone())).collect()
    };
    let bench = |plan: &Plan| -> BTreeMap<HearingId, BTreeSet<MagistrateId>> {
        plan.benches.iter().map(|b| (b.hearing.clone(), b.members.iter().cloned().collect())).collect()
    };
    let (before, after) = (at(previous), at(next));
    let (bench_before, bench_after) = (bench(previous), bench(next));
    let mut result = PlanDiff::default();
    for (dossier, from) in &before {
        match after.get(dossier) {
            Some(to) if to != from => result.moved.push(Move {
                dossier: dossier.clone(),
                from: from.clone(),
                to: to.clone(),
                reason: String::new(),
            }),
            Some(_) => {}
            None => result.dropped.push(Placement {
                dossier: dossier.clone(),
                hearing: from.clone(),
                reason: String::new(),
            }),
        }
    }
    for (dossier, to) in &after {
        if !before.contains_key(dossier) {
            result.added.push(Placement { dossier: dossier.clone(), hearing: to.clone(), reason: String::new() });
        }
    }
    let used_before: BTreeSet<&HearingId> = before.values().collect();
    let used_after: BTreeSet<&HearingId> = after.values().collect();
    let empty = BTreeSet::new();
    for hearing in &used_after {
        let new = bench_after.get(*hearing).unwrap_or(&empty);
        let old = if used_before.contains(hearing) { bench_before.get(*hearing).unwrap_or(&empty) } else { &empty };
        if new != old {
            result.seats.push(SeatChange {
                hearing: (*hearing).clone(),
                left: old.difference(new).cloned().collect(),
                joined: new.difference(old).cloned().collect(),
                reason: String::new(),
            });
        }
    }
    result.released = used_before.difference(&used_after).map(|h| (*h).clone()).collect();
    result
}

/// Kinds of registry tasks a plan change implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Send the avis d'audience to the parties' avocats.
    SendNotice,
    /// Tell the parties' avocats that the dossier is no longer at that hearing.
    WithdrawNotice,
    /// Tell the parties' avocats the hearing's new composition.
    CompositionNotice,
    /// Notify the parties of the decision rendered (not implied by a plan
    /// change: queued when the decision is rendered).
    DecisionNotice,
    /// Communicate to the parties' lawyers a work document they read, as
    /// filed: the rapporteur's report, the avocat général's opinion
    /// (`work::VISIBILITY`; queued when it is filed; no hearing).
    WorkNotice,
    /// Notify the parties of the president's order (déchéance,
    /// désistement; queued at its last signature; no hearing).
    OrderNotice,
}

impl TaskKind {
    /// Every kind.
    pub const ALL: [Self; 6] = [
        Self::SendNotice,
        Self::WithdrawNotice,
        Self::CompositionNotice,
        Self::DecisionNotice,
        Self::WorkNotice,
        Self::OrderNotice,
    ];

    /// The kind of a stable code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == code)
    }

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendNotice => "send_notice",
            Self::WithdrawNotice => "withdraw_notice",
            Self::CompositionNotice => "composition_notice",
            Self::DecisionNotice => "decision_notice",
            Self::WorkNotice => "work_notice",
            Self::OrderNotice => "order_notice",
        }
    }

    /// What it sends, in French, in a word (« avis d'audience »…).
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::SendNotice => "avis d'audience",
            Self::WithdrawNotice => "avis de retrait du rôle",
            Self::CompositionNotice => "avis de composition",
            Self::DecisionNotice => "notification de l'arrêt",
            Self::WorkNotice => "communication aux avocats",
            Self::OrderNotice => "notification de l'ordonnance",
        }
    }
}

/// One registry task implied by a plan change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpliedTask {
    /// What to do.
    pub kind: TaskKind,
    /// The dossier whose avocats are notified.
    pub dossier: DossierId,
    /// The hearing concerned.
    pub hearing: HearingId,
    /// Latest day to do it: the hearing date less the dossier's notice
    /// period, for notices to send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// What to do, in French, for the clerk.
    pub label: String,
}

/// The tasks implied by `diff`, `next` being the plan over `instance`.
pub fn implied_tasks(instance: &Instance, diff: &PlanDiff, next: &Plan) -> Vec<ImpliedTask> {
    let mut tasks = Vec::new();
    let send = |dossier: &DossierId, hearing: &HearingId| {
        let date = instance.hearing(hearing).map(|h| h.date);
        let notice = instance.dossier(dossier).map(|d| d.notice_days);
        let due = date.zip(notice).and_then(|(date, days)| date.checked_sub_days(chrono::Days::new(u64::from(days))));
        ImpliedTask {
            kind: TaskKind::SendNotice,
            dossier: dossier.clone(),
            hearing: hearing.clone(),
            due,
            label: match (date, due) {
                (Some(date), Some(due)) => {
                    format!(
                        "envoyer l'avis d'audience du {} ({hearing}) aux avocats, au plus tard le {}",
                        date.format("%d/%m/%Y"),
                        due.format("%d/%m/%Y")
                    )
                }
                _ => format!("envoyer l'avis d'audience ({hearing}) aux avocats"),
            },
        }
    };
    let withdraw = |dossier: &DossierId, hearing: &HearingId, why: &str| ImpliedTask {
        kind: TaskKind::WithdrawNotice,
        dossier: dossier.clone(),
        hearing: hearing.clone(),
        due: None,
        label: format!("informer les avocats que le dossier n'est plus appelé à l'audience {hearing}{why}"),
    };
    let mut notified: BTreeSet<(&DossierId, &HearingId)> = BTreeSet::new();
    for added in &diff.added {
        tasks.push(send(&added.dossier, &added.hearing));
        notified.insert((&added.dossier, &added.hearing));
    }
    for moved in &diff.moved {
        tasks.push(withdraw(&moved.dossier, &moved.from, &format!(" (renvoyé à l'audience {})", moved.to)));
        tasks.push(send(&moved.dossier, &moved.to));
        notified.insert((&moved.dossier, &moved.to));
    }
    for dropped in &diff.dropped {
        tasks.push(withdraw(&dropped.dossier, &dropped.hearing, ""));
    }
    for change in diff.seats.iter().filter(|change| !change.left.is_empty()) {
        let names = |ids: &[MagistrateId]| ids.iter().map(MagistrateId::as_str).collect::<Vec<_>>().join(", ");
        for assignment in next.assignments.iter().filter(|a| a.hearing == change.hearing) {
            if notified.contains(&(&assignment.dossier, &assignment.hearing)) {
                continue;
            }
            tasks.push(ImpliedTask {
                kind: TaskKind::CompositionNotice,
                dossier: assignment.dossier.clone(),
                hearing: change.hearing.clone(),
                due: None,
                label: format!(
                    "informer les avocats de la nouvelle composition de l'audience {} : {} remplacé(s) par {}",
                    change.hearing,
                    names(&change.left),
                    names(&change.joined)
                ),
            });
        }
    }
    tasks.sort_by(|a, b| (a.kind, &a.dossier, &a.hearing).cmp(&(b.kind, &b.dossier, &b.hearing)));
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_kind_reads_back_from_its_code() {
        for kind in TaskKind::ALL {
            assert_eq!(TaskKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(TaskKind::parse("send"), None);
    }

    fn plan(assignments: &[(&str, &str)], benches: &[(&str, &[&str])]) -> Plan {
        let json = serde_json::json!({
            "assignments": assignments.iter().map(|(d, h)| serde_json::json!({"dossier": d, "hearing": h})).collect::<Vec<_>>(),
            "benches": benches.iter().map(|(h, members)| serde_json::json!({"hearing": h, "president": members[0], "members": members})).collect::<Vec<_>>(),
        });
        Plan::from_json(&json.to_string()).expect("plan")
    }

    #[test]
    fn moves_additions_drops_and_seats_are_told_apart() {
        let before = plan(&[("d1", "h1"), ("d2", "h1"), ("d3", "h2")], &[("h1", &["m1", "m2"]), ("h2", &["m3", "m4"])]);
        let after = plan(&[("d1", "h1"), ("d2", "h3"), ("d4", "h1")], &[("h1", &["m1", "m5"]), ("h3", &["m3", "m4"])]);
        let diff = diff(&before, &after);
        assert_eq!(diff.moved.len(), 1);
        assert_eq!((diff.moved[0].dossier.as_str(), diff.moved[0].to.as_str()), ("d2", "h3"));
        assert_eq!(diff.added.iter().map(|p| p.dossier.as_str()).collect::<Vec<_>>(), ["d4"]);
        assert_eq!(diff.dropped.iter().map(|p| p.dossier.as_str()).collect::<Vec<_>>(), ["d3"]);
        assert_eq!(diff.released.iter().map(HearingId::as_str).collect::<Vec<_>>(), ["h2"]);
        // h1 changed one seat; h3 is newly used: both its seats are new.
        assert_eq!(diff.seats_changed(), 3);
        assert_eq!(diff.changes(), 1 + 1 + 3);
        assert!(super::diff(&before, &before).is_empty());
    }
}
