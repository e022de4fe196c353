//! The journal: every procedural event and registry act, appended, never
//! edited. A correction is a new entry whose `corrects` names the entry it
//! replaces (or cancels, when its payload says `"cancel": true`).
//!
//! Hash chain: entry *n*'s hash is the SHA-256 of its own fields and entry
//! *n − 1*'s hash (length-prefixed, so that no two field lists give the same
//! text). Appends are serialised by the write transaction (`Store::write`:
//! the writer lock on SQLite, a row lock on `journal_head` on PostgreSQL),
//! which also records the last sequence number and hash in `journal_head`
//! once, at commit ([`record_head`]): a transaction appending thousands of
//! entries (an import) does not rewrite that row thousands of times.
//! [`verify`] recomputes the chain and names the first entry that does not
//! match, and compares the end of the chain with the head.

use greffe_models::Date;
use greffe_models::deadlines::{Actor, Event};
use greffe_models::registry::JournalKind;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool};
use utoipa::ToSchema;

use super::rows;
use crate::error::{Error, Result};

/// Hash of the (empty) chain before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A journal entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// Who (user id, or `system`, `import`).
    pub actor: String,
    /// The dossier concerned, if any.
    pub dossier_id: Option<i64>,
    /// What.
    pub kind: JournalKind,
    /// The date of the procedural event (not the recording instant).
    pub event_date: Option<Date>,
    /// Details.
    pub payload: serde_json::Value,
    /// The entry this one corrects or cancels.
    pub corrects: Option<i64>,
}

impl NewEntry {
    /// A registry act (no procedural date, correcting nothing): most
    /// entries the store appends.
    pub fn registry(
        actor: impl Into<String>,
        dossier_id: Option<i64>,
        kind: greffe_models::registry::RegistryKind,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            actor: actor.into(),
            dossier_id,
            kind: JournalKind::Registry(kind),
            event_date: None,
            payload,
            corrects: None,
        }
    }
}

/// A recorded journal entry.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JournalEntry {
    /// Sequence number, from 1, without gaps.
    pub seq: i64,
    /// When it was recorded (UTC).
    pub recorded_at: String,
    /// Who recorded it.
    pub actor: String,
    /// The dossier concerned.
    pub dossier_id: Option<i64>,
    /// What (`declaration_pourvoi`, `status_changed`…).
    pub kind: String,
    /// French label of the kind.
    pub label: String,
    /// Date of the procedural event.
    #[schema(value_type = Option<String>, format = Date)]
    pub event_date: Option<Date>,
    /// Details.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// The entry this one corrects or cancels.
    pub corrects: Option<i64>,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

struct Fields<'a> {
    seq: i64,
    recorded_at: &'a str,
    actor: &'a str,
    dossier_id: Option<i64>,
    kind: &'a str,
    event_date: Option<&'a str>,
    payload: &'a str,
    corrects: Option<i64>,
    prev_hash: &'a str,
}

fn hash(fields: &Fields<'_>) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: &str| {
        hasher.update(value.len().to_string().as_bytes());
        hasher.update(b":");
        hasher.update(value.as_bytes());
        hasher.update(b";");
    };
    field(&fields.seq.to_string());
    field(fields.recorded_at);
    field(fields.actor);
    field(&fields.dossier_id.map(|id| id.to_string()).unwrap_or_default());
    field(fields.kind);
    field(fields.event_date.unwrap_or(""));
    field(fields.payload);
    field(&fields.corrects.map(|id| id.to_string()).unwrap_or_default());
    field(fields.prev_hash);
    hex(&hasher.finalize())
}

pub use greffe_models::signature::hex;

