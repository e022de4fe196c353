//! `greffe-bench-outbox`: a court's publication and its notices sent
//! (docs/benchmarks.md). On a store seeded by `greffe demo`, every chamber's
//! plan over `--weeks` weeks is proposed, validated and published (the
//! publication writes the outbox in its transaction: timed), then the
//! dispatcher sends every row to an SMTP server on loopback
//! (`tests/smtp_sink.py`, aiosmtpd): the time from the first row claimed
//! to the last recorded sent, rows per second, and the messages the server
//! received.
//!
//! Then the certificates: `--cnp` requests for a certificat de non-pourvoi
//! answered and their PDF made, through the service's router in process
//! (`POST /cnp`, then `GET /cnp/{id}/certificate.pdf`): the machine time
//! from the request to the PDF, p50/p95/max.
//!
//! `greffe-bench-outbox --database-url sqlite://bench.db --smtp-port 2525`
//! (the server started by `scripts/bench-outbox`).

use std::time::{Duration, Instant};

use chrono::Datelike;
use clap::Parser;
use greffe_api::AppState;
use greffe_api::mail::{Mailer, dispatch};
use greffe_store::Store;
use greffe_store::outbox::OutboxStatus;

/// A court's publication and its notices sent.
#[derive(Debug, Parser)]
struct Args {
    /// The seeded store.
    #[arg(long)]
    database_url: String,
    /// The SMTP server on loopback.
    #[arg(long)]
    smtp_port: u16,
    /// Weeks of hearings published, from the Monday of the calendar's first
    /// hearing.
    #[arg(long, default_value_t = 8)]
    weeks: i64,
    /// The day the demonstration was seeded for.
    #[arg(long)]
    today: String,
    /// Seconds each chamber's proposal may take.
    #[arg(long, default_value_t = 5)]
    time_limit_s: u64,
    /// Certificate requests timed.
    #[arg(long, default_value_t = 200)]
    cnp: usize,
}

/// What a certificate request was made to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Request {
    /// A decision no pourvoi attacks, every field given: its checks all
    /// pass, a certificate is due at once.
    Clean,
    /// A decision a registered dossier attacks (its parties named).
    Attacked,
    /// The docket number left out.
    Incomplete,
    /// A decision of the register named with other parties.
    OtherParties,
}

/// One request answered: its kind, the outcome, what the answer lists
/// for the clerk (the pourvoi found, what is missing), and the machine
/// time from the request to the answer — and to the PDF, when one is due.
struct Answered {
    kind: Request,
    outcome: String,
    listed: usize,
    ms: f64,
}

