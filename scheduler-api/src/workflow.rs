//! The plan workflow — draft → validated → published → amended — as
//! operations on the store that the API, the portal, the benches and the
//! tests all call. **No axum type here**: access (role and chamber) is
//! checked by the callers through `greffe_models::access`; each operation
//! here re-checks the law (the independent checker) against the registry as
//! it is when it runs.

use std::collections::BTreeSet;

use greffe_checker::{CheckOptions, CheckReport, check};
use greffe_models::diff::{ImpliedTask, PlanDiff, diff, implied_tasks};
use greffe_models::edit::{Edit, MISSING_REFERENCE, apply_edit};
use greffe_models::events::{EventsDoc, Since, apply_events, events_between};
use greffe_models::format::InstanceDoc;
use greffe_models::plan_status::PlanStatus;
use greffe_models::planning::PlanningRules;
use greffe_models::{Date, Instance, Plan};
use greffe_solver::{Disruption, RepairConfig, repair};
use greffe_store::Store;
use greffe_store::planning::{horizon, validated};
use greffe_store::plans::{Faults, NewNoticeTask, NewPlan, PlanRecord, PlanSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, ErrorCode, Result};

/// A draft's instance, refused when an edit made it invalid.
pub fn instance_of(doc: &InstanceDoc) -> Result<Instance> {
    Ok(validated(doc, "le projet ne forme plus une instance valide", "annuler la dernière modification")?)
}

/// One edit of a draft at version `expected`: applied to the stored draft,
/// checked at once, kept with its verdict in the history. An edit that
/// breaks a rule is kept — validation then refuses.
pub async fn apply(store: &Store, actor: &str, id: i64, expected: i64, edit: &Edit) -> Result<PlanRecord> {
    let mut doc = store.plan_instance(id).await?;
    let mut plan = store.plan(id).await?.plan;
    // What undoes it, from the draft as it stands (the history keeps it).
    let undo = greffe_models::edit::inverse(&doc, &plan, edit);
    let done = apply_edit(&mut doc, &mut plan, edit).map_err(|problem| {
        if MISSING_REFERENCE.contains(&problem.code) {
            Error::from(greffe_store::Error::bad_reference(problem.path, problem.message, problem.fix))
        } else {
            Error::invalid(problem.path, problem.message, problem.fix)
        }
    })?;
    let instance = instance_of(&doc)?;
    let report = check(&instance, &plan, CheckOptions::default());
    let detail = serde_json::json!({"edit": edit, "done": done, "violations": report.violations.len(), "undo": undo});
    Ok(store.edit_plan(actor, id, expected, &doc, &plan, &report, detail).await?)
}

/// The draft's content re-checked against the store as it is now: a fresh
/// instance of the draft's chamber and horizon, restricted to the draft's
/// dossiers (a dossier no longer plannable is named), with the draft's own
/// hearing changes and pins.
async fn recheck(
    store: &Store,
    rules: &PlanningRules,
    summary: &PlanSummary,
    draft: &InstanceDoc,
    plan: &Plan,
) -> Result<CheckReport> {
    let fresh = fresh_instance(store, rules, summary, draft).await?;
    let released = released_by_repair(store, summary).await?;
    check_against(fresh, draft, plan, &released)
}

/// The published dossiers an amendment's repair moved or took off the
/// roll, each for a reason the events give (its recorded diff): their
/// published hearing no longer binds the amendment. Empty for any other
/// plan.
async fn released_by_repair(store: &Store, summary: &PlanSummary) -> Result<BTreeSet<String>> {
    if summary.amends.is_none() {
        return Ok(BTreeSet::new());
    }
    let diff = amendment_origin(store, summary).await?.diff;
    let moved = diff.moved.iter().map(|m| m.dossier.to_string());
    Ok(moved.chain(diff.dropped.iter().map(|p| p.dossier.to_string())).collect())
}

