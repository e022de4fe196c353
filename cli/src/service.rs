//! `greffe serve`, `greffe demo`, `greffe import`, `greffe journal verify`,
//! `greffe user add`: the commands over the registry's store.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use greffe_models::Date;

use super::config::{CommonFlags, LogFormat, ServeFlags, Settings};
use super::{EXIT_OK, EXIT_REFUSED, Failure, Io, files};
use greffe_api::AppState;
use greffe_store::demo::{DemoConfig, seed};
use greffe_store::import::ImportFile;
use greffe_store::users::{NewUser, UserRole};
use greffe_store::{DEFAULT_DATABASE_URL, Store, redact};

/// Where the store is.
#[derive(Debug, Args)]
pub(crate) struct Database {
    /// Database URL: sqlite://FILE (embedded, the default) or
    /// postgres://USER@HOST/NAME. Also read from DATABASE_URL.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    common: CommonFlags,
    #[command(flatten)]
    serve: ServeFlags,
}

#[derive(Debug, Args)]
pub(crate) struct WorkerArgs {
    #[command(flatten)]
    common: CommonFlags,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    #[command(flatten)]
    database: Database,
    /// Generator seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Weeks of hearing calendar.
    #[arg(long, default_value_t = 8)]
    weeks: u32,
    /// Historical dossiers (decided or pending) added to the generator's.
    #[arg(long, default_value_t = 3_000)]
    stock: usize,
    /// The day the journals stop at, YYYY-MM-DD [default: today in Paris].
    #[arg(long, value_parser = parse_day)]
    today: Option<Date>,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    #[command(flatten)]
    database: Database,
    /// The file (layout `greffe-import/1`, docs/formats.md).
    file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum JournalCommand {
    /// Recompute the journal's hash chain and name the first entry that does not match.
    Verify {
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create a user and print his API token (shown once).
    Add {
        #[command(flatten)]
        database: Database,
        /// Login.
        #[arg(long)]
        id: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// greffier, president_chambre, magistrat, analyste or admin.
        #[arg(long, value_parser = parse_role)]
        role: UserRole,
        /// Chambers, comma-separated, or * for all.
        #[arg(long, value_delimiter = ',', required = true)]
        chambers: Vec<String>,
        /// The magistrate this user is.
        #[arg(long)]
        magistrate: Option<String>,
    },
    /// Set a user's portal password (argon2id; at least 12 characters),
    /// read from the first line of a file, or of the standard input with
    /// `-`, never from the command line. Ends the user's open sessions.
    Password {
        #[command(flatten)]
        database: Database,
        /// Login.
        #[arg(long)]
        id: String,
        /// File whose first line is the password; `-`: standard input.
        #[arg(long, default_value = "-")]
        password_file: PathBuf,
    },
    /// List a user's API tokens with their last use (never the tokens).
    Tokens {
        #[command(flatten)]
        database: Database,
        /// Login.
        #[arg(long)]
        id: String,
    },
    /// Issue a new API token to a user (shown once).
    Token {
        #[command(flatten)]
        database: Database,
        /// Login.
        #[arg(long)]
        id: String,
        /// What the token is for.
        #[arg(long)]
        label: String,
        /// Last day of validity (YYYY-MM-DD, Paris time); none: until revoked.
        #[arg(long)]
        expires_on: Option<String>,
    },
    /// Revoke one of a user's tokens (its id as `greffe user tokens` lists
    /// it): refused from the next request.
    Revoke {
        #[command(flatten)]
        database: Database,
        /// Login.
        #[arg(long)]
        id: String,
        /// Token id.
        #[arg(long)]
        token: String,
    },
    /// Disable a user: his tokens and password are refused, his portal
    /// sessions end at once.
    Disable {
        #[command(flatten)]
        database: Database,
        /// Login.
        #[arg(long)]
        id: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[command(flatten)]
        database: Database,
        /// Login.
        #[arg(long)]
        id: String,
    },
}

fn parse_day(raw: &str) -> Result<Date, String> {
    greffe_models::dates::parse_date(raw).map_err(|error| error.to_string())
}

fn parse_role(raw: &str) -> Result<UserRole, String> {
    UserRole::parse(raw).ok_or_else(|| {
        format!("rôle « {raw} » inconnu ; valeurs admises : greffier, president_chambre, magistrat, analyste, admin")
    })
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::usage(format!("impossible de démarrer l'exécuteur : {error}")))
}

/// A store error as the command line reports it: the problem (message,
/// field, action) when there is one, exit 1 when the input was refused, 2
/// when the store itself failed.
pub(crate) fn failure(error: greffe_store::Error) -> Failure {
    use greffe_store::Error as E;
    let refused = matches!(error, E::NotFound(_) | E::Conflict(_) | E::Invalid(_) | E::VersionMismatch { .. });
    let mut message = match error.problem() {
        Some(problem) => problem.message.clone(),
        None => error.to_string(),
    };
    if let Some(problem) = error.problem() {
        if let Some(field) = &problem.field {
            message = format!("{message} (champ {field})");
        }
        if let Some(action) = &problem.action {
            message = format!("{message} ; {action}");
        }
    }
    Failure { code: if refused { EXIT_REFUSED } else { super::EXIT_USAGE }, message }
}

pub(crate) async fn open(database: &Database) -> Result<Store, Failure> {
    Store::open(&database.database_url).await.map_err(failure)
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    rules: RulesArg,
    /// Chamber code.
    #[arg(long)]
    chamber: String,
    /// First day of the horizon (YYYY-MM-DD).
    #[arg(long)]
    start: String,
    /// Last day of the horizon (YYYY-MM-DD).
    #[arg(long)]
    end: String,
    /// Day the notices can go out (default today, Paris).
    #[arg(long, value_parser = parse_day)]
    publication: Option<Date>,
    /// Where to write the instance (JSON).
    #[arg(long)]
    out: std::path::PathBuf,
}

/// The planning rules: a JSON file, or the defaults.
#[derive(Debug, Args)]
pub(crate) struct RulesArg {
    /// Planning rules (JSON: notice days, formations and weights by
    /// circuit, priority, deliberation margin, default weekly cap); default:
    /// the built-in rules (`greffe instance rules` prints them).
    #[arg(long)]
    planning_rules: Option<std::path::PathBuf>,
}

impl RulesArg {
    pub(crate) fn load(&self) -> Result<greffe_models::planning::PlanningRules, Failure> {
        load_rules(self.planning_rules.as_deref())
    }
}

/// The planning rules of a file, or the built-in ones.
fn load_rules(path: Option<&std::path::Path>) -> Result<greffe_models::planning::PlanningRules, Failure> {
    let Some(path) = path else { return Ok(greffe_models::planning::PlanningRules::default()) };
    let text = super::files::read_text(path)?;
    greffe_models::format::from_json_text(&text).map_err(|error| {
        Failure::usage(format!("« {} » : règles de planification illisibles : {error}", path.display()))
    })
}

/// The visibility of a file, or the court's defaults.
fn load_visibility(path: Option<&std::path::Path>) -> Result<greffe_models::access::Visibility, Failure> {
    let Some(path) = path else { return Ok(greffe_models::access::Visibility::default()) };
    let text = super::files::read_text(path)?;
    let visibility: greffe_models::access::Visibility = greffe_models::format::from_json_text(&text)
        .map_err(|error| Failure::usage(format!("« {} » : visibilité illisible : {error}", path.display())))?;
    visibility.check().map_err(|error| Failure::usage(format!("« {} » : {error}", path.display())))?;
    Ok(visibility)
}

/// The document templates of `dir` (each `.typ` file replacing greffe's of
/// the same name), checked against sample data, or greffe's own.
pub(crate) fn load_templates(dir: Option<&std::path::Path>) -> Result<greffe_documents::Renderer, Failure> {
    let mut templates = greffe_documents::Templates::embedded();
    let Some(dir) = dir else { return Ok(greffe_documents::Renderer::new(templates)) };
    let entries = std::fs::read_dir(dir).map_err(|error| {
        Failure::usage(format!("« {} » : répertoire de modèles illisible : {error}", dir.display()))
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| Failure::usage(format!("« {} » : {error}", dir.display())))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("typ") {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        templates
            .set(&name, super::files::read_text(&path)?)
            .map_err(|error| Failure::usage(format!("« {} » : {}", path.display(), error.message_fr())))?;
        names.push(name);
    }
    let samples: Vec<_> =
        greffe_documents::Kind::ALL.into_iter().map(|kind| (kind, greffe_documents::sample(kind))).collect();
    templates
        .check(&samples)
        .map_err(|error| Failure::usage(format!("« {} » : {}", dir.display(), error.message_fr())))?;
    tracing::info!(templates = %names.join(", "), "court templates in use");
    Ok(greffe_documents::Renderer::new(templates))
}

/// The mailer of `--smtp-url` and `--mail-from`, checked at start; none
/// without a server (the notices wait in the outbox, said in the log).
pub(crate) fn load_mailer(settings: &Settings) -> Result<Option<std::sync::Arc<greffe_api::mail::Mailer>>, Failure> {
    let Some(url) = &settings.smtp_url.value else {
        return Ok(None);
    };
    let mailer = greffe_api::mail::Mailer::new(url, &settings.mail_from.value).map_err(|problem| {
        Failure::usage(format!("{problem} ({} / {})", settings.smtp_url.origin, settings.mail_from.origin))
    })?;
    Ok(Some(std::sync::Arc::new(mailer)))
}

/// `--check-config`: the settings printed, their files checked.
fn check_config(settings: &Settings, command: &str, io: &mut Io<'_>) -> Result<u8, Failure> {
    let _ = write!(io.out, "{}", settings.describe(command));
    load_rules(settings.planning_rules.value.as_deref())?;
    load_templates(settings.templates.value.as_deref())?;
    load_mailer(settings)?;
    if let Some(serve) = &settings.serve {
        load_visibility(serve.visibility.value.as_deref())?;
        if let Some(file) = &serve.orientation_rules.value {
            load_orientation_rules(file)?;
        }
        if let Some(file) = &serve.distribution_rules.value {
            load_distribution_rules(file)?;
        }
    }
    let _ = writeln!(io.out, "# réglages valides (la base n'a pas été ouverte)");
    Ok(EXIT_OK)
}

/// Serves `/metrics` alone on `address`, when set, until the process ends.
async fn serve_metrics(address: Option<SocketAddr>, state: &AppState) -> Result<(), Failure> {
    let Some(address) = address else { return Ok(()) };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| Failure::usage(format!("impossible d'écouter sur {address} (metrics_bind) : {error}")))?;
    let router = greffe_api::metrics_router(state.clone());
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "metrics address stopped");
        }
    });
    tracing::info!(bind = %address, "metrics served");
    Ok(())
}

