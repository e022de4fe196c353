//! `greffe calendar …`: public holidays by place.

use clap::Subcommand;
use greffe_models::calendar::{self, Place};

use super::{EXIT_OK, Failure, Io};

/// Parses `--place`, listing the known places on error.
pub(crate) fn parse_place(raw: &str) -> Result<Place, String> {
    Place::parse(raw).ok_or_else(|| format!("lieu « {raw} » inconnu ; lieux connus : {}", Place::ids().join(", ")))
}

fn parse_year(raw: &str) -> Result<i32, String> {
    raw.parse::<i32>().ok().filter(|year| (calendar::FIRST_YEAR..=calendar::LAST_YEAR).contains(year)).ok_or_else(
        || format!("année « {raw} » invalide : donner une année de {} à {}", calendar::FIRST_YEAR, calendar::LAST_YEAR),
    )
}

#[derive(Debug, Subcommand)]
pub(crate) enum CalendarCommand {
    /// List the public holidays of a year at a place.
    Holidays {
        /// The year (1900–2200).
        #[arg(long, value_parser = parse_year)]
        year: i32,
        /// The place: paris (default), alsace-moselle, guadeloupe, martinique,
        /// guyane, la-reunion, mayotte, saint-barthelemy, saint-martin.
        #[arg(long, value_parser = parse_place, default_value = "paris")]
        place: Place,
        /// Print a JSON array of {"date", "name"}.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(command: CalendarCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    let CalendarCommand::Holidays { year, place, json } = command;
    let holidays =
        calendar::holidays(year, place).ok_or_else(|| Failure::usage(format!("année {year} non prise en charge")))?;
    if json {
        let _ = writeln!(io.out, "{:#}", serde_json::json!(holidays));
    } else {
        let _ = writeln!(io.out, "Jours fériés {year} — {} ({})", place.label(), place.source());
        for holiday in &holidays {
            let _ = writeln!(io.out, "{}  {}", holiday.date, holiday.name);
        }
        if !place.confirmed() {
            let _ = writeln!(io.out, "Attention : une date de ce calendrier est à confirmer (sources divergentes).");
        }
    }
    Ok(EXIT_OK)
}
