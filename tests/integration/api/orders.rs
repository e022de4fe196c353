//! The president's orders over HTTP on SQLite and PostgreSQL: a déchéance
//! and a désistement prefilled from the record, each defect named with its
//! rule, signed by the president and the greffier alone, a change after a
//! signature voiding it, and the order in effect at its last signature —
//! the dossier decided (déchéance) or withdrawn (désistement) — verified
//! offline with `greffe decision verify`.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::app::{TestApp, both_backends, civil_dossier};

fn rules(workspace: &Value) -> Vec<String> {
    workspace["defects"]
        .as_array()
        .expect("defects")
        .iter()
        .map(|d| d["rule"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Registers `record` and its declaration of pourvoi on `declared`.
async fn registered(app: &TestApp, clerk: &str, record: Value, declared: &str) -> i64 {
    let reply = app.post("/dossiers", clerk, record).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    let id = reply.json["id"].as_i64().expect("id");
    let event = json!({"type": "declaration_pourvoi", "date": declared});
    let reply = app.write(Method::POST, &format!("/dossiers/{id}/events"), clerk, &reply.etag(), event).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    id
}

async fn a_decheance_is_checked_signed_by_the_president_and_the_greffier_and_decides_the_dossier(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let conseiller = app.user("mag-civ1-c1", "magistrat", &["civ1"], Some("civ1-c1")).await;
    let other_clerk = app.user("greffe2-civ1", "greffier", &["civ1"], None).await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    // Declared on 10 March 2026: the mémoire ampliatif was due on 10 July
    // (art. 978 CPC); the service's day is 1 December 2026.
    let id = registered(&app, &clerk, civil_dossier("Y 26-10.001"), "2026-03-10").await;
    let path = format!("/dossiers/{id}/order");
    let signatures = format!("{path}/signatures");

    // Prefilled from the record: the chamber's president, the clerk as
    // greffier, today, the reasons and operative part; free of defects.
    let prefilled = app.get(&path, &clerk).await;
    assert_eq!(prefilled.status, StatusCode::OK, "{}", prefilled.json);
    assert_eq!(prefilled.etag(), "\"0\"");
    let content = prefilled.json["content"].clone();
    assert_eq!(
        (&content["kind"], &content["president"], &content["greffier"], &content["date"]),
        (&json!("decheance"), &json!("civ1-p"), &json!("greffe-civ1"), &json!("2026-12-01")),
        "{content}"
    );
    assert_eq!(content["operative"], "Constatons la déchéance du pourvoi.");
    assert!(content["reasons"].as_str().unwrap_or("").contains("M. Dupont"), "{content}");
    assert_eq!(rules(&prefilled.json), Vec::<String>::new(), "{}", prefilled.json["defects"]);
    assert_eq!(prefilled.json["memoires"][0]["due"], "2026-07-10", "{}", prefilled.json["memoires"]);
    assert_eq!(prefilled.json["basis_to_confirm"], false);
    // Not the analyst's to read, nor a magistrate's to write.
    assert_eq!(app.get(&path, &analyst).await.status, StatusCode::FORBIDDEN);
    let by_conseiller = app.write(Method::PUT, &path, &conseiller, "\"0\"", json!({"content": content})).await;
    assert_eq!(by_conseiller.status, StatusCode::FORBIDDEN, "{}", by_conseiller.json);
    let unknown = app.get(&format!("{path}?order_kind=radiation"), &clerk).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.json);
    assert_eq!(unknown.json["field"], "order_kind", "{}", unknown.json);

    // Dated while the deadline ran: no déchéance incurred, nobody signs.
    let mut early = content.clone();
    early["date"] = json!("2026-07-10");
    let first = app.write(Method::PUT, &path, &clerk, "\"0\"", json!({"content": early})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(rules(&first.json), ["memoire_not_missed"], "{}", first.json["defects"]);
    assert!(first.json["defects"][0]["message"].as_str().unwrap_or("").contains("10/07/2026"), "{}", first.json);
    let refused = app.call(Method::POST, &signatures, Some(&president), &[("if-match", "\"1\"")], None).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "decision_defects"), "{}", refused.json);
    // A malformed date is refused naming its field, and nothing is saved.
    let mut malformed = content.clone();
    malformed["date"] = json!("01/12/2026");
    let bad = app.write(Method::PUT, &path, &clerk, "\"1\"", json!({"content": malformed})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.json);
    assert_eq!(bad.json["field"], "content.date", "{}", bad.json);
    assert_eq!(app.get(&path, &clerk).await.etag(), "\"1\"");

    let second = app.write(Method::PUT, &path, &clerk, "\"1\"", json!({"content": content.clone()})).await;
    assert_eq!(rules(&second.json), Vec::<String>::new(), "{}", second.json["defects"]);

    // The president and the greffier named, each his own signature; not a
    // conseiller, not another greffier.
    for outsider in [&conseiller, &other_clerk] {
        let reply = app.call(Method::POST, &signatures, Some(outsider), &[("if-match", "\"2\"")], None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.json);
    }
    let signed = app.call(Method::POST, &signatures, Some(&president), &[("if-match", "\"2\"")], None).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.json);
    assert_eq!(signed.json["status"], "awaiting_signatures");
    let twice = app.call(Method::POST, &signatures, Some(&president), &[("if-match", "\"2\"")], None).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_done"));

    // A change after a signature voids it, and says so.
    let mut reworded = content.clone();
    reworded["operative"] = json!("Constatons la déchéance du pourvoi ; laissons les dépens au demandeur.");
    let third = app.write(Method::PUT, &path, &clerk, "\"2\"", json!({"content": reworded})).await;
    assert_eq!(third.status, StatusCode::OK, "{}", third.json);
    assert!(
        third.json["signatures"][0]["void_reason"].as_str().unwrap_or("").contains("version 3"),
        "{}",
        third.json["signatures"]
    );
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await.json;
    assert!(journal.as_array().expect("journal").iter().any(|e| e["kind"] == "signatures_voided"), "{journal}");

    // Both sign version 3: the order is rendered, the dossier decided.
    for token in [&clerk, &president] {
        let reply = app.call(Method::POST, &signatures, Some(token), &[("if-match", "\"3\"")], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    }
    let rendered = app.get(&path, &clerk).await;
    assert_eq!(rendered.json["status"], "rendered", "{}", rendered.json);
    let dossier = app.get(&format!("/dossiers/{id}"), &clerk).await.json;
    assert_eq!(dossier["status"], "decided", "{dossier}");
    assert_eq!(
        (&dossier["decision"]["solution"], &dossier["decision"]["formation"], &dossier["decision"]["decided_on"]),
        (&json!("decheance"), &json!("ord"), &json!("2026-12-01")),
        "{dossier}"
    );
    let deadlines = app.get(&format!("/dossiers/{id}/deadlines"), &clerk).await.json;
    assert!(
        deadlines["alerts"].as_array().expect("alerts").is_empty(),
        "the arrêt closes every deadline: {}",
        deadlines["alerts"]
    );
    let again = app.write(Method::PUT, &path, &clerk, "\"3\"", json!({"content": content})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "forbidden_transition"), "{}", again.json);

    // Its notification to the parties is queued at the last signature: a
    // task of the chamber's greffe under no plan and no hearing, one row
    // per recipient, and the order itself as the document they receive.
    let notices = app.get("/notices?chamber=civ1", &clerk).await.json;
    let notice = notices
        .as_array()
        .expect("notices")
        .iter()
        .find(|t| t["dossier_id"] == id && t["kind"] == "order_notice")
        .unwrap_or_else(|| panic!("an order's notice: {notices}"))
        .clone();
    assert_eq!(
        (&notice["plan_id"], &notice["hearing_id"], &notice["chamber"]),
        (&Value::Null, &Value::Null, &json!("civ1"))
    );
    assert!(
        notice["label"].as_str().unwrap_or("").contains("l'ordonnance de déchéance rendue le 01/12/2026"),
        "{notice}"
    );
    let rows = app.get(&format!("/notices/{}/outbox", notice["id"]), &clerk).await.json;
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 2, "one per lawyer: {rows:?}");
    assert!(rows.iter().all(|r| r["document"] == "notification_ordonnance" && r["hearing_id"].is_null()), "{rows:?}");
    let pdf = app.call(Method::GET, &format!("/notices/{}/avis.pdf", notice["id"]), Some(&clerk), &[], None).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.json);
    assert!(pdf.bytes.starts_with(b"%PDF-"), "a PDF");

    // Offline: the signed order and the public keys verify; a tampered
    // copy does not.
    let bundle = app.get(&format!("{path}/signed"), &clerk).await;
    assert_eq!(bundle.status, StatusCode::OK, "{}", bundle.json);
    assert_eq!(bundle.json["format"], "greffe-ordonnance/1");
    let keys = app.get("/signing-keys", &clerk).await;
    let dir = tempfile::tempdir().expect("directory");
    let (file, keys_file) = (dir.path().join("ordonnance.json"), dir.path().join("cles.json"));
    std::fs::write(&keys_file, keys.json.to_string()).expect("written");
    let verify = |path: &std::path::Path| {
        crate::helpers::greffe(&["decision", "verify", &path.to_string_lossy(), "--keys", &keys_file.to_string_lossy()])
    };
    std::fs::write(&file, bundle.json.to_string()).expect("written");
    let run = verify(&file);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out.contains("Ordonnance de déchéance") && run.out.matches("signature valide").count() == 2,
        "{}",
        run.out
    );
    let mut tampered = bundle.json.clone();
    tampered["content"]["kind"] = json!("desistement");
    std::fs::write(&file, tampered.to_string()).expect("written");
    let run = verify(&file);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains("NON VÉRIFIÉE") && run.err.contains("modifié"), "{}", run.err);
}
both_backends!(a_decheance_is_checked_signed_by_the_president_and_the_greffier_and_decides_the_dossier);

