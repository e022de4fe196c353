//! The settings of `greffe serve` and `greffe worker`, from one place: each
//! setting is taken from its flag, else its environment variable, else the
//! settings file (`--config`, TOML), else its default. `--check-config`
//! prints what the process would use, where each value comes from, secrets
//! masked, and checks the files it names — without opening the database.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::{Args, ValueEnum};
use serde::Deserialize;

use super::Failure;
use greffe_store::{Backend, DEFAULT_DATABASE_URL, redact};

/// How log lines are written (standard error).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    /// Text for a terminal.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

impl LogFormat {
    fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
        }
    }
}

/// The settings `greffe serve` and `greffe worker` share.
#[derive(Debug, Args)]
pub(crate) struct CommonFlags {
    /// Settings file (TOML; keys as the long options, with `_`: database_url,
    /// bind, metrics_bind, log_format, planning_rules, templates, smtp_url,
    /// mail_from, visibility, no_worker, search_index, orientation_rules,
    /// distribution_rules). A flag or an environment variable
    /// overrides the file.
    #[arg(long, env = "GREFFE_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://FILE (embedded) or postgres://USER@HOST/NAME
    /// [default: sqlite://greffe.db].
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Planning rules (JSON: notice days, formations and weights by
    /// circuit, priority, deliberation margin, default weekly cap)
    /// [default: the built-in rules, `greffe instance rules`].
    #[arg(long, env = "GREFFE_PLANNING_RULES")]
    planning_rules: Option<PathBuf>,
    /// The court's document templates: a directory of `.typ` files, each
    /// replacing greffe's of the same name (`greffe document templates`
    /// lists them), checked at start [default: greffe's own].
    #[arg(long, env = "GREFFE_TEMPLATES")]
    templates: Option<PathBuf>,
    /// The SMTP server the outbox's notices are sent through:
    /// smtp://HOST:PORT (no TLS), smtp://HOST:587?tls=required (STARTTLS),
    /// smtps://HOST:465 (TLS); credentials as USER:PASSWORD@HOST
    /// [default: none — the notices wait in the outbox].
    #[arg(long, env = "GREFFE_SMTP_URL")]
    smtp_url: Option<String>,
    /// The notices' sender, `Name <address>`; its domain names the
    /// messages (Message-ID) [default: Greffe de la Cour de cassation
    /// <greffe@courdecassation.fr>].
    #[arg(long, env = "GREFFE_MAIL_FROM")]
    mail_from: Option<String>,
    /// Log lines as text or as JSON objects, one per line [default: text].
    #[arg(long, env = "GREFFE_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
    /// Also serve `/metrics`, without credentials, on this address (one only
    /// the monitoring reaches) [default: none; administrators read
    /// `/metrics` on the service's address].
    #[arg(long, env = "GREFFE_METRICS_BIND")]
    metrics_bind: Option<SocketAddr>,
    /// Print the settings this process would use, and where each comes
    /// from (secrets masked), check the files they name, and exit.
    #[arg(long)]
    check_config: bool,
}

/// The settings only `greffe serve` has.
#[derive(Debug, Args)]
pub(crate) struct ServeFlags {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "GREFFE_BIND")]
    bind: Option<SocketAddr>,
    /// Who reads published rolls and calendars, dossiers, drafts and
    /// agendas (JSON; docs/formats.md, "Visibility") [default: the court's
    /// defaults].
    #[arg(long, env = "GREFFE_VISIBILITY")]
    visibility: Option<PathBuf>,
    /// Run no worker: the jobs this service queues are run by `greffe
    /// worker` processes on the same database.
    #[arg(long, env = "GREFFE_NO_WORKER")]
    no_worker: bool,
    /// The full-text index's directory (a cache of the registry, rebuilt
    /// when missing; one per serving process) [default: beside a SQLite
    /// file, `greffe.db.search`; in memory on PostgreSQL].
    #[arg(long, env = "GREFFE_SEARCH_INDEX")]
    search_index: Option<PathBuf>,
    /// Orientation rules (TOML: the rules with their sources, the
    /// thresholds flagged to confirm), checked at start [default: the
    /// built-in rules, models/src/orientation/rules.toml].
    #[arg(long, env = "GREFFE_ORIENTATION_RULES")]
    orientation_rules: Option<PathBuf>,
    /// Distribution rules (TOML: the weights of the work by circuit, the
    /// roles' shares, the windows, each with its source, flagged to
    /// confirm), checked at start [default: the built-in rules,
    /// models/src/distribution/rules.toml].
    #[arg(long, env = "GREFFE_DISTRIBUTION_RULES")]
    distribution_rules: Option<PathBuf>,
}