pub(crate) fn export_instance(args: ExportArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    let rules = args.rules.load()?;
    let (start, end) = greffe_store::planning::horizon(&args.start, &args.end).map_err(failure)?;
    let publication = args.publication.unwrap_or_else(greffe_api::today);
    let built = runtime()?.block_on(async {
        let store = open(&args.database).await?;
        let built = store.planning_instance(&args.chamber, start, end, publication, &rules).await.map_err(failure);
        store.close().await;
        built
    })?;
    super::files::write_text(&args.out, &greffe_models::format::doc_to_json(&built.doc))?;
    let _ = writeln!(
        io.out,
        "{} : {} dossier(s), {} audience(s), {} magistrat(s) → {}",
        args.chamber,
        built.doc.dossiers.len(),
        built.doc.hearings.len(),
        built.doc.magistrates.len(),
        args.out.display()
    );
    for excluded in &built.excluded {
        let _ = writeln!(io.out, "  écarté {} ({}) : {}", excluded.dossier_id, excluded.pourvoi, excluded.reason);
    }
    Ok(EXIT_OK)
}

/// Logs to standard error, as text or JSON lines (`RUST_LOG` filters).
fn init_logs(format: LogFormat) {
    let json = format == LogFormat::Json;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let subscriber = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json { subscriber.json().try_init() } else { subscriber.try_init() };
}

