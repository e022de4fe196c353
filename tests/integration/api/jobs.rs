//! Durable jobs in the store (`store::jobs`), on SQLite and PostgreSQL: the
//! queue's bound, one worker per job, leases that run out and are taken
//! over, cancellation through the row, and a result stored once.

use std::time::Duration;

use greffe_store::jobs::{Beat, JobKind, JobStatus, MAX_ATTEMPTS, NewJob, Outcome, finish_in};
use greffe_store::{Error, ErrorCode};
use serde_json::json;

use super::app::{TestApp, both_backends};

const LEASE: Duration = Duration::from_secs(60);
/// A lease already over when it is granted: the worker "died" at once.
const GONE: Duration = Duration::ZERO;

fn proposal(chamber: &str) -> NewJob {
    NewJob {
        kind: JobKind::Proposal,
        scope: chamber.to_owned(),
        created_by: "president-civ1".to_owned(),
        request: json!({"chamber": chamber, "start": "2027-01-04", "end": "2027-01-29"}),
    }
}

async fn a_job_is_run_by_one_worker_and_ends_once(app: TestApp) {
    let store = &app.store;
    let queued = store.enqueue_job(proposal("civ1"), 10).await.expect("queued");
    assert_eq!((queued.status, queued.attempts, queued.worker.as_deref()), (JobStatus::Queued, 0, None));
    assert_eq!(queued.request["chamber"], "civ1");

    // One worker gets it; the other finds nothing to do.
    let claimed = store.claim_job(&[JobKind::Proposal], "w1", LEASE).await.expect("claim").expect("a job");
    assert_eq!((claimed.id, claimed.status, claimed.attempts), (queued.id, JobStatus::Running, 1));
    assert_eq!(claimed.worker.as_deref(), Some("w1"));
    assert!(claimed.started_at.is_some() && claimed.lease_until.is_some());
    assert_eq!(store.claim_job(&[JobKind::Proposal], "w2", LEASE).await.expect("claim"), None);
    assert_eq!(store.claim_job(&[JobKind::Simulation], "w2", LEASE).await.expect("claim"), None, "another kind");

    // Progress travels through the row, read by anyone.
    let progress = json!({"phase": "solving", "incumbent": 41.0, "bound": 43.5, "gap": 0.057, "elapsed_ms": 1200});
    assert_eq!(store.job_progress(queued.id, "w1", &progress, LEASE).await.expect("beat"), Beat::Continue);
    assert_eq!(store.job(queued.id).await.expect("job").progress, Some(progress.clone()));
    // A worker that does not hold the job cannot report on it, nor end it.
    assert_eq!(store.job_progress(queued.id, "w2", &progress, LEASE).await.expect("beat"), Beat::Lost);
    assert!(!store.finish_job(queued.id, "w2", &Outcome::Done(json!({"plan": 9}))).await.expect("finish"));

    // Ended once, with its result; a second end changes nothing.
    assert!(store.finish_job(queued.id, "w1", &Outcome::Done(json!({"plan": 7}))).await.expect("finish"));
    assert!(!store.finish_job(queued.id, "w1", &Outcome::Failed("encore".into())).await.expect("finish again"));
    let done = store.job(queued.id).await.expect("job");
    assert_eq!((done.status, done.result, done.error), (JobStatus::Done, Some(json!({"plan": 7})), None));
    assert!(done.finished_at.is_some() && done.lease_until.is_none());
    assert_eq!(store.job_progress(queued.id, "w1", &progress, LEASE).await.expect("beat"), Beat::Lost);
    assert_eq!(store.claim_job(&[JobKind::Proposal], "w2", LEASE).await.expect("claim"), None, "ended jobs stay ended");
    assert_eq!(store.job(999).await.map(|_| ()), Err(Error::not_found("calcul 999")));
}
both_backends!(a_job_is_run_by_one_worker_and_ends_once);

