//! From the published roll to the decision, over HTTP on SQLite and
//! PostgreSQL: who sat recorded after the hearing, the decision prefilled
//! from the roll, its defects, its versions, and who may read it.

use axum::http::{Method, StatusCode};
use greffe_api::AppState;
use serde_json::{Value, json};

use super::app::{TestApp, both_backends};
use super::plans::{Published, published};

/// A day after the planning court's hearings (5 and 6 January 2027).
const AFTER: &str = "2027-01-20";

/// The same store behind a service whose day is [`AFTER`].
fn after_the_hearings(app: TestApp) -> TestApp {
    let mut state = AppState::new(app.store.clone());
    state.pinned_day = Some(AFTER.parse().expect("a day"));
    app.with_state(state)
}

fn rules(workspace: &Value) -> Vec<String> {
    workspace["defects"]
        .as_array()
        .expect("defects")
        .iter()
        .map(|d| d["rule"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn from_the_roll_to_a_decision_free_of_defects(app: TestApp) {
    let Published { president, clerk, dossiers, .. } = published(&app).await;
    let id = dossiers[0];
    let path = format!("/dossiers/{id}/decision");

    // Before its hearing, a dossier has no decision to prepare.
    let early = app.get(&path, &clerk).await;
    assert_eq!((early.status, early.code()), (StatusCode::CONFLICT, "not_heard"), "{}", early.json);
    assert!(early.json["message"].as_str().unwrap_or("").contains("pas encore eu lieu"), "{}", early.json);

    let app = after_the_hearings(app);
    let rapporteur = app.user("mag-civ1-c1", "magistrat", &["civ1"], Some("civ1-c1")).await;
    let avocat_general = app.user("ag-civ1", "magistrat", &["civ1"], Some("civ1-ag")).await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let other_chamber = app.user("greffe-cr", "greffier", &["cr"], None).await;

    // Prefilled from the roll: the bench published, this dossier's
    // rapporteur, its avocat général; who sat is not recorded yet.
    let prefilled = app.get(&path, &clerk).await;
    assert_eq!(prefilled.status, StatusCode::OK, "{}", prefilled.json);
    assert_eq!(prefilled.etag(), "\"0\"");
    assert_eq!(prefilled.json["status"], "to_draft");
    let content = prefilled.json["content"].clone();
    let hearing = content["hearing"].as_str().expect("hearing").to_owned();
    let bench: Vec<String> = prefilled.json["hearing"]["published_bench"]
        .as_array()
        .expect("bench")
        .iter()
        .map(|m| m.as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(bench.len(), 2, "an FR bench: president and doyen, the rapporteur beside");
    assert_eq!(content["pourvoi"], "A 26-10.001");
    assert_eq!(content["formation"], "FR");
    assert_eq!(content["rapporteurs"], json!(["civ1-c1"]));
    assert_eq!(content["avocat_general"], "civ1-ag");
    let members: Vec<&str> = content["members"].as_array().expect("members").iter().filter_map(Value::as_str).collect();
    assert!(members.contains(&"civ1-c1") && bench.iter().all(|m| members.contains(&m.as_str())), "{members:?}");
    assert_eq!(
        prefilled.json["outcomes"],
        json!(["rejet", "rejet_non_motive", "cassation", "cassation_partielle", "irrecevabilite"])
    );
    let found = rules(&prefilled.json);
    for rule in ["sitting_record_missing", "notice_late", "incomplete"] {
        assert!(found.iter().any(|r| r == rule), "{rule} in {found:?}");
    }

    // Who sat: the greffier records it; a member neither present nor
    // replaced is refused, naming the field.
    let sitting_path = format!("/hearings/{hearing}/sitting");
    let sitting = app.get(&sitting_path, &clerk).await;
    assert_eq!((sitting.status, sitting.etag()), (StatusCode::OK, "\"0\"".to_owned()), "{}", sitting.json);
    let president_id = sitting.json["published_president"].as_str().expect("president").to_owned();
    let record =
        json!({"president": president_id, "sat": bench, "avocat_general": "civ1-ag", "greffier": "Mme Martin"});
    let by_president = app.write(Method::PUT, &sitting_path, &president, "\"0\"", record.clone()).await;
    assert_eq!(by_president.status, StatusCode::FORBIDDEN, "the greffier records the sitting");
    let half = json!({"president": president_id, "sat": [president_id], "greffier": "Mme Martin"});
    let refused = app.write(Method::PUT, &sitting_path, &clerk, "\"0\"", half).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert_eq!(refused.json["field"], "replacements");
    let journal_before = app.journal_len().await;
    let recorded = app.write(Method::PUT, &sitting_path, &clerk, "\"0\"", record.clone()).await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.json);
    assert_eq!(recorded.etag(), "\"1\"");
    assert_eq!(app.journal_len().await, journal_before + 1, "the sitting is journaled");
    let stale = app.write(Method::PUT, &sitting_path, &clerk, "\"0\"", record).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

    // The notices of the hearing, sent: their tasks done.
    let notices = app.get("/notices?chamber=civ1", &clerk).await;
    for notice in notices.json.as_array().expect("list") {
        if notice["dossier_id"] == id {
            let done = app.post(&format!("/notices/{}/done", notice["id"]), &clerk, json!({})).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.json);
        }
    }

    // The greffier's name now comes from the record; the draft is written.
    let current = app.get(&path, &rapporteur).await;
    assert_eq!(current.status, StatusCode::OK, "the rapporteur reads his decision: {}", current.json);
    assert_eq!(current.json["content"]["greffier"], "Mme Martin");
    assert_eq!(rules(&current.json), ["incomplete"], "{}", current.json["defects"]);
    let mut content = current.json["content"].clone();
    content["visas"] = json!(["l'article 1103 du code civil"]);
    content["grounds"] = json!([{"ground": "Moyen unique, pris de la violation de l'article 1103 du code civil", "answer": "La cour d'appel a souverainement retenu…"}]);
    content["outcome"] = json!("rejet");
    content["operative"] = json!("REJETTE le pourvoi ; condamne M. Dupont aux dépens");
    content["pronouncement"] = json!("2027-01-20");
    content["publication"] = json!(["N"]);
    let saved = app.write(Method::PUT, &path, &rapporteur, "\"0\"", json!({"content": content})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    assert_eq!(saved.etag(), "\"1\"");
    assert_eq!(saved.json["status"], "deliberated");
    assert_eq!(rules(&saved.json), Vec::<String>::new(), "{}", saved.json["defects"]);
    let hash = saved.json["versions"][0]["sha256"].as_str().expect("hash").to_owned();
    assert_eq!(hash.len(), 64);
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await;
    let last = journal.json.as_array().expect("journal").last().cloned().expect("an entry");
    assert_eq!(
        (last["kind"].as_str(), last["payload"]["sha256"].as_str()),
        (Some("decision_saved"), Some(hash.as_str()))
    );

    // A defect introduced is shown with its article: a non-admission is
    // criminal; the outcome's procedure is checked.
    let mut wrong = saved.json["content"].clone();
    wrong["outcome"] = json!("non_admission");
    wrong["pronouncement"] = json!("2027-01-01");
    let flawed = app.write(Method::PUT, &path, &clerk, "\"1\"", json!({"content": wrong})).await;
    assert_eq!(flawed.status, StatusCode::OK, "{}", flawed.json);
    assert_eq!(
        rules(&flawed.json),
        ["outcome_not_of_procedure", "pronouncement_before_hearing", "pronouncement_holiday"]
    );
    assert!(flawed.json["defects"][0]["article"].as_str().unwrap_or("").contains("567-1-1"), "{}", flawed.json);
    let first = app.get(&format!("{path}/versions/1"), &clerk).await;
    assert_eq!((first.status, first.json["outcome"].as_str()), (StatusCode::OK, Some("rejet")), "{}", first.json);

    // Bad input loses nothing: an unknown outcome, a hearing changed.
    let mut unknown = saved.json["content"].clone();
    unknown["outcome"] = json!("cassation_sans_renvoi_partielle");
    let refused = app.write(Method::PUT, &path, &clerk, "\"2\"", json!({"content": unknown})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert!(refused.json["field"].as_str().unwrap_or("").contains("outcome"), "{}", refused.json);
    let mut moved = saved.json["content"].clone();
    moved["hearing_date"] = json!("2027-01-07");
    let refused = app.write(Method::PUT, &path, &clerk, "\"2\"", json!({"content": moved})).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("content.hearing"))
    );
    assert_eq!(app.get(&path, &clerk).await.etag(), "\"2\"", "nothing written");

    // The drafts are the formation's.
    for (who, token) in
        [("the avocat général", &avocat_general), ("the analyst", &analyst), ("another chamber", &other_chamber)]
    {
        assert_eq!(app.get(&path, token).await.status, StatusCode::FORBIDDEN, "{who}");
    }
    let admin = app.admin.clone();
    assert_eq!(app.get(&path, &admin).await.status, StatusCode::FORBIDDEN, "the administrator");
    // A magistrate cannot write himself off the bench he sits on.
    let mut off = saved.json["content"].clone();
    off["rapporteurs"] = json!([]);
    off["members"] = json!(bench);
    let refused = app.write(Method::PUT, &path, &rapporteur, "\"2\"", json!({"content": off})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);

    // The sitting corrected: the doyen was prevented and civ1-c2, recused
    // from this dossier, replaced him. The decision now names someone who
    // did not sit, and the bench that sat breaks the recusal (the planning
    // checker's rule, on the registry's recusals).
    let assessor = bench.iter().find(|m| **m != president_id).expect("an assessor").clone();
    let replaced = json!({
        "president": president_id,
        "sat": [president_id, "civ1-c2"],
        "replacements": [{"absent": assessor, "by": "civ1-c2", "reason": "empêchement (maladie)"}],
        "avocat_general": "civ1-ag",
        "greffier": "Mme Martin",
    });
    let corrected = app.write(Method::PUT, &sitting_path, &clerk, "\"1\"", replaced).await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.json);
    let found = rules(&app.get(&path, &clerk).await.json);
    assert!(found.contains(&"composition_mismatch".to_owned()), "{found:?}");
    assert!(found.contains(&"composition_unlawful".to_owned()), "{found:?}");
}
both_backends!(from_the_roll_to_a_decision_free_of_defects);

/// The heard first dossier of the planning court, its sitting recorded
/// (the greffier: `greffier`), its notices sent: a decision with nothing to
/// correct but its text. Returns the dossier and the bench that sat.
async fn heard_and_recorded(app: &TestApp, clerk: &str, greffier: &str, id: i64) -> (String, Vec<String>) {
    let prefilled = app.get(&format!("/dossiers/{id}/decision"), clerk).await;
    assert_eq!(prefilled.status, StatusCode::OK, "{}", prefilled.json);
    let hearing = prefilled.json["content"]["hearing"].as_str().expect("hearing").to_owned();
    let bench: Vec<String> = prefilled.json["hearing"]["published_bench"]
        .as_array()
        .expect("bench")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let president = prefilled.json["hearing"]["published_president"].as_str().expect("president").to_owned();
    let record = json!({"president": president, "sat": bench, "avocat_general": "civ1-ag", "greffier": greffier});
    let recorded = app.write(Method::PUT, &format!("/hearings/{hearing}/sitting"), clerk, "\"0\"", record).await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.json);
    for notice in app.get("/notices?chamber=civ1", clerk).await.json.as_array().expect("list") {
        if notice["dossier_id"] == id {
            let done = app.post(&format!("/notices/{}/done", notice["id"]), clerk, json!({})).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.json);
        }
    }
    (president, bench)
}