/// `plan` checked against `fresh` (the registry now) restricted to the
/// dossiers of `draft`, with the draft's own hearing settings and pins;
/// the dossiers of `released` bound by no published hearing.
fn check_against(
    mut fresh: InstanceDoc,
    draft: &InstanceDoc,
    plan: &Plan,
    released: &BTreeSet<String>,
) -> Result<CheckReport> {
    fresh.dossiers.retain(|d| draft.dossiers.iter().any(|o| o.id == d.id));
    for dossier in &mut fresh.dossiers {
        if let Some(own) = draft.dossiers.iter().find(|o| o.id == dossier.id) {
            if own.pinned_hearing.is_some() {
                dossier.pinned_hearing.clone_from(&own.pinned_hearing);
            }
        }
        if released.contains(&dossier.id) {
            dossier.pinned_hearing = None;
        }
    }
    for hearing in &mut fresh.hearings {
        if let Some(own) = draft.hearings.iter().find(|o| o.id == hearing.id) {
            hearing.formation.clone_from(&own.formation);
            hearing.capacity_weight = own.capacity_weight;
            hearing.capacity_count = own.capacity_count;
        }
    }
    let instance = instance_of(&fresh)?;
    Ok(check(&instance, plan, CheckOptions::default()))
}

/// The registry's instance now, for the chamber, horizon and publication
/// day of `draft` (the instance a plan was made from).
async fn fresh_instance(
    store: &Store,
    rules: &PlanningRules,
    summary: &PlanSummary,
    draft: &InstanceDoc,
) -> Result<InstanceDoc> {
    let (start, end) = horizon(&summary.horizon_start, &summary.horizon_end)?;
    let publication = draft
        .horizon
        .publication_date
        .as_deref()
        .and_then(|d| greffe_models::dates::parse_date(d).ok())
        .unwrap_or(start);
    Ok(store.planning_instance(&summary.chamber, start, end, publication, rules).await?.doc)
}

/// A published plan's instance with every dossier of its rolls pinned to
/// its hearing: they are published, and an amendment moves them only when
/// an event forces it.
async fn published_instance(store: &Store, summary: &PlanSummary) -> Result<(InstanceDoc, Plan)> {
    let mut doc = store.plan_instance(summary.id).await?;
    let plan = store.plan(summary.id).await?.plan;
    for assignment in &plan.assignments {
        if let Some(dossier) = doc.dossiers.iter_mut().find(|d| d.id == assignment.dossier.as_str()) {
            dossier.pinned_hearing = Some(assignment.hearing.to_string());
        }
    }
    Ok((doc, plan))
}

/// A published plan in force against the registry now: its re-check and
/// the events since its publication, from one read of the registry.
#[derive(Debug)]
pub struct InForce {
    /// The plan re-checked: the violations the events cause.
    pub recheck: Recheck,
    /// The events since publication, as an amendment repairs them.
    pub since: Since,
    /// The plan's instance as published (names for the events).
    pub published: InstanceDoc,
}

/// `summary` (the published plan in force) against the registry as it is
/// now: the violations later events cause, and those events.
pub async fn plan_in_force(store: &Store, rules: &PlanningRules, summary: &PlanSummary) -> Result<InForce> {
    require_published(summary)?;
    let (published, plan) = published_instance(store, summary).await?;
    let now = fresh_instance(store, rules, summary, &published).await?;
    let since = events_between(&published, &now);
    let report = check_against(now, &published, &plan, &BTreeSet::new())?;
    Ok(InForce { recheck: recheck_of(summary.id, report, &plan), since, published })
}

/// What happened in the registry since `summary` (the published plan in
/// force) was published, as the events an amendment repairs, and what an
/// amendment does not carry (see [`events_between`]).
pub async fn events_since_publication(store: &Store, rules: &PlanningRules, summary: &PlanSummary) -> Result<Since> {
    require_published(summary)?;
    let (published, _) = published_instance(store, summary).await?;
    let now = fresh_instance(store, rules, summary, &published).await?;
    Ok(events_between(&published, &now))
}

/// A plan re-checked against the store as it is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recheck {
    /// The plan.
    pub plan: i64,
    /// The checker's report against the registry today.
    #[schema(value_type = Object)]
    pub report: CheckReport,
    /// Hearings named by a violation: those an amendment must touch.
    pub affected_hearings: Vec<String>,
    /// Dossiers named by a violation.
    pub affected_dossiers: Vec<String>,
}