/// `greffe worker`: runs the queued jobs of the store (proposals) and
/// serves nothing, until SIGINT or SIGTERM. Several may run on one
/// PostgreSQL database; on SQLite the file's one process runs its own.
pub(crate) fn worker(args: WorkerArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    let settings = Settings::resolve(args.common, None)?;
    if settings.check_only {
        return check_config(&settings, "worker", io);
    }
    init_logs(settings.log_format.value);
    let rules = load_rules(settings.planning_rules.value.as_deref())?;
    let documents = load_templates(settings.templates.value.as_deref())?;
    let mailer = load_mailer(&settings)?;
    let runtime = runtime()?;
    let url = settings.database_url.value.clone();
    let worked = runtime.block_on(async {
        let store = Store::open(&url).await.map_err(failure)?.with_decision_rules(rules.decisions.clone());
        let _owner = store.own_file().map_err(failure)?;
        let _ = writeln!(io.out, "greffe worker : calculs de « {} »", redact(&url));
        let mut state = AppState::new(store.clone());
        state.rules = std::sync::Arc::new(rules);
        state.documents = std::sync::Arc::new(documents);
        state.mailer = mailer;
        if state.mailer.is_none() {
            tracing::warn!("aucun serveur SMTP (--smtp-url) : les avis attendent dans la file d'envoi");
        }
        serve_metrics(settings.metrics_bind.value, &state).await?;
        greffe_api::worker::Worker::work(&state, shutdown_signal()).await;
        store.close().await;
        Ok(EXIT_OK)
    });
    runtime.shutdown_timeout(SOLVES_AT_SHUTDOWN);
    worked
}

