//! Full-text search and similar dossiers over HTTP: found as soon as
//! written, within the reader's chambers, by the grounds, the pieces, the
//! decision; kept current through updates, status changes and
//! publications; every parameter refused by name.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::app::{TestApp, both_backends, civil_dossier, criminal_dossier};
use super::register;

fn with_ground(mut record: Value, title: &str, text: &str, keywords: &[&str]) -> Value {
    record["grounds"] = json!([{"title": title, "branches": [], "articles": [], "text": text}]);
    record["keywords"] = json!(keywords);
    record
}

fn criminal(pourvoi: &str) -> Value {
    let mut record = criminal_dossier(pourvoi);
    record["matter"] = json!("penal");
    record
}

fn ids(reply: &Value) -> Vec<i64> {
    reply["hits"].as_array().expect("hits").iter().filter_map(|h| h["id"].as_i64()).collect()
}

fn facet<'a>(reply: &'a Value, name: &str) -> &'a Vec<Value> {
    reply["facets"].as_array().expect("facets").iter().find(|f| f["facet"] == name).expect("facet")["values"]
        .as_array()
        .expect("values")
}

async fn search_follows_every_write_in_the_readers_chambers(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let criminal_clerk = app.user("greffe-cr", "greffier", &["cr"], None).await;
    let record = with_ground(
        civil_dossier("A 26-10.101"),
        "Violation de l'article 310-3 du code civil",
        "Le moyen fait grief à l'arrêt de refuser l'expertise biologique demandée par le père prétendu.",
        &["filiation"],
    );
    let (civil, etag) = register(&app, &clerk, record).await;

    // Found by the next search: plural and accents ignored, in its grounds.
    let found = app.get("/search?q=expertises%20biologiques", &clerk).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.json);
    assert_eq!(ids(&found.json), vec![civil], "{}", found.json);
    let hit = &found.json["hits"][0];
    assert_eq!(hit["pourvoi"], "A 26-10.101");
    assert_eq!(hit["title"], "M. Dupont c/ SCI Les Tilleuls");
    assert_eq!(hit["found_in"], "grounds");
    assert!(
        hit["snippet"].as_array().expect("snippet").iter().any(|s| s["hit"] == true && s["text"] == "expertise"),
        "{hit}"
    );
    assert_eq!(found.json["freshness"]["indexed_seq"], found.json["freshness"]["journal_seq"], "caught up");
    let by_party = app.get("/search?q=tilleuls", &clerk).await;
    assert_eq!(ids(&by_party.json), vec![civil], "found by a party's name");

    // Another chamber's dossier saying the same: each reader sees his own.
    let record = with_ground(
        criminal("B 26-80.102"),
        "Violation de l'article 593 du code de procédure pénale",
        "L'arrêt a refusé l'expertise biologique sollicitée par la défense.",
        &[],
    );
    let (penal, _) = register(&app, &criminal_clerk, record).await;
    let civil_view = app.get("/search?q=expertise", &clerk).await;
    assert_eq!(ids(&civil_view.json), vec![civil]);
    assert_eq!(civil_view.json["total"], 1);
    let chambers = facet(&civil_view.json, "chamber");
    assert_eq!(chambers.len(), 1, "another chamber is not even counted: {chambers:?}");
    assert_eq!(chambers[0]["label"], "Première chambre civile");
    assert_eq!(ids(&app.get("/search?q=expertise", &criminal_clerk).await.json), vec![penal]);
    let everything = app.get("/search?q=expertise", &app.admin).await;
    assert_eq!(everything.json["total"], 2, "{}", everything.json);
    let filtered = app.get("/search?q=expertise&keyword=filiation", &app.admin).await;
    assert_eq!(ids(&filtered.json), vec![civil]);
    assert_eq!(ids(&app.get("/search?q=expertise&chamber=cr", &app.admin).await.json), vec![penal]);
    assert_eq!(ids(&app.get("/search?chamber=cr", &clerk).await.json), Vec::<i64>::new(), "a filter never widens");

    // A change of the grounds, then of the status: searched as they stand.
    let patched = app
        .write(
            Method::PATCH,
            &format!("/dossiers/{civil}"),
            &clerk,
            &etag,
            json!({"grounds": [{"title": "Prestation compensatoire", "text": "La disparité des conditions de vie."}]}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
    assert_eq!(app.get("/search?q=biologique", &clerk).await.json["total"], 0, "the old grounds are gone");
    assert_eq!(ids(&app.get("/search?q=disparite", &clerk).await.json), vec![civil]);
    let moved = app
        .write(Method::POST, &format!("/dossiers/{civil}/status"), &clerk, &patched.etag(), json!({"status": "routed"}))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
    let routed = app.get("/search?status=routed", &clerk).await;
    assert_eq!(ids(&routed.json), vec![civil]);
    assert_eq!(facet(&routed.json, "status")[0]["label"], "orienté", "{}", routed.json);

    // A text piece is searched by its words; any piece by its file name.
    let upload = app
        .raw(
            Method::POST,
            &format!("/dossiers/{civil}/pieces?kind=autre&filed_by=SCP%20Perrin&filed_on=2026-06-01&filename=observations.txt"),
            Some(&clerk),
            &[("if-match", &moved.etag()), ("content-type", "text/plain; charset=utf-8")],
            "La clause de non-concurrence est nulle faute de contrepartie financière.".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.json);
    let by_piece = app.get("/search?q=%22clause%20de%20non-concurrence%22", &clerk).await;
    assert_eq!(ids(&by_piece.json), vec![civil], "{}", by_piece.json);
    assert_eq!(by_piece.json["hits"][0]["found_in"], "pieces");
    assert_eq!(ids(&app.get("/search?q=observations", &clerk).await.json), vec![civil]);

    // Every parameter refused by name, with what to give.
    let long = "mot ".repeat(130);
    for (query, field, says) in [
        ("limit=0".to_owned(), "limit", "entre 1 et 100"),
        ("limit=101".to_owned(), "limit", "entre 1 et 100"),
        ("offset=10001".to_owned(), "offset", "affiner"),
        ("keyword=filiaton".to_owned(), "keyword", "filiation"),
        ("status=perdu".to_owned(), "status", "registered"),
        ("chamber=civ9".to_owned(), "chamber", "civ1"),
        ("circuit=long".to_owned(), "circuit", "approfondi"),
        ("year=12".to_owned(), "year", "quatre chiffres"),
        (format!("q={}", long.replace(' ', "%20")), "q", "500 caractères"),
        ("q=a%01b".to_owned(), "q", "U+0001"),
    ] {
        let refused = app.get(&format!("/search?{query}"), &clerk).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", refused.json);
        assert_eq!(refused.json["field"], field, "{query}: {}", refused.json);
        let text = format!("{} {}", refused.json["message"], refused.json["action"]);
        assert!(text.contains(says), "{query}: {text}");
    }
    let unknown = app.get("/search?texte=bail", &clerk).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown parameter: {}", unknown.json);
    // What cannot be parsed in the words is ignored, never an error.
    let odd = app.get("/search?q=expertise%20AND%20(", &app.admin).await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.json);
}
both_backends!(search_follows_every_write_in_the_readers_chambers);