/// Re-checks a plan (typically the published one) against the store as it
/// is now — a withdrawal, a new recusal, an absence, a dossier no longer
/// ready shows up as violations — and flags the hearings they touch.
pub async fn recheck_plan(store: &Store, rules: &PlanningRules, summary: &PlanSummary) -> Result<Recheck> {
    let draft = store.plan_instance(summary.id).await?;
    let plan = store.plan(summary.id).await?.plan;
    let report = recheck(store, rules, summary, &draft, &plan).await?;
    Ok(recheck_of(summary.id, report, &plan))
}

/// The hearings and dossiers `report` (of `plan`, re-checked) names.
fn recheck_of(id: i64, report: CheckReport, plan: &Plan) -> Recheck {
    let mut hearings: Vec<String> =
        report.violations.iter().filter_map(|v| v.hearing.as_ref().map(ToString::to_string)).collect();
    // A dossier's violation without a hearing: its hearing in the plan.
    for violation in &report.violations {
        if let Some(at) = violation.dossier.as_ref().and_then(|d| plan.assignments.iter().find(|a| &a.dossier == d)) {
            hearings.push(at.hearing.to_string());
        }
    }
    hearings.sort();
    hearings.dedup();
    let mut dossiers: Vec<String> =
        report.violations.iter().filter_map(|v| v.dossier.as_ref().map(ToString::to_string)).collect();
    dossiers.sort();
    dossiers.dedup();
    Recheck { plan: id, report, affected_hearings: hearings, affected_dossiers: dossiers }
}

/// `draft → validated`, refused when the draft breaks a hard rule against
/// the store as it is now.
pub async fn validate(
    store: &Store,
    rules: &PlanningRules,
    actor: &str,
    summary: &PlanSummary,
    expected: i64,
    reason: Option<&str>,
) -> Result<PlanRecord> {
    let draft = store.plan_instance(summary.id).await?;
    let plan = store.plan(summary.id).await?.plan;
    let report = recheck(store, rules, summary, &draft, &plan).await?;
    Ok(store.validate_plan(actor, summary.id, expected, &report, reason).await?)
}

/// A notice that publication will create.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedNotice {
    /// The task: kind, dossier, hearing, last day, label.
    #[schema(value_type = Object)]
    pub task: ImpliedTask,
    /// Its last day is already past: publication needs a reason.
    pub late: bool,
}

/// A hearing whose roll publication writes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedRoll {
    /// Hearing.
    pub hearing: String,
    /// Day.
    pub date: String,
    /// `am` or `pm`.
    pub half_day: String,
    /// Formation.
    pub formation: String,
    /// Dossiers on its roll.
    pub dossiers: usize,
    /// Its roll or bench differs from the one published before.
    pub changed: bool,
}

/// What publishing a validated plan will do, shown to the clerk before she
/// confirms, and done as shown: [`publish`] computes the same.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Publication {
    /// The plan.
    pub plan: i64,
    /// Its version (`If-Match` of the publication).
    pub version: i64,
    /// The day the notices' last days are compared with.
    pub today: String,
    /// The rolls written, in date order.
    pub rolls: Vec<PublishedRoll>,
    /// The registry tasks created (notices to send, withdraw, composition),
    /// soonest first.
    pub notices: Vec<PublishedNotice>,
    /// Notices whose last day is past: publication is refused unless a
    /// reason is recorded.
    pub late: usize,
    /// Dossiers that become « audiencé ».
    pub scheduled: usize,
    /// Dossiers that leave a published roll and are « en état » again.
    pub released: Vec<String>,
    /// The changes to the rolls published before.
    #[schema(value_type = Object)]
    pub changes: PlanDiff,
    /// Drafts and validated plans that become stale, and the published plan
    /// this one replaces (amended).
    pub overtaken: Vec<PlanSummary>,
}

