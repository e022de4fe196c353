//! # greffe-search
//!
//! Full-text search of the registry — dossiers, their grounds and keywords,
//! their parties, decisions and text pieces — and the dossiers similar to
//! one, on tantivy. French text goes through one analyzer, at indexing and
//! at query time alike: words, lower case, French stop words, accents
//! folded, French stemming (« contrats », « Contrat » and « contrat » are
//! one term, so are « sécurité » and « securite »).
//!
//! **The index is a cache.** It holds what the store holds, up to a journal
//! sequence number recorded with each commit ([`SearchIndex::last_seq`]):
//! whoever feeds it (the service's follower) reads the journal past that
//! number and writes the dossiers it names again. Deleted or unreadable,
//! the index is rebuilt from the store. This crate reads and writes its
//! index directory and nothing else; it knows neither the store nor HTTP.
//!
//! **Scope.** Every query names the chambers its reader may see; a dossier
//! of another chamber is never matched, counted in a facet or offered as
//! similar. Drafts (decision drafts, projets d'arrêt, the rapporteur's
//! opinion) are not indexed at all: what is searchable is the record, the
//! grounds, the decision rendered and the pieces filed.

#![forbid(unsafe_code)]

mod similar;

use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

pub use similar::{COMMON_FLOOR, RARE_DOCUMENTS, Similar, SimilarityWeights};

/// The name of the French analyzer in the index's tokenizer manager.
const FRENCH: &str = "greffe_fr";
/// The name of the analyzer of names (French stop words, no stemming).
const NAMES: &str = "greffe_names";

/// Memory of the index writer (tantivy splits it among its threads).
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// The most hits a query returns at once.
pub const MAX_LIMIT: usize = 100;

/// What went wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy refused (a corrupt or locked directory, a full disk…).
    #[error("index de recherche : {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be prepared.
    #[error("répertoire de l'index de recherche : {0}")]
    Directory(#[from] std::io::Error),
    /// The index's writer lock was poisoned by a panic elsewhere.
    #[error("index de recherche indisponible (écriture interrompue)")]
    Poisoned,
}

/// A result of this crate.
pub type Result<T> = std::result::Result<T, SearchError>;

/// A dossier as the index holds it: what may be searched and shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchDoc {
    /// The dossier's id in the registry.
    pub id: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// How lists name it: the demandeurs « c/ » the défendeurs (shown, not
    /// searched: the parties are).
    pub title: String,
    /// Its registration date (YYYY-MM-DD; shown).
    pub registered_on: String,
    /// Its chamber (the scope of every query).
    pub chamber: String,
    /// Its matter code.
    pub matter: Option<String>,
    /// Its circuit code.
    pub circuit: Option<String>,
    /// Its status code.
    pub status: String,
    /// Its registration year.
    pub year: i32,
    /// The parties' names and their lawyers.
    pub parties: Vec<String>,
    /// The grounds as one text: titles, branches, articles, texts.
    pub grounds: String,
    /// Keyword codes.
    pub keywords: Vec<String>,
    /// Keyword labels (searched as text).
    pub keyword_labels: Vec<String>,
    /// The decision rendered (solution, formation, its text), if any.
    pub decision: String,
    /// The formation that decided (`fs`…), for a decided dossier.
    pub formation: Option<String>,
    /// The solution (`cassation`…), for a decided dossier.
    pub solution: Option<String>,
    /// The text pieces filed (their extracted text).
    pub pieces: String,
}

impl SearchDoc {
    /// What the index holds of a record: its grounds as one text (titles,
    /// articles, branches, texts), its keywords and their labels, its
    /// parties and their lawyers. The earlier pourvoi and the previous
    /// pourvois are left out: they are links, not text.
    pub fn of_record(id: i64, record: &greffe_models::record::DossierInput, status: &str) -> Self {
        SearchDoc {
            id,
            pourvoi: record.pourvoi.clone(),
            title: Self::title_of(&record.parties),
            registered_on: record.registered_on.clone(),
            chamber: record.chamber.clone(),
            matter: record.matter.clone(),
            circuit: record.circuit.map(|c| c.as_str().to_owned()),
            status: status.to_owned(),
            year: Self::year_of(&record.registered_on),
            parties: Self::party_names(&record.parties),
            grounds: Self::grounds_text(&record.grounds),
            keywords: record.keywords.clone(),
            keyword_labels: Self::keyword_labels(&record.keywords),
            ..SearchDoc::default()
        }
    }

