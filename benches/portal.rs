//! `greffe-bench-portal`: the Portail greffe's pages on a large store
//! (docs/benchmarks.md). Each page is asked `--requests` times of the
//! service's router in process (no network: the time is the server's, from
//! the request to the last byte of the page), one at a time, as its user
//! would ask it; then once more with `Accept-Encoding: gzip` for the page's
//! own compressed weight (the DSFR and htmx, shared and cached for a year,
//! aside).
//!
//! `greffe-bench-portal --database-url sqlite://bench.db --requests 200`
//! on a store seeded by `greffe demo --stock 94000`.

use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use clap::Parser;
use greffe_api::AppState;
use greffe_store::Store;
use greffe_store::dossiers::DossierQuery;
use greffe_store::sessions::SignIn;
use tower::ServiceExt;

/// Server time and weight of each portal page.
#[derive(Debug, Parser)]
struct Args {
    /// The seeded store.
    #[arg(long)]
    database_url: String,
    /// Requests per page.
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Measure only the pages whose name contains this text.
    #[arg(long)]
    only: Option<String>,
}

const PASSWORD: &str = "mot de passe du banc d'essai";

async fn session(store: &Store, user: &str) -> String {
    signed_in(store, user).await.0
}

/// The session cookie and the forms' token of `user`.
async fn signed_in(store: &Store, user: &str) -> (String, String) {
    store.set_password("bench", user, PASSWORD).await.expect("password");
    match store.sign_in(user, PASSWORD).await.expect("sign-in") {
        SignIn::Granted { token, session } => (format!("greffe_session={token}"), session.csrf),
        other => panic!("{user} not signed in: {other:?}"),
    }
}

