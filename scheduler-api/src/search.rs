//! The full-text index in the service: where it lives, how it follows the
//! registry, and the two questions it answers (a search, the dossiers
//! similar to one).
//!
//! **Following the journal.** The index (`greffe_search`) records the
//! journal sequence number it holds the registry up to. A follower reads
//! the journal past that number, page by page, asks the store which
//! dossiers each entry changed (`Store::dossiers_changed_by`: the entry's
//! dossier, a publication's chamber, a sitting's roll), reads them again
//! (`Store::indexed_dossiers`) and writes them in one commit that records
//! the last entry's number. Appends are serialised on the journal's head,
//! so a follower that resumes from its number never misses an entry; a
//! process that restarts or lags catches up the same way. An empty index
//! (new, deleted, of an older schema) is rebuilt from every dossier as the
//! store holds them at the journal's head, then follows from there.
//!
//! **Freshness.** The follower runs in the background of every serving
//! process (polled every [`POLL_EVERY`]); and a query first catches up
//! itself, within a bound ([`QUERY_CATCH_UP`] entries, [`QUERY_WAIT`]), so
//! that a dossier just written is found by the next search. When the index
//! is further behind (a rebuild under way), the answer says so.
//!
//! One catch-up at a time (a mutex): two would write the same dossiers,
//! and a slower one could record an older number after a newer.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use greffe_models::registry::Solution;
use greffe_search::{SearchDoc, SearchIndex};
use greffe_store::Store;
use greffe_store::indexing::IndexedDossier;
use tokio::sync::{Mutex, OnceCell};

use crate::error::{Error, Result};

/// The background follower looks at the journal this often.
pub const POLL_EVERY: Duration = Duration::from_millis(250);
/// Journal entries read per step.
const PAGE: usize = 1_000;
/// At most this many journal entries a query catches up before it answers.
pub const QUERY_CATCH_UP: usize = 2_000;
/// How long a query waits for a catch-up under way before it answers from
/// the index as it is.
pub const QUERY_WAIT: Duration = Duration::from_millis(500);
/// A query rebuilds an empty index itself up to this many dossiers;
/// beyond, the background follower does it and queries say so.
pub const REBUILD_INLINE: usize = 5_000;
/// Dossiers written per commit during a rebuild.
const REBUILD_BATCH: usize = 2_000;

/// Where the index lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// In memory: rebuilt by each process at its start.
    Memory,
    /// A directory of its own.
    Directory(PathBuf),
}

impl Location {
    /// The index's directory beside a SQLite database file
    /// (`greffe.db.search`), like its pieces (`greffe.db.pieces`); in
    /// memory for an in-memory database or PostgreSQL (no file to be
    /// beside: give a directory with `--search-index`).
    pub fn beside(store: &Store) -> Self {
        match store.database_file() {
            Some(file) => Self::Directory(PathBuf::from(format!("{}.search", file.display()))),
            None => Self::Memory,
        }
    }
}

/// How far the index is behind the journal, as an answer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Freshness {
    /// The journal entry the index holds the registry up to.
    pub indexed_seq: i64,
    /// The journal's last entry when the query ran.
    pub journal_seq: i64,
    /// A rebuild under way, if one is.
    pub rebuilding: Option<Rebuilding>,
}

/// A rebuild under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Rebuilding {
    /// Dossiers indexed so far.
    pub done: usize,
    /// Dossiers to index.
    pub total: usize,
}

impl Freshness {
    /// Whether the index holds every entry of the journal.
    pub fn current(&self) -> bool {
        self.indexed_seq >= self.journal_seq && self.rebuilding.is_none()
    }
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    /// Dossiers indexed.
    pub dossiers: usize,
    /// The journal entry the index now holds the registry up to.
    pub seq: i64,
    /// How long it took.
    pub elapsed: Duration,
}

/// The service's full-text index.
#[derive(Debug)]
pub struct Search {
    location: Location,
    index: OnceCell<Arc<SearchIndex>>,
    stepping: Mutex<()>,
    rebuilding: std::sync::Mutex<Option<Rebuilding>>,
    following: OnceLock<()>,
}

impl Default for Search {
    fn default() -> Self {
        Self::at(Location::Memory)
    }
}

impl Search {
    /// The index at `location`, opened at its first use ([`Search::open`]
    /// opens it at once).
    pub fn at(location: Location) -> Self {
        Self {
            location,
            index: OnceCell::new(),
            stepping: Mutex::new(()),
            rebuilding: std::sync::Mutex::new(None),
            following: OnceLock::new(),
        }
    }

