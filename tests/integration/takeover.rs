//! Durable jobs across processes (`store::jobs`, `greffe_api::worker`):
//! two real `greffe serve` on one PostgreSQL database; a proposal started on
//! one; the process whose worker runs it killed with SIGKILL mid-solve; the
//! job taken over by the other once its lease has run out, completed
//! exactly once, its draft stored once, its progress read from the
//! survivor. And on SQLite, where one process serves a file, a second
//! service on the same file refused with a message that says why.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use greffe_store::Store;
use greffe_store::demo::{DemoConfig, seed};
use greffe_store::jobs::{Job, JobStatus};
use serde_json::{Value, json};

use crate::api::app::{Backend, fresh_database};
use crate::crash::{Server, binary, call, http};

async fn get(base: &str, path: &str, token: &str) -> Value {
    let (status, _, bytes) =
        call(&http(), Method::GET, &format!("{base}{path}"), Some(token), &[], Vec::new()).await.expect("answer");
    assert_eq!(status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&bytes));
    serde_json::from_slice(&bytes).expect("JSON")
}

/// The criminal chamber of an 8-week demonstration court, default
/// objective: the longest solve of the demonstration (it uses its whole time
/// limit).
struct LongSolve {
    store: Store,
    president: String,
    body: Value,
}

async fn long_solve(url: &str, time_limit_s: u32) -> LongSolve {
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    let store = Store::open(url).await.expect("store");
    let report = seed(&store, &DemoConfig { seed: 1, weeks: 8, stock: 1_500, today }).await.expect("demonstration");
    let president = report.users.iter().find(|u| u.user.id == "president-cr").expect("president").token.clone();
    let hearings = store.hearings(Some("cr"), None, None).await.expect("hearings");
    let first = hearings.iter().map(|h| h.hearing.date.clone()).min().expect("cr sits");
    let start = greffe_models::dates::parse_date(&first).expect("date");
    let end = start + chrono::Duration::days(55);
    let body =
        json!({"chamber": "cr", "start": start.to_string(), "end": end.to_string(), "time_limit_s": time_limit_s});
    LongSolve { store, president, body }
}

/// Asks `server` for the proposal; returns the job's id once a worker runs
/// it and has reported progress.
async fn start_job(server: &Server, solve: &LongSolve) -> (i64, Job) {
    let (status, _, bytes) = call(
        &http(),
        Method::POST,
        &format!("{}/plans/jobs", server.base),
        Some(&solve.president),
        &[("content-type", "application/json".to_owned())],
        solve.body.to_string().into_bytes(),
    )
    .await
    .expect("answer");
    assert_eq!(status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&bytes));
    let id = serde_json::from_slice::<Value>(&bytes).expect("JSON")["id"].as_i64().expect("job id");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let job = solve.store.job(id).await.expect("job");
        if job.status == JobStatus::Running && job.progress.is_some() {
            return (id, job);
        }
        assert!(Instant::now() < deadline, "not under way after 30 s: {job:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: a 40 s solve, a SIGKILL and a 30 s lease (run by .ci/run)"]
