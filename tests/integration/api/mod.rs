//! The registry service over HTTP, in process, on SQLite and PostgreSQL.

pub(crate) mod app;
mod decisions;
mod distribution;
mod hardening;
mod jobs;
mod operations;
mod orders;
mod orientation;
mod plans;
mod properties;
mod roles;
mod search;
mod simulations;
mod work;

use axum::http::{Method, StatusCode};
use std::collections::BTreeMap;

use serde_json::{Value, json};

use app::{TestApp, both_backends, civil_dossier};

/// Registers a dossier as `token`; returns its id and ETag.
async fn register(app: &TestApp, token: &str, body: Value) -> (i64, String) {
    let reply = app.post("/dossiers", token, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    (reply.json["id"].as_i64().expect("id"), reply.etag())
}

async fn health_reports_backend_and_schema(app: TestApp) {
    let reply = app.call(Method::GET, "/health", None, &[], None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["store"]["schema_version"], 20, "0020_joined_group_index applied");
    let backend = reply.json["store"]["backend"].as_str().expect("backend");
    assert_eq!(backend, serde_json::to_value(app.store.backend()).expect("backend").as_str().expect("text"));
}
both_backends!(health_reports_backend_and_schema);

async fn dossier_lifecycle(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (id, etag) = register(&app, &clerk, civil_dossier("y 26-10.001")).await;
    assert_eq!(etag, "\"1\"");
    let dossier = app.get(&format!("/dossiers/{id}"), &clerk).await;
    assert_eq!(dossier.json["pourvoi"], "Y 26-10.001", "the number is stored canonical");
    assert_eq!(dossier.json["status"], "registered");
    assert_eq!(dossier.json["recusals"][0]["magistrate"], "civ1-c2");

    // Procedural events: the declaration starts the mémoire deadline; the
    // mémoire filed in time meets it.
    let path = format!("/dossiers/{id}/events");
    let declared = app
        .write(Method::POST, &path, &clerk, &etag, json!({"type": "declaration_pourvoi", "date": "2026-03-10"}))
        .await;
    assert_eq!(declared.status, StatusCode::CREATED, "{}", declared.json);
    assert_eq!(declared.etag(), "\"2\"");
    let deadlines = app.get(&format!("/dossiers/{id}/deadlines?today=2026-05-01"), &clerk).await;
    let ampliatif = deadlines.json["deadlines"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["rule"] == "civil.memoire_ampliatif")
        .cloned();
    let ampliatif = ampliatif.expect("art. 978 applies from the declaration");
    assert_eq!(ampliatif["due"], "2026-07-10");
    assert_eq!(ampliatif["state"], "pending");
    let filed = app
        .write(
            Method::POST,
            &path,
            &clerk,
            &declared.etag(),
            json!({"type": "depot_memoire_ampliatif", "date": "2026-06-30", "party": "demandeur"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.json);
    let deadlines = app.get(&format!("/dossiers/{id}/deadlines?today=2026-08-01"), &clerk).await;
    let ampliatif = deadlines.json["deadlines"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["rule"] == "civil.memoire_ampliatif")
        .cloned();
    assert_eq!(ampliatif.expect("still listed")["state"], "met");

    // A correction is a new entry naming the one it corrects; the journal
    // keeps both.
    let seq = filed.json["seq"].as_i64().expect("seq");
    let corrected = app
        .write(
            Method::POST,
            &path,
            &clerk,
            &filed.etag(),
            json!({"type": "depot_memoire_ampliatif", "date": "2026-07-20", "party": "demandeur", "corrects": seq}),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::CREATED, "{}", corrected.json);
    let deadlines = app.get(&format!("/dossiers/{id}/deadlines?today=2026-08-01"), &clerk).await;
    let ampliatif = deadlines.json["deadlines"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["rule"] == "civil.memoire_ampliatif")
        .cloned();
    assert_eq!(ampliatif.expect("still listed")["state"], "missed", "the corrected date is after the due date");
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await;
    let kinds: Vec<&str> =
        journal.json.as_array().expect("list").iter().map(|e| e["kind"].as_str().unwrap_or("")).collect();
    assert_eq!(
        kinds,
        ["dossier_registered", "declaration_pourvoi", "depot_memoire_ampliatif", "depot_memoire_ampliatif"]
    );
    assert_eq!(journal.json[3]["corrects"], seq);
    assert_eq!(journal.json[3]["actor"], "greffe-civ1");

    // Updates: JSON merge patch at a version.
    let current = app.get(&format!("/dossiers/{id}"), &clerk).await;
    let patched = app
        .write(
            Method::PATCH,
            &format!("/dossiers/{id}"),
            &clerk,
            &current.etag(),
            json!({"circuit": "approfondi", "matter": null}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
    assert_eq!(patched.json["circuit"], "approfondi");
    assert_eq!(patched.json["matter"], Value::Null);
    assert_eq!(patched.json["parties"].as_array().map(Vec::len), Some(2), "fields not in the patch are kept");

    // Status: lawful transitions only, with the reason for a refusal.
    let status = format!("/dossiers/{id}/status");
    let refused = app.write(Method::POST, &status, &clerk, &patched.etag(), json!({"status": "scheduled"})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "forbidden_transition");
    assert!(refused.json["action"].as_str().unwrap_or("").contains("routed"), "{}", refused.json);
    let mut etag = patched.etag();
    for next in ["routed", "in_instruction", "ready"] {
        let moved =
            app.write(Method::POST, &status, &clerk, &etag, json!({"status": next, "reason": "instruction"})).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
        etag = moved.etag();
    }

    // The decision closes the deadlines and the dossier is decided.
    let decided = app
        .write(
            Method::POST,
            &format!("/dossiers/{id}/decision"),
            &clerk,
            &etag,
            json!({"decided_on": "2026-11-12", "solution": "rejet", "formation": "f", "publication": "N", "ecli": "ECLI:FR:CCASS:2026:C100001", "number": "1001"}),
        )
        .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.json);
    assert_eq!(decided.json["status"], "decided");
    assert_eq!(decided.json["decision"]["solution"], "rejet");
    let deadlines = app.get(&format!("/dossiers/{id}/deadlines?today=2026-11-20"), &clerk).await;
    assert!(
        deadlines.json["deadlines"]
            .as_array()
            .expect("list")
            .iter()
            .all(|d| d["state"] != "pending" && d["state"] != "due_soon")
    );
    let again = app
        .write(
            Method::POST,
            &format!("/dossiers/{id}/decision"),
            &clerk,
            &decided.etag(),
            json!({"decided_on": "2026-11-13", "solution": "cassation", "formation": "f", "publication": "N"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a decision is not replaced");

    // Search.
    for (query, expected) in [
        ("pourvoi=Y%2026-10.001", 1),
        ("party=tilleuls", 1),
        ("party=inconnu", 0),
        ("status=decided", 1),
        ("status=ready", 0),
        ("rapporteur=civ1-c1", 1),
        ("chamber=civ1&circuit=approfondi", 1),
    ] {
        let found = app.get(&format!("/dossiers?{query}"), &clerk).await;
        assert_eq!(found.status, StatusCode::OK, "{query}: {}", found.json);
        assert_eq!(found.json["items"].as_array().map(Vec::len), Some(expected), "{query}");
    }
    let verify = app.get("/admin/journal/verify", &app.admin).await;
    assert_eq!(verify.json["intact"], true, "{}", verify.json);
    assert_eq!(app.store.stock_count_drift().await.expect("recount"), Vec::<String>::new());
}
both_backends!(dossier_lifecycle);

async fn writes_need_the_current_version_and_refusals_change_nothing(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (id, etag) = register(&app, &clerk, civil_dossier("A 26-10.002")).await;
    let path = format!("/dossiers/{id}");
    let before = app.journal_len().await;
    let missing = app.call(Method::PATCH, &path, Some(&clerk), &[], Some(json!({"circuit": "court"}))).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(missing.json["field"], "If-Match");
    let stale = app.write(Method::PATCH, &path, &clerk, "\"7\"", json!({"circuit": "court"})).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.code(), "version_mismatch");
    let invalid =
        app.write(Method::PATCH, &path, &clerk, &etag, json!({"chamber": "civ1", "rapporteurs": ["nobody"]})).await;
    // A magistrate who does not exist: the registry refuses it (409).
    assert_eq!((invalid.status, invalid.code()), (StatusCode::CONFLICT, "bad_reference"));
    assert_eq!(invalid.json["field"], "rapporteurs[0]");
    let typed = app.write(Method::PATCH, &path, &clerk, &etag, json!({"urgent": "oui"})).await;
    assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(typed.json["field"], "urgent");
    let event = app
        .write(
            Method::POST,
            &format!("{path}/events"),
            &clerk,
            &etag,
            json!({"type": "arrivee_martienne", "date": "2026-03-11"}),
        )
        .await;
    assert_eq!(event.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(event.json["field"], "type");
    let after = app.get(&path, &clerk).await;
    assert_eq!(after.etag(), etag, "nothing changed");
    assert_eq!(after.json["circuit"], "intermediaire");
    assert_eq!(app.journal_len().await, before, "no journal entry for a refused write");

    // Bodies that are not JSON, unknown fields, unknown ids.
    let garbage = app
        .raw(
            Method::POST,
            "/dossiers",
            Some(&clerk),
            &[("content-type", "application/json")],
            b"{\"pourvoi\": ".to_vec(),
        )
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert!(garbage.json["message"].as_str().unwrap_or("").contains("ligne 1"), "{}", garbage.json);
    let mut unknown = civil_dossier("B 26-10.003");
    unknown["couleur"] = json!("bleu");
    let unknown = app.post("/dossiers", &clerk, unknown).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.json["message"].as_str().unwrap_or("").contains("couleur"), "{}", unknown.json);
    let mut bad_pourvoi = civil_dossier("26-10003");
    bad_pourvoi["pourvoi"] = json!("26-10003");
    let bad_pourvoi = app.post("/dossiers", &clerk, bad_pourvoi).await;
    assert_eq!(bad_pourvoi.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_pourvoi.json["field"], "pourvoi");
    let twice = app.post("/dossiers", &clerk, civil_dossier("A 26-10.002")).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    for missing in ["/dossiers/999999", "/dossiers/abc", "/chambers/xyz", "/pieces/5/content", "/nulle/part"] {
        let reply = app.get(missing, &clerk).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(reply.code(), "not_found");
    }
    let huge = app
        .raw(
            Method::POST,
            "/dossiers",
            Some(&clerk),
            &[("content-type", "application/json")],
            vec![b' '; 3 * 1024 * 1024],
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.code(), "payload_too_large", "axum's own refusals have the one error shape: {}", huge.json);
    let param = app.get("/dossiers?couleur=bleu", &clerk).await;
    assert_eq!(param.status, StatusCode::UNPROCESSABLE_ENTITY);
    let limit = app.get("/dossiers?limit=100000", &clerk).await;
    assert_eq!(limit.json["field"], "limit");
    assert_eq!(app.journal_len().await, before, "no journal entry for refused requests");
}
both_backends!(writes_need_the_current_version_and_refusals_change_nothing);

async fn two_clerks_updating_the_same_dossier_one_wins(app: TestApp) {
    app.court().await;
    let first = app.user("greffe-a", "greffier", &["civ1"], None).await;
    let second = app.user("greffe-b", "greffier", &["civ1"], None).await;
    let (id, etag) = register(&app, &first, civil_dossier("C 26-10.004")).await;
    let path = format!("/dossiers/{id}");
    for round in 0..5 {
        let current = app.get(&path, &first).await.etag();
        let circuit = if round % 2 == 0 { ["court", "approfondi"] } else { ["approfondi", "court"] };
        let (a, b) = tokio::join!(
            app.write(Method::PATCH, &path, &first, &current, json!({"circuit": circuit[0]})),
            app.write(Method::PATCH, &path, &second, &current, json!({"circuit": circuit[1]})),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::PRECONDITION_FAILED],
            "round {round}: {} / {}",
            a.json,
            b.json
        );
        let winner = if a.status == StatusCode::OK { &a } else { &b };
        let stored = app.get(&path, &first).await;
        assert_eq!(stored.json["circuit"], winner.json["circuit"], "the stored record is the winner's");
    }
    assert_ne!(etag, app.get(&path, &first).await.etag());
    let verify = app.get("/admin/journal/verify", &app.admin).await;
    assert_eq!(verify.json["intact"], true);
}
both_backends!(two_clerks_updating_the_same_dossier_one_wins);

async fn tampering_with_the_journal_is_detected_and_named(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (id, etag) = register(&app, &clerk, civil_dossier("D 26-10.005")).await;
    let event = app
        .write(
            Method::POST,
            &format!("/dossiers/{id}/events"),
            &clerk,
            &etag,
            json!({"type": "declaration_pourvoi", "date": "2026-03-10"}),
        )
        .await;
    let seq = event.json["seq"].as_i64().expect("seq");
    let intact = app.get("/admin/journal/verify", &app.admin).await;
    assert_eq!(intact.json["intact"], true);
    assert_eq!(intact.json["entries"], app.journal_len().await);
    sqlx::query("UPDATE journal SET event_date = '2026-03-01' WHERE seq = $1")
        .bind(seq)
        .execute(app.store.pool())
        .await
        .expect("tamper");
    let broken = app.get("/admin/journal/verify", &app.admin).await;
    assert_eq!(broken.json["intact"], false);
    assert_eq!(broken.json["first_break"]["seq"], seq);
    assert_eq!(broken.json["first_break"]["dossier_id"], id);
    assert!(broken.json["first_break"]["problem"].as_str().unwrap_or("").contains("modifiée"), "{}", broken.json);
    // Removing the last entry is detected too.
    sqlx::query("UPDATE journal SET event_date = '2026-03-10' WHERE seq = $1")
        .bind(seq)
        .execute(app.store.pool())
        .await
        .expect("restore");
    assert_eq!(app.get("/admin/journal/verify", &app.admin).await.json["intact"], true);
    let last = app.journal_len().await;
    sqlx::query("DELETE FROM journal WHERE seq = $1").bind(last).execute(app.store.pool()).await.expect("delete");
    let truncated = app.get("/admin/journal/verify", &app.admin).await;
    assert_eq!(truncated.json["intact"], false, "{}", truncated.json);
}
both_backends!(tampering_with_the_journal_is_detected_and_named);

async fn idempotency_keys_replay_and_refuse_reuse(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let key = [("idempotency-key", "3f9a7c1e-0001")];
    let first = app.call(Method::POST, "/dossiers", Some(&clerk), &key, Some(civil_dossier("E 26-10.006"))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    let journal = app.journal_len().await;
    let retry = app.call(Method::POST, "/dossiers", Some(&clerk), &key, Some(civil_dossier("E 26-10.006"))).await;
    assert_eq!(retry.status, StatusCode::CREATED, "the retry gets the first answer, not a conflict");
    assert_eq!(retry.json, first.json);
    assert_eq!(retry.etag(), first.etag());
    assert_eq!(retry.headers.get("idempotent-replayed").map(|v| v.as_bytes()), Some(&b"true"[..]));
    assert_eq!(app.journal_len().await, journal, "nothing executed twice");
    let reused = app.call(Method::POST, "/dossiers", Some(&clerk), &key, Some(civil_dossier("F 26-10.007"))).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.json["field"], "Idempotency-Key");

    // A request still running answers 409 to its retry; one abandoned (the
    // service stopped mid-way) is taken over by the retry.
    let body = civil_dossier("G 26-10.011");
    let request_hash = greffe_store::journal::hex(&<sha2::Sha256 as sha2::Digest>::digest(body.to_string().as_bytes()));
    for (key, created_at) in [("running", greffe_store::now()), ("abandoned", "2026-01-01T00:00:00.000000Z".to_owned())]
    {
        sqlx::query(
            "INSERT INTO idempotency (user_id, key, method, path, request_hash, status, body, created_at)
             VALUES ('greffe-civ1', $1, 'POST', '/dossiers', $2, 0, '', $3)",
        )
        .bind(key)
        .bind(&request_hash)
        .bind(created_at)
        .execute(app.store.pool())
        .await
        .expect("reservation");
    }
    let running =
        app.call(Method::POST, "/dossiers", Some(&clerk), &[("idempotency-key", "running")], Some(body.clone())).await;
    assert_eq!(running.status, StatusCode::CONFLICT);
    assert_eq!(running.code(), "in_progress");
    let taken_over =
        app.call(Method::POST, "/dossiers", Some(&clerk), &[("idempotency-key", "abandoned")], Some(body)).await;
    assert_eq!(taken_over.status, StatusCode::CREATED, "{}", taken_over.json);
}
both_backends!(idempotency_keys_replay_and_refuse_reuse);

async fn pieces_are_kept_by_hash_and_drive_deadlines(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (id, etag) = register(&app, &clerk, civil_dossier("G 26-10.008")).await;
    let declared = app
        .write(
            Method::POST,
            &format!("/dossiers/{id}/events"),
            &clerk,
            &etag,
            json!({"type": "declaration_pourvoi", "date": "2026-03-10"}),
        )
        .await;
    let content = b"%PDF-1.7 memoire ampliatif".to_vec();
    let upload = app
        .raw(
            Method::POST,
            &format!("/dossiers/{id}/pieces?kind=memoire_ampliatif&filed_by=SCP%20Aubert-Lemoine&filed_on=2026-06-01&filename=memoire.pdf&party=demandeur"),
            Some(&clerk),
            &[("if-match", &declared.etag()), ("content-type", "application/pdf")],
            content.clone(),
        )
        .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.json);
    assert_eq!(upload.json["size"], content.len());
    assert_eq!(upload.json["sha256"].as_str().map(str::len), Some(64));
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await;
    let last = journal.json.as_array().and_then(|l| l.last()).cloned().expect("entry");
    assert_eq!(last["kind"], "depot_memoire_ampliatif", "a mémoire is journaled as its procedural event");
    let deadlines = app.get(&format!("/dossiers/{id}/deadlines?today=2026-06-02"), &clerk).await;
    let ampliatif = deadlines.json["deadlines"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["rule"] == "civil.memoire_ampliatif")
        .cloned();
    assert_eq!(ampliatif.expect("listed")["state"], "met");
    let piece = upload.json["id"].as_i64().expect("id");
    let download = app.get(&format!("/pieces/{piece}/content"), &clerk).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, content);
    assert_eq!(download.headers.get("content-type").map(|v| v.as_bytes()), Some(&b"application/pdf"[..]));
    let list = app.get(&format!("/dossiers/{id}/pieces"), &clerk).await;
    assert_eq!(list.json.as_array().map(Vec::len), Some(1));
    let stale = app
        .raw(
            Method::POST,
            &format!("/dossiers/{id}/pieces?kind=autre&filed_by=x&filed_on=2026-06-01&filename=a.txt"),
            Some(&clerk),
            &[("if-match", &declared.etag())],
            b"x".to_vec(),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "the upload changed the dossier's version");
    let bad_kind = app
        .raw(
            Method::POST,
            &format!("/dossiers/{id}/pieces?kind=photo&filed_by=x&filed_on=2026-06-01&filename=a.txt"),
            Some(&clerk),
            &[("if-match", "\"3\"")],
            b"x".to_vec(),
        )
        .await;
    assert_eq!(bad_kind.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_kind.json["field"], "kind");
}
both_backends!(pieces_are_kept_by_hash_and_drive_deadlines);

async fn certificates_of_non_pourvoi(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (_, _) = register(&app, &clerk, civil_dossier("H 26-10.009")).await;
    let request = |docket: &str, parties: &[&str]| json!({"court": "Cour d'appel de LYON", "decision_date": "2026-01-15", "docket": docket, "parties": parties, "nature": "civil", "requester": "M. Dupont"});
    let refused = app.post("/cnp", &clerk, request("24/01234", &["SCI Les Tilleuls"])).await;
    assert_eq!(refused.status, StatusCode::CREATED, "{}", refused.json);
    assert_eq!(refused.json["outcome"]["outcome"], "refused");
    assert_eq!(refused.json["outcome"]["pourvois"][0], "H 26-10.009", "the pourvoi is named");
    let issued = app.post("/cnp", &clerk, request("24/09999", &["SCI Les Tilleuls"])).await;
    assert_eq!(issued.json["outcome"]["outcome"], "issued");
    assert!(issued.json["checks"].as_array().map(Vec::len) > Some(2));
    let ambiguous = app.post("/cnp", &clerk, request("24/01234", &["Société Tout Autre"])).await;
    assert_eq!(ambiguous.json["outcome"]["outcome"], "incomplete");
    let incomplete = app.post("/cnp", &clerk, json!({"court": "cour d'appel de Lyon"})).await;
    assert_eq!(incomplete.json["outcome"]["outcome"], "incomplete");
    assert_eq!(incomplete.json["outcome"]["missing"].as_array().map(Vec::len), Some(4));
    // A name the certificate could not print: refused where it is typed,
    // the field and the character named, nothing answered or journaled.
    let journal = app.journal_len().await;
    let foreign = app.post("/cnp", &clerk, request("24/09999", &["SCI Les Tilleuls", "Société 测试"])).await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", foreign.json);
    assert_eq!(foreign.json["field"], "parties[1]");
    assert!(foreign.json["message"].as_str().unwrap_or_default().contains("U+6D4B"), "{}", foreign.json);
    assert!(foreign.json["action"].as_str().unwrap_or_default().contains("caractères latins"), "{}", foreign.json);
    assert_eq!(app.journal_len().await, journal);
    // Greek and Cyrillic names, French typography: accepted.
    let greek = app.post("/cnp", &clerk, request("24/09998", &["Mᵐᵉ Ελένη Παπαδοπούλου", "M. Иван Петров"])).await;
    assert_eq!(greek.status, StatusCode::CREATED, "{}", greek.json);

    // A legal-aid request without a pourvoi gives a partial certificate.
    let mut aid = civil_dossier("J 26-10.010");
    aid["attacked"]["docket"] = json!("24/05555");
    let (id, etag) = register(&app, &clerk, aid).await;
    app.write(
        Method::POST,
        &format!("/dossiers/{id}/events"),
        &clerk,
        &etag,
        json!({"type": "demande_aide_juridictionnelle", "date": "2026-03-01", "party": "demandeur"}),
    )
    .await;
    let partial = app.post("/cnp", &clerk, request("24/05555", &["M. Dupont"])).await;
    assert_eq!(partial.json["outcome"]["outcome"], "partial", "{}", partial.json);
    let entry = partial.json["journal_seq"].as_i64().expect("journaled");
    assert!(entry > 0);
}
both_backends!(certificates_of_non_pourvoi);

async fn import_is_checked_all_or_nothing_and_idempotent(app: TestApp) {
    app.court().await;
    let mut second = civil_dossier("L 25-10.020");
    second["attacked"]["docket"] = json!("23/00002");
    let file = json!({
        "format": "greffe-import/1",
        "dossiers": [
            {"dossier": civil_dossier("K 25-10.019"), "status": "in_instruction",
             "events": [{"type": "declaration_pourvoi", "date": "2026-03-10"}]},
            {"dossier": second, "status": "decided",
             "events": [{"type": "declaration_pourvoi", "date": "2026-03-10"}],
             "decision": {"decided_on": "2026-10-01", "solution": "cassation", "formation": "fs", "publication": "B"}}
        ]
    });
    let imported = app.post("/admin/import", &app.admin, file.clone()).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.json);
    assert_eq!(imported.json["imported"], 2);
    let journal = app.journal_len().await;
    let again = app.post("/admin/import", &app.admin, file.clone()).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!((again.json["imported"].clone(), again.json["skipped"].clone()), (json!(0), json!(2)));
    assert_eq!(app.journal_len().await, journal, "re-importing changes nothing");

    let mut bad = file;
    bad["dossiers"][0]["dossier"]["chamber"] = json!("civ9");
    bad["dossiers"][1]["events"][0]["date"] = json!("2026-13-01");
    bad["dossiers"].as_array_mut().expect("list").push(json!({"dossier": civil_dossier("M 25-10.021")}));
    let refused = app.post("/admin/import", &app.admin, bad).await;
    // Both records conflict with the registry (registered with other data):
    // 409, each rejection with its code.
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.json);
    let rejected = refused.json["rejected"].as_array().expect("list");
    let fields: Vec<&str> = rejected.iter().map(|r| r["field"].as_str().unwrap_or("")).collect();
    assert_eq!(fields, ["dossiers[0].dossier.pourvoi", "dossiers[1].dossier.pourvoi"], "{}", refused.json);
    assert!(rejected.iter().all(|r| r["code"] == "already_exists"), "{}", refused.json);
    assert_eq!(app.journal_len().await, journal, "all or nothing: the valid third record was not written");

    let mut fresh = json!({"format": "greffe-import/1", "dossiers": [
        {"dossier": civil_dossier("N 25-10.022")},
        {"dossier": civil_dossier("P 25-10.023"), "events": [{"type": "declaration_pourvoi", "date": "2026-13-01"}]},
    ]});
    fresh["dossiers"][0]["dossier"]["chamber"] = json!("civ9");
    let refused = app.post("/admin/import", &app.admin, fresh).await;
    let fields: Vec<&str> =
        refused.json["rejected"].as_array().expect("list").iter().map(|r| r["field"].as_str().unwrap_or("")).collect();
    assert_eq!(fields, ["dossiers[0].dossier.chamber", "dossiers[1].events[0].date"], "{}", refused.json);
    // An unknown chamber and an impossible date: a record breaks a rule, 422.
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<&str> =
        refused.json["rejected"].as_array().expect("list").iter().map(|r| r["code"].as_str().unwrap_or("")).collect();
    assert_eq!(codes, ["bad_reference", "invalid_field"]);
    let found = app.get("/dossiers?pourvoi=N%2025-10.022", &app.admin).await;
    assert_eq!(found.json["items"].as_array().map(Vec::len), Some(0));
}
both_backends!(import_is_checked_all_or_nothing_and_idempotent);

async fn tasks_and_dashboard_come_from_the_store(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("president-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let rapporteur = app.user("conseiller-civ1", "magistrat", &["civ1"], Some("civ1-c1")).await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let (id, etag) = register(&app, &clerk, civil_dossier("Q 26-10.030")).await;
    app.write(
        Method::POST,
        &format!("/dossiers/{id}/events"),
        &clerk,
        &etag,
        json!({"type": "declaration_pourvoi", "date": "2026-03-10"}),
    )
    .await;
    let tasks = app.get("/tasks?today=2026-07-01", &clerk).await;
    assert_eq!(tasks.status, StatusCode::OK, "{}", tasks.json);
    let first = &tasks.json["tasks"][0];
    assert_eq!(first["rule"], "civil.memoire_ampliatif");
    assert_eq!(first["due"], "2026-07-10");
    assert_eq!(first["state"], "due_soon");
    let mine = app.get("/tasks?today=2026-07-01", &rapporteur).await;
    assert_eq!(mine.json["tasks"].as_array().map(|t| t.iter().all(|t| t["dossier_id"] == id)), Some(true));
    assert!(mine.json["tasks"].as_array().map(Vec::len) > Some(0), "the rapporteur sees his dossier");
    let theirs = app.get("/tasks?today=2026-07-01", &president).await;
    assert_eq!(theirs.json["tasks"].as_array().map(Vec::len), Some(0), "no court deadline in civil matters here");
    assert_eq!(app.get("/tasks", &analyst).await.status, StatusCode::FORBIDDEN);

    let dashboard = app.get("/dashboard?today=2026-07-01&from=2026-01-01&to=2026-06-30", &analyst).await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.json);
    let civ1 = &dashboard.json["chambers"]["civ1"];
    assert_eq!(civ1["open"], 1);
    assert_eq!(civ1["by_status"]["registered"], 1);
    assert_eq!(civ1["open_by_age"]["moins_6_mois"], 1);
    assert_eq!(civ1["registered_in_period"], 1);
    assert_eq!(dashboard.json["chambers"]["total"]["open"], 1);
    let scoped = app.get("/dashboard?today=2026-07-01", &clerk).await;
    assert!(scoped.json["chambers"].get("cr").is_none(), "a clerk sees his chambers only");

    let current = app.get(&format!("/dossiers/{id}"), &clerk).await;
    let decided = app
        .write(
            Method::POST,
            &format!("/dossiers/{id}/decision"),
            &clerk,
            &current.etag(),
            json!({"decided_on": "2026-06-19", "solution": "cassation", "formation": "fs", "publication": "B"}),
        )
        .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.json);
    let dashboard = app.get("/dashboard?today=2026-07-01&from=2026-01-01&to=2026-06-30", &analyst).await;
    let civ1 = &dashboard.json["chambers"]["civ1"];
    assert_eq!(civ1["open"], 0);
    assert_eq!(civ1["by_status"]["decided"], 1);
    assert_eq!(civ1["decided_in_period"], 1);
    assert_eq!(civ1["median_days_to_decision"], 101, "2026-03-10 to 2026-06-19");
    assert_eq!(civ1["clearance_rate"], 1.0);
    let tasks = app.get("/tasks?today=2026-07-01", &clerk).await;
    assert_eq!(tasks.json["tasks"].as_array().map(Vec::len), Some(0), "a decided dossier has no running deadline");
}
both_backends!(tasks_and_dashboard_come_from_the_store);