/// The settings file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    database_url: Option<String>,
    planning_rules: Option<PathBuf>,
    templates: Option<PathBuf>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    log_format: Option<LogFormat>,
    metrics_bind: Option<SocketAddr>,
    bind: Option<SocketAddr>,
    visibility: Option<PathBuf>,
    no_worker: Option<bool>,
    search_index: Option<PathBuf>,
    orientation_rules: Option<PathBuf>,
    distribution_rules: Option<PathBuf>,
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Its long option.
    Flag(&'static str),
    /// Its environment variable.
    Env(&'static str),
    /// The settings file.
    File(PathBuf),
    /// Nobody set it.
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Flag(flag) => write!(f, "option --{flag}"),
            Self::Env(name) => write!(f, "variable {name}"),
            Self::File(path) => write!(f, "fichier {}", path.display()),
            Self::Default => f.write_str("défaut"),
        }
    }
}

/// A setting with its origin.
#[derive(Debug, Clone)]
pub(crate) struct Setting<T> {
    pub(crate) value: T,
    pub(crate) origin: Origin,
}

/// What a `greffe serve` or `greffe worker` process uses.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) database_url: Setting<String>,
    pub(crate) planning_rules: Setting<Option<PathBuf>>,
    pub(crate) templates: Setting<Option<PathBuf>>,
    pub(crate) smtp_url: Setting<Option<String>>,
    pub(crate) mail_from: Setting<String>,
    pub(crate) log_format: Setting<LogFormat>,
    pub(crate) metrics_bind: Setting<Option<SocketAddr>>,
    /// `greffe serve` only.
    pub(crate) serve: Option<ServeSettings>,
    /// Print and exit.
    pub(crate) check_only: bool,
}

/// What only `greffe serve` uses.
#[derive(Debug, Clone)]
pub(crate) struct ServeSettings {
    pub(crate) bind: Setting<SocketAddr>,
    pub(crate) visibility: Setting<Option<PathBuf>>,
    pub(crate) no_worker: Setting<bool>,
    pub(crate) search_index: Setting<Option<PathBuf>>,
    pub(crate) orientation_rules: Setting<Option<PathBuf>>,
    pub(crate) distribution_rules: Setting<Option<PathBuf>>,
}

/// The notices' sender when none is set.
pub(crate) const DEFAULT_MAIL_FROM: &str = "Greffe de la Cour de cassation <greffe@courdecassation.fr>";

/// The default address of `greffe serve`.
const DEFAULT_BIND: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, 8080));

/// A value given on the command line or in the environment (clap merged
/// them, the flag first): from the environment when the variable holds this
/// very value, else from the flag.
fn given<T: FromStr + PartialEq>(value: T, flag: &'static str, env: &'static str) -> Setting<T> {
    let from_env = std::env::var(env).ok().and_then(|raw| raw.parse::<T>().ok()).is_some_and(|raw| raw == value);
    Setting { value, origin: if from_env { Origin::Env(env) } else { Origin::Flag(flag) } }
}