/// The decision's text, complete.
fn complete(mut content: Value, operative: &str) -> Value {
    content["grounds"] = json!([{"ground": "Moyen unique", "answer": "Le moyen n'est pas fondé."}]);
    content["outcome"] = json!("rejet");
    content["operative"] = json!(operative);
    content["pronouncement"] = json!(AFTER);
    content["publication"] = json!(["N"]);
    content
}

async fn the_courts_rules_file_says_which_formations_may_reject_under_1014(app: TestApp) {
    let Published { clerk, dossiers, .. } = published(&app).await;
    let app = after_the_hearings(app);
    let rapporteur = app.user("mag-civ1-c1", "magistrat", &["civ1"], Some("civ1-c1")).await;
    let id = dossiers[0];
    let path = format!("/dossiers/{id}/decision");
    heard_and_recorded(&app, &clerk, "greffe2-civ1", id).await;
    let mut content = complete(app.get(&path, &rapporteur).await.json["content"].clone(), "REJETTE le pourvoi.");
    content["outcome"] = json!("rejet_non_motive");
    // The built-in rules: FR may (the hearing sat in FR).
    let saved = app.write(Method::PUT, &path, &rapporteur, "\"0\"", json!({"content": content})).await;
    assert_eq!(rules(&saved.json), Vec::<String>::new(), "{}", saved.json["defects"]);
    // A court whose rules file gives the 1014 rejection to FS alone: the
    // same decision has a defect, with the file's source, flagged.
    let mut court = greffe_models::decision::DecisionRules::default();
    court.rejection_1014_formations.value = vec![greffe_models::formation::FormationCode::Section];
    court.rejection_1014_formations.source = "délibération de la chambre (art. 1014 CPC)".into();
    let mut state = AppState::new(app.store.clone().with_decision_rules(court));
    state.pinned_day = Some(AFTER.parse().expect("a day"));
    let app = app.with_state(state);
    let read = app.get(&path, &rapporteur).await;
    assert_eq!(rules(&read.json), ["restricted_outcome_formation"], "{}", read.json["defects"]);
    let defect = &read.json["defects"][0];
    assert_eq!(defect["article"], "délibération de la chambre (art. 1014 CPC)");
    assert_eq!(defect["to_confirm"], true);
}
both_backends!(the_courts_rules_file_says_which_formations_may_reject_under_1014);

