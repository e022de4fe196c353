//! `greffe search`: full-text search of the registry from the command line
//! (`find`, `similar`), and `reindex`, which builds the index again from the
//! store. The index is the one `greffe serve` keeps (`--search-index`, or
//! beside the SQLite file); on SQLite the service holds the file, so these
//! commands run while it is stopped (the portal and `GET /search` answer
//! while it runs).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::service::{Database, failure, open, open_search, runtime};
use super::{EXIT_OK, EXIT_REFUSED, Failure, Io};
use greffe_api::search::{Location, SearchParams};

/// Where the index is.
#[derive(Debug, Args)]
pub(crate) struct IndexArg {
    /// The index's directory [default: beside the SQLite file; on
    /// PostgreSQL, in memory — built for this command alone].
    #[arg(long, env = "GREFFE_SEARCH_INDEX")]
    search_index: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SearchCommand {
    /// Empty the index and build it again from every dossier of the store.
    Reindex {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Find dossiers by their words (grounds, keywords, decisions, pieces,
    /// parties, numbers), every chamber.
    Find {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        index: IndexArg,
        /// The words (« "…" » for a phrase, -mot to exclude one).
        words: Vec<String>,
        /// Only this chamber.
        #[arg(long)]
        chamber: Option<String>,
        /// Only this keyword of the vocabulary.
        #[arg(long)]
        keyword: Option<String>,
        /// Only this status.
        #[arg(long)]
        status: Option<String>,
        /// Only this circuit.
        #[arg(long)]
        circuit: Option<String>,
        /// Only this registration year.
        #[arg(long)]
        year: Option<i32>,
        /// At most this many.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print the answer as JSON (the API's).
        #[arg(long)]
        json: bool,
    },
    /// The dossiers most similar to one, with how each was decided.
    Similar {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        index: IndexArg,
        /// The dossier's pourvoi number.
        pourvoi: String,
        /// At most this many.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Only dossiers already decided.
        #[arg(long)]
        decided: bool,
        /// Print the answer as JSON (the API's).
        #[arg(long)]
        json: bool,
    },
}

/// A state over `database` with its index (the service's own), the store's
/// file held while the command runs.
async fn state_of(
    database: &Database,
    index: &IndexArg,
) -> Result<(greffe_api::AppState, Option<std::fs::File>), Failure> {
    let store = open(database).await?;
    let owner = store.own_file().map_err(|error| {
        let mut refused = failure(error);
        refused.message.push_str(" — pendant que le service tourne, chercher dans le portail ou par GET /search");
        refused
    })?;
    let mut state = greffe_api::AppState::new(store.clone());
    state.search = std::sync::Arc::new(open_search(&store, index.search_index.clone()).await?);
    Ok((state, owner))
}

/// The same, the index caught up with the whole journal first (rebuilt
/// when empty, however large): a command runs once, nothing follows after.
async fn caught_up(
    database: &Database,
    index: &IndexArg,
) -> Result<(greffe_api::AppState, Option<std::fs::File>), Failure> {
    let (state, owner) = state_of(database, index).await?;
    state.search.catch_up(&state.store).await.map_err(|e| refused(&e))?;
    Ok((state, owner))
}

fn refused(error: &greffe_api::error::Error) -> Failure {
    super::document::refused(error)
}

pub(crate) fn run(command: SearchCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    runtime()?.block_on(async {
        match command {
            SearchCommand::Reindex { database, index } => {
                let (state, _owner) = state_of(&database, &index).await?;
                if *state.search.location() == Location::Memory {
                    state.store.close().await;
                    return Err(Failure::usage(
                        "sur PostgreSQL l'index vit dans chaque processus : donner son répertoire (--search-index DIR, celui de `greffe serve`)",
                    ));
                }
                let rebuilt = state.search.rebuild(&state.store).await.map_err(|e| refused(&e))?;
                state.store.close().await;
                let _ = writeln!(
                    io.out,
                    "index reconstruit : {} dossiers, journal n° {}, en {:.1} s",
                    rebuilt.dossiers,
                    rebuilt.seq,
                    rebuilt.elapsed.as_secs_f64()
                );
                Ok(EXIT_OK)
            }
            SearchCommand::Find { database, index, words, chamber, keyword, status, circuit, year, limit, json } => {
                let (state, _owner) = caught_up(&database, &index).await?;
                let params = SearchParams {
                    q: Some(words.join(" ")),
                    chamber,
                    keyword,
                    status,
                    circuit,
                    year,
                    limit: Some(limit),
                    ..SearchParams::default()
                };
                let found = greffe_api::api::search::search_view(&state, None, &params).await;
                state.store.close().await;
                let found = found.map_err(|e| refused(&e))?;
                if json {
                    let _ = writeln!(io.out, "{}", serde_json::to_string_pretty(&found).unwrap_or_default());
                    return Ok(EXIT_OK);
                }
                let _ = writeln!(io.out, "{} dossier(s) trouvé(s)", found.total);
                for hit in &found.hits {
                    let _ = writeln!(
                        io.out,
                        "{}  {}  {}  {}  {}",
                        hit.dossier.pourvoi,
                        hit.dossier.chamber,
                        hit.dossier.registered_on,
                        hit.dossier.status_label,
                        hit.dossier.title
                    );
                    if !hit.snippet.is_empty() {
                        let passage: String = hit
                            .snippet
                            .iter()
                            .map(|s| if s.hit { format!("[{}]", s.text) } else { s.text.clone() })
                            .collect();
                        let _ = writeln!(io.out, "    … {} …", passage.split_whitespace().collect::<Vec<_>>().join(" "));
                    }
                }
                for ignored in &found.ignored {
                    let _ = writeln!(io.err, "{ignored}");
                }
                Ok(EXIT_OK)
            }
            SearchCommand::Similar { database, index, pourvoi, limit, decided, json } => {
                let (state, _owner) = caught_up(&database, &index).await?;
                let canonical =
                    greffe_store::dossiers::canonical_pourvoi("pourvoi", &pourvoi).map_err(failure)?;
                let ids = state.store.dossier_ids(std::slice::from_ref(&canonical)).await.map_err(failure)?;
                let Some((_, id)) = ids.first() else {
                    state.store.close().await;
                    return Err(Failure {
                        code: EXIT_REFUSED,
                        message: format!("aucun dossier n° {canonical} ; vérifier le numéro de pourvoi"),
                    });
                };
                let params = greffe_api::api::search::SimilarParams { limit: Some(limit), decided: Some(decided) };
                let found = greffe_api::api::search::similar_view(&state, None, *id, &params).await;
                state.store.close().await;
                let found = found.map_err(|e| refused(&e))?;
                if json {
                    let _ = writeln!(io.out, "{}", serde_json::to_string_pretty(&found).unwrap_or_default());
                    return Ok(EXIT_OK);
                }
                for similar in &found.similar {
                    let decided = match (&similar.solution_label, &similar.formation) {
                        (Some(solution), Some(formation)) => format!("{solution} ({formation})"),
                        _ => similar.dossier.status_label.clone(),
                    };
                    let keywords: Vec<&str> = similar.shared_keywords.iter().map(|k| k.label.as_str()).collect();
                    let _ = writeln!(
                        io.out,
                        "{:.2}  {}  {}  {}  {}  [{}]",
                        similar.score,
                        similar.dossier.pourvoi,
                        similar.dossier.chamber,
                        decided,
                        similar.dossier.title,
                        keywords.join(", ")
                    );
                }
                if found.similar.is_empty() {
                    let _ = writeln!(io.out, "aucun dossier semblable (le dossier n'a ni moyens ni mots-clés ?)");
                }
                Ok(EXIT_OK)
            }
        }
    })
}
