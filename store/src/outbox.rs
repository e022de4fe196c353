//! The transactional outbox: every notice to send is a row written in the
//! transaction of the event that causes it — the publication of a plan or
//! of an avenant, a decision rendered, a report filed, an order signed
//! ([`queue_notice`]: its task and its rows) — so that no notice is lost
//! when a process dies and none is sent for an event that was rolled back.
//!
//! A row is one document to one recipient: the avis d'audience of a
//! dossier (or, after an avenant, its avis de retrait du rôle or de
//! changement de composition) to one lawyer's office (one row for the
//! parties it represents),
//! or, for a party without a lawyer's e-mail address, a letter the greffe
//! prints and posts. The dispatcher (the service's worker) claims due
//! e-mail rows for a lease ([`Store::claim_outbox`]), renders the document
//! once and keeps it by its SHA-256 ([`Store::keep_outbox_documents`]: every
//! attempt sends the same bytes), sends it with the Message-ID derived from
//! the row, and records the outcome: sent ([`Store::outbox_sent`], journaled
//! on the dossier with the recipient, the message id and the document's
//! hash; the notice task is done when all its rows are), a temporary failure
//! to retry later ([`Store::outbox_retry`]), a permanent refusal
//! ([`Store::outbox_refused`], journaled; the notice task stays open for the
//! clerk with the server's answer). Delivery is at least once: a process
//! killed between the send and its record sends the row again, under the
//! same Message-ID.
//!
//! The clerk's acts on a row: a letter posted ([`Store::outbox_posted`]:
//! the address on the envelope, the registered letter's number as the
//! proof of dispatch, the letter kept by its hash), a refused e-mail sent
//! again to the corrected address or as a letter
//! ([`Store::outbox_resend`]); both journaled, both refused from a status
//! that does not allow them.

use std::time::Duration;

use greffe_models::diff::TaskKind;
use greffe_models::record::Party;
use greffe_models::registry::RegistryKind;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::error::{Error, ErrorCode, Result};
use crate::journal::{self, NewEntry, hex};
use crate::{Backend, Store, instant, now, rows};

/// The document an outbox row carries: the avis d'audience.
pub const AVIS_AUDIENCE: &str = "avis_audience";
/// The document an outbox row carries: the avis de retrait du rôle (the
/// dossier is no longer at that hearing).
pub const AVIS_RETRAIT: &str = "avis_retrait";
/// The document an outbox row carries: the avis de changement de
/// composition (the hearing's bench changed).
pub const AVIS_CHANGEMENT_COMPOSITION: &str = "avis_changement_composition";
/// The document an outbox row carries: the notification of the decision
/// rendered (the sealed arrêt itself).
pub const NOTIFICATION_ARRET: &str = "notification_arret";
/// The document an outbox row carries: a work document the parties read
/// (the rapporteur's report, the avocat général's opinion) as filed,
/// communicated to their lawyers.
pub const COMMUNICATION_TRAVAIL: &str = "communication_travail";
/// How the task of a [`COMMUNICATION_TRAVAIL`] begins; what follows says
/// what is communicated (« rapport du conseiller rapporteur, version 2
/// déposée le … »), which the e-mail repeats to the lawyers.
pub const COMMUNICATION_LABEL: &str = "Communiquer aux avocats des parties : ";
/// The document an outbox row carries: the president's order (déchéance,
/// désistement) as signed, notified to the parties.
pub const NOTIFICATION_ORDONNANCE: &str = "notification_ordonnance";

/// What document `document` is, in French (« Avis d'audience »…).
pub fn title_fr(document: &str) -> &'static str {
    match document {
        AVIS_RETRAIT => "Avis de retrait du rôle",
        AVIS_CHANGEMENT_COMPOSITION => "Avis de changement de composition",
        NOTIFICATION_ARRET => "Notification de l'arrêt",
        COMMUNICATION_TRAVAIL => "Communication aux avocats",
        NOTIFICATION_ORDONNANCE => "Notification de l'ordonnance",
        _ => "Avis d'audience",
    }
}

