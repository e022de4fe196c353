//! `greffe deadline …`: procedural deadlines from the rule catalogue.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use greffe_models::Date;
use greffe_models::calendar::Place;
use greffe_models::deadlines::{
    Catalogue, DeadlineConfig, DeadlineStatus, DossierContext, Event, Procedure, Residence, Start, alerts, closed_on,
    compute, dossier_deadlines, effective_events,
};
use greffe_models::format::from_json_text;
use serde::Deserialize;

use super::calendar::parse_place;
use super::{EXIT_OK, Failure, Io, files};

fn parse_residence(raw: &str) -> Result<Residence, String> {
    Residence::parse(raw)
        .ok_or_else(|| format!("résidence « {raw} » inconnue ; valeurs admises : metropole, outre-mer, etranger"))
}

fn parse_date_arg(raw: &str) -> Result<Date, String> {
    greffe_models::dates::parse_date(raw).map_err(|error| error.to_string())
}

#[derive(Debug, Subcommand)]
pub(crate) enum DeadlineCommand {
    /// Compute one deadline from the date of the act that starts it.
    Compute {
        /// Rule id (see `greffe deadline rules`).
        #[arg(long)]
        rule: String,
        /// Date of the starting act, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date_arg)]
        from: Date,
        /// Residence of the party who must act (CPC 643, 1023).
        #[arg(long, value_parser = parse_residence, default_value = "metropole")]
        residence: Residence,
        /// Calendar of the place where the act is done.
        #[arg(long, value_parser = parse_place, default_value = "paris")]
        place: Place,
        /// Catalogue file (TOML) replacing or adding rules.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the rule catalogue.
    Rules {
        /// Catalogue file (TOML) replacing or adding rules.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every deadline of a dossier from its journal of events, and the alerts.
    Dossier {
        /// The dossier's events (JSON, see docs/formats.md).
        #[arg(long)]
        events: PathBuf,
        /// Day to evaluate the states on [default: today in Paris].
        #[arg(long, value_parser = parse_date_arg)]
        today: Option<Date>,
        /// A pending deadline due within this many days is "due_soon".
        #[arg(long, default_value_t = DeadlineConfig::default().warning_days)]
        warning_days: u32,
        /// Catalogue file (TOML) replacing or adding rules.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn catalogue(rules: Option<&Path>) -> Result<std::borrow::Cow<'static, Catalogue>, Failure> {
    match rules {
        None => Ok(std::borrow::Cow::Borrowed(Catalogue::embedded())),
        Some(path) => {
            let text = files::read_text(path)?;
            Catalogue::embedded_with_overrides(&text)
                .map(std::borrow::Cow::Owned)
                .map_err(|error| Failure::usage(format!("« {} » : {error}", path.display())))
        }
    }
}

pub(crate) fn run(command: DeadlineCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    match command {
        DeadlineCommand::Compute { rule, from, residence, place, rules, json } => {
            let catalogue = catalogue(rules.as_deref())?;
            let found = catalogue.rule(&rule).ok_or_else(|| {
                Failure::usage(format!("règle « {rule} » inconnue ; règles connues : {}", catalogue.ids().join(", ")))
            })?;
            let computed = compute(found, Start { from, residence, place, extra_days: 0 })
                .map_err(|error| Failure::usage(error.to_string()))?;
            if json {
                let report = serde_json::json!({
                    "rule": found.id,
                    "label": found.label,
                    "article": computed.citation(),
                    "from": from,
                    "residence": residence,
                    "place": place.id(),
                    "distance_months": computed.distance_months,
                    "raw_end": computed.raw_end,
                    "due": computed.due,
                    "extended_because": computed.extended_because(),
                    "unextended_reason": computed.unextended_reason(),
                    "consequence": found.consequence,
                    "confirmed": found.confirmed,
                });
                let _ = writeln!(io.out, "{report:#}");
            } else {
                let _ = writeln!(io.out, "{} — {} ({})", found.id, found.label, computed.citation());
                let _ = writeln!(io.out, "  point de départ : {from} ({})", found.starts_on.label_fr());
                if computed.distance_months > 0 {
                    let _ = writeln!(io.out, "  distance        : + {} mois ({residence})", computed.distance_months);
                }
                let _ = writeln!(io.out, "  fin brute       : {}", computed.raw_end);
                let _ = writeln!(io.out, "  échéance        : {}", computed.due);
                if let Some(why) = computed.extended_because() {
                    let _ = writeln!(io.out, "  prorogation     : {why}");
                }
                if let Some(why) = computed.unextended_reason() {
                    let _ = writeln!(io.out, "  sans prorogation : {why}");
                }
                let _ = writeln!(io.out, "  sanction        : {}", found.consequence);
                if !found.confirmed {
                    let _ = writeln!(
                        io.out,
                        "  À CONFIRMER : cette règle n'est pas encore vérifiée dans le texte en vigueur."
                    );
                }
            }
            Ok(EXIT_OK)
        }
        DeadlineCommand::Rules { rules, json } => {
            let catalogue = catalogue(rules.as_deref())?;
            if json {
                let _ = writeln!(io.out, "{:#}", serde_json::json!(catalogue.rules()));
            } else {
                for rule in catalogue.rules() {
                    let versions: Vec<String> = rule
                        .versions
                        .iter()
                        .map(|v| {
                            let period = match (v.valid_from, v.valid_until) {
                                (None, None) => String::new(),
                                (Some(from), None) => format!(" (actes du {from} et après)"),
                                (None, Some(until)) => format!(" (actes avant le {until})"),
                                (Some(from), Some(until)) => format!(" (actes du {from} au {until} exclu)"),
                            };
                            format!("{} — art. {} {}{period}", v.unit.label_fr(v.amount), v.article, rule.code)
                        })
                        .collect();
                    let flag = if rule.confirmed { "" } else { " [à confirmer]" };
                    let _ = writeln!(io.out, "{}{flag} : {} — {}", rule.id, rule.label, versions.join(" ; "));
                }
            }
            Ok(EXIT_OK)
        }
        DeadlineCommand::Dossier { events, today, warning_days, rules, json } => {
            let catalogue = catalogue(rules.as_deref())?;
            let text = files::read_text(&events)?;
            let journal: JournalDoc = from_json_text(&text)
                .map_err(|error| Failure::usage(format!("« {} » illisible : {error}", events.display())))?;
            let place = match &journal.place {
                None => Place::PARIS,
                Some(raw) => parse_place(raw).map_err(|message| Failure::usage(format!("« place » : {message}")))?,
            };
            let context = DossierContext {
                procedure: journal.procedure,
                residence_demandeur: journal.residence_demandeur,
                residence_defendeur: journal.residence_defendeur,
                place,
            };
            let today = today.unwrap_or_else(|| greffe_models::dates::paris_date(chrono::Utc::now()));
            let statuses =
                dossier_deadlines(&catalogue, context, &journal.events, today, DeadlineConfig { warning_days })
                    .map_err(|error| Failure { code: super::EXIT_REFUSED, message: error.to_string() })?;
            // A closed dossier (decided, withdrawn) alerts nobody.
            let closed = effective_events(&journal.events)
                .ok()
                .and_then(|events| closed_on(&events))
                .is_some_and(|day| day <= today);
            let alerts = if closed { Vec::new() } else { alerts(&statuses) };
            if json {
                let report = serde_json::json!({ "today": today, "deadlines": statuses, "alerts": alerts });
                let _ = writeln!(io.out, "{report:#}");
            } else {
                let _ = writeln!(io.out, "Délais au {today}");
                for status in &statuses {
                    let _ = writeln!(io.out, "{}", render_status(status));
                }
                if !alerts.is_empty() {
                    let _ = writeln!(io.out, "Alertes :");
                    for alert in &alerts {
                        let _ = writeln!(
                            io.out,
                            "  [{}] {} : {}",
                            alert.severity.label_fr(),
                            alert.recipient.label_fr(),
                            alert.message
                        );
                    }
                }
            }
            Ok(EXIT_OK)
        }
    }
}

fn render_status(status: &DeadlineStatus) -> String {
    let due = status.due.map_or("suspendu".to_owned(), |d| d.to_string());
    let flag = if status.confirmed { "" } else { " [à confirmer]" };
    let mut line =
        format!("  {:<45} {:<11} {:<12} {}{flag}", status.rule, due, status.state.label_fr(), status.article);
    for note in &status.notes {
        line.push_str(&format!("\n      {note}"));
    }
    line
}

/// The `--events` file: a dossier's procedure, the parties' residences and
/// its journal.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalDoc {
    procedure: Procedure,
    #[serde(default)]
    residence_demandeur: Residence,
    #[serde(default)]
    residence_defendeur: Residence,
    #[serde(default)]
    place: Option<String>,
    events: Vec<Event>,
}
