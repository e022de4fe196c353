//! `greffe fixtures …`: generate realistic court instances.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use greffe_fixtures::{GeneratorConfig, Scale, default_start, generate};
use greffe_models::format::{doc_to_json, validate};
use greffe_models::{Date, PlenaryComposition};

use super::{EXIT_OK, Failure, Io, files};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ScaleArg {
    /// Two small chambers, a few dozen dossiers.
    Small,
    /// The social chamber at its real size.
    Chamber,
    /// The six chambers at their real size.
    Court,
}

impl From<ScaleArg> for Scale {
    fn from(scale: ScaleArg) -> Scale {
        match scale {
            ScaleArg::Small => Scale::Small,
            ScaleArg::Chamber => Scale::Chamber,
            ScaleArg::Court => Scale::Court,
        }
    }
}

/// The composition every FP hearing states (R421-4-1 COJ).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PlenaryArg {
    /// President, doyens, every conseiller and référendaire of the chamber.
    Full,
    /// President, doyens, per section the two senior conseillers and the
    /// senior référendaire.
    Reduced,
}

impl From<PlenaryArg> for PlenaryComposition {
    fn from(arg: PlenaryArg) -> PlenaryComposition {
        match arg {
            PlenaryArg::Full => PlenaryComposition::Full,
            PlenaryArg::Reduced => PlenaryComposition::Reduced,
        }
    }
}

fn parse_date_arg(raw: &str) -> Result<Date, String> {
    greffe_models::dates::parse_date(raw).map_err(|error| error.to_string())
}

#[derive(Debug, Subcommand)]
pub(crate) enum FixturesCommand {
    /// Generate an instance, reproducible from the scale, weeks, seed and start.
    Generate {
        /// Size of the court.
        #[arg(long, value_enum)]
        scale: ScaleArg,
        /// Weeks in the horizon (1–52).
        #[arg(long, default_value_t = 8)]
        weeks: u32,
        /// Seed of the random draws.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// First day of the horizon, a Monday [default: 2027-01-04].
        #[arg(long, value_parser = parse_date_arg)]
        start: Option<Date>,
        /// Multiplies the criminal chamber's share of dossiers with a
        /// statutory ruling deadline (detention, European arrest warrant):
        /// 2 doubles it (1–5).
        #[arg(long, default_value_t = 1)]
        deadline_factor: u32,
        /// Multiplies every chamber's size: its magistrates, hearings a
        /// week and so its dossiers (1–4; 2: the planner's scaling
        /// benchmark).
        #[arg(long, default_value_t = 1)]
        chamber_factor: u32,
        /// Adds the chambre mixte and the assemblée plénière (premier
        /// président, designations, a hearing of each about every six
        /// weeks, referred dossiers).
        #[arg(long)]
        multi_chamber: bool,
        /// Every FR and FS hearing sits for one section of its chamber and
        /// every dossier is of its rapporteur's section (R421-4-3, R431-5
        /// COJ); no other draw changes.
        #[arg(long)]
        sections: bool,
        /// Every FP hearing sits in this composition of R421-4-1 COJ, its
        /// bench the law's; no draw changes.
        #[arg(long, value_enum)]
        plenary: Option<PlenaryArg>,
        /// Where to write the instance (JSON).
        #[arg(long)]
        out: PathBuf,
    },
}

pub(crate) fn run(command: FixturesCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    let FixturesCommand::Generate {
        scale,
        weeks,
        seed,
        start,
        deadline_factor,
        chamber_factor,
        multi_chamber,
        sections,
        plenary,
        out,
    } = command;
    let config = GeneratorConfig {
        start: start.unwrap_or_else(default_start),
        deadline_factor,
        chamber_factor,
        multi_chamber,
        sections,
        plenary: plenary.map(Into::into),
        ..GeneratorConfig::new(scale.into(), weeks, seed)
    };
    let doc = generate(&config).map_err(|error| Failure::usage(error.to_string()))?;
    let instance = validate(&doc).map_err(|problems| Failure {
        code: super::EXIT_REFUSED,
        message: format!(
            "erreur interne : l'instance générée est invalide ({} problème(s), premier : {})",
            problems.len(),
            problems.first().map(ToString::to_string).unwrap_or_default()
        ),
    })?;
    files::write_text(&out, &doc_to_json(&doc))?;
    let total = instance.summary().total;
    let _ = writeln!(
        io.out,
        "{} chambre(s), {} magistrats, {} audiences, {} dossiers ({} semaine(s), graine {seed}) → {}",
        instance.chambers().len(),
        total.sitting_magistrates + total.avocats_generaux,
        total.hearings,
        total.dossiers,
        weeks,
        out.display()
    );
    Ok(EXIT_OK)
}
