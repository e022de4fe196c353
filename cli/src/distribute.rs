//! `greffe distribute`: a chamber's distribution from the command line —
//! the proposal of who reports (or concludes on) each dossier of its batch,
//! with the reasons and every magistrate's load before and after; with
//! `--confirm`, the proposal written as it stands, all or nothing, exactly
//! as the board's confirmation writes it (`greffe_api::api::distribution`).
//! Edits (another magistrate, with the reason) are made on the board or
//! over the API.
//!
//! The command reads and writes the store directly: `--as` names the user
//! whose decision it is (the president of the chamber; for the avocats
//! généraux, the premier avocat général), and the user's role and chambers
//! must allow it, as over HTTP. On SQLite the service holds the file, so
//! the command runs while it is stopped.

use std::path::PathBuf;

use clap::Args;
use greffe_api::api::distribution::{Confirmation, DistributionParams, ProposalView, confirm, proposal_view};
use greffe_api::api::extract::Caller;
use greffe_models::distribution::Designating;
use greffe_store::distribution::DesignationInput;

use super::service::{Database, failure, load_distribution_rules, open, runtime};
use super::{EXIT_OK, EXIT_REFUSED, Failure, Io};

#[derive(Debug, Args)]
pub(crate) struct DistributeArgs {
    #[command(flatten)]
    database: Database,
    /// The chamber (civ1, civ2, civ3, com, soc, cr).
    #[arg(long)]
    chamber: String,
    /// Only the dossiers registered in this ISO week (2026-W49) [default:
    /// every oriented dossier still to distribute].
    #[arg(long)]
    week: Option<String>,
    /// Designate the avocats généraux (the premier avocat général's
    /// decision) instead of the rapporteurs.
    #[arg(long)]
    avocats_generaux: bool,
    /// The user whose decision it is (a president of the chamber; for the
    /// avocats généraux, its premier avocat général).
    #[arg(long = "as", value_name = "USER")]
    user: String,
    /// Write the proposal as it stands (all or nothing); without it nothing
    /// is written.
    #[arg(long)]
    confirm: bool,
    /// Print the proposal (or what was written) as JSON (the API's).
    #[arg(long)]
    json: bool,
    /// The distribution rules [default: the embedded ones,
    /// models/src/distribution/rules.toml].
    #[arg(long, env = "GREFFE_DISTRIBUTION_RULES")]
    distribution_rules: Option<PathBuf>,
}

/// A refusal of the service as the command line reports it: the message,
/// the field it names (as its option) and the fix.
fn refused(error: &greffe_api::error::Error) -> Failure {
    let mut failure = super::document::refused(error);
    let (_, problem) = error.status_and_body();
    if let Some(field) = problem.field.filter(|f| f == "week") {
        failure.message = format!("--{field} : {}", failure.message);
    }
    failure
}

pub(crate) fn distribute(args: DistributeArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    let rules = args.distribution_rules.as_deref().map(load_distribution_rules).transpose()?;
    let designating = if args.avocats_generaux { Designating::AvocatGeneral } else { Designating::Rapporteur };
    runtime()?.block_on(async {
        let store = open(&args.database).await?;
        let _owner = store.own_file().map_err(|error| {
            let mut refused = failure(error);
            refused.message.push_str(" — pendant que le service tourne, distribuer depuis le portail (Distribution)");
            refused
        })?;
        let Some(user) = store.active_user(&args.user).await.map_err(failure)? else {
            store.close().await;
            return Err(Failure {
                code: EXIT_REFUSED,
                message: format!(
                    "aucun utilisateur actif « {} » (--as) ; donner l'identifiant du président de la chambre (greffe user add …)",
                    args.user
                ),
            });
        };
        let caller = Caller(user);
        let mut state = greffe_api::AppState::new(store.clone());
        if let Some(rules) = rules {
            state.distribution = std::sync::Arc::new(rules);
        }
        let params = DistributionParams { designating: Some(designating), week: args.week.clone() };
        let result = run(&state, &caller, &args, &params, io).await;
        store.close().await;
        result
    })
}

