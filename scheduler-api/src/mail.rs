//! The outbox's dispatcher (`store::outbox`): sends the e-mail rows by
//! SMTP, the avis d'audience attached as PDF.
//!
//! A lane of the worker claims due rows for a lease, renders each row's
//! document once — on a blocking thread, never on a request's — and keeps
//! it by its hash, then sends it under the Message-ID derived from the row
//! (`<outbox-ID@DOMAIN>`, the sender's domain: a message sent again after a
//! process died mid-batch is recognisable as the same one). The server's
//! answer decides: accepted → sent (journaled, the notice task done when
//! all its rows are); a temporary failure (4xx, no connection, a timeout)
//! → tried again after a backoff of 30 s doubling up to an hour; a
//! permanent refusal (5xx) → refused, journaled, and left to the clerk on
//! the open notice task. Without an SMTP server configured the rows wait.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use greffe_store::outbox::{Channel, OutboxItem};
use greffe_store::redact;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tracing::Instrument;

use crate::api::AppState;

/// How long the dispatcher holds a row: renewed just before each attempt
/// (longer than one SMTP exchange may take), past it a row whose sending
/// was not recorded (its process died) is due again.
pub const LEASE: Duration = Duration::from_secs(60);
/// Rows claimed at once: at most this many can be sent twice when a
/// process is killed mid-batch (in fact at most [`IN_FLIGHT`]: the rows
/// whose exchange had begun).
pub const BATCH: i64 = 16;
/// Rows of a batch sent at the same time (their SMTP exchanges overlap;
/// the store's writes are one at a time).
pub const IN_FLIGHT: usize = 8;
/// Documents of a batch rendered at the same time (one core each).
const RENDERING: usize = 2;
/// An idle dispatcher looks at the outbox this often.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// The first retry's delay; each next one doubles, up to [`RETRY_MAX`].
pub const RETRY_FIRST: Duration = Duration::from_secs(30);
/// The longest delay between two attempts.
pub const RETRY_MAX: Duration = Duration::from_secs(3600);
/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The mail settings: where to send, as whom.
pub struct Mailer {
    /// The transport as configured; built on first use, within the
    /// service's runtime (a transport with a connection pool starts a task
    /// of it).
    builder: lettre::transport::smtp::AsyncSmtpTransportBuilder,
    transport: std::sync::OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    domain: String,
    /// Delay before the first retry (tests shorten it).
    retry_first: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer sending through `smtp_url` — `smtp://HOST:PORT` (no TLS),
    /// `smtp://HOST:587?tls=required` (STARTTLS), `smtps://HOST:465`
    /// (TLS), credentials as `USER:PASSWORD@` — as `from` (`Greffe de la
    /// Cour de cassation <greffe@courdecassation.fr>`). The refusal says
    /// which of the two is wrong, in French.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|error| format!("serveur SMTP « {} » illisible : {error}", redact(smtp_url)))?
            .timeout(Some(SMTP_TIMEOUT));
        let from: Mailbox = from
            .parse()
            .map_err(|error| format!("expéditeur « {from} » illisible : {error} (attendu : Nom <adresse@domaine>)"))?;
        let domain = from.email.domain().to_owned();
        Ok(Self { builder, transport: std::sync::OnceLock::new(), from, domain, retry_first: RETRY_FIRST })
    }

    /// The same mailer, retrying first after `delay` (tests).
    pub fn with_retry_first(mut self, delay: Duration) -> Self {
        self.retry_first = delay;
        self
    }

    /// The transport, built on first use (within a tokio runtime).
    fn transport(&self) -> &AsyncSmtpTransport<Tokio1Executor> {
        self.transport.get_or_init(|| self.builder.clone().build())
    }

    /// The Message-ID of outbox row `id`.
    pub fn message_id(&self, id: i64) -> String {
        format!("<outbox-{id}@{}>", self.domain)
    }
}

/// A row's document before its attempt.
#[derive(Debug)]
enum Prepared {
    /// Made (or read back): to send.
    Ready(Vec<u8>),
    /// Cannot be made (a datum no font prints, a template error): the
    /// clerk must act, as for a refusal.
    Unmade(String),
    /// Kept, but not readable now (the store): tried again later.
    Unreadable(String),
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The server accepted the message; its reply (« 250 2.0.0 Ok:
    /// queued as … »), the proof of dispatch.
    Sent(String),
    /// To try again (a 4xx answer, no connection, a timeout).
    Retry(String),
    /// Refused for good (a 5xx answer, an address the server cannot take).
    Refused(String),
}

/// The delay before attempt `attempts + 1` (after `attempts` failures).
pub fn backoff(first: Duration, attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    first.saturating_mul(2u32.saturating_pow(doublings)).min(RETRY_MAX)
}

/// Runs the dispatcher of this process until it is dropped.
pub async fn run(state: AppState, mailer: Arc<Mailer>, worker: String) {
    loop {
        match dispatch(&state, &mailer, &worker).await {
            Ok(0) => tokio::time::sleep(POLL_EVERY).await,
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, "outbox unreadable");
                tokio::time::sleep(POLL_EVERY * 4).await;
            }
        }
    }
}