pub(crate) fn serve(args: ServeArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    let settings = Settings::resolve(args.common, Some(args.serve))?;
    if settings.check_only {
        return check_config(&settings, "serve", io);
    }
    let Some(serve) = settings.serve.clone() else { return Err(Failure::usage("réglages du service absents")) };
    init_logs(settings.log_format.value);
    let rules = load_rules(settings.planning_rules.value.as_deref())?;
    let visibility = load_visibility(serve.visibility.value.as_deref())?;
    let documents = load_templates(settings.templates.value.as_deref())?;
    let mailer = load_mailer(&settings)?;
    let (url, bind) = (settings.database_url.value.clone(), serve.bind.value);
    let runtime = runtime()?;
    let served = runtime.block_on(async {
        let store = Store::open(&url).await.map_err(failure)?.with_decision_rules(rules.decisions.clone());
        // On SQLite, this process alone serves the file (held until exit).
        let _owner = store.own_file().map_err(failure)?;
        let health = store.health().await.map_err(failure)?;
        if !store.has_users().await.map_err(failure)? {
            tracing::warn!(
                "aucun utilisateur : créer un administrateur avec `greffe user add --role admin --chambers '*' --id ID --name NOM`"
            );
        }
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|error| Failure::usage(format!("impossible d'écouter sur {bind} : {error}")))?;
        let _ = writeln!(
            io.out,
            "greffe écoute sur http://{} (base {} « {} », schéma v{})",
            bind,
            serde_json::to_value(health.backend).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            redact(&url),
            health.schema_version
        );
        tracing::info!(bind = %bind, "listening");
        let mut state = AppState::new(store.clone());
        state.rules = std::sync::Arc::new(rules);
        state.visibility = std::sync::Arc::new(visibility);
        state.documents = std::sync::Arc::new(documents);
        state.mailer = mailer;
        if state.mailer.is_none() && !serve.no_worker.value {
            tracing::warn!("aucun serveur SMTP (--smtp-url) : les avis attendent dans la file d'envoi");
        }
        if serve.no_worker.value {
            state.worker = std::sync::Arc::new(greffe_api::worker::Worker::disabled());
        }
        state.search = std::sync::Arc::new(open_search(&store, serve.search_index.value.clone()).await?);
        if let Some(file) = &serve.orientation_rules.value {
            state.orientation = std::sync::Arc::new(load_orientation_rules(file)?);
        }
        if let Some(file) = &serve.distribution_rules.value {
            state.distribution = std::sync::Arc::new(load_distribution_rules(file)?);
        }
        serve_metrics(settings.metrics_bind.value, &state).await?;
        greffe_api::serve(listener, state, shutdown_signal())
            .await
            .map_err(|error| Failure::usage(format!("le service s'est arrêté : {error}")))?;
        tracing::info!("stopped; closing the store");
        store.close().await;
        Ok(EXIT_OK)
    });
    // A solve still running is not waited for, or a stop would hang for as
    // long as its time limit: its job is taken over by a worker once its
    // lease runs out (store::jobs).
    runtime.shutdown_timeout(SOLVES_AT_SHUTDOWN);
    served
}

/// The distribution rules of `file`, checked: a refused file stops the
/// start with the value and what is wrong.
pub(crate) fn load_distribution_rules(
    file: &std::path::Path,
) -> Result<greffe_models::distribution::DistributionRules, Failure> {
    let text = super::files::read_text(file)?;
    greffe_models::distribution::DistributionRules::parse(&text).map_err(|error| {
        Failure::usage(format!(
            "« {} » : {error} ; partir des règles intégrées (models/src/distribution/rules.toml)",
            file.display()
        ))
    })
}

