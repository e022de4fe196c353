//! `TestApp`: the service in process (no socket), on a fresh store of
//! either backend. SQLite: a file in a temporary directory. PostgreSQL: a
//! new database per test on the local server (`GREFFE_TEST_POSTGRES`, by
//! default the socket of /var/run/postgresql, peer authentication); when no
//! server answers, the PostgreSQL half of each test says so and returns,
//! unless `GREFFE_REQUIRE_POSTGRES=1` (CI), where it fails.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use greffe_api::{AppState, router};
use greffe_store::Store;
use greffe_store::users::{NewUser, UserRole};
use serde_json::{Value, json};
use sqlx::Connection;
use tower::ServiceExt;

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// A response, its body parsed as JSON when it is JSON.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) json: Value,
    pub(crate) bytes: Vec<u8>,
}

impl Reply {
    /// The ETag, as If-Match wants it.
    pub(crate) fn etag(&self) -> String {
        self.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
    }

    /// The error code of an error body.
    pub(crate) fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
}

/// The service on a fresh store, with an administrator.
pub(crate) struct TestApp {
    pub(crate) router: Router,
    pub(crate) store: Store,
    pub(crate) admin: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);
static CLEANED: AtomicBool = AtomicBool::new(false);

fn postgres_base() -> String {
    std::env::var("GREFFE_TEST_POSTGRES").unwrap_or_else(|_| "postgres:///postgres?host=/var/run/postgresql".to_owned())
}

fn with_database(base: &str, name: &str) -> String {
    let (head, query) = base.split_once('?').map_or((base, None), |(h, q)| (h, Some(q)));
    let cut = head.rfind('/').map_or(head.len(), |i| i + 1);
    let mut url = format!("{}{name}", &head[..cut]);
    if let Some(query) = query {
        url = format!("{url}?{query}");
    }
    url
}

/// A new, empty PostgreSQL database, or why there is none.
async fn postgres_database() -> Result<String, String> {
    let base = postgres_base();
    let mut admin = tokio::time::timeout(std::time::Duration::from_secs(5), sqlx::PgConnection::connect(&base))
        .await
        .map_err(|_| format!("pas de réponse de {base}"))?
        .map_err(|e| format!("{base} : {e}"))?;
    if !CLEANED.swap(true, Ordering::SeqCst) {
        // Databases left by earlier runs of the suite (other processes).
        let ours = format!("greffe_t_{}_%", std::process::id());
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE 'greffe\\_t\\_%' AND datname NOT LIKE $1",
        )
        .bind(&ours)
        .fetch_all(&mut admin)
        .await
        .map_err(|e| e.to_string())?;
        for name in stale {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
        }
    }
    let name = format!("greffe_t_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await.map_err(|e| e.to_string())?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.map_err(|e| e.to_string())?;
    admin.close().await.ok();
    Ok(with_database(&base, &name))
}

impl TestApp {
    /// The service on `backend`; `None` (said on stderr) when PostgreSQL is
    /// wanted and no server answers.
    pub(crate) async fn on(backend: Backend) -> Option<Self> {
        let (store, dir) = empty_store(backend).await?;
        Self::with_store(store, dir).await
    }
}

/// A new, empty, migrated store on `backend` (and the directory of its
/// SQLite file); `None` (said on stderr) when PostgreSQL is wanted and no
/// server answers.
pub(crate) async fn empty_store(backend: Backend) -> Option<(Store, Option<tempfile::TempDir>)> {
    let (url, dir) = fresh_database(backend).await?;
    let store = Store::open(&url).await.expect("store opens and migrates");
    Some((store, dir))
}

/// The URL of a new, empty database on `backend` (and the directory of
/// its SQLite file); `None` (said on stderr) when PostgreSQL is wanted and
/// no server answers.
pub(crate) async fn fresh_database(backend: Backend) -> Option<(String, Option<tempfile::TempDir>)> {
    Some(match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            (format!("sqlite://{}", dir.path().join("greffe.db").display()), Some(dir))
        }
        Backend::Postgres => match postgres_database().await {
            Ok(url) => (url, None),
            Err(reason) => {
                assert!(
                    std::env::var("GREFFE_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "PostgreSQL exigé (GREFFE_REQUIRE_POSTGRES=1) mais indisponible : {reason}"
                );
                eprintln!("PostgreSQL indisponible, moitié PostgreSQL de ce test ignorée : {reason}");
                return None;
            }
        },
    })
}

impl TestApp {
    async fn with_store(store: Store, dir: Option<tempfile::TempDir>) -> Option<Self> {
        let admin = store
            .create_user(
                "test",
                NewUser {
                    id: "admin".into(),
                    name: "Admin".into(),
                    role: UserRole::Admin,
                    chambers: vec!["*".into()],
                    magistrate: None,
                },
            )
            .await
            .expect("admin created")
            .token;
        let router = router(state(store.clone()));
        Some(Self { router, store, admin, _dir: dir })
    }

