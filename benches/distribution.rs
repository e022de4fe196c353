//! `greffe-bench-distribution`: the rapporteurs' designation over 26
//! simulated weeks of the generated court (docs/benchmarks.md,
//! « Distribution »), by each policy of `greffe_simulation::designation`:
//! the rapporteur the generator gave, the optimised proposal
//! (`greffe_solver::distribution`) with competence required or the section
//! alone, and the round-robin by seniority a chamber does by hand.
//!
//! The court is `greffe fixtures generate --scale court --sections`: its
//! magistrates with their sections, specialities and absences, its
//! dossiers with their section, matter, circuit, recusals, statutory
//! deadline and joined group (taken as the serial litigation). The dossiers
//! arrive in registration order, one batch a week per chamber. The desks
//! are the what-if simulation's: each week every rapporteur files reports,
//! oldest first, up to his share of his chamber's weekly rate (its inflow's
//! weight per share, so that its stock is steady); a filed dossier keeps
//! its residual weight until it is judged, `--judged-after` weeks later.
//!
//! Printed: the time of the whole court's weekly proposal (the ≤ 1 s goal),
//! its gap, and for each policy: the spread of the designated weight per
//! share and of the load at the end, each magistrate against his chamber's
//! mean (max, and the standard deviation), the dossiers whose rapporteur
//! lacked the competence (section or speciality), the series split across
//! rapporteurs, the dossiers no one could take.

use std::collections::BTreeMap;

use clap::Parser;
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::dates::parse_date;
use greffe_models::distribution::{Batch, BatchDossier, Candidate, Designating, DistributionRules};
use greffe_models::dossier::Circuit;
use greffe_models::format::{DossierDoc, InstanceDoc};
use greffe_simulation::designation::{Designation, Desks, Spread, candidates, spread_by_chamber};

/// The simulation's settings.
#[derive(Debug, Parser)]
struct Args {
    /// Seed of the generated court.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Weeks simulated (and generated).
    #[arg(long, default_value_t = 26)]
    weeks: u32,
    /// Weeks between a report's filing and the judgment.
    #[arg(long, default_value_t = 6)]
    judged_after: u32,
}

fn circuit_of(raw: Option<&str>) -> Circuit {
    match raw {
        Some("court") => Circuit::Court,
        Some("approfondi") => Circuit::Approfondi,
        _ => Circuit::Intermediaire,
    }
}