/// Appends an entry within the caller's transaction.
pub async fn append(connection: &mut AnyConnection, entry: NewEntry) -> Result<JournalEntry> {
    // The caller's write transaction holds the journal lock (see
    // `Store::write`): the last entry is ours to follow.
    let last =
        sqlx::query("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *connection).await?;
    let (seq, prev_hash) = match last {
        Some(row) => (rows::int(&row, "seq")? + 1, rows::text(&row, "hash")?),
        None => (1, GENESIS.to_owned()),
    };
    let recorded_at = super::now();
    let payload = entry.payload.to_string();
    let event_date = entry.event_date.map(|date| date.to_string());
    let kind = entry.kind.as_str();
    let hash = hash(&Fields {
        seq,
        recorded_at: &recorded_at,
        actor: &entry.actor,
        dossier_id: entry.dossier_id,
        kind,
        event_date: event_date.as_deref(),
        payload: &payload,
        corrects: entry.corrects,
        prev_hash: &prev_hash,
    });
    sqlx::query(
        "INSERT INTO journal (seq, recorded_at, actor, dossier_id, kind, event_date, payload, corrects, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(seq)
    .bind(&recorded_at)
    .bind(&entry.actor)
    .bind(entry.dossier_id)
    .bind(kind)
    .bind(&event_date)
    .bind(&payload)
    .bind(entry.corrects)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *connection)
    .await?;
    Ok(JournalEntry {
        seq,
        recorded_at,
        actor: entry.actor,
        dossier_id: entry.dossier_id,
        kind: kind.to_owned(),
        label: entry.kind.label_fr().to_owned(),
        event_date: entry.event_date,
        payload: entry.payload,
        corrects: entry.corrects,
        prev_hash,
        hash,
    })
}

/// Records the chain's end in `journal_head` (at the commit of a write).
pub async fn record_head(connection: &mut AnyConnection) -> Result<()> {
    let last =
        sqlx::query("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *connection).await?;
    let (seq, hash) = match last {
        Some(row) => (rows::int(&row, "seq")?, rows::text(&row, "hash")?),
        None => (0, GENESIS.to_owned()),
    };
    sqlx::query("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1 AND (seq <> $1 OR hash <> $2)")
        .bind(seq)
        .bind(&hash)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

const COLUMNS: &str = "seq, recorded_at, actor, dossier_id, kind, event_date, payload, corrects, prev_hash, hash";

fn entry_of(row: &AnyRow) -> Result<JournalEntry> {
    let kind = rows::text(row, "kind")?;
    let label = JournalKind::parse(&kind).map_or("", JournalKind::label_fr).to_owned();
    Ok(JournalEntry {
        seq: rows::int(row, "seq")?,
        recorded_at: rows::text(row, "recorded_at")?,
        actor: rows::text(row, "actor")?,
        dossier_id: rows::opt_int(row, "dossier_id")?,
        kind,
        label,
        event_date: rows::opt_date(row, "event_date")?,
        payload: rows::json(row, "payload")?,
        corrects: rows::opt_int(row, "corrects")?,
        prev_hash: rows::text(row, "prev_hash")?,
        hash: rows::text(row, "hash")?,
    })
}

/// A dossier's entries, oldest first.
pub async fn of_dossier<'e, E>(executor: E, dossier_id: i64) -> Result<Vec<JournalEntry>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM journal WHERE dossier_id = $1 ORDER BY seq"))
        .bind(dossier_id)
        .fetch_all(executor)
        .await?;
    rows.iter().map(entry_of).collect()
}

/// The entries of the dossiers `scope` selects (an SQL subquery with one
/// parameter, `$1` = `bind`), by dossier then sequence.
pub async fn of_dossiers_in(pool: &AnyPool, scope: &str, bind: &str) -> Result<Vec<JournalEntry>> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM journal WHERE dossier_id IN ({scope}) ORDER BY dossier_id, seq"))
            .bind(bind)
            .fetch_all(pool)
            .await?;
    rows.iter().map(entry_of).collect()
}

/// Up to `limit` entries after sequence number `after`, oldest first: what a
/// cache derived from the registry (a search index, a replica's view) reads
/// to catch up. Appends are serialised on the journal's head, so entries
/// become visible in sequence order: a reader that remembers the last
/// sequence number it applied never misses one.
pub async fn after(pool: &AnyPool, after: i64, limit: usize) -> Result<Vec<JournalEntry>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2"))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(entry_of).collect()
}