/// The document that carries the notice of a task of `kind`.
pub fn document_of(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::SendNotice => AVIS_AUDIENCE,
        TaskKind::WithdrawNotice => AVIS_RETRAIT,
        TaskKind::CompositionNotice => AVIS_CHANGEMENT_COMPOSITION,
        TaskKind::DecisionNotice => NOTIFICATION_ARRET,
        TaskKind::WorkNotice => COMMUNICATION_TRAVAIL,
        TaskKind::OrderNotice => NOTIFICATION_ORDONNANCE,
    }
}

/// How a row reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// By e-mail, the document attached.
    Email,
    /// A letter the greffe prints and posts.
    Letter,
}

impl Channel {
    /// The channel as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Letter => "letter",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [Self::Email, Self::Letter].into_iter().find(|c| c.as_str() == raw)
    }
}

/// Where a row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// To send, at its next attempt.
    Pending,
    /// Sent: the mail server accepted it.
    Sent,
    /// Refused for good by the mail server: the clerk sends it otherwise.
    Refused,
    /// A letter to print and post.
    Letter,
    /// The letter was posted.
    Posted,
}

impl OutboxStatus {
    const ALL: [Self; 5] = [Self::Pending, Self::Sent, Self::Refused, Self::Letter, Self::Posted];

    /// The status as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Refused => "refused",
            Self::Letter => "letter",
            Self::Posted => "posted",
        }
    }

    /// Whether the recipient has its notice (nothing left to do).
    pub fn delivered(self) -> bool {
        matches!(self, Self::Sent | Self::Posted)
    }

    fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// One document to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct OutboxItem {
    /// Id (the Message-ID is derived from it).
    pub id: i64,
    /// The notice task it fulfils.
    pub task_id: i64,
    /// Dossier.
    pub dossier_id: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// The hearing it concerns (none for a report's communication or an
    /// order's notification).
    pub hearing_id: Option<String>,
    /// Which document ([`AVIS_AUDIENCE`], [`AVIS_RETRAIT`],
    /// [`AVIS_CHANGEMENT_COMPOSITION`], [`NOTIFICATION_ARRET`],
    /// [`COMMUNICATION_TRAVAIL`], [`NOTIFICATION_ORDONNANCE`]).
    pub document: String,
    /// How it goes.
    pub channel: Channel,
    /// The parties it informs, as named in the record (`M. X, Mme Y`).
    pub party: String,
    /// Who receives it: the lawyer's office, or the party itself.
    pub recipient: String,
    /// The e-mail address, or the postal address of a letter (none when
    /// the record has none: the clerk completes it).
    pub address: Option<String>,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Sending attempts so far.
    pub attempts: i64,
    /// When it is due (instant as stored).
    pub next_attempt: String,
    /// SHA-256 of the rendered document, once rendered.
    pub document_sha256: Option<String>,
    /// The Message-ID it was sent under.
    pub message_id: Option<String>,
    /// The last failure, in the server's words.
    pub last_error: Option<String>,
    /// When it was sent or posted.
    pub sent_at: Option<String>,
    /// What proves it left (art. 748-6 CPC): the mail server's reply
    /// accepting it, or what the clerk recorded on posting the letter.
    pub proof: Option<String>,
}

const COLUMNS: &str = "o.id, o.task_id, o.dossier_id, d.pourvoi, o.hearing_id, o.document, o.channel, o.party,
    o.recipient, o.address, o.status, o.attempts, o.next_attempt, o.document_sha256, o.message_id, o.last_error,
    o.sent_at, o.proof";

fn item_of(row: &AnyRow) -> Result<OutboxItem> {
    Ok(OutboxItem {
        id: rows::int(row, "id")?,
        task_id: rows::int(row, "task_id")?,
        dossier_id: rows::int(row, "dossier_id")?,
        pourvoi: rows::text(row, "pourvoi")?,
        hearing_id: rows::opt_text(row, "hearing_id")?,
        document: rows::text(row, "document")?,
        channel: rows::parsed(row, "channel", Channel::parse)?,
        party: rows::text(row, "party")?,
        recipient: rows::text(row, "recipient")?,
        address: rows::opt_text(row, "address")?,
        status: rows::parsed(row, "status", OutboxStatus::parse)?,
        attempts: rows::int(row, "attempts")?,
        next_attempt: rows::text(row, "next_attempt")?,
        document_sha256: rows::opt_text(row, "document_sha256")?,
        message_id: rows::opt_text(row, "message_id")?,
        last_error: rows::opt_text(row, "last_error")?,
        sent_at: rows::opt_text(row, "sent_at")?,
        proof: rows::opt_text(row, "proof")?,
    })
}

