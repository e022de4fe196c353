//! Simulation runs for analysts over HTTP: started, followed by server-sent
//! events, results downloaded; refused to other roles and for a bad scenario.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::app::{Backend, TestApp};

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
