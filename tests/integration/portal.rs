//! The *Portail greffe*: sign-in rules on both backends, the API's refusal
//! of the portal's cookie, and stories in a real browser (headless Chromium
//! driven through WebDriver by fantoccini, each page audited with axe-core
//! and photographed under `target/portail-screenshots/`).

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use fantoccini::{Client, ClientBuilder, Locator};
use greffe_api::AppState;
use greffe_store::Store;
use greffe_store::demo::{DemoConfig, seed};
use greffe_store::outbox::OutboxStatus;
use greffe_store::sessions::{MAX_FAILURES, SignIn};
use serde_json::{Value, json};
use sqlx::Row;

use crate::api::app::{Backend, TestApp};

pub(crate) const PASSWORD: &str = "une phrase de passe solide";

async fn access_entries(store: &Store) -> i64 {
    sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM journal WHERE kind = 'access'")
        .fetch_one(store.pool())
        .await
        .expect("count")
        .try_get("n")
        .expect("n")
}

async fn sign_in_rules(backend: Backend) {
    let Some(app) = TestApp::on(backend).await else { return };
    let store = &app.store;
    assert!(store.set_password("test", "admin", "court").await.is_err(), "a short password is refused");
    assert!(store.set_password("test", "nobody", PASSWORD).await.is_err(), "an unknown user is refused");
    store.set_password("test", "admin", PASSWORD).await.expect("password set");
    let before = access_entries(store).await;
    let SignIn::Granted { token, session } = store.sign_in("admin", PASSWORD).await.expect("sign-in") else {
        panic!("the right password opens a session")
    };
    assert_eq!(session.user.id, "admin");
    assert_eq!(store.session(&token).await.expect("read").map(|s| s.user.id).as_deref(), Some("admin"));
    assert_eq!(store.sign_in("nobody", PASSWORD).await.expect("sign-in"), SignIn::Refused, "unknown user");
    for _ in 0..MAX_FAILURES {
        assert_eq!(store.sign_in("admin", "pas le bon mot").await.expect("sign-in"), SignIn::Refused);
    }
    assert!(
        matches!(store.sign_in("admin", PASSWORD).await.expect("sign-in"), SignIn::Throttled { .. }),
        "after {MAX_FAILURES} failures even the right password waits"
    );
    assert_eq!(access_entries(store).await - before, i64::from(MAX_FAILURES as i32) + 2, "every refusal journaled");
    // A session signed out, or ended by a new password, opens nothing.
    store.sign_out(&token).await.expect("sign-out");
    assert!(store.session(&token).await.expect("read").is_none());
}

#[tokio::test]
async fn sign_in_is_checked_throttled_and_journaled_on_sqlite() {
    sign_in_rules(Backend::Sqlite).await;
}

#[tokio::test]
async fn sign_in_is_checked_throttled_and_journaled_on_postgres() {
    sign_in_rules(Backend::Postgres).await;
}

#[tokio::test]
async fn the_api_never_accepts_the_portal_cookie() {
    let Some(app) = TestApp::on(Backend::Sqlite).await else { return };
    app.store.set_password("test", "admin", PASSWORD).await.expect("password set");
    let SignIn::Granted { token, .. } = app.store.sign_in("admin", PASSWORD).await.expect("sign-in") else {
        panic!("signed in")
    };
    let cookie = format!("greffe_session={token}");
    let reply = app.call(Method::GET, "/me", None, &[("cookie", &cookie)], None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.json);
    let page = app.call(Method::GET, "/portail/", None, &[("cookie", &cookie)], None).await;
    assert_eq!(page.status, StatusCode::OK, "the same cookie opens the portal");
    let missing = app.call(Method::GET, "/portail/nulle-part", None, &[], None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let content_type = missing.headers["content-type"].to_str().unwrap_or("");
    assert!(content_type.starts_with("text/html"), "a page, not JSON: {content_type}");
    let asset = app.call(Method::GET, "/portail/dsfr/1.15.3/dsfr.min.css", None, &[], None).await;
    assert_eq!(asset.status, StatusCode::OK, "the assets are still served beside the catch-all");
    assert!(asset.headers["cache-control"].to_str().unwrap_or("").contains("immutable"));
}

#[tokio::test]
async fn a_sign_in_without_the_forms_csrf_token_opens_nothing() {
    let Some(app) = TestApp::on(Backend::Sqlite).await else { return };
    app.store.set_password("test", "admin", PASSWORD).await.expect("password set");
    let form = format!("identifiant=admin&mot_de_passe={}&csrf=forged&suite=%2Fportail%2F", PASSWORD.replace(' ', "+"));
    let content_type = ("content-type", "application/x-www-form-urlencoded");
    for headers in [vec![content_type], vec![content_type, ("cookie", "greffe_csrf=another")]] {
        let reply = app.raw(Method::POST, "/portail/connexion", None, &headers, form.clone().into_bytes()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "refused, the form shown again");
        let set_cookies: Vec<&str> =
            reply.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
        assert!(set_cookies.iter().all(|c| !c.starts_with("greffe_session=")), "no session: {set_cookies:?}");
        let html = String::from_utf8_lossy(&reply.bytes);
        assert!(html.contains("Le formulaire a expiré"), "the visitor is told why");
        assert!(html.contains("value=\"admin\""), "the identifier typed is kept");
    }
    // With the matching cookie and field, the same password signs in.
    let good = form.replace("csrf=forged", "csrf=same");
    let reply = app
        .raw(
            Method::POST,
            "/portail/connexion",
            None,
            &[content_type, ("cookie", "greffe_csrf=same")],
            good.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        reply.headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap_or("").starts_with("greffe_session="))
    );
}

/// A real `greffe serve` on a temporary demonstration store (300 dossiers
/// in stock), with `greffe-civ1` and `greffe-civ1-bis`'s passwords set;
/// with `publish`, a plan of the first civil chamber published over this
/// week and the next three (rolls, benches, notice tasks).
pub(crate) struct Served {
    base: String,
    pub(crate) store: Store,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Served {
    pub(crate) async fn start(publish: bool) -> Self {
        Self::start_on(publish, None).await
    }

    /// The same, the service taking `day` for today (publication compares
    /// the notices' last days with it).
    async fn start_on(publish: bool, day: Option<greffe_models::Date>) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = Store::open(&format!("sqlite://{}", dir.path().join("portail.db").display())).await.expect("store");
        let today = greffe_models::dates::paris_date(chrono::Utc::now());
        seed(&store, &DemoConfig { seed: 1, weeks: 8, stock: 300, today }).await.expect("demonstration court");
        store.set_password("test", "greffe-civ1", PASSWORD).await.expect("password set");
        if publish {
            publish_civ1(&store, today).await;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let mut state = AppState::new(store.clone());
        state.pinned_day = Some(day.unwrap_or(today));
        let server = tokio::spawn(greffe_api::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Self { base, store, stop, server, _dir: dir }
    }

    pub(crate) async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}

/// The Monday of this week in Paris (`publish_civ1` adds its hearings to
/// this week).
fn this_monday() -> greffe_models::Date {
    use chrono::Datelike;
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()))
}

/// Adds two hearings of civ1 to this week (Thursday and Friday mornings),
/// then proposes, validates and publishes a plan over the week, as if
/// published a month ago (so that the hearings kept their notice periods).
pub(crate) async fn publish_civ1(store: &Store, today: greffe_models::Date) {
    use chrono::Datelike;
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    for (id, offset) in [("civ1-essai-jeudi", 3), ("civ1-essai-vendredi", 4)] {
        let hearing = greffe_store::reference::HearingInput {
            id: id.into(),
            chamber: "civ1".into(),
            date: (monday + chrono::Duration::days(offset)).to_string(),
            half_day: "am".into(),
            formation: "FR".into(),
            capacity: 10,
            room: Some("salle Portalis".into()),
        };
        store.put_hearing("test", None, hearing).await.expect("hearing added");
    }
    let rules = greffe_models::planning::PlanningRules::default();
    let end = monday + chrono::Duration::days(6);
    let built = store
        .planning_instance("civ1", monday, end, monday - chrono::Duration::days(30), &rules)
        .await
        .expect("instance");
    let config = greffe_solver::SolveConfig {
        time_limit: Duration::from_secs(3),
        threads: 1,
        ..greffe_solver::SolveConfig::default()
    };
    let solved = greffe_solver::solve(&built.instance, &config).expect("solves");
    let new = greffe_store::plans::NewPlan {
        chamber: "civ1",
        start: monday,
        end,
        title: "essai du portail",
        instance: &built.doc,
        plan: &solved.plan,
        report: &solved.check,
        amends: None,
        origin: json!({"test": true}),
    };
    let draft = store.create_plan("test", new).await.expect("draft");
    let validated = store
        .validate_plan("test", draft.summary.id, draft.summary.version, &draft.report, None)
        .await
        .expect("validated");
    greffe_api::workflow::publish(
        store,
        "test",
        &validated.summary,
        validated.summary.version,
        None,
        monday - chrono::Duration::days(30),
        greffe_store::plans::Faults::default(),
    )
    .await
    .expect("published");
}

/// A chromedriver process in its own process group, stopped when dropped
/// with the browsers it started — even when a test fails half-way (a
/// browser left running would skew what runs next).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A headless Chromium session, or `None` (said on stderr) when Chromium or
/// chromedriver is not installed (`scripts/install-deps --tests` installs
/// them).
async fn browser() -> Option<(Client, Driver)> {
    let (chromium, chromedriver) = ("/usr/bin/chromium", "/usr/bin/chromedriver");
    if !std::path::Path::new(chromium).exists() || !std::path::Path::new(chromedriver).exists() {
        assert!(
            std::env::var("GREFFE_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "Chromium exigé (GREFFE_REQUIRE_BROWSER=1) mais absent"
        );
        eprintln!(
            "Chromium ou chromedriver absent : tests du portail dans le navigateur ignorés (scripts/install-deps --tests)"
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(chromedriver)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--lang=fr-FR"]
        }
    });
    let Value::Object(capabilities) = capabilities else { unreachable!("an object") };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        match ClientBuilder::new(connector.clone()).capabilities(capabilities.clone()).connect(&url).await {
            Ok(client) => return Some((client, driver)),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("chromedriver did not answer on {url}");
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/portail-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}

/// Photographs the page under `name`, and audits it with axe-core: no
/// *critical* or *serious* violation.
async fn look_at(client: &Client, name: &str) {
    // The whole page, not only the window: taller for the photograph.
    let height = client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|h| h.as_u64())
        .unwrap_or(1000)
        .clamp(1000, 8000);
    client.set_window_size(1280, u32::try_from(height).unwrap_or(1000) + 140).await.expect("resize");
    let png = client.screenshot().await.expect("screenshot");
    client.set_window_size(1280, 1000).await.expect("resize back");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("screenshot written");
    let axe = include_str!("../assets/axe-core/axe.min.js");
    client.execute(axe, vec![]).await.expect("axe-core loads");
    let result = client
        .execute("return axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)", vec![])
        .await
        .expect("axe-core runs");
    let violations = result.as_array().cloned().unwrap_or_default();
    let grave: Vec<String> = violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("critical" | "serious")))
        .map(|v| format!("{} ({}): {}", v["id"], v["impact"], v["nodes"].as_array().map_or(0, Vec::len)))
        .collect();
    assert!(grave.is_empty(), "page {name}: axe-core violations critical/serious: {grave:?}");
}

async fn text_of(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.expect("text")
}

async fn fill(client: &Client, css: &str, value: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(value).await.expect("type");
}

/// The id of the first dossier card in the board's column of `hearing`.
async fn served_first_card(client: &Client, hearing: &str) -> String {
    let card = client
        .find(Locator::Css(&format!("#audience-{hearing} article.carte")))
        .await
        .unwrap_or_else(|e| panic!("a card at {hearing}: {e}"));
    let id = card.attr("id").await.expect("attribute").expect("an id");
    id.trim_start_matches("dossier-").to_owned()
}

/// Waits (10 s at most) for the element a navigation leads to.
async fn wait_for(client: &Client, css: &str) {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"));
}