/// Table rows of timed operations (no page weight): p50, p95, max.
fn timed_rows<const N: usize>(rows: [(&str, &mut Vec<f64>); N]) {
    for (name, times) in rows {
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | — |",
            percentile(times, 0.5),
            percentile(times, 0.95),
            times.last().copied().unwrap_or(0.0)
        );
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A page to measure: its name, who asks, and the paths asked in turn.
struct Page {
    name: &'static str,
    cookie: String,
    paths: Vec<String>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let store = Store::open(&args.database_url).await.expect("store");
    let app = greffe_api::api::router(AppState::new(store.clone()));
    let users = store.users().await.expect("users");
    let magistrate = users
        .iter()
        .find(|u| u.role == greffe_store::users::UserRole::Magistrat)
        .map(|u| u.id.clone())
        .expect("a magistrate's account");
    let clerk = session(&store, "greffe-civ1").await;
    let president = session(&store, "president-civ1").await;
    let analyst = session(&store, "analyste").await;
    let judge = session(&store, &magistrate).await;
    let admin = session(&store, "admin").await;
    let (president_cr, president_cr_csrf) = signed_in(&store, "president-cr").await;
    let board = criminal_draft(&store).await;
    // Its twin, published after the edits: the plan in force measured.
    let twin = twin_of(&store, board).await;

    // Dossiers spread over the store: every 97th id of civ1, and of the court.
    let mut civ1 = Vec::new();
    let mut after = 0;
    while civ1.len() < args.requests {
        let page = store
            .search_dossiers(
                &DossierQuery {
                    chamber: Some("civ1".into()),
                    after: Some(after),
                    limit: Some(500),
                    ..DossierQuery::default()
                },
                None,
            )
            .await
            .expect("search");
        let Some(last) = page.items.last() else { break };
        after = last.id;
        civ1.extend(page.items.into_iter().step_by(7).map(|d| (d.id, d.pourvoi)));
    }
    let total = store.health().await.expect("health");
    let court: Vec<i64> = (0..args.requests as i64).map(|i| 1 + (i * 97) % 90_000).collect();
    println!("store: {} journal entries; {} civ1 dossiers sampled", total.journal_entries, civ1.len());
    let lenient = |pourvoi: &str| pourvoi.replace([' ', '-', '.'], "").to_lowercase();
    let pages = vec![
        Page { name: "accueil greffier (civ1)", cookie: clerk.clone(), paths: vec!["/portail/".into()] },
        Page { name: "accueil président (civ1)", cookie: president.clone(), paths: vec!["/portail/".into()] },
        Page { name: "accueil magistrat", cookie: judge.clone(), paths: vec!["/portail/".into()] },
        Page { name: "accueil analyste", cookie: analyst.clone(), paths: vec!["/portail/".into()] },
        Page {
            name: "recherche par numéro (souple)",
            cookie: clerk.clone(),
            paths: civ1.iter().map(|(_, p)| format!("/portail/dossiers?q={}", lenient(p))).collect(),
        },
        Page {
            name: "recherche par partie",
            cookie: admin.clone(),
            paths: ["dupont", "martin", "société", "bernard", "sarl"]
                .iter()
                .map(|p| format!("/portail/dossiers?party={}", p.replace('é', "%C3%A9")))
                .collect(),
        },
        Page {
            name: "recherche par chambre et statut",
            cookie: admin.clone(),
            paths: vec!["/portail/dossiers?chamber=soc&status=ready".into()],
        },
        Page {
            name: "recherche par juridiction attaquée",
            cookie: admin.clone(),
            paths: vec!["/portail/dossiers?attacked_court=cour+d%27appel+de+paris".into()],
        },
        Page {
            name: "page d'un dossier",
            cookie: admin.clone(),
            paths: court.iter().map(|id| format!("/portail/dossiers/{id}")).collect(),
        },
        Page {
            name: "modifier un dossier",
            cookie: clerk.clone(),
            paths: civ1.iter().map(|(id, _)| format!("/portail/dossiers/{id}/modifier")).collect(),
        },
        Page { name: "enregistrer un pourvoi", cookie: clerk.clone(), paths: vec!["/portail/dossiers/nouveau".into()] },
        Page { name: "tableau de bord (civ1)", cookie: clerk.clone(), paths: vec!["/portail/tableau-de-bord".into()] },
        Page {
            name: "tableau de bord (Cour)",
            cookie: analyst.clone(),
            paths: vec!["/portail/tableau-de-bord".into()],
        },
        Page { name: "certificat de non-pourvoi", cookie: clerk.clone(), paths: vec!["/portail/cnp".into()] },
        Page { name: "magistrats et absences", cookie: clerk.clone(), paths: vec!["/portail/magistrats".into()] },
        Page { name: "audiencement (civ1)", cookie: president.clone(), paths: vec!["/portail/audiencement".into()] },
        Page {
            name: "tableau d'un projet (cr, 8 semaines)",
            cookie: president_cr.clone(),
            paths: vec![format!("/portail/plans/{board}")],
        },
    ];
    println!("| page | p50 (ms) | p95 (ms) | max (ms) | HTML gzip (Ko) |");
    println!("|---|---|---|---|---|");
    for page in pages.into_iter().filter(|page| args.only.as_ref().is_none_or(|only| page.name.contains(only.as_str())))
    {
        let ask = |path: &str, gzip: bool| {
            let mut request = Request::get(path).header(header::COOKIE, &page.cookie);
            if gzip {
                request = request.header(header::ACCEPT_ENCODING, "gzip");
            }
            request.body(Body::empty()).expect("request")
        };
        let mut times = Vec::with_capacity(args.requests);
        for index in 0..args.requests {
            let path = &page.paths[index % page.paths.len()];
            let started = Instant::now();
            let response = app.clone().oneshot(ask(path, false)).await.expect("answered");
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
            times.push(started.elapsed().as_secs_f64() * 1e3);
            assert!(
                status == StatusCode::OK || status == StatusCode::SEE_OTHER,
                "{} {path}: {status} {}",
                page.name,
                String::from_utf8_lossy(&body).chars().take(300).collect::<String>()
            );
        }
        times.sort_by(f64::total_cmp);
        let response = app.clone().oneshot(ask(&page.paths[0], true)).await.expect("answered");
        let compressed = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body").len();
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            page.name,
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.last().copied().unwrap_or(0.0),
            compressed as f64 / 1024.0
        );
    }
    if args.only.as_ref().is_none_or(|only| "modification du tableau".contains(only.as_str())) {
        edits(&app, &store, board, &president_cr, &president_cr_csrf, args.requests).await;
    }
    if args.only.as_ref().is_none_or(|only| "plan publié".contains(only.as_str())) {
        let (clerk_cr, clerk_cr_csrf) = signed_in(&store, "greffe-cr").await;
        in_force(&app, &store, twin, &clerk_cr, &clerk_cr_csrf, args.requests).await;
    }
    let htmx = app
        .clone()
        .oneshot(
            Request::get(format!("{}/htmx.min.js", greffe_api::portal::HTMX))
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answered");
    let htmx = axum::body::to_bytes(htmx.into_body(), usize::MAX).await.expect("body").len();
    println!("htmx (shared, cached a year): {:.1} Ko gzip", htmx as f64 / 1024.0);
    store.close().await;
}

/// Moves on the criminal chamber's board, as its president makes them: a
/// dossier to another hearing and back, each move applied, checked and
/// stored (`POST …/deplacer`), then the board the browser is sent back to.
async fn edits(app: &axum::Router, store: &Store, board: i64, cookie: &str, csrf: &str, requests: usize) {
    let plan = store.plan(board).await.expect("plan").plan;
    let first = plan.assignments.first().expect("a dossier heard");
    let other = plan.assignments.iter().find(|a| a.hearing != first.hearing).expect("two hearings").hearing.clone();
    let (dossier, home) = (first.dossier.to_string(), first.hearing.to_string());
    let (mut posts, mut trips) = (Vec::with_capacity(requests), Vec::with_capacity(requests));
    for index in 0..requests {
        let version = store.plan_summary(board).await.expect("summary").version;
        let target = if index % 2 == 0 { other.to_string() } else { home.clone() };
        let form = format!("csrf={csrf}&version={version}&dossier={dossier}&hearing={target}");
        let request = Request::post(format!("/portail/plans/{board}/deplacer"))
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .expect("request");
        let started = Instant::now();
        let response = app.clone().oneshot(request).await.expect("answered");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "the move is applied");
        let location = response.headers()[header::LOCATION].to_str().expect("location").to_owned();
        posts.push(started.elapsed().as_secs_f64() * 1e3);
        let back = Request::get(location.split('#').next().unwrap_or(&location))
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request");
        let response = app.clone().oneshot(back).await.expect("answered");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        assert!(!body.is_empty());
        trips.push(started.elapsed().as_secs_f64() * 1e3);
    }
    timed_rows([
        ("modification du tableau (déplacer : appliquer, vérifier, enregistrer)", &mut posts),
        ("modification du tableau, aller-retour (déplacer puis tableau rechargé)", &mut trips),
    ]);
}

