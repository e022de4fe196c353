//! What the full-text index reads of the registry: for a batch of
//! dossiers, the fields a search finds them by (record, grounds, keywords,
//! parties, the decision rendered, the text pieces filed), read in a few
//! queries per batch rather than a dossier at a time; and, for a journal
//! entry, the dossiers it changed. The store knows nothing of the index
//! itself (the service's follower builds it from these).
//!
//! **Drafts are never read here**: of a decision, only a sealed version's
//! text (rendered and signed by all); of the pieces, those filed.

use std::collections::{BTreeMap, BTreeSet};

use greffe_models::decision::DecisionContent;
use greffe_models::record::{Ground, Party};
use greffe_models::registry::{DossierStatus, JournalKind, PartyRole, RegistryKind};
use sqlx::any::AnyRow;

use super::journal::JournalEntry;
use super::{Store, rows};
use crate::dossiers::DecisionRecord;
use crate::error::{Error, Result};

/// Dossiers read per batch (one `IN (…)` list of ids).
const BATCH: usize = 500;
/// The most text of one piece the index reads (bytes; the rest is cut at a
/// character boundary).
pub const MAX_PIECE_TEXT: usize = 256 * 1024;

/// A dossier as the full-text index reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedDossier {
    /// Id.
    pub id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Chamber.
    pub chamber: String,
    /// Matter code.
    pub matter: Option<String>,
    /// Circuit code.
    pub circuit: Option<String>,
    /// Status code.
    pub status: String,
    /// Registration date (YYYY-MM-DD).
    pub registered_on: String,
    /// The parties, in the record's order.
    pub parties: Vec<Party>,
    /// The grounds.
    pub grounds: Vec<Ground>,
    /// Keyword codes.
    pub keywords: Vec<String>,
    /// The decision recorded, if any.
    pub decision: Option<DecisionRecord>,
    /// The sealed decision's content, if it was drafted and sealed here.
    pub sealed: Option<DecisionContent>,
    /// Pieces filed: file name and, for a text piece, its text.
    pub pieces: Vec<IndexedPiece>,
}

/// A filed piece as the index reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedPiece {
    /// Kind code.
    pub kind: String,
    /// File name.
    pub filename: String,
    /// The text of a `text/*` piece (at most [`MAX_PIECE_TEXT`] bytes).
    pub text: Option<String>,
}

/// `1, 2, 3`: ids of our own store, written as numbers (never text).
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// The first `max` bytes of `bytes` as UTF-8 text, cut at a character
/// boundary; invalid sequences replaced.
fn text_prefix(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]);
    text.trim_end_matches('\u{FFFD}').to_owned()
}