/// The orientation rules of `file`, checked: a refused file stops the
/// start with the rule and what is wrong.
fn load_orientation_rules(file: &std::path::Path) -> Result<greffe_models::orientation::OrientationRules, Failure> {
    let text = super::files::read_text(file)?;
    greffe_models::orientation::OrientationRules::parse(&text).map_err(|error| {
        Failure::usage(format!(
            "« {} » : {error} ; partir des règles intégrées (models/src/orientation/rules.toml)",
            file.display()
        ))
    })
}

/// The search index at `dir`, else beside the SQLite file, else in memory
/// (said in the log: rebuilt at each start); opened now, so that a
/// directory that cannot hold it stops the start with its reason.
pub(crate) async fn open_search(store: &Store, dir: Option<PathBuf>) -> Result<greffe_api::search::Search, Failure> {
    use greffe_api::search::{Location, Search};
    let location = dir.map_or_else(|| Location::beside(store), Location::Directory);
    if location == Location::Memory {
        tracing::warn!(
            "index de recherche en mémoire : reconstruit à chaque démarrage (--search-index DIR pour le garder)"
        );
    }
    let search = Search::at(location);
    search.open().await.map_err(|error| {
        let where_ = match search.location() {
            Location::Directory(dir) => format!(" « {} »", dir.display()),
            Location::Memory => String::new(),
        };
        Failure::usage(format!(
            "index de recherche{where_} inutilisable : {error} ; donner un répertoire accessible en écriture (--search-index), et un par processus"
        ))
    })?;
    Ok(search)
}

/// How long a stopping service lets running solves finish.
const SOLVES_AT_SHUTDOWN: std::time::Duration = std::time::Duration::from_secs(2);

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested: finishing requests in flight");
}

pub(crate) fn demo(args: DemoArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    runtime()?.block_on(async {
        let store = open(&args.database).await?;
        let today = args.today.unwrap_or_else(greffe_api::today);
        let config = DemoConfig { seed: args.seed, weeks: args.weeks, stock: args.stock, today };
        let started = std::time::Instant::now();
        let report = seed(&store, &config).await.map_err(failure)?;
        let _ = writeln!(
            io.out,
            "Démonstration installée dans {} en {:.1} s : {} chambres, {} magistrats, {} audiences, {} dossiers (au {today}).",
            redact(&args.database.database_url),
            started.elapsed().as_secs_f64(),
            report.chambers,
            report.magistrates,
            report.hearings,
            report.import.imported
        );
        let _ = writeln!(io.out, "Jetons d'API (affichés une seule fois) :");
        for credentials in &report.users {
            let _ = writeln!(
                io.out,
                "  {:<22} {:<18} {}",
                credentials.user.id,
                credentials.user.role.as_str(),
                credentials.token
            );
        }
        store.close().await;
        Ok(EXIT_OK)
    })
}

pub(crate) fn import(args: ImportArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    let text = files::read_text(&args.file)?;
    let file: ImportFile = greffe_models::format::from_json_text(&text)
        .map_err(|error| Failure::usage(format!("« {} » : {error}", args.file.display())))?;
    runtime()?.block_on(async {
        let store = open(&args.database).await?;
        let report = store.import("cli:import", file).await.map_err(failure)?;
        if report.imported > 0 {
            store.maintain().await.map_err(failure)?;
        }
        store.close().await;
        if report.rejected.is_empty() {
            let _ = writeln!(
                io.out,
                "{} dossier(s) importé(s), {} déjà présent(s) à l'identique.",
                report.imported, report.skipped
            );
            return Ok(EXIT_OK);
        }
        let _ = writeln!(io.err, "{} enregistrement(s) refusé(s) ; rien n'a été importé :", report.rejected.len());
        for rejection in &report.rejected {
            let _ = writeln!(
                io.err,
                "  - {} ({}) : {}{}",
                rejection.field.as_deref().unwrap_or("?"),
                rejection.pourvoi,
                rejection.message,
                rejection.action.as_deref().map(|a| format!(" ; {a}")).unwrap_or_default()
            );
        }
        Ok(EXIT_REFUSED)
    })
}