/// What publishing `summary` would do, against the store as it is now.
pub async fn publication(store: &Store, summary: &PlanSummary, today: Date) -> Result<Publication> {
    let (doc, plan, changes, tasks) = publication_content(store, summary).await?;
    let mut notices: Vec<PublishedNotice> =
        tasks.into_iter().map(|task| PublishedNotice { late: is_late(&task, today), task }).collect();
    notices.sort_by_key(|n| (n.task.due.is_none(), n.task.due, n.task.kind));
    let mut rolls: Vec<PublishedRoll> = doc
        .hearings
        .iter()
        .filter_map(|h| {
            let dossiers = plan.assignments.iter().filter(|a| a.hearing.as_str() == h.id).count();
            let touched = |id: &greffe_models::HearingId| id.as_str() == h.id;
            let changed = changes.moved.iter().any(|m| touched(&m.from) || touched(&m.to))
                || changes.added.iter().any(|p| touched(&p.hearing))
                || changes.dropped.iter().any(|p| touched(&p.hearing))
                || changes.seats.iter().any(|s| touched(&s.hearing));
            (dossiers > 0 || changed).then(|| PublishedRoll {
                hearing: h.id.clone(),
                date: h.date.clone(),
                half_day: h.half_day.clone(),
                formation: h.formation.clone(),
                dossiers,
                changed,
            })
        })
        .collect();
    rolls.sort_by(|a, b| (&a.date, &a.half_day, &a.hearing).cmp(&(&b.date, &b.half_day, &b.hearing)));
    let pourvoi = |id: &greffe_models::DossierId| {
        doc.dossiers.iter().find(|d| d.id == id.as_str()).map_or_else(|| id.to_string(), |d| d.pourvoi.clone())
    };
    let released = changes.dropped.iter().map(|p| pourvoi(&p.dossier)).collect();
    Ok(Publication {
        plan: summary.id,
        version: summary.version,
        today: today.to_string(),
        late: notices.iter().filter(|n| n.late).count(),
        scheduled: plan.assignments.len(),
        rolls,
        notices,
        released,
        changes,
        overtaken: store.overlapping_plans(summary).await?,
    })
}

/// A task whose last day (a notice's: the hearing date less the dossier's
/// notice period) is before `today`: publishing it needs a reason.
fn is_late(task: &ImpliedTask, today: Date) -> bool {
    task.due.is_some_and(|due| due < today)
}

/// The plan to publish, its changes to the published rolls and the tasks
/// they imply.
async fn publication_content(
    store: &Store,
    summary: &PlanSummary,
) -> Result<(InstanceDoc, Plan, PlanDiff, Vec<ImpliedTask>)> {
    let doc = store.plan_instance(summary.id).await?;
    let plan = store.plan(summary.id).await?.plan;
    let hearings: Vec<&str> = doc.hearings.iter().map(|h| h.id.as_str()).collect();
    let previous = store.published_rolls(&hearings).await?;
    let instance = instance_of(&doc)?;
    let changes = diff(&previous, &plan);
    let tasks = implied_tasks(&instance, &changes, &plan);
    Ok((doc, plan, changes, tasks))
}

/// `validated → published`: the hearing rolls and benches are written, the
/// notices to send (and to withdraw, for an amendment) become registry
/// tasks, overlapping drafts become stale — all or nothing. A notice whose
/// last day is before `today` is refused unless `reason` says why (it is
/// then kept on the notice). `faults` is the crash test's hook (none in
/// service).
pub async fn publish(
    store: &Store,
    actor: &str,
    summary: &PlanSummary,
    expected: i64,
    reason: Option<&str>,
    today: Date,
    faults: Faults,
) -> Result<PlanRecord> {
    let (doc, plan, changes, tasks) = publication_content(store, summary).await?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let late: Vec<&ImpliedTask> = tasks.iter().filter(|t| is_late(t, today)).collect();
    // A plan that may not be published is refused by the store, for that.
    let publishable = summary.status.may_become(PlanStatus::Published);
    if let (Some(first), None, true) = (late.first(), reason, publishable) {
        let pourvoi = doc
            .dossiers
            .iter()
            .find(|d| d.id == first.dossier.as_str())
            .map_or_else(|| first.dossier.to_string(), |d| d.pourvoi.clone());
        let due = first.due.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
        return Err(Error::conflict(
            ErrorCode::LateNotices,
            match late.len() {
                1 => format!("1 avis d'audience partirait après sa date limite (n° {pourvoi}, au plus tard le {due})"),
                n => format!(
                    "{n} avis d'audience partiraient après leur date limite (le premier : n° {pourvoi}, au plus tard le {due})"
                ),
            },
            "indiquer le motif de la publication (par exemple l'accord des parties) ou retirer ces dossiers des audiences trop proches",
        ));
    }
    let notices: Vec<NewNoticeTask<'_>> =
        tasks.iter().map(|task| NewNoticeTask { task, late_reason: reason.filter(|_| is_late(task, today)) }).collect();
    Ok(store.publish_plan(actor, summary.id, expected, &doc, &plan, &changes, &notices, reason, faults).await?)
}