/// `n` requests for a certificat de non-pourvoi as a clerk of civ1, in the
/// mix a greffe receives (seven in ten clean, the others attacked,
/// incomplete, or naming other parties), each answered through the
/// service's router, then its PDF fetched when the answer gives one.
async fn certificates(state: AppState, n: usize) -> Vec<Answered> {
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use tower::ServiceExt;
    let user = greffe_store::users::NewUser {
        id: "banc-cnp".into(),
        name: "banc".into(),
        role: greffe_store::users::UserRole::Greffier,
        chambers: vec!["civ1".into()],
        magistrate: None,
    };
    let token = state.store.create_user("bench", user).await.expect("user").token;
    // Decisions the register holds: the attacked decisions of civil dossiers.
    let query =
        greffe_store::dossiers::DossierQuery { chamber: Some("civ1".into()), limit: Some(200), ..Default::default() };
    let page = state.store.search_dossiers(&query, None).await.expect("dossiers");
    let mut registered = Vec::new();
    for item in &page.items {
        let dossier = state.store.dossier(item.id).await.expect("dossier");
        let party = dossier.record.parties.first().map(|p| p.name.clone()).unwrap_or_default();
        registered.push((dossier.record.attacked.clone(), party));
    }
    assert!(!registered.is_empty(), "the demonstration holds civil dossiers");
    let app = greffe_api::api::router(state);
    let mut answered = Vec::with_capacity(n);
    for index in 0..n {
        let kind = match index % 10 {
            7 => Request::Attacked,
            8 => Request::Incomplete,
            9 => Request::OtherParties,
            _ => Request::Clean,
        };
        let (attacked, party) = &registered[index % registered.len()];
        let body = match kind {
            Request::Clean | Request::Incomplete => serde_json::json!({
                "court": "cour d'appel de Douai", "decision_date": "2026-03-12",
                "docket": format!("25/{:05}", 70_000 + index), "parties": ["M. Martin", "Société Delta"],
                "nature": "civil", "requester": "M. Martin"
            }),
            Request::Attacked => serde_json::json!({
                "court": attacked.court, "decision_date": attacked.date, "docket": attacked.docket,
                "parties": [party], "nature": "civil", "requester": party
            }),
            Request::OtherParties => serde_json::json!({
                "court": attacked.court, "decision_date": attacked.date, "docket": attacked.docket,
                "parties": ["Mme Personne-Inconnue"], "nature": "civil", "requester": "Mme Personne-Inconnue"
            }),
        };
        let mut body = body;
        if kind == Request::Incomplete {
            body.as_object_mut().expect("object").remove("docket");
        }
        let started = Instant::now();
        let request = HttpRequest::post("/cnp")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        let reply = app.clone().oneshot(request).await.expect("answer");
        assert!(reply.status().is_success(), "{}", reply.status());
        let answer: serde_json::Value =
            serde_json::from_slice(&axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body"))
                .expect("JSON");
        let outcome = answer["outcome"]["outcome"].as_str().unwrap_or_default().to_owned();
        let listed = ["pourvois", "legal_aid", "missing"]
            .iter()
            .filter_map(|key| answer["outcome"][key].as_array())
            .map(Vec::len)
            .sum();
        if matches!(outcome.as_str(), "issued" | "partial") {
            let request = HttpRequest::get(format!("/cnp/{}/certificate.pdf", answer["id"]))
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request");
            let reply = app.clone().oneshot(request).await.expect("answer");
            assert!(reply.status().is_success(), "{}", reply.status());
            let pdf = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("PDF");
            assert!(pdf.starts_with(b"%PDF"));
        }
        answered.push(Answered { kind, outcome, listed, ms: started.elapsed().as_secs_f64() * 1000.0 });
    }
    answered
}

/// The figures of the certificates: time to the PDF of the issued ones,
/// the outcome of each kind of request, and what the others list.
fn report_certificates(answered: &[Answered]) {
    let mut times: Vec<f64> = answered.iter().filter(|a| a.outcome == "issued").map(|a| a.ms).collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "| certificat de non-pourvoi, request → PDF ({} issued) | {:.1} ms | {:.1} ms | {:.1} ms |",
        times.len(),
        at(0.5),
        at(0.95),
        times.last().copied().unwrap_or_default()
    );
    let mut by_kind: std::collections::BTreeMap<(Request, String), (usize, usize)> = Default::default();
    for answer in answered {
        let entry = by_kind.entry((answer.kind, answer.outcome.clone())).or_default();
        entry.0 += 1;
        entry.1 += usize::from(answer.listed > 0);
    }
    for ((kind, outcome), (count, listing)) in &by_kind {
        println!("| {kind:?} | {outcome} | {count} requests | {listing} list what they found or what is missing |");
    }
    let clean = answered.iter().filter(|a| a.kind == Request::Clean).count();
    let issued_at_once = answered.iter().filter(|a| a.kind == Request::Clean && a.outcome == "issued").count();
    println!(
        "requests whose checks all pass answered with the certificate, no manual step: {issued_at_once} / {clean} ({:.0} %)",
        100.0 * issued_at_once as f64 / clean.max(1) as f64
    );
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let store = Store::open(&args.database_url).await.expect("store");
    let today = greffe_models::dates::parse_date(&args.today).expect("--today");
    // The demonstration's calendar (its first hearing's week on).
    let first = store.hearings(None, None, None).await.expect("hearings").iter().map(|h| h.hearing.date.clone()).min();
    let first = greffe_models::dates::parse_date(&first.expect("a hearing")).expect("a date");
    let monday = first - chrono::Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let end = monday + chrono::Duration::days(7 * args.weeks - 1);
    // Published as of a while ago, so that every notice still had its
    // period (none late).
    let publication = monday - chrono::Duration::days(60);
    let rules = greffe_models::planning::PlanningRules::default();
    let mut publishing = Duration::ZERO;
    for chamber in store.chambers().await.expect("chambers") {
        let code = chamber.chamber.code.clone();
        let built = store.planning_instance(&code, monday, end, publication, &rules).await.expect("instance");
        let config = greffe_solver::SolveConfig {
            time_limit: Duration::from_secs(args.time_limit_s),
            threads: 2,
            ..greffe_solver::SolveConfig::default()
        };
        let solved = greffe_solver::solve(&built.instance, &config).expect("solves");
        let new = greffe_store::plans::NewPlan {
            chamber: &code,
            start: monday,
            end,
            title: "banc d'essai des avis",
            instance: &built.doc,
            plan: &solved.plan,
            report: &solved.check,
            amends: None,
            origin: serde_json::json!({"bench": "outbox"}),
        };
        let draft = store.create_plan("bench", new).await.expect("draft");
        let validated =
            match store.validate_plan("bench", draft.summary.id, draft.summary.version, &draft.report, None).await {
                Ok(validated) => validated,
                Err(error) => {
                    eprintln!("{code}: not validated ({error}); skipped");
                    continue;
                }
            };
        let started = Instant::now();
        greffe_api::workflow::publish(
            &store,
            "bench",
            &validated.summary,
            validated.summary.version,
            None,
            publication,
            greffe_store::plans::Faults::default(),
        )
        .await
        .expect("published");
        let took = started.elapsed();
        publishing += took;
        let tasks = store.notice_tasks(&code).await.expect("tasks");
        println!("{code}: {} notice tasks, published in {:.2} s", tasks.len(), took.as_secs_f64());
    }
    let counts = store.outbox_counts().await.expect("counts");
    let rows: i64 = counts.iter().map(|(_, n)| n).sum();
    println!("outbox: {rows} rows ({counts:?}); publications {:.2} s in all", publishing.as_secs_f64());

    let mut state = AppState::new(store.clone());
    state.pinned_day = Some(today);
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{}", args.smtp_port),
        "Greffe de la Cour de cassation <greffe@courdecassation.fr>",
    )
    .expect("settings");
    let started = Instant::now();
    loop {
        let claimed = dispatch(&state, &mailer, "banc").await.expect("dispatch");
        if claimed == 0 {
            let pending = store
                .outbox_counts()
                .await
                .expect("counts")
                .iter()
                .find(|(s, _)| *s == OutboxStatus::Pending)
                .map_or(0, |c| c.1);
            if pending == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let took = started.elapsed().as_secs_f64();
    let counts = store.outbox_counts().await.expect("counts");
    let sent = counts.iter().find(|(s, _)| *s == OutboxStatus::Sent).map_or(0, |c| c.1);
    println!("| notices sent | {sent} | {took:.1} s | {:.0} rows/s |", sent as f64 / took);
    println!("outbox after: {counts:?}");

    let answered = certificates(state, args.cnp).await;
    report_certificates(&answered);
}