pub(crate) fn journal(command: JournalCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    let JournalCommand::Verify { database } = command;
    runtime()?.block_on(async {
        let store = open(&database).await?;
        let verification = store.verify_journal("cli").await.map_err(failure)?;
        store.close().await;
        match verification.first_break {
            None => {
                let _ = writeln!(
                    io.out,
                    "Journal intègre : {} entrées, empreinte finale {}",
                    verification.entries,
                    verification.head.unwrap_or_default()
                );
                Ok(EXIT_OK)
            }
            Some(broken) => {
                let _ = writeln!(
                    io.err,
                    "Journal altéré : {} (entrée n° {}, dossier {}, {})",
                    broken.problem,
                    broken.seq,
                    broken.dossier_id.map(|d| d.to_string()).unwrap_or_else(|| "—".to_owned()),
                    if broken.kind.is_empty() { "—" } else { &broken.kind }
                );
                Ok(EXIT_REFUSED)
            }
        }
    })
}

fn set_active(database: &Database, id: &str, active: bool, io: &mut Io<'_>) -> Result<u8, Failure> {
    runtime()?.block_on(async {
        let store = open(database).await?;
        store.set_user_active("cli", id, active).await.map_err(failure)?;
        store.close().await;
        let what = if active {
            "réactivé"
        } else {
            "désactivé : ses jetons et son mot de passe sont refusés, ses sessions closes"
        };
        let _ = writeln!(io.out, "Utilisateur « {id} » {what}.");
        Ok(EXIT_OK)
    })
}

pub(crate) fn user(command: UserCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    match command {
        UserCommand::Add { database, id, name, role, chambers, magistrate } => runtime()?.block_on(async {
            let store = open(&database).await?;
            let credentials =
                store.create_user("cli", NewUser { id, name, role, chambers, magistrate }).await.map_err(failure)?;
            store.close().await;
            let _ = writeln!(
                io.out,
                "Utilisateur « {} » ({}) créé. Jeton d'API, affiché une seule fois :\n{}",
                credentials.user.id,
                credentials.user.role.label_fr(),
                credentials.token
            );
            Ok(EXIT_OK)
        }),
        UserCommand::Password { database, id, password_file } => {
            let text = if password_file.as_os_str() == "-" {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|error| Failure::usage(format!("impossible de lire l'entrée standard : {error}")))?;
                line
            } else {
                files::read_text(&password_file)?
            };
            let password = text.lines().next().unwrap_or("").to_owned();
            runtime()?.block_on(async {
                let store = open(&database).await?;
                store.set_password("cli", &id, &password).await.map_err(failure)?;
                store.close().await;
                let _ = writeln!(
                    io.out,
                    "Mot de passe du portail de « {id} » enregistré ; ses sessions ouvertes sont closes."
                );
                Ok(EXIT_OK)
            })
        }
        UserCommand::Tokens { database, id } => runtime()?.block_on(async {
            let store = open(&database).await?;
            let tokens = store.user_tokens(&id).await.map_err(failure)?;
            store.close().await;
            let _ = writeln!(io.out, "jeton\tlibellé\tcréé\tvalable jusqu'au\tdernier usage\trévoqué");
            for token in tokens {
                let show = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
                let _ = writeln!(
                    io.out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    token.id,
                    show(token.label),
                    token.created_at,
                    show(token.expires_on),
                    show(token.last_used_at),
                    show(token.revoked_at)
                );
            }
            Ok(EXIT_OK)
        }),
        UserCommand::Token { database, id, label, expires_on } => runtime()?.block_on(async {
            let store = open(&database).await?;
            let request = greffe_store::users::TokenRequest { label, expires_on };
            let issued = store.issue_token("cli", &id, request).await.map_err(failure)?;
            store.close().await;
            let _ =
                writeln!(io.out, "Jeton {} de « {id} », affiché une seule fois :\n{}", issued.info.id, issued.token);
            Ok(EXIT_OK)
        }),
        UserCommand::Revoke { database, id, token } => runtime()?.block_on(async {
            let store = open(&database).await?;
            let info = store.revoke_token("cli", &id, &token).await.map_err(failure)?;
            store.close().await;
            let at = info.revoked_at.unwrap_or_default();
            let _ = writeln!(io.out, "Jeton {} de « {id} » révoqué ({at}).", info.id);
            Ok(EXIT_OK)
        }),
        UserCommand::Disable { database, id } => set_active(&database, &id, false, io),
        UserCommand::Enable { database, id } => set_active(&database, &id, true, io),
    }
}