/// Waits up to `at_most` for `css` on a page that reloads itself while a
/// job runs (a simulation, a solve): a lookup that a reload aborts
/// (« aborted by navigation ») is tried again, not taken for a failure.
async fn wait_through_reloads(client: &Client, css: &str, at_most: Duration, what: &str) {
    let end = std::time::Instant::now() + at_most;
    let mut last = String::new();
    while std::time::Instant::now() < end {
        match client.find(Locator::Css(css)).await {
            Ok(_) => return,
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{what}: {css} never appeared in {at_most:?}; last: {last}");
}

/// Waits (10 s at most) for `css` to say `needle`: the page after a form
/// that leads to the same page with another message.
async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(needle) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never said « {needle} »; last: {last}");
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.expect("click");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_signs_in_sees_the_home_and_signs_out_in_a_real_browser() {
    let Some((client, _driver)) = browser().await else { return };
    let served = Served::start(false).await;
    let base = served.base.clone();

    // A signed-out visitor is sent to the sign-in page, and back after.
    client.goto(&format!("{base}/portail/")).await.expect("goto");
    let url = client.current_url().await.expect("url");
    assert_eq!(url.path(), "/portail/connexion", "{url}");
    assert_eq!(text_of(&client, "h1").await, "Connexion au Portail greffe");
    look_at(&client, "connexion").await;

    // A wrong password: told, the identifier kept.
    fill(&client, "#identifiant", "greffe-civ1").await;
    fill(&client, "#mot_de_passe", "pas le bon mot de passe").await;
    click(&client, "form[action='/portail/connexion'] button[type=submit]").await;
    wait_for(&client, "#erreur-connexion").await;
    assert!(text_of(&client, "#erreur-connexion").await.contains("Identifiant ou mot de passe incorrect"));
    let kept = client.find(Locator::Css("#identifiant")).await.expect("field").prop("value").await.expect("value");
    assert_eq!(kept.as_deref(), Some("greffe-civ1"), "what was typed is kept");
    look_at(&client, "connexion-erreur").await;

    // The right one: the clerk's home, her tasks by urgency and her hearings.
    fill(&client, "#mot_de_passe", PASSWORD).await;
    click(&client, "form[action='/portail/connexion'] button[type=submit]").await;
    wait_for(&client, "#taches").await;
    assert_eq!(client.current_url().await.expect("url").path(), "/portail/");
    assert!(text_of(&client, "h1").await.starts_with("Bonjour"));
    assert!(text_of(&client, "#taches").await.starts_with("Mes tâches"));
    assert!(text_of(&client, "#utilisateur").await.contains("greffier"));
    look_at(&client, "accueil-greffier").await;

    client.goto(&format!("{base}/portail/accessibilite")).await.expect("goto");
    assert_eq!(text_of(&client, "h1").await, "Déclaration d'accessibilité");
    look_at(&client, "accessibilite").await;

    // Signing out ends the session: the home sends to sign-in again.
    click(&client, "form[action='/portail/deconnexion'] button[type=submit]").await;
    wait_for(&client, "#deconnecte").await;
    assert_eq!(text_of(&client, "#deconnecte").await, "Vous êtes déconnecté.");
    client.goto(&format!("{base}/portail/")).await.expect("goto");
    assert_eq!(client.current_url().await.expect("url").path(), "/portail/connexion");

    client.close().await.expect("browser closes");
    served.stop().await;
}

/// The clicks a clerk spends on each task, from the home page, as the
/// stories below make them: a click on a link or button, or a form sent
/// with the Enter key, counts one; typing does not.
#[derive(Default)]
struct Clicks {
    tasks: Vec<(String, u32)>,
    current: Option<(String, u32)>,
}

impl Clicks {
    /// A task starts on the home page.
    async fn start(&mut self, client: &Client, base: &str, task: &str) {
        client.goto(&format!("{base}/portail/")).await.expect("home");
        wait_for(client, "#utilisateur").await;
        self.current = Some((task.to_owned(), 0));
    }

    fn count(&mut self) {
        if let Some((_, n)) = self.current.as_mut() {
            *n += 1;
        }
    }

    /// Clicks `css` and counts it.
    async fn click(&mut self, client: &Client, css: &str) {
        click(client, css).await;
        self.count();
    }

    /// Types `text` in `css` and sends the form with Enter (one count).
    async fn enter(&mut self, client: &Client, css: &str, text: &str) {
        let field = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(&format!("{text}\u{E007}")).await.expect("type and Enter");
        self.count();
    }

    fn done(&mut self) {
        let task = self.current.take().expect("a task started");
        self.tasks.push(task);
    }
}

async fn sign_in(client: &Client, base: &str, user: &str) {
    client.goto(&format!("{base}/portail/connexion")).await.expect("goto");
    fill(client, "#identifiant", user).await;
    fill(client, "#mot_de_passe", PASSWORD).await;
    click(client, "form[action='/portail/connexion'] button[type=submit]").await;
    wait_for(client, "#utilisateur").await;
}

async fn select(client: &Client, css: &str, value: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    field.select_by_value(value).await.unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
}

async fn value_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

/// The state shown for deadline `label` in the dossier page's table.
async fn deadline_state(client: &Client, label: &str) -> String {
    let rows = client.find_all(Locator::Css("#table-delais tbody tr")).await.expect("rows");
    for row in rows {
        let text = row.text().await.expect("text");
        if text.starts_with(label) {
            return row
                .find(Locator::Css("td:nth-child(6)"))
                .await
                .expect("state")
                .text()
                .await
                .expect("text")
                .to_lowercase();
        }
    }
    panic!("no deadline « {label} » on the page")
}

async fn fill_registration(client: &Client, pourvoi: &str, court: &str, docket: &str) {
    fill(client, "#champ-pourvoi", pourvoi).await;
    fill(client, "#champ-attacked-court", court).await;
    // Dates through the browser's own date input: typed as the locale shows them.
    client
        .execute(
            "document.getElementById('champ-attacked-date').value = arguments[0]; \
             document.getElementById('champ-signification_decision').value = arguments[1];",
            vec![json!("2026-10-02"), json!("2026-10-20")],
        )
        .await
        .expect("dates");
    fill(client, "#champ-attacked-docket", docket).await;
    fill(client, "#champ-parties-0-name", "Mme Amandine Portail").await;
    fill(client, "#champ-parties-0-lawyer", "SCP Essai et Témoin").await;
    fill(client, "#champ-parties-1-name", "Société Registre Nouveau").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerks_day_in_a_real_browser() {
    let Some((client, driver)) = browser().await else { return };
    let served = Served::start(true).await;
    let (base, store) = (served.base.clone(), served.store.clone());
    let mut clicks = Clicks::default();
    sign_in(&client, &base, "greffe-civ1").await;

    // Registering a pourvoi: every problem beside its field, what was typed
    // kept, nothing written.
    client.goto(&format!("{base}/portail/dossiers/nouveau")).await.expect("goto");
    fill(&client, "#champ-pourvoi", "x2654321").await;
    fill(&client, "#champ-parties-0-name", "Mme Amandine Portail").await;
    click(&client, "#enregistrer").await;
    wait_for(&client, "#erreurs").await;
    assert!(text_of(&client, "#champ-attacked-court-erreur").await.contains("champ vide"));
    assert!(text_of(&client, "#champ-attacked-date-erreur").await.contains("date"));
    assert_eq!(value_of(&client, "#champ-pourvoi").await, "X 26-54.321", "kept, normalised");
    assert_eq!(value_of(&client, "#champ-parties-0-name").await, "Mme Amandine Portail");
    look_at(&client, "enregistrement-erreurs").await;
    let found = store
        .search_dossiers(
            &greffe_store::dossiers::DossierQuery { pourvoi: Some("X 26-54.321".into()), ..Default::default() },
            None,
        )
        .await
        .expect("search");
    assert!(found.items.is_empty(), "a refused registration writes nothing");

    clicks.start(&client, &base, "enregistrer un pourvoi").await;
    clicks.click(&client, "a.fr-nav__link[href='/portail/dossiers/nouveau']").await;
    wait_for(&client, "#fiche-formulaire").await;
    look_at(&client, "enregistrement").await;
    fill_registration(&client, "x2654321", "cour d'appel de Rennes", "26/00042").await;
    clicks.click(&client, "#enregistrer").await;
    wait_for(&client, "#message").await;
    clicks.done();
    assert_eq!(text_of(&client, "#titre-dossier").await, "Pourvoi n° X 26-54.321");
    assert_eq!(deadline_state(&client, "Remise du mémoire ampliatif").await, "en cours", "started at once");
    assert_eq!(deadline_state(&client, "Délai pour former un pourvoi").await, "respecté");
    look_at(&client, "dossier-enregistre").await;
    let new_url = client.current_url().await.expect("url");

    // The same attacked decision again: the clerk is warned, nothing is
    // written until she confirms.
    client.goto(&format!("{base}/portail/dossiers/nouveau")).await.expect("goto");
    fill_registration(&client, "x2654322", "Cour d'appel de  Rennes", "26 00042").await;
    click(&client, "#enregistrer").await;
    wait_for(&client, "#doublons").await;
    assert!(text_of(&client, "#doublons").await.contains("X 26-54.321"));
    look_at(&client, "enregistrement-doublon").await;
    let twin = greffe_store::dossiers::DossierQuery { pourvoi: Some("X 26-54.322".into()), ..Default::default() };
    assert!(store.search_dossiers(&twin, None).await.expect("search").items.is_empty(), "not before confirmation");
    click(&client, "label[for='confirme-doublon']").await;
    click(&client, "#enregistrer").await;
    wait_for(&client, "#message").await;
    assert_eq!(text_of(&client, "#titre-dossier").await, "Pourvoi n° X 26-54.322", "registered once confirmed");

    // Finding a dossier by a number typed loosely opens it.
    clicks.start(&client, &base, "trouver un dossier par son numéro").await;
    clicks.enter(&client, "#recherche-rapide", "x 2654321").await;
    wait_for(&client, "#titre-dossier").await;
    clicks.done();
    assert_eq!(client.current_url().await.expect("url").path(), new_url.path());

    // Seeing a dossier's deadlines: they are on its page.
    clicks.start(&client, &base, "voir les délais d'un dossier").await;
    clicks.enter(&client, "#recherche-rapide", "X26-54.321").await;
    wait_for(&client, "#table-delais").await;
    clicks.done();

    // Recording a mémoire: the deadline it meets changes state.
    clicks.start(&client, &base, "enregistrer un mémoire").await;
    clicks.enter(&client, "#recherche-rapide", "x2654321").await;
    wait_for(&client, "#evenement").await;
    select(&client, "#champ-type", "depot_memoire_ampliatif").await;
    select(&client, "#evenement #champ-party", "demandeur").await;
    clicks.click(&client, "#evenement button[type=submit]").await;
    wait_for(&client, "#message").await;
    clicks.done();
    assert_eq!(deadline_state(&client, "Remise du mémoire ampliatif").await, "respecté");
    assert!(text_of(&client, "#table-journal").await.contains("dépôt du mémoire du demandeur"));
    look_at(&client, "dossier-memoire").await;

    // A jonction with a dossier of the criminal chamber: refused beside the
    // group's field, in French, naming that dossier; nothing recorded.
    let criminal = greffe_store::dossiers::DossierQuery { chamber: Some("cr".into()), ..Default::default() };
    let criminal = store.search_dossiers(&criminal, None).await.expect("search").items;
    let criminal = store.dossier(criminal.first().expect("a criminal dossier").id).await.expect("dossier");
    let jonction = greffe_store::dossiers::EventInput {
        kind: "jonction".into(),
        date: "2026-11-02".into(),
        party: None,
        rule: None,
        new_due: None,
        group: Some("J-CR-1".into()),
        corrects: None,
        cancel: false,
        note: None,
    };
    store.record_event("test", criminal.id, criminal.version, jonction).await.expect("the criminal dossier joined");
    let journal_before = text_of(&client, "#table-journal").await;
    select(&client, "#champ-type", "jonction").await;
    fill(&client, "#champ-group", "J-CR-1").await;
    click(&client, "#evenement button[type=submit]").await;
    wait_for(&client, "#champ-group-erreur").await;
    let refusal = text_of(&client, "#champ-group-erreur").await;
    assert!(refusal.contains(&criminal.record.pourvoi) && refusal.contains("de la chambre criminelle"), "{refusal}");
    assert_eq!(value_of(&client, "#champ-group").await, "J-CR-1", "what was typed is kept");
    look_at(&client, "dossier-jonction-refusee").await;
    client.goto(&format!("{base}{}", new_url.path())).await.expect("goto");
    wait_for(&client, "#table-journal").await;
    assert_eq!(text_of(&client, "#table-journal").await, journal_before, "nothing recorded");

    // Adding a piece, then downloading it back, byte for byte.
    let piece: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let piece_dir = tempfile::tempdir().expect("directory");
    let piece_path = piece_dir.path().join("mémoire en défense.pdf");
    std::fs::write(&piece_path, &piece).expect("piece written");
    clicks.start(&client, &base, "ajouter une pièce").await;
    clicks.enter(&client, "#recherche-rapide", "x2654321").await;
    wait_for(&client, "#ajout-piece").await;
    client
        .find(Locator::Css("#champ-file"))
        .await
        .expect("file input")
        .send_keys(&piece_path.display().to_string())
        .await
        .expect("file chosen");
    select(&client, "#champ-kind", "memoire_defense").await;
    select(&client, "#ajout-piece #champ-party", "defendeur").await;
    fill(&client, "#champ-filed_by", "SCP Essai et Témoin").await;
    clicks.click(&client, "#ajout-piece button[type=submit]").await;
    wait_for(&client, "#table-pieces").await;
    clicks.done();
    assert!(text_of(&client, "#table-pieces").await.contains("mémoire en défense.pdf"));
    assert!(text_of(&client, "#table-journal").await.contains("dépôt du mémoire en défense"), "the piece is the event");
    let downloaded = client
        .execute(
            "const link = document.querySelector('#table-pieces a'); \
             return fetch(link.href).then(r => r.arrayBuffer()).then(b => Array.from(new Uint8Array(b)));",
            vec![],
        )
        .await
        .expect("download");
    let downloaded: Vec<u8> =
        downloaded.as_array().expect("bytes").iter().map(|b| b.as_u64().expect("byte") as u8).collect();
    assert!(downloaded == piece, "the piece comes back byte for byte ({} bytes)", downloaded.len());
    look_at(&client, "dossier-piece").await;

    // Two clerks edit the same record: the second is told, and shown the
    // first one's version; nothing of hers is written.
    let dossier_path = new_url.path().to_owned();
    client.goto(&format!("{base}{dossier_path}/modifier")).await.expect("goto");
    wait_for(&client, "#fiche-formulaire").await;
    look_at(&client, "modification").await;
    // A second browser: the second clerk.
    let (other, other_driver) = browser().await.expect("a second browser");
    sign_in(&other, &base, "greffe-civ1").await;
    other.goto(&format!("{base}{dossier_path}/modifier")).await.expect("goto");
    wait_for(&other, "#fiche-formulaire").await;
    fill(&other, "#champ-attacked-docket", "26/00043").await;
    click(&other, "#enregistrer").await;
    wait_for(&other, "#message").await;
    other.close().await.expect("second browser closes");
    drop(other_driver);
    fill(&client, "#champ-attacked-docket", "26/00044").await;
    click(&client, "#enregistrer").await;
    wait_for(&client, "#conflit").await;
    assert!(text_of(&client, "#versions").await.contains("26/00043"), "the other version is shown");
    assert_eq!(value_of(&client, "#champ-attacked-docket").await, "26/00044", "her input is kept");
    look_at(&client, "modification-conflit").await;
    let stored = store.dossier(new_url.path().rsplit('/').next().and_then(|id| id.parse().ok()).expect("id")).await;
    assert_eq!(stored.expect("dossier").record.attacked.docket, "26/00043", "no silent overwrite");

    // A soc dossier is out of reach by URL.
    let soc = store
        .search_dossiers(
            &greffe_store::dossiers::DossierQuery { chamber: Some("soc".into()), ..Default::default() },
            None,
        )
        .await
        .expect("search");
    let soc_id = soc.items.first().expect("a soc dossier").id;
    client.goto(&format!("{base}/portail/dossiers/{soc_id}")).await.expect("goto");
    assert_eq!(text_of(&client, "h1").await, "Accès refusé");
    look_at(&client, "acces-refuse").await;

    // The overdue tasks of my chamber: on the home page itself.
    clicks.start(&client, &base, "voir les tâches en retard de ma chambre").await;
    assert!(text_of(&client, "#taches").await.starts_with("Mes tâches"));
    clicks.done();
    // Each notice says where its avis goes and where it stands (the outbox
    // the publication wrote: no mail server here, so they wait).
    let sending = text_of(&client, "#table-avis ul").await.to_lowercase();
    assert!(sending.contains(".avocats.example") && sending.contains("en attente d'envoi"), "{sending}");
    look_at(&client, "accueil-greffier-publie").await;

    // Marking a notice task done, from the home page.
    clicks.start(&client, &base, "marquer une tâche faite").await;
    let before = store.notice_tasks("civ1").await.expect("tasks").len();
    assert!(before > 0, "the publication created notices to send");
    clicks.click(&client, "#avis ~ div form button[type=submit]").await;
    // htmx puts the row, done, in place of the button.
    wait_for(&client, "#fait").await;
    clicks.done();
    assert!(text_of(&client, "#fait").await.to_lowercase().starts_with("fait :"));
    assert_eq!(store.notice_tasks("civ1").await.expect("tasks").len(), before - 1);

    // A notice the lawyer's mail server refused (as the dispatcher records
    // it), sent as a letter and posted, from the recipient's own page.
    let rows = store.outbox_of_open_tasks("civ1").await.expect("outbox");
    let claimed = store.claim_outbox("essai", Duration::from_secs(600), 10_000).await.expect("claim");
    let refused = rows.iter().find(|r| claimed.iter().any(|c| c.id == r.id)).expect("a notice waiting").clone();
    store.outbox_refused(refused.id, "essai", "550 5.1.1 adresse inconnue").await.expect("refused");
    client.goto(&format!("{base}/portail/")).await.expect("goto");
    clicks.start(&client, &base, "envoyer par courrier un avis refusé, puis indiquer la lettre postée").await;
    clicks.click(&client, &format!("#envoi-{}", refused.id)).await;
    wait_for(&client, "#renvoyer-courrier").await;
    assert!(text_of(&client, "#etat-envoi").await.contains("550 5.1.1"), "the server's answer shown");
    look_at(&client, "envoi-refuse").await;
    clicks.click(&client, "#renvoyer-courrier").await;
    wait_for(&client, "#poster").await;
    look_at(&client, "envoi-lettre").await;
    fill(&client, "#champ-address", "5 rue de Lille, 75007 Paris").await;
    fill(&client, "#champ-reference", "1A 123 456 7890 1").await;
    clicks.click(&client, "#lettre-postee").await;
    wait_for_text(&client, "#message", "Lettre postée").await;
    clicks.done();
    assert!(text_of(&client, "#etat-envoi").await.to_lowercase().starts_with("lettre postée le"));
    assert_eq!(text_of(&client, "#preuve").await, "1A 123 456 7890 1");
    look_at(&client, "envoi-poste").await;
    let row = store.outbox_item(refused.id).await.expect("row");
    assert_eq!((row.status, row.address.as_deref()), (OutboxStatus::Posted, Some("5 rue de Lille, 75007 Paris")));

    // This week's roll of a hearing, and a dossier's hearing and bench.
    clicks.start(&client, &base, "ouvrir le rôle d'une audience de la semaine").await;
    clicks.click(&client, "#audiences ~ div table tbody tr a").await;
    wait_for(&client, "#table-role").await;
    clicks.done();
    look_at(&client, "audience").await;
    let rolled = text_of(&client, "#table-role tbody tr:first-child td:nth-child(2)").await;
    clicks.start(&client, &base, "voir l'audience et la composition d'un dossier").await;
    clicks.enter(&client, "#recherche-rapide", &rolled).await;
    wait_for(&client, "#liste-audiences").await;
    clicks.done();
    assert!(text_of(&client, "#liste-audiences").await.contains("(président)"), "the bench, president named");

    // A certificat de non-pourvoi, end to end.
    clicks.start(&client, &base, "répondre à une demande de CNP").await;
    clicks.click(&client, "a.fr-nav__link[href='/portail/cnp']").await;
    wait_for(&client, "#demande-cnp").await;
    look_at(&client, "cnp").await;
    fill(&client, "#champ-court", "tribunal judiciaire de Nantes").await;
    client.execute("document.getElementById('champ-decision_date').value = '2026-06-15';", vec![]).await.expect("date");
    fill(&client, "#champ-docket", "25/07777").await;
    fill(&client, "#champ-parties", "M. Sans Pourvoi\nMme Exécution").await;
    clicks.click(&client, "#interroger").await;
    wait_for(&client, "#reponse").await;
    clicks.done();
    assert_eq!(text_of(&client, "#reponse").await.to_lowercase(), "certificat délivré");
    assert!(text_of(&client, "#certificat").await.contains("aucun pourvoi en cassation n'est enregistré"));
    look_at(&client, "cnp-certificat").await;
    // Against the decision the new pourvoi attacks: refused, and why.
    client.goto(&format!("{base}/portail/cnp")).await.expect("goto");
    fill(&client, "#champ-court", "cour d'appel de Rennes").await;
    client.execute("document.getElementById('champ-decision_date').value = '2026-10-02';", vec![]).await.expect("date");
    fill(&client, "#champ-docket", "26/00043").await;
    fill(&client, "#champ-parties", "Mme Amandine Portail").await;
    click(&client, "#interroger").await;
    wait_for(&client, "#reponse").await;
    assert!(text_of(&client, "#reponse").await.to_lowercase().starts_with("certificat refusé"));
    assert!(text_of(&client, "#constats").await.contains("X 26-54.321"));

    // The stock dashboard of my chamber.
    clicks.start(&client, &base, "ouvrir le tableau de bord de ma chambre").await;
    clicks.click(&client, "a.fr-nav__link[href='/portail/tableau-de-bord']").await;
    wait_for(&client, "#chiffre-stock").await;
    clicks.done();
    assert!(text_of(&client, "#perimetre").await.contains("civ1"));
    look_at(&client, "tableau-de-bord").await;

    // Recording an absence of a magistrate of the chamber.
    clicks.start(&client, &base, "enregistrer l'absence d'un magistrat").await;
    clicks.click(&client, "a.fr-nav__link[href='/portail/magistrats']").await;
    wait_for(&client, "#absence").await;
    let absent = client
        .execute("return document.querySelector('#champ-magistrate option:nth-child(2)').value", vec![])
        .await
        .expect("a magistrate");
    let absent = absent.as_str().expect("id").to_owned();
    select(&client, "#champ-magistrate", &absent).await;
    client
        .execute(
            "document.getElementById('champ-from').value = '2027-03-01';              document.getElementById('champ-to').value = '2027-03-05';",
            vec![],
        )
        .await
        .expect("dates");
    fill(&client, "#champ-reason", "formation").await;
    clicks.click(&client, "#enregistrer-absence").await;
    wait_for(&client, "#message").await;
    clicks.done();
    assert!(text_of(&client, "#table-magistrats").await.contains("du 01/03/2027 au 05/03/2027 (formation)"));
    let record = store.magistrate(&absent).await.expect("magistrate");
    assert!(record.magistrate.absences.iter().any(|a| a.from == "2027-03-01" && a.to == "2027-03-05"));
    look_at(&client, "magistrats").await;
    // A reversed period is refused beside its field, nothing written.
    select(&client, "#champ-magistrate", &absent).await;
    client
        .execute(
            "document.getElementById('champ-from').value = '2027-04-09';              document.getElementById('champ-to').value = '2027-04-01';",
            vec![],
        )
        .await
        .expect("dates");
    click(&client, "#enregistrer-absence").await;
    wait_for(&client, "#erreurs").await;
    assert!(text_of(&client, "#champ-to-erreur").await.contains("avant son début"));
    assert_eq!(
        store.magistrate(&absent).await.expect("magistrate").magistrate.absences.len(),
        record.magistrate.absences.len()
    );

    // Search as one types (htmx): the results follow the criteria.
    client.goto(&format!("{base}/portail/dossiers")).await.expect("goto");
    wait_for(&client, "#champ-lawyer").await;
    fill(&client, "#champ-lawyer", "essai et tém").await;
    wait_for(&client, "#resume").await;
    assert!(text_of(&client, "#zone-resultats").await.contains("X 26-54.321"), "found by its lawyer, accents and all");
    assert!(client.current_url().await.expect("url").query().unwrap_or("").contains("lawyer="), "the address follows");

    // Search by criteria, paginated.
    client.goto(&format!("{base}/portail/dossiers?tous=1")).await.expect("goto");
    wait_for(&client, "#resume").await;
    assert!(text_of(&client, "#resume").await.contains("d'autres suivent"));
    click(&client, "#page-suivante").await;
    wait_for(&client, "#resume").await;
    look_at(&client, "recherche").await;

    // The clicks of each task, as counted: the seed's indicator.
    let report: Vec<Value> = clicks.tasks.iter().map(|(task, n)| json!({"tache": task, "clics": n})).collect();
    std::fs::write(screenshot_dir().join("clics.json"), serde_json::to_string_pretty(&report).expect("json"))
        .expect("clicks written");
    for (task, n) in &clicks.tasks {
        eprintln!("clics depuis l'accueil : {n} — {task}");
        assert!(*n <= 3, "« {task} » takes {n} clicks (goal ≤ 3)");
    }
    client.close().await.expect("browser closes");
    drop(driver);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_has_its_home_in_a_real_browser() {
    let Some((client, driver)) = browser().await else { return };
    let served = Served::start(true).await;
    let (base, store) = (served.base.clone(), served.store.clone());
    let magistrate_user = store
        .users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.role == greffe_store::users::UserRole::Magistrat)
        .expect("a magistrate's account");
    for user in ["president-civ1", "analyste", "admin", magistrate_user.id.as_str()] {
        store.set_password("test", user, PASSWORD).await.expect("password set");
    }
    let sign_out = async |client: &Client| {
        click(client, "form[action='/portail/deconnexion'] button[type=submit]").await;
        wait_for(client, "#deconnecte").await;
    };

    // The chamber president: dossiers ready, drafts, the coming hearings
    // with their benches, the Cour's deadlines at risk.
    sign_in(&client, &base, "president-civ1").await;
    wait_for(&client, "#en-etat").await;
    assert!(text_of(&client, "#projets").await.starts_with("Projets de rôle"));
    assert!(text_of(&client, "#audiences ~ div").await.contains("(préside)"), "benches of the published rolls");
    assert!(
        client.find(Locator::Css("a.fr-nav__link[href='/portail/dossiers/nouveau']")).await.is_err(),
        "no registration"
    );
    look_at(&client, "accueil-president").await;
    sign_out(&client).await;

    // A magistrate: his dossiers with what is due, his hearings, his diary.
    sign_in(&client, &base, &magistrate_user.id).await;
    wait_for(&client, "#mes-dossiers").await;
    wait_for(&client, "#agenda-ics").await;
    look_at(&client, "accueil-magistrat").await;
    let ics = client.execute("return fetch('/portail/agenda.ics').then(r => r.text())", vec![]).await.expect("diary");
    assert!(ics.as_str().unwrap_or("").starts_with("BEGIN:VCALENDAR"), "an iCalendar file");
    // He reads a dossier of his chamber but records nothing there.
    let first = client.find(Locator::Css("#mes-dossiers ~ div table tbody tr a")).await;
    if let Ok(link) = first {
        link.click().await.expect("click");
        wait_for(&client, "#titre-dossier").await;
        assert!(client.find(Locator::Css("#evenement")).await.is_err(), "no event form for a magistrate");
        look_at(&client, "dossier-magistrat").await;
    }
    client.goto(&format!("{base}/portail/dossiers/nouveau")).await.expect("goto");
    assert_eq!(text_of(&client, "h1").await, "Accès refusé", "the API's refusal, as a page");
    sign_out(&client).await;

    // The analyst: the court's stock.
    sign_in(&client, &base, "analyste").await;
    wait_for(&client, "#stock").await;
    click(&client, "a.fr-nav__link[href='/portail/tableau-de-bord']").await;
    wait_for(&client, "#chiffre-stock").await;
    assert!(text_of(&client, "#perimetre").await.contains("la Cour"));
    look_at(&client, "tableau-de-bord-cour").await;
    let csv = client
        .execute("return fetch(document.getElementById('csv').href).then(r => r.text())", vec![])
        .await
        .expect("csv");
    let csv = csv.as_str().unwrap_or("");
    assert!(csv.trim_start_matches('\u{feff}').starts_with("chambre;indicateur;categorie;valeur"));
    assert!(csv.contains("total;stock;;"), "the court's total");
    // Aggregates, not dossiers (the visibility defaults): no search in the
    // header, no Dossiers menu, a refusal page at the address.
    assert!(client.find(Locator::Css("#recherche-rapide")).await.is_err(), "no dossier search for the analyst");
    assert!(client.find(Locator::Css("a.fr-nav__link[href='/portail/dossiers']")).await.is_err());
    client.goto(&format!("{base}/portail/dossiers?q=dupont")).await.expect("goto");
    assert_eq!(text_of(&client, "h1").await, "Accès refusé");
    sign_out(&client).await;

    // The administrator: users, and the stock.
    sign_in(&client, &base, "admin").await;
    wait_for(&client, "#utilisateurs").await;
    assert!(text_of(&client, "#utilisateurs ~ div").await.contains("greffe-civ1"));
    look_at(&client, "accueil-admin").await;

    client.close().await.expect("browser closes");
    drop(driver);
    served.stop().await;
}

/// The simulation studio, in a real browser: an analyst writes a scenario
/// (a refused value is named beside its field), runs it and watches it; a
/// second scenario made from the first (« Modifier et relancer », half the
/// social chamber's hearings, the rapporteurs designated by the round-robin
/// by seniority); both compared on one chart, the results downloaded. A
/// clerk has no studio.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_runs_two_scenarios_and_compares_them_in_a_real_browser() {
    let Some((client, _driver)) = browser().await else { return };
    let served = Served::start(false).await;
    let base = served.base.clone();
    served.store.set_password("test", "analyste", PASSWORD).await.expect("password set");
    sign_in(&client, &base, "analyste").await;
    click(&client, "a.fr-nav__link[href='/portail/simulations']").await;
    wait_for(&client, "#scenario").await;
    look_at(&client, "simulations").await;
    // A duration that is not a number: refused, said beside the field.
    fill(&client, "#champ-name", "référence").await;
    fill(&client, "#champ-weeks", "deux").await;
    click(&client, "#lancer").await;
    wait_for(&client, "#erreurs").await;
    assert!(text_of(&client, "#champ-weeks-erreur").await.contains("n'est pas un nombre entier"));
    look_at(&client, "simulations-refus").await;
    fill(&client, "#champ-weeks", "2").await;
    click(&client, "#lancer").await;
    wait_for(&client, "#simulation").await;
    look_at(&client, "simulation-en-cours").await;
    wait_through_reloads(&client, "#resultats", Duration::from_secs(300), "the results show when the run ends").await;
    assert!(text_of(&client, "#chiffres").await.contains("Stock à la fin"));
    assert!(client.find(Locator::Css("#graphique-stock svg[role=img]")).await.is_ok(), "the stock chart");
    look_at(&client, "simulation-resultats").await;
    let csv = client
        .execute("return fetch(document.querySelector('#telechargements a').href).then(r => r.text())", vec![])
        .await
        .expect("csv");
    assert!(csv.as_str().unwrap_or("").starts_with("week,monday,registered,heard,stock"), "{csv}");
    // The same scenario, half the social chamber's hearings.
    click(&client, "#modifier").await;
    wait_for(&client, "#scenario").await;
    assert_eq!(value_of(&client, "#champ-weeks").await, "2", "the form holds the first scenario");
    fill(&client, "#champ-name", "moitié des audiences sociales").await;
    fill(&client, "#champ-chambers-soc-hearings_percent", "50").await;
    select(&client, "#champ-designation", "round_robin").await;
    click(&client, "#lancer").await;
    wait_for(&client, "#simulation").await;
    wait_through_reloads(&client, "#resultats", Duration::from_secs(300), "the second run ends").await;
    let settings = text_of(&client, "#parametres").await;
    assert!(settings.contains("chambre soc : 50 % des audiences maintenues"), "{settings}");
    assert!(settings.contains("désignation des rapporteurs : tour de rôle par ancienneté"), "{settings}");
    assert!(client.find(Locator::Css("#graphique-rapports svg[role=img]")).await.is_ok(), "the reports' load chart");
    look_at(&client, "simulation-resultats-tour-de-role").await;
    // Both compared from the list.
    client.goto(&format!("{base}/portail/simulations")).await.expect("goto");
    wait_for(&client, "#table-simulations").await;
    let boxes = client.find_all(Locator::Css("#table-simulations input[name=run]")).await.expect("boxes");
    assert_eq!(boxes.len(), 2, "two finished runs to compare");
    for checkbox in &boxes {
        let id = checkbox.attr("id").await.expect("id").expect("an id");
        click(&client, &format!("label[for='{id}']")).await;
    }
    click(&client, "#comparer").await;
    wait_for(&client, "#table-comparaison").await;
    let table = text_of(&client, "#table-comparaison").await;
    assert!(table.contains("référence") && table.contains("moitié des audiences sociales"), "{table}");
    assert!(table.contains("Rapporteurs désignés hors section ou spécialité"), "{table}");
    let legend = text_of(&client, "#comparaison-stock .legende").await;
    assert!(legend.contains("référence") && legend.contains("moitié"), "one line per run: {legend}");
    look_at(&client, "simulations-comparaison").await;
    // A clerk: no studio, in the menu or at its address.
    click(&client, "form[action='/portail/deconnexion'] button").await;
    sign_in(&client, &base, "greffe-civ1").await;
    assert!(client.find(Locator::Css("a.fr-nav__link[href='/portail/simulations']")).await.is_err());
    client.goto(&format!("{base}/portail/simulations")).await.expect("goto");
    assert_eq!(text_of(&client, "h1").await, "Accès refusé");
    client.close().await.expect("close");
    served.stop().await;
}

/// The studio's refusals, through the portal's routes: a comparison of
/// fewer than two runs says how many to choose; an unknown run or file is
/// not found; a refused scenario queues nothing; a clerk has no studio.
#[tokio::test]
async fn the_studio_refuses_clearly_and_queues_nothing_it_refuses() {
    use tower::ServiceExt;
    let served = Served::start(false).await;
    let store = served.store.clone();
    let app = greffe_api::api::router(AppState::new(store.clone()));
    let signed = |user: &'static str| {
        let store = store.clone();
        async move {
            store.set_password("test", user, PASSWORD).await.expect("password set");
            let SignIn::Granted { token, session } = store.sign_in(user, PASSWORD).await.expect("sign-in") else {
                panic!("signed in")
            };
            (format!("greffe_session={token}"), session.csrf)
        }
    };
    let (analyst, csrf) = signed("analyste").await;
    let (clerk, _) = signed("greffe-civ1").await;
    let ask = |cookie: &str, method: &str, uri: &str, body: String| {
        let request = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .expect("request");
        let app = app.clone();
        async move {
            let reply = app.oneshot(request).await.expect("answer");
            let status = reply.status();
            let body = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body");
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let (status, html) = ask(&analyst, "GET", "/portail/simulations/comparer?run=1", String::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("1 simulation(s) choisie(s)") && html.contains("cocher de 2 à 6"), "{html}");
    let (status, _) = ask(&analyst, "GET", "/portail/simulations/999", String::new()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ask(&analyst, "GET", "/portail/simulations/999/semaines.csv", String::new()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let form = format!("csrf={csrf}&name=essai&weeks=2&chambers.cr.absence_percent=95&chambers.soc.closed_weeks=x");
    let (status, html) = ask(&analyst, "POST", "/portail/simulations", form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("2 erreurs empêchent"), "both problems at once");
    assert!(html.contains("id=\"champ-chambers-cr-absence_percent-erreur\""), "beside its field");
    assert!(
        store.jobs(greffe_store::jobs::JobKind::Simulation, None).await.expect("jobs").is_empty(),
        "nothing queued"
    );
    let (status, html) = ask(&clerk, "GET", "/portail/simulations", String::new()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Accès refusé"));
    served.stop().await;
}

/// The store's side of the registry portal, on both backends: registration
/// with its events in one write, duplicates, the search criteria the
/// portal adds (lawyer, attacked court and date), routing, recorded journal
/// verifications, a magistrate's dossiers, absences, certificates read
/// back.
async fn registry_portal_store(backend: Backend) {
    use greffe_models::registry::{Nature, PartyRole};
    use greffe_store::dossiers::{AttackedDecision, DossierInput, DossierQuery, EventInput, Party};
    use greffe_store::error::Error as StoreError;
    let Some((store, _dir)) = crate::api::app::empty_store(backend).await else { return };
    let today = greffe_models::dates::parse_date("2026-11-29").expect("date");
    seed(&store, &DemoConfig { seed: 1, weeks: 2, stock: 40, today }).await.expect("demonstration court");
    let event = |kind: &str, date: &str| EventInput {
        kind: kind.into(),
        date: date.into(),
        party: None,
        rule: None,
        new_due: None,
        group: None,
        corrects: None,
        cancel: false,
        note: None,
    };
    let input = DossierInput {
        pourvoi: "X 26-54.321".into(),
        nature: Nature::Civil,
        procedure: None,
        chamber: "civ1".into(),
        section: None,
        matter: None,
        circuit: None,
        registered_on: "2026-11-25".into(),
        urgent: false,
        attacked: AttackedDecision {
            court: "Cour d'appel de Rennes".into(),
            date: "2026-10-02".into(),
            docket: "26/00042".into(),
        },
        parties: vec![
            Party {
                lawyer: Some("SCP Célice, Texidor".into()),
                lawyer_email: Some("avis@celice-texidor.avocats.example".into()),
                ..Party::named("Mme Élodie Portail", PartyRole::Demandeur)
            },
            Party::named("Société Registre", PartyRole::Defendeur),
        ],
        residence_demandeur: Default::default(),
        residence_defendeur: Default::default(),
        rapporteurs: Vec::new(),
        avocat_general: None,
        recusals: Vec::new(),
        joined_group: None,
        grounds: Vec::new(),
        keywords: Vec::new(),
        attacked_nature: Default::default(),
        earlier_pourvoi: None,
        qpc: false,
        previous_pourvois: Vec::new(),
    };
    let by_number = |pourvoi: &str| DossierQuery { pourvoi: Some(pourvoi.into()), ..DossierQuery::default() };

    // A refused event leaves no dossier behind.
    let refused = store.register_pourvoi("test", input.clone(), vec![event("arret", "2026-11-20")]).await;
    assert!(refused.is_err());
    assert!(store.search_dossiers(&by_number("X 26-54.321"), None).await.expect("search").items.is_empty());
    // Registered with its declaration: the mémoire deadline runs at once.
    let dossier = store
        .register_pourvoi("test", input.clone(), vec![event("declaration_pourvoi", "2026-11-20")])
        .await
        .expect("registered");
    let deadlines = store.dossier_deadlines(dossier.id, today, Default::default()).await.expect("deadlines");
    assert!(deadlines.deadlines.iter().any(|d| d.rule == "civil.memoire_ampliatif"), "{:?}", deadlines.deadlines);

    // Duplicates: the same attacked decision spelt otherwise, or the same parties.
    let mut twin = input.clone();
    twin.pourvoi = "X 26-54.322".into();
    twin.attacked.court = "COUR D'APPEL  DE RENNES".into();
    twin.attacked.docket = "26 00042".into();
    twin.parties = vec![Party::named("M. Autre", PartyRole::Demandeur)];
    let found = store.possible_duplicates(&twin).await.expect("duplicates");
    assert!(found.iter().any(|d| d.id == dossier.id), "same attacked decision");
    let mut same_parties = input.clone();
    same_parties.attacked.docket = "26/09999".into();
    let found = store.possible_duplicates(&same_parties).await.expect("duplicates");
    assert!(found.iter().any(|d| d.id == dossier.id), "same parties");
    let mut stranger = twin.clone();
    stranger.attacked.docket = "26/09999".into();
    assert!(store.possible_duplicates(&stranger).await.expect("duplicates").is_empty(), "nothing in common");

    // The search criteria: a lawyer in any case, accents included (the
    // same on both backends), the attacked court and date.
    for lawyer in ["célice", "CÉLICE", "Célice, Tex"] {
        let query = DossierQuery { lawyer: Some(lawyer.into()), ..DossierQuery::default() };
        let items = store.search_dossiers(&query, None).await.expect("search").items;
        assert_eq!(items.iter().map(|d| d.id).collect::<Vec<_>>(), [dossier.id], "lawyer « {lawyer} »");
    }
    let query = DossierQuery {
        attacked_court: Some("appel de rennes".into()),
        attacked_date: Some("2026-10-02".into()),
        ..DossierQuery::default()
    };
    assert_eq!(store.search_dossiers(&query, None).await.expect("search").items.len(), 1);
    let bad = DossierQuery { attacked_date: Some("02/10/2026".into()), ..DossierQuery::default() };
    let refusal = store.search_dossiers(&bad, None).await.expect_err("a French date is refused");
    assert_eq!(refusal.problem().and_then(|p| p.field.clone()).as_deref(), Some("attacked_date"));

    // Routing: chamber and circuit, registered → routed, one write; a
    // criminal chamber refused, nothing written; an old version refused.
    let routed = store
        .decide_orientation("test", dossier.id, dossier.version, orientation("civ2", greffe_models::Circuit::Court))
        .await
        .expect("routed");
    assert_eq!((routed.record.chamber.as_str(), routed.status.as_str()), ("civ2", "routed"));
    let wrong = store
        .decide_orientation("test", dossier.id, routed.version, orientation("cr", greffe_models::Circuit::Court))
        .await
        .expect_err("criminal");
    assert_eq!(wrong.problem().and_then(|p| p.field.clone()).as_deref(), Some("chamber"));
    assert_eq!(store.dossier(dossier.id).await.expect("dossier").version, routed.version, "nothing written");
    let stale = store
        .decide_orientation("test", dossier.id, dossier.version, orientation("civ1", greffe_models::Circuit::Court))
        .await;
    assert!(matches!(stale, Err(StoreError::VersionMismatch { .. })));

    // Journal verifications are recorded; the last one is read back.
    assert!(store.last_verification().await.expect("read").is_none());
    let verification = store.verify_journal("test").await.expect("verified");
    let last = store.last_verification().await.expect("read").expect("one recorded");
    assert!(last.result.intact && verification.intact);
    assert_eq!((last.actor.as_str(), last.result.entries), ("test", verification.entries));

    // A magistrate's dossiers (the query orders by an alias: both backends).
    let magistrates = store.magistrates(Some("civ1")).await.expect("magistrates");
    let mut seen_one = false;
    for m in &magistrates {
        let mine = store.magistrate_dossiers(&m.magistrate.id, today).await.expect("his dossiers");
        for item in &mine {
            let record = store.dossier(item.id).await.expect("dossier").record;
            let his = if item.rapporteur {
                record.rapporteurs.contains(&m.magistrate.id)
            } else {
                record.avocat_general.as_deref() == Some(m.magistrate.id.as_str())
            };
            assert!(his, "{} is not {}'s", item.pourvoi, m.magistrate.id);
            seen_one = true;
        }
    }
    assert!(seen_one, "the demonstration court gives its magistrates dossiers");

    // Absences: appended; a reversed period names `to`, nothing written.
    let id = magistrates[0].magistrate.id.clone();
    let before = magistrates[0].magistrate.absences.len();
    let absence = |from: &str, to: &str| greffe_store::reference::Absence {
        from: from.into(),
        to: to.into(),
        reason: Some("formation".into()),
    };
    let written = store.add_absence("test", &id, absence("2027-03-01", "2027-03-05")).await.expect("absence");
    assert_eq!(written.magistrate.absences.len(), before + 1);
    let reversed = store.add_absence("test", &id, absence("2027-04-09", "2027-04-01")).await.expect_err("reversed");
    assert_eq!(reversed.problem().and_then(|p| p.field.clone()).as_deref(), Some("to"));
    assert_eq!(store.magistrate(&id).await.expect("magistrate").magistrate.absences.len(), before + 1);

    // A certificate's answer reads back as it was given.
    let request = greffe_store::cnp::CnpInput {
        court: Some("cour d'appel de Rennes".into()),
        decision_date: Some("2026-10-02".into()),
        docket: Some("26/00042".into()),
        parties: vec!["Mme Élodie Portail".into()],
        nature: Some("civil".into()),
        requester: None,
    };
    let answer = store.answer_cnp("test", request.clone()).await.expect("answered");
    let (read_request, read_answer) = store.cnp_answer(answer.id).await.expect("read back");
    let unknown = answer.id + 1000;
    assert_eq!((read_request, read_answer), (request, answer));
    assert!(store.cnp_answer(unknown).await.is_err(), "unknown request: not found");
}

#[tokio::test]
async fn the_registry_portals_store_on_sqlite() {
    registry_portal_store(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_registry_portals_store_on_postgres() {
    registry_portal_store(Backend::Postgres).await;
}

#[tokio::test]
async fn a_notice_task_is_done_once_through_the_api_or_the_portals_form() {
    use tower::ServiceExt;
    let served = Served::start(true).await;
    let store = served.store.clone();
    let app = greffe_api::api::router(AppState::new(store.clone()));
    let token = |id: &str, chamber: &str| {
        let store = store.clone();
        let (id, chamber) = (id.to_owned(), chamber.to_owned());
        async move {
            let user = greffe_store::users::NewUser {
                id: id.clone(),
                name: id,
                role: greffe_store::users::UserRole::Greffier,
                chambers: vec![chamber],
                magistrate: None,
            };
            store.create_user("test", user).await.expect("user").token
        }
    };
    let (civ1, soc) = (token("api-civ1", "civ1").await, token("api-soc", "soc").await);
    let tasks = store.notice_tasks("civ1").await.expect("tasks");
    assert!(tasks.len() >= 2, "the publication created notices");
    let post = |uri: String, headers: Vec<(&'static str, String)>, body: String| {
        let mut request = axum::http::Request::post(uri);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.body(axum::body::Body::from(body)).expect("request")
    };
    let done = |token: &str, id: i64| {
        post(format!("/notices/{id}/done"), vec![("authorization", format!("Bearer {token}"))], String::new())
    };
    // Another chamber's clerk: as if the task did not exist.
    let reply = app.clone().oneshot(done(&soc, tasks[0].id)).await.expect("answer");
    assert_eq!(reply.status(), StatusCode::NOT_FOUND);
    let reply = app.clone().oneshot(done(&civ1, tasks[0].id)).await.expect("answer");
    assert_eq!(reply.status(), StatusCode::OK);
    let body = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body");
    let task: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(task["pourvoi"], json!(tasks[0].pourvoi));
    let reply = app.clone().oneshot(done(&civ1, tasks[0].id)).await.expect("answer");
    assert_eq!(reply.status(), StatusCode::CONFLICT, "done once");
    let body = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body");
    assert_eq!(serde_json::from_slice::<Value>(&body).expect("json")["code"], json!("already_done"));

    // The portal's form, without JavaScript: back to the home page, told.
    let SignIn::Granted { token, session } = store.sign_in("greffe-civ1", PASSWORD).await.expect("sign-in") else {
        panic!("signed in")
    };
    let form = |csrf: &str| format!("csrf={csrf}&suite=%2Fportail%2F");
    let headers = || {
        vec![
            ("cookie", format!("greffe_session={token}")),
            ("content-type", "application/x-www-form-urlencoded".to_owned()),
        ]
    };
    let uri = format!("/portail/taches/{}/fait", tasks[1].id);
    let forged = app.clone().oneshot(post(uri.clone(), headers(), form("forged"))).await.expect("answer");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no CSRF token, nothing done");
    assert_eq!(store.notice_tasks("civ1").await.expect("tasks").len(), tasks.len() - 1);
    let reply = app.clone().oneshot(post(uri, headers(), form(&session.csrf))).await.expect("answer");
    assert_eq!(reply.status(), StatusCode::SEE_OTHER);
    assert_eq!(reply.headers()["location"], "/portail/?fait=tache");
    assert_eq!(store.notice_tasks("civ1").await.expect("tasks").len(), tasks.len() - 2);
    let journal = store.dossier_journal(tasks[1].dossier_id).await.expect("journal");
    assert!(journal.iter().any(|e| e.kind == "task_done" && e.actor == "greffe-civ1"), "journaled");
    served.stop().await;
}

/// An amendment from the published board, through the portal's forms:
/// nothing to amend is refused and said; after an absence of a sitting
/// magistrate, the board lists it and « Proposer un avenant » opens the
/// amending draft with its changes, each with its reason, and its
/// disruption next to the minimum.
#[tokio::test]
async fn an_amendment_is_proposed_from_the_published_board() {
    use tower::ServiceExt;
    let served = Served::start(true).await;
    let store = served.store.clone();
    let app = greffe_api::api::router(AppState::new(store.clone()));
    let published = store
        .plans(Some(&["civ1".to_owned()]), true)
        .await
        .expect("plans")
        .into_iter()
        .find(|p| p.status == greffe_models::plan_status::PlanStatus::Published)
        .expect("a published plan");
    let SignIn::Granted { token, session } = store.sign_in("greffe-civ1", PASSWORD).await.expect("sign-in") else {
        panic!("signed in")
    };
    let cookie = format!("greffe_session={token}");
    let get = |uri: String| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            let request = axum::http::Request::get(uri)
                .header("cookie", cookie)
                .body(axum::body::Body::empty())
                .expect("request");
            let reply = app.oneshot(request).await.expect("answer");
            let status = reply.status();
            let body = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body");
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let propose = || {
        let request = axum::http::Request::post(format!("/portail/plans/{}/avenant", published.id))
            .header("cookie", cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("csrf={}", session.csrf)))
            .expect("request");
        app.clone().oneshot(request)
    };
    let board = format!("/portail/plans/{}", published.id);
    let (status, html) = get(board.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Aucun événement du registre ne touche ce plan"), "nothing happened yet");
    assert!(!html.contains("id=\"proposer-avenant\""), "nothing to amend, no button");
    let reply = propose().await.expect("answer");
    assert_eq!(reply.status(), StatusCode::CONFLICT);
    let body = axum::body::to_bytes(reply.into_body(), usize::MAX).await.expect("body");
    assert!(String::from_utf8_lossy(&body).contains("aucun avenant à proposer"), "the refusal is said on the board");

    // The president of a published bench falls ill on its day.
    let plan = store.plan(published.id).await.expect("plan").plan;
    let doc = store.plan_instance(published.id).await.expect("instance");
    let bench = plan.benches.iter().find(|b| plan.assignments.iter().any(|a| a.hearing == b.hearing)).expect("a bench");
    let day = doc.hearings.iter().find(|h| h.id == bench.hearing.as_str()).expect("hearing").date.clone();
    let name = doc
        .magistrates
        .iter()
        .find(|m| m.id == bench.president.as_str())
        .and_then(|m| m.name.clone())
        .expect("a named president");
    let absence =
        greffe_store::reference::Absence { from: day.clone(), to: day.clone(), reason: Some("maladie".into()) };
    store.add_absence("test", bench.president.as_str(), absence).await.expect("absence");
    let (_, html) = get(board.clone()).await;
    assert!(html.contains(&format!("{name} absent(e) le")), "the event is listed by name");
    assert!(html.contains("id=\"proposer-avenant\""));
    let reply = propose().await.expect("answer");
    assert_eq!(reply.status(), StatusCode::SEE_OTHER);
    let location = reply.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.ends_with("?fait=avenant#avenant"), "{location}");
    let (status, html) = get(location.replace("#avenant", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Avenant proposé"), "told what was done");
    assert!(html.contains("id=\"table-avenant\""), "the changes are listed");
    assert!(html.contains(&name), "the reason names who is absent");
    assert!(html.contains("le minimum que toute solution régulière impose"));
    let amending = store
        .plans(Some(&["civ1".to_owned()]), false)
        .await
        .expect("plans")
        .into_iter()
        .find(|p| p.amends == Some(published.id))
        .expect("the amending draft");
    // The amending draft's board: the repair's objective, and no bound
    // said where the repair computed none.
    let (_, html) = get(format!("/portail/plans/{}", amending.id)).await;
    let figures = html.split("id=\"calcul\">").nth(1).and_then(|rest| rest.split("</p>").next());
    let figures = figures.expect("the computation's figures");
    assert!(figures.contains("objectif") && !figures.contains("borne"), "{figures}");
    // Back on the published board, the amendment in preparation is linked.
    let (_, html) = get(board).await;
    assert!(html.contains(&format!("href=\"/portail/plans/{}\" id=\"avenant-{}\"", amending.id, amending.id)));
    served.stop().await;
}

/// The planning board, in a real browser: a president asks for a proposal
/// for her chamber and watches it; the draft opens; she moves — keyboard
/// only — a dossier onto a hearing where its rapporteur is absent and sees
/// the violation on its card with its article; validation is refused while
/// it stands; she undoes the move from the draft's history and validates. A president of another
/// chamber cannot open the draft by its address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_president_plans_her_chamber_on_the_board_in_a_real_browser() {
    use fantoccini::key::Key;

    let Some((client, _driver)) = browser().await else { return };
    // The service's day: the first week's notices (hearings from 4 January
    // 2027, 15 days' notice) are already late.
    let day = greffe_models::dates::parse_date("2026-12-28").expect("date");
    let served = Served::start_on(false, Some(day)).await;
    let base = served.base.clone();
    for user in ["president-civ1", "president-cr"] {
        served.store.set_password("test", user, PASSWORD).await.expect("password set");
    }
    // The first fortnight of civ1's hearings; one rapporteur absent on the
    // first hearing day.
    let hearings = served.store.hearings(Some("civ1"), None, None).await.expect("hearings");
    let first = hearings.iter().map(|h| h.hearing.date.clone()).min().expect("civ1 sits");
    let start = greffe_models::dates::parse_date(&first).expect("date");
    let end = start + chrono::Duration::days(13);
    let rules = greffe_models::planning::PlanningRules::default();
    let built = served.store.planning_instance("civ1", start, end, start, &rules).await.expect("instance");
    let dossier = built.doc.dossiers.first().expect("a ready dossier").clone();
    let rapporteur = dossier.rapporteurs.first().expect("a rapporteur").clone();
    let absence =
        greffe_store::reference::Absence { from: first.clone(), to: first.clone(), reason: Some("formation".into()) };
    served.store.add_absence("test", &rapporteur, absence).await.expect("absence");
    let target = hearings.iter().find(|h| h.hearing.date == first).expect("first hearing").hearing.id.clone();

    sign_in(&client, &base, "president-civ1").await;
    client.goto(&format!("{base}/portail/audiencement")).await.expect("goto");
    wait_for(&client, "#demande").await;
    look_at(&client, "audiencement").await;
    // Dates as the browser's date input holds them.
    client
        .execute(
            "document.getElementById('champ-start').value = arguments[0]; \
             document.getElementById('champ-end').value = arguments[1];",
            vec![json!(start.to_string()), json!(end.to_string())],
        )
        .await
        .expect("dates");
    fill(&client, "#champ-time_limit_s", "3").await;
    click(&client, "#demander").await;
    wait_for(&client, "#proposition").await;
    look_at(&client, "proposition").await;
    // The page follows the solve and opens the draft.
    wait_through_reloads(&client, "#tableau", Duration::from_secs(60), "the draft opens when the solve ends").await;
    assert!(client.current_url().await.expect("url").path().starts_with("/portail/plans/"));
    let plan_url = client.current_url().await.expect("url").to_string();
    look_at(&client, "tableau").await;
    assert!(text_of(&client, "#violations").await.contains("Aucune règle enfreinte"));
    // The computation's figures, each said for what it is, and that the
    // board's edits leave them as computed.
    let figures = text_of(&client, "#calcul").await;
    assert!(figures.contains("borne") && figures.contains("aucun projet ne peut faire mieux"), "{figures}");
    assert!(figures.contains("ne recalculent pas"), "{figures}");

    // Keyboard only: the card's « Déplacer », then the hearing's « Placer ici ».
    let link = client.find(Locator::Css(&format!("#deplacer-{}", dossier.id))).await.expect("the card can be moved");
    link.send_keys(&Key::Enter.to_string()).await.expect("enter");
    wait_for(&client, "#choix-audience").await;
    look_at(&client, "tableau-choix").await;
    let place = client.find(Locator::Css(&format!("#placer-{target}"))).await.expect("the hearing takes it");
    place.send_keys(&Key::Enter.to_string()).await.expect("enter");
    wait_for(&client, "#message").await;
    let card = text_of(&client, &format!("#audience-{target} #dossier-{}", dossier.id)).await;
    assert!(card.contains("est absent le"), "{card}");
    assert!(card.contains("art. 1012 et 1013 CPC"), "{card}");
    assert!(text_of(&client, "#violations").await.contains("règle(s) enfreinte(s)"));
    look_at(&client, "tableau-violation").await;

    // Validation refused while a rule is broken, with the reason shown.
    click(&client, "#valider").await;
    wait_for(&client, "#refus").await;
    let refusal = text_of(&client, "#refus").await;
    assert!(refusal.contains("Refusé"), "{refusal}");
    look_at(&client, "tableau-refus").await;

    // The move undone from the history (the newest line), then validated.
    let history = text_of(&client, "#table-historique tbody tr:first-child").await;
    assert!(history.contains("placé à l'audience du"), "{history}");
    click(&client, "#table-historique tbody tr:first-child .annuler-modification").await;
    wait_for_text(&client, "#message", "Modification annulée").await;
    assert!(text_of(&client, "#violations").await.contains("Aucune règle enfreinte"));
    look_at(&client, "tableau-annulation").await;

    // The hearing's settings: its capacity lowered to one dossier, the
    // hearing flagged at once; undone from the history.
    click(&client, &format!("#reglages-{target} summary")).await;
    fill(&client, &format!("#capacite-{target}"), "1").await;
    fill(&client, &format!("#poids-max-{target}"), "1").await;
    look_at(&client, "tableau-reglages").await;
    click(&client, &format!("#changer-capacite-{target}")).await;
    let message = wait_for_text(&client, "#message", "Modification enregistrée").await;
    assert!(message.contains("capacité de l'audience du") && message.contains("règle(s) enfreinte(s)"), "{message}");
    let column = text_of(&client, &format!("#audience-{target}")).await;
    assert!(column.contains("/ 1 dossier(s)"), "{column}");
    assert!(column.contains('⚠'), "the hearing over capacity is flagged: {column}");
    look_at(&client, "tableau-capacite").await;
    click(&client, "#table-historique tbody tr:first-child .annuler-modification").await;
    wait_for_text(&client, "#message", "Modification annulée").await;
    assert!(text_of(&client, "#violations").await.contains("Aucune règle enfreinte"));
    // A capacity that is not a number: refused, named, the draft untouched.
    click(&client, &format!("#reglages-{target} summary")).await;
    client
        .execute(
            "const field = document.getElementById('capacite-' + arguments[0]); \
             field.type = 'text'; field.value = 'deux';",
            vec![json!(target)],
        )
        .await
        .expect("js");
    click(&client, &format!("#changer-capacite-{target}")).await;
    let refusal = wait_for_text(&client, "#refus", "nombre de dossiers illisible").await;
    assert!(refusal.contains("nombre entier"), "{refusal}");
    assert!(text_of(&client, "#violations").await.contains("Aucune règle enfreinte"));
    // A bench member replaced by a magistrate who does not sit there: the
    // edit is checked and named in French; undone.
    let replacement = client
        .execute(
            "const bench = [...document.querySelectorAll('#sortant-' + arguments[0] + ' option')].map(o => o.value); \
             const pick = [...document.querySelectorAll('#entrant-' + arguments[0] + ' option')] \
               .find(o => o.value && !bench.includes(o.value)); return pick ? pick.value : null;",
            vec![json!(target)],
        )
        .await
        .expect("js");
    let replacement = replacement.as_str().expect("a magistrate off the bench").to_owned();
    click(&client, &format!("#reglages-{target} summary")).await;
    select(&client, &format!("#entrant-{target}"), &replacement).await;
    click(&client, &format!("#remplacer-{target}")).await;
    let message = wait_for_text(&client, "#message", "Modification enregistrée").await;
    assert!(message.contains("remplace"), "{message}");
    click(&client, "#table-historique tbody tr:first-child .annuler-modification").await;
    wait_for_text(&client, "#message", "Modification annulée").await;
    // A card pinned to its hearing, then freed.
    let pinned = served_first_card(&client, &target).await;
    click(&client, &format!("#fixer-{pinned}")).await;
    wait_for_text(&client, "#message", "fixé à son audience").await;
    assert!(text_of(&client, &format!("#dossier-{pinned}")).await.to_lowercase().contains("épinglé"));
    click(&client, &format!("#liberer-{pinned}")).await;
    wait_for_text(&client, "#message", "libéré").await;
    // Drag and drop: a card dropped on another hearing's column is moved
    // there (the browser's drag events, dispatched as a mouse makes them).
    let dragged = served_first_card(&client, &target).await;
    let landed = client
        .execute(
            "const card = document.getElementById('dossier-' + arguments[0]); \
             const column = [...document.querySelectorAll('section[data-hearing]')] \
               .find(c => c.dataset.hearing && c.dataset.hearing !== arguments[1]); \
             const data = new DataTransfer(); \
             card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data})); \
             column.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data})); \
             column.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data})); \
             return column.dataset.hearing;",
            vec![json!(dragged), json!(target)],
        )
        .await
        .expect("drag and drop");
    let landed = landed.as_str().expect("a hearing").to_owned();
    wait_for_text(&client, "#message", "déplacé").await;
    assert!(
        client.find(Locator::Css(&format!("#audience-{landed} #dossier-{dragged}"))).await.is_ok(),
        "the card is in the column it was dropped on"
    );
    click(&client, "#table-historique tbody tr:first-child .annuler-modification").await;
    wait_for_text(&client, "#message", "Modification annulée").await;
    click(&client, "#valider").await;
    wait_for_text(&client, "#message", "Projet validé").await;
    assert_eq!(text_of(&client, "#statut-projet").await.to_lowercase(), "validé");
    // A variant of the validated plan, one dossier at another hearing: the
    // publication will make it stale, and the two compare.
    let plan_id: i64 = plan_url.rsplit('/').next().and_then(|id| id.parse().ok()).expect("plan id");
    let (record, doc) =
        (served.store.plan(plan_id).await.expect("plan"), served.store.plan_instance(plan_id).await.expect("instance"));
    let variant = served
        .store
        .create_plan(
            "test",
            greffe_store::plans::NewPlan {
                chamber: "civ1",
                start,
                end,
                title: "variante",
                instance: &doc,
                plan: &record.plan,
                report: &record.report,
                amends: None,
                origin: json!({"test": true}),
            },
        )
        .await
        .expect("variant")
        .summary;
    let shifted = record.plan.assignments.first().expect("a dossier heard");
    let elsewhere = record.plan.assignments.iter().find(|a| a.hearing != shifted.hearing).expect("two hearings");
    let shift = greffe_models::edit::Edit::Move {
        dossier: shifted.dossier.to_string(),
        hearing: Some(elsewhere.hearing.to_string()),
    };
    greffe_api::workflow::apply(&served.store, "test", variant.id, variant.version, &shift).await.expect("moved");
    let shifted_pourvoi =
        doc.dossiers.iter().find(|d| d.id == shifted.dossier.as_str()).expect("dossier").pourvoi.clone();

    // Another chamber's president: not even the draft's existence.
    click(&client, "form[action='/portail/deconnexion'] button").await;
    sign_in(&client, &base, "president-cr").await;
    client.goto(&plan_url).await.expect("goto");
    wait_for(&client, "h1").await;
    assert!(text_of(&client, "h1").await.contains("introuvable"), "{}", text_of(&client, "h1").await);

    // The clerk publishes: the confirmation lists the rolls and the notices,
    // the late ones flagged; without a reason the publication is refused.
    click(&client, "form[action='/portail/deconnexion'] button").await;
    sign_in(&client, &base, "greffe-civ1").await;
    client.goto(&plan_url).await.expect("goto");
    click(&client, "#publier").await;
    wait_for(&client, "#form-publier").await;
    // (Badges are written in capitals by the style sheet.)
    let notices = text_of(&client, "#table-avis").await.to_lowercase();
    assert!(notices.contains("avis d'audience"), "{notices}");
    assert!(notices.contains("en retard"), "{notices}");
    assert!(text_of(&client, "#avis-en-retard").await.contains("après leur date limite"));
    assert!(!text_of(&client, "#table-roles").await.is_empty());
    let overtaken = text_of(&client, "#caducs ~ ul").await;
    assert!(overtaken.contains("variante") && overtaken.contains("périmé"), "{overtaken}");
    look_at(&client, "publication").await;
    // The form asks for the reason; the service refuses without it too.
    client.execute("document.getElementById('reason').removeAttribute('required')", vec![]).await.expect("js");
    click(&client, "#confirmer-publication").await;
    wait_for(&client, "#refus").await;
    assert!(
        text_of(&client, "#refus").await.contains("après leur date limite"),
        "{}",
        text_of(&client, "#refus").await
    );
    look_at(&client, "publication-refus").await;
    fill(&client, "#reason", "accord des parties recueilli à l'audience de mise en état").await;
    click(&client, "#confirmer-publication").await;
    wait_for_text(&client, "#message", "Plan publié").await;
    assert_eq!(text_of(&client, "#statut-projet").await.to_lowercase(), "publié");
    let created = text_of(&client, "#table-avis").await.to_lowercase();
    assert!(created.contains("publié en retard") && created.contains("à faire"), "{created}");
    let summary = text_of(&client, "#avis-bilan").await;
    assert!(summary.contains("après leur date limite") && summary.contains("accord des parties"), "{summary}");
    look_at(&client, "plan-publie").await;
    // The published plan and its stale variant, side by side.
    select(&client, "#avec", &variant.id.to_string()).await;
    click(&client, "#comparer").await;
    wait_for(&client, "#table-comparaison").await;
    let differences = text_of(&client, ".table-differences").await;
    assert!(differences.contains(&shifted_pourvoi), "{differences}");
    assert!(text_of(&client, "#table-comparaison").await.contains("Écart à la borne"));
    look_at(&client, "comparaison").await;
    // An absence recorded after publication: the plan in force, checked
    // against the registry as it is now, flags the hearing it touches.
    let in_force = served.store.plan(plan_id).await.expect("plan").plan;
    let presiding = in_force.benches.iter().find(|b| b.hearing.as_str() == target).expect("a bench").president.clone();
    let absence =
        greffe_store::reference::Absence { from: first.clone(), to: first.clone(), reason: Some("maladie".into()) };
    served.store.add_absence("test", presiding.as_str(), absence).await.expect("absence");
    client.goto(&plan_url).await.expect("goto");
    wait_for(&client, "#tableau").await;
    let alert = text_of(&client, "#violations").await;
    assert!(alert.contains("depuis la publication"), "{alert}");
    let column = text_of(&client, &format!("#audience-{target}")).await;
    assert!(column.contains('⚠') && column.contains("absent"), "{column}");
    look_at(&client, "plan-publie-evenement").await;
    // The published roll, printable.
    click(&client, &format!("#titre-{target} a")).await;
    wait_for(&client, "#imprimer").await;
    assert!(text_of(&client, "#table-role").await.contains("Ordre"));
    look_at(&client, "role-imprimable").await;
    // The chamber's calendar, week and month: the hearing published, with
    // its president and roll against its capacity; another week's hearings
    // in the draft that publication made stale show no plan.
    client.goto(&format!("{base}/portail/calendrier?chambre=civ1&date={first}")).await.expect("goto");
    wait_for(&client, "#table-calendrier").await;
    let sitting = text_of(&client, &format!("#seance-{target}")).await;
    assert!(sitting.to_lowercase().contains("publié") && sitting.contains("Présidence"), "{sitting}");
    assert!(sitting.contains(" / "), "{sitting}");
    look_at(&client, "calendrier-semaine").await;
    click(&client, "#suivant").await;
    wait_for_text(&client, "#periode", "semaine du").await;
    select(&client, "#vue", "mois").await;
    click(&client, "#afficher").await;
    wait_for_text(&client, "#periode", "2027").await;
    // The month holds the first hearing (waited for: the period's title
    // may change a moment before the table under load).
    wait_for(&client, &format!("#seance-{target}")).await;
    look_at(&client, "calendrier-mois").await;
    client.goto(&format!("{base}/portail/calendrier?chambre=zzz")).await.expect("goto");
    wait_for(&client, "h1").await;
    let refused = text_of(&client, "main").await;
    assert!(refused.contains("chambre « zzz » inconnue") && refused.contains("civ1"), "{refused}");

    // The amendment: the absence listed on the published board, the repair
    // proposed by the clerk, its changes shown each with its reason.
    client.goto(&plan_url).await.expect("goto");
    wait_for(&client, "#evenements").await;
    assert!(text_of(&client, "#evenements").await.contains("absent(e) le"));
    click(&client, "#proposer-avenant").await;
    wait_for_text(&client, "#message", "Avenant proposé").await;
    let amendment_url = client.current_url().await.expect("url").to_string();
    let changes = text_of(&client, "#table-avenant").await;
    assert!(changes.contains("absent"), "each change says why: {changes}");
    assert!(text_of(&client, "#avenant-bilan").await.contains("le minimum"));
    look_at(&client, "avenant").await;
    // The president validates it, the clerk publishes it.
    click(&client, "form[action='/portail/deconnexion'] button").await;
    sign_in(&client, &base, "president-civ1").await;
    client.goto(&amendment_url).await.expect("goto");
    click(&client, "#valider").await;
    wait_for_text(&client, "#message", "Projet validé").await;
    click(&client, "form[action='/portail/deconnexion'] button").await;
    sign_in(&client, &base, "greffe-civ1").await;
    client.goto(&amendment_url).await.expect("goto");
    click(&client, "#publier").await;
    wait_for(&client, "#form-publier").await;
    let overtaken = text_of(&client, "#caducs ~ ul").await;
    assert!(overtaken.contains("remplacé par l'avenant"), "{overtaken}");
    look_at(&client, "avenant-publication").await;
    if client.find(Locator::Css("#reason")).await.is_ok() {
        fill(&client, "#reason", "accord des parties sur la nouvelle date").await;
    }
    click(&client, "#confirmer-publication").await;
    wait_for_text(&client, "#message", "Plan publié").await;
    assert_eq!(text_of(&client, "#statut-projet").await.to_lowercase(), "publié");
    look_at(&client, "avenant-publie").await;
    client.goto(&plan_url).await.expect("goto");
    wait_for(&client, "#statut-projet").await;
    assert!(text_of(&client, "#statut-projet").await.to_lowercase().contains("avenant publié"));
    client.close().await.expect("close");
    served.stop().await;
}

/// After a hearing: the greffier records who sat from the hearing's page
/// (a member prevented, replaced, with the reason); the roll shows each
/// dossier's decision to draft; the decision opens prefilled from the roll
/// and the record, its defects listed with their articles; the text is
/// written and saved as a version, and the defects it cleared are gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_greffier_records_who_sat_and_the_decision_is_drafted_in_a_real_browser() {
    let Some((client, _driver)) = browser().await else { return };
    // The service's day: the Monday after this week's civ1 hearings.
    let monday = this_monday();
    let served = Served::start_on(true, Some(monday + chrono::Duration::days(7))).await;
    let base = served.base.clone();
    sign_in(&client, &base, "greffe-civ1").await;

    client.goto(&format!("{base}/portail/audiences/civ1-essai-jeudi")).await.expect("goto");
    wait_for(&client, "#form-composition").await;
    assert!(text_of(&client, "#siege-manquant").await.contains("pas encore consigné"));
    look_at(&client, "audience-tenue").await;
    // The second member of the bench was prevented: replaced, with a reason.
    let replacement = value_of(&client, "#by-1 option:nth-child(2)").await;
    click(&client, "label[for=present-1]").await;
    select(&client, "#by-1", &replacement).await;
    click(&client, "#consigner").await;
    wait_for(&client, "#erreurs").await;
    assert!(text_of(&client, "#erreurs").await.contains("motif"), "the reason is required");
    fill(&client, "#reason-1", "empêchement (maladie)").await;
    click(&client, "#consigner").await;
    wait_for(&client, "#siege").await;
    let recorded = text_of(&client, "#siege").await;
    assert!(recorded.contains("remplacé(e) par") && recorded.contains("empêchement (maladie)"), "{recorded}");
    look_at(&client, "audience-composition-consignee").await;
    // The record corrected later: its form folded under a button that opens.
    click(&client, "#corriger-composition > summary").await;
    wait_for_text(&client, "#corriger-composition", "Greffier").await;

    // The roll's first dossier: its decision, to draft.
    let state = text_of(&client, "#table-role tbody tr:first-child td:last-child").await;
    assert_eq!(state, "à rédiger");
    click(&client, "#table-role tbody tr:first-child td:last-child a").await;
    wait_for(&client, "#form-decision").await;
    let defects = text_of(&client, "#defauts").await;
    assert!(defects.contains("décision incomplète"), "{defects}");
    assert!(text_of(&client, "#composition-decision").await.contains("Greffier"), "the record's greffier");
    look_at(&client, "decision-pre-remplie").await;

    fill(&client, "#champ-content-visas", "l'article 1103 du code civil").await;
    fill(&client, "#moyen-0", "Moyen unique, pris de la violation de l'article 1103 du code civil").await;
    fill(
        &client,
        "#reponse-0",
        "La cour d'appel a souverainement apprécié la portée du contrat ; le moyen n'est pas fondé.",
    )
    .await;
    select(&client, "#champ-content-outcome", "rejet").await;
    fill(&client, "#champ-content-operative", "REJETTE le pourvoi.").await;
    let pronounced = monday + chrono::Duration::days(7);
    // The date through the browser's own date input (its locale's format).
    client
        .execute(
            "document.getElementById('champ-content-pronouncement').value = arguments[0];",
            vec![json!(pronounced.to_string())],
        )
        .await
        .expect("date");
    click(&client, "label[for=publication-N]").await;
    click(&client, "#enregistrer").await;
    wait_for(&client, "#message").await;
    assert_eq!(text_of(&client, "#message").await, "Version 1 enregistrée.");
    assert_eq!(text_of(&client, "#statut-decision").await.to_lowercase(), "délibéré", "the outcome is recorded");
    assert!(text_of(&client, "#table-versions").await.contains("greffe-civ1"));
    let left = client.find_all(Locator::Css("#defauts li")).await.expect("defects").len();
    let after = if left == 0 { String::new() } else { text_of(&client, "#defauts").await };
    assert!(!after.contains("décision incomplète"), "the text is complete: {after}");
    look_at(&client, "decision-enregistree").await;
    assert!(text_of(&client, "#signataires").await.contains("en attente"));
    assert!(client.find(Locator::Css("#form-signature")).await.is_err(), "no signature while a defect stands");

    // The notices of the dossier sent today (their tasks done), late: the
    // defect stays until the reason is on record — as a publication with
    // the parties' agreement records it (`notice_tasks.late_reason`).
    let dossier: i64 =
        client.current_url().await.expect("url").path().split('/').nth(3).and_then(|id| id.parse().ok()).expect("id");
    for task in served.store.notice_tasks("civ1").await.expect("tasks") {
        if task.dossier_id == dossier {
            served.store.complete_notice("greffe-civ1", task.id, |_| true).await.expect("done");
        }
    }
    client.refresh().await.expect("reload");
    wait_for(&client, "#defauts").await;
    assert!(text_of(&client, "#defauts").await.contains("après le"), "sent after its last day");
    sqlx::query(
        "UPDATE notice_tasks SET late_reason = 'accord des parties (audience rapprochée)' WHERE dossier_id = $1",
    )
    .bind(dossier)
    .execute(served.store.pool())
    .await
    .expect("reason recorded");
    client.refresh().await.expect("reload");
    wait_for(&client, "#sans-defaut").await;
    click(&client, "#signer").await;
    // The page before said « Version 1 enregistrée. »: wait for the new one.
    assert_eq!(wait_for_text(&client, "#message", "signée").await, "Version 1 signée.");
    let signatories = text_of(&client, "#signataires").await;
    assert!(signatories.contains("greffier — Greffe civ1 : signé le"), "{signatories}");
    assert_eq!(signatories.matches("en attente").count(), 2, "{signatories}");
    look_at(&client, "decision-signee-greffier").await;

    // The president is prevented from signing: another member who
    // deliberated signs in his place, the reason on the decision — a new
    // version, so the greffier's signature is to give again.
    let workspace =
        served.store.decision_workspace(monday + chrono::Duration::days(7), dossier).await.expect("workspace");
    let content = workspace.content.clone();
    let replacing = content
        .members
        .iter()
        .find(|m| **m != content.president && !content.rapporteurs.contains(m))
        .cloned()
        .expect("a member who is neither president nor rapporteur");
    click(&client, "#empechement > summary").await;
    wait_for_text(&client, "#empechement", "Signataire empêché").await;
    select(&client, "#empeche", &format!("president|{}", content.president)).await;
    select(&client, "#remplacant", &replacing).await;
    fill(&client, "#motif-empechement", "admis à la retraite").await;
    click(&client, "#consigner-empechement").await;
    let message = wait_for_text(&client, "#message", "Empêchement consigné").await;
    assert!(message.starts_with("Empêchement consigné : version 2"), "{message}");
    let page = text_of(&client, "main").await;
    assert!(page.contains("Signature annulée : Greffe civ1 (greffier), version 1"), "{page}");
    assert!(page.contains("admis à la retraite"), "the mention on the decision");
    wait_for(&client, "#sans-defaut").await;
    click(&client, "#signer").await;
    assert_eq!(wait_for_text(&client, "#message", "Version 2").await, "Version 2 signée.");
    click(&client, "#changements-2 > summary").await;
    let changed = wait_for_text(&client, "#changements-2", "Signataires empêchés").await;
    // Named as the court names its magistrates, not by their ids.
    let name = served
        .store
        .magistrates(None)
        .await
        .expect("magistrates")
        .into_iter()
        .find(|m| m.magistrate.id == replacing)
        .map(|m| m.magistrate.name)
        .expect("named");
    assert!(changed.contains("admis à la retraite") && changed.contains(&format!("signe {name}")), "{changed}");
    look_at(&client, "decision-signataire-empeche").await;

    // « Mes dossiers »: the greffier's signature given, the others awaited.
    client.goto(&format!("{base}/portail/a-faire")).await.expect("goto");
    wait_for(&client, "#table-a-faire").await;
    let due = text_of(&client, "#table-a-faire").await;
    assert!(due.contains(&content.pourvoi) && due.contains("signée par vous"), "{due}");
    look_at(&client, "mes-dossiers").await;
    client.goto(&format!("{base}/portail/dossiers/{dossier}/decision")).await.expect("goto");
    wait_for(&client, "#signataires").await;

    // The member who replaces the president and the rapporteur sign through
    // the API with their own tokens: the last signature seals the arrêt.
    let mut tokens = Vec::new();
    for (login, magistrate) in [("remplacant-civ1", &replacing), ("rapporteur-civ1", &content.rapporteurs[0])] {
        let credentials = served
            .store
            .create_user(
                "test",
                greffe_store::users::NewUser {
                    id: login.into(),
                    name: format!("Magistrat {magistrate}"),
                    role: greffe_models::access::UserRole::Magistrat,
                    chambers: vec!["civ1".into()],
                    magistrate: Some(magistrate.clone()),
                },
            )
            .await
            .expect("user");
        tokens.push(credentials.token);
    }
    for token in &tokens {
        let status = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0], {method: 'POST', headers: {'Authorization': 'Bearer ' + arguments[1], 'If-Match': '\"2\"'}})
                   .then(r => done(r.status)).catch(e => done(String(e)));",
                vec![json!(format!("/dossiers/{dossier}/decision/signatures")), json!(token)],
            )
            .await
            .expect("fetch");
        assert_eq!(status, json!(200), "signed through the API");
    }
    client.refresh().await.expect("reload");
    wait_for(&client, "#scellee").await;
    let sealed = text_of(&client, "#scellee").await;
    assert!(
        sealed.contains("scellé par le greffe") && sealed.contains("Confidentiel jusqu'à son prononcé"),
        "{sealed}"
    );
    let pdf = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(document.getElementById('arret-pdf').href)
               .then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'), b.byteLength])))
               .catch(e => done(String(e)));",
            vec![],
        )
        .await
        .expect("fetch");
    assert_eq!((pdf[0].clone(), pdf[1].clone()), (json!(200), json!("application/pdf")), "{pdf}");
    assert!(pdf[2].as_u64().unwrap_or(0) > 10_000, "{pdf}");
    look_at(&client, "decision-scellee").await;

    // Its pronouncement date is the service's today: rendered (by this
    // pass, or by the worker's own), and its notification queued to each
    // lawyer — the sealed arrêt itself — then sent through a real SMTP
    // server on loopback.
    served.store.render_due_decisions(pronounced).await.expect("rendering pass");
    let sealed_sha256 =
        served.store.decision_workspace(pronounced, dossier).await.expect("workspace").seal.expect("sealed").pdf_sha256;
    let mut notifications = Vec::new();
    for task in served.store.notice_tasks("civ1").await.expect("tasks") {
        if task.kind == "decision_notice" && task.dossier_id == dossier {
            notifications.extend(served.store.outbox_of_task(task.id).await.expect("rows"));
        }
    }
    assert!(!notifications.is_empty(), "the notification is queued");
    assert!(notifications.iter().all(|r| r.document_sha256.as_deref() == Some(sealed_sha256.as_str())));
    let sink_dir = tempfile::tempdir().expect("tempdir");
    let port = crate::mail::free_port();
    if let Some(sink) = crate::mail::Sink::start(sink_dir.path(), port, &[]) {
        let mut state = greffe_api::AppState::new(served.store.clone());
        state.pinned_day = Some(pronounced);
        let mailer =
            greffe_api::mail::Mailer::new(&format!("smtp://127.0.0.1:{port}"), crate::mail::FROM).expect("settings");
        let started = std::time::Instant::now();
        loop {
            greffe_api::mail::dispatch(&state, &mailer, "essai").await.expect("dispatch");
            let mut left = 0;
            for row in &notifications {
                if served.store.outbox_item(row.id).await.expect("row").status
                    != greffe_store::outbox::OutboxStatus::Sent
                {
                    left += 1;
                }
            }
            if left == 0 {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "{left} notifications not sent");
        }
        let arrived: Vec<_> = sink
            .messages()
            .into_iter()
            .filter(|(summary, _)| {
                summary["subject"].as_str().unwrap_or_default().starts_with("Notification de l'arrêt")
            })
            .collect();
        assert_eq!(arrived.len(), notifications.len(), "one message per lawyer's office");
        for (_, pdf) in &arrived {
            let sha256 = greffe_models::signature::hex(&<sha2::Sha256 as sha2::Digest>::digest(pdf));
            assert_eq!(sha256, sealed_sha256, "the sealed arrêt, byte for byte");
        }
    }
    client.refresh().await.expect("reload");
    wait_for(&client, "#scellee").await;
    assert!(text_of(&client, "#scellee").await.contains("notifié aux parties"));
    assert_eq!(text_of(&client, "#statut-decision").await.to_lowercase(), "rendue");
    look_at(&client, "decision-rendue").await;

    client.close().await.expect("close");
    served.stop().await;
}

/// The rapporteur writes his report, then a draft decision prefilled from
/// the report's grounds, in the portal; each version is kept with its PDF.
/// The greffier of the chamber reads the report, never the draft.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rapporteur_files_his_report_and_a_draft_the_greffe_reads_only_the_report_in_a_real_browser() {
    let Some((client, _driver)) = browser().await else { return };
    // The service's day: the Monday after this week's civ1 hearings, so
    // that the decision can be drafted from the draft.
    let monday = this_monday();
    let served = Served::start_on(true, Some(monday + chrono::Duration::days(7))).await;
    let base = served.base.clone();
    let roll = served.store.roll("civ1-essai-jeudi").await.expect("roll");
    let entry = roll.dossiers.first().expect("a dossier on the roll").clone();
    let rapporteur = entry.rapporteurs.first().expect("a rapporteur").clone();
    let user = served
        .store
        .create_user(
            "test",
            greffe_store::users::NewUser {
                id: "rapporteur-civ1".into(),
                name: format!("Rapporteur {rapporteur}"),
                role: greffe_models::access::UserRole::Magistrat,
                chambers: vec!["civ1".into()],
                magistrate: Some(rapporteur.clone()),
            },
        )
        .await
        .expect("user")
        .user;
    served.store.set_password("test", "rapporteur-civ1", PASSWORD).await.expect("password");
    sign_in(&client, &base, "rapporteur-civ1").await;
    // « Mes dossiers »: the documents he has to file, as the store counts them.
    let due = served.store.work_due(monday + chrono::Duration::days(7), &user).await.expect("work due");
    client.goto(&format!("{base}/portail/a-faire")).await.expect("goto");
    wait_for(&client, "h1").await;
    let rows = client.find_all(Locator::Css("#table-a-deposer tbody tr")).await.expect("rows").len();
    assert_eq!(rows, due.len(), "one line per document due");
    look_at(&client, "mes-dossiers-rapporteur").await;
    let dossier = format!("{base}/portail/dossiers/{}", entry.dossier_id);
    client.goto(&format!("{dossier}#travaux")).await.expect("goto");
    wait_for(&client, "#actions-travaux").await;
    let actions = text_of(&client, "#actions-travaux").await;
    assert!(actions.contains("Rédiger le rapport") && actions.contains("Rédiger un projet"), "{actions}");
    assert!(!actions.contains("avocat général"), "{actions}");
    look_at(&client, "travaux-rapporteur-vide").await;

    // The report: refused without a ground or an account of the case.
    click(&client, "#actions-travaux a[href$='/rapport/nouveau']").await;
    wait_for(&client, "#form-travail").await;
    assert_eq!(value_of(&client, "#champ-content-title").await, "Rapport du conseiller rapporteur");
    click(&client, "#deposer").await;
    wait_for(&client, "#erreurs").await;
    assert!(text_of(&client, "#erreurs").await.contains("n'analyse aucun moyen"), "named");
    fill(&client, "#champ-content-body", "La société a assigné M. Dupont en paiement…").await;
    fill(&client, "#moyen-0", "Moyen unique, pris de la violation de l'article 1103 du code civil").await;
    fill(&client, "#reponse-0", "La question est celle de la force obligatoire du contrat.").await;
    fill(&client, "#champ-content-visas", "l'article 1103 du code civil").await;
    click(&client, "#deposer").await;
    assert_eq!(wait_for_text(&client, "#message", "déposée").await, "Version 1 déposée.");
    assert!(text_of(&client, "#diffusion").await.contains("avocats des parties"), "the report reaches the parties");
    look_at(&client, "travaux-rapport-depose").await;

    // A draft, prefilled from the report's ground; its answer is its own.
    client.goto(&format!("{dossier}/travaux/projet/nouveau")).await.expect("goto");
    wait_for(&client, "#form-travail").await;
    assert_eq!(
        value_of(&client, "#moyen-0").await,
        "Moyen unique, pris de la violation de l'article 1103 du code civil"
    );
    assert_eq!(value_of(&client, "#reponse-0").await, "");
    select(&client, "#champ-content-proposed", "rejet").await;
    fill(&client, "#reponse-0", "La cour d'appel a souverainement apprécié la portée du contrat.").await;
    fill(&client, "#champ-content-operative", "REJETTE le pourvoi ;\nCondamne M. Dupont aux dépens.").await;
    look_at(&client, "travaux-projet-redaction").await;
    click(&client, "#deposer").await;
    assert_eq!(wait_for_text(&client, "#message", "déposée").await, "Version 1 déposée.");
    assert!(text_of(&client, "#diffusion").await.contains("Document du délibéré"));
    assert!(text_of(&client, "#dispositif").await.contains("Condamne M. Dupont"), "line breaks kept");
    let pdf = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(document.querySelector('#table-versions a').href)
               .then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'), b.byteLength])))
               .catch(e => done(String(e)));",
            vec![],
        )
        .await
        .expect("fetch");
    assert_eq!((pdf[0].clone(), pdf[1].clone()), (json!(200), json!("application/pdf")), "{pdf}");
    look_at(&client, "travaux-projet-depose").await;
    client.goto(&format!("{dossier}#travaux")).await.expect("goto");
    wait_for(&client, "#table-travaux").await;
    let listed = text_of(&client, "#table-travaux").await;
    assert!(listed.contains("Rapport du conseiller rapporteur") && listed.contains("Projet d'arrêt n° 1"), "{listed}");
    look_at(&client, "travaux-liste-rapporteur").await;

    // After the hearing, the decision takes up the draft's text, to reread
    // before it is saved.
    client.goto(&format!("{dossier}/decision")).await.expect("goto");
    wait_for(&client, "#projets-rapporteur").await;
    click(&client, "#reprendre-projet-1").await;
    wait_for_text(&client, "#message", "Texte repris du projet d'arrêt n° 1").await;
    assert_eq!(value_of(&client, "#champ-content-outcome").await, "rejet");
    assert_eq!(
        value_of(&client, "#reponse-0").await,
        "La cour d'appel a souverainement apprécié la portée du contrat."
    );
    assert!(value_of(&client, "#champ-content-operative").await.starts_with("REJETTE le pourvoi ;\nCondamne"));
    look_at(&client, "decision-reprise-du-projet").await;
    click(&client, "#enregistrer").await;
    assert_eq!(wait_for_text(&client, "#message", "enregistrée").await, "Version 1 enregistrée.");

    // The greffe of the chamber: the report, not the draft.
    click(&client, "form[action='/portail/deconnexion'] button[type=submit]").await;
    wait_for(&client, "#deconnecte").await;
    sign_in(&client, &base, "greffe-civ1").await;
    client.goto(&format!("{dossier}#travaux")).await.expect("goto");
    wait_for(&client, "#table-travaux").await;
    let listed = text_of(&client, "#table-travaux").await;
    assert!(listed.contains("Rapport") && !listed.contains("Projet"), "{listed}");
    assert!(client.find(Locator::Css("#actions-travaux")).await.is_err(), "the greffe files no work document");
    look_at(&client, "travaux-liste-greffe").await;
    client.goto(&format!("{dossier}/travaux/projet/1")).await.expect("goto");
    wait_for(&client, "main").await;
    let refused = text_of(&client, "main").await;
    assert!(refused.contains("n'est lisible que par"), "{refused}");
    client.goto(&format!("{dossier}/decision")).await.expect("goto");
    wait_for(&client, "#form-decision").await;
    assert!(client.find(Locator::Css("#projets-rapporteur")).await.is_err(), "no draft offered to the greffe");
    client.goto(&format!("{dossier}/decision?projet=1")).await.expect("goto");
    wait_for(&client, "main").await;
    assert!(text_of(&client, "main").await.contains("n'est lisible que par"), "nor taken up by it");
    served.stop().await;
}

/// The president's order in a real browser: the greffe prepares a
/// déchéance from the dossier's page, sees the defect of a date while the
/// mémoire deadline ran, saves a lawful version; the president and the
/// greffe sign it; the dossier is decided.
#[tokio::test]
#[ignore = "needs chromium and chromedriver (run by .ci/run)"]
async fn the_greffe_prepares_a_decheance_the_president_and_the_greffier_sign_it_in_a_real_browser() {
    use greffe_models::registry::{Nature, PartyRole};
    use greffe_store::dossiers::{AttackedDecision, DossierInput, EventInput, Party};
    let Some((client, _driver)) = browser().await else { return };
    let served = Served::start_on(false, None).await;
    let base = served.base.clone();
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    // Declared six months ago, no mémoire ampliatif: the déchéance of
    // art. 978 CPC is incurred.
    let declared = today - chrono::Duration::days(183);
    let input = DossierInput {
        pourvoi: "Z 26-11.978".into(),
        nature: Nature::Civil,
        procedure: None,
        chamber: "civ1".into(),
        section: None,
        matter: None,
        circuit: None,
        registered_on: declared.to_string(),
        urgent: false,
        attacked: AttackedDecision {
            court: "Cour d'appel de Douai".into(),
            date: (declared - chrono::Duration::days(40)).to_string(),
            docket: "25/00978".into(),
        },
        parties: vec![
            Party {
                lawyer: Some("SCP Piwnica et Molinié".into()),
                ..Party::named("M. Jean Lenoir", PartyRole::Demandeur)
            },
            Party::named("Société Nord Bâtiment", PartyRole::Defendeur),
        ],
        residence_demandeur: Default::default(),
        residence_defendeur: Default::default(),
        rapporteurs: Vec::new(),
        avocat_general: None,
        recusals: Vec::new(),
        joined_group: None,
        grounds: Vec::new(),
        keywords: Vec::new(),
        attacked_nature: Default::default(),
        earlier_pourvoi: None,
        qpc: false,
        previous_pourvois: Vec::new(),
    };
    let declaration = EventInput {
        kind: "declaration_pourvoi".into(),
        date: declared.to_string(),
        party: None,
        rule: None,
        new_due: None,
        group: None,
        corrects: None,
        cancel: false,
        note: None,
    };
    let dossier = served.store.register_pourvoi("test", input, vec![declaration]).await.expect("registered");
    served.store.set_password("test", "president-civ1", PASSWORD).await.expect("password");
    let page = format!("{base}/portail/dossiers/{}", dossier.id);

    sign_in(&client, &base, "greffe-civ1").await;
    client.goto(&format!("{page}#ordonnance")).await.expect("goto");
    wait_for(&client, "#ordonnance").await;
    assert!(
        text_of(&client, "#alertes").await.contains("déchéance du pourvoi encourue"),
        "the alert that calls for it"
    );
    look_at(&client, "ordonnance-dossier").await;
    click(&client, "#preparer-decheance").await;
    wait_for(&client, "#form-ordonnance").await;
    assert!(text_of(&client, "#memoires-demandeur").await.contains("expiré"), "the deadline missed");
    assert_eq!(value_of(&client, "#champ-content-greffier").await, "Greffe civ1", "the clerk as greffier");
    assert_eq!(value_of(&client, "#champ-content-operative").await, "Constatons la déchéance du pourvoi.");
    look_at(&client, "ordonnance-preparation").await;

    // Dated while the deadline ran: saved, and the defect named.
    let set_date = |day: greffe_models::Date| {
        let client = client.clone();
        async move {
            client
                .execute(
                    "document.getElementById('champ-content-date').value = arguments[0];",
                    vec![json!(day.to_string())],
                )
                .await
                .expect("date");
        }
    };
    set_date(declared).await;
    click(&client, "#enregistrer").await;
    wait_for_text(&client, "#message", "Version 1 enregistrée").await;
    assert!(text_of(&client, "#defauts").await.contains("pas de déchéance encourue"), "named");
    assert!(client.find(Locator::Css("#signer")).await.is_err(), "nobody signs a defective order");
    look_at(&client, "ordonnance-defaut").await;
    set_date(today).await;
    click(&client, "#enregistrer").await;
    wait_for_text(&client, "#message", "Version 2 enregistrée").await;
    assert!(client.find(Locator::Css("#sans-defaut")).await.is_ok(), "free of defects");
    click(&client, "#signer").await;
    wait_for_text(&client, "#message", "Version 2 signée").await;

    click(&client, "form[action='/portail/deconnexion'] button").await;
    sign_in(&client, &base, "president-civ1").await;
    client.goto(&format!("{page}/ordonnance")).await.expect("goto");
    click(&client, "#signer").await;
    wait_for_text(&client, "#message", "elle est rendue").await;
    assert!(text_of(&client, "#ordonnance-rendue").await.contains("Déchéance constatée"));
    look_at(&client, "ordonnance-rendue").await;
    let decided = served.store.dossier(dossier.id).await.expect("dossier");
    assert_eq!(decided.status, greffe_models::registry::DossierStatus::Decided);
    assert_eq!(decided.decision.map(|d| d.solution), Some("decheance".to_owned()));
    client.goto(&page).await.expect("goto");
    wait_for(&client, "#lien-ordonnance").await;
    assert!(text_of(&client, "#decision").await.contains("déchéance"), "the dossier's decision");
    assert!(text_of(&client, "#lien-ordonnance").await.contains("rendue"), "{}", text_of(&client, "#ordonnance").await);
    look_at(&client, "ordonnance-dossier-jugé").await;

    // The greffe's home lists the order's notification to send: under no
    // hearing, its PDF the order itself.
    click(&client, "form[action='/portail/deconnexion'] button").await;
    sign_in(&client, &base, "greffe-civ1").await;
    client.goto(&format!("{base}/portail/")).await.expect("goto");
    wait_for(&client, "#table-avis").await;
    let notices = text_of(&client, "#table-avis").await;
    assert!(notices.contains("Notifier aux parties l'ordonnance de déchéance rendue le"), "{notices}");
    assert!(notices.contains("notification de l'ordonnance (PDF)"), "{notices}");
    look_at(&client, "accueil-greffier-ordonnance").await;
    // A letter of it, as the clerk handles it: the order, no hearing.
    click(&client, "#table-avis a[id^='envoi-']").await;
    wait_for(&client, "h1").await;
    let sending = text_of(&client, "main").await;
    assert!(sending.contains("Notification de l'ordonnance") && !sending.contains("audience du"), "{sending}");
    look_at(&client, "envoi-ordonnance").await;
    served.stop().await;
}

/// What a pourvoi raises, in a real browser: the greffe records on the
/// record's form that the decision attacked was given on referral after a
/// cassation — and is told beside the input which cassation is missing —,
/// then the cassation, a ground and a keyword; the dossier's page shows
/// them, the earlier pourvoi a link to its dossier.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_greffe_records_what_a_pourvoi_raises_in_a_real_browser() {
    use greffe_store::dossiers::DossierQuery;
    let Some((client, _driver)) = browser().await else { return };
    let served = Served::start(false).await;
    let (base, store) = (served.base.clone(), served.store.clone());
    let civ1 = |status: &str| DossierQuery {
        chamber: Some("civ1".into()),
        status: Some(status.into()),
        limit: Some(500),
        ..DossierQuery::default()
    };
    let pending = store.search_dossiers(&civ1("in_instruction"), None).await.expect("search");
    let decided = store.search_dossiers(&civ1("decided"), None).await.expect("search");
    let earlier = decided.items.first().expect("a decided civ1 dossier");
    // A dossier of the demonstration that attacks an appeal ruling.
    let mut target = None;
    for item in &pending.items {
        let dossier = store.dossier(item.id).await.expect("dossier");
        if dossier.record.earlier_pourvoi.is_none() {
            target = Some(dossier);
            break;
        }
    }
    let target = target.expect("a pending civ1 dossier on an appeal ruling");
    let grounds_before = target.record.grounds.len();
    sign_in(&client, &base, "greffe-civ1").await;

    client.goto(&format!("{base}/portail/dossiers/{}/modifier", target.id)).await.expect("goto");
    wait_for(&client, "#groupe-matiere").await;
    select(&client, "#champ-attacked_nature", "renvoi_apres_cassation").await;
    click(&client, "#enregistrer").await;
    let refusal = wait_for_text(&client, "#champ-earlier_pourvoi-erreur", "renvoi").await;
    assert!(refusal.contains("donner le numéro du pourvoi"), "{refusal}");
    look_at(&client, "fiche-renvoi-sans-cassation").await;
    assert_eq!(store.dossier(target.id).await.expect("dossier").version, target.version, "nothing written");

    fill(&client, "#champ-earlier_pourvoi", &earlier.pourvoi.replace([' ', '.'], "")).await;
    let new = grounds_before;
    fill(&client, &format!("#champ-grounds-{new}-title"), "Violation de l'article 1240 du code civil").await;
    fill(
        &client,
        &format!("#champ-grounds-{new}-articles"),
        "article 1240 du code civil ; article 455 du code de procédure civile",
    )
    .await;
    fill(
        &client,
        &format!("#champ-grounds-{new}-branches"),
        "Alors que la faute n'était pas caractérisée\nAlors que le lien de causalité faisait défaut",
    )
    .await;
    let keyword_row = target.record.keywords.len();
    select(&client, &format!("#champ-keywords-{keyword_row}"), "responsabilite-medicale").await;
    click(&client, "#enregistrer").await;
    wait_for(&client, "#moyens").await;

    let stored = store.dossier(target.id).await.expect("dossier").record;
    assert_eq!(stored.earlier_pourvoi.as_deref(), Some(earlier.pourvoi.as_str()), "canonical");
    let ground = stored.grounds.last().expect("the new ground");
    assert_eq!(ground.articles.len(), 2, "{:?}", ground.articles);
    assert_eq!(ground.branches.len(), 2, "one branch per line: {:?}", ground.branches);
    assert_eq!(stored.grounds.len(), grounds_before + 1, "the grounds shown kept");
    assert_eq!(stored.keywords.last().map(String::as_str), Some("responsabilite-medicale"));

    let tags = text_of(&client, "#mots-cles").await;
    assert!(tags.contains("Responsabilité médicale"), "{tags}");
    let nature = text_of(&client, "#nature-decision").await;
    assert!(nature.contains("renvoi après cassation"), "{nature}");
    assert_eq!(text_of(&client, "#pourvoi-anterieur").await, earlier.pourvoi);
    let cards = client.find_all(Locator::Css("section[aria-labelledby=moyens] .moyen")).await.expect("grounds");
    assert_eq!(cards.len(), grounds_before + 1);
    let last = cards.last().expect("card").text().await.expect("text");
    assert!(last.contains("Violation de l'article 1240 du code civil") && last.contains("lien de causalité"), "{last}");
    look_at(&client, "dossier-moyens").await;
    click(&client, "#pourvoi-anterieur").await;
    let heading = wait_for_text(&client, "h1", &earlier.pourvoi).await;
    assert!(heading.contains(&earlier.pourvoi), "{heading}");
    served.stop().await;
}

