//! Simulation runs for analysts over HTTP: started, followed by server-sent
//! events, results downloaded; refused to other roles and for a bad scenario;
//! durable jobs of the store (results outlive the process, cancellation
//! within a second, a bounded queue).

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::app::{Backend, TestApp, both_backends};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_runs_a_simulation_and_downloads_its_results() {
    let app = TestApp::on(Backend::Sqlite).await.expect("SQLite store");
    app.court().await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let clerk = app.user("greffe", "greffier", &["civ1"], None).await;
    let scenario = json!({"name": "court-terme", "seed": 3, "weeks": 2, "planning_weeks": 1, "lead_weeks": 2});
    assert_eq!(app.post("/simulations", &clerk, scenario.clone()).await.status, StatusCode::FORBIDDEN);
    let bad = app.post("/simulations", &analyst, json!({"name": "x", "weeks": 60})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["field"], "weeks");

    let started = app.post("/simulations", &analyst, scenario).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.json);
    let id = started.json["id"].as_i64().expect("id");
    let early = app.get(&format!("/simulations/{id}/result"), &analyst).await;
    assert!(matches!(early.status, StatusCode::CONFLICT | StatusCode::OK), "{}", early.json);
    // The stream follows the run to its end.
    let events = app.get(&format!("/simulations/{id}/events"), &analyst).await;
    let stream = String::from_utf8(events.bytes).expect("utf-8");
    assert!(stream.contains("event: progress"), "{stream}");
    assert!(stream.contains("\"status\":\"done\""), "{stream}");
    assert!(stream.contains("\"week\":2"), "{stream}");
    let result = app.get(&format!("/simulations/{id}/result"), &analyst).await;
    assert_eq!(result.status, StatusCode::OK);
    assert_eq!(result.json["weeks"].as_array().expect("weeks").len(), 2);
    assert!(result.json["weeks"][0]["heard"].as_u64().expect("heard") > 0);
    let csv = app.call(Method::GET, &format!("/simulations/{id}/result?format=csv"), Some(&analyst), &[], None).await;
    assert!(csv.headers["content-type"].to_str().unwrap_or("").starts_with("text/csv"));
    let text = String::from_utf8(csv.bytes).expect("utf-8");
    assert_eq!(text.lines().count(), 3, "{text}");
    assert_eq!(app.get(&format!("/simulations/{id}"), &clerk).await.status, StatusCode::FORBIDDEN);
}

async fn follow_to_end(app: &TestApp, id: i64, token: &str, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let view = app.get(&format!("/simulations/{id}"), token).await.json;
        if matches!(view["status"].as_str(), Some("done" | "failed" | "cancelled")) || Instant::now() > deadline {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A simulation is a job of the store: its result outlives the process that
/// ran it — read here through a service that never saw the run — and the
/// runs are listed newest first.
async fn a_simulation_and_its_result_outlive_their_process(app: TestApp) {
    app.court().await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let scenario = json!({"name": "deux-semaines", "seed": 5, "weeks": 2, "planning_weeks": 1, "lead_weeks": 2});
    let started = app.post("/simulations", &analyst, scenario).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.json);
    assert_eq!(started.json["status"], "queued");
    assert_eq!(started.json["created_by"], "analyste");
    let id = started.json["id"].as_i64().expect("id");
    let done = follow_to_end(&app, id, &analyst, Duration::from_secs(120)).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!((done["week"].as_u64(), done["weeks"].as_u64()), (Some(2), Some(2)));

    // A new process over the same store: the run and its result are there.
    let store = app.store.clone();
    let restarted = app.with_state(super::app::state(store));
    let again = restarted.get(&format!("/simulations/{id}"), &analyst).await;
    assert_eq!(again.json, done);
    let result = restarted.get(&format!("/simulations/{id}/result"), &analyst).await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.json);
    assert_eq!(result.json["scenario"], "deux-semaines");
    assert_eq!(result.json["weeks"].as_array().map(Vec::len), Some(2));
    let csv = restarted
        .call(Method::GET, &format!("/simulations/{id}/result?format=magistrates"), Some(&analyst), &[], None)
        .await;
    assert!(String::from_utf8_lossy(&csv.bytes).starts_with("magistrate,chamber,role"));

    let second = restarted.post("/simulations", &analyst, json!({"name": "autre", "weeks": 1})).await;
    assert_eq!(second.status, StatusCode::ACCEPTED, "{}", second.json);
    let listed = restarted.get("/simulations", &analyst).await;
    let names: Vec<&str> =
        listed.json.as_array().expect("list").iter().filter_map(|v| v["scenario"].as_str()).collect();
    assert_eq!(names, ["autre", "deux-semaines"]);
    // Not a proposal job, not a simulation of another kind of caller.
    let clerk = restarted.user("greffe", "greffier", &["civ1"], None).await;
    assert_eq!(restarted.get("/simulations", &clerk).await.status, StatusCode::FORBIDDEN);
    let president = restarted.user("pres", "president_chambre", &["civ1"], Some("civ1-p")).await;
    assert_eq!(restarted.get(&format!("/plans/jobs/{id}"), &president).await.status, StatusCode::NOT_FOUND);
}
both_backends!(a_simulation_and_its_result_outlive_their_process);

/// A year's simulation, cancelled while it runs: it stops within a second
/// of the request and leaves no result.
async fn a_running_simulation_is_cancelled_within_a_second(app: TestApp) {
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let started = app.post("/simulations", &analyst, json!({"name": "une-annee", "weeks": 52})).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.json);
    let id = started.json["id"].as_i64().expect("id");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let view = app.get(&format!("/simulations/{id}"), &analyst).await.json;
        assert!(view["status"] == "queued" || view["status"] == "running", "{view}");
        if view["week"].as_u64().is_some_and(|w| w >= 1) {
            break;
        }
        assert!(Instant::now() < deadline, "no week simulated in a minute: {view}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let asked = Instant::now();
    let cancelled = app.call(Method::POST, &format!("/simulations/{id}/cancel"), Some(&analyst), &[], None).await;
    assert_eq!(cancelled.status, StatusCode::ACCEPTED, "{}", cancelled.json);
    let ended = follow_to_end(&app, id, &analyst, Duration::from_secs(10)).await;
    let after = asked.elapsed();
    assert_eq!(ended["status"], "cancelled", "{ended}");
    assert!(after < Duration::from_secs(1), "ended {after:?} after the request");
    let result = app.get(&format!("/simulations/{id}/result"), &analyst).await;
    assert_eq!(result.status, StatusCode::CONFLICT, "{}", result.json);
    assert!(result.json["message"].as_str().is_some_and(|m| m.contains("est annulée")), "{}", result.json);
}
both_backends!(a_running_simulation_is_cancelled_within_a_second);

/// Eight runs wait at most; the ninth is refused with `Retry-After`.
async fn the_simulation_queue_is_bounded(app: TestApp) {
    use greffe_api::worker::{SIMULATION_QUEUE, Worker};

    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let mut state = super::app::state(app.store.clone());
    state.worker = std::sync::Arc::new(Worker::disabled());
    let app = app.with_state(state);
    for n in 0..SIMULATION_QUEUE {
        let queued = app.post("/simulations", &analyst, json!({"name": format!("s{n}"), "weeks": 1})).await;
        assert_eq!(queued.status, StatusCode::ACCEPTED, "{}", queued.json);
    }
    let refused = app.post("/simulations", &analyst, json!({"name": "de-trop", "weeks": 1})).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.json);
    assert_eq!(refused.json["code"], "queue_full");
    assert!(refused.headers.contains_key("retry-after"));
}
both_backends!(the_simulation_queue_is_bounded);