async fn similar_dossiers_are_found_by_what_they_say(app: TestApp) {
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    let criminal_clerk = app.user("greffe-cr", "greffier", &["cr"], None).await;
    let question = |pourvoi: &str, text: &str| {
        with_ground(civil_dossier(pourvoi), "Violation de l'article 1231-1 du code civil", text, &["clauses-abusives"])
    };
    let (first, _) = register(
        &app,
        &clerk,
        question(
            "C 26-10.201",
            "Le moyen reproche à l'arrêt d'avoir écarté la clause limitative de responsabilité du transporteur frigorifique pour la perte des marchandises périssables livrées à Rungis.",
        ),
    )
    .await;
    let (second, second_etag) = register(
        &app,
        &clerk,
        question(
            "D 26-10.202",
            "Il est fait grief à la décision de refuser d'appliquer la clause limitative de responsabilité stipulée par le transporteur frigorifique, les marchandises périssables ayant péri avant Rungis.",
        ),
    )
    .await;
    let (_unrelated, _) = register(
        &app,
        &clerk,
        with_ground(
            civil_dossier("E 26-10.203"),
            "Violation de l'article 229 du code civil",
            "Le divorce pour altération définitive du lien conjugal suppose une cessation de la communauté de vie.",
            &["divorce"],
        ),
    )
    .await;
    let mut record = criminal("F 26-80.204");
    record["grounds"] = json!([{"title": "Transport", "text": "La clause limitative de responsabilité du transporteur frigorifique et les marchandises périssables de Rungis."}]);
    let (penal, _) = register(&app, &criminal_clerk, record).await;

    let similar = app.get(&format!("/dossiers/{first}/similar"), &clerk).await;
    assert_eq!(similar.status, StatusCode::OK, "{}", similar.json);
    let list = similar.json["similar"].as_array().expect("list");
    assert_eq!(list[0]["id"], second, "{}", similar.json);
    assert_eq!(list[0]["shared_keywords"][0]["code"], "clauses-abusives");
    assert!(list.iter().all(|s| s["id"] != penal && s["id"] != first), "in the reader's chambers, itself left out");

    // Only those decided: none yet; then the second is, with its solution.
    let decided = app.get(&format!("/dossiers/{first}/similar?decided=true"), &clerk).await;
    assert_eq!(decided.json["similar"], json!([]), "{}", decided.json);
    let etag = app.make_ready(&clerk, second, &second_etag).await;
    let ruled = app
        .write(
            Method::POST,
            &format!("/dossiers/{second}/decision"),
            &clerk,
            &etag,
            json!({"decided_on": "2026-11-12", "solution": "cassation", "formation": "fs", "publication": "B"}),
        )
        .await;
    assert_eq!(ruled.status, StatusCode::OK, "{}", ruled.json);
    let decided = app.get(&format!("/dossiers/{first}/similar?decided=true"), &clerk).await;
    let list = decided.json["similar"].as_array().expect("list");
    assert_eq!(list.len(), 1, "{}", decided.json);
    assert_eq!(list[0]["id"], second);
    assert_eq!(list[0]["solution"], "cassation");
    assert_eq!(list[0]["solution_label"], "cassation");
    assert_eq!(list[0]["formation"], "fs");
    let by_decision = app.get("/search?q=cassation&status=decided", &clerk).await;
    assert_eq!(ids(&by_decision.json), vec![second], "the decision is searched: {}", by_decision.json);

    // Another chamber's dossier is not the reader's to compare; bad limits.
    assert_eq!(app.get(&format!("/dossiers/{penal}/similar"), &clerk).await.status, StatusCode::FORBIDDEN);
    let refused = app.get(&format!("/dossiers/{first}/similar?limit=21"), &clerk).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json["field"], "limit");
    assert_eq!(app.get("/dossiers/999999/similar", &clerk).await.status, StatusCode::NOT_FOUND);
}
both_backends!(similar_dossiers_are_found_by_what_they_say);