    /// Where the index lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The index, opened (or created) at the first call.
    pub async fn open(&self) -> Result<Arc<SearchIndex>> {
        let location = self.location.clone();
        self.index
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || match &location {
                    Location::Memory => SearchIndex::in_memory(),
                    Location::Directory(dir) => SearchIndex::open(dir),
                })
                .await
                .map_err(|error| Error::internal(format!("search index: {error}")))?
                .map(Arc::new)
                .map_err(index_error)
            })
            .await
            .cloned()
    }

    /// Starts the background follower on `store`, once per process.
    pub fn ensure_following(self: &Arc<Self>, store: &Store) {
        if self.following.set(()).is_ok() {
            let (search, store) = (Arc::clone(self), store.clone());
            tokio::spawn(async move { search.follow(&store).await });
        }
    }

    /// Follows the journal until the process ends (an error is logged,
    /// and the next poll tries again).
    async fn follow(&self, store: &Store) {
        loop {
            if let Err(error) = self.catch_up_whole(store).await {
                tracing::warn!(%error, "search index: catch-up failed; retrying");
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// How far the index is behind the journal.
    pub async fn freshness(&self, store: &Store) -> Result<Freshness> {
        let index = self.open().await?;
        Ok(Freshness {
            indexed_seq: index.last_seq(),
            journal_seq: store.journal_head().await?,
            rebuilding: *self.rebuilding.lock().map_err(|_| Error::internal("search index: state poisoned"))?,
        })
    }

    /// Catches up before a query: at most [`QUERY_CATCH_UP`] entries (a
    /// rebuild of at most [`REBUILD_INLINE`] dossiers), waiting at most
    /// [`QUERY_WAIT`] for a catch-up under way; then says how fresh the
    /// index is.
    pub async fn catch_up_for_query(&self, store: &Store) -> Result<Freshness> {
        if let Ok(_guard) = tokio::time::timeout(QUERY_WAIT, self.stepping.lock()).await {
            self.catch_up_locked(store, QUERY_CATCH_UP, REBUILD_INLINE).await?;
        }
        self.freshness(store).await
    }

    /// Catches up with the whole journal (`greffe search`, tests).
    pub async fn catch_up(&self, store: &Store) -> Result<Freshness> {
        self.catch_up_whole(store).await?;
        self.freshness(store).await
    }

    /// One catch-up with the whole journal, the stepping lock taken (the
    /// follower's step).
    async fn catch_up_whole(&self, store: &Store) -> Result<()> {
        let _guard = self.stepping.lock().await;
        self.catch_up_locked(store, usize::MAX, usize::MAX).await
    }

    /// Empties the index and indexes every dossier again
    /// (`greffe search reindex`).
    pub async fn rebuild(&self, store: &Store) -> Result<Rebuilt> {
        let _guard = self.stepping.lock().await;
        let index = self.open().await?;
        blocking(&index, |index| index.clear()).await?;
        // The head first: whatever is written after it is caught up after.
        let head = store.journal_head().await?;
        let ids = store.all_dossier_ids().await?;
        let rebuilt = self.rebuild_locked(store, &index, head, ids).await?;
        // What was written during the rebuild.
        self.catch_up_locked(store, usize::MAX, usize::MAX).await?;
        Ok(rebuilt)
    }

    /// One catch-up, the stepping lock held: an empty index is rebuilt
    /// (when the store holds at most `rebuild_limit` dossiers), then the
    /// journal is followed for at most `budget` entries.
    async fn catch_up_locked(&self, store: &Store, budget: usize, rebuild_limit: usize) -> Result<()> {
        let index = self.open().await?;
        let head = if index.last_seq() == 0 { store.journal_head().await? } else { 0 };
        if head > 0 {
            let ids = store.all_dossier_ids().await?;
            if ids.len() > rebuild_limit {
                return Ok(());
            }
            self.rebuild_locked(store, &index, head, ids).await?;
        }
        let mut read = 0;
        while read < budget {
            let from = index.last_seq();
            let entries = store.journal_after(from, PAGE.min(budget - read)).await?;
            let Some(last) = entries.last().map(|e| e.seq) else { break };
            read += entries.len();
            let mut changed = BTreeSet::new();
            for entry in &entries {
                changed.extend(store.dossiers_changed_by(entry).await?);
            }
            let changed: Vec<i64> = changed.into_iter().collect();
            let dossiers = store.indexed_dossiers(&changed).await?;
            let found: BTreeSet<i64> = dossiers.iter().map(|d| d.id).collect();
            let removed: Vec<i64> = changed.iter().copied().filter(|id| !found.contains(id)).collect();
            let docs: Vec<SearchDoc> = dossiers.iter().map(document_of).collect();
            blocking(&index, move |index| index.apply(&docs, &removed, last)).await?;
        }
        Ok(())
    }

    /// Indexes the dossiers `ids` — every dossier, read by the caller
    /// *after* the journal's `head` (so that a dossier created between the
    /// two is in the entries past the head, caught up after) — in batches
    /// (each committed with sequence number 0, so that a rebuild cut short
    /// starts again), then records the head.
    async fn rebuild_locked(
        &self,
        store: &Store,
        index: &Arc<SearchIndex>,
        head: i64,
        ids: Vec<i64>,
    ) -> Result<Rebuilt> {
        let started = Instant::now();
        tracing::info!(dossiers = ids.len(), head, "search index: rebuilding");
        self.set_rebuilding(Some(Rebuilding { done: 0, total: ids.len() }))?;
        let mut done = 0;
        let rebuilt = async {
            for batch in ids.chunks(REBUILD_BATCH) {
                let docs: Vec<SearchDoc> = store.indexed_dossiers(batch).await?.iter().map(document_of).collect();
                done += batch.len();
                blocking(index, move |index| index.apply(&docs, &[], 0)).await?;
                self.set_rebuilding(Some(Rebuilding { done, total: ids.len() }))?;
            }
            blocking(index, move |index| index.apply(&[], &[], head)).await
        }
        .await;
        self.set_rebuilding(None)?;
        rebuilt?;
        let elapsed = started.elapsed();
        tracing::info!(dossiers = ids.len(), head, elapsed_ms = elapsed.as_millis(), "search index: rebuilt");
        Ok(Rebuilt { dossiers: ids.len(), seq: head, elapsed })
    }

    fn set_rebuilding(&self, progress: Option<Rebuilding>) -> Result<()> {
        *self.rebuilding.lock().map_err(|_| Error::internal("search index: state poisoned"))? = progress;
        Ok(())
    }
}

/// Runs `work` on the index on a blocking thread (tantivy reads and
/// writes files, and a commit waits for the disk).
pub async fn blocking<T: Send + 'static>(
    index: &Arc<SearchIndex>,
    work: impl FnOnce(&SearchIndex) -> greffe_search::Result<T> + Send + 'static,
) -> Result<T> {
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || work(&index))
        .await
        .map_err(|error| Error::internal(format!("search index: {error}")))?
        .map_err(index_error)
}

