//! The outbox and its dispatcher against a real SMTP server on loopback
//! (`tests/smtp_sink.py`, aiosmtpd): the publication of a plan writes one
//! row per lawyer's office and notice; the dispatcher sends each with its
//! avis as PDF under a stable Message-ID, waits while the server is down or
//! answers « try later », and leaves a permanent refusal to the clerk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use greffe_api::AppState;
use greffe_api::mail::{Mailer, dispatch};
use greffe_store::outbox::{Channel, OutboxItem, OutboxStatus};
use sha2::{Digest, Sha256};

use crate::portal::Served;

/// The Debian package's interpreter: `python3-aiosmtpd` installs there.
const PYTHON: &str = "/usr/bin/python3";
pub(crate) const FROM: &str = "Greffe de la Cour de cassation <greffe@courdecassation.fr>";

/// `tests/smtp_sink.py` on `port`, keeping its messages in `dir`.
pub(crate) struct Sink {
    child: Child,
    dir: PathBuf,
}

impl Sink {
    /// Started, or `None` (the test says it skips) when aiosmtpd cannot
    /// be imported (`scripts/install-deps --tests` installs it).
    pub(crate) fn start(dir: &Path, port: u16, args: &[&str]) -> Option<Self> {
        let present = Command::new(PYTHON).args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
        if !present {
            assert!(
                std::env::var_os("GREFFE_REQUIRE_SMTP").is_none(),
                "python3-aiosmtpd absent and GREFFE_REQUIRE_SMTP set: scripts/install-deps --tests"
            );
            eprintln!("python3-aiosmtpd absent (scripts/install-deps --tests) : envoi de courriels non vérifié");
            return None;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp_sink.py");
        let mut child = Command::new(PYTHON)
            .arg(script)
            .arg(dir)
            .args(["--port", &port.to_string()])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the sink starts");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().expect("stdout")), &mut line)
            .expect("the sink says its port");
        assert_eq!(line.trim(), format!("port {port}"));
        Some(Self { child, dir: dir.to_owned() })
    }

    /// The messages received, in order: their summary and attachment.
    pub(crate) fn messages(&self) -> Vec<(serde_json::Value, Vec<u8>)> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("sink directory")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|eml| {
                let summary = std::fs::read(eml.with_extension("json")).expect("summary");
                let pdf = std::fs::read(eml.with_extension("pdf")).unwrap_or_default();
                (serde_json::from_slice(&summary).expect("summary JSON"), pdf)
            })
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port()
}

/// Every outbox row of the chamber's open notices to send.
async fn rows(served: &Served) -> Vec<OutboxItem> {
    let mut rows = Vec::new();
    for task in served.store.notice_tasks("civ1").await.expect("tasks") {
        if task.kind == "send_notice" {
            rows.extend(served.store.outbox_of_task(task.id).await.expect("rows"));
        }
    }
    rows
}