/// The first of: the flag or environment value, the file's, the default.
fn pick<T: FromStr + PartialEq>(
    given_value: Option<T>,
    file_value: Option<T>,
    file: Option<&Path>,
    default: T,
    flag: &'static str,
    env: &'static str,
) -> Setting<T> {
    match (given_value, file_value, file) {
        (Some(value), _, _) => given(value, flag, env),
        (None, Some(value), Some(path)) => Setting { value, origin: Origin::File(path.to_owned()) },
        _ => Setting { value: default, origin: Origin::Default },
    }
}

/// Same, for a setting that may stay unset.
fn pick_opt<T: FromStr + PartialEq>(
    given_value: Option<T>,
    file_value: Option<T>,
    file: Option<&Path>,
    flag: &'static str,
    env: &'static str,
) -> Setting<Option<T>> {
    match (given_value, file_value, file) {
        (Some(value), _, _) => {
            let Setting { value, origin } = given(value, flag, env);
            Setting { value: Some(value), origin }
        }
        (None, Some(value), Some(path)) => Setting { value: Some(value), origin: Origin::File(path.to_owned()) },
        _ => Setting { value: None, origin: Origin::Default },
    }
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        <Self as ValueEnum>::from_str(raw, true)
    }
}

fn read_file(path: &Path) -> Result<File, Failure> {
    let text = super::files::read_text(path)?;
    toml::from_str(&text).map_err(|error| {
        Failure::usage(format!(
            "« {} » : réglages illisibles — {} (clés admises : database_url, bind, metrics_bind, log_format, planning_rules, templates, smtp_url, mail_from, visibility, no_worker, search_index, orientation_rules, distribution_rules)",
            path.display(),
            error.message()
        ))
    })
}

impl Settings {
    /// The settings of `greffe serve` (with `serve`) or `greffe worker`.
    pub(crate) fn resolve(common: CommonFlags, serve: Option<ServeFlags>) -> Result<Self, Failure> {
        let file = common.config.as_deref().map(read_file).transpose()?.unwrap_or_default();
        let path = common.config.as_deref();
        let database_url = pick(
            common.database_url,
            file.database_url,
            path,
            DEFAULT_DATABASE_URL.to_owned(),
            "database-url",
            "DATABASE_URL",
        );
        Backend::of_url(&database_url.value).map_err(|error| {
            let problem = error.problem().map(|p| p.message.clone()).unwrap_or_default();
            Failure::usage(format!("{problem} ({}) ; donner sqlite://FICHIER ou postgres://…", database_url.origin))
        })?;
        let serve = serve.map(|flags| ServeSettings {
            bind: pick(flags.bind, file.bind, path, DEFAULT_BIND, "bind", "GREFFE_BIND"),
            visibility: pick_opt(flags.visibility, file.visibility, path, "visibility", "GREFFE_VISIBILITY"),
            no_worker: match (flags.no_worker, file.no_worker, path) {
                (true, _, _) => given(true, "no-worker", "GREFFE_NO_WORKER"),
                (false, Some(value), Some(path)) => Setting { value, origin: Origin::File(path.to_owned()) },
                _ => Setting { value: false, origin: Origin::Default },
            },
            search_index: pick_opt(flags.search_index, file.search_index, path, "search-index", "GREFFE_SEARCH_INDEX"),
            orientation_rules: pick_opt(
                flags.orientation_rules,
                file.orientation_rules,
                path,
                "orientation-rules",
                "GREFFE_ORIENTATION_RULES",
            ),
            distribution_rules: pick_opt(
                flags.distribution_rules,
                file.distribution_rules,
                path,
                "distribution-rules",
                "GREFFE_DISTRIBUTION_RULES",
            ),
        });
        Ok(Self {
            database_url,
            planning_rules: pick_opt(
                common.planning_rules,
                file.planning_rules,
                path,
                "planning-rules",
                "GREFFE_PLANNING_RULES",
            ),
            templates: pick_opt(common.templates, file.templates, path, "templates", "GREFFE_TEMPLATES"),
            smtp_url: pick_opt(common.smtp_url, file.smtp_url, path, "smtp-url", "GREFFE_SMTP_URL"),
            mail_from: pick(
                common.mail_from,
                file.mail_from,
                path,
                DEFAULT_MAIL_FROM.to_owned(),
                "mail-from",
                "GREFFE_MAIL_FROM",
            ),
            log_format: pick(
                common.log_format,
                file.log_format,
                path,
                LogFormat::Text,
                "log-format",
                "GREFFE_LOG_FORMAT",
            ),
            metrics_bind: pick_opt(common.metrics_bind, file.metrics_bind, path, "metrics-bind", "GREFFE_METRICS_BIND"),
            serve,
            check_only: common.check_config,
        })
    }

