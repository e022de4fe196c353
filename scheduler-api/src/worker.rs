//! The worker that runs jobs from the store's queue (`store::jobs`):
//! proposal jobs and simulation runs, in two lanes — one proposal and one
//! simulation at a time, so that a president's ten-second proposal never
//! waits behind an analyst's hour-long simulation. Each lane claims the
//! oldest open job of its kind; for a proposal it builds the
//! chamber's planning instance as the registry stands, solves it on a
//! blocking thread and stores the draft and the job's end in one
//! transaction, so that a job taken over after its worker died is stored
//! once; a simulation's outcome is the job's result. While a job runs, its
//! row beats — progress written, lease renewed, a cancellation asked from
//! any process brought back.
//!
//! A third lane, when an SMTP server is configured, is the outbox's
//! dispatcher (`crate::mail`): the notices publications wrote to the outbox,
//! rendered and sent by e-mail.
//!
//! Every `greffe serve` runs one such worker (started with the service, and
//! on the first proposal a router built without `serve` receives), and
//! `greffe worker` runs one alone; a job queued by one process may run in
//! another.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use greffe_models::Date;
use greffe_models::format::InstanceDoc;
use greffe_simulation::Scenario;
use greffe_solver::{Objective, ObjectiveWeights, Phase, SolveConfig, solve};
use greffe_store::jobs::{Beat, Job, JobKind, JobStatus, Outcome};
use greffe_store::plans::NewPlan;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};
use tracing::Instrument;

use crate::api::AppState;
use crate::workflow;

/// How long a worker holds a job without reporting: past it, another
/// worker takes the job over.
pub const LEASE: Duration = Duration::from_secs(30);
/// A running job writes its progress and reads its row this often: its
/// lease is renewed, its progress followed by every process, and a
/// cancellation asked of any process reaches the solver within this delay.
const BEAT_EVERY: Duration = Duration::from_millis(250);
/// An idle worker looks at the queue this often (jobs queued by another
/// process; its own process wakes it at once).
const POLL_EVERY: Duration = Duration::from_millis(500);
/// Open proposal jobs (queued or running) the court's queue holds.
pub const PROPOSAL_QUEUE: usize = 32;
/// Open simulation runs (queued or running) the court's queue holds.
pub const SIMULATION_QUEUE: usize = 8;

/// Progress of a simulation run as its row keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationProgress {
    /// Weeks simulated so far.
    pub week: u32,
    /// Elapsed milliseconds.
    pub elapsed_ms: u64,
}

/// A proposal job's request, as queued (validated by the service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalJob {
    /// Chamber.
    pub chamber: String,
    /// Horizon.
    pub start: Date,
    /// Horizon.
    pub end: Date,
    /// Day the notices can go out.
    pub publication: Date,
    /// `benchmark`, or the default objective.
    pub benchmark: bool,
    /// Wall-clock limit in seconds.
    pub time_limit_s: f64,
    /// Only these dossiers (instance ids), when given.
    pub dossiers: Option<Vec<String>>,
    /// Title of the draft.
    pub title: String,
}

/// Progress of a job as its row keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobProgress {
    /// `preparing`, `solving`, `checking`, `done`.
    pub phase: String,
    /// Objective of the work done so far.
    pub incumbent: Option<f64>,
    /// Best bound so far.
    pub bound: Option<f64>,
    /// `(bound − incumbent) / |bound|`.
    pub gap: Option<f64>,
    /// Elapsed milliseconds.
    pub elapsed_ms: u64,
}

/// The worker of this process: started once, a lane per kind of job, each
/// woken when this process queues a job of its kind.
#[derive(Debug, Default)]
pub struct Worker {
    started: OnceLock<()>,
    wake: [Notify; JobKind::ALL.len()],
}

impl Worker {
    /// No worker in this process (`greffe serve --no-worker`): its jobs are
    /// run by `greffe worker` processes on the same database.
    pub fn disabled() -> Self {
        let worker = Self::default();
        let _ = worker.started.set(());
        worker
    }