/// A copy of draft `board` as solved (before the edits).
async fn twin_of(store: &Store, board: i64) -> i64 {
    let (record, doc) = (store.plan(board).await.expect("plan"), store.plan_instance(board).await.expect("instance"));
    let summary = &record.summary;
    let new = greffe_store::plans::NewPlan {
        chamber: &summary.chamber,
        start: greffe_models::dates::parse_date(&summary.horizon_start).expect("date"),
        end: greffe_models::dates::parse_date(&summary.horizon_end).expect("date"),
        title: "banc d'essai, publié",
        instance: &doc,
        plan: &record.plan,
        report: &record.report,
        amends: None,
        origin: serde_json::json!({"bench": true}),
    };
    store.create_plan("bench", new).await.expect("twin").summary.id
}

/// The criminal chamber's plan in force: `twin` validated and published,
/// then its board (re-checked against the registry, the events since its
/// publication listed) asked `requests` times; then an absence of a
/// sitting president and « Proposer un avenant » (the repair, stored as a
/// draft) timed three times.
async fn in_force(app: &axum::Router, store: &Store, twin: i64, cookie: &str, csrf: &str, requests: usize) {
    let draft = store.plan(twin).await.expect("plan");
    let validated =
        store.validate_plan("bench", twin, draft.summary.version, &draft.report, None).await.expect("validated");
    let today = greffe_models::dates::parse_date(&validated.summary.horizon_start).expect("date");
    greffe_api::workflow::publish(
        store,
        "bench",
        &validated.summary,
        validated.summary.version,
        Some("banc d'essai"),
        today,
        greffe_store::plans::Faults::default(),
    )
    .await
    .expect("published");
    let get = |path: String| Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).expect("request");
    let mut boards = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let response = app.clone().oneshot(get(format!("/portail/plans/{twin}"))).await.expect("answered");
        assert_eq!(response.status(), StatusCode::OK);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        assert!(!body.is_empty());
        boards.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let plan = store.plan(twin).await.expect("plan").plan;
    let doc = store.plan_instance(twin).await.expect("instance");
    let bench = plan.benches.iter().find(|b| plan.assignments.iter().any(|a| a.hearing == b.hearing)).expect("a bench");
    let day = doc.hearings.iter().find(|h| h.id == bench.hearing.as_str()).expect("hearing").date.clone();
    let absence = greffe_store::reference::Absence { from: day.clone(), to: day, reason: Some("banc d'essai".into()) };
    store.add_absence("bench", bench.president.as_str(), absence).await.expect("absence");
    let mut amendments = Vec::new();
    for _ in 0..3 {
        let request = Request::post(format!("/portail/plans/{twin}/avenant"))
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}")))
            .expect("request");
        let started = Instant::now();
        let response = app.clone().oneshot(request).await.expect("answered");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "the amendment is proposed");
        amendments.push(started.elapsed().as_secs_f64() * 1e3);
    }
    timed_rows([
        ("plan publié (cr, 8 semaines) : tableau vérifié contre le registre, événements listés", &mut boards),
        ("plan publié (cr) : « Proposer un avenant » après une absence (3 fois)", &mut amendments),
    ]);
}

