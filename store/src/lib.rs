//! # greffe-store
//!
//! The registry's store: one sqlx `Any` pool over SQLite (the embedded
//! default, a file in WAL mode) or PostgreSQL, with embedded migrations per
//! backend. The SQL is written once, in the dialect both accept (`$1`
//! placeholders, `RETURNING`, `ON CONFLICT`, text dates); where they differ
//! (identity columns, blob type) the two migration files say so.
//!
//! Writes go through [`Store::write`]: an explicit transaction, serialised
//! with the other writes (each appends to the hash-chained journal): on
//! SQLite by the store's writer lock, so that a read-then-write transaction
//! never fails on a lock upgrade (SQLite has one writer anyway); on
//! PostgreSQL by a row lock on the journal's head.
//!
//! **Invariant: this crate knows nothing of HTTP** — no axum, no status
//! code. Its [`Error`] says what went wrong in the registry's terms; the
//! service maps each kind to a response in one place.

#![forbid(unsafe_code)]

pub mod blobs;
pub mod cnp;
pub mod dashboard;
pub mod deadlines;
pub mod decision_drafts;
pub mod decision_signatures;
pub mod decisions;
pub mod demo;
pub mod distribution;
pub mod dossiers;
pub mod error;
pub mod idempotency;
pub mod import;
pub mod indexing;
pub mod jobs;
pub mod journal;
pub mod orders;
pub mod orientation;
pub mod outbox;
pub mod pieces;
pub mod planning;
pub mod plans;
pub mod reference;
pub mod rows;
pub mod sessions;
pub mod sql;
pub mod tasks;
pub mod users;
pub mod views;
pub mod work_documents;

use std::sync::Arc;
use std::time::Duration;

use greffe_models::Date;
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Row, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};
use utoipa::ToSchema;

pub use blobs::BlobStore;
pub use error::{Error, ErrorCode, Problem, Result};

/// The embedded default database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://greffe.db";

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// SQLite, embedded (a file).
    Sqlite,
    /// PostgreSQL, a server.
    Postgres,
}

impl Backend {
    /// The backend a URL names, or why none does.
    pub fn of_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(Error::invalid(
                "database_url",
                format!("adresse de base de données « {} » non reconnue", redact(url)),
                "donner sqlite://FICHIER ou postgres://UTILISATEUR@HÔTE/BASE",
            ))
        }
    }
}

