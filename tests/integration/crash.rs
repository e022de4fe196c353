//! Durability under SIGKILL (`docs/durability.md`): a real `greffe serve`
//! is killed with SIGKILL while clerks record events and file pieces on
//! several dossiers at once; after each restart, every write the service
//! acknowledged (201) is there — the event in the dossier's journal, the
//! piece byte for byte — and the journal's hash chain verifies. Several
//! rounds on one store, on SQLite and on PostgreSQL.
//!
//! Slow (seconds per round): `#[ignore]`, run by `.ci/run`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use greffe_store::Store;
use greffe_store::demo::{DemoConfig, seed};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::api::app::{Backend, fresh_database};

/// Rounds of writes and SIGKILL on each backend.
const ROUNDS: usize = 4;
/// Clerks writing at once.
const WRITERS: usize = 6;

/// The `greffe` binary built beside this test (`target/<profile>/greffe`).
pub(crate) fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target directory");
    let binary = dir.join("greffe");
    assert!(binary.exists(), "{} absent : construire d'abord le binaire (cargo build -p greffe)", binary.display());
    binary
}

/// A `greffe serve` process.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

impl Server {
    pub(crate) async fn start(url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(binary())
            .args(["serve", "--database-url", url, "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("greffe serve starts");
        // Held at once, so that a server that never answers is still killed
        // and reaped (`Drop`).
        let server = Self { child, base: format!("http://127.0.0.1:{port}") };
        let client = http();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if call(&client, Method::GET, &format!("{}/health", server.base), None, &[], Vec::new()).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("greffe serve did not answer on {}", server.base);
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    pub(crate) fn kill(mut self) {
        self.child.kill().expect("SIGKILL sent");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn http() -> Client<HttpConnector, Body> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// One request: the status, the ETag and the body; `Err` when the
/// connection failed (the server is gone).
pub(crate) async fn call(
    client: &Client<HttpConnector, Body>,
    method: Method,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> Result<(StatusCode, String, Vec<u8>), String> {
    let mut request = Request::builder().method(method).uri(url);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(Body::from(body)).map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = axum::body::to_bytes(Body::new(response.into_body()), usize::MAX).await.map_err(|e| e.to_string())?;
    Ok((status, etag, bytes.to_vec()))
}

/// What the service acknowledged.
#[derive(Debug, Default)]
struct Acknowledged {
    /// (dossier, journal sequence number, note) of each event.
    events: Vec<(i64, i64, String)>,
    /// (piece id, content) of each piece.
    pieces: Vec<(i64, Vec<u8>)>,
}

/// A clerk writing on one dossier until the server is gone: an event, a
/// piece, an event…, each at the version just read.
async fn write_until_gone(base: String, token: String, dossier: i64, round: usize, writer: usize) -> Acknowledged {
    let client = http();
    let mut done = Acknowledged::default();
    let url = format!("{base}/dossiers/{dossier}");
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    for n in 0.. {
        // The dossier's version (an answer to a write tags the entry or the
        // piece it created, not the dossier).
        let Ok((StatusCode::OK, etag, _)) = call(&client, Method::GET, &url, Some(&token), &[], Vec::new()).await
        else {
            break;
        };
        let result = if n % 2 == 0 {
            let note = format!("r{round}-w{writer}-n{n}");
            let body = json!({"type": "notification", "date": today.to_string(), "note": note});
            let headers = [("if-match", etag.clone()), ("content-type", "application/json".to_owned())];
            call(&client, Method::POST, &format!("{url}/events"), Some(&token), &headers, body.to_string().into_bytes())
                .await
                .map(|(status, _, bytes)| {
                    if status == StatusCode::CREATED {
                        let entry: Value = serde_json::from_slice(&bytes).expect("a journal entry");
                        let seq = entry["seq"].as_i64().expect("seq");
                        done.events.push((dossier, seq, note));
                    }
                    (status, (), bytes)
                })
        } else {
            // Contents of 1 to 96 KiB that differ by writer and round.
            let size = 1024 * (1 + (n * 7 + writer * 13 + round * 5) % 96);
            let content: Vec<u8> = (0..size).map(|i| ((i * 31 + n * 7 + writer) % 251) as u8).collect();
            let query = format!("kind=autre&filed_by=greffe&filed_on={today}&filename=r{round}-w{writer}-n{n}.bin");
            let headers = [("if-match", etag.clone()), ("content-type", "application/octet-stream".to_owned())];
            call(&client, Method::POST, &format!("{url}/pieces?{query}"), Some(&token), &headers, content.clone())
                .await
                .map(|(status, _, bytes)| {
                    if status == StatusCode::CREATED {
                        let piece: Value = serde_json::from_slice(&bytes).expect("a piece");
                        done.pieces.push((piece["id"].as_i64().expect("id"), content));
                    }
                    (status, (), bytes)
                })
        };
        match result {
            Ok((StatusCode::CREATED, _, _)) => {}
            Ok((status, _, body)) => panic!("writer {writer}: unexpected {status}: {}", String::from_utf8_lossy(&body)),
            Err(_) => break,
        }
    }
    done
}

/// Checks every acknowledged write against the restarted service, and the
/// journal's chain.
async fn verify(base: &str, clerk: &str, admin: &str, acknowledged: &Acknowledged) {
    let client = http();
    let mut journals: std::collections::BTreeMap<i64, Value> = std::collections::BTreeMap::new();
    for (dossier, seq, note) in &acknowledged.events {
        if !journals.contains_key(dossier) {
            let url = format!("{base}/dossiers/{dossier}/journal");
            let (status, _, bytes) = call(&client, Method::GET, &url, Some(clerk), &[], Vec::new()).await.expect("up");
            assert_eq!(status, StatusCode::OK);
            journals.insert(*dossier, serde_json::from_slice(&bytes).expect("journal"));
        }
        let journal = &journals[dossier];
        let entries = journal.as_array().or_else(|| journal["entries"].as_array()).expect("a list of entries");
        let found = entries.iter().find(|e| e["seq"].as_i64() == Some(*seq));
        let found = found.unwrap_or_else(|| panic!("acknowledged event {seq} of dossier {dossier} lost"));
        assert_eq!(found["payload"]["note"].as_str(), Some(note.as_str()), "event {seq}: {found}");
    }
    for (id, content) in &acknowledged.pieces {
        let url = format!("{base}/pieces/{id}/content");
        let (status, _, bytes) = call(&client, Method::GET, &url, Some(clerk), &[], Vec::new()).await.expect("up");
        assert_eq!(status, StatusCode::OK, "acknowledged piece {id} lost");
        assert!(
            bytes == *content,
            "piece {id}: {} bytes read, {} written, sha256 {:x} ≠ {:x}",
            bytes.len(),
            content.len(),
            Sha256::digest(&bytes),
            Sha256::digest(content)
        );
    }
    let (status, _, bytes) =
        call(&client, Method::GET, &format!("{base}/admin/journal/verify"), Some(admin), &[], Vec::new())
            .await
            .expect("up");
    assert_eq!(status, StatusCode::OK);
    let verification: Value = serde_json::from_slice(&bytes).expect("verification");
    assert_eq!(verification["intact"], true, "journal chain broken: {verification}");
}

async fn acknowledged_writes_survive_sigkill(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else { return };
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    let (clerk, admin, dossiers) = {
        let store = Store::open(&url).await.expect("store");
        let report = seed(&store, &DemoConfig { seed: 3, weeks: 4, stock: 40, today }).await.expect("demonstration");
        let token = |id: &str| {
            report.users.iter().find(|u| u.user.id == id).map(|u| u.token.clone()).expect("demonstration user")
        };
        let clerk = token("greffe-civ1");
        let admin = token("admin");
        store.close().await;
        (clerk, admin, Vec::<i64>::new())
    };
    let mut dossiers = dossiers;
    let mut all = Acknowledged::default();
    for round in 0..ROUNDS {
        let server = Server::start(&url).await;
        if round == 0 {
            let client = http();
            let url = format!("{}/dossiers?chamber=civ1&status=in_instruction&limit={WRITERS}", server.base);
            let (_, _, bytes) = call(&client, Method::GET, &url, Some(&clerk), &[], Vec::new()).await.expect("up");
            let page: Value = serde_json::from_slice(&bytes).expect("a page");
            dossiers = page["items"].as_array().expect("items").iter().filter_map(|d| d["id"].as_i64()).collect();
            assert_eq!(dossiers.len(), WRITERS, "{page}");
        } else {
            // What was acknowledged before the last kill is still there.
            verify(&server.base, &clerk, &admin, &all).await;
        }
        let writers: Vec<_> = dossiers
            .iter()
            .enumerate()
            .map(|(writer, dossier)| {
                tokio::spawn(write_until_gone(server.base.clone(), clerk.clone(), *dossier, round, writer))
            })
            .collect();
        // Killed at a different point of the writes each round.
        tokio::time::sleep(Duration::from_millis(700 + 350 * round as u64)).await;
        server.kill();
        let mut acknowledged = 0;
        for writer in writers {
            let done = writer.await.expect("writer");
            acknowledged += done.events.len() + done.pieces.len();
            all.events.extend(done.events);
            all.pieces.extend(done.pieces);
        }
        assert!(acknowledged > 0, "round {round}: no write was acknowledged before the kill");
        eprintln!("{backend:?}, round {round}: {acknowledged} acknowledged writes, then SIGKILL");
    }
    let server = Server::start(&url).await;
    verify(&server.base, &clerk, &admin, &all).await;
    eprintln!(
        "{backend:?}: {} events and {} pieces acknowledged over {ROUNDS} SIGKILLs, all there, journal intact",
        all.events.len(),
        all.pieces.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: kills a real server several times (run by .ci/run)"]
async fn acknowledged_writes_survive_sigkill_on_sqlite() {
    acknowledged_writes_survive_sigkill(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: kills a real server several times (run by .ci/run)"]
async fn acknowledged_writes_survive_sigkill_on_postgres() {
    acknowledged_writes_survive_sigkill(Backend::Postgres).await;
}