async fn a_proposal_survives_the_death_of_its_process() {
    let Some((url, _dir)) = fresh_database(Backend::Postgres).await else { return };
    let solve = long_solve(&url, 40).await;
    let (store, president) = (&solve.store, &solve.president);
    let servers = [Server::start(&url).await, Server::start(&url).await];

    // Asked of the first process; run by whichever worker claims it; the
    // worker is named after its process.
    let (id, running) = start_job(&servers[0], &solve).await;
    let path = format!("/plans/jobs/{id}");
    let pid: u32 =
        running.worker.as_deref().and_then(|w| w.rsplit('-').next()).and_then(|p| p.parse().ok()).expect("pid");
    let [a, b] = servers;
    let (victim, survivor) = if a.child.id() == pid { (a, b) } else { (b, a) };
    assert_eq!(victim.child.id(), pid, "the worker is one of the two services");
    tokio::time::sleep(Duration::from_secs(2)).await;
    victim.kill();
    let killed = Instant::now();

    // The survivor reads the job while it is orphaned, then runs it.
    let orphaned = get(&survivor.base, &path, president).await;
    assert_eq!(orphaned["status"], "running", "{orphaned}");
    let deadline = Instant::now() + Duration::from_secs(150);
    let done = loop {
        let view = get(&survivor.base, &path, president).await;
        match view["status"].as_str() {
            Some("done") => break view,
            Some("failed" | "cancelled") => panic!("job ended: {view}"),
            _ => {
                assert!(Instant::now() < deadline, "not done 150 s after the kill: {view}");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    eprintln!("job {id} taken over and done {:.1} s after the SIGKILL: {done}", killed.elapsed().as_secs_f64());
    let job = store.job(id).await.expect("job");
    assert_eq!(job.attempts, 2, "claimed by the dead worker, then by the survivor's");
    assert_ne!(job.worker.as_deref(), running.worker.as_deref());
    // One draft, the job's.
    let plans = store.plans(None, false).await.expect("plans");
    assert_eq!(plans.iter().map(|p| p.id).collect::<Vec<_>>(), [done["plan_id"].as_i64().expect("plan id")]);
    drop(survivor);
    solve.store.close().await;
}

/// A cancellation asked of one process stops the solve another process's
/// worker runs, within a second: the worker reads the request from the job's
/// row at least twice a second, and HiGHS stops at its next check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: seeds a court-scale demonstration (run by .ci/run)"]
async fn a_cancelled_job_stops_within_a_second() {
    let Some((url, _dir)) = fresh_database(Backend::Postgres).await else { return };
    let solve = long_solve(&url, 60).await;
    let servers = [Server::start(&url).await, Server::start(&url).await];
    let (id, running) = start_job(&servers[0], &solve).await;
    let pid = running.worker.as_deref().and_then(|w| w.rsplit('-').next()).and_then(|p| p.parse::<u32>().ok());
    // Asked of the process that does not run the job, two seconds into the solve.
    let other = servers.iter().find(|s| Some(s.child.id()) != pid).expect("two processes");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let asked = Instant::now();
    let (status, _, bytes) = call(
        &http(),
        Method::POST,
        &format!("{}/plans/jobs/{id}/cancel", other.base),
        Some(&solve.president),
        &[],
        Vec::new(),
    )
    .await
    .expect("answer");
    assert_eq!(status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&bytes));
    let ended = loop {
        let job = solve.store.job(id).await.expect("job");
        if job.status.is_final() || asked.elapsed() > Duration::from_secs(10) {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let after = asked.elapsed();
    eprintln!("job {id} cancelled {:.0} ms after the request", after.as_secs_f64() * 1e3);
    assert_eq!(ended.status, JobStatus::Cancelled, "{ended:?}");
    assert!(after < Duration::from_secs(1), "the job ended {after:?} after the request");
    assert!(solve.store.plans(None, false).await.expect("plans").is_empty(), "a cancelled job stores no draft");
    drop(servers);
    solve.store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_service_on_one_sqlite_file_is_refused() {
    let Some((url, _dir)) = fresh_database(Backend::Sqlite).await else { return };
    let first = Server::start(&url).await;
    let mut second = Command::new(binary())
        .args(["serve", "--database-url", &url, "--bind", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("greffe serve starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second service was not refused");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut second.stderr.take().expect("stderr"), &mut stderr).expect("stderr");
    assert!(!status.success());
    assert!(stderr.contains("déjà servie par un autre processus greffe"), "{stderr}");
    assert!(stderr.contains(&format!("processus {}", first.child.id())), "{stderr}");
    assert!(stderr.contains("PostgreSQL"), "{stderr}");
    // The first still serves; once it is gone, the file may be served again.
    assert!(call(&http(), Method::GET, &format!("{}/health", first.base), None, &[], Vec::new()).await.is_ok());
    first.kill();
    let again = Server::start(&url).await;
    drop(again);
}

/// `greffe worker`: a process that serves nothing runs the jobs the
/// services queue, on PostgreSQL; stopped by SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_process_runs_what_the_services_queue() {
    use greffe_api::worker::{PROPOSAL_QUEUE, ProposalJob};
    use greffe_store::jobs::{JobKind, NewJob};

    let Some((url, _dir)) = fresh_database(Backend::Postgres).await else { return };
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    let store = Store::open(&url).await.expect("store");
    seed(&store, &DemoConfig { seed: 2, weeks: 2, stock: 40, today }).await.expect("demonstration");
    let hearings = store.hearings(Some("civ1"), None, None).await.expect("hearings");
    let first = hearings.iter().map(|h| h.hearing.date.clone()).min().expect("civ1 sits");
    let start = greffe_models::dates::parse_date(&first).expect("date");
    let request = ProposalJob {
        chamber: "civ1".into(),
        start,
        end: start + chrono::Duration::days(11),
        publication: today,
        benchmark: false,
        time_limit_s: 2.0,
        dossiers: None,
        title: "Proposition".into(),
    };
    let job = NewJob {
        kind: JobKind::Proposal,
        scope: "civ1".into(),
        created_by: "president-civ1".into(),
        request: serde_json::to_value(&request).expect("request"),
    };
    let job = store.enqueue_job(job, PROPOSAL_QUEUE).await.expect("queued");
    let mut worker = Command::new(binary())
        .args(["worker", "--database-url", &url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("greffe worker starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let now = store.job(job.id).await.expect("job");
        if now.status.is_final() || Instant::now() > deadline {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let _ = Command::new("kill").args(["-TERM", &worker.id().to_string()]).status();
    let stopped = worker.wait().expect("worker stops");
    assert_eq!(done.status, JobStatus::Done, "{done:?}");
    assert!(done.worker.as_deref().is_some_and(|w| w.ends_with(&format!("-{}", worker.id()))), "{done:?}");
    assert!(stopped.success(), "SIGTERM stops the worker cleanly: {stopped:?}");
    assert_eq!(store.plans(None, false).await.expect("plans").len(), 1);
    store.close().await;
}