async fn run(
    state: &greffe_api::AppState,
    caller: &Caller,
    args: &DistributeArgs,
    params: &DistributionParams,
    io: &mut Io<'_>,
) -> Result<u8, Failure> {
    let view = proposal_view(state, caller, &args.chamber, params).await.map_err(|e| refused(&e))?;
    if !args.confirm || !view.problems.is_empty() || view.dossiers.is_empty() {
        if args.json {
            let _ = writeln!(io.out, "{}", serde_json::to_string_pretty(&view).unwrap_or_default());
        } else {
            print_proposal(&view, io);
        }
        if !view.problems.is_empty() {
            return Ok(EXIT_REFUSED);
        }
        if !args.confirm && !view.dossiers.is_empty() && !args.json {
            let _ = writeln!(
                io.out,
                "\nRien n'est écrit : relancer avec --confirm pour désigner ainsi ; pour en changer une, le tableau de distribution du portail."
            );
        }
        return Ok(EXIT_OK);
    }
    let designations = view
        .dossiers
        .iter()
        .filter_map(|d| {
            let proposed = d.proposed.as_ref()?;
            Some(DesignationInput {
                dossier: d.dossier,
                version: d.version,
                magistrate: proposed.id.clone(),
                proposed: Some(proposed.id.clone()),
                reasons: d.reasons.clone(),
                reason: None,
            })
        })
        .collect();
    let written =
        confirm(state, caller, &args.chamber, Confirmation { designating: Some(view.designating), designations })
            .await
            .map_err(|e| refused(&e))?;
    if args.json {
        let _ = writeln!(io.out, "{}", serde_json::to_string_pretty(&written).unwrap_or_default());
        return Ok(EXIT_OK);
    }
    print_proposal(&view, io);
    let _ = writeln!(
        io.out,
        "\n{} désignation(s) enregistrée(s) et journalisée(s) par {}{}.",
        written.len(),
        caller.id(),
        match view.designating {
            Designating::Rapporteur => " ; les délais internes du rapporteur courent (rapport)",
            Designating::AvocatGeneral => "",
        }
    );
    Ok(EXIT_OK)
}

fn circuit_label(raw: &str) -> &'static str {
    greffe_models::dossier::Circuit::parse(raw).map_or("—", greffe_models::dossier::Circuit::label_fr)
}

fn print_proposal(view: &ProposalView, io: &mut Io<'_>) {
    let what = match view.designating {
        Designating::Rapporteur => "des rapporteurs",
        Designating::AvocatGeneral => "des avocats généraux",
    };
    let week = view.week.as_deref().map_or_else(String::new, |w| format!(", semaine {w}"));
    let _ = writeln!(io.out, "Distribution {what} — chambre {}{week} (proposition du {})", view.chamber, view.today);
    if view.dossiers.is_empty() {
        let _ = writeln!(
            io.out,
            "Aucun dossier à distribuer : chaque dossier orienté a déjà son {}.",
            view.designating.label_fr()
        );
        return;
    }
    if !view.problems.is_empty() {
        let _ = writeln!(
            io.out,
            "{} dossier(s) ; le lot ne peut être distribué en entier, rien n'est proposé :",
            view.dossiers.len()
        );
        for problem in &view.problems {
            let _ = writeln!(io.out, "  - {problem}");
        }
        return;
    }
    let proven = if view.optimal { "optimum prouvé" } else { "optimum non prouvé" };
    let bound = view.bound.map_or_else(|| "-".to_owned(), |b| format!("{b:.2}"));
    let objective = view.objective.map_or_else(|| "-".to_owned(), |o| format!("{o:.2}"));
    let _ = writeln!(
        io.out,
        "{} dossier(s) ; {proven} en {:.0} ms (objectif {objective}, borne {bound})\n",
        view.dossiers.len(),
        view.solve_ms
    );
    for dossier in &view.dossiers {
        let proposed = dossier.proposed.as_ref().map_or_else(|| "—".to_owned(), |m| format!("{} ({})", m.name, m.id));
        let due = dossier.ruling_due.as_deref().map_or_else(String::new, |d| format!(", à juger avant le {d}"));
        let _ = writeln!(
            io.out,
            "{}  {}  {}{due}  →  {proposed}",
            dossier.pourvoi,
            dossier.section.as_deref().unwrap_or("—"),
            circuit_label(&dossier.circuit),
        );
        if dossier.series.len() > 1 {
            let _ = writeln!(io.out, "    série : {}", dossier.series.join(", "));
        }
        for reason in &dossier.reasons {
            let _ = writeln!(io.out, "    · {reason}");
        }
    }
    for split in &view.split_series {
        let _ = writeln!(io.out, "série divisée : {split}");
    }
    let _ = writeln!(io.out, "\nCharge pondérée par magistrat (avant → après la proposition) :");
    let _ = writeln!(
        io.out,
        "  {:<10} {:<28} {:<24} {:<10} {:>5} {:>7} {:>7} {:>7} {:>9}",
        "magistrat", "nom", "fonction", "section", "part", "avant", "après", "confiés", "rapports"
    );
    let decimal = |x: f64| format!("{x:.2}").replace('.', ",");
    for m in &view.magistrates {
        let _ = writeln!(
            io.out,
            "  {:<10} {:<28} {:<24} {:<10} {:>5} {:>7} {:>7} {:>7} {:>9}",
            m.id,
            m.name,
            m.role,
            m.section.as_deref().unwrap_or("—"),
            format!("{}", m.share).replace('.', ","),
            decimal(m.before),
            decimal(m.after),
            m.given,
            m.due
        );
    }
    let _ = writeln!(io.out, "  (part : d'un service plein ; rapports : rapports encore dus)");
}