fn index_error(error: greffe_search::SearchError) -> Error {
    Error::internal(format!("search index: {error}"))
}

/// What the index holds of a dossier the store read: the record's text
/// (grounds, keyword labels, parties), the decision rendered (its solution
/// and formation, and a sealed decision's visas, answers to the grounds and
/// operative part), and the pieces filed (file names, and the text of text
/// pieces).
pub fn document_of(dossier: &IndexedDossier) -> SearchDoc {
    let mut decision = String::new();
    if let Some(record) = &dossier.decision {
        let solution: &str = match Solution::parse(&record.solution) {
            Some(solution) => solution.label_fr(),
            None => &record.solution,
        };
        decision.push_str(&format!("Solution : {solution}. Formation : {}.\n", record.formation));
    }
    if let Some(sealed) = &dossier.sealed {
        for visa in &sealed.visas {
            decision.push_str(visa);
            decision.push('\n');
        }
        for answer in &sealed.grounds {
            decision.push_str(&answer.ground);
            decision.push('\n');
            decision.push_str(&answer.answer);
            decision.push('\n');
        }
        decision.push_str(&sealed.operative);
    }
    let mut pieces = String::new();
    for piece in &dossier.pieces {
        pieces.push_str(&piece.filename);
        pieces.push('\n');
        if let Some(text) = &piece.text {
            pieces.push_str(text);
            pieces.push('\n');
        }
    }
    SearchDoc {
        id: dossier.id,
        pourvoi: dossier.pourvoi.clone(),
        title: SearchDoc::title_of(&dossier.parties),
        registered_on: dossier.registered_on.clone(),
        chamber: dossier.chamber.clone(),
        matter: dossier.matter.clone(),
        circuit: dossier.circuit.clone(),
        status: dossier.status.clone(),
        year: SearchDoc::year_of(&dossier.registered_on),
        parties: SearchDoc::party_names(&dossier.parties),
        grounds: SearchDoc::grounds_text(&dossier.grounds),
        keywords: dossier.keywords.clone(),
        keyword_labels: SearchDoc::keyword_labels(&dossier.keywords),
        decision,
        formation: dossier.decision.as_ref().map(|d| d.formation.clone()),
        solution: dossier.decision.as_ref().map(|d| d.solution.clone()),
        pieces,
    }
}