async fn a_desistement_withdraws_the_dossier_and_each_defect_names_its_rule(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let criminal_clerk = app.user("greffe-cr", "greffier", &["cr"], None).await;
    // Declared on 2 November 2026: the mémoire deadline still runs.
    let id = registered(&app, &clerk, civil_dossier("Y 26-10.002"), "2026-11-02").await;
    let path = format!("/dossiers/{id}/order");

    let decheance = app.get(&format!("{path}?order_kind=decheance"), &clerk).await;
    assert_eq!(rules(&decheance.json), ["memoire_not_missed"], "{}", decheance.json["defects"]);

    // A désistement: its act's date missing, ordered by a conseiller, the
    // pourvoi number mistyped — each named.
    let prefilled = app.get(&format!("{path}?order_kind=desistement"), &clerk).await;
    assert_eq!(prefilled.json["basis_to_confirm"], true, "art. 1024–1026 CPC are flagged");
    let mut content = prefilled.json["content"].clone();
    assert_eq!(content["operative"], "Donnons acte à M. Dupont de son désistement du pourvoi.");
    content["president"] = json!("civ1-c1");
    content["pourvoi"] = json!("Y 26-10.003");
    let saved = app.write(Method::PUT, &path, &clerk, "\"0\"", json!({"content": content.clone()})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    assert_eq!(rules(&saved.json), ["desistement_act", "order_president", "record_mismatch"], "{}", saved.json);
    // An act after the order is named too.
    content["act_date"] = json!("2026-12-02");
    let saved = app.write(Method::PUT, &path, &clerk, "\"1\"", json!({"content": content.clone()})).await;
    assert_eq!(rules(&saved.json), ["desistement_act", "order_president", "record_mismatch"], "{}", saved.json);
    content["act_date"] = json!("2026-11-25");
    content["president"] = json!("civ1-p");
    content["pourvoi"] = json!("Y 26-10.002");
    let saved = app.write(Method::PUT, &path, &clerk, "\"2\"", json!({"content": content})).await;
    assert_eq!(rules(&saved.json), Vec::<String>::new(), "{}", saved.json["defects"]);
    // Another chamber's greffe does not read it.
    assert!(matches!(app.get(&path, &criminal_clerk).await.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND));

    for token in [&president, &clerk] {
        let reply =
            app.call(Method::POST, &format!("{path}/signatures"), Some(token), &[("if-match", "\"3\"")], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    }
    let dossier = app.get(&format!("/dossiers/{id}"), &clerk).await.json;
    assert_eq!(dossier["status"], "withdrawn", "{dossier}");
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await.json;
    let kinds: Vec<&str> = journal.as_array().expect("journal").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.ends_with(&["order_signed", "order_signed", "desistement"]), "{kinds:?}");

    // A déchéance has no place in a criminal dossier: refused as such.
    let record = super::app::criminal_dossier("Y 26-80.001");
    let criminal = registered(&app, &criminal_clerk, record, "2026-03-10").await;
    let path = format!("/dossiers/{criminal}/order");
    let prefilled = app.get(&path, &criminal_clerk).await;
    assert_eq!(prefilled.json["content"]["kind"], "desistement", "{}", prefilled.json);
    assert_eq!(prefilled.json["kinds"], json!(["desistement"]));
    let mut content = prefilled.json["content"].clone();
    content["kind"] = json!("decheance");
    let refused = app.write(Method::PUT, &path, &criminal_clerk, "\"0\"", json!({"content": content})).await;
    // The body is well formed: the dossier's procedure refuses it (409).
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "forbidden_transition"), "{}", refused.json);
    assert!(refused.json["message"].as_str().unwrap_or("").contains("déchéance"), "{}", refused.json);
}
both_backends!(a_desistement_withdraws_the_dossier_and_each_defect_names_its_rule);
