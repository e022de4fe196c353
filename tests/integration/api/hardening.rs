//! Inputs found to break the service when it was tried from outside: each
//! is now refused with a 422 (or 415, 400) naming the field, identically on
//! SQLite and PostgreSQL, and nothing is written.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::app::{TestApp, both_backends, civil_dossier, criminal_dossier};
use super::register;

async fn numbers_out_of_bounds_are_refused_at_the_write(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (id, _) = register(&app, &clerk, civil_dossier("Q 26-10.049")).await;
    // A warning window past the calendar panicked the handler.
    for path in [
        "/tasks?warning_days=2147483646".to_owned(),
        "/dashboard?warning_days=367".to_owned(),
        format!("/dossiers/{id}/deadlines?warning_days=400"),
    ] {
        let path = path.as_str();
        let refused = app.get(path, &clerk).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", refused.json);
        assert_eq!(refused.json["field"], "warning_days", "{path}");
        assert!(refused.json["action"].as_str().unwrap_or("").contains("366"), "{}", refused.json);
    }
    let widest = app.get("/tasks?warning_days=366", &clerk).await;
    assert_eq!(widest.status, StatusCode::OK, "{}", widest.json);
    let overflow = app.get("/tasks?warning_days=99999999999", &clerk).await;
    assert_eq!(
        (overflow.status, overflow.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("warning_days"))
    );

    // A capacity the planner cannot take is refused where it is written.
    let hearing = json!({"id": "h-big", "chamber": "civ1", "date": "2027-01-05", "half_day": "am", "formation": "FR",
        "capacity": 9_223_372_036_854_775_807_i64});
    let refused = app.post("/hearings", &app.admin, hearing.clone()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert_eq!(refused.json["field"], "capacity");
    assert_eq!(app.get("/hearings/h-big", &app.admin).await.status, StatusCode::NOT_FOUND, "nothing written");
    let mut largest = hearing;
    largest["capacity"] = json!(100_000);
    assert_eq!(app.post("/hearings", &app.admin, largest).await.status, StatusCode::CREATED);
    let president = app.user("president-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let instance = app.get("/chambers/civ1/instance?start=2027-01-04&end=2027-01-08", &president).await;
    assert_eq!(
        instance.status,
        StatusCode::OK,
        "the largest capacity accepted makes a valid instance: {}",
        instance.json
    );
    let magistrate = json!({"id": "civ1-c9", "name": "Magistrat", "role": "conseiller", "chamber": "civ1", "rank": 1,
        "weekly_cap": 1_000_000});
    let refused = app.post("/magistrates", &app.admin, magistrate).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weekly_cap"))
    );
}
both_backends!(numbers_out_of_bounds_are_refused_at_the_write);

async fn control_characters_are_refused_the_same_on_both_backends(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    for c in ['\0', '\u{1}', '\u{1f}', '\u{7f}', '\n'] {
        let mut dossier = civil_dossier("Q 26-10.050");
        dossier["parties"][0]["name"] = json!(format!("M. Du{c}pont"));
        let refused = app.post("/dossiers", &clerk, dossier).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "U+{:04X}: {}", u32::from(c), refused.json);
        assert_eq!(refused.json["field"], "parties[0].name");
        assert!(refused.json["message"].as_str().unwrap_or("").contains("caractère de contrôle"), "{}", refused.json);
    }
    let found = app.get("/dossiers?pourvoi=Q%2026-10.050", &clerk).await;
    assert_eq!(found.json["items"].as_array().map(Vec::len), Some(0), "nothing written");
    for query in ["party=%00", "party=a%01b", "lawyer=%7F"] {
        let refused = app.get(&format!("/dossiers?{query}"), &clerk).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", refused.json);
        assert_eq!(refused.json["field"], query.split('=').next().unwrap_or(""));
    }
    // The store refuses them too, whoever asks (the portal's search form).
    let query = greffe_store::dossiers::DossierQuery { party: Some("\0".into()), ..Default::default() };
    match app.store.search_dossiers(&query, None).await {
        Err(greffe_store::Error::Invalid(problem)) => assert_eq!(problem.field.as_deref(), Some("party")),
        other => panic!("a NUL in a search is refused as invalid: {other:?}"),
    }
    // Multi-line text keeps its line ends; names and searches in the scripts
    // the documents print pass (models::text), others are refused, named.
    let (id, etag) = register(&app, &clerk, civil_dossier("Q 26-10.051")).await;
    let moved = app
        .write(
            Method::POST,
            &format!("/dossiers/{id}/status"),
            &clerk,
            &etag,
            json!({"status": "routed", "reason": "orientation :\r\n\tchambre civile"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
    let search = app.get("/dossiers?party=%C3%A9%CE%95%D0%98", &clerk).await;
    assert_eq!(search.status, StatusCode::OK, "é, Greek Ε, Cyrillic И: {}", search.json);
    let search = app.get("/dossiers?party=%C3%A9%E6%9D%B1", &clerk).await;
    assert_eq!((search.status, search.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("party")));

    // A piece's file name with a control character is refused at upload.
    for name in ["a%00.pdf", "a%01.pdf", "a%1F.pdf", "a%7F.pdf"] {
        let path = format!("/dossiers/{id}/pieces?kind=autre&filed_by=X&filed_on=2026-10-01&filename={name}");
        let refused =
            app.raw(Method::POST, &path, Some(&clerk), &[("if-match", &moved.etag())], b"%PDF".to_vec()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", refused.json);
        assert_eq!(refused.json["field"], "filename");
    }
}
both_backends!(control_characters_are_refused_the_same_on_both_backends);

async fn requests_are_refused_with_their_reason(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    // The administrator reads every registry record, notices included.
    let notices = app.get("/notices?chamber=civ1", &app.admin).await;
    assert_eq!(notices.status, StatusCode::OK, "{}", notices.json);
    // A JSON body must say it is JSON.
    let body = civil_dossier("Q 26-10.060").to_string().into_bytes();
    for content_type in [None, Some("text/plain")] {
        let headers: Vec<(&str, &str)> = content_type.map(|t| ("content-type", t)).into_iter().collect();
        let refused = app.raw(Method::POST, "/dossiers", Some(&clerk), &headers, body.clone()).await;
        assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}: {}", refused.json);
        assert_eq!(refused.json["field"], "Content-Type");
    }
    let merge = app
        .raw(Method::POST, "/dossiers", Some(&clerk), &[("content-type", "application/merge-patch+json")], body)
        .await;
    assert_eq!(merge.status, StatusCode::CREATED, "{}", merge.json);
    // A missing field is named.
    let empty = app.post("/dossiers", &clerk, json!({})).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.json);
    assert_eq!(empty.json["field"], "pourvoi", "{}", empty.json);
    // `If-Match: *` is refused, saying why.
    let id = merge.json["id"].as_i64().unwrap_or(0);
    let star = app.write(Method::PATCH, &format!("/dossiers/{id}"), &clerk, "*", json!({"circuit": "court"})).await;
    assert_eq!(star.status, StatusCode::BAD_REQUEST, "{}", star.json);
    assert_eq!(star.json["field"], "If-Match");
    // An empty parameter, a list for an object: refused, named.
    let empty = app.get("/hearings?to=", &clerk).await;
    assert_eq!((empty.status, empty.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")));
    let list = app.post("/cnp", &clerk, json!([null, null])).await;
    assert_eq!((list.status, list.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("body")));
    // What a refusal quotes never carries a character the text rule
    // refuses (a control character, a script the documents cannot print).
    for (path, quoted) in [("/hearings/a%01b", "a?b"), ("/hearings/a%E6%B5%8Bb", "a?b")] {
        let unknown = app.get(path, &clerk).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{path}");
        let message = unknown.json["message"].as_str().unwrap_or("");
        assert!(message.contains(quoted) && !message.contains(['\u{1}', '测']), "{message}");
    }
}
both_backends!(requests_are_refused_with_their_reason);

/// The document states what the shared extractors refuse, on every
/// operation, and the text rule on every string.
#[test]
fn the_document_declares_shared_refusals_and_the_text_rule() {
    let document: serde_json::Value = serde_json::from_str(&greffe_api::openapi_json()).expect("JSON");
    let mut secured = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            if operation.get("security").is_some() {
                secured += 1;
                for status in ["401", "403"] {
                    assert!(operation["responses"].get(status).is_some(), "{method} {path} declares {status}");
                }
            }
            if path.contains('{') {
                assert!(operation["responses"].get("404").is_some(), "{method} {path} declares 404");
            }
        }
    }
    assert!(secured > 40, "{secured} secured operations");
    let lawyer = &document["components"]["schemas"]["Party"]["properties"]["lawyer"];
    assert_eq!(lawyer["pattern"], greffe_models::text::pattern(false), "{lawyer}");
    // The forms the store checks, from models::forms.
    let name = &document["components"]["schemas"]["Party"]["properties"]["name"];
    assert_eq!(name["pattern"], greffe_models::forms::NON_BLANK_PATTERN.as_str(), "{name}");
    let pourvoi = &document["components"]["schemas"]["DossierInput"]["properties"]["pourvoi"];
    assert_eq!(pourvoi["pattern"], greffe_models::forms::POURVOI_PATTERN, "{pourvoi}");
    let code = &document["components"]["schemas"]["ChamberInput"]["properties"]["code"];
    assert_eq!(code["pattern"], greffe_models::forms::CODE_PATTERN, "{code}");
    // A stored record keeps the text rule alone (what it holds was checked).
    let stored = &document["components"]["schemas"]["Dossier"]["properties"]["pourvoi"];
    assert_eq!(stored["pattern"], greffe_models::text::pattern(false), "{stored}");
    let statuses: Vec<&str> = document["components"]["schemas"]["StatusChange"]["properties"]["status"]["enum"]
        .as_array()
        .expect("the statuses are listed")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let expected: Vec<&str> = greffe_models::registry::DossierStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(statuses, expected);
    let limit = document["paths"]["/dossiers"]["get"]["parameters"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "limit"))
        .expect("limit");
    assert_eq!((limit["schema"]["minimum"].as_i64(), limit["schema"]["maximum"].as_i64()), (Some(1), Some(500)));
    let dossier = &document["components"]["schemas"]["Chamber"];
    assert!(dossier.get("allOf").is_none() && dossier["properties"].get("version").is_some(), "{dossier}");
}

async fn tokens_are_listed_issued_revoked_and_users_disabled(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    assert_eq!(app.get("/me", &clerk).await.status, StatusCode::OK);
    let listed = app.get("/admin/users/greffe-civ1/tokens", &app.admin).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    let first = &listed.json[0];
    assert!(first["last_used_at"].as_str().is_some(), "the use is recorded: {}", listed.json);
    assert!(!listed.json.to_string().contains("grf_"), "never the token itself");
    let first_id = first["id"].as_str().unwrap_or("").to_owned();

    let today = greffe_models::dates::paris_date(chrono::Utc::now()).to_string();
    let issued =
        app.post("/admin/users/greffe-civ1/tokens", &app.admin, json!({"label": "poste 2", "expires_on": today})).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.json);
    let second = issued.json["token"].as_str().unwrap_or("").to_owned();
    assert_eq!(app.get("/me", &second).await.status, StatusCode::OK, "valid through its last day");
    let past = app
        .post("/admin/users/greffe-civ1/tokens", &app.admin, json!({"label": "x", "expires_on": "2020-01-01"}))
        .await;
    assert_eq!((past.status, past.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("expires_on")));

    // Revoked: refused at the next request; the other token still works.
    let revoked = app
        .call(Method::DELETE, &format!("/admin/users/greffe-civ1/tokens/{first_id}"), Some(&app.admin), &[], None)
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.json);
    assert!(revoked.json["revoked_at"].as_str().is_some());
    assert_eq!(app.get("/me", &clerk).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/me", &second).await.status, StatusCode::OK);
    let unknown = app.call(Method::DELETE, "/admin/users/greffe-civ1/tokens/ffff", Some(&app.admin), &[], None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Past its last day: refused.
    sqlx::query("UPDATE tokens SET expires_on = '2020-01-01' WHERE user_id = 'greffe-civ1' AND label = 'poste 2'")
        .execute(app.store.pool())
        .await
        .expect("update");
    assert_eq!(app.get("/me", &second).await.status, StatusCode::UNAUTHORIZED, "expired");

    // Disabled: every token and the portal session refused at once.
    let third = app.post("/admin/users/greffe-civ1/tokens", &app.admin, json!({"label": "poste 3"})).await;
    let third = third.json["token"].as_str().unwrap_or("").to_owned();
    app.store.set_password("test", "greffe-civ1", "mot de passe assez long").await.expect("password");
    let session = match app.store.sign_in("greffe-civ1", "mot de passe assez long").await.expect("sign-in") {
        greffe_store::sessions::SignIn::Granted { token, .. } => token,
        other => panic!("signed in: {other:?}"),
    };
    let off = app
        .call(Method::PUT, "/admin/users/greffe-civ1/active", Some(&app.admin), &[], Some(json!({"active": false})))
        .await;
    assert_eq!(off.status, StatusCode::NO_CONTENT, "{}", off.json);
    assert_eq!(app.get("/me", &third).await.status, StatusCode::UNAUTHORIZED);
    assert!(app.store.session(&session).await.expect("session").is_none(), "the session ended");
    let on = app
        .call(Method::PUT, "/admin/users/greffe-civ1/active", Some(&app.admin), &[], Some(json!({"active": true})))
        .await;
    assert_eq!(on.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/me", &third).await.status, StatusCode::OK);

    // Only an administrator manages accounts, and never disables himself.
    assert_eq!(app.get("/admin/users/greffe-civ1/tokens", &third).await.status, StatusCode::FORBIDDEN);
    let me = app.get("/me", &app.admin).await;
    let admin_id = me.json["id"].as_str().unwrap_or("").to_owned();
    let self_off = app
        .call(
            Method::PUT,
            &format!("/admin/users/{admin_id}/active"),
            Some(&app.admin),
            &[],
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(self_off.status, StatusCode::FORBIDDEN, "{}", self_off.json);
}
both_backends!(tokens_are_listed_issued_revoked_and_users_disabled);

/// An acknowledged write survives a power cut: the settings that make it so
/// hold on every connection of the store (docs/durability.md).
async fn durability_settings_hold_on_every_connection(app: TestApp) {
    let pool = app.store.pool();
    // Several connections at once, so that more than one is asked.
    let mut connections = Vec::new();
    for _ in 0..3 {
        connections.push(pool.acquire().await.expect("connection"));
    }
    for connection in &mut connections {
        match app.store.backend() {
            greffe_store::Backend::Sqlite => {
                let row = sqlx::query("PRAGMA synchronous").fetch_one(&mut **connection).await.expect("pragma");
                assert_eq!(sqlx::Row::try_get::<i64, _>(&row, 0).expect("value"), 2, "synchronous = FULL");
                let row = sqlx::query("PRAGMA journal_mode").fetch_one(&mut **connection).await.expect("pragma");
                assert_eq!(sqlx::Row::try_get::<String, _>(&row, 0).expect("value"), "wal");
            }
            greffe_store::Backend::Postgres => {
                for setting in ["synchronous_commit", "fsync"] {
                    let row = sqlx::query(&format!("SHOW {setting}")).fetch_one(&mut **connection).await.expect("show");
                    assert_eq!(sqlx::Row::try_get::<String, _>(&row, 0).expect("value"), "on", "{setting}");
                }
            }
        }
    }
}
both_backends!(durability_settings_hold_on_every_connection);

async fn references_to_records_that_do_not_fit_are_conflicts(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    // A well-formed record naming an unknown magistrate: 409 bad_reference,
    // with the field, and nothing written.
    let mut dossier = civil_dossier("R 26-10.050");
    dossier["rapporteurs"] = json!(["civ1-inconnu"]);
    let refused = app.post("/dossiers", &clerk, dossier).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.json);
    assert_eq!((refused.code(), refused.json["field"].as_str()), ("bad_reference", Some("rapporteurs[0]")));
    let found = app.get("/dossiers?pourvoi=R%2026-10.050", &clerk).await;
    assert_eq!(found.json["items"].as_array().map(Vec::len), Some(0), "nothing written");
    let magistrate = json!({"id": "civ9-c1", "name": "Magistrat", "role": "conseiller", "chamber": "civ9", "rank": 1});
    let refused = app.post("/magistrates", &app.admin, magistrate).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "bad_reference"), "{}", refused.json);
    assert_eq!(refused.json["field"], "chamber");
    // A malformed value stays a 422.
    let mut dossier = civil_dossier("pas un numéro");
    dossier["rapporteurs"] = json!(["civ1-inconnu"]);
    let refused = app.post("/dossiers", &clerk, dossier).await;
    assert_eq!((refused.status, refused.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("pourvoi")));
}
both_backends!(references_to_records_that_do_not_fit_are_conflicts);