/// One entry.
pub async fn get(pool: &AnyPool, seq: i64) -> Result<Option<JournalEntry>> {
    let row =
        sqlx::query(&format!("SELECT {COLUMNS} FROM journal WHERE seq = $1")).bind(seq).fetch_optional(pool).await?;
    row.as_ref().map(entry_of).transpose()
}

/// The deadline engine's view of a dossier's journal: its procedural
/// events, with corrections and cancellations.
pub fn procedural_events(entries: &[JournalEntry]) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    for entry in entries {
        let Some(JournalKind::Procedural(kind)) = JournalKind::parse(&entry.kind) else { continue };
        let Some(date) = entry.event_date else {
            return Err(Error::internal(format!("journal entry {} has no event date", entry.seq)));
        };
        let payload = &entry.payload;
        let party = payload.get("party").and_then(|p| p.as_str()).and_then(|p| match p {
            "demandeur" => Some(Actor::Demandeur),
            "defendeur" => Some(Actor::Defendeur),
            _ => None,
        });
        let cancel = payload.get("cancel").and_then(serde_json::Value::as_bool).unwrap_or(false);
        let reference = entry.corrects.map(|seq| seq.to_string());
        events.push(Event {
            id: entry.seq.to_string(),
            kind,
            date,
            party,
            rule: payload.get("rule").and_then(|r| r.as_str()).map(str::to_owned),
            new_due: payload
                .get("new_due")
                .and_then(|d| d.as_str())
                .and_then(|d| greffe_models::dates::parse_date(d).ok()),
            corrects: if cancel { None } else { reference.clone() },
            cancels: if cancel { reference } else { None },
        });
    }
    Ok(events)
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChainBreak {
    /// Sequence number of the first entry that does not match.
    pub seq: i64,
    /// Its dossier.
    pub dossier_id: Option<i64>,
    /// Its kind.
    pub kind: String,
    /// What does not match, in French.
    pub problem: String,
}

/// The result of verifying the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    /// True when every entry matches its hash and its predecessor.
    pub intact: bool,
    /// Entries checked.
    pub entries: i64,
    /// The last hash (the chain's fingerprint), when intact.
    pub head: Option<String>,
    /// The first break found.
    pub first_break: Option<ChainBreak>,
}