/// The dashboard's stock counts (migration 0006) follow registrations,
/// edits, status changes and decisions, and a recount finds any drift.
async fn stock_counts_follow_every_write(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1", "cr"], None).await;
    let (first, etag) = register(&app, &clerk, civil_dossier("Q 26-10.040")).await;
    let (second, second_etag) = register(&app, &clerk, civil_dossier("Q 26-10.041")).await;
    let patched = app
        .write(
            Method::PATCH,
            &format!("/dossiers/{first}"),
            &clerk,
            &etag,
            json!({"registered_on": "2026-02-02", "circuit": "approfondi"}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
    let mut etag = second_etag;
    for next in ["routed", "withdrawn"] {
        let moved = app
            .write(
                Method::POST,
                &format!("/dossiers/{second}/status"),
                &clerk,
                &etag,
                json!({"status": next, "reason": "désistement"}),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
        etag = moved.etag();
    }
    assert_eq!(app.store.stock_count_drift().await.expect("recount"), Vec::<String>::new());
    let dashboard = app.get("/dashboard?today=2026-07-01&from=2026-02-01&to=2026-02-28", &clerk).await;
    let civ1 = &dashboard.json["chambers"]["civ1"];
    assert_eq!(civ1["by_status"], json!({"registered": 1, "withdrawn": 1}), "{}", dashboard.json);
    assert_eq!(civ1["open"], 1);
    assert_eq!(civ1["open_by_circuit"], json!({"approfondi": 1}));
    assert_eq!(civ1["open_by_age"], json!({"moins_6_mois": 1}));
    assert_eq!(civ1["registered_in_period"], 1, "the edited registration day counts, the other is in March");

    // A change of chamber made below the API (the triggers sit on the table).
    sqlx::query("UPDATE dossiers SET chamber = 'cr' WHERE id = $1")
        .bind(first)
        .execute(app.store.pool())
        .await
        .expect("update");
    assert_eq!(app.store.stock_count_drift().await.expect("recount"), Vec::<String>::new());
    let dashboard = app.get("/dashboard?today=2026-07-01&from=2026-02-01&to=2026-02-28", &clerk).await;
    assert_eq!(dashboard.json["chambers"]["cr"]["open"], 1, "{}", dashboard.json);
    assert_eq!(dashboard.json["chambers"]["civ1"]["open"], 0);
    assert_eq!(dashboard.json["chambers"]["total"]["registered_in_period"], 1);

    // A bulk import pauses the triggers in its transaction and recounts.
    let dossiers: Vec<Value> = (0..100)
        .map(|i| {
            let mut dossier = civil_dossier(&format!("R 26-12.{i:03}"));
            dossier["registered_on"] = json!("2026-02-10");
            json!({"dossier": dossier})
        })
        .collect();
    let imported =
        app.post("/admin/import", &app.admin, json!({"format": "greffe-import/1", "dossiers": dossiers})).await;
    assert_eq!(imported.json["imported"], 100, "{}", imported.json);
    assert_eq!(app.store.stock_count_drift().await.expect("recount"), Vec::<String>::new());
    let dashboard = app.get("/dashboard?today=2026-07-01&from=2026-02-01&to=2026-02-28", &clerk).await;
    assert_eq!(dashboard.json["chambers"]["civ1"]["open_by_circuit"], json!({"intermediaire": 100}));
    assert_eq!(dashboard.json["chambers"]["total"]["registered_in_period"], 101);
    let paused: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM stock_counts_paused").fetch_one(app.store.pool()).await.expect("read");
    assert_eq!(paused, 0, "the pause ends with the import");
    let (third, _) = register(&app, &clerk, civil_dossier("Q 26-10.042")).await;
    assert!(third > 0);
    assert_eq!(app.store.stock_count_drift().await.expect("recount"), Vec::<String>::new(), "triggers run again");

    // Drift is found and named.
    sqlx::query("UPDATE stock_counts SET n = n + 1 WHERE chamber = 'cr'")
        .execute(app.store.pool())
        .await
        .expect("update");
    assert_eq!(
        app.store.stock_count_drift().await.expect("recount"),
        ["stock_counts cr/registered/approfondi: 2 kept, 1 counted"]
    );
}
both_backends!(stock_counts_follow_every_write);

#[test]
fn openapi_document_is_generated_from_the_handlers() {
    let document: Value = serde_json::from_str(&greffe_api::openapi_json()).expect("JSON");
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.len() >= 20, "{} paths", paths.len());
    insta::assert_json_snapshot!("openapi", document);
}

/// The fields the service reads as dates (`models::dates::DATE_FIELDS`,
/// bounded to the supported calendar by name) are exactly the dates of the
/// document, each declared with the calendar's pattern: a new date field
/// with another name fails here. (A listed name may also name a list of
/// codes — `publication` of a decision — whose values are never dates.)
#[test]
fn the_dates_of_the_document_are_the_dates_the_service_bounds() {
    fn walk(node: &Value, name: Option<&str>, found: &mut BTreeMap<String, Vec<String>>) {
        match node {
            Value::Object(map) => {
                if map.get("format").and_then(Value::as_str) == Some("date")
                    && let Some(name) = name
                {
                    found.entry(name.to_owned()).or_default().push(map["pattern"].as_str().unwrap_or("").to_owned());
                }
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("properties", Value::Object(properties)) => {
                            properties.iter().for_each(|(property, schema)| walk(schema, Some(property), found))
                        }
                        ("parameters", Value::Array(parameters)) => parameters.iter().for_each(|parameter| {
                            walk(&parameter["schema"], parameter["name"].as_str(), found);
                        }),
                        _ => walk(child, name, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, name, found)),
            _ => {}
        }
    }
    let document: Value = serde_json::from_str(&greffe_api::openapi_json()).expect("JSON");
    let mut found = BTreeMap::new();
    walk(&document, None, &mut found);
    let named: Vec<&str> = found.keys().map(String::as_str).collect();
    let mut listed = greffe_models::dates::DATE_FIELDS.to_vec();
    listed.sort_unstable();
    assert_eq!(named, listed);
    // Every date is the calendar's, but a simulation's start, narrower (the
    // simulated court's dates reach years around it; its own test holds the
    // pattern equal to the years its check admits, inside the calendar).
    use greffe_simulation::scenario::{START_PATTERN, START_YEARS};
    assert!(*START_YEARS.start() >= 1900 && *START_YEARS.end() <= 2200);
    for (name, patterns) in &found {
        for pattern in patterns {
            let narrower = (name == "start" && pattern == START_PATTERN)
                || (["date", "filed_on"].contains(&name.as_str()) && pattern == greffe_models::dates::ACT_DATE_PATTERN);
            assert!(pattern == greffe_models::dates::CALENDAR_DATE_PATTERN || narrower, "{name}: {pattern}");
        }
    }
    assert!(found["start"].iter().any(|p| p == START_PATTERN), "the scenario's start states its years");
    // An event's date states the acts' years (models::dates::parse_act_date).
    let event = &document["components"]["schemas"]["EventInput"]["properties"]["date"]["pattern"];
    assert_eq!(event.as_str(), Some(greffe_models::dates::ACT_DATE_PATTERN));
    // So does a piece's filing, an act of the journal (its query parameter).
    let upload = &document["paths"]["/dossiers/{id}/pieces"]["post"]["parameters"];
    let filed_on = upload.as_array().and_then(|p| p.iter().find(|p| p["name"] == "filed_on"));
    assert_eq!(filed_on.map(|p| &p["schema"]["pattern"]), Some(&json!(greffe_models::dates::ACT_DATE_PATTERN)));
}

/// The demonstration court: seeded through the store's own checks, its
/// journal intact, its figures those of what was imported, and importing
/// the same dossiers again changes nothing. Court scale: slow in debug
/// builds, run by CI with the other ignored tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "court-scale seeding (about 30 s in a debug build)"]
async fn demo_court_is_consistent_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store =
        greffe_store::Store::open(&format!("sqlite://{}", dir.path().join("demo.db").display())).await.expect("store");
    let today = greffe_models::dates::parse_date("2026-11-29").expect("date");
    let config = greffe_store::demo::DemoConfig { seed: 1, weeks: 8, stock: 1_000, today };
    let report = greffe_store::demo::seed(&store, &config).await.expect("demo seeds");
    assert!(report.import.rejected.is_empty());
    assert!(report.import.imported > 4_000, "{} dossiers", report.import.imported);
    let verification = greffe_store::journal::verify(store.pool()).await.expect("verify");
    assert!(verification.intact, "{verification:?}");
    assert_eq!(store.stock_count_drift().await.expect("recount"), Vec::<String>::new());
    for credentials in &report.users {
        let user = store.user_by_token(&credentials.token).await.expect("lookup").expect("token works");
        assert_eq!(user.id, credentials.user.id);
    }
    let dashboard = store.dashboard(today, today, today, 15, None).await.expect("dashboard");
    let total: i64 = dashboard.chambers["total"].by_status.values().sum();
    assert_eq!(usize::try_from(total).expect("count"), report.import.imported);
    assert!(dashboard.chambers["total"].ready > 1_000, "the generator's dossiers are mostly ready");
    let journal = store.health().await.expect("health").journal_entries;
    let doc = greffe_store::demo::court(&config).expect("court");
    let again =
        store.import("test", greffe_store::demo::import_file(&doc, &config).expect("file")).await.expect("import");
    assert_eq!((again.imported, again.skipped, again.rejected.len()), (0, report.import.imported, 0));
    assert_eq!(store.health().await.expect("health").journal_entries, journal);
}

async fn reference_data_at_a_version(app: TestApp) {
    app.court().await;
    let hearing = json!({"id": "h1", "chamber": "civ1", "date": "2027-01-05", "half_day": "am", "formation": "FR", "capacity": 12});
    let created = app.post("/hearings", &app.admin, hearing.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let mut holiday = hearing.clone();
    holiday["id"] = json!("h2");
    holiday["date"] = json!("2027-05-08");
    let refused = app.post("/hearings", &app.admin, holiday).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json["field"], "date");
    assert!(refused.json["message"].as_str().unwrap_or("").contains("jour ouvrable"), "{}", refused.json);

    let magistrate = app.get("/magistrates/civ1-c1", &app.admin).await;
    let mut record = magistrate.json.clone();
    if let Some(fields) = record.as_object_mut() {
        fields.remove("version");
    }
    record["absences"] = json!([{"from": "2027-01-04", "to": "2027-01-08", "reason": "congé"}]);
    let updated = app.write(Method::PUT, "/magistrates/civ1-c1", &app.admin, &magistrate.etag(), record.clone()).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.json);
    assert_eq!(updated.json["absences"][0]["reason"], "congé");
    let stale = app.write(Method::PUT, "/magistrates/civ1-c1", &app.admin, &magistrate.etag(), record.clone()).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    record["absences"] = json!([{"from": "2027-01-08", "to": "2027-01-04"}]);
    let inverted = app.write(Method::PUT, "/magistrates/civ1-c1", &app.admin, &updated.etag(), record).await;
    assert_eq!(inverted.json["field"], "absences[0].to");

    let listed = app.get("/hearings?chamber=civ1&from=2027-01-01&to=2027-01-31", &app.admin).await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(1));
    let gone = app.call(Method::DELETE, "/hearings/h1", Some(&app.admin), &[("if-match", &created.etag())], None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/hearings/h1", &app.admin).await.status, StatusCode::NOT_FOUND);
    let chamber = app.get("/chambers/civ1", &app.admin).await;
    let renamed = app
        .write(
            Method::PUT,
            "/chambers/civ1",
            &app.admin,
            &chamber.etag(),
            json!({"code": "civ1", "name": "1re chambre civile", "nature": "civil"}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.json);
    assert_eq!(renamed.etag(), "\"2\"");
}
both_backends!(reference_data_at_a_version);

/// What a dossier says about itself — grounds, keywords, the attacked
/// decision's nature and the earlier cassation, a QPC, the previous
/// pourvois — is stored as written (pourvoi numbers canonical), changed by a
/// merge patch, journaled, and every wrong value refused by its field with
/// nothing written.
async fn a_dossier_says_what_it_raises(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe", "greffier", &["civ1"], None).await;
    let vocabulary = app.get("/vocabulary", &clerk).await;
    assert_eq!(vocabulary.status, StatusCode::OK);
    assert_eq!(vocabulary.json["source"]["confirmed"], false, "the lists are to confirm");
    let keywords = vocabulary.json["keywords"].as_array().expect("keywords");
    assert!(keywords.iter().any(|k| k["code"] == "filiation" && k["chambers"][0] == "civ1"), "{keywords:?}");

    let (earlier, _) = register(&app, &clerk, civil_dossier("A 25-10.001")).await;
    let mut body = civil_dossier("B 26-10.002");
    body["grounds"] = json!([{
        "title": "Violation de l'article 310-3 du code civil",
        "branches": ["Alors que l'expertise biologique est de droit en matière de filiation"],
        "articles": ["article 310-3 du code civil"],
        "text": "Le moyen fait grief à l'arrêt de rejeter la demande d'expertise.\nDeuxième ligne."
    }]);
    body["keywords"] = json!(["filiation", "prescription"]);
    body["attacked_nature"] = json!("renvoi_apres_cassation");
    body["earlier_pourvoi"] = json!("a2510001");
    body["qpc"] = json!(true);
    body["previous_pourvois"] = json!(["A 25-10.001", "c 24-12.345"]);
    let (id, etag) = register(&app, &clerk, body).await;
    let stored = app.get(&format!("/dossiers/{id}"), &clerk).await.json;
    assert_eq!(
        stored["grounds"][0]["branches"][0],
        "Alors que l'expertise biologique est de droit en matière de filiation"
    );
    assert_eq!(
        stored["grounds"][0]["text"],
        "Le moyen fait grief à l'arrêt de rejeter la demande d'expertise.\nDeuxième ligne."
    );
    assert_eq!(stored["keywords"], json!(["filiation", "prescription"]), "in the record's order");
    assert_eq!(stored["attacked_nature"], "renvoi_apres_cassation");
    assert_eq!(stored["earlier_pourvoi"], "A 25-10.001", "canonical");
    assert_eq!(stored["qpc"], true);
    assert_eq!(stored["previous_pourvois"], json!(["A 25-10.001", "C 24-12.345"]));
    let plain = app.get(&format!("/dossiers/{earlier}"), &clerk).await.json;
    assert_eq!(plain["attacked_nature"], "appel", "a record that says nothing: an appeal ruling");
    assert_eq!(plain["grounds"], json!([]));

    let path = format!("/dossiers/{id}");
    let before = app.journal_len().await;
    let refusals = [
        (json!({"keywords": ["filiaton"]}), "keywords[0]", "filiation"),
        (json!({"keywords": ["filiation", "filiation"]}), "keywords[1]", "double"),
        (json!({"attacked_nature": "appel"}), "earlier_pourvoi", "renvoi"),
        (json!({"earlier_pourvoi": null}), "earlier_pourvoi", "cassation"),
        (json!({"previous_pourvois": ["B 26-10.002"]}), "previous_pourvois[0]", "ce pourvoi-ci"),
        (json!({"grounds": [{"title": " "}]}), "grounds[0].title", "intitulé"),
        (json!({"grounds": [{"title": "x", "branches": ["a", ""]}]}), "grounds[0].branches[1]", "vide"),
        (json!({"grounds": [{"title": "x\ny"}]}), "grounds[0].title", "U+000A"),
    ];
    for (patch, field, says) in refusals {
        let refused = app.write(Method::PATCH, &path, &clerk, &etag, patch.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{patch}: {}", refused.json);
        assert_eq!(refused.json["field"], field, "{patch}: {}", refused.json);
        let text = format!("{} {}", refused.json["message"], refused.json["action"]);
        assert!(text.contains(says), "{patch}: {text}");
    }
    assert_eq!(app.journal_len().await, before, "nothing written by a refusal");
    assert_eq!(app.get(&path, &clerk).await.json, stored, "the record as it was");

    let patched = app
        .write(
            Method::PATCH,
            &path,
            &clerk,
            &etag,
            json!({"keywords": ["autorite-parentale"], "qpc": false, "grounds": []}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
    assert_eq!(patched.json["keywords"], json!(["autorite-parentale"]));
    assert_eq!(patched.json["grounds"], json!([]));
    assert_eq!(patched.json["earlier_pourvoi"], "A 25-10.001", "what the patch does not name stays");
    let journal = app.get(&format!("{path}/journal"), &clerk).await.json;
    let registered = journal.as_array().and_then(|entries| entries.first()).expect("registration");
    assert_eq!(
        registered["payload"]["keywords"],
        json!(["filiation", "prescription"]),
        "the registration journaled as written"
    );
}
both_backends!(a_dossier_says_what_it_raises);
