//! `greffe-bench-plans`: the plan-workflow benchmarks (docs/benchmarks.md).
//! On a fresh SQLite store seeded with the generator's court (`greffe demo`,
//! seed 1, 8 weeks, journals up to the end of the horizon so that every
//! dossier's mémoires, report and opinion are recorded), for each chamber:
//! the planning instance from the store, a 10 s proposal, a draft,
//! validation with the checker's report of the proposal; then the six
//! publications
//! (rolls, benches, statuses, notice tasks, journal), timed; then a live
//! check after one edit (load the draft, apply, check, save), repeated.
//!
//! `cargo run --release -p greffe-benches --bin greffe-bench-plans [-- --edits 50]`

use std::time::{Duration, Instant};

use clap::Parser;
use greffe_api::AppState;
use greffe_models::edit::Edit;
use greffe_models::planning::PlanningRules;
use greffe_solver::{SolveConfig, solve};
use greffe_store::Store;
use greffe_store::demo::{DemoConfig, seed};
use greffe_store::plans::{Faults, NewPlan};

#[derive(Debug, Parser)]
struct Args {
    /// Edits timed for the live check.
    #[arg(long, default_value_t = 50)]
    edits: usize,
    /// Seconds per chamber proposal.
    #[arg(long, default_value_t = 10)]
    time_limit: u64,
}

fn date(raw: &str) -> greffe_models::Date {
    greffe_models::dates::parse_date(raw).expect("date")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.expect("store");
    let started = Instant::now();
    let config = DemoConfig { seed: 1, weeks: 8, stock: 0, today: date("2027-02-26") };
    seed(&store, &config).await.expect("seed");
    println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    let state = AppState::new(store.clone());
    let rules = PlanningRules::default();
    let (start, end, publication) = (date("2027-01-04"), date("2027-02-26"), date("2026-12-01"));
    let mut validated = Vec::new();
    let (mut dossiers, mut hearings, mut assigned) = (0, 0, 0);
    let mut largest: Option<(
        usize,
        String,
        greffe_models::format::InstanceDoc,
        greffe_models::Plan,
        greffe_checker::CheckReport,
    )> = None;
    for chamber in store.chambers().await.expect("chambers") {
        let code = chamber.chamber.code;
        let built = store.planning_instance(&code, start, end, publication, &rules).await.expect("instance");
        let solved = solve(
            &built.instance,
            &SolveConfig { time_limit: Duration::from_secs(args.time_limit), threads: 2, ..SolveConfig::default() },
        )
        .expect("solves");
        dossiers += built.doc.dossiers.len();
        hearings += built.doc.hearings.len();
        assigned += solved.plan.assignments.len();
        let new = |title: &'static str| NewPlan {
            chamber: &code,
            start,
            end,
            title,
            instance: &built.doc,
            plan: &solved.plan,
            report: &solved.check,
            amends: None,
            origin: serde_json::json!({"bench": true}),
        };
        let draft = store.create_plan("bench", new("bench")).await.expect("draft");
        if largest.as_ref().is_none_or(|(n, ..)| built.doc.dossiers.len() > *n) {
            largest = Some((
                built.doc.dossiers.len(),
                code.clone(),
                built.doc.clone(),
                solved.plan.clone(),
                solved.check.clone(),
            ));
        }
        let report = &draft.report;
        println!(
            "{code:<5} {:>4} dossiers {:>3} hearings {:>4} assigned, {} violation(s), excluded {}",
            built.doc.dossiers.len(),
            built.doc.hearings.len(),
            solved.plan.assignments.len(),
            report.violations.len(),
            built.excluded.len()
        );
        match store.validate_plan("bench", draft.summary.id, draft.summary.version, report, None).await {
            Ok(record) => validated.push(record.summary),
            Err(error) => println!("  not validated: {error}"),
        }
    }
    println!(
        "court: {dossiers} dossiers, {hearings} hearings, {assigned} assigned; {} plans validated",
        validated.len()
    );
    let mut total = Duration::ZERO;
    let mut worst = Duration::ZERO;
    let mut tasks = 0;
    for summary in &validated {
        let t = Instant::now();
        publish(&state, summary).await;
        let took = t.elapsed();
        total += took;
        worst = worst.max(took);
        tasks += store.notice_tasks(&summary.chamber).await.expect("tasks").len();
    }
    println!(
        "publication: {} plans, {tasks} notice tasks, total {:.0} ms, slowest chamber {:.0} ms",
        validated.len(),
        total.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
    // A new draft of the largest chamber (the published plans made the
    // earlier drafts stale).
    let (_, code, doc, plan, report) = largest.expect("a chamber");
    let new = NewPlan {
        chamber: &code,
        start,
        end,
        title: "bench-edits",
        instance: &doc,
        plan: &plan,
        report: &report,
        amends: None,
        origin: serde_json::json!({"bench": true}),
    };
    let record = store.create_plan("bench", new).await.expect("draft");
    let id = record.summary.id;
    let moves: Vec<(String, String)> =
        record.plan.assignments.iter().map(|a| (a.dossier.to_string(), a.hearing.to_string())).collect();
    let other_hearing =
        record.plan.benches.iter().map(|b| b.hearing.to_string()).find(|h| *h != moves[0].1).expect("hearing");
    let mut version = record.summary.version;
    let mut times = Vec::new();
    for i in 0..args.edits {
        let target = if i % 2 == 0 { other_hearing.clone() } else { moves[0].1.clone() };
        let edit = Edit::Move { dossier: moves[0].0.clone(), hearing: Some(target) };
        let t = Instant::now();
        let record = greffe_api::workflow::apply(&state.store, "bench", id, version, &edit).await.expect("edit");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        version = record.summary.version;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "live check after one edit ({code}, {} dossiers): median {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} edits",
        record.plan.assignments.len() + record.plan.unscheduled.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.last().copied().unwrap_or(0.0),
        times.len()
    );
    store.close().await;
}

async fn publish(state: &AppState, summary: &greffe_store::plans::PlanSummary) {
    let current = state.store.plan_summary(summary.id).await.expect("plan");
    greffe_api::workflow::publish(
        &state.store,
        "bench",
        &current,
        current.version,
        None,
        state.today(),
        Faults::default(),
    )
    .await
    .expect("publishes");
}
