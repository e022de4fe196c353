//! Distribution over HTTP: the proposal by load and competence with its
//! reasons, the president's confirmation written whole or not at all, the
//! designation journaled and starting the rapporteur's internal deadline,
//! a batch that cannot be distributed said dossier by dossier, and the
//! avocats généraux designated by the premier avocat général.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::app::{TestApp, both_backends, civil_dossier};
use super::register;

/// The test court's civ1 with magistrates who declare specialities and
/// interests: c3 and r1 report on family law, r1 declared an interest
/// with the SCI, c4 knows only contracts.
async fn distributing_court(app: &TestApp) {
    app.court().await;
    for (id, role, rank, specialties, interests) in [
        ("civ1-c3", "conseiller", 5, json!(["famille"]), json!([])),
        ("civ1-r1", "referendaire", 6, json!(["famille"]), json!(["SCI les Tilleuls"])),
        ("civ1-c4", "conseiller", 7, json!(["contrats"]), json!([])),
    ] {
        let reply = app
            .post(
                "/magistrates",
                &app.admin,
                json!({"id": id, "name": format!("Magistrat {id}"), "role": role, "chamber": "civ1", "rank": rank,
                       "specialties": specialties, "interests": interests}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    }
}

/// A new civ1 dossier, oriented, with no rapporteur nor avocat général.
fn undistributed(pourvoi: &str, defendeur: &str) -> Value {
    let mut record = civil_dossier(pourvoi);
    record["rapporteurs"] = json!([]);
    record["avocat_general"] = Value::Null;
    record["recusals"] = json!([]);
    record["parties"][1]["name"] = json!(defendeur);
    record
}

fn of<'a>(proposal: &'a Value, pourvoi: &str) -> &'a Value {
    proposal["dossiers"].as_array().expect("dossiers").iter().find(|d| d["pourvoi"] == pourvoi).expect(pourvoi)
}

fn confirmation(proposal: &Value) -> Vec<Value> {
    proposal["dossiers"]
        .as_array()
        .expect("dossiers")
        .iter()
        .map(|d| {
            json!({"dossier": d["dossier"], "version": d["version"], "magistrate": d["proposed"]["id"],
                   "proposed": d["proposed"]["id"], "reasons": d["reasons"]})
        })
        .collect()
}