#[allow(clippy::cast_precision_loss)]
fn percentile(sorted: &[f64], p: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

struct Outcome {
    /// Designated weight per share over the run, each against his
    /// chamber's mean.
    given: Spread,
    /// Load at the end, the same way.
    end: Spread,
    incompetent: usize,
    split_series: usize,
    series: usize,
    designated: usize,
    unassigned: usize,
    times_ms: Vec<f64>,
    worst_gap: f64,
    /// Why a series was split, as the proposal said it.
    split_why: Vec<String>,
}

#[allow(clippy::cast_precision_loss)]
fn simulate(instance: &InstanceDoc, args: &Args, policy: Designation) -> Outcome {
    let rules = DistributionRules::embedded();
    let start = parse_date(&instance.horizon.start).expect("horizon start");
    let mut pool: BTreeMap<String, Vec<Candidate>> = instance
        .chambers
        .iter()
        .map(|c| (c.id.clone(), candidates(&instance.magistrates, &c.id, Designating::Rapporteur)))
        .collect();
    let mut dossiers: Vec<_> = instance.dossiers.iter().filter(|d| pool.contains_key(&d.chamber)).collect();
    dossiers.sort_by(|a, b| (&a.registration_date, &a.id).cmp(&(&b.registration_date, &b.id)));
    let weeks = args.weeks as usize;
    let per_week = dossiers.len().div_ceil(weeks);
    // Each chamber's weekly rate keeps its stock of reports steady.
    let rate: BTreeMap<String, f64> = pool
        .iter()
        .map(|(chamber, candidates)| {
            let inflow: f64 = dossiers
                .iter()
                .filter(|d| &d.chamber == chamber)
                .map(|d| rules.weight(circuit_of(d.circuit.as_deref()), false))
                .sum();
            (chamber.clone(), Desks::steady_rate(rules, inflow / weeks as f64, candidates))
        })
        .collect();
    let mut desks = Desks::new(policy, rules, rate, args.judged_after);
    let mut outcome = Outcome {
        given: Spread::default(),
        end: Spread::default(),
        incompetent: 0,
        split_series: 0,
        series: 0,
        designated: 0,
        unassigned: 0,
        times_ms: Vec::new(),
        worst_gap: 0.0,
        split_why: Vec::new(),
    };
    for week in 0..weeks {
        let today = start + chrono::Duration::days(7 * week as i64);
        for candidates in pool.values_mut() {
            desks.read_loads(candidates);
        }
        let inflow = &dossiers[(week * per_week).min(dossiers.len())..((week + 1) * per_week).min(dossiers.len())];
        let mut batches = Vec::new();
        let mut as_generated = Vec::new();
        for (chamber, candidates) in &pool {
            let here: Vec<_> = inflow.iter().filter(|d| &d.chamber == chamber).collect();
            as_generated.push(
                here.iter()
                    .map(|d| candidates.iter().position(|c| Some(&c.id) == d.rapporteurs.first()))
                    .collect::<Vec<_>>(),
            );
            batches.push(batch(chamber, Designating::Rapporteur, today, &here, candidates, |group| {
                desks.series_rapporteur(group).cloned()
            }));
        }
        let designated = desks.designate(&batches, &as_generated);
        outcome.times_ms.extend(designated.solve_ms);
        outcome.worst_gap = outcome.worst_gap.max(designated.worst_gap.unwrap_or(0.0));
        outcome.designated += designated.designated;
        outcome.incompetent += designated.outside_competence;
        outcome.unassigned += designated.not_designated;
        outcome.split_why.extend(designated.split_series);
        for (chamber, candidates) in &pool {
            desks.work(u32::try_from(week).unwrap_or(u32::MAX), chamber, candidates);
        }
    }
    outcome.end = desks.spread(pool.values().map(Vec::as_slice));
    outcome.given = desks.given_spread(pool.values().map(Vec::as_slice));
    (outcome.series, outcome.split_series) = desks.series();
    outcome
}

/// The batch of `here`, `chamber`'s dossiers of the week; `designee`: who
/// already reports (concludes on) a series.
fn batch(
    chamber: &str,
    designating: Designating,
    today: greffe_models::Date,
    here: &[&&DossierDoc],
    candidates: &[Candidate],
    designee: impl Fn(&str) -> Option<String>,
) -> Batch {
    Batch {
        chamber: chamber.to_owned(),
        designating,
        today,
        dossiers: here
            .iter()
            .map(|d| BatchDossier {
                id: 0,
                pourvoi: d.pourvoi.clone(),
                section: d.section.clone(),
                matter: d.matter.clone(),
                circuit: circuit_of(d.circuit.as_deref()),
                parties: Vec::new(),
                recused: d.recused.clone(),
                ruling_due: d.deadline.as_deref().and_then(|raw| parse_date(raw).ok()),
                series: d.joined_group.clone(),
                series_designee: d.joined_group.as_deref().and_then(&designee).map(|who| (who, "—".to_owned())),
            })
            .collect(),
        candidates: candidates.to_vec(),
    }
}

/// The avocats généraux' weekly proposal over the same weeks: its time and
/// gap, and the spread of the designated weight per share (each against
/// his chamber's mean) — their work has no desk model, the load is what
/// was designated.
#[allow(clippy::cast_precision_loss)]
fn avocats_generaux(instance: &InstanceDoc, args: &Args) -> (Vec<f64>, f64, Spread, usize) {
    let rules = DistributionRules::embedded();
    let start = parse_date(&instance.horizon.start).expect("horizon start");
    let mut pool: BTreeMap<String, Vec<Candidate>> = instance
        .chambers
        .iter()
        .map(|c| (c.id.clone(), candidates(&instance.magistrates, &c.id, Designating::AvocatGeneral)))
        .collect();
    let mut dossiers: Vec<_> = instance.dossiers.iter().filter(|d| pool.contains_key(&d.chamber)).collect();
    dossiers.sort_by(|a, b| (&a.registration_date, &a.id).cmp(&(&b.registration_date, &b.id)));
    let weeks = args.weeks as usize;
    let per_week = dossiers.len().div_ceil(weeks);
    let mut given: BTreeMap<String, f64> = BTreeMap::new();
    let mut series: BTreeMap<String, String> = BTreeMap::new();
    let (mut times, mut worst, mut unassigned) = (Vec::new(), 0.0_f64, 0);
    for week in 0..weeks {
        let today = start + chrono::Duration::days(7 * week as i64);
        let inflow = &dossiers[(week * per_week).min(dossiers.len())..((week + 1) * per_week).min(dossiers.len())];
        let mut batches = Vec::new();
        for (chamber, candidates) in &mut pool {
            for c in candidates.iter_mut() {
                c.load = given.get(&c.id).copied().unwrap_or(0.0);
            }
            let here: Vec<_> = inflow.iter().filter(|d| &d.chamber == chamber).collect();
            batches
                .push(batch(chamber, Designating::AvocatGeneral, today, &here, candidates, |g| series.get(g).cloned()));
        }
        let started = std::time::Instant::now();
        let proposals = greffe_solver::distribution::propose_court(&batches, rules, Default::default());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        for (proposal, batch) in proposals.into_iter().zip(&batches) {
            let Ok(proposal) = proposal else {
                unassigned += batch.dossiers.len();
                continue;
            };
            worst = worst.max(proposal.solution.gap().unwrap_or(f64::INFINITY));
            for d in proposal.designations {
                let (dossier, candidate) = (&batch.dossiers[d.dossier], &batch.candidates[d.candidate]);
                *given.entry(candidate.id.clone()).or_default() += rules.weight(dossier.circuit, false);
                if let Some(group) = &dossier.series {
                    series.entry(group.clone()).or_insert_with(|| candidate.id.clone());
                }
            }
        }
    }
    let spread = spread_by_chamber(rules, pool.values().map(Vec::as_slice), |id| given.get(id).copied().unwrap_or(0.0));
    times.sort_by(f64::total_cmp);
    (times, worst, spread, unassigned)
}

/// The floor competence puts under the designated weight's max/mean: a
/// (section, matter) whose dossiers only some magistrates may report gives
/// one of them at least its weight over their shares, against his
/// chamber's mean.
#[allow(clippy::cast_precision_loss)]
fn competence_floor(instance: &InstanceDoc) -> (f64, String) {
    let rules = DistributionRules::embedded();
    let mut demand: BTreeMap<(String, Option<String>, Option<String>), f64> = BTreeMap::new();
    for d in &instance.dossiers {
        *demand.entry((d.chamber.clone(), d.section.clone(), d.matter.clone())).or_default() +=
            rules.weight(circuit_of(d.circuit.as_deref()), false);
    }
    let reporters: Vec<(Candidate, String)> = instance
        .chambers
        .iter()
        .flat_map(|c| {
            candidates(&instance.magistrates, &c.id, Designating::Rapporteur).into_iter().map(|m| (m, c.id.clone()))
        })
        .filter(|(m, _)| rules.share(m.role).is_some())
        .collect();
    let mean = |chamber: &str| {
        let total: f64 = demand.iter().filter(|((c, _, _), _)| c == chamber).map(|(_, w)| w).sum();
        let shares: f64 = reporters.iter().filter(|(_, c)| c == chamber).filter_map(|(m, _)| rules.share(m.role)).sum();
        total / shares
    };
    let mut worst = (0.0, String::new());
    for ((chamber, section, matter), weight) in &demand {
        let able: f64 = reporters
            .iter()
            .filter(|(m, c)| {
                c == chamber
                    && (section.is_none() || m.section.is_none() || &m.section == section)
                    && matter.as_ref().is_none_or(|x| m.specialties.contains(x))
            })
            .filter_map(|(m, _)| rules.share(m.role))
            .sum();
        let floor = if able > 0.0 { weight / able / mean(chamber) } else { f64::INFINITY };
        if floor > worst.0 {
            worst = (
                floor,
                format!("{chamber} {} {}", section.as_deref().unwrap_or("-"), matter.as_deref().unwrap_or("-")),
            );
        }
    }
    worst
}

fn main() {
    let args = Args::parse();
    let mut config = GeneratorConfig::new(Scale::Court, args.weeks, args.seed);
    config.sections = true;
    let instance = generate(&config).expect("generated court");
    let magistrates = instance.magistrates.len();
    println!(
        "court: {} dossiers, {magistrates} magistrates, {} chambers, {} weeks (seed {})",
        instance.dossiers.len(),
        instance.chambers.len(),
        args.weeks,
        args.seed
    );
    let (floor, at) = competence_floor(&instance);
    println!("competence floor of the designated weight's max/mean: {floor:.3} ({at})");
    println!(
        "| policy | weekly proposal p50 / max (ms) | worst gap | designated per share max/mean | sd/mean | load at the end max/mean | sd/mean | rapporteur lacking competence | series split | not designated |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for policy in Designation::ALL {
        let mut outcome = simulate(&instance, &args, policy);
        outcome.times_ms.sort_by(f64::total_cmp);
        let times = if outcome.times_ms.is_empty() {
            "—".to_owned()
        } else {
            format!("{:.0} / {:.0}", percentile(&outcome.times_ms, 0.5), percentile(&outcome.times_ms, 1.0))
        };
        let gap = if outcome.times_ms.is_empty() { "—".to_owned() } else { format!("{:.2e}", outcome.worst_gap) };
        println!(
            "| {} | {times} | {gap} | {:.3} | {:.3} | {:.3} | {:.3} | {}/{} | {}/{} | {} |",
            policy.as_str(),
            outcome.given.max_over_mean,
            outcome.given.sd_over_mean,
            outcome.end.max_over_mean,
            outcome.end.sd_over_mean,
            outcome.incompetent,
            outcome.designated,
            outcome.split_series,
            outcome.series,
            outcome.unassigned
        );
        for why in &outcome.split_why {
            println!("  {}: {why}", policy.as_str());
        }
    }
    let (times, worst, spread, unassigned) = avocats_generaux(&instance, &args);
    println!(
        "avocats généraux (optimised): weekly proposal p50 / max {:.0} / {:.0} ms, worst gap {worst:.2e}, designated per share max/mean {:.3}, sd {:.3}, not designated {unassigned}",
        percentile(&times, 0.5),
        percentile(&times, 1.0),
        spread.max_over_mean,
        spread.sd_over_mean
    );
}