async fn numbers_are_read_as_json_schema_reads_them(app: TestApp) {
    app.court().await;
    // 12.0 is an integer for JSON Schema, and for the service.
    let hearing = json!({"id": "h-float", "chamber": "civ1", "date": "2027-01-05", "half_day": "am",
        "formation": "FR", "capacity": 12.0});
    let created = app.post("/hearings", &app.admin, hearing.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["capacity"], json!(12));
    let mut half = hearing;
    half["id"] = json!("h-half");
    half["capacity"] = json!(12.5);
    let refused = app.post("/hearings", &app.admin, half).await;
    assert_eq!((refused.status, refused.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("capacity")));
}
both_backends!(numbers_are_read_as_json_schema_reads_them);

async fn an_idempotency_key_is_visible_ascii_or_refused(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let journal = app.journal_len().await;
    // Ignoring such a key would write twice on a retry: it is refused.
    for key in ["clé", " ", &"k".repeat(201)] {
        let refused = app
            .call(
                Method::POST,
                "/dossiers",
                Some(&clerk),
                &[("idempotency-key", key)],
                Some(civil_dossier("S 26-10.051")),
            )
            .await;
        assert_eq!(
            (refused.status, refused.json["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("Idempotency-Key")),
            "{key:?}: {}",
            refused.json
        );
    }
    assert_eq!(app.journal_len().await, journal, "nothing written");
    let key = "3f2b9c1e-7d4a-4e8b-9a6f-0c5d2e1b8a7f";
    let headers = [("idempotency-key", key)];
    let first = app.call(Method::POST, "/dossiers", Some(&clerk), &headers, Some(civil_dossier("S 26-10.051"))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    let again = app.call(Method::POST, "/dossiers", Some(&clerk), &headers, Some(civil_dossier("S 26-10.051"))).await;
    assert_eq!(again.status, StatusCode::CREATED, "replayed: {}", again.json);
    assert_eq!(again.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
}
both_backends!(an_idempotency_key_is_visible_ascii_or_refused);

async fn a_scenario_is_read_like_every_body(app: TestApp) {
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    // Control characters refused as everywhere, the field named.
    let refused = app.post("/simulations", &analyst, json!({"name": "essai\u{0}", "weeks": 1})).await;
    assert_eq!((refused.status, refused.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")));
    // A chamber the simulated court lacks: named.
    let refused =
        app.post("/simulations", &analyst, json!({"name": "essai", "weeks": 1, "chambers": {"civ9": {}}})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert_eq!(refused.json["field"], "chambers.civ9");
}
both_backends!(a_scenario_is_read_like_every_body);

async fn a_correction_names_an_entry_of_the_dossier(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (id, etag) = register(&app, &clerk, civil_dossier("T 26-10.052")).await;
    // An entry that is not this dossier's: the registry refuses the
    // reference (409), the field named, nothing written.
    let journal = app.journal_len().await;
    let event = json!({"type": "notification", "date": "2026-03-12", "corrects": 0});
    let refused = app.write(Method::POST, &format!("/dossiers/{id}/events"), &clerk, &etag, event).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "bad_reference"), "{}", refused.json);
    assert_eq!(refused.json["field"], "corrects");
    assert_eq!(app.journal_len().await, journal);
}
both_backends!(a_correction_names_an_entry_of_the_dossier);

async fn dates_lie_in_the_calendar_the_rules_are_computed_on(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let (id, etag) = register(&app, &clerk, civil_dossier("V 26-10.053")).await;
    let journal = app.journal_len().await;
    // A year the holidays and deadlines cannot be computed for: refused
    // where it is written, the field named, whatever the operation.
    let event = json!({"type": "notification_memoire_demandeur", "date": "0273-03-08"});
    let refused = app.write(Method::POST, &format!("/dossiers/{id}/events"), &clerk, &etag, event).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert_eq!(refused.json["field"], "date");
    assert!(refused.json["message"].as_str().unwrap_or("").contains("1900 à 2200"), "{}", refused.json);
    // A day of the calendar whose deadlines would end past it: an act is
    // dated no later than 2190, as the document's pattern says.
    let late = json!({"type": "signification_decision", "date": "2200-12-08"});
    let refused = app.write(Method::POST, &format!("/dossiers/{id}/events"), &clerk, &etag, late).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert_eq!(refused.json["field"], "date");
    assert!(refused.json["message"].as_str().unwrap_or("").contains("1900 à 2190"), "{}", refused.json);
    assert!(refused.json["action"].as_str().unwrap_or("").contains("2190-12-31"), "{}", refused.json);
    // A piece's filing is an act of the journal too: the same years.
    let path = format!("/dossiers/{id}/pieces?kind=autre&filed_by=X&filed_on=2200-12-08&filename=a.pdf");
    let refused = app.raw(Method::POST, &path, Some(&clerk), &[("if-match", &etag)], b"%PDF".to_vec()).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("filed_on")),
        "{}",
        refused.json
    );
    assert!(refused.json["message"].as_str().unwrap_or("").contains("1900 à 2190"), "{}", refused.json);
    let absence = json!({"id": "civ1-c8", "name": "Magistrat", "role": "conseiller", "chamber": "civ1", "rank": 1,
        "weekly_cap": 2, "absences": [{"from": "2027-01-04", "to": "2201-01-01"}]});
    let refused = app.post("/magistrates", &app.admin, absence).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("absences[0].to"))
    );
    assert_eq!(app.journal_len().await, journal, "nothing written");
    // The same in a query, and the calendar's own bounds are accepted.
    let refused = app.get("/chambers/civ1/calendar?from=1899-12-31&to=1900-01-05", &clerk).await;
    assert_eq!((refused.status, refused.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("from")));
    let first = app.get("/chambers/civ1/calendar?from=1900-01-01&to=1900-01-05", &clerk).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
}
both_backends!(dates_lie_in_the_calendar_the_rules_are_computed_on);

async fn a_pourvoi_is_not_registered_in_the_future(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    let journal = app.journal_len().await;
    // A year typed wrong (2087 for 2027) would date every deadline of the
    // dossier in the future: refused, the field named, nothing written.
    let mut record = civil_dossier("W 26-10.054");
    record["registered_on"] = json!((today + chrono::Duration::days(1)).to_string());
    let refused = app.post("/dossiers", &clerk, record.clone()).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("registered_on")),
        "{}",
        refused.json
    );
    assert_eq!(app.journal_len().await, journal, "nothing written");
    // Today itself is a registration day; a patch cannot move it later.
    record["registered_on"] = json!(today.to_string());
    let (id, etag) = register(&app, &clerk, record).await;
    let later = json!({"registered_on": (today + chrono::Duration::days(400)).to_string()});
    let refused = app.write(Method::PATCH, &format!("/dossiers/{id}"), &clerk, &etag, later).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("registered_on")),
        "{}",
        refused.json
    );
}
both_backends!(a_pourvoi_is_not_registered_in_the_future);