async fn the_president_distributes_a_batch_whole_or_not_at_all(app: TestApp) {
    distributing_court(&app).await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let (d1, _) = register(&app, &clerk, undistributed("A 26-11.001", "SCI Les Tilleuls")).await;
    register(&app, &clerk, undistributed("B 26-11.002", "SCI Les Tilleuls")).await;
    let mut third = undistributed("C 26-11.003", "SARL Les Ormeaux");
    third["recusals"] = json!([{"magistrate": "civ1-c3", "ground": "a connu de l'affaire en appel (art. L111-6 COJ)"}]);
    let (d3, _) = register(&app, &clerk, third).await;

    let path = "/chambers/civ1/distribution";
    let by_clerk = app.get(path, &clerk).await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN, "the president designates: {}", by_clerk.json);
    let proposal = app.get(path, &president).await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.json);
    let p = &proposal.json;
    assert_eq!(p["problems"], json!([]), "{p}");
    assert_eq!(p["optimal"], true);
    assert_eq!(p["dossiers"].as_array().expect("dossiers").len(), 3);
    // The SCI's two go to the family specialist without an interest; the
    // third, on which he is recused, to the référendaire.
    assert_eq!(of(p, "A 26-11.001")["proposed"]["id"], "civ1-c3", "{p}");
    assert_eq!(of(p, "B 26-11.002")["proposed"]["id"], "civ1-c3");
    assert_eq!(of(p, "C 26-11.003")["proposed"]["id"], "civ1-r1");
    let refused = of(p, "A 26-11.001")["refused"].as_array().expect("refused");
    let why = |id: &str| refused.iter().find(|r| r["id"] == id).map(|r| r["why"].as_str().expect("why").to_owned());
    assert!(why("civ1-r1").expect("r1").contains("intérêt déclaré avec la partie SCI Les Tilleuls"), "{refused:?}");
    assert!(why("civ1-c4").expect("c4").contains("sans la spécialité « famille »"));
    let reasons = of(p, "C 26-11.003")["reasons"].as_array().expect("reasons");
    assert!(reasons.iter().any(|r| r.as_str().expect("reason").starts_with("charge pondérée 0 → 2")), "{reasons:?}");
    let c3 = p["magistrates"].as_array().expect("loads").iter().find(|m| m["id"] == "civ1-c3").expect("c3");
    assert_eq!((c3["before"].as_f64(), c3["after"].as_f64(), c3["given"].as_u64()), (Some(0.0), Some(4.0), Some(2)));

    // An edit without its reason, a stale version, a recused magistrate:
    // each refused, naming the dossier, and nothing written.
    let before = app.journal_len().await;
    let mut edited = confirmation(p);
    edited[0]["magistrate"] = json!("civ1-r1");
    let silent = app.post(path, &president, json!({"designations": edited})).await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", silent.json);
    assert_eq!(silent.json["field"], "designations[0].magistrate", "the law first: r1 is in conflict");
    let mut edited = confirmation(p);
    edited[1]["magistrate"] = json!("civ1-c1");
    let silent = app.post(path, &president, json!({"designations": edited})).await;
    assert_eq!(silent.json["field"], "designations[1].reason", "{}", silent.json);
    assert!(silent.json["message"].as_str().expect("message").contains("B 26-11.002"), "{}", silent.json);
    let mut recused = confirmation(p);
    recused[2]["magistrate"] = json!("civ1-c3");
    recused[2]["reason"] = json!("il connaît la série");
    let refused = app.post(path, &president, json!({"designations": recused})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json["message"].as_str().expect("message").contains("récusé"), "{}", refused.json);
    let mut stale = confirmation(p);
    stale[2]["version"] = json!(99);
    let conflict = app.post(path, &president, json!({"designations": stale})).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.json);
    assert_eq!(conflict.json["field"], "designations[2].version");
    assert_eq!(app.journal_len().await, before, "nothing half-designated");
    let journal = app.get(&format!("/dossiers/{d1}"), &president).await;
    assert_eq!(journal.json["rapporteurs"], json!([]));

    // Confirmed with one edit, its reason given: written, journaled.
    let mut edited = confirmation(p);
    edited[1]["magistrate"] = json!("civ1-c1");
    edited[1]["reason"] = json!("M. c1 a rapporté l'arrêt de principe sur cette question");
    let done = app.post(path, &president, json!({"designations": edited})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json.as_array().expect("written").len(), 3);
    assert_eq!(app.journal_len().await, before + 3);
    let dossier = app.get(&format!("/dossiers/{d1}"), &president).await;
    assert_eq!(dossier.json["rapporteurs"], json!(["civ1-c3"]));
    let journal = app.get(&format!("/dossiers/{d1}/journal"), &president).await;
    let entry = journal.json.as_array().expect("journal").last().expect("entry").clone();
    assert_eq!(entry["kind"], "designation_rapporteur", "{entry}");
    assert_eq!(entry["actor"], "pres-civ1");
    assert_eq!(entry["payload"]["proposed"], "civ1-c3");
    assert!(entry["payload"]["reasons"].as_array().expect("reasons").len() >= 2);
    // The designation starts the rapporteur's report deadline.
    let deadlines = app.get(&format!("/dossiers/{d1}/deadlines"), &president).await;
    let report = deadlines.json["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["rule"] == "interne.rapport")
        .expect("interne.rapport")
        .clone();
    assert_eq!(report["applies_to"], "rapporteur", "{report}");
    assert_eq!(report["due"], "2027-03-01", "three months from the designation of 2026-12-01: {report}");
    assert_eq!(report["confirmed"], false, "a convention of the chamber, to confirm");
    let edited_entry = app.get(&format!("/dossiers/{}/journal", d1 + 1), &president).await;
    let entry = edited_entry.json.as_array().expect("journal").last().expect("entry").clone();
    assert_eq!(entry["payload"]["proposed"], "civ1-c3");
    assert_eq!(entry["payload"]["magistrate"], "civ1-c1");
    assert!(entry["payload"]["warning"].as_str().expect("warning").contains("sans la spécialité"), "{entry}");
    // Distributed: nothing left; the next batch reads the work given.
    let empty = app.get(path, &president).await;
    assert_eq!(empty.json["dossiers"], json!([]));
    register(&app, &clerk, undistributed("G 26-11.007", "SARL Les Ormeaux")).await;
    let next = app.get(path, &president).await;
    let load = |id: &str| {
        let m = next.json["magistrates"].as_array().expect("loads").iter().find(|m| m["id"] == id).expect(id).clone();
        (m["before"].as_f64().expect("before"), m["due"].as_u64().expect("due"))
    };
    assert_eq!(load("civ1-c3"), (2.0, 1), "one intermédiaire dossier whose report is due: {}", next.json);
    assert_eq!(load("civ1-r1"), (2.0, 1));
    // c3 and r1, the family specialists, are equally loaded: either.
    let proposed = of(&next.json, "G 26-11.007")["proposed"]["id"].as_str().expect("proposed").to_owned();
    assert!(["civ1-c3", "civ1-r1"].contains(&proposed.as_str()), "{}", next.json);
    // The designation is no clerk's event.
    let by_hand = app
        .write(
            Method::POST,
            &format!("/dossiers/{d3}/events"),
            &clerk,
            "\"2\"",
            json!({"type": "designation_rapporteur", "date": "2026-12-01"}),
        )
        .await;
    assert_eq!(by_hand.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", by_hand.json);
}
both_backends!(the_president_distributes_a_batch_whole_or_not_at_all);

async fn a_batch_that_cannot_be_distributed_says_why_dossier_by_dossier(app: TestApp) {
    distributing_court(&app).await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    register(&app, &clerk, undistributed("D 26-11.004", "SARL Les Ormeaux")).await;
    let mut patents = undistributed("E 26-11.005", "SARL Les Ormeaux");
    patents["matter"] = json!("brevets");
    register(&app, &clerk, patents).await;
    let proposal = app.get("/chambers/civ1/distribution", &president).await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.json);
    let problems = proposal.json["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let problem = problems[0].as_str().expect("problem");
    assert!(
        problem.starts_with("n° E 26-11.005 : aucun magistrat de la chambre civ1 n'a la spécialité « brevets »"),
        "{problem}"
    );
    assert!(problem.contains("déclarer cette spécialité"), "{problem}");
    assert!(proposal.json["dossiers"].as_array().expect("dossiers").iter().all(|d| d["proposed"].is_null()));
    // A week with nothing registered proposes nothing; a malformed week is named.
    let week = app.get("/chambers/civ1/distribution?week=2026-W49", &president).await;
    assert_eq!(week.json["dossiers"], json!([]), "{}", week.json);
    let bad = app.get("/chambers/civ1/distribution?week=49", &president).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["field"], "week");
    let elsewhere = app.get("/chambers/cr/distribution", &president).await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
}
both_backends!(a_batch_that_cannot_be_distributed_says_why_dossier_by_dossier);