/// A clerk searches the text of the dossiers from the Dossiers page:
/// passages with the words found highlighted, facets that narrow the
/// search and tags that widen it again, only his chambers; then a dossier's
/// similar dossiers, loaded on its page; a bad filter refused in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_the_text_of_dossiers_in_a_real_browser() {
    use greffe_store::dossiers::DossierQuery;
    let Some((client, _driver)) = browser().await else { return };
    let served = Served::start(false).await;
    let (base, store) = (served.base.clone(), served.store.clone());
    // A civ1 dossier of the demonstration that states its grounds: its
    // first keyword's label is what the clerk looks for.
    let pending = store
        .search_dossiers(
            &DossierQuery { chamber: Some("civ1".into()), limit: Some(500), ..DossierQuery::default() },
            None,
        )
        .await
        .expect("search");
    let mut described = None;
    for item in &pending.items {
        let dossier = store.dossier(item.id).await.expect("dossier");
        if !dossier.record.grounds.is_empty() && !dossier.record.keywords.is_empty() {
            described = Some(dossier);
            break;
        }
    }
    let described = described.expect("a civ1 dossier with grounds and keywords");
    let vocabulary = greffe_models::vocabulary::Vocabulary::embedded();
    let keyword = vocabulary.get(&described.record.keywords[0]).expect("keyword");
    let words = described.record.grounds[0].title.clone();
    sign_in(&client, &base, "greffe-civ1").await;

    client.goto(&format!("{base}/portail/dossiers")).await.expect("goto");
    fill(&client, "#texte", &words).await;
    click(&client, "#vers-recherche-texte button[type=submit]").await;
    let summary = wait_for_text(&client, "#resume", "trouvé").await;
    assert!(summary.contains(&format!("« {} »", words.trim())), "{summary}");
    let hits = client.find_all(Locator::Css("#trouves .trouve")).await.expect("hits");
    assert!(!hits.is_empty(), "{summary}");
    for hit in &hits {
        let text = hit.text().await.expect("text");
        assert!(text.contains("civ1"), "only the clerk's chamber: {text}");
    }
    let marks = client.find_all(Locator::Css("#trouves mark")).await.expect("marks");
    assert!(!marks.is_empty(), "the words found are highlighted");
    look_at(&client, "recherche-texte").await;

    // Narrow by the keyword's facet, then widen again from its tag.
    let before = summary.clone();
    let link = client
        .find(Locator::XPath(&format!("//div[@id='facette-keyword']//a[normalize-space(.)=\"{}\"]", keyword.label)))
        .await;
    if let Ok(link) = link {
        link.click().await.expect("narrow");
        let tags = wait_for_text(&client, "#filtres", "Mot-clé").await;
        assert!(tags.contains(&keyword.label), "{tags}");
        let narrowed = text_of(&client, "#resume").await;
        look_at(&client, "recherche-texte-filtre").await;
        click(&client, "#filtres a.fr-tag").await;
        wait_for(&client, "#facette-keyword").await;
        assert_eq!(text_of(&client, "#resume").await, before, "the tag removed, the search as before ({narrowed})");
    } else {
        panic!("the keyword {} is among the facets of « {words} »", keyword.label);
    }

    // A dossier's page loads its similar dossiers after it is shown.
    client.goto(&format!("{base}/portail/dossiers/{}", described.id)).await.expect("goto");
    wait_for(&client, "#liste-semblables, #aucun-semblable").await;
    let similar = client.find_all(Locator::Css("#liste-semblables tbody tr")).await.expect("rows");
    assert!(!similar.is_empty(), "a demonstration dossier has neighbours");
    let first = similar[0].text().await.expect("text");
    assert!(!first.contains(&described.record.pourvoi), "itself left out: {first}");
    look_at(&client, "dossier-semblables").await;

    // A filter the vocabulary lacks is refused in words, nothing searched.
    client.goto(&format!("{base}/portail/recherche?q=bail&keyword=bial-commercial")).await.expect("goto");
    let refusal = wait_for_text(&client, "#q-erreur", "mot-clé").await;
    assert!(refusal.contains("bail-commercial"), "the closest keyword offered: {refusal}");
    assert!(client.find(Locator::Css("#trouves")).await.is_err(), "nothing searched");
    served.stop().await;
}