    /// Starts the worker loop on `state`'s store, once per state.
    pub fn ensure_started(state: &AppState) {
        if state.worker.started.set(()).is_ok() {
            let name = worker_name();
            for kind in JobKind::ALL {
                tokio::spawn(run(state.clone(), name.clone(), kind));
            }
            tokio::spawn(crate::mail::run_letters(state.clone(), name.clone()));
            tokio::spawn(run_renderings(state.clone()));
            if let Some(mailer) = &state.mailer {
                tokio::spawn(crate::mail::run(state.clone(), std::sync::Arc::clone(mailer), name));
            }
        }
    }

    /// Runs this process's worker until `shutdown` completes: the whole of
    /// `greffe worker`, a process that serves no request. A job running
    /// when it stops is taken over by another worker once its lease runs
    /// out.
    pub async fn work(state: &AppState, shutdown: impl Future<Output = ()>) {
        if state.worker.started.set(()).is_err() {
            return;
        }
        let name = worker_name();
        let lanes = futures_util::future::join_all(JobKind::ALL.map(|kind| run(state.clone(), name.clone(), kind)));
        let mail = async {
            match &state.mailer {
                Some(mailer) => crate::mail::run(state.clone(), std::sync::Arc::clone(mailer), name.clone()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = lanes => {}
            () = mail => {}
            () = crate::mail::run_letters(state.clone(), name.clone()) => {}
            () = run_renderings(state.clone()) => {}
            () = shutdown => {}
        }
    }

    /// Wakes the worker's lane of `kind`: such a job was queued.
    pub fn wake(state: &AppState, kind: JobKind) {
        state.worker.wake[lane(kind)].notify_one();
    }
}

/// The worker's name in the job rows: the host (`HOSTNAME`) and the
/// process id, so that an operator finds the process that runs a job.
fn worker_name() -> String {
    let host =
        std::env::var("HOSTNAME").ok().filter(|name| !name.trim().is_empty()).unwrap_or_else(|| "greffe".to_owned());
    format!("{host}-{}", std::process::id())
}

fn lane(kind: JobKind) -> usize {
    JobKind::ALL.iter().position(|k| *k == kind).unwrap_or_default()
}

/// How often sealed decisions are looked at for their pronouncement date.
const RENDER_EVERY: Duration = Duration::from_secs(60);

/// Renders the sealed decisions whose pronouncement date has come, every
/// [`RENDER_EVERY`] (`Store::render_due_decisions`: never before the date).
async fn run_renderings(state: AppState) {
    loop {
        // Decisions signed by all whose seal did not follow (the service
        // stopped, the PDF could not be made): sealed first.
        match state.store.unsealed_decisions().await {
            Ok(unsealed) => {
                for id in unsealed {
                    if let Err(error) = crate::documents::seal_decision(&state, id).await {
                        tracing::error!(dossier = id, %error, "signed decision not sealed");
                    }
                }
            }
            Err(error) => tracing::error!(%error, "unsealed decisions not read"),
        }
        match state.store.render_due_decisions(state.today()).await {
            Ok(done) => {
                if !done.rendered.is_empty() {
                    tracing::info!(dossiers = ?done.rendered, "decisions rendered on their pronouncement date");
                }
                for (dossier, why) in &done.refused {
                    tracing::warn!(dossier, %why, "sealed decision not rendered");
                }
            }
            Err(error) => tracing::error!(%error, "decisions not rendered"),
        }
        tokio::time::sleep(RENDER_EVERY).await;
    }
}

/// One lane: the jobs of `kind`, one at a time.
async fn run(state: AppState, name: String, kind: JobKind) {
    loop {
        match state.store.claim_job(&[kind], &name, LEASE).await {
            Ok(Some(job)) => {
                let span = tracing::info_span!("job", id = job.id, kind = job.kind.as_str(), worker = %name);
                run_job(&state, &name, job).instrument(span).await;
            }
            Ok(None) => {
                let _ = tokio::time::timeout(POLL_EVERY, state.worker.wake[lane(kind)].notified()).await;
            }
            Err(error) => {
                tracing::error!(%error, "job queue unreadable");
                tokio::time::sleep(POLL_EVERY * 4).await;
            }
        }
    }
}

/// How a job's run ended, as the worker saw it.
enum Ended {
    /// Its product and its end were stored together (a proposal's draft),
    /// with the plan's gap.
    Stored(Option<f64>),
    /// Its end is to be stored.
    Store(Outcome),
    /// It is no longer this worker's: nothing is stored.
    Lost,
}

/// Runs one claimed job to its end (or until it is no longer this
/// worker's), and counts it.
async fn run_job(state: &AppState, worker: &str, job: Job) {
    let (id, kind) = (job.id, job.kind);
    let started = std::time::Instant::now();
    tracing::info!(attempt = job.attempts, "job claimed");
    let unreadable = |error: serde_json::Error| Ended::Store(Outcome::Failed(format!("demande illisible : {error}")));
    let outcome = match job.kind {
        JobKind::Proposal => match serde_json::from_value::<ProposalJob>(job.request.clone()) {
            Ok(request) => propose(state, worker, id, &job.created_by, request).await,
            Err(error) => unreadable(error),
        },
        JobKind::Simulation => match serde_json::from_value::<Scenario>(job.request.clone()) {
            Ok(scenario) => simulate(state, worker, id, scenario).await,
            Err(error) => unreadable(error),
        },
    };
    let (status, gap) = match outcome {
        Ended::Lost => {
            tracing::warn!("job no longer held by this worker: stopped, nothing stored");
            return;
        }
        Ended::Stored(gap) => (JobStatus::Done, gap),
        Ended::Store(outcome) => match state.store.finish_job(id, worker, &outcome).await {
            Ok(true) => (status_of(&outcome), None),
            Ok(false) => {
                tracing::warn!("job no longer held by this worker: its end was not stored");
                return;
            }
            Err(error) => {
                tracing::error!(%error, "job end not stored");
                return;
            }
        },
    };
    let elapsed = started.elapsed();
    state.metrics.job_run(kind, status, elapsed, gap);
    tracing::info!(status = status.as_str(), elapsed_ms = elapsed.as_millis() as u64, gap, "job ended");
}

fn status_of(outcome: &Outcome) -> JobStatus {
    match outcome {
        Outcome::Done(_) => JobStatus::Done,
        Outcome::Failed(_) => JobStatus::Failed,
        Outcome::Cancelled => JobStatus::Cancelled,
    }
}

/// Builds and solves; stores the draft with the job's end, or says what
/// end to store (failure, cancellation).
async fn propose(state: &AppState, worker: &str, id: i64, actor: &str, request: ProposalJob) -> Ended {
    let built = state
        .store
        .planning_instance(&request.chamber, request.start, request.end, request.publication, &state.rules)
        .await;
    let mut built = match built {
        Ok(built) => built,
        Err(error) => return Ended::Store(Outcome::Failed(error.to_string())),
    };
    if let Some(keep) = &request.dossiers {
        built.doc.dossiers.retain(|d| keep.contains(&d.id));
        match workflow::instance_of(&built.doc) {
            Ok(instance) => built.instance = instance,
            Err(error) => return Ended::Store(Outcome::Failed(error.to_string())),
        }
    }
    let (doc, instance) = (built.doc, built.instance);
    let objective =
        if request.benchmark { Objective::Benchmark } else { Objective::Default(ObjectiveWeights::default()) };
    let cancel = Arc::new(AtomicBool::new(false));
    let (report, reports) = watch::channel(JobProgress { phase: "solving".into(), ..JobProgress::default() });
    let time_limit = Duration::from_secs_f64(request.time_limit_s);
    let solving = {
        let cancel = Arc::clone(&cancel);
        tokio::task::spawn_blocking(move || {
            let progress = move |p: &greffe_solver::Progress| {
                report.send_replace(JobProgress {
                    phase: match p.phase {
                        Phase::Prepared => "solving",
                        Phase::ChamberDone => "checking",
                        Phase::Done => "done",
                    }
                    .into(),
                    incumbent: Some(p.incumbent),
                    bound: p.bound,
                    gap: p.gap(),
                    elapsed_ms: p.elapsed_ms,
                });
            };
            let config = SolveConfig {
                time_limit,
                objective,
                cancel: Some(&cancel),
                progress: Some(&progress),
                ..SolveConfig::default()
            };
            solve(&instance, &config)
        })
    };
    let Some(solved) = beat_while(state, worker, id, solving, reports, &cancel).await else { return Ended::Lost };
    if cancel.load(Ordering::Relaxed) {
        // Asked to stop: whatever the solve found is not stored.
        return Ended::Store(Outcome::Cancelled);
    }
    match solved {
        Err(join) => Ended::Store(Outcome::Failed(format!("le calcul s'est interrompu : {join}"))),
        Ok(Err(greffe_solver::SolveError::Cancelled)) => Ended::Store(Outcome::Cancelled),
        Ok(Err(error)) => Ended::Store(Outcome::Failed(error.to_string())),
        Ok(Ok(solved)) => {
            let new = NewPlan {
                chamber: &request.chamber,
                start: request.start,
                end: request.end,
                title: &request.title,
                instance: &doc as &InstanceDoc,
                plan: &solved.plan,
                report: &solved.check,
                amends: None,
                origin: serde_json::json!({"job": id, "objective": solved.plan.objective, "bound": solved.plan.bound,
                                           "gap": solved.plan.gap, "solve_ms": solved.plan.solve_ms}),
            };
            let last = JobProgress {
                phase: "done".into(),
                incumbent: solved.plan.objective,
                bound: solved.plan.bound,
                gap: solved.plan.gap,
                elapsed_ms: solved.plan.solve_ms.unwrap_or_default(),
            };
            match state.store.create_plan_of_job(actor, new, id, worker, &last).await {
                Ok(Some(_)) => Ended::Stored(solved.plan.gap),
                Ok(None) => {
                    tracing::warn!("job taken over before its draft was stored: draft dropped");
                    Ended::Lost
                }
                Err(error) => Ended::Store(Outcome::Failed(error.to_string())),
            }
        }
    }
}

/// Runs a simulation; its outcome is the job's result.
async fn simulate(state: &AppState, worker: &str, id: i64, scenario: Scenario) -> Ended {
    let cancel = Arc::new(AtomicBool::new(false));
    let (report, reports) = watch::channel(SimulationProgress::default());
    let running = {
        let cancel = Arc::clone(&cancel);
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let progress = |week: u32| {
                report.send_replace(SimulationProgress { week, elapsed_ms: started.elapsed().as_millis() as u64 });
            };
            // The worker runs one job at a time: the weekly solves get every core.
            greffe_simulation::run_until(&scenario, 0, &progress, &cancel)
        })
    };
    let Some(outcome) = beat_while(state, worker, id, running, reports, &cancel).await else { return Ended::Lost };
    Ended::Store(match outcome {
        _ if cancel.load(Ordering::Relaxed) => Outcome::Cancelled,
        Ok(Ok(outcome)) => match serde_json::to_value(&outcome) {
            Ok(result) => Outcome::Done(result),
            Err(error) => Outcome::Failed(format!("résultat non enregistrable : {error}")),
        },
        Ok(Err(greffe_simulation::SimulationError::Cancelled)) => Outcome::Cancelled,
        Ok(Err(error)) => Outcome::Failed(error.to_string()),
        Err(join) => Outcome::Failed(format!("la simulation s'est interrompue : {join}")),
    })
}