    /// The parties' names and their lawyers', as searched.
    pub fn party_names(parties: &[greffe_models::record::Party]) -> Vec<String> {
        parties.iter().flat_map(|p| std::iter::once(p.name.clone()).chain(p.lawyer().map(str::to_owned))).collect()
    }

    /// The demandeurs « c/ » the défendeurs (interveners left out); one
    /// side alone when the other has no party.
    pub fn title_of(parties: &[greffe_models::record::Party]) -> String {
        use greffe_models::registry::PartyRole;
        let side =
            |role| parties.iter().filter(|p| p.role == role).map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
        match (side(PartyRole::Demandeur), side(PartyRole::Defendeur)) {
            (demandeurs, defendeurs) if defendeurs.is_empty() => demandeurs,
            (demandeurs, defendeurs) if demandeurs.is_empty() => defendeurs,
            (demandeurs, defendeurs) => format!("{demandeurs} c/ {defendeurs}"),
        }
    }

    /// The year of a date written YYYY-MM-DD (0 if it is not one).
    pub fn year_of(date: &str) -> i32 {
        date.get(..4).and_then(|y| y.parse().ok()).unwrap_or_default()
    }

    /// The grounds as one text: each ground's title, articles and branches,
    /// then its text, a ground a line.
    pub fn grounds_text(grounds: &[greffe_models::record::Ground]) -> String {
        let mut text = String::new();
        for ground in grounds {
            for part in std::iter::once(&ground.title).chain(&ground.articles).chain(&ground.branches) {
                text.push_str(part);
                text.push_str(". ");
            }
            text.push_str(&ground.text);
            text.push('\n');
        }
        text
    }

    /// The labels of keyword codes (a code the vocabulary lacks stands for
    /// itself).
    pub fn keyword_labels(codes: &[String]) -> Vec<String> {
        let vocabulary = greffe_models::vocabulary::Vocabulary::embedded();
        codes.iter().map(|code| vocabulary.get(code).map_or_else(|| code.clone(), |k| k.label.clone())).collect()
    }
}

/// The index's fields.
#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    pourvoi: Field,
    title: Field,
    registered_on: Field,
    chamber: Field,
    matter: Field,
    circuit: Field,
    status: Field,
    year: Field,
    keyword: Field,
    keyword_codes: Field,
    keyword_text: Field,
    parties: Field,
    grounds: Field,
    decision: Field,
    formation: Field,
    solution: Field,
    pieces: Field,
}

/// The version of the schema below: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "greffe-search/3";

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let french = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(FRENCH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored { options.set_stored() } else { options }
    };
    let plain = |tokenizer: &str| {
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored()
    };
    let fields = Fields {
        id: builder.add_i64_field("id", INDEXED | STORED | FAST),
        pourvoi: builder.add_text_field("pourvoi", STRING | STORED),
        title: builder.add_text_field("title", STORED),
        registered_on: builder.add_text_field("registered_on", STORED),
        chamber: builder.add_facet_field("chamber", FacetOptions::default().set_stored()),
        matter: builder.add_facet_field("matter", FacetOptions::default()),
        circuit: builder.add_facet_field("circuit", FacetOptions::default()),
        status: builder.add_facet_field("status", FacetOptions::default().set_stored()),
        year: builder.add_facet_field("year", FacetOptions::default()),
        keyword: builder.add_facet_field("keyword", FacetOptions::default()),
        keyword_codes: builder.add_text_field("keyword_codes", STRING | STORED),
        keyword_text: builder.add_text_field("keyword_text", french(true)),
        parties: builder.add_text_field("parties", plain(NAMES)),
        grounds: builder.add_text_field("grounds", french(true)),
        decision: builder.add_text_field("decision", french(true)),
        formation: builder.add_text_field("formation", STRING | STORED),
        solution: builder.add_text_field("solution", STRING | STORED),
        pieces: builder.add_text_field("pieces", french(true)),
    };
    (builder.build(), fields)
}

/// The French analyzer: words, lower case, stop words, accents folded,
/// Snowball's French stemmer. Stop words go before the folding (the list
/// is accented), the stemmer after (so that a query typed without accents
/// finds the accented text: both are folded before they are stemmed).
pub fn french_analyzer() -> TextAnalyzer {
    let builder =
        TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser);
    match StopWordFilter::new(Language::French) {
        Some(stop_words) => {
            builder.filter(stop_words).filter(AsciiFoldingFilter).filter(Stemmer::new(Language::French)).build()
        }
        None => builder.filter(AsciiFoldingFilter).filter(Stemmer::new(Language::French)).build(),
    }
}

