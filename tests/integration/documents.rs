//! Documents as PDF/A-2b: the same bytes for the same data, the text a
//! reader extracts (`pdftotext`, poppler-utils), the PDF/A-2b claim and
//! the embedded fonts (`pdfinfo -meta`, `pdffonts`); over the API and the
//! command line, each read as the JSON view of the same thing; a court's
//! template with an unknown field refused by template, line and field.

use std::process::Command;

use axum::http::StatusCode;
use greffe_api::AppState;
use greffe_store::sessions::SignIn;
use tower::ServiceExt;

use crate::helpers::greffe;
use crate::portal::{PASSWORD, Served};

/// poppler-utils' tools, or `None` (the test says it skips) when
/// `scripts/install-deps --tests` could not install them.
pub(crate) fn poppler() -> Option<()> {
    let present = Command::new("pdftotext").arg("-v").output().is_ok();
    if !present {
        eprintln!("poppler-utils absent (scripts/install-deps --tests) : vérification du texte des PDF sautée");
    }
    present.then_some(())
}

fn tool(name: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).expect("write");
    let mut command = Command::new(name);
    command.args(args).arg(&path);
    if name == "pdftotext" {
        command.arg("-");
    }
    let output = command.output().expect("poppler runs");
    assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    // Typst sets typographic apostrophes: compared as typed.
    String::from_utf8_lossy(&output.stdout).replace('’', "'")
}

/// The text of `pdf` as a reader extracts it.
pub(crate) fn text_of(pdf: &[u8]) -> String {
    tool("pdftotext", &[], pdf)
}

/// What a PDF/A-2b reader checks: the identification in the metadata, and
/// every font embedded.
fn assert_pdf_a(pdf: &[u8]) {
    let meta = tool("pdfinfo", &["-meta"], pdf);
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "{meta}");
    assert!(meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "{meta}");
    assert!(meta.contains("Cour de cassation — greffe"), "the author: {meta}");
    let fonts = tool("pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name, type…, encoding, emb, sub, uni, object, generation
        assert_eq!(columns[columns.len() - 5], "yes", "embedded: {row}");
    }
}

#[test]
fn a_sample_is_the_same_file_twice_says_what_it_should_and_is_pdf_a() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
    for out in [&a, &b] {
        let run = greffe(&["document", "sample", "--kind", "role-audience", "--out", out.to_str().expect("path")]);
        assert_eq!(run.code, 0, "{}", run.err);
    }
    let (first, second) = (std::fs::read(&a).expect("pdf"), std::fs::read(&b).expect("pdf"));
    assert_eq!(first, second, "the same data and templates give the same bytes");
    if poppler().is_none() {
        return;
    }
    let text = tool("pdftotext", &["-layout"], &first);
    for expected in ["RÔLE D'AUDIENCE", "Y 25-10.034", "M. Paul Lefèvre", "2 dossier(s) au rôle"] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert_pdf_a(&first);
}

