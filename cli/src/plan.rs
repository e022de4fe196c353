//! `greffe plan …`: propose, check and explain hearing plans.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use greffe_checker::{CheckOptions, Violation, check};
use greffe_models::diff::diff;
use greffe_models::events::{EventsDoc, apply_events};
use greffe_models::format::from_json_text;
use greffe_models::format::{ReadError, read_instance};
use greffe_models::{Instance, Plan};

use greffe_models::DossierId;
use greffe_solver::{Objective, ObjectiveWeights, RepairConfig, SolveConfig, repair, solve};

use super::{EXIT_OK, EXIT_REFUSED, Failure, Io, files};

/// Exit code: a plan was written but breaks hard requirements it names.
pub(crate) const EXIT_BROKEN_REQUIREMENTS: u8 = 3;
/// Exit code: the checker found a violation the plan does not declare — a
/// solver bug.
pub(crate) const EXIT_SOLVER_BUG: u8 = 4;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum ObjectiveArg {
    /// Exactly the planning brief's benchmark formula.
    Benchmark,
    /// Benchmark plus grouping by matter, load balance and stability.
    Default,
}

fn parse_seconds(raw: &str) -> Result<f64, String> {
    raw.parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0).ok_or_else(|| {
        format!("durée « {raw} » invalide : donner un nombre de secondes entre 0 et 86400 (exemple : 10)")
    })
}