/// Row `id`, read on `connection` (within a transaction: as it writes it).
async fn item_in(connection: &mut AnyConnection, id: i64) -> Result<OutboxItem> {
    let sql = format!("SELECT {COLUMNS} FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE o.id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(connection)
        .await?
        .ok_or_else(|| Error::not_found(format!("envoi n° {id}")))?;
    item_of(&row)
}

/// Where one party's notices go, if anywhere.
enum Recipient {
    /// Its lawyer's office, by e-mail.
    Email { lawyer: String, email: String },
    /// A letter: to its lawyer (no e-mail address recorded) or to itself.
    Letter { to: String, address: Option<String> },
}

fn recipient_of(party: &Party) -> Option<Recipient> {
    if party.is_ministere_public() {
        return None;
    }
    Some(match (party.lawyer(), &party.lawyer_email) {
        (Some(lawyer), Some(email)) => Recipient::Email { lawyer: lawyer.to_owned(), email: email.clone() },
        (Some(lawyer), None) => Recipient::Letter { to: lawyer.to_owned(), address: None },
        (None, _) => Recipient::Letter { to: party.name.clone(), address: party.postal_address().map(str::to_owned) },
    })
}

/// A notice to queue: its task, and the rows that carry it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewNotice<'a> {
    /// What to send.
    pub kind: TaskKind,
    /// The dossier whose parties are notified.
    pub dossier_id: i64,
    /// The chamber whose greffe sends it.
    pub chamber: &'a str,
    /// The publication that implies it, if a plan's.
    pub plan_id: Option<i64>,
    /// The hearing it concerns, if any.
    pub hearing_id: Option<&'a str>,
    /// Its last day, if it has one.
    pub due: Option<&'a str>,
    /// What to do, in French, for the clerk.
    pub label: &'a str,
    /// Why it was queued after its last day, as the clerk recorded it.
    pub late_reason: Option<&'a str>,
    /// The document it notifies, fixed at once and kept by this SHA-256
    /// (the sealed arrêt, the report's filed version); else rendered for
    /// each recipient when sent.
    pub document_sha256: Option<&'a str>,
}

impl<'a> NewNotice<'a> {
    /// A notice of dossier `dossier_id` outside any plan and hearing, with
    /// no last day (a filing's communication, an order's notification).
    pub(crate) fn of_dossier(kind: TaskKind, dossier_id: i64, chamber: &'a str, label: &'a str) -> Self {
        Self {
            kind,
            dossier_id,
            chamber,
            plan_id: None,
            hearing_id: None,
            due: None,
            label,
            late_reason: None,
            document_sha256: None,
        }
    }
}