    /// The settings as `--check-config` prints them: TOML a settings file
    /// could hold, each line commented with its origin, the database's
    /// password masked.
    pub(crate) fn describe(&self, command: &str) -> String {
        let mut text =
            format!("# greffe {command} : réglages retenus (option, puis variable, puis fichier, puis défaut)\n");
        let mut line = |key: &str, value: String, origin: &Origin| {
            let _ = writeln!(text, "{:<40} # {origin}", format!("{key} = {value}"));
        };
        let quoted = |value: &str| format!("{value:?}");
        let path = |value: &Option<PathBuf>| value.as_ref().map(|p| quoted(&p.display().to_string()));
        line("database_url", quoted(&redact(&self.database_url.value)), &self.database_url.origin);
        line("log_format", quoted(self.log_format.value.as_str()), &self.log_format.origin);
        match &self.metrics_bind.value {
            Some(address) => line("metrics_bind", quoted(&address.to_string()), &self.metrics_bind.origin),
            None if self.serve.is_some() => {
                line(
                    "# metrics_bind",
                    "(aucune : /metrics sur l'adresse du service)".into(),
                    &self.metrics_bind.origin,
                );
            }
            None => line("# metrics_bind", "(aucune)".into(), &self.metrics_bind.origin),
        }
        match path(&self.planning_rules.value) {
            Some(file) => line("planning_rules", file, &self.planning_rules.origin),
            None => line("# planning_rules", "(règles intégrées)".into(), &self.planning_rules.origin),
        }
        match path(&self.templates.value) {
            Some(dir) => line("templates", dir, &self.templates.origin),
            None => line("# templates", "(modèles intégrés)".into(), &self.templates.origin),
        }
        match &self.smtp_url.value {
            Some(url) => line("smtp_url", quoted(&redact(url)), &self.smtp_url.origin),
            None => {
                line("# smtp_url", "(aucun : les avis attendent dans la file d'envoi)".into(), &self.smtp_url.origin)
            }
        }
        line("mail_from", quoted(&self.mail_from.value), &self.mail_from.origin);
        if let Some(serve) = &self.serve {
            line("bind", quoted(&serve.bind.value.to_string()), &serve.bind.origin);
            match path(&serve.visibility.value) {
                Some(file) => line("visibility", file, &serve.visibility.origin),
                None => line("# visibility", "(visibilité par défaut)".into(), &serve.visibility.origin),
            }
            line("no_worker", serve.no_worker.value.to_string(), &serve.no_worker.origin);
            match path(&serve.search_index.value) {
                Some(dir) => line("search_index", dir, &serve.search_index.origin),
                None => line(
                    "# search_index",
                    "(à côté du fichier SQLite ; en mémoire sur PostgreSQL)".into(),
                    &serve.search_index.origin,
                ),
            }
            match path(&serve.orientation_rules.value) {
                Some(file) => line("orientation_rules", file, &serve.orientation_rules.origin),
                None => line("# orientation_rules", "(règles intégrées)".into(), &serve.orientation_rules.origin),
            }
            match path(&serve.distribution_rules.value) {
                Some(file) => line("distribution_rules", file, &serve.distribution_rules.origin),
                None => line("# distribution_rules", "(règles intégrées)".into(), &serve.distribution_rules.origin),
            }
        }
        text
    }
}
