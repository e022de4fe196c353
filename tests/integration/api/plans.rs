//! The hearing-plan workflow over HTTP, on SQLite and PostgreSQL: from the
//! store to an instance, proposal jobs (polling and server-sent events),
//! drafts private to their chamber, edits with live checking, validation,
//! publication (rolls, benches, notice tasks, stale drafts, atomic),
//! amendment after an event, views in JSON and iCalendar.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use greffe_store::outbox::{Channel, OutboxStatus};
use greffe_store::plans::Faults;
use serde_json::{Value, json};

use super::app::{TestApp, both_backends, civil_dossier};

const HORIZON: &str = "start=2027-01-04&end=2027-01-15&publication=2026-12-01";

/// civ1 with enough conseillers for FR benches, two hearings, three ready
/// dossiers (circuit court: formation restreinte).
pub(super) async fn planning_court(app: &TestApp) -> Vec<i64> {
    app.court().await;
    for (suffix, rank) in [("c3", 5), ("c4", 6)] {
        let reply = app
            .post(
                "/magistrates",
                &app.admin,
                json!({"id": format!("civ1-{suffix}"), "name": format!("Conseiller {suffix}"), "role": "conseiller", "chamber": "civ1", "rank": rank}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    }
    for (id, date, half_day) in [("h1", "2027-01-05", "am"), ("h2", "2027-01-06", "pm")] {
        let hearing =
            json!({"id": id, "chamber": "civ1", "date": date, "half_day": half_day, "formation": "FR", "capacity": 2});
        let reply = app.post("/hearings", &app.admin, hearing).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    }
    let clerk = app.user("greffe-plans", "greffier", &["civ1"], None).await;
    let mut ids = Vec::new();
    for pourvoi in ["A 26-10.001", "B 26-10.002", "C 26-10.003"] {
        let mut body = civil_dossier(pourvoi);
        body["circuit"] = json!("court");
        let reply = app.post("/dossiers", &clerk, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
        let id = reply.json["id"].as_i64().expect("id");
        let mut etag = reply.etag();
        for (kind, date, party) in [
            ("declaration_pourvoi", "2026-03-10", None),
            ("depot_memoire_ampliatif", "2026-06-30", Some("demandeur")),
            ("depot_memoire_defense", "2026-08-28", Some("defendeur")),
            ("depot_rapport", "2026-10-01", None),
            ("avis_avocat_general", "2026-10-15", None),
        ] {
            let mut event = json!({"type": kind, "date": date});
            if let Some(party) = party {
                event["party"] = json!(party);
            }
            let reply = app.write(Method::POST, &format!("/dossiers/{id}/events"), &clerk, &etag, event).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{kind}: {}", reply.json);
            etag = reply.etag();
        }
        app.make_ready(&clerk, id, &etag).await;
        ids.push(id);
    }
    ids
}

/// Starts a proposal and waits for its draft.
async fn propose(app: &TestApp, token: &str) -> (i64, i64) {
    let reply = app
        .post(
            "/plans/jobs",
            token,
            json!({"chamber": "civ1", "start": "2027-01-04", "end": "2027-01-15", "publication": "2026-12-01", "time_limit_s": 5}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.json);
    let job = reply.json["id"].as_i64().expect("job id");
    for _ in 0..300 {
        let view = app.get(&format!("/plans/jobs/{job}"), token).await;
        match view.json["status"].as_str() {
            Some("done") => return (job, view.json["plan_id"].as_i64().expect("plan id")),
            Some("failed" | "cancelled") => panic!("job ended: {}", view.json),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("the job did not finish in 30 s");
}

async fn plan_lifecycle(app: TestApp) {
    let dossiers = planning_court(&app).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let clerk = app.user("greffe2-civ1", "greffier", &["civ1"], None).await;
    let outsider = app.user("mag-cr", "magistrat", &["cr"], Some("cr-c1")).await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;

    // 1. The store as an instance.
    let exported = app.get(&format!("/chambers/civ1/instance?{HORIZON}"), &president).await;
    assert_eq!(exported.status, StatusCode::OK, "{}", exported.json);
    let instance = &exported.json["instance"];
    assert_eq!(instance["dossiers"].as_array().expect("dossiers").len(), 3);
    let first = &instance["dossiers"][0];
    assert_eq!(first["formations"], json!(["FR"]), "circuit court: formation restreinte");
    assert_eq!(first["ready_date"], "2026-10-15", "the last of mémoires, report and opinion");
    assert_eq!(first["notice_days"], 15);
    assert_eq!(first["recused"], json!(["civ1-c2"]));
    assert_eq!(app.get(&format!("/chambers/civ1/instance?{HORIZON}"), &outsider).await.status, StatusCode::FORBIDDEN);
    // The president overrides the circuit's formations, then clears it.
    let path = format!("/dossiers/{}/planning", dossiers[1]);
    let record = app.get(&format!("/dossiers/{}", dossiers[1]), &clerk).await;
    let by_clerk = app.write(Method::PUT, &path, &clerk, &record.etag(), json!({"formations": ["FS"]})).await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN);
    let wrong = app.write(Method::PUT, &path, &president, &record.etag(), json!({"formations": ["AP"]})).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json["field"], "formations");
    let set =
        app.write(Method::PUT, &path, &president, &record.etag(), json!({"formations": ["FS"], "weight": 2.5})).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.json);
    assert_eq!(set.json["planning"]["formations"], json!(["FS"]));
    let exported = app.get(&format!("/chambers/civ1/instance?{HORIZON}"), &president).await;
    let overridden = exported.json["instance"]["dossiers"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["id"].as_str() == Some(dossiers[1].to_string().as_str()))
        .cloned();
    assert_eq!(overridden.as_ref().map(|d| d["formations"].clone()), Some(json!(["FS"])));
    assert_eq!(overridden.map(|d| d["weight"].clone()), Some(json!(2.5)));
    let cleared = app.write(Method::PUT, &path, &president, &set.etag(), Value::Null).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.json);
    assert!(cleared.json.get("planning").is_none());

    // A bad request names its field and starts nothing.
    for (body, field) in [
        (json!({"chamber": "civ1", "start": "2027-01-04", "end": "2027-01-15", "time_limit_s": 0}), "time_limit_s"),
        (json!({"chamber": "civ1", "start": "2027-01-04", "end": "2027-01-15", "objective": "fastest"}), "objective"),
        (json!({"chamber": "civ1", "start": "2027-01-15", "end": "2027-01-04"}), "end"),
    ] {
        let refused = app.post("/plans/jobs", &president, body).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
        assert_eq!(refused.json["field"], field);
    }
    // A well-formed list naming a dossier the registry does not hold ready
    // there: the reference is refused (409), the field named.
    let body = json!({"chamber": "civ1", "start": "2027-01-04", "end": "2027-01-15", "dossiers": [999]});
    let refused = app.post("/plans/jobs", &president, body).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "bad_reference"), "{}", refused.json);
    assert_eq!(refused.json["field"], "dossiers");
    assert_eq!(
        app.post("/plans/jobs", &outsider, json!({"chamber": "civ1", "start": "2027-01-04", "end": "2027-01-15"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // 2. Two proposals: two drafts of the same chamber and horizon.
    let (job, plan) = propose(&app, &president).await;
    let (_, other_draft) = propose(&app, &clerk).await;
    let events = app.get(&format!("/plans/jobs/{job}/events"), &president).await;
    let stream = String::from_utf8(events.bytes.clone()).expect("utf-8");
    assert!(events.headers["content-type"].to_str().unwrap_or("").starts_with("text/event-stream"));
    assert!(stream.contains("event: progress"), "{stream}");
    assert!(stream.contains("\"status\":\"done\""), "the stream ends with the final state: {stream}");

    // 3. Drafts are private to the chamber.
    for stranger in [&outsider, &analyst] {
        assert_eq!(app.get(&format!("/plans/{plan}"), stranger).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/plans/jobs/{job}"), stranger).await.status, StatusCode::NOT_FOUND);
        let listed = app.get("/plans", stranger).await;
        assert!(listed.json.as_array().expect("list").is_empty(), "{}", listed.json);
    }
    let draft = app.get(&format!("/plans/{plan}"), &clerk).await;
    assert_eq!(draft.status, StatusCode::OK);
    assert_eq!(draft.json["status"], "draft");
    assert_eq!(draft.json["report"]["ok"], true, "{}", draft.json["report"]);
    assert_eq!(draft.json["plan"]["assignments"].as_array().expect("list").len(), 3);

    // 4. An edit that breaks a rule is kept and blocks validation.
    let cut = app
        .write(
            Method::POST,
            &format!("/plans/{plan}/edits"),
            &clerk,
            &draft.etag(),
            json!({"op": "set_capacity", "hearing": "h1", "capacity": 0}),
        )
        .await;
    assert_eq!(cut.status, StatusCode::OK, "{}", cut.json);
    assert_eq!(cut.json["report"]["ok"], false);
    assert!(cut.json["report"]["violations"].to_string().contains("capacity_"), "{}", cut.json["report"]);
    let stale = app
        .write(
            Method::POST,
            &format!("/plans/{plan}/edits"),
            &clerk,
            &draft.etag(),
            json!({"op": "set_capacity", "hearing": "h1", "capacity": 2}),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "a stale version loses nothing");
    let bare = app
        .call(
            Method::POST,
            &format!("/plans/{plan}/edits"),
            Some(&clerk),
            &[],
            Some(json!({"op": "unpin", "dossier": "1"})),
        )
        .await;
    assert_eq!(bare.status, StatusCode::PRECONDITION_REQUIRED);
    let unknown = app
        .write(
            Method::POST,
            &format!("/plans/{plan}/edits"),
            &clerk,
            &cut.etag(),
            json!({"op": "move", "dossier": "999", "hearing": "h1"}),
        )
        .await;
    // A dossier the draft lacks: a reference the draft refuses.
    assert_eq!((unknown.status, unknown.code()), (StatusCode::CONFLICT, "bad_reference"), "{}", unknown.json);
    assert_eq!(unknown.json["field"], "dossier");
    let refused = app.write(Method::POST, &format!("/plans/{plan}/validate"), &president, &cut.etag(), json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.json);
    assert_eq!(refused.code(), "hard_violations");
    let by_clerk = app.write(Method::POST, &format!("/plans/{plan}/validate"), &clerk, &cut.etag(), json!({})).await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN, "only the chamber's president validates");
    let fixed = app
        .write(
            Method::POST,
            &format!("/plans/{plan}/edits"),
            &clerk,
            &cut.etag(),
            json!({"op": "set_capacity", "hearing": "h1", "capacity": 2}),
        )
        .await;
    assert_eq!(fixed.json["report"]["ok"], true, "{}", fixed.json);
    let history = app.get(&format!("/plans/{plan}/history"), &president).await;
    let actions: Vec<&str> =
        history.json.as_array().expect("list").iter().map(|h| h["action"].as_str().unwrap_or("")).collect();
    assert_eq!(actions, ["created", "edit", "edit"]);

    // 5. Transitions: publish needs a validated plan, by a clerk.
    let early = app.write(Method::POST, &format!("/plans/{plan}/publish"), &clerk, &fixed.etag(), json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(early.json["message"].as_str().unwrap_or("").contains("projet"), "{}", early.json);
    let validated = app
        .write(
            Method::POST,
            &format!("/plans/{plan}/validate"),
            &president,
            &fixed.etag(),
            json!({"reason": "rôle de janvier"}),
        )
        .await;
    assert_eq!(validated.status, StatusCode::OK, "{}", validated.json);
    assert_eq!(validated.json["status"], "validated");
    let by_president =
        app.write(Method::POST, &format!("/plans/{plan}/publish"), &president, &validated.etag(), json!({})).await;
    assert_eq!(by_president.status, StatusCode::FORBIDDEN, "a clerk publishes");
    let published =
        app.write(Method::POST, &format!("/plans/{plan}/publish"), &clerk, &validated.etag(), json!({})).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    assert_eq!(published.json["status"], "published");
    let overtaken = app.get(&format!("/plans/{other_draft}"), &clerk).await;
    assert_eq!(overtaken.json["status"], "stale");
    assert!(
        overtaken.json["stale_reason"].as_str().unwrap_or("").contains(&format!("plan {plan}")),
        "{}",
        overtaken.json
    );
    assert_eq!(app.get(&format!("/plans/{plan}"), &analyst).await.status, StatusCode::OK, "published plans are public");

    // Notices to send, each by its hearing date less 15 days; dossiers scheduled.
    let notices = app.get("/notices?chamber=civ1", &clerk).await;
    let notices = notices.json.as_array().expect("list").clone();
    assert_eq!(notices.len(), 3, "{notices:?}");
    for notice in &notices {
        assert_eq!(notice["kind"], "send_notice");
        assert!(["2026-12-21", "2026-12-22"].contains(&notice["due"].as_str().unwrap_or("")), "{notice}");
    }
    for id in &dossiers {
        assert_eq!(app.get(&format!("/dossiers/{id}"), &clerk).await.json["status"], "scheduled");
    }

    // 7. Views.
    let roll = app.get("/hearings/h1/roll", &analyst).await;
    assert_eq!(roll.status, StatusCode::OK, "{}", roll.json);
    assert_eq!(roll.json["published"], true);
    assert_eq!(roll.json["bench"].as_array().expect("bench").len(), 2);
    assert_eq!(roll.json["bench"][0]["presides"], true);
    assert_eq!(roll.json["avocats_generaux"], json!(["civ1-ag"]));
    let ics = app.call(Method::GET, "/hearings/h1/roll", Some(&analyst), &[("accept", "text/calendar")], None).await;
    assert!(ics.headers["content-type"].to_str().unwrap_or("").starts_with("text/calendar"));
    let ics_text = String::from_utf8(ics.bytes).expect("utf-8");
    // Read back by an independent parser (the `ical` crate, not the writer's):
    // one Paris time zone, one event at 9:30–12:30 Paris time on 5 January.
    let calendar = ical::IcalParser::new(ics_text.as_bytes())
        .next()
        .expect("one calendar")
        .unwrap_or_else(|error| panic!("the roll's iCalendar parses: {error}\n{ics_text}"));
    assert_eq!(calendar.timezones.len(), 1, "{ics_text}");
    let tzid = calendar.timezones[0].properties.iter().find(|p| p.name == "TZID").and_then(|p| p.value.clone());
    assert_eq!(tzid.as_deref(), Some("Europe/Paris"));
    assert_eq!(calendar.events.len(), 1, "{ics_text}");
    let property = |name: &str| {
        calendar.events[0].properties.iter().find(|p| p.name == name).cloned().unwrap_or_else(|| panic!("{name}"))
    };
    for (name, value) in [("DTSTART", "20270105T093000"), ("DTEND", "20270105T123000")] {
        let found = property(name);
        assert_eq!(found.value.as_deref(), Some(value), "{name}");
        let params = found.params.unwrap_or_default();
        assert!(
            params.iter().any(|(key, values)| key == "TZID" && values == &["Europe/Paris"]),
            "{name} in Paris time"
        );
    }
    let agenda = app.get("/magistrates/civ1-c1/agenda?from=2027-01-01&to=2027-01-31", &president).await;
    let capacities: Vec<String> = agenda
        .json
        .as_array()
        .expect("list")
        .iter()
        .flat_map(|a| a["capacities"].as_array().cloned().unwrap_or_default())
        .map(|c| c.as_str().unwrap_or("").to_owned())
        .collect();
    assert!(capacities.contains(&"rapporteur".to_owned()), "{}", agenda.json);
    let calendar = app.get("/chambers/civ1/calendar?from=2027-01-01&to=2027-01-31&format=ics", &clerk).await;
    assert_eq!(String::from_utf8(calendar.bytes).expect("utf-8").matches("BEGIN:VEVENT").count(), 2);
    // In JSON, each hearing with its published bench, the president first.
    let calendar = app.get("/chambers/civ1/calendar?from=2027-01-01&to=2027-01-31", &clerk).await;
    let h1 = calendar.json.as_array().expect("days").iter().find(|d| d["hearing"] == "h1").expect("h1").clone();
    assert_eq!(h1["bench"], json!([roll.json["bench"][0]["magistrate"], roll.json["bench"][1]["magistrate"]]), "{h1}");

    // A procedural event in the registry (the dossier goes back to
    // instruction) flags its hearing on the published plan.
    let clean = app.get(&format!("/plans/{plan}/check"), &clerk).await;
    assert_eq!(clean.json["report"]["ok"], true, "{}", clean.json);
    let third = dossiers[2];
    let record = app.get(&format!("/dossiers/{third}"), &clerk).await;
    let back = app
        .write(Method::POST, &format!("/dossiers/{third}/status"), &clerk, &record.etag(), json!({"status": "ready"}))
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.json);
    let back = app
        .write(
            Method::POST,
            &format!("/dossiers/{third}/status"),
            &clerk,
            &back.etag(),
            json!({"status": "in_instruction"}),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.json);
    let flagged = app.get(&format!("/plans/{plan}/check"), &clerk).await;
    assert_eq!(flagged.json["report"]["ok"], true, "still ready by its journal: {}", flagged.json);
    let record = app.get(&format!("/dossiers/{third}"), &clerk).await;
    let late = app
        .write(
            Method::POST,
            &format!("/dossiers/{third}/events"),
            &clerk,
            &record.etag(),
            json!({"type": "avis_avocat_general", "date": "2027-01-02"}),
        )
        .await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.json);
    let flagged = app.get(&format!("/plans/{plan}/check"), &clerk).await;
    assert_eq!(flagged.json["affected_dossiers"], json!([third.to_string()]), "{}", flagged.json);
    assert_eq!(flagged.json["affected_hearings"].as_array().expect("list").len(), 1);
    // The entry was a mistake: cancelled, the dossier is ready as before.
    let record = app.get(&format!("/dossiers/{third}"), &clerk).await;
    let seq = late.json["seq"].as_i64().expect("seq");
    let cancel = json!({"type": "avis_avocat_general", "date": "2027-01-02", "corrects": seq, "cancel": true});
    let cancelled = app.write(Method::POST, &format!("/dossiers/{third}/events"), &clerk, &record.etag(), cancel).await;
    assert_eq!(cancelled.status, StatusCode::CREATED, "{}", cancelled.json);
    assert_eq!(app.get(&format!("/plans/{plan}/check"), &clerk).await.json["report"]["ok"], true);
    let ready = app
        .write(
            Method::POST,
            &format!("/dossiers/{third}/status"),
            &clerk,
            &cancelled.etag(),
            json!({"status": "ready"}),
        )
        .await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.json);
    let ready = app
        .write(
            Method::POST,
            &format!("/dossiers/{third}/status"),
            &clerk,
            &ready.etag(),
            json!({"status": "scheduled"}),
        )
        .await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.json);

    // 5 (amended). A withdrawal: the repair proposes an amendment; publishing
    // it withdraws exactly that notice.
    let withdrawn = dossiers[0];
    let amendment = app
        .post(
            &format!("/plans/{plan}/amend"),
            &president,
            json!({"events": [{"type": "dossier_withdrawn", "dossier": withdrawn.to_string()}]}),
        )
        .await;
    assert_eq!(amendment.status, StatusCode::CREATED, "{}", amendment.json);
    assert_eq!(amendment.json["diff"]["dropped"].as_array().expect("list").len(), 1);
    assert_eq!(amendment.json["disruption"]["changes"], 1);
    assert_eq!(amendment.json["plan"]["amends"], plan);
    let (amended, _, validated) = validate_amendment(&app, &amendment, &president).await;
    let published = app
        .write(
            Method::POST,
            &format!("/plans/{amended}/publish"),
            &clerk,
            &validated.etag(),
            json!({"reason": "désistement"}),
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    assert_eq!(app.get(&format!("/plans/{plan}"), &clerk).await.json["status"], "amended");
    let notices = app.get("/notices?chamber=civ1", &clerk).await;
    let kinds: Vec<(i64, String)> = notices
        .json
        .as_array()
        .expect("list")
        .iter()
        .map(|n| (n["dossier_id"].as_i64().unwrap_or(0), n["kind"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(kinds.iter().filter(|(d, k)| *d == withdrawn && k == "withdraw_notice").count(), 1, "{kinds:?}");
    assert_eq!(kinds.len(), 4, "the amendment adds exactly one task: {kinds:?}");
    // Its notice is in the outbox, written with the publication: the avis
    // de retrait du rôle to each lawyer of the withdrawn dossier, its
    // document a letter of its own.
    let withdrawal = notices.json.as_array().expect("list").iter().find(|n| n["kind"] == "withdraw_notice").cloned();
    let withdrawal = withdrawal.expect("the withdrawal's task")["id"].as_i64().expect("id");
    let rows = app.get(&format!("/notices/{withdrawal}/outbox"), &clerk).await.json;
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 2, "a row per lawyer: {rows:?}");
    assert!(rows.iter().all(|r| r["document"] == "avis_retrait"), "{rows:?}");
    let letter = app.get(&format!("/outbox/{}/document.pdf", rows[0]["id"]), &clerk).await;
    assert_eq!(letter.status, StatusCode::OK);
    if crate::documents::poppler().is_some() {
        let text = crate::documents::text_of(&letter.bytes);
        assert!(text.contains("AVIS DE RETRAIT DU RÔLE") && text.contains("retirée du rôle"), "{text}");
    }
    let roll = app.get("/hearings/h1/roll", &clerk).await;
    let on_roll = roll.json["dossiers"].as_array().expect("list").len()
        + app.get("/hearings/h2/roll", &clerk).await.json["dossiers"].as_array().expect("list").len();
    assert_eq!(on_roll, 2);

    // No token, no plan.
    for path in [
        format!("/plans/{plan}"),
        "/plans".to_owned(),
        format!("/plans/jobs/{job}"),
        format!("/plans/{plan}/check"),
        "/hearings/h1/roll".to_owned(),
        "/notices?chamber=civ1".to_owned(),
        "/simulations/1".to_owned(),
    ] {
        assert_eq!(app.call(Method::GET, &path, None, &[], None).await.status, StatusCode::UNAUTHORIZED, "{path}");
    }

    // Every transition is in the hash-chained journal, which holds.
    let verify = app.get("/admin/journal/verify", &app.admin).await;
    assert_eq!(verify.json["intact"], true, "{}", verify.json);
    let transitions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM journal WHERE kind = 'plan_transition'")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    assert_eq!(transitions, 6, "two validations, two publications, the stale draft, the amended plan");
}
both_backends!(plan_lifecycle);

async fn publication_is_all_or_nothing(app: TestApp) {
    let dossiers = planning_court(&app).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let clerk = app.user("greffe2-civ1", "greffier", &["civ1"], None).await;
    let (_, plan) = propose(&app, &president).await;
    let draft = app.get(&format!("/plans/{plan}"), &president).await;
    let validated =
        app.write(Method::POST, &format!("/plans/{plan}/validate"), &president, &draft.etag(), json!({})).await;
    assert_eq!(validated.status, StatusCode::OK, "{}", validated.json);
    let journal_before = app.journal_len().await;
    let state = super::app::state(app.store.clone());
    let summary = app.store.plan_summary(plan).await.expect("plan");
    let version = summary.version;
    let crash = greffe_api::workflow::publish(
        &state.store,
        "greffe2-civ1",
        &summary,
        version,
        None,
        state.today(),
        Faults { fail_after_roll_rows: Some(2) },
    )
    .await;
    assert!(crash.is_err(), "the injected failure stops the publication");
    // Nothing half-published: plan still validated, no roll, no task, no status change, no journal entry.
    assert_eq!(app.store.plan_summary(plan).await.expect("plan").status, greffe_store::plans::PlanStatus::Validated);
    assert_eq!(app.get("/hearings/h1/roll", &clerk).await.json["published"], false);
    assert_eq!(app.get("/hearings/h2/roll", &clerk).await.json["published"], false);
    assert!(app.get("/notices?chamber=civ1", &clerk).await.json.as_array().expect("list").is_empty());
    for id in &dossiers {
        assert_eq!(app.get(&format!("/dossiers/{id}"), &clerk).await.json["status"], "ready");
    }
    assert_eq!(app.journal_len().await, journal_before);
    // The same publication, without the failure, goes through whole.
    let published =
        app.write(Method::POST, &format!("/plans/{plan}/publish"), &clerk, &validated.etag(), json!({})).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    assert_eq!(app.get("/notices?chamber=civ1", &clerk).await.json.as_array().expect("list").len(), 3);
    let _: Value = published.json;
    // The outbox was written with it: a row per lawyer of each notice (no
    // e-mail address in these records: letters, the lawyer named, the
    // address to complete), none by the failed attempt; none is due to
    // the mail dispatcher.
    let rows = app.store.outbox_of_open_tasks("civ1").await.expect("outbox");
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows.iter().all(|r| r.channel == Channel::Letter && r.status == OutboxStatus::Letter && r.address.is_none())
    );
    let lawyers: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.recipient.as_str()).collect();
    assert_eq!(lawyers.into_iter().collect::<Vec<_>>(), ["SCP Aubert-Lemoine", "SCP Perrin"]);
    let claimed = app.store.claim_outbox("essai", Duration::from_secs(60), 16).await.expect("claim");
    assert!(claimed.is_empty(), "letters are the clerk's to print: {claimed:?}");
    // The worker makes the letters ahead of the clerk, each once, kept by
    // hash: what the clerk prints is that document.
    assert_eq!(greffe_api::mail::make_letters(&state, "essai").await.expect("letters"), 6);
    assert_eq!(greffe_api::mail::make_letters(&state, "essai").await.expect("letters"), 0, "each made once");
    let rows = app.store.outbox_of_open_tasks("civ1").await.expect("outbox");
    assert!(
        rows.iter().all(|r| r.status == OutboxStatus::Letter && r.document_sha256.is_some() && r.message_id.is_none())
    );
    let printed = app.get(&format!("/outbox/{}/document.pdf", rows[0].id), &clerk).await;
    let kept = app.store.outbox_document(rows[0].document_sha256.as_deref().unwrap_or_default()).await.expect("kept");
    assert_eq!(printed.bytes, kept, "the letter printed is the one kept");
}
both_backends!(publication_is_all_or_nothing);

/// A civ1 plan proposed, validated by the chamber's president and
/// published by a clerk (the planning court of [`planning_court`]).
pub(super) struct Published {
    pub(super) president: String,
    pub(super) clerk: String,
    pub(super) plan: i64,
    /// The plan as validated (its benches).
    pub(super) draft: super::app::Reply,
    /// The dossiers on its rolls.
    pub(super) dossiers: Vec<i64>,
}

pub(super) async fn published(app: &TestApp) -> Published {
    let dossiers = planning_court(app).await;
    let (president, clerk) = planners(app).await;
    let (plan, draft) = propose_and_publish(app, &president, &clerk).await;
    Published { president, clerk, plan, draft, dossiers }
}

/// The civ1 president and a clerk who plan the court of [`planning_court`].
pub(super) async fn planners(app: &TestApp) -> (String, String) {
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let clerk = app.user("greffe2-civ1", "greffier", &["civ1"], None).await;
    (president, clerk)
}

/// A plan proposed and validated by `president`, published by `clerk`:
/// its id and the draft as validated.
pub(super) async fn propose_and_publish(app: &TestApp, president: &str, clerk: &str) -> (i64, super::app::Reply) {
    let (_, plan) = propose(app, president).await;
    let draft = app.get(&format!("/plans/{plan}"), president).await;
    let validated =
        app.write(Method::POST, &format!("/plans/{plan}/validate"), president, &draft.etag(), json!({})).await;
    let published =
        app.write(Method::POST, &format!("/plans/{plan}/publish"), clerk, &validated.etag(), json!({})).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    (plan, draft)
}

/// The amendment that `created` (its creation's reply) made, validated by
/// `president` from its current version: its id, that version as read
/// before, and the validation's reply (checked 200).
async fn validate_amendment(
    app: &TestApp,
    created: &super::app::Reply,
    president: &str,
) -> (i64, super::app::Reply, super::app::Reply) {
    let amended = created.json["plan"]["id"].as_i64().expect("id");
    let current = app.get(&format!("/plans/{amended}"), president).await;
    let validated =
        app.write(Method::POST, &format!("/plans/{amended}/validate"), president, &current.etag(), json!({})).await;
    assert_eq!(validated.status, StatusCode::OK, "{}", validated.json);
    (amended, current, validated)
}

/// A published hearing cancelled: the avenant moves its dossiers (or takes
/// them off the roll when no hearing has room), each for that reason, and
/// the president validates it: the published hearing of a dossier the
/// repair had to move no longer binds the avenant.
async fn an_amendment_that_moves_published_dossiers_is_validated(app: TestApp) {
    let Published { president, plan, draft, .. } = published(&app).await;
    let at_h1 = draft.json["plan"]["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .filter(|a| a["hearing"] == "h1")
        .count();
    assert!(at_h1 > 0, "h1 hears dossiers: {}", draft.json["plan"]);
    let amendment = app
        .post(
            &format!("/plans/{plan}/amend"),
            &president,
            json!({"events": [{"type": "hearing_cancelled", "hearing": "h1"}]}),
        )
        .await;
    assert_eq!(amendment.status, StatusCode::CREATED, "{}", amendment.json);
    let diff = &amendment.json["diff"];
    let changed = diff["moved"].as_array().expect("moved").len() + diff["dropped"].as_array().expect("dropped").len();
    assert_eq!(changed, at_h1, "every dossier of h1 moved or dropped: {diff}");
    assert_eq!(amendment.json["disruption"]["published_changed"], at_h1);
    let (_, _, validated) = validate_amendment(&app, &amendment, &president).await;
    assert_eq!(validated.json["status"], "validated");
}
both_backends!(an_amendment_that_moves_published_dossiers_is_validated);

/// An absence that empties a seat: the avenant puts another magistrate on
/// the bench; its publication writes, for each dossier of that hearing, an
/// avis de changement de composition to each lawyer (in the outbox, naming
/// the new bench), and the magistrates' composition notice says who sits in
/// whose place.
async fn a_change_of_bench_is_announced_to_the_lawyers_and_the_magistrates(app: TestApp) {
    let Published { president, clerk, plan, draft, .. } = published(&app).await;
    let benches = draft.json["plan"]["benches"].as_array().expect("benches").clone();
    let bench = benches.iter().find(|b| b["hearing"] == "h1").expect("h1's bench").clone();
    let absent = bench["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| **m != bench["president"])
        .and_then(Value::as_str)
        .expect("an assessor")
        .to_owned();
    let amendment = app
        .post(
            &format!("/plans/{plan}/amend"),
            &president,
            json!({"events": [{"type": "magistrate_absent", "magistrate": absent, "from": "2027-01-05", "to": "2027-01-05"}]}),
        )
        .await;
    assert_eq!(amendment.status, StatusCode::CREATED, "{}", amendment.json);
    let (amended, current, validated) = validate_amendment(&app, &amendment, &president).await;
    let published = app
        .write(
            Method::POST,
            &format!("/plans/{amended}/publish"),
            &clerk,
            &validated.etag(),
            json!({"reason": "absence"}),
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    let new_bench =
        current.json["plan"]["benches"].as_array().expect("benches").iter().find(|b| b["hearing"] == "h1").cloned();
    let new_bench = new_bench.expect("h1 still has a bench");
    let joined = new_bench["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| !bench["members"].as_array().expect("members").contains(m))
        .and_then(Value::as_str)
        .expect("someone sits in the absent's place")
        .to_owned();
    let magistrates = app.get("/magistrates", &clerk).await.json;
    let name = |id: &str| {
        let found = magistrates.as_array().expect("list").iter().find(|m| m["id"] == id);
        found.and_then(|m| m["name"].as_str()).expect("a magistrate of the court").to_owned()
    };

    // To the lawyers: a task per dossier of h1, its letters in the outbox.
    let notices = app.get("/notices?chamber=civ1", &clerk).await.json;
    let changes: Vec<&Value> =
        notices.as_array().expect("list").iter().filter(|n| n["kind"] == "composition_notice").collect();
    assert!(!changes.is_empty(), "{notices}");
    for task in &changes {
        assert_eq!(task["hearing_id"], "h1");
        let rows = app.get(&format!("/notices/{}/outbox", task["id"]), &clerk).await.json;
        let rows = rows.as_array().expect("rows");
        assert!(!rows.is_empty() && rows.iter().all(|r| r["document"] == "avis_changement_composition"), "{rows:?}");
        let letter = app.get(&format!("/outbox/{}/document.pdf", rows[0]["id"]), &clerk).await;
        assert_eq!(letter.status, StatusCode::OK);
        if crate::documents::poppler().is_some() {
            let text = crate::documents::text_of(&letter.bytes).split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains("AVIS DE CHANGEMENT DE COMPOSITION"), "{text}");
            assert!(text.contains(&name(&joined)) && !text.contains(&name(&absent)), "the new bench: {text}");
        }
    }
    // To the magistrates: the composition notice says who sits in whose place.
    let notice = app.get("/hearings/h1/composition.pdf", &clerk).await;
    assert_eq!(notice.status, StatusCode::OK);
    if crate::documents::poppler().is_some() {
        let text = crate::documents::text_of(&notice.bytes).split_whitespace().collect::<Vec<_>>().join(" ");
        let line = format!("{} siège à la place de {}", name(&joined), name(&absent));
        assert!(text.contains("Changement de composition") && text.contains(&line), "{line}: {text}");
    }
    // h2's bench did not change: its notice says nothing of a change.
    let other = app.get("/hearings/h2/composition.pdf", &clerk).await;
    if other.status == StatusCode::OK && crate::documents::poppler().is_some() {
        assert!(!crate::documents::text_of(&other.bytes).contains("Changement de composition"));
    }
}
both_backends!(a_change_of_bench_is_announced_to_the_lawyers_and_the_magistrates);

/// The clerk's side of the outbox: a letter is posted (with the address
/// written on the envelope and the registered letter's number, its
/// document kept and journaled), a refused e-mail goes again by e-mail to
/// the corrected address or as a letter; a notice task closes when every
/// recipient has its notice. Each act is refused, leaving the row as it
/// was, when the row's state does not allow it or the record lacks what
/// it needs; another chamber's clerk does not see the rows.
async fn the_clerk_posts_letters_and_sends_refused_notices_again(app: TestApp) {
    let Published { clerk, .. } = published(&app).await;
    let other = app.user("greffe-cr", "greffier", &["cr"], None).await;
    let task = app.get("/notices?chamber=civ1", &clerk).await.json[0].clone();
    let task_id = task["id"].as_i64().expect("task id");
    let dossier_id = task["dossier_id"].as_i64().expect("dossier");

    // The task's two recipients: the lawyers, by letter (no e-mail address
    // in the record).
    let rows = app.get(&format!("/notices/{task_id}/outbox"), &clerk).await;
    assert_eq!(rows.status, StatusCode::OK, "{}", rows.json);
    let rows = rows.json.as_array().expect("rows").clone();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r["status"] == "letter" && r["address"].is_null()), "{rows:?}");
    let (first, second) = (rows[0]["id"].as_i64().expect("id"), rows[1]["id"].as_i64().expect("id"));
    assert_eq!(app.get(&format!("/notices/{task_id}/outbox"), &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/outbox/{first}/document.pdf"), &other).await.status, StatusCode::NOT_FOUND);
    let letter = app.get(&format!("/outbox/{first}/document.pdf"), &clerk).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.bytes.starts_with(b"%PDF-"), "a PDF");

    // Posted without an address: refused, naming the field; nothing written.
    let journal = app.journal_len().await;
    let refused = app.post(&format!("/outbox/{first}/posted"), &clerk, json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.json);
    assert_eq!(
        (refused.json["code"].as_str(), refused.json["field"].as_str()),
        (Some("bad_reference"), Some("address"))
    );
    let blank = app.post(&format!("/outbox/{first}/posted"), &clerk, json!({"reference": " "})).await;
    assert_eq!((blank.status, blank.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reference")));
    assert_eq!(app.post(&format!("/outbox/{first}/posted"), &other, json!({})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.journal_len().await, journal);
    assert_eq!(app.store.outbox_item(first).await.expect("row").status, OutboxStatus::Letter);

    // Posted with the envelope's address and the registered letter's number.
    let posting = json!({"address": "5 rue de Lille, 75007 Paris", "reference": "1A 123 456 7890 1"});
    let posted = app.post(&format!("/outbox/{first}/posted"), &clerk, posting.clone()).await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.json);
    assert_eq!(posted.json["status"], "posted");
    assert_eq!(posted.json["address"], "5 rue de Lille, 75007 Paris");
    assert_eq!(posted.json["proof"], "1A 123 456 7890 1");
    let sha256 = posted.json["document_sha256"].as_str().expect("the letter kept").to_owned();
    let kept = app.store.outbox_document(&sha256).await.expect("kept");
    assert!(kept.starts_with(b"%PDF-"));
    let entries = app.store.dossier_journal(dossier_id).await.expect("journal");
    let entry = entries.iter().find(|e| e.kind == "notice_posted").expect("posting journaled");
    assert_eq!(entry.payload["reference"], "1A 123 456 7890 1");
    assert_eq!(entry.payload["document_sha256"], sha256.as_str());
    assert_eq!(entry.actor, "greffe2-civ1");
    let again = app.post(&format!("/outbox/{first}/posted"), &clerk, posting).await;
    assert_eq!((again.status, again.json["code"].as_str()), (StatusCode::CONFLICT, Some("forbidden_transition")));
    // One recipient still waits: the task stays open.
    let open = |list: &Value| list.as_array().expect("list").iter().any(|t| t["id"] == task_id);
    assert!(open(&app.get("/notices?chamber=civ1", &clerk).await.json));

    // By e-mail: refused while the record has no address for that lawyer;
    // once the clerk has added it, the row waits for the dispatcher.
    let by_email = json!({"channel": "email"});
    let refused = app.post(&format!("/outbox/{second}/resend"), &clerk, by_email.clone()).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::CONFLICT, Some("channel")),
        "{}",
        refused.json
    );
    let as_letter = app.post(&format!("/outbox/{second}/resend"), &clerk, json!({"channel": "letter"})).await;
    assert_eq!(as_letter.json["code"], "forbidden_transition", "a letter is not sent as a letter again");
    let lawyer = rows[1]["recipient"].as_str().expect("recipient").to_owned();
    let record = app.get(&format!("/dossiers/{dossier_id}"), &clerk).await;
    let mut parties = record.json["parties"].clone();
    for party in parties.as_array_mut().expect("parties") {
        if party["lawyer"] == lawyer.as_str() {
            party["lawyer_email"] = json!("greffe@perrin.avocats.example");
        }
    }
    let patched = app
        .write(Method::PATCH, &format!("/dossiers/{dossier_id}"), &clerk, &record.etag(), json!({"parties": parties}))
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
    let resent = app.post(&format!("/outbox/{second}/resend"), &clerk, by_email.clone()).await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.json);
    assert_eq!((resent.json["channel"].as_str(), resent.json["status"].as_str()), (Some("email"), Some("pending")));
    assert_eq!(resent.json["address"], "greffe@perrin.avocats.example");

    // The dispatcher's server refuses it for good; the clerk sends it as a
    // letter, then posts it: every recipient has the notice, the task is
    // done.
    let claimed = app.store.claim_outbox("essai", Duration::from_secs(60), 16).await.expect("claim");
    assert_eq!(claimed.iter().map(|r| r.id).collect::<Vec<_>>(), [second]);
    app.store.outbox_refused(second, "essai", "550 5.1.1 boîte inconnue").await.expect("refused");
    let as_letter = app.post(&format!("/outbox/{second}/resend"), &clerk, json!({"channel": "letter"})).await;
    assert_eq!(as_letter.status, StatusCode::OK, "{}", as_letter.json);
    assert_eq!(as_letter.json["status"], "letter");
    assert!(as_letter.json["address"].is_null(), "a lawyer's postal address is written on posting: {}", as_letter.json);
    let resent = app.store.dossier_journal(dossier_id).await.expect("journal");
    let resends: Vec<_> = resent.iter().filter(|e| e.kind == "notice_resent").collect();
    assert_eq!(resends.len(), 2, "each resend journaled");
    assert_eq!(resends[1].payload["before"]["error"], "550 5.1.1 boîte inconnue");
    let posted = app
        .post(&format!("/outbox/{second}/posted"), &clerk, json!({"address": "12 place Dauphine, 75001 Paris"}))
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.json);
    assert!(posted.json["proof"].is_null(), "no registered letter's number given");
    assert!(!open(&app.get("/notices?chamber=civ1", &clerk).await.json), "the task is done");
}
both_backends!(the_clerk_posts_letters_and_sends_refused_notices_again);

/// Publication shows first what it will do (rolls, notices with their last
/// days, statuses, plans overtaken), and does exactly that. A notice whose
/// last day has passed is refused unless the clerk records why; the reason
/// stays with each late notice.
async fn a_late_notice_needs_a_reason(app: TestApp) {
    planning_court(&app).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let clerk = app.user("greffe2-civ1", "greffier", &["civ1"], None).await;
    let outsider = app.user("greffe-cr", "greffier", &["cr"], None).await;
    let (_, other) = propose(&app, &president).await;
    let (_, plan) = propose(&app, &president).await;
    // The notices are due on 21 and 22 December 2026; the service's day is
    // now 28 December.
    let mut late_state = super::app::state(app.store.clone());
    late_state.pinned_day = Some("2026-12-28".parse().expect("a day"));
    let app = app.with_state(late_state);
    let draft = app.get(&format!("/plans/{plan}"), &president).await;
    let path = format!("/plans/{plan}/publication");
    assert_eq!(app.get(&path, &clerk).await.status, StatusCode::CONFLICT, "a draft is not yet publishable");
    let validated =
        app.write(Method::POST, &format!("/plans/{plan}/validate"), &president, &draft.etag(), json!({})).await;
    assert_eq!(validated.status, StatusCode::OK, "{}", validated.json);

    assert_eq!(app.get(&path, &president).await.status, StatusCode::FORBIDDEN, "the clerk publishes");
    assert_eq!(app.get(&path, &outsider).await.status, StatusCode::NOT_FOUND, "another chamber's plan");
    let preview = app.get(&path, &clerk).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.json);
    let preview = preview.json;
    assert_eq!(preview["today"], "2026-12-28");
    assert_eq!(preview["scheduled"], 3);
    let rolls: Vec<&str> =
        preview["rolls"].as_array().expect("rolls").iter().map(|r| r["hearing"].as_str().unwrap_or("")).collect();
    assert_eq!(rolls, ["h1", "h2"], "both hearings' rolls, in date order");
    let notices = preview["notices"].as_array().expect("notices");
    assert_eq!(notices.len(), 3);
    assert!(notices.iter().all(|n| n["late"] == true && n["task"]["kind"] == "send_notice"), "{notices:?}");
    assert_eq!(preview["late"], 3);
    let overtaken: Vec<i64> =
        preview["overtaken"].as_array().expect("plans").iter().filter_map(|p| p["id"].as_i64()).collect();
    assert_eq!(overtaken, [other], "the other draft becomes stale");

    // Without a reason: refused, nothing written.
    let journal_before = app.journal_len().await;
    let publish = format!("/plans/{plan}/publish");
    let refused = app.write(Method::POST, &publish, &clerk, &validated.etag(), json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.json);
    assert_eq!(refused.json["code"], "late_notices");
    assert!(refused.json["message"].as_str().unwrap_or("").starts_with("3 avis"), "{}", refused.json);
    let blank = app.write(Method::POST, &publish, &clerk, &validated.etag(), json!({"reason": "  "})).await;
    assert_eq!(blank.json["code"], "late_notices", "a blank reason is no reason");
    assert_eq!(app.get(&format!("/plans/{plan}"), &clerk).await.json["status"], "validated");
    assert!(app.get("/notices?chamber=civ1", &clerk).await.json.as_array().expect("list").is_empty());
    assert_eq!(app.journal_len().await, journal_before);

    // With one: published, as previewed, the reason kept on each late notice.
    let reason = "accord des parties recueilli le 27 décembre";
    let published = app.write(Method::POST, &publish, &clerk, &validated.etag(), json!({"reason": reason})).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    let created = app.get("/notices?chamber=civ1", &clerk).await.json;
    let created = created.as_array().expect("list");
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|n| n["late_reason"] == reason), "{created:?}");
    assert_eq!(app.get(&format!("/plans/{other}"), &clerk).await.json["status"], "stale");
}
both_backends!(a_late_notice_needs_a_reason);