#[tokio::test]
async fn each_lawyer_receives_the_notice_once_and_a_refusal_is_left_to_the_clerk() {
    let served = Served::start(true).await;
    let store = served.store.clone();
    let written = rows(&served).await;
    assert!(written.len() >= 5, "the publication wrote the notices to send: {}", written.len());
    assert!(written.iter().all(|r| r.channel == Channel::Email && r.status == OutboxStatus::Pending), "{written:?}");
    // One row per lawyer's office and notice: never the ministère public.
    let mut per_task: BTreeMap<i64, Vec<&OutboxItem>> = BTreeMap::new();
    for row in &written {
        per_task.entry(row.task_id).or_default().push(row);
    }
    for (task, rows) in &per_task {
        let mut addresses: Vec<_> = rows.iter().map(|r| r.address.clone()).collect();
        addresses.dedup();
        assert_eq!(addresses.len(), rows.len(), "task {task}: one row per address");
        assert!(rows.iter().all(|r| !r.party.contains("Ministère public")), "{rows:?}");
    }
    let refused_address = written[0].address.clone().expect("an address");

    let mut state = AppState::new(store.clone());
    state.pinned_day = Some(greffe_models::dates::paris_date(chrono::Utc::now()));
    let port = free_port();
    let mailer = Mailer::new(&format!("smtp://127.0.0.1:{port}"), FROM)
        .expect("settings")
        .with_retry_first(Duration::from_millis(50));

    // The server is down: the rows wait, each with its attempt and the
    // reason, due again later.
    let claimed = dispatch(&state, &mailer, "essai").await.expect("dispatch");
    assert!(claimed > 0);
    let first = store.outbox_item(written[0].id).await.expect("row");
    assert_eq!((first.status, first.attempts), (OutboxStatus::Pending, 1), "{first:?}");
    assert!(first.last_error.is_some(), "{first:?}");
    assert!(first.document_sha256.is_some(), "the document was made once, before the first attempt");

    // The server comes up, answers « try later » twice, and refuses one
    // address for good.
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(sink) = Sink::start(dir.path(), port, &["--refuse", &refused_address, "--defer", "2"]) else {
        return;
    };
    let started = Instant::now();
    loop {
        dispatch(&state, &mailer, "essai").await.expect("dispatch");
        let pending = still_pending(&store, &written).await;
        if pending == 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{pending} rows still pending");
        tokio::time::sleep(Duration::from_millis(60)).await;
    }

    let mut sent = 0;
    let messages = sink.messages();
    let by_id: BTreeMap<String, &(serde_json::Value, Vec<u8>)> =
        messages.iter().map(|m| (m.0["message_id"].as_str().unwrap_or_default().to_owned(), m)).collect();
    assert_eq!(by_id.len(), messages.len(), "no message arrived twice");
    for row in &written {
        let row = store.outbox_item(row.id).await.expect("row");
        let message_id = format!("<outbox-{}@courdecassation.fr>", row.id);
        if row.address.as_deref() == Some(refused_address.as_str()) {
            assert_eq!(row.status, OutboxStatus::Refused, "{row:?}");
            assert!(row.last_error.as_deref().unwrap_or_default().contains("550"), "{row:?}");
            assert!(!by_id.contains_key(&message_id));
            continue;
        }
        assert_eq!(row.status, OutboxStatus::Sent, "{row:?}");
        assert_eq!(row.message_id.as_deref(), Some(message_id.as_str()));
        // The proof of dispatch: the server's reply accepting it.
        assert!(row.proof.as_deref().is_some_and(|proof| proof.starts_with("250")), "{row:?}");
        sent += 1;
        let (summary, pdf) = by_id.get(&message_id).unwrap_or_else(|| panic!("{message_id} arrived"));
        let address = row.address.clone().unwrap_or_default();
        assert_eq!(summary["rcpt_tos"], serde_json::json!([address]));
        assert!(summary["to"].as_str().unwrap_or_default().contains(&address), "{summary}");
        assert!(summary["subject"].as_str().unwrap_or_default().contains(&row.pourvoi), "{summary}");
        // The attachment is the document kept for the row, byte for byte.
        let sha256 = greffe_store::journal::hex(&Sha256::digest(pdf));
        assert_eq!(Some(sha256), row.document_sha256, "{message_id}");
        if crate::documents::poppler().is_some() {
            let text = crate::documents::text_of(pdf);
            assert!(text.contains(&row.pourvoi) && text.contains(&row.recipient), "{text}");
        }
    }
    assert_eq!(messages.len(), sent, "one message per row sent");
    assert!(sent > 0);

    // The journal says each sending (to whom, the Message-ID, the
    // document's hash) and each refusal; the tasks whose rows all left are
    // done, the others stay open for the clerk.
    let open: Vec<i64> = store.notice_tasks("civ1").await.expect("tasks").iter().map(|t| t.id).collect();
    for (task, rows) in &per_task {
        let refused = rows.iter().any(|r| r.address.as_deref() == Some(refused_address.as_str()));
        assert_eq!(open.contains(task), refused, "task {task}: open only when a notice was refused");
        let journal = store.dossier_journal(rows[0].dossier_id).await.expect("journal");
        for row in rows {
            let kind = if refused && row.address.as_deref() == Some(refused_address.as_str()) {
                "notice_refused"
            } else {
                "notice_sent"
            };
            let entry = journal
                .iter()
                .find(|e| e.kind == kind && e.payload["outbox"] == row.id)
                .unwrap_or_else(|| panic!("{kind} of row {} journaled", row.id));
            assert_eq!(entry.payload["message_id"], format!("<outbox-{}@courdecassation.fr>", row.id));
            if kind == "notice_sent" {
                assert_eq!(entry.payload["address"], row.address.clone().unwrap_or_default());
                let kept = store.outbox_item(row.id).await.expect("row").document_sha256;
                assert_eq!(entry.payload["document_sha256"], kept.unwrap_or_default());
                assert!(entry.payload["proof"].as_str().is_some_and(|proof| proof.starts_with("250")), "{entry:?}");
            }
        }
    }
    drop(sink);
    served.stop().await;
}