/// After an avenant, the notice to the lawyers is a letter of its own: the
/// dossier withdrawn from a hearing's roll, or the hearing's new bench —
/// never an avis d'audience, and without the article of the notice period.
#[test]
fn a_withdrawal_and_a_change_of_composition_are_letters_of_their_own() {
    use greffe_documents::{Kind, Meta, Renderer, Templates, sample};
    let renderer = Renderer::new(Templates::embedded());
    let meta = Meta { ident: "t".into(), date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("day") };
    let mut data = sample(Kind::AvisAudience);
    data["fondement"] = serde_json::json!("l'article 1011 du code de procédure civile");
    let audience = renderer.render(Kind::AvisAudience, &data, &meta).expect("renders");
    data["fondement"] = serde_json::Value::Null;
    data["motif"] = serde_json::json!("retrait");
    let withdrawal = renderer.render(Kind::AvisAudience, &data, &meta).expect("renders");
    data["motif"] = serde_json::json!("composition");
    data["composition"] = serde_json::json!(["Mme Anne Roux, président", "M. Paul Lefèvre", "Mme Sophie Blanc"]);
    let composition = renderer.render(Kind::AvisAudience, &data, &meta).expect("renders");
    if poppler().is_none() {
        return;
    }
    let flat = |pdf: &[u8]| text_of(pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    let (audience, withdrawal, composition) = (flat(&audience), flat(&withdrawal), flat(&composition));
    assert!(audience.contains("AVIS D'AUDIENCE") && audience.contains("sera appelée"), "{audience}");
    assert!(withdrawal.contains("AVIS DE RETRAIT DU RÔLE"), "{withdrawal}");
    assert!(
        withdrawal.contains("est retirée du rôle de cette audience")
            && !withdrawal.contains("sera appelée à l'audience")
    );
    assert!(composition.contains("AVIS DE CHANGEMENT DE COMPOSITION"), "{composition}");
    assert!(
        composition.contains("Mme Anne Roux, président, M. Paul Lefèvre et Mme Sophie Blanc"),
        "the new bench, president first: {composition}"
    );
    for letter in [&withdrawal, &composition] {
        assert!(letter.contains("Y 25-10.034") && letter.contains("SCP Durand et associés"), "{letter}");
        assert!(!letter.contains("article 1011"), "no notice period after an avenant: {letter}");
    }
}

#[test]
fn a_court_template_with_an_unknown_field_is_refused_by_template_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let listed = greffe(&["document", "templates", "--out", dir.path().to_str().expect("path")]);
    assert_eq!(listed.code, 0, "{}", listed.err);
    assert!(listed.out.contains("avis_audience.typ") && listed.out.contains("commun.typ"), "{}", listed.out);
    let template = dir.path().join("certificat_non_pourvoi.typ");
    let mut text = std::fs::read_to_string(&template).expect("greffe's template written");
    text.push_str("\nRéférence interne : #d.dossier_interne\n");
    let line = text.lines().count();
    std::fs::write(&template, text).expect("write");
    let out = dir.path().join("x.pdf");
    let run = greffe(&[
        "document",
        "sample",
        "--kind",
        "certificat-non-pourvoi",
        "--templates",
        dir.path().to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ]);
    assert_ne!(run.code, 0);
    assert!(
        run.err.contains(&format!("modèle « certificat_non_pourvoi.typ », ligne {line} : champ « dossier_interne »")),
        "{}",
        run.err
    );
    assert!(!out.exists(), "nothing written");
    // The service refuses to start on it, saying the same.
    let checked = greffe(&["serve", "--check-config", "--templates", dir.path().to_str().expect("path")]);
    assert_eq!(checked.code, 2, "{}", checked.out);
    assert!(checked.err.contains("dossier_interne"), "{}", checked.err);
    // An unknown template name is refused, naming the known ones.
    std::fs::remove_file(&template).expect("remove");
    std::fs::write(dir.path().join("avis.typ"), "x").expect("write");
    let run = greffe(&["serve", "--check-config", "--templates", dir.path().to_str().expect("path")]);
    assert!(run.err.contains("nom de modèle inconnu") && run.err.contains("avis_audience.typ"), "{}", run.err);
}