/// A repaired amendment of a published plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct Amendment {
    /// The new draft (status `draft`, `amends` = the published plan).
    pub plan: PlanRecord,
    /// Hearings the events touch.
    pub affected_hearings: Vec<String>,
    /// The changes, each with its reason.
    #[schema(value_type = Object)]
    pub diff: PlanDiff,
    /// The tasks publishing it will create.
    #[schema(value_type = Vec<Object>)]
    pub tasks: Vec<ImpliedTask>,
    /// Changes next to the minimum.
    #[schema(value_type = Object)]
    pub disruption: Disruption,
}

/// Refused unless `summary` is the published plan in force.
pub fn require_published(summary: &PlanSummary) -> Result<()> {
    require_status(summary, PlanStatus::Published, "lui proposer un avenant")
}

/// Refused unless `summary` is `status`; `action` says what was asked (« le
/// publier »).
pub fn require_status(summary: &PlanSummary, status: PlanStatus, action: &str) -> Result<()> {
    if summary.status == status {
        return Ok(());
    }
    Err(Error::conflict(
        ErrorCode::PlanStatus,
        format!("le plan {} est {} : impossible de {action}", summary.id, summary.status.label_fr()),
        format!("cette action demande un plan {}", status.label_fr()),
    ))
}

/// After procedural events (withdrawal, recusal, absence, dossier no longer
/// ready…), a repaired amendment of a published plan as a new draft: the
/// fewest changes, each with its reason. The repair runs on a blocking
/// thread.
pub async fn amend(store: &Store, actor: &str, summary: &PlanSummary, events: &EventsDoc) -> Result<Amendment> {
    require_published(summary)?;
    let (doc, previous) = published_instance(store, summary).await?;
    let base = instance_of(&doc)?;
    let applied = apply_events(&base, events).map_err(|problems| {
        let first = problems.first().cloned();
        Error::invalid(
            first.as_ref().map_or("events".to_owned(), |p| p.path.clone()),
            first.as_ref().map_or_else(String::new, |p| p.message.clone()),
            first.map_or_else(String::new, |p| p.fix),
        )
    })?;
    let repaired = tokio::task::spawn_blocking({
        let applied = applied.clone();
        let previous = previous.clone();
        move || repair(&applied, &previous, &RepairConfig::default())
    })
    .await
    .map_err(Error::internal)?;
    let affected: BTreeSet<String> = repaired
        .diff
        .moved
        .iter()
        .flat_map(|m| [m.from.to_string(), m.to.to_string()])
        .chain(repaired.diff.dropped.iter().map(|p| p.hearing.to_string()))
        .chain(repaired.diff.added.iter().map(|p| p.hearing.to_string()))
        .chain(repaired.diff.seats.iter().map(|s| s.hearing.to_string()))
        .collect();
    let (start, end) = horizon(&summary.horizon_start, &summary.horizon_end)?;
    let new_doc = applied.instance.to_doc();
    let title = format!("Avenant au plan {}", summary.id);
    let record = store
        .create_plan(
            actor,
            NewPlan {
                chamber: &summary.chamber,
                start,
                end,
                title: &title,
                instance: &new_doc,
                plan: &repaired.plan,
                report: &repaired.check,
                amends: Some(summary.id),
                origin: serde_json::json!({
                    "amends": summary.id,
                    "events": events.events.iter().map(|e| e.describe(&doc)).collect::<Vec<_>>(),
                    "applied": events,
                    "disruption": repaired.disruption,
                    "diff": repaired.diff,
                }),
            },
        )
        .await?;
    Ok(Amendment {
        plan: record,
        affected_hearings: affected.into_iter().collect(),
        diff: repaired.diff,
        tasks: repaired.tasks,
        disruption: repaired.disruption,
    })
}