/// Queues `notice` within the caller's transaction: its task, and the
/// rows that send it ([`enqueue_notice`]), at `at`. Returns the task's id.
pub(crate) async fn queue_notice(connection: &mut AnyConnection, notice: NewNotice<'_>, at: &str) -> Result<i64> {
    let task = sqlx::query(
        "INSERT INTO notice_tasks (plan_id, dossier_id, hearing_id, chamber, kind, due, label, created_at, late_reason,
                                   document_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(notice.plan_id)
    .bind(notice.dossier_id)
    .bind(notice.hearing_id)
    .bind(notice.chamber)
    .bind(notice.kind.as_str())
    .bind(notice.due)
    .bind(notice.label)
    .bind(at)
    .bind(notice.late_reason)
    .bind(notice.document_sha256)
    .fetch_one(&mut *connection)
    .await?;
    let task_id = rows::int(&task, "id")?;
    enqueue_notice(connection, task_id, &notice, at).await?;
    Ok(task_id)
}

/// Writes, within the caller's transaction, the rows that send the notice
/// of task `task_id` (its document by [`document_of`]): one e-mail per
/// lawyer's address (the parties it represents named together), one
/// letter per party without one. Returns the number of rows.
async fn enqueue_notice(
    connection: &mut AnyConnection,
    task_id: i64,
    notice: &NewNotice<'_>,
    at: &str,
) -> Result<usize> {
    let parties = crate::dossiers::parties_of(connection, notice.dossier_id).await?;
    // (channel, recipient, address) → the parties it informs, in the
    // record's order.
    let mut rows_to_write: Vec<(Channel, String, Option<String>, Vec<String>)> = Vec::new();
    for party in &parties {
        let (channel, to, address) = match recipient_of(party) {
            None => continue,
            Some(Recipient::Email { lawyer, email }) => (Channel::Email, lawyer, Some(email)),
            Some(Recipient::Letter { to, address }) => (Channel::Letter, to, address),
        };
        let same = rows_to_write.iter_mut().find(|(c, r, a, _)| {
            *c == channel && *r == to && *a == address && (channel == Channel::Email || address.is_some())
        });
        match same {
            Some((_, _, _, named)) => named.push(party.name.clone()),
            None => rows_to_write.push((channel, to, address, vec![party.name.clone()])),
        }
    }
    for (channel, recipient, address, named) in &rows_to_write {
        let status = match channel {
            Channel::Email => OutboxStatus::Pending,
            Channel::Letter => OutboxStatus::Letter,
        };
        sqlx::query(
            "INSERT INTO outbox (task_id, dossier_id, hearing_id, document, channel, party, recipient, address, status,
                                 next_attempt, created_at, document_sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
        )
        .bind(task_id)
        .bind(notice.dossier_id)
        .bind(notice.hearing_id)
        .bind(document_of(notice.kind))
        .bind(channel.as_str())
        .bind(named.join(", "))
        .bind(recipient)
        .bind(address)
        .bind(status.as_str())
        .bind(at)
        .bind(notice.document_sha256)
        .execute(&mut *connection)
        .await?;
    }
    Ok(rows_to_write.len())
}

impl Store {
    /// The rows of notice task `task_id`, in their order.
    pub async fn outbox_of_task(&self, task_id: i64) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE o.task_id = $1 ORDER BY o.id"
        );
        sqlx::query(&sql).bind(task_id).fetch_all(self.pool()).await?.iter().map(item_of).collect()
    }

    /// The rows of a chamber's open notice tasks, by task then id: what
    /// the clerk's list of notices shows beside each.
    pub async fn outbox_of_open_tasks(&self, chamber: &str) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox o JOIN dossiers d ON d.id = o.dossier_id
             JOIN notice_tasks t ON t.id = o.task_id
             WHERE t.chamber = $1 AND t.done = 0 ORDER BY o.task_id, o.id"
        );
        sqlx::query(&sql).bind(chamber).fetch_all(self.pool()).await?.iter().map(item_of).collect()
    }

    /// One row.
    pub async fn outbox_item(&self, id: i64) -> Result<OutboxItem> {
        let mut connection = self.pool().acquire().await?;
        item_in(&mut connection, id).await
    }

    /// How many rows stand in each status, for the service's health and
    /// metrics: `(status, count)`.
    pub async fn outbox_counts(&self) -> Result<Vec<(OutboxStatus, i64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|row| Ok((rows::parsed(row, "status", OutboxStatus::parse)?, rows::int(row, "n")?))).collect()
    }

    /// Claims up to `limit` due e-mail rows for `worker` during `lease` (rows
    /// whose lease ran out — their worker died — are due again), the
    /// oldest due first.
    pub async fn claim_outbox(&self, worker: &str, lease: Duration, limit: i64) -> Result<Vec<OutboxItem>> {
        self.claim_where("status = 'pending' AND next_attempt <= $1", worker, lease, limit).await
    }

    /// Claims up to `limit` letters whose document is not made yet (and
    /// whose making never failed: that one the clerk reads on the row), for
    /// `worker` during `lease`: the letters the clerk will print, made
    /// ahead by the worker.
    pub async fn claim_unmade_letters(&self, worker: &str, lease: Duration, limit: i64) -> Result<Vec<OutboxItem>> {
        self.claim_where("status = 'letter' AND document_sha256 IS NULL AND last_error IS NULL", worker, lease, limit)
            .await
    }

    /// Records that the document of letter row `id`, held by `worker`,
    /// could not be made: why, for the clerk (the row is not claimed again).
    pub async fn outbox_unmade(&self, id: i64, worker: &str, error: &str) -> Result<()> {
        self.write_alone(
            sqlx::query(
                "UPDATE outbox SET last_error = $1, lease_until = NULL WHERE id = $2 AND worker = $3 AND status = 'letter'",
            )
            .bind(error)
            .bind(id)
            .bind(worker),
        )
        .await
    }

    /// Claims up to `limit` rows meeting `condition` (SQL over the outbox's
    /// columns, `$1` the instant now) whose lease is free, oldest due
    /// first.
    async fn claim_where(&self, condition: &str, worker: &str, lease: Duration, limit: i64) -> Result<Vec<OutboxItem>> {
        let at = chrono::Utc::now();
        let until = instant(at + chrono::Duration::from_std(lease).map_err(Error::internal)?);
        let at = instant(at);
        let mut write = self.write().await?;
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let due = sqlx::query(&format!(
            "SELECT id FROM outbox
             WHERE {condition} AND (lease_until IS NULL OR lease_until < $1)
             ORDER BY next_attempt, id LIMIT $2{skip_locked}"
        ))
        .bind(&at)
        .bind(limit)
        .fetch_all(&mut *write.tx)
        .await?
        .iter()
        .map(|row| rows::int(row, "id"))
        .collect::<Result<Vec<_>>>()?;
        for id in &due {
            sqlx::query("UPDATE outbox SET worker = $1, lease_until = $2 WHERE id = $3")
                .bind(worker)
                .bind(&until)
                .bind(id)
                .execute(&mut *write.tx)
                .await?;
        }
        write.commit().await?;
        let mut claimed = Vec::with_capacity(due.len());
        for id in due {
            claimed.push(self.outbox_item(id).await?);
        }
        Ok(claimed)
    }

    /// Renews `worker`'s lease on rows `ids` (the rest of a batch taking
    /// long); returns those still its own — a row taken over, or done, is
    /// not to be attempted.
    pub async fn hold_outbox_rows(&self, ids: &[i64], worker: &str, lease: Duration) -> Result<Vec<i64>> {
        let until = instant(chrono::Utc::now() + chrono::Duration::from_std(lease).map_err(Error::internal)?);
        let mut write = self.write().await?;
        let mut held = Vec::with_capacity(ids.len());
        for &id in ids {
            let renewed =
                sqlx::query("UPDATE outbox SET lease_until = $1 WHERE id = $2 AND worker = $3 AND status = 'pending'")
                    .bind(&until)
                    .bind(id)
                    .bind(worker)
                    .execute(&mut *write.tx)
                    .await?
                    .rows_affected();
            if renewed == 1 {
                held.push(id);
            }
        }
        write.commit().await?;
        Ok(held)
    }

    /// Keeps the rendered documents of a batch's rows held by `worker` —
    /// `(row, bytes, Message-ID of an e-mail)` — by their SHA-256, tied to
    /// each row in one transaction, before any is sent; returns each row's
    /// hash. A row that already has its document keeps it (every attempt
    /// sends the same bytes).
    pub async fn keep_outbox_documents(
        &self,
        worker: &str,
        documents: &[(i64, Vec<u8>, Option<String>)],
    ) -> Result<Vec<(i64, String)>> {
        let mut write = self.write().await?;
        for (id, bytes, message_id) in documents {
            let sha256 = hex(&Sha256::digest(bytes));
            self.blobs.put(&mut write.tx, &sha256, bytes).await?;
            sqlx::query(
                "UPDATE outbox SET document_sha256 = COALESCE(document_sha256, $1),
                     message_id = COALESCE(message_id, $2)
                 WHERE id = $3 AND worker = $4",
            )
            .bind(&sha256)
            .bind(message_id)
            .bind(id)
            .bind(worker)
            .execute(&mut *write.tx)
            .await?;
        }
        let mut kept = Vec::with_capacity(documents.len());
        for (id, _, _) in documents {
            let row = sqlx::query("SELECT document_sha256 FROM outbox WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *write.tx)
                .await?;
            if let Some(sha256) = rows::opt_text(&row, "document_sha256")? {
                kept.push((*id, sha256));
            }
        }
        write.commit().await?;
        Ok(kept)
    }

    /// The document kept under `sha256`.
    pub async fn outbox_document(&self, sha256: &str) -> Result<Vec<u8>> {
        self.blobs
            .get(self.pool(), sha256)
            .await?
            .ok_or_else(|| Error::internal(format!("document {sha256} absent du magasin")))
    }

    /// Records that row `id` was sent (the server accepted it), journals
    /// the sending on its dossier (to whom, when, the Message-ID, the
    /// document's hash) and, when every row of its notice task has reached
    /// its recipient, marks the task done. A row already recorded sent (a
    /// duplicate after a takeover) is left as it is. `proof` is the
    /// server's reply accepting it, kept as the proof of dispatch;
    /// `message_id` the Message-ID it went under (kept unless the row has
    /// one already).
    pub async fn outbox_sent(&self, id: i64, worker: &str, message_id: &str, proof: &str) -> Result<()> {
        let at = now();
        let mut write = self.write().await?;
        let updated = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, lease_until = NULL,
                 last_error = NULL, proof = $4, message_id = COALESCE(message_id, $5)
             WHERE id = $2 AND status = 'pending' AND worker = $3",
        )
        .bind(&at)
        .bind(id)
        .bind(worker)
        .bind(proof)
        .bind(message_id)
        .execute(&mut *write.tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        let item = item_in(&mut write.tx, id).await?;
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                worker.to_owned(),
                Some(item.dossier_id),
                RegistryKind::NoticeSent,
                serde_json::json!({
                    "outbox": item.id, "task": item.task_id, "hearing": item.hearing_id, "document": item.document,
                    "to": item.recipient, "address": item.address, "parties": item.party, "sent_at": at,
                    "message_id": item.message_id, "document_sha256": item.document_sha256, "proof": proof,
                }),
            ),
        )
        .await?;
        close_task_when_delivered(&mut write.tx, worker, item.task_id).await?;
        write.commit().await
    }

    /// Records a temporary failure of row `id`: tried again at `retry_at`.
    pub async fn outbox_retry(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        self.write_alone(
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt = $2, lease_until = NULL
                 WHERE id = $3 AND status = 'pending' AND worker = $4",
            )
            .bind(error)
            .bind(instant(retry_at))
            .bind(id)
            .bind(worker),
        )
        .await
    }

    /// Records a permanent refusal of row `id` (the address does not
    /// exist, the message is refused): journaled on the dossier; the notice
    /// task stays open, the clerk reads the server's answer there and sends
    /// the notice otherwise.
    pub async fn outbox_refused(&self, id: i64, worker: &str, error: &str) -> Result<()> {
        let mut write = self.write().await?;
        let updated = sqlx::query(
            "UPDATE outbox SET status = 'refused', attempts = attempts + 1, last_error = $1, lease_until = NULL
             WHERE id = $2 AND status = 'pending' AND worker = $3",
        )
        .bind(error)
        .bind(id)
        .bind(worker)
        .execute(&mut *write.tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        let item = item_in(&mut write.tx, id).await?;
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                worker.to_owned(),
                Some(item.dossier_id),
                RegistryKind::NoticeRefused,
                serde_json::json!({
                    "outbox": item.id, "task": item.task_id, "hearing": item.hearing_id, "to": item.recipient,
                    "address": item.address, "error": error, "message_id": item.message_id,
                }),
            ),
        )
        .await?;
        write.commit().await
    }
}