#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
    /// Propose a plan for an instance and write it (exit 3 when hard
    /// requirements cannot all be met: they are named in the plan).
    Propose {
        /// The instance (JSON).
        #[arg(long)]
        instance: PathBuf,
        /// Where to write the plan (JSON).
        #[arg(long)]
        out: PathBuf,
        /// What to maximise.
        #[arg(long, value_enum, default_value = "default")]
        objective: ObjectiveArg,
        /// Wall-clock limit in seconds.
        #[arg(long, value_parser = parse_seconds, default_value = "10")]
        time_limit: f64,
        /// Worker threads (0: all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Seed of tie-breaks and of the MILP solver.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Deterministic work limit: branch-and-bound nodes per chamber.
        #[arg(long)]
        node_limit: Option<u64>,
        /// A previous plan, reference for stability.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Published (pinned) dossiers may move; each move is reported.
        #[arg(long)]
        allow_moving_pinned: bool,
        /// Print per-chamber figures.
        #[arg(long)]
        stats: bool,
    },
    /// Repair a published plan after events with as few changes as possible;
    /// write the repaired plan, print the changes and the tasks they imply
    /// (exit 1 when the events are refused, 3 when a hard requirement
    /// cannot be met).
    Repair {
        /// The instance the previous plan was made for (JSON).
        #[arg(long)]
        instance: PathBuf,
        /// The published plan (JSON).
        #[arg(long)]
        previous: PathBuf,
        /// The events (JSON, `docs/formats.md`, "Events").
        #[arg(long)]
        events: PathBuf,
        /// Where to write the repaired plan (JSON).
        #[arg(long)]
        out: PathBuf,
        /// Where to write the report: diff with reasons, tasks, disruption (JSON).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Wall-clock limit of the repair, in seconds.
        #[arg(long, value_parser = parse_seconds, default_value = "5")]
        time_limit: f64,
        /// Wall-clock limit of the from-scratch re-plan the repair is compared with.
        #[arg(long, value_parser = parse_seconds, default_value = "10")]
        scratch_time_limit: f64,
        /// Skip the comparison with a from-scratch re-plan.
        #[arg(long)]
        no_scratch: bool,
        /// Seed of the MILP solver.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Tell why a dossier is where it is in a plan, or why it is not scheduled.
    Explain {
        /// The instance (JSON).
        #[arg(long)]
        instance: PathBuf,
        /// The plan (JSON).
        #[arg(long)]
        plan: PathBuf,
        /// The dossier id.
        #[arg(long)]
        dossier: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-verify every hard rule of a plan: exit 0 when none is broken, 1
    /// with the violations listed otherwise.
    Check {
        /// The instance (JSON).
        #[arg(long)]
        instance: PathBuf,
        /// The plan (JSON), the solver's or edited by hand.
        #[arg(long)]
        plan: PathBuf,
        /// Published dossiers may move: their moves are not violations.
        #[arg(long)]
        allow_moving_pinned: bool,
        /// Print `{"ok": bool, "violations": [...]}`.
        #[arg(long)]
        json: bool,
    },
}

/// Reads and validates an instance file; any problem exits 2 (the instance
/// is an argument of this command, not its subject).
pub(crate) fn load_instance(path: &Path) -> Result<Instance, Failure> {
    let text = files::read_text(path)?;
    read_instance(&text).map_err(|error| match error {
        ReadError::Json(error) => {
            Failure::usage(format!("« {} » n'est pas une instance lisible : {error}", path.display()))
        }
        ReadError::Invalid(problems) => Failure::usage(format!(
            "« {} » est une instance invalide ({} problème(s) ; voir `greffe instance validate`), premier : {}",
            path.display(),
            problems.len(),
            problems.first().map(ToString::to_string).unwrap_or_default()
        )),
    })
}

/// Reads a plan file; any problem exits 2.
pub(crate) fn load_plan(path: &Path) -> Result<Plan, Failure> {
    let text = files::read_text(path)?;
    Plan::from_json(&text)
        .map_err(|error| Failure::usage(format!("« {} » n'est pas un projet lisible : {error}", path.display())))
}

pub(crate) fn run(command: PlanCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    match command {
        PlanCommand::Check { instance, plan, allow_moving_pinned, json } => {
            run_check(&instance, &plan, allow_moving_pinned, json, io)
        }
        PlanCommand::Propose {
            instance,
            out,
            objective,
            time_limit,
            threads,
            seed,
            node_limit,
            previous,
            allow_moving_pinned,
            stats,
        } => {
            // The limit covers the whole command: reading, solving, writing.
            let started = std::time::Instant::now();
            let instance = load_instance(&instance)?;
            let previous = previous.as_deref().map(load_plan).transpose()?;
            let writing_margin = std::time::Duration::from_millis(100);
            let config = SolveConfig {
                time_limit: std::time::Duration::from_secs_f64(time_limit)
                    .saturating_sub(started.elapsed() + writing_margin),
                threads,
                seed,
                node_limit,
                allow_moving_pinned,
                previous: previous.as_ref(),
                objective: match objective {
                    ObjectiveArg::Benchmark => Objective::Benchmark,
                    ObjectiveArg::Default => Objective::Default(ObjectiveWeights::default()),
                },
                ..SolveConfig::default()
            };
            let solved = solve(&instance, &config).map_err(|error| Failure::usage(error.to_string()))?;
            files::write_text(&out, &solved.plan.to_json())?;
            let plan = &solved.plan;
            let pct = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{:.2} %", 100.0 * x));
            let num = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{x:.1}"));
            // Under the default objective, the benchmark formula's value of
            // the same plan, to compare with benchmark runs.
            let benchmark = match config.objective {
                Objective::Default(_) => {
                    format!(" (dont valeur benchmark {:.1})", solved.parts.iter().map(|p| p.benchmark).sum::<f64>())
                }
                Objective::Benchmark => String::new(),
            };
            let _ = writeln!(
                io.out,
                "{}/{} dossiers audiencés, objectif {}{benchmark}, borne {}, écart {}, {:.1} s{} → {}",
                plan.assignments.len(),
                instance.dossiers().len(),
                num(plan.objective),
                num(plan.bound),
                pct(plan.gap),
                plan.solve_ms.unwrap_or(0) as f64 / 1000.0,
                if plan.time_limit_hit == Some(true) { " (limite de temps atteinte)" } else { "" },
                out.display()
            );
            if stats {
                for part in &solved.parts {
                    let _ = writeln!(
                        io.out,
                        "  {:<6} {:>5} dossiers {:>4} audiences {:>7} paires  {} {:>5}/{:<5} objectif {:>10.1} borne {:>10} {:>6} ms {:>4} voisinages {}{}",
                        part.chamber,
                        part.dossiers,
                        part.hearings,
                        part.pairs,
                        part.model,
                        part.assigned,
                        part.dossiers,
                        part.objective,
                        num(part.bound),
                        part.solve_ms,
                        part.neighbourhoods,
                        part.milp_status,
                        if part.time_limit_hit { " (limite)" } else { "" }
                    );
                }
            }
            finish(plan, &solved.undeclared, io)
        }
        PlanCommand::Repair {
            instance,
            previous,
            events,
            out,
            report,
            time_limit,
            scratch_time_limit,
            no_scratch,
            seed,
        } => {
            let instance = load_instance(&instance)?;
            let previous = load_plan(&previous)?;
            let events_text = files::read_text(&events)?;
            let events_doc: EventsDoc = from_json_text(&events_text).map_err(|error| {
                Failure::usage(format!("« {} » n'est pas un fichier d'événements lisible : {error}", events.display()))
            })?;
            let applied = match apply_events(&instance, &events_doc) {
                Ok(applied) => applied,
                Err(problems) => {
                    let _ = writeln!(io.err, "Événements refusés : {} problème(s), rien n'est modifié", problems.len());
                    for problem in &problems {
                        let _ = writeln!(io.err, "  {problem}");
                    }
                    return Ok(EXIT_REFUSED);
                }
            };
            let config = RepairConfig {
                time_limit: std::time::Duration::from_secs_f64(time_limit),
                seed,
                ..RepairConfig::default()
            };
            let repaired = repair(&applied, &previous, &config);
            files::write_text(&out, &repaired.plan.to_json())?;
            let scratch = (!no_scratch)
                .then(|| {
                    let config = SolveConfig {
                        time_limit: std::time::Duration::from_secs_f64(scratch_time_limit),
                        seed,
                        objective: Objective::Default(ObjectiveWeights::default()),
                        ..SolveConfig::default()
                    };
                    solve(&applied.instance, &config).map(|solved| diff(&previous, &solved.plan))
                })
                .transpose()
                .map_err(|error| Failure::usage(error.to_string()))?;
            let d = &repaired.disruption;
            let _ = writeln!(
                io.out,
                "{} événement(s) ; {} déplacé(s), {} retiré(s), {} ajouté(s), {} siège(s) changé(s) — {} changement(s) pour un minimum de {}{} ; {} tâche(s) ; {} ms → {}",
                applied.events.len(),
                d.moved,
                d.dropped,
                d.added,
                d.seats_changed,
                d.changes,
                d.minimum,
                if d.changes == d.minimum { " (minimal)" } else { "" },
                repaired.tasks.len(),
                repaired.repair_ms,
                out.display()
            );
            if let Some(scratch) = &scratch {
                let _ = writeln!(
                    io.out,
                    "Replanification complète : {} changement(s) ({} déplacé(s), {} retiré(s), {} siège(s)), {} ajouté(s)",
                    scratch.changes(),
                    scratch.moved.len(),
                    scratch.dropped.len(),
                    scratch.seats_changed(),
                    scratch.added.len()
                );
            }
            for moved in &repaired.diff.moved {
                let _ =
                    writeln!(io.out, "  déplacé  {} {} → {} : {}", moved.dossier, moved.from, moved.to, moved.reason);
            }
            for dropped in &repaired.diff.dropped {
                let _ = writeln!(io.out, "  retiré   {} de {} : {}", dropped.dossier, dropped.hearing, dropped.reason);
            }
            for added in &repaired.diff.added {
                let _ = writeln!(io.out, "  ajouté   {} à {} : {}", added.dossier, added.hearing, added.reason);
            }
            for seat in &repaired.diff.seats {
                let _ = writeln!(io.out, "  siège    {} : {}", seat.hearing, seat.reason);
            }
            for task in &repaired.tasks {
                let _ = writeln!(io.out, "  tâche    {} {} : {}", task.kind.as_str(), task.dossier, task.label);
            }
            if let Some(path) = report {
                let scratch = scratch.as_ref().map(|s| {
                    serde_json::json!({
                        "moved": s.moved.len(), "dropped": s.dropped.len(), "added": s.added.len(),
                        "seats_changed": s.seats_changed(), "changes": s.changes(),
                    })
                });
                let document = serde_json::json!({
                    "events": applied.events.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "disruption": repaired.disruption,
                    "scratch": scratch,
                    "diff": repaired.diff,
                    "tasks": repaired.tasks,
                    "check": repaired.check,
                    "repair_ms": repaired.repair_ms,
                });
                files::write_text(&path, &format!("{document:#}\n"))?;
            }
            finish(&repaired.plan, &repaired.undeclared, io)
        }
        PlanCommand::Explain { instance, plan, dossier, json } => {
            let instance = load_instance(&instance)?;
            let plan = load_plan(&plan)?;
            let id = DossierId::parse(&dossier).map_err(|error| Failure::usage(format!("--dossier : {error}")))?;
            let explanation = greffe_solver::explain(&instance, &plan, &id)
                .ok_or_else(|| Failure::usage(format!("dossier « {dossier} » inconnu de l'instance")))?;
            if json {
                let _ = writeln!(io.out, "{:#}", serde_json::json!(explanation));
            } else {
                let _ = writeln!(io.out, "{}", explanation.summary);
                for verdict in &explanation.hearings {
                    let _ = writeln!(io.out, "  {:<8} {:<17} {}", verdict.hearing, verdict.when, verdict.verdict);
                }
            }
            Ok(EXIT_OK)
        }
    }
}

/// The exit code of a written plan: a solver bug (undeclared violations),
/// broken hard requirements (each named), or success.
fn finish(plan: &Plan, undeclared: &[Violation], io: &mut Io<'_>) -> Result<u8, Failure> {
    if !undeclared.is_empty() {
        let _ = writeln!(
            io.err,
            "ERREUR INTERNE DU PLANIFICATEUR : le projet enfreint {} règle(s) sans le déclarer — à signaler :",
            undeclared.len()
        );
        for violation in undeclared {
            let _ = writeln!(io.err, "  {violation}");
        }
        return Ok(EXIT_SOLVER_BUG);
    }
    if !plan.broken_requirements.is_empty() {
        let _ = writeln!(io.err, "{} exigence(s) impérative(s) non satisfaite(s) :", plan.broken_requirements.len());
        for broken in &plan.broken_requirements {
            let _ =
                writeln!(io.err, "  {} [{} : {}] {}", broken.dossier, broken.requirement, broken.cause, broken.detail);
        }
        return Ok(EXIT_BROKEN_REQUIREMENTS);
    }
    Ok(EXIT_OK)
}

fn run_check(
    instance: &Path,
    plan: &Path,
    allow_moving_pinned: bool,
    json: bool,
    io: &mut Io<'_>,
) -> Result<u8, Failure> {
    let instance = load_instance(instance)?;
    let plan = load_plan(plan)?;
    let report = check(&instance, &plan, CheckOptions { allow_moving_pinned });
    if json {
        let _ = writeln!(io.out, "{:#}", serde_json::json!(report));
    } else if report.ok {
        let _ = writeln!(
            io.out,
            "Projet conforme : {} dossier(s) audiencé(s), {} non audiencé(s), aucune règle enfreinte.",
            plan.assignments.len(),
            plan.unscheduled.len()
        );
    } else {
        let _ = writeln!(io.err, "Projet non conforme : {} violation(s)", report.violations.len());
        for violation in &report.violations {
            let _ = writeln!(io.err, "  {violation}");
        }
    }
    Ok(if report.ok { EXIT_OK } else { EXIT_REFUSED })
}
