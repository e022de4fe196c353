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
    /// Weeks of hearings published, from the Monday of `--today`.
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

/// `POST /cnp` then `GET` its certificate, `n` times, as a clerk of civ1:
/// milliseconds from the request to the last byte of the PDF.
async fn certificates(state: AppState, n: usize) -> Vec<f64> {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    let user = greffe_store::users::NewUser {
        id: "banc-cnp".into(),
        name: "banc".into(),
        role: greffe_store::users::UserRole::Greffier,
        chambers: vec!["civ1".into()],
        magistrate: None,
    };
    let token = state.store.create_user("bench", user).await.expect("user").token;
    let app = greffe_api::api::router(state);
    let mut times = Vec::with_capacity(n);
    for index in 0..n {
        let started = Instant::now();
        let body = serde_json::json!({
            "court": "cour d'appel de Douai", "decision_date": "2026-03-12",
            "docket": format!("25/{:05}", 70_000 + index), "parties": ["M. Martin", "Société Delta"],
            "nature": "civil", "requester": "M. Martin"
        });
        let request = Request::post("/cnp")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        let reply = app.clone().oneshot(request).await.expect("answer");
        assert!(reply.status().is_success(), "{}", reply.status());
        let answer: serde_json::Value =
            serde_json::from_slice(&axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body"))
                .expect("JSON");
        let request = Request::get(format!("/cnp/{}/certificate.pdf", answer["id"]))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        let reply = app.clone().oneshot(request).await.expect("answer");
        assert!(reply.status().is_success(), "{}", reply.status());
        let pdf = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("PDF");
        assert!(pdf.starts_with(b"%PDF"));
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let store = Store::open(&args.database_url).await.expect("store");
    let today = greffe_models::dates::parse_date(&args.today).expect("--today");
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
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

    let times = certificates(state, args.cnp).await;
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "| certificat de non-pourvoi, request → PDF ({} requests) | {:.1} ms | {:.1} ms | {:.1} ms |",
        times.len(),
        at(0.5),
        at(0.95),
        times.last().copied().unwrap_or_default()
    );
}