/// What the clerk records on posting a letter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Posting {
    /// The address written on the envelope, when the row has none (or
    /// another one).
    pub address: Option<String>,
    /// The registered letter's number, if it was sent so.
    pub reference: Option<String>,
}

impl Store {
    /// Records that the letter of row `id` was posted by `actor`, with
    /// `document` — the letter as printed — kept by its SHA-256 (unless
    /// the row has its document already): journaled on the dossier (to
    /// whom, where, when, the registered letter's number, the document's
    /// hash); the notice task is done when every row of it has reached its
    /// recipient. `in_scope` decides from the row's chamber whether the
    /// caller may. A row that is not a letter waiting to be posted is a
    /// conflict; so is a letter without any address.
    pub async fn outbox_posted(
        &self,
        actor: &str,
        id: i64,
        posting: &Posting,
        document: &[u8],
        in_scope: impl FnOnce(&str) -> bool,
    ) -> Result<OutboxItem> {
        let at = now();
        let mut write = self.write().await?;
        let item = scoped_item(&mut write.tx, id, in_scope).await?;
        if item.status != OutboxStatus::Letter {
            return Err(not_in_status(&item, "une lettre à poster"));
        }
        let address = posting.address.clone().or_else(|| item.address.clone()).ok_or_else(|| {
            Error::bad_reference(
                "address",
                format!("la lettre à {} n'a pas d'adresse postale", item.recipient),
                "indiquer l'adresse à laquelle la lettre a été postée",
            )
        })?;
        let sha256 = hex(&Sha256::digest(document));
        self.blobs.put(&mut write.tx, &sha256, document).await?;
        sqlx::query(
            "UPDATE outbox SET status = 'posted', sent_at = $1, address = $2, proof = $3,
                 document_sha256 = COALESCE(document_sha256, $4)
             WHERE id = $5 AND status = 'letter'",
        )
        .bind(&at)
        .bind(&address)
        .bind(&posting.reference)
        .bind(&sha256)
        .bind(id)
        .execute(&mut *write.tx)
        .await?;
        let item = item_in(&mut write.tx, id).await?;
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor.to_owned(),
                Some(item.dossier_id),
                RegistryKind::NoticePosted,
                serde_json::json!({
                    "outbox": item.id, "task": item.task_id, "hearing": item.hearing_id, "document": item.document,
                    "to": item.recipient, "address": item.address, "parties": item.party, "posted_at": at,
                    "reference": posting.reference, "document_sha256": item.document_sha256,
                }),
            ),
        )
        .await?;
        close_task_when_delivered(&mut write.tx, actor, item.task_id).await?;
        write.commit().await?;
        Ok(item)
    }

    /// Sends row `id` again by `channel`, for `actor`: a refused e-mail (or
    /// a letter) by e-mail to the address the dossier's record holds now
    /// for its recipient — the clerk corrected it — or a refused e-mail as
    /// a letter to print and post. The row keeps its Message-ID and its
    /// document; the change is journaled with what it replaces. A row in
    /// another status is a conflict; so is an e-mail for a recipient the
    /// record has no address for.
    pub async fn outbox_resend(
        &self,
        actor: &str,
        id: i64,
        channel: Channel,
        in_scope: impl FnOnce(&str) -> bool,
    ) -> Result<OutboxItem> {
        let at = now();
        let mut write = self.write().await?;
        let before = scoped_item(&mut write.tx, id, in_scope).await?;
        let parties = crate::dossiers::parties_of(&mut write.tx, before.dossier_id).await?;
        let (status, address) = match channel {
            Channel::Email => {
                if !matches!(before.status, OutboxStatus::Refused | OutboxStatus::Letter) {
                    return Err(not_in_status(&before, "un envoi refusé ou une lettre à poster"));
                }
                let email = Party::lawyer_email_of(&parties, &before.recipient).map(str::to_owned);
                let email = email.ok_or_else(|| {
                    Error::bad_reference(
                        "channel",
                        format!("le dossier n'indique aucune adresse électronique pour {}", before.recipient),
                        "compléter l'adresse électronique de l'avocat dans la fiche du dossier, ou envoyer l'avis par courrier",
                    )
                })?;
                (OutboxStatus::Pending, Some(email))
            }
            Channel::Letter => {
                if before.status != OutboxStatus::Refused {
                    return Err(not_in_status(&before, "un envoi refusé"));
                }
                // A party without a lawyer receives the letter at its own
                // address; a lawyer's postal address is the clerk's to
                // write on posting.
                let address = parties
                    .iter()
                    .filter(|party| party.lawyer().is_none() && party.name == before.recipient)
                    .find_map(|party| party.postal_address().map(str::to_owned));
                (OutboxStatus::Letter, address)
            }
        };
        sqlx::query(
            "UPDATE outbox SET channel = $1, status = $2, address = $3, next_attempt = $4, worker = NULL,
                 lease_until = NULL, last_error = NULL
             WHERE id = $5",
        )
        .bind(channel.as_str())
        .bind(status.as_str())
        .bind(&address)
        .bind(&at)
        .bind(id)
        .execute(&mut *write.tx)
        .await?;
        let item = item_in(&mut write.tx, id).await?;
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor.to_owned(),
                Some(item.dossier_id),
                RegistryKind::NoticeResent,
                serde_json::json!({
                    "outbox": item.id, "task": item.task_id, "hearing": item.hearing_id, "to": item.recipient,
                    "channel": item.channel, "address": item.address,
                    "before": {"channel": before.channel, "status": before.status, "address": before.address,
                               "error": before.last_error},
                }),
            ),
        )
        .await?;
        write.commit().await?;
        Ok(item)
    }
}

