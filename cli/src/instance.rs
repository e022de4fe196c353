//! `greffe instance …`: check planning instances.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use greffe_models::format::{ReadError, read_instance};
use greffe_models::{ChamberSummary, Summary};

use super::{EXIT_OK, EXIT_REFUSED, Failure, Io, files};

#[derive(Debug, Subcommand)]
pub(crate) enum InstanceCommand {
    /// Check an instance: print its summary (exit 0) or every problem (exit 1).
    Validate {
        /// The instance file (JSON).
        file: PathBuf,
        /// Print a JSON report instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export the planning instance of a chamber and horizon from the store,
    /// so that any plan can be reproduced offline; the dossiers left out are
    /// listed with their reason.
    Export(super::service::ExportArgs),
    /// Print the built-in planning rules (JSON), each with its source and
    /// whether it is confirmed: a starting point for `--planning-rules`.
    Rules,
}

pub(crate) fn run(command: InstanceCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    match command {
        InstanceCommand::Validate { file, json } => validate(&file, json, io),
        InstanceCommand::Export(args) => super::service::export_instance(args, io),
        InstanceCommand::Rules => {
            let rules = greffe_models::planning::PlanningRules::default();
            let text = serde_json::to_string_pretty(&rules).map_err(|e| Failure::usage(e.to_string()))?;
            let _ = writeln!(io.out, "{text}");
            Ok(EXIT_OK)
        }
    }
}

fn validate(file: &Path, json: bool, io: &mut Io<'_>) -> Result<u8, Failure> {
    let text = files::read_text(file)?;
    match read_instance(&text) {
        Ok(instance) => {
            let summary = instance.summary();
            if json {
                let report = serde_json::json!({ "ok": true, "summary": summary });
                let _ = writeln!(io.out, "{report:#}");
            } else {
                let _ = write!(io.out, "{}", render_summary(&summary));
            }
            Ok(EXIT_OK)
        }
        Err(ReadError::Json(error)) => {
            Err(Failure::usage(format!("« {} » n'est pas une instance lisible : {error}", file.display())))
        }
        Err(ReadError::Invalid(problems)) => {
            if json {
                let report = serde_json::json!({ "ok": false, "problems": problems });
                let _ = writeln!(io.out, "{report:#}");
            } else {
                let _ = writeln!(io.err, "« {} » : {} problème(s), instance refusée", file.display(), problems.len());
                for problem in &problems {
                    let _ = writeln!(io.err, "  {problem}");
                }
            }
            Ok(EXIT_REFUSED)
        }
    }
}

fn row(c: &ChamberSummary) -> String {
    let ratio = c.load_ratio().map_or("-".to_owned(), |r| format!("{r:.3}"));
    format!(
        "{:<8}{:>11}{:>5}{:>11}{:>10}{:>9.1}{:>10.1}{:>8}{:>8}{:>12}{:>8}\n",
        c.chamber,
        c.sitting_magistrates,
        c.avocats_generaux,
        c.hearings,
        c.dossiers,
        c.dossier_weight,
        c.capacity_weight,
        ratio,
        c.with_deadline,
        c.with_recusal,
        c.joined
    )
}

/// The text summary of a valid instance.
fn render_summary(summary: &Summary) -> String {
    let mut text = format!("Instance valide — période du {} au {}\n", summary.horizon_start, summary.horizon_end);
    text.push_str(&format!(
        "{:<8}{:>11}{:>5}{:>11}{:>10}{:>9}{:>10}{:>8}{:>8}{:>12}{:>8}\n",
        "chambre",
        "magistrats",
        "AG",
        "audiences",
        "dossiers",
        "poids",
        "capacité",
        "charge",
        "délais",
        "récusations",
        "joints"
    ));
    for chamber in &summary.chambers {
        text.push_str(&row(chamber));
    }
    text.push_str(&row(&summary.total));
    text
}