impl Store {
    /// Every dossier's id, in order (a rebuild of the index).
    pub async fn all_dossier_ids(&self) -> Result<Vec<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM dossiers ORDER BY id").fetch_all(self.pool()).await?;
        Ok(ids)
    }

    /// The dossiers `ids` as the index reads them, in id order; an id no
    /// dossier has is left out (the caller removes it from the index).
    pub async fn indexed_dossiers(&self, ids: &[i64]) -> Result<Vec<IndexedDossier>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(BATCH) {
            out.extend(self.indexed_batch(batch).await?);
        }
        Ok(out)
    }

    async fn indexed_batch(&self, ids: &[i64]) -> Result<Vec<IndexedDossier>> {
        let list = id_list(ids);
        let mut connection = self.pool().acquire().await?;
        let rows = sqlx::query(&format!(
            "SELECT id, pourvoi, chamber, matter, circuit, status, registered_on FROM dossiers WHERE id IN ({list}) ORDER BY id"
        ))
        .fetch_all(&mut *connection)
        .await?;
        let mut dossiers: BTreeMap<i64, IndexedDossier> = BTreeMap::new();
        for row in &rows {
            let id = rows::int(row, "id")?;
            dossiers.insert(
                id,
                IndexedDossier {
                    id,
                    pourvoi: rows::text(row, "pourvoi")?,
                    chamber: rows::text(row, "chamber")?,
                    matter: rows::opt_text(row, "matter")?,
                    circuit: rows::opt_text(row, "circuit")?,
                    status: rows::text(row, "status")?,
                    registered_on: rows::text(row, "registered_on")?,
                    parties: Vec::new(),
                    grounds: Vec::new(),
                    keywords: Vec::new(),
                    decision: None,
                    sealed: None,
                    pieces: Vec::new(),
                },
            );
        }
        let children = async |connection: &mut sqlx::AnyConnection, sql: String| -> Result<Vec<AnyRow>> {
            Ok(sqlx::query(&sql).fetch_all(&mut *connection).await?)
        };
        for row in children(
            &mut connection,
            format!(
                "SELECT dossier_id, name, role, lawyer, lawyer_email, address FROM dossier_parties WHERE dossier_id IN ({list}) ORDER BY dossier_id, position"
            ),
        )
        .await?
        {
            let Some(dossier) = dossiers.get_mut(&rows::int(&row, "dossier_id")?) else { continue };
            dossier.parties.push(Party {
                name: rows::text(&row, "name")?,
                role: rows::parsed(&row, "role", PartyRole::parse)?,
                lawyer: rows::opt_text(&row, "lawyer")?,
                lawyer_email: rows::opt_text(&row, "lawyer_email")?,
                address: rows::opt_text(&row, "address")?,
            });
        }
        for row in children(
            &mut connection,
            format!(
                "SELECT dossier_id, title, branches, articles, text FROM dossier_grounds WHERE dossier_id IN ({list}) ORDER BY dossier_id, position"
            ),
        )
        .await?
        {
            let Some(dossier) = dossiers.get_mut(&rows::int(&row, "dossier_id")?) else { continue };
            dossier.grounds.push(Ground {
                title: rows::text(&row, "title")?,
                branches: rows::json(&row, "branches")?,
                articles: rows::json(&row, "articles")?,
                text: rows::text(&row, "text")?,
            });
        }
        for row in children(
            &mut connection,
            format!(
                "SELECT dossier_id, keyword FROM dossier_keywords WHERE dossier_id IN ({list}) ORDER BY dossier_id, position"
            ),
        )
        .await?
        {
            let Some(dossier) = dossiers.get_mut(&rows::int(&row, "dossier_id")?) else { continue };
            dossier.keywords.push(rows::text(&row, "keyword")?);
        }
        for row in children(
            &mut connection,
            format!(
                "SELECT dossier_id, decided_on, solution, formation, publication, ecli, number FROM decisions WHERE dossier_id IN ({list})"
            ),
        )
        .await?
        {
            let Some(dossier) = dossiers.get_mut(&rows::int(&row, "dossier_id")?) else { continue };
            dossier.decision = Some(DecisionRecord {
                decided_on: rows::text(&row, "decided_on")?,
                solution: rows::text(&row, "solution")?,
                formation: rows::text(&row, "formation")?,
                publication: rows::text(&row, "publication")?,
                ecli: rows::opt_text(&row, "ecli")?,
                number: rows::opt_text(&row, "number")?,
            });
        }
        // The sealed version: signed by all, the decision as rendered (a
        // decision has one seal; drafts and unsealed versions are not read).
        for row in children(
            &mut connection,
            format!(
                "SELECT v.dossier_id, v.content FROM decision_versions v
                 JOIN decision_seals s ON s.dossier_id = v.dossier_id AND s.version = v.version
                 WHERE v.dossier_id IN ({list}) ORDER BY v.dossier_id, v.version"
            ),
        )
        .await?
        {
            let id = rows::int(&row, "dossier_id")?;
            let Some(dossier) = dossiers.get_mut(&id) else { continue };
            let raw = rows::text(&row, "content")?;
            let content: DecisionContent = serde_json::from_str(&raw)
                .map_err(|error| Error::internal(format!("sealed decision of dossier {id}: {error}")))?;
            dossier.sealed = Some(content);
        }
        let pieces = children(
            &mut connection,
            format!(
                "SELECT dossier_id, kind, filename, media_type, sha256 FROM pieces WHERE dossier_id IN ({list}) ORDER BY dossier_id, id"
            ),
        )
        .await?;
        drop(connection);
        for row in pieces {
            let Some(dossier) = dossiers.get_mut(&rows::int(&row, "dossier_id")?) else { continue };
            let media_type = rows::text(&row, "media_type")?;
            let text = if media_type.starts_with("text/") {
                let sha256 = rows::text(&row, "sha256")?;
                self.blobs().get(self.pool(), &sha256).await?.map(|bytes| text_prefix(&bytes, MAX_PIECE_TEXT))
            } else {
                None
            };
            dossier.pieces.push(IndexedPiece {
                kind: rows::text(&row, "kind")?,
                filename: rows::text(&row, "filename")?,
                text,
            });
        }
        Ok(dossiers.into_values().collect())
    }

    /// The dossiers a journal entry changed: its dossier; for a plan's
    /// step (a publication moves its chamber's dossiers between ready and
    /// scheduled) the chamber's dossiers on or off a roll; for a hearing's
    /// sitting (its dossiers become heard) the hearing's roll. Other
    /// entries without a dossier (reference data, users) change none.
    pub async fn dossiers_changed_by(&self, entry: &JournalEntry) -> Result<Vec<i64>> {
        if let Some(id) = entry.dossier_id {
            return Ok(vec![id]);
        }
        let kind = JournalKind::parse(&entry.kind);
        let text = |key: &str| entry.payload.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        let ids: Vec<i64> = match kind {
            Some(JournalKind::Registry(RegistryKind::PlanTransition)) => {
                let Some(chamber) = text("chamber") else { return Ok(Vec::new()) };
                let statuses = [DossierStatus::Ready, DossierStatus::Scheduled, DossierStatus::Heard]
                    .map(|s| format!("'{}'", s.as_str()))
                    .join(", ");
                sqlx::query_scalar(&format!(
                    "SELECT id FROM dossiers WHERE chamber = $1 AND status IN ({statuses}) ORDER BY id"
                ))
                .bind(chamber)
                .fetch_all(self.pool())
                .await?
            }
            Some(JournalKind::Registry(RegistryKind::SittingRecorded)) => {
                let Some(hearing) = text("hearing") else { return Ok(Vec::new()) };
                sqlx::query_scalar("SELECT dossier_id FROM hearing_roll WHERE hearing_id = $1 ORDER BY dossier_id")
                    .bind(hearing)
                    .fetch_all(self.pool())
                    .await?
            }
            _ => Vec::new(),
        };
        Ok(ids.into_iter().collect::<BTreeSet<_>>().into_iter().collect())
    }

    /// The journal's last sequence number (0: empty), as the head records
    /// it at each commit.
    pub async fn journal_head(&self) -> Result<i64> {
        let seq: i64 = sqlx::query_scalar("SELECT seq FROM journal_head WHERE id = 1").fetch_one(self.pool()).await?;
        Ok(seq)
    }
}

#[cfg(test)]
mod tests {
    use super::text_prefix;

    #[test]
    fn a_piece_is_cut_at_a_character_boundary() {
        let text = "arrêt".as_bytes();
        // « ê » is bytes 3 and 4: cutting inside it drops it.
        assert_eq!(text_prefix(text, 3), "arr");
        assert_eq!(text_prefix(text, 4), "arr");
        assert_eq!(text_prefix(text, 5), "arrê");
        assert_eq!(text_prefix(text, 100), "arrêt");
    }
}