/// Over the API and the portal: a published plan's avis d'audience names
/// the pourvoi, the hearing and each lawyer; the hearing's roll; a
/// certificate for an issued request and a refusal for a refused one; a
/// clerk of another chamber does not see the notice.
#[tokio::test]
async fn the_published_plans_documents_over_the_api_and_the_portal() {
    let served = Served::start(true).await;
    let store = served.store.clone();
    let app = greffe_api::api::router(AppState::new(store.clone()));
    let token = |id: &'static str, chamber: &'static str| {
        let store = store.clone();
        async move {
            let user = greffe_store::users::NewUser {
                id: id.into(),
                name: id.into(),
                role: greffe_store::users::UserRole::Greffier,
                chambers: vec![chamber.into()],
                magistrate: None,
            };
            store.create_user("test", user).await.expect("user").token
        }
    };
    let (civ1, soc) = (token("doc-civ1", "civ1").await, token("doc-soc", "soc").await);
    let get = |uri: String, token: String| {
        let app = app.clone();
        async move {
            let request = axum::http::Request::get(uri)
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .expect("request");
            let reply = app.oneshot(request).await.expect("answer");
            let status = reply.status();
            let kind = reply.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let body = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body").to_vec();
            (status, kind, body)
        }
    };
    let tasks = store.notice_tasks("civ1").await.expect("tasks");
    let task = tasks.iter().find(|t| t.kind == "send_notice").expect("a notice to send");
    let (status, kind, pdf) = get(format!("/notices/{}/avis.pdf", task.id), civ1.clone()).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(kind, "application/pdf");
    let (status, _, _) = get(format!("/notices/{}/avis.pdf", task.id), soc.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another chamber's clerk: as if it did not exist");
    let (status, _, _) =
        get(format!("/hearings/{}/roll.pdf", task.hearing_id.as_deref().expect("a hearing's notice")), civ1.clone())
            .await;
    assert_eq!(status, StatusCode::OK);
    let dossier = store.dossier(task.dossier_id).await.expect("dossier");
    if poppler().is_some() {
        let text = tool("pdftotext", &[], &pdf);
        assert!(text.contains(&dossier.record.pourvoi), "{text}");
        for party in &dossier.record.parties {
            assert!(text.contains(&party.name), "{} named: {text}", party.name);
            if let Some(lawyer) = &party.lawyer {
                assert!(text.contains(lawyer), "a letter to {lawyer}: {text}");
            }
        }
        assert!(!text.contains("en application de"), "no article is cited while the rule is to confirm: {text}");
        assert_pdf_a(&pdf);
    }
    // The hearing's composition notice: a page to each magistrate of the
    // published bench, the roll on each.
    let (status, kind, composition) = get(
        format!("/hearings/{}/composition.pdf", task.hearing_id.as_deref().expect("a hearing's notice")),
        civ1.clone(),
    )
    .await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "application/pdf"),
        "{}",
        String::from_utf8_lossy(&composition)
    );
    if poppler().is_some() {
        let roll = store.roll(task.hearing_id.as_deref().expect("a hearing's notice")).await.expect("roll");
        let text = tool("pdftotext", &[], &composition);
        assert!(text.contains("AVIS DE COMPOSITION"), "{text}");
        for seat in &roll.bench {
            assert!(text.contains(&seat.name), "{} named: {text}", seat.name);
        }
        let info = tool("pdfinfo", &[], &composition);
        let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).map(|n| n.trim().to_owned());
        assert_eq!(pages, Some(roll.bench.len().to_string()), "a page per magistrate: {info}");
        assert_pdf_a(&composition);
    }
    // The dossier's journal as an extract: every entry, the chain's last
    // hash; read by whoever reads the dossier.
    let (status, kind, extract) = get(format!("/dossiers/{}/journal.pdf", task.dossier_id), civ1.clone()).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&extract));
    assert_eq!(kind, "application/pdf");
    let (status, _, _) = get(format!("/dossiers/{}/journal.pdf", task.dossier_id), soc.clone()).await;
    let (as_json, _, _) = get(format!("/dossiers/{}/journal", task.dossier_id), soc.clone()).await;
    assert_eq!(
        (status, as_json),
        (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
        "another chamber's clerk, as the journal"
    );
    if poppler().is_some() {
        let journal = store.dossier_journal(task.dossier_id).await.expect("journal");
        let text = tool("pdftotext", &[], &extract).replace('\n', " ");
        assert!(text.contains("EXTRAIT DU JOURNAL") && text.contains(&dossier.record.pourvoi), "{text}");
        let last = journal.last().expect("entries");
        assert!(text.contains(&last.hash[..16]), "the last hash: {text}");
        for entry in &journal {
            assert!(text.contains(&entry.seq.to_string()), "entry {} listed: {text}", entry.seq);
        }
        assert_pdf_a(&extract);
    }
    // Certificates: an issued request's, and a refusal for a pourvoi found.
    let issued = store
        .answer_cnp(
            "test",
            greffe_store::cnp::CnpInput {
                court: Some("cour d'appel de Rennes".into()),
                decision_date: Some("2026-03-12".into()),
                docket: Some("25/00001".into()),
                parties: vec!["M. Aucun Pourvoi".into(), "Société Néant".into()],
                nature: Some("civil".into()),
                requester: Some("M. Aucun Pourvoi".into()),
            },
        )
        .await
        .expect("answered");
    let (status, _, certificate) = get(format!("/cnp/{}/certificate.pdf", issued.id), civ1.clone()).await;
    assert_eq!(status, StatusCode::OK, "{:?} {}", issued.outcome, String::from_utf8_lossy(&certificate));
    if poppler().is_some() {
        let text = tool("pdftotext", &[], &certificate);
        assert!(text.contains("cour d'appel de Rennes") && text.contains("25/00001"), "{text}");
    }
    let attacked = &dossier.record.attacked;
    let refused = store
        .answer_cnp(
            "test",
            greffe_store::cnp::CnpInput {
                court: Some(attacked.court.clone()),
                decision_date: Some(attacked.date.clone()),
                docket: Some(attacked.docket.clone()),
                parties: dossier.record.parties.iter().map(|p| p.name.clone()).collect(),
                nature: Some("civil".into()),
                requester: None,
            },
        )
        .await
        .expect("answered");
    let (status, _, body) = get(format!("/cnp/{}/certificate.pdf", refused.id), civ1.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{:?}", refused.outcome);
    assert!(String::from_utf8_lossy(&body).contains("n'a pas donné lieu à un certificat"));
    // A name no embedded font prints, kept before the text rule refused
    // such names at the door (models::text), or written to the store
    // directly: refused by field, not a server error.
    let foreign = store
        .answer_cnp(
            "test",
            greffe_store::cnp::CnpInput {
                court: Some("cour d'appel de Rennes".into()),
                decision_date: Some("2026-03-13".into()),
                docket: Some("25/00002".into()),
                parties: vec!["Société 测试".into(), "M. Aucun".into()],
                nature: Some("civil".into()),
                requester: None,
            },
        )
        .await
        .expect("answered");
    let (status, _, body) = get(format!("/cnp/{}/certificate.pdf", foreign.id), civ1.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", foreign.outcome);
    let problem: serde_json::Value = serde_json::from_slice(&body).expect("a problem");
    assert_eq!(problem["field"], "parties[0]", "{problem}");
    assert!(problem["message"].as_str().unwrap_or_default().contains("U+6D4B"), "{problem}");
    // The portal serves the same documents under the session.
    let SignIn::Granted { token, .. } = store.sign_in("greffe-civ1", PASSWORD).await.expect("sign-in") else {
        panic!("signed in")
    };
    for uri in [
        format!("/portail/avis/{}.pdf", task.id),
        format!("/portail/audiences/{}/role.pdf", task.hearing_id.as_deref().expect("a hearing's notice")),
        format!("/portail/cnp/{}/certificat.pdf", issued.id),
    ] {
        let request = axum::http::Request::get(&uri)
            .header("cookie", format!("greffe_session={token}"))
            .body(axum::body::Body::empty())
            .expect("request");
        let reply = app.clone().oneshot(request).await.expect("answer");
        assert_eq!(reply.status(), StatusCode::OK, "{uri}");
        assert_eq!(reply.headers()["content-type"], "application/pdf", "{uri}");
    }
    served.stop().await;
}