async fn a_job_whose_worker_died_is_taken_over(app: TestApp) {
    let store = &app.store;
    let job = store.enqueue_job(proposal("civ1"), 10).await.expect("queued");
    // w1 claims it and dies: its lease runs out without renewal.
    store.claim_job(&[JobKind::Proposal], "w1", GONE).await.expect("claim").expect("a job");
    let taken = store.claim_job(&[JobKind::Proposal], "w2", LEASE).await.expect("claim").expect("taken over");
    assert_eq!((taken.id, taken.attempts, taken.worker.as_deref()), (job.id, 2, Some("w2")));
    // w1 comes back: the job is no longer its own, and what it produced is
    // not stored (the transaction that would store it is rolled back).
    assert_eq!(store.job_progress(job.id, "w1", &json!({}), LEASE).await.expect("beat"), Beat::Lost);
    let mut write = store.write().await.expect("write");
    assert!(!finish_in(&mut write.tx, job.id, "w1", &Outcome::Done(json!({"plan": 1}))).await.expect("finish"));
    drop(write);
    assert!(store.finish_job(job.id, "w2", &Outcome::Done(json!({"plan": 2}))).await.expect("finish"));
    assert_eq!(store.job(job.id).await.expect("job").result, Some(json!({"plan": 2})));

    // A job that kills every worker is failed after MAX_ATTEMPTS claims.
    let poison = store.enqueue_job(proposal("civ2"), 10).await.expect("queued");
    for attempt in 1..=MAX_ATTEMPTS {
        let claimed = store.claim_job(&[JobKind::Proposal], "w", GONE).await.expect("claim").expect("a job");
        assert_eq!((claimed.id, claimed.attempts), (poison.id, attempt));
    }
    assert_eq!(store.claim_job(&[JobKind::Proposal], "w", LEASE).await.expect("claim"), None);
    let failed = store.job(poison.id).await.expect("job");
    assert_eq!(failed.status, JobStatus::Failed);
    assert!(failed.error.as_deref().unwrap_or("").contains("3 fois"), "{:?}", failed.error);
}
both_backends!(a_job_whose_worker_died_is_taken_over);

async fn cancellation_travels_through_the_row(app: TestApp) {
    let store = &app.store;
    // Queued: cancelled at once, never claimed.
    let waiting = store.enqueue_job(proposal("civ1"), 10).await.expect("queued");
    let cancelled = store.cancel_job(waiting.id).await.expect("cancel");
    assert_eq!((cancelled.status, cancelled.cancel_requested), (JobStatus::Cancelled, true));
    assert_eq!(store.claim_job(&[JobKind::Proposal], "w1", LEASE).await.expect("claim"), None);

    // Running: its worker learns it at the next report, then ends it.
    let running = store.enqueue_job(proposal("civ1"), 10).await.expect("queued");
    store.claim_job(&[JobKind::Proposal], "w1", LEASE).await.expect("claim").expect("a job");
    assert_eq!(store.cancel_job(running.id).await.expect("cancel").status, JobStatus::Running);
    assert_eq!(store.job_progress(running.id, "w1", &json!({}), LEASE).await.expect("beat"), Beat::Cancel);
    assert!(store.finish_job(running.id, "w1", &Outcome::Cancelled).await.expect("finish"));
    assert_eq!(store.job(running.id).await.expect("job").status, JobStatus::Cancelled);
    // An ended job stays as it ended.
    assert_eq!(store.cancel_job(running.id).await.expect("cancel").status, JobStatus::Cancelled);

    // Running, cancelled, and its worker died: ended as cancelled, not
    // taken over.
    let orphan = store.enqueue_job(proposal("civ1"), 10).await.expect("queued");
    store.claim_job(&[JobKind::Proposal], "w1", GONE).await.expect("claim").expect("a job");
    store.cancel_job(orphan.id).await.expect("cancel");
    assert_eq!(store.claim_job(&[JobKind::Proposal], "w2", LEASE).await.expect("claim"), None);
    assert_eq!(store.job(orphan.id).await.expect("job").status, JobStatus::Cancelled);
}
both_backends!(cancellation_travels_through_the_row);

async fn the_queue_is_bounded_by_kind(app: TestApp) {
    let store = &app.store;
    let first = store.enqueue_job(proposal("civ1"), 2).await.expect("queued");
    store.enqueue_job(proposal("civ2"), 2).await.expect("queued");
    let refused = store.enqueue_job(proposal("civ3"), 2).await.expect_err("full");
    let Error::Busy { problem, retry_after_s } = &refused else { panic!("{refused:?}") };
    assert_eq!((problem.code, *retry_after_s), (ErrorCode::QueueFull, 30));
    assert!(problem.message.contains("au plus 2"), "{}", problem.message);
    // Another kind has its own queue; an ended job frees its place.
    let simulation = NewJob { kind: JobKind::Simulation, scope: "*".into(), ..proposal("civ1") };
    store.enqueue_job(simulation, 2).await.expect("another queue");
    store.cancel_job(first.id).await.expect("cancel");
    store.enqueue_job(proposal("civ3"), 2).await.expect("a place again");
    // Listed newest first, by scope when asked.
    let all = store.jobs(JobKind::Proposal, None).await.expect("list");
    assert_eq!(all.iter().map(|job| job.scope.as_str()).collect::<Vec<_>>(), ["civ3", "civ2", "civ1"]);
    let civ2 = store.jobs(JobKind::Proposal, Some("civ2")).await.expect("list");
    assert_eq!(civ2.len(), 1);
}
both_backends!(the_queue_is_bounded_by_kind);

