//! `greffe document …`: the greffe's documents as PDF/A-2b files — a
//! template's sample (to try a court's templates), a hearing's roll, a
//! certificate of non-pourvoi, the avis d'audience of a notice task, the
//! extract of a dossier's journal.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use greffe_documents::{Kind, Meta};

use super::service::{Database, load_templates, open, runtime};
use super::{EXIT_OK, Failure, Io, files};

/// A kind of document, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KindArg {
    /// Avis d'audience.
    AvisAudience,
    /// Rôle d'audience.
    RoleAudience,
    /// Certificat de non-pourvoi.
    CertificatNonPourvoi,
    /// Extrait du journal d'un dossier.
    ExtraitJournal,
    /// Avis de composition d'une audience.
    AvisComposition,
    /// Arrêt signé et scellé.
    Arret,
    /// Document de travail d'un magistrat (rapport, avis, projet).
    Travail,
    /// Ordonnance du président (déchéance, désistement), signée.
    Ordonnance,
}

impl KindArg {
    fn kind(self) -> Kind {
        match self {
            Self::AvisAudience => Kind::AvisAudience,
            Self::RoleAudience => Kind::RoleAudience,
            Self::CertificatNonPourvoi => Kind::CertificatNonPourvoi,
            Self::ExtraitJournal => Kind::ExtraitJournal,
            Self::AvisComposition => Kind::AvisComposition,
            Self::Arret => Kind::Arret,
            Self::Travail => Kind::Travail,
            Self::Ordonnance => Kind::Ordonnance,
        }
    }
}

/// The court's templates, if any.
#[derive(Debug, Args)]
pub(crate) struct TemplatesArg {
    /// A directory of `.typ` files replacing greffe's of the same name
    /// (`greffe document templates` lists them) [default: greffe's own].
    #[arg(long, env = "GREFFE_TEMPLATES")]
    templates: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DocumentCommand {
    /// List the templates a court may replace, and write greffe's own to a directory to start from.
    Templates {
        /// Write greffe's templates into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A document of sample data, or of the JSON data given: to try templates.
    Sample {
        /// Which document.
        #[arg(long, value_enum)]
        kind: KindArg,
        /// The data (JSON, the fields the template reads) [default: the sample].
        #[arg(long)]
        data: Option<PathBuf>,
        #[command(flatten)]
        templates: TemplatesArg,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// A hearing's roll.
    Roll {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        templates: TemplatesArg,
        /// The hearing.
        #[arg(long)]
        hearing: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The certificate of an answered request of non-pourvoi.
    Certificate {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        templates: TemplatesArg,
        /// The request's number.
        #[arg(long)]
        request: i64,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The composition notice of a hearing (a page to each magistrate of
    /// its bench).
    Composition {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        templates: TemplatesArg,
        /// The hearing.
        #[arg(long)]
        hearing: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The extract of a dossier's journal.
    Journal {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        templates: TemplatesArg,
        /// The dossier's number.
        #[arg(long)]
        dossier: i64,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The avis d'audience of a notice task (a letter to each party's lawyer).
    Notice {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        templates: TemplatesArg,
        /// The notice task's number.
        #[arg(long)]
        task: i64,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The service's error as the command line reports it.
pub(crate) fn refused(error: &greffe_api::error::Error) -> Failure {
    let (status, problem) = error.status_and_body();
    let message = match problem.action {
        Some(action) => format!("{} ; {action}", problem.message),
        None => problem.message,
    };
    Failure { code: if status.is_client_error() { super::EXIT_REFUSED } else { super::EXIT_USAGE }, message }
}

/// A document from the store, written to `out`.
fn from_store<F>(database: &Database, templates: &TemplatesArg, out: &std::path::Path, make: F) -> Result<u8, Failure>
where
    F: AsyncFnOnce(&greffe_api::AppState) -> Result<greffe_api::documents::Document, greffe_api::error::Error>,
{
    let renderer = load_templates(templates.templates.as_deref())?;
    let document = runtime()?.block_on(async {
        let store = open(database).await?;
        let mut state = greffe_api::AppState::new(store.clone());
        state.documents = std::sync::Arc::new(renderer);
        let document = make(&state).await.map_err(|error| refused(&error));
        store.close().await;
        document
    })?;
    files::write_bytes(out, &document.bytes)?;
    Ok(EXIT_OK)
}

pub(crate) fn run(command: DocumentCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    match command {
        DocumentCommand::Templates { out } => {
            for name in greffe_documents::Templates::names() {
                let _ = writeln!(io.out, "{name}");
            }
            if let Some(dir) = out {
                std::fs::create_dir_all(&dir)
                    .map_err(|error| Failure::usage(format!("impossible de créer « {} » : {error}", dir.display())))?;
                for (name, text) in greffe_documents::Templates::embedded().sources() {
                    files::write_text(&dir.join(name), text)?;
                }
                let _ = writeln!(io.out, "modèles écrits dans {}", dir.display());
            }
            Ok(EXIT_OK)
        }
        DocumentCommand::Sample { kind, data, templates, out } => {
            let renderer = load_templates(templates.templates.as_deref())?;
            let kind = kind.kind();
            let data = match data {
                Some(path) => greffe_models::format::from_json_text::<serde_json::Value>(&files::read_text(&path)?)
                    .map_err(|error| {
                        Failure::usage(format!("« {} » : données illisibles : {error}", path.display()))
                    })?,
                None => greffe_documents::sample(kind),
            };
            let meta = Meta { ident: format!("exemple-{}", kind.template()), date: greffe_api::today() };
            let pdf = renderer
                .render(kind, &data, &meta)
                .map_err(|error| Failure { code: super::EXIT_REFUSED, message: error.message_fr() })?;
            files::write_bytes(&out, &pdf)?;
            let _ = writeln!(io.out, "{} → {} ({} octets)", kind.label_fr(), out.display(), pdf.len());
            Ok(EXIT_OK)
        }
        DocumentCommand::Roll { database, templates, hearing, out } => {
            from_store(&database, &templates, &out, async |state| greffe_api::documents::roll(state, &hearing).await)
        }
        DocumentCommand::Certificate { database, templates, request, out } => {
            from_store(&database, &templates, &out, async |state| {
                greffe_api::documents::certificate(state, request).await
            })
        }
        DocumentCommand::Composition { database, templates, hearing, out } => {
            from_store(&database, &templates, &out, async |state| {
                greffe_api::documents::composition(state, &hearing).await
            })
        }
        DocumentCommand::Journal { database, templates, dossier, out } => {
            from_store(&database, &templates, &out, async |state| {
                greffe_api::documents::journal_extract(state, dossier).await
            })
        }
        DocumentCommand::Notice { database, templates, task, out } => {
            from_store(&database, &templates, &out, async |state| {
                let task = state.store.notice_task(task).await?;
                greffe_api::documents::notice(state, &task).await
            })
        }
    }
}
