//! The *Portail greffe*: sign-in rules on both backends, the API's refusal
//! of the portal's cookie, and stories in a real browser (headless Chromium
//! driven through WebDriver by fantoccini, each page audited with axe-core
//! and photographed under `target/portail-screenshots/`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use fantoccini::{Client, ClientBuilder, Locator};
use greffe_api::AppState;
use greffe_store::Store;
use greffe_store::demo::{DemoConfig, seed};
use greffe_store::sessions::{MAX_FAILURES, SignIn};
use serde_json::{Value, json};
use sqlx::Row;

use crate::api::app::{Backend, TestApp};

const PASSWORD: &str = "une phrase de passe solide";

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

/// A chromedriver process, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
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
    let png = client.screenshot().await.expect("screenshot");
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

/// Waits (10 s at most) for the element a navigation leads to.
async fn wait_for(client: &Client, css: &str) {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"));
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.expect("click");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_signs_in_sees_the_home_and_signs_out_in_a_real_browser() {
    let Some((client, _driver)) = browser().await else { return };
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("portail.db").display())).await.expect("store");
    let today = greffe_models::dates::paris_date(chrono::Utc::now());
    seed(&store, &DemoConfig { seed: 1, weeks: 8, stock: 300, today }).await.expect("demonstration court");
    store.set_password("test", "greffe-civ1", PASSWORD).await.expect("password set");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(greffe_api::serve(listener, AppState::new(store.clone()), async {
        let _ = stopped.await;
    }));

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
    let _ = stop.send(());
    let _ = server.await;
}