/// A request valid by the document that the registry's state refuses is a
/// 409 naming its field, never a 422: a dossier's nature or pourvoi number
/// changed (`immutable_field`), a section dropped from a chamber while a
/// dossier still belongs to it (`bad_reference` — the registry would name
/// a section that no longer exists, and no plan could be checked).
async fn the_registry_refuses_what_would_break_its_own_records(app: TestApp) {
    app.court().await;
    let created = app.post("/dossiers", &app.admin, super::app::civil_dossier("R 26-10.070")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.json["id"].as_i64().expect("id");
    let etag = created.etag();
    for (field, value) in [("nature", json!("penal")), ("pourvoi", json!("R 26-10.071"))] {
        let reply = app
            .call(
                Method::PATCH,
                &format!("/dossiers/{id}"),
                Some(&app.admin),
                &[("if-match", &etag), ("content-type", "application/merge-patch+json")],
                Some(json!({ field: value })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{field}: {}", reply.json);
        assert_eq!((reply.json["code"].as_str(), reply.json["field"].as_str()), (Some("immutable_field"), Some(field)));
    }
    let chamber = app.get("/chambers/civ1", &app.admin).await;
    let mut unversioned = chamber.json.clone();
    unversioned.as_object_mut().expect("chamber").remove("version");
    let mut without = unversioned.clone();
    without["sections"] = json!([{"code": "civ1-s2", "name": "Section 2"}]);
    let version = chamber.etag();
    let reply = app.write(Method::PUT, "/chambers/civ1", &app.admin, &version, without).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.json);
    assert_eq!((reply.json["code"].as_str(), reply.json["field"].as_str()), (Some("bad_reference"), Some("sections")));
    assert!(reply.json["message"].as_str().is_some_and(|m| m.contains("civ1-s1")), "{}", reply.json);
    // Nothing changed; adding a section is accepted.
    assert_eq!(app.get("/chambers/civ1", &app.admin).await.json["sections"], chamber.json["sections"]);
    let mut more = unversioned;
    more["sections"].as_array_mut().expect("sections").push(json!({"code": "civ1-s2", "name": "Section 2"}));
    assert_eq!(app.write(Method::PUT, "/chambers/civ1", &app.admin, &version, more).await.status, StatusCode::OK);
}
both_backends!(the_registry_refuses_what_would_break_its_own_records);

async fn a_jonction_stays_within_one_chamber_and_one_section(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1-cr", "greffier", &["civ1", "cr"], None).await;
    let (first, etag) = register(&app, &clerk, civil_dossier("S 26-10.080")).await;
    let jonction = |group: &str| json!({"type": "jonction", "date": "2026-04-02", "group": group});
    let joined = app.write(Method::POST, &format!("/dossiers/{first}/events"), &clerk, &etag, jonction("J-1")).await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.json);
    // A criminal dossier into the civil group: refused, the field and the
    // member of the other chamber named, nothing written.
    let (criminal, etag) = register(&app, &clerk, criminal_dossier("S 26-10.081")).await;
    let journal = app.journal_len().await;
    let path = format!("/dossiers/{criminal}/events");
    let refused = app.write(Method::POST, &path, &clerk, &etag, jonction("J-1")).await;
    assert_eq!((refused.status, refused.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("group")));
    let message = refused.json["message"].as_str().unwrap_or("");
    // The chambers by their names, as the clerk knows them.
    assert!(message.contains("S 26-10.080, de la première chambre civile"), "{}", refused.json);
    assert!(message.contains("de la chambre criminelle ne peut"), "{}", refused.json);
    assert_eq!(app.journal_len().await, journal);
    let unchanged = app.get(&format!("/dossiers/{criminal}"), &clerk).await;
    assert_eq!((unchanged.json["joined_group"].clone(), unchanged.etag()), (Value::Null, etag));
    // Registered straight into the group: the same chamber and section are
    // accepted, another chamber is refused and nothing is registered.
    let mut same = civil_dossier("S 26-10.082");
    same["joined_group"] = json!("J-1");
    assert_eq!(app.post("/dossiers", &clerk, same).await.status, StatusCode::CREATED);
    let mut other = criminal_dossier("S 26-10.083");
    other["joined_group"] = json!("J-1");
    let journal = app.journal_len().await;
    let refused = app.post("/dossiers", &clerk, other).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("joined_group")),
        "{}",
        refused.json
    );
    assert_eq!(app.journal_len().await, journal);
    // Nothing was registered: the same pourvoi, out of the group, is new.
    register(&app, &clerk, criminal_dossier("S 26-10.083")).await;
    // Another section of the same chamber: refused too.
    let chamber = app.get("/chambers/civ1", &app.admin).await;
    let mut sections = chamber.json.clone();
    sections.as_object_mut().expect("chamber").remove("version");
    sections["sections"].as_array_mut().expect("sections").push(json!({"code": "civ1-s2", "name": "Section 2"}));
    let saved = app.write(Method::PUT, "/chambers/civ1", &app.admin, &chamber.etag(), sections).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    let mut apart = civil_dossier("S 26-10.084");
    apart["section"] = json!("civ1-s2");
    apart["joined_group"] = json!("J-1");
    let refused = app.post("/dossiers", &clerk, apart).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    let message = refused.json["message"].as_str().unwrap_or("");
    assert!(message.contains("de la section 1 (première chambre civile)"), "{}", refused.json);
    assert!(message.contains("de la section 2 (première chambre civile) ne peut"), "{}", refused.json);
}
both_backends!(a_jonction_stays_within_one_chamber_and_one_section);