    /// The same store and administrator behind a service of another state
    /// (other visibility, rules…).
    pub(crate) fn with_state(self, state: AppState) -> Self {
        Self { router: router(state), ..self }
    }

    /// Sends a request; `body` is JSON (or nothing).
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let mut headers = headers.to_vec();
        if !bytes.is_empty() && !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
            headers.push(("content-type", "application/json"));
        }
        self.raw(method, path, token, &headers, bytes).await
    }

    /// Sends a request with raw body bytes.
    pub(crate) async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let request_method = method.clone();
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body)).expect("request builds");
        let response = self.router.clone().oneshot(request).await.expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body").to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "500 on {path}: {json}");
        as_declared(&method_of(&request_method), path, status, &headers, &json);
        Reply { status, headers, json, bytes }
    }

    pub(crate) async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), &[], None).await
    }

    pub(crate) async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), &[], Some(body)).await
    }

    /// A write at the version `etag`.
    pub(crate) async fn write(&self, method: Method, path: &str, token: &str, etag: &str, body: Value) -> Reply {
        self.call(method, path, Some(token), &[("if-match", etag)], Some(body)).await
    }

    /// Creates a user; returns his token.
    pub(crate) async fn user(&self, id: &str, role: &str, chambers: &[&str], magistrate: Option<&str>) -> String {
        let reply = self
            .post(
                "/admin/users",
                &self.admin,
                json!({"id": id, "name": id, "role": role, "chambers": chambers, "magistrate": magistrate}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
        reply.json["token"].as_str().expect("token").to_owned()
    }

    /// Two chambers (civ1 civil, cr criminal) with a president, two
    /// conseillers and an avocat général each.
    pub(crate) async fn court(&self) {
        for (code, name, nature) in
            [("civ1", "Première chambre civile", "civil"), ("cr", "Chambre criminelle", "penal")]
        {
            let reply = self
                .post("/chambers", &self.admin, json!({"code": code, "name": name, "nature": nature, "sections": [{"code": format!("{code}-s1"), "name": "Section 1"}]}))
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
            for (suffix, role, rank) in
                [("p", "president", 1), ("c1", "conseiller", 2), ("c2", "conseiller", 3), ("ag", "avocat_general", 4)]
            {
                let reply = self
                    .post(
                        "/magistrates",
                        &self.admin,
                        json!({"id": format!("{code}-{suffix}"), "name": format!("Magistrat {code}-{suffix}"), "role": role, "chamber": code, "rank": rank}),
                    )
                    .await;
                assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
            }
        }
    }

    /// Moves dossier `id` (at `etag`) through routed and in instruction to
    /// ready, as `clerk`; returns its ETag.
    pub(crate) async fn make_ready(&self, clerk: &str, id: i64, etag: &str) -> String {
        let mut etag = etag.to_owned();
        for status in ["routed", "in_instruction", "ready"] {
            let reply = self
                .write(Method::POST, &format!("/dossiers/{id}/status"), clerk, &etag, json!({"status": status}))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{status}: {}", reply.json);
            etag = reply.etag();
        }
        etag
    }

    /// Number of journal entries.
    pub(crate) async fn journal_len(&self) -> i64 {
        self.store.health().await.expect("health").journal_entries
    }
}

/// A civil dossier of civ1 as the registry records it.
pub(crate) fn civil_dossier(pourvoi: &str) -> Value {
    json!({
        "pourvoi": pourvoi,
        "nature": "civil",
        "chamber": "civ1",
        "section": "civ1-s1",
        "matter": "famille",
        "circuit": "intermediaire",
        "registered_on": "2026-03-10",
        "attacked": {"court": "cour d'appel de Lyon", "date": "2026-01-15", "docket": "24/01234"},
        "parties": [
            {"name": "M. Dupont", "role": "demandeur", "lawyer": "SCP Aubert-Lemoine"},
            {"name": "SCI Les Tilleuls", "role": "defendeur", "lawyer": "SCP Perrin"}
        ],
        "rapporteurs": ["civ1-c1"],
        "avocat_general": "civ1-ag",
        "recusals": [{"magistrate": "civ1-c2", "ground": "a connu de l'affaire en appel (art. L111-6 COJ)"}]
    })
}

/// A criminal dossier of cr (the court's criminal chamber of [`TestApp::court`]).
pub(crate) fn criminal_dossier(pourvoi: &str) -> Value {
    let mut record = civil_dossier(pourvoi);
    record["nature"] = json!("penal");
    record["chamber"] = json!("cr");
    record["section"] = json!("cr-s1");
    record["rapporteurs"] = json!(["cr-c1"]);
    record["avocat_general"] = json!("cr-ag");
    record["recusals"] = json!([]);
    record
}

/// Runs a test body on SQLite and on PostgreSQL.
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = crate::api::app::TestApp::on(crate::api::app::Backend::Sqlite).await {
                    super::$name(app).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = crate::api::app::TestApp::on(crate::api::app::Backend::Postgres).await {
                    super::$name(app).await;
                }
            }
        }
    };
}
pub(crate) use both_backends;