/// How an amendment was made, as its creation recorded it.
#[derive(Debug, Deserialize)]
struct AmendmentOrigin {
    amends: i64,
    /// The events repaired, in French.
    #[serde(default)]
    events: Vec<String>,
    disruption: Disruption,
    /// Absent from amendments made before the diff was kept.
    #[serde(default)]
    diff: PlanDiff,
}

/// How the amendment `summary` was made, as its creation recorded it.
async fn amendment_origin(store: &Store, summary: &PlanSummary) -> Result<AmendmentOrigin> {
    let history = store.plan_history(summary.id).await?;
    let Some(created) = history.iter().find(|h| h.action == "created") else {
        return Err(Error::internal(format!("plan {}: no creation in its history", summary.id)));
    };
    serde_json::from_value(created.detail.clone())
        .map_err(|error| Error::internal(format!("plan {}: recorded amendment unreadable: {error}", summary.id)))
}

/// An amendment (a draft that `amends` a published plan) next to the rolls
/// published: the events it repairs, its changes each with its reason, the
/// tasks publishing it will create, its disruption next to the minimum.
#[derive(Debug, Clone)]
pub struct AmendmentView {
    /// The published plan it amends.
    pub amends: i64,
    /// The events it repairs, in French.
    pub events: Vec<String>,
    /// The repair's disruption, with the minimum any lawful plan needs.
    pub disruption: Disruption,
    /// Its changes to the published rolls now, each with its reason: the
    /// repair's, or « modifié sur le tableau » for a later edit.
    pub diff: PlanDiff,
    /// The registry tasks publishing it will create.
    pub tasks: Vec<ImpliedTask>,
    /// The draft was edited on the board after the repair.
    pub edited: bool,
}

/// The amendment view of `summary`, `None` unless it amends a plan.
pub async fn amendment_view(store: &Store, summary: &PlanSummary) -> Result<Option<AmendmentView>> {
    if summary.amends.is_none() {
        return Ok(None);
    }
    let origin = amendment_origin(store, summary).await?;
    let (_, _, mut current, tasks) = publication_content(store, summary).await?;
    let bare = |diff: &PlanDiff| {
        let mut diff = diff.clone();
        diff.moved.iter_mut().for_each(|m| m.reason.clear());
        diff.added.iter_mut().for_each(|p| p.reason.clear());
        diff.dropped.iter_mut().for_each(|p| p.reason.clear());
        diff.seats.iter_mut().for_each(|s| s.reason.clear());
        diff
    };
    let edited = bare(&current) != bare(&origin.diff);
    let by_hand = || "modifié sur le tableau après la réparation".to_owned();
    let repaired = &origin.diff;
    for change in &mut current.moved {
        change.reason = repaired
            .moved
            .iter()
            .find(|m| m.dossier == change.dossier && m.to == change.to)
            .map_or_else(by_hand, |m| m.reason.clone());
    }
    for change in &mut current.added {
        change.reason = repaired
            .added
            .iter()
            .find(|p| p.dossier == change.dossier && p.hearing == change.hearing)
            .map_or_else(by_hand, |p| p.reason.clone());
    }
    for change in &mut current.dropped {
        change.reason =
            repaired.dropped.iter().find(|p| p.dossier == change.dossier).map_or_else(by_hand, |p| p.reason.clone());
    }
    for change in &mut current.seats {
        change.reason = repaired
            .seats
            .iter()
            .find(|s| s.hearing == change.hearing && s.joined == change.joined && s.left == change.left)
            .map_or_else(by_hand, |s| s.reason.clone());
    }
    Ok(Some(AmendmentView {
        amends: origin.amends,
        events: origin.events,
        disruption: origin.disruption,
        diff: current,
        tasks,
        edited,
    }))
}