/// Claims one batch of due rows and sends each; returns how many were
/// claimed. The batch's documents are rendered and kept first, in one
/// transaction, so that each row is then one SMTP exchange and one write;
/// [`IN_FLIGHT`] rows are sent at a time.
pub async fn dispatch(state: &AppState, mailer: &Mailer, worker: &str) -> Result<usize, crate::error::Error> {
    let items = state.store.claim_outbox(worker, LEASE, BATCH).await?;
    let claimed = items.len();
    let claimed_at = std::time::Instant::now();
    let mut documents = prepare(state, mailer, worker, &items).await?;
    let work: Vec<_> = items
        .into_iter()
        .map(|item| {
            let document = documents.remove(&item.id);
            (item, document)
        })
        .collect();
    futures_util::stream::iter(work)
        .for_each_concurrent(IN_FLIGHT, |(item, document)| async move {
            // A batch that takes long (a slow relay): the row's lease
            // renewed first, and a row no longer ours left alone.
            if claimed_at.elapsed() > LEASE / 2 {
                match state.store.hold_outbox_rows(&[item.id], worker, LEASE).await {
                    Ok(held) if held.contains(&item.id) => {}
                    Ok(_) => {
                        tracing::warn!(id = item.id, "row no longer held by this dispatcher: not sent");
                        return;
                    }
                    Err(error) => {
                        tracing::error!(%error, id = item.id, "lease not renewed: row left for later");
                        return;
                    }
                }
            }
            let span = tracing::info_span!("outbox", id = item.id, task = item.task_id, to = %item.recipient);
            if let Err(error) = one(state, mailer, worker, &item, document).instrument(span).await {
                tracing::error!(%error, id = item.id, "outbox row not attempted");
            }
        })
        .await;
    Ok(claimed)
}

/// The documents of `items`' e-mail rows, by row: read back for rows that
/// have one, rendered (on blocking threads) and kept together for the
/// others; for a row whose document cannot be made, why (its attempt is
/// then a refusal the clerk reads).
async fn prepare(
    state: &AppState,
    mailer: &Mailer,
    worker: &str,
    items: &[OutboxItem],
) -> Result<std::collections::HashMap<i64, Prepared>, crate::error::Error> {
    let emails: Vec<&OutboxItem> = items.iter().filter(|item| item.channel == Channel::Email).collect();
    let mut documents = std::collections::HashMap::new();
    let mut fresh = Vec::new();
    for (item, made) in made_for_all(state, &emails).await {
        if let (None, Prepared::Ready(bytes)) = (&item.document_sha256, &made) {
            fresh.push((item.id, bytes.clone(), Some(mailer.message_id(item.id))));
        }
        documents.insert(item.id, made);
    }
    if !fresh.is_empty() {
        state.store.keep_outbox_documents(worker, &fresh).await?;
    }
    Ok(documents)
}

/// The documents of `items`, [`RENDERING`] made at a time (a render is
/// one core's work), in their order.
async fn made_for_all<'a>(state: &AppState, items: &[&'a OutboxItem]) -> Vec<(&'a OutboxItem, Prepared)> {
    let mut made = Vec::with_capacity(items.len());
    for group in items.chunks(RENDERING) {
        let mut renders = Vec::with_capacity(group.len());
        for item in group {
            renders.push(made_for(state, item));
        }
        made.extend(group.iter().copied().zip(futures_util::future::join_all(renders).await));
    }
    made
}

/// Makes, ahead of the clerk, the documents of one batch of letters that
/// have none (claimed for a lease, kept by hash in one transaction); a
/// letter whose document cannot be made says why on its row. Returns how
/// many letters were claimed.
pub async fn make_letters(state: &AppState, worker: &str) -> Result<usize, crate::error::Error> {
    let items = state.store.claim_unmade_letters(worker, LEASE, BATCH).await?;
    let letters: Vec<&OutboxItem> = items.iter().collect();
    let mut kept = Vec::new();
    for (item, made) in made_for_all(state, &letters).await {
        match made {
            Prepared::Ready(bytes) => kept.push((item.id, bytes, None)),
            Prepared::Unmade(error) => {
                tracing::warn!(id = item.id, %error, "letter not made");
                state.store.outbox_unmade(item.id, worker, &format!("document non produit : {error}")).await?;
            }
            // Read again at the next claim, once the lease has run out.
            Prepared::Unreadable(error) => tracing::warn!(id = item.id, %error, "letter not made for now"),
        }
    }
    if !kept.is_empty() {
        state.store.keep_outbox_documents(worker, &kept).await?;
    }
    Ok(items.len())
}