/// Rows of `written` still pending (whatever their task's state).
async fn still_pending(store: &greffe_store::Store, written: &[OutboxItem]) -> usize {
    let mut pending = 0;
    for row in written {
        if store.outbox_item(row.id).await.expect("row").status == OutboxStatus::Pending {
            pending += 1;
        }
    }
    pending
}

#[tokio::test]
#[ignore = "slow: a worker process killed mid-batch, then a 60 s lease (run by .ci/run)"]
async fn a_worker_killed_mid_batch_resends_only_the_rows_in_flight_under_the_same_message_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("envoi.db").display());
    let store = greffe_store::Store::open(&url).await.expect("store");
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    let demo = greffe_store::demo::DemoConfig { seed: 1, weeks: 8, stock: 300, today };
    greffe_store::demo::seed(&store, &demo).await.expect("demonstration court");
    crate::portal::publish_civ1(&store, today).await;
    let mut written = Vec::new();
    for task in store.notice_tasks("civ1").await.expect("tasks") {
        written.extend(store.outbox_of_task(task.id).await.expect("rows"));
    }
    assert!(written.len() >= 5, "{}", written.len());
    let port = free_port();
    let mail = dir.path().join("courriels");
    std::fs::create_dir(&mail).expect("mail directory");
    // A slow relay, which answers 150 ms after it has each message: the
    // process dies after the relay has its third message, before it knows.
    let Some(sink) = Sink::start(&mail, port, &["--delay-ms", "150"]) else { return };
    let worker = |log: &str| {
        Command::new(crate::crash::binary())
            .args(["worker", "--database-url", &url, "--smtp-url", &format!("smtp://127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join(log)).expect("log"))
            .spawn()
            .expect("greffe worker starts")
    };
    let mut first = worker("premier.log");
    let started = Instant::now();
    while sink.messages().len() < 3 {
        let log = || std::fs::read_to_string(dir.path().join("premier.log")).unwrap_or_default();
        assert!(started.elapsed() < Duration::from_secs(60), "the first worker sends: {}", log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    let before = sink.messages().len();
    let mut second = worker("second.log");
    let started = Instant::now();
    while still_pending(&store, &written).await > 0 {
        assert!(started.elapsed() < Duration::from_secs(240), "the second worker takes the rows over");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = second.kill();
    let _ = second.wait();
    // Every row sent; a message sent twice carries the same Message-ID and
    // the same document; at most one batch of them.
    let messages = sink.messages();
    let mut by_id: BTreeMap<String, Vec<&Vec<u8>>> = BTreeMap::new();
    for (summary, pdf) in &messages {
        by_id.entry(summary["message_id"].as_str().unwrap_or_default().to_owned()).or_default().push(pdf);
    }
    for row in &written {
        let row = store.outbox_item(row.id).await.expect("row");
        assert_eq!(row.status, OutboxStatus::Sent, "{row:?}");
        let copies = by_id.get(row.message_id.as_deref().unwrap_or_default()).expect("arrived");
        assert!(copies.iter().all(|pdf| *pdf == copies[0]), "the same bytes each time");
    }
    assert_eq!(by_id.len(), written.len(), "one Message-ID per row");
    let duplicates = messages.len() - by_id.len();
    eprintln!(
        "{} rows, {before} messages before the kill, {} in all, {duplicates} sent twice",
        written.len(),
        messages.len()
    );
    assert!(duplicates >= 1, "the message the relay had when the process died was sent again");
    assert!(duplicates <= greffe_api::mail::IN_FLIGHT, "{duplicates} duplicates: at most the rows in flight");
    drop(sink);
}

#[tokio::test]
async fn a_filed_report_reaches_the_lawyers_by_mail_as_filed() {
    use greffe_models::work::{WorkContent, WorkKind, WorkSlot};
    use greffe_store::work_documents::WorkFiling;
    let served = Served::start(false).await;
    let store = served.store.clone();
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    // A dossier being prepared, with a rapporteur and a lawyer reached by
    // e-mail.
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM dossiers WHERE chamber = 'civ1' AND status IN ('routed', 'in_instruction') ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .expect("dossiers");
    let mut chosen = None;
    for id in ids {
        let dossier = store.dossier(id).await.expect("dossier");
        if let Some(rapporteur) = dossier.record.rapporteurs.first().cloned()
            && dossier.record.parties.iter().any(|p| p.lawyer_email.is_some())
            && dossier.decision.is_none()
        {
            chosen = Some((id, rapporteur));
            break;
        }
    }
    let (id, rapporteur) = chosen.expect("a dossier being prepared, with a rapporteur and a lawyer's address");
    let pdf = b"%PDF-1.7\n% the report as its rapporteur filed it\n".to_vec();
    let content =
        WorkContent { title: "Rapport".into(), body: "Faits et procédure.".into(), ..WorkContent::default() };
    let filing =
        WorkFiling { slot: WorkSlot { kind: WorkKind::Rapport, number: 1 }, expected: 0, content, pdf: pdf.clone() };
    store.file_work(&rapporteur, &rapporteur, today, id, filing).await.expect("filed");
    let task = store
        .notice_tasks("civ1")
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| t.dossier_id == id && t.kind == "work_notice")
        .expect("its communication queued");
    assert_eq!((task.plan_id, task.hearing_id.as_deref()), (None, None));
    let written = store.outbox_of_task(task.id).await.expect("rows");
    let emails: Vec<&OutboxItem> = written.iter().filter(|r| r.channel == Channel::Email).collect();
    assert!(!emails.is_empty(), "{written:?}");

    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let Some(sink) = Sink::start(dir.path(), port, &[]) else {
        return;
    };
    let mut state = AppState::new(store.clone());
    state.pinned_day = Some(today);
    let mailer = Mailer::new(&format!("smtp://127.0.0.1:{port}"), FROM).expect("settings");
    let started = Instant::now();
    while still_pending(&store, &written).await > 0 {
        dispatch(&state, &mailer, "essai").await.expect("dispatch");
        assert!(started.elapsed() < Duration::from_secs(60), "rows still pending");
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    let messages = sink.messages();
    assert_eq!(messages.len(), emails.len(), "one message per lawyer's address");
    for (summary, attached) in &messages {
        let subject = summary["subject"].as_str().unwrap_or_default();
        assert!(subject.starts_with("Communication aux avocats — pourvoi n°"), "{summary}");
        assert!(!subject.contains("audience"), "no hearing: {summary}");
        assert_eq!(attached, &pdf, "the report as filed, byte for byte");
    }
    drop(sink);
    served.stop().await;
}