/// An orientation decided without a suggestion (the store's own test).
fn orientation(chamber: &str, circuit: greffe_models::Circuit) -> greffe_store::orientation::OrientationDecision {
    greffe_store::orientation::OrientationDecision {
        chamber: chamber.to_owned(),
        section: None,
        circuit,
        suggested: None,
        reason: None,
    }
}

/// A chamber's president reads a second pourvoi after a cassation: the
/// panel says the referral to the assemblée plénière is mandatory, with
/// the rule, its article and the first pourvoi; declining it without a
/// reason is refused beside the field, with one it is journaled and shown;
/// then the orientation suggested is decided in one click.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orienting_a_dossier_in_a_real_browser() {
    use greffe_store::dossiers::DossierQuery;
    let Some((client, _driver)) = browser().await else { return };
    let served = Served::start(false).await;
    let (base, store) = (served.base.clone(), served.store.clone());
    // A decided civ1 dossier that states its grounds: the first pourvoi.
    let decided = store
        .search_dossiers(
            &DossierQuery {
                chamber: Some("civ1".into()),
                status: Some("decided".into()),
                limit: Some(500),
                ..DossierQuery::default()
            },
            None,
        )
        .await
        .expect("search");
    let mut first = None;
    for item in &decided.items {
        let dossier = store.dossier(item.id).await.expect("dossier");
        if dossier.record.grounds.iter().any(|g| !g.articles.is_empty()) && !dossier.record.keywords.is_empty() {
            first = Some(dossier);
            break;
        }
    }
    let first = first.expect("a decided civ1 dossier with grounds");
    let mut second = first.record.clone();
    second.pourvoi = "Z 26-19.999".into();
    second.registered_on = "2026-11-02".into();
    second.attacked_nature = greffe_models::record::AttackedNature::RenvoiApresCassation;
    second.earlier_pourvoi = Some(first.record.pourvoi.clone());
    second.previous_pourvois = vec![first.record.pourvoi.clone()];
    second.circuit = None;
    let second = store.create_dossier("test", second).await.expect("second pourvoi");
    store.set_password("test", "president-civ1", PASSWORD).await.expect("password set");
    sign_in(&client, &base, "president-civ1").await;

    client.goto(&format!("{base}/portail/dossiers/{}#orientation", second.id)).await.expect("goto");
    let alert = wait_for_text(&client, "#renvoi-suggere", "assemblée plénière").await;
    assert!(alert.contains("obligatoire") && alert.contains("L431-6"), "{alert}");
    let rules = text_of(&client, "#regles-orientation").await;
    assert!(rules.contains(&first.record.pourvoi) && rules.contains("L431-6 al. 2 COJ"), "{rules}");
    let suggested = text_of(&client, "#orientation-suggeree").await;
    assert!(suggested.contains("AP") && suggested.contains("approfondi"), "{suggested}");
    look_at(&client, "dossier-orientation").await;

    // The assemblée plénière takes every chamber: the chambre mixte's boxes
    // show only once the chambre mixte is chosen.
    let boxes = client.find(Locator::Css("#renvoi-chambres")).await.expect("the chambers' boxes");
    assert!(!boxes.is_displayed().await.expect("displayed"), "hidden while the assemblée plénière is chosen");
    select(&client, "#form-renvoi select[name=formation]", "CM").await;
    assert!(boxes.is_displayed().await.expect("displayed"), "shown for a chambre mixte");
    assert!(text_of(&client, "#renvoi-chambres").await.contains("Première chambre civile (civ1)"));
    look_at(&client, "renvoi-chambre-mixte").await;

    // Declining a mandatory referral needs its reason.
    click(&client, "#form-ecarter button[type=submit]").await;
    let refusal = wait_for_text(&client, "#champ-decline_reason-erreur", "motif").await;
    assert!(refusal.contains("obligatoire"), "{refusal}");
    look_at(&client, "orientation-motif-requis").await;
    let reason = "Le second pourvoi critique la seule procédure suivie devant la cour de renvoi.";
    fill(&client, "#champ-decline_reason", reason).await;
    click(&client, "#form-ecarter button[type=submit]").await;
    let decisions = wait_for_text(&client, "#decisions-orientation", "écarté").await;
    assert!(decisions.contains(reason) && decisions.contains("bien qu'obligatoire"), "{decisions}");
    assert!(client.find(Locator::Css("#renvoi-suggere")).await.is_err(), "nothing awaits any more");

    // The orientation suggested, decided as preselected: one click.
    click(&client, "#form-orientation button[type=submit]").await;
    let decisions = wait_for_text(&client, "#decisions-orientation", "conforme à la suggestion").await;
    assert!(decisions.contains("circuit approfondi"), "{decisions}");
    assert_eq!(text_of(&client, "#statut").await.to_lowercase(), "orienté");
    look_at(&client, "orientation-decidee").await;
    served.stop().await;
}