/// Makes the letters' documents as publications write them, until
/// dropped: a lane of every worker, with or without a mail server.
pub async fn run_letters(state: AppState, worker: String) {
    loop {
        match make_letters(&state, &worker).await {
            Ok(0) => tokio::time::sleep(POLL_EVERY).await,
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, "letters not made");
                tokio::time::sleep(POLL_EVERY * 4).await;
            }
        }
    }
}

/// The document of row `item`: read back when it has one, else rendered
/// for its recipient.
async fn made_for(state: &AppState, item: &OutboxItem) -> Prepared {
    match &item.document_sha256 {
        Some(sha256) => match state.store.outbox_document(sha256).await {
            Ok(bytes) => Prepared::Ready(bytes),
            Err(error) => Prepared::Unreadable(error.to_string()),
        },
        None => match state.store.notice_task(item.task_id).await {
            Ok(task) => match crate::documents::notice_to(state, &task, Some(&item.recipient)).await {
                Ok(document) => Prepared::Ready(document.bytes),
                Err(error) => Prepared::Unmade(error.to_string()),
            },
            Err(error) => Prepared::Unreadable(error.to_string()),
        },
    }
}

/// Row `item` attempted with its `document`, and its outcome recorded.
async fn one(
    state: &AppState,
    mailer: &Mailer,
    worker: &str,
    item: &OutboxItem,
    document: Option<Prepared>,
) -> Result<(), crate::error::Error> {
    let attempt = match document {
        Some(Prepared::Ready(bytes)) => match send(state, mailer, item, bytes).await {
            Ok(attempt) => attempt,
            Err(error) => Attempt::Retry(error.to_string()),
        },
        Some(Prepared::Unmade(error)) => Attempt::Refused(format!("document non produit : {error}")),
        Some(Prepared::Unreadable(error)) => Attempt::Retry(format!("document illisible pour l'instant : {error}")),
        None => Attempt::Refused("pas un envoi par courriel".to_owned()),
    };
    let recorded = match &attempt {
        Attempt::Sent(reply) => state.store.outbox_sent(item.id, worker, &mailer.message_id(item.id), reply).await,
        Attempt::Retry(why) => {
            let delay = backoff(mailer.retry_first, item.attempts);
            let at = chrono::Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
            state.store.outbox_retry(item.id, worker, why, at).await
        }
        Attempt::Refused(why) => state.store.outbox_refused(item.id, worker, why).await,
    };
    state.metrics.outbox_attempt(&attempt);
    match (&attempt, recorded) {
        (_, Err(error)) => tracing::error!(%error, "outbox outcome not recorded"),
        (Attempt::Sent(reply), Ok(())) => tracing::info!(%reply, "notice sent"),
        (Attempt::Retry(why), Ok(())) => tracing::warn!(%why, attempts = item.attempts + 1, "notice to retry"),
        (Attempt::Refused(why), Ok(())) => tracing::warn!(%why, "notice refused"),
    }
    Ok(())
}

/// One attempt at row `item` with its document: the message, the SMTP
/// exchange.
async fn send(
    state: &AppState,
    mailer: &Mailer,
    item: &OutboxItem,
    bytes: Vec<u8>,
) -> Result<Attempt, crate::error::Error> {
    let Some(address) = item.address.as_deref() else {
        return Ok(Attempt::Refused("aucune adresse électronique".to_owned()));
    };
    let to = match address.parse::<Address>() {
        Ok(address) => Mailbox::new(Some(item.recipient.clone()), address),
        Err(error) => return Ok(Attempt::Refused(format!("adresse « {address} » inutilisable : {error}"))),
    };
    let (subject, text) = subject_and_text(state, item).await?;
    let body = format!(
        "Maître,\n\n{text}\n\nCe message est envoyé par le greffe de la Cour de cassation ; sa référence est {id}.\n",
        id = mailer.message_id(item.id),
    );
    let filename = crate::documents::outbox_filename(item);
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(mailer.message_id(item.id)))
        .multipart(
            MultiPart::mixed().singlepart(SinglePart::plain(body)).singlepart(
                Attachment::new(filename)
                    .body(bytes, ContentType::parse("application/pdf").map_err(crate::error::Error::internal)?),
            ),
        );
    let message = match message {
        Ok(message) => message,
        Err(error) => return Ok(Attempt::Refused(format!("message impossible à composer : {error}"))),
    };
    Ok(match mailer.transport().send(message).await {
        Ok(reply) => {
            let lines: Vec<&str> = reply.message().collect();
            Attempt::Sent(format!("{} {}", reply.code(), lines.join(" ")).trim_end().to_owned())
        }
        Err(error) if error.is_permanent() => Attempt::Refused(error.to_string()),
        Err(error) => Attempt::Retry(error.to_string()),
    })
}

