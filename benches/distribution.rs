//! `greffe-bench-distribution`: the rapporteurs' designation over 26
//! simulated weeks of the generated court (docs/benchmarks.md,
//! « Distribution »), by the optimised proposal
//! (`greffe_solver::distribution`) and by the round-robin by seniority a
//! chamber does by hand.
//!
//! The court is `greffe fixtures generate --scale court --sections`: its
//! magistrates with their sections, specialities and absences, its
//! dossiers with their section, matter, circuit, recusals, statutory
//! deadline and joined group (taken as the serial litigation). The dossiers
//! arrive in registration order, one batch a week per chamber. Each week
//! every rapporteur files reports, oldest first, up to his share of a full
//! service times the court's weekly rate (the inflow's weight per share,
//! so that the stock is steady); a filed dossier keeps its residual weight
//! until it is judged, `--judged-after` weeks later.
//!
//! Printed: the time of the whole court's weekly proposal (the ≤ 1 s goal),
//! its gap, and after the last week, for each policy: the spread of the
//! weighted load per share (max/mean and the standard deviation over the
//! mean), the dossiers whose rapporteur lacked the competence (section or
//! speciality), the series split across rapporteurs.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Instant;

use clap::Parser;
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::Role;
use greffe_models::dates::{DateRange, parse_date};
use greffe_models::distribution::{Batch, BatchDossier, Candidate, Designating, DistributionRules};
use greffe_models::dossier::Circuit;
use greffe_models::format::InstanceDoc;
use greffe_solver::distribution::{RoundRobin, Settings, propose_court};

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
    judged_after: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// The proposal, competence (section and speciality) required.
    Optimised,
    /// The proposal with the section alone required, as the round-robin:
    /// what the balance alone gives.
    OptimisedSectionOnly,
    /// The hand method.
    RoundRobin,
}

/// A designated dossier's work.
#[derive(Debug, Clone)]
struct Work {
    weight: f64,
    remaining: f64,
}

#[derive(Debug, Default, Clone)]
struct Desk {
    due: VecDeque<Work>,
    filed: VecDeque<(usize, f64)>,
}

fn circuit_of(raw: Option<&str>) -> Circuit {
    match raw {
        Some("court") => Circuit::Court,
        Some("approfondi") => Circuit::Approfondi,
        _ => Circuit::Intermediaire,
    }
}

fn candidates(instance: &InstanceDoc, chamber: &str) -> Vec<Candidate> {
    instance
        .magistrates
        .iter()
        .filter(|m| m.chamber == chamber)
        .filter_map(|m| {
            let role = Role::parse(&m.role)?;
            (role != Role::AvocatGeneral).then(|| Candidate {
                id: m.id.clone(),
                name: m.name.clone().unwrap_or_default(),
                role,
                section: m.section.clone(),
                rank: u32::try_from(m.rank).unwrap_or(u32::MAX),
                specialties: m.specialties.clone(),
                interests: Vec::new(),
                absences: m
                    .absences
                    .iter()
                    .filter_map(|a| DateRange::new(parse_date(&a.from).ok()?, parse_date(&a.to).ok()?).ok())
                    .collect(),
                load: 0.0,
                due: 0,
            })
        })
        .collect()
}

