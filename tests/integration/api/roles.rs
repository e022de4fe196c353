//! Every endpoint × every role: 401 without credentials, 403 outside one's
//! role or chambers, and never 403 for a role the endpoint is for.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::app::{TestApp, both_backends, civil_dossier};

const ROLES: [&str; 5] = ["greffier", "president_chambre", "magistrat", "analyste", "admin"];
const ALL: &[&str] = &ROLES;
const ADMIN: &[&str] = &["admin"];
const WRITERS: &[&str] = &["greffier", "admin"];
/// Who reads dossiers (`Visibility::dossiers`): not the analyst, who reads
/// aggregates and published data.
const READERS: &[&str] = &["greffier", "president_chambre", "magistrat", "admin"];

async fn every_endpoint_by_every_role(app: TestApp) {
    app.court().await;
    let hearing = json!({"id": "h1", "chamber": "civ1", "date": "2027-01-05", "half_day": "am", "formation": "FR", "capacity": 12});
    assert_eq!(app.post("/hearings", &app.admin, hearing.clone()).await.status, StatusCode::CREATED);
    let reply = app.post("/dossiers", &app.admin, civil_dossier("R 26-10.040")).await;
    let id = reply.json["id"].as_i64().expect("id");
    let upload = app
        .raw(
            Method::POST,
            &format!("/dossiers/{id}/pieces?kind=autre&filed_by=greffe&filed_on=2026-03-11&filename=note.txt"),
            Some(&app.admin),
            &[("if-match", &reply.etag())],
            b"note".to_vec(),
        )
        .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.json);
    let piece = upload.json["id"].as_i64().expect("piece");
    let stale = "\"999\"";
    let d = |suffix: &str| format!("/dossiers/{id}{suffix}");
    let endpoints: Vec<(Method, String, Option<Value>, &[&str])> = vec![
        (Method::GET, "/me".into(), None, ALL),
        (Method::GET, "/metrics".into(), None, ADMIN),
        (Method::GET, "/simulations".into(), None, &["analyste", "admin"]),
        (Method::GET, "/chambers".into(), None, ALL),
        (Method::GET, "/chambers/civ1".into(), None, ALL),
        (Method::POST, "/chambers".into(), Some(json!({})), ADMIN),
        (Method::PUT, "/chambers/civ1".into(), Some(json!({"code": "civ1", "name": "x", "nature": "civil"})), ADMIN),
        (Method::GET, "/magistrates".into(), None, ALL),
        (Method::GET, "/magistrates/civ1-p".into(), None, ALL),
        (Method::POST, "/magistrates".into(), Some(json!({})), ADMIN),
        (
            Method::PUT,
            "/magistrates/civ1-p".into(),
            Some(json!({"id": "civ1-p", "name": "x", "role": "president", "chamber": "civ1", "rank": 1})),
            ADMIN,
        ),
        (Method::GET, "/hearings".into(), None, ALL),
        (Method::GET, "/hearings/h1".into(), None, ALL),
        (Method::POST, "/hearings".into(), Some(json!({})), ADMIN),
        (Method::PUT, "/hearings/h1".into(), Some(hearing), ADMIN),
        (Method::DELETE, "/hearings/h1".into(), Some(json!({})), ADMIN),
        (Method::GET, "/dossiers".into(), None, READERS),
        (Method::POST, "/dossiers".into(), Some(json!({})), WRITERS),
        (Method::GET, d(""), None, READERS),
        (Method::PATCH, d(""), Some(json!({"circuit": "court"})), WRITERS),
        (Method::POST, d("/status"), Some(json!({"status": "routed"})), WRITERS),
        (Method::GET, d("/journal"), None, READERS),
        (Method::POST, d("/events"), Some(json!({"type": "notification", "date": "2026-03-12"})), WRITERS),
        (Method::GET, d("/deadlines"), None, READERS),
        (Method::GET, d("/pieces"), None, READERS),
        (Method::GET, format!("/pieces/{piece}/content"), None, READERS),
        (
            Method::POST,
            d("/decision"),
            Some(json!({"decided_on": "2026-11-12", "solution": "rejet", "formation": "f", "publication": "N"})),
            WRITERS,
        ),
        (Method::GET, "/tasks".into(), None, &["greffier", "president_chambre", "magistrat", "admin"]),
        (Method::GET, "/dashboard".into(), None, &["greffier", "president_chambre", "analyste", "admin"]),
        (Method::POST, "/cnp".into(), Some(json!({})), WRITERS),
        (Method::GET, "/admin/users".into(), None, ADMIN),
        (Method::POST, "/admin/users".into(), Some(json!({})), ADMIN),
        (Method::POST, "/admin/import".into(), Some(json!({})), ADMIN),
        (Method::GET, "/admin/journal/verify".into(), None, ADMIN),
    ];
    let mut tokens = Vec::new();
    for role in ROLES {
        let chambers: &[&str] = if role == "analyste" { &["*"] } else { &["civ1"] };
        let magistrate = matches!(role, "magistrat" | "president_chambre").then_some("civ1-c1");
        tokens.push((role, app.user(&format!("u-{role}"), role, chambers, magistrate).await));
    }
    let outsider = app.user("greffe-cr", "greffier", &["cr"], None).await;
    let journal = app.journal_len().await;
    for (method, path, body, allowed) in &endpoints {
        let headers: &[(&str, &str)] = if body.is_some() { &[("if-match", stale)] } else { &[] };
        let anonymous = app.call(method.clone(), path, None, headers, body.clone()).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {path} without a token");
        let forged = app.call(method.clone(), path, Some("grf_forged"), headers, body.clone()).await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{method} {path} with an unknown token");
        for (role, token) in &tokens {
            let reply = app.call(method.clone(), path, Some(token), headers, body.clone()).await;
            if allowed.contains(role) {
                assert_ne!(reply.status, StatusCode::FORBIDDEN, "{method} {path} as {role}: {}", reply.json);
                assert_ne!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path} as {role}");
            } else {
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path} as {role}: {}", reply.json);
                assert_eq!(reply.code(), "forbidden");
            }
        }
        if path.starts_with("/dossiers/") || path.starts_with("/pieces/") {
            let reply = app.call(method.clone(), path, Some(&outsider), headers, body.clone()).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path} from another chamber");
        }
    }
    // Only the CNP requests (answered and journaled) wrote anything.
    let cnp_answers = 2;
    assert_eq!(app.journal_len().await, journal + cnp_answers, "stale versions and refusals wrote nothing else");
    let search = app.get("/dossiers", &outsider).await;
    assert_eq!(search.json["items"].as_array().map(Vec::len), Some(0), "search is limited to one's chambers");
    for open in ["/health", "/openapi.json"] {
        assert_eq!(app.call(Method::GET, open, None, &[], None).await.status, StatusCode::OK, "{open}");
    }
}
both_backends!(every_endpoint_by_every_role);