/// A publication moves its dossiers to `scheduled` without an entry of
/// their own: the index reads them again from the plan's entry.
async fn a_publication_is_searched_as_it_stands(app: TestApp) {
    let dossiers = super::plans::planning_court(&app).await;
    let (president, clerk) = super::plans::planners(&app).await;
    let ready = app.get("/search?status=ready&limit=100", &clerk).await;
    assert_eq!(ready.json["total"], dossiers.len(), "indexed before: {}", ready.json);
    super::plans::propose_and_publish(&app, &president, &clerk).await;
    let mut on_rolls = Vec::new();
    for id in &dossiers {
        if app.get(&format!("/dossiers/{id}"), &clerk).await.json["status"] == "scheduled" {
            on_rolls.push(*id);
        }
    }
    assert!(!on_rolls.is_empty(), "the plan puts dossiers on its rolls");
    let scheduled = app.get("/search?status=scheduled&limit=100", &clerk).await;
    let mut found = ids(&scheduled.json);
    found.sort_unstable();
    assert_eq!(found, on_rolls, "{}", scheduled.json);
}
both_backends!(a_publication_is_searched_as_it_stands);

/// The index on disk is a cache: a process that restarts resumes from the
/// journal entry it recorded; one that finds it unreadable starts it again
/// and converges on the same dossiers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_on_disk_resumes_and_recovers() {
    use greffe_api::search::{Location, Search};
    let Some(app) = TestApp::on(super::app::Backend::Sqlite).await else { return };
    app.court().await;
    let clerk = app.user("greffe-civ1", "greffier", &["civ1"], None).await;
    for pourvoi in ["G 26-10.301", "H 26-10.302"] {
        register(
            &app,
            &clerk,
            with_ground(civil_dossier(pourvoi), "Bail", "Le congé pour reprise.", &["bail-habitation"]),
        )
        .await;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let at = || Search::at(Location::Directory(dir.path().join("index")));
    let first_seq = {
        let search = at();
        let freshness = search.catch_up(&app.store).await.expect("caught up");
        assert!(freshness.current(), "{freshness:?}");
        assert_eq!(search.open().await.expect("open").len(), 2);
        freshness.indexed_seq
    };
    // Written while no process follows.
    register(&app, &clerk, with_ground(civil_dossier("J 26-10.303"), "Bail", "Le congé pour vendre.", &[])).await;
    {
        let search = at();
        let index = search.open().await.expect("reopened");
        assert_eq!((index.last_seq(), index.len()), (first_seq, 2), "resumes where it stopped");
        let freshness = search.catch_up(&app.store).await.expect("caught up");
        assert!(freshness.current() && freshness.indexed_seq > first_seq, "{freshness:?}");
        assert_eq!(index.len(), 3);
    }
    // Unreadable: started again, and rebuilt from the store.
    std::fs::write(dir.path().join("index").join("meta.json"), "{ pas du JSON").expect("corrupt");
    let search = at();
    let index = search.open().await.expect("started again");
    assert_eq!((index.last_seq(), index.len()), (0, 0));
    assert!(search.catch_up(&app.store).await.expect("rebuilt").current());
    assert_eq!(index.len(), 3);
    let rebuilt = search.rebuild(&app.store).await.expect("reindex");
    assert_eq!(rebuilt.dossiers, 3);
    assert_eq!(index.len(), 3);
}