/// Names: words, lower case, French stop words, accents folded — no
/// stemming (« Martin » is not « Martine »). The stop words go as in the
/// text: every word of a query must be found in some field, so a word one
/// field drops and another keeps (« de » in « Société de l'Ouest ») would
/// otherwise be required of the parties.
fn names_analyzer() -> TextAnalyzer {
    let builder =
        TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser);
    match StopWordFilter::new(Language::French) {
        Some(stop_words) => builder.filter(stop_words).filter(AsciiFoldingFilter).build(),
        None => builder.filter(AsciiFoldingFilter).build(),
    }
}

/// A facet value under its field (`/civ1`), any `/` in the value replaced.
fn facet_path(value: &str) -> tantivy::schema::Facet {
    tantivy::schema::Facet::from_path([value.replace('/', "-")])
}

/// The full-text index of the registry.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("documents", &self.len()).finish_non_exhaustive()
    }
}

/// What to search.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// The words (every word must match; quotes for a phrase; `-mot`
    /// excludes). Empty: every dossier of the scope.
    pub text: String,
    /// The chambers the reader may see; `None`: every chamber.
    pub scope: Option<Vec<String>>,
    /// Facet filters: `(facet, value)` with facet one of `chamber`,
    /// `matter`, `circuit`, `status`, `year`, `keyword`.
    pub filters: Vec<(Facet, String)>,
    /// At most this many hits (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Hits to skip (paging).
    pub offset: usize,
}

/// A facet of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    /// The chamber.
    Chamber,
    /// The matter.
    Matter,
    /// The circuit.
    Circuit,
    /// The status.
    Status,
    /// The registration year.
    Year,
    /// A keyword of the matter.
    Keyword,
}

impl Facet {
    /// Every facet, in the order the results show them.
    pub const ALL: [Facet; 6] = [Self::Chamber, Self::Matter, Self::Circuit, Self::Status, Self::Year, Self::Keyword];

    /// The facet's name (a query parameter).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chamber => "chamber",
            Self::Matter => "matter",
            Self::Circuit => "circuit",
            Self::Status => "status",
            Self::Year => "year",
            Self::Keyword => "keyword",
        }
    }

    /// Parses a facet's name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    fn field(self, fields: &Fields) -> Field {
        match self {
            Self::Chamber => fields.chamber,
            Self::Matter => fields.matter,
            Self::Circuit => fields.circuit,
            Self::Status => fields.status,
            Self::Year => fields.year,
            Self::Keyword => fields.keyword,
        }
    }
}

/// One piece of a snippet: text, and whether it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// It matched a word of the query.
    pub hit: bool,
}

/// A dossier found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The dossier's id.
    pub id: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// The demandeurs « c/ » the défendeurs.
    pub title: String,
    /// Its registration date.
    pub registered_on: String,
    /// Its chamber.
    pub chamber: String,
    /// Its status code.
    pub status: String,
    /// The relevance (BM25; larger is better).
    pub score: f32,
    /// Where the words were found (`grounds`, `decision`, `pieces`,
    /// `keywords`, `parties`), the first field that holds them.
    pub found_in: Option<&'static str>,
    /// A passage with the words found, in pieces.
    pub snippet: Vec<Segment>,
}

/// The counts of one facet over every match of the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCounts {
    /// The facet.
    pub facet: Facet,
    /// `(value, dossiers)`, most frequent first.
    pub values: Vec<(String, u64)>,
}