/// A search as the API and the portal take it (query parameters).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to find, in the grounds, keywords, decisions, pieces,
    /// parties and pourvoi numbers (every word must be found; « "…" » for a
    /// phrase, `-mot` to exclude one; accents and plurals are ignored).
    /// Empty: every dossier of the filters.
    pub q: Option<String>,
    /// Chamber code.
    pub chamber: Option<String>,
    /// Matter code (NAC).
    pub matter: Option<String>,
    /// Circuit: `court`, `intermediaire`, `approfondi`.
    pub circuit: Option<String>,
    /// Status code.
    pub status: Option<String>,
    /// Registration year.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    /// Keyword code of the vocabulary (`GET /vocabulary`).
    pub keyword: Option<String>,
    /// At most this many hits (default 20, at most 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// Hits to skip (paging; at most 10,000).
    #[param(minimum = 0, maximum = 10000)]
    pub offset: Option<usize>,
}

/// The longest text a search takes (characters).
pub const MAX_QUERY_CHARS: usize = 500;
/// The deepest page a search reaches.
pub const MAX_OFFSET: usize = 10_000;
/// Hits per page by default.
pub const DEFAULT_LIMIT: usize = 20;

impl SearchParams {
    /// The query these parameters ask, within `scope` (the reader's
    /// chambers; `None`: all), or the first parameter refused, named, with
    /// what to give instead.
    pub fn query(&self, scope: Option<&[String]>) -> Result<greffe_search::SearchQuery> {
        use greffe_models::dossier::Circuit;
        use greffe_models::registry::DossierStatus;
        use greffe_models::vocabulary::{CHAMBERS, Vocabulary};
        use greffe_search::Facet;
        let text = self.q.clone().unwrap_or_default();
        for (field, value) in [
            ("q", Some(&text)),
            ("chamber", self.chamber.as_ref()),
            ("matter", self.matter.as_ref()),
            ("circuit", self.circuit.as_ref()),
            ("status", self.status.as_ref()),
            ("keyword", self.keyword.as_ref()),
        ] {
            if let Some(c) = value.and_then(|text| greffe_models::text::refused_char(text, false)) {
                let (message, action) = greffe_models::text::refusal(c);
                return Err(Error::invalid(field, message, action));
            }
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::invalid(
                "q",
                format!("recherche de {} caractères", text.chars().count()),
                format!("chercher en {MAX_QUERY_CHARS} caractères au plus : quelques mots suffisent"),
            ));
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=greffe_search::MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("limite {limit} hors bornes"),
                format!("donner une limite entre 1 et {}", greffe_search::MAX_LIMIT),
            ));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(Error::invalid(
                "offset",
                format!("décalage {offset} trop grand"),
                format!("affiner la recherche (filtres, mots) : au plus {MAX_OFFSET} résultats sont parcourus"),
            ));
        }
        let mut filters = Vec::new();
        if let Some(chamber) = &self.chamber {
            if !CHAMBERS.contains(&chamber.as_str()) {
                return Err(Error::invalid(
                    "chamber",
                    format!("chambre « {chamber} » inconnue"),
                    format!("donner l'une de : {}", CHAMBERS.join(", ")),
                ));
            }
            filters.push((Facet::Chamber, chamber.clone()));
        }
        if let Some(matter) = self.matter.as_ref().map(|m| m.trim()).filter(|m| !m.is_empty()) {
            filters.push((Facet::Matter, matter.to_owned()));
        }
        if let Some(circuit) = &self.circuit {
            let Some(circuit) = Circuit::parse(circuit) else {
                return Err(Error::invalid(
                    "circuit",
                    format!("circuit « {circuit} » inconnu"),
                    "donner court, intermediaire ou approfondi",
                ));
            };
            filters.push((Facet::Circuit, circuit.as_str().to_owned()));
        }
        if let Some(status) = &self.status {
            let Some(status) = DossierStatus::parse(status) else {
                return Err(Error::invalid(
                    "status",
                    format!("statut « {status} » inconnu"),
                    format!(
                        "donner l'un de : {}",
                        DossierStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            };
            filters.push((Facet::Status, status.as_str().to_owned()));
        }
        if let Some(year) = self.year {
            if !(1900..=2200).contains(&year) {
                return Err(Error::invalid(
                    "year",
                    format!("année {year} hors bornes"),
                    "donner l'année d'enregistrement (quatre chiffres)",
                ));
            }
            filters.push((Facet::Year, year.to_string()));
        }
        if let Some(keyword) = &self.keyword {
            let vocabulary = Vocabulary::embedded();
            if vocabulary.get(keyword).is_none() {
                let (message, action) = vocabulary.refusal(keyword);
                return Err(Error::invalid("keyword", message, action));
            }
            filters.push((Facet::Keyword, keyword.clone()));
        }
        Ok(greffe_search::SearchQuery { text, scope: scope.map(<[String]>::to_vec), filters, limit, offset })
    }
}