/// A draft of the criminal chamber over the demonstration's eight weeks
/// (its first hearing on), solved for ten seconds: the board measured.
async fn criminal_draft(store: &Store) -> i64 {
    let rules = greffe_models::planning::PlanningRules::default();
    let hearings = store.hearings(Some("cr"), None, None).await.expect("hearings");
    let first = hearings.iter().map(|h| h.hearing.date.clone()).min().expect("cr sits");
    let start = greffe_models::dates::parse_date(&first).expect("date");
    let end = start + chrono::Duration::days(55);
    let built = store.planning_instance("cr", start, end, start, &rules).await.expect("instance");
    let config = greffe_solver::SolveConfig {
        time_limit: std::time::Duration::from_secs(10),
        threads: 2,
        ..greffe_solver::SolveConfig::default()
    };
    let solved = greffe_solver::solve(&built.instance, &config).expect("solves");
    eprintln!(
        "projet cr : {} dossiers, {} audiences, {} audiencés",
        built.doc.dossiers.len(),
        built.doc.hearings.len(),
        solved.plan.assignments.len()
    );
    let new = greffe_store::plans::NewPlan {
        chamber: "cr",
        start,
        end,
        title: "banc d'essai",
        instance: &built.doc,
        plan: &solved.plan,
        report: &solved.check,
        amends: None,
        origin: serde_json::json!({"bench": true}),
    };
    store.create_plan("bench", new).await.expect("draft").summary.id
}