/// Recomputes the whole chain, in pages, and names the first entry that
/// does not match (modified, removed or inserted).
pub async fn verify(pool: &AnyPool) -> Result<Verification> {
    const PAGE: i64 = 5_000;
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1_i64;
    let broken = |seq, dossier_id, kind: &str, problem: String| Verification {
        intact: false,
        entries: seq - 1,
        head: None,
        first_break: Some(ChainBreak { seq, dossier_id, kind: kind.to_owned(), problem }),
    };
    loop {
        let page = sqlx::query(&format!("SELECT {COLUMNS} FROM journal WHERE seq >= $1 ORDER BY seq LIMIT $2"))
            .bind(expected_seq)
            .bind(PAGE)
            .fetch_all(pool)
            .await?;
        let count = page.len();
        for row in &page {
            let seq = rows::int(row, "seq")?;
            let dossier_id = rows::opt_int(row, "dossier_id")?;
            let kind = rows::text(row, "kind")?;
            if seq != expected_seq {
                return Ok(broken(
                    expected_seq,
                    None,
                    "",
                    format!("l'entrée n° {expected_seq} manque (suppression) : l'entrée suivante est la n° {seq}"),
                ));
            }
            let recorded_at = rows::text(row, "recorded_at")?;
            let actor = rows::text(row, "actor")?;
            let event_date = rows::opt_text(row, "event_date")?;
            let payload = rows::text(row, "payload")?;
            let corrects = rows::opt_int(row, "corrects")?;
            let prev_hash = rows::text(row, "prev_hash")?;
            let stored = rows::text(row, "hash")?;
            if prev_hash != expected_prev {
                return Ok(broken(
                    seq,
                    dossier_id,
                    &kind,
                    format!("l'entrée n° {seq} ne suit pas l'entrée n° {} (chaînage rompu)", seq - 1),
                ));
            }
            let computed = hash(&Fields {
                seq,
                recorded_at: &recorded_at,
                actor: &actor,
                dossier_id,
                kind: &kind,
                event_date: event_date.as_deref(),
                payload: &payload,
                corrects,
                prev_hash: &prev_hash,
            });
            if computed != stored {
                return Ok(broken(
                    seq,
                    dossier_id,
                    &kind,
                    format!("l'entrée n° {seq} a été modifiée après son enregistrement (empreinte différente)"),
                ));
            }
            expected_prev = stored;
            expected_seq += 1;
        }
        if count < usize::try_from(PAGE).unwrap_or(usize::MAX) {
            break;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM journal_head WHERE id = 1").fetch_one(pool).await?;
    let head_seq = rows::int(&head, "seq")?;
    let head_hash = rows::text(&head, "hash")?;
    if head_seq != expected_seq - 1 || head_hash != expected_prev {
        return Ok(broken(
            expected_seq,
            None,
            "",
            format!(
                "la tête du journal annonce {head_seq} entrées mais la chaîne en compte {} (entrées finales supprimées)",
                expected_seq - 1
            ),
        ));
    }
    Ok(Verification { intact: true, entries: expected_seq - 1, head: Some(expected_prev), first_break: None })
}

/// A full verification as recorded: when, by whom, and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VerificationRecord {
    /// When it ran (UTC).
    pub verified_at: String,
    /// Who ran it (`greffe journal verify` records `cli`).
    pub actor: String,
    /// What it found.
    pub result: Verification,
}

impl super::Store {
    /// Up to `limit` journal entries after sequence number `after`, oldest
    /// first ([`after`]): how a cache catches up.
    pub async fn journal_after(&self, after: i64, limit: usize) -> Result<Vec<JournalEntry>> {
        self::after(self.pool(), after, limit).await
    }

    /// Verifies the whole chain ([`verify`]) and records when, by whom and
    /// what was found, so that every dossier page can show the last full
    /// verification without running one.
    pub async fn verify_journal(&self, actor: &str) -> Result<Verification> {
        let result = verify(self.pool()).await?;
        let first_break = result.first_break.as_ref();
        self.write_alone(
            sqlx::query(
                "INSERT INTO journal_verifications (verified_at, actor, intact, entries, head, first_break, problem)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(super::now())
            .bind(actor)
            .bind(i64::from(result.intact))
            .bind(result.entries)
            .bind(&result.head)
            .bind(first_break.map(|b| b.seq))
            .bind(first_break.map(|b| b.problem.clone())),
        )
        .await?;
        Ok(result)
    }

    /// The last recorded full verification, if any ran.
    pub async fn last_verification(&self) -> Result<Option<VerificationRecord>> {
        let row = sqlx::query(
            "SELECT verified_at, actor, intact, entries, head, first_break, problem FROM journal_verifications
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let first_break = match rows::opt_int(&row, "first_break")? {
            Some(seq) => Some(ChainBreak {
                seq,
                dossier_id: None,
                kind: String::new(),
                problem: rows::opt_text(&row, "problem")?.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(Some(VerificationRecord {
            verified_at: rows::text(&row, "verified_at")?,
            actor: rows::text(&row, "actor")?,
            result: Verification {
                intact: rows::int(&row, "intact")? != 0,
                entries: rows::int(&row, "entries")?,
                head: rows::opt_text(&row, "head")?,
                first_break,
            },
        }))
    }
}
