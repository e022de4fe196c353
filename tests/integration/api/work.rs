//! The magistrates' work documents over HTTP on SQLite and PostgreSQL:
//! filed in versions by their authors alone, each kind read by whom the
//! law allows (the opinion and the drafts by the formation only), kept
//! with their PDF, journaled without their text, and moving readiness.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::app::{TestApp, both_backends, civil_dossier};
use super::plans::{Published, published};

fn report() -> Value {
    json!({"title": "Rapport", "visas": ["l'article 1231-1 du code civil"],
           "grounds": [{"ground": "Le moyen fait grief à l'arrêt de retenir la faute…",
                        "answer": "La question est celle de l'appréciation souveraine des juges du fond."}],
           "body": "Faits et procédure.\nLa société a assigné…"})
}

fn draft(solution: &str, operative: &str) -> Value {
    json!({"title": format!("Projet : {solution}"), "proposed": solution, "operative": operative,
           "grounds": [{"ground": "Le moyen fait grief à l'arrêt de retenir la faute…",
                        "answer": "SECRET DU DÉLIBÉRÉ : la cour d'appel a souverainement retenu…"}]})
}

fn kinds(folder: &Value) -> Vec<String> {
    folder["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| format!("{}/{}", d["kind"].as_str().unwrap_or(""), d["number"]))
        .collect()
}

async fn each_work_document_is_read_by_whom_the_law_allows(app: TestApp) {
    let Published { president, clerk, dossiers, draft: plan, .. } = published(&app).await;
    let id = dossiers[0];
    let base = format!("/dossiers/{id}/work");
    let rapporteur = app.user("mag-civ1-c1", "magistrat", &["civ1"], Some("civ1-c1")).await;
    let avocat_general = app.user("ag-civ1", "magistrat", &["civ1"], Some("civ1-ag")).await;
    let analyst = app.user("analyste", "analyste", &["*"], None).await;
    let other_chamber = app.user("greffe-cr", "greffier", &["cr"], None).await;
    // A member of the bench of the dossier's hearing, and a conseiller of
    // the chamber who does not sit on it.
    let assignments = plan.json["plan"]["assignments"].as_array().expect("assignments");
    let key = id.to_string();
    let hearing = assignments.iter().find(|a| a["dossier"] == key.as_str()).expect("on the roll")["hearing"].clone();
    let benches = plan.json["plan"]["benches"].as_array().expect("benches");
    let bench: Vec<&str> = benches.iter().find(|b| b["hearing"] == hearing).expect("bench")["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let sitting = bench.iter().find(|m| **m != "civ1-c1" && **m != "civ1-p").expect("a member besides the president");
    let member = app.user("mag-bench", "magistrat", &["civ1"], Some(sitting)).await;
    let away = ["civ1-c2", "civ1-c3", "civ1-c4"].into_iter().find(|m| !bench.contains(m)).expect("one off the bench");
    let outsider = app.user("mag-away", "magistrat", &["civ1"], Some(away)).await;

    // Each author files what he writes.
    let folder = app.get(&base, &rapporteur).await;
    assert_eq!(folder.status, StatusCode::OK, "{}", folder.json);
    assert_eq!(folder.json["may_file"], json!(["rapport", "avis_rapporteur", "projet"]));
    assert_eq!(app.get(&base, &avocat_general).await.json["may_file"], json!(["avis_avocat_general"]));
    assert_eq!(app.get(&base, &member).await.json["may_file"], json!([]));
    let start = app.get(&format!("{base}/rapport"), &rapporteur).await;
    assert_eq!((start.status, start.json["number"].as_i64()), (StatusCode::OK, Some(1)), "{}", start.json);
    assert_eq!(start.json["content"]["parties"][0]["name"], "M. Dupont", "{}", start.json);
    assert_eq!(app.get(&format!("{base}/rapport"), &avocat_general).await.status, StatusCode::FORBIDDEN);

    // The report: refused empty, naming the field; by anyone but its
    // author; then filed and re-filed in versions.
    let path = format!("{base}/rapport/1");
    let empty = app.write(Method::PUT, &path, &rapporteur, "\"0\"", json!({"title": "Rapport"})).await;
    assert_eq!(
        (empty.status, empty.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("content.grounds"))
    );
    let by_ag = app.write(Method::PUT, &path, &avocat_general, "\"0\"", report()).await;
    assert_eq!(by_ag.status, StatusCode::FORBIDDEN, "{}", by_ag.json);
    let journal = app.journal_len().await;
    let filed = app.write(Method::PUT, &path, &rapporteur, "\"0\"", report()).await;
    assert_eq!((filed.status, filed.etag()), (StatusCode::OK, "\"1\"".to_owned()), "{}", filed.json);
    assert_eq!(app.journal_len().await, journal + 1, "one journal entry per filing");
    let stale = app.write(Method::PUT, &path, &rapporteur, "\"0\"", report()).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let mut revised = report();
    revised["body"] = json!("Faits et procédure, complétés.");
    let second = app.write(Method::PUT, &path, &rapporteur, "\"1\"", revised).await;
    assert_eq!((second.status, second.etag()), (StatusCode::OK, "\"2\"".to_owned()), "{}", second.json);
    assert_eq!(second.json["versions"].as_array().map(Vec::len), Some(2));
    assert_eq!(second.json["versions"][0]["author"], "civ1-c1");
    assert_eq!(second.json["content"]["parties"][1]["name"], "SCI Les Tilleuls", "written without: the record's");

    // Drafts, numbered: the next one starts from the report's grounds.
    let start = app.get(&format!("{base}/projet"), &rapporteur).await;
    assert_eq!(start.json["number"], 1);
    assert_eq!(start.json["content"]["grounds"][0]["ground"], report()["grounds"][0]["ground"], "{}", start.json);
    assert_eq!(start.json["content"]["grounds"][0]["answer"], "", "the answer is the draft's own");
    let rejet = draft("rejet", "REJETTE le pourvoi ;\nCondamne M. Dupont aux dépens.");
    let first = app.write(Method::PUT, &format!("{base}/projet/1"), &rapporteur, "\"0\"", rejet).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(app.get(&format!("{base}/projet"), &rapporteur).await.json["number"], 2);
    let cassation = draft("cassation", "CASSE ET ANNULE l'arrêt attaqué.");
    let skipped = app.write(Method::PUT, &format!("{base}/projet/3"), &rapporteur, "\"0\"", cassation.clone()).await;
    assert_eq!((skipped.status, skipped.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("number")));
    let criminal = draft("non_admission", "DÉCLARE non admis");
    let refused = app.write(Method::PUT, &format!("{base}/projet/2"), &rapporteur, "\"0\"", criminal).await;
    assert_eq!(refused.json["field"], "content.proposed", "a criminal outcome in a civil dossier: {}", refused.json);
    let second = app.write(Method::PUT, &format!("{base}/projet/2"), &rapporteur, "\"0\"", cassation).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.json);
    let opinion = json!({"title": "Avis", "proposed": "rejet", "body": "SECRET DU DÉLIBÉRÉ : avis de rejet."});
    let avis = app.write(Method::PUT, &format!("{base}/avis_rapporteur/1"), &rapporteur, "\"0\"", opinion).await;
    assert_eq!(avis.status, StatusCode::OK, "{}", avis.json);
    let conclusions = json!({"title": "Avis de l'avocat général", "proposed": "rejet", "body": "Avis de rejet."});
    let ag =
        app.write(Method::PUT, &format!("{base}/avis_avocat_general/1"), &avocat_general, "\"0\"", conclusions).await;
    assert_eq!(ag.status, StatusCode::OK, "{}", ag.json);

    // What the parties read is communicated to their lawyers as filed,
    // version by version — the report's two, the avocat général's opinion —
    // under no hearing, carrying the very PDF filed; never the
    // rapporteur's opinion nor a draft.
    let notices = app.get("/notices?chamber=civ1", &clerk).await.json;
    let communicated: Vec<&Value> = notices
        .as_array()
        .expect("notices")
        .iter()
        .filter(|t| t["dossier_id"] == id && t["kind"] == "work_notice")
        .collect();
    let labels: Vec<&str> = communicated.iter().filter_map(|t| t["label"].as_str()).collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    for what in [
        "rapport du conseiller rapporteur, version 1",
        "rapport du conseiller rapporteur, version 2",
        "avis de l'avocat général, version 1",
    ] {
        assert!(labels.iter().any(|l| l.contains(what)), "{what}: {labels:?}");
    }
    assert!(communicated.iter().all(|t| t["hearing_id"].is_null() && t["plan_id"].is_null()), "{communicated:?}");
    let report_versions = app.get(&format!("{base}/rapport/1"), &rapporteur).await.json;
    let last_pdf = report_versions["versions"][0]["pdf_sha256"].clone();
    let task =
        communicated.iter().find(|t| t["label"].as_str().unwrap_or("").contains("rapporteur, version 2")).expect("v2");
    assert_eq!(task["document_sha256"], last_pdf, "the PDF filed: {task}");
    let rows = app.get(&format!("/notices/{}/outbox", task["id"]), &clerk).await.json;
    let rows = rows.as_array().expect("rows");
    assert!(
        !rows.is_empty()
            && rows.iter().all(|r| r["document_sha256"] == last_pdf && r["document"] == "communication_travail"),
        "{rows:?}"
    );
    let pdf = app.call(Method::GET, &format!("/notices/{}/avis.pdf", task["id"]), Some(&clerk), &[], None).await;
    let filed_pdf =
        app.call(Method::GET, &format!("{base}/rapport/1/versions/2/pdf"), Some(&rapporteur), &[], None).await;
    assert_eq!((pdf.status, filed_pdf.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(pdf.bytes, filed_pdf.bytes, "the notice is the report as filed");

    // Who reads what: the formation everything; the avocat général, the
    // greffe, the report and the avocat général's opinion only; a
    // conseiller off the bench nothing; the analyst, the administrator and
    // another chamber not even the list.
    let all = ["rapport/1", "avis_rapporteur/1", "projet/1", "projet/2", "avis_avocat_general/1"];
    let public = ["rapport/1", "avis_avocat_general/1"];
    for (who, token, expected) in [
        ("rapporteur", &rapporteur, &all[..]),
        ("bench member", &member, &all[..]),
        ("chamber president", &president, &all[..]),
        ("avocat général", &avocat_general, &public[..]),
        ("greffier", &clerk, &public[..]),
        ("conseiller off the bench", &outsider, &[][..]),
    ] {
        let folder = app.get(&base, token).await;
        assert_eq!(folder.status, StatusCode::OK, "{who}: {}", folder.json);
        assert_eq!(kinds(&folder.json), expected, "{who}");
        for slot in all {
            let read = app.get(&format!("{base}/{slot}"), token).await;
            let pdf = app.get(&format!("{base}/{slot}/versions/1/pdf"), token).await;
            let allowed = expected.contains(&slot);
            let status = if allowed { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!((read.status, pdf.status), (status, status), "{who} reading {slot}: {}", read.json);
            if allowed {
                assert!(pdf.bytes.starts_with(b"%PDF-"), "{who}: {slot} is a PDF");
                let kept = read.json["versions"].as_array().and_then(|v| v.last()).expect("first version");
                let sha = Sha256::digest(&pdf.bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
                assert_eq!(kept["pdf_sha256"], sha, "{slot}: the PDF filed with the version");
            } else {
                assert!(read.json["message"].as_str().unwrap_or("").contains("lisible"), "{}", read.json);
            }
        }
    }
    for (who, token) in [("analyst", &analyst), ("administrator", &app.admin), ("other chamber", &other_chamber)] {
        assert_eq!(app.get(&base, token).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.get(&format!("{base}/projet/1"), token).await.status, StatusCode::FORBIDDEN, "{who}");
    }

    // The journal: the report and the avocat général's opinion as their
    // procedural events, the others by their hash; no text of the
    // deliberation in it, whoever reads the journal.
    let journal = app.get(&format!("/dossiers/{id}/journal"), &clerk).await;
    assert_eq!(journal.status, StatusCode::OK, "{}", journal.json);
    let entries = journal.json.as_array().expect("entries");
    let count = |kind: &str| entries.iter().filter(|e| e["kind"] == kind).count();
    assert_eq!(count("work_filed"), 3, "the opinion and the two drafts");
    assert_eq!(count("avis_avocat_general"), 2, "the planning court's, and the one filed here");
    assert_eq!(count("depot_rapport"), 3, "the planning court's, and two versions");
    assert!(!journal.json.to_string().contains("SECRET DU DÉLIBÉRÉ"), "the journal holds no draft text");
}
both_backends!(each_work_document_is_read_by_whom_the_law_allows);

/// Filing the report is the procedural event readiness reads: a dossier
/// whose report was missing enters the planning instance, ready that day.
async fn filing_the_report_makes_the_dossier_ready(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let president = app.user("pres-civ1", "president_chambre", &["civ1"], Some("civ1-p")).await;
    let rapporteur = app.user("mag-civ1-c1", "magistrat", &["civ1"], Some("civ1-c1")).await;
    let mut record = civil_dossier("D 26-10.004");
    record["circuit"] = json!("court");
    let reply = app.post("/dossiers", &clerk, record).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    let id = reply.json["id"].as_i64().expect("id");
    let mut etag = reply.etag();
    for (kind, date, party) in
        [("depot_memoire_ampliatif", "2026-06-30", Some("demandeur")), ("avis_avocat_general", "2026-10-15", None)]
    {
        let mut event = json!({"type": kind, "date": date});
        if let Some(party) = party {
            event["party"] = json!(party);
        }
        let reply = app.write(Method::POST, &format!("/dossiers/{id}/events"), &clerk, &etag, event).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{kind}: {}", reply.json);
        etag = reply.etag();
    }
    for status in ["routed", "in_instruction"] {
        let reply =
            app.write(Method::POST, &format!("/dossiers/{id}/status"), &clerk, &etag, json!({"status": status})).await;
        assert_eq!(reply.status, StatusCode::OK, "{status}: {}", reply.json);
        etag = reply.etag();
    }
    let horizon = "/chambers/civ1/instance?start=2027-01-04&end=2027-01-15&publication=2026-12-01";
    let key = id.to_string();
    let ready = |instance: &Value| {
        instance["instance"]["dossiers"]
            .as_array()
            .expect("dossiers")
            .iter()
            .find(|d| d["id"] == key.as_str())
            .map(|d| d["ready_date"].as_str().unwrap_or("").to_owned())
    };
    // What the rapporteur has to file: this report; the avocat général's
    // opinion is in the journal, so nothing is due of him here.
    let due = |reply: &super::app::Reply| {
        reply
            .json
            .as_array()
            .expect("list")
            .iter()
            .filter(|d| d["dossier_id"] == id)
            .map(|d| d["kind"].as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    let avocat_general = app.user("ag-civ1", "magistrat", &["civ1"], Some("civ1-ag")).await;
    assert_eq!(due(&app.get("/me/work", &rapporteur).await), ["rapport"]);
    assert!(due(&app.get("/me/work", &avocat_general).await).is_empty());
    assert_eq!(app.get("/me/work", &clerk).await.status, StatusCode::FORBIDDEN, "the greffe files none");
    let before = app.get(horizon, &president).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.json);
    assert_eq!(ready(&before.json), None, "no report: not ready");
    assert!(before.json["excluded"].to_string().contains("pas en état"), "{}", before.json["excluded"]);
    let filed = app.write(Method::PUT, &format!("/dossiers/{id}/work/rapport/1"), &rapporteur, "\"0\"", report()).await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.json);
    let dossier = app.get(&format!("/dossiers/{id}"), &clerk).await;
    assert_ne!(dossier.etag(), etag, "the dossier changed: its ETag moves");
    let after = app.get(horizon, &president).await;
    assert!(!after.json["excluded"].to_string().contains("D 26-10.004"), "{}", after.json["excluded"]);
    let today = filed.json["versions"][0]["filed_on"].as_str().expect("filed on").to_owned();
    assert_eq!(ready(&after.json), Some(today), "ready the day its report is filed");
    assert!(due(&app.get("/me/work", &rapporteur).await).is_empty(), "the report is filed");
}
both_backends!(filing_the_report_makes_the_dossier_ready);