/// What a query found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Every dossier matched (in the scope).
    pub total: usize,
    /// The hits asked for, best first.
    pub hits: Vec<Hit>,
    /// Counts by facet, over every match.
    pub facets: Vec<FacetCounts>,
    /// Parts of the query that could not be read (ignored), in French.
    pub ignored: Vec<String>,
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates it there; an index of another
    /// schema (an older greffe) or one that cannot be opened is removed and
    /// created empty: the caller then rebuilds it (`last_seq` is 0).
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let opened = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| SearchError::Index(tantivy::TantivyError::from(e)))
            .and_then(|directory| Ok(Index::open_or_create(directory, schema.clone())?));
        let index = match opened {
            Ok(index) if Self::payload_of(&index).is_some_and(|p| p.version == SCHEMA_VERSION) => index,
            Ok(index) if Self::payload_of(&index).is_none() && index.searchable_segment_ids()?.is_empty() => index,
            _ => {
                std::fs::remove_dir_all(dir)?;
                std::fs::create_dir_all(dir)?;
                Index::create_in_dir(dir, schema)?
            }
        };
        Self::with(index, fields)
    }

    /// An index in memory (tests, measurements).
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema();
        Self::with(Index::create_in_ram(schema), fields)
    }

    fn with(index: Index, fields: Fields) -> Result<Self> {
        index.tokenizers().register(FRENCH, french_analyzer());
        index.tokenizers().register(NAMES, names_analyzer());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        Ok(Self { index, reader, writer: Mutex::new(writer), fields })
    }

    fn payload_of(index: &Index) -> Option<Payload> {
        let raw = index.load_metas().ok()?.payload?;
        let (version, seq) = raw.rsplit_once(' ')?;
        Some(Payload { version: version.to_owned(), seq: seq.parse().ok()? })
    }

    /// The journal sequence number the index has caught up to (0: empty).
    pub fn last_seq(&self) -> i64 {
        Self::payload_of(&self.index).map_or(0, |p| p.seq)
    }

    /// How many dossiers the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no dossier.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes `docs` (each replacing the dossier of its id), removes the
    /// dossiers `removed`, and records that the index holds the registry up
    /// to journal entry `seq`; one commit, visible to the next query.
    pub fn apply(&self, docs: &[SearchDoc], removed: &[i64], seq: i64) -> Result<()> {
        let f = self.fields;
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        for id in removed.iter().chain(docs.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_i64(f.id, *id));
        }
        for d in docs {
            let mut document = doc!(
                f.id => d.id,
                f.pourvoi => d.pourvoi.clone(),
                f.title => d.title.clone(),
                f.registered_on => d.registered_on.clone(),
                f.chamber => facet_path(&d.chamber),
                f.status => facet_path(&d.status),
                f.year => facet_path(&d.year.to_string()),
                f.grounds => d.grounds.clone(),
                f.decision => d.decision.clone(),
                f.pieces => d.pieces.clone(),
                f.keyword_text => d.keyword_labels.join(" ; "),
            );
            if let Some(matter) = &d.matter {
                document.add_facet(f.matter, facet_path(matter));
            }
            if let Some(circuit) = &d.circuit {
                document.add_facet(f.circuit, facet_path(circuit));
            }
            for keyword in &d.keywords {
                document.add_facet(f.keyword, facet_path(keyword));
                document.add_text(f.keyword_codes, keyword);
            }
            for party in &d.parties {
                document.add_text(f.parties, party);
            }
            if let Some(formation) = &d.formation {
                document.add_text(f.formation, formation);
            }
            if let Some(solution) = &d.solution {
                document.add_text(f.solution, solution);
            }
            writer.add_document(document)?;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{SCHEMA_VERSION} {seq}"));
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Removes every dossier (before a rebuild); the sequence number is 0.
    pub fn clear(&self) -> Result<()> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_all_documents()?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{SCHEMA_VERSION} 0"));
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// The query restricted to the reader's chambers and the filters.
    fn scoped(&self, query: Box<dyn Query>, scope: Option<&[String]>, filters: &[(Facet, String)]) -> Box<dyn Query> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_facet(field, &facet_path(value)), IndexRecordOption::Basic))
        };
        if let Some(scope) = scope {
            let chambers: Vec<(Occur, Box<dyn Query>)> =
                scope.iter().map(|chamber| (Occur::Should, term(f.chamber, chamber))).collect();
            // An empty scope matches nothing: a Should-less Must.
            let chambers: Box<dyn Query> = if chambers.is_empty() {
                Box::new(tantivy::query::EmptyQuery)
            } else {
                Box::new(BooleanQuery::new(chambers))
            };
            clauses.push((Occur::Must, chambers));
        }
        for (facet, value) in filters {
            clauses.push((Occur::Must, term(facet.field(f), value)));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Searches the index.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text_fields = [f.grounds, f.keyword_text, f.decision, f.pieces, f.parties];
        let mut parser = QueryParser::for_index(&self.index, text_fields.to_vec());
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.keyword_text, 2.0);
        let number = greffe_models::PourvoiNumber::parse_lenient(query.text.trim()).ok();
        let (text_query, errors): (Box<dyn Query>, _) = if let Some(number) = number {
            // A pourvoi number, however typed (`y1526094`): that dossier.
            let term = Term::from_field_text(f.pourvoi, &number.to_string());
            (Box::new(TermQuery::new(term, IndexRecordOption::Basic)), Vec::new())
        } else if query.text.trim().is_empty() {
            (Box::new(tantivy::query::AllQuery), Vec::new())
        } else {
            parser.parse_query_lenient(&query.text)
        };
        let mut ignored: Vec<String> = errors.iter().map(|e| format!("partie de la requête ignorée : {e}")).collect();
        let mut terms = 0;
        text_query.query_terms(&mut |_, _| terms += 1);
        if terms == 0 && number.is_none() && !query.text.trim().is_empty() {
            // Only words too common to be indexed (« de », « la »): they
            // select nothing, and nothing is what is found.
            ignored.push(format!("« {} » : mots trop courants pour être cherchés", query.text.trim()));
            return Ok(SearchResults {
                total: 0,
                hits: Vec::new(),
                facets: Facet::ALL.into_iter().map(|facet| FacetCounts { facet, values: Vec::new() }).collect(),
                ignored,
            });
        }
        let scoped = self.scoped(text_query.box_clone(), query.scope.as_deref(), &query.filters);
        let limit = query.limit.clamp(1, MAX_LIMIT);
        let mut facet_collectors = Vec::new();
        for facet in Facet::ALL {
            let name = self.index.schema().get_field_name(facet.field(&f)).to_owned();
            let mut collector = FacetCollector::for_field(name);
            collector.add_facet("/");
            facet_collectors.push(collector);
        }
        let mut collectors = tantivy::collector::MultiCollector::new();
        let top = collectors.add_collector(TopDocs::with_limit(limit).and_offset(query.offset).order_by_score());
        let count = collectors.add_collector(Count);
        let handles: Vec<_> = facet_collectors.into_iter().map(|c| collectors.add_collector(c)).collect();
        let mut fruits = searcher.search(&scoped, &collectors)?;
        let top = top.extract(&mut fruits);
        let total = count.extract(&mut fruits);
        let facets = Facet::ALL
            .into_iter()
            .zip(handles)
            .map(|(facet, handle)| {
                let counts = handle.extract(&mut fruits);
                let mut values: Vec<(String, u64)> = counts
                    .get("/")
                    .map(|(value, n)| (value.to_path().last().map_or_else(String::new, |v| (*v).to_owned()), n))
                    .collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                FacetCounts { facet, values }
            })
            .collect();
        let snippet_fields =
            [(f.grounds, "grounds"), (f.decision, "decision"), (f.pieces, "pieces"), (f.keyword_text, "keywords")];
        let mut generators = Vec::new();
        for (field, name) in snippet_fields {
            let mut generator = SnippetGenerator::create(&searcher, &*text_query, field)?;
            generator.set_max_num_chars(220);
            generators.push((generator, name));
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            let mut found_in = None;
            let mut snippet = Vec::new();
            for (generator, name) in &generators {
                let found = generator.snippet_from_doc(&document);
                if found.highlighted().is_empty() {
                    continue;
                }
                found_in = Some(*name);
                snippet = segments(found.fragment(), found.highlighted());
                break;
            }
            hits.push(Hit {
                id: document.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or_default(),
                pourvoi: stored_text(&document, f.pourvoi).unwrap_or_default(),
                title: stored_text(&document, f.title).unwrap_or_default(),
                registered_on: stored_text(&document, f.registered_on).unwrap_or_default(),
                chamber: stored_facet(&document, f.chamber),
                status: stored_facet(&document, f.status),
                score,
                found_in,
                snippet,
            });
        }
        Ok(SearchResults { total, hits, facets, ignored })
    }
}

/// The first text a document stores in `field`.
fn stored_text(document: &TantivyDocument, field: Field) -> Option<String> {
    document.get_first(field).and_then(|v| v.as_str()).map(str::to_owned)
}

/// The value of the facet a document stores in `field` (its last part).
fn stored_facet(document: &TantivyDocument, field: Field) -> String {
    document
        .get_first(field)
        .and_then(|v| v.as_facet())
        .and_then(|p| p.rsplit('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// A fragment cut at its highlighted ranges.
fn segments(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Vec<Segment> {
    let mut pieces = Vec::new();
    let mut from = 0;
    for range in highlighted {
        let (Some(before), Some(hit)) = (fragment.get(from..range.start), fragment.get(range.clone())) else {
            continue;
        };
        if !before.is_empty() {
            pieces.push(Segment { text: before.to_owned(), hit: false });
        }
        pieces.push(Segment { text: hit.to_owned(), hit: true });
        from = range.end;
    }
    if let Some(rest) = fragment.get(from..).filter(|rest| !rest.is_empty()) {
        pieces.push(Segment { text: rest.to_owned(), hit: false });
    }
    pieces
}

struct Payload {
    version: String,
    seq: i64,
}

#[cfg(test)]
mod tests;
