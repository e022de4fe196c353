//! What operators read: `GET /metrics` (administrators; OpenMetrics text
//! with requests, latency, jobs, the journal and the worker's solves) and
//! the request id each answer carries.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;

use super::app::{TestApp, both_backends};

/// The value of the sample `name` (labels included, as written) in `text`.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics_count_requests_jobs_and_solves(app: TestApp) {
    super::plans::planning_court(&app).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let clerk = app.user("greffe", "greffier", &["civ1"], None).await;
    for _ in 0..3 {
        assert_eq!(app.get("/me", &clerk).await.status, StatusCode::OK);
    }
    assert_eq!(app.get("/dossiers/999999", &clerk).await.status, StatusCode::NOT_FOUND);
    let body = json!({"chamber": "civ1", "start": "2027-01-04", "end": "2027-01-15", "time_limit_s": 2});
    let queued = app.post("/plans/jobs", &president, body).await;
    assert_eq!(queued.status, StatusCode::ACCEPTED, "{}", queued.json);
    let id = queued.json["id"].as_i64().expect("job id");
    for _ in 0..200 {
        if app.get(&format!("/plans/jobs/{id}"), &president).await.json["status"] == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert_eq!(app.get("/metrics", &clerk).await.status, StatusCode::FORBIDDEN);
    let reply = app.get("/metrics", &app.admin).await;
    assert_eq!(reply.status, StatusCode::OK);
    let content_type = reply.headers["content-type"].to_str().unwrap_or_default();
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    let text = String::from_utf8(reply.bytes).expect("utf-8");
    assert!(text.ends_with("# EOF\n"), "{text}");
    // Requests under their route template, not their path.
    assert_eq!(sample(&text, r#"greffe_http_requests_total{route="/me",method="GET",status="200"}"#), Some(3.0));
    assert_eq!(
        sample(&text, r#"greffe_http_requests_total{route="/dossiers/{id}",method="GET",status="404"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, r#"greffe_http_request_duration_seconds_count{route="/me",method="GET"}"#), Some(3.0));
    // Jobs from the store; the journal's length; the worker's solve.
    assert_eq!(sample(&text, r#"greffe_jobs{kind="proposal",status="done"}"#), Some(1.0), "{text}");
    assert_eq!(sample(&text, r#"greffe_jobs{kind="simulation",status="queued"}"#), Some(0.0));
    let journal = app.store.health().await.expect("health").journal_entries;
    assert_eq!(sample(&text, "greffe_journal_entries"), Some(journal as f64));
    assert_eq!(sample(&text, r#"greffe_worker_jobs_total{kind="proposal",status="done"}"#), Some(1.0), "{text}");
    assert_eq!(sample(&text, "greffe_solver_gap_count"), Some(1.0));
    assert!(text.contains("# TYPE greffe_http_request_duration_seconds histogram"));
}
both_backends!(metrics_count_requests_jobs_and_solves);

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let Some(app) = TestApp::on(super::app::Backend::Sqlite).await else { return };
    let fresh = app.get("/me", &app.admin).await;
    let id = fresh.headers.get("x-request-id").and_then(|v| v.to_str().ok()).expect("a request id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let other = app.get("/me", &app.admin).await;
    assert_ne!(other.headers.get("x-request-id").and_then(|v| v.to_str().ok()), Some(id));
    // The caller's own id (a proxy's) is kept, on errors too.
    let given =
        app.call(axum::http::Method::GET, "/nowhere", Some(&app.admin), &[("x-request-id", "rp-42")], None).await;
    assert_eq!(given.status, StatusCode::NOT_FOUND);
    assert_eq!(given.headers.get("x-request-id").and_then(|v| v.to_str().ok()), Some("rp-42"));
}

/// A cache catches up from the journal's sequence number: reading after the
/// last entry it applied, it sees every later entry once, in order.
async fn a_follower_of_the_journal_misses_nothing(app: TestApp) {
    app.court().await;
    let head = app.store.health().await.expect("health").journal_entries;
    let all = app.store.journal_after(0, usize::MAX).await.expect("journal");
    assert_eq!(all.len() as i64, head);
    assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1), "in sequence");
    let mut applied = head;
    // New writes, read in pages of two from where the follower stopped.
    for pourvoi in ["R 26-10.050", "R 26-10.051", "R 26-10.052"] {
        let reply = app.post("/dossiers", &app.admin, super::app::civil_dossier(pourvoi)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    }
    let now = app.store.health().await.expect("health").journal_entries;
    let mut seen = Vec::new();
    loop {
        let page = app.store.journal_after(applied, 2).await.expect("page");
        let Some(last) = page.last() else { break };
        assert!(page.len() <= 2);
        applied = last.seq;
        seen.extend(page.into_iter().map(|entry| entry.seq));
    }
    assert_eq!(seen, ((head + 1)..=now).collect::<Vec<_>>());
    assert!(seen.len() >= 3, "one entry per registration at least");
}
both_backends!(a_follower_of_the_journal_misses_nothing);