/// The plan endpoints and the views, by every role (the visibility
/// defaults, `models::access::Visibility`): drafts read in their chamber
/// only (404 elsewhere: not even their existence), never by analysts or
/// administrators; published rolls and calendars by every signed-in user;
/// a magistrate's agenda by him, his chamber's president and clerks.
async fn plan_endpoints_and_views_by_every_role(app: TestApp) {
    planning_court(&app).await;
    let users = [
        ("greffier", app.user("u-greffier", "greffier", &["civ1"], None).await),
        ("president", app.user("u-president", "president_chambre", &["civ1"], Some("civ1-p")).await),
        ("magistrat", app.user("u-magistrat", "magistrat", &["civ1"], Some("civ1-c1")).await),
        ("analyste", app.user("u-analyste", "analyste", &["*"], None).await),
        ("admin", app.admin.clone()),
        ("greffier-cr", app.user("u-greffier-cr", "greffier", &["cr"], None).await),
        ("president-cr", app.user("u-president-cr", "president_chambre", &["cr"], Some("cr-p")).await),
    ];
    let president = &users[1].1;
    let (job, draft) = propose(&app, president).await;
    let stale = "\"999\"";
    let chamber: &[&str] = &["greffier", "president", "magistrat"];
    let everyone: &[&str] = &["greffier", "president", "magistrat", "analyste", "admin", "greffier-cr", "president-cr"];
    let cases: Vec<(Method, String, Option<Value>, &[&str])> = vec![
        (Method::GET, "/plans".into(), None, everyone),
        (Method::GET, format!("/plans/{draft}"), None, chamber),
        (Method::GET, format!("/plans/{draft}/history"), None, chamber),
        (Method::GET, format!("/plans/{draft}/check"), None, chamber),
        (Method::GET, format!("/plans/jobs/{job}"), None, chamber),
        (
            Method::GET,
            format!("/chambers/civ1/instance?{HORIZON}"),
            None,
            &["greffier", "president", "magistrat", "admin"],
        ),
        (
            Method::POST,
            "/plans/jobs".into(),
            Some(json!({"chamber": "civ1", "start": "2027-13-01", "end": "2027-01-15"})),
            &["greffier", "president"],
        ),
        (
            Method::POST,
            format!("/plans/{draft}/edits"),
            Some(json!({"op": "pin", "dossier": "1"})),
            &["greffier", "president"],
        ),
        (Method::POST, format!("/plans/{draft}/validate"), Some(json!({})), &["president"]),
        (Method::POST, format!("/plans/{draft}/publish"), Some(json!({})), &["greffier"]),
        (Method::GET, "/notices?chamber=civ1".into(), None, &["greffier", "president", "admin"]),
        (Method::GET, "/hearings/h1/roll".into(), None, everyone),
        (Method::GET, "/chambers/civ1/calendar".into(), None, everyone),
        (Method::GET, "/chambers/civ1/calendar?format=ics".into(), None, everyone),
        (Method::GET, "/magistrates/civ1-c1/agenda".into(), None, &["greffier", "president", "magistrat"]),
        (Method::GET, "/magistrates/civ1-p/agenda".into(), None, &["greffier", "president"]),
        (
            Method::GET,
            "/dossiers".into(),
            None,
            &["greffier", "president", "magistrat", "admin", "greffier-cr", "president-cr"],
        ),
        (Method::POST, "/simulations".into(), Some(json!({})), &["analyste", "admin"]),
        (Method::GET, "/admin/users/u-greffier/tokens".into(), None, &["admin"]),
    ];
    let journal = app.journal_len().await;
    for (method, path, body, allowed) in &cases {
        let headers: &[(&str, &str)] = if body.is_some() { &[("if-match", stale)] } else { &[] };
        let anonymous = app.call(method.clone(), path, None, headers, body.clone()).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {path} without a token");
        for (who, token) in &users {
            let reply = app.call(method.clone(), path, Some(token), headers, body.clone()).await;
            let refused = matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
            if allowed.contains(who) {
                assert!(!refused, "{method} {path} as {who}: {} {}", reply.status, reply.json);
            } else {
                assert!(refused, "{method} {path} as {who} should be refused: {} {}", reply.status, reply.json);
            }
        }
    }
    assert_eq!(app.journal_len().await, journal, "stale versions and refusals wrote nothing");
    // The list shows a draft to its chamber only.
    let listed = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move {
            let reply = app.get("/plans", &token).await;
            reply.json.as_array().expect("a list").iter().any(|p| p["id"].as_i64() == Some(draft))
        }
    };
    assert!(listed(&users[0].1).await && listed(president).await);
    for (who, token) in &users[3..] {
        assert!(!listed(token).await, "{who} sees the draft in the list");
    }
}
both_backends!(plan_endpoints_and_views_by_every_role);

/// A court may choose other readers (`greffe serve --visibility`): here
/// agendas for presidents only, dossiers for analysts too.
async fn the_court_chooses_who_reads_what(app: TestApp) {
    app.court().await;
    use greffe_models::access::{UserRole, Visibility};
    let defaults = Visibility::default();
    let visibility = Visibility {
        agendas: vec![UserRole::PresidentChambre],
        dossiers: [defaults.dossiers.as_slice(), &[UserRole::Analyste]].concat(),
        ..defaults
    };
    let mut state = super::app::state(app.store.clone());
    state.visibility = std::sync::Arc::new(visibility);
    let app = app.with_state(state);
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let president = app.user("president-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    assert_eq!(app.get("/magistrates/civ1-c1/agenda", &clerk).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/magistrates/civ1-c1/agenda", &president).await.status, StatusCode::OK);
    assert_eq!(app.get("/dossiers", &analyst).await.status, StatusCode::OK);
}
both_backends!(the_court_chooses_who_reads_what);
