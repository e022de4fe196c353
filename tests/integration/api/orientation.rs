//! Orientation over HTTP: the suggestion and its evidence, the president's
//! decision journaled with its reason, a mandatory referral that cannot be
//! declined silently, a referral ordered that leaves the chamber's
//! planning, and who may record what.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::app::{TestApp, both_backends, civil_dossier};
use super::register;

/// A civ1 dossier on filiation invoking `article`, between `demandeur`
/// and the SCI.
fn on_filiation(pourvoi: &str, article: &str, text: &str) -> Value {
    let mut record = civil_dossier(pourvoi);
    record["grounds"] = json!([{"title": format!("Violation de l'{article}"), "articles": [article], "text": text}]);
    record["keywords"] = json!(["filiation"]);
    record
}

fn rules(view: &Value) -> Vec<String> {
    view["suggestion"]["fired"]
        .as_array()
        .expect("fired")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect()
}

async fn a_mandatory_referral_is_ordered_or_declined_with_its_reason(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    // The first pourvoi, then the second one against the court of referral's
    // ruling, on the same article.
    let (_first, _) = register(
        &app,
        &clerk,
        on_filiation("A 24-10.001", "article 310-3 du code civil", "L'expertise biologique est de droit."),
    )
    .await;
    let mut second = on_filiation(
        "B 26-10.002",
        "Article 310-3 du Code civil",
        "La cour de renvoi a de nouveau refusé l'expertise biologique.",
    );
    second["attacked_nature"] = json!("renvoi_apres_cassation");
    second["earlier_pourvoi"] = json!("A 24-10.001");
    let (id, etag) = register(&app, &clerk, second).await;

    let view = app.get(&format!("/dossiers/{id}/orientation"), &clerk).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.json);
    assert!(rules(&view.json).contains(&"renvoi-memes-moyens".to_owned()), "{}", view.json);
    let awaiting = &view.json["awaiting"];
    assert_eq!(awaiting["formation"], "AP", "{}", view.json);
    assert_eq!(awaiting["mandatory"], true);
    assert!(awaiting["article"].as_str().expect("article").contains("L431-6"));
    assert_eq!(view.json["suggestion"]["formations"], json!(["AP"]));
    let fired = view.json["suggestion"]["fired"].as_array().expect("fired");
    let rule = fired.iter().find(|f| f["rule"] == "renvoi-memes-moyens").expect("rule");
    assert_eq!(rule["dossiers"], json!(["A 24-10.001"]));
    assert!(rule["detail"].as_str().expect("detail").contains("310-3 du code civil"), "{rule}");

    // A clerk does not decline; the president cannot without a reason.
    let path = format!("/dossiers/{id}/referral/decline");
    let by_clerk = app.write(Method::POST, &path, &clerk, &etag, json!({"formation": "AP"})).await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN, "{}", by_clerk.json);
    let before = app.journal_len().await;
    let silent = app.write(Method::POST, &path, &president, &etag, json!({"formation": "AP"})).await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", silent.json);
    assert_eq!(silent.json["field"], "reason");
    assert!(silent.json["message"].as_str().expect("message").contains("obligatoire"), "{}", silent.json);
    let blank = app.write(Method::POST, &path, &president, &etag, json!({"formation": "AP", "reason": "   "})).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.journal_len().await, before, "nothing written");
    let wrong = app
        .write(Method::POST, &path, &president, &etag, json!({"formation": "CM", "reason": "pas de divergence"}))
        .await;
    assert_eq!(wrong.status, StatusCode::CONFLICT, "no CM awaits: {}", wrong.json);

    let reason = "Les moyens du second pourvoi portent sur la procédure de renvoi, non sur le fond jugé.";
    let declined =
        app.write(Method::POST, &path, &president, &etag, json!({"formation": "AP", "reason": reason})).await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.json);
    let view = app.get(&format!("/dossiers/{id}/orientation"), &president).await;
    assert_eq!(view.json["awaiting"], Value::Null, "decided: {}", view.json);
    let decisions = view.json["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0]["kind"], "referral_declined");
    assert_eq!(decisions[0]["actor"], "pres-civ1");
    assert_eq!(decisions[0]["payload"]["reason"], reason);
    assert_eq!(decisions[0]["payload"]["mandatory"], true);
    assert!(decisions[0]["payload"]["note"].as_str().expect("note").contains("bien qu'obligatoire"));
    // Declined once: nothing left to decline.
    let again = app
        .write(Method::POST, &path, &president, &declined.etag(), json!({"formation": "AP", "reason": reason}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}
both_backends!(a_mandatory_referral_is_ordered_or_declined_with_its_reason);

async fn the_presidents_orientation_is_journaled_with_the_suggestion_or_the_reason(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let mut record = on_filiation("C 26-10.003", "article 311-1 du code civil", "La possession d'état.");
    record["circuit"] = Value::Null;
    record["section"] = Value::Null;
    let (id, etag) = register(&app, &clerk, record).await;
    // Serial litigation: three other pending pourvois against the same SCI
    // on filiation.
    for (i, pourvoi) in ["D 26-10.004", "E 26-10.005", "F 26-10.006"].iter().enumerate() {
        let mut peer = on_filiation(pourvoi, "article 311-1 du code civil", "Autre espèce.");
        peer["parties"][0]["name"] = json!(format!("M. Autre {i}"));
        register(&app, &clerk, peer).await;
    }
    let view = app.get(&format!("/dossiers/{id}/orientation"), &president).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.json);
    assert!(rules(&view.json).contains(&"contentieux-serie".to_owned()), "{}", view.json);
    assert_eq!(view.json["peers"].as_array().expect("peers").len(), 3);
    assert_eq!(view.json["peers"][0]["party"], "SCI Les Tilleuls");
    let suggestion = &view.json["suggestion"];
    assert_eq!(suggestion["chamber"], "civ1");
    assert_eq!(suggestion["circuit"], "approfondi");
    assert_eq!(view.json["awaiting"], Value::Null, "no referral suggested");

    let path = format!("/dossiers/{id}/orientation");
    let by_clerk =
        app.write(Method::POST, &path, &clerk, &etag, json!({"chamber": "civ1", "circuit": "approfondi"})).await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN, "the president decides: {}", by_clerk.json);
    let departs =
        app.write(Method::POST, &path, &president, &etag, json!({"chamber": "civ1", "circuit": "court"})).await;
    assert_eq!(departs.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", departs.json);
    assert_eq!(departs.json["field"], "reason");
    let criminal = app
        .write(
            Method::POST,
            &path,
            &president,
            &etag,
            json!({"chamber": "cr", "circuit": "approfondi", "reason": "erreur de chambre"}),
        )
        .await;
    assert_eq!(criminal.status, StatusCode::FORBIDDEN, "not the president's chamber: {}", criminal.json);
    let unknown =
        app.write(Method::POST, &path, &president, &etag, json!({"chamber": "civ1", "circuit": "long"})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.json["field"], "circuit", "{}", unknown.json);

    let follows = app
        .write(
            Method::POST,
            &path,
            &president,
            &etag,
            json!({"chamber": "civ1", "section": "civ1-s1", "circuit": "approfondi"}),
        )
        .await;
    assert_eq!(follows.status, StatusCode::OK, "{}", follows.json);
    assert_eq!(follows.json["status"], "routed", "a registered dossier becomes routed");
    assert_eq!(follows.json["circuit"], "approfondi");
    assert_eq!(follows.json["section"], "civ1-s1");
    let reason = "Solution évidente au vu de la jurisprudence constante de la chambre.";
    let changed = app
        .write(
            Method::POST,
            &path,
            &president,
            &follows.etag(),
            json!({"chamber": "civ1", "circuit": "court", "reason": reason}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.json);
    let view = app.get(&format!("/dossiers/{id}/orientation"), &president).await;
    let decisions = view.json["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["payload"]["follows"], true);
    assert_eq!(decisions[0]["payload"]["suggested"]["rules"], json!(["contentieux-serie", "question-nouvelle"]));
    assert_eq!(decisions[1]["payload"]["follows"], false);
    assert_eq!(decisions[1]["payload"]["reason"], reason);
    assert_eq!(decisions[1]["payload"]["route"]["circuit"], "court");
    assert!(decisions[1]["payload"]["note"].as_str().expect("note").contains(reason));
}
both_backends!(the_presidents_orientation_is_journaled_with_the_suggestion_or_the_reason);

async fn a_referral_ordered_leaves_the_chambers_planning(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let (id, etag) =
        register(&app, &clerk, on_filiation("G 26-10.007", "article 16 du code civil", "Question de principe.")).await;
    let etag = app.make_ready(&clerk, id, &etag).await;
    let planned = civ1_instance(&app, &clerk).await;
    assert!(
        planned["instance"]["dossiers"].as_array().expect("dossiers").iter().any(|d| d["pourvoi"] == "G 26-10.007"),
        "{planned}"
    );

    let path = format!("/dossiers/{id}/referral");
    let order = json!({"formation": "CM", "ordered_by": "chambre", "chambers": ["civ1", "comm", "civ3"]});
    // No rule suggests it: the reason is required.
    let unreasoned = app.write(Method::POST, &path, &president, &etag, order.clone()).await;
    assert_eq!(unreasoned.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unreasoned.json);
    assert_eq!(unreasoned.json["field"], "reason");
    let mut reasoned = order.clone();
    reasoned["reason"] = json!("La question relève aussi de la chambre commerciale et de la troisième chambre civile.");
    // A clerk records the premier président's order, not the chamber's.
    let by_clerk = app.write(Method::POST, &path, &clerk, &etag, reasoned.clone()).await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN, "a matter of role: {}", by_clerk.json);
    assert!(
        by_clerk.json["message"].as_str().unwrap_or("").contains("n'enregistre pas un renvoi ordonné par"),
        "{}",
        by_clerk.json
    );
    let mut two = reasoned.clone();
    two["chambers"] = json!(["civ1", "comm"]);
    let too_few = app.write(Method::POST, &path, &president, &etag, two).await;
    assert_eq!(too_few.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_few.json["field"], "chambers");
    let mut without = reasoned.clone();
    without["chambers"] = json!(["civ2", "comm", "civ3"]);
    let missing = app.write(Method::POST, &path, &president, &etag, without).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", missing.json);
    let before = app.journal_len().await;
    let mut ap = reasoned.clone();
    ap["formation"] = json!("AP");
    let ap_chambers = app.write(Method::POST, &path, &president, &etag, ap).await;
    assert_eq!(ap_chambers.status, StatusCode::UNPROCESSABLE_ENTITY, "AP names no chamber");
    assert_eq!(app.journal_len().await, before, "nothing written");

    let ordered = app.write(Method::POST, &path, &president, &etag, reasoned.clone()).await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{}", ordered.json);
    assert_eq!(ordered.json["formation"], "CM");
    assert_eq!(ordered.json["chambers"], json!(["civ1", "civ3", "comm"]));
    assert_eq!(ordered.json["article"], "art. L431-5 COJ");
    assert_eq!(ordered.json["ordered_by"], "chambre");
    assert_eq!(ordered.json["mandatory"], false);
    let again = app.write(Method::POST, &path, &president, &ordered.etag(), reasoned).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);

    let planned = civ1_instance(&app, &clerk).await;
    let dossiers = planned["instance"]["dossiers"].as_array().expect("dossiers");
    assert!(dossiers.iter().all(|d| d["pourvoi"] != "G 26-10.007"), "the chamber no longer hears it");
    let excluded = planned["excluded"].as_array().expect("excluded");
    let why =
        excluded.iter().find(|e| e["pourvoi"] == "G 26-10.007").expect("excluded")["reason"].as_str().expect("reason");
    assert!(why.contains("chambre mixte") && why.contains("L431-5"), "{why}");
    let view = app.get(&format!("/dossiers/{id}/orientation"), &clerk).await;
    assert_eq!(view.json["referral"]["formation"], "CM");
    assert_eq!(view.json["decisions"][0]["kind"], "referral_ordered");

    // The procureur général's request, recorded by the greffe: of right.
    let (other, etag) =
        register(&app, &clerk, on_filiation("H 26-10.008", "article 16 du code civil", "Autre question.")).await;
    let request = app
        .write(
            Method::POST,
            &format!("/dossiers/{other}/referral"),
            &clerk,
            &etag,
            json!({"formation": "AP", "ordered_by": "procureur_general", "reason": "Réquisitions du procureur général du 2 novembre 2026."}),
        )
        .await;
    assert_eq!(request.status, StatusCode::CREATED, "{}", request.json);
    assert_eq!(request.json["article"], "art. L431-7 COJ");
    assert_eq!(request.json["mandatory"], true);
}
both_backends!(a_referral_ordered_leaves_the_chambers_planning);

async fn civ1_instance(app: &TestApp, user: &str) -> Value {
    let reply = app.get("/chambers/civ1/instance?start=2026-11-02&end=2026-12-18", user).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    reply.json
}