/// The URL without its password (user information or `password=`
/// parameter), for messages and logs.
pub fn redact(url: &str) -> String {
    let url = match url.split_once('?') {
        Some((base, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{base}?{}", query.join("&"))
        }
        None => url.to_owned(),
    };
    let url = url.as_str();
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The registry's store. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: Arc<Mutex<()>>,
    blobs: BlobStore,
    /// The SQLite database file (`None` on PostgreSQL and in memory).
    file: Option<std::path::PathBuf>,
    today: Option<Date>,
    /// The decision checks' configurable rules (the service's rules file).
    decision_rules: Arc<greffe_models::decision::DecisionRules>,
}

/// A write transaction: commit it, or drop it to roll back.
pub struct WriteTx {
    /// The transaction.
    pub tx: Transaction<'static, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Records the journal's head, then commits the transaction.
    pub async fn commit(mut self) -> Result<()> {
        journal::record_head(&mut self.tx).await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// What `GET /health` reports of the store.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreHealth {
    /// `sqlite` or `postgres`.
    pub backend: Backend,
    /// Latest migration applied.
    pub schema_version: i64,
    /// Entries in the journal.
    pub journal_entries: i64,
}

impl Store {
    /// Connects to `url`, creating the SQLite file if needed, and applies
    /// the embedded migrations.
    pub async fn open(url: &str) -> Result<Self> {
        install_default_drivers();
        let backend = Backend::of_url(url)?;
        let file = match backend {
            Backend::Sqlite => sqlite_file(url),
            Backend::Postgres => None,
        };
        let (url, blobs) = match backend {
            Backend::Sqlite => (sqlite_url(url), BlobStore::beside_sqlite(file.as_deref())),
            Backend::Postgres => (url.to_owned(), BlobStore::Database),
        };
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute("PRAGMA foreign_keys = ON").await?;
                    connection.execute("PRAGMA busy_timeout = 10000").await?;
                    // Each commit syncs the write-ahead log: an acknowledged
                    // write survives a power cut (NORMAL would only survive a
                    // crash of the process; docs/durability.md).
                    connection.execute("PRAGMA synchronous = FULL").await?;
                    Ok(())
                })
            })
        } else {
            // The server's default, stated for every session of the store,
            // so that a server configured otherwise does not weaken it.
            options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute("SET synchronous_commit = on").await?;
                    Ok(())
                })
            })
        };
        let pool = options.connect(&url).await.map_err(|error| {
            Error::unavailable(&error)
                .field("database_url")
                .action(format!("vérifier que la base « {} » est joignable ({error})", redact(&url)))
        })?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&pool).await.map_err(|error| Error::internal(format!("migration: {error}")))?;
        let store = Self {
            pool,
            backend,
            writer: Arc::new(Mutex::new(())),
            blobs,
            file,
            today: None,
            decision_rules: Arc::default(),
        };
        dossiers::fill_lawyer_keys(&store).await?;
        Ok(store)
    }

    /// The same store with the decision checks' rules of the service's
    /// rules file (`PlanningRules::decisions`) instead of the built-in ones.
    #[must_use]
    pub fn with_decision_rules(mut self, rules: greffe_models::decision::DecisionRules) -> Self {
        self.decision_rules = Arc::new(rules);
        self
    }

    /// The same store on a fixed day: what it checks against "today" (no
    /// pourvoi registered after it) reads `today` instead of the clock. For
    /// the demonstration's `--today`.
    #[must_use]
    pub fn on(mut self, today: Date) -> Self {
        self.today = Some(today);
        self
    }

    /// Today in Paris, or the fixed day of [`Store::on`].
    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(|| greffe_models::dates::paris_date(chrono::Utc::now()))
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Where piece contents are kept.
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// The SQLite database file (`None` on PostgreSQL and in memory): what
    /// the service keeps beside it (its search index).
    pub fn database_file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }

    /// Starts a write transaction. Writes are serialised (every write
    /// appends to the hash-chained journal): on SQLite by the store's writer
    /// lock, on PostgreSQL by locking the journal's head row, held until
    /// commit or rollback.
    pub async fn write(&self) -> Result<WriteTx> {
        let writer = match self.backend {
            Backend::Sqlite => Some(Arc::clone(&self.writer).lock_owned().await),
            Backend::Postgres => None,
        };
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT seq FROM journal_head WHERE id = 1 FOR UPDATE").fetch_one(&mut *tx).await?;
        }
        Ok(WriteTx { tx, _writer: writer })
    }

    /// Begins a write transaction. On SQLite, `BEGIN IMMEDIATE`: the file's
    /// write lock is taken at once, waiting (`busy_timeout`) for a writer
    /// that is finishing — such as the rollback of a refused write, which
    /// sqlx runs when its connection goes back to the pool, after the
    /// writer lock is released — rather than failing when a read turns
    /// into a write.
    async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A write that appends nothing to the journal (the bookkeeping of
    /// jobs): on SQLite behind the writer lock like every write; on
    /// PostgreSQL without the journal head's row lock, so that a running
    /// job's reports never wait for registry writes, nor hold them up.
    pub(crate) async fn write_unjournaled(&self) -> Result<WriteTx> {
        let writer = match self.backend {
            Backend::Sqlite => Some(Arc::clone(&self.writer).lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.begin_write().await?;
        Ok(WriteTx { tx, _writer: writer })
    }

    /// Runs one statement as a write of its own, through [`Store::write`]
    /// (bookkeeping with no journal entry: a session's or a token's last
    /// use, a sign-out, the record of a journal verification).
    pub(crate) async fn write_alone<'q>(
        &self,
        statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<()> {
        let mut write = self.write().await?;
        statement.execute(&mut *write.tx).await?;
        write.commit().await
    }

    /// Backend, schema version and journal size.
    pub async fn health(&self) -> Result<StoreHealth> {
        let schema_version: i64 =
            sqlx::query("SELECT CAST(MAX(version) AS BIGINT) AS v FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await?
                .try_get("v")?;
        let journal_entries: i64 =
            sqlx::query("SELECT seq FROM journal_head WHERE id = 1").fetch_one(&self.pool).await?.try_get("seq")?;
        Ok(StoreHealth { backend: self.backend, schema_version, journal_entries })
    }

    /// After a bulk load such as an import, on PostgreSQL: refreshes the
    /// planner's statistics and the visibility map that index-only scans
    /// need (routine upkeep is autovacuum's). Nothing on SQLite: without
    /// statistics its planner takes the covering indexes the queries are
    /// written for; with `ANALYZE` statistics the bundled SQLite was
    /// measured choosing slower plans for the dashboard (61 ms → 536 ms at
    /// 100,000 dossiers, docs/benchmarks.md).
    pub async fn maintain(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            self.pool.execute("VACUUM (ANALYZE)").await?;
        }
        Ok(())
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Makes this process the one that serves an SQLite file (a lock on
    /// `<file>.owner`, held as long as the returned file is kept, released
    /// by the system when the process ends, however it ends): a second
    /// service on the same file is refused, naming the process that owns
    /// it. On PostgreSQL, where several processes share the queue, `None`.
    pub fn own_file(&self) -> Result<Option<std::fs::File>> {
        use std::io::{Read, Seek, Write};
        let Some(file) = &self.file else { return Ok(None) };
        let database = file.display().to_string();
        let path = format!("{database}.owner");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| Error::internal(format!("{path}: {error}")))?;
        // A lock can outlive its holder by a moment: a process that is
        // ending, or a child forked by this one (a browser, a mail server
        // in the tests) that holds a copy of the descriptor until its
        // `exec` closes it. Half a second of retries tells these from a
        // service that runs.
        let mut locked = lock_exclusively(&file);
        for _ in 0..OWNER_LOCK_RETRIES {
            if !matches!(locked, Ok(false)) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            locked = lock_exclusively(&file);
        }
        match locked {
            Ok(true) => {
                file.set_len(0)
                    .and_then(|()| file.rewind())
                    .map_err(|error| Error::internal(format!("{path}: {error}")))?;
                let _ = writeln!(file, "{}", std::process::id());
                Ok(Some(file))
            }
            Ok(false) => {
                let mut owner = String::new();
                let _ = file.read_to_string(&mut owner);
                let owner = owner.trim();
                let by = if owner.is_empty() { String::new() } else { format!(" (processus {owner})") };
                Err(Error::Unavailable {
                    detail: format!("{path} locked by another process{by}"),
                    problem: Some(Problem {
                        code: ErrorCode::Unavailable,
                        message: format!(
                            "la base « {database} » est déjà servie par un autre processus greffe{by} : avec SQLite, un seul processus sert un fichier"
                        ),
                        field: None,
                        action: Some(
                            "arrêter l'autre service, ou passer à PostgreSQL (--database-url postgres://…) pour en faire tourner plusieurs"
                                .to_owned(),
                        ),
                    }),
                })
            }
            Err(error) => Err(Error::internal(format!("{path}: {error}"))),
        }
    }
}

/// Retries, 20 ms apart, before a held owner lock refuses the file.
const OWNER_LOCK_RETRIES: u32 = 25;

/// Takes an exclusive lock on `file` without waiting (`flock`: released
/// when the file is closed or its process ends): false when another
/// process holds it.
#[cfg(unix)]
fn lock_exclusively(file: &std::fs::File) -> std::io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Without `flock`, no exclusion: the file is taken.
#[cfg(not(unix))]
fn lock_exclusively(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

/// The file of an SQLite URL (`sqlite://greffe.db?mode=rwc` → `greffe.db`);
/// `None` for an in-memory database.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::PathBuf::from(path))
}

/// `sqlite://greffe.db` → `sqlite://greffe.db?mode=rwc` (create if missing).
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Now, as stored: RFC 3339 UTC with microseconds (sorts as text).
pub fn now() -> String {
    instant(chrono::Utc::now())
}

/// An instant as stored (see [`now`]).
pub fn instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_schemas_differ_only_in_identity_and_blob_types() {
        let normalise = |text: &str| -> Vec<String> {
            // The first two lines name the file's twin.
            text.lines()
                .skip(2)
                .map(|line| {
                    line.replace("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,", "id INTEGER PRIMARY KEY,")
                        .replace("BYTEA", "BLOB")
                })
                .collect()
        };
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0001_registry.sql")),
            normalise(include_str!("../migrations/postgres/0001_registry.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0002_plans.sql")),
            normalise(include_str!("../migrations/postgres/0002_plans.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0003_portal.sql")),
            normalise(include_str!("../migrations/postgres/0003_portal.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0004_registry_portal.sql")),
            normalise(include_str!("../migrations/postgres/0004_registry_portal.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0005_decision_histogram.sql")),
            normalise(include_str!("../migrations/postgres/0005_decision_histogram.sql"))
        );
        // The triggers' closed statuses are those of DossierStatus::is_open.
        let closed = format!("status IN ({})", crate::tasks::statuses_sql(false));
        for text in [
            include_str!("../migrations/sqlite/0006_stock_counts.sql"),
            include_str!("../migrations/postgres/0006_stock_counts.sql"),
        ] {
            let lists = text.matches("status IN (").count();
            assert!(lists >= 3 && text.matches(&closed).count() == lists, "every list reads {closed}");
        }
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0007_token_life.sql")),
            normalise(include_str!("../migrations/postgres/0007_token_life.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0009_late_notices.sql")),
            normalise(include_str!("../migrations/postgres/0009_late_notices.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0017_dossier_description.sql")),
            normalise(include_str!("../migrations/postgres/0017_dossier_description.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0018_referrals.sql")),
            normalise(include_str!("../migrations/postgres/0018_referrals.sql"))
        );
        assert_eq!(
            normalise(include_str!("../migrations/sqlite/0020_joined_group_index.sql")),
            normalise(include_str!("../migrations/postgres/0020_joined_group_index.sql"))
        );
        // Tables and their first counts are the same; the triggers that keep
        // them differ by backend (a statement list, a PL/pgSQL function).
        let shared = |text: &'static str| text.split("-- The triggers differ by backend").next().unwrap_or(text);
        assert_eq!(
            normalise(shared(include_str!("../migrations/sqlite/0006_stock_counts.sql"))),
            normalise(shared(include_str!("../migrations/postgres/0006_stock_counts.sql")))
        );
    }

    #[test]
    fn urls() {
        assert_eq!(Backend::of_url("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgres:///greffe?host=/run").ok(), Some(Backend::Postgres));
        assert!(Backend::of_url("mysql://x").is_err());
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact("postgres:///db?host=/run&Password=secret&user=u"),
            "postgres:///db?host=/run&Password=***&user=u"
        );
        assert_eq!(sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(sqlite_file("sqlite:///tmp/a.db?mode=rwc"), Some(std::path::PathBuf::from("/tmp/a.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
    }
}
