//! `greffe plan …`: check hearing plans against an instance.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use greffe_checker::{CheckOptions, check};
use greffe_models::format::{ReadError, read_instance};
use greffe_models::{Instance, Plan};

use super::{EXIT_OK, EXIT_REFUSED, Failure, Io, files};

#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
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
    let PlanCommand::Check { instance, plan, allow_moving_pinned, json } = command;
    let instance = load_instance(&instance)?;
    let plan = load_plan(&plan)?;
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