fn method_of(method: &Method) -> String {
    method.as_str().to_ascii_lowercase()
}

/// The OpenAPI document the service publishes, and the validators of its
/// answers' schemas, built as the tests meet them.
struct Declared {
    document: Value,
    validators: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

static DECLARED: std::sync::OnceLock<Declared> = std::sync::OnceLock::new();

/// The operation of the document that `path` (a concrete path, query
/// string included) reaches with `method`: the template with the most
/// literal segments among those that match.
fn operation_of<'a>(document: &'a Value, method: &str, path: &str) -> Option<(&'a str, &'a Value)> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, &str, &Value)> = None;
    for (template, item) in document["paths"].as_object()? {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let matches = parts.iter().zip(&segments).all(|(part, segment)| {
            (part.starts_with('{') && part.ends_with('}') && !segment.is_empty()) || part == segment
        });
        let Some(operation) = item.get(method) else { continue };
        let literal = parts.iter().filter(|p| !p.starts_with('{')).count();
        if matches && best.is_none_or(|(score, _, _)| literal > score) {
            best = Some((literal, template.as_str(), operation));
        }
    }
    best.map(|(_, template, operation)| (template, operation))
}

/// Every answer the tests receive is one the document declares: its status
/// among the operation's responses, and, when it is JSON, valid against the
/// schema declared for that status (`docs` of the hardening work: the
/// document tells the truth). Portal pages and paths the document does not
/// describe are left alone.
pub(crate) fn as_declared(method: &str, path: &str, status: StatusCode, headers: &HeaderMap, json: &Value) {
    if path.starts_with("/portail") || path == "/openapi.json" {
        return;
    }
    let declared = DECLARED.get_or_init(|| Declared {
        document: serde_json::from_str(&greffe_api::openapi_json()).expect("the document is JSON"),
        validators: std::sync::Mutex::default(),
    });
    let Some((template, operation)) = operation_of(&declared.document, method, path) else { return };
    let responses = &operation["responses"];
    let Some(response) = responses.get(status.as_str()).or_else(|| responses.get("default")) else {
        panic!("{method} {template} ({path}) answered {status}, which the document does not declare");
    };
    let media = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !media.starts_with("application/json") || json.is_null() {
        return;
    }
    let Some(schema) = response["content"]["application/json"].get("schema") else {
        panic!("{method} {template} answered {status} in JSON, which the document does not declare: {json}");
    };
    let key = format!("{method} {template} {status}");
    let validator = {
        let mut validators = declared.validators.lock().expect("validators");
        std::sync::Arc::clone(validators.entry(key.clone()).or_insert_with(|| {
            let mut root = schema.clone();
            if let Some(object) = root.as_object_mut() {
                object.insert("components".to_owned(), declared.document["components"].clone());
            }
            std::sync::Arc::new(jsonschema::validator_for(&root).expect("the declared schema compiles"))
        }))
    };
    let errors: Vec<String> =
        validator.iter_errors(json).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{key}: the answer does not match its declared schema: {errors:?}\n{json}");
}

/// The check above can fail: an answer unlike its schema, or with a status
/// the document does not declare, fails the test that received it.
#[test]
fn an_answer_unlike_the_document_fails_the_test() {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("header"));
    let check = |status: StatusCode, body: Value| {
        let headers = headers.clone();
        std::panic::catch_unwind(move || as_declared("get", "/chambers?x=1", status, &headers, &body)).is_ok()
    };
    assert!(check(StatusCode::OK, json!([])), "an empty list of chambers is what is declared");
    assert!(!check(StatusCode::OK, json!({"chambers": []})), "an object where a list is declared");
    assert!(!check(StatusCode::OK, json!([{"code": "civ1"}])), "a chamber without its fields");
    assert!(!check(StatusCode::IM_A_TEAPOT, json!({})), "a status the document does not declare");
}

/// The day the tests' service takes for today: the fixtures' hearings are
/// in January 2027, their notices due in December 2026 — none late.
pub(crate) const PINNED_DAY: &str = "2026-12-01";

/// A service's state over `store`, its day pinned to [`PINNED_DAY`].
pub(crate) fn state(store: Store) -> AppState {
    let mut state = AppState::new(store);
    state.pinned_day = Some(PINNED_DAY.parse().expect("a day"));
    state
}