/// The distribution board in headless Chromium, as the civ1 president sees
/// it: the batch of oriented dossiers with no rapporteur, the proposal for
/// each with its reasons, the loads; a change of rapporteur without a
/// reason is refused and nothing is designated; with the reason, the whole
/// batch is designated in one click and journaled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distributing_a_batch_in_a_real_browser() {
    use greffe_models::dossier::Circuit;
    use greffe_store::dossiers::DossierQuery;
    let Some((client, _driver)) = browser().await else { return };
    let served = Served::start(false).await;
    let (base, store) = (served.base.clone(), served.store.clone());
    // Three new civ1 pourvois, oriented, modelled on a reported one.
    let open = store
        .search_dossiers(
            &DossierQuery { chamber: Some("civ1".into()), limit: Some(200), ..DossierQuery::default() },
            None,
        )
        .await
        .expect("search");
    let mut model = None;
    for item in &open.items {
        let dossier = store.dossier(item.id).await.expect("dossier");
        if !dossier.record.rapporteurs.is_empty() && dossier.record.matter.is_some() && dossier.status.is_open() {
            model = Some(dossier);
            break;
        }
    }
    let model = model.expect("a reported civ1 dossier with a matter");
    let mut created = Vec::new();
    for n in 1..=3 {
        let mut record = model.record.clone();
        record.pourvoi = format!("Y 26-19.90{n}");
        record.registered_on = "2026-11-24".into();
        record.rapporteurs = Vec::new();
        record.avocat_general = None;
        record.recusals = Vec::new();
        record.circuit = Some(Circuit::Intermediaire);
        created.push(store.create_dossier("test", record).await.expect("created"));
    }
    store.set_password("test", "president-civ1", PASSWORD).await.expect("password set");
    sign_in(&client, &base, "president-civ1").await;

    client.goto(&format!("{base}/portail/distribution?semaine=2026-W48")).await.expect("goto");
    let summary = wait_for_text(&client, "#resume", "à distribuer").await;
    assert!(summary.contains("optimale prouvée"), "{summary}");
    let table = text_of(&client, "#table-distribution").await;
    assert!(table.contains("Y 26-19.901") && table.contains("charge pondérée"), "{table}");
    assert!(text_of(&client, "#table-charges").await.contains("Charge"));
    look_at(&client, "distribution-proposition").await;

    // The first line's row, then another rapporteur without a reason.
    let row = client
        .find(Locator::XPath("//table[@id='table-distribution']//tr[.//a[text()='Y 26-19.901']]"))
        .await
        .expect("row");
    let index = row.attr("id").await.expect("id").expect("an id").trim_start_matches("ligne-").to_owned();
    let select = client.find(Locator::Css(&format!("#m{index}"))).await.expect("select");
    let options = select.find_all(Locator::Css("option")).await.expect("options");
    assert!(options.len() >= 2, "someone else may report it");
    let other = options[1].attr("value").await.expect("value").expect("a value");
    select.select_by_value(&other).await.expect("chosen");
    click(&client, "#confirmer").await;
    let refusal = wait_for_text(&client, "#erreurs", "Rien n'a été désigné").await;
    assert!(refusal.contains("sans motif") && refusal.contains("Y 26-19.901"), "{refusal}");
    assert!(store.dossier(created[0].id).await.expect("dossier").record.rapporteurs.is_empty(), "nothing designated");
    look_at(&client, "distribution-motif-requis").await;

    fill(&client, &format!("#r{index}"), "Il a rapporté l'arrêt de principe sur cette question.").await;
    click(&client, "#confirmer").await;
    wait_for_text(&client, "#message", "Désignations enregistrées").await;
    let designated = store.dossier(created[0].id).await.expect("dossier");
    assert_eq!(designated.record.rapporteurs, vec![other.clone()]);
    for dossier in &created[1..] {
        assert_eq!(store.dossier(dossier.id).await.expect("dossier").record.rapporteurs.len(), 1);
    }
    look_at(&client, "distribution-confirmee").await;
    served.stop().await;
}