/// Row `id` read within the caller's transaction, when `in_scope` admits
/// the chamber of the plan that created it (else: not found, as for a
/// row that does not exist).
async fn scoped_item(
    connection: &mut AnyConnection,
    id: i64,
    in_scope: impl FnOnce(&str) -> bool,
) -> Result<OutboxItem> {
    let chamber = sqlx::query(
        "SELECT t.chamber FROM outbox o JOIN notice_tasks t ON t.id = o.task_id
         WHERE o.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *connection)
    .await?;
    match chamber {
        Some(row) if in_scope(&rows::text(&row, "chamber")?) => item_in(connection, id).await,
        _ => Err(Error::not_found(format!("envoi n° {id}"))),
    }
}

/// The conflict of an action on row `item` that needs it to be `wanted`.
fn not_in_status(item: &OutboxItem, wanted: &str) -> Error {
    let now = match item.status {
        OutboxStatus::Pending => "en attente d'envoi",
        OutboxStatus::Sent => "déjà envoyé",
        OutboxStatus::Refused => "refusé par la messagerie",
        OutboxStatus::Letter => "une lettre à poster",
        OutboxStatus::Posted => "une lettre déjà postée",
    };
    Error::conflict(
        ErrorCode::ForbiddenTransition,
        format!("l'envoi n° {} à {} est {now}, pas {wanted}", item.id, item.recipient),
        "recharger la page : l'état des envois est à jour",
    )
}