/// Waits for `work` while the job's row beats every [`BEAT_EVERY`]: the
/// latest of `reports` written, the lease renewed, a cancellation read back
/// (which raises `cancel`). `None` when the job is no longer this worker's
/// (`cancel` raised too): the caller stores nothing.
async fn beat_while<T, P: Serialize>(
    state: &AppState,
    worker: &str,
    id: i64,
    work: tokio::task::JoinHandle<T>,
    reports: watch::Receiver<P>,
    cancel: &AtomicBool,
) -> Option<Result<T, tokio::task::JoinError>> {
    tokio::pin!(work);
    let mut lost = false;
    let done = loop {
        tokio::select! {
            done = &mut work => break done,
            () = tokio::time::sleep(BEAT_EVERY) => {}
        }
        let progress = serde_json::to_value(&*reports.borrow()).unwrap_or_default();
        match state.store.job_progress(id, worker, &progress, LEASE).await {
            Ok(Beat::Continue) => {}
            Ok(Beat::Cancel) => cancel.store(true, Ordering::Relaxed),
            Ok(Beat::Lost) => {
                lost = true;
                cancel.store(true, Ordering::Relaxed);
            }
            Err(error) => tracing::warn!(job = id, %error, "job progress not stored"),
        }
    };
    (!lost).then_some(done)
}
