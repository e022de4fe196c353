//! `greffe-bench-orientation`: the orientation on a large store
//! (docs/benchmarks.md, « Orientation »). On the store given: the search
//! index rebuilt, then the orientation of a sample of open dossiers through
//! the service's own path (`orientation_view`: the record, the earlier
//! pourvoi, the similar decided dossiers of every chamber, the pending
//! pourvois between the same parties, the rules) — its time, which rules
//! fire how often, the circuits and referrals suggested, how often the
//! suggested chamber is the one the dossier is registered in, and whether
//! every second pourvoi after a cassation (attacked ruling of the court of
//! referral) is pointed to the assemblée plénière.
//!
//! `greffe-bench-orientation --database-url sqlite://bench.db --sample 1000`
//! on a store seeded by `greffe demo` (`scripts/bench-orientation`).

use std::collections::BTreeMap;
use std::time::Instant;

use clap::Parser;
use greffe_api::AppState;
use greffe_api::api::extract::Caller;
use greffe_api::api::orientation::orientation_view;
use greffe_models::access::UserRole;
use greffe_models::orientation::ReferralFormation;
use greffe_models::record::AttackedNature;
use greffe_store::Store;
use greffe_store::users::User;

/// Orientation of a sample of open dossiers.
#[derive(Debug, Parser)]
struct Args {
    /// The seeded store.
    #[arg(long)]
    database_url: String,
    /// Open dossiers oriented (spread over the whole store).
    #[arg(long, default_value_t = 1000)]
    sample: usize,
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[allow(clippy::cast_precision_loss)]
fn share(part: usize, whole: usize) -> String {
    if whole == 0 { "—".to_owned() } else { format!("{part}/{whole} ({:.1} %)", 100.0 * part as f64 / whole as f64) }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let store = Store::open(&args.database_url).await.expect("store");
    let state = AppState::new(store.clone());
    let rebuilt = state.search.rebuild(&store).await.expect("rebuild");
    println!("index rebuilt: {} dossiers in {:.1} s", rebuilt.dossiers, rebuilt.elapsed.as_secs_f64());
    let caller = Caller(User {
        id: "bench".into(),
        name: "Banc d'essai".into(),
        role: UserRole::Admin,
        chambers: vec!["*".into()],
        magistrate: None,
    });

    let ids = store.all_dossier_ids().await.expect("ids");
    let step = (ids.len() / (args.sample * 3).max(1)).max(1);
    let mut times = Vec::new();
    let mut fired: BTreeMap<String, usize> = BTreeMap::new();
    let mut circuits: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut referrals: BTreeMap<(&'static str, bool), usize> = BTreeMap::new();
    let (mut same_chamber, mut with_keywords) = (0, 0);
    let (mut renvois, mut renvois_to_ap) = (0, 0);
    let mut with_precedent = 0;
    for &id in ids.iter().step_by(step) {
        if times.len() >= args.sample {
            break;
        }
        let dossier = store.dossier(id).await.expect("dossier");
        if !dossier.status.is_open() {
            continue;
        }
        let started = Instant::now();
        let view = orientation_view(&state, &caller, &id.to_string()).await.expect("orientation");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        let s = &view.suggestion;
        for rule in &s.fired {
            *fired.entry(rule.rule.clone()).or_default() += 1;
        }
        *circuits.entry(s.circuit.as_str()).or_default() += 1;
        if let Some(referral) = &s.referral {
            *referrals.entry((referral.formation.as_str(), referral.mandatory)).or_default() += 1;
        }
        if !dossier.record.keywords.is_empty() {
            with_keywords += 1;
            same_chamber += usize::from(s.chamber == dossier.record.chamber);
        }
        with_precedent += usize::from(!s.precedents.is_empty());
        if dossier.record.attacked_nature == AttackedNature::RenvoiApresCassation {
            renvois += 1;
            renvois_to_ap += usize::from(
                s.referral.as_ref().is_some_and(|r| r.formation == ReferralFormation::Pleniere && r.mandatory),
            );
        }
    }
    times.sort_by(f64::total_cmp);
    let n = times.len();
    println!("oriented: {n} open dossiers (one in {step} of {} read)", ids.len());
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| time of one orientation (ms) | p50 {:.1}, p95 {:.1}, max {:.1} |",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.last().copied().unwrap_or(0.0)
    );
    println!("| suggested chamber = registered chamber | {} |", share(same_chamber, with_keywords));
    println!("| with a precedent on the question | {} |", share(with_precedent, n));
    println!("| second pourvois after cassation pointed to AP (mandatory) | {} |", share(renvois_to_ap, renvois));
    for (circuit, count) in &circuits {
        println!("| circuit suggested: {circuit} | {} |", share(*count, n));
    }
    for ((formation, mandatory), count) in &referrals {
        let kind = if *mandatory { "mandatory" } else { "optional" };
        println!("| referral suggested: {formation} ({kind}) | {} |", share(*count, n));
    }
    for (rule, count) in &fired {
        println!("| rule fired: {rule} | {} |", share(*count, n));
    }
}