async fn the_signatories_sign_and_the_signed_decision_verifies_offline(app: TestApp) {
    let Published { president, clerk, dossiers, .. } = published(&app).await;
    let app = after_the_hearings(app);
    let rapporteur = app.user("mag-civ1-c1", "magistrat", &["civ1"], Some("civ1-c1")).await;
    let other = app.user("mag-civ1-c2", "magistrat", &["civ1"], Some("civ1-c2")).await;
    let id = dossiers[0];
    let path = format!("/dossiers/{id}/decision");
    let signatures = format!("{path}/signatures");
    heard_and_recorded(&app, &clerk, "greffe2-civ1", id).await;

    // A version with a defect (no pronouncement date): nobody signs it.
    let mut content = complete(app.get(&path, &rapporteur).await.json["content"].clone(), "REJETTE le pourvoi.");
    content["pronouncement"] = Value::Null;
    let first = app.write(Method::PUT, &path, &rapporteur, "\"0\"", json!({"content": content.clone()})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    let refused = app.call(Method::POST, &signatures, Some(&president), &[("if-match", "\"1\"")], None).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "decision_defects"), "{}", refused.json);
    content["pronouncement"] = json!(AFTER);
    let second = app.write(Method::PUT, &path, &rapporteur, "\"1\"", json!({"content": content.clone()})).await;
    assert_eq!(rules(&second.json), Vec::<String>::new(), "{}", second.json["defects"]);

    // Only the signatories, each his own signature.
    let by_other = app.call(Method::POST, &signatures, Some(&other), &[("if-match", "\"2\"")], None).await;
    assert_eq!(by_other.status, StatusCode::FORBIDDEN, "civ1-c2 did not sit: {}", by_other.json);
    let signed = app.call(Method::POST, &signatures, Some(&president), &[("if-match", "\"2\"")], None).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.json);
    assert_eq!(signed.json["status"], "awaiting_signatures");
    let given: Vec<bool> =
        signed.json["required"].as_array().expect("required").iter().map(|r| r["signed"] == true).collect();
    assert_eq!(given, [true, false, false], "the president's, not yet the rapporteur's nor the greffier's");
    let twice = app.call(Method::POST, &signatures, Some(&president), &[("if-match", "\"2\"")], None).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_done"));

    // A change after a signature voids it, and says so.
    let third = app
        .write(
            Method::PUT,
            &path,
            &rapporteur,
            "\"2\"",
            json!({"content": complete(content.clone(), "REJETTE le pourvoi ; dépens au demandeur.")}),
        )
        .await;
    assert_eq!(third.status, StatusCode::OK, "{}", third.json);
    assert_eq!(third.json["status"], "deliberated");
    let voided = &third.json["signatures"][0];
    assert!(voided["void_reason"].as_str().unwrap_or("").contains("version 3"), "{}", third.json["signatures"]);
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await;
    assert!(journal.json.as_array().expect("journal").iter().any(|e| e["kind"] == "signatures_voided"));

    // What version 3 changed: the operative part alone.
    let changes = app.get(&format!("{path}/versions/3/changes"), &rapporteur).await;
    assert_eq!(changes.status, StatusCode::OK, "{}", changes.json);
    assert_eq!(
        changes.json.as_array().map(|c| c.iter().map(|c| c["field"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("Dispositif")]),
        "{}",
        changes.json
    );
    assert_eq!(changes.json[0]["after"], "REJETTE le pourvoi ; dépens au demandeur.");

    // « Mes dossiers »: the president has this decision to sign, the
    // magistrate who did not sit has nothing of it.
    let mine = |token: String| {
        let app = &app;
        async move {
            let due = app.get("/me/decisions", &token).await;
            assert_eq!(due.status, StatusCode::OK, "{}", due.json);
            due.json.as_array().cloned().unwrap_or_default().into_iter().find(|d| d["dossier_id"] == id)
        }
    };
    let due = mine(president.clone()).await.expect("the president's");
    assert_eq!(
        (due["roles"].clone(), due["signed"].clone(), due["status"].clone()),
        (json!(["president"]), json!(false), json!("deliberated")),
        "{due}"
    );
    assert!(mine(other.clone()).await.is_none(), "civ1-c2 did not sit");

    // All three sign version 3: sealed.
    for token in [&president, &rapporteur, &clerk] {
        let reply = app.call(Method::POST, &signatures, Some(token), &[("if-match", "\"3\"")], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    }
    let sealed = app.get(&path, &clerk).await;
    assert_eq!(sealed.json["status"], "signed");
    let due = mine(president.clone()).await.expect("until rendered");
    assert_eq!((due["signed"].clone(), due["status"].clone()), (json!(true), json!("signed")), "{due}");
    // Sealed at the last signature: the arrêt kept, its hash journaled.
    let pdf_sha256 = sealed.json["seal"]["pdf_sha256"].as_str().expect("sealed").to_owned();
    assert_eq!(sealed.json["seal"]["version"], 3);
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await.json;
    let entry = journal.as_array().expect("journal").iter().find(|e| e["kind"] == "decision_sealed").cloned();
    assert_eq!(entry.map(|e| e["payload"]["pdf_sha256"].clone()), Some(json!(pdf_sha256)), "{journal}");
    // The arrêt: to the formation and the greffe, not to a magistrate of
    // the chamber who did not sit, nor to the analyst.
    let arret = app.call(Method::GET, &format!("{path}/arret.pdf"), Some(&clerk), &[], None).await;
    assert_eq!(arret.status, StatusCode::OK);
    assert!(arret.bytes.starts_with(b"%PDF-"));
    assert_eq!(greffe_models::signature::hex(&<sha2::Sha256 as sha2::Digest>::digest(&arret.bytes)), pdf_sha256);
    let analyst = app.user("analyste-arret", "analyste", &["*"], None).await;
    for outsider in [&other, &analyst] {
        let refused = app.call(Method::GET, &format!("{path}/arret.pdf"), Some(outsider), &[], None).await;
        assert!(matches!(refused.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", refused.status);
    }
    let again =
        app.write(Method::PUT, &path, &rapporteur, "\"3\"", json!({"content": complete(content, "CASSE")})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "forbidden_transition"), "sealed");

    // Offline: the file and the public keys verify; a tampered copy does not.
    let bundle = app.get(&format!("{path}/signed"), &clerk).await;
    assert_eq!(bundle.status, StatusCode::OK, "{}", bundle.json);
    assert_eq!(bundle.json["signatures"].as_array().map(Vec::len), Some(3));
    let keys = app.get("/signing-keys", &rapporteur).await;
    assert_eq!(keys.json.as_object().map(|k| k.len()), Some(4), "three signers and the seal: {}", keys.json);
    let dir = tempfile::tempdir().expect("directory");
    let (file, keys_file) = (dir.path().join("decision.json"), dir.path().join("cles.json"));
    // `greffe decision verify FILE --keys cles.json`, offline.
    let verify = |path: &std::path::Path| {
        crate::helpers::greffe(&["decision", "verify", &path.to_string_lossy(), "--keys", &keys_file.to_string_lossy()])
    };
    std::fs::write(&file, bundle.json.to_string()).expect("written");
    std::fs::write(&keys_file, keys.json.to_string()).expect("written");
    let run = verify(&file);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(run.out.contains("vérifiée") && run.out.matches("signature valide").count() == 3, "{}", run.out);
    let mut tampered = bundle.json.clone();
    tampered["content"]["operative"] = json!("CASSE ET ANNULE");
    std::fs::write(&file, tampered.to_string()).expect("written");
    let run = verify(&file);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains("NON VÉRIFIÉE") && run.err.contains("modifié"), "{}", run.err);
    // The sealed arrêt verifies; one byte changed anywhere, and it does not.
    let pdf_file = dir.path().join("arret.pdf");
    std::fs::write(&pdf_file, &arret.bytes).expect("written");
    let run = verify(&pdf_file);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(run.out.contains(&format!("dossier {id}, version 3")) && run.out.contains("PDF intact"), "{}", run.out);
    let mut tampered_pdf = arret.bytes.clone();
    let middle = tampered_pdf.len() / 2;
    tampered_pdf[middle] ^= 0x01;
    std::fs::write(&pdf_file, &tampered_pdf).expect("written");
    let run = verify(&pdf_file);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains("NON VÉRIFIÉ") && run.err.contains("modifié après son scellement"), "{}", run.err);
    // Keys that are not an object of keys: refused as such, naming the file.
    std::fs::write(&keys_file, "[1, 2]").expect("written");
    let run = verify(&file);
    assert_eq!(run.code, 2, "{}{}", run.out, run.err);
    assert!(run.err.contains("clés publiques illisibles") && run.err.contains("cles.json"), "{}", run.err);

    // Rendered on its pronouncement date, never before: the dossier
    // decided, its deadlines closed by the arrêt in the journal.
    let pronounced: greffe_models::Date = AFTER.parse().expect("a day");
    let early = app.store.render_due_decisions(pronounced - chrono::Duration::days(1)).await.expect("pass");
    assert_eq!(early, greffe_store::decision_signatures::Rendering::default(), "not before its date");
    assert_eq!(app.get(&format!("/dossiers/{id}"), &clerk).await.json["status"], "heard", "in deliberation");
    let notifications = async || {
        let tasks = app.store.notice_tasks("civ1").await.expect("tasks");
        let mut rows = Vec::new();
        for task in tasks.iter().filter(|t| t.kind == "decision_notice" && t.dossier_id == id) {
            rows.extend(app.store.outbox_of_task(task.id).await.expect("rows"));
        }
        rows
    };
    assert!(notifications().await.is_empty(), "no notification before the pronouncement");
    let done = app.store.render_due_decisions(pronounced).await.expect("pass");
    assert_eq!(done.rendered, [id]);
    let dossier = app.get(&format!("/dossiers/{id}"), &clerk).await.json;
    assert_eq!(
        (dossier["status"].as_str(), dossier["decision"]["solution"].as_str()),
        (Some("decided"), Some("rejet"))
    );
    assert_eq!(
        (dossier["decision"]["formation"].as_str(), dossier["decision"]["decided_on"].as_str()),
        (Some("f"), Some(AFTER))
    );
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await.json;
    let last = journal.as_array().expect("journal").last().cloned().expect("an entry");
    assert_eq!(
        (last["kind"].as_str(), last["actor"].as_str()),
        (Some("arret"), Some(greffe_store::decision_signatures::RENDERER))
    );
    assert_eq!(app.get(&path, &clerk).await.json["status"], "rendered");
    // Its notification queued to the parties: the sealed arrêt itself.
    let rows = notifications().await;
    assert!(!rows.is_empty(), "a notification to each party's lawyer or the party");
    for row in &rows {
        assert_eq!(row.document, "notification_arret");
        assert_eq!(row.document_sha256.as_deref(), Some(pdf_sha256.as_str()), "the sealed bytes");
    }
    assert_eq!(app.store.render_due_decisions(pronounced).await.expect("pass"), Default::default(), "once");
}
both_backends!(the_signatories_sign_and_the_signed_decision_verifies_offline);