/// Marks notice task `task_id` done when every row it has reached its
/// recipient (and it has at least one), journaled like a clerk's.
async fn close_task_when_delivered(connection: &mut AnyConnection, actor: &str, task_id: i64) -> Result<()> {
    let statuses: Vec<OutboxStatus> = sqlx::query("SELECT status FROM outbox WHERE task_id = $1")
        .bind(task_id)
        .fetch_all(&mut *connection)
        .await?
        .iter()
        .map(|row| rows::parsed(row, "status", OutboxStatus::parse))
        .collect::<Result<_>>()?;
    if statuses.is_empty() || !statuses.iter().all(|s| s.delivered()) {
        return Ok(());
    }
    let task = sqlx::query("SELECT dossier_id, kind, hearing_id, label FROM notice_tasks WHERE id = $1 AND done = 0")
        .bind(task_id)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(task) = task else { return Ok(()) };
    sqlx::query("UPDATE notice_tasks SET done = 1 WHERE id = $1").bind(task_id).execute(&mut *connection).await?;
    journal::append(
        connection,
        NewEntry::registry(
            actor.to_owned(),
            Some(rows::int(&task, "dossier_id")?),
            RegistryKind::TaskDone,
            serde_json::json!({"task": task_id, "kind": rows::text(&task, "kind")?,
                               "hearing": rows::opt_text(&task, "hearing_id")?, "label": rows::text(&task, "label")?,
                               "by": "envoi de tous les avis"}),
        ),
    )
    .await?;
    Ok(())
}