/// The subject of row `item`'s e-mail and what its text says of the
/// document attached.
async fn subject_and_text(state: &AppState, item: &OutboxItem) -> Result<(String, String), crate::error::Error> {
    use greffe_store::outbox::{
        AVIS_CHANGEMENT_COMPOSITION, AVIS_RETRAIT, COMMUNICATION_LABEL, COMMUNICATION_TRAVAIL, NOTIFICATION_ARRET,
        NOTIFICATION_ORDONNANCE, title_fr,
    };
    let title = title_fr(&item.document);
    let (pourvoi, parties) = (&item.pourvoi, &item.party);
    match item.document.as_str() {
        COMMUNICATION_TRAVAIL => {
            // What is communicated, as the task names it (« rapport du
            // conseiller rapporteur, version 2 déposée le … »).
            let label = state.store.notice_task(item.task_id).await?.label;
            let what = label.strip_prefix(COMMUNICATION_LABEL).unwrap_or(&label).to_owned();
            return Ok((
                format!("{title} — pourvoi n° {pourvoi}"),
                format!(
                    "Le greffe vous communique, dans le pourvoi n° {pourvoi} ({parties}), le document ci-joint : {what}."
                ),
            ));
        }
        NOTIFICATION_ORDONNANCE => {
            return Ok((
                format!("{title} — pourvoi n° {pourvoi}"),
                format!(
                    "Veuillez trouver ci-joint l'ordonnance rendue dans le pourvoi n° {pourvoi} ({parties}). Elle porte \
                     les signatures électroniques du président et du greffier ; elle se vérifie hors ligne \
                     (greffe decision verify)."
                ),
            ));
        }
        _ => {}
    }
    let Some(hearing) = &item.hearing_id else {
        return Err(crate::error::Error::internal(format!("envoi n° {} : avis sans audience", item.id)));
    };
    let hearing = state.store.hearing(hearing).await?.hearing;
    let day = greffe_models::dates::parse_date(&hearing.date)
        .map(crate::documents::day_long_fr)
        .unwrap_or_else(|_| hearing.date.clone());
    Ok(match item.document.as_str() {
        NOTIFICATION_ARRET => (
            format!("{title} — pourvoi n° {pourvoi}"),
            format!(
                "Veuillez trouver ci-joint l'arrêt rendu dans le pourvoi n° {pourvoi} ({parties}), examiné à \
                 l'audience du {day}. Il porte les signatures électroniques de ses signataires et le sceau du greffe ; \
                 il se vérifie hors ligne (greffe decision verify)."
            ),
        ),
        document => {
            let what = match document {
                AVIS_RETRAIT => "retiré du rôle de l'audience du",
                AVIS_CHANGEMENT_COMPOSITION => "dont la formation change, à l'audience du",
                _ => "appelé à l'audience du",
            };
            (
                format!("{title} — pourvoi n° {pourvoi} — audience du {day}"),
                format!(
                    "Veuillez trouver ci-joint l'{notice} du pourvoi n° {pourvoi} ({parties}), {what} {day}.",
                    notice = title.to_lowercase()
                ),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(backoff(RETRY_FIRST, 0), Duration::from_secs(30));
        assert_eq!(backoff(RETRY_FIRST, 1), Duration::from_secs(60));
        assert_eq!(backoff(RETRY_FIRST, 5), Duration::from_secs(960));
        assert_eq!(backoff(RETRY_FIRST, 7), RETRY_MAX);
        assert_eq!(backoff(RETRY_FIRST, 1_000), RETRY_MAX);
    }

    #[test]
    fn settings_are_read_or_refused_saying_which() {
        let mailer = Mailer::new("smtp://127.0.0.1:2525", "Greffe <greffe@courdecassation.fr>").expect("settings");
        assert_eq!(mailer.message_id(42), "<outbox-42@courdecassation.fr>");
        let refusal = |url, from| Mailer::new(url, from).err().unwrap_or_default();
        assert!(refusal("smtp://127.0.0.1:2525", "greffe").contains("expéditeur"));
        assert!(refusal("http://x", "greffe@x.fr").contains("serveur SMTP"));
        assert_eq!(redact("smtps://greffe:secret@relais.justice.fr:465"), "smtps://greffe:***@relais.justice.fr:465");
        assert_eq!(redact("smtp://relais:25"), "smtp://relais:25");
    }
}