async fn workers_claiming_together_take_each_job_once(app: TestApp) {
    let mut queued = Vec::new();
    for chamber in ["civ1", "civ2", "civ3", "comm", "soc", "cr", "civ1", "civ2"] {
        queued.push(app.store.enqueue_job(proposal(chamber), 100).await.expect("queued").id);
    }
    // Six workers at once (on PostgreSQL, six connections: FOR UPDATE SKIP
    // LOCKED), each claiming until the queue is empty.
    let workers: Vec<_> = (0..6)
        .map(|w| {
            let store = app.store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(job) =
                    store.claim_job(&[JobKind::Proposal], &format!("w{w}"), LEASE).await.expect("claim")
                {
                    mine.push(job.id);
                }
                mine
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for worker in workers {
        claimed.extend(worker.await.expect("worker"));
    }
    claimed.sort_unstable();
    assert_eq!(claimed, queued, "each job claimed once");
}
both_backends!(workers_claiming_together_take_each_job_once);

/// A proposal queued by one service process is run by the worker of
/// another on the same store — here after a first worker claimed it and
/// died — and followed, or cancelled, through the first one's API.
async fn a_queued_proposal_is_run_by_any_process(app: TestApp) {
    use greffe_api::worker::{PROPOSAL_QUEUE, ProposalJob, Worker};

    super::plans::planning_court(&app).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let day = |raw: &str| greffe_models::dates::parse_date(raw).expect("date");
    let request = ProposalJob {
        chamber: "civ1".into(),
        start: day("2027-01-04"),
        end: day("2027-01-15"),
        publication: day("2026-12-01"),
        benchmark: false,
        time_limit_s: 5.0,
        dossiers: None,
        title: "Proposition".into(),
    };
    let queue = |request: &ProposalJob| NewJob {
        kind: JobKind::Proposal,
        scope: "civ1".into(),
        created_by: "pres-civ1".into(),
        request: serde_json::to_value(request).expect("request"),
    };

    // This process runs no worker: a queued job is cancelled at once.
    let waiting = app.store.enqueue_job(queue(&request), PROPOSAL_QUEUE).await.expect("queued");
    let cancelled = app
        .call(axum::http::Method::POST, &format!("/plans/jobs/{}/cancel", waiting.id), Some(&president), &[], None)
        .await;
    assert_eq!(cancelled.status, axum::http::StatusCode::ACCEPTED, "{}", cancelled.json);
    assert_eq!(cancelled.json["status"], "cancelled");

    // Another job: claimed by a worker that died at once.
    let job = app.store.enqueue_job(queue(&request), PROPOSAL_QUEUE).await.expect("queued");
    app.store.claim_job(&[JobKind::Proposal], "dead", GONE).await.expect("claim").expect("a job");
    // Another process's worker takes it over; it is followed from here.
    let other = super::app::state(app.store.clone());
    Worker::ensure_started(&other);
    let mut view = serde_json::Value::Null;
    for _ in 0..300 {
        view = app.get(&format!("/plans/jobs/{}", job.id), &president).await.json;
        if view["status"] == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(view["status"], "done", "{view}");
    assert_eq!(view["phase"], "done");
    assert!(view["incumbent"].is_number() && view["elapsed_ms"].is_number(), "{view}");
    let stored = app.store.job(job.id).await.expect("job");
    assert_eq!(stored.attempts, 2, "taken over once");
    let plan = view["plan_id"].as_i64().expect("plan id");
    // One draft, the job's; the cancelled job made none.
    let plans = app.store.plans(None, false).await.expect("plans");
    assert_eq!(plans.iter().map(|p| p.id).collect::<Vec<_>>(), [plan]);
    assert_eq!(app.store.job(waiting.id).await.expect("job").status, JobStatus::Cancelled);
}
both_backends!(a_queued_proposal_is_run_by_any_process);

/// A service without a worker (`greffe serve --no-worker`) queues the
/// proposals it is asked for and runs none: they wait for a worker process.
async fn a_service_without_worker_only_queues(app: TestApp) {
    use greffe_api::worker::Worker;

    super::plans::planning_court(&app).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let mut state = super::app::state(app.store.clone());
    state.worker = std::sync::Arc::new(Worker::disabled());
    let app = app.with_state(state);
    let body = json!({"chamber": "civ1", "start": "2027-01-04", "end": "2027-01-15", "time_limit_s": 1});
    let queued = app.post("/plans/jobs", &president, body).await;
    assert_eq!(queued.status, axum::http::StatusCode::ACCEPTED, "{}", queued.json);
    let id = queued.json["id"].as_i64().expect("job id");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(app.store.job(id).await.expect("job").status, JobStatus::Queued);
}
both_backends!(a_service_without_worker_only_queues);