async fn the_premier_avocat_general_designates_the_avocats_generaux(app: TestApp) {
    distributing_court(&app).await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let pag = app.user("pag-civ1", "premier_avocat_general", &["civ1"], Some("civ1-ag")).await;
    let (id, _) = register(&app, &clerk, undistributed("F 26-11.006", "SARL Les Ormeaux")).await;
    let path = "/chambers/civ1/distribution?designating=avocat_general";
    assert_eq!(app.get(path, &president).await.status, StatusCode::FORBIDDEN, "the parquet général designates");
    assert_eq!(app.get("/chambers/civ1/distribution", &pag).await.status, StatusCode::FORBIDDEN);
    let proposal = app.get(path, &pag).await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.json);
    assert_eq!(of(&proposal.json, "F 26-11.006")["proposed"]["id"], "civ1-ag", "{}", proposal.json);
    let done = app
        .post(
            "/chambers/civ1/distribution",
            &pag,
            json!({"designating": "avocat_general", "designations": confirmation(&proposal.json)}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    let dossier = app.get(&format!("/dossiers/{id}"), &pag).await;
    assert_eq!(dossier.json["avocat_general"], "civ1-ag", "{}", dossier.json);
    let journal = app.get(&format!("/dossiers/{id}/journal"), &pag).await;
    assert_eq!(journal.json.as_array().expect("journal").last().expect("entry")["kind"], "avocat_general_designated");
}
both_backends!(the_premier_avocat_general_designates_the_avocats_generaux);