#[allow(clippy::cast_precision_loss)]
fn percentile(sorted: &[f64], p: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

struct Outcome {
    /// Designated weight per share over the run: max/mean, sd/mean.
    given_max_over_mean: f64,
    given_cv: f64,
    max_over_mean: f64,
    cv: f64,
    incompetent: usize,
    split_series: usize,
    series: usize,
    designated: usize,
    unassigned: usize,
    times_ms: Vec<f64>,
    worst_gap: f64,
}

#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
fn simulate(instance: &InstanceDoc, args: &Args, policy: Policy) -> Outcome {
    let rules = DistributionRules::embedded();
    let start = parse_date(&instance.horizon.start).expect("horizon start");
    let chambers: Vec<String> = instance.chambers.iter().map(|c| c.id.clone()).collect();
    let mut pool: BTreeMap<String, Vec<Candidate>> =
        chambers.iter().map(|c| (c.clone(), candidates(instance, c))).collect();
    let mut desks: BTreeMap<String, Desk> = BTreeMap::new();
    let mut dossiers: Vec<_> = instance.dossiers.iter().filter(|d| pool.contains_key(&d.chamber)).collect();
    dossiers.sort_by(|a, b| (&a.registration_date, &a.id).cmp(&(&b.registration_date, &b.id)));
    let weeks = args.weeks as usize;
    let per_week = dossiers.len().div_ceil(weeks);
    // The court's weekly rate: the inflow's weight per share.
    let total_share: f64 = pool.values().flatten().filter_map(|c| rules.share(c.role)).sum();
    let inflow: f64 = dossiers.iter().map(|d| rules.weight(circuit_of(d.circuit.as_deref()), false)).sum();
    let rate = inflow / weeks as f64 / total_share;
    let mut robin = RoundRobin::default();
    let mut given: BTreeMap<String, f64> = BTreeMap::new();
    let mut outcome = Outcome {
        given_max_over_mean: 0.0,
        given_cv: 0.0,
        max_over_mean: 0.0,
        cv: 0.0,
        incompetent: 0,
        split_series: 0,
        series: 0,
        designated: 0,
        unassigned: 0,
        times_ms: Vec::new(),
        worst_gap: 0.0,
    };
    let mut series_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The matter each dossier has, whatever the policy reads of it.
    let matters: BTreeMap<&str, Option<&String>> =
        dossiers.iter().map(|d| (d.pourvoi.as_str(), d.matter.as_ref())).collect();
    for week in 0..weeks {
        let today = start + chrono::Duration::days(7 * week as i64);
        // Loads as the registry would read them.
        for candidates in pool.values_mut() {
            for candidate in candidates.iter_mut() {
                let desk = desks.entry(candidate.id.clone()).or_default();
                candidate.load = desk.due.iter().map(|w| w.weight).sum::<f64>()
                    + desk.filed.iter().map(|(_, residual)| residual).sum::<f64>();
                candidate.due = desk.due.len();
            }
        }
        let inflow = &dossiers[(week * per_week).min(dossiers.len())..((week + 1) * per_week).min(dossiers.len())];
        let batches: Vec<Batch> = chambers
            .iter()
            .map(|chamber| Batch {
                chamber: chamber.clone(),
                designating: Designating::Rapporteur,
                today,
                dossiers: inflow
                    .iter()
                    .filter(|d| &d.chamber == chamber)
                    .map(|d| BatchDossier {
                        id: 0,
                        pourvoi: d.pourvoi.clone(),
                        section: d.section.clone(),
                        matter: if policy == Policy::OptimisedSectionOnly { None } else { d.matter.clone() },
                        circuit: circuit_of(d.circuit.as_deref()),
                        parties: Vec::new(),
                        recused: d.recused.clone(),
                        ruling_due: d.deadline.as_deref().and_then(|raw| parse_date(raw).ok()),
                        series: d.joined_group.clone(),
                        series_designee: d
                            .joined_group
                            .as_ref()
                            .and_then(|g| series_of.get(g))
                            .and_then(|who| who.iter().next())
                            .map(|who| (who.clone(), "—".to_owned())),
                    })
                    .collect(),
                candidates: pool[chamber].clone(),
            })
            .collect();
        let designations: Vec<Vec<Option<usize>>> = match policy {
            Policy::Optimised | Policy::OptimisedSectionOnly => {
                let started = Instant::now();
                let proposals = propose_court(&batches, rules, Settings::default());
                outcome.times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
                proposals
                    .into_iter()
                    .zip(&batches)
                    .map(|(proposal, batch)| match proposal {
                        Ok(p) => {
                            outcome.worst_gap = outcome.worst_gap.max(p.solution.gap().unwrap_or(f64::INFINITY));
                            let mut out = vec![None; batch.dossiers.len()];
                            for d in p.designations {
                                out[d.dossier] = Some(d.candidate);
                            }
                            out
                        }
                        // A batch that cannot be distributed whole: none of
                        // it is designated (the chamber fixes it by hand).
                        Err(_) => vec![None; batch.dossiers.len()],
                    })
                    .collect()
            }
            Policy::RoundRobin => batches.iter().map(|batch| robin.assign(batch, rules)).collect(),
        };
        for (batch, chosen) in batches.iter().zip(designations) {
            for (dossier, chosen) in batch.dossiers.iter().zip(chosen) {
                let Some(c) = chosen else {
                    outcome.unassigned += 1;
                    continue;
                };
                let candidate = &batch.candidates[c];
                outcome.designated += 1;
                let lacks_section = matches!((&dossier.section, &candidate.section), (Some(a), Some(b)) if a != b);
                let lacks_matter =
                    matters[dossier.pourvoi.as_str()].is_some_and(|m| !candidate.specialties.contains(m));
                if lacks_section || lacks_matter {
                    outcome.incompetent += 1;
                }
                if let Some(group) = &dossier.series {
                    series_of.entry(group.clone()).or_default().insert(candidate.id.clone());
                }
                let weight = rules.weight(dossier.circuit, false);
                *given.entry(candidate.id.clone()).or_default() += weight;
                desks.entry(candidate.id.clone()).or_default().due.push_back(Work { weight, remaining: weight });
            }
        }
        // A week of work: reports filed oldest first, judgments.
        for candidates in pool.values() {
            for candidate in candidates {
                let Some(share) = rules.share(candidate.role) else { continue };
                let desk = desks.entry(candidate.id.clone()).or_default();
                while desk.filed.front().is_some_and(|(filed, _)| week >= filed + args.judged_after) {
                    desk.filed.pop_front();
                }
                let mut capacity = rate * share;
                while capacity > 0.0 {
                    let Some(work) = desk.due.front_mut() else { break };
                    let done = work.remaining.min(capacity);
                    work.remaining -= done;
                    capacity -= done;
                    if work.remaining <= 1e-9 {
                        let weight = work.weight;
                        desk.due.pop_front();
                        desk.filed.push_back((week, rules.weights.report_filed.value * weight));
                    }
                }
            }
        }
    }
    // The spread of the load per share at the end.
    let per_share: Vec<f64> = pool
        .values()
        .flatten()
        .filter_map(|c| {
            let share = rules.share(c.role)?;
            let desk = desks.get(&c.id)?;
            let load = desk.due.iter().map(|w| w.remaining).sum::<f64>()
                + desk.filed.iter().map(|(_, residual)| residual).sum::<f64>();
            Some(load / share)
        })
        .collect();
    (outcome.max_over_mean, outcome.cv) = spread(&per_share);
    let given_per_share: Vec<f64> = pool
        .values()
        .flatten()
        .filter_map(|c| Some(given.get(&c.id).copied().unwrap_or(0.0) / rules.share(c.role)?))
        .collect();
    (outcome.given_max_over_mean, outcome.given_cv) = spread(&given_per_share);
    outcome.series = series_of.len();
    outcome.split_series = series_of.values().filter(|who| who.len() > 1).count();
    outcome
}

/// Max over mean and standard deviation over mean.
#[allow(clippy::cast_precision_loss)]
fn spread(values: &[f64]) -> (f64, f64) {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let max = values.iter().copied().fold(0.0, f64::max);
    let variance = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / values.len() as f64;
    (max / mean, variance.sqrt() / mean)
}

/// The floor competence puts under the designated weight's max/mean: a
/// (section, matter) whose dossiers only some magistrates may report gives
/// one of them at least its weight over their shares.
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
        .flat_map(|c| candidates(instance, &c.id).into_iter().map(|m| (m, c.id.clone())))
        .filter(|(m, _)| rules.share(m.role).is_some())
        .collect();
    let total: f64 = demand.values().sum();
    let shares: f64 = reporters.iter().filter_map(|(m, _)| rules.share(m.role)).sum();
    let mean = total / shares;
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
        let floor = if able > 0.0 { weight / able / mean } else { f64::INFINITY };
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
    for policy in [Policy::Optimised, Policy::OptimisedSectionOnly, Policy::RoundRobin] {
        let mut outcome = simulate(&instance, &args, policy);
        outcome.times_ms.sort_by(f64::total_cmp);
        let times = if outcome.times_ms.is_empty() {
            "—".to_owned()
        } else {
            format!("{:.0} / {:.0}", percentile(&outcome.times_ms, 0.5), percentile(&outcome.times_ms, 1.0))
        };
        let gap = if policy != Policy::RoundRobin { format!("{:.2e}", outcome.worst_gap) } else { "—".into() };
        println!(
            "| {policy:?} | {times} | {gap} | {:.3} | {:.3} | {:.3} | {:.3} | {}/{} | {}/{} | {} |",
            outcome.given_max_over_mean,
            outcome.given_cv,
            outcome.max_over_mean,
            outcome.cv,
            outcome.incompetent,
            outcome.designated,
            outcome.split_series,
            outcome.series,
            outcome.unassigned
        );
    }
}
